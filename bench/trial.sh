#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/trial.sh: times `remit trial` on the scale scenario (a benchmark,
# never a test; docs/performance.md, "Trial").  The scenario is
# scenarios/default.yaml (CD19 CAR-T after Flu/Cy, flare triggers at
# 0.65/year) with n_enrol N, one replicate, follow-up 730 days and visits
# every 28 days: the 10^6-patient goal's scenario at a size that fits.
#
#   N=10000 THREADS=1 bench/trial.sh          # pinned to CPU $CPU with 1 thread
#   N=100000 THREADS=2 bench/trial.sh          # both cores, not pinned
#   NP=2 N=20000 bench/trial.sh                # mpirun -np NP, one thread each
#
# Env: N (10000)  THREADS (1)  NP (0: no mpirun)  CPU (1, pinning when
# THREADS = 1 and NP = 0)  REMIT (build/remit)  OUT (bench/out)
# Prints wall, user+sys CPU and peak RSS (/usr/bin/time) and the CPU ms per
# patient; the store is OUT/trial_N.db.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-10000}
THREADS=${THREADS:-1}
NP=${NP:-0}
CPU=${CPU:-1}
REMIT=${REMIT:-$ROOT/build/remit}
OUT=${OUT:-$ROOT/bench/out}
mkdir -p "$OUT"
SCEN=$OUT/trial_scale.yaml
sed -e "s/^replicates: .*/replicates: 1/" -e "s/^  n_enrol: .*/  n_enrol: $N/" \
  -e "s/^  followup_days: .*/  followup_days: 730/" \
  -e "s/^visits: .*/visits: {from: 0, every: 28, until: 728}/" \
  "$ROOT/scenarios/default.yaml" > "$SCEN"
DB=$OUT/trial_$N.db
rm -f "$DB" "$DB.partial"
RUN=("$REMIT" trial "$SCEN" -o "$DB" --threads "$THREADS" --quiet)
if [ "$NP" -gt 0 ]; then
  RUN=(mpirun -np "$NP" --allow-run-as-root --oversubscribe --bind-to none "${RUN[@]}")
elif [ "$THREADS" = 1 ] && command -v taskset > /dev/null && taskset -c "$CPU" true 2> /dev/null; then
  RUN=(taskset -c "$CPU" "${RUN[@]}")
fi
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg), N=$N threads=$THREADS np=$NP"
/usr/bin/time -f "%e %U %S %M" -o "$OUT/trial_time.txt" "${RUN[@]}" > "$OUT/trial_stdout.txt"
read -r wall user sys rss < "$OUT/trial_time.txt"
awk -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v n="$N" 'BEGIN {
  printf "wall %.2f s  cpu %.2f s (user %.2f, sys %.2f)  peak RSS %.0f MB  cpu/patient %.3f ms\n",
    w, u + s, u, s, r / 1024, 1000 * (u + s) / n }'
