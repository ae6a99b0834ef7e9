#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Regenerates the reference answer files under tests/data/ that
# tests/unit/test_reference.c checks remit against:
#
#   tests/data/reference_cohort.csv  N patients of the reference model (header
#                                    = parameter names, MODEL.md order;
#                                    patient 0 nominal, the rest log-normal,
#                                    CV 30 % on the 12 starred parameters)
#   tests/data/reference_traj.csv    the peers' CVODE driver on that cohort at
#                                    rtol = atol_rel = 1e-10 with the analytic
#                                    Jacobian: per patient 4 lines
#                                    "pid,series,v(-5),...,v(730)", series
#                                    0 CAR-T total, 1 BN+BM, 2 AAb, 3 Dmg
#
# The peers' driver (../shared/peers/cvode_run.c, common.h, model.h) is
# compiled at run time in a scratch folder; none of its code enters the
# repository.  Not part of the test run: CI need not have ../shared.
#
# Usage: scripts/make_reference_data.sh [N_PATIENTS (default 8)]
# Env:   PEERS=/path/to/shared/peers   CC=gcc   SEED=20240601
# Needs: a C compiler and libsundials-dev (SUNDIALS 6, cvode).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
CC=${CC:-gcc}
N=${1:-8}
SEED=${SEED:-20240601}
OUT=$ROOT/tests/data
[ -f "$PEERS/cvode_run.c" ] || { echo "no peers' driver at $PEERS (set PEERS=)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# 1. the cohort, from remit's own reference parameter table
$CC -O2 -I"$ROOT/include" -I"$ROOT/bench" -o "$WORK/cohort_gen" \
  "$ROOT/bench/cohort_gen.c" "$ROOT/src/model/reference.c" -lm
"$WORK/cohort_gen" "$N" "$SEED" > "$WORK/cohort.csv"

# The peers' driver reads parameters by column position: the header must be
# their PAR_NAMES, in their order.
peer_names=$(sed -n 's/^static const char \*PAR_NAMES\[NPAR\] = {\(.*\)};$/\1/p' "$PEERS/model.h" | tr -d '"')
if [ "$peer_names" != "$(head -1 "$WORK/cohort.csv")" ]; then
  echo "parameter order differs from $PEERS/model.h" >&2; exit 1
fi

# 2. the peers' CVODE driver, built in the scratch folder
cp "$PEERS/cvode_run.c" "$PEERS/common.h" "$PEERS/model.h" "$WORK/"
$CC -O2 -o "$WORK/cvode_run" "$WORK/cvode_run.c" \
  -lsundials_cvode -lsundials_nvecserial -lsundials_sunmatrixdense -lsundials_sunlinsoldense -lm

# 3. the tight reference: analytic Jacobian, rtol = atol_rel = 1e-10
(cd "$WORK" && ./cvode_run cohort.csv "$N" jac 1e-10 1e-10 traj.csv perf.csv)

mkdir -p "$OUT"
cp "$WORK/cohort.csv" "$OUT/reference_cohort.csv"
cp "$WORK/traj.csv" "$OUT/reference_traj.csv"
echo "wrote $OUT/reference_cohort.csv ($N patients) and $OUT/reference_traj.csv"
echo "SUNDIALS: $(grep -m1 SUNDIALS_VERSION /usr/include/sundials/sundials_config.h 2>/dev/null || echo unknown)"
