//! The pull's requests and answers, with answers shaped as the platforms' API references show
//! them (orders from the corpus in `tests/fixtures/shops/`).

// Test code only (`#[cfg(test)] mod tests;` in pull.rs): the four `panic!`s below fail a test
// when a fixture does not give what it should; none is compiled into the library or the Wasm
// module, so no shop's order can reach them.

use super::*;
use serde_json::json;

fn shop(platform: &str, config: Value) -> Shop {
    let mut issues = Issues::new();
    let s = Shop::from_value(platform, &config, &mut issues);
    assert!(!issues.has_errors(), "{issues:?}");
    // Test only: a config the test wrote must give a shop.
    s.unwrap_or_else(|| panic!("no shop"))
}

fn woo() -> Shop {
    shop(
        "woocommerce",
        json!({ "baseUrl": "https://weingut.example/", "consumerKey": "ck_1", "consumerSecret": "cs_2" }),
    )
}
fn shopify() -> Shop {
    shop(
        "shopify",
        json!({ "baseUrl": "https://weingut.myshopify.com", "accessToken": "shpat_x" }),
    )
}
fn shopware() -> Shop {
    shop(
        "shopware6",
        json!({ "baseUrl": "https://shop.example", "clientId": "SWIA1", "clientSecret": "s3" }),
    )
}

fn pos(since: &str) -> Position {
    // Test only: the test's own time must give a position.
    start(since, 0).unwrap_or_else(|| panic!("no position"))
}

fn codes(issues: &Issues) -> Vec<(String, String)> {
    issues
        .iter()
        .map(|i| (i.path.clone(), i.code.clone()))
        .collect()
}

fn fixture(path: &str) -> Value {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/shops/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

#[test]
fn a_shop_needs_its_address_and_credentials_and_debug_shows_none() {
    let mut issues = Issues::new();
    assert!(Shop::from_value("woocommerce", &json!({}), &mut issues).is_none());
    assert_eq!(
        codes(&issues),
        vec![
            ("config.baseUrl".into(), "missing_base_url".into()),
            ("config.consumerKey".into(), "missing_credentials".into()),
            ("config.consumerSecret".into(), "missing_credentials".into()),
        ]
    );
    let mut issues = Issues::new();
    assert!(Shop::from_value(
        "shopify",
        &json!({ "baseUrl": "http://weingut.myshopify.com", "accessToken": "t" }),
        &mut issues
    )
    .is_none());
    assert_eq!(issues.as_slice()[0].code, "invalid_base_url");
    let mut issues = Issues::new();
    assert!(Shop::from_value("magento", &json!({}), &mut issues).is_none());
    assert_eq!(issues.as_slice()[0].code, "unknown_platform");
    let mut issues = Issues::new();
    assert!(Shop::from_value(
        "shopify",
        &json!({ "baseUrl": "https://a.myshopify.com", "accessToken": "t", "pageSize": 251 }),
        &mut issues
    )
    .is_none());
    assert_eq!(issues.as_slice()[0].path, "config.pageSize");
    let d = format!("{:?}", shopware());
    assert!(!d.contains("SWIA1") && !d.contains("s3"), "{d}");
}

#[test]
fn a_pull_starts_an_overlap_before_the_watermark() {
    // Test only: a valid RFC 3339 time gives a position.
    let p = start("2026-03-01T10:00:00+01:00", OVERLAP_SECONDS)
        .unwrap_or_else(|| panic!("no position"));
    assert_eq!(p.since, "2026-03-01T08:50:00Z");
    assert_eq!((p.page, p.page_info), (1, None));
    assert_eq!(
        start("2026-01-01", 0).map(|p| p.since),
        Some("2026-01-01T00:00:00Z".into())
    );
    assert_eq!(start("yesterday", 0), None);
    assert_eq!(
        later(
            Some("2026-01-01T00:00:00Z"),
            Some("2026-01-01T02:00:00+03:00")
        ),
        Some("2026-01-01T00:00:00Z".into())
    );
    assert_eq!(
        later(Some("2026-01-01T00:00:00Z"), Some("2026-01-01T00:00:01Z")),
        Some("2026-01-01T00:00:01Z".into())
    );
    assert_eq!(later(None, Some("x")), None);
    // Capped at the run's start: an order changed behind the run is read again next time.
    assert_eq!(
        watermark(Some("2026-01-01T12:00:00Z"), "2026-01-01T11:00:00.123Z"),
        Some("2026-01-01T11:00:00Z".into())
    );
    assert_eq!(
        watermark(Some("2026-01-01T10:00:00Z"), "2026-01-01T11:00:00Z"),
        Some("2026-01-01T10:00:00Z".into())
    );
    assert_eq!(watermark(None, "2026-01-01T11:00:00Z"), None);
    assert_eq!(estimate_ms(250, Some(1000), 5000), Some(15000));
    assert_eq!(estimate_ms(0, Some(1000), 5000), None);
    assert_eq!(estimate_ms(10, None, 5000), None);
}

#[test]
fn woocommerce_lists_by_id_changed_since_with_basic_auth() {
    let r = list_request(&woo(), &pos("2026-03-01T08:50:00Z"), None);
    assert_eq!(r.method, Method::Get);
    assert_eq!(
        r.url,
        "https://weingut.example/wp-json/wc/v3/orders?modified_after=2026-03-01T08%3A49%3A59&dates_are_gmt=true&orderby=id&order=asc&per_page=100&page=1"
    );
    assert_eq!(r.header("authorization"), Some("Basic Y2tfMTpjc18y"));
}

#[test]
fn woocommerce_pages_follow_x_wp_totalpages() {
    let order = fixture("woocommerce/rest_docs_list_order_723.json");
    let body = Value::Array(vec![order.clone(), order]).to_string();
    let headers = json!({ "x-wp-total": "250", "x-wp-totalpages": "3" });
    let p = pos("2017-01-01T00:00:00Z");
    let page = read_page(&woo(), &p, 200, &headers, &body, false);
    assert_eq!(page.outcome, PullOutcome::Page);
    assert_eq!(page.orders.len(), 2);
    assert_eq!(page.total, Some(250));
    assert_eq!(page.latest.as_deref(), Some("2017-03-21T19:54:51Z"));
    assert_eq!(page.next.as_ref().map(|n| n.page), Some(2));
    let last = Position { page: 3, ..p };
    let page = read_page(&woo(), &last, 200, &headers, &body, false);
    assert_eq!(page.next, None);
    // WooCommerce's refusal of a wrong key (its REST API reference: 401, woocommerce_rest_cannot_view).
    let refused = r#"{"code":"woocommerce_rest_cannot_view","message":"Sorry, you cannot list resources.","data":{"status":401}}"#;
    let page = read_page(&woo(), &last, 401, &json!({}), refused, false);
    assert_eq!(page.outcome, PullOutcome::AuthFailed);
    assert_eq!(
        codes(&page.issues),
        vec![("credentials".into(), "auth_failed".into())]
    );
    assert!(page.issues.as_slice()[0]
        .message
        .contains("Sorry, you cannot list resources."));
    // A page of HTML (a cache plugin, a login page) is no answer.
    let page = read_page(&woo(), &last, 200, &json!({}), "<html></html>", false);
    assert_eq!(page.outcome, PullOutcome::Failed);
    assert_eq!(page.issues.as_slice()[0].code, "unexpected_answer");
}

#[test]
fn shopify_follows_the_link_cursor_with_limit_only() {
    let s = shopify();
    let p = pos("2025-10-01T00:00:00Z");
    let r = list_request(&s, &p, None);
    assert_eq!(
        r.url,
        "https://weingut.myshopify.com/admin/api/2025-10/orders.json?status=any&updated_at_min=2025-10-01T00%3A00%3A00Z&limit=250"
    );
    assert_eq!(r.header("x-shopify-access-token"), Some("shpat_x"));
    let order = fixture("shopify/rest_2025-10_create_order_eur.json");
    let order = order.get("order").cloned().unwrap_or(order);
    let body = json!({ "orders": [order] }).to_string();
    // Shopify's example of the header (REST Admin API, "Make paginated requests").
    let link = "<https://weingut.myshopify.com/admin/api/2025-10/orders.json?page_info=hijgklmn&limit=250>; rel=\"next\", <https://weingut.myshopify.com/admin/api/2025-10/orders.json?page_info=abcdefg&limit=250>; rel=\"previous\"";
    let headers = json!({ "Link": link, "X-Shopify-Shop-Api-Call-Limit": "32/40" });
    let page = read_page(&s, &p, 200, &headers, &body, false);
    assert_eq!(page.outcome, PullOutcome::Page);
    assert_eq!(page.latest.as_deref(), Some("2025-10-01T18:58:40Z"));
    // Test only: the reference's first page names a next one.
    let next = page.next.unwrap_or_else(|| panic!("no next"));
    assert_eq!(next.page_info.as_deref(), Some("hijgklmn"));
    assert_eq!(page.wait_ms, None);
    let r = list_request(&s, &next, None);
    assert_eq!(
        r.url,
        "https://weingut.myshopify.com/admin/api/2025-10/orders.json?limit=250&page_info=hijgklmn"
    );
    // The last page links back only; a full bucket asks for a wait (2 calls/s on 40).
    let headers = json!({ "link": "<https://weingut.myshopify.com/admin/api/2025-10/orders.json?page_info=abcdefg&limit=250>; rel=\"previous\"", "x-shopify-shop-api-call-limit": "40/40" });
    let page = read_page(&s, &next, 200, &headers, &body, false);
    assert_eq!(page.next, None);
    assert_eq!(page.wait_ms, Some(1000));
    // A cursor that would change the URL is not taken.
    assert_eq!(
        next_page_info("<https://x/orders.json?page_info=a&b=c#>; rel=\"next\""),
        Some("a".into())
    );
    assert_eq!(
        next_page_info("<https://x/orders.json?page_info=a/../b>; rel=\"next\""),
        None
    );
}

#[test]
fn shopify_rate_limits_and_refusals() {
    let s = shopify();
    let p = pos("2025-10-01T00:00:00Z");
    // 429 with Retry-After: 2.0 (Shopify's "API rate limits").
    let page = read_page(
        &s,
        &p,
        429,
        &json!({ "Retry-After": "2.0" }),
        r#"{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}"#,
        false,
    );
    assert_eq!(
        (page.outcome, page.wait_ms),
        (PullOutcome::Wait, Some(2000))
    );
    assert_eq!(page.issues.as_slice()[0].code, "rate_limited");
    let page = read_page(&s, &p, 429, &json!({}), "", false);
    assert_eq!(page.wait_ms, Some(DEFAULT_WAIT_MS));
    let page = read_page(
        &s,
        &p,
        401,
        &json!({}),
        r#"{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}"#,
        false,
    );
    assert_eq!(page.outcome, PullOutcome::AuthFailed);
    assert!(page.issues.as_slice()[0]
        .message
        .contains("Invalid API key"));
    let page = read_page(
        &s,
        &p,
        403,
        &json!({}),
        r#"{"errors":"[API] This action requires merchant approval for read_orders scope."}"#,
        false,
    );
    assert_eq!(page.outcome, PullOutcome::AuthFailed);
    assert!(page.issues.as_slice()[0].message.contains("read_orders"));
    assert_eq!(
        read_page(&s, &p, 402, &json!({}), "", false).outcome,
        PullOutcome::Failed
    );
    assert_eq!(
        read_page(&s, &p, 503, &json!({}), "", false).outcome,
        PullOutcome::Retry
    );
    assert_eq!(
        read_page(&s, &p, 0, &json!({}), "", false).outcome,
        PullOutcome::Retry
    );
    let c = count_request(&s, &p).map(|r| r.url);
    assert_eq!(
        c.as_deref(),
        Some("https://weingut.myshopify.com/admin/api/2025-10/orders/count.json?status=any&updated_at_min=2025-10-01T00%3A00%3A00Z")
    );
    assert_eq!(read_count(200, r#"{"count":1234}"#), Some(1234));
    assert_eq!(read_count(500, r#"{"count":1234}"#), None);
    assert_eq!(count_request(&woo(), &p), None);
}

#[test]
fn shopware_fetches_a_token_then_searches_changed_orders() {
    let s = shopware();
    let t = token_request(&s);
    assert_eq!(t.url, "https://shop.example/api/oauth/token");
    let body: Value = serde_json::from_str(t.body.as_deref().unwrap_or("")).unwrap_or_default();
    assert_eq!(
        body,
        json!({ "grant_type": "client_credentials", "client_id": "SWIA1", "client_secret": "s3" })
    );
    // The Admin API's token answer.
    let tok = read_token(
        200,
        &json!({}),
        r#"{"token_type":"Bearer","expires_in":600,"access_token":"eyJ0eXAi"}"#,
        1_000,
    );
    assert_eq!(tok.outcome, PullOutcome::Ok);
    assert_eq!(tok.token.as_deref(), Some("eyJ0eXAi"));
    assert_eq!(tok.expires_at, Some(1_570));
    let refused = read_token(
        401,
        &json!({}),
        r#"{"errors":[{"code":"0","status":"401","title":"Unauthorized","detail":"The client credentials are invalid"}]}"#,
        1_000,
    );
    assert_eq!(refused.outcome, PullOutcome::AuthFailed);
    assert_eq!(refused.issues.as_slice()[0].code, "auth_failed");

    let p = pos("2026-03-01T08:50:00Z");
    let r = list_request(&s, &p, Some("eyJ0eXAi"));
    assert_eq!(r.url, "https://shop.example/api/search/order");
    assert_eq!(r.header("authorization"), Some("Bearer eyJ0eXAi"));
    let c: Value = serde_json::from_str(r.body.as_deref().unwrap_or("")).unwrap_or_default();
    assert_eq!(c["page"], 1);
    assert_eq!(c["limit"], 100);
    assert_eq!(c["total-count-mode"], 1);
    assert_eq!(
        c["filter"][0]["queries"][0]["parameters"]["gte"],
        "2026-03-01 08:50:00.000"
    );
    assert_eq!(
        c["filter"][0]["queries"][1]["queries"][0]["value"],
        Value::Null
    );
    assert_eq!(c["sort"][0]["field"], "createdAt");
    for a in [
        "lineItems",
        "transactions",
        "deliveries",
        "currency",
        "orderCustomer",
    ] {
        assert!(c["associations"].get(a).is_some(), "{a}");
    }
    assert!(c["associations"]["transactions"]["associations"]
        .get("paymentMethod")
        .is_some());

    // The order of Shopware's app SDK's payment request (its `order`: the Admin API entity).
    let order = fixture("shopware6/app_sdk_payment.json")["order"].clone();
    let body = json!({ "total": 150, "data": [order], "aggregations": [] }).to_string();
    let page = read_page(&s, &p, 200, &json!({}), &body, false);
    assert_eq!(page.outcome, PullOutcome::Page);
    assert_eq!(page.total, Some(150));
    assert_eq!(page.next.as_ref().map(|n| n.page), Some(2));
    assert_eq!(page.latest.as_deref(), Some("2023-05-04T13:36:26Z")); // never updated: createdAt
    let second = Position {
        page: 2,
        ..p.clone()
    };
    assert_eq!(
        read_page(&s, &second, 200, &json!({}), &body, false).next,
        None
    );
    // An expired token is fetched again; a fresh one refused is the credentials.
    let expired = r#"{"errors":[{"code":"9","status":"401","title":"Unauthorized","detail":"The resource owner or authorization server denied the request.","meta":{"parameters":{"error":"access_denied","hint":"Access token is invalid"}}}]}"#;
    assert_eq!(
        read_page(&s, &p, 401, &json!({}), expired, false).outcome,
        PullOutcome::TokenExpired
    );
    assert_eq!(
        read_page(&s, &p, 401, &json!({}), expired, true).outcome,
        PullOutcome::AuthFailed
    );
}

#[test]
fn positions_are_read_back_and_foreign_cursors_refused() {
    let mut issues = Issues::new();
    let p = Position::from_value(
        &json!({ "since": "2026-01-01T01:00:00+01:00", "page": 4 }),
        &mut issues,
    );
    assert_eq!(
        p,
        Some(Position {
            since: "2026-01-01T00:00:00Z".into(),
            page: 4,
            page_info: None
        })
    );
    let mut issues = Issues::new();
    assert!(Position::from_value(
        &json!({ "since": "2026-01-01T00:00:00Z", "pageInfo": "a b&c=d" }),
        &mut issues
    )
    .is_none());
    assert_eq!(
        codes(&issues),
        vec![("position.pageInfo".into(), "invalid_value".into())]
    );
    let mut issues = Issues::new();
    assert!(Position::from_value(&json!({ "page": 0 }), &mut issues).is_none());
    assert_eq!(issues.len(), 2);
}

#[test]
fn an_order_without_a_change_time_is_named_and_left_out_of_the_watermark() {
    let body =
        json!([{ "id": 1 }, { "id": 2, "date_modified_gmt": "2026-01-02T03:04:05" }]).to_string();
    let page = read_page(&woo(), &pos("2026-01-01"), 200, &json!({}), &body, false);
    assert_eq!(page.latest.as_deref(), Some("2026-01-02T03:04:05Z"));
    assert_eq!(
        codes(&page.issues),
        vec![("orders[0]".into(), "missing_change_time".into())]
    );
    // Fewer than a page and no header: the last page.
    assert_eq!(page.next, None);
}
