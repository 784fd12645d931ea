//! Splitting German address lines into street and house number.
//!
//! The house number is taken from the end of the line: digits (1 to 4) with an optional
//! letter (`5a`, `5 a`), and ranges or fractions of such (`1-3`, `34-36`, `12a-13c`,
//! `12 - 14`, `7/9`). Everything before it is the street, which may itself contain numbers
//! (`Straße des 17. Juni`, `In den 30 Morgen`, Mannheim's squares `C 3`); a comma or
//! semicolon before the number separates (`Av. Brasil, 432`). A line whose end is
//! no house number is an error, not a guess: kontor never invents an empty number or moves a
//! word of the street name.

use thiserror::Error;

/// A line split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreetParts {
    /// The street name (`Straße des 17. Juni`).
    pub street: String,
    /// The house number (`135`, `5a`, `1-3`).
    pub house_number: String,
}

/// Why a line cannot be split.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StreetError {
    /// The line is empty.
    #[error("the address line is empty")]
    Empty,
    /// The line does not end in a house number.
    #[error("no house number at the end of {0:?}: give it separately (houseNumber)")]
    NoHouseNumber(String),
    /// The line is only a house number.
    #[error("{0:?} has a house number but no street name")]
    NoStreet(String),
}

/// `5`, `5a`, `1234`: 1 to 4 digits and an optional ASCII letter.
fn is_number(t: &str) -> bool {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let rest = t.get(digits..).unwrap_or("");
    (1..=4).contains(&digits)
        && (rest.is_empty() || rest.len() == 1 && rest.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// `5`, `5a`, `1-3`, `12a-13c`, `7/9`.
fn is_house_number(t: &str) -> bool {
    match t.split_once(['-', '/']) {
        Some((a, b)) => is_number(a) && is_number(b),
        None => is_number(t),
    }
}

/// Splits `line` into street and house number.
pub fn split_street(line: &str) -> Result<StreetParts, StreetError> {
    let line = line.trim().trim_end_matches([',', ';']).trim_end();
    if line.is_empty() {
        return Err(StreetError::Empty);
    }
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let n = tokens.len();
    let tok = |i: usize| tokens.get(i).copied().unwrap_or("");
    // How many trailing tokens form the number, and the number written compactly.
    let (count, number) = if n >= 3
        && matches!(tok(n - 2), "-" | "/")
        && is_number(tok(n - 3))
        && is_number(tok(n - 1))
    {
        (3, format!("{}{}{}", tok(n - 3), tok(n - 2), tok(n - 1)))
    } else if n >= 2
        && tok(n - 1).len() == 1
        && tok(n - 1).bytes().all(|b| b.is_ascii_alphabetic())
        && tok(n - 2).bytes().all(|b| b.is_ascii_digit())
        && is_number(tok(n - 2))
    {
        (2, format!("{}{}", tok(n - 2), tok(n - 1)))
    } else if is_house_number(tok(n - 1)) {
        (1, tok(n - 1).to_owned())
    } else {
        return Err(StreetError::NoHouseNumber(line.to_owned()));
    };
    // `Av. Brasil, 432`: the comma before the number separates, it is no part of the street.
    let street = tokens
        .get(..n - count)
        .map(|t| t.join(" "))
        .unwrap_or_default()
        .trim_end_matches([',', ';'])
        .trim_end()
        .to_owned();
    if street.is_empty() {
        return Err(StreetError::NoStreet(line.to_owned()));
    }
    Ok(StreetParts {
        street,
        house_number: number,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str, street: &str, number: &str) {
        assert_eq!(
            split_street(line),
            Ok(StreetParts {
                street: street.into(),
                house_number: number.into()
            }),
            "{line:?}"
        );
    }

    #[test]
    fn german_address_lines_split() {
        check("Straße des 17. Juni 135", "Straße des 17. Juni", "135");
        check("Hauptstr. 5a", "Hauptstr.", "5a");
        check("Am Markt 1-3", "Am Markt", "1-3");
        check("Karl-Marx-Allee 34-36", "Karl-Marx-Allee", "34-36");
        check("Brückenstr. 12a-13c", "Brückenstr.", "12a-13c");
        check("C 3 54", "C 3", "54");
        check("In den 30 Morgen 34b", "In den 30 Morgen", "34b");
        check(
            "Waßmannsdorfer Chaussee 98",
            "Waßmannsdorfer Chaussee",
            "98",
        );
        check("Teststraße 42", "Teststraße", "42");
        check("  Hauptstraße   5 a ", "Hauptstraße", "5a");
        check("Lindenweg 12 - 14", "Lindenweg", "12-14");
        check("Gartenstraße 7/9,", "Gartenstraße", "7/9");
        check("Av. Brasil, 432", "Av. Brasil", "432");
        check("Hauptstraße, 5 a", "Hauptstraße", "5a");
        check("Rua Augusta ; 12", "Rua Augusta", "12");
    }

    #[test]
    fn lines_without_a_number_are_errors_not_guesses() {
        assert!(matches!(
            split_street("Am Markt"),
            Err(StreetError::NoHouseNumber(_))
        ));
        assert!(matches!(
            split_street("Straße des 17. Juni"),
            Err(StreetError::NoHouseNumber(_))
        ));
        assert!(matches!(
            split_street("Hauptstraße 5 10115 Berlin"),
            Err(StreetError::NoHouseNumber(_))
        ));
        assert!(matches!(
            split_street("Hauptstraße 123456"),
            Err(StreetError::NoHouseNumber(_))
        ));
        assert_eq!(split_street("   "), Err(StreetError::Empty));
        assert!(matches!(split_street("42"), Err(StreetError::NoStreet(_))));
        assert!(matches!(
            split_street(", 42"),
            Err(StreetError::NoStreet(_))
        ));
        assert!(matches!(
            split_street("8623 Hemlock Hill Drive, Houston"),
            Err(StreetError::NoHouseNumber(_))
        ));
    }
}
