//! kvik.shop App API through `dispatch`: the document's three rules (HTTPS only, gzip
//! always, JSON content type on bodies), the four operations, 400/403 explained, and gzip
//! bodies decoded natively.

use kontor::dispatch::{interpret_response, request};
use kontor::http::{Method, Outcome};
use serde_json::{json, Value};

fn config(url: &str) -> Value {
    json!({"baseUrl": url, "token": "app-token"})
}

fn codes(issues: &kontor::Issues) -> Vec<&str> {
    issues.iter().map(|i| i.code.as_str()).collect()
}

#[test]
fn every_request_is_https_under_api_app_with_gzip() {
    let cfg = config("https://yourshopname.com");
    let cases = [
        (
            "listOrders",
            json!({"status": "new"}),
            Method::Get,
            "https://yourshopname.com/api/app/orders?status=new",
        ),
        (
            "getOrder",
            json!({"id": 1001}),
            Method::Get,
            "https://yourshopname.com/api/app/orders/1001",
        ),
        (
            "updateOrder",
            json!({"id": "1001", "changes": {"status": "shipped"}}),
            Method::Patch,
            "https://yourshopname.com/api/app/orders/1001",
        ),
        (
            "getPrice",
            json!({"productId": "A 1", "user": "u@example.com"}),
            Method::Get,
            "https://yourshopname.com/api/app/products/A%201/price?user=u%40example.com",
        ),
    ];
    for (op, input, method, url) in cases {
        let r = request("kvik", op, &input.to_string(), &cfg, 0);
        assert!(r.issues.is_empty(), "{op}: {:?}", r.issues);
        let req = r.request.unwrap();
        assert_eq!((req.method, req.url.as_str()), (method, url), "{op}");
        assert_eq!(req.header("Accept-Encoding"), Some("gzip"), "{op}");
        assert_eq!(req.header("Authorization"), Some("Bearer app-token"));
        let has_body = req.body.is_some();
        assert_eq!(has_body, op == "updateOrder");
        assert_eq!(
            req.header("Content-Type"),
            has_body.then_some("application/json"),
            "{op}"
        );
    }
    let patch = request(
        "kvik",
        "updateOrder",
        r#"{"id":"1001","changes":{"status":"shipped"}}"#,
        &cfg,
        0,
    );
    assert_eq!(
        patch.request.unwrap().body.as_deref(),
        Some(r#"{"status":"shipped"}"#)
    );
}

#[test]
fn plain_http_is_refused_except_loopback_with_the_test_setting() {
    for (url, hint) in [
        ("http://yourshopname.com", None),
        ("http://127.0.0.1:8080", Some("allowInsecure")),
    ] {
        let r = request("kvik", "listOrders", "{}", &config(url), 0);
        assert!(r.request.is_none(), "{url}");
        // One issue about the URL, not a general one plus a contradicting kvik one.
        let at_url: Vec<_> = r
            .issues
            .iter()
            .filter(|i| i.path == "config.baseUrl")
            .collect();
        assert_eq!(at_url.len(), 1, "{url}: {:?}", r.issues);
        assert_eq!(at_url[0].code, "https_required");
        assert!(at_url[0].message.contains("403"));
        assert_eq!(
            hint.is_some(),
            at_url[0].message.contains("allowInsecure"),
            "{url}"
        );
    }
    let mut cfg = config("http://127.0.0.1:8080");
    cfg["allowInsecure"] = json!(true);
    let r = request("kvik", "listOrders", "{}", &cfg, 0);
    assert_eq!(
        r.request.unwrap().url,
        "http://127.0.0.1:8080/api/app/orders"
    );
    let mut remote = config("http://yourshopname.com");
    remote["allowInsecure"] = json!(true);
    let r = request("kvik", "listOrders", "{}", &remote, 0);
    assert!(r.request.is_none());
    assert_eq!(r.issues.len(), 1, "{:?}", r.issues);
    assert!(r.issues.as_slice()[0]
        .message
        .contains("loopback hosts only"));
}

#[test]
fn missing_ids_changes_and_credentials_are_named() {
    let r = request(
        "kvik",
        "updateOrder",
        "{}",
        &json!({"baseUrl": "https://s.example"}),
        0,
    );
    assert_eq!(
        codes(&r.issues),
        ["missing_credentials", "missing_field", "missing_field"]
    );
    let paths: Vec<&str> = r.issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, ["config.token", "input.id", "input.changes"]);
}

#[test]
fn answers_400_and_403_say_why() {
    let gzip = interpret_response("kvik", "listOrders", 400, "", 0);
    assert_eq!(gzip.outcome, Outcome::Rejected);
    assert!(gzip.issues.as_slice()[0]
        .message
        .contains("Accept-Encoding: gzip"));
    let http = interpret_response("kvik", "listOrders", 403, "", 0);
    assert_eq!(http.outcome, Outcome::AuthFailed);
    assert!(http.issues.as_slice()[0].message.contains("HTTPS"));
    let ok = interpret_response("kvik", "getOrder", 200, r#"{"id":1001}"#, 0);
    assert_eq!(ok.outcome, Outcome::Accepted);
    assert_eq!(ok.data, Some(json!({"id": 1001})));
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn gzip_bodies_are_decoded_natively() {
    use std::io::Write;
    let body = r#"{"orders":[{"id":1001,"price":"7.50"}]}"#;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(body.as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    assert_eq!(&gz[..2], &[0x1f, 0x8b]);
    let text = kontor::sources::kvik::gunzip(&gz).unwrap();
    assert_eq!(text, body);
    let read = interpret_response("kvik", "listOrders", 200, &text, 0);
    assert_eq!(read.data.unwrap()["orders"][0]["price"], "7.50");
    assert!(kontor::sources::kvik::gunzip(b"not gzip").is_err());
}
