// The size budget of the shipped module: at most 250 KB gzipped (a deterministic measure,
// unlike time). Prints the figures so that a run shows them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync, constants } from "node:zlib";

test("the optimised .wasm stays within 250 KB gzipped", () => {
  const wasm = readFileSync(new URL("../../pkg/web/kontor_bg.wasm", import.meta.url));
  const gz = gzipSync(wasm, { level: constants.Z_BEST_COMPRESSION }).length;
  console.log(`kontor_bg.wasm: ${wasm.length} bytes raw, ${gz} bytes gzipped`);
  assert.ok(gz <= 250_000, `${gz} bytes gzipped`);
});
