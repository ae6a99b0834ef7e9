#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/run.sh: times remit against the peers' baselines in one run and
# prints one table (a benchmark, never a test; see docs/performance.md).
#
#   (a) remit on the reference model (remit_spec_reference = MODEL.md) over a
#       log-normal cohort (patient 0 nominal, 12 parameters at CV 30 %),
#       days -5..730, daily grid, rtol 1e-6, atol 1e-6 x scale, MODEL.md doses;
#       with the CVODES backend and with the fast backend (REMIT_SOLVER_FAST)
#   (b) the default SLE patient through remit_spec_sle() under the CAR-T
#       regimen (Flu 25 mg/m2 d-5..-3, Cy 1000 mg/m2 d-3, cart19 1e6/kg d0):
#       a fresh model per run (burn-in included) and the same model again
#   (c) the peers' CVODE-in-C baseline, ../shared/peers/cvode_run.c, compiled
#       here at run time, FD Jacobian ("naive") and analytic Jacobian, same
#       cohort and tolerances; GSL msbdf (gsl_run.c), and scipy (LSODA, BDF),
#       R deSolve and Octave ode15s when installed (bench/setup-peers.sh)
#
# Agreement: the five metrics of ../shared/peers/metrics.py against a tight
# reference, the peers' driver at rtol = atol_rel = 1e-10 with the analytic
# Jacobian (remit itself at 1e-10 when ../shared/peers is missing).
# Timed runs are pinned to CPU 1 with taskset when it works.
#
# Env: NC (cohort size, 1000)  NSLE (SLE repetitions, 20)  NPY (scipy, 50)
#      NR (deSolve, 20)  NOCT (Octave, 10)  PEERS (../shared/peers)
#      OUT (bench/out, git-ignored)  PY (/usr/bin/python3, Debian's, for scipy)
#      BUILD (OUT/build)  SEED (20240601)  CPU (1)
#      NATIVE (ON: remit built with -march=native, as the peers' driver is;
#      OFF for the portable build; results are the same bitwise)
# Results: OUT/table.md, OUT/perf_*.csv (per patient), OUT/traj_*.csv.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NC=${NC:-1000}
NSLE=${NSLE:-20}
NPY=${NPY:-50}
NR=${NR:-20}
NOCT=${NOCT:-10}
SEED=${SEED:-20240601}
CPU=${CPU:-1}
PEERS=${PEERS:-$ROOT/../shared/peers}
OUT=${OUT:-$ROOT/bench/out}
BUILD=${BUILD:-$OUT/build}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
# Debian's python, where python3-scipy lives (the peers' run.sh does the
# same), unless PY says otherwise or there is none
PY=${PY:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3

echo "== build (Release, REMIT_BUILD_BENCH=ON) in $BUILD"
mkdir -p "$BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DREMIT_BUILD_BENCH=ON \
  -DREMIT_NATIVE=${NATIVE:-ON} -DREMIT_BUILD_TESTS=OFF > "$BUILD/cmake.log" 2>&1 || { cat "$BUILD/cmake.log"; exit 1; }
cmake --build "$BUILD" -j2 --target remit_bench remit_cohort_gen > "$BUILD/build.log" 2>&1 ||
  { cat "$BUILD/build.log"; exit 1; }
BENCH=$BUILD/bench/remit_bench
cd "$OUT"
rm -f perf_*.csv traj_*.csv

PIN=""
if command -v taskset > /dev/null && taskset -c "$CPU" true 2> /dev/null; then
  PIN="taskset -c $CPU"
fi
echo "== machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1) (family $(lscpu | sed -n 's/^CPU family: *//p' | head -1), model $(lscpu | sed -n 's/^Model: *//p' | head -1)), $(nproc --all) CPUs; pinned: ${PIN:-no}"
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'); SUNDIALS $(sed -n 's/^#define SUNDIALS_VERSION "\(.*\)"/\1/p' \
  /usr/include/sundials/sundials_config.h 2> /dev/null || echo '?'); $(${CC:-cc} --version | head -1)"

"$BUILD/bench/remit_cohort_gen" "$NC" "$SEED" > cohort.csv
echo "== cohort: $NC patients (seed $SEED) -> $OUT/cohort.csv"

HAVE_PEERS=0
if [ -f "$PEERS/cvode_run.c" ] && [ -f "$PEERS/model.h" ]; then
  mkdir -p peers
  cp "$PEERS/cvode_run.c" "$PEERS/common.h" "$PEERS/model.h" peers/
  # the peers' build line (run.sh: CFLAGS="-O2 -march=native")
  if ${CC:-gcc} -O2 -march=native -o peers/cvode_run peers/cvode_run.c -lsundials_cvode \
    -lsundials_nvecserial -lsundials_sunmatrixdense -lsundials_sunlinsoldense -lm; then
    peer_names=$(sed -n 's/^static const char \*PAR_NAMES\[NPAR\] = {\(.*\)};$/\1/p' peers/model.h | tr -d '"')
    if [ "$peer_names" = "$(head -1 cohort.csv)" ]; then HAVE_PEERS=1; else
      echo "!! peers' parameter order differs from remit's; skipping the peers" >&2; fi
  fi
fi

echo "== tight reference (rtol = atol_rel = 1e-10)"
if [ $HAVE_PEERS = 1 ]; then
  ./peers/cvode_run cohort.csv "$NC" jac 1e-10 1e-10 traj_ref.csv perf_ref.csv
  REFLABEL="peers' CVODE, analytic Jacobian, 1e-10"
else
  "$BENCH" ref cohort.csv "$NC" 1e-10 1e-10 traj_ref.csv perf_ref.csv
  REFLABEL="remit at 1e-10 (no ../shared/peers)"
fi

ROWS=()
if [ $HAVE_PEERS = 1 ]; then
  echo "== (c) peers' CVODE C, FD Jacobian (naive)"
  $PIN ./peers/cvode_run cohort.csv "$NC" fd 1e-6 1e-6 traj_cvode_fd.csv perf_cvode_fd.csv
  ROWS+=("CVODE C, BDF+dense, FD Jacobian (peers' naive baseline)" perf_cvode_fd.csv traj_cvode_fd.csv)
fi
echo "== (a) remit, reference model"
$PIN "$BENCH" ref cohort.csv "$NC" 1e-6 1e-6 traj_remit.csv perf_remit.csv
ROWS+=("remit, reference model (CVODES BDF+dense)" perf_remit.csv traj_remit.csv)
echo "== (a) remit, reference model, fast backend"
$PIN "$BENCH" ref cohort.csv "$NC" 1e-6 1e-6 traj_fast.csv perf_fast.csv fast
ROWS+=("remit, reference model, fast backend (REMIT_SOLVER_FAST)" perf_fast.csv traj_fast.csv)
if [ $HAVE_PEERS = 1 ]; then
  echo "== (c) peers' CVODE C, analytic Jacobian"
  $PIN ./peers/cvode_run cohort.csv "$NC" jac 1e-6 1e-6 traj_cvode_jac.csv perf_cvode_jac.csv
  ROWS+=("CVODE C, BDF+dense, analytic Jacobian (peers)" perf_cvode_jac.csv traj_cvode_jac.csv)
  echo "== (a') remit again (order effects)"
  $PIN "$BENCH" ref cohort.csv "$NC" 1e-6 1e-6 - perf_remit2.csv
  ROWS+=("remit, reference model, second run" perf_remit2.csv -)
  $PIN "$BENCH" ref cohort.csv "$NC" 1e-6 1e-6 - perf_fast2.csv fast
  ROWS+=("remit, reference model, fast backend, second run" perf_fast2.csv -)
  # the peers' GSL driver, their build line (run.sh)
  cp "$PEERS/gsl_run.c" peers/
  if ${CC:-gcc} -O2 -march=native -o peers/gsl_run peers/gsl_run.c -lgsl -lgslcblas -lm; then
    echo "== (c) peers' GSL gsl_odeiv2 msbdf, analytic Jacobian"
    $PIN ./peers/gsl_run cohort.csv "$NC" 1e-6 1e-6 traj_gsl.csv perf_gsl.csv
    ROWS+=("GSL gsl_odeiv2 msbdf C, analytic Jacobian (peers)" perf_gsl.csv traj_gsl.csv)
  fi
fi

echo "== (b) remit, default SLE patient"
if $PIN "$BENCH" sle "$NSLE" perf_sle.csv; then
  head -n $((NSLE + 1)) perf_sle.csv > perf_sle_fresh.csv
  { head -1 perf_sle.csv; tail -n "$NSLE" perf_sle.csv; } > perf_sle_warm.csv
  ROWS+=("remit, SLE default patient, new model each (burn-in incl.)" perf_sle_fresh.csv -)
  ROWS+=("remit, SLE default patient, same model (y0 cached)" perf_sle_warm.csv -)
else
  echo "!! SLE run failed; left out of the table" >&2
fi
if $PIN "$BENCH" sle "$NSLE" perf_sle_fast.csv fast; then
  head -n $((NSLE + 1)) perf_sle_fast.csv > perf_sle_fast_fresh.csv
  { head -1 perf_sle_fast.csv; tail -n "$NSLE" perf_sle_fast.csv; } > perf_sle_fast_warm.csv
  ROWS+=("remit, SLE default patient, fast backend, new model each (burn-in incl.)" perf_sle_fast_fresh.csv -)
  ROWS+=("remit, SLE default patient, fast backend, same model (y0 cached)" perf_sle_fast_warm.csv -)
else
  echo "!! SLE run (fast backend) failed; left out of the table" >&2
fi

# optional interpreted peers
if [ $HAVE_PEERS = 1 ] && [ "$NPY" -gt 0 ] && [ -f "$PEERS/scipy_run.py" ] &&
  "$PY" -c "import scipy, numpy" 2> /dev/null; then
  echo "== scipy LSODA / BDF ($NPY patients)"
  cp "$PEERS/scipy_run.py" "$PEERS/model_py.py" peers/
  (cd peers && ln -sf ../cohort.csv cohort.csv &&
    $PIN "$PY" scipy_run.py LSODA "$NPY" ../traj_lsoda.csv ../perf_lsoda.csv &&
    $PIN "$PY" scipy_run.py BDF "$NPY" ../traj_bdf.csv ../perf_bdf.csv) &&
    ROWS+=("scipy solve_ivp LSODA" perf_lsoda.csv traj_lsoda.csv "scipy solve_ivp BDF" perf_bdf.csv traj_bdf.csv)
else
  echo "== scipy: not installed (or no peers), skipped"
fi
if [ $HAVE_PEERS = 1 ] && [ "$NR" -gt 0 ] && [ -f "$PEERS/desolve_run.R" ] && command -v Rscript > /dev/null &&
  Rscript -e 'suppressMessages(library(deSolve))' > /dev/null 2>&1; then
  echo "== R deSolve lsoda ($NR patients)"
  cp "$PEERS/desolve_run.R" "$PEERS/model_r.R" peers/
  (cd peers && ln -sf ../cohort.csv cohort.csv &&
    $PIN Rscript desolve_run.R "$NR" ../traj_desolve.csv ../perf_desolve.csv) &&
    ROWS+=("R deSolve lsoda" perf_desolve.csv traj_desolve.csv)
else
  echo "== R deSolve: not installed (or no peers), skipped"
fi
if [ $HAVE_PEERS = 1 ] && [ "$NOCT" -gt 0 ] && [ -f "$PEERS/ode15s_run.m" ] &&
  command -v octave-cli > /dev/null; then
  echo "== Octave ode15s ($NOCT patients)"
  cp "$PEERS/ode15s_run.m" "$PEERS/model_consts.m" "$PEERS/model_oct.m" "$PEERS/model_oct_cnt.m" peers/
  (cd peers && ln -sf ../cohort.csv cohort.csv &&
    $PIN octave-cli ode15s_run.m "$NOCT" ../traj_ode15s.csv ../perf_ode15s.csv 2>&1 |
    grep -v "ignoring const" || true) && [ -s perf_ode15s.csv ] &&
    ROWS+=("Octave ode15s" perf_ode15s.csv traj_ode15s.csv)
else
  echo "== Octave: not installed (or no peers), skipped"
fi

echo
echo "reference for agreement: $REFLABEL; ratio = median ms/patient over the first row's"
"$BENCH" table traj_ref.csv "${ROWS[@]}" | tee table.md
echo
echo "files: $OUT"
