#!/usr/bin/env bash
# test_mpi.sh REMIT TEST_MPI_TRIAL MPIEXEC: remit across two MPI ranks on this
# machine.  `mpirun -np 2 remit trial` must write the same store as a plain
# `remit trial` (every table but `run`, which holds timestamps), and rank 0
# alone prints; then the library-level checks (resume, stop, 3+3, failures)
# of test_mpi_trial run under mpirun too.  Label `mpi` in CTest.
set -u
REMIT=$1
TEST_MPI_TRIAL=$2
MPIEXEC=${3:-mpirun}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# Two ranks on however many cores there are; root needs its flag (containers).
run2=("$MPIEXEC" --oversubscribe -np 2)
[ "$(id -u)" -eq 0 ] && run2+=(--allow-run-as-root)
SC="$HERE/mpi_small.yaml"

"$REMIT" trial "$SC" -o "$T/one.db" --threads 1 --chunk-size 5 --quiet ||
  fail "plain remit trial"
if "${run2[@]}" "$REMIT" trial "$SC" -o "$T/two.db" --threads 1 --chunk-size 5 >"$T/out" 2>"$T/err"; then
  pass "mpirun -np 2 remit trial"
else
  fail "mpirun -np 2 remit trial: $(cat "$T/err")"
fi
n=$(grep -c "^run .*two.db" "$T/out")
[ "$n" -eq 1 ] && pass "rank 0 alone prints the summary" || fail "summary printed $n times"
[ -e "$T/two.db.partial" ] && fail "a partial store is left" || pass "no partial store left"
for t in parameters patients patient_params visits events outcomes summaries trajectories chunks; do
  "$REMIT" export "$T/one.db" "$t" >"$T/one.$t.csv" 2>&1
  "$REMIT" export "$T/two.db" "$t" >"$T/two.$t.csv" 2>&1
  if [ -s "$T/one.$t.csv" ] && cmp -s "$T/one.$t.csv" "$T/two.$t.csv"; then
    pass "table $t identical ($(wc -l <"$T/one.$t.csv") lines)"
  else
    fail "table $t differs between 1 process and 2 ranks"
  fi
done
n=$("$REMIT" export "$T/two.db" chunks | tail -n +2 | wc -l)
[ "$n" -gt 10 ] && pass "$n chunks shared by the ranks" || fail "only $n chunks"

# A virtual-population selection: every rank draws the same candidates, and
# rank 0 records the same selection as one process.
VP="$HERE/../data/scenarios/vpop_tiny.yaml"
"$REMIT" trial "$VP" -o "$T/vone.db" --threads 1 --chunk-size 5 --quiet || fail "plain vpop trial"
"${run2[@]}" "$REMIT" trial "$VP" -o "$T/vtwo.db" --threads 1 --chunk-size 5 --quiet >/dev/null 2>&1 ||
  fail "mpirun -np 2 vpop trial"
for t in patients vpop_selection outcomes; do
  "$REMIT" export "$T/vone.db" "$t" >"$T/vone.$t.csv" 2>&1
  "$REMIT" export "$T/vtwo.db" "$t" >"$T/vtwo.$t.csv" 2>&1
  if [ "$(wc -l <"$T/vone.$t.csv")" -gt 1 ] && cmp -s "$T/vone.$t.csv" "$T/vtwo.$t.csv"; then
    pass "vpop: table $t identical ($(wc -l <"$T/vone.$t.csv") lines)"
  else
    fail "vpop: table $t differs between 1 process and 2 ranks"
  fi
done

# A failure on rank 0 (the store exists) is a failure of the whole job, at once.
if timeout 60 "${run2[@]}" "$REMIT" trial "$SC" -o "$T/two.db" --threads 1 >"$T/out" 2>"$T/err"; then
  fail "mpirun over an existing store succeeded"
else
  rc=$?
  [ "$rc" -ne 124 ] && grep -q "exists" "$T/err" && pass "existing store refused on every rank (rc $rc)" ||
    fail "existing store: rc $rc, $(cat "$T/err")"
fi

# The library-level checks, under the same launcher.
mkdir -p "$T/lib"
if "${run2[@]}" "$TEST_MPI_TRIAL" "$T/lib" >"$T/lib.out" 2>&1; then
  pass "test_mpi_trial: $(grep -c '^PASS' "$T/lib.out") checks"
else
  fail "test_mpi_trial"
fi
grep -E "^(FAIL|#)" "$T/lib.out"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
