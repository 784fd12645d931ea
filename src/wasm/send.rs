//! `send(request)`: the gloo-net transport (fetch in browsers, workers and Node 20).

use serde::Serialize;
use wasm_bindgen::prelude::*;

use gloo_net::http::{Method, RequestBuilder};

/// The request fields `send` reads (`{ method, url, headers, body }`).
struct Req {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

impl Req {
    /// Reads a request object by hand (serde's derive would pull float formatting into the
    /// module for its error messages).
    fn from_value(v: &serde_json::Value) -> Result<Req, String> {
        let text = |k: &str| {
            v.get(k)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        let method = text("method").ok_or("`method` is missing")?;
        let url = text("url").ok_or("`url` is missing")?;
        let mut headers = Vec::new();
        if let Some(h) = v.get("headers").and_then(serde_json::Value::as_object) {
            for (k, val) in h {
                let val = val
                    .as_str()
                    .ok_or_else(|| format!("header `{k}` is not a string"))?;
                headers.push((k.clone(), val.to_owned()));
            }
        }
        Ok(Req {
            method,
            url,
            headers,
            body: text("body"),
        })
    }
}

#[derive(Serialize, Default)]
struct Resp {
    status: u16,
    #[serde(serialize_with = "crate::http::headers_as_object")]
    headers: Vec<(String, String)>,
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
#[wasm_bindgen(js_name = send, unchecked_return_type = "HttpResponse")]
pub async fn send(
    #[wasm_bindgen(unchecked_param_type = "HttpRequest")] request: JsValue,
) -> JsValue {
    let mut issues = crate::issue::Issues::new();
    let Some(value) = super::read(&request, "request", true, &mut issues) else {
        return failed("request is missing or not an object".into());
    };
    let req = match Req::from_value(&value) {
        Ok(r) => r,
        Err(e) => {
            return failed(format!(
                "not a request {{ method, url, headers, body }}: {e}"
            ))
        }
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
    let raw: web_sys::Request = match built {
        Ok(r) => r.into(),
        Err(e) => return failed(e.to_string()),
    };
    // The runtime's own fetch, called directly rather than through gloo-net's `send`, so
    // that a network error keeps its cause (Node: `fetch failed` ← `connect ECONNREFUSED`).
    let response = match fetch(&raw).await {
        Ok(resp) => Ok(gloo_net::http::Response::from(resp)),
        Err(e) => Err(describe(&e)),
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
        Err(e) => failed(e),
    }
}

/// `globalThis.fetch(request)`, awaited.
async fn fetch(request: &web_sys::Request) -> Result<web_sys::Response, JsValue> {
    let global = js_sys::global();
    let fetch = js_sys::Reflect::get(&global, &JsValue::from_str("fetch"))?
        .dyn_into::<js_sys::Function>()
        .map_err(|_| JsValue::from_str("this runtime has no fetch()"))?;
    let promise = fetch
        .call1(&global, request)?
        .dyn_into::<js_sys::Promise>()?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await?
        .dyn_into::<web_sys::Response>()
}

/// An error's message followed by its causes' (`fetch failed: connect ECONNREFUSED
/// 127.0.0.1:9`), at most four deep.
fn describe(e: &JsValue) -> String {
    let mut out = String::new();
    let mut cur = e.clone();
    for _ in 0..4 {
        if cur.is_undefined() || cur.is_null() {
            break;
        }
        let msg = match cur.dyn_ref::<js_sys::Error>() {
            Some(err) => String::from(err.message()),
            None => cur.as_string().unwrap_or_else(|| "unknown error".into()),
        };
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&msg);
        cur = js_sys::Reflect::get(&cur, &JsValue::from_str("cause")).unwrap_or(JsValue::UNDEFINED);
    }
    out
}
