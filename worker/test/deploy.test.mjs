// `wrangler deploy --dry-run` bundles the worker offline, as Cloudflare would receive it; the
// upload size is printed (docs/worker.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { quietEnv } from "./harness.mjs";

const workerDir = fileURLToPath(new URL("../", import.meta.url));

test("wrangler deploy --dry-run bundles the worker offline", async () => {
  const out = mkdtempSync(join(tmpdir(), "kontor-dist-"));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(workerDir, "node_modules", "wrangler", "bin", "wrangler.js"), "deploy", "--dry-run", "--outdir", out],
      { cwd: workerDir, env: quietEnv, timeout: 120_000 },
    );
    const m = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(stdout);
    assert.ok(m, stdout);
    console.log(`worker upload: ${m[1]} KiB, ${m[2]} KiB gzipped`);
    // Cloudflare's limit is 3 MB gzipped on the free plan; kontor's worker is far below.
    assert.ok(Number(m[2]) < 1024, m[0]);
    assert.match(stdout, /env\.DB \(kontor\)\s+D1 Database/);
    assert.match(stdout, /env\.DELIVERIES \(kontor-deliveries\)\s+Queue/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
