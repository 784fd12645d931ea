//! What the edge worker decides about a delivery (CONTRACT.md §3), so that the worker itself
//! only routes, authenticates and does the I/O:
//!
//! - [`worker_config`]: a target's request configuration from the worker's variables and
//!   secrets, plus the options a caller may set (never a base URL, credentials, the
//!   environment or the recipient salt: those come only from the configuration);
//! - [`delivery_key`]: the idempotency key (the `Idempotency-Key` header, else Geisenheim's
//!   `invoiceId`, kivitendo's and Westarp's `number`);
//! - [`settle`]: what an interpreted answer means for the delivery (status, HTTP status,
//!   upstream id, when to try again) and [`may_resend`] for an existing one;
//! - [`redact`]: every configured secret, and Westarp's VLB credentials, out of a value that
//!   is answered, stored or logged.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::http::{basic_auth, Outcome};
use crate::issue::{join, Issues};

/// Targets that take orders through the worker.
pub const ORDER_TARGETS: &[&str] = &["geisenheim", "kivitendo", "westarp"];

/// The worker's secrets (CONTRACT.md §3), by name.
pub const SECRETS: &[&str] = &[
    "GEISENHEIM_USERNAME",
    "GEISENHEIM_PASSWORD",
    "GEISENHEIM_RECIPIENT_SALT",
    "KIVITENDO_USERNAME",
    "KIVITENDO_PASSWORD",
    "WESTARP_TOKEN",
    "OMNISELLER_USERNAME",
    "OMNISELLER_PASSWORD",
    "KVIK_TOKEN",
    "KONTOR_API_TOKEN",
    "KONTOR_HMAC_SECRET",
];

/// Keys whose values are credentials wherever they appear in an upstream answer.
const SECRET_KEYS: &[&str] = &[
    "vlb_pass",
    "vlb_token",
    "vlb_media_token",
    "password",
    "token",
    "apipass",
    "authorization",
    "Authorization",
];

/// Options a caller may set per target (CONTRACT.md §2); everything else is refused, above
/// all base URLs, credentials, the environment and the recipient salt.
fn caller_options(target: &str) -> &'static [&'static str] {
    match target {
        "geisenheim" => &["strict"],
        "kivitendo" => crate::kivitendo::CALLER_OPTION_KEYS,
        "westarp" => &["type", "paymentMethodIds"],
        _ => &[],
    }
}

/// A request configuration built for the worker: `{ ok: true, config, issues }` or
/// `{ ok: false, issues }`. The configuration holds credentials: it goes to `request()` and
/// `kivitendoSync()`, never into an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerConfig {
    /// The configuration for `request(target, …)`, present without errors.
    pub config: Option<Value>,
    /// Every issue; paths `options.*` are the caller's, `env.*` the worker's configuration.
    pub issues: Issues,
}

impl Serialize for WorkerConfig {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::issue::with_ok(
            s,
            "WorkerConfig",
            "config",
            self.config.as_ref(),
            &self.issues,
        )
    }
}

/// A variable of `env` as trimmed, non-empty text.
fn var<'a>(env: &'a Value, name: &str) -> Option<&'a str> {
    env.get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The configuration of `target` (`geisenheim`, `kivitendo`, `westarp`; `kivitendo-customer`
/// and `kivitendo-order` read kivitendo's) from the worker's `env` (variables and secrets, as
/// strings) and a caller's `options`.
pub fn worker_config(target: &str, env: &Value, options: &Value) -> WorkerConfig {
    let target = target.split('-').next().unwrap_or(target);
    let mut issues = Issues::new();
    let mut config = Map::new();
    if !ORDER_TARGETS.contains(&target) {
        issues.error(
            "target",
            "unknown_target",
            format!("unknown target `{target}`: use geisenheim, kivitendo or westarp"),
            format!("unbekanntes Ziel `{target}`: geisenheim, kivitendo oder westarp verwenden"),
        );
    }
    let t = target.to_ascii_uppercase();
    let allowed = caller_options(target);
    // The installation's own options (JSON, `format` and `orderNumber` too), then the
    // caller's on top; one check for both.
    let options_var = format!("{t}_OPTIONS");
    let installed = var(env, &options_var).map(serde_json::from_str::<Value>);
    for (source, value, extra) in [
        (
            join("env", &options_var),
            match installed {
                Some(Ok(v)) => v,
                Some(Err(_)) => Value::Bool(false),
                None => Value::Null,
            },
            &["format", "orderNumber"][..],
        ),
        ("options".to_owned(), options.clone(), &[][..]),
    ] {
        match value {
            Value::Null => {}
            Value::Object(m) => {
                for (k, v) in m {
                    if allowed.contains(&k.as_str()) || extra.contains(&k.as_str()) {
                        config.insert(k, v);
                    } else {
                        let list = allowed.join(", ");
                        issues.error(join(&source, &k), "option_not_allowed", format!("`{k}` cannot be set in {source}; allowed: {list}. Base URLs and credentials come only from the worker's variables and secrets ({t}_BASE_URL, …)"), format!("`{k}` ist in {source} nicht erlaubt; erlaubt: {list}. Basis-URLs und Zugangsdaten kommen nur aus den Variablen und Secrets des Workers ({t}_BASE_URL, …)"));
                    }
                }
            }
            _ => issues.error(
                &source,
                "invalid_type",
                format!("{source} must be a JSON object"),
                format!("{source} muss ein JSON-Objekt sein"),
            ),
        }
    }
    let names: &[(&str, &str, bool)] = match target {
        "geisenheim" => &[
            ("environment", "ENV", false),
            ("baseUrl", "BASE_URL", false),
            ("username", "USERNAME", true),
            ("password", "PASSWORD", true),
            ("recipientSalt", "RECIPIENT_SALT", true),
        ],
        "kivitendo" => &[
            ("baseUrl", "BASE_URL", true),
            ("username", "USERNAME", true),
            ("password", "PASSWORD", true),
        ],
        "westarp" => &[("baseUrl", "BASE_URL", true), ("token", "TOKEN", true)],
        _ => &[],
    };
    for (key, suffix, required) in names {
        let name = format!("{t}_{suffix}");
        match var(env, &name) {
            Some(v) => {
                config.insert((*key).into(), Value::String(v.into()));
            }
            None if *required => issues.error(join("env", &name), "missing_configuration", format!("the worker has no {name}: set it (`wrangler secret put {name}`, or in .dev.vars)"), format!("dem Worker fehlt {name}: bitte setzen (`wrangler secret put {name}` oder in .dev.vars)")),
            None => {}
        }
    }
    let config = (!issues.has_errors()).then_some(Value::Object(config));
    WorkerConfig { config, issues }
}

/// An idempotency key: `{ ok: true, key, issues }` or `{ ok: false, issues }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key, present without errors.
    pub key: Option<String>,
    /// Every issue.
    pub issues: Issues,
}

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::issue::with_ok(s, "Key", "key", self.key.as_ref(), &self.issues)
    }
}

/// The idempotency key of an operation (CONTRACT.md §3): `header` (the `Idempotency-Key`,
/// 1 to 200 visible ASCII characters) when given, else for `createOrder` Geisenheim's
/// `invoiceId` and kivitendo's and Westarp's `number`; for Geisenheim's `cancelOrder`
/// (`input` the invoice id) `cancel:<id>`. Keys are unique per target.
pub fn delivery_key(target: &str, operation: &str, input: &Value, header: Option<&str>) -> Key {
    let mut issues = Issues::new();
    let key = match header.map(str::trim) {
        Some(h) if !h.is_empty() => {
            if h.len() > 200 || !h.bytes().all(|b| b.is_ascii_graphic()) {
                issues.error("Idempotency-Key", "invalid_idempotency_key", "the Idempotency-Key header must be 1 to 200 visible ASCII characters (a UUID)", "der Idempotency-Key-Header muss 1 bis 200 sichtbare ASCII-Zeichen haben (eine UUID)");
            }
            Some(h.to_owned())
        }
        _ => {
            let (field, value) = match (target, operation) {
                ("geisenheim", "cancelOrder") => ("invoiceId", Some(input)),
                ("geisenheim", _) => ("invoiceId", input.get("invoiceId")),
                _ => ("number", input.get("number")),
            };
            let text = match value {
                Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            if text.is_none() {
                let path = if operation == "cancelOrder" {
                    ""
                } else {
                    field
                };
                issues.error(path, "missing_idempotency_key", format!("no idempotency key: give `{field}` or an Idempotency-Key header"), format!("kein Idempotenzschlüssel: bitte `{field}` oder einen Idempotency-Key-Header angeben"));
            }
            match operation {
                "cancelOrder" => text.map(|t| format!("cancel:{t}")),
                _ => text,
            }
        }
    };
    let key = if issues.has_errors() { None } else { key };
    Key { key, issues }
}

/// The longest wait before a next attempt: 12 hours, the longest `delaySeconds` Cloudflare
/// Queues take for a message.
pub const MAX_DELAY_SECONDS: u64 = 43_200;

/// What an answer means for a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settled {
    /// `accepted`, `rejected`, `queued`, `dead` or `auth_failed`.
    pub status: &'static str,
    /// The worker's answer: 200, 202, 422 or 502.
    pub http_status: u16,
    /// The upstream's id of what was created, when the answer names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_id: Option<String>,
    /// For `queued`: seconds until the next attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_seconds: Option<u64>,
}

/// The id in an answer's data: `id` or `orderId` of an object, or of a list's first entry.
fn upstream_id(data: &Value) -> Option<String> {
    let rec = match data {
        Value::Array(a) => a.first()?,
        other => other,
    };
    match rec.get("orderId").or_else(|| rec.get("id"))? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Settles a delivery after attempt number `attempts` (1 for the first) with `outcome` and
/// the interpreted answer's `data`: `retry` stays `queued` for another attempt after
/// `RETRY_BASE_SECONDS` (default 30) doubled per attempt plus up to a quarter of jitter
/// (`random` in 0..1), at most [`MAX_DELAY_SECONDS`] (the longest delay a Cloudflare Queue
/// message may have), until `MAX_ATTEMPTS` (default 8) attempts are spent:
/// then `dead`.
pub fn settle(outcome: Outcome, data: &Value, attempts: u32, env: &Value, random: f64) -> Settled {
    let num = |name: &str, default: u64| {
        var(env, name)
            .and_then(|s| s.parse::<u64>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(default)
    };
    let (status, http_status) = match outcome {
        Outcome::Accepted => ("accepted", 200),
        Outcome::Rejected => ("rejected", 422),
        Outcome::AuthFailed => ("auth_failed", 502),
        Outcome::Retry if u64::from(attempts) >= num("MAX_ATTEMPTS", 8) => ("dead", 502),
        Outcome::Retry => ("queued", 202),
    };
    let retry_in_seconds = (status == "queued").then(|| {
        let base = num("RETRY_BASE_SECONDS", 30).min(MAX_DELAY_SECONDS);
        let delay = base.saturating_mul(1 << attempts.clamp(1, 20).saturating_sub(1));
        let jitter = (random.clamp(0.0, 1.0) * (delay / 4) as f64) as u64;
        (delay + jitter).min(MAX_DELAY_SECONDS)
    });
    Settled {
        status,
        http_status,
        upstream_id: (outcome == Outcome::Accepted)
            .then(|| upstream_id(data))
            .flatten(),
        retry_in_seconds,
    }
}

/// Whether an existing delivery in `status` may be sent again: `rejected`, `dead` and
/// `auth_failed` may; `accepted` and `queued` never (their delivery is answered instead).
pub fn may_resend(status: &str) -> bool {
    matches!(status, "rejected" | "dead" | "auth_failed")
}

/// Replaces every secret of `env` (raw, and as the HTTP Basic value of each user/password
/// pair) inside strings of `value` with `[redacted]`, and the values of credential keys
/// (`vlb_pass`, `vlb_token`, `vlb_media_token`, `password`, `token`, …) everywhere.
pub fn redact(value: &mut Value, env: &Value) {
    let mut secrets: Vec<String> = SECRETS
        .iter()
        .filter_map(|n| var(env, n))
        .map(str::to_owned)
        .collect();
    for t in ["GEISENHEIM", "KIVITENDO", "OMNISELLER"] {
        let user = var(env, &format!("{t}_USERNAME"));
        if let (Some(u), Some(p)) = (user, var(env, &format!("{t}_PASSWORD"))) {
            secrets.push(basic_auth(u, p)[6..].to_owned());
        }
    }
    // Longest first, so that a secret containing another is replaced whole (a selection
    // instead of the standard sort, which costs kilobytes of Wasm).
    let mut ordered = Vec::with_capacity(secrets.len());
    while let Some(i) = (0..secrets.len()).max_by_key(|&i| secrets[i].len()) {
        ordered.push(secrets.swap_remove(i));
    }
    redact_in(value, &ordered, 0);
}

fn redact_in(value: &mut Value, secrets: &[String], depth: usize) {
    match value {
        Value::String(s) => {
            for secret in secrets {
                if s.contains(secret.as_str()) {
                    *s = s.replace(secret.as_str(), "[redacted]");
                }
            }
        }
        Value::Array(items) if depth < 64 => {
            for v in items {
                redact_in(v, secrets, depth + 1);
            }
        }
        Value::Object(map) if depth < 64 => {
            for (k, v) in map.iter_mut() {
                if SECRET_KEYS.contains(&k.as_str()) && !v.is_null() {
                    *v = Value::String("[redacted]".into());
                } else {
                    redact_in(v, secrets, depth + 1);
                }
            }
        }
        Value::Array(_) | Value::Object(_) => *value = Value::Null,
        _ => {}
    }
}

/// The state a retried delivery resumes from. After a retriable answer the request may have
/// gone out and only its answer been lost (a timeout, a 500 after the record was stored), so
/// a kivitendo delivery whose pending step created something asks kivitendo first: a pending
/// `createCustomer` resumes at `findCustomer` (by e-mail), a pending `createOrder` at
/// `findOrder` (by the shop's order number), and what is already there is not created again.
/// Other targets and states are returned unchanged (Geisenheim and Westarp offer no look-up by
/// the shop's key: see the README's worker section).
pub fn resume_state(target: &str, state: &Value) -> Value {
    let mut state = state.clone();
    if target == "kivitendo" {
        if let Some(step) = state.get_mut("step") {
            let back = match step.as_str() {
                Some("createCustomer") => Some("findCustomer"),
                Some("createOrder") => Some("findOrder"),
                _ => None,
            };
            if let Some(b) = back {
                *step = Value::String(b.into());
            }
        }
    }
    state
}

/// The look-up a retried delivery makes before sending again, where the upstream can say
/// whether the earlier request went through although its answer was lost: for Westarp's
/// `createOrder`, the first page of `listOrders` (the 50 newest orders, newest first), in
/// which [`find_sent`] looks for the order's `code`. `(operation, input)`, or `None` (kivitendo
/// looks up through [`resume_state`]; Geisenheim has no read endpoint).
pub fn lookup_before_resend(target: &str, operation: &str) -> Option<(&'static str, Value)> {
    match (target, operation) {
        ("westarp", "createOrder") => Some(("listOrders", serde_json::json!({ "page": 1 }))),
        _ => None,
    }
}

/// What a look-up of [`lookup_before_resend`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// `found` (the order is there: accepted, not sent again), `absent` (send it) or
    /// `unknown` (the look-up failed: try again later, nothing sent).
    pub result: &'static str,
    /// The upstream's id of the order found.
    pub upstream_id: Option<String>,
}

/// Reads the look-up's answer (`status`, `body`) for the `payload` about to be sent again:
/// Westarp's order list holds an order whose `code` is the payload's `code`.
pub fn find_sent(target: &str, payload: &Value, status: u16, body: &str) -> Found {
    let unknown = Found {
        result: "unknown",
        upstream_id: None,
    };
    if !(200..300).contains(&status) {
        return unknown;
    }
    let Ok(list) = serde_json::from_str::<Value>(body) else {
        return unknown;
    };
    let code = payload.get("code").and_then(Value::as_str);
    // Westarp's list: `{ data: [{ id, content: { code, … } }] }` (the record itself also read).
    let entries = list.get("data").and_then(Value::as_array);
    let hit = match (target, code, entries) {
        ("westarp", Some(code), Some(list)) => list.iter().find_map(|e| {
            let c = e.get("content").unwrap_or(e).get("code")?.as_str()?;
            (c == code).then(|| match e.get("id") {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            })
        }),
        _ => None,
    };
    Found {
        result: if hit.is_some() { "found" } else { "absent" },
        upstream_id: hit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env() -> Value {
        json!({
            "GEISENHEIM_USERNAME": "api@test.de", "GEISENHEIM_PASSWORD": "pw141819",
            "GEISENHEIM_RECIPIENT_SALT": "salt-secret",
            "KIVITENDO_BASE_URL": "http://127.0.0.1:3000", "KIVITENDO_USERNAME": "kivi",
            "KIVITENDO_PASSWORD": "kivi-secret",
            "KIVITENDO_OPTIONS": r#"{"taxzoneId": 4, "currencyId": 1, "productIds": {"127/4": 5}}"#,
            "WESTARP_BASE_URL": "https://api.westarp.example/v2", "WESTARP_TOKEN": "wt-secret",
            "KONTOR_API_TOKEN": "caller-token",
        })
    }

    fn codes(issues: &Issues) -> Vec<(String, String)> {
        issues
            .iter()
            .map(|i| (i.path.clone(), i.code.clone()))
            .collect()
    }

    #[test]
    fn config_comes_from_the_environment_with_the_callers_options_on_top() {
        let c = worker_config(
            "kivitendo",
            &env(),
            &json!({ "customerId": 17, "taxzoneId": 2 }),
        );
        assert!(c.issues.is_empty(), "{:?}", c.issues);
        assert_eq!(
            c.config,
            Some(json!({
                "taxzoneId": 2, "currencyId": 1, "productIds": {"127/4": 5}, "customerId": 17,
                "baseUrl": "http://127.0.0.1:3000", "username": "kivi", "password": "kivi-secret",
            }))
        );
        let g = worker_config("geisenheim", &env(), &Value::Null);
        let g = g.config.unwrap_or_default();
        assert_eq!(g["recipientSalt"], "salt-secret");
        assert!(
            g.get("environment").is_none(),
            "staging is the package's default"
        );
        let w = worker_config("westarp", &env(), &json!({ "type": "shop" }));
        assert_eq!(w.config.unwrap_or_default()["token"], "wt-secret");
        assert!(worker_config("kivitendo-order", &env(), &Value::Null)
            .config
            .is_some());
    }

    #[test]
    fn callers_never_set_base_urls_credentials_or_the_salt() {
        for (target, key) in [
            ("geisenheim", "baseUrl"),
            ("geisenheim", "environment"),
            ("geisenheim", "password"),
            ("geisenheim", "recipientSalt"),
            ("kivitendo", "username"),
            ("kivitendo", "baseUrl"),
            ("kivitendo", "format"),
            ("kivitendo", "orderNumber"),
            ("westarp", "token"),
            ("westarp", "revealSecrets"),
            ("westarp", "typ"),
        ] {
            let c = worker_config(target, &env(), &json!({ key: "https://evil.example" }));
            assert!(c.config.is_none(), "{target} {key}");
            let issue = c.issues.iter().next().cloned().unwrap_or_else(|| panic!());
            assert_eq!(
                (issue.path.as_str(), issue.code.as_str()),
                (format!("options.{key}").as_str(), "option_not_allowed")
            );
            let allowed = caller_options(target)[0];
            assert!(
                issue.message.contains(allowed) && issue.message.contains("_BASE_URL"),
                "{}",
                issue.message
            );
        }
        let bad_env = worker_config(
            "kivitendo",
            &json!({ "KIVITENDO_OPTIONS": r#"{"baseUrl": "x"}"# }),
            &Value::Null,
        );
        let got = codes(&bad_env.issues);
        assert!(got.contains(&(
            "env.KIVITENDO_OPTIONS.baseUrl".into(),
            "option_not_allowed".into()
        )));
        assert!(got.contains(&(
            "env.KIVITENDO_PASSWORD".into(),
            "missing_configuration".into()
        )));
        assert_eq!(
            codes(&worker_config("amazon", &env(), &Value::Null).issues),
            [("target".into(), "unknown_target".into())]
        );
    }

    #[test]
    fn keys_come_from_the_header_else_the_document_ids() {
        let order = json!({ "number": "10023", "invoiceId": 3459872 });
        let key =
            |t: &str, op: &str, input: &Value, h: Option<&str>| delivery_key(t, op, input, h).key;
        assert_eq!(
            key("geisenheim", "createOrder", &order, None).as_deref(),
            Some("3459872")
        );
        assert_eq!(
            key("kivitendo", "createOrder", &order, None).as_deref(),
            Some("10023")
        );
        assert_eq!(
            key("westarp", "createOrder", &order, Some(" abc-1 ")).as_deref(),
            Some("abc-1")
        );
        assert_eq!(
            key("geisenheim", "cancelOrder", &json!(3459872), None).as_deref(),
            Some("cancel:3459872")
        );
        let missing = delivery_key("geisenheim", "createOrder", &json!({ "number": "1" }), None);
        assert_eq!(
            codes(&missing.issues),
            [("invoiceId".into(), "missing_idempotency_key".into())]
        );
        let bad = delivery_key("westarp", "createOrder", &order, Some("a b"));
        assert_eq!(bad.key, None);
        assert_eq!(bad.issues.len(), 1);
    }

    #[test]
    fn outcomes_settle_deliveries_with_doubling_backoff_until_dead() {
        let none = json!({});
        let s = settle(
            Outcome::Accepted,
            &json!([{ "id": "76.2944" }]),
            1,
            &none,
            0.0,
        );
        assert_eq!(
            (s.status, s.http_status, s.upstream_id.as_deref()),
            ("accepted", 200, Some("76.2944"))
        );
        let s = settle(
            Outcome::Accepted,
            &json!({ "orderId": 101, "customerId": 7 }),
            1,
            &none,
            0.0,
        );
        assert_eq!(s.upstream_id.as_deref(), Some("101"));
        assert_eq!(
            settle(Outcome::Rejected, &none, 1, &none, 0.0).http_status,
            422
        );
        assert_eq!(
            settle(Outcome::AuthFailed, &none, 1, &none, 0.0).status,
            "auth_failed"
        );
        let q = |n, r| settle(Outcome::Retry, &none, n, &none, r);
        assert_eq!(
            (q(1, 0.0).status, q(1, 0.0).retry_in_seconds),
            ("queued", Some(30))
        );
        assert_eq!(q(2, 0.0).retry_in_seconds, Some(60));
        assert_eq!(q(3, 0.999).retry_in_seconds, Some(149));
        assert_eq!((q(8, 0.0).status, q(8, 0.0).http_status), ("dead", 502));
        let env = json!({ "MAX_ATTEMPTS": "2", "RETRY_BASE_SECONDS": "5" });
        assert_eq!(
            settle(Outcome::Retry, &none, 1, &env, 0.0).retry_in_seconds,
            Some(5)
        );
        assert_eq!(settle(Outcome::Retry, &none, 2, &env, 0.0).status, "dead");
        let long = json!({ "MAX_ATTEMPTS": "30" });
        assert_eq!(
            settle(Outcome::Retry, &none, 20, &long, 0.9).retry_in_seconds,
            Some(MAX_DELAY_SECONDS)
        );
        assert!(may_resend("rejected") && may_resend("dead") && may_resend("auth_failed"));
        assert!(!may_resend("accepted") && !may_resend("queued"));
    }

    #[test]
    fn redaction_removes_configured_secrets_and_vlb_credentials() {
        let mut v = json!({
            "message": "token wt-secret is not valid; got Basic YXBpQHRlc3QuZGU6cHcxNDE4MTk=",
            "publishers": [{ "id": 51, "vlb_user": "wundersam-652", "vlb_pass": "624de7eb38",
                             "vlb_token": "174ccbd8", "vlb_media_token": null }],
            "nested": [["kivi-secret and caller-token"]],
        });
        redact(&mut v, &env());
        assert_eq!(
            v,
            json!({
                "message": "token [redacted] is not valid; got Basic [redacted]",
                "publishers": [{ "id": 51, "vlb_user": "wundersam-652", "vlb_pass": "[redacted]",
                                 "vlb_token": "[redacted]", "vlb_media_token": null }],
                "nested": [["[redacted] and [redacted]"]],
            })
        );
    }

    #[test]
    fn retried_kivitendo_creates_ask_upstream_first() {
        let st = json!({ "step": "createOrder", "customerId": 7, "createdCustomer": true, "createdOrder": false });
        assert_eq!(resume_state("kivitendo", &st)["step"], "findOrder");
        assert_eq!(resume_state("kivitendo", &st)["customerId"], 7);
        let st =
            json!({ "step": "createCustomer", "createdCustomer": false, "createdOrder": false });
        assert_eq!(resume_state("kivitendo", &st)["step"], "findCustomer");
        let st = json!({ "step": "findOrder", "customerId": 7 });
        assert_eq!(resume_state("kivitendo", &st), st);
        assert_eq!(
            resume_state("westarp", &json!({ "step": "createOrder" }))["step"],
            "createOrder"
        );
    }

    #[test]
    fn westarp_is_asked_before_an_order_is_sent_again() {
        assert_eq!(
            lookup_before_resend("westarp", "createOrder").map(|(op, _)| op),
            Some("listOrders")
        );
        assert!(lookup_before_resend("geisenheim", "createOrder").is_none());
        assert!(lookup_before_resend("kivitendo", "createOrder").is_none());
        let list = r#"{"data":[{"id":"74.1121","content":{"publisher_id":74,"code":"545515 8884 AAZ","status":"pending"}}],"current_page":1,"last_page":1}"#;
        let payload = json!({ "code": "545515 8884 AAZ" });
        let f = find_sent("westarp", &payload, 200, list);
        assert_eq!(
            (f.result, f.upstream_id.as_deref()),
            ("found", Some("74.1121"))
        );
        assert_eq!(
            find_sent("westarp", &json!({ "code": "other" }), 200, list).result,
            "absent"
        );
        assert_eq!(find_sent("westarp", &payload, 503, "").result, "unknown");
        assert_eq!(
            find_sent("westarp", &payload, 200, "<html>").result,
            "unknown"
        );
    }
}
