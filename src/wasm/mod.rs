//! The only place that knows JavaScript: `#[wasm_bindgen]` exports that convert at the
//! boundary and delegate to the core.
//!
//! Boundary choice (measured, see docs/performance.md): inputs arrive as a JS object or a
//! JSON string; objects are turned into text with the engine's native `JSON.stringify` and
//! parsed by serde_json; results leave as JSON text turned into objects by `JSON.parse`. Two
//! native calls instead of one JS call per field (serde-wasm-bindgen), which is several times
//! faster for orders of realistic size. Every export follows three steps: read the input
//! (a bad one becomes an issue, never a throw), call the core, write the result.

mod body;
mod platforms;
#[cfg(feature = "worker")]
mod pull;
mod types;
mod types_body;
#[cfg(feature = "worker")]
mod worker;

/// What the entries add to the module's exports (`init`, `initSync`, `send`).
#[wasm_bindgen(typescript_custom_section)]
const RUNTIME: &str = include_str!("runtime.d.ts");

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::explain::Explained;
use crate::issue::{Built, Issues};
use crate::sources::omniseller;
use crate::targets::{geisenheim, kivitendo, westarp};
use crate::{dispatch, order::Order};

/// Reads a JS value (object or JSON text) as JSON; a value that cannot be read is an issue
/// at `path`.
fn read(v: &JsValue, path: &str, required: bool, issues: &mut Issues) -> Option<Value> {
    let text = read_text(v, path, required, issues)?;
    match serde_json::from_str::<Value>(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            crate::order::malformed_json(&e, path, issues);
            None
        }
    }
}

/// The JSON text of a JS value: a string as it is, anything else through `JSON.stringify`.
fn read_text(v: &JsValue, path: &str, required: bool, issues: &mut Issues) -> Option<String> {
    // The path names the input; the whole input (the order) is named in the message.
    let (label, label_de) = if path.is_empty() {
        ("the order: ", "die Bestellung: ")
    } else {
        ("", "")
    };
    if v.is_undefined() || v.is_null() {
        if required {
            issues.error(
                path,
                "missing_input",
                format!("{label}missing: pass an object or a JSON string"),
                format!("{label_de}fehlt: bitte ein Objekt oder einen JSON-Text übergeben"),
            );
        }
        return None;
    }
    let js = if v.is_string() {
        Some(v.clone())
    } else {
        js_sys::JSON::stringify(v).ok().map(JsValue::from)
    };
    // Refused before it is copied into the module: a string's UTF-16 length is at most its
    // UTF-8 length.
    let Some(n) = js
        .as_ref()
        .and_then(|s| s.dyn_ref::<js_sys::JsString>())
        .map(|s| s.length())
    else {
        issues.error(
            path,
            "invalid_input",
            format!("{label}cannot be read as JSON (a cycle, a BigInt or a function?)"),
            format!("{label_de}lässt sich nicht als JSON lesen (Zyklus, BigInt oder Funktion?)"),
        );
        return None;
    };
    if !crate::limits::fits(n as usize, path, issues) {
        return None;
    }
    let text = js.and_then(|s| s.as_string())?;
    if !crate::limits::fits(text.len(), path, issues) {
        return None;
    }
    Some(text)
}

/// The engine's clock in Unix seconds (OmniSeller sessions expire).
fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Writes a result as a plain JS object (through `JSON.parse`, one native call).
fn write<T: Serialize>(value: &T) -> JsValue {
    match serde_json::to_string(value) {
        Ok(text) => js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    }
}

/// Reads an order (its items completed from `catalogue` when given): malformed input stays
/// one issue, otherwise every issue of the order.
fn read_order(
    order: &JsValue,
    catalogue: Option<&crate::catalogue::Catalogue>,
    issues: &mut Issues,
) -> Option<(Order, Issues)> {
    read_order_text(order, catalogue, issues).map(|(o, i, _)| (o, i))
}

/// [`read_order`], also giving the order's JSON text (for the lineage of `explain`).
fn read_order_text(
    order: &JsValue,
    catalogue: Option<&crate::catalogue::Catalogue>,
    issues: &mut Issues,
) -> Option<(Order, Issues, String)> {
    let text = read_text(order, "", true, issues)?;
    let (order, order_issues) = crate::catalogue::parse_order(&text, catalogue);
    if order_issues
        .iter()
        .any(|i| i.code == "malformed_json" || i.code == "too_large")
    {
        issues.extend(order_issues);
        return None;
    }
    Some((order, order_issues, text))
}

/// `options.explain === true`: the caller asks for the payload's field lineage.
fn wants_lineage(options: Option<&Value>) -> bool {
    options
        .and_then(|o| o.get("explain"))
        .and_then(Value::as_bool)
        == Some(true)
}

/// The lineage of `payload` by `lineage`, with the order read again as JSON (the sources a
/// catalogue filled in named as the catalogue's fields).
fn lineage_of(
    payload: &Value,
    order_text: &str,
    catalogue: Option<&crate::catalogue::Catalogue>,
    lineage: fn(&Value, &Value) -> Vec<Explained>,
) -> Vec<Explained> {
    let order = serde_json::from_str::<Value>(order_text).unwrap_or(Value::Null);
    match catalogue {
        Some(c) => c.lineage(&order, |completed| lineage(payload, completed)),
        None => lineage(payload, &order),
    }
}

/// A result with the field lineage beside it (`explain: true`).
#[derive(Serialize)]
struct WithLineage<'a, T: Serialize> {
    #[serde(flatten)]
    result: &'a T,
    #[serde(skip_serializing_if = "Option::is_none")]
    lineage: Option<Vec<Explained>>,
}

#[derive(Serialize)]
struct Validation {
    valid: bool,
    issues: Issues,
}

/// `validateOrder(order, { target?, options? })`: every issue of the order itself; with a
/// `target`, also every issue that target's order document would have.
// Declared in its .d.ts (optional options, the body path's overloads).
#[wasm_bindgen(js_name = validateOrder, skip_typescript)]
pub fn validate_order(
    #[wasm_bindgen(unchecked_param_type = "Order | string")] order: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ValidateOptions")] options: Option<JsValue>,
) -> JsValue {
    let mut issues = Issues::new();
    let options = options_json(options, &mut issues);
    let target = options
        .as_ref()
        .and_then(|o| o.get("target"))
        .and_then(Value::as_str);
    let target_options = options
        .as_ref()
        .and_then(|o| o.get("options"))
        .unwrap_or(&Value::Null);
    let catalogue = crate::catalogue::from_option(target_options, &mut issues);
    if let Some((order, order_issues)) = read_order(&order, catalogue.as_ref(), &mut issues) {
        match target {
            Some(t) => {
                issues.extend(dispatch::check_order(
                    t,
                    &order,
                    order_issues,
                    target_options,
                ));
            }
            None => issues.extend(order_issues),
        }
    }
    write(&Validation {
        valid: !issues.has_errors(),
        issues,
    })
}

/// Reads the options with `read_options` and the order, then builds with `build`: the three
/// steps every order builder export takes (and the lineage by `lineage` with `explain`).
/// With `{ as: "text" }` the core's `text` builds the body text from the order text instead.
fn build_from_order<O: Default, T: Serialize>(
    order: &JsValue,
    options: Option<JsValue>,
    read_options: fn(&Value, &mut Issues) -> O,
    build: fn(&Order, Issues, &O) -> Built<T>,
    lineage: fn(&Value, &Value) -> Vec<Explained>,
    text: fn(&str, &Value, Issues) -> crate::body::Body,
) -> JsValue {
    let mut issues = Issues::new();
    let raw = options_json(options, &mut issues);
    if let Some(o) = raw
        .as_ref()
        .filter(|o| crate::body::wants_text(o, &mut issues))
    {
        return text_body(order, o, issues, text);
    }
    let explain = wants_lineage(raw.as_ref());
    let options = raw
        .as_ref()
        .map(|o| read_options(o, &mut issues))
        .unwrap_or_default();
    let catalogue = raw
        .as_ref()
        .and_then(|o| crate::catalogue::from_option(o, &mut issues));
    let (built, text) = match read_order_text(order, catalogue.as_ref(), &mut issues) {
        Some((order, order_issues, text)) => {
            issues.extend(order_issues);
            (build(&order, issues, &options), text)
        }
        None => (Built::new(None, issues), String::new()),
    };
    let lineage = built.payload.as_ref().filter(|_| explain).map(|p| {
        let payload = serde_json::to_value(p).unwrap_or(Value::Null);
        lineage_of(&payload, &text, catalogue.as_ref(), lineage)
    });
    write(&WithLineage {
        result: &built,
        lineage,
    })
}

/// The body path: the order as JSON text (a string as it is) into the target's `text`; with a
/// `catalogue` option, the order's items are completed from it first (and the builder reads
/// its other parts itself: kivitendo its part ids for `productIds`).
fn text_body(
    order: &JsValue,
    options: &Value,
    mut issues: Issues,
    text: fn(&str, &Value, Issues) -> crate::body::Body,
) -> JsValue {
    let catalogue = crate::catalogue::from_option(options, &mut issues);
    let Some(order) = read_text(order, "", true, &mut issues) else {
        return body::write_body(&crate::body::Body::new(None, issues));
    };
    let order = match catalogue {
        Some(c) => c.complete_text(&order).unwrap_or(order),
        None => order,
    };
    body::write_body(&text(&order, options, issues))
}

/// `buildOrder(document, order, options?)`: the request body of any order document of the
/// registry (`validateOrder`'s targets: `geisenheim`, `kivitendo-order`, …), as the named
/// builders give it with `{ as: "text" }`.
// Declared in types.rs (the documents from each target's declarations).
#[wasm_bindgen(js_name = buildOrder, skip_typescript)]
pub fn build_order(document: &str, order: JsValue, options: Option<JsValue>) -> JsValue {
    let mut issues = Issues::new();
    let Some((_, d)) = crate::registry::document(document) else {
        let known: Vec<_> = crate::registry::documents().map(|(_, d)| d.name).collect();
        let known = known.join(", ");
        issues.error(
            "document",
            "unknown_target",
            format!("no order document {document:?}; known: {known}"),
            format!("kein Bestelldokument {document:?}; bekannt: {known}"),
        );
        return body::write_body(&crate::body::Body::new(None, issues));
    };
    let options = options_json(options, &mut issues).unwrap_or(Value::Null);
    text_body(&order, &options, issues, d.body)
}

/// `toGeisenheim(order, options?)`: the `POST /erp/orders` body and every issue.
// Declared in its .d.ts (optional options, the body path's overloads).
#[wasm_bindgen(js_name = toGeisenheim, skip_typescript)]
pub fn to_geisenheim(
    #[wasm_bindgen(unchecked_param_type = "Order | string")] order: JsValue,
    #[wasm_bindgen(unchecked_param_type = "GeisenheimOptions")] options: Option<JsValue>,
) -> JsValue {
    build_from_order(
        &order,
        options,
        geisenheim::Options::from_value,
        geisenheim::build_order,
        geisenheim::lineage::of,
        crate::targets::geisenheim::order_body,
    )
}

/// `request(target, operation, input, config)`: a transport-free HTTP request.
// Typed by hand in `types.rs` (literal unions of targets and operations).
#[wasm_bindgen(js_name = request, skip_typescript)]
pub fn request(target: &str, operation: &str, input: JsValue, config: Option<JsValue>) -> JsValue {
    let config = config.unwrap_or(JsValue::UNDEFINED);
    let mut issues = Issues::new();
    let input = read_text(&input, "input", false, &mut issues).unwrap_or_else(|| "null".into());
    let config = read(&config, "config", false, &mut issues).unwrap_or(Value::Null);
    if issues.has_errors() {
        return write(&dispatch::RequestResult {
            request: None,
            issues,
        });
    }
    let mut result = dispatch::request(target, operation, &input, &config, now());
    issues.extend(result.issues);
    result.issues = issues;
    write(&result)
}

/// `interpretResponse(target, operation, status, body)`: what a response means.
#[wasm_bindgen(js_name = interpretResponse, skip_typescript)]
pub fn interpret_response(
    target: &str,
    operation: &str,
    status: u16,
    body: Option<String>,
) -> JsValue {
    write(&dispatch::interpret_response(
        target,
        operation,
        status,
        body.as_deref().unwrap_or(""),
        now(),
    ))
}

/// Reads kivitendo options (`{ taxzoneId, currencyId, customerId, productIds, … }`).
fn kivitendo_options(options: Option<JsValue>, issues: &mut Issues) -> kivitendo::Options {
    let v = options_json(options, issues).unwrap_or(Value::Null);
    kivitendo::Options::from_value(&v, issues)
}

/// A function's trailing `options` as JSON (`null` when there are none); unreadable options
/// are an issue at `options`.
pub(super) fn options_json(options: Option<JsValue>, issues: &mut Issues) -> Option<Value> {
    read(
        &options.unwrap_or(JsValue::UNDEFINED),
        "options",
        false,
        issues,
    )
}

/// Builds a kivitendo document from an order with `build` (and its lineage by `lineage`
/// with `explain`, named in XML's `-` spelling for XML documents).
fn kivitendo_order_document(
    order: &JsValue,
    options: Option<JsValue>,
    build: fn(&Order, Issues, &kivitendo::Options) -> Built<kivitendo::record::Record>,
    lineage: fn(&Value, &Value) -> Vec<Explained>,
    text: fn(&str, &Value, Issues) -> crate::body::Body,
) -> JsValue {
    let mut issues = Issues::new();
    let raw = options_json(options, &mut issues).unwrap_or(Value::Null);
    if crate::body::wants_text(&raw, &mut issues) {
        return text_body(order, &raw, issues, text);
    }
    let mut options = kivitendo::Options::from_value(&raw, &mut issues);
    let catalogue = crate::catalogue::from_option(&raw, &mut issues);
    if let Some(c) = &catalogue {
        c.fill_product_ids(&mut options.product_ids);
    }
    let (built, text) = match read_order_text(order, catalogue.as_ref(), &mut issues) {
        Some((order, order_issues, text)) => {
            issues.extend(order_issues);
            (build(&order, issues, &options), text)
        }
        None => (Built::new(None, issues), String::new()),
    };
    let lineage = built
        .payload
        .as_ref()
        .filter(|_| wants_lineage(Some(&raw)))
        .map(|record| {
            let json = record
                .xml_or_json(kivitendo::record::Format::Json)
                .1
                .unwrap_or(Value::Null);
            let mut all = lineage_of(&json, &text, catalogue.as_ref(), lineage);
            if options.format == kivitendo::record::Format::Xml {
                for e in &mut all {
                    e.field = e.field.replace('_', "-");
                }
            }
            all
        });
    write(&WithLineage {
        result: &kivitendo::Document::new(built, options.format),
        lineage,
    })
}

/// `toKivitendoCustomerXml(order, options?)`: `<customer>` with contacts and shippings.
// Declared in its .d.ts (optional options, the body path's overloads).
#[wasm_bindgen(js_name = toKivitendoCustomerXml, skip_typescript)]
pub fn to_kivitendo_customer_xml(
    #[wasm_bindgen(unchecked_param_type = "Order | string")] order: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KivitendoOptions")] options: Option<JsValue>,
) -> JsValue {
    kivitendo_order_document(
        &order,
        options,
        kivitendo::build_customer,
        kivitendo::lineage::customer,
        crate::targets::kivitendo::customer_body,
    )
}

/// `toKivitendoOrderXml(order, options)`: `<order>` with orderitems and exact totals.
// Declared in its .d.ts (optional options, the body path's overloads).
#[wasm_bindgen(js_name = toKivitendoOrderXml, skip_typescript)]
pub fn to_kivitendo_order_xml(
    #[wasm_bindgen(unchecked_param_type = "Order | string")] order: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KivitendoOptions")] options: Option<JsValue>,
) -> JsValue {
    kivitendo_order_document(
        &order,
        options,
        kivitendo::build_order,
        kivitendo::lineage::order,
        crate::targets::kivitendo::order_body,
    )
}

/// Builds a product or category document from its JS description.
fn kivitendo_input_document(
    input: &JsValue,
    options: Option<JsValue>,
    build: fn(&Value, &kivitendo::Options) -> Built<kivitendo::record::Record>,
) -> JsValue {
    let mut issues = Issues::new();
    let v = options_json(options, &mut issues).unwrap_or(Value::Null);
    if crate::body::wants_text(&v, &mut issues) {
        let input = read(input, "input", true, &mut issues);
        return body::write_body(&match input {
            Some(input) => crate::targets::kivitendo::input_body(&input, &v, issues, build),
            None => crate::body::Body::new(None, issues),
        });
    }
    let options = kivitendo::Options::from_value(&v, &mut issues);
    let built = match read(input, "input", true, &mut issues) {
        Some(v) => {
            let mut b = build(&v, &options);
            issues.extend(b.issues);
            b.issues = issues;
            Built::new(b.payload, b.issues)
        }
        None => Built::new(None, issues),
    };
    write(&kivitendo::Document::new(built, options.format))
}

/// `toKivitendoProductXml(product, options?)`: `<product>` (productnumber, unit, partType required).
// Declared in its .d.ts (optional options, the body path's overloads).
#[wasm_bindgen(js_name = toKivitendoProductXml, skip_typescript)]
pub fn to_kivitendo_product_xml(
    #[wasm_bindgen(unchecked_param_type = "KivitendoProduct | string")] product: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KivitendoOptions")] options: Option<JsValue>,
) -> JsValue {
    kivitendo_input_document(&product, options, kivitendo::build_product)
}

/// `toKivitendoCategoryXml(category, options?)`: `<category>` (name and sortkey required).
// Declared in its .d.ts (optional options, the body path's overloads).
#[wasm_bindgen(js_name = toKivitendoCategoryXml, skip_typescript)]
pub fn to_kivitendo_category_xml(
    #[wasm_bindgen(unchecked_param_type = "KivitendoCategory | string")] category: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KivitendoOptions")] options: Option<JsValue>,
) -> JsValue {
    kivitendo_input_document(&category, options, kivitendo::build_category)
}

/// `parseKivitendoXml(xml)`: a document or API answer as an object, or an issue naming line
/// and column.
#[wasm_bindgen(js_name = parseKivitendoXml, unchecked_return_type = "KivitendoParsed")]
pub fn parse_kivitendo_xml(xml: &str) -> JsValue {
    write(&kivitendo::parse_document(xml))
}

/// `kivitendoSync(order, config, state?, response?)`: one step of the sync flow (customer by
/// e-mail, created if missing; order by number, created if missing).
// Declared in its .d.ts (optional options, the body path's overloads).
#[wasm_bindgen(js_name = kivitendoSync, skip_typescript)]
pub fn kivitendo_sync(
    #[wasm_bindgen(unchecked_param_type = "Order | string")] order: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RequestConfig & KivitendoOptions")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KivitendoSyncState | undefined")] state: Option<JsValue>,
    #[wasm_bindgen(unchecked_param_type = "{ status: number, body: string } | undefined")] response: Option<JsValue>,
) -> JsValue {
    let mut issues = Issues::new();
    let text = read_text(&order, "", true, &mut issues).unwrap_or_else(|| "null".into());
    let config = read(&config, "config", false, &mut issues).unwrap_or(Value::Null);
    let cfg = crate::http::Config::from_value(&config, kivitendo::OPTION_KEYS, &mut issues);
    let options = kivitendo::Options::from_value(&config, &mut issues);
    let state = read(
        &state.unwrap_or(JsValue::UNDEFINED),
        "state",
        false,
        &mut issues,
    )
    .and_then(|v| kivitendo::requests::SyncState::from_value(&v));
    let response = read(
        &response.unwrap_or(JsValue::UNDEFINED),
        "response",
        false,
        &mut issues,
    );
    let resp = response.as_ref().map(|r| {
        let status = r
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(0);
        let body = r.get("body").and_then(Value::as_str).unwrap_or("");
        (status, body)
    });
    let mut step = kivitendo::requests::sync_step(&text, &cfg, &options, state, resp);
    issues.extend(step.issues);
    step.issues = issues;
    write(&step)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StreetResult {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    house_number: Option<String>,
    issues: Issues,
}

/// `splitStreet(line)`: `{ street, houseNumber }` for a German address line, or an issue.
#[wasm_bindgen(js_name = splitStreet, unchecked_return_type = "SplitStreetResult")]
pub fn split_street(line: &str) -> JsValue {
    let mut issues = Issues::new();
    let (street, house_number) = match crate::order::street::split_street(line) {
        Ok(p) => (Some(p.street), Some(p.house_number)),
        Err(e) => {
            issues.error("", "unsplittable_street", e.to_string(), "Straße und Hausnummer lassen sich nicht trennen; bitte die Hausnummer getrennt angeben");
            (None, None)
        }
    };
    write(&StreetResult {
        ok: street.is_some(),
        street,
        house_number,
        issues,
    })
}

/// `toWestarpOrder(order, options?)`: the Westarp `POST /orders` body and every issue.
// Declared in its .d.ts (optional options, the body path's overloads).
#[wasm_bindgen(js_name = toWestarpOrder, skip_typescript)]
pub fn to_westarp_order(
    #[wasm_bindgen(unchecked_param_type = "Order | string")] order: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WestarpOptions")] options: Option<JsValue>,
) -> JsValue {
    build_from_order(
        &order,
        options,
        westarp::Options::from_value,
        westarp::build_order,
        westarp::lineage::of,
        crate::targets::westarp::order_body,
    )
}

#[derive(Serialize)]
struct CostResult {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_money")]
    cost: Option<crate::decimal::Decimal>,
    issues: Issues,
}

fn opt_money<S: serde::Serializer>(
    d: &Option<crate::decimal::Decimal>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => crate::money::serialize_number(d, s),
        None => s.serialize_none(),
    }
}

/// `westarpShippingCost(method, weightGrams)`: the net cost from a shipping method of type
/// weight, fixed/fix or linear.
#[wasm_bindgen(js_name = westarpShippingCost, unchecked_return_type = "ShippingCostResult")]
pub fn westarp_shipping_cost(
    #[wasm_bindgen(unchecked_param_type = "WestarpShippingMethod")] method: JsValue,
    weight_grams: f64,
) -> JsValue {
    let mut issues = Issues::new();
    let mut cost = None;
    if !(weight_grams.is_finite()
        && (0.0..=1e9).contains(&weight_grams)
        && weight_grams.fract() == 0.0)
    {
        issues.error(
            "weightGrams",
            "out_of_range",
            "must be a whole number of grams from 0",
            "muss eine ganze Grammzahl ab 0 sein",
        );
    } else if let Some(v) = read(&method, "method", true, &mut issues) {
        match westarp::shipping::ShippingMethod::from_value(&v)
            .and_then(|m| m.cost(weight_grams as u64))
        {
            Ok(c) => cost = Some(c),
            Err(e) => issues.error(
                "method",
                "shipping_cost",
                e.to_string(),
                format!("Versandkosten nicht berechenbar: {e}"),
            ),
        }
    }
    write(&CostResult {
        ok: cost.is_some(),
        cost,
        issues,
    })
}

/// `fromOmnisellerOrder(order, mapping)`: an OmniSeller order (getOrder's answer or its
/// `data`) as a canonical order, by the integrator's mapping: a function (synchronous, given
/// the order object) or a field-path table. `{ order, valid, issues }`.
#[wasm_bindgen(js_name = fromOmnisellerOrder, unchecked_return_type = "MappedOrder")]
pub fn from_omniseller_order(
    #[wasm_bindgen(unchecked_param_type = "object | string")] order: JsValue,
    #[wasm_bindgen(unchecked_param_type = "OrderMapping | ((order: any) => Order)")]
    mapping: JsValue,
) -> JsValue {
    let mut issues = Issues::new();
    let raw = read(&order, "order", true, &mut issues);
    let Some(f) = mapping.dyn_ref::<js_sys::Function>() else {
        let table = read(&mapping, "mapping", false, &mut issues).unwrap_or(Value::Null);
        let mut mapped = omniseller::order_from(raw.as_ref().unwrap_or(&Value::Null), &table);
        if issues.has_errors() {
            // The input could not be read: that, and a missing mapping, are what to fix.
            if table.is_null() {
                omniseller::missing_mapping(&mut issues);
            }
            mapped.issues = issues;
        }
        return write(&mapped);
    };
    let data = raw
        .as_ref()
        .and_then(|r| omniseller::order_data(r, &mut issues));
    let result = data.map(|d| f.call1(&JsValue::NULL, &write(d)));
    let mapped = match result {
        Some(Ok(v)) if v.is_instance_of::<js_sys::Promise>() => {
            issues.error("mapping", "mapping_failed", "the mapping function returned a Promise: map synchronously (await what you need before calling fromOmnisellerOrder)", "die Zuordnungsfunktion lieferte ein Promise: bitte synchron zuordnen (Benötigtes vor fromOmnisellerOrder abwarten)");
            None
        }
        Some(Ok(v)) if v.is_undefined() || v.is_null() => {
            issues.error("mapping", "mapping_failed", "the mapping function returned nothing: return the canonical order object", "die Zuordnungsfunktion lieferte nichts zurück: bitte das kanonische Bestellobjekt zurückgeben");
            None
        }
        Some(Ok(v)) => read(&v, "mapping", true, &mut issues),
        Some(Err(e)) => {
            let msg = e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .or_else(|| e.as_string())
                .unwrap_or_default();
            issues.error(
                "mapping",
                "mapping_failed",
                format!("the mapping function threw: {msg}"),
                format!("die Zuordnungsfunktion hat einen Fehler geworfen: {msg}"),
            );
            None
        }
        None => None,
    };
    match mapped {
        Some(order) => write(&omniseller::Mapped::validate(order, issues)),
        None => write(&omniseller::Mapped {
            order: None,
            valid: false,
            issues,
        }),
    }
}

/// `omnisellerToKivitendoCategories(categories, options?)`: kivitendo `<category>` documents
/// for OmniSeller's categories (the getCategories answer, its `data` or its interpreted tree).
// Declared in omniseller.d.ts (optional options).
#[wasm_bindgen(js_name = omnisellerToKivitendoCategories, skip_typescript)]
pub fn omniseller_to_kivitendo_categories(
    #[wasm_bindgen(unchecked_param_type = "unknown")] categories: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KivitendoOptions")] options: Option<JsValue>,
) -> JsValue {
    let mut issues = Issues::new();
    let format = kivitendo_options(options, &mut issues).format;
    let input = read(&categories, "categories", true, &mut issues).unwrap_or(Value::Null);
    let mut docs = omniseller::kivitendo_category_documents(&input, format);
    if issues.has_errors() {
        docs.issues = issues;
    } else {
        issues.extend(docs.issues);
        docs.issues = issues;
    }
    write(&docs)
}

/// A plain JS object of `fields` (set on a fresh object, which cannot fail).
fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

/// A JS array of strings.
fn strings(items: &[&str]) -> JsValue {
    items
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect::<js_sys::Array>()
        .into()
}

/// `targets()`: every target from the registry: its operations, order documents, the options
/// a caller may set, its variables and secrets, idempotency key and what it does before a
/// resend (built as JS values directly: serde here cost 4 KB of the module).
#[wasm_bindgen(js_name = targets, unchecked_return_type = "TargetInfo[]")]
pub fn targets() -> JsValue {
    use crate::registry::{env_names, Target};
    let list: js_sys::Array = Target::ALL
        .iter()
        .map(|t| {
            let e = t.entry();
            let ops = e.requests.operations;
            let documents: js_sys::Array = e
                .documents
                .iter()
                .map(|d| {
                    let rows: usize = d.lineage.iter().map(|t| t.len()).sum();
                    object(&[
                        ("name", d.name.into()),
                        ("builder", d.builder.into()),
                        ("lineage", JsValue::from(rows as u32)),
                    ])
                })
                .collect();
            let possibly: Vec<(&str, JsValue)> = ops
                .iter()
                .map(|op| (*op, (e.possibly_sent)(op).name().into()))
                .collect();
            let lookup = e.lookup.map_or(JsValue::NULL, |l| {
                let input = js_sys::JSON::parse(l.input).unwrap_or(JsValue::NULL);
                object(&[
                    ("operation", l.operation.into()),
                    ("asks", l.asks.into()),
                    ("input", input),
                ])
            });
            object(&[
                ("name", e.name.into()),
                ("title", e.title.into()),
                ("operations", strings(ops)),
                ("documents", documents.into()),
                ("callerOptions", strings(e.caller_options)),
                ("installationOptions", strings(e.installation_options)),
                ("variables", strings(&env_names(e.env, false))),
                ("secrets", strings(&env_names(e.env, true))),
                ("idempotencyKey", e.idempotency_key.field.into()),
                ("whenPossiblySent", object(&possibly)),
                ("lookupBeforeResend", lookup),
                ("declarations", e.declarations.into()),
            ])
        })
        .collect();
    list.into()
}

/// `sources()`: every source from the registry: how its orders arrive, its operations,
/// variables and secrets.
#[wasm_bindgen(js_name = sources, unchecked_return_type = "SourceInfo[]")]
pub fn sources() -> JsValue {
    use crate::registry::{env_names, Source};
    let list: js_sys::Array = Source::ALL
        .iter()
        .map(|s| {
            let e = s.entry();
            let ops = e.requests.map_or(&[][..], |r| r.operations);
            object(&[
                ("name", e.name.into()),
                ("title", e.title.into()),
                ("arrival", e.arrival.name().into()),
                ("operations", strings(ops)),
                ("variables", strings(&env_names(e.env, false))),
                ("secrets", strings(&env_names(e.env, true))),
                ("declarations", e.declarations.into()),
            ])
        })
        .collect();
    list.into()
}

/// `version()`: the package version.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Benchmark-only variant of [`to_geisenheim`] converting with serde-wasm-bindgen both ways
/// (one JS call per field) instead of `JSON.stringify` / `JSON.parse`.
#[cfg(feature = "bench-boundary")]
#[wasm_bindgen(js_name = toGeisenheimSerdeWasmBindgen)]
pub fn to_geisenheim_serde_wasm_bindgen(order: JsValue, options: JsValue) -> JsValue {
    let mut issues = Issues::new();
    let options = serde_wasm_bindgen::from_value::<Value>(options)
        .map(|o| geisenheim::Options::from_value(&o, &mut issues))
        .unwrap_or_default();
    let built = match serde_wasm_bindgen::from_value::<Value>(order) {
        Ok(v) => {
            let (order, order_issues) = Order::from_value(&v);
            issues.extend(order_issues);
            geisenheim::build_order(&order, issues, &options)
        }
        Err(_) => Built::new(None, issues),
    };
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    built.serialize(&ser).unwrap_or(JsValue::NULL)
}

/// Benchmark-only: the text path's core (`crate::targets::geisenheim::order_body`) `n` times inside Wasm, so
/// that the benchmark can tell the boundary's share (text path − core).
#[cfg(feature = "bench-boundary")]
#[wasm_bindgen(js_name = benchCoreText)]
pub fn bench_core_text(order: &str, n: u32) -> usize {
    let options = serde_json::json!({"as": "text", "recipientSalt": "benchmark-salt-0123456789"});
    let mut len = 0;
    for _ in 0..n {
        let b = crate::targets::geisenheim::order_body(order, &options, Issues::new());
        len += b.body.map_or(0, |s| s.len());
    }
    len
}

/// Benchmark-only: the text path's stages `n` times inside Wasm, cumulatively: `stage` 0 parses
/// the JSON text, 1 also reads the canonical order, 2 also maps it to Geisenheim's payload, 3
/// is the whole core (`crate::targets::geisenheim::order_body`, which also writes the body). The differences
/// are the stages' shares.
#[cfg(feature = "bench-boundary")]
#[wasm_bindgen(js_name = benchCoreStage)]
pub fn bench_core_stage(order: &str, n: u32, stage: u32) -> usize {
    let json = serde_json::json!({"as": "text", "recipientSalt": "benchmark-salt-0123456789"});
    let options = geisenheim::Options::from_value(&json, &mut Issues::new());
    let mut seen = 0;
    for _ in 0..n {
        seen += match stage {
            0 => crate::json::parse(order).map_or(0, |d| d.pairs(d.root()).len()),
            1 => crate::json::parse(order).map_or(0, |d| Order::from_json(&d).0.items.len()),
            2 => crate::json::parse(order).map_or(0, |d| {
                let (order, issues) = Order::from_json(&d);
                let built = geisenheim::build_order(&order, issues, &options);
                built.payload.map_or(0, |p| p.items.len())
            }),
            _ => crate::targets::geisenheim::order_body(order, &json, Issues::new())
                .body
                .map_or(0, |s| s.len()),
        };
    }
    seen
}
