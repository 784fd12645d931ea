//! Property tests: for any order a builder accepts, the payload satisfies every rule of its
//! document, checked by independent validators written from the documents
//! (`tests/validators/`, not kontor's code); building twice gives identical bytes; kivitendo
//! XML round-trips through kontor's reader.
#![cfg(not(target_arch = "wasm32"))]

mod validators;

use kontor::body;
use kontor::Issues;
use proptest::prelude::*;
use serde_json::{json, Value};

/// An ISBN-13 with its check digit (computed here, not by kontor).
fn isbn13(digits: [u8; 9]) -> String {
    let mut d: Vec<u32> = vec![9, 7, 8];
    d.extend(digits.iter().map(|x| u32::from(*x % 10)));
    let sum: u32 = d
        .iter()
        .enumerate()
        .map(|(i, x)| x * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    d.push((10 - sum % 10) % 10);
    d.iter()
        .map(|x| char::from_digit(*x, 10).unwrap_or('0'))
        .collect()
}

fn amount(cents: u32) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

prop_compose! {
    fn product()(kind in 0usize..5, bottles in prop::option::of(1u32..13),
                 size in prop::sample::select(vec![187u32, 375, 500, 750, 1000, 1500, 3000]),
                 wine_q in prop_oneof![Just(json!(1)), Just(json!(4)), Just(json!("Landwein")), Just(json!("Qualitätswein")), Just(json!("Prädikatswein"))],
                 sekt_q in prop_oneof![Just(json!(5)), Just(json!(7)), Just(json!("Winzersekt")), Just(json!("Sekt b.A."))],
                 grapes in prop::collection::vec(prop_oneof![Just(json!(2455)), Just(json!(9279)), Just(json!("Riesling")), Just(json!("Spätburgunder")), Just(json!("Grauer Burgunder")), Just(json!("Pinot Noir"))], 1..4),
                 wine_type in prop::sample::select(vec!["Rotwein", "white", "rose", "Weißwein"]),
                 wine_taste in prop::sample::select(vec!["trocken", "dry", "halbtrocken", "lieblich", "sweet", "feinherb"]),
                 sekt_taste in prop::sample::select(vec!["brut", "extra brut", "dry", "mild"]),
                 vdp in prop::option::of(prop::sample::select(vec![1i64, 2, 3, 4, 6])),
                 organic in prop::option::of(any::<bool>())) -> Value {
        let kind_name = ["wine", "sparkling", "other", "alcohol_free_wine", "semi_sparkling"][kind];
        let mut p = json!({ "kind": kind_name, "bottleSizeMl": size });
        if let Some(b) = bottles { p["bottles"] = json!(b); }
        if let Some(o) = organic { p["organic"] = json!(o); }
        match kind {
            0 => {
                p["quality"] = wine_q; p["grapes"] = json!(grapes);
                p["wineType"] = json!(wine_type); p["taste"] = json!(wine_taste);
                if let Some(v) = vdp { p["vdp"] = json!(v); }
            }
            1 => { p["quality"] = sekt_q; p["taste"] = json!(sekt_taste); }
            _ => {}
        }
        p
    }
}

prop_compose! {
    fn item(returns: bool)(sku in "[A-Z0-9]{1,6}/[0-9]", qty in 1i64..60, negative in any::<bool>(),
                           cents in 1u32..200_000, rate in prop::sample::select(vec![0u32, 7, 19]),
                           discount in 0u32..4, pct in 0u32..101, product in product(),
                           isbn in any::<[u8; 9]>(), name in prop::option::of("[A-Za-zäöü ]{1,20}")) -> Value {
        let mut it = json!({ "sku": sku, "quantity": if returns && negative { -qty } else { qty },
                             "unitPrice": amount(cents), "taxRate": rate, "product": product,
                             "isbn": isbn13(isbn) });
        match discount {
            1 => it["discount"] = json!(amount(cents / 3)),
            2 => it["discountPercent"] = json!(pct),
            _ => {}
        }
        if let Some(n) = name { it["name"] = json!(n.trim().to_owned() + "x"); }
        it
    }
}

prop_compose! {
    fn address()(street in prop::sample::select(vec!["Teststraße", "Straße des 17. Juni", "In den 30 Morgen", "Am Markt", "Hauptstr."]),
                 no in 1u32..999, letter in prop::option::of("[a-c]"), zip in 10000u32..99999,
                 city in prop::sample::select(vec!["Berlin", "Mainz", "Köln", "Geisenheim"]),
                 country in prop::sample::select(vec!["DE", "Deutschland", "AT", "Germany"]),
                 name in prop::option::of("[A-Z][a-z]{2,8} [A-Z][a-z]{2,8}")) -> Value {
        let mut a = json!({ "street": format!("{street} {no}{}", letter.unwrap_or_default()), "zip": zip.to_string(),
                            "city": city, "country": country });
        if let Some(n) = name { a["name"] = json!(n); }
        a
    }
}

prop_compose! {
    fn order(returns: bool)(number in "[0-9]{1,8}", invoice in 1u64..1_000_000_000,
                            y in 2000i64..2030, mo in 1u32..13, d in 1u32..29, h in 0u32..24, mi in 0u32..60,
                            channel in prop::sample::select(vec!["online", "local"]), gross in any::<bool>(),
                            ctype in prop::sample::select(vec!["consumer", "consumer", "gastronomy", "specialist_retail", "other_business", "Weinclub"]),
                            gender in prop::option::of(prop::sample::select(vec!["m", "f", "x"])), age in prop::option::of(16i64..100),
                            consent in prop::option::of(any::<bool>()), email in prop::option::of("[a-z]{1,8}@[a-z]{2,8}\\.de"),
                            company in prop::option::of("[A-Z][a-z]{2,10} GmbH"), first in "[A-Z][a-z]{2,8}", last in "[A-Z][a-z]{2,8}",
                            billing in address(), shipping in prop::option::of(address()),
                            carrier in prop::sample::select(vec!["DHL", "DPD", "GLS", "own_delivery", "pickup", "Spedition Müller"]),
                            method in prop::sample::select(vec!["paypal", "invoice", "cash", "credit_card", "sepa", "advance"]),
                            ship_cents in 0u32..3000, items in prop::collection::vec(item(returns), 1..6),
                            delivery in prop::option::of(1u32..29), notes in prop::option::of("[A-Za-z ]{1,30}x")) -> Value {
        let mut customer = json!({ "id": format!("C-{number}"), "type": ctype, "firstName": first, "lastName": last });
        if let Some(g) = gender { customer["gender"] = json!(g); }
        if let Some(a) = age { customer["birthYear"] = json!(y - a); }
        if let Some(c) = consent { customer["marketingConsent"] = json!(c); }
        if let Some(e) = email { customer["email"] = json!(e); }
        if let Some(c) = company { customer["company"] = json!(c); }
        let mut o = json!({
            "number": number, "invoiceId": invoice,
            "orderedAt": format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:00Z"),
            "channel": channel, "pricesIncludeTax": gross, "customer": customer,
            "billingAddress": billing, "payment": { "method": method },
            "shipping": { "carrier": carrier, "methodName": "Standard-Versand", "cost": amount(ship_cents), "taxRate": 19 },
            "items": items,
        });
        if let Some(s) = shipping { o["shippingAddress"] = s; }
        if let Some(dd) = delivery { o["deliveryDate"] = json!(format!("{y}-{mo:02}-{dd:02}")); }
        if let Some(n) = notes { o["notes"] = json!(n); }
        o
    }
}

/// Builds `order` with `build` twice: the body when accepted (and the same bytes both times).
fn build_twice(
    build: fn(&str, &Value, Issues) -> body::Body,
    order: &Value,
    options: &Value,
) -> Option<String> {
    let text = order.to_string();
    let once = build(&text, options, Issues::new());
    let twice = build(&text, options, Issues::new());
    assert_eq!(once.body, twice.body, "building twice gives other bytes");
    assert_eq!(once.issues, twice.issues);
    once.body
}

fn kivitendo_options(order: &Value) -> Value {
    let ids: serde_json::Map<String, Value> = order["items"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, it)| (it["sku"].as_str().unwrap_or("").to_owned(), json!(i + 1)))
        .collect();
    json!({ "taxzoneId": 4, "currencyId": 1, "customerId": 17, "paymentId": 2, "productIds": ids })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn geisenheim_payloads_satisfy_the_document(order in order(true)) {
        let options = json!({ "recipientSalt": "a-long-secret-salt-of-this-shop" });
        if let Some(body) = build_twice(kontor::targets::geisenheim::order_body, &order, &options) {
            let payload: Value = serde_json::from_str(&body).expect("JSON body");
            let v = validators::geisenheim::violations(&payload);
            prop_assert!(v.is_empty(), "{v:?}\n{payload:#}\nfrom {order:#}");
        }
    }

    #[test]
    fn geisenheim_bodies_are_serde_jsons_own_text(order in order(true)) {
        // The text path writes through core's byte sink; the object path's payload written by
        // `serde_json::to_string` must give the same bytes.
        let options = json!({ "recipientSalt": "a-long-secret-salt-of-this-shop" });
        let text = order.to_string();
        let body = kontor::targets::geisenheim::order_body(&text, &options, Issues::new()).body;
        let read = kontor::targets::geisenheim::Options::from_value(&options, &mut Issues::new());
        let built = kontor::targets::geisenheim::build_from_json(&text, &read);
        prop_assert_eq!(body.is_some(), built.payload.is_some(), "{:?}", built.issues);
        if let (Some(body), Some(payload)) = (body, built.payload) {
            prop_assert_eq!(body, serde_json::to_string(&payload).expect("payload JSON"));
        }
    }

    #[test]
    fn the_cores_text_helpers_agree_with_std(s in "\\PC{0,12}|[ \t\n\u{85}\u{a0}\u{3000}aZ~_ßİ-]{0,8}", t in "\\PC{0,6}") {
        prop_assert!(kontor::text::chars(&s).eq(s.chars()));
        prop_assert_eq!(kontor::text::trim(&s), s.trim());
        prop_assert_eq!(kontor::json::same_key(&s, &t), s == t);
        prop_assert!(kontor::json::same_key(&s, &s.clone()));
    }

    #[test]
    fn westarp_payloads_satisfy_the_document(order in order(false)) {
        let options = json!({ "type": "shop", "paymentMethodIds": { "paypal": 8, "credit_card": 9, "sepa": 1, "cash": 6, "advance": 3 } });
        if let Some(body) = build_twice(kontor::targets::westarp::order_body, &order, &options) {
            let payload: Value = serde_json::from_str(&body).expect("JSON body");
            let v = validators::westarp::violations(&payload);
            prop_assert!(v.is_empty(), "{v:?}\n{payload:#}\nfrom {order:#}");
        }
    }

    #[test]
    fn kivitendo_customers_satisfy_the_document_and_round_trip(order in order(true)) {
        let options = kivitendo_options(&order);
        if let Some(xml) = build_twice(kontor::targets::kivitendo::customer_body, &order, &options) {
            let v = validators::kivitendo::customer_violations(&xml);
            prop_assert!(v.is_empty(), "{v:?}\n{xml}");
            round_trip(&xml)?;
        }
    }

    #[test]
    fn kivitendo_orders_round_trip_through_the_reader(order in order(true)) {
        let options = kivitendo_options(&order);
        if let Some(xml) = build_twice(kontor::targets::kivitendo::order_body, &order, &options) {
            round_trip(&xml)?;
        }
    }
}

/// Every leaf the independent parser finds is in kontor's reading, with the same text.
fn round_trip(xml: &str) -> Result<(), TestCaseError> {
    let parsed = kontor::targets::kivitendo::parse_document(xml);
    prop_assert!(parsed.ok, "{:?}\n{xml}", parsed.issues);
    let data = parsed.data.unwrap_or(Value::Null);
    let leaves = validators::kivitendo::leaves(xml);
    prop_assert!(!leaves.is_empty());
    for (path, text) in leaves {
        let mut at = &data;
        for p in &path {
            at = match p.parse::<usize>() {
                Ok(i) => &at[i],
                Err(_) => &at[p.as_str()],
            };
        }
        prop_assert_eq!(at.as_str(), Some(text.as_str()), "{:?} in {}", path, xml);
    }
    Ok(())
}

/// How many random orders each builder accepts: the properties above are not vacuous.
#[test]
fn the_generated_orders_are_mostly_accepted() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut geisenheim, mut westarp, mut kivitendo) = (0, 0, 0);
    for _ in 0..200 {
        let o = order(false).new_tree(&mut runner).expect("tree").current();
        let salt = json!({ "recipientSalt": "a-long-secret-salt-of-this-shop" });
        geisenheim +=
            usize::from(build_twice(kontor::targets::geisenheim::order_body, &o, &salt).is_some());
        let w = json!({ "paymentMethodIds": { "paypal": 8, "credit_card": 9, "sepa": 1, "cash": 6, "advance": 3 } });
        westarp += usize::from(build_twice(kontor::targets::westarp::order_body, &o, &w).is_some());
        kivitendo += usize::from(
            build_twice(
                kontor::targets::kivitendo::order_body,
                &o,
                &kivitendo_options(&o),
            )
            .is_some(),
        );
    }
    eprintln!("accepted of 200: geisenheim {geisenheim}, westarp {westarp}, kivitendo {kivitendo}");
    assert!(
        geisenheim >= 100 && westarp >= 100 && kivitendo >= 100,
        "{geisenheim} {westarp} {kivitendo}"
    );
}

/// `good` passes `violations`, and each `(pointer, value)` written into a copy of it is caught.
/// A pointer that names nothing leaves the copy good, so the check fails: no break is vacuous.
fn assert_breaks_are_caught(
    good: &Value,
    breaks: &[(&str, Value)],
    violations: fn(&Value) -> Vec<String>,
) {
    assert_eq!(violations(good), Vec::<String>::new());
    for (path, bad) in breaks {
        let mut p = good.clone();
        if let Some(slot) = p.pointer_mut(path) {
            *slot = bad.clone();
        }
        assert!(!violations(&p).is_empty(), "{path}");
    }
}

/// The validators catch what breaks a document (so that a passing property means something).
#[test]
fn the_validators_refuse_broken_payloads() {
    let text = include_str!("fixtures/geisenheim_seed_example.expected.json");
    let good: Value = serde_json::from_str(text).expect("JSON");
    assert_breaks_are_caught(
        &good,
        &[
            ("/date", json!("2020-02-30")),
            ("/items/0/category", json!(6)),
            ("/items/0/quality", json!(6)),
            ("/items/0/taste", json!("brut")),
            ("/items/0/price", json!(7.505)),
            ("/recipient/postalCode", json!("12435")),
            ("/recipient/gender", json!("")),
        ],
        validators::geisenheim::violations,
    );
    let text = include_str!("fixtures/westarp/order_seed_example.expected.json");
    let good: Value = serde_json::from_str(text).expect("JSON");
    assert_breaks_are_caught(
        &good,
        &[
            ("/payment_method_id", json!(2)),
            ("/items/0/isbn", json!("978-4-1787-0270-5")),
            ("/items/0/quantity", json!(0)),
            ("/type", json!("web")),
            ("/shipping_address/country", json!("Deutschland")),
        ],
        validators::westarp::violations,
    );
    let xml = include_str!("fixtures/kivitendo/customer_seed_example.xml");
    assert_eq!(
        validators::kivitendo::customer_violations(xml),
        Vec::<String>::new()
    );
    let broken = include_str!("fixtures/kivitendo/customer_seed_broken.xml");
    assert!(!validators::kivitendo::customer_violations(broken).is_empty());
    let wrong = xml
        .replace("<ustid>", "<vat>")
        .replace("</ustid>", "</vat>");
    assert!(!validators::kivitendo::customer_violations(&wrong).is_empty());
}
