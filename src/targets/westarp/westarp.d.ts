// kontor: Westarp's TypeScript declarations. Pulled into the package's declarations by wasm-bindgen (`DECLARATIONS` in
// mod.rs); the types it uses come from the others (src/wasm/types.rs and each target's and
// source's .d.ts).

/** Options of `toWestarpOrder`. */
export interface WestarpOptions extends ExplainOption {
  /** Order type, "shop" by default. */
  type?: "email" | "shop" | "phone" | "fax" | "post";
  /** payment.method → payment_method_id (1, 3, 6, 8, 9); `invoice` → 3 is built in. */
  paymentMethodIds?: Record<string, 1 | 3 | 6 | 8 | 9>;
}

export interface WestarpAddress {
  name1: string;
  name2?: string;
  street: string;
  house_number: string;
  zip_code: string;
  city: string;
  country: string;
  email?: string;
  phone?: string;
}

/** Body of Westarp `POST /orders`. */
export interface WestarpOrder {
  code: string;
  type: string;
  person: { firstname?: string; lastname?: string; company?: string; email?: string; verkehrsnummer?: number };
  payment_address: WestarpAddress;
  shipping_address: WestarpAddress;
  payment_method_id: number;
  shipping_method_name: string;
  shipping_cost: number;
  items: Array<{ type: "book"; isbn: string; quantity: number; discount_rate?: number }>;
  delivery_date?: string;
  notes?: string;
  created_at?: string;
}

export interface WestarpShippingMethod {
  id?: number;
  name?: string;
  type: "weight" | "fixed" | "fix" | "linear";
  price?: Amount | null;
  rates?: Record<string, Amount> | null;
}

/** `westarpShippingCost()`'s answer: the net cost, or the issue why there is none. */
export type ShippingCostResult = { ok: true; cost: number; issues: Issue[] } | { ok: false; cost?: undefined; issues: Issue[] };

/** A page query of Westarp's lists. */
export interface WestarpPage {
  page?: number;
}

/** Westarp's operations: what `request()` takes as `input`, and the `data` of an accepted answer. */
export interface Operations {
  westarp: {
    listPublishers: { input?: WestarpPage | null; data: unknown };
    listBooks: {
      input?:
        (WestarpPage & { publisherId?: number; status?: string; author?: string; isbn?: string; term?: string; place?: string }) | null;
      data: unknown;
    };
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
}

export interface OrderDocuments {
  westarp: WestarpOptions;
}

export interface RequestConfig extends WestarpOptions {}

export function toWestarpOrder(order: Order | string, options: WestarpOptions & AsText): TextResult;
/** `toWestarpOrder(order, options?)`: the Westarp `POST /orders` body and every issue. */
export function toWestarpOrder(order: Order | string, options?: WestarpOptions): BuildResult<WestarpOrder>;
