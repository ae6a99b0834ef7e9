/* SPDX-License-Identifier: MIT
 *
 * population.c: covariates through a Gaussian copula, parameters log-normal.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "core/core_impl.h"
#include "fit/fit_impl.h"
#include "population.h"

/* Most parameters that may vary between patients (a stack buffer per draw). */
#define REMIT_MAX_VARYING 256

struct remit__population {
  remit_population pop;                 /* shallow copy of the scenario's description */
  double chol_cov[REMIT_N_COVARIATES][REMIT_N_COVARIATES]; /* lower Cholesky factor */
  int n_params;
  double *typical;                      /* n_params typical values */
  int n_vary;
  int *vary;                            /* indices of varying parameters */
  double *omega;                        /* their log-scale SDs */
  double *chol_iiv;                     /* n_vary × n_vary lower Cholesky factor */
  double *lower, *upper;                /* parameter bounds */
};

/* Lower Cholesky factor of an n×n correlation matrix (row-major) in place
 * into L; GSL leaves the factor in the lower triangle. */
static remit_status cholesky(remit_context *ctx, const double *corr, int n, double *L,
                             const char *what) {
  gsl_matrix_view mv = gsl_matrix_view_array(L, (size_t)n, (size_t)n);
  memcpy(L, corr, sizeof(double) * (size_t)n * (size_t)n);
  gsl_error_handler_t *old = gsl_set_error_handler_off();
  int rc = gsl_linalg_cholesky_decomp1(&mv.matrix);
  gsl_set_error_handler(old);
  if (rc != 0) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s correlation matrix is not positive definite", what);
  }
  for (int i = 0; i < n; i++) {
    for (int j = i + 1; j < n; j++) {
      L[i * n + j] = 0.0;
    }
  }
  return REMIT_OK;
}

remit_status remit__population_create(remit_context *ctx, const remit_scenario *sc,
                                      const remit_model_spec *spec, remit__population **out) {
  *out = NULL;
  remit__population *pp = remit__calloc(ctx, 1, sizeof(*pp));
  if (!pp) {
    return REMIT_ERR_NOMEM;
  }
  remit_status st = REMIT_OK;
  const remit_population *pop = &sc->population;
  pp->pop = *pop;
  double corr[REMIT_N_COVARIATES * REMIT_N_COVARIATES];
  for (int i = 0; i < REMIT_N_COVARIATES; i++) {
    for (int j = 0; j < REMIT_N_COVARIATES; j++) {
      double r = pop->correlation[i][j];
      corr[i * REMIT_N_COVARIATES + j] = i == j ? 1.0 : r;
    }
  }
  if ((st = cholesky(ctx, corr, REMIT_N_COVARIATES, &pp->chol_cov[0][0], "covariate")) != REMIT_OK) {
    goto fail;
  }
  int np = spec->n_params;
  pp->n_params = np;
  pp->typical = remit__calloc(ctx, (size_t)np + 1, sizeof(double));
  pp->vary = remit__calloc(ctx, (size_t)np + 1, sizeof(int));
  pp->omega = remit__calloc(ctx, (size_t)np + 1, sizeof(double));
  pp->lower = remit__calloc(ctx, (size_t)np + 1, sizeof(double));
  pp->upper = remit__calloc(ctx, (size_t)np + 1, sizeof(double));
  if (!pp->typical || !pp->vary || !pp->omega || !pp->lower || !pp->upper) {
    st = REMIT_ERR_NOMEM;
    goto fail;
  }
  for (int k = 0; k < np; k++) {
    pp->lower[k] = spec->params[k].lower;
    pp->upper[k] = spec->params[k].upper;
  }
  /* Typical values: the table, then the scenario's parameter_set file, then
   * its `parameters:` overrides (src/fit/paramset.c). */
  if ((st = remit__scenario_typical(ctx, sc, spec, pp->typical)) != REMIT_OK) {
    goto fail;
  }
  /* Which parameters vary, and how much: the table's CV unless overridden. */
  for (int k = 0; k < np; k++) {
    double cv = pop->use_table_iiv ? spec->params[k].cv : 0.0;
    for (int j = 0; j < pop->n_iiv; j++) {
      if (strcmp(pop->iiv[j].param, spec->params[k].name) == 0) {
        cv = pop->iiv[j].cv;
      }
    }
    if (cv > 0.0) {
      pp->vary[pp->n_vary] = k;
      pp->omega[pp->n_vary] = sqrt(log1p(cv * cv));
      pp->n_vary++;
    }
  }
  for (int j = 0; j < pop->n_iiv; j++) {
    if (remit_spec_param_index(spec, pop->iiv[j].param) < 0) {
      st = REMIT_ERROR(ctx, REMIT_ERR_NOT_FOUND, "variability given for '%s', not a parameter of %s",
                       pop->iiv[j].param, spec->name);
      goto fail;
    }
  }
  int nv = pp->n_vary;
  if (nv > REMIT_MAX_VARYING) {
    st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%d varying parameters; at most %d", nv, REMIT_MAX_VARYING);
    goto fail;
  }
  if (nv > 0) {
    double *c = remit__calloc(ctx, (size_t)nv * (size_t)nv, sizeof(double));
    pp->chol_iiv = remit__calloc(ctx, (size_t)nv * (size_t)nv, sizeof(double));
    if (!c || !pp->chol_iiv) {
      remit__free(ctx, c);
      st = REMIT_ERR_NOMEM;
      goto fail;
    }
    for (int i = 0; i < nv; i++) {
      c[i * nv + i] = 1.0;
    }
    for (int k = 0; k < pop->n_iiv_corr; k++) {
      int a = -1, b = -1;
      for (int i = 0; i < nv; i++) {
        const char *name = spec->params[pp->vary[i]].name;
        a = strcmp(name, pop->iiv_corr_a[k]) == 0 ? i : a;
        b = strcmp(name, pop->iiv_corr_b[k]) == 0 ? i : b;
      }
      if (a < 0 || b < 0) {
        remit__free(ctx, c);
        st = REMIT_ERROR(ctx, REMIT_ERR_ARG,
                         "correlation between %s and %s: both must be varying parameters",
                         pop->iiv_corr_a[k], pop->iiv_corr_b[k]);
        goto fail;
      }
      c[a * nv + b] = c[b * nv + a] = pop->iiv_corr[k];
    }
    st = cholesky(ctx, c, nv, pp->chol_iiv, "parameter");
    remit__free(ctx, c);
    if (st != REMIT_OK) {
      goto fail;
    }
  }
  *out = pp;
  return REMIT_OK;
fail:
  remit__population_destroy(ctx, &pp);
  return st;
}

void remit__population_destroy(remit_context *ctx, remit__population **pp) {
  if (!pp || !*pp) {
    return;
  }
  remit__population *p = *pp;
  remit__free(ctx, p->typical);
  remit__free(ctx, p->vary);
  remit__free(ctx, p->omega);
  remit__free(ctx, p->chol_iiv);
  remit__free(ctx, p->lower);
  remit__free(ctx, p->upper);
  remit__free(ctx, p);
  *pp = NULL;
}

/* Quantile u in (0, 1) of a marginal, truncated to [lower, upper]. */
static double marginal(const remit_dist *d, double u) {
  switch (d->kind) {
    case REMIT_DIST_FIXED:
      return d->a;
    case REMIT_DIST_NORMAL:
    case REMIT_DIST_LOGNORMAL:
    case REMIT_DIST_UNIFORM: {
      /* Inverse-CDF truncation: map u into [F(lower), F(upper)]. */
      double lo = d->lower, hi = d->upper, flo, fhi, x;
      if (d->kind == REMIT_DIST_NORMAL) {
        flo = isfinite(lo) ? gsl_cdf_gaussian_P(lo - d->a, d->b) : 0.0;
        fhi = isfinite(hi) ? gsl_cdf_gaussian_P(hi - d->a, d->b) : 1.0;
        x = d->a + gsl_cdf_gaussian_Pinv(flo + u * (fhi - flo), d->b);
      } else if (d->kind == REMIT_DIST_LOGNORMAL) {
        double zeta = log(d->a), sigma = sqrt(log1p(d->b * d->b));
        flo = lo > 0.0 && isfinite(lo) ? gsl_cdf_lognormal_P(lo, zeta, sigma) : 0.0;
        fhi = isfinite(hi) ? gsl_cdf_lognormal_P(hi, zeta, sigma) : 1.0;
        x = gsl_cdf_lognormal_Pinv(flo + u * (fhi - flo), zeta, sigma);
      } else {
        double a = isfinite(lo) && lo > d->a ? lo : d->a;
        double b = isfinite(hi) && hi < d->b ? hi : d->b;
        x = a + u * (b - a);
      }
      /* Guard the ends the quantile functions can overshoot by rounding. */
      if (isfinite(lo) && x < lo) x = lo;
      if (isfinite(hi) && x > hi) x = hi;
      return x;
    }
    case REMIT_DIST_CATEGORICAL: {
      double cum = 0.0;
      for (int k = 0; k < d->n_values; k++) {
        cum += d->probs[k];
        if (u < cum) {
          return d->values[k];
        }
      }
      return d->values[d->n_values - 1];
    }
    case REMIT_DIST_EMPIRICAL: {
      int k = (int)(u * d->n_values);
      return d->values[k < d->n_values ? k : d->n_values - 1];
    }
  }
  return NAN;
}

void remit__population_draw(const remit__population *pp, uint64_t seed, int replicate,
                            long patient, double *cov, double *params) {
  remit__rng r;
  double z[REMIT_N_COVARIATES];
  remit__rng_key(&r, seed, (uint64_t)replicate, (uint64_t)patient, REMIT_STREAM_COVARIATES);
  for (int i = 0; i < REMIT_N_COVARIATES; i++) {
    z[i] = gsl_ran_gaussian_ziggurat(&r.gsl, 1.0);
  }
  for (int i = 0; i < REMIT_N_COVARIATES; i++) {
    double x = 0.0;
    for (int j = 0; j <= i; j++) {
      x += pp->chol_cov[i][j] * z[j];
    }
    /* Normal score -> uniform, kept off 0 and 1 so quantiles stay finite. */
    double u = gsl_cdf_ugaussian_P(x);
    u = fmin(fmax(u, 1e-15), 1.0 - 1e-15);
    cov[i] = marginal(&pp->pop.covariates[i], u);
  }
  if (!params) {
    return;
  }
  memcpy(params, pp->typical, sizeof(double) * (size_t)pp->n_params);
  int nv = pp->n_vary;
  if (nv == 0) {
    return;
  }
  remit__rng_key(&r, seed, (uint64_t)replicate, (uint64_t)patient, REMIT_STREAM_IIV);
  double eta_raw[REMIT_MAX_VARYING];
  for (int i = 0; i < nv; i++) {
    eta_raw[i] = gsl_ran_gaussian_ziggurat(&r.gsl, 1.0);
  }
  for (int i = 0; i < nv; i++) {
    double eta = 0.0;
    for (int j = 0; j <= i; j++) {
      eta += pp->chol_iiv[i * nv + j] * eta_raw[j];
    }
    int k = pp->vary[i];
    /* A draw beyond the table's admissible range is clamped to it. */
    double v = pp->typical[k] * exp(pp->omega[i] * eta);
    params[k] = fmin(fmax(v, pp->lower[k]), pp->upper[k]);
  }
}

void remit__population_model_covariates(const double *c, remit_covariates *out) {
  out->age_y = c[REMIT_COV_AGE];
  out->sex = c[REMIT_COV_SEX] >= 0.5 ? 1 : 0;
  out->weight_kg = c[REMIT_COV_WEIGHT];
  out->height_cm = c[REMIT_COV_HEIGHT];
  out->sledai0 = c[REMIT_COV_SLEDAI];
  out->renal = c[REMIT_COV_RENAL] >= 0.5 ? 1 : 0;
}

const double *remit__population_typical(const remit__population *pp) { return pp->typical; }

int remit__population_n_varying(const remit__population *pp) { return pp->n_vary; }
const int *remit__population_varying(const remit__population *pp) { return pp->vary; }

int remit__criterion_holds(const remit_criterion *c, double v) {
  switch (c->cmp) {
    case REMIT_CMP_GE: return v >= c->value;
    case REMIT_CMP_GT: return v > c->value;
    case REMIT_CMP_LE: return v <= c->value;
    case REMIT_CMP_LT: return v < c->value;
    case REMIT_CMP_EQ: return v == c->value;
  }
  return 0;
}
