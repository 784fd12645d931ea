//! Requests of the Geisenheim API (§1, §2), sans-IO, and what its responses mean.
//!
//! Base URLs (§1.1, §1.2): production `https://api.geisenheim-portal.de`, staging
//! `https://api.staging.geisenheim-portal.de` (the default, so nothing reaches the live
//! statistics by accident). HTTP Basic auth; `Content-Type: application/json` on every request.

use serde_json::Value;

use super::{build_order, Options, OrderPayload};
use crate::catalogue::Catalogue;
use crate::http::{self, Config, Environment, Interpreted, Method, Outcome, Request};
use crate::issue::{Built, Issues};
use crate::order::Order;

/// §1.1.
pub const PRODUCTION_URL: &str = "https://api.geisenheim-portal.de";
/// §1.2.
pub const STAGING_URL: &str = "https://api.staging.geisenheim-portal.de";

/// The base URL for a configuration.
pub fn base_url(config: &Config) -> String {
    match (&config.base_url, config.environment) {
        (Some(u), _) => u.clone(),
        (None, Environment::Production) => PRODUCTION_URL.to_owned(),
        (None, Environment::Staging) => STAGING_URL.to_owned(),
    }
}

fn headers(config: &Config, issues: &mut Issues) -> Option<Vec<(String, String)>> {
    let user = config.username.as_deref();
    let pass = config.password.as_deref();
    if user.is_none() {
        issues.error(
            "config.username",
            "missing_credentials",
            "required by Geisenheim: the API user from the portal's backend, usually an e-mail address",
            "Pflicht bei Geisenheim: der API-Nutzer aus dem Portal-Backend, meist eine E-Mail-Adresse",
        );
    }
    if pass.is_none() {
        issues.error(
            "config.password",
            "missing_credentials",
            "required by Geisenheim: generated when the API is activated in the portal's backend",
            "Pflicht bei Geisenheim: wird bei Aktivierung der API im Portal-Backend erzeugt",
        );
    }
    Some(vec![
        ("Authorization".into(), http::basic_auth(user?, pass?)),
        ("Content-Type".into(), "application/json".into()),
        ("Accept".into(), "application/json".into()),
    ])
}

/// `POST /erp/orders` (§2.1) for a canonical order given as JSON text: the built payload, the request, every issue.
pub fn create_order(
    order: &str,
    config: &Config,
    options: &Options,
    mut issues: Issues,
) -> (Option<Request>, Built<OrderPayload>) {
    let (parsed, order_issues) = Order::parse_json(order);
    issues.extend(order_issues);
    let built = build_order(&parsed, issues, options);
    let mut issues = built.issues.clone();
    let headers = headers(config, &mut issues);
    let body = built
        .payload
        .as_ref()
        .and_then(|p| serde_json::to_string(p).ok());
    let request = match (headers, body, issues.has_errors()) {
        (Some(headers), Some(body), false) => Some(Request {
            method: Method::Post,
            url: format!("{}/erp/orders", base_url(config)),
            headers,
            body: Some(body),
        }),
        _ => None,
    };
    (
        request,
        Built {
            payload: built.payload,
            issues,
        },
    )
}

/// The invoice id of a cancel input: a number, a digit string, `{ id }` or an order with
/// `invoiceId`.
fn cancel_id(input: &Value, issues: &mut Issues) -> Option<u64> {
    let v = match input {
        Value::Object(o) => o
            .get("id")
            .or_else(|| o.get("invoiceId"))
            .unwrap_or(&Value::Null),
        other => other,
    };
    let id = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    match id {
        Some(id) if id > 0 => Some(id),
        _ => {
            issues.error(
                "input.id",
                "missing_invoice_id",
                "required for cancelling: the id used when the order was created (the order's invoiceId), a positive whole number",
                "zum Stornieren nötig: die beim Anlegen verwendete ID (die invoiceId der Bestellung) als positive ganze Zahl",
            );
            None
        }
    }
}

/// `DELETE /erp/orders/ID` (§2.2): refund or cancellation of an order sent before.
pub fn cancel_order(input: &Value, config: &Config, issues: &mut Issues) -> Option<Request> {
    let id = cancel_id(input, issues);
    let headers = headers(config, issues)?;
    Some(Request {
        method: Method::Delete,
        url: format!("{}/erp/orders/{}", base_url(config), id?),
        headers,
        body: None,
    })
}

/// What a Geisenheim response means: 2xx accepted; 400 rejected, with the validation answer's
/// messages as issues (fix and send again, §2.1); 401/403 auth failed; 5xx and network
/// failures (status 0) retry later (§2.1).
pub fn interpret(operation: &str, status: u16, body: &str) -> Interpreted {
    let outcome = http::outcome_for_status(status);
    let mut issues = Issues::new();
    match outcome {
        Outcome::Rejected => {
            let msgs = http::upstream_messages(body);
            if msgs.is_empty() {
                let (en, de) = if status == 404 && operation == "cancelOrder" {
                    (
                        "Geisenheim knows no order with this id (404): was it sent?".to_owned(),
                        "Geisenheim kennt keine Bestellung mit dieser ID (404): wurde sie übertragen?".to_owned(),
                    )
                } else {
                    (
                        format!("Geisenheim rejected the request with status {status}"),
                        format!("Geisenheim hat die Anfrage mit Status {status} abgelehnt"),
                    )
                };
                issues.error("", "upstream_rejected", en, de);
            }
            for (path, msg) in msgs {
                issues.error(
                    &path,
                    "upstream_validation",
                    format!("Geisenheim: {msg}"),
                    format!("Geisenheim: {msg}"),
                );
            }
        }
        Outcome::AuthFailed => issues.error(
            "config.username",
            "auth_failed",
            format!("Geisenheim refused the credentials ({status}): check username and password, and that staging and production credentials are not mixed up"),
            format!("Geisenheim hat die Zugangsdaten abgelehnt ({status}): Nutzername und Passwort prüfen und Test- und Produktivzugang nicht verwechseln"),
        ),
        Outcome::Retry => {
            let (en, de) = if status == 0 {
                ("the request did not reach Geisenheim (network failure): send it again later".to_owned(), "die Anfrage hat Geisenheim nicht erreicht (Netzwerkfehler): später erneut senden".to_owned())
            } else {
                (format!("Geisenheim has a temporary problem ({status}): send the same request again later"), format!("Geisenheim hat ein vorübergehendes Problem ({status}): dieselbe Anfrage später erneut senden"))
            };
            issues.warning("", "retry_later", en, de);
        }
        Outcome::Accepted => {}
    }
    Interpreted {
        outcome,
        issues,
        data: http::body_data(body),
    }
}

/// Geisenheim's operations.
pub const OPERATIONS: &[&str] = &["createOrder", "cancelOrder"];

/// `request("geisenheim", operation, input, config)` (the registry's entry): the catalogue
/// has completed the order already.
pub fn dispatch(
    operation: &str,
    input: &str,
    config: &Value,
    _catalogue: Option<&Catalogue>,
    _now: i64,
    issues: &mut Issues,
) -> Option<Request> {
    let cfg = Config::from_value(config, &["recipientSalt", "strict"], issues);
    match operation {
        "createOrder" => {
            let options = Options::from_value(config, issues);
            let (req, built) = create_order(input, &cfg, &options, std::mem::take(issues));
            *issues = built.issues;
            req
        }
        "cancelOrder" => cancel_order(&crate::dispatch::input_value(input), &cfg, issues),
        other => {
            issues.unknown_operation("Geisenheim", other, OPERATIONS);
            None
        }
    }
}

/// `interpretResponse("geisenheim", …)` (the registry's entry).
pub fn read(operation: &str, status: u16, body: &str, _now: i64) -> Interpreted {
    interpret(operation, status, body)
}
