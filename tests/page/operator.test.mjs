// The admin page as an operator uses it every day (issue 25), in headless Chromium against
// `npm start`'s system: the overview first (counts per target and status opening the filtered
// list, what needs action, the last sync), the order as a form beside the JSON editor, messages
// for people, controls that fit the target and the state, a refused token and a pasted new
// one, German, phone width, and no console error on load. Its screenshots of the overview, the
// form and the deliveries at phone width go to .build/screenshots/, and with
// KONTOR_DOCS_SCREENSHOTS=1 (`npm run screenshots`) to docs/screenshots/ with the hash of the
// page's sources they show (docs/admin-page.md shows them; tests/js/docs.test.mjs fails when
// one is missing or the page changed since).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cardLabels, openAdminPage, root, shots } from "./session.mjs";

let session, system, page, pageErrors;
const docsShots = join(root, "docs/screenshots");
const forDocs = process.env.KONTOR_DOCS_SCREENSHOTS === "1";
const consoleErrors = [];
const failed = [];

before(async () => {
  session = await openAdminPage({ MAX_ATTEMPTS: "1", RETRY_BASE_SECONDS: "1", UPSTREAM_TIMEOUT_SECONDS: "2" });
  ({ system, page, pageErrors } = session);
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !new URL(r.url()).pathname.startsWith("/v1/")) failed.push(`${r.status()} ${r.url()}`);
  });
  page.on("requestfailed", (r) => failed.push(`failed ${r.url()}`));
});

after(() => session?.close());

const api = (method, path, body) =>
  fetch(system.url + path, {
    method,
    headers: { authorization: `Bearer ${system.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, json: await r.json() }));
const example = () => JSON.parse(readFileSync(join(root, "examples/b2c_online_wine.json"), "utf8"));
const order = (invoiceId, number) => ({ ...example(), invoiceId, number });
async function setOrder(text) {
  await page.locator("#order").fill(text);
  await page.waitForFunction((t) => document.getElementById("order").value === t && document.getElementById("timing").dataset.ms, text);
  await page.waitForTimeout(50);
  await formShowsOrder();
}
/** Waits until the form shows the order text (it follows a moment after typing stops). */
const formShowsOrder = () =>
  page.waitForFunction(() => document.getElementById("order-form").shows === document.getElementById("order").value);
/** A docs screenshot, and the page sources' hash it was made from (docs.test.mjs compares). */
async function docsShot(name, locator) {
  await locator.screenshot({ path: join(shots, `docs-${name}.png`) });
  if (!forDocs) return; // npm test leaves the work tree as it found it
  mkdirSync(docsShots, { recursive: true });
  await locator.screenshot({ path: join(docsShots, `${name}.png`) });
  const hash = createHash("sha256");
  for (const f of ["index.html", "app.js", "style.css"]) hash.update(readFileSync(join(root, "www", f)));
  writeFileSync(join(docsShots, "SOURCES"), `${hash.digest("hex")}  www/index.html www/app.js www/style.css\n`);
}

test("on load: no console error and no failed request (the icon is inline: no /favicon.ico)", async () => {
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  await page.waitForTimeout(300);
  assert.deepEqual([consoleErrors, failed, pageErrors], [[], [], []]);
  assert.match(await page.getAttribute('link[rel="icon"]', "href"), /^data:image\/svg\+xml,/);
  // Only the page's own files: nothing asked the worker for an icon.
  assert.equal((await fetch(`${system.url}/favicon.ico`)).status, 401, "the worker still refuses it; the page never asks");
});

test("the overview first: deliveries per target and status, each count opening the filtered list; what needs action; the last sync", async () => {
  // The overview is the first section.
  assert.equal(await page.evaluate(() => document.querySelector("main > section").id), "overview");
  assert.match(await page.textContent("#overview"), /No deliveries in the last 7 days/);
  const g = system.standins.geisenheim;
  assert.equal((await api("POST", "/v1/geisenheim/orders", order(5100001, "OP-1"))).json.status, "accepted");
  assert.equal((await api("POST", "/v1/geisenheim/orders", order(5100002, "OP-2"))).json.status, "accepted");
  g.respondNext({ status: 401, body: { message: "Unauthenticated." } });
  assert.equal((await api("POST", "/v1/geisenheim/orders", order(5100003, "OP-3"))).json.status, "auth_failed");
  g.respondNext({ status: 503, body: { message: "down" } });
  assert.equal((await api("POST", "/v1/geisenheim/orders", order(5100004, "OP-4"))).json.status, "dead");
  await api("POST", "/v1/sync");
  await page.click("#overview-refresh");
  await page.waitForSelector('#overview-counts tr[data-status="accepted"]');
  const cells = await page.$$eval('#overview-counts tr[data-target="geisenheim"][data-status="accepted"] td', (l) =>
    l.map((c) => c.textContent),
  );
  assert.deepEqual(cells, ["Geisenheim", "accepted", "2", "2"]);
  assert.equal((await page.locator("#overview-chart svg rect").count()) >= 1, true);
  assert.match(await page.getAttribute("#overview-chart svg", "aria-label"), /Deliveries per day/);
  const needs = await page.$$eval("#needs-action li", (l) => l.map((x) => [x.dataset.status, x.textContent]));
  assert.deepEqual(
    needs.map((n) => n[0]),
    ["auth_failed", "dead"],
  );
  assert.match(needs[0][1], /1 Geisenheim: credentials refused/);
  // The last sync: npm start's system configures none, so the run says so.
  assert.equal(await page.getAttribute("#last-sync p.sync", "data-ok"), "false");
  assert.match(await page.textContent("#last-sync"), /sync: .*not configured/);
  assert.match(await page.textContent("#last-sync"), /SYNC_SOURCE/);
  assert.doesNotMatch(await page.textContent("#last-sync"), /`/);
  await docsShot("overview", page.locator("#overview"));
  // A count opens the deliveries list filtered to its target and status.
  await page.click('#needs-action li[data-status="auth_failed"] button.count');
  await page.waitForFunction(() => document.querySelectorAll("#deliveries tbody tr").length === 1);
  assert.deepEqual([await page.inputValue("#target-filter"), await page.inputValue("#status-filter")], ["geisenheim", "auth_failed"]);
  assert.deepEqual(await page.$$eval("#deliveries tbody tr", (l) => l.map((r) => r.dataset.status)), ["auth_failed"]);
  assert.equal(await page.inputValue("#since-filter"), "", "what needs action counts whenever it was made");
  // The last 7 days' and the last 24 hours' counts open the list of their window.
  for (const [column, window] of [
    [4, "week"],
    [3, "day"],
  ]) {
    const listed = page.waitForRequest((r) => r.url().includes("/v1/deliveries?") && r.url().includes("since="));
    await page.click(`#overview-counts tr[data-status="accepted"] td:nth-child(${column}) button`);
    const since = new URL((await listed).url()).searchParams.get("since");
    assert.equal(await page.inputValue("#since-filter"), window);
    // The overview's own bounds: 7 UTC days (today included) and the last 24 hours.
    const overview = await page.evaluate(async () => {
      const r = await fetch("/v1/overview", { headers: { authorization: `Bearer ${sessionStorage.getItem("kontor.token")}` } });
      return r.json();
    });
    if (window === "week") assert.equal(since, overview.weekFrom);
    else assert.ok(Math.abs(Date.parse(since) - Date.parse(overview.dayFrom)) < 10 * 60_000, `${since} ~ ${overview.dayFrom}`);
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll("#deliveries tbody tr")].every((r) => r.dataset.status === "accepted") &&
        document.querySelectorAll("#deliveries tbody tr").length === 2,
    );
  }
  await page.selectOption("#status-filter", "");
  await page.selectOption("#target-filter", "");
  await page.selectOption("#since-filter", "");
});

test("the order as a form: each field by its name, its issue beside it; edits in either view update the other; the JSON path one click away", async () => {
  await page.getByLabel("Example").selectOption("b2c_online_wine");
  await page.getByRole("button", { name: "Load" }).click();
  await page.waitForFunction(() => document.getElementById("order").value.includes("WS-2024-10023"));
  await formShowsOrder();
  const zip = page.locator('#order-form input[data-path="billingAddress.zip"]');
  assert.equal(await zip.inputValue(), "65366");
  assert.equal(await page.textContent(`label[for="${await zip.getAttribute("id")}"]`), "Postcode");
  // A form edit reaches the JSON text (the rest of the text as it was) and the issues.
  const before = await page.inputValue("#order");
  await zip.fill("ABC");
  await page.waitForFunction(() => document.getElementById("order").value.includes('"zip": "ABC"'));
  await formShowsOrder();
  assert.equal(await page.inputValue("#order"), before.replace('"zip": "65366"', '"zip": "ABC"'));
  const fieldIssue = page.locator('#order-form .field[data-path="billingAddress.zip"] .field-issues');
  // At its field the issue is its message alone: the field's name is its label.
  assert.match(await fieldIssue.textContent(), /^"ABC" is not a German postal code/);
  assert.equal(await zip.getAttribute("aria-describedby"), await fieldIssue.getAttribute("id"));
  assert.equal(
    await page.evaluate(() => document.activeElement.dataset.path),
    "billingAddress.zip",
    "the field keeps the focus while typing",
  );
  // An edit of the JSON text reaches the form.
  await setOrder(
    (await page.inputValue("#order")).replace('"zip": "ABC"', '"zip": "65375"').replace('"bottleSizeMl": 750', '"bottleSizeMl": "big"'),
  );
  assert.equal(await zip.inputValue(), "65375");
  assert.equal(await page.locator('#order-form .field[data-path="billingAddress.zip"] .field-issues').count(), 0);
  const size = page.locator('#order-form .field[data-path="items[0].product.bottleSizeMl"]');
  assert.match(await size.textContent(), /^Bottle size \(ml\).*must be a whole number between 1 and 1000000, not "big"/);
  assert.equal(await size.locator("input").getAttribute("aria-invalid"), "true");
  // The JSON path: one click shows it and selects the field in the editor.
  await size.locator("button.json-path").click();
  assert.equal(await size.locator(".path-text").textContent(), "items[0].product.bottleSizeMl");
  const selected = await page.evaluate(() => {
    const e = document.getElementById("order");
    return e.value.slice(e.selectionStart, e.selectionEnd);
  });
  assert.equal(selected, '"bottleSizeMl": "big"');
  await page.locator('#order-form fieldset[data-path="items[0].product"]').scrollIntoViewIfNeeded();
  await docsShot("form", page.locator("#order-form"));
  // Added through the form: an optional field the order lacks.
  await page.locator('#order-form fieldset[data-path="customer"] select.add-field').selectOption("phone");
  await page.waitForFunction(() => /"phone": ""/.test(document.getElementById("order").value));
  await formShowsOrder();
  assert.equal(await page.evaluate(() => document.activeElement.dataset.path), "customer.phone", "the added field has the focus");
  await setOrder(before);
});

test("messages for people: each field said once, no markup characters, one bad value one entry (its consequences as hints)", async () => {
  const text = await page.inputValue("#order");
  await setOrder(text.replace('"bottleSizeMl": 750', '"bottleSizeMl": "big"').replace('"zip": "65366"', '"zip": "ABC"'));
  const entries = await page.$$eval("#issues button.issue", (l) =>
    l.map((b) => ({ path: b.dataset.path, codes: b.dataset.codes, text: b.textContent })),
  );
  const size = entries.filter((e) => e.path === "items[0].product.bottleSizeMl");
  assert.equal(size.length, 1, JSON.stringify(entries));
  assert.equal(size[0].codes, "invalid_number missing_bottle_size");
  assert.match(
    size[0].text,
    /^Item 1 › Product facts › Bottle size \(ml\): must be a whole number between 1 and 1000000, not "big"consequence: required for Geisenheim's size/,
  );
  for (const e of entries) {
    assert.doesNotMatch(e.text, /`/, e.text);
    assert.ok(!e.path || e.text.split(e.path).length <= 1, `the path printed in "${e.text}"`);
  }
  assert.match(entries.find((e) => e.path === "billingAddress.zip").text, /^Billing address › Postcode: "ABC" is not a German postal code/);
  // The core's message as it is: plain text, the field's name once before it.
  assert.equal(await page.locator('#issues button[data-path="items[0].product.bottleSizeMl"] code').count(), 0);
  assert.equal(await page.locator('#issues button[data-path="items[0].product.bottleSizeMl"] .field-name').count(), 1);
  await setOrder(text);
});

test("controls fit the target: a cancel only for Geisenheim; a kivitendo customer is a preview and sends nothing", async () => {
  const visible = async () => ({ send: await page.isVisible("#send"), cancel: await page.isVisible("#cancel") });
  assert.deepEqual(await visible(), { send: true, cancel: true });
  for (const [target, expected] of [
    ["kivitendo-customer", { send: false, cancel: false }],
    ["kivitendo-order", { send: true, cancel: false }],
    ["westarp", { send: true, cancel: false }],
  ]) {
    await page.selectOption("#target", target);
    assert.deepEqual(await visible(), expected, target);
  }
  await page.selectOption("#target", "kivitendo-customer");
  assert.match(await page.textContent("#send-hint"), /preview only/);
  const kivi = system.standins.kivitendo.requests.length;
  await page.evaluate(() => document.getElementById("send").click());
  await page.waitForTimeout(300);
  assert.equal(system.standins.kivitendo.requests.length, kivi, "nothing sent to kivitendo");
  await page.selectOption("#target", "geisenheim");
});

test("sent again: the ledger's answer is shown as such (already delivered on …, nothing sent)", async () => {
  const g = system.standins.geisenheim;
  await setOrder(JSON.stringify(order(5100010, "OP-10"), null, 2));
  await page.getByRole("button", { name: "Send through the worker" }).click();
  await page.waitForFunction(() => document.querySelector("#outcome .outcome")?.dataset.status === "accepted");
  assert.equal(await page.getAttribute("#outcome .outcome", "data-ledger"), null);
  const sent = g.requests.length;
  await page.evaluate(() => document.getElementById("outcome").replaceChildren());
  await page.getByRole("button", { name: "Send through the worker" }).click();
  await page.waitForSelector("#outcome .outcome");
  assert.equal(await page.getAttribute("#outcome .outcome", "data-ledger"), "true");
  assert.match(await page.textContent("#outcome"), /already delivered on .+: the ledger answered, nothing was sent/);
  assert.equal(g.requests.length, sent, "nothing sent");
});

test("a refused token says so and asks for the new address; a pasted #token= is taken without a reload", async () => {
  await page.evaluate(() => {
    sessionStorage.setItem("kontor.token", "an-old-token");
    window.__sameDocument = true;
  });
  await page.click("#refresh");
  await page.waitForFunction(() => /refused the caller token/.test(document.getElementById("token-state").textContent));
  assert.match(await page.textContent("#deliveries-state"), /open the address it printed last/);
  assert.ok(await page.isVisible("#token"), "the token field is offered");
  await page.evaluate((t) => {
    location.hash = `#token=${t}`;
  }, system.token);
  await page.waitForFunction(() => /caller token set/.test(document.getElementById("token-state").textContent));
  await page.waitForSelector("#deliveries tbody tr");
  assert.equal(await page.evaluate(() => window.__sameDocument), true, "no reload");
  assert.equal(new URL(page.url()).hash, "");
  assert.ok(!(await page.isVisible("#token")));
  // The old token's 401s were logged by the browser, as they should be; none after.
  consoleErrors.length = 0;
});

test("German: labels, statuses, example names, form fields and times; proper plurals", async () => {
  await page.getByLabel("Language").selectOption("de");
  try {
    assert.equal(await page.textContent("#h-overview"), "Überblick");
    assert.deepEqual(await page.$$eval("#status-filter option", (l) => l.map((o) => o.textContent)), [
      "alle",
      "angenommen",
      "wartend",
      "abgelehnt",
      "gescheitert",
      "Zugang abgelehnt",
      "unsicher",
      "storniert",
    ]);
    assert.equal(await page.$eval('#example option[value="local_farm_shop_sale"]', (o) => o.textContent), "Verkauf im Hofladen");
    assert.equal(await page.$eval('#target option[value="kivitendo-order"]', (o) => o.textContent), "kivitendo-Auftrag");
    assert.equal(
      await page.textContent(`label[for="${await page.getAttribute('#order-form input[data-path="billingAddress.zip"]', "id")}"]`),
      "PLZ",
    );
    assert.match(await page.textContent("#deliveries tbody tr td:nth-child(3)"), /angenommen|gescheitert|Zugang abgelehnt/);
    // Times in the browser's time zone, written the German way.
    const time = await page.$eval("#deliveries tbody time", (e) => [e.dateTime, e.textContent]);
    assert.match(time[0], /^\d{4}-\d\d-\d\dT/);
    assert.match(time[1], /^\d{1,2}\.\d{1,2}\.\d{4}, \d\d:\d\d$/, time[1]);
    assert.match(await page.textContent("#overview-state"), /^Stand \d/);
    assert.match(await page.textContent("#timing"), /^aktualisiert in \d+,\d ms$/);
    assert.equal(await page.textContent('#catalogue th[data-i18n="colSku"]'), "Artikelnummer");
    await page.getByLabel("Katalog (CSV oder JSON)").fill("sku;kind\nX-1;wine\n");
    await page.waitForFunction(() => /1 Zeile gelesen/.test(document.getElementById("catalogue-state").textContent));
    await page.getByRole("button", { name: "Katalog speichern" }).click();
    await page.waitForFunction(() => /gespeichert: 1 Artikelnummer$/.test(document.getElementById("catalogue-state").textContent));
  } finally {
    await page.selectOption("#lang", "en");
  }
  await page.getByRole("button", { name: "Show the worker's catalogue" }).click();
  await page.waitForFunction(() => /^1 SKU in the worker's catalogue, saved /.test(document.getElementById("catalogue-state").textContent));
});

test("phone width: the deliveries are cards, no column hidden, no word broken, nothing wider than the screen", async () => {
  await page.setViewportSize({ width: 375, height: 800 });
  try {
    assert.ok((await page.evaluate(() => document.scrollingElement.scrollWidth)) <= 375);
    const labels = await cardLabels(page, "#deliveries");
    assert.equal(labels.length, 6);
    assert.deepEqual(labels.slice(0, 5), ["Target", "Key", "Status", "Attempts", "Updated"]);
    assert.equal(await page.$eval("#deliveries thead", (e) => e.getBoundingClientRect().height <= 1), true);
    // No word broken: each status and target on one line in its card.
    const lines = await page.$$eval("#deliveries tbody td.status, #deliveries tbody td code", (l) =>
      l.map((e) => {
        const r = document.createRange();
        r.selectNodeContents(e);
        return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
      }),
    );
    assert.ok(lines.length > 0 && lines.every((n) => n === 1), String(lines));
    await docsShot("deliveries-phone", page.locator("#deliveries"));
  } finally {
    await page.setViewportSize({ width: 1280, height: 1000 });
  }
  assert.deepEqual([consoleErrors, pageErrors], [[], []]);
});
