-- The delivery ledger (CONTRACT.md §3): one row per target and idempotency key, every attempt
-- beside it. `input` and `options` are what the caller sent (never a credential: options are
-- checked by kontor's workerConfig); `state` is kivitendo's sync state between attempts.
CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  target TEXT NOT NULL,
  operation TEXT NOT NULL,
  key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'queued', 'dead', 'auth_failed')),
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
  UNIQUE (target, key)
);
CREATE INDEX deliveries_recent ON deliveries (created_at DESC, id);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);

CREATE TABLE attempts (
  delivery_id TEXT NOT NULL REFERENCES deliveries (id),
  n INTEGER NOT NULL,
  at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  upstream_status INTEGER,
  issues TEXT NOT NULL DEFAULT '[]',
  requests TEXT NOT NULL DEFAULT '[]',
  duration_ms INTEGER NOT NULL,
  PRIMARY KEY (delivery_id, n)
);
