// The built package through CommonJS `require("kontor")`.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { readFileSync } = require("node:fs");
const path = require("node:path");
const kontor = require("kontor");

test("require() gives the same functions and payloads as import", () => {
  const order = readFileSync(path.join(__dirname, "../fixtures/geisenheim_seed_example.order.json"), "utf8");
  const { payload, issues } = kontor.toGeisenheim(order, { recipientSalt: "a-long-secret-salt-of-this-shop" });
  assert.deepEqual(issues, []);
  assert.equal(payload.id, 3459872);
  assert.equal(payload.items[0].tax, 1.2);
  assert.equal(typeof kontor.send, "function");
});
