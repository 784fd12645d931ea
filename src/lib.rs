//! kontor: order mapping and validation for German commerce APIs, compiled to WebAssembly.
//!
//! The core is pure Rust: a canonical [`order::Order`] is read from JSON with every problem
//! collected as an [`issue::Issue`] with its path, and each target ([`targets`]) builds that
//! API's payload and sans-IO [`http::Request`]s; the sources ([`sources`]) bring orders in.
//! Every target and source is an entry of the [`registry`], which everything that handles
//! them by name reads. Only the `wasm` module (wasm32 builds) knows JavaScript.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod body;
pub mod catalogue;
pub mod decimal;
#[cfg(feature = "worker")]
pub mod delivery;
pub mod dispatch;
pub mod explain;
#[cfg(not(target_arch = "wasm32"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
pub mod issue;
pub mod json;
pub mod limits;
pub mod money;
pub mod order;
pub mod registry;
pub mod sha256;
pub mod sources;
pub mod targets;
pub mod text;

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;

/// Talc instead of Rust's default dlmalloc in Wasm: smaller and faster (measured, README
/// "Speed and size").
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use issue::{Built, Issue, Issues, Severity};
pub use order::Order;
