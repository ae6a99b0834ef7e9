/* SPDX-License-Identifier: MIT
 *
 * test_core.c: the context, status texts, allocation failure handling and
 * the validation a user relies on: bad parameters, covariates and doses are
 * refused with a message and leave the model unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "remit/remit.h"
#include "remit_test.h"


static void test_status_and_context(void) {
  REMIT_CHECK(strcmp(remit_status_str(REMIT_OK), "success") == 0, "REMIT_OK text");
  REMIT_CHECK(strcmp(remit_status_str((remit_status)-999), "unknown status") == 0, "unknown code");
  remit_context *ctx = NULL;
  REMIT_CHECK_STATUS(remit_context_create(NULL, &ctx), REMIT_OK);
  REMIT_CHECK(remit_context_last_error(ctx) == REMIT_OK && remit_context_errmsg(ctx)[0] == '\0',
              "fresh context has no error");
  remit_context_destroy(&ctx);
  REMIT_CHECK(ctx == NULL, "destroy nulls the handle");
  remit_context_destroy(&ctx); /* harmless twice */
  remit_context_destroy(NULL);
  remit_allocator half = {remit_test_malloc, NULL, remit_test_free, NULL};
  REMIT_CHECK_STATUS(remit_context_create(&half, &ctx), REMIT_ERR_ARG);
  REMIT_CHECK(strstr(remit_build_info(), "SUNDIALS") != NULL, "build info names SUNDIALS: %s",
              remit_build_info());
}

/* Every allocation failure during model creation is reported, never a crash
 * or a leak (run under valgrind/ASan to see the latter). */
static void test_oom(void) {
  int failures_seen = 0;
  for (int budget = 1; budget < 40; budget++) {
    remit_test_failing f = {budget};
    remit_allocator a = {remit_test_malloc, remit_test_realloc, remit_test_free, &f};
    remit_context *ctx = NULL;
    if (remit_context_create(&a, &ctx) != REMIT_OK) {
      failures_seen++;
      continue;
    }
    remit_model *m = NULL;
    remit_status st = remit_model_create(ctx, remit_spec_sle(), &m);
    if (st != REMIT_OK) {
      failures_seen++;
      REMIT_CHECK(m == NULL && st == REMIT_ERR_NOMEM, "budget %d: OOM reported (%s)", budget,
                  remit_context_errmsg(ctx));
    }
    remit_model_destroy(&m);
    remit_context_destroy(&ctx);
  }
  REMIT_CHECK(failures_seen > 0, "injected allocation failures were exercised");
}

static void test_validation(void) {
  remit_context *ctx = NULL;
  remit_context_create(NULL, &ctx);
  remit_model *m = NULL;
  REMIT_CHECK_STATUS(remit_model_create(ctx, remit_spec_sle(), &m), REMIT_OK);
  const remit_model_spec *spec = remit_model_get_spec(m);
  REMIT_CHECK_STATUS(remit_spec_check(ctx, spec), REMIT_OK);
  REMIT_CHECK_STATUS(remit_spec_check(ctx, remit_spec_reference()), REMIT_OK);

  /* Parameters: unknown names, NaN and out-of-range values are refused. */
  const char *p0 = spec->params[0].name;
  double v0 = remit_model_get_params(m)[0];
  REMIT_CHECK_STATUS(remit_model_set_param(m, "no_such_parameter", 1.0), REMIT_ERR_NOT_FOUND);
  REMIT_CHECK_STATUS(remit_model_set_param(m, p0, NAN), REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(remit_model_set_param(m, p0, spec->params[0].upper * 2 + 1), REMIT_ERR_RANGE);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), p0) != NULL, "message names the parameter: %s",
              remit_context_errmsg(ctx));
  REMIT_CHECK(remit_model_get_params(m)[0] == v0, "refused value leaves the model unchanged");

  /* Covariates. */
  remit_covariates c;
  remit_model_get_covariates(m, &c);
  remit_covariates bad = c;
  bad.weight_kg = NAN;
  REMIT_CHECK_STATUS(remit_model_set_covariates(m, &bad), REMIT_ERR_RANGE);
  bad = c;
  bad.height_cm = 1e9;
  REMIT_CHECK_STATUS(remit_model_set_covariates(m, &bad), REMIT_ERR_RANGE);
  bad = c;
  bad.sex = 7;
  REMIT_CHECK_STATUS(remit_model_set_covariates(m, &bad), REMIT_ERR_RANGE);

  /* Doses: unknown input, negative, NaN, absurd, bolus with duration, rate without. */
  int cart = remit_spec_input_index(spec, "cart19");
  int pred = remit_spec_input_index(spec, "prednisone");
  REMIT_CHECK(cart >= 0 && pred >= 0, "the SLE model doses cart19 and prednisone");
  remit_dose d[1];
  d[0] = (remit_dose){0, 999, 1, 0};
  REMIT_CHECK_STATUS(remit_model_set_regimen(m, d, 1), REMIT_ERR_ARG);
  d[0] = (remit_dose){0, cart, -1e6, 0};
  REMIT_CHECK_STATUS(remit_model_set_regimen(m, d, 1), REMIT_ERR_RANGE);
  d[0] = (remit_dose){0, cart, NAN, 0};
  REMIT_CHECK_STATUS(remit_model_set_regimen(m, d, 1), REMIT_ERR_RANGE);
  d[0] = (remit_dose){0, cart, 1e30, 0};
  REMIT_CHECK_STATUS(remit_model_set_regimen(m, d, 1), REMIT_ERR_RANGE);
  d[0] = (remit_dose){NAN, cart, 1e6, 0};
  REMIT_CHECK_STATUS(remit_model_set_regimen(m, d, 1), REMIT_ERR_RANGE);
  d[0] = (remit_dose){0, cart, 1e6, 3};
  REMIT_CHECK_STATUS(remit_model_set_regimen(m, d, 1), REMIT_ERR_ARG);
  d[0] = (remit_dose){0, pred, 10, 0};
  REMIT_CHECK_STATUS(remit_model_set_regimen(m, d, 1), REMIT_ERR_RANGE);
  d[0] = (remit_dose){0, pred, 10, 30};
  REMIT_CHECK_STATUS(remit_model_set_regimen(m, d, 1), REMIT_OK);

  /* Simulation arguments. */
  double times[3] = {0, 2, 1}, out[3 * 256];
  REMIT_CHECK(spec->n_states <= 256, "test buffer large enough");
  REMIT_CHECK_STATUS(remit_model_simulate(m, NULL, times, 3, out, NULL), REMIT_ERR_ARG);
  double t2[2] = {0, 10};
  remit_sim_options o = {0};
  o.rtol = -1;
  REMIT_CHECK_STATUS(remit_model_simulate(m, &o, t2, 2, out, NULL), REMIT_ERR_RANGE);
  o.rtol = 1e-6;
  o.t_start = 5; /* after the first output time */
  REMIT_CHECK_STATUS(remit_model_simulate(m, &o, t2, 2, out, NULL), REMIT_ERR_RANGE);
  d[0] = (remit_dose){-3, cart, 1e6, 0}; /* before the start (day 0) */
  remit_model_set_regimen(m, d, 1);
  REMIT_CHECK_STATUS(remit_model_simulate(m, NULL, t2, 2, out, NULL), REMIT_ERR_RANGE);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "before") != NULL, "says why: %s",
              remit_context_errmsg(ctx));
  remit_model_destroy(&m);
  remit_context_destroy(&ctx);
}

int main(void) {
  test_status_and_context();
  test_oom();
  test_validation();
  return remit_test_failures();
}
