//! Messages written for people (issue 25): every issue kontor gives for the documents'
//! example orders and a set of bad inputs (each value of an example replaced by wrong ones,
//! each key removed, bad options, the shop corpus taken apart, every operation of every API
//! with bad inputs and configurations, answers of every status) has no markup characters
//! and does not say its own path again (`kontor::issue::for_people`). Unit tests check the
//! same in `Issues::push` (test builds), the fuzz entries for any input. Native only.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kontor::issue::{for_people, Issues};
use kontor::registry::{self, Api, Target};
use kontor::sources::platforms::from_shop_order;
use kontor::{catalogue, dispatch};
use serde_json::{json, Value};

/// What the walk saw: the codes, and every message that is not written for people.
#[derive(Default)]
struct Seen {
    codes: BTreeSet<String>,
    issues: usize,
    faults: BTreeSet<String>,
}

impl Seen {
    fn check(&mut self, issues: &Issues) {
        for i in issues {
            self.issues += 1;
            self.codes.insert(i.code.clone());
            if let Some(fault) = for_people(&i.path, &i.message, &i.message_de) {
                self.faults
                    .insert(format!("{} [{}]: {fault}", i.path, i.code));
            }
        }
    }

    /// Fails with every fault found (one line each), and when the walk saw too little.
    fn finish(self, min_codes: usize) {
        assert!(
            self.faults.is_empty(),
            "{} messages not written for people:\n{}",
            self.faults.len(),
            self.faults.iter().cloned().collect::<Vec<_>>().join("\n")
        );
        assert!(
            self.codes.len() >= min_codes,
            "only {} codes seen: {:?}",
            self.codes.len(),
            self.codes
        );
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The files under `dir` (recursively) whose names end in `ext`.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(files(&p, ext));
        } else if p.to_string_lossy().ends_with(ext) {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The documents' example orders: `examples/` and the seeds' examples in the fixtures.
fn example_orders() -> Vec<Value> {
    let mut paths = files(&root().join("examples"), ".json");
    paths.extend(files(&root().join("tests/fixtures"), ".order.json"));
    assert!(paths.len() >= 6, "{paths:?}");
    paths
        .iter()
        .map(|p| serde_json::from_str(&read(p)).expect("example JSON"))
        .collect()
}

/// Values that are wrong somewhere in every document.
fn bad_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(""),
        json!("ABC"),
        json!(-1),
        json!(0),
        json!(1.005),
        json!(1e20),
        json!(true),
        json!({}),
        json!(["x", 5]),
        json!("a\u{1}b"),
        json!("x".repeat(300)),
        json!("2024-13-45"),
    ]
}

/// Every value reachable in `v` replaced by each of `bad`, every key removed and an unknown
/// key added to every object, one change at a time.
fn mutations(v: &Value, bad: &[Value]) -> Vec<Value> {
    let mut out = Vec::new();
    mutate(v, bad, &mut |m| out.push(m));
    out
}

fn mutate(v: &Value, bad: &[Value], out: &mut dyn FnMut(Value)) {
    match v {
        Value::Object(map) => {
            let mut extra = map.clone();
            extra.insert("unknownKey".into(), json!(1));
            out(Value::Object(extra));
            for (k, child) in map {
                let mut without = map.clone();
                without.remove(k);
                out(Value::Object(without));
                for b in bad {
                    let mut with = map.clone();
                    with.insert(k.clone(), b.clone());
                    out(Value::Object(with));
                }
                mutate(child, bad, &mut |m| {
                    let mut with = map.clone();
                    with.insert(k.clone(), m);
                    out(Value::Object(with));
                });
            }
        }
        Value::Array(list) => {
            for (i, child) in list.iter().enumerate() {
                for b in bad {
                    let mut with = list.clone();
                    with[i] = b.clone();
                    out(Value::Array(with));
                }
                mutate(child, bad, &mut |m| {
                    let mut with = list.clone();
                    with[i] = m;
                    out(Value::Array(with));
                });
            }
        }
        _ => {}
    }
}

/// Options every target takes (ids, salts, maps), and each option of every target set to
/// wrong values.
fn option_sets() -> Vec<Value> {
    let good = json!({
        "customerId": 1, "taxzoneId": 1, "currencyId": 1, "paymentId": 1,
        "shippingProductId": 7, "productIds": {"127/4": 1, "ABC": 2},
        "recipientSalt": "a long secret salt of kontor", "strict": true,
        "paymentMethodIds": {"invoice": 3}, "type": "order"
    });
    let mut sets = vec![Value::Null, json!({}), json!("options"), good.clone()];
    let mut keys = BTreeSet::new();
    for t in Target::ALL {
        keys.extend(t.entry().caller_options.iter().copied());
        keys.extend(t.entry().installation_options.iter().copied());
    }
    keys.extend(["as", "target", "format", "recordType", "units", "strict"]);
    for k in keys {
        for b in bad_values() {
            let mut o = good.clone();
            o[k] = b;
            sets.push(o);
        }
    }
    sets
}

/// Every order document built from `order` with each of `options`.
fn build_all(order: &str, options: &[Value], seen: &mut Seen) {
    let (_, issues) = kontor::Order::parse_json(order);
    seen.check(&issues);
    for (_, d) in registry::documents() {
        for o in options {
            seen.check(&(d.body)(order, o, Issues::new()).issues);
        }
    }
}

#[test]
fn orders_and_options_give_messages_for_people() {
    let mut seen = Seen::default();
    let options = option_sets();
    let plain = [options[3].clone()];
    let bad = bad_values();
    for order in example_orders() {
        let text = order.to_string();
        build_all(&text, &options, &mut seen);
        for m in mutations(&order, &bad) {
            build_all(&m.to_string(), &plain, &mut seen);
        }
    }
    for text in [
        "",
        "{",
        "[]",
        "null",
        "{\"items\": [{}]}",
        "{\"number\": 1} x",
    ] {
        build_all(text, &plain, &mut seen);
    }
    let products = [
        json!({}),
        json!({"productnumber": "1", "unit": "Eimer", "partType": "thing", "sellprice": "x", "categoryId": -1, "taxGroupId": "x"}),
        json!("product"),
    ];
    for p in &products {
        for o in &options {
            for build in [
                kontor::targets::kivitendo::build_product,
                kontor::targets::kivitendo::build_category,
            ] {
                let b = kontor::targets::kivitendo::input_body(p, o, Issues::new(), build);
                seen.check(&b.issues);
            }
        }
    }
    seen.finish(45);
}

#[test]
fn shop_orders_give_messages_for_people() {
    let mut seen = Seen::default();
    // Each platform's documented sample taken apart; the corpus as it is.
    let bad = [Value::Null, json!("ABC"), json!(-1), json!({})];
    let samples = root().join("tests/fixtures/shops");
    let shops = files(&root().join("tests/fixtures/shops"), ".json");
    assert!(shops.len() >= 15, "{shops:?}");
    for path in shops {
        let order: Value = serde_json::from_str(&read(&path)).expect("shop JSON");
        for platform in ["woocommerce", "shopware6", "shopify", "magento"] {
            seen.check(&from_shop_order(platform, &order, None).issues);
        }
        let platform = ["woocommerce", "shopware6", "shopify"]
            .into_iter()
            .find(|p| path.to_string_lossy().contains(p));
        let Some(platform) = platform.filter(|_| path.parent() == Some(samples.as_path())) else {
            continue;
        };

        for m in mutations(&order, &bad) {
            seen.check(&from_shop_order(platform, &m, None).issues);
        }
    }
    let omniseller = root().join("tests/fixtures/omniseller");
    let answer: Value =
        serde_json::from_str(&read(&omniseller.join("order_answer.json"))).expect("JSON");
    let table: Value =
        serde_json::from_str(&read(&omniseller.join("order_mapping.json"))).expect("JSON");
    let bad_tables = mutations(
        &table,
        &[
            json!(5),
            json!({}),
            json!({"from": "A", "as": "zahl"}),
            json!("Nope.Path"),
            json!("a["),
        ],
    );
    for t in std::iter::once(&table).chain(&bad_tables) {
        seen.check(&kontor::sources::omniseller::order_from(&answer, t).issues);
    }
    for m in mutations(&answer, &[Value::Null, json!("six"), json!({})]) {
        seen.check(&kontor::sources::omniseller::order_from(&m, &table).issues);
    }
    for text in [
        "sku;kind;bottleSizeMl;organic\n127/4;wine;big;maybe\n;wine;750;ja\n",
        "kind;bottles\nwine;2\n",
        "[{\"sku\": \"1\", \"kind\": \"stone\", \"bottleSizeL\": \"x\", \"isbn\": []}, 5, {\"kind\": \"wine\"}]",
        "{\"127/4\": {\"colour\": \"red\"}}",
        "not a catalogue",
    ] {
        for format in [None, Some(catalogue::Format::Json), Some(catalogue::Format::Csv)] {
            seen.check(&catalogue::read(text, format).issues);
        }
    }
    seen.finish(30);
}

#[test]
fn requests_and_answers_give_messages_for_people() {
    let mut seen = Seen::default();
    let order = example_orders()[0].to_string();
    let inputs = [
        String::new(),
        "{}".into(),
        "null".into(),
        "\"x\"".into(),
        "42".into(),
        order,
        json!({"id": -1, "changes": 5, "createdSince": "soon", "book": 5, "isbn13": "978", "confirmDeletion": "no", "title": ""}).to_string(),
        json!({"id": "78.154", "book": {"publisher_id": "", "status": "lost", "isbn10": "123"}}).to_string(),
        json!({"id": 7, "email": "a@b.de", "number": "1"}).to_string(),
    ];
    let configs = [
        Value::Null,
        json!("config"),
        json!({}),
        json!({"baseUrl": "http://shop.example.com", "username": 5, "environment": "moon", "colour": 1, "session": 1, "stockFunction": {}}),
        json!({"baseUrl": "https://shop.example.com", "username": "u", "password": "p", "token": "t", "session": {"token": "t", "expiresAt": 1}}),
        json!({"baseUrl": "http://127.0.0.1:8787", "token": "t"}),
    ];
    for api in Api::all() {
        let ops = api.requests().map_or(&[][..], |r| r.operations);
        for op in ops.iter().copied().chain(["noSuchOperation"]) {
            for input in &inputs {
                for config in &configs {
                    let r = dispatch::request(api.name(), op, input, config, 1_700_000_000);
                    seen.check(&r.issues);
                }
            }
            for status in [200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 503] {
                for body in [
                    "",
                    "{}",
                    "[]",
                    "null",
                    "not json",
                    "<a>",
                    "{\"errors\": [{\"message\": \"x\"}]}",
                    "{\"data\": 5}",
                ] {
                    let r =
                        dispatch::interpret_response(api.name(), op, status, body, 1_700_000_000);
                    seen.check(&r.issues);
                }
            }
        }
    }
    let answers = files(&root().join("tests/fixtures"), ".json")
        .into_iter()
        .chain(files(&root().join("tests/fixtures"), ".xml"))
        .map(|p| read(&p));
    for body in answers {
        for api in Api::all() {
            for op in api.requests().map_or(&[][..], |r| r.operations) {
                for status in [200, 422] {
                    let r =
                        dispatch::interpret_response(api.name(), op, status, &body, 1_700_000_000);
                    seen.check(&r.issues);
                }
            }
        }
    }
    let r = dispatch::request("nowhere", "x", "{}", &json!({}), 0);
    seen.check(&r.issues);
    seen.finish(30);
}

/// The lineage rules the builders' `explain` gives (the admin page shows them beside each
/// payload field, the CLI prints them) are read as plain text too: no backticks.
#[test]
fn lineage_rules_are_plain_text() {
    let mut bad = Vec::new();
    let mut rules = 0;
    for (target, document) in registry::documents() {
        for rule in document.lineage.iter().flat_map(|t| t.iter()) {
            rules += 1;
            for text in [rule.rule, rule.rule_de] {
                if text.contains('`') {
                    bad.push(format!(
                        "{} {} {}: {text}",
                        target.name(),
                        document.name,
                        rule.field
                    ));
                }
            }
        }
    }
    // Every document's table: Geisenheim's, kivitendo's and Westarp's rules.
    assert!(rules >= 60, "only {rules} rules read");
    assert!(bad.is_empty(), "rules with backticks:\n{}", bad.join("\n"));
}
