#!/usr/bin/env bash
# Installs what kontor's build and tests need, idempotently: each step is skipped when its
# tool is already there. Usage: scripts/setup.sh [--browser]
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' Cargo.toml)
export PATH="$HOME/.cargo/bin:$PATH"

say() { echo "setup: $*" >&2; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown >&2
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes, once)"
  # Without --locked: its lockfile names a crate version this registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" >&2
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ package.json -nt node_modules/.stamp ]; then
  say "installing npm packages"
  npm install --no-audit --no-fund --loglevel=error >&2
  touch node_modules/.stamp
fi

if [ ! -x worker/node_modules/.bin/wrangler ] || [ worker/package.json -nt worker/node_modules/.stamp ]; then
  say "installing the worker's npm packages (wrangler, workers types)"
  (cd worker && npm install --no-audit --no-fund --loglevel=error >&2)
  touch worker/node_modules/.stamp
fi

if [ "${1:-}" = "--browser" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing chromium and chromedriver (Debian packages)"
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >&2
  fi
fi
