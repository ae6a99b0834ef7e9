#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/validate.sh: times the full validation (`remit validate` over every
# mapped target of validation/map.csv with the map's replicate counts) on
# THREADS cores (default 2) and prints the wall time per scenario and in all
# (docs/performance.md, "Validation").  A benchmark, not a test.
#
# Env: THREADS (2)  OUT (bench/out)  PARAMS (a parameter-set file; default
# the model's own values)  BUILD (build)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
THREADS=${THREADS:-2}
OUT=${OUT:-bench/out}
BUILD=${BUILD:-build}
mkdir -p "$OUT"
extra=()
[ -n "${PARAMS:-}" ] && extra=(--parameter-set "$PARAMS")
echo "remit validate on $THREADS threads ($(nproc) cores here), $(date -u +%F)"
start=$(date +%s.%N)
"$BUILD/remit" validate --threads "$THREADS" -o "$OUT/validation.db" "${extra[@]}" \
  | tee "$OUT/validation.txt" | tail -1
end=$(date +%s.%N)
printf 'wall time: %.0f s\n' "$(echo "$end - $start" | bc)"
