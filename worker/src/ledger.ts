// The delivery ledger in D1 (migrations/0001_deliveries.sql). Rows are unique per target and
// idempotency key; claiming a key is one INSERT … ON CONFLICT, re-opening one a compare-and-set,
// so that two identical requests never both go upstream.
import type { Issue, DeliveryStatus } from "kontor";

/** A delivery as answered (docs/worker.md). */
export interface Delivery {
  id: string;
  target: string;
  operation: string;
  key: string;
  status: DeliveryStatus;
  attempts: number;
  upstreamStatus: number | null;
  upstreamId: string | null;
  issues: Issue[];
  payload: unknown;
  createdAt: string;
  updatedAt: string;
  nextAttemptAt: string | null;
}

/** One attempt of a delivery. */
export interface Attempt {
  n: number;
  at: string;
  outcome: string;
  upstreamStatus: number | null;
  issues: Issue[];
  requests: { method: string; url: string; status: number }[];
  durationMs: number;
  /** The upstream's answer, at most 500 characters, secrets redacted (null: none). */
  excerpt?: string | null;
}

/** The attempt whose request is out (write-ahead): recorded before the request leaves,
 * cleared when the attempt is settled. Found set on a delivery that no attempt holds, it was
 * interrupted (the worker stopped mid-send) and may have reached the target. */
export interface InFlight {
  n: number;
  at: string;
  request: { method: string; url: string };
}

/** A row with what a resend needs. */
export interface Stored extends Delivery {
  input: unknown;
  options: unknown;
  state: unknown;
  /** The upstream's own id of the order (Geisenheim's invoice id), for creates and cancels. */
  subject: string | null;
  /** The holder of the current attempt; every write of an attempt is a compare-and-set on it. */
  lease: string | null;
  inflight: InFlight | null;
}

interface Row {
  id: string;
  target: string;
  operation: string;
  key: string;
  status: DeliveryStatus;
  attempts: number;
  upstream_status: number | null;
  upstream_id: string | null;
  issues: string;
  payload: string | null;
  input: string;
  options: string | null;
  state: string | null;
  created_at: string;
  updated_at: string;
  next_attempt_at: string | null;
  subject: string | null;
  lease: string | null;
  inflight: string | null;
}

const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

function fromRow(r: Row): Stored {
  return {
    id: r.id,
    target: r.target,
    operation: r.operation,
    key: r.key,
    status: r.status,
    attempts: r.attempts,
    upstreamStatus: r.upstream_status,
    upstreamId: r.upstream_id,
    issues: JSON.parse(r.issues) as Issue[],
    payload: parse(r.payload),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    nextAttemptAt: r.next_attempt_at,
    input: parse(r.input),
    options: parse(r.options),
    state: parse(r.state),
    subject: r.subject,
    lease: r.lease,
    inflight: parse(r.inflight) as InFlight | null,
  };
}

/** The answered part of a stored delivery (with the attempt out now, if any). */
export function publicDelivery(s: Stored): Delivery & { inFlight?: InFlight } {
  const { input: _i, options: _o, state: _s, subject: _u, lease: _l, inflight, ...d } = s;
  return inflight ? { ...d, inFlight: inflight } : d;
}

/** A delivery to claim: its target, operation, key, subject, order and options. */
export interface ClaimOf {
  target: string;
  operation: string;
  key: string;
  subject: string | null;
  input: unknown;
  options: unknown;
}

/** The statement that claims `(target, key)` as delivery `id` (status `queued`, due at
 * `leaseEnd`, held by a new lease): it answers the new row, or nothing when the key was claimed
 * before. One statement, so that a page of claims is one D1 batch (src/sales.ts). */
export function claimStatement(db: D1Database, d: ClaimOf, id: string, now: string, leaseEnd: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO deliveries (id, target, operation, key, status, attempts, input, options, created_at, updated_at, next_attempt_at, subject, lease)
     VALUES (?1, ?2, ?3, ?4, 'queued', 0, ?5, ?6, ?7, ?7, ?8, ?9, ?10) ON CONFLICT (target, key) DO NOTHING RETURNING *`,
    )
    .bind(
      id,
      d.target,
      d.operation,
      d.key,
      JSON.stringify(d.input ?? null),
      JSON.stringify(d.options ?? null),
      now,
      leaseEnd,
      d.subject,
      crypto.randomUUID(),
    );
}

/** A row a statement answered, as stored. */
export const stored = (r: unknown): Stored => fromRow(r as Row);

/** Claims `(target, key)`: the new row (status `queued`, held by a new lease until
 * `leaseEnd`), or the existing one. */
export async function claim(db: D1Database, d: ClaimOf, now: string, leaseEnd: string): Promise<{ fresh: boolean; row: Stored }> {
  const inserted = await claimStatement(db, d, crypto.randomUUID(), now, leaseEnd).first<Row>();
  if (inserted) return { fresh: true, row: fromRow(inserted) };
  const existing = await byKey(db, d.target, d.key);
  if (!existing) throw new Error("delivery vanished while claiming");
  return { fresh: false, row: existing };
}

/** Re-opens a rejected, dead, auth_failed or uncertain delivery for one more attempt
 * (compare-and-set on its status), held by a new lease; `input` and `options` replace the
 * stored ones. Null when another request got there first. */
export async function reopen(
  db: D1Database,
  row: Stored,
  now: string,
  leaseEnd: string,
  input: unknown,
  options: unknown,
): Promise<Stored | null> {
  const r = await db
    .prepare(
      `UPDATE deliveries SET status = 'queued', updated_at = ?1, next_attempt_at = ?2, input = ?3, options = ?4, lease = ?5, inflight = NULL
     WHERE id = ?6 AND status = ?7 RETURNING *`,
    )
    .bind(now, leaseEnd, JSON.stringify(input ?? null), JSON.stringify(options ?? null), crypto.randomUUID(), row.id, row.status)
    .first<Row>();
  return r ? fromRow(r) : null;
}

/** Write-ahead: records attempt `inflight.n` as out (and the sync `state` it sends from)
 * before its request leaves; false when the lease is lost or the delivery is no longer
 * queued (a cancel got there first): then nothing may be sent. */
export async function writeAhead(db: D1Database, row: Stored, inflight: InFlight, state?: unknown): Promise<boolean> {
  const r = await writeAheadStatement(db, row, inflight, state).run();
  return (r.meta.changes ?? 0) === 1;
}

/** `writeAhead`'s statement (it changes one row, or none when the lease is lost). */
export function writeAheadStatement(db: D1Database, row: Stored, inflight: InFlight, state?: unknown): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE deliveries SET inflight = ?1, attempts = ?2, state = COALESCE(?3, state), updated_at = ?4
     WHERE id = ?5 AND lease = ?6 AND status = 'queued'`,
    )
    .bind(JSON.stringify(inflight), inflight.n, state === undefined ? null : JSON.stringify(state), inflight.at, row.id, row.lease);
}

/** Records an interrupted attempt (the one found in flight) in the attempt log and clears it;
 * false when the lease is lost. */
export async function interrupted(db: D1Database, row: Stored, issues: Issue[], now: string): Promise<boolean> {
  if (!row.inflight) return true;
  const [, upd] = await db.batch([
    db
      .prepare(
        `INSERT OR IGNORE INTO attempts (delivery_id, n, at, outcome, upstream_status, issues, requests, duration_ms, excerpt)
      SELECT ?1, ?2, ?3, 'interrupted', NULL, ?4, ?5, 0, NULL WHERE EXISTS (SELECT 1 FROM deliveries WHERE id = ?1 AND lease = ?6)`,
      )
      .bind(
        row.id,
        row.inflight.n,
        row.inflight.at,
        JSON.stringify(issues),
        JSON.stringify([{ ...row.inflight.request, status: null }]),
        row.lease,
      ),
    db
      .prepare("UPDATE deliveries SET inflight = NULL, attempts = MAX(attempts, ?1), updated_at = ?2 WHERE id = ?3 AND lease = ?4")
      .bind(row.inflight.n, now, row.id, row.lease),
  ]);
  return (upd?.meta.changes ?? 0) === 1;
}

/** The statements that record an attempt and the delivery's new state, and let the lease go
 * (compare-and-set on it: the second changes no row when another holder or a cancel got there
 * first, and the first then writes nothing). */
export function settleStatements(
  db: D1Database,
  row: Stored,
  attempt: Attempt,
  d: {
    status: DeliveryStatus;
    upstreamStatus: number | null;
    upstreamId: string | null;
    issues: Issue[];
    payload: unknown;
    state: unknown;
    nextAttemptAt: string | null;
  },
): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT OR REPLACE INTO attempts (delivery_id, n, at, outcome, upstream_status, issues, requests, duration_ms, excerpt)
      SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE EXISTS (SELECT 1 FROM deliveries WHERE id = ?1 AND lease = ?10)`,
      )
      .bind(
        row.id,
        attempt.n,
        attempt.at,
        attempt.outcome,
        attempt.upstreamStatus,
        JSON.stringify(attempt.issues),
        JSON.stringify(attempt.requests),
        attempt.durationMs,
        attempt.excerpt ?? null,
        row.lease,
      ),
    db
      .prepare(
        `UPDATE deliveries SET status = ?1, attempts = ?2, upstream_status = ?3, upstream_id = COALESCE(?4, upstream_id), issues = ?5,
       payload = COALESCE(?6, payload), state = ?7, updated_at = ?8, next_attempt_at = ?9, inflight = NULL, lease = NULL WHERE id = ?10 AND lease = ?11`,
      )
      .bind(
        d.status,
        attempt.n,
        d.upstreamStatus,
        d.upstreamId,
        JSON.stringify(d.issues),
        d.payload === undefined ? null : JSON.stringify(d.payload),
        d.state === undefined ? null : JSON.stringify(d.state),
        attempt.at,
        d.nextAttemptAt,
        row.id,
        row.lease,
      ),
  ];
}

/** Puts a held delivery back, due at `nextAttemptAt`, without an attempt (a cancel waiting
 * for its create's attempt). */
export async function putBack(db: D1Database, row: Stored, nextAttemptAt: string): Promise<boolean> {
  const r = await db
    .prepare("UPDATE deliveries SET next_attempt_at = ?1, lease = NULL WHERE id = ?2 AND lease = ?3 AND status = 'queued'")
    .bind(nextAttemptAt, row.id, row.lease)
    .run();
  return (r.meta.changes ?? 0) === 1;
}

/** The newest create of `subject` at `target`, or null. */
export async function createOf(db: D1Database, target: string, subject: string): Promise<Stored | null> {
  const r = await db
    .prepare(
      "SELECT * FROM deliveries WHERE target = ?1 AND subject = ?2 AND operation = 'createOrder' ORDER BY created_at DESC, rowid DESC LIMIT 1",
    )
    .bind(target, subject)
    .first<Row>();
  return r ? fromRow(r) : null;
}

/** The statuses of a cancel that stands: done, or still to be done. */
const LIVE_CANCEL = "('accepted', 'queued')";

/** The cancel of `subject` at `target` that is accepted or under way, or null. */
export async function cancelOf(db: D1Database, target: string, subject: string): Promise<Stored | null> {
  const r = await db
    .prepare(
      `SELECT * FROM deliveries WHERE target = ?1 AND subject = ?2 AND operation = 'cancelOrder' AND status IN ${LIVE_CANCEL} LIMIT 1`,
    )
    .bind(target, subject)
    .first<Row>();
  return r ? fromRow(r) : null;
}

/** `cancelOf` for many subjects in one statement (to batch): rows of `target` and `subject`
 * for each a cancel names. */
export function cancelsOfStatement(db: D1Database, subjects: string[]): D1PreparedStatement {
  return db
    .prepare(
      `SELECT DISTINCT target, subject FROM deliveries WHERE operation = 'cancelOrder' AND status IN ${LIVE_CANCEL} AND subject IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(subjects));
}

/** Marks a create `cancelled` (compare-and-set on the status seen, and only when no live
 * attempt holds it: a lease past its end was interrupted); false when it changed meanwhile. */
export async function cancelCreate(db: D1Database, create: Stored, issues: Issue[], now: string): Promise<boolean> {
  const r = await db
    .prepare(
      `UPDATE deliveries SET status = 'cancelled', issues = ?1, updated_at = ?2, next_attempt_at = NULL, lease = NULL
     WHERE id = ?3 AND status = ?4 AND (lease IS NULL OR next_attempt_at IS NULL OR next_attempt_at < ?2)`,
    )
    .bind(JSON.stringify(issues), now, create.id, create.status)
    .run();
  return (r.meta.changes ?? 0) === 1;
}

/** Marks a delivery this caller holds `cancelled` (compare-and-set on its lease). */
export async function cancelHeld(db: D1Database, row: Stored, issues: Issue[], now: string): Promise<boolean> {
  const r = await db
    .prepare(
      "UPDATE deliveries SET status = 'cancelled', issues = ?1, updated_at = ?2, next_attempt_at = NULL, lease = NULL WHERE id = ?3 AND lease = ?4 AND status = 'queued'",
    )
    .bind(JSON.stringify(issues), now, row.id, row.lease)
    .run();
  return (r.meta.changes ?? 0) === 1;
}

/** Adds an issue to a delivery (a note for the operator). */
export async function addIssue(db: D1Database, id: string, add: Issue, now: string): Promise<void> {
  await db
    .prepare("UPDATE deliveries SET issues = json_insert(issues, '$[#]', json(?1)), updated_at = ?2 WHERE id = ?3")
    .bind(JSON.stringify(add), now, id)
    .run();
}

/** The operator's word that an uncertain delivery reached its target: accepted, with the
 * reason in its issues. False when it is not uncertain (any more). */
export async function confirm(db: D1Database, id: string, issues: Issue[], now: string): Promise<boolean> {
  const r = await db
    .prepare(
      "UPDATE deliveries SET status = 'accepted', issues = ?1, updated_at = ?2, next_attempt_at = NULL WHERE id = ?3 AND status = 'uncertain'",
    )
    .bind(JSON.stringify(issues), now, id)
    .run();
  return (r.meta.changes ?? 0) === 1;
}

/** Uses a caller signature's MAC once: false when it was used before (a replay). Expired
 * ones are removed on the way. */
export async function useSignature(db: D1Database, mac: string, expiresAt: number, nowSeconds: number): Promise<boolean> {
  const [, ins] = await db.batch([
    db.prepare("DELETE FROM used_signatures WHERE expires_at < ?1").bind(nowSeconds),
    db
      .prepare("INSERT INTO used_signatures (mac, expires_at) VALUES (?1, ?2) ON CONFLICT (mac) DO NOTHING")
      .bind(mac.toLowerCase(), expiresAt),
  ]);
  return (ins?.meta.changes ?? 0) === 1;
}

/** Whether a shop's webhook delivery (the platform's delivery id) was handled before with a
 * 2xx answer. */
export async function seenEvent(db: D1Database, platform: string, shop: string, eventId: string): Promise<boolean> {
  const r = await db
    .prepare("SELECT 1 AS seen FROM webhook_events WHERE platform = ?1 AND shop = ?2 AND event_id = ?3")
    .bind(platform, shop, eventId)
    .first();
  return r !== null;
}

/** Records a shop's webhook delivery as handled. */
export async function recordEvent(
  db: D1Database,
  platform: string,
  shop: string,
  eventId: string,
  httpStatus: number,
  now: string,
): Promise<void> {
  await db
    .prepare("INSERT INTO webhook_events (platform, shop, event_id, at, http_status) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING")
    .bind(platform, shop, eventId, now, httpStatus)
    .run();
}

/** The delivery of `(target, key)`, or null. */
export async function byKey(db: D1Database, target: string, key: string): Promise<Stored | null> {
  const r = await db.prepare("SELECT * FROM deliveries WHERE target = ?1 AND key = ?2").bind(target, key).first<Row>();
  return r ? fromRow(r) : null;
}

/** One delivery, or null. */
export async function get(db: D1Database, id: string): Promise<Stored | null> {
  const r = await db.prepare("SELECT * FROM deliveries WHERE id = ?1").bind(id).first<Row>();
  return r ? fromRow(r) : null;
}

/** Every attempt of a delivery, oldest first. */
export async function attempts(db: D1Database, id: string): Promise<Attempt[]> {
  const { results } = await db.prepare("SELECT * FROM attempts WHERE delivery_id = ?1 ORDER BY n").bind(id).all<{
    n: number;
    at: string;
    outcome: string;
    upstream_status: number | null;
    issues: string;
    requests: string;
    duration_ms: number;
    excerpt: string | null;
  }>();
  return results.map((a) => ({
    n: a.n,
    at: a.at,
    outcome: a.outcome,
    upstreamStatus: a.upstream_status,
    issues: JSON.parse(a.issues) as Issue[],
    requests: JSON.parse(a.requests) as Attempt["requests"],
    durationMs: a.duration_ms,
    excerpt: a.excerpt,
  }));
}

/** Recent deliveries, newest first. */
export async function list(
  db: D1Database,
  f: { status?: string; target?: string; since?: string; limit: number },
): Promise<(Delivery & { inFlight?: InFlight })[]> {
  const { results } = await db
    .prepare(
      "SELECT * FROM deliveries WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR target = ?2) AND (?4 IS NULL OR created_at >= ?4) ORDER BY created_at DESC, rowid DESC LIMIT ?3",
    )
    .bind(f.status ?? null, f.target ?? null, f.limit, f.since ?? null)
    .all<Row>();
  return results.map((r) => publicDelivery(fromRow(r)));
}

/** Takes queued deliveries (a queue batch) for one attempt each when due (within `slackMs`)
 * and no other attempt holds them: compare-and-set of `next_attempt_at` to the lease's end, in
 * one statement, each with its own new lease. The rows leased: a delivery not queued, not due
 * or held (a duplicate or early message) is not among them. */
export async function leaseMany(db: D1Database, ids: string[], nowMs: number, slackMs: number, leaseMs: number): Promise<Stored[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(
      `UPDATE deliveries SET next_attempt_at = ?1, lease = lower(hex(randomblob(16))) WHERE id IN (SELECT value FROM json_each(?2)) AND status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?3) RETURNING *`,
    )
    .bind(new Date(nowMs + leaseMs).toISOString(), JSON.stringify(ids), new Date(nowMs + slackMs).toISOString())
    .all<Row>();
  return results.map(fromRow);
}

/** Marks a still queued delivery dead (compare-and-set); false when it is not queued. */
export async function markDead(db: D1Database, id: string, now: string): Promise<boolean> {
  const r = await db
    .prepare(
      "UPDATE deliveries SET status = 'dead', next_attempt_at = NULL, lease = NULL, updated_at = ?1 WHERE id = ?2 AND status = 'queued'",
    )
    .bind(now, id)
    .run();
  return (r.meta.changes ?? 0) === 1;
}

/** Queued deliveries whose attempt is overdue by the time given (a lost message, a worker
 * stopped during an attempt): the ids, oldest first. */
export async function overdue(db: D1Database, before: string, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id FROM deliveries WHERE status = 'queued' AND next_attempt_at < ?1 ORDER BY next_attempt_at LIMIT ?2")
    .bind(before, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** A dead letter: why the delivery died and its full context. */
export interface DeadLetter {
  at: string;
  reason: string;
  context: unknown;
}

/** Records a dead letter. */
export async function recordDeadLetter(db: D1Database, id: string, letter: DeadLetter): Promise<void> {
  await db
    .prepare("INSERT INTO dead_letters (delivery_id, at, reason, context) VALUES (?1, ?2, ?3, ?4)")
    .bind(id, letter.at, letter.reason, JSON.stringify(letter.context))
    .run();
}

/** The dead letters of a delivery, oldest first. */
export async function deadLetters(db: D1Database, id: string): Promise<DeadLetter[]> {
  const { results } = await db
    .prepare("SELECT at, reason, context FROM dead_letters WHERE delivery_id = ?1 ORDER BY at")
    .bind(id)
    .all<{ at: string; reason: string; context: string }>();
  return results.map((r) => ({ at: r.at, reason: r.reason, context: JSON.parse(r.context) }));
}

/** The shop session kept for `source`, or null. */
export async function syncSession(db: D1Database, source: string): Promise<unknown> {
  const r = await db.prepare("SELECT session FROM sync_sessions WHERE source = ?1").bind(source).first<{ session: string }>();
  return r ? JSON.parse(r.session) : null;
}

/** Keeps the shop session of `source`. */
export async function keepSyncSession(db: D1Database, source: string, session: unknown, now: string): Promise<void> {
  await db
    .prepare(
      "INSERT INTO sync_sessions (source, session, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (source) DO UPDATE SET session = ?2, updated_at = ?3",
    )
    .bind(source, JSON.stringify(session), now)
    .run();
}

/** The shop ids of `source` already handed to the ledger, among `ids`. */
export async function syncedIds(db: D1Database, source: string, ids: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < ids.length; i += 50) {
    const part = ids.slice(i, i + 50);
    const { results } = await db
      .prepare(`SELECT shop_id FROM sync_orders WHERE source = ?1 AND shop_id IN (${part.map((_, j) => `?${j + 2}`).join(", ")})`)
      .bind(source, ...part)
      .all<{ shop_id: string }>();
    for (const r of results) seen.add(r.shop_id);
  }
  return seen;
}

/** Notes a shop order as handed to the ledger (its deliveries exist). */
export async function markSynced(db: D1Database, source: string, shopId: string, number: string | null, now: string): Promise<void> {
  await db
    .prepare("INSERT INTO sync_orders (source, shop_id, number, at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING")
    .bind(source, shopId, number, now)
    .run();
}
