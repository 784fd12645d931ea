// Shop webhooks (issue 15): `POST /v1/webhooks/{woocommerce|shopware6|shopify}`. Each route
// checks the platform's own signature over the raw body (WebCrypto, constant time), maps the
// order with kontor's fromShopOrder, completes it from the stored catalogue, refuses it when a
// SKU is missing there (kontor's missingFromCatalogue), and queues one delivery per target of
// WEBHOOK_TARGETS. The delivery key is the platform and the shop's order number, both from the
// signed body, claimed in D1 before anything is queued: a shop's retried (or updated) webhook
// finds the first delivery and is answered from the ledger.
import { fromShopOrder, missingFromCatalogue, webhookShop, shopOrderKey, cancelPlan, type CatalogueEntry, type Issue, type ShopPlatform } from "kontor";
import { type Env, vars } from "./env";
import { issue } from "./http";
import { enqueue } from "./deliver";
import * as catalogue from "./catalogue";
import * as shopware from "./shopware";
import { macBytes, verifyHmac } from "./auth";
import * as ledger from "./ledger";

export const PLATFORMS: ShopPlatform[] = ["woocommerce", "shopware6", "shopify"];
const ORDER_TARGETS = ["geisenheim", "kivitendo", "westarp"];

/** Each platform's signature: the secret's name, the header, and how the MAC is written. */
const SIGNATURES: Record<ShopPlatform, { secret: string; header: string; encoding: "base64" | "hex" }> = {
  // WooCommerce: base64 HMAC-SHA256 of the body with the webhook's secret.
  woocommerce: { secret: "WOOCOMMERCE_WEBHOOK_SECRET", header: "X-WC-Webhook-Signature", encoding: "base64" },
  // Shopware 6 app system: hex HMAC-SHA256 of the body with the shop secret the app (kontor,
  // src/shopware.ts) assigned the shop at registration, derived from SHOPWARE_APP_SECRET.
  shopware6: { secret: "SHOPWARE_APP_SECRET", header: "shopware-shop-signature", encoding: "hex" },
  // Shopify: base64 HMAC-SHA256 of the body with the app's client secret.
  shopify: { secret: "SHOPIFY_WEBHOOK_SECRET", header: "X-Shopify-Hmac-Sha256", encoding: "base64" },
};

/** The topics that carry a new or changed order; any other is acknowledged and ignored. */
const ORDER_TOPICS: Record<ShopPlatform, string[]> = {
  woocommerce: ["order.created", "order.updated"],
  shopware6: ["checkout.order.placed"],
  shopify: ["orders/create", "orders/updated", "orders/paid", "orders/cancelled"],
};

/** The states of a shop order that are no sale (kontor's fromShopOrder `state`). */
const NOT_A_SALE = ["cancelled", "refunded", "failed"];

/** A webhook's answer: its HTTP status and body. */
export interface WebhookAnswer { httpStatus: number; body: Record<string, unknown>; headers?: Record<string, string> }

/** The headers naming the shop a webhook comes from (Shopware's is the signed body's
 * `source.shopId`). */
const SHOP_HEADERS: Record<"woocommerce" | "shopify", string> = { woocommerce: "X-WC-Webhook-Source", shopify: "X-Shopify-Shop-Domain" };

/** The platform's id of one webhook delivery (the same on the platform's retries of it). */
function eventId(platform: ShopPlatform, headers: Headers, parsed: unknown): string | null {
  if (platform === "woocommerce") return headers.get("X-WC-Webhook-Delivery-ID");
  if (platform === "shopify") return headers.get("X-Shopify-Webhook-Id");
  const id = (parsed as { source?: { eventId?: unknown } } | null)?.source?.eventId;
  return typeof id === "string" ? id : null;
}

/** The shop a verified webhook is from, or why the webhook is refused. The MAC is checked over
 * the raw bytes by `crypto.subtle.verify`, which compares in constant time. No answer repeats
 * what the caller sent (it is not authenticated yet). */
export async function checkShopSignature(env: Env, platform: ShopPlatform, headers: Headers, body: string, bytes: Uint8Array): Promise<{ status: number; why: string; code: string } | { shop: string; single: boolean }> {
  const s = SIGNATURES[platform];
  let key = "";
  let shop = "";
  let single = false;
  if (platform === "shopware6") {
    const why = shopware.notConfigured(env);
    if (why) return { status: 500, why, code: "missing_configuration" };
    const found = await shopware.webhookShop(env, body);
    if (!found) return { status: 401, why: "the body's source.shopId names no shop registered with this app: install the app in the shop (its registration reaches /v1/webhooks/shopware6/register)", code: "unknown_shop" };
    ({ key, shop, single } = found);
  } else {
    const configured = webhookShop(platform, headers.get(SHOP_HEADERS[platform]), vars(env));
    if (!configured.ok) {
      const config = configured.issues.some((i) => i.path.startsWith("env."));
      return { status: config ? 500 : 401, why: configured.issues[0]?.message ?? "unknown shop", code: config ? "missing_configuration" : "unknown_shop" };
    }
    shop = configured.config.shop;
    single = configured.config.single;
    const v = env[configured.config.secret];
    key = typeof v === "string" ? v : "";
    if (key === "") return { status: 500, why: `this worker takes no ${platform} webhooks from this shop: set the secret ${configured.config.secret}`, code: "missing_configuration" };
  }
  const header = headers.get(s.header);
  if (header === null) return { status: 401, why: `no ${s.header} header: ${platform} signs every webhook; send it from the shop's webhook settings`, code: "invalid_signature" };
  const mac = macBytes(header, s.encoding);
  if (mac === null) return { status: 401, why: `${s.header} must be the ${s.encoding} HMAC-SHA256 of the body`, code: "invalid_signature" };
  return (await verifyHmac(key, mac, bytes)) ? { shop, single } : { status: 401, why: `${s.header} does not match the body: the shop signs with another secret than this worker's for it`, code: "invalid_signature" };
}

/** A Shopware webhook older than this (its signed `timestamp`) is refused as a replay. */
const SHOPWARE_MAX_AGE_SECONDS = 24 * 3600;

/** The webhook's topic (a header, or Shopware's `data.event`), if it names one. */
function topic(platform: ShopPlatform, headers: Headers, parsed: unknown): string | null {
  if (platform === "woocommerce") return headers.get("X-WC-Webhook-Topic");
  if (platform === "shopify") return headers.get("X-Shopify-Topic");
  const event = (parsed as { data?: { event?: unknown } } | null)?.data?.event;
  return typeof event === "string" ? event : null;
}

/** WEBHOOK_TARGETS (comma-separated), or the issue saying what to set. */
function targets(env: Env): { targets: string[] } | { issue: Issue } {
  const list = (typeof env.WEBHOOK_TARGETS === "string" ? env.WEBHOOK_TARGETS : "").split(",").map((t) => t.trim()).filter(Boolean);
  if (list.length === 0 || list.some((t) => !ORDER_TARGETS.includes(t)) || new Set(list).size !== list.length) {
    return { issue: issue("env.WEBHOOK_TARGETS", list.length ? "invalid_value" : "missing_configuration",
      `set WEBHOOK_TARGETS to distinct targets of ${ORDER_TARGETS.join(", ")} (comma-separated): where shop webhook orders go`,
      `WEBHOOK_TARGETS auf verschiedene Ziele aus ${ORDER_TARGETS.join(", ")} setzen (durch Kommas getrennt): wohin Bestellungen aus Shop-Webhooks gehen`) };
  }
  return { targets: list };
}

/** kivitendo's `productIds` for an order: the catalogue's part ids under KIVITENDO_OPTIONS'
 * own ids (those win, as with the builders' `catalogue` option). */
function kivitendoOptions(env: Env, entries: CatalogueEntry[]): Record<string, unknown> | undefined {
  const fromCatalogue = Object.fromEntries(entries.filter((e) => typeof e.kivitendoPartId === "number").map((e) => [e.sku, e.kivitendoPartId]));
  if (Object.keys(fromCatalogue).length === 0) return undefined;
  let installed: Record<string, unknown> = {};
  try {
    const o: unknown = JSON.parse(vars(env).KIVITENDO_OPTIONS || "{}");
    const ids = (o as { productIds?: unknown } | null)?.productIds;
    if (ids && typeof ids === "object" && !Array.isArray(ids)) installed = ids as Record<string, unknown>;
  } catch { /* kontor's workerConfig reports a broken KIVITENDO_OPTIONS */ }
  return { productIds: { ...fromCatalogue, ...installed } };
}

/** Handles one signed webhook body (`text`, and the raw `bytes` its MAC covers). */
export async function handleWebhook(env: Env, platform: ShopPlatform, headers: Headers, body: string, bytes: Uint8Array): Promise<WebhookAnswer> {
  // WooCommerce's ping when a webhook is saved: `webhook_id=<id>`, form-encoded and unsigned
  // (WC_Webhook::deliver_ping), and it wants a 200. It starts nothing.
  if (platform === "woocommerce" && /^webhook_id=\d+$/.test(body.trim())) return { httpStatus: 200, body: { platform, ignored: "ping" } };
  const checked = await checkShopSignature(env, platform, headers, body, bytes);
  const refuse = (httpStatus: number, error: string, issues: Issue[]) => ({ httpStatus, body: { platform, error, issues } });
  if (!("shop" in checked)) {
    const config = checked.status === 500;
    return { ...refuse(checked.status, config ? "worker_misconfigured" : "unauthorized", [issue(checked.code === "unknown_shop" ? "shop" : SIGNATURES[platform].header, checked.code, checked.why,
      config ? `dieser Worker ist für ${platform}-Webhooks nicht eingerichtet: ${checked.why}` : checked.code === "unknown_shop" ? "der Webhook kommt von keinem eingerichteten Shop: den Shop in der Konfiguration des Workers eintragen" : `die Signatur (${SIGNATURES[platform].header}) passt nicht zum Inhalt: bitte das Secret im Shop und im Worker vergleichen`)]) };
  }
  const shop = checked.shop;
  let parsed: unknown;
  try { parsed = JSON.parse(body); } catch (e) {
    return refuse(400, "malformed_json", [issue("", "malformed_json", `the body is not JSON: ${(e as Error).message}`, `der Inhalt ist kein JSON: ${(e as Error).message}`)]);
  }
  if (platform === "shopware6") {
    // Shopware signs the time it sent the webhook: an old one is a replay.
    const t = (parsed as { timestamp?: unknown } | null)?.timestamp;
    if (typeof t === "number" && Date.now() / 1000 - t > SHOPWARE_MAX_AGE_SECONDS) {
      return refuse(401, "replayed", [issue("timestamp", "replayed", `the webhook was sent more than ${SHOPWARE_MAX_AGE_SECONDS / 3600} h ago: refused as a replay`, `der Webhook wurde vor mehr als ${SHOPWARE_MAX_AGE_SECONDS / 3600} h gesendet: als Wiederholung abgelehnt`)]);
    }
  }
  // The same delivery again (the platform's retry of one that was handled): changes nothing.
  const event = eventId(platform, headers, parsed);
  if (event !== null && (await ledger.seenEvent(env.DB, platform, shop, event))) {
    return { httpStatus: 200, body: { platform, shop, event, duplicate: true } };
  }
  const answer = await handleOrder(env, platform, shop, checked.single, headers, body, parsed);
  if (event !== null && answer.httpStatus >= 200 && answer.httpStatus < 300) {
    await ledger.recordEvent(env.DB, platform, shop, event, answer.httpStatus, new Date().toISOString());
  }
  return answer;
}

/** A verified webhook's order: mapped, completed from the catalogue, and queued for each
 * target under its shop's key. What is done follows from the signed body (its order); the
 * unsigned topic header only sorts out events that carry no order. */
async function handleOrder(env: Env, platform: ShopPlatform, shop: string, single: boolean, headers: Headers, body: string, parsed: unknown): Promise<WebhookAnswer> {
  const t = topic(platform, headers, parsed);
  if (t !== null && !ORDER_TOPICS[platform].includes(t)) return { httpStatus: 200, body: { platform, ignored: "topic", topic: t } };
  const to = targets(env);
  if ("issue" in to) return { httpStatus: 500, body: { platform, error: "worker_misconfigured", issues: [to.issue] } };

  // Mapped once for its SKUs, then again with their catalogue entries (the raw text: Shopify's
  // ids exceed 2^53).
  const first = fromShopOrder(platform, body);
  const items = (first.order as { items?: { sku?: unknown }[] } | undefined)?.items ?? [];
  const entries = await catalogue.forSkus(env.DB, items.map((i) => (typeof i?.sku === "string" ? i.sku : "")));
  const mapped = fromShopOrder(platform, body, { catalogue: entries });
  const number = typeof (mapped.order as { number?: unknown } | undefined)?.number === "string" ? (mapped.order as { number: string }).number : null;
  const state = (mapped as { state?: string }).state;
  if (number !== null && state !== undefined && NOT_A_SALE.includes(state)) return notASale(env, platform, shop, number, state, to.targets, mapped.issues);
  if (!mapped.valid || number === null) return { httpStatus: 422, body: { platform, shop, number, error: "invalid_order", issues: mapped.issues } };
  const missing = missingFromCatalogue(mapped.order, entries);
  if (missing.missing.length > 0) {
    return { httpStatus: 422, body: { platform, shop, number, error: "missing_from_catalogue", missing: missing.missing, issues: [...missing.issues, ...mapped.issues] } };
  }
  const kivitendo = kivitendoOptions(env, entries);
  // Keyed by platform, shop and order number; a delivery made before keys named the shop
  // (`platform:number`) still counts when the platform has this one shop.
  const key = shopOrderKey(platform, shop, number);
  const queued = await enqueue(env, to.targets.map((target) => ({ target, operation: "createOrder" as const, input: mapped.order,
    options: target === "kivitendo" ? kivitendo : undefined, idempotencyKey: key, ...(single ? { legacyKey: `${platform}:${number}` } : {}) })));
  if ("refused" in queued) return { httpStatus: queued.refused.httpStatus, body: { platform, shop, number, ...queued.refused.body } };
  const deliveries = queued.deliveries;
  const fresh = deliveries.some((d) => !d.duplicate);
  return { httpStatus: fresh ? 202 : 200, body: { platform, shop, number, deliveries, issues: mapped.issues } };
}

/** A shop order that is no sale (cancelled, refunded in full, failed; the signed body says so,
 * whatever the topic): never delivered as one (kontor's cancelPlan for each target's create):
 * - none delivered yet: acknowledged (200), nothing sent;
 * - a create not sent yet: `cancelled`, never sent;
 * - a create sent, or that may have been (an earlier attempt without a settling answer):
 *   `cancelled` if still pending, and a note for the operator, since no target's document lets
 *   kontor undo an order from a shop's order (Geisenheim's cancel needs the invoice id, which
 *   shop webhooks do not carry; kivitendo's and Westarp's APIs have no cancel);
 * - an attempt of the create out right now: 503 with Retry-After, so that the shop sends the
 *   event again once it has settled.
 * Repeated events change nothing (a note is added once). */
async function notASale(env: Env, platform: ShopPlatform, shop: string, number: string, state: string, targets: string[], issues: Issue[]): Promise<WebhookAnswer> {
  const key = shopOrderKey(platform, shop, number);
  const now = new Date().toISOString();
  const actions: { target: string; id: string; action: string }[] = [];
  const code = `order_${state}_in_shop`;
  for (const target of targets) {
    const d = await ledger.byKey(env.DB, target, key);
    if (!d || d.status === "cancelled" || d.issues.some((i) => i.code === code)) continue;
    const held = d.lease !== null && d.nextAttemptAt !== null && Date.parse(d.nextAttemptAt) > Date.now();
    const plan = cancelPlan(d.status, d.attempts, held);
    if (plan.wait) {
      return { httpStatus: 503, headers: { "Retry-After": "10" }, body: { platform, shop, number, state, error: "delivery_under_way",
        issues: [issue("", "delivery_under_way", `a delivery of order ${number} to ${target} is under way: send this event again shortly`, `eine Zustellung von Bestellung ${number} an ${target} läuft: dieses Ereignis bitte gleich erneut senden`)] } };
    }
    const note = issue("", code, `the shop reports order ${number} as ${state}: it is no sale and is not sent`, `der Shop meldet Bestellung ${number} als ${state}: sie ist kein Verkauf und wird nicht gesendet`, "warning");
    if (plan.cancelCreate && !(await ledger.cancelCreate(env.DB, d, [...d.issues, note], now))) {
      return { httpStatus: 503, headers: { "Retry-After": "10" }, body: { platform, shop, number, state, error: "delivery_under_way", issues: [] } };
    }
    if (plan.cancelCreate) actions.push({ target, id: d.id, action: "create_cancelled" });
    if (plan.send) {
      // It reached the target, or may have: only a person can undo it there.
      const operator = issue("", code, `the shop reports order ${number} as ${state} after it ${d.status === "accepted" ? "was" : "may have been"} sent to ${target}: kontor cannot undo it there from the shop's order; check ${target} and undo it by hand`,
        `der Shop meldet Bestellung ${number} als ${state}, nachdem sie an ${target} ging${d.status === "accepted" ? "" : " (möglicherweise)"}: kontor kann das dort nicht aus der Shop-Bestellung rückgängig machen; bitte ${target} prüfen und von Hand rückgängig machen`, "error");
      await ledger.addIssue(env.DB, d.id, operator, now);
      actions.push({ target, id: d.id, action: "operator_note" });
    }
  }
  return { httpStatus: 200, body: { platform, shop, number, state, notASale: true, actions, issues } };
}
