//! kontor's order core: JSON reading, the canonical [`order::Order`], exact money, the issues,
//! and the Geisenheim payload and its body on the text path ([`body::geisenheim_order`]).
//!
//! A package of its own so that the release profile can set its opt-level apart from the rest
//! of kontor (ARCHITECTURE.md "Two crates"; within the size budget both are at "z"). Use it
//! through `kontor`, which re-exports every module at its old path (`kontor::order`,
//! `kontor::body`, …).
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
