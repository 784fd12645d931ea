//! Lineage of every field of the `POST /erp/orders` body (§2.1): which canonical order fields
//! it is made from and by which rule (the builders' `explain` option, [`crate::explain`]).
//! Kept beside the mapping in `mod.rs`; a test checks that every field of built payloads has
//! a row.

use crate::explain::{explain, rule as r, Explained, Rule};
use serde_json::Value;

/// The rows, in the order of §2.1.
pub const RULES: &[Rule] = &[
    r("date", &["invoiceDate", "orderedAt"], true,
      "invoice date, YYYY-MM-DD: invoiceDate, else the calendar date of orderedAt in Germany (§2.1 date)",
      "Rechnungsdatum, JJJJ-MM-TT: invoiceDate, sonst das Kalenderdatum von orderedAt in Deutschland (§2.1 date)"),
    r("id", &["invoiceId"], false,
      "the invoice's sequential database id, without gaps, not the invoice number (§2.1 id)",
      "fortlaufende Datenbank-ID der Rechnung ohne Lücken, nicht die Rechnungsnummer (§2.1 id)"),
    r("recipient.id", &["customer.id", "customer.email", "number"], true,
      "anonymous stable recipient: HMAC-SHA256 with recipientSalt of the customer id, else the lower-cased e-mail, else the order number, 20 hex digits (§2.1 recipient.id)",
      "anonymer, stabiler Empfänger: HMAC-SHA256 mit recipientSalt über Kunden-ID, sonst kleingeschriebene E-Mail, sonst Bestellnummer, 20 Hex-Ziffern (§2.1 recipient.id)"),
    r("recipient.category", &["customer.type"], false,
      "customer category (§3.1): consumer 1 … other_business 10; no type means a consumer",
      "Kundenkategorie (§3.1): consumer 1 … other_business 10; ohne Typ ein Endverbraucher"),
    r("recipient.source", &["channel"], false,
      "sales channel: online (the default), local or free text (§2.1 source)",
      "Vertriebsweg: online (Standard), local oder freier Text (§2.1 source)"),
    r("recipient.delivery", &["shipping.carrier"], false,
      "online orders: DHL, DPD, GLS; own_delivery → Zufuhr, pickup → Abholung; else free text (§2.1 delivery)",
      "Onlinebestellungen: DHL, DPD, GLS; own_delivery → Zufuhr, pickup → Abholung; sonst freier Text (§2.1 delivery)"),
    r("recipient.postalCode", &["shippingAddress.zip", "billingAddress.zip"], true,
      "online orders: the first three characters of the delivery address's postal code (§2.1 postalCode)",
      "Onlinebestellungen: die ersten drei Zeichen der Postleitzahl der Lieferadresse (§2.1 postalCode)"),
    r("recipient.country", &["shippingAddress.country", "billingAddress.country"], true,
      "online orders: the delivery country as ISO 3166-1 alpha-2, from a code or a German or English name (§2.1 country)",
      "Onlinebestellungen: Lieferland als ISO 3166-1 Alpha-2, aus Code oder deutschem/englischem Namen (§2.1 country)"),
    r("recipient.yearOfBirth", &["customer.birthYear"], false,
      "consumers (category 1) only (§2.1 yearOfBirth)",
      "nur Endverbraucher (Kategorie 1) (§2.1 yearOfBirth)"),
    r("recipient.agreesToMarketing", &["customer.marketingConsent"], false,
      "consumers only: consent to online marketing (§2.1 agreesToMarketing)",
      "nur Endverbraucher: Einwilligung in Online-Werbung (§2.1 agreesToMarketing)"),
    r("recipient.gender", &["customer.gender"], false,
      "consumers only: m, f or x (§2.1 gender)",
      "nur Endverbraucher: m, f oder x (§2.1 gender)"),
    r("recipient.paymentMethod", &["payment.method"], false,
      "consumers only: payment method (§3.2); credit_card → credit",
      "nur Endverbraucher: Zahlungsart (§3.2); credit_card → credit"),
    r("items[].id", &["items[].sku"], false,
      "article number (§2.1 items.id)",
      "Artikelnummer (§2.1 items.id)"),
    r("items[].quantity", &["items[].quantity", "items[].product.bottles"], false,
      "bottles: quantity × bottles per unit (a case of 6 counts 6); negative for returns (§2.1 quantity)",
      "Flaschen: Menge × Flaschen je Einheit (ein 6er-Karton zählt 6); negativ bei Retouren (§2.1 quantity)"),
    r("items[].category", &["items[].product.kind"], false,
      "product category (§3.3): wine 1, sparkling 2, semi_sparkling 3, alcohol_free_wine 4, open_wine 5, else 9",
      "Produktkategorie (§3.3): Wein 1, Sekt 2, Perlwein 3, alkoholfrei 4, offener Wein 5, sonst 9"),
    r("items[].size", &["items[].product.bottleSizeMl"], false,
      "bottle size in ml (§3.4), required for categories 1–5",
      "Flaschengröße in ml (§3.4), Pflicht für Kategorien 1–5"),
    r("items[].price", &["items[].unitPrice", "items[].discount", "items[].discountPercent", "items[].product.bottles", "pricesIncludeTax"], false,
      "gross price of one bottle after discount: (unit price − discount) ÷ bottles per unit, rounded half-up to cents; net prices converted with the tax rate (§2.1 price)",
      "Bruttopreis einer Flasche nach Rabatt: (Stückpreis − Rabatt) ÷ Flaschen je Einheit, kaufmännisch auf Cent gerundet; Nettopreise mit dem Steuersatz umgerechnet (§2.1 price)"),
    r("items[].tax", &["items[].taxRate", "items[].unitPrice", "items[].discount", "items[].discountPercent", "items[].product.bottles"], false,
      "VAT contained in price: price − price ÷ (1 + tax rate), to the cent (§2.1 tax)",
      "in price enthaltene Mehrwertsteuer: Preis − Preis ÷ (1 + Steuersatz), auf den Cent (§2.1 tax)"),
    r("items[].discount", &["items[].discount", "items[].discountPercent", "items[].unitPrice", "items[].product.bottles"], false,
      "discount on one bottle, gross: the unit discount (or unit price × percent) ÷ bottles per unit, to the cent (§2.1 discount)",
      "Rabatt je Flasche, brutto: Stückrabatt (oder Stückpreis × Prozent) ÷ Flaschen je Einheit, auf den Cent (§2.1 discount)"),
    r("items[].organic", &["items[].product.organic"], false,
      "certified organic, optional (§2.1 organic)",
      "zertifiziert ökologisch, optional (§2.1 organic)"),
    r("items[].quality", &["items[].product.quality"], false,
      "quality level (§3.5): wine 1–4, sparkling wine 5–7, from a name or number",
      "Qualitätsstufe (§3.5): Wein 1–4, Sekt 5–7, aus Name oder Nummer"),
    r("items[].grapes[]", &["items[].product.grapes[]"], false,
      "wine only: grape variety numbers (§3.6), from names, synonyms or numbers",
      "nur Wein: Rebsortennummern (§3.6), aus Namen, Synonymen oder Nummern"),
    r("items[].wineType", &["items[].product.wineType"], false,
      "wine only: wine type (§3.7) from a German or English name",
      "nur Wein: Weintyp (§3.7) aus deutschem oder englischem Namen"),
    r("items[].taste", &["items[].product.taste"], false,
      "wine (required) and sparkling wine: taste (§3.8)",
      "Wein (Pflicht) und Sekt: Geschmack (§3.8)"),
    r("items[].vdp", &["items[].product.vdp"], false,
      "wine only: VDP classification (§3.9), null outside it",
      "nur Wein: VDP-Klassifikation (§3.9), null außerhalb"),
];

/// The lineage of every field of a built Geisenheim payload.
pub fn of(payload: &Value, order: &Value) -> Vec<Explained> {
    explain(RULES, payload, order, &|_, _| None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::Explained;

    fn build(order: &str) -> (Value, Value) {
        let built = super::super::build_from_json(
            order,
            &super::super::Options {
                recipient_salt: Some("a-long-secret-salt-of-this-shop".into()),
                strict: false,
            },
        );
        let payload = serde_json::to_value(built.payload).unwrap_or_default();
        (payload, serde_json::from_str(order).unwrap_or_default())
    }

    #[test]
    fn every_field_of_every_example_payload_has_its_lineage() {
        for text in [
            include_str!("../../../tests/fixtures/geisenheim_seed_example.order.json"),
            include_str!("../../../examples/b2c_online_wine.json"),
            include_str!("../../../examples/b2b_gastronomy.json"),
            include_str!("../../../examples/local_farm_shop_sale.json"),
            include_str!("../../../examples/sparkling_wine.json"),
            include_str!("../../../examples/return.json"),
        ] {
            let (payload, order) = build(text);
            assert!(payload.is_object(), "{text}");
            let want = crate::explain::leaf_paths(&payload);
            let got: Vec<String> = of(&payload, &order).into_iter().map(|e| e.field).collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn price_names_unit_price_discount_and_bottles_and_the_rule() {
        let (payload, order) = build(include_str!("../../../examples/b2c_online_wine.json"));
        let all = of(&payload, &order);
        let find = |f: &str| -> Option<&Explained> { all.iter().find(|e| e.field == f) };
        // Which item has a discount and bottles per unit in this example decides the sources.
        let items = order["items"].as_array().cloned().unwrap_or_default();
        for (i, item) in items.iter().enumerate() {
            let e = find(&format!("items[{i}].price")).expect("price explained");
            let mut want = vec![format!("items[{i}].unitPrice")];
            if item.get("discount").is_some() {
                want.push(format!("items[{i}].discount"));
            }
            if item.get("discountPercent").is_some() {
                want.push(format!("items[{i}].discountPercent"));
            }
            if item["product"].get("bottles").is_some() {
                want.push(format!("items[{i}].product.bottles"));
            }
            if order.get("pricesIncludeTax").is_some() {
                want.push("pricesIncludeTax".into());
            }
            assert_eq!(e.from, want);
            assert!(e.rule.contains("gross price of one bottle after discount"));
            assert!(e.rule.contains("§2.1"));
            assert!(e.rule_de.contains("Bruttopreis einer Flasche"));
        }
        let id = find("recipient.id").expect("recipient id explained");
        assert_eq!(id.from.len(), 1, "{:?}", id.from);
        assert!(id.rule.contains("recipientSalt"));
    }
}
