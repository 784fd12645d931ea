//! OmniSeller HTKService4 end to end through `dispatch`, over the wiki's samples: token,
//! session expiry, function calls, the envelope, the category tree into kivitendo documents,
//! and an (undocumented) order mapped into a canonical order that builds for kivitendo.

use kontor::dispatch::{interpret_response, request};
use kontor::http::{Method, Outcome};
use kontor::sources::omniseller::{kivitendo_category_documents, order_from};
use kontor::targets::kivitendo::record::Format;
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json_fixture(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// 2021-02-17T12:50:25Z: the wiki's `creationdate` (13:50:25 in Germany).
const NOW: i64 = 1_613_566_225;

fn codes(issues: &kontor::Issues) -> Vec<&str> {
    issues.iter().map(|i| i.code.as_str()).collect()
}

fn base() -> Value {
    json!({"baseUrl": "https://shop.example.com", "username": "apiuser", "password": "apipass"})
}

fn session() -> Value {
    let answer = interpret_response(
        "omniseller",
        "requestToken",
        200,
        &fixture("omniseller/token_answer.json"),
        NOW,
    );
    assert_eq!(answer.outcome, Outcome::Accepted);
    answer.data.unwrap()
}

fn with_session(session: &Value) -> Value {
    let mut c = base();
    c["session"] = session.clone();
    c
}

#[test]
fn the_token_request_and_answer_follow_the_wiki() {
    let r = request("omniseller", "requestToken", "null", &base(), NOW);
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    let req = r.request.unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.url,
        "https://shop.example.com/omniseller/Tokenrequest.php"
    );
    let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    assert_eq!(body, json!({"apiuser": "apiuser", "apipass": "apipass"}));
    // timeLeft 900 s from now; the zone-less expirationdate is not trusted.
    assert_eq!(
        session(),
        json!({"token": "410C2DC6-88F0-4DAA-81DF-F3A62299B467", "expiresAt": "2021-02-17T13:05:25+00:00", "user": "apiuser"})
    );
}

#[test]
fn calls_carry_token_function_and_data_and_stop_before_the_token_expires() {
    let s = session();
    let cases = [
        ("getCategories", "null", "5", ""),
        ("getOrderIds", "null", "12", ""),
        (
            "getOrder",
            "\"6132af04178eabb83271b3c6579431be\"",
            "11",
            "6132af04178eabb83271b3c6579431be",
        ),
    ];
    for (op, input, function, data) in cases {
        let r = request("omniseller", op, input, &with_session(&s), NOW + 600);
        assert!(r.issues.is_empty(), "{op}: {:?}", r.issues);
        let req = r.request.unwrap();
        assert_eq!(
            req.url,
            "https://shop.example.com/omniseller/HTKService4.php"
        );
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"token": "410C2DC6-88F0-4DAA-81DF-F3A62299B467", "function": function, "data": data})
        );
    }
    // 840 s into a 900 s token: inside the 60 s margin, so no call is built.
    let late = request(
        "omniseller",
        "getCategories",
        "null",
        &with_session(&s),
        NOW + 840,
    );
    assert!(late.request.is_none());
    assert_eq!(codes(&late.issues), ["session_expired"]);
    assert!(late.issues.as_slice()[0].message.contains("requestToken"));
    // A session kept as Unix milliseconds (Date.now()) works the same.
    let ms = json!({"token": "t", "expiresAt": (NOW + 900) * 1000});
    assert!(
        request("omniseller", "getOrderIds", "null", &with_session(&ms), NOW)
            .request
            .is_some()
    );
}

#[test]
fn missing_session_stock_number_and_order_id_are_named() {
    let none = request("omniseller", "getCategories", "null", &base(), NOW);
    assert_eq!(codes(&none.issues), ["missing_session"]);
    let s = session();
    let stock = request("omniseller", "getStock", "null", &with_session(&s), NOW);
    assert_eq!(codes(&stock.issues), ["missing_option"]);
    assert_eq!(stock.issues.as_slice()[0].path, "config.stockFunction");
    let mut c = with_session(&s);
    c["stockFunction"] = json!(7);
    let stock = request("omniseller", "getStock", "{\"sku\":\"TB-05\"}", &c, NOW);
    let body: Value =
        serde_json::from_str(stock.request.unwrap().body.as_deref().unwrap()).unwrap();
    assert_eq!(body["function"], "7");
    assert_eq!(body["data"], "{\"sku\":\"TB-05\"}");
    let order = request("omniseller", "getOrder", "{}", &with_session(&s), NOW);
    assert_eq!(codes(&order.issues), ["missing_field"]);
    let display_id = request(
        "omniseller",
        "getOrder",
        "{\"id\":2}",
        &with_session(&s),
        NOW,
    );
    assert_eq!(codes(&display_id.issues), ["invalid_type"]);
    assert!(display_id.issues.as_slice()[0]
        .message
        .contains("DisplayID"));
    let nobase = request("omniseller", "requestToken", "null", &json!({}), NOW);
    assert_eq!(
        codes(&nobase.issues),
        ["missing_base_url", "missing_credentials"]
    );
    let mut plain = base();
    plain["baseUrl"] = json!("http://shop.example.com");
    let plain = request("omniseller", "requestToken", "null", &plain, NOW);
    assert_eq!(codes(&plain.issues), ["invalid_base_url"]);
}

#[test]
fn the_envelope_decides_the_outcome() {
    let failed = interpret_response(
        "omniseller",
        "getCategories",
        200,
        r#"{"status":"ERROR","debugMessage":"Token abgelaufen","data":""}"#,
        NOW,
    );
    assert_eq!(failed.outcome, Outcome::Rejected);
    assert!(failed.issues.as_slice()[0]
        .message
        .contains("Token abgelaufen"));
    let bad_login = interpret_response(
        "omniseller",
        "requestToken",
        200,
        r#"{"status":"ERROR","debugMessage":"wrong apipass"}"#,
        NOW,
    );
    assert_eq!(bad_login.outcome, Outcome::AuthFailed);
    let down = interpret_response("omniseller", "getOrderIds", 503, "", NOW);
    assert_eq!(down.outcome, Outcome::Retry);
    let html = interpret_response("omniseller", "getOrderIds", 200, "<html>", NOW);
    assert_eq!(codes(&html.issues), ["malformed_answer"]);
    let ids = interpret_response(
        "omniseller",
        "getOrderIds",
        200,
        &fixture("omniseller/order_ids_answer.json"),
        NOW,
    );
    assert_eq!(ids.outcome, Outcome::Accepted);
    assert_eq!(ids.data.unwrap()[0]["DisplayID"], 2);
}

#[test]
fn categories_become_a_tree_and_kivitendo_documents() {
    let answer = interpret_response(
        "omniseller",
        "getCategories",
        200,
        &fixture("omniseller/categories_answer.json"),
        NOW,
    );
    assert_eq!(answer.outcome, Outcome::Accepted);
    assert_eq!(codes(&answer.issues), ["orphan_category"]);
    let tree = answer.data.unwrap();
    let rows: Vec<(&str, u64, bool)> = tree
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["depth"].as_u64().unwrap(),
                c["active"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Möbel", 0, true),
            ("Stühle", 1, true),
            ("Tische", 1, true),
            ("Archiv", 0, false)
        ]
    );
    // From the raw answer and from the interpreted tree alike.
    for input in [json_fixture("omniseller/categories_answer.json"), tree] {
        let docs = kivitendo_category_documents(&input, Format::Xml);
        assert_eq!(docs.documents.len(), 4);
        assert_eq!(
            docs.documents[3].xml.as_deref(),
            Some("<category>\n  <name>Archiv</name>\n  <sortkey>40</sortkey>\n  <obsolete>true</obsolete>\n</category>\n")
        );
        assert_eq!(
            docs.documents[0].omniseller_id,
            "1c59e65e30bcaa3a694b818d0b62adb0"
        );
    }
}

#[test]
fn an_order_maps_by_table_into_a_valid_canonical_order() {
    let mapped = order_from(
        &json_fixture("omniseller/order_answer.json"),
        &json_fixture("omniseller/order_mapping.json"),
    );
    assert!(mapped.valid, "{:#?}", mapped.issues);
    assert!(mapped.issues.is_empty(), "{:#?}", mapped.issues);
    let order = mapped.order.unwrap();
    assert_eq!(order["number"], "2");
    assert_eq!(order["orderedAt"], "2021-02-17T13:50:25+01:00");
    assert_eq!(order["items"][0]["unitPrice"], "7.50");
    assert_eq!(order["items"][1]["quantity"], 1);
    assert_eq!(order["shipping"]["cost"], "4.90");
    // The mapped order builds for the other systems, e.g. a kivitendo customer.
    let opts = json!({"taxzoneId": 4, "currencyId": 1});
    let mut issues = kontor::Issues::new();
    let options = kontor::targets::kivitendo::Options::from_value(&opts, &mut issues);
    let (o, order_issues) = kontor::Order::from_value(&order);
    assert!(order_issues.is_empty());
    let built = kontor::targets::kivitendo::build_customer(&o, issues, &options);
    let xml = built.payload.unwrap().to_xml();
    assert!(xml.contains("<street>Teststraße 42</street>"), "{xml}");
}

#[test]
fn without_a_mapping_or_an_order_the_error_says_what_is_missing() {
    let none = order_from(&json_fixture("omniseller/order_answer.json"), &Value::Null);
    assert!(!none.valid && none.order.is_none());
    assert_eq!(codes(&none.issues), ["missing_mapping"]);
    assert!(none.issues.as_slice()[0]
        .message
        .contains("field-path table"));
    let empty = order_from(
        &json!({"status": "OK", "debugMessage": "", "data": ""}),
        &json_fixture("omniseller/order_mapping.json"),
    );
    assert_eq!(codes(&empty.issues), ["missing_order"]);
    // A mapping that misses a required field: the source is named, and the order's own error.
    let partial = order_from(
        &json_fixture("omniseller/order_answer.json"),
        &json!({"number": "OXORDERNO"}),
    );
    assert!(!partial.valid);
    let c = codes(&partial.issues);
    assert_eq!(c[0], "mapping_source_missing");
    assert!(c.contains(&"missing_field"), "{c:?}");
}
