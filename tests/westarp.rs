//! Westarp order bodies from canonical orders: the document's order sample reproduced,
//! street splitting, ISBNs, payment method ids, required fields.

use kontor::issue::Issues;
use kontor::targets::westarp::{build_from_json, Options};
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn email_type() -> Options {
    let mut issues = Issues::new();
    let o = Options::from_value(&json!({"type": "email"}), &mut issues);
    assert!(issues.is_empty());
    o
}

#[test]
fn the_documents_order_sample_is_reproduced() {
    let built = build_from_json(
        &fixture("westarp/order_seed_example.order.json"),
        &email_type(),
    );
    assert!(built.issues.is_empty(), "{:#?}", built.issues);
    let mut got = serde_json::to_value(built.payload.unwrap()).unwrap();
    let mut want: Value =
        serde_json::from_str(&fixture("westarp/order_seed_example.expected.json")).unwrap();
    // kontor sends ISBNs as 13 plain digits and the order time, which the sample leaves out.
    assert_eq!(got["items"][0]["isbn"], "9784178702706");
    want["items"][0]["isbn"] = json!("9784178702706");
    assert_eq!(got["created_at"], "2019-08-20T10:00:00+00:00");
    got.as_object_mut().unwrap().remove("created_at");
    assert_eq!(got, want);
}

#[test]
fn unmapped_payment_methods_bad_isbns_and_returns_are_errors() {
    let mut order: Value =
        serde_json::from_str(&fixture("westarp/order_seed_example.order.json")).unwrap();
    order["payment"]["method"] = json!("paypal");
    order["items"][0]["isbn"] = json!("978-4-1787-0270-5");
    order["items"][0]["quantity"] = json!(-1);
    order["billingAddress"]["street"] = json!("Am Markt");
    order.as_object_mut().unwrap().remove("shipping");
    let built = build_from_json(&order.to_string(), &email_type());
    assert!(built.payload.is_none());
    let got: Vec<(String, String)> = built
        .issues
        .iter()
        .map(|i| (i.path.clone(), i.code.clone()))
        .collect();
    for (p, c) in [
        ("payment.method", "unmapped_payment_method"),
        ("items[0].isbn", "invalid_isbn"),
        ("items[0].quantity", "negative_quantity"),
        ("billingAddress.street", "unsplittable_street"),
        ("shipping.methodName", "missing_field"),
        ("shipping.cost", "missing_field"),
    ] {
        assert!(got.contains(&(p.into(), c.into())), "{p} {c} in {got:?}");
    }
}

#[test]
fn configured_payment_ids_and_isbn10_work() {
    let mut issues = Issues::new();
    let o = Options::from_value(
        &json!({"paymentMethodIds": {"paypal": 8, "sepa": 2}}),
        &mut issues,
    );
    assert_eq!(
        issues.as_slice()[0].path,
        "options.paymentMethodIds.sepa",
        "2 is not a Westarp id"
    );
    let mut order: Value =
        serde_json::from_str(&fixture("westarp/order_seed_example.order.json")).unwrap();
    order["payment"]["method"] = json!("paypal");
    order["items"][0]["isbn"] = json!("3-499-13599-X");
    order["items"][0]
        .as_object_mut()
        .unwrap()
        .remove("discountPercent");
    let built = build_from_json(&order.to_string(), &o);
    let p = serde_json::to_value(built.payload.unwrap()).unwrap();
    assert_eq!(p["payment_method_id"], 8);
    assert_eq!(p["type"], "shop");
    assert_eq!(p["items"][0]["isbn"], "9783499135996");
    assert!(p["items"][0].get("discount_rate").is_none());
}

mod requests {
    use super::*;
    use kontor::http::{Config, Method, Outcome};
    use kontor::targets::westarp::requests::{interpret, next_page_input, request, Publisher};

    fn config() -> Config {
        Config {
            base_url: Some("https://api.example-westarp.de/v2".into()),
            token: Some("tok123".into()),
            ..Config::default()
        }
    }

    fn req(op: &str, input: Value) -> (Option<kontor::http::Request>, Vec<String>) {
        let mut issues = Issues::new();
        let r = request(
            op,
            &input.to_string(),
            &config(),
            &email_type(),
            &mut issues,
        );
        (
            r,
            issues
                .iter()
                .map(|i| format!("{} {}", i.path, i.code))
                .collect(),
        )
    }

    #[test]
    fn lists_carry_filters_and_bearer_auth() {
        let (r, issues) = req(
            "listBooks",
            json!({"publisherId": 78, "status": "non_web", "isbn": "978-0"}),
        );
        let r = r.unwrap();
        assert!(issues.is_empty());
        assert_eq!(
            r.url,
            "https://api.example-westarp.de/v2/books?publisher_id=78&status=nonweb&isbn=978-0"
        );
        assert_eq!(r.header("Authorization"), Some("Bearer tok123"));
        let (r, _) = req("listStocks", json!({"bookId": "62", "page": 2}));
        assert_eq!(
            r.unwrap().url,
            "https://api.example-westarp.de/v2/stocks?book_id=62&page=2"
        );
        let (r, _) = req("getBook", json!({"id": "78.154"}));
        assert_eq!(
            r.unwrap().url,
            "https://api.example-westarp.de/v2/books/78.154"
        );
        let (r, issues) = req("getOrder", json!({}));
        assert!(r.is_none());
        assert_eq!(issues, vec!["input.id missing_field"]);
        let (r, _) = req("getOrder", json!({"id": 2944}));
        assert_eq!(
            r.unwrap().url,
            "https://api.example-westarp.de/v2/orders/2944",
            "a whole-number id, as the declarations allow"
        );
        let (r, issues) = req("getOrder", json!({"id": -1}));
        assert!(r.is_none());
        assert_eq!(issues, vec!["input.id missing_field"]);
        let (r, _) = req("listShippingMethods", Value::Null);
        assert_eq!(
            r.unwrap().url,
            "https://api.example-westarp.de/v2/shipping-methods"
        );
    }

    #[test]
    fn deleting_a_book_needs_its_id_repeated() {
        let (r, issues) = req("deleteBook", json!({"id": "78.154"}));
        assert!(r.is_none());
        assert_eq!(issues, vec!["input.confirmDeletion confirmation_required"]);
        let (r, _) = req(
            "deleteBook",
            json!({"id": "78.154", "confirmDeletion": true}),
        );
        assert!(r.is_none(), "a boolean is not the id");
        let (r, _) = req(
            "deleteBook",
            json!({"id": "78.154", "confirmDeletion": "78.154"}),
        );
        let r = r.unwrap();
        assert_eq!(
            (r.method, r.url.as_str()),
            (
                Method::Delete,
                "https://api.example-westarp.de/v2/books/78.154"
            )
        );
    }

    #[test]
    fn book_bodies_are_checked() {
        let (r, issues) = req(
            "createBook",
            json!({"title": "Die verlorenen Träume", "status": "nonweb", "isbn13": "978-0-246810-14-6"}),
        );
        assert!(r.is_none());
        assert_eq!(
            issues,
            vec![
                "input.publisher_id missing_field",
                "input.isbn13 invalid_isbn"
            ]
        );
        let (r, issues) = req(
            "updateBook",
            json!({"id": "78.154", "status": "nonweb", "title": "Neu"}),
        );
        assert!(issues.is_empty(), "{issues:?}");
        let body: Value = serde_json::from_str(r.unwrap().body.as_deref().unwrap()).unwrap();
        assert_eq!(body, json!({"status": "non_web", "title": "Neu"}));
    }

    #[test]
    fn create_order_builds_the_body_and_needs_the_token() {
        let (r, issues) = req(
            "createOrder",
            serde_json::from_str(&fixture("westarp/order_seed_example.order.json")).unwrap(),
        );
        assert!(issues.is_empty(), "{issues:?}");
        let r = r.unwrap();
        assert_eq!(
            (r.method, r.header("Content-Type")),
            (Method::Post, Some("application/json"))
        );
        let mut issues = Issues::new();
        assert!(request(
            "listOrders",
            "{}",
            &Config::default(),
            &email_type(),
            &mut issues
        )
        .is_none());
        assert_eq!(
            issues.iter().map(|i| i.path.as_str()).collect::<Vec<_>>(),
            vec!["config.baseUrl", "config.token"]
        );
    }

    #[test]
    fn pages_are_followed_until_the_last() {
        let page1 =
            json!({"current_page": 1, "last_page": 3, "data": [], "next_page_url": "x?page=2"});
        let next = next_page_input(&json!({"publisherId": 78}), &page1).unwrap();
        assert_eq!(next, json!({"publisherId": 78, "page": 2}));
        assert_eq!(
            next_page_input(&next, &json!({"current_page": 3, "last_page": 3})),
            None
        );
        let stocks = json!({"data": [], "meta": {"current_page": 0, "from": 0, "last_page": 0}});
        assert_eq!(next_page_input(&json!({}), &stocks), None);
    }

    #[test]
    fn answers_mean_what_they_say() {
        let split = interpret(
            "createOrder",
            200,
            r#"{"data":[{"id":"74.1"},{"id":"76.2"}]}"#,
            &[],
        );
        assert_eq!(split.outcome, Outcome::Accepted);
        assert_eq!(split.data, Some(json!([{"id": "74.1"}, {"id": "76.2"}])));
        let unauth = interpret("listBooks", 401, r#"{"message":"Unauthenticated."}"#, &[]);
        assert_eq!(unauth.outcome, Outcome::AuthFailed);
        let invalid = interpret(
            "createOrder",
            422,
            r#"{"message":"The items.0.isbn field is invalid. (and 1 more error)","errors":{"items.0.isbn":["The items.0.isbn field is invalid."],"payment_address.zip_code":["required"]}}"#,
            &[],
        );
        assert_eq!(invalid.outcome, Outcome::Rejected);
        let paths: Vec<&str> = invalid.issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, vec!["items[0].isbn", "payment_address.zip_code"]);
        assert_eq!(
            interpret("listOrders", 503, "", &[]).outcome,
            Outcome::Retry
        );
    }

    #[test]
    fn vlb_secrets_never_show_unless_asked_for_by_name() {
        let body = r#"[{"id":51,"name":"Wundersam Verlag","short":"wundersam","email":"info@wundersam-verlag.de","vlb_user":"wundersam-652","vlb_pass":"624de7eb38","vlb_token":"174ccbd8-ba9e-470e-854f-b72ccdb9aba8","vlb_media_token":"c6799ac9-7916-4392-9065-cffc348629d4"}]"#;
        let r = interpret("listPublishers", 200, body, &[]);
        let text = r.data.as_ref().unwrap().to_string();
        assert!(
            !text.contains("624de7eb38")
                && !text.contains("174ccbd8")
                && !text.contains("c6799ac9"),
            "{text}"
        );
        assert!(text.contains("wundersam-652"));
        let r = interpret("listPublishers", 200, body, &["vlb_token".to_owned()]);
        let text = r.data.unwrap().to_string();
        assert!(text.contains("174ccbd8") && !text.contains("624de7eb38"));
        let v: Value = serde_json::from_str(body).unwrap();
        let p = Publisher::from_value(&v[0]).unwrap();
        let shown = format!("{p:?}");
        assert!(!shown.contains("624de7eb38") && shown.contains("[redacted]"));
        assert_eq!(p.vlb_pass.unwrap().reveal(), "624de7eb38");
    }
}

mod records {
    use super::*;
    use kontor::decimal::Decimal;
    use kontor::targets::westarp::records::{page, Book, BookStatus, OrderRecord, Stock};
    use std::str::FromStr;

    #[test]
    fn the_documents_list_samples_read_into_typed_records() {
        let books: Value =
            serde_json::from_str(&fixture("westarp/books_list_sample.json")).unwrap();
        let p = page(&books, Book::from_value);
        assert_eq!(p.items.len(), 1);
        let b = &p.items[0];
        assert_eq!((b.id.as_str(), b.publisher_id), ("78.154", Some(78)));
        assert_eq!(b.status, Some(BookStatus::Available));
        assert_eq!(b.price, Some(Decimal::from_str("19.95").unwrap()));
        assert_eq!(b.authors, vec!["Elias Silber"]);
        assert_eq!(p.page.map(|i| (i.current_page, i.last_page)), Some((1, 1)));

        let stocks: Value =
            serde_json::from_str(&fixture("westarp/stocks_list_sample.json")).unwrap();
        let s = page(&stocks, Stock::from_value);
        assert_eq!(
            s.items[0],
            Stock {
                id: "136".into(),
                storage_id: Some(4),
                place: Some("636".into()),
                book_id: Some("62".into()),
                quantity: 378
            }
        );

        let orders: Value =
            serde_json::from_str(&fixture("westarp/orders_list_sample.json")).unwrap();
        let o = page(&orders, OrderRecord::from_value);
        assert_eq!(o.items[0].code.as_deref(), Some("545515 8884 AAZ"));
        assert_eq!(
            o.items[0].total_net,
            Some(Decimal::from_str("48.14").unwrap())
        );
        assert_eq!(o.page.map(|i| i.last_page), Some(122));
    }

    #[test]
    fn both_spellings_of_nonweb_are_one_status() {
        assert_eq!(BookStatus::parse("nonweb"), BookStatus::NonWeb);
        assert_eq!(BookStatus::parse("non_web"), BookStatus::NonWeb);
        assert_eq!(
            BookStatus::parse("something_new"),
            BookStatus::Other("something_new".into())
        );
    }
}
