// kontor: The shop platforms' and the catalogue's TypeScript declarations. Pulled into the package's declarations by wasm-bindgen (`DECLARATIONS` in
// mod.rs); the types it uses come from the others (src/wasm/types.rs and each target's and
// source's .d.ts).

/** The shop platforms `fromShopOrder` reads. */
export type ShopPlatform = "woocommerce" | "shopware6" | "shopify";

/** One SKU's product facts (docs/sources/shops.md). */
export interface CatalogueEntry {
  sku: string;
  kind?: ProductKind;
  /** Bottles per unit: a case of 6 is 6. */
  bottles?: number;
  bottleSizeMl?: number;
  quality?: number | string;
  grapes?: Array<number | string>;
  wineType?: string;
  taste?: string;
  vdp?: number | string;
  organic?: boolean;
  isbn?: string;
  weightGrams?: number;
  /** kivitendo's part id: fills `productIds` of the kivitendo order builder. */
  kivitendoPartId?: number;
}

/** A catalogue: entries, an object by SKU, or the JSON or CSV text of one. */
export type Catalogue = CatalogueEntry[] | Record<string, Omit<CatalogueEntry, "sku">> | string;

/** Options of `fromShopOrder`. */
export interface ShopOrderOptions {
  /** Completes the items' product facts, weight and ISBN (an item's own values win). */
  catalogue?: Catalogue;
}

// The builders' options (and so `validateOrder`'s and `request`'s) take a catalogue too.
export interface GeisenheimOptions {
  /** Completes the items' product facts, weight and ISBN first (an item's own values win). */
  catalogue?: Catalogue;
}
export interface WestarpOptions {
  /** Completes the items' product facts, weight and ISBN first (an item's own values win). */
  catalogue?: Catalogue;
}
export interface KivitendoOptions {
  /** Completes the items first; `kivitendoPartId`s fill `productIds` (ids given there win). */
  catalogue?: Catalogue;
}

/** `readCatalogue`'s answer: the good rows are in `catalogue` even when `ok` is false. */
export interface CatalogueRead {
  ok: boolean;
  catalogue: CatalogueEntry[];
  issues: Issue[];
}

/** `missingFromCatalogue`'s answer: the SKUs the catalogue lacks, and an issue per item. */
export interface MissingFromCatalogue {
  missing: string[];
  issues: Issue[];
}

/**
 * A shop order's state by the platform's status fields (docs/sources/shops.md, "The order's life"):
 * `cancelled`, `refunded` and `failed` orders are errors (`order_cancelled`, `order_refunded`,
 * `order_failed` at the status field), never a sale.
 */
export type ShopOrderState = "open" | "paid" | "cancelled" | "refunded" | "partially_refunded" | "failed";

/** A refunded line; amounts are positive decimal strings in the order's currency. */
export interface ShopRefundLine {
  sku?: string;
  quantity: number;
  amount?: string;
  tax?: string;
}

/** One refund as the platform lists it (WooCommerce's order gives no lines). */
export interface ShopRefund {
  id?: string;
  at?: string;
  amount?: string;
  reason?: string;
  lines: ShopRefundLine[];
}

/** `fromShopOrder()`'s answer: the mapped order, and its life as the platform reports it. */
export type MappedShopOrder = MappedOrder & {
  /** Absent when the platform's status is one kontor does not know (an issue names it). */
  state?: ShopOrderState;
  /** What was refunded, oldest first; absent when nothing. */
  refunds?: ShopRefund[];
};

/**
 * A shop's order as the canonical order: WooCommerce (REST API v3 order, `order.*`
 * webhooks), Shopware 6 (Admin API order with associations, `checkout.order.placed`, the app
 * payment and refund requests) or Shopify (`orders/*` webhooks). Never throws; `valid` says
 * whether every builder takes it.
 */
export function fromShopOrder(platform: ShopPlatform, order: object | string, options?: ShopOrderOptions): MappedShopOrder;

/** Reads a catalogue from JSON or CSV text (`;` or `,`, detected; German decimal comma). */
export function readCatalogue(text: string, options?: { format?: "json" | "csv" }): CatalogueRead;

/** The SKUs of an order that `catalogue` lacks (issues at `items[i].sku`). */
export function missingFromCatalogue(order: Order | string, catalogue: Catalogue): MissingFromCatalogue;
