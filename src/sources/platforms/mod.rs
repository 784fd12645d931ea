//! Orders from the shops people run: WooCommerce ([`woocommerce`]), Shopware 6
//! ([`shopware6`]) and Shopify ([`shopify`]) → the canonical order, with configuration only.
//!
//! [`from_shop_order`] takes a platform name and the platform's own order JSON (as its
//! webhook or API sends it) and returns [`Mapped`]: the canonical order JSON, `valid`, and
//! every issue. Each module reads its platform's public order document top to bottom and
//! cites its field names; what the document leaves open is decided there and tested.
//!
//! Shared decisions (all platforms):
//! - Issue paths are canonical paths (`items[0].sku`) and the message names the shop's field
//!   (`line_items[0].sku`) and the fix in the shop's back office; the canonical order's own
//!   issue at the same path and code is replaced by the platform's more precise one.
//! - Times become UTC (`…Z`); amounts are exact decimal strings; per-unit amounts that do not
//!   divide evenly are rounded to 4 places with a `rounded_unit_price` warning.
//! - A one-line street (`Teststraße 42`) is split with [`crate::order::street::split_street`];
//!   a line that does not end in a house number is kept whole with an `unsplittable_street`
//!   warning. A second address line has no canonical field: it is a warning, not dropped
//!   silently.
//! - A VAT rate the shop does not send as a percentage is derived from a line's tax and net
//!   amount: a common EU rate is taken when it reproduces the tax to the cent, else the
//!   quotient rounded to two places with a `derived_tax_rate` warning.
//! - Payment methods are mapped to the canonical list by the platform's own ids first (a
//!   table of gateway ids, handler identifiers and technical names), then by the words of the
//!   id or title, card before debit ([`payment_method`]); anything else is kept as free text
//!   with an `unknown_payment_method` warning.
//! - The order's life: each adapter reads the platform's status fields into [`OrderState`]
//!   and its refunds ([`refund`]); an order that arrives cancelled, (fully) refunded or
//!   failed is an error at the status field (`order_cancelled`, `order_refunded`,
//!   `order_failed`), never a sale.
//! - `options.catalogue` (see [`crate::catalogue`]) completes the items' product facts.

// Its TypeScript declarations, added to the package's by wasm-bindgen (Wasm builds only).
#[cfg_attr(
    target_arch = "wasm32",
    wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)
)]
const _: &str = include_str!("platforms.d.ts");

#[cfg(feature = "worker")]
pub mod pull;
pub mod shopify;
pub mod shopware6;
pub mod woocommerce;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalogue::Catalogue;
use crate::decimal::Decimal;
use crate::issue::{Issues, Severity};
use crate::order::time::{format_rfc3339, Timestamp};
use crate::registry::Source;

/// What `fromShopOrder` returns: the canonical order, whether every builder takes it, every
/// issue, and the order's life as the platform reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mapped {
    /// The canonical order the mapping produced (present even when invalid, to be looked at).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<Value>,
    /// True when the order has no error: every builder will take it.
    pub valid: bool,
    /// Mapping issues and the order's own.
    pub issues: Issues,
    /// The order's state by the platform's status fields; absent when they say nothing kontor
    /// knows (then an issue names the field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<OrderState>,
    /// What the platform lists as refunded, oldest first (empty: nothing), each built by
    /// [`refund`]: `{ id?, at?, amount?, reason?, lines: [{ sku?, quantity, amount?, tax? }]
    /// }`, amounts positive exact decimal strings in the order's currency.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refunds: Vec<Value>,
}

/// An order's state in its life, from the platform's own status fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Placed, not (yet) paid: awaiting payment, on hold, authorized, invoice open.
    Open,
    /// Paid (or being fulfilled after payment).
    Paid,
    /// Cancelled (or voided, or deleted) in the shop.
    Cancelled,
    /// Refunded in full.
    Refunded,
    /// Paid, and part of it refunded: see `Mapped::refunds`.
    PartiallyRefunded,
    /// The payment failed: no sale.
    Failed,
}

impl OrderState {
    /// The state's name as `fromShopOrder` answers it (`"partially_refunded"`).
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Open => "open",
            OrderState::Paid => "paid",
            OrderState::Cancelled => "cancelled",
            OrderState::Refunded => "refunded",
            OrderState::PartiallyRefunded => "partially_refunded",
            OrderState::Failed => "failed",
        }
    }
}

/// The order's life an adapter read: its state and refunds.
#[derive(Debug, Default)]
pub(crate) struct Life {
    pub(crate) state: Option<OrderState>,
    pub(crate) refunds: Vec<Value>,
}

impl Life {
    /// Sets the state from what `field` (the platform's status field, also the issue's path)
    /// says: `None` is a warning that the value is unknown; an order that is no sale
    /// (cancelled, refunded, failed) is an error naming the field and `value`.
    pub(crate) fn set(
        &mut self,
        state: Option<OrderState>,
        field: &str,
        value: &str,
        shop: &str,
        issues: &mut Issues,
    ) {
        self.state = state;
        let (code, severity, en, de) = match state {
            None => (
                "unknown_order_state",
                Severity::Warning,
                "in a state unknown to kontor: no state is given",
                "in einem Zustand, den kontor nicht kennt: kein Zustand angegeben",
            ),
            Some(OrderState::Cancelled) => (
                "order_cancelled",
                Severity::Error,
                "cancelled: no sale, not passed on",
                "storniert: kein Verkauf, nicht weitergegeben",
            ),
            Some(OrderState::Refunded) => (
                "order_refunded",
                Severity::Error,
                "refunded in full: no sale, not passed on",
                "vollständig erstattet: kein Verkauf, nicht weitergegeben",
            ),
            Some(OrderState::Failed) => (
                "order_failed",
                Severity::Error,
                "failed (no payment): no sale, not passed on",
                "gescheitert (keine Zahlung): kein Verkauf, nicht weitergegeben",
            ),
            Some(_) => return,
        };
        issues.push(
            field,
            code,
            severity,
            format!("the {shop} order ({value:?}) is {en}"),
            format!("die {shop}-Bestellung ({value:?}) ist {de}"),
        );
    }
}

/// The state `table` gives a platform's status `value`, if any.
pub(crate) fn state_in(table: &[(&str, OrderState)], value: &str) -> Option<OrderState> {
    table.iter().find(|(v, _)| *v == value).map(|(_, s)| *s)
}

/// A positive amount as a refund's text (`-10.00` → `10`).
fn refund_amount(d: Option<Decimal>) -> Option<String> {
    d.map(|d| abs(d).normalize().to_string())
}

/// A refund as [`Mapped::refunds`] lists it: `{ id?, at?, amount?, reason?, lines }`
/// (`amount` made positive; `lines` from [`refund_line`]).
pub fn refund(
    id: Option<&str>,
    at: Option<&str>,
    amount: Option<Decimal>,
    reason: Option<&str>,
    lines: Vec<Value>,
) -> Value {
    let mut r = Map::new();
    put_text(&mut r, "id", id);
    put_text(&mut r, "at", at);
    put_text(&mut r, "amount", refund_amount(amount));
    put_text(&mut r, "reason", reason);
    r.insert("lines".into(), Value::Array(lines));
    Value::Object(r)
}

/// A refunded line: `{ sku?, quantity, amount?, tax? }` (amounts made positive).
pub fn refund_line(
    sku: Option<&str>,
    quantity: i64,
    amount: Option<Decimal>,
    tax: Option<Decimal>,
) -> Value {
    let mut l = Map::new();
    put_text(&mut l, "sku", sku);
    l.insert("quantity".into(), Value::from(quantity));
    put_text(&mut l, "amount", refund_amount(amount));
    put_text(&mut l, "tax", refund_amount(tax));
    Value::Object(l)
}

/// Platform names, as `fromShopOrder` takes them: the registry's sources that arrive by
/// webhook (a test checks both lists).
pub const PLATFORMS: &[&str] = &["woocommerce", "shopware6", "shopify"];

/// Maps `raw` (the platform's order JSON) from `platform` (one of [`PLATFORMS`]) to a
/// canonical order, completed from `catalogue` when given.
pub fn from_shop_order(platform: &str, raw: &Value, catalogue: Option<&Catalogue>) -> Mapped {
    let mut issues = Issues::new();
    if !raw.is_object() {
        issues.error(
            "order",
            "invalid_type",
            format!("the {platform} order must be a JSON object (the webhook's body or the API's order)"),
            format!("die {platform}-Bestellung muss ein JSON-Objekt sein (der Webhook-Inhalt oder die Bestellung der API)"),
        );
    }
    let mut life = Life::default();
    let order = match Source::from_name(platform) {
        _ if issues.has_errors() => None,
        Some(Source::Woocommerce) => Some(woocommerce::map(raw, &mut life, &mut issues)),
        Some(Source::Shopware6) => shopware6::map(raw, &mut life, &mut issues),
        Some(Source::Shopify) => Some(shopify::map(raw, &mut life, &mut issues)),
        Some(Source::Omniseller | Source::Kvik) | None => {
            let other = platform;
            let known = PLATFORMS.join(", ");
            issues.error(
                "platform",
                "unknown_platform",
                format!("unknown shop platform {other:?}; known: {known}"),
                format!("unbekannte Shop-Plattform {other:?}; bekannt: {known}"),
            );
            None
        }
    };
    let mut mapped = match order {
        Some(mut order) => {
            if let Some(c) = catalogue {
                c.complete(&mut order);
            }
            validate(order, issues)
        }
        None => Mapped {
            order: None,
            valid: false,
            issues,
            state: None,
            refunds: Vec::new(),
        },
    };
    mapped.state = life.state;
    mapped.refunds = life.refunds;
    mapped
}

/// Validates the canonical order an adapter built: the order's own issues are added, except
/// where the adapter already said the same (same path and code) in the shop's terms.
fn validate(order: Value, mut issues: Issues) -> Mapped {
    let (_, own) = crate::order::Order::from_value(&order);
    // (path, code) of what the adapter said, in serde_json's map (no further map type: size).
    let key = |path: &str, code: &str| format!("{path}\u{0}{code}");
    let mut said = Map::new();
    for a in issues.iter() {
        // Inserted one by one: collecting into the map would sort, and sorting code is large.
        said.insert(key(&a.path, &a.code), Value::Null);
    }
    for i in own.into_vec() {
        if !said.contains_key(&key(&i.path, &i.code)) {
            issues.push(i.path, &i.code, i.severity, i.message, i.message_de);
        }
    }
    Mapped {
        order: Some(order),
        valid: !issues.has_errors(),
        issues,
        state: None,
        refunds: Vec::new(),
    }
}

/// A non-empty trimmed string at `key` (numbers are written as text).
pub(crate) fn text<'a>(v: &'a Value, key: &str) -> Option<std::borrow::Cow<'a, str>> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(std::borrow::Cow::Borrowed(s.trim())),
        Value::Number(n) => Some(std::borrow::Cow::Owned(n.to_string())),
        _ => None,
    }
}

/// An exact amount at `key` (a JSON number or a decimal string).
pub(crate) fn amount(v: &Value, key: &str) -> Option<Decimal> {
    match v.get(key)? {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        a => crate::money::from_value(a).ok(),
    }
}

/// An amount as canonical JSON: an exact decimal string (`"7.5"`).
pub(crate) fn money(d: Decimal) -> Value {
    Value::String(d.normalize().to_string())
}

/// Sets `orderedAt` to the shop's order time `at` (UTC). Without one, a `missing_field` error
/// says which of the shop's `fields` (English, German) it could not read, what it `sent`,
/// and the `hint` (English, German) after it.
pub(crate) fn set_ordered_at(
    out: &mut Map<String, Value>,
    at: Option<String>,
    shop: &str,
    fields: [&str; 2],
    sent: Option<&str>,
    hint: [&str; 2],
    issues: &mut Issues,
) {
    match at {
        Some(t) => {
            out.insert("orderedAt".into(), Value::String(t));
        }
        None => missing(
            "orderedAt",
            format!(
                "{shop} sent no readable {} ({}){}",
                fields[0],
                sent.unwrap_or("absent"),
                hint[0]
            ),
            format!(
                "{shop} sendet kein lesbares {} ({}){}",
                fields[1],
                sent.unwrap_or("fehlt"),
                hint[1]
            ),
            issues,
        ),
    }
}

/// An RFC 3339 time in UTC (`2017-03-22T19:28:02Z`); `None` when `s` is no RFC 3339 time.
pub(crate) fn utc(s: &str) -> Option<String> {
    let t = Timestamp::parse_rfc3339(s.trim())?;
    let u = format_rfc3339(&Timestamp::from_unix(t.unix_seconds()));
    Some(match u.strip_suffix("+00:00") {
        Some(p) => format!("{p}Z"),
        None => u,
    })
}

/// `total / quantity`, exact when it divides evenly, else rounded to 4 places (then `rounded`
/// is set).
pub(crate) fn per_unit(total: Decimal, quantity: i64, rounded: &mut bool) -> Decimal {
    if quantity == 0 || quantity == 1 {
        return total;
    }
    let q = Decimal::from(quantity.abs());
    let exact = total / q;
    let r = exact.round_dp(4);
    if r * q != total {
        *rounded = true;
    }
    r
}

/// The absolute value of `d`.
pub(crate) fn abs(d: Decimal) -> Decimal {
    if d < Decimal::ZERO {
        -d
    } else {
        d
    }
}

/// Warns that a per-unit amount of `path` was rounded.
pub(crate) fn rounded_warning(path: &str, what: &str, issues: &mut Issues) {
    issues.warning(
        path,
        "rounded_unit_price",
        format!("{what} does not divide evenly by the quantity: the unit amount is rounded to 4 places"),
        format!("{what} lässt sich nicht glatt durch die Menge teilen: der Stückbetrag ist auf 4 Stellen gerundet"),
    );
}

/// Common VAT rates in the EU and Switzerland, in percent.
const COMMON_RATES: &[(i64, u32)] = &[
    (0, 0),
    (19, 0),
    (7, 0),
    (16, 0),
    (5, 0),
    (20, 0),
    (10, 0),
    (13, 0),
    (21, 0),
    (6, 0),
    (9, 0),
    (12, 0),
    (22, 0),
    (23, 0),
    (24, 0),
    (25, 0),
    (27, 0),
    (81, 1),
    (26, 1),
    (38, 1),
    (55, 1),
    (17, 0),
    (14, 0),
    (15, 0),
    (8, 0),
    (3, 0),
];

/// The VAT rate in percent of a line with `net` amount and `tax`: a common rate that
/// reproduces the tax to the cent, else the quotient rounded to 2 places (`derived` set).
pub(crate) fn derive_rate(net: Decimal, tax: Decimal, derived: &mut bool) -> Decimal {
    if net.is_zero() {
        return Decimal::ZERO;
    }
    let cent = Decimal::from(1i64).round_dp(2) / Decimal::ONE_HUNDRED;
    for &(m, s) in COMMON_RATES {
        let mut r = Decimal::from(m);
        for _ in 0..s {
            r = r / Decimal::from(10i64);
        }
        let diff = net * r / Decimal::ONE_HUNDRED - tax;
        let diff = if diff < Decimal::ZERO { -diff } else { diff };
        if diff < cent {
            return r.normalize();
        }
    }
    *derived = true;
    (tax * Decimal::ONE_HUNDRED / net).round_dp(2).normalize()
}

/// Warns that the VAT rate of `path` was derived from amounts.
pub(crate) fn derived_rate_warning(path: &str, rate: Decimal, source: &str, issues: &mut Issues) {
    issues.warning(
        path,
        "derived_tax_rate",
        format!("the shop sent no VAT rate, only amounts ({source}): {rate} % is derived from them"),
        format!("der Shop sendet keinen Steuersatz, nur Beträge ({source}): daraus ergeben sich {rate} %"),
    );
}

/// Splits a one-line street into `street` and `houseNumber` of `out`; a line that does not
/// end in a house number stays whole, with a warning at `path`.
pub(crate) fn put_street(
    out: &mut Map<String, Value>,
    line: &str,
    path: &str,
    shop_field: &str,
    issues: &mut Issues,
) {
    match crate::order::street::split_street(line) {
        Ok(p) => {
            out.insert("street".into(), Value::String(p.street));
            out.insert("houseNumber".into(), Value::String(p.house_number));
        }
        Err(_) => {
            out.insert("street".into(), Value::String(line.trim().to_owned()));
            let at = format!("{path}.street");
            // The shop's field, where its name is not the path's.
            let (shop, shop_de) = if shop_field == at {
                (String::new(), String::new())
            } else {
                (
                    format!(" (the shop's {shop_field})"),
                    format!(" ({shop_field} des Shops)"),
                )
            };
            issues.warning(
                at,
                "unsplittable_street",
                format!("{line:?}{shop} does not end in a house number: kept whole as the street"),
                format!("{line:?}{shop_de} endet nicht mit einer Hausnummer: die Zeile bleibt ganz als Straße erhalten"),
            );
        }
    }
}

/// Names, for each of `zip`, `city` and `country` absent from an address built at `path`,
/// the shop's field (`fields`, in the same order) that did not come.
pub(crate) fn require_place(
    out: &Map<String, Value>,
    path: &str,
    shop: &str,
    fields: [&str; 3],
    platform: &str,
    issues: &mut Issues,
) {
    for (key, field) in ["zip", "city", "country"].into_iter().zip(fields) {
        if !out.contains_key(key) {
            let at = format!("{path}.{key}");
            let (sent, sent_de) = shop_field(&format!("{shop}.{field}"), &at);
            missing(
                &at,
                format!("{platform} sent {sent}: make it a required address field at checkout"),
                format!("{platform} sendet {sent_de}: bitte im Checkout zum Pflichtfeld der Adresse machen"),
                issues,
            );
        }
    }
}

/// "no `field`" for a shop's field that did not come, or "none" where its name is the
/// issue's path (`at`): a message does not say its own path.
pub(crate) fn shop_field(field: &str, at: &str) -> (String, String) {
    if field == at {
        ("none".to_owned(), "nichts".to_owned())
    } else {
        (format!("no {field}"), format!("kein {field}"))
    }
}

/// Warns about a second address line, which the canonical address has no field for.
pub(crate) fn second_line_warning(line: &str, path: &str, shop_field: &str, issues: &mut Issues) {
    issues.warning(
        path,
        "second_address_line",
        format!("{line:?} (the shop's {shop_field}) has no place in the canonical address and is not carried over"),
        format!("{line:?} ({shop_field} des Shops) hat in der kanonischen Adresse keinen Platz und wird nicht übernommen"),
    );
}

/// True when a delivery address goes elsewhere than the billing address (e-mail and phone
/// aside): only then is it a `shippingAddress`.
pub(crate) fn differs(ship: &Map<String, Value>, bill: &Map<String, Value>) -> bool {
    crate::order::ADDRESS_PLACE_KEYS
        .iter()
        .any(|k| ship.get(*k) != bill.get(*k))
}

/// `first last`, either alone, or empty.
pub(crate) fn name_of(first: Option<&str>, last: Option<&str>) -> String {
    let mut name = String::new();
    for part in [first, last].into_iter().flatten().map(str::trim) {
        if !part.is_empty() {
            if !name.is_empty() {
                name.push(' ');
            }
            name.push_str(part);
        }
    }
    name
}

/// Inserts `value` at `key` when it is a non-empty text.
pub(crate) fn put_text(out: &mut Map<String, Value>, key: &str, value: Option<impl AsRef<str>>) {
    put_str(out, key, value.as_ref().map(AsRef::as_ref));
}

/// [`put_text`] once for all its argument types (a smaller module).
#[inline(never)]
fn put_str(out: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
        out.insert(key.into(), Value::String(v.to_owned()));
    }
}

/// The platforms' own payment ids (folded by [`fold`]) whose words say nothing or the wrong
/// thing: WooCommerce core, WooPayments, Stripe, PayPal Payments, Shopify's gateway names,
/// Shopware's default payment. `""`: known, but nothing of the canonical list (the method
/// stays text, with a warning). Ids whose words say what they are (`ppcp-credit-card-gateway`,
/// `stripe_sepa_debit`, `german_market_purchase_on_account`, Shopware's `InvoicePayment`,
/// `payment_debitpayment`, …) are left to the words.
const GATEWAYS: &[(&str, &str)] = &[
    ("bacs", "advance"),
    ("cheque", "advance"),
    ("cod", "cash"),
    ("woocommerce_payments", "credit_card"),
    ("stripe", "credit_card"),
    ("stripe_bacs_debit", ""),
    ("stripe_acss_debit", ""),
    ("stripe_au_becs_debit", ""),
    ("stripe_cashapp", ""),
    ("ppcp_gateway", "paypal"),
    ("shopify_payments", "credit_card"),
    ("authorize_net", "credit_card"),
    ("gift_card", ""),
];

/// The canonical payment method for a platform's payment id, handler identifier or title
/// (case-insensitive): a known id of the platforms (`GATEWAYS`) first (for a handler class its last
/// segment), then the words: `paypal` → paypal; a card (`card`, `karte`, `visa`, `master`,
/// `amex`) → credit_card, before `sepa`, `debit`, `lastschrift` → sepa ("Credit card / debit
/// card" is a card); `invoice`, `rechnung`, `on_account` → invoice; a bank transfer,
/// `prepayment`, `vorkasse` → advance; `cash`, `nachnahme` → cash. `None` for anything else
/// and for known ids outside the list (`bogus`, `gift_card`): the caller keeps the text and
/// warns.
pub fn payment_method(id: &str) -> Option<&'static str> {
    let k = fold(id);
    let last = k.rsplit('\\').next().unwrap_or(&k);
    if let Some((_, m)) = GATEWAYS.iter().find(|(g, _)| *g == k || *g == last) {
        return (!m.is_empty()).then_some(*m);
    }
    let has = |words: &[&str]| words.iter().any(|w| k.contains(w));
    Some(if has(&["paypal"]) {
        "paypal"
    } else if has(&[
        "card",
        "karte",
        "visa",
        "master",
        "amex",
        "american_express",
    ]) {
        "credit_card"
    } else if has(&["sepa", "debit", "lastschrift"]) {
        "sepa"
    } else if has(&["invoice", "rechnung", "on_account"]) {
        "invoice"
    } else if has(&[
        "bank_transfer",
        "banktransfer",
        "bank_deposit",
        "prepayment",
        "vorkasse",
        "ueberweisung",
        "überweisung",
    ]) {
        "advance"
    } else if has(&["cash", "barzahlung", "nachnahme"]) {
        "cash"
    } else {
        return None;
    })
}

/// The payment method of the first of `candidates` (the shop's ids and titles, most
/// specific first) that maps; else `label` (the method's name, else the first non-empty
/// candidate) as text with an `unknown_payment_method` warning at `payment.method` naming
/// the shop's `field`. `None`: all empty.
pub(crate) fn payment_of(
    candidates: &[Option<&str>],
    label: Option<&str>,
    field: &str,
    issues: &mut Issues,
) -> Option<Value> {
    let mut first = None;
    let mut method = None;
    for c in candidates.iter().flatten() {
        let c = c.trim();
        method = method.or_else(|| payment_method(c));
        if first.is_none() && !c.is_empty() {
            first = Some(c);
        }
    }
    let method = match method {
        Some(m) => m,
        None => {
            let text = label.map(str::trim).filter(|l| !l.is_empty()).or(first)?;
            issues.warning(
                "payment.method",
                "unknown_payment_method",
                format!("{text:?} (the shop's {field}) is no payment method kontor knows: passed on as text, not guessed"),
                format!("{text:?} ({field} des Shops) ist keine Zahlungsart, die kontor kennt: als Text weitergegeben, nicht geraten"),
            );
            text
        }
    };
    Some(serde_json::json!({ "method": method }))
}

/// Lower case with spaces and `-` as `_`: `Credit-Card` → `credit_card`.
fn fold(s: &str) -> String {
    crate::text::lower(s.trim())
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// The canonical carrier named in a shipping method's id or title, if any.
pub(crate) fn carrier(text: &str) -> Option<&'static str> {
    let k = fold(text);
    let has = |w: &str| k.contains(w);
    Some(if has("local_pickup") || has("pickup") || has("abholung") {
        "pickup"
    } else if has("dhl") {
        "DHL"
    } else if has("dpd") {
        "DPD"
    } else if has("gls") {
        "GLS"
    } else {
        return None;
    })
}

/// Records a missing field the shop did not send: an error at the canonical `path` naming the
/// shop's field and the fix.
pub(crate) fn missing(path: &str, en: String, de: String, issues: &mut Issues) {
    issues.error(path, "missing_field", en, de);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or(Decimal::ZERO)
    }

    #[test]
    fn rates_are_common_ones_when_they_reproduce_the_tax() {
        let mut derived = false;
        assert_eq!(derive_rate(d("7.50"), d("1.43"), &mut derived), d("19"));
        assert_eq!(derive_rate(d("100"), d("7"), &mut derived), d("7"));
        assert_eq!(derive_rate(d("10"), d("0.81"), &mut derived), d("8.1"));
        assert!(!derived);
        assert_eq!(derive_rate(d("6.00"), d("0.45"), &mut derived), d("7.5"));
        assert!(derived);
    }

    #[test]
    fn times_become_utc() {
        assert_eq!(
            utc("2021-12-31T19:00:00-05:00").as_deref(),
            Some("2022-01-01T00:00:00Z")
        );
        assert_eq!(
            utc("2017-03-22T19:28:02Z").as_deref(),
            Some("2017-03-22T19:28:02Z")
        );
        assert_eq!(utc("2017-03-22 19:28"), None);
    }

    #[test]
    fn payment_ids_map_to_the_canonical_list() {
        for (id, want) in [
            ("bacs", Some("advance")),
            ("cod", Some("cash")),
            ("ppcp-gateway", Some("paypal")),
            ("stripe", Some("credit_card")),
            ("visa", Some("credit_card")),
            (
                "Shopware\\Core\\Checkout\\Payment\\Cart\\PaymentHandler\\InvoicePayment",
                Some("invoice"),
            ),
            ("payment_debitpayment", Some("sepa")),
            ("Cash on Delivery (COD)", Some("cash")),
            ("bogus", None),
            // Gateway ids as the plugins define them.
            ("woocommerce_payments", Some("credit_card")),
            ("woocommerce_payments_sepa_debit", Some("sepa")),
            ("stripe_sepa_debit", Some("sepa")),
            ("stripe_klarna", None),
            ("stripe_cashapp", None),
            ("stripe_bacs_debit", None),
            ("ppcp-credit-card-gateway", Some("credit_card")),
            ("ppcp-pay-upon-invoice-gateway", Some("invoice")),
            ("ppcp-googlepay", None),
            ("german_market_purchase_on_account", Some("invoice")),
            ("mollie_wc_gateway_directdebit", Some("sepa")),
            ("shopify_payments", Some("credit_card")),
            ("gift_card", None),
            (
                "payment_MolliePaymentsApp_mollie_creditcard",
                Some("credit_card"),
            ),
            (
                "Shopware\\Core\\Checkout\\Payment\\Cart\\PaymentHandler\\PrePayment",
                Some("advance"),
            ),
            ("payment_defaultpayment", None),
            // Titles: a card before a debit.
            ("Credit card / debit card", Some("credit_card")),
            ("Credit/Debit card", Some("credit_card")),
            ("SEPA-Lastschrift", Some("sepa")),
            ("Kauf auf Rechnung", Some("invoice")),
            ("Vorkasse", Some("advance")),
            ("Nachnahme", Some("cash")),
            ("Pay later.", None),
        ] {
            assert_eq!(payment_method(id), want, "{id}");
        }
    }

    #[test]
    fn uneven_unit_prices_are_rounded_and_flagged() {
        let mut rounded = false;
        assert_eq!(per_unit(d("12.00"), 4, &mut rounded), d("3"));
        assert!(!rounded);
        assert_eq!(per_unit(d("10.00"), 3, &mut rounded), d("3.3333"));
        assert!(rounded);
    }
}
