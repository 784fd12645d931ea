// Starts the worker in real workerd with `wrangler dev` and the worker's own configuration
// (wrangler.jsonc, with absolute paths and the test's variables), a fresh D1 database with the
// migrations applied, and secrets from a `.dev.vars` beside the generated configuration.
// Only loopback addresses; wrangler makes no outside connection.
import { spawn, execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, rmSync } from "node:fs";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { stopGroup } from "../../tests/process.mjs";

const workerDir = fileURLToPath(new URL("../", import.meta.url));
const wrangler = join(workerDir, "node_modules", "wrangler", "bin", "wrangler.js");
export const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  NO_COLOR: "1",
  CI: "true",
};

/** Secrets as `.dev.vars` text: a line `NAME="value"` each. */
const devVars = (secrets) =>
  Object.entries(secrets)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join("\n") + "\n";

/** `wrangler dev`'s environment, without its DevTools inspector unless `devtools`. With the
 * inspector, wrangler asks workerd to record every subrequest of the worker (Network.enable:
 * URLs, headers and bodies, D1's and Queues' included) for a DevTools window that is never
 * opened: on the backfill benchmark it slowed both workers several times over and made their
 * processes grow by hundreds of MB (docs/performance.md). Wrangler has no switch for it; it
 * leaves the inspector out inside VS Code's JavaScript debug terminal, which it recognises by
 * this variable. */
export const devEnv = (devtools = false) => (devtools ? quietEnv : { ...quietEnv, VSCODE_INSPECTOR_OPTIONS: "{}" });

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
 * worker's tests need no page), `devtools` (default: no DevTools inspector, see `devEnv`).
 * `npm start` (scripts/start.mjs) starts it the same way. Cron Triggers run on `GET
 * /__scheduled` (`--test-scheduled`). */
export async function startWorker(options = {}) {
  // A port found free can be taken by another process before workerd binds it: then again,
  // with other ports (not when the caller asked for a port).
  for (let tries = 1; ; tries++) {
    try {
      return await startWorkerOnce(options);
    } catch (e) {
      if (options.port || tries === 3 || !/Address already in use/.test(String(e?.message))) throw e;
    }
  }
}

async function startWorkerOnce({ vars = {}, secrets = {}, port: wanted, persist: keep, assets, devtools = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "kontor-worker-"));
  const config = workerConfig();
  config.main = join(workerDir, config.main);
  for (const db of config.d1_databases) db.migrations_dir = join(workerDir, db.migrations_dir);
  if (assets) config.assets = { ...config.assets, directory: assets };
  else delete config.assets;
  config.vars = { ...config.vars, ...vars };
  delete config.$schema;
  writeFileSync(join(dir, "wrangler.json"), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, ".dev.vars"), devVars(secrets));
  const persist = keep ?? join(dir, "state");
  const configPath = join(dir, "wrangler.json");
  try {
    await promisify(execFile)(
      process.execPath,
      [wrangler, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist, "--config", configPath],
      { cwd: dir, env: quietEnv, timeout: 120_000 },
    );
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const port = wanted ?? (await freePort());
  const inspector = devtools ? await freePort() : undefined;
  const child = spawn(
    process.execPath,
    [
      wrangler,
      "dev",
      "--config",
      configPath,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      persist,
      "--test-scheduled",
      "--show-interactive-dev-session=false",
      ...(inspector ? ["--inspector-port", String(inspector)] : []),
      "--log-level",
      "log",
    ],
    { cwd: dir, env: devEnv(devtools), stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  // The output as the tests read it; past 64 MB (a benchmark's hours of log) only its last half
  // is kept, with a line saying so.
  let output = "";
  const add = (d) => {
    output += d;
    if (output.length > 64 * 1024 * 1024) output = `[… earlier output left out]\n${output.slice(-32 * 1024 * 1024)}`;
  };
  child.stdout.on("data", add);
  child.stderr.on("data", add);
  // KONTOR_WORKER_LOG=<folder>: each worker's output is kept there when it stops (debugging).
  const keepLog = () => {
    if (process.env.KONTOR_WORKER_LOG) writeFileSync(join(process.env.KONTOR_WORKER_LOG, `worker-${port}.log`), output);
  };
  const stop = async () => {
    keepLog();
    await stopGroup(child);
    rmSync(dir, { recursive: true, force: true });
  };
  /** kill -9 of wrangler and workerd (the process group) at once: no shutdown of any kind. */
  const kill = async () => {
    keepLog();
    await stopGroup(child, 0);
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`wrangler dev exited:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not start:\n${output}`);
    }
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.status === 200) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  recordWorker(url);
  // `pgid`: the process group of wrangler and workerd (the backfill benchmark samples its memory).
  // `inspector`: the port of the worker's DevTools inspector (with `devtools`: profiling).
  return { url, dir, persist, output: () => output, stop, kill, pgid: child.pid, inspector };
}

/** The worker's stored D1 state under `persist` as text (the sqlite files), for secret scans. */
export function storedState(persist) {
  const files = [];
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(persist);
  return files
    .filter((f) => f.endsWith(".sqlite") || f.endsWith(".sqlite-wal"))
    .map((f) => readFileSync(f).toString("latin1"))
    .join("");
}

/** The worker's own log lines in wrangler's output (its JSON lines; wrangler's dev server logs
 * each request's URL itself, which a deployed worker's own log does not hold). */
export const workerLog = (output) =>
  output
    .split("\n")
    .filter((l) => l.trimStart().startsWith("{"))
    .join("\n");

/** The headers of WooCommerce's webhook for `body` (its JSON text): `topic`, the delivery id
 * `delivery`, the shop's address `source`, signed as WooCommerce signs (HMAC-SHA256 of the
 * body with the webhook's `secret`, base64). */
export const wooWebhookHeaders = (body, { secret, source, delivery, topic = "order.created" }) => ({
  "Content-Type": "application/json",
  "X-WC-Webhook-Topic": topic,
  "X-WC-Webhook-Delivery-ID": delivery,
  "X-WC-Webhook-Source": source,
  "X-WC-Webhook-Signature": createHmac("sha256", secret).update(body).digest("base64"),
});

/** HTTP Basic values of `user:password` pairs, as a secret scan must also look for them. */
export const basicValues = (...pairs) => pairs.map(([u, p]) => Buffer.from(`${u}:${p}`).toString("base64"));

/** Fails when any of `texts` (`{ where: text }`) holds any of `secrets`. */
export function assertNoSecrets(texts, secrets) {
  for (const [where, text] of Object.entries(texts)) {
    for (const s of secrets) assert.ok(!text.includes(s), `${where} holds a secret (${s.slice(0, 3)}…)`);
  }
}

/** The worker's OpenAPI document (worker/openapi.json). */
export const openapiDocument = () => JSON.parse(readFileSync(join(workerDir, "openapi.json"), "utf8"));

/** Checks answers against the OpenAPI document: `check({ method, path, status, type, headers,
 * text })` returns what is wrong with one answer (an empty list when it is documented and its
 * body validates). The path is matched as the worker routes it: a trailing slash ignored,
 * concrete paths before templated ones, a path parameter only where it matches its schema's
 * `pattern`; the answer must be one of the operation's documented statuses (a method the path
 * does not document: one of the path's documented statuses, e.g. 405); a path the document
 * does not name answers one of the shared answers before routing (401, 403, 400, 413, 415,
 * 500) or `NoRoute` (404). Bodies are validated with Ajv's JSON Schema 2020-12 (OpenAPI 3.1's
 * dialect) and ajv-formats; the response's required headers must be present. */
export async function openapiChecker(doc = openapiDocument()) {
  const { default: Ajv2020 } = await import("ajv/dist/2020.js");
  const { default: addFormats } = await import("ajv-formats");
  // Strict about keywords (an unknown one is an error), not about style: composed schemas
  // (allOf, unevaluatedProperties) name properties and types their parts define.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  // The components' schemas under one id, their `#/components/schemas/X` refs rewritten.
  const rewrite = (v) =>
    Array.isArray(v)
      ? v.map(rewrite)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v).map(([k, x]) => [
              k,
              k === "$ref" && typeof x === "string" ? x.replace("#/components/schemas/", "kontor-openapi#/$defs/") : rewrite(x),
            ]),
          )
        : v;
  ajv.addSchema({ $id: "kontor-openapi", $defs: rewrite(doc.components.schemas) });
  const resolve = (o) => {
    for (let i = 0; o && o.$ref && i < 10; i++)
      o = o.$ref
        .slice(2)
        .split("/")
        .reduce((a, k) => a?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
    return o;
  };
  const compiled = new Map();
  const validator = (schema) => {
    if (!compiled.has(schema)) compiled.set(schema, ajv.compile(rewrite(schema)));
    return compiled.get(schema);
  };
  const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
  const templates = Object.entries(doc.paths)
    .map(([template, item]) => {
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const re = new RegExp(`^${template.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "([^/]+)")}$`);
      return { template, item, names, re, concrete: names.length === 0 };
    })
    .sort((a, b) => Number(b.concrete) - Number(a.concrete));
  const params = (item, op) => [...(item.parameters ?? []), ...(op?.parameters ?? [])].map(resolve);
  const find = (path) => {
    for (const t of templates) {
      const m = t.re.exec(path);
      if (!m) continue;
      const all = Object.values(t.item)
        .filter((x) => x && typeof x === "object")
        .flatMap((op) => params(t.item, op))
        .concat(params(t.item));
      const fits = t.names.every((name, i) => {
        const p = all.find((x) => x.in === "path" && x.name === name);
        // As the worker matches it: the segment as sent, percent-encoded.
        return !p?.schema?.pattern || new RegExp(p.schema.pattern).test(m[i + 1]);
      });
      if (fits) return t;
    }
    return null;
  };
  const shared = {
    400: "BadBody",
    401: "Unauthorized",
    403: "OriginNotAllowed",
    404: "NoRoute",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    500: "InternalError",
  };
  let checked = 0;
  function check({ method, path, status, type = "", headers = {}, text = "" }) {
    const p = new URL(path, "http://x").pathname.replace(/\/+$/, "") || "/";
    const m = method.toLowerCase();
    const where = `${method} ${path} → ${status}`;
    const t = find(p);
    let response;
    if (!t) {
      response = shared[status] ? doc.components.responses[shared[status]] : undefined;
      if (!response) return [`${where}: no path of the document matches, and ${status} is none of the answers before routing`];
    } else if (t.item[m]) {
      response = t.item[m].responses[String(status)];
      if (!response) return [`${where}: status ${status} is not documented for ${method.toUpperCase()} ${t.template}`];
    } else {
      response = methods.map((x) => t.item[x]?.responses?.[String(status)]).find(Boolean);
      if (!response)
        return [`${where}: ${method.toUpperCase()} is not documented on ${t.template}, and ${status} is no answer of the path`];
    }
    response = resolve(response);
    const problems = [];
    for (const [name, h] of Object.entries(response.headers ?? {})) {
      const header = resolve(h);
      const value = headers[name.toLowerCase()];
      if (header.required && (value === undefined || value === null)) problems.push(`${where}: the header ${name} is missing`);
      else if (value !== undefined && value !== null && header.schema && !validator(header.schema)(value))
        problems.push(`${where}: the header ${name} (${value}) does not validate`);
    }
    const media = response.content ? Object.entries(response.content) : [];
    if (media.length === 0) {
      if (text !== "") problems.push(`${where}: a body where the document has none`);
    } else {
      const [, entry] = media.find(([k]) => type.toLowerCase().startsWith(k)) ?? [];
      if (!entry) problems.push(`${where}: Content-Type ${type || "(none)"} is not documented (${media.map(([k]) => k).join(", ")})`);
      else {
        let body;
        try {
          body = JSON.parse(text);
        } catch {
          problems.push(`${where}: the body is not JSON`);
        }
        if (body !== undefined) {
          const v = validator(entry.schema);
          if (!v(body)) problems.push(`${where}: ${ajv.errorsText(v.errors, { separator: "; " })}\n  body: ${text.slice(0, 600)}`);
          for (const fault of notForPeople(body)) problems.push(`${where}: ${fault}`);
        }
      }
    }
    checked++;
    return problems;
  }
  return {
    check,
    ajv,
    resolve,
    get checked() {
      return checked;
    },
  };
}

/** What is not written for people among the issues anywhere in an answer's body: a message
 * (English or German) with a backtick, or one that says its own path again (a path of one
 * lower-case word, such as `items`, is an ordinary word too). The core's rule
 * (`kontor::issue::for_people`), for the worker's own issues and the core's it passes on. */
export function notForPeople(body) {
  const faults = [];
  const mentions = (text, path) => {
    const part = (c) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
    for (let at = text.indexOf(path); at !== -1; at = text.indexOf(path, at + 1)) {
      const before = text[at - 1];
      const [next, then] = [text[at + path.length], text[at + path.length + 1]];
      const longer = next === "." ? part(then) : part(next) || next === "[";
      if (!(part(before) || before === "." || before === "]") && !longer) return true;
    }
    return false;
  };
  const walk = (v) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== "object") return;
    if (typeof v.path === "string" && typeof v.code === "string" && typeof v.message === "string") {
      for (const m of [v.message, v.messageDe ?? ""]) {
        if (m.includes("`")) faults.push(`a backtick in the message of ${v.path} [${v.code}]: ${m}`);
        else if (v.path !== "" && !/^[a-z]+$/.test(v.path) && mentions(m, v.path))
          faults.push(`the message of ${v.path} [${v.code}] says its path again: ${m}`);
      }
    }
    Object.values(v).forEach(walk);
  };
  walk(body);
  return faults;
}

/** With `KONTOR_OPENAPI_RECORD=<file>`, every answer a test receives from a worker started here
 * (its API paths: `/healthz`, `/openapi.json`, `/v1/…`) is appended to that file as a JSON line
 * `{ method, path, status, type, headers, text }`; `KONTOR_OPENAPI_ANSWERS=<file>
 * node --test worker/test/openapi.test.mjs` then checks each against the document. */
const recordTo = process.env.KONTOR_OPENAPI_RECORD;
const recordedWorkers = new Set();
if (recordTo) {
  const { appendFileSync } = await import("node:fs");
  const fetchAsSent = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const res = await fetchAsSent(input, init);
    try {
      const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
      const method = (init?.method ?? (typeof input === "object" && "method" in input ? input.method : "GET")).toUpperCase();
      if (recordedWorkers.has(url.origin) && /^\/(healthz|openapi\.json|v1\/)/.test(url.pathname)) {
        const headers = Object.fromEntries(["allow", "www-authenticate"].map((h) => [h, res.headers.get(h)]).filter(([, v]) => v !== null));
        res
          .clone()
          .text()
          .then(
            (text) =>
              appendFileSync(
                recordTo,
                JSON.stringify({
                  method,
                  path: url.pathname + url.search,
                  status: res.status,
                  type: res.headers.get("content-type") ?? "",
                  headers,
                  text,
                }) + "\n",
              ),
            () => {},
          );
      }
    } catch {
      /* not recorded */
    }
    return res;
  };
}
/** Notes a started worker's origin for the recorder. */
export const recordWorker = (url) => {
  if (recordTo) recordedWorkers.add(new URL(url).origin);
};

/** A bare worker for the benchmarks (no kontor): `script` (an ES module's text) with `vars` and
 * `secrets` (in `.dev.vars`, as `startWorker` keeps them: wrangler lists variables' values, not
 * secrets'), in `wrangler dev` on a fresh folder, once `ready(url)` resolves without throwing.
 * Returns `{ url, stop, pgid }`. */
export async function startBareWorker(name, script, vars, ready, secrets = {}) {
  const dir = mkdtempSync(join(tmpdir(), `kontor-${name}-`));
  writeFileSync(join(dir, "bare.mjs"), script);
  writeFileSync(join(dir, "wrangler.json"), JSON.stringify({ name, main: "bare.mjs", compatibility_date: "2026-04-01", vars }));
  writeFileSync(join(dir, ".dev.vars"), devVars(secrets));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      wrangler,
      "dev",
      "--config",
      join(dir, "wrangler.json"),
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      join(dir, "state"),
      "--show-interactive-dev-session=false",
    ],
    { cwd: dir, env: devEnv(), stdio: "ignore", detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopGroup(child);
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    try {
      await ready(url);
      break;
    } catch {
      /* not yet */
    }
    if (i > 400) {
      await stop();
      throw new Error(`${name} did not start`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, stop, pgid: child.pid };
}
