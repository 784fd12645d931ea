// The edge worker in real workerd (`wrangler dev`, the worker's own configuration, a fresh D1)
// against stand-ins for Geisenheim, kivitendo and Westarp written from their documents
// (tests/standins/). Every answer, the D1 database file and wrangler's output are scanned for
// each configured secret at the end.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { toGeisenheim, request as kontorRequest } from "kontor";
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
  KONTOR_HMAC_SECRET: "hmac-secret-61d0b3",
};
const KIVITENDO_OPTIONS = { taxzoneId: 4, currencyId: 1, productIds: { "127/4": 5 }, shippingProductId: 99 };
const ORIGIN = "https://admin.example.com";
let geisenheim, kivitendo, westarp, worker;
const answers = [];

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
      ALLOWED_ORIGINS: `http://localhost:8788, ${ORIGIN}`,
      MAX_BODY_BYTES: "65536",
      UPSTREAM_TIMEOUT_SECONDS: "1",
      KIVITENDO_OPTIONS: JSON.stringify(KIVITENDO_OPTIONS),
    },
  });
});

after(async () => {
  await worker?.stop();
  await Promise.all([geisenheim?.close(), kivitendo?.close(), westarp?.close()]);
});

/** A call with the caller's bearer token (unless `auth` says otherwise); keeps every answer. */
async function call(method, path, body, { auth = `Bearer ${secrets.KONTOR_API_TOKEN}`, headers = {}, raw } = {}) {
  const h = { ...headers };
  if (auth) h.Authorization = auth;
  if (body !== undefined && !("Content-Type" in h)) h["Content-Type"] = "application/json";
  const res = await fetch(worker.url + path, { method, headers: h, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await res.text();
  if (text && !text.startsWith("{")) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  answers.push(text + JSON.stringify([...res.headers]));
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : null };
}

const b64 = (s) => Buffer.from(s).toString("base64");
const order = (over) => ({ ...structuredClone(wineOrder), ...over });

test("GET /healthz answers without auth and shows no configuration", async () => {
  const r = await call("GET", "/healthz", undefined, { auth: null });
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.json).sort(), ["ok", "service", "version"]);
});

test("callers without, or with a wrong, bearer token are refused with 401", async () => {
  const none = await call("POST", "/v1/geisenheim/orders", wineOrder, { auth: null });
  assert.equal(none.status, 401);
  assert.equal(none.json.issues[0].code, "unauthorized");
  const wrong = await call("POST", "/v1/geisenheim/orders", wineOrder, { auth: "Bearer caller-token-94af0f" });
  assert.equal(wrong.status, 401);
  const basic = await call("GET", "/v1/deliveries", undefined, { auth: `Basic ${b64("a:b")}` });
  assert.equal(basic.status, 401);
  assert.equal(geisenheim.requests.length, 0, "nothing went upstream");
});

test("Geisenheim: the exact upstream request, and a resent order is answered from the ledger", async () => {
  const r = await call("POST", "/v1/geisenheim/orders", { order: wineOrder });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, "accepted");
  assert.equal(r.json.key, "3459872");
  assert.equal(r.json.attempts, 1);
  assert.equal(r.json.upstreamId, "3459872");
  assert.equal(geisenheim.requests.length, 1);
  const [sent] = geisenheim.requests;
  assert.equal(sent.method, "POST");
  assert.equal(sent.url, "/erp/orders");
  assert.equal(sent.headers.authorization, `Basic ${b64(`${secrets.GEISENHEIM_USERNAME}:${secrets.GEISENHEIM_PASSWORD}`)}`);
  assert.match(sent.headers["content-type"], /^application\/json/);
  const expected = toGeisenheim(wineOrder, { recipientSalt: secrets.GEISENHEIM_RECIPIENT_SALT });
  assert.deepEqual(JSON.parse(sent.body), expected.payload);
  assert.deepEqual(r.json.payload, expected.payload);

  const again = await call("POST", "/v1/geisenheim/orders", wineOrder);
  assert.equal(again.status, 200);
  assert.equal(again.json.duplicate, true);
  assert.equal(again.json.id, r.json.id);
  assert.equal(geisenheim.requests.length, 1, "never sent upstream twice");
});

test("an invalid order is answered 422 with its issues and never sent", async () => {
  const before = geisenheim.requests.length;
  const bad = order({
    invoiceId: 3459990,
    items: [{ ...wineOrder.items[0], product: { ...wineOrder.items[0].product, bottleSizeMl: undefined } }],
  });
  const r = await call("POST", "/v1/geisenheim/orders", bad);
  assert.equal(r.status, 422, r.text);
  assert.ok(
    r.json.issues.some((i) => i.path.startsWith("items[0].product") && i.severity === "error"),
    r.text,
  );
  assert.equal(geisenheim.requests.length, before);
});

test("options never carry a base URL or credentials", async () => {
  const before = geisenheim.requests.length + westarp.requests.length;
  const r = await call("POST", "/v1/geisenheim/orders", {
    order: order({ invoiceId: 3459991 }),
    options: { baseUrl: "http://127.0.0.1:1", strict: true },
  });
  assert.equal(r.status, 422);
  assert.deepEqual(
    r.json.issues.map((i) => [i.path, i.code]),
    [["options.baseUrl", "option_not_allowed"]],
  );
  const w = await call("POST", "/v1/westarp/orders", { order: bookOrder, options: { token: "x" } });
  assert.equal(w.status, 422);
  assert.equal(w.json.issues[0].path, "options.token");
  assert.equal(geisenheim.requests.length + westarp.requests.length, before);
});

let rejectedId;
test("Geisenheim's 400 reasons come back on their paths; the delivery is rejected, then retried with a corrected order", async () => {
  geisenheim.respondNext({
    status: 400,
    body: { message: "The given data was invalid.", errors: { "items.0.size": ["The size 750 is not allowed for this product."] } },
  });
  const r = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 3459873 }));
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.status, "rejected");
  assert.equal(r.json.upstreamStatus, 400);
  const reason = r.json.issues.find((i) => i.path === "items[0].size");
  assert.ok(reason && reason.message.includes("not allowed"), r.text);
  rejectedId = r.json.id;

  const list = await call("GET", "/v1/deliveries?status=rejected&target=geisenheim");
  assert.equal(list.status, 200);
  assert.ok(list.json.deliveries.some((d) => d.id === rejectedId));
  const retried = await call("POST", `/v1/deliveries/${rejectedId}/retry`, { order: order({ invoiceId: 3459873, notes: "corrected" }) });
  assert.equal(retried.status, 200, retried.text);
  assert.equal(retried.json.status, "accepted");
  assert.equal(retried.json.attempts, 2);
  const one = await call("GET", `/v1/deliveries/${rejectedId}`);
  assert.deepEqual(
    one.json.attemptLog.map((a) => [a.n, a.outcome, a.upstreamStatus]),
    [
      [1, "rejected", 400],
      [2, "accepted", 200],
    ],
  );
  const notAgain = await call("POST", `/v1/deliveries/${rejectedId}/retry`, {});
  assert.equal(notAgain.status, 409);
  assert.equal(notAgain.json.issues[0].code, "not_retryable");
  const notEvenBroken = await call("POST", `/v1/deliveries/${rejectedId}/retry`, { order: {} });
  assert.equal(notEvenBroken.status, 409, "an accepted delivery is not re-validated either");
});

test("Geisenheim refuses the worker's credentials (401): auth_failed (502); sent again once they match", async () => {
  geisenheim.credentials.password = "regenerated-in-the-backend";
  const r = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 3459874 }));
  assert.equal(r.status, 502, r.text);
  assert.equal(r.json.status, "auth_failed");
  assert.equal(r.json.upstreamStatus, 401);
  assert.deepEqual(
    r.json.issues.filter((i) => i.severity === "error").map((i) => [i.path, i.code]),
    [["config.username", "auth_failed"]],
  );
  geisenheim.credentials.password = secrets.GEISENHEIM_PASSWORD;
  const again = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 3459874 }));
  assert.equal(again.status, 200, again.text);
  assert.deepEqual([again.json.id, again.json.status, again.json.attempts], [r.json.id, "accepted", 2]);
});

test("Geisenheim cancel: DELETE upstream with Basic auth", async () => {
  const r = await call("DELETE", "/v1/geisenheim/orders/3459872");
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.key, "cancel:3459872");
  const sent = geisenheim.requests.at(-1);
  assert.equal(sent.method, "DELETE");
  assert.equal(sent.url, "/erp/orders/3459872");
  assert.equal(sent.headers.authorization, `Basic ${b64(`${secrets.GEISENHEIM_USERNAME}:${secrets.GEISENHEIM_PASSWORD}`)}`);
  assert.equal(sent.body, "");
});

test("kivitendo: customer look-up, creation, order look-up and creation, each request exact; resent from the ledger", async () => {
  const r = await call("POST", "/v1/kivitendo/orders", wineOrder);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, "accepted");
  assert.equal(r.json.key, "10023");
  assert.equal(r.json.upstreamId, "101");
  const auth = `Basic ${b64(`${secrets.KIVITENDO_USERNAME}:${secrets.KIVITENDO_PASSWORD}`)}`;
  const config = {
    ...KIVITENDO_OPTIONS,
    baseUrl: kivitendo.url,
    username: secrets.KIVITENDO_USERNAME,
    password: secrets.KIVITENDO_PASSWORD,
  };
  const customerXml = kontorRequest("kivitendo", "createCustomer", wineOrder, config).request.body;
  const orderXml = kontorRequest("kivitendo", "createOrder", wineOrder, { ...config, customerId: 100 }).request.body;
  assert.deepEqual(
    kivitendo.requests.map((q) => [q.method, q.url, q.headers.authorization, q.headers["content-type"] ?? null, q.body]),
    [
      ["GET", "/api/v1/customers?email=piet%40example.com", auth, null, ""],
      ["POST", "/api/v1/customers", auth, "application/xml; charset=utf-8", customerXml],
      ["GET", "/api/v1/orders?order_number=10023", auth, null, ""],
      ["POST", "/api/v1/orders", auth, "application/xml; charset=utf-8", orderXml],
    ],
  );
  assert.match(orderXml, /<customer-id[^>]*>100</);
  assert.equal(r.json.payload, orderXml);
  const again = await call("POST", "/v1/kivitendo/orders", wineOrder);
  assert.equal(again.json.duplicate, true);
  assert.equal(kivitendo.requests.length, 4);
});

test("kivitendo's 401 is auth_failed (502), Rails' 422 reason comes back", async () => {
  kivitendo.respondNext({ status: 401, type: "text/plain", body: "HTTP Basic: Access denied.\n" });
  const r = await call("POST", "/v1/kivitendo/orders", order({ number: "10024" }));
  assert.equal(r.status, 502, r.text);
  assert.equal(r.json.status, "auth_failed");
  assert.equal(r.json.issues.find((i) => i.severity === "error").code, "auth_failed");
  const before = kivitendo.requests.length;
  kivitendo.respondNext({ status: 200, type: "application/xml", body: '<customers type="array"></customers>' });
  kivitendo.respondNext({
    status: 422,
    type: "application/xml",
    body: "<hash><status>422</status><error>name can't be blank</error></hash>",
  });
  const rej = await call("POST", "/v1/kivitendo/orders", order({ number: "10025" }));
  assert.equal(rej.status, 422, rej.text);
  assert.ok(
    rej.json.issues.some((i) => i.message.includes("name can't be blank")),
    rej.text,
  );
  assert.equal(kivitendo.requests.length, before + 2);
});

test("a rejected kivitendo delivery sent again finds the customer it created: nothing is created twice", async () => {
  const before = kivitendo.requests.length;
  kivitendo.respondNext(
    { status: 422, type: "application/xml", body: "<hash><status>422</status><error>product-id 5 is obsolete</error></hash>" },
    (q) => q.method === "POST" && q.url === "/api/v1/orders",
  );
  const o = order({ number: "10026", customer: { ...wineOrder.customer, email: "anna@example.com" } });
  const r = await call("POST", "/v1/kivitendo/orders", o);
  assert.equal(r.status, 422, r.text);
  const retried = await call("POST", `/v1/deliveries/${r.json.id}/retry`);
  assert.equal(retried.status, 200, retried.text);
  assert.equal(retried.json.attempts, 2);
  assert.deepEqual(
    kivitendo.requests.slice(before).map((q) => `${q.method} ${q.url.split("?")[0]}`),
    [
      "GET /api/v1/customers",
      "POST /api/v1/customers",
      "GET /api/v1/orders",
      "POST /api/v1/orders",
      "GET /api/v1/customers",
      "GET /api/v1/orders",
      "POST /api/v1/orders",
    ],
  );
});

test("two identical orders at once go upstream once", async () => {
  const before = geisenheim.requests.length;
  const o = order({ invoiceId: 3459890 });
  const [a, b] = await Promise.all([call("POST", "/v1/geisenheim/orders", o), call("POST", "/v1/geisenheim/orders", o)]);
  assert.equal(a.json.id, b.json.id);
  const [first, second] = a.json.duplicate ? [b, a] : [a, b];
  assert.deepEqual([first.status, first.json.status, first.json.duplicate], [200, "accepted", undefined]);
  // The second is answered from the ledger: in flight (202 queued) or already accepted (200).
  assert.equal(second.json.duplicate, true);
  assert.ok([200, 202].includes(second.status), String(second.status));
  assert.equal(geisenheim.requests.length, before + 1);
});

test("Westarp: the exact upstream request; 422 field errors on their paths; 401 auth_failed with nothing secret passed back", async () => {
  const r = await call("POST", "/v1/westarp/orders", { order: bookOrder, options: { type: "email" } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.upstreamId, "76.2944");
  const [sent] = westarp.requests;
  assert.equal(sent.method, "POST");
  assert.equal(sent.url, "/v2/orders");
  assert.equal(sent.headers.authorization, `Bearer ${secrets.WESTARP_TOKEN}`);
  assert.match(sent.headers["content-type"], /^application\/json/);
  const built = kontorRequest("westarp", "createOrder", bookOrder, {
    baseUrl: `${westarp.url}/v2`,
    token: secrets.WESTARP_TOKEN,
    type: "email",
  });
  assert.equal(sent.body, built.request.body);
  assert.equal(JSON.parse(sent.body).code, "545515 8884 AAZ");

  westarp.respondNext({
    status: 422,
    body: { message: "The items.0.isbn field is invalid.", errors: { "items.0.isbn": ["The items.0.isbn field is invalid."] } },
  });
  const rej = await call("POST", "/v1/westarp/orders", { order: { ...bookOrder, number: "B-2" }, options: { type: "email" } });
  assert.equal(rej.status, 422, rej.text);
  assert.ok(
    rej.json.issues.some((i) => i.path === "items[0].isbn" && i.code === "upstream_validation"),
    rej.text,
  );

  // An upstream that echoes the token and VLB credentials: nothing of it reaches the caller.
  westarp.respondNext({
    status: 401,
    body: {
      message: `Unauthenticated: token ${secrets.WESTARP_TOKEN} refused`,
      publisher: { id: 51, vlb_pass: "624de7eb38", vlb_token: "174ccbd8-ba9e" },
    },
  });
  const auth = await call("POST", "/v1/westarp/orders", { order: { ...bookOrder, number: "B-3" }, options: { type: "email" } });
  assert.equal(auth.status, 502, auth.text);
  assert.equal(auth.json.status, "auth_failed");
  assert.ok(!auth.text.includes("624de7eb38") && !auth.text.includes(secrets.WESTARP_TOKEN), auth.text);
});

test("an Idempotency-Key header is the key; the same header again is answered from the ledger", async () => {
  const before = westarp.requests.length;
  const headers = { "Idempotency-Key": "shop-7f1c2a" };
  const o = { order: { ...bookOrder, number: "B-10" }, options: { type: "email" } };
  const r = await call("POST", "/v1/westarp/orders", o, { headers });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.key, "shop-7f1c2a");
  const again = await call("POST", "/v1/westarp/orders", { ...o, order: { ...o.order, number: "B-11" } }, { headers });
  assert.equal(again.json.duplicate, true);
  assert.equal(westarp.requests.length, before + 1);
  const bad = await call("POST", "/v1/westarp/orders", o, { headers: { "Idempotency-Key": "has space" } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.issues[0].path, "Idempotency-Key");
});

test("unknown routes, targets and list filters name the fix", async () => {
  const t = await call("POST", "/v1/amazon/orders", wineOrder);
  assert.equal(t.status, 404);
  assert.match(t.json.issues[0].message, /geisenheim, kivitendo, westarp/);
  const l = await call("GET", "/v1/deliveries?limit=0&status=done");
  assert.equal(l.status, 422);
  assert.deepEqual(
    l.json.issues.map((i) => i.path),
    ["status", "limit"],
  );
  const m = await call("GET", "/v1/geisenheim/orders");
  assert.equal(m.status, 405);
  assert.equal(m.headers.get("allow"), "POST");
  const sync = await call("POST", "/v1/sync", {});
  assert.equal(sync.status, 500);
  assert.equal(sync.json.error, "worker_misconfigured");
  assert.equal(sync.json.issues[0].path, "env.SYNC_SOURCE");
});

test("POST /v1/orders fans out: one delivery per target", async () => {
  const o = order({ number: "20001", invoiceId: 3459880 });
  const r = await call("POST", "/v1/orders", { order: o, targets: ["geisenheim", "kivitendo"] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(
    r.json.deliveries.map((d) => [d.target, d.status, d.key, d.httpStatus]),
    [
      ["geisenheim", "accepted", "3459880", 200],
      ["kivitendo", "accepted", "20001", 200],
    ],
  );
  const bad = await call("POST", "/v1/orders", { order: o, targets: ["geisenheim", "amazon"] });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.issues[0].path, "targets");
});

test("an upstream that is down leaves the delivery queued (202) with its next attempt", async () => {
  geisenheim.respondNext({ status: 503, body: { message: "maintenance" } });
  const r = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 3459881 }));
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.status, "queued");
  assert.ok(Date.parse(r.json.nextAttemptAt) > Date.now() + 20_000, r.json.nextAttemptAt);
  const again = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 3459881 }));
  assert.equal(again.status, 202);
  assert.equal(again.json.duplicate, true);
});

test("Geisenheim not answering within UPSTREAM_TIMEOUT_SECONDS: uncertain (it may have arrived and cannot be asked), never sent again by itself", async () => {
  geisenheim.respondNext({ hang: true });
  const started = Date.now();
  const o = order({ invoiceId: 3459882 });
  const r = await call("POST", "/v1/geisenheim/orders", o);
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.status, "uncertain");
  assert.equal(r.json.upstreamStatus, 0);
  assert.ok(Date.now() - started < 4000, `${Date.now() - started} ms`);
  assert.ok(
    r.json.issues.some((i) => i.code === "uncertain" && /did not answer within 1 s/.test(i.message)),
    r.text,
  );
  const posts = () => geisenheim.requests.filter((q) => q.method === "POST" && JSON.parse(q.body).id === 3459882).length;
  // The same order again is answered from the ledger: only the operator decides.
  const again = await call("POST", "/v1/geisenheim/orders", o);
  assert.equal(again.status, 202);
  assert.deepEqual([again.json.status, again.json.duplicate], ["uncertain", true]);
  assert.equal(posts(), 1);
  const listed = await call("GET", "/v1/deliveries?status=uncertain");
  assert.ok(listed.json.deliveries.some((d) => d.id === r.json.id));
  // The operator checked the portal: absent, so sent again, once.
  const retried = await call("POST", `/v1/deliveries/${r.json.id}/retry`);
  assert.equal(retried.status, 200, retried.text);
  assert.equal(retried.json.status, "accepted");
  assert.equal(posts(), 2);
  assert.equal((await call("POST", `/v1/deliveries/${r.json.id}/confirm`)).status, 409, "only an uncertain one is confirmed");
});

test("preview: the payload (or kivitendo's XML) and issues, no upstream call", async () => {
  const before = geisenheim.requests.length + kivitendo.requests.length;
  const g = await call("POST", "/v1/geisenheim/preview", wineOrder);
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json.payload, toGeisenheim(wineOrder, { recipientSalt: secrets.GEISENHEIM_RECIPIENT_SALT }).payload);
  const k = await call("POST", "/v1/kivitendo-customer/preview", wineOrder);
  assert.match(k.json.xml, /^<customer>/);
  const ko = await call("POST", "/v1/kivitendo-order/preview", { order: wineOrder, options: { customerId: 7 } });
  assert.match(ko.json.xml, /<customer-id[^>]*>7</);
  assert.equal(geisenheim.requests.length + kivitendo.requests.length, before);
});

/** X-Kontor-Signature over the contract's base string: "<t>.<METHOD>.<path with query>.[<Idempotency-Key>.]<raw body>". */
const sign = (t, method, path, body, { key = null, secret = secrets.KONTOR_HMAC_SECRET } = {}) =>
  `t=${t},v1=${createHmac("sha256", secret)
    .update(`${t}.${method}.${path}.${key === null ? "" : `${key}.`}`)
    .update(Buffer.from(body))
    .digest("hex")}`;

test("HMAC signatures: bound to the method, path, query, Idempotency-Key and body, used once, within 300 s", async () => {
  const body = JSON.stringify(wineOrder);
  const now = Math.floor(Date.now() / 1000);
  const json = { "Content-Type": "application/json" };
  const signed = (method, path, raw, signature, headers = {}) =>
    call(method, path, undefined, {
      auth: null,
      raw,
      headers: { ...(raw === undefined ? {} : json), "X-Kontor-Signature": signature, ...headers },
    });
  const preview = sign(now, "POST", "/v1/geisenheim/preview", body);
  const ok = await signed("POST", "/v1/geisenheim/preview", body, preview);
  assert.equal(ok.status, 200, ok.text);
  // Used once: the same signature again is a replay.
  const replay = await signed("POST", "/v1/geisenheim/preview", body, preview);
  assert.equal(replay.status, 401);
  assert.match(replay.json.issues[0].message, /used before/);
  // A preview's signature creates no order, on any route.
  for (const path of ["/v1/geisenheim/orders", "/v1/westarp/orders"]) {
    const moved = await signed("POST", path, body, sign(now, "POST", "/v1/geisenheim/preview", body));
    assert.equal(moved.status, 401, `${path}: ${moved.text}`);
  }
  // A GET's signature (empty body) is not a DELETE's; nor is the query free to change.
  const del = await signed("DELETE", "/v1/geisenheim/orders/3459872", undefined, sign(now, "GET", "/v1/geisenheim/orders/3459872", ""));
  assert.equal(del.status, 401);
  const query = await signed("GET", "/v1/deliveries?limit=2", undefined, sign(now, "GET", "/v1/deliveries?limit=1", ""));
  assert.equal(query.status, 401);
  const getSigned = await signed("GET", "/v1/deliveries?limit=1", undefined, sign(now, "GET", "/v1/deliveries?limit=1", ""));
  assert.equal(getSigned.status, 200, getSigned.text);
  // The Idempotency-Key is covered when sent: another key with the same signature is refused.
  const withKey = sign(now, "POST", "/v1/geisenheim/preview", body, { key: "k-1" });
  assert.equal((await signed("POST", "/v1/geisenheim/preview", body, withKey, { "Idempotency-Key": "k-2" })).status, 401);
  assert.equal((await signed("POST", "/v1/geisenheim/preview", body, withKey, { "Idempotency-Key": "k-1" })).status, 200);
  const stale = await signed("POST", "/v1/geisenheim/preview", body, sign(now - 301, "POST", "/v1/geisenheim/preview", body));
  assert.equal(stale.status, 401);
  assert.match(stale.json.issues[0].message, /more than 300 s/);
  const tampered = await signed(
    "POST",
    "/v1/geisenheim/preview",
    body.replace("10023", "10024"),
    sign(now, "POST", "/v1/geisenheim/preview", body),
  );
  assert.equal(tampered.status, 401);
  const wrongKey = await signed("GET", "/v1/deliveries", undefined, sign(now, "GET", "/v1/deliveries", "", { secret: "other" }));
  assert.equal(wrongKey.status, 401);
  // The old base string ("<t>.<body>") is refused.
  const old = `t=${now},v1=${createHmac("sha256", secrets.KONTOR_HMAC_SECRET).update(`${now}.${body}`).digest("hex")}`;
  assert.equal((await signed("POST", "/v1/geisenheim/preview", body, old)).status, 401);
});

test("CORS: an allowed origin gets its preflight and headers, a foreign one 403", async () => {
  const pre = await call("OPTIONS", "/v1/geisenheim/orders", undefined, {
    auth: null,
    headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST" },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), ORIGIN);
  assert.match(pre.headers.get("access-control-allow-headers"), /Authorization/);
  const get = await call("GET", "/v1/deliveries?limit=1", undefined, { headers: { Origin: ORIGIN } });
  assert.equal(get.status, 200);
  assert.equal(get.headers.get("access-control-allow-origin"), ORIGIN);
  const foreign = await call("GET", "/v1/deliveries", undefined, { headers: { Origin: "https://admin.example.com.evil.test" } });
  assert.equal(foreign.status, 403);
  assert.equal(foreign.headers.get("access-control-allow-origin"), null);
  const foreignPre = await call("OPTIONS", "/v1/orders", undefined, { auth: null, headers: { Origin: "https://evil.test" } });
  assert.equal(foreignPre.status, 403);
  // The worker's own origin (a page it serves) is not cross-origin: no CORS headers needed.
  const own = await call("POST", "/v1/geisenheim/preview", wineOrder, { headers: { Origin: worker.url } });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.headers.get("access-control-allow-origin"), null);
});

test("413 past MAX_BODY_BYTES (also without Content-Length), 415 for a body that is not JSON", async () => {
  const big = JSON.stringify({ ...wineOrder, notes: "x".repeat(70_000) });
  const r = await call("POST", "/v1/geisenheim/preview", undefined, { raw: big, headers: { "Content-Type": "application/json" } });
  assert.equal(r.status, 413);
  const t = await call("POST", "/v1/geisenheim/preview", undefined, {
    raw: "number=1",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  assert.equal(t.status, 415);
  assert.equal(t.json.issues[0].path, "Content-Type");
  // Last (wrangler dev's proxy drops the connection of a body left unread): a streamed body has no Content-Length: the worker stops reading past the limit.
  const logged = worker.output().length;
  const stream = new ReadableStream({
    start(c) {
      for (let i = 0; i < 9; i++) c.enqueue(new TextEncoder().encode("x".repeat(8192)));
      c.close();
    },
  });
  try {
    const s = await fetch(`${worker.url}/v1/geisenheim/preview`, {
      method: "POST",
      body: stream,
      duplex: "half",
      headers: { Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}`, "Content-Type": "application/json" },
    });
    assert.equal(s.status, 413);
    answers.push(await s.text());
  } catch (e) {
    // The proxy may close the connection before the client has sent the rest: then the
    // worker's own log line shows the refusal.
    if (!(e instanceof TypeError)) throw e;
    await new Promise((r) => setTimeout(r, 200));
    assert.match(worker.output().slice(logged), /"route":"\/v1\/\{target\}\/preview","status":413/);
  }
});

test("no configured secret in any answer, the D1 ledger or the worker's output", async () => {
  const ledger = storedState(worker.persist);
  assert.ok(ledger.includes("3459872"), "the ledger file was found");
  const basic = basicValues(
    [secrets.GEISENHEIM_USERNAME, secrets.GEISENHEIM_PASSWORD],
    [secrets.KIVITENDO_USERNAME, secrets.KIVITENDO_PASSWORD],
  );
  const haystacks = { answers: answers.join("\n"), ledger, output: worker.output() };
  assert.match(
    haystacks.output,
    /\{"method":"POST","route":"\/v1\/\{target\}\/orders","status":502,"ms":\d+\}/,
    "the worker's log lines were captured",
  );
  assert.ok(answers.length > 30, `${answers.length} answers scanned`);
  assertNoSecrets(haystacks, [...Object.values(secrets), ...basic, "624de7eb38"]);
});
