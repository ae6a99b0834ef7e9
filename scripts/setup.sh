#!/usr/bin/env bash
# Installs what remit needs on Debian 12 (only what is missing) and builds it
# into build/.  Used by the README's two commands; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libsundials-dev libgsl-dev libyaml-dev libsqlite3-dev libnlopt-dev
          openmpi-bin libopenmpi-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Vega, Vega-Lite and vega-embed for `remit report` (inlined into each report),
# playwright-core for its browser test: pinned npm packages in build/npm.
scripts/report-deps.sh

cmake -S . -B build -DCMAKE_BUILD_TYPE="${REMIT_BUILD_TYPE:-Release}" -DREMIT_BUILD_TESTS=ON >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "setup: built build/remit ($(build/remit --version))"
