// The benchmark's count of D1 round trips (benches/backfill.mjs): with KONTOR_COUNT_D1=on the
// worker's D1 binding is wrapped so that each query (`first`, `run`, `all`, `raw`) and each
// `batch` counts one; `GET /v1/pulls` then answers the isolate's count. Off by default.
import type { Env } from "./env";

let count = 0;
const originals = new WeakMap<object, D1PreparedStatement>();

/** D1 round trips this isolate made since it started (counting on). */
export const d1RoundTrips = (): number => count;

function statement(s: D1PreparedStatement): D1PreparedStatement {
  const p = new Proxy(s, {
    get(t, k) {
      const v = Reflect.get(t, k, t) as unknown;
      if (typeof v !== "function") return v;
      if (k === "bind") return (...a: unknown[]) => statement((v as (...x: unknown[]) => D1PreparedStatement).apply(t, a));
      if (k === "first" || k === "run" || k === "all" || k === "raw")
        return (...a: unknown[]) => {
          count += 1;
          return (v as (...x: unknown[]) => unknown).apply(t, a);
        };
      return (v as (...x: unknown[]) => unknown).bind(t);
    },
  });
  originals.set(p, s);
  return p;
}

/** The counted `env` of each `env` object: the same object each time (the worker reads its
 * variables once per `env` object: src/env.ts `vars`). */
const wrapped = new WeakMap<Env, Env>();

/** `env` with its D1 binding counted, when KONTOR_COUNT_D1 is `on`. */
export function counted(env: Env): Env {
  if (env.KONTOR_COUNT_D1 !== "on" || !env.DB) return env;
  const known = wrapped.get(env);
  if (known) return known;
  const db = env.DB;
  const DB = new Proxy(db, {
    get(t, k) {
      const v = Reflect.get(t, k, t) as unknown;
      if (typeof v !== "function") return v;
      if (k === "prepare") return (q: string) => statement(t.prepare(q));
      if (k === "batch")
        return (ss: D1PreparedStatement[]) => {
          count += 1;
          return t.batch(ss.map((s) => originals.get(s) ?? s));
        };
      if (k === "exec")
        return (q: string) => {
          count += 1;
          return t.exec(q);
        };
      return (v as (...x: unknown[]) => unknown).bind(t);
    },
  });
  const out = { ...env, DB };
  wrapped.set(env, out);
  return out;
}
