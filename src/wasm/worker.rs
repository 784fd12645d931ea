//! Exports for the edge worker (`worker/`): the decisions of `crate::delivery`, converted at
//! the boundary like every other export.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::{options_json, read, write};
use crate::delivery;
use crate::http::Outcome;
use crate::issue::Issues;

#[wasm_bindgen(typescript_custom_section)]
const WORKER_TYPES: &'static str = r#"
/** The worker's variables and secrets, by name (docs/worker.md). */
export type WorkerEnv = { [name: string]: unknown };

/** `workerConfig()`'s answer: the configuration for `request()` / `kivitendoSync()` (it holds
 * credentials: never answer or log it), or the issues (`options.*`: the caller's, `env.*`:
 * the worker's configuration). */
export type WorkerConfigResult =
  | { ok: true; config: RequestConfig; issues: Issue[] }
  | { ok: false; issues: Issue[] };

/** `deliveryKey()`'s answer. */
export type DeliveryKeyResult = { ok: true; key: string; issues: Issue[] } | { ok: false; issues: Issue[] };

/** A delivery's status (docs/worker.md): `uncertain` when a request may have reached a
 * target that cannot be asked (the operator decides), `cancelled` for a create whose order was
 * cancelled before it was sent. */
export type DeliveryStatus = "accepted" | "rejected" | "queued" | "dead" | "auth_failed" | "uncertain" | "cancelled";

/** `whenPossiblySent()`'s answer: what a delivery does when an earlier request may have gone
 * out without a known answer. */
export type PossiblySent = "resume" | "lookup" | "resend" | "uncertain";

/** `cancelPlan()`'s answer: what a cancel does with the create of the same order. */
export interface CancelPlan { cancelCreate: boolean; send: boolean; wait: boolean }

/** `webhookShop()`'s answer: the configured shop and the name of its webhook secret. */
export type WebhookShopResult =
  | { ok: true; config: { shop: string; secret: string; single: boolean }; issues: Issue[] }
  | { ok: false; issues: Issue[] };

/** `settleDelivery()`'s answer. */
export interface SettledDelivery {
  status: DeliveryStatus;
  /** The worker's answer: 200, 202, 422 or 502. */
  httpStatus: 200 | 202 | 422 | 502;
  upstreamId?: string;
  /** For `queued`: seconds until the next attempt. */
  retryInSeconds?: number;
}

/** `findSent()`'s answer: the order is upstream already (`found`, with its id), is not
 * (`absent`: send it), or the look-up failed (`unknown`: try again later, send nothing). */
export interface FoundSent { result: "found" | "absent" | "unknown"; upstreamId: string | null }

/** `beforeResend()`'s answer: the state a retried delivery resumes from, and the look-up to
 * make before sending again (`request(target, lookup.operation, lookup.input, config)`). */
export interface BeforeResend { state: unknown; lookup: { operation: string; input: unknown } | null }

/** `firstInvoiceId()`'s answer: the first id of the worker's Geisenheim sequence. */
export type FirstInvoiceIdResult = { ok: true; id: number; issues: Issue[] } | { ok: false; issues: Issue[] };

/** `shopEvent()`'s answer: what a shop webhook's topic is. */
export type ShopEvent = "order" | "cancelled" | "refunded" | "partially_refunded" | "failed" | "refund";

/** One of `refundBookings()`'s answers: what a shop order's new refund does at Geisenheim
 * (`inline`: in the sale already; `return`: send `order`, a return booking; `note`: nothing
 * can be sent, `issues` say why). */
export interface RefundBooking { refundId: string; how: "inline" | "return" | "note"; order?: Order; issues: Issue[] }

"#;

/// `workerConfig(target, env, options?)`: the request configuration of a target from the
/// worker's variables and secrets and the options a caller may set.
#[wasm_bindgen(js_name = workerConfig, unchecked_return_type = "WorkerConfigResult")]
pub fn worker_config(
    target: &str,
    #[wasm_bindgen(unchecked_param_type = "WorkerEnv")] env: JsValue,
    #[wasm_bindgen(unchecked_param_type = "object | null | undefined")] options: Option<JsValue>,
) -> JsValue {
    let mut issues = Issues::new();
    let env = read(&env, "env", false, &mut issues).unwrap_or(Value::Null);
    let options = options_json(options, &mut issues).unwrap_or(Value::Null);
    let mut c = delivery::worker_config(target, &env, &options);
    issues.extend(c.issues);
    c.issues = issues;
    write(&c)
}

/// `deliveryKey(target, operation, input, header?)`: the idempotency key of a delivery.
#[wasm_bindgen(js_name = deliveryKey, unchecked_return_type = "DeliveryKeyResult")]
pub fn delivery_key(
    target: &str,
    operation: &str,
    #[wasm_bindgen(unchecked_param_type = "unknown")] input: JsValue,
    header: Option<String>,
) -> JsValue {
    let mut issues = Issues::new();
    let input = read(&input, "", false, &mut issues).unwrap_or(Value::Null);
    write(&delivery::delivery_key(
        target,
        operation,
        &input,
        header.as_deref(),
    ))
}

/// `settleDelivery(outcome, data, attempts, env)`: a delivery's status, HTTP answer, upstream
/// id and next attempt after an interpreted answer.
#[wasm_bindgen(js_name = settleDelivery, unchecked_return_type = "SettledDelivery")]
pub fn settle_delivery(
    #[wasm_bindgen(unchecked_param_type = "Outcome")] outcome: &str,
    #[wasm_bindgen(unchecked_param_type = "unknown")] data: JsValue,
    attempts: u32,
    #[wasm_bindgen(unchecked_param_type = "WorkerEnv")] env: JsValue,
) -> JsValue {
    let mut issues = Issues::new();
    let data = read(&data, "data", false, &mut issues).unwrap_or(Value::Null);
    let env = read(&env, "env", false, &mut issues).unwrap_or(Value::Null);
    let outcome = match outcome {
        "accepted" => Outcome::Accepted,
        "retry" => Outcome::Retry,
        "auth_failed" => Outcome::AuthFailed,
        _ => Outcome::Rejected,
    };
    write(&delivery::settle(
        outcome,
        &data,
        attempts,
        &env,
        js_sys::Math::random(),
    ))
}

/// `mayResend(status, byOperator?)`: whether an existing delivery may be sent again
/// (rejected, dead, auth_failed; uncertain only by the operator's retry) or is answered as it
/// is (accepted, queued, cancelled).
#[wasm_bindgen(js_name = mayResend)]
pub fn may_resend(
    #[wasm_bindgen(unchecked_param_type = "DeliveryStatus")] status: &str,
    by_operator: Option<bool>,
) -> bool {
    delivery::may_resend(status, by_operator.unwrap_or(false))
}

/// `whenPossiblySent(target, operation)`: what a delivery does when an earlier request may
/// have reached the target without its answer being known.
#[wasm_bindgen(js_name = whenPossiblySent, unchecked_return_type = "PossiblySent")]
pub fn when_possibly_sent(target: &str, operation: &str) -> String {
    delivery::when_possibly_sent(target, operation).to_owned()
}

/// `cancelPlan(status?, attempts, inFlight)`: what a cancel does with the create of the same
/// order (`status` undefined: no create known).
#[wasm_bindgen(js_name = cancelPlan, unchecked_return_type = "CancelPlan")]
pub fn cancel_plan(
    #[wasm_bindgen(unchecked_param_type = "DeliveryStatus | null | undefined")] status: Option<
        String,
    >,
    attempts: u32,
    in_flight: bool,
) -> JsValue {
    let p = delivery::cancel_plan(status.as_deref().map(|s| (s, attempts, in_flight)));
    write(&serde_json::json!({ "cancelCreate": p.cancel_create, "send": p.send, "wait": p.wait }))
}

/// `webhookShop(platform, claimed, env)`: the configured shop a webhook comes from and the
/// name of its secret, or `unknown_shop`.
#[wasm_bindgen(js_name = webhookShop, unchecked_return_type = "WebhookShopResult")]
pub fn webhook_shop(
    platform: &str,
    claimed: Option<String>,
    #[wasm_bindgen(unchecked_param_type = "WorkerEnv")] env: JsValue,
) -> JsValue {
    let mut issues = Issues::new();
    let env = read(&env, "env", false, &mut issues).unwrap_or(Value::Null);
    write(&delivery::webhook_shop(platform, claimed.as_deref(), &env))
}

/// `shopOrderKey(platform, shop, number)`: the delivery key of a shop's order.
#[wasm_bindgen(js_name = shopOrderKey)]
pub fn shop_order_key(platform: &str, shop: &str, number: &str) -> String {
    delivery::shop_order_key(platform, shop, number)
}

/// `redactSecrets(value, env)`: `value` without any secret of `env` (raw or as HTTP Basic)
/// nor Westarp's VLB credentials, for answers, delivery records and logs.
#[wasm_bindgen(js_name = redactSecrets, unchecked_return_type = "unknown")]
pub fn redact_secrets(
    #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WorkerEnv")] env: JsValue,
) -> JsValue {
    let mut issues = Issues::new();
    let mut v = read(&value, "value", false, &mut issues).unwrap_or(Value::Null);
    let env = read(&env, "env", false, &mut issues).unwrap_or(Value::Null);
    delivery::redact(&mut v, &env);
    write(&v)
}

/// `beforeResend(target, operation, state)`: what a retried delivery does before sending
/// again, since the lost answer's request may have gone through: the state it resumes from
/// (kivitendo: a pending create at its look-up) and the look-up to make first (Westarp: the
/// newest orders), or `lookup: null`.
#[wasm_bindgen(js_name = beforeResend, unchecked_return_type = "BeforeResend")]
pub fn before_resend(
    target: &str,
    operation: &str,
    #[wasm_bindgen(unchecked_param_type = "unknown")] state: JsValue,
) -> JsValue {
    let mut issues = Issues::new();
    let state = read(&state, "state", false, &mut issues).unwrap_or(Value::Null);
    let lookup = delivery::lookup_before_resend(target, operation)
        .map(|(op, input)| serde_json::json!({ "operation": op, "input": input }));
    write(&serde_json::json!({ "state": delivery::resume_state(target, &state), "lookup": lookup }))
}

/// `findSent(target, payload, status, body)`: whether the look-up's answer holds the order
/// about to be sent again.
#[wasm_bindgen(js_name = findSent, unchecked_return_type = "FoundSent")]
pub fn find_sent(
    target: &str,
    #[wasm_bindgen(unchecked_param_type = "unknown")] payload: JsValue,
    status: u16,
    body: &str,
) -> JsValue {
    let mut issues = Issues::new();
    let payload = read(&payload, "payload", false, &mut issues).unwrap_or(Value::Null);
    let f = delivery::find_sent(target, &payload, status, body);
    write(&serde_json::json!({ "result": f.result, "upstreamId": f.upstream_id }))
}

/// `firstInvoiceId(env)`: `GEISENHEIM_FIRST_INVOICE_ID`, the first id of the worker's gapless
/// Geisenheim sequence for shop webhook orders, or the issue saying what to set.
#[wasm_bindgen(js_name = firstInvoiceId, unchecked_return_type = "FirstInvoiceIdResult")]
pub fn first_invoice_id(
    #[wasm_bindgen(unchecked_param_type = "WorkerEnv")] env: JsValue,
) -> JsValue {
    let mut issues = Issues::new();
    let env = read(&env, "env", false, &mut issues).unwrap_or(Value::Null);
    let (id, own) = delivery::first_invoice_id(&env);
    issues.extend(own);
    let ok = id.is_some() && !issues.has_errors();
    let mut out = serde_json::json!({ "ok": ok, "issues": issues });
    if let (true, Some(id)) = (ok, id) {
        out["id"] = Value::from(id);
    }
    write(&out)
}

/// `refundBookings(order, refunds, booked, first)`: which of a shop order's refunds are new
/// (not in `booked`) and what each does at Geisenheim (`inline`, a `return` booking, or a
/// `note`).
#[wasm_bindgen(js_name = refundBookings, unchecked_return_type = "RefundBooking[]")]
pub fn refund_bookings(
    #[wasm_bindgen(unchecked_param_type = "unknown")] order: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ShopRefund[]")] refunds: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string[]")] booked: JsValue,
    first: bool,
) -> JsValue {
    let mut issues = Issues::new();
    let order = read(&order, "order", false, &mut issues).unwrap_or(Value::Null);
    let refunds = read(&refunds, "refunds", false, &mut issues).unwrap_or(Value::Null);
    let booked = read(&booked, "booked", false, &mut issues).unwrap_or(Value::Null);
    write(&delivery::refund_bookings(&order, &refunds, &booked, first))
}

/// `shopifyRefund(body)`: a Shopify refund object on its own (the `refunds/create` webhook's
/// body, JSON text: its ids exceed 2^53) as `fromShopOrder` lists refunds, and its `order_id`
/// as text.
#[wasm_bindgen(js_name = shopifyRefund, unchecked_return_type = "{ refund: ShopRefund; orderId: string | null }")]
pub fn shopify_refund(body: &str) -> JsValue {
    let raw: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let order_id = match raw.get("order_id") {
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    write(
        &serde_json::json!({ "refund": crate::sources::platforms::shopify::refund(&raw), "orderId": order_id }),
    )
}

/// `shopEvent(platform, topic)`: what a shop webhook's topic is (`order`, `cancelled`,
/// `refunded`, `partially_refunded`, `failed`, `refund`), or null: not acted on.
#[wasm_bindgen(js_name = shopEvent, unchecked_return_type = "ShopEvent | null")]
pub fn shop_event(platform: &str, topic: &str) -> JsValue {
    delivery::shop_event(platform, topic).map_or(JsValue::NULL, JsValue::from_str)
}
