//! XML as kivitendo's REST API (Rails) writes and reads it: a small indenting writer that
//! escapes every text, and a hardened reader (quick-xml) that turns documents into JSON.
//!
//! The reader refuses DTDs (so no external entities and no entity-expansion attacks such as
//! "billion laughs"), knows only XML's five predefined entities and character references,
//! limits nesting depth and input size, and names line and column of the first error.

use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{Map, Value};
use thiserror::Error;

/// Deepest element nesting the reader accepts.
pub const MAX_DEPTH: usize = 32;
/// Largest document the reader accepts, in bytes.
pub const MAX_BYTES: usize = 16 << 20;

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message} at line {line} column {column}")]
pub struct XmlError {
    /// 1-based line of the problem.
    pub line: usize,
    /// 1-based column (in characters) of the problem.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Writes indented XML (two spaces), escaping all text.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
    depth: usize,
}

/// Escapes text for XML content or attribute values; drops characters XML 1.0 forbids
/// (control characters other than tab, line feed and carriage return).
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

impl XmlWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    /// Opens `<name>` on its own line.
    pub fn open(&mut self, name: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    /// Closes `</name>` on its own line.
    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// Writes `<name>text</name>`.
    pub fn leaf(&mut self, name: &str, text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        escape(text, &mut self.out);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// Writes `<name>text</name>` when there is a text.
    pub fn opt(&mut self, name: &str, text: Option<&str>) {
        if let Some(t) = text {
            self.leaf(name, t);
        }
    }

    /// The document.
    pub fn finish(self) -> String {
        self.out
    }
}

/// 1-based line and column (in characters) of byte `pos` in `text`.
pub fn line_column(text: &str, pos: usize) -> (usize, usize) {
    let pos = pos.min(text.len());
    let mut cut = pos;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = text.get(..cut).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// One element under construction.
struct Frame {
    name: String,
    type_attr: Option<String>,
    nil: bool,
    children: Vec<(String, Value)>,
    text: String,
}

/// Reads an XML document into JSON, the way Rails' `to_xml` writes records: element names
/// become keys with `-` turned into `_`; `type="integer|boolean"` and
/// `nil="true"` are honoured (decimals and floats stay strings, to stay exact); `type="array"` and
/// wrappers whose children all share one name (`<contacts><contact/>…</contacts>`) become
/// arrays; repeated names become arrays. The root element's name is returned beside it.
pub fn to_json(xml: &str) -> Result<(String, Value), XmlError> {
    let err = |pos: usize, message: String| {
        let (line, column) = line_column(xml, pos);
        XmlError {
            line,
            column,
            message,
        }
    };
    if xml.len() > MAX_BYTES {
        return Err(err(
            0,
            format!("the document is larger than {MAX_BYTES} bytes"),
        ));
    }
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<(String, Value)> = None;
    loop {
        let mut before = usize::try_from(reader.buffer_position()).unwrap_or(0);
        // Skipped whitespace belongs to no event: point at the next markup instead.
        if let Some(skip) = xml
            .get(before..)
            .and_then(|rest| rest.find(|c: char| !c.is_whitespace()))
        {
            before += skip;
        }
        let event = reader.read_event().map_err(|e| {
            err(
                usize::try_from(reader.error_position()).unwrap_or(before),
                e.to_string(),
            )
        })?;
        match event {
            Event::Start(e) | Event::Empty(e) if root.is_some() => {
                let _ = e;
                return Err(err(before, "content after the root element".into()));
            }
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(
                        before,
                        format!("elements nested deeper than {MAX_DEPTH}"),
                    ));
                }
                stack.push(frame(&e, before, &err)?);
            }
            Event::Empty(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(
                        before,
                        format!("elements nested deeper than {MAX_DEPTH}"),
                    ));
                }
                let f = frame(&e, before, &err)?;
                let (name, value) = finish(f);
                match stack.last_mut() {
                    Some(parent) => parent.children.push((name, value)),
                    None => root = Some((name, value)),
                }
            }
            Event::End(_) => {
                let Some(f) = stack.pop() else {
                    return Err(err(before, "closing tag without an opening one".into()));
                };
                let (name, value) = finish(f);
                match stack.last_mut() {
                    Some(parent) => parent.children.push((name, value)),
                    None => root = Some((name, value)),
                }
            }
            Event::Text(t) => {
                let text = t.unescape().map_err(|e| err(before, e.to_string()))?;
                match stack.last_mut() {
                    Some(f) => f.text.push_str(&text),
                    None => return Err(err(before, "text outside the root element".into())),
                }
            }
            Event::CData(t) => {
                let raw = t.into_inner();
                let text = std::str::from_utf8(&raw).map_err(|e| err(before, e.to_string()))?;
                match stack.last_mut() {
                    Some(f) => f.text.push_str(text),
                    None => return Err(err(before, "CDATA outside the root element".into())),
                }
            }
            Event::DocType(_) => {
                return Err(err(
                    before,
                    "DTDs (<!DOCTYPE …>) are not accepted: kivitendo documents need none, and entity definitions are a known attack".into(),
                ));
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(err(
            xml.len(),
            format!("unexpected end of document: <{}> is not closed", open.name),
        ));
    }
    root.ok_or_else(|| err(0, "no root element".into()))
}

fn frame<F>(e: &quick_xml::events::BytesStart<'_>, pos: usize, err: &F) -> Result<Frame, XmlError>
where
    F: Fn(usize, String) -> XmlError,
{
    let name = std::str::from_utf8(e.name().as_ref())
        .map_err(|x| err(pos, x.to_string()))?
        .replace('-', "_");
    let mut f = Frame {
        name,
        type_attr: None,
        nil: false,
        children: Vec::new(),
        text: String::new(),
    };
    for a in e.attributes() {
        let a = a.map_err(|x| err(pos, x.to_string()))?;
        let value = a.unescape_value().map_err(|x| err(pos, x.to_string()))?;
        match a.key.as_ref() {
            b"type" => f.type_attr = Some(value.into_owned()),
            b"nil" => f.nil = value == "true",
            _ => {}
        }
    }
    Ok(f)
}

fn finish(f: Frame) -> (String, Value) {
    if f.nil {
        return (f.name, Value::Null);
    }
    let typed = f.type_attr.as_deref();
    if typed == Some("array")
        || (f.children.len() > 1 && all_same_name(&f.children))
        || wrapper_of_one(&f)
    {
        let items = f.children.into_iter().map(|(_, v)| v).collect();
        return (f.name, Value::Array(items));
    }
    if !f.children.is_empty() {
        let mut map = Map::new();
        for (k, v) in f.children {
            match map.get_mut(&k) {
                Some(Value::Array(list)) => list.push(v),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, v]);
                }
                None => {
                    map.insert(k, v);
                }
            }
        }
        return (f.name, Value::Object(map));
    }
    let text = f.text;
    let value = match typed {
        Some("integer") => text
            .trim()
            .parse::<i64>()
            .map_or(Value::String(text), Value::from),
        Some("boolean") => match text.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text),
        },
        _ => Value::String(text),
    };
    (f.name, value)
}

fn all_same_name(children: &[(String, Value)]) -> bool {
    children.windows(2).all(|w| w[0].0 == w[1].0)
}

/// `<contacts><contact>…</contact></contacts>`: a plural wrapper holding its singular.
fn wrapper_of_one(f: &Frame) -> bool {
    match f.children.as_slice() {
        [(child, _)] => f.name.strip_suffix('s') == Some(child.as_str()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writer_indents_and_escapes() {
        let mut w = XmlWriter::new();
        w.open("customer");
        w.leaf("name", "Müller & <Söhne> \"GmbH\" ]]> \u{0}x");
        w.opt("fax", None);
        w.close("customer");
        assert_eq!(
            w.finish(),
            "<customer>\n  <name>Müller &amp; &lt;Söhne&gt; &quot;GmbH&quot; ]]&gt; x</name>\n</customer>\n"
        );
    }

    #[test]
    fn rails_types_and_wrappers_become_json() {
        let xml = r#"<?xml version="1.0"?>
<customer>
  <id type="integer">12</id>
  <name>A &amp; B</name>
  <obsolete type="boolean">false</obsolete>
  <fax nil="true"/>
  <errors type="array"/>
  <contacts><contact><first-name>Piet</first-name></contact></contacts>
  <shippings>
    <shipping><city>Berlin</city></shipping>
    <shipping><city>Köln</city></shipping>
  </shippings>
</customer>"#;
        let (root, v) = to_json(xml).unwrap();
        assert_eq!(root, "customer");
        assert_eq!(
            v,
            json!({"id": 12, "name": "A & B", "obsolete": false, "fax": null, "errors": [],
                   "contacts": [{"first_name": "Piet"}],
                   "shippings": [{"city": "Berlin"}, {"city": "Köln"}]})
        );
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = to_json("<customer>\n  <name>x</name>\n  <shippings>\n   </customer>").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        let e = to_json("<a>\n<b>").unwrap_err();
        assert!(e.message.contains("not closed"), "{e}");
    }

    #[test]
    fn billion_laughs_and_external_entities_are_refused() {
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<lolz>&lol2;</lolz>"#;
        let e = to_json(laughs).unwrap_err();
        assert!(e.message.contains("DTD"), "{e}");
        assert_eq!(e.line, 2);
        let xxe = r#"<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>"#;
        assert!(to_json(xxe).is_err());
        assert!(to_json("<x>&unknown;</x>").is_err());
    }

    #[test]
    fn depth_is_bounded() {
        let deep = format!(
            "{}{}",
            "<a>".repeat(MAX_DEPTH + 1),
            "</a>".repeat(MAX_DEPTH + 1)
        );
        assert!(to_json(&deep).unwrap_err().message.contains("deeper"));
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(to_json(&ok).is_ok());
    }
}
