// The Queue consumers and the ledger's recovery. `kontor-deliveries`: each message is one
// attempt of a queued delivery (leased in D1 so that a duplicate message never sends twice);
// a retriable outcome retries the message with kontor's backoff, the last one is dead and goes
// to `kontor-deliveries-dead`, whose consumer records the full context. Queues' own
// `max_retries` sends a message the consumer failed on each time there too.
import { type Env, type DeliveryMessage, type DeadLetterMessage } from "./env";
import { attempt, prepare, leaseMs } from "./deliver";
import * as ledger from "./ledger";
import { step } from "./pull";

/** A message may arrive this early before its delivery's `nextAttemptAt`. */
const SLACK_MS = 2_000;

/** Consumes a batch of `kontor-deliveries`: every message at once, each on its own. */
export async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  await Promise.all(
    batch.messages.map(async (msg) => {
      // A pull run's next step (src/pull.ts).
      const pull = (msg.body as { pull?: unknown } | null)?.pull;
      if (typeof pull === "string") {
        await step(env, pull);
        msg.ack();
        return;
      }
      const id = msg.body?.id;
      if (typeof id !== "string") {
        msg.ack();
        return;
      }
      const row = await ledger.lease(env.DB, id, Date.now(), SLACK_MS, leaseMs(env));
      // Not queued any more, not yet due, or held by another attempt: this message is a
      // duplicate (the ledger's recovery re-sends what it needs).
      if (!row) {
        msg.ack();
        return;
      }
      const ready = prepare(env, row);
      if ("issues" in ready) {
        // The configuration changed under a queued delivery (a secret removed): it cannot be
        // sent; dead, with the reason.
        await ledger.markDead(env.DB, id, new Date().toISOString());
        await env.DEAD_LETTERS?.send({ id, reason: "not_sendable" });
        msg.ack();
        return;
      }
      const r = await attempt(env, ready.job, row, ready.config, ready.first, ready.firstIssues, false);
      if (r.body.status === "queued") msg.retry({ delaySeconds: r.retryInSeconds ?? 0 });
      else msg.ack();
    }),
  );
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
