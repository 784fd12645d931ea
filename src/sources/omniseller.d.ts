// kontor: OmniSeller's TypeScript declarations. Pulled into the package's declarations by wasm-bindgen (`DECLARATIONS` in
// mod.rs); the types it uses come from the others (src/wasm/types.rs and each target's and
// source's .d.ts).

/** An OmniSeller token and when it expires (RFC 3339, or Unix milliseconds). */
export interface OmnisellerSession {
  token: string;
  expiresAt: string | number;
  user?: string;
}

/** One category of `interpretResponse("omniseller", "getCategories", …).data`, in tree order. */
export interface OmnisellerCategory {
  id: string;
  parentId: string | null;
  name: string;
  active: boolean;
  depth: number;
}

/** `omnisellerToKivitendoCategories()`'s answer: one document per placed category. */
export interface KivitendoCategoryDocuments {
  documents: Array<{ omnisellerId: string; xml?: string; payload?: Record<string, unknown> }>;
  issues: Issue[];
}

/** OmniSeller's operations: what `request()` takes as `input`, and the `data` of an accepted answer. */
export interface Operations {
  omniseller: {
    requestToken: { input?: null; data: OmnisellerSession };
    getCategories: { input?: null; data: OmnisellerCategory[] };
    getOrderIds: { input?: null; data: Array<{ ID: string } & Record<string, unknown>> };
    /** The order's hex `ID` from getOrderIds. */
    getOrder: { input: string | { id: string }; data: Record<string, unknown> };
    getStock: { input?: unknown; data: unknown };
  };
}

export interface RequestConfig {
  /** OmniSeller: the session from `interpretResponse("omniseller", "requestToken", …).data`. */
  session?: OmnisellerSession;
  /** OmniSeller: the number of the stock function (the wiki gives none). */
  stockFunction?: string | number;
}

/**
 * `omnisellerToKivitendoCategories(categories, options?)`: kivitendo `<category>` documents
 * for OmniSeller's categories (the getCategories answer, its `data` or its interpreted tree).
 */
export function omnisellerToKivitendoCategories(categories: unknown, options?: KivitendoOptions): KivitendoCategoryDocuments;
