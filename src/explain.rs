//! Field lineage (the builders' `explain` option): for every field of a built payload, the
//! fields of the canonical order it was made from and the rule of the document that shaped
//! it. Each target keeps its table beside its mapping (`geisenheim::lineage`,
//! `kivitendo::lineage`, `westarp::lineage`); this module expands a table over a payload.

use serde::Serialize;
use serde_json::Value;

/// One row of a target's table: a payload field and where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The payload field, `[]` standing for any index: `items[].price`.
    pub field: &'static str,
    /// Canonical order fields (or `options.…`) it is made from; each `[]` takes the field's
    /// indices in order: `items[].unitPrice`.
    pub from: &'static [&'static str],
    /// `from` lists alternatives: only the first one present in the order is named.
    pub first_of: bool,
    /// The rule, citing the document (English).
    pub rule: &'static str,
    /// The rule in German.
    pub rule_de: &'static str,
}

/// A row, written compactly in the targets' tables.
pub const fn rule(
    field: &'static str,
    from: &'static [&'static str],
    first_of: bool,
    rule: &'static str,
    rule_de: &'static str,
) -> Rule {
    Rule {
        field,
        from,
        first_of,
        rule,
        rule_de,
    }
}

/// The lineage of one payload field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explained {
    /// The payload field (`items[0].price`).
    pub field: String,
    /// The order fields it was made from, those present in the order (`items[0].unitPrice`).
    pub from: Vec<String>,
    /// The rule of the document (English).
    pub rule: &'static str,
    /// The rule in German.
    pub rule_de: &'static str,
}

/// The lineage of every leaf field of `payload` (objects by key, lists by index, in the
/// payload's order) from `table`; `order` is the canonical order as JSON, used to name only
/// the sources it has. `pattern` may rewrite a field's pattern first (kivitendo's shipping
/// line). A field without a row has no entry (the tests show there is none).
pub fn explain(
    table: &[Rule],
    payload: &Value,
    order: &Value,
    pattern: &dyn Fn(&str, &[usize]) -> Option<String>,
) -> Vec<Explained> {
    let mut out = Vec::new();
    let mut leaves = Vec::new();
    collect_leaves(payload, String::new(), &mut leaves);
    for path in leaves {
        let (generic, indices) = generalise(&path);
        let generic = pattern(&generic, &indices).unwrap_or(generic);
        let Some(row) = table.iter().find(|r| r.field == generic) else {
            continue;
        };
        let candidates: Vec<String> = row.from.iter().map(|f| fill(f, &indices)).collect();
        let present: Vec<String> = candidates
            .iter()
            .filter(|c| c.starts_with("options.") || lookup(order, c).is_some_and(|v| !v.is_null()))
            .cloned()
            .collect();
        let from = match (row.first_of, present.is_empty()) {
            (_, true) => candidates.into_iter().take(1).collect(),
            (true, false) => present.into_iter().take(1).collect(),
            (false, false) => present,
        };
        out.push(Explained {
            field: path,
            from,
            rule: row.rule,
            rule_de: row.rule_de,
        });
    }
    out
}

/// Every leaf path of a payload (`items[0].grapes[1]`), in order: the fields [`explain`]
/// names.
pub fn leaf_paths(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_leaves(v, String::new(), &mut out);
    out
}

/// Every leaf path of `v` below `path`, iteratively (a payload is bounded, but deep input is
/// not this module's to trust).
fn collect_leaves(v: &Value, path: String, out: &mut Vec<String>) {
    let mut stack = vec![(v, path)];
    while let Some((v, path)) = stack.pop() {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, child) in m.iter().rev() {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    stack.push((child, p));
                }
            }
            Value::Array(a) if !a.is_empty() => {
                for (i, child) in a.iter().enumerate().rev() {
                    stack.push((child, format!("{path}[{i}]")));
                }
            }
            _ => out.push(path),
        }
    }
}

/// `items[2].grapes[0]` → (`items[].grapes[]`, [2, 0]).
fn generalise(path: &str) -> (String, Vec<usize>) {
    let mut generic = String::with_capacity(path.len());
    let mut indices = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('[') {
        generic.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        let close = after.find(']').unwrap_or(after.len());
        if let Ok(i) = after[..close].parse::<usize>() {
            indices.push(i);
        } else {
            generic.push_str(&after[..close]);
        }
        rest = &after[close..];
    }
    generic.push_str(rest);
    (generic, indices)
}

/// `items[].product.grapes[]` with [2, 0] → `items[2].product.grapes[0]`; a pattern with more
/// `[]` than indices keeps the rest as `[]`.
fn fill(pattern: &str, indices: &[usize]) -> String {
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut it = indices.iter();
    let mut rest = pattern;
    while let Some(at) = rest.find("[]") {
        out.push_str(&rest[..at]);
        match it.next() {
            Some(i) => out.push_str(&format!("[{i}]")),
            None => out.push_str("[]"),
        }
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// The value at `path` (`items[0].product.bottles`) in `v`.
pub(crate) fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for part in path.split('.') {
        let (key, mut idx) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            cur = cur.get(key)?;
        }
        while let Some(close) = idx.find(']') {
            let i: usize = idx.get(1..close)?.parse().ok()?;
            cur = cur.get(i)?;
            idx = &idx[close + 1..];
        }
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_generalise_and_fill_back() {
        assert_eq!(
            generalise("items[2].grapes[0]"),
            ("items[].grapes[]".to_owned(), vec![2, 0])
        );
        assert_eq!(
            fill("items[].product.grapes[]", &[2, 0]),
            "items[2].product.grapes[0]"
        );
        assert_eq!(fill("items[].a[]", &[1]), "items[1].a[]");
        let order = json!({"items": [{"product": {"bottles": 6}}]});
        assert_eq!(lookup(&order, "items[0].product.bottles"), Some(&json!(6)));
        assert_eq!(lookup(&order, "items[1].product.bottles"), None);
    }

    #[test]
    fn only_present_sources_are_named_and_alternatives_give_the_first() {
        const T: &[Rule] = &[
            Rule {
                field: "id",
                from: &["customer.id", "customer.email", "number"],
                first_of: true,
                rule: "r",
                rule_de: "r",
            },
            Rule {
                field: "items[].price",
                from: &["items[].unitPrice", "items[].discount"],
                first_of: false,
                rule: "p",
                rule_de: "p",
            },
        ];
        let order = json!({"number": "1", "customer": {"email": "a@b"},
                           "items": [{"unitPrice": 1}, {"unitPrice": 2, "discount": 1}]});
        let payload = json!({"id": "x", "items": [{"price": 1}, {"price": 1}], "other": 1});
        let got = explain(T, &payload, &order, &|_, _| None);
        let from: Vec<(&str, Vec<String>)> = got
            .iter()
            .map(|e| (e.field.as_str(), e.from.clone()))
            .collect();
        assert_eq!(
            from,
            vec![
                ("id", vec!["customer.email".to_owned()]),
                ("items[0].price", vec!["items[0].unitPrice".to_owned()]),
                (
                    "items[1].price",
                    vec![
                        "items[1].unitPrice".to_owned(),
                        "items[1].discount".to_owned()
                    ]
                ),
            ]
        );
    }
}
