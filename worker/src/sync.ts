// The scheduled shop → targets sync (Cron Trigger and POST /v1/sync): reads new orders from
// the shop side of SYNC_SOURCE and hands each to the ledger once per target of SYNC_TARGETS.
// kontor decides the plan, builds every request, reads every answer and maps the orders; this
// file does the I/O. An order is delivered at most once per target because its delivery key
// (the order's number, Geisenheim's invoiceId) is claimed in D1 and the sync never re-opens
// an existing delivery: two runs, or two overlapping ones, find the first one's deliveries.
import { request, interpretResponse, syncPlan, syncListing, syncOrder, type Issue, type HttpRequest, type RequestConfig, type SyncPlanResult } from "kontor";
import { type Env, vars } from "./env";
import { deliver, perform } from "./deliver";
import * as ledger from "./ledger";

type Plan = Extract<SyncPlanResult, { ok: true }>;

/** One shop order of a run and what became of it per target. */
export interface SyncedOrder {
  shopId: string; number: string | null; skipped?: "already_synced";
  deliveries: { target: string; id?: string; status?: string; httpStatus: number; duplicate?: boolean }[];
  issues: Issue[];
}

/** A run's report; `ok: false` with the issues when the run could not read the shop. */
export interface SyncReport { ok: boolean; error?: "worker_misconfigured" | "shop_unavailable"; source?: string; listed: number; delivered: number; skipped: number; orders: SyncedOrder[]; issues: Issue[] }

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

/** Runs the sync once. */
export async function runSync(env: Env): Promise<{ httpStatus: number; report: SyncReport }> {
  const plan = syncPlan(vars(env));
  const empty = { listed: 0, delivered: 0, skipped: 0, orders: [] };
  if (!plan.ok) return { httpStatus: 500, report: { ok: false, error: "worker_misconfigured", ...empty, issues: plan.issues } };
  let listing: Call;
  if (plan.source === "omniseller") listing = await omnisellerCall(env, plan, "getOrderIds", null);
  else {
    const req = request("kvik", "listOrders", null, plan.config);
    listing = req.ok ? await answer(env, "kvik", "listOrders", req.request) : { ok: false, issues: req.issues };
  }
  if (!listing.ok) return { httpStatus: 502, report: { ok: false, error: "shop_unavailable", source: plan.source, ...empty, issues: listing.issues } };
  const listed = syncListing(plan.source, listing.data);
  const seen = await ledger.syncedIds(env.DB, plan.source, listed.map((l) => l.id));
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
      if (!got.ok) { orders.push({ shopId: entry.id, number: null, deliveries: [], issues: got.issues }); continue; }
      raw = got.data;
    }
    const mapped = syncOrder(plan.source, raw, plan.mapping);
    const number = mapped.order && typeof mapped.order === "object" && "number" in mapped.order ? String((mapped.order as { number: unknown }).number) : null;
    if (!mapped.valid) { orders.push({ shopId: entry.id, number, deliveries: [], issues: mapped.issues }); continue; }
    // Every target on its own: one failing target holds back none of the others.
    const results = await Promise.all(plan.targets.map((target) =>
      deliver(env, { target, operation: "createOrder", input: mapped.order, idempotencyKey: null }, undefined, true)));
    const deliveries = results.map((r, i) => ({ target: plan.targets[i]!, id: r.body.id as string | undefined, status: r.body.status as string | undefined,
      httpStatus: r.httpStatus, ...(r.body.duplicate ? { duplicate: true } : {}) }));
    const issues = results.flatMap((r) => (Array.isArray(r.body.issues) ? r.body.issues as Issue[] : []));
    orders.push({ shopId: entry.id, number, deliveries, issues });
    if (deliveries.some((d) => d.id !== undefined && !d.duplicate)) delivered++;
    // In the ledger for every target: later runs skip it without reading it again.
    if (deliveries.every((d) => d.id !== undefined)) await ledger.markSynced(env.DB, plan.source, entry.id, number, new Date().toISOString());
  }
  const skipped = orders.filter((o) => o.skipped).length;
  return { httpStatus: 200, report: { ok: true, source: plan.source, listed: listed.length, delivered, skipped, orders, issues: [] } };
}
