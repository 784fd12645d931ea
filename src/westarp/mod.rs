//! Westarp Verlagsservice API 2.0 (Booxboo): book orders, ISBNs, shipping costs.
//!
//! So far: the order body ([`order`], `POST /orders`), [`isbn`] (check digits, ISBN-10 →
//! ISBN-13), [`shipping`] (cost by weight table, flat price or per started kilogram) and
//! [`requests`] (Bearer requests for every endpoint, `deleteBook` only with a confirmation,
//! paged lists, 200/401/422 answers, the publishers' VLB secrets redacted). Street splitting
//! for its addresses lives with the canonical order ([`crate::order::street`]). Not yet
//! exported to JavaScript (the Wasm size budget needs room first); typed book and stock
//! records follow.

pub mod isbn;
pub mod order;
pub mod requests;
pub mod shipping;
