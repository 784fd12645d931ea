//! Native benchmark of cost against input size up to the limits (docs/limits.md): each call
//! at 1/8, 1/4, 1/2 and all of its limit, printed as time and time per byte (or per
//! value); linear cost shows as a flat per-unit column. Measures and prints; asserts
//! nothing about time. Run: `cargo bench --bench limits`.

use std::hint::black_box;
use std::time::Instant;

use kontor::limits::{MAX_INPUT_BYTES, MAX_ITEMS, MAX_MAPPING_VALUES, MAX_XML_BYTES};
use serde_json::{json, Value};

/// Best of three runs of `f`, in milliseconds.
fn time(mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::INFINITY, f64::min)
}

/// Times `call` over inputs of `units` made by `make`, at four fractions of `limit`.
fn row(name: &str, unit: &str, limit: usize, make: impl Fn(usize) -> String, call: impl Fn(&str)) {
    for part in [8, 4, 2, 1] {
        let n = limit / part;
        let input = make(n);
        let ms = time(|| call(black_box(&input)));
        println!(
            "{name:<34} {n:>10} {unit:<7} {:>10} bytes {ms:>9.2} ms {:>8.1} ns/{unit}",
            input.len(),
            ms * 1e6 / n as f64
        );
    }
}

fn item(i: usize) -> String {
    format!(
        r#"{{"sku":"S{i}","quantity":1,"unitPrice":"7.50","taxRate":19,"product":{{"kind":"wine","bottleSizeMl":750,"quality":2,"grapes":[2455],"wineType":"red","taste":"dry"}}}}"#
    )
}

fn order(items: usize) -> String {
    let list: Vec<String> = (0..items).map(item).collect();
    format!(
        r#"{{"number":"1","invoiceId":1,"orderedAt":"2024-01-01T10:00:00Z","customer":{{"id":"c"}},"billingAddress":{{"street":"Teststraße 42","zip":"10115","city":"Berlin","country":"DE"}},"shipping":{{"carrier":"DHL"}},"items":[{}]}}"#,
        list.join(",")
    )
}

fn main() {
    let salt = json!({ "recipientSalt": "a-long-secret-salt-of-this-shop" });
    row(
        "toGeisenheim (text path), items",
        "item",
        MAX_ITEMS,
        order,
        |t| {
            black_box(kontor::targets::geisenheim::order_body(
                t,
                &salt,
                kontor::Issues::new(),
            ));
        },
    );
    let kivi = json!({ "taxzoneId": 4, "currencyId": 1, "customerId": 1,
                       "productIds": (0..MAX_ITEMS).map(|i| (format!("S{i}"), json!(i + 1))).collect::<serde_json::Map<String, Value>>() });
    row(
        "toKivitendoOrderXml, items",
        "item",
        MAX_ITEMS,
        order,
        |t| {
            black_box(kontor::targets::kivitendo::order_body(
                t,
                &kivi,
                kontor::Issues::new(),
            ));
        },
    );
    row(
        "validateOrder, one long unknown key",
        "byte",
        MAX_INPUT_BYTES,
        |n| format!(r#"{{"{}":1}}"#, "k".repeat(n.saturating_sub(6))),
        |t| {
            black_box(kontor::Order::parse_json(t));
        },
    );
    row(
        "validateOrder, an object of many keys",
        "byte",
        MAX_INPUT_BYTES,
        |n| {
            let keys: Vec<String> = (0..n / 13 - 1).map(|i| format!(r#""k{i:07}":1"#)).collect();
            format!(r#"{{"customer":{{{}}}}}"#, keys.join(","))
        },
        |t| {
            black_box(kontor::Order::parse_json(t));
        },
    );
    row(
        "validateOrder, a long string",
        "byte",
        MAX_INPUT_BYTES,
        |n| format!(r#"{{"notes":"{}"}}"#, "ä".repeat(n / 2 - 8)),
        |t| {
            black_box(kontor::Order::parse_json(t));
        },
    );
    row(
        "fromOmnisellerOrder, elements × entries",
        "value",
        MAX_MAPPING_VALUES,
        |n| {
            let data = json!({ "A": vec![json!({"Sku": "1", "Qty": "2"}); n / 21] });
            let map: serde_json::Map<String, Value> = (0..20)
                .map(|i| {
                    (
                        format!("f{i}"),
                        json!(if i % 2 == 0 { "Sku" } else { "Qty" }),
                    )
                })
                .collect();
            format!(
                "{data}\u{0}{}",
                json!({ "items": { "each": "A", "map": map } })
            )
        },
        |t| {
            let (d, m) = t.split_once('\u{0}').unwrap_or((t, "null"));
            let d: Value = serde_json::from_str(d).unwrap_or_default();
            let m: Value = serde_json::from_str(m).unwrap_or_default();
            black_box(kontor::sources::omniseller::order_from(&d, &m));
        },
    );
    row(
        "parseKivitendoXml, many elements",
        "byte",
        MAX_XML_BYTES,
        |n| {
            let el = "<contact><name>Piet</name><id type=\"integer\">4</id></contact>";
            format!("<contacts>{}</contacts>", el.repeat(n / el.len() - 1))
        },
        |t| {
            black_box(kontor::targets::kivitendo::parse_document(t));
        },
    );
    row(
        "interpretResponse westarp listBooks",
        "byte",
        MAX_INPUT_BYTES,
        |n| {
            let book = r#"{"id":1,"title":"T","isbn13":"9780864209352","vlb_pass":"s"},"#;
            format!(
                r#"{{"current_page":1,"last_page":2,"data":[{}{{}}]}}"#,
                book.repeat(n / book.len() - 1)
            )
        },
        |t| {
            black_box(kontor::dispatch::interpret_response(
                "westarp",
                "listBooks",
                200,
                t,
                0,
            ));
        },
    );
    row(
        "splitStreet",
        "byte",
        MAX_INPUT_BYTES,
        |n| "Am Markt ".repeat(n / 9) + "5",
        |t| {
            black_box(kontor::order::street::split_street(t).is_ok());
        },
    );
}
