-- Issue 25: each run of the shop sync (POST /v1/sync or the Cron Trigger) and its result, for
-- the admin page's overview (GET /v1/overview answers the newest). `kind` leaves room for a
-- reconciliation run; `report` is the run's counts and issues (never a credential: the report
-- is the one the worker answers, redacted like every answer).
CREATE TABLE sync_runs (
  at TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'sync',
  source TEXT,
  ok INTEGER NOT NULL,
  error TEXT,
  listed INTEGER NOT NULL,
  delivered INTEGER NOT NULL,
  skipped INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  issues TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX sync_runs_recent ON sync_runs (kind, at DESC);
