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
  /** The upstream's answer, at most 500 characters, secrets redacted (null: none). */
  excerpt?: string | null;
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
    db.prepare("INSERT INTO attempts (delivery_id, n, at, outcome, upstream_status, issues, requests, duration_ms, excerpt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
      .bind(id, attempt.n, attempt.at, attempt.outcome, attempt.upstreamStatus, JSON.stringify(attempt.issues), JSON.stringify(attempt.requests), attempt.durationMs, attempt.excerpt ?? null),
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
    n: number; at: string; outcome: string; upstream_status: number | null; issues: string; requests: string; duration_ms: number; excerpt: string | null;
  }>();
  return results.map((a) => ({ n: a.n, at: a.at, outcome: a.outcome, upstreamStatus: a.upstream_status,
    issues: JSON.parse(a.issues) as Issue[], requests: JSON.parse(a.requests) as Attempt["requests"], durationMs: a.duration_ms, excerpt: a.excerpt }));
}

/** Recent deliveries, newest first. */
export async function list(db: D1Database, f: { status?: string; target?: string; limit: number }): Promise<Delivery[]> {
  const { results } = await db.prepare(
    "SELECT * FROM deliveries WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR target = ?2) ORDER BY created_at DESC, rowid DESC LIMIT ?3",
  ).bind(f.status ?? null, f.target ?? null, f.limit).all<Row>();
  return results.map((r) => publicDelivery(fromRow(r)));
}

/** Takes a queued delivery for one attempt when it is due (within `slackMs`) and no other
 * attempt holds it: compare-and-set of `next_attempt_at` to the lease's end. Null when the
 * delivery is not queued, not due, or held (a duplicate or early message). */
export async function lease(db: D1Database, id: string, nowMs: number, slackMs: number, leaseMs: number): Promise<Stored | null> {
  const r = await db.prepare(
    `UPDATE deliveries SET next_attempt_at = ?1 WHERE id = ?2 AND status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?3) RETURNING *`,
  ).bind(new Date(nowMs + leaseMs).toISOString(), id, new Date(nowMs + slackMs).toISOString()).first<Row>();
  return r ? fromRow(r) : null;
}

/** Marks a still queued delivery dead (compare-and-set); false when it is not queued. */
export async function markDead(db: D1Database, id: string, now: string): Promise<boolean> {
  const r = await db.prepare("UPDATE deliveries SET status = 'dead', next_attempt_at = NULL, updated_at = ?1 WHERE id = ?2 AND status = 'queued'").bind(now, id).run();
  return (r.meta.changes ?? 0) === 1;
}

/** Queued deliveries whose attempt is overdue by the time given (a lost message, a worker
 * stopped during an attempt): the ids, oldest first. */
export async function overdue(db: D1Database, before: string, limit: number): Promise<string[]> {
  const { results } = await db.prepare("SELECT id FROM deliveries WHERE status = 'queued' AND next_attempt_at < ?1 ORDER BY next_attempt_at LIMIT ?2")
    .bind(before, limit).all<{ id: string }>();
  return results.map((r) => r.id);
}

/** A dead letter: why the delivery died and its full context. */
export interface DeadLetter { at: string; reason: string; context: unknown }

/** Records a dead letter. */
export async function recordDeadLetter(db: D1Database, id: string, letter: DeadLetter): Promise<void> {
  await db.prepare("INSERT INTO dead_letters (delivery_id, at, reason, context) VALUES (?1, ?2, ?3, ?4)")
    .bind(id, letter.at, letter.reason, JSON.stringify(letter.context)).run();
}

/** The dead letters of a delivery, oldest first. */
export async function deadLetters(db: D1Database, id: string): Promise<DeadLetter[]> {
  const { results } = await db.prepare("SELECT at, reason, context FROM dead_letters WHERE delivery_id = ?1 ORDER BY at").bind(id).all<{ at: string; reason: string; context: string }>();
  return results.map((r) => ({ at: r.at, reason: r.reason, context: JSON.parse(r.context) }));
}

/** The shop session kept for `source`, or null. */
export async function syncSession(db: D1Database, source: string): Promise<unknown> {
  const r = await db.prepare("SELECT session FROM sync_sessions WHERE source = ?1").bind(source).first<{ session: string }>();
  return r ? JSON.parse(r.session) : null;
}

/** Keeps the shop session of `source`. */
export async function keepSyncSession(db: D1Database, source: string, session: unknown, now: string): Promise<void> {
  await db.prepare("INSERT INTO sync_sessions (source, session, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (source) DO UPDATE SET session = ?2, updated_at = ?3")
    .bind(source, JSON.stringify(session), now).run();
}

/** The shop ids of `source` already handed to the ledger, among `ids`. */
export async function syncedIds(db: D1Database, source: string, ids: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < ids.length; i += 50) {
    const part = ids.slice(i, i + 50);
    const { results } = await db.prepare(`SELECT shop_id FROM sync_orders WHERE source = ?1 AND shop_id IN (${part.map((_, j) => `?${j + 2}`).join(", ")})`)
      .bind(source, ...part).all<{ shop_id: string }>();
    for (const r of results) seen.add(r.shop_id);
  }
  return seen;
}

/** Notes a shop order as handed to the ledger (its deliveries exist). */
export async function markSynced(db: D1Database, source: string, shopId: string, number: string | null, now: string): Promise<void> {
  await db.prepare("INSERT INTO sync_orders (source, shop_id, number, at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING").bind(source, shopId, number, now).run();
}
