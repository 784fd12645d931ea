//! Westarp Verlagsservice API 2.0 (Booxboo): book orders, ISBNs, shipping costs.
//!
//! So far: the order body ([`mapping`], `POST /orders`), [`isbn`] (check digits, ISBN-10 →
//! ISBN-13), [`shipping`] (cost by weight table, flat price or per started kilogram; an
//! order's weight from its items), [`records`] (books, stocks, orders with paging) and
//! [`requests`] (Bearer requests for every endpoint, `deleteBook` only with a confirmation,
//! paged lists, 200/401/422 answers, the publishers' VLB secrets redacted). Street splitting
//! for its addresses lives with the canonical order ([`crate::order::street`]).

pub mod isbn;
pub mod lineage;
pub mod mapping;
pub mod records;
pub mod requests;
pub mod shipping;

pub use mapping::*;

use crate::registry::{
    env, IdempotencyKey, Lookup, OrderDocument, PossiblySent, Requests, TargetEntry,
};

// Its TypeScript declarations, added to the package's by wasm-bindgen (Wasm builds only).
#[cfg_attr(
    target_arch = "wasm32",
    wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)
)]
const _: &str = include_str!("westarp.d.ts");

/// Westarp's entry in the registry.
pub const ENTRY: TargetEntry = TargetEntry {
    name: "westarp",
    title: "Westarp Verlagsservice",
    requests: Requests {
        operations: requests::OPERATIONS,
        build: requests::dispatch,
        interpret: requests::read,
    },
    documents: &[OrderDocument {
        name: "westarp",
        builder: "toWestarpOrder",
        check: |order, mut issues, options| {
            let o = Options::from_value(options, &mut issues);
            build_order(order, issues, &o).issues
        },
        body: order_body,
        lineage: &[lineage::ORDER, &lineage::PAYMENT, &lineage::SHIPPING],
        explain: lineage::of,
    }],
    caller_options: &["type", "paymentMethodIds"],
    installation_options: &[],
    env: &[
        env("WESTARP_BASE_URL", "baseUrl", true, false),
        env("WESTARP_TOKEN", "token", true, true),
    ],
    idempotency_key: IdempotencyKey {
        field: "number",
        cancel: None,
    },
    // Its newest orders are asked for the order's code before a create is sent again.
    possibly_sent: |operation| match operation {
        "createOrder" => PossiblySent::Lookup,
        _ => PossiblySent::Uncertain,
    },
    lookup: Some(Lookup {
        operation: "createOrder",
        asks: "listOrders",
        input: r#"{"page": 1}"#,
        find: requests::find_sent,
    }),
    resume: serde_json::Value::clone,
    declarations: "targets/westarp/westarp.d.ts",
};
