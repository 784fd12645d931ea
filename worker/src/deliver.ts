// Sending a delivery: kontor builds every request and reads every answer; this file only
// performs them (fetch with a timeout) and keeps the ledger.
import {
  request, interpretResponse, kivitendoSync, workerConfig, deliveryKey, settleDelivery, mayResend, redactSecrets,
  beforeResend, findSent, type FoundSent, type Issue, type Order, type HttpRequest, type KivitendoSyncState, type Outcome,
  type RequestConfig,
} from "kontor";
import { type Env, vars, intVar } from "./env";
import * as ledger from "./ledger";
import { issue } from "./http";

/** What to deliver: an order to a target, or Geisenheim's cancel of an invoice id. */
export interface Job { target: string; operation: "createOrder" | "cancelOrder"; input: unknown; options?: unknown; idempotencyKey?: string | null }

/** The result of one delivery request, answered with `httpStatus`. */
export interface Result { httpStatus: number; body: Record<string, unknown> }

const iso = (ms: number) => new Date(ms).toISOString();

/** How long one attempt holds a delivery (its lease): longer than the longest attempt
 * (UPSTREAM_TIMEOUT_SECONDS per request, at most 8 requests: kivitendo's step budget, plus
 * 5 s for the ledger), so that no second attempt starts beside a live one. */
export const leaseMs = (env: Env) => (intVar(env, "UPSTREAM_TIMEOUT_SECONDS", 20) * 8 + 5) * 1000;

/** An upstream answer for the attempt log: at most 500 characters, every secret and
 * credential key redacted (kontor's redactSecrets, on the parsed JSON where it is JSON). */
function excerpt(body: string, v: Record<string, string>): string {
  let value: unknown = body;
  try { const parsed: unknown = JSON.parse(body); if (parsed !== null && typeof parsed === "object") value = parsed; } catch { /* text */ }
  // Wrapped: a bare string would be read as JSON text.
  const safe = (redactSecrets({ value }, v) as { value: unknown }).value;
  const text = typeof safe === "string" ? safe : JSON.stringify(safe);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** Performs a request built by kontor; a network failure or timeout is status 0. */
export async function perform(env: Env, req: HttpRequest): Promise<{ status: number; body: string }> {
  const timeout = intVar(env, "UPSTREAM_TIMEOUT_SECONDS", 20) * 1000;
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body ?? null, signal: AbortSignal.timeout(timeout) });
    return { status: res.status, body: await res.text() };
  } catch {
    return { status: 0, body: "" };
  }
}

/** Issues whose path names the worker's own configuration make a 500, others a 422. */
function refused(issues: Issue[], target: string): Result {
  const config = issues.some((i) => i.severity === "error" && i.path.startsWith("env."));
  return { httpStatus: config ? 500 : 422, body: { target, status: "rejected", error: config ? "worker_misconfigured" : "invalid_request", issues } };
}

/** The answer to a retry of a delivery that is accepted or queued (409). */
function notRetryable(d: ledger.Stored): Result {
  return { httpStatus: 409, body: { ...ledger.publicDelivery(d), error: "not_retryable", issues: [{ path: "", code: "not_retryable", severity: "error",
    message: `delivery ${d.id} is ${d.status}: only rejected, dead or auth_failed deliveries are sent again`,
    messageDe: `Zustellung ${d.id} ist ${d.status}: nur abgelehnte, tote oder an der Anmeldung gescheiterte werden erneut gesendet` }] } };
}

/** Builds, claims, sends and settles one delivery. `existing` is a delivery being retried;
 * with `noResend` (the sync) an existing key is answered from the ledger, never sent again. */
export async function deliver(env: Env, job: Job, existing?: ledger.Stored, noResend = false): Promise<Result> {
  const v = vars(env);
  if (existing && !mayResend(existing.status)) return notRetryable(existing);
  // Check before anything is stored or sent: an invalid order never goes upstream.
  const ready = build(env, job);
  if ("issues" in ready) return refused(ready.issues, job.target);
  const { config, first, firstIssues } = ready;

  const now = Date.now();
  const lease = iso(now + leaseMs(env));
  let row: ledger.Stored;
  if (existing) {
    if (!(await ledger.reopen(env.DB, existing, iso(now), lease, job.input, job.options))) {
      return notRetryable((await ledger.get(env.DB, existing.id)) ?? existing);
    }
    row = existing;
  } else {
    const key = deliveryKey(job.target, job.operation, job.input, job.idempotencyKey ?? undefined);
    if (!key.ok) return refused(key.issues, job.target);
    const claimed = await ledger.claim(env.DB, { target: job.target, operation: job.operation, key: key.key, input: job.input, options: job.options }, iso(now), lease);
    row = claimed.row;
    if (!claimed.fresh) {
      // The same key again: answered from the ledger unless its delivery may be sent again.
      if (noResend || !mayResend(row.status) || !(await ledger.reopen(env.DB, row, iso(now), lease, job.input, job.options))) {
        const current = (await ledger.get(env.DB, row.id)) ?? row;
        return { httpStatus: current.status === "accepted" ? 200 : current.status === "queued" ? 202 : 409,
          body: { ...ledger.publicDelivery(current), duplicate: true } };
      }
    }
  }

  return attempt(env, job, row, config, first, firstIssues);
}

/** One attempt of a delivery this caller holds (claimed, re-opened or leased): sends it,
 * records the attempt, settles the delivery; a retriable outcome is queued again (a message
 * with the backoff's delay, unless `requeue` is false: the consumer retries its own message),
 * a dead one goes to the dead-letter queue. */
export async function attempt(env: Env, job: Job, row: ledger.Stored, config: RequestConfig, first: HttpRequest, firstIssues: Issue[], requeue = true): Promise<Result & { retryInSeconds?: number }> {
  const v = vars(env);
  const started = Date.now();
  const requests: { method: string; url: string; status: number }[] = [];
  let outcome: Outcome;
  let issues: Issue[];
  let data: unknown;
  let payload: unknown;
  let state: KivitendoSyncState | undefined;
  let upstreamStatus: number | null = null;
  let answerBody: string | null = null;
  if (job.target === "kivitendo") {
    // Resume where an earlier attempt stopped; a create whose answer was lost is looked up
    // first (kontor's beforeResend), so that nothing is created twice.
    const saved = row.state as KivitendoSyncState | null;
    let step = saved && saved.step !== "done" ? kivitendoSync(job.input as Order, config, beforeResend("kivitendo", job.operation, saved).state as KivitendoSyncState) : kivitendoSync(job.input as Order, config);
    const warnings = step.issues;
    for (let i = 0; step.request && i < 8; i++) {
      const req = step.request;
      if (req.body !== undefined) payload = req.body;
      const res = await perform(env, req);
      requests.push({ method: req.method, url: req.url, status: res.status });
      upstreamStatus = res.status;
      answerBody = res.body;
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
    // An earlier attempt ended without an answer that settles it (queued, or dead by hand
    // retried): its request may have gone through. Ask first where the upstream can say.
    const lookup = row.attempts > 0 && (row.status === "queued" || row.status === "dead") ? beforeResend(job.target, job.operation, null).lookup : null;
    let found: FoundSent | null = null;
    if (lookup) {
      const built = request(job.target as "westarp", lookup.operation as "listOrders", lookup.input as never, config);
      if (built.ok) {
        const res = await perform(env, built.request);
        requests.push({ method: built.request.method, url: built.request.url, status: res.status });
        upstreamStatus = res.status;
        answerBody = res.body;
        found = findSent(job.target, payload ?? null, res.status, res.body);
      }
    }
    if (found?.result === "found") {
      outcome = "accepted";
      issues = [...firstIssues, issue("", "found_upstream", `the order is already at ${job.target} (id ${found.upstreamId}): the earlier attempt went through, its answer was lost; not sent again`,
        `die Bestellung ist bei ${job.target} schon vorhanden (ID ${found.upstreamId}): der frühere Versuch kam an, nur seine Antwort ging verloren; nicht erneut gesendet`, "warning")];
      data = { id: found.upstreamId };
    } else if (found?.result === "unknown") {
      outcome = "retry";
      issues = [...firstIssues, issue("", "lookup_failed", `${job.target} could not be asked whether the earlier attempt went through (HTTP ${upstreamStatus}): nothing sent, try again later`,
        `${job.target} konnte nicht gefragt werden, ob der frühere Versuch ankam (HTTP ${upstreamStatus}): nichts gesendet, später erneut`, "warning")];
      data = undefined;
    } else {
      const res = await perform(env, first);
      requests.push({ method: first.method, url: first.url, status: res.status });
      upstreamStatus = res.status;
      answerBody = res.body;
      const meaning = interpretResponse(job.target as "geisenheim", job.operation, res.status, res.body);
      outcome = meaning.outcome;
      issues = [...firstIssues, ...meaning.issues];
      data = meaning.data;
    }
  }
  const attempt = row.attempts + 1;
  const settled = settleDelivery(outcome, data ?? null, attempt, v);
  const end = Date.now();
  const nextAttemptAt = settled.retryInSeconds === undefined ? null : iso(end + settled.retryInSeconds * 1000);
  const safeIssues = redactSecrets(issues, v) as Issue[];
  await ledger.settle(env.DB, row.id, { n: attempt, at: iso(end), outcome, upstreamStatus, issues: safeIssues, requests, durationMs: end - started,
    excerpt: answerBody === null || answerBody === "" ? null : excerpt(answerBody, v) },
    { status: settled.status, upstreamStatus, upstreamId: settled.upstreamId ?? null, issues: safeIssues, payload: (redactSecrets({ payload: payload ?? null }, v) as { payload: unknown }).payload, state, nextAttemptAt });
  if (settled.status === "queued" && requeue && env.DELIVERIES) {
    await env.DELIVERIES.send({ id: row.id }, { delaySeconds: settled.retryInSeconds ?? 0 });
  }
  if (settled.status === "dead" && env.DEAD_LETTERS) {
    await env.DEAD_LETTERS.send({ id: row.id, reason: "max_attempts" });
  }
  const stored = (await ledger.get(env.DB, row.id))!;
  const body: Record<string, unknown> = { ...ledger.publicDelivery(stored) };
  if (outcome === "accepted" && data !== undefined && job.target !== "kivitendo") body.upstream = data;
  return { httpStatus: settled.httpStatus, body, retryInSeconds: settled.retryInSeconds };
}

/** A job's configuration and first request (kontor's workerConfig, request or
 * kivitendoSync), or the issues that stop it. */
function build(env: Env, job: Job): { config: RequestConfig; first: HttpRequest; firstIssues: Issue[] } | { issues: Issue[] } {
  const cfg = workerConfig(job.target, vars(env), (job.options ?? undefined) as object | undefined);
  if (!cfg.ok) return { issues: cfg.issues };
  if (job.target === "kivitendo") {
    const step = kivitendoSync(job.input as Order, cfg.config);
    return step.request ? { config: cfg.config, first: step.request, firstIssues: step.issues } : { issues: step.issues };
  }
  const built = request(job.target as "geisenheim", job.operation, job.input as never, cfg.config);
  return built.ok ? { config: cfg.config, first: built.request, firstIssues: built.issues } : { issues: built.issues };
}

/** What a stored delivery's next attempt needs: its job, configuration and first request
 * (built again from the stored order and options), or the issues that stop it. */
export function prepare(env: Env, row: ledger.Stored): { job: Job; config: RequestConfig; first: HttpRequest; firstIssues: Issue[] } | { issues: Issue[] } {
  const job: Job = { target: row.target, operation: row.operation as Job["operation"], input: row.input, options: row.options ?? undefined };
  const ready = build(env, job);
  return "issues" in ready ? ready : { job, ...ready };
}

/** One queued delivery of `enqueue`: its id, key and status, `duplicate` when the key was
 * claimed before (answered from the ledger, never queued again). */
export interface Queued { target: string; id: string; key: string; status: string; duplicate?: boolean }

/** Claims and queues one delivery per job, all or none: every job is checked first (nothing is
 * stored or queued when one is refused); each fresh key is claimed in D1, due at once, and its
 * id goes to the delivery queue, whose consumer attempts it. A key claimed before is answered
 * from the ledger and never re-opened (a shop's retried webhook). Without the queue binding the
 * attempt runs in the request. */
export async function enqueue(env: Env, jobs: Job[]): Promise<{ deliveries: Queued[] } | { refused: Result }> {
  const checked = jobs.map((job) => ({ job, ready: build(env, job) }));
  const stopped = checked.filter((c) => "issues" in c.ready);
  if (stopped.length > 0) {
    const results = stopped.map((c) => refused((c.ready as { issues: Issue[] }).issues, c.job.target));
    const config = results.some((r) => r.httpStatus === 500);
    return { refused: { httpStatus: config ? 500 : 422, body: { error: config ? "worker_misconfigured" : "invalid_request",
      issues: results.flatMap((r) => r.body.issues as Issue[]), rejected: results.map((r) => ({ target: r.body.target, issues: r.body.issues })) } } };
  }
  const keys = jobs.map((job) => deliveryKey(job.target, job.operation, job.input, job.idempotencyKey ?? undefined));
  const badKey = keys.find((k) => !k.ok);
  if (badKey && !badKey.ok) return { refused: { httpStatus: 422, body: { error: "invalid_request", issues: badKey.issues } } };
  const deliveries: Queued[] = [];
  for (const [i, { job, ready }] of checked.entries()) {
    const key = keys[i]!;
    if (!key.ok || "issues" in ready) continue;
    const now = iso(Date.now());
    const claimed = await ledger.claim(env.DB, { target: job.target, operation: job.operation, key: key.key, input: job.input, options: job.options }, now, now);
    if (!claimed.fresh) {
      const current = (await ledger.get(env.DB, claimed.row.id)) ?? claimed.row;
      deliveries.push({ target: job.target, id: current.id, key: current.key, status: current.status, duplicate: true });
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
