// Shop webhooks and the product catalogue (issue 15) in real workerd: POST
// /v1/webhooks/{woocommerce|shopware6|shopify} with each platform's documented sample order
// (tests/fixtures/shops/), signed as the platform signs it, into a kivitendo stand-in through
// the delivery queue; PUT/GET /v1/catalogue with CSV and JSON. A valid, a missing and a wrong
// signature, a retried delivery (also two at once), and an order whose SKU the catalogue
// lacks (refused, naming the SKU, nothing sent).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { startWorker, storedState, basicValues, assertNoSecrets } from "./harness.mjs";
import { startKivitendo } from "../../tests/standins/kivitendo.mjs";

const fixture = (p) => readFileSync(new URL(`../../tests/fixtures/shops/${p}`, import.meta.url), "utf8");
// WooCommerce's sample has a first line without SKU (an error): given one here.
const wooOrder = JSON.parse(fixture("woocommerce_order.json"));
wooOrder.line_items[0].sku = "WOO-WOOL-01";
const SHOP_ID = "dgrH7nLU6tlE";
// Shopware's app webhook `checkout.order.placed`: the order entity under data.payload.order.
const shopwareBody = JSON.stringify({
  data: { payload: { order: JSON.parse(fixture("shopware6_order.json")).data }, event: "checkout.order.placed" },
  source: { url: "https://shop.example.com", appVersion: "1.0.0", shopId: SHOP_ID, eventId: "7b04ebe416db4ebc93de4d791325e1d9" },
  timestamp: Math.floor(Date.now() / 1000),
});
// Shopify's sample as published is the order after its cancel (`cancelled_at`, `voided`); the
// same order as it was placed has neither (edited in the raw text: its ids exceed 2^53).
const shopifyCancelled = fixture("shopify_orders_create.json");
const shopifyPlaced = shopifyCancelled
  .replace('"cancel_reason": "customer"', '"cancel_reason": null')
  .replace('"cancelled_at": "2021-12-31T19:00:00-05:00"', '"cancelled_at": null')
  .replace('"financial_status": "voided"', '"financial_status": "paid"');
const bodies = {
  woocommerce: JSON.stringify(wooOrder),
  shopware6: shopwareBody,
  shopify: shopifyPlaced,
};
const numbers = { woocommerce: "727", shopware6: "10060", shopify: "1234" };
// The shop each platform's webhooks come from, as kontor keys them.
const shops = { woocommerce: "https://shop.example.com", shopware6: SHOP_ID, shopify: "example.myshopify.com" };
const secrets = {
  KIVITENDO_USERNAME: "kivi-api",
  KIVITENDO_PASSWORD: "kivi-pw-8842",
  KONTOR_API_TOKEN: "caller-token-94af0e",
  WOOCOMMERCE_WEBHOOK_SECRET: "wc-secret-7d1e40",
  SHOPWARE_APP_SECRET: "sw-app-secret-22b9f1",
  SHOPIFY_WEBHOOK_SECRET: "shpss-client-secret-5c83aa",
  SHOPIFY_WEBHOOK_SECRET_SECOND: "shpss-second-shop-91e0cc",
};
// Shopware's: the shop secret kontor answers at registration (set by the first test).
const secretOf = { woocommerce: secrets.WOOCOMMERCE_WEBHOOK_SECRET, shopware6: null, shopify: secrets.SHOPIFY_WEBHOOK_SECRET };
const APP_NAME = "KontorOrders";
let kivitendo, worker;
const answers = [];

before(async () => {
  kivitendo = await startKivitendo({ username: secrets.KIVITENDO_USERNAME, password: secrets.KIVITENDO_PASSWORD });
  worker = await startWorker({
    secrets,
    vars: {
      KIVITENDO_BASE_URL: kivitendo.url,
      WEBHOOK_TARGETS: "kivitendo",
      SHOPWARE_APP_NAME: APP_NAME,
      RETRY_BASE_SECONDS: "1",
      MAX_ATTEMPTS: "3",
      WOOCOMMERCE_SHOPS: "https://shop.example.com/",
      SHOPIFY_SHOPS: JSON.stringify({
        "example.myshopify.com": "SHOPIFY_WEBHOOK_SECRET",
        "second.myshopify.com": "SHOPIFY_WEBHOOK_SECRET_SECOND",
      }),
      KIVITENDO_OPTIONS: JSON.stringify({ taxzoneId: 4, currencyId: 1, shippingProductId: 99 }),
    },
  });
});

after(async () => {
  await worker?.stop();
  await kivitendo?.close();
});

let deliveryIds = 0;
/** The platform's own headers for `body`, signed with `secret` (null: no signature), each with
 * a delivery id of its own unless `event` is given. */
function headers(platform, body, secret = secretOf[platform], { event = String(++deliveryIds), shop } = {}) {
  const mac = secret === null ? null : createHmac("sha256", secret).update(body);
  if (platform === "woocommerce") {
    return {
      "Content-Type": "application/json",
      "X-WC-Webhook-Topic": "order.created",
      "X-WC-Webhook-Resource": "order",
      "X-WC-Webhook-Event": "created",
      "X-WC-Webhook-Delivery-ID": event,
      "X-WC-Webhook-ID": "7",
      "X-WC-Webhook-Source": shop ?? "https://shop.example.com/",
      ...(mac ? { "X-WC-Webhook-Signature": mac.digest("base64") } : {}),
    };
  }
  if (platform === "shopify") {
    return {
      "Content-Type": "application/json",
      "X-Shopify-Topic": "orders/create",
      "X-Shopify-Shop-Domain": shop ?? "example.myshopify.com",
      "X-Shopify-Webhook-Id": `b54557e4-bdd9-4b37-8a5f-${event.padStart(12, "0")}`,
      "X-Shopify-API-Version": "2025-07",
      ...(mac ? { "X-Shopify-Hmac-Sha256": mac.digest("base64") } : {}),
    };
  }
  return { "Content-Type": "application/json", "sw-version": "6.6.10.0", ...(mac ? { "shopware-shop-signature": mac.digest("hex") } : {}) };
}

async function hook(platform, body = bodies[platform], h = headers(platform, body)) {
  const res = await fetch(`${worker.url}/v1/webhooks/${platform}`, { method: "POST", headers: h, body });
  const text = await res.text();
  answers.push(text);
  return { status: res.status, json: JSON.parse(text) };
}
const auth = { Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}` };
async function call(method, path, body, type = "application/json") {
  const res = await fetch(worker.url + path, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { "Content-Type": type }) },
    body,
  });
  const text = await res.text();
  answers.push(text);
  return { status: res.status, json: JSON.parse(text) };
}
const ordersIn = (number) => kivitendo.state.orders.filter((o) => o.number === number).length;
const orderPosts = () => kivitendo.requests.filter((q) => q.method === "POST" && q.url === "/api/v1/orders");
async function settled(id) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const d = (await call("GET", `/v1/deliveries/${id}`)).json;
    if (d.status !== "queued") return d;
    assert.ok(Date.now() < deadline, JSON.stringify(d));
    await new Promise((r) => setTimeout(r, 200));
  }
}

const hmacHex = (key, text) => createHmac("sha256", key).update(text).digest("hex");
/** Shopware's registration request for `shopId`, signed with `appSecret` (and with the shop's
 * current secret, on a re-registration). */
async function register(shopId, { appSecret = secrets.SHOPWARE_APP_SECRET, shopSecret, timestamp = Math.floor(Date.now() / 1000) } = {}) {
  const query = `shop-id=${shopId}&shop-url=${encodeURIComponent("https://shop.example.com")}&timestamp=${timestamp}`;
  const h = {
    "shopware-app-signature": hmacHex(appSecret, query),
    "sw-version": "6.6.10.0",
    ...(shopSecret ? { "shopware-shop-signature": hmacHex(shopSecret, query) } : {}),
  };
  const res = await fetch(`${worker.url}/v1/webhooks/shopware6/register?${query}`, { headers: h });
  return { status: res.status, json: await res.json() };
}
async function confirm(shopId, secret, url) {
  const body = JSON.stringify({
    apiKey: "SWIARXBSDJRWEMJONFK2OHBNWA",
    secretKey: "Q1QyaUg3ZHpnZURPeDV3ZkpncXdSRzJpNjdBeWM1WWhWYWd0NE0",
    timestamp: String(Math.floor(Date.now() / 1000)),
    shopUrl: "https://shop.example.com",
    shopId,
  });
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "shopware-shop-signature": hmacHex(secret, body) },
    body,
  });
  return res.status;
}

test("shopware6: the app registration answers the proof and a shop secret; the confirmation signed with it completes it", async () => {
  assert.equal((await register(SHOP_ID, { appSecret: "not-the-app-secret" })).status, 401);
  assert.equal((await register(SHOP_ID, { timestamp: 1000 })).status, 401, "a stale registration");
  const r = await register(SHOP_ID);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.proof, hmacHex(secrets.SHOPWARE_APP_SECRET, `${SHOP_ID}https://shop.example.com${APP_NAME}`));
  assert.match(r.json.secret, /^[0-9a-f]{64}$/);
  assert.equal(r.json.confirmation_url, `${worker.url}/v1/webhooks/shopware6/confirm`);
  // Webhooks of a shop whose registration is not confirmed are refused.
  const early = await hook("shopware6", bodies.shopware6, headers("shopware6", bodies.shopware6, r.json.secret));
  assert.equal(early.status, 401);
  assert.equal(await confirm(SHOP_ID, "wrong-secret", r.json.confirmation_url), 401);
  assert.equal(await confirm(SHOP_ID, r.json.secret, r.json.confirmation_url), 204);
  secretOf.shopware6 = r.json.secret;
  // A re-registration must be signed with the shop's current secret too.
  assert.equal((await register(SHOP_ID)).status, 401);
  const again = await register(SHOP_ID, { shopSecret: r.json.secret });
  assert.equal(again.status, 200);
  assert.notEqual(again.json.secret, r.json.secret, "a new secret on re-registration");
  // Confirmed: the new secret is the shop's from now on.
  assert.equal(await confirm(SHOP_ID, again.json.secret, again.json.confirmation_url), 204);
  secretOf.shopware6 = again.json.secret;
});

test("catalogue: a CSV with bad rows is refused with every bad row's line, nothing stored", async () => {
  const csv = "Artikelnummer;kind;Liter;kivitendoPartId\nSWDEMO10005;wine;0,75;8\nBAD-1;nonsense;0,75;\nBAD-2;wine;big;\n";
  const r = await call("PUT", "/v1/catalogue", csv, "text/csv");
  assert.equal(r.status, 422, JSON.stringify(r.json));
  assert.equal(r.json.error, "invalid_catalogue");
  assert.deepEqual(
    r.json.issues.map((i) => i.path),
    ["lines[3].kind", "lines[4].Liter"],
  );
  assert.match(r.json.issues[0].message, /^"nonsense" is not allowed: use one of wine/);
  assert.deepEqual((await call("GET", "/v1/catalogue")).json.catalogue, []);
  const xml = await call("PUT", "/v1/catalogue", "<catalogue/>", "application/xml");
  assert.equal(xml.status, 415);
});

test("catalogue: a semicolon CSV with German decimal commas is stored and read back", async () => {
  const csv =
    "Artikelnummer;kind;Liter;Rebsorten;weightGrams;kivitendoPartId\nSWDEMO10005;wine;0,75;Riesling;1.300,0;8\nWOO-WOOL-01;other;;;250;10\nBar3;other;;;;11\n";
  const r = await call("PUT", "/v1/catalogue", csv, "text/csv; charset=utf-8");
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.entries, 3);
  const got = (await call("GET", "/v1/catalogue")).json;
  assert.deepEqual(
    got.catalogue.map((e) => e.sku),
    ["SWDEMO10005", "WOO-WOOL-01", "Bar3"],
  );
  assert.equal(got.catalogue[0].bottleSizeMl, 750);
  assert.equal(got.catalogue[0].weightGrams, 1300);
  assert.deepEqual(got.catalogue[0].grapes, ["Riesling"]);
  assert.match(got.updatedAt, /^\d{4}-\d\d-\d\dT/);
  const noAuth = await fetch(`${worker.url}/v1/catalogue`);
  assert.equal(noAuth.status, 401);
});

for (const platform of ["woocommerce", "shopware6", "shopify"]) {
  test(`${platform}: a missing and a wrong signature are refused with 401, nothing sent`, async () => {
    const body = bodies[platform];
    const none = await hook(platform, body, headers(platform, body, null));
    assert.equal(none.status, 401, JSON.stringify(none.json));
    assert.equal(none.json.issues[0].code, "invalid_signature");
    const wrong = await hook(platform, body, headers(platform, body, `${secretOf[platform]}x`));
    assert.equal(wrong.status, 401);
    // Signed, then changed: the MAC is over the raw body.
    const tampered = await hook(platform, body.replace(numbers[platform], `9${numbers[platform]}`), headers(platform, body));
    assert.equal(tampered.status, 401);
    assert.equal(kivitendo.requests.length, 0);
  });
}

test("shopify: an order whose SKU is missing from the catalogue is refused naming the SKU; nothing queued or sent", async () => {
  const r = await hook("shopify");
  assert.equal(r.status, 422, JSON.stringify(r.json));
  assert.equal(r.json.error, "missing_from_catalogue");
  assert.deepEqual(r.json.missing, ["IPOD2008PINK"]);
  const i = r.json.issues.find((x) => x.code === "missing_from_catalogue");
  assert.equal(i.path, "items[0].sku");
  assert.match(i.message, /IPOD2008PINK/);
  await new Promise((res) => setTimeout(res, 2500));
  assert.equal(kivitendo.requests.length, 0, "the stand-in received nothing");
  assert.deepEqual((await call("GET", "/v1/deliveries")).json.deliveries, []);
});

test("catalogue: a JSON upload replaces the CSV one", async () => {
  const entries = [
    { sku: "SWDEMO10005", kind: "wine", bottleSizeMl: 750, kivitendoPartId: 8 },
    { sku: "WOO-WOOL-01", kind: "other", kivitendoPartId: 10 },
    { sku: "Bar3", kind: "other", kivitendoPartId: 11 },
    { sku: "IPOD2008PINK", kind: "other", weightGrams: 567, kivitendoPartId: 7 },
  ];
  const r = await call("PUT", "/v1/catalogue", JSON.stringify(entries));
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const got = (await call("GET", "/v1/catalogue")).json.catalogue;
  assert.deepEqual(
    got.map((e) => e.sku),
    entries.map((e) => e.sku),
  );
  assert.equal(got[0].weightGrams, undefined, "the CSV's rows are gone");
});

for (const platform of ["woocommerce", "shopware6", "shopify"]) {
  test(`${platform}: a signed order is queued, delivered to kivitendo with the catalogue's part ids; the shop's retry delivers nothing again`, async () => {
    const number = numbers[platform];
    // Sent twice at once (a shop retrying while the first is still in flight): one claim.
    const first = await Promise.all([hook(platform), hook(platform)]);
    const r = first.find((a) => a.status === 202);
    assert.ok(r, JSON.stringify(first.map((a) => a.json)));
    const other = first.find((a) => a !== r);
    assert.equal(other.status, 200, JSON.stringify(other.json));
    // Answered as the same delivery id handled (Shopware's two carry one event id in the body)
    // or from the ledger.
    if (other.json.duplicate !== true) {
      assert.equal(other.json.deliveries[0].duplicate, true);
      assert.equal(other.json.deliveries[0].id, r.json.deliveries[0].id);
    }
    assert.equal(r.json.number, number);
    const [d] = r.json.deliveries;
    assert.deepEqual([d.target, d.status, d.key], ["kivitendo", "queued", `${platform}:${shops[platform]}:${number}`]);
    const done = await settled(d.id);
    assert.equal(done.status, "accepted", JSON.stringify(done));
    assert.equal(ordersIn(number), 1);
    const posted = orderPosts().filter((q) => q.body.includes(`<order-number>${number}</order-number>`));
    assert.equal(posted.length, 1);
    const partIds = { woocommerce: ["10", "11"], shopware6: ["8"], shopify: ["7"] }[platform];
    for (const id of partIds) assert.match(posted[0].body, new RegExp(`<product-id[^>]*>${id}</product-id>`));

    // The shop sends the same webhook again (its retry: the same delivery id), and twice at
    // once: the delivery id was handled, nothing changes.
    const event = "retried-1";
    const again = await Promise.all([
      hook(platform, bodies[platform], headers(platform, bodies[platform], secretOf[platform], { event })),
      hook(platform, bodies[platform], headers(platform, bodies[platform], secretOf[platform], { event })),
    ]);
    for (const a of again) assert.equal(a.status, 200, JSON.stringify(a.json));
    const retry = await hook(platform, bodies[platform], headers(platform, bodies[platform], secretOf[platform], { event }));
    assert.deepEqual([retry.status, retry.json.duplicate], [200, true], JSON.stringify(retry.json));
    // Another delivery of the same order (a new delivery id; Shopware's is in its body):
    // answered from the ledger.
    const updated =
      platform === "shopware6"
        ? bodies.shopware6.replace("7b04ebe416db4ebc93de4d791325e1d9", "8c15fcf527ec5fcd04ef5e802436f2ea")
        : bodies[platform];
    const update = await hook(platform, updated);
    assert.equal(update.status, 200, JSON.stringify(update.json));
    assert.deepEqual(
      update.json.deliveries.map((x) => [x.id, x.duplicate, x.status]),
      [[d.id, true, "accepted"]],
    );
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal(ordersIn(number), 1, "delivered once");
    assert.equal(orderPosts().filter((q) => q.body.includes(`<order-number>${number}</order-number>`)).length, 1);
  });
}

test("shopify: two shops with the same order number are two deliveries; each shop signs with its own secret; a shop not configured is refused without echo", async () => {
  const body = bodies.shopify;
  const second = { shop: "second.myshopify.com" };
  // The second shop's order 1234 signed with the first shop's secret: refused.
  const crossed = await hook("shopify", body, headers("shopify", body, secrets.SHOPIFY_WEBHOOK_SECRET, second));
  assert.equal(crossed.status, 401, JSON.stringify(crossed.json));
  const r = await hook("shopify", body, headers("shopify", body, secrets.SHOPIFY_WEBHOOK_SECRET_SECOND, second));
  assert.equal(r.status, 202, JSON.stringify(r.json));
  assert.deepEqual(
    [r.json.shop, r.json.deliveries[0].key, r.json.deliveries[0].duplicate],
    ["second.myshopify.com", "shopify:second.myshopify.com:1234", undefined],
  );
  assert.equal((await settled(r.json.deliveries[0].id)).status, "accepted");
  const guess = "guessed-secret-shop.myshopify.com";
  const unknown = await hook("shopify", body, headers("shopify", body, secrets.SHOPIFY_WEBHOOK_SECRET, { shop: guess }));
  assert.equal(unknown.status, 401);
  assert.equal(unknown.json.issues[0].code, "unknown_shop");
  assert.ok(!JSON.stringify(unknown.json).includes("guessed"), "the shop named is not repeated");
});

test("shopify: the order cancelled after it was delivered is not sent again; the delivery names what to undo, once", async () => {
  const key = "shopify:example.myshopify.com:1234";
  const before = kivitendo.requests.length;
  const cancelled = (event) =>
    hook("shopify", shopifyCancelled, {
      ...headers("shopify", shopifyCancelled, secretOf.shopify, { event }),
      "X-Shopify-Topic": "orders/cancelled",
    });
  const r = await cancelled("cancel-1");
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual(
    [r.json.notASale, r.json.state, r.json.actions.map((a) => [a.target, a.action])],
    [true, "cancelled", [["kivitendo", "operator_note"]]],
  );
  const d = (await call("GET", `/v1/deliveries/${r.json.actions[0].id}`)).json;
  assert.deepEqual([d.key, d.status], [key, "accepted"]);
  assert.match(d.issues.find((i) => i.code === "order_cancelled_in_shop").message, /after it was sent to kivitendo: .*undo it by hand/);
  // Another delivery of the event, and the same order under orders/updated: nothing more.
  const again = await cancelled("cancel-2");
  assert.deepEqual([again.status, again.json.actions], [200, []]);
  const updated = await hook("shopify", shopifyCancelled, { ...headers("shopify", shopifyCancelled), "X-Shopify-Topic": "orders/updated" });
  assert.deepEqual([updated.status, updated.json.notASale], [200, true]);
  assert.equal((await call("GET", `/v1/deliveries/${d.id}`)).json.issues.filter((i) => i.code === "order_cancelled_in_shop").length, 1);
  assert.equal(kivitendo.requests.length, before, "nothing sent");
});

test("a cancelled order never delivered is acknowledged and not sent; a cancel racing the first delivery stops it", async () => {
  // Cancelled before kontor ever saw it (another order number): 200, no delivery.
  const other = shopifyCancelled.replace('"order_number": 1234', '"order_number": 4321').replace('"name": "#9999"', '"name": "#4321"');
  const never = await hook("shopify", other, { ...headers("shopify", other), "X-Shopify-Topic": "orders/cancelled" });
  assert.deepEqual([never.status, never.json.notASale, never.json.actions], [200, true, []], JSON.stringify(never.json));
  assert.equal((await call("GET", "/v1/deliveries?limit=200")).json.deliveries.filter((x) => x.key.endsWith(":4321")).length, 0);
  // WooCommerce's order 727 as a new order 7270, kivitendo down for its first attempt, then
  // the shop cancels it (order.updated with status cancelled) before the retry.
  const placed = JSON.stringify({ ...wooOrder, id: 7270, number: "7270" });
  const posts = () => orderPosts().filter((q) => q.body.includes("<order-number>7270</order-number>")).length;
  kivitendo.respondNext(
    { status: 503, body: { error: "maintenance" } },
    (q) => q.method === "POST" && q.url === "/api/v1/orders" && q.body.includes("7270"),
  );
  const r = await hook("woocommerce", placed);
  assert.equal(r.status, 202, JSON.stringify(r.json));
  const id = r.json.deliveries[0].id;
  const deadline = Date.now() + 20_000;
  while ((await call("GET", `/v1/deliveries/${id}`)).json.attempts < 1) {
    assert.ok(Date.now() < deadline, "the first attempt ran");
    await new Promise((res) => setTimeout(res, 100));
  }
  const cancelBody = JSON.stringify({ ...wooOrder, id: 7270, number: "7270", status: "cancelled" });
  let c;
  for (;;) {
    c = await hook("woocommerce", cancelBody, { ...headers("woocommerce", cancelBody), "X-WC-Webhook-Topic": "order.updated" });
    if (c.status !== 503) break; // the retry was out: the shop sends the event again
    await new Promise((res) => setTimeout(res, 200));
  }
  assert.equal(c.status, 200, JSON.stringify(c.json));
  const after = (await call("GET", `/v1/deliveries/${id}`)).json;
  if (after.status === "cancelled") {
    assert.deepEqual(
      c.json.actions.map((a) => a.action),
      ["create_cancelled", "operator_note"],
      "it may have reached kivitendo: checked by hand",
    );
    await new Promise((res) => setTimeout(res, 3000));
    assert.equal(posts(), 1, "the create is never sent again after its cancel");
  } else {
    // The retry won the race: delivered, and the operator is told to undo it.
    assert.equal(after.status, "accepted");
    assert.ok(after.issues.some((i) => i.code === "order_cancelled_in_shop"));
  }
});

test("a signed body under another topic is not acted on as that topic; invalid UTF-8 is refused", async () => {
  const before = kivitendo.requests.length;
  const body = bodies.woocommerce;
  const t = await hook("woocommerce", body, { ...headers("woocommerce", body), "X-WC-Webhook-Topic": "coupon.deleted" });
  assert.deepEqual([t.status, t.json.ignored], [200, "topic"]);
  const raw = Buffer.concat([Buffer.from('{"id": 1, "note": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  const mac = createHmac("sha256", secrets.WOOCOMMERCE_WEBHOOK_SECRET).update(raw).digest("base64");
  const res = await fetch(`${worker.url}/v1/webhooks/woocommerce`, {
    method: "POST",
    headers: { ...headers("woocommerce", ""), "X-WC-Webhook-Signature": mac },
    body: raw,
  });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).issues[0].code, "invalid_utf8");
  assert.equal(kivitendo.requests.length, before);
});

test("woocommerce: the ping on saving a webhook and a topic that is no order are acknowledged, nothing sent", async () => {
  const before = kivitendo.requests.length;
  const ping = "webhook_id=7";
  // WooCommerce sends it unsigned (WC_Webhook::deliver_ping) and wants a 200.
  const p = await hook("woocommerce", ping, {
    "Content-Type": "application/x-www-form-urlencoded",
    "User-Agent": "WooCommerce/9.8.0 Hookshot (WordPress/6.8)",
  });
  assert.equal(p.status, 200);
  assert.equal(p.json.ignored, "ping");
  const product = JSON.stringify({ id: 799, name: "Ship Your Idea" });
  const t = await hook("woocommerce", product, { ...headers("woocommerce", product), "X-WC-Webhook-Topic": "product.updated" });
  assert.equal(t.status, 200);
  assert.equal(t.json.ignored, "topic");
  assert.equal(kivitendo.requests.length, before);
});

test("an unconfigured platform answers 500 naming the secret to set", async () => {
  const w = await startWorker({ secrets: { KONTOR_API_TOKEN: secrets.KONTOR_API_TOKEN }, vars: { WEBHOOK_TARGETS: "kivitendo" } });
  try {
    const body = bodies.shopify;
    const res = await fetch(`${w.url}/v1/webhooks/shopify`, { method: "POST", headers: headers("shopify", body), body });
    assert.equal(res.status, 500);
    const j = await res.json();
    assert.match(j.issues[0].message, /SHOPIFY_WEBHOOK_SECRET/);
    assert.equal((await fetch(`${w.url}/v1/webhooks/magento`, { method: "POST", body: "{}" })).status, 404);
  } finally {
    await w.stop();
  }
});

test("no webhook or upstream secret in any answer, the D1 state or the worker's output", async () => {
  const basic = basicValues([secrets.KIVITENDO_USERNAME, secrets.KIVITENDO_PASSWORD]);
  const state = storedState(worker.persist);
  assert.ok(state.length > 0);
  assertNoSecrets({ answers: answers.join("\n"), state, output: worker.output() }, [
    ...Object.values(secrets),
    ...basic,
    secretOf.shopware6,
  ]);
});
