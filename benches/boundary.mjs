// Node benchmark of the built package against a hand-written JavaScript mapper doing the same
// work, side by side in one run: the worker's text path (JSON text in → body text out), objects
// in and out, orders of 1 to 1,000 items, a batch of 10,000 orders, and compile + instantiate +
// first call in a fresh Node process. Prints figures; asserts nothing about time. Run with
// `npm run bench` (which builds the bench variant first).
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { mapGeisenheim } from "./js_mapper.mjs";

const pkgDir = process.argv[2] ?? new URL("../pkg/", import.meta.url).pathname;
const entry = new URL("index.node.mjs", "file://" + pkgDir).href;
const kontor = await import(entry);
// The bench build's extra exports (the core alone, serde-wasm-bindgen) are not in the entry's
// list: they come from the glue the entry has initialised (the same module instance).
const glue = await import(new URL("full/kontor.js", "file://" + pkgDir).href);
const benchCoreText = glue.benchCoreText;
const toGeisenheimSerdeWasmBindgen = glue.toGeisenheimSerdeWasmBindgen;
const text = readFileSync(new URL("./ten_items.json", import.meta.url), "utf8");
const order = JSON.parse(text);
const salt = "benchmark-salt-0123456789";
const options = { recipientSalt: salt };
const asText = { as: "text", recipientSalt: salt };

function median(fn, n) {
  for (let i = 0; i < Math.max(1, n / 4); i++) fn();
  const samples = [];
  for (let s = 0; s < 7; s++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    samples.push(((performance.now() - t0) / n) * 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[3];
}

/** The JS mapper on the worker's path: parse the request text, map, write the body text. */
const jsText = (t) => {
  const r = mapGeisenheim(JSON.parse(t), salt);
  return r.payload ? JSON.stringify(r.payload) : undefined;
};

const check = kontor.toGeisenheim(text, asText);
if (!check.ok) throw new Error(JSON.stringify(check.issues));
if (!kontor.toGeisenheim(order, options).payload) throw new Error("object path failed");
if (jsText(text) === undefined) throw new Error("JS mapper failed");

const n = 20000;
const rows = [
  ["JS mapper, text: JSON.parse + map + JSON.stringify", () => jsText(text)],
  ['kontor text path: toGeisenheim(text, { as: "text" })', () => kontor.toGeisenheim(text, asText)],
  ["JS mapper, objects in and out", () => mapGeisenheim(order, salt)],
  ["kontor objects: toGeisenheim(object) (stringify in, JSON.parse out)", () => kontor.toGeisenheim(order, options)],
  ["kontor toGeisenheim(JSON text) → object", () => kontor.toGeisenheim(text, options)],
];
if (benchCoreText) {
  rows.push(["kontor core only, inside Wasm (no boundary; bench build)", () => benchCoreText(text, 1)]);
} else {
  console.log("(not the bench build: no core-only and serde-wasm-bindgen rows)");
}
if (toGeisenheimSerdeWasmBindgen) {
  rows.push(["kontor via serde-wasm-bindgen both ways (bench build)", () => toGeisenheimSerdeWasmBindgen(order, options)]);
}
console.log(`\n10-item order, Node ${process.version}, median of 7 × ${n} calls:`);
const figures = {};
for (const [name, fn] of rows) {
  figures[name] = median(fn, n);
  console.log(`  ${figures[name].toFixed(2).padStart(8)} µs  ${name}`);
}
if (benchCoreText) {
  const t = figures[rows[1][0]],
    core = figures["kontor core only, inside Wasm (no boundary; bench build)"];
  console.log(`  ${(t - core).toFixed(2).padStart(8)} µs  boundary on the text path (text path − core)`);
}
if (glue.benchCoreStage) {
  // Cumulative stages inside Wasm (parse; + read; + map; + serialize = the whole core), each
  // the median of 7 runs; a stage's share is the difference to the one before.
  const names = [
    "parse: JSON text → JSON document (serde_json)",
    "read: the canonical order",
    "map: Geisenheim's payload (with the recipient HMAC)",
    "serialize: the body text (serde_json), options",
  ];
  const cumulative = names.map((_, s) => median(() => glue.benchCoreStage(text, 1, s), n));
  console.log("\nThe core inside Wasm by stage (bench build, differences of cumulative medians):");
  cumulative.forEach((c, s) => console.log(`  ${(c - (s ? cumulative[s - 1] : 0)).toFixed(2).padStart(8)} µs  ${names[s]}`));
  console.log(`  ${cumulative[3].toFixed(2).padStart(8)} µs  all stages`);
}

function orderOf(items) {
  const o = structuredClone(order);
  o.items = Array.from({ length: items }, (_, i) => ({ ...order.items[i % order.items.length], sku: `SKU-${i}` }));
  return o;
}
console.log("\nBy order size, median per order (µs):");
console.log("   items   kontor text    JS text   kontor obj     JS obj");
for (const items of [1, 10, 100, 1000]) {
  const o = orderOf(items);
  const t = JSON.stringify(o);
  const reps = Math.max(20, Math.floor(20000 / items));
  const cols = [
    median(() => kontor.toGeisenheim(t, asText), reps),
    median(() => jsText(t), reps),
    median(() => kontor.toGeisenheim(o, options), reps),
    median(() => mapGeisenheim(o, salt), reps),
  ];
  console.log(`  ${String(items).padStart(6)} ${cols.map((c) => c.toFixed(1).padStart(12)).join("")}`);
}

const batch = Array.from({ length: 10000 }, (_, i) => text.replace("WS-2024-20001", `WS-${i}`));
const timeBatch = (fn) => {
  const samples = [];
  for (let s = 0; s < 5; s++) {
    const t0 = performance.now();
    for (const t of batch) fn(t);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[2];
};
console.log("\nBatch of 10,000 10-item orders (median of 5 runs):");
console.log(
  `  ${timeBatch((t) => kontor.toGeisenheim(t, asText))
    .toFixed(1)
    .padStart(8)} ms  kontor text path`,
);
console.log(`  ${timeBatch(jsText).toFixed(1).padStart(8)} ms  JS mapper, text`);

// A fresh Node process: read + compile + instantiate the module, then the first call.
const cold = `
const { readFileSync } = require("node:fs");
const { performance } = require("node:perf_hooks");
(async () => {
  const t0 = performance.now();
  const glue = await import(${JSON.stringify(new URL("full/kontor.js", "file://" + pkgDir).href)});
  const bytes = readFileSync(${JSON.stringify(pkgDir + "full/kontor_bg.wasm")});
  const t1 = performance.now();
  glue.initSync({ module: new WebAssembly.Module(bytes) });
  const t2 = performance.now();
  const r = glue.toGeisenheim(${JSON.stringify(text)}, { as: "text", recipientSalt: "s" });
  const t3 = performance.now();
  if (!r.ok) throw new Error("first call failed");
  process.stdout.write(JSON.stringify([t1 - t0, t2 - t1, t3 - t2]));
})();`;
const runs = Array.from({ length: 7 }, () => JSON.parse(execFileSync(process.execPath, ["-e", cold], { encoding: "utf8" })));
const med = (i) => runs.map((r) => r[i]).sort((a, b) => a - b)[3];
console.log("\nFresh Node process (median of 7):");
console.log(`  ${med(0).toFixed(2).padStart(8)} ms  import the glue, read the .wasm`);
console.log(`  ${med(1).toFixed(2).padStart(8)} ms  compile + instantiate`);
console.log(`  ${med(2).toFixed(2).padStart(8)} ms  first call (text path)`);
console.log(`  ${(med(1) + med(2)).toFixed(2).padStart(8)} ms  compile + instantiate + first call`);
