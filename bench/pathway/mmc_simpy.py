#!/usr/bin/python3
# mmc_simpy.py: the M/M/c queue of bench_pathway.c in SimPy, for speed.
# Debian 12's python3-simpy is SimPy 2.3.1 (module SimPy, classic process
# API); this uses it as shipped.  Usage: mmc_simpy.py LAMBDA MU C N_CUSTOMERS
# Prints customers, mean wait in queue, seconds and customers per second.
import random
import sys
import time

from SimPy.Simulation import (Process, Resource, activate, hold, initialize, now, release,
                              request, simulate)

lam, mu, c, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
random.seed(12)
waits = []


class Customer(Process):
    def visit(self, srv):
        t0 = now()
        yield request, self, srv
        waits.append(now() - t0)
        yield hold, self, random.expovariate(mu)
        yield release, self, srv


class Source(Process):
    def generate(self, srv):
        for _ in range(n):
            cu = Customer()
            activate(cu, cu.visit(srv))
            yield hold, self, random.expovariate(lam)


t = time.perf_counter()
initialize()
srv = Resource(capacity=c)
src = Source()
activate(src, src.generate(srv))
simulate(until=1e18)
dt = time.perf_counter() - t
warm = n // 100
w = waits[warm:]
print(f"simpy customers {n} wq {sum(w) / len(w):.4f} seconds {dt:.3f} customers_per_s {n / dt:.0f}")
