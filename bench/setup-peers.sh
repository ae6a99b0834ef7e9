#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/setup-peers.sh: installs, from Debian's packages, the interpreted
# peers bench/run.sh runs beside remit when they are present: scipy
# (python3-scipy), R deSolve (r-cran-desolve) and Octave (octave).  The C
# peers (CVODE, GSL) need only what scripts/setup.sh installs.  Optional: the
# benchmark skips a peer that is missing, and no test needs one.
set -euo pipefail
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
pkgs=(python3-scipy r-cran-desolve octave)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
echo "peers ready: ${pkgs[*]}"
