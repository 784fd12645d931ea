// The worker's text path through the built package: `{ as: "text" }` on every order builder
// gives `{ ok, body, issues }`, `body` being exactly the payload the object path returns,
// written as the request body.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as kontor from "kontor";

const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
/** One of the example orders (`examples/`, also the tests' orders). */
const example = (name) => readFileSync(new URL(`../../examples/${name}`, import.meta.url), "utf8");
const kivitendoOptions = {
  customerId: 17,
  taxzoneId: 4,
  currencyId: 1,
  paymentId: 2,
  shippingProductId: 99,
  productIds: { "2021-RI-TR": 1, "2020-SB-GG": 2, "TB-05": 3, "2022-RI-GW": 4, "2021-DF": 5, "OFFEN-RI": 6 },
};

test("toGeisenheim and toWestarpOrder with as: text return the JSON body text", () => {
  const text = fixture("geisenheim_seed_example.order.json");
  const r = kontor.toGeisenheim(text, { as: "text", recipientSalt: "s" });
  assert.equal(r.ok, true, JSON.stringify(r.issues));
  assert.equal(typeof r.body, "string");
  const obj = kontor.toGeisenheim(JSON.parse(text), { recipientSalt: "s" });
  assert.deepEqual(JSON.parse(r.body), obj.payload);
  assert.deepEqual(r.issues, obj.issues);

  const w = fixture("westarp/order_seed_example.order.json");
  const wr = kontor.toWestarpOrder(w, { as: "text", type: "email" });
  assert.equal(wr.ok, true, JSON.stringify(wr.issues));
  assert.deepEqual(JSON.parse(wr.body), kontor.toWestarpOrder(w, { type: "email" }).payload);
});

test("kivitendo builders with as: text return the XML itself", () => {
  const text = example("b2c_online_wine.json");
  const r = kontor.toKivitendoOrderXml(text, { ...kivitendoOptions, as: "text" });
  assert.equal(r.ok, true, JSON.stringify(r.issues));
  assert.equal(r.body, kontor.toKivitendoOrderXml(text, kivitendoOptions).xml);
  const c = kontor.toKivitendoCustomerXml(JSON.parse(text), { ...kivitendoOptions, as: "text" });
  assert.match(c.body, /^<customer>\n/);
  const p = kontor.toKivitendoProductXml(
    { productnumber: "P-1", unit: "Stck", partType: "part", description: "x", taxGroupId: 859 },
    { as: "text" },
  );
  assert.match(p.body, /^<product>\n/);
  const cat = kontor.toKivitendoCategoryXml({ name: "Weine", sortkey: 10 }, { as: "text" });
  assert.match(cat.body, /^<category>\n/);
});

test("errors on the text path: ok false, no body, every issue", () => {
  const broken = kontor.toGeisenheim('{"number": ', { as: "text" });
  assert.equal(broken.ok, false);
  assert.equal(broken.body, undefined);
  assert.deepEqual(
    broken.issues.map((i) => i.code),
    ["malformed_json"],
  );
  const empty = kontor.toWestarpOrder("{}", { as: "text" });
  assert.equal(empty.ok, false);
  assert.ok(empty.issues.some((i) => i.code === "missing_field"));
  const bad = kontor.toGeisenheim(example("b2c_online_wine.json"), { as: "yaml" });
  assert.equal(bad.payload, undefined);
  assert.ok(bad.issues.some((i) => i.path === "options.as"));
});
