#!/usr/bin/env bash
# Benchmarks (not part of the test command): the native stages (cargo bench) and the package in
# Node against the hand-written JS mapper, with a bench-only build that also has a
# serde-wasm-bindgen variant and the core alone (the same profile and wasm-opt flags as the
# package, so the figures are the shipped module's).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
cargo bench --bench geisenheim 2>/dev/null
cargo build --release --target wasm32-unknown-unknown --lib --features bench-boundary --target-dir target/bench >&2
out=.build/bench-pkg
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --target web --out-dir "$out/full" --out-name kontor target/bench/wasm32-unknown-unknown/release/kontor.wasm
opt_flags=$(grep -o 'wasm-opt -O[^$]*' scripts/build.sh | sed -e 's/^wasm-opt //' -e 's/ "$//')
# shellcheck disable=SC2086
node_modules/.bin/wasm-opt $opt_flags "$out/full/kontor_bg.wasm" -o "$out/full/kontor_bg.wasm"
cp pkg/index.node.mjs pkg/send.mjs pkg/guard.mjs "$out/"
echo '{"type":"module"}' > "$out/package.json"
node benches/boundary.mjs "$PWD/$out/"
