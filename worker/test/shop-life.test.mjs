// A shop order's life after it was delivered (issue 22), in real workerd against the
// Geisenheim and kivitendo stand-ins, with published payloads (tests/fixtures/shops/) signed
// as each platform signs them: Geisenheim ids from the worker's gapless sequence (also over
// 20 orders at once), a cancel after delivery (Geisenheim DELETE for the sale's id and each
// return booking's, a note on kivitendo's delivery), partial refunds (a return booking with
// negative quantities and its own id, booked once; a refund of an amount only is a note),
// events that name their order only (WooCommerce `order.deleted`, Shopify `refunds/create`,
// Shopware's state events), a cancel racing its own first delivery, a refund of an order never
// delivered, the history route, a worker without GEISENHEIM_FIRST_INVOICE_ID, and Westarp (no
// cancel, no returns in its API: notes for the operator, nothing sent).
//
// The payloads are edited where the test needs it, each said below: amounts in EUR (Geisenheim
// takes EUR only), a shipping line naming DHL (Geisenheim needs a carrier), numbers and ids of
// further orders.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { startWorker, openapiChecker } from "./harness.mjs";
import { startGeisenheim } from "../../tests/standins/geisenheim.mjs";
import { startKivitendo } from "../../tests/standins/kivitendo.mjs";

const fixture = (p) => JSON.parse(readFileSync(new URL(`../../tests/fixtures/shops/${p}`, import.meta.url), "utf8"));
const SHOP_ID = "dgrH7nLU6tlE";
const WOO_SHOP = "https://shop.example.com";
const SHOPIFY_SHOP = "example.myshopify.com";
const FIRST_ID = 5000;
const secrets = {
  GEISENHEIM_USERNAME: "api@test.de",
  GEISENHEIM_PASSWORD: "geisenheim-pw-5531",
  GEISENHEIM_RECIPIENT_SALT: "salt-7f3c9e1d2b-long-enough",
  KIVITENDO_USERNAME: "kivi-api",
  KIVITENDO_PASSWORD: "kivi-pw-8842",
  KONTOR_API_TOKEN: "caller-token-94af0e",
  WOOCOMMERCE_WEBHOOK_SECRET: "wc-secret-7d1e40",
  SHOPWARE_APP_SECRET: "sw-app-secret-22b9f1",
  SHOPIFY_WEBHOOK_SECRET: "shpss-client-secret-5c83aa",
};
const APP_NAME = "KontorOrders";
const wine = (sku, kivitendoPartId) => ({
  sku,
  kind: "wine",
  bottleSizeMl: 750,
  quality: "Qualitätswein",
  grapes: ["Riesling"],
  wineType: "white",
  taste: "trocken",
  kivitendoPartId,
});
const CATALOGUE = [
  wine("IPOD2008GREEN", 1),
  wine("IPOD2008RED", 2),
  wine("IPOD2008BLACK", 3),
  wine("SWDEMO10005", 8),
  wine("WOO-WOOL-01", 10),
  wine("Bar3", 11),
];

// Shopify: the Admin API's partially refunded order #1001 (three lines, one refund of two of
// them), in EUR, shipped by DHL; as placed it has no refunds and is paid.
const shopifyRefunded = fixture("shopify/rest_2025-10_get_order_partially_refunded.json").order;
shopifyRefunded.currency = "EUR";
shopifyRefunded.presentment_currency = "EUR";
shopifyRefunded.shipping_lines[0].title = "DHL Paket";
/** Order `n` as Shopify sends it (`refunded`: with its refund, partially refunded). */
function shopifyOrder(n = 1001, { refunded = false, cancelled = false } = {}) {
  const o = structuredClone(shopifyRefunded);
  const id = n === 1001 ? o.id : 450780000 + n;
  Object.assign(o, { id, admin_graphql_api_id: `gid://shopify/Order/${id}`, order_number: n, name: `#${n}`, number: n - 1000 });
  if (!refunded) {
    o.refunds = [];
    o.financial_status = "paid";
  }
  if (cancelled) Object.assign(o, { cancelled_at: "2025-10-02T10:00:00-04:00", cancel_reason: "customer", financial_status: "refunded" });
  return o;
}
const shopifyRefund = shopifyRefunded.refunds[0];
// WooCommerce: the REST documentation's order 727, its first line given the SKU it lacks.
const woo = fixture("woocommerce_order.json");
woo.line_items[0].sku = "WOO-WOOL-01";
woo.currency = "EUR";
woo.shipping_lines[0].method_title = "DHL Paket";
// Shopware: order 10060 in the app webhook's envelope, as `checkout.order.placed` and the
// state events send it (the order entity under data.payload.order: Shopware's app webhook
// reference, and @shopware-ag/app-server-sdk's webhook types).
const swOrder = fixture("shopware6_order.json").data;
swOrder.deliveries[0].shippingMethod.name = "DHL";
let swEvents = 0;
/** Shopware's app webhook `event` for `order`; a state event's order as Shopware loads it for
 * it (OrderStateChangeEventListener: the order's own state, the transactions without theirs). */
function shopware(event, order = swOrder) {
  if (event.startsWith("state_enter.")) {
    order = structuredClone(order);
    for (const t of order.transactions ?? []) delete t.stateMachineState;
    const entered = /^state_enter\.order\.state\.(\w+)$/.exec(event);
    if (entered) order.stateMachineState = { technicalName: entered[1], name: entered[1] };
  }
  return envelope(event, order);
}
const envelope = (event, order) =>
  JSON.stringify({
    data: { payload: { order }, event },
    source: { url: WOO_SHOP, appVersion: "1.0.0", shopId: SHOP_ID, eventId: `sw-event-${++swEvents}` },
    timestamp: Math.floor(Date.now() / 1000),
  });

let geisenheim, kivitendo, worker, shopSecret;
const answers = [];

before(async () => {
  geisenheim = await startGeisenheim({ username: secrets.GEISENHEIM_USERNAME, password: secrets.GEISENHEIM_PASSWORD });
  kivitendo = await startKivitendo({ username: secrets.KIVITENDO_USERNAME, password: secrets.KIVITENDO_PASSWORD });
  worker = await startWorker({
    secrets,
    vars: {
      GEISENHEIM_BASE_URL: geisenheim.url,
      KIVITENDO_BASE_URL: kivitendo.url,
      WEBHOOK_TARGETS: "geisenheim,kivitendo",
      GEISENHEIM_FIRST_INVOICE_ID: String(FIRST_ID),
      SHOPWARE_APP_NAME: APP_NAME,
      RETRY_BASE_SECONDS: "1",
      MAX_ATTEMPTS: "3",
      UPSTREAM_TIMEOUT_SECONDS: "3",
      WOOCOMMERCE_SHOPS: WOO_SHOP,
      SHOPIFY_SHOPS: SHOPIFY_SHOP,
      KIVITENDO_OPTIONS: JSON.stringify({ taxzoneId: 4, currencyId: 1, shippingProductId: 99 }),
    },
  });
  // Shopware's registration and confirmation: the shop secret its webhooks are signed with.
  const hmacHex = (key, text) => createHmac("sha256", key).update(text).digest("hex");
  const query = `shop-id=${SHOP_ID}&shop-url=${encodeURIComponent(WOO_SHOP)}&timestamp=${Math.floor(Date.now() / 1000)}`;
  const reg = await (
    await fetch(`${worker.url}/v1/webhooks/shopware6/register?${query}`, {
      headers: { "shopware-app-signature": hmacHex(secrets.SHOPWARE_APP_SECRET, query) },
    })
  ).json();
  const body = JSON.stringify({
    apiKey: "SWIARXBSDJRWEMJONFK2OHBNWA",
    secretKey: "Q1QyaUg3ZHpnZURPeDV3ZkpncXdSRzJpNjdBeWM1WWhWYWd0NE0",
    timestamp: String(Math.floor(Date.now() / 1000)),
    shopUrl: WOO_SHOP,
    shopId: SHOP_ID,
  });
  const confirmed = await fetch(reg.confirmation_url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "shopware-shop-signature": hmacHex(reg.secret, body) },
    body,
  });
  assert.equal(confirmed.status, 204);
  shopSecret = reg.secret;
  const put = await call("PUT", "/v1/catalogue", JSON.stringify(CATALOGUE));
  assert.equal(put.status, 200, JSON.stringify(put.json));
});

after(async () => {
  await worker?.stop();
  await Promise.all([geisenheim?.close(), kivitendo?.close()]);
});

let deliveryIds = 0;
/** Sends `body` (an object or JSON text) as `platform`'s webhook of `topic`, signed. */
async function hook(platform, body, topic, { event = String(++deliveryIds) } = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const mac = createHmac(
    "sha256",
    platform === "woocommerce" ? secrets.WOOCOMMERCE_WEBHOOK_SECRET : platform === "shopify" ? secrets.SHOPIFY_WEBHOOK_SECRET : shopSecret,
  ).update(text);
  const headers =
    platform === "woocommerce"
      ? {
          "X-WC-Webhook-Topic": topic,
          "X-WC-Webhook-Delivery-ID": event,
          "X-WC-Webhook-Source": `${WOO_SHOP}/`,
          "X-WC-Webhook-Signature": mac.digest("base64"),
        }
      : platform === "shopify"
        ? {
            "X-Shopify-Topic": topic,
            "X-Shopify-Shop-Domain": SHOPIFY_SHOP,
            "X-Shopify-Webhook-Id": `b54557e4-${event}`,
            "X-Shopify-Hmac-Sha256": mac.digest("base64"),
          }
        : { "shopware-shop-signature": mac.digest("hex") };
  const res = await fetch(`${worker.url}/v1/webhooks/${platform}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: text,
  });
  const answer = await res.text();
  answers.push({
    method: "POST",
    path: `/v1/webhooks/${platform}`,
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    headers: { "retry-after": res.headers.get("retry-after") },
    text: answer,
  });
  return { status: res.status, json: JSON.parse(answer) };
}
async function call(method, path, body) {
  const send = () =>
    fetch(worker.url + path, {
      method,
      headers: {
        Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body,
    });
  // A read is sent again once when its kept-alive connection was closed under it (seen once
  // under load: "fetch failed").
  const res = await send().catch((e) => (method === "GET" ? send() : Promise.reject(e)));
  const text = await res.text();
  answers.push({ method, path, status: res.status, type: res.headers.get("content-type") ?? "", headers: {}, text });
  return { status: res.status, json: JSON.parse(text) };
}
/** Waits until `check()` gives a truthy value (or fails after 40 s with `what`). */
async function until(what, check) {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const v = await check();
    if (v) return v;
    assert.ok(Date.now() < deadline, `timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const settled = (id) =>
  until(`delivery ${id} settles`, async () => {
    const d = (await call("GET", `/v1/deliveries/${id}`)).json;
    return d.status !== "queued" && d;
  });
const history = async (platform, shop, number) =>
  (await call("GET", `/v1/shop-orders/${platform}/${encodeURIComponent(shop)}/${number}`)).json;
const posts = () =>
  geisenheim.requests
    .filter((r) => r.method === "POST" && r.url === "/erp/orders")
    .map((r) => ({ ...JSON.parse(r.body), answered: r.answered }));
const deletes = () =>
  geisenheim.requests.filter((r) => r.method === "DELETE").map((r) => ({ id: Number(r.url.split("/").pop()), answered: r.answered }));
const byTarget = (deliveries, target) => deliveries.find((d) => d.target === target);

test("20 shop orders at once take 20 gapless Geisenheim ids from GEISENHEIM_FIRST_INVOICE_ID, each kept over a repeated event", async () => {
  const numbers = Array.from({ length: 20 }, (_, i) => 2001 + i);
  const answered = await Promise.all(numbers.map((n) => hook("shopify", shopifyOrder(n), "orders/create")));
  for (const a of answered) assert.equal(a.status, 202, JSON.stringify(a.json));
  const ids = [];
  for (const n of numbers) {
    const h = await history("shopify", SHOPIFY_SHOP, String(n));
    assert.equal(h.geisenheimIds.length, 1, JSON.stringify(h));
    assert.equal(h.geisenheimIds[0].booking, "sale");
    ids.push(h.geisenheimIds[0].id);
  }
  assert.deepEqual(
    [...ids].sort((a, b) => a - b),
    numbers.map((_, i) => FIRST_ID + i),
    "20 ids, none twice, none skipped",
  );
  await Promise.all(answered.map((a) => settled(byTarget(a.json.deliveries, "geisenheim").id)));
  assert.deepEqual(
    posts()
      .map((p) => p.id)
      .sort((a, b) => a - b),
    ids.sort((a, b) => a - b),
    "Geisenheim has each order under its id",
  );
  // The same order again (an orders/updated): the same id, nothing sent again.
  const again = await hook("shopify", shopifyOrder(2001), "orders/updated");
  assert.equal(again.status, 200, JSON.stringify(again.json));
  assert.ok(again.json.deliveries.every((d) => d.duplicate));
  assert.equal((await history("shopify", SHOPIFY_SHOP, "2001")).geisenheimIds.length, 1);
  assert.equal(posts().length, 20);
});

test("shopify: delivered, a refund (refunds/create) is one return booking with negative quantities and a fresh id, booked once; cancelled: DELETE for the sale and the return", async () => {
  const placed = await hook("shopify", shopifyOrder(1001), "orders/create");
  assert.equal(placed.status, 202, JSON.stringify(placed.json));
  const sale = await settled(byTarget(placed.json.deliveries, "geisenheim").id);
  assert.equal(sale.status, "accepted", JSON.stringify(sale));
  const kivi = await settled(byTarget(placed.json.deliveries, "kivitendo").id);
  assert.equal(kivi.status, "accepted", JSON.stringify(kivi));
  const saleId = sale.payload.id;
  assert.equal(saleId, FIRST_ID + 20);
  assert.deepEqual(
    geisenheim.orders.get(String(saleId)).items.map((i) => i.quantity),
    [1, 1, 1],
  );

  const refund = await hook("shopify", shopifyRefund, "refunds/create");
  assert.equal(refund.status, 202, JSON.stringify(refund.json));
  const ret = refund.json.actions.find((a) => a.action === "return_queued");
  assert.equal(ret.refundId, String(shopifyRefund.id));
  assert.equal(ret.invoiceId, saleId + 1, "the sequence's next id");
  assert.equal((await settled(ret.id)).status, "accepted");
  const booked = geisenheim.orders.get(String(saleId + 1));
  assert.deepEqual(
    booked.items.map((i) => i.quantity),
    [-1, -1],
    "the refunded lines at negative quantity",
  );
  const sold = geisenheim.orders.get(String(saleId)).items;
  assert.deepEqual(
    booked.items.map((i) => [i.id, i.price, i.discount]),
    [sold[2], sold[0]].map((i) => [i.id, i.price, i.discount]),
    "black and green, priced as sold",
  );
  assert.equal(booked.date, "2025-10-01", "the refund's day");
  // kivitendo takes no returns: a note naming the refund on its delivery.
  const note = (await call("GET", `/v1/deliveries/${kivi.id}`)).json.issues.find((i) => i.code === "refund_after_delivery");
  assert.match(note.message, new RegExp(String(shopifyRefund.id)));

  // The same refund again (a new delivery id), and the order as Shopify then sends it (with
  // the refund): nothing booked twice.
  const before = posts().length;
  const twice = await hook("shopify", shopifyRefund, "refunds/create");
  assert.equal(twice.status, 200, JSON.stringify(twice.json));
  assert.deepEqual(twice.json.actions, []);
  const updated = await hook("shopify", shopifyOrder(1001, { refunded: true }), "orders/updated");
  assert.equal(updated.status, 200, JSON.stringify(updated.json));
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(posts().length, before, "no second return booking");

  // Cancelled and refunded in full: Geisenheim's DELETE for the sale and its return.
  const cancelled = await hook("shopify", shopifyOrder(1001, { refunded: true, cancelled: true }), "orders/cancelled");
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.json));
  assert.equal(cancelled.json.notASale, true);
  const cancels = cancelled.json.actions.filter((a) => a.action === "cancel_queued");
  assert.deepEqual(
    cancels.map((a) => a.invoiceId),
    [saleId, saleId + 1],
  );
  for (const c of cancels) assert.equal((await settled(c.id)).status, "accepted");
  assert.deepEqual(
    deletes()
      .filter((d) => d.id === saleId || d.id === saleId + 1)
      .map((d) => [d.id, d.answered]),
    [
      [saleId, 204],
      [saleId + 1, 204],
    ],
  );
  assert.ok(!geisenheim.orders.has(String(saleId)) && !geisenheim.orders.has(String(saleId + 1)));
  const kiviNote = (await call("GET", `/v1/deliveries/${kivi.id}`)).json.issues.find((i) =>
    /^order_(cancelled|refunded)_in_shop$/.test(i.code),
  );
  assert.match(kiviNote.message, /no cancel/);
  // Repeated: nothing more.
  const repeated = await hook("shopify", shopifyOrder(1001, { refunded: true, cancelled: true }), "orders/cancelled");
  assert.ok(
    repeated.json.actions.every((a) => a.action === "cancel_exists"),
    JSON.stringify(repeated.json),
  );
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(deletes().filter((d) => d.id === saleId).length, 1);

  // The history: received, delivered, corrected, cancelled, with each delivery's answers.
  const h = await history("shopify", SHOPIFY_SHOP, "1001");
  assert.equal(h.orderId, "450789469");
  assert.match(h.state, /^(cancelled|refunded)$/);
  assert.deepEqual(
    h.geisenheimIds.map((g) => [g.id, g.booking]),
    [
      [saleId, "sale"],
      [saleId + 1, `return:${shopifyRefund.id}`],
    ],
  );
  assert.deepEqual(h.refundsBooked, [String(shopifyRefund.id)]);
  assert.deepEqual([...new Set(h.events.map((e) => e.kind))], ["received", "corrected", "cancelled"]);
  assert.deepEqual(
    h.deliveries.map((d) => [d.role, d.target, d.operation, d.status]),
    [
      ["sale", "geisenheim", "createOrder", "accepted"],
      ["sale", "kivitendo", "createOrder", "accepted"],
      ["return", "geisenheim", "createOrder", "accepted"],
      ["cancel", "geisenheim", "cancelOrder", "accepted"],
      ["cancel", "geisenheim", "cancelOrder", "accepted"],
    ],
  );
  assert.equal(h.deliveries[0].attemptLog[0].upstreamStatus, 200);
  assert.equal(h.deliveries[3].attemptLog.at(-1).requests.at(-1).status, 204);
});

test("shopify: an order first seen already refunded in part goes as sold with its return inline (one booking); the same refund later books nothing", async () => {
  const first = await hook("shopify", shopifyOrder(6001, { refunded: true }), "orders/updated");
  assert.equal(first.status, 202, JSON.stringify(first.json));
  const sale = await settled(byTarget(first.json.deliveries, "geisenheim").id);
  assert.equal(sale.status, "accepted", JSON.stringify(sale));
  await settled(byTarget(first.json.deliveries, "kivitendo").id);
  // Sold three, one black and one green came back: what was really sold, in one booking.
  assert.deepEqual(
    geisenheim.orders.get(String(sale.payload.id)).items.map((i) => i.quantity),
    [1, 1, 1, -1, -1],
  );
  const h = await history("shopify", SHOPIFY_SHOP, "6001");
  assert.deepEqual(h.refundsBooked, [String(shopifyRefund.id)]);
  assert.deepEqual(
    h.geisenheimIds.map((g) => g.booking),
    ["sale"],
  );
  const before = posts().length;
  const again = await hook("shopify", { ...shopifyRefund, order_id: 450780000 + 6001 }, "refunds/create");
  assert.equal(again.status, 200, JSON.stringify(again.json));
  assert.deepEqual(again.json.actions, []);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(posts().length, before, "no return booking for a refund already in the sale");
});

test("woocommerce: delivered; a refund of an amount only is a note (no bottles); cancelled: DELETE for the sale; order.deleted finds it and sends nothing twice", async () => {
  const placed = await hook("woocommerce", woo, "order.created");
  assert.equal(placed.status, 202, JSON.stringify(placed.json));
  const sale = await settled(byTarget(placed.json.deliveries, "geisenheim").id);
  assert.equal(sale.status, "accepted", JSON.stringify(sale));
  const kivi = await settled(byTarget(placed.json.deliveries, "kivitendo").id);
  const saleId = sale.payload.id;

  // WooCommerce's order lists refunds with their amounts only.
  const before = posts().length;
  const refunded = { ...woo, status: "completed", refunds: [{ id: 731, reason: "broken bottle", total: "-5.00" }] };
  const partly = await hook("woocommerce", refunded, "order.updated");
  assert.equal(partly.status, 200, JSON.stringify(partly.json));
  assert.deepEqual(
    partly.json.actions.map((a) => [a.target, a.action]),
    [
      ["geisenheim", "operator_note"],
      ["kivitendo", "operator_note"],
    ],
  );
  assert.equal(
    (await call("GET", `/v1/deliveries/${sale.id}`)).json.issues.find((i) => i.path === "refunds.731").code,
    "refund_without_lines",
  );
  assert.equal(posts().length, before, "no return booking");

  const cancelled = await hook("woocommerce", { ...refunded, status: "cancelled" }, "order.updated");
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.json));
  const c = cancelled.json.actions.find((a) => a.action === "cancel_queued");
  assert.equal(c.invoiceId, saleId);
  assert.equal((await settled(c.id)).status, "accepted");
  assert.deepEqual(
    deletes()
      .filter((d) => d.id === saleId)
      .map((d) => d.answered),
    [204],
  );
  assert.ok(
    (await call("GET", `/v1/deliveries/${kivi.id}`)).json.issues.some(
      (i) => i.code === "order_cancelled_in_shop" && i.severity === "error",
    ),
  );

  // order.deleted: the body is `{ id }` only; the order is found by its WooCommerce id.
  const deleted = await hook("woocommerce", { id: 727 }, "order.deleted");
  assert.equal(deleted.status, 200, JSON.stringify(deleted.json));
  assert.equal(deleted.json.number, "727");
  assert.deepEqual(
    deleted.json.actions.map((a) => a.action),
    ["cancel_exists"],
  );
  const unknown = await hook("woocommerce", { id: 999999 }, "order.deleted");
  assert.equal(unknown.status, 200);
  assert.equal(unknown.json.ignored, "unknown_order");
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(deletes().filter((d) => d.id === saleId).length, 1);
  assert.equal((await history("woocommerce", WOO_SHOP, "727")).state, "cancelled");
});

test("shopware6: delivered; refunded_partially is a note (Shopware's event names no lines); state_enter.order.state.cancelled: DELETE", async () => {
  const placed = await hook("shopware6", shopware("checkout.order.placed"));
  assert.equal(placed.status, 202, JSON.stringify(placed.json));
  const sale = await settled(byTarget(placed.json.deliveries, "geisenheim").id);
  assert.equal(sale.status, "accepted", JSON.stringify(sale));
  await settled(byTarget(placed.json.deliveries, "kivitendo").id);
  const saleId = sale.payload.id;

  const before = posts().length;
  const partly = await hook("shopware6", shopware("state_enter.order_transaction.state.refunded_partially"));
  assert.equal(partly.status, 200, JSON.stringify(partly.json));
  assert.ok(
    partly.json.actions.some((a) => a.target === "geisenheim" && a.action === "operator_note"),
    JSON.stringify(partly.json),
  );
  assert.equal(posts().length, before);

  const cancelled = await hook("shopware6", shopware("state_enter.order.state.cancelled"));
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.json));
  const c = cancelled.json.actions.find((a) => a.action === "cancel_queued");
  assert.equal(c.invoiceId, saleId);
  assert.equal((await settled(c.id)).status, "accepted");
  assert.deepEqual(
    deletes()
      .filter((d) => d.id === saleId)
      .map((d) => d.answered),
    [204],
  );
  // A state event of an order kontor never saw.
  const other = await hook(
    "shopware6",
    shopware("state_enter.order.state.cancelled", { ...swOrder, id: "0".repeat(32), orderNumber: "99999" }),
  );
  assert.equal(other.status, 200);
  assert.equal(other.json.ignored, "unknown_order");
});

test("shopware6: Shopware's state_enter.order_transaction.state.refunded body (composed from Shopware's source) cancels order 28118 at Geisenheim", async () => {
  // The composed event's order (store_api_order_list_28118.json's) placed, with what the event
  // does not load and Geisenheim needs: a billing and a delivery address with a country, DHL.
  const composed = fixture("shopware6/composed/state_enter_order_transaction_state_refunded.json");
  const order = structuredClone(composed.data.payload.order);
  order.billingAddress = { ...order.addresses[0], country: { iso: "DE" } };
  order.deliveries = [{ shippingMethod: { name: "DHL" }, shippingOrderAddress: { ...order.addresses[0], country: { iso: "DE" } } }];
  await call("PUT", "/v1/catalogue", JSON.stringify([...CATALOGUE, wine("SW20009", 12)]));
  const placed = await hook("shopware6", shopware("checkout.order.placed", order));
  assert.equal(placed.status, 202, JSON.stringify(placed.json));
  const sale = await settled(byTarget(placed.json.deliveries, "geisenheim").id);
  assert.equal(sale.status, "accepted", JSON.stringify(sale));
  await settled(byTarget(placed.json.deliveries, "kivitendo").id);
  // The event as Shopware sends it, with a fresh time and event id (a replay is refused).
  const event = { ...composed, source: { ...composed.source, eventId: "sw-refunded-28118" }, timestamp: Math.floor(Date.now() / 1000) };
  const refunded = await hook("shopware6", JSON.stringify(event));
  assert.equal(refunded.status, 200, JSON.stringify(refunded.json));
  assert.equal(refunded.json.state, "refunded");
  const c = refunded.json.actions.find((a) => a.action === "cancel_queued");
  assert.equal(c.invoiceId, sale.payload.id);
  assert.equal((await settled(c.id)).status, "accepted");
  assert.deepEqual(
    deletes()
      .filter((d) => d.id === sale.payload.id)
      .map((d) => d.answered),
    [204],
  );
});

test("a cancel racing its own first delivery: the DELETE waits for the POST out, and no POST follows it", async () => {
  // Geisenheim holds the first POST of order 3001 without answering (the worker times out).
  geisenheim.respondNext({ hang: true }, (r) => r.method === "POST");
  const placed = await hook("shopify", shopifyOrder(3001), "orders/create");
  assert.equal(placed.status, 202, JSON.stringify(placed.json));
  const g = byTarget(placed.json.deliveries, "geisenheim");
  const id = (await history("shopify", SHOPIFY_SHOP, "3001")).geisenheimIds[0].id;
  await until("the POST is out", () => geisenheim.requests.some((r) => r.method === "POST" && JSON.parse(r.body).id === id));
  // While kivitendo's delivery of it is out, the worker answers 503 and the shop sends the
  // event again.
  const cancelled = await until("the cancel is taken", async () => {
    const a = await hook("shopify", shopifyOrder(3001, { cancelled: true }), "orders/cancelled", { event: "cancel-3001" });
    return a.status !== 503 && a;
  });
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.json));
  const c = cancelled.json.actions.find((a) => a.target === "geisenheim");
  assert.equal(c.invoiceId, id);
  const cancel = await settled(c.id);
  assert.equal(cancel.status, "accepted", JSON.stringify(cancel));
  await new Promise((r) => setTimeout(r, 2000));
  const forId = geisenheim.requests.filter(
    (r) => (r.method === "POST" && JSON.parse(r.body).id === id) || (r.method === "DELETE" && r.url.endsWith(`/${id}`)),
  );
  const lastPost = forId.findLastIndex((r) => r.method === "POST");
  const firstDelete = forId.findIndex((r) => r.method === "DELETE");
  assert.ok(firstDelete === -1 || lastPost < firstDelete, `no POST after the DELETE: ${forId.map((r) => r.method).join(", ")}`);
  assert.ok(!geisenheim.orders.has(String(id)), "not at Geisenheim in the end");
  const create = (await call("GET", `/v1/deliveries/${g.id}`)).json;
  assert.ok(["cancelled", "uncertain"].includes(create.status), create.status);
  assert.notEqual(create.status, "queued");
});

test("a refund of an order never delivered sends nothing and says so; one of an order kontor never saw is acknowledged", async () => {
  // Order 4001 arrives cancelled: never delivered, no Geisenheim id given.
  const first = await hook("shopify", shopifyOrder(4001, { cancelled: true }), "orders/create");
  assert.equal(first.status, 200, JSON.stringify(first.json));
  assert.deepEqual(first.json.actions, []);
  const before = geisenheim.requests.length;
  const refund = await hook("shopify", { ...shopifyRefund, id: 609562969, order_id: 450780000 + 4001 }, "refunds/create");
  assert.equal(refund.status, 200, JSON.stringify(refund.json));
  assert.equal(refund.json.notDelivered, true);
  assert.equal(refund.json.issues[0].code, "not_delivered");
  const unknown = await hook("shopify", { ...shopifyRefund, order_id: 1 }, "refunds/create");
  assert.equal(unknown.status, 200);
  assert.equal(unknown.json.ignored, "unknown_order");
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(geisenheim.requests.length, before, "nothing sent");
  assert.deepEqual((await history("shopify", SHOPIFY_SHOP, "4001")).geisenheimIds, [], "an order never sent takes no id");
});

test("the answers of this file are the OpenAPI document's", async () => {
  const missing = await call("GET", `/v1/shop-orders/shopify/${SHOPIFY_SHOP}/0`);
  assert.equal(missing.status, 404);
  const { check } = await openapiChecker();
  const problems = answers.flatMap((a) => check(a));
  assert.deepEqual(problems, []);
});

test("Geisenheim as a webhook target without GEISENHEIM_FIRST_INVOICE_ID: 500 worker_misconfigured naming it, nothing stored", async () => {
  const w = await startWorker({
    secrets,
    vars: { GEISENHEIM_BASE_URL: geisenheim.url, WEBHOOK_TARGETS: "geisenheim", SHOPIFY_SHOPS: SHOPIFY_SHOP },
  });
  try {
    const text = JSON.stringify(shopifyOrder(5001));
    const res = await fetch(`${w.url}/v1/webhooks/shopify`, {
      method: "POST",
      body: text,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Shop-Domain": SHOPIFY_SHOP,
        "X-Shopify-Webhook-Id": "x-1",
        "X-Shopify-Hmac-Sha256": createHmac("sha256", secrets.SHOPIFY_WEBHOOK_SECRET).update(text).digest("base64"),
      },
    });
    const body = await res.json();
    assert.equal(res.status, 500, JSON.stringify(body));
    assert.equal(body.error, "worker_misconfigured");
    assert.equal(body.issues[0].path, "env.GEISENHEIM_FIRST_INVOICE_ID");
    assert.match(body.issues[0].message, /set it to the first id the worker may give/);
  } finally {
    await w.stop();
  }
});

test("westarp: its API has no cancel and takes no returns: a refund and a cancel after delivery are notes for the operator, nothing sent", async () => {
  const { startWestarp } = await import("../../tests/standins/westarp.mjs");
  const westarp = await startWestarp({ token: "westarp-token-2c7a91" });
  const w = await startWorker({
    secrets: { ...secrets, WESTARP_TOKEN: "westarp-token-2c7a91" },
    vars: {
      WESTARP_BASE_URL: `${westarp.url}/v2`,
      WEBHOOK_TARGETS: "westarp",
      SHOPIFY_SHOPS: SHOPIFY_SHOP,
      RETRY_BASE_SECONDS: "1",
      // The Admin API order's test gateway `bogus` as bank transfer (Westarp's id 3).
      WESTARP_OPTIONS: JSON.stringify({ type: "email", paymentMethodIds: { bogus: 3 } }),
    },
  });
  const send = async (body, topic, id) => {
    const text = JSON.stringify(body);
    const res = await fetch(`${w.url}/v1/webhooks/shopify`, {
      method: "POST",
      body: text,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": SHOPIFY_SHOP,
        "X-Shopify-Webhook-Id": id,
        "X-Shopify-Hmac-Sha256": createHmac("sha256", secrets.SHOPIFY_WEBHOOK_SECRET).update(text).digest("base64"),
      },
    });
    return { status: res.status, json: await res.json() };
  };
  const get = async (path) => (await fetch(w.url + path, { headers: { Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}` } })).json();
  try {
    const books = ["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"].map((sku) => ({
      sku,
      kind: "book",
      isbn: "978-3-16-148410-0",
      weightGrams: 450,
    }));
    const put = await fetch(`${w.url}/v1/catalogue`, {
      method: "PUT",
      body: JSON.stringify(books),
      headers: { Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}`, "Content-Type": "application/json" },
    });
    assert.equal(put.status, 200);
    const placed = await send(shopifyOrder(1001), "orders/create", "w-1");
    assert.equal(placed.status, 202, JSON.stringify(placed.json));
    const id = placed.json.deliveries[0].id;
    await until("the Westarp delivery settles", async () => (await get(`/v1/deliveries/${id}`)).status === "accepted");
    const sent = westarp.requests.length;
    const refund = await send(shopifyRefund, "refunds/create", "w-2");
    assert.equal(refund.status, 200, JSON.stringify(refund.json));
    assert.deepEqual(
      refund.json.actions.map((a) => [a.target, a.action, a.refundId]),
      [["westarp", "operator_note", String(shopifyRefund.id)]],
    );
    const cancelled = await send(shopifyOrder(1001, { refunded: true, cancelled: true }), "orders/cancelled", "w-3");
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.json));
    assert.deepEqual(
      cancelled.json.actions.map((a) => [a.target, a.action]),
      [["westarp", "operator_note"]],
    );
    const d = await get(`/v1/deliveries/${id}`);
    assert.equal(d.status, "accepted");
    assert.deepEqual(
      d.issues.filter((i) => i.severity === "error").map((i) => i.code),
      ["refund_after_delivery", cancelled.json.state === "refunded" ? "order_refunded_in_shop" : "order_cancelled_in_shop"],
    );
    assert.match(d.issues.find((i) => i.code === "refund_after_delivery").message, /westarp's API takes no returns/);
    assert.equal(westarp.requests.length, sent, "nothing sent to Westarp");
  } finally {
    await w.stop();
    await westarp.close();
  }
});
