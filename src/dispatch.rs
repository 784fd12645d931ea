//! APIs and operations by name, as the JavaScript API and the worker address them:
//! `request(api, operation, input, config)` and `interpretResponse(...)`, each API's entry
//! from the registry ([`crate::registry`]).

use serde::Serialize;
use serde_json::Value;

use crate::http::{Interpreted, Outcome, Request};
use crate::issue::Issues;
use crate::order::Order;
use crate::registry::{self, Api};

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

/// `name` is no API: the issue says which are.
fn unknown_target(name: &str, issues: &mut Issues) {
    let known = Api::names().join(", ");
    issues.error(
        "target",
        "unknown_target",
        format!("unknown target {name:?}; known: {known}"),
        format!("unbekanntes Ziel {name:?}; bekannt: {known}"),
    );
}

/// Builds the request for `operation` of `api` (a target or a source, by name); `input` is
/// JSON text (an order, an id, …); `now` is the caller's clock in Unix seconds (OmniSeller
/// sessions expire).
pub fn request(api: &str, operation: &str, input: &str, config: &Value, now: i64) -> RequestResult {
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
    let request = match Api::from_name(api).and_then(Api::requests) {
        Some(r) => (r.build)(
            operation,
            input,
            config,
            catalogue.as_ref(),
            now,
            &mut issues,
        ),
        None => {
            unknown_target(api, &mut issues);
            None
        }
    };
    let request = if issues.has_errors() { None } else { request };
    RequestResult { request, issues }
}

/// Every issue `order` (already read, with its own issues) has for the order document
/// `document` (`geisenheim`, `kivitendo-order`, …: [`registry::documents`]) built with
/// `options`: what the target's builder would refuse, beyond the canonical order's own rules.
pub fn check_order(document: &str, order: &Order, order_issues: Issues, options: &Value) -> Issues {
    let mut issues = order_issues;
    match registry::document(document) {
        Some((_, d)) => (d.check)(order, issues, options),
        None => {
            let known: Vec<_> = registry::documents().map(|(_, d)| d.name).collect();
            let known = known.join(", ");
            issues.error(
                "options.target",
                "unknown_target",
                format!("no order document {document:?} to check against; known: {known}"),
                format!("kein Bestelldokument {document:?} zum Prüfen; bekannt: {known}"),
            );
            issues
        }
    }
}

/// Reads a response to `operation` of `api`; `now` as for [`request`].
pub fn interpret_response(
    api: &str,
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
    match Api::from_name(api).and_then(Api::requests) {
        Some(r) => (r.interpret)(operation, status, body, now),
        None => {
            unknown_target(api, &mut issues);
            Interpreted {
                outcome: Outcome::Rejected,
                issues,
                data: None,
            }
        }
    }
}

/// An input as JSON; an id passed as a bare JS string (`"6132af…"`, not JSON) is taken as
/// text, anything else unreadable as `null`.
pub fn input_value(input: &str) -> Value {
    match serde_json::from_str::<Value>(input) {
        Ok(v) => v,
        Err(_) if !input.trim_start().starts_with(['{', '[', '"']) => {
            Value::String(input.trim().to_owned())
        }
        Err(_) => Value::Null,
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
