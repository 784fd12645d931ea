// A worker whose configuration is incomplete says which variable or secret to set (500, issues
// at `env.NAME`), and sends nothing anywhere.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startWorker } from "./harness.mjs";

const order = JSON.parse(readFileSync(new URL("../../tests/fixtures/geisenheim_seed_example.order.json", import.meta.url), "utf8"));
const TOKEN = "only-the-caller-token-3e9";
let worker;

before(async () => {
  worker = await startWorker({ secrets: { KONTOR_API_TOKEN: TOKEN }, vars: { KIVITENDO_OPTIONS: "{not json" } });
});
after(async () => {
  await worker?.stop();
});

const post = async (path, body, headers = { Authorization: `Bearer ${TOKEN}` }) => {
  const r = await fetch(worker.url + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
};

test("missing secrets and a broken options variable are named, with the command that sets them", async () => {
  const g = await post("/v1/geisenheim/orders", order);
  assert.equal(g.status, 500);
  assert.deepEqual(
    g.json.issues.map((i) => i.path),
    ["env.GEISENHEIM_USERNAME", "env.GEISENHEIM_PASSWORD", "env.GEISENHEIM_RECIPIENT_SALT"],
  );
  assert.match(g.json.issues[0].message, /wrangler secret put GEISENHEIM_USERNAME/);
  const w = await post("/v1/westarp/preview", order);
  assert.equal(w.status, 500);
  assert.deepEqual(
    w.json.issues.map((i) => i.path),
    ["env.WESTARP_BASE_URL", "env.WESTARP_TOKEN"],
  );
  const k = await post("/v1/kivitendo/orders", order);
  assert.equal(k.status, 500);
  assert.equal(k.json.issues[0].path, "env.KIVITENDO_OPTIONS");
});

test("without KONTOR_HMAC_SECRET no signature is accepted", async () => {
  const r = await post("/v1/geisenheim/preview", order, {
    "X-Kontor-Signature": `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}`,
  });
  assert.equal(r.status, 401);
  assert.match(r.json.issues[0].message, /no KONTOR_HMAC_SECRET/);
});
