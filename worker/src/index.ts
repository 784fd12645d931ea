// kontor's edge worker: `fetch` (CORS, the route table of ./routes, authentication), `queue`
// and `scheduled`. The routes live in ./routes/<resource>.ts; every decision about a document
// or an answer comes from the package.
import { redactSecrets } from "kontor";
import { type Env, vars } from "./env";
import { problem, issue, cors, preflight, readBody, parseJson } from "./http";
import { checkBearer, checkSignature } from "./auth";
import { consumeDeliveries, consumeDeadLetters, recover } from "./queue";
import { runSync } from "./sync";
import { reconcile } from "./pull";
import { counted } from "./d1count";
import { match, templateOf, type Route } from "./routes";
import type { DeliveryMessage, DeadLetterMessage } from "./env";

/** 405 naming the methods the path takes. */
function notAllowed(env: Env, method: string, allow: string[]): Response {
  const list = allow.join(", ");
  return problem(
    env,
    405,
    "method_not_allowed",
    [issue("", "method_not_allowed", `${method} is not allowed here; use ${list}`, `${method} ist hier nicht erlaubt; bitte ${list}`)],
    { Allow: list },
  );
}

/** 404 for a path that is no route (answered only after authentication). */
function noRoute(env: Env): Response {
  return problem(env, 404, "not_found", [
    issue(
      "",
      "not_found",
      "no route for this method and path: see /openapi.json",
      "keine Route für diese Methode und diesen Pfad: siehe /openapi.json",
    ),
  ]);
}

/** Authenticates the caller and reads the body of a `caller` route (or of a path that is no
 * public route), then answers it: 401, 413, 415, 400, 404, 405, or the route's answer. */
async function asCaller(
  env: Env,
  req: Request,
  url: URL,
  found: { route: Route; params: string[] } | { allow: string[] } | null,
): Promise<Response> {
  const unauthorized = (why: string) =>
    problem(
      env,
      401,
      "unauthorized",
      [
        issue(
          "Authorization",
          "unauthorized",
          why,
          "Aufrufer nicht angemeldet: ein Bearer-Token (Bearer <Token>) oder X-Kontor-Signature senden",
        ),
      ],
      { "WWW-Authenticate": 'Bearer realm="kontor"' },
    );
  const bearer = await checkBearer(env, req);
  if (bearer === "bad") return unauthorized("the bearer token is not this worker's KONTOR_API_TOKEN");
  const signature = req.headers.get("X-Kontor-Signature");
  if (bearer === "none" && signature === null) return unauthorized("send a bearer token (Bearer <token>) or X-Kontor-Signature: t=…,v1=…");

  let text = "";
  let type = "";
  let bytes: Uint8Array = new Uint8Array(0);
  if (req.method === "POST" || req.method === "PUT" || req.method === "PATCH") {
    const accepts = found && "route" in found ? (found.route.body ?? "json") : "json";
    const read = await readBody(env, req, accepts);
    if ("refuse" in read) return read.refuse;
    ({ text, type, bytes } = read);
  }
  if (bearer !== "ok") {
    // The signature covers the request line as sent (path and query, not normalised), the
    // Idempotency-Key and the raw body.
    const signed = {
      method: req.method,
      pathWithQuery: req.url.slice(url.origin.length),
      idempotencyKey: req.headers.get("Idempotency-Key"),
      body: bytes,
    };
    const why = await checkSignature(env, signature, signed, Math.floor(Date.now() / 1000));
    if (why !== null) return unauthorized(why);
  }
  if (found === null) return noRoute(env);
  if (!("route" in found)) return notAllowed(env, req.method, found.allow);
  // A CSV catalogue is read by kontor, not as JSON.
  const csv = type === "text/csv" || type === "text/plain";
  const parsed = csv ? { value: undefined } : parseJson(text);
  if ("issue" in parsed) return problem(env, 400, "malformed_json", [parsed.issue]);
  return found.route.handle({ env, req, url, params: found.params, body: parsed.value, raw: { text, type } });
}

async function handle(req: Request, env: Env): Promise<Response> {
  const url = new URL(req.url);
  const c = cors(env, req);
  if (c === "forbidden") {
    return problem(env, 403, "origin_not_allowed", [
      issue(
        "Origin",
        "origin_not_allowed",
        "this origin is not in the worker's ALLOWED_ORIGINS",
        "diese Herkunft steht nicht in ALLOWED_ORIGINS des Workers",
      ),
    ]);
  }
  const withCors = (r: Response) => {
    if (!c) return r;
    const h = new Headers(r.headers);
    for (const [k, v] of Object.entries(c)) h.set(k, v);
    return new Response(r.body, { status: r.status, headers: h });
  };
  if (req.method === "OPTIONS")
    return c ? preflight(c) : new Response(null, { status: 204, headers: { Allow: "GET, POST, PUT, DELETE, OPTIONS" } });
  const found = match(req.method, url.pathname);
  // Public routes (health, the API reference) and the shops' (their own signatures over the
  // raw body, checked by the handler) are answered before the caller token is asked for.
  if (found && "route" in found && found.route.auth !== "caller") {
    const r = await found.route.handle({ env, req, url, params: found.params, body: undefined, raw: { text: "", type: "" } });
    return found.route.auth === "none" ? withCors(r) : r;
  }
  if (found && !("route" in found) && found.auth.every((a) => a !== "caller")) return notAllowed(env, req.method, found.allow);
  return withCors(await asCaller(env, req, url, found));
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    env = counted(env);
    const started = Date.now();
    let res: Response;
    try {
      res = await handle(req, env);
    } catch (e) {
      // The message only: a stack or a request could carry data; redacted like every answer.
      console.error(JSON.stringify(redactSecrets({ level: "error", error: e instanceof Error ? e.message : "unknown" }, vars(env))));
      res = problem(env, 500, "internal_error", [
        issue("", "internal_error", "the worker failed; see its log", "der Worker ist fehlgeschlagen; siehe sein Protokoll"),
      ]);
    }
    // One line per request: method, route (its template, not the raw path), status, time. No
    // header, body, path or secret.
    console.log(
      JSON.stringify({ method: req.method, route: templateOf(new URL(req.url).pathname), status: res.status, ms: Date.now() - started }),
    );
    return res;
  },

  /** The queues: attempts of queued deliveries, dead letters, and the steps of pull runs (a
   * pull message on the delivery queue is taken there too). */
  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    env = counted(env);
    if (batch.queue.endsWith("-dead")) await consumeDeadLetters(batch as MessageBatch<DeadLetterMessage>, env);
    else await consumeDeliveries(batch as MessageBatch<DeliveryMessage>, env);
  },

  /** The Cron Trigger (every 15 minutes): the ledger's recovery, then the shop sync when
   * SYNC_SOURCE is set. */
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    env = counted(env);
    ctx.waitUntil(
      (async () => {
        const requeued = await recover(env);
        const sync = typeof env.SYNC_SOURCE === "string" && env.SYNC_SOURCE.trim() !== "" ? (await runSync(env)).report : null;
        // The shops' own APIs: a reconciliation of each from its watermark; runs a restart stopped.
        const pulls = await reconcile(env);
        console.log(
          JSON.stringify({
            cron: controller.cron,
            requeued,
            sync: sync && {
              ok: sync.ok,
              listed: sync.listed,
              delivered: sync.delivered,
              skipped: sync.skipped,
              issues: sync.issues.map((i) => i.code),
            },
            pulls,
          }),
        );
      })(),
    );
  },
} satisfies ExportedHandler<Env>;
