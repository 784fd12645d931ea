//! The body path's glue: a [`Body`] as `{ ok, body, issues }` with `body` a JS string made
//! straight from the Rust string (no `JSON.parse` of the body).

use wasm_bindgen::prelude::*;

use crate::body::Body;

/// `{ ok, body?, issues }`; `issues` goes through `JSON.parse` only when there are any.
pub(super) fn write_body(b: &Body) -> JsValue {
    let out = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&out, &JsValue::from_str(k), v);
    };
    set("ok", &JsValue::from_bool(b.ok));
    if let Some(body) = &b.body {
        set("body", &JsValue::from_str(body));
    }
    if b.issues.is_empty() {
        set("issues", &js_sys::Array::new());
    } else {
        set("issues", &super::write(&b.issues));
    }
    out.into()
}
