// Backfill and reconciliation (issue 24) in real workerd: orders pulled from the stand-ins of
// WooCommerce, Shopify and Shopware (tests/standins/shops.mjs, written from their API
// references) into a kivitendo stand-in through the webhooks' own path and the delivery queue.
// Pagination, an order changing between pages, a rate limit with Retry-After, expired and
// wrong credentials (`auth_failed`), a restart in the middle of a backfill, an order arriving
// by webhook while it is pulled (delivered once), the Cron Trigger's reconciliation from the
// watermark, cancelling, and the orders refused for missing catalogue facts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWorker, storedState, wooWebhookHeaders } from "./harness.mjs";
import { startKivitendo } from "../../tests/standins/kivitendo.mjs";
import { shopOrders, startWooCommerce, startShopify, startShopware } from "../../tests/standins/shops.mjs";

const SKU = "WEIN-RIES-2023";
const secrets = {
  KIVITENDO_USERNAME: "kivi-api",
  KIVITENDO_PASSWORD: "kivi-pw-8842",
  KONTOR_API_TOKEN: "caller-token-94af0e",
  WOOCOMMERCE_WEBHOOK_SECRET: "wc-secret-7d1e40",
  WOOCOMMERCE_CONSUMER_KEY: "ck_4f1e9a0c",
  WOOCOMMERCE_CONSUMER_SECRET: "cs_77b2d95e",
  SHOPIFY_WEBHOOK_SECRET: "shpss-client-secret-5c83aa",
  SHOPIFY_ACCESS_TOKEN: "shpat_0c1d2e3f4a5b",
  SHOPWARE_APP_SECRET: "sw-app-secret-22b9f1",
};
const SHOPIFY_SHOP = "weingut.myshopify.com";
const SHOP_ID = "pUllSh0p1d";
const state = mkdtempSync(join(tmpdir(), "kontor-backfill-"));
// The shops' orders were placed in the last days (a minute apart); the backfills start the day before.
const BASE = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 86_400_000;
const SINCE = new Date(BASE - 86_400_000).toISOString();
const at = (days) => BASE + days * 86_400_000;
let kivitendo, woo, shopify, shopware, worker, vars;

const auth = { Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}`, "Content-Type": "application/json" };
async function call(method, path, body) {
  const res = await fetch(worker.url + path, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}
/** Polls a run until it is no longer running. */
async function finished(id, ms = 60_000) {
  const until = Date.now() + ms;
  for (;;) {
    const r = await call("GET", `/v1/pulls/${id}`);
    if (r.json.status !== "running") return r.json;
    if (Date.now() > until) assert.fail(`run still running: ${JSON.stringify(r.json.progress)}`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}
/** kivitendo's orders by number: how often each arrived. */
function arrived() {
  const n = new Map();
  for (const o of kivitendo.state.orders) n.set(o.number, (n.get(o.number) ?? 0) + 1);
  return n;
}
/** Waits until kivitendo has `count` orders (the queue delivers after the run's page). */
async function delivered(count, ms = 60_000) {
  const until = Date.now() + ms;
  while (kivitendo.state.orders.length < count) {
    if (Date.now() > until) assert.fail(`kivitendo has ${kivitendo.state.orders.length} of ${count} orders`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

before(async () => {
  kivitendo = await startKivitendo({ username: secrets.KIVITENDO_USERNAME, password: secrets.KIVITENDO_PASSWORD });
  woo = await startWooCommerce({
    key: secrets.WOOCOMMERCE_CONSUMER_KEY,
    secret: secrets.WOOCOMMERCE_CONSUMER_SECRET,
    orders: shopOrders("woocommerce", 120, { from: BASE, skus: [SKU] }),
  });
  shopify = await startShopify({
    token: secrets.SHOPIFY_ACCESS_TOKEN,
    orders: shopOrders("shopify", 60, { first: 5001, from: BASE, skus: [SKU] }),
    bucket: { size: 40, perSecond: 2 },
  });
  shopware = await startShopware({
    clientId: "SWIARXBSDJRWEMJONFK2OHBNWA",
    clientSecret: "Q1QyaUg3ZHpnZURPeDV3ZkpncXdSRzJpNjdBeWM1WWhWYWd0NE0",
    orders: shopOrders("shopware6", 45, { first: 20001, from: BASE, skus: [SKU] }),
    tokenSeconds: 600,
  });
  vars = {
    KIVITENDO_BASE_URL: kivitendo.url,
    WEBHOOK_TARGETS: "kivitendo",
    RETRY_BASE_SECONDS: "1",
    MAX_ATTEMPTS: "3",
    UPSTREAM_TIMEOUT_SECONDS: "5",
    KIVITENDO_OPTIONS: JSON.stringify({ taxzoneId: 4, currencyId: 1, shippingProductId: 99 }),
    WOOCOMMERCE_SHOPS: woo.url,
    SHOPIFY_SHOPS: SHOPIFY_SHOP,
    SHOPIFY_API_BASE_URL: shopify.url,
    SHOPWARE_APP_NAME: "KontorOrders",
    PULL_PAGE_SIZE: "25",
    PULL_LEASE_SECONDS: "3",
  };
  worker = await startWorker({ secrets, vars, persist: state });
  const r = await call("PUT", "/v1/catalogue", [{ sku: SKU, kind: "other", weightGrams: 1300, kivitendoPartId: 10 }]);
  assert.equal(r.status, 200, JSON.stringify(r.json));
});

after(async () => {
  await worker?.stop();
  await Promise.all([kivitendo, woo, shopify, shopware].map((s) => s?.close()));
  rmSync(state, { recursive: true, force: true });
});

test("WooCommerce backfill: every page, an order changed between pages and one arriving by webhook meanwhile, each delivered once", async () => {
  // Before page 2: order 1001 (page 1) changes, and order 1030 (page 2) arrives by its webhook.
  const hooked = [];
  woo.state.onList = (n) => {
    if (n !== 2) return;
    woo.state.change(1001, (o) => {
      o.customer_note = "changed between pages";
    });
    const o = woo.state.orders.find((x) => x.id === 1030);
    const body = JSON.stringify(o);
    hooked.push(
      fetch(`${worker.url}/v1/webhooks/woocommerce`, {
        method: "POST",
        body,
        headers: wooWebhookHeaders(body, { secret: secrets.WOOCOMMERCE_WEBHOOK_SECRET, source: `${woo.url}/`, delivery: "9001" }),
      }).then(async (res) => ({ status: res.status, json: await res.json() })),
    );
  };
  const started = await call("POST", "/v1/pulls", { platform: "woocommerce", shop: woo.url, since: SINCE });
  assert.equal(started.status, 202, JSON.stringify(started.json));
  assert.equal(started.json.kind, "backfill");
  const run = await finished(started.json.id);
  woo.state.onList = null;
  const hook = await Promise.all(hooked);
  assert.equal(hook.length, 1);
  assert.ok([200, 202].includes(hook[0].status), JSON.stringify(hook[0].json));
  assert.equal(run.status, "done", JSON.stringify(run));
  assert.equal(run.progress.read, 120);
  assert.equal(run.progress.total, 120);
  assert.equal(run.progress.pages, 5);
  assert.equal(run.progress.delivered + run.progress.alreadyKnown, 120);
  assert.equal(run.progress.refused, 0);
  // The newest change time read: 1120's (1001 was changed after it was read, by id).
  assert.equal(run.latest, new Date(BASE + 119 * 60_000).toISOString().replace(".000", ""));
  await delivered(120);
  await new Promise((ok) => setTimeout(ok, 1000));
  const n = arrived();
  assert.equal(n.size, 120, "every order delivered");
  assert.ok(
    [...n.values()].every((c) => c === 1),
    "none twice",
  );
  // The requests as WooCommerce's reference has them: by id, 25 a page, Basic.
  const lists = woo.requests.filter((r) => r.url.startsWith("/wp-json/wc/v3/orders"));
  // modified_after is strictly after: a second before `since`.
  assert.match(
    lists[0].url,
    new RegExp(
      `modified_after=${encodeURIComponent(new Date(Date.parse(SINCE) - 1000).toISOString().slice(0, 19))}&dates_are_gmt=true&orderby=id&order=asc&per_page=25&page=1$`,
    ),
  );
  assert.ok(lists.every((r) => r.answered === 200));
  // The history names the pull.
  const h = await call("GET", `/v1/shop-orders/woocommerce/${encodeURIComponent(woo.url.toLowerCase())}/1005`);
  assert.equal(h.status, 200, JSON.stringify(h.json));
  assert.ok(
    h.json.events.some((e) => e.event === `pull:${run.id}`),
    JSON.stringify(h.json.events),
  );
});

test("reconciliation on the Cron Trigger: from the watermark with its overlap, only what changed; nothing twice", async () => {
  const before = kivitendo.state.orders.length;
  // Two new orders whose webhooks were lost, and an old one changed.
  woo.state.orders.push(...shopOrders("woocommerce", 2, { first: 1121, from: Date.now() - 120_000, skus: [SKU] }));
  woo.state.change(1002, (o) => {
    o.customer_note = "edited later";
  });
  {
    const w = worker;
    await fetch(`${w.url}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
    const until = Date.now() + 30_000;
    let runs;
    for (;;) {
      runs = (await (await fetch(`${w.url}/v1/pulls`, { headers: auth })).json()).runs.filter((r) => r.kind === "reconcile");
      if (runs.length && runs.every((r) => r.status !== "running")) break;
      if (Date.now() > until) assert.fail(JSON.stringify(runs));
      await new Promise((ok) => setTimeout(ok, 200));
    }
    const r = runs.find((x) => x.platform === "woocommerce");
    assert.equal(r.status, "done", JSON.stringify(r));
    // Since the watermark (1120's change) less 10 minutes: 1110–1120 (1110 changed at the
    // boundary itself), 1121–1122 (whose webhooks were lost), and 1001 and 1002, changed after
    // they were delivered (known: not sent again).
    assert.equal(r.since, new Date(BASE + 109 * 60_000).toISOString().replace(".000", ""));
    assert.equal(r.progress.read, 15, JSON.stringify(r.progress));
    assert.equal(r.progress.delivered, 2);
    assert.equal(r.progress.alreadyKnown, 13);
    await delivered(before + 2);
    await new Promise((ok) => setTimeout(ok, 500));
    assert.ok([...arrived().values()].every((c) => c === 1));
    const marks = (await (await fetch(`${w.url}/v1/pulls`, { headers: auth })).json()).shops;
    assert.equal(
      marks.find((s) => s.platform === "woocommerce").watermark,
      `${woo.state.orders.find((o) => o.id === 1002).date_modified_gmt}Z`,
    );
  }
});

test("Shopify backfill: the cursor pages, a 429 with Retry-After waited for, every order once", async () => {
  const before = kivitendo.state.orders.length;
  const r0 = shopify.requests.length;
  shopify.respondNext(
    {
      status: 429,
      body: { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." },
      headers: { "Retry-After": "1.0" },
    },
    (r) => r.url.includes("page_info="),
  );
  const started = await call("POST", "/v1/pulls", { platform: "shopify", shop: SHOPIFY_SHOP, since: SINCE });
  assert.equal(started.status, 202, JSON.stringify(started.json));
  assert.equal(started.json.progress.total, 60, "Shopify's count");
  const run = await finished(started.json.id);
  assert.equal(run.status, "done", JSON.stringify(run));
  assert.equal(run.progress.read, 60);
  assert.equal(run.progress.delivered, 60);
  assert.ok(
    shopify.requests.some((r) => r.answered === 429),
    "the rate limit was met",
  );
  const pages = shopify.requests.slice(r0).filter((r) => r.url.includes("/orders.json"));
  assert.match(pages[0].url, /\?status=any&updated_at_min=[^&]+&limit=25$/);
  assert.ok(
    pages.slice(1).every((r) => /\?limit=25&page_info=[\w-]+$/.test(r.url)),
    pages.map((r) => r.url).join("\n"),
  );
  await delivered(before + 60);
});

test("Shopware backfill with the confirmation's Admin API access (kept sealed), an expired token renewed; revoked credentials are auth_failed", async () => {
  const hmacHex = (key, text) => createHmac("sha256", key).update(text).digest("hex");
  const query = `shop-id=${SHOP_ID}&shop-url=${encodeURIComponent(shopware.url)}&timestamp=${Math.floor(Date.now() / 1000)}`;
  const reg = await (
    await fetch(`${worker.url}/v1/webhooks/shopware6/register?${query}`, {
      headers: { "shopware-app-signature": hmacHex(secrets.SHOPWARE_APP_SECRET, query) },
    })
  ).json();
  const body = JSON.stringify({
    apiKey: shopware.clientId,
    secretKey: shopware.clientSecret,
    timestamp: String(Math.floor(Date.now() / 1000)),
    shopUrl: shopware.url,
    shopId: SHOP_ID,
  });
  const confirmed = await fetch(reg.confirmation_url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "shopware-shop-signature": hmacHex(reg.secret, body) },
    body,
  });
  assert.equal(confirmed.status, 204);
  // The secret access key is nowhere in the stored state in clear.
  assert.ok(!storedState(state).includes(shopware.clientSecret), "sealed");
  const before = kivitendo.state.orders.length;
  shopware.state.onList = (n) => {
    if (n === 1) shopware.state.expireTokens();
  };
  const started = await call("POST", "/v1/pulls", { platform: "shopware6", shop: SHOP_ID, since: SINCE });
  assert.equal(started.status, 202, JSON.stringify(started.json));
  const run = await finished(started.json.id);
  assert.equal(run.status, "done", JSON.stringify(run));
  assert.equal(run.progress.read, 45);
  assert.equal(run.progress.total, 45);
  const tokens = shopware.requests.filter((r) => r.url === "/api/oauth/token");
  assert.equal(tokens.length, 2, "a new token after the expired one");
  assert.ok(
    shopware.requests.some((r) => r.answered === 401),
    "the expired token was refused",
  );
  await delivered(before + 45);
  // Revoked: the WooCommerce key no longer opens the shop.
  woo.state.secret = "cs_revoked";
  const bad = await call("POST", "/v1/pulls", { platform: "woocommerce", shop: woo.url, since: SINCE });
  const failed = await finished(bad.json.id);
  woo.state.secret = secrets.WOOCOMMERCE_CONSUMER_SECRET;
  assert.equal(failed.status, "auth_failed");
  assert.equal(failed.issues[0].code, "auth_failed");
  assert.match(failed.issues[0].message, /consumer key and secret were refused/);
  assert.ok(!JSON.stringify(failed).includes(secrets.WOOCOMMERCE_CONSUMER_KEY));
});

test("orders refused for a SKU the catalogue lacks are listed; a backfill is cancelled between pages", async () => {
  woo.state.orders.push(...shopOrders("woocommerce", 3, { first: 1201, from: at(2), skus: ["UNKNOWN-SKU"] }));
  const started = await call("POST", "/v1/pulls", { platform: "woocommerce", shop: woo.url, since: new Date(at(2)).toISOString() });
  const run = await finished(started.json.id);
  assert.equal(run.status, "done");
  assert.equal(run.progress.refused, 3);
  assert.deepEqual(
    run.refusedOrders.map((o) => [o.number, o.code, o.missing]),
    ["1201", "1202", "1203"].map((n) => [n, "missing_from_catalogue", ["UNKNOWN-SKU"]]),
  );
  // Cancelled while its first page is read (the shop answers each page 1.5 s late, and the
  // cancel names the run as soon as the start's answer is here): no further page is read.
  let lists = 0;
  let starting;
  let cancelling;
  woo.state.onList = () => {
    if (++lists === 1) cancelling = starting.then((a) => call("POST", `/v1/pulls/${a.json.id}/cancel`, {}));
  };
  const pages = () => woo.requests.filter((r) => r.url.startsWith("/wp-json/")).length;
  const p0 = pages();
  woo.state.listDelayMs = 1500;
  starting = call("POST", "/v1/pulls", { platform: "woocommerce", shop: woo.url, since: SINCE });
  const current = (await starting).json.id;
  const end = await finished(current);
  woo.state.onList = null;
  woo.state.listDelayMs = 0;
  assert.equal((await cancelling).status, 200);
  assert.equal(end.status, "cancelled");
  // The step reading when the cancel came finishes its page at most; the rest is never read.
  assert.ok(end.progress.read < woo.state.orders.length, JSON.stringify(end.progress));
  assert.equal(pages() - p0, 1, `${pages() - p0} pages read`);
  assert.equal((await call("POST", `/v1/pulls/${current}/cancel`, {})).status, 409);
});

test("a restart in the middle of a backfill: resumed from its position in D1, nothing twice", async () => {
  const orders = shopOrders("woocommerce", 100, { first: 3001, from: at(3), skus: [SKU] });
  woo.state.orders.push(...orders);
  const before = kivitendo.state.orders.length;
  let killed;
  let lists = 0;
  woo.state.onList = () => {
    if (++lists === 3) {
      killed = worker.kill();
      woo.state.onList = null;
    }
  };
  const started = await call("POST", "/v1/pulls", { platform: "woocommerce", shop: woo.url, since: new Date(at(3)).toISOString() });
  assert.equal(started.status, 202);
  const until = Date.now() + 30_000;
  while (!killed) {
    if (Date.now() > until) assert.fail("not killed");
    await new Promise((ok) => setTimeout(ok, 100));
  }
  await killed;
  worker = await startWorker({ secrets, vars, persist: state });
  const mid = (await call("GET", `/v1/pulls/${started.json.id}`)).json;
  assert.equal(mid.status, "running");
  assert.ok(mid.progress.read >= 25 && mid.progress.read < 100, JSON.stringify(mid.progress));
  // The Cron Trigger finds the run nobody holds once its lease (3 s) ran out 10 s ago.
  for (let i = 0; i < 40 && (await call("GET", `/v1/pulls/${started.json.id}`)).json.progress.read === mid.progress.read; i++) {
    await fetch(`${worker.url}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
    await new Promise((ok) => setTimeout(ok, 1000));
  }
  const run = await finished(started.json.id);
  assert.equal(run.status, "done", JSON.stringify(run));
  assert.ok(run.progress.read >= 100);
  // The deliveries queued before the kill are found by the ledger's recovery too (those an
  // attempt held when it was killed once their lease, UPSTREAM_TIMEOUT_SECONDS × 8 + 5 s, ran
  // out).
  for (let i = 0; i < 120 && kivitendo.state.orders.length < before + 100; i++) {
    await fetch(`${worker.url}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
    await new Promise((ok) => setTimeout(ok, 1000));
  }
  await delivered(before + 100);
  const n = arrived();
  for (const o of orders) assert.equal(n.get(String(o.id)), 1, `order ${o.id}`);
});
