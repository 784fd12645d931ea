//! TypeScript for the text path (`{ as: "text" }`): overloads of the order builders that return
//! the request body as text. Kept apart from `types.rs`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES_TEXT: &'static str = r#"
/** `{ as: "text" }`: the builder returns the exact request body text instead of a payload object. */
export interface AsText { as: "text" }

/** A builder's answer on the text path: `body` (JSON text, or the kivitendo XML) only when no issue is an error. */
export type TextResult = { ok: true; body: string; issues: Issue[] } | { ok: false; body?: undefined; issues: Issue[] };

export function toGeisenheim(order: Order | string, options: GeisenheimOptions & AsText): TextResult;
export function toWestarpOrder(order: Order | string, options: WestarpOptions & AsText): TextResult;
export function toKivitendoCustomerXml(order: Order | string, options: KivitendoOptions & AsText): TextResult;
export function toKivitendoOrderXml(order: Order | string, options: KivitendoOptions & AsText): TextResult;
export function toKivitendoProductXml(product: KivitendoProduct | string, options: KivitendoOptions & AsText): TextResult;
export function toKivitendoCategoryXml(category: KivitendoCategory | string, options: KivitendoOptions & AsText): TextResult;
"#;
