// Westarp through the built package: order body, shipping cost, requests and answers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as kontor from "kontor";

const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
const config = { baseUrl: "https://api.example-westarp.de/v2", token: "tok123", type: "email" };

test("westarpShippingCost prices the document's three methods", () => {
  const dhl = {
    id: 4,
    name: "DHL, Inland",
    type: "weight",
    price: null,
    rates: { 0: 2.95, 1001: 4.99, 2001: 8.69, 5001: 12.69, 10001: 24.39 },
  };
  assert.deepEqual(kontor.westarpShippingCost(dhl, 1000), { ok: true, cost: 2.95, issues: [] });
  assert.equal(kontor.westarpShippingCost(dhl, 1001).cost, 4.99);
  assert.equal(kontor.westarpShippingCost({ type: "linear", price: 0.75 }, 2500).cost, 2.25);
  assert.equal(kontor.westarpShippingCost({ type: "fix", price: 0 }, 9999).cost, 0);
  assert.equal(kontor.westarpShippingCost({ type: "fixed", price: "4.90" }, 1).cost, 4.9);
  assert.equal(kontor.westarpShippingCost(dhl, -5).issues[0].path, "weightGrams");
  assert.equal(kontor.westarpShippingCost({ type: "volume" }, 5).issues[0].code, "shipping_cost");
});

test("request() builds Westarp calls with Bearer auth; deleting needs the id repeated", () => {
  const order = JSON.parse(fixture("westarp/order_seed_example.order.json"));
  const create = kontor.request("westarp", "createOrder", order, config);
  assert.equal(create.request.url, "https://api.example-westarp.de/v2/orders");
  assert.equal(create.request.headers.Authorization, "Bearer tok123");
  assert.equal(JSON.parse(create.request.body).type, "email");
  const list = kontor.request("westarp", "listBooks", { publisherId: 78, status: "non_web" }, config);
  assert.equal(list.request.url, "https://api.example-westarp.de/v2/books?publisher_id=78&status=nonweb");
  const unconfirmed = kontor.request("westarp", "deleteBook", { id: "78.154" }, config);
  assert.equal(unconfirmed.ok, false);
  assert.equal(unconfirmed.issues[0].code, "confirmation_required");
  const confirmed = kontor.request("westarp", "deleteBook", { id: "78.154", confirmDeletion: "78.154" }, config);
  assert.equal(confirmed.request.method, "DELETE");
});

test("interpretResponse() reads 422 field messages and hides VLB secrets", () => {
  const invalid = kontor.interpretResponse(
    "westarp",
    "createOrder",
    422,
    JSON.stringify({ message: "invalid", errors: { "items.0.isbn": ["The isbn is invalid."] } }),
  );
  assert.equal(invalid.outcome, "rejected");
  assert.equal(invalid.issues[0].path, "items[0].isbn");
  const publishers = kontor.interpretResponse(
    "westarp",
    "listPublishers",
    200,
    JSON.stringify([{ id: 51, name: "Wundersam Verlag", vlb_pass: "624de7eb38", vlb_token: "174ccbd8" }]),
  );
  assert.equal(publishers.data[0].vlb_pass, "[redacted]");
  assert.ok(!JSON.stringify(publishers).includes("624de7eb38"));
  const split = kontor.interpretResponse("westarp", "createOrder", 200, JSON.stringify({ data: [{ id: "74.1" }, { id: "76.2" }] }));
  assert.deepEqual(
    split.data.map((o) => o.id),
    ["74.1", "76.2"],
  );
});
