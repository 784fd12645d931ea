//! Geisenheim Weinwirtschaftsportal JSON API v1.2.0: the wire types, value lists and mapping
//! are kontor-core's (`core/src/geisenheim/`); the lineage table and the
//! requests are here.

pub use kontor_core::geisenheim::*;

pub mod lineage;
pub mod requests;
