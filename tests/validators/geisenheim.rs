//! `POST /erp/orders` (Geisenheim JSON API v1.2.0, §2.1 and the value lists of §3).

use serde_json::Value;

/// §3.6: the official variety numbers.
const GRAPES: &[i64] = &[
    10077, 8141, 9275, 9272, 11805, 6123, 2455, 851, 10818, 10790, 2473, 12609, 3865, 8811, 5463,
    9279, 3659, 9620, 12665, 1459, 9278, 4572, 7657, 10470, 17123, 1929, 3632, 15499, 20002, 9280,
    3724,
];
/// §3.8: tastes of wines and sparkling wines, of wines only, of sparkling wines only.
const TASTE_BOTH: &[&str] = &["dry", "medium-dry"];
const TASTE_WINE: &[&str] = &["off-dry", "medium-sweet", "sweet"];
const TASTE_SPARKLING: &[&str] = &["brut-natur", "extra-brut", "brut", "extra-dry", "mild"];

/// Every rule of the document the body breaks.
pub fn violations(body: &Value) -> Vec<String> {
    let mut v = Vec::new();
    let mut bad = |m: String| v.push(m);
    let Some(o) = body.as_object() else {
        return vec!["the body is no object".into()];
    };
    for k in o.keys() {
        if !["date", "id", "recipient", "items"].contains(&k.as_str()) {
            bad(format!("unknown key {k}"));
        }
    }
    // date: the invoice date, JJJJ-MM-TT.
    if !body["date"].as_str().is_some_and(super::is_date) {
        bad(format!("date {} is no YYYY-MM-DD", body["date"]));
    }
    // id: the sequential database id.
    if !body["id"].as_u64().is_some_and(|n| n > 0) {
        bad(format!("id {} is no positive integer", body["id"]));
    }
    let r = &body["recipient"];
    let category = r["category"].as_i64();
    match &r["category"] {
        Value::Number(_) if category.is_some_and(|c| (1..=10).contains(&c)) => {}
        Value::String(s) if !s.is_empty() => {}
        other => bad(format!(
            "recipient.category {other} is neither 1–10 nor free text"
        )),
    }
    if !r["id"].as_str().is_some_and(|s| !s.is_empty()) {
        bad("recipient.id missing".into());
    }
    let source = r["source"].as_str();
    if source.is_none() {
        bad("recipient.source missing".into());
    }
    if source == Some("online") {
        for k in ["delivery", "postalCode", "country"] {
            if !r[k].is_string() {
                bad(format!("recipient.{k} is required for online orders"));
            }
        }
        if let Some(p) = r["postalCode"].as_str() {
            if p.chars().count() > 3 {
                bad(format!(
                    "recipient.postalCode {p:?}: the first three characters only"
                ));
            }
        }
    } else {
        for k in ["delivery", "postalCode", "country"] {
            if !r[k].is_null() {
                bad(format!("recipient.{k} is only for online orders"));
            }
        }
    }
    // Consumers only (category 1), all optional.
    for k in [
        "yearOfBirth",
        "agreesToMarketing",
        "gender",
        "paymentMethod",
    ] {
        if !r[k].is_null() && category != Some(1) {
            bad(format!("recipient.{k} applies to consumers only"));
        }
    }
    if let Some(y) = r.get("yearOfBirth").filter(|y| !y.is_null()) {
        if !y.as_u64().is_some_and(|y| (1000..=9999).contains(&y)) {
            bad(format!("recipient.yearOfBirth {y} is no JJJJ"));
        }
    }
    if !r["agreesToMarketing"].is_null() && !r["agreesToMarketing"].is_boolean() {
        bad("recipient.agreesToMarketing is no boolean".into());
    }
    if let Some(g) = r.get("gender").filter(|g| !g.is_null()) {
        if !["m", "f", "x"].contains(&g.as_str().unwrap_or("?")) {
            bad(format!("recipient.gender {g} is not m, f or x"));
        }
    }
    if !r["paymentMethod"].is_null() && !r["paymentMethod"].is_string() {
        bad("recipient.paymentMethod is no text".into());
    }
    let Some(items) = body["items"].as_array().filter(|a| !a.is_empty()) else {
        bad("items is no non-empty list".into());
        return v;
    };
    for (i, it) in items.iter().enumerate() {
        let at = format!("items[{i}]");
        if !it["id"].as_str().is_some_and(|s| !s.is_empty()) {
            bad(format!("{at}.id missing"));
        }
        if !it["quantity"].as_i64().is_some_and(|q| q != 0) {
            bad(format!(
                "{at}.quantity {} is no number of bottles",
                it["quantity"]
            ));
        }
        let cat = it["category"].as_i64();
        if !cat.is_some_and(|c| [1, 2, 3, 4, 5, 9].contains(&c)) {
            bad(format!("{at}.category {} is not in §3.3", it["category"]));
        }
        let wine = cat == Some(1);
        let sparkling = cat == Some(2);
        if cat.is_some_and(|c| (1..=5).contains(&c)) && !it["size"].as_u64().is_some_and(|s| s > 0)
        {
            bad(format!("{at}.size (ml) is required for a wine"));
        }
        // price and tax per bottle in EUR (cents), tax contained in the gross price.
        for k in ["price", "tax", "discount"] {
            let x = &it[k];
            if k != "discount" && x.is_null() {
                bad(format!("{at}.{k} missing"));
            }
            if !x.is_null()
                && !(super::has_at_most_decimals(x, 2) && x.as_f64().is_some_and(|f| f >= 0.0))
            {
                bad(format!("{at}.{k} {x} is no amount in EUR"));
            }
        }
        if let (Some(p), Some(t)) = (it["price"].as_f64(), it["tax"].as_f64()) {
            if t > p {
                bad(format!("{at}.tax {t} exceeds the price {p}"));
            }
        }
        if !it["organic"].is_null() && !it["organic"].is_boolean() {
            bad(format!("{at}.organic is no boolean"));
        }
        match &it["quality"] {
            Value::Null => {}
            _ if !(wine || sparkling) => bad(format!(
                "{at}.quality applies to wines and sparkling wines only"
            )),
            Value::Number(n) => {
                let q = n.as_i64().unwrap_or(0);
                if (wine && !(1..=4).contains(&q)) || (sparkling && !(5..=7).contains(&q)) {
                    bad(format!("{at}.quality {q} is not one of its category"));
                }
            }
            Value::String(s) if !s.is_empty() => {}
            other => bad(format!("{at}.quality {other}")),
        }
        for k in ["grapes", "wineType", "vdp"] {
            if !it[k].is_null() && !wine {
                bad(format!("{at}.{k} applies to wines only"));
            }
        }
        if !it["taste"].is_null() && !(wine || sparkling) {
            bad(format!(
                "{at}.taste applies to wines and sparkling wines only"
            ));
        }
        if let Some(grapes) = it.get("grapes").filter(|g| !g.is_null()) {
            match grapes.as_array() {
                Some(list) => {
                    for g in list {
                        let ok = match g {
                            Value::Number(n) => n.as_i64().is_some_and(|n| GRAPES.contains(&n)),
                            Value::String(s) => !s.is_empty(),
                            _ => false,
                        };
                        if !ok {
                            bad(format!(
                                "{at}.grapes: {g} is neither an official number nor text"
                            ));
                        }
                    }
                }
                None => bad(format!("{at}.grapes is no list")),
            }
        }
        if let Some(t) = it["taste"].as_str() {
            if (wine && TASTE_SPARKLING.contains(&t)) || (sparkling && TASTE_WINE.contains(&t)) {
                bad(format!("{at}.taste {t:?} belongs to the other category"));
            }
            let _ = TASTE_BOTH;
        }
        if let Some(vdp) = it.get("vdp").filter(|x| !x.is_null()) {
            let ok = match vdp {
                Value::Number(n) => n.as_i64().is_some_and(|n| [1, 2, 3, 4, 6].contains(&n)),
                Value::String(s) => !s.is_empty(),
                _ => false,
            };
            if !ok {
                bad(format!("{at}.vdp {vdp} is not in §3.9"));
            }
        }
    }
    super::empty_strings(body, "", &mut v);
    v
}
