// The worker's bindings, variables and secrets (CONTRACT.md §3; README "The edge worker").

/** A queued delivery for issue 8's consumer. */
export interface DeliveryMessage { id: string }

/** Bindings and configuration. Variables and secrets are strings. */
export interface Env {
  /** The delivery ledger (migrations in `migrations/`). */
  DB: D1Database;
  /** Deliveries to try again; the consumer comes with issue 8. */
  DELIVERIES?: Queue<DeliveryMessage>;
  [name: string]: unknown;
}

/** The variables and secrets only, as plain strings: what kontor's worker exports read. */
export function vars(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") out[k] = v;
  return out;
}

/** A positive whole number from a variable, else `fallback`. */
export function intVar(env: Env, name: string, fallback: number): number {
  const v = env[name];
  const n = typeof v === "string" ? Number(v.trim()) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}
