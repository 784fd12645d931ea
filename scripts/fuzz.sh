#!/usr/bin/env bash
# Fuzzes the core with cargo fuzz (nightly; not part of the test command). Each target runs
# for SECONDS (default 60), seeded from tests/fixtures/; an input that crashes is left in
# fuzz/artifacts/<target>/: copy it to fuzz/regressions/<target>/ so that `cargo test` runs
# it from then on (tests/fuzz_regressions.rs). Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
seconds=${1:-60}
shift || true
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
cd fuzz
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
f=../tests/fixtures
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  case "$t" in
    order|builders) cp ../examples/*.json $f/*.json $f/westarp/*.order.json $f/kivitendo/*.json "corpus/$t/" ;;
    xml) cp $f/kivitendo/*.xml "corpus/$t/" ;;
    responses) cp $f/westarp/*_sample.json $f/omniseller/*_answer.json "corpus/$t/" ;;
    request) cp ../examples/b2c_online_wine.json "corpus/$t/" ;;
    mapping) { cat $f/omniseller/order_answer.json; printf '\0'; cat $f/omniseller/order_mapping.json; } > "corpus/$t/omniseller" ;;
    shops) for s in woocommerce shopware6 shopify; do cp $f/shops/${s}_order*.json "corpus/$t/" 2>/dev/null || true; done
           cp $f/shops/shopify_orders_create.json "corpus/$t/" ;;
    street) printf 'Straße des 17. Juni 135' > "corpus/$t/a"; printf 'C 3 54' > "corpus/$t/b" ;;
    decimal) printf '7.50\0001.19' > "corpus/$t/a" ;;
    catalogue) printf 'Artikelnummer;kind;Liter\n127/4;wine;0,75\n' > "corpus/$t/csv" ;;
  esac
  [ -d "regressions/$t" ] && cp regressions/"$t"/* "corpus/$t/" 2>/dev/null || true
  echo "fuzz: $t for ${seconds}s" >&2
  if ! nice -n 10 cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10; then
    echo "fuzz: $t found something: fuzz/artifacts/$t/" >&2
    found=1
  fi
done
exit "${found:-0}"

