//! The product catalogue: per SKU the product facts an order does not carry (kind, bottles
//! per unit, bottle size, quality, grapes, wine type, taste, VDP, organic, ISBN, weight,
//! kivitendo part id), read from JSON or CSV, and used to complete an order's items.
//!
//! JSON: an array of entries `[{ "sku": "127/4", "kind": "wine", "bottleSizeMl": 750, … }]`,
//! or an object `{ "127/4": { "kind": "wine", … } }`. CSV: a header row naming the fields
//! (the JSON names, case and `_`/`-`/spaces ignored, and German names such as
//! `Artikelnummer`, `Rebsorten`, `Geschmack`), separated by `;` or `,` (detected from the
//! header row: the more frequent one wins; a tab also works). Numbers accept a German
//! decimal comma (`0,75`, `1.250,0`); a column `bottleSizeL` (`Liter`) gives the size in
//! litres. Grapes are a JSON list or text separated by `|` or `,`; a number is an official
//! variety number. `organic` reads `true`/`false`, `ja`/`nein`, `yes`/`no`, `1`/`0`, `x`.
//!
//! Every bad row is an error naming its line (`lines[3].bottleSizeMl`; the header row is
//! line one) and left out; the good rows stay usable. An item's own values always win over
//! the catalogue's ([`Catalogue::complete`]); a kivitendo part id fills kivitendo's
//! `productIds`.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::decimal::Decimal;
use crate::issue::Issues;
use crate::order::ProductKind;

/// The facts of one SKU.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Entry {
    /// The article number, as the shop sends it.
    pub sku: String,
    /// Product facts under the canonical order's `product` keys (`kind`, `bottles`,
    /// `bottleSizeMl`, `quality`, `grapes`, `wineType`, `taste`, `vdp`, `organic`).
    pub product: Map<String, Value>,
    /// Weight of one unit in grams.
    pub weight_grams: Option<u64>,
    /// ISBN (books).
    pub isbn: Option<String>,
    /// kivitendo's part (product) id.
    pub kivitendo_part_id: Option<i64>,
}

/// Product facts by SKU.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalogue {
    entries: Vec<Entry>,
    /// SKU → position in `entries`, so that look-ups stay fast for catalogues of many
    /// thousands (serde_json's map: its code is in the module already, a `BTreeMap<String,
    /// usize>` would add kilobytes).
    index: Map<String, Value>,
}

/// The field names of an entry, in order (CSV headers map to these).
pub const FIELDS: &[&str] = &[
    "sku",
    "kind",
    "bottles",
    "bottleSizeMl",
    "quality",
    "grapes",
    "wineType",
    "taste",
    "vdp",
    "organic",
    "isbn",
    "weightGrams",
    "kivitendoPartId",
];

impl Catalogue {
    /// A catalogue of `entries` (a later duplicate SKU is left out).
    pub fn new(entries: Vec<Entry>) -> Self {
        let mut c = Self::default();
        for e in entries {
            c.insert(e);
        }
        c
    }

    /// Adds an entry; `false` (and nothing added) when its SKU is already there.
    pub fn insert(&mut self, e: Entry) -> bool {
        if self.index.contains_key(&e.sku) {
            return false;
        }
        self.index
            .insert(e.sku.clone(), Value::from(self.entries.len()));
        self.entries.push(e);
        true
    }

    /// The entries, in input order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry of `sku` (exact match after trimming).
    pub fn get(&self, sku: &str) -> Option<&Entry> {
        let i = self.index.get(sku.trim()).and_then(Value::as_u64)?;
        self.entries.get(usize::try_from(i).ok()?)
    }

    /// Completes the items of a canonical order (JSON) from the catalogue: a missing
    /// `weightGrams`, `isbn` or product fact is filled in; an item's own values win. A
    /// product is only created when the catalogue gives its `kind`.
    pub fn complete(&self, order: &mut Value) {
        let Some(items) = order.get_mut("items").and_then(Value::as_array_mut) else {
            return;
        };
        for item in items {
            let Some(it) = item.as_object_mut() else {
                continue;
            };
            let Some(e) = it
                .get("sku")
                .and_then(Value::as_str)
                .and_then(|s| self.get(s))
            else {
                continue;
            };
            let absent = |it: &Map<String, Value>, k: &str| it.get(k).is_none_or(Value::is_null);
            if let Some(w) = e.weight_grams.filter(|_| absent(it, "weightGrams")) {
                it.insert("weightGrams".into(), Value::from(w));
            }
            if let Some(i) = e.isbn.as_ref().filter(|_| absent(it, "isbn")) {
                it.insert("isbn".into(), Value::String(i.clone()));
            }
            if e.product.is_empty() {
                continue;
            }
            if absent(it, "product") {
                if !e.product.contains_key("kind") {
                    continue;
                }
                it.insert("product".into(), Value::Object(Map::new()));
            }
            if let Some(p) = it.get_mut("product").and_then(Value::as_object_mut) {
                for (k, v) in &e.product {
                    if p.get(k).is_none_or(Value::is_null) {
                        p.insert(k.clone(), v.clone());
                    }
                }
            }
        }
    }

    /// The field lineage of an order built with this catalogue: `lineage` computes it over
    /// the completed order, and each source the caller's `order` lacks (the catalogue filled
    /// it) is named as the catalogue's field: `items[0].product.quality` →
    /// `catalogue["W-01"].quality`.
    pub fn lineage(
        &self,
        order: &Value,
        lineage: impl FnOnce(&Value) -> Vec<crate::explain::Explained>,
    ) -> Vec<crate::explain::Explained> {
        let mut completed = order.clone();
        self.complete(&mut completed);
        let mut all = lineage(&completed);
        for e in &mut all {
            for source in &mut e.from {
                if let Some(name) = catalogue_source(source, order, &completed) {
                    *source = name;
                }
            }
        }
        all
    }

    /// [`Catalogue::complete`] on an order's JSON text; `None` when the text is no JSON
    /// object (the order's reader reports that).
    pub fn complete_text(&self, text: &str) -> Option<String> {
        let mut v = serde_json::from_str::<Value>(text)
            .ok()
            .filter(Value::is_object)?;
        self.complete(&mut v);
        Some(v.to_string())
    }

    /// Adds the kivitendo part ids to kivitendo's `productIds` (ids given there win).
    pub fn fill_product_ids(&self, ids: &mut Vec<(String, i64)>) {
        // `productIds` are looked up last-first, so the catalogue's go in front.
        let mut all = self.product_ids();
        all.append(ids);
        *ids = all;
    }

    /// `(sku, kivitendo part id)` of every entry that has one, for kivitendo's `productIds`.
    pub fn product_ids(&self) -> Vec<(String, i64)> {
        self.entries
            .iter()
            .filter_map(|e| Some((e.sku.clone(), e.kivitendo_part_id?)))
            .collect()
    }

    /// The SKUs of a canonical order (JSON) that the catalogue lacks, each once, with an
    /// error `missing_from_catalogue` at every item path that has one.
    pub fn missing(&self, order: &Value) -> (Vec<String>, Issues) {
        let mut issues = Issues::new();
        let mut skus: Vec<String> = Vec::new();
        let items = order.get("items").and_then(Value::as_array);
        for (i, item) in items.into_iter().flatten().enumerate() {
            let Some(sku) = item.get("sku").and_then(Value::as_str).map(str::trim) else {
                continue;
            };
            if sku.is_empty() || self.get(sku).is_some() {
                continue;
            }
            issues.error(
                format!("items[{i}].sku"),
                "missing_from_catalogue",
                format!("SKU {sku:?} is not in the product catalogue: add it (kind, bottle size, quality, grapes, … or ISBN) or correct the SKU in the shop"),
                format!("Artikelnummer {sku:?} fehlt im Produktkatalog: bitte ergänzen (Art, Flaschengröße, Qualität, Rebsorten, … oder ISBN) oder die Artikelnummer im Shop korrigieren"),
            );
            if !skus.iter().any(|s| s == sku) {
                skus.push(sku.to_owned());
            }
        }
        (skus, issues)
    }

    /// The catalogue as JSON: an array of entries with the [`FIELDS`] names.
    pub fn to_value(&self) -> Value {
        Value::Array(
            self.entries
                .iter()
                .map(|e| {
                    let mut o = Map::new();
                    o.insert("sku".into(), Value::String(e.sku.clone()));
                    for (k, v) in &e.product {
                        o.insert(k.clone(), v.clone());
                    }
                    if let Some(i) = &e.isbn {
                        o.insert("isbn".into(), Value::String(i.clone()));
                    }
                    if let Some(w) = e.weight_grams {
                        o.insert("weightGrams".into(), Value::from(w));
                    }
                    if let Some(p) = e.kivitendo_part_id {
                        o.insert("kivitendoPartId".into(), Value::from(p));
                    }
                    Value::Object(o)
                })
                .collect(),
        )
    }
}

/// The text formats a catalogue is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON (an array of entries or an object by SKU).
    Json,
    /// CSV with a header row, `;` or `,` separated.
    Csv,
}

/// A catalogue read from text: `{ ok, catalogue, issues }` (`ok` when no issue is an error;
/// the good rows are in `catalogue` either way).
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    /// The entries that could be read.
    pub catalogue: Catalogue,
    /// Every problem, with its line (CSV) or index (JSON).
    pub issues: Issues,
}

impl Serialize for Read {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Read", 3)?;
        st.serialize_field("ok", &!self.issues.has_errors())?;
        st.serialize_field("catalogue", &self.catalogue.to_value())?;
        st.serialize_field("issues", &self.issues)?;
        st.end()
    }
}

/// Reads a catalogue from text; without `format`, text starting with `[` or `{` is JSON and
/// anything else CSV.
pub fn read(text: &str, format: Option<Format>) -> Read {
    let text = text.trim_start_matches('\u{feff}');
    let format = format.unwrap_or(if text.trim_start().starts_with(['[', '{']) {
        Format::Json
    } else {
        Format::Csv
    });
    let mut issues = Issues::new();
    let catalogue = match format {
        Format::Json => match serde_json::from_str::<Value>(text) {
            Ok(v) => from_value(&v, &mut issues),
            Err(e) => {
                crate::order::malformed_json(&e, "catalogue", &mut issues);
                Catalogue::default()
            }
        },
        Format::Csv => read_csv(text, &mut issues),
    };
    Read { catalogue, issues }
}

/// Reads `options.catalogue`: entries as JSON, or the JSON or CSV text of a catalogue.
/// `None` when absent; problems are issues at `options.catalogue…`.
pub fn from_option(options: &Value, issues: &mut Issues) -> Option<Catalogue> {
    let v = options.get("catalogue").filter(|v| !v.is_null())?;
    let mut own = Issues::new();
    let c = match v {
        Value::String(text) => read(text, None).catalogue_with(&mut own),
        other => from_value(other, &mut own),
    };
    for i in own.into_vec() {
        issues.push(
            crate::issue::join("options", &i.path),
            &i.code,
            i.severity,
            i.message,
            i.message_de,
        );
    }
    Some(c)
}

impl Read {
    fn catalogue_with(self, issues: &mut Issues) -> Catalogue {
        issues.extend(self.issues);
        self.catalogue
    }
}

/// Reads an order from JSON text, its items completed from `catalogue` when given: the step
/// every builder takes first when its options carry a `catalogue`.
pub fn parse_order(text: &str, catalogue: Option<&Catalogue>) -> (crate::Order, Issues) {
    let Some(c) = catalogue else {
        return crate::Order::parse_json(text);
    };
    match serde_json::from_str::<Value>(text) {
        Ok(mut v) => {
            c.complete(&mut v);
            crate::Order::from_value(&v)
        }
        Err(_) => crate::Order::parse_json(text),
    }
}

/// `catalogue["SKU"].field` for an item's `source` (`items[0].product.quality`) that
/// `completed` has and `order` lacks; `None` for every other source.
fn catalogue_source(source: &str, order: &Value, completed: &Value) -> Option<String> {
    let (index, rest) = source.strip_prefix("items[")?.split_once("].")?;
    let index: usize = index.parse().ok()?;
    let has = |v: &Value| crate::explain::lookup(v, source).is_some_and(|x| !x.is_null());
    if has(order) || !has(completed) {
        return None;
    }
    let sku = order.get("items")?.get(index)?.get("sku")?;
    let field = rest.strip_prefix("product.").unwrap_or(rest);
    Some(format!("catalogue[{sku}].{field}"))
}

/// Reads a catalogue from JSON: an array of entries or an object by SKU.
pub fn from_value(v: &Value, issues: &mut Issues) -> Catalogue {
    let mut entries = Catalogue::default();
    match v {
        Value::Array(list) => {
            for (i, e) in list.iter().enumerate() {
                let path = format!("catalogue[{i}]");
                match e.as_object() {
                    Some(o) => {
                        let sku = o.get("sku").cloned().unwrap_or(Value::Null);
                        let fields = o.iter().filter(|(k, _)| *k != "sku");
                        if let Some(e) = entry(&sku, fields, &path, issues) {
                            push(&mut entries, e, &path, issues);
                        }
                    }
                    None => not_an_entry(&path, issues),
                }
            }
        }
        Value::Object(map) => {
            for (sku, e) in map {
                let path = format!("catalogue[{sku:?}]");
                match e.as_object() {
                    Some(o) => {
                        let sku = Value::String(sku.clone());
                        if let Some(e) = entry(&sku, o.iter(), &path, issues) {
                            push(&mut entries, e, &path, issues);
                        }
                    }
                    None => not_an_entry(&path, issues),
                }
            }
        }
        _ => issues.error(
            "catalogue",
            "invalid_type",
            "a catalogue is an array of entries ([{ \"sku\": \"127/4\", \"kind\": \"wine\", … }]), an object by SKU, or CSV text",
            "ein Katalog ist eine Liste von Einträgen ([{ \"sku\": \"127/4\", \"kind\": \"wine\", … }]), ein Objekt nach Artikelnummer oder CSV-Text",
        ),
    }
    entries
}

fn not_an_entry(path: &str, issues: &mut Issues) {
    issues.error(
        path,
        "invalid_type",
        "must be an object such as { \"sku\": \"127/4\", \"kind\": \"wine\" }",
        "muss ein Objekt wie { \"sku\": \"127/4\", \"kind\": \"wine\" } sein",
    );
}

/// Adds `e` unless its SKU is already there (then an error at `path`).
fn push(entries: &mut Catalogue, e: Entry, path: &str, issues: &mut Issues) {
    let sku = e.sku.clone();
    if !entries.insert(e) {
        issues.error(
            format!("{path}.sku"),
            "duplicate_sku",
            format!("SKU {sku:?} appears more than once; the first entry is kept"),
            format!("Artikelnummer {sku:?} kommt mehrfach vor; der erste Eintrag gilt"),
        );
    }
}

/// The canonical field of a JSON key or CSV header (`Bottle size ml`, `Rebsorten`), or
/// `None`.
pub fn field_name(header: &str) -> Option<&'static str> {
    let k: String = crate::text::lower(header.trim())
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | '(' | ')'))
        .collect();
    Some(match k.as_str() {
        "sku" | "artikelnummer" | "artnr" | "productnumber" | "produktnummer" => "sku",
        "kind" | "art" | "produktart" | "kategorie" => "kind",
        "bottles" | "bottlesperunit" | "flaschen" | "flaschenjeeinheit" => "bottles",
        "bottlesizeml" | "bottlesize" | "ml" | "flaschengrößeml" | "flaschengroesseml"
        | "füllmengeml" => "bottleSizeMl",
        "bottlesizel" | "liter" | "litre" | "flaschengrößel" | "flaschengroessel"
        | "füllmengel" => "bottleSizeL",
        "quality" | "qualität" | "qualitaet" | "qualitätsstufe" => "quality",
        "grapes" | "grape" | "rebsorte" | "rebsorten" => "grapes",
        "winetype" | "weinart" | "farbe" => "wineType",
        "taste" | "geschmack" | "geschmacksrichtung" => "taste",
        "vdp" => "vdp",
        "organic" | "bio" | "öko" | "oeko" => "organic",
        "isbn" => "isbn",
        "weightgrams" | "weight" | "weightg" | "gewicht" | "gewichtg" | "gewichtgramm" => {
            "weightGrams"
        }
        "kivitendopartid" | "partid" | "kivitendoid" | "kivitendoproductid" => "kivitendoPartId",
        _ => return None,
    })
}

/// Reads one entry from its SKU and fields; `None` (with issues) when any field is bad.
fn entry<'a>(
    sku: &Value,
    fields: impl Iterator<Item = (&'a String, &'a Value)>,
    path: &str,
    issues: &mut Issues,
) -> Option<Entry> {
    let before = issues
        .iter()
        .filter(|i| i.severity == crate::Severity::Error)
        .count();
    let mut e = Entry::default();
    match sku {
        Value::String(s) if !s.trim().is_empty() => e.sku = s.trim().to_owned(),
        Value::Number(n) => e.sku = n.to_string(),
        _ => issues.error(
            format!("{path}.sku"),
            "missing_field",
            "required: every catalogue entry needs its SKU, as the shop sends it",
            "Pflicht: jeder Katalogeintrag braucht seine Artikelnummer (SKU), wie der Shop sie sendet",
        ),
    }
    for (key, v) in fields {
        if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
            continue;
        }
        let Some(name) = field_name(key) else {
            issues.warning(
                format!("{path}.{key}"),
                "unknown_field",
                format!(
                    "unknown catalogue field, ignored; known: {}",
                    FIELDS.join(", ")
                ),
                format!(
                    "unbekanntes Katalogfeld, wird ignoriert; bekannt: {}",
                    FIELDS.join(", ")
                ),
            );
            continue;
        };
        let at = format!("{path}.{key}");
        let bad = |issues: &mut Issues, what: &str, was: &str| {
            issues.error(
                &at,
                "invalid_value",
                format!(
                    "{} is not allowed: {what}",
                    crate::text::truncate(&v.to_string(), 60)
                ),
                format!(
                    "{} ist nicht erlaubt: {was}",
                    crate::text::truncate(&v.to_string(), 60)
                ),
            )
        };
        match name {
            "sku" => {}
            "kind" => match v.as_str().and_then(ProductKind::parse) {
                Some(k) => {
                    e.product
                        .insert("kind".into(), Value::String(kind_name(k).into()));
                }
                None => bad(
                    issues,
                    &format!("use one of {}", ProductKind::NAMES.join(", ")),
                    &format!("bitte eines von {} angeben", ProductKind::NAMES.join(", ")),
                ),
            },
            "bottles" | "bottleSizeMl" | "bottleSizeL" | "weightGrams" | "kivitendoPartId" => {
                let factor = if name == "bottleSizeL" { 1000 } else { 1 };
                let min = if name == "weightGrams" { 0 } else { 1 };
                match whole_number(v, factor).filter(|n| *n >= min && *n <= 100_000_000) {
                    Some(n) => match name {
                        "weightGrams" => e.weight_grams = Some(n as u64),
                        "kivitendoPartId" => e.kivitendo_part_id = Some(n),
                        "bottles" => {
                            e.product.insert("bottles".into(), Value::from(n));
                        }
                        _ => {
                            e.product.insert("bottleSizeMl".into(), Value::from(n));
                        }
                    },
                    None => bad(
                        issues,
                        if factor == 1000 {
                            "give the bottle size in litres, e.g. 0,75"
                        } else {
                            "give a whole number (a decimal comma is fine: 750,0)"
                        },
                        if factor == 1000 {
                            "bitte die Flaschengröße in Litern angeben, z. B. 0,75"
                        } else {
                            "bitte eine ganze Zahl angeben (Dezimalkomma erlaubt: 750,0)"
                        },
                    ),
                }
            }
            "quality" | "vdp" => {
                e.product.insert(name.into(), code(v));
            }
            "grapes" => {
                let list: Vec<Value> = match v {
                    Value::Array(a) => a.iter().map(code).collect(),
                    Value::String(s) => s
                        .split(['|', ','])
                        .map(str::trim)
                        .filter(|g| !g.is_empty())
                        .map(|g| code(&Value::String(g.into())))
                        .collect(),
                    other => vec![code(other)],
                };
                e.product.insert("grapes".into(), Value::Array(list));
            }
            "wineType" | "taste" | "isbn" => match v {
                Value::String(s) => {
                    if name == "isbn" {
                        e.isbn = Some(s.trim().to_owned());
                    } else {
                        e.product
                            .insert(name.into(), Value::String(s.trim().to_owned()));
                    }
                }
                Value::Number(n) if name == "isbn" => e.isbn = Some(n.to_string()),
                _ => bad(issues, "give it as text", "bitte als Text angeben"),
            },
            "organic" => match boolean(v) {
                Some(b) => {
                    e.product.insert("organic".into(), Value::Bool(b));
                }
                None => bad(
                    issues,
                    "use true/false, ja/nein, yes/no, 1/0 or x",
                    "bitte true/false, ja/nein, yes/no, 1/0 oder x angeben",
                ),
            },
            _ => {}
        }
    }
    let after = issues
        .iter()
        .filter(|i| i.severity == crate::Severity::Error)
        .count();
    (after == before).then_some(e)
}

fn kind_name(k: ProductKind) -> &'static str {
    match k {
        ProductKind::Wine => "wine",
        ProductKind::Sparkling => "sparkling",
        ProductKind::SemiSparkling => "semi_sparkling",
        ProductKind::AlcoholFreeWine => "alcohol_free_wine",
        ProductKind::OpenWine => "open_wine",
        ProductKind::Book => "book",
        ProductKind::Other => "other",
    }
}

/// A number written with a decimal point or a German decimal comma (`0,75`, `1.250,5`).
pub fn decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    let t = if t.contains(',') {
        t.replace('.', "").replace(',', ".")
    } else {
        t.to_owned()
    };
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return None;
    }
    t.parse().ok()
}

/// A whole number from a JSON number or text, times `factor` (litres → ml).
fn whole_number(v: &Value, factor: i64) -> Option<i64> {
    let d = match v {
        Value::Number(n) => decimal(&n.to_string())?,
        Value::String(s) => decimal(s)?,
        _ => return None,
    } * Decimal::from(factor);
    if d.round_dp(0) != d {
        return None;
    }
    d.round_dp(0).normalize().to_string().parse().ok()
}

/// A value-list code: a whole number stays a number, anything else is text.
fn code(v: &Value) -> Value {
    match v {
        Value::String(s) => match s.trim().parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::String(s.trim().to_owned()),
        },
        other => other.clone(),
    }
}

fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(s) => match crate::text::lower(s.trim()).as_str() {
            "true" | "ja" | "yes" | "1" | "x" | "bio" | "wahr" => Some(true),
            "false" | "nein" | "no" | "0" | "falsch" | "-" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The separator of a CSV text: `;`, `,` or a tab, whichever the header row has most of.
fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let count = |c: char| header.matches(c).count();
    let (semi, comma, tab) = (count(';'), count(','), count('\t'));
    if tab > semi && tab > comma {
        b'\t'
    } else if semi >= comma && semi > 0 {
        b';'
    } else {
        b','
    }
}

/// Reads a catalogue from CSV text with a header row (see the module docs).
pub fn read_csv(text: &str, issues: &mut Issues) -> Catalogue {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => {
            csv_error(&e, issues);
            return Catalogue::default();
        }
    };
    let Some(sku_col) = headers.iter().position(|h| field_name(h) == Some("sku")) else {
        issues.error(
            "lines[1]",
            "missing_field",
            "the header row (line 1) has no column sku: name the columns, e.g. sku;kind;bottleSizeMl;quality;grapes",
            "die Kopfzeile (Zeile 1) hat keine Spalte sku: bitte die Spalten benennen, z. B. sku;kind;bottleSizeMl;quality;grapes",
        );
        return Catalogue::default();
    };
    let mut entries = Catalogue::default();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                csv_error(&e, issues);
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let path = format!("lines[{line}]");
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() > headers.len() {
            issues.error(
                &path,
                "extra_fields",
                format!("{} fields, the header row {}: is a value with the separator unquoted?", record.len(), headers.len()),
                format!("{} Felder, die Kopfzeile {}: enthält ein Wert das Trennzeichen ohne Anführungszeichen?", record.len(), headers.len()),
            );
            continue;
        }
        let sku = Value::String(record.get(sku_col).unwrap_or("").to_owned());
        let cells: Vec<(String, Value)> = headers
            .iter()
            .zip(record.iter())
            .enumerate()
            .filter(|(i, _)| *i != sku_col)
            .map(|(_, (h, c))| (h.clone(), Value::String(c.to_owned())))
            .collect();
        let mut row = Issues::new();
        let e = entry(&sku, cells.iter().map(|(k, v)| (k, v)), &path, &mut row);
        for i in row.into_vec() {
            if i.code == "unknown_field" {
                // An unknown column is reported once, for the header row.
                let col = i.path.rsplit('.').next().unwrap_or("").to_owned();
                let header_path = format!("lines[1].{col}");
                if !issues.iter().any(|x| x.path == header_path) {
                    issues.warning(header_path, "unknown_field", i.message, i.message_de);
                }
            } else {
                issues.push(i.path, &i.code, i.severity, i.message, i.message_de);
            }
        }
        if let Some(e) = e {
            push(&mut entries, e, &path, issues);
        }
    }
    entries
}

fn csv_error(e: &csv::Error, issues: &mut Issues) {
    let line = e.position().map_or(1, |p| p.line());
    issues.error(
        format!("lines[{line}]"),
        "malformed_csv",
        "cannot be read as CSV (is it UTF-8?)",
        "lässt sich nicht als CSV lesen (ist sie UTF-8?)",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn german_numbers_read() {
        assert_eq!(decimal("0,75").map(|d| d.to_string()), Some("0.75".into()));
        assert_eq!(
            decimal("1.250,5").map(|d| d.to_string()),
            Some("1250.5".into())
        );
        assert_eq!(decimal("750"), Some(Decimal::from(750i64)));
        assert_eq!(decimal("sieben"), None);
        assert_eq!(whole_number(&json!("0,75"), 1000), Some(750));
        assert_eq!(whole_number(&json!("750,5"), 1), None);
    }

    #[test]
    fn headers_map_in_english_and_german() {
        assert_eq!(field_name("Artikelnummer"), Some("sku"));
        assert_eq!(field_name("bottle_size_ml"), Some("bottleSizeMl"));
        assert_eq!(field_name("Rebsorten"), Some("grapes"));
        assert_eq!(field_name("Kivitendo Part ID"), Some("kivitendoPartId"));
        assert_eq!(field_name("Farbe des Etiketts"), None);
    }

    #[test]
    fn the_separator_is_detected_from_the_header_row() {
        assert_eq!(separator("sku;kind;grapes\n1;wine;\"A, B\""), b';');
        assert_eq!(separator("sku,kind\n1,wine"), b',');
        assert_eq!(separator("sku\tkind"), b'\t');
    }
}
