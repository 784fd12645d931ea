// GET /v1/overview: what an operator checks each morning (issue 25). Deliveries per day,
// target and status over the last seven days with the last 24 hours' counts, those needing
// action (dead, auth_failed, uncertain: whenever they were made), and the newest sync run with
// its result. Two reads in one D1 batch; the counts are SQL aggregates, nothing is decided here.
import { redactSecrets, type Issue } from "kontor";
import { type Env, vars } from "./env";
import type { SyncReport } from "./sync";

/** The statuses an operator has to act on. */
const NEEDS_ACTION = ["dead", "auth_failed", "uncertain"];

/** Deliveries of one target and status: made in the last 24 hours and the last 7 days, and
 * per UTC day of the last 7 (oldest first, days without any left out). */
export interface Count {
  target: string;
  status: string;
  lastDay: number;
  lastWeek: number;
  byDay: { day: string; count: number }[];
}

/** A sync (or later reconciliation) run as recorded. */
export interface SyncRun {
  at: string;
  kind: string;
  source: string | null;
  ok: boolean;
  error: string | null;
  listed: number;
  delivered: number;
  skipped: number;
  failed: number;
  issues: Issue[];
}

/** The overview's answer. */
export interface Overview {
  at: string;
  dayFrom: string;
  weekFrom: string;
  counts: Count[];
  needsAction: { target: string; status: string; count: number }[];
  lastSync: SyncRun | null;
}

/** Records a sync run's result (the report as answered); a run that could not be recorded
 * leaves the run's own answer unchanged. */
export async function recordSyncRun(env: Env, report: SyncReport, at: string, kind = "sync"): Promise<void> {
  const failed = report.orders.filter(
    (o) => o.issues.some((i) => i.severity === "error") || o.deliveries.some((d) => d.httpStatus >= 400),
  ).length;
  const issues = redactSecrets([...report.issues, ...report.orders.flatMap((o) => o.issues)].slice(0, 20), vars(env));
  await env.DB.prepare(
    `INSERT INTO sync_runs (at, kind, source, ok, error, listed, delivered, skipped, failed, issues) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
  )
    .bind(
      at,
      kind,
      report.source ?? null,
      report.ok ? 1 : 0,
      report.error ?? null,
      report.listed,
      report.delivered,
      report.skipped,
      failed,
      JSON.stringify(issues),
    )
    .run();
}

type CountRow = { day: string; target: string; status: string; n: number; recent: number };
type ActionRow = { target: string; status: string; n: number };
type RunRow = {
  at: string;
  kind: string;
  source: string | null;
  ok: number;
  error: string | null;
  listed: number;
  delivered: number;
  skipped: number;
  failed: number;
  issues: string;
};

/** The overview at `now` (milliseconds). */
export async function overview(env: Env, now: number): Promise<Overview> {
  const at = new Date(now).toISOString();
  const dayFrom = new Date(now - 24 * 3600_000).toISOString();
  // Seven UTC days, today included.
  const weekFrom = new Date(
    Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate() - 6),
  ).toISOString();
  const [counts, actions, runs] = await env.DB.batch([
    env.DB.prepare(
      `SELECT substr(created_at, 1, 10) AS day, target, status, COUNT(*) AS n, SUM(created_at >= ?2) AS recent
      FROM deliveries WHERE created_at >= ?1 GROUP BY day, target, status ORDER BY day, target, status`,
    ).bind(weekFrom, dayFrom),
    env.DB.prepare(
      `SELECT target, status, COUNT(*) AS n FROM deliveries WHERE status IN (SELECT value FROM json_each(?1)) GROUP BY target, status ORDER BY target, status`,
    ).bind(JSON.stringify(NEEDS_ACTION)),
    env.DB.prepare(`SELECT * FROM sync_runs ORDER BY at DESC LIMIT 1`),
  ]);
  const byKey = new Map<string, Count>();
  for (const r of counts!.results as CountRow[]) {
    const key = `${r.target}\u0000${r.status}`;
    const c = byKey.get(key) ?? { target: r.target, status: r.status, lastDay: 0, lastWeek: 0, byDay: [] };
    c.lastWeek += r.n;
    c.lastDay += r.recent ?? 0;
    c.byDay.push({ day: r.day, count: r.n });
    byKey.set(key, c);
  }
  const run = (runs!.results as RunRow[])[0];
  return {
    at,
    dayFrom,
    weekFrom,
    counts: [...byKey.values()].sort((a, b) => a.target.localeCompare(b.target) || a.status.localeCompare(b.status)),
    needsAction: (actions!.results as ActionRow[]).map((r) => ({ target: r.target, status: r.status, count: r.n })),
    lastSync: run
      ? {
          at: run.at,
          kind: run.kind,
          source: run.source,
          ok: run.ok === 1,
          error: run.error,
          listed: run.listed,
          delivered: run.delivered,
          skipped: run.skipped,
          failed: run.failed,
          issues: JSON.parse(run.issues) as Issue[],
        }
      : null,
  };
}
