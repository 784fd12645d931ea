//! Pulling orders from the platforms' own APIs (backfill and reconciliation), sans-IO: the
//! requests that list the orders changed since a time, page by page, and the reading of their
//! answers (the orders, where the next page starts, how long to wait, `auth_failed`).
//!
//! - WooCommerce REST API v3: `GET /wp-json/wc/v3/orders?modified_after=…&dates_are_gmt=true
//!   &orderby=id&order=asc&per_page=100&page=N`, the consumer key and secret as HTTP Basic
//!   (WooCommerce takes Basic over HTTPS only), `X-WP-Total` / `X-WP-TotalPages`;
//!   `modified_after` is strict (WordPress's date query), so it is sent a second early.
//! - Shopify REST Admin API: `GET /admin/api/<version>/orders.json?status=any
//!   &updated_at_min=…&limit=250`, then the `page_info` cursor of `Link: <…>; rel="next"`
//!   (with only `limit` beside it, as Shopify requires), `X-Shopify-Access-Token`; `429` with
//!   `Retry-After`, and the leaky bucket of `X-Shopify-Shop-Api-Call-Limit` (`used/size`,
//!   leaking size/20 calls a second) kept from overflowing. The REST Admin API is "legacy"
//!   since 2024-10 and new *public* apps must use GraphQL (shopify.dev changelog, 2024-10-01);
//!   kontor is a custom app of the merchant, for which the REST orders resource is
//!   supported, and its orders have exactly the shape of the `orders/*` webhooks that
//!   `fromShopOrder('shopify', …)` reads: one mapping for both ways in, so an order that came
//!   both ways is one order. GraphQL would need a second mapping of the same order (decision,
//!   to revisit when Shopify dates the REST orders resource's end).
//! - Shopware 6 Admin API: `POST /api/oauth/token` (`client_credentials`; the token lives
//!   `expires_in` seconds, taken 30 s early), then `POST /api/search/order` with criteria:
//!   changed since (`updatedAt` ≥, or never updated and `createdAt` ≥: Shopware leaves
//!   `updatedAt` null until the first update), `page`/`limit`, `total-count-mode` 1 and the
//!   associations `fromShopOrder('shopware6', …)` reads.
//!
//! Decisions:
//! - **Order of the pages**: by a key no change moves (WooCommerce's `id`, Shopware's
//!   `createdAt` then `id`; Shopify's cursor is its own). Sorted by the modification time, an
//!   order changed during the pull would jump to the end and every later order would move one
//!   place forward, so that one order of the next page slid onto the page already read and was
//!   never seen. By an immutable key, a change only adds an order that newly matches the
//!   filter (read twice at most, which the idempotency keys absorb); none is skipped.
//! - **Watermark with an overlap**: a pull starts [`OVERLAP_SECONDS`] before the watermark
//!   ([`start`]), and the watermark is the newest change time the platform itself reported
//!   among the orders read ([`Page::latest`], [`later`]), capped at the run's start
//!   ([`watermark`]): an order written at the boundary, committed late with an earlier time,
//!   or changed after the run had passed it, is read again rather than missed (clocks up to
//!   the overlap apart).
//! - **Credentials**: `auth_failed` for wrong or revoked credentials or missing rights
//!   (401/403; Shopify's 403 is a missing `read_orders` scope); Shopware's `401` on a token
//!   that was not just issued is `token_expired` (fetch a new token and repeat the page), on
//!   a fresh one `auth_failed`.
//! - **Waits**: `429` (and `503` with `Retry-After`) is `wait` for `Retry-After` seconds
//!   (2 s when absent or not a number of seconds); other 5xx, 408, 425 and network failures
//!   are `retry`.

use serde::Serialize;
use serde_json::{json, Value};

use crate::http::{self, encode_query, Method, Request};
use crate::issue::Issues;
use crate::order::time::{format_rfc3339, Timestamp};

// Its TypeScript declarations, added to the package's by wasm-bindgen (Wasm builds only).
#[cfg_attr(
    target_arch = "wasm32",
    wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)
)]
const _: &str = include_str!("pull.d.ts");

/// The platforms orders can be pulled from.
pub const PLATFORMS: &[&str] = &["woocommerce", "shopify", "shopware6"];

/// Seconds a pull starts before the stored watermark.
pub const OVERLAP_SECONDS: i64 = 600;

/// Shopify Admin API version used when none is configured.
pub const SHOPIFY_API_VERSION: &str = "2025-10";

/// The wait when a rate limit gives no usable `Retry-After`, in milliseconds.
pub const DEFAULT_WAIT_MS: u64 = 2000;

/// A platform orders are pulled from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// WooCommerce REST API v3.
    WooCommerce,
    /// Shopify Admin API (REST).
    Shopify,
    /// Shopware 6 Admin API.
    Shopware6,
}

impl Platform {
    /// The platform by its name (`woocommerce`, `shopify`, `shopware6`).
    pub fn from_name(name: &str) -> Option<Platform> {
        match name {
            "woocommerce" => Some(Platform::WooCommerce),
            "shopify" => Some(Platform::Shopify),
            "shopware6" => Some(Platform::Shopware6),
            _ => None,
        }
    }

    /// Orders per page: the most each API allows (WooCommerce 100, Shopify 250, Shopware:
    /// kontor's choice of 100, the orders carrying their associations).
    pub fn max_page_size(self) -> u32 {
        match self {
            Platform::Shopify => 250,
            _ => 100,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Platform::WooCommerce => "WooCommerce",
            Platform::Shopify => "Shopify",
            Platform::Shopware6 => "Shopware",
        }
    }
}

/// One shop's API access: `{ baseUrl, consumerKey, consumerSecret }` (WooCommerce),
/// `{ baseUrl, accessToken, apiVersion? }` (Shopify), `{ baseUrl, clientId, clientSecret }`
/// (Shopware), each with `pageSize?`. `Debug` shows no credential.
#[derive(Clone, PartialEq, Eq)]
pub struct Shop {
    /// The platform.
    pub platform: Platform,
    /// The shop's base URL (`https://…`, or `http://` to a loopback host), no trailing `/`.
    pub base_url: String,
    /// WooCommerce's consumer key, Shopware's client id (the integration's access key id).
    pub id: String,
    /// WooCommerce's consumer secret, Shopify's access token, Shopware's client secret.
    pub secret: String,
    /// Shopify's API version.
    pub api_version: String,
    /// Orders per page.
    pub page_size: u32,
}

impl std::fmt::Debug for Shop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shop")
            .field("platform", &self.platform)
            .field("base_url", &self.base_url)
            .field("page_size", &self.page_size)
            .finish_non_exhaustive()
    }
}

impl Shop {
    /// Reads a shop's access from `v` (see [`Shop`]); every missing or wrong value is an error
    /// at `config.<key>`.
    pub fn from_value(platform: &str, v: &Value, issues: &mut Issues) -> Option<Shop> {
        let Some(p) = Platform::from_name(platform) else {
            issues.error(
                "platform",
                "unknown_platform",
                format!(
                    "orders are pulled from {}, not {platform:?}",
                    PLATFORMS.join(", ")
                ),
                format!(
                    "Bestellungen werden aus {} abgerufen, nicht aus {platform:?}",
                    PLATFORMS.join(", ")
                ),
            );
            return None;
        };
        let text = |k: &str| match v.get(k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            _ => None,
        };
        let need = |k: &str, what: &str, was: &str, issues: &mut Issues| {
            let t = text(k);
            if t.is_none() {
                issues.error(
                    format!("config.{k}"),
                    "missing_credentials",
                    format!("required to read {} orders: {what}", p.label()),
                    format!("nötig, um {}-Bestellungen zu lesen: {was}", p.label()),
                );
            }
            t
        };
        let base_url = match text("baseUrl") {
            Some(u) => http::check_base_url(&u, "config.baseUrl", issues),
            None => {
                issues.error(
                    "config.baseUrl",
                    "missing_base_url",
                    "required: the shop's address (https://…)",
                    "Pflicht: die Adresse des Shops (https://…)",
                );
                None
            }
        };
        let (id, secret) = match p {
            Platform::WooCommerce => (
                need("consumerKey", "the REST API key's consumer key (WooCommerce → Settings → Advanced → REST API, read access)", "der Consumer Key des REST-API-Schlüssels (WooCommerce → Einstellungen → Erweitert → REST-API, Lesezugriff)", issues),
                need("consumerSecret", "the REST API key's consumer secret", "das Consumer Secret des REST-API-Schlüssels", issues),
            ),
            Platform::Shopify => (
                Some(String::new()),
                need("accessToken", "the Admin API access token of the shop's custom app (scope read_orders; read_all_orders for orders older than 60 days)", "das Admin-API-Zugriffstoken der eigenen App des Shops (Scope read_orders; read_all_orders für Bestellungen älter als 60 Tage)", issues),
            ),
            Platform::Shopware6 => (
                need("clientId", "the integration's access key id (Settings → System → Integrations)", "die Zugriffs-ID der Integration (Einstellungen → System → Integrationen)", issues),
                need("clientSecret", "the integration's secret access key", "der geheime Zugriffsschlüssel der Integration", issues),
            ),
        };
        let api_version = text("apiVersion").unwrap_or_else(|| SHOPIFY_API_VERSION.to_owned());
        if !api_version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            issues.error(
                "config.apiVersion",
                "invalid_value",
                "must be a Shopify API version such as 2025-10",
                "muss eine Shopify-API-Version wie 2025-10 sein",
            );
            return None;
        }
        let max = p.max_page_size();
        let page_size = match v.get("pageSize") {
            None | Some(Value::Null) => max,
            Some(n) => match n.as_u64() {
                Some(n) if (1..=u64::from(max)).contains(&n) => n as u32,
                _ => {
                    issues.error(
                        "config.pageSize",
                        "invalid_value",
                        format!("must be a whole number from 1 to {max}"),
                        format!("muss eine ganze Zahl von 1 bis {max} sein"),
                    );
                    return None;
                }
            },
        };
        Some(Shop {
            platform: p,
            base_url: base_url?,
            id: id?,
            secret: secret?,
            api_version,
            page_size,
        })
    }
}

/// Where a pull stands: `{ since, page }` (WooCommerce, Shopware: the page to read next,
/// counted from one) or `{ since, pageInfo }` (Shopify's cursor; absent on the first page).
/// The caller stores it between pages (a backfill's position in D1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    /// Orders changed at or after this instant (UTC, `…Z`).
    pub since: String,
    /// The page to read (WooCommerce, Shopware).
    pub page: u32,
    /// Shopify's `page_info` cursor of the next page.
    #[serde(rename = "pageInfo", skip_serializing_if = "Option::is_none")]
    pub page_info: Option<String>,
}

/// A time as UTC RFC 3339 with `Z`.
fn utc_z(t: &Timestamp) -> String {
    let s = format_rfc3339(&Timestamp::from_unix(t.unix_seconds()));
    match s.strip_suffix("+00:00") {
        Some(p) => format!("{p}Z"),
        None => s,
    }
}

/// Reads an instant: RFC 3339, or WooCommerce's `…_gmt` form without a zone (UTC).
fn instant(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    Timestamp::parse_rfc3339(s).or_else(|| {
        (s.len() >= 19 && !s[10..].contains(['Z', 'z', '+']) && s.get(19..).is_some())
            .then(|| Timestamp::parse_rfc3339(&format!("{s}Z")))
            .flatten()
    })
}

/// Whether a cursor is safe to put back into a URL as it is (Shopify's are base64url-like).
fn cursor_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 2048
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'%'))
}

impl Position {
    /// Reads a stored position; errors at `position.*`.
    pub fn from_value(v: &Value, issues: &mut Issues) -> Option<Position> {
        let since = v.get("since").and_then(Value::as_str).and_then(instant);
        if since.is_none() {
            issues.error(
                "position.since",
                "invalid_value",
                "must be an RFC 3339 time (2026-01-01T00:00:00Z)",
                "muss eine RFC-3339-Zeit sein (2026-01-01T00:00:00Z)",
            );
        }
        let page = match v.get("page") {
            None | Some(Value::Null) => Some(1),
            Some(n) => n.as_u64().filter(|n| (1..=1_000_000).contains(n)),
        };
        if page.is_none() {
            issues.error(
                "position.page",
                "invalid_value",
                "must be a page number from 1",
                "muss eine Seitennummer ab 1 sein",
            );
        }
        let page_info = match v.get("pageInfo") {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) if cursor_ok(s) => Some(Some(s.clone())),
            Some(_) => None,
        };
        if page_info.is_none() {
            issues.error(
                "position.pageInfo",
                "invalid_value",
                "is not a cursor Shopify gave",
                "ist kein Cursor, den Shopify geliefert hat",
            );
        }
        Some(Position {
            since: utc_z(&since?),
            page: page? as u32,
            page_info: page_info?,
        })
    }
}

/// The first position of a pull of the orders changed since `watermark` (RFC 3339 or a date
/// `YYYY-MM-DD`, midnight UTC), starting `overlap_seconds` earlier; `None` when it is no time.
pub fn start(watermark: &str, overlap_seconds: i64) -> Option<Position> {
    let w = watermark.trim();
    let t = instant(w).or_else(|| {
        (w.len() == 10)
            .then(|| Timestamp::parse_rfc3339(&format!("{w}T00:00:00Z")))
            .flatten()
    })?;
    let since = t.unix_seconds().saturating_sub(overlap_seconds.max(0));
    Some(Position {
        since: utc_z(&Timestamp::from_unix(since)),
        page: 1,
        page_info: None,
    })
}

/// The later of two change times (the new watermark after a page), as UTC `…Z`; unreadable
/// ones are ignored.
pub fn later(a: Option<&str>, b: Option<&str>) -> Option<String> {
    let a = a.and_then(instant);
    let b = b.and_then(instant);
    match (a, b) {
        (Some(x), Some(y)) if y.unix_seconds() > x.unix_seconds() => Some(utc_z(&y)),
        (Some(x), _) => Some(utc_z(&x)),
        (None, Some(y)) => Some(utc_z(&y)),
        (None, None) => None,
    }
}

/// The watermark a finished run leaves: the newest change time it read (`latest`), but never
/// later than the run's start (`started`, the caller's clock): an order changed while the run
/// read later pages (so with an earlier time than the newest read, but after the run passed
/// it) is read again by the next run, as long as the clocks are within the overlap apart.
pub fn watermark(latest: Option<&str>, started: &str) -> Option<String> {
    let l = instant(latest?)?;
    Some(match instant(started) {
        Some(s) if s.unix_seconds() < l.unix_seconds() => utc_z(&s),
        _ => utc_z(&l),
    })
}

/// Milliseconds left when `done` of `total` took `elapsed_ms` at the same rate; `None`
/// before anything was done or without a total.
pub fn estimate_ms(done: u64, total: Option<u64>, elapsed_ms: u64) -> Option<u64> {
    let total = total?;
    if done == 0 {
        return None;
    }
    let left = total.saturating_sub(done);
    Some(
        (u128::from(elapsed_ms) * u128::from(left) / u128::from(done)).min(u128::from(u64::MAX))
            as u64,
    )
}

fn json_headers(mut h: Vec<(String, String)>) -> Vec<(String, String)> {
    h.push(("Accept".into(), "application/json".into()));
    h
}

/// Shopware's token request: `POST /api/oauth/token` with the client credentials.
pub fn token_request(shop: &Shop) -> Request {
    Request {
        method: Method::Post,
        url: format!("{}/api/oauth/token", shop.base_url),
        headers: json_headers(vec![(
            "Content-Type".into(),
            "application/json".into(),
        )]),
        body: Some(
            json!({ "grant_type": "client_credentials", "client_id": shop.id, "client_secret": shop.secret })
                .to_string(),
        ),
    }
}

/// Shopware's answer to the token request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Token {
    /// `ok`, `auth_failed`, `wait`, `retry` or `failed`.
    pub outcome: PullOutcome,
    /// The access token (present with `ok`; a credential: never log or store it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Unix seconds from which a new token is needed (30 s before it expires).
    #[serde(rename = "expiresAt", skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// For `wait`: milliseconds to wait.
    #[serde(rename = "waitMs", skip_serializing_if = "Option::is_none")]
    pub wait_ms: Option<u64>,
    /// What went wrong.
    pub issues: Issues,
}

/// Reads Shopware's token answer (`{ token_type, expires_in, access_token }`); `now` in Unix
/// seconds.
pub fn read_token(status: u16, headers: &Value, body: &str, now: i64) -> Token {
    let mut issues = Issues::new();
    let (outcome, wait_ms) = status_outcome(Platform::Shopware6, status, headers, true);
    if outcome != PullOutcome::Page {
        explain(Platform::Shopware6, outcome, status, body, &mut issues);
        return Token {
            outcome,
            token: None,
            expires_at: None,
            wait_ms,
            issues,
        };
    }
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let token = v
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        issues.error(
            "body",
            "unexpected_answer",
            "Shopware's token answer has no access_token: is the base URL the shop's (Admin API under /api)?",
            "Die Token-Antwort von Shopware enthält kein access_token: ist die Basis-URL die des Shops (Admin-API unter /api)?",
        );
        return Token {
            outcome: PullOutcome::Failed,
            token: None,
            expires_at: None,
            wait_ms: None,
            issues,
        };
    };
    let lifetime = v.get("expires_in").and_then(Value::as_i64).unwrap_or(600);
    Token {
        outcome: PullOutcome::Ok,
        token: Some(token.to_owned()),
        expires_at: Some(now.saturating_add(lifetime.saturating_sub(30).max(0))),
        wait_ms: None,
        issues,
    }
}

/// The request for the page at `position`; `token` is Shopware's access token.
pub fn list_request(shop: &Shop, position: &Position, token: Option<&str>) -> Request {
    let since = instant(&position.since).unwrap_or_else(|| Timestamp::from_unix(0));
    let n = shop.page_size;
    match shop.platform {
        Platform::WooCommerce => {
            // `dates_are_gmt`: the time is UTC (WooCommerce's date_modified_gmt). WordPress's
            // date query takes `modified_after` strictly: a second earlier, so that an order
            // changed at `since` itself is read.
            let s = utc_z(&Timestamp::from_unix(
                since.unix_seconds().saturating_sub(1),
            ));
            let s = s.trim_end_matches('Z');
            Request {
                method: Method::Get,
                url: format!(
                    "{}/wp-json/wc/v3/orders?modified_after={}&dates_are_gmt=true&orderby=id&order=asc&per_page={n}&page={}",
                    shop.base_url,
                    encode_query(s),
                    position.page
                ),
                headers: json_headers(vec![(
                    "Authorization".into(),
                    http::basic_auth(&shop.id, &shop.secret),
                )]),
                body: None,
            }
        }
        Platform::Shopify => {
            let base = format!(
                "{}/admin/api/{}/orders.json",
                shop.base_url, shop.api_version
            );
            let url = match &position.page_info {
                Some(c) => format!("{base}?limit={n}&page_info={c}"),
                None => format!(
                    "{base}?status=any&updated_at_min={}&limit={n}",
                    encode_query(&utc_z(&since))
                ),
            };
            Request {
                method: Method::Get,
                url,
                headers: json_headers(vec![("X-Shopify-Access-Token".into(), shop.secret.clone())]),
                body: None,
            }
        }
        Platform::Shopware6 => {
            let t = Timestamp::from_unix(since.unix_seconds());
            // Shopware's storage format (UTC): what its DAL compares dates with.
            let s = format!(
                "{} {:02}:{:02}:{:02}.000",
                t.date, t.hour, t.minute, t.second
            );
            let body = json!({
                "page": position.page,
                "limit": n,
                "total-count-mode": 1,
                "filter": [{ "type": "multi", "operator": "or", "queries": [
                    { "type": "range", "field": "updatedAt", "parameters": { "gte": s } },
                    { "type": "multi", "operator": "and", "queries": [
                        { "type": "equals", "field": "updatedAt", "value": null },
                        { "type": "range", "field": "createdAt", "parameters": { "gte": s } }
                    ] }
                ] }],
                "sort": [
                    { "field": "createdAt", "order": "ASC" },
                    { "field": "id", "order": "ASC" }
                ],
                "associations": {
                    "lineItems": {},
                    "currency": {},
                    "stateMachineState": {},
                    "orderCustomer": { "associations": { "salutation": {} } },
                    "billingAddress": { "associations": { "country": {} } },
                    "addresses": { "associations": { "country": {} } },
                    "deliveries": { "associations": {
                        "shippingOrderAddress": { "associations": { "country": {} } },
                        "shippingMethod": {},
                        "stateMachineState": {}
                    } },
                    "transactions": { "associations": {
                        "paymentMethod": {},
                        "stateMachineState": {}
                    } }
                }
            });
            Request {
                method: Method::Post,
                url: format!("{}/api/search/order", shop.base_url),
                headers: json_headers(vec![
                    (
                        "Authorization".into(),
                        format!("Bearer {}", token.unwrap_or_default()),
                    ),
                    ("Content-Type".into(), "application/json".into()),
                ]),
                body: Some(body.to_string()),
            }
        }
    }
}

/// What an answer means for a pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PullOutcome {
    /// A page was read (`orders`, `next`).
    Page,
    /// A token was issued.
    Ok,
    /// Rate limited: ask again after `waitMs`.
    Wait,
    /// A temporary failure (5xx, timeout, network): ask again later.
    Retry,
    /// Shopware's token expired: fetch a new one and ask for the same page again.
    TokenExpired,
    /// The credentials were refused or lack the right to read orders: fix the configuration.
    AuthFailed,
    /// Any other refusal (a wrong base URL, an API that is switched off): see the issues.
    Failed,
}

/// A page of a pull, read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// What the answer means.
    pub outcome: PullOutcome,
    /// The orders of the page, as the platform sent them (for `fromShopOrder`); answered as
    /// each order's JSON text, so that ids beyond 2^53 (Shopify's) stay exact in JavaScript.
    #[serde(serialize_with = "as_texts")]
    pub orders: Vec<Value>,
    /// The position of the next page; absent when this was the last (or for other outcomes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Position>,
    /// Orders in the whole pull, when the platform says (WooCommerce, Shopware).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// The newest change time among the page's orders (UTC `…Z`): the watermark's candidate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<String>,
    /// Milliseconds to wait before the next request (`wait`, or Shopify's bucket nearly full).
    #[serde(rename = "waitMs", skip_serializing_if = "Option::is_none")]
    pub wait_ms: Option<u64>,
    /// What went wrong, and warnings (an order without a change time).
    pub issues: Issues,
}

/// Serialises values as their JSON texts.
fn as_texts<S: serde::Serializer>(orders: &[Value], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(orders.iter().map(Value::to_string))
}

fn header<'a>(headers: &'a Value, name: &str) -> Option<&'a str> {
    headers.as_object().and_then(|m| {
        m.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str())
    })
}

/// `Retry-After` in milliseconds: a number of seconds (Shopify sends `2.0`).
fn retry_after_ms(headers: &Value) -> u64 {
    header(headers, "retry-after")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(DEFAULT_WAIT_MS, |s| {
            (s * 1000.0).ceil().min(86_400_000.0) as u64
        })
}

/// The outcome of a status (`Page` for 2xx) and, for `Wait`, the wait.
fn status_outcome(
    p: Platform,
    status: u16,
    headers: &Value,
    fresh_token: bool,
) -> (PullOutcome, Option<u64>) {
    match status {
        200..=299 => (PullOutcome::Page, None),
        429 => (PullOutcome::Wait, Some(retry_after_ms(headers))),
        503 if header(headers, "retry-after").is_some() => {
            (PullOutcome::Wait, Some(retry_after_ms(headers)))
        }
        401 if p == Platform::Shopware6 && !fresh_token => (PullOutcome::TokenExpired, None),
        401 | 403 => (PullOutcome::AuthFailed, None),
        0 | 408 | 425 | 500..=599 => (PullOutcome::Retry, None),
        _ => (PullOutcome::Failed, None),
    }
}

/// The issue an outcome other than a page gets, naming the platform and the fix.
fn explain(p: Platform, outcome: PullOutcome, status: u16, body: &str, issues: &mut Issues) {
    // Shopware's errors (JSON:API) say it in `detail` (and `meta.parameters.hint`).
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let first = &v["errors"][0];
    let detail = [&first["detail"], &first["meta"]["parameters"]["hint"]]
        .iter()
        .filter_map(|d| d.as_str())
        .collect::<Vec<_>>()
        .join(": ");
    let said = (!detail.is_empty())
        .then_some(detail)
        .or_else(|| {
            http::upstream_messages(body)
                .into_iter()
                .map(|(_, m)| m)
                .next()
        })
        .map(|m| format!(" ({})", crate::text::truncate(&m, 200)))
        .unwrap_or_default();
    let l = p.label();
    match outcome {
        PullOutcome::AuthFailed => {
            let (en, de) = match (p, status) {
                (Platform::WooCommerce, _) => ("the consumer key and secret were refused: create a REST API key with read access for the shop and set it", "Consumer Key und Secret wurden abgelehnt: einen REST-API-Schlüssel mit Lesezugriff anlegen und eintragen"),
                (Platform::Shopify, 403) => ("the access token may not read orders: give the app the read_orders scope (read_all_orders for older orders)", "das Zugriffstoken darf keine Bestellungen lesen: der App den Scope read_orders geben (read_all_orders für ältere Bestellungen)"),
                (Platform::Shopify, _) => ("the access token was refused (wrong, or the app was uninstalled): set the custom app's Admin API access token", "das Zugriffstoken wurde abgelehnt (falsch, oder die App wurde deinstalliert): das Admin-API-Zugriffstoken der App eintragen"),
                (Platform::Shopware6, 403) => ("the integration may not read orders: give it a role with the order privileges", "die Integration darf keine Bestellungen lesen: ihr eine Rolle mit den Bestellrechten geben"),
                (Platform::Shopware6, _) => ("the integration's credentials were refused: set its access key id and secret access key", "die Zugangsdaten der Integration wurden abgelehnt: Zugriffs-ID und geheimen Zugriffsschlüssel eintragen"),
            };
            issues.error(
                "credentials",
                "auth_failed",
                format!("{l} answered {status}: {en}{said}"),
                format!("{l} antwortete {status}: {de}{said}"),
            );
        }
        PullOutcome::TokenExpired => issues.warning(
            "credentials",
            "token_expired",
            format!("{l}'s access token expired: a new one is fetched"),
            format!("Das Zugriffstoken von {l} ist abgelaufen: ein neues wird geholt"),
        ),
        PullOutcome::Wait => issues.warning(
            "status",
            "rate_limited",
            format!("{l} limits the requests ({status}): asking again after its wait"),
            format!("{l} begrenzt die Anfragen ({status}): erneute Anfrage nach der Wartezeit"),
        ),
        PullOutcome::Retry => issues.warning(
            "status",
            "upstream_unavailable",
            format!("{l} is not available ({status}): asking again later{said}"),
            format!("{l} ist nicht erreichbar ({status}): erneute Anfrage später{said}"),
        ),
        _ => {
            let (en, de) = match (p, status) {
                (Platform::Shopify, 402) => (
                    "the shop is frozen (unpaid)",
                    "der Shop ist eingefroren (unbezahlt)",
                ),
                (Platform::Shopify, 423) => ("the shop is locked", "der Shop ist gesperrt"),
                (_, 404) => (
                    "no such API at the base URL: check the shop's address (and that its REST API is on)",
                    "keine solche API unter der Basis-URL: die Adresse des Shops prüfen (und dass seine REST-API aktiv ist)",
                ),
                _ => ("the request was refused", "die Anfrage wurde abgelehnt"),
            };
            issues.error(
                "status",
                "pull_failed",
                format!("{l} answered {status}: {en}{said}"),
                format!("{l} antwortete {status}: {de}{said}"),
            );
        }
    }
}

/// The `page_info` of the `rel="next"` link of a `Link` header, if any.
fn next_page_info(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.trim().split_once('>')?;
        let next = params
            .split(';')
            .any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next"));
        if !next {
            return None;
        }
        let query = url.trim_start_matches('<').split_once('?')?.1;
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix("page_info="))
            .filter(|c| cursor_ok(c))
            .map(str::to_owned)
    })
}

/// Shopify's bucket: the wait that keeps the next call from overflowing it (`used/size`,
/// leaking size/20 calls a second; one call of room kept).
fn bucket_wait_ms(headers: &Value) -> Option<u64> {
    let (used, size) = header(headers, "x-shopify-shop-api-call-limit")?.split_once('/')?;
    let (used, size) = (
        used.trim().parse::<u64>().ok()?,
        size.trim().parse::<u64>().ok()?,
    );
    let over = (used + 2).checked_sub(size).filter(|o| *o > 0)?;
    let per_second = (size / 20).max(1);
    Some(over.saturating_mul(1000).div_ceil(per_second))
}

/// The change time of an order as the platform reports it.
fn changed_at(p: Platform, order: &Value) -> Option<Timestamp> {
    let field = |k: &str| order.get(k).and_then(Value::as_str).and_then(instant);
    match p {
        Platform::WooCommerce => field("date_modified_gmt")
            .or_else(|| field("date_created_gmt"))
            .or_else(|| field("date_modified")),
        Platform::Shopify => field("updated_at").or_else(|| field("created_at")),
        Platform::Shopware6 => field("updatedAt").or_else(|| field("createdAt")),
    }
}

/// Reads the answer to the page request at `position`. `headers` is an object of the
/// answer's headers (any case); `fresh_token`: Shopware's token was issued for this request.
pub fn read_page(
    shop: &Shop,
    position: &Position,
    status: u16,
    headers: &Value,
    body: &str,
    fresh_token: bool,
) -> Page {
    let p = shop.platform;
    let mut issues = Issues::new();
    let mut page = Page {
        outcome: PullOutcome::Failed,
        orders: Vec::new(),
        next: None,
        total: None,
        latest: None,
        wait_ms: None,
        issues: Issues::new(),
    };
    if !crate::limits::fits(body.len(), "body", &mut issues) {
        page.issues = issues;
        return page;
    }
    let (outcome, wait) = status_outcome(p, status, headers, fresh_token);
    if outcome != PullOutcome::Page {
        explain(p, outcome, status, body, &mut issues);
        page.outcome = outcome;
        page.wait_ms = wait;
        page.issues = issues;
        return page;
    }
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let list = match p {
        Platform::WooCommerce => v.as_array(),
        Platform::Shopify => v.get("orders").and_then(Value::as_array),
        Platform::Shopware6 => v.get("data").and_then(Value::as_array),
    };
    let Some(list) = list else {
        let shape = match p {
            Platform::WooCommerce => "a JSON array of orders",
            Platform::Shopify => "{ \"orders\": [...] }",
            Platform::Shopware6 => "{ \"total\", \"data\": [...] }",
        };
        issues.error(
            "body",
            "unexpected_answer",
            format!(
                "{} answered {status} without {shape}: is the base URL the shop's API?",
                p.label()
            ),
            format!(
                "{} antwortete {status} ohne {shape}: ist die Basis-URL die API des Shops?",
                p.label()
            ),
        );
        page.issues = issues;
        return page;
    };
    let mut newest: Option<Timestamp> = None;
    for (i, o) in list.iter().enumerate() {
        match changed_at(p, o) {
            Some(t) if newest.is_none_or(|n| t.unix_seconds() > n.unix_seconds()) => {
                newest = Some(t)
            }
            Some(_) => {}
            None => issues.warning(
                format!("orders[{i}]"),
                "missing_change_time",
                "the order has no change time: the watermark ignores it",
                "die Bestellung hat keinen Änderungszeitpunkt: die Marke übergeht sie",
            ),
        }
    }
    let count = list.len() as u64;
    let full = count >= u64::from(shop.page_size);
    let next_page = || Position {
        since: position.since.clone(),
        page: position.page.saturating_add(1),
        page_info: None,
    };
    match p {
        Platform::WooCommerce => {
            page.total = header(headers, "x-wp-total").and_then(|t| t.trim().parse().ok());
            let pages: Option<u32> =
                header(headers, "x-wp-totalpages").and_then(|t| t.trim().parse().ok());
            let more = match pages {
                Some(n) => position.page < n,
                None => full,
            };
            page.next = more.then(next_page);
        }
        Platform::Shopify => {
            page.next = header(headers, "link")
                .and_then(next_page_info)
                .map(|c| Position {
                    since: position.since.clone(),
                    page: position.page.saturating_add(1),
                    page_info: Some(c),
                });
            page.wait_ms = bucket_wait_ms(headers);
        }
        Platform::Shopware6 => {
            page.total = v.get("total").and_then(Value::as_u64);
            let read = u64::from(position.page) * u64::from(shop.page_size);
            let more = match page.total {
                Some(t) => read < t && count > 0,
                None => full,
            };
            page.next = more.then(next_page);
        }
    }
    page.outcome = PullOutcome::Page;
    page.latest = newest.map(|t| utc_z(&t));
    page.orders = list.clone();
    page.issues = issues;
    page
}

/// Shopify's count of the orders changed since `position.since` (`orders/count.json`), for
/// the estimate of a backfill; `None` for the other platforms (their pages carry the total).
pub fn count_request(shop: &Shop, position: &Position) -> Option<Request> {
    if shop.platform != Platform::Shopify {
        return None;
    }
    let since = instant(&position.since).unwrap_or_else(|| Timestamp::from_unix(0));
    Some(Request {
        method: Method::Get,
        url: format!(
            "{}/admin/api/{}/orders/count.json?status=any&updated_at_min={}",
            shop.base_url,
            shop.api_version,
            encode_query(&utc_z(&since))
        ),
        headers: json_headers(vec![("X-Shopify-Access-Token".into(), shop.secret.clone())]),
        body: None,
    })
}

/// Reads Shopify's `{ "count": n }`; `None` for any other answer (the estimate is then left
/// out, the pull goes on).
pub fn read_count(status: u16, body: &str) -> Option<u64> {
    if !(200..=299).contains(&status) {
        return None;
    }
    serde_json::from_str::<Value>(body)
        .ok()?
        .get("count")
        .and_then(Value::as_u64)
}

#[cfg(test)]
mod tests;
