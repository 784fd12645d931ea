// The package's `workerd` entry running in workerd itself (through miniflare).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("the workerd entry imports and maps an order in workerd (and builds shop-side calls)", async () => {
  const mf = new Miniflare({
    modules: true,
    modulesRoot: root,
    scriptPath: fileURLToPath(new URL("./workerd/worker.mjs", import.meta.url)),
    // The package is "type": "module": its .js files are ES modules, as wrangler reads them.
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-01",
  });
  try {
    const order = readFileSync(new URL("../fixtures/geisenheim_seed_example.order.json", import.meta.url), "utf8");
    const ok = await mf.dispatchFetch("http://localhost/", { method: "POST", body: order });
    assert.equal(ok.status, 200);
    const r = await ok.json();
    assert.equal(r.payload.items[0].price, 7.5);
    assert.equal(r.payload.recipient.postalCode, "124");
    const bad = await mf.dispatchFetch("http://localhost/", { method: "POST", body: "{ not json" });
    assert.equal(bad.status, 422);
    assert.equal((await bad.json()).issues[0].code, "malformed_json");
    // The text path: the body text is the payload, byte for byte what the object path gives.
    const body = await mf.dispatchFetch("http://localhost/body", { method: "POST", body: order });
    assert.equal(body.status, 200);
    assert.deepEqual(JSON.parse(await body.text()), r.payload);
    const badBody = await mf.dispatchFetch("http://localhost/body", { method: "POST", body: "{ not json" });
    assert.equal(badBody.status, 422);
    assert.equal((await badBody.json()).issues[0].code, "malformed_json");
    // The shop-side targets in workerd, with the worker's clock for the session.
    const token = readFileSync(new URL("../fixtures/omniseller/token_answer.json", import.meta.url), "utf8");
    const shop = await (await mf.dispatchFetch("http://localhost/shop", { method: "POST", body: token })).json();
    assert.equal(shop.token.outcome, "accepted");
    assert.ok(Date.parse(shop.token.data.expiresAt) > Date.now() + 800_000, shop.token.data.expiresAt);
    assert.equal(JSON.parse(shop.call.request.body).function, "12");
    assert.equal(shop.kvik.request.headers["Accept-Encoding"], "gzip");
  } finally {
    await mf.dispose();
  }
});
