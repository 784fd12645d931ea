//! JS exports of the shop adapters and the product catalogue: `fromShopOrder`,
//! `readCatalogue`, `missingFromCatalogue` (core: `crate::sources::platforms`, `crate::catalogue`).

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{options_json, read, read_text, write};
use crate::catalogue::{self, Format};
use crate::issue::Issues;
use crate::sources::platforms;

/// `fromShopOrder(platform, order, options?)`: `{ order, valid, issues, state, refunds }`.
// Typed in SHOP_TYPES (the optional trailing options).
#[wasm_bindgen(js_name = fromShopOrder, skip_typescript)]
pub fn from_shop_order(platform: &str, order: JsValue, options: Option<JsValue>) -> JsValue {
    let mut issues = Issues::new();
    let raw = read(&order, "order", true, &mut issues);
    let options = options_json(options, &mut issues).unwrap_or(Value::Null);
    let catalogue = catalogue::from_option(&options, &mut issues);
    let Some(raw) = raw else {
        return write(&crate::sources::omniseller::Mapped {
            order: None,
            valid: false,
            issues,
        });
    };
    let mapped = platforms::from_shop_order(platform, &raw, catalogue.as_ref());
    issues.extend(mapped.issues);
    // The fields `fromOmnisellerOrder` answers too, then the order's life (one serializer for
    // both exports: a smaller module).
    let out = write(&crate::sources::omniseller::Mapped {
        order: mapped.order,
        valid: mapped.valid && !issues.has_errors(),
        issues,
    });
    let mut life = serde_json::Map::new();
    if let Some(state) = mapped.state {
        life.insert("state".into(), Value::from(state.as_str()));
    }
    if !mapped.refunds.is_empty() {
        life.insert("refunds".into(), Value::Array(mapped.refunds));
    }
    let life = write(&Value::Object(life));
    js_sys::Object::assign(out.unchecked_ref::<js_sys::Object>(), life.unchecked_ref());
    out
}

/// `readCatalogue(text, { format? })`: `{ ok, catalogue, issues }`.
#[wasm_bindgen(js_name = readCatalogue, skip_typescript)]
pub fn read_catalogue(text: JsValue, options: Option<JsValue>) -> JsValue {
    let mut issues = Issues::new();
    let options = options_json(options, &mut issues).unwrap_or(Value::Null);
    let format = match options.get("format").and_then(Value::as_str) {
        Some("json") => Some(Format::Json),
        Some("csv") => Some(Format::Csv),
        None => None,
        Some(other) => {
            issues.error(
                "options.format",
                "invalid_value",
                format!("{other:?} is not allowed: use \"json\" or \"csv\" (or leave it out to detect)"),
                format!("{other:?} ist nicht erlaubt: bitte \"json\" oder \"csv\" angeben (oder weglassen zum Erkennen)"),
            );
            None
        }
    };
    // Text as it is; an array or object given instead is read as JSON.
    let text = match text.as_string() {
        Some(t) => Some(t),
        None => read_text(&text, "text", true, &mut issues),
    };
    let mut r = catalogue::read(&text.unwrap_or_default(), format);
    issues.extend(r.issues);
    r.issues = issues;
    write(&r)
}

#[derive(Serialize)]
struct Missing {
    missing: Vec<String>,
    issues: Issues,
}

/// `missingFromCatalogue(order, catalogue)`: `{ missing, issues }`.
#[wasm_bindgen(js_name = missingFromCatalogue, skip_typescript)]
pub fn missing_from_catalogue(order: JsValue, catalogue: JsValue) -> JsValue {
    let mut issues = Issues::new();
    let order = read(&order, "order", true, &mut issues).unwrap_or(Value::Null);
    let holder = match catalogue.as_string() {
        Some(text) => serde_json::json!({ "catalogue": text }),
        None => {
            serde_json::json!({ "catalogue": read(&catalogue, "catalogue", true, &mut issues) })
        }
    };
    let c = catalogue::from_option(&holder, &mut issues).unwrap_or_default();
    // Paths of the catalogue's own problems start with `catalogue`, not `options.catalogue`.
    let mut fixed = Issues::new();
    for i in issues.into_vec() {
        let path = i
            .path
            .strip_prefix("options.")
            .unwrap_or(&i.path)
            .to_owned();
        fixed.push(path, &i.code, i.severity, i.message, i.message_de);
    }
    let (missing, found) = c.missing(&order);
    fixed.extend(found);
    write(&Missing {
        missing,
        issues: fixed,
    })
}
