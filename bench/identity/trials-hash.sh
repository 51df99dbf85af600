#!/usr/bin/env bash
# Hashes `automl trials --json` of seeded random and grid searches on three bundled datasets,
# so a refactor can show that nothing a user sees changed. durationMs (wall time) is removed:
# it differs between any two runs of the same build. One worker, so pruning never depends on
# which trial finished first.
# Usage: bash bench/identity/trials-hash.sh [path to cli main.js] > hashes.txt
set -euo pipefail
cli="${1:-dist/cli/main.js}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for ds in iris:species wine:class cpu:class; do
  name="${ds%%:*}"; target="${ds##*:}"
  for strat in random grid; do
    extra=()
    [ "$strat" = grid ] && extra=(--grid-size 2)
    node "$cli" search "datasets/$name.csv" --target "$target" --strategy "$strat" --trials 24 \
      --workers 1 --seed 3 --storage "sqlite:$tmp/s.db" --study "$name-$strat" --out "$tmp/$name-$strat.model.json" \
      --quiet --json "${extra[@]}" > /dev/null
    node "$cli" trials "$name-$strat" --storage "sqlite:$tmp/s.db" --json \
      | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s);for(const r of t)delete r.durationMs;process.stdout.write(JSON.stringify(t))})' > "$tmp/$name-$strat.json"
    echo "$(sha256sum < "$tmp/$name-$strat.json" | cut -c1-16)  $name $strat $(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).length)' "$tmp/$name-$strat.json") trials"
  done
done
