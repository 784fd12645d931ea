//! Geisenheim: the wire types (§2.1) and the mapping from the canonical order with its rules.

use crate::decimal::Decimal;
use serde::Serialize;

use super::codes::{self, ProductCategory, TasteScope};
use crate::issue::{join, Built, Issues, Path, Severity};
use crate::money;
use crate::order::{Carrier, Channel, Code, CustomerType, Item, Order, PaymentMethod, ProductKind};
use std::borrow::Cow;
use std::fmt::Display;

/// A payload text: a value list's own name (borrowed, no allocation) or the caller's free text.
pub type Text = Cow<'static, str>;

// ---------------------------------------------------------------- wire types (§2.1)

/// A number from a value list, or free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum CodeValue {
    /// A code of the list.
    Number(i64),
    /// Free text ("freie Eingabe").
    Text(String),
}

/// The body of `POST /erp/orders` (§2.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderPayload {
    /// Invoice date, `YYYY-MM-DD` (not the date of transmission).
    pub date: String,
    /// Sequential database id of the invoice (not the invoice number), without gaps.
    pub id: u64,
    /// The invoice recipient.
    pub recipient: Recipient,
    /// The bottles sold.
    pub items: Vec<PayloadItem>,
}

/// `recipient` (§2.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recipient {
    /// Anonymous, stable identifier (never the e-mail).
    pub id: String,
    /// Customer category (§3.1) or free text.
    pub category: CodeValue,
    /// `online`, `local` or free text.
    pub source: Text,
    /// Online only: delivery (`DHL`, `DPD`, `GLS`, `Zufuhr`, `Abholung` or free text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Text>,
    /// Online only: the first three characters of the recipient's postal code.
    #[serde(rename = "postalCode", skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Online only: ISO 3166-1 alpha-2 or free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Consumers only: year of birth.
    #[serde(rename = "yearOfBirth", skip_serializing_if = "Option::is_none")]
    pub year_of_birth: Option<i32>,
    /// Consumers only: consent to online marketing.
    #[serde(rename = "agreesToMarketing", skip_serializing_if = "Option::is_none")]
    pub agrees_to_marketing: Option<bool>,
    /// Consumers only: `m`, `f` or `x`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<&'static str>,
    /// Consumers only: payment method (§3.2) or free text.
    #[serde(rename = "paymentMethod", skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<Text>,
}

/// One entry of `items` (§2.1): bottles of one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PayloadItem {
    /// Article number.
    pub id: String,
    /// Number of bottles (negative for a return).
    pub quantity: i64,
    /// Product category (§3.3).
    pub category: u8,
    /// Bottle size in ml (§3.4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
    /// Gross price of one bottle after discounts, EUR.
    #[serde(serialize_with = "money::serialize_number")]
    pub price: Decimal,
    /// VAT contained in `price`, EUR.
    #[serde(serialize_with = "money::serialize_number")]
    pub tax: Decimal,
    /// Discount granted on one bottle, EUR.
    #[serde(serialize_with = "money::serialize_number")]
    pub discount: Decimal,
    /// Certified organic (optional).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organic: Option<bool>,
    /// Wine and sparkling wine: quality level (§3.5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<CodeValue>,
    /// Wine: grape variety numbers (§3.6) or free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grapes: Option<Vec<CodeValue>>,
    /// Wine: wine type (§3.7).
    #[serde(rename = "wineType", skip_serializing_if = "Option::is_none")]
    pub wine_type: Option<Text>,
    /// Wine (and sparkling wine): taste (§3.8).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taste: Option<Text>,
    /// Wine: VDP classification (§3.9); present as `null` for wines outside it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vdp: Option<Option<CodeValue>>,
}

// ---------------------------------------------------------------- options

/// Options of [`build_order`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Secret salt of the recipient hash; keep it constant per shop.
    pub recipient_salt: Option<String>,
    /// Unknown free-text values become errors instead of warnings.
    pub strict: bool,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field(
                "recipient_salt",
                &self.recipient_salt.as_ref().map(|_| "[redacted]"),
            )
            .field("strict", &self.strict)
            .finish()
    }
}

impl Options {
    /// Reads `{ recipientSalt, strict }` from JSON; other keys are left to the caller.
    pub fn from_value(v: &serde_json::Value, issues: &mut Issues) -> Options {
        let mut o = Options::default();
        if let Some(s) = v.get("recipientSalt") {
            match s {
                serde_json::Value::String(s) if !s.is_empty() => o.recipient_salt = Some(s.clone()),
                serde_json::Value::Null => {}
                _ => issues.error(
                    "options.recipientSalt",
                    "invalid_type",
                    "must be a non-empty string",
                    "muss ein nicht leerer Text sein",
                ),
            }
        }
        if let Some(s) = v.get("strict") {
            match s {
                serde_json::Value::Bool(b) => o.strict = *b,
                serde_json::Value::Null => {}
                _ => issues.error(
                    "options.strict",
                    "invalid_type",
                    "must be true or false",
                    "muss true oder false sein",
                ),
            }
        }
        o
    }
}

// ---------------------------------------------------------------- mapping and rules

/// Collects issues with the `strict` switch applied to free-text findings.
struct Rules<'a> {
    issues: &'a mut Issues,
    strict: bool,
}

impl Rules<'_> {
    /// A value outside a list: a warning, or an error in strict mode.
    fn free_text(&mut self, path: impl Display, code: &str, en: String, de: String) {
        let sev = if self.strict {
            Severity::Error
        } else {
            Severity::Warning
        };
        let (en, de) = if self.strict {
            (
                format!("{en} (strict mode: use a listed value)"),
                format!("{de} (strikter Modus: bitte einen Listenwert verwenden)"),
            )
        } else {
            (
                format!("{en}; it is sent as free text"),
                format!("{de}; wird als freier Text übertragen"),
            )
        };
        self.issues.push(path, code, sev, en, de);
    }

    fn not_applicable(&mut self, path: impl Display + Copy, why: &str, why_de: &str) {
        self.issues.warning(
            path,
            "not_applicable",
            format!("not sent to Geisenheim: {why}"),
            format!("wird nicht an Geisenheim übertragen: {why_de}"),
        );
    }
}

/// The anonymous recipient id: `HMAC-SHA256(salt, key)`, 20 hex digits.
pub fn recipient_id(salt: &str, key: &str) -> String {
    let digest = crate::sha256::hmac_sha256(salt.as_bytes(), key.as_bytes());
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(20);
    for b in digest.iter().take(10) {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

/// Salt used when none is configured (a warning says so).
const DEFAULT_SALT: &str = "kontor-geisenheim-v1";

/// Builds the `POST /erp/orders` body from a canonical order, with every issue: the order's
/// own (`order_issues`, from parsing) and Geisenheim's rules.
pub fn build_order(order: &Order, order_issues: Issues, options: &Options) -> Built<OrderPayload> {
    let mut issues = order_issues;
    let payload = {
        let mut rules = Rules {
            issues: &mut issues,
            strict: options.strict,
        };
        map_order(order, options, &mut rules)
    };
    Built::new(payload, issues)
}

/// Parses an order from JSON text and builds the payload.
pub fn build_from_json(text: &str, options: &Options) -> Built<OrderPayload> {
    let (order, issues) = Order::parse_json(text);
    if issues.iter().any(|i| i.code == "malformed_json") {
        return Built::new(None, issues);
    }
    build_order(&order, issues, options)
}

fn map_order(order: &Order, options: &Options, rules: &mut Rules<'_>) -> Option<OrderPayload> {
    if order.currency != "EUR" {
        rules.issues.error(
            "currency",
            "currency_not_eur",
            format!("Geisenheim takes amounts in EUR only; this order is in {}: convert it first", order.currency),
            format!("Geisenheim erwartet Beträge in EUR; diese Bestellung ist in {}: bitte vorher umrechnen", order.currency),
        );
    }
    let id = order.invoice_id;
    if id.is_none() {
        rules.issues.error(
            "invoiceId",
            "missing_invoice_id",
            "required by Geisenheim: the sequential database id of the invoice (not the invoice number), without gaps",
            "Pflicht bei Geisenheim: die fortlaufende Datenbank-ID der Rechnung (nicht die Rechnungsnummer), ohne Lücken",
        );
    }
    let date = order.invoice_date.map(crate::order::time::format_date);
    let recipient = map_recipient(order, options, rules);
    let items_path = Path::ROOT.key("items");
    let mut items = Vec::with_capacity(order.items.len());
    for (i, item) in order.items.iter().enumerate() {
        items.push(map_item(
            item,
            items_path.index(i),
            order.prices_include_tax,
            rules,
        ));
    }
    Some(OrderPayload {
        date: date?,
        id: id?,
        recipient,
        items,
    })
}

fn map_recipient(order: &Order, options: &Options, rules: &mut Rules<'_>) -> Recipient {
    let c = &order.customer;
    let salt = match &options.recipient_salt {
        Some(s) => {
            if s.chars().count() < 16 {
                rules.issues.warning(
                    "options.recipientSalt",
                    "weak_recipient_salt",
                    "shorter than 16 characters: use a long random secret",
                    "kürzer als 16 Zeichen: bitte ein langes zufälliges Geheimnis verwenden",
                );
            }
            s.as_str()
        }
        None => {
            rules.issues.warning(
                "options.recipientSalt",
                "missing_recipient_salt",
                "not configured: recipient ids use kontor's public default salt, so they could be linked to e-mail addresses. Set a secret salt (and keep it)",
                "nicht gesetzt: Empfänger-IDs nutzen kontors öffentliches Standard-Salz und könnten E-Mail-Adressen zugeordnet werden. Bitte ein geheimes Salz setzen (und beibehalten)",
            );
            DEFAULT_SALT
        }
    };
    let key = if let Some(id) = &c.id {
        format!("customer:{id}")
    } else if let Some(e) = &c.email {
        format!("email:{}", crate::text::lower(crate::text::trim(e)))
    } else {
        rules.issues.warning(
            "customer",
            "anonymous_recipient",
            "the customer has neither id nor email: the recipient id is derived from the order number, so this order counts as a new customer",
            "der Kunde hat weder id noch email: die Empfänger-ID wird aus der Bestellnummer gebildet, die Bestellung zählt als Neukunde",
        );
        format!("order:{}", order.number)
    };

    let category = match &c.customer_type {
        None => CodeValue::Number(1),
        Some(t) => match customer_category(t) {
            Some(n) => CodeValue::Number(i64::from(n)),
            None => {
                rules.free_text(
                    "customer.type",
                    "unknown_customer_type",
                    format!(
                        "customer type {:?} is not in Geisenheim's list (§3.1)",
                        t.as_str()
                    ),
                    format!(
                        "Kundentyp {:?} steht nicht in Geisenheims Liste (§3.1)",
                        t.as_str()
                    ),
                );
                CodeValue::Text(t.as_str().to_owned())
            }
        },
    };
    let consumer = category == CodeValue::Number(1);
    let online = order.channel == Channel::Online;
    if let Channel::Other(s) = &order.channel {
        rules.free_text(
            "channel",
            "unknown_channel",
            format!("channel {s:?} is neither \"online\" nor \"local\""),
            format!("Kanal {s:?} ist weder \"online\" noch \"local\""),
        );
    }

    let mut r = Recipient {
        id: recipient_id(salt, &key),
        category,
        source: order.channel.static_name().map_or_else(
            || Cow::Owned(order.channel.as_str().to_owned()),
            Cow::Borrowed,
        ),
        delivery: None,
        postal_code: None,
        country: None,
        year_of_birth: None,
        agrees_to_marketing: None,
        gender: None,
        payment_method: None,
    };

    if online {
        r.delivery = match order.shipping.as_ref().and_then(|s| s.carrier.as_ref()) {
            Some(carrier) => Some(delivery_value(carrier, rules)),
            None => {
                rules.issues.error(
                    "shipping.carrier",
                    "missing_carrier",
                    "required for online orders (Geisenheim's delivery): DHL, DPD, GLS, own_delivery, pickup or free text",
                    "Pflicht bei Onlinebestellungen (Geisenheims delivery): DHL, DPD, GLS, own_delivery, pickup oder freier Text",
                );
                None
            }
        };
        let addr = order.delivery_address();
        let zip: String = crate::text::trim(&addr.zip).chars().take(3).collect();
        r.postal_code = (!zip.is_empty()).then_some(zip);
        if !addr.country.is_empty() {
            if !addr.country_known && rules.strict {
                let path = join(order.delivery_address_path(), "country");
                rules.free_text(
                    &path,
                    "unknown_country",
                    format!("country {:?} is no ISO 3166-1 code", addr.country),
                    format!("Land {:?} ist kein ISO-3166-1-Code", addr.country),
                );
            }
            r.country = Some(addr.country.clone());
        }
    }

    // Consumer-only fields (§2.1): left out for business customers, silently, since
    // a business order carrying a payment method or a contact's gender is normal.
    if consumer {
        r.year_of_birth = c.birth_year;
        r.agrees_to_marketing = c.marketing_consent;
        r.gender = c.gender.map(|g| g.code());
        r.payment_method = order.payment.as_ref().map(|p| payment_value(p, rules));
    }
    r
}

/// §3.1: the category number of a customer type.
fn customer_category(t: &CustomerType) -> Option<u8> {
    Some(match t {
        CustomerType::Consumer => 1,
        CustomerType::SpecialistRetail => 2,
        CustomerType::Gastronomy => 3,
        CustomerType::FoodRetail => 4,
        CustomerType::Wholesale => 5,
        CustomerType::Export => 6,
        CustomerType::OnlineRetail => 7,
        CustomerType::DutyFree => 8,
        CustomerType::Airline => 9,
        CustomerType::OtherBusiness => 10,
        CustomerType::Other(_) => return None,
    })
}

fn delivery_value(c: &Carrier, rules: &mut Rules<'_>) -> Text {
    match c {
        Carrier::Dhl => "DHL".into(),
        Carrier::Dpd => "DPD".into(),
        Carrier::Gls => "GLS".into(),
        Carrier::OwnDelivery => "Zufuhr".into(),
        Carrier::Pickup => "Abholung".into(),
        Carrier::Other(s) => {
            rules.free_text(
                "shipping.carrier",
                "unknown_carrier",
                format!("carrier {s:?} is not one of DHL, DPD, GLS, own_delivery, pickup"),
                format!("Versender {s:?} ist nicht DHL, DPD, GLS, own_delivery oder pickup"),
            );
            Cow::Owned(s.clone())
        }
    }
}

fn payment_value(p: &PaymentMethod, rules: &mut Rules<'_>) -> Text {
    match p {
        PaymentMethod::Cash => "cash".into(),
        PaymentMethod::Paypal => "paypal".into(),
        PaymentMethod::Invoice => "invoice".into(),
        PaymentMethod::Advance => "advance".into(),
        PaymentMethod::CreditCard => "credit".into(),
        PaymentMethod::Sepa => "sepa".into(),
        PaymentMethod::Other(s) => {
            rules.free_text(
                "payment.method",
                "unknown_payment_method",
                format!("payment method {s:?} is not in Geisenheim's list (§3.2)"),
                format!("Zahlungsart {s:?} steht nicht in Geisenheims Liste (§3.2)"),
            );
            Cow::Owned(s.clone())
        }
    }
}

fn product_category(kind: ProductKind) -> ProductCategory {
    match kind {
        ProductKind::Wine => ProductCategory::Wine,
        ProductKind::Sparkling => ProductCategory::Sparkling,
        ProductKind::SemiSparkling => ProductCategory::SemiSparkling,
        ProductKind::AlcoholFreeWine => ProductCategory::AlcoholFree,
        ProductKind::OpenWine => ProductCategory::OpenWine,
        ProductKind::Book | ProductKind::Other => ProductCategory::Other,
    }
}

fn map_item(item: &Item, path: Path<'_>, gross_prices: bool, rules: &mut Rules<'_>) -> PayloadItem {
    let pp = path.key("product");
    let (category, bottles) = match &item.product {
        Some(p) => (product_category(p.kind), p.bottles.max(1)),
        None => {
            rules.issues.warning(
                pp,
                "missing_product",
                "missing: the line is sent as category 9 (other); add product.kind for wines",
                "fehlt: die Position wird als Kategorie 9 (Sonstiges) übertragen; für Weine product.kind angeben",
            );
            (ProductCategory::Other, 1)
        }
    };
    let bottles_d = Decimal::from(bottles);
    let to_gross = |amount: Decimal| {
        if gross_prices {
            amount
        } else {
            money::gross_from_net(amount, item.tax_rate)
        }
    };
    let unit_gross = to_gross(item.unit_price);
    let discount_gross = to_gross(item.unit_discount());
    let price = money::round_cents((unit_gross - discount_gross) / bottles_d);
    let discount = money::round_cents(discount_gross / bottles_d);
    let tax = money::vat_in_gross(price, item.tax_rate);

    let mut out = PayloadItem {
        id: item.sku.clone(),
        quantity: item.quantity.saturating_mul(i64::from(bottles)),
        category: category.number(),
        size: None,
        price,
        tax,
        discount,
        organic: None,
        quality: None,
        grapes: None,
        wine_type: None,
        taste: None,
        vdp: None,
    };
    let Some(p) = &item.product else {
        return out;
    };
    out.organic = p.organic;
    out.size = p.bottle_size_ml;
    if p.bottle_size_ml.is_none() {
        let path = pp.key("bottleSizeMl");
        if category == ProductCategory::Other {
            rules.issues.warning(
                path,
                "missing_bottle_size",
                "missing; Geisenheim's size is left out for this category 9 line",
                "fehlt; Geisenheims size entfällt für diese Position der Kategorie 9",
            );
        } else {
            rules.issues.error(
                path,
                "missing_bottle_size",
                "required for Geisenheim's size: the bottle size in ml, e.g. 750",
                "Pflicht für Geisenheims size: Flaschengröße in ml, z. B. 750",
            );
        }
    }

    let wine = category == ProductCategory::Wine;
    let sparkling = category == ProductCategory::Sparkling;

    // quality (§3.5): wine and sparkling wine.
    let qpath = pp.key("quality");
    match (&p.quality, wine || sparkling) {
        (Some(q), true) => out.quality = quality_value(q, category, qpath, rules),
        (Some(_), false) => rules.not_applicable(
            qpath,
            "quality applies to wine and sparkling wine only",
            "Qualitätsstufe gilt nur für Wein und Schaumwein",
        ),
        (None, true) => missing(
            rules,
            qpath,
            "quality",
            "the quality level, e.g. \"Qualitätswein\" or 3",
        ),
        (None, false) => {}
    }

    // grapes (§3.6), wineType (§3.7): wine only.
    let gpath = pp.key("grapes");
    if wine {
        if p.grapes.is_empty() {
            missing(
                rules,
                gpath,
                "grapes",
                "the grape varieties, e.g. [\"Riesling\"] or [10077]",
            );
        } else {
            let list = p
                .grapes
                .iter()
                .enumerate()
                .map(|(i, g)| grape_value(g, gpath.index(i), rules))
                .collect();
            out.grapes = Some(list);
        }
    } else if !p.grapes.is_empty() {
        rules.not_applicable(
            gpath,
            "grapes apply to wine (category 1) only",
            "Rebsorten gelten nur für Wein (Kategorie 1)",
        );
    }
    let wpath = pp.key("wineType");
    match (&p.wine_type, wine) {
        (Some(t), true) => {
            out.wine_type = Some(match codes::wine_type(t) {
                Some(v) => Cow::Borrowed(v),
                None => {
                    rules.free_text(wpath, "unknown_wine_type", format!("wine type {t:?} is not in the list (red, white, rose, rotling, blanc de noir)"), format!("Weintyp {t:?} steht nicht in der Liste (§3.7)"));
                    Cow::Owned(t.clone())
                }
            })
        }
        (Some(_), false) => rules.not_applicable(
            wpath,
            "wine type applies to wine (category 1) only",
            "Weintyp gilt nur für Wein (Kategorie 1)",
        ),
        (None, true) => missing(
            rules,
            wpath,
            "wineType",
            "red, white, rose, rotling or blanc de noir",
        ),
        (None, false) => {}
    }

    // taste (§3.8): wine (required) and sparkling wine.
    let tpath = pp.key("taste");
    match (&p.taste, wine || sparkling) {
        (Some(t), true) => out.taste = Some(taste_value(t, category, tpath, rules)),
        (Some(_), false) => rules.not_applicable(
            tpath,
            "taste applies to wine and sparkling wine only",
            "Geschmack gilt nur für Wein und Schaumwein",
        ),
        (None, true) if wine => missing(rules, tpath, "taste", "e.g. \"trocken\" / \"dry\""),
        _ => {}
    }

    // vdp (§3.9): wine only, null outside the classification.
    let vpath = pp.key("vdp");
    if wine {
        out.vdp = Some(p.vdp.as_ref().map(|v| vdp_value(v, vpath, rules)));
    } else if p.vdp.is_some() {
        rules.not_applicable(
            vpath,
            "VDP classification applies to wine (category 1) only",
            "VDP-Klassifikation gilt nur für Wein (Kategorie 1)",
        );
    }
    out
}

fn missing(rules: &mut Rules<'_>, path: Path<'_>, field: &str, hint: &str) {
    rules.issues.error(
        path,
        "missing_field",
        format!("required by Geisenheim for this category ({field}): {hint}"),
        format!("für diese Kategorie bei Geisenheim Pflicht ({field})"),
    );
}

fn quality_value(
    q: &Code,
    category: ProductCategory,
    path: Path<'_>,
    rules: &mut Rules<'_>,
) -> Option<CodeValue> {
    let found = match q {
        Code::Number(n) => codes::quality_category(*n).map(|c| (*n, c)),
        Code::Text(t) => crate::text::trim(t)
            .parse::<i64>()
            .ok()
            .and_then(|n| codes::quality_category(n).map(|c| (n, c)))
            .or_else(|| codes::quality_by_name(t)),
    };
    match found {
        Some((n, c)) if c == category => Some(CodeValue::Number(n)),
        Some((n, c)) => {
            let (is, belongs) = match c {
                ProductCategory::Wine => ("a wine quality (1–4)", "wine"),
                _ => ("a sparkling wine quality (5–7)", "sparkling wine"),
            };
            rules.issues.error(
                path,
                "quality_wrong_category",
                format!("quality {n} is {is}, but this line is not {belongs}: use a quality of its own category (§3.5)"),
                format!("Qualitätsstufe {n} passt nicht zur Produktkategorie dieser Position (§3.5)"),
            );
            None
        }
        None => {
            let shown = match q {
                Code::Number(n) => n.to_string(),
                Code::Text(t) => format!("{t:?}"),
            };
            rules.free_text(
                path,
                "unknown_quality",
                format!("quality {shown} is not in the list (§3.5)"),
                format!("Qualitätsstufe {shown} steht nicht in der Liste (§3.5)"),
            );
            Some(match q {
                Code::Number(n) => CodeValue::Number(*n),
                Code::Text(t) => CodeValue::Text(t.clone()),
            })
        }
    }
}

fn grape_value(g: &Code, path: Path<'_>, rules: &mut Rules<'_>) -> CodeValue {
    match g {
        Code::Number(n) if codes::grape_number_known(*n) => CodeValue::Number(*n),
        Code::Number(n) => {
            rules.free_text(
                path,
                "unknown_grape",
                format!("grape variety number {n} is not in the list (§3.6)"),
                format!("Rebsortennummer {n} steht nicht in der Liste (§3.6)"),
            );
            CodeValue::Number(*n)
        }
        Code::Text(t) => {
            let by_number = crate::text::trim(t)
                .parse::<i64>()
                .ok()
                .filter(|n| codes::grape_number_known(*n));
            match by_number.or_else(|| codes::grape_by_name(t)) {
                Some(n) => CodeValue::Number(n),
                None => {
                    rules.free_text(
                        path,
                        "unknown_grape",
                        format!("grape {t:?} is not in the list (§3.6)"),
                        format!("Rebsorte {t:?} steht nicht in der Liste (§3.6)"),
                    );
                    CodeValue::Text(t.clone())
                }
            }
        }
    }
}

fn taste_value(t: &str, category: ProductCategory, path: Path<'_>, rules: &mut Rules<'_>) -> Text {
    match codes::taste(t) {
        Some((v, scope)) => {
            let fits = match scope {
                TasteScope::Both => true,
                TasteScope::WineOnly => category == ProductCategory::Wine,
                TasteScope::SparklingOnly => category == ProductCategory::Sparkling,
            };
            if !fits {
                let (en, de) = if scope == TasteScope::WineOnly {
                    ("wines only", "nur für Weine")
                } else {
                    ("sparkling wines only", "nur für Schaumweine")
                };
                rules.issues.error(
                    path,
                    "taste_wrong_category",
                    format!(
                        "taste {t:?} ({v}) is for {en} (§3.8): use a taste of this line's category"
                    ),
                    format!("Geschmack {t:?} ({v}) gilt {de} (§3.8)"),
                );
            }
            Cow::Borrowed(v)
        }
        None => {
            rules.free_text(
                path,
                "unknown_taste",
                format!("taste {t:?} is not in the list (§3.8)"),
                format!("Geschmack {t:?} steht nicht in der Liste (§3.8)"),
            );
            Cow::Owned(t.to_owned())
        }
    }
}

fn vdp_value(v: &Code, path: Path<'_>, rules: &mut Rules<'_>) -> CodeValue {
    let found = match v {
        Code::Number(n) => codes::vdp_number_known(*n).then_some(*n),
        Code::Text(t) => crate::text::trim(t)
            .parse::<i64>()
            .ok()
            .filter(|n| codes::vdp_number_known(*n))
            .or_else(|| codes::vdp_by_name(t)),
    };
    match (found, v) {
        (Some(n), _) => CodeValue::Number(n),
        (None, Code::Number(n)) => {
            rules.free_text(
                path,
                "unknown_vdp",
                format!("VDP class {n} is not in the list (§3.9)"),
                format!("VDP-Klasse {n} steht nicht in der Liste (§3.9)"),
            );
            CodeValue::Number(*n)
        }
        (None, Code::Text(t)) => {
            rules.free_text(
                path,
                "unknown_vdp",
                format!("VDP class {t:?} is not in the list (§3.9)"),
                format!("VDP-Klasse {t:?} steht nicht in der Liste (§3.9)"),
            );
            CodeValue::Text(t.clone())
        }
    }
}

/// `toGeisenheim` on the text path: the `POST /erp/orders` body as JSON text. `issues` holds
/// what the caller found before (unreadable options, say).
pub fn order_body(
    order_json: &str,
    options: &serde_json::Value,
    issues: Issues,
) -> crate::body::Body {
    crate::body::build(
        order_json,
        options,
        issues,
        Options::from_value,
        build_order,
        crate::body::Body::from_built_inline,
    )
}
