// Backfill throughput (issue 24), outside the test command: `npm run bench:backfill`. In the
// same run, against the same stand-ins (tests/standins/):
//   - kontor's worker: a backfill (`POST /v1/pulls`) of N orders from a WooCommerce stand-in,
//     each order through the webhooks' path (mapping, catalogue, Geisenheim id, claim) and the
//     delivery queue to the Geisenheim stand-in;
//   - a bare worker: the same pulls (page after page) and one POST per order to the same
//     Geisenheim stand-in, with a body built once by kontor and its id replaced: no checks, no
//     ledger, no queue.
// Prints orders per second for each (from the start until Geisenheim holds every order), the
// ratio, D1 round trips per order (KONTOR_COUNT_D1, the worker's count), the memory (RSS) of
// each worker's process group sampled every second (start, peak, end, by quarter), and the
// JavaScript heap of kontor's isolate by quarter (read through its DevTools inspector).
// Neither worker records its subrequests for DevTools (worker/test/harness.mjs devEnv): the
// bare one runs without the inspector, kontor's with its network recording switched off.
// A third worker gives the floor: the bare one with kontor's one mapping and one build an order.
// Usage: npm run bench:backfill [-- N=10000] (Node's WebSocket: --experimental-websocket)
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startWorker, startBareWorker } from "../worker/test/harness.mjs";
import { startGeisenheim } from "../tests/standins/geisenheim.mjs";
import { inEurosByDhl, shopOrders, startWooCommerce, wineEntry } from "../tests/standins/shops.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const N = Number(process.argv[2] ?? 10_000);
const SKU = "WEIN-RIES-2023";
const catalogue = [wineEntry(SKU)];
const secrets = {
  GEISENHEIM_USERNAME: "api@test.de",
  GEISENHEIM_PASSWORD: "bench-pw-1",
  GEISENHEIM_RECIPIENT_SALT: "bench-salt-0123456789abcdef",
  KONTOR_API_TOKEN: "bench-token",
  WOOCOMMERCE_CONSUMER_KEY: "ck_bench",
  WOOCOMMERCE_CONSUMER_SECRET: "cs_bench",
  WOOCOMMERCE_WEBHOOK_SECRET: "wc-bench",
};
const basic = `Basic ${Buffer.from(`${secrets.GEISENHEIM_USERNAME}:${secrets.GEISENHEIM_PASSWORD}`).toString("base64")}`;
const kontorPkg = await import(join(root, "pkg/index.node.mjs"));

/** RSS in KB of a process group (wrangler, workerd and their helpers), and of its workerd
 * processes alone. */
function rss(pgid) {
  try {
    const rows = execFileSync("ps", ["-eo", "pgid=,rss=,comm="], { encoding: "utf8" })
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter(([g]) => Number(g) === pgid);
    const sum = (rs) => rs.reduce((s, [, r]) => s + Number(r), 0);
    return { all: sum(rows), workerd: sum(rows.filter((r) => r[2] === "workerd")) };
  } catch {
    return { all: 0, workerd: 0 };
  }
}
function sampler(pgid, heap = async () => 0) {
  const samples = [];
  const sample = async () => samples.push({ ...rss(pgid), heap: await heap() });
  const t = setInterval(sample, 1000);
  sample();
  return {
    async stop() {
      clearInterval(t);
      await sample();
      return samples;
    },
  };
}
/** The size in KB of a folder (the local D1's files). */
const du = (dir) => {
  try {
    return Number(execFileSync("du", ["-sk", dir], { encoding: "utf8" }).split(/\s/)[0]);
  } catch {
    return 0;
  }
};
const mb = (kb) => `${(kb / 1024).toFixed(kb < 10240 ? 1 : 0)} MB`;

/** The DevTools inspector of a worker started with `devtools`: its network recording switched
 * off (wrangler switches it on for a DevTools window), and `heap()`, the isolate's JavaScript
 * heap in use (KB). */
async function inspect(port) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  // Node's WebSocket (undici) takes headers: the inspector proxy wants an Origin of this machine.
  const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: "http://127.0.0.1" } });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 0;
  let context;
  const waiting = new Map();
  ws.onmessage = (m) => {
    const { id, result, method, params } = JSON.parse(String(m.data));
    if (method === "Runtime.executionContextCreated") context = params.context.id;
    waiting.get(id)?.(result);
    waiting.delete(id);
  };
  const call = (method, params = {}) =>
    new Promise((resolve) => {
      const id = ++next;
      waiting.set(id, resolve);
      setTimeout(() => waiting.delete(id) && resolve(undefined), 5000);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Network.disable");
  await call("Runtime.enable");
  return {
    heap: async () => ((await call("Runtime.getHeapUsage"))?.usedSize ?? 0) / 1024,
    /** The isolate's WebAssembly memories (kontor's module), KB: they only ever grow, so this is
     * their peak. */
    wasm: async () => {
      const proto = await call("Runtime.evaluate", { expression: "WebAssembly.Memory.prototype", contextId: context });
      const all = await call("Runtime.queryObjects", { prototypeObjectId: proto?.result?.objectId });
      const sizes = await call("Runtime.callFunctionOn", {
        objectId: all?.objects?.objectId,
        functionDeclaration: "function () { return this.map((m) => m.buffer.byteLength); }",
        returnByValue: true,
      });
      return (sizes?.result?.value ?? []).reduce((a, b) => a + b, 0) / 1024;
    },
    /** The heap in use just after a full collection (V8 collects before it queries objects),
     * KB. */
    live: async () => {
      const proto = await call("Runtime.evaluate", { expression: "Object.prototype", contextId: context });
      await call("Runtime.queryObjects", { prototypeObjectId: proto?.result?.objectId });
      return ((await call("Runtime.getHeapUsage"))?.usedSize ?? 0) / 1024;
    },
    close: () => ws.close(),
  };
}

/** The bare worker: GET every page of the shop, POST each order's body to Geisenheim. One page
 * a request (`?page=N`): the driver asks page after page, as kontor's steps read them. `floor`:
 * each order's body made by kontor's package, one mapping (`fromShopOrder` with the catalogue)
 * and one build (`toGeisenheim`) an order, and nothing else of kontor: no checks, no ledger, no
 * queue, no D1 (the least any kontor does); else the body kontor built once, its id replaced. */
function startBare(shop, upstream, template, floor) {
  return startBareWorker(
    floor ? "bare-floor" : "bare-pull",
    `${floor ? `import { fromShopOrder, toGeisenheim } from ${JSON.stringify(join(root, "pkg/index.workerd.mjs"))};` : ""}
export default { async fetch(req, env) {
    if (req.method === "HEAD") return new Response(null);
    const page = Number(new URL(req.url).searchParams.get("page") ?? 1);
    const auth = "Basic " + btoa(env.KEY + ":" + env.SECRET);
    const template = JSON.parse(env.TEMPLATE);
    const catalogue = JSON.parse(env.CATALOGUE);
    const res = await fetch(env.SHOP + "/wp-json/wc/v3/orders?modified_after=2026-01-01T00:00:00&dates_are_gmt=true&orderby=id&order=asc&per_page=100&page=" + page, { headers: { Authorization: auth } });
    const orders = await res.json();
    const body = (o) => {
      if (${!floor}) return JSON.stringify({ ...template, id: o.id });
      const mapped = fromShopOrder("woocommerce", JSON.stringify(o), { catalogue });
      return toGeisenheim({ ...mapped.order, invoiceId: o.id }, { recipientSalt: env.SALT, as: "text" }).body;
    };
    let i = 0, n = 0;
    const work = async () => { for (let o = orders[i++]; o; o = orders[i++]) {
      const r = await fetch(env.UPSTREAM + "/erp/orders", { method: "POST", headers: { "Content-Type": "application/json", Authorization: env.AUTH }, body: body(o) });
      await r.arrayBuffer(); n++;
    } };
    await Promise.all(Array.from({ length: 8 }, work));
    return new Response(JSON.stringify({ delivered: n, pages: Number(res.headers.get("X-WP-TotalPages")) }), { headers: { "Content-Type": "application/json" } });
  } };\n`,
    { SHOP: shop, UPSTREAM: upstream, TEMPLATE: JSON.stringify(template), CATALOGUE: JSON.stringify(catalogue) },
    (url) => fetch(url, { method: "HEAD" }),
    {
      AUTH: basic,
      KEY: secrets.WOOCOMMERCE_CONSUMER_KEY,
      SECRET: secrets.WOOCOMMERCE_CONSUMER_SECRET,
      SALT: secrets.GEISENHEIM_RECIPIENT_SALT,
    },
  );
}

// WooCommerce's sample order, in euros and shipped by DHL (Geisenheim takes EUR and names the carrier).
const orders = inEurosByDhl(shopOrders("woocommerce", N, { skus: [SKU], stepMs: 1000 }));
// The body kontor builds for the first order: the bare worker's template.
const mapped = kontorPkg.fromShopOrder("woocommerce", orders[0], { catalogue });
if (!mapped.valid) throw new Error(`the bench order is not valid: ${JSON.stringify(mapped.issues)}`);
const built = kontorPkg.toGeisenheim({ ...mapped.order, invoiceId: 1 }, { recipientSalt: secrets.GEISENHEIM_RECIPIENT_SALT });
if (!built.ok) throw new Error(`Geisenheim refuses the bench order: ${JSON.stringify(built.issues)}`);

/** Waits until `standin` holds `n` orders; `quarter(i)` is awaited as the i-th quarter of them
 * (1 to 4) is in. */
async function untilHolds(standin, n, what, quarter = async () => {}) {
  const t0 = Date.now();
  let next = 1;
  for (;;) {
    const got = standin.requests.filter((r) => r.method === "POST" && r.answered === 200).length;
    while (next <= 4 && got >= (n * next) / 4) await quarter(next++);
    if (got >= n) return;
    if (Date.now() - t0 > 30 * 60_000) throw new Error(`${what}: ${got} of ${n} after 30 min`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// kontor.
const shopK = await startWooCommerce({
  key: secrets.WOOCOMMERCE_CONSUMER_KEY,
  secret: secrets.WOOCOMMERCE_CONSUMER_SECRET,
  orders: structuredClone(orders),
});
const geisK = await startGeisenheim({ username: secrets.GEISENHEIM_USERNAME, password: secrets.GEISENHEIM_PASSWORD });
const kontor = await startWorker({
  devtools: true,
  secrets,
  vars: {
    GEISENHEIM_BASE_URL: geisK.url,
    WEBHOOK_TARGETS: "geisenheim",
    GEISENHEIM_FIRST_INVOICE_ID: "1",
    WOOCOMMERCE_SHOPS: shopK.url,
    PULL_PAGE_SIZE: "100",
    KONTOR_COUNT_D1: "on",
    PULL_RECONCILE: "off",
  },
});
const auth = { Authorization: `Bearer ${secrets.KONTOR_API_TOKEN}`, "Content-Type": "application/json" };
await fetch(`${kontor.url}/v1/catalogue`, { method: "PUT", headers: auth, body: JSON.stringify(catalogue) });
const d1Before = (await (await fetch(`${kontor.url}/v1/pulls`, { headers: auth })).json()).d1RoundTrips ?? 0;
const devtools = await inspect(kontor.inspector);
let mem = sampler(kontor.pgid, devtools.heap);
let t0 = Date.now();
const started = await (
  await fetch(`${kontor.url}/v1/pulls`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ platform: "woocommerce", shop: shopK.url, since: "2026-01-01" }),
  })
).json();
// The live heap and the Wasm memory as each quarter of the orders is in.
const live = [{ heap: await devtools.live(), wasm: await devtools.wasm() }];
await untilHolds(geisK, N, "kontor", async () => live.push({ heap: await devtools.live(), wasm: await devtools.wasm() }));
const kontorSeconds = (Date.now() - t0) / 1000;
const kontorMem = await mem.stop();
devtools.close();
const d1Size = du(kontor.persist);
const overview = await (await fetch(`${kontor.url}/v1/pulls`, { headers: auth })).json();
const run = overview.runs.find((r) => r.id === started.id);
const d1 = (overview.d1RoundTrips ?? 0) - d1Before;
await kontor.stop();
await shopK.close();
await geisK.close();

/** A bare worker's run (`floor`: with kontor's mapping and build, see `startBare`): its seconds
 * until Geisenheim holds every order, what it said it delivered, its memory samples. */
async function bareRun(floor) {
  const shop = await startWooCommerce({
    key: secrets.WOOCOMMERCE_CONSUMER_KEY,
    secret: secrets.WOOCOMMERCE_CONSUMER_SECRET,
    orders: structuredClone(orders),
  });
  const geis = await startGeisenheim({ username: secrets.GEISENHEIM_USERNAME, password: secrets.GEISENHEIM_PASSWORD });
  const bare = await startBare(shop.url, geis.url, built.payload, floor);
  const mem = sampler(bare.pgid);
  const t0 = Date.now();
  let delivered = 0;
  for (let page = 1; ; page++) {
    const a = await (await fetch(`${bare.url}/?page=${page}`, { method: "POST" })).json();
    delivered += a.delivered;
    if (page >= a.pages) break;
  }
  await untilHolds(geis, N, floor ? "floor" : "bare");
  const seconds = (Date.now() - t0) / 1000;
  const samples = await mem.stop();
  await bare.stop();
  await shop.close();
  await geis.close();
  return { seconds, delivered, mem: samples };
}
const bareR = await bareRun(false);
const floorR = await bareRun(true);
const bareSeconds = bareR.seconds;
const bareMem = bareR.mem;

const kps = N / kontorSeconds;
const bps = N / bareSeconds;
console.log(`backfill of ${N} WooCommerce orders to the Geisenheim stand-in (pages of 100)`);
console.log(
  `  kontor: ${kontorSeconds.toFixed(1)} s, ${kps.toFixed(0)} orders/s; run ${run?.status}, read ${run?.progress.read}, delivered ${run?.progress.delivered}, refused ${run?.progress.refused}; the run's pages took ${((Date.parse(run?.finishedAt) - Date.parse(run?.startedAt)) / 1000).toFixed(1)} s, the rest is the queue's deliveries`,
);
console.log(`  bare:   ${bareSeconds.toFixed(1)} s, ${bps.toFixed(0)} orders/s (delivered ${bareR.delivered})`);
console.log(`  kontor / bare: ${(kps / bps).toFixed(2)} (the issue asks for at least 0.5)`);
const fps = N / floorR.seconds;
console.log(
  `  floor (the bare worker with kontor's one mapping and one build an order, nothing else): ${floorR.seconds.toFixed(1)} s, ${fps.toFixed(0)} orders/s, ${(fps / bps).toFixed(2)} of bare (delivered ${floorR.delivered})`,
);
console.log(`  D1 round trips: ${d1} in all, ${(d1 / N).toFixed(2)} per order (pull, webhook path and queue consumer)`);
const peak = (xs, k) => Math.max(...xs.map((x) => x[k]));
console.log(
  `  memory (RSS of wrangler + workerd): kontor ${mb(kontorMem[0].all)} at the start, ${mb(peak(kontorMem, "all"))} peak, ${mb(kontorMem.at(-1).all)} at the end; bare ${mb(bareMem[0].all)}, ${mb(peak(bareMem, "all"))}, ${mb(bareMem.at(-1).all)}`,
);
console.log(
  `  of that workerd: kontor ${mb(kontorMem[0].workerd)} → ${mb(kontorMem.at(-1).workerd)}, bare ${mb(bareMem[0].workerd)} → ${mb(bareMem.at(-1).workerd)}; the local D1's files at the end: ${mb(d1Size)}`,
);
/** The peak of `k` in each quarter of `xs`. */
const quarters = (xs, k) => {
  const q = Math.max(1, Math.floor(xs.length / 4));
  return [0, 1, 2, 3].map((i) => mb(peak(xs.slice(i * q, i === 3 ? xs.length : (i + 1) * q), k))).join(", ");
};
console.log(`  RSS, the peak of each quarter of the run: kontor ${quarters(kontorMem, "all")}; bare ${quarters(bareMem, "all")}`);
console.log(
  `  kontor's isolate: JavaScript heap in use, the peak of each quarter: ${quarters(kontorMem, "heap")}; after a full collection, at the start and as each quarter of the orders was in: ${live.map((x) => mb(x.heap)).join(", ")}; its WebAssembly memory at the same points: ${live.map((x) => mb(x.wasm)).join(", ")}`,
);
