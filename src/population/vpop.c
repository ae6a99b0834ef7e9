/* SPDX-License-Identifier: MIT
 *
 * vpop.c: the target and plausible densities of baseline readouts and the
 * acceptance probability of Allen et al. 2016 (vpop.h says what and why).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "core/core_impl.h"
#include "vpop.h"

#define D_MAX REMIT_VPOP_MAX_TARGETS
/* Fewest usable pilot rows a density estimate is made from. */
#define MIN_USABLE 10
/* Normal scores are taken from probabilities kept this far from 0 and 1. */
#define U_EPS 1e-15
/* log √(2π), the Gaussian kernel's normalisation. */
#define LOG_SQRT_2PI 0.91893853320467274178

struct remit__vpop {
  int d;
  int log_scale[D_MAX];   /* 1: the working scale is log x (log-normal target) */
  remit_dist_kind kind[D_MAX];
  double mu[D_MAX];       /* normal / log-normal: location on the working scale */
  double sigma[D_MAX];    /* ... and scale; uniform: mu = low, sigma = high - low */
  double zlo[D_MAX], zhi[D_MAX]; /* support on the working scale */
  double plo[D_MAX], pmass[D_MAX]; /* CDF at the lower bound and mass kept (normal scores) */
  int copula;             /* 1: Gaussian copula with precision - identity in prec */
  double prec[D_MAX * D_MAX];
  int n_pilot, m;         /* pilot patients given; rows in z */
  double *z;              /* m × d pilot readouts on the working scale */
  double inv_h[D_MAX];    /* 1 / bandwidth */
  double h[D_MAX];
  double log_norm;        /* −log(m + 1) − Σ log(h_k √(2π)) */
  double log_c;
  double expected;
};

/* ------------------------------------------------------------------------ */
/* Target density                                                            */
/* ------------------------------------------------------------------------ */

static double working(const remit__vpop *v, int k, double x) {
  if (!v->log_scale[k]) {
    return x;
  }
  return x > 0.0 ? log(x) : -INFINITY;
}

/* log t(z) up to a constant, on the working scale; −∞ outside the support. */
static double target_log(const remit__vpop *v, const double *z) {
  double lp = 0.0, q[D_MAX];
  for (int k = 0; k < v->d; k++) {
    if (!isfinite(z[k]) || z[k] < v->zlo[k] || z[k] > v->zhi[k]) {
      return -INFINITY;
    }
    if (v->kind[k] == REMIT_DIST_UNIFORM) {
      q[k] = (z[k] - v->mu[k]) / v->sigma[k]; /* the uniform's probability, for the copula */
    } else {
      double s = (z[k] - v->mu[k]) / v->sigma[k];
      lp -= 0.5 * s * s;
      q[k] = v->pmass[k] < 1.0 ? (gsl_cdf_ugaussian_P(s) - v->plo[k]) / v->pmass[k] : s;
    }
    if (v->copula && (v->kind[k] == REMIT_DIST_UNIFORM || v->pmass[k] < 1.0)) {
      q[k] = gsl_cdf_ugaussian_Pinv(fmin(fmax(q[k], U_EPS), 1.0 - U_EPS));
    }
  }
  if (v->copula) {
    /* Gaussian copula density: exp(−½ qᵀ(R⁻¹ − I)q) / √|R| (the constant dropped). */
    double quad = 0.0;
    for (int i = 0; i < v->d; i++) {
      for (int j = 0; j < v->d; j++) {
        quad += q[i] * v->prec[i * v->d + j] * q[j];
      }
    }
    lp -= 0.5 * quad;
  }
  return lp;
}

/* R⁻¹ − I of a d×d correlation matrix through its Cholesky factor; 0 if the
 * matrix is not positive definite (the loader has checked it is). */
static int copula_precision(const double *R, int d, double *out) {
  double L[D_MAX * D_MAX], inv[D_MAX * D_MAX];
  memcpy(L, R, sizeof(double) * (size_t)(d * d));
  if (!remit__cholesky(L, d, 0.0)) {
    return 0;
  }
  for (int c = 0; c < d; c++) { /* column c of R⁻¹: solve L y = e_c, then Lᵀ x = y */
    double y[D_MAX];
    for (int i = 0; i < d; i++) {
      double t = i == c ? 1.0 : 0.0;
      for (int k = 0; k < i; k++) {
        t -= L[i * d + k] * y[k];
      }
      y[i] = t / L[i * d + i];
    }
    for (int i = d - 1; i >= 0; i--) {
      double t = y[i];
      for (int k = i + 1; k < d; k++) {
        t -= L[k * d + i] * inv[k * d + c];
      }
      inv[i * d + c] = t / L[i * d + i];
    }
  }
  for (int i = 0; i < d * d; i++) {
    out[i] = inv[i] - (i % (d + 1) == 0 ? 1.0 : 0.0);
  }
  return 1;
}

static void set_target(remit__vpop *v, int k, const remit_dist *t) {
  v->kind[k] = t->kind;
  v->log_scale[k] = t->kind == REMIT_DIST_LOGNORMAL;
  v->zlo[k] = -INFINITY;
  v->zhi[k] = INFINITY;
  v->plo[k] = 0.0;
  v->pmass[k] = 1.0;
  if (t->kind == REMIT_DIST_UNIFORM) {
    v->mu[k] = t->a;
    v->sigma[k] = t->b - t->a;
    v->zlo[k] = t->a;
    v->zhi[k] = t->b;
    return;
  }
  v->mu[k] = t->kind == REMIT_DIST_LOGNORMAL ? log(t->a) : t->a;
  v->sigma[k] = t->kind == REMIT_DIST_LOGNORMAL ? sqrt(log1p(t->b * t->b)) : t->b;
  if (isfinite(t->lower)) {
    v->zlo[k] = working(v, k, t->lower);
  }
  if (isfinite(t->upper)) {
    v->zhi[k] = working(v, k, t->upper);
  }
  v->plo[k] = gsl_cdf_ugaussian_P((v->zlo[k] - v->mu[k]) / v->sigma[k]);
  v->pmass[k] = gsl_cdf_ugaussian_P((v->zhi[k] - v->mu[k]) / v->sigma[k]) - v->plo[k];
}

/* ------------------------------------------------------------------------ */
/* Plausible density                                                         */
/* ------------------------------------------------------------------------ */

/* log q̂(z): the kernel estimate over the pilot rows and z itself.  Every
 * kernel term exp(−½ Σ s²) is at most 1 and z's own term is exactly 1, so
 * the sum lies in [1, m + 1]: no underflow far out in the pilot's tails and
 * no need for a log-sum-exp. */
static double plausible_log(const remit__vpop *v, const double *z) {
  const int d = v->d;
  double sum = 1.0;
  for (int i = 0; i < v->m; i++) {
    const double *zi = v->z + (size_t)i * d;
    double e = 0.0;
    for (int k = 0; k < d; k++) {
      double s = (z[k] - zi[k]) * v->inv_h[k];
      e -= 0.5 * s * s;
    }
    sum += exp(e);
  }
  return log(sum) + v->log_norm;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Type-7 quantile of sorted s[0..n). */
static double quantile7(const double *s, int n, double p) {
  double h = (n - 1) * p;
  int i = (int)floor(h);
  return i + 1 < n ? s[i] + (h - i) * (s[i + 1] - s[i]) : s[n - 1];
}

/* Bandwidths by Silverman's rule of thumb for a d-dimensional Gaussian
 * kernel, with the robust spread min(sd, IQR/1.349) (the IQR alone when the
 * SD is 0 cannot happen; the SD alone when the IQR is 0, as for a readout
 * with mostly one value). */
static remit_status bandwidths(remit_context *ctx, remit__vpop *v, const remit_vpop *spec) {
  const int d = v->d, m = v->m;
  double *col = remit__calloc(ctx, (size_t)m, sizeof(double));
  if (!col) {
    return REMIT_ERR_NOMEM;
  }
  double factor = pow(4.0 / (d + 2.0), 1.0 / (d + 4.0)) * pow((double)m, -1.0 / (d + 4.0));
  v->log_norm = -log((double)m + 1.0);
  remit_status st = REMIT_OK;
  for (int k = 0; k < d && st == REMIT_OK; k++) {
    double mean = 0.0, ss = 0.0;
    for (int i = 0; i < m; i++) {
      col[i] = v->z[(size_t)i * d + k];
      mean += col[i];
    }
    mean /= m;
    for (int i = 0; i < m; i++) {
      ss += (col[i] - mean) * (col[i] - mean);
    }
    double sd = sqrt(ss / (m - 1));
    qsort(col, (size_t)m, sizeof(double), cmp_double);
    double iqr = quantile7(col, m, 0.75) - quantile7(col, m, 0.25);
    double spread = iqr > 0.0 ? fmin(sd, iqr / 1.349) : sd;
    if (!(spread > 0.0)) {
      st = REMIT_ERROR(ctx, REMIT_ERR_RANGE,
                       "vpop.targets.%s: the readout is %g in all %d usable pilot patients; a "
                       "readout that does not vary cannot be selected on (vary the covariates or "
                       "parameters that drive it)",
                       spec->targets[k].readout, v->log_scale[k] ? exp(col[0]) : col[0], m);
      break;
    }
    v->h[k] = factor * spread;
    v->inv_h[k] = 1.0 / v->h[k];
    v->log_norm -= log(v->h[k]) + LOG_SQRT_2PI;
  }
  remit__free(ctx, col);
  return st;
}

/* ------------------------------------------------------------------------ */
/* The selector                                                              */
/* ------------------------------------------------------------------------ */

remit_status remit__vpop_create(remit_context *ctx, const remit_vpop *spec, const double *x, int m,
                                remit__vpop **out) {
  *out = NULL;
  const int d = spec->n_targets;
  if (d < 1 || d > D_MAX || m < 1 || !x) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit__vpop_create: %d targets, %d pilot rows", d, m);
  }
  remit__vpop *v = remit__calloc(ctx, 1, sizeof(*v));
  if (!v) {
    return REMIT_ERR_NOMEM;
  }
  remit_status st = REMIT_OK;
  double *lr = NULL;
  v->d = d;
  v->n_pilot = m;
  for (int k = 0; k < d; k++) {
    set_target(v, k, &spec->targets[k].dist);
  }
  if (spec->correlation) {
    v->copula = 1;
    if (!copula_precision(spec->correlation, d, v->prec)) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "vpop.correlation is not positive definite");
      goto fail;
    }
  }
  v->z = remit__calloc(ctx, (size_t)m * (size_t)d, sizeof(double));
  lr = remit__calloc(ctx, (size_t)m, sizeof(double));
  if (!v->z || !lr) {
    st = REMIT_ERR_NOMEM;
    goto fail;
  }
  for (int i = 0; i < m; i++) {
    int ok = 1;
    double *zi = v->z + (size_t)v->m * d;
    for (int k = 0; k < d; k++) {
      zi[k] = working(v, k, x[(size_t)i * d + k]);
      ok = ok && isfinite(zi[k]);
    }
    v->m += ok;
  }
  if (v->m < MIN_USABLE) {
    st = REMIT_ERROR(ctx, REMIT_ERR_RANGE,
                     "vpop: only %d of the %d pilot patients have baseline readouts usable on the "
                     "targets' scales (simulated, and > 0 for a log-normal target); at least %d "
                     "are needed",
                     v->m, m, MIN_USABLE);
    goto fail;
  }
  if ((st = bandwidths(ctx, v, spec)) != REMIT_OK) {
    goto fail;
  }
  /* c = 1 / max over the pilot of t/q̂; the pilot's mean acceptance is the
   * expected share of plausible patients accepted. */
  double lmax = -INFINITY;
  for (int i = 0; i < v->m; i++) {
    const double *zi = v->z + (size_t)i * d;
    double lt = target_log(v, zi);
    lr[i] = isfinite(lt) ? lt - plausible_log(v, zi) : -INFINITY;
    lmax = lr[i] > lmax ? lr[i] : lmax;
  }
  if (!isfinite(lmax)) {
    st = REMIT_ERROR(ctx, REMIT_ERR_RANGE,
                     "vpop: none of the %d pilot patients has a baseline where the targets have "
                     "density (inside every truncation and uniform range); the plausible "
                     "population does not reach the targets",
                     v->m);
    goto fail;
  }
  v->log_c = -lmax;
  double sum = 0.0;
  for (int i = 0; i < v->m; i++) {
    sum += exp(lr[i] + v->log_c);
  }
  v->expected = sum / m;
  remit__free(ctx, lr);
  *out = v;
  return REMIT_OK;
fail:
  remit__free(ctx, lr);
  remit__vpop_destroy(ctx, &v);
  return st;
}

void remit__vpop_destroy(remit_context *ctx, remit__vpop **v) {
  if (!v || !*v) {
    return;
  }
  remit__free(ctx, (*v)->z);
  remit__free(ctx, *v);
  *v = NULL;
}

double remit__vpop_probability(const remit__vpop *v, const double *x, int *clipped) {
  double z[D_MAX];
  if (clipped) {
    *clipped = 0;
  }
  for (int k = 0; k < v->d; k++) {
    z[k] = working(v, k, x[k]);
  }
  double lt = target_log(v, z);
  if (!isfinite(lt)) {
    return 0.0;
  }
  double a = lt - plausible_log(v, z) + v->log_c;
  if (a > 0.0) {
    if (clipped) {
      *clipped = 1;
    }
    return 1.0;
  }
  return exp(a);
}

void remit__vpop_get_info(const remit__vpop *v, remit__vpop_info *info) {
  memset(info, 0, sizeof(*info));
  info->n_pilot = v->n_pilot;
  info->n_used = v->m;
  info->log_constant = v->log_c;
  info->expected_rate = v->expected;
  for (int k = 0; k < v->d; k++) {
    info->bandwidth[k] = v->h[k];
  }
}

/* ------------------------------------------------------------------------ */
/* Moments                                                                   */
/* ------------------------------------------------------------------------ */

void remit__vpop_target_moments(const remit_dist *t, double *mean, double *sd) {
  if (t->kind == REMIT_DIST_UNIFORM) {
    *mean = 0.5 * (t->a + t->b);
    *sd = (t->b - t->a) / sqrt(12.0);
    return;
  }
  int logn = t->kind == REMIT_DIST_LOGNORMAL;
  double mu = logn ? log(t->a) : t->a, s = logn ? sqrt(log1p(t->b * t->b)) : t->b;
  double lo = isfinite(t->lower) ? (logn ? (t->lower > 0.0 ? log(t->lower) : -INFINITY) : t->lower)
                                 : -INFINITY;
  double hi = isfinite(t->upper) ? (logn ? log(t->upper) : t->upper) : INFINITY;
  double al = (lo - mu) / s, be = (hi - mu) / s;
  double z = gsl_cdf_ugaussian_P(be) - gsl_cdf_ugaussian_P(al);
  if (!logn) {
    /* Truncated normal: mean μ + σ(φ(α) − φ(β))/Z, variance
     * σ²[1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²]. */
    double pa = isfinite(al) ? gsl_ran_ugaussian_pdf(al) : 0.0;
    double pb = isfinite(be) ? gsl_ran_ugaussian_pdf(be) : 0.0;
    double ta = isfinite(al) ? al * pa : 0.0, tb = isfinite(be) ? be * pb : 0.0;
    double r = (pa - pb) / z;
    *mean = mu + s * r;
    *sd = s * sqrt(fmax(1.0 + (ta - tb) / z - r * r, 0.0));
    return;
  }
  /* Truncated log-normal: E[X^k] = exp(kμ + k²σ²/2) (Φ(β − kσ) − Φ(α − kσ)) / Z. */
  double m1 = exp(mu + 0.5 * s * s) *
              (gsl_cdf_ugaussian_P(be - s) - gsl_cdf_ugaussian_P(al - s)) / z;
  double m2 = exp(2.0 * mu + 2.0 * s * s) *
              (gsl_cdf_ugaussian_P(be - 2.0 * s) - gsl_cdf_ugaussian_P(al - 2.0 * s)) / z;
  *mean = m1;
  *sd = sqrt(fmax(m2 - m1 * m1, 0.0));
}
