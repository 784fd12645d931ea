//! docs/limits.md: each limit is enforced before the work is done and answered with an
//! issue (never a panic, a trap or an unbounded allocation).

use kontor::limits::{MAX_INPUT_BYTES, MAX_MAPPING_VALUES};
use kontor::order::Order;
use serde_json::{json, Value};

fn codes(issues: &kontor::Issues) -> Vec<(String, String)> {
    issues
        .iter()
        .map(|i| (i.path.clone(), i.code.clone()))
        .collect()
}

#[test]
fn a_mapping_of_16000_items_by_1500_entries_stops_with_one_issue() {
    let source = json!({ "Articles": vec![json!({}); 16_000] });
    let fields: serde_json::Map<String, Value> = (0..1500)
        .map(|i| (format!("f{i}"), json!(format!("F{i}"))))
        .collect();
    let table = json!({ "items": { "each": "Articles", "map": fields } });
    let mapped = kontor::sources::omniseller::order_from(&source, &table);
    assert!(!mapped.valid);
    let too_large: Vec<_> = mapped
        .issues
        .iter()
        .filter(|i| i.code == "too_large")
        .collect();
    assert_eq!(too_large.len(), 1, "{:?}", codes(&mapped.issues));
    assert_eq!(too_large[0].path, "mapping");
    assert!(too_large[0]
        .message
        .contains(&MAX_MAPPING_VALUES.to_string()));
    assert!(!too_large[0].message_de.is_empty());
    // Nothing of the list is kept once the budget is spent.
    assert!(mapped.order.and_then(|o| o.get("items").cloned()).is_none());
}

#[test]
fn a_constant_copied_into_every_element_counts_by_its_size() {
    let big: serde_json::Map<String, Value> =
        (0..2000).map(|i| (format!("k{i}"), json!(i))).collect();
    let source = json!({ "A": vec![json!({}); 5000] });
    let table = json!({ "items": { "each": "A", "map": { "c": { "value": big } } } });
    let mapped = kontor::sources::omniseller::order_from(&source, &table);
    assert!(mapped.issues.iter().any(|i| i.code == "too_large"));
}

#[test]
fn a_realistic_large_mapping_is_within_the_budget() {
    let article = json!({"Sku": "127/4", "Qty": "6", "Price": "7,50", "Vat": 19});
    let source = json!({ "Nr": "1", "Articles": vec![article; 10_000] });
    let mut map = serde_json::Map::new();
    map.insert("sku".into(), json!("Sku"));
    map.insert("quantity".into(), json!({"from": "Qty", "as": "integer"}));
    map.insert(
        "unitPrice".into(),
        json!({"from": "Price", "as": "decimal"}),
    );
    map.insert("taxRate".into(), json!("Vat"));
    for i in 0..16 {
        map.insert(format!("x{i}"), json!({"value": i}));
    }
    let table = json!({ "number": "Nr", "items": { "each": "Articles", "map": map } });
    let mapped = kontor::sources::omniseller::order_from(&source, &table);
    assert!(
        !mapped.issues.iter().any(|i| i.code == "too_large"),
        "10,000 items × 20 fields fit"
    );
    let items = mapped
        .order
        .as_ref()
        .and_then(|o| o["items"].as_array().map(Vec::len));
    assert_eq!(items, Some(10_000));
}

fn order_with_birth_year(year: i64) -> String {
    json!({
        "number": "1", "orderedAt": "2024-06-01T10:00:00Z",
        "customer": { "id": "c", "birthYear": year },
        "billingAddress": { "street": "Teststraße 42", "zip": "10115", "city": "Berlin", "country": "DE" },
        "items": [{ "sku": "A", "quantity": 1, "unitPrice": "1.00", "taxRate": 19 }]
    })
    .to_string()
}

#[test]
fn a_consumer_is_16_to_120_years_old_at_the_order_date() {
    for (year, ok) in [
        (2008, true),
        (2009, false),
        (1904, true),
        (1903, false),
        (-5, false),
    ] {
        let (order, issues) = Order::parse_json(&order_with_birth_year(year));
        let found = codes(&issues);
        assert_eq!(
            found.contains(&("customer.birthYear".into(), "out_of_range".into())),
            !ok,
            "{year}: {found:?}"
        );
        assert_eq!(order.customer.birth_year.is_some(), ok, "{year}");
    }
}

#[test]
fn inputs_over_the_size_limit_are_refused_before_reading() {
    let text = format!("{{\"number\":\"{}\"}}", "1".repeat(MAX_INPUT_BYTES));
    let (_, issues) = Order::parse_json(&text);
    assert_eq!(
        codes(&issues),
        vec![(String::new(), "too_large".to_owned())]
    );
    let answer = kontor::dispatch::interpret_response("geisenheim", "createOrder", 200, &text, 0);
    assert_eq!(answer.outcome, kontor::http::Outcome::Rejected);
    assert_eq!(
        codes(&answer.issues),
        vec![("body".into(), "too_large".into())]
    );
    let r = kontor::dispatch::request("geisenheim", "createOrder", &text, &Value::Null, 0);
    assert!(r.request.is_none());
    assert_eq!(codes(&r.issues), vec![("input".into(), "too_large".into())]);
}

#[test]
fn an_object_of_20000_keys_keeps_json_parse_semantics() {
    let mut text: Vec<String> = (0..20_000).map(|i| format!("\"k{i}\":{i}")).collect();
    text.push("\"k7\":\"last\"".into());
    let text = format!("{{{}}}", text.join(","));
    let doc = kontor::json::parse(&text).expect("JSON");
    let pairs = doc.pairs(doc.root());
    assert_eq!(pairs.len(), 20_000);
    assert_eq!(pairs[7].0, "k7");
    let get = |k| doc.get(doc.root(), k);
    assert_eq!(get("k7").and_then(|v| v.as_str()), Some("last"));
    assert_eq!(get("k19999").and_then(|v| v.as_f64()), Some(19_999.0));
}

#[test]
fn the_xml_reader_limits_size_and_depth() {
    let deep = format!("{}{}", "<a>".repeat(33), "</a>".repeat(33));
    let parsed = kontor::targets::kivitendo::parse_document(&deep);
    assert!(!parsed.ok);
    assert!(parsed.issues.as_slice()[0]
        .message
        .contains("deeper than 32"));
    let big = format!("<a>{}</a>", "x".repeat(kontor::limits::MAX_XML_BYTES));
    let parsed = kontor::targets::kivitendo::parse_document(&big);
    assert!(!parsed.ok);
    assert!(parsed.issues.as_slice()[0]
        .message
        .contains("larger than 16777216 bytes"));
}
