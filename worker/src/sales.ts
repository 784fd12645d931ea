// A shop's new sales at once (issue 24): the orders of a pulled page, or a webhook's one order,
// go through this one path. What decides is the webhooks' (src/webhooks.ts): the same mapping
// (kontor's fromShopOrder with the catalogue), checks (`saleRefusal`, kontor's builders through
// `refusal`), keys (kontor's shopOrderKey and deliveryKey) and tables as an order taken one by
// one; only the D1 work is batched: for a page of orders
//   1. one batch reads the page's catalogue entries, the shop orders and the deliveries of the
//      page's keys;
//   2. one batch gives the new sales their Geisenheim ids (with their shop orders' records);
//   3. one batch claims every delivery and records each order, its links and its event, and
//      reads which of the orders a cancel already names;
//   4. the claimed deliveries go to the queue at once (`sendBatch`, 100 a call), but a create a
//      cancel names, which is never sent while the cancel stands.
// An order that is not simply a new sale (seen before, not a sale, arriving with refunds, a
// delivery under an older key) takes the one-order path (`one`), which handles its whole life.
import {
  fromShopOrder,
  deliveryKey,
  missingFromCatalogue,
  shopOrderKey,
  type CatalogueEntry,
  type Issue,
  type MappedShopOrder,
  type ShopPlatform,
} from "kontor";
import type { Env } from "./env";
import { forSkusStatement } from "./catalogue";
import { refusal, subjectOf, cancelledBefore, faultPoint, type Job, type Queued } from "./deliver";
import * as ledger from "./ledger";
import * as shoporders from "./shoporders";

/** One order event to take: the body's text (and its parse), the event naming it in the
 * order's history, the webhook's topic (null when pulled). */
export interface SaleEvent {
  body: string;
  parsed: unknown;
  event: string;
  topic: string | null;
}

/** An answer to one order event: its HTTP status and body. */
export interface SaleAnswer {
  httpStatus: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Where a shop's orders go: the targets, Geisenheim's first id, the shop's platform, name and
 * whether it is the platform's only shop (its older keys), and how the order's own id is read. */
export interface SaleContext {
  platform: ShopPlatform;
  shop: string;
  single: boolean;
  targets: string[];
  first: number;
  orderId: (parsed: unknown) => string | null;
  kivitendoOptions: (entries: CatalogueEntry[]) => Record<string, unknown> | undefined;
  /** Pulled orders: one kontor saw as sold, in the same state and with no new refund, is
   * answered `known` and nothing more is done (a webhook's repeated event takes the one-order
   * path instead, which records it in the order's history). */
  skipKnown?: boolean;
}

/** The states of a shop order that are no sale (kontor's fromShopOrder `state`). */
export const NOT_A_SALE = ["cancelled", "refunded", "failed"];

/** Why a mapped order is refused before anything is stored: invalid, or SKUs missing from the
 * catalogue `entries` (kontor's missingFromCatalogue); null when it is taken. */
export function saleRefusal(
  c: { platform: ShopPlatform; shop: string },
  mapped: MappedShopOrder,
  entries: CatalogueEntry[],
): SaleAnswer | null {
  const { platform, shop } = c;
  const number = numberOf(mapped.order);
  if (!mapped.valid || number === null)
    return { httpStatus: 422, body: { platform, shop, number, error: "invalid_order", issues: mapped.issues } };
  const missing = missingFromCatalogue(mapped.order, entries);
  if (missing.missing.length > 0)
    return {
      httpStatus: 422,
      body: {
        platform,
        shop,
        number,
        error: "missing_from_catalogue",
        missing: missing.missing,
        issues: [...missing.issues, ...mapped.issues],
      },
    };
  return null;
}

/** The SKUs of a mapped order (trimmed, as kontor looks them up in the catalogue). */
export function skusOf(order: unknown): string[] {
  const items = (order as { items?: { sku?: unknown }[] } | undefined)?.items ?? [];
  return items.map((i) => (typeof i?.sku === "string" ? i.sku.trim() : "")).filter(Boolean);
}

/** The order's number, or null. */
export const numberOf = (order: unknown): string | null => {
  const n = (order as { number?: unknown } | undefined)?.number;
  return typeof n === "string" ? n : null;
};

/** A new sale on its way through the batches. */
interface Sale {
  i: number;
  number: string;
  orderId: string | null;
  state: string | null;
  order: Record<string, unknown>;
  issues: Issue[];
  key: string;
  jobs: Job[];
  /** Each job's delivery key. */
  keys: string[];
  claims: { job: Job; id: string; key: string; subject: string | null }[];
}

/** `f` of each of `xs`, at most `n` at a time; the answers in the order of `xs`. */
async function inTurns<T, R>(xs: T[], f: (x: T) => Promise<R>, n: number): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const work = async () => {
    for (let i = next++; i < xs.length; i = next++) out[i] = await f(xs[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, xs.length) }, work));
  return out;
}

/** Sends a message for each of `rows` to the delivery queue, 100 a call (Queues' most). */
async function queueAll(env: Env, rows: ledger.Stored[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) {
    await env.DELIVERIES!.sendBatch(rows.slice(i, i + 100).map((r) => ({ body: { id: r.id } })));
  }
}

/** Takes `events` of one shop: the answer to each, in order. `one` takes an event the batched
 * path leaves to the one-order path. */
export async function takeSales(
  env: Env,
  c: SaleContext,
  events: SaleEvent[],
  one: (e: SaleEvent) => Promise<SaleAnswer>,
): Promise<SaleAnswer[]> {
  const answers: (SaleAnswer | null)[] = events.map(() => null);
  // Without the queue each order's attempts run in the request: a page's orders 8 at a time, as
  // upstream APIs take them.
  if (!env.DELIVERIES || events.length === 0) return inTurns(events, one, 8);
  const { platform, shop, single, targets, first } = c;

  // 1. What the page needs to know, in one batch.
  const firstMaps = events.map((e) => fromShopOrder(platform, e.body));
  const numbers = firstMaps.map((m) => numberOf(m.order)).filter((n): n is string => n !== null);
  const keys = numbers.flatMap((n) => [shopOrderKey(platform, shop, n), ...(single ? [`${platform}:${n}`] : [])]);
  const skus = [...new Set(firstMaps.flatMap((m) => skusOf(m.order)))];
  const [cat, known, claimed] = await env.DB.batch([
    forSkusStatement(env.DB, skus),
    env.DB.prepare(
      "SELECT number, state, order_json IS NOT NULL AS sold, refunds FROM shop_orders WHERE platform = ?1 AND shop = ?2 AND number IN (SELECT value FROM json_each(?3))",
    ).bind(platform, shop, JSON.stringify(numbers)),
    env.DB.prepare(
      "SELECT key FROM deliveries WHERE target IN (SELECT value FROM json_each(?1)) AND key IN (SELECT value FROM json_each(?2))",
    ).bind(JSON.stringify(targets), JSON.stringify(keys)),
  ]);
  const catalogue = ((cat?.results ?? []) as { sku: string; entry: string }[]).map((r) => ({
    sku: r.sku,
    entry: JSON.parse(r.entry) as CatalogueEntry,
  }));
  const seen = new Map(
    ((known?.results ?? []) as { number: string; state: string | null; sold: number; refunds: string }[]).map((r) => [r.number, r]),
  );
  const taken = new Set(((claimed?.results ?? []) as { key: string }[]).map((r) => r.key));

  // Each order mapped with its own catalogue entries (in the catalogue's order), checked, and
  // either refused, a new sale, or left to the one-order path.
  const sales: Sale[] = [];
  const slow: number[] = [];
  for (const [i, e] of events.entries()) {
    // Who the order is, its state and refunds: the same with or without the catalogue.
    const number = numberOf(firstMaps[i]!.order);
    const state = firstMaps[i]!.state ?? null;
    const refunds = (firstMaps[i]!.refunds ?? []).map((r) => r.id);
    const k = number === null ? undefined : seen.get(number);
    if (
      c.skipKnown &&
      k?.sold &&
      k.state === state &&
      refunds.every((id) => typeof id === "string" && (JSON.parse(k.refunds) as string[]).includes(id))
    ) {
      answers[i] = { httpStatus: 200, body: { platform, shop, number, known: true, deliveries: [], issues: [] } };
      continue;
    }
    const key = number === null ? "" : shopOrderKey(platform, shop, number);
    if (
      (number !== null && state !== null && NOT_A_SALE.includes(state)) ||
      k !== undefined ||
      refunds.length > 0 ||
      taken.has(key) ||
      (single && taken.has(`${platform}:${number}`))
    ) {
      slow.push(i);
      continue;
    }
    const wanted = new Set(skusOf(firstMaps[i]!.order));
    const entries = catalogue.filter((x) => wanted.has(x.sku)).map((x) => x.entry);
    const mapped = fromShopOrder(platform, e.body, { catalogue: entries });
    const stop = saleRefusal(c, mapped, entries);
    if (stop || number === null) {
      answers[i] = stop;
      continue;
    }
    const kivitendo = c.kivitendoOptions(entries);
    const order = mapped.order as unknown as Record<string, unknown>;
    const jobs: Job[] = targets.map((target) => ({
      target,
      operation: "createOrder" as const,
      input: target === "geisenheim" ? { ...order, invoiceId: first } : order,
      options: target === "kivitendo" ? kivitendo : undefined,
      idempotencyKey: key,
    }));
    // Checked with a stand-in id first: no id is given to an order that is never sent.
    const refused = refusal(env, jobs);
    if (refused) {
      answers[i] = { httpStatus: refused.httpStatus, body: { platform, shop, number, ...refused.body } };
      continue;
    }
    // Each job's delivery key: the shop order's key given as its idempotency key, so the same
    // once the Geisenheim id is in.
    const keyed = jobs.map((j) => deliveryKey(j.target, j.operation, j.input, j.idempotencyKey ?? undefined));
    const badKey = keyed.find((k) => !k.ok);
    if (badKey && !badKey.ok) {
      answers[i] = { httpStatus: 422, body: { platform, shop, number, error: "invalid_request", issues: badKey.issues } };
      continue;
    }
    const keys = keyed.map((k) => (k.ok ? k.key : ""));
    sales.push({ i, number, orderId: c.orderId(e.parsed), state, order, issues: mapped.issues, key, jobs, keys, claims: [] });
  }
  const now = new Date().toISOString();

  // 2. Geisenheim's ids, with the shop orders' records.
  const records = sales.map((s) =>
    shoporders.upsert(env.DB, { platform, shop, number: s.number, orderId: s.orderId, state: s.state }, now),
  );
  if (sales.length > 0 && targets.includes("geisenheim")) {
    const results = await env.DB.batch([
      ...records,
      shoporders.sequenceStart(env.DB, first),
      ...sales.flatMap((s) =>
        shoporders.idStatements(env.DB, { platform, shop, number: s.number }, [{ key: s.key, booking: "sale" }], now),
      ),
      shoporders.idsOf(
        env.DB,
        sales.map((s) => s.key),
      ),
    ]);
    const ids = new Map(((results.at(-1)?.results ?? []) as { key: string; id: number }[]).map((r) => [r.key, r.id]));
    for (const s of sales) {
      const id = ids.get(s.key);
      // Never without an id (the batch gives every key one): the one-order path says why.
      if (id === undefined) slow.push(s.i);
      s.order = { ...s.order, invoiceId: id };
      for (const j of s.jobs) if (j.target === "geisenheim") j.input = s.order;
    }
    sales.splice(0, sales.length, ...sales.filter((s) => !slow.includes(s.i)));
    records.length = 0;
    if (sales[0]) await faultPoint(env, "sale_ids", { target: "geisenheim", key: sales[0].key });
  }

  // 3. Every claim, link, order and event of the page in one batch.
  const statements: D1PreparedStatement[] = [...records];
  const claimAt: number[] = [];
  for (const s of sales) {
    const who = { platform, shop, number: s.number };
    for (const [j, job] of s.jobs.entries()) {
      const claim = { job, id: crypto.randomUUID(), key: s.keys[j]!, subject: subjectOf(job) };
      s.claims.push(claim);
      claimAt.push(statements.length);
      statements.push(
        ledger.claimStatement(
          env.DB,
          { target: job.target, operation: job.operation, key: claim.key, subject: claim.subject, input: job.input, options: job.options },
          claim.id,
          now,
          now,
        ),
        shoporders.linkStatement(env.DB, who, claim.id, "sale"),
      );
    }
    statements.push(
      shoporders.eventStatement(
        env.DB,
        who,
        {
          event: events[s.i]!.event,
          kind: "received",
          detail: { topic: events[s.i]!.topic, state: s.state, deliveries: s.claims.map((x) => x.id) },
        },
        now,
      ),
      shoporders.setOrderStatement(env.DB, platform, shop, s.number, s.order, now),
    );
  }
  // And, read in the same batch, which of the page's orders a cancel already names.
  const subjects = [...new Set(sales.flatMap((s) => s.claims.map((c) => c.subject)).filter((x): x is string => x !== null))];
  if (subjects.length) statements.push(ledger.cancelsOfStatement(env.DB, subjects));
  const results = statements.length ? await env.DB.batch(statements) : [];
  const named = new Set(
    (subjects.length ? ((results.at(-1)?.results ?? []) as { target: string; subject: string }[]) : []).map(
      (r) => `${r.target} ${r.subject}`,
    ),
  );

  // 4. The new deliveries to the queue at once, right after their claims: all but a create whose
  // order a cancel already names, which is never sent while the cancel stands (`cancelledBefore`).
  const rows = claimAt.map((at) => (results[at]?.results?.[0] ? ledger.stored(results[at]!.results[0]) : null));
  const fresh = rows.filter((r): r is ledger.Stored => r !== null);
  const held = fresh.filter((r) => r.subject !== null && named.has(`${r.target} ${r.subject}`));
  await queueAll(
    env,
    fresh.filter((r) => !held.includes(r)),
  );
  const cancelled = new Set<string>();
  const late: ledger.Stored[] = [];
  for (const row of held) {
    if (await cancelledBefore(env, row)) cancelled.add(row.id);
    else late.push(row);
  }
  await queueAll(env, late);

  // What each claim answered: a new row, or (a webhook of the same order got there first) the
  // row it made.
  let n = 0;
  for (const s of sales) {
    const deliveries: Queued[] = [];
    for (const claim of s.claims) {
      const row = rows[n++];
      if (row) {
        deliveries.push({ target: claim.job.target, id: row.id, key: row.key, status: cancelled.has(row.id) ? "cancelled" : "queued" });
        continue;
      }
      // Never none (the claim gave way to a row of its key); as `enqueue`, an error, not a delivery
      // left out of the answer.
      const other = await ledger.byKey(env.DB, claim.job.target, claim.key);
      if (!other) throw new Error(`the claim of ${claim.job.target} ${claim.key} found no delivery of its key`);
      deliveries.push({ target: claim.job.target, id: other.id, key: other.key, status: other.status, duplicate: true });
    }
    answers[s.i] = {
      httpStatus: deliveries.some((d) => !d.duplicate) ? 202 : 200,
      body: { platform, shop, number: s.number, deliveries, issues: s.issues },
    };
  }

  // The rest, one by one.
  for (const i of slow) answers[i] = await one(events[i]!);
  return answers.map((a) => a!);
}
