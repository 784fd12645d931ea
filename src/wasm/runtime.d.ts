// kontor: the declarations of what each entry adds to the module's exports (init, initSync,
// send: scripts/build.sh writes the entries). Pulled into the package's declarations by
// wasm-bindgen (src/wasm/mod.rs).

/** Where `init()` finds the module: its URL (a string or a `URL`), its bytes (`ArrayBuffer`,
 * a typed array), a compiled `WebAssembly.Module`, or a fetch `Response`. */
export type WasmSource = string | ArrayBuffer | ArrayBufferView | object;

/**
 * Loads the WebAssembly module; resolves once every function can be called. The browser
 * entry (also what bundlers pick) needs it once before the first call; with no argument it
 * fetches `kontor_bg.wasm` beside the entry (a URL bundlers such as Vite and webpack
 * rewrite). In Node (ESM and CommonJS) and workerd the module is ready at import and
 * `init()` resolves at once. Calling it again is harmless.
 */
export function init(source?: WasmSource): Promise<void>;

/** Like `init()`, synchronously, from the module's bytes or a compiled `WebAssembly.Module`. */
export function initSync(source: WasmSource): void;

/**
 * Performs a request built by `request()` over the runtime's `fetch`; resolves to
 * `{ status, headers, body }`, or `{ status: 0, error }` when nothing came back (the error
 * with its causes: `fetch failed: connect ECONNREFUSED …`). Never rejects. Needs no `init()`.
 */
export function send(request: HttpRequest | string): Promise<HttpResponse>;
