//! Geisenheim Weinwirtschaftsportal JSON API v1.2.0: `POST /erp/orders` (§2.1) and
//! `DELETE /erp/orders/ID` (§2.2).
//!
//! Read top to bottom as the document is: wire types (§2.1), the value lists (§3, in
//! [`codes`]), the mapping from the canonical order with its rules, and the requests
//! (`kontor::targets::geisenheim::requests`).
//!
//! Decisions where the document is silent or loose, all tested:
//! - `recipient.id` is `HMAC-SHA256(recipientSalt, key)` cut to 20 hex digits, where the key is
//!   the shop's customer id, else the normalised (trimmed, lower-case) e-mail, else the order
//!   number (each such order then counts as a new customer; a warning says so).
//! - A missing `customer.type` means a consumer (category 1).
//! - `quality`, `grapes`, `wineType` and `taste` are required for wines (category 1) and
//!   `quality` for sparkling wines (category 2), as §2.1 says "all fields are required unless
//!   noted". `taste` is also sent for sparkling wines (§3.8 lists sparkling tastes).
//! - `size` is required for categories 1–5; for category 9 (other) it is omitted with a
//!   warning when the product has no bottle size.
//! - Wines always carry `vdp`, `null` when outside the classification (§3.9).
//! - Product values given for fields that do not apply (grapes on a sparkling wine) are left
//!   out with a warning; consumer-only recipient fields are left out silently for business
//!   customers, and online-only fields for local sales.

pub mod codes;
pub mod lineage;
pub mod mapping;
pub mod requests;

pub use mapping::*;

use serde_json::Value;

use crate::issue::Issues;
use crate::order::Order;
use crate::registry::{env, IdempotencyKey, OrderDocument, PossiblySent, Requests, TargetEntry};

// Its TypeScript declarations, added to the package's by wasm-bindgen (Wasm builds only).
#[cfg_attr(
    target_arch = "wasm32",
    wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)
)]
const _: &str = include_str!("geisenheim.d.ts");

/// Geisenheim's entry in the registry.
pub const ENTRY: TargetEntry = TargetEntry {
    name: "geisenheim",
    title: "Geisenheim Weinwirtschaftsportal",
    requests: Requests {
        operations: requests::OPERATIONS,
        build: requests::dispatch,
        interpret: requests::read,
    },
    documents: &[OrderDocument {
        name: "geisenheim",
        builder: "toGeisenheim",
        check,
        body: order_body,
        lineage: &[lineage::RULES],
        explain: lineage::of,
    }],
    caller_options: &["strict"],
    installation_options: &[],
    env: &[
        env("GEISENHEIM_ENV", "environment", false, false),
        env("GEISENHEIM_BASE_URL", "baseUrl", false, false),
        env("GEISENHEIM_USERNAME", "username", true, true),
        env("GEISENHEIM_PASSWORD", "password", true, true),
        env("GEISENHEIM_RECIPIENT_SALT", "recipientSalt", true, true),
        // The start of the worker's own invoice ids for shop webhook orders.
        env("GEISENHEIM_FIRST_INVOICE_ID", "", false, false),
    ],
    idempotency_key: IdempotencyKey {
        field: "invoiceId",
        cancel: Some("cancelOrder"),
    },
    // A DELETE twice cancels once; a create cannot be asked for.
    possibly_sent: |operation| match operation {
        "cancelOrder" => PossiblySent::Resend,
        _ => PossiblySent::Uncertain,
    },
    lookup: None,
    resume: Value::clone,
    declarations: "targets/geisenheim/geisenheim.d.ts",
};

/// Every issue of `order` for Geisenheim's order document with `options`.
fn check(order: &Order, mut issues: Issues, options: &Value) -> Issues {
    let o = Options::from_value(options, &mut issues);
    build_order(order, issues, &o).issues
}
