// The size budgets of the shipped modules, gzipped (a deterministic measure, unlike time):
// the browser module (pkg/web, what a page or a bundle downloads) at most 250 KB; the full
// module (pkg/full, Node and workerd: everything, the edge worker's decisions too) at most
// 300 KB, so that it cannot grow unnoticed either (a worker may be 3 MB compressed on
// Cloudflare's free plan). Prints the figures so that a run shows them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync, constants } from "node:zlib";

const gzipped = (path) => {
  const wasm = readFileSync(new URL(`../../pkg/${path}`, import.meta.url));
  return { raw: wasm.length, gz: gzipSync(wasm, { level: constants.Z_BEST_COMPRESSION }).length };
};

test("the browser module stays within 250 KB gzipped", () => {
  const { raw, gz } = gzipped("web/kontor_bg.wasm");
  console.log(`web/kontor_bg.wasm (browsers, bundlers): ${raw} bytes raw, ${gz} bytes gzipped`);
  assert.ok(gz <= 250_000, `${gz} bytes gzipped`);
});

test("the full module (Node, workerd) stays within 300 KB gzipped, and only it has the worker's exports", async () => {
  const { raw, gz } = gzipped("full/kontor_bg.wasm");
  console.log(`full/kontor_bg.wasm (Node, workerd): ${raw} bytes raw, ${gz} bytes gzipped`);
  assert.ok(gz <= 300_000, `${gz} bytes gzipped`);
  const exports = (path) =>
    WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(new URL(`../../pkg/${path}`, import.meta.url)))).map((e) => e.name);
  assert.ok(exports("full/kontor_bg.wasm").includes("redactSecrets"));
  assert.ok(!exports("web/kontor_bg.wasm").includes("redactSecrets"), "the browser module carries none of the worker's decisions");
  assert.ok(exports("web/kontor_bg.wasm").includes("toGeisenheim"));
});
