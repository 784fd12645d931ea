//! Bad input never crashes: malformed JSON, wrong types, absurd values, huge and deep inputs
//! all come back as issues.

use kontor::order::Order;
use kontor::targets::geisenheim::{build_from_json, Options};
use kontor::Severity;

/// Asserts that reading `text` reports each `(path, code)`.
fn assert_reports(text: &str, expected: &[(&str, &str)]) {
    let (_, issues) = Order::parse_json(text);
    let got: Vec<(String, String)> = issues
        .iter()
        .map(|i| (i.path.clone(), i.code.clone()))
        .collect();
    for (path, code) in expected {
        assert!(
            got.contains(&((*path).to_owned(), (*code).to_owned())),
            "{path} {code} in {got:?}"
        );
    }
}

fn codes(text: &str) -> Vec<String> {
    let (_, issues) = Order::parse_json(text);
    issues.iter().map(|i| i.code.clone()).collect()
}

#[test]
fn malformed_and_non_object_inputs_are_single_issues() {
    for text in ["", "{", "[1,", "nul", "{\"a\":1}}", "\u{feff}{}"] {
        assert_eq!(codes(text), vec!["malformed_json"], "{text:?}");
    }
    for text in ["[]", "42", "\"order\"", "null", "true"] {
        assert_eq!(codes(text), vec!["invalid_type"], "{text:?}");
    }
}

#[test]
fn deep_nesting_hits_the_recursion_limit_not_the_stack() {
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    assert_eq!(codes(&deep), vec!["malformed_json"]);
    let deep_obj = format!(
        r#"{{"number":{}1{}}}"#,
        r#"{"a":"#.repeat(50_000),
        "}".repeat(50_000)
    );
    assert_eq!(codes(&deep_obj), vec!["malformed_json"]);
}

#[test]
fn absurd_numbers_are_out_of_range() {
    let text = r#"{"items":[{"sku":"A","quantity":1e308,"unitPrice":1e308,"taxRate":-5,"discountPercent":101}]}"#;
    assert_reports(
        text,
        &[
            ("items[0].quantity", "invalid_number"),
            ("items[0].unitPrice", "out_of_range"),
            ("items[0].taxRate", "out_of_range"),
            ("items[0].discountPercent", "out_of_range"),
        ],
    );
}

#[test]
fn megabyte_strings_are_refused_by_length() {
    let text = format!(r#"{{"number":"{}"}}"#, "ä".repeat(1 << 20));
    let (_, issues) = Order::parse_json(&text);
    let long = issues.iter().find(|i| i.path == "number").unwrap();
    assert_eq!(long.code, "too_long");
    assert!(
        long.message.contains("1048576 characters"),
        "{}",
        long.message
    );
}

#[test]
fn ten_thousand_items_are_mapped_and_more_are_refused() {
    let item = r#"{"sku":"X","quantity":1,"unitPrice":"1.00","taxRate":19,"product":{"kind":"other","bottleSizeMl":750}}"#;
    let order = |n: usize| {
        format!(
            r#"{{"number":"1","invoiceId":1,"orderedAt":"2024-01-01T10:00:00Z","customer":{{"id":"c"}},
                "billingAddress":{{"street":"A 1","zip":"10115","city":"Berlin","country":"DE"}},
                "shipping":{{"carrier":"DHL"}},"items":[{}]}}"#,
            vec![item; n].join(",")
        )
    };
    let options = Options {
        recipient_salt: Some("a-long-secret-salt-of-this-shop".into()),
        strict: false,
    };
    let built = build_from_json(&order(10_000), &options);
    assert_eq!(built.payload.map(|p| p.items.len()), Some(10_000));
    let built = build_from_json(&order(10_001), &options);
    assert!(built.payload.is_none());
    assert!(built
        .issues
        .iter()
        .any(|i| i.code == "too_many_items" && i.severity == Severity::Error));
}

#[test]
fn control_characters_and_wrong_types_everywhere_are_issues() {
    let text = r#"{"number":"1\u0000","customer":{"email":5,"birthYear":"old"},"billingAddress":{"street":[],"zip":{},"city":true,"country":1}}"#;
    assert_reports(
        text,
        &[
            ("number", "control_character"),
            ("customer.birthYear", "invalid_number"),
            ("billingAddress.street", "invalid_type"),
            ("billingAddress.zip", "invalid_type"),
            ("billingAddress.city", "invalid_type"),
        ],
    );
}
