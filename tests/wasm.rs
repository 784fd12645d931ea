//! The exported functions through the real JS boundary, run by wasm-bindgen-test in Node and
//! (with `WASM_BINDGEN_USE_BROWSER=1`) in headless Chromium. `scripts/test.sh` runs both.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use kontor::wasm::{
    from_omniseller_order, interpret_response, omniseller_to_kivitendo_categories,
    parse_kivitendo_xml, request, split_street, to_geisenheim, to_kivitendo_customer_xml,
    to_westarp_order, validate_order, westarp_shipping_cost,
};

const SEED_ORDER: &str = include_str!("fixtures/geisenheim_seed_example.order.json");
const SALT: &str = r#"{"recipientSalt":"a-long-secret-salt-of-this-shop"}"#;

fn get(v: &JsValue, path: &str) -> JsValue {
    let mut cur = v.clone();
    for key in path.split('.') {
        cur = match key.parse::<u32>() {
            Ok(i) => Reflect::get_u32(&cur, i).unwrap_or(JsValue::UNDEFINED),
            Err(_) => Reflect::get(&cur, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED),
        };
    }
    cur
}

fn parse(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

fn issue_codes(result: &JsValue) -> Vec<String> {
    Array::from(&get(result, "issues"))
        .iter()
        .map(|i| get(&i, "code").as_string().unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
fn object_and_string_inputs_give_the_same_payload() {
    let from_object = to_geisenheim(parse(SEED_ORDER), Some(parse(SALT)));
    let from_string = to_geisenheim(JsValue::from_str(SEED_ORDER), Some(parse(SALT)));
    assert_eq!(
        JSON::stringify(&from_object).unwrap().as_string(),
        JSON::stringify(&from_string).unwrap().as_string()
    );
    assert_eq!(
        get(&from_object, "payload.items.0.price").as_f64(),
        Some(7.5)
    );
    assert_eq!(get(&from_object, "payload.items.0.tax").as_f64(), Some(1.2));
    assert_eq!(
        get(&from_object, "payload.recipient.postalCode")
            .as_string()
            .as_deref(),
        Some("124")
    );
    assert_eq!(Array::from(&get(&from_object, "issues")).length(), 0);
}

#[wasm_bindgen_test]
fn malformed_json_is_one_issue_not_a_throw() {
    let r = validate_order(JsValue::from_str("{\"number\": \"1\",\n oops"), None);
    assert_eq!(issue_codes(&r), vec!["malformed_json"]);
    assert_eq!(get(&r, "valid").as_bool(), Some(false));
    let msg = get(&r, "issues.0.message").as_string().unwrap();
    assert!(msg.contains("line 2"), "{msg}");
}

#[wasm_bindgen_test]
fn cyclic_objects_and_missing_input_are_issues() {
    let cyclic = Object::new();
    Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
    assert_eq!(
        issue_codes(&validate_order(cyclic.into(), None)),
        vec!["invalid_input"]
    );
    assert_eq!(
        issue_codes(&to_geisenheim(JsValue::UNDEFINED, None)),
        vec!["missing_input"]
    );
}

#[wasm_bindgen_test]
fn errors_carry_paths_and_german_messages_and_no_payload() {
    let mut order: serde_json::Value = serde_json::from_str(SEED_ORDER).unwrap();
    order["items"][0]["product"]["quality"] = serde_json::json!("Sekt");
    let r = to_geisenheim(JsValue::from_str(&order.to_string()), Some(parse(SALT)));
    assert!(get(&r, "payload").is_undefined());
    let issue = get(&r, "issues.0");
    assert_eq!(
        get(&issue, "path").as_string().as_deref(),
        Some("items[0].product.quality")
    );
    assert_eq!(
        get(&issue, "severity").as_string().as_deref(),
        Some("error")
    );
    assert!(get(&issue, "messageDe")
        .as_string()
        .unwrap()
        .contains("Qualitätsstufe"));
}

#[wasm_bindgen_test]
fn request_builds_basic_auth_for_staging() {
    let r = request(
        "geisenheim",
        "createOrder",
        JsValue::from_str(SEED_ORDER),
        Some(parse(
            r#"{"username":"api@test.de","password":"pw141819","recipientSalt":"a-long-secret-salt-of-this-shop"}"#,
        )),
    );
    assert_eq!(get(&r, "ok").as_bool(), Some(true));
    assert_eq!(
        get(&r, "request.method").as_string().as_deref(),
        Some("POST")
    );
    assert_eq!(
        get(&r, "request.url").as_string().as_deref(),
        Some("https://api.staging.geisenheim-portal.de/erp/orders")
    );
    assert_eq!(
        get(&r, "request.headers.Authorization")
            .as_string()
            .as_deref(),
        Some("Basic YXBpQHRlc3QuZGU6cHcxNDE4MTk=")
    );
    let body = parse(&get(&r, "request.body").as_string().unwrap());
    assert_eq!(get(&body, "id").as_f64(), Some(3459872.0));
}

#[wasm_bindgen_test]
fn interpret_response_maps_statuses() {
    let outcome = |status: u16, body: &str| {
        get(
            &interpret_response("geisenheim", "createOrder", status, Some(body.into())),
            "outcome",
        )
        .as_string()
        .unwrap()
    };
    assert_eq!(outcome(200, "{}"), "accepted");
    assert_eq!(
        outcome(400, r#"{"errors":{"recipient.postalCode":["invalid"]}}"#),
        "rejected"
    );
    assert_eq!(outcome(401, ""), "auth_failed");
    assert_eq!(outcome(503, ""), "retry");
    let r = interpret_response(
        "geisenheim",
        "createOrder",
        400,
        Some(r#"{"errors":{"items.0.price":["too high"]}}"#.into()),
    );
    assert_eq!(
        get(&r, "issues.0.path").as_string().as_deref(),
        Some("items[0].price")
    );
}

#[wasm_bindgen_test]
fn ten_thousand_items_and_huge_strings_are_handled() {
    let item = r#"{"sku":"X","quantity":1,"unitPrice":1,"taxRate":19,"product":{"kind":"other","bottleSizeMl":750}}"#;
    let items = vec![item; 10_000].join(",");
    let big = format!(
        r#"{{"number":"1","invoiceId":1,"orderedAt":"2024-01-01T10:00:00Z","customer":{{"id":"c"}},"billingAddress":{{"street":"A 1","zip":"10115","city":"{}","country":"DE"}},"shipping":{{"carrier":"DHL"}},"items":[{items}]}}"#,
        "x".repeat(1 << 20)
    );
    let r = to_geisenheim(JsValue::from_str(&big), Some(parse(SALT)));
    assert!(issue_codes(&r).contains(&"too_long".to_owned()));
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(
        issue_codes(&validate_order(JsValue::from_str(&deep), None)),
        vec!["malformed_json"]
    );
}

const KIVITENDO_ORDER: &str = include_str!("fixtures/kivitendo/customer_seed_example.order.json");
const KIVITENDO_XML: &str = include_str!("fixtures/kivitendo/customer_seed_example.xml");
const KIVITENDO_BROKEN: &str = include_str!("fixtures/kivitendo/customer_seed_broken.xml");

#[wasm_bindgen_test]
fn kivitendo_customer_xml_matches_the_slides() {
    let r = to_kivitendo_customer_xml(
        JsValue::from_str(KIVITENDO_ORDER),
        Some(parse(
            r#"{"taxzoneId":4,"currencyId":1,"legacyFirstNameTag":true}"#,
        )),
    );
    assert_eq!(get(&r, "xml").as_string().as_deref(), Some(KIVITENDO_XML));
}

#[wasm_bindgen_test]
fn kivitendo_broken_xml_names_line_and_column() {
    let r = parse_kivitendo_xml(KIVITENDO_BROKEN);
    assert_eq!(issue_codes(&r), vec!["malformed_xml"]);
    assert!(get(&r, "issues.0.message")
        .as_string()
        .unwrap()
        .contains("line 27"));
    let ok = parse_kivitendo_xml(KIVITENDO_XML);
    assert_eq!(
        get(&ok, "data.contacts.0.fist_name").as_string().as_deref(),
        Some("Piet")
    );
}

#[wasm_bindgen_test]
fn westarp_order_and_street_splitting() {
    let order = include_str!("fixtures/westarp/order_seed_example.order.json");
    let r = to_westarp_order(JsValue::from_str(order), Some(parse(r#"{"type":"email"}"#)));
    assert_eq!(
        get(&r, "payload.payment_address.street")
            .as_string()
            .as_deref(),
        Some("Waßmannsdorfer Chaussee")
    );
    assert_eq!(
        get(&r, "payload.payment_address.house_number")
            .as_string()
            .as_deref(),
        Some("98")
    );
    assert_eq!(
        get(&r, "payload.items.0.isbn").as_string().as_deref(),
        Some("9784178702706")
    );
    let s = split_street("In den 30 Morgen 34b");
    assert_eq!(
        get(&s, "street").as_string().as_deref(),
        Some("In den 30 Morgen")
    );
    assert_eq!(get(&s, "houseNumber").as_string().as_deref(), Some("34b"));
}

#[wasm_bindgen_test]
fn westarp_shipping_cost_by_weight() {
    let dhl = parse(r#"{"type":"weight","rates":{"0":2.95,"1001":4.99}}"#);
    assert_eq!(
        get(&westarp_shipping_cost(dhl.clone(), 1001.0), "cost").as_f64(),
        Some(4.99)
    );
    assert_eq!(
        issue_codes(&westarp_shipping_cost(dhl, 1.5)),
        vec!["out_of_range"]
    );
}

const OMNI_ORDER: &str = include_str!("fixtures/omniseller/order_answer.json");
const OMNI_MAPPING: &str = include_str!("fixtures/omniseller/order_mapping.json");

#[wasm_bindgen_test]
fn omniseller_orders_map_by_function_or_table() {
    let by_table = from_omniseller_order(parse(OMNI_ORDER), parse(OMNI_MAPPING));
    assert_eq!(
        get(&by_table, "valid").as_bool(),
        Some(true),
        "{:?}",
        issue_codes(&by_table)
    );
    assert_eq!(
        get(&by_table, "order.items.0.unitPrice")
            .as_string()
            .as_deref(),
        Some("7.50")
    );
    // A JS function gets the envelope's `data` as an object.
    let f = js_sys::Function::new_with_args(
        "o",
        "return { number: String(o.OXORDERNR), orderedAt: '2021-02-17T12:50:25Z', \
         customer: { email: o.Customer.OXUSERNAME }, \
         billingAddress: { street: o.BillAddress.OXBILLSTREET + ' ' + o.BillAddress.OXBILLSTREETNR, \
           zip: o.BillAddress.OXBILLZIP, city: o.BillAddress.OXBILLCITY, country: 'DE' }, \
         items: o.Articles.map(a => ({ sku: a.OXARTNUM, quantity: Number(a.OXAMOUNT), \
           unitPrice: String(a.OXBPRICE).replace(',', '.'), taxRate: 19 })) };",
    );
    let by_fn = from_omniseller_order(JsValue::from_str(OMNI_ORDER), f.into());
    assert_eq!(
        get(&by_fn, "valid").as_bool(),
        Some(true),
        "{:?}",
        issue_codes(&by_fn)
    );
    assert_eq!(
        get(&by_fn, "order.number").as_string().as_deref(),
        Some("2")
    );
    // A throwing function, an async one, one returning nothing, and none at all are issues.
    for (body, says) in [
        ("throw new Error('no Articles here')", "no Articles here"),
        ("o.OXORDERNR", "returned nothing"),
        ("return Promise.resolve({})", "Promise"),
    ] {
        let f = js_sys::Function::new_with_args("o", body);
        let r = from_omniseller_order(parse(OMNI_ORDER), f.into());
        assert_eq!(issue_codes(&r), vec!["mapping_failed"], "{body}");
        assert!(
            get(&r, "issues.0.message")
                .as_string()
                .unwrap_or_default()
                .contains(says),
            "{body}"
        );
    }
    assert_eq!(
        issue_codes(&from_omniseller_order(
            parse(OMNI_ORDER),
            JsValue::UNDEFINED
        )),
        vec!["missing_mapping"]
    );
}

#[wasm_bindgen_test]
fn omniseller_session_calls_and_categories() {
    let config = parse(
        r#"{"baseUrl":"https://shop.example.com","username":"apiuser","password":"apipass"}"#,
    );
    let token = interpret_response(
        "omniseller",
        "requestToken",
        200,
        Some(include_str!("fixtures/omniseller/token_answer.json").into()),
    );
    assert_eq!(
        get(&token, "outcome").as_string().as_deref(),
        Some("accepted")
    );
    let session = get(&token, "data");
    Reflect::set(&config, &"session".into(), &session).unwrap();
    let call = request(
        "omniseller",
        "getOrder",
        JsValue::from_str("6132af04178eabb83271b3c6579431be"),
        Some(config.clone()),
    );
    assert_eq!(issue_codes(&call), Vec::<String>::new());
    let body = parse(&get(&call, "request.body").as_string().unwrap_or_default());
    assert_eq!(get(&body, "function").as_string().as_deref(), Some("11"));
    // A session that ends in 30 s (engine clock) is renewed before any call.
    let soon = js_sys::Date::now() + 30_000.0;
    Reflect::set(&session, &"expiresAt".into(), &JsValue::from_f64(soon)).unwrap();
    let late = request("omniseller", "getOrderIds", JsValue::NULL, Some(config));
    assert_eq!(issue_codes(&late), vec!["session_expired"]);
    let docs = omniseller_to_kivitendo_categories(
        JsValue::from_str(include_str!("fixtures/omniseller/categories_answer.json")),
        None,
    );
    assert_eq!(Array::from(&get(&docs, "documents")).length(), 4);
    assert_eq!(issue_codes(&docs), vec!["orphan_category"]);
}

#[wasm_bindgen_test]
fn kvik_requests_are_https_gzip_and_json() {
    let r = request(
        "kvik",
        "updateOrder",
        parse(r#"{"id":1001,"changes":{"status":"shipped"}}"#),
        Some(parse(
            r#"{"baseUrl":"https://yourshopname.com","token":"t"}"#,
        )),
    );
    assert_eq!(
        get(&r, "request.method").as_string().as_deref(),
        Some("PATCH")
    );
    assert_eq!(
        get(&r, "request.headers.Accept-Encoding")
            .as_string()
            .as_deref(),
        Some("gzip")
    );
    assert_eq!(
        get(&r, "request.headers.Content-Type")
            .as_string()
            .as_deref(),
        Some("application/json")
    );
    let http = request(
        "kvik",
        "listOrders",
        JsValue::NULL,
        Some(parse(
            r#"{"baseUrl":"http://yourshopname.com","token":"t"}"#,
        )),
    );
    assert!(issue_codes(&http).contains(&"https_required".to_owned()));
}
