//! TypeScript types of the package (README: "The canonical order", "Using it from JavaScript"), emitted into the `.d.ts`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** An amount: a JSON number or a decimal string such as "7.50" (held exactly). */
export type Amount = number | string;

/** A value list entry: the listed name, or free text where the documents allow it. */
export type OrFreeText<T extends string> = T | (string & {});

export type CustomerType = OrFreeText<"consumer" | "specialist_retail" | "gastronomy" | "food_retail" |
  "wholesale" | "export" | "online_retail" | "duty_free" | "airline" | "other_business">;
export type Gender = "m" | "f" | "x";
export type PaymentMethodName = OrFreeText<"cash" | "paypal" | "invoice" | "advance" | "credit_card" | "sepa">;
export type CarrierName = OrFreeText<"DHL" | "DPD" | "GLS" | "own_delivery" | "pickup">;
export type ProductKind = "wine" | "sparkling" | "semi_sparkling" | "alcohol_free_wine" | "open_wine" | "book" | "other";

export interface Customer {
  id?: string; email?: string; type?: CustomerType; company?: string; gender?: Gender; title?: string;
  firstName?: string; lastName?: string; phone?: string; fax?: string; homepage?: string; vatId?: string;
  birthYear?: number; marketingConsent?: boolean;
  /** Book trade "Verkehrsnummer". */
  tradeNumber?: number;
}

export interface Address {
  company?: string;
  /** A person's full name where it differs from the customer's. */
  name?: string;
  /** Street with house number, or street alone with `houseNumber`. */
  street: string; houseNumber?: string; zip: string; city: string;
  /** ISO 3166-1 alpha-2, or a country name ("Deutschland", "Germany", "Österreich"). */
  country: string;
  email?: string; phone?: string; gender?: Gender;
}

export interface Product {
  kind: ProductKind;
  /** Bottles per unit: a case of 6 is 6. */
  bottles?: number;
  bottleSizeMl?: number; organic?: boolean;
  /** Official code or name ("Qualitätswein", 3). */
  quality?: number | string | null;
  /** Names (synonyms too) or official variety numbers. */
  grapes?: Array<number | string>;
  wineType?: string; taste?: string;
  vdp?: number | string | null;
}

export interface OrderItem {
  sku: string; name?: string;
  /** Negative for a return. */
  quantity: number;
  /** Per unit, before discount, gross or net per `pricesIncludeTax`. */
  unitPrice: Amount;
  discount?: Amount; discountPercent?: Amount;
  taxRate: Amount;
  unit?: string; weightGrams?: number; isbn?: string;
  product?: Product;
}

/** The canonical order every target is built from (README: "The canonical order"). */
export interface Order {
  number: string;
  /** Sequential invoice database id (no gaps); Geisenheim needs it. */
  invoiceId?: number;
  /** RFC 3339. */
  orderedAt: string;
  /** Default: the calendar date of `orderedAt` in Germany. */
  invoiceDate?: string;
  channel?: OrFreeText<"online" | "local">;
  currency?: string;
  /** true: unit prices are gross (b2c); false: net (b2b). */
  pricesIncludeTax?: boolean;
  customer: Customer;
  billingAddress: Address;
  shippingAddress?: Address;
  payment?: { method: PaymentMethodName };
  shipping?: { carrier?: CarrierName; methodName?: string; cost?: Amount; taxRate?: Amount };
  deliveryDate?: string;
  notes?: string;
  items: OrderItem[];
}

/** One problem, named by path ("items[2].product.grapes[0]"). */
export interface Issue {
  path: string;
  code: string;
  severity: "error" | "warning";
  /** English. */
  message: string;
  /** German. */
  messageDe: string;
}

/** `validateOrder()`'s options: with a `target`, the order is also checked against that
 * target's order document, built with its `options` (what `toGeisenheim`, the kivitendo
 * builders or `toWestarpOrder` would refuse). */
export interface ValidateOptions {
  target?: "geisenheim" | "kivitendo-customer" | "kivitendo-order" | "westarp";
  options?: GeisenheimOptions | KivitendoOptions | WestarpOptions;
}

/** `validateOrder()`'s answer: `valid` is false when an issue is an error. */
export interface ValidationResult { valid: boolean; issues: Issue[] }

/** Where one payload field comes from (`explain: true`): the order fields it was made from
 * (those the order has) and the rule of the document that shaped it. */
export interface FieldLineage {
  /** The payload field: `items[0].price` (kivitendo XML: `order.orderitems.orderitem[0].product-id`). */
  field: string;
  /** Canonical order fields (or `options.…`): `["items[0].unitPrice", "items[0].product.bottles"]`. */
  from: string[];
  /** The rule, citing the document: "gross price of one bottle after discount … (§2.1 price)". */
  rule: string;
  /** The rule in German. */
  ruleDe: string;
}

/** Asks a builder for the field lineage of its payload (`lineage` in the answer). */
export interface ExplainOption {
  explain?: boolean;
}

/** A builder's answer: `ok` and the payload when no issue is an error, else the issues.
 * With `explain: true`, `lineage` names the sources and rule of every payload field. */
export type BuildResult<T> =
  | { ok: true; payload: T; issues: Issue[]; lineage?: FieldLineage[] }
  | { ok: false; payload?: undefined; issues: Issue[]; lineage?: undefined };

export interface GeisenheimOptions extends ExplainOption {
  /** Secret salt of the anonymous recipient id; keep it constant per shop. */
  recipientSalt?: string;
  /** Unknown free-text values become errors. */
  strict?: boolean;
}

/** Body of Geisenheim `POST /erp/orders` (§2.1). */
export interface GeisenheimOrder {
  date: string;
  id: number;
  recipient: {
    id: string; category: number | string; source: string;
    delivery?: string; postalCode?: string; country?: string;
    yearOfBirth?: number; agreesToMarketing?: boolean; gender?: Gender; paymentMethod?: string;
  };
  items: Array<{
    id: string; quantity: number; category: 1 | 2 | 3 | 4 | 5 | 9; size?: number;
    price: number; tax: number; discount: number; organic?: boolean;
    quality?: number | string; grapes?: Array<number | string>; wineType?: string; taste?: string;
    vdp?: number | string | null;
  }>;
}

export type Target = "geisenheim" | "kivitendo" | "westarp" | "omniseller" | "kvik";

/** Options of `toWestarpOrder`. */
export interface WestarpOptions extends ExplainOption {
  /** Order type, "shop" by default. */
  type?: "email" | "shop" | "phone" | "fax" | "post";
  /** payment.method → payment_method_id (1, 3, 6, 8, 9); `invoice` → 3 is built in. */
  paymentMethodIds?: Record<string, 1 | 3 | 6 | 8 | 9>;
}

export interface WestarpAddress {
  name1: string; name2?: string; street: string; house_number: string; zip_code: string;
  city: string; country: string; email?: string; phone?: string;
}

/** Body of Westarp `POST /orders`. */
export interface WestarpOrder {
  code: string; type: string;
  person: { firstname?: string; lastname?: string; company?: string; email?: string; verkehrsnummer?: number };
  payment_address: WestarpAddress; shipping_address: WestarpAddress;
  payment_method_id: number; shipping_method_name: string; shipping_cost: number;
  items: Array<{ type: "book"; isbn: string; quantity: number; discount_rate?: number }>;
  delivery_date?: string; notes?: string; created_at?: string;
}

export interface WestarpShippingMethod {
  id?: number; name?: string; type: "weight" | "fixed" | "fix" | "linear";
  price?: Amount | null; rates?: Record<string, Amount> | null;
}

/** `westarpShippingCost()`'s answer: the net cost, or the issue why there is none. */
export type ShippingCostResult =
  | { ok: true; cost: number; issues: Issue[] }
  | { ok: false; cost?: undefined; issues: Issue[] };

/** `splitStreet()`'s answer: street and house number, or `unsplittable_street`. */
export type SplitStreetResult =
  | { ok: true; street: string; houseNumber: string; issues: Issue[] }
  | { ok: false; street?: undefined; houseNumber?: undefined; issues: Issue[] };


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
  recordType?: "sales_order" | "sales_order_intake" | "sales_quotation" | "request_quotation"
    | "purchase_quotation_intake" | "purchase_order" | "purchase_order_confirmation";
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
  productnumber: string; unit: string; partType: "part" | "service" | "assembly" | "assortment";
  description?: string; sellprice?: Amount; listprice?: Amount; lastcost?: Amount;
  /** The booking group (`buchungsgruppen_id`) is required: a new client has 859 (19 %) and 860 (7 %). */
  taxGroupId: number;
  categoryId?: number; ean?: string; weight?: Amount; notes?: string;
  shop?: boolean; obsolete?: boolean;
}

export interface KivitendoCategory { name: string; sortkey: number; obsolete?: boolean }

/** `parseKivitendoXml()`: the root element and the data, or an issue naming line and column. */
export type KivitendoParsed =
  | { ok: true; root: string; data: unknown; issues: Issue[] }
  | { ok: false; root?: undefined; data?: undefined; issues: Issue[] };

export interface KivitendoSyncState {
  step: "findCustomer" | "createCustomer" | "findOrder" | "createOrder" | "done";
  customerId?: number; orderId?: number; createdCustomer: boolean; createdOrder: boolean;
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

/** Request configuration; credentials stay in the returned request's headers only. */
export interface RequestConfig extends GeisenheimOptions, KivitendoOptions, WestarpOptions {
  environment?: "production" | "staging";
  baseUrl?: string; username?: string; password?: string; token?: string;
  /** OmniSeller: the session from `interpretResponse("omniseller", "requestToken", …).data`. */
  session?: OmnisellerSession;
  /** OmniSeller: the number of the stock function (the wiki gives none). */
  stockFunction?: string | number;
  /** kvik.shop: allow plain HTTP to a loopback host (tests and mocks only). */
  allowInsecure?: boolean;
}

/** An OmniSeller token and when it expires (RFC 3339, or Unix milliseconds). */
export interface OmnisellerSession { token: string; expiresAt: string | number; user?: string }

/** One category of `interpretResponse("omniseller", "getCategories", …).data`, in tree order. */
export interface OmnisellerCategory {
  id: string; parentId: string | null; name: string; active: boolean; depth: number;
}

/** Where a canonical order field comes from: a source path (`Bill.Street`, `Items[0].Sku`),
 * alternatives (the first present wins), a conversion, a constant, or a mapped list. */
export type MappingSpec =
  | string
  | string[]
  | { from: string | string[]; as?: "string" | "integer" | "decimal" | "boolean" | "berlinTime" | "date"; default?: unknown }
  | { value: unknown }
  | { each: string; map: OrderMapping };

/** A field-path table: canonical order paths (`customer.email`) to their sources. */
export interface OrderMapping { [targetPath: string]: MappingSpec }

/** `fromOmnisellerOrder()`'s answer: the mapped order (also when invalid, to look at). */
export type MappedOrder =
  | { valid: true; order: Order; issues: Issue[] }
  | { valid: false; order?: unknown; issues: Issue[] };

/** `omnisellerToKivitendoCategories()`'s answer: one document per placed category. */
export interface KivitendoCategoryDocuments {
  documents: Array<{ omnisellerId: string; xml?: string; payload?: Record<string, unknown> }>;
  issues: Issue[];
}

/** A transport-free HTTP request. */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** `request()`'s answer: `ok` and the request when no issue is an error, else the issues. */
export type RequestResult =
  | { ok: true; request: HttpRequest; issues: Issue[] }
  | { ok: false; request?: undefined; issues: Issue[] };

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Set when no response came back (status 0). */
  error?: string;
}

/** What an answer means: send nothing more (`accepted`), fix and resend (`rejected`), the
 * same request later (`retry`), or fix the credentials (`auth_failed`). */
export type Outcome = "accepted" | "rejected" | "retry" | "auth_failed";

/** `interpretResponse()`'s answer; `data` is typed per operation when `accepted`. */
export type Interpreted<D = unknown> =
  | { outcome: "accepted"; issues: Issue[]; data: D }
  | { outcome: "rejected" | "retry" | "auth_failed"; issues: Issue[]; data?: unknown };

/** A page query of Westarp's lists. */
export interface WestarpPage { page?: number }

/** Every target's operations: what `request()` takes as `input`, and the `data` of an
 * accepted answer in `interpretResponse()`. */
export interface Operations {
  geisenheim: {
    createOrder: { input: Order | string; data: unknown };
    /** The order's `invoiceId` (Geisenheim's `id`). */
    cancelOrder: { input: number | string | { invoiceId: number } | { id: number }; data: unknown };
  };
  kivitendo: {
    createCustomer: { input: Order | string; data: Record<string, unknown> };
    updateCustomer: { input: Order | string; data: Record<string, unknown> };
    findCustomers: { input: { email: string } | { createdSince: string }; data: Array<Record<string, unknown>> };
    createOrder: { input: Order | string; data: Record<string, unknown> };
    findOrders: { input: { orderNumber: string } | { quoteNumber: string } | { createdSince: string }; data: Array<Record<string, unknown>> };
    createProduct: { input: KivitendoProduct | string; data: Record<string, unknown> };
    createCategory: { input: KivitendoCategory | string; data: Record<string, unknown> };
    listTaxZones: { input?: null; data: Array<Record<string, unknown>> };
    listCurrencies: { input?: null; data: Array<Record<string, unknown>> };
  };
  westarp: {
    listPublishers: { input?: WestarpPage | null; data: unknown };
    listBooks: { input?: (WestarpPage & { publisherId?: number; status?: string; author?: string; isbn?: string; term?: string; place?: string }) | null; data: unknown };
    getBook: { input: { id: string }; data: unknown };
    createBook: { input: Record<string, unknown>; data: unknown };
    updateBook: { input: { id: string } & Record<string, unknown>; data: unknown };
    /** `confirmDeletion` must repeat the id. */
    deleteBook: { input: { id: string; confirmDeletion: string }; data: unknown };
    listStocks: { input?: (WestarpPage & { publisherId?: number }) | null; data: unknown };
    listOrders: { input?: (WestarpPage & { publisherId?: number }) | null; data: unknown };
    getOrder: { input: { id: string | number }; data: unknown };
    createOrder: { input: Order | string; data: unknown[] };
    listShippingMethods: { input?: null; data: WestarpShippingMethod[] | unknown };
  };
  omniseller: {
    requestToken: { input?: null; data: OmnisellerSession };
    getCategories: { input?: null; data: OmnisellerCategory[] };
    getOrderIds: { input?: null; data: Array<{ ID: string } & Record<string, unknown>> };
    /** The order's hex `ID` from getOrderIds. */
    getOrder: { input: string | { id: string }; data: Record<string, unknown> };
    getStock: { input?: unknown; data: unknown };
  };
  kvik: {
    listOrders: { input?: Record<string, string | number | boolean> | null; data: unknown };
    getOrder: { input: { id: number | string }; data: unknown };
    updateOrder: { input: { id: number | string; changes: Record<string, unknown> }; data: unknown };
    getPrice: { input: Record<string, unknown>; data: unknown };
  };
}

/** The operations of `target`. */
export type Operation<T extends Target> = keyof Operations[T] & string;

/** A transport-free HTTP request for `operation` of `target`, with the credentials of
 * `config` in its `Authorization` header only. Never throws. */
export function request<T extends Target, O extends Operation<T>>(
  target: T, operation: O, input: Operations[T][O] extends { input?: infer I } ? I : never, config?: RequestConfig,
): RequestResult;

/** What an answer to `operation` of `target` means. Never throws. */
export function interpretResponse<T extends Target, O extends Operation<T>>(
  target: T, operation: O, status: number, body?: string | null,
): Interpreted<Operations[T][O] extends { data: infer D } ? D : unknown>;
"#;
