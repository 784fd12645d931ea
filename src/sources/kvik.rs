//! kvik.shop App API: requests under `/api/app`, HTTPS only (the API answers `403` on plain
//! HTTP and does not redirect), always `Accept-Encoding: gzip` (`400` otherwise) and
//! `Content-Type: application/json` on bodies; reading orders, sending order changes back
//! (`PATCH`), and the product price for a user.
//!
//! The document names no resource paths; kontor uses `/api/app/orders`,
//! `/api/app/orders/{id}` and `/api/app/products/{id}/price?user={user}` under the shop's
//! base URL (decision; a configured path prefix would replace `/api/app`). Plain HTTP is
//! allowed only for a loopback base URL with the explicit test setting `allowInsecure`.
//! Exported to JavaScript as the `kvik` target of `request` / `interpretResponse`.

use serde_json::Value;

use crate::http::encode_query;
use crate::http::{self, Config, Interpreted, Method, Outcome, Request};
use crate::issue::Issues;
use crate::registry::{env, Arrival, Requests, SourceEntry};

/// The API's path prefix.
pub const PREFIX: &str = "/api/app";

/// Operation names.
pub const OPERATIONS: &[&str] = &["listOrders", "getOrder", "updateOrder", "getPrice"];

/// The base URL, refusing plain HTTP unless `allow_insecure` and the host is loopback.
/// A non-loopback `http://` URL was already refused by the general check; its issue is
/// replaced by the more precise `https_required`.
fn base(config: &Config, allow_insecure: bool, issues: &mut Issues) -> Option<String> {
    let url = config.base_url.as_deref();
    let loopback = url.is_some_and(http::is_loopback_url);
    match url {
        Some(u) if u.starts_with("https://") || (allow_insecure && loopback) => {
            return Some(u.to_owned())
        }
        None if !issues.remove("config.baseUrl", "invalid_base_url") => {
            if !issues.iter().any(|i| i.path == "config.baseUrl") {
                issues.error(
                    "config.baseUrl",
                    "missing_base_url",
                    "kvik.shop runs on the shop's domain: set it here (https://yourshop.com)",
                    "kvik.shop läuft auf der Shop-Domain: bitte hier angeben (https://ihrshop.de)",
                );
            }
            return None;
        }
        _ => {}
    }
    let (hint, hint_de) = if loopback {
        (
            " (for a local mock on a loopback host, set config.allowInsecure to true)",
            " (für einen lokalen Mock auf Loopback config.allowInsecure auf true setzen)",
        )
    } else if allow_insecure {
        (
            " (config.allowInsecure applies to loopback hosts only)",
            " (config.allowInsecure gilt nur für Loopback-Hosts)",
        )
    } else {
        ("", "")
    };
    issues.error(
        "config.baseUrl",
        "https_required",
        format!("kvik.shop's App API works over HTTPS only: it answers 403 on HTTP and does not redirect. Use an https:// base URL{hint}"),
        format!("Die App-API von kvik.shop funktioniert nur über HTTPS: auf HTTP antwortet sie mit 403 und leitet nicht um. Bitte eine https://-Basis-URL verwenden{hint_de}"),
    );
    None
}

fn auth(config: &Config, issues: &mut Issues) -> Option<String> {
    match (&config.token, &config.username, &config.password) {
        (Some(t), _, _) => Some(format!("Bearer {t}")),
        (None, Some(u), Some(p)) => Some(http::basic_auth(u, p)),
        _ => {
            issues.error("config.token", "missing_credentials", "kvik.shop sends credentials when the module is activated: set the token here (or config.username and config.password)", "kvik.shop verschickt Zugangsdaten bei Aktivierung des Moduls: bitte hier das Token angeben (oder config.username und config.password)");
            None
        }
    }
}

/// Builds the request of `operation`. `input`: `{ id }`, `{ id, changes }` (PATCH body),
/// `{ productId, user }`, or list filters passed as query parameters.
pub fn request(
    operation: &str,
    input: &Value,
    config: &Config,
    allow_insecure: bool,
    issues: &mut Issues,
) -> Option<Request> {
    let base = base(config, allow_insecure, issues);
    let authorization = auth(config, issues);
    let text = |k: &str| match input.get(k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let need = |k: &str, issues: &mut Issues| {
        let v = text(k);
        if v.is_none() {
            issues.error(
                format!("input.{k}"),
                "missing_field",
                format!("required for {operation}"),
                format!("für {operation} Pflicht"),
            );
        }
        v
    };
    let (method, path, body) = match operation {
        "listOrders" => {
            let mut q = String::new();
            if let Some(m) = input.as_object() {
                for (k, v) in m {
                    let v = match v {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => continue,
                    };
                    q.push(if q.is_empty() { '?' } else { '&' });
                    q.push_str(&encode_query(k));
                    q.push('=');
                    q.push_str(&encode_query(&v));
                }
            }
            (Method::Get, format!("{PREFIX}/orders{q}"), None)
        }
        "getOrder" => (
            Method::Get,
            format!("{PREFIX}/orders/{}", encode_query(&need("id", issues)?)),
            None,
        ),
        "updateOrder" => {
            let id = need("id", issues);
            let changes = input.get("changes").filter(|c| c.is_object());
            if changes.is_none() {
                issues.error(
                    "input.changes",
                    "missing_field",
                    "required (an object): the fields of the order to change",
                    "Pflicht (ein Objekt): die zu ändernden Felder der Bestellung",
                );
            }
            (
                Method::Patch,
                format!("{PREFIX}/orders/{}", encode_query(&id?)),
                Some(changes?.to_string()),
            )
        }
        "getPrice" => {
            let product = need("productId", issues);
            let user = need("user", issues);
            (
                Method::Get,
                format!(
                    "{PREFIX}/products/{}/price?user={}",
                    encode_query(&product?),
                    encode_query(&user?)
                ),
                None,
            )
        }
        other => {
            issues.unknown_operation("kvik.shop", other, OPERATIONS);
            return None;
        }
    };
    let mut headers = vec![
        ("Authorization".to_owned(), authorization?),
        ("Accept".to_owned(), "application/json".to_owned()),
        ("Accept-Encoding".to_owned(), "gzip".to_owned()),
    ];
    if body.is_some() {
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    }
    Some(Request {
        method,
        url: format!("{}{path}", base?),
        headers,
        body,
    })
}

/// What a kvik.shop answer means; `400` and `403` are explained (missing gzip header, plain
/// HTTP), since the API says no more than the status.
pub fn interpret(status: u16, body: &str) -> Interpreted {
    let mut issues = Issues::new();
    let outcome = match status {
        400 => {
            issues.error("", "upstream_rejected", "kvik.shop answered 400: the request lacks the header Accept-Encoding: gzip (kontor always sends it; check proxies) or its data is invalid", "kvik.shop hat 400 geantwortet: der Anfrage fehlt der Header Accept-Encoding: gzip (kontor sendet ihn immer; Proxys prüfen) oder die Daten sind ungültig");
            Outcome::Rejected
        }
        403 => {
            issues.error("config.baseUrl", "auth_failed", "kvik.shop answered 403: plain HTTP (the API needs HTTPS) or credentials the App API module does not accept", "kvik.shop hat 403 geantwortet: unverschlüsseltes HTTP (die API braucht HTTPS) oder vom App-API-Modul nicht akzeptierte Zugangsdaten");
            Outcome::AuthFailed
        }
        s => {
            let o = http::outcome_for_status(s);
            match o {
                Outcome::Rejected => issues.error(
                    "",
                    "upstream_rejected",
                    format!("kvik.shop rejected the request ({s})"),
                    format!("kvik.shop hat die Anfrage abgelehnt ({s})"),
                ),
                Outcome::AuthFailed => issues.error(
                    "config.token",
                    "auth_failed",
                    format!("kvik.shop refused the credentials ({s})"),
                    format!("kvik.shop hat die Zugangsdaten abgelehnt ({s})"),
                ),
                Outcome::Retry => issues.warning(
                    "",
                    "retry_later",
                    format!("kvik.shop is not available ({s}): send again later"),
                    format!("kvik.shop ist nicht erreichbar ({s}): später erneut senden"),
                ),
                Outcome::Accepted => {}
            }
            o
        }
    };
    // The API's own words, where it gave any (a 400's validation messages, a 403's reason).
    if matches!(outcome, Outcome::Rejected | Outcome::AuthFailed) {
        for (path, msg) in http::upstream_messages(body) {
            issues.error(
                &path,
                "upstream_validation",
                format!("kvik.shop: {msg}"),
                format!("kvik.shop: {msg}"),
            );
        }
    }
    Interpreted {
        outcome,
        issues,
        data: http::body_data(body),
    }
}

/// Decodes a gzip body, for native callers whose HTTP client does not (fetch does).
#[cfg(not(target_arch = "wasm32"))]
pub fn gunzip(bytes: &[u8]) -> Result<String, std::io::Error> {
    use std::io::Read;
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes)
        .take(64 << 20)
        .read_to_string(&mut out)?;
    Ok(out)
}

// Its TypeScript declarations, added to the package's by wasm-bindgen (Wasm builds only).
#[cfg_attr(
    target_arch = "wasm32",
    wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)
)]
const _: &str = include_str!("kvik.d.ts");

/// kvik.shop's entry in the registry.
pub const ENTRY: SourceEntry = SourceEntry {
    name: "kvik",
    title: "kvik.shop (App API)",
    arrival: Arrival::Sync,
    requests: Some(Requests {
        operations: OPERATIONS,
        build: dispatch,
        interpret: |_, status, body, _| interpret(status, body),
    }),
    env: &[
        env("KVIK_BASE_URL", "baseUrl", true, false),
        env("KVIK_TOKEN", "token", true, true),
        env("KVIK_ALLOW_INSECURE", "allowInsecure", false, false),
        env("KVIK_ORDER_MAPPING", "", false, false),
    ],
    declarations: "sources/kvik.d.ts",
};

/// `request("kvik", operation, input, config)` (the registry's entry): plain HTTP only with
/// `allowInsecure: true`.
fn dispatch(
    operation: &str,
    input: &str,
    config: &Value,
    _catalogue: Option<&crate::catalogue::Catalogue>,
    _now: i64,
    issues: &mut Issues,
) -> Option<Request> {
    let cfg = Config::from_value(config, &["allowInsecure"], issues);
    let insecure = matches!(config.get("allowInsecure"), Some(Value::Bool(true)));
    request(
        operation,
        &crate::dispatch::input_value(input),
        &cfg,
        insecure,
        issues,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(url: &str) -> Config {
        Config {
            base_url: Some(url.into()),
            token: Some("t0k".into()),
            ..Config::default()
        }
    }

    #[test]
    fn requests_are_https_gzip_and_json() {
        let mut issues = Issues::new();
        let r = request(
            "updateOrder",
            &json!({"id": 42, "changes": {"status": "shipped"}}),
            &config("https://shop.example.com"),
            false,
            &mut issues,
        )
        .unwrap();
        assert_eq!(
            (r.method, r.url.as_str()),
            (Method::Patch, "https://shop.example.com/api/app/orders/42")
        );
        assert_eq!(r.header("Accept-Encoding"), Some("gzip"));
        assert_eq!(r.header("Content-Type"), Some("application/json"));
        let g = request(
            "getPrice",
            &json!({"productId": "P-1", "user": "u 7"}),
            &config("https://shop.example.com"),
            false,
            &mut issues,
        )
        .unwrap();
        assert_eq!(
            g.url,
            "https://shop.example.com/api/app/products/P-1/price?user=u%207"
        );
        assert_eq!(
            (g.header("Accept-Encoding"), g.header("Content-Type")),
            (Some("gzip"), None)
        );
        assert!(issues.is_empty());
    }

    #[test]
    fn plain_http_is_refused_except_loopback_in_tests() {
        // A `Config` built in Rust may hold any http:// URL (dispatch's general check refuses
        // non-loopback ones earlier); the hint fits the host and the setting.
        for (url, insecure, hint) in [
            ("http://shop.example.com", false, None),
            ("http://shop.example.com", true, Some("loopback hosts only")),
            (
                "http://127.0.0.1:8787",
                false,
                Some("set config.allowInsecure to true"),
            ),
        ] {
            let mut issues = Issues::new();
            assert!(request(
                "listOrders",
                &json!({}),
                &config(url),
                insecure,
                &mut issues
            )
            .is_none());
            let [issue] = issues.as_slice() else {
                panic!("{url}: {issues:?}");
            };
            assert_eq!(issue.code, "https_required", "{url}");
            assert_eq!(issue.message.contains('('), hint.is_some(), "{url}");
            assert!(hint.is_none_or(|h| issue.message.contains(h)), "{url}");
        }
        let mut issues = Issues::new();
        let r = request(
            "listOrders",
            &json!({"status": "new"}),
            &config("http://127.0.0.1:8787"),
            true,
            &mut issues,
        )
        .unwrap();
        assert_eq!(r.url, "http://127.0.0.1:8787/api/app/orders?status=new");
    }

    #[test]
    fn statuses_400_and_403_are_explained() {
        let r = interpret(400, "");
        assert_eq!(r.outcome, Outcome::Rejected);
        assert!(r.issues.as_slice()[0]
            .message
            .contains("Accept-Encoding: gzip"));
        let r = interpret(400, r#"{"errors":{"status":["unknown status 'sent'"]}}"#);
        assert_eq!(
            r.issues.path_codes(),
            [
                ("".to_owned(), "upstream_rejected".to_owned()),
                ("status".to_owned(), "upstream_validation".to_owned())
            ]
        );
        assert!(r.issues.as_slice()[1]
            .message
            .contains("unknown status 'sent'"));
        let r = interpret(403, "");
        assert_eq!(r.outcome, Outcome::AuthFailed);
        assert!(r.issues.as_slice()[0].message.contains("HTTPS"));
        assert_eq!(
            interpret(200, r#"{"orders":[]}"#).data,
            Some(json!({"orders": []}))
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn gzip_bodies_are_decoded() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(r#"{"price":"12.90"}"#.as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(gunzip(&gz).unwrap(), r#"{"price":"12.90"}"#);
        assert!(gunzip(b"not gzip").is_err());
    }
}
