// The scheduled shop → targets sync (issue 11) in real workerd: POST /v1/sync and the Cron
// Trigger read new orders from an OmniSeller stand-in (token session kept, getOrderIds,
// getOrder, the field-path table OMNISELLER_ORDER_MAPPING) into kivitendo, and from a
// kvik.shop stand-in (gzip, listOrders) into Westarp. Run twice, and overlapping: each shop
// order reaches each target once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startWorker, storedState, basicValues, assertNoSecrets } from "./harness.mjs";
import { startKivitendo } from "../../tests/standins/kivitendo.mjs";
import { startWestarp } from "../../tests/standins/westarp.mjs";
import { startOmniseller } from "../../tests/standins/omniseller.mjs";
import { startKvik } from "../../tests/standins/kvik.mjs";

const fixture = (p) => JSON.parse(readFileSync(new URL(`../../tests/fixtures/${p}`, import.meta.url), "utf8"));
const oxid = fixture("omniseller/order_answer.json").data;
const mapping = fixture("omniseller/order_mapping.json");
const bookOrder = fixture("westarp/order_seed_example.order.json");
const secrets = {
  KIVITENDO_USERNAME: "kivi-api",
  KIVITENDO_PASSWORD: "kivi-pw-8842",
  WESTARP_TOKEN: "westarp-token-2c7a91",
  OMNISELLER_USERNAME: "omni-api",
  OMNISELLER_PASSWORD: "omni-pw-3310",
  KVIK_TOKEN: "kvik-token-77e1",
  KONTOR_API_TOKEN: "caller-token-94af0e",
};
const KIVITENDO_OPTIONS = { taxzoneId: 4, currencyId: 1, productIds: { "2021-RI-TR": 5, "TB-05": 6 }, shippingProductId: 99 };
const shopOrder = (n) => ({
  ...structuredClone(oxid),
  OXID: `${n.toString(16).padStart(8, "0")}178eabb83271b3c6579431be`,
  OXORDERNR: n,
  Customer: { ...oxid.Customer, OXUSERNAME: `buyer${n}@example.com` },
});
const kvikOrder = (n) => ({ ...structuredClone(bookOrder), id: n, number: `KV-${n}` });
let kivitendo, westarp, omniseller, kvik, omniWorker, kvikWorker, shortOmniseller, shortWorker;

before(async () => {
  kivitendo = await startKivitendo({ username: secrets.KIVITENDO_USERNAME, password: secrets.KIVITENDO_PASSWORD });
  westarp = await startWestarp({ token: secrets.WESTARP_TOKEN });
  omniseller = await startOmniseller({
    username: secrets.OMNISELLER_USERNAME,
    password: secrets.OMNISELLER_PASSWORD,
    orders: [1, 2, 3, 4, 5].map(shopOrder),
  });
  kvik = await startKvik({ token: secrets.KVIK_TOKEN, orders: [1001, 1002, 1003].map(kvikOrder) });
  // Tokens valid 62 s: kontor renews a session within 60 s of its expiry.
  shortOmniseller = await startOmniseller({
    username: secrets.OMNISELLER_USERNAME,
    password: secrets.OMNISELLER_PASSWORD,
    orders: [shopOrder(101)],
    timeLeft: 62,
  });
  const common = {
    KIVITENDO_BASE_URL: kivitendo.url,
    WESTARP_BASE_URL: `${westarp.url}/v2`,
    KIVITENDO_OPTIONS: JSON.stringify(KIVITENDO_OPTIONS),
    RETRY_BASE_SECONDS: "1",
    MAX_ATTEMPTS: "3",
  };
  // Each one started, even when another fails to, so that `after` stops every one that runs.
  const started = await Promise.allSettled([
    startWorker({
      secrets,
      vars: {
        ...common,
        SYNC_SOURCE: "omniseller",
        SYNC_TARGETS: "kivitendo",
        OMNISELLER_BASE_URL: omniseller.url,
        OMNISELLER_ORDER_MAPPING: JSON.stringify(mapping),
      },
    }),
    startWorker({
      secrets,
      vars: { ...common, SYNC_SOURCE: "kvik", SYNC_TARGETS: "westarp", KVIK_BASE_URL: kvik.url, KVIK_ALLOW_INSECURE: "true" },
    }),
    startWorker({
      secrets,
      vars: {
        ...common,
        SYNC_SOURCE: "omniseller",
        SYNC_TARGETS: "kivitendo",
        OMNISELLER_BASE_URL: shortOmniseller.url,
        OMNISELLER_ORDER_MAPPING: JSON.stringify(mapping),
      },
    }),
  ]);
  [omniWorker, kvikWorker, shortWorker] = started.map((s) => (s.status === "fulfilled" ? s.value : undefined));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
});

after(async () => {
  await Promise.all([omniWorker?.stop(), kvikWorker?.stop(), shortWorker?.stop()]);
  await Promise.all([kivitendo?.close(), westarp?.close(), omniseller?.close(), kvik?.close(), shortOmniseller?.close()]);
});

const auth = { Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}` };
async function sync(worker) {
  const r = await fetch(`${worker.url}/v1/sync`, { method: "POST", headers: auth });
  return { status: r.status, json: await r.json() };
}
const cron = (worker) => fetch(`${worker.url}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`).then((r) => r.text());
const ordersIn = (number) => kivitendo.state.orders.filter((o) => o.number === number).length;
const westarpAccepted = (code) =>
  westarp.requests.filter((q) => q.method === "POST" && q.url === "/v2/orders" && q.answered === 200 && JSON.parse(q.body).code === code)
    .length;

test("OmniSeller → kivitendo: one token for both runs, getOrderIds, getOrder, the mapping; the second run delivers nothing again", async () => {
  const first = await sync(omniWorker);
  assert.equal(first.status, 200, JSON.stringify(first.json));
  assert.equal(first.json.listed, 5);
  assert.equal(first.json.delivered, 5, JSON.stringify(first.json));
  for (const o of first.json.orders)
    assert.deepEqual(
      o.deliveries.map((d) => [d.target, d.status]),
      [["kivitendo", "accepted"]],
    );
  for (const n of [1, 2, 3, 4, 5]) assert.equal(ordersIn(String(n)), 1);
  const calls = omniseller.requests.map((q) => [q.url, JSON.parse(q.body).function ?? "token"]);
  assert.deepEqual(calls.slice(0, 3), [
    ["/omniseller/Tokenrequest.php", "token"],
    ["/omniseller/HTKService4.php", "12"],
    ["/omniseller/HTKService4.php", "11"],
  ]);
  assert.equal(JSON.parse(omniseller.requests[2].body).data, shopOrder(1).OXID, "getOrder sends the order's ID");

  const second = await sync(omniWorker);
  assert.equal(second.status, 200);
  assert.equal(second.json.delivered, 0);
  assert.equal(second.json.skipped, 5);
  assert.equal(omniseller.state.tokenRequests, 1, "the session is kept until shortly before it expires");
  for (const n of [1, 2, 3, 4, 5]) assert.equal(ordersIn(String(n)), 1, "each shop order once");
});

test("OmniSeller: overlapping runs (two POST /v1/sync and the Cron Trigger at once) deliver each new order once", async () => {
  omniseller.state.orders.push(...[6, 7, 8, 9].map(shopOrder));
  const [a, b] = await Promise.all([sync(omniWorker), sync(omniWorker), cron(omniWorker)]);
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  // The Cron Trigger's run may still be under way: wait for it (its log line).
  const deadline = Date.now() + 30_000;
  while (!/"cron":"\*\/15 \* \* \* \*"/.test(omniWorker.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  for (const n of [6, 7, 8, 9]) assert.equal(ordersIn(String(n)), 1, `shop order ${n} once in kivitendo`);
  const third = await sync(omniWorker);
  assert.equal(third.json.delivered, 0);
  assert.equal(kivitendo.state.orders.filter((o) => /^[1-9]$/.test(o.number)).length, 9);
});

test("OmniSeller: the kept session is used until shortly before it expires, then renewed", async () => {
  assert.equal((await sync(shortWorker)).json.delivered, 1);
  assert.equal((await sync(shortWorker)).status, 200);
  assert.equal(shortOmniseller.state.tokenRequests, 1, "still more than 60 s left: the kept token");
  await new Promise((r) => setTimeout(r, 2500));
  const r = await sync(shortWorker);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(shortOmniseller.state.tokenRequests, 2, "within 60 s of expiry: a new token before the call");
  assert.ok(shortOmniseller.requests.every((q) => q.answered === 200));
  assert.equal(ordersIn("101"), 1);
});

test("kvik.shop → Westarp: gzip listOrders; run twice and overlapping, each order once; an order that fails is retried on the queue", async () => {
  const first = await sync(kvikWorker);
  assert.equal(first.status, 200, JSON.stringify(first.json));
  assert.equal(first.json.delivered, 3, JSON.stringify(first.json));
  assert.ok(
    kvik.requests.every(
      (q) => q.headers["accept-encoding"]?.includes("gzip") && q.headers.authorization === `Bearer ${secrets.KVIK_TOKEN}`,
    ),
  );
  kvik.state.orders.push(kvikOrder(1004), kvikOrder(1005));
  westarp.respondNext(
    { status: 503, body: { message: "Service Unavailable" } },
    (q) => q.method === "POST" && JSON.parse(q.body).code === "KV-1005",
  );
  const runs = await Promise.all([sync(kvikWorker), sync(kvikWorker)]);
  for (const r of runs) assert.equal(r.status, 200);
  const d1005 = runs.flatMap((r) => r.json.orders).find((o) => o.number === "KV-1005" && o.deliveries.length)?.deliveries[0];
  assert.ok(d1005, JSON.stringify(runs.map((r) => r.json)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const d = await (await fetch(`${kvikWorker.url}/v1/deliveries/${d1005.id}`, { headers: auth })).json();
    if (d.status === "accepted") break;
    assert.ok(Date.now() < deadline, JSON.stringify(d));
    await new Promise((r) => setTimeout(r, 250));
  }
  const again = await sync(kvikWorker);
  assert.equal(again.json.delivered, 0);
  for (const n of [1001, 1002, 1003, 1004, 1005]) assert.equal(westarpAccepted(`KV-${n}`), 1, `KV-${n} once in Westarp`);
});

test("an unconfigured sync names what to set", async () => {
  const w = await startWorker({
    secrets: { KONTOR_API_TOKEN: secrets.KONTOR_API_TOKEN },
    vars: { SYNC_SOURCE: "omniseller", SYNC_TARGETS: "kivitendo, amazon" },
  });
  try {
    const r = await sync(w);
    assert.equal(r.status, 500);
    assert.equal(r.json.ok, false);
    assert.equal(r.json.error, "worker_misconfigured");
    const paths = r.json.issues.map((i) => i.path);
    for (const p of ["env.SYNC_TARGETS", "env.OMNISELLER_BASE_URL", "env.OMNISELLER_PASSWORD", "env.OMNISELLER_ORDER_MAPPING"])
      assert.ok(paths.includes(p), paths.join());
  } finally {
    await w.stop();
  }
});

test("no configured secret in the D1 state (ledger, dead letters, sync session) or the worker's output", async () => {
  const basic = basicValues([secrets.KIVITENDO_USERNAME, secrets.KIVITENDO_PASSWORD]);
  for (const w of [omniWorker, kvikWorker, shortWorker]) {
    const state = storedState(w.persist);
    assert.ok(state.length > 0, "the D1 files were found");
    assertNoSecrets({ state, output: w.output() }, [...Object.values(secrets), ...basic]);
  }
});
