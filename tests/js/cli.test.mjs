// The `kontor` command line on every example.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const run = (...args) => spawnSync(process.execPath, ["bin/kontor.mjs", ...args], { cwd: root, encoding: "utf8" });

test("every example converts to a Geisenheim payload", () => {
  const examples = readdirSync(new URL("../../examples/", import.meta.url)).filter((f) => f.endsWith(".json"));
  assert.ok(examples.length >= 5);
  for (const f of examples) {
    const r = run("geisenheim", `examples/${f}`, "--salt", "a-long-secret-salt-of-this-shop");
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    const payload = JSON.parse(r.stdout);
    assert.ok(Number.isInteger(payload.id) && payload.items.length > 0, f);
  }
});

test("an order with errors prints the issues and exits 1", () => {
  const r = run("geisenheim", "tests/fixtures/geisenheim_seed_example.expected.json");
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /error invoiceId \[missing_invoice_id\]/);
});

test("usage problems exit 2", () => {
  assert.equal(run("geisenheim").status, 2);
  assert.equal(run("frobnicate", "x.json").status, 2);
  assert.equal(run("geisenheim", "does-not-exist.json").status, 2);
});
