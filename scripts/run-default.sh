#!/usr/bin/env bash
# The main job: set up, then simulate the default CAR-T patient (40-year-old
# woman, SLEDAI-2K 10, anti-CD19 CAR-T 1e6 cells/kg after Flu/Cy) over two
# years, print the summary and write the trajectory.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p results
build/remit simulate --therapy cart19 --dose 1e6 --days 730 -o results/default_patient.csv
