/* SPDX-License-Identifier: MIT
 *
 * scenario.c: reading a trial scenario from YAML (docs/scenarios.md).
 *
 * The file is read whole (it is kept in the scenario as s->text), parsed
 * with libyaml's document API into a node tree, and walked section by
 * section.  Every field is checked as it is read: its type, its range, its
 * name against the model's inputs and parameters and against the tables of
 * covariates and endpoint kinds.  Unknown and duplicated keys are errors.
 * The first problem stops the load with one line on the context:
 *
 *     FILE:LINE: field.path: expected ..., got ...
 *
 * where LINE is the 1-based line of the offending node (for a missing field,
 * the line of the mapping that lacks it).  Cross-field rules (design against
 * arms, endpoint days against follow-up, correlation matrices positive
 * definite) run after the fields they relate are read.
 *
 * Memory: everything the scenario owns comes from the context's allocator
 * and is freed by remit_scenario_destroy(); a failed load frees what it built.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsl/gsl_cdf.h>
#include <yaml.h>

#include "core/core_impl.h"
#include "remit/remit_model.h"
#include "remit/remit_trial.h"
#include "scenario_impl.h"

/* ------------------------------------------------------------------------ */
/* Name tables                                                               */
/* ------------------------------------------------------------------------ */

/* NULL-ended so they double as key lists. */
static const char *const cov_names[REMIT_N_COVARIATES + 1] = {
    "age",        "sex", "weight",        "height",       "sledai", "renal",
    "anti_dsdna", "c3",  "disease_years", "failed_lines", "egfr",   NULL};

/* The default patient (remit_model_create's defaults for the first six) and
 * the admissible range of each covariate's values. */
typedef struct cov_info {
  double def;
  double lo, hi;
  int binary; /* 0/1 only */
} cov_info;

static const cov_info covs[REMIT_N_COVARIATES] = {
    {40.0, 0.0, 120.0, 0},    /* age, years */
    {0.0, 0.0, 1.0, 1},       /* sex, 0 female */
    {65.0, 1.0, 400.0, 0},    /* weight, kg */
    {165.0, 30.0, 250.0, 0},  /* height, cm */
    {10.0, 0.0, 105.0, 0},    /* SLEDAI-2K (0..105) */
    {0.0, 0.0, 1.0, 1},       /* renal involvement */
    {100.0, 0.0, 1e5, 0},     /* anti-dsDNA, IU/mL */
    {80.0, 0.0, 500.0, 0},    /* C3, mg/dL */
    {5.0, 0.0, 100.0, 0},     /* disease duration, years */
    {2.0, 0.0, 50.0, 0},      /* failed lines */
    {90.0, 0.0, 250.0, 0},    /* eGFR, mL/min/1.73 m2 */
};

static const char *const ep_names[REMIT_N_ENDPOINT_KINDS + 1] = {
    "sledai_change", "sledai",         "doris",     "doris_drug_free", "lldas",
    "sri4",          "bicla",          "flare",     "b_aplasia_days",  "b_reconstitution",
    "cart_cmax",     "cart_tmax",      "cart_auc28", "crs",            "icans",
    "infection",     "ae_grade3",      "hypogamma", "damage_change",   "renal_response",
    "anti_dsdna_neg", NULL};

const char *remit_covariate_name(remit_covariate c) {
  return (int)c >= 0 && c < REMIT_N_COVARIATES ? cov_names[c] : NULL;
}

int remit_covariate_index(const char *name) {
  if (!name) {
    return -1;
  }
  for (int i = 0; i < REMIT_N_COVARIATES; i++) {
    if (strcmp(cov_names[i], name) == 0) {
      return i;
    }
  }
  return -1;
}

const char *remit_endpoint_kind_name(remit_endpoint_kind k) {
  return (int)k >= 0 && k < REMIT_N_ENDPOINT_KINDS ? ep_names[k] : NULL;
}

int remit_endpoint_kind_index(const char *name) {
  if (!name) {
    return -1;
  }
  for (int i = 0; i < REMIT_N_ENDPOINT_KINDS; i++) {
    if (strcmp(ep_names[i], name) == 0) {
      return i;
    }
  }
  return -1;
}

/* Default threshold of each endpoint kind and whether the kind reads one as a
 * grade (1..5).  0 means the kind needs no threshold. */
static double ep_default_threshold(remit_endpoint_kind k) {
  switch (k) {
    case REMIT_EP_CRS:
    case REMIT_EP_ICANS:
      return 1.0; /* any grade */
    case REMIT_EP_AE_GRADE3:
      return 3.0;
    case REMIT_EP_HYPOGAMMA:
      return 4.0; /* IgG g/L */
    case REMIT_EP_RENAL_RESPONSE:
      return 0.5; /* proteinuria g/day */
    case REMIT_EP_ANTI_DSDNA_NEG:
      return 30.0; /* IU/mL, the usual assay cut-off */
    default:
      return 0.0;
  }
}

static int ep_threshold_is_grade(remit_endpoint_kind k) {
  return k == REMIT_EP_CRS || k == REMIT_EP_ICANS || k == REMIT_EP_AE_GRADE3;
}

/* ------------------------------------------------------------------------ */
/* Loader state and error reporting                                          */
/* ------------------------------------------------------------------------ */

#define FIELD_LEN 160

typedef struct loader {
  remit_context *ctx;
  const char *path;
  yaml_document_t *doc;
  remit_scenario *s;
  const remit_model_spec *spec; /* names are checked against it when it has them */
  remit_regimen_item *soc;      /* standard_care items, appended to every arm */
  int n_soc;
  /* Nodes kept for cross-field messages. */
  yaml_node_t *root, *arms_node, *design_node, *kind_node, *block_node, *strata_node;
  yaml_node_t *cohort_node, *followup_node;
  yaml_node_t **arm_nodes;          /* per arm */
} loader;

static unsigned long node_line(const yaml_node_t *n) {
  return n ? (unsigned long)n->start_mark.line + 1 : 1ul;
}

static remit_status fail(loader *L, const yaml_node_t *n, const char *field, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static remit_status fail(loader *L, const yaml_node_t *n, const char *field, const char *fmt,
                         ...) {
  char what[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return REMIT_ERROR(L->ctx, REMIT_ERR_ARG, "%s:%lu: %s: %s", L->path, node_line(n),
                     field && field[0] ? field : "(top level)", what);
}

static void join(char *buf, const char *parent, const char *key) {
  if (!parent || !parent[0]) {
    snprintf(buf, FIELD_LEN, "%s", key);
  } else {
    snprintf(buf, FIELD_LEN, "%.100s.%.50s", parent, key);
  }
}

static void join_index(char *buf, const char *parent, int i) {
  snprintf(buf, FIELD_LEN, "%.140s[%d]", parent, i);
}

static const char *scalar(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

/* How a node reads in a message: 'text' for a scalar, else its kind. */
static const char *got(const yaml_node_t *n, char *buf, size_t len) {
  if (!n) {
    snprintf(buf, len, "nothing");
  } else if (n->type == YAML_MAPPING_NODE) {
    snprintf(buf, len, "a mapping");
  } else if (n->type == YAML_SEQUENCE_NODE) {
    snprintf(buf, len, "a list");
  } else if (n->data.scalar.length == 0) {
    snprintf(buf, len, "an empty value");
  } else {
    snprintf(buf, len, "'%.40s%s'", scalar(n), n->data.scalar.length > 40 ? "..." : "");
  }
  return buf;
}

static char *sdup(loader *L, const char *t) {
  size_t n = strlen(t);
  char *p = remit__malloc(L->ctx, n + 1);
  if (p) {
    memcpy(p, t, n + 1);
  }
  return p;
}

/* ------------------------------------------------------------------------ */
/* Typed accessors                                                           */
/* ------------------------------------------------------------------------ */

static int is_plain_scalar(const yaml_node_t *n) {
  return n && n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* YAML's .nan / .inf spellings and C's nan / inf, any case and sign. */
static int is_nonfinite_word(const char *t) {
  if (*t == '+' || *t == '-') {
    t++;
  }
  if (*t == '.') {
    t++;
  }
  return strcasecmp(t, "nan") == 0 || strcasecmp(t, "inf") == 0 ||
         strcasecmp(t, "infinity") == 0;
}

static void range_text(char *b, size_t n, double lo, double hi, int lo_open) {
  if (isinf(lo) && isinf(hi)) {
    snprintf(b, n, "a finite number");
  } else if (isinf(hi)) {
    snprintf(b, n, "a number %s %g", lo_open ? ">" : ">=", lo);
  } else {
    snprintf(b, n, "a number in %c%g, %g]", lo_open ? '(' : '[', lo, hi);
  }
}

/* A plain scalar number in [lo, hi] (or (lo, hi] when lo_open). */
static remit_status get_num(loader *L, const yaml_node_t *n, const char *field, double lo,
                            double hi, int lo_open, double *out) {
  char g[64], want[96];
  range_text(want, sizeof want, lo, hi, lo_open);
  if (!is_plain_scalar(n) || n->data.scalar.length == 0) {
    return fail(L, n, field, "expected %s, got %s", want, got(n, g, sizeof g));
  }
  const char *t = scalar(n);
  if (is_nonfinite_word(t)) {
    return fail(L, n, field, "expected %s, got %s (NaN and infinity are not allowed)", want,
                got(n, g, sizeof g));
  }
  char *end = NULL;
  errno = 0;
  double x = strtod(t, &end);
  if (end == t || *end != '\0') {
    return fail(L, n, field, "expected %s, got %s", want, got(n, g, sizeof g));
  }
  if (!isfinite(x)) {
    return fail(L, n, field, "expected %s, got %s (too large)", want, got(n, g, sizeof g));
  }
  if (x < lo || x > hi || (lo_open && x <= lo)) {
    return fail(L, n, field, "expected %s, got %s", want, got(n, g, sizeof g));
  }
  *out = x;
  return REMIT_OK;
}

static remit_status get_int(loader *L, const yaml_node_t *n, const char *field, double lo,
                            double hi, int *out) {
  double x = 0.0;
  remit_status st = get_num(L, n, field, lo, hi, 0, &x);
  if (st != REMIT_OK) {
    return st;
  }
  if (x != floor(x)) {
    char g[64];
    return fail(L, n, field, "expected a whole number in [%g, %g], got %s", lo, hi,
                got(n, g, sizeof g));
  }
  *out = (int)x;
  return REMIT_OK;
}

static remit_status get_bool(loader *L, const yaml_node_t *n, const char *field, int *out) {
  if (is_plain_scalar(n)) {
    const char *t = scalar(n);
    if (strcasecmp(t, "true") == 0 || strcasecmp(t, "yes") == 0) {
      *out = 1;
      return REMIT_OK;
    }
    if (strcasecmp(t, "false") == 0 || strcasecmp(t, "no") == 0) {
      *out = 0;
      return REMIT_OK;
    }
  }
  char g[64];
  return fail(L, n, field, "expected true or false, got %s", got(n, g, sizeof g));
}

/* A non-empty scalar string; returns a pointer into the document. */
static remit_status get_str(loader *L, const yaml_node_t *n, const char *field, const char *what,
                            const char **out) {
  if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.length == 0 ||
      n->data.scalar.length > 1000) {
    char g[64];
    return fail(L, n, field, "expected %s, got %s", what, got(n, g, sizeof g));
  }
  *out = scalar(n);
  return REMIT_OK;
}

static remit_status get_u64(loader *L, const yaml_node_t *n, const char *field, uint64_t *out) {
  char g[64];
  const char *want = "a whole number in [0, 18446744073709551615]";
  if (!is_plain_scalar(n) || n->data.scalar.length == 0 || n->data.scalar.length > 20) {
    return fail(L, n, field, "expected %s, got %s", want, got(n, g, sizeof g));
  }
  const char *t = scalar(n);
  for (const char *c = t; *c; c++) {
    if (*c < '0' || *c > '9') {
      return fail(L, n, field, "expected %s, got %s", want, got(n, g, sizeof g));
    }
  }
  errno = 0;
  unsigned long long v = strtoull(t, NULL, 10);
  if (errno == ERANGE) {
    return fail(L, n, field, "expected %s, got %s", want, got(n, g, sizeof g));
  }
  *out = (uint64_t)v;
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Mappings and lists                                                        */
/* ------------------------------------------------------------------------ */

static yaml_node_t *node_at(loader *L, int index) {
  return yaml_document_get_node(L->doc, index);
}

static void key_list(char *b, size_t n, const char *const *keys) {
  size_t used = 0;
  b[0] = '\0';
  for (int i = 0; keys[i] && used + 1 < n; i++) {
    int w = snprintf(b + used, n - used, "%s%s", i ? ", " : "", keys[i]);
    if (w < 0) {
      break;
    }
    used += (size_t)w;
  }
}

/* n must be a mapping whose keys are plain scalars from `keys` (NULL-ended),
 * each at most once. */
static remit_status check_map(loader *L, const yaml_node_t *n, const char *field,
                              const char *const *keys) {
  char allowed[320], g[64], f[FIELD_LEN];
  key_list(allowed, sizeof allowed, keys);
  if (!n || n->type != YAML_MAPPING_NODE) {
    return fail(L, n, field, "expected a mapping with keys from: %s; got %s", allowed,
                got(n, g, sizeof g));
  }
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = node_at(L, p->key);
    if (!k || k->type != YAML_SCALAR_NODE) {
      return fail(L, k, field, "expected a plain key, got %s", got(k, g, sizeof g));
    }
    int known = 0;
    for (int i = 0; keys[i]; i++) {
      known |= strcmp(keys[i], scalar(k)) == 0;
    }
    join(f, field, scalar(k));
    if (!known) {
      return fail(L, k, f, "unknown key (expected one of: %s)", allowed);
    }
    for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
      yaml_node_t *k2 = node_at(L, q->key);
      if (strcmp(scalar(k2), scalar(k)) == 0) {
        return fail(L, k, f, "duplicate key (first given on line %lu)", node_line(k2));
      }
    }
  }
  return REMIT_OK;
}

static yaml_node_t *map_get(loader *L, const yaml_node_t *n, const char *key) {
  if (!n || n->type != YAML_MAPPING_NODE) {
    return NULL;
  }
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = node_at(L, p->key);
    if (k && k->type == YAML_SCALAR_NODE && strcmp(scalar(k), key) == 0) {
      return node_at(L, p->value);
    }
  }
  return NULL;
}

static remit_status missing(loader *L, const yaml_node_t *parent, const char *parent_field,
                            const char *key, const char *what) {
  char f[FIELD_LEN];
  join(f, parent_field, key);
  return fail(L, parent, f, "required field is missing (expected %s)", what);
}

static int seq_len(const yaml_node_t *n) {
  return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static yaml_node_t *seq_at(loader *L, const yaml_node_t *n, int i) {
  return node_at(L, n->data.sequence.items.start[i]);
}

/* n must be a list of min..max items. */
static remit_status check_seq(loader *L, const yaml_node_t *n, const char *field, int min,
                              int max, const char *of) {
  char g[64];
  if (!n || n->type != YAML_SEQUENCE_NODE) {
    return fail(L, n, field, "expected a list of %s, got %s", of, got(n, g, sizeof g));
  }
  int len = seq_len(n);
  if (len < min || len > max) {
    return fail(L, n, field, "expected a list of %d to %d %s, got %d", min, max, of, len);
  }
  return REMIT_OK;
}

/* Reads a list of numbers into a fresh array. */
static remit_status get_num_list(loader *L, const yaml_node_t *n, const char *field, int min,
                                 double lo, double hi, int lo_open, double **out, int *n_out) {
  remit_status st = check_seq(L, n, field, min, REMIT_SCENARIO_MAX_LIST, "numbers");
  if (st != REMIT_OK) {
    return st;
  }
  int len = seq_len(n);
  double *v = remit__calloc(L->ctx, (size_t)len + 1, sizeof(*v));
  if (!v) {
    return REMIT_ERR_NOMEM;
  }
  char f[FIELD_LEN];
  for (int i = 0; i < len; i++) {
    join_index(f, field, i);
    if ((st = get_num(L, seq_at(L, n, i), f, lo, hi, lo_open, &v[i])) != REMIT_OK) {
      remit__free(L->ctx, v);
      return st;
    }
  }
  *out = v;
  *n_out = len;
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Correlation                                                               */
/* ------------------------------------------------------------------------ */

/* In-place Cholesky of an n×n symmetric matrix (row-major).  Returns 1 when
 * every pivot exceeds REMIT_SCENARIO_MIN_PIVOT (positive definite).  Our own
 * eleven lines rather than gsl_linalg_cholesky_decomp1: GSL reports a
 * non-positive-definite matrix through its process-global error handler,
 * which aborts by default, and a library must neither abort nor flip
 * process-global state (STYLE.md 3.4, 3.6). */
static int cholesky_ok(double *a, int n) {
  for (int j = 0; j < n; j++) {
    double d = a[j * n + j];
    for (int k = 0; k < j; k++) {
      d -= a[j * n + k] * a[j * n + k];
    }
    if (!(d > REMIT_SCENARIO_MIN_PIVOT)) {
      return 0;
    }
    a[j * n + j] = sqrt(d);
    for (int i = j + 1; i < n; i++) {
      double s = a[i * n + j];
      for (int k = 0; k < j; k++) {
        s -= a[i * n + k] * a[j * n + k];
      }
      a[i * n + j] = s / a[j * n + j];
    }
  }
  return 1;
}

typedef struct corr_entry {
  const char *a, *b; /* names, pointing into the document */
  double r;
  const yaml_node_t *node;
  char field[FIELD_LEN];
} corr_entry;

/* Reads a correlation section in either form:
 *   - [name_a, name_b, r]          (a list of pairs), or
 *   names: [a, b, c]
 *   matrix: [[1, r_ab, r_ac], ...]  (a full symmetric matrix with unit diagonal)
 * into a fresh array of pairs (a != b, |r| <= 1, no pair twice). */
static remit_status read_corr(loader *L, const yaml_node_t *n, const char *field,
                              corr_entry **out, int *n_out) {
  static const char *const keys[] = {"names", "matrix", NULL};
  char f[FIELD_LEN], f2[FIELD_LEN], g[64];
  remit_status st;
  corr_entry *e = NULL;
  int ne = 0;
  *out = NULL;
  *n_out = 0;
  if (n && n->type == YAML_SEQUENCE_NODE) {
    int len = seq_len(n);
    if (len > 1000) {
      return fail(L, n, field, "expected at most 1000 pairs, got %d", len);
    }
    e = remit__calloc(L->ctx, (size_t)len + 1, sizeof(*e));
    if (!e) {
      return REMIT_ERR_NOMEM;
    }
    for (int i = 0; i < len; i++) {
      yaml_node_t *it = seq_at(L, n, i);
      join_index(f, field, i);
      if (!it || it->type != YAML_SEQUENCE_NODE || seq_len(it) != 3) {
        st = fail(L, it, f, "expected a pair [name, name, r], got %s", got(it, g, sizeof g));
        goto fail;
      }
      join_index(f2, f, 0);
      if ((st = get_str(L, seq_at(L, it, 0), f2, "a name", &e[ne].a)) != REMIT_OK) {
        goto fail;
      }
      join_index(f2, f, 1);
      if ((st = get_str(L, seq_at(L, it, 1), f2, "a name", &e[ne].b)) != REMIT_OK) {
        goto fail;
      }
      join_index(f2, f, 2);
      if ((st = get_num(L, seq_at(L, it, 2), f2, -1.0, 1.0, 0, &e[ne].r)) != REMIT_OK) {
        goto fail;
      }
      e[ne].node = it;
      snprintf(e[ne].field, FIELD_LEN, "%s", f);
      ne++;
    }
  } else if (n && n->type == YAML_MAPPING_NODE) {
    if ((st = check_map(L, n, field, keys)) != REMIT_OK) {
      return st;
    }
    yaml_node_t *names = map_get(L, n, "names"), *mat = map_get(L, n, "matrix");
    if (!names) {
      return missing(L, n, field, "names", "a list of names");
    }
    if (!mat) {
      return missing(L, n, field, "matrix", "a square list of lists");
    }
    join(f, field, "names");
    if ((st = check_seq(L, names, f, 2, 300, "names")) != REMIT_OK) {
      return st;
    }
    int k = seq_len(names);
    join(f, field, "matrix");
    if ((st = check_seq(L, mat, f, k, k, "rows (one per name)")) != REMIT_OK) {
      return st;
    }
    double *m = remit__calloc(L->ctx, (size_t)k * (size_t)k, sizeof(*m));
    const char **nm = remit__calloc(L->ctx, (size_t)k, sizeof(*nm));
    e = remit__calloc(L->ctx, (size_t)k * (size_t)k / 2 + 1, sizeof(*e));
    if (!m || !nm || !e) {
      remit__free(L->ctx, m);
      remit__free(L->ctx, nm);
      remit__free(L->ctx, e);
      return REMIT_ERR_NOMEM;
    }
    st = REMIT_OK;
    for (int i = 0; i < k && st == REMIT_OK; i++) {
      join(f, field, "names");
      join_index(f2, f, i);
      st = get_str(L, seq_at(L, names, i), f2, "a name", &nm[i]);
    }
    for (int i = 0; i < k && st == REMIT_OK; i++) {
      yaml_node_t *row = seq_at(L, mat, i);
      join(f, field, "matrix");
      join_index(f2, f, i);
      if ((st = check_seq(L, row, f2, k, k, "numbers (one per name)")) != REMIT_OK) {
        break;
      }
      for (int j = 0; j < k && st == REMIT_OK; j++) {
        char f3[FIELD_LEN];
        join_index(f3, f2, j);
        st = get_num(L, seq_at(L, row, j), f3, -1.0, 1.0, 0, &m[i * k + j]);
        if (st == REMIT_OK && i == j && fabs(m[i * k + j] - 1.0) > REMIT_SCENARIO_SYM_TOL) {
          st = fail(L, seq_at(L, row, j), f3, "expected 1 on the diagonal, got %g", m[i * k + j]);
        }
      }
    }
    for (int i = 0; i < k && st == REMIT_OK; i++) {
      for (int j = 0; j < i && st == REMIT_OK; j++) {
        if (fabs(m[i * k + j] - m[j * k + i]) > REMIT_SCENARIO_SYM_TOL) {
          join(f, field, "matrix");
          snprintf(f2, FIELD_LEN, "%.140s[%d][%d]", f, i, j);
          st = fail(L, seq_at(L, seq_at(L, mat, i), j), f2,
                    "expected a symmetric matrix, got %g here but %g at [%d][%d]", m[i * k + j],
                    m[j * k + i], j, i);
        } else {
          e[ne].a = nm[i];
          e[ne].b = nm[j];
          e[ne].r = m[i * k + j];
          e[ne].node = seq_at(L, seq_at(L, mat, i), j);
          join(f, field, "matrix");
          snprintf(e[ne].field, FIELD_LEN, "%.140s[%d][%d]", f, i, j);
          ne++;
        }
      }
    }
    remit__free(L->ctx, m);
    remit__free(L->ctx, nm);
    if (st != REMIT_OK) {
      goto fail;
    }
  } else {
    return fail(L, n, field,
                "expected a list of pairs [name, name, r] or a mapping {names, matrix}, got %s",
                got(n, g, sizeof g));
  }
  for (int i = 0; i < ne; i++) {
    if (strcmp(e[i].a, e[i].b) == 0) {
      st = fail(L, e[i].node, e[i].field, "expected two different names, got '%s' twice", e[i].a);
      goto fail;
    }
    for (int j = 0; j < i; j++) {
      if ((strcmp(e[i].a, e[j].a) == 0 && strcmp(e[i].b, e[j].b) == 0) ||
          (strcmp(e[i].a, e[j].b) == 0 && strcmp(e[i].b, e[j].a) == 0)) {
        st = fail(L, e[i].node, e[i].field, "correlation of %s and %s given twice (line %lu)",
                  e[i].a, e[i].b, node_line(e[j].node));
        goto fail;
      }
    }
  }
  *out = e;
  *n_out = ne;
  return REMIT_OK;
fail:
  remit__free(L->ctx, e);
  return st;
}

/* The pairs must make a positive definite matrix over the names they use
 * (unit diagonal, zero where no pair is given). */
static remit_status check_corr_pd(loader *L, const yaml_node_t *n, const char *field,
                                  const corr_entry *e, int ne) {
  if (ne == 0) {
    return REMIT_OK;
  }
  int cap = 2 * ne;
  const char **nm = remit__calloc(L->ctx, (size_t)cap, sizeof(*nm));
  double *m = remit__calloc(L->ctx, (size_t)cap * (size_t)cap, sizeof(*m));
  if (!nm || !m) {
    remit__free(L->ctx, nm);
    remit__free(L->ctx, m);
    return REMIT_ERR_NOMEM;
  }
  int k = 0;
  for (int i = 0; i < ne; i++) {
    const char *ab[2] = {e[i].a, e[i].b};
    int idx[2];
    for (int s = 0; s < 2; s++) {
      idx[s] = -1;
      for (int j = 0; j < k; j++) {
        if (strcmp(nm[j], ab[s]) == 0) {
          idx[s] = j;
        }
      }
      if (idx[s] < 0) {
        nm[k] = ab[s];
        idx[s] = k++;
      }
    }
    m[idx[0] * cap + idx[1]] = m[idx[1] * cap + idx[0]] = e[i].r;
  }
  /* Compact to k×k with a unit diagonal. */
  for (int i = 0; i < k; i++) {
    for (int j = 0; j < k; j++) {
      m[i * k + j] = i == j ? 1.0 : m[i * cap + j];
    }
  }
  int ok = cholesky_ok(m, k);
  remit__free(L->ctx, nm);
  remit__free(L->ctx, m);
  if (!ok) {
    return fail(L, n, field,
                "expected a positive definite correlation matrix; these correlations are not "
                "consistent with one another (or a correlation of +-1 makes it singular)");
  }
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Population                                                                */
/* ------------------------------------------------------------------------ */

static void free_dist(remit_context *ctx, remit_dist *d) {
  remit__free(ctx, d->values);
  remit__free(ctx, d->probs);
  d->values = d->probs = NULL;
  d->n_values = 0;
}

static void set_fixed(remit_dist *d, double v) {
  memset(d, 0, sizeof(*d));
  d->kind = REMIT_DIST_FIXED;
  d->a = v;
  d->lower = -INFINITY;
  d->upper = INFINITY;
}

/* Smallest probability mass a truncation interval may keep. */
#define REMIT_SCENARIO_MIN_MASS 1e-9

static remit_status parse_dist(loader *L, const yaml_node_t *n, const char *field, int c,
                               remit_dist *d) {
  static const char *const k_dist[] = {"dist", NULL};
  static const char *const k_fixed[] = {"dist", "value", NULL};
  static const char *const k_normal[] = {"dist", "mean", "sd", "lower", "upper", NULL};
  static const char *const k_lognormal[] = {"dist", "median", "cv", "lower", "upper", NULL};
  static const char *const k_uniform[] = {"dist", "low", "high", NULL};
  static const char *const k_categorical[] = {"dist", "values", "probs", NULL};
  static const char *const k_empirical[] = {"dist", "values", NULL};
  const cov_info *ci = &covs[c];
  char f[FIELD_LEN], g[64];
  remit_status st;
  remit_dist nd;
  set_fixed(&nd, ci->def);
  if (is_plain_scalar(n)) {
    if ((st = get_num(L, n, field, ci->lo, ci->hi, 0, &nd.a)) != REMIT_OK) {
      return st;
    }
    if (ci->binary && nd.a != 0.0 && nd.a != 1.0) {
      return fail(L, n, field, "expected 0 or 1, got %s", got(n, g, sizeof g));
    }
    *d = nd;
    return REMIT_OK;
  }
  if (!n || n->type != YAML_MAPPING_NODE) {
    return fail(L, n, field, "expected a number or a mapping with 'dist', got %s",
                got(n, g, sizeof g));
  }
  yaml_node_t *dn = map_get(L, n, "dist");
  if (!dn) {
    return missing(L, n, field, "dist",
                   "one of fixed, normal, lognormal, uniform, categorical, empirical");
  }
  join(f, field, "dist");
  const char *dname = NULL;
  if ((st = get_str(L, dn, f, "a distribution name", &dname)) != REMIT_OK) {
    return st;
  }
  const char *const *keys = k_dist;
  if (strcmp(dname, "fixed") == 0) {
    nd.kind = REMIT_DIST_FIXED;
    keys = k_fixed;
  } else if (strcmp(dname, "normal") == 0) {
    nd.kind = REMIT_DIST_NORMAL;
    keys = k_normal;
  } else if (strcmp(dname, "lognormal") == 0) {
    nd.kind = REMIT_DIST_LOGNORMAL;
    keys = k_lognormal;
  } else if (strcmp(dname, "uniform") == 0) {
    nd.kind = REMIT_DIST_UNIFORM;
    keys = k_uniform;
  } else if (strcmp(dname, "categorical") == 0) {
    nd.kind = REMIT_DIST_CATEGORICAL;
    keys = k_categorical;
  } else if (strcmp(dname, "empirical") == 0) {
    nd.kind = REMIT_DIST_EMPIRICAL;
    keys = k_empirical;
  } else {
    return fail(L, dn, f,
                "expected one of fixed, normal, lognormal, uniform, categorical, empirical; got %s",
                got(dn, g, sizeof g));
  }
  if (ci->binary && nd.kind != REMIT_DIST_FIXED && nd.kind != REMIT_DIST_CATEGORICAL &&
      nd.kind != REMIT_DIST_EMPIRICAL) {
    return fail(L, dn, f, "expected fixed, categorical or empirical (%s is 0 or 1), got %s",
                cov_names[c], got(dn, g, sizeof g));
  }
  if ((st = check_map(L, n, field, keys)) != REMIT_OK) {
    return st;
  }
  /* Required numbers per kind: (key, lower bound, open?) */
  const char *ka = NULL, *kb = NULL;
  double alo = ci->lo, ahi = ci->hi, blo = 0.0, bhi = INFINITY;
  int aopen = 0, bopen = 1;
  switch (nd.kind) {
    case REMIT_DIST_FIXED:
      ka = "value";
      break;
    case REMIT_DIST_NORMAL:
      ka = "mean";
      kb = "sd";
      break;
    case REMIT_DIST_LOGNORMAL:
      ka = "median";
      kb = "cv";
      alo = fmax(ci->lo, 0.0);
      aopen = 1;
      bhi = 10.0;
      break;
    case REMIT_DIST_UNIFORM:
      ka = "low";
      kb = "high";
      blo = ci->lo;
      bhi = ci->hi;
      bopen = 0;
      break;
    default:
      break;
  }
  if (ka) {
    yaml_node_t *an = map_get(L, n, ka);
    if (!an) {
      return missing(L, n, field, ka, "a number");
    }
    join(f, field, ka);
    if ((st = get_num(L, an, f, alo, ahi, aopen, &nd.a)) != REMIT_OK) {
      return st;
    }
    if (ci->binary && nd.a != 0.0 && nd.a != 1.0) {
      return fail(L, an, f, "expected 0 or 1, got %s", got(an, g, sizeof g));
    }
  }
  if (kb) {
    yaml_node_t *bn = map_get(L, n, kb);
    if (!bn) {
      return missing(L, n, field, kb, "a number");
    }
    join(f, field, kb);
    if ((st = get_num(L, bn, f, blo, bhi, bopen, &nd.b)) != REMIT_OK) {
      return st;
    }
    if (nd.kind == REMIT_DIST_UNIFORM && !(nd.b > nd.a)) {
      return fail(L, bn, f, "expected high > low (%g), got %g", nd.a, nd.b);
    }
  }
  if (nd.kind == REMIT_DIST_NORMAL || nd.kind == REMIT_DIST_LOGNORMAL) {
    yaml_node_t *lo = map_get(L, n, "lower"), *hi = map_get(L, n, "upper");
    if (lo) {
      join(f, field, "lower");
      if ((st = get_num(L, lo, f, ci->lo, ci->hi, 0, &nd.lower)) != REMIT_OK) {
        return st;
      }
    }
    if (hi) {
      join(f, field, "upper");
      if ((st = get_num(L, hi, f, ci->lo, ci->hi, 0, &nd.upper)) != REMIT_OK) {
        return st;
      }
      if (lo && !(nd.upper > nd.lower)) {
        return fail(L, hi, f, "expected upper > lower (%g), got %g", nd.lower, nd.upper);
      }
    }
    /* The truncation interval must keep some probability, or sampling in it
     * is meaningless. */
    double flo, fhi;
    if (nd.kind == REMIT_DIST_NORMAL) {
      flo = isfinite(nd.lower) ? gsl_cdf_gaussian_P(nd.lower - nd.a, nd.b) : 0.0;
      fhi = isfinite(nd.upper) ? gsl_cdf_gaussian_P(nd.upper - nd.a, nd.b) : 1.0;
    } else {
      double zeta = log(nd.a), sigma = sqrt(log1p(nd.b * nd.b));
      flo = isfinite(nd.lower) && nd.lower > 0.0 ? gsl_cdf_lognormal_P(nd.lower, zeta, sigma)
                                                 : 0.0;
      fhi = isfinite(nd.upper) ? gsl_cdf_lognormal_P(nd.upper, zeta, sigma) : 1.0;
    }
    if (!(fhi - flo >= REMIT_SCENARIO_MIN_MASS)) {
      return fail(L, lo ? lo : hi, field,
                  "expected truncation bounds that keep some of the distribution; [%g, %g] "
                  "holds a probability of %.3g",
                  nd.lower, nd.upper, fhi - flo);
    }
  }
  if (nd.kind == REMIT_DIST_CATEGORICAL || nd.kind == REMIT_DIST_EMPIRICAL) {
    yaml_node_t *vn = map_get(L, n, "values");
    if (!vn) {
      return missing(L, n, field, "values", "a list of numbers");
    }
    join(f, field, "values");
    if ((st = get_num_list(L, vn, f, 1, ci->lo, ci->hi, 0, &nd.values, &nd.n_values)) !=
        REMIT_OK) {
      return st;
    }
    for (int i = 0; ci->binary && i < nd.n_values; i++) {
      if (nd.values[i] != 0.0 && nd.values[i] != 1.0) {
        char f2[FIELD_LEN];
        join_index(f2, f, i);
        st = fail(L, seq_at(L, vn, i), f2, "expected 0 or 1, got %g", nd.values[i]);
        free_dist(L->ctx, &nd);
        return st;
      }
    }
    if (nd.kind == REMIT_DIST_CATEGORICAL) {
      yaml_node_t *pn = map_get(L, n, "probs");
      int np = 0;
      if (!pn) {
        free_dist(L->ctx, &nd);
        return missing(L, n, field, "probs", "a list of probabilities, one per value");
      }
      join(f, field, "probs");
      if ((st = get_num_list(L, pn, f, 1, 0.0, 1.0, 0, &nd.probs, &np)) != REMIT_OK) {
        free_dist(L->ctx, &nd);
        return st;
      }
      if (np != nd.n_values) {
        free_dist(L->ctx, &nd);
        return fail(L, pn, f, "expected %d probabilities (one per value), got %d", nd.n_values,
                    np);
      }
      double sum = 0.0;
      for (int i = 0; i < np; i++) {
        sum += nd.probs[i];
      }
      if (fabs(sum - 1.0) > REMIT_SCENARIO_PROB_TOL) {
        free_dist(L->ctx, &nd);
        return fail(L, pn, f, "expected probabilities summing to 1 (within %g), got a sum of %.12g",
                    REMIT_SCENARIO_PROB_TOL, sum);
      }
    }
  }
  free_dist(L->ctx, d);
  *d = nd;
  return REMIT_OK;
}

/* Can some draw of d satisfy "x cmp v"?  Only distributions with bounded
 * support can rule a criterion out. */
static int criterion_possible(const remit_dist *d, remit_cmp cmp, double v) {
  double lo = -INFINITY, hi = INFINITY;
  switch (d->kind) {
    case REMIT_DIST_FIXED:
      lo = hi = d->a;
      break;
    case REMIT_DIST_NORMAL:
    case REMIT_DIST_LOGNORMAL:
      lo = d->lower;
      hi = d->upper;
      if (d->kind == REMIT_DIST_LOGNORMAL && !(lo > 0.0)) {
        lo = 0.0;
      }
      break;
    case REMIT_DIST_UNIFORM:
      lo = d->a;
      hi = d->b;
      break;
    case REMIT_DIST_CATEGORICAL:
    case REMIT_DIST_EMPIRICAL:
      for (int i = 0; i < d->n_values; i++) {
        double x = d->values[i];
        int w = d->kind == REMIT_DIST_EMPIRICAL || d->probs[i] > 0.0;
        if (w && ((cmp == REMIT_CMP_GE && x >= v) || (cmp == REMIT_CMP_GT && x > v) ||
                  (cmp == REMIT_CMP_LE && x <= v) || (cmp == REMIT_CMP_LT && x < v) ||
                  (cmp == REMIT_CMP_EQ && x == v))) {
          return 1;
        }
      }
      return 0;
  }
  switch (cmp) {
    case REMIT_CMP_GE:
      return hi >= v;
    case REMIT_CMP_GT:
      return hi > v;
    case REMIT_CMP_LE:
      return lo <= v;
    case REMIT_CMP_LT:
      return lo < v;
    case REMIT_CMP_EQ:
      return lo <= v && v <= hi && (lo == hi || d->kind != REMIT_DIST_FIXED);
  }
  return 1;
}

static void cov_list(char *b, size_t n) { key_list(b, n, cov_names); }

/* "sledai >= 8": covariate, operator, number. */
static remit_status parse_criterion(loader *L, const yaml_node_t *n, const char *field,
                                    remit_criterion *c) {
  char g[64], name[64], op[8], num[64], extra[8], allowed[200];
  const char *t = NULL;
  remit_status st = get_str(L, n, field, "a criterion like 'sledai >= 8'", &t);
  if (st != REMIT_OK) {
    return st;
  }
  int k = sscanf(t, " %63[a-z_0-9] %7[<>=!] %63s %7s", name, op, num, extra);
  if (k != 3) {
    return fail(L, n, field, "expected 'covariate op number' (op one of >=, >, <=, <, ==), got %s",
                got(n, g, sizeof g));
  }
  int ci = remit_covariate_index(name);
  if (ci < 0) {
    cov_list(allowed, sizeof allowed);
    return fail(L, n, field, "unknown covariate '%s' (expected one of: %s)", name, allowed);
  }
  remit_cmp cmp;
  if (strcmp(op, ">=") == 0) {
    cmp = REMIT_CMP_GE;
  } else if (strcmp(op, ">") == 0) {
    cmp = REMIT_CMP_GT;
  } else if (strcmp(op, "<=") == 0) {
    cmp = REMIT_CMP_LE;
  } else if (strcmp(op, "<") == 0) {
    cmp = REMIT_CMP_LT;
  } else if (strcmp(op, "==") == 0) {
    cmp = REMIT_CMP_EQ;
  } else {
    return fail(L, n, field, "expected an operator >=, >, <=, < or ==, got '%s'", op);
  }
  char *end = NULL;
  double v = is_nonfinite_word(num) ? NAN : strtod(num, &end);
  if (!isfinite(v) || !end || *end != '\0') {
    return fail(L, n, field, "expected a finite number after '%s', got '%s'", op, num);
  }
  const remit_dist *d = &L->s->population.covariates[ci];
  if (!criterion_possible(d, cmp, v)) {
    return fail(L, n, field,
                "no patient of this population can meet '%s' (set population.covariates.%s to "
                "a distribution that can)",
                t, name);
  }
  c->covariate = (remit_covariate)ci;
  c->cmp = cmp;
  c->value = v;
  return REMIT_OK;
}

/* The effective IIV CV of a parameter: the scenario's override, else the
 * table's when use_table is on. */
static double iiv_cv(const remit_population *p, const remit_model_spec *spec, const char *name) {
  for (int i = 0; i < p->n_iiv; i++) {
    if (strcmp(p->iiv[i].param, name) == 0) {
      return p->iiv[i].cv;
    }
  }
  int k = remit_spec_param_index(spec, name);
  return k >= 0 && p->use_table_iiv ? spec->params[k].cv : 0.0;
}

static int spec_has_params(const loader *L) { return L->spec && L->spec->n_params > 0; }

static remit_status parse_iiv(loader *L, const yaml_node_t *n, const char *field) {
  static const char *const keys[] = {"use_table", "cv", "correlation", NULL};
  remit_population *p = &L->s->population;
  char f[FIELD_LEN], f2[FIELD_LEN];
  remit_status st = check_map(L, n, field, keys);
  if (st != REMIT_OK) {
    return st;
  }
  yaml_node_t *x;
  if ((x = map_get(L, n, "use_table"))) {
    join(f, field, "use_table");
    if ((st = get_bool(L, x, f, &p->use_table_iiv)) != REMIT_OK) {
      return st;
    }
  }
  if ((x = map_get(L, n, "cv"))) {
    join(f, field, "cv");
    if (x->type != YAML_MAPPING_NODE) {
      char g[64];
      return fail(L, x, f, "expected a mapping {parameter: cv}, got %s", got(x, g, sizeof g));
    }
    int len = (int)(x->data.mapping.pairs.top - x->data.mapping.pairs.start);
    p->iiv = remit__calloc(L->ctx, (size_t)len + 1, sizeof(*p->iiv));
    if (!p->iiv) {
      return REMIT_ERR_NOMEM;
    }
    for (int i = 0; i < len; i++) {
      yaml_node_pair_t *pr = &x->data.mapping.pairs.start[i];
      yaml_node_t *k = node_at(L, pr->key);
      const char *name = NULL;
      if ((st = get_str(L, k, f, "a parameter name", &name)) != REMIT_OK) {
        return st;
      }
      join(f2, f, name);
      for (int j = 0; j < i; j++) {
        if (strcmp(p->iiv[j].param, name) == 0) {
          return fail(L, k, f2, "duplicate key");
        }
      }
      if (spec_has_params(L) && remit_spec_param_index(L->spec, name) < 0) {
        return fail(L, k, f2, "unknown parameter of model %s (see `remit params`)",
                    L->spec->name);
      }
      if ((st = get_num(L, node_at(L, pr->value), f2, 0.0, 10.0, 0, &p->iiv[i].cv)) !=
          REMIT_OK) {
        return st;
      }
      if (!(p->iiv[i].param = sdup(L, name))) {
        return REMIT_ERR_NOMEM;
      }
      p->n_iiv++;
    }
  }
  if ((x = map_get(L, n, "correlation"))) {
    join(f, field, "correlation");
    corr_entry *e = NULL;
    int ne = 0;
    if ((st = read_corr(L, x, f, &e, &ne)) != REMIT_OK) {
      return st;
    }
    for (int i = 0; i < ne && st == REMIT_OK; i++) {
      const char *ab[2] = {e[i].a, e[i].b};
      for (int s = 0; s < 2 && st == REMIT_OK; s++) {
        if (spec_has_params(L)) {
          if (remit_spec_param_index(L->spec, ab[s]) < 0) {
            st = fail(L, e[i].node, e[i].field, "unknown parameter '%s' of model %s", ab[s],
                      L->spec->name);
          } else if (!(iiv_cv(p, L->spec, ab[s]) > 0.0)) {
            st = fail(L, e[i].node, e[i].field,
                      "expected parameters that vary between patients; '%s' has no variability "
                      "(give it a cv)",
                      ab[s]);
          }
        }
      }
    }
    if (st == REMIT_OK) {
      st = check_corr_pd(L, x, f, e, ne);
    }
    if (st == REMIT_OK && ne > 0) {
      p->iiv_corr_a = remit__calloc(L->ctx, (size_t)ne, sizeof(char *));
      p->iiv_corr_b = remit__calloc(L->ctx, (size_t)ne, sizeof(char *));
      p->iiv_corr = remit__calloc(L->ctx, (size_t)ne, sizeof(double));
      if (!p->iiv_corr_a || !p->iiv_corr_b || !p->iiv_corr) {
        st = REMIT_ERR_NOMEM;
      }
      for (int i = 0; i < ne && st == REMIT_OK; i++) {
        p->iiv_corr_a[i] = sdup(L, e[i].a);
        p->iiv_corr_b[i] = sdup(L, e[i].b);
        p->iiv_corr[i] = e[i].r;
        p->n_iiv_corr = i + 1;
        if (!p->iiv_corr_a[i] || !p->iiv_corr_b[i]) {
          st = REMIT_ERR_NOMEM;
        }
      }
    }
    remit__free(L->ctx, e);
    if (st != REMIT_OK) {
      return st;
    }
  }
  return REMIT_OK;
}

static remit_status parse_population(loader *L, const yaml_node_t *n) {
  static const char *const keys[] = {"n_enrol",     "n_screen", "covariates", "correlation",
                                     "eligibility", "iiv",      NULL};
  const char *field = "population";
  remit_population *p = &L->s->population;
  remit_design *d = &L->s->design;
  char f[FIELD_LEN], f2[FIELD_LEN], allowed[200];
  remit_status st;
  if (!n) {
    return missing(L, L->root, "", "population", "a mapping with n_enrol or n_screen");
  }
  if ((st = check_map(L, n, field, keys)) != REMIT_OK) {
    return st;
  }
  yaml_node_t *x;
  if ((x = map_get(L, n, "n_enrol"))) {
    if ((st = get_int(L, x, "population.n_enrol", 1, REMIT_SCENARIO_MAX_N, &d->n_enrol)) !=
        REMIT_OK) {
      return st;
    }
  }
  if ((x = map_get(L, n, "n_screen"))) {
    if ((st = get_int(L, x, "population.n_screen", 1, REMIT_SCENARIO_MAX_N, &d->n_screen)) !=
        REMIT_OK) {
      return st;
    }
    if (d->n_enrol > 0 && d->n_screen < d->n_enrol) {
      return fail(L, x, "population.n_screen", "expected at least n_enrol (%d), got %d",
                  d->n_enrol, d->n_screen);
    }
  }
  if (d->n_enrol == 0 && d->n_screen == 0) {
    return missing(L, n, field, "n_enrol",
                   "n_enrol or n_screen, a whole number of patients in [1, 1e8]");
  }
  if ((x = map_get(L, n, "covariates"))) {
    if (x->type != YAML_MAPPING_NODE) {
      char g[64];
      cov_list(allowed, sizeof allowed);
      return fail(L, x, "population.covariates", "expected a mapping with keys from: %s; got %s",
                  allowed, got(x, g, sizeof g));
    }
    if ((st = check_map(L, x, "population.covariates", cov_names)) != REMIT_OK) {
      return st;
    }
    for (yaml_node_pair_t *pr = x->data.mapping.pairs.start; pr < x->data.mapping.pairs.top;
         pr++) {
      const char *name = scalar(node_at(L, pr->key));
      int c = remit_covariate_index(name);
      join(f, "population.covariates", name);
      if ((st = parse_dist(L, node_at(L, pr->value), f, c, &p->covariates[c])) != REMIT_OK) {
        return st;
      }
    }
  }
  if ((x = map_get(L, n, "correlation"))) {
    corr_entry *e = NULL;
    int ne = 0;
    if ((st = read_corr(L, x, "population.correlation", &e, &ne)) != REMIT_OK) {
      return st;
    }
    for (int i = 0; i < ne && st == REMIT_OK; i++) {
      int a = remit_covariate_index(e[i].a), b = remit_covariate_index(e[i].b);
      if (a < 0 || b < 0) {
        cov_list(allowed, sizeof allowed);
        st = fail(L, e[i].node, e[i].field, "unknown covariate '%s' (expected one of: %s)",
                  a < 0 ? e[i].a : e[i].b, allowed);
      } else {
        p->correlation[a][b] = p->correlation[b][a] = e[i].r;
      }
    }
    if (st == REMIT_OK) {
      st = check_corr_pd(L, x, "population.correlation", e, ne);
    }
    remit__free(L->ctx, e);
    if (st != REMIT_OK) {
      return st;
    }
  }
  if ((x = map_get(L, n, "eligibility"))) {
    if ((st = check_seq(L, x, "population.eligibility", 0, 100, "criteria")) != REMIT_OK) {
      return st;
    }
    int len = seq_len(x);
    p->eligibility = remit__calloc(L->ctx, (size_t)len + 1, sizeof(*p->eligibility));
    if (!p->eligibility) {
      return REMIT_ERR_NOMEM;
    }
    for (int i = 0; i < len; i++) {
      join_index(f2, "population.eligibility", i);
      if ((st = parse_criterion(L, seq_at(L, x, i), f2, &p->eligibility[i])) != REMIT_OK) {
        return st;
      }
      p->n_eligibility = i + 1;
    }
  }
  if ((x = map_get(L, n, "iiv"))) {
    if ((st = parse_iiv(L, x, "population.iiv")) != REMIT_OK) {
      return st;
    }
  }
  return REMIT_OK;
}
