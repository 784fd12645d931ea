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
