//! kivitendo REST API: the Rails application `kivitendo_rest_api` beside the kivitendo ERP
//! (`/api/v1/…`, HTTP Basic, XML by default or JSON with `.json`).
//!
//! Read top to bottom as the slides and the API's source are: the record model and XML
//! ([`record`], [`xml`]), the options carrying kivitendo's ids, the mappings from the canonical
//! order to `<customer>` (with `<contacts>` and `<shippings>`) and `<order>` (with
//! `<orderitems>`), `<product>` and `<category>`, and the requests ([`requests`]).
//!
//! Supported: kivitendo 3.9.2 and 4.0.0 with the REST plugin 0.5.0 (commit 8ee263b), checked
//! against the real plugin and databases by `tests/kivitendo-real/`; not kivitendo 4.1 (the
//! plugin cannot create or show customers there) nor the plugin before 0.3.0.
//!
//! The API validates nothing itself; the database requires customer `name`, `taxzone-id`,
//! `currency-id`; order `taxzone-id`, `currency-id`, `record-type` (kivitendo ≥ 3.9, one of
//! [`RECORD_TYPES`]), an order number (`oe.ordnumber`, empty for quotations); item
//! `position` and a unit of the client (`units.name`, a foreign key); product
//! `productnumber`, `unit`, `part-type`, and for booking its booking group
//! (`buchungsgruppen_id`); category `sortkey`. kontor checks them before a request is built:
//! the plugin answers every refusal of the database with a bare 500.
//!
//! Decisions, all tested:
//! - Street and house number are joined (`Teststraße 42`), as kivitendo keeps them.
//! - Countries are written as German names (`Deutschland`), as the slides' example does;
//!   unknown countries as given.
//! - Contact first names use `<first-name>` (the REST plugin since 0.3.0); the option
//!   `legacyFirstNameTag` writes the slides' `<fist-name>` for the plugin before 0.3.0.
//! - Quotation record types carry the shop's number as `quote-number`, items `base-qty` (the
//!   quantity: the item's unit is the product's), as the plugin's README example does.
//! - The order carries the shop's order number in `shop-number` and, unless
//!   `orderNumber: "kivitendo"`, also in `order-number`: the API can only find orders by
//!   `order_number`, so this is what makes a second sync find the first one.
//! - Totals are computed exactly: each line `qty × price × (1 − discount)` rounded to cents;
//!   the tax per rate on the sum of its lines, rounded to cents.

pub mod lineage;
pub mod mapping;
pub mod record;
pub mod requests;
pub mod xml;

pub use mapping::*;

use serde_json::Value;

use crate::issue::{Built, Issues};
use crate::order::Order;
use crate::registry::{env, IdempotencyKey, OrderDocument, PossiblySent, Requests, TargetEntry};

// Its TypeScript declarations, added to the package's by wasm-bindgen (Wasm builds only).
#[cfg_attr(
    target_arch = "wasm32",
    wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)
)]
const _: &str = include_str!("kivitendo.d.ts");

/// kivitendo's entry in the registry.
pub const ENTRY: TargetEntry = TargetEntry {
    name: "kivitendo",
    title: "kivitendo (REST API)",
    requests: Requests {
        operations: requests::OPERATIONS,
        build: requests::dispatch,
        interpret: requests::read,
    },
    documents: &[
        OrderDocument {
            name: "kivitendo-customer",
            builder: "toKivitendoCustomerXml",
            check: check_customer,
            body: customer_body,
            lineage: &[lineage::CUSTOMER],
            explain: lineage::customer,
        },
        OrderDocument {
            name: "kivitendo-order",
            builder: "toKivitendoOrderXml",
            check: check_order,
            body: order_body,
            lineage: &[lineage::ORDER],
            explain: lineage::order,
        },
    ],
    caller_options: CALLER_OPTION_KEYS,
    // The installation decides kivitendo's numbering, format, units and customer numbers.
    installation_options: OPTION_KEYS.split_at(CALLER_OPTION_KEYS.len()).1,
    env: &[
        env("KIVITENDO_BASE_URL", "baseUrl", true, false),
        env("KIVITENDO_USERNAME", "username", true, true),
        env("KIVITENDO_PASSWORD", "password", true, true),
    ],
    idempotency_key: IdempotencyKey {
        field: "number",
        cancel: None,
    },
    // The sync state resumes at the look-up of a pending create.
    possibly_sent: |_| PossiblySent::Resume,
    lookup: None,
    resume: resume_state,
    declarations: "targets/kivitendo/kivitendo.d.ts",
};

/// Every issue of `order` for `build` with `options` (the catalogue's part ids count as
/// `productIds`; its own issues come with the order).
fn check(
    order: &Order,
    mut issues: Issues,
    options: &Value,
    build: fn(&Order, Issues, &Options) -> Built<record::Record>,
) -> Issues {
    let o = options_with_catalogue(options, &mut issues);
    build(order, issues, &o).issues
}

/// Every issue of `order` for the `<customer>` document.
fn check_customer(order: &Order, issues: Issues, options: &Value) -> Issues {
    check(order, issues, options, build_customer)
}

/// Every issue of `order` for the `<order>` document.
fn check_order(order: &Order, issues: Issues, options: &Value) -> Issues {
    check(order, issues, options, build_order)
}

/// Where a retried delivery resumes: its answer may have been lost after kivitendo stored the
/// record, so a pending `createCustomer` resumes at `findCustomer` (by e-mail), a pending
/// `createOrder` at `findOrder` (by the shop's order number); other states are unchanged.
fn resume_state(state: &Value) -> Value {
    let mut state = state.clone();
    if let Some(step) = state.get_mut("step") {
        let back = match step.as_str() {
            Some("createCustomer") => Some("findCustomer"),
            Some("createOrder") => Some("findOrder"),
            _ => None,
        };
        if let Some(b) = back {
            *step = Value::String(b.into());
        }
    }
    state
}
