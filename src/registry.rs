//! The one list of targets and sources. Every part of kontor that handles a target or a source
//! by name (`dispatch`, `delivery`, `fuzzing`, the body path, `explain`, the Wasm exports
//! `targets()` and `sources()`, and through them the worker and the admin page) reads it here.
//!
//! Names (ARCHITECTURE.md "Layout"): a [`Target`] is where orders go, a [`Source`] where they
//! come from, an [`Api`] either of them as `request()` and `interpretResponse()` address it.
//! Each target's entry lives in its own folder (`targets/<name>/mod.rs`, `ENTRY`), each
//! source's in its module; the enums are matched exhaustively, so a new variant without an
//! entry does not compile.

use serde_json::Value;

use crate::body::Body;
use crate::catalogue::Catalogue;
use crate::explain::{Explained, Rule};
use crate::http::{Interpreted, Request};
use crate::issue::Issues;
use crate::order::Order;
use crate::sources::{kvik, omniseller, platforms};
use crate::targets::{geisenheim, kivitendo, westarp};

/// Where orders go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The Geisenheim Weinwirtschaftsportal (`targets/geisenheim/`).
    Geisenheim,
    /// kivitendo's REST API (`targets/kivitendo/`).
    Kivitendo,
    /// Westarp Verlagsservice (`targets/westarp/`).
    Westarp,
}

/// Where orders come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// OmniSeller HTKService4, asked by the scheduled sync (`sources/omniseller.rs`).
    Omniseller,
    /// kvik.shop's App API, asked by the scheduled sync (`sources/kvik.rs`).
    Kvik,
    /// WooCommerce, by webhook (`sources/platforms/woocommerce.rs`).
    Woocommerce,
    /// Shopware 6, by webhook (`sources/platforms/shopware6.rs`).
    Shopware6,
    /// Shopify, by webhook (`sources/platforms/shopify.rs`).
    Shopify,
}

/// What `request()` and `interpretResponse()` address: a target, or a source with an API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    /// A target.
    Target(Target),
    /// A source.
    Source(Source),
}

/// One of the worker's environment variables that a target or source reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvVar {
    /// The variable's name (`GEISENHEIM_BASE_URL`).
    pub name: &'static str,
    /// The request configuration's key it fills (`baseUrl`), or `""` when it fills none.
    pub key: &'static str,
    /// The target cannot be configured without it.
    pub required: bool,
    /// A secret (`wrangler secret put`): never answered, stored or logged.
    pub secret: bool,
}

/// A shorthand for the entries' tables.
pub const fn env(name: &'static str, key: &'static str, required: bool, secret: bool) -> EnvVar {
    EnvVar {
        name,
        key,
        required,
        secret,
    }
}

/// Builds a request: `(operation, input as JSON text, config, catalogue, now, issues)`.
pub type RequestFn =
    fn(&str, &str, &Value, Option<&Catalogue>, i64, &mut Issues) -> Option<Request>;
/// Reads an answer: `(operation, status, body, now)`.
pub type InterpretFn = fn(&str, u16, &str, i64) -> Interpreted;

/// An API's operations and how its requests are built and its answers read.
#[derive(Clone, Copy)]
pub struct Requests {
    /// Its operations by name (`createOrder`, …).
    pub operations: &'static [&'static str],
    /// Builds a request.
    pub build: RequestFn,
    /// Reads an answer.
    pub interpret: InterpretFn,
}

/// An order document a target builds (Geisenheim's order, kivitendo's `<customer>`, …).
#[derive(Clone, Copy)]
pub struct OrderDocument {
    /// Its name, as `validateOrder(order, { target })` takes it (`kivitendo-order`).
    pub name: &'static str,
    /// The package's builder of it (`toKivitendoOrderXml`).
    pub builder: &'static str,
    /// Every issue of an order (read, with its own issues) for this document with `options`.
    pub check: fn(&Order, Issues, &Value) -> Issues,
    /// The builder on the body path: order JSON text and options → the request body.
    pub body: fn(&str, &Value, Issues) -> Body,
    /// Its lineage table, in parts: payload fields → order fields and rule (`explain: true`).
    pub lineage: &'static [&'static [Rule]],
    /// The lineage of every field of a built payload (the table, expanded).
    pub explain: fn(&Value, &Value) -> Vec<Explained>,
}

/// What a delivery does when a request of it may have gone out without a known answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PossiblySent {
    /// Resume the target's sync state, which looks its pending create up first (kivitendo).
    Resume,
    /// Ask the target with [`Lookup`] before sending again (Westarp).
    Lookup,
    /// Send again: the operation is idempotent upstream (Geisenheim's cancel).
    Resend,
    /// Leave it to the operator: the target cannot be asked.
    Uncertain,
}

impl PossiblySent {
    /// Its name as the worker reads it.
    pub fn name(self) -> &'static str {
        match self {
            PossiblySent::Resume => "resume",
            PossiblySent::Lookup => "lookup",
            PossiblySent::Resend => "resend",
            PossiblySent::Uncertain => "uncertain",
        }
    }
}

/// What a target looks up before it sends an operation again whose answer was lost.
#[derive(Clone, Copy)]
pub struct Lookup {
    /// The operation this look-up guards (`createOrder`).
    pub operation: &'static str,
    /// The operation that asks (`listOrders`).
    pub asks: &'static str,
    /// Its input, JSON text (`{"page": 1}`).
    pub input: &'static str,
    /// In the look-up's answer (JSON), the upstream id of the payload about to be sent, if
    /// it is there.
    pub find: fn(&Value, &Value) -> Option<String>,
}

/// The idempotency key of a target's operations, when the caller gives no `Idempotency-Key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// The field of a `createOrder` input that keys it (`invoiceId`, `number`).
    pub field: &'static str,
    /// The operation whose input is itself the key, prefixed `cancel:` (Geisenheim's
    /// `cancelOrder` takes the invoice id).
    pub cancel: Option<&'static str>,
}

/// Everything about a target.
#[derive(Clone, Copy)]
pub struct TargetEntry {
    /// Its name in the API (`geisenheim`).
    pub name: &'static str,
    /// Its name for people (`Geisenheim Weinwirtschaftsportal`).
    pub title: &'static str,
    /// Its operations and requests.
    pub requests: Requests,
    /// The order documents it builds.
    pub documents: &'static [OrderDocument],
    /// The options a caller of the worker may set; everything else is refused (above all
    /// base URLs, credentials, the environment and salts).
    pub caller_options: &'static [&'static str],
    /// The options only the installation sets, in `<NAME>_OPTIONS` (beside the caller's).
    pub installation_options: &'static [&'static str],
    /// The worker's variables and secrets it reads.
    pub env: &'static [EnvVar],
    /// Its idempotency key.
    pub idempotency_key: IdempotencyKey,
    /// What an operation does when it may have been sent without a known answer.
    pub possibly_sent: fn(&str) -> PossiblySent,
    /// What it looks up before sending again, where it can be asked.
    pub lookup: Option<Lookup>,
    /// Where a retried delivery resumes its sync state (kivitendo: at the look-up of a
    /// pending create); others return the state unchanged.
    pub resume: fn(&Value) -> Value,
    /// Its TypeScript declaration file, under `src/` (`targets/<name>/<name>.d.ts`; only its
    /// name here: the text is in the package's declarations, not in the module).
    pub declarations: &'static str,
}

/// How orders come from a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// The worker's scheduled sync asks the source (`SYNC_SOURCE`).
    Sync,
    /// The source sends a signed webhook.
    Webhook,
}

impl Arrival {
    /// Its name in `sources()`.
    pub fn name(self) -> &'static str {
        match self {
            Arrival::Sync => "sync",
            Arrival::Webhook => "webhook",
        }
    }
}

/// Everything about a source.
#[derive(Clone, Copy)]
pub struct SourceEntry {
    /// Its name in the API (`omniseller`, `shopify`).
    pub name: &'static str,
    /// Its name for people.
    pub title: &'static str,
    /// How its orders arrive.
    pub arrival: Arrival,
    /// Its operations and requests, when kontor asks it.
    pub requests: Option<Requests>,
    /// The worker's variables and secrets it reads.
    pub env: &'static [EnvVar],
    /// Its TypeScript declaration file, under `src/`.
    pub declarations: &'static str,
}

impl Target {
    /// Every target, in the order they are listed.
    pub const ALL: &'static [Target] = &[Target::Geisenheim, Target::Kivitendo, Target::Westarp];

    /// Its entry.
    pub fn entry(self) -> &'static TargetEntry {
        match self {
            Target::Geisenheim => &geisenheim::ENTRY,
            Target::Kivitendo => &kivitendo::ENTRY,
            Target::Westarp => &westarp::ENTRY,
        }
    }

    /// Its name in the API.
    pub fn name(self) -> &'static str {
        self.entry().name
    }

    /// The target named `name`.
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.iter().copied().find(|t| t.name() == name)
    }

    /// Every target's name.
    pub fn names() -> Vec<&'static str> {
        Target::ALL.iter().map(|t| t.name()).collect()
    }
}

impl Source {
    /// Every source, in the order they are listed.
    pub const ALL: &'static [Source] = &[
        Source::Omniseller,
        Source::Kvik,
        Source::Woocommerce,
        Source::Shopware6,
        Source::Shopify,
    ];

    /// Its entry.
    pub fn entry(self) -> &'static SourceEntry {
        match self {
            Source::Omniseller => &omniseller::ENTRY,
            Source::Kvik => &kvik::ENTRY,
            Source::Woocommerce => &platforms::woocommerce::ENTRY,
            Source::Shopware6 => &platforms::shopware6::ENTRY,
            Source::Shopify => &platforms::shopify::ENTRY,
        }
    }

    /// Its name in the API.
    pub fn name(self) -> &'static str {
        self.entry().name
    }

    /// The source named `name`.
    pub fn from_name(name: &str) -> Option<Source> {
        Source::ALL.iter().copied().find(|s| s.name() == name)
    }
}

impl Api {
    /// Every API `request()` addresses: the targets, then the sources kontor asks.
    pub fn all() -> Vec<Api> {
        let targets = Target::ALL.iter().map(|&t| Api::Target(t));
        let sources = Source::ALL
            .iter()
            .filter(|s| s.entry().requests.is_some())
            .map(|&s| Api::Source(s));
        targets.chain(sources).collect()
    }

    /// The API named `name`.
    pub fn from_name(name: &str) -> Option<Api> {
        Api::all().into_iter().find(|a| a.name() == name)
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Api::Target(t) => t.name(),
            Api::Source(s) => s.name(),
        }
    }

    /// Its requests (every API of [`Api::all`] has them).
    pub fn requests(self) -> Option<&'static Requests> {
        match self {
            Api::Target(t) => Some(&t.entry().requests),
            Api::Source(s) => s.entry().requests.as_ref(),
        }
    }

    /// Every API's name, for messages.
    pub fn names() -> Vec<&'static str> {
        Api::all().into_iter().map(Api::name).collect()
    }
}

/// Every order document of every target, in order.
pub fn documents() -> impl Iterator<Item = (Target, &'static OrderDocument)> {
    Target::ALL
        .iter()
        .flat_map(|&t| t.entry().documents.iter().map(move |d| (t, d)))
}

/// The order document named `name` (`geisenheim`, `kivitendo-order`) and its target.
pub fn document(name: &str) -> Option<(Target, &'static OrderDocument)> {
    documents().find(|(_, d)| d.name == name)
}

/// Every secret's name: the targets' and sources', then the worker's own.
pub fn secrets() -> Vec<&'static str> {
    let own = ["KONTOR_API_TOKEN", "KONTOR_HMAC_SECRET"];
    let targets = Target::ALL.iter().flat_map(|t| t.entry().env.iter());
    let sources = Source::ALL.iter().flat_map(|s| s.entry().env.iter());
    targets
        .chain(sources)
        .filter(|v| v.secret)
        .map(|v| v.name)
        .chain(own)
        .collect()
}

/// The names of `env`'s variables that are secrets (`secret`) or not.
pub fn env_names(env: &[EnvVar], secret: bool) -> Vec<&'static str> {
    env.iter()
        .filter(|v| v.secret == secret)
        .map(|v| v.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The declaration file `path` (under `src/`) exists and holds `word`.
    fn declares(path: &str, word: &str) -> bool {
        let file = format!("{}/src/{path}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(file).is_ok_and(|t| t.contains(word))
    }

    /// A test fails when an entry lacks any part.
    #[test]
    fn every_target_entry_has_every_part() {
        for &t in Target::ALL {
            let e = t.entry();
            let n = e.name;
            assert_eq!(Target::from_name(n), Some(t));
            assert!(!e.title.is_empty(), "{n}: title");
            assert!(!e.requests.operations.is_empty(), "{n}: operations");
            assert!(
                e.requests.operations.contains(&"createOrder"),
                "{n}: createOrder"
            );
            assert!(!e.documents.is_empty(), "{n}: documents");
            for d in e.documents {
                assert!(d.name.starts_with(n), "{n}: document {}", d.name);
                assert!(d.builder.starts_with("to"), "{n}: builder {}", d.builder);
                assert!(
                    d.lineage.iter().all(|t| !t.is_empty()) && !d.lineage.is_empty(),
                    "{n}: lineage of {}",
                    d.name
                );
            }
            assert!(!e.caller_options.is_empty(), "{n}: caller options");
            let prefix = n.to_ascii_uppercase() + "_";
            assert!(!e.env.is_empty(), "{n}: environment");
            assert!(e.env.iter().all(|v| v.name.starts_with(&prefix)), "{n}");
            assert!(e.env.iter().any(|v| v.key == "baseUrl"), "{n}: base URL");
            assert!(e.env.iter().any(|v| v.secret), "{n}: secrets");
            for v in e.env {
                assert!(
                    !e.caller_options.contains(&v.key),
                    "{n}: callers never set {}",
                    v.key
                );
            }
            assert!(!e.idempotency_key.field.is_empty(), "{n}: idempotency key");
            for op in e.requests.operations {
                let _ = (e.possibly_sent)(op);
            }
            if let Some(l) = e.lookup {
                assert_eq!((e.possibly_sent)(l.operation), PossiblySent::Lookup);
                assert!(e.requests.operations.contains(&l.asks), "{n}: {}", l.asks);
                assert!(serde_json::from_str::<Value>(l.input).is_ok(), "{n}");
            }
            assert_eq!(e.declarations, format!("targets/{n}/{n}.d.ts"));
            assert!(declares(e.declarations, "Operations"), "{n}: declarations");
        }
    }

    #[test]
    fn every_source_entry_has_every_part() {
        for &s in Source::ALL {
            let e = s.entry();
            let n = e.name;
            assert_eq!(Source::from_name(n), Some(s));
            assert!(!e.title.is_empty(), "{n}: title");
            assert!(!e.env.is_empty(), "{n}: environment");
            assert!(e.env.iter().any(|v| v.secret), "{n}: secrets");
            match e.arrival {
                Arrival::Sync => {
                    let r = e.requests.as_ref().map(|r| r.operations);
                    assert!(r.is_some_and(|o| !o.is_empty()), "{n}: operations");
                }
                Arrival::Webhook => {
                    assert!(platforms::PLATFORMS.contains(&n), "{n}: platform");
                }
            }
            assert!(declares(e.declarations, "export"), "{n}: declarations");
        }
    }

    #[test]
    fn names_are_unique_and_apis_are_targets_then_synced_sources() {
        let mut names: Vec<_> = Target::ALL.iter().map(|t| t.name()).collect();
        names.extend(Source::ALL.iter().map(|s| s.name()));
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        assert_eq!(
            Api::names(),
            ["geisenheim", "kivitendo", "westarp", "omniseller", "kvik"]
        );
        assert!(Api::from_name("shopify").is_none());
        let webhooks: Vec<_> = Source::ALL
            .iter()
            .filter(|s| s.entry().arrival == Arrival::Webhook)
            .map(|s| s.name())
            .collect();
        assert_eq!(webhooks, platforms::PLATFORMS);
        assert_eq!(
            documents().map(|(_, d)| d.name).collect::<Vec<_>>(),
            [
                "geisenheim",
                "kivitendo-customer",
                "kivitendo-order",
                "westarp"
            ]
        );
        let secrets = secrets();
        for s in [
            "GEISENHEIM_RECIPIENT_SALT",
            "KIVITENDO_PASSWORD",
            "WESTARP_TOKEN",
            "OMNISELLER_PASSWORD",
            "KVIK_TOKEN",
            "SHOPWARE_APP_SECRET",
            "KONTOR_API_TOKEN",
        ] {
            assert!(secrets.contains(&s), "{s}");
        }
        assert!(!secrets.contains(&"GEISENHEIM_BASE_URL"));
    }
}
