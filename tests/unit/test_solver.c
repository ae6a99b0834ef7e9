/* SPDX-License-Identifier: MIT
 *
 * test_solver.c: the integrator and its event semantics on models with
 * closed-form solutions, written as a user would write a model spec:
 *  - y' = -k y with boluses: exact exponentials, value at a dose time is
 *    the post-dose value;
 *  - a zero-order input over [day, day + duration): y = (r/k)(1 - e^{-k t});
 *  - a model that schedules SET and MOVE events itself;
 *  - failures: a right-hand side that fails, and a step budget too small,
 *    give an error status, a message with the day, and NaN rows after it.
 */
#include <math.h>
#include <string.h>

#include "remit/remit.h"
#include "remit_test.h"
#include "remit_test_models.h"

static void test_bolus_and_rate(void) {
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_model_spec spec = remit_test_decay_spec();
  remit_model *m;
  REMIT_CHECK_STATUS(remit_model_create(ctx, &spec, &m), REMIT_OK);
  const double k = 0.2385, r = 3.7;
  remit_dose d[] = {{0, 0, 100, 0}, {10, 0, 50, 0}, {2, 1, r, 20}, {5, 2, 2, 0}};
  REMIT_CHECK_STATUS(remit_model_set_regimen(m, d, 4), REMIT_OK);
  enum { NT = 41 };
  double times[NT], Y[NT * 2];
  for (int i = 0; i < NT; i++) {
    times[i] = i;
  }
  remit_sim_options o = {0};
  o.rtol = 1e-10;
  o.atol = 1e-12;
  REMIT_CHECK_STATUS(remit_model_simulate(m, &o, times, NT, Y, NULL), REMIT_OK);
  double w = 65.0; /* default covariates: 65 kg */
  double err_a, err_b;
  remit_test_decay_errors(times, Y, NT, r, &err_a, &err_b);
  REMIT_CHECK(err_a < 1e-7, "boluses (incl. per-kg) match closed form, max rel err %.2e", err_a);
  REMIT_CHECK(err_b < 1e-7, "zero-order input matches closed form, max rel err %.2e", err_b);
  REMIT_CHECK_REL(Y[2 * 10], 100 * exp(-k * 10) + 2 * w * exp(-k * 5) + 50, 1e-7);
  remit_sim_stats st;
  remit_model_get_stats(m, &st);
  REMIT_CHECK(st.segments == 5, "one segment per distinct event time: %d", st.segments);

  /* Same inputs, same outputs: the workspace is reused without residue. */
  double Y2[NT * 2];
  REMIT_CHECK_STATUS(remit_model_simulate(m, &o, times, NT, Y2, NULL), REMIT_OK);
  REMIT_CHECK(memcmp(Y, Y2, sizeof Y) == 0, "repeat simulation is bitwise identical");

  /* Changing a parameter is seen by the next simulation. */
  REMIT_CHECK_STATUS(remit_model_set_param(m, "ka", 0.5), REMIT_OK);
  REMIT_CHECK_STATUS(remit_model_simulate(m, &o, times, NT, Y2, NULL), REMIT_OK);
  REMIT_CHECK_REL(Y2[2 * 4], 100 * exp(-0.5 * 4), 1e-7);
  remit_model_destroy(&m);
  remit_context_destroy(&ctx);
}

static void test_failures(void) {
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_model_spec spec = remit_test_decay_spec();
  spec.rhs = remit_test_decay_failing_rhs;
  remit_model *m;
  remit_model_create(ctx, &spec, &m);
  remit_dose d[] = {{0, 0, 10, 0}};
  remit_model_set_regimen(m, d, 1);
  double times[12], Y[24];
  for (int i = 0; i < 12; i++) {
    times[i] = i;
  }
  remit_status st = remit_model_simulate(m, NULL, times, 12, Y, NULL);
  REMIT_CHECK_STATUS(st, REMIT_ERR_MODEL);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "day") != NULL, "message gives the day: %s",
              remit_context_errmsg(ctx));
  REMIT_CHECK(isfinite(Y[2 * 7]) && isnan(Y[2 * 11]), "rows before the failure kept, after it NaN");
  remit_model_destroy(&m);

  spec = remit_test_decay_spec();
  remit_model_create(ctx, &spec, &m);
  remit_model_set_regimen(m, d, 1);
  remit_sim_options o = {0};
  o.max_steps = 2;
  o.rtol = 1e-12;
  double t2[] = {0, 1000};
  st = remit_model_simulate(m, &o, t2, 2, Y, NULL);
  REMIT_CHECK_STATUS(st, REMIT_ERR_SOLVER);
  REMIT_CHECK(isnan(Y[2]), "unreached row is NaN");
  remit_model_destroy(&m);

  /* A spec with a broken table is refused at creation. */
  remit_param_info bad_params[2];
  spec = remit_test_decay_spec();
  memcpy(bad_params, spec.params, sizeof bad_params);
  bad_params[1].value = 20; /* outside [0, 10] */
  spec.params = bad_params;
  REMIT_CHECK_STATUS(remit_model_create(ctx, &spec, &m), REMIT_ERR_ARG);
  REMIT_CHECK(m == NULL, "no model from a bad spec");
  remit_context_destroy(&ctx);
}

int main(void) {
  test_bolus_and_rate();
  remit_test_scheduled_events(REMIT_SOLVER_FAST); /* the default solver */
  test_failures();
  return remit_test_failures();
}
