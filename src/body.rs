//! The worker's text path: an order builder's result as the exact request body text.
//!
//! With `{ as: "text" }` in a builder's options the caller gets `{ ok, body, issues }`, `body`
//! being the bytes to send (JSON for Geisenheim and Westarp, the XML — or JSON with
//! `format: "json"` — for kivitendo), so JSON text in → body text out never passes through
//! `JSON.parse`/`JSON.stringify` in JavaScript. The functions here take the order as JSON
//! text and the options as JSON; the Wasm glue only hands strings over.

use serde::Serialize;
use serde_json::Value;

use crate::issue::{Built, Issues};
use crate::order::Order;

/// A builder's result on the text path: the request body when no issue is an error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    /// True when `body` is there (no issue is an error).
    pub ok: bool,
    /// The exact request body text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Every issue found, errors and warnings.
    pub issues: Issues,
}

impl Body {
    /// A body candidate with its issues: dropped when an issue is an error.
    pub fn new(body: Option<String>, issues: Issues) -> Body {
        let body = if issues.has_errors() { None } else { body };
        Body {
            ok: body.is_some(),
            body,
            issues,
        }
    }

    /// The payload of `built` serialised as compact JSON.
    pub fn from_built<T: Serialize>(built: Built<T>) -> Body {
        Body::from_written(built, |p| {
            serde_json::to_string(p).map_err(|e| e.to_string())
        })
    }

    /// [`Body::from_built`] written through [`Out`]: the same text, faster at opt-level "z".
    /// Only for Geisenheim's body (each payload type written this way instantiates serde_json's
    /// writer once more: about 1.5 KB of module per type).
    pub fn from_built_inline<T: Serialize>(built: Built<T>) -> Body {
        Body::from_written(built, write_json)
    }

    /// The payload of `built` as text by `write`; a failure is the one `serialize_failed` issue.
    fn from_written<T>(built: Built<T>, write: impl FnOnce(&T) -> Result<String, String>) -> Body {
        let mut issues = built.issues;
        let body = built.payload.and_then(|p| match write(&p) {
            Ok(text) => Some(text),
            Err(e) => {
                issues.error(
                    "",
                    "serialize_failed",
                    format!("the body could not be written: {e}"),
                    format!("der Body ließ sich nicht schreiben: {e}"),
                );
                None
            }
        });
        Body::new(body, issues)
    }
}

/// `value` as compact JSON text, written by serde_json into an [`Out`].
fn write_json<T: Serialize>(value: &T) -> Result<String, String> {
    // The sink by value, not `&mut`: `impl Write for &mut W` would be one more call per write
    // at opt-level "z".
    let mut ser = serde_json::Serializer::new(Out::new());
    value.serialize(&mut ser).map_err(|e| e.to_string())?;
    String::from_utf8(ser.into_inner().finish()).map_err(|e| e.to_string())
}

/// The byte sink serde_json writes a body into. JSON text is mostly writes of one to a few
/// bytes (quotes, colons, commas, short keys): those are copied byte by byte into a small
/// array, inline, and the array is moved to the text when full. At opt-level "z" a
/// `Vec::push` or `extend_from_slice` per write is a call, which made the text path slower.
struct Out {
    /// The bytes written since the last spill.
    buf: [u8; OUT_BUF],
    /// How many of `buf` are used.
    n: usize,
    /// The text before `buf`.
    text: Vec<u8>,
}

/// The size of [`Out`]'s array.
const OUT_BUF: usize = 256;

/// Writes of at most this many bytes go byte by byte into [`Out`]'s array.
const OUT_SHORT: usize = 16;

impl Out {
    fn new() -> Out {
        Out {
            buf: [0; OUT_BUF],
            n: 0,
            text: Vec::with_capacity(1024),
        }
    }

    /// Moves the array's bytes to the text.
    #[inline(never)]
    fn spill(&mut self) {
        self.text
            .extend_from_slice(self.buf.get(..self.n).unwrap_or_default());
        self.n = 0;
    }

    /// A write of more than one byte, or into a full array.
    #[inline(never)]
    fn write_more(&mut self, bytes: &[u8]) {
        if bytes.len() > OUT_SHORT {
            self.spill();
            self.text.extend_from_slice(bytes);
            return;
        }
        if self.n + bytes.len() > OUT_BUF {
            self.spill();
        }
        for &b in bytes {
            if let Some(slot) = self.buf.get_mut(self.n) {
                *slot = b;
                self.n += 1;
            }
        }
    }

    /// Everything written.
    fn finish(mut self) -> Vec<u8> {
        self.spill();
        self.text
    }
}

impl std::io::Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    #[inline(always)]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match (buf, self.buf.get_mut(self.n)) {
            ([b], Some(slot)) => {
                *slot = *b;
                self.n += 1;
            }
            _ => self.write_more(buf),
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// True when `options.as` asks for the text path (`"text"`); `"object"` or no `as` keeps the
/// payload object. Any other value is an error issue.
pub fn wants_text(options: &Value, issues: &mut Issues) -> bool {
    match options.get("as") {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) if s == "text" => true,
        Some(Value::String(s)) if s == "object" => false,
        Some(other) => {
            issues.error(
                "options.as",
                "invalid_type",
                format!("{other} is not allowed; write \"text\" (the request body as text) or \"object\""),
                format!("{other} ist nicht erlaubt; bitte \"text\" (der Request-Body als Text) oder \"object\" angeben"),
            );
            false
        }
    }
}

/// A target's order builder on the body path: reads the order from JSON text, the options with `read_options`, builds with `build` and
/// writes the payload as text with `write`. Malformed order JSON is the one issue then.
pub fn build<O, T: Serialize>(
    order_json: &str,
    options: &Value,
    mut issues: Issues,
    read_options: fn(&Value, &mut Issues) -> O,
    build: fn(&Order, Issues, &O) -> Built<T>,
    write: fn(Built<T>) -> Body,
) -> Body {
    let options = read_options(options, &mut issues);
    let (order, order_issues) = Order::parse_json(order_json);
    if order_issues.iter().any(|i| i.code == "malformed_json") {
        issues.extend(order_issues);
        return Body::new(None, issues);
    }
    issues.extend(order_issues);
    write(build(&order, issues, &options))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`Out`] gives serde_json's own text: escapes, multi-byte characters, one-byte and long
    /// writes, numbers.
    #[test]
    fn out_writes_what_serde_json_writes() {
        let v = serde_json::json!({
            "q": "a \"quoted\" \\ line\nbreak\u{1}",
            "de": "Straße, Weißwein, Rosé 🍷",
            "long": "x".repeat(5000),
            "many": (0..400).map(|i| format!("k{i}")).collect::<Vec<_>>(),
            "n": [0, -1, 7.5, 1e300, 12345678901234567u64],
            "": {"a": null, "b": true, "c": []}
        });
        assert_eq!(write_json(&v).unwrap(), serde_json::to_string(&v).unwrap());
        assert_eq!(write_json(&"").unwrap(), "\"\"");
    }
}
