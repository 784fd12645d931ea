// The scheduled shop → targets sync (Cron Trigger and POST /v1/sync): reads new orders from
// the shop side of SYNC_SOURCE and hands each to the ledger once per target of SYNC_TARGETS.
// kontor decides the plan, builds every request, reads every answer and maps the orders; this
// file does the I/O. An order is delivered at most once per target because its delivery key
// (the order's number, Geisenheim's invoiceId) is claimed in D1 and the sync never re-opens
// an existing delivery: two runs, or two overlapping ones, find the first one's deliveries.
import {
  request,
  interpretResponse,
  fromOmnisellerOrder,
  validateOrder,
  type Issue,
  type HttpRequest,
  type RequestConfig,
  type OrderMapping,
  type MappedOrder,
  type Order,
} from "kontor";
import { type Env } from "./env";
import { issue } from "./http";
import { deliver, perform } from "./deliver";
import * as ledger from "./ledger";
import { recordSyncRun } from "./overview";
import { ORDER_TARGETS } from "./registry";

/** The sync's plan from the configuration: the shop side, the targets, its request
 * configuration (credentials: never answered) and mapping. */
type Plan = { source: "omniseller" | "kvik"; targets: string[]; config: RequestConfig; mapping: OrderMapping | null };

const text = (env: Env, name: string) => (typeof env[name] === "string" ? (env[name] as string).trim() : "");

/** Reads SYNC_SOURCE, SYNC_TARGETS, the source's base URL, credentials and mapping (the
 * worker's own configuration; kontor checks the configuration when it builds each request). */
function syncPlan(env: Env): { ok: true; plan: Plan } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const source = text(env, "SYNC_SOURCE").toLowerCase();
  if (source !== "omniseller" && source !== "kvik") {
    issues.push(
      issue(
        "env.SYNC_SOURCE",
        source ? "invalid_value" : "missing_configuration",
        "set it to omniseller or kvik: the shop side the sync reads new orders from",
        "bitte auf omniseller oder kvik setzen: die Shop-Seite, aus der der Abgleich neue Bestellungen liest",
      ),
    );
  }
  const targets = text(env, "SYNC_TARGETS")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  if (targets.length === 0 || targets.some((t) => !ORDER_TARGETS.includes(t)) || new Set(targets).size !== targets.length) {
    issues.push(
      issue(
        "env.SYNC_TARGETS",
        "invalid_value",
        `must list distinct targets of ${ORDER_TARGETS.join(", ")} (comma-separated)`,
        `muss verschiedene Ziele aus ${ORDER_TARGETS.join(", ")} nennen (durch Kommas getrennt)`,
      ),
    );
  }
  const config: Record<string, unknown> = {};
  const names: [string, string][] =
    source === "omniseller"
      ? [
          ["baseUrl", "BASE_URL"],
          ["username", "USERNAME"],
          ["password", "PASSWORD"],
        ]
      : source === "kvik"
        ? [
            ["baseUrl", "BASE_URL"],
            ["token", "TOKEN"],
          ]
        : [];
  const prefix = source.toUpperCase();
  for (const [key, suffix] of names) {
    const name = `${prefix}_${suffix}`;
    const v = text(env, name);
    if (v) config[key] = v;
    else
      issues.push(
        issue(
          `env.${name}`,
          "missing_configuration",
          `the sync reads from ${source} but the worker has none: set it with wrangler secret put ${name} (or in .dev.vars / vars)`,
          `der Abgleich liest aus ${source}, aber dem Worker fehlt dieser Wert: bitte mit wrangler secret put ${name} setzen (oder in .dev.vars / vars)`,
        ),
      );
  }
  // Plain HTTP only for a loopback stand-in: kontor refuses it for any other host.
  if (source === "kvik" && text(env, "KVIK_ALLOW_INSECURE") === "true") config.allowInsecure = true;
  const mappingVar = `${prefix}_ORDER_MAPPING`;
  let mapping: OrderMapping | null = null;
  const m = source ? text(env, mappingVar) : "";
  if (m) {
    try {
      const parsed: unknown = JSON.parse(m);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) mapping = parsed as OrderMapping;
    } catch {
      /* below */
    }
    if (!mapping)
      issues.push(
        issue(
          `env.${mappingVar}`,
          "invalid_type",
          "must be a JSON object: the field-path table",
          "muss ein JSON-Objekt sein: die Feldpfad-Tabelle",
        ),
      );
  } else if (source === "omniseller") {
    issues.push(
      issue(
        `env.${mappingVar}`,
        "missing_configuration",
        "OmniSeller's order format is not documented: set it to your field-path table",
        "Das Bestellformat von OmniSeller ist nicht dokumentiert: bitte auf Ihre Feldpfad-Tabelle setzen",
      ),
    );
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, plan: { source: source as Plan["source"], targets, config: config as RequestConfig, mapping } };
}

/** The shop orders a listing names: OmniSeller's getOrderIds (`[{ ID, … }]`, ids only) or
 * kvik.shop's listOrders (an array of orders, or one under `data` or `orders`, each with `id`). */
function listing(source: Plan["source"], data: unknown): { id: string; order?: unknown }[] {
  const d = data as { data?: unknown; orders?: unknown } | null;
  const list = Array.isArray(data)
    ? data
    : Array.isArray(d?.data)
      ? (d!.data as unknown[])
      : Array.isArray(d?.orders)
        ? (d!.orders as unknown[])
        : [];
  const key = source === "omniseller" ? "ID" : "id";
  const out: { id: string; order?: unknown }[] = [];
  for (const e of list) {
    const id = e && typeof e === "object" ? (e as Record<string, unknown>)[key] : undefined;
    const text = typeof id === "string" ? id.trim() : typeof id === "number" ? String(id) : "";
    if (text) out.push(source === "omniseller" ? { id: text } : { id: text, order: e });
  }
  return out;
}

/** One shop order of a run and what became of it per target. */
export interface SyncedOrder {
  shopId: string;
  number: string | null;
  skipped?: "already_synced";
  deliveries: { target: string; id?: string; status?: string; httpStatus: number; duplicate?: boolean }[];
  issues: Issue[];
}

/** A run's report; `ok: false` with the issues when the run could not read the shop. */
export interface SyncReport {
  ok: boolean;
  error?: "worker_misconfigured" | "shop_unavailable";
  source?: string;
  listed: number;
  delivered: number;
  skipped: number;
  orders: SyncedOrder[];
  issues: Issue[];
}

/** A shop call, its interpreted answer. */
type Call = { ok: true; data: unknown } | { ok: false; issues: Issue[] };

/** OmniSeller's calls on the session kept in D1; a new token only when kontor says the kept
 * one is missing or expires within its margin. */
async function omnisellerCall(env: Env, plan: Plan, operation: "getOrderIds" | "getOrder", input: unknown): Promise<Call> {
  const build = (session: unknown) => request("omniseller", operation, input as never, { ...plan.config, session } as RequestConfig);
  let built = build(await ledger.syncSession(env.DB, "omniseller"));
  if (!built.ok && built.issues.some((i) => i.code === "session_expired" || i.code === "missing_session")) {
    const tokenReq = request("omniseller", "requestToken", null, plan.config);
    if (!tokenReq.ok) return { ok: false, issues: tokenReq.issues };
    const res = await perform(env, tokenReq.request);
    const token = interpretResponse("omniseller", "requestToken", res.status, res.body);
    if (token.outcome !== "accepted") return { ok: false, issues: token.issues };
    // What `config.session` takes (no `user`: the apiuser is one of the worker's secrets).
    const session = { token: token.data.token, expiresAt: token.data.expiresAt };
    await ledger.keepSyncSession(env.DB, "omniseller", session, new Date().toISOString());
    built = build(session);
  }
  if (!built.ok) return { ok: false, issues: built.issues };
  return answer(env, "omniseller", operation, built.request);
}

async function answer(env: Env, source: "omniseller" | "kvik", operation: string, req: HttpRequest): Promise<Call> {
  const res = await perform(env, req);
  const meaning = interpretResponse(source as "kvik", operation as "listOrders", res.status, res.body);
  return meaning.outcome === "accepted" ? { ok: true, data: meaning.data } : { ok: false, issues: meaning.issues };
}

/** Runs the sync once and records its result for the overview (GET /v1/overview). */
export async function runSync(env: Env): Promise<{ httpStatus: number; report: SyncReport }> {
  const run = await runOnce(env);
  try {
    await recordSyncRun(env, run.report, new Date().toISOString());
  } catch {
    // The run's answer stands; the overview then shows the run before.
    console.error(JSON.stringify({ level: "error", error: "sync run not recorded" }));
  }
  return run;
}

async function runOnce(env: Env): Promise<{ httpStatus: number; report: SyncReport }> {
  const planned = syncPlan(env);
  const empty = { listed: 0, delivered: 0, skipped: 0, orders: [] };
  if (!planned.ok) return { httpStatus: 500, report: { ok: false, error: "worker_misconfigured", ...empty, issues: planned.issues } };
  const plan = planned.plan;
  let listed0: Call;
  if (plan.source === "omniseller") listed0 = await omnisellerCall(env, plan, "getOrderIds", null);
  else {
    const req = request("kvik", "listOrders", null, plan.config);
    listed0 = req.ok ? await answer(env, "kvik", "listOrders", req.request) : { ok: false, issues: req.issues };
  }
  if (!listed0.ok)
    return { httpStatus: 502, report: { ok: false, error: "shop_unavailable", source: plan.source, ...empty, issues: listed0.issues } };
  const listed = listing(plan.source, listed0.data);
  const seen = await ledger.syncedIds(
    env.DB,
    plan.source,
    listed.map((l) => l.id),
  );
  const orders: SyncedOrder[] = [];
  let delivered = 0;
  for (const entry of listed) {
    if (seen.has(entry.id)) {
      orders.push({ shopId: entry.id, number: null, skipped: "already_synced", deliveries: [], issues: [] });
      continue;
    }
    let raw: unknown = entry.order;
    if (raw === undefined) {
      const got = await omnisellerCall(env, plan, "getOrder", entry.id);
      if (!got.ok) {
        orders.push({ shopId: entry.id, number: null, deliveries: [], issues: got.issues });
        continue;
      }
      raw = got.data;
    }
    // kontor maps by the field-path table (OmniSeller's always; kvik.shop's when
    // KVIK_ORDER_MAPPING is set) and validates; a kvik.shop order without one is read as a
    // canonical order.
    const mapped: MappedOrder = plan.mapping
      ? fromOmnisellerOrder(raw as object, plan.mapping)
      : (() => {
          const v = validateOrder(raw as Order);
          return v.valid ? { valid: true, order: raw as Order, issues: v.issues } : { valid: false, order: raw, issues: v.issues };
        })();
    const number =
      mapped.order && typeof mapped.order === "object" && "number" in mapped.order
        ? String((mapped.order as { number: unknown }).number)
        : null;
    if (!mapped.valid) {
      orders.push({ shopId: entry.id, number, deliveries: [], issues: mapped.issues });
      continue;
    }
    // Every target on its own: one failing target holds back none of the others.
    const results = await Promise.all(
      plan.targets.map((target) =>
        deliver(env, { target, operation: "createOrder", input: mapped.order, idempotencyKey: null }, undefined, true),
      ),
    );
    const deliveries = results.map((r, i) => ({
      target: plan.targets[i]!,
      id: r.body.id as string | undefined,
      status: r.body.status as string | undefined,
      httpStatus: r.httpStatus,
      ...(r.body.duplicate ? { duplicate: true } : {}),
    }));
    const issues = results.flatMap((r) => (Array.isArray(r.body.issues) ? (r.body.issues as Issue[]) : []));
    orders.push({ shopId: entry.id, number, deliveries, issues });
    if (deliveries.some((d) => d.id !== undefined && !d.duplicate)) delivered++;
    // In the ledger for every target: later runs skip it without reading it again.
    if (deliveries.every((d) => d.id !== undefined))
      await ledger.markSynced(env.DB, plan.source, entry.id, number, new Date().toISOString());
  }
  const skipped = orders.filter((o) => o.skipped).length;
  return { httpStatus: 200, report: { ok: true, source: plan.source, listed: listed.length, delivered, skipped, orders, issues: [] } };
}
