//! Shopware 6, the Admin API's `order` entity with its associations (`GET /api/order/{id}`
//! or `POST /api/search/order` with `Accept: application/json`, associations `lineItems`,
//! `orderCustomer.salutation`, `billingAddress.country`, `deliveries.shippingOrderAddress
//! .country`, `deliveries.shippingMethod`, `transactions.paymentMethod`, `currency`), the
//! app webhook `checkout.order.placed`, whose `data.payload.order` is the same entity, and
//! the app payment and refund requests (`{ source, orderTransaction | refund, order }`).
//!
//! Read in the entity's order: `orderNumber`, `orderDateTime`, `stateMachineState`,
//! `currency.isoCode`, `price.taxStatus`, `shippingCosts`, `orderCustomer`,
//! `billingAddress`, `deliveries[]`, `transactions[]`, `lineItems[]`, `customerComment`.
//!
//! Decisions where the document is silent:
//! - `price.taxStatus` `gross` means gross unit prices, `net` net ones; `tax-free` means net
//!   prices at 0 %. A line's rate is its `price.calculatedTaxes[0].taxRate` (else
//!   `price.taxRules[0].taxRate`, else `priceDefinition.taxRules[0].taxRate`, which the Store
//!   API sends without `price`); a price split over several rates (`calculatedTaxes` or
//!   `taxRules`, as Shopware splits shipping proportionally) is a warning (the first is
//!   used), except on free shipping. A line's quantity is its `quantity`, else its
//!   `price.quantity` (an answer trimmed by `includes`).
//! - The SKU is the line's `payload.productNumber` (Shopware's "Produktnummer"); lines of
//!   type `product` and `custom` become items. A `promotion` line with `discountType`
//!   `percentage` on the cart becomes `discountPercent` on every item, unless its cap
//!   (`payload.maxValue`) took effect (its amount is less than the percentage of the items,
//!   a cent per item allowed); any other promotion (a fixed amount, a capped percentage,
//!   shipping) is an error, as kontor does not guess how to spread it.
//!   `credit` lines (manual credits) are warnings: Shopware core sends no returns in the
//!   order.
//! - The delivery address is the first delivery's `shippingOrderAddress` when it differs
//!   from the billing address; shipping is the order's `shippingCosts` and the first
//!   delivery's `shippingMethod`.
//! - The transaction that counts is the newest by `createdAt` (Shopware sends them in no
//!   guaranteed order): its `paymentMethod.technicalName`, `handlerIdentifier`
//!   (`…\InvoicePayment` → invoice, `PrePayment` → advance, `CashPayment` → cash,
//!   `DebitPayment` → sepa), `shortName`, else its name as text with a warning.
//! - The state: the order's `stateMachineState.technicalName` `cancelled` → cancelled; else
//!   the newest transaction's: `paid` → paid, `refunded_partially` → partially_refunded,
//!   `refunded` and `chargeback` → refunded, `failed` and `cancelled` → failed, `open`,
//!   `in_progress`, `authorized`, `reminded`, `unconfirmed`, `paid_partially` → open;
//!   without a transaction state the order's `open`, `in_progress`, `completed` → open.
//!   The app webhooks `state_enter.order.state.*` and `state_enter.order_transaction.state.*`
//!   send `{ data: { payload: { order }, event }, source, timestamp }` with the order loaded
//!   by Shopware's `OrderStateChangeEventListener` (`stateMachineState`, but of the
//!   transactions only `paymentMethod`): where the entity carries no state, the state the
//!   event (`data.event`) entered is read the same way, except a transaction's `failed` or
//!   `cancelled` when the order has several transactions (Shopware cancels the superseded
//!   one when the payment method changes): an `ambiguous_transaction_event` warning, and
//!   the order's own state. No state at all is a `missing_association` warning.
//!   Cancelled, refunded and failed are errors. Refunds are not read (the order entity
//!   carries them only with the association `transactions.captures.refunds`): the state says
//!   whether anything was refunded.
//! - Salutation `mr` → gender m, `mrs` → f.

use serde_json::{json, Map, Value};

use super::{
    amount, carrier, missing, money, put_street, put_text, second_line_warning, text, utc, Life,
    OrderState,
};
use crate::decimal::Decimal;
use crate::issue::Issues;

/// The order entity inside what was sent: the entity itself, an API answer `{ data }`, the
/// webhook `{ data: { payload: { order } } }`, or an app payment or refund request
/// `{ order }`.
pub fn order_entity(raw: &Value) -> Option<&Value> {
    let data = raw.get("data");
    [
        Some(raw),
        data,
        data.and_then(|d| d.get("payload"))
            .and_then(|p| p.get("order")),
        raw.get("order"),
    ]
    .into_iter()
    .flatten()
    .find(|v| v.get("orderNumber").is_some() || v.get("lineItems").is_some())
}

/// The Shopware 6 order as a canonical order (JSON, not yet validated), its state and refunds
/// to `life`; `None` when `raw` holds no order entity.
pub(crate) fn map(raw: &Value, life: &mut Life, issues: &mut Issues) -> Option<Value> {
    let Some(o) = order_entity(raw) else {
        issues.error(
            "order",
            "missing_order",
            "no Shopware order entity (with orderNumber) found: pass the order, the API's { data } answer or the webhook's body",
            "keine Shopware-Bestellung (mit orderNumber) gefunden: bitte die Bestellung, die API-Antwort { data } oder den Inhalt des Webhooks übergeben",
        );
        return None;
    };
    let mut out = Map::new();
    match text(o, "orderNumber") {
        Some(n) => {
            out.insert("number".into(), Value::String(n.into_owned()));
        }
        None => missing(
            "number",
            "Shopware sent no orderNumber".into(),
            "Shopware sendet keine orderNumber".into(),
            issues,
        ),
    }
    let when = text(o, "orderDateTime");
    super::set_ordered_at(
        &mut out,
        when.as_deref().and_then(utc),
        "Shopware",
        ["orderDateTime", "orderDateTime"],
        when.as_deref(),
        ["", ""],
        issues,
    );
    let newest = newest_transaction(o);
    state(raw, o, newest, life, issues);
    out.insert("channel".into(), json!("online"));
    match o.get("currency").and_then(|c| text(c, "isoCode")) {
        Some(c) => {
            out.insert("currency".into(), Value::String(c.into_owned()));
        }
        None => issues.warning(
            "currency",
            "missing_association",
            "Shopware sent no currency.isoCode: EUR is assumed; load the order with the association currency",
            "Shopware sendet kein currency.isoCode: EUR wird angenommen; bitte die Bestellung mit der Assoziation currency laden",
        ),
    }
    let status = o.get("price").and_then(|p| text(p, "taxStatus"));
    let (gross, tax_free) = match status.as_deref() {
        Some("gross") => (true, false),
        Some("net") => (false, false),
        Some("tax-free") => (false, true),
        other => {
            issues.warning(
                "pricesIncludeTax",
                "missing_field",
                format!("Shopware sent no known price.taxStatus ({}): gross prices are assumed (Shopware's default for customers)", other.unwrap_or("absent")),
                format!("Shopware sendet keinen bekannten price.taxStatus ({}): Bruttopreise werden angenommen (Shopwares Vorgabe für Endkunden)", other.unwrap_or("fehlt")),
            );
            (true, false)
        }
    };
    out.insert("pricesIncludeTax".into(), Value::Bool(gross));

    let empty = Value::Object(Map::new());
    let c = o
        .get("orderCustomer")
        .filter(|c| c.is_object())
        .unwrap_or(&empty);
    let mut customer = Map::new();
    put_text(&mut customer, "id", text(c, "customerNumber"));
    put_text(&mut customer, "email", text(c, "email"));
    put_text(&mut customer, "company", text(c, "company"));
    put_text(&mut customer, "title", text(c, "title"));
    put_text(&mut customer, "firstName", text(c, "firstName"));
    put_text(&mut customer, "lastName", text(c, "lastName"));
    if let Some(g) = c.get("salutation").and_then(gender) {
        customer.insert("gender".into(), json!(g));
    }
    if let Some(v) = c
        .get("vatIds")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
        .and_then(Value::as_str)
    {
        customer.insert("vatId".into(), json!(v));
    }
    if customer.get("email").is_none() {
        issues.warning(
            "customer.email",
            "missing_association",
            "Shopware sent no orderCustomer.email: load the order with the association orderCustomer",
            "Shopware sendet kein orderCustomer.email: bitte die Bestellung mit der Assoziation orderCustomer laden",
        );
    }
    let customer_name = super::name_of(
        customer.get("firstName").and_then(Value::as_str),
        customer.get("lastName").and_then(Value::as_str),
    );
    out.insert("customer".into(), Value::Object(customer));

    let billing = o
        .get("billingAddress")
        .filter(|b| b.is_object())
        .or_else(|| {
            let id = o.get("billingAddressId")?;
            o.get("addresses")?
                .as_array()?
                .iter()
                .find(|a| a.get("id") == Some(id))
        });
    let bill = match billing {
        Some(b) => address(
            b,
            "billingAddress",
            "billingAddress",
            &customer_name,
            issues,
        ),
        None => {
            missing(
                "billingAddress",
                "Shopware sent no billing address: load the order with the associations billingAddress.country (or addresses.country)".into(),
                "Shopware sendet keine Rechnungsadresse: bitte die Bestellung mit den Assoziationen billingAddress.country (oder addresses.country) laden".into(),
                issues,
            );
            Map::new()
        }
    };
    let delivery = o
        .get("deliveries")
        .and_then(Value::as_array)
        .and_then(|d| d.first());
    if let Some(s) = delivery
        .and_then(|d| d.get("shippingOrderAddress"))
        .filter(|s| s.is_object())
    {
        let mut own = Issues::new();
        let ship = address(
            s,
            "deliveries[0].shippingOrderAddress",
            "shippingAddress",
            &customer_name,
            &mut own,
        );
        if super::differs(&ship, &bill) {
            out.insert("shippingAddress".into(), Value::Object(ship));
            issues.extend(own);
        }
    }
    out.insert("billingAddress".into(), Value::Object(bill));
    payment(newest.map(|(_, t)| t), &mut out, issues);
    shipping(o, delivery, tax_free, &mut out, issues);
    put_text(&mut out, "notes", text(o, "customerComment"));

    let mut items: Vec<Value> = Vec::new();
    let mut promotions: Vec<(usize, &Value)> = Vec::new();
    let lines = o.get("lineItems").and_then(Value::as_array);
    for (i, l) in lines.into_iter().flatten().enumerate() {
        match text(l, "type").as_deref() {
            Some("product") | Some("custom") | None => {
                let at = items.len();
                items.push(item(l, i, at, tax_free, issues));
            }
            Some("promotion") => promotions.push((i, l)),
            Some(other) => {
                let label = text(l, "label").unwrap_or_default();
                let total = l
                    .get("totalPrice")
                    .map(Value::to_string)
                    .unwrap_or_default();
                issues.warning(
                    format!("lineItems[{i}]"),
                    "line_not_mapped",
                    format!("the line {label:?} of type {other:?} ({total}) has no place in the canonical order and is not carried over"),
                    format!("die Position {label:?} vom Typ {other:?} ({total}) hat keinen Platz in der kanonischen Bestellung und wird nicht übernommen"),
                );
            }
        }
    }
    for (i, p) in promotions {
        promotion(p, i, &mut items, issues);
    }
    if items.is_empty() {
        missing(
            "items",
            "Shopware sent no product lineItems: load the order with the association lineItems".into(),
            "Shopware sendet keine Produkt-lineItems: bitte die Bestellung mit der Assoziation lineItems laden".into(),
            issues,
        );
    }
    out.insert("items".into(), Value::Array(items));
    Some(Value::Object(out))
}

fn gender(s: &Value) -> Option<&'static str> {
    match text(s, "salutationKey").as_deref() {
        Some("mr") => Some("m"),
        Some("mrs") => Some("f"),
        _ => None,
    }
}

/// An order address (`billingAddress`, `shippingOrderAddress`) as a canonical address.
fn address(
    a: &Value,
    shop: &str,
    path: &str,
    customer_name: &str,
    issues: &mut Issues,
) -> Map<String, Value> {
    let mut out = Map::new();
    put_text(&mut out, "company", text(a, "company"));
    let name = super::name_of(
        text(a, "firstName").as_deref(),
        text(a, "lastName").as_deref(),
    );
    if !name.is_empty() && name != customer_name {
        out.insert("name".into(), Value::String(name));
    }
    match text(a, "street") {
        Some(line) => put_street(&mut out, &line, path, &format!("{shop}.street"), issues),
        None => {
            let at = format!("{path}.street");
            let (sent, sent_de) = super::shop_field(&format!("{shop}.street"), &at);
            missing(
                &at,
                format!("Shopware sent {sent}"),
                format!("Shopware sendet {sent_de}"),
                issues,
            )
        }
    }
    for key in ["additionalAddressLine1", "additionalAddressLine2"] {
        if let Some(l) = text(a, key) {
            second_line_warning(&l, path, &format!("{shop}.{key}"), issues);
        }
    }
    put_text(&mut out, "zip", text(a, "zipcode"));
    put_text(&mut out, "city", text(a, "city"));
    match a.get("country").and_then(|c| text(c, "iso")) {
        Some(iso) => {
            out.insert("country".into(), Value::String(iso.into_owned()));
        }
        None => missing(
            &format!("{path}.country"),
            format!("Shopware sent no {shop}.country.iso: load the order with the association country of {shop}", shop = if shop.starts_with("deliveries") { "deliveries.shippingOrderAddress" } else { shop }),
            format!("Shopware sendet kein {shop}.country.iso: bitte die Bestellung mit der Assoziation country von {shop} laden", shop = if shop.starts_with("deliveries") { "deliveries.shippingOrderAddress" } else { shop }),
            issues,
        ),
    }
    put_text(&mut out, "phone", text(a, "phoneNumber"));
    // A missing `country.iso` is named above, with the association to load.
    let mut place = out.clone();
    place.entry("country").or_insert(Value::Null);
    super::require_place(
        &place,
        path,
        shop,
        ["zipcode", "city", "country.iso"],
        "Shopware",
        issues,
    );
    out
}

/// The newest of `transactions[]` by `createdAt`, to the second (at the same second the
/// later in the array), with its index.
fn newest_transaction(o: &Value) -> Option<(usize, &Value)> {
    let at = |t: &Value| {
        let at = text(t, "createdAt")?;
        crate::order::time::Timestamp::parse_rfc3339(&at).map(|t| t.unix_seconds())
    };
    let all = o.get("transactions").and_then(Value::as_array)?;
    let mut newest: Option<(usize, &Value)> = None;
    for (i, t) in all.iter().enumerate().filter(|(_, t)| t.is_object()) {
        if newest.is_none_or(|(_, n)| at(t) >= at(n)) {
            newest = Some((i, t));
        }
    }
    newest
}

/// A transaction's `stateMachineState.technicalName` → the order's state; `[5..8]`
/// (`open`, `in_progress`, `completed`) are also the order's own states meaning open.
const PAYMENT_STATES: &[(&str, OrderState)] = &[
    ("paid", OrderState::Paid),
    ("refunded_partially", OrderState::PartiallyRefunded),
    ("refunded", OrderState::Refunded),
    ("chargeback", OrderState::Refunded),
    ("failed", OrderState::Failed),
    ("open", OrderState::Open),
    ("in_progress", OrderState::Open),
    ("completed", OrderState::Open),
    ("cancelled", OrderState::Failed),
    ("authorized", OrderState::Open),
    ("reminded", OrderState::Open),
    ("unconfirmed", OrderState::Open),
    ("paid_partially", OrderState::Open),
];

/// The order's state from its own state and the newest transaction's, else from the state
/// the webhook's `data.event` entered (see the module's documentation).
fn state(
    raw: &Value,
    o: &Value,
    newest: Option<(usize, &Value)>,
    life: &mut Life,
    issues: &mut Issues,
) {
    fn tech(v: &Value) -> Option<std::borrow::Cow<'_, str>> {
        v.get("stateMachineState")
            .and_then(|s| text(s, "technicalName"))
    }
    let field = "stateMachineState.technicalName";
    let event = raw.get("data").and_then(|d| text(d, "event"));
    let entered = |prefix: &str| {
        event
            .as_deref()
            .and_then(|e| e.strip_prefix(prefix))
            .map(str::to_owned)
    };
    // The order's own state, else the one a `state_enter.order.state.*` event entered.
    let (order, order_field) = match tech(o) {
        Some(s) => (Some(s.into_owned()), field),
        None => (entered("state_enter.order.state."), "data.event"),
    };
    if order.as_deref() == Some("cancelled") {
        return life.set(
            Some(OrderState::Cancelled),
            order_field,
            "cancelled",
            "Shopware",
            issues,
        );
    }
    if let Some((i, t)) = newest {
        if let Some(s) = tech(t) {
            let state = super::state_in(PAYMENT_STATES, &s);
            let path = format!("transactions[{i}].{field}");
            return life.set(state, &path, &s, "Shopware", issues);
        }
    }
    // A `state_enter.order_transaction.state.*` webhook loads `transactions.paymentMethod`
    // only: the event's name is what says the payment's new state.
    if let Some(s) = entered("state_enter.order_transaction.state.") {
        let state = super::state_in(PAYMENT_STATES, &s);
        let count = o
            .get("transactions")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if count > 1 && state == Some(OrderState::Failed) {
            issues.warning(
                "data.event",
                "ambiguous_transaction_event",
                format!("Shopware's event says a payment entered the state {s:?} but not which of the order's {count} transactions (Shopware cancels a superseded transaction when the payment method changes): the order's own state is used; the API's transactions.stateMachineState says which"),
                format!("Shopwares Ereignis sagt, dass eine Zahlung den Zustand {s:?} erreicht hat, aber nicht, welche der {count} Transaktionen der Bestellung (Shopware storniert eine ersetzte Transaktion, wenn die Zahlungsart wechselt): der eigene Zustand der Bestellung gilt; welche, sagt transactions.stateMachineState der API"),
            );
        } else {
            return life.set(state, "data.event", &s, "Shopware", issues);
        }
    }
    match order {
        Some(s) => {
            let state = super::state_in(&PAYMENT_STATES[5..8], &s);
            life.set(state, order_field, &s, "Shopware", issues);
        }
        None => {
            life.state = None;
            issues.warning(
                "stateMachineState",
                "missing_association",
                "Shopware sent no state of the order or its transactions: no state is given; load the order with the state associations (the order's and transactions.stateMachineState)",
                "Shopware sendet keinen Zustand der Bestellung oder ihrer Transaktionen: kein Zustand angegeben; bitte die Bestellung mit den Zustands-Assoziationen laden (der Bestellung und transactions.stateMachineState)",
            );
        }
    }
}

fn payment(t: Option<&Value>, out: &mut Map<String, Value>, issues: &mut Issues) {
    let Some(m) = t
        .and_then(|t| t.get("paymentMethod"))
        .filter(|m| m.is_object())
    else {
        issues.warning(
            "payment",
            "missing_association",
            "Shopware sent no transactions[].paymentMethod: load the order with the association transactions.paymentMethod",
            "Shopware sendet keine transactions[].paymentMethod: bitte die Bestellung mit der Assoziation transactions.paymentMethod laden",
        );
        return;
    };
    let t = |k| text(m, k);
    let (tech, handler, short, name) = (
        t("technicalName"),
        t("handlerIdentifier"),
        t("shortName"),
        t("name"),
    );
    let given = [
        tech.as_deref(),
        handler.as_deref(),
        short.as_deref(),
        name.as_deref(),
    ];
    let field = "transactions[].paymentMethod";
    if let Some(p) = super::payment_of(&given, given[3], field, issues) {
        out.insert("payment".into(), p);
    }
}

/// The rate of a calculated price: `calculatedTaxes[0].taxRate`, else `taxRules[0].taxRate`;
/// several rates in either (a price Shopware splits over rates) are a warning.
fn rate_of(price: &Value, path: &str, shop: &str, issues: &mut Issues) -> Option<Decimal> {
    let taxes = price.get("calculatedTaxes").and_then(Value::as_array);
    let rules = price.get("taxRules").and_then(Value::as_array);
    if taxes.is_some_and(|t| t.len() > 1) || rules.is_some_and(|r| r.len() > 1) {
        issues.warning(
            path,
            "several_tax_rates",
            format!("{shop} is split over several tax rates (calculatedTaxes, taxRules): the first is used"),
            format!(
                "{shop} ist auf mehrere Steuersätze aufgeteilt (calculatedTaxes, taxRules): der erste wird verwendet"
            ),
        );
    }
    taxes
        .and_then(|t| t.first())
        .and_then(|t| amount(t, "taxRate"))
        .or_else(|| {
            price
                .get("taxRules")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(|t| amount(t, "taxRate"))
        })
        .map(|r| r.normalize())
}

fn shipping(
    o: &Value,
    delivery: Option<&Value>,
    tax_free: bool,
    out: &mut Map<String, Value>,
    issues: &mut Issues,
) {
    let costs = o
        .get("shippingCosts")
        .or_else(|| delivery.and_then(|d| d.get("shippingCosts")));
    let method = delivery
        .and_then(|d| d.get("shippingMethod"))
        .filter(|m| m.is_object());
    if costs.is_none() && method.is_none() {
        return;
    }
    let mut s = Map::new();
    if let Some(m) = method {
        let found = ["technicalName", "name"]
            .iter()
            .find_map(|k| text(m, k).and_then(|t| carrier(&t)));
        if let Some(c) = found {
            s.insert("carrier".into(), json!(c));
        }
        put_text(&mut s, "methodName", text(m, "name"));
    }
    if let Some(c) = costs {
        if let Some(total) = amount(c, "totalPrice") {
            s.insert("cost".into(), money(total));
            // Free shipping has no tax to split: its rates say nothing.
            let mut free = Issues::new();
            let said = if total.is_zero() {
                &mut free
            } else {
                &mut *issues
            };
            let rate = if tax_free {
                Some(Decimal::ZERO)
            } else {
                rate_of(c, "shipping.taxRate", "shippingCosts", said)
            };
            if let Some(r) = rate {
                s.insert("taxRate".into(), money(r));
            }
        }
    }
    out.insert("shipping".into(), Value::Object(s));
}

fn item(l: &Value, i: usize, at: usize, tax_free: bool, issues: &mut Issues) -> Value {
    let path = format!("items[{at}]");
    let shop = format!("lineItems[{i}]");
    let mut out = Map::new();
    let label = text(l, "label");
    match l.get("payload").and_then(|p| text(p, "productNumber")) {
        Some(s) => {
            out.insert("sku".into(), Value::String(s.into_owned()));
        }
        None => missing(
            &format!("{path}.sku"),
            format!("Shopware sent no {shop}.payload.productNumber ({:?}): custom lines have none; give the product a product number", label.as_deref().unwrap_or("")),
            format!("Shopware sendet keine {shop}.payload.productNumber ({:?}): freie Positionen haben keine; bitte dem Produkt eine Produktnummer geben", label.as_deref().unwrap_or("")),
            issues,
        ),
    }
    put_text(&mut out, "name", label);
    let price = l.get("price").filter(|p| p.is_object());
    // The line's quantity, else its calculated price's (an answer trimmed by `includes`).
    let quantity = [Some(l), price]
        .into_iter()
        .flatten()
        .find_map(|v| v.get("quantity").filter(|q| q.is_i64()));
    if let Some(q) = quantity {
        out.insert("quantity".into(), q.clone());
    }
    match amount(l, "unitPrice").or_else(|| price.and_then(|p| amount(p, "unitPrice"))) {
        Some(p) => {
            out.insert("unitPrice".into(), money(p));
        }
        None => missing(
            &format!("{path}.unitPrice"),
            format!("Shopware sent no {shop}.unitPrice"),
            format!("Shopware sendet kein {shop}.unitPrice"),
            issues,
        ),
    }
    let definition = l.get("priceDefinition").filter(|p| p.is_object());
    let rate = if tax_free {
        Some(Decimal::ZERO)
    } else {
        price
            .and_then(|p| {
                rate_of(
                    p,
                    &format!("{path}.taxRate"),
                    &format!("{shop}.price"),
                    issues,
                )
            })
            .or_else(|| {
                definition.and_then(|d| {
                    rate_of(
                        d,
                        &format!("{path}.taxRate"),
                        &format!("{shop}.priceDefinition"),
                        issues,
                    )
                })
            })
    };
    match rate {
        Some(r) => {
            out.insert("taxRate".into(), money(r));
        }
        None => missing(
            &format!("{path}.taxRate"),
            format!("Shopware sent no {shop}.price.calculatedTaxes"),
            format!("Shopware sendet keine {shop}.price.calculatedTaxes"),
            issues,
        ),
    }
    Value::Object(out)
}

fn promotion(p: &Value, i: usize, items: &mut [Value], issues: &mut Issues) {
    let payload = p.get("payload").unwrap_or(&Value::Null);
    let label = text(p, "label").unwrap_or_default();
    let kind = text(payload, "discountType");
    let scope = text(payload, "discountScope");
    let value = amount(payload, "value");
    match (kind.as_deref(), scope.as_deref().unwrap_or("cart"), value) {
        (Some("percentage"), "cart", Some(v))
            if v > Decimal::ZERO && v <= Decimal::ONE_HUNDRED && capped(payload, p, v, items) =>
        {
            let max = text(payload, "maxValue").unwrap_or_default();
            issues.error(
                format!("lineItems[{i}]"),
                "order_level_discount",
                format!("the promotion {label:?} ({v} % up to {max}) was capped by its payload.maxValue: it is a discount on the whole order that kontor does not spread over the lines by guessing"),
                format!("die Aktion {label:?} ({v} % bis {max}) wurde durch ihren payload.maxValue begrenzt: sie ist ein Rabatt auf die ganze Bestellung, den kontor nicht nach Gutdünken auf die Positionen verteilt"),
            );
        }
        (Some("percentage"), "cart", Some(v)) if v > Decimal::ZERO && v <= Decimal::ONE_HUNDRED => {
            for it in items.iter_mut().filter_map(Value::as_object_mut) {
                if !it.contains_key("discount") && !it.contains_key("discountPercent") {
                    it.insert("discountPercent".into(), money(v));
                }
            }
        }
        _ => {
            let total = p
                .get("totalPrice")
                .map(Value::to_string)
                .unwrap_or_default();
            issues.error(
                format!("lineItems[{i}]"),
                "order_level_discount",
                format!("the promotion {label:?} ({}, {total}) is a discount on the whole order that kontor does not spread over the lines by guessing: use a percentage promotion on the cart, or a discount on the products", kind.as_deref().unwrap_or("no discountType")),
                format!("die Aktion {label:?} ({}, {total}) ist ein Rabatt auf die ganze Bestellung, den kontor nicht nach Gutdünken auf die Positionen verteilt: bitte eine prozentuale Warenkorb-Aktion oder einen Rabatt auf die Produkte verwenden", kind.as_deref().unwrap_or("kein discountType")),
            );
        }
    }
}

/// Whether a percentage promotion's cap (`payload.maxValue`, which Shopware's
/// `PromotionItemBuilder` writes for capped percentages) took effect: its amount is less
/// than the percentage of the items (allowing a cent per item for Shopware's rounding), or
/// unknown.
fn capped(payload: &Value, p: &Value, percent: Decimal, items: &[Value]) -> bool {
    if amount(payload, "maxValue").is_none() {
        return false;
    }
    let total =
        amount(p, "totalPrice").or_else(|| p.get("price").and_then(|x| amount(x, "totalPrice")));
    let Some(total) = total else {
        return true;
    };
    let mut base = Decimal::ZERO;
    for it in items {
        let q = it.get("quantity").and_then(Value::as_i64);
        if let (Some(u), Some(q)) = (amount(it, "unitPrice"), q) {
            base += u * Decimal::from(q);
        }
    }
    let full = base * percent / Decimal::ONE_HUNDRED;
    let cents = Decimal::from(items.len() as u64) / Decimal::ONE_HUNDRED;
    super::abs(total) + cents < full
}

/// Shopware 6's entry in the registry: its orders arrive by webhook.
pub const ENTRY: crate::registry::SourceEntry = crate::registry::SourceEntry {
    name: "shopware6",
    title: "Shopware 6 (app webhooks)",
    arrival: crate::registry::Arrival::Webhook,
    requests: None,
    env: &[
        crate::registry::env("SHOPWARE_APP_SECRET", "", false, true),
        crate::registry::env("SHOPWARE_APP_NAME", "", false, false),
        crate::registry::env("SHOPWARE_MAX_AGE_SECONDS", "", false, false),
    ],
    declarations: "sources/platforms/platforms.d.ts",
};
