#!/usr/bin/env bash
# Assembles the admin page's static files into .build/site (the worker serves them as its
# assets): www/ as it is, the package's browser entry and module, jsonc-parser's ES modules,
# and the example orders. No build step of the page's own: files are copied, not bundled.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
site=.build/site
rm -rf "$site.tmp" && mkdir -p "$site.tmp/vendor/kontor/web" "$site.tmp/vendor/jsonc-parser" "$site.tmp/examples"
cp -r www/. "$site.tmp/"
cp pkg/index.browser.mjs pkg/guard.mjs pkg/send.mjs "$site.tmp/vendor/kontor/"
cp pkg/web/kontor.js pkg/web/kontor_bg.wasm "$site.tmp/vendor/kontor/web/"
cp -r node_modules/jsonc-parser/lib/esm/. "$site.tmp/vendor/jsonc-parser/"
rm -f "$site.tmp/vendor/jsonc-parser/main.d.ts"
cp examples/*.json "$site.tmp/examples/"
# The order's fields for the form view, from the package's TypeScript declarations.
node scripts/order-fields.mjs pkg/kontor.browser.d.ts > "$site.tmp/order-fields.json"
cp tests/fixtures/westarp/order_seed_example.order.json "$site.tmp/examples/westarp_book_order.json"
rm -rf "$site" && mv "$site.tmp" "$site"
echo "site: $site ($(du -sh "$site" | cut -f1))" >&2
