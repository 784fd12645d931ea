//! The shop adapters over each platform's documented sample (`tests/fixtures/shops/`):
//! sample in → the expected canonical order beside it out, and the decisions of each module.

use kontor::catalogue::{self, Catalogue};
use kontor::sources::platforms::{from_shop_order, Mapped};
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/shops/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `{ order, valid, issues: [{ path, code, severity }] }`: what an expected file holds.
fn summary(m: &Mapped) -> Value {
    json!({
        "order": m.order,
        "valid": m.valid,
        "issues": m.issues.iter().map(|i| json!({"path": i.path, "code": i.code, "severity": i.severity})).collect::<Vec<_>>(),
    })
}

fn codes(m: &Mapped) -> Vec<(String, String)> {
    m.issues
        .iter()
        .map(|i| (i.path.clone(), i.code.clone()))
        .collect()
}

fn check_sample(platform: &str, sample: &str) {
    let got = summary(&from_shop_order(platform, &fixture(sample), None));
    let expected_name = sample.replace(".json", ".expected.json");
    if std::env::var_os("KONTOR_BLESS").is_some() {
        let path = format!(
            "{}/tests/fixtures/shops/{expected_name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = serde_json::to_string_pretty(&got).unwrap_or_default();
        std::fs::write(path, text + "\n").unwrap_or_default();
    }
    assert_eq!(got, fixture(&expected_name), "{platform}: {got:#}");
}

#[test]
fn woocommerce_sample_gives_the_expected_order() {
    check_sample("woocommerce", "woocommerce_order.json");
}

#[test]
fn shopify_sample_gives_the_expected_order() {
    check_sample("shopify", "shopify_orders_create.json");
}

#[test]
fn shopware6_sample_gives_the_expected_order() {
    check_sample("shopware6", "shopware6_order.json");
}

fn has(m: &Mapped, path: &str, code: &str) -> bool {
    m.issues.iter().any(|i| i.path == path && i.code == code)
}

#[test]
fn woocommerce_gross_prices_coupons_rates_and_a_german_street() {
    let mut o = fixture("woocommerce_order.json");
    o["prices_include_tax"] = json!(true);
    o["billing"]["address_1"] = json!("Straße des 17. Juni 135");
    o["billing"]["country"] = json!("DE");
    o["shipping"] = o["billing"].clone();
    o["shipping"]["address_1"] = json!("Teststraße 42");
    o["shipping"]["first_name"] = json!("Jane");
    o["tax_lines"][0]["rate_percent"] = json!(19);
    // line 2: 3 units at 10.00 net before a coupon, 27.00 after; taxes on both.
    o["line_items"][1]["quantity"] = json!(3);
    o["line_items"][1]["subtotal"] = json!("30.00");
    o["line_items"][1]["subtotal_tax"] = json!("5.70");
    o["line_items"][1]["total"] = json!("27.00");
    o["line_items"][1]["total_tax"] = json!("5.13");
    o["shipping_lines"][0]["total_tax"] = json!("1.90");
    let m = from_shop_order("woocommerce", &o, None);
    let order = m.order.clone().unwrap_or_default();
    assert_eq!(order["pricesIncludeTax"], true);
    assert_eq!(order["items"][1]["unitPrice"], "11.9", "(30.00 + 5.70) / 3");
    assert_eq!(order["items"][1]["discount"], "1.19", "(35.70 − 32.13) / 3");
    assert_eq!(
        order["items"][1]["taxRate"], "19",
        "tax_lines[].rate_percent"
    );
    assert_eq!(order["items"][0]["taxRate"], "19");
    assert_eq!(order["shipping"]["cost"], "11.9", "gross: 10.00 + 1.90");
    assert_eq!(
        order["shipping"]["taxRate"], "19",
        "a common rate reproduces 1.90"
    );
    assert_eq!(order["billingAddress"]["street"], "Straße des 17. Juni");
    assert_eq!(order["billingAddress"]["houseNumber"], "135");
    assert_eq!(order["shippingAddress"]["street"], "Teststraße");
    assert_eq!(order["shippingAddress"]["houseNumber"], "42");
    assert_eq!(order["shippingAddress"]["name"], "Jane Doe");
    assert!(
        !has(&m, "items[1].taxRate", "derived_tax_rate"),
        "{:?}",
        codes(&m)
    );
    // The same order net: net unit prices, net discount.
    o["prices_include_tax"] = json!(false);
    let order = from_shop_order("woocommerce", &o, None)
        .order
        .unwrap_or_default();
    assert_eq!(order["items"][1]["unitPrice"], "10");
    assert_eq!(order["items"][1]["discount"], "1");
    assert_eq!(order["shipping"]["cost"], "10");
}

#[test]
fn woocommerce_fields_it_did_not_send_are_named() {
    let mut o = fixture("woocommerce_order.json");
    let obj = o.as_object_mut().expect("object");
    obj.remove("date_created_gmt");
    obj.remove("date_created");
    obj.remove("payment_method");
    obj.remove("payment_method_title");
    o["billing"]["address_1"] = json!("");
    o["billing"]["postcode"] = json!("");
    o["refunds"] = json!([{"id": 726, "reason": "Bruch", "total": "-12.00"}]);
    o["fee_lines"] = json!([{"id": 1, "name": "Pfand", "total": "0.75"}]);
    let m = from_shop_order("woocommerce", &o, None);
    assert!(!m.valid);
    for (path, code) in [
        ("orderedAt", "missing_field"),
        ("billingAddress.street", "missing_field"),
        ("billingAddress.zip", "missing_field"),
        ("items[0].sku", "missing_field"),
        ("payment", "missing_field"),
        ("refunds[0]", "refund_not_itemised"),
        ("fee_lines[0]", "fee_not_mapped"),
    ] {
        assert!(has(&m, path, code), "{path} {code}: {:?}", codes(&m));
    }
    // The shop's own words, not the canonical order's general ones; each once.
    let sku: Vec<_> = m
        .issues
        .iter()
        .filter(|i| i.path == "items[0].sku")
        .collect();
    assert_eq!(sku.len(), 1);
    assert!(sku[0].message.contains("line_items[0]") && sku[0].message.contains("Inventory"));
    assert!(sku[0].message_de.contains("Artikelnummer"));
    let zip: Vec<_> = m
        .issues
        .iter()
        .filter(|i| i.path == "billingAddress.zip")
        .collect();
    assert!(
        zip.len() == 1 && zip[0].message.contains("billing.postcode"),
        "{zip:?}"
    );
    let street = m.issues.iter().find(|i| i.path == "billingAddress.street");
    assert!(street.is_some_and(|i| i.message.contains("billing.address_1")));
    // date_created alone is the site's (German) time.
    let mut o = fixture("woocommerce_order.json");
    o.as_object_mut().map(|x| x.remove("date_created_gmt"));
    o["date_created"] = json!("2017-07-22T16:28:02");
    let m = from_shop_order("woocommerce", &o, None);
    assert_eq!(
        m.order.unwrap_or_default()["orderedAt"],
        "2017-07-22T14:28:02Z"
    );
    assert!(m.issues.iter().any(|i| i.code == "assumed_time_zone"));
}

#[test]
fn shopify_times_are_utc_and_refunds_are_returns() {
    let mut o = fixture("shopify_orders_create.json");
    let order = from_shop_order("shopify", &o, None)
        .order
        .unwrap_or_default();
    assert_eq!(
        order["orderedAt"], "2022-01-01T00:00:00Z",
        "2021-12-31T19:00:00-05:00"
    );
    // The sample is cancelled and voided: made a paid order with a partial refund here.
    o["cancelled_at"] = Value::Null;
    o["financial_status"] = json!("partially_refunded");
    o["taxes_included"] = json!(true);
    o["line_items"][0]["quantity"] = json!(2);
    o["line_items"][0]["tax_lines"] = json!([{"price": "63.54", "rate": 0.19, "title": "MwSt"}]);
    o["line_items"][0]["discount_allocations"] =
        json!([{"amount": "20.00", "discount_application_index": 0}]);
    o["shipping_lines"][0]["tax_lines"] = json!([{"price": "1.60", "rate": 0.19, "title": "MwSt"}]);
    let line = o["line_items"][0].clone();
    o["refunds"] = json!([{"id": 1, "refund_line_items": [{"id": 2, "quantity": 1, "line_item_id": line["id"], "line_item": line}]}]);
    o["billing_address"]["address1"] = json!("Teststraße 42");
    o["billing_address"]["country_code"] = json!("DE");
    let m = from_shop_order("shopify", &o, None);
    let order = m.order.clone().unwrap_or_default();
    assert_eq!(order["pricesIncludeTax"], true);
    assert_eq!(order["items"][0]["taxRate"], "19");
    assert_eq!(order["items"][0]["discount"], "10", "20.00 over 2 units");
    assert_eq!(order["items"][0]["unitPrice"], "199");
    assert_eq!(order["shipping"]["taxRate"], "19");
    let ret = &order["items"][2];
    assert_eq!(ret["sku"], "IPOD2008PINK");
    assert_eq!(ret["quantity"], -1, "a return has a negative quantity");
    assert_eq!(ret["unitPrice"], "199");
    assert_eq!(ret["taxRate"], "19");
    assert_eq!(order["billingAddress"]["street"], "Teststraße");
    assert_eq!(order["billingAddress"]["houseNumber"], "42");
    // The delivery address now differs: it is carried, with its own warning.
    assert_eq!(order["shippingAddress"]["street"], "123 Shipping Street");
    assert!(has(&m, "shippingAddress.street", "unsplittable_street"));
    assert!(m.valid, "{:?}", codes(&m));
    // A line without SKU is named with the shop's field and fix.
    o["line_items"][1]["sku"] = Value::Null;
    let m = from_shop_order("shopify", &o, None);
    let i = m.issues.iter().find(|i| i.path == "items[1].sku");
    assert!(i.is_some_and(|i| i.code == "missing_field" && i.message.contains("line_items[1]")));
    assert!(!m.valid);
}

#[test]
fn shopware6_net_orders_promotions_and_the_webhook_body() {
    let sample = fixture("shopware6_order.json");
    let mut o = sample["data"].clone();
    o["price"]["taxStatus"] = json!("net");
    o["lineItems"][0]["unitPrice"] = json!(557.94);
    let mut promo = json!({"type": "promotion", "label": "10 % Frühling", "totalPrice": -55.79,
        "payload": {"discountType": "percentage", "value": 10, "discountScope": "cart"}});
    if let Some(l) = o["lineItems"].as_array_mut() {
        l.push(promo.clone());
    }
    // The webhook body of checkout.order.placed carries the same entity.
    let hook = json!({"data": {"payload": {"order": o.clone()}, "event": "checkout.order.placed"}, "source": {"url": "https://shop.example"}});
    let m = from_shop_order("shopware6", &hook, None);
    let order = m.order.clone().unwrap_or_default();
    assert_eq!(order["pricesIncludeTax"], false);
    assert_eq!(order["items"][0]["unitPrice"], "557.94");
    assert_eq!(order["items"][0]["discountPercent"], "10");
    assert_eq!(order["items"].as_array().map(Vec::len), Some(1));
    assert!(m.valid, "{:?}", codes(&m));
    // A fixed-amount promotion is refused, not spread by guessing.
    promo["payload"]["discountType"] = json!("absolute");
    o["lineItems"][1] = promo;
    let m = from_shop_order("shopware6", &o, None);
    assert!(
        has(&m, "lineItems[1]", "order_level_discount"),
        "{:?}",
        codes(&m)
    );
    assert!(!m.valid);
    // Without the association the country is missing, and the message says which to load.
    let mut o = sample["data"].clone();
    o["billingAddress"]
        .as_object_mut()
        .map(|a| a.remove("country"));
    let m = from_shop_order("shopware6", &o, None);
    let i = m.issues.iter().find(|i| i.path == "billingAddress.country");
    assert!(
        i.is_some_and(|i| i.code == "missing_field"
            && i.message.contains("association country of billingAddress")),
        "{:?}",
        codes(&m)
    );
    // Nothing recognisable at all.
    let m = from_shop_order("shopware6", &json!({"data": []}), None);
    assert_eq!(codes(&m), vec![("order".into(), "missing_order".into())]);
}

#[test]
fn unknown_platforms_and_non_objects_are_issues() {
    let m = from_shop_order("magento", &json!({}), None);
    assert_eq!(
        codes(&m),
        vec![("platform".into(), "unknown_platform".into())]
    );
    let m = from_shop_order("shopify", &json!([1]), None);
    assert_eq!(codes(&m), vec![("order".into(), "invalid_type".into())]);
    assert!(m.order.is_none() && !m.valid);
}

const CSV_SEMICOLON: &str = "Artikelnummer;kind;Flaschen;Liter;quality;Rebsorten;wineType;taste;vdp;organic;weightGrams;kivitendoPartId\n\
IPOD2008PINK;wine;1;0,75;Qualitätswein;Riesling|Silvaner;Weißwein;trocken;;ja;1.250,0;42\n\
SWDEMO10005;sparkling;6;1,5;Sekt b.A.;;;brut;;nein;;\n";

#[test]
fn catalogues_read_from_csv_with_semicolons_commas_and_decimal_commas() {
    let r = catalogue::read(CSV_SEMICOLON, None);
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    let e = r.catalogue.get("IPOD2008PINK").expect("entry");
    assert_eq!(e.product["bottleSizeMl"], 750, "0,75 litres");
    assert_eq!(e.product["grapes"], json!(["Riesling", "Silvaner"]));
    assert_eq!(e.product["organic"], true);
    assert_eq!(e.weight_grams, Some(1250), "1.250,0 g");
    assert_eq!(e.kivitendo_part_id, Some(42));
    assert_eq!(
        r.catalogue
            .get("SWDEMO10005")
            .map(|e| e.product["bottleSizeMl"].clone()),
        Some(json!(1500))
    );
    let comma = "sku,kind,bottleSizeMl,grapes,isbn\n978-3-16-148410-0,book,,,978-3-16-148410-0\n127/4,wine,750,\"Spätburgunder, 2455\",\n";
    let r = catalogue::read(comma, None);
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    assert_eq!(
        r.catalogue
            .get("127/4")
            .map(|e| e.product["grapes"].clone()),
        Some(json!(["Spätburgunder", 2455]))
    );
    assert_eq!(
        r.catalogue
            .get("978-3-16-148410-0")
            .and_then(|e| e.isbn.clone())
            .as_deref(),
        Some("978-3-16-148410-0")
    );
}

#[test]
fn every_bad_row_is_reported_with_its_line() {
    let text = "sku;kind;bottleSizeMl;organic;Etikett\nA;wine;750;ja;rot\nB;juice;750;;\nC;wine;0,7;vielleicht;\n;wine;750;;\nA;wine;1000;;\nD;wine;750;;;extra\n";
    let r = catalogue::read(text, None);
    let got: Vec<(String, String)> = r
        .issues
        .iter()
        .map(|i| (i.path.clone(), i.code.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("lines[1].Etikett".into(), "unknown_field".into()),
            ("lines[3].kind".into(), "invalid_value".into()),
            ("lines[4].bottleSizeMl".into(), "invalid_value".into()),
            ("lines[4].organic".into(), "invalid_value".into()),
            ("lines[5].sku".into(), "missing_field".into()),
            ("lines[6].sku".into(), "duplicate_sku".into()),
            ("lines[7]".into(), "extra_fields".into()),
        ]
    );
    assert!(r.issues.iter().any(|i| i.path == "lines[4].bottleSizeMl"
        && i.message.starts_with("\"0,7\" is not allowed: ")
        && i.message_de.starts_with("\"0,7\" ")));
    let skus: Vec<&str> = r
        .catalogue
        .entries()
        .iter()
        .map(|e| e.sku.as_str())
        .collect();
    assert_eq!(skus, vec!["A"], "only the good rows are kept");
    assert_eq!(serde_json::to_value(&r).unwrap_or_default()["ok"], false);
    let r = catalogue::read("kind;grapes\nwine;Riesling\n", None);
    assert_eq!(
        r.issues.iter().map(|i| i.path.as_str()).collect::<Vec<_>>(),
        vec!["lines[1]"]
    );
}

#[test]
fn catalogues_read_from_json_arrays_and_objects() {
    let r = catalogue::read(
        r#"[{"sku": "A", "kind": "Wein", "bottleSizeMl": 750, "grapes": ["Riesling", 2455], "quality": 3}, {"sku": "B", "bottles": "sechs"}]"#,
        None,
    );
    assert_eq!(
        r.issues.iter().map(|i| i.path.as_str()).collect::<Vec<_>>(),
        vec!["catalogue[1].bottles"]
    );
    assert_eq!(
        r.catalogue.to_value(),
        json!([{"sku": "A", "kind": "wine", "bottleSizeMl": 750, "grapes": ["Riesling", 2455], "quality": 3}])
    );
    let r = catalogue::read(
        r#"{"A": {"kind": "book", "isbn": "9783161484100"}}"#,
        Some(catalogue::Format::Json),
    );
    assert!(r.issues.is_empty());
    assert_eq!(
        r.catalogue.get("A").and_then(|e| e.isbn.clone()).as_deref(),
        Some("9783161484100")
    );
    let r = catalogue::read("{ not json", None);
    assert_eq!(
        r.issues.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(),
        vec!["malformed_json"]
    );
}

fn wine_catalogue() -> Catalogue {
    let text = "sku;kind;bottleSizeMl;quality;grapes;wineType;taste;organic;kivitendoPartId;weightGrams\nIPOD2008PINK;wine;750;Qualitätswein;Riesling;Weißwein;trocken;nein;42;1300\n";
    let r = catalogue::read(text, None);
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    r.catalogue
}

#[test]
fn the_catalogue_completes_shop_orders_and_names_missing_skus() {
    let cat = wine_catalogue();
    let mut o = fixture("shopify_orders_create.json");
    o["line_items"][1]["sku"] = json!("UNKNOWN-1");
    o["line_items"][1]["grams"] = json!(0);
    let m = from_shop_order("shopify", &o, Some(&cat));
    let order = m.order.clone().unwrap_or_default();
    assert_eq!(
        order["items"][0]["product"],
        json!({"kind": "wine", "bottleSizeMl": 750, "quality": "Qualitätswein", "grapes": ["Riesling"], "wineType": "Weißwein", "taste": "trocken", "organic": false})
    );
    assert_eq!(
        order["items"][0]["weightGrams"], 567,
        "the item's own weight wins"
    );
    assert!(order["items"][1].get("product").is_none());
    let (missing, issues) = cat.missing(&order);
    assert_eq!(missing, vec!["UNKNOWN-1".to_owned()]);
    let i = &issues.as_slice()[0];
    assert_eq!(
        (i.path.as_str(), i.code.as_str()),
        ("items[1].sku", "missing_from_catalogue")
    );
    assert!(i.message.contains("UNKNOWN-1") && i.message_de.contains("UNKNOWN-1"));
    assert_eq!(cat.product_ids(), vec![("IPOD2008PINK".to_owned(), 42)]);
}

/// A wine order whose item lacks the facts `wine_catalogue` has (its own taste set).
fn wine_order() -> Value {
    json!({
        "number": "1", "invoiceId": 7, "orderedAt": "2024-04-04T09:06:27Z",
        "customer": {"email": "piet@example.com", "firstName": "Piet", "lastName": "Pauls"},
        "billingAddress": {"street": "Teststraße 42", "zip": "12435", "city": "Berlin", "country": "DE"},
        "shipping": {"carrier": "DHL"},
        "items": [{"sku": "IPOD2008PINK", "quantity": 6, "unitPrice": "7.50", "taxRate": 19,
                   "product": {"kind": "wine", "taste": "halbtrocken"}}]
    })
}

#[test]
fn builders_are_filled_from_the_catalogue() {
    use kontor::targets::geisenheim;
    use kontor::Order;
    let cat = wine_catalogue();
    let mut order = wine_order();
    let options = json!({"recipientSalt": "a-long-secret-salt-of-this-shop"});
    let (bare, own) = Order::from_value(&order);
    let without = geisenheim::build_order(
        &bare,
        own,
        &geisenheim::Options::from_value(&options, &mut Default::default()),
    );
    assert!(
        without.payload.is_none(),
        "no quality, grapes, size: refused"
    );
    cat.complete(&mut order);
    assert_eq!(
        order["items"][0]["product"]["taste"], "halbtrocken",
        "the item's own value wins"
    );
    assert_eq!(order["items"][0]["weightGrams"], 1300);
    let (full, own) = Order::from_value(&order);
    let with = geisenheim::build_order(
        &full,
        own.clone(),
        &geisenheim::Options::from_value(&options, &mut Default::default()),
    );
    assert!(with.payload.is_some(), "{:?}", with.issues);
    // Through `options.catalogue`, as the package's builders take it.
    let text = serde_json::to_string(&json!({"catalogue": cat.to_value()})).unwrap_or_default();
    let opts: Value = serde_json::from_str(&text).unwrap_or_default();
    let mut issues = Default::default();
    let from_option = catalogue::from_option(&opts, &mut issues).expect("catalogue");
    assert_eq!(from_option, cat);
    let text = serde_json::to_string(&order).unwrap_or_default();
    let (parsed, _) = catalogue::parse_order(&text, Some(&from_option));
    assert_eq!(parsed, full);
    // Westarp gets the weight; kivitendo the part id as productIds (its own ids win).
    assert_eq!(parsed.items[0].weight_grams, Some(1300));
    let mut ids = vec![("OTHER".to_owned(), 7)];
    cat.fill_product_ids(&mut ids);
    let kivi = kontor::targets::kivitendo::Options {
        product_ids: ids,
        ..Default::default()
    };
    assert_eq!(kivi.product_id("IPOD2008PINK"), Some(42));
    assert_eq!(kivi.product_id("OTHER"), Some(7));
}

#[test]
fn requests_take_the_catalogue_from_the_configuration() {
    use kontor::dispatch;
    let order = json!({
        "number": "1", "invoiceId": 7, "orderedAt": "2024-04-04T09:06:27Z",
        "customer": {"email": "piet@example.com", "firstName": "Piet", "lastName": "Pauls"},
        "billingAddress": {"street": "Teststraße 42", "zip": "12435", "city": "Berlin", "country": "DE"},
        "shipping": {"carrier": "DHL"},
        "items": [{"sku": "IPOD2008PINK", "quantity": 6, "unitPrice": "7.50", "taxRate": 19}]
    })
    .to_string();
    let mut config = json!({"environment": "staging", "username": "u", "password": "p",
        "recipientSalt": "a-long-secret-salt-of-this-shop"});
    let body = |r: &dispatch::RequestResult| {
        r.request
            .as_ref()
            .and_then(|q| q.body.clone())
            .unwrap_or_default()
    };
    let bare = dispatch::request("geisenheim", "createOrder", &order, &config, 0);
    assert!(
        !body(&bare).contains("\"size\":750"),
        "no product facts: {}",
        body(&bare)
    );
    config["catalogue"] = wine_catalogue().to_value();
    let r = dispatch::request("geisenheim", "createOrder", &order, &config, 0);
    assert!(
        body(&r).contains("\"size\":750"),
        "{:?} {}",
        r.issues,
        body(&r)
    );
    assert!(
        r.issues.iter().all(|i| i.code != "unknown_field"),
        "{:?}",
        r.issues
    );
    let kivi = json!({"baseUrl": "https://erp.example.com", "username": "u", "password": "p", "customerId": 1, "taxzoneId": 4,
        "currencyId": 1, "catalogue": wine_catalogue().to_value()});
    let r = dispatch::request("kivitendo", "createOrder", &order, &kivi, 0);
    assert!(
        body(&r).contains("<product-id>42</product-id>"),
        "the part id from the catalogue: {:?} {}",
        r.issues,
        body(&r)
    );
}

#[test]
fn the_docs_csv_example_reads_cleanly() {
    let readme = std::fs::read_to_string(format!(
        "{}/docs/sources/shops.md",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_default();
    let start = readme
        .find("```\nArtikelnummer;")
        .map(|i| i + 4)
        .unwrap_or(0);
    let end = readme[start..].find("```").map_or(start, |e| start + e);
    let r = catalogue::read(&readme[start..end], None);
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    assert_eq!(r.catalogue.entries().len(), 2);
    assert_eq!(
        r.catalogue
            .get("127/4")
            .map(|e| e.product["bottleSizeMl"].clone()),
        Some(json!(750))
    );
    assert_eq!(
        r.catalogue
            .get("978-3-16-148410-0")
            .and_then(|e| e.weight_grams),
        Some(450)
    );
}

#[test]
fn large_catalogues_and_orders_are_read_whole() {
    let mut text = String::from("sku;kind;bottleSizeMl\n");
    for i in 0..50_000 {
        text.push_str(&format!("W-{i};wine;750\n"));
    }
    text.push_str("W-7;wine;750\n");
    let r = catalogue::read(&text, None);
    assert_eq!(r.catalogue.entries().len(), 50_000);
    assert_eq!(
        r.issues.iter().map(|i| i.path.as_str()).collect::<Vec<_>>(),
        vec!["lines[50002].sku"]
    );
    let items: Vec<Value> = (0..5_000)
        .map(|i| json!({"sku": format!("W-{}", i * 10), "quantity": 1, "unitPrice": "7.50", "taxRate": 19}))
        .collect();
    let mut order = json!({"items": items});
    r.catalogue.complete(&mut order);
    assert_eq!(order["items"][4_999]["product"]["bottleSizeMl"], 750);
    assert_eq!(r.catalogue.missing(&order).0.len(), 0);
    let mut o = fixture("shopify_orders_create.json");
    let line = o["line_items"][0].clone();
    o["line_items"] = Value::Array(
        (0..5_000)
            .map(|_| {
                let mut l = line.clone();
                l["sku"] = Value::Null;
                l
            })
            .collect(),
    );
    // A Shopify order of 5,000 lines without SKUs: issues up to the limit, then one
    // `too_many_issues`.
    let m = from_shop_order("shopify", &o, None);
    assert!(m
        .issues
        .iter()
        .any(|i| i.code == "missing_field" && i.path == "items[0].sku"));
    assert_eq!(m.issues.len(), kontor::issue::MAX_ISSUES + 1);
    assert_eq!(
        m.issues.iter().last().map(|i| i.code.as_str()),
        Some("too_many_issues")
    );
}

#[test]
fn checking_an_order_for_kivitendo_counts_the_catalogue_part_ids() {
    use kontor::{dispatch, Order};
    let (order, own) = Order::from_value(&json!({
        "number": "1", "orderedAt": "2024-04-04T09:06:27Z",
        "customer": {"email": "piet@example.com", "firstName": "Piet", "lastName": "Pauls"},
        "billingAddress": {"street": "Teststraße 42", "zip": "12435", "city": "Berlin", "country": "DE"},
        "items": [{"sku": "IPOD2008PINK", "quantity": 6, "unitPrice": "7.50", "taxRate": 19}]
    }));
    let mut options = json!({"customerId": 1, "taxzoneId": 4, "currencyId": 1});
    let errors = |i: &kontor::Issues| {
        i.iter()
            .filter(|i| i.severity == kontor::Severity::Error)
            .count()
    };
    assert!(
        errors(&dispatch::check_order(
            "kivitendo-order",
            &order,
            own.clone(),
            &options
        )) > 0
    );
    options["catalogue"] = wine_catalogue().to_value();
    let issues = dispatch::check_order("kivitendo-order", &order, own, &options);
    assert_eq!(errors(&issues), 0, "{issues:?}");
}

#[test]
fn lineage_names_the_catalogue_for_what_it_filled_in() {
    use kontor::targets::geisenheim;
    use kontor::Order;
    let cat = wine_catalogue();
    let order = wine_order();
    let mut completed = order.clone();
    cat.complete(&mut completed);
    let (full, own) = Order::from_value(&completed);
    let options = json!({"recipientSalt": "a-long-secret-salt-of-this-shop"});
    let built = geisenheim::build_order(
        &full,
        own,
        &geisenheim::Options::from_value(&options, &mut Default::default()),
    );
    let payload = serde_json::to_value(built.payload.expect("built")).unwrap_or_default();
    let lineage = cat.lineage(&order, |c| geisenheim::lineage::of(&payload, c));
    let from = |field: &str| {
        lineage
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.from.clone())
            .unwrap_or_default()
    };
    // Filled by the catalogue: named as the catalogue's field of that SKU.
    assert_eq!(
        from("items[0].quality"),
        vec![r#"catalogue["IPOD2008PINK"].quality"#]
    );
    assert_eq!(
        from("items[0].grapes[0]"),
        vec![r#"catalogue["IPOD2008PINK"].grapes[0]"#]
    );
    // The item's own values keep their order fields.
    assert_eq!(from("items[0].taste"), vec!["items[0].product.taste"]);
    assert_eq!(from("items[0].quantity"), vec!["items[0].quantity"]);
    // Without the catalogue's help nothing is renamed.
    let plain = cat.lineage(&completed, |c| geisenheim::lineage::of(&payload, c));
    assert!(plain
        .iter()
        .all(|e| e.from.iter().all(|f| !f.starts_with("catalogue"))));
}

#[test]
fn an_unreadable_order_time_is_named_in_each_platform_words() {
    for (platform, file, times, fields, hint) in [
        (
            "woocommerce",
            "woocommerce_order.json",
            &["\"2017-03-22T16:28:02\"", "\"2017-03-22T19:28:02\""][..],
            "date_created_gmt (soon)",
            ": pass the order as the REST API v3 sends it",
        ),
        (
            "shopware6",
            "shopware6_order.json",
            &["\"2020-04-09T06:23:56.000+00:00\""][..],
            "orderDateTime (soon)",
            "",
        ),
        (
            "shopify",
            "shopify_orders_create.json",
            &["\"2021-12-31T19:00:00-05:00\""][..],
            "processed_at or created_at (soon)",
            "",
        ),
    ] {
        let mut text = serde_json::to_string(&fixture(file)).unwrap_or_default();
        for t in times {
            text = text.replace(t, "\"soon\"");
        }
        let o: Value = serde_json::from_str(&text).unwrap_or_default();
        let m = from_shop_order(platform, &o, None);
        let i = m
            .issues
            .iter()
            .find(|i| i.path == "orderedAt")
            .unwrap_or_else(|| panic!("{platform}: {:?}", m.issues));
        assert_eq!(i.code, "missing_field", "{platform}");
        assert!(
            i.message
                .ends_with(&format!("sent no readable {fields}{hint}")),
            "{}",
            i.message
        );
        assert!(
            i.message_de.contains("sendet kein lesbares"),
            "{}",
            i.message_de
        );
        assert!(!m.valid, "{platform}");
    }
}
