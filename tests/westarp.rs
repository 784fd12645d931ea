//! Westarp order bodies from canonical orders: the document's order sample reproduced,
//! street splitting, ISBNs, payment method ids, required fields.

use kontor::issue::Issues;
use kontor::westarp::order::{build_from_json, Options};
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn email_type() -> Options {
    let mut issues = Issues::new();
    let o = Options::from_value(&json!({"type": "email"}), &mut issues);
    assert!(issues.is_empty());
    o
}

#[test]
fn the_documents_order_sample_is_reproduced() {
    let built = build_from_json(
        &fixture("westarp/order_seed_example.order.json"),
        &email_type(),
    );
    assert!(built.issues.is_empty(), "{:#?}", built.issues);
    let mut got = serde_json::to_value(built.payload.unwrap()).unwrap();
    let mut want: Value =
        serde_json::from_str(&fixture("westarp/order_seed_example.expected.json")).unwrap();
    // kontor sends ISBNs as 13 plain digits and the order time, which the sample leaves out.
    assert_eq!(got["items"][0]["isbn"], "9784178702706");
    want["items"][0]["isbn"] = json!("9784178702706");
    assert_eq!(got["created_at"], "2019-08-20T10:00:00+00:00");
    got.as_object_mut().unwrap().remove("created_at");
    assert_eq!(got, want);
}

#[test]
fn unmapped_payment_methods_bad_isbns_and_returns_are_errors() {
    let mut order: Value =
        serde_json::from_str(&fixture("westarp/order_seed_example.order.json")).unwrap();
    order["payment"]["method"] = json!("paypal");
    order["items"][0]["isbn"] = json!("978-4-1787-0270-5");
    order["items"][0]["quantity"] = json!(-1);
    order["billingAddress"]["street"] = json!("Am Markt");
    order.as_object_mut().unwrap().remove("shipping");
    let built = build_from_json(&order.to_string(), &email_type());
    assert!(built.payload.is_none());
    let got: Vec<(String, String)> = built
        .issues
        .iter()
        .map(|i| (i.path.clone(), i.code.clone()))
        .collect();
    for (p, c) in [
        ("payment.method", "unmapped_payment_method"),
        ("items[0].isbn", "invalid_isbn"),
        ("items[0].quantity", "negative_quantity"),
        ("billingAddress.street", "unsplittable_street"),
        ("shipping.methodName", "missing_field"),
        ("shipping.cost", "missing_field"),
    ] {
        assert!(got.contains(&(p.into(), c.into())), "{p} {c} in {got:?}");
    }
}

#[test]
fn configured_payment_ids_and_isbn10_work() {
    let mut issues = Issues::new();
    let o = Options::from_value(
        &json!({"paymentMethodIds": {"paypal": 8, "sepa": 2}}),
        &mut issues,
    );
    assert_eq!(
        issues.as_slice()[0].path,
        "options.paymentMethodIds.sepa",
        "2 is not a Westarp id"
    );
    let mut order: Value =
        serde_json::from_str(&fixture("westarp/order_seed_example.order.json")).unwrap();
    order["payment"]["method"] = json!("paypal");
    order["items"][0]["isbn"] = json!("3-499-13599-X");
    order["items"][0]
        .as_object_mut()
        .unwrap()
        .remove("discountPercent");
    let built = build_from_json(&order.to_string(), &o);
    let p = serde_json::to_value(built.payload.unwrap()).unwrap();
    assert_eq!(p["payment_method_id"], 8);
    assert_eq!(p["type"], "shop");
    assert_eq!(p["items"][0]["isbn"], "9783499135996");
    assert!(p["items"][0].get("discount_rate").is_none());
}
