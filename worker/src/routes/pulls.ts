// Orders pulled from the shops' own APIs (issue 24, ../pull.ts): the shops and their
// watermarks, backfills started from a date, a run's progress with the orders it refused, and
// cancelling a run.
import { json, problem, issue } from "../http";
import * as pull from "../pull";
import { d1RoundTrips } from "../d1count";
import type { Context, Route } from "./route";

/** `GET /v1/pulls`: the shops orders can be pulled from (their access configured or what it
 * lacks, their watermark) and the recent runs. */
async function overview({ env }: Context): Promise<Response> {
  const marks = await pull.watermarks(env.DB);
  const shops = (await pull.pullShops(env)).map((t) => ({
    platform: t.platform,
    shop: t.shop,
    configured: t.config !== null,
    ...(t.missing.length ? { missing: t.missing } : {}),
    watermark: marks.find((m) => m.platform === t.platform && m.shop === t.shop)?.watermark ?? null,
  }));
  return json(env, 200, {
    shops,
    runs: (await pull.listRuns(env.DB, 50)).map(pull.publicRun),
    ...(env.KONTOR_COUNT_D1 === "on" ? { d1RoundTrips: d1RoundTrips() } : {}),
  });
}

/** `POST /v1/pulls` `{ platform, shop, since }`: a backfill of the shop's orders changed since
 * `since` (202), or the run already running for the shop (200). */
async function start({ env, body }: Context): Promise<Response> {
  const b = (body ?? {}) as { platform?: unknown; shop?: unknown; since?: unknown };
  const bad = [];
  if (typeof b.platform !== "string" || !(pull.PULL_PLATFORMS as string[]).includes(b.platform))
    bad.push(
      issue(
        "platform",
        "invalid_value",
        `must be one of ${pull.PULL_PLATFORMS.join(", ")}`,
        `muss eines von ${pull.PULL_PLATFORMS.join(", ")} sein`,
      ),
    );
  if (typeof b.shop !== "string" || !b.shop.trim())
    bad.push(
      issue(
        "shop",
        "missing_field",
        "required: the shop (WooCommerce: its URL, Shopify: its myshopify.com domain, Shopware: its shop id)",
        "Pflicht: der Shop (WooCommerce: seine URL, Shopify: seine myshopify.com-Domain, Shopware: seine Shop-ID)",
      ),
    );
  if (typeof b.since !== "string")
    bad.push(
      issue(
        "since",
        "missing_field",
        "required: the date (2026-01-01) or time to read the shop's orders from",
        "Pflicht: das Datum (2026-01-01) oder die Zeit, ab der die Bestellungen gelesen werden",
      ),
    );
  if (bad.length) return problem(env, 422, "invalid_request", bad);
  const r = await pull.startRun(env, "backfill", b.platform as string, b.shop as string, b.since as string);
  if ("issues" in r)
    return problem(
      env,
      r.httpStatus,
      r.httpStatus === 404 ? "not_found" : r.httpStatus === 409 ? "not_configured" : "invalid_request",
      r.issues,
    );
  return json(env, r.running ? 200 : 202, { ...pull.publicRun(r.run), ...(r.running ? { alreadyRunning: true } : {}) });
}

const RUN = /^[0-9a-f-]{36}$/;

/** `GET /v1/pulls/{id}`: a run's progress, and the orders it refused (to fix the catalogue and
 * run it again). */
async function one({ env, params }: Context): Promise<Response> {
  const r = RUN.test(params[0]!) ? await pull.getRun(env.DB, params[0]!) : null;
  if (!r) return problem(env, 404, "not_found", [issue("id", "not_found", "no pull run with this id", "kein Abruf mit dieser ID")]);
  return json(env, 200, { ...pull.publicRun(r), refusedOrders: await pull.refusedOf(env.DB, r.id) });
}

/** `POST /v1/pulls/{id}/cancel`: stops a running run between two pages. */
async function cancel({ env, params }: Context): Promise<Response> {
  const id = params[0]!;
  const r = RUN.test(id) ? await pull.cancelRun(env.DB, id) : null;
  if (r) return json(env, 200, pull.publicRun(r));
  const known = RUN.test(id) ? await pull.getRun(env.DB, id) : null;
  if (!known) return problem(env, 404, "not_found", [issue("id", "not_found", "no pull run with this id", "kein Abruf mit dieser ID")]);
  return problem(env, 409, "not_running", [
    issue("status", "not_running", `the run is ${known.status}, not running`, `der Abruf ist ${known.status}, läuft also nicht`),
  ]);
}

/** The pulls' routes. */
export const routes: Route[] = [
  { template: "/v1/pulls", pattern: /^\/v1\/pulls$/, methods: ["GET"], auth: "caller", handle: overview },
  { template: "/v1/pulls", pattern: /^\/v1\/pulls$/, methods: ["POST"], auth: "caller", body: "json", handle: start },
  { template: "/v1/pulls/{id}", pattern: /^\/v1\/pulls\/([^/]+)$/, methods: ["GET"], auth: "caller", handle: one },
  {
    template: "/v1/pulls/{id}/cancel",
    pattern: /^\/v1\/pulls\/([^/]+)\/cancel$/,
    methods: ["POST"],
    auth: "caller",
    body: "json",
    handle: cancel,
  },
];
