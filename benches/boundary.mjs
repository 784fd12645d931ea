// Node benchmark of the built package: a 10-item order through the Wasm boundary, by boundary
// conversion, against a hand-written JavaScript mapper. Prints figures; asserts nothing about
// time. Run with `npm run bench` (builds the bench variant first).
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { mapGeisenheim } from "./js_mapper.mjs";

const pkgDir = process.argv[2] ?? new URL("../pkg/", import.meta.url).pathname;
const kontor = await import(new URL("index.node.mjs", "file://" + pkgDir).href);
const text = readFileSync(new URL("./ten_items.json", import.meta.url), "utf8");
const order = JSON.parse(text);
const options = { recipientSalt: "benchmark-salt-0123456789" };

function median(fn, n = 20000) {
  for (let i = 0; i < n / 4; i++) fn();
  const samples = [];
  for (let s = 0; s < 7; s++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    samples.push(((performance.now() - t0) / n) * 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[3];
}

const check = kontor.toGeisenheim(order, options);
if (!check.payload) throw new Error(JSON.stringify(check.issues));
const js = mapGeisenheim(order, options.recipientSalt);
if (!js.payload) throw new Error(JSON.stringify(js.issues));

const rows = [
  ["hand-written JS mapper (object in, object out)", () => mapGeisenheim(order, options.recipientSalt)],
  ["kontor toGeisenheim(object)  [stringify in, JSON.parse out]", () => kontor.toGeisenheim(order, options)],
  ["kontor toGeisenheim(JSON string)", () => kontor.toGeisenheim(text, options)],
];
if (kontor.toGeisenheimSerdeWasmBindgen) {
  rows.push(["kontor via serde-wasm-bindgen both ways (bench build only)", () => kontor.toGeisenheimSerdeWasmBindgen(order, options)]);
}
console.log(`10-item order, Node ${process.version}, median of 7 × 20000 calls:`);
for (const [name, fn] of rows) console.log(`  ${median(fn).toFixed(2).padStart(8)} µs  ${name}`);
