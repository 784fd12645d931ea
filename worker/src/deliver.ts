// Sending a delivery: kontor builds every request and reads every answer; this file only
// performs them (fetch with a timeout) and keeps the ledger.
import {
  request,
  interpretResponse,
  kivitendoSync,
  workerConfig,
  deliveryKey,
  settleDelivery,
  mayResend,
  redactSecrets,
  beforeResend,
  findSent,
  whenPossiblySent,
  cancelPlan,
  type FoundSent,
  type Issue,
  type Order,
  type HttpRequest,
  type KivitendoSyncState,
  type Outcome,
  type RequestConfig,
  type DeliveryStatus,
} from "kontor";
import { type Env, vars, intVar } from "./env";
import * as ledger from "./ledger";
import { issue } from "./http";

/** What to deliver: an order to a target, or Geisenheim's cancel of an invoice id. */
export interface Job {
  target: string;
  operation: "createOrder" | "cancelOrder";
  input: unknown;
  options?: unknown;
  idempotencyKey?: string | null;
  /** A key the same order may have had before keys named the shop: a delivery under it counts. */
  legacyKey?: string;
}

/** The result of one delivery request, answered with `httpStatus`. */
export interface Result {
  httpStatus: number;
  body: Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** How long one attempt holds a delivery (its lease): longer than the longest attempt
 * (UPSTREAM_TIMEOUT_SECONDS per request, at most 8 requests: kivitendo's step budget, plus
 * 5 s for the ledger), so that no second attempt starts beside a live one. */
export const leaseMs = (env: Env) => (intVar(env, "UPSTREAM_TIMEOUT_SECONDS", 20) * 8 + 5) * 1000;

/** An upstream answer for the attempt log: at most 500 characters, every secret and
 * credential key redacted (kontor's redactSecrets, on the parsed JSON where it is JSON). */
function excerpt(body: string, v: Readonly<Record<string, string>>): string {
  let value: unknown = body;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === "object") value = parsed;
  } catch {
    /* text */
  }
  // Wrapped: a bare string would be read as JSON text.
  const safe = (redactSecrets({ value }, v) as { value: unknown }).value;
  const text = typeof safe === "string" ? safe : JSON.stringify(safe);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** Performs a request built by kontor; a network failure or timeout is status 0, and
 * `timedOut` says the request left but no answer came in time (it may have arrived). */
export async function perform(env: Env, req: HttpRequest): Promise<{ status: number; body: string; timedOut?: boolean }> {
  const timeout = intVar(env, "UPSTREAM_TIMEOUT_SECONDS", 20) * 1000;
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body ?? null,
      signal: AbortSignal.timeout(timeout),
    });
    return { status: res.status, body: await res.text() };
  } catch (e) {
    return { status: 0, body: "", timedOut: e instanceof Error && e.name === "TimeoutError" };
  }
}

/** Issues whose path names the worker's own configuration make a 500, others a 422. */
function refused(issues: Issue[], target: string): Result {
  const config = issues.some((i) => i.severity === "error" && i.path.startsWith("env."));
  return {
    httpStatus: config ? 500 : 422,
    body: { target, status: "rejected", error: config ? "worker_misconfigured" : "invalid_request", issues },
  };
}

/** The answer to a retry of a delivery that is accepted or queued (409). */
function notRetryable(d: ledger.Stored): Result {
  return {
    httpStatus: 409,
    body: {
      ...ledger.publicDelivery(d),
      error: "not_retryable",
      issues: [
        {
          path: "",
          code: "not_retryable",
          severity: "error",
          message: `delivery ${d.id} is ${d.status}: only rejected, dead or auth_failed deliveries are sent again`,
          messageDe: `Zustellung ${d.id} ist ${d.status}: nur abgelehnte, tote oder an der Anmeldung gescheiterte werden erneut gesendet`,
        },
      ],
    },
  };
}

/** The upstream's own id of a job's order, which a cancel and its create share: Geisenheim's
 * invoice id (kontor's idempotency key without a header; a cancel's without its `cancel:`). */
export function subjectOf(job: Job): string | null {
  if (job.target !== "geisenheim") return null;
  const k = deliveryKey(job.target, job.operation, job.input);
  return k.ok ? k.key.replace(/^cancel:/, "") : null;
}

/** The answer for a delivery as it stands in the ledger (`duplicate`: the same key again). */
async function answerFromLedger(env: Env, id: string, fallback: ledger.Stored, duplicate: boolean): Promise<Result> {
  const current = (await ledger.get(env.DB, id)) ?? fallback;
  const httpStatus = current.status === "accepted" ? 200 : current.status === "queued" || current.status === "uncertain" ? 202 : 409;
  return { httpStatus, body: { ...ledger.publicDelivery(current), ...(duplicate ? { duplicate: true } : {}) } };
}

/** A test's fault-injection point (KONTOR_FAULT_HOOK_URL, never set in production): the worker
 * says where it is (`claimed`, `inflight`: the attempt recorded and its request about to
 * leave, `answered`: the answer in, not yet recorded, `settled`; src/sales.ts: `sale_ids`, a
 * page's Geisenheim ids given and nothing claimed yet), so that a test can stop it there with
 * kill -9. */
export async function faultPoint(env: Env, step: string, row: { target: string; key: string }, method = "", path = ""): Promise<void> {
  const url = env.KONTOR_FAULT_HOOK_URL;
  if (typeof url !== "string" || url === "") return;
  try {
    await fetch(
      `${url}?step=${step}&target=${row.target}&method=${method}&path=${encodeURIComponent(path)}&key=${encodeURIComponent(row.key)}`,
    );
  } catch {
    /* the hook is gone */
  }
}

/** Builds, claims, sends and settles one delivery. `existing` is a delivery the operator
 * retries; with `noResend` (the sync) an existing key is answered from the ledger, never sent
 * again. */
export async function deliver(env: Env, job: Job, existing?: ledger.Stored, noResend = false): Promise<Result> {
  if (existing && !mayResend(existing.status, true)) return notRetryable(existing);
  // Check before anything is stored or sent: an invalid order never goes upstream.
  const ready = build(env, job);
  if ("issues" in ready) return refused(ready.issues, job.target);
  const { config, first, firstIssues } = ready;

  const now = Date.now();
  const leaseEnd = iso(now + leaseMs(env));
  let row: ledger.Stored;
  if (existing) {
    const reopened = await ledger.reopen(env.DB, existing, iso(now), leaseEnd, job.input, job.options);
    if (!reopened) return notRetryable((await ledger.get(env.DB, existing.id)) ?? existing);
    row = reopened;
  } else {
    const key = deliveryKey(job.target, job.operation, job.input, job.idempotencyKey ?? undefined);
    if (!key.ok) return refused(key.issues, job.target);
    const claimed = await ledger.claim(
      env.DB,
      { target: job.target, operation: job.operation, key: key.key, subject: subjectOf(job), input: job.input, options: job.options },
      iso(now),
      leaseEnd,
    );
    if (!claimed.fresh) {
      // The same key again: answered from the ledger unless its delivery may be sent again
      // (never an uncertain one: only the operator decides that).
      if (noResend || !mayResend(claimed.row.status, false)) return answerFromLedger(env, claimed.row.id, claimed.row, true);
      const reopened = await ledger.reopen(env.DB, claimed.row, iso(now), leaseEnd, job.input, job.options);
      if (!reopened) return answerFromLedger(env, claimed.row.id, claimed.row, true);
      row = reopened;
    } else {
      row = claimed.row;
    }
  }
  if (await cancelledBefore(env, row)) return answerFromLedger(env, row.id, row, false);
  await faultPoint(env, "claimed", row);
  return attempt(env, job, row, config, first, firstIssues);
}

/** A create whose order was cancelled before it came (the cancel is accepted or under way) is
 * never sent: marked `cancelled`. True when it was. */
export async function cancelledBefore(env: Env, row: ledger.Stored): Promise<boolean> {
  if (row.operation !== "createOrder" || !row.subject) return false;
  const cancel = await ledger.cancelOf(env.DB, row.target, row.subject);
  if (!cancel) return false;
  return ledger.cancelHeld(
    env.DB,
    row,
    [
      issue(
        "",
        "cancelled_before_sent",
        `the order was cancelled (delivery ${cancel.id}) before this create came: it is never sent`,
        `die Bestellung wurde storniert (Zustellung ${cancel.id}), bevor diese Anlage kam: sie wird nie gesendet`,
        "error",
      ),
    ],
    iso(Date.now()),
  );
}

/** A delivery's result from its stored row. */
async function result(env: Env, row: ledger.Stored, httpStatus: number, extra: Record<string, unknown> = {}): Promise<Result> {
  const stored = (await ledger.get(env.DB, row.id)) ?? row;
  return { httpStatus, body: { ...ledger.publicDelivery(stored), ...extra } };
}

/** Before a cancel is sent: the create of the same order is stopped (never sent, or never
 * again) or waited for while an attempt of it is out (kontor's cancelPlan). */
async function settleCreateFirst(env: Env, row: ledger.Stored): Promise<{ send: boolean; wait: boolean; issues: Issue[] }> {
  if (!row.subject) return { send: true, wait: false, issues: [] };
  for (let i = 0; i < 3; i++) {
    const create = await ledger.createOf(env.DB, row.target, row.subject);
    const held = create !== null && create.lease !== null && create.nextAttemptAt !== null && Date.parse(create.nextAttemptAt) > Date.now();
    const plan = cancelPlan(create?.status ?? null, create?.attempts ?? 0, held);
    if (plan.wait) return { send: false, wait: true, issues: [] };
    if (create && plan.cancelCreate) {
      const note = issue(
        "",
        "cancelled_before_sent",
        `the order was cancelled (delivery ${row.id}) before this create was sent: it is never sent`,
        `die Bestellung wurde storniert (Zustellung ${row.id}), bevor diese Anlage gesendet wurde: sie wird nie gesendet`,
        "warning",
      );
      if (!(await ledger.cancelCreate(env.DB, create, [...create.issues.filter((x) => x.severity === "warning"), note], iso(Date.now()))))
        continue;
      return {
        send: plan.send,
        wait: false,
        issues: [
          issue(
            "",
            "create_cancelled",
            plan.send
              ? `its create (delivery ${create.id}, ${create.status}) may have reached ${row.target}: it is cancelled and the cancel is sent`
              : `its create (delivery ${create.id}) had not reached ${row.target}: it is cancelled and will never be sent; nothing to cancel upstream`,
            plan.send
              ? `ihre Anlage (Zustellung ${create.id}, ${create.status}) kann ${row.target} erreicht haben: sie ist storniert, und die Stornierung wird gesendet`
              : `ihre Anlage (Zustellung ${create.id}) hatte ${row.target} nicht erreicht: sie ist storniert und wird nie gesendet; upstream nichts zu stornieren`,
            "warning",
          ),
        ],
      };
    }
    return { send: plan.send, wait: false, issues: [] };
  }
  return { send: false, wait: true, issues: [] };
}

/** How long a cancel waits for an attempt of its create that is out. */
const CANCEL_WAIT_SECONDS = 5;

/** One attempt of a delivery this caller holds (claimed, re-opened or leased): records it as
 * in flight before each request leaves (write-ahead), sends, settles the delivery; a
 * retriable outcome is queued again (a message with the backoff's delay, unless `requeue` is
 * false: the consumer retries its own message), a dead one goes to the dead-letter queue. An
 * attempt found in flight (the worker stopped mid-send) is taken as possibly sent: looked up
 * where the target can be asked, else `uncertain` for the operator, never sent blindly. */
export async function attempt(
  env: Env,
  job: Job,
  row: ledger.Stored,
  config: RequestConfig,
  first: HttpRequest,
  firstIssues: Issue[],
  requeue = true,
): Promise<Result & { retryInSeconds?: number }> {
  const started = Date.now();
  const requests: { method: string; url: string; status: number }[] = [];
  let outcome: Outcome | "uncertain";
  let issues: Issue[];
  let data: unknown;
  let payload: unknown;
  let state: KivitendoSyncState | undefined;
  let upstreamStatus: number | null = null;
  let answerBody: string | null = null;
  const n = Math.max(row.attempts, row.inflight?.n ?? 0) + 1;
  const lost = () =>
    result(env, row, 409, {
      error: "not_held",
      issues: [
        issue(
          "",
          "not_held",
          "another attempt or a cancel took this delivery over: nothing was sent by this one",
          "ein anderer Versuch oder eine Stornierung hat diese Zustellung übernommen: dieser hat nichts gesendet",
        ),
      ],
    });

  // An attempt found in flight: the worker stopped while its request was out.
  let possiblySent = false;
  if (row.inflight) {
    const how = whenPossiblySent(job.target, job.operation);
    const note = issue(
      "",
      "interrupted",
      `attempt ${row.inflight.n} was interrupted while its request was out (${row.inflight.request.method} ${row.inflight.request.url}): it may have reached ${job.target}`,
      `Versuch ${row.inflight.n} wurde unterbrochen, während seine Anfrage unterwegs war (${row.inflight.request.method} ${row.inflight.request.url}): sie kann ${job.target} erreicht haben`,
      "warning",
    );
    if (!(await ledger.interrupted(env.DB, row, [note], iso(Date.now())))) return lost();
    row = { ...row, attempts: n - 1, inflight: null };
    possiblySent = true;
    if (how === "uncertain") {
      return finish(env, job, row, {
        n: n - 1,
        outcome: "uncertain",
        issues: [...firstIssues, note, uncertainIssue(job.target)],
        requests,
        upstreamStatus: null,
        answerBody: null,
        payload: first.body === undefined ? undefined : JSON.parse(first.body),
        started,
        requeue,
      });
    }
  }

  // A cancel: its create first (never sent after its cancel).
  const before: Issue[] = [];
  if (job.operation === "cancelOrder") {
    const c = await settleCreateFirst(env, row);
    if (c.wait) {
      if (!(await ledger.putBack(env.DB, row, iso(Date.now() + CANCEL_WAIT_SECONDS * 1000)))) return lost();
      if (requeue && env.DELIVERIES) await env.DELIVERIES.send({ id: row.id }, { delaySeconds: CANCEL_WAIT_SECONDS });
      return result(env, row, 202, {
        retryInSeconds: CANCEL_WAIT_SECONDS,
        issues: [
          issue(
            "",
            "waiting_for_create",
            `an attempt of this order's create is out: the cancel follows it in ${CANCEL_WAIT_SECONDS} s`,
            `ein Versuch der Anlage dieser Bestellung läuft: die Stornierung folgt in ${CANCEL_WAIT_SECONDS} s`,
            "warning",
          ),
        ],
      }).then((r) => ({ ...r, retryInSeconds: CANCEL_WAIT_SECONDS }));
    }
    before.push(...c.issues);
    if (!c.send) {
      return finish(env, job, row, {
        n,
        outcome: "accepted",
        issues: [...firstIssues, ...before],
        requests,
        upstreamStatus: null,
        answerBody: null,
        payload: undefined,
        started,
        requeue,
      });
    }
  }

  /** Sends one request, recorded as in flight first; null when the lease is lost (nothing sent). */
  const send = async (req: HttpRequest, syncState?: KivitendoSyncState) => {
    if (!(await ledger.writeAhead(env.DB, row, { n, at: iso(Date.now()), request: { method: req.method, url: req.url } }, syncState)))
      return null;
    await faultPoint(env, "inflight", row, req.method, new URL(req.url).pathname);
    const res = await perform(env, req);
    await faultPoint(env, "answered", row, req.method, new URL(req.url).pathname);
    requests.push({ method: req.method, url: req.url, status: res.status });
    upstreamStatus = res.status;
    answerBody = res.body;
    return res;
  };

  if (job.target === "kivitendo") {
    // Resume where an earlier attempt stopped; a create whose answer was lost (or whose
    // attempt was interrupted) is looked up first (kontor's beforeResend): nothing twice.
    const saved = row.state as KivitendoSyncState | null;
    let step =
      saved && saved.step !== "done"
        ? kivitendoSync(job.input as Order, config, beforeResend("kivitendo", job.operation, saved).state as KivitendoSyncState)
        : kivitendoSync(job.input as Order, config);
    const warnings = step.issues;
    for (let i = 0; step.request && i < 8; i++) {
      const req = step.request;
      if (req.body !== undefined) payload = req.body;
      const res = await send(req, step.state);
      if (!res) return lost();
      step = kivitendoSync(job.input as Order, config, step.state, res);
      if (step.outcome === "retry") break;
    }
    // Not done (a retry, or the step budget spent): the next attempt resumes from `state`.
    outcome = step.done ? (step.outcome ?? "rejected") : "retry";
    issues = [...warnings.filter((w) => w.severity === "warning"), ...step.issues];
    state = step.state;
    data = step.state;
  } else {
    payload = first.body === undefined ? undefined : JSON.parse(first.body);
    // An earlier attempt may have gone through (interrupted, or ended without an answer that
    // settles it): ask first where the upstream can say.
    const earlier = possiblySent || (row.attempts > 0 && (row.status === "queued" || row.status === "dead" || row.status === "uncertain"));
    const lookup = earlier ? beforeResend(job.target, job.operation, null).lookup : null;
    let found: FoundSent | null = null;
    if (lookup) {
      const built = request(job.target as "westarp", lookup.operation as "listOrders", lookup.input as never, config);
      if (built.ok) {
        const res = await send(built.request);
        if (!res) return lost();
        found = findSent(job.target, payload ?? null, res.status, res.body);
      }
    }
    if (found?.result === "found") {
      outcome = "accepted";
      issues = [
        ...firstIssues,
        ...before,
        issue(
          "",
          "found_upstream",
          `the order is already at ${job.target} (id ${found.upstreamId}): the earlier attempt went through, its answer was lost; not sent again`,
          `die Bestellung ist bei ${job.target} schon vorhanden (ID ${found.upstreamId}): der frühere Versuch kam an, nur seine Antwort ging verloren; nicht erneut gesendet`,
          "warning",
        ),
      ];
      data = { id: found.upstreamId };
    } else if (found?.result === "unknown") {
      outcome = "retry";
      issues = [
        ...firstIssues,
        ...before,
        issue(
          "",
          "lookup_failed",
          `${job.target} could not be asked whether the earlier attempt went through (HTTP ${upstreamStatus}): nothing sent, try again later`,
          `${job.target} konnte nicht gefragt werden, ob der frühere Versuch ankam (HTTP ${upstreamStatus}): nichts gesendet, später erneut`,
          "warning",
        ),
      ];
      data = undefined;
    } else {
      const res = await send(first);
      if (!res) return lost();
      ({ outcome, issues, data } = meaningOf(env, job, res, [...firstIssues, ...before]));
    }
  }
  return finish(env, job, row, { n, outcome, issues, requests, upstreamStatus, answerBody, payload, state, data, started, requeue });
}

/** What the answer to a delivery's one request means (`before`: the issues found before it). */
function meaningOf(
  env: Env,
  job: Job,
  res: { status: number; body: string; timedOut?: boolean },
  before: Issue[],
): { outcome: Outcome | "uncertain"; issues: Issue[]; data?: unknown } {
  if (res.timedOut && whenPossiblySent(job.target, job.operation) === "uncertain") {
    // No answer in time: the request may have arrived, and this target cannot be asked.
    return { outcome: "uncertain", issues: [...before, uncertainIssue(job.target, intVar(env, "UPSTREAM_TIMEOUT_SECONDS", 20))] };
  }
  if (job.operation === "cancelOrder" && res.status === 404 && before.some((b) => b.code === "create_cancelled")) {
    // Its create may have reached the target, and did not: cancelled before it arrived,
    // nothing to cancel there.
    return {
      outcome: "accepted",
      issues: [
        ...before,
        issue(
          "",
          "nothing_to_cancel",
          `${job.target} does not have the order (404): its create never arrived and is cancelled, so nothing is left to cancel`,
          `${job.target} hat die Bestellung nicht (404): ihre Anlage kam nie an und ist storniert, es bleibt nichts zu stornieren`,
          "warning",
        ),
      ],
    };
  }
  const meaning = interpretResponse(job.target as "geisenheim", job.operation, res.status, res.body);
  return { outcome: meaning.outcome, issues: [...before, ...meaning.issues], data: meaning.data };
}

/** Whether a leased delivery's attempt is one request and nothing else: a first create at a
 * target whose create is one request (not kivitendo's sync), nothing in flight. Such attempts
 * of a queue batch are made together (`attemptMany`). */
export function isSimple(row: ledger.Stored): boolean {
  return row.target !== "kivitendo" && row.operation === "createOrder" && row.attempts === 0 && !row.inflight;
}

/** The first attempts of `ready` simple deliveries (`isSimple`) at once, as `attempt` makes
 * each, with their D1 work batched: every write-ahead in one batch before any request leaves,
 * the requests at once, each settlement as its answer is in, grouped with the others that came
 * meanwhile (`groupCommit`). Answers each delivery's status and when to try again, or null when
 * its lease was lost (nothing sent). */
export async function attemptMany(
  env: Env,
  ready: { row: ledger.Stored; job: Job; first: HttpRequest; firstIssues: Issue[] }[],
): Promise<({ status: DeliveryStatus; retryInSeconds?: number } | null)[]> {
  if (ready.length === 0) return [];
  const at = iso(Date.now());
  const wrote = await env.DB.batch(
    ready.map(({ row, first }) => ledger.writeAheadStatement(env.DB, row, { n: 1, at, request: { method: first.method, url: first.url } })),
  );
  const settle = groupCommit(env.DB);
  return Promise.all(
    ready.map(async ({ row, job, first, firstIssues }, i) => {
      if ((wrote[i]?.meta.changes ?? 0) !== 1) return null;
      const started = Date.now();
      const path = new URL(first.url).pathname;
      await faultPoint(env, "inflight", row, first.method, path);
      const res = await perform(env, first);
      await faultPoint(env, "answered", row, first.method, path);
      const meaning = meaningOf(env, job, res, firstIssues);
      const x = settlement(env, row, {
        n: 1,
        ...meaning,
        requests: [{ method: first.method, url: first.url, status: res.status }],
        upstreamStatus: res.status,
        answerBody: res.body,
        payload: first.body === undefined ? undefined : JSON.parse(first.body),
        started,
        requeue: false,
      });
      // Recorded as soon as it is in: with the answers that came in while the group before was
      // written, not after the slowest request of the batch.
      const results = await settle(x.statements);
      if ((results[1]?.meta.changes ?? 0) !== 1) {
        console.log(JSON.stringify({ level: "warn", lostLease: row.id, target: row.target }));
        return null;
      }
      await faultPoint(env, "settled", row);
      if (x.settled.status === "dead" && env.DEAD_LETTERS) await env.DEAD_LETTERS.send({ id: row.id, reason: "max_attempts" });
      return { status: x.settled.status, retryInSeconds: x.settled.retryInSeconds };
    }),
  );
}

/** Group commit of D1 statements: the groups given within `gatherMs` of the first are written in
 * one batch, and those given while a batch is out in the next. Each caller gets its own group's
 * results (a failed batch fails each of its groups). */
function groupCommit(db: D1Database, gatherMs = 10): (statements: D1PreparedStatement[]) => Promise<D1Result[]> {
  let waiting: { statements: D1PreparedStatement[]; done: (r: D1Result[]) => void; failed: (e: unknown) => void }[] = [];
  let writing = false;
  const write = async () => {
    while (waiting.length > 0) {
      const groups = waiting;
      waiting = [];
      try {
        const results = await db.batch(groups.flatMap((g) => g.statements));
        let at = 0;
        for (const g of groups) {
          g.done(results.slice(at, at + g.statements.length));
          at += g.statements.length;
        }
      } catch (e) {
        for (const g of groups) g.failed(e);
      }
    }
    writing = false;
  };
  return (statements) =>
    new Promise((done, failed) => {
      waiting.push({ statements, done, failed });
      if (!writing) {
        writing = true;
        setTimeout(() => void write(), gatherMs);
      }
    });
}

/** Why a delivery is `uncertain`, and what the operator does about it. */
function uncertainIssue(target: string, timeoutSeconds?: number): Issue {
  const why =
    timeoutSeconds === undefined ? "the worker stopped while the request was out" : `${target} did not answer within ${timeoutSeconds} s`;
  const whyDe =
    timeoutSeconds === undefined
      ? "der Worker wurde angehalten, während die Anfrage unterwegs war"
      : `${target} hat nicht binnen ${timeoutSeconds} s geantwortet`;
  return issue(
    "",
    "uncertain",
    `${why}: the order may have arrived, and ${target} cannot be asked, so nothing more is sent. Check it at ${target}, then retry the delivery (it is not there) or confirm it (it is)`,
    `${whyDe}: die Bestellung kann angekommen sein, und ${target} lässt sich nicht fragen, daher wird nichts mehr gesendet. Bitte bei ${target} prüfen, dann die Zustellung erneut senden (nicht vorhanden) oder bestätigen (vorhanden)`,
    "error",
  );
}

/** Records an attempt and settles its delivery (kontor's settleDelivery; `uncertain` stays
 * for the operator), queues it again or dead-letters it. */
/** What an attempt ends with: how the delivery is settled, and the D1 statements that record
 * it (the attempt's log entry, the delivery's row: `ledger.settleStatements`). */
interface Settlement {
  settled: { status: DeliveryStatus; httpStatus: number; upstreamId?: string; retryInSeconds?: number };
  statements: D1PreparedStatement[];
}

/** An attempt's end as kontor settles it (settleDelivery), its issues and payload with the
 * worker's secrets redacted. */
function settlement(env: Env, row: ledger.Stored, a: AttemptEnd): Settlement {
  const v = vars(env);
  const settled: { status: DeliveryStatus; httpStatus: number; upstreamId?: string; retryInSeconds?: number } =
    a.outcome === "uncertain" ? { status: "uncertain", httpStatus: 202 } : settleDelivery(a.outcome, a.data ?? null, a.n, v);
  const end = Date.now();
  const nextAttemptAt = settled.retryInSeconds === undefined ? null : iso(end + settled.retryInSeconds * 1000);
  // The issues and the payload (both kontor's) without any secret, in one call.
  const safe = redactSecrets({ issues: a.issues, payload: a.payload ?? null }, v) as { issues: Issue[]; payload: unknown };
  const safeIssues = safe.issues;
  const statements = ledger.settleStatements(
    env.DB,
    row,
    {
      n: a.n,
      at: iso(end),
      outcome: a.outcome,
      upstreamStatus: a.upstreamStatus,
      issues: safeIssues,
      requests: a.requests,
      durationMs: end - a.started,
      excerpt: a.answerBody === null || a.answerBody === "" ? null : excerpt(a.answerBody, v),
    },
    {
      status: settled.status,
      upstreamStatus: a.upstreamStatus,
      upstreamId: settled.upstreamId ?? null,
      issues: safeIssues,
      payload: safe.payload,
      state: a.state,
      nextAttemptAt,
    },
  );
  return { settled, statements };
}

/** How an attempt ended, to be settled. */
interface AttemptEnd {
  n: number;
  outcome: Outcome | "uncertain";
  issues: Issue[];
  requests: { method: string; url: string; status: number }[];
  upstreamStatus: number | null;
  answerBody: string | null;
  payload: unknown;
  state?: KivitendoSyncState;
  data?: unknown;
  started: number;
  requeue: boolean;
}

async function finish(env: Env, job: Job, row: ledger.Stored, a: AttemptEnd): Promise<Result & { retryInSeconds?: number }> {
  const { settled, statements } = settlement(env, row, a);
  const results = await env.DB.batch(statements);
  if ((results[1]?.meta.changes ?? 0) !== 1) {
    console.log(JSON.stringify({ level: "warn", lostLease: row.id, target: row.target }));
    return result(env, row, 409);
  }
  await faultPoint(env, "settled", row);
  if (settled.status === "queued" && a.requeue && env.DELIVERIES) {
    await env.DELIVERIES.send({ id: row.id }, { delaySeconds: settled.retryInSeconds ?? 0 });
  }
  if (settled.status === "dead" && env.DEAD_LETTERS) {
    await env.DEAD_LETTERS.send({ id: row.id, reason: "max_attempts" });
  }
  const extra: Record<string, unknown> = {};
  if (a.outcome === "accepted" && a.data !== undefined && job.target !== "kivitendo") extra.upstream = a.data;
  const r = await result(env, row, settled.httpStatus, extra);
  return { ...r, retryInSeconds: settled.retryInSeconds };
}

/** A job's configuration and first request (kontor's workerConfig, request or
 * kivitendoSync), or the issues that stop it. */
function build(env: Env, job: Job): { config: RequestConfig; first: HttpRequest; firstIssues: Issue[] } | { issues: Issue[] } {
  const cfg = configOf(env, job.target, (job.options ?? undefined) as object | undefined);
  if (!cfg.ok) return { issues: cfg.issues };
  if (job.target === "kivitendo") {
    const step = kivitendoSync(job.input as Order, cfg.config);
    return step.request ? { config: cfg.config, first: step.request, firstIssues: step.issues } : { issues: step.issues };
  }
  const built = request(job.target as "geisenheim", job.operation, job.input as never, cfg.config);
  return built.ok ? { config: cfg.config, first: built.request, firstIssues: built.issues } : { issues: built.issues };
}

/** kontor's workerConfig of a target without caller options, once per `env` object (its
 * variables do not change in an isolate's life); with options, each time. */
const configs = new WeakMap<Env, Map<string, ReturnType<typeof workerConfig>>>();
function configOf(env: Env, target: string, options: object | undefined): ReturnType<typeof workerConfig> {
  if (options !== undefined) return workerConfig(target, vars(env), options);
  let known = configs.get(env);
  if (!known) configs.set(env, (known = new Map()));
  let cfg = known.get(target);
  if (!cfg) known.set(target, (cfg = workerConfig(target, vars(env), undefined)));
  return cfg;
}

/** What a stored delivery's next attempt needs: its job, configuration and first request
 * (built again from the stored order and options), or the issues that stop it. */
export function prepare(
  env: Env,
  row: ledger.Stored,
): { job: Job; config: RequestConfig; first: HttpRequest; firstIssues: Issue[] } | { issues: Issue[] } {
  const job: Job = {
    target: row.target,
    operation: row.operation as Job["operation"],
    input: row.input,
    options: row.options ?? undefined,
  };
  const ready = build(env, job);
  return "issues" in ready ? ready : { job, ...ready };
}

/** Why `enqueue` would refuse `jobs` (every job is built: nothing is stored or sent), or null
 * when it would take them all. */
export function refusal(env: Env, jobs: Job[], checked = jobs.map((job) => ({ job, ready: build(env, job) }))): Result | null {
  const stopped = checked.filter((c) => "issues" in c.ready);
  if (stopped.length === 0) return null;
  const results = stopped.map((c) => refused((c.ready as { issues: Issue[] }).issues, c.job.target));
  const config = results.some((r) => r.httpStatus === 500);
  return {
    httpStatus: config ? 500 : 422,
    body: {
      error: config ? "worker_misconfigured" : "invalid_request",
      issues: results.flatMap((r) => r.body.issues as Issue[]),
      rejected: results.map((r) => ({ target: r.body.target, issues: r.body.issues })),
    },
  };
}

/** One queued delivery of `enqueue`: its id, key and status, `duplicate` when the key was
 * claimed before (answered from the ledger, never queued again). */
export interface Queued {
  target: string;
  id: string;
  key: string;
  status: string;
  duplicate?: boolean;
}

/** Claims and queues one delivery per job, all or none: every job is checked first (nothing is
 * stored or queued when one is refused); each fresh key is claimed in D1, due at once, and its
 * id goes to the delivery queue, whose consumer attempts it. A key claimed before is answered
 * from the ledger and never re-opened (a shop's retried webhook). Without the queue binding the
 * attempt runs in the request. */
export async function enqueue(env: Env, jobs: Job[]): Promise<{ deliveries: Queued[] } | { refused: Result }> {
  const checked = jobs.map((job) => ({ job, ready: build(env, job) }));
  const stop = refusal(env, jobs, checked);
  if (stop) return { refused: stop };
  const keys = jobs.map((job) => deliveryKey(job.target, job.operation, job.input, job.idempotencyKey ?? undefined));
  const badKey = keys.find((k) => !k.ok);
  if (badKey && !badKey.ok) return { refused: { httpStatus: 422, body: { error: "invalid_request", issues: badKey.issues } } };
  const deliveries: Queued[] = [];
  for (const [i, { job, ready }] of checked.entries()) {
    const key = keys[i]!;
    if (!key.ok || "issues" in ready) continue;
    const now = iso(Date.now());
    const legacy = job.legacyKey ? await ledger.byKey(env.DB, job.target, job.legacyKey) : null;
    if (legacy) {
      deliveries.push({ target: job.target, id: legacy.id, key: legacy.key, status: legacy.status, duplicate: true });
      continue;
    }
    const claimed = await ledger.claim(
      env.DB,
      { target: job.target, operation: job.operation, key: key.key, subject: subjectOf(job), input: job.input, options: job.options },
      now,
      now,
    );
    if (!claimed.fresh || (await cancelledBefore(env, claimed.row))) {
      const current = (await ledger.get(env.DB, claimed.row.id)) ?? claimed.row;
      deliveries.push({
        target: job.target,
        id: current.id,
        key: current.key,
        status: current.status,
        ...(claimed.fresh ? {} : { duplicate: true }),
      });
      continue;
    }
    if (env.DELIVERIES) {
      await env.DELIVERIES.send({ id: claimed.row.id });
      deliveries.push({ target: job.target, id: claimed.row.id, key: key.key, status: "queued" });
    } else {
      const r = await attempt(env, job, claimed.row, ready.config, ready.first, ready.firstIssues);
      deliveries.push({ target: job.target, id: claimed.row.id, key: key.key, status: String(r.body.status) });
    }
  }
  return { deliveries };
}
