// kivitendo through the built package: documents, parsing, requests and the sync flow
// against a local fake kivitendo over real HTTP (send()).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import * as kontor from "kontor";

const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
/** One of the example orders (`examples/`, also the tests' orders). */
const example = (name) => readFileSync(new URL(`../../examples/${name}`, import.meta.url), "utf8");
const IDS = {
  customerId: 17,
  taxzoneId: 4,
  currencyId: 1,
  shippingProductId: 99,
  productIds: { "2021-RI-TR": 1, "2020-SB-GG": 2, "TB-05": 3 },
};

test("the slides' customer example comes out of an order", () => {
  const order = JSON.parse(fixture("kivitendo/customer_seed_example.order.json"));
  const r = kontor.toKivitendoCustomerXml(order, { taxzoneId: 4, currencyId: 1, legacyFirstNameTag: true });
  assert.equal(r.xml, fixture("kivitendo/customer_seed_example.xml"));
  const json = kontor.toKivitendoCustomerXml(order, { taxzoneId: 4, currencyId: 1, format: "json" });
  assert.equal(json.xml, undefined);
  assert.equal(json.payload.customer.contacts.contact[0].first_name, "Piet");
});

test("orders carry exact totals and name every missing id", () => {
  const order = example("b2c_online_wine.json");
  const r = kontor.toKivitendoOrderXml(order, IDS);
  assert.match(r.xml, /<gross-total>175.72<\/gross-total>\n  <net-total>147.66<\/net-total>/);
  const missing = kontor.toKivitendoOrderXml(order, {});
  assert.equal(missing.xml, undefined);
  const paths = missing.issues.map((i) => i.path);
  for (const p of ["options.customerId", "options.taxzoneId", "options.currencyId", "items[0].sku"]) assert.ok(paths.includes(p), p);
});

test("parseKivitendoXml reads documents and names line and column of broken ones", () => {
  const ok = kontor.parseKivitendoXml(fixture("kivitendo/customer_seed_example.xml"));
  assert.equal(ok.root, "customer");
  assert.equal(ok.data.shippings[0].contact, "Susanne Musterfrau");
  const bad = kontor.parseKivitendoXml(fixture("kivitendo/customer_seed_broken.xml"));
  assert.equal(bad.data, undefined);
  assert.equal(bad.issues[0].code, "malformed_xml");
  assert.match(bad.issues[0].message, /line 27 column/);
  const laughs = kontor.parseKivitendoXml('<!DOCTYPE l [<!ENTITY a "aaaa">]><l>&a;</l>');
  assert.match(laughs.issues[0].message, /DTD/);
});

test("products and categories check what the database requires", () => {
  const p = kontor.toKivitendoProductXml({ productnumber: "127/4", unit: "Stck", partType: "part", sellprice: "6.30", taxGroupId: 859 });
  assert.match(p.xml, /<part-type>part<\/part-type>/);
  // The booking group is required; the unit must be one of the client's.
  const bare = kontor.toKivitendoProductXml({ productnumber: "127/4", unit: "Flasche", partType: "part" });
  assert.deepEqual(
    bare.issues.map((i) => `${i.path} ${i.code}`),
    ["unit unknown_unit", "taxGroupId missing_field"],
  );
  assert.equal(
    kontor.toKivitendoProductXml({ productnumber: "127/4", unit: "Flasche", partType: "part", taxGroupId: 860 }, { units: ["Flasche"] }).ok,
    true,
  );
  assert.deepEqual(
    kontor.toKivitendoCategoryXml({ name: "Rotwein" }).issues.map((i) => i.path),
    ["sortkey"],
  );
});

test("sync creates customer and order once; the second run finds both", async () => {
  const store = { customers: [], orders: [], creates: 0 };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const url = new URL(req.url, "http://x");
      res.setHeader("content-type", "application/xml");
      if (req.headers.authorization !== "Basic YXBpOnNlY3JldA==") return res.writeHead(401).end("HTTP Basic: Access denied.");
      if (req.method === "GET" && url.pathname === "/api/v1/customers") {
        const hits = store.customers.filter((c) => c.email === url.searchParams.get("email"));
        return res.end(
          `<customers type="array">${hits.map((c) => `<customer><id type="integer">${c.id}</id></customer>`).join("")}</customers>`,
        );
      }
      if (req.method === "GET" && url.pathname === "/api/v1/orders") {
        const hits = store.orders.filter((o) => o.number === url.searchParams.get("order_number"));
        return res.end(`<orders type="array">${hits.map((o) => `<order><id type="integer">${o.id}</id></order>`).join("")}</orders>`);
      }
      const doc = kontor.parseKivitendoXml(body).data;
      const id = 100 + ++store.creates;
      if (url.pathname === "/api/v1/customers") store.customers.push({ id, email: doc.email });
      else store.orders.push({ id, number: doc.order_number, customer: doc.customer_id });
      res.end(
        `<${url.pathname.endsWith("customers") ? "customer" : "order"}><id type="integer">${id}</id><errors></errors></x>`.replace(
          "</x>",
          url.pathname.endsWith("customers") ? "</customer>" : "</order>",
        ),
      );
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const config = {
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    username: "api",
    password: "secret",
    ...IDS,
    customerId: undefined,
  };
  const order = example("b2c_online_wine.json");
  try {
    for (const run of [1, 2]) {
      let step = kontor.kivitendoSync(order, config);
      let sent = 0;
      while (step.request) {
        sent++;
        const res = await kontor.send(step.request);
        step = kontor.kivitendoSync(order, config, step.state, { status: res.status, body: res.body });
      }
      assert.deepEqual(
        step.issues.filter((i) => i.severity === "error"),
        [],
      );
      assert.equal(step.outcome, "accepted");
      assert.deepEqual([step.state.customerId, step.state.orderId], [101, 102]);
      assert.equal(sent, run === 1 ? 4 : 2);
    }
    assert.equal(store.creates, 2);
    assert.equal(store.orders[0].customer, "101");
  } finally {
    server.close();
  }
});

test("kivitendo requests and answers through request() and interpretResponse()", () => {
  const r = kontor.request(
    "kivitendo",
    "findCustomers",
    { email: "piet@example.com" },
    { baseUrl: "https://erp.example.com", username: "api", password: "secret" },
  );
  assert.equal(r.request.url, "https://erp.example.com/api/v1/customers?email=piet%40example.com");
  const answer = kontor.interpretResponse("kivitendo", "createCustomer", 200, '{"customer":{"id":null,"errors":"Name can\'t be blank"}}');
  assert.equal(answer.outcome, "rejected");
  assert.match(answer.issues[0].message, /Name can't be blank/);
});
