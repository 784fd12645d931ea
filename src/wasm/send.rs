//! `send(request)`: the gloo-net transport (fetch in browsers, workers and Node 20).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

use gloo_net::http::{Method, RequestBuilder};

#[derive(Deserialize)]
struct Req {
    method: String,
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: Option<String>,
}

#[derive(Serialize, Default)]
struct Resp {
    status: u16,
    headers: BTreeMap<String, String>,
    body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn failed(msg: String) -> JsValue {
    super::write(&Resp {
        error: Some(msg),
        ..Resp::default()
    })
}

/// `send(request)`: performs a request built by `request()`; resolves to
/// `{ status, headers, body }`, or `{ status: 0, error }` when nothing came back. Never rejects.
#[wasm_bindgen(js_name = send, unchecked_return_type = "Promise<HttpResponse>")]
pub async fn send(#[wasm_bindgen(unchecked_param_type = "HttpRequest")] request: JsValue) -> JsValue {
    let mut issues = crate::issue::Issues::new();
    let Some(value) = super::read(&request, "request", true, &mut issues) else {
        return failed("request is missing or not an object".into());
    };
    let req: Req = match serde_json::from_value(value) {
        Ok(r) => r,
        Err(e) => return failed(format!("not a request {{ method, url, headers, body }}: {e}")),
    };
    let method = match req.method.to_ascii_uppercase().as_str() {
        "GET" => Method::GET,
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        "PATCH" => Method::PATCH,
        "DELETE" => Method::DELETE,
        other => return failed(format!("unsupported method {other}")),
    };
    let mut builder = RequestBuilder::new(&req.url).method(method);
    for (k, v) in &req.headers {
        builder = builder.header(k, v);
    }
    let built = match req.body {
        Some(b) => builder.body(b),
        None => builder.build(),
    };
    let response = match built {
        Ok(r) => r.send().await,
        Err(e) => return failed(e.to_string()),
    };
    match response {
        Ok(resp) => {
            let status = resp.status();
            let headers = resp.headers().entries().collect();
            match resp.text().await {
                Ok(body) => super::write(&Resp {
                    status,
                    headers,
                    body,
                    error: None,
                }),
                Err(e) => failed(format!("reading the response failed: {e}")),
            }
        }
        Err(e) => failed(e.to_string()),
    }
}
