/* SPDX-License-Identifier: MIT
 *
 * test_pathway.c: the event engine and queues against queueing theory
 * (M/M/1, M/M/c within sampling error), resources, the pathway scenario
 * loader's errors, and a small pathway + CEA run reproducible bit for bit
 * under a fixed seed at any thread count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

  /* Keys: highest first, first come first served among equal keys, and a
   * cancelled entry leaves the order of the rest intact. */
  REMIT_CHECK_STATUS(remit__resource_init(&r, ctx, "slot", 1), REMIT_OK);
  REMIT_CHECK(remit__resource_request_key(&r, 0.0, 1, 5.0) == 1, "granted at once");
  const int ent[8] = {2, 3, 4, 5, 6, 7, 8, 9};
  const double key[8] = {6.0, 12.0, 6.0, 20.0, 12.0, 0.0, 6.0, 12.0};
  for (int i = 0; i < 8; i++) {
    remit__resource_request_key(&r, 1.0, ent[i], key[i]);
  }
  remit__resource_cancel(&r, 1.5, 6);
  const int want[7] = {5, 3, 9, 2, 4, 8, 7};
  int ok = 1;
  for (int i = 0; i < 7; i++) {
    ok = ok && remit__resource_release(&r, 2.0 + i) == want[i];
  }
  REMIT_CHECK(ok && remit__resource_release(&r, 9.0) == -1 && r.busy == 0,
              "priority order 5 3 9 2 4 8 7 (20, 12, 12, 6, 6, 6, 0; 6 cancelled)");
  remit__resource_close(&r);
}

/* Non-preemptive priority, M/M/1, two classes of equal size (Cobham 1954,
 * J Oper Res Soc Am 2:70; Kleinrock, Queueing Systems vol. 2, 1976, 3.6):
 * W_k = W0 / ((1 - s_{k-1})(1 - s_k)), W0 = sum_i lambda_i E[S^2]/2 = lambda/mu^2,
 * s_k the load of classes 1..k.  lambda 0.8 (0.4 + 0.4), mu 1: W0 = 0.8,
 * high 0.8/(1 * 0.6) = 1.3333, low 0.8/(0.6 * 0.2) = 6.6667; their mean is
 * the FCFS value 4 (Kleinrock's conservation law).  FCFS with the same
 * labels gives 4 for both.  The server's busy periods do not depend on the
 * rule, so the last service starts at the same time: throughput unchanged. */
static void test_priority_queue(remit_context *ctx) {
  remit__mmc_out fifo, prio;
  REMIT_CHECK_STATUS(remit__des_mmc_classes(ctx, 0.8, 1.0, 1, 0.5, 0, 20000, 1000000, 20, 13,
                                            &fifo),
                     REMIT_OK);
  REMIT_CHECK_STATUS(remit__des_mmc_classes(ctx, 0.8, 1.0, 1, 0.5, 1, 20000, 1000000, 20, 13,
                                            &prio),
                     REMIT_OK);
  for (int k = 0; k < 2; k++) {
    REMIT_CHECK(fabs(fifo.wq_class[k] - 4.0) < 4.0 * fifo.wq_class_se[k],
                "FCFS class %d Wq = %.4f +- %.4f vs 4", k, fifo.wq_class[k], fifo.wq_class_se[k]);
  }
  const double cobham[2] = {0.8 / (0.6 * 0.2), 0.8 / 0.6};
  for (int k = 0; k < 2; k++) {
    REMIT_CHECK(fabs(prio.wq_class[k] - cobham[k]) < 4.0 * prio.wq_class_se[k] &&
                    prio.wq_class_se[k] < 0.05 * cobham[k],
                "priority class %d Wq = %.4f +- %.4f vs Cobham %.4f", k, prio.wq_class[k],
                prio.wq_class_se[k], cobham[k]);
  }
  REMIT_CHECK(prio.wq_class[1] < fifo.wq_class[1] && prio.wq_class[0] > fifo.wq_class[0],
              "the high class waits less than under FCFS, the low class more");
  REMIT_CHECK(prio.t_last == fifo.t_last && prio.events == fifo.events,
              "same throughput: last service starts at %.6f under both rules", prio.t_last);
  REMIT_CHECK(fabs(prio.wq - fifo.wq) < 4.0 * (prio.wq_se + fifo.wq_se),
              "overall Wq conserved: %.4f vs %.4f", prio.wq, fifo.wq);
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

/* The trial scenario every test pathway draws its patients from. */
#define SLE_SCENARIO REMIT_TEST_DATA_DIR "/../../scenarios/refractory_sle_strategies.yaml"

/* Loading `text` must fail with REMIT_ERR_ARG, return nothing, and say `want`. */
static void expect_load_error(remit_context *ctx, const char *text, const char *want) {
  const char *p = "test_pathway_bad.yaml";
  remit_pathway_scenario *sc = NULL;
  write_file(p, text);
  REMIT_CHECK_STATUS(remit_pathway_load(ctx, p, &sc), REMIT_ERR_ARG);
  REMIT_CHECK(sc == NULL && strstr(remit_context_errmsg(ctx), want) != NULL, "message: %s",
              remit_context_errmsg(ctx));
  remove(p);
}

static void test_loader_errors(remit_context *ctx) {
  expect_load_error(ctx,
                    "name: bad\npatients: {scenario: " SLE_SCENARIO "}\n"
                    "pathway:\n  centres: [{name: A}]\n  manufacturing: {site: central, lines: 0}\n",
                    "test_pathway_bad.yaml:5: pathway.manufacturing.lines: expected");
  expect_load_error(ctx,
                    "patients: {scenario: " SLE_SCENARIO "}\n"
                    "cea:\n  strategies:\n    - {name: x, kind: cart, arm: cart19}\n  colour: red\n",
                    ":5: cea.colour: unknown key");
  expect_load_error(ctx,
                    "patients: {scenario: " SLE_SCENARIO "}\n"
                    "cea:\n  strategies:\n    - {name: x, kind: cart, arm: nosucharm}\n",
                    "has no arm 'nosucharm'");
  expect_load_error(ctx,
                    "patients: {scenario: " SLE_SCENARIO "}\n"
                    "cea:\n  parameters: {c_cart_product: .nan}\n  strategies:\n"
                    "    - {name: x, kind: soc, arm: soc}\n",
                    ":3: cea.parameters.c_cart_product: expected");
  expect_load_error(ctx,
                    "patients: {scenario: " SLE_SCENARIO "}\n"
                    "pathway:\n  centres: [{name: A}]\n  queue: lifo\n"
                    "cea:\n  strategies:\n    - {name: x, kind: soc, arm: soc}\n",
                    ":4: pathway.queue: expected fcfs or severity, got 'lifo'");
  expect_load_error(ctx,
                    "patients: {scenario: " SLE_SCENARIO "}\n"
                    "pathway:\n  centres: [{name: A}]\n  manufacturing: {site: nearby}\n"
                    "cea:\n  strategies:\n    - {name: x, kind: soc, arm: soc}\n",
                    ":4: pathway.manufacturing.site: expected point_of_care or central, got");
  expect_load_error(ctx,
                    "patients:\n  scenario: " SLE_SCENARIO "\n"
                    "  uncertainty: {draws: 4, parameters: [car_kill, no_such_param]}\n"
                    "cea:\n  strategies:\n    - {name: x, kind: soc, arm: soc}\n",
                    ":3: patients.uncertainty.parameters[1]: expected a parameter of the SLE model");
  expect_load_error(ctx,
                    "patients:\n  scenario: " SLE_SCENARIO "\n"
                    "  uncertainty: {draws: 4, colour: red}\n"
                    "cea:\n  strategies:\n    - {name: x, kind: soc, arm: soc}\n",
                    ":3: patients.uncertainty.colour: unknown key");
  expect_load_error(ctx,
                    "patients: {scenario: " SLE_SCENARIO "}\n"
                    "cea:\n  parameters: {e0_male: -3}\n  strategies:\n"
                    "    - {name: x, kind: soc, arm: soc}\n",
                    ":3: cea.parameters.e0_male: expected a number in [1, 150]");
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
    /* The SLE model's parameter uncertainty: 20 draws by default, each a
     * full set of representative patients, the same at any thread count,
     * and the outcomes move between draws. */
    size_t per_draw = (size_t)r1->n_strat * r1->n_reps;
    REMIT_CHECK(r1->n_draws == 20 && r2->n_draws == 20, "%d model-parameter draws", r1->n_draws);
    REMIT_CHECK(memcmp(r1->reps, r2->reps, per_draw * (size_t)(r1->n_draws + 1) * sizeof(pw_rep)) == 0,
                "representative patients of every draw bitwise identical with 1 and 3 threads");
    int moved = 0;
    for (size_t d = 1; d <= (size_t)r1->n_draws; d++) {
      for (size_t q = 0; q < per_draw; q++) {
        moved += r1->reps[d * per_draw + q].sledai[12] != r1->reps[q].sledai[12];
      }
    }
    REMIT_CHECK(moved > 0, "SLEDAI-2K at 12 months differs from the nominal model in %d of %zu "
                "patient-draws", moved, per_draw * (size_t)r1->n_draws);
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

/* The same tiny scenario with the model's outcomes fixed across PSA samples
 * (uncertainty.draws: 0): the base case is unchanged (it always uses the
 * nominal model) and the PSA is not (its samples use the model draws). */
static void test_draws_off(remit_context *ctx) {
  const char *p = "test_pathway_nodraws.yaml";
  FILE *in = fopen(REMIT_TEST_DATA_DIR "/scenarios/pathway_tiny.yaml", "r");
  FILE *out = fopen(p, "w");
  char line[512];
  while (in && out && fgets(line, sizeof line, in)) {
    if (strncmp(line, "patients:", 9) == 0) {
      fputs("patients: {scenario: " SLE_SCENARIO ", n: 6, uncertainty: {draws: 0}}\n", out);
    } else {
      fputs(line, out);
    }
  }
  if (in) {
    fclose(in);
  }
  if (out) {
    fclose(out);
  }
  remit_pathway_scenario *a = NULL, *b = NULL;
  remit_pathway_result *ra = NULL, *rb = NULL;
  remit_pathway_options o = {0};
  o.threads = 2;
  REMIT_CHECK_STATUS(remit_pathway_load(ctx, REMIT_TEST_DATA_DIR "/scenarios/pathway_tiny.yaml", &a),
                     REMIT_OK);
  REMIT_CHECK_STATUS(remit_pathway_load(ctx, p, &b), REMIT_OK);
  if (a && b && remit_pathway_run(ctx, a, &o, &ra) == REMIT_OK &&
      remit_pathway_run(ctx, b, &o, &rb) == REMIT_OK) {
    int ns = ra->n_strat;
    REMIT_CHECK(rb->n_draws == 0, "draws: 0 keeps the outcomes fixed");
    REMIT_CHECK(memcmp(ra->base_cost, rb->base_cost, sizeof(double) * (size_t)ns) == 0 &&
                    memcmp(ra->base_effect, rb->base_effect, sizeof(double) * (size_t)ns) == 0,
                "the base case uses the nominal model either way");
    REMIT_CHECK(memcmp(ra->psa_effect, rb->psa_effect, sizeof(double) * (size_t)ns * ra->n_psa) != 0,
                "the PSA's QALYs change when the model's parameters are drawn");
  } else {
    REMIT_CHECK(0, "runs: %s", remit_context_errmsg(ctx));
  }
  remit_pathway_result_destroy(&ra);
  remit_pathway_result_destroy(&rb);
  remit_pathway_destroy(&a);
  remit_pathway_destroy(&b);
  remove(p);
}

/* Queue rules in the pathway: a congested pathway (4 slots a month for
 * about 115 prevalent eligible patients) run first come first served and
 * by severity.  The arrivals and the representative patients they are
 * given are the same under both rules (keyed streams), so the comparison
 * is paired.  Under `severity` the patients whose baseline SLEDAI-2K is at
 * or above the median are infused sooner than under FCFS, and the slots
 * still treat the same number of patients (give or take the dropouts a
 * different order causes). */
/* Loads a scenario from `text` (written to a scratch file) and runs it on
 * one thread; the caller destroys *sc and *r. */
static remit_status run_text(remit_context *ctx, const char *text, remit_pathway_scenario **sc,
                             remit_pathway_result **r) {
  const char *p = "test_pathway_run.yaml";
  remit_pathway_options o = {0};
  o.threads = 1;
  *sc = NULL;
  *r = NULL;
  write_file(p, text);
  remit_status st = remit_pathway_load(ctx, p, sc);
  remove(p);
  return st == REMIT_OK ? remit_pathway_run(ctx, *sc, &o, r) : st;
}

/* A congested pathway: 4 slots a month for about 115 eligible prevalent
 * patients; `pathway_extra` and `centre_extra` add keys. */
static void congested_text(char *text, size_t len, const char *pathway_extra,
                           const char *centre_extra) {
  snprintf(text, len,
           "seed: 11\n"
           "patients: {scenario: " SLE_SCENARIO ", n: 8, uncertainty: {draws: 0}}\n"
           "pathway:\n  %s\n  horizon_years: 3\n"
           "  population: {size: 1.0e7, refractory_fraction: 0.05, referral_fraction: 0.5, "
           "prevalent_years: 1}\n"
           "  centres:\n    - {name: A, slots_per_month: 2%s}\n"
           "    - {name: B, slots_per_month: 2%s}\n"
           "cea:\n  patients: 1\n  psa_samples: 0\n  strategies:\n"
           "    - {name: soc, kind: soc}\n    - {name: cart19, kind: cart}\n",
           pathway_extra, centre_extra, centre_extra);
}

static void run_queue_rule(remit_context *ctx, const char *rule, double *wait_hi, double *wait_lo,
                           long *treated) {
  char text[1400], q[64];
  snprintf(q, sizeof q, "queue: %s", rule);
  congested_text(text, sizeof text, q, "");
  remit_pathway_scenario *sc = NULL;
  remit_pathway_result *r = NULL;
  *wait_hi = *wait_lo = NAN;
  *treated = 0;
  if (run_text(ctx, text, &sc, &r) == REMIT_OK) {
    /* Median baseline SLEDAI-2K of the representative patients. */
    double med = 0.0;
    int above = 0;
    for (int k = 0; k < r->n_reps; k++) {
      double v = r->reps[k].sledai0;
      int rank = 0;
      for (int j = 0; j < r->n_reps; j++) {
        rank += r->reps[j].sledai0 < v;
      }
      if (rank == r->n_reps / 2) {
        med = v;
      }
    }
    double s_hi = 0.0, s_lo = 0.0;
    long n_hi = 0, n_lo = 0;
    for (long i = 0; i < r->n_patients; i++) {
      const pw_patient *pt = &r->patients[i];
      if (pt->status != PW_TREATED) {
        continue;
      }
      double w = pt->t_infuse - pt->t_arrive;
      above = r->reps[pt->rep].sledai0 >= med;
      s_hi += above ? w : 0.0;
      n_hi += above;
      s_lo += above ? 0.0 : w;
      n_lo += !above;
      (*treated)++;
    }
    *wait_hi = s_hi / n_hi;
    *wait_lo = s_lo / n_lo;
  } else {
    REMIT_CHECK(0, "queue rule %s: %s", rule, remit_context_errmsg(ctx));
  }
  remit_pathway_result_destroy(&r);
  remit_pathway_destroy(&sc);
}

static void test_queue_rule(remit_context *ctx) {
  double f_hi, f_lo, s_hi, s_lo;
  long f_n, s_n;
  run_queue_rule(ctx, "fcfs", &f_hi, &f_lo, &f_n);
  run_queue_rule(ctx, "severity", &s_hi, &s_lo, &s_n);
  printf("queue: fcfs   treated %ld, mean wait to infusion (days) severe half %.1f, other %.1f\n",
         f_n, f_hi, f_lo);
  printf("queue: severity treated %ld, mean wait to infusion (days) severe half %.1f, other %.1f\n",
         s_n, s_hi, s_lo);
  REMIT_CHECK(s_hi < f_hi && s_hi < s_lo, "severity: the severe half waits %.1f d (FCFS %.1f d, "
              "others %.1f d)", s_hi, f_hi, s_lo);
  REMIT_CHECK(f_n > 50 && labs(s_n - f_n) <= f_n / 20, "throughput kept: %ld vs %ld treated",
              s_n, f_n);
}

/* Mean apheresis-to-admission time of the treated patients, days. */
static double mean_aph_to_admit(const remit_pathway_result *r) {
  double s = 0.0;
  long n = 0;
  for (long i = 0; i < r->n_patients; i++) {
    if (r->patients[i].status == PW_TREATED) {
      s += r->patients[i].t_admit - r->patients[i].t_aph;
      n++;
    }
  }
  return n ? s / n : NAN;
}

/* Centre calendars: with weekends and weeks 32-33 closed at both centres,
 * no apheresis starts and no admission happens on a closed day, the
 * pathway still treats patients, and apheresis to admission takes longer
 * than with the centres always open. */
static void test_calendar(remit_context *ctx) {
  char text[1400];
  remit_pathway_scenario *sc = NULL;
  remit_pathway_result *r = NULL;
  double open_days = NAN;
  congested_text(text, sizeof text, "queue: fcfs", "");
  if (run_text(ctx, text, &sc, &r) == REMIT_OK) {
    open_days = mean_aph_to_admit(r);
  }
  remit_pathway_result_destroy(&r);
  remit_pathway_destroy(&sc);
  congested_text(text, sizeof text, "queue: fcfs", ", weekends: closed, closed_weeks: [32, 33]");
  if (run_text(ctx, text, &sc, &r) == REMIT_OK) {
    double closed_days = mean_aph_to_admit(r);
    REMIT_CHECK(closed_days > open_days, "apheresis to admission %.2f d with closures, %.2f d open",
                closed_days, open_days);
    long treated = 0, bad = 0, checked = 0;
    for (long i = 0; i < r->n_patients; i++) {
      const pw_patient *p = &r->patients[i];
      const double t[2] = {p->t_aph, p->t_admit};
      for (int k = 0; k < 2; k++) {
        if (isnan(t[k])) {
          continue;
        }
        double day = floor(t[k]);
        int week = (int)(fmod(day, 365.25) / 7.0) + 1;
        bad += fmod(day, 7.0) >= 5.0 || week == 32 || week == 33;
        checked++;
      }
      treated += p->status == PW_TREATED;
    }
    REMIT_CHECK(bad == 0 && checked > 100 && treated > 50,
                "calendar: %ld apheresis/admission days, %ld on a closed day; %ld treated", checked,
                bad, treated);
  } else {
    REMIT_CHECK(0, "calendar run: %s", remit_context_errmsg(ctx));
  }
  remit_pathway_result_destroy(&r);
  remit_pathway_destroy(&sc);
  congested_text(text, sizeof text, "queue: fcfs", ", closed_weeks: [3, 54]");
  expect_load_error(ctx, text, ":8: pathway.centres[0].closed_weeks[1]: expected a whole number in [1, 53]");
}

int main(void) {
  remit_context *ctx = NULL;
  remit_context_create(NULL, &ctx);
  test_heap(ctx);
  test_resource(ctx);
  test_mm1(ctx);
  test_mmc(ctx);
  test_priority_queue(ctx);
  test_loader_errors(ctx);
  test_run(ctx);
  test_draws_off(ctx);
  test_queue_rule(ctx);
  test_calendar(ctx);
  remit_context_destroy(&ctx);
  return remit_test_failures();
}
