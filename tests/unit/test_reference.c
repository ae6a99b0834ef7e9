/* SPDX-License-Identifier: MIT
 *
 * test_reference.c: a model written outside the engine runs through the same
 * API as the built-in one, and gets the right answer.
 *
 * 1. An analytic model, written in this file as a user would: two decoupled
 *    first-order eliminations y' = -k y, one fed by (weight-scaled) boluses,
 *    the other by zero-order rate inputs whose windows start and end between
 *    output times.  Closed form; checked to 1e-6 at every output time,
 *    including dose times (values just after the dose).
 *
 * 2. The peers' reference model (remit_spec_reference(), MODEL.md) on a small
 *    cohort against the peers' own CVODE driver run at rtol = atol_rel =
 *    1e-10 (tests/data/, made by scripts/make_reference_data.sh).  The four
 *    series it dumps (CAR-T total, BN+BM, anti-dsDNA, damage) must agree at
 *    every day -5..730 within 1e-4 relative, where "relative" is
 *        |remit - ref| / max(|ref|, floor_s)
 *    with floor_s the absolute-tolerance scale of the series (1 cell/uL for
 *    CAR-T and B cells, 1 IU/mL for anti-dsDNA, 0.01 for damage): below one
 *    such unit the check is absolute (1e-4 cells/uL), which keeps the days
 *    when a series is (near) zero (CAR-T before day 0) from demanding
 *    relative accuracy on rounding noise.  The clinical metrics of
 *    ../shared/peers/metrics.py must agree within 1e-4 relative, the day of
 *    the CAR-T peak exactly.
 *
 * The data directory comes from the compile definition REMIT_TEST_DATA_DIR.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remit/remit.h"
#include "remit_test.h"
#include "remit_test_models.h"

/* Checks a call's status, calling it once (remit_test.h's REMIT_CHECK_STATUS
 * evaluates its argument a second time for the message). */
#define CHECK_CALL(call, expected)                                                         \
  do {                                                                                     \
    const remit_status s_ = (call);                                                        \
    REMIT_CHECK(s_ == (expected), "%s -> %d, expected %s (%d)", #call, (int)s_, #expected, \
                (int)(expected));                                                          \
  } while (0)

#ifndef REMIT_TEST_DATA_DIR
#define REMIT_TEST_DATA_DIR "tests/data"
#endif

/* ======================================================================== */
/* 1. A user-written analytic model                                          */
/* ======================================================================== */

enum { U_A, U_B, U_NSTATES };

static const remit_var_info u_states[U_NSTATES] = {
    {"a", "mg", "amount fed by boluses"},
    {"b", "mg", "amount fed by a zero-order rate"},
};
static const double u_y0[U_NSTATES] = {1.0, 0.0};
static const remit_param_info u_params[] = {
    {"k", 0.3, "1/day", 0.0, 0.0, 100.0, "test: analytic first-order elimination"},
};
static const remit_input u_inputs[] = {
    {"a_bolus", "mg/kg", U_A, REMIT_INPUT_BOLUS, REMIT_SCALE_PER_KG, 0.1, 1e3, "bolus into a"},
    {"b_rate", "mg/day", U_B, REMIT_INPUT_RATE, REMIT_SCALE_NONE, 1.0, 1e3, "infusion into b"},
};
static const remit_var_info u_readouts[] = {{"total", "mg", "a + b"}};

static int u_rhs(double t, const double *y, double *dy, const double *p, void *user) {
  (void)t;
  (void)user;
  dy[U_A] = -p[0] * y[U_A];
  dy[U_B] = -p[0] * y[U_B];
  return 0;
}

static void u_readout(double t, const double *y, const double *p, double *out, void *user) {
  (void)t;
  (void)p;
  (void)user;
  out[0] = y[U_A] + y[U_B];
}

static const remit_model_spec u_spec = {
    .name = "decay",
    .doc = "two first-order eliminations, one dosed by boluses, one by infusions",
    .n_states = U_NSTATES,
    .states = u_states,
    .y0 = u_y0,
    .atol_scale = NULL,
    .n_params = 1,
    .params = u_params,
    .n_derived = 0,
    .n_inputs = 2,
    .inputs = u_inputs,
    .n_readouts = 1,
    .readouts = u_readouts,
    .rhs = u_rhs,
    .readout = u_readout,
};

/* Boluses of `amt` (already in mg) at td: a(t) = e^{-kt} + sum amt e^{-k(t-td)}. */
static double exact_a(double t, double k, const double *td, const double *amt, int n) {
  double v = u_y0[U_A] * exp(-k * t);
  for (int i = 0; i < n; i++)
    if (t >= td[i])
      v += amt[i] * exp(-k * (t - td[i]));
  return v;
}

/* Rates r on [ts, te): b(t) = sum r/k (1 - e^{-k(min(t,te) - ts)}) e^{-k(t - min(t,te))}. */
static double exact_b(double t, double k, const double *ts, const double *te, const double *r,
                      int n) {
  double v = 0.0;
  for (int i = 0; i < n; i++) {
    if (t <= ts[i])
      continue;
    const double tm = t < te[i] ? t : te[i];
    v += r[i] / k * (1.0 - exp(-k * (tm - ts[i]))) * exp(-k * (t - tm));
  }
  return v;
}

static void test_user_model(remit_context *ctx) {
  CHECK_CALL(remit_spec_check(ctx, &u_spec), REMIT_OK);
  remit_model *m = NULL;
  CHECK_CALL(remit_model_create(ctx, &u_spec, &m), REMIT_OK);
  if (!m)
    return;

  remit_covariates cov;
  remit_model_get_covariates(m, &cov);
  cov.weight_kg = 50.0;
  CHECK_CALL(remit_model_set_covariates(m, &cov), REMIT_OK);

  const double k = 0.25;
  CHECK_CALL(remit_model_set_param(m, "k", k), REMIT_OK);
  CHECK_CALL(remit_model_set_param(m, "k", -1.0), REMIT_ERR_RANGE);
  REMIT_CHECK(remit_model_get_params(m)[0] == k, "a rejected value leaves k = %g",
              remit_model_get_params(m)[0]);

  const int ia = remit_spec_input_index(&u_spec, "a_bolus");
  const int ib = remit_spec_input_index(&u_spec, "b_rate");
  REMIT_CHECK(ia == 0 && ib == 1, "input lookups %d %d", ia, ib);
  REMIT_CHECK(remit_spec_input_index(&u_spec, "nope") == -1, "unknown input is -1");

  /* a: 2 mg/kg x 50 kg x 0.1 = 10 mg on day 2, 1 mg/kg -> 5 mg on day 6 (and
   * 0.4 mg/kg -> 2 mg on day 6 again: two doses at one time add up).
   * b: 4 mg/day on [3, 5.5), 1 mg/day on [7, 8), 2 mg/day on [7.5, 9.25). */
  const remit_dose doses[] = {
      {2.0, 0, 2.0, 0.0}, {6.0, 0, 1.0, 0.0}, {6.0, 0, 0.4, 0.0},
      {3.0, 1, 4.0, 2.5}, {7.0, 1, 1.0, 1.0}, {7.5, 1, 2.0, 1.75},
  };
  CHECK_CALL(remit_model_set_regimen(m, doses, 6), REMIT_OK);
  const double a_t[] = {2.0, 6.0, 6.0}, a_amt[] = {10.0, 5.0, 2.0};
  const double b_ts[] = {3.0, 7.0, 7.5}, b_te[] = {5.5, 8.0, 9.25}, b_r[] = {4.0, 1.0, 2.0};

  /* bad doses are rejected */
  const remit_dose bad_bolus[] = {{1.0, 0, 1.0, 2.0}}; /* bolus with a duration */
  const remit_dose bad_rate[] = {{1.0, 1, 1.0, 0.0}};  /* rate without one */
  const remit_dose bad_input[] = {{1.0, 7, 1.0, 0.0}};
  const remit_dose bad_amount[] = {{1.0, 0, -1.0, 0.0}};
  REMIT_CHECK(remit_model_set_regimen(m, bad_bolus, 1) != REMIT_OK, "bolus with duration rejected");
  REMIT_CHECK(remit_model_set_regimen(m, bad_rate, 1) != REMIT_OK,
              "rate without duration rejected");
  REMIT_CHECK(remit_model_set_regimen(m, bad_input, 1) != REMIT_OK, "unknown input rejected");
  REMIT_CHECK(remit_model_set_regimen(m, bad_amount, 1) != REMIT_OK, "negative amount rejected");
  /* a rejected regimen leaves the previous one: the run below uses `doses` */

  enum { NT = 49 };
  double times[NT], states[NT * U_NSTATES], ro[NT];
  for (int i = 0; i < NT; i++)
    times[i] = 0.25 * i; /* 0 .. 12, hits 2, 3, 5.5, 6, 7, 7.5, 8 */
  remit_sim_options opt = {0};
  opt.rtol = 1e-10;
  opt.atol = 1e-12;
  CHECK_CALL(remit_model_simulate(m, &opt, times, NT, states, ro), REMIT_OK);

  double err_a = 0.0, err_b = 0.0, err_ro = 0.0;
  for (int i = 0; i < NT; i++) {
    const double ea = exact_a(times[i], k, a_t, a_amt, 3);
    const double eb = exact_b(times[i], k, b_ts, b_te, b_r, 3);
    const double da = fabs(states[i * U_NSTATES + U_A] - ea) / fmax(1.0, fabs(ea));
    const double db = fabs(states[i * U_NSTATES + U_B] - eb) / fmax(1.0, fabs(eb));
    const double dr = fabs(ro[i] - (states[i * U_NSTATES] + states[i * U_NSTATES + 1]));
    if (!(da <= err_a))
      err_a = da; /* NaN-sticky */
    if (!(db <= err_b))
      err_b = db;
    if (!(dr <= err_ro))
      err_ro = dr;
  }
  REMIT_CHECK(err_a <= 1e-6, "bolus state vs closed form: max rel err %.3g <= 1e-6", err_a);
  REMIT_CHECK(err_b <= 1e-6, "rate state vs closed form: max rel err %.3g <= 1e-6", err_b);
  REMIT_CHECK(err_ro <= 1e-12, "readout = a + b (max diff %.3g)", err_ro);
  /* the value written at a dose time is the one just after the dose */
  REMIT_CHECK_REL(states[8 * U_NSTATES + U_A], exact_a(2.0, k, a_t, a_amt, 3), 1e-6);
  REMIT_CHECK(states[8 * U_NSTATES + U_A] > 10.0, "a(2) = %.6g includes the day-2 bolus",
              states[8 * U_NSTATES + U_A]);
  REMIT_CHECK_REL(states[24 * U_NSTATES + U_A], exact_a(6.0, k, a_t, a_amt, 3), 1e-6);

  /* a start before the first output time (t_start option) gives the same values */
  opt.t_start = -1.0;
  double states2[NT * U_NSTATES];
  CHECK_CALL(remit_model_simulate(m, &opt, times + 4, NT - 4, states2, NULL), REMIT_OK);
  double err_a2 = 0.0;
  for (int i = 4; i < NT; i++) {
    /* started at -1 from y0: a is shifted by one extra day of decay, b unchanged */
    const double ea = exact_a(times[i], k, a_t, a_amt, 3) - u_y0[U_A] * exp(-k * times[i]) +
                      u_y0[U_A] * exp(-k * (times[i] + 1.0));
    const double d = fabs(states2[(i - 4) * U_NSTATES + U_A] - ea) / fmax(1.0, fabs(ea));
    if (!(d <= err_a2))
      err_a2 = d;
  }
  REMIT_CHECK(err_a2 <= 1e-6, "t_start = -1: max rel err %.3g <= 1e-6", err_a2);

  remit_model_destroy(&m);
  REMIT_CHECK(m == NULL, "destroy sets the pointer to NULL");
}

/* ======================================================================== */
/* 2. The reference model against the peers' CVODE driver                    */
/* ======================================================================== */

#define MAXPAT 64

static const char *series_name[REMIT_REF_NSERIES] = {"CAR-T total", "BN+BM", "anti-dsDNA",
                                                     "damage"};
static const double series_floor[REMIT_REF_NSERIES] = {1.0, 1.0, 1.0, 0.01};
static const char *metric_name[REMIT_REF_NMETRICS] = {"CAR_peak", "t_peak",     "B_nadir",
                                                      "t_Brec10", "dsDNA_d365", "Dmg_d730"};

static void test_reference_model(remit_context *ctx) {
  const remit_model_spec *spec = remit_spec_reference();
  REMIT_CHECK(spec != NULL, "remit_spec_reference() is not NULL");
  if (!spec)
    return;
  CHECK_CALL(remit_spec_check(ctx, spec), REMIT_OK);
  REMIT_CHECK(spec->n_states == 22 && spec->n_params == 74, "22 states (%d), 74 parameters (%d)",
              spec->n_states, spec->n_params);
  REMIT_CHECK(spec->burn_in_days == 0.0, "no burn-in: y0 is MODEL.md's steady state");

  const int iCE = remit_spec_state_index(spec, "CE"), iCM = remit_spec_state_index(spec, "CM");
  const int iCX = remit_spec_state_index(spec, "CX"), iBN = remit_spec_state_index(spec, "BN");
  const int iBM = remit_spec_state_index(spec, "BM"), iAAb = remit_spec_state_index(spec, "AAb");
  const int iDmg = remit_spec_state_index(spec, "Dmg");
  const int rCAR = remit_spec_readout_index(spec, "CAR_total");
  const int rB = remit_spec_readout_index(spec, "B_blood");
  REMIT_CHECK(iCE == 5 && iCM == 6 && iCX == 7 && iBN == 9 && iBM == 10 && iAAb == 14 && iDmg == 21,
              "state lookups follow MODEL.md order");
  REMIT_CHECK(rCAR >= 0 && rB >= 0, "readouts CAR_total (%d) and B_blood (%d)", rCAR, rB);
  const int inFc = remit_spec_input_index(spec, "Fc"), inCc = remit_spec_input_index(spec, "Cc");
  const int inCE = remit_spec_input_index(spec, "CE");
  REMIT_CHECK(inFc >= 0 && inCc >= 0 && inCE >= 0, "inputs Fc %d, Cc %d, CE %d", inFc, inCc, inCE);
  if (iCE < 0 || iDmg < 0 || rCAR < 0 || rB < 0 || inFc < 0 || inCc < 0 || inCE < 0)
    return;

  static double P[MAXPAT * 74];
  static double R[MAXPAT * REMIT_REF_NSERIES * REMIT_REF_NGRID];
  const int npat =
      remit_ref_read_cohort(REMIT_TEST_DATA_DIR "/reference_cohort.csv", spec, P, MAXPAT);
  REMIT_CHECK(npat >= 2, "read %d patients from %s", npat,
              REMIT_TEST_DATA_DIR "/reference_cohort.csv");
  if (npat < 2)
    return;
  const int nl = remit_ref_read_traj(REMIT_TEST_DATA_DIR "/reference_traj.csv", R, npat);
  REMIT_CHECK(nl == npat * REMIT_REF_NSERIES, "read %d reference series (want %d)", nl,
              npat * REMIT_REF_NSERIES);
  if (nl != npat * REMIT_REF_NSERIES)
    return;

  remit_model *m = NULL;
  CHECK_CALL(remit_model_create(ctx, spec, &m), REMIT_OK);
  if (!m)
    return;
  const remit_dose doses[] = {
      {-5.0, inFc, 45.0, 0.0},   {-4.0, inFc, 45.0, 0.0}, {-3.0, inFc, 45.0, 0.0},
      {-3.0, inCc, 1800.0, 0.0}, {0.0, inCE, 10.0, 0.0},
  };
  CHECK_CALL(remit_model_set_regimen(m, doses, 5), REMIT_OK);

  static double times[REMIT_REF_NGRID], Y[REMIT_REF_NGRID * 22], RO[REMIT_REF_NGRID * 2],
      S[REMIT_REF_NSERIES * REMIT_REF_NGRID];
  for (int g = 0; g < REMIT_REF_NGRID; g++)
    times[g] = g + REMIT_REF_T0_DAY;
  remit_sim_options opt = {0};
  opt.rtol = 1e-8;
  opt.atol = 1e-8;
  const int ns = spec->n_states, nr = spec->n_readouts;

  double worst[REMIT_REF_NSERIES] = {0}, worst_metric[REMIT_REF_NMETRICS] = {0};
  for (int pid = 0; pid < npat; pid++) {
    CHECK_CALL(remit_model_set_params(m, P + pid * spec->n_params, spec->n_params), REMIT_OK);
    const remit_status st = remit_model_simulate(m, &opt, times, REMIT_REF_NGRID, Y, RO);
    REMIT_CHECK(st == REMIT_OK, "patient %d simulates (%s)", pid,
                st == REMIT_OK ? "ok" : remit_context_errmsg(ctx));
    if (st != REMIT_OK)
      continue;

    double ro_err = 0.0;
    for (int g = 0; g < REMIT_REF_NGRID; g++) {
      const double *y = Y + g * ns;
      S[0 * REMIT_REF_NGRID + g] = y[iCE] + y[iCM] + y[iCX];
      S[1 * REMIT_REF_NGRID + g] = y[iBN] + y[iBM];
      S[2 * REMIT_REF_NGRID + g] = y[iAAb];
      S[3 * REMIT_REF_NGRID + g] = y[iDmg];
      const double d0 = fabs(RO[g * nr + rCAR] - S[g]);
      const double d1 = fabs(RO[g * nr + rB] - S[REMIT_REF_NGRID + g]);
      if (!(d0 <= ro_err))
        ro_err = d0;
      if (!(d1 <= ro_err))
        ro_err = d1;
    }
    REMIT_CHECK(ro_err <= 1e-9, "patient %d: readouts = sums of states (max diff %.3g)", pid,
                ro_err);

    for (int s = 0; s < REMIT_REF_NSERIES; s++) {
      const double *ref = R + (pid * REMIT_REF_NSERIES + s) * REMIT_REF_NGRID;
      double e = 0.0;
      int gw = 0;
      for (int g = 0; g < REMIT_REF_NGRID; g++) {
        const double d =
            fabs(S[s * REMIT_REF_NGRID + g] - ref[g]) / fmax(fabs(ref[g]), series_floor[s]);
        if (!(d <= e)) {
          e = d;
          gw = g;
        }
      }
      if (!(e <= worst[s]))
        worst[s] = e;
      REMIT_CHECK(e <= 1e-4, "patient %d %-11s: max rel err %.3g <= 1e-4 (day %d)", pid,
                  series_name[s], e, gw + REMIT_REF_T0_DAY);
    }

    double mr[REMIT_REF_NMETRICS], mx[REMIT_REF_NMETRICS];
    const double *r0 = R + pid * REMIT_REF_NSERIES * REMIT_REF_NGRID;
    remit_ref_metrics(r0, mr);
    remit_ref_metrics(S, mx);
    for (int k = 0; k < REMIT_REF_NMETRICS; k++) {
      if (k == 1) {
        REMIT_CHECK(mx[k] == mr[k], "patient %d t_peak: day %g, reference day %g", pid, mx[k],
                    mr[k]);
        continue;
      }
      if (isnan(mr[k])) {
        REMIT_CHECK(isnan(mx[k]), "patient %d %s: NaN (never) in both", pid, metric_name[k]);
        continue;
      }
      const double e = fabs(mx[k] - mr[k]) / fabs(mr[k]);
      if (!(e <= worst_metric[k]))
        worst_metric[k] = e;
      REMIT_CHECK(e <= 1e-4, "patient %d %-10s = %.8g vs ref %.8g: rel err %.3g <= 1e-4", pid,
                  metric_name[k], mx[k], mr[k], e);
    }
  }
  printf("worst series errors:");
  for (int s = 0; s < REMIT_REF_NSERIES; s++)
    printf(" %s %.3g;", series_name[s], worst[s]);
  printf("\nworst metric errors:");
  for (int k = 0; k < REMIT_REF_NMETRICS; k++)
    if (k != 1)
      printf(" %s %.3g;", metric_name[k], worst_metric[k]);
  printf("\n");

  /* MODEL.md's nominal patient, as published */
  CHECK_CALL(remit_model_set_params(m, P, spec->n_params), REMIT_OK);
  if (remit_model_simulate(m, &opt, times, REMIT_REF_NGRID, Y, RO) == REMIT_OK) {
    double mx[REMIT_REF_NMETRICS];
    for (int g = 0; g < REMIT_REF_NGRID; g++) {
      S[g] = RO[g * nr + rCAR];
      S[REMIT_REF_NGRID + g] = RO[g * nr + rB];
      S[2 * REMIT_REF_NGRID + g] = Y[g * ns + iAAb];
      S[3 * REMIT_REF_NGRID + g] = Y[g * ns + iDmg];
    }
    remit_ref_metrics(S, mx);
    REMIT_CHECK_RANGE(mx[0], 121.7, 121.9); /* CAR_peak ~ 121.8 cells/uL */
    REMIT_CHECK(mx[1] == 13.0, "nominal CAR-T peak on day %g (13)", mx[1]);
    REMIT_CHECK_RANGE(mx[2], 0.53, 0.55);   /* B nadir ~ 0.54 */
    REMIT_CHECK_RANGE(mx[3], 102.6, 102.8); /* B recovery ~ day 102.7 */
    REMIT_CHECK_RANGE(mx[4], 25.4, 25.6);   /* anti-dsDNA d365 ~ 25.5 */
    REMIT_CHECK_RANGE(mx[5], 1.93, 1.95);   /* damage d730 ~ 1.94 */
    remit_sim_stats stats;
    remit_model_get_stats(m, &stats);
    REMIT_CHECK(stats.segments >= 4, "doses on 4 distinct days split the run (%d segments)",
                stats.segments);
    REMIT_CHECK(stats.steps > 0 && stats.rhs_evals >= stats.steps, "stats: %ld steps, %ld rhs",
                stats.steps, stats.rhs_evals);
    /* the value on day 0 is just after the CAR-T infusion */
    REMIT_CHECK(S[5] >= 10.0, "CAR-T on day 0 = %.6g >= the 10 cells/uL infused", S[5]);
  }

  /* At the default tolerances (rtol 1e-6, atol 1e-6 x scale) the metrics stay
   * within 1e-3 of the tight reference (the peers saw <= 2.2e-4). */
  for (int pid = 0; pid < npat; pid++) {
    if (remit_model_set_params(m, P + pid * spec->n_params, spec->n_params) != REMIT_OK)
      continue;
    if (remit_model_simulate(m, NULL, times, REMIT_REF_NGRID, Y, RO) != REMIT_OK) {
      REMIT_CHECK(0, "patient %d at default tolerances", pid);
      continue;
    }
    for (int g = 0; g < REMIT_REF_NGRID; g++) {
      S[g] = RO[g * nr + rCAR];
      S[REMIT_REF_NGRID + g] = RO[g * nr + rB];
      S[2 * REMIT_REF_NGRID + g] = Y[g * ns + iAAb];
      S[3 * REMIT_REF_NGRID + g] = Y[g * ns + iDmg];
    }
    double mr[REMIT_REF_NMETRICS], mx[REMIT_REF_NMETRICS], e = 0.0;
    const double *r0 = R + pid * REMIT_REF_NSERIES * REMIT_REF_NGRID;
    remit_ref_metrics(r0, mr);
    remit_ref_metrics(S, mx);
    for (int k = 0; k < REMIT_REF_NMETRICS; k++) {
      if (k == 1 || isnan(mr[k]))
        continue;
      const double d = fabs(mx[k] - mr[k]) / fabs(mr[k]);
      if (!(d <= e))
        e = d;
    }
    REMIT_CHECK(e <= 1e-3, "patient %d, default tolerances: worst metric rel err %.3g <= 1e-3", pid,
                e);
  }

  /* parameter ranges are enforced */
  CHECK_CALL(remit_model_set_param(m, "fPB19", 2.0), REMIT_ERR_RANGE);
  CHECK_CALL(remit_model_set_param(m, "KB", 0.0), REMIT_ERR_RANGE);
  CHECK_CALL(remit_model_set_param(m, "KB", 12.0), REMIT_OK);
  remit_model_destroy(&m);
}

int main(void) {
  remit_context *ctx = NULL;
  CHECK_CALL(remit_context_create(NULL, &ctx), REMIT_OK);
  if (!ctx)
    return remit_test_failures();
  test_user_model(ctx);
  test_reference_model(ctx);
  remit_context_destroy(&ctx);
  return remit_test_failures();
}
