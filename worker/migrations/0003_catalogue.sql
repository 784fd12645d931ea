-- Issue 15: the product catalogue (per SKU what a shop order lacks), uploaded through
-- PUT /v1/catalogue as JSON or CSV and read by kontor's readCatalogue; `entry` is the entry as
-- readCatalogue answers it (JSON), `position` its place in the upload. Webhook orders are
-- completed from it.
CREATE TABLE catalogue (
  sku TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  entry TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
