/* SPDX-License-Identifier: MIT
 *
 * bench_pathway.c: speed of the pathway module (never a test).
 *
 *  1. The DES engine on an M/M/c queue (lambda 2.5, mu 1, c 3): events and
 *     customers per second, with the mean wait against Erlang C; the same
 *     model runs in SimPy (mmc_simpy.py) in bench/pathway/run.sh.
 *  2. The cost-effectiveness microsimulation: 1,000 patients x 1,000 PSA
 *     samples over the strategies of a pathway scenario (hesim's published
 *     figure for 1,000 x 1,000 is about 6 s), with 1 thread and with all.
 *
 * usage: bench_pathway SCENARIO.yaml [N_CUSTOMERS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pathway/des.h"
#include "pathway/pathway_result.h"
#include "remit/remit.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_pathway SCENARIO.yaml [N_CUSTOMERS]\n");
    return 2;
  }
  long n = argc > 2 ? atol(argv[2]) : 2000000;
  remit_context *ctx = NULL;
  remit_context_create(NULL, &ctx);
  double wq, se, util;
  long events;
  double t = now_s();
  if (remit__des_mmc(ctx, 2.5, 1.0, 3, n / 100, n, 20, 12, &wq, &se, &events, &util) != REMIT_OK) {
    fprintf(stderr, "%s\n", remit_context_errmsg(ctx));
    return 1;
  }
  double dt = now_s() - t;
  printf("remit_des customers %ld wq %.4f (Erlang C %.4f, se %.4f) seconds %.3f customers_per_s "
         "%.0f events_per_s %.0f\n",
         n + n / 100, wq, remit__erlang_c_wq(2.5, 1.0, 3), se, dt, (n + n / 100) / dt, events / dt);

  remit_pathway_scenario *sc = NULL;
  if (remit_pathway_load(ctx, argv[1], &sc) != REMIT_OK) {
    fprintf(stderr, "%s\n", remit_context_errmsg(ctx));
    return 1;
  }
  int threads[2] = {1, 0};
  for (int k = 0; k < 2; k++) {
    remit_pathway_options o = {0};
    o.threads = threads[k];
    o.cea_patients = 1000;
    o.psa_samples = 1000;
    remit_pathway_result *r = NULL;
    if (remit_pathway_run(ctx, sc, &o, &r) != REMIT_OK) {
      fprintf(stderr, "%s\n", remit_context_errmsg(ctx));
      return 1;
    }
    printf("remit_cea patients 1000 psa 1000 strategies %d threads %d psa_seconds %.3f "
           "per_strategy_seconds %.3f tornado_seconds %.3f model_patients_seconds %.3f "
           "pathway_events %ld pathway_seconds %.4f\n",
           r->n_strat, r->threads, r->t_psa_s, r->t_psa_s / r->n_strat, r->t_tornado_s,
           r->t_patients_s, r->des_events, r->t_des_s);
    remit_pathway_result_destroy(&r);
  }
  remit_pathway_destroy(&sc);
  remit_context_destroy(&ctx);
  return 0;
}
