#!/bin/sh
# bench/pathway/run.sh: the pathway benchmark (docs/pathway.md, Performance).
# Builds remit in Release (build/ unless BUILD is set), compiles
# bench_pathway.c against it, runs the M/M/c DES beside SimPy (Debian
# python3-simpy, SimPy 2.3.1; skipped when absent) and the 1,000 x 1,000 PSA.
#   N=2000000 bench/pathway/run.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$root/build}
n=${N:-2000000}
out=$root/bench/out/pathway
mkdir -p "$out"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target remit >/dev/null
nl=""
[ -n "$(ls /usr/lib/x86_64-linux-gnu/libnlopt.so 2>/dev/null)" ] && nl=-lnlopt
cc -O2 -std=c11 -fopenmp -I"$root/include" -I"$build/include" -I"$root/src" \
  "$root/bench/pathway/bench_pathway.c" "$build/libremit.a" \
  -lsundials_cvodes -lsundials_sunlinsoldense -lsundials_sunmatrixdense -lsundials_nvecserial \
  -lgsl -lgslcblas -lyaml -lsqlite3 $nl -lm -o "$out/bench_pathway"
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m) $(nproc) cpus: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
  "$out/bench_pathway" "$root/scenarios/pathway/pathway_france_4_centres.yaml" "$n"
  "$out/bench_pathway" "$root/scenarios/pathway/cea_cart_vs_belimumab_vs_soc.yaml" "$n" | grep remit_cea
  if /usr/bin/python3 -c 'import SimPy' 2>/dev/null; then
    /usr/bin/python3 "$root/bench/pathway/mmc_simpy.py" 2.5 1 3 "$((n / 10))"
  else
    echo "simpy: not installed (apt-get install python3-simpy)"
  fi
} | tee "$out/results.txt"
