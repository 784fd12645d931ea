-- Issue 26: exactly once when the worker dies mid-send.
-- * Write-ahead: `inflight` records the attempt whose request is out (its number, time and
--   request line) before the request leaves, and is cleared when the attempt is settled; a
--   delivery found with `inflight` set was interrupted and may have reached its target.
-- * `lease`: the holder of the current attempt (a random id); every write of an attempt is a
--   compare-and-set on it, so that a cancel or a second holder can never be overwritten.
-- * Two statuses: `uncertain` (may have reached a target that cannot be asked: the operator
--   decides) and `cancelled` (a create whose order was cancelled before it was sent).
-- * `subject`: the upstream's own id of the order (Geisenheim's invoice id) for creates and
--   cancels alike, so that a cancel finds its create whatever the create's key.
-- SQLite cannot change a CHECK constraint in place: the table is built anew and copied.
PRAGMA defer_foreign_keys = on;

CREATE TABLE deliveries_new (
  id TEXT PRIMARY KEY,
  target TEXT NOT NULL,
  operation TEXT NOT NULL,
  key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'queued', 'dead', 'auth_failed', 'uncertain', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  upstream_status INTEGER,
  upstream_id TEXT,
  issues TEXT NOT NULL DEFAULT '[]',
  payload TEXT,
  input TEXT NOT NULL,
  options TEXT,
  state TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  next_attempt_at TEXT,
  subject TEXT,
  lease TEXT,
  inflight TEXT,
  UNIQUE (target, key)
);

INSERT INTO deliveries_new (id, target, operation, key, status, attempts, upstream_status, upstream_id, issues, payload, input, options, state,
  created_at, updated_at, next_attempt_at, subject)
SELECT id, target, operation, key, status, attempts, upstream_status, upstream_id, issues, payload, input, options, state,
  created_at, updated_at, next_attempt_at,
  CASE
    WHEN target = 'geisenheim' AND operation = 'createOrder' THEN CAST(json_extract(input, '$.invoiceId') AS TEXT)
    WHEN target = 'geisenheim' AND operation = 'cancelOrder' THEN CAST(json_extract(input, '$') AS TEXT)
  END
FROM deliveries;

DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_recent ON deliveries (created_at DESC, id);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_subject ON deliveries (target, subject, operation);

-- Caller signatures (X-Kontor-Signature) are single-use: each MAC is kept until its time
-- window has passed, and a second request with it is refused.
CREATE TABLE used_signatures (
  mac TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);

-- Shop webhook deliveries by the platform's own delivery id (X-WC-Webhook-Delivery-ID,
-- X-Shopify-Webhook-Id, Shopware's source.eventId), recorded once handled with a 2xx answer:
-- the same delivery again is answered as a duplicate and changes nothing.
CREATE TABLE webhook_events (
  platform TEXT NOT NULL,
  shop TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at TEXT NOT NULL,
  http_status INTEGER NOT NULL,
  PRIMARY KEY (platform, shop, event_id)
);
