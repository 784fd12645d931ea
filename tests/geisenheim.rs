//! Geisenheim payloads from canonical orders: the document's own example and the examples of
//! `examples/` (copied to `tests/fixtures/`), with values computed by hand.

use kontor::targets::geisenheim::{build_from_json, Options};
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

fn salted() -> Options {
    Options {
        recipient_salt: Some("a-long-secret-salt-of-this-shop".into()),
        strict: false,
    }
}

/// Builds a payload and returns it as JSON, failing with the issues when there is none.
fn payload(name: &str, options: &Options) -> (Value, Vec<kontor::Issue>) {
    let built = build_from_json(&fixture(name), options);
    let issues = built.issues.clone().into_vec();
    let p = built
        .payload
        .unwrap_or_else(|| panic!("{name}: no payload: {issues:#?}"));
    (serde_json::to_value(p).unwrap(), issues)
}

/// Compares two JSON values and lists every differing key path.
fn diff(path: &str, got: &Value, want: &Value, out: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for k in g.keys().chain(w.keys().filter(|k| !g.contains_key(*k))) {
                let p = format!("{path}.{k}");
                match (g.get(k), w.get(k)) {
                    (Some(a), Some(b)) => diff(&p, a, b, out),
                    (a, b) => out.push(format!("{p}: got {a:?}, want {b:?}")),
                }
            }
        }
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
            for (i, (a, b)) in g.iter().zip(w).enumerate() {
                diff(&format!("{path}[{i}]"), a, b, out);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        _ if got == want => {}
        _ => out.push(format!("{path}: got {got}, want {want}")),
    }
}

#[test]
fn the_documents_example_payload_is_reproduced_from_a_canonical_order() {
    let (mut got, issues) = payload("geisenheim_seed_example.order.json", &salted());
    let mut want: Value =
        serde_json::from_str(&fixture("geisenheim_seed_example.expected.json")).unwrap();
    // The recipient id is a salted hash, never the document's sample value.
    let id = got["recipient"]["id"].as_str().unwrap().to_owned();
    // HMAC-SHA256(salt, "customer:C-1001"), first 20 hex digits (computed with Python's hmac).
    assert_eq!(id, "cc78682b17e67f3e124b");
    got["recipient"]["id"] = json!("*");
    want["recipient"]["id"] = json!("*");
    let mut out = Vec::new();
    diff("", &got, &want, &mut out);
    assert!(out.is_empty(), "differences:\n{}", out.join("\n"));
    assert!(issues.is_empty(), "{issues:#?}");
    // Exact numbers in the text, in the document's key order: 7.5 and 1.2, not 7.499999.
    let built = build_from_json(&fixture("geisenheim_seed_example.order.json"), &salted());
    let text = serde_json::to_string(&built.payload.unwrap()).unwrap();
    assert!(
        text.contains(r#""size":750,"price":7.5,"tax":1.2,"discount":0.0,"organic":true"#),
        "{text}"
    );
    assert!(
        text.starts_with(r#"{"date":"2020-09-22","id":3459872,"recipient":{"id":""#),
        "{text}"
    );
}

#[test]
fn b2c_case_of_six_with_percent_discount() {
    let (p, issues) = payload("b2c_online_wine.json", &salted());
    assert!(issues.is_empty(), "{issues:#?}");
    // 22:46 UTC on 4 April is 00:46 on 5 April in Germany (CEST).
    assert_eq!(p["date"], "2024-04-05");
    assert_eq!(p["id"], 3459872);
    let r = &p["recipient"];
    assert_eq!(
        r["postalCode"], "109",
        "postal code from the shipping address"
    );
    assert_eq!(r["country"], "DE");
    assert_eq!(
        (r["gender"].as_str(), r["yearOfBirth"].as_i64()),
        (Some("f"), Some(1985))
    );
    let case = &p["items"][0];
    // Two cases of six: 12 bottles; 59.40 − 10 % = 53.46 a case = 8.91 a bottle.
    assert_eq!(case["quantity"], 12);
    assert_eq!(case["price"], 8.91);
    assert_eq!(case["discount"], 0.99);
    assert_eq!(case["tax"], 1.42);
    assert_eq!(case["vdp"], 4);
    assert_eq!(case["grapes"], json!([10077]));
    assert_eq!(case["wineType"], "white");
    let gg = &p["items"][1];
    assert_eq!(
        (gg["price"].as_f64(), gg["tax"].as_f64()),
        (Some(38.0), Some(6.07))
    );
    assert_eq!(
        (gg["quality"].as_i64(), gg["vdp"].as_i64()),
        (Some(4), Some(6))
    );
    assert_eq!(gg["grapes"], json!([9279]));
    let brandy = &p["items"][2];
    assert_eq!(brandy["category"], 9);
    assert_eq!(brandy["tax"], 3.98);
    for key in ["quality", "grapes", "wineType", "taste", "vdp"] {
        assert!(brandy.get(key).is_none(), "category 9 carries no {key}");
    }
}

#[test]
fn local_sale_has_no_online_fields_and_an_anonymous_recipient() {
    let (p, issues) = payload("local_farm_shop_sale.json", &salted());
    let r = &p["recipient"];
    assert_eq!(r["source"], "local");
    for key in ["delivery", "postalCode", "country"] {
        assert!(r.get(key).is_none(), "local sale must not carry {key}");
    }
    assert_eq!(r["paymentMethod"], "cash");
    assert!(issues.iter().any(|i| i.code == "anonymous_recipient"));
    assert_eq!(p["items"][0]["taste"], "medium-dry");
    assert_eq!(p["items"][0]["vdp"], Value::Null);
    assert_eq!(p["items"][1]["category"], 3);
    assert_eq!(
        (
            p["items"][2]["price"].as_f64(),
            p["items"][2]["tax"].as_f64()
        ),
        (Some(3.9), Some(0.26))
    );
}

#[test]
fn net_b2b_order_is_converted_to_gross_per_bottle() {
    let (p, issues) = payload("b2b_gastronomy.json", &salted());
    assert!(issues.is_empty(), "{issues:#?}");
    let r = &p["recipient"];
    assert_eq!(r["category"], 3);
    assert_eq!(r["delivery"], "Zufuhr");
    for key in [
        "paymentMethod",
        "gender",
        "yearOfBirth",
        "agreesToMarketing",
    ] {
        assert!(
            r.get(key).is_none(),
            "business customer must not carry {key}"
        );
    }
    // 6.30 net − 0.30 net at 19 %: 7.497 − 0.357 = 7.14 gross, 1.14 tax, 0.36 discount.
    let it = &p["items"][0];
    assert_eq!(
        (
            it["price"].as_f64(),
            it["tax"].as_f64(),
            it["discount"].as_f64()
        ),
        (Some(7.14), Some(1.14), Some(0.36))
    );
    assert_eq!(it["taste"], "off-dry");
    assert_eq!(p["items"][1]["price"], 6.9);
    assert_eq!(p["items"][1]["grapes"], json!([3659, 4572]));
    assert_eq!(
        (
            p["items"][2]["category"].as_i64(),
            p["items"][2]["price"].as_f64()
        ),
        (Some(5), Some(49.98))
    );
}

#[test]
fn sparkling_wines_use_sparkling_qualities_and_tastes() {
    let (p, issues) = payload("sparkling_wine.json", &salted());
    assert!(issues.is_empty(), "{issues:#?}");
    let r = &p["recipient"];
    assert_eq!(
        (r["country"].as_str(), r["postalCode"].as_str()),
        (Some("AT"), Some("502"))
    );
    assert_eq!(r["paymentMethod"], "credit");
    assert_eq!(r["gender"], "x");
    let sekt = &p["items"][0];
    assert_eq!(
        (sekt["category"].as_i64(), sekt["quality"].as_i64()),
        (Some(2), Some(5))
    );
    assert_eq!(sekt["taste"], "brut-natur");
    assert!(sekt.get("vdp").is_none() && sekt.get("grapes").is_none());
    assert_eq!(p["items"][1]["quality"], 6);
    assert_eq!(p["items"][1]["taste"], "extra-dry");
    assert_eq!(p["items"][2]["category"], 4);
}

#[test]
fn a_return_keeps_negative_quantities_and_the_same_recipient() {
    let (ret, _) = payload("return.json", &salted());
    let (sale, _) = payload("b2c_online_wine.json", &salted());
    assert_eq!(ret["items"][0]["quantity"], -1);
    assert_eq!(ret["items"][0]["price"], 38.0);
    assert_eq!(
        ret["recipient"]["id"], sale["recipient"]["id"],
        "same customer id, same recipient"
    );
    let other_salt = Options {
        recipient_salt: Some("another-shop-with-another-salt".into()),
        strict: false,
    };
    let (ret2, _) = payload("return.json", &other_salt);
    assert_ne!(ret["recipient"]["id"], ret2["recipient"]["id"]);
}

#[test]
fn recipient_id_never_carries_the_email() {
    let (p, _) = payload("sparkling_wine.json", &salted());
    let text = serde_json::to_string(&p).unwrap();
    assert!(!text.contains("gast@example.org") && !text.contains("gast"));
}

fn build(
    order: Value,
    options: &Options,
) -> kontor::Built<kontor::targets::geisenheim::OrderPayload> {
    build_from_json(&order.to_string(), options)
}

fn base_order() -> Value {
    serde_json::from_str(&fixture("geisenheim_seed_example.order.json")).unwrap()
}

fn issue_codes(
    b: &kontor::Built<kontor::targets::geisenheim::OrderPayload>,
) -> Vec<(String, String, kontor::Severity)> {
    b.issues
        .iter()
        .map(|i| (i.path.clone(), i.code.clone(), i.severity))
        .collect()
}

#[test]
fn missing_invoice_id_is_an_error_and_no_payload() {
    let mut o = base_order();
    o.as_object_mut().unwrap().remove("invoiceId");
    let b = build(o, &salted());
    assert!(b.payload.is_none());
    assert!(issue_codes(&b).contains(&(
        "invoiceId".into(),
        "missing_invoice_id".into(),
        kontor::Severity::Error
    )));
}

#[test]
fn values_of_the_wrong_category_are_errors() {
    let mut o = base_order();
    o["items"][0]["product"]["quality"] = json!("Sekt");
    o["items"][0]["product"]["taste"] = json!("brut");
    let b = build(o, &salted());
    let codes = issue_codes(&b);
    assert!(b.payload.is_none());
    assert!(
        codes.contains(&(
            "items[0].product.quality".into(),
            "quality_wrong_category".into(),
            kontor::Severity::Error
        )),
        "{codes:?}"
    );
    assert!(codes.contains(&(
        "items[0].product.taste".into(),
        "taste_wrong_category".into(),
        kontor::Severity::Error
    )));
}

#[test]
fn unknown_grapes_are_free_text_warnings_or_strict_errors() {
    let mut o = base_order();
    o["items"][0]["product"]["grapes"] = json!(["Zweigelt", "Pinot Gris"]);
    let b = build(o.clone(), &salted());
    let p = serde_json::to_value(b.payload.as_ref().unwrap()).unwrap();
    assert_eq!(p["items"][0]["grapes"], json!(["Zweigelt", 9275]));
    assert!(issue_codes(&b).contains(&(
        "items[0].product.grapes[0]".into(),
        "unknown_grape".into(),
        kontor::Severity::Warning
    )));
    let strict = Options {
        strict: true,
        ..salted()
    };
    let b = build(o, &strict);
    assert!(b.payload.is_none());
    assert!(issue_codes(&b).contains(&(
        "items[0].product.grapes[0]".into(),
        "unknown_grape".into(),
        kontor::Severity::Error
    )));
}

#[test]
fn online_orders_need_a_carrier_and_wines_their_details() {
    let mut o = base_order();
    o.as_object_mut().unwrap().remove("shipping");
    let p = o["items"][0]["product"].as_object_mut().unwrap();
    p.remove("grapes");
    p.remove("wineType");
    p.remove("bottleSizeMl");
    let b = build(o, &salted());
    let paths: Vec<String> = b
        .issues
        .iter()
        .filter(|i| i.severity == kontor::Severity::Error)
        .map(|i| i.path.clone())
        .collect();
    assert_eq!(
        paths,
        vec![
            "shipping.carrier",
            "items[0].product.bottleSizeMl",
            "items[0].product.grapes",
            "items[0].product.wineType"
        ]
    );
}

#[test]
fn empty_optional_values_are_omitted_not_sent_as_empty_strings() {
    let mut o = base_order();
    o["customer"]["gender"] = json!("");
    o["items"][0]["product"]["organic"] = Value::Null;
    let b = build(o, &salted());
    let text = serde_json::to_string(b.payload.as_ref().unwrap()).unwrap();
    assert!(!text.contains("\"\""), "{text}");
    assert!(
        !text.contains("gender") && !text.contains("organic"),
        "{text}"
    );
}

#[test]
fn non_euro_orders_are_refused() {
    let mut o = base_order();
    o["currency"] = json!("CHF");
    let b = build(o, &salted());
    assert!(issue_codes(&b).contains(&(
        "currency".into(),
        "currency_not_eur".into(),
        kontor::Severity::Error
    )));
}

#[test]
fn missing_salt_is_a_warning_naming_the_option() {
    let b = build(base_order(), &Options::default());
    assert!(b.payload.is_some());
    assert!(issue_codes(&b).contains(&(
        "options.recipientSalt".into(),
        "missing_recipient_salt".into(),
        kontor::Severity::Warning
    )));
}

#[test]
fn list_names_and_free_texts_reach_the_payload_as_given() {
    let mut o = base_order();
    o["channel"] = json!("Hofverkauf");
    let b = build(o.clone(), &salted());
    let p = serde_json::to_value(b.payload.as_ref().unwrap()).unwrap();
    assert_eq!(p["recipient"]["source"], json!("local"));

    o["channel"] = json!(" Weinmesse ");
    o["items"][0]["product"]["wineType"] = json!("Orange");
    o["items"][0]["product"]["taste"] = json!("knochentrocken");
    let b = build(o, &salted());
    let p = serde_json::to_value(b.payload.as_ref().unwrap()).unwrap();
    assert_eq!(p["recipient"]["source"], json!("Weinmesse"));
    assert_eq!(p["items"][0]["wineType"], json!("Orange"));
    assert_eq!(p["items"][0]["taste"], json!("knochentrocken"));
    let codes = issue_codes(&b);
    for (path, code) in [
        ("channel", "unknown_channel"),
        ("items[0].product.wineType", "unknown_wine_type"),
        ("items[0].product.taste", "unknown_taste"),
    ] {
        assert!(
            codes.contains(&(path.into(), code.into(), kontor::Severity::Warning)),
            "{path} {code}: {codes:?}"
        );
    }
}
