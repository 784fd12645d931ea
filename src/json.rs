//! A borrowed JSON document: strings point into the input text, and every array's elements
//! and every object's members lie side by side in two flat vectors.
//!
//! Reading an order through [`serde_json::Value`] allocates every key and string and builds a
//! B-tree per object; a tree of vectors still allocates (and frees) one vector per object and
//! array, about 35 for a 10-item order. This document makes four allocations whatever the
//! order's shape, and strings allocate only when they have escapes. Parsing is still
//! serde_json's (the same grammar, recursion limit and line/column errors).

use serde::de::{Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Where a container's children lie in its [`Doc`]: `len` entries from `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    start: usize,
    len: usize,
}

impl Span {
    /// The number of elements or members.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A JSON value borrowing from its source text; containers point into their [`Doc`] (so two
/// containers compare equal by position there, not by content: compare [`Doc`]s for that).
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
    /// An array: its elements are [`Doc::items`].
    Array(Span),
    /// An object, keys in input order: its members are [`Doc::pairs`].
    Object(Span),
}

/// A parsed JSON text: the root value and the children of every container.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc<'a> {
    root: Json<'a>,
    items: Vec<Json<'a>>,
    pairs: Vec<(Cow<'a, str>, Json<'a>)>,
}

/// Key equality: the lengths first (most keys an order reader compares differ there), then the
/// bytes in a loop. Always inlined and without `memcmp`: at opt-level "z" a call per
/// comparison made the 10-item text path about 9 % slower, and Wasm's `memcmp` is a call into a
/// byte loop anyway.
#[inline(always)]
pub fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while let (Some(x), Some(y)) = (a.get(i), b.get(i)) {
        if x != y {
            return false;
        }
        i += 1;
    }
    true
}

/// The value at `key` among an object's `pairs` (the first such key; a document's objects
/// have each key once). A plain loop, always inlined: at opt-level "z" `Iterator::find` stays
/// a call.
#[inline(always)]
pub fn member<'p, 'a>(pairs: &'p [(Cow<'a, str>, Json<'a>)], key: &str) -> Option<&'p Json<'a>> {
    for (k, v) in pairs {
        if same_key(k, key) {
            return Some(v);
        }
    }
    None
}

/// Parses JSON text into a borrowed document.
pub fn parse(text: &str) -> Result<Doc<'_>, serde_json::Error> {
    // Room for a typical document's children up front (an order has about one member per 24
    // bytes of text and one array element per 150), so that the vectors rarely regrow.
    let mut b = Builder {
        items: Vec::with_capacity(text.len() / 128 + 4),
        pairs: Vec::with_capacity(text.len() / 24 + 4),
        open_items: Vec::with_capacity(text.len() / 256 + 4),
        open_pairs: Vec::with_capacity(text.len() / 64 + 4),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let root = Seed(&mut b).deserialize(&mut de)?;
    de.end()?;
    Ok(Doc {
        root,
        items: b.items,
        pairs: b.pairs,
    })
}

impl<'a> Doc<'a> {
    /// The top-level value.
    pub fn root(&self) -> &Json<'a> {
        &self.root
    }

    /// The elements of an array (empty for other values).
    pub fn items(&self, value: &Json<'a>) -> &[Json<'a>] {
        match value {
            Json::Array(s) => self.items.get(s.start..s.start + s.len).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The members of an object, in input order (empty for other values).
    pub fn pairs(&self, value: &Json<'a>) -> &[(Cow<'a, str>, Json<'a>)] {
        match value {
            Json::Object(s) => self.pairs.get(s.start..s.start + s.len).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The value at `key` of an object (`None` for other values and absent keys).
    pub fn get(&self, value: &Json<'a>, key: &str) -> Option<&Json<'a>> {
        member(self.pairs(value), key)
    }

    /// `value` as compact JSON text (for messages).
    pub fn show<'d>(&'d self, value: &'d Json<'a>) -> Shown<'d, 'a> {
        Shown { doc: self, value }
    }
}

/// A value of a [`Doc`] written as compact JSON text ([`Doc::show`]).
pub struct Shown<'d, 'a> {
    doc: &'d Doc<'a>,
    value: &'d Json<'a>,
}

impl fmt::Display for Shown<'_, '_> {
    /// Compact JSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let doc = self.doc;
        match self.value {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => write!(f, "{b}"),
            Json::Int(i) => write!(f, "{i}"),
            Json::UInt(u) => write!(f, "{u}"),
            Json::Float(x) => f.write_str(zmij::Buffer::new().format(*x)),
            Json::Str(s) => write_quoted(f, s),
            v @ Json::Array(_) => {
                f.write_str("[")?;
                for (i, item) in doc.items(v).iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}", doc.show(item))?;
                }
                f.write_str("]")
            }
            v @ Json::Object(_) => {
                f.write_str("{")?;
                for (i, (k, item)) in doc.pairs(v).iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_quoted(f, k)?;
                    write!(f, ":{}", doc.show(item))?;
                }
                f.write_str("}")
            }
        }
    }
}

impl<'a> Json<'a> {
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

/// Writes `s` as a JSON string literal, escaped by serde_json.
fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    match serde_json::to_string(s) {
        Ok(quoted) => f.write_str(&quoted),
        Err(_) => Err(fmt::Error),
    }
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

/// The document under construction: finished children, and the children of the containers
/// still open (moved to the finished ones, side by side, when their container closes).
struct Builder<'a> {
    items: Vec<Json<'a>>,
    pairs: Vec<(Cow<'a, str>, Json<'a>)>,
    open_items: Vec<Json<'a>>,
    open_pairs: Vec<(Cow<'a, str>, Json<'a>)>,
}

/// Reads one value into the [`Builder`].
struct Seed<'b, 'a>(&'b mut Builder<'a>);

impl<'de> DeserializeSeed<'de> for Seed<'_, 'de> {
    type Value = Json<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_, 'de> {
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
        let b = self.0;
        let mark = b.open_items.len();
        while let Some(v) = seq.next_element_seed(Seed(&mut *b))? {
            b.open_items.push(v);
        }
        let start = b.items.len();
        b.items.extend(b.open_items.drain(mark..));
        Ok(Json::Array(Span {
            start,
            len: b.items.len() - start,
        }))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let b = self.0;
        let mark = b.open_pairs.len();
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            let v = map.next_value_seed(Seed(&mut *b))?;
            // Duplicate keys: the last one wins, as in JSON.parse. A linear search while the
            // object is small; beyond that one index at the end (no quadratic cost).
            // (A plain loop: at opt-level "z" `Iterator::find` stays a call.)
            let open = b.open_pairs.get_mut(mark..).unwrap_or_default();
            let seen = open.len().min(SMALL_OBJECT);
            let mut slot = None;
            for (ek, ev) in open.get_mut(..seen).unwrap_or_default() {
                if same_key(ek, &k) {
                    slot = Some(ev);
                    break;
                }
            }
            match slot {
                Some(ev) => *ev = v,
                None => b.open_pairs.push((k, v)),
            }
        }
        let start = b.pairs.len();
        if b.open_pairs.len() - mark > SMALL_OBJECT {
            let mut members: Vec<_> = b.open_pairs.drain(mark..).collect();
            dedup_keys(&mut members);
            b.pairs.extend(members);
        } else {
            b.pairs.extend(b.open_pairs.drain(mark..));
        }
        Ok(Json::Object(Span {
            start,
            len: b.pairs.len() - start,
        }))
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
    fn same_key_is_string_equality() {
        let words = [
            "", "a", "b", "ab", "ba", "abc", "abd", "äb", "ab\u{0}", "sku", "skU", "quantity",
        ];
        for a in words {
            for b in words {
                assert_eq!(same_key(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn strings_without_escapes_borrow() {
        let text = r#"{"a":"plain","b":"esc\"aped","c":[1,-2,2.5,null,true]}"#;
        let d = parse(text).unwrap();
        let root = d.root();
        assert!(matches!(
            d.get(root, "a"),
            Some(Json::Str(Cow::Borrowed("plain")))
        ));
        assert!(matches!(d.get(root, "b"), Some(Json::Str(Cow::Owned(s))) if s == "esc\"aped"));
        let c = d.get(root, "c").unwrap();
        assert_eq!(
            d.items(c),
            &[
                Json::Int(1),
                Json::Int(-2),
                Json::Float(2.5),
                Json::Null,
                Json::Bool(true)
            ]
        );
        assert_eq!(d.items(root), &[]);
        assert_eq!(d.pairs(c), &[]);
    }

    #[test]
    fn nested_containers_keep_their_own_children() {
        let text = r#"[{"a":[1,[2,3]],"b":{"c":{}}},[],{"d":4}]"#;
        let d = parse(text).unwrap();
        let top = d.items(d.root());
        assert_eq!(top.len(), 3);
        let a = d.get(&top[0], "a").unwrap();
        assert_eq!(d.items(a)[0], Json::Int(1));
        assert_eq!(d.items(&d.items(a)[1]), &[Json::Int(2), Json::Int(3)]);
        let c = d.get(d.get(&top[0], "b").unwrap(), "c").unwrap();
        assert!(matches!(c, Json::Object(s) if s.is_empty()));
        assert!(matches!(&top[1], Json::Array(s) if s.is_empty()));
        assert_eq!(d.get(&top[2], "d"), Some(&Json::Int(4)));
        assert_eq!(d.show(d.root()).to_string(), text);
    }

    #[test]
    fn display_writes_compact_json() {
        let text = r#"{"a":[1,-2,2.5,null,true],"b":"q\"\\\n\u0001"}"#;
        let d = parse(text).unwrap();
        assert_eq!(d.show(d.root()).to_string(), text);
    }

    #[test]
    fn duplicate_keys_keep_the_last_value_like_json_parse() {
        let d = parse(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(d.pairs(d.root()), &[(Cow::Borrowed("a"), Json::Int(2))]);
    }

    #[test]
    fn large_objects_keep_the_first_place_and_the_last_value_of_a_key() {
        // 40 keys, then a repeats of key 3, of key 35 and a new key: JSON.parse's result.
        let mut text: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
        text.extend(["\"k3\":100", "\"k35\":200", "\"new\":1", "\"k3\":300"].map(String::from));
        let text = format!("{{{}}}", text.join(","));
        let d = parse(&text).unwrap();
        let pairs = d.pairs(d.root());
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
