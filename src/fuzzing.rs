//! The entry of each fuzz target (`fuzz/fuzz_targets/*.rs`), shared with the test that runs
//! the kept inputs (`tests/fuzz_regressions.rs`): each takes arbitrary bytes, calls the core
//! as a caller would and checks what must hold for any input (no panic, a payload only
//! without errors, at most [`MAX_ISSUES`] issues and one `too_many_issues`, results that
//! serialise). Native only: nothing of it reaches the Wasm module.
//!
//! Inputs with several parts (a target, an operation, a body…) are split at NUL bytes; the
//! first byte picks from a list where one is needed.

use serde::Serialize;
use serde_json::Value;

use crate::issue::{Issues, MAX_ISSUES};
use crate::sources::{omniseller, platforms};
use crate::targets::kivitendo;
use crate::{catalogue, dispatch, order};

/// A fuzz target's entry: any bytes in, panics only when something that must hold fails.
pub type Entry = fn(&[u8]);

/// The targets by name, as [`target`] finds them.
pub const TARGETS: &[(&str, Entry)] = &[
    ("order", order_json),
    ("builders", builders),
    ("xml", xml),
    ("responses", responses),
    ("request", request),
    ("mapping", mapping),
    ("street", street),
    ("decimal", decimal),
    ("shops", shop_orders),
    ("catalogue", catalogue_text),
];

/// The entry function of the fuzz target `name`.
pub fn target(name: &str) -> Option<Entry> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// The input as text (lossy: fuzzers produce any bytes) split at NUL into `n` parts (the
/// last takes the rest; missing parts are empty).
fn parts(data: &[u8], n: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let mut out: Vec<String> = text.splitn(n, '\0').map(str::to_owned).collect();
    out.resize(n, String::new());
    out
}

/// A JSON value from text, `null` when it is none.
fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// One of `list` by the first byte of `data`.
fn pick<'a>(data: &[u8], list: &[&'a str]) -> &'a str {
    let i = data
        .first()
        .map_or(0, |b| usize::from(*b) % list.len().max(1));
    list.get(i).copied().unwrap_or("")
}

/// What holds for every answer's issues.
fn check_issues(issues: &Issues) {
    assert!(issues.len() <= MAX_ISSUES + 1, "{} issues", issues.len());
    let over = issues
        .iter()
        .filter(|i| i.code == "too_many_issues")
        .count();
    assert!(over <= 1, "{over} too_many_issues");
    for i in issues {
        assert!(!i.code.is_empty() && !i.message.is_empty() && !i.message_de.is_empty());
        let fault = crate::issue::for_people(&i.path, &i.message, &i.message_de);
        assert!(fault.is_none(), "{} [{}]: {fault:?}", i.path, i.code);
    }
}

/// The result serialises, and `ok` is exactly "no error".
fn check_result<T: Serialize>(result: &T, issues: &Issues, has_value: bool) {
    check_issues(issues);
    assert!(
        !(has_value && issues.has_errors()),
        "a value beside an error"
    );
    assert!(serde_json::to_string(result).is_ok());
}

/// The canonical order reader over any text.
pub fn order_json(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (_, issues) = order::Order::parse_json(&text);
    check_issues(&issues);
}

/// Every order document's builder on the body path (the registry's), and kivitendo's product and category documents: `order \0 options`.
pub fn builders(data: &[u8]) {
    let p = parts(data, 2);
    let options = json(&p[1]);
    for build in crate::registry::documents().map(|(_, d)| d.body) {
        let once = build(&p[0], &options, Issues::new());
        check_result(&once, &once.issues, once.body.is_some());
        assert_eq!(once.ok, once.body.is_some());
        let twice = build(&p[0], &options, Issues::new());
        assert_eq!(once, twice, "building twice differs");
    }
    let input = json(&p[0]);
    for build in [kivitendo::build_product, kivitendo::build_category] {
        let b = crate::targets::kivitendo::input_body(&input, &options, Issues::new(), build);
        check_result(&b, &b.issues, b.body.is_some());
    }
}

/// The kivitendo XML reader.
pub fn xml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let parsed = kivitendo::parse_document(&text);
    check_result(&parsed, &parsed.issues, parsed.data.is_some());
}

/// Every response interpreter: `target \0 operation \0 body`, the status from the first
/// two bytes.
pub fn responses(data: &[u8]) {
    let status = u16::from_le_bytes([
        data.first().copied().unwrap_or(0),
        data.get(1).copied().unwrap_or(0),
    ]) % 600;
    let p = parts(data.get(2..).unwrap_or(&[]), 3);
    let target = pick(p[0].as_bytes(), &crate::registry::Api::names());
    for operation in operations(target).iter().copied().chain([p[1].as_str()]) {
        let now = i64::from(status) * 1_000_000_007;
        let r = dispatch::interpret_response(target, operation, status, &p[2], now);
        check_result(&r, &r.issues, false);
    }
}

/// The operations of `target`.
fn operations(target: &str) -> &'static [&'static str] {
    crate::registry::Api::from_name(target)
        .and_then(crate::registry::Api::requests)
        .map_or(&[], |r| r.operations)
}

/// `request`: `target \0 operation \0 input \0 config`, the clock from the config's `now`.
pub fn request(data: &[u8]) {
    let p = parts(data, 4);
    let target = pick(p[0].as_bytes(), &crate::registry::Api::names());
    let config = json(&p[3]);
    let now = config.get("now").and_then(Value::as_i64).unwrap_or(0);
    for operation in operations(target).iter().copied().chain([p[1].as_str()]) {
        let r = dispatch::request(target, operation, &p[2], &config, now);
        check_result(&r, &r.issues, r.request.is_some());
    }
}

/// The field-path mapping: `source \0 table`.
pub fn mapping(data: &[u8]) {
    let p = parts(data, 2);
    let mapped = omniseller::order_from(&json(&p[0]), &json(&p[1]));
    check_result(&mapped, &mapped.issues, mapped.valid);
}

/// Street splitting: a part is never invented: the street is the line's beginning (white
/// space made single spaces) and the house number its end (without spaces).
pub fn street(data: &[u8]) {
    let line = String::from_utf8_lossy(data);
    if let Ok(s) = order::street::split_street(&line) {
        assert!(!s.street.is_empty() && !s.house_number.is_empty());
        let words = line.split_whitespace().collect::<Vec<_>>().join(" ");
        let rest = words.strip_prefix(s.street.as_str());
        assert!(rest.is_some(), "{:?} is not the line's beginning", s.street);
        let rest: String = rest.unwrap_or("").chars().filter(|c| *c != ' ').collect();
        assert!(
            rest.trim_end_matches([',', ';']) == s.house_number,
            "{rest:?} ≠ {:?}",
            s.house_number
        );
    }
}

/// Decimals: parsing and the arithmetic the builders do, saturating, never panicking.
pub fn decimal(data: &[u8]) {
    let p = parts(data, 2);
    let (Ok(a), Ok(b)) = (
        crate::money::parse_str(&p[0]),
        crate::money::parse_str(&p[1]),
    ) else {
        return;
    };
    let results = [a + b, a - b, a * b, a / b, crate::money::round_cents(a * b)];
    for r in results {
        let text = r.to_string();
        let back = crate::money::parse_str(&text);
        assert!(back.is_ok_and(|x| x == r), "{r} does not read back");
    }
    let _ = crate::money::gross_from_net(a, b);
    let _ = crate::money::vat_in_gross(a, b);
}

/// Shop orders (WooCommerce, Shopware 6, Shopify): `platform \0 order`.
pub fn shop_orders(data: &[u8]) {
    let p = parts(data, 2);
    let platform = pick(p[0].as_bytes(), platforms::PLATFORMS);
    let mapped = platforms::from_shop_order(platform, &json(&p[1]), None);
    check_result(&mapped, &mapped.issues, mapped.valid);
}

/// The product catalogue from JSON or CSV text.
pub fn catalogue_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for format in [
        None,
        Some(catalogue::Format::Json),
        Some(catalogue::Format::Csv),
    ] {
        let read = catalogue::read(&text, format);
        check_issues(&read.issues);
    }
}
