// The delivery ledger in D1 (migrations/0001_deliveries.sql). Rows are unique per target and
// idempotency key; claiming a key is one INSERT … ON CONFLICT, re-opening one a compare-and-set,
// so that two identical requests never both go upstream.
import type { Issue, DeliveryStatus } from "kontor";

/** A delivery as answered (CONTRACT.md §3). */
export interface Delivery {
  id: string; target: string; operation: string; key: string; status: DeliveryStatus; attempts: number;
  upstreamStatus: number | null; upstreamId: string | null; issues: Issue[]; payload: unknown;
  createdAt: string; updatedAt: string; nextAttemptAt: string | null;
}

/** One attempt of a delivery. */
export interface Attempt {
  n: number; at: string; outcome: string; upstreamStatus: number | null; issues: Issue[];
  requests: { method: string; url: string; status: number }[]; durationMs: number;
}

/** A row with what a resend needs. */
export interface Stored extends Delivery { input: unknown; options: unknown; state: unknown }

interface Row {
  id: string; target: string; operation: string; key: string; status: DeliveryStatus; attempts: number;
  upstream_status: number | null; upstream_id: string | null; issues: string; payload: string | null;
  input: string; options: string | null; state: string | null; created_at: string; updated_at: string; next_attempt_at: string | null;
}

const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

function fromRow(r: Row): Stored {
  return {
    id: r.id, target: r.target, operation: r.operation, key: r.key, status: r.status, attempts: r.attempts,
    upstreamStatus: r.upstream_status, upstreamId: r.upstream_id, issues: JSON.parse(r.issues) as Issue[],
    payload: parse(r.payload), createdAt: r.created_at, updatedAt: r.updated_at, nextAttemptAt: r.next_attempt_at,
    input: parse(r.input), options: parse(r.options), state: parse(r.state),
  };
}

/** The answered part of a stored delivery. */
export function publicDelivery(s: Stored): Delivery {
  const { input: _i, options: _o, state: _s, ...d } = s;
  return d;
}

/** Claims `(target, key)`: the new row (status `queued`), or the existing one. */
export async function claim(db: D1Database, d: { target: string; operation: string; key: string; input: unknown; options: unknown }, now: string, lease: string): Promise<{ fresh: boolean; row: Stored }> {
  const id = crypto.randomUUID();
  const inserted = await db.prepare(
    `INSERT INTO deliveries (id, target, operation, key, status, attempts, input, options, created_at, updated_at, next_attempt_at)
     VALUES (?1, ?2, ?3, ?4, 'queued', 0, ?5, ?6, ?7, ?7, ?8) ON CONFLICT (target, key) DO NOTHING RETURNING *`,
  ).bind(id, d.target, d.operation, d.key, JSON.stringify(d.input ?? null), JSON.stringify(d.options ?? null), now, lease).first<Row>();
  if (inserted) return { fresh: true, row: fromRow(inserted) };
  const existing = await db.prepare("SELECT * FROM deliveries WHERE target = ?1 AND key = ?2").bind(d.target, d.key).first<Row>();
  if (!existing) throw new Error("delivery vanished while claiming");
  return { fresh: false, row: fromRow(existing) };
}

/** Re-opens a rejected, dead or auth_failed delivery for one more attempt (compare-and-set on
 * its status); `input` and `options` replace the stored ones. False when another request got
 * there first. */
export async function reopen(db: D1Database, row: Stored, now: string, lease: string, input: unknown, options: unknown): Promise<boolean> {
  const r = await db.prepare(
    "UPDATE deliveries SET status = 'queued', updated_at = ?1, next_attempt_at = ?2, input = ?3, options = ?4 WHERE id = ?5 AND status = ?6",
  ).bind(now, lease, JSON.stringify(input ?? null), JSON.stringify(options ?? null), row.id, row.status).run();
  return (r.meta.changes ?? 0) === 1;
}

/** Records an attempt and the delivery's new state. */
export async function settle(db: D1Database, id: string, attempt: Attempt, d: { status: DeliveryStatus; upstreamStatus: number | null; upstreamId: string | null; issues: Issue[]; payload: unknown; state: unknown; nextAttemptAt: string | null }): Promise<void> {
  await db.batch([
    db.prepare("INSERT INTO attempts (delivery_id, n, at, outcome, upstream_status, issues, requests, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind(id, attempt.n, attempt.at, attempt.outcome, attempt.upstreamStatus, JSON.stringify(attempt.issues), JSON.stringify(attempt.requests), attempt.durationMs),
    db.prepare(
      `UPDATE deliveries SET status = ?1, attempts = ?2, upstream_status = ?3, upstream_id = COALESCE(?4, upstream_id), issues = ?5,
       payload = COALESCE(?6, payload), state = ?7, updated_at = ?8, next_attempt_at = ?9 WHERE id = ?10`,
    ).bind(d.status, attempt.n, d.upstreamStatus, d.upstreamId, JSON.stringify(d.issues), d.payload === undefined ? null : JSON.stringify(d.payload),
      d.state === undefined ? null : JSON.stringify(d.state), attempt.at, d.nextAttemptAt, id),
  ]);
}

/** One delivery, or null. */
export async function get(db: D1Database, id: string): Promise<Stored | null> {
  const r = await db.prepare("SELECT * FROM deliveries WHERE id = ?1").bind(id).first<Row>();
  return r ? fromRow(r) : null;
}

/** Every attempt of a delivery, oldest first. */
export async function attempts(db: D1Database, id: string): Promise<Attempt[]> {
  const { results } = await db.prepare("SELECT * FROM attempts WHERE delivery_id = ?1 ORDER BY n").bind(id).all<{
    n: number; at: string; outcome: string; upstream_status: number | null; issues: string; requests: string; duration_ms: number;
  }>();
  return results.map((a) => ({ n: a.n, at: a.at, outcome: a.outcome, upstreamStatus: a.upstream_status,
    issues: JSON.parse(a.issues) as Issue[], requests: JSON.parse(a.requests) as Attempt["requests"], durationMs: a.duration_ms }));
}

/** Recent deliveries, newest first. */
export async function list(db: D1Database, f: { status?: string; target?: string; limit: number }): Promise<Delivery[]> {
  const { results } = await db.prepare(
    "SELECT * FROM deliveries WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR target = ?2) ORDER BY created_at DESC, rowid DESC LIMIT ?3",
  ).bind(f.status ?? null, f.target ?? null, f.limit).all<Row>();
  return results.map((r) => publicDelivery(fromRow(r)));
}
