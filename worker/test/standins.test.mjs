// The stand-ins are strict where their documents are: without this, a worker test passing
// against them would prove little.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startGeisenheim } from "../../tests/standins/geisenheim.mjs";
import { startKivitendo } from "../../tests/standins/kivitendo.mjs";
import { startWestarp } from "../../tests/standins/westarp.mjs";

const basic = (u, p) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;
const send = async (s, method, path, headers, body) => {
  const r = await fetch(s.url + path, { method, headers, body });
  return { status: r.status, text: await r.text() };
};

test("Geisenheim refuses wrong credentials, other content types and missing fields (§1, §2.1)", async () => {
  const s = await startGeisenheim({ username: "api@test.de", password: "pw141819" });
  try {
    const ok = { Authorization: basic("api@test.de", "pw141819"), "Content-Type": "application/json" };
    assert.equal((await send(s, "POST", "/erp/orders", { ...ok, Authorization: basic("api@test.de", "x") }, "{}")).status, 401);
    assert.equal((await send(s, "POST", "/erp/orders", { ...ok, "Content-Type": "text/plain" }, "{}")).status, 400);
    const missing = await send(
      s,
      "POST",
      "/erp/orders",
      ok,
      JSON.stringify({
        date: "2020-09-22",
        id: 1,
        recipient: { id: "x", category: 1, source: "online" },
        items: [{ id: "127/4", quantity: 6, category: 1, price: 7.5, tax: 1.2, discount: 0 }],
      }),
    );
    assert.equal(missing.status, 400);
    assert.deepEqual(Object.keys(JSON.parse(missing.text).errors).sort(), [
      "items.0.size",
      "recipient.country",
      "recipient.delivery",
      "recipient.postalCode",
    ]);
    assert.equal((await send(s, "DELETE", "/erp/orders/1", ok)).status, 404);
    assert.equal(s.requests.length, 4, "every request is recorded");
  } finally {
    await s.close();
  }
});

test("Geisenheim refuses an id it has (or had) and a DELETE of an id it does not have (§2.1: ids are gapless database ids)", async () => {
  const s = await startGeisenheim({ username: "api@test.de", password: "pw141819" });
  try {
    const ok = { Authorization: basic("api@test.de", "pw141819"), "Content-Type": "application/json" };
    const order = (id, quantity) =>
      JSON.stringify({
        date: "2020-09-22",
        id,
        recipient: { id: "x", category: 1, source: "online", delivery: 1, postalCode: "65366", country: "DE" },
        items: [{ id: "127/4", quantity, category: 1, size: 0.75, price: 7.5, tax: 1.2, discount: 0 }],
      });
    assert.equal((await send(s, "POST", "/erp/orders", ok, order(7, 6))).status, 200);
    const twice = await send(s, "POST", "/erp/orders", ok, order(7, 6));
    assert.equal(twice.status, 400);
    assert.deepEqual(Object.keys(JSON.parse(twice.text).errors), ["id"]);
    // A return (negative quantity) under its own id is taken.
    assert.equal((await send(s, "POST", "/erp/orders", ok, order(8, -2))).status, 200);
    assert.equal((await send(s, "DELETE", "/erp/orders/7", ok)).status, 204);
    assert.equal((await send(s, "DELETE", "/erp/orders/7", ok)).status, 404);
    assert.equal((await send(s, "POST", "/erp/orders", ok, order(7, 6))).status, 400, "a cancelled id is not taken again");
    assert.deepEqual([...s.orders.keys()], ["8"]);
    assert.deepEqual([...s.deleted], ["7"]);
    assert.deepEqual(
      s.requests.map((r) => r.answered),
      [200, 400, 200, 204, 404, 400],
    );
  } finally {
    await s.close();
  }
});

test("kivitendo answers as the real plugin: wrong credentials, non-XML bodies, what its database refuses (a bare 500), unknown ids", async () => {
  const s = await startKivitendo({ username: "u", password: "p" });
  try {
    const ok = { Authorization: basic("u", "p"), "Content-Type": "application/xml" };
    assert.equal((await send(s, "GET", "/api/v1/customers?email=a%40b.de", { Authorization: basic("u", "q") })).status, 401);
    assert.equal((await send(s, "POST", "/api/v1/customers", { ...ok, "Content-Type": "application/json" }, "{}")).status, 400);
    const noName = await send(
      s,
      "POST",
      "/api/v1/customers",
      ok,
      "<customer><taxzone-id>4</taxzone-id><currency-id>1</currency-id></customer>",
    );
    assert.equal(noName.status, 500);
    assert.match(noName.text, /<error>Internal Server Error<\/error>/);
    const order = (head, unit = "Stck") =>
      `<order>${head}<customer-id>1</customer-id><orderitems><orderitem><qty>1</qty><unit>${unit}</unit></orderitem></orderitems></order>`;
    assert.equal((await send(s, "POST", "/api/v1/orders", ok, order("<order-number>1</order-number>"))).status, 500, "no record-type");
    assert.equal(
      (
        await send(
          s,
          "POST",
          "/api/v1/orders",
          ok,
          order("<order-number>1</order-number><record-type>sales_order</record-type>", "Flasche"),
        )
      ).status,
      500,
      "a unit the client lacks",
    );
    assert.equal(
      (await send(s, "POST", "/api/v1/orders", ok, order("<quote-number>A-1</quote-number><record-type>sales_quotation</record-type>")))
        .status,
      500,
      "oe.ordnumber NOT NULL",
    );
    const quote = await send(
      s,
      "POST",
      "/api/v1/orders",
      ok,
      order('<order-number type="string"/><quote-number>A-1</quote-number><record-type>sales_quotation</record-type>'),
    );
    assert.equal(quote.status, 200);
    assert.match((await send(s, "GET", "/api/v1/orders?quote_number=A-1", ok)).text, /<id type="integer">\d+<\/id>/);
    const c = await send(
      s,
      "POST",
      "/api/v1/customers",
      ok,
      "<customer><name>A</name><taxzone-id>4</taxzone-id><currency-id>1</currency-id></customer>",
    );
    assert.match(c.text, /<errors><\/errors>/);
    const unknown = await send(s, "GET", "/api/v1/customers/999", ok);
    assert.equal(unknown.status, 200);
    assert.match(unknown.text, /<nil-classes type="array"\/>/);
    assert.equal((await send(s, "PUT", "/api/v1/customers/999", ok, "<customer><name>B</name></customer>")).status, 404);
  } finally {
    await s.close();
  }
});

test("Westarp refuses a wrong token, other content types and orders without required fields (422, Laravel's shape)", async () => {
  const s = await startWestarp({ token: "t0k" });
  try {
    const ok = { Authorization: "Bearer t0k", "Content-Type": "application/json" };
    const bad = await send(s, "POST", "/orders", { ...ok, Authorization: "Bearer nope" }, "{}");
    assert.deepEqual([bad.status, JSON.parse(bad.text)], [401, { message: "Unauthenticated." }]);
    assert.equal((await send(s, "POST", "/orders", { ...ok, "Content-Type": "text/plain" }, "{}")).status, 415);
    const r = await send(s, "POST", "/orders", ok, JSON.stringify({ code: "1", type: "web", items: [{ quantity: 1 }] }));
    assert.equal(r.status, 422);
    const errors = JSON.parse(r.text).errors;
    assert.ok(
      ["type", "person", "payment_method_id", "items.0.isbn"].every((k) => k in errors),
      r.text,
    );
  } finally {
    await s.close();
  }
});
