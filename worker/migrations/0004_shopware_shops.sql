-- Issue 15: Shopware 6 shops registered with kontor as their app backend (the app system's
-- registration and confirmation). No secret is stored: a shop's secret is derived from
-- SHOPWARE_APP_SECRET, the shop id and `nonce` (src/shopware.ts); `pending_nonce` is a
-- registration awaiting its confirmation. The Admin API credentials of the confirmation are
-- not kept (kontor never calls the shop).
CREATE TABLE shopware_shops (
  shop_id TEXT PRIMARY KEY,
  shop_url TEXT NOT NULL,
  nonce TEXT,
  pending_nonce TEXT,
  updated_at TEXT NOT NULL
);
