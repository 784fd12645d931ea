// kontor: kvik.shop's TypeScript declarations. Pulled into the package's declarations by wasm-bindgen (`DECLARATIONS` in
// mod.rs); the types it uses come from the others (src/wasm/types.rs and each target's and
// source's .d.ts).

/** kvik.shop's operations: what `request()` takes as `input`, and the `data` of an accepted answer. */
export interface Operations {
  kvik: {
    listOrders: { input?: Record<string, string | number | boolean> | null; data: unknown };
    getOrder: { input: { id: number | string }; data: unknown };
    updateOrder: { input: { id: number | string; changes: Record<string, unknown> }; data: unknown };
    getPrice: { input: Record<string, unknown>; data: unknown };
  };
}

export interface RequestConfig {
  /** kvik.shop: allow plain HTTP to a loopback host (tests and mocks only). */
  allowInsecure?: boolean;
}
