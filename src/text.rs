//! Small text helpers: truncation ([`truncate`]), Unicode lower case (the standard library's tables) one character for one
//! character, and the letters the Geisenheim value lists compare.

/// Lower case of `c` by Unicode's mapping (`Ä` → `ä`, `ẞ` → `ß`, `Σ` → `σ`). Where Unicode
/// maps to more than one character (only `İ`, U+0130, → `i` + U+0307 COMBINING DOT ABOVE)
/// the base letter is kept, so `İ` → `i`, as in case-insensitive e-mail addresses.
pub fn lower_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    c.to_lowercase().next().unwrap_or(c)
}

/// `s` with [`lower_char`] applied to every character.
pub fn lower(s: &str) -> String {
    s.chars().map(lower_char).collect()
}

/// `s` without leading and trailing white space, like [`str::trim`]; a text that starts and
/// ends with a visible ASCII character (almost every value) is returned without the
/// Unicode-aware scan.
pub fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// The characters of `s` like [`str::chars`], ASCII ones without the UTF-8 decoder: at
/// opt-level "z" `Chars::next` stays a call per character, this one is inlined.
pub fn chars(s: &str) -> Chars<'_> {
    Chars { s, i: 0 }
}

/// The iterator of [`chars`].
pub struct Chars<'a> {
    s: &'a str,
    i: usize,
}

impl Iterator for Chars<'_> {
    type Item = char;

    #[inline(always)]
    fn next(&mut self) -> Option<char> {
        let b = *self.s.as_bytes().get(self.i)?;
        if b < 0x80 {
            self.i += 1;
            return Some(char::from(b));
        }
        let c = self.s.get(self.i..)?.chars().next()?;
        self.i += c.len_utf8();
        Some(c)
    }
}

/// True for letters and digits of ASCII and of the Latin blocks [`lower_char`] knows.
pub fn is_latin_alphanumeric(c: char) -> bool {
    let u = c as u32;
    c.is_ascii_alphanumeric()
        || (0xC0..=0x17F).contains(&u) && u != 0xD7 && u != 0xF7
        || u == 0x1E9E
}

/// At most `max` characters of `s`, with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        format!("{}…", s.chars().take(max).collect::<String>())
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_is_that_of_str() {
        let ends = [
            "", "a", "Z", "~", "!", " ", "\t", "\n", "\u{A0}", "\u{3000}", "\u{85}", "ä", "\u{0}",
        ];
        for a in ends {
            for z in ends {
                for mid in ["", "x", " x y ", "\u{2003}"] {
                    let s = format!("{a}{mid}{z}");
                    assert_eq!(trim(&s), s.trim(), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn chars_are_those_of_str() {
        for s in [
            "",
            "a",
            "Weißburgunder",
            "İstanbul 🍷 x",
            "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}",
        ] {
            assert_eq!(chars(s).collect::<String>(), s);
            assert!(chars(s).eq(s.chars()));
        }
    }

    #[test]
    fn every_character_lowers_like_unicode_does() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let want: Vec<char> = c.to_lowercase().collect();
            assert_eq!(lower_char(c), want[0], "U+{:04X}", c as u32);
        }
        assert_eq!(lower("ÄÖÜ Straße ẞ Łódź"), "äöü straße ß łódź");
        assert_eq!(lower("ΣΟΦΊΑ Жук"), "σοφία жук");
    }

    #[test]
    fn dotted_capital_i_lowers_to_i() {
        assert_eq!(lower_char('\u{130}'), 'i');
        assert_eq!(lower("\u{130}LKER@EXAMPLE.DE"), "ilker@example.de");
        assert_eq!(lower_char('I'), 'i');
        assert_eq!(lower_char('\u{131}'), '\u{131}', "dotless ı stays");
    }
}
