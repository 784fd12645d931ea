// The admin page's backfill (issue 24, www/pulls.js) in headless Chromium against `npm start`'s
// system with its demo shops (scripts/start.mjs: a WooCommerce stand-in with 36 orders of the
// last three months, three of them with a SKU the demo catalogue lacks): the shops and what one
// lacks, a backfill started from a date with its progress while the shop is slow, the summary
// with the refused orders and their missing SKU, the catalogue fixed and the run again
// delivering only those (nothing twice at the kivitendo stand-in), a run cancelled between
// pages, the Cron Trigger's reconciliation in the list, German, phone width and no console
// error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { cardLabels, openAdminPage, shots } from "./session.mjs";
import { DEMO_CATALOGUE, DEMO_MISSING_SKU } from "../../scripts/start.mjs";

const SECOND = "weinhaus-zwei.myshopify.com";
let session, system, page, pageErrors, received, woo, kivitendo;
/** A screenshot of the backfill view into .build/screenshots/. */
const shot = (name) => page.locator("#pulls").screenshot({ path: join(shots, `${name}.png`) });
const consoleErrors = [];

before(async () => {
  // A slow shop: a page the stand-in holds is given up after 3 s and read again a second later.
  // A second Shopify shop (its webhook secret and API token suffixed _ZWEI) whose token is not set.
  session = await openAdminPage(
    {
      RETRY_BASE_SECONDS: "1",
      UPSTREAM_TIMEOUT_SECONDS: "3",
      SHOPIFY_SHOPS: JSON.stringify({ "kontor-demo.myshopify.com": "SHOPIFY_WEBHOOK_SECRET", [SECOND]: "SHOPIFY_WEBHOOK_SECRET_ZWEI" }),
    },
    { demo: true },
  );
  ({ system, page, pageErrors, received } = session);
  ({ woocommerce: woo, kivitendo } = system.standins);
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
});

after(() => session?.close());

const api = (method, path, body) =>
  fetch(system.url + path, {
    method,
    headers: { authorization: `Bearer ${system.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, json: await r.json() }));
/** The WooCommerce stand-in's list requests. */
const lists = () => woo.requests.filter((r) => r.url.startsWith("/wp-json/wc/v3/orders"));
/** The next list request of page `n` is held (never answered): the worker gives up after 3 s. */
const holdPage = (n) => woo.respondNext({ hang: true }, (r) => new RegExp(`[?&]page=${n}$`).test(r.url));
/** kivitendo's orders by number: how often each arrived, once `count` have. */
async function arrived(count) {
  const until = Date.now() + 60_000;
  while (kivitendo.state.orders.length < count) {
    assert.ok(Date.now() < until, `kivitendo has ${kivitendo.state.orders.length} of ${count} orders`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
  await new Promise((ok) => setTimeout(ok, 500));
  const n = new Map();
  for (const o of kivitendo.state.orders) n.set(o.number, (n.get(o.number) ?? 0) + 1);
  return n;
}
const runText = () => page.textContent("#pull-run");

test("the shops: the demo WooCommerce shop ready, a second Shopify shop named with the access token it lacks", async () => {
  await page.click("#pulls-refresh");
  const shop = page.locator(`#pull-shops li[data-platform="woocommerce"]`);
  await shop.waitFor();
  assert.equal(await shop.getAttribute("data-shop"), woo.url);
  assert.equal(await shop.getAttribute("data-configured"), "true");
  assert.match(await shop.textContent(), /WooCommerce.*ready to read.*not reconciled yet/);
  const lacking = page.locator(`#pull-shops li[data-shop="${SECOND}"]`);
  assert.equal(await lacking.getAttribute("data-configured"), "false");
  assert.match(await lacking.textContent(), /Shopify.*cannot be read yet; it lacks: SHOPIFY_ACCESS_TOKEN_ZWEI/);
  assert.equal(await page.getAttribute(`#pull-shops li[data-shop="kontor-demo.myshopify.com"]`, "data-configured"), "true");
  // It cannot be chosen; the demo shop is chosen; the date is three months back.
  assert.equal(await page.$eval(`#pull-shop option[value="shopify ${SECOND}"]`, (o) => o.disabled), true);
  assert.equal(await page.inputValue("#pull-shop"), `woocommerce ${woo.url}`);
  const since = await page.inputValue("#pull-since");
  const days = (Date.now() - Date.parse(since)) / 86_400_000;
  assert.ok(days > 85 && days < 95, since);
  assert.match(await page.textContent("#pull-runs-state"), /No backfill or reconciliation has run yet/);
});

test("a backfill from the page: progress while the shop is slow, then the summary with the refused orders and their missing SKU", async () => {
  holdPage(2);
  await page.click("#pull-start");
  // Page 1 read (10 of 36), page 2 held by the shop: the page shows the progress so far.
  await page.waitForFunction(() => /10 of 36 orders read/.test(document.querySelector("#pull-run .pull-read")?.textContent ?? ""));
  assert.equal(await page.getAttribute("#pull-run", "data-status"), "running");
  assert.deepEqual(await page.$eval("#pull-progress", (p) => [p.value, p.max]), [10, 36]);
  assert.match(
    await page.textContent("#pull-run .pull-left"),
    /^(about \d+ (seconds?|minutes?) left|almost done|estimating the time left…)$/,
  );
  assert.match(await runText(), /Backfill · WooCommerce/);
  assert.equal(await page.isVisible("#pull-cancel"), true);
  await shot("p1-backfill-running");
  // Then the shop answers again: every page read.
  await page.waitForSelector('#pull-run[data-status="done"]', { timeout: 60_000 });
  assert.match(await page.textContent("#pull-run .pull-summary"), /^Finished .+ in \d+ (seconds?|minutes?)$/);
  assert.equal(
    await page.textContent("#pull-run .pull-counts-text"),
    "36 orders read in 4 pages: 33 delivered, 0 already known (not sent again), 3 refused",
  );
  assert.deepEqual(await page.$eval("#pull-progress", (p) => [p.value, p.max]), [36, 36]);
  assert.equal(await page.textContent('#pull-run .pull-targets li[data-target="kivitendo"]'), "kivitendo: 33 delivered, 0 already known");
  assert.equal(await page.isVisible("#pull-cancel"), false);
  // The refused orders, each with the SKU the catalogue lacks, and the way to the catalogue.
  const refused = await page.$$eval("#pull-refused li", (l) => l.map((li) => [li.dataset.number, li.dataset.missing, li.textContent]));
  assert.deepEqual(
    refused.map((r) => r.slice(0, 2)),
    ["1012", "1024", "1036"].map((n) => [n, DEMO_MISSING_SKU]),
  );
  assert.equal(refused[0][2], `Order 1012: the catalogue lacks ${DEMO_MISSING_SKU}`);
  await page.click("#pull-run a.to-catalogue");
  assert.equal(await page.evaluate(() => document.activeElement.id), "catalogue-text");
  await shot("p2-backfill-done-refused");
  // The run in the list, the shop's watermark set.
  const row = page.locator("#pull-runs tbody tr").first();
  assert.deepEqual([await row.getAttribute("data-kind"), await row.getAttribute("data-status")], ["backfill", "done"]);
  assert.match(await row.textContent(), /backfill.*WooCommerce.*done.*36\/36 · 33 delivered · 0 already known · 3 refused/);
  assert.match(await page.textContent(`#pull-shops li[data-platform="woocommerce"]`), /reconciled up to .*\d{4}/);
  const n = await arrived(33);
  assert.equal(n.size, 33);
  assert.ok([...n.values()].every((c) => c === 1));
});

test("the catalogue fixed, run again: only the refused orders are delivered, nothing twice", async () => {
  const fixed = [
    ...DEMO_CATALOGUE,
    { sku: DEMO_MISSING_SKU, kind: "wine", bottleSizeMl: 750, grapes: ["Riesling"], weightGrams: 1300, kivitendoPartId: 30 },
  ];
  assert.equal((await api("PUT", "/v1/catalogue", fixed)).status, 200);
  const first = await page.getAttribute("#pull-run", "data-id");
  await page.click("#pull-again");
  await page.waitForFunction((id) => {
    const run = document.getElementById("pull-run");
    return run.dataset.id !== id && run.dataset.status === "done";
  }, first);
  assert.equal(
    await page.textContent("#pull-run .pull-counts-text"),
    "36 orders read in 4 pages: 3 delivered, 33 already known (not sent again), 0 refused",
  );
  assert.equal(await page.locator("#pull-refused").count(), 0);
  assert.equal(await page.locator("#pull-runs tbody tr").count(), 2);
  const n = await arrived(36);
  assert.equal(n.size, 36);
  assert.ok(
    [...n.values()].every((c) => c === 1),
    "none twice",
  );
});

test("a running backfill is cancelled from the page: no further page is read", async () => {
  holdPage(2);
  const before = lists().length;
  await page.click("#pull-start");
  await page.waitForFunction(() => /10 of 36 orders read/.test(document.querySelector("#pull-run .pull-read")?.textContent ?? ""));
  await page.click("#pull-cancel");
  await page.waitForSelector('#pull-run[data-status="cancelled"]');
  assert.match(await page.textContent("#pull-run .pull-summary"), /^Cancelled /);
  assert.match(await page.textContent("#pull-run .pull-counts-text"), /^10 orders read in 1 page: /);
  assert.equal(await page.isVisible("#pull-cancel"), false);
  assert.equal(await page.isVisible("#pull-again"), true);
  // The held page is given up (3 s) and no other is asked for.
  await new Promise((ok) => setTimeout(ok, 6000));
  assert.equal(
    lists().length - before,
    2,
    lists()
      .slice(before)
      .map((r) => r.url)
      .join("\n"),
  );
  const run = (await api("GET", `/v1/pulls/${await page.getAttribute("#pull-run", "data-id")}`)).json;
  assert.equal(run.status, "cancelled");
  assert.equal(run.progress.read, 10);
  await page.click("#pulls-refresh");
  await page.waitForSelector('#pull-runs tbody tr[data-status="cancelled"]');
});

test("the Cron Trigger's reconciliation is listed with its result", async () => {
  await fetch(`${system.url}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
  const until = Date.now() + 30_000;
  for (;;) {
    const runs = (await api("GET", "/v1/pulls")).json.runs.filter((r) => r.kind === "reconcile");
    if (runs.length === 2 && runs.every((r) => r.status !== "running")) break;
    assert.ok(Date.now() < until, JSON.stringify(runs));
    await new Promise((ok) => setTimeout(ok, 300));
  }
  await page.click("#pulls-refresh");
  const rows = page.locator('#pull-runs tbody tr[data-kind="reconcile"]');
  await page.waitForFunction(() => document.querySelectorAll('#pull-runs tbody tr[data-kind="reconcile"]').length === 2);
  const woocommerce = rows.filter({ hasText: "WooCommerce" });
  assert.match(await woocommerce.textContent(), /reconciliation.*done.*already known/);
  // Shown on request: no "run again" for a reconciliation (the Cron Trigger runs it).
  await woocommerce.locator("button").click();
  await page.waitForFunction(() => /Reconciliation · WooCommerce/.test(document.querySelector("#pull-run h3")?.textContent ?? ""));
  assert.equal(await page.getAttribute("#pull-run", "data-status"), "done");
  assert.equal(await page.locator("#pull-again").count(), 0);
});

test("German: the view's words, statuses, kinds and times", async () => {
  await page.locator("#pull-runs tbody tr[data-kind=backfill][data-status=done] button").first().click();
  await page.waitForFunction(() => document.getElementById("pull-run").dataset.status === "done");
  await page.locator("#lang").selectOption("de");
  try {
    assert.equal(await page.textContent("#h-pulls"), "Bestellungen aus den Shops nachholen");
    assert.equal(await page.textContent('label[for="pull-since"]'), "Bestellungen ab");
    assert.equal(await page.textContent("#pull-start"), "Nachholen starten");
    assert.match(await page.textContent(`#pull-shops li[data-shop="${SECOND}"]`), /noch nicht lesbar; es fehlt: SHOPIFY_ACCESS_TOKEN_ZWEI/);
    assert.match(await page.textContent(`#pull-shops li[data-platform="woocommerce"]`), /abgeglichen bis \d\d\.\d\d\.\d{4}, \d\d:\d\d/);
    assert.match(await page.textContent("#pull-run .pull-summary"), /^Fertig .+ · Dauer \d+ (Sekunden?|Minuten?)$/);
    assert.match(
      await page.textContent("#pull-run .pull-counts-text"),
      /^36 Bestellungen in 4 Seiten gelesen: \d+ zugestellt, \d+ bereits bekannt/,
    );
    const kinds = await page.$$eval("#pull-runs tbody td:nth-child(2)", (l) => l.map((td) => td.textContent));
    assert.ok(kinds.includes("Nachholen") && kinds.includes("Kontrollabgleich"), String(kinds));
    const statuses = await page.$$eval("#pull-runs tbody td.status", (l) => l.map((td) => td.textContent));
    assert.ok(statuses.includes("fertig") && statuses.includes("abgebrochen"), String(statuses));
    assert.equal(await page.textContent("#pull-runs th:nth-child(6)"), "Ergebnis");
    await shot("p3-backfill-german");
  } finally {
    await page.locator("#lang").selectOption("en");
  }
  assert.equal(await page.textContent("#h-pulls"), "Backfill: orders from the shops");
});

test("phone width: the view fits 375 px, the runs are cards with every column named, no word broken", async () => {
  await page.setViewportSize({ width: 375, height: 800 });
  try {
    await page.locator("#pulls").scrollIntoViewIfNeeded();
    assert.ok((await page.evaluate(() => document.scrollingElement.scrollWidth)) <= 375);
    const overflowing = await page.$$eval("#pulls *", (l) =>
      l
        // (the cards' column names are visually hidden: each cell carries its own)
        .filter((e) => !e.closest("thead") && e.getBoundingClientRect().right > 375 + 0.5 && e.getClientRects().length)
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(overflowing, []);
    const labels = await cardLabels(page, "#pull-runs");
    assert.equal(labels.length, 7);
    assert.deepEqual(labels.slice(0, 6), ["Started", "Kind", "Shop", "From", "Status", "Result"]);
    // Each status, kind and shop name on one line.
    const lines = await page.$$eval("#pull-runs tbody td.status, #pull-runs tbody td code, #pull-shops code", (l) =>
      l.map((e) => {
        const r = document.createRange();
        r.selectNodeContents(e);
        return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
      }),
    );
    assert.ok(lines.length > 0 && lines.every((n) => n === 1), String(lines));
    await shot("p4-backfill-phone");
  } finally {
    await page.setViewportSize({ width: 1280, height: 1000 });
  }
});

test("without a caller token the page asks the worker nothing and says so (the header asks for the token, not refused)", async () => {
  // A new tab: the token is kept per tab (sessionStorage), this one has none.
  const tab = await page.context().newPage();
  const asked = [];
  tab.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/v1/")) asked.push(r.url());
  });
  tab.on("pageerror", (e) => pageErrors.push(String(e)));
  tab.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  try {
    await tab.goto(system.url);
    await tab.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
    assert.equal(await tab.textContent("#pull-runs-state"), "No caller token: the shops and runs are shown once it is set.");
    assert.match(await tab.textContent("#token-state"), /no caller token/);
    assert.equal(await tab.isDisabled("#pull-start"), true);
    assert.deepEqual(asked, []);
  } finally {
    await tab.close();
  }
});

test("no shop or upstream credential reaches the page: shops, runs, refused orders", async () => {
  const { KONTOR_API_TOKEN, ...upstream } = system.secrets; // the caller token is the page's own
  assert.equal(KONTOR_API_TOKEN, system.token);
  for (const name of ["WOOCOMMERCE_CONSUMER_KEY", "WOOCOMMERCE_CONSUMER_SECRET", "SHOPIFY_ACCESS_TOKEN"])
    assert.ok(upstream[name], `${name} is set: the shops can be read`);
  const seen = {
    html: await page.content(),
    storage: await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage })),
    responses: received.join("\n"),
  };
  assert.ok(
    received.some((r) => /\/v1\/pulls\n[^]*"shops"/.test(r)) && received.some((r) => /\/v1\/pulls\/[^/\s]+\n[^]*"refused"/.test(r)),
    "the shops' and a run's answers were seen",
  );
  for (const [where, text] of Object.entries(seen)) {
    for (const [name, value] of Object.entries(upstream)) assert.ok(!text.includes(value), `${name} reached the page (${where})`);
  }
});

test("no console error and no page error", () => {
  assert.deepEqual([consoleErrors, pageErrors], [[], []]);
});
