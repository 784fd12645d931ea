-- Issue 11: the answer excerpt of every attempt, the dead-letter records written by the
-- dead-letter queue's consumer, and the scheduled sync's state (the shop session kept until
-- shortly before expiry, the shop orders already handed to the ledger).
ALTER TABLE attempts ADD COLUMN excerpt TEXT;

CREATE TABLE dead_letters (
  delivery_id TEXT NOT NULL REFERENCES deliveries (id),
  at TEXT NOT NULL,
  reason TEXT NOT NULL,
  context TEXT NOT NULL
);
CREATE INDEX dead_letters_delivery ON dead_letters (delivery_id, at);

CREATE TABLE sync_sessions (
  source TEXT PRIMARY KEY,
  session TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE sync_orders (
  source TEXT NOT NULL,
  shop_id TEXT NOT NULL,
  number TEXT,
  at TEXT NOT NULL,
  PRIMARY KEY (source, shop_id)
);
