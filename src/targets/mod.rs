//! The targets: the APIs orders go to, one folder each in one shape (`mod.rs` the index and
//! registry entry, `mapping.rs` canonical order → payload, `requests.rs` its HTTP operations,
//! `lineage.rs` its field lineage, `<name>.d.ts` its TypeScript declarations).

pub mod geisenheim;
pub mod kivitendo;
pub mod westarp;
