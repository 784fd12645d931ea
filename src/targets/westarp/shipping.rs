//! Westarp shipping methods and their cost: `weight` (a table of weight thresholds in grams to
//! net prices; the highest threshold at or below the weight applies), `fixed` (a flat price;
//! the text says `fixed`, the sample shows `fix`: both are read) and `linear` (a price per
//! started kilogram).

use crate::decimal::Decimal;
use serde_json::Value;
use thiserror::Error;

use crate::money;

/// How a method prices a parcel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShippingType {
    /// Table by weight.
    Weight,
    /// Flat price (`fixed` or `fix`).
    Fixed,
    /// Price per started kilogram.
    Linear,
    /// A type the document does not describe.
    Other(String),
}

/// A shipping method as `GET /shipping-methods` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingMethod {
    /// Method id.
    pub id: Option<i64>,
    /// Name (`DHL, Inland`).
    pub name: String,
    /// Pricing type.
    pub kind: ShippingType,
    /// Price for `fixed` and `linear` (net).
    pub price: Option<Decimal>,
    /// Thresholds in grams with their net prices, ascending, for `weight`.
    pub rates: Vec<(u64, Decimal)>,
}

/// Why no cost can be computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ShippingError {
    /// Not a shipping method object, or a field of the wrong type.
    #[error("not a shipping method: {0}")]
    Invalid(String),
    /// A `fixed` or `linear` method without a price.
    #[error("the method has no price")]
    NoPrice,
    /// A `weight` method whose table starts above the weight.
    #[error("no rate for {0} g (the table starts higher)")]
    NoRate(u64),
    /// A pricing type the document does not describe.
    #[error("unknown shipping type {0:?}")]
    UnknownType(String),
}

impl ShippingMethod {
    /// Reads a method from JSON (`{ id, name, type, price, rates: { "0": 2.95, … } }`).
    pub fn from_value(v: &Value) -> Result<ShippingMethod, ShippingError> {
        let obj = v
            .as_object()
            .ok_or_else(|| ShippingError::Invalid("expected an object".into()))?;
        let kind = match obj.get("type").and_then(Value::as_str).map(str::trim) {
            Some("weight") => ShippingType::Weight,
            Some("fixed" | "fix") => ShippingType::Fixed,
            Some("linear") => ShippingType::Linear,
            Some(other) => ShippingType::Other(other.to_owned()),
            None => return Err(ShippingError::Invalid("type is missing".into())),
        };
        let amount = |v: &Value| -> Result<Decimal, ShippingError> {
            money::from_value(v)
                .map_err(|_| ShippingError::Invalid(format!("{v} is not an amount")))
        };
        let price = match obj.get("price") {
            None | Some(Value::Null) => None,
            Some(p) => Some(amount(p)?),
        };
        let mut rates = Vec::new();
        if let Some(table) = obj.get("rates").and_then(Value::as_object) {
            for (grams, p) in table {
                let g = grams.trim().parse::<u64>().map_err(|_| {
                    ShippingError::Invalid(format!("rate key {grams:?} is not a weight in grams"))
                })?;
                rates.push((g, amount(p)?));
            }
        }
        rates.sort_by_key(|(g, _)| *g);
        Ok(ShippingMethod {
            id: obj.get("id").and_then(Value::as_i64),
            name: obj
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            kind,
            price,
            rates,
        })
    }

    /// The net cost of a parcel of `weight_grams`.
    pub fn cost(&self, weight_grams: u64) -> Result<Decimal, ShippingError> {
        match &self.kind {
            ShippingType::Fixed => self.price.ok_or(ShippingError::NoPrice),
            ShippingType::Linear => {
                let price = self.price.ok_or(ShippingError::NoPrice)?;
                let started_kg = weight_grams.div_ceil(1000);
                Ok(price * Decimal::from(started_kg))
            }
            ShippingType::Weight => self
                .rates
                .iter()
                .rev()
                .find(|(g, _)| *g <= weight_grams)
                .map(|(_, p)| *p)
                .ok_or(ShippingError::NoRate(weight_grams)),
            ShippingType::Other(t) => Err(ShippingError::UnknownType(t.clone())),
        }
    }
}

/// The weight of an order's parcel: each item's `weightGrams` × `quantity`. Items without a
/// weight are returned as their indexes (the cost would be a guess without them).
pub fn order_weight_grams(order: &crate::order::Order) -> Result<u64, Vec<usize>> {
    let mut total: u64 = 0;
    let mut missing = Vec::new();
    for (i, item) in order.items.iter().enumerate() {
        match item.weight_grams {
            Some(w) => total = total.saturating_add(w.saturating_mul(item.quantity.unsigned_abs())),
            None => missing.push(i),
        }
    }
    if missing.is_empty() {
        Ok(total)
    } else {
        Err(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// The three methods of the document's sample.
    fn sample() -> Vec<ShippingMethod> {
        let v = json!([
            {"id": 1, "name": "Spedition", "type": "linear", "price": 0.75, "rates": null},
            {"id": 4, "name": "DHL, Inland", "type": "weight", "price": null,
             "rates": {"0": 2.95, "1001": 4.99, "2001": 8.69, "5001": 12.69, "10001": 24.39}},
            {"id": 17, "name": "Freilieferung", "type": "fix", "price": 0, "rates": null}
        ]);
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| ShippingMethod::from_value(m).unwrap())
            .collect()
    }

    #[test]
    fn weight_tables_take_the_highest_threshold_at_or_below() {
        let dhl = &sample()[1];
        assert_eq!(dhl.cost(0), Ok(d("2.95")));
        assert_eq!(dhl.cost(1000), Ok(d("2.95")));
        assert_eq!(dhl.cost(1001), Ok(d("4.99")));
        assert_eq!(dhl.cost(5000), Ok(d("8.69")));
        assert_eq!(dhl.cost(25_000), Ok(d("24.39")));
    }

    #[test]
    fn linear_prices_each_started_kilogram() {
        let spedition = &sample()[0];
        assert_eq!(spedition.cost(1), Ok(d("0.75")));
        assert_eq!(spedition.cost(1000), Ok(d("0.75")));
        assert_eq!(spedition.cost(1001), Ok(d("1.50")));
        assert_eq!(spedition.cost(0), Ok(d("0")));
    }

    #[test]
    fn fixed_reads_both_spellings() {
        assert_eq!(sample()[2].kind, ShippingType::Fixed);
        assert_eq!(sample()[2].cost(12_345), Ok(d("0")));
        let fixed = ShippingMethod::from_value(
            &json!({"name": "Pauschal", "type": "fixed", "price": "4.90"}),
        )
        .unwrap();
        assert_eq!(fixed.cost(99), Ok(d("4.90")));
    }

    #[test]
    fn an_orders_weight_comes_from_its_items() {
        let text = r#"{"items":[{"sku":"a","quantity":2,"unitPrice":1,"taxRate":7,"weightGrams":348},
                                {"sku":"b","quantity":1,"unitPrice":1,"taxRate":7,"weightGrams":500}]}"#;
        let (order, _) = crate::order::Order::parse_json(text);
        assert_eq!(order_weight_grams(&order), Ok(1196));
        assert_eq!(sample()[1].cost(1196), Ok(d("4.99")));
        let (partial, _) = crate::order::Order::parse_json(
            r#"{"items":[{"sku":"a","quantity":1},{"sku":"b","quantity":1,"weightGrams":5}]}"#,
        );
        assert_eq!(order_weight_grams(&partial), Err(vec![0]));
    }

    #[test]
    fn broken_methods_are_errors() {
        assert!(
            ShippingMethod::from_value(&json!({"type": "weight", "rates": {"abc": 1}})).is_err()
        );
        let empty =
            ShippingMethod::from_value(&json!({"type": "weight", "rates": {"500": 1}})).unwrap();
        assert_eq!(empty.cost(100), Err(ShippingError::NoRate(100)));
        let odd = ShippingMethod::from_value(&json!({"type": "volume", "price": 1})).unwrap();
        assert!(matches!(odd.cost(1), Err(ShippingError::UnknownType(_))));
    }
}
