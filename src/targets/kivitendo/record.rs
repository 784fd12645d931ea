//! One record model, two wire forms: kivitendo takes the same resource as XML (dasherized
//! element names, plain wrappers for nested lists) or as JSON (underscored keys, lists as
//! `{"contacts": {"contact": [...]}}`, because the API's custom setters iterate a hash and
//! would build empty records from a JSON array).

use serde_json::{Map, Value};

use super::xml::XmlWriter;

/// A field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// Text.
    Text(String),
    /// A number, as exact decimal text (`"49.00"`, `"4"`).
    Num(String),
    /// `true` / `false`.
    Bool(bool),
    /// A nested list: the wrapper holds items of the singular name (`contacts` → `contact`).
    List(&'static str, Vec<Fields>),
}

/// The fields of a record, in document order, by dasherized name (`taxzone-id`).
pub type Fields = Vec<(&'static str, Val)>;

/// A resource document: its root name (`customer`, `order`, …) and its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Root element (XML) or key (JSON).
    pub root: &'static str,
    /// The fields.
    pub fields: Fields,
}

/// Wire format of an installation: XML (the API's default) or JSON (`.json` routes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `application/xml`.
    #[default]
    Xml,
    /// `application/json`.
    Json,
}

impl Record {
    /// The XML document, indented by two spaces, without an XML declaration (as the API's
    /// examples are).
    pub fn to_xml(&self) -> String {
        let mut w = XmlWriter::new();
        w.open(self.root);
        write_fields(&mut w, &self.fields);
        w.close(self.root);
        w.finish()
    }

    /// The JSON document `{ root: { key: value } }` with underscored keys.
    pub fn to_json(&self) -> Value {
        let mut root = Map::new();
        root.insert(self.root.to_owned(), fields_json(&self.fields));
        Value::Object(root)
    }

    /// The document in `format`, split as callers receive it: `(xml, None)` or `(None, json)`.
    pub fn xml_or_json(&self, format: Format) -> (Option<String>, Option<Value>) {
        match format {
            Format::Xml => (Some(self.to_xml()), None),
            Format::Json => (None, Some(self.to_json())),
        }
    }

    /// The document in `format`, as text.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Xml => self.to_xml(),
            Format::Json => self.to_json().to_string(),
        }
    }
}

fn write_fields(w: &mut XmlWriter, fields: &Fields) {
    for (name, val) in fields {
        match val {
            // An empty text Rails must read as `""`, not nil.
            Val::Text(t) if t.is_empty() => w.empty_string(name),
            Val::Text(t) | Val::Num(t) => w.leaf(name, t),
            Val::Bool(b) => w.leaf(name, if *b { "true" } else { "false" }),
            Val::List(item, records) => {
                w.open(name);
                for r in records {
                    w.open(item);
                    write_fields(w, r);
                    w.close(item);
                }
                w.close(name);
            }
        }
    }
}

fn fields_json(fields: &Fields) -> Value {
    let mut map = Map::new();
    for (name, val) in fields {
        let key = name.replace('-', "_");
        let v = match val {
            Val::Text(t) => Value::String(t.clone()),
            Val::Num(t) => number(t),
            Val::Bool(b) => Value::Bool(*b),
            Val::List(item, records) => {
                let mut wrapper = Map::new();
                wrapper.insert(
                    (*item).to_owned(),
                    Value::Array(records.iter().map(fields_json).collect()),
                );
                Value::Object(wrapper)
            }
        };
        map.insert(key, v);
    }
    Value::Object(map)
}

/// A JSON number from exact decimal text (`"4"` → 4, `"49.00"` → 49.0); text that is no
/// number stays a string.
fn number(t: &str) -> Value {
    if let Ok(i) = t.parse::<i64>() {
        return Value::from(i);
    }
    crate::money::parse_str(t)
        .ok()
        .and_then(|d| serde_json::Number::from_f64(crate::money::to_f64(d)))
        .map_or_else(|| Value::String(t.to_owned()), Value::Number)
}

/// Builds a field list, skipping absent values (kontor never sends empty elements).
#[derive(Debug, Default)]
pub struct FieldsBuilder(Fields);

impl FieldsBuilder {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds text when present and not blank.
    pub fn text(&mut self, name: &'static str, v: Option<&str>) -> &mut Self {
        if let Some(t) = v.map(str::trim).filter(|t| !t.is_empty()) {
            self.0.push((name, Val::Text(t.to_owned())));
        }
        self
    }
    /// Adds a number when present.
    pub fn num(&mut self, name: &'static str, v: Option<String>) -> &mut Self {
        if let Some(n) = v {
            self.0.push((name, Val::Num(n)));
        }
        self
    }
    /// Adds an empty text (`<name type="string"/>`, JSON `""`).
    pub fn empty(&mut self, name: &'static str) -> &mut Self {
        self.0.push((name, Val::Text(String::new())));
        self
    }
    /// Adds a boolean when present.
    pub fn bool(&mut self, name: &'static str, v: Option<bool>) -> &mut Self {
        if let Some(b) = v {
            self.0.push((name, Val::Bool(b)));
        }
        self
    }
    /// Adds a nested list when it has items.
    pub fn list(
        &mut self,
        name: &'static str,
        item: &'static str,
        records: Vec<Fields>,
    ) -> &mut Self {
        if !records.is_empty() {
            self.0.push((name, Val::List(item, records)));
        }
        self
    }
    /// The fields.
    pub fn build(&mut self) -> Fields {
        std::mem::take(&mut self.0)
    }
}
