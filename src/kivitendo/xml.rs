//! XML as kivitendo's REST API (Rails) writes and reads it: a small indenting writer that
//! escapes every text, and a small hardened reader that turns documents into JSON.
//!
//! The reader refuses DTDs (so no external entities and no entity-expansion attacks such as
//! "billion laughs"), knows only XML's five predefined entities and character references,
//! limits nesting depth and input size, and names line and column of the first error.

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

/// One piece of markup, as [`Lexer`] reads it.
enum Event<'a> {
    /// `<name attrs>` or `<name attrs/>` (`empty`).
    Start {
        name: &'a str,
        attrs: &'a str,
        empty: bool,
    },
    /// `</name>`.
    End(&'a str),
    /// Character data, entities resolved, trimmed (never empty).
    Text(String),
    /// `<![CDATA[…]]>`, as it is.
    CData(&'a str),
    /// The end of the input.
    Eof,
}

/// A position and what is wrong there.
type LexError = (usize, String);

/// Reads the XML subset kivitendo speaks: elements, attributes, text, CDATA, comments,
/// declarations and processing instructions (skipped). DTDs are refused. A few dozen lines
/// instead of quick-xml, whose reader cost 13 KB of Wasm for this one use (README "Speed
/// and size"); the tests below cover what it did for us.
struct Lexer<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// The next event and where it starts.
    fn next(&mut self) -> Result<(usize, Event<'a>), LexError> {
        loop {
            let at = self.pos;
            let Some(rest) = self.s.get(at..).filter(|r| !r.is_empty()) else {
                return Ok((at, Event::Eof));
            };
            let skip = |lexer: &mut Self, close: &str, what: &str| match rest.find(close) {
                Some(i) => {
                    lexer.pos = at + i + close.len();
                    Ok(i)
                }
                None => Err((at, format!("{what} is not closed"))),
            };
            if !rest.starts_with('<') {
                let len = rest.find('<').unwrap_or(rest.len());
                self.pos = at + len;
                let raw = rest.get(..len).unwrap_or("");
                let text = raw.trim();
                if text.is_empty() {
                    continue;
                }
                let lead = raw.len() - raw.trim_start().len();
                return Ok((at + lead, Event::Text(unescape(text, at + lead)?)));
            }
            if rest.starts_with("<?") {
                skip(self, "?>", "`<?`")?;
            } else if rest.starts_with("<!--") {
                skip(self, "-->", "comment `<!--`")?;
            } else if let Some(body) = rest.strip_prefix("<![CDATA[") {
                let len = skip(self, "]]>", "`<![CDATA[`")?;
                return Ok((
                    at,
                    Event::CData(body.get(..len.saturating_sub(9)).unwrap_or("")),
                ));
            } else if rest.starts_with("<!") {
                return Err((at, "DTDs (<!DOCTYPE …>) are not accepted: kivitendo documents need none, and entity definitions are a known attack".into()));
            } else {
                // A tag: up to the first `>` outside quotes.
                let mut quote = None;
                let close = rest.char_indices().skip(1).find_map(|(i, c)| {
                    match (quote, c) {
                        (None, '"' | '\'') => quote = Some(c),
                        (Some(q), c) if c == q => quote = None,
                        (None, '>') => return Some(i),
                        _ => {}
                    }
                    None
                });
                let Some(close) = close else {
                    return Err((at, "a tag is not closed with `>`".into()));
                };
                self.pos = at + close + 1;
                let inner = rest.get(1..close).unwrap_or("");
                if let Some(name) = inner.strip_prefix('/') {
                    return Ok((at, Event::End(valid_name(name.trim_end(), at)?)));
                }
                let (inner, empty) = match inner.strip_suffix('/') {
                    Some(i) => (i, true),
                    None => (inner, false),
                };
                let n = inner.find(char::is_whitespace).unwrap_or(inner.len());
                return Ok((
                    at,
                    Event::Start {
                        name: valid_name(inner.get(..n).unwrap_or(""), at)?,
                        attrs: inner.get(n..).unwrap_or(""),
                        empty,
                    },
                ));
            }
        }
    }
}

/// XML's name rule, with every non-ASCII character allowed (Unicode tables would cost more
/// than the rest of the reader).
fn valid_name(name: &str, at: usize) -> Result<&str, LexError> {
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || !c.is_ascii() || c == '_' || c == ':')
        && name.chars().all(|c| {
            c.is_ascii_alphanumeric() || !c.is_ascii() || matches!(c, '_' | ':' | '-' | '.')
        });
    if ok {
        Ok(name)
    } else {
        Err((at, format!("`{name}` is not an element name")))
    }
}

/// Resolves XML's five predefined entities and character references; any other entity is an
/// error (no DTD defines one).
fn unescape(text: &str, at: usize) -> Result<String, LexError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or(""));
        let tail = rest.get(amp + 1..).unwrap_or("");
        let semi = tail.find(';').filter(|&i| i <= 10);
        let name = semi.and_then(|i| tail.get(..i)).unwrap_or("");
        let c = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| name.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .filter(|&n| n != 0)
                .and_then(char::from_u32),
        };
        let (Some(c), Some(semi)) = (c, semi) else {
            let shown: String = tail.chars().take_while(|&c| c != ';').take(12).collect();
            return Err((at, format!("unknown entity `&{shown};` (only &lt; &gt; &amp; &quot; &apos; and &#…; are defined)")));
        };
        out.push(c);
        rest = tail.get(semi + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// Reads an XML document into JSON, the way Rails' `to_xml` writes records: element names
/// become keys with `-` turned into `_`; `type="integer|boolean"` and
/// `nil="true"` are honoured (decimals and floats stay strings, to stay exact); `type="array"` and
/// wrappers whose children all share one name (`<contacts><contact/>…</contacts>`) become
/// arrays; repeated names become arrays. The root element's name is returned beside it.
pub fn to_json(xml: &str) -> Result<(String, Value), XmlError> {
    let err = |(pos, message): LexError| {
        let (line, column) = line_column(xml, pos);
        XmlError {
            line,
            column,
            message,
        }
    };
    if xml.len() > MAX_BYTES {
        return Err(err((
            0,
            format!("the document is larger than {MAX_BYTES} bytes"),
        )));
    }
    let mut lexer = Lexer { s: xml, pos: 0 };
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<(String, Value)> = None;
    loop {
        let (at, event) = lexer.next().map_err(err)?;
        let done = match event {
            Event::Start { .. } if root.is_some() => {
                return Err(err((at, "content after the root element".into())));
            }
            Event::Start { .. } if stack.len() >= MAX_DEPTH => {
                return Err(err((
                    at,
                    format!("elements nested deeper than {MAX_DEPTH}"),
                )));
            }
            Event::Start { name, attrs, empty } => {
                let f = frame(name, attrs, at).map_err(err)?;
                if !empty {
                    stack.push(f);
                    continue;
                }
                f
            }
            Event::End(name) => match stack.pop() {
                Some(f) if f.name == name.replace('-', "_") => f,
                Some(f) => {
                    return Err(err((
                        at,
                        format!("`</{name}>` does not close `<{}>`", f.name),
                    )));
                }
                None => {
                    return Err(err((at, "closing tag without an opening one".into())));
                }
            },
            Event::Text(t) => match stack.last_mut() {
                Some(f) => {
                    f.text.push_str(&t);
                    continue;
                }
                None => return Err(err((at, "text outside the root element".into()))),
            },
            Event::CData(t) => match stack.last_mut() {
                Some(f) => {
                    f.text.push_str(t);
                    continue;
                }
                None => return Err(err((at, "CDATA outside the root element".into()))),
            },
            Event::Eof => break,
        };
        let (name, value) = finish(done);
        match stack.last_mut() {
            Some(parent) => parent.children.push((name, value)),
            None => root = Some((name, value)),
        }
    }
    if let Some(open) = stack.last() {
        return Err(err((
            xml.len(),
            format!("unexpected end of document: <{}> is not closed", open.name),
        )));
    }
    root.ok_or_else(|| err((0, "no root element".into())))
}

/// A new element from its name and attribute text (`type` and `nil` are kept).
fn frame(name: &str, mut attrs: &str, at: usize) -> Result<Frame, LexError> {
    let mut f = Frame {
        name: name.replace('-', "_"),
        type_attr: None,
        nil: false,
        children: Vec::new(),
        text: String::new(),
    };
    loop {
        attrs = attrs.trim_start();
        if attrs.is_empty() {
            return Ok(f);
        }
        let bad = || {
            (
                at,
                format!("malformed attribute in `<{name}>`: write name=\"value\""),
            )
        };
        let eq = attrs.find('=').ok_or_else(bad)?;
        let key = attrs.get(..eq).unwrap_or("").trim();
        let after = attrs.get(eq + 1..).unwrap_or("").trim_start();
        let quote = after
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\''))
            .ok_or_else(bad)?;
        let body = after.get(1..).unwrap_or("");
        let end = body.find(quote).ok_or_else(bad)?;
        valid_name(key, at)?;
        let value = unescape(body.get(..end).unwrap_or(""), at)?;
        match key {
            "type" => f.type_attr = Some(value),
            "nil" => f.nil = value == "true",
            _ => {}
        }
        attrs = body.get(end + 1..).unwrap_or("");
    }
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
    fn the_reader_handles_what_rails_and_hand_written_documents_contain() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a comment -->\n<order>\n  <note><![CDATA[<b>5 & 6</b>  ]]></note>\n  <name> M&#252;ller &#x26; S&#xF6;hne &apos;&quot;&lt;&gt; </name>\n  <id type='integer'>7</id>\n  <fax nil=\"true\"/>\n  <tag a=\"x > y\" type=\"boolean\">true</tag>\n  <?pi skipped?>\n  <shop-number>12</shop-number>\n</order>\n";
        let (root, v) = to_json(xml).unwrap();
        assert_eq!(root, "order");
        assert_eq!(
            v,
            json!({"note": "<b>5 & 6</b>  ", "name": "Müller & Söhne '\"<>", "id": 7, "fax": null, "tag": true, "shop_number": "12"})
        );
    }

    #[test]
    fn malformed_documents_are_errors_with_their_place() {
        for (xml, line, column, says) in [
            ("<a>\n  <b></c>\n</a>", 2, 6, "does not close"),
            ("<a>&nbsp;</a>", 1, 4, "unknown entity `&nbsp;`"),
            ("<a>fish & chips</a>", 1, 4, "unknown entity"),
            ("<a>&#0;</a>", 1, 4, "unknown entity"),
            ("<a b=c/>", 1, 1, "malformed attribute"),
            ("<a b=\"c/>", 1, 1, "not closed"),
            ("<1a/>", 1, 1, "not an element name"),
            ("<a/><b/>", 1, 5, "after the root"),
            ("text<a/>", 1, 1, "outside the root"),
            ("</a>", 1, 1, "without an opening"),
            ("<a><!-- open", 1, 4, "comment"),
            ("<a><![CDATA[x", 1, 4, "CDATA"),
            ("", 1, 1, "no root element"),
        ] {
            let e = to_json(xml).unwrap_err();
            assert_eq!((e.line, e.column), (line, column), "{xml}: {e}");
            assert!(e.message.contains(says), "{xml}: {e}");
        }
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
