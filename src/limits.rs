//! kontor's limits in one place (docs/limits.md): inputs are checked against them before the
//! work is done, so that every call's time and memory stay linear in its input and bounded.

use crate::issue::Issues;

pub use crate::issue::MAX_ISSUES;
pub use crate::order::MAX_ITEMS;

/// Deepest element nesting kivitendo's XML reader accepts.
pub const MAX_XML_DEPTH: usize = 32;
/// Largest XML document kivitendo's reader accepts, in bytes.
pub const MAX_XML_BYTES: usize = 16 << 20;

/// Largest text a call reads (an order, a mapping, options, an answer's body), in bytes.
pub const MAX_INPUT_BYTES: usize = 16 << 20;

/// Deepest JSON nesting (serde_json's recursion limit; deeper is `malformed_json`).
pub const MAX_JSON_DEPTH: usize = 128;

/// Most values a field-path mapping may produce or look up (list elements × entries,
/// constants and copied source values counted by their nodes).
pub const MAX_MAPPING_VALUES: usize = 500_000;

/// True when `len` bytes are within [`MAX_INPUT_BYTES`]; otherwise a `too_large` error at
/// `path` (`""`: the input itself).
pub fn fits(len: usize, path: &str, issues: &mut Issues) -> bool {
    within(len, MAX_INPUT_BYTES, ("bytes", "Bytes"), path, issues)
}

/// True when `n` is at most `max`; otherwise a `too_large` error at `path` naming the limit
/// in `unit` (English, German).
pub fn within(n: usize, max: usize, unit: (&str, &str), path: &str, issues: &mut Issues) -> bool {
    if n <= max {
        return true;
    }
    let (en, de) = unit;
    issues.error(
        path,
        "too_large",
        format!("larger than {max} {en}: split it"),
        format!("größer als {max} {de}: bitte aufteilen"),
    );
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_over_the_limit_are_one_error_naming_the_limit() {
        let mut issues = Issues::new();
        assert!(fits(MAX_INPUT_BYTES, "", &mut issues));
        assert!(issues.is_empty());
        assert!(!fits(MAX_INPUT_BYTES + 1, "body", &mut issues));
        let i = &issues.as_slice()[0];
        assert_eq!((i.path.as_str(), i.code.as_str()), ("body", "too_large"));
        assert!(i.message.contains("16777216"), "{}", i.message);
    }
}
