// The package as npm users meet it: the packed tarball installed into fresh projects
// (tests/consumers/, see its README), type-checked with TypeScript's module settings, bundled
// by Vite 8, Vite 6, webpack 5 and esbuild and opened in headless Chromium, and dry-run
// deployed with wrangler. The README's JavaScript examples are checked here too.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../../", import.meta.url));
const work = join(root, ".build/consumers");
const tool = (...parts) => join(root, "node_modules", ...parts);
const projects = ["ts-bundler", "ts-node16-esm", "ts-node16-cjs", "ts-es2022-nodom", "web", "worker"];
const quietWrangler = {
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
  WRANGLER_SEND_ERROR_REPORTS: "false",
};
let packed;

/** Runs `node <script> ...args` (or an executable) in `cwd`; on failure the error carries
 * the tool's output. */
function run(script, args, cwd, env = {}) {
  const [file, argv] = /\.(c|m)?js$|tsc$/.test(script) ? [process.execPath, [script, ...args]] : [script, args];
  try {
    return execFileSync(file, argv, {
      cwd,
      encoding: "utf8",
      stdio: "pipe",
      env: { ...process.env, ...env },
    });
  } catch (e) {
    throw new Error(`${script} ${args.join(" ")} failed:\n${e.stdout}\n${e.stderr}`);
  }
}

before(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8" });
  packed = JSON.parse(out)[0];
  cpSync(join(root, "tests/consumers"), work, { recursive: true });
  for (const p of projects) {
    execFileSync(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--no-save",
        "--no-package-lock",
        "--offline",
        "--loglevel=error",
        join(work, packed.filename),
      ],
      { cwd: join(work, p), stdio: "pipe" },
    );
  }
});

test("the tarball holds the two modules (full for Node and workerd, web for browsers), both licences and no build leftovers", () => {
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(
    files.filter((f) => f.endsWith(".wasm")),
    ["pkg/full/kontor_bg.wasm", "pkg/web/kontor_bg.wasm"],
  );
  for (const f of [
    "LICENSE-MIT",
    "LICENSE-APACHE",
    "README.md",
    "package.json",
    "pkg/kontor.d.ts",
    "pkg/kontor.d.cts",
    "pkg/kontor.browser.d.ts",
    "pkg/index.browser.mjs",
    "pkg/index.node.mjs",
    "pkg/index.cjs",
    "pkg/index.workerd.mjs",
    "pkg/send.mjs",
    "pkg/send.cjs",
    "bin/kontor.mjs",
  ]) {
    assert.ok(files.includes(f), `${f} missing from ${files.join(", ")}`);
  }
  assert.deepEqual(
    files.filter((f) => /\.built|\.stamp|\.tmp/.test(f)),
    [],
  );
  // The README and the licences; the docs tree stays in the repository (the README links it).
  assert.deepEqual(
    files.filter((f) => f.endsWith(".md")),
    ["README.md"],
  );
  assert.ok(statSync(join(root, "README.md")).size <= 15 * 1024, "the README stays within about 15 KB: more belongs under docs/");
  const meta = JSON.parse(readFileSync(join(work, "web/node_modules/kontor/package.json"), "utf8"));
  // The entries that load the module at import must keep that side effect: with
  // `sideEffects: false`, esbuild (wrangler) drops the workerd entry's initSync and a worker
  // calling any export fails (worker/test/ runs one in workerd).
  assert.deepEqual(meta.sideEffects, ["./pkg/index.workerd.mjs", "./pkg/index.node.mjs", "./pkg/index.cjs"]);
  assert.ok(meta.keywords.includes("kivitendo"));
  console.log(`tarball: ${packed.size} bytes, unpacked ${packed.unpackedSize} bytes, ${files.length} files`);
});

/** The Markdown files a reader meets: the README, the docs tree, CONTRIBUTING.md. */
function docFiles() {
  const walk = (/** @type {string} */ dir) =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : [],
    );
  return ["README.md", "CONTRIBUTING.md", ...walk("docs")].filter((f) => existsSync(join(root, f)));
}

/** The docs' ```js and ```ts blocks (README and docs/), each a module (`.js` checked with
 * `checkJs`); `order` is the one name they may share without declaring it. */
function readmeExamples() {
  const readme = docFiles()
    .map((f) => readFileSync(join(root, f), "utf8"))
    .join("\n");
  const blocks = [...readme.matchAll(/^```(js|ts)\n([\s\S]*?)^```$/gm)].map((m) => ({ ext: m[1], code: m[2] }));
  assert.ok(blocks.length >= 7, `only ${blocks.length} JavaScript examples found in the README and docs/`);
  const prelude = {
    js: '/** @type {import("kontor").Order} */\nconst order = JSON.parse("{}");\n',
    ts: 'import type { Order as ReadmeOrder } from "kontor";\ndeclare const order: ReadmeOrder;\n',
  };
  return blocks.map(({ ext, code }) => ({
    ext,
    code: /\b(const|let) order\b|declare const order\b/.test(code) || !/\border\b/.test(code) ? code : prelude[ext] + code,
  }));
}

test("TypeScript --strict: bundler resolution with the README's examples, node16 ESM and CommonJS, ES2022 without DOM", () => {
  const tsc = tool("typescript", "bin", "tsc");
  readmeExamples().forEach(({ ext, code }, i) =>
    writeFileSync(join(work, "ts-bundler", `readme_${i + 1}.${ext}`), `${code}\nexport {};\n`),
  );
  run(tsc, ["-p", "."], join(work, "ts-bundler"));
  run(tsc, ["-p", "."], join(work, "ts-es2022-nodom"));
  for (const [p, kind] of [
    ["ts-node16-esm", "esm"],
    ["ts-node16-cjs", "cjs"],
  ]) {
    run(tsc, ["-p", "."], join(work, p));
    const emitted = readFileSync(join(work, p, "dist/main.js"), "utf8");
    assert.equal(/\brequire\("kontor"\)/.test(emitted), kind === "cjs", emitted.slice(0, 400));
    const out = JSON.parse(run(join(work, p, "dist/main.js"), [], join(work, p)));
    assert.deepEqual(out, { kind, price: 7.5, method: "DELETE" });
  }
});

const mime = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

function serve(dir) {
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url, "http://x").pathname));
    try {
      const body = readFileSync(path);
      res.writeHead(200, { "content-type": mime[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}

test("a page bundled by Vite 8, Vite 6, webpack 5 and esbuild (ESM, IIFE) runs in Chromium", async () => {
  const web = join(work, "web");
  const builds = {};
  run(tool("vite", "bin", "vite.js"), ["build", "--base", "./", "--outDir", "dist-vite8", "--logLevel", "error"], web);
  builds.vite8 = "dist-vite8/index.html";
  run(tool("vite6", "bin", "vite.js"), ["build", "--base", "./", "--outDir", "dist-vite6", "--logLevel", "error"], web);
  builds.vite6 = "dist-vite6/index.html";
  run(tool("webpack-cli", "bin", "cli.js"), ["--mode", "production", "--entry", "./main.js", "--output-path", "./dist-webpack"], web);
  writeFileSync(
    join(web, "dist-webpack/index.html"),
    '<!doctype html><meta charset="utf-8"><pre id="out"></pre><script src="./main.js"></script>',
  );
  builds.webpack = "dist-webpack/index.html";
  for (const format of ["esm", "iife"]) {
    run(
      tool(".bin", "esbuild"),
      ["main.esbuild.js", "--bundle", `--format=${format}`, "--loader:.wasm=file", `--outdir=dist-esbuild-${format}`, "--log-level=error"],
      web,
    );
    const type = format === "esm" ? ' type="module"' : "";
    writeFileSync(
      join(web, `dist-esbuild-${format}/index.html`),
      `<!doctype html><meta charset="utf-8"><pre id="out"></pre><script${type} src="./main.esbuild.js"></script>`,
    );
    builds[`esbuild-${format}`] = `dist-esbuild-${format}/index.html`;
  }
  for (const [name, page] of Object.entries(builds)) {
    const dir = join(web, page, "..");
    assert.equal(readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(".wasm")).length, 1, `${name}: one .wasm emitted`);
  }

  const server = await serve(web);
  const profile = mkdtempSync(join(root, ".build/tmp/chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    for (const [name, page] of Object.entries(builds)) {
      const tab = await browser.newPage();
      const errors = [];
      tab.on("pageerror", (e) => errors.push(String(e)));
      await tab.goto(`http://127.0.0.1:${server.address().port}/${page}`);
      await tab.waitForFunction(() => window.__result, null, { timeout: 20_000 });
      const result = await tab.evaluate(() => window.__result);
      assert.deepEqual({ ...result, errors }, { ok: true, price: 7.5, malformed: "malformed_json", errors: [] }, name);
      await tab.close();
    }
  } finally {
    await browser.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test("wrangler deploy --dry-run bundles a worker importing the package, offline", () => {
  const dir = join(work, "worker");
  run(tool("wrangler", "bin", "wrangler.js"), ["deploy", "--dry-run", "--outdir", "dist"], dir, quietWrangler);
  const out = readdirSync(join(dir, "dist"));
  const wasm = out.filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 1, out.join(", "));
  const js = readFileSync(join(dir, "dist", "index.js"));
  const size = gzipSync(Buffer.concat([js, readFileSync(join(dir, "dist", wasm[0]))]), { level: 9 }).length;
  assert.match(js.toString(), /toGeisenheim/);
  console.log(`worker upload (index.js + .wasm): ${size} bytes gzipped`);
});
