//! kivitendo: the options carrying its ids and the mappings from the canonical order to
//! `<customer>`, `<order>`, `<product>` and `<category>`.

use crate::decimal::Decimal;
use serde_json::Value;

use super::record::{self, Fields, FieldsBuilder, Format, Record};
use super::xml;
use crate::issue::{Built, Issues, Path};
use crate::money;
use crate::order::{country, Address, Order};

/// Options for kivitendo documents: the ids kivitendo needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    /// `customer-id` of the order (required for orders).
    pub customer_id: Option<i64>,
    /// `contact-id` of the order.
    pub contact_id: Option<i64>,
    /// `taxzone-id` (required).
    pub taxzone_id: Option<i64>,
    /// `currency-id` (required).
    pub currency_id: Option<i64>,
    /// `payment-id` (payment terms).
    pub payment_id: Option<i64>,
    /// `product-id` per SKU (required for orders).
    pub product_ids: Vec<(String, i64)>,
    /// Product id of the shipping cost item; without it shipping is not an item.
    pub shipping_product_id: Option<i64>,
    /// `record-type`, `sales_order` by default: one of [`RECORD_TYPES`].
    pub record_type: String,
    /// The units the client has (`units.name`), a JSON list of texts; `None`:
    /// [`DEFAULT_UNITS`].
    pub units: Option<Value>,
    /// Send the shop's customer id (`customer.id`) as kivitendo's `customernumber`; without
    /// it kivitendo's customer number stays empty (the plugin assigns none).
    pub shop_customer_number: bool,
    /// Write `<fist-name>` instead of `<first-name>`.
    pub legacy_first_name_tag: bool,
    /// Use the shop's order number as kivitendo's `order-number` (default) or let kivitendo
    /// number the order.
    pub shop_order_number: bool,
    /// XML or JSON.
    pub format: Format,
}

/// Option keys, for callers that carry them in a request configuration (the first nine are
/// [`CALLER_OPTION_KEYS`]).
pub const OPTION_KEYS: &[&str] = &[
    "customerId",
    "contactId",
    "taxzoneId",
    "currencyId",
    "paymentId",
    "productIds",
    "shippingProductId",
    "recordType",
    "legacyFirstNameTag",
    "orderNumber",
    "format",
    "units",
    "customerNumber",
];

/// The option keys a worker's caller may set: all but `orderNumber`, `format`, `units` and
/// `customerNumber`, which the worker's own configuration decides.
pub const CALLER_OPTION_KEYS: &[&str] = OPTION_KEYS.split_at(9).0;

/// kivitendo's record types (the `order_types` enum of `oe.record_type`, kivitendo ≥ 3.9).
pub const RECORD_TYPES: &[&str] = &[
    "sales_order",
    "sales_order_intake",
    "sales_quotation",
    "request_quotation",
    "purchase_quotation_intake",
    "purchase_order",
    "purchase_order_confirmation",
];

/// The record types numbered by kivitendo's quotation number (`oe.quonumber`), not the order
/// number.
pub fn is_quotation(record_type: &str) -> bool {
    record_type.contains("quotation")
}

/// The units of a new kivitendo client (`units.name`, the same in 3.9.2, 4.0.0 and 4.1.0).
pub const DEFAULT_UNITS: &[&str] = &[
    "Stck", "psch", "Tag", "Std", "min", "t", "kg", "g", "mg", "L", "ml",
];

/// The longest unit kivitendo stores (`varchar(20)`).
pub const MAX_UNIT_CHARS: usize = 20;

fn id_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|i| *i > 0)
}

impl Options {
    /// The kivitendo product id of `sku` (the last one given wins).
    pub fn product_id(&self, sku: &str) -> Option<i64> {
        self.product_ids
            .iter()
            .rev()
            .find(|(s, _)| s == sku)
            .map(|(_, id)| *id)
    }

    /// An error at `path` unless `unit` is one of the client's units (the configured ones,
    /// else [`DEFAULT_UNITS`]; each fits kivitendo's `varchar(20)`).
    pub fn check_unit(&self, unit: &str, path: &str, issues: &mut Issues) {
        let known = match &self.units {
            Some(Value::Array(list)) => list.iter().any(|u| u.as_str() == Some(unit)),
            _ => DEFAULT_UNITS.contains(&unit),
        };
        if !known || unit.chars().count() > MAX_UNIT_CHARS {
            issues.error(
                path,
                "unknown_unit",
                format!("kivitendo has no unit {unit:?} (options.units)"),
                format!("kivitendo kennt die Einheit {unit:?} nicht (options.units)"),
            );
        }
    }

    /// Reads the options from JSON (`{ customerId, taxzoneId, productIds: { sku: id }, … }`).
    pub fn from_value(v: &Value, issues: &mut Issues) -> Options {
        let mut o = Options {
            record_type: "sales_order".into(),
            shop_order_number: true,
            ..Options::default()
        };
        let Some(map) = v.as_object() else {
            return o;
        };
        for (key, val) in map {
            if val.is_null() {
                continue;
            }
            let path = format!("options.{key}");
            let bad_id = |issues: &mut Issues| {
                issues.error(
                    &path,
                    "invalid_id",
                    "must be a positive whole number (a kivitendo database id)",
                    "muss eine positive ganze Zahl sein (eine kivitendo-Datenbank-ID)",
                )
            };
            let slot = match key.as_str() {
                "customerId" => Some(&mut o.customer_id),
                "contactId" => Some(&mut o.contact_id),
                "taxzoneId" => Some(&mut o.taxzone_id),
                "currencyId" => Some(&mut o.currency_id),
                "paymentId" => Some(&mut o.payment_id),
                "shippingProductId" => Some(&mut o.shipping_product_id),
                _ => None,
            };
            if let Some(slot) = slot {
                match id_of(val) {
                    Some(id) => *slot = Some(id),
                    None => bad_id(issues),
                }
                continue;
            }
            match key.as_str() {
                "productIds" => match val.as_object() {
                    Some(ids) => {
                        for (sku, id) in ids {
                            match id_of(id) {
                                Some(id) => o.product_ids.push((sku.clone(), id)),
                                None => issues.error(
                                    format!("options.productIds.{sku}"),
                                    "invalid_id",
                                    format!("the product id of SKU {sku:?} must be a positive whole number"),
                                    format!("die Produkt-ID der Artikelnummer {sku:?} muss eine positive ganze Zahl sein"),
                                ),
                            }
                        }
                    }
                    None => issues.error(
                        &path,
                        "invalid_type",
                        "must be an object { sku: productId }",
                        "muss ein Objekt { Artikelnummer: Produkt-ID } sein",
                    ),
                },
                "recordType" => match val.as_str().map(str::trim) {
                    Some(t) if RECORD_TYPES.contains(&t) => o.record_type = t.to_owned(),
                    _ => issues.error(
                        &path,
                        "invalid_value",
                        "must be one of kivitendo's seven record types (docs/targets/kivitendo.md)",
                        "muss einer der sieben Belegtypen kivitendos sein (docs/targets/kivitendo.md)",
                    ),
                },
                // A list of texts; entries longer than 20 characters match no unit.
                "units" if val.is_array() => o.units = Some(val.clone()),
                "units" => issues.error(
                    &path,
                    "invalid_type",
                    "must be a list of the client's unit names",
                    "muss eine Liste der Einheiten des Mandanten sein",
                ),
                "customerNumber" => match val.as_str() {
                    Some("shop") => o.shop_customer_number = true,
                    Some("none") => o.shop_customer_number = false,
                    _ => issues.error(
                        &path,
                        "invalid_value",
                        "must be \"shop\" or \"none\"",
                        "muss \"shop\" oder \"none\" sein",
                    ),
                },
                "legacyFirstNameTag" => match val.as_bool() {
                    Some(b) => o.legacy_first_name_tag = b,
                    None => issues.error(
                        &path,
                        "invalid_type",
                        "must be true or false",
                        "muss true oder false sein",
                    ),
                },
                "orderNumber" => match val.as_str() {
                    Some("shop") => o.shop_order_number = true,
                    Some("kivitendo") => o.shop_order_number = false,
                    _ => issues.error(
                        &path,
                        "invalid_value",
                        "must be \"shop\" or \"kivitendo\"",
                        "muss \"shop\" oder \"kivitendo\" sein",
                    ),
                },
                "format" => match val.as_str() {
                    Some("xml") => o.format = Format::Xml,
                    Some("json") => o.format = Format::Json,
                    _ => issues.error(
                        &path,
                        "invalid_value",
                        "must be \"xml\" or \"json\"",
                        "muss \"xml\" oder \"json\" sein",
                    ),
                },
                _ => {}
            }
        }
        o
    }
}

fn require_id(
    value: Option<i64>,
    key: &str,
    what: &str,
    what_de: &str,
    issues: &mut Issues,
) -> Option<i64> {
    if value.is_none() {
        issues.error(
            format!("options.{key}"),
            "missing_option",
            format!("kivitendo needs this option: {what}"),
            format!("kivitendo braucht diese Option: {what_de}"),
        );
    }
    value
}

/// The two ids every customer and order needs, each missing one named.
fn taxzone_and_currency(options: &Options, issues: &mut Issues) -> (Option<i64>, Option<i64>) {
    let taxzone = require_id(
        options.taxzone_id,
        "taxzoneId",
        "the tax zone id (GET /api/v1/tax_zones)",
        "die Steuerzonen-ID (GET /api/v1/tax_zones)",
        issues,
    );
    let currency = require_id(
        options.currency_id,
        "currencyId",
        "the currency id (GET /api/v1/currencies)",
        "die Währungs-ID (GET /api/v1/currencies)",
        issues,
    );
    (taxzone, currency)
}

/// The trimmed, non-empty text at `key` of a JSON object.
pub(crate) fn text_at<'v>(input: &'v Value, key: &str) -> Option<&'v str> {
    input
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn num(i: i64) -> Option<String> {
    Some(i.to_string())
}

/// Street and house number as kivitendo keeps them: one line.
pub fn street_line(a: &Address) -> String {
    match &a.house_number {
        Some(n) => format!("{} {}", a.street, n),
        None => a.street.clone(),
    }
}

/// The country as kivitendo keeps it: the German name (`Deutschland`), or the text as given.
pub fn country_text(a: &Address) -> String {
    if a.country_known {
        country::country_name_de(&a.country).map_or_else(|| a.country.clone(), str::to_owned)
    } else {
        a.country.clone()
    }
}

fn person_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    match (first, last) {
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (Some(n), None) | (None, Some(n)) => Some(n.to_owned()),
        (None, None) => None,
    }
}

/// `<customer>` with `<contacts>` and `<shippings>` from an order.
pub fn build_customer(order: &Order, order_issues: Issues, options: &Options) -> Built<Record> {
    let mut issues = order_issues;
    let c = &order.customer;
    let b = &order.billing_address;
    let name = c
        .company
        .clone()
        .or_else(|| b.company.clone())
        .or_else(|| person_name(c.first_name.as_deref(), c.last_name.as_deref()))
        .or_else(|| b.name.clone());
    if name.is_none() {
        issues.error(
            "customer.company",
            "missing_name",
            "kivitendo needs a customer name: a company here, customer.firstName/lastName or billingAddress.name",
            "kivitendo braucht einen Kundennamen: eine Firma hier, customer.firstName/lastName oder billingAddress.name",
        );
    }
    let (taxzone, currency) = taxzone_and_currency(options, &mut issues);

    let mut contacts = Vec::new();
    if c.first_name.is_some() || c.last_name.is_some() {
        let first_tag = if options.legacy_first_name_tag {
            "fist-name"
        } else {
            "first-name"
        };
        contacts.push(
            FieldsBuilder::new()
                .text("gender", c.gender.map(|g| g.code()))
                .text("title", c.title.as_deref())
                .text(first_tag, c.first_name.as_deref())
                .text("last-name", c.last_name.as_deref())
                .build(),
        );
    }
    let mut shippings = Vec::new();
    if let Some(s) = &order.shipping_address {
        shippings.push(
            FieldsBuilder::new()
                .text("company", s.company.as_deref())
                .text("contact", s.name.as_deref())
                .text("gender", s.gender.map(|g| g.code()))
                .text("street", Some(&street_line(s)))
                .text("zipcode", Some(&s.zip))
                .text("city", Some(&s.city))
                .text("country", Some(&country_text(s)))
                .text("email", s.email.as_deref())
                .build(),
        );
    }
    let number = options
        .shop_customer_number
        .then_some(c.id.as_deref())
        .flatten();
    if options.shop_customer_number && number.is_none() {
        issues.error(
            "customer.id",
            "missing_field",
            "required by the option customerNumber: \"shop\"",
            "Pflicht bei der Option customerNumber: \"shop\"",
        );
    }
    let fields = FieldsBuilder::new()
        .text("customernumber", number)
        .text("name", name.as_deref())
        .text("street", Some(&street_line(b)))
        .text("zipcode", Some(&b.zip))
        .text("city", Some(&b.city))
        .text("country", Some(&country_text(b)))
        .text("phone", c.phone.as_deref().or(b.phone.as_deref()))
        .text("fax", c.fax.as_deref())
        .text("homepage", c.homepage.as_deref())
        .text("email", c.email.as_deref().or(b.email.as_deref()))
        .text("ustid", c.vat_id.as_deref())
        .num("taxzone-id", taxzone.and_then(num))
        .num("currency-id", currency.and_then(num))
        .num("payment-id", options.payment_id.and_then(num))
        .list("contacts", "contact", contacts)
        .list("shippings", "shipping", shippings)
        .build();
    Built::new(
        Some(Record {
            root: "customer",
            fields,
        }),
        issues,
    )
}

/// Formats an exact amount with two decimals (`49.00`).
fn money_text(d: Decimal) -> String {
    let mut r = money::round_cents(d);
    r.rescale(2);
    r.to_string()
}

/// Formats a decimal without trailing zeros (`0.1`, `6`).
fn plain(d: Decimal) -> String {
    d.normalize().to_string()
}

/// `<order>` with `<orderitems>` from an order.
pub fn build_order(order: &Order, order_issues: Issues, options: &Options) -> Built<Record> {
    let mut issues = order_issues;
    let customer = require_id(
        options.customer_id,
        "customerId",
        "the kivitendo id of the customer (create or find it first)",
        "die kivitendo-ID des Kunden (vorher anlegen oder suchen)",
        &mut issues,
    );
    let (taxzone, currency) = taxzone_and_currency(options, &mut issues);

    // Sums of line amounts per tax rate, in the order's price basis.
    let mut per_rate: Vec<(Decimal, Decimal)> = Vec::new();
    let mut items = Vec::with_capacity(order.items.len() + 1);
    let items_path = Path::ROOT.key("items");
    for (i, item) in order.items.iter().enumerate() {
        let path = items_path.index(i);
        let product_id = options.product_id(&item.sku);
        if product_id.is_none() && !item.sku.is_empty() {
            let p = path.key("sku");
            issues.error(
                p,
                "missing_product_id",
                format!(
                    "no kivitendo product id for SKU {:?} in options.productIds",
                    item.sku
                ),
                format!(
                    "keine kivitendo-Produkt-ID für Artikelnummer {:?} in options.productIds",
                    item.sku
                ),
            );
        }
        let discount = if item.unit_price.is_zero() {
            Decimal::ZERO
        } else if let Some(p) = item.discount_percent {
            p / Decimal::ONE_HUNDRED
        } else {
            item.unit_discount() / item.unit_price
        };
        let qty = Decimal::from(item.quantity);
        let line = money::round_cents(qty * item.unit_price * (Decimal::ONE - discount));
        add_to_rate(&mut per_rate, item.tax_rate, line);
        let unit = item.unit.as_deref().unwrap_or("Stck");
        let qty_text = item.quantity.to_string();
        options.check_unit(unit, &path.key("unit").to_string(), &mut issues);
        items.push(
            FieldsBuilder::new()
                .num("position", num(i as i64 + 1))
                .num("product-id", product_id.and_then(num))
                .text(
                    "description",
                    Some(item.name.as_deref().unwrap_or(&item.sku)),
                )
                .num("price", Some(plain(item.unit_price)))
                .num("discount", Some(plain(discount.round_dp(10))))
                .num("qty", Some(qty_text.clone()))
                .text("unit", Some(unit))
                .num("base-qty", Some(qty_text))
                .build(),
        );
    }
    if let (Some(ship_id), Some(s)) = (options.shipping_product_id, &order.shipping) {
        if let Some(cost) = s.cost.filter(|c| !c.is_zero()) {
            let rates: Vec<Decimal> = per_rate.iter().map(|(r, _)| *r).collect();
            let rate = match (s.tax_rate, rates.as_slice()) {
                (Some(r), _) => Some(r),
                (None, [only]) => Some(*only),
                _ => {
                    issues.error(
                        "shipping.taxRate",
                        "missing_field",
                        "required for the shipping line: the items have several tax rates",
                        "Pflicht für die Versandposition: die Positionen haben mehrere Steuersätze",
                    );
                    None
                }
            };
            if let Some(rate) = rate {
                add_to_rate(&mut per_rate, rate, money::round_cents(cost));
            }
            items.push(
                FieldsBuilder::new()
                    .num("position", num(order.items.len() as i64 + 1))
                    .num("product-id", num(ship_id))
                    .text(
                        "description",
                        Some(s.method_name.as_deref().unwrap_or("Versand")),
                    )
                    .num("price", Some(plain(cost)))
                    .num("discount", Some("0".into()))
                    .num("qty", Some("1".into()))
                    .text("unit", Some("Stck"))
                    .num("base-qty", Some("1".into()))
                    .build(),
            );
        }
    }
    let (gross, net) = totals(&per_rate, order.prices_include_tax);
    let date = order
        .ordered_at
        .as_ref()
        .and_then(crate::order::time::berlin_date)
        .or(order.invoice_date);
    // Quotations carry the shop's number as kivitendo's quotation number and an empty order
    // number (`oe.ordnumber` is NOT NULL; the plugin numbers only orders, so `orderNumber:
    // "kivitendo"` does not apply to them).
    let quotation = is_quotation(&options.record_type);
    let mut head = FieldsBuilder::new();
    if quotation {
        head.empty("order-number")
            .text("quote-number", Some(&order.number));
    } else {
        head.text(
            "order-number",
            options.shop_order_number.then_some(order.number.as_str()),
        );
    }
    let fields = head
        .text("shop-number", Some(&order.number))
        .text("record-type", Some(&options.record_type))
        .num("customer-id", customer.and_then(num))
        .num("contact-id", options.contact_id.and_then(num))
        .num("gross-total", Some(money_text(gross)))
        .num("net-total", Some(money_text(net)))
        .bool("taxincluded", Some(order.prices_include_tax))
        .text(
            "order-date",
            date.map(crate::order::time::format_date).as_deref(),
        )
        .text(
            "delivery-date",
            order
                .delivery_date
                .map(crate::order::time::format_date)
                .as_deref(),
        )
        .text(
            "shipvia",
            order.shipping.as_ref().and_then(|s| {
                s.method_name
                    .as_deref()
                    .or(s.carrier.as_ref().map(|c| c.as_str()))
            }),
        )
        .text("notes", order.notes.as_deref())
        .num("payment-id", options.payment_id.and_then(num))
        .num("taxzone-id", taxzone.and_then(num))
        .num("currency-id", currency.and_then(num))
        .list("orderitems", "orderitem", items)
        .build();
    Built::new(
        Some(Record {
            root: "order",
            fields,
        }),
        issues,
    )
}

/// Adds `amount` to the sum of `rate`.
fn add_to_rate(per_rate: &mut Vec<(Decimal, Decimal)>, rate: Decimal, amount: Decimal) {
    match per_rate.iter_mut().find(|(r, _)| *r == rate) {
        Some((_, sum)) => *sum += amount,
        None => per_rate.push((rate, amount)),
    }
}

/// Gross and net totals from line sums per rate: gross prices carry their tax, net prices get
/// it added; the tax of each rate is rounded to cents once.
pub fn totals(per_rate: &[(Decimal, Decimal)], gross_prices: bool) -> (Decimal, Decimal) {
    let mut gross = Decimal::ZERO;
    let mut net = Decimal::ZERO;
    for (rate, sum) in per_rate {
        if gross_prices {
            let tax = money::vat_in_gross(*sum, *rate);
            gross += sum;
            net += sum - tax;
        } else {
            let tax = money::round_cents(sum * rate / Decimal::ONE_HUNDRED);
            net += sum;
            gross += sum + tax;
        }
    }
    (gross, net)
}

/// Parses an order from JSON text and builds `<customer>`.
pub fn customer_from_json(text: &str, options: &Options) -> Built<Record> {
    let (order, issues) = Order::parse_json(text);
    if issues.iter().any(|i| i.code == "malformed_json") {
        return Built::new(None, issues);
    }
    build_customer(&order, issues, options)
}

/// Parses an order from JSON text and builds `<order>`.
pub fn order_from_json(text: &str, options: &Options) -> Built<Record> {
    let (order, issues) = Order::parse_json(text);
    if issues.iter().any(|i| i.code == "malformed_json") {
        return Built::new(None, issues);
    }
    build_order(&order, issues, options)
}

/// Part types kivitendo knows (`parts.part_type`).
pub const PART_TYPES: &[&str] = &["part", "service", "assembly", "assortment"];

/// `<product>` from `{ productnumber, description, unit, partType, sellprice, listprice,
/// lastcost, categoryId, taxGroupId, ean, weight, notes, shop, obsolete }`.
/// The unit is checked against `options.units` (default: [`DEFAULT_UNITS`]), and the booking
/// group (`taxGroupId`) is required.
pub fn build_product(input: &Value, options: &Options) -> Built<Record> {
    let mut issues = Issues::new();
    let text = |k: &str| text_at(input, k);
    let required = |k: &str, hint: &str, issues: &mut Issues| {
        let v = text(k);
        if v.is_none() {
            issues.error(
                k,
                "missing_field",
                format!("required by kivitendo: {hint}"),
                "bei kivitendo Pflicht".to_owned(),
            );
        }
        v
    };
    let amount = |k: &str, issues: &mut Issues| -> Option<String> {
        let v = input.get(k).filter(|v| !v.is_null())?;
        match money::from_value(v) {
            Ok(d) => Some(plain(d)),
            Err(_) => {
                issues.error(
                    k,
                    "invalid_amount",
                    "must be a decimal amount such as 7.50",
                    "muss ein Betrag wie 7.50 sein",
                );
                None
            }
        }
    };
    let id = |k: &str, issues: &mut Issues| -> Option<String> {
        let v = input.get(k).filter(|v| !v.is_null())?;
        match id_of(v) {
            Some(i) => Some(i.to_string()),
            None => {
                issues.error(
                    k,
                    "invalid_id",
                    "must be a positive whole number",
                    "muss eine positive ganze Zahl sein",
                );
                None
            }
        }
    };
    if !input.is_object() {
        issues.error(
            "",
            "invalid_type",
            "a product must be an object",
            "ein Produkt muss ein Objekt sein",
        );
        return Built::new(None, issues);
    }
    let number = required("productnumber", "the article number (unique)", &mut issues);
    let unit = required("unit", "a unit kivitendo knows, e.g. \"Stck\"", &mut issues);
    if let Some(u) = unit {
        options.check_unit(u, "unit", &mut issues);
    }
    if input.get("taxGroupId").is_none_or(Value::is_null) {
        issues.error(
            "taxGroupId",
            "missing_field",
            "required: the booking group (buchungsgruppen_id)",
            "Pflicht: die Buchungsgruppe (buchungsgruppen_id)",
        );
    }
    let part_type = required(
        "partType",
        "part, service, assembly or assortment",
        &mut issues,
    );
    if let Some(t) = part_type {
        if !PART_TYPES.contains(&t) {
            issues.error(
                "partType",
                "invalid_value",
                format!("{t:?} is no part type; use part, service, assembly or assortment"),
                format!("{t:?} ist keine Artikelart; erlaubt: part, service, assembly, assortment"),
            );
        }
    }
    let fields = FieldsBuilder::new()
        .text("productnumber", number)
        .text("description", text("description"))
        .text("unit", unit)
        .text("part-type", part_type)
        .num("sellprice", amount("sellprice", &mut issues))
        .num("listprice", amount("listprice", &mut issues))
        .num("lastcost", amount("lastcost", &mut issues))
        .num("category-id", id("categoryId", &mut issues))
        .num("tax-group-id", id("taxGroupId", &mut issues))
        .text("ean", text("ean"))
        .num("weight", amount("weight", &mut issues))
        .text("notes", text("notes"))
        .bool("shop", input.get("shop").and_then(Value::as_bool))
        .bool("obsolete", input.get("obsolete").and_then(Value::as_bool))
        .build();
    Built::new(
        Some(Record {
            root: "product",
            fields,
        }),
        issues,
    )
}

/// `<category>` from `{ name, sortkey, obsolete }` (kivitendo's `partsgroup`); `options` as
/// [`build_product`] takes them (none applies).
pub fn build_category(input: &Value, _options: &Options) -> Built<Record> {
    let mut issues = Issues::new();
    let name = input
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if name.is_none() {
        issues.error(
            "name",
            "missing_field",
            "required: the category's name",
            "Pflicht: der Name der Warengruppe",
        );
    }
    let sortkey = match input.get("sortkey") {
        Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
        None | Some(Value::Null) => {
            issues.error(
                "sortkey",
                "missing_field",
                "required by kivitendo's database (a whole number)",
                "in kivitendos Datenbank Pflicht (ganze Zahl)",
            );
            None
        }
        Some(_) => {
            issues.error(
                "sortkey",
                "invalid_type",
                "must be a whole number",
                "muss eine ganze Zahl sein",
            );
            None
        }
    };
    let fields = FieldsBuilder::new()
        .text("name", name)
        .num("sortkey", sortkey.map(|k| k.to_string()))
        .bool("obsolete", input.get("obsolete").and_then(Value::as_bool))
        .build();
    Built::new(
        Some(Record {
            root: "category",
            fields,
        }),
        issues,
    )
}

/// A built kivitendo document for callers: XML text (`format: "xml"`, the default) or the
/// JSON document (`format: "json"`), and every issue; `ok` is true when one of them is there.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Document {
    /// True when `xml` or `payload` is present.
    pub ok: bool,
    /// The XML text, when the format is XML and no issue is an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xml: Option<String>,
    /// The JSON document, when the format is JSON and no issue is an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<Value>,
    /// Every issue.
    pub issues: Issues,
}

impl Document {
    /// Renders a built record in `format`.
    pub fn new(built: Built<Record>, format: Format) -> Document {
        let (xml, payload) = built
            .payload
            .map_or((None, None), |r| r.xml_or_json(format));
        Document {
            ok: xml.is_some() || payload.is_some(),
            xml,
            payload,
            issues: built.issues,
        }
    }
}

/// The result of [`parse_document`]: the root element's name and the data, or an issue.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Parsed {
    /// True when the document was read (`root` and `data` present).
    pub ok: bool,
    /// The root element (`customer`, `order`, `hash` for Rails errors …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// The document as JSON (keys with `_`, Rails types honoured, lists as arrays).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    /// The problem, naming line and column, if the document could not be read.
    pub issues: Issues,
}

/// Reads a kivitendo XML document (a request body or an API answer).
pub fn parse_document(text: &str) -> Parsed {
    match xml::to_json(text) {
        Ok((root, data)) => Parsed {
            ok: true,
            root: Some(root),
            data: Some(data),
            issues: Issues::new(),
        },
        Err(e) => {
            let mut issues = Issues::new();
            issues.error(
                "",
                "malformed_xml",
                format!("malformed XML: {e}"),
                format!(
                    "ungültiges XML in Zeile {} Spalte {}: {}",
                    e.line, e.column, e.message
                ),
            );
            Parsed {
                ok: false,
                root: None,
                data: None,
                issues,
            }
        }
    }
}

/// The fields of a record by name (for tests and callers that inspect a document).
pub fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a record::Val> {
    fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
}

/// A kivitendo document's text: the XML, or the JSON document as compact text.
pub fn document_body(doc: Document) -> crate::body::Body {
    let body = doc
        .xml
        .or_else(|| doc.payload.map(|p| Value::to_string(&p)));
    crate::body::Body::new(body, doc.issues)
}

/// The options of `options`; a `catalogue` among them adds its part ids to `productIds` (the
/// ids given there win; the catalogue's own issues are the caller's to report).
pub fn options_with_catalogue(options: &Value, issues: &mut Issues) -> Options {
    let mut o = Options::from_value(options, issues);
    if let Some(c) = crate::catalogue::from_option(options, &mut Issues::new()) {
        c.fill_product_ids(&mut o.product_ids);
    }
    o
}

/// A kivitendo document from an order on the text path.
fn order_document_body(
    order_json: &str,
    options: &Value,
    mut issues: Issues,
    build: fn(&Order, Issues, &Options) -> Built<super::record::Record>,
) -> crate::body::Body {
    let options = options_with_catalogue(options, &mut issues);
    let (order, order_issues) = Order::parse_json(order_json);
    if order_issues.iter().any(|i| i.code == "malformed_json") {
        issues.extend(order_issues);
        return crate::body::Body::new(None, issues);
    }
    issues.extend(order_issues);
    document_body(Document::new(
        build(&order, issues, &options),
        options.format,
    ))
}

/// `toKivitendoCustomerXml` on the text path: the `<customer>` document.
pub fn customer_body(order_json: &str, options: &Value, issues: Issues) -> crate::body::Body {
    order_document_body(order_json, options, issues, build_customer)
}

/// `toKivitendoOrderXml` on the text path: the `<order>` document.
pub fn order_body(order_json: &str, options: &Value, issues: Issues) -> crate::body::Body {
    order_document_body(order_json, options, issues, build_order)
}

/// `toKivitendoProductXml` / `toKivitendoCategoryXml` on the text path: the document built
/// by `build` from its JSON description.
pub fn input_body(
    input: &Value,
    options: &Value,
    mut issues: Issues,
    build: fn(&Value, &Options) -> Built<super::record::Record>,
) -> crate::body::Body {
    let options = Options::from_value(options, &mut issues);
    let built = build(input, &options);
    issues.extend(built.issues);
    document_body(Document::new(
        Built::new(built.payload, issues),
        options.format,
    ))
}
