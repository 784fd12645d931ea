//! kontor's order core: JSON reading, the canonical [`order::Order`], exact money, the issues,
//! and the Geisenheim payload and its body on the text path ([`body::geisenheim_order`]).
//!
//! A package of its own only so that the release profile compiles it for speed while the rest
//! of kontor is compiled for size (ARCHITECTURE.md "Two crates"). Use it through `kontor`,
//! which re-exports every module at its old path (`kontor::order`, `kontor::body`, …).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod body;
pub mod decimal;
pub mod geisenheim;
pub mod issue;
pub mod json;
pub mod limits;
pub mod money;
pub mod order;
pub mod sha256;
pub mod text;

pub use issue::{Built, Issue, Issues, Severity};
pub use order::Order;
