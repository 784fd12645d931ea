//! The Westarp order body (`POST /orders`, "Bestellung anlegen") from a canonical order.
//!
//! Decisions (tested): `name1` is the company (else the person), `name2` the person when a
//! company is given; street and house number are split from shop address lines
//! ([`split_street`]) unless `houseNumber` is given; ISBNs are sent as 13 plain digits
//! (ISBN-10 converted); `discount_rate` is sent when there is a discount; `created_at` is
//! `orderedAt`. Returns (negative quantities) are refused: Westarp orders ship books.

use crate::decimal::Decimal;
use serde::Serialize;

use super::isbn::Isbn;
use crate::issue::{Built, Issues, Path};
use crate::money;
use crate::order::street::split_street;
use crate::order::{Address, Order, PaymentMethod};

/// `type` of an order (§ "Bestellung anlegen").
pub const ORDER_TYPES: &[&str] = &["email", "shop", "phone", "fax", "post"];
/// `payment_method_id` values the document allows.
pub const PAYMENT_METHOD_IDS: &[i64] = &[1, 3, 6, 8, 9];

/// `person`: who orders.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Person {
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firstname: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lastname: Option<String>,
    /// Company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// E-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Book trade "Verkehrsnummer".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verkehrsnummer: Option<u64>,
}

/// `payment_address` / `shipping_address`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WestarpAddress {
    /// First name line (company, else person).
    pub name1: String,
    /// Second name line (the person, when a company is given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name2: Option<String>,
    /// Street without number.
    pub street: String,
    /// House number.
    pub house_number: String,
    /// Postal code.
    pub zip_code: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// E-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// One entry of `items`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WestarpItem {
    /// Always `book`.
    #[serde(rename = "type")]
    pub item_type: &'static str,
    /// ISBN-13, digits only.
    pub isbn: String,
    /// Copies, a positive whole number.
    pub quantity: i64,
    /// Discount in percent.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_number")]
    pub discount_rate: Option<Decimal>,
}

fn opt_number<S: serde::Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => money::serialize_compact(d, s),
        None => s.serialize_none(),
    }
}

/// The body of `POST /orders`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WestarpOrder {
    /// The order's reference ("Bestellzeichen").
    pub code: String,
    /// email, shop, phone, fax or post.
    #[serde(rename = "type")]
    pub order_type: String,
    /// Who orders.
    pub person: Person,
    /// Invoice address.
    pub payment_address: WestarpAddress,
    /// Delivery address.
    pub shipping_address: WestarpAddress,
    /// 1, 3, 6, 8 or 9 (3: bank transfer, "Überweisung").
    pub payment_method_id: i64,
    /// Shipping method as printed on the invoice.
    pub shipping_method_name: String,
    /// Shipping cost charged to the customer.
    #[serde(serialize_with = "money::serialize_number")]
    pub shipping_cost: Decimal,
    /// The books.
    pub items: Vec<WestarpItem>,
    /// Do not ship before this date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_date: Option<String>,
    /// Internal notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Order time, RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// Options: `type` (`shop` by default) and `paymentMethodIds` (`{ method: id }`; `invoice` → 3
/// is built in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Order type.
    pub order_type: String,
    /// Payment method → `payment_method_id`.
    pub payment_method_ids: Vec<(String, i64)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            order_type: "shop".into(),
            payment_method_ids: vec![("invoice".into(), 3)],
        }
    }
}

impl Options {
    /// Reads `{ type, paymentMethodIds }`, checking values against the document's lists.
    pub fn from_value(v: &serde_json::Value, issues: &mut Issues) -> Options {
        let mut o = Options::default();
        if let Some(t) = v.get("type").and_then(serde_json::Value::as_str) {
            if ORDER_TYPES.contains(&t) {
                o.order_type = t.to_owned();
            } else {
                issues.error(
                    "options.type",
                    "invalid_value",
                    format!(
                        "{t:?} is no order type; use one of {}",
                        ORDER_TYPES.join(", ")
                    ),
                    format!(
                        "{t:?} ist keine Auftragsart; erlaubt: {}",
                        ORDER_TYPES.join(", ")
                    ),
                );
            }
        }
        if let Some(map) = v
            .get("paymentMethodIds")
            .and_then(serde_json::Value::as_object)
        {
            for (method, id) in map {
                match id.as_i64().filter(|i| PAYMENT_METHOD_IDS.contains(i)) {
                    Some(id) => o
                        .payment_method_ids
                        .push((PaymentMethod::parse(method).as_str().to_owned(), id)),
                    None => issues.error(
                        format!("options.paymentMethodIds.{method}"),
                        "invalid_value",
                        format!("the payment method id of {method:?} must be one of 1, 3, 6, 8, 9"),
                        format!("die Zahlungsart-ID von {method:?} muss 1, 3, 6, 8 oder 9 sein"),
                    ),
                }
            }
        }
        o
    }

    fn payment_id(&self, method: &str) -> Option<i64> {
        self.payment_method_ids
            .iter()
            .rev()
            .find(|(m, _)| m == method)
            .map(|(_, id)| *id)
    }
}

fn address(a: &Address, path: Path<'_>, order: &Order, issues: &mut Issues) -> WestarpAddress {
    let c = &order.customer;
    let person = a
        .name
        .clone()
        .or_else(|| match (&c.first_name, &c.last_name) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (Some(n), None) | (None, Some(n)) => Some(n.clone()),
            (None, None) => None,
        });
    let company = a.company.clone().or_else(|| c.company.clone());
    let (name1, name2) = match (company, person) {
        (Some(co), p) => (co, p),
        (None, Some(p)) => (p, None),
        (None, None) => {
            let p = path.key("name");
            issues.error(
                p,
                "missing_name",
                "Westarp needs a name for this address: give it here or the address's company (or the customer's names)",
                "Westarp braucht einen Namen für diese Adresse: hier oder als Firma der Adresse angeben (oder die Namen des Kunden)",
            );
            (String::new(), None)
        }
    };
    let (street, house_number) = match &a.house_number {
        Some(n) => (a.street.clone(), n.clone()),
        None => match split_street(&a.street) {
            Ok(parts) => (parts.street, parts.house_number),
            Err(e) => {
                if !a.street.is_empty() {
                    let p = path.key("street");
                    issues.error(
                        p,
                        "unsplittable_street",
                        e.to_string(),
                        "Straße und Hausnummer lassen sich nicht trennen; bitte houseNumber getrennt angeben".to_owned(),
                    );
                }
                (a.street.clone(), String::new())
            }
        },
    };
    if !a.country_known && !a.country.is_empty() {
        let p = path.key("country");
        issues.error(
            p,
            "unknown_country",
            format!(
                "Westarp needs an ISO 3166-1 country code; {:?} is none",
                a.country
            ),
            format!(
                "Westarp braucht einen ISO-3166-1-Ländercode; {:?} ist keiner",
                a.country
            ),
        );
    }
    WestarpAddress {
        name1,
        name2,
        street,
        house_number,
        zip_code: a.zip.clone(),
        city: a.city.clone(),
        country: a.country.clone(),
        email: a.email.clone().or_else(|| c.email.clone()),
        phone: a.phone.clone().or_else(|| c.phone.clone()),
    }
}

/// Builds the `POST /orders` body from a canonical order, with every issue.
pub fn build_order(order: &Order, order_issues: Issues, options: &Options) -> Built<WestarpOrder> {
    let mut issues = order_issues;
    let c = &order.customer;
    let root = Path::ROOT;
    let billing = address(
        &order.billing_address,
        root.key("billingAddress"),
        order,
        &mut issues,
    );
    let shipping_path = root.key(order.delivery_address_path());
    let shipping = match &order.shipping_address {
        Some(a) => address(a, shipping_path, order, &mut issues),
        None => billing.clone(),
    };
    let payment_method_id = match &order.payment {
        Some(m) => match options.payment_id(m.as_str()) {
            Some(id) => id,
            None => {
                issues.error(
                    "payment.method",
                    "unmapped_payment_method",
                    format!("no Westarp payment method id for {:?}: add it to options.paymentMethodIds (1, 3, 6, 8 or 9; 3 is bank transfer)", m.as_str()),
                    format!("keine Westarp-Zahlungsart-ID für {:?}: in options.paymentMethodIds ergänzen (1, 3, 6, 8 oder 9; 3 ist Überweisung)", m.as_str()),
                );
                0
            }
        },
        None => {
            issues.error(
                "payment.method",
                "missing_field",
                "required by Westarp",
                "Pflicht bei Westarp",
            );
            0
        }
    };
    let ship = order.shipping.as_ref();
    let shipping_method_name = match ship.and_then(|s| s.method_name.clone()) {
        Some(n) => n,
        None => {
            issues.error(
                "shipping.methodName",
                "missing_field",
                "required by Westarp: printed on the invoice, e.g. \"Standard-Versand\"",
                "Pflicht bei Westarp: steht auf der Rechnung, z. B. \"Standard-Versand\"",
            );
            String::new()
        }
    };
    let shipping_cost = match ship.and_then(|s| s.cost) {
        Some(c) => c,
        None => {
            issues.error(
                "shipping.cost",
                "missing_field",
                "required by Westarp (0 for free shipping)",
                "Pflicht bei Westarp (0 bei kostenlosem Versand)",
            );
            Decimal::ZERO
        }
    };
    let items_path = root.key("items");
    let mut items = Vec::with_capacity(order.items.len());
    for (i, item) in order.items.iter().enumerate() {
        let path = items_path.index(i);
        let (isbn_text, isbn_path) = match &item.isbn {
            Some(s) => (s.as_str(), path.key("isbn")),
            None => (item.sku.as_str(), path.key("sku")),
        };
        let isbn = match Isbn::parse(isbn_text) {
            Ok(i) => i.to_string(),
            Err(e) => {
                issues.error(
                    isbn_path,
                    "invalid_isbn",
                    format!("{e}; Westarp orders books by ISBN (give the item's isbn)"),
                    "keine gültige ISBN; Westarp bestellt Bücher per ISBN (isbn der Position angeben)".to_owned(),
                );
                String::new()
            }
        };
        if item.quantity < 0 {
            let p = path.key("quantity");
            issues.error(
                p,
                "negative_quantity",
                "negative: Westarp orders take positive whole numbers (send returns another way)",
                "negativ: Westarp-Bestellungen brauchen positive ganze Zahlen",
            );
        }
        let discount_rate = if let Some(p) = item.discount_percent {
            Some(p)
        } else if item.unit_price.is_zero() || item.unit_discount().is_zero() {
            None
        } else {
            Some((item.unit_discount() / item.unit_price * Decimal::ONE_HUNDRED).round_dp(2))
        }
        .filter(|d| !d.is_zero());
        items.push(WestarpItem {
            item_type: "book",
            isbn,
            quantity: item.quantity,
            discount_rate,
        });
    }
    let payload = WestarpOrder {
        code: order.number.clone(),
        order_type: options.order_type.clone(),
        person: Person {
            firstname: c.first_name.clone(),
            lastname: c.last_name.clone(),
            company: c.company.clone(),
            email: c.email.clone(),
            verkehrsnummer: c.trade_number,
        },
        payment_address: billing,
        shipping_address: shipping,
        payment_method_id,
        shipping_method_name,
        shipping_cost,
        items,
        delivery_date: order.delivery_date.map(crate::order::time::format_date),
        notes: order.notes.clone(),
        created_at: order
            .ordered_at
            .as_ref()
            .map(crate::order::time::format_rfc3339),
    };
    Built::new(Some(payload), issues)
}

/// Parses an order from JSON text and builds the Westarp body.
pub fn build_from_json(text: &str, options: &Options) -> Built<WestarpOrder> {
    let (order, issues) = Order::parse_json(text);
    if issues.iter().any(|i| i.code == "malformed_json") {
        return Built::new(None, issues);
    }
    build_order(&order, issues, options)
}

/// `toWestarpOrder` on the text path: the Westarp `POST /orders` body as JSON text.
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
        crate::body::Body::from_built,
    )
}
