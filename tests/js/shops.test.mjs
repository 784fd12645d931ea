// The shop adapters and the product catalogue through the built package: each platform's
// documented sample (tests/fixtures/shops/) gives the expected canonical order beside it,
// the catalogue (JSON or CSV) completes orders for the builders, missing SKUs are named.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as kontor from "kontor";

const text = (name) => readFileSync(new URL(`../fixtures/shops/${name}`, import.meta.url), "utf8");
const json = (name) => JSON.parse(text(name));
const summary = (m) => ({
  order: m.order,
  valid: m.valid,
  issues: m.issues.map(({ path, code, severity }) => ({ path, code, severity })),
});

for (const [platform, sample] of [
  ["woocommerce", "woocommerce_order.json"],
  ["shopware6", "shopware6_order.json"],
  ["shopify", "shopify_orders_create.json"],
]) {
  test(`${platform}: the documented sample gives the expected canonical order (object and JSON text)`, () => {
    const expected = json(sample.replace(".json", ".expected.json"));
    assert.deepEqual(summary(kontor.fromShopOrder(platform, json(sample))), expected);
    assert.deepEqual(summary(kontor.fromShopOrder(platform, text(sample))), expected);
  });
}

test("issues name the shop's field and the fix, in English and German", () => {
  const m = kontor.fromShopOrder("woocommerce", json("woocommerce_order.json"));
  assert.equal(m.valid, false);
  const sku = m.issues.filter((i) => i.path === "items[0].sku");
  assert.equal(sku.length, 1);
  assert.equal(sku[0].code, "missing_field");
  assert.match(sku[0].message, /line_items\[0\].*Inventory → SKU/);
  assert.match(sku[0].messageDe, /Artikelnummer/);
});

test("the order's life: state and refunds, and an order that is no sale is refused", () => {
  const partial = kontor.fromShopOrder("shopify", json("shopify/rest_2025-10_get_order_partially_refunded.json").order);
  assert.equal(partial.valid, true, JSON.stringify(partial.issues));
  assert.equal(partial.state, "partially_refunded");
  assert.deepEqual(
    partial.refunds[0].lines.map((l) => [l.sku, l.quantity, l.amount, l.tax]),
    [
      ["IPOD2008BLACK", 1, "195.66", "3.98"],
      ["IPOD2008GREEN", 1, "195.67", "3.98"],
    ],
  );
  assert.equal(partial.refunds[0].amount, "209");
  const cancelled = kontor.fromShopOrder("shopify", text("shopify_orders_create.json"));
  assert.equal(cancelled.valid, false);
  assert.equal(cancelled.state, "cancelled");
  assert.deepEqual(
    cancelled.issues.filter((i) => i.severity === "error").map((i) => [i.path, i.code]),
    [["cancelled_at", "order_cancelled"]],
  );
  assert.equal(cancelled.refunds, undefined);
  const woo = json("woocommerce_order.json");
  assert.equal(kontor.fromShopOrder("woocommerce", { ...woo, status: "failed" }).state, "failed");
  assert.equal(kontor.fromShopOrder("woocommerce", woo).state, "paid");
  assert.equal(kontor.fromShopOrder("magento", woo).state, undefined);
});

test("bad input is an issue, never a throw", () => {
  assert.deepEqual(
    kontor.fromShopOrder("shopify", "{ not json").issues.map((i) => i.code),
    ["malformed_json"],
  );
  assert.deepEqual(
    kontor.fromShopOrder("magento", {}).issues.map((i) => i.code),
    ["unknown_platform"],
  );
  assert.equal(kontor.fromShopOrder("shopify", undefined).valid, false);
});

const csv =
  "Artikelnummer;kind;Liter;quality;Rebsorten;wineType;taste;organic;weightGrams;kivitendoPartId\n" +
  "IPOD2008PINK;wine;0,75;Qualitätswein;Riesling|Silvaner;Weißwein;trocken;ja;1.300,0;42\n";

test("readCatalogue: semicolons and commas, decimal commas, bad rows with their line", () => {
  const r = kontor.readCatalogue(csv);
  assert.deepEqual(r.issues, []);
  assert.equal(r.ok, true);
  assert.deepEqual(r.catalogue, [
    {
      sku: "IPOD2008PINK",
      kind: "wine",
      bottleSizeMl: 750,
      quality: "Qualitätswein",
      grapes: ["Riesling", "Silvaner"],
      wineType: "Weißwein",
      taste: "trocken",
      organic: true,
      weightGrams: 1300,
      kivitendoPartId: 42,
    },
  ]);
  const comma = kontor.readCatalogue('sku,kind,bottleSizeMl,grapes\n127/4,wine,"750,0","Spätburgunder, 2455"\n');
  assert.deepEqual(comma.catalogue, [{ sku: "127/4", kind: "wine", bottleSizeMl: 750, grapes: ["Spätburgunder", 2455] }]);
  const bad = kontor.readCatalogue("sku;kind;bottleSizeMl\nA;wine;750\nB;beer;750\nC;wine;groß\n");
  assert.equal(bad.ok, false);
  assert.deepEqual(
    bad.issues.map((i) => [i.path, i.code]),
    [
      ["lines[3].kind", "invalid_value"],
      ["lines[4].bottleSizeMl", "invalid_value"],
    ],
  );
  assert.equal(
    bad.issues[0].message,
    '"beer" is not allowed: use one of wine, sparkling, semi_sparkling, alcohol_free_wine, open_wine, book, other',
  );
  assert.deepEqual(
    bad.catalogue.map((e) => e.sku),
    ["A"],
  );
  assert.equal(kontor.readCatalogue('[{"sku": "A", "kind": "book"}]', { format: "json" }).catalogue[0].kind, "book");
  assert.deepEqual(
    kontor.readCatalogue("x", { format: "yaml" }).issues.map((i) => i.path),
    ["options.format", "lines[1]"],
  );
});

test("the catalogue completes a shop order, and the SKUs it lacks are named", () => {
  const order = json("shopify_orders_create.json");
  order.line_items[1].sku = "UNKNOWN-1";
  const m = kontor.fromShopOrder("shopify", order, { catalogue: csv });
  assert.deepEqual(m.order.items[0].product, {
    kind: "wine",
    bottleSizeMl: 750,
    quality: "Qualitätswein",
    grapes: ["Riesling", "Silvaner"],
    wineType: "Weißwein",
    taste: "trocken",
    organic: true,
  });
  assert.equal(m.order.items[0].weightGrams, 567, "the item's own weight wins");
  const missing = kontor.missingFromCatalogue(m.order, kontor.readCatalogue(csv).catalogue);
  assert.deepEqual(missing.missing, ["UNKNOWN-1"]);
  assert.deepEqual(
    missing.issues.map((i) => [i.path, i.code]),
    [["items[1].sku", "missing_from_catalogue"]],
  );
  assert.match(missing.issues[0].messageDe, /UNKNOWN-1/);
  assert.deepEqual(kontor.missingFromCatalogue(JSON.stringify(m.order), csv).missing, ["UNKNOWN-1"]);
});

test("the builders take a catalogue option: Geisenheim gets the wine facts, kivitendo the part id", () => {
  const order = {
    number: "1",
    invoiceId: 7,
    orderedAt: "2024-04-04T09:06:27Z",
    customer: { email: "piet@example.com", firstName: "Piet", lastName: "Pauls" },
    billingAddress: { street: "Teststraße 42", zip: "12435", city: "Berlin", country: "DE" },
    shipping: { carrier: "DHL" },
    items: [{ sku: "IPOD2008PINK", quantity: 6, unitPrice: "7.50", taxRate: 19 }],
  };
  const salt = "a-long-secret-salt-of-this-shop";
  const bare = kontor.toGeisenheim(order, { recipientSalt: salt });
  assert.notEqual(bare.ok && bare.payload.items[0].size, 750);
  const built = kontor.toGeisenheim(order, { recipientSalt: salt, catalogue: csv });
  assert.equal(built.ok, true, JSON.stringify(built.issues));
  assert.equal(built.payload.items[0].size, 750);
  const ids = { customerId: 1, taxzoneId: 4, currencyId: 1 };
  assert.equal(kontor.toKivitendoOrderXml(order, ids).ok, false, "no product id without the catalogue");
  const xml = kontor.toKivitendoOrderXml(order, { ...ids, catalogue: kontor.readCatalogue(csv).catalogue });
  assert.equal(xml.ok, true, JSON.stringify(xml.issues));
  assert.match(xml.xml, /<product-id>42<\/product-id>/);
  const check = kontor.validateOrder(order, { target: "geisenheim", options: { recipientSalt: salt, catalogue: csv } });
  assert.equal(check.valid, true, JSON.stringify(check.issues));
  // The lineage names the catalogue for the facts it filled in, the order for the rest.
  const explained = kontor.toGeisenheim(order, { recipientSalt: salt, catalogue: csv, explain: true });
  const from = (field) => explained.lineage.find((e) => e.field === field)?.from;
  assert.deepEqual(from("items[0].size"), ['catalogue["IPOD2008PINK"].bottleSizeMl']);
  assert.deepEqual(from("items[0].quantity"), ["items[0].quantity"]);
  const bad = kontor.toGeisenheim(order, { recipientSalt: salt, catalogue: "sku;kind\nX;beer\n" });
  assert.deepEqual(
    bad.issues.filter((i) => i.path.startsWith("options.")).map((i) => i.path),
    ["options.lines[2].kind"],
  );
});
