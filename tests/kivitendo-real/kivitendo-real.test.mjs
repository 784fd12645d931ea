// kontor against the REAL kivitendo: the REST plugin (../shared/kivitendo/rest-api, run by
// run-rest-api.sh) on kivitendo's own client databases (3.9.2, 4.0.0 and 4.1.0) in a temporary
// PostgreSQL cluster. Every kivitendo operation kontor offers runs through the built package
// (and the worker's flow through `wrangler dev`), and the rows that land in PostgreSQL are read
// back and compared with the order. Needs scripts/setup.sh (PostgreSQL, Ruby) and
// scripts/build.sh (pkg/).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as kontor from "kontor";
import { startPostgres, startPlugin, missing, API_USER, API_PASSWORD } from "./real.mjs";
import { startWorker } from "../../worker/test/harness.mjs";

const example = JSON.parse(readFileSync(new URL("../../examples/b2c_online_wine.json", import.meta.url), "utf8"));
const SUPPORTED = ["3.9.2", "4.0.0"];
const db = (v) => `kivi_${v.replaceAll(".", "")}`;
const lacking = missing();
let pg;
const apis = {};

before(async () => {
  if (lacking.length) return;
  pg = await startPostgres();
  for (const v of [...SUPPORTED, "4.1.0"]) await pg.load(db(v), v);
  // The three plugins boot side by side (about 10 s).
  await Promise.all(
    [...SUPPORTED, "4.1.0"].map(async (v) => {
      apis[v] = await startPlugin(pg.url(db(v)), db(v));
    }),
  );
});

after(async () => {
  await Promise.all(Object.values(apis).map((a) => a.stop()));
  await pg?.stop();
});

const config = (v, extra = {}) => ({
  baseUrl: apis[v].baseUrl,
  username: API_USER,
  password: API_PASSWORD,
  taxzoneId: 4,
  currencyId: 1,
  ...extra,
});

/** Builds `operation`'s request, sends it and interprets the answer: `{ res, meaning, built }`. */
async function call(v, operation, input, extra = {}) {
  const built = kontor.request("kivitendo", operation, input, config(v, extra));
  assert.equal(built.ok, true, `${operation}: ${JSON.stringify(built.issues)}`);
  const res = await kontor.send(built.request);
  const meaning = kontor.interpretResponse("kivitendo", operation, res.status, res.body);
  return { res, meaning, built };
}
async function ok(v, operation, input, extra) {
  const r = await call(v, operation, input, extra);
  assert.equal(r.meaning.outcome, "accepted", `${operation} ${r.res.status} ${r.res.body} ${JSON.stringify(r.meaning.issues)}`);
  return r;
}
/** Sends a hand-made document, as a careless client would (to show what the server does). */
async function raw(v, method, path, xml) {
  const res = await fetch(`${apis[v].baseUrl}/api/v1/${path}`, {
    method,
    headers: { authorization: apis[v].auth, ...(xml ? { "content-type": "application/xml" } : {}) },
    body: xml,
  });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}
const rows = (v, sql) => pg.rows(db(v), sql);
const cents = (x) => Math.round(Number(x) * 100);

/** The test order: the example with its own number and e-mail, and a 7 % item beside the 19 % ones. */
function orderFor(tag) {
  const o = structuredClone(example);
  o.number = `WS-${tag}`;
  o.customer.email = `${tag.toLowerCase()}@example.com`;
  o.billingAddress.email = o.customer.email;
  o.items.push({ sku: "SAFT-1", name: "Traubensaft weiß 1 l", quantity: 3, unitPrice: "4.20", taxRate: 7, unit: "L" });
  return o;
}

/** What kivitendo must hold for an order with gross prices, computed here on its own: each line
 * qty × price × (1 − discount) to the cent, the tax of each rate from the rate's sum. */
function expectedTotals(o, shippingRate = 19) {
  const lines = o.items.map((i) => ({
    rate: i.taxRate,
    cents: Math.round((i.quantity * cents(i.unitPrice) * (100 - (i.discountPercent ?? 0))) / 100),
  }));
  lines.push({ rate: shippingRate, cents: cents(o.shipping.cost) });
  const perRate = new Map();
  for (const l of lines) perRate.set(l.rate, (perRate.get(l.rate) ?? 0) + l.cents);
  const gross = [...perRate.values()].reduce((a, b) => a + b, 0);
  const tax = [...perRate].reduce((a, [rate, sum]) => a + Math.round((sum * rate) / (100 + rate)), 0);
  return { gross, net: gross - tax, tax };
}

for (const v of SUPPORTED) {
  describe(`kivitendo ${v} with the REST plugin 0.5.0`, { skip: lacking.length ? `missing: ${lacking.join(", ")}` : false }, () => {
    const ids = { products: {} };

    test("the lists to configure: tax zones and currencies (XML served as application/json)", async () => {
      const { res, meaning } = await ok(v, "listTaxZones", null);
      assert.match(res.headers["content-type"], /^application\/json/, "the plugin's quirk");
      assert.match(res.body, /^<\?xml/);
      assert.deepEqual(
        meaning.data.map((z) => [z.id, z.description]).sort((a, b) => a[0] - b[0]),
        [
          [1, "EU mit USt-ID Nummer"],
          [2, "EU ohne USt-ID Nummer"],
          [3, "Außerhalb EU"],
          [4, "Inland"],
        ],
      );
      const cur = await ok(v, "listCurrencies", null);
      assert.deepEqual(
        cur.meaning.data.map((c) => [c.id, c.name]),
        [
          [1, "EUR"],
          [2, "USD"],
        ],
      );
      // The units kontor checks by default are the client's.
      const units = (await rows(v, "SELECT name FROM units ORDER BY sortkey")).map((r) => r.name);
      assert.deepEqual(units, ["Stck", "psch", "Tag", "Std", "min", "t", "kg", "g", "mg", "L", "ml"]);
    });

    test("customers: created with contact and shipping address, the rows as the order says", async () => {
      const o = orderFor("C1");
      const { meaning } = await ok(v, "createCustomer", o);
      const id = meaning.data.id;
      ids.customer = id;
      const [c] = await rows(
        v,
        `SELECT name, street, zipcode, city, country, email, customernumber, taxzone_id, currency_id, obsolete FROM customer WHERE id = ${id}`,
      );
      assert.deepEqual(c, {
        name: "Anna Becker",
        street: "Schloßstraße 12",
        zipcode: "65366",
        city: "Geisenheim",
        country: "Deutschland",
        email: "c1@example.com",
        customernumber: null,
        taxzone_id: 4,
        currency_id: 1,
        obsolete: false,
      });
      const contacts = await rows(v, `SELECT cp_givenname, cp_name, cp_gender FROM contacts WHERE cp_cv_id = ${id}`);
      assert.deepEqual(contacts, [{ cp_givenname: "Anna", cp_name: "Becker", cp_gender: "f" }]);
      const ship = await rows(
        v,
        `SELECT shiptoname, shiptocontact, shiptostreet, shiptozipcode, shiptocity, shiptocountry, module FROM shipto WHERE trans_id = ${id}`,
      );
      assert.deepEqual(ship, [
        {
          shiptoname: null,
          shiptocontact: "Anna Becker",
          shiptostreet: "Oranienstraße 185",
          shiptozipcode: "10999",
          shiptocity: "Berlin",
          shiptocountry: "Deutschland",
          module: "CT",
        },
      ]);

      // The shop's customer number, on request; JSON routes give the same rows.
      const o2 = orderFor("C2");
      const two = await ok(v, "createCustomer", o2, { customerNumber: "shop", format: "json" });
      const [c2] = await rows(v, `SELECT name, customernumber, country FROM customer WHERE id = ${two.meaning.data.id}`);
      assert.deepEqual(c2, { name: "Anna Becker", customernumber: "C-1001", country: "Deutschland" });
      assert.equal((await rows(v, `SELECT cp_givenname FROM contacts WHERE cp_cv_id = ${two.meaning.data.id}`))[0].cp_givenname, "Anna");
    });

    test("look-up: by e-mail, by id, an unknown id (200 with an empty nil-classes list)", async () => {
      const found = await ok(v, "findCustomers", { email: "c1@example.com" });
      assert.deepEqual(
        found.meaning.data.map((c) => c.id),
        [ids.customer],
      );
      const none = await ok(v, "findCustomers", { email: "nobody@example.com" });
      assert.deepEqual(none.meaning.data, []);
      const one = await raw(v, "GET", `customers/${ids.customer}`);
      const shown = kontor.interpretResponse("kivitendo", "showCustomer", one.status, one.body);
      assert.equal(shown.outcome, "accepted");
      assert.equal(shown.data.name, "Anna Becker");
      assert.equal(shown.data.contacts[0].last_name, "Becker");
      const unknown = await raw(v, "GET", "customers/999999");
      assert.equal(unknown.status, 200, "the plugin's answer for an unknown id");
      assert.match(unknown.type, /^application\/json/);
      assert.match(unknown.body, /<nil-classes type="array"\/>/);
      const meaning = kontor.interpretResponse("kivitendo", "showCustomer", unknown.status, unknown.body);
      assert.equal(meaning.outcome, "rejected");
      assert.deepEqual(
        meaning.issues.map((i) => i.code),
        ["not_found"],
      );
    });

    test("update: 200 with id and errors; the customer's fields change, an existing contact and shipping address stay", async () => {
      const o = orderFor("C1");
      o.customer.company = "Becker Weinhandel GmbH";
      o.customer.firstName = "Eva";
      o.billingAddress = { ...o.billingAddress, street: "Rheinstraße 3", zip: "65385", city: "Rüdesheim" };
      o.shippingAddress = { ...o.shippingAddress, street: "Neue Straße 1" };
      const { res, meaning, built } = await ok(v, "updateCustomer", o, { customerId: ids.customer });
      assert.equal(res.status, 200);
      assert.match(res.body, new RegExp(`<id type="integer">${ids.customer}</id>\\s*<errors></errors>`));
      assert.ok(built.issues.some((i) => i.code === "contacts_kept" && i.severity === "warning"));
      const [c] = await rows(v, `SELECT name, street, zipcode, city FROM customer WHERE id = ${ids.customer}`);
      assert.deepEqual(c, { name: "Becker Weinhandel GmbH", street: "Rheinstraße 3", zipcode: "65385", city: "Rüdesheim" });
      // What the warning says: the plugin changes a copy of the first contact and never saves it.
      assert.deepEqual(await rows(v, `SELECT cp_givenname FROM contacts WHERE cp_cv_id = ${ids.customer}`), [{ cp_givenname: "Anna" }]);
      assert.deepEqual(await rows(v, `SELECT shiptostreet FROM shipto WHERE trans_id = ${ids.customer}`), [
        { shiptostreet: "Oranienstraße 185" },
      ]);

      // A customer without contact and shipping address gets them from an update.
      const bare = orderFor("C3");
      bare.customer.company = "Ohne Kontakt KG";
      delete bare.customer.firstName;
      delete bare.customer.lastName;
      delete bare.shippingAddress;
      const created = await ok(v, "createCustomer", bare);
      const cid = created.meaning.data.id;
      assert.deepEqual(await rows(v, `SELECT cp_id FROM contacts WHERE cp_cv_id = ${cid}`), []);
      await ok(v, "updateCustomer", orderFor("C3"), { customerId: cid });
      assert.deepEqual(await rows(v, `SELECT cp_givenname, cp_name FROM contacts WHERE cp_cv_id = ${cid}`), [
        { cp_givenname: "Anna", cp_name: "Becker" },
      ]);
      assert.deepEqual(await rows(v, `SELECT shiptocity FROM shipto WHERE trans_id = ${cid}`), [{ shiptocity: "Berlin" }]);
      // An unknown id: Rails' 404.
      const gone = await call(v, "updateCustomer", o, { customerId: 999999 });
      assert.equal(gone.res.status, 404);
      assert.equal(gone.meaning.outcome, "rejected");
    });

    test("categories and products: the booking group and the unit as kivitendo needs them", async () => {
      const cat = await ok(v, "createCategory", { name: "Weine", sortkey: 1 });
      ids.category = cat.meaning.data.id;
      assert.deepEqual(await rows(v, `SELECT partsgroup, sortkey FROM partsgroup WHERE id = ${ids.category}`), [
        { partsgroup: "Weine", sortkey: 1 },
      ]);
      const o = orderFor("P");
      for (const item of o.items) {
        const p = {
          productnumber: item.sku,
          description: item.name,
          unit: item.unit ?? "Stck",
          partType: "part",
          sellprice: item.unitPrice,
          taxGroupId: item.taxRate === 7 ? 860 : 859,
          categoryId: ids.category,
        };
        ids.products[item.sku] = (await ok(v, "createProduct", p)).meaning.data.id;
      }
      ids.shipping = (
        await ok(v, "createProduct", {
          productnumber: "VERSAND",
          description: "Versand",
          unit: "Stck",
          partType: "service",
          taxGroupId: 859,
        })
      ).meaning.data.id;
      const parts = await rows(
        v,
        `SELECT partnumber, unit, buchungsgruppen_id, partsgroup_id, sellprice::text, part_type::text FROM parts WHERE partnumber IN ('2021-RI-TR', 'SAFT-1') ORDER BY partnumber`,
      );
      assert.deepEqual(parts, [
        {
          partnumber: "2021-RI-TR",
          unit: "Stck",
          buchungsgruppen_id: 859,
          partsgroup_id: ids.category,
          sellprice: "59.40000",
          part_type: "part",
        },
        { partnumber: "SAFT-1", unit: "L", buchungsgruppen_id: 860, partsgroup_id: ids.category, sellprice: "4.20000", part_type: "part" },
      ]);
      // How a user reads a booking group id from their kivitendo: GET /api/v1/products/{id}.
      const shown = await raw(v, "GET", `products/${ids.products["SAFT-1"]}`);
      assert.match(shown.body, /<tax-group-id type="integer">860<\/tax-group-id>/);

      // kontor refuses before sending what kivitendo cannot take; the server shows why.
      const noGroup = kontor.request("kivitendo", "createProduct", { productnumber: "X-1", unit: "Stck", partType: "part" }, config(v));
      assert.equal(noGroup.ok, false);
      assert.deepEqual(
        noGroup.issues.map((i) => i.code),
        ["missing_field"],
      );
      const flasche = kontor.request(
        "kivitendo",
        "createProduct",
        { productnumber: "X-2", unit: "Flasche", partType: "part", taxGroupId: 859 },
        config(v),
      );
      assert.deepEqual(
        flasche.issues.map((i) => `${i.path} ${i.code}`),
        ["unit unknown_unit"],
      );
      const sent = await raw(
        v,
        "POST",
        "products",
        "<product><productnumber>X-2</productnumber><unit>Flasche</unit><part-type>part</part-type></product>",
      );
      assert.equal(sent.status, 500, "a unit the client lacks breaks a foreign key: a bare 500");
      assert.match(sent.body, /<error>Internal Server Error<\/error>/);
      assert.equal(kontor.interpretResponse("kivitendo", "createProduct", sent.status, sent.body).outcome, "retry");
      assert.deepEqual(await rows(v, "SELECT id FROM parts WHERE partnumber = 'X-2'"), []);
      // A client that has the unit says so.
      await ok(v, "createProduct", { productnumber: "X-3", unit: "g", partType: "part", taxGroupId: 859 }, { units: ["Stck", "g"] });
    });

    test("orders: items, prices, quantities, units, base-qty, taxes, totals, record type and numbers in PostgreSQL", async () => {
      const o = orderFor("O1");
      const extra = { customerId: ids.customer, productIds: ids.products, shippingProductId: ids.shipping };
      const { meaning, built } = await ok(v, "createOrder", o, extra);
      const id = meaning.data.id;
      const [head] = await rows(
        v,
        `SELECT ordnumber, quonumber, cusordnumber, record_type::text, customer_id, amount::text, netamount::text, taxincluded,
        transdate::text, taxzone_id, currency_id, shipvia FROM oe WHERE id = ${id}`,
      );
      const want = expectedTotals(o);
      assert.deepEqual(head, {
        ordnumber: "WS-O1",
        quonumber: null,
        cusordnumber: "WS-O1",
        record_type: "sales_order",
        customer_id: ids.customer,
        amount: (want.gross / 100).toFixed(5),
        netamount: (want.net / 100).toFixed(5),
        taxincluded: true,
        transdate: "2024-04-05",
        taxzone_id: 4,
        currency_id: 1,
        shipvia: "DHL Paket",
      });
      assert.match(built.request.body, /<gross-total>/);
      const items = await rows(
        v,
        `SELECT position, parts_id, description, qty::text, base_qty, unit, sellprice::text, discount FROM orderitems WHERE trans_id = ${id} ORDER BY position`,
      );
      const wantItems = o.items.map((i, n) => ({
        position: n + 1,
        parts_id: ids.products[i.sku],
        description: i.name,
        qty: `${i.quantity}.00000`,
        base_qty: i.quantity,
        unit: i.unit ?? "Stck",
        sellprice: `${Number(i.unitPrice).toFixed(5)}`,
        discount: (i.discountPercent ?? 0) / 100,
      }));
      wantItems.push({
        position: o.items.length + 1,
        parts_id: ids.shipping,
        description: "DHL Paket",
        qty: "1.00000",
        base_qty: 1,
        unit: "Stck",
        sellprice: "5.90000",
        discount: 0,
      });
      assert.deepEqual(items, wantItems);
      // The taxes: what kivitendo holds as gross minus net, per the two rates.
      assert.equal(cents(head.amount) - cents(head.netamount), want.tax);

      // Look-ups by number and by id; an unknown order id is Rails' 404.
      assert.deepEqual(
        (await ok(v, "findOrders", { orderNumber: "WS-O1" })).meaning.data.map((x) => x.id),
        [id],
      );
      const unknown = await raw(v, "GET", "orders/999999");
      assert.equal(unknown.status, 404, "orders answer Rails' 404, unlike customers");
      assert.equal(kontor.interpretResponse("kivitendo", "findOrders", unknown.status, unknown.body).outcome, "rejected");

      // kivitendo's own numbering: the next sales order number, the shop's in cusordnumber.
      const k = await ok(v, "createOrder", orderFor("O2"), { ...extra, orderNumber: "kivitendo" });
      const [kn] = await rows(
        v,
        `SELECT ordnumber, cusordnumber, (SELECT sonumber FROM defaults) AS sonumber FROM oe WHERE id = ${k.meaning.data.id}`,
      );
      assert.deepEqual(kn, { ordnumber: kn.sonumber, cusordnumber: "WS-O2", sonumber: kn.sonumber });
      assert.match(kn.ordnumber, /^\d+$/);
    });

    test("the seven record types; quotations numbered by quote-number and found by it", async () => {
      const extra = { customerId: ids.customer, productIds: ids.products, shippingProductId: ids.shipping };
      for (const t of [
        "sales_order",
        "sales_order_intake",
        "sales_quotation",
        "request_quotation",
        "purchase_quotation_intake",
        "purchase_order",
        "purchase_order_confirmation",
      ]) {
        const number = `RT-${t}`;
        const o = { ...orderFor("RT"), number };
        const { meaning } = await ok(v, "createOrder", o, { ...extra, recordType: t });
        const [row] = await rows(v, `SELECT ordnumber, quonumber, record_type::text FROM oe WHERE id = ${meaning.data.id}`);
        const quotation = t.endsWith("quotation") || t === "purchase_quotation_intake";
        assert.deepEqual(
          row,
          quotation ? { ordnumber: "", quonumber: number, record_type: t } : { ordnumber: number, quonumber: null, record_type: t },
          t,
        );
        const found = await ok(v, "findOrders", quotation ? { quoteNumber: number } : { orderNumber: number });
        assert.deepEqual(
          found.meaning.data.map((x) => x.id),
          [meaning.data.id],
          t,
        );
      }
      // Anything else is an issue before sending; sent anyway, the enum refuses it with a bare 500.
      const bad = kontor.request("kivitendo", "createOrder", orderFor("RT"), config(v, { ...extra, recordType: "invoice" }));
      assert.equal(bad.ok, false);
      assert.ok(bad.issues.some((i) => i.path === "options.recordType" && i.code === "invalid_value"));
      const sent = await raw(
        v,
        "POST",
        "orders",
        `<order><order-number>RT-X</order-number><record-type>invoice</record-type><customer-id>${ids.customer}</customer-id><taxzone-id>4</taxzone-id><currency-id>1</currency-id></order>`,
      );
      assert.equal(sent.status, 500);
      // A quotation without an order number breaks oe.ordnumber's NOT NULL: kontor sends an empty one.
      const noNumber = await raw(
        v,
        "POST",
        "orders",
        `<order><quote-number>RT-Y</quote-number><record-type>sales_quotation</record-type><customer-id>${ids.customer}</customer-id><taxzone-id>4</taxzone-id><currency-id>1</currency-id></order>`,
      );
      assert.equal(noNumber.status, 500);
      assert.deepEqual(await rows(v, "SELECT id FROM oe WHERE ordnumber = 'RT-X' OR quonumber = 'RT-Y'"), []);
    });

    test("the sync flow through the package: created once, found the second time", async () => {
      const o = orderFor("S1");
      const cfg = config(v, { productIds: ids.products, shippingProductId: ids.shipping });
      for (let run = 0; run < 2; run++) {
        let step = kontor.kivitendoSync(o, cfg);
        let n = 0;
        while (step.request && n++ < 8) {
          const res = await kontor.send(step.request);
          step = kontor.kivitendoSync(o, cfg, step.state, { status: res.status, body: res.body });
        }
        assert.equal(step.outcome, "accepted", JSON.stringify(step.issues));
        assert.equal(step.state.createdCustomer, run === 0);
        assert.equal(step.state.createdOrder, run === 0);
      }
      assert.equal((await rows(v, "SELECT id FROM customer WHERE email = 's1@example.com'")).length, 1);
      assert.equal((await rows(v, "SELECT id FROM oe WHERE ordnumber = 'WS-S1'")).length, 1);
    });

    test("the worker's whole kivitendo flow through wrangler dev", { timeout: 240_000 }, async () => {
      const secrets = { KIVITENDO_USERNAME: API_USER, KIVITENDO_PASSWORD: API_PASSWORD, KONTOR_API_TOKEN: "real-kivi-token-5d1e" };
      const worker = await startWorker({
        secrets,
        vars: {
          KIVITENDO_BASE_URL: apis[v].baseUrl,
          RETRY_BASE_SECONDS: "1",
          KIVITENDO_OPTIONS: JSON.stringify({ taxzoneId: 4, currencyId: 1, productIds: ids.products, shippingProductId: ids.shipping }),
        },
      });
      try {
        const post = (body) =>
          fetch(`${worker.url}/v1/kivitendo/orders`, {
            method: "POST",
            headers: { authorization: `Bearer ${secrets.KONTOR_API_TOKEN}`, "content-type": "application/json" },
            body: JSON.stringify(body),
          });
        const o = orderFor("W1");
        const r = await post(o);
        const d = await r.json();
        assert.equal(r.status, 200, JSON.stringify(d));
        assert.equal(d.status, "accepted");
        const [order] = await rows(v, "SELECT id, customer_id, amount::text, record_type::text FROM oe WHERE ordnumber = 'WS-W1'");
        assert.equal(d.upstreamId, String(order.id));
        const [customer] = await rows(v, `SELECT name, email, country FROM customer WHERE id = ${order.customer_id}`);
        assert.deepEqual(customer, { name: "Anna Becker", email: "w1@example.com", country: "Deutschland" });
        assert.equal(cents(order.amount), expectedTotals(o).gross);
        assert.equal(order.record_type, "sales_order");
        assert.equal((await rows(v, `SELECT id FROM orderitems WHERE trans_id = ${order.id}`)).length, o.items.length + 1);
        // The same order again: answered from the ledger, nothing new in kivitendo.
        const again = await post(o);
        assert.equal((await again.json()).status, "accepted");
        assert.equal((await rows(v, "SELECT id FROM oe WHERE ordnumber = 'WS-W1'")).length, 1);
        assert.equal((await rows(v, "SELECT id FROM customer WHERE email = 'w1@example.com'")).length, 1);
      } finally {
        await worker.stop();
      }
    });
  });
}

describe(
  "kivitendo 4.1.0 with the REST plugin 0.5.0: refused clearly",
  { skip: lacking.length ? `missing: ${lacking.join(", ")}` : false },
  () => {
    const v = "4.1.0";

    test("creating a customer fails (country → country_id, contacts without cp_cv_id); showing one fails too", async () => {
      const r = await call(v, "createCustomer", orderFor("X1"));
      assert.equal(r.res.status, 500);
      assert.equal(r.meaning.outcome, "retry", "a single bare 500 looks like an outage");
      assert.deepEqual(await rows(v, "SELECT id FROM customer"), []);
      // A customer made without the plugin's country cannot be shown: contacts.cp_cv_id is gone.
      await pg.exec(db(v), "INSERT INTO customer (name, taxzone_id, currency_id, country_id) VALUES ('Direkt', 4, 1, 57)");
      const [c] = await rows(v, "SELECT id FROM customer WHERE name = 'Direkt'");
      const shown = await raw(v, "GET", `customers/${c.id}`);
      assert.equal(shown.status, 500);
    });

    test("the sync flow: the second 500 of the same create ends it rejected, in words, once", async () => {
      const o = orderFor("X2");
      const cfg = config(v, { productIds: { "2021-RI-TR": 1, "2020-SB-GG": 2, "TB-05": 3, "SAFT-1": 4 } });
      let state;
      const outcomes = [];
      for (let attempt = 0; attempt < 2; attempt++) {
        // As the worker resumes a create: from the look-up.
        let step = state ? kontor.kivitendoSync(o, cfg, { ...state, step: "findCustomer" }) : kontor.kivitendoSync(o, cfg);
        while (step.request) {
          const res = await kontor.send(step.request);
          step = kontor.kivitendoSync(o, cfg, step.state, { status: res.status, body: res.body });
          if (step.outcome === "retry") break;
        }
        state = step.state;
        outcomes.push(step.outcome);
        if (attempt === 1) {
          assert.equal(step.done, true);
          const words = step.issues.filter((i) => i.code === "refused_by_kivitendo");
          assert.equal(words.length, 1);
          assert.match(
            words[0].message,
            /does not support \(kivitendo 3\.9\.2 and 4\.0\.0 with the REST plugin 0\.5\.0 are; 4\.1 is not\)/,
          );
          assert.match(words[0].messageDe, /4\.1/);
        }
      }
      assert.deepEqual(outcomes, ["retry", "rejected"]);
    });

    test("the worker's delivery: rejected with the words, not retried until dead", { timeout: 240_000 }, async () => {
      const secrets = { KIVITENDO_USERNAME: API_USER, KIVITENDO_PASSWORD: API_PASSWORD, KONTOR_API_TOKEN: "real-kivi-token-41aa" };
      const worker = await startWorker({
        secrets,
        vars: {
          KIVITENDO_BASE_URL: apis[v].baseUrl,
          RETRY_BASE_SECONDS: "1",
          KIVITENDO_OPTIONS: JSON.stringify({
            taxzoneId: 4,
            currencyId: 1,
            productIds: { "2021-RI-TR": 1, "2020-SB-GG": 2, "TB-05": 3, "SAFT-1": 4 },
            shippingProductId: 5,
          }),
        },
      });
      try {
        const auth = { authorization: `Bearer ${secrets.KONTOR_API_TOKEN}` };
        const r = await fetch(`${worker.url}/v1/kivitendo/orders`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify(orderFor("X3")),
        });
        let d = await r.json();
        assert.equal(d.status, "queued", JSON.stringify(d));
        const deadline = Date.now() + 60_000;
        while (d.status === "queued" && Date.now() < deadline) {
          await new Promise((res) => setTimeout(res, 300));
          d = await (await fetch(`${worker.url}/v1/deliveries/${d.id}`, { headers: auth })).json();
        }
        assert.equal(d.status, "rejected", JSON.stringify(d));
        assert.equal(d.attempts ?? d.attemptLog.length, 2);
        const words = d.issues.filter((i) => i.code === "refused_by_kivitendo");
        assert.equal(words.length, 1, JSON.stringify(d.issues));
        assert.match(words[0].message, /does not support .*4\.1 is not/);
        assert.deepEqual(await rows(v, "SELECT id FROM customer WHERE email = 'x3@example.com'"), []);
      } finally {
        await worker.stop();
      }
    });
  },
);
