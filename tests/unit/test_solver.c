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

static int decay_rhs(double t, const double *y, double *dy, const double *p, void *u) {
  (void)t;
  (void)u;
  dy[0] = -p[0] * y[0];
  dy[1] = -p[1] * y[1];
  return 0;
}

static const remit_var_info decay_states[] = {{"a", "mg", "first"}, {"b", "mg", "second"}};
static const double decay_y0[] = {0.0, 0.0};
static const remit_param_info decay_params[] = {
    {"ka", 0.2385, "1/day", 0, 0, 10, "test"},
    {"kb", 0.05, "1/day", 0, 0, 10, "test"},
};
static const remit_input decay_inputs[] = {
    {"bolus_a", "mg", 0, REMIT_INPUT_BOLUS, REMIT_SCALE_NONE, 1.0, 1e6, "bolus into a"},
    {"rate_b", "mg/day", 1, REMIT_INPUT_RATE, REMIT_SCALE_NONE, 1.0, 1e6, "infusion into b"},
    {"kg_a", "mg/kg", 0, REMIT_INPUT_BOLUS, REMIT_SCALE_PER_KG, 1.0, 1e6, "per kg into a"},
};

static remit_model_spec decay_spec(void) {
  remit_model_spec s = {0};
  s.name = "decay";
  s.n_states = 2;
  s.states = decay_states;
  s.y0 = decay_y0;
  s.n_params = 2;
  s.params = decay_params;
  s.n_inputs = 3;
  s.inputs = decay_inputs;
  s.rhs = decay_rhs;
  return s;
}

static void test_bolus_and_rate(void) {
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_model_spec spec = decay_spec();
  remit_model *m;
  REMIT_CHECK_STATUS(remit_model_create(ctx, &spec, &m), REMIT_OK);
  const double k = 0.2385, kb = 0.05, r = 3.7;
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
  double err_a = 0, err_b = 0;
  for (int i = 0; i < NT; i++) {
    double t = times[i];
    double a = 100 * exp(-k * t) + (t >= 5 ? 2 * w * exp(-k * (t - 5)) : 0) +
               (t >= 10 ? 50 * exp(-k * (t - 10)) : 0);
    double b = t <= 2    ? 0
               : t <= 22 ? r / kb * (1 - exp(-kb * (t - 2)))
                         : r / kb * (1 - exp(-kb * 20)) * exp(-kb * (t - 22));
    err_a = fmax(err_a, fabs(Y[2 * i] - a) / fmax(1e-3, a));
    err_b = fmax(err_b, fabs(Y[2 * i + 1] - b) / fmax(1e-3, b));
  }
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

/* A model that turns its one dose into a SET and a delayed MOVE, the way the
 * SLE model schedules the Stein special case. */
static int sched(const remit_input *in, double day, double amount, double duration,
                 const double *p, remit_event *ev, int max, void *u) {
  (void)in;
  (void)duration;
  (void)p;
  (void)u;
  if (max < 2) {
    return -1;
  }
  ev[0] = (remit_event){day, day, REMIT_EVENT_SET, 0, -1, amount};
  ev[1] = (remit_event){day + 3, day + 3, REMIT_EVENT_MOVE, 0, 1, 0.25};
  return 2;
}

static void test_scheduled_events(void) {
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_model_spec spec = decay_spec();
  spec.schedule = sched;
  remit_model *m;
  remit_model_create(ctx, &spec, &m);
  remit_dose d[] = {{1, 0, 40, 0}};
  remit_model_set_regimen(m, d, 1);
  double times[] = {0, 1, 4, 6}, Y[8];
  remit_sim_options o = {0};
  o.rtol = 1e-10;
  o.atol = 1e-12;
  REMIT_CHECK_STATUS(remit_model_simulate(m, &o, times, 4, Y, NULL), REMIT_OK);
  const double k = 0.2385, kb = 0.05;
  double a4 = 40 * exp(-3 * k);
  REMIT_CHECK_REL(Y[2], 40.0, 1e-12);
  REMIT_CHECK_REL(Y[4], 0.75 * a4, 1e-7);
  REMIT_CHECK_REL(Y[5], 0.25 * a4, 1e-7);
  REMIT_CHECK_REL(Y[7], 0.25 * a4 * exp(-2 * kb), 1e-7);
  remit_model_destroy(&m);
  remit_context_destroy(&ctx);
}

static int failing_rhs(double t, const double *y, double *dy, const double *p, void *u) {
  (void)u;
  dy[0] = -p[0] * y[0];
  dy[1] = 0;
  return t > 7.5 ? -1 : 0;
}

static void test_failures(void) {
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_model_spec spec = decay_spec();
  spec.rhs = failing_rhs;
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

  spec = decay_spec();
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
  memcpy(bad_params, decay_params, sizeof bad_params);
  bad_params[1].value = 20; /* outside [0, 10] */
  spec = decay_spec();
  spec.params = bad_params;
  REMIT_CHECK_STATUS(remit_model_create(ctx, &spec, &m), REMIT_ERR_ARG);
  REMIT_CHECK(m == NULL, "no model from a bad spec");
  remit_context_destroy(&ctx);
}

int main(void) {
  test_bolus_and_rate();
  test_scheduled_events();
  test_failures();
  return remit_test_failures();
}
