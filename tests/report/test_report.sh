#!/usr/bin/env bash
# test_report.sh REMIT: `remit report` end to end, in a real browser.
#
#  1. installs what the test needs when missing: Debian's chromium (apt-get,
#     as root or with sudo; the test fails if it cannot) and the pinned npm
#     packages (scripts/report-deps.sh: vega, vega-lite, vega-embed,
#     playwright-core);
#  2. runs a tiny two-arm trial (tests/data/scenarios/report_tiny.yaml) and
#     adds a validation table to a copy of its store, as `remit validate`
#     writes it;
#  3. checks the command line: one-line errors for a missing store, a file
#     that is not a remit store, an incomplete run, an unwritable output, a
#     missing charting library; no report file left behind on failure;
#  4. checks the HTML is self-contained (no external src/href);
#  5. opens both reports in headless Chromium (tests/report/check_report.js):
#     fails on any console error or network request, checks every chart drew
#     a non-empty SVG with an export menu and units on its axes, and saves a
#     screenshot to build/report_screenshot.png;
#  6. runs a tiny care pathway + CEA (tests/data/scenarios/pathway_tiny.yaml
#     and a 3-centre variant), writes its report and a comparison report,
#     checks their errors and sections, and renders both in Chromium
#     (screenshot build/report_pathway_screenshot.png).
set -u
REMIT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(dirname "$REMIT")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# --- 1. Chromium and the npm packages -------------------------------------
CHROMIUM=${CHROMIUM:-}
if [ -z "$CHROMIUM" ]; then
  CHROMIUM=$(command -v chromium || true)
fi
if [ -z "$CHROMIUM" ]; then
  echo "test_report: chromium missing; installing Debian's chromium"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo -n"
  fi
  $SUDO apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium \
    >"$T/apt.log" 2>&1 || { tail -5 "$T/apt.log"; }
  CHROMIUM=$(command -v chromium || true)
fi
if [ -z "$CHROMIUM" ]; then
  echo "FAIL cannot install chromium (apt-get install chromium as root); the browser test needs it"
  exit 1
fi
pass "chromium: $("$CHROMIUM" --version 2>/dev/null | head -1)"
if ! "$ROOT/scripts/report-deps.sh"; then
  echo "FAIL cannot install the report's npm packages (scripts/report-deps.sh)"
  exit 1
fi
NODE_MODULES="$ROOT/build/npm/node_modules"
[ "$BUILD" != "$ROOT/build" ] && [ -d "$BUILD/npm/node_modules" ] && NODE_MODULES="$BUILD/npm/node_modules"
export REMIT_VEGA_DIR="$NODE_MODULES"

# --- 2. A tiny trial and a copy with validation results --------------------
if "$REMIT" trial "$ROOT/tests/data/scenarios/report_tiny.yaml" -o "$T/run.db" --quiet; then
  pass "tiny trial ran"
else
  echo "FAIL the tiny trial did not run"
  exit 1
fi
cp "$T/run.db" "$T/val.db"
python3 - "$T/val.db" <<'PY' && pass "validation table added" || fail "could not add a validation table"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE validation (id TEXT, endpoint TEXT, arm TEXT, statistic TEXT, timepoint_days REAL,
  published REAL, n REAL, sim_median REAL, sim_lower REAL, sim_upper REAL, pass INTEGER,
  used_for_fit INTEGER);
INSERT INTO validation VALUES
 ('mackensen2022_doris', 'doris_drug_free', 'cart19 [cart19]', 'proportion', 180, 1.0, 5, 0.95, 0.8, 1.0, 1, 0),
 ('mackensen2022_breturn', 'b_reconstitution', 'cart19 [cart19]', 'km_median', NULL, 110, 5, 62, 41, 95, 0, 1),
 ('crs_any', 'crs', 'cart19 [cart19]', 'proportion', 28, 0.6, 15, 0.72, 0.5, 0.9, 1, 0);
""")
db.commit()
PY

# --- 3. Command line ------------------------------------------------------
# expect CODE PATTERN ARGS...: exit code and one stderr line matching PATTERN.
expect() {
  local code=$1 pat=$2
  shift 2
  "$REMIT" "$@" >"$T/out" 2>"$T/err"
  local rc=$? lines
  lines=$(wc -l <"$T/err")
  if [ "$rc" -eq "$code" ] && { [ -z "$pat" ] || { [ "$lines" -eq 1 ] && grep -q -- "$pat" "$T/err"; }; }; then
    pass "remit $* -> $rc ${pat:+($(cat "$T/err"))}"
  else
    fail "remit $* -> rc $rc (want $code), stderr: $(cat "$T/err")"
  fi
}
expect 0 "" report --help
expect 2 "need RUN.db" report "$T/run.db"
expect 2 "unknown option" report "$T/run.db" -o "$T/x.html" --bogus
expect 2 "no such run store" report "$T/missing.db" -o "$T/x.html"
echo "not a database, just text" >"$T/text.db"
expect 2 "not a remit run store" report "$T/text.db" -o "$T/x.html"
python3 -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('CREATE TABLE t (x)')" "$T/other.db"
expect 2 "not a remit run store" report "$T/other.db" -o "$T/x.html"
cp "$T/run.db" "$T/inc.db.partial"
expect 2 "incomplete run" report "$T/inc.db.partial" -o "$T/x.html"
expect 2 "the run is incomplete" report "$T/inc.db" -o "$T/x.html"
expect 1 "cannot write" report "$T/run.db" -o "$T/no/such/dir/x.html"
expect 2 "vega.min.js not found" report "$T/run.db" -o "$T/x.html" --js-dir "$T"
if [ ! -e "$T/x.html" ] && [ ! -e "$T/x.html.partial" ]; then
  pass "no report file left behind by the failures"
else
  fail "a failed report left a file behind"
fi

# --- 4. The report itself -------------------------------------------------
expect 0 "" report "$T/run.db" -o "$T/report.html"
expect 0 "" report "$T/val.db" -o "$T/report_val.html" --individuals 3
if grep -q "^report: $T/report.html$" "$T/out" || grep -q "report:" "$T/out"; then
  pass "prints where the report is"
else
  fail "does not print where the report is"
fi
for f in report.html report_val.html; do
  if [ -s "$T/$f" ] && [ ! -e "$T/$f.partial" ]; then
    pass "$f written ($(wc -c <"$T/$f") bytes), no .partial left"
  else
    fail "$f missing or .partial left"
  fi
  # Self-contained: outside the inlined scripts, no element loads anything
  # (the browser check below also refuses every network request).
  ext=$(python3 -c 'import re,sys; h=re.sub(r"(?is)<script[^>]*>.*?</script>", "", open(sys.argv[1]).read()); print("\n".join(re.findall(r"(?i)<(?:script|link|img|iframe|object|embed)[^>]+(?:src|href)=[^>]*>", h)[:3]))' "$T/$f")
  if [ -n "$ext" ]; then
    fail "$f loads an external resource: $ext"
  else
    pass "$f has no external src/href"
  fi
done
grep -q "no validation results" "$T/report.html" && pass "without validation: the section says so" \
  || fail "without validation: no note"
grep -q 'id="chart-forest"' "$T/report_val.html" && pass "with validation: forest plot present" \
  || fail "with validation: no forest plot"
for s in scenario flow trajectories endpoints km ae validation; do
  grep -q "<section id=\"$s\">" "$T/report.html" || fail "section $s missing"
done
pass "every section present"

# --- 5. Headless Chromium -------------------------------------------------
# Charts without validation: 10 trajectory panels or fewer (what the store
# keeps), 1 Kaplan-Meier, 1 adverse events; at least 8 in all.
export CHROMIUM
if NODE_PATH="$NODE_MODULES" timeout 120 node "$ROOT/tests/report/check_report.js" \
    "$T/report.html" "$BUILD/report_screenshot.png" 8; then
  pass "report renders in Chromium; screenshot $BUILD/report_screenshot.png"
else
  fail "report does not render cleanly in Chromium"
fi
if NODE_PATH="$NODE_MODULES" timeout 120 node "$ROOT/tests/report/check_report.js" \
    "$T/report_val.html" "$BUILD/report_screenshot_validation.png" 9; then
  pass "report with validation renders in Chromium"
else
  fail "report with validation does not render cleanly in Chromium"
fi

# --- 5b. A `remit validate` store on its own (no trial run in it) ----------
if "$REMIT" validate --targets "$ROOT/tests/mpi/targets_tiny.csv" --map "$ROOT/tests/mpi/map_tiny.csv" \
    --threads 1 --quiet -o "$T/vonly.db" --workdir "$T/vonly.runs" >/dev/null 2>&1 &&
   "$REMIT" report "$T/vonly.db" -o "$T/report_vonly.html" >/dev/null; then
  pass "a validation store has a report"
  grep -q 'id="chart-forest"' "$T/report_vonly.html" && pass "validation store: forest plot present" \
    || fail "validation store: no forest plot"
  if NODE_PATH="$NODE_MODULES" timeout 120 node "$ROOT/tests/report/check_report.js" \
      "$T/report_vonly.html" "$BUILD/report_screenshot_validation_store.png" 1; then
    pass "validation store report renders in Chromium"
  else
    fail "validation store report does not render cleanly in Chromium"
  fi
else
  fail "remit report refused a remit validate store"
fi

# --- 6. A care-pathway / cost-effectiveness store ---------------------------
# pathway_tiny: 2 centres, 2 years, 40 CEA patients x 16 PSA samples (well
# under a second); a 3-centre variant to compare with.
if "$REMIT" pathway "$ROOT/tests/data/scenarios/pathway_tiny.yaml" -o "$T/pw.db" --quiet >/dev/null &&
   "$REMIT" pathway "$ROOT/tests/data/scenarios/pathway_tiny_3_centres.yaml" -o "$T/pw3.db" --quiet >/dev/null; then
  pass "tiny pathway runs"
  expect 0 "" report "$T/pw.db" -o "$T/report_pw.html"
  expect 0 "" report "$T/pw.db" "$T/pw3.db" -o "$T/report_pw_cmp.html"
  expect 2 "only pathway stores can be compared" report "$T/run.db" "$T/pw.db" -o "$T/x.html"
  expect 2 "not a remit pathway store" report "$T/pw.db" "$T/run.db" -o "$T/x.html"
  cp "$T/pw.db" "$T/pwinc.db.partial"
  expect 2 "incomplete run" report "$T/pwinc.db.partial" -o "$T/x.html"
  for s in scenario pathway cea uncertainty tornado cheers appendix; do
    grep -q "<section id=\"$s\">" "$T/report_pw.html" || fail "pathway report: section $s missing"
  done
  grep -q "<section id=\"comparison\">" "$T/report_pw_cmp.html" || fail "pathway comparison: section missing"
  grep -q "dominated" "$T/report_pw.html" && grep -q "Extended\|extended" "$T/report_pw.html" \
    && pass "pathway report: every section, dominance flags explained" || fail "pathway report: no dominance flags"
  # 8 charts: waiting/vein-to-vein, centre x year, utilisation, dropouts,
  # CE plane, CEAC with frontier, EVPI, tornado (+1 comparison).
  if NODE_PATH="$NODE_MODULES" timeout 120 node "$ROOT/tests/report/check_report.js" \
      "$T/report_pw.html" "$BUILD/report_pathway_screenshot.png" 8; then
    pass "pathway report renders in Chromium; screenshot $BUILD/report_pathway_screenshot.png"
  else
    fail "pathway report does not render cleanly in Chromium"
  fi
  if NODE_PATH="$NODE_MODULES" timeout 120 node "$ROOT/tests/report/check_report.js" \
      "$T/report_pw_cmp.html" "$T/report_pw_cmp.png" 9; then
    pass "pathway comparison report renders in Chromium"
  else
    fail "pathway comparison report does not render cleanly in Chromium"
  fi
else
  fail "the tiny pathway did not run"
fi

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
