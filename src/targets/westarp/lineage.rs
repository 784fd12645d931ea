//! Lineage of every field of the Westarp order body (`POST /orders`, "Bestellung anlegen"):
//! the builders' `explain` option, [`crate::explain`].

use crate::explain::{explain, rule as r, Explained, Rule};
use serde_json::Value;

/// The address rows, for `payment_address` (billing) and `shipping_address`.
macro_rules! address {
    ($p:literal, $a:literal, $fallback:literal) => {
        [
            r(concat!($p, ".name1"), &[concat!($a, ".company"), "customer.company", "customer.lastName", concat!($a, ".name")], true,
              "the company, else the person", "die Firma, sonst die Person"),
            r(concat!($p, ".name2"), &[concat!($a, ".name"), "customer.firstName", "customer.lastName"], true,
              "the person, when a company is given", "die Person, wenn eine Firma angegeben ist"),
            r(concat!($p, ".street"), &[concat!($a, ".street"), concat!($fallback, ".street")], true,
              "the street, split from the address line unless houseNumber is given", "die Straße, aus der Adresszeile getrennt, außer houseNumber ist angegeben"),
            r(concat!($p, ".house_number"), &[concat!($a, ".houseNumber"), concat!($a, ".street"), concat!($fallback, ".street")], true,
              "the house number at the end of the address line (no guessing)", "die Hausnummer am Ende der Adresszeile (ohne Raten)"),
            r(concat!($p, ".zip_code"), &[concat!($a, ".zip"), concat!($fallback, ".zip")], true, "postal code", "Postleitzahl"),
            r(concat!($p, ".city"), &[concat!($a, ".city"), concat!($fallback, ".city")], true, "city", "Ort"),
            r(concat!($p, ".country"), &[concat!($a, ".country"), concat!($fallback, ".country")], true, "ISO 3166-1 alpha-2 (names are read)", "ISO 3166-1 Alpha-2 (Namen werden gelesen)"),
            r(concat!($p, ".email"), &[concat!($a, ".email"), "customer.email"], true, "the address's e-mail, else the customer's", "E-Mail der Adresse, sonst des Kunden"),
            r(concat!($p, ".phone"), &[concat!($a, ".phone"), "customer.phone"], true, "the address's phone, else the customer's", "Telefon der Adresse, sonst des Kunden"),
        ]
    };
}

/// The payment address's rows.
pub const PAYMENT: [Rule; 9] = address!("payment_address", "billingAddress", "billingAddress");
/// The shipping address's rows.
pub const SHIPPING: [Rule; 9] = address!("shipping_address", "shippingAddress", "billingAddress");

/// The order's own rows (the addresses' are [`PAYMENT`] and [`SHIPPING`]).
pub const ORDER: &[Rule] = &[
    r(
        "code",
        &["number"],
        false,
        "the shop's order number",
        "Bestellnummer des Shops",
    ),
    r(
        "type",
        &["options.type"],
        false,
        "email, shop (the default), phone, fax or post",
        "email, shop (Standard), phone, fax oder post",
    ),
    r(
        "person.firstname",
        &["customer.firstName"],
        false,
        "who orders: first name",
        "Besteller: Vorname",
    ),
    r(
        "person.lastname",
        &["customer.lastName"],
        false,
        "who orders: last name",
        "Besteller: Nachname",
    ),
    r(
        "person.company",
        &["customer.company"],
        false,
        "who orders: company",
        "Besteller: Firma",
    ),
    r(
        "person.email",
        &["customer.email"],
        false,
        "who orders: e-mail",
        "Besteller: E-Mail",
    ),
    r(
        "person.verkehrsnummer",
        &["customer.tradeNumber"],
        false,
        "the book trade's Verkehrsnummer",
        "Verkehrsnummer des Buchhandels",
    ),
    r(
        "payment_method_id",
        &["payment.method", "options.paymentMethodIds"],
        false,
        "payment method id (1, 3, 6, 8, 9) from paymentMethodIds; invoice → 3 built in",
        "Zahlungsart-ID (1, 3, 6, 8, 9) aus paymentMethodIds; invoice → 3 eingebaut",
    ),
    r(
        "shipping_method_name",
        &["shipping.methodName"],
        false,
        "printed on the invoice; required",
        "steht auf der Rechnung; Pflicht",
    ),
    r(
        "shipping_cost",
        &["shipping.cost"],
        false,
        "net shipping cost; required",
        "Versandkosten netto; Pflicht",
    ),
    r(
        "items[].type",
        &["items[]"],
        false,
        "every line is a book",
        "jede Position ist ein Buch",
    ),
    r(
        "items[].isbn",
        &["items[].isbn", "items[].sku"],
        true,
        "ISBN-13 as 13 digits (check digit verified, ISBN-10 converted)",
        "ISBN-13 als 13 Ziffern (Prüfziffer geprüft, ISBN-10 umgerechnet)",
    ),
    r(
        "items[].quantity",
        &["items[].quantity"],
        false,
        "a positive whole number (returns are refused)",
        "positive ganze Zahl (Retouren werden abgelehnt)",
    ),
    r(
        "items[].discount_rate",
        &[
            "items[].discountPercent",
            "items[].discount",
            "items[].unitPrice",
        ],
        false,
        "discount in percent: discountPercent, or discount ÷ unit price × 100",
        "Rabatt in Prozent: discountPercent oder Rabatt ÷ Stückpreis × 100",
    ),
    r(
        "delivery_date",
        &["deliveryDate"],
        false,
        "delivery date",
        "Liefertermin",
    ),
    r("notes", &["notes"], false, "notes", "Bemerkungen"),
    r(
        "created_at",
        &["orderedAt"],
        false,
        "the order's time, RFC 3339",
        "Bestellzeitpunkt, RFC 3339",
    ),
];

/// The lineage of every field of a built Westarp order body.
pub fn of(payload: &Value, order: &Value) -> Vec<Explained> {
    let rules: Vec<Rule> = ORDER
        .iter()
        .chain(PAYMENT.iter())
        .chain(SHIPPING.iter())
        .copied()
        .collect();
    explain(&rules, payload, order, &|_, _| None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_the_documents_sample_has_its_lineage() {
        let text = include_str!("../../../tests/fixtures/westarp/order_seed_example.order.json");
        let (order, issues) = crate::order::Order::parse_json(text);
        let mut opts = crate::issue::Issues::new();
        let options = super::super::mapping::Options::from_value(
            &serde_json::json!({"type": "email"}),
            &mut opts,
        );
        let built = super::super::mapping::build_order(&order, issues, &options);
        let payload = serde_json::to_value(&built.payload).unwrap_or_default();
        assert!(payload.is_object(), "{:?}", built.issues);
        let value: Value = serde_json::from_str(text).unwrap_or_default();
        let got = of(&payload, &value);
        let fields: Vec<&str> = got.iter().map(|e| e.field.as_str()).collect();
        let want = crate::explain::leaf_paths(&payload);
        assert_eq!(fields, want);
        let isbn = got
            .iter()
            .find(|e| e.field == "items[0].isbn")
            .map(|e| e.from.clone());
        assert_eq!(isbn, Some(vec!["items[0].isbn".to_owned()]));
    }
}
