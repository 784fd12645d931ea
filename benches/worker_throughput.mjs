// Throughput and added latency of the edge worker (issue 11), outside the test command:
// `npm run bench:worker`. Both workers run locally in workerd (`wrangler dev`) in the same run
// against the same Geisenheim stand-in (tests/standins/):
//   - kontor's worker: POST /v1/geisenheim/orders with a canonical order (auth, body checks,
//     kontor builds the request, the D1 ledger claims the key and records the attempt);
//   - a bare forwarding worker: passes a body kontor built beforehand to the same upstream.
// Prints orders per second (N orders, C at a time) and the per-order latency (sequential:
// median and p95); the added latency is kontor's median minus the bare worker's.
// Usage: node benches/worker_throughput.mjs [N=400] [C=8]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startWorker, startBareWorker } from "../worker/test/harness.mjs";
import { startGeisenheim } from "../tests/standins/geisenheim.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const N = Number(process.argv[2] ?? 400);
const C = Number(process.argv[3] ?? 8);
const SEQ = 200;
const wineOrder = JSON.parse(readFileSync(join(root, "tests/fixtures/geisenheim_seed_example.order.json"), "utf8"));
const { toGeisenheim } = await import(join(root, "pkg/index.node.mjs"));
const secrets = {
  GEISENHEIM_USERNAME: "api@test.de",
  GEISENHEIM_PASSWORD: "bench-pw-1",
  GEISENHEIM_RECIPIENT_SALT: "bench-salt-0123456789abcdef",
  KONTOR_API_TOKEN: "bench-token",
};
const basic = `Basic ${Buffer.from(`${secrets.GEISENHEIM_USERNAME}:${secrets.GEISENHEIM_PASSWORD}`).toString("base64")}`;

/** The bare forwarding worker: the body as it came, to UPSTREAM with Basic auth. */
function startBare(upstream) {
  return startBareWorker(
    "bare",
    `export default { async fetch(req, env) {
    const res = await fetch(env.UPSTREAM + "/erp/orders", { method: "POST", headers: { "Content-Type": "application/json", Authorization: env.AUTH }, body: await req.text() });
    return new Response(await res.text(), { status: res.status, headers: { "Content-Type": "application/json" } });
  } };\n`,
    { UPSTREAM: upstream },
    (url) => fetch(url, { method: "POST", body: "{}" }),
    { AUTH: basic },
  );
}

const standin = await startGeisenheim({ username: secrets.GEISENHEIM_USERNAME, password: secrets.GEISENHEIM_PASSWORD });
const kontor = await startWorker({ secrets, vars: { GEISENHEIM_BASE_URL: standin.url } });
const bare = await startBare(standin.url);
let next = 10_000_000;
const kontorCall = async () => {
  const r = await fetch(`${kontor.url}/v1/geisenheim/orders`, {
    method: "POST",
    headers: { Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ ...wineOrder, invoiceId: next++ }),
  });
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`kontor worker answered ${r.status}`);
};
const bareCall = async () => {
  const body = JSON.stringify(
    toGeisenheim({ ...wineOrder, invoiceId: next++ }, { recipientSalt: secrets.GEISENHEIM_RECIPIENT_SALT }).payload,
  );
  const r = await fetch(bare.url, { method: "POST", headers: { "Content-Type": "application/json" }, body });
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`bare worker answered ${r.status}`);
};

async function throughput(call) {
  let left = N;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (left-- > 0) await call();
    }),
  );
  return N / ((performance.now() - t0) / 1000);
}
async function latency(call) {
  const ms = [];
  for (let i = 0; i < SEQ; i++) {
    const t = performance.now();
    await call();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], p95: ms[Math.floor(ms.length * 0.95)] };
}

try {
  for (let i = 0; i < 20; i++) {
    await kontorCall();
    await bareCall();
  } // warm-up
  const bareLat = await latency(bareCall);
  const kontorLat = await latency(kontorCall);
  const bareRate = await throughput(bareCall);
  const kontorRate = await throughput(kontorCall);
  const f = (x) => x.toFixed(1);
  console.log(
    `kontor worker: ${f(kontorRate)} orders/s (${N} orders, ${C} at a time); latency median ${f(kontorLat.median)} ms, p95 ${f(kontorLat.p95)} ms`,
  );
  console.log(`bare forwarding worker: ${f(bareRate)} orders/s; latency median ${f(bareLat.median)} ms, p95 ${f(bareLat.p95)} ms`);
  console.log(`added latency per forwarded order (median): ${f(kontorLat.median - bareLat.median)} ms`);
} finally {
  await Promise.all([kontor.stop(), bare.stop()]);
  await standin.close();
}
