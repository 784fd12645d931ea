// What an attacker and a racing caller meet (issue 26), in real workerd: no answer before
// authentication repeats the caller's input (so redaction is no oracle for guessing secrets);
// no secret in any form (as it is, in another letter case, percent-encoded, base64, in a JSON
// key) reaches an answer, the D1 state, a dead letter or the worker's log (the guesses this test
// sends in paths do show in wrangler's own dev-server access lines, which are not the worker's); the log names routes, not
// paths; a cancel racing its create never leaves the order live; a malformed URI is the
// caller's error; a retry with an order under another key is a new delivery.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startWorker, storedState, workerLog } from "./harness.mjs";
import { startGeisenheim } from "../../tests/standins/geisenheim.mjs";

const wineOrder = JSON.parse(readFileSync(new URL("../../tests/fixtures/geisenheim_seed_example.order.json", import.meta.url), "utf8"));
const secrets = {
  GEISENHEIM_USERNAME: "api-user@weingut.example",
  GEISENHEIM_PASSWORD: "Geisenheim/Pw+5531 x",
  GEISENHEIM_RECIPIENT_SALT: "salt-7f3c9e1d2b44a0e1",
  KONTOR_API_TOKEN: "caller-token-94af0e7731",
  KONTOR_HMAC_SECRET: "hmac-secret-0b5e9c2a11",
  SHOPIFY_WEBHOOK_SECRET: "shpss_8f2a77c1e09d",
  WOOCOMMERCE_WEBHOOK_SECRET: "wc-secret-7d1e40aa",
  SHOPWARE_APP_SECRET: "sw-app-secret-22b9f1",
};
let geisenheim, worker;
const answers = [];

before(async () => {
  geisenheim = await startGeisenheim({ username: secrets.GEISENHEIM_USERNAME, password: secrets.GEISENHEIM_PASSWORD });
  worker = await startWorker({
    secrets,
    vars: {
      GEISENHEIM_BASE_URL: geisenheim.url,
      UPSTREAM_TIMEOUT_SECONDS: "2",
      MAX_ATTEMPTS: "2",
      RETRY_BASE_SECONDS: "1",
      WEBHOOK_TARGETS: "geisenheim",
      SHOPIFY_SHOPS: "weingut.myshopify.com",
      WOOCOMMERCE_SHOPS: "https://weingut.example",
      SHOPWARE_APP_NAME: "KontorOrders",
    },
  });
});

after(async () => {
  await worker?.stop();
  await geisenheim?.close();
});

async function call(method, path, body, headers = {}) {
  const h = {
    Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}`,
    ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    ...headers,
  };
  const res = await fetch(worker.url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  answers.push(text);
  return { status: res.status, json: text ? JSON.parse(text) : null, text };
}
async function raw(method, path, headers, body) {
  const res = await fetch(worker.url + path, { method, headers, body });
  const text = await res.text();
  answers.push(text);
  return { status: res.status, text };
}
const order = (over) => ({ ...structuredClone(wineOrder), ...over });
async function until(id, done, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const d = (await call("GET", `/v1/deliveries/${id}`)).json;
    if (done(d)) return d;
    assert.ok(Date.now() < deadline, JSON.stringify(d));
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every form a secret may take on its way out: as it is, upper and lower case, URL-encoded
 * (encodeURIComponent and form encoding), base64 and base64url. */
function forms(secret) {
  const b = Buffer.from(secret);
  return [
    secret,
    secret.toUpperCase(),
    secret.toLowerCase(),
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    b.toString("base64"),
    b.toString("base64url"),
  ];
}

test("before authentication nothing repeats the caller's input: a guessed secret and a random text get the same answer", async () => {
  for (const guess of Object.values(secrets)) {
    // The same shape, other letters and digits: the answers may differ only by the guess.
    const random = guess.replace(/[a-z]/g, "q").replace(/[A-Z]/g, "Q").replace(/[0-9]/g, "7");
    for (const [method, path, headers, body] of [
      ["POST", (g) => `/v1/webhooks/${encodeURIComponent(g)}`, () => ({}), "{}"],
      ["POST", () => "/v1/geisenheim/preview", (g) => ({ "Content-Type": g, "X-Kontor-Signature": "t=1,v1=00" }), "{}"],
      [
        "POST",
        () => "/v1/webhooks/shopify",
        (g) => ({ "Content-Type": "application/json", "X-Shopify-Shop-Domain": g, "X-Shopify-Hmac-Sha256": "AAAA" }),
        "{}",
      ],
      ["GET", (g) => `/v1/deliveries/${encodeURIComponent(g)}`, () => ({ Authorization: "Bearer not-the-token" }), undefined],
    ]) {
      const a = await raw(method, path(guess), headers(guess), body);
      const b = await raw(method, path(random), headers(random), body);
      assert.equal(a.status, b.status, `${method} ${path(random)}`);
      assert.equal(a.text, b.text, `${method} ${path(random)}: the answer depends on the guess`);
      assert.ok(!a.text.includes("[redacted]"), a.text);
    }
  }
});

test("the log line names the route, never the path a caller sent", async () => {
  const marker = "zz-path-marker-61f0";
  await call("GET", `/v1/deliveries/${marker}`);
  await raw("POST", `/v1/webhooks/${marker}`, {}, "{}");
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(!workerLog(worker.output()).includes(marker), "the raw path is not logged");
  assert.match(workerLog(worker.output()), /"route":"\/v1\/deliveries\/\{id\}"/);
});

test("a malformed percent-encoding in the path is the caller's error (400), not the worker's", async () => {
  const r = await call("DELETE", "/v1/geisenheim/orders/%E0%A4%A");
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.issues[0].code, "malformed_uri");
});

test("an upstream answer carrying secrets (as keys, in other case, percent-encoded, base64) is stored and answered without them, dead letters too", async () => {
  const pw = secrets.GEISENHEIM_PASSWORD;
  const echo = {
    [pw]: "key",
    upper: pw.toUpperCase(),
    url: `https://x.example/?p=${encodeURIComponent(pw)}&q=${new URLSearchParams({ s: pw }).toString().slice(2)}`,
    b64: Buffer.from(`user:${pw}`).toString("base64"),
    b64url: Buffer.from(`${secrets.KONTOR_HMAC_SECRET}!`).toString("base64url"),
    token: secrets.SHOPIFY_WEBHOOK_SECRET.toUpperCase(),
  };
  for (let i = 0; i < 2; i++) geisenheim.respondNext({ status: 503, body: echo }, (q) => q.method === "POST");
  const r = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 7_700_001 }));
  assert.equal(r.status, 202, r.text);
  const d = await until(r.json.id, (x) => x.status === "dead" && x.deadLetters?.length);
  assert.equal(d.attemptLog.length, 2);
  assert.match(d.attemptLog[0].excerpt, /\[redacted\]/);
  answers.push(JSON.stringify(d));
});

test("a cancel racing its create's retry: 10 pairs, the create is never sent after its cancel", async () => {
  const ids = Array.from({ length: 10 }, (_, i) => 7_800_000 + i);
  const posts = (id) => geisenheim.requests.filter((q) => q.method === "POST" && JSON.parse(q.body).id === id);
  for (const id of ids)
    geisenheim.respondNext(
      { status: 503, body: { message: "Service Unavailable" } },
      (q) => q.method === "POST" && JSON.parse(q.body).id === id,
    );
  await Promise.all(
    ids.map(async (id) => {
      const [create, cancel] = await Promise.all([
        call("POST", "/v1/geisenheim/orders", order({ invoiceId: id, number: `R-${id}` })),
        new Promise((res) => setTimeout(res, 20)).then(() => call("DELETE", `/v1/geisenheim/orders/${id}`)),
      ]);
      assert.ok([200, 202, 409].includes(create.status), create.text);
      assert.ok([200, 202].includes(cancel.status), cancel.text);
    }),
  );
  // Every cancel settles; every create ends cancelled (or accepted, then cancelled upstream).
  await new Promise((r) => setTimeout(r, 4000));
  for (const id of ids) {
    const list = (await call("GET", "/v1/deliveries?target=geisenheim&limit=200")).json.deliveries;
    const create = list.find((d) => d.key === String(id));
    const cancel = list.find((d) => d.key === `cancel:${id}`);
    const c = await until(cancel.id, (x) => x.status !== "queued");
    assert.equal(c.status, "accepted", JSON.stringify(c));
    const events = geisenheim.requests
      .filter((q) => (q.method === "POST" && JSON.parse(q.body).id === id) || (q.method === "DELETE" && q.url.endsWith(`/${id}`)))
      .map((q) => `${q.method} ${q.answered}`);
    const lastPost = events.findLastIndex((e) => e.startsWith("POST 200"));
    const lastDelete = events.findLastIndex((e) => e.startsWith("DELETE"));
    assert.ok(lastPost === -1 || lastDelete > lastPost, `${id}: the order is not live after its cancel: ${events.join(", ")}`);
    const created = await until(create.id, (x) => x.status !== "queued");
    assert.ok(["cancelled", "accepted"].includes(created.status), JSON.stringify(created));
    if (created.status === "cancelled")
      assert.equal(posts(id).filter((q) => q.answered === 200).length, 0, "a cancelled create was never accepted upstream");
  }
  // A create that comes after its cancel is never sent.
  const late = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: ids[0], number: "R-late" }), {
    "Idempotency-Key": "late-create",
  });
  assert.equal(late.json.status, "cancelled", late.text);
});

test("a cancel whose first attempt failed is sent again when repeated", async () => {
  const id = 7_900_001;
  const c = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: id }));
  assert.equal(c.json.status, "accepted", c.text);
  geisenheim.respondNext({ status: 400, body: { message: "Bad Request" } }, (q) => q.method === "DELETE");
  const first = await call("DELETE", `/v1/geisenheim/orders/${id}`);
  assert.equal(first.json.status, "rejected", first.text);
  const again = await call("DELETE", `/v1/geisenheim/orders/${id}`);
  assert.equal(again.json.status, "accepted", again.text);
  assert.equal(geisenheim.requests.filter((q) => q.method === "DELETE" && q.url.endsWith(`/${id}`)).length, 2);
});

test("a retry with an order under another invoice id is a new delivery; the old one stays", async () => {
  geisenheim.respondNext(
    { status: 422, body: { message: "invalid", errors: { "recipient.postalCode": ["invalid"] } } },
    (q) => q.method === "POST",
  );
  const r = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 7_950_001 }));
  assert.equal(r.json.status, "rejected", r.text);
  const retried = await call("POST", `/v1/deliveries/${r.json.id}/retry`, { order: order({ invoiceId: 7_950_002 }) });
  assert.equal(retried.status, 200, retried.text);
  assert.deepEqual([retried.json.newDelivery, retried.json.retriedFrom, retried.json.key], [true, r.json.id, "7950002"]);
  assert.ok(retried.json.issues.some((i) => i.code === "new_delivery"));
  assert.equal((await call("GET", `/v1/deliveries/${r.json.id}`)).json.status, "rejected", "the old one stays");
  // The same order sent normally afterwards is the same delivery: Geisenheim gets it once.
  const again = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 7_950_002 }));
  assert.equal(again.json.duplicate, true);
  assert.equal(
    geisenheim.requests.filter((q) => q.method === "POST" && q.answered === 200 && JSON.parse(q.body).id === 7_950_002).length,
    1,
  );
});

test("no configured secret, in any form, in any answer, the D1 state or the worker's output", async () => {
  const state = storedState(worker.persist);
  assert.ok(state.includes("7700001"), "the ledger file was found");
  const basic = Buffer.from(`${secrets.GEISENHEIM_USERNAME}:${secrets.GEISENHEIM_PASSWORD}`).toString("base64");
  const haystacks = { answers: answers.join("\n"), state, log: workerLog(worker.output()) };
  assert.match(haystacks.log, /"route":/, "the worker's log lines were found");
  for (const [where, text] of Object.entries(haystacks)) {
    for (const s of [...Object.values(secrets).flatMap(forms), basic])
      assert.ok(!text.includes(s), `${where} holds a secret form (${s.slice(0, 4)}…)`);
  }
});
