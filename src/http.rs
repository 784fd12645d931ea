//! Sans-IO HTTP: request descriptions the core builds and the outcome it reads from a
//! response. Nothing here touches the network; the transport (the package's `send` over
//! `fetch`, the worker's own `fetch`) performs the request.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::fmt;

use crate::issue::{join, Issues};

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

/// A request to perform: `{ method, url, headers, body }`.
///
/// `Debug` never shows the `Authorization` header's value, nor the body (personal data, and
/// OmniSeller's credentials and token travel in it): only its length.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Header names and values, in order; serialised as an object.
    #[serde(serialize_with = "headers_as_object")]
    pub headers: Vec<(String, String)>,
    /// Body text, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// Serialises header pairs as one JSON object.
pub(crate) fn headers_as_object<S: Serializer>(
    h: &[(String, String)],
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(h.len()))?;
    for (k, v) in h {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

impl Request {
    /// The value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                if k.eq_ignore_ascii_case("authorization") {
                    (k.as_str(), "[redacted]")
                } else {
                    (k.as_str(), v.as_str())
                }
            })
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_bytes", &self.body.as_ref().map(String::len))
            .finish()
    }
}

/// What a response means for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The API took it.
    Accepted,
    /// The API refused the data: fix it (see the issues) and send again.
    Rejected,
    /// A temporary problem (5xx, timeout, network): send the same request again later.
    Retry,
    /// The credentials were refused (401/403): fix the configuration.
    AuthFailed,
}

/// A response read by a target: its outcome, issues and the body's data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interpreted {
    /// What happened.
    pub outcome: Outcome,
    /// What the API said was wrong, by path.
    pub issues: Issues,
    /// The body as JSON (or text), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

/// Which installation of an API to talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Environment {
    /// The live system.
    Production,
    /// The test system.
    #[default]
    Staging,
}

/// Request configuration: `{ environment, baseUrl, username, password, token }`.
///
/// `Debug` never shows the password or the token.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Production or staging, where a target has both (`staging` by default).
    pub environment: Environment,
    /// A base URL that overrides the environment's.
    pub base_url: Option<String>,
    /// User name for HTTP Basic.
    pub username: Option<String>,
    /// Password for HTTP Basic.
    pub password: Option<String>,
    /// Bearer token.
    pub token: Option<String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl Config {
    /// Reads a configuration object; unknown keys are warned about (`extra` keys are allowed
    /// silently: target options that travel with the configuration).
    pub fn from_value(v: &Value, extra: &[&str], issues: &mut Issues) -> Config {
        let mut c = Config::default();
        let Some(map) = v.as_object() else {
            if !v.is_null() {
                issues.error(
                    "config",
                    "invalid_type",
                    "the configuration must be an object",
                    "die Konfiguration muss ein Objekt sein",
                );
            }
            return c;
        };
        for (k, val) in map {
            let path = join("config", k);
            let text = || match val {
                Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                _ => None,
            };
            match k.as_str() {
                "environment" => match val {
                    Value::String(e) if e.trim() == "production" => {
                        c.environment = Environment::Production
                    }
                    Value::String(e) if e.trim() == "staging" => {
                        c.environment = Environment::Staging
                    }
                    Value::Null => {}
                    _ => issues.error(
                        &path,
                        "invalid_environment",
                        "must be \"production\" or \"staging\"",
                        "muss \"production\" oder \"staging\" sein",
                    ),
                },
                "baseUrl" => c.base_url = text().and_then(|u| check_base_url(&u, &path, issues)),
                "username" => c.username = text(),
                "password" => c.password = text(),
                "token" => c.token = text(),
                other if extra.contains(&other) => {}
                _ => issues.warning(
                    &path,
                    "unknown_field",
                    "unknown configuration key, ignored",
                    "unbekannter Konfigurationsschlüssel, wird ignoriert",
                ),
            }
        }
        c
    }
}

/// True for loopback hosts, where plain HTTP is allowed (local tests and mocks).
pub fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    // No user info: `http://127.0.0.1@evil.example` goes to evil.example.
    if authority.contains('@') {
        return false;
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((host, after)) => (host, after.strip_prefix(':')),
            None => return false,
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    host.eq_ignore_ascii_case("localhost") || host == "::1" || is_loopback_ipv4(host)
}

/// `127.x.y.z` with four decimal octets, each at most 255.
fn is_loopback_ipv4(host: &str) -> bool {
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets[0] == "127"
        && octets.iter().all(|o| {
            (1..=3).contains(&o.len())
                && o.bytes().all(|b| b.is_ascii_digit())
                && o.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// Validates a base URL: `https://…`, or `http://` to a loopback host; trailing `/` removed.
pub fn check_base_url(url: &str, path: &str, issues: &mut Issues) -> Option<String> {
    let ok_scheme = url.starts_with("https://") || is_loopback_url(url);
    let host_present = url
        .split("://")
        .nth(1)
        .is_some_and(|r| !r.is_empty() && !r.starts_with('/'));
    if !ok_scheme || !host_present || url.contains(char::is_whitespace) {
        issues.error(
            path,
            "invalid_base_url",
            format!("{url:?} must be an https:// URL (http:// only for localhost)"),
            format!("{url:?} muss eine https://-URL sein (http:// nur für localhost)"),
        );
        return None;
    }
    Some(url.trim_end_matches('/').to_owned())
}

/// The `Authorization` value for HTTP Basic.
pub fn basic_auth(username: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64(format!("{username}:{password}").as_bytes())
    )
}

/// Standard base64 with padding (RFC 4648 §4), by the `base64` crate.
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The outcome a status code means for APIs that follow HTTP's conventions.
pub fn outcome_for_status(status: u16) -> Outcome {
    match status {
        200..=299 => Outcome::Accepted,
        401 | 403 => Outcome::AuthFailed,
        0 | 408 | 425 | 429 | 500..=599 => Outcome::Retry,
        _ => Outcome::Rejected,
    }
}

/// The body as JSON when it parses, else as a string (`None` when empty).
pub fn body_data(body: &str) -> Option<Value> {
    if body.trim().is_empty() {
        return None;
    }
    Some(
        serde_json::from_str(body)
            .unwrap_or_else(|_| Value::String(crate::text::truncate(body, 2000))),
    )
}

/// What a query value keeps as it is: RFC 3986's unreserved characters (letters, digits,
/// `-`, `.`, `_`, `~`); every other byte is percent-encoded.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a query value (RFC 3986 unreserved characters stay), with the
/// `percent-encoding` crate.
pub fn encode_query(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, QUERY_VALUE).to_string()
}

/// Normalises a field path as APIs write it (`items.0.price`, `/items/0/price`,
/// `items[0][price]`) to kontor's form, `items[0].price`.
pub fn normalize_path(p: &str) -> String {
    let mut out = String::new();
    for part in p.split(['.', '/', '[', ']']).filter(|s| !s.is_empty()) {
        if part.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(part);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    out
}

/// Collects the validation messages an API answered with, whatever common shape they have:
/// `{errors: {field: [msg]}}`, `{errors: [{field|path|propertyPath, message}]}`,
/// `{violations: [...]}`, `{message}` / `{error}` / `{detail}`, or plain text.
pub fn upstream_messages(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match serde_json::from_str::<Value>(body) {
        Ok(v) => collect_messages(&v, "", &mut out, 0),
        Err(_) => {
            if !body.trim().is_empty() {
                out.push((String::new(), crate::text::truncate(body.trim(), 500)));
            }
        }
    }
    out
}

fn message_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => {
            let mut joined = String::new();
            for part in a.iter().filter_map(message_of) {
                if !joined.is_empty() {
                    joined.push_str("; ");
                }
                joined.push_str(&part);
            }
            (!joined.is_empty()).then_some(joined)
        }
        Value::Object(o) => ["message", "msg", "error", "title", "detail", "description"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str).map(str::to_owned)),
        _ => None,
    }
}

fn collect_messages(v: &Value, path: &str, out: &mut Vec<(String, String)>, depth: usize) {
    if depth > 8 || out.len() > 200 {
        return;
    }
    match v {
        Value::Object(o) => {
            let list = ["errors", "violations", "validationErrors", "fields"]
                .iter()
                .find_map(|k| o.get(*k).filter(|e| !e.is_null()));
            if let Some(list) = list {
                match list {
                    Value::Object(fields) => {
                        for (field, msg) in fields {
                            let p = normalize_path(&join(path, field));
                            match msg {
                                Value::Object(_) => collect_messages(msg, &p, out, depth + 1),
                                _ => {
                                    if let Some(m) = message_of(msg) {
                                        out.push((p, m));
                                    }
                                }
                            }
                        }
                    }
                    Value::Array(items) => {
                        for it in items {
                            let field = it.as_object().and_then(|o| {
                                [
                                    "propertyPath",
                                    "property_path",
                                    "field",
                                    "path",
                                    "property",
                                    "pointer",
                                    "source",
                                ]
                                .iter()
                                .find_map(|k| o.get(*k).and_then(Value::as_str))
                            });
                            if let Some(m) = message_of(it) {
                                out.push((normalize_path(field.unwrap_or(path)), m));
                            }
                        }
                    }
                    other => {
                        if let Some(m) = message_of(other) {
                            out.push((path.to_owned(), m));
                        }
                    }
                }
                if !out.is_empty() {
                    return;
                }
            }
            if let Some(m) = message_of(v) {
                out.push((path.to_owned(), m));
            }
        }
        Value::Array(a) => {
            for it in a {
                collect_messages(it, path, out, depth + 1);
            }
        }
        Value::String(s) if !s.trim().is_empty() => out.push((path.to_owned(), s.clone())),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_keep_only_the_unreserved_characters() {
        assert_eq!(encode_query("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(
            encode_query("a b&c=d/e?ü+%"),
            "a%20b%26c%3Dd%2Fe%3F%C3%BC%2B%25"
        );
        assert_eq!(encode_query(""), "");
    }

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        for (raw, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), want, "{raw}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
        assert_eq!(
            basic_auth("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }

    #[test]
    fn basic_auth_matches_the_geisenheim_document() {
        assert_eq!(
            basic_auth("api@test.de", "pw141819"),
            "Basic YXBpQHRlc3QuZGU6cHcxNDE4MTk="
        );
    }

    #[test]
    fn debug_redacts_credentials() {
        let r = Request {
            method: Method::Get,
            url: "https://x".into(),
            headers: vec![("Authorization".into(), "Basic c2VjcmV0".into())],
            body: Some(r#"{"apiuser":"u","apipass":"hunter2"}"#.into()),
        };
        let shown = format!("{r:?}");
        assert!(
            !shown.contains("c2VjcmV0") && !shown.contains("hunter2"),
            "{shown}"
        );
        assert!(shown.contains("body_bytes: Some(35)"), "{shown}");
        let c = Config {
            password: Some("hunter2".into()),
            token: Some("tok".into()),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("tok\""));
    }

    #[test]
    fn statuses_map_to_outcomes() {
        assert_eq!(outcome_for_status(204), Outcome::Accepted);
        assert_eq!(outcome_for_status(400), Outcome::Rejected);
        assert_eq!(outcome_for_status(401), Outcome::AuthFailed);
        assert_eq!(outcome_for_status(403), Outcome::AuthFailed);
        assert_eq!(outcome_for_status(503), Outcome::Retry);
        assert_eq!(outcome_for_status(0), Outcome::Retry);
    }

    #[test]
    fn base_urls_must_be_https_or_loopback() {
        let mut issues = Issues::new();
        assert_eq!(
            check_base_url("https://a.example/", "b", &mut issues).as_deref(),
            Some("https://a.example")
        );
        assert!(check_base_url("http://127.0.0.1:8787", "b", &mut issues).is_some());
        assert!(check_base_url("http://[::1]:80", "b", &mut issues).is_some());
        assert!(issues.is_empty());
        assert!(check_base_url("http://example.com", "b", &mut issues).is_none());
        assert!(check_base_url("http://localhost.evil.com", "b", &mut issues).is_none());
        assert_eq!(issues.len(), 2);
    }

    #[test]
    fn loopback_means_the_host_itself_not_a_prefix() {
        for url in [
            "http://localhost",
            "http://LOCALHOST:8080/api",
            "http://127.0.0.1",
            "http://127.1.2.3:9/x?y",
            "http://[::1]",
            "http://[::1]:8787/",
        ] {
            assert!(is_loopback_url(url), "{url} is loopback");
        }
        for url in [
            "https://127.0.0.1",
            "http://127.evil.com",
            "http://127.0.0.1.evil.com",
            "http://127.0.0.1@evil.com",
            "http://evil.com@127.0.0.1",
            "http://localhost.evil.com",
            "http://127.0.0.256",
            "http://127.0.0.1:80x",
            "http://127.0.0.1:",
            "http://[::1",
            "http://[::2]",
            "http://",
        ] {
            assert!(!is_loopback_url(url), "{url} is not loopback");
        }
    }

    #[test]
    fn upstream_messages_are_found_in_common_shapes() {
        assert_eq!(
            upstream_messages(r#"{"errors":{"items.0.price":["must be positive"]}}"#),
            vec![("items[0].price".to_owned(), "must be positive".to_owned())]
        );
        assert_eq!(
            upstream_messages(
                r#"{"violations":[{"propertyPath":"recipient.postalCode","message":"too long"}]}"#
            ),
            vec![("recipient.postalCode".to_owned(), "too long".to_owned())]
        );
        assert_eq!(
            upstream_messages(r#"{"message":"Bad"}"#),
            vec![(String::new(), "Bad".to_owned())]
        );
        assert_eq!(
            upstream_messages("oops"),
            vec![(String::new(), "oops".to_owned())]
        );
    }
}
