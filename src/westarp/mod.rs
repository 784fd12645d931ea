//! Westarp Verlagsservice API 2.0 (Booxboo): book orders, ISBNs, shipping costs.
//!
//! So far: the order body ([`order`], `POST /orders`), [`isbn`] (check digits, ISBN-10 →
//! ISBN-13) and [`shipping`] (cost by weight table, flat price or per started kilogram).
//! Street splitting for its addresses lives with the canonical order
//! ([`crate::order::street`]). Not yet exported to JavaScript; books, stocks, requests and
//! paged lists follow.

pub mod isbn;
pub mod order;
pub mod shipping;
