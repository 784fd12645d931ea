// The admin page's product catalogue (issue 15) in headless Chromium against `npm start`'s
// system: the table, editing as CSV (bad rows shown by line as you type, refused by the
// worker), a file upload as JSON, saving through PUT /v1/catalogue, the order's SKUs missing
// from it flagged and selectable, German; then a Shopify webhook refused for a missing SKU and,
// once the page has added it, delivered to the kivitendo stand-in and listed in the deliveries.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openAdminPage, root } from "./session.mjs";

let session, system, page, pageErrors, received, shot;

before(async () => {
  session = await openAdminPage({ RETRY_BASE_SECONDS: "1" });
  ({ system, page, pageErrors, received, shot } = session);
});

after(() => session?.close());

const missing = () => page.getAttribute("#missing", "data-missing");
const rows = () => page.$$eval("#catalogue tbody tr", (l) => l.map((r) => r.dataset.sku));
const stored = async () =>
  (await (await fetch(`${system.url}/v1/catalogue`, { headers: { Authorization: `Bearer ${system.token}` } })).json()).catalogue;

test("the catalogue's controls carry accessible names; an empty catalogue is one note, not every SKU in red", async () => {
  assert.equal(await page.getByRole("table", { name: "Catalogue" }).count(), 1);
  assert.equal(await page.getByRole("textbox", { name: "Catalogue (CSV or JSON)" }).count(), 1);
  assert.equal(await page.getByRole("button", { name: "Save the catalogue" }).count(), 1);
  assert.equal(await page.getByLabel("Open a file (CSV or JSON)").count(), 1);
  assert.equal(await page.getByRole("region", { name: "Missing from the catalogue" }).count(), 1);
  assert.equal(await page.getByRole("list", { name: "Catalogue problems" }).count(), 1);
  assert.deepEqual(await rows(), []);
  assert.equal(await missing(), "");
  assert.match(await page.textContent("#missing"), /The worker's catalogue is empty: shop webhooks are refused until it is saved/);
  assert.equal(await page.locator("#missing .issue").count(), 0);
});

test("a CSV with a bad row shows it by line as you type and is refused by the worker", async () => {
  await page
    .getByLabel("Catalogue (CSV or JSON)")
    .fill("Artikelnummer;kind;Liter;quality\n2021-RI-TR;wine;0,75;Qualitätswein\n2020-SB-GG;bubbles;0,75;\n");
  await page.waitForSelector('#catalogue-issues li[data-path="lines[3].kind"]');
  assert.match(await page.textContent("#catalogue-issues"), /lines\[3\]\.kind: "bubbles" is not allowed: use one of wine/);
  await page.getByRole("button", { name: "Save the catalogue" }).click();
  await page.waitForFunction(() => /not saved/.test(document.getElementById("catalogue-state").textContent));
  assert.deepEqual(await stored(), []);
  await shot("c1-catalogue-bad-row");
});

test("a fixed CSV (German decimal comma) is saved; the table shows it and the order's missing SKU is flagged and selectable", async () => {
  await page
    .getByLabel("Catalogue (CSV or JSON)")
    .fill(
      "Artikelnummer;kind;Liter;quality;Rebsorten;weightGrams;kivitendoPartId\n2021-RI-TR;wine;0,75;Qualitätswein;Riesling;1.300,0;14\n2020-SB-GG;wine;0,75;;Spätburgunder;;15\n",
    );
  await page.waitForFunction(() => /2 rows read/.test(document.getElementById("catalogue-state").textContent));
  await page.getByRole("button", { name: "Save the catalogue" }).click();
  await page.waitForFunction(() => /saved: 2 SKUs/.test(document.getElementById("catalogue-state").textContent));
  assert.deepEqual(await rows(), ["2021-RI-TR", "2020-SB-GG"]);
  assert.match(await page.textContent('#catalogue tbody tr[data-sku="2021-RI-TR"]'), /750.*Qualitätswein.*Riesling.*1300.*14/);
  const s = await stored();
  assert.equal(s[0].bottleSizeMl, 750);
  assert.equal(s[0].weightGrams, 1300);
  assert.equal(await missing(), "TB-05");
  await page.click('#missing button[data-sku="TB-05"]');
  const selected = await page.evaluate(() => {
    const e = document.getElementById("order");
    return e.value.slice(e.selectionStart, e.selectionEnd);
  });
  assert.equal(selected, '"sku": "TB-05"');
  await shot("c2-catalogue-saved-missing-flagged");
});

test("German: the catalogue's heading, columns and the missing flag switch", async () => {
  await page.getByLabel("Language").selectOption("de");
  try {
    assert.equal(await page.textContent("#h-catalogue"), "Produktkatalog");
    assert.match(await page.textContent("#missing"), /Fehlt im Katalog/);
    assert.match(await page.textContent("#missing"), /Artikelnummer "TB-05" fehlt im Produktkatalog/);
    assert.match(await page.textContent("#catalogue-state"), /Artikelnummern im Katalog/);
  } finally {
    await page.selectOption("#lang", "en");
  }
});

test("a Shopify webhook is refused for its missing SKU; the page uploads a JSON file adding it; the shop's retry is delivered once", async () => {
  // Shopify's sample as the order was placed (published after its cancel: cancelled_at, voided).
  const body = readFileSync(join(root, "tests/fixtures/shops/shopify_orders_create.json"), "utf8")
    .replace('"cancel_reason": "customer"', '"cancel_reason": null')
    .replace('"cancelled_at": "2021-12-31T19:00:00-05:00"', '"cancelled_at": null')
    .replace('"financial_status": "voided"', '"financial_status": "paid"');
  const send = () =>
    fetch(`${system.url}/v1/webhooks/shopify`, {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Shop-Domain": "kontor-demo.myshopify.com",
        "X-Shopify-Hmac-Sha256": createHmac("sha256", system.secrets.SHOPIFY_WEBHOOK_SECRET).update(body).digest("base64"),
      },
    });
  const k = system.standins.kivitendo;
  const refused = await send();
  assert.equal(refused.status, 422);
  assert.deepEqual((await refused.json()).missing, ["IPOD2008PINK"]);
  assert.equal(k.requests.length, 0);

  const entries = [
    ...(await stored()),
    { sku: "IPOD2008PINK", kind: "other", kivitendoPartId: 21 },
    { sku: "TB-05", kind: "wine", bottleSizeMl: 750, kivitendoPartId: 16 },
  ];
  await page
    .getByLabel("Open a file (CSV or JSON)")
    .setInputFiles({ name: "catalogue.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(entries)) });
  await page.waitForFunction(() => document.getElementById("catalogue-text").value.includes("IPOD2008PINK"));
  await page.getByRole("button", { name: "Save the catalogue" }).click();
  await page.waitForFunction(() => /saved: 4 SKUs/.test(document.getElementById("catalogue-state").textContent));
  assert.deepEqual(await rows(), ["2021-RI-TR", "2020-SB-GG", "IPOD2008PINK", "TB-05"]);
  assert.equal(await missing(), "");
  assert.match(await page.textContent("#missing"), /Every SKU of the order is in the catalogue/);

  const accepted = await send();
  assert.equal(accepted.status, 202);
  const deadline = Date.now() + 30_000;
  while (!k.state.orders.some((o) => o.number === "1234")) {
    assert.ok(Date.now() < deadline, "kivitendo received no order");
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal((await send()).status, 200);
  await page.click("#refresh");
  await page.waitForSelector('#deliveries tbody tr[data-status="accepted"]');
  assert.match(await page.textContent("#deliveries"), /shopify:kontor-demo\.myshopify\.com:1234/);
  assert.equal(k.state.orders.filter((o) => o.number === "1234").length, 1);
  await shot("c3-webhook-delivered");
  await page.setViewportSize({ width: 375, height: 800 });
  const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
  await shot("c4-375px");
  await page.setViewportSize({ width: 1280, height: 1000 });
  assert.ok(width <= 375, `scroll width ${width} with the catalogue`);
});

test("no upstream or webhook secret reaches the page, and no page error", async () => {
  const { KONTOR_API_TOKEN, ...upstream } = system.secrets;
  assert.ok("SHOPIFY_WEBHOOK_SECRET" in upstream && "WOOCOMMERCE_WEBHOOK_SECRET" in upstream && "SHOPWARE_APP_SECRET" in upstream);
  const seen = {
    html: await page.content(),
    storage: await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage })),
    responses: received.join("\n"),
  };
  assert.ok(received.some((r) => r.includes("/v1/catalogue")));
  for (const [where, text] of Object.entries(seen)) {
    for (const [name, value] of Object.entries(upstream)) assert.ok(!text.includes(value), `${name} reached the page (${where})`);
  }
  assert.deepEqual(pageErrors, []);
});
