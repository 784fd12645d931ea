// The built package, imported exactly as a user would (`import ... from "kontor"`, ESM).
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import * as kontor from "kontor";

const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
const SALT = { recipientSalt: "a-long-secret-salt-of-this-shop" };
const seed = () => JSON.parse(fixture("geisenheim_seed_example.order.json"));

test("exports every documented function", () => {
  for (const name of [
    "validateOrder",
    "toGeisenheim",
    "request",
    "interpretResponse",
    "send",
    "version",
    "toKivitendoCustomerXml",
    "toKivitendoOrderXml",
    "toKivitendoProductXml",
    "toKivitendoCategoryXml",
    "parseKivitendoXml",
    "kivitendoSync",
    "splitStreet",
    "toWestarpOrder",
    "westarpShippingCost",
    "fromOmnisellerOrder",
    "omnisellerToKivitendoCategories",
  ]) {
    assert.equal(typeof kontor[name], "function", name);
  }
});

test("the document's example payload comes out of the seed order", () => {
  const want = JSON.parse(fixture("geisenheim_seed_example.expected.json"));
  const { payload, issues } = kontor.toGeisenheim(seed(), SALT);
  assert.deepEqual(issues, []);
  assert.match(payload.recipient.id, /^[0-9a-f]{20}$/);
  assert.deepEqual({ ...payload, recipient: { ...payload.recipient, id: "*" } }, { ...want, recipient: { ...want.recipient, id: "*" } });
});

test("amounts as decimal strings and numbers give identical payloads", () => {
  const a = seed();
  const b = seed();
  a.items[0].unitPrice = 7.5;
  b.items[0].unitPrice = "7.50";
  assert.deepEqual(kontor.toGeisenheim(a, SALT), kontor.toGeisenheim(b, SALT));
});

test("no binary-float error reaches the output (0.1 + 0.2 style prices)", () => {
  const o = seed();
  o.items[0].unitPrice = "0.30";
  o.items[0].quantity = 3;
  const { payload } = kontor.toGeisenheim(o, SALT);
  assert.equal(payload.items[0].price, 0.3);
  assert.equal(payload.items[0].tax, 0.05);
});

test("validateOrder reports every problem with its path, in English and German", () => {
  const r = kontor.validateOrder({ number: "1", items: [{ sku: "A", quantity: "many" }] });
  assert.equal(r.valid, false);
  const paths = r.issues.map((i) => i.path);
  for (const p of ["orderedAt", "customer", "billingAddress", "items[0].quantity", "items[0].unitPrice", "items[0].taxRate"]) {
    assert.ok(paths.includes(p), `${p} in ${paths}`);
  }
  for (const i of r.issues) {
    assert.ok(i.message && i.messageDe && i.code && ["error", "warning"].includes(i.severity));
  }
});

test("bad input never throws", () => {
  const cases = [
    undefined,
    null,
    42,
    "",
    "{",
    "[]",
    "null",
    { items: 5 },
    { number: { deep: [] } },
    { number: "1", items: [{ quantity: 1e308, unitPrice: -1, taxRate: 1000 }] },
    "[".repeat(5000) + "]".repeat(5000),
    { number: "x".repeat(1 << 20) },
  ];
  for (const c of cases) {
    const r = kontor.toGeisenheim(c, SALT);
    assert.equal(r.payload, undefined);
    assert.ok(
      r.issues.some((i) => i.severity === "error"),
      JSON.stringify(c)?.slice(0, 40),
    );
  }
  const cyclic = {};
  cyclic.self = cyclic;
  assert.equal(kontor.validateOrder(cyclic).issues[0].code, "invalid_input");
  assert.equal(kontor.validateOrder({ n: 1n }).issues[0].code, "invalid_input");
});

test("request() never puts credentials anywhere but the Authorization header", () => {
  const r = kontor.request("geisenheim", "createOrder", seed(), {
    environment: "production",
    username: "api@test.de",
    password: "pw141819",
    ...SALT,
  });
  assert.equal(r.ok, true);
  assert.equal(r.request.url, "https://api.geisenheim-portal.de/erp/orders");
  assert.equal(r.request.headers.Authorization, "Basic YXBpQHRlc3QuZGU6cHcxNDE4MTk=");
  assert.equal(r.request.headers["Content-Type"], "application/json");
  assert.ok(!r.request.body.includes("pw141819") && !r.request.body.includes("piet@example.com"));
  const missing = kontor.request("geisenheim", "createOrder", seed(), SALT);
  assert.equal(missing.ok, false);
  assert.equal(missing.request, undefined);
  assert.deepEqual(
    missing.issues.map((i) => i.path),
    ["config.username", "config.password"],
  );
});

test("cancelOrder is DELETE /erp/orders/{id}", () => {
  const r = kontor.request("geisenheim", "cancelOrder", { invoiceId: 3459872 }, { username: "u", password: "p" });
  assert.equal(r.request.method, "DELETE");
  assert.equal(r.request.url, "https://api.staging.geisenheim-portal.de/erp/orders/3459872");
  assert.equal(r.request.body, undefined);
});

test("splitStreet splits German address lines and refuses to guess", () => {
  assert.deepEqual(kontor.splitStreet("Straße des 17. Juni 135"), {
    ok: true,
    street: "Straße des 17. Juni",
    houseNumber: "135",
    issues: [],
  });
  assert.deepEqual(kontor.splitStreet("C 3 54"), { ok: true, street: "C 3", houseNumber: "54", issues: [] });
  assert.deepEqual(kontor.splitStreet("Brückenstr. 12a-13c").houseNumber, "12a-13c");
  const none = kontor.splitStreet("Am Markt");
  assert.equal(none.street, undefined);
  assert.equal(none.issues[0].code, "unsplittable_street");
});

test("toWestarpOrder reproduces the document's order sample", () => {
  const order = JSON.parse(fixture("westarp/order_seed_example.order.json"));
  const want = JSON.parse(fixture("westarp/order_seed_example.expected.json"));
  const { payload, issues } = kontor.toWestarpOrder(order, { type: "email" });
  assert.deepEqual(issues, []);
  assert.equal(payload.created_at, "2019-08-20T10:00:00+00:00");
  delete payload.created_at;
  want.items[0].isbn = "9784178702706";
  assert.deepEqual(payload, want);
  const bad = kontor.toWestarpOrder({ ...order, payment: { method: "paypal" } });
  assert.equal(bad.payload, undefined);
  assert.equal(bad.issues.find((i) => i.path === "payment.method").code, "unmapped_payment_method");
});

test("unknown targets and operations are issues", () => {
  assert.equal(kontor.request("nope", "x", {}, {}).issues[0].code, "unknown_target");
  assert.equal(kontor.request("geisenheim", "x", {}, {}).issues[0].code, "unknown_operation");
});

test("send() performs the request over fetch and interpretResponse() reads the answer", async () => {
  const seen = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
      const bad = JSON.parse(body).items[0].price > 100;
      res.writeHead(bad ? 400 : 200, { "content-type": "application/json" });
      res.end(bad ? JSON.stringify({ errors: { "items.0.price": ["price too high"] } }) : "{}");
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  try {
    const config = { baseUrl, username: "api@test.de", password: "pw141819", ...SALT };
    const req = kontor.request("geisenheim", "createOrder", seed(), config);
    const res = await kontor.send(req.request);
    assert.equal(res.status, 200);
    assert.equal(kontor.interpretResponse("geisenheim", "createOrder", res.status, res.body).outcome, "accepted");
    assert.equal(seen[0].method, "POST");
    assert.equal(seen[0].url, "/erp/orders");
    assert.equal(seen[0].auth, "Basic YXBpQHRlc3QuZGU6cHcxNDE4MTk=");

    const expensive = seed();
    expensive.items[0].unitPrice = 250;
    const res2 = await kontor.send(kontor.request("geisenheim", "createOrder", expensive, config).request);
    const meaning = kontor.interpretResponse("geisenheim", "createOrder", res2.status, res2.body);
    assert.equal(meaning.outcome, "rejected");
    assert.deepEqual(
      meaning.issues.map((i) => [i.path, i.message]),
      [["items[0].price", "Geisenheim: price too high"]],
    );
  } finally {
    server.close();
  }
  // A port nothing listens on (one just freed).
  const gone = createServer();
  await new Promise((r) => gone.listen(0, "127.0.0.1", r));
  const port = gone.address().port;
  await new Promise((r) => gone.close(r));
  const down = await kontor.send({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: {} });
  assert.equal(down.status, 0);
  // The network error keeps its cause (Node's fetch says only "fetch failed" on its own).
  assert.match(down.error, /fetch failed: .*ECONNREFUSED/);
  assert.equal(kontor.interpretResponse("geisenheim", "createOrder", down.status, down.body).outcome, "retry");
});

test("validateOrder with a target also reports what that document refuses", () => {
  const order = seed();
  delete order.items[0].product.quality;
  assert.equal(kontor.validateOrder(order).valid, true);
  const r = kontor.validateOrder(order, { target: "geisenheim", options: SALT });
  assert.equal(r.valid, false);
  assert.deepEqual(
    r.issues.filter((i) => i.severity === "error").map((i) => [i.path, i.code]),
    [["items[0].product.quality", "missing_field"]],
  );
  assert.equal(kontor.toGeisenheim(order, SALT).ok, false);
  const kivi = kontor.validateOrder(seed(), { target: "kivitendo-order" });
  assert.ok(
    kivi.issues.some((i) => i.path === "options.customerId"),
    JSON.stringify(kivi.issues),
  );
  assert.equal(kontor.validateOrder(seed(), { target: "shopify" }).issues[0].path, "options.target");
});

test("the browser entry has no top-level await: init() loads it, a call before says so", async () => {
  const entry = readFileSync(new URL("../../pkg/index.browser.mjs", import.meta.url), "utf8");
  assert.doesNotMatch(entry, /^await /m);
  // A copy of the package, so that this import does not share the glue Node's entry loaded.
  const copy = new URL(`../../.build/tmp/browser-entry-${process.pid}/`, import.meta.url);
  cpSync(new URL("../../pkg/", import.meta.url), copy, { recursive: true });
  writeFileSync(new URL("package.json", copy), '{"type":"module"}');
  const browser = await import(new URL("index.browser.mjs", copy));
  assert.throws(() => browser.toGeisenheim(seed(), SALT), /toGeisenheim\(\) was called before the module was loaded: `await init\(\)`/);
  // send() is plain JavaScript over fetch: it needs no module, so no init() either.
  assert.deepEqual(await browser.send(null), { status: 0, headers: {}, body: "", error: "request is missing or not an object" });
  await assert.rejects(browser.init("file:///nowhere/kontor_bg.wasm"), /serve kontor_bg.wasm and pass its URL to init\(\)/);
  await browser.init(readFileSync(new URL("../../pkg/web/kontor_bg.wasm", import.meta.url)));
  await browser.init(); // again: harmless
  assert.equal(browser.toGeisenheim(seed(), SALT).payload.items[0].price, 7.5);
  // Node's entries are ready at import; init() resolves at once there too.
  await kontor.init();
});

test("explain: every payload field names the order fields it was made from and the rule", () => {
  const order = seed();
  order.items[0].discount = "0.50";
  order.items[0].product.bottles = 6;
  const r = kontor.toGeisenheim(order, { ...SALT, explain: true });
  assert.equal(r.ok, true);
  const price = r.lineage.find((e) => e.field === "items[0].price");
  // The seed says `pricesIncludeTax: true`: gross prices, which the rule takes as they are.
  assert.deepEqual(price.from, ["items[0].unitPrice", "items[0].discount", "items[0].product.bottles", "pricesIncludeTax"]);
  assert.match(price.rule, /gross price of one bottle after discount.*§2\.1/);
  assert.match(price.ruleDe, /Bruttopreis einer Flasche/);
  assert.equal(r.payload.items[0].price, 1.17); // (7.50 − 0.50) / 6, half-up
  assert.equal(kontor.toGeisenheim(order, SALT).lineage, undefined, "only when asked");
  const ids = { taxzoneId: 4, currencyId: 1, customerId: 17, productIds: { "127/4": 5 }, explain: true };
  const xml = kontor.toKivitendoOrderXml(order, ids);
  assert.deepEqual(xml.lineage.find((e) => e.field === "order.orderitems.orderitem[0].product-id").from, [
    "items[0].sku",
    "options.productIds",
  ]);
  const w = kontor.toWestarpOrder(JSON.parse(fixture("westarp/order_seed_example.order.json")), { explain: true });
  assert.deepEqual(w.lineage.find((e) => e.field === "shipping_address.house_number").from, ["billingAddress.street"]);
});
