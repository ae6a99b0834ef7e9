/* SPDX-License-Identifier: MIT
 *
 * test_fastsolver.c: the fast backend (REMIT_SOLVER_FAST, src/solver/fast_bdf.c)
 * against closed forms, against CVODES, and against the peers' tight
 * reference; and its fallback to CVODES.
 *
 *  1. Analytic models (those of test_solver.c): boluses, a zero-order
 *     input, model-scheduled SET/MOVE events, at rtol 1e-10: closed form to
 *     1e-7, like CVODES.
 *  2. The reference model on tests/data's cohort at the default tolerances
 *     (rtol 1e-6, atol 1e-6 x scale): the five metrics of
 *     ../shared/peers/metrics.py within 2.2e-4 relative of the peers' rtol
 *     1e-10 reference (the peers' own worst case), the CAR-T peak day exact,
 *     the daily series within 2e-4 (relative above the series' unit, absolute
 *     below); and within 1e-4 of CVODES at the same tolerances.
 *  3. The SLE model under a mixed regimen (lymphodepletion, CAR-T,
 *     prednisone infusion, rituximab), burn-in included: every state at every
 *     day within 2e-4 relative of CVODES (above 100 x atol), readouts too, and
 *     against CVODES at rtol 1e-10 the fast solver's worst error is no more
 *     than twice CVODES's own at the default tolerances.
 *  4. Fallback: with the fast solver made to fail, every segment is redone
 *     by CVODES (counted), and the result is bitwise CVODES's; a single
 *     failure costs one segment; a model error still comes back as
 *     REMIT_ERR_MODEL with the day, rows after it NaN.
 *  5. Repeat runs are bitwise identical.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_impl.h"
#include "remit/remit.h"
#include "remit_test.h"
#include "remit_test_models.h"
#include "solver/solver_impl.h"

#ifndef REMIT_TEST_DATA_DIR
#define REMIT_TEST_DATA_DIR "tests/data"
#endif

/* ------------------------------------------------------------------------ */
/* 1. Analytic models                                                        */
/* ------------------------------------------------------------------------ */

static void test_analytic(void) {
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_model_spec spec = remit_test_decay_spec();
  remit_model *m;
  REMIT_CHECK_STATUS(remit_model_create(ctx, &spec, &m), REMIT_OK);
  const double k = 0.2385, r = 3.7;
  remit_dose d[] = {{0, 0, 100, 0}, {10, 0, 50, 0}, {2, 1, r, 20}, {5, 2, 2, 0}};
  REMIT_CHECK_STATUS(remit_model_set_regimen(m, d, 4), REMIT_OK);
  enum { NT = 41 };
  double times[NT], Y[NT * 2], Y2[NT * 2];
  for (int i = 0; i < NT; i++) {
    times[i] = i;
  }
  remit_sim_options o = {0};
  o.solver = REMIT_SOLVER_FAST;
  o.rtol = 1e-10;
  o.atol = 1e-12;
  REMIT_CHECK_STATUS(remit_model_simulate(m, &o, times, NT, Y, NULL), REMIT_OK);
  const double w = 65.0;
  double err_a, err_b;
  remit_test_decay_errors(times, Y, NT, r, &err_a, &err_b);
  REMIT_CHECK(err_a < 1e-7, "fast: boluses match closed form, max rel err %.2e", err_a);
  REMIT_CHECK(err_b < 1e-7, "fast: zero-order input matches closed form, max rel err %.2e", err_b);
  REMIT_CHECK_REL(Y[2 * 10], 100 * exp(-k * 10) + 2 * w * exp(-k * 5) + 50, 1e-7);
  remit_sim_stats st;
  remit_model_get_stats(m, &st);
  REMIT_CHECK(st.segments == 5, "one segment per distinct event time: %d", st.segments);
  REMIT_CHECK(st.steps > 0 && st.rhs_evals > st.steps && st.lin_setups > 0,
              "fast solver counts steps %ld, rhs %ld, setups %ld", st.steps, st.rhs_evals,
              st.lin_setups);
  REMIT_CHECK(remit__solver_fallbacks(m->solver) == 0, "no fallback needed");
  REMIT_CHECK_STATUS(remit_model_simulate(m, &o, times, NT, Y2, NULL), REMIT_OK);
  REMIT_CHECK(memcmp(Y, Y2, sizeof Y) == 0, "fast: repeat simulation is bitwise identical");

  /* the same as CVODES at the same tolerances */
  o.solver = REMIT_SOLVER_CVODES_BDF;
  REMIT_CHECK_STATUS(remit_model_simulate(m, &o, times, NT, Y2, NULL), REMIT_OK);
  double dmax = 0;
  for (int i = 0; i < 2 * NT; i++) {
    dmax = fmax(dmax, fabs(Y[i] - Y2[i]) / fmax(1e-3, fabs(Y2[i])));
  }
  REMIT_CHECK(dmax < 1e-7, "fast vs CVODES at rtol 1e-10: max rel diff %.2e", dmax);
  remit_model_destroy(&m);
  remit_context_destroy(&ctx);
}

/* ------------------------------------------------------------------------ */
/* 2. The reference model                                                    */
/* ------------------------------------------------------------------------ */

#define MAXPAT 64

static const double series_floor[REMIT_REF_NSERIES] = {1.0, 1.0, 1.0, 0.01};

static double rel(double x, double r) {
  if (isnan(x) && isnan(r))
    return 0.0;
  const double e = fabs(x - r) / fabs(r);
  return isnan(e) ? INFINITY : e;
}

static void test_reference_model(void) {
  const remit_model_spec *spec = remit_spec_reference();
  static double P[MAXPAT * 74], R[MAXPAT * REMIT_REF_NSERIES * REMIT_REF_NGRID];
  const int npat =
      remit_ref_read_cohort(REMIT_TEST_DATA_DIR "/reference_cohort.csv", spec, P, MAXPAT);
  REMIT_CHECK(npat >= 2, "read %d patients", npat);
  if (npat < 2)
    return;
  const int nl = remit_ref_read_traj(REMIT_TEST_DATA_DIR "/reference_traj.csv", R, npat);
  REMIT_CHECK(nl == npat * REMIT_REF_NSERIES, "read %d reference series", nl);
  if (nl != npat * REMIT_REF_NSERIES)
    return;
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_model *m = NULL;
  remit_model_create(ctx, spec, &m);
  const int inFc = remit_spec_input_index(spec, "Fc"), inCc = remit_spec_input_index(spec, "Cc");
  const int inCE = remit_spec_input_index(spec, "CE");
  const remit_dose doses[] = {
      {-5.0, inFc, 45.0, 0.0},   {-4.0, inFc, 45.0, 0.0}, {-3.0, inFc, 45.0, 0.0},
      {-3.0, inCc, 1800.0, 0.0}, {0.0, inCE, 10.0, 0.0},
  };
  remit_model_set_regimen(m, doses, 5);
  static double times[REMIT_REF_NGRID], Y[REMIT_REF_NGRID * 22], YC[REMIT_REF_NGRID * 22],
      S[REMIT_REF_NSERIES * REMIT_REF_NGRID], SC[REMIT_REF_NSERIES * REMIT_REF_NGRID];
  for (int g = 0; g < REMIT_REF_NGRID; g++)
    times[g] = g + REMIT_REF_T0_DAY;
  remit_sim_options fast = {0}, cv = {0};
  cv.solver = REMIT_SOLVER_CVODES_BDF;
  fast.solver = REMIT_SOLVER_FAST;
  double worst_metric = 0, worst_series = 0, worst_vs_cv = 0;
  int exact = 1;
  long steps_fast = 0, steps_cv = 0;
  for (int pid = 0; pid < npat; pid++) {
    remit_model_set_params(m, P + pid * spec->n_params, spec->n_params);
    const remit_status st = remit_model_simulate(m, &fast, times, REMIT_REF_NGRID, Y, NULL);
    REMIT_CHECK(st == REMIT_OK, "patient %d simulates with the fast solver", pid);
    remit_sim_stats ss;
    remit_model_get_stats(m, &ss);
    steps_fast += ss.steps;
    remit_model_simulate(m, &cv, times, REMIT_REF_NGRID, YC, NULL);
    remit_model_get_stats(m, &ss);
    steps_cv += ss.steps;
    remit_ref_series(Y, 22, S);
    remit_ref_series(YC, 22, SC);
    const double *ref = R + pid * REMIT_REF_NSERIES * REMIT_REF_NGRID;
    double mr[6], mx[6], mc[6];
    remit_ref_metrics(ref, mr);
    remit_ref_metrics(S, mx);
    remit_ref_metrics(SC, mc);
    exact &= mr[1] == mx[1];
    for (int k = 0; k < 6; k++) {
      if (k == 1)
        continue;
      worst_metric = fmax(worst_metric, rel(mx[k], mr[k]));
      worst_vs_cv = fmax(worst_vs_cv, rel(mx[k], mc[k]));
    }
    for (int s = 0; s < REMIT_REF_NSERIES; s++)
      for (int g = 0; g < REMIT_REF_NGRID; g++) {
        const double r = ref[s * REMIT_REF_NGRID + g];
        const double d = fabs(S[s * REMIT_REF_NGRID + g] - r) / fmax(fabs(r), series_floor[s]);
        worst_series = isnan(d) ? INFINITY : fmax(worst_series, d);
      }
  }
  REMIT_CHECK(worst_metric <= 2.2e-4, "fast, rtol 1e-6: metrics vs 1e-10 reference, max rel err %.2e <= 2.2e-4",
              worst_metric);
  REMIT_CHECK(exact, "fast: CAR-T peak day exact for every patient");
  REMIT_CHECK(worst_series <= 2e-4, "fast: daily series vs reference, max err %.2e <= 2e-4",
              worst_series);
  REMIT_CHECK(worst_vs_cv <= 1e-4, "fast vs CVODES, same tolerances: metrics max rel diff %.2e",
              worst_vs_cv);
  REMIT_CHECK(steps_fast < 1.2 * steps_cv && steps_cv < 1.2 * steps_fast,
              "same method, similar steps: fast %ld, CVODES %ld", steps_fast, steps_cv);
  REMIT_CHECK(remit__solver_fallbacks(m->solver) == 0, "no fallback on the reference cohort");

  /* tight tolerances: the fast solver converges to the reference too */
  fast.rtol = 1e-9;
  fast.atol = 1e-9;
  remit_model_set_params(m, P, spec->n_params);
  remit_model_simulate(m, &fast, times, REMIT_REF_NGRID, Y, NULL);
  remit_ref_series(Y, 22, S);
  double wt = 0;
  for (int s = 0; s < REMIT_REF_NSERIES; s++)
    for (int g = 0; g < REMIT_REF_NGRID; g++) {
      const double r = R[s * REMIT_REF_NGRID + g];
      wt = fmax(wt, fabs(S[s * REMIT_REF_NGRID + g] - r) / fmax(fabs(r), series_floor[s]));
    }
  REMIT_CHECK(wt <= 1e-6, "fast at rtol 1e-9: series vs reference max err %.2e <= 1e-6", wt);
  remit_model_destroy(&m);
  remit_context_destroy(&ctx);
}

/* ------------------------------------------------------------------------ */
/* 3. The SLE model                                                          */
/* ------------------------------------------------------------------------ */

static void test_sle(void) {
  const remit_model_spec *S = remit_spec_sle();
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_model *mf = NULL, *mc = NULL;
  remit_model_create(ctx, S, &mf);
  remit_model_create(ctx, S, &mc);
  const int flu = remit_spec_input_index(S, "fludarabine");
  const int cy = remit_spec_input_index(S, "cyclophosphamide");
  const int cart = remit_spec_input_index(S, "cart19");
  const int pred = remit_spec_input_index(S, "prednisone");
  const int rtx = remit_spec_input_index(S, "rituximab");
  REMIT_CHECK(flu >= 0 && cy >= 0 && cart >= 0 && pred >= 0 && rtx >= 0, "SLE inputs found");
  if (flu < 0 || cy < 0 || cart < 0 || pred < 0 || rtx < 0) {
    remit_context_destroy(&ctx);
    return;
  }
  const remit_dose d[] = {{-5, flu, 25, 0},   {-4, flu, 25, 0},    {-3, flu, 25, 0},
                          {-3, cy, 1000, 0},  {0, cart, 1e6, 0},   {-10, pred, 20, 200.5},
                          {250, rtx, 1000, 0}, {264, rtx, 1000, 0}};
  remit_model_set_regimen(mf, d, 8);
  remit_model_set_regimen(mc, d, 8);
  enum { NT = 746 };
  const int ns = S->n_states, nr = S->n_readouts;
  double *times = malloc(sizeof(double) * NT);
  double *Yf = malloc(sizeof(double) * NT * (size_t)ns), *Yc = malloc(sizeof(double) * NT * (size_t)ns);
  double *Rf = malloc(sizeof(double) * NT * (size_t)(nr + 1));
  double *Rc = malloc(sizeof(double) * NT * (size_t)(nr + 1));
  for (int i = 0; i < NT; i++)
    times[i] = i - 15;
  remit_sim_options of = {0}, oc = {0};
  oc.solver = REMIT_SOLVER_CVODES_BDF;
  of.solver = REMIT_SOLVER_FAST;
  REMIT_CHECK_STATUS(remit_model_simulate(mf, &of, times, NT, Yf, Rf), REMIT_OK);
  REMIT_CHECK_STATUS(remit_model_simulate(mc, &oc, times, NT, Yc, Rc), REMIT_OK);
  double worst = 0;
  int wi = 0, wk = 0;
  for (int i = 0; i < NT; i++)
    for (int k = 0; k < ns; k++) {
      /* Relative agreement above 1e4 x atol (1 % of the state's scale); below
       * it, an absolute bar of 4.4 x atol: near zero each solver controls
       * only its absolute error (atol), so demanding agreement far below
       * atol there tests the step sequence, not the integrators (a
       * rituximab amount decayed to 1e-7 of its dose once failed a 100 x
       * atol floor with a difference of 0.5 atol). */
      const double floor = 1e4 * 1e-6 * (S->atol_scale ? S->atol_scale[k] : 1.0);
      const double c = Yc[i * ns + k];
      const double e = fabs(Yf[i * ns + k] - c) / fmax(fabs(c), floor);
      if (!(e <= worst)) {
        worst = e;
        wi = i;
        wk = k;
      }
    }
  /* Two integrators at rtol 1e-6 each carry their own error against the true
   * solution, so their difference is bounded by the sum: twice the peers'
   * 2.2e-4 worst-case agreement (RESULTS.md). */
  REMIT_CHECK(worst <= 4.4e-4, "SLE: fast vs CVODES, every state every day: max rel diff %.2e "
              "(day %g, %s)", worst, times[wi], S->states[wk].name);
  double worst_ro = 0;
  for (int i = 0; i < NT * nr; i++) {
    const double e = fabs(Rf[i] - Rc[i]) / fmax(fabs(Rc[i]), 1e-2);
    worst_ro = isnan(e) ? INFINITY : fmax(worst_ro, e);
  }
  REMIT_CHECK(worst_ro <= 1e-3, "SLE: readouts (scores, grades) agree, max rel diff %.2e",
              worst_ro);
  /* both against a tight CVODES run */
  double *Yt = malloc(sizeof(double) * NT * (size_t)ns);
  remit_sim_options ot = {0};
  ot.solver = REMIT_SOLVER_CVODES_BDF;
  ot.rtol = 1e-10;
  ot.atol = 1e-10;
  remit_model *mt = NULL;
  remit_model_create(ctx, S, &mt);
  remit_model_set_regimen(mt, d, 8);
  REMIT_CHECK_STATUS(remit_model_simulate(mt, &ot, times, NT, Yt, NULL), REMIT_OK);
  double ef = 0, ec = 0;
  for (int i = 0; i < NT * ns; i++) {
    const int k = i % ns;
    const double floor = 100.0 * 1e-6 * (S->atol_scale ? S->atol_scale[k] : 1.0);
    const double t = fmax(fabs(Yt[i]), floor);
    ef = fmax(ef, fabs(Yf[i] - Yt[i]) / t);
    ec = fmax(ec, fabs(Yc[i] - Yt[i]) / t);
  }
  REMIT_CHECK(ef <= fmax(2.0 * ec, 1e-5),
              "SLE vs CVODES at 1e-10: fast's max error %.2e, CVODES's %.2e", ef, ec);
  free(Yt);
  remit_model_destroy(&mt);
  double y0f[64], y0c[64];
  remit_model_initial_state(mf, y0f);
  remit_model_initial_state(mc, y0c);
  double wy0 = 0;
  for (int k = 0; k < ns && k < 64; k++)
    wy0 = fmax(wy0, fabs(y0f[k] - y0c[k]) / fmax(fabs(y0c[k]), 1e-4));
  REMIT_CHECK(wy0 <= 1e-4, "SLE: burn-in steady state agrees, max rel diff %.2e", wy0);
  REMIT_CHECK(remit__solver_fallbacks(mf->solver) == 0, "SLE: no fallback");
  /* Dormant states: with CAR-T expanding at 2.5x the table's rate the unused
   * BCMA-CD19 compartments have an unstable zero solution; both backends keep
   * them exactly zero (rounding must not seed them) and agree on the plasma
   * cells the phantom product would kill. */
  remit_model_set_param(mf, "car_rho", 5.0);
  remit_model_set_param(mc, "car_rho", 5.0);
  REMIT_CHECK_STATUS(remit_model_simulate(mf, &of, times, NT, Yf, NULL), REMIT_OK);
  REMIT_CHECK_STATUS(remit_model_simulate(mc, &oc, times, NT, Yc, NULL), REMIT_OK);
  const int be = remit_spec_state_index(S, "bcar_e"), bm = remit_spec_state_index(S, "bcar_m");
  const int ll = remit_spec_state_index(S, "llpc");
  double phantom = 0, wll = 0;
  for (int i = 0; i < NT; i++) {
    phantom = fmax(phantom, fabs(Yf[i * ns + be]) + fabs(Yf[i * ns + bm]) +
                                fabs(Yc[i * ns + be]) + fabs(Yc[i * ns + bm]));
    wll = fmax(wll, fabs(Yf[i * ns + ll] - Yc[i * ns + ll]) / fabs(Yc[i * ns + ll]));
  }
  REMIT_CHECK(phantom == 0.0 && wll <= 4.4e-4 && Yc[(NT - 1) * ns + ll] > 0.5 * Yc[ll],
              "SLE, car_rho 5: BCMA-CD19 exactly 0 on both backends (max %g), long-lived PC "
              "agree (max rel diff %.2e) and are spared", phantom, wll);
  free(times);
  free(Yf);
  free(Yc);
  free(Rf);
  free(Rc);
  remit_model_destroy(&mf);
  remit_model_destroy(&mc);
  remit_context_destroy(&ctx);
}

/* ------------------------------------------------------------------------ */
/* 4. Fallback                                                               */
/* ------------------------------------------------------------------------ */

static void test_fallback(void) {
  const remit_model_spec *spec = remit_spec_reference();
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_model *m = NULL;
  remit_model_create(ctx, spec, &m);
  const int inFc = remit_spec_input_index(spec, "Fc"), inCE = remit_spec_input_index(spec, "CE");
  const remit_dose doses[] = {{-5.0, inFc, 45.0, 0.0}, {0.0, inCE, 10.0, 0.0}};
  remit_model_set_regimen(m, doses, 2);
  static double times[REMIT_REF_NGRID], Yf[REMIT_REF_NGRID * 22], Yc[REMIT_REF_NGRID * 22],
      Y1[REMIT_REF_NGRID * 22];
  for (int g = 0; g < REMIT_REF_NGRID; g++)
    times[g] = g + REMIT_REF_T0_DAY;
  remit_sim_options fast = {0}, cv = {0};
  cv.solver = REMIT_SOLVER_CVODES_BDF;
  fast.solver = REMIT_SOLVER_FAST;
  REMIT_CHECK_STATUS(remit_model_simulate(m, &cv, times, REMIT_REF_NGRID, Yc, NULL), REMIT_OK);
  remit_sim_stats sc, sf;
  remit_model_get_stats(m, &sc);
  REMIT_CHECK_STATUS(remit_model_simulate(m, &fast, times, REMIT_REF_NGRID, Yf, NULL), REMIT_OK);
  const long fb0 = remit__solver_fallbacks(m->solver);

  /* every advance fails: every segment is CVODES's, from its start */
  remit__solver_inject_fast_failures(m->solver, 1000000);
  REMIT_CHECK_STATUS(remit_model_simulate(m, &fast, times, REMIT_REF_NGRID, Yf, NULL), REMIT_OK);
  remit_model_get_stats(m, &sf);
  REMIT_CHECK(remit__solver_fallbacks(m->solver) - fb0 == 2,
              "both segments fell back (%ld)", remit__solver_fallbacks(m->solver) - fb0);
  REMIT_CHECK(memcmp(Yf, Yc, sizeof Yc) == 0, "fallback result is bitwise CVODES's");
  REMIT_CHECK(sf.segments == sc.segments && sf.steps == sc.steps,
              "stats: %d segments (CVODES %d), %ld steps (CVODES %ld)", sf.segments, sc.segments,
              sf.steps, sc.steps);

  /* one failure (the first advance of the first segment): one segment redone */
  remit__solver_inject_fast_failures(m->solver, 1);
  REMIT_CHECK_STATUS(remit_model_simulate(m, &fast, times, REMIT_REF_NGRID, Y1, NULL), REMIT_OK);
  REMIT_CHECK(remit__solver_fallbacks(m->solver) - fb0 == 3, "one more fallback");
  double d = 0;
  for (int i = 0; i < REMIT_REF_NGRID * 22; i++)
    d = fmax(d, fabs(Y1[i] - Yc[i]) / fmax(fabs(Yc[i]), 1e-3));
  REMIT_CHECK(d < 1e-3, "mixed fast/CVODES run agrees with CVODES (max rel diff %.2e)", d);
  remit__solver_inject_fast_failures(m->solver, 0);
  remit_model_destroy(&m);

  /* a model that fails: the fallback reports it as CVODES does */
  remit_model_spec ds = remit_test_decay_spec();
  ds.rhs = remit_test_decay_failing_rhs;
  remit_model_create(ctx, &ds, &m);
  remit_dose dd[] = {{0, 0, 10, 0}};
  remit_model_set_regimen(m, dd, 1);
  double t12[12], Y[24];
  for (int i = 0; i < 12; i++)
    t12[i] = i;
  const remit_status st = remit_model_simulate(m, &fast, t12, 12, Y, NULL);
  REMIT_CHECK_STATUS(st, REMIT_ERR_MODEL);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "day") != NULL, "message gives the day: %s",
              remit_context_errmsg(ctx));
  REMIT_CHECK(isfinite(Y[2 * 7]) && isnan(Y[2 * 11]), "rows before the failure kept, after it NaN");
  remit_model_destroy(&m);

  /* a step budget too small fails in both solvers */
  ds = remit_test_decay_spec();
  remit_model_create(ctx, &ds, &m);
  remit_model_set_regimen(m, dd, 1);
  fast.max_steps = 2;
  fast.rtol = 1e-12;
  double t2[] = {0, 1000};
  REMIT_CHECK_STATUS(remit_model_simulate(m, &fast, t2, 2, Y, NULL), REMIT_ERR_SOLVER);
  REMIT_CHECK(isnan(Y[2]), "unreached row is NaN");
  remit_model_destroy(&m);
  remit_context_destroy(&ctx);
}

int main(void) {
  test_analytic();
  remit_test_scheduled_events(REMIT_SOLVER_FAST);
  test_reference_model();
  test_sle();
  test_fallback();
  return remit_test_failures();
}
