// The real kivitendo for the compatibility suite: a temporary PostgreSQL cluster on
// 127.0.0.1 (initdb + pg_ctl into .build/, a free port), kivitendo's client databases loaded
// from ../shared/kivitendo/*.sql with psql, and the REST API plugin started through
// ../shared/kivitendo/run-rest-api.sh. Only this suite reads ../shared/ (the fixtures stay
// there; nothing is copied into the repository).
import { spawn, execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, chownSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { stopGroup } from "../process.mjs";

const run = promisify(execFile);
export const repo = fileURLToPath(new URL("../../", import.meta.url));
export const shared = join(repo, "..", "shared", "kivitendo");
const build = join(repo, ".build", "kivitendo-real");
const PG_BIN = "/usr/lib/postgresql/15/bin";
export const API_USER = "kontor-api";
export const API_PASSWORD = "kontor-secret";

/** What is missing to run the suite (empty when nothing is). */
export function missing() {
  const out = [];
  if (!existsSync(join(shared, "run-rest-api.sh"))) out.push(`${shared} (the kivitendo fixtures)`);
  if (!existsSync(join(PG_BIN, "initdb"))) out.push("PostgreSQL 15 (scripts/setup.sh installs it)");
  if (!existsSync("/usr/bin/ruby")) out.push("ruby (scripts/setup.sh installs it)");
  return out;
}

/** A TCP port free on 127.0.0.1 just now. */
export async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

// initdb and the server refuse to run as root: as root they run as `postgres`.
const asRoot = process.getuid?.() === 0;
const pgCmd = (cmd, args) => (asRoot ? ["runuser", ["-u", "postgres", "--", join(PG_BIN, cmd), ...args]] : [join(PG_BIN, cmd), args]);

/** Starts a fresh cluster; returns `{ port, psql(db, sql), load(db, version), stop }`. */
export async function startPostgres() {
  let dir = join(build, `pg-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (asRoot) {
    chownSync(dir, ...(await ids()));
    // The server runs as `postgres`, which must reach the folder; a checkout below a private
    // folder (mode 700) hides .build/ from it: then a fresh folder in /tmp serves instead.
    try {
      await run("runuser", ["-u", "postgres", "--", "test", "-w", dir]);
    } catch {
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync("/tmp/kontor-kivitendo-pg-");
      chownSync(dir, ...(await ids()));
    }
  }
  const data = join(dir, "data");
  const pwfile = join(dir, "pw");
  writeFileSync(pwfile, "postgres\n");
  if (asRoot) chownSync(pwfile, ...(await ids()));
  await run(
    ...pgCmd("initdb", ["-D", data, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${pwfile}`, "-E", "UTF8", "--locale=C.UTF-8"]),
    { timeout: 120_000 },
  );
  const port = await freePort();
  await run(
    ...pgCmd("pg_ctl", [
      "-D",
      data,
      "-l",
      join(dir, "log"),
      "-w",
      "-t",
      "60",
      "-o",
      `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      "start",
    ]),
    { timeout: 90_000 },
  );
  const env = { ...process.env, PGHOST: "127.0.0.1", PGPORT: String(port) };
  const psqlAs = (user, password, db, args) =>
    run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", user, "-d", db, ...args], {
      env: { ...env, PGPASSWORD: password },
      timeout: 120_000,
      maxBuffer: 64 << 20,
    });
  await psqlAs("postgres", "postgres", "postgres", ["-c", "CREATE ROLE kivitendo LOGIN PASSWORD 'kivitendo'"]);
  return {
    port,
    url: (db) => `postgres://kivitendo:kivitendo@127.0.0.1:${port}/${db}`,
    /** Creates database `db` owned by kivitendo and loads the dump of `version` into it. */
    async load(db, version) {
      await psqlAs("postgres", "postgres", "postgres", ["-c", `CREATE DATABASE "${db}" OWNER kivitendo`]);
      await psqlAs("kivitendo", "kivitendo", db, ["-f", join(shared, `kivitendo-${version}.sql`)]);
    },
    /** The rows of `sql` in `db`, as objects (psql, each row as JSON). */
    async rows(db, sql) {
      const { stdout } = await psqlAs("kivitendo", "kivitendo", db, ["-At", "-c", `SELECT row_to_json(r) FROM (${sql}) r`]);
      return stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    },
    /** Runs `sql` in `db` (no rows back). */
    async exec(db, sql) {
      await psqlAs("kivitendo", "kivitendo", db, ["-c", sql]);
    },
    async stop() {
      try {
        await run(...pgCmd("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]), { timeout: 60_000 });
      } catch {
        /* gone */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function ids() {
  const { stdout } = await run("id", ["-u", "postgres"]);
  const { stdout: g } = await run("id", ["-g", "postgres"]);
  return [Number(stdout), Number(g)];
}

/** Starts the REST plugin on `databaseUrl`; returns `{ url, baseUrl, output, stop }` once it answers. */
export async function startPlugin(databaseUrl, name) {
  const port = await freePort();
  const runDir = join(build, `api-${name}-${process.pid}`);
  rmSync(runDir, { recursive: true, force: true });
  const child = spawn("bash", [join(shared, "run-rest-api.sh"), join(shared, "rest-api"), databaseUrl, String(port)], {
    env: { ...process.env, RUN_DIR: runDir, KIVI_API_USER: API_USER, KIVI_API_PASSWORD: API_PASSWORD },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  const stop = async () => {
    await stopGroup(child);
    rmSync(runDir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const auth = "Basic " + Buffer.from(`${API_USER}:${API_PASSWORD}`).toString("base64");
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the REST plugin exited:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the REST plugin did not start:\n${output}`);
    }
    try {
      const r = await fetch(`${baseUrl}/api/v1/currencies`, { headers: { authorization: auth } });
      if (r.status === 200) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { baseUrl, auth, output: () => output, stop };
}
