// kontor's edge worker (CONTRACT.md §3): routes, authenticates, reads its configuration and
// does the I/O. Every decision about a document or an answer comes from the package.
import { request, kivitendoSync, workerConfig, redactSecrets, deliveryKey, mayResend, version, type DeliveryStatus, type Issue, type Order } from "kontor";
import { type Env, vars } from "./env";
import { json, problem, issue, cors, preflight, readBody, parseJson } from "./http";
import { checkBearer, checkSignature } from "./auth";
import { deliver, type Job, type Result } from "./deliver";
import { consumeDeliveries, consumeDeadLetters, recover } from "./queue";
import { runSync } from "./sync";
import { handleWebhook, PLATFORMS } from "./webhooks";
import * as catalogue from "./catalogue";
import { overview } from "./overview";
import * as shopware from "./shopware";
import * as ledger from "./ledger";
import type { DeliveryMessage, DeadLetterMessage } from "./env";
import openapi from "../openapi.json";

const ORDER_TARGETS = ["geisenheim", "kivitendo", "westarp"];
const PREVIEW_TARGETS = [...ORDER_TARGETS, "kivitendo-customer", "kivitendo-order"];
const STATUSES: DeliveryStatus[] = ["accepted", "rejected", "queued", "dead", "auth_failed", "uncertain", "cancelled"];

/** The routes by template, for the log line: it names the route, never the raw path (which
 * could carry anything a caller sent). */
const ROUTES: [RegExp, string][] = [
  [/^\/healthz$/, "/healthz"],
  [/^\/openapi\.json$/, "/openapi.json"],
  [/^\/v1\/[a-z-]+\/preview$/, "/v1/{target}/preview"],
  [/^\/v1\/orders$/, "/v1/orders"],
  [/^\/v1\/[a-z-]+\/orders$/, "/v1/{target}/orders"],
  [/^\/v1\/geisenheim\/orders\/[^/]+$/, "/v1/geisenheim/orders/{invoiceId}"],
  [/^\/v1\/deliveries$/, "/v1/deliveries"],
  [/^\/v1\/deliveries\/[^/]+$/, "/v1/deliveries/{id}"],
  [/^\/v1\/deliveries\/[^/]+\/retry$/, "/v1/deliveries/{id}/retry"],
  [/^\/v1\/deliveries\/[^/]+\/confirm$/, "/v1/deliveries/{id}/confirm"],
  [/^\/v1\/options$/, "/v1/options"],
  [/^\/v1\/catalogue$/, "/v1/catalogue"],
  [/^\/v1\/sync$/, "/v1/sync"],
  [/^\/v1\/overview$/, "/v1/overview"],
  [/^\/v1\/webhooks\/shopware6\/(register|confirm)$/, "/v1/webhooks/shopware6/{registration}"],
  [/^\/v1\/webhooks\/[^/]+$/, "/v1/webhooks/{platform}"],
];

/** The template of the route `path` matches, or "(no route)". */
function routeOf(path: string): string {
  const p = path.replace(/\/+$/, "") || "/";
  return ROUTES.find(([re]) => re.test(p))?.[1] ?? "(no route)";
}

/** `{ order, options? }` or the order itself. */
function orderAndOptions(body: unknown): { order: unknown; options: unknown } {
  if (body !== null && typeof body === "object" && !Array.isArray(body) && "order" in body && typeof (body as { order: unknown }).order === "object") {
    const b = body as { order: unknown; options?: unknown };
    return { order: b.order, options: b.options };
  }
  return { order: body, options: undefined };
}

/** The payload a target would be sent, and its issues; no upstream call. */
function preview(env: Env, target: string, body: unknown): Result {
  const { order, options } = orderAndOptions(body);
  const cfg = workerConfig(target, vars(env), (options ?? undefined) as object | undefined);
  if (!cfg.ok) return { httpStatus: cfg.issues.some((i) => i.path.startsWith("env.")) ? 500 : 422, body: { ok: false, target, issues: cfg.issues } };
  let built;
  let issues: Issue[];
  if (target === "kivitendo") {
    // The checks of the whole flow, and the customer document it would create.
    const check = kivitendoSync(order as Order, cfg.config);
    built = check.request ? request("kivitendo", "createCustomer", order as never, cfg.config) : undefined;
    issues = check.issues;
  } else {
    const op = target === "kivitendo-customer" ? "createCustomer" : "createOrder";
    built = request((target.startsWith("kivitendo") ? "kivitendo" : target) as "kivitendo", op, order as never, cfg.config);
    issues = built.issues;
  }
  const sent = built?.ok ? built.request.body : undefined;
  if (sent === undefined) return { httpStatus: 422, body: { ok: false, target, issues } };
  const xml = target.startsWith("kivitendo") && !sent.trimStart().startsWith("{");
  return { httpStatus: 200, body: xml ? { ok: true, target, xml: sent, issues } : { ok: true, target, payload: JSON.parse(sent), issues } };
}

/** The worst of several answers: 422, then 502, 500, 409, 202, 200. */
function worst(statuses: number[]): number {
  for (const s of [422, 502, 500, 409, 202]) if (statuses.includes(s)) return s;
  return 200;
}

async function route(env: Env, req: Request, url: URL, body: unknown, raw: { text: string; type: string }): Promise<Response> {
  const path = url.pathname.replace(/\/+$/, "");
  const m = req.method;
  const answer = (r: Result) => json(env, r.httpStatus, r.body);
  const notAllowed = (allow: string) => problem(env, 405, "method_not_allowed", [issue("", "method_not_allowed", `${m} is not allowed here; use ${allow}`, `${m} ist hier nicht erlaubt; bitte ${allow}`)], { Allow: allow });
  const key = req.headers.get("Idempotency-Key");
  let p: RegExpExecArray | null;

  if ((p = /^\/v1\/([a-z-]+)\/preview$/.exec(path))) {
    if (m !== "POST") return notAllowed("POST");
    if (!PREVIEW_TARGETS.includes(p[1]!)) return unknownTarget(env, p[1]!, PREVIEW_TARGETS);
    return answer(preview(env, p[1]!, body));
  }
  if ((p = /^\/v1\/([a-z-]+)\/orders$/.exec(path))) {
    if (m !== "POST") return notAllowed("POST");
    if (!ORDER_TARGETS.includes(p[1]!)) return unknownTarget(env, p[1]!, ORDER_TARGETS);
    const { order, options } = orderAndOptions(body);
    return answer(await deliver(env, { target: p[1]!, operation: "createOrder", input: order, options, idempotencyKey: key }));
  }
  if (path === "/v1/orders") {
    if (m !== "POST") return notAllowed("POST");
    const b = (body ?? {}) as { order?: unknown; targets?: unknown; options?: Record<string, unknown> };
    const targets = b.targets;
    if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => typeof t === "string" && ORDER_TARGETS.includes(t)) || new Set(targets).size !== targets.length) {
      return problem(env, 422, "invalid_request", [issue("targets", "invalid_targets", `\`targets\` must list distinct targets of ${ORDER_TARGETS.join(", ")}`, `\`targets\` muss verschiedene Ziele aus ${ORDER_TARGETS.join(", ")} nennen`)]);
    }
    const opts = b.options && typeof b.options === "object" ? b.options : {};
    const results = await Promise.all((targets as string[]).map((t) => deliver(env, { target: t, operation: "createOrder", input: b.order, options: opts[t], idempotencyKey: key })));
    return json(env, worst(results.map((r) => r.httpStatus)), { deliveries: results.map((r) => ({ ...r.body, httpStatus: r.httpStatus })) });
  }
  if ((p = /^\/v1\/geisenheim\/orders\/([^/]+)$/.exec(path))) {
    if (m !== "DELETE") return notAllowed("DELETE");
    let id: string;
    try {
      id = decodeURIComponent(p[1]!);
    } catch {
      return problem(env, 400, "malformed_uri", [issue("invoiceId", "malformed_uri", "the invoice id in the path is not valid percent-encoding: send the id as digits", "die Rechnungs-ID im Pfad ist keine gültige Prozent-Kodierung: bitte die ID als Ziffern senden")]);
    }
    return answer(await deliver(env, { target: "geisenheim", operation: "cancelOrder", input: /^\d+$/.test(id) ? Number(id) : id, idempotencyKey: key }));
  }
  if (path === "/v1/deliveries") {
    if (m !== "GET") return notAllowed("GET");
    const status = url.searchParams.get("status") ?? undefined;
    const target = url.searchParams.get("target") ?? undefined;
    const limitText = url.searchParams.get("limit") ?? "50";
    const limit = Number(limitText);
    const bad: Issue[] = [];
    if (status !== undefined && !(STATUSES as string[]).includes(status)) bad.push(issue("status", "invalid_value", `status must be one of ${STATUSES.join(", ")}`, `status muss einer von ${STATUSES.join(", ")} sein`));
    if (target !== undefined && !ORDER_TARGETS.includes(target)) bad.push(issue("target", "invalid_value", `target must be one of ${ORDER_TARGETS.join(", ")}`, `target muss eines von ${ORDER_TARGETS.join(", ")} sein`));
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) bad.push(issue("limit", "invalid_value", "limit must be a whole number from 1 to 200", "limit muss eine ganze Zahl von 1 bis 200 sein"));
    if (bad.length) return problem(env, 422, "invalid_request", bad);
    return json(env, 200, { deliveries: await ledger.list(env.DB, { status, target, limit }) });
  }
  if ((p = /^\/v1\/deliveries\/([0-9a-f-]{36})(\/retry|\/confirm)?$/.exec(path))) {
    const stored = await ledger.get(env.DB, p[1]!);
    if (!stored) return problem(env, 404, "not_found", [issue("id", "not_found", "no delivery with this id", "keine Zustellung mit dieser ID")]);
    if (!p[2]) {
      if (m !== "GET") return notAllowed("GET");
      const deadLetters = await ledger.deadLetters(env.DB, stored.id);
      return json(env, 200, { ...ledger.publicDelivery(stored), attemptLog: await ledger.attempts(env.DB, stored.id),
        ...(deadLetters.length ? { deadLetters: deadLetters.map((l) => ({ at: l.at, reason: l.reason })) } : {}) });
    }
    if (m !== "POST") return notAllowed("POST");
    if (p[2] === "/confirm") {
      // The operator found an uncertain delivery at its target: accepted, nothing sent.
      const note = issue("", "confirmed_by_operator", `the operator confirmed that ${stored.target} has it: accepted without sending`, `vom Betreiber bestätigt, dass ${stored.target} sie hat: angenommen, ohne zu senden`, "warning");
      if (!(await ledger.confirm(env.DB, stored.id, [...stored.issues, note], new Date().toISOString()))) {
        return problem(env, 409, "not_uncertain", [issue("", "not_uncertain", `delivery ${stored.id} is ${stored.status}: only an uncertain delivery is confirmed`, `Zustellung ${stored.id} ist ${stored.status}: nur eine unsichere Zustellung wird bestätigt`)]);
      }
      return json(env, 200, ledger.publicDelivery((await ledger.get(env.DB, stored.id)) ?? stored));
    }
    const corrected = body && typeof body === "object" && "order" in body ? (body as { order: unknown }).order : undefined;
    if (!mayResend(stored.status, true)) return answer(await deliver(env, { target: stored.target, operation: stored.operation as Job["operation"], input: stored.input }, stored));
    if (corrected !== undefined && stored.operation === "createOrder") {
      // A retry keeps its order's identity: a corrected order under another key (another
      // invoice id or number) is a new delivery, and the old one stays as it is.
      const was = deliveryKey(stored.target, stored.operation, stored.input);
      const now = deliveryKey(stored.target, stored.operation, corrected);
      if (now.ok && (!was.ok || was.key !== now.key)) {
        const r = await deliver(env, { target: stored.target, operation: "createOrder", input: corrected, options: stored.options ?? undefined });
        const note = issue("order", "new_delivery", `the corrected order has another key (${now.key}): sent as a new delivery; delivery ${stored.id} stays ${stored.status}`,
          `die korrigierte Bestellung hat einen anderen Schlüssel (${now.key}): als neue Zustellung gesendet; Zustellung ${stored.id} bleibt ${stored.status}`, "warning");
        return json(env, r.httpStatus, { ...r.body, retriedFrom: stored.id, newDelivery: true, issues: [...((r.body.issues as Issue[] | undefined) ?? []), note] });
      }
    }
    const job: Job = { target: stored.target, operation: stored.operation as Job["operation"], input: corrected ?? stored.input, options: stored.options ?? undefined };
    return answer(await deliver(env, job, stored));
  }
  if (path === "/v1/options") {
    // The non-secret target options (KIVITENDO_OPTIONS, WESTARP_OPTIONS: ids, never
    // credentials), so that the admin page previews what the worker will send.
    if (m !== "GET") return notAllowed("GET");
    const read = (name: "KIVITENDO_OPTIONS" | "WESTARP_OPTIONS"): unknown => {
      const text = vars(env)[name];
      try { return text ? JSON.parse(text) as unknown : {}; } catch { return {}; }
    };
    return json(env, 200, { kivitendo: read("KIVITENDO_OPTIONS"), westarp: read("WESTARP_OPTIONS") });
  }
  if (path === "/v1/catalogue") {
    // The product catalogue webhook orders are completed from: PUT replaces it (JSON or CSV,
    // read by kontor's readCatalogue; any bad row refuses the upload, each with its line), GET
    // answers it.
    if (m === "GET") return json(env, 200, await catalogue.all(env.DB));
    if (m !== "PUT") return notAllowed("GET, PUT");
    const read = catalogue.readUpload(raw.text, raw.type);
    if (!read.ok) return problem(env, 422, "invalid_catalogue", read.issues);
    const now = new Date().toISOString();
    await catalogue.replace(env.DB, read.catalogue, now);
    return json(env, 200, { ok: true, entries: read.catalogue.length, updatedAt: now, issues: read.issues });
  }
  if (path === "/v1/overview") {
    if (m !== "GET") return notAllowed("GET");
    return json(env, 200, await overview(env, Date.now()));
  }
  if (path === "/v1/sync") {
    if (m !== "POST") return notAllowed("POST");
    const run = await runSync(env);
    return json(env, run.httpStatus, run.report);
  }
  return problem(env, 404, "not_found", [issue("", "not_found", "no route for this method and path: see /openapi.json or the README's worker section", "keine Route für diese Methode und diesen Pfad: siehe /openapi.json oder README, Abschnitt zum Worker")]);
}

function unknownTarget(env: Env, _target: string, known: string[]): Response {
  return problem(env, 404, "unknown_target", [issue("target", "unknown_target", `unknown target; known: ${known.join(", ")}`, `unbekanntes Ziel; bekannt: ${known.join(", ")}`)]);
}

async function handle(req: Request, env: Env): Promise<Response> {
  const url = new URL(req.url);
  const c = cors(env, req);
  if (c === "forbidden") {
    return problem(env, 403, "origin_not_allowed", [issue("Origin", "origin_not_allowed", "this origin is not in the worker's ALLOWED_ORIGINS", "dieser Origin steht nicht in ALLOWED_ORIGINS des Workers")]);
  }
  const withCors = (r: Response) => {
    if (!c) return r;
    const h = new Headers(r.headers);
    for (const [k, v] of Object.entries(c)) h.set(k, v);
    return new Response(r.body, { status: r.status, headers: h });
  };
  if (req.method === "OPTIONS") return c ? preflight(c) : new Response(null, { status: 204, headers: { Allow: "GET, POST, PUT, DELETE, OPTIONS" } });
  if (url.pathname === "/healthz") return withCors(json(env, 200, { ok: true, service: "kontor-worker", version: version() }));
  // The HTTP API's reference (worker/openapi.json), without authentication.
  if (url.pathname === "/openapi.json") return withCors(json(env, 200, openapi));

  // Shop webhooks authenticate with the platform's own signature over the raw body, not the
  // caller token.
  const hook = /^\/v1\/webhooks\/([a-z0-9]+)\/?$/.exec(url.pathname);
  const app = /^\/v1\/webhooks\/shopware6\/(register|confirm)\/?$/.exec(url.pathname);
  if (app) {
    // Shopware's app registration: kontor is the app's backend (src/shopware.ts).
    const method = app[1] === "register" ? "GET" : "POST";
    if (req.method !== method) return problem(env, 405, "method_not_allowed", [issue("", "method_not_allowed", `${req.method} is not allowed here; use ${method}`, `${req.method} ist hier nicht erlaubt; bitte ${method}`)], { Allow: method });
    let a: shopware.Answer;
    if (app[1] === "register") a = await shopware.register(env, url, req.headers, Math.floor(Date.now() / 1000));
    else {
      const read = await readBody(env, req, "any");
      if ("refuse" in read) return read.refuse;
      a = await shopware.confirm(env, req.headers, read.text);
    }
    // The registration answers the shop's secret (Shopware's protocol); it is never stored or
    // logged.
    return a.body === null ? new Response(null, { status: a.httpStatus }) : json(env, a.httpStatus, a.body);
  }
  if (hook) {
    const platform = PLATFORMS.find((p) => p === hook[1]);
    if (!platform) return problem(env, 404, "unknown_platform", [issue("platform", "unknown_platform", `no webhooks from this platform; known: ${PLATFORMS.join(", ")}`, `keine Webhooks von dieser Plattform; bekannt: ${PLATFORMS.join(", ")}`)]);
    if (req.method !== "POST") return problem(env, 405, "method_not_allowed", [issue("", "method_not_allowed", `${req.method} is not allowed here; use POST`, `${req.method} ist hier nicht erlaubt; bitte POST`)], { Allow: "POST" });
    const read = await readBody(env, req, "any");
    if ("refuse" in read) return read.refuse;
    const a = await handleWebhook(env, platform, req.headers, read.text, read.bytes);
    return json(env, a.httpStatus, a.body, a.headers);
  }

  const unauthorized = (why: string) => withCors(problem(env, 401, "unauthorized", [issue("Authorization", "unauthorized", why, "Aufrufer nicht angemeldet: Authorization: Bearer <Token> oder X-Kontor-Signature senden")], { "WWW-Authenticate": 'Bearer realm="kontor"' }));
  const bearer = await checkBearer(env, req);
  if (bearer === "bad") return unauthorized("the bearer token is not this worker's KONTOR_API_TOKEN");
  const signature = req.headers.get("X-Kontor-Signature");
  if (bearer === "none" && signature === null) return unauthorized("send Authorization: Bearer <token> or X-Kontor-Signature: t=…,v1=…");

  let text = "";
  let type = "";
  let bytes: Uint8Array = new Uint8Array(0);
  if (req.method === "POST" || req.method === "PUT" || req.method === "PATCH") {
    const read = await readBody(env, req, url.pathname.replace(/\/+$/, "") === "/v1/catalogue" ? "csv" : "json");
    if ("refuse" in read) return withCors(read.refuse);
    ({ text, type, bytes } = read);
  }
  if (bearer !== "ok") {
    // The signature covers the request line as sent (path and query, not normalised), the
    // Idempotency-Key and the raw body.
    const signed = { method: req.method, pathWithQuery: req.url.slice(url.origin.length), idempotencyKey: req.headers.get("Idempotency-Key"), body: bytes };
    const why = await checkSignature(env, signature, signed, Math.floor(Date.now() / 1000));
    if (why !== null) return unauthorized(why);
  }
  // A CSV catalogue is read by kontor, not as JSON.
  const csv = type === "text/csv" || type === "text/plain";
  const parsed = csv ? { value: undefined } : parseJson(text);
  if ("issue" in parsed) return withCors(problem(env, 400, "malformed_json", [parsed.issue]));
  return withCors(await route(env, req, url, parsed.value, { text, type }));
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const started = Date.now();
    let res: Response;
    try {
      res = await handle(req, env);
    } catch (e) {
      // The message only: a stack or a request could carry data; redacted like every answer.
      console.error(JSON.stringify(redactSecrets({ level: "error", error: e instanceof Error ? e.message : "unknown" }, vars(env))));
      res = problem(env, 500, "internal_error", [issue("", "internal_error", "the worker failed; see its log", "der Worker ist fehlgeschlagen; siehe sein Protokoll")]);
    }
    // One line per request: method, route (its template, not the raw path), status, time. No
    // header, body, path or secret.
    console.log(JSON.stringify({ method: req.method, route: routeOf(new URL(req.url).pathname), status: res.status, ms: Date.now() - started }));
    return res;
  },

  /** Both queues: attempts of queued deliveries, and dead letters. */
  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    if (batch.queue.endsWith("-dead")) await consumeDeadLetters(batch as MessageBatch<DeadLetterMessage>, env);
    else await consumeDeliveries(batch as MessageBatch<DeliveryMessage>, env);
  },

  /** The Cron Trigger (every 15 minutes): the ledger's recovery, then the shop sync when
   * SYNC_SOURCE is set. */
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil((async () => {
      const requeued = await recover(env);
      const sync = typeof env.SYNC_SOURCE === "string" && env.SYNC_SOURCE.trim() !== "" ? (await runSync(env)).report : null;
      console.log(JSON.stringify({ cron: controller.cron, requeued, sync: sync && { ok: sync.ok, listed: sync.listed, delivered: sync.delivered, skipped: sync.skipped, issues: sync.issues.map((i) => i.code) } }));
    })());
  },
} satisfies ExportedHandler<Env>;
