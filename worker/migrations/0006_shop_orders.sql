-- Issue 22: a shop order's life after it was delivered.
-- * `shop_orders`: each shop order the webhooks saw (platform, shop, the shop's order number
--   and the platform's own order id), filled from every order event, so that events whose
--   body carries no full order (WooCommerce `order.deleted`, Shopify `refunds/create`) find
--   it. `order_json` is the canonical order as delivered (return bookings are built from it),
--   `refunds` the ids of the refunds already booked or noted.
-- * `geisenheim_ids`: the worker's gapless Geisenheim invoice ids (shop orders carry none),
--   one per key (`{platform}:{shop}:{number}` for the sale, `…:refund:{refundId}` for a return
--   booking), given from `sequences` in one D1 batch: stable over retries, never two for one
--   key, never a number skipped by the sequence.
-- * `shop_order_events`: the order's history (received, cancelled, corrected, noted), one row
--   per event and what it did, idempotent per event.
-- * `shop_order_deliveries`: the deliveries each shop order caused (sale, return, cancel).
CREATE TABLE shop_orders (
  platform TEXT NOT NULL,
  shop TEXT NOT NULL,
  number TEXT NOT NULL,
  order_id TEXT,
  state TEXT,
  order_json TEXT,
  refunds TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (platform, shop, number)
);
CREATE INDEX shop_orders_by_order_id ON shop_orders (platform, shop, order_id);

CREATE TABLE sequences (
  name TEXT PRIMARY KEY,
  next INTEGER NOT NULL
);

CREATE TABLE geisenheim_ids (
  key TEXT PRIMARY KEY,
  id INTEGER NOT NULL UNIQUE,
  platform TEXT NOT NULL,
  shop TEXT NOT NULL,
  number TEXT NOT NULL,
  booking TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX geisenheim_ids_by_order ON geisenheim_ids (platform, shop, number);

CREATE TABLE shop_order_events (
  platform TEXT NOT NULL,
  shop TEXT NOT NULL,
  number TEXT NOT NULL,
  event TEXT NOT NULL,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (platform, shop, number, event, kind)
);

CREATE TABLE shop_order_deliveries (
  delivery_id TEXT PRIMARY KEY,
  platform TEXT NOT NULL,
  shop TEXT NOT NULL,
  number TEXT NOT NULL,
  role TEXT NOT NULL
);
CREATE INDEX shop_order_deliveries_by_order ON shop_order_deliveries (platform, shop, number);
