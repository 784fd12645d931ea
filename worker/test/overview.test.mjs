// GET /v1/overview (issue 25) in real workerd against the Geisenheim stand-in: deliveries per
// target and status over the last day and week, those needing action, and the newest sync run
// with its result (recorded by POST /v1/sync). Every answer is checked against openapi.json.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startWorker, openapiChecker } from "./harness.mjs";
import { startGeisenheim } from "../../tests/standins/geisenheim.mjs";

const wineOrder = JSON.parse(readFileSync(new URL("../../tests/fixtures/geisenheim_seed_example.order.json", import.meta.url), "utf8"));
const secrets = {
  GEISENHEIM_USERNAME: "api@test.de",
  GEISENHEIM_PASSWORD: "geisenheim-pw-5531",
  GEISENHEIM_RECIPIENT_SALT: "salt-7f3c9e1d2b",
  KONTOR_API_TOKEN: "caller-token-94af0e",
};
let geisenheim, worker, checker;

before(async () => {
  checker = await openapiChecker();
  geisenheim = await startGeisenheim({ username: secrets.GEISENHEIM_USERNAME, password: secrets.GEISENHEIM_PASSWORD });
  // MAX_ATTEMPTS 1: a failed attempt is dead at once. No SYNC_SOURCE: a sync run is refused.
  worker = await startWorker({
    secrets,
    vars: { GEISENHEIM_BASE_URL: geisenheim.url, MAX_ATTEMPTS: "1", RETRY_BASE_SECONDS: "1", UPSTREAM_TIMEOUT_SECONDS: "2" },
  });
});

after(async () => {
  await worker?.stop();
  await geisenheim?.close();
});

async function call(method, path, body) {
  const headers = { Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(worker.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const answer = {
    method,
    path,
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    text,
    headers: { allow: res.headers.get("allow") ?? undefined },
  };
  assert.deepEqual(checker.check(answer), []);
  return { status: res.status, json: text ? JSON.parse(text) : null };
}
const order = (invoiceId, number) => ({ ...structuredClone(wineOrder), invoiceId, number });
const count = (o, target, status) => o.counts.find((c) => c.target === target && c.status === status);

test("an empty ledger: no counts, nothing needing action, no sync run yet", async () => {
  const r = await call("GET", "/v1/overview");
  assert.equal(r.status, 200);
  assert.deepEqual([r.json.counts, r.json.needsAction, r.json.lastSync], [[], [], null]);
  const span = Date.parse(r.json.at) - Date.parse(r.json.weekFrom);
  assert.ok(span > 6 * 86400_000 && span <= 7 * 86400_000, String(span));
  assert.equal(Date.parse(r.json.at) - Date.parse(r.json.dayFrom), 86400_000);
  assert.equal((await call("POST", "/v1/overview", {})).status, 405);
});

test("accepted, rejected, dead and auth_failed deliveries are counted per target and status; those needing action listed", async () => {
  assert.equal((await call("POST", "/v1/geisenheim/orders", order(4100001, "OV-1"))).json.status, "accepted");
  assert.equal((await call("POST", "/v1/geisenheim/orders", order(4100002, "OV-2"))).json.status, "accepted");
  geisenheim.respondNext({
    status: 400,
    body: { message: "The given data was invalid.", errors: { "items.0.price": ["price looks wrong"] } },
  });
  assert.equal((await call("POST", "/v1/geisenheim/orders", order(4100003, "OV-3"))).json.status, "rejected");
  geisenheim.respondNext({ status: 503, body: { message: "down" } });
  assert.equal((await call("POST", "/v1/geisenheim/orders", order(4100004, "OV-4"))).json.status, "dead");
  geisenheim.respondNext({ status: 401, body: { message: "Unauthenticated." } });
  assert.equal((await call("POST", "/v1/geisenheim/orders", order(4100005, "OV-5"))).json.status, "auth_failed");

  const o = (await call("GET", "/v1/overview")).json;
  const today = o.at.slice(0, 10);
  assert.deepEqual(count(o, "geisenheim", "accepted"), {
    target: "geisenheim",
    status: "accepted",
    lastDay: 2,
    lastWeek: 2,
    byDay: [{ day: today, count: 2 }],
  });
  for (const s of ["rejected", "dead", "auth_failed"])
    assert.deepEqual([count(o, "geisenheim", s)?.lastDay, count(o, "geisenheim", s)?.lastWeek], [1, 1], s);
  assert.deepEqual(o.needsAction, [
    { target: "geisenheim", status: "auth_failed", count: 1 },
    { target: "geisenheim", status: "dead", count: 1 },
  ]);
  // Each count is what the deliveries list shows for its target and status.
  const listed = (await call("GET", "/v1/deliveries?target=geisenheim&status=accepted")).json.deliveries;
  assert.equal(listed.length, count(o, "geisenheim", "accepted").lastWeek);
});

test("a sync run's result is recorded and shown as the last sync", async () => {
  const r = await call("POST", "/v1/sync");
  assert.equal(r.status, 500);
  const { lastSync } = (await call("GET", "/v1/overview")).json;
  assert.equal(lastSync.ok, false);
  assert.equal(lastSync.error, "worker_misconfigured");
  assert.equal(lastSync.kind, "sync");
  assert.ok(
    lastSync.issues.some((i) => i.path === "env.SYNC_SOURCE"),
    JSON.stringify(lastSync.issues),
  );
  assert.ok(Math.abs(Date.now() - Date.parse(lastSync.at)) < 60_000);
});
