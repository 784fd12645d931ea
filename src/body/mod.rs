//! The worker's text path: an order builder's result as the exact request body text.
//!
//! [`Body`], [`wants_text`] and Geisenheim's [`geisenheim_order`] are kontor-core's
//! (`core/src/body.rs`); the Westarp and kivitendo builders are here.

use serde_json::Value;

pub use kontor_core::body::*;

use crate::issue::{Built, Issues};
use crate::order::Order;
use crate::{kivitendo, westarp};

/// A kivitendo document's text: the XML, or the JSON document as compact text.
pub fn from_document(doc: kivitendo::Document) -> Body {
    let body = doc
        .xml
        .or_else(|| doc.payload.map(|p| Value::to_string(&p)));
    Body::new(body, doc.issues)
}

/// `toWestarpOrder` on the text path: the Westarp `POST /orders` body as JSON text.
pub fn westarp_order(order_json: &str, options: &Value, issues: Issues) -> Body {
    order_body(
        order_json,
        options,
        issues,
        westarp::order::Options::from_value,
        westarp::order::build_order,
        Body::from_built,
    )
}

/// A kivitendo document from an order on the text path.
fn kivitendo_order_document(
    order_json: &str,
    options: &Value,
    mut issues: Issues,
    build: fn(&Order, Issues, &kivitendo::Options) -> Built<kivitendo::record::Record>,
) -> Body {
    let options = kivitendo::Options::from_value(options, &mut issues);
    let (order, order_issues) = Order::parse_json(order_json);
    if order_issues.iter().any(|i| i.code == "malformed_json") {
        issues.extend(order_issues);
        return Body::new(None, issues);
    }
    issues.extend(order_issues);
    from_document(kivitendo::Document::new(
        build(&order, issues, &options),
        options.format,
    ))
}

/// `toKivitendoCustomerXml` on the text path: the `<customer>` document.
pub fn kivitendo_customer(order_json: &str, options: &Value, issues: Issues) -> Body {
    kivitendo_order_document(order_json, options, issues, kivitendo::build_customer)
}

/// `toKivitendoOrderXml` on the text path: the `<order>` document.
pub fn kivitendo_order(order_json: &str, options: &Value, issues: Issues) -> Body {
    kivitendo_order_document(order_json, options, issues, kivitendo::build_order)
}

/// `toKivitendoProductXml` / `toKivitendoCategoryXml` on the text path: the document built
/// by `build` from its JSON description.
pub fn kivitendo_input(
    input: &Value,
    options: &Value,
    mut issues: Issues,
    build: fn(&Value, &kivitendo::Options) -> Built<kivitendo::record::Record>,
) -> Body {
    let options = kivitendo::Options::from_value(options, &mut issues);
    let built = build(input, &options);
    issues.extend(built.issues);
    from_document(kivitendo::Document::new(
        Built::new(built.payload, issues),
        options.format,
    ))
}
