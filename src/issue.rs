//! Issues: what is wrong (or doubtful) with an input, named by path, in English and German.
//!
//! Every builder in kontor collects issues instead of stopping at the first one; a payload is
//! only handed out when no issue is an [`Severity::Error`].

use serde::Serialize;
use std::fmt;

/// How bad an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The target API would reject the payload (or kontor refuses to guess): no payload.
    Error,
    /// The payload is built, but something deserves a look (free text, a default was used).
    Warning,
}

/// One problem with an input, at a path such as `items[2].product.grapes[0]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    /// Where the problem is, in the input's own key names (`""` for the whole input).
    pub path: String,
    /// A stable machine-readable code (`missing_field`, `unknown_grape`, …).
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// English explanation, naming the fix where there is one.
    pub message: String,
    /// German explanation.
    pub message_de: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let path = if self.path.is_empty() {
            "(input)"
        } else {
            &self.path
        };
        write!(f, "{sev} {path} [{}]: {}", self.code, self.message)
    }
}

/// A collector of issues.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Issues(Vec<Issue>);

/// The most issues one answer carries; past it, one `too_many_issues` error says so (an input
/// with a million bad fields must not cost a million messages).
pub const MAX_ISSUES: usize = 1000;

impl Issues {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error.
    pub fn error(
        &mut self,
        path: impl fmt::Display,
        code: &str,
        message: impl Into<String>,
        message_de: impl Into<String>,
    ) {
        self.push(
            path,
            code,
            Severity::Error,
            message.into(),
            message_de.into(),
        );
    }

    /// Records a warning.
    pub fn warning(
        &mut self,
        path: impl fmt::Display,
        code: &str,
        message: impl Into<String>,
        message_de: impl Into<String>,
    ) {
        self.push(
            path,
            code,
            Severity::Warning,
            message.into(),
            message_de.into(),
        );
    }

    /// Records an issue of the given severity.
    pub fn push(
        &mut self,
        path: impl fmt::Display,
        code: &str,
        severity: Severity,
        message: String,
        message_de: String,
    ) {
        if self.0.len() >= MAX_ISSUES {
            if self.0.last().is_some_and(|i| i.code != "too_many_issues") {
                self.0.push(Issue {
                    path: String::new(),
                    code: "too_many_issues".to_owned(),
                    severity: Severity::Error,
                    message: format!("more than {MAX_ISSUES} issues: the rest are left out; fix these first (is this the right kind of document?)"),
                    message_de: format!("mehr als {MAX_ISSUES} Probleme: die übrigen sind weggelassen; bitte zuerst diese beheben (ist es das richtige Dokument?)"),
                });
            }
            return;
        }
        let path = path.to_string();
        #[cfg(test)]
        if let Some(fault) = for_people(&path, &message, &message_de) {
            // Test builds only: every unit test that makes an issue checks its wording.
            panic!("{path} [{code}]: {fault}");
        }
        // A consequence stays as a hint (a warning): what the target needed there.
        let severity = if self.is_consequence(&path, code, severity) {
            Severity::Warning
        } else {
            severity
        };
        self.0.push(Issue {
            path,
            code: code.to_owned(),
            severity,
            message,
            message_de,
        });
    }

    /// One bad value gives one error: a `missing_*` error at a path that already has an error
    /// (the value was there but unreadable, e.g. `bottleSizeMl: "big"`) is that error's
    /// consequence; the first error names the fix, the consequence is kept as a warning.
    fn is_consequence(&self, path: &str, code: &str, severity: Severity) -> bool {
        severity == Severity::Error
            && code.starts_with("missing_")
            && self
                .0
                .iter()
                .any(|i| i.severity == Severity::Error && i.path == path)
    }

    /// A collector holding `issues`.
    pub fn from_vec(issues: Vec<Issue>) -> Self {
        Self(issues)
    }

    /// Appends all issues of another collector (up to [`MAX_ISSUES`]).
    pub fn extend(&mut self, other: Issues) {
        for i in other.0 {
            self.push(i.path, &i.code, i.severity, i.message, i.message_de);
        }
    }

    /// True when at least one issue is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|i| i.severity == Severity::Error)
    }

    /// True when there are no issues at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of issues.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The issues as a slice.
    pub fn as_slice(&self) -> &[Issue] {
        &self.0
    }

    /// The issues, consumed.
    pub fn into_vec(self) -> Vec<Issue> {
        self.0
    }

    /// Iterates over the issues.
    pub fn iter(&self) -> std::slice::Iter<'_, Issue> {
        self.0.iter()
    }

    /// `(path, code)` of every issue, for tests that compare them.
    #[cfg(test)]
    pub(crate) fn path_codes(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .map(|i| (i.path.clone(), i.code.clone()))
            .collect()
    }

    /// Removes the issues with this `path` and `code`; true if there was one (a target that
    /// says the same thing more precisely replaces a general issue).
    pub fn remove(&mut self, path: &str, code: &str) -> bool {
        let before = self.0.len();
        self.0.retain(|i| i.path != path || i.code != code);
        self.0.len() != before
    }

    /// `unknown_operation` at `operation`: `{target}` has no operation `name`, with the list.
    pub fn unknown_operation(&mut self, target: &str, name: &str, known: &[&str]) {
        let known = known.join(", ");
        self.error(
            "operation",
            "unknown_operation",
            format!("{target} has no operation {name:?}; known: {known}"),
            format!("{target} kennt die Operation {name:?} nicht; bekannt: {known}"),
        );
    }
}

/// What makes a message not one written for people, or `None`: a message is read beside its
/// path (the CLI's line, the page's field name), so it has no markup characters (backticks)
/// and does not say its own path again. Used by the tests and the fuzz targets.
pub fn for_people(path: &str, message: &str, message_de: &str) -> Option<String> {
    for m in [message, message_de] {
        if m.contains('`') {
            return Some(format!("a backtick in {m:?}"));
        }
        // A path of one lower-case word (items, number, currency) is an ordinary word too.
        let word = path.chars().all(|c| c.is_ascii_lowercase());
        if !word && mentions(m, path) {
            return Some(format!("its own path in {m:?}"));
        }
    }
    None
}

/// True when `path` occurs in `text` as a whole (not as part of a longer key or path).
fn mentions(text: &str, path: &str) -> bool {
    let part = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(path).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let mut after = text[at + path.len()..].chars();
        let longer = match after.next() {
            Some('.') => after.next().is_some_and(part),
            Some(c) => part(c) || c == '[',
            None => false,
        };
        !before.is_some_and(|c| part(c) || c == '.' || c == ']') && !longer
    })
}

impl<'a> IntoIterator for &'a Issues {
    type Item = &'a Issue;
    type IntoIter = std::slice::Iter<'a, Issue>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A path into the input, built without allocating and rendered only when an issue needs
/// it: `Path::ROOT.key("items")` → `items`, then `.index(2)` → `items[2]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path<'a> {
    /// The whole input (renders as `""`).
    Root,
    /// A key of an object.
    Key(&'a Path<'a>, &'a str),
    /// An element of an array.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The root path.
    pub const ROOT: Path<'static> = Path::Root;

    /// The path of `key` below this one.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// The path of element `i` below this one.
    pub fn index(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, k) => f.write_str(k),
            Path::Key(p, k) => write!(f, "{p}.{k}"),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

/// Joins a path and a key: `join("items[0]", "sku")` is `items[0].sku`.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Joins a path and an index: `index("items", 2)` is `items[2]`.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// The result of a builder: the payload when no issue is an error, and every issue.
/// Serialised as `{ ok: true, payload, issues }` or `{ ok: false, issues }`, so that a
/// check of `ok` narrows the type in TypeScript.
#[derive(Debug, Clone, PartialEq)]
pub struct Built<T> {
    /// The payload, present only when `issues` holds no error.
    pub payload: Option<T>,
    /// Every issue found, errors and warnings.
    pub issues: Issues,
}

impl<T> Built<T> {
    /// Wraps a payload candidate: it is dropped when the issues hold an error.
    pub fn new(payload: Option<T>, issues: Issues) -> Self {
        let payload = if issues.has_errors() { None } else { payload };
        Self { payload, issues }
    }
}

impl<T: Serialize> Serialize for Built<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        with_ok(s, "Built", "payload", self.payload.as_ref(), &self.issues)
    }
}

/// Writes a result `{ ok, <name>?, issues }`: `ok` is true exactly when `value` is present.
/// The one shape every result of the package takes (builders, `request`, documents).
pub fn with_ok<S: serde::Serializer, T: Serialize + ?Sized>(
    s: S,
    struct_name: &'static str,
    name: &'static str,
    value: Option<&T>,
    issues: &Issues,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct(struct_name, 3)?;
    st.serialize_field("ok", &value.is_some())?;
    match value {
        Some(v) => st.serialize_field(name, v)?,
        None => st.skip_field(name)?,
    }
    st.serialize_field("issues", issues)?;
    st.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bad_value_gives_one_error_and_its_consequence_as_a_hint() {
        let mut issues = Issues::new();
        issues.error(
            "items[0].size",
            "invalid_number",
            "not a number",
            "keine Zahl",
        );
        issues.error("items[0].size", "missing_size", "required", "Pflicht");
        issues.error("items[1].size", "missing_size", "required", "Pflicht");
        let got: Vec<_> = issues
            .as_slice()
            .iter()
            .map(|i| (i.path.as_str(), i.code.as_str(), i.severity))
            .collect();
        assert_eq!(
            got,
            [
                ("items[0].size", "invalid_number", Severity::Error),
                ("items[0].size", "missing_size", Severity::Warning),
                ("items[1].size", "missing_size", Severity::Error),
            ]
        );
    }

    #[test]
    fn issues_stop_at_the_limit_with_one_too_many_issues() {
        let mut issues = Issues::new();
        for i in 0..MAX_ISSUES + 500 {
            issues.warning(format!("items[{i}]"), "w", "w", "w");
        }
        let mut more = Issues::new();
        more.error("x", "e", "e", "e");
        issues.extend(more);
        assert_eq!(issues.len(), MAX_ISSUES + 1);
        let last = issues.iter().last().map(|i| (i.code.as_str(), i.severity));
        assert_eq!(last, Some(("too_many_issues", Severity::Error)));
        assert_eq!(
            issues
                .iter()
                .filter(|i| i.code == "too_many_issues")
                .count(),
            1
        );
    }

    #[test]
    fn built_serialises_with_an_ok_discriminant() {
        let mut issues = Issues::new();
        issues.warning("a", "w", "w", "w");
        let ok = serde_json::to_value(Built::new(Some(1), issues.clone())).unwrap_or_default();
        assert_eq!(ok["ok"], true);
        assert_eq!(ok["payload"], 1);
        assert_eq!(ok["issues"][0]["code"], "w");
        issues.error("b", "e", "e", "e");
        let bad = serde_json::to_value(Built::new(Some(1), issues)).unwrap_or_default();
        assert_eq!(bad["ok"], false);
        assert!(bad.get("payload").is_none(), "{bad}");
        assert_eq!(bad["issues"][1]["code"], "e");
    }

    #[test]
    fn payload_is_dropped_when_an_error_is_present() {
        let mut issues = Issues::new();
        issues.warning("a", "w", "w", "w");
        assert_eq!(Built::new(Some(1), issues.clone()).payload, Some(1));
        issues.error("b", "e", "e", "e");
        assert_eq!(Built::new(Some(1), issues).payload, None);
    }

    #[test]
    fn issue_serialises_with_camel_case_keys() {
        let mut issues = Issues::new();
        issues.error("items[0].sku", "missing_field", "missing", "fehlt");
        let json = serde_json::to_string(&issues).unwrap();
        assert_eq!(
            json,
            r#"[{"path":"items[0].sku","code":"missing_field","severity":"error","message":"missing","messageDe":"fehlt"}]"#
        );
    }

    #[test]
    fn lazy_paths_render_like_joined_ones() {
        let items = Path::ROOT.key("items");
        let item = items.index(2);
        let grapes = item.key("product");
        let g = grapes.key("grapes");
        assert_eq!(g.index(0).to_string(), "items[2].product.grapes[0]");
        assert_eq!(Path::ROOT.to_string(), "");
    }

    #[test]
    fn paths_join() {
        assert_eq!(join("", "number"), "number");
        assert_eq!(join(&index("items", 2), "sku"), "items[2].sku");
    }
}
