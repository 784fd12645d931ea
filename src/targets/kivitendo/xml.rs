//! XML as kivitendo's REST API (Rails) writes and reads it: a small indenting writer that
//! escapes every text, and a small hardened reader that turns documents into JSON.
//!
//! The reader refuses DTDs (so no external entities and no entity-expansion attacks such as
//! "billion laughs"), knows only XML's five predefined entities and character references,
//! limits nesting depth and input size, and names line and column of the first error.

use serde_json::{Map, Value};
use thiserror::Error;

/// The reader's limits: its deepest nesting and largest document (defined in [`crate::limits`]).
pub use crate::limits::{MAX_XML_BYTES as MAX_BYTES, MAX_XML_DEPTH as MAX_DEPTH};

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

/// Writes indented XML (two spaces) with quick-xml's writer, escaping all text.
pub struct XmlWriter {
    out: quick_xml::Writer<Vec<u8>>,
}

impl std::fmt::Debug for XmlWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XmlWriter").finish_non_exhaustive()
    }
}

impl Default for XmlWriter {
    fn default() -> Self {
        XmlWriter {
            out: quick_xml::Writer::new_with_indent(Vec::new(), b' ', 2),
        }
    }
}

/// Escapes text for XML content or attribute values (quick-xml's `escape`: `& < > " '`);
/// drops characters XML 1.0 forbids (control characters other than tab, line feed and
/// carriage return, U+FFFE, U+FFFF).
pub fn escape(text: &str, out: &mut String) {
    out.push_str(&quick_xml::escape::escape(xml_chars(text)));
}

/// `text` without the characters XML 1.0 forbids.
fn xml_chars(text: &str) -> std::borrow::Cow<'_, str> {
    let forbidden = |c: char| {
        ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    if text.contains(forbidden) {
        text.chars()
            .filter(|&c| !forbidden(c))
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

impl XmlWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    fn event(&mut self, e: quick_xml::events::Event<'_>) {
        // Writing into a `Vec` cannot fail.
        let _ = self.out.write_event(e);
    }

    /// Opens `<name>` on its own line.
    pub fn open(&mut self, name: &str) {
        self.event(quick_xml::events::Event::Start(
            quick_xml::events::BytesStart::new(name),
        ));
    }

    /// Closes `</name>` on its own line.
    pub fn close(&mut self, name: &str) {
        self.event(quick_xml::events::Event::End(
            quick_xml::events::BytesEnd::new(name),
        ));
    }

    /// Writes `<name>text</name>`.
    pub fn leaf(&mut self, name: &str, text: &str) {
        self.open(name);
        self.event(quick_xml::events::Event::Text(
            quick_xml::events::BytesText::new(&xml_chars(text)),
        ));
        self.close(name);
    }

    /// Writes `<name type="string"/>`: an empty text Rails reads as `""`, not nil.
    pub fn empty_string(&mut self, name: &str) {
        let content = name.to_owned() + " type=\"string\"";
        self.event(quick_xml::events::Event::Empty(
            quick_xml::events::BytesStart::from_content(content, name.len()),
        ));
    }

    /// Writes `<name>text</name>` when there is a text.
    pub fn opt(&mut self, name: &str, text: Option<&str>) {
        if let Some(t) = text {
            self.leaf(name, t);
        }
    }

    /// The document, ending with a line feed.
    pub fn finish(self) -> String {
        let bytes = self.out.into_inner();
        let mut text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        if !text.is_empty() {
            text.push('\n');
        }
        text
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
    /// The name as written (checked against the end tag by quick-xml).
    name: String,
    type_attr: Option<String>,
    nil: bool,
    children: Vec<(String, Value)>,
    text: String,
}

/// A position and what is wrong there.
type LexError = (usize, String);

/// XML's name rule, with every non-ASCII character allowed (quick-xml does not check names;
/// kivitendo's are ASCII).
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
        Err((at, format!("{name:?} is not an element name")))
    }
}

/// XML's white space (§2.3 `S`): space, tab, carriage return, line feed; never U+00A0 or
/// U+3000.
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

const UNKNOWN_ENTITY_HINT: &str = "(only &lt; &gt; &amp; &quot; &apos; and &#…; are defined)";

/// A quick-xml error in kontor's words (the codes and shapes callers match on).
fn describe(e: &quick_xml::Error, stack: &[Frame]) -> String {
    use quick_xml::errors::{IllFormedError as I, SyntaxError as S};
    match e {
        quick_xml::Error::Syntax(S::UnclosedComment) => "comment <!-- is not closed".into(),
        quick_xml::Error::Syntax(S::UnclosedCData) => "<![CDATA[ is not closed".into(),
        quick_xml::Error::Syntax(S::UnclosedPI | S::UnclosedXmlDecl) => "<? is not closed".into(),
        quick_xml::Error::Syntax(
            S::UnclosedTag
            | S::UnclosedSingleQuotedAttributeValue
            | S::UnclosedDoubleQuotedAttributeValue,
        ) => "a tag is not closed (its > is missing)".into(),
        quick_xml::Error::IllFormed(I::MismatchedEndTag { expected, found }) => {
            format!("</{found}> does not close <{expected}>")
        }
        quick_xml::Error::IllFormed(I::UnmatchedEndTag(_)) => {
            "closing tag without an opening one".into()
        }
        quick_xml::Error::IllFormed(I::MissingEndTag(name)) => {
            let name = stack.last().map_or(name.as_str(), |f| f.name.as_str());
            format!("unexpected end of document: <{name}> is not closed")
        }
        quick_xml::Error::IllFormed(I::UnclosedReference) | quick_xml::Error::Escape(_) => {
            format!("unknown entity or a bare & {UNKNOWN_ENTITY_HINT}")
        }
        other => other.to_string(),
    }
}

/// Text between two pieces of markup, gathered from quick-xml's text and reference events:
/// XML white space around it is dropped, a resolved reference (`&#32;`) is kept.
#[derive(Default)]
struct Run {
    text: String,
    /// Byte position of the first character that is not white space.
    start: Option<usize>,
    /// Trailing white-space bytes of the last literal piece.
    trailing: usize,
}

impl Run {
    fn literal(&mut self, piece: &str, at: usize) {
        let piece = if self.start.is_none() {
            let trimmed = piece.trim_start_matches(is_xml_space);
            if trimmed.is_empty() {
                return;
            }
            self.start = Some(at + piece.len() - trimmed.len());
            trimmed
        } else {
            piece
        };
        let kept = piece.trim_end_matches(is_xml_space).len();
        if kept == 0 {
            self.trailing += piece.len();
        } else {
            self.trailing = piece.len() - kept;
        }
        self.text.push_str(piece);
    }

    fn reference(&mut self, c: char, at: usize) {
        self.start.get_or_insert(at);
        self.text.push(c);
        self.trailing = 0;
    }

    /// The text and where it starts, when there is any.
    fn take(&mut self) -> Option<(usize, String)> {
        let start = self.start.take()?;
        let mut text = std::mem::take(&mut self.text);
        text.truncate(text.len().saturating_sub(self.trailing));
        self.trailing = 0;
        Some((start, text))
    }
}

/// Reads an XML document into JSON, the way Rails' `to_xml` writes records: element names
/// become keys with `-` turned into `_`; `type="integer|boolean"` and
/// `nil="true"` are honoured (decimals and floats stay strings, to stay exact); `type="array"` and
/// wrappers whose children all share one name (`<contacts><contact/>…</contacts>`) become
/// arrays; repeated names become arrays. The root element's name is returned beside it.
///
/// quick-xml reads the markup (end names checked, comments checked, no dangling `&`); kontor
/// refuses DTDs, knows only the five predefined entities and character references, and
/// limits depth ([`MAX_DEPTH`]) and size ([`MAX_BYTES`]).
pub fn to_json(xml: &str) -> Result<(String, Value), XmlError> {
    use quick_xml::events::Event;
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
    // A byte order mark is not content (quick-xml skips it only when reading bytes).
    let bom = if xml.starts_with('\u{FEFF}') { 3 } else { 0 };
    let body = xml.get(bom..).unwrap_or("");
    let mut reader = quick_xml::Reader::from_str(body);
    {
        let config = reader.config_mut();
        config.check_end_names = true;
        config.check_comments = true;
        config.allow_dangling_amp = false;
        config.allow_unmatched_ends = false;
        config.expand_empty_elements = false;
        config.trim_text(false);
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<(String, Value)> = None;
    let mut run = Run::default();
    loop {
        let at = bom + reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let message = describe(&e, &stack);
                let pos = match e {
                    quick_xml::Error::IllFormed(
                        quick_xml::errors::IllFormedError::MissingEndTag(_),
                    ) => xml.len(),
                    _ => at,
                };
                return Err(err((pos, message)));
            }
        };
        // Text ends at any markup other than a reference.
        if !matches!(event, Event::Text(_) | Event::GeneralRef(_)) {
            if let Some((start, text)) = run.take() {
                match stack.last_mut() {
                    Some(f) => f.text.push_str(&text),
                    None => return Err(err((start, "text outside the root element".into()))),
                }
            }
        }
        let done = match event {
            Event::Text(t) => {
                let piece = t
                    .xml_content(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| err((at, e.to_string())))?;
                run.literal(&piece, at);
                continue;
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| err((at, e.to_string())))?;
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => {
                        quick_xml::escape::resolve_xml_entity(&name).and_then(|s| s.chars().next())
                    }
                    Err(_) => None,
                };
                match c {
                    Some(c) => run.reference(c, at),
                    None => {
                        let shown: String = name.chars().take(12).collect();
                        return Err(err((
                            at,
                            format!("unknown entity &{shown}; {UNKNOWN_ENTITY_HINT}"),
                        )));
                    }
                }
                continue;
            }
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(err((at, "content after the root element".into())));
            }
            Event::Start(_) | Event::Empty(_) if stack.len() >= MAX_DEPTH => {
                return Err(err((
                    at,
                    format!("elements nested deeper than {MAX_DEPTH}"),
                )));
            }
            Event::Start(e) => {
                stack.push(frame(&e, &reader, at).map_err(err)?);
                continue;
            }
            Event::Empty(e) => frame(&e, &reader, at).map_err(err)?,
            Event::End(_) => match stack.pop() {
                Some(f) => f,
                None => return Err(err((at, "closing tag without an opening one".into()))),
            },
            Event::CData(t) => match stack.last_mut() {
                Some(f) => {
                    let text = t.decode().map_err(|e| err((at, e.to_string())))?;
                    f.text.push_str(&text);
                    continue;
                }
                None => return Err(err((at, "CDATA outside the root element".into()))),
            },
            Event::DocType(_) => {
                return Err(err((at, "DTDs (<!DOCTYPE …>) are not accepted: kivitendo documents need none, and entity definitions are a known attack".into())));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => continue,
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

/// A new element from its start tag (`type` and `nil` are kept; duplicate attributes and
/// unquoted values are refused by quick-xml).
fn frame(
    e: &quick_xml::events::BytesStart<'_>,
    reader: &quick_xml::Reader<&[u8]>,
    at: usize,
) -> Result<Frame, LexError> {
    let raw_name = std::str::from_utf8(e.name().as_ref())
        .map_err(|_| (at, "an element name is not UTF-8".to_string()))?
        .to_owned();
    valid_name(&raw_name, at)?;
    let mut f = Frame {
        name: raw_name,
        type_attr: None,
        nil: false,
        children: Vec::new(),
        text: String::new(),
    };
    for attr in e.attributes() {
        let attr = attr.map_err(|e| {
            (
                at,
                format!(
                    "malformed attribute in <{}>: write name=\"value\" ({e})",
                    f.name
                ),
            )
        })?;
        let key = std::str::from_utf8(attr.key.as_ref())
            .map_err(|_| (at, "an attribute name is not UTF-8".to_string()))?;
        valid_name(key, at)?;
        let value = attr
            .decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, reader.decoder())
            .map_err(|e| (at, describe(&e, &[])))?;
        match key {
            "type" => f.type_attr = Some(value.into_owned()),
            "nil" => f.nil = value == "true",
            _ => {}
        }
    }
    Ok(f)
}

fn finish(mut f: Frame) -> (String, Value) {
    f.name = f.name.replace('-', "_");
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
            ("<a>&nbsp;</a>", 1, 4, "unknown entity &nbsp;"),
            ("<a>fish & chips</a>", 1, 9, "unknown entity"),
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

    #[test]
    fn what_the_own_reader_got_wrong_quick_xml_gets_right() {
        for bad in [
            "<a b=\"1\" b=\"2\"/>",
            "<a-b>x</a_b>",
            "<?><a/>",
            "<a>&#+65;</a>",
            "<a>--<!-- x -- y --></a>",
        ] {
            assert!(to_json(bad).is_err(), "{bad} must be refused");
        }
        assert_eq!(
            to_json("\u{FEFF}<a>x</a>").unwrap(),
            ("a".into(), json!("x"))
        );
        assert_eq!(to_json("<a><!-->--></a>").unwrap(), ("a".into(), json!("")));
        assert_eq!(
            to_json("<a>\u{A0}x\u{3000}</a>").unwrap().1,
            json!("\u{A0}x\u{3000}"),
            "only XML white space is trimmed"
        );
        assert_eq!(to_json("<a> &#32;x&#32; </a>").unwrap().1, json!(" x "));
        assert_eq!(to_json("<a>A &amp; B</a>").unwrap().1, json!("A & B"));
        let e = to_json("<a>\n <b>").unwrap_err();
        assert!(e.message.contains("<b> is not closed"), "{e}");
    }
}
