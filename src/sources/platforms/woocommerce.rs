//! WooCommerce REST API v3, the order object (`GET /wp-json/wc/v3/orders/<id>`, and the body
//! of the `order.created` / `order.updated` webhooks, which send the same object).
//!
//! Read in the document's order: `number`, `status`, `currency`, `date_created_gmt`,
//! `prices_include_tax`, `customer_id`, `customer_note`, `billing`, `shipping`,
//! `payment_method` / `payment_method_title`, `line_items`, `tax_lines`, `shipping_lines`,
//! `fee_lines`, `coupon_lines`, `refunds`.
//!
//! Decisions where the document is silent:
//! - The order time is `date_created_gmt` (UTC, written without an offset); without it,
//!   `date_created` is read as German local time (the site's time zone), with a warning.
//! - Line amounts in the API are net (`subtotal` before and `total` after discounts, taxes
//!   apart) whatever `prices_include_tax` says; that flag only says how the shop shows
//!   prices, so kontor writes gross unit prices (`(subtotal + subtotal_tax) / quantity`) when
//!   it is true and net ones when it is false. The discount per unit is `subtotal − total`
//!   (plus the tax difference when gross) over the quantity: coupons are already spread over
//!   the lines by WooCommerce, so `coupon_lines` add nothing.
//! - The VAT rate is `tax_lines[].rate_percent` (WooCommerce 5.7+) of the line's tax id, else
//!   derived from the line's one unrounded `taxes[0].subtotal` (else `subtotal_tax`) over
//!   `subtotal`.
//! - A shipping line's rate is `tax_lines[].rate_percent` of its `taxes[].id`, else derived
//!   from `total_tax / total`.
//! - `fee_lines` have no SKU and no canonical place: each is a warning naming it. `refunds`
//!   in the order object carry totals only, no lines: each is a refund with its amount and
//!   reason, and a warning (the refund's lines come with
//!   `GET /orders/<id>/refunds`).
//! - The state is `status`: `pending`, `on-hold`, `checkout-draft` → open; `processing`,
//!   `completed` → paid (partially_refunded with `refunds`); `cancelled`, `trash` →
//!   cancelled; `refunded` → refunded; `failed` → failed (the last three are errors). Any
//!   other status (a plugin's own) is a warning and no state.
//! - The payment method is `payment_method` (the gateway id), else `payment_method_title`.
//! - Names are decoded from the HTML entities WooCommerce writes (`&ndash;`, `&amp;`).

use serde_json::{json, Map, Value};

use super::{
    abs, amount, carrier, derive_rate, derived_rate_warning, missing, money, per_unit, put_street,
    put_text, rounded_warning, second_line_warning, text, utc, Life, OrderState,
};
use crate::decimal::Decimal;
use crate::issue::Issues;

/// `status` → the order's state (paid with refunds is partially refunded).
const STATES: &[(&str, OrderState)] = &[
    ("pending", OrderState::Open),
    ("on-hold", OrderState::Open),
    ("checkout-draft", OrderState::Open),
    ("processing", OrderState::Paid),
    ("completed", OrderState::Paid),
    ("cancelled", OrderState::Cancelled),
    ("trash", OrderState::Cancelled),
    ("refunded", OrderState::Refunded),
    ("failed", OrderState::Failed),
];

/// The WooCommerce order object as a canonical order (JSON, not yet validated); its state
/// and refunds go to `life`.
pub(crate) fn map(o: &Value, life: &mut Life, issues: &mut Issues) -> Value {
    let mut out = Map::new();
    match text(o, "number").or_else(|| text(o, "id")) {
        Some(n) => {
            out.insert("number".into(), Value::String(n.into_owned()));
        }
        None => missing(
            "number",
            "WooCommerce sent no number (nor id): pass the order object as the API or the webhook sends it".into(),
            "WooCommerce sendet keine number (und keine id): bitte das Bestellobjekt so übergeben, wie API oder Webhook es senden".into(),
            issues,
        ),
    }
    let status = text(o, "status").unwrap_or_default();
    let refunded = o
        .get("refunds")
        .and_then(Value::as_array)
        .is_some_and(|r| !r.is_empty());
    let mut state = super::state_in(STATES, &status);
    if refunded && state == Some(OrderState::Paid) {
        state = Some(OrderState::PartiallyRefunded);
    }
    life.set(state, "status", &status, "WooCommerce", issues);
    ordered_at(o, &mut out, issues);
    out.insert("channel".into(), json!("online"));
    put_text(&mut out, "currency", text(o, "currency"));
    let gross = match o.get("prices_include_tax") {
        Some(Value::Bool(b)) => *b,
        _ => {
            issues.warning(
                "pricesIncludeTax",
                "missing_field",
                "WooCommerce sent no prices_include_tax: net prices are assumed (WooCommerce → Settings → Tax)",
                "WooCommerce sendet kein prices_include_tax: Nettopreise werden angenommen (WooCommerce → Einstellungen → Steuer)",
            );
            false
        }
    };
    out.insert("pricesIncludeTax".into(), Value::Bool(gross));

    let empty = Value::Object(Map::new());
    let billing = o.get("billing").unwrap_or(&empty);
    let mut customer = Map::new();
    if let Some(id) = o
        .get("customer_id")
        .and_then(Value::as_u64)
        .filter(|i| *i > 0)
    {
        customer.insert("id".into(), Value::String(id.to_string()));
    }
    put_text(&mut customer, "email", text(billing, "email"));
    put_text(&mut customer, "company", text(billing, "company"));
    put_text(&mut customer, "firstName", text(billing, "first_name"));
    put_text(&mut customer, "lastName", text(billing, "last_name"));
    put_text(&mut customer, "phone", text(billing, "phone"));
    let customer_name = full_name(billing);
    out.insert("customer".into(), Value::Object(customer));
    let bill = address(billing, "billing", "billingAddress", None, issues);
    if let Some(shipping) = o.get("shipping").filter(|s| text(s, "address_1").is_some()) {
        let mut own = Issues::new();
        let ship = address(
            shipping,
            "shipping",
            "shippingAddress",
            customer_name.as_deref(),
            &mut own,
        );
        if super::differs(&ship, &bill) {
            out.insert("shippingAddress".into(), Value::Object(ship));
            issues.extend(own);
        }
    }
    out.insert("billingAddress".into(), Value::Object(bill));

    let (id, title) = (text(o, "payment_method"), text(o, "payment_method_title"));
    let given = [id.as_deref(), title.as_deref()];
    match super::payment_of(&given, given[1], "payment_method", issues) {
        Some(p) => {
            out.insert("payment".into(), p);
        }
        None => issues.warning(
            "payment",
            "missing_field",
            "WooCommerce sent no payment_method (a free order, or one entered by hand): the order has no payment method",
            "WooCommerce sendet keine payment_method (eine kostenlose oder von Hand angelegte Bestellung): die Bestellung hat keine Zahlungsart",
        ),
    }
    let rates = tax_rates(o);
    shipping(o, gross, &rates, &mut out, issues);
    put_text(&mut out, "notes", text(o, "customer_note"));

    let lines = o.get("line_items").and_then(Value::as_array);
    let items: Vec<Value> = lines
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, l)| item(l, i, gross, &rates, issues))
        .collect();
    if items.is_empty() {
        missing(
            "items",
            "WooCommerce sent no line_items".into(),
            "WooCommerce sendet keine line_items".into(),
            issues,
        );
    }
    out.insert("items".into(), Value::Array(items));

    for (i, f) in o
        .get("fee_lines")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = text(f, "name").unwrap_or_default();
        let total = text(f, "total").unwrap_or_default();
        issues.warning(
            format!("fee_lines[{i}]"),
            "fee_not_mapped",
            format!("the fee {name:?} ({total}) has no SKU and no place in the canonical order: not carried over"),
            format!("die Gebühr {name:?} ({total}) hat keine Artikelnummer und keinen Platz in der kanonischen Bestellung: nicht übernommen"),
        );
    }
    for (i, r) in o
        .get("refunds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let total = text(r, "total").unwrap_or_default();
        // `reason` (the docs' older examples call it `refund`).
        let reason = text(r, "reason").or_else(|| text(r, "refund"));
        life.refunds.push(super::refund(
            text(r, "id").as_deref(),
            None,
            amount(r, "total"),
            reason.as_deref(),
            Vec::new(),
        ));
        let reason = reason.unwrap_or_default();
        issues.warning(
            format!("refunds[{i}]"),
            "refund_not_itemised",
            format!("WooCommerce lists a refund of {total} ({reason:?}) without its lines (GET /orders/<id>/refunds has them): the order is mapped as placed"),
            format!("WooCommerce nennt eine Erstattung über {total} ({reason:?}) ohne Positionen (GET /orders/<id>/refunds nennt sie): die Bestellung wird wie aufgegeben übernommen"),
        );
    }
    Value::Object(out)
}

fn ordered_at(o: &Value, out: &mut Map<String, Value>, issues: &mut Issues) {
    let gmt = text(o, "date_created_gmt");
    let local = text(o, "date_created");
    let with_zone = |t: &str| {
        let has_offset =
            t.ends_with(['Z', 'z']) || t.get(19..).is_some_and(|r| r.contains(['+', '-']));
        if has_offset {
            t.to_owned()
        } else {
            format!("{t}Z")
        }
    };
    let at = match (&gmt, &local) {
        (Some(g), _) => utc(&with_zone(g)),
        (None, Some(l)) => {
            let t = crate::order::time::Timestamp::from_berlin_local(&l.replace('T', " "))
                .map(|t| crate::order::time::format_rfc3339(&t))
                .and_then(|t| utc(&t));
            if t.is_some() {
                issues.warning(
                    "orderedAt",
                    "assumed_time_zone",
                    format!("WooCommerce sent only date_created ({l}), in the site's time zone: it is read as German time"),
                    format!("WooCommerce sendet nur date_created ({l}) in der Zeitzone der Website: sie wird als deutsche Zeit gelesen"),
                );
            }
            t
        }
        (None, None) => None,
    };
    super::set_ordered_at(
        out,
        at,
        "WooCommerce",
        ["date_created_gmt", "date_created_gmt"],
        gmt.as_deref(),
        [
            ": pass the order as the REST API v3 sends it",
            ": bitte die Bestellung so übergeben, wie die REST API v3 sie sendet",
        ],
        issues,
    );
}

fn full_name(a: &Value) -> Option<String> {
    let name = super::name_of(
        text(a, "first_name").as_deref(),
        text(a, "last_name").as_deref(),
    );
    (!name.is_empty()).then_some(name)
}

/// `billing` or `shipping` as a canonical address at `path`.
fn address(
    a: &Value,
    shop: &str,
    path: &str,
    customer_name: Option<&str>,
    issues: &mut Issues,
) -> Map<String, Value> {
    let mut out = Map::new();
    put_text(&mut out, "company", text(a, "company"));
    if let Some(name) =
        full_name(a).filter(|n| Some(n.as_str()) != customer_name && customer_name.is_some())
    {
        out.insert("name".into(), Value::String(name));
    }
    match text(a, "address_1") {
        Some(line) => put_street(&mut out, &line, path, &format!("{shop}.address_1"), issues),
        None => missing(
            &format!("{path}.street"),
            format!("WooCommerce sent no {shop}.address_1: make the street a required checkout field"),
            format!("WooCommerce sendet kein {shop}.address_1: bitte die Straße im Checkout zum Pflichtfeld machen"),
            issues,
        ),
    }
    if let Some(l2) = text(a, "address_2") {
        second_line_warning(&l2, path, &format!("{shop}.address_2"), issues);
    }
    put_text(&mut out, "zip", text(a, "postcode"));
    put_text(&mut out, "city", text(a, "city"));
    put_text(&mut out, "country", text(a, "country"));
    super::require_place(
        &out,
        path,
        shop,
        ["postcode", "city", "country"],
        "WooCommerce",
        issues,
    );
    put_text(&mut out, "email", text(a, "email"));
    put_text(&mut out, "phone", text(a, "phone"));
    out
}

fn shipping(
    o: &Value,
    gross: bool,
    rates: &[(u64, Decimal)],
    out: &mut Map<String, Value>,
    issues: &mut Issues,
) {
    let lines = o.get("shipping_lines").and_then(Value::as_array);
    let lines: Vec<&Value> = lines.into_iter().flatten().collect();
    if lines.is_empty() {
        return;
    }
    let (mut net, mut tax) = (Decimal::ZERO, Decimal::ZERO);
    let mut names = Vec::new();
    let mut found_carrier = None;
    let mut rate = None;
    for l in &lines {
        rate = rate.or_else(|| rate_of_taxes(l, rates));
        net += amount(l, "total").unwrap_or(Decimal::ZERO);
        tax += amount(l, "total_tax").unwrap_or(Decimal::ZERO);
        if let Some(t) = text(l, "method_title") {
            names.push(t.into_owned());
        }
        let id = text(l, "method_id").unwrap_or_default();
        found_carrier = found_carrier
            .or_else(|| carrier(&id))
            .or_else(|| carrier(&text(l, "method_title").unwrap_or_default()));
    }
    let mut s = Map::new();
    if let Some(c) = found_carrier {
        s.insert("carrier".into(), json!(c));
    }
    if !names.is_empty() {
        s.insert("methodName".into(), Value::String(names.join(", ")));
    }
    s.insert("cost".into(), money(if gross { net + tax } else { net }));
    let rate = rate.unwrap_or_else(|| {
        let mut derived = false;
        let rate = derive_rate(net, tax, &mut derived);
        if derived {
            derived_rate_warning(
                "shipping.taxRate",
                rate,
                "shipping_lines[].total_tax / total",
                issues,
            );
        }
        rate
    });
    s.insert("taxRate".into(), money(rate));
    out.insert("shipping".into(), Value::Object(s));
}

/// The `rate_percent` of the first of a line's `taxes[].id` that `tax_lines` list.
fn rate_of_taxes(l: &Value, rates: &[(u64, Decimal)]) -> Option<Decimal> {
    let id = l
        .get("taxes")
        .and_then(Value::as_array)?
        .first()?
        .get("id")?
        .as_u64()?;
    rates
        .iter()
        .find(|(r, _)| *r == id)
        .map(|(_, r)| r.normalize())
}

/// `rate_id` → `rate_percent` of `tax_lines` (sent since WooCommerce 5.7).
fn tax_rates(o: &Value) -> Vec<(u64, Decimal)> {
    o.get("tax_lines")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| Some((t.get("rate_id")?.as_u64()?, amount(t, "rate_percent")?)))
        .collect()
}

fn item(l: &Value, i: usize, gross: bool, rates: &[(u64, Decimal)], issues: &mut Issues) -> Value {
    let path = format!("items[{i}]");
    let mut out = Map::new();
    let name = text(l, "name").map(|n| decode_entities(&n));
    match text(l, "sku") {
        Some(s) => {
            out.insert("sku".into(), Value::String(s.into_owned()));
        }
        None => missing(
            &format!("{path}.sku"),
            format!("WooCommerce sent no SKU for line_items[{i}] ({:?}, product_id {}): give the product a SKU (Product data → Inventory → SKU)", name.as_deref().unwrap_or(""), text(l, "product_id").unwrap_or_default()),
            format!("WooCommerce sendet keine Artikelnummer für line_items[{i}] ({:?}, product_id {}): bitte dem Produkt eine Artikelnummer geben (Produktdaten → Lager → Artikelnummer)", name.as_deref().unwrap_or(""), text(l, "product_id").unwrap_or_default()),
            issues,
        ),
    }
    if let Some(n) = name {
        out.insert("name".into(), Value::String(n));
    }
    let quantity = l.get("quantity").and_then(Value::as_i64).unwrap_or(0);
    if let Some(q) = l.get("quantity").filter(|q| q.is_i64()) {
        out.insert("quantity".into(), q.clone());
    }
    let subtotal = amount(l, "subtotal");
    let subtotal_tax = amount(l, "subtotal_tax").unwrap_or(Decimal::ZERO);
    let total = amount(l, "total").or(subtotal);
    let total_tax = amount(l, "total_tax").unwrap_or(subtotal_tax);
    let Some(subtotal) = subtotal else {
        missing(
            &format!("{path}.unitPrice"),
            format!("WooCommerce sent no line_items[{i}].subtotal"),
            format!("WooCommerce sendet kein line_items[{i}].subtotal"),
            issues,
        );
        return Value::Object(out);
    };
    let total = total.unwrap_or(subtotal);
    let (before, after) = if gross {
        (subtotal + subtotal_tax, total + total_tax)
    } else {
        (subtotal, total)
    };
    let mut rounded = false;
    out.insert(
        "unitPrice".into(),
        money(per_unit(abs(before), quantity, &mut rounded)),
    );
    if before > after {
        out.insert(
            "discount".into(),
            money(per_unit(before - after, quantity, &mut rounded)),
        );
    }
    if rounded {
        rounded_warning(
            &format!("{path}.unitPrice"),
            &format!("line_items[{i}].subtotal"),
            issues,
        );
    }
    let rate = match rate_of_taxes(l, rates) {
        Some(r) => r,
        None => {
            let mut derived = false;
            // A line's one tax carries the amount unrounded (`1.125` where `subtotal_tax` is
            // `1.13`).
            let one = l["taxes"]
                .as_array()
                .filter(|t| t.len() == 1)
                .map(|t| &t[0]);
            let unrounded = |key| one.and_then(|t| amount(t, key));
            let (net, tax) = if subtotal.is_zero() {
                (total, unrounded("total").unwrap_or(total_tax))
            } else {
                (subtotal, unrounded("subtotal").unwrap_or(subtotal_tax))
            };
            let r = derive_rate(net, tax, &mut derived);
            if derived {
                derived_rate_warning(
                    &format!("{path}.taxRate"),
                    r,
                    &format!("line_items[{i}].taxes / subtotal"),
                    issues,
                );
            }
            r
        }
    };
    out.insert("taxRate".into(), money(rate));
    Value::Object(out)
}

/// The HTML entities WooCommerce writes into names, decoded.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    [
        ("&ndash;", "–"),
        ("&mdash;", "—"),
        ("&quot;", "\""),
        ("&#039;", "'"),
        ("&#39;", "'"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&nbsp;", " "),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(s.to_owned(), |acc, (e, c)| acc.replace(e, c))
}

/// WooCommerce's entry in the registry: its orders arrive by webhook.
pub const ENTRY: crate::registry::SourceEntry = crate::registry::SourceEntry {
    name: "woocommerce",
    title: "WooCommerce (REST API v3 webhooks)",
    arrival: crate::registry::Arrival::Webhook,
    requests: None,
    env: &[
        crate::registry::env("WOOCOMMERCE_WEBHOOK_SECRET", "", false, true),
        crate::registry::env("WOOCOMMERCE_SHOPS", "", false, false),
        // The REST API key the backfill and the reconciliation read orders with (pull.rs).
        crate::registry::env("WOOCOMMERCE_CONSUMER_KEY", "", false, true),
        crate::registry::env("WOOCOMMERCE_CONSUMER_SECRET", "", false, true),
    ],
    declarations: "sources/platforms/platforms.d.ts",
};
