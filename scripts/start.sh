#!/usr/bin/env bash
# The main job: builds the package if needed, then converts every order in examples/ to a
# Geisenheim payload with the kontor CLI, writing .build/examples/<name>.geisenheim.json.
# Set KONTOR_RECIPIENT_SALT to your shop's secret salt; a demo salt is used otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
export KONTOR_RECIPIENT_SALT="${KONTOR_RECIPIENT_SALT:-kontor-demo-salt-not-for-production}"
out=.build/examples
mkdir -p "$out"
status=0
for f in examples/*.json; do
  name=$(basename "$f" .json)
  if node bin/kontor.mjs geisenheim "$f" > "$out/$name.geisenheim.json" 2> "$out/$name.issues.txt"; then
    n=$(grep -c . "$out/$name.issues.txt" || true)
    echo "ok     $f -> $out/$name.geisenheim.json ($n warning$([ "$n" = 1 ] || echo s))"
  else
    echo "FAILED $f:"; sed 's/^/       /' "$out/$name.issues.txt"; status=1
  fi
done
exit $status
