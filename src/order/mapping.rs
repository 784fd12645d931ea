//! A canonical order from a foreign shape, by a field-path table the integrator writes: for
//! sources whose order format no document gives (OmniSeller's GetOrder answers `data` of an
//! undocumented shape).
//!
//! The table maps target paths of the canonical order (docs/order.md) to source paths:
//!
//! ```json
//! { "number": { "from": "DisplayID", "as": "string" },
//!   "orderedAt": { "from": "OrderDate", "as": "berlinTime" },
//!   "customer.email": ["Customer.Email", "BillAddress.Email"],
//!   "billingAddress.country": { "from": "BillAddress.Country", "default": "DE" },
//!   "currency": { "value": "EUR" },
//!   "items": { "each": "Articles", "map": { "sku": "ArtNum", "quantity": "Amount" } } }
//! ```
//!
//! A spec is a source path (`Addresses[0].Street`), a list of them (the first present wins),
//! `{ from, as?, default? }`, `{ value }` (a constant) or `{ each, map }` (a list mapped
//! element by element). `as` converts: `string`, `integer`, `decimal` (a decimal comma is
//! read), `boolean` (`1`/`"1"`/`true`), `berlinTime` (`2021-02-17 13:50:25`, German wall
//! clock, to RFC 3339), `date` (the date part). A source path that is absent is a warning at
//! the target path, beside the order's own error when the field is required.

use serde_json::{Map, Value};

use crate::issue::{index, Issues};
use crate::order::time::{format_rfc3339, Timestamp};

/// Maps `source` by `table` into the JSON of a canonical order (not yet validated).
/// Work and output are bounded by [`crate::limits::MAX_MAPPING_VALUES`]: past it the
/// mapping stops with `too_large` at `mapping`.
pub fn map_order(source: &Value, table: &Value, issues: &mut Issues) -> Value {
    let mut out = Value::Object(Map::new());
    let budget = &mut Budget(Some(crate::limits::MAX_MAPPING_VALUES));
    match table.as_object() {
        Some(t) => map_into(source, t, "", &mut out, budget, issues),
        None => bad_spec(
            "mapping",
            "the mapping must be an object of target path → source path",
            "die Zuordnung muss ein Objekt aus Zielpfad → Quellpfad sein",
            issues,
        ),
    }
    out
}

fn bad_spec(path: &str, en: &str, de: &str, issues: &mut Issues) {
    issues.error(path, "invalid_mapping", en, de);
}

/// What a mapping may still look up or produce; `None` once spent (reported once).
struct Budget(Option<usize>);

impl Budget {
    /// Takes `n` values from the budget; `false` (and one `too_large`) past it.
    fn spend(&mut self, n: usize, issues: &mut Issues) -> bool {
        match self.0 {
            Some(left) if n <= left => {
                self.0 = Some(left - n);
                true
            }
            Some(_) => {
                self.0 = None;
                let max = crate::limits::MAX_MAPPING_VALUES;
                crate::limits::within(usize::MAX, max, ("values", "Werte"), "mapping", issues)
            }
            None => false,
        }
    }

    /// A copy of `v`, when its nodes fit the budget.
    fn copy(&mut self, v: &Value, issues: &mut Issues) -> Option<Value> {
        self.spend(nodes(v), issues).then(|| v.clone())
    }
}

/// The number of JSON values in `v` (itself and everything inside).
fn nodes(v: &Value) -> usize {
    match v {
        Value::Array(a) => a.iter().map(nodes).fold(1, usize::saturating_add),
        Value::Object(o) => o.values().map(nodes).fold(1, usize::saturating_add),
        _ => 1,
    }
}

fn map_into(
    source: &Value,
    table: &Map<String, Value>,
    prefix: &str,
    out: &mut Value,
    budget: &mut Budget,
    issues: &mut Issues,
) {
    for (target, spec) in table {
        if !budget.spend(1, issues) {
            return;
        }
        let full = if prefix.is_empty() {
            target.clone()
        } else {
            format!("{prefix}.{target}")
        };
        let at = format!("mapping[\"{full}\"]");
        if let Some(v) = map_value(source, spec, &full, &at, budget, issues) {
            if !set(out, target, v) {
                bad_spec(
                    &at,
                    "collides with another entry of the mapping",
                    "überschneidet sich mit einem anderen Eintrag der Zuordnung",
                    issues,
                );
            }
        }
    }
}

/// The value of one spec, or `None` (absent or unusable, with its issue).
fn map_value(
    source: &Value,
    spec: &Value,
    target: &str,
    at: &str,
    budget: &mut Budget,
    issues: &mut Issues,
) -> Option<Value> {
    let (from, conv, default) = match spec {
        Value::String(_) | Value::Array(_) => (spec, None, None),
        Value::Object(o) => {
            if let Some(v) = o.get("value") {
                return budget.copy(v, issues);
            }
            if let Some(each) = o.get("each") {
                return map_each(source, each, o.get("map"), target, at, budget, issues);
            }
            let Some(from) = o.get("from") else {
                let shown = crate::text::truncate(&spec.to_string(), 60);
                bad_spec(
                    at,
                    &format!("{shown}: a spec object needs from, value or each"),
                    &format!("{shown}: ein Zuordnungsobjekt braucht from, value oder each"),
                    issues,
                );
                return None;
            };
            (from, o.get("as"), o.get("default"))
        }
        _ => {
            let shown = crate::text::truncate(&spec.to_string(), 60);
            bad_spec(at, &format!("{shown} is no spec: write a source path, a list of paths or an object ({{ from }}, {{ value }}, {{ each, map }})"), &format!("{shown} ist keine Zuordnung: bitte einen Quellpfad, eine Liste von Pfaden oder ein Objekt ({{ from }}, {{ value }}, {{ each, map }}) angeben"), issues);
            return None;
        }
    };
    let paths: Vec<&str> = match from {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if paths.is_empty() {
        bad_spec(
            at,
            "from must be a source path or a list of them",
            "from muss ein Quellpfad oder eine Liste davon sein",
            issues,
        );
        return None;
    }
    let mut found = None;
    for p in &paths {
        match lookup(source, p) {
            Ok(Some(v)) => {
                found = Some((*p, v));
                break;
            }
            Ok(None) => {}
            Err(()) => {
                bad_spec(
                    at,
                    &format!("{p:?} is no source path (write Address.Street or Items[0].Sku)"),
                    &format!(
                        "{p:?} ist kein Quellpfad (Schreibweise Address.Street oder Items[0].Sku)"
                    ),
                    issues,
                );
                return None;
            }
        }
    }
    let Some((path, value)) = found else {
        if let Some(d) = default {
            return budget.copy(d, issues);
        }
        let list = paths.join(", ");
        issues.warning(
            target,
            "mapping_source_missing",
            format!("the source has no {list} (mapped here)"),
            format!("die Quelle enthält kein {list} (hierher zugeordnet)"),
        );
        return None;
    };
    let Some(conv) = conv else {
        return budget.copy(value, issues);
    };
    let name = conv.as_str().unwrap_or("");
    match convert(value, name) {
        Ok(v) => Some(v),
        Err(Unknown) => {
            bad_spec(at, &format!("unknown conversion as: {name:?}; known: string, integer, decimal, boolean, berlinTime, date"), &format!("unbekannte Umwandlung as: {name:?}; bekannt: string, integer, decimal, boolean, berlinTime, date"), issues);
            None
        }
        Err(Failed) => {
            let shown = crate::text::truncate(&value.to_string(), 60);
            issues.error(
                target,
                "mapping_conversion_failed",
                format!("the source's {path} is {shown}, which cannot be read as {name}"),
                format!("{path} der Quelle ist {shown} und lässt sich nicht als {name} lesen"),
            );
            None
        }
        Err(NoSuchTime) => {
            issues.error(
                target,
                "mapping_conversion_failed",
                format!("the source's {path} is {value}, a time that does not exist in Germany (clocks jump from 02:00 to 03:00 on the last Sunday of March)"),
                format!("{path} der Quelle ist {value}, eine Uhrzeit, die es in Deutschland nicht gibt (die Uhr springt am letzten Märzsonntag von 02:00 auf 03:00)"),
            );
            None
        }
    }
}

fn map_each(
    source: &Value,
    each: &Value,
    map: Option<&Value>,
    target: &str,
    at: &str,
    budget: &mut Budget,
    issues: &mut Issues,
) -> Option<Value> {
    let map = map.and_then(Value::as_object).filter(|m| !m.is_empty());
    let (Some(path), Some(map)) = (each.as_str(), map) else {
        bad_spec(
            at,
            "each needs a source path and map a non-empty object of fields",
            "each braucht einen Quellpfad und map ein nicht leeres Objekt von Feldern",
            issues,
        );
        return None;
    };
    let list = match lookup(source, path) {
        Ok(Some(Value::Array(a))) => a.iter().collect::<Vec<_>>(),
        // A single object where a list is expected: shops write one position unwrapped.
        Ok(Some(v @ Value::Object(_))) => vec![v],
        Ok(_) => {
            issues.warning(
                target,
                "mapping_source_missing",
                format!("the source has no list {path} (mapped here)"),
                format!("die Quelle enthält keine Liste {path} (hierher zugeordnet)"),
            );
            return None;
        }
        Err(()) => {
            bad_spec(
                at,
                &format!("{path:?} is no source path"),
                &format!("{path:?} ist kein Quellpfad"),
                issues,
            );
            return None;
        }
    };
    // Elements × entries over the budget: refused before any element is mapped.
    if list.len().saturating_mul(map.len() + 1) > budget.0.unwrap_or(0) {
        budget.spend(usize::MAX, issues);
        return None;
    }
    let mut items = Vec::new();
    for (i, element) in list.into_iter().enumerate() {
        if !budget.spend(1, issues) {
            return None;
        }
        let mut o = Value::Object(Map::new());
        map_into(element, map, &index(target, i), &mut o, budget, issues);
        items.push(o);
    }
    Some(Value::Array(items))
}

enum ConvError {
    Unknown,
    Failed,
    /// A wall-clock time in the spring gap of German summer time.
    NoSuchTime,
}
use ConvError::{Failed, NoSuchTime, Unknown};

fn convert(v: &Value, to: &str) -> Result<Value, ConvError> {
    let text = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    };
    let ok = |o: Option<Value>| o.ok_or(Failed);
    match to {
        "string" => ok((!text.is_empty() || v.is_string()).then_some(Value::String(text))),
        "integer" => ok(text.parse::<i64>().ok().map(Value::from)),
        "decimal" => {
            let t = text.replace(',', ".");
            ok(crate::money::parse_str(&t).ok().map(|_| Value::String(t)))
        }
        "boolean" => ok(match text.as_str() {
            "1" | "true" => Some(Value::Bool(true)),
            "0" | "false" => Some(Value::Bool(false)),
            "" if v.is_string() => Some(Value::Bool(false)),
            _ => None,
        }),
        "berlinTime" => {
            match Timestamp::parse_rfc3339(&text).or_else(|| Timestamp::from_berlin_local(&text)) {
                Some(t) => Ok(Value::String(format_rfc3339(&t))),
                None if Timestamp::parse_rfc3339(&format!("{text}Z")).is_some() => Err(NoSuchTime),
                None => Err(Failed),
            }
        }
        "date" => ok(text
            .get(..10)
            .filter(|d| crate::order::time::parse_date(d).is_some())
            .map(|d| Value::String(d.to_owned()))),
        _ => Err(Unknown),
    }
}

/// The value at a source path (`A.B[0].C`); `Ok(None)` when absent or null, `Err` when the
/// path is malformed.
fn lookup<'a>(source: &'a Value, path: &str) -> Result<Option<&'a Value>, ()> {
    let mut cur = source;
    for seg in path.split('.') {
        let (key, mut rest) = match seg.find('[') {
            Some(i) => (&seg[..i], &seg[i..]),
            None => (seg, ""),
        };
        if key.is_empty() && rest.is_empty() {
            return Err(());
        }
        if !key.is_empty() {
            match cur.get(key) {
                Some(v) => cur = v,
                None => return Ok(None),
            }
        }
        while !rest.is_empty() {
            let close = rest.find(']').ok_or(())?;
            let i: usize = rest.get(1..close).ok_or(())?.parse().map_err(|_| ())?;
            match cur.get(i) {
                Some(v) => cur = v,
                None => return Ok(None),
            }
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(());
            }
        }
    }
    Ok((!cur.is_null()).then_some(cur))
}

/// Sets `value` at the dotted `path` of `out`, creating objects; `false` on a collision.
fn set(out: &mut Value, path: &str, value: Value) -> bool {
    let mut cur = out;
    let mut keys = path.split('.').peekable();
    while let Some(k) = keys.next() {
        let Value::Object(map) = cur else {
            return false;
        };
        if keys.peek().is_none() {
            return map.insert(k.to_owned(), value).is_none();
        }
        cur = map
            .entry(k.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(issues: &Issues) -> Vec<(String, String)> {
        issues.path_codes()
    }

    #[test]
    fn a_table_builds_nested_fields_lists_constants_and_conversions() {
        let source = json!({
            "DisplayID": 2, "OrderDate": "2021-02-17 13:50:25",
            "Bill": {"Mail": "piet@example.com", "Street": "Teststraße 42"},
            "Articles": [
                {"ArtNum": "127/4", "Amount": "6", "Price": "7,50", "Vat": 19},
                {"ArtNum": "128/1", "Amount": 1, "Price": 12, "Vat": 19}
            ],
            "Paid": "1"
        });
        let table = json!({
            "number": {"from": "DisplayID", "as": "string"},
            "orderedAt": {"from": "OrderDate", "as": "berlinTime"},
            "invoiceDate": {"from": "OrderDate", "as": "date"},
            "customer.email": ["Customer.Email", "Bill.Mail"],
            "billingAddress.street": "Bill.Street",
            "billingAddress.country": {"from": "Bill.Country", "default": "DE"},
            "currency": {"value": "EUR"},
            "items": {"each": "Articles", "map": {
                "sku": "ArtNum",
                "quantity": {"from": "Amount", "as": "integer"},
                "unitPrice": {"from": "Price", "as": "decimal"},
                "taxRate": "Vat"
            }},
            "notes": {"from": "Paid", "as": "boolean"}
        });
        let mut issues = Issues::new();
        let got = map_order(&source, &table, &mut issues);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(
            got,
            json!({
                "number": "2", "orderedAt": "2021-02-17T13:50:25+01:00", "invoiceDate": "2021-02-17",
                "customer": {"email": "piet@example.com"},
                "billingAddress": {"street": "Teststraße 42", "country": "DE"},
                "currency": "EUR",
                "items": [
                    {"sku": "127/4", "quantity": 6, "unitPrice": "7.50", "taxRate": 19},
                    {"sku": "128/1", "quantity": 1, "unitPrice": "12", "taxRate": 19}
                ],
                "notes": true
            })
        );
    }

    #[test]
    fn absent_sources_bad_specs_and_failed_conversions_are_all_reported() {
        let source = json!({"Articles": [{"Amount": "six"}], "A": [1]});
        let table = json!({
            "number": "OrderNr",
            "customer": "A",
            "customer.email": "Mail",
            "items": {"each": "Articles", "map": {"sku": "Sku", "quantity": {"from": "Amount", "as": "integer"}}},
            "notes": {"from": "A[x]"},
            "currency": {"from": "A", "as": "euro"},
            "channel": 5,
            "payments": {"each": "A", "map": {}}
        });
        let mut issues = Issues::new();
        map_order(&source, &table, &mut issues);
        assert_eq!(
            codes(&issues),
            vec![
                ("mapping[\"channel\"]".into(), "invalid_mapping".into()),
                ("mapping[\"currency\"]".into(), "invalid_mapping".into()),
                ("customer.email".into(), "mapping_source_missing".into()),
                (
                    "items[0].quantity".into(),
                    "mapping_conversion_failed".into()
                ),
                ("items[0].sku".into(), "mapping_source_missing".into()),
                ("mapping[\"notes\"]".into(), "invalid_mapping".into()),
                ("number".into(), "mapping_source_missing".into()),
                ("mapping[\"payments\"]".into(), "invalid_mapping".into()),
            ]
        );
        let channel = issues.iter().find(|i| i.path == "mapping[\"channel\"]");
        assert!(channel.is_some_and(|i| i.message.starts_with("5 is no spec")));
        let conv = issues
            .iter()
            .find(|i| i.code == "mapping_conversion_failed");
        assert!(conv.is_some_and(|i| i.message.contains("the source's Amount is \"six\"")));
    }

    #[test]
    fn a_berlin_time_in_the_spring_gap_is_named_as_such() {
        let table = json!({"orderedAt": {"from": "D", "as": "berlinTime"}});
        let mut issues = Issues::new();
        let got = map_order(&json!({"D": "2021-03-28 02:30:00"}), &table, &mut issues);
        assert_eq!(got, json!({}));
        assert_eq!(
            codes(&issues),
            vec![("orderedAt".into(), "mapping_conversion_failed".into())]
        );
        assert!(issues.as_slice()[0]
            .message
            .contains("does not exist in Germany"));
        let mut issues = Issues::new();
        let got = map_order(&json!({"D": "2021-03-28 03:30:00"}), &table, &mut issues);
        assert_eq!(got, json!({"orderedAt": "2021-03-28T03:30:00+02:00"}));
        let mut issues = Issues::new();
        map_order(&json!({"D": "28.03.2021"}), &table, &mut issues);
        assert!(!issues.as_slice()[0].message.contains("Germany"));
    }

    #[test]
    fn collisions_and_non_object_tables_are_errors() {
        let mut issues = Issues::new();
        map_order(
            &json!({"a": "x", "b": "y"}),
            &json!({"customer": "a", "customer.email": "b"}),
            &mut issues,
        );
        assert_eq!(
            codes(&issues),
            vec![(
                "mapping[\"customer.email\"]".into(),
                "invalid_mapping".into()
            )]
        );
        let mut issues = Issues::new();
        map_order(&json!({}), &json!("DisplayID"), &mut issues);
        assert_eq!(
            codes(&issues),
            vec![("mapping".into(), "invalid_mapping".into())]
        );
    }

    #[test]
    fn source_paths_read_indexes_and_refuse_malformed_ones() {
        let v = json!({"A": [{"B": [null, {"C": 1}]}]});
        assert_eq!(lookup(&v, "A[0].B[1].C"), Ok(Some(&json!(1))));
        assert_eq!(lookup(&v, "A[0].B[0]"), Ok(None));
        assert_eq!(lookup(&v, "A[5]"), Ok(None));
        for bad in ["", "A..B", "A[", "A[x]", "A[0]B"] {
            assert_eq!(lookup(&v, bad), Err(()), "{bad}");
        }
    }
}
