/* SPDX-License-Identifier: MIT
 *
 * test_vpop.c: the acceptance-rejection selector on its own
 * (src/population/vpop.c), with synthetic plausible populations whose
 * answer is known:
 *  - a normal plausible population selected toward a shifted, narrower
 *    normal target gives the target's mean and SD, and the acceptance rate
 *    the pilot predicted;
 *  - a log-normal target on a log-normal population, through the log scale;
 *  - a Gaussian-copula target makes independent readouts correlated;
 *  - the closed-form moments of truncated targets against quadrature;
 *  - a readout that does not vary, and targets the population cannot
 *    reach, are refused with the readout named.
 * The trial-level tests (the model's baselines, the store, threads) are in
 * test_trial.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "population/rng.h"
#include "population/vpop.h"
#include "remit/remit.h"
#include "remit_test.h"

/* Draws n rows of d independent N(mu_k, sd_k) (log-normal with exp_k) from
 * the keyed stream (seed, row). */
static void sample(double *x, int n, int d, uint64_t seed, const double *mu, const double *sd,
                   const int *expo) {
  for (int i = 0; i < n; i++) {
    remit__rng r;
    remit__rng_key(&r, seed, 0, (uint64_t)i, 1);
    for (int k = 0; k < d; k++) {
      double v = mu[k] + sd[k] * gsl_ran_gaussian_ziggurat(&r.gsl, 1.0);
      x[(size_t)i * d + k] = expo && expo[k] ? exp(v) : v;
    }
  }
}

/* Accepts each of the n candidate rows with the selector's probability (a
 * uniform from its own stream); the accepted rows go to the front of x.
 * Returns how many were accepted. */
static int select_rows(const remit__vpop *v, double *x, int n, int d, double *prob_sum) {
  int m = 0;
  *prob_sum = 0.0;
  for (int i = 0; i < n; i++) {
    double *xi = x + (size_t)i * d;
    double p = remit__vpop_probability(v, xi, NULL);
    *prob_sum += p;
    remit__rng r;
    remit__rng_key(&r, 99, 0, (uint64_t)i, 7);
    if (remit__rng_uniform(&r) < p) {
      memmove(x + (size_t)m * d, xi, sizeof(double) * (size_t)d);
      m++;
    }
  }
  return m;
}

static void moments(const double *x, int n, int d, int k, int logs, double *mean, double *sd) {
  double s = 0.0, ss = 0.0;
  for (int i = 0; i < n; i++) {
    double v = logs ? log(x[(size_t)i * d + k]) : x[(size_t)i * d + k];
    s += v;
    ss += v * v;
  }
  *mean = s / n;
  *sd = sqrt((ss - n * *mean * *mean) / (n - 1));
}

static remit_dist normal(double mean, double sd) {
  remit_dist d = {REMIT_DIST_NORMAL, mean, sd, -INFINITY, INFINITY, NULL, NULL, 0};
  return d;
}

static void test_shifted_normal(void) {
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_vpop_target t = {"sledai2k", normal(1.1, 0.55)};
  remit_vpop spec = {REMIT_VPOP_ACCEPTANCE, &t, 1, NULL, 2000, 100};
  const int pilot = 2000, n = 20000;
  double mu = 0.0, sd = 1.0;
  double *px = malloc(sizeof(double) * pilot), *cx = malloc(sizeof(double) * n);
  sample(px, pilot, 1, 1, &mu, &sd, NULL);
  sample(cx, n, 1, 2, &mu, &sd, NULL);
  remit__vpop *v = NULL;
  REMIT_CHECK_STATUS(remit__vpop_create(ctx, &spec, px, pilot, &v), REMIT_OK);
  if (v) {
    remit__vpop_info info;
    remit__vpop_get_info(v, &info);
    double psum, m0, s0, m1, s1;
    moments(cx, n, 1, 0, 0, &m0, &s0);
    int m = select_rows(v, cx, n, 1, &psum);
    moments(cx, m, 1, 0, 0, &m1, &s1);
    /* Sampling error of the mean: 0.55/sqrt(m) ~ 0.006; the kernel estimate
     * and the finite pilot add a bias of the order of 0.01. */
    REMIT_CHECK(fabs(m1 - 1.1) < 0.04 && fabs(s1 - 0.55) < 0.04,
                "selected N(%.3f, %.3f) from N(%.3f, %.3f): target N(1.1, 0.55), %d of %d", m1,
                s1, m0, s0, m, n);
    REMIT_CHECK(fabs((double)m / n - info.expected_rate) < 0.03 &&
                    fabs(psum / n - info.expected_rate) < 0.03,
                "acceptance %.3f (mean probability %.3f) as the pilot expected (%.3f)",
                (double)m / n, psum / n, info.expected_rate);
    REMIT_CHECK(info.n_pilot == pilot && info.n_used == pilot && info.bandwidth[0] > 0.15 &&
                    info.bandwidth[0] < 0.35,
                "pilot facts: Silverman bandwidth %.3f", info.bandwidth[0]);
    double clip_one = 1e9;
    int clipped = 0;
    REMIT_CHECK(remit__vpop_probability(v, &clip_one, &clipped) == 0.0 && !clipped,
                "no density far out: probability 0");
    double nan_x = NAN;
    REMIT_CHECK(remit__vpop_probability(v, &nan_x, NULL) == 0.0, "NaN readout: probability 0");
  }
  remit__vpop_destroy(ctx, &v);
  REMIT_CHECK(v == NULL, "destroy nulls");
  free(px);
  free(cx);
  remit_context_destroy(&ctx);
}

static void test_lognormal(void) {
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  /* Plausible anti-dsDNA: log-normal, median 100, sdlog 1; target median
   * 250, CV 0.8 (sdlog sqrt(log 1.64) = 0.703). */
  remit_dist td = {REMIT_DIST_LOGNORMAL, 250.0, 0.8, -INFINITY, INFINITY, NULL, NULL, 0};
  remit_vpop_target t = {"anti_dsdna", td};
  remit_vpop spec = {REMIT_VPOP_ACCEPTANCE, &t, 1, NULL, 2000, 100};
  const int pilot = 2000, n = 20000, expo = 1;
  double mu = log(100.0), sd = 1.0;
  double *px = malloc(sizeof(double) * pilot), *cx = malloc(sizeof(double) * n);
  sample(px, pilot, 1, 3, &mu, &sd, &expo);
  sample(cx, n, 1, 4, &mu, &sd, &expo);
  remit__vpop *v = NULL;
  REMIT_CHECK_STATUS(remit__vpop_create(ctx, &spec, px, pilot, &v), REMIT_OK);
  if (v) {
    double psum, m1, s1;
    int m = select_rows(v, cx, n, 1, &psum);
    moments(cx, m, 1, 0, 1, &m1, &s1);
    REMIT_CHECK(fabs(m1 - log(250.0)) < 0.05 && fabs(s1 - sqrt(log(1.64))) < 0.05,
                "log scale: selected N(%.3f, %.3f), target N(%.3f, %.3f)", m1, s1, log(250.0),
                sqrt(log(1.64)));
  }
  remit__vpop_destroy(ctx, &v);
  free(px);
  free(cx);
  remit_context_destroy(&ctx);
}

static void test_copula(void) {
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_vpop_target t[2] = {{"a", normal(0.0, 0.8)}, {"b", normal(0.0, 0.8)}};
  double R[4] = {1.0, 0.6, 0.6, 1.0};
  remit_vpop spec = {REMIT_VPOP_ACCEPTANCE, t, 2, R, 3000, 100};
  const int pilot = 3000, n = 20000;
  double mu[2] = {0.0, 0.0}, sd[2] = {1.0, 1.0};
  double *px = malloc(sizeof(double) * 2 * pilot), *cx = malloc(sizeof(double) * 2 * n);
  sample(px, pilot, 2, 5, mu, sd, NULL);
  sample(cx, n, 2, 6, mu, sd, NULL);
  remit__vpop *v = NULL;
  REMIT_CHECK_STATUS(remit__vpop_create(ctx, &spec, px, pilot, &v), REMIT_OK);
  if (v) {
    double psum, ma, sa, mb, sb, cab = 0.0;
    int m = select_rows(v, cx, n, 2, &psum);
    moments(cx, m, 2, 0, 0, &ma, &sa);
    moments(cx, m, 2, 1, 0, &mb, &sb);
    for (int i = 0; i < m; i++) {
      cab += (cx[2 * i] - ma) * (cx[2 * i + 1] - mb);
    }
    double r = cab / (m - 1) / (sa * sb);
    REMIT_CHECK(fabs(r - 0.6) < 0.06 && fabs(sa - 0.8) < 0.06 && fabs(sb - 0.8) < 0.06,
                "copula target: correlation %.3f (0.6), SDs %.3f, %.3f (0.8) from independent "
                "readouts, %d accepted",
                r, sa, sb, m);
  }
  remit__vpop_destroy(ctx, &v);
  free(px);
  free(cx);
  remit_context_destroy(&ctx);
}

/* Mean and SD by the midpoint rule over the support on the working scale. */
static void quadrature(const remit_dist *d, double *mean, double *sd) {
  int logn = d->kind == REMIT_DIST_LOGNORMAL;
  double mu = logn ? log(d->a) : d->a, s = logn ? sqrt(log1p(d->b * d->b)) : d->b;
  double lo = isfinite(d->lower) ? (logn ? log(d->lower) : d->lower) : mu - 12 * s;
  double hi = isfinite(d->upper) ? (logn ? log(d->upper) : d->upper) : mu + 12 * s;
  const int n = 200000;
  double h = (hi - lo) / n, w = 0.0, m1 = 0.0, m2 = 0.0;
  for (int i = 0; i < n; i++) {
    double z = lo + (i + 0.5) * h, x = logn ? exp(z) : z;
    double p = exp(-0.5 * (z - mu) * (z - mu) / (s * s));
    w += p;
    m1 += p * x;
    m2 += p * x * x;
  }
  *mean = m1 / w;
  *sd = sqrt(m2 / w - *mean * *mean);
}

static void test_moments(void) {
  remit_dist cases[] = {
      {REMIT_DIST_NORMAL, 9.8, 3.8, -INFINITY, INFINITY, NULL, NULL, 0},
      {REMIT_DIST_NORMAL, 9.8, 3.8, 4.0, INFINITY, NULL, NULL, 0},
      {REMIT_DIST_NORMAL, 9.8, 3.8, 6.0, 12.5, NULL, NULL, 0},
      {REMIT_DIST_LOGNORMAL, 150.0, 1.2, -INFINITY, INFINITY, NULL, NULL, 0},
      {REMIT_DIST_LOGNORMAL, 150.0, 1.2, 30.0, 2000.0, NULL, NULL, 0},
      {REMIT_DIST_UNIFORM, 40.0, 110.0, -INFINITY, INFINITY, NULL, NULL, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    double m, s, qm, qs;
    remit__vpop_target_moments(&cases[i], &m, &s);
    if (cases[i].kind == REMIT_DIST_UNIFORM) {
      qm = 75.0;
      qs = 70.0 / sqrt(12.0);
    } else {
      quadrature(&cases[i], &qm, &qs);
    }
    REMIT_CHECK_REL(m, qm, 1e-6);
    REMIT_CHECK_REL(s, qs, 1e-5);
  }
}

static void test_refusals(void) {
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  const int pilot = 200;
  double *px = malloc(sizeof(double) * pilot);
  remit__vpop *v = NULL;
  /* A readout that is the same in every pilot patient. */
  for (int i = 0; i < pilot; i++) {
    px[i] = 7.25;
  }
  remit_vpop_target t = {"c3_mg_dl", normal(80.0, 20.0)};
  remit_vpop spec = {REMIT_VPOP_ACCEPTANCE, &t, 1, NULL, pilot, 100};
  REMIT_CHECK_STATUS(remit__vpop_create(ctx, &spec, px, pilot, &v), REMIT_ERR_RANGE);
  REMIT_CHECK(v == NULL && strstr(remit_context_errmsg(ctx), "vpop.targets.c3_mg_dl") &&
                  strstr(remit_context_errmsg(ctx), "7.25"),
              "constant readout refused: %s", remit_context_errmsg(ctx));
  /* A target whose support the population never reaches. */
  double mu = 0.0, sd = 1.0;
  sample(px, pilot, 1, 8, &mu, &sd, NULL);
  t.dist = (remit_dist){REMIT_DIST_UNIFORM, 10.0, 11.0, -INFINITY, INFINITY, NULL, NULL, 0};
  REMIT_CHECK_STATUS(remit__vpop_create(ctx, &spec, px, pilot, &v), REMIT_ERR_RANGE);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "does not reach the targets") != NULL, "%s",
              remit_context_errmsg(ctx));
  /* A log-normal target on readouts that are never > 0. */
  for (int i = 0; i < pilot; i++) {
    px[i] = -fabs(px[i]);
  }
  t.dist = (remit_dist){REMIT_DIST_LOGNORMAL, 10.0, 0.5, -INFINITY, INFINITY, NULL, NULL, 0};
  REMIT_CHECK_STATUS(remit__vpop_create(ctx, &spec, px, pilot, &v), REMIT_ERR_RANGE);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "only 0 of the 200") != NULL, "%s",
              remit_context_errmsg(ctx));
  free(px);
  remit_context_destroy(&ctx);
}

int main(void) {
  test_shifted_normal();
  test_lognormal();
  test_copula();
  test_moments();
  test_refusals();
  return remit_test_failures();
}
