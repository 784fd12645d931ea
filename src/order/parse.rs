//! One pass from JSON to [`Order`]: types, required fields, ranges and formats, every issue
//! with its path. Nothing here stops at the first problem.

use crate::decimal::Decimal;
use std::borrow::Cow;

use super::{
    country, time, Address, Carrier, Channel, Code, Customer, CustomerType, Gender, Item, Order,
    PaymentMethod, Product, ProductKind, Shipping,
};
use crate::issue::{Issues, Path};
use crate::json::{self, Json};
use crate::money;

/// Most items an order may have.
pub const MAX_ITEMS: usize = 10_000;
/// Longest text field, in characters (notes excepted).
const MAX_TEXT: usize = 1_000;
/// Longest `notes`, in characters.
const MAX_NOTES: usize = 10_000;
/// Largest absolute quantity of a line.
const MAX_QUANTITY: i64 = 1_000_000;

/// Lower-cases and joins words (split at spaces, `-` and `_`) with `_` into a stack buffer,
/// so that value lists match leniently: `"Credit-Card"` and `"credit card"` both fold to
/// `credit_card`. `None` when the result does not fit (no listed value is that long).
pub fn fold_key_into<'b>(s: &str, buf: &'b mut [u8; 48]) -> Option<&'b str> {
    let mut n = 0;
    let mut pending_sep = false;
    for c in crate::text::chars(s) {
        // ASCII (almost every value) without the Unicode tables: `char::is_whitespace` is
        // U+0009–U+000D and the space there.
        let sep = if c.is_ascii() {
            matches!(c, ' ' | '\t'..='\r' | '-' | '_')
        } else {
            c.is_whitespace()
        };
        if sep {
            pending_sep = n > 0;
            continue;
        }
        if pending_sep {
            *buf.get_mut(n)? = b'_';
            n += 1;
            pending_sep = false;
        }
        if c.is_ascii() {
            *buf.get_mut(n)? = (c as u8).to_ascii_lowercase();
            n += 1;
        } else {
            let mut tmp = [0u8; 4];
            let bytes = crate::text::lower_char(c).encode_utf8(&mut tmp).as_bytes();
            buf.get_mut(n..n + bytes.len())?.copy_from_slice(bytes);
            n += bytes.len();
        }
    }
    std::str::from_utf8(buf.get(..n)?).ok()
}

/// True when `s` has a control character (Unicode `Cc`: U+0000–U+001F, U+007F, U+0080–U+009F)
/// other than tab, line feed and carriage return; by bytes (C1 controls are `C2 80`–`C2 9F` in
/// UTF-8), without decoding characters.
fn has_control(s: &str) -> bool {
    let b = s.as_bytes();
    // One branch-free pass finds the bytes that could start one (almost never there).
    if !b.iter().fold(false, |seen, &x| {
        seen | (x < 0x20) | (x == 0x7F) | (x == 0xC2)
    }) {
        return false;
    }
    b.iter().enumerate().any(|(i, &x)| {
        (x < 0x20 && !matches!(x, b'\t' | b'\n' | b'\r'))
            || x == 0x7F
            || (x == 0xC2 && b.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)))
    })
}

/// Records malformed JSON as one issue at `path`, naming line and column.
pub fn malformed_json(e: &serde_json::Error, path: &str, issues: &mut Issues) {
    let what = match e.classify() {
        serde_json::error::Category::Eof => "unexpected end of input",
        _ => "malformed JSON",
    };
    let detail = e.to_string();
    let detail = detail.split(" at line").next().unwrap_or("");
    issues.error(
        path,
        "malformed_json",
        format!(
            "{what} at line {} column {}: {detail}",
            e.line(),
            e.column()
        ),
        format!(
            "ungültiges JSON in Zeile {} Spalte {}: {detail}",
            e.line(),
            e.column()
        ),
    );
}

pub(super) fn parse_json(text: &str) -> (Order, Issues) {
    let mut issues = Issues::new();
    if !crate::limits::fits(text.len(), "", &mut issues) {
        return (Order::empty(), issues);
    }
    match json::parse(text) {
        Ok(doc) => from_json(&doc),
        Err(e) => {
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
struct Reader<'j, 'p> {
    doc: &'j json::Doc<'j>,
    pairs: &'j [(Cow<'j, str>, Json<'j>)],
    path: Path<'p>,
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
/// An address's keys; the first seven say where it is ([`ADDRESS_PLACE_KEYS`]).
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

/// The keys of an address that say where it is (e-mail, phone and gender aside).
pub const ADDRESS_PLACE_KEYS: &[&str] = ADDRESS_KEYS.split_at(7).0;
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
const PRODUCT_KIND_HINT: &str =
    "one of wine, sparkling, semi_sparkling, alcohol_free_wine, open_wine, book, other";

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// Records a missing required value.
fn missing(path: Path<'_>, hint: &str, issues: &mut Issues) {
    issues.error(
        path,
        "missing_field",
        format!("required: {hint}"),
        "Pflichtfeld fehlt".to_owned(),
    );
}

fn wrong_type(path: Path<'_>, expected: &str, got: &Json<'_>, issues: &mut Issues) {
    issues.error(
        path,
        "invalid_type",
        format!("must be {expected}, not {}", got.type_name()),
        format!("falscher Typ (erwartet: {expected})"),
    );
}

impl<'j, 'p> Reader<'j, 'p> {
    /// A reader over `value` if it is an object; otherwise records the problem.
    fn object(
        doc: &'j json::Doc<'j>,
        value: Option<&'j Json<'j>>,
        path: Path<'p>,
        required: bool,
        issues: &mut Issues,
    ) -> Option<Self> {
        match value {
            Some(v @ Json::Object(_)) => Some(Reader {
                doc,
                pairs: doc.pairs(v),
                path,
            }),
            None | Some(Json::Null) if path != Path::Root => {
                if required {
                    issues.error(
                        path,
                        "missing_field",
                        "required: add an object here",
                        "fehlt: bitte ein Objekt angeben",
                    );
                }
                None
            }
            other => {
                let other = other.unwrap_or(&Json::Null);
                let (en, de) = if matches!(path, Path::Root) {
                    (
                        "the order must be an object",
                        "die Bestellung muss ein Objekt sein",
                    )
                } else {
                    ("must be an object", "muss ein Objekt sein")
                };
                issues.error(
                    path,
                    "invalid_type",
                    format!("{en}, not {}", other.type_name()),
                    de,
                );
                None
            }
        }
    }

    /// Warns about keys the contract does not know, suggesting the nearest known key.
    fn unknown_keys(&self, allowed: &[&str], issues: &mut Issues) {
        for (key, _) in self.pairs {
            if allowed.iter().any(|a| crate::json::same_key(a, key)) {
                continue;
            }
            // The collector is full (`too_many_issues` is there): no more suggestions to make.
            if issues.len() > crate::issue::MAX_ISSUES {
                return;
            }
            // The distance is at least the difference in length: only keys of about the
            // same length are compared, so a 40,000-character key costs no more than a
            // short one.
            let len = key.chars().count();
            let near = if len > 64 {
                None
            } else {
                let lower = crate::text::lower(key);
                allowed
                    .iter()
                    .filter(|k| k.len().abs_diff(len) <= 2)
                    .map(|k| (edit_distance(&lower, &crate::text::lower(k)), *k))
                    .filter(|(d, _)| *d <= 2)
                    .min_by_key(|(d, _)| *d)
            };
            let path = self.path.key(key);
            let (en, de) = match near {
                Some((_, k)) => (
                    format!("unknown field, ignored; did you mean {k}?"),
                    format!("unbekanntes Feld, wird ignoriert; gemeint ist wohl {k}"),
                ),
                None => (
                    "unknown field, ignored".to_owned(),
                    "unbekanntes Feld, wird ignoriert".to_owned(),
                ),
            };
            issues.warning(path, "unknown_field", en, de);
        }
    }

    /// The value at `key`, `None` when absent or null.
    #[inline(always)]
    fn get(&self, key: &str) -> Option<&'j Json<'j>> {
        crate::json::member(self.pairs, key).filter(|v| !v.is_null())
    }

    /// Optional text: trimmed; empty means absent (kontor never sends `""`).
    fn opt_str(&self, key: &str, max: usize, issues: &mut Issues) -> Option<String> {
        self.opt_text(key, max, issues).map(Cow::into_owned)
    }

    /// [`Reader::opt_str`] borrowed from the input, for a text that is only looked at.
    fn opt_text(&self, key: &str, max: usize, issues: &mut Issues) -> Option<Cow<'j, str>> {
        let s: &'j str = match self.get(key)? {
            Json::Str(s) => crate::text::trim(s),
            Json::Int(i) => return Some(Cow::Owned(i.to_string())),
            Json::UInt(u) => return Some(Cow::Owned(u.to_string())),
            other => {
                wrong_type(self.path.key(key), "a string", other, issues);
                return None;
            }
        };
        if s.is_empty() {
            return None;
        }
        if s.len() > max {
            let len = s.chars().count();
            if len > max {
                let path = self.path.key(key);
                issues.error(
                    path,
                    "too_long",
                    format!("{len} characters; at most {max} are allowed"),
                    format!("{len} Zeichen; erlaubt sind höchstens {max}"),
                );
                return None;
            }
        }
        if has_control(s) {
            let path = self.path.key(key);
            issues.error(
                path,
                "control_character",
                "contains control characters; remove them",
                "enthält Steuerzeichen; bitte entfernen",
            );
            return None;
        }
        Some(Cow::Borrowed(s))
    }

    /// Required text: absent, `null` or blank is `missing_field`.
    fn req_str(&self, key: &str, max: usize, hint: &str, issues: &mut Issues) -> String {
        self.req_text(key, max, hint, issues).into_owned()
    }

    /// [`Reader::req_str`] borrowed from the input, for a text that is only looked at.
    fn req_text(&self, key: &str, max: usize, hint: &str, issues: &mut Issues) -> Cow<'j, str> {
        match self.opt_text(key, max, issues) {
            Some(s) => s,
            None => {
                let blank = match self.get(key) {
                    None => true,
                    Some(Json::Str(s)) => crate::text::trim(s).is_empty(),
                    Some(_) => false,
                };
                if blank {
                    missing(self.path.key(key), hint, issues);
                }
                Cow::Borrowed("")
            }
        }
    }

    fn opt_bool(&self, key: &str, issues: &mut Issues) -> Option<bool> {
        match self.get(key)? {
            Json::Bool(b) => Some(*b),
            other => {
                wrong_type(self.path.key(key), "true or false", other, issues);
                None
            }
        }
    }

    /// An integer in `min..=max`; integral JSON numbers and digit strings are accepted.
    fn opt_int(&self, key: &str, min: i64, max: i64, issues: &mut Issues) -> Option<i64> {
        let v = self.get(key)?;
        let n = match v {
            Json::Int(i) => Some(*i),
            Json::UInt(_) => None,
            Json::Float(f) => Some(*f)
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64),
            Json::Str(s) => crate::text::trim(s).parse::<i64>().ok(),
            other => {
                wrong_type(self.path.key(key), "a whole number", other, issues);
                return None;
            }
        };
        match n {
            Some(n) if (min..=max).contains(&n) => Some(n),
            Some(n) => {
                let path = self.path.key(key);
                issues.error(
                    path,
                    "out_of_range",
                    format!("{n} is out of range; it must be between {min} and {max}"),
                    format!("{n} liegt außerhalb des Bereichs; erlaubt ist {min} bis {max}"),
                );
                None
            }
            None => {
                let path = self.path.key(key);
                let shown = short(self.doc, v);
                issues.error(
                    path,
                    "invalid_number",
                    format!("must be a whole number between {min} and {max}, not {shown}"),
                    format!("muss eine ganze Zahl zwischen {min} und {max} sein, nicht {shown}"),
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
        match money::from_json(v) {
            Ok(d) if d >= min && d <= max => Some(d),
            Ok(d) => {
                let path = self.path.key(key);
                issues.error(
                    path,
                    "out_of_range",
                    format!("{d} is out of range; it must be between {min} and {max}"),
                    format!("{d} liegt außerhalb des Bereichs; erlaubt ist {min} bis {max}"),
                );
                None
            }
            Err(money::AmountError::OutOfRange(s)) => {
                let path = self.path.key(key);
                issues.error(
                    path,
                    "out_of_range",
                    format!("{s} is out of range; it must be between {min} and {max}"),
                    format!("{s} liegt außerhalb von {min} bis {max}"),
                );
                None
            }
            Err(e) => {
                let path = self.path.key(key);
                issues.error(
                    path,
                    "invalid_amount",
                    e.to_string(),
                    "kein Betrag; bitte als Zahl oder Text wie \"7.50\" angeben",
                );
                None
            }
        }
    }

    /// A required amount: absent is `missing_field`.
    fn req_amount(
        &self,
        key: &str,
        min: Decimal,
        max: Decimal,
        hint: &str,
        issues: &mut Issues,
    ) -> Decimal {
        match self.opt_amount(key, min, max, issues) {
            Some(d) => d,
            None => {
                if self.get(key).is_none() {
                    missing(self.path.key(key), hint, issues);
                }
                Decimal::ZERO
            }
        }
    }

    fn opt_date(&self, key: &str, issues: &mut Issues) -> Option<time::Date> {
        let s = self.opt_text(key, 40, issues)?;
        match time::parse_date(&s) {
            Some(d) => Some(d),
            None => {
                let path = self.path.key(key);
                issues.error(
                    path,
                    "invalid_date",
                    format!("{s:?} is no date; write it as YYYY-MM-DD, e.g. 2024-04-04"),
                    format!("{s:?} ist kein Datum; bitte als JJJJ-MM-TT angeben, z. B. 2024-04-04"),
                );
                None
            }
        }
    }

    fn opt_gender(&self, key: &str, issues: &mut Issues) -> Option<Gender> {
        let s = self.opt_text(key, 20, issues)?;
        let g = Gender::parse(&s);
        if g.is_none() {
            let path = self.path.key(key);
            issues.error(
                path,
                "invalid_gender",
                format!("{s:?} is not allowed; use \"m\", \"f\" or \"x\""),
                format!("{s:?} ist nicht erlaubt; erlaubt sind \"m\", \"f\" oder \"x\""),
            );
        }
        g
    }

    /// A child object reader (`None` when absent, or recorded when of the wrong type).
    fn child<'q>(
        &self,
        key: &'q str,
        path: &'q Path<'q>,
        required: bool,
        issues: &mut Issues,
    ) -> Option<Reader<'j, 'q>>
    where
        'p: 'q,
    {
        Reader::object(self.doc, self.get(key), *path, required, issues)
    }
}

fn short(doc: &json::Doc<'_>, v: &Json<'_>) -> String {
    let s = doc.show(v).to_string();
    if s.chars().count() > 30 {
        format!("{}…", s.chars().take(30).collect::<String>())
    } else {
        s
    }
}

/// Reads an order from an owned JSON value (via text; prefer [`from_json`]).
pub(super) fn from_value(value: &serde_json::Value) -> (Order, Issues) {
    let text = value.to_string();
    parse_json(&text)
}

pub(super) fn from_json(doc: &json::Doc<'_>) -> (Order, Issues) {
    let mut issues = Issues::new();
    let mut order = Order::empty();
    let root = Path::ROOT;
    let Some(r) = Reader::object(doc, Some(doc.root()), root, true, &mut issues) else {
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

    match r.opt_text("orderedAt", 64, &mut issues) {
        Some(s) => match time::Timestamp::parse_rfc3339(&s) {
            Some(t) if t.unix_seconds() < time::BERLIN_RULES_FROM => issues.error(
                "orderedAt",
                "invalid_datetime",
                format!("{s:?} is before 1950: kontor does not know Germany's calendar rules of that time"),
                format!("{s:?} liegt vor 1950: kontor kennt die deutschen Zeitregeln dieser Zeit nicht"),
            ),
            Some(t) => order.ordered_at = Some(t),
            None => issues.error(
                "orderedAt",
                "invalid_datetime",
                format!("{s:?} is no time; write an RFC 3339 time such as 2024-04-04T09:06:27Z"),
                format!("{s:?} ist keine Zeitangabe; bitte als RFC-3339-Zeit angeben, z. B. 2024-04-04T09:06:27Z"),
            ),
        },
        None => {
            if r.get("orderedAt").is_none() {
                missing(root.key("orderedAt"), "an RFC 3339 time such as 2024-04-04T09:06:27Z", &mut issues);
            }
        }
    }
    order.invoice_date = r
        .opt_date("invoiceDate", &mut issues)
        .or_else(|| order.ordered_at.as_ref().and_then(time::berlin_date));

    if let Some(c) = r.opt_text("channel", 100, &mut issues) {
        order.channel = Channel::parse(&c);
    }
    if let Some(c) = r.opt_text("currency", 10, &mut issues) {
        if c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()) {
            order.currency = c.to_ascii_uppercase();
        } else {
            issues.error(
                "currency",
                "invalid_currency",
                format!("{c:?} is no currency code; use an ISO 4217 code such as \"EUR\""),
                format!(
                    "{c:?} ist kein Währungscode; bitte einen ISO-4217-Code wie \"EUR\" angeben"
                ),
            );
        }
    }
    if let Some(b) = r.opt_bool("pricesIncludeTax", &mut issues) {
        order.prices_include_tax = b;
    }

    // A consumer is 16 to 120 years old at the order date (without one: 1900–2100).
    let born = order.ordered_at.map_or((1900, 2100), |t| {
        (i64::from(t.year()) - 120, i64::from(t.year()) - 16)
    });
    let p = root.key("customer");
    if let Some(c) = r.child("customer", &p, true, &mut issues) {
        order.customer = read_customer(&c, born, &mut issues);
    }
    let p = root.key("billingAddress");
    if let Some(a) = r.child("billingAddress", &p, true, &mut issues) {
        order.billing_address = read_address(&a, &mut issues);
    }
    let p = root.key("shippingAddress");
    if let Some(a) = r.child("shippingAddress", &p, false, &mut issues) {
        order.shipping_address = Some(read_address(&a, &mut issues));
    }
    let p = root.key("payment");
    if let Some(pr) = r.child("payment", &p, false, &mut issues) {
        pr.unknown_keys(&["method"], &mut issues);
        order.payment = Some(PaymentMethod::parse(&pr.req_text(
            "method",
            100,
            "cash, paypal, invoice, advance, credit_card, sepa or free text",
            &mut issues,
        )));
    }
    let p = root.key("shipping");
    if let Some(s) = r.child("shipping", &p, false, &mut issues) {
        s.unknown_keys(SHIPPING_KEYS, &mut issues);
        order.shipping = Some(Shipping {
            carrier: s
                .opt_text("carrier", 100, &mut issues)
                .map(|c| Carrier::parse(&c)),
            method_name: s.opt_str("methodName", 200, &mut issues),
            cost: s.opt_amount("cost", Decimal::ZERO, money::max_amount(), &mut issues),
            tax_rate: s.opt_amount("taxRate", Decimal::ZERO, Decimal::ONE_HUNDRED, &mut issues),
        });
    }
    order.delivery_date = r.opt_date("deliveryDate", &mut issues);
    order.notes = r.opt_str("notes", MAX_NOTES, &mut issues);

    let items_path = root.key("items");
    match r.get("items") {
        Some(items @ Json::Array(_)) => {
            let items = r.doc.items(items);
            if items.is_empty() {
                issues.error(
                    "items",
                    "no_items",
                    "the order has no lines: add at least one",
                    "die Bestellung hat keine Positionen: mindestens eine angeben",
                );
            }
            if items.len() > MAX_ITEMS {
                issues.error(
                    "items",
                    "too_many_items",
                    format!("the order has {} lines; at most {MAX_ITEMS} are allowed: split it", items.len()),
                    format!("die Bestellung hat {} Positionen; höchstens {MAX_ITEMS} sind erlaubt: bitte aufteilen", items.len()),
                );
            }
            order.items.reserve(items.len().min(MAX_ITEMS));
            for (i, v) in items.iter().enumerate().take(MAX_ITEMS) {
                if let Some(ir) =
                    Reader::object(r.doc, Some(v), items_path.index(i), true, &mut issues)
                {
                    order.items.push(read_item(&ir, &mut issues));
                }
            }
        }
        None => missing(items_path, "an array of order lines", &mut issues),
        Some(other) => wrong_type(items_path, "an array", other, &mut issues),
    }
    (order, issues)
}

fn read_customer(r: &Reader<'_, '_>, born: (i64, i64), issues: &mut Issues) -> Customer {
    r.unknown_keys(CUSTOMER_KEYS, issues);
    let email = r.opt_str("email", 254, issues);
    if let Some(e) = &email {
        check_email(r.path.key("email"), e, issues);
    }
    Customer {
        id: r.opt_str("id", 200, issues),
        email,
        customer_type: r
            .opt_text("type", 100, issues)
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
            .opt_int("birthYear", born.0, born.1, issues)
            .map(|y| y as i32),
        marketing_consent: r.opt_bool("marketingConsent", issues),
        trade_number: r
            .opt_int("tradeNumber", 0, 9_999_999_999, issues)
            .map(|n| n as u64),
    }
}

fn check_email(path: Path<'_>, e: &str, issues: &mut Issues) {
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
            format!("{e:?} does not look like an e-mail address"),
            format!("{e:?} sieht nicht wie eine E-Mail-Adresse aus"),
        );
    }
}

fn read_address(r: &Reader<'_, '_>, issues: &mut Issues) -> Address {
    r.unknown_keys(ADDRESS_KEYS, issues);
    let country_raw = r.req_text(
        "country",
        100,
        "an ISO 3166-1 alpha-2 code such as \"DE\", or a name such as \"Deutschland\"",
        issues,
    );
    let (country, country_known) = match country::normalize_country(&country_raw) {
        Some(code) => (code.to_owned(), true),
        None => {
            if !country_raw.is_empty() {
                let path = r.path.key("country");
                issues.warning(
                    path,
                    "unknown_country",
                    format!("{country_raw:?} is no known country; it is passed on as given. Use an ISO code such as \"DE\""),
                    format!("{country_raw:?} ist kein bekanntes Land und wird unverändert übernommen. Bitte einen ISO-Code wie \"DE\" angeben"),
                );
            }
            (country_raw.into_owned(), false)
        }
    };
    let zip = r.req_str("zip", 20, "the postal code, e.g. \"10115\"", issues);
    if country == "DE"
        && !zip.is_empty()
        && !(zip.len() == 5 && zip.bytes().all(|b| b.is_ascii_digit()))
    {
        let path = r.path.key("zip");
        issues.warning(
            path,
            "invalid_zip",
            format!("{zip:?} is not a German postal code of five digits"),
            format!("{zip:?} ist keine fünfstellige deutsche Postleitzahl"),
        );
    }
    let email = r.opt_str("email", 254, issues);
    if let Some(e) = &email {
        check_email(r.path.key("email"), e, issues);
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

fn read_item(r: &Reader<'_, '_>, issues: &mut Issues) -> Item {
    r.unknown_keys(ITEM_KEYS, issues);
    let mut item = Item {
        sku: r.req_str("sku", 100, "the article number, e.g. \"127/4\"", issues),
        name: r.opt_str("name", MAX_TEXT, issues),
        ..Item::default()
    };
    match r.opt_int("quantity", -MAX_QUANTITY, MAX_QUANTITY, issues) {
        Some(0) => {
            let path = r.path.key("quantity");
            issues.error(
                path,
                "zero_quantity",
                "is 0: remove the line, or give a positive quantity (negative for a return)",
                "ist 0: Position entfernen oder Menge angeben (negativ für eine Retoure)",
            );
        }
        Some(q) => item.quantity = q,
        None => {
            if r.get("quantity").is_none() {
                missing(
                    r.path.key("quantity"),
                    "the number of units, negative for a return",
                    issues,
                );
            }
        }
    }
    let max = money::max_amount();
    item.unit_price = r.req_amount(
        "unitPrice",
        Decimal::ZERO,
        max,
        "the price of one unit before discount, e.g. 7.50",
        issues,
    );
    item.tax_rate = r.req_amount(
        "taxRate",
        Decimal::ZERO,
        Decimal::ONE_HUNDRED,
        "the VAT rate in percent, e.g. 19",
        issues,
    );
    item.discount = r.opt_amount("discount", Decimal::ZERO, max, issues);
    item.discount_percent = r.opt_amount(
        "discountPercent",
        Decimal::ZERO,
        Decimal::ONE_HUNDRED,
        issues,
    );
    if item.discount.is_some() && item.discount_percent.is_some() {
        let path = r.path.key("discount");
        issues.error(
            path,
            "conflicting_discount",
            "given together with discountPercent: keep one",
            "zusammen mit discountPercent angegeben: nur eines verwenden",
        );
    }
    if let Some(d) = item.discount {
        if d > item.unit_price && r.get("unitPrice").is_some() {
            let path = r.path.key("discount");
            issues.error(
                path,
                "discount_exceeds_price",
                format!("{d} is larger than the unit price ({})", item.unit_price),
                format!("{d} ist größer als der Einzelpreis ({})", item.unit_price),
            );
        }
    }
    item.unit = r.opt_str("unit", 50, issues);
    item.weight_grams = r
        .opt_int("weightGrams", 0, 10_000_000, issues)
        .map(|w| w as u64);
    item.isbn = r.opt_str("isbn", 40, issues);
    let p = r.path.key("product");
    if let Some(pr) = r.child("product", &p, false, issues) {
        item.product = Some(read_product(&pr, issues));
    }
    item
}

fn read_code(v: &Json<'_>, path: Path<'_>, issues: &mut Issues) -> Option<Code> {
    match v {
        Json::Int(i) => Some(Code::Number(*i)),
        Json::UInt(_) | Json::Float(_) => {
            issues.error(
                path,
                "invalid_code",
                "must be a whole number or a name",
                "muss eine ganze Zahl oder ein Name sein",
            );
            None
        }
        Json::Str(s) if crate::text::trim(s).is_empty() => None,
        Json::Str(s) if s.len() > 100 && s.chars().count() > 100 => {
            issues.error(
                path,
                "too_long",
                "longer than 100 characters",
                "länger als 100 Zeichen",
            );
            None
        }
        Json::Str(s) => Some(Code::Text(crate::text::trim(s).to_owned())),
        Json::Null => None,
        other => {
            issues.error(
                path,
                "invalid_type",
                format!("must be a number or a string, not {}", other.type_name()),
                "muss eine Zahl oder ein Text sein",
            );
            None
        }
    }
}

fn read_product(r: &Reader<'_, '_>, issues: &mut Issues) -> Product {
    r.unknown_keys(PRODUCT_KEYS, issues);
    let kind_text = r.req_text("kind", 50, PRODUCT_KIND_HINT, issues);
    let kind = ProductKind::parse(&kind_text);
    if kind.is_none() && !kind_text.is_empty() {
        let path = r.path.key("kind");
        issues.error(
            path,
            "unknown_product_kind",
            format!("{kind_text:?} is no product kind; use {PRODUCT_KIND_HINT}"),
            format!(
                "{kind_text:?} ist keine Produktart; erlaubt: {}",
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
        .and_then(|v| read_code(v, r.path.key("quality"), issues));
    let mut grapes = Vec::new();
    let grapes_path = r.path.key("grapes");
    match r.get("grapes") {
        None => {}
        Some(list @ Json::Array(_)) => {
            let list = r.doc.items(list);
            for (i, g) in list.iter().enumerate().take(100) {
                if let Some(c) = read_code(g, grapes_path.index(i), issues) {
                    grapes.push(c);
                }
            }
            if list.len() > 100 {
                issues.error(
                    grapes_path,
                    "too_many_grapes",
                    "more than 100 grape varieties",
                    "mehr als 100 Rebsorten",
                );
            }
        }
        Some(other) => wrong_type(
            grapes_path,
            "an array of names or variety numbers",
            other,
            issues,
        ),
    }
    Product {
        kind: kind.unwrap_or(ProductKind::Other),
        bottles,
        bottle_size_ml,
        organic,
        quality,
        grapes,
        wine_type: r.opt_str("wineType", 100, issues),
        taste: r.opt_str("taste", 100, issues),
        vdp: r
            .get("vdp")
            .and_then(|v| read_code(v, r.path.key("vdp"), issues)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_place_is_its_keys_without_email_phone_and_gender() {
        assert_eq!(ADDRESS_PLACE_KEYS.len() + 3, ADDRESS_KEYS.len());
        assert!(ADDRESS_PLACE_KEYS.contains(&"country") && ADDRESS_PLACE_KEYS.contains(&"company"));
        for k in ["email", "phone", "gender"] {
            assert!(!ADDRESS_PLACE_KEYS.contains(&k), "{k}");
        }
    }

    #[test]
    fn unknown_keys_past_the_issue_limit_end_in_one_too_many_issues() {
        let keys: String = (0..5000).map(|i| format!(r#""x{i}":{i},"#)).collect();
        let text = format!(r#"{{{keys}"number":"1"}}"#);
        let (order, issues) = crate::order::Order::parse_json(&text);
        assert_eq!(order.number, "1");
        assert_eq!(issues.len(), crate::issue::MAX_ISSUES + 1);
        let last = issues.iter().last().map(|i| i.code.as_str());
        assert_eq!(last, Some("too_many_issues"));
        assert_eq!(
            issues
                .iter()
                .filter(|i| i.code == "too_many_issues")
                .count(),
            1
        );
    }

    #[test]
    fn unknown_keys_get_a_suggestion_only_when_about_as_long_as_a_known_one() {
        let long = "n".repeat(40_000);
        let text = format!(
            r#"{{"number":"1","numbr":2,"{long}":3,"orderedAt":"2024-04-04T09:06:27Z","customer":{{}},"billingAddress":{{"street":"Teststraße 42","zip":"10115","city":"Berlin","country":"DE"}},"items":[{{"sku":"a","quantity":1,"unitPrice":1,"taxRate":19}}]}}"#
        );
        let (_, issues) = crate::order::Order::parse_json(&text);
        let unknown: Vec<&crate::issue::Issue> = issues
            .iter()
            .filter(|i| i.code == "unknown_field")
            .collect();
        assert_eq!(unknown.len(), 2, "{:?}", issues.path_codes());
        assert!(unknown[0].message.contains("did you mean number?"));
        assert!(!unknown[1].message.contains("did you mean"));
    }
    use serde_json::json;

    fn from_value(v: &serde_json::Value) -> (Order, Issues) {
        super::from_value(v)
    }

    fn fold_key(s: &str) -> String {
        let mut buf = [0u8; 48];
        fold_key_into(s, &mut buf).unwrap_or_default().to_owned()
    }

    fn codes(issues: &Issues) -> Vec<(String, String)> {
        issues.path_codes()
    }

    #[test]
    fn fold_key_normalises_case_space_and_dashes() {
        assert_eq!(fold_key("  Credit-Card "), "credit_card");
        assert_eq!(fold_key("SEPA  Lastschrift"), "sepa_lastschrift");
        assert_eq!(fold_key("Blanc de Noir"), "blanc_de_noir");
    }

    #[test]
    fn fold_key_treats_ascii_like_unicode_does() {
        // The ASCII branch of `fold_key_into` against the Unicode definitions it stands in for.
        for b in 0u8..0x80 {
            let c = b as char;
            let s = format!("a{c}b");
            let want = if c.is_whitespace() || c == '-' || c == '_' {
                "a_b".to_owned()
            } else {
                format!("a{}b", crate::text::lower_char(c))
            };
            assert_eq!(fold_key(&s), want, "byte {b:#04x}");
        }
        assert_eq!(
            fold_key("Gro\u{DF}h\u{C4}ndler\u{3000}X"),
            "gro\u{DF}h\u{E4}ndler_x"
        );
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
        assert!(w.message.contains("did you mean number?"));
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

    #[test]
    fn ordered_at_before_1950_is_refused_not_guessed() {
        let (order, issues) = from_value(&json!({"orderedAt": "1949-06-01T10:00:00Z"}));
        assert!(order.ordered_at.is_none());
        assert!(order.invoice_date.is_none());
        assert!(
            codes(&issues).contains(&("orderedAt".into(), "invalid_datetime".into())),
            "{issues:?}"
        );
        let (order, issues) = from_value(&json!({"orderedAt": "1995-09-23T22:30:00Z"}));
        assert!(!codes(&issues).iter().any(|(p, _)| p == "orderedAt"));
        // CEST until 24 September in 1995: already the next day in Germany.
        assert_eq!(
            order.invoice_date.map(|d| d.to_string()).as_deref(),
            Some("1995-09-24")
        );
    }

    #[test]
    fn control_characters_are_found_by_bytes_as_unicode_defines_them() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            let want = c.is_control() && !matches!(c, '\t' | '\n' | '\r');
            assert_eq!(has_control(&text), want, "U+{:04X}", c as u32);
        }
    }
}
