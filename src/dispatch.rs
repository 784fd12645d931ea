//! Targets and operations by name, as the JavaScript API and the worker address them:
//! `request(target, operation, input, config)` and `interpretResponse(...)`.

use serde::Serialize;
use serde_json::Value;

use crate::http::{Config, Interpreted, Outcome, Request};
use crate::issue::Issues;
use crate::order::Order;
use crate::sources::{kvik, omniseller};
use crate::targets::{geisenheim, kivitendo, westarp};

/// Target names.
pub const TARGETS: &[&str] = &["geisenheim", "kivitendo", "westarp", "omniseller", "kvik"];

/// A built request, or the issues that prevent it: `{ ok: true, request, issues }` or
/// `{ ok: false, issues }`.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestResult {
    /// The request, present when no issue is an error.
    pub request: Option<Request>,
    /// Every issue.
    pub issues: Issues,
}

impl Serialize for RequestResult {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::issue::with_ok(
            s,
            "RequestResult",
            "request",
            self.request.as_ref(),
            &self.issues,
        )
    }
}

fn unknown_target(name: &str, issues: &mut Issues) {
    let known = TARGETS.join(", ");
    issues.error(
        "target",
        "unknown_target",
        format!("unknown target `{name}`; known: {known}"),
        format!("unbekanntes Ziel `{name}`; bekannt: {known}"),
    );
}

/// Builds the request for `operation` of `target`; `input` is JSON text (an order, an id, …);
/// `now` is the caller's clock in Unix seconds (OmniSeller sessions expire).
pub fn request(
    target: &str,
    operation: &str,
    input: &str,
    config: &Value,
    now: i64,
) -> RequestResult {
    let mut issues = Issues::new();
    if !crate::limits::fits(input.len(), "input", &mut issues) {
        return RequestResult {
            request: None,
            issues,
        };
    }
    // `config.catalogue` completes an order's items (and kivitendo's productIds) first.
    let catalogue = crate::catalogue::from_option(config, &mut issues);
    let completed = catalogue.as_ref().and_then(|c| c.complete_text(input));
    let input = completed.as_deref().unwrap_or(input);
    let stripped;
    let config = match config.as_object() {
        Some(o) if o.contains_key("catalogue") => {
            let mut o = o.clone();
            o.remove("catalogue");
            stripped = Value::Object(o);
            &stripped
        }
        _ => config,
    };
    // JSON text; an id passed as a bare JS string (`"6132af…"`, not JSON) is taken as text.
    let input_value = || match serde_json::from_str::<Value>(input) {
        Ok(v) => v,
        Err(_) if !input.trim_start().starts_with(['{', '[', '"']) => {
            Value::String(input.trim().to_owned())
        }
        Err(_) => Value::Null,
    };
    let request = match target {
        "geisenheim" => {
            let cfg = Config::from_value(config, &["recipientSalt", "strict"], &mut issues);
            match operation {
                "createOrder" => {
                    let options = geisenheim::Options::from_value(config, &mut issues);
                    let (req, built) =
                        geisenheim::requests::create_order(input, &cfg, &options, issues);
                    issues = built.issues;
                    req
                }
                "cancelOrder" => {
                    geisenheim::requests::cancel_order(&input_value(), &cfg, &mut issues)
                }
                other => {
                    issues.unknown_operation("Geisenheim", other, &["createOrder", "cancelOrder"]);
                    None
                }
            }
        }
        "kivitendo" => {
            let cfg = Config::from_value(config, kivitendo::OPTION_KEYS, &mut issues);
            let mut options = kivitendo::Options::from_value(config, &mut issues);
            if let Some(c) = &catalogue {
                c.fill_product_ids(&mut options.product_ids);
            }
            kivitendo::requests::request(operation, input, &cfg, &options, &mut issues)
        }
        "westarp" => {
            let cfg = Config::from_value(
                config,
                &["type", "paymentMethodIds", "revealSecrets"],
                &mut issues,
            );
            let options = westarp::Options::from_value(config, &mut issues);
            westarp::requests::request(operation, input, &cfg, &options, &mut issues)
        }
        "omniseller" => {
            let cfg = Config::from_value(config, omniseller::OPTION_KEYS, &mut issues);
            omniseller::request(operation, &input_value(), &cfg, config, now, &mut issues)
        }
        "kvik" => {
            let cfg = Config::from_value(config, &["allowInsecure"], &mut issues);
            let insecure = matches!(config.get("allowInsecure"), Some(Value::Bool(true)));
            kvik::request(operation, &input_value(), &cfg, insecure, &mut issues)
        }
        other => {
            unknown_target(other, &mut issues);
            None
        }
    };
    let request = if issues.has_errors() { None } else { request };
    RequestResult { request, issues }
}

/// Documents an order can be checked against: `validateOrder(order, { target })`.
pub const ORDER_DOCUMENTS: &[&str] = &[
    "geisenheim",
    "kivitendo-customer",
    "kivitendo-order",
    "westarp",
];

/// Every issue `order` (already read, with its own issues) has for the order document of
/// `target` (one of [`ORDER_DOCUMENTS`]) built with `options`: what the target's builder
/// would refuse, beyond the canonical order's own rules.
pub fn check_order(target: &str, order: &Order, order_issues: Issues, options: &Value) -> Issues {
    let mut issues = order_issues;
    match target {
        "geisenheim" => {
            let o = geisenheim::Options::from_value(options, &mut issues);
            geisenheim::build_order(order, issues, &o).issues
        }
        "kivitendo-customer" | "kivitendo-order" => {
            let mut o = kivitendo::Options::from_value(options, &mut issues);
            // The catalogue's part ids count as productIds (its own issues come with the order).
            if let Some(c) = crate::catalogue::from_option(options, &mut Issues::new()) {
                c.fill_product_ids(&mut o.product_ids);
            }
            if target == "kivitendo-customer" {
                kivitendo::build_customer(order, issues, &o).issues
            } else {
                kivitendo::build_order(order, issues, &o).issues
            }
        }
        "westarp" => {
            let o = westarp::Options::from_value(options, &mut issues);
            westarp::build_order(order, issues, &o).issues
        }
        other => {
            let known = ORDER_DOCUMENTS.join(", ");
            issues.error(
                "options.target",
                "unknown_target",
                format!("no order document `{other}` to check against; known: {known}"),
                format!("kein Bestelldokument `{other}` zum Prüfen; bekannt: {known}"),
            );
            issues
        }
    }
}

/// Reads a response to `operation` of `target`; `now` as for [`request`].
pub fn interpret_response(
    target: &str,
    operation: &str,
    status: u16,
    body: &str,
    now: i64,
) -> Interpreted {
    let mut issues = Issues::new();
    if !crate::limits::fits(body.len(), "body", &mut issues) {
        return Interpreted {
            outcome: Outcome::Rejected,
            issues,
            data: None,
        };
    }
    match target {
        "geisenheim" => geisenheim::requests::interpret(operation, status, body),
        "kivitendo" => kivitendo::requests::interpret(operation, status, body),
        "westarp" => westarp::requests::interpret(operation, status, body, &[]),
        "omniseller" => omniseller::interpret(operation, status, body, now),
        "kvik" => kvik::interpret(status, body),
        other => {
            unknown_target(other, &mut issues);
            Interpreted {
                outcome: Outcome::Rejected,
                issues,
                data: None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(issues: &Issues) -> Vec<(String, String)> {
        issues
            .iter()
            .filter(|i| i.severity == crate::issue::Severity::Error)
            .map(|i| (i.path.clone(), i.code.clone()))
            .collect()
    }

    #[test]
    fn an_order_valid_on_its_own_is_checked_against_each_document() {
        let text = include_str!("../tests/fixtures/geisenheim_seed_example.order.json");
        let (order, own) = Order::parse_json(text);
        assert_eq!(codes(&own), vec![]);
        let salt = serde_json::json!({ "recipientSalt": "a-long-secret-salt-of-this-shop" });
        assert_eq!(
            codes(&check_order("geisenheim", &order, own.clone(), &salt)),
            vec![]
        );
        // The same order without the wine's quality: fine as an order, refused by Geisenheim.
        let mut v: Value = serde_json::from_str(text).unwrap_or_default();
        v["items"][0]["product"]
            .as_object_mut()
            .map(|p| p.remove("quality"));
        let (order2, own2) = Order::from_value(&v);
        assert_eq!(codes(&own2), vec![]);
        assert_eq!(
            codes(&check_order("geisenheim", &order2, own2, &salt)),
            vec![(
                "items[0].product.quality".to_owned(),
                "missing_field".to_owned()
            )]
        );
        // kivitendo needs its ids, named as options.
        let kivi = codes(&check_order(
            "kivitendo-order",
            &order,
            own.clone(),
            &Value::Null,
        ));
        assert!(
            kivi.iter().any(|(p, _)| p == "options.customerId"),
            "{kivi:?}"
        );
        let unknown = codes(&check_order("shopify", &order, own, &Value::Null));
        assert_eq!(
            unknown,
            vec![("options.target".to_owned(), "unknown_target".to_owned())]
        );
    }
}
