// The pull from the shop platforms (issue 24), end to end in Node: the package's requests
// (`pullRequest`, `pullTokenRequest`) sent to the stand-ins of tests/standins/shops.mjs and
// their answers read by `readPullPage`; every page, the cursor, an order changed between
// pages, the rate limit, wrong and expired credentials.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as kontor from "kontor";
import { shopOrders, startWooCommerce, startShopify, startShopware } from "../standins/shops.mjs";

const open = [];
after(() => Promise.all(open.map((s) => s.close())));

/** Pulls every page from `position` as a worker does; `onPage` sees each page read. */
async function pullAll(platform, config, position, { onPage } = {}) {
  let token = null;
  let fresh = false;
  const seen = [];
  const outcomes = [];
  let latest = null;
  for (let guard = 0; position && guard < 1000; guard++) {
    if (platform === "shopware6" && !token) {
      const t = kontor.pullTokenRequest(platform, config);
      const res = await fetch(t.request.url, { method: t.request.method, headers: t.request.headers, body: t.request.body });
      const tok = kontor.readPullToken(res.status, Object.fromEntries(res.headers), await res.text());
      outcomes.push(tok.outcome);
      if (tok.outcome !== "ok") return { seen, outcomes, issues: tok.issues };
      token = tok.token;
      fresh = true;
    }
    const r = kontor.pullRequest(platform, config, position, token ?? undefined);
    assert.equal(r.ok, true, JSON.stringify(r.issues));
    const res = await fetch(r.request.url, { method: r.request.method, headers: r.request.headers, body: r.request.body });
    const page = kontor.readPullPage(platform, config, position, res.status, Object.fromEntries(res.headers), await res.text(), fresh);
    outcomes.push(page.outcome);
    fresh = false;
    if (page.outcome === "token_expired") {
      token = null;
      continue;
    }
    if (page.outcome === "wait") {
      await new Promise((ok) => setTimeout(ok, page.waitMs));
      continue;
    }
    if (page.outcome !== "page") return { seen, outcomes, issues: page.issues };
    seen.push(...page.orders.map((o) => JSON.parse(o)));
    latest = kontor.pullLater(latest, page.latest ?? null);
    onPage?.(page);
    if (page.waitMs) await new Promise((ok) => setTimeout(ok, page.waitMs));
    position = page.next ?? null;
  }
  return { seen, outcomes, latest };
}

const ids = (orders, key = "id") => orders.map((o) => String(o[key]));

test("WooCommerce: every page by id, an order changed between pages read again and none skipped", async () => {
  const shop = await startWooCommerce({ orders: shopOrders("woocommerce", 250) });
  open.push(shop);
  const config = { baseUrl: shop.url, consumerKey: shop.key, consumerSecret: shop.secret };
  // Between the first and the second page the first order is changed (and would move to the
  // end of a list sorted by modification time).
  shop.state.onList = (n) => {
    if (n === 2)
      shop.state.change(1001, (o) => {
        o.status = "cancelled";
      });
  };
  const { seen, outcomes, latest } = await pullAll("woocommerce", config, kontor.pullStart("2026-01-01", 0));
  assert.deepEqual(outcomes, ["page", "page", "page"]);
  const unique = new Set(ids(seen));
  assert.equal(unique.size, 250, "every order read");
  assert.equal(seen.length, 250, "with id order, a change moves nothing");
  assert.equal(shop.requests[0].headers.authorization, `Basic ${Buffer.from(`${shop.key}:${shop.secret}`).toString("base64")}`);
  assert.match(shop.requests[0].url, /orderby=id&order=asc&per_page=100&page=1$/);
  assert.equal(latest, new Date(Date.parse("2026-01-05T08:00:00Z") + 249 * 60_000).toISOString().replace(".000", ""));
  // From the watermark with the overlap (10 minutes: 1240 changed exactly then): the changed
  // order and the last ones, no others.
  shop.state.onList = null;
  const again = await pullAll("woocommerce", config, kontor.pullStart(latest));
  assert.deepEqual(ids(again.seen).sort(), ["1001", ...Array.from({ length: 11 }, (_, i) => String(1240 + i))].sort());
});

test("WooCommerce: a wrong key is auth_failed, named", async () => {
  const shop = await startWooCommerce({ orders: shopOrders("woocommerce", 3) });
  open.push(shop);
  const r = await pullAll(
    "woocommerce",
    { baseUrl: shop.url, consumerKey: shop.key, consumerSecret: "cs_wrong" },
    kontor.pullStart("2026-01-01", 0),
  );
  assert.deepEqual(r.outcomes, ["auth_failed"]);
  assert.equal(r.issues[0].code, "auth_failed");
  assert.match(r.issues[0].message, /Invalid signature/);
});

test("Shopify: the cursor with limit only, the bucket and a 429 with Retry-After waited for", async () => {
  const shop = await startShopify({ orders: shopOrders("shopify", 600), bucket: { size: 4, perSecond: 2 } });
  open.push(shop);
  const config = { baseUrl: shop.url, accessToken: shop.token };
  shop.respondNext({
    status: 429,
    body: { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." },
    headers: { "Retry-After": "1.0" },
  });
  const t0 = Date.now();
  const { seen, outcomes } = await pullAll("shopify", config, kontor.pullStart("2026-01-01", 0));
  assert.deepEqual(outcomes, ["wait", "page", "page", "page"]);
  assert.ok(Date.now() - t0 >= 1000, "Retry-After waited");
  assert.equal(new Set(ids(seen)).size, 600);
  const urls = shop.requests.map((r) => r.url);
  assert.match(urls[1], /status=any&updated_at_min=2026-01-01T00%3A00%3A00Z&limit=250$/);
  assert.match(urls[2], /\?limit=250&page_info=[\w-]+$/);
  assert.ok(
    shop.requests.every((r) => r.answered !== 400),
    "no page_info request carried other parameters",
  );
  const bad = await pullAll("shopify", { ...config, accessToken: "shpat_wrong" }, kontor.pullStart("2026-01-01", 0));
  assert.deepEqual(bad.outcomes, ["auth_failed"]);
  const count = kontor.pullCountRequest("shopify", config, kontor.pullStart("2026-01-01", 0));
  const res = await fetch(count.request.url, { headers: count.request.headers });
  assert.equal(kontor.readPullCount(res.status, await res.text()), 600);
});

test("Shopware: a token, criteria pages by creation, an expired token renewed, wrong credentials auth_failed", async () => {
  const orders = shopOrders("shopware6", 230);
  const shop = await startShopware({ orders });
  open.push(shop);
  const config = { baseUrl: shop.url, clientId: shop.clientId, clientSecret: shop.clientSecret };
  // After page 1 the token expires and an order of page 1 is changed.
  let pages = 0;
  const { seen, outcomes } = await pullAll("shopware6", config, kontor.pullStart("2026-01-01", 0), {
    onPage: () => {
      if (++pages === 1) {
        shop.state.expireTokens();
        shop.state.change(orders[5].id);
      }
    },
  });
  assert.deepEqual(outcomes, ["ok", "page", "token_expired", "ok", "page", "page"]);
  assert.equal(new Set(ids(seen)).size, 230);
  const criteria = JSON.parse(shop.requests.find((r) => r.url === "/api/search/order").body);
  assert.equal(criteria["total-count-mode"], 1);
  const bad = await pullAll("shopware6", { ...config, clientSecret: "wrong" }, kontor.pullStart("2026-01-01", 0));
  assert.deepEqual(bad.outcomes, ["auth_failed"]);
  assert.match(bad.issues[0].message, /Client authentication failed/);
});
