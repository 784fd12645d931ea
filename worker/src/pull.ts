// Orders pulled from the shops' own APIs (issue 24): a backfill from a date (a route), and the
// reconciliation on the Cron Trigger from each shop's stored watermark less the overlap. The
// requests and the reading of their answers are the package's (`pullRequest`,
// `readPullPage`, …); each page goes through the webhooks' own path (`handlePulledOrders`,
// src/sales.ts: the same mapping, catalogue check, keys and claims, its D1 work batched per
// page), so an order that came both ways is delivered once. A run reads page after page on
// the queue of pulls (`kontor-pulls`, message `{ pull: id }`), its position in D1 after every
// page: resumable after a restart (the Cron Trigger sends a
// message for a run nobody holds), cancellable between pages.
import {
  pullStart,
  pullRequest,
  readPullPage,
  pullTokenRequest,
  readPullToken,
  pullCountRequest,
  readPullCount,
  pullLater,
  pullEstimateMs,
  pullWatermark,
  type PullPlatform,
  type PullShop,
  type PullPosition,
  type Issue,
  type HttpRequest,
} from "kontor";
import { type Env, vars, intVar } from "./env";
import { issue } from "./http";
import { handlePulledOrders } from "./webhooks";
import * as shopware from "./shopware";

/** The platforms orders are pulled from. */
export const PULL_PLATFORMS: PullPlatform[] = ["woocommerce", "shopify", "shopware6"];

/** A run's lease on its pages (PULL_LEASE_SECONDS, default 120 s): a step holds it while it
 * reads and delivers a page; a step stopped by a restart is resumed once it ran out. */
const leaseMs = (env: Env) => intVar(env, "PULL_LEASE_SECONDS", 120) * 1000;
/** How long one queue message keeps reading pages before it hands on to the next. */
const STEP_BUDGET_MS = 20_000;
/** A reconciliation without a watermark starts this far back (older orders: a backfill). */
const FIRST_RECONCILE_HOURS = 24;

/** One shop orders can be pulled from: its access, or the secrets it lacks. */
export interface PullTarget {
  platform: PullPlatform;
  shop: string;
  single: boolean;
  config: PullShop | null;
  missing: string[];
}

const upper = (p: PullPlatform) => p.toUpperCase();
const norm = (s: string) => s.trim().replace(/\/+$/, "").toLowerCase();

/** The shops of WOOCOMMERCE_SHOPS / SHOPIFY_SHOPS (as the webhooks read them) with the suffix
 * of each one's webhook secret name (`SHOPIFY_WEBHOOK_SECRET_SECOND` → `_SECOND`), which
 * names its API secrets too. */
function listed(env: Env, platform: "woocommerce" | "shopify"): { shop: string; suffix: string }[] {
  const text = (vars(env)[`${upper(platform)}_SHOPS`] ?? "").trim();
  const prefix = `${upper(platform)}_WEBHOOK_SECRET`;
  if (text.startsWith("{")) {
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      return Object.entries(o).map(([shop, name]) => ({
        shop: norm(shop),
        suffix: typeof name === "string" && name.startsWith(prefix) ? name.slice(prefix.length) : "",
      }));
    } catch {
      return [];
    }
  }
  return text
    .split(",")
    .map(norm)
    .filter(Boolean)
    .map((shop) => ({ shop, suffix: "" }));
}

/** Every shop the worker may pull from: WooCommerce (the shop's URL, `WOOCOMMERCE_CONSUMER_KEY`
 * and `WOOCOMMERCE_CONSUMER_SECRET`), Shopify (`https://<shop>` or `SHOPIFY_API_BASE_URL`,
 * `SHOPIFY_ACCESS_TOKEN`), each with its webhook secret's suffix; Shopware's registered shops
 * with the Admin API access their confirmation gave. */
export async function pullShops(env: Env): Promise<PullTarget[]> {
  const v = vars(env);
  const pageSize = intVar(env, "PULL_PAGE_SIZE", 0) || undefined;
  const out: PullTarget[] = [];
  for (const platform of ["woocommerce", "shopify"] as const) {
    const shops = listed(env, platform);
    for (const { shop, suffix } of shops) {
      const names =
        platform === "woocommerce"
          ? [`WOOCOMMERCE_CONSUMER_KEY${suffix}`, `WOOCOMMERCE_CONSUMER_SECRET${suffix}`]
          : [`SHOPIFY_ACCESS_TOKEN${suffix}`];
      const missing = names.filter((n) => !v[n]);
      const config: PullShop | null = missing.length
        ? null
        : platform === "woocommerce"
          ? { baseUrl: shop, consumerKey: v[names[0]!]!, consumerSecret: v[names[1]!]!, pageSize }
          : {
              baseUrl: v.SHOPIFY_API_BASE_URL || `https://${shop}`,
              accessToken: v[names[0]!]!,
              apiVersion: v.SHOPIFY_API_VERSION || undefined,
              pageSize,
            };
      out.push({ platform, shop, single: shops.length === 1, config, missing });
    }
  }
  for (const a of await shopware.adminAccess(env)) {
    out.push({
      platform: "shopware6",
      shop: a.shop,
      single: a.single,
      missing: a.clientId ? [] : ["the app's confirmation (install or refresh the app in the shop)"],
      config: a.clientId && a.clientSecret ? { baseUrl: a.baseUrl, clientId: a.clientId, clientSecret: a.clientSecret, pageSize } : null,
    });
  }
  return out;
}

/** A run as stored. */
interface RunRow {
  id: string;
  kind: string;
  platform: PullPlatform;
  shop: string;
  since: string;
  position: string | null;
  status: string;
  total: number | null;
  read: number;
  delivered: number;
  known: number;
  refused: number;
  per_target: string;
  latest: string | null;
  issues: string;
  pages: number;
  busy_until: number;
  elapsed_ms: number;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** A run as answered: its progress and, when it ran a while, the estimate of the time left. */
export function publicRun(r: RunRow): Record<string, unknown> {
  const estimate = r.status === "running" ? pullEstimateMs(r.read, r.total ?? undefined, r.elapsed_ms) : null;
  return {
    id: r.id,
    kind: r.kind,
    platform: r.platform,
    shop: r.shop,
    since: r.since,
    status: r.status,
    progress: {
      read: r.read,
      total: r.total,
      delivered: r.delivered,
      alreadyKnown: r.known,
      refused: r.refused,
      pages: r.pages,
      perTarget: JSON.parse(r.per_target) as Record<string, unknown>,
      ...(estimate !== null && estimate !== undefined ? { estimatedMsLeft: estimate } : {}),
    },
    position: r.position === null ? null : (JSON.parse(r.position) as unknown),
    latest: r.latest,
    issues: JSON.parse(r.issues) as Issue[],
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

/** A run by id. */
export async function getRun(db: D1Database, id: string): Promise<RunRow | null> {
  return db.prepare("SELECT * FROM pull_runs WHERE id = ?1").bind(id).first<RunRow>();
}

/** The runs, newest first. */
export async function listRuns(db: D1Database, limit: number): Promise<RunRow[]> {
  return (await db.prepare("SELECT * FROM pull_runs ORDER BY started_at DESC, rowid DESC LIMIT ?1").bind(limit).all<RunRow>()).results;
}

/** The orders a run refused (missing catalogue facts first). */
export async function refusedOf(
  db: D1Database,
  id: string,
): Promise<{ number: string; code: string; missing: string[]; issues: Issue[] }[]> {
  const { results } = await db
    .prepare("SELECT number, code, missing, issues FROM pull_refused WHERE run_id = ?1 ORDER BY code DESC, number LIMIT 1000")
    .bind(id)
    .all<{ number: string; code: string; missing: string; issues: string }>();
  return results.map((r) => ({
    number: r.number,
    code: r.code,
    missing: JSON.parse(r.missing) as string[],
    issues: JSON.parse(r.issues) as Issue[],
  }));
}

/** Each shop's watermark. */
export async function watermarks(db: D1Database): Promise<{ platform: string; shop: string; watermark: string; updated_at: string }[]> {
  return (
    await db
      .prepare("SELECT * FROM pull_watermarks ORDER BY platform, shop")
      .all<{ platform: string; shop: string; watermark: string; updated_at: string }>()
  ).results;
}

/** Starts a run: a backfill from `since` (a date or time), or a reconciliation from the
 * shop's watermark less the overlap. One running run per shop: the one running is answered
 * (`running: true`) instead. */
export async function startRun(
  env: Env,
  kind: "backfill" | "reconcile",
  platform: string,
  shop: string,
  since?: string,
): Promise<{ run: RunRow; running?: boolean } | { httpStatus: number; issues: Issue[] }> {
  const target = (await pullShops(env)).find(
    (t) =>
      (t.platform === platform && t.shop === norm(shop)) ||
      (t.platform === platform && t.platform === "shopware6" && t.shop === shop.trim()),
  );
  if (!target)
    return {
      httpStatus: 404,
      issues: [
        issue(
          "shop",
          "unknown_shop",
          `no ${platform} shop of this worker is named so: WooCommerce and Shopify shops are those of WOOCOMMERCE_SHOPS / SHOPIFY_SHOPS, Shopware's those registered with the app`,
          `kein ${platform}-Shop dieses Workers heißt so: WooCommerce- und Shopify-Shops sind die aus WOOCOMMERCE_SHOPS / SHOPIFY_SHOPS, Shopware-Shops die bei der App registrierten`,
        ),
      ],
    };
  if (!target.config)
    return {
      httpStatus: 409,
      issues: [
        issue(
          "shop",
          "missing_credentials",
          `kontor cannot read this shop's orders: set ${target.missing.join(", ")}`,
          `kontor kann die Bestellungen dieses Shops nicht lesen: ${target.missing.join(", ")} setzen`,
        ),
      ],
    };
  const running = await env.DB.prepare("SELECT * FROM pull_runs WHERE platform = ?1 AND shop = ?2 AND status = 'running' LIMIT 1")
    .bind(target.platform, target.shop)
    .first<RunRow>();
  if (running) return { run: running, running: true };
  let position: PullPosition | null;
  if (kind === "backfill") {
    position = since === undefined ? null : pullStart(since, 0);
    if (!position)
      return {
        httpStatus: 422,
        issues: [
          issue(
            "since",
            "invalid_value",
            "must be the date (2026-01-01) or time (RFC 3339) to read the shop's orders from",
            "muss das Datum (2026-01-01) oder die Zeit (RFC 3339) sein, ab der die Bestellungen des Shops gelesen werden",
          ),
        ],
      };
  } else {
    const mark = await env.DB.prepare("SELECT watermark FROM pull_watermarks WHERE platform = ?1 AND shop = ?2")
      .bind(target.platform, target.shop)
      .first<{ watermark: string }>();
    position = mark ? pullStart(mark.watermark) : pullStart(new Date(Date.now() - FIRST_RECONCILE_HOURS * 3600_000).toISOString(), 0);
  }
  const now = new Date().toISOString();
  const id = crypto.randomUUID();
  const total = await shopifyTotal(env, target, position!);
  const run = await env.DB.prepare(
    `INSERT INTO pull_runs (id, kind, platform, shop, since, position, status, total, started_at, updated_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?7, ?8, ?8) RETURNING *`,
  )
    .bind(id, kind, target.platform, target.shop, position!.since, JSON.stringify(position), total, now)
    .first<RunRow>();
  await hand(env, id, 0);
  return { run: run! };
}

/** Shopify's count of the orders a run will read (its pages carry none), or null. */
async function shopifyTotal(env: Env, t: PullTarget, position: PullPosition): Promise<number | null> {
  const c = pullCountRequest(t.platform, t.config!, position);
  if (!c.ok) return null;
  const res = await send(env, c.request);
  return readPullCount(res.status, res.body) ?? null;
}

/** Puts a run's next step on the queue of pulls (after `delayMs`): `kontor-pulls`, else the
 * delivery queue. */
async function hand(env: Env, id: string, delayMs: number): Promise<void> {
  const queue = env.PULLS ?? env.DELIVERIES;
  if (queue) await queue.send({ pull: id }, { delaySeconds: Math.ceil(delayMs / 1000) });
}

/** Cancels a running run (between pages: a page being read finishes). */
export async function cancelRun(db: D1Database, id: string): Promise<RunRow | null> {
  const now = new Date().toISOString();
  return db
    .prepare(
      "UPDATE pull_runs SET status = 'cancelled', finished_at = ?2, updated_at = ?2, busy_until = 0 WHERE id = ?1 AND status = 'running' RETURNING *",
    )
    .bind(id, now)
    .first<RunRow>();
}

/** Performs a request with the worker's timeout; network failures are status 0. */
async function send(env: Env, r: HttpRequest): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const timeout = intVar(env, "UPSTREAM_TIMEOUT_SECONDS", 20) * 1000;
  try {
    const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body, signal: AbortSignal.timeout(timeout) });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return { status: res.status, headers, body: await res.text() };
  } catch {
    return { status: 0, headers: {}, body: "" };
  }
}

/** Shopware's tokens in this isolate, by shop (never stored: they expire in minutes). */
const tokens = new Map<string, { token: string; expiresAt: number }>();

/** What one page did to a run's counts. */
interface Counts {
  read: number;
  delivered: number;
  known: number;
  refused: number;
  perTarget: Record<string, { delivered: number; known: number }>;
  refusedRows: { number: string; code: string; missing: string[]; issues: Issue[] }[];
  stop?: Issue[];
}

/** Hands a page's orders to the webhooks' path at once (`handlePulledOrders`: its D1 work
 * batched per page; orders kontor saw as sold in the same state with no new refund are
 * answered `known`), and counts what became of them. */
async function deliverPage(env: Env, run: RunRow, t: PullTarget, orders: string[]): Promise<Counts> {
  const c: Counts = { read: orders.length, delivered: 0, known: 0, refused: 0, perTarget: {}, refusedRows: [] };
  const answers = await handlePulledOrders(
    env,
    t.platform,
    t.shop,
    t.single,
    orders.map((text) => ({ body: text, parsed: parse(text) })),
    `pull:${run.id}`,
  );
  for (const a of answers) {
    const body = a.body as {
      known?: boolean;
      error?: string;
      number?: string;
      missing?: string[];
      issues?: Issue[];
      deliveries?: { target: string; duplicate?: boolean }[];
    };
    if (a.httpStatus >= 500) {
      c.stop = body.issues ?? [];
      return c;
    }
    if (a.httpStatus >= 400) {
      c.refused += 1;
      c.refusedRows.push({
        number: String(body.number ?? "?"),
        code: body.error ?? "refused",
        missing: body.missing ?? [],
        issues: (body.issues ?? []).filter((i) => i.severity === "error").slice(0, 20),
      });
      continue;
    }
    const ds = body.deliveries ?? [];
    if (body.known) c.known += 1;
    else if (ds.some((d) => !d.duplicate)) c.delivered += 1;
    else c.known += 1;
    for (const d of ds) {
      const p = (c.perTarget[d.target] ??= { delivered: 0, known: 0 });
      if (d.duplicate) p.known += 1;
      else p.delivered += 1;
    }
  }
  return c;
}

/** JSON text parsed, or null (kontor's reading names what is wrong with it). */
function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** One step of a run: reads pages until the budget is spent, a wait is asked for, or the run
 * ends; then hands on. A run another step holds, or no longer running, is left alone. */
export async function step(env: Env, id: string): Promise<void> {
  const started = Date.now();
  const leased = await env.DB.prepare(
    "UPDATE pull_runs SET busy_until = ?2 WHERE id = ?1 AND status = 'running' AND busy_until <= ?3 RETURNING *",
  )
    .bind(id, started + leaseMs(env), started)
    .first<RunRow>();
  if (!leased) return;
  let run: RunRow = leased;
  const t = (await pullShops(env)).find((x) => x.platform === leased.platform && x.shop === leased.shop);
  const end = async (status: string, issues: Issue[]) => {
    const now = new Date().toISOString();
    await env.DB.prepare(
      "UPDATE pull_runs SET status = ?2, issues = ?3, finished_at = ?4, updated_at = ?4, busy_until = 0 WHERE id = ?1 AND status = 'running'",
    )
      .bind(id, status, JSON.stringify(issues), now)
      .run();
  };
  if (!t?.config)
    return end("failed", [
      issue(
        "shop",
        "missing_credentials",
        "the shop's API access is no longer configured",
        "der API-Zugang des Shops ist nicht mehr eingerichtet",
      ),
    ]);
  const config = t.config;
  for (;;) {
    const position = JSON.parse(run.position ?? "null") as PullPosition | null;
    if (!position) return end("done", []);
    let token: string | undefined;
    let fresh = false;
    if (t.platform === "shopware6") {
      const cached = tokens.get(t.shop);
      if (cached && cached.expiresAt > Date.now() / 1000) token = cached.token;
      else {
        const tr = pullTokenRequest(t.platform, config);
        if (!tr.ok) return end("failed", tr.issues);
        const res = await send(env, tr.request);
        const read = readPullToken(res.status, res.headers, res.body);
        if (read.outcome !== "ok") {
          if (read.outcome === "auth_failed" || read.outcome === "failed") return end(read.outcome, read.issues);
          return release(env, id, read.waitMs ?? intVar(env, "RETRY_BASE_SECONDS", 30) * 1000);
        }
        token = read.token!;
        fresh = true;
        tokens.set(t.shop, { token, expiresAt: read.expiresAt ?? 0 });
      }
    }
    const r = pullRequest(t.platform, config, position, token);
    if (!r.ok) return end("failed", r.issues);
    const pageStarted = Date.now();
    const res = await send(env, r.request);
    const page = readPullPage(t.platform, config, position, res.status, res.headers, res.body, fresh);
    if (page.outcome === "token_expired") {
      tokens.delete(t.shop);
      continue;
    }
    if (page.outcome === "wait") return release(env, id, page.waitMs ?? 2000);
    if (page.outcome === "retry") return release(env, id, intVar(env, "RETRY_BASE_SECONDS", 30) * 1000);
    if (page.outcome !== "page") return end(page.outcome, page.issues);
    const c = await deliverPage(env, run, t, page.orders);
    if (c.stop) return end("failed", c.stop);
    const now = Date.now();
    const latest: string | null = pullLater(run.latest ?? undefined, page.latest ?? undefined) ?? null;
    const perTarget = JSON.parse(run.per_target) as Record<string, { delivered: number; known: number }>;
    for (const [k, v] of Object.entries(c.perTarget)) {
      const p = (perTarget[k] ??= { delivered: 0, known: 0 });
      p.delivered += v.delivered;
      p.known += v.known;
    }
    const done = !page.next;
    const goOn = !done && now - started < STEP_BUDGET_MS && !page.waitMs;
    const iso = new Date(now).toISOString();
    // The page's progress, its refused orders and (at the end) the watermark in one batch.
    const statements: D1PreparedStatement[] = [
      env.DB.prepare(
        `UPDATE pull_runs SET position = ?2, read = read + ?3, delivered = delivered + ?4, known = known + ?5, refused = refused + ?6,
      per_target = ?7, latest = ?8, total = COALESCE(?9, total), pages = pages + 1, elapsed_ms = elapsed_ms + ?10, updated_at = ?11, busy_until = ?12,
      status = ?13, finished_at = ?14 WHERE id = ?1 AND status = 'running' RETURNING *`,
      ).bind(
        id,
        done ? null : JSON.stringify(page.next),
        c.read,
        c.delivered,
        c.known,
        c.refused,
        JSON.stringify(perTarget),
        latest,
        page.total ?? null,
        now - pageStarted,
        iso,
        goOn ? now + leaseMs(env) : now + (page.waitMs ?? 0),
        done ? "done" : "running",
        done ? iso : null,
      ),
    ];
    for (const x of c.refusedRows) {
      statements.push(
        env.DB.prepare(
          "INSERT INTO pull_refused (run_id, number, code, missing, issues) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET code = excluded.code, missing = excluded.missing, issues = excluded.issues",
        ).bind(id, x.number, x.code, JSON.stringify(x.missing), JSON.stringify(x.issues)),
      );
    }
    const mark = done ? pullWatermark(latest ?? undefined, run.started_at) : undefined;
    if (mark) {
      statements.push(
        env.DB.prepare(
          `INSERT INTO pull_watermarks (platform, shop, watermark, updated_at) VALUES (?1, ?2, ?3, ?4)
        ON CONFLICT (platform, shop) DO UPDATE SET watermark = CASE WHEN excluded.watermark > watermark THEN excluded.watermark ELSE watermark END, updated_at = excluded.updated_at`,
        ).bind(t.platform, t.shop, mark, iso),
      );
    }
    const results: D1Result<RunRow>[] = await env.DB.batch<RunRow>(statements);
    const next: RunRow | undefined = results[0]?.results?.[0];
    // Cancelled while the page was read: it stays cancelled; done: nothing more.
    if (!next || done) return;
    run = next;
    if (!goOn) return hand(env, id, page.waitMs ?? 0);
  }
}

/** Lets go of a run for `delayMs` (a rate limit, a temporary failure) and hands it on: held
 * until then by the message that will take it up. */
async function release(env: Env, id: string, delayMs: number): Promise<void> {
  await env.DB.prepare("UPDATE pull_runs SET busy_until = ?3, updated_at = ?2 WHERE id = ?1")
    .bind(id, new Date().toISOString(), Date.now() + delayMs)
    .run();
  await hand(env, id, delayMs);
}

/** The Cron Trigger's part: a reconciliation of every shop with API access that runs none, and
 * a message for every running run nobody holds (a restart lost its message). */
export async function reconcile(env: Env): Promise<{ started: number; resumed: number; skipped: string[] }> {
  const out = { started: 0, resumed: 0, skipped: [] as string[] };
  const now = Date.now();
  // Held by nobody: its lease (or the wait its message was sent for) ran out 10 s ago. Taken in
  // the same statement (held from now, by the message sent here): a Cron Trigger again within
  // 10 s sends no second message for it.
  const { results: stale } = await env.DB.prepare(
    "UPDATE pull_runs SET busy_until = ?2 WHERE status = 'running' AND busy_until < ?1 RETURNING id",
  )
    .bind(now - 10_000, now)
    .all<{ id: string }>();
  for (const s of stale) {
    await hand(env, s.id, 0);
    out.resumed += 1;
  }
  if (vars(env).PULL_RECONCILE === "off") return out;
  for (const t of await pullShops(env)) {
    if (!t.config) {
      out.skipped.push(`${t.platform}:${t.shop}`);
      continue;
    }
    const r = await startRun(env, "reconcile", t.platform, t.shop);
    if ("run" in r && !r.running) out.started += 1;
  }
  return out;
}
