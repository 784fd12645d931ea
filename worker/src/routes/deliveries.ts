// The ledger's deliveries: the list, one with every attempt, and the operator's retry and
// confirmation.
import { deliveryKey, mayResend, type Issue } from "kontor";
import { json, problem, issue } from "../http";
import { deliver, type Job } from "../deliver";
import * as ledger from "../ledger";
import { answer } from "./orders";
import { ORDER_TARGETS, STATUSES } from "../registry";
import type { Context, Route } from "./route";

/** `GET /v1/deliveries?status=&target=&since=&limit=`: recent deliveries, newest first (`since`:
 * made at or after this time, RFC 3339, as the overview's `dayFrom` and `weekFrom`). */
async function list({ env, url }: Context): Promise<Response> {
  const status = url.searchParams.get("status") ?? undefined;
  const target = url.searchParams.get("target") ?? undefined;
  const limit = Number(url.searchParams.get("limit") ?? "50");
  const sinceText = url.searchParams.get("since") ?? undefined;
  const since = sinceText === undefined ? undefined : Date.parse(sinceText);
  const bad: Issue[] = [];
  if (since !== undefined && !(Number.isFinite(since) && /^\d{4}-\d{2}-\d{2}T/.test(sinceText ?? "")))
    bad.push(
      issue(
        "since",
        "invalid_value",
        "must be a time such as 2026-12-04T08:00:00Z (RFC 3339)",
        "muss eine Zeit wie 2026-12-04T08:00:00Z sein (RFC 3339)",
      ),
    );
  if (status !== undefined && !(STATUSES as string[]).includes(status))
    bad.push(issue("status", "invalid_value", `must be one of ${STATUSES.join(", ")}`, `muss einer von ${STATUSES.join(", ")} sein`));
  if (target !== undefined && !ORDER_TARGETS.includes(target))
    bad.push(
      issue("target", "invalid_value", `must be one of ${ORDER_TARGETS.join(", ")}`, `muss eines von ${ORDER_TARGETS.join(", ")} sein`),
    );
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    bad.push(issue("limit", "invalid_value", "must be a whole number from 1 to 200", "muss eine ganze Zahl von 1 bis 200 sein"));
  if (bad.length) return problem(env, 422, "invalid_request", bad);
  // The ledger's times are ISO UTC text: the bound is compared as the same text.
  const from = since === undefined ? undefined : new Date(since).toISOString();
  return json(env, 200, { deliveries: await ledger.list(env.DB, { status, target, since: from, limit }) });
}

/** The stored delivery a `{id}` route names, or its 404. */
async function stored({ env, params }: Context): Promise<ledger.Stored | Response> {
  const d = /^[0-9a-f-]{36}$/.test(params[0]!) ? await ledger.get(env.DB, params[0]!) : null;
  return d ?? problem(env, 404, "not_found", [issue("id", "not_found", "no delivery with this id", "keine Zustellung mit dieser ID")]);
}

/** `GET /v1/deliveries/{id}`: one delivery with every attempt and its dead letters. */
async function one(ctx: Context): Promise<Response> {
  const d = await stored(ctx);
  if (d instanceof Response) return d;
  const deadLetters = await ledger.deadLetters(ctx.env.DB, d.id);
  return json(ctx.env, 200, {
    ...ledger.publicDelivery(d),
    attemptLog: await ledger.attempts(ctx.env.DB, d.id),
    ...(deadLetters.length ? { deadLetters: deadLetters.map((l) => ({ at: l.at, reason: l.reason })) } : {}),
  });
}

/** `POST /v1/deliveries/{id}/confirm`: the operator found an uncertain delivery at its target:
 * accepted, nothing sent. */
async function confirm(ctx: Context): Promise<Response> {
  const d = await stored(ctx);
  if (d instanceof Response) return d;
  const { env } = ctx;
  const note = issue(
    "",
    "confirmed_by_operator",
    `the operator confirmed that ${d.target} has it: accepted without sending`,
    `vom Betreiber bestätigt, dass ${d.target} sie hat: angenommen, ohne zu senden`,
    "warning",
  );
  if (!(await ledger.confirm(env.DB, d.id, [...d.issues, note], new Date().toISOString()))) {
    return problem(env, 409, "not_uncertain", [
      issue(
        "",
        "not_uncertain",
        `delivery ${d.id} is ${d.status}: only an uncertain delivery is confirmed`,
        `Zustellung ${d.id} ist ${d.status}: nur eine unsichere Zustellung wird bestätigt`,
      ),
    ]);
  }
  return json(env, 200, ledger.publicDelivery((await ledger.get(env.DB, d.id)) ?? d));
}

/** `POST /v1/deliveries/{id}/retry`: sends a rejected, dead or uncertain delivery again,
 * optionally with a corrected `{ order }`; any other is answered from the ledger. */
async function retry(ctx: Context): Promise<Response> {
  const d = await stored(ctx);
  if (d instanceof Response) return d;
  const { env, body } = ctx;
  const corrected = body && typeof body === "object" && "order" in body ? (body as { order: unknown }).order : undefined;
  if (!mayResend(d.status, true))
    return answer(env, await deliver(env, { target: d.target, operation: d.operation as Job["operation"], input: d.input }, d));
  if (corrected !== undefined && d.operation === "createOrder") {
    // A retry keeps its order's identity: a corrected order under another key (another
    // invoice id or number) is a new delivery, and the old one stays as it is.
    const was = deliveryKey(d.target, d.operation, d.input);
    const now = deliveryKey(d.target, d.operation, corrected);
    if (now.ok && (!was.ok || was.key !== now.key)) {
      const r = await deliver(env, { target: d.target, operation: "createOrder", input: corrected, options: d.options ?? undefined });
      const note = issue(
        "order",
        "new_delivery",
        `the corrected order has another key (${now.key}): sent as a new delivery; delivery ${d.id} stays ${d.status}`,
        `die korrigierte Bestellung hat einen anderen Schlüssel (${now.key}): als neue Zustellung gesendet; Zustellung ${d.id} bleibt ${d.status}`,
        "warning",
      );
      return json(env, r.httpStatus, {
        ...r.body,
        retriedFrom: d.id,
        newDelivery: true,
        issues: [...((r.body.issues as Issue[] | undefined) ?? []), note],
      });
    }
  }
  const job: Job = {
    target: d.target,
    operation: d.operation as Job["operation"],
    input: corrected ?? d.input,
    options: d.options ?? undefined,
  };
  return answer(env, await deliver(env, job, d));
}

/** A delivery id in a path (any segment: one that is no delivery's id is a 404). */
const ID = "([^/]+)";

/** The deliveries' routes. */
export const routes: Route[] = [
  { template: "/v1/deliveries", pattern: /^\/v1\/deliveries$/, methods: ["GET"], auth: "caller", handle: list },
  { template: "/v1/deliveries/{id}", pattern: new RegExp(`^/v1/deliveries/${ID}$`), methods: ["GET"], auth: "caller", handle: one },
  {
    template: "/v1/deliveries/{id}/retry",
    pattern: new RegExp(`^/v1/deliveries/${ID}/retry$`),
    methods: ["POST"],
    auth: "caller",
    handle: retry,
  },
  {
    template: "/v1/deliveries/{id}/confirm",
    pattern: new RegExp(`^/v1/deliveries/${ID}/confirm$`),
    methods: ["POST"],
    auth: "caller",
    handle: confirm,
  },
];
