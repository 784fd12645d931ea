// A backfill's D1 work is batched per page (issue 24), in real workerd: 250 WooCommerce orders
// (tests/standins/shops.mjs) pulled in pages of 100 to the Geisenheim stand-in
// (tests/standins/geisenheim.mjs, which refuses an id it already has). Each order arrives once
// with its own id from the gapless sequence, in the shop's order; the worker's D1 round trips
// (KONTOR_COUNT_D1) stay a small fraction per order: one read, one id and one claim batch per
// page, the deliveries leased, written ahead and settled per queue batch. One order missing
// from the catalogue is refused on its page without holding up the others; one arriving by
// webhook before the pull is not sent again. Killed (kill -9) after a page's ids were given and
// before its deliveries were claimed, the worker resumes the page: each order once, with the id
// it was given, no gap.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWorker, workerLog, wooWebhookHeaders } from "./harness.mjs";
import { startGeisenheim } from "../../tests/standins/geisenheim.mjs";
import { inEurosByDhl, shopOrders, startWooCommerce, wineEntry } from "../../tests/standins/shops.mjs";

const SKU = "WEIN-RIES-2023";
const N = 250;
const FIRST = 7000;
const secrets = {
  GEISENHEIM_USERNAME: "api@weingut.de",
  GEISENHEIM_PASSWORD: "geisenheim-pw-31",
  GEISENHEIM_RECIPIENT_SALT: "batch-salt-0123456789abcdef",
  KONTOR_API_TOKEN: "caller-token-b47c",
  WOOCOMMERCE_WEBHOOK_SECRET: "wc-secret-batch-9e",
  WOOCOMMERCE_CONSUMER_KEY: "ck_batch_51",
  WOOCOMMERCE_CONSUMER_SECRET: "cs_batch_73",
};
const catalogue = [wineEntry(SKU)];
const BASE = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 86_400_000;
// WooCommerce's sample order in euros, shipped by DHL (Geisenheim takes EUR and names the
// carrier); order 1100 has a SKU the catalogue lacks.
const orders = inEurosByDhl(shopOrders("woocommerce", N, { from: BASE, skus: [SKU] })).map((o) =>
  o.id === 1100 ? { ...o, line_items: o.line_items.map((l) => ({ ...l, sku: "NOT-IN-CATALOGUE" })) } : o,
);
let geisenheim, woo, worker, vars, hook;
const state = mkdtempSync(join(tmpdir(), "kontor-backfill-batch-"));
// The fault hook (KONTOR_FAULT_HOOK_URL): answers at once, except at `holdAt`, where it holds
// the worker until the test kills it.
let holdAt = null;
let held = 0;
const auth = { Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}`, "Content-Type": "application/json" };
async function call(method, path, body) {
  const res = await fetch(worker.url + path, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

before(async () => {
  geisenheim = await startGeisenheim({ username: secrets.GEISENHEIM_USERNAME, password: secrets.GEISENHEIM_PASSWORD });
  woo = await startWooCommerce({ key: secrets.WOOCOMMERCE_CONSUMER_KEY, secret: secrets.WOOCOMMERCE_CONSUMER_SECRET, orders });
  hook = createServer((req, res) => {
    if (new URL(req.url, "http://hook").searchParams.get("step") === holdAt) {
      held++;
      return;
    }
    res.writeHead(204).end();
  });
  await new Promise((ok) => hook.listen(0, "127.0.0.1", ok));
  vars = {
    GEISENHEIM_BASE_URL: geisenheim.url,
    WEBHOOK_TARGETS: "geisenheim",
    GEISENHEIM_FIRST_INVOICE_ID: String(FIRST),
    WOOCOMMERCE_SHOPS: woo.url,
    PULL_PAGE_SIZE: "100",
    PULL_LEASE_SECONDS: "2",
    PULL_RECONCILE: "off",
    KONTOR_COUNT_D1: "on",
    KONTOR_FAULT_HOOK_URL: `http://127.0.0.1:${hook.address().port}/`,
  };
  worker = await startWorker({ secrets, vars, persist: state });
  const r = await call("PUT", "/v1/catalogue", catalogue);
  assert.equal(r.status, 200, JSON.stringify(r.json));
});

after(async () => {
  await worker?.stop();
  await Promise.all([geisenheim, woo].map((s) => s?.close()));
  hook?.closeAllConnections();
  hook?.close();
  rmSync(state, { recursive: true, force: true });
});

test("a backfill of 250 orders: each once at Geisenheim with its own id in order, the D1 work batched per page", async () => {
  // Order 1003 comes by its webhook first: it has its id, and the pull does not send it again.
  const o = orders.find((x) => x.id === 1003);
  const body = JSON.stringify(o);
  const hook = await fetch(`${worker.url}/v1/webhooks/woocommerce`, {
    method: "POST",
    body,
    headers: wooWebhookHeaders(body, { secret: secrets.WOOCOMMERCE_WEBHOOK_SECRET, source: `${woo.url}/`, delivery: "7301" }),
  });
  assert.equal(hook.status, 202, await hook.text());

  const d1Before = (await call("GET", "/v1/pulls")).json.d1RoundTrips;
  assert.equal(typeof d1Before, "number");
  const started = await call("POST", "/v1/pulls", {
    platform: "woocommerce",
    shop: woo.url,
    since: new Date(BASE - 86_400_000).toISOString(),
  });
  assert.equal(started.status, 202, JSON.stringify(started.json));
  // Waited for at Geisenheim (the worker is not asked meanwhile: its D1 count is the run's own).
  const until = Date.now() + 120_000;
  let run;
  for (;;) {
    const posts = geisenheim.requests.filter((r) => r.method === "POST" && r.answered === 200).length;
    if (posts >= N - 1) run = (await call("GET", `/v1/pulls/${started.json.id}`)).json;
    if (run && run.status !== "running") break;
    if (Date.now() > until) assert.fail(`after 120 s: run ${run?.status}, Geisenheim holds ${posts} of ${N - 1}`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
  assert.equal(run.status, "done", JSON.stringify(run));
  assert.equal(run.progress.read, N);
  assert.equal(run.progress.pages, 3);
  assert.equal(run.progress.refused, 1);
  assert.equal(run.progress.alreadyKnown, 1, "1003 came by webhook");
  assert.equal(run.progress.delivered, N - 2);
  assert.deepEqual(
    run.refusedOrders.map((r) => [r.number, r.code]),
    [["1100", "missing_from_catalogue"]],
  );
  await new Promise((ok) => setTimeout(ok, 1500));

  // Each order once, each with its own id: the webhook's order first, then the pulled ones in
  // the shop's order, gapless (1100, refused before it was given one, takes none).
  const posts = geisenheim.requests.filter((r) => r.method === "POST");
  assert.ok(
    posts.every((r) => r.answered === 200),
    "Geisenheim refused none",
  );
  const ids = posts.map((r) => JSON.parse(r.body).id);
  assert.equal(ids.length, N - 1);
  assert.equal(new Set(ids).size, N - 1, "no id twice");
  assert.deepEqual(
    [...ids].sort((a, b) => a - b),
    Array.from({ length: N - 1 }, (_, i) => FIRST + i),
  );
  const idsOf = async (number) =>
    (await call("GET", `/v1/shop-orders/woocommerce/${encodeURIComponent(woo.url.toLowerCase())}/${number}`)).json;
  const h1003 = await idsOf(1003);
  assert.deepEqual(
    h1003.geisenheimIds.map((g) => g.id),
    [FIRST],
    "the webhook's order took the first id",
  );
  assert.equal(h1003.deliveries.length, 1, "and was not sent again");
  for (const [number, id] of [
    [1001, FIRST + 1],
    [1002, FIRST + 2],
    [1004, FIRST + 3],
    [1250, FIRST + N - 2],
  ]) {
    const h = await idsOf(number);
    assert.deepEqual(
      h.geisenheimIds.map((g) => g.id),
      [id],
      `${number}: the ids follow the shop's order`,
    );
    assert.deepEqual(
      h.deliveries.map((d) => d.status),
      ["accepted"],
    );
  }
  assert.equal((await idsOf(1100)).geisenheimIds?.length ?? 0, 0, "the refused order took no id");

  // D1 round trips for the whole run: pages, claims and the queue's attempts.
  const d1 = (await call("GET", "/v1/pulls")).json.d1RoundTrips - d1Before;
  // Measured: 70 (the start, 3 pages of a few batches each, the queue's batches of leases,
  // write-aheads and settlements, the webhook's order, the reads of the run); one round trip more
  // per order for any step would be 300 and more, the first version made 14 per order.
  assert.ok(d1 <= 90, `${d1} D1 round trips for ${N} orders`);
});

test("kill -9 after a page's ids were given, before its claims: resumed, each order once with the id it was given, no gap", async () => {
  const more = inEurosByDhl(shopOrders("woocommerce", 150, { first: 4001, from: BASE + 86_400_000, skus: [SKU] }));
  woo.state.orders.push(...more);
  const postsBefore = geisenheim.requests.filter((r) => r.method === "POST").length;
  // The next id of the sequence: after the ids the earlier test's orders took.
  const next = Math.max(FIRST - 1, ...geisenheim.requests.filter((r) => r.method === "POST").map((r) => JSON.parse(r.body).id)) + 1;
  holdAt = "sale_ids";
  held = 0;
  const started = await call("POST", "/v1/pulls", {
    platform: "woocommerce",
    shop: woo.url,
    since: new Date(BASE + 86_400_000 - 60_000).toISOString(),
  });
  assert.equal(started.status, 202, JSON.stringify(started.json));
  for (let i = 0; held === 0; i++) {
    if (i > 300) assert.fail("the worker never reached the page's ids");
    await new Promise((ok) => setTimeout(ok, 100));
  }
  await worker.kill();
  holdAt = null;
  assert.equal(geisenheim.requests.filter((r) => r.method === "POST").length, postsBefore, "nothing sent before the claims");
  worker = await startWorker({ secrets, vars, persist: state });
  const mid = (await call("GET", `/v1/pulls/${started.json.id}`)).json;
  assert.equal(mid.status, "running");
  assert.equal(mid.progress.read, 0, "the page was not counted: it is read again");
  // The Cron Trigger resumes the run nobody holds (its lease, 2 s, ran out 10 s ago): called
  // until it says so, twice at a time: the run is resumed by one message only.
  const resumed = () =>
    workerLog(worker.output())
      .split("\n")
      .map((l) => Number(l.match(/"resumed":(\d+)/)?.[1] ?? 0))
      .reduce((a, b) => a + b, 0);
  for (let i = 0; ; i++) {
    if (i > 60) assert.fail("the Cron Trigger never resumed the run");
    const cron = () => fetch(`${worker.url}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
    const answers = await Promise.all([cron(), cron()]);
    assert.deepEqual(
      answers.map((r) => r.status),
      [200, 200],
    );
    if (resumed() > 0) break;
    await new Promise((ok) => setTimeout(ok, 1000));
  }
  const until = Date.now() + 120_000;
  for (;;) {
    const run = (await call("GET", `/v1/pulls/${started.json.id}`)).json;
    const posts = geisenheim.requests.filter((r) => r.method === "POST" && r.answered === 200).length - postsBefore;
    if (run.status === "done" && posts >= more.length) break;
    if (Date.now() > until)
      assert.fail(`after 120 s: run ${run.status} ${JSON.stringify(run.progress)}, Geisenheim holds ${posts} of ${more.length}`);
    await new Promise((ok) => setTimeout(ok, 500));
  }
  await new Promise((ok) => setTimeout(ok, 1500));
  const posts = geisenheim.requests.filter((r) => r.method === "POST").slice(postsBefore);
  assert.ok(
    posts.every((r) => r.answered === 200),
    "Geisenheim refused none",
  );
  const ids = posts.map((r) => JSON.parse(r.body).id).sort((a, b) => a - b);
  assert.equal(ids.length, more.length, "each order once");
  // They follow the ids given before, without a gap.
  assert.deepEqual(
    ids,
    Array.from({ length: more.length }, (_, i) => next + i),
  );
  const h = (await call("GET", `/v1/shop-orders/woocommerce/${encodeURIComponent(woo.url.toLowerCase())}/4001`)).json;
  assert.deepEqual(
    h.geisenheimIds.map((g) => g.id),
    [next],
    "4001 kept the id it was given before the kill",
  );
  assert.equal(resumed(), 1, "the two Cron Triggers sent one message for the run");
});

test("kill -9 while one request of a queue batch hangs: the answers already in are recorded, only the hanging one is left to recovery", async () => {
  const from = BASE + 2 * 86_400_000;
  const more = inEurosByDhl(shopOrders("woocommerce", 20, { first: 6001, from, skus: [SKU] }));
  woo.state.orders.push(...more);
  const before = geisenheim.requests.length;
  // The first of their POSTs is never answered (Geisenheim's timeout is 20 s): the batch's
  // other answers come in meanwhile.
  geisenheim.respondNext({ hang: true }, (r) => r.method === "POST");
  const started = await call("POST", "/v1/pulls", { platform: "woocommerce", shop: woo.url, since: new Date(from - 60_000).toISOString() });
  assert.equal(started.status, 202, JSON.stringify(started.json));
  const answered = () => geisenheim.requests.slice(before).filter((r) => r.method === "POST" && r.answered === 200).length;
  for (let i = 0; answered() < more.length - 1; i++) {
    if (i > 600) assert.fail(`Geisenheim answered ${answered()} of ${more.length - 1}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
  // Time for their records (a few milliseconds), far less than the hanging request's timeout.
  await new Promise((ok) => setTimeout(ok, 1000));
  await worker.kill();
  worker = await startWorker({ secrets, vars, persist: state });
  const { deliveries } = (await call("GET", "/v1/deliveries?target=geisenheim&limit=200")).json;
  const ours = deliveries.filter((d) => more.some((o) => d.key.endsWith(`:${o.number}`)));
  assert.equal(ours.length, more.length, JSON.stringify(ours.map((d) => d.key)));
  const statuses = ours.map((d) => d.status).sort();
  assert.deepEqual(
    statuses,
    [...Array(more.length - 1).fill("accepted"), "queued"],
    "each answer in is recorded; the hanging one waits for recovery",
  );
});
