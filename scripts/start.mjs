// The main job (`npm start`): the whole system locally. Builds what is missing (the package and
// the admin page's files), starts stand-ins of Geisenheim, kivitendo and Westarp on loopback,
// then the worker in workerd (`wrangler dev`) configured for them, with a local D1 and queue
// (kept in .build/local between runs), a generated caller token, and the page as its assets.
// Prints the address to open, with the token in its fragment. Ctrl-C stops everything.
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

/** Starts the system: `{ url, token, standins: { geisenheim, kivitendo, westarp }, secrets,
 * stop }` (`secrets`: the worker's, for tests that check none reaches the page; the command
 * line prints only the caller token).
 * `port` (0: a free one), `state` (the local state's folder), `vars` (the worker's variables,
 * over the defaults below), `quiet` (the build's output not shown). The page tests start it
 * this way too. */
export async function startSystem({ port = 8787, state = join(root, ".build/local/state"), vars = {}, quiet = false } = {}) {
  const out = quiet ? "ignore" : "inherit";
  execFileSync("bash", [join(root, "scripts/setup.sh")], { stdio: ["ignore", out, "inherit"] });
  execFileSync("bash", [join(root, "scripts/site.sh")], { stdio: ["ignore", out, "inherit"] });
  // Imported after setup: the worker's packages (wrangler) are installed by it.
  const { startWorker } = await import("../worker/test/harness.mjs");
  const { startGeisenheim } = await import("../tests/standins/geisenheim.mjs");
  const { startKivitendo } = await import("../tests/standins/kivitendo.mjs");
  const { startWestarp } = await import("../tests/standins/westarp.mjs");

  const secret = () => randomBytes(24).toString("base64url");
  const geisenheim = await startGeisenheim({ username: `api-${secret().slice(0, 8)}@weingut.example`, password: secret() });
  const kivitendoUser = `kontor-${secret().slice(0, 8)}`;
  const kivitendoPassword = secret();
  const kivitendo = await startKivitendo({ username: kivitendoUser, password: kivitendoPassword });
  const westarpToken = secret();
  const westarp = await startWestarp({ token: westarpToken });
  const standins = { geisenheim, kivitendo, westarp };
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
        // The shops whose webhooks are taken (each signing with the platform's secret above).
        WOOCOMMERCE_SHOPS: "http://127.0.0.1:8080",
        SHOPIFY_SHOPS: "kontor-demo.myshopify.com",
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
  return { url: worker.url, token, standins, secrets, state, output: worker.output, stop };
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
  say(`local state: ${system.state}. Ctrl-C stops everything.`);
}
