// Starts the worker in real workerd with `wrangler dev` and the worker's own configuration
// (wrangler.jsonc, with absolute paths and the test's variables), a fresh D1 database with the
// migrations applied, and secrets from a `.dev.vars` beside the generated configuration.
// Only loopback addresses; wrangler makes no outside connection.
import { spawn, execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, rmSync } from "node:fs";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const workerDir = fileURLToPath(new URL("../", import.meta.url));
const wrangler = join(workerDir, "node_modules", "wrangler", "bin", "wrangler.js");
export const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_HIDE_BANNER: "true",
  WRANGLER_SEND_ERROR_REPORTS: "false", NO_COLOR: "1", CI: "true",
};

/** The worker's wrangler.jsonc as an object (comments removed). */
export function workerConfig() {
  const text = readFileSync(join(workerDir, "wrangler.jsonc"), "utf8");
  return JSON.parse(text.replace(/^\s*\/\/.*$/gm, ""));
}

/** A TCP port free on 127.0.0.1 just now. */
export async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts the worker with `vars` (variables) and `secrets`; returns `{ url, output, stop }`.
 * `port` (default: a free one), `persist` (the local state's folder, kept after `stop`;
 * default: a fresh one, removed), `assets` (the admin page's folder; default: none, as the
 * worker's tests need no page). `npm start` (scripts/start.mjs) starts it the same way. Cron Triggers run on `GET /__scheduled`
 * (`--test-scheduled`). */
export async function startWorker({ vars = {}, secrets = {}, port: wanted, persist: keep, assets } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "kontor-worker-"));
  const config = workerConfig();
  config.main = join(workerDir, config.main);
  for (const db of config.d1_databases) db.migrations_dir = join(workerDir, db.migrations_dir);
  if (assets) config.assets = { ...config.assets, directory: assets };
  else delete config.assets;
  config.vars = { ...config.vars, ...vars };
  delete config.$schema;
  writeFileSync(join(dir, "wrangler.json"), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, ".dev.vars"), Object.entries(secrets).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join("\n") + "\n");
  const persist = keep ?? join(dir, "state");
  const configPath = join(dir, "wrangler.json");
  try {
    await promisify(execFile)(process.execPath, [wrangler, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist, "--config", configPath],
      { cwd: dir, env: quietEnv, timeout: 120_000 });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const port = wanted ?? await freePort();
  const child = spawn(process.execPath, [wrangler, "dev", "--config", configPath, "--ip", "127.0.0.1", "--port", String(port),
    "--persist-to", persist, "--test-scheduled", "--show-interactive-dev-session=false", "--inspector-port", String(await freePort()), "--log-level", "log"],
  { cwd: dir, env: quietEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.on("data", (d) => { output += d; });
  child.stderr.on("data", (d) => { output += d; });
  // KONTOR_WORKER_LOG=<folder>: each worker's output is kept there when it stops (debugging).
  const keepLog = () => { if (process.env.KONTOR_WORKER_LOG) writeFileSync(join(process.env.KONTOR_WORKER_LOG, `worker-${port}.log`), output); };
  const stop = async () => {
    keepLog();
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      try { process.kill(-child.pid, "SIGTERM"); } catch { /* gone */ }
      const t = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  /** kill -9 of wrangler and workerd (the process group) at once: no shutdown of any kind. */
  const kill = async () => {
    keepLog();
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ }
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) { await stop(); throw new Error(`wrangler dev exited:\n${output}`); }
    if (Date.now() > deadline) { await stop(); throw new Error(`wrangler dev did not start:\n${output}`); }
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.status === 200) break;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, dir, persist, output: () => output, stop, kill };
}

/** The worker's stored D1 state under `persist` as text (the sqlite files), for secret scans. */
export function storedState(persist) {
  const files = [];
  const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else files.push(p); } };
  walk(persist);
  return files.filter((f) => f.endsWith(".sqlite") || f.endsWith(".sqlite-wal")).map((f) => readFileSync(f).toString("latin1")).join("");
}

/** The worker's own log lines in wrangler's output (its JSON lines; wrangler's dev server logs
 * each request's URL itself, which a deployed worker's own log does not hold). */
export const workerLog = (output) => output.split("\n").filter((l) => l.trimStart().startsWith("{")).join("\n");

/** HTTP Basic values of `user:password` pairs, as a secret scan must also look for them. */
export const basicValues = (...pairs) => pairs.map(([u, p]) => Buffer.from(`${u}:${p}`).toString("base64"));

/** Fails when any of `texts` (`{ where: text }`) holds any of `secrets`. */
export function assertNoSecrets(texts, secrets) {
  for (const [where, text] of Object.entries(texts)) {
    for (const s of secrets) assert.ok(!text.includes(s), `${where} holds a secret (${s.slice(0, 3)}…)`);
  }
}
