//! A borrowed JSON tree: strings point into the input text, objects are vectors of pairs.
//!
//! Reading an order through [`serde_json::Value`] allocates every key and string and builds a
//! B-tree per object; this tree allocates only for vectors and for strings with escapes,
//! which makes reading an order several times faster. Parsing is still serde_json's (the same
//! grammar, recursion limit and line/column errors).

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A JSON value borrowing from its source text.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number that fits `i64`.
    Int(i64),
    /// A non-negative number beyond `i64`.
    UInt(u64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object, keys in input order.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// Key equality with the cheap checks first (length, first byte): most keys an order reader
/// compares differ there, which saves a `memcmp` call per comparison.
#[inline]
pub fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Parses JSON text into a borrowed tree.
pub fn parse(text: &str) -> Result<Json<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Json::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

impl<'a> Json<'a> {
    /// The value at `key` of an object (`None` for other values and absent keys).
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(pairs) => pairs.iter().find(|(k, _)| same_key(k, key)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// "a string", "an object", … for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Int(_) | Json::UInt(_) | Json::Float(_) => "a number",
            Json::Str(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// The number as `f64`, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Int(i) => Some(*i as f64),
            Json::UInt(u) => Some(*u as f64),
            Json::Float(f) => Some(*f),
            _ => None,
        }
    }
}

impl fmt::Display for Json<'_> {
    /// Compact JSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => write!(f, "{b}"),
            Json::Int(i) => write!(f, "{i}"),
            Json::UInt(u) => write!(f, "{u}"),
            Json::Float(x) => f.write_str(zmij::Buffer::new().format(*x)),
            Json::Str(s) => write_quoted(f, s),
            Json::Array(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Json::Object(pairs) => {
                f.write_str("{")?;
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_quoted(f, k)?;
                    write!(f, ":{v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// Writes `s` as a JSON string literal.
fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

/// A string that borrows when the input has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
        }
        // `deserialize_any`: serde_json's `deserialize_str` reports wrong types through
        // `Unexpected`, which drags float formatting into the Wasm module; object keys are
        // always strings, so only the string visits below are ever called.
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Self::Value, E> {
        Ok(Json::Int(i))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(u).map_or(Json::UInt(u), Json::Int))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Self::Value, E> {
        Ok(Json::Float(f))
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // serde_json gives no size hint: room for a few elements saves most regrowing.
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4).min(64));
        while let Some(v) = seq.next_element::<Json<'de>>()? {
            out.push(v);
        }
        Ok(Json::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out: Vec<(Cow<'de, str>, Json<'de>)> =
            Vec::with_capacity(map.size_hint().unwrap_or(8).min(32));
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            let v = map.next_value::<Json<'de>>()?;
            // Duplicate keys: the last one wins, as in JSON.parse. A linear search while the
            // object is small; beyond that one sort at the end (no quadratic cost).
            match out
                .iter_mut()
                .take(SMALL_OBJECT)
                .find(|(ek, _)| same_key(ek, &k))
            {
                Some(slot) => slot.1 = v,
                None => out.push((k, v)),
            }
        }
        if out.len() > SMALL_OBJECT {
            dedup_keys(&mut out);
        }
        Ok(Json::Object(out))
    }
}

/// Keys searched linearly for duplicates; larger objects are sorted once.
const SMALL_OBJECT: usize = 32;

/// Keeps each key once, at its first place with its last value (JSON.parse's result): one
/// look-up per key in a B-tree index (serde_json's map, already in the module).
fn dedup_keys(pairs: &mut Vec<(Cow<'_, str>, Json<'_>)>) {
    let mut first = serde_json::Map::new();
    let mut keep = vec![true; pairs.len()];
    for i in 0..pairs.len() {
        let Some(key) = pairs.get(i).map(|p| &*p.0) else {
            break;
        };
        match first.get(key).and_then(serde_json::Value::as_u64) {
            Some(f) => {
                let v = pairs
                    .get_mut(i)
                    .map(|p| std::mem::replace(&mut p.1, Json::Null));
                if let (Some(v), Some(p)) = (v, pairs.get_mut(f as usize)) {
                    p.1 = v;
                }
                if let Some(k) = keep.get_mut(i) {
                    *k = false;
                }
            }
            None => {
                first.insert(key.to_owned(), serde_json::Value::from(i));
            }
        }
    }
    let mut i = 0;
    pairs.retain(|_| {
        i += 1;
        keep.get(i - 1).copied().unwrap_or(true)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_without_escapes_borrow() {
        let text = r#"{"a":"plain","b":"esc\"aped","c":[1,-2,2.5,null,true]}"#;
        let j = parse(text).unwrap();
        assert!(matches!(
            j.get("a"),
            Some(Json::Str(Cow::Borrowed("plain")))
        ));
        assert!(matches!(j.get("b"), Some(Json::Str(Cow::Owned(s))) if s == "esc\"aped"));
        assert_eq!(
            j.get("c"),
            Some(&Json::Array(vec![
                Json::Int(1),
                Json::Int(-2),
                Json::Float(2.5),
                Json::Null,
                Json::Bool(true)
            ]))
        );
    }

    #[test]
    fn display_writes_compact_json() {
        let text = r#"{"a":[1,-2,2.5,null,true],"b":"q\"\\\n\u0001"}"#;
        assert_eq!(parse(text).unwrap().to_string(), text);
    }

    #[test]
    fn duplicate_keys_keep_the_last_value_like_json_parse() {
        let j = parse(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(j, Json::Object(vec![(Cow::Borrowed("a"), Json::Int(2))]));
    }

    #[test]
    fn large_objects_keep_the_first_place_and_the_last_value_of_a_key() {
        // 40 keys, then a repeats of key 3, of key 35 and a new key: JSON.parse's result.
        let mut text: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
        text.extend(["\"k3\":100", "\"k35\":200", "\"new\":1", "\"k3\":300"].map(String::from));
        let text = format!("{{{}}}", text.join(","));
        let j = parse(&text).unwrap();
        let Json::Object(pairs) = j else { panic!() };
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| &**k).collect();
        let mut want: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
        want.push("new".into());
        assert_eq!(keys, want);
        let value = |k: &str| pairs.iter().find(|p| p.0 == k).map(|p| p.1.clone());
        assert_eq!(value("k3"), Some(Json::Int(300)));
        assert_eq!(value("k35"), Some(Json::Int(200)));
        assert_eq!(value("k39"), Some(Json::Int(39)));
    }

    #[test]
    fn errors_keep_line_and_column_and_trailing_text_is_refused() {
        let e = parse("{\n \"a\": }").unwrap_err();
        assert_eq!((e.line(), e.column()), (2, 7));
        assert!(parse("{} x").is_err());
        assert!(parse(&"[".repeat(1000)).is_err());
    }
}
