#!/usr/bin/env bash
# Sets up, builds and runs every test (CTest).  CI calls this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
