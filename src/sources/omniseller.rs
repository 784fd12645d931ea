//! OmniSeller HTKService4 (HTK wiki, 2021): the PHP interface between a web shop (OXID 6) and
//! the OmniSeller cloud. Token request (`POST /omniseller/Tokenrequest.php` with
//! `apiuser`/`apipass`, valid 900 s), function-numbered calls to
//! `POST /omniseller/HTKService4.php` (`{token, function, data}`: 5 categories, 12 order ids,
//! 11 one order), the `{status, debugMessage, data}` envelope, and the category tree.
//!
//! The wiki gives GetOrder's route as `Tokenrequest.php`; every other function call goes to
//! `HTKService4.php`, and so does kontor's (decision, tested). What the wiki leaves open is
//! configuration: the stock function's number (`config.stockFunction`, the wiki's "Stock"
//! section is empty), and the order's shape (a mapping the integrator writes, see
//! [`order_from`]). GetOrder sends the order's `ID` as `data` (the wiki's sample sends `""`).

use serde::Serialize;
use serde_json::{json, Value};

use crate::http::{self, Config, Interpreted, Method, Outcome, Request};
use crate::issue::Issues;
use crate::order::time::{format_rfc3339, Timestamp};
use crate::registry::{env, Arrival, Requests, SourceEntry};
use crate::targets::kivitendo::record::{FieldsBuilder, Record};

/// Route of the token request.
pub const TOKEN_PATH: &str = "/omniseller/Tokenrequest.php";
/// Route of every function call.
pub const SERVICE_PATH: &str = "/omniseller/HTKService4.php";

/// Operation names, as `request("omniseller", …)` takes them.
pub const OPERATIONS: &[&str] = &[
    "requestToken",
    "getCategories",
    "getOrderIds",
    "getOrder",
    "getStock",
];

/// Configuration keys besides [`Config`]'s: `session` (`{ token, expiresAt }`, from the
/// token answer) and `stockFunction` (the undocumented number of the stock function).
pub const OPTION_KEYS: &[&str] = &["session", "stockFunction"];

/// The functions of HTKService4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Function {
    /// 5: category download.
    Categories,
    /// 11: one order.
    Order,
    /// 12: order ids.
    OrderIds,
    /// A function the wiki does not number (stock): the configured number.
    Other(String),
}

impl Function {
    /// The wire number (sent as a string, as the wiki's samples do).
    pub fn number(&self) -> &str {
        match self {
            Function::Categories => "5",
            Function::Order => "11",
            Function::OrderIds => "12",
            Function::Other(n) => n,
        }
    }
}

fn base(config: &Config, issues: &mut Issues) -> Option<String> {
    // An invalid URL was already reported at the same path by the general check.
    if config.base_url.is_none() && !issues.iter().any(|i| i.path == "config.baseUrl") {
        issues.error(
            "config.baseUrl",
            "missing_base_url",
            "OmniSeller runs in the shop: set this to the shop's address",
            "OmniSeller läuft im Shop: bitte hier die Shop-Adresse angeben",
        );
    }
    config.base_url.clone()
}

fn post(url: String, body: Value) -> Request {
    Request {
        method: Method::Post,
        url,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Accept".into(), "application/json".into()),
        ],
        body: Some(body.to_string()),
    }
}

/// `POST /omniseller/Tokenrequest.php` with `{apiuser, apipass}` (from `username`/`password`).
pub fn token_request(config: &Config, issues: &mut Issues) -> Option<Request> {
    let base = base(config, issues);
    let (user, pass) = (config.username.clone(), config.password.clone());
    if user.is_none() || pass.is_none() {
        issues.error(
            "config.username",
            "missing_credentials",
            "OmniSeller needs a user name (apiuser) here and config.password (apipass)",
            "OmniSeller braucht hier einen Benutzernamen (apiuser) und config.password (apipass)",
        );
    }
    Some(post(
        format!("{}{TOKEN_PATH}", base?),
        json!({ "apiuser": user?, "apipass": pass? }),
    ))
}

/// A token and when it stops working, on the caller's clock (seconds).
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    token: String,
    /// Unix seconds at which the token expires.
    pub expires_at: i64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Seconds before expiry at which a session counts as expired: a call never starts on a token
/// that could run out while it is under way.
pub const REFRESH_MARGIN: i64 = 60;

/// The longest token life believed (a day; the wiki's tokens live 900 s): a larger
/// `timeLeft` is an issue, not a session that never expires.
pub const MAX_TOKEN_SECONDS: i64 = 86_400;

impl Session {
    /// Reads a token answer received at `now` (Unix seconds): `timeLeft` counts from the
    /// answer (the wiki's `expirationdate` carries no time zone, so it is not used).
    pub fn from_token_response(body: &Value, now: i64, issues: &mut Issues) -> Option<Session> {
        envelope(body, issues)?;
        let t = body.get("token");
        let token = t
            .and_then(|t| t.get("token"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        let left = match t.and_then(|t| t.get("timeLeft")) {
            None | Some(Value::Null) => Some(900),
            Some(v) => v.as_i64().filter(|s| (1..=MAX_TOKEN_SECONDS).contains(s)),
        };
        let Some(expires_at) = left.and_then(|l| now.checked_add(l)) else {
            issues.error(
                "token.timeLeft",
                "implausible_expiry",
                format!("OmniSeller's token answer says {}: a token lives from 1 second to a day (the wiki: 900); request a new one", t.and_then(|t| t.get("timeLeft")).map(Value::to_string).unwrap_or_default()),
                format!("die Token-Antwort von OmniSeller nennt {}: ein Token gilt 1 Sekunde bis einen Tag (laut Wiki 900); bitte ein neues anfordern", t.and_then(|t| t.get("timeLeft")).map(Value::to_string).unwrap_or_default()),
            );
            return None;
        };
        match token {
            Some(tok) => Some(Session {
                token: tok.to_owned(),
                expires_at,
            }),
            None => {
                issues.error(
                    "token.token",
                    "missing_token",
                    "OmniSeller's token answer has no token",
                    "die Token-Antwort von OmniSeller enthält kein Token",
                );
                None
            }
        }
    }

    /// True when a new token must be requested before the next call.
    pub fn needs_refresh(&self, now: i64) -> bool {
        now.saturating_add(REFRESH_MARGIN) >= self.expires_at
    }

    /// A function call with this session's token, or `None` when the token must be renewed
    /// first (then ask `token_request` and build the call again).
    pub fn call(
        &self,
        config: &Config,
        function: &Function,
        data: &str,
        now: i64,
        issues: &mut Issues,
    ) -> Option<Request> {
        let base = base(config, issues)?;
        if self.needs_refresh(now) {
            return None;
        }
        Some(post(
            format!("{base}{SERVICE_PATH}"),
            json!({ "token": self.token, "function": function.number(), "data": data }),
        ))
    }
}

impl Session {
    /// Reads `config.session` (`{ token, expiresAt }`; `expiresAt` as RFC 3339 text or Unix
    /// milliseconds, as JavaScript's `Date.now()` counts).
    pub fn from_value(v: &Value, issues: &mut Issues) -> Option<Session> {
        let token = v
            .get("token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty());
        let expires_at = match v.get("expiresAt") {
            Some(Value::String(t)) => Timestamp::parse_rfc3339(t).map(|t| t.unix_seconds()),
            Some(Value::Number(n)) => n.as_i64().map(|ms| ms.div_euclid(1000)),
            _ => None,
        }
        // Years 1970 to 9999: a session expiring outside them was not read from an answer.
        .filter(|s| (0..=253_402_300_799).contains(s));
        match (token, expires_at) {
            (Some(token), Some(expires_at)) => Some(Session {
                token: token.to_owned(),
                expires_at,
            }),
            _ => {
                issues.error(
                    "config.session",
                    "missing_session",
                    "OmniSeller calls need a session ({ token, expiresAt }): request one with the operation requestToken and pass the data of its interpreted answer",
                    "OmniSeller-Aufrufe brauchen eine Sitzung ({ token, expiresAt }): mit der Operation requestToken anfordern und data der ausgewerteten Antwort übergeben",
                );
                None
            }
        }
    }

    /// `{ token, expiresAt }` (RFC 3339, UTC): what `config.session` takes back.
    pub fn to_value(&self) -> Value {
        json!({
            "token": self.token,
            "expiresAt": format_rfc3339(&Timestamp::from_unix(self.expires_at)),
        })
    }
}

/// Builds the request of `operation` (see [`OPERATIONS`]). `options` is the configuration
/// object (its `session` and `stockFunction`); `now` is the caller's clock in Unix seconds.
/// A call whose session expires within [`REFRESH_MARGIN`] is not built: the issue
/// `session_expired` asks for a new token first.
pub fn request(
    operation: &str,
    input: &Value,
    config: &Config,
    options: &Value,
    now: i64,
    issues: &mut Issues,
) -> Option<Request> {
    let (function, data) = match operation {
        "requestToken" => return token_request(config, issues),
        "getCategories" => (Function::Categories, String::new()),
        "getOrderIds" => (Function::OrderIds, String::new()),
        "getOrder" => {
            let id = match input {
                Value::String(s) => Some(s.trim().to_owned()),
                Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
                _ => None,
            }
            .filter(|s| !s.is_empty());
            let numeric = match input {
                Value::Number(_) => true,
                Value::Object(o) => o.get("id").is_some_and(Value::is_number),
                _ => false,
            };
            if numeric {
                issues.error(
                    "input.id",
                    "invalid_type",
                    "getOrder needs the order's ID as text (the hex value from getOrderIds, e.g. \"6132af04…\"), not the numeric DisplayID",
                    "getOrder braucht die ID der Bestellung als Text (den Hex-Wert aus getOrderIds, z. B. \"6132af04…\"), nicht die numerische DisplayID",
                );
            } else if id.is_none() {
                issues.error(
                    "input.id",
                    "missing_field",
                    "getOrder needs the order's ID (as listed by getOrderIds): pass it as text or { id }",
                    "getOrder braucht die ID der Bestellung (wie von getOrderIds geliefert): als Text oder { id } übergeben",
                );
            }
            (Function::Order, id.unwrap_or_default())
        }
        "getStock" => {
            let number = match options.get("stockFunction") {
                Some(Value::String(n)) if !n.trim().is_empty() => Some(n.trim().to_owned()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            if number.is_none() {
                issues.error(
                    "config.stockFunction",
                    "missing_option",
                    "the wiki gives no number for the stock function: set this to the number your HTKService4 uses",
                    "das Wiki nennt keine Nummer für die Bestandsfunktion: bitte hier die Nummer Ihres HTKService4 angeben",
                );
            }
            let data = match input {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (Function::Other(number.unwrap_or_default()), data)
        }
        other => {
            issues.unknown_operation("OmniSeller", other, OPERATIONS);
            return None;
        }
    };
    let session = Session::from_value(options.get("session").unwrap_or(&Value::Null), issues)?;
    let call = session.call(config, &function, &data, now, issues);
    if call.is_none() && session.needs_refresh(now) {
        let at = format_rfc3339(&Timestamp::from_unix(session.expires_at));
        issues.error(
            "config.session",
            "session_expired",
            format!("the OmniSeller token expires at {at}, less than {REFRESH_MARGIN} s from now: request a new one (requestToken) before this call, so that no call runs on an expiring token"),
            format!("das OmniSeller-Token läuft um {at} ab, in weniger als {REFRESH_MARGIN} s: vor diesem Aufruf ein neues anfordern (requestToken), damit kein Aufruf mit ablaufendem Token läuft"),
        );
    }
    call
}

/// What an answer to `operation` means: HTTP status first, then the envelope. `data` is the
/// session (`{ token, expiresAt }`) for requestToken, the category tree in order (`id`,
/// `parentId`, `name`, `active`, `depth`) for getCategories, and the envelope's `data` as
/// sent otherwise. `now`: the caller's clock, Unix seconds (for the session's expiry).
pub fn interpret(operation: &str, status: u16, body: &str, now: i64) -> Interpreted {
    let mut issues = Issues::new();
    let http_outcome = http::outcome_for_status(status);
    if http_outcome != Outcome::Accepted {
        issues.error(
            "",
            "upstream_status",
            format!("OmniSeller answered HTTP {status}"),
            format!("OmniSeller hat mit HTTP {status} geantwortet"),
        );
        return Interpreted {
            outcome: http_outcome,
            issues,
            data: http::body_data(body),
        };
    }
    let Ok(value) = serde_json::from_str::<Value>(body) else {
        issues.error(
            "",
            "malformed_answer",
            "OmniSeller's answer is not JSON (is the base URL the shop's, with HTKService4 installed?)",
            "Die Antwort von OmniSeller ist kein JSON (ist die Basis-URL die des Shops, mit installiertem HTKService4?)",
        );
        return Interpreted {
            outcome: Outcome::Rejected,
            issues,
            data: http::body_data(body),
        };
    };
    let data = if operation == "requestToken" {
        Session::from_token_response(&value, now, &mut issues).map(|s| {
            let mut v = s.to_value();
            if let (Some(o), Some(user)) = (
                v.as_object_mut(),
                value.get("token").and_then(|t| t.get("user")),
            ) {
                o.insert("user".into(), user.clone());
            }
            v
        })
    } else {
        envelope(&value, &mut issues).map(|d| match (operation, d) {
            ("getCategories", Value::Array(list)) => Value::Array(
                category_tree(list, &mut issues)
                    .into_iter()
                    .map(|c| {
                        json!({"id": c.id, "parentId": c.parent, "name": c.name, "active": c.active, "depth": c.depth})
                    })
                    .collect(),
            ),
            _ => d.clone(),
        })
    };
    let outcome = match (&data, operation) {
        (Some(_), _) => Outcome::Accepted,
        (None, "requestToken") => Outcome::AuthFailed,
        (None, _) => Outcome::Rejected,
    };
    Interpreted {
        outcome,
        issues,
        data,
    }
}

/// The `data` of an order answer: the envelope is opened when the whole answer is passed
/// (its status checked), an order object is taken as it is.
pub fn order_data<'a>(raw: &'a Value, issues: &mut Issues) -> Option<&'a Value> {
    let data = if raw.get("status").is_some() && raw.get("data").is_some() {
        envelope(raw, issues)?
    } else {
        raw
    };
    if data.is_object() {
        return Some(data);
    }
    issues.error(
        "order",
        "missing_order",
        "OmniSeller's answer holds no order object (GetOrder answered empty data: is the order's ID right?)",
        "Die Antwort von OmniSeller enthält kein Bestellobjekt (GetOrder lieferte leeres data: stimmt die ID der Bestellung?)",
    );
    None
}

/// An order read from OmniSeller, mapped and validated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mapped {
    /// The canonical order the mapping produced (present even when invalid, to be looked at).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<Value>,
    /// True when the order has no error: every builder will take it.
    pub valid: bool,
    /// Mapping issues and the order's own.
    pub issues: Issues,
}

impl Mapped {
    /// Validates the canonical order JSON a mapping produced.
    pub fn validate(order: Value, mut issues: Issues) -> Mapped {
        let (_, order_issues) = crate::order::Order::from_value(&order);
        issues.extend(order_issues);
        Mapped {
            order: Some(order),
            valid: !issues.has_errors(),
            issues,
        }
    }
}

/// Says that no mapping was given, with what one looks like.
pub fn missing_mapping(issues: &mut Issues) {
    issues.error(
        "mapping",
        "missing_mapping",
        "OmniSeller's order format is not documented, so kontor needs your mapping: a function (order) => canonical order, or a field-path table such as { \"number\": { \"from\": \"DisplayID\", \"as\": \"string\" }, \"customer.email\": \"Customer.Email\", \"items\": { \"each\": \"Articles\", \"map\": { \"sku\": \"ArtNum\" } } }",
        "Das Bestellformat von OmniSeller ist nicht dokumentiert, daher braucht kontor Ihre Zuordnung: eine Funktion (order) => kanonische Bestellung oder eine Feldpfad-Tabelle wie { \"number\": { \"from\": \"DisplayID\", \"as\": \"string\" }, \"customer.email\": \"Customer.Email\", \"items\": { \"each\": \"Articles\", \"map\": { \"sku\": \"ArtNum\" } } }",
    );
}

/// An OmniSeller order (the answer of getOrder, or its `data`) as a canonical order, by a
/// field-path `table` (see [`crate::order::mapping`]); `Null` for no table is the
/// `missing_mapping` error.
pub fn order_from(raw: &Value, table: &Value) -> Mapped {
    let mut issues = Issues::new();
    if table.is_null() {
        missing_mapping(&mut issues);
    }
    let data = order_data(raw, &mut issues);
    match data {
        Some(d) if !issues.has_errors() => {
            let order = crate::order::mapping::map_order(d, table, &mut issues);
            Mapped::validate(order, issues)
        }
        _ => Mapped {
            order: None,
            valid: false,
            issues,
        },
    }
}

/// Checks the `{status, debugMessage, data}` envelope: a status other than `OK` is an error
/// carrying `debugMessage`. Returns `data` (or `Null`).
pub fn envelope<'a>(body: &'a Value, issues: &mut Issues) -> Option<&'a Value> {
    match body.get("status").and_then(Value::as_str) {
        Some("OK") => Some(body.get("data").unwrap_or(&Value::Null)),
        other => {
            let msg = body
                .get("debugMessage")
                .and_then(Value::as_str)
                .unwrap_or("");
            let st = other.unwrap_or("(missing)");
            issues.error(
                "status",
                "upstream_error",
                format!("OmniSeller answered status {st}: {msg}"),
                format!("OmniSeller hat Status {st} gemeldet: {msg}"),
            );
            None
        }
    }
}

/// `Aktiv` as the versions wrote it: `1`, `"1"` or `true` (and their opposites).
pub fn active(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => matches!(s.trim(), "1" | "true"),
        _ => false,
    }
}

/// A category of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// OXID id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Active in the shop.
    pub active: bool,
    /// Depth below the root (0 for top level).
    pub depth: usize,
    /// Parent id (`None` at the top).
    pub parent: Option<String>,
}

/// The parent id of the root.
pub const ROOT_PARENT: &str = "oxrootID";

/// Builds the category tree from the flat list (function 5), depth-first in list order.
/// Orphans (unknown parent) and cycles are issues, never hangs: each category is visited once.
pub fn category_tree(list: &[Value], issues: &mut Issues) -> Vec<Category> {
    let entries: Vec<(String, String, String, bool)> = list
        .iter()
        .filter_map(|c| {
            Some((
                c.get("ID")?.as_str()?.to_owned(),
                c.get("ParentID")
                    .and_then(Value::as_str)
                    .unwrap_or(ROOT_PARENT)
                    .to_owned(),
                c.get("Name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                active(c.get("Aktiv")),
            ))
        })
        .collect();
    // Children by parent id: (parent, index) sorted, so each look-up is a binary search.
    let mut by_parent: Vec<(&str, usize)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.1.as_str(), i))
        .collect();
    by_parent.sort_unstable();
    let children = |parent: &str| -> Vec<usize> {
        let start = by_parent.partition_point(|(p, _)| *p < parent);
        by_parent[start..]
            .iter()
            .take_while(|(p, _)| *p == parent)
            .map(|(_, i)| *i)
            .collect()
    };
    let mut placed = vec![false; entries.len()];
    let mut out = Vec::with_capacity(entries.len());
    // Iterative depth-first walk (no recursion: a deep chain cannot exhaust the stack); each
    // category is placed once, so cycles end the walk.
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for &i in children(ROOT_PARENT).iter().rev() {
        placed[i] = true;
        stack.push((i, 0));
    }
    while let Some((i, depth)) = stack.pop() {
        let e = &entries[i];
        out.push(Category {
            id: e.0.clone(),
            name: e.2.clone(),
            active: e.3,
            depth,
            parent: (e.1 != ROOT_PARENT).then(|| e.1.clone()),
        });
        for &j in children(&e.0).iter().rev() {
            if !placed[j] {
                placed[j] = true;
                stack.push((j, depth + 1));
            }
        }
    }
    for (i, e) in entries.iter().enumerate() {
        if !placed[i] {
            let known = entries.iter().any(|x| x.0 == e.1);
            let (code, en, de) = if known {
                (
                    "category_cycle",
                    format!(
                        "category {:?} ({}) is part of a parent cycle and left out",
                        e.2, e.0
                    ),
                    format!(
                        "Kategorie {:?} ({}) liegt in einem Eltern-Zyklus und wird ausgelassen",
                        e.2, e.0
                    ),
                )
            } else {
                ("orphan_category", format!("category {:?} ({}) has an unknown parent {:?} and is left out", e.2, e.0, e.1), format!("Kategorie {:?} ({}) hat die unbekannte Elternkategorie {:?} und wird ausgelassen", e.2, e.0, e.1))
            };
            issues.warning(format!("data[{i}]"), code, en, de);
        }
    }
    out
}

/// kivitendo `<category>` documents for a tree, as the slides' connector syncs them: the
/// name, a sort key by tree position (10, 20, …), `obsolete` for inactive categories.
pub fn to_kivitendo_categories(tree: &[Category]) -> Vec<Record> {
    tree.iter()
        .enumerate()
        .map(|(i, c)| Record {
            root: "category",
            fields: FieldsBuilder::new()
                .text("name", Some(&c.name))
                .num("sortkey", Some(((i + 1) * 10).to_string()))
                .bool("obsolete", (!c.active).then_some(true))
                .build(),
        })
        .collect()
}

/// One kivitendo `<category>` document of an OmniSeller category.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryDocument {
    /// The category's OXID id (kivitendo gives the new category its own id).
    pub omniseller_id: String,
    /// The XML text (format `xml`, the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xml: Option<String>,
    /// The JSON document (format `json`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<Value>,
}

/// kivitendo category documents, in tree order, and the issues of the tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryDocuments {
    /// One document per placed category.
    pub documents: Vec<CategoryDocument>,
    /// Orphans, cycles, unreadable input.
    pub issues: Issues,
}

/// kivitendo `<category>` documents from OmniSeller categories: the getCategories answer,
/// its flat `data` list (`ID`, `ParentID`, `Aktiv`, `Name`), or the tree getCategories'
/// interpreted `data` gives (`id`, `name`, `active`).
pub fn kivitendo_category_documents(
    input: &Value,
    format: crate::targets::kivitendo::record::Format,
) -> CategoryDocuments {
    let mut issues = Issues::new();
    let list = if input.get("status").is_some() {
        envelope(input, &mut issues)
    } else {
        Some(input)
    };
    let tree = match list.and_then(Value::as_array) {
        Some(list) if list.iter().any(|c| c.get("ID").is_some()) => {
            category_tree(list, &mut issues)
        }
        Some(list) => list
            .iter()
            .filter_map(|c| {
                Some(Category {
                    id: c.get("id")?.as_str()?.to_owned(),
                    name: c.get("name")?.as_str()?.to_owned(),
                    active: active(c.get("active")),
                    depth: 0,
                    parent: None,
                })
            })
            .collect(),
        None => {
            if !issues.has_errors() {
                issues.error(
                    "categories",
                    "invalid_type",
                    "pass the getCategories answer, its data list or its interpreted tree",
                    "bitte die getCategories-Antwort, ihre data-Liste oder den ausgewerteten Baum übergeben",
                );
            }
            Vec::new()
        }
    };
    let documents = tree
        .iter()
        .zip(to_kivitendo_categories(&tree))
        .map(|(c, r)| {
            let (xml, payload) = r.xml_or_json(format);
            CategoryDocument {
                omniseller_id: c.id.clone(),
                xml,
                payload,
            }
        })
        .collect();
    CategoryDocuments { documents, issues }
}

// Its TypeScript declarations, added to the package's by wasm-bindgen (Wasm builds only).
#[cfg_attr(
    target_arch = "wasm32",
    wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)
)]
const _: &str = include_str!("omniseller.d.ts");

/// OmniSeller's entry in the registry.
pub const ENTRY: SourceEntry = SourceEntry {
    name: "omniseller",
    title: "OmniSeller (HTKService4)",
    arrival: Arrival::Sync,
    requests: Some(Requests {
        operations: OPERATIONS,
        build: dispatch,
        interpret,
    }),
    env: &[
        env("OMNISELLER_BASE_URL", "baseUrl", true, false),
        env("OMNISELLER_USERNAME", "username", true, true),
        env("OMNISELLER_PASSWORD", "password", true, true),
        env("OMNISELLER_ORDER_MAPPING", "", false, false),
    ],
    declarations: "sources/omniseller.d.ts",
};

/// `request("omniseller", operation, input, config)` (the registry's entry); `now` decides
/// whether the session is still good.
fn dispatch(
    operation: &str,
    input: &str,
    config: &Value,
    _catalogue: Option<&crate::catalogue::Catalogue>,
    now: i64,
    issues: &mut Issues,
) -> Option<Request> {
    let cfg = Config::from_value(config, OPTION_KEYS, issues);
    let input = crate::dispatch::input_value(input);
    request(operation, &input, &cfg, config, now, issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config {
            base_url: Some("https://shop.example.com".into()),
            username: Some("apiuser".into()),
            password: Some("apipass".into()),
            ..Config::default()
        }
    }

    #[test]
    fn implausible_time_left_is_an_issue_not_an_overflow() {
        let answer =
            |left: Value| json!({"status": "OK", "token": {"token": "T", "timeLeft": left}});
        for left in [
            json!(9_223_372_036_854_775_807_i64),
            json!(0),
            json!(-5),
            json!(86_401),
            json!("900"),
        ] {
            let mut issues = Issues::new();
            assert_eq!(
                Session::from_token_response(&answer(left.clone()), 1_000, &mut issues),
                None,
                "{left}"
            );
            assert_eq!(
                issues.path_codes(),
                vec![("token.timeLeft".into(), "implausible_expiry".into())]
            );
        }
        // At the clock's end: no overflow, and the session is simply due for renewal.
        let mut issues = Issues::new();
        let s = Session::from_token_response(&answer(json!(900)), i64::MAX - 10, &mut issues);
        assert_eq!(s, None, "now + timeLeft overflows: refused");
        let s = Session {
            token: "T".into(),
            expires_at: i64::MAX,
        };
        assert!(s.needs_refresh(i64::MAX));
        // A caller's session far outside the calendar is not taken.
        let mut issues = Issues::new();
        assert_eq!(
            Session::from_value(&json!({"token": "T", "expiresAt": i64::MAX}), &mut issues),
            None
        );
    }

    #[test]
    fn token_request_matches_the_wiki() {
        let mut issues = Issues::new();
        let r = token_request(&config(), &mut issues).unwrap();
        assert_eq!(
            r.url,
            "https://shop.example.com/omniseller/Tokenrequest.php"
        );
        assert_eq!(
            serde_json::from_str::<Value>(r.body.as_deref().unwrap()).unwrap(),
            json!({"apiuser": "apiuser", "apipass": "apipass"})
        );
    }

    #[test]
    fn sessions_renew_before_they_expire_never_mid_call() {
        let answer = json!({"status": "OK", "debugMessage": "string", "token": {"token": "410C2DC6-88F0-4DAA-81DF-F3A62299B467", "user": "apiuser", "creationdate": "2021-02-17 13:50:25", "expirationdate": "2021-02-17 14:20:29", "timeLeft": 900}});
        let mut issues = Issues::new();
        let s = Session::from_token_response(&answer, 1_000, &mut issues).unwrap();
        assert_eq!(s.expires_at, 1_900);
        assert!(!format!("{s:?}").contains("410C2DC6"));
        let call = s
            .call(&config(), &Function::Categories, "", 1_000, &mut issues)
            .unwrap();
        assert_eq!(
            call.url,
            "https://shop.example.com/omniseller/HTKService4.php"
        );
        let body: Value = serde_json::from_str(call.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"token": "410C2DC6-88F0-4DAA-81DF-F3A62299B467", "function": "5", "data": ""})
        );
        assert!(s
            .call(&config(), &Function::Order, "", 1_839, &mut issues)
            .is_some());
        assert!(
            s.call(&config(), &Function::Order, "", 1_840, &mut issues)
                .is_none(),
            "within the margin: renew first"
        );
        assert!(issues.is_empty());
    }

    #[test]
    fn envelope_errors_carry_the_debug_message() {
        let mut issues = Issues::new();
        assert!(envelope(
            &json!({"status": "ERROR", "debugMessage": "token expired"}),
            &mut issues
        )
        .is_none());
        assert!(issues.as_slice()[0].message.contains("token expired"));
    }

    #[test]
    fn aktiv_reads_every_spelling() {
        for (v, want) in [
            (json!(1), true),
            (json!("1"), true),
            (json!(true), true),
            (json!(0), false),
            (json!("0"), false),
            (json!(false), false),
        ] {
            assert_eq!(active(Some(&v)), want, "{v}");
        }
    }

    #[test]
    fn the_category_list_becomes_a_tree_with_orphans_and_cycles_reported() {
        let list = vec![
            json!({"ID": "1c59e65e30bcaa3a694b818d0b62adb0", "ParentID": "oxrootID", "Aktiv": 1, "Name": "Möbel"}),
            json!({"ID": "b", "ParentID": "1c59e65e30bcaa3a694b818d0b62adb0", "Aktiv": "1", "Name": "Stühle"}),
            json!({"ID": "c", "ParentID": "oxrootID", "Aktiv": false, "Name": "Archiv"}),
            json!({"ID": "d", "ParentID": "nowhere", "Aktiv": 1, "Name": "Waise"}),
            json!({"ID": "e", "ParentID": "f", "Aktiv": 1, "Name": "Kreis 1"}),
            json!({"ID": "f", "ParentID": "e", "Aktiv": 1, "Name": "Kreis 2"}),
        ];
        let mut issues = Issues::new();
        let tree = category_tree(&list, &mut issues);
        let names: Vec<(&str, usize)> = tree.iter().map(|c| (c.name.as_str(), c.depth)).collect();
        assert_eq!(names, vec![("Möbel", 0), ("Stühle", 1), ("Archiv", 0)]);
        let codes: Vec<&str> = issues.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(
            codes,
            vec!["orphan_category", "category_cycle", "category_cycle"]
        );
        let docs = to_kivitendo_categories(&tree);
        assert_eq!(docs[2].to_xml(), "<category>\n  <name>Archiv</name>\n  <sortkey>30</sortkey>\n  <obsolete>true</obsolete>\n</category>\n");
    }

    #[test]
    fn a_deep_chain_neither_recurses_nor_hangs() {
        let mut list = vec![json!({"ID": "c0", "ParentID": "oxrootID", "Aktiv": 1, "Name": "0"})];
        for i in 1..50_000 {
            list.push(json!({"ID": format!("c{i}"), "ParentID": format!("c{}", i - 1), "Aktiv": 1, "Name": i.to_string()}));
        }
        let mut issues = Issues::new();
        let tree = category_tree(&list, &mut issues);
        assert_eq!(tree.len(), 50_000);
        assert_eq!(tree.last().map(|c| c.depth), Some(49_999));
        assert!(issues.is_empty());
    }
}
