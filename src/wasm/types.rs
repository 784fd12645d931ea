//! TypeScript types of the package (docs/order.md, docs/javascript.md), emitted into the `.d.ts`.

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

/** The canonical order every target is built from (docs/order.md). */
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
  target?: keyof OrderDocuments;
  options?: OrderDocuments[keyof OrderDocuments];
}

/** Every order document `validateOrder()` checks against, with its builder's options (each
 * target's declarations add its documents). */
export interface OrderDocuments {}

/**
 * `validateOrder(order, { target?, options? })`: every issue of the order itself; with a
 * `target`, also every issue that target's order document would have.
 */
export function validateOrder(order: Order | string, options?: ValidateOptions): ValidationResult;

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

/** Every API `request()` and `interpretResponse()` address: the targets and the sources kontor asks
 * (each target's and source's declarations add its `Operations`). */
export type Target = keyof Operations;

/** `splitStreet()`'s answer: street and house number, or `unsplittable_street`. */
export type SplitStreetResult =
  | { ok: true; street: string; houseNumber: string; issues: Issue[] }
  | { ok: false; street?: undefined; houseNumber?: undefined; issues: Issue[] };


/** Request configuration; credentials stay in the returned request's headers only. */
export interface RequestConfig {
  environment?: "production" | "staging";
  baseUrl?: string; username?: string; password?: string; token?: string;
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

/**
 * `buildOrder(document, order, options?)`: the request body of any order document of the
 * registry (`validateOrder`'s targets: `geisenheim`, `kivitendo-customer`, `kivitendo-order`,
 * `westarp`, …), as the named builders (`toGeisenheim`, …) give it with `{ as: "text" }`.
 */
export function buildOrder<D extends keyof OrderDocuments & string>(document: D, order: Order | string, options?: OrderDocuments[D]): TextResult;

/** One target as `targets()` describes it (kontor's registry). */
export interface TargetInfo {
  name: keyof Operations & string;
  title: string;
  operations: string[];
  /** Its order documents: `validateOrder`'s `target`, the builder, the lineage table's rows. */
  documents: Array<{ name: keyof OrderDocuments & string; builder: string; lineage: number }>;
  /** The options a caller of the worker may set (`workerConfig`). */
  callerOptions: string[];
  /** The options only the installation sets (`<NAME>_OPTIONS`). */
  installationOptions: string[];
  /** The worker's variables it reads, and its secrets, by name. */
  variables: string[];
  secrets: string[];
  /** The field of a `createOrder` input that keys it without an `Idempotency-Key`. */
  idempotencyKey: string;
  /** Per operation, what a delivery does when its request may have gone out unanswered. */
  whenPossiblySent: Record<string, "resume" | "lookup" | "resend" | "uncertain">;
  /** What it asks before a create whose answer was lost is sent again, if it can be asked. */
  lookupBeforeResend: { operation: string; asks: string; input: unknown } | null;
  /** Its declaration file in kontor's source (`targets/<name>/<name>.d.ts`), part of the package's. */
  declarations: string;
}

/** One source as `sources()` describes it (kontor's registry). */
export interface SourceInfo {
  name: string;
  title: string;
  /** `sync`: the worker's scheduled sync asks it; `webhook`: it sends signed webhooks. */
  arrival: "sync" | "webhook";
  operations: string[];
  variables: string[];
  secrets: string[];
  /** Its declaration file in kontor's source. */
  declarations: string;
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
