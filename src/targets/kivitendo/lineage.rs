//! Lineage of every field of kivitendo's `<customer>` and `<order>` documents (the builders'
//! `explain` option, [`crate::explain`]), named as in the JSON form of the record
//! (`customer.contacts.contact[0].first_name`); the XML form writes `-` for `_`.

use crate::explain::{explain, rule as r, Explained, Rule};
use serde_json::Value;

/// `<customer>` (slides: Customer → customer, Contact → contacts, Shipping → shipto).
pub const CUSTOMER: &[Rule] = &[
    r(
        "customer.customernumber",
        &["customer.id"],
        false,
        "customerNumber: shop",
        "customerNumber: shop",
    ),
    r(
        "customer.name",
        &[
            "customer.company",
            "billingAddress.company",
            "customer.lastName",
            "billingAddress.name",
        ],
        true,
        "the company, else first and last name, else the billing name; required",
        "Firma, sonst Vor- und Nachname, sonst Name der Rechnungsadresse; Pflicht",
    ),
    r(
        "customer.street",
        &["billingAddress.street", "billingAddress.houseNumber"],
        false,
        "street and house number in one line",
        "Straße und Hausnummer in einer Zeile",
    ),
    r(
        "customer.zipcode",
        &["billingAddress.zip"],
        false,
        "postal code of the billing address",
        "Postleitzahl der Rechnungsadresse",
    ),
    r(
        "customer.city",
        &["billingAddress.city"],
        false,
        "city of the billing address",
        "Ort der Rechnungsadresse",
    ),
    r(
        "customer.country",
        &["billingAddress.country"],
        false,
        "the country's German name (Deutschland), unknown text as given",
        "deutscher Ländername (Deutschland), unbekannter Text wie angegeben",
    ),
    r(
        "customer.phone",
        &["customer.phone", "billingAddress.phone"],
        true,
        "the customer's phone, else the billing address's",
        "Telefon des Kunden, sonst der Rechnungsadresse",
    ),
    r("customer.fax", &["customer.fax"], false, "fax", "Fax"),
    r(
        "customer.homepage",
        &["customer.homepage"],
        false,
        "homepage",
        "Homepage",
    ),
    r(
        "customer.email",
        &["customer.email", "billingAddress.email"],
        true,
        "the customer's e-mail, else the billing address's",
        "E-Mail des Kunden, sonst der Rechnungsadresse",
    ),
    r(
        "customer.ustid",
        &["customer.vatId"],
        false,
        "VAT id (USt-IdNr.)",
        "USt-IdNr.",
    ),
    r(
        "customer.taxzone_id",
        &["options.taxzoneId"],
        false,
        "kivitendo's tax zone id, from the options; required",
        "Steuerzonen-ID von kivitendo, aus den Optionen; Pflicht",
    ),
    r(
        "customer.currency_id",
        &["options.currencyId"],
        false,
        "kivitendo's currency id, from the options; required",
        "Währungs-ID von kivitendo, aus den Optionen; Pflicht",
    ),
    r(
        "customer.payment_id",
        &["options.paymentId"],
        false,
        "kivitendo's payment terms id, from the options",
        "Zahlungsbedingungs-ID von kivitendo, aus den Optionen",
    ),
    r(
        "customer.contacts.contact[].gender",
        &["customer.gender"],
        false,
        "the contact person's gender (m, f, x)",
        "Geschlecht der Kontaktperson (m, f, x)",
    ),
    r(
        "customer.contacts.contact[].title",
        &["customer.title"],
        false,
        "the contact person's title",
        "Titel der Kontaktperson",
    ),
    r(
        "customer.contacts.contact[].first_name",
        &["customer.firstName"],
        false,
        "the contact person's first name",
        "Vorname der Kontaktperson",
    ),
    r(
        "customer.contacts.contact[].fist_name",
        &["customer.firstName"],
        false,
        "first name, in the tag of the plugin before 0.3.0",
        "Vorname, im Tag des Plugins vor 0.3.0",
    ),
    r(
        "customer.contacts.contact[].last_name",
        &["customer.lastName"],
        false,
        "the contact person's last name",
        "Nachname der Kontaktperson",
    ),
    r(
        "customer.shippings.shipping[].company",
        &["shippingAddress.company"],
        false,
        "delivery address (shipto): company",
        "Lieferadresse (shipto): Firma",
    ),
    r(
        "customer.shippings.shipping[].contact",
        &["shippingAddress.name"],
        false,
        "delivery address: the person",
        "Lieferadresse: die Person",
    ),
    r(
        "customer.shippings.shipping[].gender",
        &["shippingAddress.gender"],
        false,
        "delivery address: the person's gender",
        "Lieferadresse: Geschlecht der Person",
    ),
    r(
        "customer.shippings.shipping[].street",
        &["shippingAddress.street", "shippingAddress.houseNumber"],
        false,
        "delivery address: street and house number in one line",
        "Lieferadresse: Straße und Hausnummer in einer Zeile",
    ),
    r(
        "customer.shippings.shipping[].zipcode",
        &["shippingAddress.zip"],
        false,
        "delivery address: postal code",
        "Lieferadresse: Postleitzahl",
    ),
    r(
        "customer.shippings.shipping[].city",
        &["shippingAddress.city"],
        false,
        "delivery address: city",
        "Lieferadresse: Ort",
    ),
    r(
        "customer.shippings.shipping[].country",
        &["shippingAddress.country"],
        false,
        "delivery address: the country's German name",
        "Lieferadresse: deutscher Ländername",
    ),
    r(
        "customer.shippings.shipping[].email",
        &["shippingAddress.email"],
        false,
        "delivery address: e-mail",
        "Lieferadresse: E-Mail",
    ),
];

/// `<order>` with its `<orderitems>` (slides: Order → oe, Orderitem → orderitems).
pub const ORDER: &[Rule] = &[
    r("order.order_number", &["number"], false,
      "the shop's order number (orderNumber: \"shop\"): the sync finds orders by it",
      "Bestellnummer des Shops (orderNumber: \"shop\"): der Abgleich findet Aufträge darüber"),
    r("order.quote_number", &["number"], false,
      "the shop's order number",
      "Bestellnummer des Shops"),
    r("order.shop_number", &["number"], false, "the shop's order number", "Bestellnummer des Shops"),
    r("order.record_type", &["options.recordType"], false, "sales_order by default (kivitendo ≥ 3.9 requires it)", "standardmäßig sales_order (kivitendo ≥ 3.9 verlangt es)"),
    r("order.customer_id", &["options.customerId"], false, "kivitendo's customer id (find or create the customer first); required", "kivitendo-Kunden-ID (Kunde vorher suchen oder anlegen); Pflicht"),
    r("order.contact_id", &["options.contactId"], false, "kivitendo's contact id", "kivitendo-Kontakt-ID"),
    r("order.gross_total", &["items", "pricesIncludeTax", "shipping.cost"], false,
      "gross total: lines qty × price × (1 − discount), tax per rate on its sum, each to the cent",
      "Bruttosumme: Positionen Menge × Preis × (1 − Rabatt), Steuer je Satz auf dessen Summe, je auf den Cent"),
    r("order.net_total", &["items", "pricesIncludeTax", "shipping.cost"], false,
      "net total, computed as the gross total",
      "Nettosumme, berechnet wie die Bruttosumme"),
    r("order.taxincluded", &["pricesIncludeTax"], false, "true when the prices are gross; prices are sent as given", "true bei Bruttopreisen; Preise werden wie angegeben gesendet"),
    r("order.order_date", &["orderedAt", "invoiceDate"], true, "the calendar date of orderedAt in Germany", "Kalenderdatum von orderedAt in Deutschland"),
    r("order.delivery_date", &["deliveryDate"], false, "delivery date", "Liefertermin"),
    r("order.shipvia", &["shipping.methodName", "shipping.carrier"], true, "shipping method name, else the carrier", "Versandart, sonst der Versender"),
    r("order.notes", &["notes"], false, "notes", "Bemerkungen"),
    r("order.payment_id", &["options.paymentId"], false, "kivitendo's payment terms id", "Zahlungsbedingungs-ID von kivitendo"),
    r("order.taxzone_id", &["options.taxzoneId"], false, "kivitendo's tax zone id; required", "Steuerzonen-ID von kivitendo; Pflicht"),
    r("order.currency_id", &["options.currencyId"], false, "kivitendo's currency id; required", "Währungs-ID von kivitendo; Pflicht"),
    r("order.orderitems.orderitem[].position", &["items[]"], false, "the line's position, counting from 1", "Positionsnummer, ab 1"),
    r("order.orderitems.orderitem[].product_id", &["items[].sku", "options.productIds"], false, "kivitendo's product id for the SKU (productIds); required", "kivitendo-Produkt-ID zur Artikelnummer (productIds); Pflicht"),
    r("order.orderitems.orderitem[].description", &["items[].name", "items[].sku"], true, "the item's name, else its SKU", "Artikelname, sonst die Artikelnummer"),
    r("order.orderitems.orderitem[].price", &["items[].unitPrice"], false, "unit price before discount, gross or net as the order", "Stückpreis vor Rabatt, brutto oder netto wie die Bestellung"),
    r("order.orderitems.orderitem[].discount", &["items[].discountPercent", "items[].discount", "items[].unitPrice"], false,
      "discount as a fraction: percent ÷ 100, or discount ÷ unit price",
      "Rabatt als Anteil: Prozent ÷ 100 oder Rabatt ÷ Stückpreis"),
    r("order.orderitems.orderitem[].qty", &["items[].quantity"], false, "quantity", "Menge"),
    r("order.orderitems.orderitem[].unit", &["items[].unit"], false, "unit, Stck by default", "Einheit, standardmäßig Stck"),
    r("order.orderitems.orderitem[].base_qty", &["items[].quantity"], false, "quantity", "Menge"),
    r("order.orderitems.orderitem[shipping].position", &["shipping.cost"], false, "the shipping line follows the items", "die Versandposition folgt den Artikeln"),
    r("order.orderitems.orderitem[shipping].product_id", &["options.shippingProductId"], false, "the shipping product's id (shippingProductId)", "ID des Versandartikels (shippingProductId)"),
    r("order.orderitems.orderitem[shipping].description", &["shipping.methodName", "shipping.carrier"], true, "the shipping method's name", "Name der Versandart"),
    r("order.orderitems.orderitem[shipping].price", &["shipping.cost"], false, "shipping cost, at shipping.taxRate (else the items' single rate)", "Versandkosten, zu shipping.taxRate (sonst dem einen Satz der Artikel)"),
    r("order.orderitems.orderitem[shipping].discount", &["shipping.cost"], false, "no discount on shipping", "kein Rabatt auf Versand"),
    r("order.orderitems.orderitem[shipping].qty", &["shipping.cost"], false, "one shipping line", "eine Versandposition"),
    r("order.orderitems.orderitem[shipping].unit", &["shipping.cost"], false, "Stck", "Stck"),
    r("order.orderitems.orderitem[shipping].base_qty", &["shipping.cost"], false, "one shipping line", "eine Versandposition"),
];

/// The lineage of every field of a `<customer>` record (JSON form).
pub fn customer(payload: &Value, order: &Value) -> Vec<Explained> {
    explain(CUSTOMER, payload, order, &|_, _| None)
}

/// The lineage of every field of an `<order>` record (JSON form); the line after the items
/// is the shipping line.
pub fn order(payload: &Value, order: &Value) -> Vec<Explained> {
    let items = order
        .get("items")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    explain(ORDER, payload, order, &|field, idx| {
        (field.starts_with("order.orderitems.orderitem[]") && idx.first() == Some(&items))
            .then(|| field.replacen("orderitem[]", "orderitem[shipping]", 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::Order;
    use crate::targets::kivitendo::{
        build_customer, build_order, record::Format, Document, Options,
    };

    #[test]
    fn every_field_of_customer_and_order_documents_has_its_lineage() {
        let opts = serde_json::json!({"taxzoneId": 4, "currencyId": 1, "customerId": 17, "contactId": 5,
            "paymentId": 3, "shippingProductId": 99, "format": "json",
            "productIds": {"127/4": 1, "RIE-GW-22": 2, "DOR-21": 3, "RIE-BIB": 4, "SEKT-BR": 5, "1001": 6, "2003": 7, "4410": 8}});
        let mut seen_shipping = false;
        for (legacy, text) in [
            (false, include_str!("../../../examples/b2b_gastronomy.json")),
            (true, include_str!("../../../examples/b2c_online_wine.json")),
            (
                false,
                include_str!("../../../tests/fixtures/kivitendo/customer_seed_example.order.json"),
            ),
        ] {
            let mut o = opts.clone();
            o["legacyFirstNameTag"] = legacy.into();
            let value: Value = serde_json::from_str(text).unwrap_or_default();
            // Every SKU gets an id, whatever the example calls it.
            for item in value["items"].as_array().into_iter().flatten() {
                if let Some(sku) = item["sku"].as_str() {
                    o["productIds"][sku] = 9.into();
                }
            }
            let mut issues = crate::issue::Issues::new();
            let options = Options::from_value(&o, &mut issues);
            let (order, order_issues) = Order::parse_json(text);
            for (doc, explain_fn) in [
                (
                    build_customer(&order, order_issues.clone(), &options),
                    customer as fn(&Value, &Value) -> Vec<Explained>,
                ),
                (
                    build_order(&order, order_issues.clone(), &options),
                    super::order,
                ),
            ] {
                let doc = Document::new(doc, Format::Json);
                let payload = doc.payload.unwrap_or_default();
                assert!(payload.is_object(), "{:?}", doc.issues);
                let want = crate::explain::leaf_paths(&payload);
                let got = explain_fn(&payload, &value);
                seen_shipping |= got.iter().any(|e| e.rule.starts_with("shipping cost"));
                assert_eq!(got.into_iter().map(|e| e.field).collect::<Vec<_>>(), want);
            }
        }
        assert!(seen_shipping, "no example had a shipping line");
    }
}
