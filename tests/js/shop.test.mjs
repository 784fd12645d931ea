// OmniSeller HTKService4 and kvik.shop through the built package, over real HTTP (send())
// against local fakes that follow the documents: token sessions, function-numbered calls,
// the envelope; HTTPS-only (loopback allowed by the explicit test setting), gzip answers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import * as kontor from "kontor";

const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
const json = (name) => JSON.parse(fixture(name));

async function serve(handler) {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => handler(req, res, body));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

test("OmniSeller: token, calls with the session, categories to kivitendo, an order mapped", async () => {
  const calls = [];
  const { server, url } = await serve((req, res, body) => {
    const msg = JSON.parse(body);
    calls.push([req.url, msg.function ?? "token"]);
    res.setHeader("content-type", "application/json");
    if (req.url === "/omniseller/Tokenrequest.php") {
      if (msg.apipass !== "apipass") return res.end('{"status":"ERROR","debugMessage":"Login failed"}');
      return res.end(fixture("omniseller/token_answer.json"));
    }
    if (msg.token !== "410C2DC6-88F0-4DAA-81DF-F3A62299B467") return res.end('{"status":"ERROR","debugMessage":"invalid token"}');
    const answers = { 5: "categories_answer", 12: "order_ids_answer", 11: "order_answer" };
    res.end(fixture(`omniseller/${answers[msg.function]}.json`));
  });
  try {
    const config = { baseUrl: url, username: "apiuser", password: "apipass" };
    const call = async (op, input) => {
      const r = kontor.request("omniseller", op, input, config);
      assert.deepEqual(r.issues, [], op);
      const res = await kontor.send(r.request);
      return kontor.interpretResponse("omniseller", op, res.status, res.body);
    };
    const token = await call("requestToken");
    assert.equal(token.outcome, "accepted");
    assert.ok(Date.parse(token.data.expiresAt) > Date.now() + 890_000, token.data.expiresAt);
    config.session = token.data;

    const cats = await call("getCategories");
    assert.deepEqual(
      cats.data.map((c) => [c.name, c.depth, c.active]),
      [
        ["Möbel", 0, true],
        ["Stühle", 1, true],
        ["Tische", 1, true],
        ["Archiv", 0, false],
      ],
    );
    assert.deepEqual(
      cats.issues.map((i) => i.code),
      ["orphan_category"],
    );
    const docs = kontor.omnisellerToKivitendoCategories(cats.data);
    assert.match(docs.documents[1].xml, /<name>Stühle<\/name>\n  <sortkey>20<\/sortkey>/);

    const ids = await call("getOrderIds");
    const order = await call("getOrder", { id: ids.data[0].ID });
    assert.equal(order.outcome, "accepted");
    const mapped = kontor.fromOmnisellerOrder(order.data, json("omniseller/order_mapping.json"));
    assert.equal(mapped.valid, true, JSON.stringify(mapped.issues));
    assert.equal(mapped.order.orderedAt, "2021-02-17T13:50:25+01:00");
    const xml = kontor.toKivitendoCustomerXml(mapped.order, { taxzoneId: 4, currencyId: 1 });
    assert.deepEqual(xml.issues, []);
    assert.deepEqual(
      calls.map((c) => c[1]),
      ["token", "5", "12", "11"],
    );

    // Near the end of the token's life, no call is built: ask for a new token first.
    config.session = { ...token.data, expiresAt: Date.now() + 30_000 };
    const late = kontor.request("omniseller", "getOrderIds", null, config);
    assert.equal(late.ok, false);
    assert.equal(late.issues[0].code, "session_expired");
    // A wrong password: the envelope's status decides, with its debugMessage.
    const bad = kontor.request("omniseller", "requestToken", null, { ...config, password: "nope" });
    const res = await kontor.send(bad.request);
    const refused = kontor.interpretResponse("omniseller", "requestToken", res.status, res.body);
    assert.equal(refused.outcome, "auth_failed");
    assert.match(refused.issues[0].message, /Login failed/);
  } finally {
    server.close();
  }
});

test("OmniSeller: without a mapping the error says what to pass", () => {
  const r = kontor.fromOmnisellerOrder(json("omniseller/order_answer.json"));
  assert.equal(r.valid, false);
  assert.equal(r.issues[0].code, "missing_mapping");
  assert.match(r.issues[0].message, /function .* or a field-path table/);
  const byFn = kontor.fromOmnisellerOrder(fixture("omniseller/order_answer.json"), (o) => ({
    number: String(o.OXORDERNR),
    orderedAt: "2021-02-17T12:50:25Z",
    customer: { email: o.Customer.OXUSERNAME },
    billingAddress: { street: "Teststraße 42", zip: "10115", city: "Berlin", country: "DE" },
    items: o.Articles.map((a) => ({
      sku: a.OXARTNUM,
      quantity: Number(a.OXAMOUNT),
      unitPrice: String(a.OXBPRICE).replace(",", "."),
      taxRate: 19,
    })),
  }));
  assert.equal(byFn.valid, true, JSON.stringify(byFn.issues));
  assert.equal(byFn.order.items[0].unitPrice, "7.50");
});

test("kvik.shop: HTTPS only, gzip always, JSON bodies; gzip answers decoded by fetch", async () => {
  const seen = [];
  const { server, url } = await serve((req, res, body) => {
    seen.push([req.method, req.url, req.headers["accept-encoding"], req.headers["content-type"], body]);
    if (req.headers["accept-encoding"] !== "gzip") return res.writeHead(400).end();
    res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
    res.end(gzipSync(JSON.stringify(req.method === "PATCH" ? { id: 1001, status: "shipped" } : { orders: [{ id: 1001 }] })));
  });
  try {
    const https = kontor.request("kvik", "listOrders", {}, { baseUrl: "https://yourshopname.com", token: "t" });
    assert.equal(https.request.url, "https://yourshopname.com/api/app/orders");
    const plain = kontor.request("kvik", "listOrders", {}, { baseUrl: url, token: "t" });
    assert.ok(
      plain.issues.some((i) => i.code === "https_required"),
      JSON.stringify(plain.issues),
    );
    const config = { baseUrl: url, token: "t", allowInsecure: true };
    const list = kontor.request("kvik", "listOrders", { status: "new" }, config);
    const answer = await kontor.send(list.request);
    const got = kontor.interpretResponse("kvik", "listOrders", answer.status, answer.body);
    assert.equal(got.outcome, "accepted");
    assert.deepEqual(got.data, { orders: [{ id: 1001 }] });
    const patch = kontor.request("kvik", "updateOrder", { id: 1001, changes: { status: "shipped" } }, config);
    const res = await kontor.send(patch.request);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { id: 1001, status: "shipped" });
    assert.deepEqual(seen.at(-1), ["PATCH", "/api/app/orders/1001", "gzip", "application/json", '{"status":"shipped"}']);
    const why = kontor.interpretResponse("kvik", "listOrders", 400, "");
    assert.match(why.issues[0].message, /Accept-Encoding: gzip/);
  } finally {
    server.close();
  }
});
