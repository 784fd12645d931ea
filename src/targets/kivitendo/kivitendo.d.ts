// kontor: kivitendo's TypeScript declarations. Pulled into the package's declarations by wasm-bindgen (`DECLARATIONS` in
// mod.rs); the types it uses come from the others (src/wasm/types.rs and each target's and
// source's .d.ts).

/** Options of the kivitendo builders: the ids kivitendo needs. */
export interface KivitendoOptions extends ExplainOption {
  /** Required for orders. */
  customerId?: number;
  contactId?: number;
  /** Required. */
  taxzoneId?: number;
  /** Required. */
  currencyId?: number;
  paymentId?: number;
  /** Required for orders: kivitendo product id per SKU. */
  productIds?: Record<string, number>;
  /** With it, shipping cost becomes an order item. */
  shippingProductId?: number;
  /** One of kivitendo's seven record types; default "sales_order" (kivitendo >= 3.9 requires it).
   * Quotations carry the shop's number as `quote-number`. */
  recordType?:
    | "sales_order"
    | "sales_order_intake"
    | "sales_quotation"
    | "request_quotation"
    | "purchase_quotation_intake"
    | "purchase_order"
    | "purchase_order_confirmation";
  /** Write <fist-name> for the REST plugin before its version 0.3.0. */
  legacyFirstNameTag?: boolean;
  /** "shop" (default): the shop's number is also kivitendo's order-number; "kivitendo": kivitendo numbers it. */
  orderNumber?: "shop" | "kivitendo";
  /** "xml" (default) or "json" (the `.json` routes). */
  format?: "xml" | "json";
  /** The client's units (`units.name`, each at most 20 characters); default the 11 of a new
   * client: Stck, psch, Tag, Std, min, t, kg, g, mg, L, ml. */
  units?: string[];
  /** "shop": the shop's `customer.id` is kivitendo's customer number; "none" (default): empty. */
  customerNumber?: "shop" | "none";
}

/** A kivitendo document: `xml` (format xml) or `payload` (format json), only without errors. */
export type KivitendoDocument =
  | { ok: true; xml?: string; payload?: Record<string, unknown>; issues: Issue[]; lineage?: FieldLineage[] }
  | { ok: false; xml?: undefined; payload?: undefined; issues: Issue[]; lineage?: undefined };

export interface KivitendoProduct {
  productnumber: string;
  unit: string;
  partType: "part" | "service" | "assembly" | "assortment";
  description?: string;
  sellprice?: Amount;
  listprice?: Amount;
  lastcost?: Amount;
  /** The booking group (`buchungsgruppen_id`) is required: a new client has 859 (19 %) and 860 (7 %). */
  taxGroupId: number;
  categoryId?: number;
  ean?: string;
  weight?: Amount;
  notes?: string;
  shop?: boolean;
  obsolete?: boolean;
}

export interface KivitendoCategory {
  name: string;
  sortkey: number;
  obsolete?: boolean;
}

/** `parseKivitendoXml()`: the root element and the data, or an issue naming line and column. */
export type KivitendoParsed =
  { ok: true; root: string; data: unknown; issues: Issue[] } | { ok: false; root?: undefined; data?: undefined; issues: Issue[] };

export interface KivitendoSyncState {
  step: "findCustomer" | "createCustomer" | "findOrder" | "createOrder" | "done";
  customerId?: number;
  orderId?: number;
  createdCustomer: boolean;
  createdOrder: boolean;
  /** The last create answered a bare 500: a second one ends the flow `rejected`. */
  serverError?: boolean;
}

/** One step of `kivitendoSync()`: perform `request`, then call again with `state` and the response. */
export interface KivitendoSyncStep {
  /** The next request; absent once `done`. */
  request?: HttpRequest;
  state: KivitendoSyncState;
  done: boolean;
  outcome?: Outcome;
  issues: Issue[];
}

/** kivitendo's operations: what `request()` takes as `input`, and the `data` of an accepted answer. */
export interface Operations {
  kivitendo: {
    createCustomer: { input: Order | string; data: Record<string, unknown> };
    updateCustomer: { input: Order | string; data: Record<string, unknown> };
    findCustomers: { input: { email: string } | { createdSince: string }; data: Array<Record<string, unknown>> };
    createOrder: { input: Order | string; data: Record<string, unknown> };
    findOrders: {
      input: { orderNumber: string } | { quoteNumber: string } | { createdSince: string };
      data: Array<Record<string, unknown>>;
    };
    createProduct: { input: KivitendoProduct | string; data: Record<string, unknown> };
    createCategory: { input: KivitendoCategory | string; data: Record<string, unknown> };
    listTaxZones: { input?: null; data: Array<Record<string, unknown>> };
    listCurrencies: { input?: null; data: Array<Record<string, unknown>> };
  };
}

export interface OrderDocuments {
  "kivitendo-customer": KivitendoOptions;
  "kivitendo-order": KivitendoOptions;
}

export interface RequestConfig extends KivitendoOptions {}

export function toKivitendoCustomerXml(order: Order | string, options: KivitendoOptions & AsText): TextResult;
/** `toKivitendoCustomerXml(order, options?)`: `<customer>` with contacts and shippings. */
export function toKivitendoCustomerXml(order: Order | string, options?: KivitendoOptions): KivitendoDocument;

export function toKivitendoOrderXml(order: Order | string, options: KivitendoOptions & AsText): TextResult;
/** `toKivitendoOrderXml(order, options)`: `<order>` with orderitems and exact totals. */
export function toKivitendoOrderXml(order: Order | string, options?: KivitendoOptions): KivitendoDocument;

export function toKivitendoProductXml(product: KivitendoProduct | string, options: KivitendoOptions & AsText): TextResult;
/** `toKivitendoProductXml(product, options?)`: `<product>` (productnumber, unit, partType required). */
export function toKivitendoProductXml(product: KivitendoProduct | string, options?: KivitendoOptions): KivitendoDocument;

export function toKivitendoCategoryXml(category: KivitendoCategory | string, options: KivitendoOptions & AsText): TextResult;
/** `toKivitendoCategoryXml(category, options?)`: `<category>` (name and sortkey required). */
export function toKivitendoCategoryXml(category: KivitendoCategory | string, options?: KivitendoOptions): KivitendoDocument;

/**
 * `kivitendoSync(order, config, state?, response?)`: one step of the sync flow (customer by
 * e-mail, created if missing; order by number, created if missing).
 */
export function kivitendoSync(
  order: Order | string,
  config: RequestConfig & KivitendoOptions,
  state?: KivitendoSyncState,
  response?: { status: number; body: string },
): KivitendoSyncStep;
