//! The canonical order (README: "The canonical order"): its types and reader are kontor-core's
//! (`core/src/order/`); the field-path mappings are here.

pub use kontor_core::order::*;

pub mod mapping;
