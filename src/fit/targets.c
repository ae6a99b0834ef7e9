/* SPDX-License-Identifier: MIT
 *
 * targets.c: reading published targets (../shared/targets/published.csv
 * format) and the mapping from targets to simulated statistics
 * (validation/map.csv), with an RFC 4180 CSV reader shared by the fit module.
 *
 * Errors name the file and line ("validation/map.csv:12: statistic: ...").
 * Nothing here looks at a target's value beyond storing it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_impl.h"
#include "fit_impl.h"

char *remit__strdup(remit_context *ctx, const char *s) {
  size_t n = strlen(s ? s : "") + 1;
  /* A NULL context means the C allocator: objects whose destroy function
   * takes no context (targets, maps, parameter sets) are made that way. */
  char *d = ctx ? remit__malloc(ctx, n) : malloc(n);
  if (d) {
    memcpy(d, s ? s : "", n);
  }
  return d;
}

int remit__parse_num(const char *s, int allow_blank, double *out) {
  while (*s == ' ') {
    s++;
  }
  if (!*s) {
    *out = NAN;
    return allow_blank ? 0 : -1;
  }
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  while (end && *end == ' ') {
    end++;
  }
  if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v)) {
    return -1;
  }
  *out = v;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* CSV                                                                       */
/* ------------------------------------------------------------------------ */

void remit__csv_free(remit_context *ctx, remit__csv *csv) {
  if (!csv) {
    return;
  }
  for (int r = 0; csv->rec && r < csv->n_rec; r++) {
    remit__free(ctx, csv->rec[r]);
  }
  remit__free(ctx, csv->rec);
  remit__free(ctx, csv->n_fields);
  remit__free(ctx, csv->line);
  remit__free(ctx, csv->buf);
  memset(csv, 0, sizeof(*csv));
}

remit_status remit__csv_read(remit_context *ctx, const char *path, int skip_comments,
                             remit__csv *out) {
  memset(out, 0, sizeof(*out));
  FILE *f = fopen(path, "rb");
  if (!f) {
    return REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  }
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  if (len < 0 || len > (64L << 20)) {
    fclose(f);
    return REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: not readable or larger than 64 MiB", path);
  }
  char *text = remit__malloc(ctx, (size_t)len + 1);
  out->buf = remit__malloc(ctx, (size_t)len + 1);
  if (!text || !out->buf) {
    fclose(f);
    remit__free(ctx, text);
    remit__csv_free(ctx, out);
    return REMIT_ERR_NOMEM;
  }
  size_t got = fread(text, 1, (size_t)len, f);
  fclose(f);
  text[got] = '\0';
  /* Pass 1 splits into fields written NUL-terminated into buf; fields of a
   * record are collected in a growing array. */
  int cap_rec = 64;
  out->rec = remit__calloc(ctx, (size_t)cap_rec, sizeof(*out->rec));
  out->n_fields = remit__calloc(ctx, (size_t)cap_rec, sizeof(int));
  out->line = remit__calloc(ctx, (size_t)cap_rec, sizeof(int));
  remit_status st = out->rec && out->n_fields && out->line ? REMIT_OK : REMIT_ERR_NOMEM;
  size_t i = 0, w = 0;
  int line = 1;
  while (st == REMIT_OK && i < got) {
    int rec_line = line;
    /* Skip comment and empty lines. */
    if (text[i] == '\n' || text[i] == '\r' || (skip_comments && text[i] == '#')) {
      while (i < got && text[i] != '\n') {
        i++;
      }
      i++;
      line++;
      continue;
    }
    char **fields = NULL;
    int nf = 0, capf = 0;
    for (;;) {
      char *start = out->buf + w;
      if (text[i] == '"') {
        i++;
        for (;;) {
          if (i >= got) {
            st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: unterminated quoted field", path,
                             rec_line);
            break;
          }
          if (text[i] == '"') {
            if (i + 1 < got && text[i + 1] == '"') {
              out->buf[w++] = '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (text[i] == '\n') {
            line++;
          }
          out->buf[w++] = text[i++];
        }
        /* Anything after the closing quote up to the separator is kept. */
        while (st == REMIT_OK && i < got && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          out->buf[w++] = text[i++];
        }
      } else {
        while (i < got && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          out->buf[w++] = text[i++];
        }
      }
      out->buf[w++] = '\0';
      if (st != REMIT_OK) {
        break;
      }
      if (nf == capf) {
        capf = capf ? 2 * capf : 16;
        char **nfld = remit__realloc(ctx, fields, sizeof(char *) * (size_t)capf);
        if (!nfld) {
          st = REMIT_ERR_NOMEM;
          break;
        }
        fields = nfld;
      }
      fields[nf++] = start;
      if (i < got && text[i] == ',') {
        i++;
        continue;
      }
      if (i < got && text[i] == '\r') {
        i++;
      }
      if (i < got && text[i] == '\n') {
        i++;
      }
      line++;
      break;
    }
    if (st != REMIT_OK) {
      remit__free(ctx, fields);
      break;
    }
    if (out->n_rec == cap_rec) {
      cap_rec *= 2;
      char ***r2 = remit__realloc(ctx, out->rec, sizeof(*out->rec) * (size_t)cap_rec);
      if (r2) {
        out->rec = r2;
      }
      int *n2 = r2 ? remit__realloc(ctx, out->n_fields, sizeof(int) * (size_t)cap_rec) : NULL;
      if (n2) {
        out->n_fields = n2;
      }
      int *l2 = n2 ? remit__realloc(ctx, out->line, sizeof(int) * (size_t)cap_rec) : NULL;
      if (l2) {
        out->line = l2;
      }
      if (!r2 || !n2 || !l2) {
        remit__free(ctx, fields);
        st = REMIT_ERR_NOMEM;
        break;
      }
    }
    out->rec[out->n_rec] = fields;
    out->n_fields[out->n_rec] = nf;
    out->line[out->n_rec] = rec_line;
    out->n_rec++;
  }
  remit__free(ctx, text);
  if (st != REMIT_OK) {
    remit__csv_free(ctx, out);
  }
  return st;
}

/* Index of a header column, -1 if absent. */
static int column(const remit__csv *c, const char *name) {
  if (c->n_rec == 0) {
    return -1;
  }
  for (int f = 0; f < c->n_fields[0]; f++) {
    if (strcmp(c->rec[0][f], name) == 0) {
      return f;
    }
  }
  return -1;
}

/* ------------------------------------------------------------------------ */
/* Targets                                                                   */
/* ------------------------------------------------------------------------ */

static const char *const target_cols[] = {"id",        "source", "therapy", "population",
                                          "endpoint",  "timepoint_days", "statistic", "value",
                                          "lower",     "upper",  "n",       "notes"};
enum { TC_ID, TC_SOURCE, TC_THERAPY, TC_POP, TC_ENDPOINT, TC_TIME, TC_STAT, TC_VALUE, TC_LOWER,
       TC_UPPER, TC_N, TC_NOTES, TC_COUNT };

void remit_targets_destroy(remit_targets **tp) {
  if (!tp || !*tp) {
    return;
  }
  remit_targets *t = *tp;
  /* Strings were allocated with malloc through remit__strdup of a NULL
   * context (the default allocator), so free() matches. */
  for (int i = 0; t->rows && i < t->n; i++) {
    remit_target *r = &t->rows[i];
    free(r->id);
    free(r->source);
    free(r->therapy);
    free(r->population);
    free(r->endpoint);
    free(r->statistic);
    free(r->notes);
  }
  free(t->rows);
  free(t->path);
  free(t);
  *tp = NULL;
}

remit_status remit_targets_load(remit_context *ctx, const char *path, remit_targets **out) {
  if (!ctx || !path || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_targets_load: NULL argument");
  }
  *out = NULL;
  remit__csv c;
  remit_status st = remit__csv_read(ctx, path, 1, &c);
  if (st != REMIT_OK) {
    return st;
  }
  int col[TC_COUNT];
  for (int k = 0; k < TC_COUNT; k++) {
    col[k] = column(&c, target_cols[k]);
    if (col[k] < 0) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: header lacks column '%s'", path,
                       c.n_rec ? c.line[0] : 1, target_cols[k]);
      remit__csv_free(ctx, &c);
      return st;
    }
  }
  remit_targets *t = calloc(1, sizeof(*t));
  if (!t || !(t->rows = calloc((size_t)c.n_rec + 1, sizeof(*t->rows))) ||
      !(t->path = remit__strdup(NULL, path))) {
    remit__csv_free(ctx, &c);
    remit_targets_destroy(&t);
    return REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory reading %s", path);
  }
  int nh = c.n_fields[0];
  for (int r = 1; r < c.n_rec && st == REMIT_OK; r++) {
    char **f = c.rec[r];
    if (c.n_fields[r] != nh) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: %d fields, the header has %d", path, c.line[r],
                       c.n_fields[r], nh);
      break;
    }
    remit_target *tr = &t->rows[t->n];
    tr->line = c.line[r];
    char **s[] = {&tr->id, &tr->source, &tr->therapy, &tr->population, &tr->endpoint, NULL, &tr->statistic,
                  NULL, NULL, NULL, NULL, &tr->notes};
    for (int k = 0; k < TC_COUNT; k++) {
      if (s[k] && !(*s[k] = remit__strdup(NULL, f[col[k]]))) {
        st = REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory reading %s", path);
      }
    }
    t->n++;
    if (st != REMIT_OK) {
      break;
    }
    if (!*tr->id) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: id is blank", path, tr->line);
      break;
    }
    double *num[] = {&tr->timepoint_days, &tr->value, &tr->lower, &tr->upper, &tr->n};
    int which[] = {TC_TIME, TC_VALUE, TC_LOWER, TC_UPPER, TC_N};
    for (int k = 0; k < 5; k++) {
      if (remit__parse_num(f[col[which[k]]], 1, num[k]) != 0) {
        st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: %s: '%s' is not a number", path, tr->line,
                         target_cols[which[k]], f[col[which[k]]]);
        break;
      }
    }
  }
  remit__csv_free(ctx, &c);
  if (st != REMIT_OK) {
    remit_targets_destroy(&t);
    return st;
  }
  *out = t;
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Mapping                                                                   */
/* ------------------------------------------------------------------------ */

static const char *const stat_names[REMIT_N_MAP_STATS] = {
    "proportion", "one_minus_proportion", "count", "mean", "median", "km_median", "rate",
    "rate_per_month"};

const char *remit_map_stat_name(remit_map_stat s) {
  return (int)s >= 0 && s < REMIT_N_MAP_STATS ? stat_names[s] : "?";
}

static const char *const map_cols[] = {"id", "therapy", "endpoint", "timepoint_days", "scenario",
                                       "sim_endpoint", "arm", "statistic", "replicates",
                                       "used_for_fit", "note"};
enum { MC_ID, MC_THERAPY, MC_ENDPOINT, MC_TIME, MC_SCEN, MC_SIMEP, MC_ARM, MC_STAT, MC_REPS,
       MC_FIT, MC_NOTE, MC_COUNT };

void remit_map_destroy(remit_map **mp) {
  if (!mp || !*mp) {
    return;
  }
  remit_map *m = *mp;
  for (int i = 0; m->rows && i < m->n; i++) {
    free(m->rows[i].scenario);
    free(m->rows[i].sim_endpoint);
    free(m->rows[i].arm);
    free(m->rows[i].note);
  }
  free(m->rows);
  free(m->path);
  free(m);
  *mp = NULL;
}

/* dir of path + rel, unless rel is absolute. */
static char *resolve(const char *path, const char *rel) {
  if (rel[0] == '/') {
    return remit__strdup(NULL, rel);
  }
  const char *slash = strrchr(path, '/');
  size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
  char *s = malloc(dl + strlen(rel) + 1);
  if (s) {
    memcpy(s, path, dl);
    strcpy(s + dl, rel);
  }
  return s;
}

remit_status remit_map_load(remit_context *ctx, const char *path, const remit_targets *targets,
                            remit_map **out) {
  if (!ctx || !path || !targets || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_map_load: NULL argument");
  }
  *out = NULL;
  remit__csv c;
  remit_status st = remit__csv_read(ctx, path, 1, &c);
  if (st != REMIT_OK) {
    return st;
  }
  int col[MC_COUNT];
  for (int k = 0; k < MC_COUNT; k++) {
    col[k] = column(&c, map_cols[k]);
    if (col[k] < 0) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: header lacks column '%s'", path,
                       c.n_rec ? c.line[0] : 1, map_cols[k]);
      remit__csv_free(ctx, &c);
      return st;
    }
  }
  remit_map *m = calloc(1, sizeof(*m));
  int *used = calloc((size_t)targets->n + 1, sizeof(int));
  if (!m || !used || !(m->rows = calloc((size_t)c.n_rec + 1, sizeof(*m->rows))) ||
      !(m->path = remit__strdup(NULL, path))) {
    free(used);
    remit__csv_free(ctx, &c);
    remit_map_destroy(&m);
    return REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory reading %s", path);
  }
  int nh = c.n_fields[0];
  for (int r = 1; r < c.n_rec && st == REMIT_OK; r++) {
    char **f = c.rec[r];
    int line = c.line[r];
    if (c.n_fields[r] != nh) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: %d fields, the header has %d", path, line,
                       c.n_fields[r], nh);
      break;
    }
    double tp;
    if (remit__parse_num(f[col[MC_TIME]], 1, &tp) != 0) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: timepoint_days: '%s' is not a number", path,
                       line, f[col[MC_TIME]]);
      break;
    }
    int hit = -1, n_hit = 0;
    for (int i = 0; i < targets->n; i++) {
      const remit_target *t = &targets->rows[i];
      int same_t = (isnan(tp) && isnan(t->timepoint_days)) || tp == t->timepoint_days;
      if (same_t && strcmp(t->id, f[col[MC_ID]]) == 0 &&
          strcmp(t->therapy, f[col[MC_THERAPY]]) == 0 &&
          strcmp(t->endpoint, f[col[MC_ENDPOINT]]) == 0) {
        hit = i;
        n_hit++;
      }
    }
    if (n_hit != 1) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG,
                       "%s:%d: %s target (id '%s', therapy '%s', endpoint '%s', timepoint '%s') in %s",
                       path, line, n_hit == 0 ? "no" : "more than one", f[col[MC_ID]],
                       f[col[MC_THERAPY]], f[col[MC_ENDPOINT]], f[col[MC_TIME]], targets->path);
      break;
    }
    if (strcmp(targets->rows[hit].statistic, "fixed") == 0) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG,
                       "%s:%d: target at %s:%d is a design row (statistic fixed): put it in the "
                       "scenario, never compare with it",
                       path, line, targets->path, targets->rows[hit].line);
      break;
    }
    if (isnan(targets->rows[hit].value)) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: target at %s:%d has no value to compare",
                       path, line, targets->path, targets->rows[hit].line);
      break;
    }
    if (used[hit]) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: target already mapped at line %d", path, line,
                       used[hit]);
      break;
    }
    used[hit] = line;
    remit_map_row *mr = &m->rows[m->n];
    mr->target = hit;
    mr->line = line;
    int s = -1;
    for (int k = 0; k < REMIT_N_MAP_STATS; k++) {
      if (strcmp(f[col[MC_STAT]], stat_names[k]) == 0) {
        s = k;
      }
    }
    if (s < 0) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG,
                       "%s:%d: statistic: expected proportion, one_minus_proportion, count, mean, "
                       "median, km_median, rate or rate_per_month, got '%s'",
                       path, line, f[col[MC_STAT]]);
      break;
    }
    mr->stat = (remit_map_stat)s;
    double reps, fit;
    if (remit__parse_num(f[col[MC_REPS]], 1, &reps) != 0 || (!isnan(reps) && (reps < 0 || reps > 100000 || reps != floor(reps)))) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: replicates: expected a whole number in [0, 100000], got '%s'",
                       path, line, f[col[MC_REPS]]);
      break;
    }
    mr->replicates = isnan(reps) ? 0 : (int)reps;
    if (remit__parse_num(f[col[MC_FIT]], 1, &fit) != 0 || !(isnan(fit) || fit == 0 || fit == 1)) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: used_for_fit: expected 0 or 1, got '%s'", path,
                       line, f[col[MC_FIT]]);
      break;
    }
    mr->used_for_fit = fit == 1;
    if (!*f[col[MC_SCEN]] || !*f[col[MC_SIMEP]] || !*f[col[MC_ARM]]) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: scenario, sim_endpoint and arm are required",
                       path, line);
      break;
    }
    if ((strcmp(f[col[MC_ARM]], "*") == 0 || strchr(f[col[MC_ARM]], '+')) &&
        s != REMIT_MAP_PROPORTION && s != REMIT_MAP_COUNT && s != REMIT_MAP_ONE_MINUS &&
        s != REMIT_MAP_RATE && s != REMIT_MAP_RATE_PER_MONTH) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG,
                       "%s:%d: arm '*' (all arms pooled) or 'a+b' (these arms pooled) works for "
                       "proportions, counts and rates only",
                       path, line);
      break;
    }
    mr->scenario = resolve(path, f[col[MC_SCEN]]);
    mr->sim_endpoint = remit__strdup(NULL, f[col[MC_SIMEP]]);
    mr->arm = remit__strdup(NULL, f[col[MC_ARM]]);
    mr->note = remit__strdup(NULL, f[col[MC_NOTE]]);
    m->n++;
    if (!mr->scenario || !mr->sim_endpoint || !mr->arm || !mr->note) {
      st = REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory reading %s", path);
    }
  }
  free(used);
  remit__csv_free(ctx, &c);
  if (st == REMIT_OK && m->n == 0) {
    st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: no mapped targets", path);
  }
  if (st != REMIT_OK) {
    remit_map_destroy(&m);
    return st;
  }
  *out = m;
  return REMIT_OK;
}

remit_status remit_unmapped_check(remit_context *ctx, const char *path,
                                  const remit_targets *targets, const remit_map *map,
                                  int *unlisted, int max, int *n_unlisted, int *n_listed) {
  if (!ctx || !path || !targets || !map || !n_unlisted || !n_listed) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_unmapped_check: NULL argument");
  }
  remit__csv c;
  remit_status st = remit__csv_read(ctx, path, 1, &c);
  if (st != REMIT_OK) {
    return st;
  }
  static const char *const cols[] = {"id", "therapy", "endpoint", "timepoint_days", "reason"};
  int col[5];
  for (int k = 0; k < 5; k++) {
    col[k] = column(&c, cols[k]);
    if (col[k] < 0) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: header lacks column '%s'", path,
                       c.n_rec ? c.line[0] : 1, cols[k]);
      remit__csv_free(ctx, &c);
      return st;
    }
  }
  int *state = calloc((size_t)targets->n + 1, sizeof(int)); /* 1 mapped, 2 listed */
  if (!state) {
    remit__csv_free(ctx, &c);
    return REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory");
  }
  for (int i = 0; i < map->n; i++) {
    state[map->rows[i].target] = 1;
  }
  *n_listed = 0;
  for (int r = 1; r < c.n_rec && st == REMIT_OK; r++) {
    char **f = c.rec[r];
    if (c.n_fields[r] != c.n_fields[0]) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: %d fields, the header has %d", path, c.line[r],
                       c.n_fields[r], c.n_fields[0]);
      break;
    }
    double tp;
    if (remit__parse_num(f[col[3]], 1, &tp) != 0) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: timepoint_days: '%s' is not a number", path,
                       c.line[r], f[col[3]]);
      break;
    }
    int hit = -1, n_hit = 0;
    for (int i = 0; i < targets->n; i++) {
      const remit_target *t = &targets->rows[i];
      int same_t = (isnan(tp) && isnan(t->timepoint_days)) || tp == t->timepoint_days;
      if (same_t && strcmp(t->id, f[col[0]]) == 0 && strcmp(t->therapy, f[col[1]]) == 0 &&
          strcmp(t->endpoint, f[col[2]]) == 0) {
        hit = i;
        n_hit++;
      }
    }
    if (n_hit != 1) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: %s target (id '%s', therapy '%s', endpoint '%s')",
                       path, c.line[r], n_hit ? "more than one" : "no", f[col[0]], f[col[1]],
                       f[col[2]]);
      break;
    }
    if (state[hit] == 1) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: target is also mapped in %s", path, c.line[r],
                       map->path);
      break;
    }
    if (state[hit] == 2) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: target listed twice", path, c.line[r]);
      break;
    }
    if (!*f[col[4]]) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: reason is blank", path, c.line[r]);
      break;
    }
    state[hit] = 2;
    (*n_listed)++;
  }
  if (st == REMIT_OK) {
    *n_unlisted = 0;
    for (int i = 0; i < targets->n; i++) {
      if (!state[i] && strcmp(targets->rows[i].statistic, "fixed") != 0) {
        if (unlisted && *n_unlisted < max) {
          unlisted[*n_unlisted] = i;
        }
        (*n_unlisted)++;
      }
    }
  }
  free(state);
  remit__csv_free(ctx, &c);
  return st;
}
