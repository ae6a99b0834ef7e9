#!/usr/bin/env bash
# test_cli.sh REMIT: the command line as a user meets it.  Bad input gets one
# clear line on stderr and exit code 2; a failed run leaves no output file
# that looks complete; a good run writes the whole trajectory.
set -u
REMIT=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# expect CODE PATTERN -- ARGS...: exit code, one stderr line matching PATTERN.
expect() {
  local code=$1 pat=$2
  shift 3
  "$REMIT" "$@" >"$T/out" 2>"$T/err"
  local rc=$? lines
  lines=$(wc -l <"$T/err")
  if [ "$rc" -eq "$code" ] && { [ -z "$pat" ] || { [ "$lines" -eq 1 ] && grep -q -- "$pat" "$T/err"; }; }; then
    pass "remit $* -> $rc ${pat:+($(cat "$T/err"))}"
  else
    fail "remit $* -> rc $rc (want $code), stderr: $(cat "$T/err")"
  fi
}

expect 0 "" -- --help
grep -q simulate "$T/out" && pass "help lists simulate" || fail "help lacks simulate"
expect 0 "" -- --version
grep -q SUNDIALS "$T/out" && pass "version names SUNDIALS" || fail "version: $(cat "$T/out")"
expect 2 "unknown command" -- frobnicate
expect 2 "unknown option" -- simulate --bogus
expect 2 "\-\-dose" -- simulate --dose nan
expect 2 "\-\-dose" -- simulate --dose 1e6x
expect 2 "\-\-weight" -- simulate --weight abc
expect 2 "needs a value" -- simulate --dose
expect 2 "amount" -- simulate --therapy cart19 --dose -5
expect 2 "amount" -- simulate --therapy cart19 --dose 1e30
expect 2 "weight_kg" -- simulate --weight 5000
expect 2 "unknown therapy" -- simulate --therapy aspirin
expect 2 "no parameter" -- simulate --param no_such_param=1
expect 2 "rho" -- simulate --model reference --param rho=-1
expect 2 "too many" -- simulate --days 1e9
expect 2 "no input" -- simulate --therapy none --dose-event tylenol,0,1
expect 2 "DAY,AMOUNT" -- simulate --therapy none --dose-event cart19,0
expect 2 "before the simulation starts" -- simulate --therapy none --dose-event cart19,-30,1e6
expect 2 "\-\-model" -- params --model nope
expect 2 "\-\-list" -- params --list nope

# An unwritable output: one line naming the file, non-zero, nothing left.
expect 1 "$T/nodir/x.csv" -- simulate --days 30 -o "$T/nodir/x.csv"

# A run that fails in the solver leaves no file behind.
expect 1 "solver" -- simulate --model reference --days 100 --atol 1e-300 -o "$T/fail.csv"
[ ! -e "$T/fail.csv" ] && [ ! -e "$T/fail.csv.partial" ] && pass "failed run leaves no file" \
  || fail "failed run left a file"

# A good run: complete CSV, no partial file, a summary.
expect 0 "" -- simulate --therapy cart19 --days 730 -o "$T/p.csv"
rows=$(($(wc -l <"$T/p.csv") - 1))
[ "$rows" -eq 738 ] && pass "738 daily rows from day -7 to 730" || fail "rows: $rows"
head -1 "$T/p.csv" | grep -q "^day," && pass "header starts with day" || fail "header"
[ ! -e "$T/p.csv.partial" ] && pass "no partial file after success" || fail "partial left"
grep -q "CAR-T peak" "$T/out" && pass "summary shows the CAR-T peak" || fail "summary: $(cat "$T/out")"
cols=$(head -1 "$T/p.csv" | tr ',' '\n' | wc -l)
awk -F, -v c="$cols" 'NF != c {bad=1} END {exit bad}' "$T/p.csv" && pass "every row has $cols columns" \
  || fail "ragged CSV"

# The same command twice gives the same file (determinism).
"$REMIT" simulate --therapy cart19 --days 200 --quiet -o "$T/a.csv" &&
  "$REMIT" simulate --therapy cart19 --days 200 --quiet -o "$T/b.csv" &&
  cmp -s "$T/a.csv" "$T/b.csv" && pass "same inputs, same bytes" || fail "non-deterministic output"

# The parameter table: every row has a unit and a source.
"$REMIT" params --format csv >"$T/params.csv" || fail "params failed"
python3 - "$T/params.csv" <<'PY' && pass "every parameter has a unit and a source" || fail "parameter table incomplete"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) > 20, len(rows)
bad = [r["name"] for r in rows if not r["source"].strip() or r["unit"] is None]
assert not bad, bad
PY
"$REMIT" params --list inputs | grep -q "^cart19" && pass "inputs list cart19" || fail "inputs"

# Trials: a scenario in, a complete store out; bad files named with their line.
SRC=$(cd "$(dirname "$0")/../.." && pwd)
expect 2 "nope.yaml" -- trial "$T/nope.yaml" -o "$T/r.db"
printf 'population: {n_enrol: 4}\narms: [{name: a, regimen: [{input: cart19, day: 0, amount: 1e6}]}]\nendpoints: [{kind: doris, day: 60}]\nvisits: [0, 60]\nfollow_up: 3\n' >"$T/bad.yaml"
expect 2 "bad.yaml:5" -- trial "$T/bad.yaml" -o "$T/r.db"
[ ! -e "$T/r.db" ] && [ ! -e "$T/r.db.partial" ] && pass "bad scenario writes no store" || fail "store written for a bad scenario"
sed '$d' "$T/bad.yaml" >"$T/ok.yaml"
expect 0 "" -- trial "$T/ok.yaml" -o "$T/r.db" --threads 2
grep -q "doris" "$T/out" && pass "trial prints the endpoint summary" || fail "trial summary: $(cat "$T/out")"
[ -e "$T/r.db" ] && [ ! -e "$T/r.db.partial" ] && pass "complete store has its final name" || fail "store files"
expect 1 "already exists" -- trial "$T/ok.yaml" -o "$T/r.db"
expect 0 "" -- trial "$T/ok.yaml" -o "$T/r.db" --overwrite --quiet
expect 2 "to resume" -- trial "$T/ok.yaml" -o "$T/none.db" --resume
expect 0 "" -- export "$T/r.db" outcomes
head -1 "$T/out" | grep -q "replicate,patient" && pass "export writes a CSV header" || fail "export: $(head -2 "$T/out")"
expect 2 "no_such_table" -- export "$T/r.db" no_such_table
expect 2 "threads" -- trial "$T/ok.yaml" -o "$T/r2.db" --threads 0

# Virtual populations: the summary shows the selection, the store records it,
# a bad vpop block is one line naming the field.
expect 0 "" -- trial "$SRC/tests/data/scenarios/vpop_tiny.yaml" -o "$T/v.db" --threads 2
grep -q "^virtual population (acceptance-rejection" "$T/out" && grep -q "^  sledai2k  *15.000 (3.000)" "$T/out" &&
  pass "trial summary shows the virtual population" || fail "vpop summary: $(cat "$T/out")"
expect 0 "" -- export "$T/v.db" vpop_selection
head -1 "$T/out" | grep -q "^replicate,patient,accepted,probability,clipped,sledai2k,c3_mg_dl$" &&
  pass "vpop_selection exported with one column per readout" || fail "vpop export: $(head -2 "$T/out")"
expect 2 "vpop.targets.sledai_total: unknown readout" -- trial "$SRC/tests/data/scenarios/bad_vpop_readout.yaml" -o "$T/v2.db"

echo "$fails failed"
[ "$fails" -eq 0 ]
