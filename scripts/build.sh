#!/usr/bin/env bash
# Builds the npm package into pkg/: release Wasm, optimised with binaryen's wasm-opt (npm),
# JS glue for the web target (browsers, workerd, Node ESM) and the nodejs target (CommonJS),
# TypeScript types, and the per-runtime entry points of package.json's `exports`.
# Skips the work when pkg/ is newer than every source. Usage: scripts/build.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

stamp=.build/pkg.built
if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && \
   [ -z "$(find src Cargo.toml Cargo.lock scripts/build.sh -newer "$stamp" -print -quit)" ]; then
  echo "build: pkg/ is up to date" >&2
  exit 0
fi
bash scripts/setup.sh

cargo build --release --target wasm32-unknown-unknown --lib >&2
raw=target/wasm32-unknown-unknown/release/kontor.wasm

rm -rf pkg.tmp && mkdir -p pkg.tmp
wasm-bindgen --target web --out-dir pkg.tmp/web --out-name kontor "$raw"
wasm-bindgen --target nodejs --out-dir pkg.tmp/node --out-name kontor "$raw"
for dir in pkg.tmp/web pkg.tmp/node; do
  node_modules/.bin/wasm-opt -Os --converge --zero-filled-memory --low-memory-unused --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals --strip-debug --strip-producers "$dir/kontor_bg.wasm" -o "$dir/kontor_bg.opt.wasm"
  mv "$dir/kontor_bg.opt.wasm" "$dir/kontor_bg.wasm"
done
rm -f pkg.tmp/node/kontor_bg.wasm.d.ts pkg.tmp/web/kontor_bg.wasm.d.ts
# One .wasm in the package: both glues are generated from the same module (checked here), so
# the CommonJS glue reads the web glue's copy.
cmp -s pkg.tmp/web/kontor_bg.wasm pkg.tmp/node/kontor_bg.wasm || { echo "build: web and node .wasm differ" >&2; exit 1; }
rm pkg.tmp/node/kontor_bg.wasm
sed -i 's|`${__dirname}/kontor_bg.wasm`|`${__dirname}/../web/kontor_bg.wasm`|' pkg.tmp/node/kontor.js
grep -q '/../web/kontor_bg.wasm' pkg.tmp/node/kontor.js || { echo "build: CommonJS glue path not patched" >&2; exit 1; }
echo '{"type":"commonjs"}' > pkg.tmp/node/package.json

# Types: one declaration of the API for every entry (ESM .d.ts, CommonJS .d.cts), from the
# nodejs glue's declarations, which hold no DOM types (the web glue's init types do).
# Trailing options are optional in JS; wasm-bindgen cannot say so for a typed JsValue.
sed -e 's/options: GeisenheimOptions)/options?: GeisenheimOptions)/' \
    -e 's/config: RequestConfig)/config?: RequestConfig)/' \
    -e 's/options: KivitendoOptions)/options?: KivitendoOptions)/' \
    -e 's/options: WestarpOptions)/options?: WestarpOptions)/' \
    -e 's/options: ValidateOptions)/options?: ValidateOptions)/' \
    -e 's/state: KivitendoSyncState | undefined, response: { status: number, body: string } | undefined)/state?: KivitendoSyncState, response?: { status: number, body: string })/' \
    pkg.tmp/node/kontor.d.ts > pkg.tmp/kontor.d.ts
cat >> pkg.tmp/kontor.d.ts <<'TS'

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
TS
cp pkg.tmp/kontor.d.ts pkg.tmp/kontor.d.cts
rm pkg.tmp/node/kontor.d.ts pkg.tmp/web/kontor.d.ts
sed -i 's|^/\* @ts-self-types="./kontor.d.ts" \*/$||' pkg.tmp/web/kontor.js pkg.tmp/node/kontor.js

# The transport is plain JavaScript over the runtime's fetch, not part of the module.
cp src/wasm/send.js pkg.tmp/send.mjs
{ sed -e 's/^export async function send/async function send/' src/wasm/send.js
  echo 'module.exports = { send };'; } > pkg.tmp/send.cjs

cat > pkg.tmp/index.node.mjs <<'JS'
// Node ESM entry: the web-target glue, instantiated synchronously from the file beside it.
import { readFileSync } from "node:fs";
import { initSync as load } from "./web/kontor.js";
load({ module: readFileSync(new URL("./web/kontor_bg.wasm", import.meta.url)) });
export * from "./web/kontor.js";
export { send } from "./send.mjs";
/** Ready at import: resolves at once. */
export function init() { return Promise.resolve(); }
/** Ready at import: does nothing. */
export function initSync() {}
JS
cat > pkg.tmp/index.workerd.mjs <<'JS'
// workerd / Cloudflare Workers entry: the bundler imports the .wasm as a WebAssembly.Module.
import wasmModule from "./web/kontor_bg.wasm";
import { initSync as load } from "./web/kontor.js";
load({ module: wasmModule });
export * from "./web/kontor.js";
export { send } from "./send.mjs";
/** Ready at import: resolves at once. */
export function init() { return Promise.resolve(); }
/** Ready at import: does nothing. */
export function initSync() {}
JS
cat > pkg.tmp/index.cjs <<'JS'
// Node CommonJS entry: the nodejs-target glue, ready at require.
const glue = require("./node/kontor.js");
module.exports = Object.assign({}, glue, {
  send: require("./send.cjs").send,
  /** Ready at require: resolves at once. */
  init: () => Promise.resolve(),
  /** Ready at require: does nothing. */
  initSync: () => {},
});
JS
# Browser and bundler entry: no top-level await (bundlers' default targets refuse it). The
# module loads on `await init()`; a call before that throws an error that says so.
node - pkg.tmp/web/kontor.js > pkg.tmp/index.browser.mjs <<'JS'
const names = [...require("fs").readFileSync(process.argv[2], "utf8")
  .matchAll(/^export function (\w+)\(/gm)].map((m) => m[1]).filter((n) => n !== "initSync");
const hint = 'README: "Runtimes and bundlers"';
process.stdout.write(`// Browser and bundler entry (generated by scripts/build.sh): no top-level await. Call
// \`await init()\` once (or \`initSync(bytes)\`) before the first call.
import * as glue from "./web/kontor.js";
export { send } from "./send.mjs";

let ready = false;
let loading;

function notReady(name) {
  throw new Error(\`kontor: \${name}() was called before the module was loaded: \\\`await init()\\\` once first (${hint})\`);
}

export function init(source) {
  if (ready) return Promise.resolve();
  const from = source ?? new URL("./web/kontor_bg.wasm", import.meta.url);
  loading ??= glue.default({ module_or_path: from }).then(
    () => { ready = true; },
    (e) => {
      loading = undefined;
      throw new Error(\`kontor: loading the module from \${String(from)} failed (\${e?.message ?? e}): serve kontor_bg.wasm and pass its URL to init() (${hint})\`, { cause: e });
    },
  );
  return loading;
}

export function initSync(source) {
  if (!ready) {
    glue.initSync({ module: source });
    ready = true;
  }
}
${names.map((n) => `
export function ${n}(...args) {
  return ready ? glue.${n}(...args) : notReady("${n}");
}`).join("\n")}
`);
JS

rm -rf pkg && mv pkg.tmp pkg
mkdir -p .build
touch "$stamp"
raw_size=$(stat -c %s pkg/web/kontor_bg.wasm)
# The same measure as tests/js/size.test.mjs (Node's zlib, level 9).
gz_size=$(node -e 'const z=require("zlib"),f=require("fs");process.stdout.write(String(z.gzipSync(f.readFileSync(process.argv[1]),{level:9}).length))' pkg/web/kontor_bg.wasm)
echo "build: pkg/web/kontor_bg.wasm ${raw_size} bytes, ${gz_size} bytes gzipped" >&2
