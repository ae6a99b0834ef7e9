/* SPDX-License-Identifier: MIT
 *
 * journal.c: the evaluator's journal, which makes a fit or a sensitivity
 * analysis resumable (remit_eval_options.journal; docs/validation.md,
 * "Journal and resume").
 *
 * Every evaluator run is appended, as it finishes, as one CSV line: the
 * confidence level, the parameter names and values, and each mapped row's
 * statistics, numbers in `%.17g` (which reads back to the same double),
 * after a header holding the evaluator's identity (a hash of everything the
 * statistics depend on besides the parameter values).  Fits and
 * sensitivity analyses are deterministic (every run reuses each scenario's
 * seed; Subplex, Morris and the random starts are seeded), so an
 * interrupted one asks again for the recorded runs, in the same order: with
 * `resume` those are replayed from the journal, each checked to the bit
 * against the record, and the caller goes on simulating where it stopped.
 * A last line cut short by a kill is dropped.
 *
 * Under MPI rank 0 owns the file and broadcasts what it reads, so the
 * other ranks need not see it; every call is collective.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core_impl.h"
#include "fit_impl.h"

enum { STAT_FIELDS = 8 }; /* n_reps, median, lower, upper, mean, sd, arm_n, exposure */
#define FAILED_RUN (-1.0)  /* n_reps of a run that failed */

struct remit__journal {
  remit_context *ctx;
  remit_evaluator *ev;
  int n_rows;
  char *path;
  FILE *f;      /* rank 0: appended to */
  char **line;  /* rank 0: the records of an interrupted run */
  int *lineno;
  int n_rec;    /* every rank */
  int next;     /* runs replayed or appended so far */
};

static void stat_to(const remit_sim_stat *s, double *v) {
  v[0] = s->n_reps;
  v[1] = s->median;
  v[2] = s->lower;
  v[3] = s->upper;
  v[4] = s->mean;
  v[5] = s->sd;
  v[6] = s->arm_n;
  v[7] = s->exposure;
}

static void stat_from(const double *v, remit_sim_stat *s) {
  s->n_reps = (int)v[0];
  s->median = v[1];
  s->lower = v[2];
  s->upper = v[3];
  s->mean = v[4];
  s->sd = v[5];
  s->arm_n = v[6];
  s->exposure = v[7];
}

/* Rank 0: keeps the whole lines of an interrupted run (checking its
 * identity) and cuts the file after the last of them. */
static remit_status read_records(remit__journal *j, const char *head) {
  FILE *f = fopen(j->path, "r");
  if (!f) {
    return REMIT_ERROR(j->ctx, REMIT_ERR_NOT_FOUND, "cannot resume: no journal %s (%s)", j->path,
                       strerror(errno));
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int lineno = 0, cap_rec = 0;
  long keep = 0; /* bytes of whole lines */
  remit_status st = REMIT_OK;
  while (st == REMIT_OK && (len = getline(&line, &cap, f)) > 0) {
    lineno++;
    if (line[len - 1] != '\n') {
      break; /* cut short */
    }
    if (lineno == 1 && strncmp(line, head, strlen(head)) != 0) {
      st = REMIT_ERROR(j->ctx, REMIT_ERR_ARG,
                       "cannot resume: %s is the journal of another run (targets, map, "
                       "scenarios, parameter set or remit version differ)",
                       j->path);
    } else if (lineno > 2) {
      if (j->n_rec == cap_rec) {
        cap_rec = cap_rec ? 2 * cap_rec : 64;
        char **l2 = realloc(j->line, sizeof(char *) * (size_t)cap_rec);
        int *n2 = realloc(j->lineno, sizeof(int) * (size_t)cap_rec);
        if (l2) {
          j->line = l2;
        }
        if (n2) {
          j->lineno = n2;
        }
        if (!l2 || !n2) {
          st = REMIT_ERROR(j->ctx, REMIT_ERR_NOMEM, "out of memory");
          break;
        }
      }
      line[len - 1] = '\0';
      j->lineno[j->n_rec] = lineno;
      if (!(j->line[j->n_rec] = strdup(line))) {
        st = REMIT_ERROR(j->ctx, REMIT_ERR_NOMEM, "out of memory");
        break;
      }
      j->n_rec++;
    }
    keep += (long)len;
  }
  free(line);
  fclose(f);
  if (st == REMIT_OK && lineno < 2) {
    st = REMIT_ERROR(j->ctx, REMIT_ERR_ARG, "cannot resume: %s has no header", j->path);
  }
  if (st == REMIT_OK && truncate(j->path, keep) != 0) {
    st = REMIT_ERROR(j->ctx, REMIT_ERR_IO, "cannot write %s: %s", j->path, strerror(errno));
  }
  return st;
}

remit_status remit__journal_open(remit_evaluator *ev, int n_rows, const char *path,
                                 uint64_t identity, int resume, remit__journal **out) {
  remit_context *ctx = remit__evaluator_context(ev);
  *out = NULL;
  remit__journal *j = calloc(1, sizeof(*j));
  remit_status st = j && (j->path = strdup(path)) ? REMIT_OK
                                                  : REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory");
  if (j) {
    j->ctx = ctx;
    j->ev = ev;
    j->n_rows = n_rows;
  }
  if (st == REMIT_OK && remit__evaluator_rank(ev) == 0) {
    char head[96];
    snprintf(head, sizeof head, "# remit evaluator journal, identity %016" PRIx64, identity);
    st = resume ? read_records(j, head) : REMIT_OK;
    if (st == REMIT_OK && !(j->f = fopen(path, resume ? "a" : "w"))) {
      st = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    }
    if (st == REMIT_OK && !resume) {
      fprintf(j->f,
              "%s\neval,level,k,(parameter,value) x k,(n_reps,median,lower,upper,mean,sd,arm_n,"
              "exposure) x %d rows\n",
              head, n_rows);
      if (fflush(j->f) != 0) {
        st = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot write %s: %s", path, strerror(errno));
      }
    }
  }
  int failed = st != REMIT_OK; /* every rank goes on, or none */
  remit_status cst = remit__evaluator_agree(ev, &failed);
  if (cst == REMIT_OK && failed && st == REMIT_OK) {
    cst = REMIT_ERROR(ctx, REMIT_ERR_STATE, "rank 0 could not open the journal %s", path);
  }
  if (cst == REMIT_OK) {
    cst = remit__evaluator_bcast(ev, &j->n_rec, sizeof j->n_rec);
  }
  if (st == REMIT_OK) {
    st = cst;
  }
  if (st != REMIT_OK) {
    remit__journal_close(&j);
    return st;
  }
  *out = j;
  return REMIT_OK;
}

/* Rank 0: parses record r; v[0] is 1 if it is the run (level, names,
 * values) asked for, then the rows' statistics.  -1 if it is no record. */
static int parse_record(const remit__journal *j, int r, double level, const char *const *names,
                        const double *values, int n, double *v) {
  char *text = strdup(j->line[r]), *save = NULL;
  if (!text) {
    return -1;
  }
  int ok = 1, same = 1;
  char *tok = strtok_r(text, ",", &save); /* eval */
  double x;
  char *end;
#define NEXT_NUM(dst)                                           \
  do {                                                          \
    tok = strtok_r(NULL, ",", &save);                           \
    ok = ok && tok && ((dst) = strtod(tok, &end), *end == '\0'); \
  } while (0)
  NEXT_NUM(x);
  same = ok && memcmp(&x, &level, sizeof x) == 0;
  double k = -1;
  NEXT_NUM(k);
  same = same && ok && k == n;
  for (int i = 0; ok && i < (int)k; i++) {
    tok = strtok_r(NULL, ",", &save);
    ok = tok != NULL;
    same = same && ok && i < n && strcmp(tok, names[i]) == 0;
    NEXT_NUM(x);
    same = same && ok && i < n && memcmp(&x, &values[i], sizeof x) == 0;
  }
  for (int i = 0; ok && i < j->n_rows * STAT_FIELDS; i++) {
    NEXT_NUM(v[1 + i]);
  }
#undef NEXT_NUM
  ok = ok && strtok_r(NULL, ",", &save) == NULL;
  free(text);
  v[0] = same;
  return ok ? 0 : -1;
}

remit_status remit__journal_replay(remit__journal *j, const char *const *names,
                                   const double *values, int n, double level, remit_sim_stat *out,
                                   int *replayed) {
  *replayed = 0;
  if (j->next >= j->n_rec) {
    return REMIT_OK;
  }
  const size_t nv = 1 + (size_t)j->n_rows * STAT_FIELDS;
  double *v = calloc(nv + 1, sizeof(double)); /* + 1: a parse failure flag */
  if (!v) {
    return REMIT_ERROR(j->ctx, REMIT_ERR_NOMEM, "out of memory");
  }
  if (remit__evaluator_rank(j->ev) == 0) {
    v[nv] = parse_record(j, j->next, level, names, values, n, v) != 0;
  }
  remit_status st = remit__evaluator_bcast(j->ev, v, sizeof(double) * (nv + 1));
  if (st == REMIT_OK && v[nv] != 0.0) {
    st = REMIT_ERROR(j->ctx, REMIT_ERR_ARG, "%s:%d: not an evaluation line of this run", j->path,
                     remit__evaluator_rank(j->ev) == 0 ? j->lineno[j->next] : 0);
  } else if (st == REMIT_OK && v[0] != 1.0) {
    st = REMIT_ERROR(j->ctx, REMIT_ERR_STATE,
                     "%s: run %d was at other parameter values: not this run's journal", j->path,
                     j->next + 1);
  }
  if (st == REMIT_OK) {
    for (int r = 0; r < j->n_rows; r++) {
      stat_from(v + 1 + (size_t)r * STAT_FIELDS, &out[r]);
    }
    j->next++;
    *replayed = 1;
    if (j->n_rows > 0 && v[1] == FAILED_RUN) {
      st = REMIT_ERROR(j->ctx, REMIT_ERR_MODEL, "run %d failed when it was made (%s)", j->next,
                       j->path);
    }
  }
  free(v);
  return st;
}

remit_status remit__journal_append(remit__journal *j, const char *const *names,
                                   const double *values, int n, double level,
                                   const remit_sim_stat *stats) { /* stats NULL: a failed run */
  j->next++;
  if (!j->f) {
    return REMIT_OK; /* not rank 0 */
  }
  /* A whole line per run, flushed: a kill loses at most this one. */
  fprintf(j->f, "%d,%.17g,%d", j->next, level, n);
  for (int i = 0; i < n; i++) {
    fprintf(j->f, ",%s,%.17g", names[i], values[i]);
  }
  for (int r = 0; r < j->n_rows; r++) {
    double v[STAT_FIELDS] = {FAILED_RUN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    if (stats) {
      stat_to(&stats[r], v);
    }
    for (int i = 0; i < STAT_FIELDS; i++) {
      fprintf(j->f, ",%.17g", v[i]);
    }
  }
  fputc('\n', j->f);
  if (fflush(j->f) != 0) {
    return REMIT_ERROR(j->ctx, REMIT_ERR_IO, "cannot write %s: %s", j->path, strerror(errno));
  }
  return REMIT_OK;
}

remit_status remit__journal_close(remit__journal **jp) {
  if (!jp || !*jp) {
    return REMIT_OK;
  }
  remit__journal *j = *jp;
  remit_status st = REMIT_OK;
  if (j->f && fclose(j->f) != 0) {
    st = REMIT_ERROR(j->ctx, REMIT_ERR_IO, "cannot write %s: %s", j->path, strerror(errno));
  }
  for (int r = 0; r < j->n_rec && j->line; r++) {
    free(j->line[r]);
  }
  free(j->line);
  free(j->lineno);
  free(j->path);
  free(j);
  *jp = NULL;
  return st;
}
