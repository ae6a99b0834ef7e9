/* SPDX-License-Identifier: MIT
 *
 * remit_test_models.h: models and readouts that several test programs (and
 * bench/bench_remit.c) share, so each is written once.
 *
 *  - The decay model: y' = -k y in two states, with a bolus, a zero-order
 *    and a per-kg input, written as a user would write a model spec; the
 *    closed form of the regimen the solver tests give it; and a schedule
 *    callback that turns a dose into a SET and a delayed MOVE, with the
 *    test of it that both solver backends pass.
 *  - The reference model on the peers' daily grid (days -5 .. 730): the
 *    cohort and trajectory readers for tests/data, the four series and the
 *    six metrics of ../shared/peers/metrics.py.
 *
 * Everything is static inline (or a macro) and uses only the public API, the
 * C library and the remit_test.h harness.
 */
#ifndef REMIT_TEST_MODELS_H
#define REMIT_TEST_MODELS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remit/remit.h"
#include "remit_test.h"

/* ------------------------------------------------------------------------ */
/* The decay model                                                           */
/* ------------------------------------------------------------------------ */

static inline int remit_test_decay_rhs(double t, const double *y, double *dy, const double *p,
                                       void *u) {
  (void)t;
  (void)u;
  dy[0] = -p[0] * y[0];
  dy[1] = -p[1] * y[1];
  return 0;
}

/* a decays as in the decay model, b stays put, and the call fails (-1) after day 7.5. */
static inline int remit_test_decay_failing_rhs(double t, const double *y, double *dy,
                                               const double *p, void *u) {
  (void)u;
  dy[0] = -p[0] * y[0];
  dy[1] = 0;
  return t > 7.5 ? -1 : 0;
}

/* States a, b; parameters ka = 0.2385, kb = 0.05 (/day, in [0, 10]); inputs
 * bolus_a, rate_b and kg_a (mg/kg into a). */
static inline remit_model_spec remit_test_decay_spec(void) {
  static const remit_var_info states[] = {{"a", "mg", "first"}, {"b", "mg", "second"}};
  static const double y0[] = {0.0, 0.0};
  static const remit_param_info params[] = {
      {"ka", 0.2385, "1/day", 0, 0, 10, "test"},
      {"kb", 0.05, "1/day", 0, 0, 10, "test"},
  };
  static const remit_input inputs[] = {
      {"bolus_a", "mg", 0, REMIT_INPUT_BOLUS, REMIT_SCALE_NONE, 1.0, 1e6, "bolus into a"},
      {"rate_b", "mg/day", 1, REMIT_INPUT_RATE, REMIT_SCALE_NONE, 1.0, 1e6, "infusion into b"},
      {"kg_a", "mg/kg", 0, REMIT_INPUT_BOLUS, REMIT_SCALE_PER_KG, 1.0, 1e6, "per kg into a"},
  };
  remit_model_spec s = {0};
  s.name = "decay";
  s.n_states = 2;
  s.states = states;
  s.y0 = y0;
  s.n_params = 2;
  s.params = params;
  s.n_inputs = 3;
  s.inputs = inputs;
  s.rhs = remit_test_decay_rhs;
  return s;
}

/* The largest relative errors (floor 1e-3) of states a and b in Y[i * 2 + j]
 * at times[i] against the closed form of the decay model (default
 * parameters, the default 65 kg patient) under the regimen
 *   {{0, 0, 100, 0}, {10, 0, 50, 0}, {2, 1, r, 20}, {5, 2, 2, 0}}:
 * boluses of 100 and 50 mg into a on days 0 and 10 and 2 mg/kg on day 5;
 * r mg/day into b over [2, 22). */
static inline void remit_test_decay_errors(const double *times, const double *Y, int nt, double r,
                                           double *err_a, double *err_b) {
  const double k = 0.2385, kb = 0.05, w = 65.0;
  *err_a = 0;
  *err_b = 0;
  for (int i = 0; i < nt; i++) {
    const double t = times[i];
    const double a = 100 * exp(-k * t) + (t >= 5 ? 2 * w * exp(-k * (t - 5)) : 0) +
                     (t >= 10 ? 50 * exp(-k * (t - 10)) : 0);
    const double b = t <= 2    ? 0
                     : t <= 22 ? r / kb * (1 - exp(-kb * (t - 2)))
                               : r / kb * (1 - exp(-kb * 20)) * exp(-kb * (t - 22));
    *err_a = fmax(*err_a, fabs(Y[2 * i] - a) / fmax(1e-3, a));
    *err_b = fmax(*err_b, fabs(Y[2 * i + 1] - b) / fmax(1e-3, b));
  }
}

/* A schedule that turns its one dose into a SET and a delayed MOVE, the way
 * the SLE model schedules the Stein special case. */
static inline int remit_test_decay_sched(const remit_input *in, double day, double amount,
                                         double duration, const double *p, remit_event *ev, int max,
                                         void *u) {
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

/* The decay model with that schedule: one 40 mg dose on day 1 is SET into a,
 * and three days later a quarter of a MOVEs to b. */
static inline void remit_test_scheduled_events(remit_solver_kind solver) {
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_model_spec spec = remit_test_decay_spec();
  spec.schedule = remit_test_decay_sched;
  remit_model *m;
  remit_model_create(ctx, &spec, &m);
  remit_dose d[] = {{1, 0, 40, 0}};
  remit_model_set_regimen(m, d, 1);
  double times[] = {0, 1, 4, 6}, Y[8];
  remit_sim_options o = {0};
  o.solver = solver;
  o.rtol = 1e-10;
  o.atol = 1e-12;
  REMIT_CHECK_STATUS(remit_model_simulate(m, &o, times, 4, Y, NULL), REMIT_OK);
  const double k = 0.2385, kb = 0.05;
  const double a4 = 40 * exp(-3 * k);
  REMIT_CHECK_REL(Y[2], 40.0, 1e-12);
  REMIT_CHECK_REL(Y[4], 0.75 * a4, 1e-7);
  REMIT_CHECK_REL(Y[5], 0.25 * a4, 1e-7);
  REMIT_CHECK_REL(Y[7], 0.25 * a4 * exp(-2 * kb), 1e-7);
  remit_model_destroy(&m);
  remit_context_destroy(&ctx);
}

/* ------------------------------------------------------------------------ */
/* The reference model on the peers' grid                                    */
/* ------------------------------------------------------------------------ */

#define REMIT_REF_T0_DAY (-5)
#define REMIT_REF_NGRID 736 /* days -5 .. 730 */
#define REMIT_REF_NSERIES 4 /* CAR-T total, BN + BM, anti-dsDNA, damage */
#define REMIT_REF_NMETRICS 6

/* Reads the cohort: header of parameter names, one row per patient.  Fills
 * P[pat * n_params + spec index] (columns mapped by name).  Returns the number
 * of patients, -1 when unreadable, -2 when a parameter has no column, -3 on a
 * field that is not a number. */
static inline int remit_ref_read_cohort(const char *path, const remit_model_spec *spec, double *P,
                                        int maxpat) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  static char line[1 << 16];
  int col2idx[256], ncol = 0, n = 0;
  if (!fgets(line, sizeof line, f)) {
    fclose(f);
    return -1;
  }
  for (char *tok = strtok(line, ",\r\n"); tok && ncol < 256; tok = strtok(NULL, ",\r\n"))
    col2idx[ncol++] = remit_spec_param_index(spec, tok);
  int found = 0;
  for (int c = 0; c < ncol; c++)
    found += col2idx[c] >= 0;
  if (found != spec->n_params) {
    fclose(f);
    return -2;
  }
  while (n < maxpat && fgets(line, sizeof line, f)) {
    char *s = line;
    for (int c = 0; c < ncol; c++) {
      char *e;
      const double v = strtod(s, &e);
      if (e == s) {
        fclose(f);
        return -3;
      }
      if (col2idx[c] >= 0)
        P[n * spec->n_params + col2idx[c]] = v;
      s = (*e == ',') ? e + 1 : e;
    }
    n++;
  }
  fclose(f);
  return n;
}

/* Reads "pid,series,v0,...,v735" lines into
 * R[(pid * REMIT_REF_NSERIES + s) * REMIT_REF_NGRID + g].  Returns the number
 * of lines read, -1 when unreadable, -2 on a short line. */
static inline int remit_ref_read_traj(const char *path, double *R, int npat) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  static char line[1 << 16];
  int nlines = 0;
  while (fgets(line, sizeof line, f)) {
    char *s = line, *e;
    const long pid = strtol(s, &e, 10);
    if (*e != ',')
      break;
    const long ser = strtol(e + 1, &s, 10);
    if (pid < 0 || pid >= npat || ser < 0 || ser >= REMIT_REF_NSERIES)
      continue;
    double *row = R + (pid * REMIT_REF_NSERIES + ser) * REMIT_REF_NGRID;
    int g = 0;
    while (g < REMIT_REF_NGRID && *s == ',') {
      row[g++] = strtod(s + 1, &e);
      s = e;
    }
    if (g != REMIT_REF_NGRID) {
      fclose(f);
      return -2;
    }
    nlines++;
  }
  fclose(f);
  return nlines;
}

/* The four daily series S[s * REMIT_REF_NGRID + g] from the states Y[g * ns + i]
 * (MODEL.md order: CE + CM + CX, BN + BM, AAb, Dmg). */
static inline void remit_ref_series(const double *Y, int ns, double *S) {
  for (int g = 0; g < REMIT_REF_NGRID; g++) {
    const double *y = Y + g * ns;
    S[g] = y[5] + y[6] + y[7];
    S[REMIT_REF_NGRID + g] = y[9] + y[10];
    S[2 * REMIT_REF_NGRID + g] = y[14];
    S[3 * REMIT_REF_NGRID + g] = y[21];
  }
}

/* The metrics of ../shared/peers/metrics.py from the four daily series S:
 * CAR-T peak, its day, B nadir, day of 10 % B recovery, anti-dsDNA on day
 * 365, damage on day 730. */
static inline void remit_ref_metrics(const double *S, double *out) {
  const int n = REMIT_REF_NGRID, t0 = REMIT_REF_T0_DAY;
  const double *car = S, *b = S + n, *aab = S + 2 * n, *dmg = S + 3 * n;
  const int i0 = 0 - t0; /* day 0 */
  int ip = i0, inad = i0;
  for (int g = i0; g < n; g++) {
    if (car[g] > car[ip])
      ip = g;
    if (b[g] < b[inad])
      inad = g;
  }
  const double thr = 0.1 * b[0];
  double trec = NAN;
  for (int g = inad; g < n - 1; g++)
    if (b[g] < thr && thr <= b[g + 1]) {
      trec = (g + t0) + (thr - b[g]) / (b[g + 1] - b[g]);
      break;
    }
  out[0] = car[ip];
  out[1] = ip + t0;
  out[2] = b[inad];
  out[3] = trec;
  out[4] = aab[365 - t0];
  out[5] = dmg[n - 1];
}

#endif /* REMIT_TEST_MODELS_H */
