// Shop orders in D1 (migrations/0006_shop_orders.sql): each order the shop webhooks saw, the
// Geisenheim ids the worker gave it from its gapless sequence, its history and its deliveries.
import type { Delivery, Attempt } from "./ledger";
import * as ledger from "./ledger";

/** A shop order as stored. */
export interface ShopOrder {
  platform: string;
  shop: string;
  number: string;
  orderId: string | null;
  state: string | null;
  /** The canonical order as delivered (with its Geisenheim `invoiceId`), null before. */
  order: Record<string, unknown> | null;
  /** Refunds already booked, inline or noted (their ids). */
  refunds: string[];
  createdAt: string;
  updatedAt: string;
}

interface Row {
  platform: string;
  shop: string;
  number: string;
  order_id: string | null;
  state: string | null;
  order_json: string | null;
  refunds: string;
  created_at: string;
  updated_at: string;
}

const fromRow = (r: Row): ShopOrder => ({
  platform: r.platform,
  shop: r.shop,
  number: r.number,
  orderId: r.order_id,
  state: r.state,
  order: r.order_json === null ? null : (JSON.parse(r.order_json) as Record<string, unknown>),
  refunds: JSON.parse(r.refunds) as string[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The statement that records (or updates) a shop order: its platform id and state; the order
 * is kept once set. */
export function upsert(
  db: D1Database,
  o: { platform: string; shop: string; number: string; orderId: string | null; state: string | null },
  now: string,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO shop_orders (platform, shop, number, order_id, state, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
    ON CONFLICT (platform, shop, number) DO UPDATE SET order_id = COALESCE(excluded.order_id, order_id), state = COALESCE(excluded.state, state), updated_at = excluded.updated_at`,
    )
    .bind(o.platform, o.shop, o.number, o.orderId, o.state, now);
}

/** Records a shop order seen in an event. */
export async function touch(
  db: D1Database,
  o: { platform: string; shop: string; number: string; orderId: string | null; state: string | null },
  now: string,
): Promise<void> {
  await upsert(db, o, now).run();
}

/** The statements that give each of `keys` of shop order `o` its Geisenheim id (after the
 * sequence's start, `start`): a key that has one keeps it (retries, repeated events), a new key
 * takes the sequence's next id, which then moves on by one. */
export function idStatements(
  db: D1Database,
  o: { platform: string; shop: string; number: string },
  keys: { key: string; booking: string }[],
  now: string,
): D1PreparedStatement[] {
  return keys.flatMap((k) => [
    db
      .prepare(
        `INSERT INTO geisenheim_ids (key, id, platform, shop, number, booking, at)
        SELECT ?1, next, ?2, ?3, ?4, ?5, ?6 FROM sequences WHERE name = 'geisenheim' AND NOT EXISTS (SELECT 1 FROM geisenheim_ids WHERE key = ?1)`,
      )
      .bind(k.key, o.platform, o.shop, o.number, k.booking, now),
    // Moves on only when this key has just taken `next`.
    db
      .prepare(
        "UPDATE sequences SET next = next + 1 WHERE name = 'geisenheim' AND EXISTS (SELECT 1 FROM geisenheim_ids WHERE key = ?1 AND id = sequences.next)",
      )
      .bind(k.key),
  ]);
}

/** The statement that starts the Geisenheim sequence at `first` (the first time only). */
export const sequenceStart = (db: D1Database, first: number): D1PreparedStatement =>
  db.prepare("INSERT INTO sequences (name, next) VALUES ('geisenheim', ?1) ON CONFLICT (name) DO NOTHING").bind(first);

/** The statement that reads the Geisenheim ids of `keys` (rows `{ key, id }`). */
export const idsOf = (db: D1Database, keys: string[]): D1PreparedStatement =>
  db.prepare("SELECT key, id FROM geisenheim_ids WHERE key IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(keys));

/** Gives each of `keys` its Geisenheim id, in one D1 batch with the shop order's record (a
 * transaction; `idStatements`). The sequence starts at `first` the first time. Answers
 * key → id. */
export async function assignIds(
  db: D1Database,
  o: { platform: string; shop: string; number: string; orderId: string | null; state: string | null },
  keys: { key: string; booking: string }[],
  first: number,
  now: string,
): Promise<Map<string, number>> {
  const results = await db.batch([
    upsert(db, o, now),
    sequenceStart(db, first),
    ...idStatements(db, o, keys, now),
    idsOf(
      db,
      keys.map((k) => k.key),
    ),
  ]);
  const rows = (results.at(-1)?.results ?? []) as { key: string; id: number }[];
  return new Map(rows.map((r) => [r.key, r.id]));
}

/** The Geisenheim ids of a shop order: the sale's and its return bookings', oldest first. */
export async function geisenheimIds(
  db: D1Database,
  platform: string,
  shop: string,
  number: string,
): Promise<{ id: number; booking: string; key: string; at: string }[]> {
  const { results } = await db
    .prepare("SELECT id, booking, key, at FROM geisenheim_ids WHERE platform = ?1 AND shop = ?2 AND number = ?3 ORDER BY id")
    .bind(platform, shop, number)
    .all<{ id: number; booking: string; key: string; at: string }>();
  return results;
}

/** The statement that stores the order as delivered (once: the first sale's order stays). */
export function setOrderStatement(
  db: D1Database,
  platform: string,
  shop: string,
  number: string,
  order: unknown,
  now: string,
): D1PreparedStatement {
  return db
    .prepare(
      "UPDATE shop_orders SET order_json = COALESCE(order_json, ?1), updated_at = ?2 WHERE platform = ?3 AND shop = ?4 AND number = ?5",
    )
    .bind(JSON.stringify(order), now, platform, shop, number);
}

/** Stores the order as delivered (once: the first sale's order stays). */
export async function setOrder(db: D1Database, platform: string, shop: string, number: string, order: unknown, now: string): Promise<void> {
  await setOrderStatement(db, platform, shop, number, order, now).run();
}

/** Adds refund ids to those booked (a set: each once). */
export async function bookRefunds(
  db: D1Database,
  platform: string,
  shop: string,
  number: string,
  ids: string[],
  now: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .prepare(
      `UPDATE shop_orders SET refunds = (SELECT json_group_array(value) FROM (SELECT value FROM json_each(refunds) UNION SELECT value FROM json_each(?1))), updated_at = ?2
    WHERE platform = ?3 AND shop = ?4 AND number = ?5`,
    )
    .bind(JSON.stringify(ids), now, platform, shop, number)
    .run();
}

/** A shop order by its number, or null. */
export async function byNumber(db: D1Database, platform: string, shop: string, number: string): Promise<ShopOrder | null> {
  const r = await db
    .prepare("SELECT * FROM shop_orders WHERE platform = ?1 AND shop = ?2 AND number = ?3")
    .bind(platform, shop, number)
    .first<Row>();
  return r ? fromRow(r) : null;
}

/** A shop order by the platform's own order id, or null. */
export async function byOrderId(db: D1Database, platform: string, shop: string, orderId: string): Promise<ShopOrder | null> {
  const r = await db
    .prepare("SELECT * FROM shop_orders WHERE platform = ?1 AND shop = ?2 AND order_id = ?3 ORDER BY created_at LIMIT 1")
    .bind(platform, shop, orderId)
    .first<Row>();
  return r ? fromRow(r) : null;
}

/** The statement that records one event of a shop order's history (once per event and kind). */
export function eventStatement(
  db: D1Database,
  o: { platform: string; shop: string; number: string },
  e: { event: string; kind: string; detail: Record<string, unknown> },
  now: string,
): D1PreparedStatement {
  return db
    .prepare(
      "INSERT INTO shop_order_events (platform, shop, number, event, kind, at, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
    )
    .bind(o.platform, o.shop, o.number, e.event, e.kind, now, JSON.stringify(e.detail));
}

/** Records one event of a shop order's history (once per event and kind). */
export async function event(
  db: D1Database,
  o: { platform: string; shop: string; number: string },
  e: { event: string; kind: string; detail: Record<string, unknown> },
  now: string,
): Promise<void> {
  await eventStatement(db, o, e, now).run();
}

/** The statement that links a delivery to its shop order (`role`: sale, return, cancel). */
export function linkStatement(
  db: D1Database,
  o: { platform: string; shop: string; number: string },
  deliveryId: string,
  role: string,
): D1PreparedStatement {
  return db
    .prepare(
      "INSERT INTO shop_order_deliveries (delivery_id, platform, shop, number, role) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
    )
    .bind(deliveryId, o.platform, o.shop, o.number, role);
}

/** Links a delivery to its shop order (`role`: sale, return, cancel). */
export async function link(
  db: D1Database,
  o: { platform: string; shop: string; number: string },
  deliveryId: string,
  role: string,
): Promise<void> {
  await linkStatement(db, o, deliveryId, role).run();
}

/** A shop order's history: the order, its Geisenheim ids, its events and its deliveries (each
 * with its attempts, which hold the upstream's answers), or null. */
export async function history(db: D1Database, platform: string, shop: string, number: string): Promise<Record<string, unknown> | null> {
  const o = await byNumber(db, platform, shop, number);
  if (!o) return null;
  const { results: events } = await db
    .prepare("SELECT event, kind, at, detail FROM shop_order_events WHERE platform = ?1 AND shop = ?2 AND number = ?3 ORDER BY at, rowid")
    .bind(platform, shop, number)
    .all<{ event: string; kind: string; at: string; detail: string }>();
  const { results: links } = await db
    .prepare("SELECT delivery_id, role FROM shop_order_deliveries WHERE platform = ?1 AND shop = ?2 AND number = ?3 ORDER BY rowid")
    .bind(platform, shop, number)
    .all<{ delivery_id: string; role: string }>();
  const deliveries: (Delivery & { role: string; attemptLog: Attempt[] })[] = [];
  for (const l of links) {
    const d = await ledger.get(db, l.delivery_id);
    if (d) deliveries.push({ ...ledger.publicDelivery(d), role: l.role, attemptLog: await ledger.attempts(db, d.id) });
  }
  return {
    platform,
    shop,
    number,
    orderId: o.orderId,
    state: o.state,
    geisenheimIds: (await geisenheimIds(db, platform, shop, number)).map((g) => ({ id: g.id, booking: g.booking, at: g.at })),
    refundsBooked: o.refunds,
    events: events.map((e) => ({ at: e.at, kind: e.kind, event: e.event, ...(JSON.parse(e.detail) as Record<string, unknown>) })),
    deliveries,
  };
}
