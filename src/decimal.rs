//! Exact decimals for money: a thin wrapper around [`rust_decimal::Decimal`] (a 96-bit mantissa
//! and a scale of 0 to 28) that never panics and rounds half away from zero.
//!
//! The wrapper pins kontor's rules: reading accepts only `-12.345` shapes (no exponent, no
//! `_`), an operation whose exact result does not fit loses decimal places (rust_decimal's own
//! rounding) and, beyond ±7.9·10^28, saturates instead of panicking; division by zero is zero
//! (callers check divisors); a zero is never negative.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::RoundingStrategy;
use std::fmt;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};
use std::str::FromStr;

/// Largest scale kept.
const MAX_SCALE: u32 = 28;

/// An exact decimal number: `mantissa / 10^scale`.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Decimal(rust_decimal::Decimal);

impl Decimal {
    /// 0.
    pub const ZERO: Decimal = Decimal(rust_decimal::Decimal::ZERO);
    /// 1.
    pub const ONE: Decimal = Decimal(rust_decimal::Decimal::ONE);
    /// 100.
    pub const ONE_HUNDRED: Decimal = Decimal(rust_decimal::Decimal::ONE_HUNDRED);
    /// The largest value (2^96 − 1).
    pub const MAX: Decimal = Decimal(rust_decimal::Decimal::MAX);
    /// The smallest value (−(2^96 − 1)).
    pub const MIN: Decimal = Decimal(rust_decimal::Decimal::MIN);

    /// A zero loses its sign, so `-0.00` is never printed.
    fn new(d: rust_decimal::Decimal) -> Decimal {
        let mut d = d;
        if d.is_zero() {
            d.set_sign_positive(true);
        }
        Decimal(d)
    }

    /// The value as a `rust_decimal::Decimal`.
    pub fn inner(&self) -> rust_decimal::Decimal {
        self.0
    }

    /// `mantissa / 10^scale` (`750`, 2 → `7.50`); `None` beyond 96 bits or 28 places.
    pub fn from_mantissa_scale(mantissa: i128, scale: u32) -> Option<Decimal> {
        rust_decimal::Decimal::try_from_i128_with_scale(mantissa, scale)
            .ok()
            .map(Decimal::new)
    }

    /// The mantissa (`750` for `7.50`).
    pub fn mantissa(&self) -> i128 {
        self.0.mantissa()
    }

    /// The number of decimal places (`2` for `7.50`).
    pub fn scale(&self) -> u32 {
        self.0.scale()
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// The same value without trailing zeros (`7.50` → `7.5`).
    pub fn normalize(&self) -> Decimal {
        Decimal::new(self.0.normalize())
    }

    /// Rounded to `dp` places, half away from zero (`1.195` → `1.20` at 2).
    pub fn round_dp(&self, dp: u32) -> Decimal {
        if self.0.scale() <= dp {
            return *self;
        }
        Decimal::new(
            self.0
                .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero),
        )
    }

    /// Sets the scale to `dp` (at most 28): pads with zeros, or rounds half away from zero. A
    /// value too large for the padding keeps the scale it can have.
    pub fn rescale(&mut self, dp: u32) {
        let dp = dp.min(MAX_SCALE);
        let mut d = self.round_dp(dp).0;
        d.rescale(dp);
        *self = Decimal::new(d);
    }

    /// The nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        self.0.to_f64().unwrap_or(0.0)
    }

    /// The value beyond the range in the direction of `negative`: saturation for results that
    /// cannot be held (never reached by amounts, which are at most a billion).
    fn saturated(negative: bool) -> Decimal {
        if negative {
            Decimal::MIN
        } else {
            Decimal::MAX
        }
    }
}

impl From<i64> for Decimal {
    fn from(i: i64) -> Self {
        Decimal(rust_decimal::Decimal::from(i))
    }
}

impl From<u64> for Decimal {
    fn from(u: u64) -> Self {
        Decimal(rust_decimal::Decimal::from(u))
    }
}

impl From<u32> for Decimal {
    fn from(u: u32) -> Self {
        Decimal(rust_decimal::Decimal::from(u))
    }
}

/// Why a text is not a decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseDecimalError;

impl FromStr for Decimal {
    type Err = ParseDecimalError;

    /// Reads `-12.345`: an optional sign, digits, an optional fraction of up to 28 digits; the
    /// value must be exact (at most 29 significant digits).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let body = match text.strip_prefix('-') {
            Some(rest) => rest,
            None => text.strip_prefix('+').unwrap_or(text),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty()
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
            || frac.len() > MAX_SCALE as usize
        {
            return Err(ParseDecimalError);
        }
        let text = text.strip_suffix('.').unwrap_or(text);
        rust_decimal::Decimal::from_str_exact(text)
            .map(Decimal::new)
            .map_err(|_| ParseDecimalError)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Neg for Decimal {
    type Output = Decimal;
    fn neg(self) -> Decimal {
        Decimal::new(-self.0)
    }
}

impl Add for Decimal {
    type Output = Decimal;
    fn add(self, rhs: Decimal) -> Decimal {
        match self.0.checked_add(rhs.0) {
            Some(d) => Decimal::new(d),
            None => Decimal::saturated(self.0.is_sign_negative()),
        }
    }
}

impl Sub for Decimal {
    type Output = Decimal;
    fn sub(self, rhs: Decimal) -> Decimal {
        self + (-rhs)
    }
}

impl Mul for Decimal {
    type Output = Decimal;
    fn mul(self, rhs: Decimal) -> Decimal {
        match self.0.checked_mul(rhs.0) {
            Some(d) => Decimal::new(d),
            None => Decimal::saturated(self.0.is_sign_negative() != rhs.0.is_sign_negative()),
        }
    }
}

impl Div for Decimal {
    type Output = Decimal;
    /// The quotient to 28 significant digits; division by zero gives zero (callers check
    /// divisors; kontor never divides by a value it has not checked).
    fn div(self, rhs: Decimal) -> Decimal {
        if rhs.is_zero() {
            return Decimal::ZERO;
        }
        // Dividing by one (a line of one bottle) is the value itself, normalised as any
        // quotient is.
        if rhs.0 == rust_decimal::Decimal::ONE {
            return self.normalize();
        }
        match self.0.checked_div(rhs.0) {
            Some(d) => Decimal::new(d.normalize()),
            None => Decimal::saturated(self.0.is_sign_negative() != rhs.0.is_sign_negative()),
        }
    }
}

macro_rules! ref_ops {
    ($($tr:ident $f:ident),*) => {$(
        impl $tr<&Decimal> for Decimal {
            type Output = Decimal;
            fn $f(self, rhs: &Decimal) -> Decimal { $tr::$f(self, *rhs) }
        }
        impl $tr<Decimal> for &Decimal {
            type Output = Decimal;
            fn $f(self, rhs: Decimal) -> Decimal { $tr::$f(*self, rhs) }
        }
        impl $tr<&Decimal> for &Decimal {
            type Output = Decimal;
            fn $f(self, rhs: &Decimal) -> Decimal { $tr::$f(*self, *rhs) }
        }
    )*};
}
ref_ops!(Add add, Sub sub, Mul mul, Div div);

impl AddAssign for Decimal {
    fn add_assign(&mut self, rhs: Decimal) {
        *self = *self + rhs;
    }
}

impl AddAssign<&Decimal> for Decimal {
    fn add_assign(&mut self, rhs: &Decimal) {
        *self = *self + *rhs;
    }
}

impl SubAssign for Decimal {
    fn sub_assign(&mut self, rhs: Decimal) {
        *self = *self - rhs;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_mantissa_scale_refuses_what_it_cannot_hold() {
        assert_eq!(
            Decimal::from_mantissa_scale(750, 2).map(|d| d.to_string()),
            Some("7.50".into())
        );
        assert_eq!(
            Decimal::from_mantissa_scale(-5, 28).map(|d| d.scale()),
            Some(28)
        );
        assert_eq!(Decimal::from_mantissa_scale(1, 29), None);
        assert_eq!(Decimal::from_mantissa_scale(1 << 96, 0), None);
    }

    /// Division by one (in any scale) is the normalised value, as rust_decimal's division gives.
    #[test]
    fn division_by_one_matches_rust_decimal() {
        for a in ["8.90", "-0.10", "0", "123456789.123456789", "7"] {
            let a: Decimal = a.parse().unwrap();
            for one in ["1", "1.0", "1.000"] {
                let one: Decimal = one.parse().unwrap();
                let want = Decimal::new(a.0.checked_div(one.0).unwrap().normalize());
                assert_eq!(a / one, want);
                assert_eq!((a / one).scale(), want.scale(), "{a} / {one}");
            }
        }
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn parse_print_round_trip() {
        for s in [
            "0",
            "7.50",
            "-0.05",
            "1000000000",
            "0.0000001",
            "123.456789012345678901234567",
        ] {
            assert_eq!(d(s).to_string(), s);
        }
        assert!("1e5".parse::<Decimal>().is_err());
        assert!("".parse::<Decimal>().is_err());
        assert!("1.".parse::<Decimal>().is_ok_and(|x| x == Decimal::ONE));
        assert!("9".repeat(40).parse::<Decimal>().is_err());
        assert_eq!(d("+5"), d("5"));
        for bad in [
            "1_000", "1e5", "0x10", ".5", "-", "+", "1.2.3", " 1", "1,5", "NaN",
        ] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad}");
        }
        assert_eq!(d("79228162514264337593543950335"), Decimal::MAX);
        assert!("79228162514264337593543950336".parse::<Decimal>().is_err());
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(d("0.1") + d("0.2"), d("0.3"));
        assert_eq!(d("7.50") - d("1.20"), d("6.3"));
        assert_eq!(d("6.30") * d("1.19"), d("7.497"));
        assert_eq!(d("7.50") / d("1.19"), d("6.3025210084033613445378151261"));
        assert_eq!(d("1") / d("3"), d("0.3333333333333333333333333333"));
        assert_eq!(d("2") / d("3"), d("0.6666666666666666666666666667"));
        assert_eq!(d("-1") / d("8"), d("-0.125"));
        assert_eq!(d("5") / Decimal::ZERO, Decimal::ZERO);
    }

    #[test]
    fn comparison_is_by_value() {
        assert_eq!(d("7.50"), d("7.5"));
        assert!(d("0.001") < d("0.01"));
        assert!(d("-2") < d("1.5"));
        assert_eq!(d("1000000000").max(d("999999999.99")), d("1000000000"));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(d("1.195").round_dp(2).to_string(), "1.20");
        assert_eq!(d("-1.195").round_dp(2).to_string(), "-1.20");
        assert_eq!(d("1.194999").round_dp(2).to_string(), "1.19");
        let mut x = d("49");
        x.rescale(2);
        assert_eq!(x.to_string(), "49.00");
        assert_eq!(d("7.500").normalize().to_string(), "7.5");
    }

    #[test]
    fn extreme_values_saturate_instead_of_panicking() {
        let (max, min) = (Decimal::MAX, Decimal::MIN);
        assert_eq!(-max, min);
        assert_eq!(-min, max, "negation has no overflow");
        assert_eq!(max + max, max);
        assert_eq!(min + min, min);
        assert_eq!(min - max, min);
        assert_eq!(max * max, max);
        assert_eq!(max * min, min);
        let tiny = d("0.0000000000000000000000000001");
        assert_eq!(max / tiny, max);
        assert_eq!(min / tiny, min);
        assert_eq!(tiny * tiny, Decimal::ZERO);
        assert!(max > tiny);
        assert!(
            "9".repeat(30).parse::<Decimal>().is_err(),
            "not exact: refused"
        );
        assert_eq!(
            (-d("0.001")).round_dp(2).to_string(),
            "0.00",
            "no negative zero"
        );
    }

    #[test]
    fn the_defects_of_the_own_type_are_gone() {
        // 200 amounts of 28 decimals: the sum drops a decimal place instead of saturating.
        let x = d("0.1234567890123456789012345678");
        let mut sum = Decimal::ZERO;
        for _ in 0..200 {
            sum += x;
        }
        // Each addition past 7.9 rounds the 28th place away (half an ulp at most).
        let exact = d("24.69135780246913578024691356");
        let drift = if sum > exact {
            sum - exact
        } else {
            exact - sum
        };
        assert!(drift <= d("0.0000000000000000000000001"), "{sum}");
        assert_eq!(sum.round_dp(2), d("24.69"));
        // Products keep 28 significant digits.
        assert_eq!(
            d("1234567890.123456789") * d("987654321.987654321"),
            d("1219326312467611632.3609205901") // exact: …5901126…
        );
        // A tiny quotient is not zero.
        assert_eq!(d("1") / d("1000000000"), d("0.000000001"));
        assert_eq!(
            d("0.0000000000000000001") / d("1000000000"),
            d("0.0000000000000000000000000001")
        );
    }
}

/// Differential tests against exact big-integer arithmetic (num-bigint): every result is the
/// exact one rounded to the result's own scale.
#[cfg(test)]
mod differential {
    use super::Decimal;
    use num_bigint::BigInt;

    fn big(x: Decimal) -> (BigInt, u32) {
        (BigInt::from(x.mantissa()), x.scale())
    }

    fn p10(n: u32) -> BigInt {
        BigInt::from(10u8).pow(n)
    }

    /// True when `num / den` (den > 0) is within `ulps` halves of the last place of `r`.
    fn close(r: Decimal, num: &BigInt, den: &BigInt, halves: u32) -> bool {
        let (rn, rs) = big(r);
        // |rn / 10^rs − num / den| ≤ halves / (2 · 10^rs)
        let err = (rn * den - num * p10(rs)) * 2u8;
        let err = if err < BigInt::from(0) { -err } else { err };
        err <= den * BigInt::from(halves)
    }

    /// A deterministic generator of decimals of every size up to 28 digits.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn decimal(&mut self) -> Decimal {
            let digits = 1 + (self.next() % 28) as usize;
            let text: String = (0..digits)
                .map(|_| char::from(b'0' + (self.next() % 10) as u8))
                .collect();
            let scale = (self.next() % (digits as u64 + 1)) as usize;
            let (int, frac) = text.split_at(digits - scale);
            let int = if int.is_empty() { "0" } else { int };
            let sign = if self.next() % 2 == 0 { "-" } else { "" };
            let t = if frac.is_empty() {
                format!("{sign}{int}")
            } else {
                format!("{sign}{int}.{frac}")
            };
            t.parse().unwrap_or(Decimal::ZERO)
        }
    }

    #[test]
    fn add_sub_mul_div_match_exact_arithmetic() {
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        let in_range = |n: &BigInt, den: &BigInt| {
            let max = BigInt::from(Decimal::MAX.mantissa());
            let n = if *n < BigInt::from(0) { -n } else { n.clone() };
            n < max * den
        };
        for _ in 0..20_000 {
            let (a, b) = (g.decimal(), g.decimal());
            let ((an, as_), (bn, bs)) = (big(a), big(b));
            let s = as_.max(bs);
            let den = p10(s);
            let sum = &an * p10(s - as_) + &bn * p10(s - bs);
            let diff = &an * p10(s - as_) - &bn * p10(s - bs);
            assert!(close(a + b, &sum, &den, 1), "{a} + {b} = {}", a + b);
            assert!(close(a - b, &diff, &den, 1), "{a} - {b} = {}", a - b);
            let prod = &an * &bn;
            let pden = p10(as_ + bs);
            if in_range(&prod, &pden) {
                assert!(close(a * b, &prod, &pden, 1), "{a} * {b} = {}", a * b);
            }
            if !b.is_zero() {
                // a / b = an · 10^bs / (bn · 10^as)
                let (mut num, mut qden) = (&an * p10(bs), &bn * p10(as_));
                if qden < BigInt::from(0) {
                    num = -num;
                    qden = -qden;
                }
                if in_range(&num, &qden) {
                    let q = a / b;
                    // 28 significant digits: within one unit of the last place kept.
                    assert!(close(q, &num, &qden, 2), "{a} / {b} = {q}");
                    if num != BigInt::from(0) && q.is_zero() {
                        // Only a quotient below 10^-28 may vanish.
                        assert!(num * p10(28) * 2u8 < qden, "{a} / {b} = 0");
                    }
                }
            }
        }
    }
}
