// One admin page session for the page tests: `npm start`'s system (scripts/start.mjs: the
// worker in workerd with the upstream stand-ins, the page as its assets) on a fresh state
// folder, and headless Chromium on a fresh profile with the page open and ready. It records
// the page's errors and every response body it received (for the secret scans).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startSystem } from "../../scripts/start.mjs";

/** The repository's root folder. */
export const root = fileURLToPath(new URL("../../", import.meta.url));
/** Where the page tests' screenshots go. */
export const shots = join(root, ".build/screenshots");

/** Starts the system with the worker variables `vars` (and `startSystem`'s `options`, such as
 * `demo`) and opens the page with its token. */
export async function openAdminPage(vars, options = {}) {
  mkdirSync(shots, { recursive: true });
  mkdirSync(join(root, ".build/tmp"), { recursive: true });
  const state = mkdtempSync(join(root, ".build/tmp/page-state-"));
  const profile = mkdtempSync(join(root, ".build/tmp/page-chromium-"));
  const pageErrors = [];
  const received = [];
  let system, browser;
  const close = async () => {
    await browser?.close();
    await system?.stop();
    for (const dir of [profile, state]) rmSync(dir, { recursive: true, force: true });
  };
  try {
    system = await startSystem({ ...options, port: 0, state, quiet: true, vars });
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      viewport: { width: 1280, height: 1000 },
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
    const page = await browser.newPage();
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("response", async (r) => {
      received.push(`${r.url()}\n${await r.text().catch(() => "")}`);
    });
    await page.goto(`${system.url}/#token=${system.token}`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
    const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    return { system, page, pageErrors, received, shot, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** A table's first row at phone width, as cards: each cell shown, fitting its card, wrapping
 * between words only (`overflow-wrap` not `anywhere`); answers the cells' labels. */
export async function cardLabels(page, table) {
  const cells = await page.$$eval(`${table} tbody tr:first-child td`, (l) =>
    l.map((td) => ({
      shown: getComputedStyle(td).display !== "none",
      label: td.dataset.label ?? null,
      wrap: getComputedStyle(td).overflowWrap,
      fits: td.scrollWidth <= td.clientWidth + 1,
    })),
  );
  for (const c of cells) assert.ok(c.shown && c.fits && c.wrap !== "anywhere", JSON.stringify(c));
  return cells.map((c) => c.label);
}
