// kontor: Geisenheim's TypeScript declarations. Pulled into the package's declarations by wasm-bindgen (`DECLARATIONS` in
// mod.rs); the types it uses come from the others (src/wasm/types.rs and each target's and
// source's .d.ts).

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
    id: string;
    category: number | string;
    source: string;
    delivery?: string;
    postalCode?: string;
    country?: string;
    yearOfBirth?: number;
    agreesToMarketing?: boolean;
    gender?: Gender;
    paymentMethod?: string;
  };
  items: Array<{
    id: string;
    quantity: number;
    category: 1 | 2 | 3 | 4 | 5 | 9;
    size?: number;
    price: number;
    tax: number;
    discount: number;
    organic?: boolean;
    quality?: number | string;
    grapes?: Array<number | string>;
    wineType?: string;
    taste?: string;
    vdp?: number | string | null;
  }>;
}

/** Geisenheim's operations: what `request()` takes as `input`, and the `data` of an accepted answer. */
export interface Operations {
  geisenheim: {
    createOrder: { input: Order | string; data: unknown };
    /** The order's `invoiceId` (Geisenheim's `id`). */
    cancelOrder: { input: number | string | { invoiceId: number } | { id: number }; data: unknown };
  };
}

export interface OrderDocuments {
  geisenheim: GeisenheimOptions;
}

export interface RequestConfig extends GeisenheimOptions {}

export function toGeisenheim(order: Order | string, options: GeisenheimOptions & AsText): TextResult;
/** `toGeisenheim(order, options?)`: the `POST /erp/orders` body and every issue. */
export function toGeisenheim(order: Order | string, options?: GeisenheimOptions): BuildResult<GeisenheimOrder>;
