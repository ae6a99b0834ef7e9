/* SPDX-License-Identifier: MIT
 *
 * bench_remit: the timing side of bench/run.sh (a benchmark, never a test).
 *
 *   remit_bench ref COHORT.csv N RTOL ATOL_REL TRAJ_OUT|- PERF_OUT [cvodes|fast]
 *       The reference model (remit_spec_reference) on the first N patients of
 *       a cohort file (header = parameter names), MODEL.md regimen, daily
 *       grid -5..730.  Per patient, the wall time of set_params + simulate
 *       (nothing else: no I/O) goes to PERF_OUT in the peers' perf format
 *       (pid,wall_s,steps,rhs_evals,rhs_evals_jac,jac_evals,lin_setups,
 *       newton_iters,err_fails,conv_fails; the columns remit does not count
 *       are -1); the four series of ../shared/peers/common.h's dump_traj go
 *       to TRAJ_OUT in the same text format.
 *
 *   remit_bench sle REPS PERF_OUT [cvodes|fast]
 *       The default SLE patient (remit_spec_sle, default covariates) under
 *       the CAR-T regimen: fludarabine 25 mg/m2 days -5..-3,
 *       cyclophosphamide 1000 mg/m2 day -3, cart19 1e6 cells/kg day 0, daily
 *       grid -5..730.  Rows 0..REPS-1: a fresh model each time (create,
 *       burn-in, simulate, destroy: what a new patient costs); rows
 *       REPS..2*REPS-1: the same model again (initial state cached).
 *
 *   The optional last word picks the backend: cvodes (REMIT_SOLVER_CVODES_BDF,
 *   the default) or fast (REMIT_SOLVER_FAST).
 *
 *   remit_bench table REF_TRAJ|- LABEL PERF TRAJ|- [LABEL PERF TRAJ|-]...
 *       The markdown table: per tool the patients, median/min/max ms per
 *       patient, the ratio to the first tool, median steps, and the agreement
 *       of the metrics of ../shared/peers/metrics.py with the reference
 *       trajectories (median / max relative error over patients and the five
 *       continuous metrics; the share of patients whose CAR-T peak day is
 *       exact).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "remit/remit.h"
#include "remit_test_models.h" /* the reference grid and its metrics */

static remit_solver_kind solver_arg(int argc, char **argv, int pos) {
  return argc > pos && !strcmp(argv[pos], "fast") ? REMIT_SOLVER_FAST : REMIT_SOLVER_CVODES_BDF;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  if (n <= 0)
    return NAN;
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static char *read_line(FILE *f) {
  static char *buf = NULL;
  static size_t cap = 0;
  size_t len = 0;
  int c;
  while ((c = fgetc(f)) != EOF) {
    if (len + 2 > cap) {
      cap = cap ? 2 * cap : 1 << 16;
      char *nb = realloc(buf, cap);
      if (!nb)
        exit(1);
      buf = nb;
    }
    if (c == '\n')
      break;
    buf[len++] = (char)c;
  }
  if (c == EOF && len == 0)
    return NULL;
  buf[len] = '\0';
  return buf;
}

/* ------------------------------------------------------------------------ */
/* ref: the reference model over a cohort                                    */
/* ------------------------------------------------------------------------ */

static int run_ref(int argc, char **argv) {
  if (argc < 8) {
    fprintf(stderr, "usage: %s ref COHORT N RTOL ATOL_REL TRAJ_OUT|- PERF_OUT\n", argv[0]);
    return 2;
  }
  const remit_model_spec *spec = remit_spec_reference();
  const int np = spec->n_params, ns = spec->n_states;
  FILE *fc = fopen(argv[2], "r");
  if (!fc) {
    perror(argv[2]);
    return 1;
  }
  int col2idx[512], ncol = 0;
  char *line = read_line(fc);
  if (!line)
    return 1;
  for (char *tok = strtok(line, ",\r"); tok && ncol < 512; tok = strtok(NULL, ",\r")) {
    col2idx[ncol] = remit_spec_param_index(spec, tok);
    if (col2idx[ncol] < 0) {
      fprintf(stderr, "unknown parameter %s in %s\n", tok, argv[2]);
      return 1;
    }
    ncol++;
  }
  int nwant = atoi(argv[3]), n = 0, cap = 1024;
  double *P = malloc(sizeof(double) * (size_t)np * (size_t)cap);
  while ((line = read_line(fc)) && (nwant <= 0 || n < nwant)) {
    if (n == cap) {
      cap *= 2;
      P = realloc(P, sizeof(double) * (size_t)np * (size_t)cap);
    }
    for (int k = 0; k < np; k++)
      P[(size_t)n * np + k] = spec->params[k].value;
    char *s = line, *e;
    for (int c = 0; c < ncol; c++) {
      P[(size_t)n * np + col2idx[c]] = strtod(s, &e);
      s = (*e == ',') ? e + 1 : e;
    }
    n++;
  }
  fclose(fc);

  remit_context *ctx = NULL;
  remit_model *m = NULL;
  if (remit_context_create(NULL, &ctx) != REMIT_OK ||
      remit_model_create(ctx, spec, &m) != REMIT_OK) {
    fprintf(stderr, "cannot create the model\n");
    return 1;
  }
  const int inFc = remit_spec_input_index(spec, "Fc"), inCc = remit_spec_input_index(spec, "Cc");
  const int inCE = remit_spec_input_index(spec, "CE");
  const remit_dose doses[] = {{-5.0, inFc, 45.0, 0.0},
                              {-4.0, inFc, 45.0, 0.0},
                              {-3.0, inFc, 45.0, 0.0},
                              {-3.0, inCc, 1800.0, 0.0},
                              {0.0, inCE, 10.0, 0.0}};
  if (remit_model_set_regimen(m, doses, 5) != REMIT_OK) {
    fprintf(stderr, "%s\n", remit_context_errmsg(ctx));
    return 1;
  }
  remit_sim_options opt = {0};
  opt.rtol = atof(argv[4]);
  opt.atol = atof(argv[5]);
  opt.max_steps = 1000000;
  opt.solver = solver_arg(argc, argv, 8);
  double times[REMIT_REF_NGRID];
  for (int g = 0; g < REMIT_REF_NGRID; g++)
    times[g] = g + REMIT_REF_T0_DAY;
  double *Y = malloc(sizeof(double) * REMIT_REF_NGRID * (size_t)ns);
  FILE *ft = strcmp(argv[6], "-") ? fopen(argv[6], "w") : NULL;
  FILE *fp = fopen(argv[7], "w");
  if (!fp || (strcmp(argv[6], "-") && !ft)) {
    perror("output");
    return 1;
  }
  fprintf(fp,
          "pid,wall_s,steps,rhs_evals,rhs_evals_jac,jac_evals,lin_setups,newton_iters,"
          "err_fails,conv_fails\n");
  static const int idx[REMIT_REF_NSERIES][3] = {{5, 6, 7}, {9, 10, -1}, {14, -1, -1}, {21, -1, -1}};
  int failed = 0;
  for (int pid = 0; pid < n; pid++) {
    const double t0 = now_s();
    remit_status st = remit_model_set_params(m, P + (size_t)pid * np, np);
    if (st == REMIT_OK)
      st = remit_model_simulate(m, &opt, times, REMIT_REF_NGRID, Y, NULL);
    const double el = now_s() - t0;
    if (st != REMIT_OK) {
      fprintf(stderr, "patient %d: %s\n", pid, remit_context_errmsg(ctx));
      failed++;
    }
    remit_sim_stats s;
    remit_model_get_stats(m, &s);
    fprintf(fp, "%d,%.9g,%ld,%ld,-1,%ld,%ld,-1,%ld,%ld\n", pid, el, s.steps, s.rhs_evals,
            s.jac_evals, s.lin_setups, s.err_fails, s.conv_fails);
    if (ft) {
      for (int sr = 0; sr < REMIT_REF_NSERIES; sr++) {
        fprintf(ft, "%d,%d", pid, sr);
        for (int g = 0; g < REMIT_REF_NGRID; g++) {
          double v = 0.0;
          for (int k = 0; k < 3; k++)
            if (idx[sr][k] >= 0)
              v += Y[(size_t)g * ns + idx[sr][k]];
          fprintf(ft, ",%.12g", v);
        }
        fputc('\n', ft);
      }
    }
  }
  fclose(fp);
  if (ft)
    fclose(ft);
  remit_model_destroy(&m);
  remit_context_destroy(&ctx);
  free(Y);
  free(P);
  return failed ? 1 : 0;
}

/* ------------------------------------------------------------------------ */
/* sle: the default SLE patient                                              */
/* ------------------------------------------------------------------------ */

static int sle_model(remit_context *ctx, remit_model **out) {
  const remit_model_spec *spec = remit_spec_sle();
  const int flu = remit_spec_input_index(spec, "fludarabine");
  const int cy = remit_spec_input_index(spec, "cyclophosphamide");
  const int cart = remit_spec_input_index(spec, "cart19");
  if (flu < 0 || cy < 0 || cart < 0) {
    fprintf(stderr, "SLE spec lacks an input (fludarabine %d, cyclophosphamide %d, cart19 %d)\n",
            flu, cy, cart);
    return -1;
  }
  const remit_dose doses[] = {{-5.0, flu, 25.0, 0.0},
                              {-4.0, flu, 25.0, 0.0},
                              {-3.0, flu, 25.0, 0.0},
                              {-3.0, cy, 1000.0, 0.0},
                              {0.0, cart, 1e6, 0.0}};
  if (remit_model_create(ctx, spec, out) != REMIT_OK ||
      remit_model_set_regimen(*out, doses, 5) != REMIT_OK) {
    fprintf(stderr, "SLE model: %s\n", remit_context_errmsg(ctx));
    remit_model_destroy(out);
    return -1;
  }
  return 0;
}

static int run_sle(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s sle REPS PERF_OUT\n", argv[0]);
    return 2;
  }
  const int reps = atoi(argv[2]);
  remit_context *ctx = NULL;
  if (remit_context_create(NULL, &ctx) != REMIT_OK)
    return 1;
  double times[REMIT_REF_NGRID];
  for (int g = 0; g < REMIT_REF_NGRID; g++)
    times[g] = g + REMIT_REF_T0_DAY;
  const int ns = remit_spec_sle()->n_states;
  double *Y = malloc(sizeof(double) * REMIT_REF_NGRID * (size_t)ns);
  FILE *fp = fopen(argv[3], "w");
  if (!fp || !Y)
    return 1;
  fprintf(fp,
          "pid,wall_s,steps,rhs_evals,rhs_evals_jac,jac_evals,lin_setups,newton_iters,"
          "err_fails,conv_fails\n");
  remit_model *warm = NULL;
  remit_sim_options opt = {0};
  opt.solver = solver_arg(argc, argv, 4);
  for (int r = 0; r < 2 * reps; r++) {
    const int fresh = r < reps;
    remit_model *m = NULL;
    double t0 = now_s();
    if (fresh) {
      if (sle_model(ctx, &m) != 0)
        return 1;
    } else {
      if (!warm && sle_model(ctx, &warm) != 0)
        return 1;
      m = warm;
      if (r == reps) { /* first use of the warm model computes (and caches) its y0 */
        remit_model_simulate(m, &opt, times, REMIT_REF_NGRID, Y, NULL);
      }
      t0 = now_s();
    }
    const remit_status st = remit_model_simulate(m, &opt, times, REMIT_REF_NGRID, Y, NULL);
    remit_sim_stats s;
    remit_model_get_stats(m, &s);
    if (fresh)
      remit_model_destroy(&m);
    const double el = now_s() - t0;
    if (st != REMIT_OK) {
      fprintf(stderr, "SLE: %s\n", remit_context_errmsg(ctx));
      return 1;
    }
    fprintf(fp, "%d,%.9g,%ld,%ld,-1,%ld,%ld,-1,%ld,%ld\n", r, el, s.steps, s.rhs_evals, s.jac_evals,
            s.lin_setups, s.err_fails, s.conv_fails);
  }
  fclose(fp);
  remit_model_destroy(&warm);
  remit_context_destroy(&ctx);
  free(Y);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* table                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct {
  int n;
  double *v; /* n * REMIT_REF_NSERIES * REMIT_REF_NGRID */
} traj_t;

static int load_traj(const char *path, traj_t *t) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  int cap = 64;
  t->n = 0;
  t->v = calloc((size_t)cap * REMIT_REF_NSERIES * REMIT_REF_NGRID, sizeof(double));
  char *line;
  while ((line = read_line(f))) {
    char *e;
    const long pid = strtol(line, &e, 10);
    if (*e != ',')
      continue;
    const long s = strtol(e + 1, &e, 10);
    if (pid < 0 || s < 0 || s >= REMIT_REF_NSERIES)
      continue;
    while (pid >= cap) {
      const int nc = 2 * cap;
      t->v = realloc(t->v, sizeof(double) * (size_t)nc * REMIT_REF_NSERIES * REMIT_REF_NGRID);
      memset(t->v + (size_t)cap * REMIT_REF_NSERIES * REMIT_REF_NGRID, 0,
             sizeof(double) * (size_t)cap * REMIT_REF_NSERIES * REMIT_REF_NGRID);
      cap = nc;
    }
    double *row = t->v + ((size_t)pid * REMIT_REF_NSERIES + (size_t)s) * REMIT_REF_NGRID;
    for (int g = 0; g < REMIT_REF_NGRID && *e == ','; g++)
      row[g] = strtod(e + 1, &e);
    if (pid + 1 > t->n)
      t->n = (int)pid + 1;
  }
  fclose(f);
  return t->n;
}

static int load_perf(const char *path, double **ms, double **steps) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  int n = 0, cap = 1024;
  *ms = malloc(sizeof(double) * (size_t)cap);
  *steps = malloc(sizeof(double) * (size_t)cap);
  char *line = read_line(f); /* header */
  while ((line = read_line(f))) {
    if (n == cap) {
      cap *= 2;
      *ms = realloc(*ms, sizeof(double) * (size_t)cap);
      *steps = realloc(*steps, sizeof(double) * (size_t)cap);
    }
    char *e;
    strtol(line, &e, 10);
    (*ms)[n] = 1e3 * strtod(e + 1, &e);
    (*steps)[n] = strtod(e + 1, &e);
    n++;
  }
  fclose(f);
  return n;
}

static int run_table(int argc, char **argv) {
  if (argc < 6 || (argc - 3) % 3) {
    fprintf(stderr, "usage: %s table REF_TRAJ|- LABEL PERF TRAJ|- ...\n", argv[0]);
    return 2;
  }
  traj_t ref = {0, NULL};
  if (strcmp(argv[2], "-") && load_traj(argv[2], &ref) <= 0) {
    fprintf(stderr, "cannot read %s\n", argv[2]);
    return 1;
  }
  printf(
      "| tool | patients | median ms/patient | min | max | ratio vs first row | median steps "
      "| metrics vs ref: median / max rel. err | t_peak day exact |\n");
  printf("|---|---|---|---|---|---|---|---|---|\n");
  double base = NAN;
  for (int a = 3; a + 2 < argc; a += 3) {
    double *ms = NULL, *steps = NULL;
    const int n = load_perf(argv[a + 1], &ms, &steps);
    if (n <= 0) {
      printf("| %s | (no data: %s) | | | | | | | |\n", argv[a], argv[a + 1]);
      continue;
    }
    const double med = median(ms, n); /* sorts ms */
    const double lo = ms[0], hi = ms[n - 1];
    const double msteps = median(steps, n);
    if (a == 3)
      base = med;
    char agree[96] = "n/a", exact[32] = "n/a";
    traj_t tr = {0, NULL};
    if (ref.n > 0 && strcmp(argv[a + 2], "-") && load_traj(argv[a + 2], &tr) > 0) {
      const int np = tr.n < ref.n ? tr.n : ref.n;
      double *errs = malloc(sizeof(double) * (size_t)np * 5);
      int ne = 0, nexact = 0;
      double emax = 0.0;
      for (int p = 0; p < np; p++) {
        double mr[REMIT_REF_NMETRICS], mx[REMIT_REF_NMETRICS];
        remit_ref_metrics(ref.v + (size_t)p * REMIT_REF_NSERIES * REMIT_REF_NGRID, mr);
        remit_ref_metrics(tr.v + (size_t)p * REMIT_REF_NSERIES * REMIT_REF_NGRID, mx);
        nexact += mr[1] == mx[1];
        for (int k = 0; k < REMIT_REF_NMETRICS; k++) {
          if (k == 1)
            continue;
          double e;
          if (isnan(mr[k]) && isnan(mx[k]))
            e = 0.0;
          else
            e = fabs(mx[k] - mr[k]) / fabs(mr[k]);
          if (isnan(e))
            e = INFINITY;
          errs[ne++] = e;
          if (e > emax)
            emax = e;
        }
      }
      snprintf(agree, sizeof agree, "%.2g / %.2g", median(errs, ne), emax);
      snprintf(exact, sizeof exact, "%.0f%%", 100.0 * nexact / np);
      free(errs);
      free(tr.v);
    }
    printf("| %s | %d | %.3f | %.3f | %.3f | %.2f | %.0f | %s | %s |\n", argv[a], n, med, lo, hi,
           med / base, msteps, agree, exact);
    free(ms);
    free(steps);
  }
  free(ref.v);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "ref"))
    return run_ref(argc, argv);
  if (argc >= 2 && !strcmp(argv[1], "sle"))
    return run_sle(argc, argv);
  if (argc >= 2 && !strcmp(argv[1], "table"))
    return run_table(argc, argv);
  fprintf(stderr, "usage: %s ref|sle|table ... (see bench/bench_remit.c)\n", argv[0]);
  return 2;
}
