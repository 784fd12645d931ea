// The worker's HTTP API against its OpenAPI 3.1 document (worker/openapi.json), in real
// workerd: the document is served at /openapi.json and is structurally sound (every $ref
// resolves, every schema compiles as JSON Schema 2020-12, every operation has answers, every
// path parameter is declared); then every route is driven through its main answers (200, 202,
// 204, 4xx, 5xx) against stand-ins of the targets and of kvik.shop, and each answer's status,
// required headers and body are checked against the document: an undocumented status or a
// body that does not validate fails. A second worker without configuration gives the 500s.
// With KONTOR_OPENAPI_ANSWERS=<file> (answers recorded by the other worker tests with
// KONTOR_OPENAPI_RECORD=<file>, harness.mjs) those are checked too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { startWorker, openapiChecker, openapiDocument, wooWebhookHeaders } from "./harness.mjs";
import { startGeisenheim } from "../../tests/standins/geisenheim.mjs";
import { startKivitendo } from "../../tests/standins/kivitendo.mjs";
import { startWestarp } from "../../tests/standins/westarp.mjs";
import { startKvik } from "../../tests/standins/kvik.mjs";

const fixture = (p) => readFileSync(new URL(`../../tests/fixtures/${p}`, import.meta.url), "utf8");
const wineOrder = JSON.parse(fixture("geisenheim_seed_example.order.json"));
const bookOrder = JSON.parse(fixture("westarp/order_seed_example.order.json"));
const wooOrder = JSON.parse(fixture("shops/woocommerce_order.json"));
wooOrder.line_items[0].sku = "WOO-WOOL-01";
const SHOP_ID = "dgrH7nLU6tlE";
const APP_NAME = "KontorOrders";
const shopwareBody = (eventId, timestamp = Math.floor(Date.now() / 1000)) =>
  JSON.stringify({
    data: { payload: { order: JSON.parse(fixture("shops/shopware6_order.json")).data }, event: "checkout.order.placed" },
    source: { url: "https://shop.example.com", appVersion: "1.0.0", shopId: SHOP_ID, eventId },
    timestamp,
  });
// Shopify's sample as published is the order after its cancel (`cancelled_at`, `voided`); the
// same order as placed has neither (edited in the raw text: its ids exceed 2^53).
const shopifyCancelled = fixture("shops/shopify_orders_create.json");
const shopifyBody = shopifyCancelled
  .replace('"cancel_reason": "customer"', '"cancel_reason": null')
  .replace('"cancelled_at": "2021-12-31T19:00:00-05:00"', '"cancelled_at": null')
  .replace('"financial_status": "voided"', '"financial_status": "paid"');
const secrets = {
  GEISENHEIM_USERNAME: "api@test.de",
  GEISENHEIM_PASSWORD: "geisenheim-pw-5531",
  GEISENHEIM_RECIPIENT_SALT: "salt-7f3c9e1d2b",
  KIVITENDO_USERNAME: "kivi-api",
  KIVITENDO_PASSWORD: "kivi-pw-8842",
  WESTARP_TOKEN: "westarp-token-2c7a91",
  KVIK_TOKEN: "kvik-token-77e1",
  KONTOR_API_TOKEN: "caller-token-94af0e",
  KONTOR_HMAC_SECRET: "hmac-secret-61d0b3",
  WOOCOMMERCE_WEBHOOK_SECRET: "wc-secret-7d1e40",
  SHOPWARE_APP_SECRET: "sw-app-secret-22b9f1",
  SHOPIFY_WEBHOOK_SECRET: "shpss-client-secret-5c83aa",
};
const KIVITENDO_OPTIONS = { taxzoneId: 4, currencyId: 1, productIds: { "127/4": 5 }, shippingProductId: 99 };
const ORIGIN = "https://admin.example.com";
let geisenheim, kivitendo, westarp, kvik, worker, bare, checker;
const doc = openapiDocument();
const problems = [];
const covered = new Set();

before(async () => {
  checker = await openapiChecker(doc);
  [geisenheim, kivitendo, westarp, kvik] = await Promise.all([
    startGeisenheim({ username: secrets.GEISENHEIM_USERNAME, password: secrets.GEISENHEIM_PASSWORD }),
    startKivitendo({ username: secrets.KIVITENDO_USERNAME, password: secrets.KIVITENDO_PASSWORD }),
    startWestarp({ token: secrets.WESTARP_TOKEN }),
    startKvik({ token: secrets.KVIK_TOKEN, orders: [{ ...structuredClone(bookOrder), id: 1001, number: "KV-1001" }] }),
  ]);
  // Each one started, even when the other fails to, so that `after` stops every one that runs.
  const started = await Promise.allSettled([
    startWorker({
      secrets,
      vars: {
        GEISENHEIM_BASE_URL: geisenheim.url,
        KIVITENDO_BASE_URL: kivitendo.url,
        WESTARP_BASE_URL: `${westarp.url}/v2`,
        KIVITENDO_OPTIONS: JSON.stringify(KIVITENDO_OPTIONS),
        WESTARP_OPTIONS: JSON.stringify({ type: "email" }),
        ALLOWED_ORIGINS: ORIGIN,
        MAX_BODY_BYTES: "65536",
        UPSTREAM_TIMEOUT_SECONDS: "1",
        RETRY_BASE_SECONDS: "1",
        MAX_ATTEMPTS: "2",
        SYNC_SOURCE: "kvik",
        SYNC_TARGETS: "westarp",
        KVIK_BASE_URL: kvik.url,
        KVIK_ALLOW_INSECURE: "true",
        WEBHOOK_TARGETS: "kivitendo",
        WOOCOMMERCE_SHOPS: "https://shop.example.com/",
        SHOPIFY_SHOPS: "example.myshopify.com",
        SHOPWARE_APP_NAME: APP_NAME,
      },
    }),
    // Nothing configured but the caller token: the worker's configuration answers (500).
    startWorker({ secrets: { KONTOR_API_TOKEN: secrets.KONTOR_API_TOKEN } }),
  ]);
  [worker, bare] = started.map((s) => (s.status === "fulfilled" ? s.value : undefined));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
});

after(async () => {
  await Promise.all([worker?.stop(), bare?.stop()]);
  await Promise.all([geisenheim?.close(), kivitendo?.close(), westarp?.close(), kvik?.close()]);
});

/** The template of the document's path `path` matches (for the coverage). */
function templateOf(path) {
  const p = new URL(path, "http://x").pathname.replace(/\/+$/, "");
  if (doc.paths[p]) return p;
  return (
    Object.keys(doc.paths).find((t) => new RegExp(`^${t.replace(/\./g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`).test(p)) ?? "(no path)"
  );
}

/** One request to `on` (default: the configured worker); its answer is checked against the
 * document at once. `auth`: the caller's bearer token unless null; `body`: JSON unless `raw`. */
async function call(method, path, body, { auth = `Bearer ${secrets.KONTOR_API_TOKEN}`, headers = {}, raw, on = worker } = {}) {
  const h = { ...headers };
  if (auth) h.Authorization = auth;
  if (body !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === "content-type")) h["Content-Type"] = "application/json";
  const res = await fetch(on.url + path, { method, headers: h, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await res.text();
  const answer = {
    method,
    path,
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    text,
    headers: { allow: res.headers.get("allow") ?? undefined, "www-authenticate": res.headers.get("www-authenticate") ?? undefined },
  };
  const wrong = checker.check(answer);
  problems.push(...wrong);
  assert.deepEqual(wrong, [], wrong.join("\n"));
  covered.add(`${method} ${templateOf(path)} ${res.status}`);
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* checked above */
  }
  return { status: res.status, headers: res.headers, text, json: parsed };
}

const order = (over) => ({ ...structuredClone(wineOrder), ...over });
const hmacHex = (key, text) => createHmac("sha256", key).update(text).digest("hex");
/** X-Kontor-Signature over "<t>.<METHOD>.<path with query>.[<Idempotency-Key>.]<raw body>". */
const sign = (t, method, path, body, key = null) =>
  `t=${t},v1=${createHmac("sha256", secrets.KONTOR_HMAC_SECRET)
    .update(`${t}.${method}.${path}.${key === null ? "" : `${key}.`}`)
    .update(Buffer.from(body))
    .digest("hex")}`;
const posts = (id) => geisenheim.requests.filter((q) => q.method === "POST" && JSON.parse(q.body || "{}").id === id);
const forInvoice = (id) => (q) => q.method === "POST" && JSON.parse(q.body || "{}").id === id;
async function until(id, done, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const d = (await call("GET", `/v1/deliveries/${id}`)).json;
    if (done(d)) return d;
    assert.ok(Date.now() < deadline, JSON.stringify(d));
    await new Promise((r) => setTimeout(r, 250));
  }
}

test("the document is OpenAPI 3.1 and sound: $refs resolve, schemas compile, operations have answers, path parameters are declared", () => {
  assert.equal(doc.openapi, "3.1.0");
  assert.ok(doc.info?.title && doc.info?.version);
  // Every $ref resolves within the document.
  const refs = [];
  const walk = (v, at) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        if (k === "$ref") refs.push([x, at]);
        else walk(x, `${at}/${k}`);
      }
  };
  walk(doc, "#");
  assert.ok(refs.length > 50, `${refs.length} $refs`);
  for (const [r, at] of refs) {
    assert.match(r, /^#\//, `${at}: ${r} is not a local reference`);
    const target = r
      .slice(2)
      .split("/")
      .reduce((a, k) => a?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
    assert.ok(target !== undefined, `${at}: ${r} does not resolve`);
  }
  // Every schema compiles (Ajv strict, JSON Schema 2020-12).
  for (const name of Object.keys(doc.components.schemas)) checker.ajv.getSchema(`kontor-openapi#/$defs/${name}`);
  const ops = new Set();
  const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
  const schemes = Object.keys(doc.components.securitySchemes);
  for (const s of doc.security) for (const k of Object.keys(s)) assert.ok(schemes.includes(k), k);
  for (const [path, item] of Object.entries(doc.paths)) {
    assert.match(path, /^\//);
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const operations = methods.filter((m) => item[m]);
    assert.ok(operations.length > 0, `${path} has no operation`);
    for (const m of operations) {
      const op = item[m];
      assert.ok(op.operationId && !ops.has(op.operationId), `${m} ${path}: operationId missing or repeated`);
      ops.add(op.operationId);
      assert.ok(Object.keys(op.responses ?? {}).length > 0, `${m} ${path} has no responses`);
      for (const [status, r] of Object.entries(op.responses)) {
        assert.match(status, /^[1-5]\d\d$/, `${m} ${path}: ${status}`);
        assert.ok(checker.resolve(r).description, `${m} ${path} ${status} has no description`);
      }
      const declared = [...(item.parameters ?? []), ...(op.parameters ?? [])]
        .map(checker.resolve)
        .filter((p) => p.in === "path")
        .map((p) => p.name);
      assert.deepEqual([...declared].sort(), [...names].sort(), `${m} ${path}: path parameters`);
      for (const s of op.security ?? []) for (const k of Object.keys(s)) assert.ok(schemes.includes(k), `${m} ${path}: ${k}`);
    }
  }
  const sig = doc.components.securitySchemes.kontorSignature;
  assert.equal(sig.name, "X-Kontor-Signature");
  for (const part of [
    "<t>.<METHOD>.<path with query>.<raw body>",
    "<t>.<METHOD>.<path with query>.<Idempotency-Key>.<raw body>",
    "300 s",
    "single-use",
  ])
    assert.ok(sig.description.includes(part), part);
});

test("GET /openapi.json serves the document without authentication; /healthz; OPTIONS and origins", async () => {
  const r = await call("GET", "/openapi.json", undefined, { auth: null });
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type"), /^application\/json/);
  assert.deepEqual(r.json, doc);
  assert.equal((await call("GET", "/healthz", undefined, { auth: null })).status, 200);
  assert.equal((await call("OPTIONS", "/v1/orders", undefined, { auth: null })).status, 204);
  const pre = await call("OPTIONS", "/v1/geisenheim/orders", undefined, {
    auth: null,
    headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST" },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), ORIGIN);
  assert.equal((await call("GET", "/v1/deliveries?limit=1", undefined, { headers: { Origin: ORIGIN } })).status, 200);
  assert.equal((await call("GET", "/v1/deliveries", undefined, { headers: { Origin: "https://evil.test" } })).status, 403);
  assert.equal((await call("GET", "/openapi.json", undefined, { auth: null, headers: { Origin: "https://evil.test" } })).status, 403);
});

test("authentication: 401 without, with a wrong token, a stale, replayed or wrong signature; a signed request passes", async () => {
  assert.equal((await call("POST", "/v1/geisenheim/orders", wineOrder, { auth: null })).status, 401);
  assert.equal((await call("GET", "/v1/deliveries", undefined, { auth: "Bearer not-the-token" })).status, 401);
  assert.equal((await call("GET", "/v1/no-such-route", undefined, { auth: null })).status, 401);
  const body = JSON.stringify(wineOrder);
  const now = Math.floor(Date.now() / 1000);
  const signed = (path, signature, headers = {}) =>
    call("POST", path, undefined, {
      auth: null,
      raw: body,
      headers: { "Content-Type": "application/json", "X-Kontor-Signature": signature, ...headers },
    });
  const s = sign(now, "POST", "/v1/geisenheim/preview", body, "k-1");
  assert.equal((await signed("/v1/geisenheim/preview", s, { "Idempotency-Key": "k-1" })).status, 200);
  assert.equal((await signed("/v1/geisenheim/preview", s, { "Idempotency-Key": "k-1" })).status, 401, "replayed");
  assert.equal((await signed("/v1/geisenheim/preview", sign(now - 400, "POST", "/v1/geisenheim/preview", body))).status, 401, "stale");
  assert.equal((await signed("/v1/geisenheim/preview", "t=1,v1=00")).status, 401, "malformed");
  const get = sign(now, "GET", "/v1/deliveries?limit=2", "");
  assert.equal(
    (await call("GET", "/v1/deliveries?limit=2", undefined, { auth: null, headers: { "X-Kontor-Signature": get } })).status,
    200,
  );
});

test("bodies: 413, 415, 400 invalid_utf8 and malformed_json; an unknown route is 404", async () => {
  assert.equal(
    (
      await call("POST", "/v1/geisenheim/preview", undefined, {
        raw: JSON.stringify({ ...wineOrder, notes: "x".repeat(70_000) }),
        headers: { "Content-Type": "application/json" },
      })
    ).status,
    413,
  );
  assert.equal(
    (
      await call("POST", "/v1/geisenheim/preview", undefined, {
        raw: "number=1",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      })
    ).status,
    415,
  );
  assert.equal(
    (
      await call("POST", "/v1/geisenheim/preview", undefined, {
        raw: new Uint8Array([0x7b, 0xff, 0x7d]),
        headers: { "Content-Type": "application/json" },
      })
    ).status,
    400,
  );
  const bad = await call("POST", "/v1/geisenheim/orders", undefined, { raw: "{not json", headers: { "Content-Type": "application/json" } });
  assert.deepEqual([bad.status, bad.json.error], [400, "malformed_json"]);
  assert.equal((await call("GET", "/v1/no-such-route")).status, 404);
  assert.equal((await call("POST", "/v1/deliveries/not-an-id/retry", {})).status, 404);
});

test("preview: payload, XML, refusal (422), unknown target (404), another method (405); unconfigured (500)", async () => {
  assert.ok((await call("POST", "/v1/geisenheim/preview", wineOrder)).json.payload);
  assert.match((await call("POST", "/v1/kivitendo/preview", wineOrder)).json.xml, /^<customer>/);
  assert.match((await call("POST", "/v1/kivitendo-customer/preview", wineOrder)).json.xml, /^<customer>/);
  assert.match(
    (await call("POST", "/v1/kivitendo-order/preview", { order: wineOrder, options: { customerId: 7 } })).json.xml,
    /<customer-id/,
  );
  assert.equal((await call("POST", "/v1/westarp/preview", { order: bookOrder, options: { type: "email" } })).status, 200);
  const refused = await call("POST", "/v1/geisenheim/preview", order({ items: [] }));
  assert.deepEqual([refused.status, refused.json.ok], [422, false]);
  assert.equal((await call("POST", "/v1/amazon/preview", wineOrder)).status, 404);
  assert.equal((await call("GET", "/v1/geisenheim/preview")).status, 405);
  const unconfigured = await call("POST", "/v1/westarp/preview", bookOrder, { on: bare });
  assert.deepEqual([unconfigured.status, unconfigured.json.ok], [500, false]);
});

let acceptedId;
test("orders: accepted (200), from the ledger, refused (422), rejected upstream (422), auth_failed (502), unknown target, 405; unconfigured (500)", async () => {
  const r = await call("POST", "/v1/geisenheim/orders", { order: wineOrder });
  assert.deepEqual([r.status, r.json.status], [200, "accepted"]);
  acceptedId = r.json.id;
  const again = await call("POST", "/v1/geisenheim/orders", wineOrder);
  assert.deepEqual([again.status, again.json.duplicate], [200, true]);
  assert.equal((await call("POST", "/v1/kivitendo/orders", wineOrder)).status, 200);
  assert.equal((await call("POST", "/v1/westarp/orders", { order: bookOrder, options: { type: "email" } })).status, 200);
  const invalid = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 3459990, items: [] }));
  assert.deepEqual([invalid.status, invalid.json.error, invalid.json.id], [422, "invalid_request", undefined]);
  const option = await call("POST", "/v1/geisenheim/orders", {
    order: order({ invoiceId: 3459991 }),
    options: { baseUrl: "http://127.0.0.1:1" },
  });
  assert.equal(option.status, 422);
  const key = await call("POST", "/v1/westarp/orders", { order: bookOrder }, { headers: { "Idempotency-Key": "has space" } });
  assert.equal(key.status, 422);
  geisenheim.respondNext(
    { status: 400, body: { message: "The given data was invalid.", errors: { "items.0.size": ["The size 750 is not allowed."] } } },
    forInvoice(3459873),
  );
  const rejected = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 3459873 }));
  assert.deepEqual([rejected.status, rejected.json.status], [422, "rejected"]);
  geisenheim.respondNext({ status: 401, body: { message: "Unauthenticated." } }, forInvoice(3459874));
  const auth = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 3459874 }));
  assert.deepEqual([auth.status, auth.json.status], [502, "auth_failed"]);
  assert.equal((await call("POST", "/v1/amazon/orders", wineOrder)).status, 404);
  assert.equal((await call("GET", "/v1/geisenheim/orders")).status, 405);
  const unconfigured = await call("POST", "/v1/geisenheim/orders", wineOrder, { on: bare });
  assert.deepEqual([unconfigured.status, unconfigured.json.error], [500, "worker_misconfigured"]);

  // Retries: the rejected one corrected under its key (200), then under another key (a new
  // delivery), an accepted one (409), an unknown id (404), another method (405).
  geisenheim.respondNext({ status: 400, body: { message: "invalid", errors: { "items.0.size": ["no"] } } }, forInvoice(3459875));
  const rej2 = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 3459875 }));
  assert.equal(rej2.status, 422);
  const same = await call("POST", `/v1/deliveries/${rejected.json.id}/retry`, { order: order({ invoiceId: 3459873, notes: "corrected" }) });
  assert.deepEqual([same.status, same.json.attempts], [200, 2]);
  const moved = await call("POST", `/v1/deliveries/${rej2.json.id}/retry`, { order: order({ invoiceId: 3459876 }) });
  assert.deepEqual([moved.status, moved.json.newDelivery, moved.json.retriedFrom], [200, true, rej2.json.id]);
  const movedRefused = await call("POST", `/v1/deliveries/${rej2.json.id}/retry`, { order: order({ invoiceId: 3459877, items: [] }) });
  assert.equal(movedRefused.status, 422);
  const notAgain = await call("POST", `/v1/deliveries/${acceptedId}/retry`);
  assert.deepEqual([notAgain.status, notAgain.json.error], [409, "not_retryable"]);
  assert.equal((await call("POST", "/v1/deliveries/00000000-0000-4000-8000-000000000000/retry", {})).status, 404);
  assert.equal((await call("GET", `/v1/deliveries/${acceptedId}/retry`)).status, 405);
});

test("an upstream that is down: queued (202), dead after MAX_ATTEMPTS with its dead letter, retried: dead in the request (502)", async () => {
  for (let i = 0; i < 3; i++) geisenheim.respondNext({ status: 503, body: { message: "maintenance" } }, forInvoice(3459880));
  const r = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 3459880 }));
  assert.deepEqual([r.status, r.json.status], [202, "queued"]);
  const again = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 3459880 }));
  assert.equal(again.status, 202);
  const dead = await until(r.json.id, (d) => d.status === "dead" && d.deadLetters?.length > 0);
  assert.equal(dead.attemptLog.length, 2);
  const retried = await call("POST", `/v1/deliveries/${r.json.id}/retry`);
  assert.deepEqual([retried.status, retried.json.status], [502, "dead"]);
  assert.equal(posts(3459880).length, 3);
});

test("uncertain (202), confirmed (200), confirmed again (409); cancels: accepted, malformed id (400), 405; a create after its cancel", async () => {
  geisenheim.respondNext({ hang: true }, forInvoice(3459882));
  const r = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 3459882 }));
  assert.deepEqual([r.status, r.json.status], [202, "uncertain"]);
  assert.equal((await call("GET", `/v1/deliveries/${r.json.id}/confirm`)).status, 405);
  const ok = await call("POST", `/v1/deliveries/${r.json.id}/confirm`);
  assert.deepEqual([ok.status, ok.json.status], [200, "accepted"]);
  const twice = await call("POST", `/v1/deliveries/${r.json.id}/confirm`);
  assert.deepEqual([twice.status, twice.json.error], [409, "not_uncertain"]);
  assert.equal((await call("POST", "/v1/deliveries/00000000-0000-4000-8000-000000000000/confirm")).status, 404);

  const cancel = await call("DELETE", "/v1/geisenheim/orders/3459872");
  assert.deepEqual([cancel.status, cancel.json.status, cancel.json.key], [200, "accepted", "cancel:3459872"]);
  assert.equal((await call("DELETE", "/v1/geisenheim/orders/%E0%A4%A")).status, 400);
  assert.equal((await call("GET", "/v1/geisenheim/orders/3459872")).status, 405);
  // A cancel of an order whose create never came: Geisenheim does not have it (404: rejected).
  const unknown = await call("DELETE", "/v1/geisenheim/orders/3459884");
  assert.deepEqual([unknown.status, unknown.json.status], [422, "rejected"]);
  // A cancel queued (Geisenheim down) before its create came: the create is never sent (409).
  for (let i = 0; i < 3; i++)
    geisenheim.respondNext({ status: 503, body: { message: "maintenance" } }, (q) => q.method === "DELETE" && q.url.endsWith("/3459885"));
  const early = await call("DELETE", "/v1/geisenheim/orders/3459885");
  assert.deepEqual([early.status, early.json.status], [202, "queued"]);
  const create = await call("POST", "/v1/geisenheim/orders", order({ invoiceId: 3459885 }));
  assert.deepEqual([create.status, create.json.status], [409, "cancelled"]);
  assert.equal(posts(3459885).length, 0);
});

test("fan-out: all accepted (200), refused targets (422), one target refusing (422 with deliveries); unconfigured (500)", async () => {
  const r = await call("POST", "/v1/orders", {
    order: order({ number: "20001", invoiceId: 3459886 }),
    targets: ["geisenheim", "kivitendo"],
  });
  assert.deepEqual([r.status, r.json.deliveries.map((d) => d.httpStatus)], [200, [200, 200]]);
  assert.equal((await call("POST", "/v1/orders", { order: wineOrder, targets: ["geisenheim", "amazon"] })).status, 422);
  const mixed = await call("POST", "/v1/orders", {
    order: order({ number: "20002", invoiceId: 3459887 }),
    targets: ["geisenheim", "westarp"],
    options: { westarp: { baseUrl: "http://127.0.0.1:1" } },
  });
  assert.equal(mixed.status, 422);
  assert.deepEqual(
    mixed.json.deliveries.map((d) => d.httpStatus),
    [200, 422],
  );
  assert.equal((await call("GET", "/v1/orders")).status, 405);
  const unconfigured = await call("POST", "/v1/orders", { order: wineOrder, targets: ["geisenheim"] }, { on: bare });
  assert.equal(unconfigured.status, 500);
});

test("deliveries: list (200), bad filters (422), one with its attempt log (200), unknown (404), 405; options", async () => {
  const list = await call("GET", "/v1/deliveries?limit=200");
  assert.ok(list.json.deliveries.length > 10);
  for (const s of ["accepted", "rejected", "queued", "dead", "auth_failed", "uncertain", "cancelled"])
    await call("GET", `/v1/deliveries?status=${s}&target=geisenheim`);
  assert.equal((await call("GET", "/v1/deliveries?limit=0&status=done&target=amazon")).status, 422);
  // `since`: made at or after a time (the overview's windows); anything but a time is refused.
  const newest = list.json.deliveries[0].createdAt;
  const since = await call("GET", `/v1/deliveries?limit=200&since=${encodeURIComponent(newest)}`);
  assert.ok(since.json.deliveries.length >= 1 && since.json.deliveries.every((d) => d.createdAt >= newest), since.text);
  assert.ok(since.json.deliveries.length < list.json.deliveries.length);
  assert.deepEqual((await call("GET", "/v1/deliveries?since=2999-01-01T00:00:00Z")).json.deliveries, []);
  const bad = await call("GET", "/v1/deliveries?since=yesterday");
  assert.equal(bad.status, 422);
  assert.equal(bad.json.issues[0].path, "since");
  assert.equal((await call("POST", "/v1/deliveries", {})).status, 405);
  for (const d of list.json.deliveries) assert.equal((await call("GET", `/v1/deliveries/${d.id}`)).status, 200);
  assert.equal((await call("GET", "/v1/deliveries/00000000-0000-4000-8000-000000000000")).status, 404);
  assert.equal((await call("DELETE", `/v1/deliveries/${acceptedId}`)).status, 405);
  const options = await call("GET", "/v1/options");
  assert.deepEqual(options.json, { geisenheim: {}, kivitendo: KIVITENDO_OPTIONS, westarp: { type: "email" } });
  assert.deepEqual((await call("GET", "/v1/options", undefined, { on: bare })).json, { geisenheim: {}, kivitendo: {}, westarp: {} });
  assert.equal((await call("PUT", "/v1/options", {})).status, 405);
});

test("sync: a run (200), the shop unavailable (502), 405; unconfigured (500)", async () => {
  const r = await call("POST", "/v1/sync");
  assert.deepEqual([r.status, r.json.listed], [200, 1]);
  assert.equal((await call("POST", "/v1/sync", {})).json.skipped, 1);
  kvik.respondNext({ status: 500, body: { message: "down" } });
  assert.equal((await call("POST", "/v1/sync")).status, 502);
  assert.equal((await call("GET", "/v1/sync")).status, 405);
  assert.equal((await call("POST", "/v1/sync", undefined, { on: bare })).status, 500);
  // The overview: the runs recorded, the last one (the shop unavailable) as the last sync.
  const o = await call("GET", "/v1/overview");
  assert.deepEqual([o.status, o.json.lastSync?.ok, o.json.lastSync?.error], [200, false, "shop_unavailable"]);
  assert.ok(o.json.counts.length > 0);
  assert.equal((await call("GET", "/v1/overview", undefined, { on: bare })).json.lastSync.error, "worker_misconfigured");
  assert.equal((await call("PUT", "/v1/overview", {})).status, 405);
});

const wooHeaders = (body, { event, topic = "order.created", secret = secrets.WOOCOMMERCE_WEBHOOK_SECRET } = {}) =>
  wooWebhookHeaders(body, { secret, topic, delivery: event, source: "https://shop.example.com/" });
const shopifyHeaders = (body, event) => ({
  "Content-Type": "application/json",
  "X-Shopify-Topic": "orders/create",
  "X-Shopify-Shop-Domain": "example.myshopify.com",
  "X-Shopify-Webhook-Id": event,
  "X-Shopify-Hmac-Sha256": createHmac("sha256", secrets.SHOPIFY_WEBHOOK_SECRET).update(body).digest("base64"),
});
const hook = (platform, body, headers, on = worker) =>
  call("POST", `/v1/webhooks/${platform}`, undefined, { auth: null, raw: body, headers, on });

test("catalogue: refused uploads (422, 415), CSV and JSON stored (200), read back (200), 405", async () => {
  const bad = await call("PUT", "/v1/catalogue", undefined, {
    raw: "Artikelnummer;kind\nBAD-1;nonsense\n",
    headers: { "Content-Type": "text/csv" },
  });
  assert.deepEqual([bad.status, bad.json.error], [422, "invalid_catalogue"]);
  assert.equal(
    (await call("PUT", "/v1/catalogue", undefined, { raw: "<catalogue/>", headers: { "Content-Type": "application/xml" } })).status,
    415,
  );
  const csv = await call("PUT", "/v1/catalogue", undefined, {
    raw: "Artikelnummer;kind;Liter;Rebsorten;weightGrams;kivitendoPartId\nSWDEMO10005;wine;0,75;Riesling;1.300,0;8\n",
    headers: { "Content-Type": "text/csv" },
  });
  assert.equal(csv.status, 200);
  assert.equal((await call("GET", "/v1/catalogue", undefined, { on: bare })).json.updatedAt, null);
  // Shopify's sample before its SKU is in the catalogue: refused, naming it.
  const missing = await hook("shopify", shopifyBody, shopifyHeaders(shopifyBody, "b54557e4-bdd9-4b37-8a5f-000000000001"));
  assert.deepEqual([missing.status, missing.json.error], [422, "missing_from_catalogue"]);
  const entries = [
    { sku: "SWDEMO10005", kind: "wine", bottleSizeMl: 750, kivitendoPartId: 8 },
    { sku: "WOO-WOOL-01", kind: "other", kivitendoPartId: 10 },
    { sku: "Bar3", kind: "other", kivitendoPartId: 11 },
    { sku: "IPOD2008PINK", kind: "other", weightGrams: 567, kivitendoPartId: 7 },
  ];
  assert.equal((await call("PUT", "/v1/catalogue", entries)).json.entries, 4);
  assert.equal((await call("GET", "/v1/catalogue")).json.catalogue.length, 4);
  assert.equal((await call("DELETE", "/v1/catalogue")).status, 405);
});

test("webhooks: ping, queued (202), the same delivery (200 duplicate), the same order (200), other topics, bad signatures, bad bodies, unknown platform, 405; unconfigured (500)", async () => {
  assert.deepEqual((await hook("woocommerce", "webhook_id=12", { "Content-Type": "application/x-www-form-urlencoded" })).json, {
    platform: "woocommerce",
    ignored: "ping",
  });
  const body = JSON.stringify(wooOrder);
  const r = await hook("woocommerce", body, wooHeaders(body, { event: "1" }));
  assert.deepEqual([r.status, r.json.deliveries.length], [202, 1]);
  assert.equal((await hook("woocommerce", body, wooHeaders(body, { event: "1" }))).json.duplicate, true);
  const same = await hook("woocommerce", body, wooHeaders(body, { event: "2" }));
  assert.deepEqual([same.status, same.json.deliveries[0].duplicate], [200, true]);
  assert.equal((await hook("woocommerce", body, wooHeaders(body, { event: "3", topic: "product.created" }))).json.ignored, "topic");
  assert.equal((await hook("woocommerce", body, wooHeaders(body, { event: "4", secret: "wrong" }))).status, 401);
  const notJson = "{not json";
  assert.equal((await hook("woocommerce", notJson, wooHeaders(notJson, { event: "5" }))).status, 400);
  assert.equal((await hook("woocommerce", undefined, { "Content-Type": "application/json" })).status, 401, "an empty body is unsigned");
  assert.equal(
    (
      await call("POST", "/v1/webhooks/woocommerce", undefined, {
        auth: null,
        raw: new Uint8Array([0x7b, 0xff]),
        headers: { "Content-Type": "application/json" },
      })
    ).status,
    400,
  );
  const invalid = JSON.stringify({ ...wooOrder, number: "728", id: 728, line_items: [] });
  const inv = await hook("woocommerce", invalid, wooHeaders(invalid, { event: "6" }));
  assert.equal(inv.status, 422);
  const s = await hook("shopify", shopifyBody, shopifyHeaders(shopifyBody, "b54557e4-bdd9-4b37-8a5f-000000000002"));
  assert.equal(s.status, 202);
  assert.equal((await hook("magento", "{}", { "Content-Type": "application/json" })).status, 404);
  assert.equal((await call("GET", "/v1/webhooks/shopify", undefined, { auth: null })).status, 405);
  assert.equal(
    (
      await call("POST", "/v1/webhooks/shopify", undefined, {
        auth: null,
        raw: "x".repeat(70_000),
        headers: { "Content-Type": "application/json" },
      })
    ).status,
    413,
  );
  const unconfigured = await hook("woocommerce", body, wooHeaders(body, { event: "7" }), bare);
  assert.deepEqual([unconfigured.status, unconfigured.json.error], [500, "worker_misconfigured"]);
  const shopware = await hook(
    "shopware6",
    shopwareBody("e1"),
    { "Content-Type": "application/json", "shopware-shop-signature": "0".repeat(64) },
    bare,
  );
  assert.equal(shopware.status, 500);
  // Their deliveries go through the queue to kivitendo.
  for (const d of [...r.json.deliveries, ...s.json.deliveries]) await until(d.id, (x) => x.status !== "queued");
  // The same Shopify order cancelled in the shop afterwards: no sale (200 notASale), the
  // delivered order noted for the operator.
  const cancelled = await hook("shopify", shopifyCancelled, shopifyHeaders(shopifyCancelled, "b54557e4-bdd9-4b37-8a5f-000000000003"));
  assert.deepEqual(
    [cancelled.status, cancelled.json.notASale, cancelled.json.state, cancelled.json.actions.map((a) => a.action)],
    [200, true, "cancelled", ["operator_note"]],
  );
  // The shop order's history (200), an order never received (404), a malformed shop (400), 405.
  const history = await call("GET", `/v1/shop-orders/shopify/${encodeURIComponent(s.json.shop)}/${s.json.number}`);
  assert.deepEqual([history.status, history.json.state, history.json.deliveries.map((d) => d.role)], [200, "cancelled", ["sale"]]);
  assert.equal((await call("GET", "/v1/shop-orders/shopify/other.myshopify.com/1")).status, 404);
  assert.equal((await call("GET", "/v1/shop-orders/shopify/%E0%A4%A/1")).status, 400);
  assert.equal((await call("POST", `/v1/shop-orders/shopify/${s.json.shop}/1`, {})).status, 405);
});

test("Shopware: registration (200, 401, 400, 405), confirmation (204, 401, 400), its webhooks (202, 401 replayed); unconfigured (500)", async () => {
  const now = Math.floor(Date.now() / 1000);
  const query = (id, url = "https://shop.example.com", t = now) =>
    `shop-id=${id}${url ? `&shop-url=${encodeURIComponent(url)}` : ""}&timestamp=${t}`;
  const register = (q, secret = secrets.SHOPWARE_APP_SECRET, on = worker) =>
    call("GET", `/v1/webhooks/shopware6/register?${q}`, undefined, {
      auth: null,
      headers: { "shopware-app-signature": hmacHex(secret, q) },
      on,
    });
  assert.equal((await register(query(SHOP_ID), "not-the-app-secret")).status, 401);
  assert.equal((await register(query(SHOP_ID, "https://shop.example.com", 1000))).status, 401);
  assert.equal((await register(query(SHOP_ID, null))).status, 400);
  assert.equal((await register(query(SHOP_ID), secrets.SHOPWARE_APP_SECRET, bare)).status, 500);
  assert.equal((await call("POST", "/v1/webhooks/shopware6/register", {}, { auth: null })).status, 405);
  const r = await register(query(SHOP_ID));
  assert.equal(r.status, 200);
  const confirm = (body, secret, on = worker) =>
    call("POST", "/v1/webhooks/shopware6/confirm", undefined, {
      auth: null,
      raw: body,
      headers: { "Content-Type": "application/json", "shopware-shop-signature": hmacHex(secret, body) },
      on,
    });
  const c = JSON.stringify({
    apiKey: "SWIARXBSDJRWEMJONFK2OHBNWA",
    secretKey: "c2VjcmV0",
    timestamp: String(now),
    shopUrl: "https://shop.example.com",
    shopId: SHOP_ID,
  });
  assert.equal((await confirm("{not json", r.json.secret)).status, 400);
  assert.equal((await confirm(c, "wrong-secret")).status, 401);
  assert.equal((await confirm(c, r.json.secret, bare)).status, 500);
  assert.equal((await call("GET", "/v1/webhooks/shopware6/confirm", undefined, { auth: null })).status, 405);
  assert.equal((await confirm(c, r.json.secret)).status, 204);
  const signed = (b) => ({ "Content-Type": "application/json", "shopware-shop-signature": hmacHex(r.json.secret, b) });
  const body = shopwareBody("7b04ebe416db4ebc93de4d791325e1d9");
  const queued = await hook("shopware6", body, signed(body));
  assert.equal(queued.status, 202);
  const old = shopwareBody("8c04ebe416db4ebc93de4d791325e1d9", now - 25 * 3600);
  const replayed = await hook("shopware6", old, signed(old));
  assert.deepEqual([replayed.status, replayed.json.error], [401, "replayed"]);
  const unknownShop = JSON.stringify({ ...JSON.parse(body), source: { ...JSON.parse(body).source, shopId: "nope" } });
  assert.equal((await hook("shopware6", unknownShop, signed(unknownShop))).status, 401);
});

test("pulls: the shops and runs (200), a backfill refused (422, 404), an unknown run (404), its cancel (404), 405", async () => {
  const list = await call("GET", "/v1/pulls");
  assert.equal(list.status, 200);
  assert.ok(Array.isArray(list.json.shops) && Array.isArray(list.json.runs));
  assert.equal((await call("POST", "/v1/pulls", { platform: "magento" })).status, 422);
  assert.equal((await call("POST", "/v1/pulls", { platform: "shopify", shop: "nowhere.myshopify.com", since: "2026-01-01" })).status, 404);
  const id = "00000000-0000-4000-8000-000000000000";
  assert.equal((await call("GET", `/v1/pulls/${id}`)).status, 404);
  assert.equal((await call("POST", `/v1/pulls/${id}/cancel`, {})).status, 404);
  assert.equal((await call("DELETE", "/v1/pulls")).status, 405);
});

test("every answer validated against the document, and every operation reached", (t) => {
  assert.deepEqual(problems, []);
  const methods = ["get", "put", "post", "delete", "patch"];
  const missing = Object.entries(doc.paths)
    .flatMap(([p, item]) => methods.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${p}`))
    .filter((op) => ![...covered].some((c) => c.startsWith(`${op} `)));
  assert.deepEqual(missing, [], "operations no answer reached");
  t.diagnostic(
    `${checker.checked} answers validated; ${covered.size} method, path and status combinations: ${[...covered].sort().join(", ")}`,
  );
});

test("answers recorded by the other worker tests (KONTOR_OPENAPI_ANSWERS) validate", (t) => {
  const file = process.env.KONTOR_OPENAPI_ANSWERS;
  if (!file) {
    t.skip("KONTOR_OPENAPI_ANSWERS is not set");
    return;
  }
  assert.ok(existsSync(file), file);
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const wrong = lines.flatMap((a) => checker.check(a));
  t.diagnostic(`${lines.length} recorded answers checked`);
  assert.deepEqual(wrong, [], wrong.slice(0, 20).join("\n"));
});
