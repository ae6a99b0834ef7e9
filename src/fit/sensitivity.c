/* SPDX-License-Identifier: MIT
 *
 * sensitivity.c: which parameters drive which output.
 *
 * Two methods, both on a caller-supplied function of k inputs (the CLI
 * wraps the evaluator: parameters in, mapped trial statistics out):
 *  - local: normalised elasticities d log y / d log x by central differences
 *    at the current values;
 *  - global: Morris elementary effects (one-at-a-time trajectories on a
 *    grid of the unit cube), reporting mu* (mean |EE|), mu and sigma.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "core/core_impl.h"
#include "fit_impl.h"

remit_status remit_elasticities(remit_context *ctx, remit_sens_fn f, void *user, const double *x,
                                int k, int n_out, double h, double *base, double *out) {
  if (!ctx || !f || !x || k < 1 || n_out < 1 || !(h > 0.0 && h < 1.0) || !base || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_elasticities: bad arguments");
  }
  double *xp = malloc(sizeof(double) * (size_t)k);
  double *yp = malloc(sizeof(double) * (size_t)n_out);
  double *ym = malloc(sizeof(double) * (size_t)n_out);
  remit_status st = REMIT_OK;
  if (!xp || !yp || !ym) {
    st = REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory");
    goto done;
  }
  memcpy(xp, x, sizeof(double) * (size_t)k);
  if (f(xp, k, base, n_out, user) != 0) {
    st = REMIT_ERROR(ctx, REMIT_ERR_MODEL, "elasticities: the base run failed");
    goto done;
  }
  for (int i = 0; i < k; i++) {
    double *row = out + (size_t)i * n_out;
    if (x[i] == 0.0) { /* no relative change of a zero value */
      for (int j = 0; j < n_out; j++) {
        row[j] = NAN;
      }
      continue;
    }
    xp[i] = x[i] * (1.0 + h);
    int bad = f(xp, k, yp, n_out, user) != 0;
    xp[i] = x[i] * (1.0 - h);
    bad |= f(xp, k, ym, n_out, user) != 0;
    xp[i] = x[i];
    for (int j = 0; j < n_out; j++) {
      row[j] = bad || base[j] == 0.0 || !isfinite(base[j]) ? NAN
                                                            : (yp[j] - ym[j]) / (2.0 * h * base[j]);
    }
  }
done:
  free(xp);
  free(yp);
  free(ym);
  return st;
}

remit_status remit_morris(remit_context *ctx, remit_sens_fn f, void *user, int k, int n_out,
                          int r, int levels, uint64_t seed, double *mu_star, double *mu,
                          double *sigma) {
  if (!ctx || !f || k < 1 || n_out < 1 || r < 2 || levels < 2 || levels % 2 != 0 || !mu_star ||
      !mu || !sigma) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG,
                       "remit_morris: k >= 1, n_out >= 1, r >= 2 and an even number of levels >= 2");
  }
  /* Morris's recommended step: delta = p / (2 (p - 1)) on the grid
   * {0, 1/(p-1), ..., 1}, so every level has a partner at +/- delta. */
  double delta = (double)levels / (2.0 * (levels - 1));
  size_t kn = (size_t)k * (size_t)n_out;
  double *x = malloc(sizeof(double) * (size_t)k);
  double *y0 = malloc(sizeof(double) * (size_t)n_out);
  double *y1 = malloc(sizeof(double) * (size_t)n_out);
  double *sum2 = calloc(kn, sizeof(double));
  int *cnt = calloc(kn, sizeof(int));
  int *order = malloc(sizeof(int) * (size_t)k);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  remit_status st = REMIT_OK;
  if (!x || !y0 || !y1 || !sum2 || !cnt || !order || !rng) {
    st = REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory");
    goto done;
  }
  gsl_rng_set(rng, (unsigned long)(seed ? seed : 1));
  memset(mu_star, 0, sizeof(double) * kn);
  memset(mu, 0, sizeof(double) * kn);
  for (int t = 0; t < r; t++) {
    for (int i = 0; i < k; i++) {
      x[i] = (double)gsl_rng_uniform_int(rng, (unsigned long)levels) / (levels - 1);
      order[i] = i;
    }
    gsl_ran_shuffle(rng, order, (size_t)k, sizeof(int));
    if (f(x, k, y0, n_out, user) != 0) {
      st = REMIT_ERROR(ctx, REMIT_ERR_MODEL, "morris: a run failed");
      goto done;
    }
    for (int s = 0; s < k; s++) {
      int i = order[s];
      double step = x[i] + delta <= 1.0 + 1e-12 ? delta : -delta;
      x[i] += step;
      if (f(x, k, y1, n_out, user) != 0) {
        st = REMIT_ERROR(ctx, REMIT_ERR_MODEL, "morris: a run failed");
        goto done;
      }
      for (int j = 0; j < n_out; j++) {
        double ee = (y1[j] - y0[j]) / step;
        size_t a = (size_t)i * n_out + j;
        if (isfinite(ee)) {
          mu[a] += ee;
          mu_star[a] += fabs(ee);
          sum2[a] += ee * ee;
          cnt[a]++;
        }
        y0[j] = y1[j];
      }
    }
  }
  for (size_t a = 0; a < kn; a++) {
    int c = cnt[a];
    double m = c ? mu[a] / c : NAN;
    mu_star[a] = c ? mu_star[a] / c : NAN;
    sigma[a] = c > 1 ? sqrt(fmax(sum2[a] - c * m * m, 0.0) / (c - 1)) : NAN;
    mu[a] = m;
  }
done:
  free(x);
  free(y0);
  free(y1);
  free(sum2);
  free(cnt);
  free(order);
  if (rng) {
    gsl_rng_free(rng);
  }
  return st;
}
