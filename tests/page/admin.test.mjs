// The admin page in headless Chromium against `npm start`'s local system (scripts/start.mjs:
// the worker in workerd with the upstream stand-ins, the page as its assets). Screenshots of
// each state go to .build/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openAdminPage } from "./session.mjs";

let session, system, page, pageErrors, received, shot;

before(async () => {
  // Two attempts a second apart: a delivery is dead within seconds.
  session = await openAdminPage({ MAX_ATTEMPTS: "2", RETRY_BASE_SECONDS: "1", UPSTREAM_TIMEOUT_SECONDS: "2" });
  ({ system, page, pageErrors, received, shot } = session);
});

after(() => session?.close());

const orderText = () => page.locator("#order").inputValue();
async function setOrder(text) {
  await page.locator("#order").fill(text);
  await page.waitForFunction((t) => document.getElementById("order").value === t && document.getElementById("timing").dataset.ms, text);
  await page.waitForTimeout(50); // the update runs on the next animation frame
}
const issuePaths = () => page.$$eval("#issues button.issue", (l) => l.map((b) => b.dataset.path));

test("controls carry their accessible names (Order, Target, Issues, Payload)", async () => {
  assert.equal(await page.getByRole("textbox", { name: "Order", exact: true }).count(), 1);
  assert.equal(await page.getByRole("combobox", { name: "Target" }).count(), 1);
  assert.equal(await page.getByRole("list", { name: "Issues" }).count(), 1);
  assert.equal(await page.getByLabel("Payload", { exact: true }).count(), 1);
  // Keyboard: the target chooser is reachable and works without a pointer.
  await page.getByRole("combobox", { name: "Target" }).focus();
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.inputValue("#target"), "kivitendo-customer");
  await page.selectOption("#target", "geisenheim");
});

test("the token from the fragment is kept for the session and leaves the address bar", async () => {
  assert.equal(new URL(page.url()).hash, "");
  assert.equal(await page.evaluate(() => sessionStorage.getItem("kontor.token")), system.token);
  assert.deepEqual(pageErrors, []);
});

test("an example loads; a broken field shows its issue at that field; fixing it clears it", async () => {
  await page.getByLabel("Example").selectOption("b2c_online_wine");
  await page.getByRole("button", { name: "Load" }).click();
  await page.waitForFunction(() => document.getElementById("order").value.includes("WS-2024-10023"));
  assert.deepEqual(await issuePaths(), []);
  const good = await orderText();
  await shot("1-example-loaded");

  const broken = good.replace('"bottleSizeMl": 750', '"bottleSizeMl": "big"');
  assert.notEqual(broken, good);
  await setOrder(broken);
  assert.ok((await issuePaths()).includes("items[0].product.bottleSizeMl"), String(await issuePaths()));
  assert.ok(Number(await page.getAttribute("#marks", "data-marked")) >= 1);
  assert.match(await page.textContent("#marks mark.error"), /"bottleSizeMl": "big"/);
  await page.click('#issues button[data-path="items[0].product.bottleSizeMl"]');
  const selected = await page.evaluate(() => {
    const e = document.getElementById("order");
    return e.value.slice(e.selectionStart, e.selectionEnd);
  });
  assert.equal(selected, '"bottleSizeMl": "big"');
  assert.equal(await page.textContent("#payload"), "No payload: fix the errors above.");
  await shot("2-issue-at-field");

  await setOrder(good);
  assert.deepEqual(await issuePaths(), []);
});

test("a payload field shows the order fields it was made from and the rule", async () => {
  await page.click('#fields button[data-field="items[0].price"]');
  const lineage = await page.textContent("#lineage");
  assert.match(lineage, /items\[0\]\.unitPrice/);
  assert.match(lineage, /items\[0\]\.product\.bottles/);
  assert.match(lineage, /gross price of one bottle after discount.*§2\.1/);
  // Each field's rule as plain text (the recipient's names the salt option).
  await page.click('#fields button[data-field="recipient.id"]');
  const recipient = await page.textContent("#lineage");
  assert.match(recipient, /HMAC-SHA256 with recipientSalt of the customer id/);
  assert.doesNotMatch(recipient, /`/);
  await page.click('#fields button[data-field="items[0].price"]');
  await page.click('#lineage button:has-text("items[0].unitPrice")');
  const selected = await page.evaluate(() => {
    const e = document.getElementById("order");
    return e.value.slice(e.selectionStart, e.selectionEnd);
  });
  assert.match(selected, /^"unitPrice": /);
  await shot("3-lineage");
});

test("German: headings, issues and rules switch", async () => {
  const good = await orderText();
  await page.getByLabel("Language").selectOption("de");
  try {
    assert.equal(await page.textContent("#h-issues"), "Probleme");
    assert.match(await page.textContent("#lineage"), /Bruttopreis einer Flasche/);
    await setOrder(good.replace('"bottleSizeMl": 750', '"bottleSizeMl": "big"'));
    const issue = await page.textContent('#issues button[data-path="items[0].product.bottleSizeMl"]');
    assert.doesNotMatch(issue, /must|should|expected/i);
    await shot("4-german");
  } finally {
    await setOrder(good);
    await page.selectOption("#lang", "en");
  }
  assert.equal(await page.textContent("#h-issues"), "Issues");
});

test("kivitendo shows XML with the worker's ids and its lineage; Westarp refuses a wine order with reasons", async () => {
  try {
    await page.getByLabel("Target", { exact: true }).selectOption("kivitendo-order");
    assert.match(await page.inputValue("#options"), /"productIds"/);
    assert.match(await page.textContent("#payload"), /<order>/, String(await issuePaths()));
    assert.match(await page.textContent("#payload"), /<product-id>14<\/product-id>/);
    await page.click('#fields button[data-field="order.orderitems.orderitem[0].product-id"]');
    assert.match(await page.textContent("#lineage"), /options\.productIds/);
    await page.getByLabel("Target", { exact: true }).selectOption("westarp");
    assert.ok(
      (await issuePaths()).some((p) => p.startsWith("items[0]")),
      String(await issuePaths()),
    );
    await shot("4b-westarp-issues");
  } finally {
    await page.getByLabel("Target", { exact: true }).selectOption("geisenheim");
  }
});

test("send through the worker: accepted, upstream received it, listed in the deliveries", async () => {
  const before = system.standins.geisenheim.requests.length;
  await page.getByRole("button", { name: "Send through the worker" }).click();
  await page.waitForSelector("#outcome .outcome");
  assert.equal(await page.getAttribute("#outcome .outcome", "data-status"), "accepted", await page.textContent("#outcome"));
  const sent = system.standins.geisenheim.requests.slice(before);
  assert.equal(sent.length, 1);
  assert.equal(JSON.parse(sent[0].body).id, 3459872);
  await page.waitForSelector('#deliveries tbody tr[data-status="accepted"]');
  await shot("5-accepted");
  // Sent again: answered from the ledger, not sent twice.
  await page.evaluate(() => document.getElementById("outcome").replaceChildren());
  await page.getByRole("button", { name: "Send through the worker" }).click();
  await page.waitForSelector("#outcome .outcome");
  assert.equal(system.standins.geisenheim.requests.length, before + 1);
  assert.equal(await page.getAttribute("#outcome .outcome", "data-status"), "accepted");
});

test("a rejected delivery is retried after a fix and then accepted", async () => {
  const text = (await orderText()).replace("WS-2024-10023", "WS-2024-10099").replace("3459872", "3459899");
  await setOrder(text);
  system.standins.geisenheim.respondNext({
    status: 400,
    body: { message: "The given data was invalid.", errors: { "items.0.price": ["price looks wrong"] } },
  });
  await page.getByRole("button", { name: "Send through the worker" }).click();
  await page.waitForFunction(() => document.querySelector("#outcome .outcome")?.dataset.status === "rejected");
  assert.match(await page.textContent("#outcome"), /items\[0\]\.price/);
  await page.getByLabel("Status").selectOption("rejected");
  await page.waitForSelector('#deliveries tbody tr[data-status="rejected"]');
  await page.click('#deliveries tbody tr[data-status="rejected"] button');
  await page.waitForSelector("#retry");
  assert.match(await page.textContent("#delivery"), /attempt 1 .* rejected .* HTTP 400/);
  await shot("6-rejected-delivery");
  await page.click("#retry");
  await page.waitForFunction(() => document.querySelector("#outcome .outcome")?.dataset.status === "accepted");
  await page.getByLabel("Status").selectOption("");
});

test("a dead delivery (the upstream down for every attempt) is replayed and accepted", async () => {
  const text = (await orderText()).replace(/"WS-2024-\d+"/, '"WS-2024-10777"').replace(/"invoiceId": \d+/, '"invoiceId": 3459777');
  await setOrder(text);
  const g = system.standins.geisenheim;
  const before = g.requests.length;
  g.respondNext({ status: 503, body: { message: "down for maintenance" } });
  g.respondNext({ status: 503, body: { message: "down for maintenance" } });
  await page.evaluate(() => document.getElementById("outcome").replaceChildren());
  await page.getByRole("button", { name: "Send through the worker" }).click();
  await page.waitForSelector("#outcome .outcome");
  assert.equal(await page.getAttribute("#outcome .outcome", "data-status"), "queued", await page.textContent("#outcome"));
  assert.match(await page.textContent("#outcome"), /next attempt: \S/);
  assert.match(await page.getAttribute("#outcome time", "datetime"), /^\d{4}-\d\d-\d\dT/);
  await shot("6b-queued");
  await page.getByLabel("Status").selectOption("dead");
  const deadline = Date.now() + 90_000;
  while (!(await page.$('#deliveries tbody tr[data-status="dead"]'))) {
    assert.ok(Date.now() < deadline, "no dead delivery within 90 s");
    await new Promise((r) => setTimeout(r, 1000));
    await page.click("#refresh");
  }
  assert.equal(g.requests.length, before + 2, "both attempts went upstream");
  await page.click('#deliveries tbody tr[data-status="dead"] button');
  await page.waitForSelector("#retry");
  assert.match(await page.textContent("#delivery"), /attempt 2 .* HTTP 503/);
  await shot("6c-dead-delivery");
  await page.click("#retry");
  await page.waitForFunction(() => document.querySelector("#outcome .outcome")?.dataset.status === "accepted");
  assert.equal(g.requests.length, before + 3);
  assert.equal(JSON.parse(g.requests.at(-1).body).id, 3459777);
  await page.getByLabel("Status").selectOption("");
});

test("an uncertain delivery (Geisenheim did not answer in time) is shown for the operator, who confirms it arrived", async () => {
  const previous = await orderText();
  await setOrder(previous.replace(/"WS-2024-\d+"/, '"WS-2024-10888"').replace(/"invoiceId": \d+/, '"invoiceId": 3459888'));
  const g = system.standins.geisenheim;
  g.respondNext({ hang: true });
  await page.evaluate(() => document.getElementById("outcome").replaceChildren());
  await page.getByRole("button", { name: "Send through the worker" }).click();
  await page.waitForSelector("#outcome .outcome");
  assert.equal(await page.getAttribute("#outcome .outcome", "data-status"), "uncertain", await page.textContent("#outcome"));
  assert.match(await page.textContent("#outcome"), /may have arrived/);
  await page.getByLabel("Status").selectOption("uncertain");
  await page.waitForSelector('#deliveries tbody tr[data-status="uncertain"]');
  await page.click('#deliveries tbody tr[data-status="uncertain"] button');
  await page.waitForSelector("#confirm-uncertain");
  assert.match(await page.textContent("#delivery"), /cannot be asked/);
  await shot("6d-uncertain-delivery");
  const before = g.requests.length;
  await page.getByRole("button", { name: "It is there: confirm" }).click();
  await page.waitForFunction(() => document.querySelector("#outcome .outcome")?.dataset.status === "accepted");
  assert.equal(g.requests.length, before, "confirmed without sending");
  await page.getByLabel("Status").selectOption("");
  await setOrder(previous);
});

test("cancelling at Geisenheim asks first, naming the order", async () => {
  await page.getByRole("button", { name: "Cancel at Geisenheim…" }).click();
  assert.match(await page.textContent("#confirm-text"), /invoice id 3459777, shop order WS-2024-10777/);
  await shot("7-cancel-confirm");
  await page.getByRole("button", { name: "Keep the order" }).click();
  const deletes = () => system.standins.geisenheim.requests.filter((r) => r.method === "DELETE").length;
  assert.equal(deletes(), 0);
  await page.getByRole("button", { name: "Cancel at Geisenheim…" }).click();
  await page.evaluate(() => document.getElementById("outcome").replaceChildren());
  await page.getByRole("button", { name: "Cancel it at Geisenheim" }).click();
  await page.waitForSelector("#outcome .outcome");
  assert.equal(deletes(), 1);
  const del = system.standins.geisenheim.requests.find((r) => r.method === "DELETE");
  assert.equal(del.url, "/erp/orders/3459777");
  assert.equal(await page.getAttribute("#outcome .outcome", "data-status"), "accepted", await page.textContent("#outcome"));
});

test("no upstream credential reaches the page", async () => {
  const { KONTOR_API_TOKEN, ...upstream } = system.secrets; // the caller token is the page's own
  assert.equal(KONTOR_API_TOKEN, system.token);
  const seen = {
    html: await page.content(),
    storage: await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage })),
    responses: received.join("\n"),
  };
  assert.ok(
    received.some((r) => r.includes("/v1/options")) && received.some((r) => r.includes("/v1/deliveries")),
    "the worker's answers were seen",
  );
  for (const [where, text] of Object.entries(seen)) {
    for (const [name, value] of Object.entries(upstream)) assert.ok(!text.includes(value), `${name} reached the page (${where})`);
  }
});

test("an order of 50 items updates as you type (measured), and the page fits 375 px", async () => {
  const order = JSON.parse(await orderText());
  order.items = Array.from({ length: 50 }, (_, i) => ({ ...order.items[i % order.items.length], sku: `SKU-${i}` }));
  const big = JSON.stringify(order, null, 2);
  await setOrder(big);
  const times = [];
  for (let i = 0; i < 5; i++) {
    await setOrder(big.replace('"quantity": ', `"quantity": ${i}`));
    times.push(Number(await page.getAttribute("#timing", "data-ms")));
  }
  times.sort((a, b) => a - b);
  console.log(`50-item order, update on input: median ${times[2]} ms (of ${times.join(", ")})`);
  await page.setViewportSize({ width: 375, height: 800 });
  const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(width <= 375, `scroll width ${width}`);
  await shot("8-375px");
  await page.setViewportSize({ width: 1280, height: 1000 });
  assert.deepEqual(pageErrors, []);
});
