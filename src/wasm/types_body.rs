//! TypeScript for the body path (`{ as: "text" }`): what the order builders return then. Their
//! overloads are in each target's `.d.ts`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES_TEXT: &'static str = r#"
/** `{ as: "text" }`: the builder returns the exact request body text instead of a payload object. */
export interface AsText { as: "text" }

/** A builder's answer on the text path: `body` (JSON text, or the kivitendo XML) only when no issue is an error. */
export type TextResult = { ok: true; body: string; issues: Issue[] } | { ok: false; body?: undefined; issues: Issue[] };
"#;
