//! The worker's text path (`{ as: "text" }`): each order builder's body text is exactly the
//! payload the object path builds, written as the request body; bad input stays issues.

use kontor::body::{self, Body};
use kontor::issue::Issues;
use kontor::targets::kivitendo::{self, record::Format};
use kontor::targets::{geisenheim, westarp};
use kontor::Order;
use serde_json::{json, Value};

/// `tests/fixtures/<name>`, or one of the example orders in `examples/` (kept there once).
fn fixture(name: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let fixture = format!("{root}/tests/fixtures/{name}");
    let path = if std::path::Path::new(&fixture).exists() {
        fixture
    } else {
        format!("{root}/examples/{name}")
    };
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn ok_body(b: &Body) -> &str {
    assert!(b.ok, "{:?}", b.issues);
    b.body.as_deref().unwrap_or_default()
}

#[test]
fn geisenheim_body_is_the_payload_as_json_text() {
    let text = fixture("geisenheim_seed_example.order.json");
    let options = json!({"as": "text", "recipientSalt": "s"});
    let b = kontor::targets::geisenheim::order_body(&text, &options, Issues::new());
    let mut issues = Issues::new();
    let o = geisenheim::Options::from_value(&options, &mut issues);
    let (order, order_issues) = Order::parse_json(&text);
    let built = geisenheim::build_order(&order, order_issues, &o);
    assert_eq!(
        ok_body(&b),
        serde_json::to_string(&built.payload.unwrap()).unwrap()
    );
    assert_eq!(b.issues, built.issues);
    // The body is what the server gets: the seed example's expected document.
    let want: Value =
        serde_json::from_str(&fixture("geisenheim_seed_example.expected.json")).unwrap();
    let got: Value = serde_json::from_str(ok_body(&b)).unwrap();
    assert_eq!(
        got["items"].as_array().map(Vec::len),
        want["items"].as_array().map(Vec::len)
    );
}

#[test]
fn westarp_body_is_the_payload_as_json_text() {
    let text = fixture("westarp/order_seed_example.order.json");
    let options = json!({"as": "text", "type": "email"});
    let b = kontor::targets::westarp::order_body(&text, &options, Issues::new());
    let built = westarp::build_from_json(
        &text,
        &westarp::Options::from_value(&options, &mut Issues::new()),
    );
    assert_eq!(
        ok_body(&b),
        serde_json::to_string(&built.payload.unwrap()).unwrap()
    );
}

#[test]
fn kivitendo_bodies_are_the_documents() {
    let text = fixture("b2c_online_wine.json");
    let options = json!({
        "as": "text", "customerId": 17, "taxzoneId": 4, "currencyId": 1, "paymentId": 2, "shippingProductId": 99,
        "productIds": {"2021-RI-TR": 1, "2020-SB-GG": 2, "TB-05": 3, "2022-RI-GW": 4, "2021-DF": 5, "OFFEN-RI": 6}
    });
    let o = kivitendo::Options::from_value(&options, &mut Issues::new());
    let b = kontor::targets::kivitendo::order_body(&text, &options, Issues::new());
    let want = kivitendo::order_from_json(&text, &o).payload.unwrap();
    assert_eq!(ok_body(&b), want.to_xml());
    assert!(ok_body(&b).starts_with("<order>\n"));

    let customer = kontor::targets::kivitendo::customer_body(&text, &options, Issues::new());
    assert!(ok_body(&customer).starts_with("<customer>\n"));

    let mut json_options = options.clone();
    json_options["format"] = json!("json");
    assert_eq!(o.format, Format::Xml);
    let b = kontor::targets::kivitendo::order_body(&text, &json_options, Issues::new());
    assert_eq!(ok_body(&b), want.to_json().to_string());

    let product = json!({"productnumber": "P-1", "unit": "Stck", "partType": "part", "description": "Riesling", "taxGroupId": 859});
    let b = kontor::targets::kivitendo::input_body(
        &product,
        &options,
        Issues::new(),
        kivitendo::build_product,
    );
    assert!(ok_body(&b).starts_with("<product>\n"), "{b:?}");
}

#[test]
fn errors_give_no_body_and_every_issue() {
    let b = kontor::targets::geisenheim::order_body(
        "{\"number\": ",
        &json!({"as": "text"}),
        Issues::new(),
    );
    assert!(!b.ok && b.body.is_none());
    assert_eq!(b.issues.len(), 1);
    assert_eq!(
        b.issues.iter().next().map(|i| i.code.as_str()),
        Some("malformed_json")
    );

    let b = kontor::targets::geisenheim::order_body("{}", &json!({"as": "text"}), Issues::new());
    assert!(!b.ok && b.body.is_none());
    assert!(
        b.issues.iter().any(|i| i.code == "missing_field"),
        "{:?}",
        b.issues
    );

    // Issues found before (by the caller) keep the body back too.
    let mut before = Issues::new();
    before.error("options", "malformed_json", "bad", "schlecht");
    let b = kontor::targets::geisenheim::order_body(
        &fixture("b2c_online_wine.json"),
        &Value::Null,
        before,
    );
    assert!(!b.ok);

    let json = serde_json::to_value(body::Body::new(Some("x".into()), Issues::new())).unwrap();
    assert_eq!(json, json!({"ok": true, "body": "x", "issues": []}));
}

#[test]
fn the_as_option_says_text_or_object() {
    let mut issues = Issues::new();
    assert!(body::wants_text(&json!({"as": "text"}), &mut issues));
    assert!(!body::wants_text(&json!({"as": "object"}), &mut issues));
    assert!(!body::wants_text(&json!({}), &mut issues));
    assert!(!body::wants_text(&Value::Null, &mut issues));
    assert!(issues.is_empty());
    assert!(!body::wants_text(&json!({"as": "xml"}), &mut issues));
    assert_eq!(
        issues.iter().next().map(|i| i.path.to_string()),
        Some("options.as".into())
    );
    assert!(issues.has_errors());
}
