// The admin page's form view (issue 25) takes the order's fields from the package's TypeScript
// declarations (scripts/order-fields.mjs); every field has a name for people in English and
// German in the page's FIELD_WORDS, so that a field the types add is not shown by its key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("order-fields.json: the order's types with their fields, kinds and listed values", () => {
  const fields = JSON.parse(
    execFileSync(process.execPath, ["scripts/order-fields.mjs", "pkg/kontor.browser.d.ts"], { cwd: root, encoding: "utf8" }),
  );
  assert.deepEqual(Object.keys(fields), ["Order", "Customer", "Address", "OrderItem", "Product"]);
  const order = Object.fromEntries(fields.Order.map((f) => [f.name, f]));
  assert.deepEqual(
    [order.number.required, order.number.kind, order.invoiceId.kind, order.pricesIncludeTax.kind],
    [true, "text", "number", "yes/no"],
  );
  assert.deepEqual([order.customer.type, order.items.kind, order.items.of.type], ["Customer", "list", "OrderItem"]);
  assert.deepEqual(
    order.shipping.fields.map((f) => f.name),
    ["carrier", "methodName", "cost", "taxRate"],
  );
  assert.ok(fields.Product.find((f) => f.name === "kind").values.includes("sparkling"));
  assert.equal(fields.OrderItem.find((f) => f.name === "unitPrice").kind, "amount");

  const app = readFileSync(new URL("www/app.js", `file://${root}`), "utf8");
  const table = app.slice(app.indexOf("const FIELD_WORDS = {"), app.indexOf("};", app.indexOf("const FIELD_WORDS = {")));
  const words = new Map([...table.matchAll(/(\w+): \["([^"]+)", "([^"]+)"\]/g)].map((m) => [m[1], [m[2], m[3]]]));
  const names = new Set();
  const walk = (list) => {
    for (const f of list) {
      names.add(f.name);
      if (f.fields) walk(f.fields);
    }
  };
  for (const list of Object.values(fields)) walk(list);
  const unnamed = [...names].filter((n) => !words.has(n));
  assert.deepEqual(unnamed, [], "fields without a name in the page's FIELD_WORDS");
});
