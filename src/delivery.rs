//! What the edge worker decides about a delivery (docs/worker.md), so that the worker itself
//! only routes, authenticates and does the I/O:
//!
//! - [`worker_config`]: a target's request configuration from the worker's variables and
//!   secrets, plus the options a caller may set (never a base URL, credentials, the
//!   environment or the recipient salt: those come only from the configuration);
//! - [`delivery_key`]: the idempotency key (the `Idempotency-Key` header, else Geisenheim's
//!   `invoiceId`, kivitendo's and Westarp's `number`);
//! - [`settle`]: what an interpreted answer means for the delivery (status, HTTP status,
//!   upstream id, when to try again) and [`may_resend`] for an existing one;
//! - [`redact`]: every configured secret, and Westarp's VLB credentials, out of a value that
//!   is answered, stored or logged.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::http::{basic_auth, Outcome};
use crate::issue::{join, Issues};
use crate::registry::{PossiblySent, Target};

/// Whether the variable `name` holds a secret: one of the registry's
/// ([`crate::registry::secrets`]) or one of them with a shop's suffix
/// (`WOOCOMMERCE_CONSUMER_KEY_SECOND`), or any name with `SECRET`, `PASSWORD`, `TOKEN` or
/// `SALT` in it (a shop's own webhook secret, e.g. `SHOPIFY_WEBHOOK_SECRET_WEINGUT`, named in
/// `SHOPIFY_SHOPS`).
pub fn is_secret_name(name: &str) -> bool {
    crate::registry::secrets().iter().any(|s| {
        name == *s
            || name
                .strip_prefix(s)
                .is_some_and(|rest| rest.starts_with('_'))
    }) || ["SECRET", "PASSWORD", "TOKEN", "SALT"]
        .iter()
        .any(|w| name.contains(w))
}

/// Keys whose values are credentials wherever they appear in an upstream answer.
const SECRET_KEYS: &[&str] = &[
    "vlb_pass",
    "vlb_token",
    "vlb_media_token",
    "password",
    "token",
    "apipass",
    "authorization",
    "Authorization",
];

/// A request configuration built for the worker: `{ ok: true, config, issues }` or
/// `{ ok: false, issues }`. The configuration holds credentials: it goes to `request()` and
/// `kivitendoSync()`, never into an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerConfig {
    /// The configuration for `request(target, …)`, present without errors.
    pub config: Option<Value>,
    /// Every issue; paths `options.*` are the caller's, `env.*` the worker's configuration.
    pub issues: Issues,
}

impl Serialize for WorkerConfig {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::issue::with_ok(
            s,
            "WorkerConfig",
            "config",
            self.config.as_ref(),
            &self.issues,
        )
    }
}

/// A variable of `env` as trimmed, non-empty text.
fn var<'a>(env: &'a Value, name: &str) -> Option<&'a str> {
    env.get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The configuration of `target` (`geisenheim`, `kivitendo`, `westarp`; `kivitendo-customer`
/// and `kivitendo-order` read kivitendo's) from the worker's `env` (variables and secrets, as
/// strings) and a caller's `options`.
pub fn worker_config(target: &str, env: &Value, options: &Value) -> WorkerConfig {
    let target = target.split('-').next().unwrap_or(target);
    let mut issues = Issues::new();
    let mut config = Map::new();
    let entry = Target::from_name(target).map(Target::entry);
    if entry.is_none() {
        let names = Target::names();
        let (last, first) = names.split_last().unwrap_or((&"", &[]));
        let first = first.join(", ");
        issues.error(
            "target",
            "unknown_target",
            format!("unknown target {target:?}: use {first} or {last}"),
            format!("unbekanntes Ziel {target:?}: {first} oder {last} verwenden"),
        );
    }
    let t = target.to_ascii_uppercase();
    // Options a caller may set per target (docs/worker.md); everything else is refused,
    // above all base URLs, credentials, the environment and the recipient salt.
    let allowed = entry.map_or(&[][..], |e| e.caller_options);
    // The installation's own options (JSON, `format` and `orderNumber` too), then the
    // caller's on top; one check for both.
    let options_var = format!("{t}_OPTIONS");
    let installed = var(env, &options_var).map(serde_json::from_str::<Value>);
    for (source, value, extra) in [
        (
            join("env", &options_var),
            match installed {
                Some(Ok(v)) => v,
                Some(Err(_)) => Value::Bool(false),
                None => Value::Null,
            },
            // The installation decides, e.g., kivitendo's numbering, format, units and
            // customer numbers; callers do not.
            entry.map_or(&[][..], |e| e.installation_options),
        ),
        ("options".to_owned(), options.clone(), &[][..]),
    ] {
        match value {
            Value::Null => {}
            Value::Object(m) => {
                for (k, v) in m {
                    if allowed.contains(&k.as_str()) || extra.contains(&k.as_str()) {
                        config.insert(k, v);
                    } else {
                        let list = allowed.join(", ");
                        issues.error(join(&source, &k), "option_not_allowed", format!("cannot be set in {source}; allowed: {list}. Base URLs and credentials come only from the worker's variables and secrets ({t}_BASE_URL, …)"), format!("in {source} nicht erlaubt; erlaubt: {list}. Basis-URLs und Zugangsdaten kommen nur aus den Variablen und Secrets des Workers ({t}_BASE_URL, …)"));
                    }
                }
            }
            _ => issues.error(
                &source,
                "invalid_type",
                "must be a JSON object",
                "muss ein JSON-Objekt sein",
            ),
        }
    }
    let vars = entry.map_or(&[][..], |e| e.env);
    for v in vars.iter().filter(|v| !v.key.is_empty()) {
        let name = v.name;
        match var(env, name) {
            Some(value) => {
                config.insert(v.key.into(), Value::String(value.into()));
            }
            None if v.required => issues.error(join("env", name), "missing_configuration", format!("the worker has none: set it with wrangler secret put {name} (or in .dev.vars)"), format!("dem Worker fehlt dieser Wert: bitte mit wrangler secret put {name} setzen (oder in .dev.vars)")),
            None => {}
        }
    }
    let config = (!issues.has_errors()).then_some(Value::Object(config));
    WorkerConfig { config, issues }
}

/// An idempotency key: `{ ok: true, key, issues }` or `{ ok: false, issues }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key, present without errors.
    pub key: Option<String>,
    /// Every issue.
    pub issues: Issues,
}

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::issue::with_ok(s, "Key", "key", self.key.as_ref(), &self.issues)
    }
}

/// The idempotency key of an operation (docs/worker.md): `header` (the `Idempotency-Key`,
/// 1 to 200 visible ASCII characters) when given, else for `createOrder` Geisenheim's
/// `invoiceId` and kivitendo's and Westarp's `number`; for Geisenheim's `cancelOrder`
/// (`input` the invoice id) `cancel:<id>`. Keys are unique per target.
pub fn delivery_key(target: &str, operation: &str, input: &Value, header: Option<&str>) -> Key {
    let mut issues = Issues::new();
    let key = match header.map(str::trim) {
        Some(h) if !h.is_empty() => {
            if h.len() > 200 || !h.bytes().all(|b| b.is_ascii_graphic()) {
                issues.error(
                    "Idempotency-Key",
                    "invalid_idempotency_key",
                    "the header must be 1 to 200 visible ASCII characters (a UUID)",
                    "der Header muss 1 bis 200 sichtbare ASCII-Zeichen haben (eine UUID)",
                );
            }
            Some(h.to_owned())
        }
        _ => {
            let key = Target::from_name(target).map(|t| t.entry().idempotency_key);
            let field = key.map_or("number", |k| k.field);
            let cancel = key.and_then(|k| k.cancel) == Some(operation);
            let value = if cancel {
                Some(input)
            } else {
                input.get(field)
            };
            let text = match value {
                Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            if text.is_none() {
                let path = if operation == "cancelOrder" {
                    ""
                } else {
                    field
                };
                issues.error(path, "missing_idempotency_key", if path.is_empty() { format!("no idempotency key: give {field} or an Idempotency-Key header") } else { "no idempotency key: give it here or as an Idempotency-Key header".to_owned() }, if path.is_empty() { format!("kein Idempotenzschlüssel: bitte {field} oder einen Idempotency-Key-Header angeben") } else { "kein Idempotenzschlüssel: bitte hier oder als Idempotency-Key-Header angeben".to_owned() });
            }
            match operation {
                "cancelOrder" => text.map(|t| format!("cancel:{t}")),
                _ => text,
            }
        }
    };
    let key = if issues.has_errors() { None } else { key };
    Key { key, issues }
}

/// The longest wait before a next attempt: 12 hours, the longest `delaySeconds` Cloudflare
/// Queues take for a message.
pub const MAX_DELAY_SECONDS: u64 = 43_200;

/// What an answer means for a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settled {
    /// `accepted`, `rejected`, `queued`, `dead` or `auth_failed`.
    pub status: &'static str,
    /// The worker's answer: 200, 202, 422 or 502.
    pub http_status: u16,
    /// The upstream's id of what was created, when the answer names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_id: Option<String>,
    /// For `queued`: seconds until the next attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_seconds: Option<u64>,
}

/// The id in an answer's data: `id` or `orderId` of an object, or of a list's first entry.
fn upstream_id(data: &Value) -> Option<String> {
    let rec = match data {
        Value::Array(a) => a.first()?,
        other => other,
    };
    match rec.get("orderId").or_else(|| rec.get("id"))? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Settles a delivery after attempt number `attempts` (1 for the first) with `outcome` and
/// the interpreted answer's `data`: `retry` stays `queued` for another attempt after
/// `RETRY_BASE_SECONDS` (default 30) doubled per attempt plus up to a quarter of jitter
/// (`random` in 0..1), at most [`MAX_DELAY_SECONDS`] (the longest delay a Cloudflare Queue
/// message may have), until `MAX_ATTEMPTS` (default 8) attempts are spent:
/// then `dead`.
pub fn settle(outcome: Outcome, data: &Value, attempts: u32, env: &Value, random: f64) -> Settled {
    let num = |name: &str, default: u64| {
        var(env, name)
            .and_then(|s| s.parse::<u64>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(default)
    };
    let (status, http_status) = match outcome {
        Outcome::Accepted => ("accepted", 200),
        Outcome::Rejected => ("rejected", 422),
        Outcome::AuthFailed => ("auth_failed", 502),
        Outcome::Retry if u64::from(attempts) >= num("MAX_ATTEMPTS", 8) => ("dead", 502),
        Outcome::Retry => ("queued", 202),
    };
    let retry_in_seconds = (status == "queued").then(|| {
        let base = num("RETRY_BASE_SECONDS", 30).min(MAX_DELAY_SECONDS);
        let delay = base.saturating_mul(1 << attempts.clamp(1, 20).saturating_sub(1));
        let jitter = (random.clamp(0.0, 1.0) * (delay / 4) as f64) as u64;
        (delay + jitter).min(MAX_DELAY_SECONDS)
    });
    Settled {
        status,
        http_status,
        upstream_id: (outcome == Outcome::Accepted)
            .then(|| upstream_id(data))
            .flatten(),
        retry_in_seconds,
    }
}

/// Every status a delivery can have: `accepted`, `rejected`, `queued`, `dead`, `auth_failed`,
/// `uncertain` (a request may have reached a target that cannot be asked: the operator
/// decides) and `cancelled` (a create whose order was cancelled before it was sent).
pub const STATUSES: &[&str] = &[
    "accepted",
    "rejected",
    "queued",
    "dead",
    "auth_failed",
    "uncertain",
    "cancelled",
];

/// Whether an existing delivery in `status` may be sent again: `rejected`, `dead` and
/// `auth_failed` may; `accepted`, `queued` and `cancelled` never (their delivery is answered
/// instead); `uncertain` only `by_operator` (the retry route: the operator has checked that
/// the target does not have it), never when a caller sends the same order again.
pub fn may_resend(status: &str, by_operator: bool) -> bool {
    matches!(status, "rejected" | "dead" | "auth_failed") || (by_operator && status == "uncertain")
}

/// What a delivery does when an earlier request of it may have reached the target without
/// its answer being known (the worker stopped while the request was out, or the answer timed
/// out): `resume` (kivitendo: the sync state, whose pending create is looked up first),
/// `lookup` (Westarp: its newest orders, [`lookup_before_resend`]), `resend` (Geisenheim's
/// cancel: a DELETE twice cancels once) or `uncertain` (Geisenheim's create: it cannot be asked,
/// so nothing is sent until the operator decides).
pub fn when_possibly_sent(target: &str, operation: &str) -> &'static str {
    Target::from_name(target)
        .map_or(PossiblySent::Uncertain, |t| {
            (t.entry().possibly_sent)(operation)
        })
        .name()
}

/// What a cancel does with the create of the same order at the same target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelPlan {
    /// Mark the create `cancelled`: it is never sent (again).
    pub cancel_create: bool,
    /// Send the cancel upstream (the create is there, or may be).
    pub send: bool,
    /// An attempt of the create is out right now: try the cancel again shortly.
    pub wait: bool,
}

/// The plan for a cancel whose create has `status` after `attempts` attempts, one of them
/// `in_flight` now (`None`: no create known, the cancel is sent as asked). A create never sent
/// is cancelled and nothing goes upstream; one that was or may have been sent is stopped from
/// being sent again and the cancel goes out; an accepted one is cancelled upstream.
pub fn cancel_plan(create: Option<(&str, u32, bool)>) -> CancelPlan {
    let plan = |cancel_create, send, wait| CancelPlan {
        cancel_create,
        send,
        wait,
    };
    match create {
        None => plan(false, true, false),
        Some((_, _, true)) => plan(false, false, true),
        Some(("queued", 0, _)) | Some(("rejected" | "auth_failed", _, _)) => {
            plan(true, false, false)
        }
        Some(("queued" | "dead" | "uncertain", _, _)) => plan(true, true, false),
        Some(("cancelled", _, _)) => plan(false, false, false),
        Some(_) => plan(false, true, false),
    }
}

/// A shop's webhook configuration: the shop as kontor names it in keys and the name of the
/// secret its webhooks are signed with.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookShop {
    /// The shop (WooCommerce: its store URL, lower case, no trailing slash; Shopify: its
    /// `*.myshopify.com` domain), present without errors.
    pub shop: Option<String>,
    /// The name of the worker secret holding its webhook secret.
    pub secret: Option<String>,
    /// Whether it is the platform's only configured shop.
    pub single: bool,
    /// `unknown_shop` (a shop that is not configured), or the configuration's problems.
    pub issues: Issues,
}

impl Serialize for WebhookShop {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v =
            serde_json::json!({ "shop": self.shop, "secret": self.secret, "single": self.single });
        crate::issue::with_ok(
            s,
            "WebhookShop",
            "config",
            self.shop.as_ref().map(|_| &v),
            &self.issues,
        )
    }
}

/// The shop a webhook of `platform` (`woocommerce`, `shopify`) says it comes from (`claimed`:
/// WooCommerce's `X-WC-Webhook-Source`, Shopify's `X-Shopify-Shop-Domain`), looked up in the
/// worker's `WOOCOMMERCE_SHOPS` / `SHOPIFY_SHOPS`: a comma-separated list of shops (each
/// signing with `WOOCOMMERCE_WEBHOOK_SECRET` / `SHOPIFY_WEBHOOK_SECRET`) or a JSON object
/// `{ "<shop>": "<secret name>" }` naming each shop's own secret. A shop not listed is refused;
/// no message repeats what the caller sent (nothing before authentication echoes input).
pub fn webhook_shop(platform: &str, claimed: Option<&str>, env: &Value) -> WebhookShop {
    let mut issues = Issues::new();
    let upper = platform.to_ascii_uppercase();
    let list_var = format!("{upper}_SHOPS");
    let default_secret = format!("{upper}_WEBHOOK_SECRET");
    let norm = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
    let mut shops: Vec<(String, String)> = Vec::new();
    match var(env, &list_var) {
        Some(text) if text.starts_with('{') => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => {
                for (shop, secret) in m {
                    match secret.as_str() {
                        Some(n) if is_secret_name(n) => shops.push((norm(&shop), n.to_owned())),
                        _ => issues.error(join("env", &list_var), "invalid_value", format!("must map each shop to the NAME of a worker secret holding its webhook secret (a name with SECRET in it, e.g. {default_secret}_SHOP2)"), format!("muss jedem Shop den NAMEN eines Worker-Secrets mit seinem Webhook-Secret zuordnen (ein Name mit SECRET, z. B. {default_secret}_SHOP2)")),
                    }
                }
            }
            _ => issues.error(join("env", &list_var), "invalid_value", "not a JSON object: write {\"<shop>\": \"<secret name>\"} or a comma-separated list of shops", "kein JSON-Objekt: {\"<Shop>\": \"<Secret-Name>\"} oder eine durch Kommas getrennte Liste von Shops schreiben"),
        },
        Some(text) => {
            for shop in text.split(',').map(norm).filter(|s| !s.is_empty()) {
                shops.push((shop, default_secret.clone()));
            }
        }
        None => {}
    }
    if shops.is_empty() && !issues.has_errors() {
        let example = if platform == "shopify" {
            "weingut.myshopify.com"
        } else {
            "https://weingut.example"
        };
        issues.error(join("env", &list_var), "missing_configuration", format!("this worker takes {platform} webhooks from no shop: set this variable to the shops (e.g. {example}), each signing with {default_secret} or the secret named for it"), format!("dieser Worker nimmt von keinem {platform}-Shop Webhooks an: diese Variable auf die Shops setzen (z. B. {example}), die mit {default_secret} oder dem für sie genannten Secret signieren"));
    }
    let single = shops.len() == 1;
    let mut found = None;
    if !issues.has_errors() {
        let c = claimed.map(norm).unwrap_or_default();
        found = shops.into_iter().find(|(s, _)| !c.is_empty() && *s == c);
        if found.is_none() {
            issues.error("shop", "unknown_shop", format!("this webhook names no shop configured in {list_var}: add the shop there (with its secret) or remove the webhook from the shop"), format!("dieser Webhook nennt keinen in {list_var} eingerichteten Shop: den Shop dort eintragen (mit seinem Secret) oder den Webhook im Shop entfernen"));
        }
    }
    let (shop, secret) = found.map_or((None, None), |(a, b)| (Some(a), Some(b)));
    WebhookShop {
        shop,
        secret,
        single,
        issues,
    }
}

/// The delivery key of a shop's order: its platform, its shop and its order number, so that
/// two shops of one platform never share a key.
pub fn shop_order_key(platform: &str, shop: &str, number: &str) -> String {
    format!("{platform}:{shop}:{number}")
}

/// The first Geisenheim invoice id the worker's own sequence gives shop webhook orders
/// (`GEISENHEIM_FIRST_INVOICE_ID`, a whole number from 1): shop orders carry no invoice id,
/// and Geisenheim's `id` is a gapless database id (seeds 001 §2.1). `None` with the issue
/// saying what to set when it is unset or not a whole number.
pub fn first_invoice_id(env: &Value) -> (Option<u64>, Issues) {
    let mut issues = Issues::new();
    let name = "GEISENHEIM_FIRST_INVOICE_ID";
    let id = var(env, name)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|n| (1..=9_007_199_254_740_991).contains(n));
    if id.is_none() {
        issues.error(
            join("env", name),
            if var(env, name).is_some() { "invalid_value" } else { "missing_configuration" },
            "shop webhook orders go to Geisenheim (WEBHOOK_TARGETS), which needs a gapless invoice id the shops do not send: set it to the first id the worker may give (the id after the last one Geisenheim has from you, e.g. 1 for a new account)",
            "Bestellungen aus Shop-Webhooks gehen an Geisenheim (WEBHOOK_TARGETS), das eine lückenlose Rechnungs-ID braucht, die Shops nicht senden: bitte auf die erste ID setzen, die der Worker vergeben darf (die ID nach der letzten, die Geisenheim von Ihnen hat, z. B. 1 bei einem neuen Zugang)",
        );
    }
    (id, issues)
}

/// What a shop webhook's topic is (WooCommerce's `X-WC-Webhook-Topic`, Shopify's
/// `X-Shopify-Topic`, Shopware's signed `data.event`): `order` (the body is the full order:
/// its own status fields say what it is), a state the order entered by an event whose body
/// names the order only (`cancelled`: WooCommerce `order.deleted`, Shopware
/// `state_enter.order.state.cancelled`; `refunded`, `partially_refunded`: Shopware's
/// transaction events `…refunded`, `…refunded_partially`; `failed`: Shopware's transaction
/// `…cancelled`, the payment given up), `refund` (Shopify `refunds/create`: one refund object
/// naming its order by `order_id`), or `None`: not an event kontor acts on.
pub fn shop_event(platform: &str, topic: &str) -> Option<&'static str> {
    Some(match (platform, topic) {
        ("woocommerce", "order.created" | "order.updated") => "order",
        ("woocommerce", "order.deleted") => "cancelled",
        ("shopify", "orders/create" | "orders/updated" | "orders/paid" | "orders/cancelled") => {
            "order"
        }
        ("shopify", "refunds/create") => "refund",
        ("shopware6", "checkout.order.placed") => "order",
        ("shopware6", "state_enter.order.state.cancelled") => "cancelled",
        ("shopware6", "state_enter.order_transaction.state.refunded") => "refunded",
        ("shopware6", "state_enter.order_transaction.state.refunded_partially") => {
            "partially_refunded"
        }
        ("shopware6", "state_enter.order_transaction.state.cancelled") => "failed",
        _ => return None,
    })
}

/// What one refund of a shop order does at Geisenheim ([`refund_bookings`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundBooking {
    /// The platform's id of the refund (the key of its booking).
    pub refund_id: String,
    /// `inline`: its lines are already in the sale (the first event kontor saw carried the
    /// refund, and the sale goes with its returns as negative lines); `return`: a return
    /// booking to send (`order`); `note`: nothing can be sent (no lines, or lines kontor
    /// cannot find in the order), the issues say why, for the operator.
    pub how: &'static str,
    /// The return booking (`how: return`): the sale's order with its items the refunded lines
    /// at negative quantity, priced as sold, dated the refund's day, its shipping at no cost
    /// and no `invoiceId` (the worker gives it one from its sequence).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<Value>,
    /// Why a refund is a note.
    pub issues: Issues,
}

/// Which of a shop order's `refunds` (as `fromShopOrder` lists them: `{ id?, at?, amount?,
/// lines: [{ sku?, quantity }] }`) are new, that is not in `booked` (refund ids), and what
/// each does at Geisenheim, given the sale's canonical `order`:
/// - `first` (the event that brings the sale): a refund with lines is `inline` (the adapters
///   put refunded lines into the sale as negative quantities, so that one booking holds what
///   was really sold), one without lines a `note`;
/// - later: a refund with lines is a `return` booking of those lines (negative quantity,
///   priced as the sale's line of the same SKU: the statistics then hold what was really
///   sold); a refund of an amount only (no lines: WooCommerce's order refunds, a Shopify
///   refund of shipping or a goodwill amount) is a `note`, since a Geisenheim return is
///   bottles; a line whose SKU the sale lacks makes the whole refund a `note`.
///
/// A refund without an id cannot be told from a repeated one: a `note` keyed by its place.
pub fn refund_bookings(
    order: &Value,
    refunds: &Value,
    booked: &Value,
    first: bool,
) -> Vec<RefundBooking> {
    let booked: Vec<&str> = booked
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let sale_items = order.get("items").and_then(Value::as_array);
    let mut out = Vec::new();
    for (i, r) in refunds.as_array().into_iter().flatten().enumerate() {
        let id = match r.get("id") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            _ => format!("#{i}"),
        };
        if booked.contains(&id.as_str()) {
            continue;
        }
        let amount = r.get("amount").and_then(Value::as_str).unwrap_or("?");
        let mut issues = Issues::new();
        let path = format!("refunds[{i}]");
        let lines = r
            .get("lines")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if id.starts_with('#') {
            issues.warning(&path, "refund_without_id", format!("the shop sent refund {i} (amount {amount}) without an id: kontor cannot tell it from a repeated one and books nothing; book it at Geisenheim by hand"), format!("der Shop sendet Erstattung {i} (Betrag {amount}) ohne ID: kontor kann sie nicht von einer wiederholten unterscheiden und bucht nichts; bitte bei Geisenheim von Hand buchen"));
            out.push(RefundBooking {
                refund_id: id,
                how: "note",
                order: None,
                issues,
            });
            continue;
        }
        if lines.is_empty() {
            issues.warning(&path, "refund_without_lines", format!("refund {id} (amount {amount}) names no refunded lines: a Geisenheim return is bottles, so nothing is booked; if goods came back, book the return by hand"), format!("Erstattung {id} (Betrag {amount}) nennt keine erstatteten Positionen: eine Geisenheim-Retoure sind Flaschen, daher wird nichts gebucht; kamen Waren zurück, die Retoure bitte von Hand buchen"));
            out.push(RefundBooking {
                refund_id: id,
                how: "note",
                order: None,
                issues,
            });
            continue;
        }
        if first {
            out.push(RefundBooking {
                refund_id: id,
                how: "inline",
                order: None,
                issues,
            });
            continue;
        }
        let mut items = Vec::new();
        for (k, l) in lines.iter().enumerate() {
            let sku = l.get("sku").and_then(Value::as_str);
            let quantity = l.get("quantity").and_then(Value::as_i64).filter(|q| *q > 0);
            let sold = sku.and_then(|s| {
                sale_items.into_iter().flatten().find(|it| {
                    it.get("sku").and_then(Value::as_str) == Some(s)
                        && it
                            .get("quantity")
                            .and_then(Value::as_i64)
                            .is_some_and(|q| q > 0)
                })
            });
            match (sold, quantity) {
                (Some(Value::Object(it)), Some(q)) => {
                    let mut it = it.clone();
                    it.insert("quantity".into(), Value::from(-q));
                    items.push(Value::Object(it));
                }
                _ => issues.warning(format!("{path}.lines[{k}]"), "refund_line_unknown", format!("refund {id}: line {k} (SKU {:?}) is not a line of the order kontor delivered, or has no positive quantity: nothing is booked; book the return by hand", sku.unwrap_or("")), format!("Erstattung {id}: Position {k} (Artikelnummer {:?}) ist keine Position der zugestellten Bestellung oder hat keine positive Menge: nichts gebucht; die Retoure bitte von Hand buchen", sku.unwrap_or(""))),
            }
        }
        if !issues.is_empty() || items.is_empty() {
            out.push(RefundBooking {
                refund_id: id,
                how: "note",
                order: None,
                issues,
            });
            continue;
        }
        let mut booking = order.as_object().cloned().unwrap_or_default();
        booking.insert("items".into(), Value::Array(items));
        for k in ["invoiceId", "invoiceDate"] {
            booking.remove(k);
        }
        // The carrier stays (Geisenheim's `delivery`); the shipping was not refunded with
        // the bottles.
        if let Some(Value::Object(s)) = booking.get_mut("shipping") {
            s.insert("cost".into(), Value::String("0".into()));
        }
        let day = r
            .get("at")
            .and_then(Value::as_str)
            .and_then(crate::order::time::Timestamp::parse_rfc3339)
            .and_then(|t| crate::order::time::berlin_date(&t));
        if let Some(d) = day {
            booking.insert(
                "invoiceDate".into(),
                Value::String(crate::order::time::format_date(d)),
            );
        }
        out.push(RefundBooking {
            refund_id: id,
            how: "return",
            order: Some(Value::Object(booking)),
            issues,
        });
    }
    out
}

/// Replaces every secret of `env` with `[redacted]` wherever it appears in `value`, in keys
/// as in string values: as it is and in any letter case, percent-encoded (any characters
/// encoded, `+` for a space), in base64 (standard and URL-safe, at any position of a longer
/// base64 text), and as the HTTP Basic value of each user/password pair; and the values of
/// credential keys (`vlb_pass`, `vlb_token`, `vlb_media_token`, `password`, `token`, …)
/// everywhere. A secret is a variable that [`is_secret_name`] names.
pub fn redact(value: &mut Value, env: &Value) {
    let forms = Forms::of(env);
    redact_in(value, &forms, 0);
}

/// The texts to look for: each secret (matched in any ASCII letter case, also after
/// percent-decoding) and its base64 forms (matched exactly).
struct Forms {
    plain: Vec<Vec<u8>>,
    base64: Vec<String>,
}

impl Forms {
    fn of(env: &Value) -> Forms {
        let mut plain: Vec<Vec<u8>> = Vec::new();
        if let Value::Object(m) = env {
            for (name, v) in m {
                if let Some(s) = v.as_str().map(str::trim).filter(|s| !s.is_empty()) {
                    if is_secret_name(name) {
                        plain.push(s.as_bytes().to_vec());
                    }
                }
            }
        }
        let mut base64 = Vec::new();
        for t in ["GEISENHEIM", "KIVITENDO", "OMNISELLER"] {
            let user = var(env, &format!("{t}_USERNAME"));
            if let (Some(u), Some(p)) = (user, var(env, &format!("{t}_PASSWORD"))) {
                base64.push(basic_auth(u, p)[6..].to_owned());
            }
        }
        for p in &plain {
            base64.extend(base64_forms(p));
        }
        Forms { plain, base64 }
    }

    fn is_empty(&self) -> bool {
        self.plain.is_empty() && self.base64.is_empty()
    }

    /// `s` with every form of every secret replaced, or `None` when it holds none.
    fn scrub(&self, s: &str) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let bytes = s.as_bytes();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for p in &self.plain {
            find_ci(bytes, p, &mut spans, |a, b| (a, b));
        }
        for f in &self.base64 {
            let f = f.as_bytes();
            let mut at = 0;
            while let Some(i) = find_from(bytes, f, at) {
                spans.push((i, i + f.len()));
                at = i + 1;
            }
        }
        if s.contains(['%', '+']) {
            // Percent-decoded, each decoded byte with the span of text it came from.
            let mut decoded = Vec::with_capacity(bytes.len());
            let mut from = Vec::with_capacity(bytes.len());
            let mut i = 0;
            while i < bytes.len() {
                let hex = |b: u8| (b as char).to_digit(16);
                match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
                    (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                        let v = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                        decoded.push(v as u8);
                        from.push((i, i + 3));
                        i += 3;
                    }
                    (b, _, _) => {
                        decoded.push(if b == b'+' { b' ' } else { b });
                        from.push((i, i + 1));
                        i += 1;
                    }
                }
            }
            for p in &self.plain {
                find_ci(&decoded, p, &mut spans, |a, b| (from[a].0, from[b - 1].1));
            }
        }
        if spans.is_empty() {
            return None;
        }
        // Merged into disjoint spans in order (a plain insertion: the standard sort costs
        // kilobytes of Wasm, and there are few spans).
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for (a, b) in spans {
            let mut i = merged.len();
            while i > 0 && merged[i - 1].0 > a {
                i -= 1;
            }
            merged.insert(i, (a, b));
        }
        let mut j = 1;
        while j < merged.len() {
            if merged[j].0 <= merged[j - 1].1 {
                merged[j - 1].1 = merged[j - 1].1.max(merged[j].1);
                merged.remove(j);
            } else {
                j += 1;
            }
        }
        let mut out = String::with_capacity(s.len());
        let mut at = 0;
        for (a, b) in merged {
            out.push_str(s.get(at..a).unwrap_or(""));
            out.push_str("[redacted]");
            at = b;
        }
        out.push_str(s.get(at..).unwrap_or(""));
        Some(out)
    }
}

/// Every match of `needle` in `hay` in any ASCII letter case, as spans mapped by `span`.
fn find_ci(
    hay: &[u8],
    needle: &[u8],
    out: &mut Vec<(usize, usize)>,
    span: impl Fn(usize, usize) -> (usize, usize),
) {
    if needle.is_empty() || needle.len() > hay.len() {
        return;
    }
    for i in 0..=hay.len() - needle.len() {
        if hay[i..i + needle.len()].eq_ignore_ascii_case(needle) {
            out.push(span(i, i + needle.len()));
        }
    }
}

/// The first exact match of `needle` in `hay` at or after `from`.
fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The base64 texts a secret leaves inside any base64 text (standard and URL-safe alphabet):
/// for each of the three byte offsets it may start at, the characters that depend on the
/// secret's bytes alone; and the whole encoding with padding. Forms shorter than 8 characters
/// are left out (they would match by chance).
fn base64_forms(secret: &[u8]) -> Vec<String> {
    use base64::Engine as _;
    let mut out = Vec::new();
    for k in 0..3usize {
        let mut bytes = vec![0u8; k];
        bytes.extend_from_slice(secret);
        let bits_end = 8 * bytes.len();
        let first = (8 * k).div_ceil(6);
        let last = bits_end / 6;
        for engine in [
            &base64::engine::general_purpose::STANDARD_NO_PAD,
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ] {
            let text = engine.encode(&bytes);
            if let Some(f) = text.get(first..last.min(text.len())) {
                if f.len() >= 8 && !out.iter().any(|o: &String| o == f) {
                    out.push(f.to_owned());
                }
            }
        }
    }
    out.push(crate::http::base64(secret));
    out.retain(|f| f.len() >= 8);
    out
}

fn redact_in(value: &mut Value, forms: &Forms, depth: usize) {
    match value {
        Value::String(s) => {
            if let Some(clean) = forms.scrub(s) {
                *s = clean;
            }
        }
        Value::Array(items) if depth < 64 => {
            for v in items {
                redact_in(v, forms, depth + 1);
            }
        }
        Value::Object(map) if depth < 64 => {
            let mut renamed = Vec::new();
            for (k, v) in map.iter_mut() {
                if SECRET_KEYS.contains(&k.as_str()) && !v.is_null() {
                    *v = Value::String("[redacted]".into());
                } else {
                    redact_in(v, forms, depth + 1);
                }
                if let Some(clean) = forms.scrub(k) {
                    renamed.push((k.clone(), clean));
                }
            }
            for (old, new) in renamed {
                if let Some(v) = map.remove(&old) {
                    map.insert(new, v);
                }
            }
        }
        Value::Array(_) | Value::Object(_) => *value = Value::Null,
        _ => {}
    }
}

/// The state a retried delivery resumes from. After a retriable answer the request may have
/// gone out and only its answer been lost (a timeout, a 500 after the record was stored), so
/// a kivitendo delivery whose pending step created something asks kivitendo first: a pending
/// `createCustomer` resumes at `findCustomer` (by e-mail), a pending `createOrder` at
/// `findOrder` (by the shop's order number), and what is already there is not created again.
/// Other targets and states are returned unchanged (Geisenheim and Westarp offer no look-up by
/// the shop's key: see the README's worker section).
pub fn resume_state(target: &str, state: &Value) -> Value {
    match Target::from_name(target) {
        Some(t) => (t.entry().resume)(state),
        None => state.clone(),
    }
}

/// The look-up a retried delivery makes before sending again, where the upstream can say
/// whether the earlier request went through although its answer was lost: for Westarp's
/// `createOrder`, the first page of `listOrders` (the 50 newest orders, newest first), in
/// which [`find_sent`] looks for the order's `code`. `(operation, input)`, or `None` (kivitendo
/// looks up through [`resume_state`]; Geisenheim has no read endpoint).
pub fn lookup_before_resend(target: &str, operation: &str) -> Option<(&'static str, Value)> {
    let lookup = Target::from_name(target)?.entry().lookup?;
    (lookup.operation == operation).then(|| {
        let input = serde_json::from_str(lookup.input).unwrap_or(Value::Null);
        (lookup.asks, input)
    })
}

/// What a look-up of [`lookup_before_resend`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// `found` (the order is there: accepted, not sent again), `absent` (send it) or
    /// `unknown` (the look-up failed: try again later, nothing sent).
    pub result: &'static str,
    /// The upstream's id of the order found.
    pub upstream_id: Option<String>,
}

/// Reads the look-up's answer (`status`, `body`) for the `payload` about to be sent again:
/// Westarp's order list holds an order whose `code` is the payload's `code`.
pub fn find_sent(target: &str, payload: &Value, status: u16, body: &str) -> Found {
    let unknown = Found {
        result: "unknown",
        upstream_id: None,
    };
    if !(200..300).contains(&status) {
        return unknown;
    }
    let Ok(list) = serde_json::from_str::<Value>(body) else {
        return unknown;
    };
    // Westarp's list: `{ data: [{ id, content: { code, … } }] }`.
    let find = Target::from_name(target).and_then(|t| t.entry().lookup);
    let hit = find.and_then(|l| (l.find)(payload, &list));
    Found {
        result: if hit.is_some() { "found" } else { "absent" },
        upstream_id: hit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env() -> Value {
        json!({
            "GEISENHEIM_USERNAME": "api@test.de", "GEISENHEIM_PASSWORD": "pw141819",
            "GEISENHEIM_RECIPIENT_SALT": "salt-secret",
            "KIVITENDO_BASE_URL": "http://127.0.0.1:3000", "KIVITENDO_USERNAME": "kivi",
            "KIVITENDO_PASSWORD": "kivi-secret",
            "KIVITENDO_OPTIONS": r#"{"taxzoneId": 4, "currencyId": 1, "productIds": {"127/4": 5}}"#,
            "WESTARP_BASE_URL": "https://api.westarp.example/v2", "WESTARP_TOKEN": "wt-secret",
            "KONTOR_API_TOKEN": "caller-token",
        })
    }

    fn codes(issues: &Issues) -> Vec<(String, String)> {
        issues
            .iter()
            .map(|i| (i.path.clone(), i.code.clone()))
            .collect()
    }

    #[test]
    fn config_comes_from_the_environment_with_the_callers_options_on_top() {
        let c = worker_config(
            "kivitendo",
            &env(),
            &json!({ "customerId": 17, "taxzoneId": 2 }),
        );
        assert!(c.issues.is_empty(), "{:?}", c.issues);
        assert_eq!(
            c.config,
            Some(json!({
                "taxzoneId": 2, "currencyId": 1, "productIds": {"127/4": 5}, "customerId": 17,
                "baseUrl": "http://127.0.0.1:3000", "username": "kivi", "password": "kivi-secret",
            }))
        );
        let g = worker_config("geisenheim", &env(), &Value::Null);
        let g = g.config.unwrap_or_default();
        assert_eq!(g["recipientSalt"], "salt-secret");
        assert!(
            g.get("environment").is_none(),
            "staging is the package's default"
        );
        let w = worker_config("westarp", &env(), &json!({ "type": "shop" }));
        assert_eq!(w.config.unwrap_or_default()["token"], "wt-secret");
        assert!(worker_config("kivitendo-order", &env(), &Value::Null)
            .config
            .is_some());
    }

    #[test]
    fn the_installation_sets_kivitendos_numbering_format_units_and_customer_numbers() {
        let mut e = env();
        e["KIVITENDO_OPTIONS"] = json!(
            r#"{"taxzoneId": 4, "currencyId": 1, "units": ["Stck", "Fl."], "customerNumber": "shop", "orderNumber": "kivitendo", "format": "json"}"#
        );
        let c = worker_config("kivitendo", &e, &Value::Null);
        assert!(c.issues.is_empty(), "{:?}", c.issues);
        let c = c.config.unwrap_or_default();
        assert_eq!(
            (c["units"][1].as_str(), c["customerNumber"].as_str()),
            (Some("Fl."), Some("shop"))
        );
        for key in ["units", "customerNumber", "orderNumber", "format"] {
            let caller = worker_config("kivitendo", &env(), &json!({ key: "x" }));
            assert_eq!(
                codes(&caller.issues),
                [(format!("options.{key}"), "option_not_allowed".to_owned())]
            );
        }
        let w = worker_config(
            "westarp",
            &json!({ "WESTARP_OPTIONS": r#"{"units": []}"# }),
            &Value::Null,
        );
        assert!(codes(&w.issues).contains(&(
            "env.WESTARP_OPTIONS.units".into(),
            "option_not_allowed".into()
        )));
    }

    #[test]
    fn callers_never_set_base_urls_credentials_or_the_salt() {
        for (target, key) in [
            ("geisenheim", "baseUrl"),
            ("geisenheim", "environment"),
            ("geisenheim", "password"),
            ("geisenheim", "recipientSalt"),
            ("kivitendo", "username"),
            ("kivitendo", "baseUrl"),
            ("kivitendo", "format"),
            ("kivitendo", "orderNumber"),
            ("westarp", "token"),
            ("westarp", "revealSecrets"),
            ("westarp", "typ"),
        ] {
            let c = worker_config(target, &env(), &json!({ key: "https://evil.example" }));
            assert!(c.config.is_none(), "{target} {key}");
            let issue = c.issues.iter().next().cloned().unwrap_or_else(|| panic!());
            assert_eq!(
                (issue.path.as_str(), issue.code.as_str()),
                (format!("options.{key}").as_str(), "option_not_allowed")
            );
            let allowed = Target::from_name(target).map_or("", |t| t.entry().caller_options[0]);
            assert!(
                issue.message.contains(allowed) && issue.message.contains("_BASE_URL"),
                "{}",
                issue.message
            );
        }
        let bad_env = worker_config(
            "kivitendo",
            &json!({ "KIVITENDO_OPTIONS": r#"{"baseUrl": "x"}"# }),
            &Value::Null,
        );
        let got = codes(&bad_env.issues);
        assert!(got.contains(&(
            "env.KIVITENDO_OPTIONS.baseUrl".into(),
            "option_not_allowed".into()
        )));
        assert!(got.contains(&(
            "env.KIVITENDO_PASSWORD".into(),
            "missing_configuration".into()
        )));
        assert_eq!(
            codes(&worker_config("amazon", &env(), &Value::Null).issues),
            [("target".into(), "unknown_target".into())]
        );
    }

    #[test]
    fn keys_come_from_the_header_else_the_document_ids() {
        let order = json!({ "number": "10023", "invoiceId": 3459872 });
        let key =
            |t: &str, op: &str, input: &Value, h: Option<&str>| delivery_key(t, op, input, h).key;
        assert_eq!(
            key("geisenheim", "createOrder", &order, None).as_deref(),
            Some("3459872")
        );
        assert_eq!(
            key("kivitendo", "createOrder", &order, None).as_deref(),
            Some("10023")
        );
        assert_eq!(
            key("westarp", "createOrder", &order, Some(" abc-1 ")).as_deref(),
            Some("abc-1")
        );
        assert_eq!(
            key("geisenheim", "cancelOrder", &json!(3459872), None).as_deref(),
            Some("cancel:3459872")
        );
        let missing = delivery_key("geisenheim", "createOrder", &json!({ "number": "1" }), None);
        assert_eq!(
            codes(&missing.issues),
            [("invoiceId".into(), "missing_idempotency_key".into())]
        );
        let bad = delivery_key("westarp", "createOrder", &order, Some("a b"));
        assert_eq!(bad.key, None);
        assert_eq!(bad.issues.len(), 1);
    }

    #[test]
    fn outcomes_settle_deliveries_with_doubling_backoff_until_dead() {
        let none = json!({});
        let s = settle(
            Outcome::Accepted,
            &json!([{ "id": "76.2944" }]),
            1,
            &none,
            0.0,
        );
        assert_eq!(
            (s.status, s.http_status, s.upstream_id.as_deref()),
            ("accepted", 200, Some("76.2944"))
        );
        let s = settle(
            Outcome::Accepted,
            &json!({ "orderId": 101, "customerId": 7 }),
            1,
            &none,
            0.0,
        );
        assert_eq!(s.upstream_id.as_deref(), Some("101"));
        assert_eq!(
            settle(Outcome::Rejected, &none, 1, &none, 0.0).http_status,
            422
        );
        assert_eq!(
            settle(Outcome::AuthFailed, &none, 1, &none, 0.0).status,
            "auth_failed"
        );
        let q = |n, r| settle(Outcome::Retry, &none, n, &none, r);
        assert_eq!(
            (q(1, 0.0).status, q(1, 0.0).retry_in_seconds),
            ("queued", Some(30))
        );
        assert_eq!(q(2, 0.0).retry_in_seconds, Some(60));
        assert_eq!(q(3, 0.999).retry_in_seconds, Some(149));
        assert_eq!((q(8, 0.0).status, q(8, 0.0).http_status), ("dead", 502));
        let env = json!({ "MAX_ATTEMPTS": "2", "RETRY_BASE_SECONDS": "5" });
        assert_eq!(
            settle(Outcome::Retry, &none, 1, &env, 0.0).retry_in_seconds,
            Some(5)
        );
        assert_eq!(settle(Outcome::Retry, &none, 2, &env, 0.0).status, "dead");
        let long = json!({ "MAX_ATTEMPTS": "30" });
        assert_eq!(
            settle(Outcome::Retry, &none, 20, &long, 0.9).retry_in_seconds,
            Some(MAX_DELAY_SECONDS)
        );
        for by_operator in [false, true] {
            assert!(["rejected", "dead", "auth_failed"]
                .iter()
                .all(|s| may_resend(s, by_operator)));
            assert!(["accepted", "queued", "cancelled"]
                .iter()
                .all(|s| !may_resend(s, by_operator)));
        }
        assert!(may_resend("uncertain", true) && !may_resend("uncertain", false));
    }

    #[test]
    fn redaction_removes_configured_secrets_and_vlb_credentials() {
        let mut v = json!({
            "message": "token wt-secret is not valid; got Basic YXBpQHRlc3QuZGU6cHcxNDE4MTk=",
            "publishers": [{ "id": 51, "vlb_user": "wundersam-652", "vlb_pass": "624de7eb38",
                             "vlb_token": "174ccbd8", "vlb_media_token": null }],
            "nested": [["kivi-secret and caller-token"]],
        });
        redact(&mut v, &env());
        assert_eq!(
            v,
            json!({
                "message": "token [redacted] is not valid; got Basic [redacted]",
                "publishers": [{ "id": 51, "vlb_user": "wundersam-652", "vlb_pass": "[redacted]",
                                 "vlb_token": "[redacted]", "vlb_media_token": null }],
                "nested": [["[redacted] and [redacted]"]],
            })
        );
    }

    #[test]
    fn redaction_finds_secrets_in_keys_in_any_case_percent_encoded_and_in_base64() {
        use base64::Engine as _;
        let env = json!({
            "KONTOR_HMAC_SECRET": "hmac/Secret+42 x", "SHOPIFY_WEBHOOK_SECRET": "shpss_0123abcdef",
            "SHOPIFY_WEBHOOK_SECRET_SHOP2": "second-shop-secret", "WESTARP_BASE_URL": "https://w.example",
        });
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let b64u = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let mut v = json!({
            "shpss_0123abcdef": "a key",
            "upper": "SHPSS_0123ABCDEF",
            "url": "https://x.example/?s=hmac%2FSecret%2B42%20x&t=hmac%2fsecret%2b42+x",
            "b64": [b64("shpss_0123abcdef"), b64("xshpss_0123abcdef"), b64("xxshpss_0123abcdef"), b64u("??second-shop-secret")],
            "kept": "https://w.example and shpss_0123",
        });
        redact(&mut v, &env);
        let text = v.to_string();
        for secret in ["shpss_0123abcdef", "second-shop-secret", "hmac/Secret+42 x"] {
            for form in [secret.to_owned(), secret.to_uppercase(), b64(secret)] {
                assert!(
                    !text.to_lowercase().contains(&form.to_lowercase()),
                    "{form} in {text}"
                );
            }
        }
        assert_eq!(v["[redacted]"], "a key");
        assert_eq!(v["upper"], "[redacted]");
        assert_eq!(v["url"], "https://x.example/?s=[redacted]&t=[redacted]");
        for b in v["b64"].as_array().into_iter().flatten() {
            assert!(b.as_str().is_some_and(|s| s.contains("[redacted]")), "{b}");
        }
        assert_eq!(
            v["kept"], "https://w.example and shpss_0123",
            "a part of a secret is not one"
        );
        assert!(
            is_secret_name("SHOPIFY_WEBHOOK_SECRET_SHOP2") && !is_secret_name("WESTARP_BASE_URL")
        );
        // The pull's API keys, also with a shop's suffix; not a longer name that only starts so.
        assert!(is_secret_name("WOOCOMMERCE_CONSUMER_KEY"));
        assert!(is_secret_name("WOOCOMMERCE_CONSUMER_KEY_SECOND"));
        assert!(!is_secret_name("WOOCOMMERCE_CONSUMER_KEYS"));
        assert!(!is_secret_name("SHOPIFY_API_BASE_URL"));
    }

    #[test]
    fn a_request_that_may_have_gone_out_is_looked_up_resumed_or_left_to_the_operator() {
        assert_eq!(when_possibly_sent("kivitendo", "createOrder"), "resume");
        assert_eq!(when_possibly_sent("westarp", "createOrder"), "lookup");
        assert_eq!(when_possibly_sent("geisenheim", "cancelOrder"), "resend");
        assert_eq!(when_possibly_sent("geisenheim", "createOrder"), "uncertain");
    }

    #[test]
    fn a_cancel_stops_its_create_or_waits_for_it() {
        let p = |c| {
            let p = cancel_plan(c);
            (p.cancel_create, p.send, p.wait)
        };
        assert_eq!(p(None), (false, true, false));
        assert_eq!(
            p(Some(("queued", 0, false))),
            (true, false, false),
            "never sent: nothing upstream"
        );
        assert_eq!(
            p(Some(("queued", 2, false))),
            (true, true, false),
            "may have arrived"
        );
        assert_eq!(
            p(Some(("queued", 0, true))),
            (false, false, true),
            "out right now: wait"
        );
        assert_eq!(p(Some(("accepted", 1, false))), (false, true, false));
        assert_eq!(p(Some(("uncertain", 1, false))), (true, true, false));
        assert_eq!(p(Some(("dead", 8, false))), (true, true, false));
        assert_eq!(p(Some(("rejected", 1, false))), (true, false, false));
        assert_eq!(p(Some(("cancelled", 0, false))), (false, false, false));
    }

    #[test]
    fn webhooks_come_only_from_configured_shops_each_with_its_secret() {
        let env = json!({
            "SHOPIFY_SHOPS": "weingut-a.myshopify.com, Weingut-B.myshopify.com",
            "WOOCOMMERCE_SHOPS": r#"{"https://shop-a.example/": "WOOCOMMERCE_WEBHOOK_SECRET", "https://shop-b.example": "WOOCOMMERCE_WEBHOOK_SECRET_B"}"#,
        });
        let w = webhook_shop("shopify", Some("weingut-b.myshopify.com"), &env);
        assert_eq!(
            (w.shop.as_deref(), w.secret.as_deref()),
            (
                Some("weingut-b.myshopify.com"),
                Some("SHOPIFY_WEBHOOK_SECRET")
            )
        );
        let w = webhook_shop("woocommerce", Some("https://shop-b.example/"), &env);
        assert_eq!(
            (w.shop.as_deref(), w.secret.as_deref()),
            (
                Some("https://shop-b.example"),
                Some("WOOCOMMERCE_WEBHOOK_SECRET_B")
            )
        );
        let unknown = webhook_shop(
            "shopify",
            Some("evil-guess-of-a-secret.myshopify.com"),
            &env,
        );
        assert_eq!(
            codes(&unknown.issues),
            [("shop".into(), "unknown_shop".into())]
        );
        assert!(
            !unknown.issues.iter().any(|i| i.message.contains("evil")),
            "no echo"
        );
        assert_eq!(
            codes(&webhook_shop("shopify", None, &env).issues),
            [("shop".into(), "unknown_shop".into())]
        );
        let none = webhook_shop("shopify", Some("a.myshopify.com"), &json!({}));
        assert_eq!(
            codes(&none.issues),
            [("env.SHOPIFY_SHOPS".into(), "missing_configuration".into())]
        );
        let bad = webhook_shop(
            "woocommerce",
            Some("https://a.example"),
            &json!({ "WOOCOMMERCE_SHOPS": r#"{"https://a.example": "WOO_URL"}"# }),
        );
        assert_eq!(
            codes(&bad.issues),
            [("env.WOOCOMMERCE_SHOPS".into(), "invalid_value".into())]
        );
        assert_eq!(
            shop_order_key("shopware6", "sw-1", "10023"),
            "shopware6:sw-1:10023"
        );
    }

    #[test]
    fn retried_kivitendo_creates_ask_upstream_first() {
        let st = json!({ "step": "createOrder", "customerId": 7, "createdCustomer": true, "createdOrder": false });
        assert_eq!(resume_state("kivitendo", &st)["step"], "findOrder");
        assert_eq!(resume_state("kivitendo", &st)["customerId"], 7);
        let st =
            json!({ "step": "createCustomer", "createdCustomer": false, "createdOrder": false });
        assert_eq!(resume_state("kivitendo", &st)["step"], "findCustomer");
        let st = json!({ "step": "findOrder", "customerId": 7 });
        assert_eq!(resume_state("kivitendo", &st), st);
        assert_eq!(
            resume_state("westarp", &json!({ "step": "createOrder" }))["step"],
            "createOrder"
        );
    }

    #[test]
    fn westarp_is_asked_before_an_order_is_sent_again() {
        assert_eq!(
            lookup_before_resend("westarp", "createOrder").map(|(op, _)| op),
            Some("listOrders")
        );
        assert!(lookup_before_resend("geisenheim", "createOrder").is_none());
        assert!(lookup_before_resend("kivitendo", "createOrder").is_none());
        let list = r#"{"data":[{"id":"74.1121","content":{"publisher_id":74,"code":"545515 8884 AAZ","status":"pending"}}],"current_page":1,"last_page":1}"#;
        let payload = json!({ "code": "545515 8884 AAZ" });
        let f = find_sent("westarp", &payload, 200, list);
        assert_eq!(
            (f.result, f.upstream_id.as_deref()),
            ("found", Some("74.1121"))
        );
        assert_eq!(
            find_sent("westarp", &json!({ "code": "other" }), 200, list).result,
            "absent"
        );
        assert_eq!(find_sent("westarp", &payload, 503, "").result, "unknown");
        assert_eq!(
            find_sent("westarp", &payload, 200, "<html>").result,
            "unknown"
        );
    }

    #[test]
    fn first_invoice_id_is_required_and_a_whole_number() {
        assert_eq!(
            first_invoice_id(&json!({"GEISENHEIM_FIRST_INVOICE_ID": " 5000 "})).0,
            Some(5000)
        );
        for (env, code) in [
            (json!({}), "missing_configuration"),
            (json!({"GEISENHEIM_FIRST_INVOICE_ID": "0"}), "invalid_value"),
            (
                json!({"GEISENHEIM_FIRST_INVOICE_ID": "12a"}),
                "invalid_value",
            ),
        ] {
            let (id, issues) = first_invoice_id(&env);
            assert_eq!(id, None);
            assert_eq!(
                codes(&issues),
                [(
                    "env.GEISENHEIM_FIRST_INVOICE_ID".to_owned(),
                    code.to_owned()
                )]
            );
            assert!(issues.iter().next().is_some_and(|i| i
                .message
                .contains("set it to the first id the worker may give")));
        }
    }

    #[test]
    fn refund_bookings_sorts_new_refunds_into_inline_return_and_note() {
        let order = json!({"number": "1001", "invoiceId": 7, "orderedAt": "2025-10-01T10:00:00Z", "shipping": {"cost": "5", "taxRate": "19"},
            "items": [{"sku": "A", "quantity": 6, "unitPrice": "9.5", "taxRate": "19"}, {"sku": "B", "quantity": 2, "unitPrice": "20", "taxRate": "19"}, {"sku": "A", "quantity": -1, "unitPrice": "9.5", "taxRate": "19"}]});
        let refunds = json!([
            {"id": "r1", "at": "2025-10-02T22:30:00Z", "amount": "9.5", "lines": [{"sku": "A", "quantity": 1}]},
            {"id": "r2", "at": "2025-10-05T08:00:00Z", "amount": "49", "lines": [{"sku": "A", "quantity": 3}, {"sku": "B", "quantity": 1}]},
            {"id": "r3", "amount": "5", "lines": []},
            {"id": "r4", "lines": [{"sku": "Z", "quantity": 1}]},
            {"amount": "1", "lines": [{"sku": "A", "quantity": 1}]}
        ]);
        let later = refund_bookings(&order, &refunds, &json!(["r1"]), false);
        let hows: Vec<(&str, &str)> = later
            .iter()
            .map(|b| (b.refund_id.as_str(), b.how))
            .collect();
        assert_eq!(
            hows,
            [
                ("r2", "return"),
                ("r3", "note"),
                ("r4", "note"),
                ("#4", "note")
            ]
        );
        let r2 = later[0].order.as_ref().unwrap();
        assert_eq!(
            r2["items"],
            json!([{"sku": "A", "quantity": -3, "unitPrice": "9.5", "taxRate": "19"}, {"sku": "B", "quantity": -1, "unitPrice": "20", "taxRate": "19"}])
        );
        assert_eq!(r2["invoiceDate"], "2025-10-05");
        assert!(r2.get("invoiceId").is_none());
        assert_eq!(r2["shipping"], json!({"cost": "0", "taxRate": "19"}));
        assert_eq!(r2["number"], "1001");
        assert_eq!(
            codes(&later[1].issues),
            [("refunds[2]".to_owned(), "refund_without_lines".to_owned())]
        );
        assert_eq!(
            codes(&later[2].issues),
            [(
                "refunds[3].lines[0]".to_owned(),
                "refund_line_unknown".to_owned()
            )]
        );
        assert_eq!(
            codes(&later[3].issues),
            [("refunds[4]".to_owned(), "refund_without_id".to_owned())]
        );
        // The day in Germany: 22:30 UTC on 2 October is the 3rd in Berlin.
        let r1 = refund_bookings(&order, &refunds, &json!([]), false);
        assert_eq!(r1[0].order.as_ref().unwrap()["invoiceDate"], "2025-10-03");
        // The first event: refunds with lines are in the sale already.
        let first = refund_bookings(&order, &refunds, &json!([]), true);
        assert_eq!(
            first.iter().map(|b| b.how).collect::<Vec<_>>(),
            ["inline", "inline", "note", "inline", "note"]
        );
        assert!(refund_bookings(
            &order,
            &refunds,
            &json!(["r1", "r2", "r3", "r4", "#4"]),
            false
        )
        .is_empty());
    }

    #[test]
    fn shop_events_say_what_they_do() {
        assert_eq!(
            shop_event("woocommerce", "order.deleted"),
            Some("cancelled")
        );
        assert_eq!(shop_event("shopify", "refunds/create"), Some("refund"));
        assert_eq!(shop_event("shopify", "orders/cancelled"), Some("order"));
        assert_eq!(
            shop_event(
                "shopware6",
                "state_enter.order_transaction.state.refunded_partially"
            ),
            Some("partially_refunded")
        );
        assert_eq!(
            shop_event("shopware6", "state_enter.order.state.completed"),
            None
        );
        assert_eq!(shop_event("shopify", "order.deleted"), None);
    }
}
