// The admin page's "Shop order history" (issue 22, www/history.js) in headless Chromium
// against `npm start`'s system with Geisenheim as the webhook target: a Shopify order (the
// Admin API's order #1001, in EUR and shipped by DHL, as Geisenheim needs) is delivered, then
// cancelled in the shop; the delivery's detail shows the order's history: its Geisenheim id,
// the events received and cancelled, and the sale and its cancel with the upstream's answers.
// A delivery whose key is no shop order's shows no such section. German too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openAdminPage, root } from "./session.mjs";
import { shopOrderOf } from "../../www/history.js";

let session, system, page, pageErrors, shot;

before(async () => {
  session = await openAdminPage({ RETRY_BASE_SECONDS: "1", WEBHOOK_TARGETS: "geisenheim", GEISENHEIM_FIRST_INVOICE_ID: "7001" });
  ({ system, page, pageErrors, shot } = session);
});

after(() => session?.close());

const order = JSON.parse(
  readFileSync(join(root, "tests/fixtures/shops/shopify/rest_2025-10_get_order_partially_refunded.json"), "utf8"),
).order;
Object.assign(order, { currency: "EUR", presentment_currency: "EUR", refunds: [], financial_status: "paid" });
order.shipping_lines[0].title = "DHL Paket";
const wine = (sku) => ({
  sku,
  kind: "wine",
  bottleSizeMl: 750,
  quality: "Qualitätswein",
  grapes: ["Riesling"],
  wineType: "white",
  taste: "trocken",
});

async function hook(body, topic, id) {
  const text = JSON.stringify(body);
  const res = await fetch(`${system.url}/v1/webhooks/shopify`, {
    method: "POST",
    body: text,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": "kontor-demo.myshopify.com",
      "X-Shopify-Webhook-Id": id,
      "X-Shopify-Hmac-Sha256": createHmac("sha256", system.secrets.SHOPIFY_WEBHOOK_SECRET).update(text).digest("base64"),
    },
  });
  return { status: res.status, json: await res.json() };
}
const api = async (method, path, body) =>
  (
    await fetch(system.url + path, {
      method,
      body,
      headers: { Authorization: `Bearer ${system.token}`, "Content-Type": "application/json" },
    })
  ).json();
async function until(what, check) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await check();
    if (v) return v;
    assert.ok(Date.now() < deadline, `timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test("shop keys are read with the shop's own colons; other keys are no shop order's", () => {
  assert.deepEqual(shopOrderOf("woocommerce:https://shop.example.com:727"), {
    platform: "woocommerce",
    shop: "https://shop.example.com",
    number: "727",
  });
  assert.deepEqual(shopOrderOf("shopify:kontor-demo.myshopify.com:1001:refund:509562969"), {
    platform: "shopify",
    shop: "kontor-demo.myshopify.com",
    number: "1001",
  });
  assert.equal(shopOrderOf("cancel:7001"), null);
  assert.equal(shopOrderOf("7001"), null);
});

test("a delivered and then cancelled shop order shows its history in the delivery's detail", async () => {
  await api("PUT", "/v1/catalogue", JSON.stringify(["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"].map(wine)));
  const placed = await hook(order, "orders/create", "h-1");
  assert.equal(placed.status, 202, JSON.stringify(placed.json));
  const sale = placed.json.deliveries[0];
  await until("the sale is accepted", async () => (await api("GET", `/v1/deliveries/${sale.id}`)).status === "accepted");
  const cancelled = await hook(
    { ...order, cancelled_at: "2025-10-02T10:00:00-04:00", cancel_reason: "customer", financial_status: "voided" },
    "orders/cancelled",
    "h-2",
  );
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.json));
  await until(
    "the cancel is accepted",
    async () => (await api("GET", `/v1/deliveries/${cancelled.json.actions[0].id}`)).status === "accepted",
  );

  await page.click("#refresh");
  await page.waitForSelector(`#deliveries tbody tr[data-id="${sale.id}"]`);
  await page.click(`#deliveries tbody tr[data-id="${sale.id}"] button`);
  const region = page.getByRole("region", { name: "Shop order history" });
  await region.waitFor();
  const text = await region.textContent();
  assert.match(text, /shopify · kontor-demo\.myshopify\.com · 1001/);
  assert.match(text, /7001 \(sale\)/);
  assert.equal(await page.textContent("#shop-history .shop-state"), "cancelled");
  assert.deepEqual(await page.$$eval("#shop-history .shop-events li", (l) => l.map((x) => x.dataset.kind)), [
    "received",
    "received",
    "cancelled",
  ]);
  assert.deepEqual(await page.$$eval("#shop-history .shop-deliveries tr", (l) => l.map((x) => `${x.dataset.role} ${x.dataset.status}`)), [
    "sale accepted",
    "cancel accepted",
  ]);
  assert.match(await page.textContent("#shop-history .shop-deliveries"), /HTTP 204/);
  await shot("h1-shop-order-history");

  // German.
  await page.selectOption("#lang", "de");
  await page.click(`#deliveries tbody tr[data-id="${sale.id}"] button`);
  await page.getByRole("region", { name: "Verlauf der Shop-Bestellung" }).waitFor();
  assert.match(await page.textContent("#shop-history"), /storniert/);
  await page.selectOption("#lang", "en");
  assert.deepEqual(pageErrors, []);
});
