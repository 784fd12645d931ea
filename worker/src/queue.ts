// The Queue consumers and the ledger's recovery. `kontor-deliveries`: each message is one
// attempt of a queued delivery (leased in D1 so that a duplicate message never sends twice);
// a retriable outcome retries the message with kontor's backoff, the last one is dead and goes
// to `kontor-deliveries-dead`, whose consumer records the full context. Queues' own
// `max_retries` sends a message the consumer failed on each time there too.
import { type Env, type DeliveryMessage, type DeadLetterMessage } from "./env";
import { attempt, attemptMany, isSimple, prepare, leaseMs, type Job } from "./deliver";
import type { HttpRequest, Issue } from "kontor";
import * as ledger from "./ledger";
import { step } from "./pull";

/** A message may arrive this early before its delivery's `nextAttemptAt`. */
const SLACK_MS = 2_000;

/** Consumes a batch of `kontor-deliveries`: every message at once, each on its own. The
 * deliveries are leased in one D1 statement; their simple first attempts (`isSimple`: one
 * request) are made together with their D1 work batched (`attemptMany`); any other attempt on
 * its own (`attempt`). */
export async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  const work: Promise<void>[] = [];
  const byId = new Map<string, Message<DeliveryMessage>[]>();
  for (const msg of batch.messages) {
    // A pull run's next step (src/pull.ts).
    const pull = (msg.body as { pull?: unknown } | null)?.pull;
    if (typeof pull === "string") {
      work.push(step(env, pull).then(() => msg.ack()));
      continue;
    }
    const id = msg.body?.id;
    if (typeof id !== "string") {
      msg.ack();
      continue;
    }
    byId.set(id, [...(byId.get(id) ?? []), msg]);
  }
  const rows = await ledger.leaseMany(env.DB, [...byId.keys()], Date.now(), SLACK_MS, leaseMs(env));
  const leased = new Map(rows.map((r) => [r.id, r]));
  // Not queued any more, not yet due, or held by another attempt: this message is a duplicate
  // (the ledger's recovery re-sends what it needs).
  for (const [id, msgs] of byId) if (!leased.has(id)) for (const m of msgs) m.ack();
  const simple: { row: ledger.Stored; job: Job; first: HttpRequest; firstIssues: Issue[]; msgs: Message<DeliveryMessage>[] }[] = [];
  for (const row of rows) {
    const msgs = byId.get(row.id) ?? [];
    const ready = prepare(env, row);
    if ("issues" in ready) {
      // The configuration changed under a queued delivery (a secret removed): it cannot be
      // sent; dead, with the reason.
      work.push(
        (async () => {
          await ledger.markDead(env.DB, row.id, new Date().toISOString());
          await env.DEAD_LETTERS?.send({ id: row.id, reason: "not_sendable" });
          for (const m of msgs) m.ack();
        })(),
      );
      continue;
    }
    if (isSimple(row)) {
      simple.push({ row, ...ready, msgs });
      continue;
    }
    work.push(
      attempt(env, ready.job, row, ready.config, ready.first, ready.firstIssues, false).then((r) =>
        settle(msgs, String(r.body.status), r.retryInSeconds),
      ),
    );
  }
  work.push(
    attemptMany(env, simple).then((out) => {
      for (const [i, r] of out.entries()) settle(simple[i]!.msgs, r?.status ?? "", r?.retryInSeconds);
    }),
  );
  await Promise.all(work);
}

/** Acknowledges a delivery's messages, or retries one with kontor's backoff when the delivery is
 * still queued (the others are duplicates). */
function settle(msgs: Message<DeliveryMessage>[], status: string, retryInSeconds?: number): void {
  msgs.forEach((m, i) => (status === "queued" && i === 0 ? m.retry({ delaySeconds: retryInSeconds ?? 0 }) : m.ack()));
}

/** Consumes a batch of `kontor-deliveries-dead`: marks each delivery dead (when Queues gave
 * up on a message the consumer failed on) and records its full context: the order, the
 * payload, every attempt with its time, upstream status and answer excerpt. */
export async function consumeDeadLetters(batch: MessageBatch<DeadLetterMessage>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    const id = msg.body?.id;
    if (typeof id !== "string") {
      msg.ack();
      continue;
    }
    const now = new Date().toISOString();
    const reason = msg.body.reason ?? "queue_retries_exhausted";
    if (reason === "queue_retries_exhausted") await ledger.markDead(env.DB, id, now);
    const row = await ledger.get(env.DB, id);
    if (!row) {
      msg.ack();
      continue;
    }
    const attempts = await ledger.attempts(env.DB, id);
    await ledger.recordDeadLetter(env.DB, id, {
      at: now,
      reason,
      context: {
        order: row.input,
        options: row.options,
        payload: row.payload,
        status: row.status,
        issues: row.issues,
        attempts: attempts.map((a) => ({
          n: a.n,
          at: a.at,
          outcome: a.outcome,
          upstreamStatus: a.upstreamStatus,
          excerpt: a.excerpt ?? null,
        })),
      },
    });
    console.log(JSON.stringify({ level: "warn", deadLetter: id, target: row.target, key: row.key, reason, attempts: attempts.length }));
    msg.ack();
  }
}

/** Queued deliveries overdue by a lease (their message lost, or the worker stopped during an
 * attempt) are put on the queue again; the lease makes a duplicate message harmless. */
export async function recover(env: Env): Promise<number> {
  if (!env.DELIVERIES) return 0;
  const ids = await ledger.overdue(env.DB, new Date(Date.now() - SLACK_MS).toISOString(), 500);
  for (let i = 0; i < ids.length; i += 100) {
    await env.DELIVERIES.sendBatch(ids.slice(i, i + 100).map((id) => ({ body: { id } })));
  }
  return ids.length;
}
