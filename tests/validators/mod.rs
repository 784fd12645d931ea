//! Independent validators of the payloads, written from the documents in the project's
//! sources (Geisenheim JSON API v1.2.0 §2.1 and §3, Westarp API 2.0 "Bestellung anlegen",
//! the kivitendo REST API slides' customer document), not from kontor's builders: each
//! returns every rule a payload breaks, as text.
// The rules read as the documents state them ("must be a positive number"), not minimised.
#![allow(clippy::nonminimal_bool)]

pub mod geisenheim;
pub mod kivitendo;
pub mod westarp;

use serde_json::Value;

/// `YYYY-MM-DD` naming a day of the calendar.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    (1..=12).contains(&m) && d >= 1 && d <= days[(m - 1) as usize]
}

/// A JSON number with at most `dp` decimal places (as written in the body).
pub fn has_at_most_decimals(v: &Value, dp: usize) -> bool {
    let t = v.to_string();
    v.is_number() && t.split_once('.').is_none_or(|(_, f)| f.len() <= dp)
}

/// Every string in `v` (recursively) that is empty: the Geisenheim document counts `""` as
/// input, kontor leaves such keys out.
pub fn empty_strings(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.is_empty() => out.push(format!("{path}: empty string")),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| empty_strings(x, &format!("{path}[{i}]"), out)),
        Value::Object(o) => o
            .iter()
            .for_each(|(k, x)| empty_strings(x, &format!("{path}.{k}"), out)),
        _ => {}
    }
}
