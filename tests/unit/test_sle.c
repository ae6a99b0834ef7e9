/* SPDX-License-Identifier: MIT
 *
 * test_sle.c: the SLE model shows what a user must see.  Every range below is
 * a clinical or literature target (the source is named next to the check),
 * never a number copied from the model's own output.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remit/remit.h"
#include "remit_test.h"

#define T0 (-7)
#define T1 730
#define NT (T1 - T0 + 1)
#define ROW(day) ((day) - T0)

static const remit_model_spec *S;
static remit_context *ctx;

typedef struct run {
  double *y; /* NT x n_states */
  double *r; /* NT x n_readouts */
} run;

static int ri(const char *n) {
  int i = remit_spec_readout_index(S, n);
  if (i < 0) {
    printf("FAIL missing readout %s\n", n);
    exit(1);
  }
  return i;
}
static int si(const char *n) {
  int i = remit_spec_state_index(S, n);
  if (i < 0) {
    printf("FAIL missing state %s\n", n);
    exit(1);
  }
  return i;
}
static double R(const run *x, int day, const char *n) {
  return x->r[(size_t)ROW(day) * (size_t)S->n_readouts + (size_t)ri(n)];
}
static double Y(const run *x, int day, const char *n) {
  return x->y[(size_t)ROW(day) * (size_t)S->n_states + (size_t)si(n)];
}

/* Adds Erlangen lymphodepletion (clinical.md 1.1): Flu 25 mg/m2 d-5..-3, Cy 1 g/m2 d-3. */
static int add_ld(remit_dose *d, int n) {
  int flu = remit_spec_input_index(S, "fludarabine"), cy = remit_spec_input_index(S, "cyclophosphamide");
  for (int k = -5; k <= -3; k++) {
    d[n++] = (remit_dose){k, flu, 25.0, 0.0};
  }
  d[n++] = (remit_dose){-3, cy, 1000.0, 0.0};
  return n;
}

/* Simulates days T0..T1 (daily); covariates default unless sledai0 > 0. */
static int simulate(run *x, const remit_dose *d, int n, double sledai0, int renal,
                    const char *pname, double pval) {
  remit_model *m = NULL;
  if (remit_model_create(ctx, S, &m) != REMIT_OK) {
    return 1;
  }
  remit_covariates c;
  remit_model_get_covariates(m, &c);
  if (sledai0 > 0) {
    c.sledai0 = sledai0;
    c.renal = renal;
  }
  remit_model_set_covariates(m, &c);
  if (pname) {
    remit_model_set_param(m, pname, pval);
  }
  double t[NT];
  for (int i = 0; i < NT; i++) {
    t[i] = T0 + i;
  }
  x->y = malloc(sizeof(double) * NT * (size_t)S->n_states);
  x->r = malloc(sizeof(double) * NT * (size_t)S->n_readouts);
  remit_status st = remit_model_set_regimen(m, d, n);
  if (st == REMIT_OK) {
    st = remit_model_simulate(m, NULL, t, NT, x->y, x->r);
  }
  if (st != REMIT_OK) {
    printf("simulate: %s\n", remit_context_errmsg(ctx));
  }
  remit_model_destroy(&m);
  return st != REMIT_OK;
}
static void run_free(run *x) {
  free(x->y);
  free(x->r);
}

static double max_over(const run *x, const char *n, int a, int b, int *arg) {
  double v = -INFINITY;
  for (int d = a; d <= b; d++) {
    double q = R(x, d, n);
    if (q > v) {
      v = q;
      if (arg) {
        *arg = d;
      }
    }
  }
  return v;
}
static double min_over(const run *x, const char *n, int a, int b) {
  double v = INFINITY;
  for (int d = a; d <= b; d++) {
    double q = R(x, d, n);
    v = q < v ? q : v;
  }
  return v;
}
static double mean_over(const run *x, const char *n, int a, int b) {
  double s = 0;
  for (int d = a; d <= b; d++) {
    s += R(x, d, n);
  }
  return s / (b - a + 1);
}

static int cart_regimen(remit_dose *d, const char *input, double dose) {
  int n = add_ld(d, 0);
  d[n++] = (remit_dose){0, remit_spec_input_index(S, input), dose, 0.0};
  return n;
}

/* ---- the analytic Jacobian against central differences of the RHS ---------- */

/* A small deterministic generator (xorshift64*) for the random draws below. */
static double jac_uniform(unsigned long long *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return (double)((*s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

/* Compares spec->jac with central differences of spec->rhs at y (n_states)
 * under the parameter vector p, entry by entry on the scale of each column:
 * |Ja_ij - Jfd_ij| c_j <= 1e-7 R_i + 1e-6 |Ja_ij| c_j, with c_j = max(|y_j|,
 * atol_scale_j) the column's size and R_i = max_j |Jfd_ij| c_j + |f_i| the
 * row's.  The difference quotients are good to ~1e-10 R_i here, so a missing
 * or wrong term fails unless it is below 1e-7 of its row's largest term.
 * Returns the number of entries that fail (and prints the first few). */
static int jac_compare(const double *y_in, const double *p, const char *where) {
  const int n = S->n_states;
  double *ja = malloc(sizeof(double) * (size_t)(n * (n + 5)));
  double *fp = ja + n * n, *fm = fp + n, *f0 = fm + n, *yy = f0 + n, *y = yy + n;
  int bad = 0;
  /* Cell pools enter some rates clamped at 0 (sle_rhs), a kink that
   * differences cannot check (nor the curvature of the one-cell
   * proliferation threshold next to it): a state within 1e4 steps of 0 (an
   * untreated pool, a drug not given) is moved to 1e4 steps above it. */
  for (int j = 0; j < n; j++) {
    const double away = 1e-2 * fmax(fabs(y_in[j]), S->atol_scale[j]);
    y[j] = fabs(y_in[j]) < away ? away : y_in[j];
  }
  if (S->jac(0.0, y, p, ja, S->user) != 0 || S->rhs(0.0, y, f0, p, S->user) != 0) {
    printf("FAIL %s: jac or rhs refused the state\n", where);
    free(ja);
    return 1;
  }
  double *jfd = malloc(sizeof(double) * (size_t)(n * n));
  for (int j = 0; j < n; j++) {
    const double c = fmax(fabs(y[j]), S->atol_scale[j]);
    const double h = 1e-6 * c;
    memcpy(yy, y, sizeof(double) * (size_t)n);
    yy[j] = y[j] + h;
    S->rhs(0.0, yy, fp, p, S->user);
    yy[j] = y[j] - h;
    S->rhs(0.0, yy, fm, p, S->user);
    for (int i = 0; i < n; i++) {
      jfd[i * n + j] = (fp[i] - fm[i]) / (2.0 * h);
    }
  }
  for (int i = 0; i < n; i++) {
    double row = fabs(f0[i]);
    for (int j = 0; j < n; j++) {
      row = fmax(row, fabs(jfd[i * n + j]) * fmax(fabs(y[j]), S->atol_scale[j]));
    }
    for (int j = 0; j < n; j++) {
      const double c = fmax(fabs(y[j]), S->atol_scale[j]);
      const double err = fabs(ja[i * n + j] - jfd[i * n + j]) * c;
      if (!(err <= 1e-7 * row + 1e-6 * fabs(ja[i * n + j]) * c)) {
        if (bad < 5) {
          printf("  %s: d f[%s] / d y[%s] analytic %.10g, differences %.10g (row scale %g)\n",
                 where, S->states[i].name, S->states[j].name, ja[i * n + j], jfd[i * n + j], row);
        }
        bad++;
      }
    }
  }
  free(jfd);
  free(ja);
  return bad;
}

/* The parameter vector (table values + derived) of a model with these
 * covariates, through the spec's own prepare. */
static double *jac_params(const double *table, const remit_covariates *cov) {
  double *p = malloc(sizeof(double) * (size_t)(S->n_params + S->n_derived));
  memcpy(p, table, sizeof(double) * (size_t)S->n_params);
  if (S->prepare(p, cov, S->user) != 0) {
    free(p);
    return NULL;
  }
  return p;
}

static void check_jacobian(void) {
  REMIT_CHECK(S->jac != NULL, "the SLE spec has an analytic Jacobian");
  if (!S->jac) {
    return;
  }
  const int n = S->n_states, np = S->n_params;
  unsigned long long seed = 0x5eed2385ULL;
  double *table = malloc(sizeof(double) * (size_t)np);
  double *y = malloc(sizeof(double) * (size_t)n);
  remit_covariates cov = {40.0, 0, 65.0, 165.0, 10.0, 0};
  /* (1) Random parameter sets (log-normal around the table, inside the ranges;
   * the Stein switch and a partial homeostatic boost in some) and random
   * positive states around a treated patient's scale: every term of the RHS
   * is active at once, at comparable size. */
  int fails = 0;
  for (int set = 0; set < 12; set++) {
    for (int k = 0; k < np; k++) {
      const remit_param_info *pi = &S->params[k];
      double v = pi->value * exp(0.6 * (jac_uniform(&seed) - 0.5));
      table[k] = fmin(pi->upper, fmax(pi->lower, v));
    }
    if (set % 3 == 1) {
      table[remit_spec_param_index(S, "car_tmax")] = 9.3;
    }
    if (set % 4 == 2) {
      table[remit_spec_param_index(S, "car_hboost")] = 0.6;
    }
    cov.renal = set % 2;
    cov.sledai0 = 6.0 + 2.0 * set;
    double *p = jac_params(table, &cov);
    if (!p) {
      fails++;
      continue;
    }
    for (int draw = 0; draw < 4; draw++) {
      for (int j = 0; j < n; j++) {
        /* Around 10-1000 x atol_scale: drug amounts of mg to g, cells of 0.1-10 /uL. */
        y[j] = S->atol_scale[j] * exp(log(10.0) * (1.0 + 2.0 * jac_uniform(&seed)));
      }
      y[si("car_sw")] = jac_uniform(&seed);
      y[si("t_cells")] = 50.0 + 1500.0 * jac_uniform(&seed);
      y[si("anc")] = 300.0 + 5000.0 * jac_uniform(&seed);
      y[si("baff")] = 1.0 + 10.0 * jac_uniform(&seed);
      y[si("ifn")] = 1.0 + 10.0 * jac_uniform(&seed);
      char where[64];
      snprintf(where, sizeof where, "random set %d draw %d", set, draw);
      fails += jac_compare(y, p, where);
    }
    free(p);
  }
  REMIT_CHECK(fails == 0, "analytic Jacobian = central differences at 48 random states (%d entries off)",
              fails);

  /* (2) Along a treated renal patient's trajectory: every therapy dosed, states
   * before and just after doses, at the CAR-T peak and later. */
  const char *in[] = {"fludarabine", "cyclophosphamide", "cart19", "cart_bcma19", "rituximab",
                      "belimumab", "anifrolumab", "prednisone", "hydroxychloroquine",
                      "mycophenolate", "voclosporin", "msc", "flare_trigger"};
  const double amt[] = {25, 1000, 1e6, 1e6, 1000, 10, 300, 20, 400, 2000, 47, 2e6, 1};
  const double day[] = {-5, -3, 0, 0, 2, 4, 4, -7, -7, -7, -7, 1, 3};
  remit_dose d[13];
  for (int k = 0; k < 13; k++) {
    const int ii = remit_spec_input_index(S, in[k]);
    const int rate = S->inputs[ii].kind == REMIT_INPUT_RATE;
    d[k] = (remit_dose){day[k], ii, amt[k], rate ? 400.0 : 0.0};
  }
  run tr = {0};
  fails = 0;
  if (simulate(&tr, d, 13, 16, 1, NULL, 0) == 0) {
    const int days[] = {-7, -5, -4, -3, 0, 1, 3, 4, 9, 30, 120, 500};
    cov.renal = 1; /* the covariates simulate() gave the patient */
    cov.sledai0 = 16.0;
    for (int k = 0; k < np; k++) {
      table[k] = S->params[k].value;
    }
    double *p = jac_params(table, &cov);
    fails += p == NULL;
    for (size_t k = 0; p && k < sizeof days / sizeof days[0]; k++) {
      char where[64];
      snprintf(where, sizeof where, "treated trajectory day %d", days[k]);
      fails += jac_compare(tr.y + (size_t)ROW(days[k]) * (size_t)n, p, where);
    }
    free(p);
  } else {
    fails++;
  }
  REMIT_CHECK(fails == 0, "analytic Jacobian = central differences along a treated trajectory (%d off)",
              fails);
  run_free(&tr);
  free(table);
  free(y);
}

int main(void) {
  remit_context_create(NULL, &ctx);
  S = remit_spec_sle();
  REMIT_CHECK_STATUS(remit_spec_check(ctx, S), REMIT_OK);
  REMIT_CHECK(S->n_states >= 25 && S->n_states <= 45, "n_states = %d", S->n_states);
  const char *inputs[] = {"cart19", "cart_bcma19", "fludarabine", "cyclophosphamide", "msc",
                          "rituximab", "belimumab", "anifrolumab", "prednisone",
                          "hydroxychloroquine", "mycophenolate", "voclosporin", "flare_trigger"};
  for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
    REMIT_CHECK(remit_spec_input_index(S, inputs[k]) >= 0, "input %s exists", inputs[k]);
  }
  REMIT_CHECK(S->inputs[remit_spec_input_index(S, "fludarabine")].scale == REMIT_SCALE_PER_M2,
              "fludarabine dosed per m2");
  /* The trial engine draws trigger times at the table's flare_rate: a trigger
   * rate, at least the flare rates of SLE cohorts (Petri 1991 0.65/py, TULIP
   * placebo 0.67/py) because not every trigger makes a flare, and well below
   * a trigger a month. */
  {
    int fr = remit_spec_param_index(S, "flare_rate");
    double v = fr >= 0 ? S->params[fr].value : NAN;
    REMIT_CHECK(v >= 0.65 && v <= 12.0, "flare_rate row: %g triggers/year", v);
  }

  check_jacobian();

  /* ---- untreated: SLEDAI near sledai0 and no drift over 2 years ---------------- */
  run un = {0};
  REMIT_CHECK(simulate(&un, NULL, 0, 0, 0, NULL, 0) == 0, "untreated simulates");
  double s_base = R(&un, 0, "sledai2k");
  /* "within a few points of sledai0" (the brief); default sledai0 = 10. */
  REMIT_CHECK_RANGE(s_base, 6.0, 14.0);
  REMIT_CHECK(fabs(R(&un, 730, "sledai2k") - s_base) <= 0.0, "untreated SLEDAI day 730 %g vs day 0 %g",
              R(&un, 730, "sledai2k"), s_base);
  REMIT_CHECK_REL(R(&un, 730, "anti_dsdna"), R(&un, T0, "anti_dsdna"), 0.01);
  REMIT_CHECK_REL(R(&un, 730, "c3_mg_dl"), R(&un, T0, "c3_mg_dl"), 0.01);
  REMIT_CHECK_REL(R(&un, 730, "bcells"), R(&un, T0, "bcells"), 0.01);
  REMIT_CHECK_REL(R(&un, 730, "igg_g_l"), R(&un, T0, "igg_g_l"), 0.01);
  REMIT_CHECK(R(&un, 0, "sledai_proteinuria") == 0 && R(&un, 0, "sledai_haematuria") == 0,
              "renal = 0 gives no renal items");
  REMIT_CHECK(R(&un, 0, "sledai_seizure") == 0 && R(&un, 0, "sledai_psychosis") == 0,
              "unmodelled CNS items are 0");
  REMIT_CHECK(R(&un, 0, "dsdna_abnormal") == 1 && R(&un, 0, "c3_low") == 1,
              "active SLE: anti-dsDNA raised and C3 low at baseline");

  /* sledai0 sweep: untreated SLEDAI within a few points (brief: sledai0 4..20). */
  for (int renal = 0; renal <= 1; renal++) {
    for (int s0 = renal ? 8 : 4; s0 <= 20; s0 += 4) {
      run sw = {0};
      if (simulate(&sw, NULL, 0, s0, renal, NULL, 0) == 0) {
        double v = R(&sw, 0, "sledai2k");
        REMIT_CHECK(fabs(v - s0) <= 4.0, "renal %d sledai0 %d: untreated SLEDAI-2K %g", renal, s0, v);
        REMIT_CHECK(fabs(R(&sw, 730, "sledai2k") - v) <= 0.0, "renal %d sledai0 %d: no drift", renal, s0);
        if (!renal) {
          REMIT_CHECK(R(&sw, 0, "proteinuria") < 0.5, "non-renal sledai0 %d: proteinuria %g g/day", s0,
                      R(&sw, 0, "proteinuria"));
        }
      }
      run_free(&sw);
    }
  }

  /* ---- CD19 CAR-T 1e6/kg after Flu/Cy (Mackensen 2022, clinical.md 1.1) -------- */
  remit_dose d[64];
  int n = cart_regimen(d, "cart19", 1e6);
  run ca = {0};
  REMIT_CHECK(simulate(&ca, d, n, 0, 0, NULL, 0) == 0, "CAR-T simulates");
  int pk_day = 0;
  double pk = max_over(&ca, "cart_level", 0, 60, &pk_day);
  printf("CAR-T peak %.3g cells/uL on day %d\n", pk, pk_day);
  /* Peak ~day 9 (clinical.md 1.1 [M]); the brief's window 7-14. */
  REMIT_CHECK_RANGE((double)pk_day, 7.0, 14.0);
  double b0 = R(&ca, T0, "bcells");
  REMIT_CHECK(min_over(&ca, "bcells", 0, 14) < 1.0, "B cells < 1/uL within 2 weeks (min %g)",
              min_over(&ca, "bcells", 0, 14));
  int back = -1;
  for (int day = 14; day <= 730 && back < 0; day++) {
    if (R(&ca, day, "bcells") > 0.1 * b0) {
      back = day;
    }
  }
  printf("B cells back (> 10%% of baseline %.3g/uL) on day %d\n", b0, back);
  /* Mackensen 2022: B-cell reappearance 110 +- 32 d; window 60-200 (brief). */
  REMIT_CHECK_RANGE((double)back, 60.0, 200.0);
  if (back > 0) {
    /* Returning B cells naive (Mackensen 2022 [V]). */
    REMIT_CHECK(R(&ca, back, "bcell_naive_fraction") > 0.7, "naive fraction at return %g",
                R(&ca, back, "bcell_naive_fraction"));
  }
  /* anti-dsDNA seroconversion (Mackensen 2022 [V]); IgG-like kinetics (t1/2 ~21 d, models.md 2.4):
   * by day 42 at least half gone, not faster than ~3x the IgG elimination rate. */
  double a0 = R(&ca, T0, "anti_dsdna");
  REMIT_CHECK(R(&ca, 42, "anti_dsdna") < 0.5 * a0, "anti-dsDNA halves by day 42 (%g -> %g)", a0,
              R(&ca, 42, "anti_dsdna"));
  REMIT_CHECK(R(&ca, 14, "anti_dsdna") > a0 * exp(-3 * 0.033 * 21), "anti-dsDNA fall no faster than 3x IgG kinetics");
  REMIT_CHECK(R(&ca, 180, "dsdna_abnormal") == 0, "anti-dsDNA normal at day 180");
  REMIT_CHECK(R(&ca, 90, "c3_low") == 0, "C3 normal at day 90");
  /* SLEDAI median 0 (range 0-2) at 3 months; remission held after B-cell return (clinical.md 1.1). */
  printf("SLEDAI-2K: base %g d90 %g d365 %g d730 %g\n", R(&ca, 0, "sledai2k"), R(&ca, 90, "sledai2k"),
         R(&ca, 365, "sledai2k"), R(&ca, 730, "sledai2k"));
  REMIT_CHECK(R(&ca, 90, "sledai2k") <= 2, "SLEDAI-2K <= 2 at day 90");
  REMIT_CHECK(R(&ca, 365, "sledai2k") <= 2, "SLEDAI-2K <= 2 at day 365");
  REMIT_CHECK(R(&ca, 730, "sledai2k") <= 2, "SLEDAI-2K <= 2 at day 730");
  REMIT_CHECK(R(&ca, 365, "pga") < 0.5, "PGA < 0.5 at day 365 (DORIS, clinical.md 4.2)");
  /* Vaccine titres maintained (Schett ACR 2023; Hill 2019 measles IgG +1.2%): < 30% fall. */
  double pg0 = R(&ca, T0, "protective_igg");
  printf("protective IgG %g -> d365 %g; total IgG min %g\n", pg0, R(&ca, 365, "protective_igg"),
         min_over(&ca, "igg_g_l", 0, 365));
  REMIT_CHECK(R(&ca, 365, "protective_igg") > 0.7 * pg0, "protective IgG falls < 30%% by day 365");
  /* Total IgG falls modestly (Hill 2019: -17.5% mean): between 5 and 50%. */
  double ig0 = R(&ca, T0, "igg_g_l"), igmin = min_over(&ca, "igg_g_l", 0, 365);
  REMIT_CHECK(igmin < 0.95 * ig0 && igmin > 0.5 * ig0, "total IgG nadir %g vs %g", igmin, ig0);
  /* CRS mild (grade <= 1) in SLE (clinical.md 1.1, 1.5); no ICANS. */
  double crs = max_over(&ca, "crs_grade", 0, 30, NULL);
  printf("max CRS grade %g, max ICANS %g\n", crs, max_over(&ca, "icans_grade", 0, 30, NULL));
  REMIT_CHECK(crs <= 1, "CRS grade <= 1");
  REMIT_CHECK(max_over(&ca, "icans_grade", 0, 30, NULL) == 0, "no ICANS");
  /* Lymphodepletion: transient grade 3-4 neutropenia (Ahmed 2020 ANC-AUC; LD review, models.md 5). */
  double ng = max_over(&ca, "neutropenia_grade", -5, 14, NULL);
  printf("max neutropenia grade %g (ANC nadir %g)\n", ng, min_over(&ca, "anc_cells_ul", -5, 30));
  REMIT_CHECK(ng >= 3, "Flu/Cy gives grade >= 3 neutropenia");
  REMIT_CHECK(R(&ca, 60, "neutropenia_grade") == 0, "neutropenia resolved by day 60");
  REMIT_CHECK(max_over(&ca, "infection_hazard", -5, 14, NULL) > 2 * R(&ca, T0, "infection_hazard"),
              "infection hazard rises during neutropenia");

  /* An unused product stays exactly zero, and so does every CAR-T compartment before the
   * infusion: rounding must not seed the unstable zero solution of the BCMA-CD19 compartments
   * (the fast solver's dormant states, src/solver/fast_bdf.c), even where CAR-T expand at
   * 2.5x the table's rate (car_rho 5), which made the zero solution unstable in the untreated
   * burn-in too and a phantom BCMA-CD19 population depleted the long-lived plasma cells. */
  {
    double worst = 0.0, before = 0.0;
    for (int day = T0; day <= T1; day++) {
      worst = fmax(worst, fabs(Y(&ca, day, "bcar_e")) + fabs(Y(&ca, day, "bcar_m")));
      if (day < 0) {
        before = fmax(before, fabs(Y(&ca, day, "car_e")) + fabs(Y(&ca, day, "car_m")) +
                                  fabs(Y(&ca, day, "car_x")));
      }
    }
    REMIT_CHECK(worst == 0.0 && before == 0.0,
                "CD19 CAR-T: BCMA-CD19 compartments exactly 0 (max %g), CAR-T 0 before day 0 (max %g)",
                worst, before);
    run fast = {0};
    REMIT_CHECK(simulate(&fast, d, n, 0, 0, "car_rho", 5.0) == 0, "CAR-T with car_rho 5 simulates");
    worst = 0.0;
    for (int day = T0; day <= T1; day++) {
      worst = fmax(worst, fabs(Y(&fast, day, "bcar_e")) + fabs(Y(&fast, day, "bcar_m")));
    }
    REMIT_CHECK(worst == 0.0 && Y(&fast, 180, "llpc") > 0.9 * Y(&fast, T0, "llpc"),
                "car_rho 5: no phantom BCMA-CD19 (max %g), long-lived PC spared (%g -> %g)", worst,
                Y(&fast, T0, "llpc"), Y(&fast, 180, "llpc"));
    run_free(&fast);
  }

  /* Renal Erlangen-like patient: sledai0 16 with nephritis (Mackensen 2022 baseline 16, LN). */
  run cr = {0};
  REMIT_CHECK(simulate(&cr, d, n, 16, 1, NULL, 0) == 0, "renal CAR-T simulates");
  printf("renal patient SLEDAI base %g d90 %g d365 %g proteinuria %g -> %g\n", R(&cr, 0, "sledai2k"),
         R(&cr, 90, "sledai2k"), R(&cr, 365, "sledai2k"), R(&cr, 0, "proteinuria"), R(&cr, 180, "proteinuria"));
  REMIT_CHECK(R(&cr, 0, "sledai_proteinuria") > 0, "renal patient has proteinuria item");
  REMIT_CHECK(R(&cr, 90, "sledai2k") <= 2 && R(&cr, 365, "sledai2k") <= 2, "renal patient in remission");

  /* ---- rituximab 1 g days 0 and 14 (EXPLORER/LUNAR dosing, clinical.md 3.1) ------- */
  int rtx = remit_spec_input_index(S, "rituximab");
  remit_dose dr[2] = {{0, rtx, 1000, 0}, {14, rtx, 1000, 0}};
  run rr = {0};
  REMIT_CHECK(simulate(&rr, dr, 2, 0, 0, NULL, 0) == 0, "rituximab simulates");
  REMIT_CHECK(R(&rr, 28, "bcells") < 0.25 * R(&rr, T0, "bcells"), "rituximab depletes B cells (%g -> %g)",
              R(&rr, T0, "bcells"), R(&rr, 28, "bcells"));
  /* anti-dsDNA falls much less than after CAR-T (plasmablasts/LLPC spared, Mei 2015; incomplete
   * tissue depletion, Gomez Mendez 2018): at day 180 at least 5x the CAR-T level. */
  printf("anti-dsDNA d180: rituximab %g, CAR-T %g\n", R(&rr, 180, "anti_dsdna"), R(&ca, 180, "anti_dsdna"));
  REMIT_CHECK(R(&rr, 180, "anti_dsdna") > 5 * R(&ca, 180, "anti_dsdna"), "rituximab anti-dsDNA fall smaller");

  /* ---- BCMA-CD19 3e6/kg (Wang 2024 ARD, clinical.md 1.4): LLPC and protective IgG fall */
  n = cart_regimen(d, "cart_bcma19", 3e6);
  run bc = {0};
  REMIT_CHECK(simulate(&bc, d, n, 0, 0, NULL, 0) == 0, "BCMA-CD19 simulates");
  REMIT_CHECK(Y(&bc, 180, "llpc") < 0.5 * Y(&bc, T0, "llpc"), "BCMA-CD19 depletes long-lived PC");
  REMIT_CHECK(R(&bc, 180, "protective_igg") < 0.7 * R(&bc, T0, "protective_igg"),
              "protective IgG falls > 30%% after BCMA-CD19 (%g -> %g)", R(&bc, T0, "protective_igg"),
              R(&bc, 180, "protective_igg"));
  REMIT_CHECK(Y(&ca, 180, "llpc") > 0.9 * Y(&ca, T0, "llpc"), "CD19 CAR-T spares long-lived PC");

  /* ---- MSC 2 and 4 x 1e6/kg (Farge 2025; Deng 2017): transient, smaller than CAR-T --- */
  for (int k = 2; k <= 4; k += 2) {
    int msc = remit_spec_input_index(S, "msc");
    remit_dose dm[1] = {{0, msc, k * 1e6, 0}};
    run ms = {0};
    REMIT_CHECK(simulate(&ms, dm, 1, 0, 0, NULL, 0) == 0, "MSC simulates");
    double mn = min_over(&ms, "sledai2k", 0, 365);
    double ads_min = min_over(&ms, "anti_dsdna", 0, 365);
    printf("MSC %de6/kg: SLEDAI min %g (base %g), d730 %g; anti-dsDNA min %g\n", k, mn, R(&ms, 0, "sledai2k"),
           R(&ms, 730, "sledai2k"), ads_min);
    REMIT_CHECK(ads_min < 0.95 * R(&ms, T0, "anti_dsdna"), "MSC has an effect");
    REMIT_CHECK(mn > R(&ca, 90, "sledai2k"), "MSC effect smaller than CAR-T's");
    REMIT_CHECK(R(&ms, 730, "anti_dsdna") > 0.8 * R(&ms, T0, "anti_dsdna"), "MSC effect transient");
    run_free(&ms);
  }

  /* ---- dose sweep: a higher CAR-T dose never gives a lower peak ------------------- */
  double doses[] = {1e5, 3e5, 1e6, 3e6, 1e7};
  double prev = 0;
  for (int k = 0; k < 5; k++) {
    run ds = {0};
    n = cart_regimen(d, "cart19", doses[k]);
    if (simulate(&ds, d, n, 0, 0, NULL, 0) == 0) {
      double p = max_over(&ds, "cart_level", 0, 60, NULL);
      printf("dose %g/kg: peak %g\n", doses[k], p);
      REMIT_CHECK(p >= prev, "peak non-decreasing in dose (%g >= %g)", p, prev);
      prev = p;
    }
    run_free(&ds);
  }

  /* ---- belimumab 10 mg/kg q4w, anifrolumab 300 mg q4w: modest (BLISS-52, TULIP-2) --- */
  const char *bio[2] = {"belimumab", "anifrolumab"};
  double bamt[2] = {10, 300};
  double base_mean = mean_over(&un, "sledai2k", 0, 365);
  for (int k = 0; k < 2; k++) {
    remit_dose db[40];
    int nb = 0;
    for (int day = 0; day < 730; day += 28) {
      db[nb++] = (remit_dose){day, remit_spec_input_index(S, bio[k]), bamt[k], 0};
    }
    run bx = {0};
    REMIT_CHECK(simulate(&bx, db, nb, 0, 0, NULL, 0) == 0, "%s simulates", bio[k]);
    double mm = mean_over(&bx, "sledai2k", 0, 365);
    double pga = mean_over(&bx, "pga", 28, 365), pga_un = mean_over(&un, "pga", 28, 365);
    printf("%s: mean SLEDAI year 1 %g vs untreated %g; d365 %g; mean PGA %g vs %g\n", bio[k], mm, base_mean,
           R(&bx, 365, "sledai2k"), pga, pga_un);
    /* Modest: in BLISS-52 and TULIP-2 the drug adds 8-17 responders per 100
     * over placebo (clinical.md 3.1), so the typical patient improves
     * (lower PGA) without an immune reset; whether her SLEDAI items clear is
     * a cohort question, checked by remit validate (docs/validation.md). */
    REMIT_CHECK(mm <= base_mean && pga < 0.97 * pga_un && R(&bx, 365, "sledai2k") >= 4,
                "%s lowers activity modestly", bio[k]);
    if (k == 0) {
      /* BAFF blockade: fewer B cells, less anti-dsDNA, more C3 (BLISS biomarkers [M]). */
      REMIT_CHECK(R(&bx, 365, "bcells") < 0.8 * R(&un, 365, "bcells") &&
                      R(&bx, 365, "anti_dsdna") < 0.95 * R(&un, 365, "anti_dsdna") &&
                      R(&bx, 365, "c3_mg_dl") > R(&un, 365, "c3_mg_dl"),
                  "belimumab lowers B cells (%g vs %g) and anti-dsDNA (%g vs %g), raises C3",
                  R(&bx, 365, "bcells"), R(&un, 365, "bcells"), R(&bx, 365, "anti_dsdna"),
                  R(&un, 365, "anti_dsdna"));
    }
    run_free(&bx);
  }

  /* ---- prednisone 20 mg/day: lowers activity, accrues damage ---------------------- */
  remit_dose dp[1] = {{0, remit_spec_input_index(S, "prednisone"), 20, 730}};
  run pr = {0};
  REMIT_CHECK(simulate(&pr, dp, 1, 0, 0, NULL, 0) == 0, "prednisone simulates");
  REMIT_CHECK(R(&pr, 180, "sledai2k") < R(&un, 180, "sledai2k"), "prednisone lowers SLEDAI");
  double dmg_un = R(&un, 730, "damage_sdi") - R(&un, 0, "damage_sdi");
  double dmg_pr = R(&pr, 730, "damage_sdi") - R(&pr, 0, "damage_sdi");
  REMIT_CHECK(dmg_pr > dmg_un, "prednisone accrues damage (%g vs %g SDI over 2 y)", dmg_pr, dmg_un);

  /* ---- environmental flare triggers: the response depends on the immune state ------- */
  {
    int trig = remit_spec_input_index(S, "flare_trigger");
    /* Active disease: a trigger gives a flare, i.e. a SLEDAI rise >= 3 (SELENA flare index,
     * clinical.md 4.1), within a month, as flares come with falling C3 (Petri 1991, models.md 3.3);
     * the flare is an episode that resolves to the patient's course (0.65 flares/py in
     * Petri 1991 means repeated episodes, each over within months). */
    remit_dose dt1[1] = {{100, trig, 1, 0}};
    run fl = {0};
    REMIT_CHECK(simulate(&fl, dt1, 1, 0, 0, NULL, 0) == 0, "untreated + trigger simulates");
    double sb = R(&fl, 99, "sledai2k");
    int fday = 0;
    double fpk = max_over(&fl, "sledai2k", 100, 130, &fday);
    int fdur = 0;
    for (int day = 100; day <= 730; day++) {
      fdur += R(&fl, day, "sledai2k") >= sb + 3;
    }
    printf("untreated + trigger day 100: SLEDAI %g -> peak %g (day %d), >= +3 for %d days, d200 %g; "
           "C3 min %g (base %g); anti-dsDNA d200 %g (base %g)\n",
           sb, fpk, fday, fdur, R(&fl, 200, "sledai2k"), min_over(&fl, "c3_mg_dl", 100, 130),
           R(&fl, 99, "c3_mg_dl"), R(&fl, 200, "anti_dsdna"), R(&fl, 99, "anti_dsdna"));
    REMIT_CHECK(fpk >= sb + 3, "trigger gives a SLEDAI-2K rise >= 3 within 30 days (%g -> %g)", sb, fpk);
    REMIT_CHECK(fdur >= 14, "the flare lasts weeks (%d days at >= +3)", fdur);
    REMIT_CHECK(min_over(&fl, "c3_mg_dl", 100, 130) < 0.9 * R(&fl, 99, "c3_mg_dl"), "C3 falls in the flare");
    REMIT_CHECK(fabs(R(&fl, 200, "sledai2k") - sb) <= 1.0, "flare resolved by day 200 (%g vs %g)",
                R(&fl, 200, "sledai2k"), sb);
    REMIT_CHECK_REL(R(&fl, 200, "anti_dsdna"), R(&fl, 99, "anti_dsdna"), 0.1);
    REMIT_CHECK(R(&fl, 730, "sledai2k") == R(&un, 730, "sledai2k"), "back on the set-point");

    /* After the CD19 CAR-T reset the same trigger gives no flare: no autoreactive memory and
     * normal anti-dsDNA (Mackensen 2022 drug-free remission; flare rate 0.10/py in complete
     * remission vs 0.49/py never in LLDAS, Hao 2022, models.md 3.3). */
    remit_dose dt2[8];
    int n2 = cart_regimen(dt2, "cart19", 1e6);
    dt2[n2++] = (remit_dose){300, trig, 1, 0};
    run cf = {0};
    REMIT_CHECK(simulate(&cf, dt2, n2, 0, 0, NULL, 0) == 0, "CAR-T + trigger simulates");
    double cmax = max_over(&cf, "sledai2k", 90, 730, NULL);
    printf("CAR-T + trigger day 300: max SLEDAI days 90-730 %g; anti-dsDNA max %g\n", cmax,
           max_over(&cf, "anti_dsdna", 300, 730, NULL));
    REMIT_CHECK(cmax <= 2, "reset holds: SLEDAI-2K <= 2 throughout (max %g)", cmax);
    REMIT_CHECK(max_over(&cf, "dsdna_abnormal", 300, 730, NULL) == 0, "anti-dsDNA stays normal");

    /* After rituximab (incomplete tissue depletion, Gomez Mendez 2018; 67% relapse at a median
     * 11 months, models.md 2) the same trigger re-ignites the disease: more than after CAR-T. */
    remit_dose dt3[3] = {{0, rtx, 1000, 0}, {14, rtx, 1000, 0}, {180, trig, 1, 0}};
    run rf = {0};
    REMIT_CHECK(simulate(&rf, dt3, 3, 0, 0, NULL, 0) == 0, "rituximab + trigger simulates");
    printf("rituximab d730: anti-dsDNA %g with trigger at d180 vs %g without; SLEDAI %g vs %g\n",
           R(&rf, 730, "anti_dsdna"), R(&rr, 730, "anti_dsdna"), R(&rf, 730, "sledai2k"),
           R(&rr, 730, "sledai2k"));
    /* Rituximab on its own gives no durable reset: the randomised trials
     * (LUNAR, EXPLORER: no gain over standard care, clinical.md 3.1) outrank
     * the open-label series (Catapano 2010), so the loop survives
     * depletion and the trigger finds it active. */
    REMIT_CHECK(R(&rf, 730, "anti_dsdna") > 10 * max_over(&cf, "anti_dsdna", 300, 730, NULL),
                "the autoreactive loop is active after rituximab + trigger, not after CAR-T");
    REMIT_CHECK(R(&rf, 730, "sledai2k") >= 4 && R(&rf, 730, "sledai2k") > R(&cf, 730, "sledai2k"),
                "after rituximab a trigger re-ignites disease more than after CAR-T");
    run_free(&fl);
    run_free(&cf);
    run_free(&rf);
  }

  /* ---- Stein 2019 special case (models.md 1.1): closed form recovered -------------- */
  {
    remit_model *m;
    remit_model_create(ctx, S, &m);
    remit_model_set_param(m, "car_tmax", 9.3);
    remit_dose ds1[1] = {{0, remit_spec_input_index(S, "cart19"), 1e6, 0}};
    remit_model_set_regimen(m, ds1, 1);
    double t[NT], *y = malloc(sizeof(double) * NT * (size_t)S->n_states);
    for (int i = 0; i < NT; i++) {
      t[i] = T0 + i;
    }
    remit_sim_options o = {0};
    o.rtol = 1e-8;
    o.atol = 1e-10;
    REMIT_CHECK_STATUS(remit_model_simulate(m, &o, t, NT, y, NULL), REMIT_OK);
    int ie = si("car_e"), im = si("car_m"), ns = S->n_states;
    double r0 = y[(size_t)ROW(0) * ns + ie];
    double tmax = 9.3, foldx = 3900, alpha = 0.16, fb = 0.0079, beta = 0.0032;
    double rho = log(foldx) / tmax, cmax = r0 * foldx;
    double worst = 0;
    for (int day = 0; day <= 400; day++) {
      double c = y[(size_t)ROW(day) * ns + ie] + y[(size_t)ROW(day) * ns + im];
      double ref = day < tmax ? r0 * exp(rho * day)
                              : (1 - fb) * cmax * exp(-alpha * (day - tmax)) + fb * cmax * exp(-beta * (day - tmax));
      double e = fabs(c - ref) / ref;
      worst = e > worst ? e : worst;
    }
    printf("Stein closed form: R0 %g, worst relative error %g\n", r0, worst);
    REMIT_CHECK(r0 > 0 && worst < 1e-4, "Stein 2019 closed form reproduced (worst rel err %g)", worst);
    free(y);
    remit_model_destroy(&m);
  }

  run_free(&un);
  run_free(&ca);
  run_free(&cr);
  run_free(&rr);
  run_free(&bc);
  run_free(&pr);
  remit_context_destroy(&ctx);
  return remit_test_failures();
}
