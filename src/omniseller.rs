//! OmniSeller HTKService4 (HTK wiki, 2021): the PHP interface between a web shop (OXID 6) and
//! the OmniSeller cloud. Token request (`POST /omniseller/Tokenrequest.php` with
//! `apiuser`/`apipass`, valid 900 s), function-numbered calls to
//! `POST /omniseller/HTKService4.php` (`{token, function, data}`: 5 categories, 12 order ids,
//! 11 one order), the `{status, debugMessage, data}` envelope, and the category tree.
//!
//! The wiki gives GetOrder's route as `Tokenrequest.php`; every other function call goes to
//! `HTKService4.php`, and so does kontor's (decision, tested). Native only so far: not yet
//! exported to JavaScript.

use serde_json::{json, Value};

use crate::http::{Config, Method, Request};
use crate::issue::Issues;
use crate::kivitendo::record::{FieldsBuilder, Record};

/// Route of the token request.
pub const TOKEN_PATH: &str = "/omniseller/Tokenrequest.php";
/// Route of every function call.
pub const SERVICE_PATH: &str = "/omniseller/HTKService4.php";

/// The function numbers the wiki documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// 5: category download.
    Categories,
    /// 11: one order.
    Order,
    /// 12: order ids.
    OrderIds,
}

impl Function {
    /// The wire number (sent as a string, as the wiki's samples do).
    pub fn number(self) -> &'static str {
        match self {
            Function::Categories => "5",
            Function::Order => "11",
            Function::OrderIds => "12",
        }
    }
}

fn base(config: &Config, issues: &mut Issues) -> Option<String> {
    if config.base_url.is_none() {
        issues.error(
            "config.baseUrl",
            "missing_base_url",
            "OmniSeller runs in the shop: set `config.baseUrl` to the shop's address",
            "OmniSeller läuft im Shop: bitte `config.baseUrl` auf die Shop-Adresse setzen",
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
            "OmniSeller needs `config.username` (apiuser) and `config.password` (apipass)",
            "OmniSeller braucht `config.username` (apiuser) und `config.password` (apipass)",
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
        let left = t
            .and_then(|t| t.get("timeLeft"))
            .and_then(Value::as_i64)
            .unwrap_or(900);
        match token {
            Some(tok) => Some(Session {
                token: tok.to_owned(),
                expires_at: now + left,
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
        now + REFRESH_MARGIN >= self.expires_at
    }

    /// A function call with this session's token, or `None` when the token must be renewed
    /// first (then ask `token_request` and build the call again).
    pub fn call(
        &self,
        config: &Config,
        function: Function,
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
    by_parent.sort();
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
            .call(&config(), Function::Categories, "", 1_000, &mut issues)
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
            .call(&config(), Function::Order, "", 1_839, &mut issues)
            .is_some());
        assert!(
            s.call(&config(), Function::Order, "", 1_840, &mut issues)
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
