/* SPDX-License-Identifier: MIT
 *
 * stats.c: the statistics of trial reports (include/remit/remit_stats.h):
 * Wilson, Newcombe and Woolf intervals for binary endpoints, t and
 * order-statistic intervals for continuous ones, Kaplan-Meier with Greenwood
 * variance and Brookmeyer-Crowley median intervals, the log-rank test, and
 * summaries across replicate trials.
 *
 * Everything is a pure function of caller arrays.  Distribution functions
 * come from GSL; every argument is validated before it reaches GSL, so GSL's
 * (aborting) default error handler is never called.  The formulas and their
 * references are in docs/statistics.md.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "core/core_impl.h"
#include "remit/remit_stats.h"

/* Tolerance for "the curve equals 0.5 exactly" in the Kaplan-Meier median.
 * S(t) is a product of ratios, so a true 0.5 can come out as 0.49999999999;
 * sqrt(DBL_EPSILON) is the tolerance R's survival package uses for the same
 * decision (print.survfit's minmin), which keeps our medians equal to R's. */
#define KM_HALF_TOL 1.4901161193847656e-08

/* ------------------------------------------------------------------------ */
/* Validation                                                                */
/* ------------------------------------------------------------------------ */

static remit_status check_level(remit_context *ctx, const char *fn, double level) {
  if (isnan(level)) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: confidence level is NaN", fn);
  }
  if (!(level > 0.0 && level < 1.0)) {
    return REMIT_ERROR(ctx, REMIT_ERR_RANGE, "%s: confidence level %g is outside (0, 1)", fn,
                       level);
  }
  return REMIT_OK;
}

static remit_status check_finite(remit_context *ctx, const char *fn, const char *name,
                                 const double *x, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i])) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: %s[%zu] is %g (must be finite)", fn, name, i,
                         x[i]);
    }
  }
  return REMIT_OK;
}

static remit_status check_counts(remit_context *ctx, const char *fn, long x, long n) {
  if (n < 1 || x < 0 || x > n) {
    return REMIT_ERROR(ctx, REMIT_ERR_RANGE, "%s: %ld successes out of %ld trials (need 0 <= x <= n, n >= 1)",
                       fn, x, n);
  }
  return REMIT_OK;
}

/* Scratch of n elements of size `size`: the caller's, or one from the context. */
static void *scratch(remit_context *ctx, void *ws, size_t n, size_t size, void **own) {
  *own = NULL;
  if (ws) {
    return ws;
  }
  if (n > (size_t)-1 / size) {
    REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "workspace of %zu x %zu bytes overflows", n, size);
    return NULL;
  }
  *own = remit__malloc(ctx, n * size);
  return *own;
}

/* The two-sided normal quantile z with P(|Z| <= z) = level. */
static double z_of(double level) { return gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * level); }

static void set_estimate(remit_estimate *out, double value, double lower, double upper,
                         double level, int flags) {
  out->value = value;
  out->lower = lower;
  out->upper = upper;
  out->level = level;
  out->flags = flags;
}

/* ------------------------------------------------------------------------ */
/* Proportions                                                               */
/* ------------------------------------------------------------------------ */

/* Wilson limits without validation; the exact 0 and 1 at x = 0 and x = n avoid
 * a -1e-17 from cancellation in centre - half. */
static void wilson(long x, long n, double z, double *lo, double *hi) {
  double nn = (double)n, p = (double)x / nn, z2 = z * z;
  double denom = 1.0 + z2 / nn;
  double centre = p + z2 / (2.0 * nn);
  double half = z * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
  *lo = x == 0 ? 0.0 : fmax(0.0, (centre - half) / denom);
  *hi = x == n ? 1.0 : fmin(1.0, (centre + half) / denom);
}

remit_status remit_prop_wilson(remit_context *ctx, long x, long n, double level,
                               remit_estimate *out) {
  static const char fn[] = "remit_prop_wilson";
  remit_status st;
  if (!ctx || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if ((st = check_level(ctx, fn, level)) || (st = check_counts(ctx, fn, x, n))) {
    return st;
  }
  double lo, hi;
  wilson(x, n, z_of(level), &lo, &hi);
  set_estimate(out, (double)x / (double)n, lo, hi, level, 0);
  return REMIT_OK;
}

remit_status remit_prop_diff_newcombe(remit_context *ctx, long x1, long n1, long x2, long n2,
                                      double level, remit_estimate *out) {
  static const char fn[] = "remit_prop_diff_newcombe";
  remit_status st;
  if (!ctx || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if ((st = check_level(ctx, fn, level)) || (st = check_counts(ctx, fn, x1, n1)) ||
      (st = check_counts(ctx, fn, x2, n2))) {
    return st;
  }
  double z = z_of(level), l1, u1, l2, u2;
  double p1 = (double)x1 / (double)n1, p2 = (double)x2 / (double)n2, d = p1 - p2;
  wilson(x1, n1, z, &l1, &u1);
  wilson(x2, n2, z, &l2, &u2);
  /* Newcombe's method 10: combine each arm's Wilson distances in quadrature,
   * taking for each side of d the side of each arm's interval that moves d
   * that way. */
  double lo = d - sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
  double hi = d + sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
  set_estimate(out, d, fmax(-1.0, lo), fmin(1.0, hi), level, 0);
  return REMIT_OK;
}

remit_status remit_odds_ratio_woolf(remit_context *ctx, long x1, long n1, long x2, long n2,
                                    double level, remit_estimate *out) {
  static const char fn[] = "remit_odds_ratio_woolf";
  remit_status st;
  if (!ctx || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if ((st = check_level(ctx, fn, level)) || (st = check_counts(ctx, fn, x1, n1)) ||
      (st = check_counts(ctx, fn, x2, n2))) {
    return st;
  }
  double a = (double)x1, b = (double)(n1 - x1), c = (double)x2, d = (double)(n2 - x2);
  int flags = 0;
  /* Haldane-Anscombe: with a zero cell the OR is 0 or infinite and the Woolf
   * variance infinite; adding 1/2 to every cell gives a finite estimate and
   * interval (and is the bias-reducing choice for the log odds). */
  if (a == 0.0 || b == 0.0 || c == 0.0 || d == 0.0) {
    a += 0.5;
    b += 0.5;
    c += 0.5;
    d += 0.5;
    flags |= REMIT_STAT_CORRECTED;
  }
  double log_or = log(a) + log(d) - log(b) - log(c);
  double se = sqrt(1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d);
  double z = z_of(level);
  set_estimate(out, exp(log_or), exp(log_or - z * se), exp(log_or + z * se), level, flags);
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Event rates                                                               */
/* ------------------------------------------------------------------------ */

static remit_status check_rate(remit_context *ctx, const char *fn, long x, double t) {
  if (!isfinite(t)) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: exposure is %g (must be finite)", fn, t);
  }
  /* The bound keeps x1 + x2 within GSL's unsigned binomial counts. */
  if (x < 0 || x > INT_MAX / 2 || !(t > 0.0)) {
    return REMIT_ERROR(ctx, REMIT_ERR_RANGE,
                       "%s: %ld events in exposure %g (need 0 <= x <= INT_MAX/2, T > 0)", fn, x, t);
  }
  return REMIT_OK;
}

remit_status remit_rate_poisson(remit_context *ctx, long x, double exposure, double level,
                                remit_estimate *out) {
  static const char fn[] = "remit_rate_poisson";
  remit_status st;
  if (!ctx || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if ((st = check_level(ctx, fn, level)) || (st = check_rate(ctx, fn, x, exposure))) {
    return st;
  }
  /* Garwood: the limits are the Poisson means at which P(X >= x) and
   * P(X <= x) equal alpha/2, written with chi-square quantiles because
   * P(X <= x; mu) = P(chi2(2x + 2) > 2 mu). */
  double a = 1.0 - level, xd = (double)x;
  double lo = x == 0 ? 0.0 : 0.5 * gsl_cdf_chisq_Pinv(0.5 * a, 2.0 * xd);
  double hi = 0.5 * gsl_cdf_chisq_Pinv(1.0 - 0.5 * a, 2.0 * xd + 2.0);
  set_estimate(out, xd / exposure, lo / exposure, hi / exposure, level, 0);
  return REMIT_OK;
}

remit_status remit_rate_ratio_exact(remit_context *ctx, long x1, double t1, long x2, double t2,
                                    double level, remit_estimate *out, double *p_value) {
  static const char fn[] = "remit_rate_ratio_exact";
  remit_status st;
  if (!ctx || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if ((st = check_level(ctx, fn, level)) || (st = check_rate(ctx, fn, x1, t1)) ||
      (st = check_rate(ctx, fn, x2, t2))) {
    return st;
  }
  long n = x1 + x2;
  if (n == 0) {
    set_estimate(out, NAN, NAN, NAN, level,
                 REMIT_STAT_NO_VALUE | REMIT_STAT_NO_LOWER | REMIT_STAT_NO_UPPER);
    if (p_value) {
      *p_value = 1.0;
    }
    return REMIT_OK;
  }
  double a = 1.0 - level, k = (double)x1, nn = (double)n;
  /* Clopper-Pearson limits of pi from beta quantiles; pi/(1 - pi) T2/T1 maps
   * them to the rate ratio (monotone, so the limits map to limits). */
  double pl = x1 == 0 ? 0.0 : gsl_cdf_beta_Pinv(0.5 * a, k, nn - k + 1.0);
  double pu = x1 == n ? 1.0 : gsl_cdf_beta_Pinv(1.0 - 0.5 * a, k + 1.0, nn - k);
  double scale = t2 / t1;
  int flags = 0;
  double value = x2 == 0 ? NAN : (k / (double)x2) * scale;
  double upper = x1 == n ? NAN : pu / (1.0 - pu) * scale;
  if (x2 == 0) {
    flags |= REMIT_STAT_NO_VALUE | REMIT_STAT_NO_UPPER;
  }
  set_estimate(out, value, pl / (1.0 - pl) * scale, upper, level, flags);
  if (p_value) {
    /* Exact conditional test of RR = 1: x1 ~ Binomial(n, T1/(T1 + T2)). */
    double pi0 = t1 / (t1 + t2);
    double lower_tail = gsl_cdf_binomial_P((unsigned int)x1, pi0, (unsigned int)n);
    double upper_tail =
        x1 == 0 ? 1.0 : gsl_cdf_binomial_Q((unsigned int)(x1 - 1), pi0, (unsigned int)n);
    *p_value = fmin(1.0, 2.0 * fmin(lower_tail, upper_tail));
  }
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Means, medians, quantiles                                                 */
/* ------------------------------------------------------------------------ */

remit_status remit_mean_t(remit_context *ctx, const double *x, size_t n, double level,
                          remit_estimate *out) {
  static const char fn[] = "remit_mean_t";
  remit_status st;
  if (!ctx || !x || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if ((st = check_level(ctx, fn, level)) || (st = check_finite(ctx, fn, "x", x, n))) {
    return st;
  }
  if (n == 0) {
    return REMIT_ERROR(ctx, REMIT_ERR_RANGE, "%s: empty sample", fn);
  }
  double mean = gsl_stats_mean(x, 1, n);
  if (n == 1) {
    set_estimate(out, mean, NAN, NAN, level, REMIT_STAT_NO_LOWER | REMIT_STAT_NO_UPPER);
    return REMIT_OK;
  }
  double sd = gsl_stats_sd_m(x, 1, n, mean);
  double half = gsl_cdf_tdist_Pinv(0.5 + 0.5 * level, (double)(n - 1)) * sd / sqrt((double)n);
  set_estimate(out, mean, mean - half, mean + half, level, 0);
  return REMIT_OK;
}

/* Copies x into scratch and sorts it; returns the sorted array or NULL (NOMEM). */
static double *sorted_copy(remit_context *ctx, const double *x, size_t n, double *ws,
                           void **own) {
  double *s = scratch(ctx, ws, n, sizeof(*s), own);
  if (s) {
    if (s != x) { /* ws == x is allowed: the caller's array is then sorted in place */
      memcpy(s, x, n * sizeof(*s));
    }
    gsl_sort(s, 1, n);
  }
  return s;
}

remit_status remit_median_order(remit_context *ctx, const double *x, size_t n, double level,
                                double *ws, remit_estimate *out, double *coverage) {
  static const char fn[] = "remit_median_order";
  remit_status st;
  if (!ctx || !x || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if ((st = check_level(ctx, fn, level)) || (st = check_finite(ctx, fn, "x", x, n))) {
    return st;
  }
  if (n == 0 || n > UINT_MAX) {
    return REMIT_ERROR(ctx, REMIT_ERR_RANGE, "%s: sample size %zu outside [1, %u]", fn, n,
                       UINT_MAX);
  }
  void *own;
  double *s = sorted_copy(ctx, x, n, ws, &own);
  if (!s) {
    return REMIT_ERR_NOMEM;
  }
  unsigned nu = (unsigned)n;
  double alpha2 = 0.5 * (1.0 - level);
  /* Largest r in [1, (n+1)/2] with P(B <= r-1) <= alpha/2, B ~ Bin(n, 1/2):
   * the tail is increasing in r, so bisect (r = 0 means none qualifies). */
  size_t r_ok = 0, r_bad = (n + 1) / 2 + 1;
  while (r_bad - r_ok > 1) {
    size_t r = r_ok + (r_bad - r_ok) / 2;
    if (gsl_cdf_binomial_P((unsigned)(r - 1), 0.5, nu) <= alpha2) {
      r_ok = r;
    } else {
      r_bad = r;
    }
  }
  double median = gsl_stats_median_from_sorted_data(s, 1, n);
  double cov;
  if (r_ok == 0) {
    cov = 1.0 - 2.0 * gsl_cdf_binomial_P(0, 0.5, nu);
    set_estimate(out, median, NAN, NAN, level, REMIT_STAT_NO_LOWER | REMIT_STAT_NO_UPPER);
  } else {
    cov = 1.0 - 2.0 * gsl_cdf_binomial_P((unsigned)(r_ok - 1), 0.5, nu);
    set_estimate(out, median, s[r_ok - 1], s[n - r_ok], level, 0);
  }
  if (coverage) {
    *coverage = cov;
  }
  remit__free(ctx, own);
  return REMIT_OK;
}

static remit_status check_probs(remit_context *ctx, const char *fn, const double *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (isnan(p[i])) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: probs[%zu] is NaN", fn, i);
    }
    if (p[i] < 0.0 || p[i] > 1.0) {
      return REMIT_ERROR(ctx, REMIT_ERR_RANGE, "%s: probs[%zu] = %g outside [0, 1]", fn, i, p[i]);
    }
  }
  return REMIT_OK;
}

remit_status remit_sample_quantiles(remit_context *ctx, const double *x, size_t n,
                                    const double *probs, size_t n_probs, double *ws, double *out) {
  static const char fn[] = "remit_sample_quantiles";
  remit_status st;
  if (!ctx || !x || (n_probs && (!probs || !out))) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if ((st = check_finite(ctx, fn, "x", x, n)) || (st = check_probs(ctx, fn, probs, n_probs))) {
    return st;
  }
  if (n == 0) {
    return REMIT_ERROR(ctx, REMIT_ERR_RANGE, "%s: empty sample", fn);
  }
  void *own;
  double *s = sorted_copy(ctx, x, n, ws, &own);
  if (!s) {
    return REMIT_ERR_NOMEM;
  }
  for (size_t i = 0; i < n_probs; i++) {
    out[i] = gsl_stats_quantile_from_sorted_data(s, 1, n, probs[i]); /* type 7 */
  }
  remit__free(ctx, own);
  return REMIT_OK;
}

remit_status remit_sample_summarize(remit_context *ctx, const double *x, size_t n, double level,
                                    double *ws, remit_sample_summary *out) {
  static const char fn[] = "remit_sample_summarize";
  remit_status st;
  if (!ctx || !x || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if ((st = check_level(ctx, fn, level)) || (st = check_finite(ctx, fn, "x", x, n))) {
    return st;
  }
  if (n == 0) {
    return REMIT_ERROR(ctx, REMIT_ERR_RANGE, "%s: empty sample", fn);
  }
  void *own;
  double *s = sorted_copy(ctx, x, n, ws, &own);
  if (!s) {
    return REMIT_ERR_NOMEM;
  }
  /* Mean and sd from x in its order (the caller's, or sorted when ws == x). */
  out->n = n;
  out->mean = gsl_stats_mean(x, 1, n);
  out->sd = n > 1 ? gsl_stats_sd_m(x, 1, n, out->mean) : NAN;
  out->min = s[0];
  out->max = s[n - 1];
  out->median = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.5);
  out->lower = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.5 * (1.0 - level));
  out->upper = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.5 * (1.0 + level));
  out->level = level;
  remit__free(ctx, own);
  return REMIT_OK;
}

remit_status remit_success_estimate(remit_context *ctx, const double *x, size_t n, remit_cmp cmp,
                                    double threshold, double level, remit_estimate *out) {
  static const char fn[] = "remit_success_estimate";
  remit_status st;
  if (!ctx || !x || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if (!isfinite(threshold)) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: threshold %g is not finite", fn, threshold);
  }
  if (cmp < REMIT_CMP_LT || cmp > REMIT_CMP_GE) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: unknown comparison %d", fn, (int)cmp);
  }
  if ((st = check_level(ctx, fn, level)) || (st = check_finite(ctx, fn, "x", x, n))) {
    return st;
  }
  if (n == 0 || n > LONG_MAX) {
    return REMIT_ERROR(ctx, REMIT_ERR_RANGE, "%s: %zu replicates (need at least 1)", fn, n);
  }
  long k = 0;
  for (size_t i = 0; i < n; i++) {
    int hit = cmp == REMIT_CMP_LT   ? x[i] < threshold
              : cmp == REMIT_CMP_LE ? x[i] <= threshold
              : cmp == REMIT_CMP_GT ? x[i] > threshold
                                    : x[i] >= threshold;
    k += hit;
  }
  double lo, hi;
  wilson(k, (long)n, z_of(level), &lo, &hi);
  set_estimate(out, (double)k / (double)n, lo, hi, level, 0);
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Kaplan-Meier                                                              */
/* ------------------------------------------------------------------------ */

static remit_status check_surv(remit_context *ctx, const char *fn, const double *time,
                               const int *event, size_t n, remit_km_ci ci) {
  if (!time || !event) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if (ci != REMIT_KM_CI_LOGLOG && ci != REMIT_KM_CI_LOG && ci != REMIT_KM_CI_PLAIN) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: unknown interval type %d", fn, (int)ci);
  }
  remit_status st = check_finite(ctx, fn, "time", time, n);
  if (st) {
    return st;
  }
  if (n == 0 || n > LONG_MAX) {
    return REMIT_ERROR(ctx, REMIT_ERR_RANGE, "%s: %zu subjects (need at least 1)", fn, n);
  }
  return REMIT_OK;
}

/* The pointwise interval of S from se = the standard error of log S. */
static void km_band(double s, double se, double z, remit_km_ci ci, double *lo, double *hi) {
  if (s >= 1.0) {
    *lo = *hi = 1.0;
  } else if (s <= 0.0 || !isfinite(se)) {
    *lo = *hi = NAN; /* as R: no interval once the curve is 0 */
  } else if (ci == REMIT_KM_CI_LOGLOG) {
    /* log(-log S) ± z se/|log S|, mapped back: S^exp(∓ z se/log S). */
    double e = z * se / log(s); /* negative */
    *lo = pow(s, exp(-e));
    *hi = pow(s, exp(e));
  } else if (ci == REMIT_KM_CI_LOG) {
    *lo = s * exp(-z * se);
    *hi = fmin(1.0, s * exp(z * se));
  } else {
    *lo = fmax(0.0, s - z * s * se);
    *hi = fmin(1.0, s + z * s * se);
  }
}

/* Walks the distinct event times of a sample sorted through idx. */
typedef struct km_walk {
  const double *time;
  const int *event;
  const size_t *idx; /* time[idx[k]] ascending */
  size_t n;
  size_t pos;     /* next position in idx */
  long at_risk;   /* subjects with time >= the next time */
  double surv;    /* S just after the last point */
  double gw;      /* Greenwood sum of d/(n(n-d)) */
  double z;
  remit_km_ci ci;
} km_walk;

static void km_begin(km_walk *w, const double *time, const int *event, const size_t *idx,
                     size_t n, double z, remit_km_ci ci) {
  w->time = time;
  w->event = event;
  w->idx = idx;
  w->n = n;
  w->pos = 0;
  w->at_risk = (long)n;
  w->surv = 1.0;
  w->gw = 0.0;
  w->z = z;
  w->ci = ci;
}

/* Advances to the next time with an event; 0 at the end. */
static int km_next(km_walk *w, remit_km_point *pt) {
  while (w->pos < w->n) {
    double t = w->time[w->idx[w->pos]];
    long g = 0, d = 0;
    while (w->pos < w->n && w->time[w->idx[w->pos]] == t) {
      d += w->event[w->idx[w->pos]] != 0;
      g++;
      w->pos++;
    }
    long nr = w->at_risk;
    w->at_risk -= g;
    if (d == 0) {
      continue;
    }
    /* Product-limit step and Greenwood increment; d = n_risk empties the
     * curve, where the log-scale variance is infinite. */
    w->surv *= 1.0 - (double)d / (double)nr;
    w->gw += d < nr ? (double)d / ((double)nr * (double)(nr - d)) : INFINITY;
    if (d == nr) {
      w->surv = 0.0; /* exactly, whatever the rounding of the product */
    }
    double se = sqrt(w->gw);
    pt->time = t;
    pt->n_risk = nr;
    pt->n_event = d;
    pt->surv = w->surv;
    pt->std_err = w->surv > 0.0 ? w->surv * se : NAN;
    km_band(w->surv, se, w->z, w->ci, &pt->lower, &pt->upper);
    return 1;
  }
  return 0;
}

/* Sorts indices of time into scratch; returns NULL on NOMEM. */
static size_t *sort_index(remit_context *ctx, const double *time, size_t n, size_t *ws,
                          void **own) {
  size_t *idx = scratch(ctx, ws, n, sizeof(*idx), own);
  if (idx) {
    gsl_sort_index(idx, time, 1, n);
  }
  return idx;
}

remit_status remit_km_estimate(remit_context *ctx, const double *time, const int *event,
                               size_t n, double level, remit_km_ci ci, size_t *ws,
                               remit_km_point *out, size_t out_len, size_t *n_out) {
  static const char fn[] = "remit_km_estimate";
  remit_status st;
  if (!ctx || !n_out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if ((st = check_level(ctx, fn, level)) || (st = check_surv(ctx, fn, time, event, n, ci))) {
    return st;
  }
  void *own;
  size_t *idx = sort_index(ctx, time, n, ws, &own);
  if (!idx) {
    return REMIT_ERR_NOMEM;
  }
  km_walk w;
  remit_km_point pt;
  size_t count = 0;
  km_begin(&w, time, event, idx, n, z_of(level), ci);
  while (km_next(&w, &pt)) {
    count++;
  }
  *n_out = count;
  if (out && count > out_len) {
    remit__free(ctx, own);
    return REMIT_ERROR(ctx, REMIT_ERR_RANGE, "%s: curve has %zu points, buffer holds %zu", fn,
                       count, out_len);
  }
  if (out) {
    km_begin(&w, time, event, idx, n, z_of(level), ci);
    size_t k = 0;
    while (km_next(&w, &out[k])) {
      k++;
    }
  }
  remit__free(ctx, own);
  return REMIT_OK;
}

/* First time a step curve falls to <= 0.5, by R survival's rule (see the
 * header): where the curve sits at 0.5 the midpoint to its next drop. */
typedef struct half_cross {
  int found, done;
  double x1, y1, value;
} half_cross;

static void cross_feed(half_cross *c, double t, double y) {
  if (c->done || isnan(y)) {
    return;
  }
  if (!c->found) {
    if (y < 0.5 + KM_HALF_TOL) {
      c->found = 1;
      c->x1 = t;
      c->y1 = y;
      if (fabs(y - 0.5) >= KM_HALF_TOL) {
        c->value = t;
        c->done = 1;
      }
    }
  } else if (y < c->y1) {
    c->value = 0.5 * (c->x1 + t);
    c->done = 1;
  }
}

/* The crossing time, or NaN with the flag set in *flags. */
static double cross_result(const half_cross *c, int flag, int *flags) {
  if (c->done) {
    return c->value;
  }
  if (c->found) {
    return c->x1; /* at 0.5 to the end of follow-up: R reports the start */
  }
  *flags |= flag;
  return NAN;
}

remit_status remit_km_median(remit_context *ctx, const double *time, const int *event, size_t n,
                             double level, remit_km_ci ci, size_t *ws, remit_estimate *out) {
  static const char fn[] = "remit_km_median";
  remit_status st;
  if (!ctx || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if ((st = check_level(ctx, fn, level)) || (st = check_surv(ctx, fn, time, event, n, ci))) {
    return st;
  }
  void *own;
  size_t *idx = sort_index(ctx, time, n, ws, &own);
  if (!idx) {
    return REMIT_ERR_NOMEM;
  }
  km_walk w;
  remit_km_point pt;
  half_cross cs = {0}, cl = {0}, cu = {0};
  km_begin(&w, time, event, idx, n, z_of(level), ci);
  while (km_next(&w, &pt)) {
    cross_feed(&cs, pt.time, pt.surv);
    cross_feed(&cl, pt.time, pt.lower); /* the lower band crosses first: lower limit */
    cross_feed(&cu, pt.time, pt.upper);
  }
  int flags = 0;
  double med = cross_result(&cs, REMIT_STAT_NO_VALUE, &flags);
  double lo = cross_result(&cl, REMIT_STAT_NO_LOWER, &flags);
  double hi = cross_result(&cu, REMIT_STAT_NO_UPPER, &flags);
  set_estimate(out, med, lo, hi, level, flags);
  remit__free(ctx, own);
  return REMIT_OK;
}

remit_status remit_km_survival_at(remit_context *ctx, const double *time, const int *event,
                                  size_t n, double t, double level, remit_km_ci ci, size_t *ws,
                                  remit_estimate *out) {
  static const char fn[] = "remit_km_survival_at";
  remit_status st;
  if (!ctx || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if (!isfinite(t)) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: time %g is not finite", fn, t);
  }
  if ((st = check_level(ctx, fn, level)) || (st = check_surv(ctx, fn, time, event, n, ci))) {
    return st;
  }
  void *own;
  size_t *idx = sort_index(ctx, time, n, ws, &own);
  if (!idx) {
    return REMIT_ERR_NOMEM;
  }
  km_walk w;
  remit_km_point pt, last = {0};
  int have = 0;
  km_begin(&w, time, event, idx, n, z_of(level), ci);
  while (km_next(&w, &pt) && pt.time <= t) {
    last = pt;
    have = 1;
  }
  double t_max = time[idx[n - 1]];
  if (t > t_max && !(have && last.surv == 0.0)) {
    set_estimate(out, NAN, NAN, NAN, level,
                 REMIT_STAT_NO_VALUE | REMIT_STAT_NO_LOWER | REMIT_STAT_NO_UPPER);
  } else if (!have) {
    set_estimate(out, 1.0, 1.0, 1.0, level, 0);
  } else {
    int flags = (isnan(last.lower) ? REMIT_STAT_NO_LOWER : 0) |
                (isnan(last.upper) ? REMIT_STAT_NO_UPPER : 0);
    set_estimate(out, last.surv, last.lower, last.upper, level, flags);
  }
  remit__free(ctx, own);
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Log-rank                                                                  */
/* ------------------------------------------------------------------------ */

remit_status remit_logrank_test(remit_context *ctx, const double *time, const int *event,
                                const int *group, size_t n, size_t *ws, remit_logrank *out) {
  static const char fn[] = "remit_logrank_test";
  remit_status st;
  if (!ctx || !group || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: NULL argument", fn);
  }
  if ((st = check_surv(ctx, fn, time, event, n, REMIT_KM_CI_LOGLOG))) {
    return st;
  }
  long size[2] = {0, 0};
  for (size_t i = 0; i < n; i++) {
    if (group[i] != 0 && group[i] != 1) {
      return REMIT_ERROR(ctx, REMIT_ERR_RANGE, "%s: group[%zu] = %d (must be 0 or 1)", fn, i,
                         group[i]);
    }
    size[group[i]]++;
  }
  if (size[0] == 0 || size[1] == 0) {
    return REMIT_ERROR(ctx, REMIT_ERR_RANGE, "%s: group sizes %ld and %ld (both must be >= 1)",
                       fn, size[0], size[1]);
  }
  void *own;
  size_t *idx = sort_index(ctx, time, n, ws, &own);
  if (!idx) {
    return REMIT_ERR_NOMEM;
  }
  long risk[2] = {size[0], size[1]};
  double obs0 = 0.0, exp0 = 0.0, var = 0.0, events = 0.0;
  for (size_t k = 0; k < n;) {
    double t = time[idx[k]];
    long g[2] = {0, 0}, d[2] = {0, 0};
    for (; k < n && time[idx[k]] == t; k++) {
      int j = group[idx[k]];
      g[j]++;
      d[j] += event[idx[k]] != 0;
    }
    double dt = (double)(d[0] + d[1]);
    if (dt > 0.0) {
      double n0 = (double)risk[0], n1 = (double)risk[1], nt = n0 + n1;
      obs0 += (double)d[0];
      exp0 += dt * n0 / nt;
      events += dt;
      /* Hypergeometric variance of d0 given the margins; 0 when nt = 1. */
      if (nt > 1.0) {
        var += n0 * n1 * dt * (nt - dt) / (nt * nt * (nt - 1.0));
      }
    }
    risk[0] -= g[0];
    risk[1] -= g[1];
  }
  out->n[0] = size[0];
  out->n[1] = size[1];
  out->observed[0] = obs0;
  out->observed[1] = events - obs0;
  out->expected[0] = exp0;
  out->expected[1] = events - exp0;
  out->variance = var;
  if (var > 0.0) {
    out->chisq = (obs0 - exp0) * (obs0 - exp0) / var;
    out->p_value = gsl_cdf_chisq_Q(out->chisq, 1.0);
    out->flags = 0;
  } else {
    /* No event with both groups at risk: O0 = E0 and the test has no
     * information; report "no evidence" rather than 0/0. */
    out->chisq = 0.0;
    out->p_value = 1.0;
    out->flags = REMIT_STAT_DEGENERATE;
  }
  remit__free(ctx, own);
  return REMIT_OK;
}
