#!/usr/bin/env bash
# Every test kontor has, on a fresh machine too (installs what is missing first):
# formatting and lints, native cargo tests, the package build, the wasm-bindgen-test suite in
# Node and in headless Chromium, the TypeScript types, node --test over the built package, and
# the compatibility suite against the real kivitendo (tests/kivitendo-real/).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
mkdir -p .build/tmp
# Node must read the wasm-bindgen-test runner's temporary files as CommonJS, not as this
# package's ES modules.
echo '{"type":"commonjs"}' > .build/package.json
export TMPDIR="$PWD/.build/tmp"   # each browser run leaves ~16 MB behind: keep it here

step() { echo; echo "=== $*"; }

step "setup"
bash scripts/setup.sh --browser

step "prettier --check (the TypeScript and JavaScript; npm run format writes it)"
node_modules/.bin/prettier --check "**/*.{ts,mts,cts,js,mjs,cjs}"

step "cargo fmt --check, clippy (native and wasm32)"
cargo fmt --all --check
cargo clippy --all-targets -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings

step "native tests"
cargo test

step "package build, and the admin page's files (.build/site, the worker's assets)"
bash scripts/build.sh
bash scripts/site.sh

step "wasm-bindgen-test in Node"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
cargo test --target wasm32-unknown-unknown --test wasm

step "wasm-bindgen-test in headless Chromium"
WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="$(command -v chromedriver)" \
  cargo test --target wasm32-unknown-unknown --test wasm

step "TypeScript types"
node_modules/.bin/tsc -p tests/js/tsconfig.json

step "node --test over the built package (ESM, CommonJS, CLI, Chromium page, workerd)"
rm -rf "$TMPDIR"/* 2>/dev/null || true
node --test tests/js/

step "the edge worker in workerd (tsc --strict, wrangler dev against the upstream stand-ins)"
worker/node_modules/.bin/tsc -p worker/tsconfig.json
node --test --test-force-exit worker/test/

step "the real kivitendo: 3.9.2, 4.0.0 and 4.1.0 in a temporary PostgreSQL, the REST plugin from ../shared/kivitendo"
rm -rf "$TMPDIR"/* 2>/dev/null || true
node --test --test-force-exit --test-concurrency=1 tests/kivitendo-real/

step "the admin page in headless Chromium against npm start's local system"
rm -rf "$TMPDIR"/* 2>/dev/null || true
node --test --test-force-exit tests/page/
