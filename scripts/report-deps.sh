#!/usr/bin/env bash
# Installs the pinned JavaScript that `remit report` inlines into every report
# (Vega, Vega-Lite, vega-embed) and that its browser test uses
# (playwright-core), from npm into build/npm/node_modules, only when missing
# or when src/report/npm/package-lock.json changed.  Installs Debian's nodejs
# and npm first if npm is missing.  Safe to run again; nothing goes into git.
set -euo pipefail
cd "$(dirname "$0")/.."

src=src/report/npm
dst=build/npm
if [ -f "$dst/node_modules/.remit-installed" ] && cmp -s "$src/package-lock.json" "$dst/package-lock.json"; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "report-deps: installing nodejs npm"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
mkdir -p "$dst"
cp "$src/package.json" "$src/package-lock.json" "$dst/"
echo "report-deps: npm ci (vega, vega-lite, vega-embed, playwright-core) into $dst"
(cd "$dst" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
touch "$dst/node_modules/.remit-installed"
