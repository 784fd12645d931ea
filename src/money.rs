//! Exact decimal amounts: parsing from JSON numbers or decimal strings, VAT split gross ↔ net,
//! rounding half-up (away from zero) to cents. No `f64` arithmetic anywhere.

use crate::decimal::Decimal;
use std::str::FromStr;
use thiserror::Error;

use crate::json::Json;

/// Why a value is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AmountError {
    /// Neither a JSON number nor a string.
    #[error("expected a decimal number or a decimal string")]
    NotANumber,
    /// A string that is not a decimal such as `"7.50"`.
    #[error("not a decimal: {0:?} (write amounts like \"7.50\", with a dot)")]
    Malformed(String),
    /// Too large or too precise to hold exactly.
    #[error("out of range: {0}")]
    OutOfRange(String),
}

/// Largest amount kontor accepts (a billion in the order's currency).
pub fn max_amount() -> Decimal {
    Decimal::from(1_000_000_000i64)
}

/// Reads an amount from a JSON value: a number (read by its shortest decimal representation,
/// which is what JavaScript prints) or a decimal string such as `"7.50"`.
pub fn from_json(value: &Json<'_>) -> Result<Decimal, AmountError> {
    match value {
        Json::Int(i) => Ok(Decimal::from(*i)),
        Json::UInt(u) => Ok(Decimal::from(*u)),
        Json::Float(f) => from_f64(*f),
        Json::Str(s) => parse_str(crate::text::trim(s)),
        _ => Err(AmountError::NotANumber),
    }
}

/// [`from_json`] for an owned [`serde_json::Value`] (API answers, options).
pub fn from_value(value: &serde_json::Value) -> Result<Decimal, AmountError> {
    match value {
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Ok(Decimal::from(i)),
            (None, Some(u), _) => Ok(Decimal::from(u)),
            (None, None, Some(f)) => from_f64(f),
            _ => Err(AmountError::NotANumber),
        },
        serde_json::Value::String(s) => parse_str(crate::text::trim(s)),
        _ => Err(AmountError::NotANumber),
    }
}

/// A JSON float by its shortest decimal text (what JavaScript prints).
fn from_f64(f: f64) -> Result<Decimal, AmountError> {
    if !f.is_finite() {
        return Err(AmountError::OutOfRange("not a finite number".into()));
    }
    let mut buf = zmij::Buffer::new();
    let text = buf.format_finite(f);
    // Exponent notation means below 0.00001 or beyond 10^16: no order amount (as a decimal
    // string such amounts are read exactly).
    if text.contains('e') {
        return Err(AmountError::OutOfRange(text.to_owned()));
    }
    parse_str(text)
}

/// Parses a decimal string (`"7.50"`, `"-3"`, `".5"` is refused). No exponent, no comma.
pub fn parse_str(s: &str) -> Result<Decimal, AmountError> {
    let ok_shape = {
        let body = s.strip_prefix('-').unwrap_or(s);
        let mut parts = body.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    };
    if !ok_shape {
        return Err(AmountError::Malformed(shorten(s)));
    }
    if s.len() > 40 {
        return Err(AmountError::OutOfRange(shorten(s)));
    }
    Decimal::from_str(s).map_err(|_| AmountError::OutOfRange(shorten(s)))
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 24 {
        let head: String = s.chars().take(24).collect();
        format!("{head}…")
    } else {
        s.to_owned()
    }
}

/// Rounds to cents, half-up (away from zero): 1.195 → 1.20, -1.195 → -1.20.
pub fn round_cents(d: Decimal) -> Decimal {
    d.round_dp(2)
}

/// `rate` percent as a factor: 19 → 1.19.
fn factor(rate_percent: Decimal) -> Decimal {
    Decimal::ONE + rate_percent / Decimal::ONE_HUNDRED
}

/// Gross from net at `rate_percent`, exact (not rounded).
pub fn gross_from_net(net: Decimal, rate_percent: Decimal) -> Decimal {
    net * factor(rate_percent)
}

/// Net from gross at `rate_percent` (exact to 28 digits, not rounded).
pub fn net_from_gross(gross: Decimal, rate_percent: Decimal) -> Decimal {
    let f = factor(rate_percent);
    if f.is_zero() {
        return gross;
    }
    gross / f
}

/// The VAT contained in a gross amount, rounded to cents: 7.50 at 19 % → 1.20.
///
/// `gross − gross / (1 + rate/100)` is `gross · rate / (100 + rate)`: for amounts and rates
/// of the usual size that fraction is rounded exactly in integers (`vat_in_gross_exact`); other
/// values take rust_decimal's division (`vat_in_gross_decimal`). The two agree
/// (differential test `vat_fast_path_matches_rust_decimal`).
pub fn vat_in_gross(gross: Decimal, rate_percent: Decimal) -> Decimal {
    vat_in_gross_exact(gross, rate_percent)
        .unwrap_or_else(|| vat_in_gross_decimal(gross, rate_percent))
}

/// [`vat_in_gross`] through rust_decimal: the net to 28 digits, subtracted, rounded to cents.
fn vat_in_gross_decimal(gross: Decimal, rate_percent: Decimal) -> Decimal {
    round_cents(gross - net_from_gross(gross, rate_percent))
}

/// `gross · rate / (100 + rate)` rounded half away from zero to cents, in `u64`, when the
/// gross has fewer than 13 digits and at most 6 places and the rate is 0 to 1000 with at most
/// 2 places (`None` otherwise). Exact: no intermediate rounding.
fn vat_in_gross_exact(gross: Decimal, rate_percent: Decimal) -> Option<Decimal> {
    let (gs, rs) = (gross.scale(), rate_percent.scale());
    if gs > 6 || rs > 2 {
        return None;
    }
    let gm = u64::try_from(gross.mantissa().unsigned_abs()).ok()?;
    let rm = u64::try_from(rate_percent.mantissa()).ok()?;
    let rate_unit = 10u64.pow(rs);
    if gm >= 1_000_000_000_000 || rm > 1000 * rate_unit {
        return None;
    }
    // gross = gm / 10^gs, rate = rm / 10^rs: cents = gm · rm · 100 / (10^gs · (100 · 10^rs + rm)),
    // at most 10^12 · 10^5 · 100 = 10^19 < 2^64.
    let num = gm * rm * 100;
    let den = 10u64.pow(gs) * (100 * rate_unit + rm);
    let (q, r) = (num / den, num % den);
    let cents = i128::from(q + u64::from(2 * r >= den));
    Decimal::from_mantissa_scale(if gross.mantissa() < 0 { -cents } else { cents }, 2)
}

/// A decimal as the `f64` nearest to it, for JSON output only (never for arithmetic).
///
/// For amounts of up to 15 significant digits the shortest representation of that `f64` is
/// the decimal itself, so `7.5` is written `7.5`.
pub fn to_f64(d: Decimal) -> f64 {
    // Trailing zeros do not change the quotient: 890 / 100 and 89 / 10 are the same f64.
    let m = d.mantissa();
    // Both operands are exact f64 values here, and IEEE division rounds correctly, so the
    // quotient is the f64 nearest to the decimal (no string round trip, no big tables).
    if m.unsigned_abs() < (1u128 << 53) && d.scale() <= 22 {
        let mut p = 1.0f64;
        for _ in 0..d.scale() {
            p *= 10.0;
        }
        return m as f64 / p;
    }
    d.to_f64()
}

/// Serde helper: serialise a decimal as a JSON number.
pub fn serialize_number<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(to_f64(*d))
}

/// Serde helper: serialise a decimal as a JSON integer when it is whole (`20`), else as a
/// number (`12.5`); for rates and percentages.
pub fn serialize_compact<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let n = d.normalize();
    if n.scale() == 0 {
        if let Ok(i) = i64::try_from(n.mantissa()) {
            return s.serialize_i64(i);
        }
    }
    s.serialize_f64(to_f64(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_json(v: serde_json::Value) -> Result<Decimal, AmountError> {
        let text = v.to_string();
        super::from_json(crate::json::parse(&text).unwrap().root())
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn the_geisenheim_example_price_carries_1_20_tax() {
        assert_eq!(vat_in_gross(d("7.50"), d("19")), d("1.20"));
    }

    /// The integer fast path of `vat_in_gross` against rust_decimal's division, over amounts
    /// with 0 to 6 places and the rates in use (and odd ones), both signs.
    #[test]
    fn vat_fast_path_matches_rust_decimal() {
        let rates = [
            "0", "5", "7", "10.7", "16", "19", "19.5", "20", "21", "25.5", "100", "999.9999",
            "1000",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut fast = 0;
        for _ in 0..200_000 {
            let digits = next() % 16;
            let m = (next() % 10u64.pow(digits as u32).max(1)) as i128;
            let m = if next() % 5 == 0 { -m } else { m };
            let gross =
                Decimal::from_mantissa_scale(m, (next() % 7) as u32).expect("15 digits fit");
            let rate = d(rates[(next() % rates.len() as u64) as usize]);
            let want = vat_in_gross_decimal(gross, rate);
            if let Some(got) = vat_in_gross_exact(gross, rate) {
                fast += 1;
                assert_eq!(got, want, "{gross} at {rate}");
            }
            assert_eq!(vat_in_gross(gross, rate), want, "{gross} at {rate}");
        }
        assert!(fast > 100_000, "the fast path took only {fast} cases");
        // Exactly half a cent rounds away from zero: 0.105 · 100 / 200 … and its negative.
        assert_eq!(vat_in_gross(d("0.21"), d("100")), d("0.11"));
        assert_eq!(vat_in_gross(d("-0.21"), d("100")), d("-0.11"));
        // Outside the fast path's range the decimal path answers.
        assert_eq!(vat_in_gross_exact(d("12345678901.23"), d("19")), None);
        assert_eq!(vat_in_gross_exact(d("1.5"), d("19.125")), None);
        assert_eq!(
            vat_in_gross(d("1234567890123456.78"), d("19")),
            vat_in_gross_decimal(d("1234567890123456.78"), d("19"))
        );
    }

    #[test]
    fn rounding_is_half_up_away_from_zero() {
        assert_eq!(round_cents(d("1.195")), d("1.20"));
        assert_eq!(round_cents(d("1.194999")), d("1.19"));
        assert_eq!(round_cents(d("-1.195")), d("-1.20"));
    }

    #[test]
    fn net_to_gross_is_exact() {
        assert_eq!(gross_from_net(d("6.30"), d("19")), d("7.4970"));
        assert_eq!(
            round_cents(gross_from_net(d("0.1"), d("19")) * d("3")),
            d("0.36")
        );
    }

    #[test]
    fn json_numbers_and_strings_are_read_exactly() {
        assert_eq!(from_json(serde_json::json!(7.5)).unwrap(), d("7.5"));
        assert_eq!(from_json(serde_json::json!(0.1)).unwrap(), d("0.1"));
        assert_eq!(from_json(serde_json::json!("7.50")).unwrap(), d("7.50"));
        assert_eq!(from_json(serde_json::json!(12)).unwrap(), d("12"));
        assert_eq!(from_json(serde_json::json!("-0.5")).unwrap(), d("-0.5"));
    }

    #[test]
    fn owned_values_read_like_the_borrowed_tree() {
        for v in [
            serde_json::json!(7.5),
            serde_json::json!("7.50"),
            serde_json::json!(12),
            serde_json::json!(1e-7),
            serde_json::json!(true),
        ] {
            assert_eq!(super::from_value(&v), from_json(v.clone()), "{v}");
        }
    }

    #[test]
    fn bad_amounts_are_refused_with_a_reason() {
        assert!(matches!(
            from_json(serde_json::json!("7,50")),
            Err(AmountError::Malformed(_))
        ));
        assert!(matches!(
            from_json(serde_json::json!("abc")),
            Err(AmountError::Malformed(_))
        ));
        assert!(matches!(
            from_json(serde_json::json!(true)),
            Err(AmountError::NotANumber)
        ));
        assert!(matches!(
            from_json(serde_json::json!(1e308)),
            Err(AmountError::OutOfRange(_))
        ));
        assert!(matches!(
            from_json(serde_json::json!(1e-7)),
            Err(AmountError::OutOfRange(_))
        ));
        assert_eq!(
            from_json(serde_json::json!("0.0000001")).unwrap(),
            d("0.0000001")
        );
        assert!(matches!(
            from_json(serde_json::json!("1e5")),
            Err(AmountError::Malformed(_))
        ));
    }

    #[test]
    fn compact_numbers_are_integers_when_whole() {
        #[derive(serde::Serialize)]
        struct R(#[serde(serialize_with = "serialize_compact")] Decimal);
        assert_eq!(serde_json::to_string(&R(d("20.00"))).unwrap(), "20");
        assert_eq!(serde_json::to_string(&R(d("12.50"))).unwrap(), "12.5");
    }

    #[test]
    fn output_numbers_print_as_the_decimal() {
        assert_eq!(serde_json::to_string(&to_f64(d("7.50"))).unwrap(), "7.5");
        assert_eq!(serde_json::to_string(&to_f64(d("1.20"))).unwrap(), "1.2");
        assert_eq!(serde_json::to_string(&to_f64(d("0.30"))).unwrap(), "0.3");
        assert_eq!(
            serde_json::to_string(&to_f64(d("-1234567.89"))).unwrap(),
            "-1234567.89"
        );
        assert_eq!(serde_json::to_string(&to_f64(d("0.07"))).unwrap(), "0.07");
        assert_eq!(to_f64(d("0.1")), 0.1);
    }
}
