#!/usr/bin/env bash
# Builds the npm package into pkg/: release Wasm, optimised with binaryen's wasm-opt (npm),
# JS glue for the web target (browsers, workerd, Node ESM) and the nodejs target (CommonJS),
# TypeScript types, and the per-runtime entry points of package.json's `exports`.
# Skips the work when pkg/ is newer than every source. Usage: scripts/build.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

stamp=pkg/.built
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
  node_modules/.bin/wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals --strip-debug --strip-producers "$dir/kontor_bg.wasm" -o "$dir/kontor_bg.opt.wasm"
  mv "$dir/kontor_bg.opt.wasm" "$dir/kontor_bg.wasm"
done
rm -f pkg.tmp/node/kontor_bg.wasm.d.ts pkg.tmp/web/kontor_bg.wasm.d.ts
# Trailing options are optional in JS; wasm-bindgen cannot say so for a typed JsValue.
for dts in pkg.tmp/web/kontor.d.ts pkg.tmp/node/kontor.d.ts; do
  sed -i -e 's/options: GeisenheimOptions)/options?: GeisenheimOptions)/' \
         -e 's/config: RequestConfig)/config?: RequestConfig)/' \
         -e 's/options: KivitendoOptions)/options?: KivitendoOptions)/' \
         -e 's/options: WestarpOptions)/options?: WestarpOptions)/' \
         -e 's/state: KivitendoSyncState | undefined, response: { status: number, body: string } | undefined)/state?: KivitendoSyncState, response?: { status: number, body: string })/' "$dts"
done

cat > pkg.tmp/index.node.mjs <<'JS'
// Node ESM entry: the web-target glue, instantiated synchronously from the file beside it.
import { readFileSync } from "node:fs";
import { initSync } from "./web/kontor.js";
initSync({ module: readFileSync(new URL("./web/kontor_bg.wasm", import.meta.url)) });
export * from "./web/kontor.js";
JS
cat > pkg.tmp/index.browser.mjs <<'JS'
// Browser entry: fetches and instantiates the module once, at import (top-level await).
import init from "./web/kontor.js";
await init({ module_or_path: new URL("./web/kontor_bg.wasm", import.meta.url) });
export * from "./web/kontor.js";
JS
cat > pkg.tmp/index.workerd.mjs <<'JS'
// workerd / Cloudflare Workers entry: the bundler imports the .wasm as a WebAssembly.Module.
import wasmModule from "./web/kontor_bg.wasm";
import { initSync } from "./web/kontor.js";
initSync({ module: wasmModule });
export * from "./web/kontor.js";
JS
cat > pkg.tmp/index.cjs <<'JS'
// Node CommonJS entry: the nodejs-target glue.
module.exports = require("./node/kontor.js");
JS
cat > pkg.tmp/index.d.ts <<'TS'
export * from "./web/kontor.js";
TS
cat > pkg.tmp/index.d.cts <<'TS'
export * from "./web/kontor.js";
TS
echo '{"type":"commonjs"}' > pkg.tmp/node/package.json

rm -rf pkg && mv pkg.tmp pkg
touch "$stamp"
raw_size=$(stat -c %s pkg/web/kontor_bg.wasm)
# The same measure as tests/js/size.test.mjs (Node's zlib, level 9).
gz_size=$(node -e 'const z=require("zlib"),f=require("fs");process.stdout.write(String(z.gzipSync(f.readFileSync(process.argv[1]),{level:9}).length))' pkg/web/kontor_bg.wasm)
echo "build: pkg/web/kontor_bg.wasm ${raw_size} bytes, ${gz_size} bytes gzipped" >&2
