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
