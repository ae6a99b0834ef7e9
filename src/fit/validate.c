/* SPDX-License-Identifier: MIT
 *
 * validate.c: simulating mapped targets and comparing them with published
 * values.
 *
 * The evaluator runs each scenario named by a set of map rows through the
 * trial engine (remit_trial_run) with R replicate trials of the scenario's
 * own size, then reads each mapped statistic per replicate from the run
 * store's `summaries` table.  The distribution across replicates (median and
 * central 95 % interval, type-7 quantiles, remit_sample_summarize) is what a
 * published value is compared with: because every replicate has the real
 * trial's n, the binomial variability of a small trial is part of it.
 *
 * Nothing in this file reads a target's value to produce a simulated number:
 * the published value is used only in the pass/fail comparison.
 *
 * Across MPI ranks (remit_eval_options.mpi_comm): every rank holds the
 * same evaluator and runs the same scenarios; the trial engine shares each
 * trial's chunks across the ranks and rank 0 writes the store.  Rank 0 alone
 * reads the statistics back and broadcasts them, so the other ranks need not
 * see the work directory, and every rank returns the same numbers (a fit
 * then takes the same steps everywhere).  Failures are agreed after each
 * scenario, so no rank waits on a collective call the others skipped.
 *
 * Parameter overrides for a run are, in order (later wins): the base set
 * (--parameter-set), the scenario's own parameter_set file and
 * `parameters:` (applied by the engine), then the caller's values (a fit's
 * candidate).  Every run of a scenario reuses its seed: common random
 * numbers, the same virtual patients whatever the parameters.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "core/core_impl.h"
#include "fit_impl.h"
#include "output/store.h"
#include "remit/remit_stats.h"
#include "remit/remit_trial.h"
#include "trial/trial_mpi.h"

typedef struct ev_scen {
  char *path;
  char *db;
  remit_scenario *sc;
  remit_param_override *own; /* the scenario's own overrides (restored after each run) */
  int n_own;
  int reps;
  int n_enrol_orig;
} ev_scen;

struct remit_evaluator {
  remit_context *ctx;
  const remit_map *map;
  int *rows;
  int *row_scen;
  int n_rows;
  ev_scen *scen;
  int n_scen;
  remit_eval_options opt;
  remit_param_override *ovr; /* scratch for the merged overrides */
  int ovr_cap;
  remit__comm *comm;         /* the ranks of opt.mpi_comm (size 1 without) */
  int rank;
  remit__journal *journal;   /* opt.journal's, or NULL */
};

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

void remit_evaluator_destroy(remit_evaluator **evp) {
  if (!evp || !*evp) {
    return;
  }
  remit_evaluator *ev = *evp;
  remit__journal_close(&ev->journal); /* each line was flushed as written */
  for (int s = 0; ev->scen && s < ev->n_scen; s++) {
    ev_scen *e = &ev->scen[s];
    if (e->sc) {
      e->sc->param_overrides = e->own;
      e->sc->n_param_overrides = e->n_own;
      e->sc->design.n_enrol = e->n_enrol_orig;
    }
    remit_scenario_destroy(&e->sc);
    free(e->path);
    free(e->db);
  }
  free(ev->scen);
  free(ev->rows);
  free(ev->row_scen);
  free(ev->ovr);
  remit__comm_close(&ev->comm);
  free(ev);
  *evp = NULL;
}

remit_status remit__evaluator_agree(remit_evaluator *ev, int *flag) {
  return remit__comm_agree(ev->comm, flag);
}

remit_status remit__evaluator_bcast(remit_evaluator *ev, void *buf, size_t size) {
  return remit__comm_bcast(ev->comm, buf, size);
}

int remit__evaluator_rank(const remit_evaluator *ev) { return ev->rank; }

remit_context *remit__evaluator_context(const remit_evaluator *ev) { return ev->ctx; }

static uint64_t hash_str(const char *z, uint64_t h) {
  z = z ? z : "";
  return remit__fnv1a64(z, strlen(z) + 1, h);
}

static uint64_t hash_num(double v, uint64_t h) {
  char buf[40];
  int len = snprintf(buf, sizeof buf, "%.17g;", v);
  return remit__fnv1a64(buf, (size_t)len, h);
}

uint64_t remit__evaluator_identity(const remit_evaluator *ev) {
  uint64_t h = REMIT_FNV1A64_INIT;
  const remit_model_spec *spec = remit_spec_sle(); /* its table as built */
  for (int i = 0; i < spec->n_params; i++) {
    h = hash_num(spec->params[i].value, hash_str(spec->params[i].name, h));
  }
  double *typical = malloc(sizeof(double) * (size_t)(spec->n_params + 1));
  for (int s = 0; s < ev->n_scen; s++) {
    const ev_scen *e = &ev->scen[s];
    h = hash_str(e->sc->text, h);
    /* A parameter_set file the scenario names: its values as they are now
     * (the text holds only the file's name). */
    if (e->sc->parameter_set && *e->sc->parameter_set) {
      const int ok = typical && remit__scenario_typical(ev->ctx, e->sc, spec, typical) == REMIT_OK;
      for (int i = 0; i < spec->n_params; i++) {
        h = hash_num(ok ? typical[i] : NAN, h);
      }
    }
    h = hash_num(e->reps, hash_num(e->n_enrol_orig, h));
    h = hash_num(ev->opt.max_patients, h);
    for (int i = 0; i < e->n_own; i++) {
      h = hash_num(e->own[i].value, hash_str(e->own[i].param, h));
    }
  }
  const remit_paramset *base = ev->opt.base;
  for (int i = 0; base && i < base->n; i++) {
    h = hash_num(base->values[i], hash_str(base->names[i], h));
  }
  for (int i = 0; i < ev->n_rows; i++) {
    const remit_map_row *mr = &ev->map->rows[ev->rows[i]];
    h = hash_str(mr->sim_endpoint, hash_str(mr->arm, hash_num(mr->stat, h)));
    h = hash_num(ev->row_scen[i], h);
  }
  free(typical);
  return h;
}

static int endpoint_known(const remit_scenario *sc, const char *name) {
  for (int k = 0; k < sc->n_endpoints; k++) {
    if (strcmp(sc->endpoints[k].name, name) == 0) {
      return 1;
    }
  }
  return 0;
}

/* mkdir -p: creates path and its missing parents. */
static int make_dirs(const char *path) {
  char buf[4096];
  if (strlen(path) >= sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy(buf, path);
  for (char *p = buf + 1; *p; p++) {
    if (*p == '/') {
      *p = '\0';
      if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
        return -1;
      }
      *p = '/';
    }
  }
  return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

remit_status remit_evaluator_create(remit_context *ctx, const remit_map *map, const int *rows,
                                    int n_rows, const remit_eval_options *opt,
                                    remit_evaluator **out) {
  if (!ctx || !map || !rows || n_rows < 1 || !opt || !opt->workdir || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_evaluator_create: bad arguments");
  }
  *out = NULL;
  remit__comm *comm = NULL;
  remit_status st = remit__comm_open(ctx, opt->mpi_comm, &comm); /* collective */
  if (st != REMIT_OK) {
    return st;
  }
  remit_evaluator *ev = calloc(1, sizeof(*ev));
  if (!ev) {
    st = REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory");
    remit__comm_close(&comm); /* every rank gets here, or none: calloc is the first failure */
    return st;
  }
  ev->comm = comm;
  ev->rank = remit__comm_rank(comm);
  if (!(ev->rows = calloc((size_t)n_rows, sizeof(int))) ||
      !(ev->row_scen = calloc((size_t)n_rows, sizeof(int))) ||
      !(ev->scen = calloc((size_t)n_rows, sizeof(*ev->scen)))) {
    st = REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory");
  }
  /* Rank 0 alone writes the run stores. */
  if (st == REMIT_OK && ev->rank == 0 && make_dirs(opt->workdir) != 0) {
    st = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot create %s: %s", opt->workdir, strerror(errno));
  }
  ev->ctx = ctx;
  ev->map = map;
  ev->opt = *opt;
  ev->n_rows = n_rows;
  if (st == REMIT_OK && !(opt->replicate_fraction >= 0.0 && opt->replicate_fraction <= 1.0)) {
    st = REMIT_ERROR(ctx, REMIT_ERR_RANGE, "replicate fraction %g is not in (0, 1]",
                     opt->replicate_fraction);
  }
  int def = opt->default_replicates > 0 ? opt->default_replicates : 50;
  for (int i = 0; i < n_rows && st == REMIT_OK; i++) {
    if (rows[i] < 0 || rows[i] >= map->n) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "map row %d out of range", rows[i]);
      break;
    }
    ev->rows[i] = rows[i];
    const remit_map_row *mr = &map->rows[rows[i]];
    int s = 0;
    while (s < ev->n_scen && strcmp(ev->scen[s].path, mr->scenario) != 0) {
      s++;
    }
    if (s == ev->n_scen) {
      ev_scen *e = &ev->scen[s];
      e->path = remit__strdup(NULL, mr->scenario);
      if (!e->path) {
        st = REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory");
        break;
      }
      ev->n_scen++;
      st = remit_scenario_load(ctx, mr->scenario, &e->sc);
      if (st != REMIT_OK) {
        st = REMIT_ERROR(ctx, st, "%s:%d: scenario: %s", map->path, mr->line,
                         remit_context_errmsg(ctx));
        break;
      }
      e->own = e->sc->param_overrides;
      e->n_own = e->sc->n_param_overrides;
      e->n_enrol_orig = e->sc->design.n_enrol;
      const char *base = strrchr(mr->scenario, '/');
      base = base ? base + 1 : mr->scenario;
      size_t len = strlen(opt->workdir) + strlen(base) + 32;
      e->db = malloc(len);
      if (!e->db) {
        st = REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory");
        break;
      }
      snprintf(e->db, len, "%s/%02d_%s.db", opt->workdir, s, base);
    }
    ev->row_scen[i] = s;
    ev_scen *e = &ev->scen[s];
    if (!endpoint_known(e->sc, mr->sim_endpoint)) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: scenario %s has no endpoint '%s'", map->path,
                       mr->line, mr->scenario, mr->sim_endpoint);
      break;
    }
    int r = opt->replicates > 0 ? opt->replicates : mr->replicates > 0 ? mr->replicates : def;
    if (opt->replicates <= 0 && opt->replicate_fraction > 0.0) {
      r = (int)ceil(opt->replicate_fraction * r);
      r = r < 3 ? 3 : r;
    }
    e->reps = r > e->reps ? r : e->reps;
  }
  /* Every rank set up, or none goes on (rank 0's message wins). */
  int failed = st != REMIT_OK;
  remit_status cst = remit__comm_agree(ev->comm, &failed);
  if (cst == REMIT_OK && failed && st == REMIT_OK) {
    st = REMIT_ERROR(ctx, REMIT_ERR_STATE, "another rank could not set up the evaluator");
  }
  st = remit__comm_finish(ev->comm, cst != REMIT_OK ? cst : st);
  if (st == REMIT_OK && opt->journal) { /* collective */
    char v[64];
    int len = snprintf(v, sizeof v, "remit %s", remit_version());
    uint64_t id = remit__fnv1a64(v, (size_t)len, remit__evaluator_identity(ev));
    st = remit__journal_open(ev, ev->n_rows, opt->journal, id, opt->resume, &ev->journal);
  }
  if (st != REMIT_OK) {
    remit_evaluator_destroy(&ev);
    return st;
  }
  *out = ev;
  return REMIT_OK;
}

long remit_evaluator_cost(const remit_evaluator *ev) {
  long c = 0;
  for (int s = 0; s < ev->n_scen; s++) {
    const remit_scenario *sc = ev->scen[s].sc;
    long n = sc->design.n_enrol > 0 ? sc->design.n_enrol : sc->design.n_screen;
    if (ev->opt.max_patients > 0 && n > ev->opt.max_patients) {
      n = ev->opt.max_patients;
    }
    c += n * ev->scen[s].reps;
  }
  return c;
}

/* 1 if `arm` is one of the '+'-separated names of `list`. */
static int arm_listed(const char *list, const char *arm) {
  if (!arm) {
    return 0;
  }
  size_t n = strlen(arm);
  for (const char *p = list; *p;) {
    const char *e = strchr(p, '+');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && strncmp(p, arm, n) == 0) {
      return 1;
    }
    p += len + (e ? 1 : 0);
  }
  return 0;
}

static double endpoint_day(const remit_scenario *sc, const char *name) {
  for (int k = 0; k < sc->n_endpoints; k++) {
    if (strcmp(sc->endpoints[k].name, name) == 0) {
      return sc->endpoints[k].day;
    }
  }
  return NAN;
}

/* Reads one mapped statistic per replicate from a run store and summarises
 * it across replicates. */
static remit_status read_stat(remit_context *ctx, const char *db_path, const remit_scenario *sc,
                              const remit_map_row *mr, int reps, double level,
                              remit_sim_stat *out) {
  sqlite3 *db = NULL;
  sqlite3_stmt *q = NULL;
  remit_status st = REMIT_OK;
  double *val = calloc((size_t)reps + 1, sizeof(double));
  double *x = calloc((size_t)reps + 1, sizeof(double));
  double *nn = calloc((size_t)reps + 1, sizeof(double));
  double *ws = calloc((size_t)reps + 1, sizeof(double));
  double *py = calloc((size_t)reps + 1, sizeof(double));
  int *seen = calloc((size_t)reps + 1, sizeof(int));
  memset(out, 0, sizeof(*out));
  out->median = out->lower = out->upper = out->mean = out->sd = out->arm_n = out->exposure = NAN;
  if (!val || !x || !nn || !ws || !py || !seen) {
    st = REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory");
    goto done;
  }
  if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    st = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot open %s: %s", db_path,
                     db ? sqlite3_errmsg(db) : "out of memory");
    goto done;
  }
  /* '*' pools every arm; 'a+b+c' pools the named arms (strata of one
   * published arm, e.g. background-steroid strata: docs/validation.md). */
  int pooled = strcmp(mr->arm, "*") == 0 || strchr(mr->arm, '+') != NULL;
  int listed = strchr(mr->arm, '+') != NULL;
  /* A rate is read as its arm's total events and patient-years (the
   * trial's "events" and "patient_years" rows), so pooled arms give total
   * events / total exposure, not an average of rates. */
  int rate = mr->stat == REMIT_MAP_RATE || mr->stat == REMIT_MAP_RATE_PER_MONTH;
  const char *stat = mr->stat == REMIT_MAP_MEAN       ? "mean"
                     : mr->stat == REMIT_MAP_MEDIAN    ? "median"
                     : mr->stat == REMIT_MAP_KM_MEDIAN ? "km_median"
                     : rate                            ? "events"
                                                       : "proportion";
  const char *sql = pooled ? "SELECT replicate, estimate, n, arm, statistic FROM summaries WHERE "
                             "replicate IS NOT NULL AND endpoint = ?1 AND statistic IN (?2, ?4) "
                             "AND arm NOT LIKE '% vs %'"
                           : "SELECT replicate, estimate, n, arm, statistic FROM summaries WHERE "
                             "replicate IS NOT NULL AND endpoint = ?1 AND statistic IN (?2, ?4) "
                             "AND arm = ?3";
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
    st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: %s", db_path, sqlite3_errmsg(db));
    goto done;
  }
  sqlite3_bind_text(q, 1, mr->sim_endpoint, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, stat, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, rate ? "patient_years" : stat, -1, SQLITE_STATIC);
  if (!pooled) {
    sqlite3_bind_text(q, 3, mr->arm, -1, SQLITE_STATIC);
  }
  int rc;
  long rows = 0; /* rows of the endpoint and arm, estimable or not */
  double day = endpoint_day(sc, mr->sim_endpoint);
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    int r = sqlite3_column_int(q, 0);
    if (r < 0 || r >= reps) {
      continue;
    }
    if (listed && !arm_listed(mr->arm, (const char *)sqlite3_column_text(q, 3))) {
      continue;
    }
    rows++;
    int is_null = sqlite3_column_type(q, 1) == SQLITE_NULL;
    double e = is_null ? NAN : sqlite3_column_double(q, 1);
    double n = sqlite3_column_double(q, 2);
    if (mr->stat == REMIT_MAP_KM_MEDIAN && is_null && n > 0) {
      /* Median not reached within the endpoint's window: it lies beyond the
       * window, counted at the window's last day (a lower bound). */
      e = day;
    }
    if (isnan(e)) {
      continue;
    }
    if (rate) {
      if (strcmp((const char *)sqlite3_column_text(q, 4), "patient_years") == 0) {
        py[r] += e;
      } else {
        x[r] += e;
        nn[r] += n;
      }
    } else if (pooled || mr->stat == REMIT_MAP_PROPORTION || mr->stat == REMIT_MAP_ONE_MINUS ||
        mr->stat == REMIT_MAP_COUNT) {
      x[r] += floor(e * n + 0.5); /* successes, from the proportion and its n */
      nn[r] += n;
    } else {
      val[r] = e;
      nn[r] = n;
    }
    seen[r] = 1;
  }
  if (rc != SQLITE_DONE) {
    st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: %s", db_path, sqlite3_errmsg(db));
    goto done;
  }
  int m = 0;
  for (int r = 0; r < reps; r++) {
    if (!seen[r]) {
      continue;
    }
    double v = val[r];
    if (rate) {
      if (!(py[r] > 0)) {
        continue;
      }
      v = x[r] / py[r] / (mr->stat == REMIT_MAP_RATE_PER_MONTH ? 12.0 : 1.0);
    } else if (mr->stat == REMIT_MAP_PROPORTION || mr->stat == REMIT_MAP_ONE_MINUS ||
               mr->stat == REMIT_MAP_COUNT) {
      if (!(nn[r] > 0)) {
        continue;
      }
      v = mr->stat == REMIT_MAP_COUNT ? x[r] : x[r] / nn[r];
      if (mr->stat == REMIT_MAP_ONE_MINUS) {
        v = 1.0 - v;
      }
    }
    val[m] = v;
    nn[m] = nn[r];
    py[m] = rate && nn[r] > 0 ? py[r] / nn[r] : NAN; /* patient-years per patient */
    m++;
  }
  if (m == 0 && rows > 0) {
    /* The endpoint and arm exist but no replicate could estimate the
     * statistic (e.g. nobody in the endpoint's population at these
     * parameter values): no distribution, so the target cannot pass, and a
     * fit scores it as far off; not an error of the map. */
    out->n_reps = 0;
    out->median = out->lower = out->upper = out->mean = out->sd = out->arm_n = out->exposure = NAN;
    goto done;
  }
  if (m == 0) {
    st = REMIT_ERROR(ctx, REMIT_ERR_NOT_FOUND,
                     "%s:%d: no %s of endpoint '%s' for arm '%s' in %s (arm names: remit export "
                     "RUN summaries)",
                     "map", mr->line, stat, mr->sim_endpoint, mr->arm, db_path);
    goto done;
  }
  remit_sample_summary s;
  st = remit_sample_summarize(ctx, val, (size_t)m, level, ws, &s);
  if (st != REMIT_OK) {
    goto done;
  }
  out->n_reps = m;
  out->median = s.median;
  out->lower = s.lower;
  out->upper = s.upper;
  out->mean = s.mean;
  out->sd = s.sd;
  remit_sample_summary sn;
  if (remit_sample_summarize(ctx, nn, (size_t)m, level, ws, &sn) == REMIT_OK) {
    out->arm_n = sn.median;
  }
  if (rate && remit_sample_summarize(ctx, py, (size_t)m, level, ws, &sn) == REMIT_OK) {
    out->exposure = sn.median;
  }
done:
  sqlite3_finalize(q);
  sqlite3_close(db);
  free(val);
  free(x);
  free(nn);
  free(ws);
  free(py);
  free(seen);
  return st;
}

static remit_status evaluator_simulate(remit_evaluator *ev, const char *const *names,
                                      const double *values, int n, double level,
                                      remit_sim_stat *out);

remit_status remit_evaluator_run(remit_evaluator *ev, const char *const *names,
                                 const double *values, int n, double level, remit_sim_stat *out) {
  if (!ev->journal) {
    return evaluator_simulate(ev, names, values, n, level, out);
  }
  int replayed = 0;
  remit_status st = remit__journal_replay(ev->journal, names, values, n, level, out, &replayed);
  if (st != REMIT_OK || replayed) {
    return st;
  }
  st = evaluator_simulate(ev, names, values, n, level, out);
  /* A run that failed for the model or the solver would fail again: it is
   * journalled (as failed), so that a replay keeps step with the run that
   * was made.  A failure of the machine (a full disk, memory, another
   * rank) is not: once it is mended, --resume simulates the run again. */
  if (st == REMIT_ERR_IO || st == REMIT_ERR_NOMEM || st == REMIT_ERR_STATE) {
    return st;
  }
  remit_status jst = remit__journal_append(ev->journal, names, values, n, level,
                                           st == REMIT_OK ? out : NULL);
  return st != REMIT_OK ? st : jst;
}

/* Runs every scenario with the overrides and reads the statistics back. */
static remit_status evaluator_simulate(remit_evaluator *ev, const char *const *names,
                                      const double *values, int n, double level,
                                      remit_sim_stat *out) {
  remit_context *ctx = ev->ctx;
  const remit_paramset *base = ev->opt.base;
  int nb = base ? base->n : 0;
  remit_status st = REMIT_OK;
  for (int s = 0; s < ev->n_scen && st == REMIT_OK; s++) {
    ev_scen *e = &ev->scen[s];
    int need = nb + e->n_own + n + 1;
    if (need > ev->ovr_cap) {
      remit_param_override *o2 = realloc(ev->ovr, sizeof(*o2) * (size_t)need);
      if (o2) {
        ev->ovr = o2;
        ev->ovr_cap = need;
      } else {
        st = REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory");
      }
    }
    int failed = st != REMIT_OK; /* every rank runs the trial, or none */
    remit_status cst = remit__comm_agree(ev->comm, &failed);
    if (failed || cst != REMIT_OK) {
      if (st == REMIT_OK) {
        st = cst != REMIT_OK ? cst
                             : REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "another rank ran out of memory");
      }
      break;
    }
    int k = 0;
    for (int i = 0; i < nb; i++) {
      ev->ovr[k++] = (remit_param_override){base->names[i], base->values[i]};
    }
    for (int i = 0; i < e->n_own; i++) {
      ev->ovr[k++] = e->own[i];
    }
    for (int i = 0; i < n; i++) {
      ev->ovr[k++] = (remit_param_override){(char *)names[i], values[i]};
    }
    /* The scenario is borrowed for the run with the merged overrides and
     * the replicate count, then restored (its own arrays are untouched). */
    remit_scenario *sc = e->sc;
    int reps_orig = sc->replicates;
    sc->param_overrides = ev->ovr;
    sc->n_param_overrides = k;
    sc->replicates = e->reps;
    if (ev->opt.max_patients > 0 && sc->design.n_enrol > ev->opt.max_patients) {
      sc->design.n_enrol = ev->opt.max_patients;
    }
    remit_trial_options topt = {0};
    topt.output = e->db;
    topt.overwrite = 1;
    topt.threads = ev->opt.threads > 0 ? ev->opt.threads : 1;
    topt.mpi_comm = ev->opt.mpi_comm;
    int reused = 0;
    topt.reuse = ev->opt.resume; /* keep this run's store, continue its partial one */
    topt.reused = &reused;
    double t0 = now_s();
    st = remit_trial_run(ctx, sc, &topt);
    double dt = now_s() - t0;
    long np = (long)(sc->design.n_enrol > 0 ? sc->design.n_enrol : sc->design.n_screen) * e->reps;
    sc->param_overrides = e->own;
    sc->n_param_overrides = e->n_own;
    sc->replicates = reps_orig;
    sc->design.n_enrol = e->n_enrol_orig;
    if (st != REMIT_OK) { /* the same status on every rank (the engine agrees it) */
      return REMIT_ERROR(ctx, st, "%s: %s", e->path, remit_context_errmsg(ctx));
    }
    if (ev->opt.on_scenario) {
      ev->opt.on_scenario(e->path, e->reps, reused ? 0 : np, dt, ev->opt.user);
    }
    for (int i = 0; i < ev->n_rows && st == REMIT_OK && ev->rank == 0; i++) {
      if (ev->row_scen[i] == s) {
        st = read_stat(ctx, e->db, sc, &ev->map->rows[ev->rows[i]], e->reps, level, &out[i]);
      }
    }
    failed = st != REMIT_OK; /* rank 0 could not read: every rank stops here */
    cst = remit__comm_agree(ev->comm, &failed);
    if (cst != REMIT_OK) {
      st = cst;
    }
    if (failed || cst != REMIT_OK) {
      break;
    }
  }
  st = remit__comm_finish(ev->comm, st);
  if (st == REMIT_OK) {
    st = remit__comm_bcast(ev->comm, out, sizeof(*out) * (size_t)ev->n_rows);
  }
  return st;
}

/* ------------------------------------------------------------------------ */
/* Validation                                                                */
/* ------------------------------------------------------------------------ */

remit_status remit_validate(remit_context *ctx, const remit_targets *targets,
                            const remit_map *map, const remit_eval_options *opt,
                            remit_validation_row *rows, int *n_pass) {
  if (!ctx || !targets || !map || !opt || !rows) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_validate: NULL argument");
  }
  int *idx = calloc((size_t)map->n, sizeof(int));
  remit_sim_stat *sim = calloc((size_t)map->n, sizeof(*sim));
  if (!idx || !sim) {
    free(idx);
    free(sim);
    return REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory");
  }
  for (int i = 0; i < map->n; i++) {
    idx[i] = i;
  }
  remit_evaluator *ev = NULL;
  remit_status st = remit_evaluator_create(ctx, map, idx, map->n, opt, &ev);
  if (st == REMIT_OK) {
    st = remit_evaluator_run(ev, NULL, NULL, 0, 0.95, sim);
  }
  int pass = 0;
  for (int i = 0; st == REMIT_OK && i < map->n; i++) {
    remit_validation_row *v = &rows[i];
    v->map_row = i;
    v->published = targets->rows[map->rows[i].target].value;
    v->sim = sim[i];
    /* Inside the central interval, bounds included: a published 5/5 = 1.0
     * passes when at least 2.5 % of the simulated trials also give 5/5.
     * A tiny tolerance absorbs binary rounding of x/n. */
    double tol = 1e-9 * fmax(1.0, fabs(v->published));
    v->pass = v->published >= v->sim.lower - tol && v->published <= v->sim.upper + tol;
    pass += v->pass;
  }
  remit_evaluator_destroy(&ev);
  free(idx);
  free(sim);
  if (n_pass) {
    *n_pass = pass;
  }
  return st;
}

static void csv_text(FILE *f, const char *s) {
  if (strpbrk(s, ",\"\r\n")) {
    fputc('"', f);
    for (; *s; s++) {
      if (*s == '"') {
        fputc('"', f);
      }
      fputc(*s, f);
    }
    fputc('"', f);
  } else {
    fputs(s, f);
  }
}

static void csv_num(FILE *f, double v) {
  if (!isnan(v)) {
    fprintf(f, "%.6g", v);
  }
}

remit_status remit_validation_write_csv(remit_context *ctx, const remit_targets *targets,
                                        const remit_map *map, const remit_validation_row *rows,
                                        FILE *out) {
  if (!ctx || !targets || !map || !rows || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_validation_write_csv: NULL argument");
  }
  fprintf(out, "id,therapy,endpoint,arm,statistic,timepoint_days,published,n,sim_median,"
               "sim_lower,sim_upper,pass,used_for_fit,scenario,sim_endpoint,sim_n,replicates\n");
  for (int i = 0; i < map->n; i++) {
    const remit_validation_row *v = &rows[i];
    const remit_map_row *mr = &map->rows[v->map_row];
    const remit_target *t = &targets->rows[mr->target];
    csv_text(out, t->id);
    fputc(',', out);
    csv_text(out, t->therapy);
    fputc(',', out);
    csv_text(out, t->endpoint);
    fputc(',', out);
    csv_text(out, mr->arm);
    fprintf(out, ",%s,", remit_map_stat_name(mr->stat));
    csv_num(out, t->timepoint_days);
    fputc(',', out);
    csv_num(out, v->published);
    fputc(',', out);
    csv_num(out, t->n);
    fputc(',', out);
    csv_num(out, v->sim.median);
    fputc(',', out);
    csv_num(out, v->sim.lower);
    fputc(',', out);
    csv_num(out, v->sim.upper);
    fprintf(out, ",%d,%d,", v->pass, mr->used_for_fit);
    csv_text(out, mr->scenario);
    fputc(',', out);
    csv_text(out, mr->sim_endpoint);
    fputc(',', out);
    csv_num(out, v->sim.arm_n);
    fprintf(out, ",%d\n", v->sim.n_reps);
  }
  return ferror(out) ? REMIT_ERROR(ctx, REMIT_ERR_IO, "write error") : REMIT_OK;
}

static void bind_num(sqlite3_stmt *q, int i, double v) {
  if (isnan(v)) {
    sqlite3_bind_null(q, i);
  } else {
    sqlite3_bind_double(q, i, v);
  }
}

remit_status remit_validation_write_store(remit_context *ctx, const char *db_path,
                                          const remit_targets *targets, const remit_map *map,
                                          const remit_validation_row *rows,
                                          const char *provenance) {
  if (!ctx || !db_path || !targets || !map || !rows) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_validation_write_store: NULL argument");
  }
  sqlite3 *db = NULL;
  sqlite3_stmt *q = NULL;
  remit_status st = REMIT_OK;
  if (sqlite3_open(db_path, &db) != SQLITE_OK) {
    st = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot open %s: %s", db_path,
                     db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return st;
  }
  const char *ddl =
      "BEGIN;"
      "DROP TABLE IF EXISTS validation;"
      "CREATE TABLE validation (id TEXT, endpoint TEXT, arm TEXT, statistic TEXT, "
      "timepoint_days REAL, published REAL, n REAL, sim_median REAL, sim_lower REAL, "
      "sim_upper REAL, pass INTEGER, used_for_fit INTEGER);"
      "DROP TABLE IF EXISTS validation_run;"
      "CREATE TABLE validation_run (key TEXT PRIMARY KEY, value TEXT);";
  char *err = NULL;
  if (sqlite3_exec(db, ddl, NULL, NULL, &err) != SQLITE_OK) {
    st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: %s", db_path, err ? err : "?");
    sqlite3_free(err);
    goto done;
  }
  if (sqlite3_prepare_v2(db, "INSERT INTO validation VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
                         -1, &q, NULL) != SQLITE_OK) {
    st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: %s", db_path, sqlite3_errmsg(db));
    goto done;
  }
  for (int i = 0; i < map->n; i++) {
    const remit_validation_row *v = &rows[i];
    const remit_map_row *mr = &map->rows[v->map_row];
    const remit_target *t = &targets->rows[mr->target];
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, t->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, t->endpoint, -1, SQLITE_STATIC);
    /* The arm column names the published arm (its therapy) and the
     * simulated arm it was compared with. */
    char arm[512];
    snprintf(arm, sizeof arm, "%s [%s]", t->therapy, mr->arm);
    sqlite3_bind_text(q, 3, arm, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, remit_map_stat_name(mr->stat), -1, SQLITE_STATIC);
    bind_num(q, 5, t->timepoint_days);
    bind_num(q, 6, v->published);
    bind_num(q, 7, t->n);
    bind_num(q, 8, v->sim.median);
    bind_num(q, 9, v->sim.lower);
    bind_num(q, 10, v->sim.upper);
    sqlite3_bind_int(q, 11, v->pass);
    sqlite3_bind_int(q, 12, mr->used_for_fit);
    if (sqlite3_step(q) != SQLITE_DONE) {
      st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: %s", db_path, sqlite3_errmsg(db));
      goto done;
    }
  }
  sqlite3_finalize(q);
  q = NULL;
  if (sqlite3_prepare_v2(db, "INSERT INTO validation_run VALUES (?1, ?2)", -1, &q, NULL) !=
      SQLITE_OK) {
    st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: %s", db_path, sqlite3_errmsg(db));
    goto done;
  }
  const char *kv[][2] = {{"remit_version", remit_version()},
                         {"build_info", remit_build_info()},
                         {"targets", targets->path},
                         {"map", map->path},
                         {"provenance", provenance ? provenance : ""}};
  for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, kv[i][0], -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, kv[i][1], -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) {
      st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: %s", db_path, sqlite3_errmsg(db));
      goto done;
    }
  }
  if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: %s", db_path, sqlite3_errmsg(db));
  }
done:
  sqlite3_finalize(q);
  if (st != REMIT_OK) {
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  }
  sqlite3_close(db);
  return st;
}
