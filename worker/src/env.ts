// The worker's bindings, variables and secrets (docs/worker.md).

/** A queued delivery: the consumer (src/queue.ts) attempts it when the message arrives. */
export interface DeliveryMessage {
  id: string;
}

/** The next step of a pull run (src/pull.ts), on the queue of pulls (`kontor-pulls`; on the
 * delivery queue when a worker has no PULLS binding). */
export interface PullMessage {
  pull: string;
}

/** A delivery for the dead-letter queue: why it died (`max_attempts`: the last attempt
 * failed; Queues' own `max_retries` exhausted: the consumer failed on it each time). */
export interface DeadLetterMessage {
  id: string;
  reason?: string;
}

/** Bindings and configuration. Variables and secrets are strings. */
export interface Env {
  /** The delivery ledger (migrations in `migrations/`). */
  DB: D1Database;
  /** Deliveries to try again (consumer: src/queue.ts). */
  DELIVERIES?: Queue<DeliveryMessage | PullMessage>;
  /** Dead deliveries, whose consumer records their full context. */
  DEAD_LETTERS?: Queue<DeadLetterMessage>;
  /** The steps of pull runs (consumer: src/queue.ts). */
  PULLS?: Queue<PullMessage>;
  [name: string]: unknown;
}

/** `vars` of each `env` object seen (an isolate keeps its env for its life). */
const varsOf = new WeakMap<Env, Readonly<Record<string, string>>>();

/** The variables and secrets only, as plain strings: what kontor's worker exports read. Read
 * once per `env` object (frozen: callers share it). */
export function vars(env: Env): Readonly<Record<string, string>> {
  const known = varsOf.get(env);
  if (known) return known;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") out[k] = v;
  Object.freeze(out);
  varsOf.set(env, out);
  return out;
}

/** A positive whole number from a variable, else `fallback`. */
export function intVar(env: Env, name: string, fallback: number): number {
  const v = env[name];
  const n = typeof v === "string" ? Number(v.trim()) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}
