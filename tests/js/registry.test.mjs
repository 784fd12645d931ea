// The registry of targets and sources as the package exports it: targets(), sources() and
// buildOrder(), what the worker and the page derive their lists from.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as kontor from "kontor";

const order = readFileSync(new URL("../../examples/b2c_online_wine.json", import.meta.url), "utf8");
const SALT = { recipientSalt: "a-long-secret-salt-of-this-shop" };

test("targets() lists each target with its operations, documents, options, variables and secrets", () => {
  const targets = kontor.targets();
  assert.deepEqual(
    targets.map((t) => t.name),
    ["geisenheim", "kivitendo", "westarp"],
  );
  const [g, k, w] = targets;
  assert.deepEqual(g.operations, ["createOrder", "cancelOrder"]);
  assert.deepEqual(g.documents, [{ name: "geisenheim", builder: "toGeisenheim", lineage: g.documents[0].lineage }]);
  assert.ok(g.documents[0].lineage > 10);
  assert.deepEqual(g.callerOptions, ["strict"]);
  assert.deepEqual(g.secrets, ["GEISENHEIM_USERNAME", "GEISENHEIM_PASSWORD", "GEISENHEIM_RECIPIENT_SALT"]);
  assert.deepEqual(g.variables, ["GEISENHEIM_ENV", "GEISENHEIM_BASE_URL", "GEISENHEIM_FIRST_INVOICE_ID"]);
  assert.equal(g.idempotencyKey, "invoiceId");
  assert.deepEqual(g.whenPossiblySent, { createOrder: "uncertain", cancelOrder: "resend" });
  assert.equal(g.lookupBeforeResend, null);
  assert.equal(g.declarations, "targets/geisenheim/geisenheim.d.ts");
  assert.deepEqual(
    k.documents.map((d) => d.name),
    ["kivitendo-customer", "kivitendo-order"],
  );
  assert.ok(k.installationOptions.includes("format") && !k.callerOptions.includes("format"));
  assert.equal(k.whenPossiblySent.createOrder, "resume");
  assert.deepEqual(w.lookupBeforeResend, { operation: "createOrder", asks: "listOrders", input: { page: 1 } });
  // The same decisions the worker's exports make.
  for (const t of targets) {
    for (const op of t.operations) assert.equal(kontor.whenPossiblySent(t.name, op), t.whenPossiblySent[op], `${t.name} ${op}`);
  }
});

test("sources() lists the synced sources and the webhook platforms", () => {
  const sources = kontor.sources();
  assert.deepEqual(
    sources.map((s) => [s.name, s.arrival]),
    [
      ["omniseller", "sync"],
      ["kvik", "sync"],
      ["woocommerce", "webhook"],
      ["shopware6", "webhook"],
      ["shopify", "webhook"],
    ],
  );
  assert.ok(sources[0].operations.includes("getOrder") && sources[2].operations.length === 0);
  assert.ok(sources.find((s) => s.name === "shopware6").secrets.includes("SHOPWARE_APP_SECRET"));
});

test("buildOrder() gives each order document's body as its named builder does with { as: 'text' }", () => {
  const kivi = { taxzoneId: 4, currencyId: 1, customerId: 7, productIds: { "127/4": 11, "98/1": 12, "54/2": 13 } };
  const cases = [
    ["geisenheim", kontor.toGeisenheim, SALT],
    ["westarp", kontor.toWestarpOrder, {}],
    ["kivitendo-customer", kontor.toKivitendoCustomerXml, kivi],
    ["kivitendo-order", kontor.toKivitendoOrderXml, kivi],
  ];
  for (const [name, named, options] of cases) {
    const generic = kontor.buildOrder(name, order, options);
    assert.deepEqual(generic, named(order, { ...options, as: "text" }), name);
  }
  assert.equal(kontor.buildOrder("geisenheim", order, SALT).ok, true);
  const unknown = kontor.buildOrder("shopify", order);
  assert.equal(unknown.ok, false);
  assert.deepEqual(
    unknown.issues.map((i) => [i.path, i.code]),
    [["document", "unknown_target"]],
  );
});
