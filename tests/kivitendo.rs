//! kivitendo documents from canonical orders: the slides' customer example reproduced,
//! orders with exact totals, products and categories, parsing (round trips, the slides'
//! broken example, hostile XML), requests, responses and the idempotent sync flow.

use kontor::http::{Config, Method, Outcome};
use kontor::issue::Issues;
use kontor::targets::kivitendo::record::Format;
use kontor::targets::kivitendo::requests::{interpret, request, sync_step, SyncStep};
use kontor::targets::kivitendo::{
    self, build_category, build_product, customer_from_json, order_from_json, xml, Options,
};
use serde_json::{json, Value};

/// `tests/fixtures/<name>`, or one of the example orders in `examples/` (kept there once).
fn fixture(name: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let fixture = format!("{root}/tests/fixtures/{name}");
    let path = if std::path::Path::new(&fixture).exists() {
        fixture
    } else {
        format!("{root}/examples/{name}")
    };
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn options(v: Value) -> Options {
    let mut issues = Issues::new();
    let o = Options::from_value(&v, &mut issues);
    assert!(issues.is_empty(), "{issues:?}");
    o
}

fn seed_options() -> Options {
    options(json!({"taxzoneId": 4, "currencyId": 1, "legacyFirstNameTag": true}))
}

#[test]
fn the_slides_customer_example_is_reproduced_exactly() {
    let built = customer_from_json(
        &fixture("kivitendo/customer_seed_example.order.json"),
        &seed_options(),
    );
    let errors: Vec<_> = built
        .issues
        .iter()
        .filter(|i| i.severity == kontor::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        built.payload.unwrap().to_xml(),
        fixture("kivitendo/customer_seed_example.xml")
    );
}

#[test]
fn current_installations_get_first_name() {
    let o = options(json!({"taxzoneId": 4, "currencyId": 1}));
    let xml = customer_from_json(&fixture("kivitendo/customer_seed_example.order.json"), &o)
        .payload
        .unwrap()
        .to_xml();
    assert!(xml.contains("<first-name>Piet</first-name>") && !xml.contains("fist-name"));
}

#[test]
fn build_parse_round_trip_keeps_the_data() {
    let record = customer_from_json(
        &fixture("kivitendo/customer_seed_example.order.json"),
        &seed_options(),
    )
    .payload
    .unwrap();
    let (root, parsed) = xml::to_json(&record.to_xml()).unwrap();
    assert_eq!(root, "customer");
    assert_eq!(parsed, as_read(&record.fields));
    assert_eq!(
        parsed["contacts"]["contact"],
        Value::Null,
        "XML wrappers read back as arrays"
    );
    assert_eq!(parsed["contacts"][0]["fist_name"], "Piet");
    assert_eq!(parsed["shippings"][0]["country"], "Deutschland");
}

/// What reading a record's XML must give: every value as text, nested lists as arrays.
fn as_read(fields: &kivitendo::record::Fields) -> Value {
    use kivitendo::record::Val;
    let mut m = serde_json::Map::new();
    for (name, v) in fields {
        let v = match v {
            Val::Text(t) | Val::Num(t) => json!(t),
            Val::Bool(b) => json!(b.to_string()),
            Val::List(_, items) => Value::Array(items.iter().map(as_read).collect()),
        };
        m.insert(name.replace('-', "_"), v);
    }
    Value::Object(m)
}

#[test]
fn orders_round_trip_too() {
    let record = order_from_json(&fixture("b2c_online_wine.json"), &order_options())
        .payload
        .unwrap();
    let (root, parsed) = xml::to_json(&record.to_xml()).unwrap();
    assert_eq!(root, "order");
    assert_eq!(parsed, as_read(&record.fields));
    assert_eq!(parsed["orderitems"].as_array().map(Vec::len), Some(4));
}

#[test]
fn json_form_uses_hash_wrappers_for_nested_lists() {
    let record = customer_from_json(
        &fixture("kivitendo/customer_seed_example.order.json"),
        &seed_options(),
    )
    .payload
    .unwrap();
    let j = record.to_json();
    assert_eq!(j["customer"]["taxzone_id"], 4);
    assert_eq!(
        j["customer"]["contacts"]["contact"][0]["last_name"],
        "Mustermann"
    );
    assert_eq!(
        j["customer"]["shippings"]["shipping"][0]["contact"],
        "Susanne Musterfrau"
    );
}

#[test]
fn the_slides_broken_example_is_an_issue_with_line_and_column() {
    let e = xml::to_json(&fixture("kivitendo/customer_seed_broken.xml")).unwrap_err();
    assert_eq!(e.line, 27, "{e}");
    assert!(e.message.contains("shipping"), "{e}");
}

#[test]
fn hostile_text_is_escaped_and_reads_back_unchanged() {
    let mut order: Value =
        serde_json::from_str(&fixture("kivitendo/customer_seed_example.order.json")).unwrap();
    let nasty = "A & B <c> \"d\" 'e' ]]> <![CDATA[x]]> &amp;";
    order["customer"]["company"] = json!(nasty);
    let built = customer_from_json(&order.to_string(), &seed_options());
    let xml_text = built.payload.unwrap().to_xml();
    let (_, back) = xml::to_json(&xml_text).unwrap();
    assert_eq!(back["name"], nasty);
    let mut big = order.clone();
    big["customer"]["company"] = json!("x".repeat(1 << 20));
    let built = customer_from_json(&big.to_string(), &seed_options());
    assert!(built.payload.is_none());
    assert!(built
        .issues
        .iter()
        .any(|i| i.path == "customer.company" && i.code == "too_long"));
}

#[test]
fn missing_ids_are_named_one_by_one() {
    let built = order_from_json(
        &fixture("b2c_online_wine.json"),
        &Options::from_value(&json!({}), &mut Issues::new()),
    );
    assert!(built.payload.is_none());
    let paths: Vec<&str> = built.issues.iter().map(|i| i.path.as_str()).collect();
    for p in [
        "options.customerId",
        "options.taxzoneId",
        "options.currencyId",
        "items[0].sku",
        "items[1].sku",
        "items[2].sku",
    ] {
        assert!(paths.contains(&p), "{p} in {paths:?}");
    }
}

fn order_options() -> Options {
    options(json!({
        "customerId": 17, "taxzoneId": 4, "currencyId": 1, "paymentId": 2, "shippingProductId": 99,
        "productIds": {"2021-RI-TR": 1, "2020-SB-GG": 2, "TB-05": 3, "2022-RI-GW": 4, "2021-DF": 5, "OFFEN-RI": 6}
    }))
}

fn field(record: &kivitendo::record::Record, name: &str) -> String {
    match kivitendo::field(&record.fields, name) {
        Some(kivitendo::record::Val::Text(t) | kivitendo::record::Val::Num(t)) => t.clone(),
        Some(kivitendo::record::Val::Bool(b)) => b.to_string(),
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn gross_order_totals_are_exact() {
    // 2 × 59.40 −10 % = 106.92; 38.00; 24.90; shipping 5.90 → gross 175.72 at 19 %.
    let record = order_from_json(&fixture("b2c_online_wine.json"), &order_options())
        .payload
        .unwrap();
    assert_eq!(field(&record, "gross-total"), "175.72");
    // tax = 175.72 − 175.72 / 1.19 = 28.06 → net 147.66
    assert_eq!(field(&record, "net-total"), "147.66");
    assert_eq!(field(&record, "taxincluded"), "true");
    assert_eq!(field(&record, "shop-number"), "WS-2024-10023");
    assert_eq!(field(&record, "order-number"), "WS-2024-10023");
    assert_eq!(field(&record, "record-type"), "sales_order");
    assert_eq!(field(&record, "order-date"), "2024-04-05");
    let xml_text = record.to_xml();
    assert!(xml_text.contains("<discount>0.1</discount>"), "{xml_text}");
    assert!(
        xml_text.contains("<position>4</position>\n      <product-id>99</product-id>"),
        "shipping as item 4"
    );
}

#[test]
fn net_order_totals_add_the_tax() {
    // 60 × (6.30 − 0.30) = 360.00; 24 × 5.80 = 139.20; 3 × 42.00 = 126.00 → net 625.20, tax 118.79
    let record = order_from_json(&fixture("b2b_gastronomy.json"), &order_options())
        .payload
        .unwrap();
    assert_eq!(field(&record, "net-total"), "625.20");
    assert_eq!(field(&record, "gross-total"), "743.99");
    assert_eq!(field(&record, "taxincluded"), "false");
    let xml_text = record.to_xml();
    // discount as a fraction of the price: 0.30 / 6.30
    assert!(
        xml_text.contains("<discount>0.0476190476</discount>"),
        "{xml_text}"
    );
}

#[test]
fn products_and_categories_check_what_the_database_requires() {
    let none = Options::default();
    let p = build_product(
        &json!({"productnumber": "127/4", "description": "Spätburgunder", "unit": "Stck", "partType": "part", "sellprice": "6.30", "categoryId": 3, "taxGroupId": 859}),
        &none,
    );
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    assert_eq!(
        p.payload.unwrap().to_xml(),
        "<product>\n  <productnumber>127/4</productnumber>\n  <description>Spätburgunder</description>\n  <unit>Stck</unit>\n  <part-type>part</part-type>\n  <sellprice>6.3</sellprice>\n  <category-id>3</category-id>\n  <tax-group-id>859</tax-group-id>\n</product>\n"
    );
    let bad = build_product(&json!({"description": "x", "partType": "wine"}), &none);
    let paths: Vec<&str> = bad.issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        vec!["productnumber", "unit", "taxGroupId", "partType"]
    );
    let c = build_category(&json!({"name": "Rotwein", "sortkey": 2}), &none);
    assert_eq!(
        c.payload.unwrap().to_xml(),
        "<category>\n  <name>Rotwein</name>\n  <sortkey>2</sortkey>\n</category>\n"
    );
    assert_eq!(
        build_category(&json!({"name": "Housing"}), &none)
            .issues
            .as_slice()[0]
            .path,
        "sortkey"
    );
}

fn config() -> Config {
    Config {
        base_url: Some("https://erp.example.com".into()),
        username: Some("api".into()),
        password: Some("secret".into()),
        ..Config::default()
    }
}

#[test]
fn requests_have_routes_auth_and_content_types() {
    let mut issues = Issues::new();
    let o = order_options();
    let r = request(
        "findCustomers",
        r#"{"email":"a+b@example.com"}"#,
        &config(),
        &o,
        &mut issues,
    )
    .unwrap();
    assert_eq!(r.method, Method::Get);
    assert_eq!(
        r.url,
        "https://erp.example.com/api/v1/customers?email=a%2Bb%40example.com"
    );
    assert_eq!(r.header("Authorization"), Some("Basic YXBpOnNlY3JldA=="));
    let r = request(
        "findOrders",
        r#"{"createdSince":"2024-04-01"}"#,
        &config(),
        &o,
        &mut issues,
    )
    .unwrap();
    assert_eq!(
        r.url,
        "https://erp.example.com/api/v1/orders?created_at_gte=2024-04-01"
    );
    let r = request(
        "createOrder",
        &fixture("b2c_online_wine.json"),
        &config(),
        &o,
        &mut issues,
    )
    .unwrap();
    assert_eq!(
        (r.method, r.header("Content-Type")),
        (Method::Post, Some("application/xml; charset=utf-8"))
    );
    assert!(r.body.unwrap().starts_with("<order>\n"));
    let json_opts = Options {
        format: Format::Json,
        ..o.clone()
    };
    let r = request("listTaxZones", "null", &config(), &json_opts, &mut issues).unwrap();
    assert_eq!(r.url, "https://erp.example.com/api/v1/tax_zones.json");
    assert!(issues.is_empty(), "{issues:?}");
    let mut issues = Issues::new();
    assert!(request(
        "createOrder",
        &fixture("b2c_online_wine.json"),
        &Config::default(),
        &o,
        &mut issues
    )
    .is_none());
    let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, vec!["config.baseUrl", "config.username"]);
}

#[test]
fn responses_errors_nodes_and_rails_documents() {
    let ok = interpret(
        "createCustomer",
        200,
        "<customer>\n  <id type=\"integer\">42</id>\n  <errors></errors>\n</customer>",
    );
    assert_eq!(ok.outcome, Outcome::Accepted);
    assert_eq!(ok.data, Some(json!({"id": 42, "errors": ""})));
    let bad = interpret(
        "createCustomer",
        200,
        r#"{"customer":{"id":null,"errors":"Name can't be blank;Taxzone must exist"}}"#,
    );
    assert_eq!(bad.outcome, Outcome::Rejected);
    assert_eq!(bad.issues.len(), 2);
    let rails = interpret(
        "createOrder",
        422,
        "<hash><status type=\"integer\">422</status><error>Unprocessable Entity</error></hash>",
    );
    assert_eq!(rails.outcome, Outcome::Rejected);
    assert!(rails.issues.as_slice()[0]
        .message
        .contains("Unprocessable Entity"));
    assert_eq!(
        interpret(
            "createOrder",
            500,
            r#"{"status":500,"error":"Internal Server Error"}"#
        )
        .outcome,
        Outcome::Retry
    );
    assert_eq!(
        interpret("listTaxZones", 401, "HTTP Basic: Access denied.").outcome,
        Outcome::AuthFailed
    );
    let list = interpret("findCustomers", 200, "<customers type=\"array\"><customer><id type=\"integer\">7</id><name>X</name></customer></customers>");
    assert_eq!(list.data, Some(json!([{"id": 7, "name": "X"}])));
    let empty = interpret("findCustomers", 200, "<customers type=\"array\"/>");
    assert_eq!(empty.data, Some(json!([])));
}

/// A tiny in-memory kivitendo: answers the sync flow's requests and counts creations.
struct FakeKivitendo {
    customers: Vec<(i64, String)>,
    orders: Vec<(i64, String)>,
    created: usize,
}

impl FakeKivitendo {
    fn answer(&mut self, r: &kontor::http::Request) -> (u16, String) {
        let url = &r.url;
        let query = |k: &str| {
            url.split(&format!("{k}="))
                .nth(1)
                .map(|v| v.replace("%40", "@").replace("%2B", "+"))
        };
        if r.method == Method::Get && url.contains("/customers?") {
            let email = query("email").unwrap();
            let hits: String = self
                .customers
                .iter()
                .filter(|(_, e)| *e == email)
                .map(|(id, _)| format!("<customer><id type=\"integer\">{id}</id></customer>"))
                .collect();
            return (200, format!("<customers type=\"array\">{hits}</customers>"));
        }
        if r.method == Method::Get && url.contains("/orders?") {
            let number = query("order_number").unwrap();
            let hits: String = self
                .orders
                .iter()
                .filter(|(_, n)| *n == number)
                .map(|(id, _)| format!("<order><id type=\"integer\">{id}</id></order>"))
                .collect();
            return (200, format!("<orders type=\"array\">{hits}</orders>"));
        }
        let body = r.body.clone().unwrap();
        let (_, doc) = xml::to_json(&body).unwrap();
        self.created += 1;
        let id = 100 + self.created as i64;
        if url.ends_with("/customers") {
            self.customers
                .push((id, doc["email"].as_str().unwrap().to_owned()));
            return (
                200,
                format!("<customer><id type=\"integer\">{id}</id><errors></errors></customer>"),
            );
        }
        assert!(
            doc["customer_id"].as_str().is_some(),
            "the order carries the customer id"
        );
        self.orders
            .push((id, doc["order_number"].as_str().unwrap().to_owned()));
        (
            200,
            format!("<order><id type=\"integer\">{id}</id><errors></errors></order>"),
        )
    }
}

#[test]
fn sync_twice_creates_nothing_the_second_time() {
    let order = fixture("b2c_online_wine.json");
    let mut o = order_options();
    o.customer_id = None;
    let mut fake = FakeKivitendo {
        customers: vec![],
        orders: vec![],
        created: 0,
    };
    for run in 0..2 {
        let mut step = sync_step(&order, &config(), &o, None, None);
        let mut requests = 0;
        while let Some(req) = step.request.clone() {
            requests += 1;
            assert!(requests < 10);
            let (status, body) = fake.answer(&req);
            step = sync_step(
                &order,
                &config(),
                &o,
                Some(step.state.clone()),
                Some((status, &body)),
            );
        }
        assert!(step.done, "{:?}", step.issues);
        assert_eq!(step.outcome, Some(Outcome::Accepted));
        assert_eq!(step.state.step, SyncStep::Done);
        assert_eq!(
            (step.state.customer_id, step.state.order_id),
            (Some(101), Some(102))
        );
        if run == 0 {
            assert!(step.state.created_customer && step.state.created_order);
            assert_eq!(requests, 4);
        } else {
            assert!(!step.state.created_customer && !step.state.created_order);
            assert_eq!(requests, 2, "found customer and order");
        }
    }
    assert_eq!(fake.created, 2);
}

#[test]
fn sync_repeats_a_step_on_retry_and_stops_on_rejection() {
    let order = fixture("b2c_online_wine.json");
    let first = sync_step(&order, &config(), &order_options(), None, None);
    let again = sync_step(
        &order,
        &config(),
        &order_options(),
        Some(first.state.clone()),
        Some((503, "")),
    );
    assert_eq!(again.outcome, Some(Outcome::Retry));
    assert_eq!(again.request, first.request);
    let stop = sync_step(
        &order,
        &config(),
        &order_options(),
        Some(first.state),
        Some((401, "")),
    );
    assert!(stop.done && stop.request.is_none());
    assert_eq!(stop.outcome, Some(Outcome::AuthFailed));
    let no_email = sync_step(
        &fixture("local_farm_shop_sale.json"),
        &config(),
        &order_options(),
        None,
        None,
    );
    assert!(no_email.done && no_email.issues.iter().any(|i| i.path == "customer.email"));
}

// What the real plugin and database showed (tests/kivitendo-real/ checks each against them).

fn codes(issues: &Issues) -> Vec<(String, String)> {
    issues
        .iter()
        .map(|i| (i.path.clone(), i.code.clone()))
        .collect()
}

fn with(extra: Value) -> Options {
    let mut v = json!({
        "customerId": 17, "taxzoneId": 4, "currencyId": 1,
        "productIds": {"2021-RI-TR": 1, "2020-SB-GG": 2, "TB-05": 3, "2022-RI-GW": 4, "2021-DF": 5, "OFFEN-RI": 6}
    });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    options(v)
}

#[test]
fn record_types_are_kivitendos_seven_and_nothing_else() {
    assert_eq!(kivitendo::RECORD_TYPES.len(), 7);
    for t in kivitendo::RECORD_TYPES {
        assert_eq!(with(json!({ "recordType": t })).record_type, *t);
    }
    for bad in ["salesorder", "invoice", "", "Sales_Order"] {
        let mut issues = Issues::new();
        let o = Options::from_value(&json!({ "recordType": bad }), &mut issues);
        assert_eq!(
            codes(&issues),
            vec![("options.recordType".into(), "invalid_value".into())]
        );
        assert!(issues.as_slice()[0].message.contains("seven"));
        assert_eq!(o.record_type, "sales_order", "the default stays");
        // Before sending: no request is built.
        let stepped = kontor::dispatch::request(
            "kivitendo",
            "createOrder",
            &fixture("b2c_online_wine.json"),
            &json!({"baseUrl": "https://erp.example.com", "username": "api", "password": "secret", "recordType": bad, "taxzoneId": 4, "currencyId": 1, "customerId": 17,
                    "productIds": {"2021-RI-TR": 1, "2020-SB-GG": 2, "TB-05": 3, "2022-RI-GW": 4, "2021-DF": 5, "OFFEN-RI": 6}}),
            0,
        );
        assert!(stepped.request.is_none());
        assert!(
            codes(&stepped.issues).contains(&("options.recordType".into(), "invalid_value".into()))
        );
    }
}

#[test]
fn units_must_be_the_clients_and_fit_twenty_characters() {
    let mut order: Value = serde_json::from_str(&fixture("b2c_online_wine.json")).unwrap();
    // The default list: the 11 units of a new client.
    assert_eq!(
        kivitendo::DEFAULT_UNITS,
        &["Stck", "psch", "Tag", "Std", "min", "t", "kg", "g", "mg", "L", "ml"]
    );
    order["items"][0]["unit"] = json!("L");
    let built = order_from_json(&order.to_string(), &with(json!({})));
    assert!(!built.issues.has_errors(), "{:?}", built.issues);
    let xml_text = built.payload.unwrap().to_xml();
    assert!(
        xml_text.contains("<unit>L</unit>\n      <base-qty>"),
        "{xml_text}"
    );

    order["items"][0]["unit"] = json!("Flasche");
    let built = order_from_json(&order.to_string(), &with(json!({})));
    assert_eq!(
        codes(&built.issues),
        vec![("items[0].unit".into(), "unknown_unit".into())]
    );
    assert!(built.issues.as_slice()[0].message.contains("\"Flasche\""));
    assert!(built.issues.as_slice()[0].message_de.contains("Einheit"));
    // A client that has it.
    let built = order_from_json(
        &order.to_string(),
        &with(json!({"units": ["Stck", "Flasche"]})),
    );
    assert!(!built.issues.has_errors(), "{:?}", built.issues);
    // Longer than varchar(20), even when listed.
    order["items"][0]["unit"] = json!("Flasche à 0,75 Liter x");
    let built = order_from_json(&order.to_string(), &with(json!({})));
    assert_eq!(
        codes(&built.issues),
        vec![("items[0].unit".into(), "unknown_unit".into())]
    );
    let listed = with(json!({"units": ["Stck", "Flasche à 0,75 Liter x"]}));
    let built = order_from_json(&order.to_string(), &listed);
    assert_eq!(
        codes(&built.issues),
        vec![("items[0].unit".into(), "unknown_unit".into())]
    );
    let mut issues = Issues::new();
    Options::from_value(&json!({"units": "Stck"}), &mut issues);
    assert_eq!(
        codes(&issues),
        vec![("options.units".into(), "invalid_type".into())]
    );
    // The sync checks units before its first request.
    let step = sync_step(&order.to_string(), &config(), &with(json!({})), None, None);
    assert!(step.done && step.request.is_none());
    assert!(codes(&step.issues).contains(&("items[0].unit".into(), "unknown_unit".into())));
}

#[test]
fn items_carry_base_qty_and_quotations_the_quotation_number() {
    let text = fixture("b2c_online_wine.json");
    let order: Value = serde_json::from_str(&text).unwrap();
    let record = order_from_json(&text, &with(json!({}))).payload.unwrap();
    let (_, doc) = xml::to_json(&record.to_xml()).unwrap();
    for (i, item) in order["items"].as_array().unwrap().iter().enumerate() {
        assert_eq!(
            doc["orderitems"][i]["base_qty"],
            json!(item["quantity"].to_string())
        );
    }
    assert_eq!(doc["order_number"], order["number"]);
    assert!(doc.get("quote_number").is_none());

    for t in [
        "sales_quotation",
        "request_quotation",
        "purchase_quotation_intake",
    ] {
        let o = with(json!({ "recordType": t }));
        let built = order_from_json(&text, &o);
        assert!(!built.issues.has_errors(), "{:?}", built.issues);
        let record = built.payload.unwrap();
        let xml_text = record.to_xml();
        // An empty text Rails reads as "" (oe.ordnumber is NOT NULL), and the quote number.
        assert!(
            xml_text.starts_with(&format!(
                "<order>\n  <order-number type=\"string\"/>\n  <quote-number>{}</quote-number>\n",
                order["number"].as_str().unwrap()
            )),
            "{xml_text}"
        );
        assert_eq!(record.to_json()["order"]["order_number"], "");
        assert_eq!(record.to_json()["order"]["quote_number"], order["number"]);
        // Found by its quotation number.
        let step = sync_step(&text, &config(), &o, None, None);
        let found_customer = sync_step(
            &text,
            &config(),
            &o,
            Some(step.state),
            Some((200, "<customers type=\"array\"><customer><id type=\"integer\">5</id></customer></customers>")),
        );
        let url = found_customer.request.unwrap().url;
        assert!(url.contains("/orders?quote_number="), "{url}");
        // kivitendo's own numbering would give a quotation a sales order number: the shop's
        // number stays the quotation number.
        let o = with(json!({ "recordType": t, "orderNumber": "kivitendo" }));
        let record = order_from_json(&text, &o).payload.unwrap();
        assert_eq!(record.to_json()["order"]["quote_number"], order["number"]);
    }
    for t in [
        "sales_order",
        "sales_order_intake",
        "purchase_order",
        "purchase_order_confirmation",
    ] {
        assert!(!kivitendo::is_quotation(t));
    }
    let mut issues = Issues::new();
    let req = request(
        "findOrders",
        r#"{"quoteNumber": "A 1"}"#,
        &config(),
        &Options::default(),
        &mut issues,
    )
    .unwrap();
    assert!(
        req.url.ends_with("/api/v1/orders?quote_number=A%201"),
        "{}",
        req.url
    );
}

#[test]
fn products_need_their_booking_group_and_a_known_unit() {
    let none = Options::default();
    let p = json!({"productnumber": "P-1", "unit": "Stck", "partType": "part"});
    assert_eq!(
        codes(&build_product(&p, &none).issues),
        vec![("taxGroupId".into(), "missing_field".into())]
    );
    let mut ok = p.clone();
    ok["taxGroupId"] = json!(859);
    assert!(build_product(&ok, &none).issues.is_empty());
    ok["unit"] = json!("Flasche");
    assert_eq!(
        codes(&build_product(&ok, &none).issues),
        vec![("unit".into(), "unknown_unit".into())]
    );
    let flasche = options(json!({"units": ["Flasche"]}));
    assert!(build_product(&ok, &flasche).issues.is_empty());
    let mut issues = Issues::new();
    assert!(request(
        "createProduct",
        &p.to_string(),
        &config(),
        &none,
        &mut issues
    )
    .is_none());
    assert_eq!(
        codes(&issues),
        vec![("taxGroupId".into(), "missing_field".into())]
    );
}

#[test]
fn the_customer_number_is_the_shops_only_when_asked() {
    let text = fixture("kivitendo/customer_seed_example.order.json");
    let mut order: Value = serde_json::from_str(&text).unwrap();
    let plain = customer_from_json(&text, &options(json!({"taxzoneId": 4, "currencyId": 1})));
    assert!(kivitendo::field(&plain.payload.unwrap().fields, "customernumber").is_none());
    order["customer"]["id"] = json!("K-1001");
    let shop = options(json!({"taxzoneId": 4, "currencyId": 1, "customerNumber": "shop"}));
    let built = customer_from_json(&order.to_string(), &shop);
    assert!(built
        .payload
        .unwrap()
        .to_xml()
        .starts_with("<customer>\n  <customernumber>K-1001</customernumber>\n"));
    order["customer"]["id"] = Value::Null;
    assert!(codes(&customer_from_json(&order.to_string(), &shop).issues)
        .contains(&("customer.id".into(), "missing_field".into())));
    let mut issues = Issues::new();
    Options::from_value(&json!({"customerNumber": "kivitendo"}), &mut issues);
    assert_eq!(
        codes(&issues),
        vec![("options.customerNumber".into(), "invalid_value".into())]
    );
}

#[test]
fn answers_as_the_real_plugin_gives_them() {
    // XML served as application/json: read by its first character.
    let created = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<customer>\n  <id type=\"integer\">1119</id>\n  <errors></errors>\n</customer>\n";
    let r = interpret("createCustomer", 200, created);
    assert_eq!(r.outcome, Outcome::Accepted);
    assert_eq!(r.data.unwrap()["id"], 1119);
    // Updates: 200 with <id> and <errors>.
    let r = interpret("updateCustomer", 200, created);
    assert_eq!(r.outcome, Outcome::Accepted);
    assert!(r.issues.is_empty());
    let r = interpret(
        "updateCustomer",
        200,
        "<customer><id type=\"integer\">1119</id><errors>Name can't be blank</errors></customer>",
    );
    assert_eq!(r.outcome, Outcome::Rejected);
    assert!(r.issues.as_slice()[0]
        .message
        .contains("Name can't be blank"));
    // An unknown id: 200 with an empty nil-classes array.
    let r = interpret(
        "getCustomer",
        200,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<nil-classes type=\"array\"/>\n",
    );
    assert_eq!(r.outcome, Outcome::Rejected);
    assert_eq!(codes(&r.issues), vec![("".into(), "not_found".into())]);
    let r = interpret(
        "getCustomer",
        200,
        "<customer><id type=\"integer\">7</id><name>A</name></customer>",
    );
    assert_eq!(r.outcome, Outcome::Accepted);
    // An empty look-up is no failure.
    let r = interpret("findCustomers", 200, "<customer type=\"array\"/>");
    assert_eq!((r.outcome, r.data), (Outcome::Accepted, Some(json!([]))));
    // Every database failure is a bare 500: retried, with a reason that says so.
    let bare = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hash>\n  <status type=\"integer\">500</status>\n  <error>Internal Server Error</error>\n</hash>\n";
    let r = interpret("createOrder", 500, bare);
    assert_eq!(r.outcome, Outcome::Retry);
    assert!(r.issues.as_slice()[0].message.contains("database rule"));
    // A validation named by Rails (422) is permanent, with its reason.
    let r = interpret(
        "createCustomer",
        422,
        "<hash><status>422</status><error>Validation failed: Name can't be blank</error></hash>",
    );
    assert_eq!(r.outcome, Outcome::Rejected);
    assert!(r.issues.as_slice()[0]
        .message
        .contains("Name can't be blank"));
    // Rails' 400 (a document without its root) and 422 are permanent too.
    for status in [400, 422] {
        assert_eq!(
            interpret("createOrder", status, bare).outcome,
            Outcome::Rejected
        );
    }
}

#[test]
fn a_create_failing_twice_with_500_ends_the_sync_rejected_in_words() {
    let order = fixture("b2c_online_wine.json");
    let mut o = order_options();
    o.customer_id = None;
    let bare =
        "<hash><status type=\"integer\">500</status><error>Internal Server Error</error></hash>";
    let empty = "<customer type=\"array\"/>";
    let start = sync_step(&order, &config(), &o, None, None);
    let create = sync_step(&order, &config(), &o, Some(start.state), Some((200, empty)));
    assert_eq!(create.state.step, SyncStep::CreateCustomer);
    // The first 500: sent again later (an outage looks the same).
    let first = sync_step(
        &order,
        &config(),
        &o,
        Some(create.state.clone()),
        Some((500, bare)),
    );
    assert_eq!(first.outcome, Some(Outcome::Retry));
    assert!(!first.done);
    assert!(first.state.server_error);
    // Kept across attempts: the worker stores the state and resumes at the look-up.
    let stored = serde_json::to_value(&first.state).unwrap();
    assert_eq!(stored["serverError"], true);
    let mut resumed = kontor::targets::kivitendo::requests::SyncState::from_value(&stored).unwrap();
    resumed.step = SyncStep::FindCustomer;
    let again = sync_step(&order, &config(), &o, Some(resumed), Some((200, empty)));
    assert_eq!(again.state.step, SyncStep::CreateCustomer);
    // The second: rejected, once, in words; no further request.
    let second = sync_step(&order, &config(), &o, Some(again.state), Some((500, bare)));
    assert!(second.done && second.request.is_none());
    assert_eq!(second.outcome, Some(Outcome::Rejected));
    let refused: Vec<_> = second
        .issues
        .iter()
        .filter(|i| i.code == "refused_by_kivitendo")
        .collect();
    assert_eq!(refused.len(), 1);
    assert!(refused[0]
        .message
        .contains("kivitendo 3.9.2 and 4.0.0 with the REST plugin 0.5.0"));
    assert!(refused[0].message.contains("4.1"));
    assert!(
        refused[0].message_de.contains("nicht erneut gesendet")
            || refused[0].message_de.contains("Nicht erneut gesendet")
    );
    // An outage answer (503) or a lost connection (0) never counts.
    let proxy = sync_step(
        &order,
        &config(),
        &o,
        Some(create.state.clone()),
        Some((503, "")),
    );
    assert!(!proxy.state.server_error);
    // A create that passes resets the count.
    let ok = sync_step(
        &order,
        &config(),
        &o,
        Some(first.state.clone()),
        Some((
            200,
            "<customer><id type=\"integer\">9</id><errors></errors></customer>",
        )),
    );
    assert_eq!(
        (ok.state.server_error, ok.state.step),
        (false, SyncStep::FindOrder)
    );
}

#[test]
fn updating_a_customer_says_that_existing_contacts_stay() {
    let text = fixture("kivitendo/customer_seed_example.order.json");
    let mut issues = Issues::new();
    let o = options(json!({"taxzoneId": 4, "currencyId": 1, "customerId": 1119}));
    let req = request("updateCustomer", &text, &config(), &o, &mut issues).unwrap();
    assert_eq!(req.method, Method::Put);
    assert!(req.url.ends_with("/api/v1/customers/1119"));
    let kept: Vec<_> = issues
        .iter()
        .filter(|i| i.code == "contacts_kept")
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].severity, kontor::Severity::Warning);
    assert!(!issues.has_errors());
    let mut issues = Issues::new();
    let no_contact = options(json!({"taxzoneId": 4, "currencyId": 1, "customerId": 1119}));
    let mut company_only: Value = serde_json::from_str(&text).unwrap();
    for k in ["firstName", "lastName"] {
        company_only["customer"].as_object_mut().unwrap().remove(k);
    }
    company_only
        .as_object_mut()
        .unwrap()
        .remove("shippingAddress");
    let req = request(
        "updateCustomer",
        &company_only.to_string(),
        &config(),
        &no_contact,
        &mut issues,
    );
    assert!(req.is_some(), "{issues:?}");
    assert!(
        issues.iter().all(|i| i.code != "contacts_kept"),
        "{issues:?}"
    );
}
