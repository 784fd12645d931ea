//! ISBN-10 and ISBN-13: check digits verified, ISBN-10 converted to ISBN-13.

use std::fmt;
use thiserror::Error;

/// A valid ISBN-13, held as its 13 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Isbn(String);

/// Why a text is no ISBN.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IsbnError {
    /// Not 10 or 13 digits (hyphens and spaces aside), or stray characters.
    #[error("{0:?} is not an ISBN of 10 or 13 digits")]
    Shape(String),
    /// The check digit does not match.
    #[error("{0:?} has a wrong check digit (expected {1})")]
    CheckDigit(String, char),
    /// A 13-digit number that is no book number (prefix 978 or 979).
    #[error("{0:?} does not start with 978 or 979")]
    Prefix(String),
}

fn isbn13_check(first12: &[u8]) -> u8 {
    let sum: u32 = first12
        .iter()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

impl Isbn {
    /// Reads an ISBN-10 or ISBN-13, with or without hyphens and spaces.
    pub fn parse(text: &str) -> Result<Isbn, IsbnError> {
        let shown = text.trim().to_owned();
        let compact: Vec<char> = text
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\u{2010}' | '\u{2011}'))
            .collect();
        let digits: Vec<u8> = compact
            .iter()
            .filter_map(|c| c.to_digit(10))
            .map(|d| d as u8)
            .collect();
        match compact.len() {
            10 => {
                let last_x = matches!(compact.last(), Some('X' | 'x'));
                if digits.len() != 10
                    && !(digits.len() == 9
                        && last_x
                        && compact.iter().take(9).all(char::is_ascii_digit))
                {
                    return Err(IsbnError::Shape(shown));
                }
                let sum: u32 = digits
                    .iter()
                    .take(9)
                    .enumerate()
                    .map(|(i, d)| u32::from(*d) * (10 - i as u32))
                    .sum();
                let check = (11 - sum % 11) % 11;
                let given = if last_x {
                    10
                } else {
                    u32::from(digits.get(9).copied().unwrap_or(0))
                };
                if check != given {
                    let c = if check == 10 {
                        'X'
                    } else {
                        char::from(b'0' + check as u8)
                    };
                    return Err(IsbnError::CheckDigit(shown, c));
                }
                let mut d13: Vec<u8> = vec![9, 7, 8];
                d13.extend(digits.iter().take(9));
                let c = isbn13_check(&d13);
                d13.push(c);
                Ok(Isbn(d13.iter().map(|d| char::from(b'0' + d)).collect()))
            }
            13 if digits.len() == 13 => {
                if !(digits.starts_with(&[9, 7, 8]) || digits.starts_with(&[9, 7, 9])) {
                    return Err(IsbnError::Prefix(shown));
                }
                let check = isbn13_check(digits.get(..12).unwrap_or(&[]));
                if digits.get(12) != Some(&check) {
                    return Err(IsbnError::CheckDigit(shown, char::from(b'0' + check)));
                }
                Ok(Isbn(digits.iter().map(|d| char::from(b'0' + d)).collect()))
            }
            _ => Err(IsbnError::Shape(shown)),
        }
    }

    /// The 13 digits, without hyphens.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Isbn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_westarp_order_sample_isbn_is_valid() {
        assert_eq!(
            Isbn::parse("978-4-1787-0270-6").map(|i| i.to_string()),
            Ok("9784178702706".into())
        );
    }

    #[test]
    fn isbn10_becomes_isbn13() {
        // "Die Blechtrommel" style example: 3-499-13599-X is a valid ISBN-10 with X.
        assert_eq!(
            Isbn::parse("3-499-13599-X").map(|i| i.to_string()),
            Ok("9783499135996".into())
        );
        assert_eq!(
            Isbn::parse("0306406152").map(|i| i.to_string()),
            Ok("9780306406157".into())
        );
    }

    #[test]
    fn wrong_check_digits_and_shapes_are_refused() {
        // The book-list sample of the document has wrong check digits in both numbers.
        assert_eq!(
            Isbn::parse("978-0-864209-35-2"),
            Err(IsbnError::CheckDigit("978-0-864209-35-2".into(), '1'))
        );
        assert!(matches!(
            Isbn::parse("0-864209-35-1"),
            Err(IsbnError::CheckDigit(_, _))
        ));
        assert!(matches!(Isbn::parse("123"), Err(IsbnError::Shape(_))));
        assert!(matches!(
            Isbn::parse("12345678901234"),
            Err(IsbnError::Shape(_))
        ));
        assert!(matches!(
            Isbn::parse("977-4-1787-0270-6"),
            Err(IsbnError::Prefix(_))
        ));
        assert!(matches!(
            Isbn::parse("978-4-1787-0270-Y"),
            Err(IsbnError::Shape(_))
        ));
    }
}
