//! scratch
use kontor::shops::from_shop_order;
use serde_json::Value;

#[test]
fn dump() {
    for (platform, file, ptr) in [
        (
            "woocommerce",
            "woocommerce/rest_docs_list_order_723.json",
            "",
        ),
        (
            "woocommerce",
            "woocommerce/rest_docs_batch_create_order_728.json",
            "",
        ),
        ("woocommerce", "woocommerce/anchorsoap_order_897.json", ""),
        (
            "woocommerce",
            "woocommerce/imagepointe_webhook_1131.json",
            "",
        ),
        (
            "woocommerce",
            "woocommerce/pipedream_test_event_15.json",
            "",
        ),
        (
            "shopify",
            "shopify/rest_2025-10_create_order_eur.json",
            "/order",
        ),
        (
            "shopify",
            "shopify/rest_2025-10_create_order_pending.json",
            "/order",
        ),
        (
            "shopify",
            "shopify/rest_2025-10_create_order_three_lines.json",
            "/order",
        ),
        (
            "shopify",
            "shopify/rest_2025-10_cancel_order_refunded.json",
            "/order",
        ),
        (
            "shopify",
            "shopify/rest_2025-10_get_order_partially_refunded.json",
            "/order",
        ),
        (
            "shopify",
            "shopify/python_api_order_450789469.json",
            "/order",
        ),
        ("shopify", "shopify/bag_server_test_order_aud.json", ""),
        (
            "shopware6",
            "shopware6/store_api_order_list_28118.json",
            "/orders/elements/0",
        ),
        ("shopware6", "shopware6/app_sdk_payment.json", ""),
        ("shopware6", "shopware6/app_sdk_refund.json", ""),
    ] {
        let path = format!("{}/tests/fixtures/shops/{file}", env!("CARGO_MANIFEST_DIR"));
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let v = v.pointer(ptr).unwrap().clone();
        let m = from_shop_order(platform, &v, None);
        println!(
            "=== {file}\nstate {:?} valid {} refunds {}",
            m.state,
            m.valid,
            serde_json::to_string(&m.refunds).unwrap()
        );
        for i in m.issues.iter() {
            println!("  {:?} {} {} | {}", i.severity, i.path, i.code, i.message);
        }
        println!("  {}", serde_json::to_string(&m.order).unwrap());
    }
}
