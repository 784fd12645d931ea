//! Requests of the kivitendo REST API, sans-IO, what its responses mean, and the slides'
//! sync flow (customer by e-mail → create if missing → order by number → create if missing).
//!
//! Routes (from the API's source): `/api/v1/{customers,orders,products,categories,tax_zones,
//! currencies}`, XML by default or JSON with a `.json` suffix; HTTP Basic. Look-ups:
//! `GET /customers?email=` (exact), `GET /orders?order_number=` (`?quote_number=` for
//! quotations), `?created_at_gte=` on both, `GET /customers/{id}` and the like.
//!
//! What the real plugin (0.5.0, commit 8ee263b, on kivitendo 3.9.2 and 4.0.0) answers, read
//! from its code and checked by `tests/kivitendo-real/`:
//! - XML bodies come with `Content-Type: application/json` (rabl's default format): kontor
//!   reads a body by its first character, never by the header.
//! - Creates and updates answer `200` with `<id>` and an `<errors>` node (empty on success).
//! - `GET /customers/{id}` of an unknown id answers `200` with an empty `<nil-classes
//!   type="array"/>`, not 404 (orders and products answer Rails' 404).
//! - Every failure of the database (a NOT NULL or foreign key, an unknown attribute, a unit
//!   the client lacks) is a bare `500` (`<hash><status>500</status><error>Internal Server
//!   Error</error></hash>`), the same as an outage: kontor checks what it can before sending,
//!   and the sync flow ends a create that fails twice in a row as `rejected`.
//! - Updating a customer never changes an existing contact or shipping address: the plugin
//!   assigns the new values to a copy it does not save. A customer without one gets it.

use serde::Serialize;
use serde_json::Value;

use super::record::{Format, Record};
use super::{build_category, build_customer, build_order, build_product, xml, Options};
use crate::http::{self, encode_query, Config, Interpreted, Method, Outcome, Request};
use crate::issue::{Built, Issues};
use crate::order::Order;

/// The API root for a configuration: `baseUrl` (the installation), with `/api/v1` added
/// unless it is already there.
fn api_root(config: &Config, issues: &mut Issues) -> Option<String> {
    match &config.base_url {
        Some(u) if u.ends_with("/api/v1") => Some(u.clone()),
        Some(u) => Some(format!("{u}/api/v1")),
        None => {
            issues.error(
                "config.baseUrl",
                "missing_base_url",
                "required: your kivitendo's address (https://erp.example.com)",
                "Pflicht: die Adresse Ihres kivitendo (https://erp.example.com)",
            );
            None
        }
    }
}

fn auth(config: &Config, issues: &mut Issues) -> Option<String> {
    match (&config.username, &config.password) {
        (Some(u), Some(p)) => Some(http::basic_auth(u, p)),
        _ => {
            issues.error(
                "config.username",
                "missing_credentials",
                "kivitendo's API needs a user name here and config.password (HTTP Basic)",
                "kivitendos API braucht hier einen Benutzernamen und config.password (HTTP Basic)",
            );
            None
        }
    }
}

/// Builds a request for `resource` (`customers`, `orders/12`, …) with an optional query and body.
fn build(
    config: &Config,
    format: Format,
    method: Method,
    resource: &str,
    query: Option<(&str, &str)>,
    body: Option<String>,
    issues: &mut Issues,
) -> Option<Request> {
    let root = api_root(config, issues);
    let authorization = auth(config, issues);
    let (suffix, mime) = match format {
        Format::Xml => ("", "application/xml"),
        Format::Json => (".json", "application/json"),
    };
    let mut url = format!("{}/{resource}{suffix}", root?);
    if let Some((k, v)) = query {
        url.push('?');
        url.push_str(k);
        url.push('=');
        url.push_str(&encode_query(v));
    }
    let mut headers = vec![
        ("Authorization".to_owned(), authorization?),
        ("Accept".to_owned(), mime.to_owned()),
    ];
    if body.is_some() {
        headers.push(("Content-Type".to_owned(), format!("{mime}; charset=utf-8")));
    }
    Some(Request {
        method,
        url,
        headers,
        body,
    })
}

/// `HH:MM`, 00:00 to 23:59.
fn is_hh_mm(t: &str) -> bool {
    match t.split_once(':') {
        Some((h, m)) if h.len() == 2 && m.len() == 2 => {
            matches!(h.parse::<u8>(), Ok(0..=23)) && matches!(m.parse::<u8>(), Ok(0..=59))
        }
        _ => false,
    }
}

/// Reads the look-up input `{ key }` (`keys`: input key and query parameter) or
/// `{ createdSince }`.
fn lookup<'a>(
    input: &'a Value,
    keys: &[(&'static str, &'static str)],
    issues: &mut Issues,
) -> Option<(&'static str, &'a str)> {
    let text = |k: &str| super::text_at(input, k);
    for (key, param) in keys {
        if let Some(v) = text(key) {
            return Some((param, v));
        }
    }
    let key = keys.first().map_or("id", |k| k.0);
    if let Some(since) = text("createdSince") {
        let ok = crate::order::time::Timestamp::parse_rfc3339(since).is_some()
            || crate::order::time::parse_date(since).is_some()
            || since
                .split_once(' ')
                .is_some_and(|(d, t)| crate::order::time::parse_date(d).is_some() && is_hh_mm(t));
        if !ok {
            issues.error(
                "input.createdSince",
                "invalid_datetime",
                format!("{since:?} is no time; use 2024-04-04, 2024-04-04 09:00 or an RFC 3339 time"),
                format!("{since:?} ist keine Zeitangabe; bitte 2024-04-04, 2024-04-04 09:00 oder eine RFC-3339-Zeit angeben"),
            );
            return None;
        }
        return Some(("created_at_gte", since));
    }
    issues.error(
        "input",
        "missing_field",
        format!("give {{ {key} }} or {{ createdSince }} to look up"),
        format!("zum Suchen {{ {key} }} oder {{ createdSince }} angeben"),
    );
    None
}

/// A built document or its issues, rendered in the installation's format.
fn document(built: Built<Record>, format: Format, issues: &mut Issues) -> Option<String> {
    issues.extend(built.issues);
    built.payload.map(|r| r.render(format))
}

/// The order of an operation's input (JSON text).
fn parse_order(input: &str, issues: &mut Issues) -> Option<Order> {
    let (order, order_issues) = Order::parse_json(input);
    let malformed = order_issues.iter().any(|i| i.code == "malformed_json");
    issues.extend(order_issues);
    (!malformed).then_some(order)
}

/// Operation names.
pub const OPERATIONS: &[&str] = &[
    "createCustomer",
    "updateCustomer",
    "findCustomers",
    "createOrder",
    "findOrders",
    "createProduct",
    "createCategory",
    "listTaxZones",
    "listCurrencies",
];

/// Builds the request of `operation`; `input` is JSON text (an order, a product, `{ email }`…).
pub fn request(
    operation: &str,
    input: &str,
    config: &Config,
    options: &Options,
    issues: &mut Issues,
) -> Option<Request> {
    let f = options.format;
    let value = || serde_json::from_str::<Value>(input).unwrap_or(Value::Null);
    match operation {
        "createCustomer" => {
            let order = parse_order(input, issues)?;
            let body = document(build_customer(&order, Issues::new(), options), f, issues);
            build(config, f, Method::Post, "customers", None, body, issues)
                .filter(|_| !issues.has_errors())
        }
        "updateCustomer" => {
            let order = parse_order(input, issues)?;
            let id = options.customer_id;
            if id.is_none() {
                issues.error(
                    "options.customerId",
                    "missing_option",
                    "required for updating",
                    "zum Ändern nötig",
                );
            }
            let built = build_customer(&order, Issues::new(), options);
            let c = &order.customer;
            if c.first_name.is_some() || c.last_name.is_some() || order.shipping_address.is_some() {
                issues.warning(
                    "",
                    "contacts_kept",
                    "the plugin keeps an existing contact and shipping address",
                    "das Plugin behält vorhandene Ansprechpartner und Lieferadressen",
                );
            }
            let body = document(built, f, issues);
            build(
                config,
                f,
                Method::Put,
                &format!("customers/{}", id?),
                None,
                body,
                issues,
            )
            .filter(|_| !issues.has_errors())
        }
        "findCustomers" => {
            let v = value();
            let q = lookup(&v, &[("email", "email")], issues)?;
            build(config, f, Method::Get, "customers", Some(q), None, issues)
        }
        "createOrder" => {
            let order = parse_order(input, issues)?;
            let body = document(build_order(&order, Issues::new(), options), f, issues);
            build(config, f, Method::Post, "orders", None, body, issues)
                .filter(|_| !issues.has_errors())
        }
        "findOrders" => {
            let v = value();
            let q = lookup(
                &v,
                &[
                    ("orderNumber", "order_number"),
                    ("quoteNumber", "quote_number"),
                ],
                issues,
            )?;
            build(config, f, Method::Get, "orders", Some(q), None, issues)
        }
        "createProduct" => {
            let body = document(build_product(&value(), options), f, issues);
            build(config, f, Method::Post, "products", None, body, issues)
                .filter(|_| !issues.has_errors())
        }
        "createCategory" => {
            let body = document(build_category(&value(), options), f, issues);
            build(config, f, Method::Post, "categories", None, body, issues)
                .filter(|_| !issues.has_errors())
        }
        "listTaxZones" => build(config, f, Method::Get, "tax_zones", None, None, issues),
        "listCurrencies" => build(config, f, Method::Get, "currencies", None, None, issues),
        other => {
            issues.unknown_operation("kivitendo", other, OPERATIONS);
            None
        }
    }
}

/// A response body as JSON: XML (Rails' `to_xml`) or JSON, whichever it is.
pub fn body_json(body: &str) -> Result<Value, xml::XmlError> {
    let trimmed = body.trim_start();
    if trimmed.is_empty() {
        return Ok(Value::Null);
    }
    if trimmed.starts_with('<') {
        let (root, v) = xml::to_json(body)?;
        let mut m = serde_json::Map::new();
        m.insert(root, v);
        Ok(Value::Object(m))
    } else {
        serde_json::from_str(body).map_err(|e| xml::XmlError {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }
}

/// Unwraps the API's envelopes to plain records: `{customer: {…}}` → `{…}`,
/// `{customers: [...]}` / `[{customer: {…}}]` → `[{…}]`.
pub fn records(v: &Value) -> Value {
    match v {
        Value::Object(m) if m.len() == 1 => match m.values().next() {
            Some(inner @ Value::Array(_)) => records(inner),
            Some(inner @ Value::Object(_)) => inner.clone(),
            Some(other) => other.clone(),
            None => Value::Null,
        },
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| match i {
                    Value::Object(m) if m.len() == 1 && m.values().all(Value::is_object) => {
                        m.values().next().cloned().unwrap_or(Value::Null)
                    }
                    other => other.clone(),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The messages of an `errors` node: `""`, `[]` and absent mean none.
fn error_messages(record: &Value) -> Vec<String> {
    match record.get("errors") {
        Some(Value::String(s)) => s
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned))
            .collect(),
        Some(Value::Object(o)) => o
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}: {}",
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What a kivitendo response means.
pub fn interpret(operation: &str, status: u16, body: &str) -> Interpreted {
    let mut issues = Issues::new();
    let parsed = body_json(body);
    let data = match &parsed {
        Ok(Value::Null) => None,
        Ok(v) => Some(records(v)),
        Err(_) => http::body_data(body),
    };
    let mut outcome = http::outcome_for_status(status);
    // `GET /customers/{id}` of an unknown id: 200 with an empty `nil-classes` array.
    let empty_show = matches!(&parsed, Ok(Value::Object(m)) if m.contains_key("nil_classes"));
    if outcome == Outcome::Accepted && empty_show {
        outcome = Outcome::Rejected;
        issues.error(
            "",
            "not_found",
            "kivitendo has no such record",
            "kivitendo kennt diesen Datensatz nicht",
        );
    }
    match outcome {
        Outcome::Accepted => {
            if let Err(e) = &parsed {
                issues.warning("", "malformed_response", format!("kivitendo answered {status}, but the body is not readable: {e}"), format!("kivitendo hat {status} geantwortet, aber die Antwort ist nicht lesbar: {e}"));
            }
            let msgs = data.as_ref().map(error_messages).unwrap_or_default();
            if !msgs.is_empty() {
                outcome = Outcome::Rejected;
                for m in msgs {
                    issues.error("", "upstream_validation", format!("kivitendo ({operation}): {m}"), format!("kivitendo ({operation}): {m}"));
                }
            }
        }
        Outcome::AuthFailed => issues.error(
            "config.username",
            "auth_failed",
            format!("kivitendo refused the credentials ({status}): check username and password of the REST API"),
            format!("kivitendo hat die Zugangsdaten abgelehnt ({status}): Nutzername und Passwort der REST-API prüfen"),
        ),
        Outcome::Rejected | Outcome::Retry if !(200..300).contains(&status) => {
            let rails = parsed.as_ref().ok().and_then(|v| {
                let h = v.get("hash").unwrap_or(v);
                h.get("error").and_then(Value::as_str).map(str::to_owned)
            });
            let detail = rails.unwrap_or_else(|| crate::text::truncate(body.trim(), 300));
            let (code, en, de) = match (outcome, status) {
                (Outcome::Retry, 500) => (
                    "retry_later",
                    format!("kivitendo failed ({status} {detail}): an outage, or a database rule; sent again later"),
                    format!("kivitendo ist fehlgeschlagen ({status} {detail}): ein Ausfall oder eine Datenbankregel; später erneut gesendet"),
                ),
                (Outcome::Retry, _) => ("retry_later", format!("kivitendo is not available ({status} {detail}): send again later"), format!("kivitendo ist nicht erreichbar ({status} {detail}): später erneut senden")),
                (_, 404) => ("not_found", format!("kivitendo has no such record (404 {detail})"), format!("kivitendo kennt diesen Datensatz nicht (404 {detail})")),
                _ => ("upstream_rejected", format!("kivitendo rejected the request ({status} {detail})"), format!("kivitendo hat die Anfrage abgelehnt ({status} {detail})")),
            };
            if outcome == Outcome::Retry {
                issues.warning("", code, en, de);
            } else {
                issues.error("", code, en, de);
            }
        }
        // A 200 refused above (an empty show) has its issue already.
        Outcome::Rejected | Outcome::Retry => {}
    }
    Interpreted {
        outcome,
        issues,
        data,
    }
}

/// Where the sync flow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SyncStep {
    /// `GET /customers?email=`.
    FindCustomer,
    /// `POST /customers`.
    CreateCustomer,
    /// `GET /orders?order_number=`.
    FindOrder,
    /// `POST /orders`.
    CreateOrder,
    /// Finished.
    Done,
}

/// The sync flow's state: plain data, so a worker can keep it between steps (KV, queue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncState {
    /// The step whose request is (or was last) out.
    pub step: SyncStep,
    /// kivitendo's customer id, once known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<i64>,
    /// kivitendo's order id, once known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<i64>,
    /// True when this run created the customer.
    pub created_customer: bool,
    /// True when this run created the order.
    pub created_order: bool,
    /// The last create answered a bare 500 (kept across attempts): a second one ends the flow.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub server_error: bool,
}

/// The words of a create that failed twice in a row with a bare 500.
const REFUSED_EN: &str = "kivitendo failed this create twice (500): an id it lacks, or a version kontor does not support (kivitendo 3.9.2 and 4.0.0 with the REST plugin 0.5.0 are; 4.1 is not). Not sent again";
const REFUSED_DE: &str = "kivitendo scheiterte zweimal an diesem Anlegen (500): eine fehlende ID oder eine nicht unterstützte Version (kivitendo 3.9.2 und 4.0.0 mit REST-Plugin 0.5.0; nicht 4.1). Nicht erneut gesendet";

impl SyncState {
    /// Reads a state written by `Serialize` (by hand: serde's derive would pull float
    /// formatting into the Wasm module); `None` when it is not one.
    pub fn from_value(v: &Value) -> Option<SyncState> {
        let step = match v.get("step")?.as_str()? {
            "findCustomer" => SyncStep::FindCustomer,
            "createCustomer" => SyncStep::CreateCustomer,
            "findOrder" => SyncStep::FindOrder,
            "createOrder" => SyncStep::CreateOrder,
            "done" => SyncStep::Done,
            _ => return None,
        };
        let flag = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        Some(SyncState {
            step,
            customer_id: v.get("customerId").and_then(Value::as_i64),
            order_id: v.get("orderId").and_then(Value::as_i64),
            created_customer: flag("createdCustomer"),
            created_order: flag("createdOrder"),
            server_error: flag("serverError"),
        })
    }
}

/// One step of the sync flow: the next request (if any), the new state and what happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncAdvance {
    /// The request to perform next; absent when done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<Request>,
    /// Pass this back with the response to the request.
    pub state: SyncState,
    /// True when the flow has ended (successfully or not).
    pub done: bool,
    /// The last response's outcome (absent before the first response).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// Every issue.
    pub issues: Issues,
}

fn first_id(data: Option<&Value>) -> Option<i64> {
    let v = data?;
    let rec = match v {
        Value::Array(a) => a.first()?,
        other => other,
    };
    match rec.get("id")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Advances the sync flow of the slides for one order (JSON text). Call it first with no state
/// and no response; then, after performing each returned request, with the returned state and
/// the response's status and body. Running it again for an order that was synced finds the
/// customer and the order and creates nothing.
pub fn sync_step(
    input: &str,
    config: &Config,
    options: &Options,
    state: Option<SyncState>,
    response: Option<(u16, &str)>,
) -> SyncAdvance {
    let mut issues = Issues::new();
    let done = |state: SyncState, outcome: Option<Outcome>, issues: Issues| SyncAdvance {
        request: None,
        state: SyncState {
            step: SyncStep::Done,
            ..state
        },
        done: true,
        outcome,
        issues,
    };
    let Some(order) = parse_order(input, &mut issues) else {
        let st = state.unwrap_or(SyncState {
            step: SyncStep::Done,
            customer_id: None,
            order_id: None,
            created_customer: false,
            created_order: false,
            server_error: false,
        });
        return done(st, None, issues);
    };
    let email = order
        .customer
        .email
        .clone()
        .or_else(|| order.billing_address.email.clone());
    let mut opts = options.clone();
    let request_for = |step: SyncStep,
                       st: &SyncState,
                       opts: &mut Options,
                       issues: &mut Issues|
     -> Option<Request> {
        match step {
            SyncStep::FindCustomer => {
                let q = serde_json::json!({ "email": email }).to_string();
                request("findCustomers", &q, config, opts, issues)
            }
            SyncStep::CreateCustomer => request("createCustomer", input, config, opts, issues),
            SyncStep::FindOrder => {
                let key = if super::is_quotation(&opts.record_type) {
                    "quoteNumber"
                } else {
                    "orderNumber"
                };
                let q = serde_json::json!({ key: order.number }).to_string();
                request("findOrders", &q, config, opts, issues)
            }
            SyncStep::CreateOrder => {
                opts.customer_id = st.customer_id;
                request("createOrder", input, config, opts, issues)
            }
            SyncStep::Done => None,
        }
    };

    let Some(mut st) = state else {
        // First call: check everything the flow will need before anything is sent.
        if email.is_none() {
            issues.error(
                "customer.email",
                "missing_field",
                "required: the sync finds customers by e-mail",
                "Pflicht: der Abgleich sucht Kunden per E-Mail",
            );
        }
        if !options.shop_order_number {
            issues.error(
                "options.orderNumber",
                "invalid_value",
                "the sync finds orders by the shop's order number: must be \"shop\"",
                "der Abgleich sucht Bestellungen über die Shop-Bestellnummer: muss \"shop\" sein",
            );
        }
        let mut check = options.clone();
        check.customer_id = Some(check.customer_id.unwrap_or(1));
        issues.extend(build_customer(&order, Issues::new(), options).issues);
        let order_check = build_order(&order, Issues::new(), &check).issues;
        // The order's own issues are already in the customer check; add only the order rules.
        issues.extend(Issues::from_vec(
            order_check
                .into_vec()
                .into_iter()
                .filter(|i| {
                    i.path.starts_with("options")
                        || i.code == "missing_product_id"
                        || i.code == "unknown_unit"
                        || i.path == "shipping.taxRate"
                })
                .collect(),
        ));
        dedup(&mut issues);
        let st = SyncState {
            step: SyncStep::FindCustomer,
            customer_id: None,
            order_id: None,
            created_customer: false,
            created_order: false,
            server_error: false,
        };
        if issues.has_errors() {
            return done(st, None, issues);
        }
        let req = request_for(SyncStep::FindCustomer, &st, &mut opts, &mut issues);
        return SyncAdvance {
            request: req,
            state: st,
            done: false,
            outcome: None,
            issues,
        };
    };

    let Some((status, body)) = response else {
        // Asked again without a response: repeat the pending request.
        let req = request_for(st.step, &st, &mut opts, &mut issues);
        let finished = st.step == SyncStep::Done;
        return SyncAdvance {
            request: req,
            state: st,
            done: finished,
            outcome: None,
            issues,
        };
    };
    let op = match st.step {
        SyncStep::FindCustomer => "findCustomers",
        SyncStep::CreateCustomer => "createCustomer",
        SyncStep::FindOrder => "findOrders",
        SyncStep::CreateOrder => "createOrder",
        SyncStep::Done => return done(st, None, issues),
    };
    let meaning = interpret(op, status, body);
    issues.extend(meaning.issues);
    let creating = matches!(st.step, SyncStep::CreateCustomer | SyncStep::CreateOrder);
    if creating && status == 500 && meaning.outcome == Outcome::Retry {
        if st.server_error {
            issues.error("", "refused_by_kivitendo", REFUSED_EN, REFUSED_DE);
            return done(st, Some(Outcome::Rejected), issues);
        }
        st.server_error = true;
    } else if creating && meaning.outcome == Outcome::Accepted {
        st.server_error = false;
    }
    match meaning.outcome {
        Outcome::Accepted => {}
        Outcome::Retry => {
            let req = request_for(st.step, &st, &mut opts, &mut issues);
            return SyncAdvance {
                request: req,
                state: st,
                done: false,
                outcome: Some(Outcome::Retry),
                issues,
            };
        }
        other => return done(st, Some(other), issues),
    }
    let id = first_id(meaning.data.as_ref());
    let next = match st.step {
        SyncStep::FindCustomer => match id {
            Some(id) => {
                st.customer_id = Some(id);
                SyncStep::FindOrder
            }
            None => SyncStep::CreateCustomer,
        },
        SyncStep::CreateCustomer | SyncStep::CreateOrder if id.is_none() => {
            issues.error(
                "",
                "missing_id",
                "kivitendo accepted the record but returned no id",
                "kivitendo hat den Datensatz angenommen, aber keine ID geliefert",
            );
            return done(st, Some(Outcome::Rejected), issues);
        }
        SyncStep::CreateCustomer => {
            st.customer_id = id;
            st.created_customer = true;
            SyncStep::FindOrder
        }
        SyncStep::FindOrder => match id {
            Some(id) => {
                st.order_id = Some(id);
                SyncStep::Done
            }
            None => SyncStep::CreateOrder,
        },
        SyncStep::CreateOrder => {
            st.order_id = id;
            st.created_order = true;
            SyncStep::Done
        }
        SyncStep::Done => SyncStep::Done,
    };
    st.step = next;
    if next == SyncStep::Done {
        return done(st, Some(Outcome::Accepted), issues);
    }
    let req = request_for(next, &st, &mut opts, &mut issues);
    SyncAdvance {
        request: req,
        state: st,
        done: false,
        outcome: Some(Outcome::Accepted),
        issues,
    }
}

fn dedup(issues: &mut Issues) {
    let mut kept: Vec<crate::issue::Issue> = Vec::new();
    for i in issues.clone().into_vec() {
        if !kept.iter().any(|k| k.path == i.path && k.code == i.code) {
            kept.push(i);
        }
    }
    *issues = Issues::from_vec(kept);
}

/// `request("kivitendo", operation, input, config)` (the registry's entry): the catalogue's
/// part ids fill `productIds`.
pub fn dispatch(
    operation: &str,
    input: &str,
    config: &Value,
    catalogue: Option<&crate::catalogue::Catalogue>,
    _now: i64,
    issues: &mut Issues,
) -> Option<Request> {
    let cfg = Config::from_value(config, super::OPTION_KEYS, issues);
    let mut options = Options::from_value(config, issues);
    if let Some(c) = catalogue {
        c.fill_product_ids(&mut options.product_ids);
    }
    request(operation, input, &cfg, &options, issues)
}

/// `interpretResponse("kivitendo", …)` (the registry's entry).
pub fn read(operation: &str, status: u16, body: &str, _now: i64) -> Interpreted {
    interpret(operation, status, body)
}
