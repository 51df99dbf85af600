#!/usr/bin/env bash
# Rebuilds the portfolio corpus into bench/out/corpus/ (gitignored).
#   bash bench/portfolio/corpus.sh [SHARED_DATASETS_FOLDER]
# Needs: apt-get install r-base-core r-cran-aer r-cran-kernlab
# SHARED_DATASETS_FOLDER (default /work/shared/datasets) holds the small CSVs (from Debian's
# python3-sklearn and weka, see datasets/README.md) and medium/ (AER and kernlab exports).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${1:-/work/shared/datasets}"
out="$root/bench/out/corpus"
mkdir -p "$out"
# Small: as they are (labor, 57 rows, is too small for 5-fold CV per class and is left out).
for f in iris wine breast-cancer digits diabetes-progression credit-g soybean vote glass ionosphere cpu segment uci-breast-cancer; do
  cp "$shared/$f.csv" "$out/$f.csv"
  echo "$f: copied"
done
Rscript "$here/corpus.R" "$shared/medium" "$out"
