// The product catalogue in D1 (migrations/0003_catalogue.sql). kontor's readCatalogue reads
// an upload (JSON or CSV) and reports every bad row with its line; this file stores the
// entries it answers and reads them back, all of them or those of an order's SKUs.
import { readCatalogue, type CatalogueEntry, type CatalogueRead } from "kontor";

/** Reads an upload: CSV for `text/csv` (or `text/plain`), else JSON. */
export function readUpload(text: string, contentType: string): CatalogueRead {
  const csv = contentType === "text/csv" || contentType === "text/plain";
  return readCatalogue(text, { format: csv ? "csv" : "json" });
}

/** Replaces the stored catalogue with `entries` in one transaction (a D1 batch): one DELETE
 * and one INSERT over `json_each`, so that an upload of thousands of rows is two statements. */
export async function replace(db: D1Database, entries: CatalogueEntry[], now: string): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM catalogue"),
    db
      .prepare(
        `INSERT INTO catalogue (sku, position, entry, updated_at)
      SELECT json_extract(value, '$.sku'), CAST(key AS INTEGER), value, ?2 FROM json_each(?1) WHERE true
      ON CONFLICT (sku) DO NOTHING`,
      )
      .bind(JSON.stringify(entries), now),
  ]);
}

/** Every stored entry in upload order, and when the catalogue was last uploaded. */
export async function all(db: D1Database): Promise<{ catalogue: CatalogueEntry[]; updatedAt: string | null }> {
  const { results } = await db
    .prepare("SELECT entry, updated_at FROM catalogue ORDER BY position")
    .all<{ entry: string; updated_at: string }>();
  return { catalogue: results.map((r) => JSON.parse(r.entry) as CatalogueEntry), updatedAt: results[0]?.updated_at ?? null };
}

/** The statement reading the stored entries of `skus` (each SKU trimmed, as kontor looks them
 * up), in upload order: rows of `sku` and `entry` (JSON text). */
export function forSkusStatement(db: D1Database, skus: string[]): D1PreparedStatement {
  const wanted = [...new Set(skus.map((s) => s.trim()).filter(Boolean))];
  return db
    .prepare("SELECT sku, entry FROM catalogue WHERE sku IN (SELECT value FROM json_each(?1)) ORDER BY position")
    .bind(JSON.stringify(wanted));
}

/** The stored entries of `skus` (each SKU trimmed, as kontor looks them up). */
export async function forSkus(db: D1Database, skus: string[]): Promise<CatalogueEntry[]> {
  if (!skus.some((s) => s.trim())) return [];
  const { results } = await forSkusStatement(db, skus).all<{ entry: string }>();
  return results.map((r) => JSON.parse(r.entry) as CatalogueEntry);
}
