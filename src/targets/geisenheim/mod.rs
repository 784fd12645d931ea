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
