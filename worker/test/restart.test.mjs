// The worker stopped and started again in the middle of a run, with the same local state
// (wrangler dev --persist-to the same folder): every queued delivery is still in the D1
// ledger, the Cron Trigger's recovery puts the overdue ones on the queue again (an attempt the
// stop caught in flight becomes `uncertain`, for the operator), and each order is accepted
// exactly once upstream.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWorker } from "./harness.mjs";
import { startGeisenheim } from "../../tests/standins/geisenheim.mjs";

const wineOrder = JSON.parse(readFileSync(new URL("../../tests/fixtures/geisenheim_seed_example.order.json", import.meta.url), "utf8"));
const secrets = {
  GEISENHEIM_USERNAME: "api@test.de",
  GEISENHEIM_PASSWORD: "geisenheim-pw-5531",
  GEISENHEIM_RECIPIENT_SALT: "salt-7f3c9e1d2b",
  KONTOR_API_TOKEN: "caller-token-94af0e",
};
const state = mkdtempSync(join(tmpdir(), "kontor-restart-"));
let geisenheim, worker;

after(async () => {
  await worker?.stop();
  await geisenheim?.close();
  rmSync(state, { recursive: true, force: true });
});

test("stopped and started again mid-run with the same state: nothing lost, nothing twice", async () => {
  geisenheim = await startGeisenheim({ username: secrets.GEISENHEIM_USERNAME, password: secrets.GEISENHEIM_PASSWORD });
  const vars = { GEISENHEIM_BASE_URL: geisenheim.url, MAX_ATTEMPTS: "8", RETRY_BASE_SECONDS: "2", UPSTREAM_TIMEOUT_SECONDS: "2" };
  const start = () => startWorker({ secrets, vars, persist: state });
  const auth = { Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}` };
  const get = async (path) => (await fetch(worker.url + path, { headers: auth })).json();
  const isPost = (q) => q.method === "POST" && q.url === "/erp/orders";
  worker = await start();
  geisenheim.failRandomly({ rate: 1, when: isPost });
  const ids = Array.from({ length: 30 }, (_, i) => 9_000_000 + i);
  const answers = await Promise.all(
    ids.map(async (invoiceId) => {
      const r = await fetch(`${worker.url}/v1/geisenheim/orders`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({ ...structuredClone(wineOrder), invoiceId, number: `R-${invoiceId}` }),
      });
      return { status: r.status, json: await r.json() };
    }),
  );
  for (const a of answers) assert.equal(a.status, 202, JSON.stringify(a.json));
  // Stopped while every delivery waits for its retry (some mid-attempt).
  await new Promise((r) => setTimeout(r, 2200));
  await worker.stop();
  worker = null;
  geisenheim.failRandomly(null);

  worker = await start();
  const count = async (status) => (await get(`/v1/deliveries?status=${status}&limit=200`)).deliveries.length;
  assert.equal(
    (await count("queued")) + (await count("accepted")) + (await count("uncertain")),
    30,
    "every delivery is still in the ledger",
  );
  // The Cron Trigger's recovery (what runs every 15 minutes; here every second) puts the
  // overdue ones on the queue again.
  const deadline = Date.now() + 90_000;
  let accepted;
  for (;;) {
    const cron = await fetch(`${worker.url}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
    assert.equal(cron.status, 200);
    await new Promise((r) => setTimeout(r, 1000));
    accepted = (await get("/v1/deliveries?status=accepted&limit=200")).deliveries;
    if (accepted.length + (await count("uncertain")) === 30 || Date.now() > deadline) break;
  }
  // An attempt the stop caught with its request out is `uncertain` (Geisenheim cannot be
  // asked): here every request before the stop failed, so the operator finds it absent and
  // sends it again.
  for (const d of (await get("/v1/deliveries?status=uncertain&limit=200")).deliveries) {
    assert.equal(geisenheim.requests.filter((q) => isPost(q) && q.answered === 200 && JSON.parse(q.body).id === Number(d.key)).length, 0);
    const r = await fetch(`${worker.url}/v1/deliveries/${d.id}/retry`, { method: "POST", headers: auth });
    assert.equal(r.status, 200, await r.text());
  }
  accepted = (await get("/v1/deliveries?status=accepted&limit=200")).deliveries;
  const requeued = [...worker.output().matchAll(/"requeued":(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  console.log(`restart: the recovery put ${requeued} overdue deliveries on the queue again`);
  assert.equal(
    accepted.length,
    30,
    `none lost: ${(await get("/v1/deliveries?status=queued&limit=1")).deliveries[0]?.nextAttemptAt} now ${new Date().toISOString()}\n${worker
      .output()
      .split("\n")
      .filter((l) => !l.includes("/v1/deliveries"))
      .join("\n")
      .slice(-4000)}`,
  );
  for (const invoiceId of ids) {
    const ok = geisenheim.requests.filter((q) => isPost(q) && q.answered === 200 && JSON.parse(q.body).id === invoiceId);
    assert.equal(ok.length, 1, `order ${invoiceId} accepted exactly once upstream`);
  }
});
