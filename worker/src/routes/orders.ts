// Orders: previews, deliveries to one or several targets, and Geisenheim's cancel.
import { request, kivitendoSync, workerConfig, type Issue, type Order } from "kontor";
import { vars } from "../env";
import { json, problem, issue } from "../http";
import { deliver, type Result } from "../deliver";
import type { Context, Route } from "./route";
import { ORDER_TARGETS, PREVIEW_TARGETS } from "../registry";
import type { Env } from "../env";

/** `{ order, options? }` or the order itself. */
function orderAndOptions(body: unknown): { order: unknown; options: unknown } {
  if (
    body !== null &&
    typeof body === "object" &&
    !Array.isArray(body) &&
    "order" in body &&
    typeof (body as { order: unknown }).order === "object"
  ) {
    const b = body as { order: unknown; options?: unknown };
    return { order: b.order, options: b.options };
  }
  return { order: body, options: undefined };
}

/** A handler's result as a response. */
export const answer = (env: Env, r: Result) => json(env, r.httpStatus, r.body);

/** 404 for a target the route does not take. */
function unknownTarget(env: Env, known: string[]): Response {
  return problem(env, 404, "unknown_target", [
    issue("target", "unknown_target", `unknown target; known: ${known.join(", ")}`, `unbekanntes Ziel; bekannt: ${known.join(", ")}`),
  ]);
}

/** The payload a target would be sent, and its issues; no upstream call. */
function preview(env: Env, target: string, body: unknown): Result {
  const { order, options } = orderAndOptions(body);
  const cfg = workerConfig(target, vars(env), (options ?? undefined) as object | undefined);
  if (!cfg.ok)
    return { httpStatus: cfg.issues.some((i) => i.path.startsWith("env.")) ? 500 : 422, body: { ok: false, target, issues: cfg.issues } };
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

/** `POST /v1/orders`: one delivery per target of `targets`. */
async function toTargets({ env, req, body }: Context): Promise<Response> {
  const b = (body ?? {}) as { order?: unknown; targets?: unknown; options?: Record<string, unknown> };
  const targets = b.targets;
  if (
    !Array.isArray(targets) ||
    targets.length === 0 ||
    !targets.every((t) => typeof t === "string" && ORDER_TARGETS.includes(t)) ||
    new Set(targets).size !== targets.length
  ) {
    return problem(env, 422, "invalid_request", [
      issue(
        "targets",
        "invalid_targets",
        `must list distinct targets of ${ORDER_TARGETS.join(", ")}`,
        `muss verschiedene Ziele aus ${ORDER_TARGETS.join(", ")} nennen`,
      ),
    ]);
  }
  const opts = b.options && typeof b.options === "object" ? b.options : {};
  const key = req.headers.get("Idempotency-Key");
  const results = await Promise.all(
    (targets as string[]).map((t) =>
      deliver(env, { target: t, operation: "createOrder", input: b.order, options: opts[t], idempotencyKey: key }),
    ),
  );
  return json(env, worst(results.map((r) => r.httpStatus)), { deliveries: results.map((r) => ({ ...r.body, httpStatus: r.httpStatus })) });
}

/** Previews, orders, and Geisenheim's cancel. */
export const routes: Route[] = [
  {
    template: "/v1/{target}/preview",
    pattern: /^\/v1\/([a-z-]+)\/preview$/,
    methods: ["POST"],
    auth: "caller",
    handle: ({ env, params, body }) =>
      PREVIEW_TARGETS.includes(params[0]!) ? answer(env, preview(env, params[0]!, body)) : unknownTarget(env, PREVIEW_TARGETS),
  },
  { template: "/v1/orders", pattern: /^\/v1\/orders$/, methods: ["POST"], auth: "caller", handle: toTargets },
  {
    template: "/v1/{target}/orders",
    pattern: /^\/v1\/([a-z-]+)\/orders$/,
    methods: ["POST"],
    auth: "caller",
    handle: async ({ env, req, params, body }) => {
      if (!ORDER_TARGETS.includes(params[0]!)) return unknownTarget(env, ORDER_TARGETS);
      const { order, options } = orderAndOptions(body);
      return answer(
        env,
        await deliver(env, {
          target: params[0]!,
          operation: "createOrder",
          input: order,
          options,
          idempotencyKey: req.headers.get("Idempotency-Key"),
        }),
      );
    },
  },
  {
    template: "/v1/geisenheim/orders/{invoiceId}",
    pattern: /^\/v1\/geisenheim\/orders\/([^/]+)$/,
    methods: ["DELETE"],
    auth: "caller",
    handle: async ({ env, req, params }) => {
      let id: string;
      try {
        id = decodeURIComponent(params[0]!);
      } catch {
        return problem(env, 400, "malformed_uri", [
          issue(
            "invoiceId",
            "malformed_uri",
            "the invoice id in the path is not valid percent-encoding: send the id as digits",
            "die Rechnungs-ID im Pfad ist keine gültige Prozent-Kodierung: bitte die ID als Ziffern senden",
          ),
        ]);
      }
      return answer(
        env,
        await deliver(env, {
          target: "geisenheim",
          operation: "cancelOrder",
          input: /^\d+$/.test(id) ? Number(id) : id,
          idempotencyKey: req.headers.get("Idempotency-Key"),
        }),
      );
    },
  },
];
