// Shop webhooks (issue 15): `POST /v1/webhooks/{woocommerce|shopware6|shopify}`. Each route
// checks the platform's own signature over the raw body (WebCrypto, constant time), maps the
// order with kontor's fromShopOrder, completes it from the stored catalogue, refuses it when a
// SKU is missing there (kontor's missingFromCatalogue), and queues one delivery per target of
// WEBHOOK_TARGETS. The delivery key is the platform and the shop's order number, both from the
// signed body, claimed in D1 before anything is queued: a shop's retried (or updated) webhook
// finds the first delivery and is answered from the ledger.
import {
  fromShopOrder,
  missingFromCatalogue,
  webhookShop,
  shopOrderKey,
  cancelPlan,
  firstInvoiceId,
  refundBookings,
  shopifyRefund,
  shopEvent,
  type CatalogueEntry,
  type Issue,
  type ShopPlatform,
  type RefundBooking,
  type ShopRefund,
} from "kontor";
import { type Env, vars } from "./env";
import { issue } from "./http";
import { enqueue, refusal, type Job } from "./deliver";
import * as shoporders from "./shoporders";
import * as catalogue from "./catalogue";
import * as shopware from "./shopware";
import { macBytes, verifyHmac } from "./auth";
import * as ledger from "./ledger";
import { ORDER_TARGETS } from "./registry";
import { takeSales, saleRefusal, skusOf, numberOf, NOT_A_SALE, type SaleContext, type SaleEvent } from "./sales";

export const PLATFORMS: ShopPlatform[] = ["woocommerce", "shopware6", "shopify"];

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

/** A webhook's answer: its HTTP status and body. */
export interface WebhookAnswer {
  httpStatus: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

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
export async function checkShopSignature(
  env: Env,
  platform: ShopPlatform,
  headers: Headers,
  body: string,
  bytes: Uint8Array,
): Promise<{ status: number; why: string; code: string } | { shop: string; single: boolean }> {
  const s = SIGNATURES[platform];
  let key = "";
  let shop = "";
  let single = false;
  if (platform === "shopware6") {
    const why = shopware.notConfigured(env);
    if (why) return { status: 500, why, code: "missing_configuration" };
    const found = await shopware.webhookShop(env, body);
    if (!found)
      return {
        status: 401,
        why: "the body's source.shopId names no shop registered with this app: install the app in the shop (its registration reaches /v1/webhooks/shopware6/register)",
        code: "unknown_shop",
      };
    ({ key, shop, single } = found);
  } else {
    const configured = webhookShop(platform, headers.get(SHOP_HEADERS[platform]), vars(env));
    if (!configured.ok) {
      const config = configured.issues.some((i) => i.path.startsWith("env."));
      return {
        status: config ? 500 : 401,
        why: configured.issues[0]?.message ?? "unknown shop",
        code: config ? "missing_configuration" : "unknown_shop",
      };
    }
    shop = configured.config.shop;
    single = configured.config.single;
    const v = env[configured.config.secret];
    key = typeof v === "string" ? v : "";
    if (key === "")
      return {
        status: 500,
        why: `this worker takes no ${platform} webhooks from this shop: set the secret ${configured.config.secret}`,
        code: "missing_configuration",
      };
  }
  const header = headers.get(s.header);
  if (header === null)
    return {
      status: 401,
      why: `missing: ${platform} signs every webhook; send it from the shop's webhook settings`,
      code: "invalid_signature",
    };
  const mac = macBytes(header, s.encoding);
  if (mac === null) return { status: 401, why: `must be the ${s.encoding} HMAC-SHA256 of the body`, code: "invalid_signature" };
  return (await verifyHmac(key, mac, bytes))
    ? { shop, single }
    : {
        status: 401,
        why: "does not match the body: the shop signs with another secret than this worker's for it",
        code: "invalid_signature",
      };
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
  const list = (typeof env.WEBHOOK_TARGETS === "string" ? env.WEBHOOK_TARGETS : "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  if (list.length === 0 || list.some((t) => !ORDER_TARGETS.includes(t)) || new Set(list).size !== list.length) {
    return {
      issue: issue(
        "env.WEBHOOK_TARGETS",
        list.length ? "invalid_value" : "missing_configuration",
        `set it to distinct targets of ${ORDER_TARGETS.join(", ")} (comma-separated): where shop webhook orders go`,
        `bitte auf verschiedene Ziele aus ${ORDER_TARGETS.join(", ")} setzen (durch Kommas getrennt): wohin Bestellungen aus Shop-Webhooks gehen`,
      ),
    };
  }
  return { targets: list };
}

/** kivitendo's `productIds` for an order: the catalogue's part ids under KIVITENDO_OPTIONS'
 * own ids (those win, as with the builders' `catalogue` option). */
function kivitendoOptions(env: Env, entries: CatalogueEntry[]): Record<string, unknown> | undefined {
  const fromCatalogue = Object.fromEntries(
    entries.filter((e) => typeof e.kivitendoPartId === "number").map((e) => [e.sku, e.kivitendoPartId]),
  );
  if (Object.keys(fromCatalogue).length === 0) return undefined;
  let installed: Record<string, unknown> = {};
  try {
    const o: unknown = JSON.parse(vars(env).KIVITENDO_OPTIONS || "{}");
    const ids = (o as { productIds?: unknown } | null)?.productIds;
    if (ids && typeof ids === "object" && !Array.isArray(ids)) installed = ids as Record<string, unknown>;
  } catch {
    /* kontor's workerConfig reports a broken KIVITENDO_OPTIONS */
  }
  return { productIds: { ...fromCatalogue, ...installed } };
}

/** Handles one signed webhook body (`text`, and the raw `bytes` its MAC covers). */
export async function handleWebhook(
  env: Env,
  platform: ShopPlatform,
  headers: Headers,
  body: string,
  bytes: Uint8Array,
): Promise<WebhookAnswer> {
  // WooCommerce's ping when a webhook is saved: `webhook_id=<id>`, form-encoded and unsigned
  // (WC_Webhook::deliver_ping), and it wants a 200. It starts nothing.
  if (platform === "woocommerce" && /^webhook_id=\d+$/.test(body.trim())) return { httpStatus: 200, body: { platform, ignored: "ping" } };
  const checked = await checkShopSignature(env, platform, headers, body, bytes);
  const refuse = (httpStatus: number, error: string, issues: Issue[]) => ({ httpStatus, body: { platform, error, issues } });
  if (!("shop" in checked)) {
    const config = checked.status === 500;
    return {
      ...refuse(checked.status, config ? "worker_misconfigured" : "unauthorized", [
        issue(
          checked.code === "unknown_shop" ? "shop" : SIGNATURES[platform].header,
          checked.code,
          checked.why,
          config
            ? `dieser Worker ist für ${platform}-Webhooks nicht eingerichtet: ${checked.why}`
            : checked.code === "unknown_shop"
              ? "der Webhook kommt von keinem eingerichteten Shop: den Shop in der Konfiguration des Workers eintragen"
              : "die Signatur passt nicht zum Inhalt: bitte das Secret im Shop und im Worker vergleichen",
        ),
      ]),
    };
  }
  const shop = checked.shop;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    return refuse(400, "malformed_json", [
      issue("", "malformed_json", `the body is not JSON: ${(e as Error).message}`, `der Inhalt ist kein JSON: ${(e as Error).message}`),
    ]);
  }
  if (platform === "shopware6") {
    // Shopware signs the time it sent the webhook: an old one is a replay.
    const t = (parsed as { timestamp?: unknown } | null)?.timestamp;
    if (typeof t === "number" && Date.now() / 1000 - t > SHOPWARE_MAX_AGE_SECONDS) {
      return refuse(401, "replayed", [
        issue(
          "timestamp",
          "replayed",
          `the webhook was sent more than ${SHOPWARE_MAX_AGE_SECONDS / 3600} h ago: refused as a replay`,
          `der Webhook wurde vor mehr als ${SHOPWARE_MAX_AGE_SECONDS / 3600} h gesendet: als Wiederholung abgelehnt`,
        ),
      ]);
    }
  }
  // The same delivery again (the platform's retry of one that was handled): changes nothing.
  const event = eventId(platform, headers, parsed);
  if (event !== null && (await ledger.seenEvent(env.DB, platform, shop, event))) {
    return { httpStatus: 200, body: { platform, shop, event, duplicate: true } };
  }
  const answer = await handleOrder(env, platform, shop, checked.single, headers, body, parsed, event ?? crypto.randomUUID());
  if (event !== null && answer.httpStatus >= 200 && answer.httpStatus < 300) {
    await ledger.recordEvent(env.DB, platform, shop, event, answer.httpStatus, new Date().toISOString());
  }
  return answer;
}

/** Who a shop order is: its platform, shop and number. */
interface Who {
  platform: ShopPlatform;
  shop: string;
  number: string;
}

/** The platform's own id of the order in a full order body (Shopify's from the GraphQL id, a
 * string: its numeric ids exceed 2^53). */
function platformOrderId(platform: ShopPlatform, parsed: unknown): string | null {
  const p = parsed as Record<string, unknown> | null;
  if (platform === "shopify") {
    const gid = p?.admin_graphql_api_id;
    const m = typeof gid === "string" ? /\/Order\/(\d+)$/.exec(gid) : null;
    if (m) return m[1]!;
  }
  const o = platform === "shopware6" ? shopwareOrder(parsed) : p;
  const id = o?.id;
  return typeof id === "string" ? id : typeof id === "number" && Number.isSafeInteger(id) ? String(id) : null;
}

/** The order entity of a Shopware body (`{ data: { payload: { order } } }`, an app request's
 * `order`, or the Admin API's `{ data }`). */
function shopwareOrder(parsed: unknown): Record<string, unknown> | null {
  const p = parsed as { data?: { payload?: { order?: unknown } }; order?: unknown } | null;
  const o = p?.data?.payload?.order ?? p?.order ?? (p as { data?: unknown } | null)?.data;
  return o && typeof o === "object" && !Array.isArray(o) ? (o as Record<string, unknown>) : null;
}

/** A verified webhook: what its topic is (kontor's shopEvent) decides what is done. An order
 * event is mapped, completed from the catalogue and queued for each target under its shop's
 * key; events that name their order only (a cancel, a refund) find it among the shop orders
 * kontor saw. The unsigned topic header only sorts events; what an order is follows from its
 * signed body. */
async function handleOrder(
  env: Env,
  platform: ShopPlatform,
  shop: string,
  single: boolean,
  headers: Headers,
  body: string,
  parsed: unknown,
  event: string,
): Promise<WebhookAnswer> {
  const t = topic(platform, headers, parsed);
  const kind = t === null ? "order" : shopEvent(platform, t);
  if (kind === null) return { httpStatus: 200, body: { platform, ignored: "topic", topic: t } };
  const setup = orderSetup(env, platform);
  if ("httpStatus" in setup) return setup;
  const { to, first } = setup;
  if (kind === "refund") return refundEvent(env, platform, shop, body, to.targets, first, event);
  if (kind !== "order") return stateEvent(env, platform, shop, body, parsed, kind, t ?? "", to.targets, first, event);
  const c = saleContext(env, platform, shop, single, to.targets, first);
  const [answer] = await takeSales(env, c, [{ body, parsed, event, topic: t }], (e) => oneSale(env, c, e));
  return answer!;
}

/** Where shop orders go (WEBHOOK_TARGETS) and Geisenheim's first id, or the 500 naming what
 * to set. */
function orderSetup(env: Env, platform: ShopPlatform): { to: { targets: string[] }; first: number } | WebhookAnswer {
  const to = targets(env);
  if ("issue" in to) return { httpStatus: 500, body: { platform, error: "worker_misconfigured", issues: [to.issue] } };
  if (!to.targets.includes("geisenheim")) return { to, first: 0 };
  const f = firstInvoiceId(vars(env));
  if (!f.ok) return { httpStatus: 500, body: { platform, error: "worker_misconfigured", issues: f.issues } };
  return { to, first: f.id };
}

/** Where the orders of a shop go (`takeSales`' context). */
function saleContext(env: Env, platform: ShopPlatform, shop: string, single: boolean, targets: string[], first: number): SaleContext {
  return {
    platform,
    shop,
    single,
    targets,
    first,
    orderId: (parsed) => platformOrderId(platform, parsed),
    kivitendoOptions: (entries) => kivitendoOptions(env, entries),
  };
}

/** Orders of one shop read from the platform's own API (backfill, reconciliation: src/pull.ts),
 * a page at once: the webhooks' path for order events (`takeSales`, the same mapping, catalogue
 * check, keys, claims and order life), its D1 work batched per page. */
export async function handlePulledOrders(
  env: Env,
  platform: ShopPlatform,
  shop: string,
  single: boolean,
  orders: { body: string; parsed: unknown }[],
  event: string,
): Promise<WebhookAnswer[]> {
  const setup = orderSetup(env, platform);
  if ("httpStatus" in setup) return orders.map(() => setup);
  const c = { ...saleContext(env, platform, shop, single, setup.to.targets, setup.first), skipKnown: true };
  return takeSales(
    env,
    c,
    orders.map((o) => ({ ...o, event, topic: null })),
    (e) => oneSale(env, c, e),
  );
}

/** One order event on its own (what `takeSales` does not batch: an order seen before, not a
 * sale, arriving with refunds): mapped, completed from the catalogue and queued for each target
 * under its shop's key, or its state and refunds applied to what was delivered. */
async function oneSale(env: Env, c: SaleContext, e: SaleEvent): Promise<WebhookAnswer> {
  const { platform, shop, single, first } = c;
  const { body, parsed, event, topic: t } = e;
  // Mapped once for its SKUs, then again with their catalogue entries (the raw text: Shopify's
  // ids exceed 2^53).
  const firstMap = fromShopOrder(platform, body);
  const entries = await catalogue.forSkus(env.DB, skusOf(firstMap.order));
  const mapped = fromShopOrder(platform, body, { catalogue: entries });
  const number = numberOf(mapped.order);
  const state = mapped.state;
  const now = new Date().toISOString();
  const orderId = platformOrderId(platform, parsed);
  if (number !== null && state !== undefined && NOT_A_SALE.includes(state)) {
    const who = { platform, shop, number };
    await shoporders.touch(env.DB, { ...who, orderId, state }, now);
    await shoporders.event(env.DB, who, { event, kind: "received", detail: { topic: t, state } }, now);
    return notASale(env, who, state, c.targets, mapped.issues, event);
  }
  const refused = saleRefusal(c, mapped, entries);
  if (refused || number === null) return refused!;
  const who = { platform, shop, number };
  const known = await shoporders.byNumber(env.DB, platform, shop, number);
  const kivitendo = kivitendoOptions(env, entries);
  // Keyed by platform, shop and order number; a delivery made before keys named the shop
  // (`platform:number`) still counts when the platform has this one shop.
  const key = shopOrderKey(platform, shop, number);
  const jobs: Job[] = c.targets.map((target) => ({
    target,
    operation: "createOrder" as const,
    input: mapped.order,
    options: target === "kivitendo" ? kivitendo : undefined,
    idempotencyKey: key,
    ...(single ? { legacyKey: `${platform}:${number}` } : {}),
  }));
  let order = mapped.order as unknown as Record<string, unknown>;
  const g = jobs.find((j) => j.target === "geisenheim");
  if (g) {
    // Geisenheim's id from the worker's sequence: only once the order would be taken (checked
    // with a stand-in id), so that no id is given to an order that is never sent.
    const stop = refusal(
      env,
      jobs.map((j) => (j === g ? { ...j, input: { ...order, invoiceId: first } } : j)),
    );
    if (stop) return { httpStatus: stop.httpStatus, body: { platform, shop, number, ...stop.body } };
    const ids = await shoporders.assignIds(env.DB, { ...who, orderId, state: state ?? null }, [{ key, booking: "sale" }], first, now);
    order = { ...order, invoiceId: ids.get(key) };
    g.input = order;
  } else {
    await shoporders.touch(env.DB, { ...who, orderId, state: state ?? null }, now);
  }
  const queued = await enqueue(env, jobs);
  if ("refused" in queued) return { httpStatus: queued.refused.httpStatus, body: { platform, shop, number, ...queued.refused.body } };
  const deliveries = queued.deliveries;
  for (const d of deliveries) await shoporders.link(env.DB, who, d.id, "sale");
  const fresh = deliveries.some((d) => !d.duplicate);
  const refunds = (mapped.refunds ?? []) as ShopRefund[];
  await shoporders.event(
    env.DB,
    who,
    { event, kind: "received", detail: { topic: t, state: state ?? null, ...(fresh ? { deliveries: deliveries.map((d) => d.id) } : {}) } },
    now,
  );
  if (known?.order == null) {
    // The sale goes as sold, with the refunds it arrived with as negative lines (inline); a
    // refund of an amount only is a note on each delivery.
    await shoporders.setOrder(env.DB, platform, shop, number, order, now);
    const bookings = refundBookings(order, refunds, known?.refunds ?? [], true);
    for (const b of bookings.filter((x) => x.how === "note")) {
      for (const d of deliveries) await note(env, d.id, b, now);
    }
    await shoporders.bookRefunds(
      env.DB,
      platform,
      shop,
      number,
      bookings.map((b) => b.refundId),
      now,
    );
    return { httpStatus: fresh ? 202 : 200, body: { platform, shop, number, deliveries, issues: mapped.issues } };
  }
  // The order was delivered before: its new refunds are corrections.
  const bookings = refundBookings(known.order, refunds, known.refunds, false);
  if (bookings.length === 0) return { httpStatus: fresh ? 202 : 200, body: { platform, shop, number, deliveries, issues: mapped.issues } };
  const corrected = await applyRefunds(env, who, known.order, bookings, c.targets, first, event);
  return { httpStatus: corrected.httpStatus, headers: corrected.headers, body: { ...corrected.body, deliveries, issues: mapped.issues } };
}

/** Adds a refund's note for the operator to a delivery, once (by the refund's path and code). */
async function note(env: Env, deliveryId: string, b: RefundBooking, now: string): Promise<boolean> {
  const d = await ledger.get(env.DB, deliveryId);
  const n = b.issues[0];
  if (!d || !n) return false;
  const add = { ...n, path: `refunds.${b.refundId}` };
  if (d.issues.some((i) => i.path === add.path && i.code === add.code)) return false;
  await ledger.addIssue(env.DB, d.id, add, now);
  return true;
}

const NEVER_DELIVERED = ["rejected", "dead", "auth_failed", "cancelled"];

/** A delivered shop order's new refunds (kontor's refundBookings): at Geisenheim each refund
 * with lines is a return booking (its own id from the sequence, keyed by the refund), any other
 * a note for the operator; kivitendo and Westarp take no returns through their APIs: a note
 * naming the refund. Nothing is sent for an order never delivered; while a sale's delivery is
 * still under way the shop is asked to send the event again (503). */
async function applyRefunds(
  env: Env,
  who: Who,
  order: Record<string, unknown>,
  bookings: RefundBooking[],
  targets: string[],
  first: number,
  event: string,
): Promise<WebhookAnswer> {
  const { platform, shop, number } = who;
  const key = shopOrderKey(platform, shop, number);
  const now = new Date().toISOString();
  const sales = await Promise.all(targets.map(async (target) => ({ target, sale: await ledger.byKey(env.DB, target, key) })));
  const underWay = sales.find((s) => s.sale?.status === "queued");
  if (underWay) {
    return {
      httpStatus: 503,
      headers: { "Retry-After": "10" },
      body: {
        platform,
        shop,
        number,
        error: "delivery_under_way",
        issues: [
          issue(
            "",
            "delivery_under_way",
            `the sale of order ${number} to ${underWay.target} is not delivered yet: send this refund again shortly`,
            `der Verkauf der Bestellung ${number} an ${underWay.target} ist noch nicht zugestellt: diese Erstattung bitte gleich erneut senden`,
          ),
        ],
      },
    };
  }
  const actions: Record<string, unknown>[] = [];
  const delivered = sales.filter((s) => s.sale && !NEVER_DELIVERED.includes(s.sale.status));
  if (delivered.length === 0) {
    await shoporders.event(env.DB, who, { event, kind: "not_delivered", detail: { refunds: bookings.map((b) => b.refundId) } }, now);
    return {
      httpStatus: 200,
      body: {
        platform,
        shop,
        number,
        notDelivered: true,
        actions,
        issues: [
          issue(
            "",
            "not_delivered",
            `order ${number} was never delivered to ${targets.join(", ")}: its refunds change nothing there and nothing is sent`,
            `Bestellung ${number} wurde nie an ${targets.join(", ")} zugestellt: ihre Erstattungen ändern dort nichts, nichts wird gesendet`,
            "warning",
          ),
        ],
      },
    };
  }
  for (const { target, sale } of delivered) {
    if (!sale) continue;
    if (target !== "geisenheim") {
      for (const b of bookings) {
        const n = {
          ...b,
          issues: [
            issue(
              "",
              "refund_after_delivery",
              `the shop refunded ${b.refundId} of order ${number} after it went to ${target}: ${target}'s API takes no returns or credit notes from kontor; book it in ${target} by hand`,
              `der Shop hat nach der Zustellung an ${target} ${b.refundId} der Bestellung ${number} erstattet: die API von ${target} nimmt von kontor keine Retouren oder Gutschriften an; bitte in ${target} von Hand buchen`,
              "error",
            ),
          ],
        };
        if (await note(env, sale.id, n, now)) actions.push({ target, id: sale.id, refundId: b.refundId, action: "operator_note" });
      }
      continue;
    }
    for (const b of bookings.filter((x) => x.how !== "return")) {
      if (await note(env, sale.id, b, now)) actions.push({ target, id: sale.id, refundId: b.refundId, action: "operator_note" });
    }
    const returns = bookings.filter((x) => x.how === "return" && x.order);
    if (returns.length === 0) continue;
    const keyOf = (b: RefundBooking) => `${key}:refund:${b.refundId}`;
    const jobs = (ids: Map<string, number> | null): Job[] =>
      returns.map((b) => ({
        target,
        operation: "createOrder" as const,
        input: { ...b.order, invoiceId: ids ? ids.get(keyOf(b)) : first },
        idempotencyKey: keyOf(b),
      }));
    const stop = refusal(env, jobs(null));
    if (stop) {
      for (const b of returns) {
        const n = {
          ...b,
          issues: [
            issue(
              "",
              "return_refused",
              `the return booking of refund ${b.refundId} is refused: ${(stop.body.issues as Issue[]).map((i) => i.message).join("; ")}`,
              `die Retourenbuchung von Erstattung ${b.refundId} wird abgelehnt: ${(stop.body.issues as Issue[]).map((i) => i.messageDe).join("; ")}`,
              "error",
            ),
          ],
        };
        if (await note(env, sale.id, n, now)) actions.push({ target, id: sale.id, refundId: b.refundId, action: "operator_note" });
      }
      continue;
    }
    const ids = await shoporders.assignIds(
      env.DB,
      { ...who, orderId: null, state: null },
      returns.map((b) => ({ key: keyOf(b), booking: `return:${b.refundId}` })),
      first,
      now,
    );
    const queued = await enqueue(env, jobs(ids));
    if ("refused" in queued) return { httpStatus: queued.refused.httpStatus, body: { platform, shop, number, ...queued.refused.body } };
    for (const [i, d] of queued.deliveries.entries()) {
      await shoporders.link(env.DB, who, d.id, "return");
      actions.push({
        target,
        id: d.id,
        refundId: returns[i]!.refundId,
        invoiceId: ids.get(keyOf(returns[i]!)),
        action: d.duplicate ? "return_exists" : "return_queued",
      });
    }
  }
  await shoporders.bookRefunds(
    env.DB,
    platform,
    shop,
    number,
    bookings.map((b) => b.refundId),
    now,
  );
  await shoporders.event(
    env.DB,
    who,
    { event, kind: "corrected", detail: { refunds: bookings.map((b) => ({ id: b.refundId, how: b.how })), actions } },
    now,
  );
  const fresh = actions.some((a) => a.action === "return_queued");
  return {
    httpStatus: fresh ? 202 : 200,
    body: { platform, shop, number, corrected: true, actions, issues: bookings.flatMap((b) => b.issues) },
  };
}

/** An event for an order kontor never saw: acknowledged, with the reason. */
function unknownOrder(platform: ShopPlatform, shop: string, what: string): WebhookAnswer {
  return {
    httpStatus: 200,
    body: {
      platform,
      shop,
      ignored: "unknown_order",
      issues: [
        issue(
          "",
          "unknown_order",
          `this event is about ${what}, which kontor never received from this shop: nothing to change`,
          `dieses Ereignis betrifft ${what}, die kontor von diesem Shop nie erhalten hat: nichts zu ändern`,
          "warning",
        ),
      ],
    },
  };
}

/** Shopify's `refunds/create`: one refund naming its order by `order_id`. */
async function refundEvent(
  env: Env,
  platform: ShopPlatform,
  shop: string,
  body: string,
  targets: string[],
  first: number,
  event: string,
): Promise<WebhookAnswer> {
  const r = shopifyRefund(body);
  const so = r.orderId === null ? null : await shoporders.byOrderId(env.DB, platform, shop, r.orderId);
  if (!so) return unknownOrder(platform, shop, `order id ${r.orderId ?? "(none)"}`);
  const who = { platform, shop, number: so.number };
  const now = new Date().toISOString();
  await shoporders.event(env.DB, who, { event, kind: "received", detail: { topic: "refunds/create", refund: r.refund.id ?? null } }, now);
  if (!so.order) {
    return {
      httpStatus: 200,
      body: {
        platform,
        shop,
        number: so.number,
        notDelivered: true,
        actions: [],
        issues: [
          issue(
            "",
            "not_delivered",
            `order ${so.number} was never delivered: its refund changes nothing and nothing is sent`,
            `Bestellung ${so.number} wurde nie zugestellt: ihre Erstattung ändert nichts, nichts wird gesendet`,
            "warning",
          ),
        ],
      },
    };
  }
  const bookings = refundBookings(so.order, [r.refund], so.refunds, false);
  if (bookings.length === 0)
    return { httpStatus: 200, body: { platform, shop, number: so.number, corrected: true, actions: [], issues: [] } };
  return applyRefunds(env, who, so.order, bookings, targets, first, event);
}

/** An event that names its order and the state it entered (WooCommerce `order.deleted`;
 * Shopware's state events, whose signed body carries the order entity as Shopware loads it
 * for them: kontor's fromShopOrder reads the state the event entered, and says when a
 * transaction's event is ambiguous, then the order's own state counts). */
async function stateEvent(
  env: Env,
  platform: ShopPlatform,
  shop: string,
  body: string,
  parsed: unknown,
  entered: string,
  topicName: string,
  targets: string[],
  first: number,
  event: string,
): Promise<WebhookAnswer> {
  let state = entered;
  let issues: Issue[] = [];
  if (platform === "shopware6") {
    const read = fromShopOrder(platform, body);
    state = read.state ?? entered;
    issues = read.issues.filter((i) => i.path === "data.event" && i.severity === "warning");
    if (!NOT_A_SALE.includes(state) && state !== "partially_refunded")
      return { httpStatus: 200, body: { platform, shop, ignored: "topic", topic: topicName, issues } };
  }
  let so: shoporders.ShopOrder | null = null;
  let what = "";
  if (platform === "shopware6") {
    const o = shopwareOrder(parsed);
    const n = o?.orderNumber;
    if (typeof n === "string" || typeof n === "number") so = await shoporders.byNumber(env.DB, platform, shop, String(n));
    if (!so && typeof o?.id === "string") so = await shoporders.byOrderId(env.DB, platform, shop, o.id);
    what = `order ${String(n ?? o?.id ?? "(none)")}`;
  } else {
    const id = platformOrderId(platform, parsed);
    if (id !== null) so = await shoporders.byOrderId(env.DB, platform, shop, id);
    what = `order id ${id ?? "(none)"}`;
  }
  if (!so) return unknownOrder(platform, shop, what);
  const who = { platform, shop, number: so.number };
  const now = new Date().toISOString();
  await shoporders.event(env.DB, who, { event, kind: "received", detail: { state } }, now);
  if (state !== "partially_refunded") {
    await shoporders.touch(env.DB, { ...who, orderId: null, state }, now);
    return notASale(env, who, state, targets, issues, event);
  }
  await shoporders.touch(env.DB, { ...who, orderId: null, state }, now);
  if (!so.order) return applyRefunds(env, who, {}, [], targets, first, event);
  // Shopware's event names no refunded lines (they hang at the transaction's captures):
  // nothing can be booked, the operator is told.
  const bookings = refundBookings(so.order, [{ id: `shopware-event-${event}`, lines: [] }], so.refunds, false);
  return applyRefunds(env, who, so.order, bookings, targets, first, event);
}

/** A shop order that is no sale (cancelled, refunded in full, failed; the signed body or the
 * event says so): never delivered as one, and undone where it was.
 * - Geisenheim: `DELETE /erp/orders/{id}` for the sale's id and each return booking's, as
 *   cancel deliveries (keyed, exactly once; each settles its create first, kontor's
 *   cancelPlan: a create not sent yet is cancelled and never sent, one under way is waited
 *   for); an order that has no id yet was never sent: nothing.
 * - kivitendo, Westarp (no cancel in their APIs): a create not sent yet is `cancelled`, never
 *   sent; one sent (or that may have been) gets a note for the operator; an attempt out right
 *   now: 503 with Retry-After, so that the shop sends the event again once it has settled.
 * Repeated events change nothing (a note is added once, a cancel's key is claimed once). */
async function notASale(env: Env, who: Who, state: string, targets: string[], issues: Issue[], event: string): Promise<WebhookAnswer> {
  const { platform, shop, number } = who;
  const key = shopOrderKey(platform, shop, number);
  const now = new Date().toISOString();
  const actions: { target: string; id: string; action: string; invoiceId?: number }[] = [];
  const code = `order_${state}_in_shop`;
  for (const target of targets) {
    if (target === "geisenheim") continue;
    const d = await ledger.byKey(env.DB, target, key);
    if (!d || d.status === "cancelled" || d.issues.some((i) => i.code === code)) continue;
    const held = d.lease !== null && d.nextAttemptAt !== null && Date.parse(d.nextAttemptAt) > Date.now();
    const plan = cancelPlan(d.status, d.attempts, held);
    if (plan.wait) {
      return {
        httpStatus: 503,
        headers: { "Retry-After": "10" },
        body: {
          platform,
          shop,
          number,
          state,
          error: "delivery_under_way",
          issues: [
            issue(
              "",
              "delivery_under_way",
              `a delivery of order ${number} to ${target} is under way: send this event again shortly`,
              `eine Zustellung von Bestellung ${number} an ${target} läuft: dieses Ereignis bitte gleich erneut senden`,
            ),
          ],
        },
      };
    }
    const n = issue(
      "",
      code,
      `the shop reports order ${number} as ${state}: it is no sale and is not sent`,
      `der Shop meldet Bestellung ${number} als ${state}: sie ist kein Verkauf und wird nicht gesendet`,
      "warning",
    );
    if (plan.cancelCreate && !(await ledger.cancelCreate(env.DB, d, [...d.issues, n], now))) {
      return {
        httpStatus: 503,
        headers: { "Retry-After": "10" },
        body: { platform, shop, number, state, error: "delivery_under_way", issues: [] },
      };
    }
    if (plan.cancelCreate) actions.push({ target, id: d.id, action: "create_cancelled" });
    if (plan.send) {
      // It reached the target, or may have: only a person can undo it there.
      const operator = issue(
        "",
        code,
        `the shop reports order ${number} as ${state} after it ${d.status === "accepted" ? "was" : "may have been"} sent to ${target}: ${target}'s API has no cancel; check ${target} and undo it by hand`,
        `der Shop meldet Bestellung ${number} als ${state}, nachdem sie an ${target} ging${d.status === "accepted" ? "" : " (möglicherweise)"}: die API von ${target} kennt keine Stornierung; bitte ${target} prüfen und von Hand rückgängig machen`,
        "error",
      );
      await ledger.addIssue(env.DB, d.id, operator, now);
      actions.push({ target, id: d.id, action: "operator_note" });
    }
  }
  if (targets.includes("geisenheim")) {
    const ids = await shoporders.geisenheimIds(env.DB, platform, shop, number);
    if (ids.length > 0) {
      const queued = await enqueue(
        env,
        ids.map((g) => ({ target: "geisenheim", operation: "cancelOrder" as const, input: g.id })),
      );
      if ("refused" in queued)
        return { httpStatus: queued.refused.httpStatus, body: { platform, shop, number, state, ...queued.refused.body } };
      for (const [i, d] of queued.deliveries.entries()) {
        await shoporders.link(env.DB, who, d.id, "cancel");
        actions.push({ target: "geisenheim", id: d.id, invoiceId: ids[i]!.id, action: d.duplicate ? "cancel_exists" : "cancel_queued" });
      }
    }
  }
  await shoporders.event(env.DB, who, { event, kind: "cancelled", detail: { state, actions } }, now);
  return { httpStatus: 200, body: { platform, shop, number, state, notASale: true, actions, issues } };
}
