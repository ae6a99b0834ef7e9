/* SPDX-License-Identifier: MIT
 *
 * test_stats.c: the report statistics (remit_stats.h) against published
 * worked examples and hand computations.  Every reference number carries a
 * comment saying where it comes from.  "By hand" means the formula in
 * docs/statistics.md evaluated step by step (a few lines of Python with the
 * standard library's NormalDist; no statistics package), and is shown where
 * short.  Then every documented edge case and error path is provoked.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "remit/remit.h"
#include "remit_test.h"

/* Published values are given to 4 decimals: agree to half a unit in the last. */
#define CHECK_4DP(x, ref) REMIT_CHECK_RANGE((x), (ref)-5e-5, (ref) + 5e-5)
#define CHECK_NAN(x) REMIT_CHECK(isnan(x), "%s is NaN (%g)", #x, (double)(x))

static remit_context *ctx;

/* Freireich et al. (1963) Blood 21:699, remission times (weeks) of the
 * 6-MP and placebo arms; the classic example of Gehan (1965), Cox (1972),
 * and R's MASS::gehan.  6-MP: "+" = censored. */
static const double t_6mp[21] = {6,  6,  6,  6,  7,  9,  10, 10, 11, 13, 16,
                                 17, 19, 20, 22, 23, 25, 32, 32, 34, 35};
static const int e_6mp[21] = {1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0};
static const double t_plac[21] = {1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23};
static const int e_plac[21] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

static void test_wilson(void) {
  remit_estimate e;
  /* Newcombe RG (1998) Stat Med 17:857, Table I, method 3 (score interval
   * without continuity correction), examples 81/263, 15/148, 0/20, 1/29. */
  static const struct {
    long x, n;
    double lo, hi;
  } ex[] = {{81, 263, 0.2553, 0.3662}, {15, 148, 0.0624, 0.1605}, {0, 20, 0.0000, 0.1611},
            {1, 29, 0.0061, 0.1718}};
  for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
    REMIT_CHECK_STATUS(remit_prop_wilson(ctx, ex[i].x, ex[i].n, 0.95, &e), REMIT_OK);
    REMIT_CHECK_REL(e.value, (double)ex[i].x / (double)ex[i].n, 1e-15);
    CHECK_4DP(e.lower, ex[i].lo);
    CHECK_4DP(e.upper, ex[i].hi);
    REMIT_CHECK(e.flags == 0 && e.level == 0.95, "flags 0, level kept");
  }
  /* Edge cases: x = 0 gives lower exactly 0, x = n upper exactly 1; by
   * symmetry 20/20 is the mirror of 0/20 (upper of 0/20 = 0.1611 above). */
  REMIT_CHECK_STATUS(remit_prop_wilson(ctx, 0, 20, 0.95, &e), REMIT_OK);
  REMIT_CHECK(e.lower == 0.0, "0/20: lower exactly 0 (%g)", e.lower);
  REMIT_CHECK_STATUS(remit_prop_wilson(ctx, 20, 20, 0.95, &e), REMIT_OK);
  REMIT_CHECK(e.upper == 1.0 && e.value == 1.0, "20/20: upper exactly 1 (%g)", e.upper);
  CHECK_4DP(e.lower, 1.0 - 0.1611);
  /* n = 1, x = 1 at 90 %: by hand, z = 1.644854, lower = 1/(1 + z²) = 0.269855. */
  REMIT_CHECK_STATUS(remit_prop_wilson(ctx, 1, 1, 0.90, &e), REMIT_OK);
  REMIT_CHECK_REL(e.lower, 1.0 / (1.0 + 1.6448536269514722 * 1.6448536269514722), 1e-12);
}

static void test_newcombe(void) {
  remit_estimate e;
  /* Newcombe RG (1998) Stat Med 17:873, Table II, method 10 (hybrid score,
   * no continuity correction), examples (a)-(h).  Note: example (a) is
   * 56/70 - 48/80 = 0.2000 with interval 0.0524 to 0.3339; the brief quoted
   * "0.1833, 0.0355 to 0.3215", which is not this example (checked by hand). */
  static const struct {
    long x1, n1, x2, n2;
    double d, lo, hi;
  } ex[] = {
      {56, 70, 48, 80, 0.2000, 0.0524, 0.3339},   /* (a) */
      {9, 10, 3, 10, 0.6000, 0.1705, 0.8090},     /* (b) */
      {6, 7, 2, 7, 0.5714, 0.0582, 0.8062},       /* (c) */
      {5, 56, 0, 29, 0.0893, -0.0381, 0.1926},    /* (d) */
      {0, 10, 0, 20, 0.0000, -0.1611, 0.2775},    /* (e) */
      {0, 10, 0, 10, 0.0000, -0.2775, 0.2775},    /* (f) */
      {10, 10, 0, 20, 1.0000, 0.6791, 1.0000},    /* (g) */
      {10, 10, 0, 10, 1.0000, 0.6075, 1.0000},    /* (h) */
  };
  for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
    REMIT_CHECK_STATUS(
        remit_prop_diff_newcombe(ctx, ex[i].x1, ex[i].n1, ex[i].x2, ex[i].n2, 0.95, &e), REMIT_OK);
    CHECK_4DP(e.value, ex[i].d);
    CHECK_4DP(e.lower, ex[i].lo);
    CHECK_4DP(e.upper, ex[i].hi);
  }
}

static void test_odds_ratio(void) {
  remit_estimate e;
  /* By hand, Newcombe's example (a) as a 2x2 table a=56 b=14 c=48 d=32:
   * OR = 56*32/(14*48) = 8/3; se = sqrt(1/56+1/14+1/48+1/32) = 0.375991;
   * exp(log(8/3) ± 1.959964 se) = 1.276218, 5.572020. */
  REMIT_CHECK_STATUS(remit_odds_ratio_woolf(ctx, 56, 70, 48, 80, 0.95, &e), REMIT_OK);
  REMIT_CHECK_REL(e.value, 8.0 / 3.0, 1e-14);
  REMIT_CHECK_REL(e.lower, 1.276217870536434, 1e-9);
  REMIT_CHECK_REL(e.upper, 5.572019696074378, 1e-9);
  REMIT_CHECK(e.flags == 0, "no correction without zero cells");
  /* By hand, a zero cell (5/56 vs 0/29): Haldane 0.5 in every cell,
   * OR = 5.5*29.5/(51.5*0.5) = 6.300971; se = sqrt(1/5.5+1/51.5+1/0.5+1/29.5);
   * limits 0.336380, 118.027932. */
  REMIT_CHECK_STATUS(remit_odds_ratio_woolf(ctx, 5, 56, 0, 29, 0.95, &e), REMIT_OK);
  REMIT_CHECK_REL(e.value, 5.5 * 29.5 / (51.5 * 0.5), 1e-14);
  REMIT_CHECK_REL(e.lower, 0.3363799840030892, 1e-9);
  REMIT_CHECK_REL(e.upper, 118.02793222066398, 1e-9);
  REMIT_CHECK(e.flags == REMIT_STAT_CORRECTED, "Haldane correction flagged (%d)", e.flags);
  /* All successes in both arms: corrected table 10.5/0.5 vs 10.5/0.5 gives OR 1. */
  REMIT_CHECK_STATUS(remit_odds_ratio_woolf(ctx, 10, 10, 10, 10, 0.95, &e), REMIT_OK);
  REMIT_CHECK_REL(e.value, 1.0, 1e-14);
  REMIT_CHECK(e.lower < 1.0 && e.upper > 1.0 && (e.flags & REMIT_STAT_CORRECTED),
              "10/10 vs 10/10: interval around 1, corrected");
}

static void test_rates(void) {
  remit_estimate e;
  /* Exact Poisson (Garwood 1936) 95 % limits for an observed count x, as
   * tabulated in the standard tables of exact Poisson limits (e.g. Geigy
   * Scientific Tables; Pearson & Hartley, Biometrika Tables): 0 -> (0, 3.689),
   * 1 -> (0.0253, 5.572), 2 -> (0.2422, 7.225), 5 -> (1.623, 11.668),
   * 10 -> (4.795, 18.390).  Checked by hand to 6 decimals by bisection on the
   * Poisson CDF (Python math only): the limits solve P(X >= x; mu) = 0.025
   * and P(X <= x; mu) = 0.025. */
  static const struct {
    long x;
    double lo, hi;
  } ex[] = {{0, 0.0, 3.688879},     {1, 0.025318, 5.571643},   {2, 0.242209, 7.224688},
            {5, 1.623486, 11.668332}, {10, 4.795389, 18.390356}, {37, 26.051415, 50.999626}};
  for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
    REMIT_CHECK_STATUS(remit_rate_poisson(ctx, ex[i].x, 1.0, 0.95, &e), REMIT_OK);
    REMIT_CHECK(e.value == (double)ex[i].x && e.flags == 0, "x = %ld: rate x/1", ex[i].x);
    REMIT_CHECK_RANGE(e.lower, ex[i].lo - 5e-7, ex[i].lo + 5e-7);
    REMIT_CHECK_RANGE(e.upper, ex[i].hi - 5e-7, ex[i].hi + 5e-7);
  }
  REMIT_CHECK_STATUS(remit_rate_poisson(ctx, 0, 1.0, 0.95, &e), REMIT_OK);
  REMIT_CHECK(e.lower == 0.0, "x = 0: lower exactly 0 (%g)", e.lower);
  /* A rate scales with the exposure: 37 flares in 55.2 patient-years. */
  REMIT_CHECK_STATUS(remit_rate_poisson(ctx, 37, 55.2, 0.95, &e), REMIT_OK);
  REMIT_CHECK_REL(e.value, 37.0 / 55.2, 1e-15);
  REMIT_CHECK_REL(e.lower, 26.051415 / 55.2, 1e-6);
  REMIT_CHECK_REL(e.upper, 50.999626 / 55.2, 1e-6);
  /* 90 %: x = 0 gives upper -log(0.05) = 2.995732 (P(X = 0; mu) = 0.05). */
  REMIT_CHECK_STATUS(remit_rate_poisson(ctx, 0, 2.0, 0.90, &e), REMIT_OK);
  REMIT_CHECK_REL(e.upper, -log(0.05) / 2.0, 1e-9);

  /* Rate ratio, by hand (Python math only): 15 events in 200 vs 30 in 210
   * person-years, RR = 0.525; Clopper-Pearson limits of 15/45 by bisection
   * on the binomial CDF, mapped by pi/(1 - pi) * 210/200: (0.262509,
   * 1.006822); exact conditional p under pi0 = 200/410: 0.052715. */
  double p = -1.0;
  REMIT_CHECK_STATUS(remit_rate_ratio_exact(ctx, 15, 200.0, 30, 210.0, 0.95, &e, &p), REMIT_OK);
  REMIT_CHECK_REL(e.value, 0.525, 1e-14);
  REMIT_CHECK_REL(e.lower, 0.2625093319588969, 1e-7);
  REMIT_CHECK_REL(e.upper, 1.0068217089638625, 1e-7);
  REMIT_CHECK_REL(p, 0.05271463635630458, 1e-7);
  /* Swapping the arms inverts the ratio and its limits, same p. */
  double p2 = -1.0;
  REMIT_CHECK_STATUS(remit_rate_ratio_exact(ctx, 30, 210.0, 15, 200.0, 0.95, &e, &p2), REMIT_OK);
  REMIT_CHECK_REL(e.value, 1.0 / 0.525, 1e-14);
  REMIT_CHECK_REL(e.lower, 1.0 / 1.0068217089638625, 1e-7);
  REMIT_CHECK_REL(p2, p, 1e-9);
  /* Equal rates: RR 1, p 1. */
  REMIT_CHECK_STATUS(remit_rate_ratio_exact(ctx, 12, 30.0, 12, 30.0, 0.95, &e, &p), REMIT_OK);
  REMIT_CHECK(e.value == 1.0 && e.lower < 1.0 && e.upper > 1.0 && p == 1.0, "equal rates: RR 1, p 1");
  /* Edges: no events in arm 2 (infinite ratio; lower by hand 0.528099 for
   * 4/4 with T 50 vs 40), none in arm 1 (RR 0), none at all. */
  REMIT_CHECK_STATUS(remit_rate_ratio_exact(ctx, 4, 50.0, 0, 40.0, 0.95, &e, NULL), REMIT_OK);
  REMIT_CHECK(isnan(e.value) && isnan(e.upper) &&
                  e.flags == (REMIT_STAT_NO_VALUE | REMIT_STAT_NO_UPPER),
              "x2 = 0: ratio and upper not finite (flags %d)", e.flags);
  REMIT_CHECK_REL(e.lower, 0.5280992154880744, 1e-7);
  REMIT_CHECK_STATUS(remit_rate_ratio_exact(ctx, 0, 50.0, 4, 40.0, 0.95, &e, NULL), REMIT_OK);
  REMIT_CHECK(e.value == 0.0 && e.lower == 0.0 && isfinite(e.upper) && e.flags == 0,
              "x1 = 0: RR 0, lower 0");
  REMIT_CHECK_STATUS(remit_rate_ratio_exact(ctx, 0, 50.0, 0, 40.0, 0.95, &e, &p), REMIT_OK);
  REMIT_CHECK(isnan(e.value) && isnan(e.lower) && isnan(e.upper) && p == 1.0 &&
                  e.flags == (REMIT_STAT_NO_VALUE | REMIT_STAT_NO_LOWER | REMIT_STAT_NO_UPPER),
              "no events: no information");
}

/* x = 2.385 3.1 4.72 1.96 5.05 3.88 2.71 4.4 3.33 6.02 ("high-entropy" values). */
static const double x10[10] = {2.385, 3.1, 4.72, 1.96, 5.05, 3.88, 2.71, 4.4, 3.33, 6.02};

static void test_mean_median(void) {
  remit_estimate e;
  /* By hand: mean 3.7555, s = 1.2897339 (divisor 9), t(0.975, 9) = 2.262157
   * (any t table, e.g. Armitage, Berry & Matthews Table A3: 2.262), so
   * 3.7555 ± 2.262157 * 1.2897339/sqrt(10) = 2.832880, 4.678120. */
  REMIT_CHECK_STATUS(remit_mean_t(ctx, x10, 10, 0.95, &e), REMIT_OK);
  REMIT_CHECK_REL(e.value, 3.7555, 1e-14);
  REMIT_CHECK_REL(e.lower, 2.8328799260785984, 1e-9);
  REMIT_CHECK_REL(e.upper, 4.6781200739214, 1e-9);
  /* n = 1: the value, no interval. */
  REMIT_CHECK_STATUS(remit_mean_t(ctx, x10, 1, 0.95, &e), REMIT_OK);
  REMIT_CHECK(e.value == 2.385 && isnan(e.lower) && isnan(e.upper) &&
                  e.flags == (REMIT_STAT_NO_LOWER | REMIT_STAT_NO_UPPER),
              "mean of one observation: value, NaN limits, flags %d", e.flags);

  /* By hand: sorted x = 1.96 2.385 2.71 3.1 3.33 3.88 4.4 4.72 5.05 6.02,
   * median (3.33+3.88)/2 = 3.605.  Bin(10, 1/2): P(B<=1) = 11/1024 = 0.0107
   * <= 0.025 < P(B<=2) = 56/1024, so r = 2: (x(2), x(9)) = (2.385, 5.05) with
   * coverage 1 - 22/1024 = 0.978515625 (Conover 1999, §3.2; the classic
   * "n = 10: 2nd and 9th order statistics" rule). */
  double ws[10], cov = 0;
  REMIT_CHECK_STATUS(remit_median_order(ctx, x10, 10, 0.95, ws, &e, &cov), REMIT_OK);
  REMIT_CHECK_REL(e.value, 3.605, 1e-14);
  REMIT_CHECK(e.lower == 2.385 && e.upper == 5.05, "median interval (%g, %g)", e.lower, e.upper);
  REMIT_CHECK_REL(cov, 1.0 - 22.0 / 1024.0, 1e-12);
  /* Same without a workspace (allocated through the context). */
  REMIT_CHECK_STATUS(remit_median_order(ctx, x10, 10, 0.95, NULL, &e, NULL), REMIT_OK);
  REMIT_CHECK(e.lower == 2.385 && e.upper == 5.05, "no-workspace median interval");
  /* n = 5: P(B<=0) = 1/32 > 0.025, no 95 % interval; (x(1), x(5)) covers
   * 1 - 2/32 = 0.9375 (by hand). */
  REMIT_CHECK_STATUS(remit_median_order(ctx, x10, 5, 0.95, ws, &e, &cov), REMIT_OK);
  REMIT_CHECK(e.value == 3.1 && isnan(e.lower) && isnan(e.upper) &&
                  e.flags == (REMIT_STAT_NO_LOWER | REMIT_STAT_NO_UPPER),
              "n = 5: median 3.1, no 95 %% interval");
  REMIT_CHECK_REL(cov, 0.9375, 1e-12);
  /* ... but at 90 % it exists: P(B<=0) = 0.03125 <= 0.05 < P(B<=1) = 0.1875. */
  REMIT_CHECK_STATUS(remit_median_order(ctx, x10, 5, 0.90, ws, &e, &cov), REMIT_OK);
  REMIT_CHECK(e.lower == 1.96 && e.upper == 5.05 && e.flags == 0, "n = 5 at 90 %%: (x(1), x(5))");
}

static void test_quantiles_and_replicates(void) {
  /* Type 7 by hand on 11 7 1 4 2 (sorted 1 2 4 7 11): h = 4p;
   * p = 0.1: 1 + 0.4*(2-1) = 1.4; 0.25: 2; 0.5: 4; 0.9: 7 + 0.6*4 = 9.4;
   * 0 and 1: the extremes.  R: quantile(c(11,7,1,4,2), c(0,.1,.25,.5,.9,1)). */
  const double y[5] = {11, 7, 1, 4, 2};
  const double probs[6] = {0, 0.1, 0.25, 0.5, 0.9, 1};
  const double ref[6] = {1, 1.4, 2, 4, 9.4, 11};
  double q[6], ws[40];
  REMIT_CHECK_STATUS(remit_sample_quantiles(ctx, y, 5, probs, 6, ws, q), REMIT_OK);
  for (int i = 0; i < 6; i++) {
    REMIT_CHECK(fabs(q[i] - ref[i]) <= 1e-12, "quantile %g = %g (ref %g)", probs[i], q[i], ref[i]);
  }
  REMIT_CHECK(y[0] == 11 && y[4] == 2, "input left unsorted");

  /* 1..40 in a scrambled order: by hand mean 20.5, sd sqrt(40*41/12) =
   * 11.690452, type-7 2.5 % quantile at h = 0.975: 1.975, 97.5 % at
   * h = 38.025: 39.025, median 20.5. */
  double z[40];
  for (int i = 0; i < 40; i++) {
    z[i] = (double)((i * 17) % 40 + 1); /* 17 is coprime with 40: a permutation */
  }
  remit_sample_summary s;
  REMIT_CHECK_STATUS(remit_sample_summarize(ctx, z, 40, 0.95, ws, &s), REMIT_OK);
  REMIT_CHECK(s.n == 40 && s.min == 1 && s.max == 40, "n, min, max");
  REMIT_CHECK_REL(s.mean, 20.5, 1e-14);
  REMIT_CHECK_REL(s.sd, sqrt(40.0 * 41.0 / 12.0), 1e-12);
  REMIT_CHECK_REL(s.median, 20.5, 1e-14);
  REMIT_CHECK_REL(s.lower, 1.975, 1e-12);
  REMIT_CHECK_REL(s.upper, 39.025, 1e-12);
  /* The workspace may be the data itself (sorted in place): same summary. */
  double zc[40];
  memcpy(zc, z, sizeof zc);
  remit_sample_summary s2;
  REMIT_CHECK_STATUS(remit_sample_summarize(ctx, zc, 40, 0.95, zc, &s2), REMIT_OK);
  REMIT_CHECK(s2.lower == s.lower && s2.upper == s.upper && s2.median == s.median &&
                  fabs(s2.mean - s.mean) < 1e-12 && fabs(s2.sd - s.sd) < 1e-12 && zc[0] == 1,
              "ws == x: same summary, x sorted in place");
  REMIT_CHECK_STATUS(remit_sample_summarize(ctx, z, 1, 0.95, NULL, &s), REMIT_OK);
  REMIT_CHECK(s.n == 1 && isnan(s.sd) && s.lower == z[0] && s.upper == z[0], "one replicate");

  /* Power from 8 replicate p-values, alpha 0.05: 0.01 0.049 0.001 0.04 are
   * < 0.05 (4/8); with <= also 0.05 (5/8).  Wilson by hand: 4/8 -> 0.215216,
   * 0.784784; 5/8 -> 0.305742, 0.863156. */
  const double p[8] = {0.01, 0.2, 0.049, 0.05, 0.3, 0.001, 0.04, 0.6};
  remit_estimate e;
  REMIT_CHECK_STATUS(remit_success_estimate(ctx, p, 8, REMIT_CMP_LT, 0.05, 0.95, &e), REMIT_OK);
  REMIT_CHECK_REL(e.value, 0.5, 1e-15);
  REMIT_CHECK_REL(e.lower, 0.21521606221387762, 1e-9);
  REMIT_CHECK_REL(e.upper, 0.7847839377861224, 1e-9);
  REMIT_CHECK_STATUS(remit_success_estimate(ctx, p, 8, REMIT_CMP_LE, 0.05, 0.95, &e), REMIT_OK);
  REMIT_CHECK_REL(e.value, 0.625, 1e-15);
  REMIT_CHECK_REL(e.lower, 0.3057423946026274, 1e-9);
  REMIT_CHECK_REL(e.upper, 0.8631557141764027, 1e-9);
  REMIT_CHECK_STATUS(remit_success_estimate(ctx, p, 8, REMIT_CMP_GT, 0.05, 0.95, &e), REMIT_OK);
  REMIT_CHECK_REL(e.value, 0.375, 1e-15);
  REMIT_CHECK_STATUS(remit_success_estimate(ctx, p, 8, REMIT_CMP_GE, 0.05, 0.95, &e), REMIT_OK);
  REMIT_CHECK_REL(e.value, 0.5, 1e-15);
}

static void test_kaplan_meier(void) {
  /* 6-MP arm.  S(t) from the brief and any survival text (Klein &
   * Moeschberger 2003, §4.2; Kleinbaum & Klein 2012, ch. 2): 0.857 0.807
   * 0.753 0.690 0.627 0.538 0.448.  Exact fractions by hand: 18/21,
   * 18/21*16/17, ...*14/15, ...*11/12, ...*10/11, ...*6/7, ...*5/6.
   * Greenwood SE of S by hand (and in those texts): 0.0764 0.0869 0.0963
   * 0.1068 0.1141 0.1282 0.1346.  Log-log limits by hand (S^exp(±z se/log S),
   * se = sqrt(sum d/(n(n-d)))). */
  static const struct {
    double t;
    long nr, d;
    double s, se, lo, hi;
  } ref[7] = {
      {6, 21, 3, 18.0 / 21, 0.076360, 0.619718, 0.951552},
      {7, 17, 1, 18.0 / 21 * 16 / 17, 0.086935, 0.563147, 0.922809},
      {10, 15, 1, 18.0 / 21 * 16 / 17 * 14 / 15, 0.096350, 0.503200, 0.889362},
      {13, 12, 1, 18.0 / 21 * 16 / 17 * 14 / 15 * 11 / 12, 0.106815, 0.431610, 0.849066},
      {16, 11, 1, 18.0 / 21 * 16 / 17 * 14 / 15 * 11 / 12 * 10 / 11, 0.114054, 0.367511, 0.804912},
      {22, 7, 1, 18.0 / 21 * 16 / 17 * 14 / 15 * 11 / 12 * 10 / 11 * 6 / 7, 0.128234, 0.267779,
       0.746791},
      {23, 6, 1, 18.0 / 21 * 16 / 17 * 14 / 15 * 11 / 12 * 10 / 11 * 6 / 7 * 5 / 6, 0.134591,
       0.188052, 0.680143},
  };
  static const double pub_s[7] = {0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448};
  remit_km_point pts[21];
  size_t ws[21], np = 0;
  REMIT_CHECK_STATUS(
      remit_km_estimate(ctx, t_6mp, e_6mp, 21, 0.95, REMIT_KM_CI_LOGLOG, ws, pts, 21, &np),
      REMIT_OK);
  REMIT_CHECK(np == 7, "6-MP: 7 distinct event times (%zu)", np);
  for (size_t k = 0; k < 7 && k < np; k++) {
    REMIT_CHECK(pts[k].time == ref[k].t && pts[k].n_risk == ref[k].nr &&
                    pts[k].n_event == ref[k].d,
                "t %g: n_risk %ld, n_event %ld", pts[k].time, pts[k].n_risk, pts[k].n_event);
    REMIT_CHECK_REL(pts[k].surv, ref[k].s, 1e-14);
    REMIT_CHECK_RANGE(pts[k].surv, pub_s[k] - 5e-4, pub_s[k] + 5e-4);
    REMIT_CHECK_RANGE(pts[k].std_err, ref[k].se - 5e-7, ref[k].se + 5e-7);
    REMIT_CHECK_RANGE(pts[k].lower, ref[k].lo - 5e-7, ref[k].lo + 5e-7);
    REMIT_CHECK_RANGE(pts[k].upper, ref[k].hi - 5e-7, ref[k].hi + 5e-7);
  }
  /* Size query and a too-small buffer. */
  size_t need = 0;
  REMIT_CHECK_STATUS(
      remit_km_estimate(ctx, t_6mp, e_6mp, 21, 0.95, REMIT_KM_CI_LOGLOG, NULL, NULL, 0, &need),
      REMIT_OK);
  REMIT_CHECK(need == 7, "size query gives 7 (%zu)", need);
  pts[0].time = -1;
  REMIT_CHECK_STATUS(
      remit_km_estimate(ctx, t_6mp, e_6mp, 21, 0.95, REMIT_KM_CI_LOGLOG, ws, pts, 3, &need),
      REMIT_ERR_RANGE);
  REMIT_CHECK(need == 7 && pts[0].time == -1, "short buffer: length reported, buffer untouched");

  /* Log transform (R's default), placebo arm at t = 8, by hand: S = 8/21,
   * se(log S) = 0.278174, S exp(±z se) = 0.220845, 0.657133. */
  REMIT_CHECK_STATUS(
      remit_km_estimate(ctx, t_plac, e_plac, 21, 0.95, REMIT_KM_CI_LOG, ws, pts, 21, &np),
      REMIT_OK);
  REMIT_CHECK(np == 12 && pts[5].time == 8, "placebo: 12 event times");
  REMIT_CHECK_REL(pts[5].surv, 8.0 / 21.0, 1e-14);
  REMIT_CHECK_RANGE(pts[5].lower, 0.220845 - 5e-7, 0.220845 + 5e-7);
  REMIT_CHECK_RANGE(pts[5].upper, 0.657133 - 5e-7, 0.657133 + 5e-7);
  /* At t = 1 the log upper limit 1.0 is clipped at 1 (by hand 0.9048 e^0.139 > 1). */
  REMIT_CHECK(pts[0].upper == 1.0, "log upper clipped at 1");
  /* The last placebo subject fails at 23: S = 0, no interval. */
  REMIT_CHECK(pts[11].surv == 0.0 && isnan(pts[11].lower) && isnan(pts[11].std_err),
              "S = 0 at 23 with NaN interval");
  /* Plain transform at t = 8 by hand: 8/21 ± 1.959964 * 0.105971 = 0.173252, 0.588653. */
  REMIT_CHECK_STATUS(
      remit_km_estimate(ctx, t_plac, e_plac, 21, 0.95, REMIT_KM_CI_PLAIN, ws, pts, 21, &np),
      REMIT_OK);
  REMIT_CHECK_RANGE(pts[5].lower, 8.0 / 21 - 1.959964 * 0.105971 - 2e-6,
                    8.0 / 21 - 1.959964 * 0.105971 + 2e-6);
  REMIT_CHECK_RANGE(pts[5].upper, 8.0 / 21 + 1.959964 * 0.105971 - 2e-6,
                    8.0 / 21 + 1.959964 * 0.105971 + 2e-6);
}

static void test_km_median(void) {
  remit_estimate e;
  size_t ws[42];
  /* R, MASS::gehan, survfit(Surv(time, cens) ~ treat) with the default
   * conf.type = "log": control median 8 (4, 12); 6-MP median 23 (16, NA).
   * Also by hand from the bands printed in test_kaplan_meier's comments. */
  REMIT_CHECK_STATUS(remit_km_median(ctx, t_plac, e_plac, 21, 0.95, REMIT_KM_CI_LOG, ws, &e),
                     REMIT_OK);
  REMIT_CHECK(e.value == 8 && e.lower == 4 && e.upper == 12 && e.flags == 0,
              "placebo, log: 8 (%g, %g)", e.lower, e.upper);
  REMIT_CHECK_STATUS(remit_km_median(ctx, t_6mp, e_6mp, 21, 0.95, REMIT_KM_CI_LOG, ws, &e),
                     REMIT_OK);
  REMIT_CHECK(e.value == 23 && e.lower == 16 && isnan(e.upper) && e.flags == REMIT_STAT_NO_UPPER,
              "6-MP, log: 23 (%g, not reached)", e.lower);
  /* Log-log (our default), by hand: 6-MP lower band first <= 0.5 at 13
   * (0.4316; at 10 it is 0.5032), upper band never (0.680 at 23): 23 (13, NR).
   * Placebo: lower band 0.4254 at 4, upper band 0.4818 at 11: 8 (4, 11). */
  REMIT_CHECK_STATUS(remit_km_median(ctx, t_6mp, e_6mp, 21, 0.95, REMIT_KM_CI_LOGLOG, NULL, &e),
                     REMIT_OK);
  REMIT_CHECK(e.value == 23 && e.lower == 13 && isnan(e.upper) && e.flags == REMIT_STAT_NO_UPPER,
              "6-MP, log-log: 23 (%g, not reached)", e.lower);
  REMIT_CHECK_STATUS(remit_km_median(ctx, t_plac, e_plac, 21, 0.95, REMIT_KM_CI_LOGLOG, ws, &e),
                     REMIT_OK);
  REMIT_CHECK(e.value == 8 && e.lower == 4 && e.upper == 11, "placebo, log-log: 8 (%g, %g)",
              e.lower, e.upper);
  /* Exactly one half: events at 1, 2, 3, 4: S = 3/4, 1/2, 1/4, 0; S sits at
   * 0.5 on [2, 3), so the median is (2 + 3)/2 = 2.5 (R: 2.5). */
  const double t4[4] = {4, 3, 2, 1};
  const int e4[4] = {1, 1, 1, 1};
  REMIT_CHECK_STATUS(remit_km_median(ctx, t4, e4, 4, 0.95, REMIT_KM_CI_LOGLOG, ws, &e), REMIT_OK);
  REMIT_CHECK_REL(e.value, 2.5, 1e-15);
  /* Median not reached: events 1 0 0 0 0 0 at times 2..7, S = 5/6 after
   * t = 2.  By hand the log-log lower band there is
   * (5/6)^exp(1.959964 sqrt(1/30)/log(6/5)) = 0.2731 <= 0.5, so the lower
   * limit exists (2) while the median and its upper limit are not reached. */
  const double tn[6] = {2, 3, 4, 5, 6, 7};
  const int en[6] = {1, 0, 0, 0, 0, 0};
  REMIT_CHECK_STATUS(remit_km_median(ctx, tn, en, 6, 0.95, REMIT_KM_CI_LOGLOG, ws, &e), REMIT_OK);
  REMIT_CHECK(isnan(e.value) && e.lower == 2 && isnan(e.upper) &&
                  e.flags == (REMIT_STAT_NO_VALUE | REMIT_STAT_NO_UPPER),
              "median not reached: NaN (%g, NaN), flags %d", e.lower, e.flags);
  /* No events: no curve, nothing reached. */
  const double tc[3] = {5, 6, 7};
  const int ec[3] = {0, 0, 0};
  size_t np = 99;
  REMIT_CHECK_STATUS(
      remit_km_estimate(ctx, tc, ec, 3, 0.95, REMIT_KM_CI_LOGLOG, ws, NULL, 0, &np), REMIT_OK);
  REMIT_CHECK(np == 0, "no events: empty curve");
  REMIT_CHECK_STATUS(remit_km_median(ctx, tc, ec, 3, 0.95, REMIT_KM_CI_LOGLOG, ws, &e), REMIT_OK);
  REMIT_CHECK(e.flags == (REMIT_STAT_NO_VALUE | REMIT_STAT_NO_LOWER | REMIT_STAT_NO_UPPER) &&
                  isnan(e.value) && isnan(e.lower) && isnan(e.upper),
              "no events: all not reached");

  /* Landmarks on 6-MP: S(12) = S(10) = 0.752941 with the t = 10 log-log
   * interval; before the first event 1 (1, 1); at the last follow-up (35)
   * S(23); beyond it not estimable. */
  REMIT_CHECK_STATUS(
      remit_km_survival_at(ctx, t_6mp, e_6mp, 21, 12, 0.95, REMIT_KM_CI_LOGLOG, ws, &e), REMIT_OK);
  REMIT_CHECK_REL(e.value, 18.0 / 21 * 16 / 17 * 14 / 15, 1e-14);
  REMIT_CHECK_RANGE(e.lower, 0.503200 - 5e-7, 0.503200 + 5e-7);
  REMIT_CHECK_STATUS(
      remit_km_survival_at(ctx, t_6mp, e_6mp, 21, 5.5, 0.95, REMIT_KM_CI_LOGLOG, ws, &e), REMIT_OK);
  REMIT_CHECK(e.value == 1 && e.lower == 1 && e.upper == 1 && e.flags == 0, "S(5.5) = 1");
  REMIT_CHECK_STATUS(
      remit_km_survival_at(ctx, t_6mp, e_6mp, 21, 35, 0.95, REMIT_KM_CI_LOGLOG, ws, &e), REMIT_OK);
  REMIT_CHECK_REL(e.value, 18.0 / 21 * 16 / 17 * 14 / 15 * 11 / 12 * 10 / 11 * 6 / 7 * 5 / 6, 1e-14);
  REMIT_CHECK_STATUS(
      remit_km_survival_at(ctx, t_6mp, e_6mp, 21, 36, 0.95, REMIT_KM_CI_LOGLOG, ws, &e), REMIT_OK);
  REMIT_CHECK(isnan(e.value) && (e.flags & REMIT_STAT_NO_VALUE), "S(36) beyond follow-up: NaN");
  /* Placebo reaches 0 at 23, so later times are estimable: S(30) = 0. */
  REMIT_CHECK_STATUS(
      remit_km_survival_at(ctx, t_plac, e_plac, 21, 30, 0.95, REMIT_KM_CI_LOGLOG, ws, &e), REMIT_OK);
  REMIT_CHECK(e.value == 0 && (e.flags & REMIT_STAT_NO_LOWER), "placebo S(30) = 0, no interval");
}

static void test_logrank(void) {
  /* Freireich 6-MP (group 0) vs placebo (group 1).  R survdiff on MASS::gehan:
   * 6-MP O = 9, E = 19.3; control O = 21, E = 10.7; chisq = 16.8, p = 4e-05.
   * By hand to more digits: E0 = 19.250501, V = 6.256961, chisq = 16.792941,
   * p = 4.1688e-05 (the brief's 16.79 and 4.17e-5). */
  double t[42];
  int ev[42], g[42];
  for (int i = 0; i < 21; i++) {
    t[i] = t_6mp[i];
    ev[i] = e_6mp[i];
    g[i] = 0;
    t[21 + i] = t_plac[i];
    ev[21 + i] = e_plac[i];
    g[21 + i] = 1;
  }
  remit_logrank lr;
  size_t ws[42];
  REMIT_CHECK_STATUS(remit_logrank_test(ctx, t, ev, g, 42, ws, &lr), REMIT_OK);
  REMIT_CHECK(lr.n[0] == 21 && lr.n[1] == 21 && lr.observed[0] == 9 && lr.observed[1] == 21,
              "sizes and observed events");
  REMIT_CHECK_REL(lr.expected[0], 19.25050094803113, 1e-10);
  REMIT_CHECK_REL(lr.expected[1], 30.0 - 19.25050094803113, 1e-10);
  REMIT_CHECK_REL(lr.variance, 6.2569605736755, 1e-10);
  REMIT_CHECK_REL(lr.chisq, 16.79294098921654, 1e-10);
  REMIT_CHECK_REL(lr.p_value, 4.1688091093345274e-05, 1e-8);
  REMIT_CHECK(lr.flags == 0, "not degenerate");
  /* Swapping the labels leaves the statistic unchanged. */
  for (int i = 0; i < 42; i++) {
    g[i] = 1 - g[i];
  }
  REMIT_CHECK_STATUS(remit_logrank_test(ctx, t, ev, g, 42, NULL, &lr), REMIT_OK);
  REMIT_CHECK_REL(lr.chisq, 16.79294098921654, 1e-10);
  REMIT_CHECK(lr.observed[1] == 9, "labels swapped");
  /* No events at all: degenerate, chisq 0, p 1. */
  const double tc[4] = {3, 4, 5, 6};
  const int ec[4] = {0, 0, 0, 0}, gc[4] = {0, 1, 0, 1};
  REMIT_CHECK_STATUS(remit_logrank_test(ctx, tc, ec, gc, 4, ws, &lr), REMIT_OK);
  REMIT_CHECK(lr.flags == REMIT_STAT_DEGENERATE && lr.chisq == 0 && lr.p_value == 1,
              "no events: degenerate");
  /* Identical arms: by hand O = E at each time, chisq 0, p 1, not degenerate. */
  const double ti[4] = {2, 2, 5, 5};
  const int ei[4] = {1, 1, 1, 1}, gi[4] = {0, 1, 0, 1};
  REMIT_CHECK_STATUS(remit_logrank_test(ctx, ti, ei, gi, 4, ws, &lr), REMIT_OK);
  REMIT_CHECK(fabs(lr.chisq) < 1e-15 && fabs(lr.p_value - 1) < 1e-12 && lr.flags == 0,
              "identical arms: chisq %g", lr.chisq);
}

/* Every documented error: status, a message on the context, outputs untouched. */
static void test_errors(void) {
  remit_estimate e = {-7, -7, -7, -7, -7}, e0 = e;
#define UNTOUCHED(what) REMIT_CHECK(memcmp(&e, &e0, sizeof e) == 0, "%s: output untouched", what)
#define HAS_MSG(word) \
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), word) != NULL, "message: %s", remit_context_errmsg(ctx))
  REMIT_CHECK_STATUS(remit_prop_wilson(ctx, 3, 2, 0.95, &e), REMIT_ERR_RANGE);
  HAS_MSG("remit_prop_wilson");
  UNTOUCHED("x > n");
  REMIT_CHECK_STATUS(remit_prop_wilson(ctx, 0, 0, 0.95, &e), REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(remit_prop_wilson(ctx, -1, 5, 0.95, &e), REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(remit_prop_wilson(ctx, 1, 5, 1.0, &e), REMIT_ERR_RANGE);
  HAS_MSG("level");
  REMIT_CHECK_STATUS(remit_prop_wilson(ctx, 1, 5, 0.0, &e), REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(remit_prop_wilson(ctx, 1, 5, NAN, &e), REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_prop_wilson(ctx, 1, 5, 0.95, NULL), REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_prop_wilson(NULL, 1, 5, 0.95, &e), REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_prop_diff_newcombe(ctx, 1, 5, 1, 0, 0.95, &e), REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(remit_odds_ratio_woolf(ctx, 6, 5, 1, 3, 0.95, &e), REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(remit_rate_poisson(ctx, -1, 2.0, 0.95, &e), REMIT_ERR_RANGE);
  HAS_MSG("remit_rate_poisson");
  REMIT_CHECK_STATUS(remit_rate_poisson(ctx, 3, 0.0, 0.95, &e), REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(remit_rate_poisson(ctx, 3, NAN, 0.95, &e), REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_rate_poisson(ctx, 3, 2.0, 1.5, &e), REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(remit_rate_poisson(ctx, 3, 2.0, 0.95, NULL), REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_rate_ratio_exact(ctx, 3, 2.0, 1, -1.0, 0.95, &e, NULL), REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(remit_rate_ratio_exact(ctx, 3, INFINITY, 1, 1.0, 0.95, &e, NULL), REMIT_ERR_ARG);
  UNTOUCHED("count errors");

  double bad[3] = {1.0, NAN, 2.0}, ws[3];
  REMIT_CHECK_STATUS(remit_mean_t(ctx, bad, 3, 0.95, &e), REMIT_ERR_ARG);
  HAS_MSG("x[1]");
  REMIT_CHECK_STATUS(remit_median_order(ctx, bad, 3, 0.95, ws, &e, NULL), REMIT_ERR_ARG);
  bad[1] = INFINITY;
  REMIT_CHECK_STATUS(remit_mean_t(ctx, bad, 3, 0.95, &e), REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_mean_t(ctx, x10, 0, 0.95, &e), REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(remit_median_order(ctx, x10, 0, 0.95, NULL, &e, NULL), REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(remit_success_estimate(ctx, bad, 3, REMIT_CMP_LT, 0.05, 0.95, &e),
                     REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_success_estimate(ctx, x10, 0, REMIT_CMP_LT, 0.05, 0.95, &e),
                     REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(remit_success_estimate(ctx, x10, 3, (remit_cmp)9, 0.05, 0.95, &e),
                     REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_success_estimate(ctx, x10, 3, REMIT_CMP_LT, NAN, 0.95, &e),
                     REMIT_ERR_ARG);
  UNTOUCHED("sample errors");

  double q = -7, pr[2] = {0.5, 1.5};
  REMIT_CHECK_STATUS(remit_sample_quantiles(ctx, x10, 10, pr + 1, 1, NULL, &q), REMIT_ERR_RANGE);
  pr[0] = NAN;
  REMIT_CHECK_STATUS(remit_sample_quantiles(ctx, x10, 10, pr, 1, NULL, &q), REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_sample_quantiles(ctx, x10, 0, pr, 0, NULL, &q), REMIT_ERR_RANGE);
  REMIT_CHECK(q == -7, "quantile output untouched");
  remit_sample_summary s;
  memset(&s, 0, sizeof s);
  REMIT_CHECK_STATUS(remit_sample_summarize(ctx, bad, 3, 0.95, ws, &s), REMIT_ERR_ARG);
  REMIT_CHECK(s.n == 0, "summary untouched");

  /* Survival inputs. */
  const double tb[3] = {1, NAN, 3};
  const int eb[3] = {1, 1, 1}, gb[3] = {0, 2, 1}, g1[3] = {1, 1, 1};
  const double tg[3] = {1, 2, 3};
  size_t iw[3], np = 99;
  REMIT_CHECK_STATUS(remit_km_estimate(ctx, tb, eb, 3, 0.95, REMIT_KM_CI_LOGLOG, iw, NULL, 0, &np),
                     REMIT_ERR_ARG);
  HAS_MSG("time[1]");
  REMIT_CHECK(np == 99, "n_out untouched on a data error");
  REMIT_CHECK_STATUS(remit_km_estimate(ctx, tg, eb, 0, 0.95, REMIT_KM_CI_LOGLOG, iw, NULL, 0, &np),
                     REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(
      remit_km_estimate(ctx, tg, eb, 3, 0.95, (remit_km_ci)7, iw, NULL, 0, &np), REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_km_estimate(ctx, tg, eb, 3, 0.95, REMIT_KM_CI_LOG, iw, NULL, 0, NULL),
                     REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_km_median(ctx, tb, eb, 3, 0.95, REMIT_KM_CI_LOGLOG, iw, &e),
                     REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_km_median(ctx, tg, NULL, 3, 0.95, REMIT_KM_CI_LOGLOG, iw, &e),
                     REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_km_survival_at(ctx, tg, eb, 3, NAN, 0.95, REMIT_KM_CI_LOGLOG, iw, &e),
                     REMIT_ERR_ARG);
  UNTOUCHED("survival errors");
  remit_logrank lr;
  memset(&lr, 0, sizeof lr);
  REMIT_CHECK_STATUS(remit_logrank_test(ctx, tg, eb, gb, 3, iw, &lr), REMIT_ERR_RANGE);
  HAS_MSG("group[1]");
  REMIT_CHECK_STATUS(remit_logrank_test(ctx, tg, eb, g1, 3, iw, &lr), REMIT_ERR_RANGE);
  REMIT_CHECK_STATUS(remit_logrank_test(ctx, tb, eb, g1, 3, iw, &lr), REMIT_ERR_ARG);
  REMIT_CHECK(lr.n[0] == 0 && lr.chisq == 0, "log-rank output untouched");
#undef UNTOUCHED
#undef HAS_MSG
}


/* Without a workspace, the sorting functions allocate through the context:
 * a remit_test_failing allocator gives REMIT_ERR_NOMEM, never a crash; with a workspace
 * nothing is allocated at all. */
static void test_oom(void) {
  remit_test_failing f = {1};
  remit_allocator a = {remit_test_malloc, remit_test_realloc, remit_test_free, &f};
  remit_context *c = NULL;
  /* REMIT_CHECK_STATUS evaluates its argument twice (once for the message),
   * harmless for the pure functions tested here but not for a constructor. */
  remit_status st = remit_context_create(&a, &c); /* uses the one allocation */
  REMIT_CHECK_STATUS(st, REMIT_OK);
  if (st != REMIT_OK) {
    return;
  }
  remit_estimate e;
  remit_sample_summary s;
  remit_logrank lr;
  double q, half = 0.5;
  size_t np, iw[42];
  double dw[10];
  int g[21] = {0};
  g[0] = 1;
  REMIT_CHECK_STATUS(remit_median_order(c, x10, 10, 0.95, NULL, &e, NULL), REMIT_ERR_NOMEM);
  REMIT_CHECK(remit_context_last_error(c) == REMIT_ERR_NOMEM, "NOMEM recorded on the context");
  REMIT_CHECK_STATUS(remit_sample_quantiles(c, x10, 10, &half, 1, NULL, &q), REMIT_ERR_NOMEM);
  REMIT_CHECK_STATUS(remit_sample_summarize(c, x10, 10, 0.95, NULL, &s), REMIT_ERR_NOMEM);
  REMIT_CHECK_STATUS(
      remit_km_estimate(c, t_6mp, e_6mp, 21, 0.95, REMIT_KM_CI_LOGLOG, NULL, NULL, 0, &np),
      REMIT_ERR_NOMEM);
  REMIT_CHECK_STATUS(remit_km_median(c, t_6mp, e_6mp, 21, 0.95, REMIT_KM_CI_LOGLOG, NULL, &e),
                     REMIT_ERR_NOMEM);
  REMIT_CHECK_STATUS(
      remit_km_survival_at(c, t_6mp, e_6mp, 21, 10, 0.95, REMIT_KM_CI_LOGLOG, NULL, &e),
      REMIT_ERR_NOMEM);
  REMIT_CHECK_STATUS(remit_logrank_test(c, t_6mp, e_6mp, g, 21, NULL, &lr), REMIT_ERR_NOMEM);
  /* With workspaces everything works on the same starved context. */
  REMIT_CHECK_STATUS(remit_median_order(c, x10, 10, 0.95, dw, &e, NULL), REMIT_OK);
  REMIT_CHECK_STATUS(remit_sample_summarize(c, x10, 10, 0.95, dw, &s), REMIT_OK);
  REMIT_CHECK_STATUS(remit_km_median(c, t_6mp, e_6mp, 21, 0.95, REMIT_KM_CI_LOGLOG, iw, &e),
                     REMIT_OK);
  REMIT_CHECK_STATUS(remit_logrank_test(c, t_6mp, e_6mp, g, 21, iw, &lr), REMIT_OK);
  remit_context_destroy(&c);
}

int main(void) {
  if (remit_context_create(NULL, &ctx) != REMIT_OK) {
    return 1;
  }
  test_wilson();
  test_newcombe();
  test_odds_ratio();
  test_rates();
  test_mean_median();
  test_quantiles_and_replicates();
  test_kaplan_meier();
  test_km_median();
  test_logrank();
  test_errors();
  test_oom();
  remit_context_destroy(&ctx);
  return remit_test_failures();
}
