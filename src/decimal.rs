//! A small exact decimal for money: an `i128` mantissa and a decimal scale (0 to 28 places).
//!
//! kontor needs parsing, `+ − × ÷`, comparison, rounding and printing of amounts up to a
//! billion with a handful of decimals. A general decimal crate did that at ~25 KB of Wasm;
//! this type does it in a fraction, which keeps the module inside its size budget. Division
//! is exact long division to 20 decimal places, rounded half away from zero; every operation
//! is checked and loses precision (never panics) in the unreachable case of overflow.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};
use std::str::FromStr;

/// Largest scale kept.
const MAX_SCALE: u32 = 28;
/// Decimal places a division produces.
const DIV_SCALE: u32 = 20;

/// An exact decimal number: `mantissa / 10^scale`.
#[derive(Clone, Copy, Default)]
pub struct Decimal {
    m: i128,
    s: u32,
}

/// Powers of ten that fit an `i128` (10^0 to 10^38).
const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

fn pow10(n: u32) -> Option<i128> {
    POW10.get(n as usize).copied()
}

/// `m / 10^k`, rounded half away from zero.
fn div_pow10_round(m: i128, k: u32) -> i128 {
    match pow10(k) {
        Some(p) => {
            let q = m / p;
            let r = m % p;
            if r.unsigned_abs() * 2 >= p.unsigned_abs() {
                q + m.signum()
            } else {
                q
            }
        }
        None => 0,
    }
}

impl Decimal {
    /// 0.
    pub const ZERO: Decimal = Decimal { m: 0, s: 0 };
    /// 1.
    pub const ONE: Decimal = Decimal { m: 1, s: 0 };
    /// 100.
    pub const ONE_HUNDRED: Decimal = Decimal { m: 100, s: 0 };

    /// The mantissa (`750` for `7.50`).
    pub fn mantissa(&self) -> i128 {
        self.m
    }

    /// The number of decimal places (`2` for `7.50`).
    pub fn scale(&self) -> u32 {
        self.s
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        self.m == 0
    }

    /// The same value without trailing zeros (`7.50` → `7.5`).
    pub fn normalize(&self) -> Decimal {
        let mut d = *self;
        if d.m == 0 {
            return Decimal::ZERO;
        }
        // Most values fit 64 bits: strip zeros there (i128 division is a software routine in
        // Wasm).
        if let Ok(mut small) = i64::try_from(d.m) {
            while d.s > 0 && small % 10 == 0 {
                small /= 10;
                d.s -= 1;
            }
            d.m = i128::from(small);
            return d;
        }
        while d.s > 0 && d.m % 10 == 0 {
            d.m /= 10;
            d.s -= 1;
        }
        if d.m == 0 {
            d.s = 0;
        }
        d
    }

    /// Rounded to `dp` places, half away from zero (`1.195` → `1.20` at 2).
    pub fn round_dp(&self, dp: u32) -> Decimal {
        if self.s <= dp {
            return *self;
        }
        Decimal {
            m: div_pow10_round(self.m, self.s - dp),
            s: dp,
        }
    }

    /// Sets the scale to `dp`: pads with zeros, or rounds half away from zero.
    pub fn rescale(&mut self, dp: u32) {
        let dp = dp.min(MAX_SCALE);
        if dp < self.s {
            *self = self.round_dp(dp);
        } else {
            // A scale that does not fit keeps the value as it is (never reached for amounts).
            if let Some(m) = pow10(dp - self.s).and_then(|p| self.m.checked_mul(p)) {
                *self = Decimal { m, s: dp };
            }
        }
    }

    /// The value with scale `s` (≥ its own), or `None` when that does not fit.
    fn at_scale(&self, s: u32) -> Option<i128> {
        pow10(s.checked_sub(self.s)?).and_then(|p| self.m.checked_mul(p))
    }

    /// Two values at one common scale, losing precision of the finer one if needed.
    fn aligned(a: Decimal, b: Decimal) -> (i128, i128, u32) {
        let mut s = a.s.max(b.s);
        loop {
            let (x, y) = (a.round_dp(s), b.round_dp(s));
            if let (Some(xm), Some(ym)) = (x.at_scale(s), y.at_scale(s)) {
                return (xm, ym, s);
            }
            if s == 0 {
                return (
                    a.m.signum() * i128::MAX / 2,
                    b.m.signum() * i128::MAX / 2,
                    0,
                );
            }
            s -= 1;
        }
    }

    /// The nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        let mut p = 1.0f64;
        for _ in 0..self.s {
            p *= 10.0;
        }
        self.m as f64 / p
    }
}

impl From<i64> for Decimal {
    fn from(i: i64) -> Self {
        Decimal {
            m: i128::from(i),
            s: 0,
        }
    }
}

impl From<u64> for Decimal {
    fn from(u: u64) -> Self {
        Decimal {
            m: i128::from(u),
            s: 0,
        }
    }
}

impl From<u32> for Decimal {
    fn from(u: u32) -> Self {
        Decimal {
            m: i128::from(u),
            s: 0,
        }
    }
}

/// Why a text is not a decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseDecimalError;

impl FromStr for Decimal {
    type Err = ParseDecimalError;

    /// Reads `-12.345`: an optional sign, digits, an optional fraction of up to 28 digits.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (neg, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty()
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
            || frac.len() > MAX_SCALE as usize
        {
            return Err(ParseDecimalError);
        }
        let mut m: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            m = m
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(b - b'0')))
                .ok_or(ParseDecimalError)?;
        }
        Ok(Decimal {
            m: if neg { -m } else { m },
            s: frac.len() as u32,
        })
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Digits by hand: `u128`'s own formatting costs 1.4 KB of Wasm.
        let mut n = self.m.unsigned_abs();
        let mut buf = [b'0'; 40];
        let mut i = buf.len();
        while i > 0 {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let digits = std::str::from_utf8(buf.get(i..).unwrap_or(b"0")).unwrap_or("0");
        if self.m < 0 {
            f.write_str("-")?;
        }
        let s = self.s as usize;
        if s == 0 {
            return f.write_str(digits);
        }
        if digits.len() <= s {
            f.write_str("0.")?;
            for _ in digits.len()..s {
                f.write_str("0")?;
            }
            f.write_str(digits)
        } else {
            let (i, fr) = digits.split_at(digits.len() - s);
            write!(f, "{i}.{fr}")
        }
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        if self.s == other.s {
            return self.m.cmp(&other.m);
        }
        let (a, b, _) = Decimal::aligned(*self, *other);
        a.cmp(&b)
    }
}

impl Neg for Decimal {
    type Output = Decimal;
    fn neg(self) -> Decimal {
        Decimal {
            m: -self.m,
            s: self.s,
        }
    }
}

impl Add for Decimal {
    type Output = Decimal;
    fn add(self, rhs: Decimal) -> Decimal {
        if self.s == rhs.s {
            if let Some(m) = self.m.checked_add(rhs.m) {
                return Decimal { m, s: self.s };
            }
        }
        let (a, b, s) = Decimal::aligned(self, rhs);
        Decimal {
            m: a.saturating_add(b),
            s,
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
        let (mut a, mut b) = (self.normalize(), rhs.normalize());
        loop {
            if let Some(m) = a.m.checked_mul(b.m) {
                let d = Decimal { m, s: a.s + b.s };
                return if d.s > MAX_SCALE {
                    d.round_dp(MAX_SCALE)
                } else {
                    d
                };
            }
            // Unreachable for order amounts; keep going with less precision, never panic.
            if a.s == 0 && b.s == 0 {
                return Decimal {
                    m: (a.m.signum() * b.m.signum()) * i128::MAX,
                    s: 0,
                };
            }
            if a.s >= b.s {
                a = a.round_dp(a.s - 1);
            } else {
                b = b.round_dp(b.s - 1);
            }
        }
    }
}

impl Div for Decimal {
    type Output = Decimal;
    /// Long division to 20 places, half away from zero; division by zero gives zero (callers
    /// check divisors; kontor never divides by a value it has not checked).
    fn div(self, rhs: Decimal) -> Decimal {
        if rhs.m == 0 {
            return Decimal::ZERO;
        }
        let (a, b, _) = Decimal::aligned(self, rhs);
        let neg = (a < 0) != (b < 0);
        let (a, b) = (a.unsigned_abs(), b.unsigned_abs());
        if b == 1 {
            return Decimal {
                m: if neg { -(a as i128) } else { a as i128 },
                s: 0,
            }
            .normalize();
        }
        // One wide division when the scaled dividend fits (always, for order amounts).
        if let Some(scaled) = pow10(DIV_SCALE).and_then(|p| a.checked_mul(p as u128)) {
            let (mut q, r) = (scaled / b, scaled % b);
            if r >= b - r {
                q += 1;
            }
            if let Ok(m) = i128::try_from(q) {
                return Decimal {
                    m: if neg { -m } else { m },
                    s: DIV_SCALE,
                }
                .normalize();
            }
        }
        if b == 0 {
            // The divisor vanished when aligned with a huge dividend: the quotient is beyond
            // any amount.
            let m = if neg { -i128::MAX } else { i128::MAX };
            return Decimal { m, s: 0 };
        }
        let mut q = a / b;
        let mut r = a % b;
        let mut s = 0;
        while s < DIV_SCALE {
            let Some(next) = q.checked_mul(10) else { break };
            if next > i128::MAX as u128 / 10 {
                break;
            }
            let Some(r10) = r.checked_mul(10) else { break };
            r = r10;
            q = next + r / b;
            r %= b;
            s += 1;
        }
        if r >= b - r {
            q += 1;
        }
        let m = q.min(i128::MAX as u128) as i128;
        Decimal {
            m: if neg { -m } else { m },
            s,
        }
        .normalize()
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
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(d("0.1") + d("0.2"), d("0.3"));
        assert_eq!(d("7.50") - d("1.20"), d("6.3"));
        assert_eq!(d("6.30") * d("1.19"), d("7.497"));
        assert_eq!(d("7.50") / d("1.19"), d("6.30252100840336134454"));
        assert_eq!(d("1") / d("3"), d("0.33333333333333333333"));
        assert_eq!(d("2") / d("3"), d("0.66666666666666666667"));
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
    fn extreme_values_do_not_panic() {
        let big = d("99999999999999999999999999999999999999");
        let _ = big * big;
        let _ = big + big;
        let _ = big / d("0.0000000000000000000000000001");
        let tiny = d("0.0000000000000000000000000001");
        let _ = tiny * tiny;
        assert!(big > tiny);
    }
}
