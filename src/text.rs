//! Small text helpers for the Latin scripts the documents use, without Unicode's full case
//! tables (which would cost the Wasm module more than all of Geisenheim's rules).

/// Lower case of `c` for ASCII, Latin-1 and Latin Extended-A letters (`Ä` → `ä`, `Ł` → `ł`,
/// `ẞ` → `ß`); other characters are returned unchanged.
pub fn lower_char(c: char) -> char {
    let u = c as u32;
    let lowered = match u {
        0x41..=0x5A => u + 0x20,
        0xC0..=0xDE if u != 0xD7 => u + 0x20,
        // Latin Extended-A: upper and lower case alternate (even/odd), with a shifted block
        // in the middle (Ĺ … Ň) and a few singletons.
        0x100..=0x137 | 0x14A..=0x177 if u % 2 == 0 => u + 1,
        0x139..=0x148 if u % 2 == 1 => u + 1,
        0x178 => 0xFF,
        0x179..=0x17E if u % 2 == 1 => u + 1,
        0x1E9E => 0xDF,
        _ => u,
    };
    char::from_u32(lowered).unwrap_or(c)
}

/// `s` with [`lower_char`] applied to every character.
pub fn lower(s: &str) -> String {
    s.chars().map(lower_char).collect()
}

/// True for letters and digits of ASCII and of the Latin blocks [`lower_char`] knows.
pub fn is_latin_alphanumeric(c: char) -> bool {
    let u = c as u32;
    c.is_ascii_alphanumeric()
        || (0xC0..=0x17F).contains(&u) && u != 0xD7 && u != 0xF7
        || u == 0x1E9E
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_letters_lower_like_unicode_does() {
        for c in ('\u{0}'..='\u{17F}').chain(['\u{1E9E}']) {
            let want: Vec<char> = c.to_lowercase().collect();
            if want.len() == 1 && (c.is_ascii() || c as u32 >= 0xC0) && c != '\u{130}' {
                assert_eq!(lower_char(c), want[0], "{c:?} U+{:04X}", c as u32);
            }
        }
        assert_eq!(lower("ÄÖÜ Straße ẞ Łódź"), "äöü straße ß łódź");
        assert_eq!(lower_char('Ж'), 'Ж', "other scripts stay as they are");
    }
}
