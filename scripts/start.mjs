// The main job (`npm start`): the whole system locally. Builds what is missing (the package and
// the admin page's files), starts stand-ins of Geisenheim, kivitendo and Westarp on loopback,
// and of a WooCommerce and a Shopify shop with orders of the last three months to backfill
// from (tests/standins/shops.mjs; a few with a SKU the catalogue lacks), then the worker in
// workerd (`wrangler dev`) configured for them, with a local D1 and queue (kept in .build/local
// between runs), a generated caller token, and the page as its assets. On a fresh state the
// worker's catalogue gets the demo wines. Prints the address to open, with the token in its
// fragment. Ctrl-C stops everything.
//
// Environment: KONTOR_PORT (default 8787; 0 picks a free port), KONTOR_STATE (the local
// state's folder, default .build/local/state). Real upstreams: docs/worker.md.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const say = (line) => process.stdout.write(`${line}\n`);

/** The SKUs of the demo shops' orders: the examples' wines (in the demo catalogue, `DEMO_CATALOGUE`)
 * and one the catalogue lacks, so that a backfill lists a few refused orders. */
export const DEMO_MISSING_SKU = "2019-RI-AUS";
const DEMO_SKUS = [
  "2021-RI-TR",
  "2020-SB-GG",
  "2022-RI-GW",
  "2021-DF",
  "SECCO-RO",
  "SEKT-RI-BN",
  "AF-RI",
  "2022-SIL",
  "SAFT-RT",
  "OFFEN-RI",
  "SEKT-MAG",
  DEMO_MISSING_SKU,
];

/** The demo wines' catalogue entries (what a shop order lacks: kind, bottle size, quality, …). */
export const DEMO_CATALOGUE = [
  {
    sku: "2021-RI-TR",
    kind: "wine",
    bottles: 6,
    bottleSizeMl: 750,
    quality: "Qualitätswein",
    grapes: ["Riesling"],
    wineType: "white",
    taste: "dry",
    weightGrams: 8100,
  },
  {
    sku: "2020-SB-GG",
    kind: "wine",
    bottleSizeMl: 750,
    quality: "Prädikatswein",
    grapes: ["Pinot Noir"],
    wineType: "red",
    taste: "dry",
    weightGrams: 1350,
  },
  {
    sku: "2022-RI-GW",
    kind: "wine",
    bottleSizeMl: 750,
    quality: "Qualitätswein",
    grapes: ["Riesling"],
    wineType: "white",
    weightGrams: 1300,
  },
  { sku: "2021-DF", kind: "wine", bottleSizeMl: 750, quality: "Qualitätswein", grapes: ["Dornfelder"], wineType: "red", weightGrams: 1300 },
  { sku: "SECCO-RO", kind: "wine", bottleSizeMl: 750, wineType: "rosé", weightGrams: 1400 },
  { sku: "SEKT-RI-BN", kind: "sparkling", bottleSizeMl: 750, grapes: ["Riesling"], weightGrams: 1600 },
  { sku: "AF-RI", kind: "other", bottleSizeMl: 750, weightGrams: 1300 },
  {
    sku: "2022-SIL",
    kind: "wine",
    bottleSizeMl: 1000,
    quality: "Qualitätswein",
    grapes: ["Silvaner"],
    wineType: "white",
    weightGrams: 1700,
  },
  { sku: "SAFT-RT", kind: "other", bottleSizeMl: 1000, weightGrams: 1600 },
  { sku: "OFFEN-RI", kind: "wine", bottleSizeMl: 1000, grapes: ["Riesling"], wineType: "white", weightGrams: 1000 },
  { sku: "SEKT-MAG", kind: "sparkling", bottleSizeMl: 1500, weightGrams: 3200 },
];

/** A demo shop's orders: `count` placed over the last 84 days (the oldest first), their SKUs
 * taken in turn from the demo SKUs (every twelfth one the catalogue lacks). */
async function demoOrders(platform, count, first) {
  const { shopOrders } = await import("../tests/standins/shops.mjs");
  const days = 84;
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  return shopOrders(platform, count, {
    first,
    from: now - days * 86_400_000,
    stepMs: Math.floor((days * 86_400_000) / count),
    skus: DEMO_SKUS,
  });
}

/** Starts a demo shop on `port` if it is free, else on a free one. */
async function onPort(start, options, port) {
  if (port) {
    try {
      return await start({ ...options, port });
    } catch {
      /* in use: any port */
    }
  }
  return start(options);
}

/** Starts the system: `{ url, token, standins: { geisenheim, kivitendo, westarp, woocommerce,
 * shopify }, secrets, stop }` (`secrets`: the worker's, for tests that check none reaches the
 * page; the command line prints only the caller token).
 * `port` (0: a free one; the demo shops take the next two when free), `state` (the local
 * state's folder), `vars` (the worker's variables, over the defaults below), `quiet` (the
 * build's output not shown), `demo` (a catalogue never saved gets the demo wines,
 * `DEMO_CATALOGUE`). The page tests start it this way too. */
export async function startSystem({ port = 8787, state = join(root, ".build/local/state"), vars = {}, quiet = false, demo = false } = {}) {
  const out = quiet ? "ignore" : "inherit";
  execFileSync("bash", [join(root, "scripts/setup.sh")], { stdio: ["ignore", out, "inherit"] });
  execFileSync("bash", [join(root, "scripts/site.sh")], { stdio: ["ignore", out, "inherit"] });
  // Imported after setup: the worker's packages (wrangler) are installed by it.
  const { startWorker } = await import("../worker/test/harness.mjs");
  const { startGeisenheim } = await import("../tests/standins/geisenheim.mjs");
  const { startKivitendo } = await import("../tests/standins/kivitendo.mjs");
  const { startWestarp } = await import("../tests/standins/westarp.mjs");
  const { startWooCommerce, startShopify } = await import("../tests/standins/shops.mjs");

  const secret = () => randomBytes(24).toString("base64url");
  const geisenheim = await startGeisenheim({ username: `api-${secret().slice(0, 8)}@weingut.example`, password: secret() });
  const kivitendoUser = `kontor-${secret().slice(0, 8)}`;
  const kivitendoPassword = secret();
  const kivitendo = await startKivitendo({ username: kivitendoUser, password: kivitendoPassword });
  const westarpToken = secret();
  const westarp = await startWestarp({ token: westarpToken });
  // The shops to backfill from (their REST API keys: the worker's secrets below).
  const wooKey = `ck_${randomBytes(20).toString("hex")}`;
  const wooSecret = `cs_${randomBytes(20).toString("hex")}`;
  const woocommerce = await onPort(
    startWooCommerce,
    { key: wooKey, secret: wooSecret, orders: await demoOrders("woocommerce", 36, 1001) },
    port && port + 1,
  );
  const shopifyToken = `shpat_${randomBytes(16).toString("hex")}`;
  const shopify = await onPort(startShopify, { token: shopifyToken, orders: await demoOrders("shopify", 24, 2001) }, port && port + 2);
  const standins = { geisenheim, kivitendo, westarp, woocommerce, shopify };
  const closeStandins = () => Promise.all(Object.values(standins).map((s) => s.close().catch(() => {})));
  const token = secret();
  mkdirSync(state, { recursive: true });
  // The examples' SKUs, with product ids in the kivitendo stand-in's numbering.
  const productIds = Object.fromEntries(
    [
      "2022-RI-GW",
      "2021-DF",
      "OFFEN-RI",
      "2021-RI-TR",
      "2020-SB-GG",
      "TB-05",
      "2022-SIL",
      "SECCO-RO",
      "SAFT-RT",
      "SEKT-RI-BN",
      "SEKT-MAG",
      "AF-RI",
      "127/4",
    ].map((sku, i) => [sku, 11 + i]),
  );
  const secrets = {
    GEISENHEIM_USERNAME: geisenheim.credentials.username,
    GEISENHEIM_PASSWORD: geisenheim.credentials.password,
    GEISENHEIM_RECIPIENT_SALT: secret(),
    KIVITENDO_USERNAME: kivitendoUser,
    KIVITENDO_PASSWORD: kivitendoPassword,
    WESTARP_TOKEN: westarpToken,
    KONTOR_API_TOKEN: token,
    KONTOR_HMAC_SECRET: secret(),
    // Shop webhooks (POST /v1/webhooks/{platform}): the secrets the shops sign with.
    WOOCOMMERCE_WEBHOOK_SECRET: secret(),
    SHOPWARE_APP_SECRET: secret(),
    SHOPIFY_WEBHOOK_SECRET: secret(),
    // The shops' own APIs (backfill and reconciliation, GET/POST /v1/pulls).
    WOOCOMMERCE_CONSUMER_KEY: wooKey,
    WOOCOMMERCE_CONSUMER_SECRET: wooSecret,
    SHOPIFY_ACCESS_TOKEN: shopifyToken,
  };
  let worker;
  try {
    worker = await startWorker({
      port: port || undefined,
      persist: state,
      assets: join(root, ".build/site"),
      vars: {
        GEISENHEIM_BASE_URL: geisenheim.url,
        KIVITENDO_BASE_URL: kivitendo.url,
        WESTARP_BASE_URL: westarp.url,
        KIVITENDO_OPTIONS: JSON.stringify({ taxzoneId: 4, currencyId: 1, productIds, shippingProductId: 99 }),
        WESTARP_OPTIONS: JSON.stringify({ type: "shop", paymentMethodIds: { paypal: 8, credit_card: 9, invoice: 3 } }),
        MAX_ATTEMPTS: "4",
        RETRY_BASE_SECONDS: "5",
        WEBHOOK_TARGETS: "kivitendo",
        SHOPWARE_APP_NAME: "KontorOrders",
        // The shops whose webhooks are taken (each signing with the platform's secret above)
        // and whose orders can be pulled: the demo shops (Shopify's API at the stand-in).
        WOOCOMMERCE_SHOPS: woocommerce.url,
        SHOPIFY_SHOPS: "kontor-demo.myshopify.com",
        SHOPIFY_API_BASE_URL: shopify.url,
        // Small pages, so that a backfill's progress shows.
        PULL_PAGE_SIZE: "10",
        ...vars,
      },
      secrets,
    });
  } catch (e) {
    await closeStandins();
    throw e;
  }
  const stop = async () => {
    await worker.stop().catch(() => {});
    await closeStandins();
  };
  if (demo) {
    try {
      await demoCatalogue(worker.url, token);
    } catch (e) {
      await stop();
      throw e;
    }
  }
  return { url: worker.url, token, standins, secrets, state, output: worker.output, stop };
}

/** Saves the demo wines as the worker's catalogue when it was never saved. */
async function demoCatalogue(url, token) {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const now = await (await fetch(`${url}/v1/catalogue`, { headers })).json();
  if (now.updatedAt || now.catalogue?.length) return;
  const res = await fetch(`${url}/v1/catalogue`, { method: "PUT", headers, body: JSON.stringify(DEMO_CATALOGUE) });
  if (res.status !== 200) throw new Error(`the demo catalogue was refused: ${await res.text()}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let system;
  const stopAll = async (code) => {
    await system?.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => stopAll(0));
  process.on("SIGTERM", () => stopAll(0));
  try {
    system = await startSystem({
      port: Number(process.env.KONTOR_PORT ?? 8787),
      state: process.env.KONTOR_STATE || undefined,
      demo: true,
    });
  } catch (e) {
    process.stderr.write(`kontor: the system did not start: ${e.message}\n`);
    await stopAll(1);
  }
  const { standins: s } = system;
  say("");
  say("kontor is running. Open the admin page (the caller token is in the fragment, kept for the session):");
  say(`  ${system.url}/#token=${system.token}`);
  say(`stand-ins: Geisenheim ${s.geisenheim.url}, kivitendo ${s.kivitendo.url}, Westarp ${s.westarp.url}`);
  say(
    `demo shops to backfill from (the page's "Backfill"): WooCommerce ${s.woocommerce.url} (${s.woocommerce.state.orders.length} orders), Shopify kontor-demo.myshopify.com at ${s.shopify.url} (${s.shopify.state.orders.length} orders)`,
  );
  say(`local state: ${system.state}. Ctrl-C stops everything.`);
}
