//! One pass from JSON to [`Order`]: types, required fields, ranges and formats, every issue
//! with its path. Nothing here stops at the first problem.

use chrono::{DateTime, Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::{
    country, time, Address, Carrier, Channel, Code, Customer, CustomerType, Gender, Item, Order,
    PaymentMethod, Product, ProductKind, Shipping,
};
use crate::issue::{index, join, Issues};
use crate::money;

/// Most items an order may have.
pub const MAX_ITEMS: usize = 10_000;
/// Longest text field, in characters (notes excepted).
const MAX_TEXT: usize = 1_000;
/// Longest `notes`, in characters.
const MAX_NOTES: usize = 10_000;
/// Largest absolute quantity of a line.
const MAX_QUANTITY: i64 = 1_000_000;

/// Lower-cases and joins words (split at spaces, `-` and `_`) with `_`, so that value lists
/// match leniently: `"Credit-Card"` and `"credit card"` both fold to `credit_card`.
pub(crate) fn fold_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| c.is_whitespace() || c == '-' || c == '_') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

/// Records malformed JSON as one issue at `path`, naming line and column.
pub(crate) fn malformed_json(e: &serde_json::Error, path: &str, issues: &mut Issues) {
    let what = match e.classify() {
        serde_json::error::Category::Eof => "unexpected end of input",
        _ => "malformed JSON",
    };
    let detail = e.to_string();
    let detail = detail.split(" at line").next().unwrap_or("");
    let label = if path.is_empty() {
        String::new()
    } else {
        format!("`{path}`: ")
    };
    issues.error(
        path,
        "malformed_json",
        format!(
            "{label}{what} at line {} column {}: {detail}",
            e.line(),
            e.column()
        ),
        format!(
            "{label}ungültiges JSON in Zeile {} Spalte {}: {detail}",
            e.line(),
            e.column()
        ),
    );
}

pub(super) fn parse_json(text: &str) -> (Order, Issues) {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => from_value(&v),
        Err(e) => {
            let mut issues = Issues::new();
            malformed_json(&e, "", &mut issues);
            (Order::empty(), issues)
        }
    }
}

impl Order {
    fn empty() -> Order {
        Order {
            number: String::new(),
            invoice_id: None,
            ordered_at: None,
            invoice_date: None,
            channel: Channel::Online,
            currency: "EUR".into(),
            prices_include_tax: true,
            customer: Customer::default(),
            billing_address: Address::default(),
            shipping_address: None,
            payment: None,
            shipping: None,
            delivery_date: None,
            notes: None,
            items: Vec::new(),
        }
    }
}

/// Reads JSON fields of one object, recording problems under `path`.
struct Reader<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

const ORDER_KEYS: &[&str] = &[
    "number",
    "invoiceId",
    "orderedAt",
    "invoiceDate",
    "channel",
    "currency",
    "pricesIncludeTax",
    "customer",
    "billingAddress",
    "shippingAddress",
    "payment",
    "shipping",
    "deliveryDate",
    "notes",
    "items",
];
const CUSTOMER_KEYS: &[&str] = &[
    "id",
    "email",
    "type",
    "company",
    "gender",
    "title",
    "firstName",
    "lastName",
    "phone",
    "fax",
    "homepage",
    "vatId",
    "birthYear",
    "marketingConsent",
    "tradeNumber",
];
const ADDRESS_KEYS: &[&str] = &[
    "company",
    "name",
    "street",
    "houseNumber",
    "zip",
    "city",
    "country",
    "email",
    "phone",
    "gender",
];
const SHIPPING_KEYS: &[&str] = &["carrier", "methodName", "cost", "taxRate"];
const ITEM_KEYS: &[&str] = &[
    "sku",
    "name",
    "quantity",
    "unitPrice",
    "discount",
    "discountPercent",
    "taxRate",
    "unit",
    "weightGrams",
    "isbn",
    "product",
];
const PRODUCT_KEYS: &[&str] = &[
    "kind",
    "bottles",
    "bottleSizeMl",
    "organic",
    "quality",
    "grapes",
    "wineType",
    "taste",
    "vdp",
];

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            let del = prev[j + 1] + 1;
            let ins = cur[j] + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

impl<'a> Reader<'a> {
    /// A reader over `value` if it is an object; otherwise records the problem.
    fn object(
        value: Option<&'a Value>,
        path: String,
        required: bool,
        issues: &mut Issues,
    ) -> Option<Self> {
        match value {
            Some(Value::Object(map)) => Some(Reader { map, path }),
            None | Some(Value::Null) => {
                if required {
                    issues.error(
                        &path,
                        "missing_field",
                        format!("`{path}` is required: add an object here"),
                        format!("`{path}` fehlt: bitte ein Objekt angeben"),
                    );
                }
                None
            }
            Some(other) => {
                issues.error(
                    &path,
                    "invalid_type",
                    format!("`{path}` must be an object, not {}", type_name(other)),
                    format!("`{path}` muss ein Objekt sein"),
                );
                None
            }
        }
    }

    fn p(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// Warns about keys the contract does not know, suggesting the nearest known key.
    fn unknown_keys(&self, allowed: &[&str], issues: &mut Issues) {
        for key in self.map.keys() {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let near = allowed
                .iter()
                .map(|k| (edit_distance(&key.to_lowercase(), &k.to_lowercase()), *k))
                .filter(|(d, _)| *d <= 2)
                .min_by_key(|(d, _)| *d);
            let path = self.p(key);
            let (en, de) = match near {
                Some((_, k)) => (
                    format!("unknown field `{key}` is ignored; did you mean `{k}`?"),
                    format!("unbekanntes Feld `{key}` wird ignoriert; gemeint ist wohl `{k}`"),
                ),
                None => (
                    format!("unknown field `{key}` is ignored"),
                    format!("unbekanntes Feld `{key}` wird ignoriert"),
                ),
            };
            issues.warning(&path, "unknown_field", en, de);
        }
    }

    /// The value at `key`, `None` when absent or null.
    fn get(&self, key: &str) -> Option<&'a Value> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn missing(&self, key: &str, hint: &str, issues: &mut Issues) {
        let path = self.p(key);
        issues.error(
            &path,
            "missing_field",
            format!("`{path}` is required: {hint}"),
            format!("Pflichtfeld `{path}` fehlt"),
        );
    }

    fn wrong_type(&self, key: &str, expected: &str, got: &Value, issues: &mut Issues) {
        let path = self.p(key);
        issues.error(
            &path,
            "invalid_type",
            format!("`{path}` must be {expected}, not {}", type_name(got)),
            format!("`{path}` hat den falschen Typ (erwartet: {expected})"),
        );
    }

    /// Optional text: trimmed; empty means absent (kontor never sends `""`).
    fn opt_str(&self, key: &str, max: usize, issues: &mut Issues) -> Option<String> {
        let v = self.get(key)?;
        let s = match v {
            Value::String(s) => s.trim(),
            Value::Number(n) => return Some(n.to_string()),
            other => {
                self.wrong_type(key, "a string", other, issues);
                return None;
            }
        };
        if s.is_empty() {
            return None;
        }
        let len = s.chars().count();
        if len > max {
            let path = self.p(key);
            issues.error(
                &path,
                "too_long",
                format!("`{path}` has {len} characters; at most {max} are allowed"),
                format!("`{path}` hat {len} Zeichen; erlaubt sind höchstens {max}"),
            );
            return None;
        }
        if s.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
        {
            let path = self.p(key);
            issues.error(
                &path,
                "control_character",
                format!("`{path}` contains control characters; remove them"),
                format!("`{path}` enthält Steuerzeichen; bitte entfernen"),
            );
            return None;
        }
        Some(s.to_owned())
    }

    /// Required text.
    fn req_str(&self, key: &str, max: usize, hint: &str, issues: &mut Issues) -> String {
        let present = self.get(key).is_some();
        match self.opt_str(key, max, issues) {
            Some(s) => s,
            None => {
                let typed_ok = matches!(self.get(key), None | Some(Value::String(_)));
                if !present
                    || typed_ok
                        && self
                            .get(key)
                            .and_then(Value::as_str)
                            .is_some_and(|s| s.trim().is_empty())
                {
                    self.missing(key, hint, issues);
                }
                String::new()
            }
        }
    }

    fn opt_bool(&self, key: &str, issues: &mut Issues) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            other => {
                self.wrong_type(key, "true or false", other, issues);
                None
            }
        }
    }

    /// An integer in `min..=max`; integral JSON numbers and digit strings are accepted.
    fn opt_int(&self, key: &str, min: i64, max: i64, issues: &mut Issues) -> Option<i64> {
        let v = self.get(key)?;
        let n = match v {
            Value::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            }),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            other => {
                self.wrong_type(key, "a whole number", other, issues);
                return None;
            }
        };
        let path = self.p(key);
        match n {
            Some(n) if (min..=max).contains(&n) => Some(n),
            Some(n) => {
                issues.error(
                    &path,
                    "out_of_range",
                    format!("`{path}` is {n}; it must be between {min} and {max}"),
                    format!("`{path}` ist {n}; erlaubt ist {min} bis {max}"),
                );
                None
            }
            None => {
                let shown = short(v);
                issues.error(
                    &path,
                    "invalid_number",
                    format!("`{path}` must be a whole number between {min} and {max}, not {shown}"),
                    format!("`{path}` muss eine ganze Zahl zwischen {min} und {max} sein, nicht {shown}"),
                );
                None
            }
        }
    }

    /// An exact amount in `min..=max`.
    fn opt_amount(
        &self,
        key: &str,
        min: Decimal,
        max: Decimal,
        issues: &mut Issues,
    ) -> Option<Decimal> {
        let v = self.get(key)?;
        let path = self.p(key);
        match money::from_json(v) {
            Ok(d) if d >= min && d <= max => Some(d),
            Ok(d) => {
                issues.error(
                    &path,
                    "out_of_range",
                    format!("`{path}` is {d}; it must be between {min} and {max}"),
                    format!("`{path}` ist {d}; erlaubt ist {min} bis {max}"),
                );
                None
            }
            Err(money::AmountError::OutOfRange(s)) => {
                issues.error(
                    &path,
                    "out_of_range",
                    format!("`{path}` ({s}) is out of range; it must be between {min} and {max}"),
                    format!("`{path}` ({s}) liegt außerhalb von {min} bis {max}"),
                );
                None
            }
            Err(e) => {
                issues.error(
                    &path,
                    "invalid_amount",
                    format!("`{path}`: {e}"),
                    format!(
                        "`{path}` ist kein Betrag; bitte als Zahl oder Text wie \"7.50\" angeben"
                    ),
                );
                None
            }
        }
    }

    fn opt_date(&self, key: &str, issues: &mut Issues) -> Option<NaiveDate> {
        let s = self.opt_str(key, 40, issues)?;
        match time::parse_date(&s) {
            Some(d) => Some(d),
            None => {
                let path = self.p(key);
                issues.error(
                    &path,
                    "invalid_date",
                    format!("`{path}` is {s:?}; write a date as YYYY-MM-DD, e.g. 2024-04-04"),
                    format!(
                        "`{path}` ist {s:?}; Datum bitte als JJJJ-MM-TT angeben, z. B. 2024-04-04"
                    ),
                );
                None
            }
        }
    }

    fn opt_gender(&self, key: &str, issues: &mut Issues) -> Option<Gender> {
        let s = self.opt_str(key, 20, issues)?;
        let g = Gender::parse(&s);
        if g.is_none() {
            let path = self.p(key);
            issues.error(
                &path,
                "invalid_gender",
                format!("`{path}` is {s:?}; use \"m\", \"f\" or \"x\""),
                format!("`{path}` ist {s:?}; erlaubt sind \"m\", \"f\" oder \"x\""),
            );
        }
        g
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 30 {
        format!("{}…", s.chars().take(30).collect::<String>())
    } else {
        s
    }
}

pub(super) fn from_value(value: &Value) -> (Order, Issues) {
    let mut issues = Issues::new();
    let mut order = Order::empty();
    let Some(r) = Reader::object(Some(value), String::new(), true, &mut issues) else {
        return (order, issues);
    };
    r.unknown_keys(ORDER_KEYS, &mut issues);

    order.number = r.req_str(
        "number",
        64,
        "the shop's order number, e.g. \"10023\"",
        &mut issues,
    );
    order.invoice_id = r
        .opt_int("invoiceId", 1, 9_007_199_254_740_991, &mut issues)
        .map(|n| n as u64);

    match r.opt_str("orderedAt", 64, &mut issues) {
        Some(s) => match DateTime::parse_from_rfc3339(&s) {
            Ok(t) => order.ordered_at = Some(t),
            Err(_) => issues.error(
                "orderedAt",
                "invalid_datetime",
                format!("`orderedAt` is {s:?}; write an RFC 3339 time such as 2024-04-04T09:06:27Z"),
                format!("`orderedAt` ist {s:?}; bitte als RFC-3339-Zeit angeben, z. B. 2024-04-04T09:06:27Z"),
            ),
        },
        None => {
            if r.get("orderedAt").is_none() {
                r.missing("orderedAt", "an RFC 3339 time such as 2024-04-04T09:06:27Z", &mut issues);
            }
        }
    }
    order.invoice_date = r
        .opt_date("invoiceDate", &mut issues)
        .or_else(|| order.ordered_at.as_ref().map(time::berlin_date));

    if let Some(c) = r.opt_str("channel", 100, &mut issues) {
        order.channel = Channel::parse(&c);
    }
    if let Some(c) = r.opt_str("currency", 10, &mut issues) {
        if c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()) {
            order.currency = c.to_ascii_uppercase();
        } else {
            issues.error(
                "currency",
                "invalid_currency",
                format!("`currency` is {c:?}; use an ISO 4217 code such as \"EUR\""),
                format!("`currency` ist {c:?}; bitte einen ISO-4217-Code wie \"EUR\" angeben"),
            );
        }
    }
    if let Some(b) = r.opt_bool("pricesIncludeTax", &mut issues) {
        order.prices_include_tax = b;
    }

    let order_year = order.ordered_at.map(|t| t.year()).unwrap_or(2100);
    if let Some(c) = Reader::object(r.get("customer"), "customer".into(), true, &mut issues) {
        order.customer = read_customer(&c, order_year, &mut issues);
    }
    if let Some(a) = Reader::object(
        r.get("billingAddress"),
        "billingAddress".into(),
        true,
        &mut issues,
    ) {
        order.billing_address = read_address(&a, &mut issues);
    }
    if let Some(a) = Reader::object(
        r.get("shippingAddress"),
        "shippingAddress".into(),
        false,
        &mut issues,
    ) {
        order.shipping_address = Some(read_address(&a, &mut issues));
    }
    if let Some(p) = Reader::object(r.get("payment"), "payment".into(), false, &mut issues) {
        p.unknown_keys(&["method"], &mut issues);
        order.payment = Some(PaymentMethod::parse(&p.req_str(
            "method",
            100,
            "cash, paypal, invoice, advance, credit_card, sepa or free text",
            &mut issues,
        )));
    }
    if let Some(s) = Reader::object(r.get("shipping"), "shipping".into(), false, &mut issues) {
        s.unknown_keys(SHIPPING_KEYS, &mut issues);
        order.shipping = Some(Shipping {
            carrier: s
                .opt_str("carrier", 100, &mut issues)
                .map(|c| Carrier::parse(&c)),
            method_name: s.opt_str("methodName", 200, &mut issues),
            cost: s.opt_amount("cost", Decimal::ZERO, money::max_amount(), &mut issues),
            tax_rate: s.opt_amount("taxRate", Decimal::ZERO, Decimal::ONE_HUNDRED, &mut issues),
        });
    }
    order.delivery_date = r.opt_date("deliveryDate", &mut issues);
    order.notes = r.opt_str("notes", MAX_NOTES, &mut issues);

    match r.get("items") {
        Some(Value::Array(items)) => {
            if items.is_empty() {
                issues.error(
                    "items",
                    "no_items",
                    "the order has no items: add at least one line",
                    "die Bestellung hat keine Positionen: mindestens eine angeben",
                );
            }
            if items.len() > MAX_ITEMS {
                issues.error(
                    "items",
                    "too_many_items",
                    format!("the order has {} items; at most {MAX_ITEMS} are allowed: split it", items.len()),
                    format!("die Bestellung hat {} Positionen; höchstens {MAX_ITEMS} sind erlaubt: bitte aufteilen", items.len()),
                );
            }
            for (i, v) in items.iter().enumerate().take(MAX_ITEMS) {
                let path = index("items", i);
                if let Some(ir) = Reader::object(Some(v), path, true, &mut issues) {
                    order.items.push(read_item(&ir, &mut issues));
                }
            }
        }
        None => r.missing("items", "an array of order lines", &mut issues),
        Some(other) => r.wrong_type("items", "an array", other, &mut issues),
    }
    (order, issues)
}

fn read_customer(r: &Reader<'_>, order_year: i32, issues: &mut Issues) -> Customer {
    r.unknown_keys(CUSTOMER_KEYS, issues);
    let email = r.opt_str("email", 254, issues);
    if let Some(e) = &email {
        check_email(&r.p("email"), e, issues);
    }
    Customer {
        id: r.opt_str("id", 200, issues),
        email,
        customer_type: r
            .opt_str("type", 100, issues)
            .map(|t| CustomerType::parse(&t)),
        company: r.opt_str("company", MAX_TEXT, issues),
        gender: r.opt_gender("gender", issues),
        title: r.opt_str("title", 100, issues),
        first_name: r.opt_str("firstName", MAX_TEXT, issues),
        last_name: r.opt_str("lastName", MAX_TEXT, issues),
        phone: r.opt_str("phone", 100, issues),
        fax: r.opt_str("fax", 100, issues),
        homepage: r.opt_str("homepage", MAX_TEXT, issues),
        vat_id: r.opt_str("vatId", 40, issues),
        birth_year: r
            .opt_int("birthYear", 1900, i64::from(order_year.min(2100)), issues)
            .map(|y| y as i32),
        marketing_consent: r.opt_bool("marketingConsent", issues),
        trade_number: r
            .opt_int("tradeNumber", 0, 9_999_999_999, issues)
            .map(|n| n as u64),
    }
}

fn check_email(path: &str, e: &str, issues: &mut Issues) {
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.contains(char::is_whitespace)
        }
        None => false,
    };
    if !ok {
        issues.warning(
            path,
            "invalid_email",
            format!("`{path}` ({e:?}) does not look like an e-mail address"),
            format!("`{path}` ({e:?}) sieht nicht wie eine E-Mail-Adresse aus"),
        );
    }
}

fn read_address(r: &Reader<'_>, issues: &mut Issues) -> Address {
    r.unknown_keys(ADDRESS_KEYS, issues);
    let country_raw = r.req_str(
        "country",
        100,
        "an ISO 3166-1 alpha-2 code such as \"DE\", or a name such as \"Deutschland\"",
        issues,
    );
    let (country, country_known) = match country::normalize_country(&country_raw) {
        Some(code) => (code.to_owned(), true),
        None => {
            if !country_raw.is_empty() {
                let path = r.p("country");
                issues.warning(
                    &path,
                    "unknown_country",
                    format!("`{path}` ({country_raw:?}) is no known country; it is passed on as given. Use an ISO code such as \"DE\""),
                    format!("`{path}` ({country_raw:?}) ist kein bekanntes Land und wird unverändert übernommen. Bitte einen ISO-Code wie \"DE\" angeben"),
                );
            }
            (country_raw, false)
        }
    };
    let zip = r.req_str("zip", 20, "the postal code, e.g. \"10115\"", issues);
    if country == "DE"
        && !zip.is_empty()
        && !(zip.len() == 5 && zip.bytes().all(|b| b.is_ascii_digit()))
    {
        let path = r.p("zip");
        issues.warning(
            &path,
            "invalid_zip",
            format!("`{path}` ({zip:?}) is not a German postal code of five digits"),
            format!("`{path}` ({zip:?}) ist keine fünfstellige deutsche Postleitzahl"),
        );
    }
    let email = r.opt_str("email", 254, issues);
    if let Some(e) = &email {
        check_email(&r.p("email"), e, issues);
    }
    Address {
        company: r.opt_str("company", MAX_TEXT, issues),
        name: r.opt_str("name", MAX_TEXT, issues),
        street: r.req_str(
            "street",
            MAX_TEXT,
            "street and house number, e.g. \"Teststraße 42\"",
            issues,
        ),
        house_number: r.opt_str("houseNumber", 20, issues),
        zip,
        city: r.req_str("city", MAX_TEXT, "the city, e.g. \"Berlin\"", issues),
        country,
        country_known,
        email,
        phone: r.opt_str("phone", 100, issues),
        gender: r.opt_gender("gender", issues),
    }
}

fn read_item(r: &Reader<'_>, issues: &mut Issues) -> Item {
    r.unknown_keys(ITEM_KEYS, issues);
    let mut item = Item {
        sku: r.req_str("sku", 100, "the article number, e.g. \"127/4\"", issues),
        name: r.opt_str("name", MAX_TEXT, issues),
        ..Item::default()
    };
    match r.opt_int("quantity", -MAX_QUANTITY, MAX_QUANTITY, issues) {
        Some(0) => {
            let path = r.p("quantity");
            issues.error(
                &path,
                "zero_quantity",
                format!("`{path}` is 0: remove the line, or give a positive quantity (negative for a return)"),
                format!("`{path}` ist 0: Position entfernen oder Menge angeben (negativ für eine Retoure)"),
            );
        }
        Some(q) => item.quantity = q,
        None => {
            if r.get("quantity").is_none() {
                r.missing(
                    "quantity",
                    "the number of units, negative for a return",
                    issues,
                );
            }
        }
    }
    let max = money::max_amount();
    match r.opt_amount("unitPrice", Decimal::ZERO, max, issues) {
        Some(p) => item.unit_price = p,
        None => {
            if r.get("unitPrice").is_none() {
                r.missing(
                    "unitPrice",
                    "the price of one unit before discount, e.g. 7.50",
                    issues,
                );
            }
        }
    }
    match r.opt_amount("taxRate", Decimal::ZERO, Decimal::ONE_HUNDRED, issues) {
        Some(t) => item.tax_rate = t,
        None => {
            if r.get("taxRate").is_none() {
                r.missing("taxRate", "the VAT rate in percent, e.g. 19", issues);
            }
        }
    }
    item.discount = r.opt_amount("discount", Decimal::ZERO, max, issues);
    item.discount_percent = r.opt_amount(
        "discountPercent",
        Decimal::ZERO,
        Decimal::ONE_HUNDRED,
        issues,
    );
    if item.discount.is_some() && item.discount_percent.is_some() {
        let path = r.p("discount");
        issues.error(
            &path,
            "conflicting_discount",
            format!("`{path}` and `discountPercent` are both given: keep one"),
            format!("`{path}` und `discountPercent` sind beide angegeben: nur eines verwenden"),
        );
    }
    if let Some(d) = item.discount {
        if d > item.unit_price && r.get("unitPrice").is_some() {
            let path = r.p("discount");
            issues.error(
                &path,
                "discount_exceeds_price",
                format!(
                    "`{path}` ({d}) is larger than the unit price ({})",
                    item.unit_price
                ),
                format!(
                    "`{path}` ({d}) ist größer als der Einzelpreis ({})",
                    item.unit_price
                ),
            );
        }
    }
    item.unit = r.opt_str("unit", 50, issues);
    item.weight_grams = r
        .opt_int("weightGrams", 0, 10_000_000, issues)
        .map(|w| w as u64);
    item.isbn = r.opt_str("isbn", 40, issues);
    if let Some(pr) = Reader::object(r.get("product"), r.p("product"), false, issues) {
        item.product = read_product(&pr, issues);
    }
    item
}

fn read_code(v: &Value, path: &str, issues: &mut Issues) -> Option<Code> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Some(Code::Number(i)),
            None => {
                issues.error(
                    path,
                    "invalid_code",
                    format!("`{path}` must be a whole number or a name"),
                    format!("`{path}` muss eine ganze Zahl oder ein Name sein"),
                );
                None
            }
        },
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) if s.chars().count() > 100 => {
            issues.error(
                path,
                "too_long",
                format!("`{path}` is longer than 100 characters"),
                format!("`{path}` ist länger als 100 Zeichen"),
            );
            None
        }
        Value::String(s) => Some(Code::Text(s.trim().to_owned())),
        Value::Null => None,
        other => {
            issues.error(
                path,
                "invalid_type",
                format!(
                    "`{path}` must be a number or a string, not {}",
                    type_name(other)
                ),
                format!("`{path}` muss eine Zahl oder ein Text sein"),
            );
            None
        }
    }
}

fn read_product(r: &Reader<'_>, issues: &mut Issues) -> Option<Product> {
    r.unknown_keys(PRODUCT_KEYS, issues);
    let kind_text = r.req_str(
        "kind",
        50,
        &format!("one of {}", ProductKind::NAMES.join(", ")),
        issues,
    );
    let kind = ProductKind::parse(&kind_text);
    if kind.is_none() && !kind_text.is_empty() {
        let path = r.p("kind");
        issues.error(
            &path,
            "unknown_product_kind",
            format!(
                "`{path}` is {kind_text:?}; use one of {}",
                ProductKind::NAMES.join(", ")
            ),
            format!(
                "`{path}` ist {kind_text:?}; erlaubt: {}",
                ProductKind::NAMES.join(", ")
            ),
        );
    }
    let bottles = r.opt_int("bottles", 1, 10_000, issues).unwrap_or(1) as u32;
    let bottle_size_ml = r
        .opt_int("bottleSizeMl", 1, 1_000_000, issues)
        .map(|n| n as u32);
    let organic = r.opt_bool("organic", issues);
    let quality = r
        .get("quality")
        .and_then(|v| read_code(v, &r.p("quality"), issues));
    let mut grapes = Vec::new();
    match r.get("grapes") {
        None => {}
        Some(Value::Array(list)) => {
            for (i, g) in list.iter().enumerate().take(100) {
                let path = index(&r.p("grapes"), i);
                if let Some(c) = read_code(g, &path, issues) {
                    grapes.push(c);
                }
            }
            if list.len() > 100 {
                let path = r.p("grapes");
                issues.error(
                    &path,
                    "too_many_grapes",
                    "more than 100 grape varieties",
                    "mehr als 100 Rebsorten",
                );
            }
        }
        Some(other) => r.wrong_type(
            "grapes",
            "an array of names or variety numbers",
            other,
            issues,
        ),
    }
    let wine_type = r.opt_str("wineType", 100, issues);
    let taste = r.opt_str("taste", 100, issues);
    let vdp = r.get("vdp").and_then(|v| read_code(v, &r.p("vdp"), issues));
    Some(Product {
        kind: kind.unwrap_or(ProductKind::Other),
        bottles,
        bottle_size_ml,
        organic,
        quality,
        grapes,
        wine_type,
        taste,
        vdp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(issues: &Issues) -> Vec<(String, String)> {
        issues
            .iter()
            .map(|i| (i.path.clone(), i.code.clone()))
            .collect()
    }

    #[test]
    fn fold_key_normalises_case_space_and_dashes() {
        assert_eq!(fold_key("  Credit-Card "), "credit_card");
        assert_eq!(fold_key("SEPA  Lastschrift"), "sepa_lastschrift");
        assert_eq!(fold_key("Blanc de Noir"), "blanc_de_noir");
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let (_, issues) = parse_json("{\n  \"number\": \"1\",\n  oops\n}");
        assert_eq!(issues.len(), 1);
        let i = &issues.as_slice()[0];
        assert_eq!(i.code, "malformed_json");
        assert!(i.message.contains("line 3 column 3"), "{}", i.message);
    }

    #[test]
    fn every_missing_field_is_reported_with_its_path() {
        let (_, issues) = from_value(&json!({"items": [{}], "billingAddress": {}}));
        let got = codes(&issues);
        for path in [
            "number",
            "orderedAt",
            "customer",
            "billingAddress.street",
            "billingAddress.zip",
            "billingAddress.city",
            "billingAddress.country",
            "items[0].sku",
            "items[0].quantity",
            "items[0].unitPrice",
            "items[0].taxRate",
        ] {
            assert!(
                got.contains(&(path.into(), "missing_field".into())),
                "{path} missing in {got:?}"
            );
        }
    }

    #[test]
    fn wrong_types_are_errors_not_panics() {
        let (_, issues) = from_value(
            &json!({"number": [], "items": "x", "customer": 3, "pricesIncludeTax": "yes"}),
        );
        let got = codes(&issues);
        assert!(got.contains(&("number".into(), "invalid_type".into())));
        assert!(got.contains(&("items".into(), "invalid_type".into())));
        assert!(got.contains(&("customer".into(), "invalid_type".into())));
        assert!(got.contains(&("pricesIncludeTax".into(), "invalid_type".into())));
    }

    #[test]
    fn unknown_keys_are_warned_with_a_suggestion() {
        let (_, issues) = from_value(&json!({"numbr": "1"}));
        let w = issues.iter().find(|i| i.code == "unknown_field").unwrap();
        assert_eq!(w.path, "numbr");
        assert!(w.message.contains("`number`"));
    }

    #[test]
    fn absurd_quantities_are_out_of_range() {
        let (_, issues) = from_value(
            &json!({"items": [{"quantity": 1e308}, {"quantity": 2.5}, {"quantity": 0}]}),
        );
        let got = codes(&issues);
        assert!(
            got.contains(&("items[0].quantity".into(), "invalid_number".into())),
            "{got:?}"
        );
        assert!(got.contains(&("items[1].quantity".into(), "invalid_number".into())));
        assert!(got.contains(&("items[2].quantity".into(), "zero_quantity".into())));
    }

    #[test]
    fn empty_optional_strings_count_as_absent() {
        let (order, _) = from_value(&json!({"customer": {"email": "  ", "company": ""}}));
        assert_eq!(order.customer.email, None);
        assert_eq!(order.customer.company, None);
    }
}
