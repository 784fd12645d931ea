// Delivery that loses nothing and sends nothing twice (issue 11), in real workerd: the
// worker's own Queue consumer and dead-letter queue, against the stand-ins failing at random
// (seeded), storing an order and then answering 500, and down for good. Small
// RETRY_BASE_SECONDS and MAX_ATTEMPTS keep it to seconds.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startWorker, storedState, basicValues, assertNoSecrets } from "./harness.mjs";
import { startGeisenheim } from "../../tests/standins/geisenheim.mjs";
import { startKivitendo } from "../../tests/standins/kivitendo.mjs";
import { startWestarp } from "../../tests/standins/westarp.mjs";

const fixture = (p) => JSON.parse(readFileSync(new URL(`../../tests/fixtures/${p}`, import.meta.url), "utf8"));
const wineOrder = fixture("geisenheim_seed_example.order.json");
const bookOrder = fixture("westarp/order_seed_example.order.json");
const secrets = {
  GEISENHEIM_USERNAME: "api@test.de",
  GEISENHEIM_PASSWORD: "geisenheim-pw-5531",
  GEISENHEIM_RECIPIENT_SALT: "salt-7f3c9e1d2b",
  KIVITENDO_USERNAME: "kivi-api",
  KIVITENDO_PASSWORD: "kivi-pw-8842",
  WESTARP_TOKEN: "westarp-token-2c7a91",
  KONTOR_API_TOKEN: "caller-token-94af0e",
};
const KIVITENDO_OPTIONS = { taxzoneId: 4, currencyId: 1, productIds: { "127/4": 5 }, shippingProductId: 99 };
const MAX_ATTEMPTS = 3;
let geisenheim, kivitendo, westarp, worker;

before(async () => {
  geisenheim = await startGeisenheim({ username: secrets.GEISENHEIM_USERNAME, password: secrets.GEISENHEIM_PASSWORD });
  kivitendo = await startKivitendo({ username: secrets.KIVITENDO_USERNAME, password: secrets.KIVITENDO_PASSWORD });
  westarp = await startWestarp({ token: secrets.WESTARP_TOKEN });
  worker = await startWorker({
    secrets,
    vars: {
      GEISENHEIM_BASE_URL: geisenheim.url,
      KIVITENDO_BASE_URL: kivitendo.url,
      WESTARP_BASE_URL: `${westarp.url}/v2`,
      KIVITENDO_OPTIONS: JSON.stringify(KIVITENDO_OPTIONS),
      UPSTREAM_TIMEOUT_SECONDS: "5",
      MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      RETRY_BASE_SECONDS: "1",
    },
  });
});

after(async () => {
  await worker?.stop();
  await Promise.all([geisenheim?.close(), kivitendo?.close(), westarp?.close()]);
});

async function call(method, path, body) {
  const headers = { Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(worker.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, text };
}

/** Polls `GET /v1/deliveries/{id}` until `done(delivery)` (at most `seconds`). */
async function until(id, done, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const d = (await call("GET", `/v1/deliveries/${id}`)).json;
    if (done(d)) return d;
    if (Date.now() > deadline) throw new Error(`delivery ${id} still ${d.status}: ${JSON.stringify(d)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
const settled = (d) => d.status !== "queued";

/** Runs `fn` over `items`, `n` at a time. */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

test("200 orders while Geisenheim fails 30 % of calls at random: each accepted exactly once upstream or dead after MAX_ATTEMPTS", async () => {
  const isOrderPost = (q) => q.method === "POST" && q.url === "/erp/orders";
  geisenheim.failRandomly({ rate: 0.3, seed: 20261201, when: isOrderPost });
  const ids = Array.from({ length: 200 }, (_, i) => 7_000_000 + i);
  const first = await pool(ids, 8, (invoiceId) =>
    call("POST", "/v1/geisenheim/orders", { ...structuredClone(wineOrder), invoiceId, number: `C-${invoiceId}` }),
  );
  for (const r of first) assert.ok([200, 202].includes(r.status), r.text);
  assert.ok(
    first.some((r) => r.status === 202),
    "some first attempts failed",
  );
  const final = [];
  for (const r of first) final.push(await until(r.json.id, settled, 120));
  geisenheim.failRandomly(null);
  const posts = geisenheim.requests.filter(isOrderPost);
  let accepted = 0,
    dead = 0;
  for (const [i, d] of final.entries()) {
    const mine = posts.filter((q) => JSON.parse(q.body).id === ids[i]);
    const ok = mine.filter((q) => q.answered === 200);
    assert.equal(mine.length, d.attempts, `order ${ids[i]}: one upstream call per attempt`);
    assert.equal(d.attemptLog.length, d.attempts);
    if (d.status === "accepted") {
      accepted++;
      assert.equal(ok.length, 1, `order ${ids[i]} accepted exactly once upstream`);
      assert.equal(d.upstreamId, String(ids[i]));
    } else {
      dead++;
      assert.equal(d.status, "dead", JSON.stringify(d));
      assert.equal(d.attempts, MAX_ATTEMPTS);
      assert.equal(ok.length, 0, `dead order ${ids[i]} never accepted upstream`);
      const letter = await until(d.id, (x) => x.deadLetters?.length > 0);
      assert.equal(letter.deadLetters[0].reason, "max_attempts");
    }
    // Exponential backoff: attempt n+1 no sooner than RETRY_BASE_SECONDS · 2^(n-1) after n.
    for (let n = 1; n < d.attemptLog.length; n++) {
      const gap = Date.parse(d.attemptLog[n].at) - Date.parse(d.attemptLog[n - 1].at);
      assert.ok(gap >= 1000 * 2 ** (n - 1) - 50, `order ${ids[i]}: attempt ${n + 1} came ${gap} ms after attempt ${n}`);
      assert.equal(d.attemptLog[n - 1].outcome, "retry");
    }
  }
  assert.equal(accepted + dead, 200, "none lost");
  console.log(`chaos: ${accepted} accepted, ${dead} dead, ${posts.length} upstream calls for 200 orders`);
});

test("kivitendo stores the order and answers 500: the retry finds it by number, nothing is created twice", async () => {
  const o = { ...structuredClone(wineOrder), number: "K-500-1", customer: { ...wineOrder.customer, email: "lost@example.com" } };
  kivitendo.loseAnswerNext((q) => q.method === "POST" && q.url === "/api/v1/orders");
  const r = await call("POST", "/v1/kivitendo/orders", o);
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.status, "queued");
  const d = await until(r.json.id, settled);
  assert.equal(d.status, "accepted", JSON.stringify(d));
  assert.equal(kivitendo.state.orders.filter((x) => x.number === "K-500-1").length, 1, "one order in kivitendo");
  assert.equal(d.attemptLog[0].upstreamStatus, 500);
  assert.equal(d.attemptLog[0].excerpt, "Internal Server Error");
  assert.deepEqual(
    d.attemptLog[1].requests.map((q) => `${q.method} ${q.url.replace(kivitendo.url, "").split("?")[0]}`),
    ["GET /api/v1/orders"],
  );
  assert.equal(d.upstreamId, String(kivitendo.state.orders.find((x) => x.number === "K-500-1").id));

  // The same for the customer: created once, found on the retry.
  const c = { ...structuredClone(wineOrder), number: "K-500-2", customer: { ...wineOrder.customer, email: "lost-customer@example.com" } };
  kivitendo.loseAnswerNext((q) => q.method === "POST" && q.url === "/api/v1/customers");
  const r2 = await call("POST", "/v1/kivitendo/orders", c);
  assert.equal(r2.status, 202, r2.text);
  assert.equal((await until(r2.json.id, settled)).status, "accepted");
  assert.equal(kivitendo.state.customers.filter((x) => x.email === "lost-customer@example.com").length, 1, "one customer");
  assert.equal(kivitendo.state.orders.filter((x) => x.number === "K-500-2").length, 1, "one order");
});

test("Westarp stores the order and answers 500: the retry finds its code in the newest orders and sends nothing again", async () => {
  const code = "W-500-1";
  const posts = (q) => q.method === "POST" && q.url === "/v2/orders" && JSON.parse(q.body).code === code;
  westarp.loseAnswerNext(posts);
  const r = await call("POST", "/v1/westarp/orders", { ...structuredClone(bookOrder), number: code });
  assert.equal(r.status, 202, r.text);
  const d = await until(r.json.id, settled);
  assert.equal(d.status, "accepted", JSON.stringify(d));
  assert.equal(westarp.requests.filter(posts).length, 1, "sent once");
  assert.equal(westarp.orders.filter((o) => o.content.code === code).length, 1, "one order at Westarp");
  assert.equal(d.upstreamId, westarp.orders.find((o) => o.content.code === code).id);
  assert.deepEqual(
    d.attemptLog[1].requests.map((q) => `${q.method} ${q.url.replace(westarp.url, "")}`),
    ["GET /v2/orders?page=1"],
  );
  assert.ok(
    d.issues.some((i) => i.code === "found_upstream"),
    JSON.stringify(d.issues),
  );

  // The look-up failing too sends nothing; the attempt after it asks again, then sends.
  const code2 = "W-500-2";
  const posts2 = (q) => q.method === "POST" && q.url === "/v2/orders" && JSON.parse(q.body).code === code2;
  westarp.respondNext({ status: 503, body: { message: "Service Unavailable" } }, posts2);
  westarp.respondNext(
    { status: 503, body: { message: "Service Unavailable" } },
    (q) => q.method === "GET" && q.url.startsWith("/v2/orders"),
  );
  const r2 = await call("POST", "/v1/westarp/orders", { ...structuredClone(bookOrder), number: code2 });
  assert.equal(r2.status, 202, r2.text);
  const d2 = await until(r2.json.id, settled);
  assert.equal(d2.status, "accepted", JSON.stringify(d2));
  assert.deepEqual(
    d2.attemptLog.map((a) => a.requests.map((q) => q.method).join("+")),
    ["POST", "GET", "GET+POST"],
  );
  assert.equal(westarp.orders.filter((o) => o.content.code === code2).length, 1);
});

test("fan-out: one delivery per target, each retried on its own; a failing target holds back none", async () => {
  const o = {
    ...structuredClone(wineOrder),
    invoiceId: 8_100_001,
    number: "F-1",
    customer: { ...wineOrder.customer, email: "fan@example.com" },
  };
  geisenheim.respondNext({ status: 503, body: { message: "Service Unavailable" } }, (q) => q.method === "POST");
  geisenheim.respondNext({ status: 502, body: "Bad Gateway" }, (q) => q.method === "POST");
  const r = await call("POST", "/v1/orders", { order: o, targets: ["geisenheim", "kivitendo"] });
  assert.equal(r.status, 202, r.text);
  const [g, k] = r.json.deliveries;
  assert.deepEqual([g.target, g.status, k.target, k.status], ["geisenheim", "queued", "kivitendo", "accepted"]);
  assert.equal(kivitendo.state.orders.filter((x) => x.number === "F-1").length, 1, "kivitendo got it at once");
  const gd = await until(g.id, settled);
  assert.equal(gd.status, "accepted");
  assert.equal(gd.attempts, 3);
  assert.deepEqual(
    gd.attemptLog.map((a) => a.upstreamStatus),
    [503, 502, 200],
  );
  assert.equal(
    geisenheim.requests.filter((q) => q.method === "POST" && q.answered === 200 && JSON.parse(q.body).id === 8_100_001).length,
    1,
  );
  assert.equal((await call("GET", `/v1/deliveries/${k.id}`)).json.attempts, 1, "the accepted target was not sent again");
});

test("a delivery dead after MAX_ATTEMPTS has its dead letter with every attempt; replayed after the fix it is accepted once", async () => {
  const code = "D-1";
  const mine = (q) => q.method === "POST" && q.url === "/v2/orders" && JSON.parse(q.body).code === code;
  westarp.failRandomly({ rate: 1, when: mine });
  const r = await call("POST", "/v1/westarp/orders", { ...structuredClone(bookOrder), number: code });
  assert.equal(r.status, 202, r.text);
  const d = await until(r.json.id, (x) => x.status === "dead" && x.deadLetters?.length);
  assert.equal(d.attempts, MAX_ATTEMPTS);
  assert.equal(d.attemptLog.length, MAX_ATTEMPTS);
  for (const a of d.attemptLog) {
    assert.ok([0, 500, 503].includes(a.upstreamStatus), JSON.stringify(a));
    assert.ok(!Number.isNaN(Date.parse(a.at)));
    if (a.upstreamStatus === 503) assert.match(a.excerpt, /Service Unavailable/);
  }
  assert.equal(d.deadLetters[0].reason, "max_attempts");
  assert.equal(westarp.requests.filter(mine).length, MAX_ATTEMPTS);
  const list = await call("GET", "/v1/deliveries?status=dead&target=westarp");
  assert.ok(list.json.deliveries.some((x) => x.id === d.id));

  westarp.failRandomly(null);
  const replay = await call("POST", `/v1/deliveries/${d.id}/retry`);
  assert.equal(replay.status, 200, replay.text);
  assert.equal(replay.json.status, "accepted");
  assert.equal(replay.json.attempts, MAX_ATTEMPTS + 1);
  assert.equal(westarp.requests.filter((q) => mine(q) && q.answered === 200).length, 1, "accepted once upstream");
  const again = await call("POST", `/v1/deliveries/${d.id}/retry`);
  assert.equal(again.status, 409, "an accepted delivery is not sent again");
});

test("no configured secret in the D1 state (ledger, dead letters, sync session) or the worker's output", async () => {
  const basic = basicValues([secrets.KIVITENDO_USERNAME, secrets.KIVITENDO_PASSWORD]);
  for (const w of [worker]) {
    const state = storedState(w.persist);
    assert.ok(state.length > 0, "the D1 files were found");
    assertNoSecrets({ state, output: w.output() }, [...Object.values(secrets), ...basic]);
  }
});
