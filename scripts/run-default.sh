#!/usr/bin/env bash
# The main job: set up, run the default in silico trial (scenarios/default.yaml:
# an Erlangen-like single-arm anti-CD19 CAR-T trial, 20 patients, 50 replicate
# trials, 12 months) and print its summary; then simulate the default patient
# and write her two-year trajectory.  Writes the trial's HTML report too.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p results
build/remit trial scenarios/default.yaml -o results/default_trial.db --overwrite
echo "run store: results/default_trial.db (remit export results/default_trial.db summaries)"
build/remit report results/default_trial.db -o results/default_report.html >/dev/null
echo "report: results/default_report.html (open it in any browser; works offline)"
echo
build/remit simulate --therapy cart19 --dose 1e6 --days 730 -o results/default_patient.csv
