// The package's `browser` entry in headless Chromium (playwright-core, Debian's chromium).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { join, extname } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../../", import.meta.url));
const TYPES = {
  ".html": "text/html",
  ".mjs": "text/javascript",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

test("the browser entry imports and maps an order in Chromium (and the shop-side targets)", async () => {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path.includes("..")) return res.writeHead(403).end();
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const profile = await mkdtemp(join(tmpdir(), "kontor-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/tests/js/browser/index.html`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 20000 });
    const r = await page.evaluate(() => window.__result);
    assert.deepEqual(errors, []);
    assert.deepEqual(r.built.issues, []);
    assert.equal(r.built.payload.items[0].price, 7.5);
    assert.equal(r.built.payload.items[0].tax, 1.2);
    assert.equal(r.malformed.issues[0].code, "malformed_json");
    assert.equal(r.req.request.url, "https://api.staging.geisenheim-portal.de/erp/orders/7");
    assert.equal(r.token.outcome, "accepted");
    assert.ok(Date.parse(r.token.data.expiresAt) > Date.now() + 800_000);
    assert.equal(r.call.request.url, "https://shop.example.com/omniseller/HTKService4.php");
    assert.equal(JSON.parse(r.call.request.body).function, "12");
    assert.equal(r.mapped.valid, true, JSON.stringify(r.mapped.issues));
    assert.equal(r.mapped.order.orderedAt, "2021-02-17T13:50:25+01:00");
    assert.equal(r.mappedByFunction.order.number, "2");
    assert.equal(r.mappedByFunction.valid, false);
    assert.equal(r.categories.documents.length, 4);
    assert.deepEqual(
      [r.kvik.request.method, r.kvik.request.headers["Accept-Encoding"], r.kvik.request.headers["Content-Type"]],
      ["PATCH", "gzip", "application/json"],
    );
    assert.ok(r.kvikHttp.issues.some((i) => i.code === "https_required"));
  } finally {
    await context.close();
    server.close();
    await rm(profile, { recursive: true, force: true });
  }
});
