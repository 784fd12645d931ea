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

# npm packages exactly as package-lock.json pins them (`npm ci`: it never rewrites the
# lockfile), and only when the lockfile changed since the last install: the lockfile's hash is
# kept beside the packages, so that a second run is quick and changes nothing.
lock_hash() { sha256sum "$1/package-lock.json" | cut -d' ' -f1; }
npm_ci() { # folder, what for
  local dir=$1 stamp="$1/node_modules/.kontor-lock"
  if [ -d "$dir/node_modules" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$(lock_hash "$dir")" ]; then return; fi
  say "installing $2 (npm ci)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  lock_hash "$dir" > "$stamp"
}
npm_ci . "npm packages"
npm_ci worker "the worker's npm packages (wrangler, workers types)"

# The compatibility suite against the real kivitendo (tests/kivitendo-real/): PostgreSQL for a
# temporary cluster, and the Debian 12 Ruby packages that ../shared/kivitendo/run-rest-api.sh
# runs the REST plugin with (that script lists them).
KIVI_DEBS="postgresql postgresql-contrib ruby ruby-rails ruby-rabl ruby-jbuilder ruby-actionpack-xml-parser ruby-pg puma ruby-nokogiri ruby-concurrent ruby-tzinfo bundler"
missing=""
for deb in $KIVI_DEBS; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $deb"
done
# Only for the tests (`--browser`, as scripts/test.sh calls it): `npm start` needs none of them.
if [ -n "$missing" ] && [ "${1:-}" = "--browser" ]; then
  say "installing Debian packages for the real kivitendo suite:$missing"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
fi

if [ "${1:-}" = "--browser" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing chromium and chromedriver (Debian packages)"
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >&2
  fi
fi
