/* SPDX-License-Identifier: MIT
 *
 * fit_cmd.c: `remit validate`, `remit fit` and `remit sensitivity`: the
 * model against published trials (docs/validation.md).
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define DEFAULT_TARGETS "../shared/targets/published.csv"
#define DEFAULT_MAP "validation/map.csv"
#define MAX_FIT_PARAMS 64

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void on_scenario(const char *scenario, int reps, long patients, double seconds,
                        void *user) {
  if (*(int *)user && patients == 0) {
    fprintf(stderr, "  %-48s %5d replicates  kept from the interrupted run\n", scenario, reps);
  } else if (*(int *)user) {
    fprintf(stderr, "  %-48s %5d replicates %8ld patients %7.1f s\n", scenario, reps, patients,
            seconds);
  }
}

/* Options common to the three commands. */
typedef struct common {
  const char *targets, *map, *pset, *workdir;
  int threads, replicates, quiet;
} common;

/* Parses one common option at argv[*i]; returns 1 if consumed, 0 if not
 * common, -1 on error. */
static int common_opt(const char *cmd, int argc, char **argv, int *i, common *c) {
  const char *a = argv[*i];
  const char *names[] = {"--targets", "--map", "--parameter-set", "--workdir", "--threads",
                         "--replicates"};
  int which = -1;
  for (int k = 0; k < 6; k++) {
    if (strcmp(a, names[k]) == 0) {
      which = k;
    }
  }
  if (strcmp(a, "--quiet") == 0) {
    c->quiet = 1;
    return 1;
  }
  if (which < 0) {
    return 0;
  }
  if (*i + 1 >= argc) {
    cli_usage_error(cmd, "%s needs a value", a);
    return -1;
  }
  const char *v = argv[++*i];
  switch (which) {
    case 0: c->targets = v; break;
    case 1: c->map = v; break;
    case 2: c->pset = v; break;
    case 3: c->workdir = v; break;
    case 4:
      if (cli_parse_int(cmd, a, v, &c->threads) != 0) return -1;
      if (c->threads < 1 || c->threads > 1024) {
        cli_usage_error(cmd, "--threads: %d is not between 1 and 1024", c->threads);
        return -1;
      }
      break;
    case 5:
      if (cli_parse_int(cmd, a, v, &c->replicates) != 0) return -1;
      if (c->replicates < 1 || c->replicates > 100000) {
        cli_usage_error(cmd, "--replicates: %d is not between 1 and 100000", c->replicates);
        return -1;
      }
      break;
  }
  return 1;
}

/* The start of fit's and sensitivity's option loops, at argv[*i]: a common
 * option is consumed (OPT_NEXT); --help prints `help` and a missing value is a
 * usage error (both return the exit code); else *v is the option's value and
 * *i its index (OPT_VALUE).  `hint` ends the missing-value message. */
enum { OPT_NEXT = -1, OPT_VALUE = -2 };
static int opt_start(const char *cmd, void (*help)(FILE *), const char *hint, int argc, char **argv,
                     int *i, common *c, const char **v) {
  const char *a = argv[*i];
  int r = common_opt(cmd, argc, argv, i, c);
  if (r < 0) {
    return CLI_USAGE;
  }
  if (r > 0) {
    return OPT_NEXT;
  }
  if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
    help(stdout);
    return CLI_OK;
  }
  if (*i + 1 >= argc) {
    return cli_usage_error(cmd, "unknown option or missing value '%s'%s", a, hint);
  }
  *v = argv[++*i];
  return OPT_VALUE;
}

/* The context and MPI (mpi_cli.c) for one of the three commands.  Under
 * mpirun the ranks share every scenario's trials (rank 0 writes the run
 * stores) and only rank 0 prints and writes results (docs/cluster.md), so
 * the other ranks are made quiet. */
static int begin(const char *cmd, common *c, cli_mpi *mpi, remit_context **ctx) {
  if (remit_context_create(NULL, ctx) != REMIT_OK) {
    return CLI_FAIL;
  }
  if (cli_mpi_init(cmd, mpi) != CLI_OK) {
    remit_context_destroy(ctx);
    return CLI_FAIL;
  }
  c->quiet |= mpi->rank != 0;
  return CLI_OK;
}

/* Loads targets, map and the optional parameter set on every rank; the
 * ranks go on together or stop together (a rank that failed says why). */
static int load_inputs(const char *cmd, const cli_mpi *mpi, remit_context *ctx, const common *c,
                       remit_targets **t, remit_map **m, remit_paramset **ps) {
  int bad = remit_targets_load(ctx, c->targets, t) != REMIT_OK ||
            remit_map_load(ctx, c->map, *t, m) != REMIT_OK ||
            (c->pset && remit_paramset_load(ctx, c->pset, remit_spec_sle(), ps) != REMIT_OK);
  if (bad && mpi->rank == 0) {
    fprintf(stderr, "remit %s: %s\n", cmd, remit_context_errmsg(ctx));
  } else if (bad) {
    fprintf(stderr, "remit %s: rank %d: %s\n", cmd, mpi->rank, remit_context_errmsg(ctx));
  }
  if (cli_mpi_any(mpi, bad)) {
    if (!bad && mpi->rank == 0) {
      fprintf(stderr, "remit %s: another rank could not read the inputs\n", cmd);
    }
    return CLI_USAGE;
  }
  return CLI_OK;
}

/* path with its suffix `old` (if it has it) replaced by ext. */
static char *sibling_of(const char *path, const char *old, const char *ext) {
  size_t n = strlen(path), k = strlen(old);
  char *s = malloc(n + strlen(ext) + 1);
  if (!s) {
    return NULL;
  }
  strcpy(s, path);
  if (n > k && strcmp(path + n - k, old) == 0) {
    s[n - k] = '\0';
  }
  strcat(s, ext);
  return s;
}

/* A file beside a store: OUT.db -> OUT + ext. */
static char *sibling(const char *path, const char *ext) { return sibling_of(path, ".db", ext); }

/* The evaluator's journal beside a result: OUT.csv -> OUT.evals.csv. */
static char *journal_path(const char *out) { return sibling_of(out, ".csv", ".evals.csv"); }

/* ------------------------------------------------------------------------ */
/* validate                                                                  */
/* ------------------------------------------------------------------------ */

static void validate_help(FILE *f) {
  fprintf(f,
          "usage: remit validate [--targets FILE] [--map FILE] [--replicates R]\n"
          "                      [--parameter-set FILE] [--threads N] [-o OUT.db] [--csv FILE]\n"
          "                      [--workdir DIR] [--resume] [--quiet]\n"
          "\n"
          "For every target the map addresses, simulates R replicate virtual trials of the\n"
          "published design and size (the map's scenario) and compares the published value\n"
          "with the distribution of the same statistic across replicates: it passes when\n"
          "it lies inside the central 95 %% interval.  Prints the table and the line\n"
          "'N of M targets inside the 95 %% interval'; writes the CSV and the table\n"
          "`validation` of OUT.db.  Works for any targets file of the published.csv\n"
          "format with its own map (docs/validation.md).\n"
          "  --targets FILE        published numbers (default %s)\n"
          "  --map FILE            target -> scenario, endpoint, arm, statistic (default %s);\n"
          "                        unmapped.csv beside it lists what cannot be addressed\n"
          "  --replicates R        replicates for every target (default: the map's column)\n"
          "  --parameter-set FILE  typical values for every scenario (default: the model's)\n"
          "  -o OUT.db             results store (default results/validation.db)\n"
          "  --csv FILE            CSV (default OUT.csv); --workdir DIR run stores (OUT.runs)\n"
          "  --resume              after an interruption: keep the scenarios already run\n"
          "                        (their stores in the work directory, if the same run),\n"
          "                        continue the one interrupted, run the rest; the results\n"
          "                        are those of an uninterrupted run\n"
          "The CSV and OUT.db are written only when every scenario has run.\n"
          "Under mpirun or srun the processes share every trial; rank 0 writes and prints\n"
          "the same results as one process (docs/cluster.md).\n",
          DEFAULT_TARGETS, DEFAULT_MAP);
}

int cmd_validate(int argc, char **argv) {
  common c = {DEFAULT_TARGETS, DEFAULT_MAP, NULL, NULL, 2, 0, 0};
  const char *out = "results/validation.db", *csv = NULL;
  int resume = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--resume") == 0) {
      resume = 1;
      continue;
    }
    int r = common_opt("validate", argc, argv, &i, &c);
    if (r < 0) {
      return CLI_USAGE;
    }
    if (r > 0) {
      continue;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      validate_help(stdout);
      return CLI_OK;
    } else if ((strcmp(a, "-o") == 0 || strcmp(a, "--csv") == 0) && i + 1 < argc) {
      if (strcmp(a, "-o") == 0) {
        out = argv[++i];
      } else {
        csv = argv[++i];
      }
    } else {
      return cli_usage_error("validate", "unknown option or missing value '%s' (try remit validate --help)", a);
    }
  }
  remit_context *ctx = NULL;
  cli_mpi mpi;
  if (begin("validate", &c, &mpi, &ctx) != CLI_OK) {
    return CLI_FAIL;
  }
  const int root = mpi.rank == 0;
  remit_targets *t = NULL;
  remit_map *m = NULL;
  remit_paramset *ps = NULL;
  remit_validation_row *rows = NULL;
  char *csv_path = csv ? NULL : sibling(out, ".csv");
  char *work = c.workdir ? NULL : sibling(out, ".runs");
  int rc = load_inputs("validate", &mpi, ctx, &c, &t, &m, &ps);
  if (rc != CLI_OK) {
    goto done;
  }
  /* Coverage: every target is mapped, a design row, or listed with a reason. */
  {
    char *un = malloc(strlen(c.map) + 32);
    if (un) {
      strcpy(un, c.map);
      char *slash = strrchr(un, '/');
      strcpy(slash ? slash + 1 : un, "unmapped.csv");
      if (access(un, R_OK) == 0) {
        int unl[16], n_unl = 0, n_listed = 0;
        if (remit_unmapped_check(ctx, un, t, m, unl, 16, &n_unl, &n_listed) != REMIT_OK) {
          fprintf(stderr, "remit validate: %s\n", remit_context_errmsg(ctx));
          free(un);
          rc = CLI_USAGE;
          goto done;
        }
        int n_fixed = 0;
        for (int i = 0; i < t->n; i++) {
          n_fixed += strcmp(t->rows[i].statistic, "fixed") == 0;
        }
        if (!c.quiet) {
          printf("targets: %d rows in %s: %d mapped, %d design rows (fixed), %d listed as not "
                 "addressable (%s), %d neither\n",
                 t->n, t->path, m->n, n_fixed, n_listed, un, n_unl);
        }
        for (int k = 0; root && k < n_unl && k < 16; k++) {
          fprintf(stderr, "remit validate: warning: %s:%d (%s, %s) is neither mapped nor listed\n",
                  t->path, t->rows[unl[k]].line, t->rows[unl[k]].id, t->rows[unl[k]].endpoint);
        }
      }
      free(un);
    }
  }
  rows = calloc((size_t)m->n, sizeof(*rows));
  if (!rows || (!csv && !csv_path) || (!c.workdir && !work)) {
    rc = CLI_FAIL;
    goto done;
  }
  int show = !c.quiet;
  remit_eval_options eo = {0};
  eo.replicates = c.replicates;
  eo.default_replicates = 50;
  eo.threads = c.threads;
  eo.workdir = c.workdir ? c.workdir : work;
  eo.base = ps;
  eo.on_scenario = on_scenario;
  eo.user = &show;
  eo.mpi_comm = mpi.comm;
  eo.resume = resume;
  int n_pass = 0;
  double t0 = now_s();
  if (remit_validate(ctx, t, m, &eo, rows, &n_pass) != REMIT_OK) {
    if (root) { /* every rank has rank 0's status and message */
      fprintf(stderr, "remit validate: %s\n", remit_context_errmsg(ctx));
    }
    rc = CLI_FAIL;
    goto done;
  }
  double dt = now_s() - t0;
  if (!root) {
    goto done; /* rank 0 prints and writes */
  }
  if (!c.quiet) {
    printf("\n%-16s %-34s %-40s %6s %9s %9s  %-21s %4s %3s\n", "study", "arm (therapy)", "endpoint",
           "day", "published", "sim med", "95 % interval", "pass", "fit");
    for (int i = 0; i < m->n; i++) {
      const remit_map_row *mr = &m->rows[rows[i].map_row];
      const remit_target *tg = &t->rows[mr->target];
      char day[16] = "-", iv[64];
      if (!isnan(tg->timepoint_days)) {
        snprintf(day, sizeof day, "%g", tg->timepoint_days);
      }
      snprintf(iv, sizeof iv, "[%.4g, %.4g]", rows[i].sim.lower, rows[i].sim.upper);
      printf("%-16.16s %-34.34s %-40.40s %6s %9.4g %9.4g  %-21s %4s %3s\n", tg->id, tg->therapy,
             tg->endpoint, day, rows[i].published, rows[i].sim.median, iv,
             rows[i].pass ? "yes" : "NO", mr->used_for_fit ? "fit" : "");
    }
  }
  printf("%d of %d targets inside the 95 %% interval (%.0f s)\n", n_pass, m->n, dt);
  /* Written as CSV.partial and renamed, so a CSV is never left half written. */
  const char *csv_final = csv ? csv : csv_path;
  char *csv_part = sibling_of(csv_final, "", ".partial");
  FILE *f = csv_part ? fopen(csv_part, "w") : NULL;
  int ok = f && remit_validation_write_csv(ctx, t, m, rows, f) == REMIT_OK;
  ok = f && fclose(f) == 0 && ok && rename(csv_part, csv_final) == 0;
  if (!ok) {
    fprintf(stderr, "remit validate: cannot write %s\n", csv_final);
    if (csv_part) {
      remove(csv_part);
    }
    free(csv_part);
    rc = CLI_FAIL;
    goto done;
  }
  free(csv_part);
  char prov[1024];
  snprintf(prov, sizeof prov, "parameter set: %s; replicates: %s; %d of %d inside; %.1f s",
           c.pset ? c.pset : "model default", c.replicates ? "fixed" : "per map row", n_pass, m->n,
           dt);
  if (remit_validation_write_store(ctx, out, t, m, rows, prov) != REMIT_OK) {
    fprintf(stderr, "remit validate: %s\n", remit_context_errmsg(ctx));
    rc = CLI_FAIL;
  }
done:
  free(rows);
  free(csv_path);
  free(work);
  remit_paramset_destroy(&ps);
  remit_map_destroy(&m);
  remit_targets_destroy(&t);
  remit_context_destroy(&ctx);
  cli_mpi_finalize(&mpi);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* fit                                                                       */
/* ------------------------------------------------------------------------ */

static void fit_help(FILE *f) {
  fprintf(f,
          "usage: remit fit --param NAME[=LOWER:UPPER] ... -o SET.csv [--targets FILE]\n"
          "                 [--map FILE] [--replicates R] [--starts S] [--max-evals E]\n"
          "                 [--seed N] [--objective squared|hinge] [--replicate-fraction F]\n"
          "                 [--parameter-set START.csv] [--threads N] [--resume] [--quiet]\n"
          "\n"
          "Estimates the chosen parameters, within bounds, by minimising the discrepancy\n"
          "  D = sum_t term(z_t),  z_t = (mean simulated statistic_t - published_t) / scale_t\n"
          "with term z^2 (squared, the default) or max(0, |z| - 1)^2 (hinge: targets within\n"
          "one scale of the published value cost nothing), over the map's targets with\n"
          "used_for_fit = 1 (scale: the binomial SE of a trial of the published n; with\n"
          "the hinge at least the replicates' SD; docs/validation.md).  nlopt Subplex,\n"
          "bounded, derivative-free; multi-start (S starts: the current values, then\n"
          "random); every evaluation reuses each scenario's seed (common random numbers).\n"
          "Writes SET.csv, a parameter set with its provenance, loadable by remit params\n"
          "--set, remit simulate --parameter-set, scenarios (parameter_set:) and remit\n"
          "validate.\n"
          "  --param NAME[=LO:HI]  a parameter to fit; default bounds value/4 .. value*4\n"
          "                        inside the table's range (log scale when positive)\n"
          "  --replicates R        replicate trials per evaluation (default 2)\n"
          "  --replicate-fraction F  instead: F (0 < F <= 1) of each target's replicate count\n"
          "                        in the map, at least 3 (most for the small studies)\n"
          "  --starts S            default 3;  --max-evals E per start (default 60)\n"
          "  --parameter-set FILE  start values (and values kept fixed) from a set\n"
          "  --objective O         squared (default) or hinge\n"
          "  --resume              go on with an interrupted fit: the runs its journal\n"
          "                        records are replayed, not simulated; same result\n"
          "Every run is appended to the journal SET.evals.csv (parameter values and the\n"
          "statistics of every target), the record of the fit's path.\n"
          "Under mpirun or srun the processes share every evaluation's trials and take the\n"
          "same steps; rank 0 writes the same set as one process (docs/cluster.md).\n");
}

typedef struct fit_progress {
  int show;
  const remit_fit_param *params;
} fit_progress;

static int fit_progress_fn(int start, int eval, double d, const double *x, int n, void *user) {
  fit_progress *p = user;
  if (p->show) {
    fprintf(stderr, "fit: start %d eval %3d  D = %10.4f ", start, eval, d);
    for (int i = 0; i < n; i++) {
      fprintf(stderr, " %s=%.4g", p->params[i].name, x[i]);
    }
    fputc('\n', stderr);
  }
  return 0;
}

int cmd_fit(int argc, char **argv) {
  common c = {DEFAULT_TARGETS, DEFAULT_MAP, NULL, "results/fit.runs", 2, 2, 0};
  const char *out = NULL;
  const char *pspec[MAX_FIT_PARAMS];
  int np = 0, starts = 3, max_evals = 60;
  double seed = 1;
  remit_fit_objective objective = REMIT_FIT_SQUARED;
  double rep_fraction = 0.0;
  int resume = 0;
  char *journal = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = NULL;
    if (strcmp(a, "--resume") == 0) {
      resume = 1;
      continue;
    }
    int r = opt_start("fit", fit_help, " (try remit fit --help)", argc, argv, &i, &c, &v);
    if (r == OPT_NEXT) {
      continue;
    }
    if (r != OPT_VALUE) {
      return r;
    }
    if (strcmp(a, "-o") == 0) {
      out = v;
    } else if (strcmp(a, "--param") == 0) {
      if (np == MAX_FIT_PARAMS) {
        return cli_usage_error("fit", "more than %d parameters", MAX_FIT_PARAMS);
      }
      pspec[np++] = v;
    } else if (strcmp(a, "--starts") == 0) {
      if (cli_parse_int("fit", a, v, &starts) || starts < 1 || starts > 1000) {
        return cli_usage_error("fit", "--starts: expected 1..1000");
      }
    } else if (strcmp(a, "--max-evals") == 0) {
      if (cli_parse_int("fit", a, v, &max_evals) || max_evals < 1) {
        return cli_usage_error("fit", "--max-evals: expected >= 1");
      }
    } else if (strcmp(a, "--seed") == 0) {
      if (cli_parse_double("fit", a, v, &seed) || seed < 0) {
        return cli_usage_error("fit", "--seed: expected a whole number >= 0");
      }
    } else if (strcmp(a, "--replicate-fraction") == 0) {
      if (cli_parse_double("fit", a, v, &rep_fraction) || !(rep_fraction > 0.0 && rep_fraction <= 1.0)) {
        return cli_usage_error("fit", "--replicate-fraction: expected a number in (0, 1]");
      }
    } else if (strcmp(a, "--objective") == 0) {
      if (strcmp(v, "squared") == 0) {
        objective = REMIT_FIT_SQUARED;
      } else if (strcmp(v, "hinge") == 0) {
        objective = REMIT_FIT_HINGE;
      } else {
        return cli_usage_error("fit", "--objective: '%s' is not squared or hinge", v);
      }
    } else {
      return cli_usage_error("fit", "unknown option '%s' (try remit fit --help)", a);
    }
  }
  if (!out || np == 0) {
    return cli_usage_error("fit", "need at least one --param and -o SET.csv (try remit fit --help)");
  }
  /* Under mpirun every rank runs the same optimiser on the same numbers (the
   * ranks share each evaluation's trials); rank 0 prints and writes. */
  remit_context *ctx = NULL;
  cli_mpi mpi;
  if (begin("fit", &c, &mpi, &ctx) != CLI_OK) {
    return CLI_FAIL;
  }
  const int root = mpi.rank == 0;
  const remit_model_spec *spec = remit_spec_sle();
  remit_targets *t = NULL;
  remit_map *m = NULL;
  remit_paramset *ps = NULL;
  remit_fit_param params[MAX_FIT_PARAMS];
  char names[MAX_FIT_PARAMS][128];
  double x[MAX_FIT_PARAMS];
  int rc = load_inputs("fit", &mpi, ctx, &c, &t, &m, &ps);
  if (rc != CLI_OK) {
    goto done;
  }
  for (int k = 0; k < np; k++) {
    const char *eq = strchr(pspec[k], '=');
    size_t len = eq ? (size_t)(eq - pspec[k]) : strlen(pspec[k]);
    if (len == 0 || len >= sizeof names[k]) {
      rc = cli_usage_error("fit", "--param: '%s' is not NAME[=LOWER:UPPER]", pspec[k]);
      goto done;
    }
    memcpy(names[k], pspec[k], len);
    names[k][len] = '\0';
    int j = remit_spec_param_index(spec, names[k]);
    if (j < 0) {
      rc = cli_usage_error("fit", "--param: '%s' is not a parameter (remit params)", names[k]);
      goto done;
    }
    const remit_param_info *pi = &spec->params[j];
    x[k] = pi->value;
    for (int i = 0; ps && i < ps->n; i++) {
      if (strcmp(ps->names[i], names[k]) == 0) {
        x[k] = ps->values[i];
      }
    }
    double lo, hi;
    if (eq) {
      const char *colon = strchr(eq + 1, ':');
      char buf[64];
      if (!colon || (size_t)(colon - eq - 1) >= sizeof buf) {
        rc = cli_usage_error("fit", "--param: '%s' is not NAME=LOWER:UPPER", pspec[k]);
        goto done;
      }
      memcpy(buf, eq + 1, (size_t)(colon - eq - 1));
      buf[colon - eq - 1] = '\0';
      if (cli_parse_double("fit", "--param", buf, &lo) || cli_parse_double("fit", "--param", colon + 1, &hi)) {
        rc = CLI_USAGE;
        goto done;
      }
    } else {
      lo = x[k] > 0 ? x[k] / 4 : pi->lower;
      hi = x[k] > 0 ? x[k] * 4 : pi->upper;
      lo = fmax(lo, pi->lower);
      hi = fmin(hi, pi->upper);
    }
    params[k] = (remit_fit_param){names[k], lo, hi, lo > 0};
  }
  fit_progress fp = {!c.quiet, params};
  remit_fit_options fo = {0};
  fo.eval.replicates = rep_fraction > 0.0 ? 0 : c.replicates;
  fo.eval.replicate_fraction = rep_fraction;
  fo.eval.threads = c.threads;
  fo.eval.workdir = c.workdir;
  fo.eval.base = ps;
  fo.eval.mpi_comm = mpi.comm;
  fo.objective = objective;
  fo.n_starts = starts;
  fo.max_evals = max_evals;
  fo.seed = (uint64_t)seed;
  fo.progress = fit_progress_fn;
  fo.progress_user = &fp;
  if (!(journal = journal_path(out))) {
    rc = CLI_FAIL;
    goto done;
  }
  fo.eval.journal = journal;
  fo.eval.resume = resume;
  remit_fit_result res;
  double t0 = now_s();
  if (remit_fit(ctx, t, m, params, np, x, &fo, &res) != REMIT_OK) {
    if (root) { /* every rank has rank 0's status and message */
      fprintf(stderr, "remit fit: %s\n", remit_context_errmsg(ctx));
    }
    rc = CLI_FAIL;
    goto done;
  }
  double dt = now_s() - t0;
  if (!root) {
    goto done; /* rank 0 writes the set */
  }
  /* Provenance, then every value of the start set not fitted, then the fit. */
  size_t cap = 16384;
  char *prov = malloc(cap);
  const char **all_names = calloc((size_t)np + (ps ? (size_t)ps->n : 0) + 1, sizeof(char *));
  double *all_vals = calloc((size_t)np + (ps ? (size_t)ps->n : 0) + 1, sizeof(double));
  if (!prov || !all_names || !all_vals) {
    free(prov);
    free(all_names);
    free(all_vals);
    rc = CLI_FAIL;
    goto done;
  }
  char reps_text[96];
  if (rep_fraction > 0.0) {
    snprintf(reps_text, sizeof reps_text, "%g of the map's replicates (at least 3)", rep_fraction);
  } else {
    snprintf(reps_text, sizeof reps_text, "%d replicates", c.replicates);
  }
  time_t now = time(NULL);
  char when[64];
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  size_t l = (size_t)snprintf(prov, cap,
                              "remit parameter set, written by remit fit (%s) on %s\n"
                              "targets: %s; map: %s; start set: %s\n"
                              "objective: %s (docs/validation.md); D start %.6g -> D best %.6g\n"
                              "nlopt LN_SBPLX, %d starts, %d evaluations (code %d), seed %.0f, "
                              "%s per evaluation, %.0f s\n"
                              "fitted (bounds):",
                              remit_version(), when, t->path, m->path, c.pset ? c.pset : "model table",
                              objective == REMIT_FIT_HINGE
                                  ? "D = sum max(0, |mean sim - published| / scale - 1)^2 (hinge)"
                                  : "D = sum ((mean sim - published) / scale)^2",
                              res.objective0, res.objective, starts, res.n_evals, res.nlopt_code,
                              seed, reps_text, dt);
  for (int k = 0; k < np && l < cap; k++) {
    l += (size_t)snprintf(prov + l, cap - l, " %s [%g, %g]", names[k], params[k].lower,
                          params[k].upper);
  }
  l += (size_t)snprintf(prov + l, cap - l < cap ? cap - l : 0, "\ntargets used:");
  for (int i = 0; i < m->n && l < cap; i++) {
    if (m->rows[i].used_for_fit) {
      const remit_target *tg = &t->rows[m->rows[i].target];
      l += (size_t)snprintf(prov + l, cap - l, "\n  %s | %s | %s | day %g = %g", tg->id,
                            tg->therapy, tg->endpoint, tg->timepoint_days, tg->value);
    }
  }
  int n_all = 0;
  for (int i = 0; ps && i < ps->n; i++) {
    int fitted = 0;
    for (int k = 0; k < np; k++) {
      fitted |= strcmp(ps->names[i], names[k]) == 0;
    }
    if (!fitted) {
      all_names[n_all] = ps->names[i];
      all_vals[n_all++] = ps->values[i];
    }
  }
  for (int k = 0; k < np; k++) {
    all_names[n_all] = names[k];
    all_vals[n_all++] = x[k];
  }
  if (remit_paramset_write(ctx, out, prov, all_names, all_vals, n_all) != REMIT_OK) {
    fprintf(stderr, "remit fit: %s\n", remit_context_errmsg(ctx));
    rc = CLI_FAIL;
  } else {
    printf("D: %.6g -> %.6g after %d evaluations (%.0f s); wrote %s\n", res.objective0,
           res.objective, res.n_evals, dt, out);
    for (int k = 0; k < np; k++) {
      printf("  %-18s %.6g  [%g, %g]\n", names[k], x[k], params[k].lower, params[k].upper);
    }
  }
  free(prov);
  free(all_names);
  free(all_vals);
done:
  free(journal);
  remit_paramset_destroy(&ps);
  remit_map_destroy(&m);
  remit_targets_destroy(&t);
  remit_context_destroy(&ctx);
  cli_mpi_finalize(&mpi);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* sensitivity                                                               */
/* ------------------------------------------------------------------------ */

static void sensitivity_help(FILE *f) {
  fprintf(f,
          "usage: remit sensitivity [--method local|morris|both] [--params a,b,...|all]\n"
          "                         [--targets FILE] [--map FILE] [--replicates R]\n"
          "                         [--max-patients N] [--h H] [--range F] [--trajectories T]\n"
          "                         [--levels P] [--parameter-set FILE] [-o OUT.csv] [--resume]\n"
          "\n"
          "Sensitivity of every mapped target's simulated statistic (the main endpoints\n"
          "of the published trials) to the model's parameters:\n"
          "  local   normalised elasticities d log y / d log p by central differences\n"
          "          (p x (1 +/- H), default H 0.1) at the current values;\n"
          "  morris  Morris elementary effects over p/F .. p*F (log scale, default F 2;\n"
          "          T trajectories, default 10, P levels, default 4): mu*, mu, sigma.\n"
          "Trials run with R replicates (default 1) of at most N patients (default 120)\n"
          "each, with common random numbers.  --params all (default for local) takes\n"
          "every non-zero parameter; morris defaults to the 12 with the largest local\n"
          "effect when both run, else needs --params.  Writes OUT.csv (default\n"
          "results/sensitivity.csv; as OUT.csv.partial until complete) and prints, per\n"
          "target, the parameters that move it.  Every run is appended to the journal\n"
          "OUT.evals.csv;  --resume  replays the runs it records after an interruption\n"
          "and goes on: the same results.\n");
}

typedef struct sens_user {
  remit_context *ctx;     /* the evaluator's, for the message of a failed run */
  remit_evaluator *ev;
  const char **names;
  const double *x0;       /* typical values */
  double range;           /* morris: p/F .. p*F */
  int morris;
  double *vals;
  remit_sim_stat *sim;
  int n_out;
  long runs, failed;
  int show;
} sens_user;

static int sens_fn(const double *x, int k, double *y, int n_out, void *user) {
  sens_user *u = user;
  for (int i = 0; i < k; i++) {
    /* Morris works on [0,1]: log-uniform between p/F and p*F. */
    u->vals[i] = u->morris ? u->x0[i] * pow(u->range, 2.0 * x[i] - 1.0) : x[i];
  }
  if (remit_evaluator_run(u->ev, u->names, u->vals, k, 0.95, u->sim) != REMIT_OK) {
    /* A point where a scenario cannot run (e.g. a virtual population with
     * too low an acceptance at these values) has no statistics: NaN, which
     * the elasticities report and Morris skips, instead of ending the run. */
    fprintf(stderr, "\nsensitivity: a run failed, its statistics are NaN: %s\n", remit_context_errmsg(u->ctx));
    remit_context_clear_error(u->ctx);
    u->failed++;
    for (int j = 0; j < n_out; j++) {
      y[j] = NAN;
    }
    return 0;
  }
  for (int j = 0; j < n_out; j++) {
    y[j] = u->sim[j].mean;
  }
  u->runs++;
  if (u->show && u->runs % 10 == 0) {
    fprintf(stderr, "\rsensitivity: %ld runs", u->runs);
    fflush(stderr);
  }
  return 0;
}

int cmd_sensitivity(int argc, char **argv) {
  common c = {DEFAULT_TARGETS, DEFAULT_MAP, NULL, "results/sensitivity.runs", 2, 1, 0};
  const char *out = "results/sensitivity.csv", *method = "local", *plist = NULL;
  double h = 0.1, range = 2.0;
  int max_patients = 120, traj = 10, levels = 4, resume = 0;
  char *journal = NULL, *partial = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = NULL;
    if (strcmp(a, "--resume") == 0) {
      resume = 1;
      continue;
    }
    int r = opt_start("sensitivity", sensitivity_help, "", argc, argv, &i, &c, &v);
    if (r == OPT_NEXT) {
      continue;
    }
    if (r != OPT_VALUE) {
      return r;
    }
    if (strcmp(a, "-o") == 0) {
      out = v;
    } else if (strcmp(a, "--method") == 0) {
      method = v;
      if (strcmp(v, "local") && strcmp(v, "morris") && strcmp(v, "both")) {
        return cli_usage_error("sensitivity", "--method: '%s' is not local, morris or both", v);
      }
    } else if (strcmp(a, "--params") == 0) {
      plist = v;
    } else if (strcmp(a, "--h") == 0) {
      if (cli_parse_double("sensitivity", a, v, &h) || !(h > 0 && h < 0.5)) {
        return cli_usage_error("sensitivity", "--h: expected 0 < H < 0.5");
      }
    } else if (strcmp(a, "--range") == 0) {
      if (cli_parse_double("sensitivity", a, v, &range) || !(range > 1 && range <= 100)) {
        return cli_usage_error("sensitivity", "--range: expected 1 < F <= 100");
      }
    } else if (strcmp(a, "--max-patients") == 0) {
      if (cli_parse_int("sensitivity", a, v, &max_patients) || max_patients < 0) {
        return cli_usage_error("sensitivity", "--max-patients: expected >= 0 (0: no cap)");
      }
    } else if (strcmp(a, "--trajectories") == 0) {
      if (cli_parse_int("sensitivity", a, v, &traj) || traj < 2) {
        return cli_usage_error("sensitivity", "--trajectories: expected >= 2");
      }
    } else if (strcmp(a, "--levels") == 0) {
      if (cli_parse_int("sensitivity", a, v, &levels) || levels < 2 || levels % 2) {
        return cli_usage_error("sensitivity", "--levels: expected an even number >= 2");
      }
    } else {
      return cli_usage_error("sensitivity", "unknown option '%s'", a);
    }
  }
  int do_local = strcmp(method, "morris") != 0, do_morris = strcmp(method, "local") != 0;
  if (do_morris && !do_local && (!plist || strcmp(plist, "all") == 0)) {
    return cli_usage_error("sensitivity", "--method morris needs --params a,b,... (or use both)");
  }
  remit_context *ctx = NULL;
  cli_mpi mpi;
  if (begin("sensitivity", &c, &mpi, &ctx) != CLI_OK) {
    return CLI_FAIL;
  }
  if (mpi.rank != 0) {
    out = "/dev/null"; /* rank 0 writes the CSV */
  }
  const remit_model_spec *spec = remit_spec_sle();
  remit_targets *t = NULL;
  remit_map *m = NULL;
  remit_paramset *ps = NULL;
  remit_evaluator *ev = NULL;
  FILE *f = NULL;
  int np = 0, *pidx = calloc((size_t)spec->n_params, sizeof(int));
  const char **names = calloc((size_t)spec->n_params, sizeof(char *));
  double *typ = calloc((size_t)spec->n_params, sizeof(double));
  double *x0 = calloc((size_t)spec->n_params, sizeof(double));
  double *vals = calloc((size_t)spec->n_params, sizeof(double));
  int *rows = NULL;
  double *base = NULL, *E = NULL, *ms = NULL, *mu = NULL, *sd = NULL;
  remit_sim_stat *sim = NULL;
  int rc = CLI_OK;
  if (!pidx || !names || !typ || !x0 || !vals) {
    rc = CLI_FAIL;
    goto done;
  }
  if ((rc = load_inputs("sensitivity", &mpi, ctx, &c, &t, &m, &ps)) != CLI_OK) {
    goto done;
  }
  for (int i = 0; i < spec->n_params; i++) {
    typ[i] = spec->params[i].value;
  }
  remit_paramset_apply(ctx, ps, spec, typ);
  if (!plist || strcmp(plist, "all") == 0) {
    for (int i = 0; i < spec->n_params; i++) {
      if (typ[i] != 0.0) {
        pidx[np++] = i;
      }
    }
  } else {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", plist);
    for (char *s = strtok(buf, ","); s; s = strtok(NULL, ",")) {
      int j = remit_spec_param_index(spec, s);
      if (j < 0) {
        rc = cli_usage_error("sensitivity", "--params: '%s' is not a parameter", s);
        goto done;
      }
      pidx[np++] = j;
    }
  }
  int n_out = m->n;
  rows = calloc((size_t)n_out, sizeof(int));
  sim = calloc((size_t)n_out, sizeof(*sim));
  base = calloc((size_t)n_out, sizeof(double));
  E = calloc((size_t)np * (size_t)n_out + 1, sizeof(double));
  ms = calloc((size_t)np * (size_t)n_out + 1, sizeof(double));
  mu = calloc((size_t)np * (size_t)n_out + 1, sizeof(double));
  sd = calloc((size_t)np * (size_t)n_out + 1, sizeof(double));
  if (!rows || !sim || !base || !E || !ms || !mu || !sd) {
    rc = CLI_FAIL;
    goto done;
  }
  for (int i = 0; i < n_out; i++) {
    rows[i] = i;
  }
  remit_eval_options eo = {0};
  eo.replicates = c.replicates;
  eo.threads = c.threads;
  eo.workdir = c.workdir;
  eo.base = ps;
  eo.max_patients = max_patients;
  eo.mpi_comm = mpi.comm;
  eo.resume = resume;
  if (!(journal = journal_path(out)) || !(partial = sibling_of(out, "", ".partial"))) {
    rc = CLI_FAIL;
    goto done;
  }
  eo.journal = journal;
  if (remit_evaluator_create(ctx, m, rows, n_out, &eo, &ev) != REMIT_OK) {
    if (mpi.rank == 0) { /* every rank has rank 0's status and message */
      fprintf(stderr, "remit sensitivity: %s\n", remit_context_errmsg(ctx));
    }
    rc = CLI_USAGE;
    goto done;
  }
  for (int k = 0; k < np; k++) {
    names[k] = spec->params[pidx[k]].name;
    x0[k] = typ[pidx[k]];
  }
  sens_user su = {ctx, ev, names, x0, range, 0, vals, sim, n_out, 0, 0, !c.quiet};
  if (!c.quiet) {
    fprintf(stderr, "sensitivity: %d parameters, %d targets, %ld patient simulations per run\n",
            np, n_out, remit_evaluator_cost(ev));
  }
  /* Written as OUT.csv.partial and renamed when complete (rank 0). */
  f = fopen(mpi.rank == 0 ? partial : "/dev/null", "w");
  if (!f) {
    fprintf(stderr, "remit sensitivity: cannot write %s\n", partial);
    rc = CLI_FAIL;
    goto done;
  }
  fprintf(f, "method,parameter,value,id,therapy,endpoint,timepoint_days,base,effect,mu,sigma\n");
  if (do_local) {
    remit_status lst = remit_elasticities(ctx, sens_fn, &su, x0, np, n_out, h, base, E);
    if (su.failed && mpi.rank == 0) {
      fprintf(stderr, "sensitivity: %ld local runs failed; their elasticities are NaN\n", su.failed);
    }
    if (lst != REMIT_OK) {
      if (mpi.rank == 0) {
        fprintf(stderr, "\nremit sensitivity: %s\n", remit_context_errmsg(ctx));
      }
      rc = CLI_FAIL;
      goto done;
    }
    for (int k = 0; k < np; k++) {
      for (int j = 0; j < n_out; j++) {
        const remit_target *tg = &t->rows[m->rows[j].target];
        fprintf(f, "elasticity,%s,%.6g,%s,\"%s\",\"%s\",%g,%.6g,%.6g,,\n", names[k], x0[k], tg->id,
                tg->therapy, tg->endpoint, tg->timepoint_days, base[j], E[(size_t)k * n_out + j]);
      }
    }
    if (!c.quiet) {
      printf("\nlocal elasticities (d log y / d log p, h = %g): the three largest per target\n", h);
      for (int j = 0; j < n_out; j++) {
        const remit_target *tg = &t->rows[m->rows[j].target];
        int best[3] = {-1, -1, -1};
        for (int k = 0; k < np; k++) {
          double e = fabs(E[(size_t)k * n_out + j]);
          if (!isfinite(e)) {
            continue;
          }
          for (int b = 0; b < 3; b++) {
            if (best[b] < 0 || e > fabs(E[(size_t)best[b] * n_out + j])) {
              for (int s = 2; s > b; s--) {
                best[s] = best[s - 1];
              }
              best[b] = k;
              break;
            }
          }
        }
        printf("  %-14.14s %-28.28s %-30.30s", tg->id, tg->therapy, tg->endpoint);
        for (int b = 0; b < 3; b++) {
          if (best[b] >= 0) {
            printf("  %s %+.2f", names[best[b]], E[(size_t)best[b] * n_out + j]);
          }
        }
        putchar('\n');
      }
    }
  }
  if (do_morris) {
    int km = np;
    int *sel = calloc((size_t)np, sizeof(int));
    if (!sel) {
      rc = CLI_FAIL;
      goto done;
    }
    for (int k = 0; k < np; k++) {
      sel[k] = k;
    }
    if (do_local && (!plist || strcmp(plist, "all") == 0) && np > 12) {
      /* The 12 parameters with the largest local effect on any target. */
      double *score = calloc((size_t)np, sizeof(double));
      for (int k = 0; score && k < np; k++) {
        for (int j = 0; j < n_out; j++) {
          double e = fabs(E[(size_t)k * n_out + j]);
          if (isfinite(e) && e > score[k]) {
            score[k] = e;
          }
        }
      }
      for (int a = 0; score && a < np; a++) {
        for (int b = a + 1; b < np; b++) {
          if (score[sel[b]] > score[sel[a]]) {
            int tmp = sel[a];
            sel[a] = sel[b];
            sel[b] = tmp;
          }
        }
      }
      free(score);
      km = 12;
    }
    const char **mn = calloc((size_t)km, sizeof(char *));
    double *mx = calloc((size_t)km, sizeof(double));
    for (int k = 0; mn && mx && k < km; k++) {
      mn[k] = names[sel[k]];
      mx[k] = x0[sel[k]];
    }
    sens_user sm = {ctx, ev, mn, mx, range, 1, vals, sim, n_out, 0, 0, !c.quiet};
    remit_status mst = mn && mx ? remit_morris(ctx, sens_fn, &sm, km, n_out, traj, levels, 1, ms,
                                               mu, sd)
                                : REMIT_ERR_NOMEM;
    if (sm.failed && mpi.rank == 0) {
      fprintf(stderr, "sensitivity: %ld Morris runs failed; their elementary effects are skipped\n",
              sm.failed);
    }
    if (mst != REMIT_OK) {
      if (mpi.rank == 0) {
        fprintf(stderr, "\nremit sensitivity: %s\n", remit_context_errmsg(ctx));
      }
      rc = CLI_FAIL;
    } else {
      for (int k = 0; k < km; k++) {
        for (int j = 0; j < n_out; j++) {
          const remit_target *tg = &t->rows[m->rows[j].target];
          size_t a = (size_t)k * n_out + j;
          fprintf(f, "morris,%s,%.6g,%s,\"%s\",\"%s\",%g,,%.6g,%.6g,%.6g\n", mn[k], mx[k], tg->id,
                  tg->therapy, tg->endpoint, tg->timepoint_days, ms[a], mu[a], sd[a]);
        }
      }
      if (!c.quiet) {
        printf("\nMorris mu* (range p/%g .. p*%g, %d trajectories): mean |effect| on each target "
               "over the range, summed over targets\n", range, range, traj);
        for (int k = 0; k < km; k++) {
          double tot = 0;
          for (int j = 0; j < n_out; j++) {
            double v = ms[(size_t)k * n_out + j];
            tot += isfinite(v) ? v : 0;
          }
          printf("  %-18s %8.4f\n", mn[k], tot);
        }
      }
    }
    free(mn);
    free(mx);
    free(sel);
  }
  if (rc == CLI_OK && mpi.rank == 0) {
    int bad = fclose(f) != 0 || rename(partial, out) != 0;
    f = NULL;
    if (bad) {
      fprintf(stderr, "remit sensitivity: cannot write %s\n", out);
      rc = CLI_FAIL;
    } else if (!c.quiet) {
      printf("wrote %s (runs journalled in %s)\n", out, journal);
    }
  }
done:
  if (f) {
    fclose(f);
  }
  free(journal);
  free(partial);
  remit_evaluator_destroy(&ev);
  free(pidx);
  free(names);
  free(typ);
  free(x0);
  free(vals);
  free(rows);
  free(sim);
  free(base);
  free(E);
  free(ms);
  free(mu);
  free(sd);
  remit_paramset_destroy(&ps);
  remit_map_destroy(&m);
  remit_targets_destroy(&t);
  remit_context_destroy(&ctx);
  cli_mpi_finalize(&mpi);
  return rc;
}
