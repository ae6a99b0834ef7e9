/* SPDX-License-Identifier: MIT
 *
 * remit_stats.h: the statistics a trial report needs.
 *
 * Three levels, all pure functions on caller arrays:
 *
 *  - per arm: a proportion with its Wilson score interval, an event rate
 *    with its exact Poisson (Garwood) interval, a mean with its t interval, a median with its distribution-free order-statistic interval,
 *    and the Kaplan-Meier curve with Greenwood standard errors, pointwise
 *    intervals, the median survival time and its Brookmeyer-Crowley interval;
 *  - between two arms: the difference of two proportions with Newcombe's
 *    hybrid score interval, the odds ratio with Woolf's logit interval, the
 *    rate ratio with its exact conditional interval, and the two-sample
 *    log-rank test;
 *  - across replicate trials: type-7 sample quantiles, a summary of a
 *    statistic's distribution with its central interval, and the probability
 *    of success (power) with its Wilson interval.
 *
 * Every formula, its reference and its edge cases are written out in
 * docs/statistics.md.  Distribution functions (normal, t, chi-square and
 * binomial quantiles and tails) come from GSL.
 *
 * Conventions shared by every function:
 *  - The first argument is the context; errors leave a one-line message on
 *    it (remit_context_errmsg()).
 *  - level is the two-sided confidence level, 0 < level < 1 (e.g. 0.95);
 *    anything else gives REMIT_ERR_RANGE, a NaN gives REMIT_ERR_ARG.
 *  - NaN or infinite data values, NULL required pointers and a NULL context
 *    give REMIT_ERR_ARG; counts that are impossible (x > n, negative, or
 *    n = 0 where something must be estimated) give REMIT_ERR_RANGE.
 *  - On any error the outputs are left unchanged.
 *  - A result that exists but has no value or no interval limit (a median the
 *    Kaplan-Meier curve never reaches, a t interval from one observation) is
 *    not an error: the number is NaN and a REMIT_STAT_* flag says why.
 *
 * Ownership: every input array is borrowed for the call and never kept.
 * Every output (structs, arrays) is caller storage.  Functions that must sort
 * take an optional workspace `ws` of n elements that they overwrite; when ws
 * is NULL they allocate it through the context's allocator and free it
 * before returning (so REMIT_ERR_NOMEM is then possible).  Pass a workspace
 * in loops over replicate trials so nothing is allocated per replicate.  The
 * double workspaces (median, quantiles, summary) may be the data array x
 * itself: x is then sorted in place, which saves the copy. 
 *
 * Thread safety: no function keeps state; calls with different contexts and
 * workspaces may run concurrently.  GSL's error handler is never triggered:
 * arguments are validated before they reach GSL.
 */
#ifndef REMIT_STATS_H
#define REMIT_STATS_H

#include <stddef.h>

#include "remit_context.h"
#include "remit_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Results                                                                   */
/* ------------------------------------------------------------------------ */

/* Bits of remit_estimate.flags (and remit_logrank.flags). */
#define REMIT_STAT_NO_VALUE 0x01   /* value is NaN: not estimable (e.g. median not reached) */
#define REMIT_STAT_NO_LOWER 0x02   /* lower is NaN: the lower limit does not exist */
#define REMIT_STAT_NO_UPPER 0x04   /* upper is NaN: the upper limit does not exist ("not reached") */
#define REMIT_STAT_CORRECTED 0x08  /* a continuity correction was applied (Haldane 0.5) */
#define REMIT_STAT_DEGENERATE 0x10 /* the test has no information (zero variance) */

/* A point estimate with a two-sided confidence interval. */
typedef struct remit_estimate {
  double value; /* the point estimate; NaN when flags has REMIT_STAT_NO_VALUE */
  double lower; /* lower confidence limit; NaN when flags has REMIT_STAT_NO_LOWER */
  double upper; /* upper confidence limit; NaN when flags has REMIT_STAT_NO_UPPER */
  double level; /* the confidence level used, e.g. 0.95 */
  int flags;    /* REMIT_STAT_* bits; 0 when everything is there */
} remit_estimate;

/* ------------------------------------------------------------------------ */
/* One arm                                                                   */
/* ------------------------------------------------------------------------ */

/* The proportion x/n with the Wilson score interval.
 *
 * Method: Wilson EB (1927) J Am Stat Assoc 22:209; "method 3" of Newcombe RG
 * (1998) Stat Med 17:857.  With p = x/n and z the (1+level)/2 normal quantile,
 *   limits = (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n).
 * x = 0 gives lower = 0 exactly and x = n gives upper = 1 exactly.
 *
 * x, n:   successes and trials, 0 <= x <= n, n >= 1 (else REMIT_ERR_RANGE).
 * level:  confidence level.
 * out:    written on success (borrowed).
 * Returns REMIT_OK, REMIT_ERR_ARG or REMIT_ERR_RANGE. */
remit_status remit_prop_wilson(remit_context *ctx, long x, long n, double level,
                               remit_estimate *out);

/* The mean of x[0..n-1] with the t interval mean ± t(n-1) s/sqrt(n), s the
 * sample standard deviation (divisor n-1).  Student (1908) Biometrika 6:1;
 * any textbook, e.g. Armitage, Berry & Matthews (2002) Statistical Methods in
 * Medical Research, 4th ed., §4.6.
 *
 * x, n:  the sample (borrowed), n >= 1 (n = 0: REMIT_ERR_RANGE).  n = 1 gives
 *        the value with NaN limits and REMIT_STAT_NO_LOWER | REMIT_STAT_NO_UPPER.
 * out:   written on success.
 * Returns REMIT_OK, REMIT_ERR_ARG (NaN/Inf in x) or REMIT_ERR_RANGE. */
remit_status remit_mean_t(remit_context *ctx, const double *x, size_t n, double level,
                          remit_estimate *out);

/* The sample median of x[0..n-1] (mean of the two middle values when n is
 * even) with the distribution-free interval (x(r), x(n-r+1)) between order
 * statistics, r the largest integer with P(B <= r-1) <= (1-level)/2 for
 * B ~ Binomial(n, 1/2).  Its exact coverage for continuous data is
 * 1 - 2 P(B <= r-1) >= level.  Conover WJ (1999) Practical Nonparametric
 * Statistics, 3rd ed., §3.2 (confidence interval for a quantile).
 *
 * When even r = 1 falls short (0.5^(n-1) > 1 - level, i.e. n < 6 for 95 %)
 * no order-statistic interval reaches the level: the limits are NaN with
 * REMIT_STAT_NO_LOWER | REMIT_STAT_NO_UPPER, and *coverage (if asked) is the
 * coverage of (x(1), x(n)).
 *
 * x, n:      the sample (borrowed), n >= 1.
 * ws:        NULL or n doubles of scratch (overwritten with the sorted sample).
 * out:       written on success.
 * coverage:  NULL, or receives the exact coverage of the interval reported.
 * Returns REMIT_OK, REMIT_ERR_ARG, REMIT_ERR_RANGE or REMIT_ERR_NOMEM. */
remit_status remit_median_order(remit_context *ctx, const double *x, size_t n, double level,
                                double *ws, remit_estimate *out, double *coverage);

/* An event rate x/T (events per unit of exposure, e.g. flares per
 * patient-year) with the exact Poisson interval of Garwood F (1936)
 * Biometrika 28:437, alpha = 1 - level:
 *   lower = chi2_{alpha/2}(2x) / 2T,   upper = chi2_{1-alpha/2}(2x + 2) / 2T,
 * chi2_p(k) the p quantile of chi-square with k degrees of freedom; x = 0
 * gives lower = 0 exactly.  The interval is conservative (coverage >= level).
 *
 * x:         events, x >= 0 (else REMIT_ERR_RANGE).
 * exposure:  T > 0 in the unit the rate is wanted per (NaN/Inf: REMIT_ERR_ARG;
 *            <= 0: REMIT_ERR_RANGE).
 * out:       written on success.
 * Returns REMIT_OK, REMIT_ERR_ARG or REMIT_ERR_RANGE. */
remit_status remit_rate_poisson(remit_context *ctx, long x, double exposure, double level,
                                remit_estimate *out);

/* ------------------------------------------------------------------------ */
/* Kaplan-Meier                                                              */
/* ------------------------------------------------------------------------ */

/* How the pointwise interval of S(t) is built from the Greenwood variance.
 * se is the Greenwood standard error of log S: se² = sum d/(n(n-d)). */
typedef enum remit_km_ci {
  REMIT_KM_CI_LOGLOG = 0, /* default: S^exp(±z se/log S) (Kalbfleisch & Prentice 1980);
                             SAS LIFETEST's default, R survfit(conf.type = "log-log") */
  REMIT_KM_CI_LOG = 1,    /* S exp(±z se), upper clipped at 1: R survfit's default */
  REMIT_KM_CI_PLAIN = 2   /* S ± z S se, clipped to [0, 1] */
} remit_km_ci;

/* One step of a Kaplan-Meier curve, at a time with at least one event. */
typedef struct remit_km_point {
  double time;    /* the event time (same unit as the input) */
  long n_risk;    /* subjects at risk just before time (censored at time included) */
  long n_event;   /* events at time */
  double surv;    /* S(time): survival just after time */
  double std_err; /* Greenwood standard error of S(time); NaN once S = 0 */
  double lower;   /* pointwise interval of S(time) (S < 1 at every point); */
  double upper;   /* NaN once S = 0, as in R's survival package             */
} remit_km_point;

/* The Kaplan-Meier estimate (Kaplan & Meier 1958, J Am Stat Assoc 53:457)
 * with Greenwood's variance (Greenwood 1926) and pointwise intervals:
 *   S(t) = prod_{t_i <= t} (1 - d_i/n_i),  Var S = S² sum d_i/(n_i(n_i - d_i)).
 * Subjects censored at an event time count as at risk at that time.
 *
 * time, event, n: follow-up times (finite) and event indicators (non-zero =
 *                 event, 0 = censored), n >= 1 subjects (borrowed).
 * level, ci:      interval level and transform.
 * ws:             NULL or n size_t of scratch.
 * out, out_len:   caller array for the curve, one point per distinct event
 *                 time; out_len = n always suffices.  out may be NULL to only
 *                 count the points.
 * n_out:          receives the number of points (required).
 * Returns REMIT_OK, REMIT_ERR_ARG, REMIT_ERR_RANGE (n = 0, out_len too small:
 * then *n_out still tells the length needed) or REMIT_ERR_NOMEM. */
remit_status remit_km_estimate(remit_context *ctx, const double *time, const int *event,
                               size_t n, double level, remit_km_ci ci, size_t *ws,
                               remit_km_point *out, size_t out_len, size_t *n_out);

/* The median survival time and its Brookmeyer-Crowley interval (Brookmeyer &
 * Crowley 1982, Biometrics 38:29) obtained by inverting the pointwise
 * interval of S(t) chosen by ci: the median is the first event time with
 * S(t) <= 0.5, the lower limit the first with lower(t) <= 0.5, the upper limit
 * the first with upper(t) <= 0.5.  Where a curve equals 0.5 exactly (within
 * sqrt(DBL_EPSILON)) over an interval, the midpoint to the next drop is used.
 * This is the rule of R's survival package (print.survfit), so results match
 * survfit(..., conf.type = "log-log") for REMIT_KM_CI_LOGLOG.
 *
 * A curve that never reaches 0.5 gives NaN and the flag: REMIT_STAT_NO_VALUE
 * ("median not reached"), REMIT_STAT_NO_LOWER, REMIT_STAT_NO_UPPER (the usual
 * "upper limit not reached").  Arguments as remit_km_estimate.
 * Returns REMIT_OK, REMIT_ERR_ARG, REMIT_ERR_RANGE or REMIT_ERR_NOMEM. */
remit_status remit_km_median(remit_context *ctx, const double *time, const int *event, size_t n,
                             double level, remit_km_ci ci, size_t *ws, remit_estimate *out);

/* S(t) at one landmark time t (e.g. remission-free at day 365) with its
 * pointwise interval, from the last event time <= t.  Before the first event
 * S = 1 with interval (1, 1).  After the largest observed time the curve is
 * not estimable unless it has reached 0: NaN with all three NO_* flags.
 * Arguments as remit_km_estimate; t must be finite.
 * Returns REMIT_OK, REMIT_ERR_ARG, REMIT_ERR_RANGE or REMIT_ERR_NOMEM. */
remit_status remit_km_survival_at(remit_context *ctx, const double *time, const int *event,
                                  size_t n, double t, double level, remit_km_ci ci, size_t *ws,
                                  remit_estimate *out);

/* ------------------------------------------------------------------------ */
/* Two arms                                                                  */
/* ------------------------------------------------------------------------ */

/* The difference p1 - p2 = x1/n1 - x2/n2 with Newcombe's hybrid score
 * interval ("method 10" of Newcombe RG (1998) Stat Med 17:873):
 *   lower = d - sqrt((p1 - l1)² + (u2 - p2)²),
 *   upper = d + sqrt((u1 - p1)² + (p2 - l2)²),
 * with (l_i, u_i) the Wilson limits of each arm at the same level.
 * Counts as remit_prop_wilson (n1, n2 >= 1).
 * Returns REMIT_OK, REMIT_ERR_ARG or REMIT_ERR_RANGE. */
remit_status remit_prop_diff_newcombe(remit_context *ctx, long x1, long n1, long x2, long n2,
                                      double level, remit_estimate *out);

/* The odds ratio (x1/(n1-x1)) / (x2/(n2-x2)) with Woolf's logit interval
 * (Woolf B (1955) Ann Hum Genet 19:251):
 *   exp(log OR ± z sqrt(1/a + 1/b + 1/c + 1/d)),  a = x1, b = n1-x1, c = x2, d = n2-x2.
 * When any cell is 0, 0.5 is added to all four (Haldane 1956, Ann Hum Genet
 * 20:309; Anscombe 1956) for both the estimate and the interval, and
 * REMIT_STAT_CORRECTED is set: the OR stays finite and positive.
 * Counts as remit_prop_wilson (n1, n2 >= 1).
 * Returns REMIT_OK, REMIT_ERR_ARG or REMIT_ERR_RANGE. */
remit_status remit_odds_ratio_woolf(remit_context *ctx, long x1, long n1, long x2, long n2,
                                    double level, remit_estimate *out);

/* The rate ratio RR = (x1/T1) / (x2/T2) with the exact conditional
 * interval: given N = x1 + x2, x1 ~ Binomial(N, pi) with
 * pi = T1 RR / (T1 RR + T2), so the Clopper-Pearson limits (pi_L, pi_U) of
 * x1/N give RR = pi/(1 - pi) T2/T1 (Breslow NE & Day NE (1987) Statistical
 * Methods in Cancer Research II, IARC Sci Publ 82 [M for the section];
 * Clopper & Pearson 1934, Biometrika 26:404).  *p_value (if asked) is the
 * exact conditional test of RR = 1: twice the smaller binomial tail of x1
 * under pi0 = T1/(T1 + T2), at most 1.
 *
 * Edges (not errors): x2 = 0 < x1 gives an infinite ratio: value and upper
 * NaN with REMIT_STAT_NO_VALUE | REMIT_STAT_NO_UPPER; x1 = 0 gives RR = 0
 * with lower 0; x1 = x2 = 0 gives no information: all NaN with the three
 * NO_* flags and p = 1.
 * x1, x2: events >= 0; t1, t2: exposures > 0 (as remit_rate_poisson).
 * Returns REMIT_OK, REMIT_ERR_ARG or REMIT_ERR_RANGE. */
remit_status remit_rate_ratio_exact(remit_context *ctx, long x1, double t1, long x2, double t2,
                                    double level, remit_estimate *out, double *p_value);

/* The result of a two-sample log-rank test. */
typedef struct remit_logrank {
  long n[2];          /* subjects per group */
  double observed[2]; /* events per group */
  double expected[2]; /* expected events per group under H0 */
  double variance;    /* hypergeometric variance of observed[0] - expected[0] */
  double chisq;       /* (O0 - E0)² / variance, 1 degree of freedom */
  double p_value;     /* upper tail of chi-square(1) at chisq */
  int flags;          /* REMIT_STAT_DEGENERATE: variance 0 (no events, or no event
                         with both groups at risk): chisq = 0, p_value = 1 */
} remit_logrank;

/* The two-sample log-rank test (Mantel N (1966) Cancer Chemother Rep 50:163;
 * Peto & Peto 1972), with the hypergeometric variance
 *   V = sum n0 n1 d (n - d) / (n² (n - 1))
 * over distinct event times, as R's survdiff(rho = 0).
 *
 * time, event: as remit_km_estimate; group[i] is 0 or 1 (else REMIT_ERR_RANGE),
 *              both groups non-empty.
 * ws:          NULL or n size_t of scratch.
 * out:         written on success.
 * Returns REMIT_OK, REMIT_ERR_ARG, REMIT_ERR_RANGE or REMIT_ERR_NOMEM. */
remit_status remit_logrank_test(remit_context *ctx, const double *time, const int *event,
                                const int *group, size_t n, size_t *ws, remit_logrank *out);

/* ------------------------------------------------------------------------ */
/* Across replicate trials                                                   */
/* ------------------------------------------------------------------------ */

/* Sample quantiles of x[0..n-1] at probabilities probs[0..n_probs-1], by
 * linear interpolation between order statistics at h = (n-1)p ("type 7" of
 * Hyndman & Fan (1996) Am Stat 50:361; R's quantile() default; GSL's
 * gsl_stats_quantile_from_sorted_data).
 *
 * x, n:          the sample (borrowed), n >= 1.
 * probs:         n_probs probabilities in [0, 1] (borrowed).
 * ws:            NULL or n doubles of scratch (receives the sorted sample).
 * out:           n_probs doubles (caller's).
 * Returns REMIT_OK, REMIT_ERR_ARG, REMIT_ERR_RANGE or REMIT_ERR_NOMEM. */
remit_status remit_sample_quantiles(remit_context *ctx, const double *x, size_t n,
                                    const double *probs, size_t n_probs, double *ws, double *out);

/* The distribution of one statistic across replicate trials. */
typedef struct remit_sample_summary {
  size_t n;      /* number of replicates */
  double mean;   /* arithmetic mean */
  double sd;     /* standard deviation, divisor n-1; NaN when n = 1 */
  double min;    /* smallest value */
  double median; /* type-7 quantile at 0.5 */
  double max;    /* largest value */
  double lower;  /* type-7 quantile at (1-level)/2 */
  double upper;  /* type-7 quantile at (1+level)/2: [lower, upper] is the central interval */
  double level;  /* the central interval's probability, e.g. 0.95 */
} remit_sample_summary;

/* Summarises x[0..n-1] (n >= 1): mean, sd, range, median and the central
 * `level` interval of the empirical distribution (type-7 quantiles).
 * ws: NULL or n doubles of scratch.  out: written on success.
 * Returns REMIT_OK, REMIT_ERR_ARG, REMIT_ERR_RANGE or REMIT_ERR_NOMEM. */
remit_status remit_sample_summarize(remit_context *ctx, const double *x, size_t n, double level,
                                    double *ws, remit_sample_summary *out);

/* How a replicate's statistic is compared with the success threshold. */
typedef enum remit_cmp {
  REMIT_CMP_LT = 0, /* x <  threshold (e.g. p-value < 0.05) */
  REMIT_CMP_LE = 1, /* x <= threshold */
  REMIT_CMP_GT = 2, /* x >  threshold (e.g. difference > 0) */
  REMIT_CMP_GE = 3, /* x >= threshold */
  REMIT_CMP_EQ = 4  /* x == threshold (categorical covariates in eligibility criteria) */
} remit_cmp;

/* The probability of success (the power, when x holds each replicate's
 * p-value and the criterion is x < alpha): the fraction of replicates whose
 * statistic satisfies `x cmp threshold`, with its Wilson interval (the
 * Monte Carlo uncertainty of that fraction), as remit_prop_wilson.
 *
 * x, n:  one statistic per replicate (borrowed), n >= 1, all finite.  A
 *        replicate without a statistic must be decided by the caller.
 * Returns REMIT_OK, REMIT_ERR_ARG or REMIT_ERR_RANGE. */
remit_status remit_success_estimate(remit_context *ctx, const double *x, size_t n, remit_cmp cmp,
                                    double threshold, double level, remit_estimate *out);

#ifdef __cplusplus
}
#endif
#endif /* REMIT_STATS_H */
