//! Shopify, the order webhook payload (`orders/create`, and the other `orders/*` topics,
//! which send the same REST order resource).
//!
//! Read in the document's order: `order_number`, `name`, `processed_at` / `created_at`,
//! `cancelled_at`, `test`, `source_name`, `currency`, `taxes_included`, `email`,
//! `buyer_accepts_marketing`, `customer`, `billing_address`, `shipping_address`,
//! `payment_gateway_names`, `shipping_lines`, `note`, `line_items` (with `tax_lines` and
//! `discount_allocations`), `refunds[].refund_line_items`.
//!
//! Decisions where the document is silent:
//! - The customer id is read from `customer.admin_graphql_api_id`
//!   (`gid://shopify/Customer/115310627314723954`), else `customer.id`: the ids exceed 2^53,
//!   so a payload that went through JavaScript's `JSON.parse` has `id` rounded.
//! - `number` is `order_number` (digits; `name` such as `#1001` adds the shop's prefix);
//!   the time is `processed_at` (when the order was placed), else `created_at`, in UTC.
//! - Amounts are the shop currency's (`price`, not `price_set.presentment_money`); unit
//!   prices are gross when `taxes_included` is true. The discount per unit is the sum of the
//!   line's `discount_allocations[].amount` over the quantity (order-level discounts are
//!   allocated to lines by Shopify).
//! - The VAT rate is the sum of the line's `tax_lines[].rate` (a fraction: 0.19 → 19 %); a
//!   line with `taxable: false` has 0 %; a taxable line without `tax_lines` gets 0 % with a
//!   `missing_tax_rate` warning (the shop has no tax set up for the region).
//! - The payment method is the first of `payment_gateway_names` that maps to the canonical
//!   list (`shopify_payments` → credit_card), else `gateway` (older orders), else the first
//!   name as text with a warning.
//! - Every `refunds[].refund_line_items[]` becomes a further item with negative quantity
//!   (a return), priced as its original line, and each refund a [`super::refund`]: its
//!   lines (`quantity`, `subtotal`, `total_tax`, the line's `sku`), amount (the sum of its
//!   successful `refund` transactions) and `note`.
//! - The state: `cancelled_at` set → cancelled; else `financial_status`: `pending`,
//!   `authorized`, `partially_paid` → open; `paid` → paid; `partially_refunded`; `refunded`;
//!   `voided` → cancelled; `expired` → failed. Cancelled, refunded and failed are errors.
//! - `source_name: "pos"` is a sale on site (channel `local`); `test` is a warning.

use serde_json::{json, Map, Value};

use super::{
    amount, carrier, missing, money, per_unit, put_street, put_text, rounded_warning,
    second_line_warning, text, utc, Life, OrderState,
};
use crate::decimal::Decimal;
use crate::issue::Issues;

/// `financial_status` → the order's state.
const STATES: &[(&str, OrderState)] = &[
    ("pending", OrderState::Open),
    ("authorized", OrderState::Open),
    ("partially_paid", OrderState::Open),
    ("paid", OrderState::Paid),
    ("partially_refunded", OrderState::PartiallyRefunded),
    ("refunded", OrderState::Refunded),
    ("voided", OrderState::Cancelled),
    ("expired", OrderState::Failed),
];

/// The Shopify order webhook payload as a canonical order (JSON, not yet validated); its
/// state and refunds go to `life`.
pub(crate) fn map(o: &Value, life: &mut Life, issues: &mut Issues) -> Value {
    let mut out = Map::new();
    match text(o, "order_number").or_else(|| text(o, "name")).or_else(|| text(o, "id")) {
        Some(n) => {
            out.insert("number".into(), Value::String(n.into_owned()));
        }
        None => missing(
            "number",
            "Shopify sent no order_number (nor name or id): pass the webhook's body as it is".into(),
            "Shopify sendet keine order_number (auch kein name und keine id): bitte den Webhook-Inhalt unverändert übergeben".into(),
            issues,
        ),
    }
    let when = text(o, "processed_at").or_else(|| text(o, "created_at"));
    super::set_ordered_at(
        &mut out,
        when.as_deref().and_then(utc),
        "Shopify",
        ["processed_at or created_at", "processed_at oder created_at"],
        when.as_deref(),
        ["", ""],
        issues,
    );
    match text(o, "cancelled_at") {
        Some(at) => life.set(
            Some(OrderState::Cancelled),
            "cancelled_at",
            &at,
            "Shopify",
            issues,
        ),
        None => {
            let status = text(o, "financial_status").unwrap_or_default();
            let state = super::state_in(STATES, &status);
            life.set(state, "financial_status", &status, "Shopify", issues);
        }
    }
    if o.get("test") == Some(&Value::Bool(true)) {
        issues.warning(
            "",
            "test_order",
            "Shopify marks this as a test order (test: true)",
            "Shopify kennzeichnet dies als Testbestellung (test: true)",
        );
    }
    let local = text(o, "source_name").is_some_and(|s| s == "pos");
    out.insert(
        "channel".into(),
        json!(if local { "local" } else { "online" }),
    );
    put_text(&mut out, "currency", text(o, "currency"));
    let gross = match o.get("taxes_included") {
        Some(Value::Bool(b)) => *b,
        _ => {
            issues.warning(
                "pricesIncludeTax",
                "missing_field",
                "Shopify sent no taxes_included: net prices are assumed (Settings → Taxes and duties)",
                "Shopify sendet kein taxes_included: Nettopreise werden angenommen (Einstellungen → Steuern und Zölle)",
            );
            false
        }
    };
    out.insert("pricesIncludeTax".into(), Value::Bool(gross));

    let empty = Value::Object(Map::new());
    let c = o
        .get("customer")
        .filter(|c| c.is_object())
        .unwrap_or(&empty);
    let billing = o.get("billing_address").filter(|b| b.is_object());
    let b = billing.unwrap_or(&empty);
    let mut customer = Map::new();
    // Shopify ids exceed 2^53: `admin_graphql_api_id` keeps the digits exact even after a
    // JavaScript `JSON.parse` rounded `id`.
    let gid = text(c, "admin_graphql_api_id")
        .and_then(|g| g.rsplit('/').next().map(str::to_owned))
        .filter(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
    put_text(
        &mut customer,
        "id",
        gid.or_else(|| text(c, "id").map(|i| i.into_owned())),
    );
    put_text(
        &mut customer,
        "email",
        text(o, "email")
            .or_else(|| text(o, "contact_email"))
            .or_else(|| text(c, "email")),
    );
    put_text(&mut customer, "company", text(b, "company"));
    put_text(
        &mut customer,
        "firstName",
        text(c, "first_name").or_else(|| text(b, "first_name")),
    );
    put_text(
        &mut customer,
        "lastName",
        text(c, "last_name").or_else(|| text(b, "last_name")),
    );
    put_text(
        &mut customer,
        "phone",
        text(o, "phone")
            .or_else(|| text(c, "phone"))
            .or_else(|| text(b, "phone")),
    );
    if let Some(Value::Bool(m)) = o.get("buyer_accepts_marketing") {
        customer.insert("marketingConsent".into(), Value::Bool(*m));
    }
    let customer_name = super::name_of(
        customer.get("firstName").and_then(Value::as_str),
        customer.get("lastName").and_then(Value::as_str),
    );
    out.insert("customer".into(), Value::Object(customer));
    let bill = match billing {
        Some(b) => address(
            b,
            "billing_address",
            "billingAddress",
            &customer_name,
            issues,
        ),
        None => {
            missing(
                "billingAddress",
                "Shopify sent no billing_address: require a billing address at checkout (Settings → Checkout)".into(),
                "Shopify sendet keine billing_address: bitte im Checkout eine Rechnungsadresse verlangen (Einstellungen → Checkout)".into(),
                issues,
            );
            Map::new()
        }
    };
    if let Some(s) = o.get("shipping_address").filter(|s| s.is_object()) {
        let mut own = Issues::new();
        let ship = address(
            s,
            "shipping_address",
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

    let mut gateways: Vec<Option<&str>> = o
        .get("payment_gateway_names")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(Value::as_str)
        .collect();
    gateways.push(o.get("gateway").and_then(Value::as_str));
    match super::payment_of(&gateways, None, "payment_gateway_names", issues) {
        Some(p) => {
            out.insert("payment".into(), p);
        }
        None => issues.warning(
            "payment",
            "missing_field",
            "Shopify sent no payment_gateway_names: the order has no payment method",
            "Shopify sendet keine payment_gateway_names: die Bestellung hat keine Zahlungsart",
        ),
    }
    shipping(o, &mut out, issues);
    put_text(&mut out, "notes", text(o, "note"));

    let mut items = Vec::new();
    for (i, l) in o
        .get("line_items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = items.len();
        items.push(item(
            l,
            l.get("quantity").and_then(Value::as_i64),
            at,
            &format!("line_items[{i}]"),
            issues,
        ));
    }
    for (r, refund) in o
        .get("refunds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let lines = refund.get("refund_line_items").and_then(Value::as_array);
        let mut refunded = Vec::new();
        for (k, rl) in lines.into_iter().flatten().enumerate() {
            let shop = format!("refunds[{r}].refund_line_items[{k}]");
            let line = rl.get("line_item").filter(|l| l.is_object());
            let quantity = rl.get("quantity").and_then(Value::as_i64);
            let null = Value::Null;
            let l = line.unwrap_or(&null);
            refunded.push(super::refund_line(
                text(l, "sku").as_deref(),
                quantity.unwrap_or(0),
                amount(rl, "subtotal"),
                amount(rl, "total_tax"),
            ));
            match (line, quantity.filter(|q| *q > 0)) {
                (Some(l), Some(q)) => {
                    let at = items.len();
                    items.push(item(l, Some(-q), at, &format!("{shop}.line_item"), issues));
                }
                _ => issues.error(
                    format!("items[{}]", items.len()),
                    "missing_field",
                    format!("{shop} has no line_item or no positive quantity: the return cannot be mapped"),
                    format!("{shop} hat kein line_item oder keine positive quantity: die Retoure lässt sich nicht übernehmen"),
                ),
            }
        }
        life.refunds.push(refund_of(refund, refunded));
    }
    if items.is_empty() {
        missing(
            "items",
            "Shopify sent no line_items".into(),
            "Shopify sendet keine line_items".into(),
            issues,
        );
    }
    out.insert("items".into(), Value::Array(items));
    Value::Object(out)
}

/// A Shopify refund object on its own (the `refunds/create` webhook's body, which names its
/// order by `order_id`) as a [`super::refund`], its lines read as in an order's `refunds`.
pub fn refund(r: &Value) -> Value {
    let lines = r
        .get("refund_line_items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|rl| {
            let null = Value::Null;
            let l = rl.get("line_item").unwrap_or(&null);
            super::refund_line(
                text(l, "sku").as_deref(),
                rl.get("quantity").and_then(Value::as_i64).unwrap_or(0),
                amount(rl, "subtotal"),
                amount(rl, "total_tax"),
            )
        })
        .collect();
    refund_of(r, lines)
}

/// One of `refunds[]` with its `lines`, and the sum of its successful `refund` transactions.
fn refund_of(r: &Value, lines: Vec<Value>) -> Value {
    let mut total = None;
    for t in r
        .get("transactions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if text(t, "kind").as_deref() == Some("refund")
            && text(t, "status").as_deref() == Some("success")
        {
            let a = amount(t, "amount").unwrap_or(Decimal::ZERO);
            total = Some(total.unwrap_or(Decimal::ZERO) + a);
        }
    }
    let at = text(r, "processed_at")
        .or_else(|| text(r, "created_at"))
        .and_then(|t| super::utc(&t));
    super::refund(
        text(r, "id").as_deref(),
        at.as_deref(),
        total,
        text(r, "note").as_deref(),
        lines,
    )
}

/// `billing_address` or `shipping_address` as a canonical address at `path`.
fn address(
    a: &Value,
    shop: &str,
    path: &str,
    customer_name: &str,
    issues: &mut Issues,
) -> Map<String, Value> {
    let mut out = Map::new();
    put_text(&mut out, "company", text(a, "company"));
    let name = text(a, "name").map(|n| n.into_owned()).or_else(|| {
        let n = super::name_of(
            text(a, "first_name").as_deref(),
            text(a, "last_name").as_deref(),
        );
        (!n.is_empty()).then_some(n)
    });
    if let Some(n) = name.filter(|n| n != customer_name) {
        out.insert("name".into(), Value::String(n));
    }
    match text(a, "address1") {
        Some(line) => put_street(&mut out, &line, path, &format!("{shop}.address1"), issues),
        None => missing(
            &format!("{path}.street"),
            format!("Shopify sent no {shop}.address1"),
            format!("Shopify sendet kein {shop}.address1"),
            issues,
        ),
    }
    if let Some(l2) = text(a, "address2") {
        second_line_warning(&l2, path, &format!("{shop}.address2"), issues);
    }
    put_text(&mut out, "zip", text(a, "zip"));
    put_text(&mut out, "city", text(a, "city"));
    put_text(
        &mut out,
        "country",
        text(a, "country_code").or_else(|| text(a, "country")),
    );
    super::require_place(
        &out,
        path,
        shop,
        ["zip", "city", "country_code"],
        "Shopify",
        issues,
    );
    put_text(&mut out, "phone", text(a, "phone"));
    out
}

/// The sum of `tax_lines[].rate` in percent (`0.19` → 19), or `None` without tax lines.
fn rate_of(v: &Value) -> Option<Decimal> {
    let lines = v.get("tax_lines").and_then(Value::as_array)?;
    let mut sum = None;
    for t in lines {
        if let Some(r) = amount(t, "rate") {
            sum = Some(sum.unwrap_or(Decimal::ZERO) + r * Decimal::ONE_HUNDRED);
        }
    }
    sum.map(|s: Decimal| s.normalize())
}

fn no_rate_warning(path: &str, shop: &str, issues: &mut Issues) {
    issues.warning(
        path,
        "missing_tax_rate",
        format!("{shop} is taxable but Shopify sent no tax_lines: 0 % is used (Settings → Taxes and duties)"),
        format!("{shop} ist steuerpflichtig, aber Shopify sendet keine tax_lines: 0 % wird verwendet (Einstellungen → Steuern und Zölle)"),
    );
}

/// `shipping_lines` (their prices follow `taxes_included`, like the lines').
fn shipping(o: &Value, out: &mut Map<String, Value>, issues: &mut Issues) {
    let lines: Vec<&Value> = o
        .get("shipping_lines")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|l| l.get("is_removed") != Some(&Value::Bool(true)))
        .collect();
    if lines.is_empty() {
        return;
    }
    let mut cost = Decimal::ZERO;
    let mut names = Vec::new();
    let mut found = None;
    let mut rate = None;
    for l in &lines {
        cost += amount(l, "discounted_price")
            .or_else(|| amount(l, "price"))
            .unwrap_or(Decimal::ZERO);
        if let Some(t) = text(l, "title") {
            names.push(t.into_owned());
        }
        for key in ["carrier_identifier", "code", "title", "source"] {
            found = found.or_else(|| text(l, key).and_then(|t| carrier(&t)));
        }
        rate = rate.or_else(|| rate_of(l));
    }
    let mut s = Map::new();
    if let Some(c) = found {
        s.insert("carrier".into(), json!(c));
    }
    if !names.is_empty() {
        s.insert("methodName".into(), Value::String(names.join(", ")));
    }
    s.insert("cost".into(), money(cost));
    if rate.is_none() && !cost.is_zero() {
        no_rate_warning("shipping.taxRate", "shipping_lines", issues);
    }
    s.insert("taxRate".into(), money(rate.unwrap_or(Decimal::ZERO)));
    out.insert("shipping".into(), Value::Object(s));
}

/// One line (or the line of a refund, with its negative `quantity`) as item `at`.
fn item(l: &Value, quantity: Option<i64>, at: usize, shop: &str, issues: &mut Issues) -> Value {
    let path = format!("items[{at}]");
    let mut out = Map::new();
    let name = text(l, "name").or_else(|| text(l, "title"));
    match text(l, "sku") {
        Some(s) => {
            out.insert("sku".into(), Value::String(s.into_owned()));
        }
        None => missing(
            &format!("{path}.sku"),
            format!("Shopify sent no SKU for {shop} ({:?}): give the variant a SKU (Products → the product → Variants → SKU)", name.as_deref().unwrap_or("")),
            format!("Shopify sendet keine Artikelnummer für {shop} ({:?}): bitte der Variante eine Artikelnummer (SKU) geben (Produkte → Produkt → Varianten → SKU)", name.as_deref().unwrap_or("")),
            issues,
        ),
    }
    put_text(&mut out, "name", name);
    if let Some(q) = quantity {
        out.insert("quantity".into(), Value::from(q));
    }
    match amount(l, "price") {
        Some(p) => {
            out.insert("unitPrice".into(), money(p));
        }
        None => missing(
            &format!("{path}.unitPrice"),
            format!("Shopify sent no {shop}.price"),
            format!("Shopify sendet kein {shop}.price"),
            issues,
        ),
    }
    let discount = l
        .get("discount_allocations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| amount(d, "amount"))
        .fold(Decimal::ZERO, |a, b| a + b);
    let original = l.get("quantity").and_then(Value::as_i64).unwrap_or(1);
    if !discount.is_zero() {
        let mut rounded = false;
        out.insert(
            "discount".into(),
            money(per_unit(discount, original, &mut rounded)),
        );
        if rounded {
            rounded_warning(
                &format!("{path}.discount"),
                &format!("{shop}.discount_allocations"),
                issues,
            );
        }
    }
    let rate = match (l.get("taxable"), rate_of(l)) {
        (Some(Value::Bool(false)), _) => Decimal::ZERO,
        (_, Some(r))
            if l.get("tax_lines")
                .and_then(Value::as_array)
                .is_some_and(|t| !t.is_empty()) =>
        {
            r
        }
        _ => {
            no_rate_warning(&format!("{path}.taxRate"), shop, issues);
            Decimal::ZERO
        }
    };
    out.insert("taxRate".into(), money(rate));
    if let Some(g) = l.get("grams").and_then(Value::as_u64).filter(|g| *g > 0) {
        out.insert("weightGrams".into(), Value::from(g));
    }
    Value::Object(out)
}

/// Shopify's entry in the registry: its orders arrive by webhook.
pub const ENTRY: crate::registry::SourceEntry = crate::registry::SourceEntry {
    name: "shopify",
    title: "Shopify (order webhooks)",
    arrival: crate::registry::Arrival::Webhook,
    requests: None,
    env: &[
        crate::registry::env("SHOPIFY_WEBHOOK_SECRET", "", false, true),
        crate::registry::env("SHOPIFY_SHOPS", "", false, false),
        // The Admin API access the backfill and the reconciliation read orders with (pull.rs).
        crate::registry::env("SHOPIFY_ACCESS_TOKEN", "", false, true),
        crate::registry::env("SHOPIFY_API_VERSION", "", false, false),
        crate::registry::env("SHOPIFY_API_BASE_URL", "", false, false),
    ],
    declarations: "sources/platforms/platforms.d.ts",
};
