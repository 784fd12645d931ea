//! Westarp API 2.0 requests (sans-IO, `Authorization: Bearer`), response meaning, paged lists
//! and the publisher list's secrets.
//!
//! The document gives no paths: kontor uses `/publishers`, `/books`, `/books/{id}`,
//! `/stocks`, `/orders`, `/orders/{id}`, `/shipping-methods` under the configured base URL
//! (which carries any version prefix). Lists are paged (books 25, orders 50 a page) with
//! `current_page` / `last_page` / `next_page_url` (stocks: under `meta`).

use serde_json::{Map, Value};
use std::fmt;

use super::isbn::Isbn;
use super::mapping::{build_order, Options};
use crate::http::encode_query;
use crate::http::{self, Config, Interpreted, Method, Outcome, Request};
use crate::issue::Issues;
use crate::order::Order;

/// Operation names.
pub const OPERATIONS: &[&str] = &[
    "listPublishers",
    "listBooks",
    "getBook",
    "createBook",
    "updateBook",
    "deleteBook",
    "listStocks",
    "listOrders",
    "getOrder",
    "createOrder",
    "listShippingMethods",
];

/// Book statuses of the list filter (`nonweb`) and of writes (`non_web`); both are read.
pub const BOOK_STATUSES: &[&str] = &[
    "available",
    "shortage",
    "out_of_stock",
    "planned",
    "non_web",
    "discontinued",
    "blocked",
    "reprint",
    "new_edition",
    "available_without_vlb",
    "pending",
];

/// A secret value (VLB credentials): `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The secret itself, for the one caller that asked for it by name.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The secret fields of a publisher.
pub const PUBLISHER_SECRETS: &[&str] = &["vlb_pass", "vlb_token", "vlb_media_token"];

/// A publisher (`GET /publishers`); its VLB credentials are [`Secret`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    /// Publisher id (`publisher_id` elsewhere).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Short name.
    pub short: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// VLB user name.
    pub vlb_user: Option<String>,
    /// VLB password.
    pub vlb_pass: Option<Secret>,
    /// VLB token.
    pub vlb_token: Option<Secret>,
    /// VLB media token.
    pub vlb_media_token: Option<Secret>,
}

impl Publisher {
    /// Reads one publisher object.
    pub fn from_value(v: &Value) -> Option<Publisher> {
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        Some(Publisher {
            id: v.get("id")?.as_i64()?,
            name: text("name").unwrap_or_default(),
            short: text("short"),
            email: text("email"),
            vlb_user: text("vlb_user"),
            vlb_pass: text("vlb_pass").map(Secret),
            vlb_token: text("vlb_token").map(Secret),
            vlb_media_token: text("vlb_media_token").map(Secret),
        })
    }
}

/// Replaces the publishers' secrets in API data by `"[redacted]"`, except those named in
/// `reveal` (e.g. `["vlb_token"]`).
pub fn redact_secrets(data: &mut Value, reveal: &[String]) {
    match data {
        Value::Array(items) => items.iter_mut().for_each(|i| redact_secrets(i, reveal)),
        Value::Object(map) => {
            for key in PUBLISHER_SECRETS {
                if reveal.iter().any(|r| r == key) {
                    continue;
                }
                if let Some(v) = map.get_mut(*key) {
                    if !v.is_null() {
                        *v = Value::String("[redacted]".into());
                    }
                }
            }
            if let Some(inner) = map.get_mut("data") {
                redact_secrets(inner, reveal);
            }
        }
        _ => {}
    }
}

fn auth(config: &Config, issues: &mut Issues) -> Option<(String, String)> {
    let base = match &config.base_url {
        Some(u) => Some(u.clone()),
        None => {
            issues.error(
                "config.baseUrl",
                "missing_base_url",
                "Westarp's document names no base URL: set it here (with any version prefix)",
                "Westarps Dokumentation nennt keine Basis-URL: bitte hier angeben (mit Versionspräfix)",
            );
            None
        }
    };
    let token = match &config.token {
        Some(t) => Some(format!("Bearer {t}")),
        None => {
            issues.error(
                "config.token",
                "missing_credentials",
                "required by Westarp: an API key from app.booxboo.de (Einstellungen → API Schlüssel)",
                "Pflicht bei Westarp: ein API-Schlüssel aus app.booxboo.de (Einstellungen → API Schlüssel)",
            );
            None
        }
    };
    Some((base?, token?))
}

fn build(
    config: &Config,
    method: Method,
    path: &str,
    query: &[(&str, String)],
    body: Option<String>,
    issues: &mut Issues,
) -> Option<Request> {
    let (base, token) = auth(config, issues)?;
    let mut url = format!("{base}{path}");
    for (i, (k, v)) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(k);
        url.push('=');
        url.push_str(&encode_query(v));
    }
    let mut headers = vec![
        ("Authorization".to_owned(), token),
        ("Accept".to_owned(), "application/json".to_owned()),
    ];
    if body.is_some() {
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    }
    Some(Request {
        method,
        url,
        headers,
        body,
    })
}

/// The filters of a list operation present in `input`, in a stable order, plus `page`.
fn filters(input: &Value, keys: &[&str], issues: &mut Issues) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for key in keys {
        let Some(v) = input.get(*key).filter(|v| !v.is_null()) else {
            continue;
        };
        let text = match v {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            _ => {
                issues.error(
                    format!("input.{key}"),
                    "invalid_type",
                    "must be a text or a number",
                    "muss Text oder Zahl sein",
                );
                continue;
            }
        };
        let key: &'static str = match *key {
            "publisherId" | "publisher_id" => "publisher_id",
            "bookId" | "book_id" => "book_id",
            "storageId" | "storage_id" => "storage_id",
            "status" => "status",
            "author" => "author",
            "isbn" => "isbn",
            "term" => "term",
            "place" => "place",
            _ => "page",
        };
        let text = if key == "status" && text == "non_web" {
            "nonweb".to_owned()
        } else {
            text
        };
        out.push((key, text));
    }
    out
}

/// The record's `id` of an input `{ id }`: a text such as "78.154", or a whole number.
fn id_of(input: &Value, issues: &mut Issues) -> Option<String> {
    let id = match input.get("id") {
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        Some(Value::Number(n)) if n.is_u64() => Some(n.to_string()),
        _ => None,
    }
    .filter(|s| !s.is_empty() && !s.contains(['/', '?', '#']));
    if id.is_none() {
        issues.error(
            "input.id",
            "missing_field",
            "required: the record's id (a text such as \"78.154\")",
            "Pflicht: die ID des Datensatzes (Text wie \"78.154\")",
        );
    }
    id
}

/// Checks a book body for create (`required`) or update: required fields, status, ISBNs.
fn book_body(input: &Value, create: bool, issues: &mut Issues) -> Option<String> {
    let mut book: Map<String, Value> = match input.get("book").unwrap_or(input) {
        Value::Object(m) => m.clone(),
        _ => {
            issues.error(
                "input",
                "invalid_type",
                "a book must be an object",
                "ein Buch muss ein Objekt sein",
            );
            return None;
        }
    };
    book.remove("id");
    if create {
        for key in ["publisher_id", "title", "status"] {
            if book
                .get(key)
                .is_none_or(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()))
            {
                issues.error(
                    format!("input.{key}"),
                    "missing_field",
                    "required to create a book",
                    "zum Anlegen eines Buches Pflicht",
                );
            }
        }
    }
    if let Some(Value::String(s)) = book.get("status") {
        let s = if s == "nonweb" {
            "non_web".to_owned()
        } else {
            s.clone()
        };
        if BOOK_STATUSES.contains(&s.as_str()) {
            book.insert("status".into(), Value::String(s));
        } else {
            issues.error(
                "input.status",
                "invalid_value",
                format!(
                    "book status {s:?} is not one of {}",
                    BOOK_STATUSES.join(", ")
                ),
                format!("Buchstatus {s:?} ist nicht erlaubt"),
            );
        }
    }
    for key in ["isbn10", "isbn13"] {
        if let Some(Value::String(s)) = book.get(key) {
            if let Err(e) = Isbn::parse(s) {
                issues.error(
                    format!("input.{key}"),
                    "invalid_isbn",
                    e.to_string(),
                    "keine gültige ISBN".to_owned(),
                );
            }
        }
    }
    (!issues.has_errors()).then(|| Value::Object(book).to_string())
}

/// `GET {resource}/{id}` for `input.id`.
fn get_by_id(
    config: &Config,
    resource: &str,
    input: &Value,
    issues: &mut Issues,
) -> Option<Request> {
    let id = id_of(input, issues)?;
    build(
        config,
        Method::Get,
        &format!("{resource}/{}", encode_query(&id)),
        &[],
        None,
        issues,
    )
}

/// Builds the request of `operation`; `input` is JSON text (an order, a book, filters, `{ id }`).
pub fn request(
    operation: &str,
    input: &str,
    config: &Config,
    options: &Options,
    issues: &mut Issues,
) -> Option<Request> {
    let v = || serde_json::from_str::<Value>(input).unwrap_or(Value::Null);
    match operation {
        "listPublishers" => build(config, Method::Get, "/publishers", &[], None, issues),
        "listBooks" => {
            let q = filters(
                &v(),
                &[
                    "publisherId",
                    "publisher_id",
                    "status",
                    "author",
                    "isbn",
                    "term",
                    "page",
                ],
                issues,
            );
            build(config, Method::Get, "/books", &q, None, issues)
        }
        "getBook" => get_by_id(config, "/books", &v(), issues),
        "createBook" => {
            let body = book_body(&v(), true, issues);
            build(config, Method::Post, "/books", &[], body, issues)
                .filter(|_| !issues.has_errors())
        }
        "updateBook" => {
            let input = v();
            let id = id_of(&input, issues)?;
            let body = book_body(&input, false, issues);
            build(
                config,
                Method::Put,
                &format!("/books/{}", encode_query(&id)),
                &[],
                body,
                issues,
            )
            .filter(|_| !issues.has_errors())
        }
        "deleteBook" => {
            let input = v();
            let id = id_of(&input, issues)?;
            let confirmed =
                input.get("confirmDeletion").and_then(Value::as_str) == Some(id.as_str());
            if !confirmed {
                issues.error(
                    "input.confirmDeletion",
                    "confirmation_required",
                    format!("deleting a book cancels every order of the title at once and delists it from shops, Amazon and wholesalers: to do it, repeat its id here: {id:?}"),
                    format!("Das Löschen eines Buches storniert sofort alle Bestellungen des Titels und nimmt ihn aus Shops, Amazon und den Barsortimenten: dazu hier die ID wiederholen: {id:?}"),
                );
                return None;
            }
            build(
                config,
                Method::Delete,
                &format!("/books/{}", encode_query(&id)),
                &[],
                None,
                issues,
            )
        }
        "listStocks" => {
            let q = filters(
                &v(),
                &[
                    "storageId",
                    "storage_id",
                    "bookId",
                    "book_id",
                    "place",
                    "page",
                ],
                issues,
            );
            build(config, Method::Get, "/stocks", &q, None, issues)
        }
        "listOrders" => {
            let q = filters(
                &v(),
                &[
                    "status",
                    "bookId",
                    "book_id",
                    "publisherId",
                    "publisher_id",
                    "page",
                ],
                issues,
            );
            build(config, Method::Get, "/orders", &q, None, issues)
        }
        "getOrder" => get_by_id(config, "/orders", &v(), issues),
        "createOrder" => {
            let (order, order_issues) = Order::parse_json(input);
            let built = build_order(&order, order_issues, options);
            issues.extend(built.issues);
            let body = built.payload.and_then(|p| serde_json::to_string(&p).ok());
            build(config, Method::Post, "/orders", &[], body, issues)
                .filter(|_| !issues.has_errors())
        }
        "listShippingMethods" => build(config, Method::Get, "/shipping-methods", &[], None, issues),
        other => {
            issues.unknown_operation("Westarp", other, OPERATIONS);
            None
        }
    }
}

/// Paging of a list answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageInfo {
    /// This page (1-based).
    pub current_page: u64,
    /// The last page.
    pub last_page: u64,
}

/// Reads `current_page` / `last_page` (top level, or under `meta` for stocks).
pub fn page_info(body: &Value) -> Option<PageInfo> {
    let src = if body.get("current_page").is_some() {
        body
    } else {
        body.get("meta")?
    };
    Some(PageInfo {
        current_page: src.get("current_page")?.as_u64()?,
        last_page: src.get("last_page")?.as_u64()?,
    })
}

/// The input of the next page of a list, or `None` on the last page: the sans-IO iterator.
/// Call `request(op, next)` and repeat until `None`.
pub fn next_page_input(input: &Value, body: &Value) -> Option<Value> {
    let info = page_info(body)?;
    if info.current_page >= info.last_page {
        return None;
    }
    let mut next = match input {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    next.insert("page".into(), Value::from(info.current_page + 1));
    Some(Value::Object(next))
}

/// What a Westarp answer means: 2xx accepted (list data unwrapped; a created order split over
/// several publishers gives all of them), 401 auth failed, 422 rejected with the field
/// messages on their paths, 429/5xx retry. Publisher secrets are redacted unless named in
/// `reveal`.
pub fn interpret(operation: &str, status: u16, body: &str, reveal: &[String]) -> Interpreted {
    let mut issues = Issues::new();
    let outcome = http::outcome_for_status(status);
    let mut data = http::body_data(body);
    if operation == "listPublishers" {
        if let Some(d) = data.as_mut() {
            redact_secrets(d, reveal);
        }
    }
    match outcome {
        Outcome::Accepted => {
            if operation == "createOrder" {
                // The API answers with a `data` array: one order per publisher.
                data = data.map(|d| match d.get("data") {
                    Some(Value::Array(list)) => Value::Array(list.clone()),
                    Some(one) => Value::Array(vec![one.clone()]),
                    None => d,
                });
            }
        }
        Outcome::AuthFailed => issues.error("config.token", "auth_failed", format!("Westarp refused the token ({status}): create a new API key in app.booxboo.de"), format!("Westarp hat den Token abgelehnt ({status}): neuen API-Schlüssel in app.booxboo.de erzeugen")),
        Outcome::Rejected => {
            let msgs = http::upstream_messages(body);
            if msgs.is_empty() {
                issues.error("", "upstream_rejected", format!("Westarp rejected the request ({status})"), format!("Westarp hat die Anfrage abgelehnt ({status})"));
            }
            let field_level = msgs.iter().any(|(p, _)| !p.is_empty());
            for (path, msg) in msgs {
                if field_level && path.is_empty() {
                    continue; // Laravel's summary line repeats the first field message.
                }
                issues.error(path, "upstream_validation", format!("Westarp: {msg}"), format!("Westarp: {msg}"));
            }
        }
        Outcome::Retry => issues.warning("", "retry_later", format!("Westarp is not available ({status}): send the same request again later"), format!("Westarp ist nicht erreichbar ({status}): dieselbe Anfrage später erneut senden")),
    }
    Interpreted {
        outcome,
        issues,
        data,
    }
}

/// `request("westarp", operation, input, config)` (the registry's entry).
pub fn dispatch(
    operation: &str,
    input: &str,
    config: &Value,
    _catalogue: Option<&crate::catalogue::Catalogue>,
    _now: i64,
    issues: &mut Issues,
) -> Option<Request> {
    let cfg = Config::from_value(
        config,
        &["type", "paymentMethodIds", "revealSecrets"],
        issues,
    );
    let options = Options::from_value(config, issues);
    request(operation, input, &cfg, &options, issues)
}

/// `interpretResponse("westarp", …)` (the registry's entry): no VLB secret revealed.
pub fn read(operation: &str, status: u16, body: &str, _now: i64) -> Interpreted {
    interpret(operation, status, body, &[])
}

/// In the answer of `listOrders` (`{ data: [{ id, content: { code, … } }] }`, the record
/// itself also read), the id of the order whose `code` is the payload's.
pub fn find_sent(payload: &Value, list: &Value) -> Option<String> {
    let code = payload.get("code").and_then(Value::as_str)?;
    list.get("data")?.as_array()?.iter().find_map(|e| {
        let c = e.get("content").unwrap_or(e).get("code")?.as_str()?;
        (c == code).then(|| match e.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        })
    })
}
