//! `POST /orders` (Westarp Verlagsservice API 2.0, "Bestellung anlegen").

use serde_json::Value;

/// The ISBN's check digit holds (ISBN-10: weights 10…1 mod 11; ISBN-13: 1,3 mod 10).
pub fn isbn_ok(isbn: &str) -> bool {
    let d: Vec<u32> = isbn
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .map(|c| {
            if c == 'X' {
                10
            } else {
                c.to_digit(10).unwrap_or(99)
            }
        })
        .collect();
    match d.len() {
        13 => {
            d.iter().all(|x| *x < 10)
                && d.iter()
                    .enumerate()
                    .map(|(i, x)| x * if i % 2 == 0 { 1 } else { 3 })
                    .sum::<u32>()
                    % 10
                    == 0
        }
        10 => {
            d[..9].iter().all(|x| *x < 10)
                && d[9] <= 10
                && d.iter()
                    .enumerate()
                    .map(|(i, x)| x * (10 - i as u32))
                    .sum::<u32>()
                    % 11
                    == 0
        }
        _ => false,
    }
}

fn text(v: &Value) -> bool {
    v.as_str().is_some_and(|s| !s.trim().is_empty())
}

/// Every rule of the document the body breaks.
pub fn violations(body: &Value) -> Vec<String> {
    let mut v = Vec::new();
    let mut bad = |m: String| v.push(m);
    if !text(&body["code"]) {
        bad("code (Bestellzeichen) is required".into());
    }
    if !["email", "shop", "phone", "fax", "post"].contains(&body["type"].as_str().unwrap_or("")) {
        bad(format!("type {} is not in the enum", body["type"]));
    }
    if !body["person"].is_object() {
        bad("person is required".into());
    }
    let p = &body["person"];
    for k in ["firstname", "lastname", "company", "email"] {
        if !p[k].is_null() && !text(&p[k]) {
            bad(format!("person.{k} {} is no text", p[k]));
        }
    }
    if !p["verkehrsnummer"].is_null() && !p["verkehrsnummer"].is_u64() {
        bad("person.verkehrsnummer is no number".into());
    }
    for a in ["payment_address", "shipping_address"] {
        let addr = &body[a];
        if !addr.is_object() {
            bad(format!("{a} is required"));
            continue;
        }
        for k in [
            "name1",
            "street",
            "house_number",
            "zip_code",
            "city",
            "country",
        ] {
            if !text(&addr[k]) {
                bad(format!("{a}.{k} is required"));
            }
        }
        let c = addr["country"].as_str().unwrap_or("");
        if !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())) {
            bad(format!("{a}.country {c:?} is no ISO code"));
        }
        if let Some(h) = addr["house_number"].as_str() {
            if !h.starts_with(|c: char| c.is_ascii_digit()) {
                bad(format!("{a}.house_number {h:?} is no number"));
            }
        }
    }
    if ![1, 3, 6, 8, 9].contains(&body["payment_method_id"].as_i64().unwrap_or(0)) {
        bad(format!(
            "payment_method_id {} is not 1, 3, 6, 8 or 9",
            body["payment_method_id"]
        ));
    }
    if !text(&body["shipping_method_name"]) {
        bad("shipping_method_name is required".into());
    }
    if !body["shipping_cost"].as_f64().is_some_and(|c| c >= 0.0) {
        bad(format!(
            "shipping_cost {} is no amount",
            body["shipping_cost"]
        ));
    }
    if let Some(d) = body.get("delivery_date").filter(|d| !d.is_null()) {
        if !d.as_str().is_some_and(super::is_date) {
            bad(format!("delivery_date {d} is no date"));
        }
    }
    if !body["notes"].is_null() && !body["notes"].is_string() {
        bad("notes is no text".into());
    }
    if let Some(c) = body.get("created_at").filter(|c| !c.is_null()) {
        let s = c.as_str().unwrap_or("");
        if !(s.len() >= 20 && super::is_date(&s[..10]) && s.as_bytes()[10] == b'T') {
            bad(format!("created_at {c} is no date-time"));
        }
    }
    let Some(items) = body["items"].as_array().filter(|a| !a.is_empty()) else {
        bad("items is no non-empty list".into());
        return v;
    };
    for (i, it) in items.iter().enumerate() {
        if !it["isbn"].as_str().is_some_and(isbn_ok) {
            bad(format!("items[{i}].isbn {} is no ISBN", it["isbn"]));
        }
        if !it["quantity"].as_u64().is_some_and(|q| q > 0) {
            bad(format!(
                "items[{i}].quantity {} is no positive number",
                it["quantity"]
            ));
        }
        if let Some(r) = it.get("discount_rate").filter(|r| !r.is_null()) {
            if !r.as_f64().is_some_and(|r| (0.0..=100.0).contains(&r)) {
                bad(format!("items[{i}].discount_rate {r} is no percentage"));
            }
        }
    }
    v
}
