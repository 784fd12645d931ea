// `npm start` as a user runs it: prints the address with the caller token in its fragment,
// serves the page and the worker there, and Ctrl-C stops everything it started.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_CATALOGUE, DEMO_MISSING_SKU } from "../../scripts/start.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
/** The work tree's changes as git lists them (ignored files left out). */
const porcelain = () => execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: root, encoding: "utf8" });

test("npm start prints the address with the token, serves page and worker, and Ctrl-C stops it all; the work tree stays as it was", async () => {
  const before = porcelain();
  const state = mkdtempSync(join(root, ".build/tmp/start-state-"));
  const child = spawn(process.execPath, [join(root, "scripts/start.mjs")], {
    cwd: root,
    env: { ...process.env, KONTOR_PORT: "0", KONTOR_STATE: state },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    out += d;
  });
  const exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
  try {
    const deadline = Date.now() + 120_000;
    let m;
    // Until the last line is printed.
    while (!(m = /(http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/.exec(out)) || !/local state: /.test(out)) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `no address printed:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const [, url, token] = m;
    const stand = [...out.matchAll(/(Geisenheim|kivitendo|Westarp) (http:\/\/127\.0\.0\.1:\d+)/g)].map((x) => x[2]);
    assert.equal(stand.length, 3, out);
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>kontor admin<\/title>/);
    assert.equal((await fetch(`${url}/v1/deliveries`)).status, 401);
    const list = await fetch(`${url}/v1/deliveries`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(list.status, 200);
    assert.deepEqual((await list.json()).deliveries, []);
    // The demo shops to backfill from: printed, configured in the worker, the demo wines in
    // its catalogue (a fresh state).
    const shops =
      /WooCommerce (http:\/\/127\.0\.0\.1:\d+) \((\d+) orders\), Shopify kontor-demo\.myshopify\.com at (http:\/\/127\.0\.0\.1:\d+)/.exec(
        out,
      );
    assert.ok(shops, out);
    const auth = { headers: { authorization: `Bearer ${token}` } };
    const pulls = await (await fetch(`${url}/v1/pulls`, auth)).json();
    assert.deepEqual(
      pulls.shops.map((s) => [s.platform, s.shop, s.configured]),
      [
        ["woocommerce", shops[1], true],
        ["shopify", "kontor-demo.myshopify.com", true],
      ],
    );
    assert.equal(shops[2], "36", "the demo WooCommerce shop's orders");
    // The demo wines, all but one of the shops' SKUs (README: the backfill refuses its orders).
    const catalogue = (await (await fetch(`${url}/v1/catalogue`, auth)).json()).catalogue;
    assert.deepEqual(
      catalogue.map((e) => e.sku),
      DEMO_CATALOGUE.map((e) => e.sku),
    );
    assert.ok(!catalogue.some((e) => e.sku === DEMO_MISSING_SKU), "one SKU of the demo orders is not in it");
    stand.push(shops[1], shops[3]);

    child.kill("SIGINT");
    const { code } = await exited;
    assert.equal(code, 0, out);
    // Setup ran (npm ci only when package-lock.json changed: here it had not) and nothing
    // in the work tree changed: no rewritten lockfile, no stray file.
    assert.doesNotMatch(out, /\(npm ci\)/, "setup installed again although the lockfile had not changed");
    assert.equal(porcelain(), before, "npm start changed the work tree");
    for (const u of [url, ...stand]) {
      await assert.rejects(fetch(`${u}/healthz`, { signal: AbortSignal.timeout(3000) }), `${u} still answers after Ctrl-C`);
    }
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(state, { recursive: true, force: true });
  }
});

test("setup is idempotent and quick when nothing changed, and leaves the work tree as it was", () => {
  const before = porcelain();
  const started = Date.now();
  const run = spawnSync("bash", [join(root, "scripts/setup.sh")], { cwd: root, encoding: "utf8" });
  const ms = Date.now() - started;
  assert.equal(run.status, 0, run.stderr);
  const out = run.stdout + run.stderr;
  assert.ok(ms < 20_000, `setup took ${ms} ms with nothing to do`);
  assert.doesNotMatch(out, /installing/);
  assert.equal(porcelain(), before);
});
