/* SPDX-License-Identifier: MIT
 *
 * paramset.c: parameter-set files.  A parameter set is a CSV of
 * `name,value` lines with '#' provenance comments (what was fitted, on which
 * targets, the objective, the seed, the remit version).  It replaces typical
 * values of the model's table: for `remit params --set`, `remit simulate
 * --parameter-set`, the scenario key `parameter_set:` and `remit validate
 * --parameter-set`.  remit__scenario_typical() is the one place where the
 * trial engine's typical values are built (table -> set -> overrides).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_impl.h"
#include "fit_impl.h"

void remit_paramset_destroy(remit_paramset **pp) {
  if (!pp || !*pp) {
    return;
  }
  remit_paramset *p = *pp;
  for (int i = 0; p->names && i < p->n; i++) {
    free(p->names[i]);
  }
  free(p->names);
  free(p->values);
  free(p->provenance);
  free(p);
  *pp = NULL;
}

remit_status remit_paramset_load(remit_context *ctx, const char *path,
                                 const remit_model_spec *spec, remit_paramset **out) {
  if (!ctx || !path || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_paramset_load: NULL argument");
  }
  *out = NULL;
  remit__csv c;
  remit_status st = remit__csv_read(ctx, path, 1, &c);
  if (st != REMIT_OK) {
    return st;
  }
  remit_paramset *p = calloc(1, sizeof(*p));
  if (!p || !(p->names = calloc((size_t)c.n_rec + 1, sizeof(char *))) ||
      !(p->values = calloc((size_t)c.n_rec + 1, sizeof(double)))) {
    remit__csv_free(ctx, &c);
    remit_paramset_destroy(&p);
    return REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory reading %s", path);
  }
  for (int r = 0; r < c.n_rec && st == REMIT_OK; r++) {
    char **f = c.rec[r];
    int line = c.line[r];
    if (r == 0 && c.n_fields[r] >= 2 && strcmp(f[0], "name") == 0 && strcmp(f[1], "value") == 0) {
      continue; /* header */
    }
    if (c.n_fields[r] != 2) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: expected 'name,value', got %d fields", path,
                       line, c.n_fields[r]);
      break;
    }
    double v;
    if (remit__parse_num(f[1], 0, &v) != 0) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: %s: '%s' is not a finite number", path, line,
                       f[0], f[1]);
      break;
    }
    for (int i = 0; i < p->n; i++) {
      if (strcmp(p->names[i], f[0]) == 0) {
        st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%d: %s given twice", path, line, f[0]);
      }
    }
    if (st != REMIT_OK) {
      break;
    }
    if (spec) {
      int k = remit_spec_param_index(spec, f[0]);
      if (k < 0) {
        st = REMIT_ERROR(ctx, REMIT_ERR_NOT_FOUND, "%s:%d: '%s' is not a parameter of model %s",
                         path, line, f[0], spec->name);
        break;
      }
      if (v < spec->params[k].lower || v > spec->params[k].upper) {
        st = REMIT_ERROR(ctx, REMIT_ERR_RANGE, "%s:%d: %s = %g is outside its range [%g, %g]",
                         path, line, f[0], v, spec->params[k].lower, spec->params[k].upper);
        break;
      }
    }
    if (!(p->names[p->n] = remit__strdup(NULL, f[0]))) {
      st = REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory reading %s", path);
      break;
    }
    p->values[p->n++] = v;
  }
  remit__csv_free(ctx, &c);
  /* Provenance: the '#' lines, read again as plain text. */
  if (st == REMIT_OK) {
    FILE *f = fopen(path, "r");
    size_t cap = 256, len = 0;
    p->provenance = malloc(cap);
    if (f && p->provenance) {
      p->provenance[0] = '\0';
      char line[4096];
      while (fgets(line, sizeof line, f)) {
        if (line[0] != '#') {
          continue;
        }
        const char *s = line + 1 + (line[1] == ' ');
        size_t l = strlen(s);
        if (len + l + 1 > cap) {
          cap = 2 * (len + l + 1);
          char *n2 = realloc(p->provenance, cap);
          if (!n2) {
            break;
          }
          p->provenance = n2;
        }
        memcpy(p->provenance + len, s, l + 1);
        len += l;
      }
    }
    if (f) {
      fclose(f);
    }
  }
  if (st != REMIT_OK) {
    remit_paramset_destroy(&p);
    return st;
  }
  *out = p;
  return REMIT_OK;
}

remit_status remit_paramset_write(remit_context *ctx, const char *path, const char *provenance,
                                  const char *const *names, const double *values, int n) {
  if (!ctx || !path || (n > 0 && (!names || !values))) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_paramset_write: NULL argument");
  }
  size_t len = strlen(path) + 16;
  char *tmp = malloc(len);
  if (!tmp) {
    return REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory");
  }
  snprintf(tmp, len, "%s.partial", path);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    remit_status st = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
    free(tmp);
    return st;
  }
  if (provenance) {
    const char *s = provenance;
    while (*s) {
      const char *e = strchr(s, '\n');
      size_t l = e ? (size_t)(e - s) : strlen(s);
      fprintf(f, "# %.*s\n", (int)l, s);
      s += l + (e ? 1 : 0);
    }
  }
  fprintf(f, "name,value\n");
  for (int i = 0; i < n; i++) {
    fprintf(f, "%s,%.17g\n", names[i], values[i]);
  }
  int bad = ferror(f) != 0;
  bad |= fclose(f) != 0;
  if (bad || rename(tmp, path) != 0) {
    remove(tmp);
    free(tmp);
    return REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot write %s", path);
  }
  free(tmp);
  return REMIT_OK;
}

remit_status remit_paramset_apply(remit_context *ctx, const remit_paramset *ps,
                                  const remit_model_spec *spec, double *values) {
  if (!ps) {
    return REMIT_OK;
  }
  for (int i = 0; i < ps->n; i++) {
    int k = remit_spec_param_index(spec, ps->names[i]);
    if (k < 0) {
      return REMIT_ERROR(ctx, REMIT_ERR_NOT_FOUND, "parameter set: '%s' is not a parameter of %s",
                         ps->names[i], spec->name);
    }
  }
  for (int i = 0; i < ps->n; i++) {
    values[remit_spec_param_index(spec, ps->names[i])] = ps->values[i];
  }
  return REMIT_OK;
}

remit_status remit__scenario_typical(remit_context *ctx, const remit_scenario *sc,
                                     const remit_model_spec *spec, double *typical) {
  for (int k = 0; k < spec->n_params; k++) {
    typical[k] = spec->params[k].value;
  }
  if (sc->parameter_set && *sc->parameter_set) {
    remit_paramset *ps = NULL;
    remit_status st = remit_paramset_load(ctx, sc->parameter_set, spec, &ps);
    if (st == REMIT_OK) {
      st = remit_paramset_apply(ctx, ps, spec, typical);
    }
    remit_paramset_destroy(&ps);
    if (st != REMIT_OK) {
      return st;
    }
  }
  for (int k = 0; k < sc->n_param_overrides; k++) {
    int i = remit_spec_param_index(spec, sc->param_overrides[k].param);
    if (i < 0) {
      return REMIT_ERROR(ctx, REMIT_ERR_NOT_FOUND, "scenario parameter '%s' is not in model %s",
                         sc->param_overrides[k].param, spec->name);
    }
    typical[i] = sc->param_overrides[k].value;
  }
  return REMIT_OK;
}
