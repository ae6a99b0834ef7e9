/* SPDX-License-Identifier: MIT
 *
 * test_pathway.c: the event engine and queues against queueing theory
 * (M/M/1, M/M/c within sampling error), resources, the pathway scenario
 * loader's errors, and a small pathway + CEA run reproducible bit for bit
 * under a fixed seed at any thread count.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pathway/des.h"
#include "pathway/pathway_result.h"
#include "population/rng.h"
#include "remit/remit.h"
#include "remit_test.h"

static void test_heap(remit_context *ctx) {
  remit__des d;
  REMIT_CHECK_STATUS(remit__des_init(&d, ctx, 4), REMIT_OK);
  remit__rng r;
  remit__rng_key(&r, 3, 0, 0, 1);
  int n = 5000;
  for (int i = 0; i < n; i++) {
    /* Coarse times so that many tie: ties must pop in scheduling order. */
    double t = floor(100.0 * remit__rng_uniform(&r));
    remit__des_schedule(&d, t, 0, i, 0);
  }
  remit__event ev, last = {-1.0, 0, 0, -1, 0};
  int ok = 1, count = 0;
  while (remit__des_next(&d, &ev)) {
    ok = ok && (ev.t > last.t || (ev.t == last.t && ev.entity > last.entity));
    last = ev;
    count++;
  }
  REMIT_CHECK(ok && count == n, "heap pops %d events by time, ties in scheduling order", count);
  REMIT_CHECK_STATUS(remit__des_schedule(&d, 1.0, 0, 0, 0), REMIT_ERR_ARG); /* before now */
  remit__des_close(&d);
}

static void test_resource(remit_context *ctx) {
  remit__resource r;
  REMIT_CHECK_STATUS(remit__resource_init(&r, ctx, "beds", 2), REMIT_OK);
  REMIT_CHECK(remit__resource_request(&r, 0.0, 10) == 1, "first unit granted");
  REMIT_CHECK(remit__resource_request(&r, 0.0, 11) == 1, "second unit granted");
  for (int e = 12; e < 60; e++) {
    REMIT_CHECK(remit__resource_request(&r, 1.0, e) == 0, "entity %d queued", e);
  }
  REMIT_CHECK(remit__resource_cancel(&r, 2.0, 13) == 1, "cancel a queued entity");
  REMIT_CHECK(remit__resource_cancel(&r, 2.0, 13) == 0, "cancel twice");
  REMIT_CHECK(remit__resource_release(&r, 3.0) == 12, "FIFO: 12 next");
  REMIT_CHECK(remit__resource_release(&r, 3.0) == 14, "13 left the queue: 14 next");
  /* Busy 2 units over [0, 4]: area 8; queue 48 over [1, 2], 47 over [2, 3], 45 over [3, 4]. */
  remit__resource_advance(&r, 4.0);
  REMIT_CHECK_REL(r.busy_area, 8.0, 1e-15);
  REMIT_CHECK_REL(r.queue_area, 48.0 + 47.0 + 45.0, 1e-15);
  remit__resource_close(&r);
}

static void test_mm1(remit_context *ctx) {
  /* M/M/1, lambda 0.8, mu 1: Wq = rho/(mu - lambda) = 4 (Kleinrock 1975,
   * eq. 3.26).  Batch means over 20 batches give the sampling error. */
  double wq, se, util;
  long events;
  REMIT_CHECK_STATUS(remit__des_mmc(ctx, 0.8, 1.0, 1, 20000, 2000000, 20, 11, &wq, &se, &events,
                                    &util),
                     REMIT_OK);
  REMIT_CHECK_REL(remit__erlang_c_wq(0.8, 1.0, 1), 4.0, 1e-12);
  REMIT_CHECK(fabs(wq - 4.0) < 4.0 * se && se < 0.1, "M/M/1 Wq = %.4f +- %.4f vs 4", wq, se);
  REMIT_CHECK_REL(util, 0.8, 0.01);
  printf("M/M/1: %ld events\n", events);
}

static void test_mmc(remit_context *ctx) {
  /* M/M/3, lambda 2.5, mu 1 (rho 0.833): Erlang C.  Hand value: a = 2.5,
   * sum_{k<3} a^k/k! = 1 + 2.5 + 3.125 = 6.625, a^3/3! * 3/(3-a) = 2.604167
   * * 6 = 15.625; P(wait) = 15.625/22.25 = 0.702247; Wq = 0.702247/0.5 = 1.404494. */
  REMIT_CHECK_REL(remit__erlang_c_wq(2.5, 1.0, 3), 1.404494, 1e-6);
  double wq, se, util;
  long events;
  REMIT_CHECK_STATUS(remit__des_mmc(ctx, 2.5, 1.0, 3, 20000, 2000000, 20, 12, &wq, &se, &events,
                                    &util),
                     REMIT_OK);
  double ref = remit__erlang_c_wq(2.5, 1.0, 3);
  REMIT_CHECK(fabs(wq - ref) < 4.0 * se && se < 0.05, "M/M/3 Wq = %.4f +- %.4f vs %.4f", wq, se, ref);
  REMIT_CHECK_REL(util, 2.5 / 3.0, 0.01);
  /* Same seed, same answer, bit for bit. */
  double wq2, se2, util2;
  long ev2;
  remit__des_mmc(ctx, 2.5, 1.0, 3, 20000, 2000000, 20, 12, &wq2, &se2, &ev2, &util2);
  REMIT_CHECK(wq2 == wq && ev2 == events, "M/M/c reproducible under a fixed seed");
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

static void test_loader_errors(remit_context *ctx) {
  remit_pathway_scenario *sc = NULL;
  const char *p = "test_pathway_bad.yaml";
  char text[1024];
  snprintf(text, sizeof text,
           "name: bad\npatients: {scenario: %s/../../scenarios/refractory_sle_strategies.yaml}\n"
           "pathway:\n  centres: [{name: A}]\n  manufacturing: {site: central, lines: 0}\n",
           REMIT_TEST_DATA_DIR);
  write_file(p, text);
  REMIT_CHECK_STATUS(remit_pathway_load(ctx, p, &sc), REMIT_ERR_ARG);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "test_pathway_bad.yaml:5: pathway.manufacturing.lines: expected") != NULL,
              "message: %s", remit_context_errmsg(ctx));
  snprintf(text, sizeof text,
           "patients: {scenario: %s/../../scenarios/refractory_sle_strategies.yaml}\n"
           "cea:\n  strategies:\n    - {name: x, kind: cart, arm: cart19}\n  colour: red\n",
           REMIT_TEST_DATA_DIR);
  write_file(p, text);
  REMIT_CHECK_STATUS(remit_pathway_load(ctx, p, &sc), REMIT_ERR_ARG);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), ":5: cea.colour: unknown key") != NULL, "message: %s",
              remit_context_errmsg(ctx));
  snprintf(text, sizeof text,
           "patients: {scenario: %s/../../scenarios/refractory_sle_strategies.yaml}\n"
           "cea:\n  strategies:\n    - {name: x, kind: cart, arm: nosucharm}\n",
           REMIT_TEST_DATA_DIR);
  write_file(p, text);
  REMIT_CHECK_STATUS(remit_pathway_load(ctx, p, &sc), REMIT_ERR_ARG);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "has no arm 'nosucharm'") != NULL, "message: %s",
              remit_context_errmsg(ctx));
  snprintf(text, sizeof text,
           "patients: {scenario: %s/../../scenarios/refractory_sle_strategies.yaml}\n"
           "cea:\n  parameters: {c_cart_product: .nan}\n  strategies:\n    - {name: x, kind: soc, arm: soc}\n",
           REMIT_TEST_DATA_DIR);
  write_file(p, text);
  REMIT_CHECK_STATUS(remit_pathway_load(ctx, p, &sc), REMIT_ERR_ARG);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), ":3: cea.parameters.c_cart_product: expected") != NULL,
              "message: %s", remit_context_errmsg(ctx));
  remove(p);
  REMIT_CHECK(sc == NULL, "nothing returned on error");
}

static void test_run(remit_context *ctx) {
  remit_pathway_scenario *sc = NULL;
  REMIT_CHECK_STATUS(remit_pathway_load(ctx, REMIT_TEST_DATA_DIR "/scenarios/pathway_tiny.yaml", &sc),
                     REMIT_OK);
  if (!sc) {
    printf("%s\n", remit_context_errmsg(ctx));
    return;
  }
  remit_pathway_result *r1 = NULL, *r2 = NULL;
  remit_pathway_options o1 = {0}, o2 = {0};
  o1.threads = 1;
  o2.threads = 3;
  REMIT_CHECK_STATUS(remit_pathway_run(ctx, sc, &o1, &r1), REMIT_OK);
  REMIT_CHECK_STATUS(remit_pathway_run(ctx, sc, &o2, &r2), REMIT_OK);
  if (r1 && r2) {
    size_t n = (size_t)r1->n_psa * r1->n_strat;
    REMIT_CHECK(r1->n_psa == 16 && n > 0, "PSA has 16 samples");
    REMIT_CHECK(memcmp(r1->psa_cost, r2->psa_cost, n * sizeof(double)) == 0 &&
                    memcmp(r1->psa_effect, r2->psa_effect, n * sizeof(double)) == 0,
                "PSA bitwise identical with 1 and 3 threads");
    REMIT_CHECK(r1->n_patients == r2->n_patients && r1->n_patients > 0,
                "pathway reproducible: %ld patients", r1->n_patients);
    long treated = 0;
    int ok = 1;
    for (long i = 0; i < r1->n_patients; i++) {
      const pw_patient *p = &r1->patients[i];
      treated += p->status == PW_TREATED;
      if (p->status == PW_TREATED) {
        /* Causality: arrive <= eligible <= slot <= apheresis <= admit <= infuse. */
        ok = ok && p->t_arrive <= p->t_eligible && p->t_eligible <= p->t_slot &&
             p->t_slot <= p->t_aph && p->t_aph < p->t_admit && p->t_admit < p->t_infuse;
      }
    }
    REMIT_CHECK(treated > 0 && ok, "%ld treated, every timeline in order", treated);
    for (int k = 0; k < r1->n_res; k++) {
      REMIT_CHECK_RANGE(r1->res[k].utilisation, 0.0, 1.0 + 1e-12);
    }
    int ok_cost = 1;
    for (size_t i = 0; i < n; i++) {
      ok_cost = ok_cost && isfinite(r1->psa_cost[i]) && r1->psa_cost[i] > 0.0 &&
                r1->psa_effect[i] > 0.0 && r1->psa_effect[i] < 30.0;
    }
    REMIT_CHECK(ok_cost, "PSA costs and QALYs finite and plausible");
    /* Writing: the store and the CSV. */
    remove("test_pathway_out.db");
    REMIT_CHECK_STATUS(remit_pathway_write(ctx, r1, "test_pathway_out.db", 1, "test_pathway_psa.csv"),
                       REMIT_OK);
    REMIT_CHECK_STATUS(remit_pathway_write(ctx, r1, "test_pathway_out.db", 0, NULL), REMIT_ERR_ARG);
    FILE *f = fopen("test_pathway_psa.csv", "r");
    char line[128] = "";
    if (f) {
      if (!fgets(line, sizeof line, f)) {
        line[0] = '\0';
      }
      fclose(f);
    }
    REMIT_CHECK(strcmp(line, "sample,strategy,cost,effect\n") == 0, "CSV header");
    remove("test_pathway_out.db");
    remove("test_pathway_psa.csv");
  }
  remit_pathway_result_destroy(&r1);
  remit_pathway_result_destroy(&r2);
  remit_pathway_destroy(&sc);
  REMIT_CHECK(sc == NULL && r1 == NULL, "destroy nulls the handles");
}

int main(void) {
  remit_context *ctx = NULL;
  remit_context_create(NULL, &ctx);
  test_heap(ctx);
  test_resource(ctx);
  test_mm1(ctx);
  test_mmc(ctx);
  test_loader_errors(ctx);
  test_run(ctx);
  remit_context_destroy(&ctx);
  return remit_test_failures();
}
