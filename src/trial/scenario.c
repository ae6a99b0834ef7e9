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
#include "core/yaml_read.h"
#include "remit/remit_model.h"
#include "remit/remit_trial.h"
#include "scores/endpoints.h"
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

/* A vpop target's values: any finite number (a readout has no table range;
 * the distribution's own checks still apply). */
static const cov_info readout_info = {0.0, -INFINITY, INFINITY, 0};

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
    "anti_dsdna_neg", "relapse",       "flare_count", "flare_any", "cart_toxicity", NULL};

static const char *const flare_names[REMIT_N_FLARE_DEFS + 1] = {
    "sledai", "sledai_severe", "bilag", "bilag_ab", "bilag_a", "pga", "bilag_any", "sfi_severe", NULL};

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

/* Index of name in a NULL-terminated table; -1 if absent (or name NULL). */
static int name_index(const char *const *names, const char *name) {
  for (int i = 0; name && names[i]; i++) {
    if (strcmp(names[i], name) == 0) {
      return i;
    }
  }
  return -1;
}

int remit_endpoint_kind_index(const char *name) { return name_index(ep_names, name); }

const char *remit_flare_def_name(remit_flare_def d) {
  return (int)d >= 0 && d < REMIT_N_FLARE_DEFS ? flare_names[d] : NULL;
}

int remit_flare_def_index(const char *name) { return name_index(flare_names, name); }

/* Default threshold of an endpoint kind: the scores layer's (one source for
 * the loader and the evaluation).  Flare kinds keep 0, so the default of
 * their flare definition applies when they are evaluated. */
static double ep_default_threshold(remit_endpoint_kind k) {
  if (k == REMIT_EP_FLARE || k == REMIT_EP_RELAPSE || k == REMIT_EP_FLARE_COUNT || k == REMIT_EP_FLARE_ANY) {
    return 0.0;
  }
  double t = remit__endpoint_default_threshold(k);
  return isfinite(t) ? t : 0.0;
}

/* Whether the kind reads its threshold as a grade (1..5). */
static int ep_threshold_is_grade(remit_endpoint_kind k) {
  return k == REMIT_EP_CRS || k == REMIT_EP_ICANS || k == REMIT_EP_AE_GRADE3 || k == REMIT_EP_CART_TOXICITY;
}

/* ------------------------------------------------------------------------ */
/* Loader state (the typed YAML readers are in core/yaml_read.c)            */
/* ------------------------------------------------------------------------ */

typedef struct loader {
  remit__yaml y; /* the document and where its messages go */
  remit_scenario *s;
  const remit_model_spec *spec; /* names are checked against it when it has them */
  remit_regimen_item *soc;      /* standard_care items, appended to every arm */
  int n_soc;
  /* Nodes kept for cross-field messages. */
  yaml_node_t *root, *arms_node, *design_node, *kind_node, *block_node, *strata_node;
  yaml_node_t *cohort_node, *followup_node;
  yaml_node_t **arm_nodes;          /* per arm */
} loader;

/* A scalar that must be one of names[] (NULL-terminated); *out its index. */
static remit_status get_name(loader *L, const yaml_node_t *x, const char *field, const char *what,
                             const char *const *names, int *out) {
  const char *v = NULL;
  char allowed[400], want[420];
  remit__yaml_key_list(allowed, sizeof allowed, names);
  snprintf(want, sizeof want, "one of: %s", allowed);
  remit_status st = remit__yaml_get_str(&L->y, x, field, want, &v);
  if (st != REMIT_OK) {
    return st;
  }
  if ((*out = name_index(names, v)) < 0) {
    return remit__yaml_fail(&L->y, x, field, "unknown %s '%s' (expected %s)", what, v, want);
  }
  return REMIT_OK;
}

static char *sdup(loader *L, const char *t) {
  size_t n = strlen(t);
  char *p = remit__malloc(L->y.ctx, n + 1);
  if (p) {
    memcpy(p, t, n + 1);
  }
  return p;
}

static remit_status get_day(loader *L, const yaml_node_t *n, const char *field, double lo,
                            double hi, double *out) {
  return remit__yaml_get_num_as(&L->y, n, field, "a day", lo, hi, 0, out);
}

/* Reads a list of numbers into a fresh array. */
static remit_status get_num_list(loader *L, const yaml_node_t *n, const char *field, int min,
                                 double lo, double hi, int lo_open, double **out, int *n_out) {
  remit_status st = remit__yaml_check_seq(&L->y, n, field, min, REMIT_SCENARIO_MAX_LIST, "numbers");
  if (st != REMIT_OK) {
    return st;
  }
  int len = remit__yaml_seq_len(n);
  double *v = remit__calloc(L->y.ctx, (size_t)len + 1, sizeof(*v));
  if (!v) {
    return REMIT_ERR_NOMEM;
  }
  char f[REMIT__YAML_FIELD_LEN];
  for (int i = 0; i < len; i++) {
    remit__yaml_join_index(f, field, i);
    if ((st = remit__yaml_get_num(&L->y, remit__yaml_seq_at(&L->y, n, i), f, lo, hi, lo_open,
                                  &v[i])) != REMIT_OK) {
      remit__free(L->y.ctx, v);
      return st;
    }
  }
  *out = v;
  *n_out = len;
  return REMIT_OK;
}

/* Pair i of the mapping n, whose keys are names (`what` in messages): the
 * key's text in *name, its node in *key, "field.name" in f
 * (REMIT__YAML_FIELD_LEN).  A name given twice in the mapping is an error. */
static remit_status map_name(loader *L, const yaml_node_t *n, int i, const char *field,
                             const char *what, const char **name, yaml_node_t **key, char *f) {
  yaml_node_pair_t *pr = &n->data.mapping.pairs.start[i];
  *key = remit__yaml_node_at(&L->y, pr->key);
  remit_status st = remit__yaml_get_str(&L->y, *key, field, what, name);
  if (st != REMIT_OK) {
    return st;
  }
  remit__yaml_join(f, field, *name);
  for (int j = 0; j < i; j++) {
    const char *t = remit__yaml_scalar(remit__yaml_node_at(&L->y, n->data.mapping.pairs.start[j].key));
    if (strcmp(t, *name) == 0) {
      return remit__yaml_fail(&L->y, *key, f, "duplicate key");
    }
  }
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Correlation                                                               */
/* ------------------------------------------------------------------------ */

typedef struct corr_entry {
  const char *a, *b; /* names, pointing into the document */
  double r;
  const yaml_node_t *node;
  char field[REMIT__YAML_FIELD_LEN];
} corr_entry;

/* Reads a correlation section in either form:
 *   - [name_a, name_b, r]          (a list of pairs), or
 *   names: [a, b, c]
 *   matrix: [[1, r_ab, r_ac], ...]  (a full symmetric matrix with unit diagonal)
 * into a fresh array of pairs (a != b, |r| <= 1, no pair twice). */
static remit_status read_corr(loader *L, const yaml_node_t *n, const char *field,
                              corr_entry **out, int *n_out) {
  static const char *const keys[] = {"names", "matrix", NULL};
  char f[REMIT__YAML_FIELD_LEN], f2[REMIT__YAML_FIELD_LEN], g[64];
  remit_status st;
  corr_entry *e = NULL;
  int ne = 0;
  *out = NULL;
  *n_out = 0;
  if (n && n->type == YAML_SEQUENCE_NODE) {
    int len = remit__yaml_seq_len(n);
    if (len > 1000) {
      return remit__yaml_fail(&L->y, n, field, "expected at most 1000 pairs, got %d", len);
    }
    e = remit__calloc(L->y.ctx, (size_t)len + 1, sizeof(*e));
    if (!e) {
      return REMIT_ERR_NOMEM;
    }
    for (int i = 0; i < len; i++) {
      yaml_node_t *it = remit__yaml_seq_at(&L->y, n, i);
      remit__yaml_join_index(f, field, i);
      if (!it || it->type != YAML_SEQUENCE_NODE || remit__yaml_seq_len(it) != 3) {
        st = remit__yaml_fail(&L->y, it, f, "expected a pair [name, name, r], got %s",
                              remit__yaml_got(it, g, sizeof g));
        goto fail;
      }
      remit__yaml_join_index(f2, f, 0);
      if ((st = remit__yaml_get_str(&L->y, remit__yaml_seq_at(&L->y, it, 0), f2, "a name",
                                    &e[ne].a)) != REMIT_OK) {
        goto fail;
      }
      remit__yaml_join_index(f2, f, 1);
      if ((st = remit__yaml_get_str(&L->y, remit__yaml_seq_at(&L->y, it, 1), f2, "a name",
                                    &e[ne].b)) != REMIT_OK) {
        goto fail;
      }
      remit__yaml_join_index(f2, f, 2);
      if ((st = remit__yaml_get_num(&L->y, remit__yaml_seq_at(&L->y, it, 2), f2, -1.0, 1.0, 0,
                                    &e[ne].r)) != REMIT_OK) {
        goto fail;
      }
      e[ne].node = it;
      snprintf(e[ne].field, REMIT__YAML_FIELD_LEN, "%s", f);
      ne++;
    }
  } else if (n && n->type == YAML_MAPPING_NODE) {
    if ((st = remit__yaml_check_map(&L->y, n, field, keys)) != REMIT_OK) {
      return st;
    }
    yaml_node_t *names = remit__yaml_map_get(&L->y, n, "names"),
                *mat = remit__yaml_map_get(&L->y, n, "matrix");
    if (!names) {
      return remit__yaml_missing(&L->y, n, field, "names", "a list of names");
    }
    if (!mat) {
      return remit__yaml_missing(&L->y, n, field, "matrix", "a square list of lists");
    }
    remit__yaml_join(f, field, "names");
    if ((st = remit__yaml_check_seq(&L->y, names, f, 2, 300, "names")) != REMIT_OK) {
      return st;
    }
    int k = remit__yaml_seq_len(names);
    remit__yaml_join(f, field, "matrix");
    if ((st = remit__yaml_check_seq(&L->y, mat, f, k, k, "rows (one per name)")) != REMIT_OK) {
      return st;
    }
    double *m = remit__calloc(L->y.ctx, (size_t)k * (size_t)k, sizeof(*m));
    const char **nm = remit__calloc(L->y.ctx, (size_t)k, sizeof(*nm));
    e = remit__calloc(L->y.ctx, (size_t)k * (size_t)k / 2 + 1, sizeof(*e));
    if (!m || !nm || !e) {
      remit__free(L->y.ctx, m);
      remit__free(L->y.ctx, nm);
      remit__free(L->y.ctx, e);
      return REMIT_ERR_NOMEM;
    }
    st = REMIT_OK;
    for (int i = 0; i < k && st == REMIT_OK; i++) {
      remit__yaml_join(f, field, "names");
      remit__yaml_join_index(f2, f, i);
      st = remit__yaml_get_str(&L->y, remit__yaml_seq_at(&L->y, names, i), f2, "a name", &nm[i]);
    }
    for (int i = 0; i < k && st == REMIT_OK; i++) {
      yaml_node_t *row = remit__yaml_seq_at(&L->y, mat, i);
      remit__yaml_join(f, field, "matrix");
      remit__yaml_join_index(f2, f, i);
      if ((st = remit__yaml_check_seq(&L->y, row, f2, k, k, "numbers (one per name)")) !=
          REMIT_OK) {
        break;
      }
      for (int j = 0; j < k && st == REMIT_OK; j++) {
        char f3[REMIT__YAML_FIELD_LEN];
        remit__yaml_join_index(f3, f2, j);
        st = remit__yaml_get_num(&L->y, remit__yaml_seq_at(&L->y, row, j), f3, -1.0, 1.0, 0,
                                 &m[i * k + j]);
        if (st == REMIT_OK && i == j && fabs(m[i * k + j] - 1.0) > REMIT_SCENARIO_SYM_TOL) {
          st = remit__yaml_fail(&L->y, remit__yaml_seq_at(&L->y, row, j), f3,
                                "expected 1 on the diagonal, got %g", m[i * k + j]);
        }
      }
    }
    for (int i = 0; i < k && st == REMIT_OK; i++) {
      for (int j = 0; j < i && st == REMIT_OK; j++) {
        if (fabs(m[i * k + j] - m[j * k + i]) > REMIT_SCENARIO_SYM_TOL) {
          remit__yaml_join(f, field, "matrix");
          snprintf(f2, REMIT__YAML_FIELD_LEN, "%.130s[%d][%d]", f, i, j);
          st = remit__yaml_fail(&L->y,
                                remit__yaml_seq_at(&L->y, remit__yaml_seq_at(&L->y, mat, i), j), f2,
                                "expected a symmetric matrix, got %g here but %g at [%d][%d]",
                                m[i * k + j], m[j * k + i], j, i);
        } else {
          e[ne].a = nm[i];
          e[ne].b = nm[j];
          e[ne].r = m[i * k + j];
          e[ne].node = remit__yaml_seq_at(&L->y, remit__yaml_seq_at(&L->y, mat, i), j);
          remit__yaml_join(f, field, "matrix");
          snprintf(e[ne].field, REMIT__YAML_FIELD_LEN, "%.130s[%d][%d]", f, i, j);
          ne++;
        }
      }
    }
    remit__free(L->y.ctx, m);
    remit__free(L->y.ctx, nm);
    if (st != REMIT_OK) {
      goto fail;
    }
  } else {
    return remit__yaml_fail(
        &L->y, n, field,
        "expected a list of pairs [name, name, r] or a mapping {names, matrix}, got %s",
        remit__yaml_got(n, g, sizeof g));
  }
  for (int i = 0; i < ne; i++) {
    if (strcmp(e[i].a, e[i].b) == 0) {
      st = remit__yaml_fail(&L->y, e[i].node, e[i].field,
                            "expected two different names, got '%s' twice", e[i].a);
      goto fail;
    }
    for (int j = 0; j < i; j++) {
      if ((strcmp(e[i].a, e[j].a) == 0 && strcmp(e[i].b, e[j].b) == 0) ||
          (strcmp(e[i].a, e[j].b) == 0 && strcmp(e[i].b, e[j].a) == 0)) {
        st = remit__yaml_fail(&L->y, e[i].node, e[i].field,
                              "correlation of %s and %s given twice (line %lu)", e[i].a, e[i].b,
                              remit__yaml_line(e[j].node));
        goto fail;
      }
    }
  }
  *out = e;
  *n_out = ne;
  return REMIT_OK;
fail:
  remit__free(L->y.ctx, e);
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
  const char **nm = remit__calloc(L->y.ctx, (size_t)cap, sizeof(*nm));
  double *m = remit__calloc(L->y.ctx, (size_t)cap * (size_t)cap, sizeof(*m));
  if (!nm || !m) {
    remit__free(L->y.ctx, nm);
    remit__free(L->y.ctx, m);
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
  int ok = remit__cholesky(m, k, REMIT_SCENARIO_MIN_PIVOT);
  remit__free(L->y.ctx, nm);
  remit__free(L->y.ctx, m);
  if (!ok) {
    return remit__yaml_fail(
        &L->y, n, field,
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

/* A marginal distribution of the quantity `name` whose values lie in ci's
 * range: a covariate, or a vpop target's readout. */
static remit_status parse_dist(loader *L, const yaml_node_t *n, const char *field,
                               const cov_info *ci, const char *name, remit_dist *d) {
  static const char *const k_dist[] = {"dist", NULL};
  static const char *const k_fixed[] = {"dist", "value", NULL};
  static const char *const k_normal[] = {"dist", "mean", "sd", "lower", "upper", NULL};
  static const char *const k_lognormal[] = {"dist", "median", "cv", "lower", "upper", NULL};
  static const char *const k_uniform[] = {"dist", "low", "high", NULL};
  static const char *const k_categorical[] = {"dist", "values", "probs", NULL};
  static const char *const k_empirical[] = {"dist", "values", NULL};
  char f[REMIT__YAML_FIELD_LEN], g[64];
  remit_status st;
  remit_dist nd;
  set_fixed(&nd, ci->def);
  if (remit__yaml_is_plain_scalar(n)) {
    if ((st = remit__yaml_get_num(&L->y, n, field, ci->lo, ci->hi, 0, &nd.a)) != REMIT_OK) {
      return st;
    }
    if (ci->binary && nd.a != 0.0 && nd.a != 1.0) {
      return remit__yaml_fail(&L->y, n, field, "expected 0 or 1, got %s",
                              remit__yaml_got(n, g, sizeof g));
    }
    *d = nd;
    return REMIT_OK;
  }
  if (!n || n->type != YAML_MAPPING_NODE) {
    return remit__yaml_fail(&L->y, n, field, "expected a number or a mapping with 'dist', got %s",
                            remit__yaml_got(n, g, sizeof g));
  }
  yaml_node_t *dn = remit__yaml_map_get(&L->y, n, "dist");
  if (!dn) {
    return remit__yaml_missing(&L->y, n, field, "dist",
                               "one of fixed, normal, lognormal, uniform, categorical, empirical");
  }
  remit__yaml_join(f, field, "dist");
  const char *dname = NULL;
  if ((st = remit__yaml_get_str(&L->y, dn, f, "a distribution name", &dname)) != REMIT_OK) {
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
    return remit__yaml_fail(
        &L->y, dn, f,
        "expected one of fixed, normal, lognormal, uniform, categorical, empirical; got %s",
        remit__yaml_got(dn, g, sizeof g));
  }
  if (ci->binary && nd.kind != REMIT_DIST_FIXED && nd.kind != REMIT_DIST_CATEGORICAL &&
      nd.kind != REMIT_DIST_EMPIRICAL) {
    return remit__yaml_fail(&L->y, dn, f,
                            "expected fixed, categorical or empirical (%s is 0 or 1), got %s",
                            name, remit__yaml_got(dn, g, sizeof g));
  }
  if ((st = remit__yaml_check_map(&L->y, n, field, keys)) != REMIT_OK) {
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
    yaml_node_t *an = remit__yaml_map_get(&L->y, n, ka);
    if (!an) {
      return remit__yaml_missing(&L->y, n, field, ka, "a number");
    }
    remit__yaml_join(f, field, ka);
    if ((st = remit__yaml_get_num(&L->y, an, f, alo, ahi, aopen, &nd.a)) != REMIT_OK) {
      return st;
    }
    if (ci->binary && nd.a != 0.0 && nd.a != 1.0) {
      return remit__yaml_fail(&L->y, an, f, "expected 0 or 1, got %s",
                              remit__yaml_got(an, g, sizeof g));
    }
  }
  if (kb) {
    yaml_node_t *bn = remit__yaml_map_get(&L->y, n, kb);
    if (!bn) {
      return remit__yaml_missing(&L->y, n, field, kb, "a number");
    }
    remit__yaml_join(f, field, kb);
    if ((st = remit__yaml_get_num(&L->y, bn, f, blo, bhi, bopen, &nd.b)) != REMIT_OK) {
      return st;
    }
    if (nd.kind == REMIT_DIST_UNIFORM && !(nd.b > nd.a)) {
      return remit__yaml_fail(&L->y, bn, f, "expected high > low (%g), got %g", nd.a, nd.b);
    }
  }
  if (nd.kind == REMIT_DIST_NORMAL || nd.kind == REMIT_DIST_LOGNORMAL) {
    yaml_node_t *lo = remit__yaml_map_get(&L->y, n, "lower"),
                *hi = remit__yaml_map_get(&L->y, n, "upper");
    if (lo) {
      remit__yaml_join(f, field, "lower");
      if ((st = remit__yaml_get_num(&L->y, lo, f, ci->lo, ci->hi, 0, &nd.lower)) != REMIT_OK) {
        return st;
      }
    }
    if (hi) {
      remit__yaml_join(f, field, "upper");
      if ((st = remit__yaml_get_num(&L->y, hi, f, ci->lo, ci->hi, 0, &nd.upper)) != REMIT_OK) {
        return st;
      }
      if (lo && !(nd.upper > nd.lower)) {
        return remit__yaml_fail(&L->y, hi, f, "expected upper > lower (%g), got %g", nd.lower,
                                nd.upper);
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
      return remit__yaml_fail(
          &L->y, lo ? lo : hi, field,
          "expected truncation bounds that keep some of the distribution; [%g, %g] "
          "holds a probability of %.3g",
          nd.lower, nd.upper, fhi - flo);
    }
  }
  if (nd.kind == REMIT_DIST_CATEGORICAL || nd.kind == REMIT_DIST_EMPIRICAL) {
    yaml_node_t *vn = remit__yaml_map_get(&L->y, n, "values");
    if (!vn) {
      return remit__yaml_missing(&L->y, n, field, "values", "a list of numbers");
    }
    remit__yaml_join(f, field, "values");
    if ((st = get_num_list(L, vn, f, 1, ci->lo, ci->hi, 0, &nd.values, &nd.n_values)) !=
        REMIT_OK) {
      return st;
    }
    for (int i = 0; ci->binary && i < nd.n_values; i++) {
      if (nd.values[i] != 0.0 && nd.values[i] != 1.0) {
        char f2[REMIT__YAML_FIELD_LEN];
        remit__yaml_join_index(f2, f, i);
        st = remit__yaml_fail(&L->y, remit__yaml_seq_at(&L->y, vn, i), f2,
                              "expected 0 or 1, got %g", nd.values[i]);
        free_dist(L->y.ctx, &nd);
        return st;
      }
    }
    if (nd.kind == REMIT_DIST_CATEGORICAL) {
      yaml_node_t *pn = remit__yaml_map_get(&L->y, n, "probs");
      int np = 0;
      if (!pn) {
        free_dist(L->y.ctx, &nd);
        return remit__yaml_missing(&L->y, n, field, "probs",
                                   "a list of probabilities, one per value");
      }
      remit__yaml_join(f, field, "probs");
      if ((st = get_num_list(L, pn, f, 1, 0.0, 1.0, 0, &nd.probs, &np)) != REMIT_OK) {
        free_dist(L->y.ctx, &nd);
        return st;
      }
      if (np != nd.n_values) {
        free_dist(L->y.ctx, &nd);
        return remit__yaml_fail(&L->y, pn, f, "expected %d probabilities (one per value), got %d",
                                nd.n_values, np);
      }
      double sum = 0.0;
      for (int i = 0; i < np; i++) {
        sum += nd.probs[i];
      }
      if (fabs(sum - 1.0) > REMIT_SCENARIO_PROB_TOL) {
        free_dist(L->y.ctx, &nd);
        return remit__yaml_fail(
            &L->y, pn, f, "expected probabilities summing to 1 (within %g), got a sum of %.12g",
            REMIT_SCENARIO_PROB_TOL, sum);
      }
    }
  }
  free_dist(L->y.ctx, d);
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

static void cov_list(char *b, size_t n) {
  remit__yaml_key_list(b, n, cov_names);
}

/* "sledai >= 8": covariate, operator, number. */
static remit_status parse_criterion(loader *L, const yaml_node_t *n, const char *field,
                                    remit_criterion *c) {
  char g[64], name[64], op[8], num[64], extra[8], allowed[200];
  const char *t = NULL;
  remit_status st = remit__yaml_get_str(&L->y, n, field, "a criterion like 'sledai >= 8'", &t);
  if (st != REMIT_OK) {
    return st;
  }
  int k = sscanf(t, " %63[a-z_0-9] %7[<>=!] %63s %7s", name, op, num, extra);
  if (k != 3) {
    return remit__yaml_fail(&L->y, n, field,
                            "expected 'covariate op number' (op one of >=, >, <=, <, ==), got %s",
                            remit__yaml_got(n, g, sizeof g));
  }
  int ci = remit_covariate_index(name);
  if (ci < 0) {
    cov_list(allowed, sizeof allowed);
    return remit__yaml_fail(&L->y, n, field, "unknown covariate '%s' (expected one of: %s)", name,
                            allowed);
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
    return remit__yaml_fail(&L->y, n, field, "expected an operator >=, >, <=, < or ==, got '%s'",
                            op);
  }
  char *end = NULL;
  double v = remit__yaml_is_nonfinite_word(num) ? NAN : strtod(num, &end);
  if (!isfinite(v) || !end || *end != '\0') {
    return remit__yaml_fail(&L->y, n, field, "expected a finite number after '%s', got '%s'", op,
                            num);
  }
  const remit_dist *d = &L->s->population.covariates[ci];
  if (!criterion_possible(d, cmp, v)) {
    return remit__yaml_fail(
        &L->y, n, field,
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
  char f[REMIT__YAML_FIELD_LEN], f2[REMIT__YAML_FIELD_LEN];
  remit_status st = remit__yaml_check_map(&L->y, n, field, keys);
  if (st != REMIT_OK) {
    return st;
  }
  yaml_node_t *x;
  if ((x = remit__yaml_map_get(&L->y, n, "use_table"))) {
    remit__yaml_join(f, field, "use_table");
    if ((st = remit__yaml_get_bool(&L->y, x, f, &p->use_table_iiv)) != REMIT_OK) {
      return st;
    }
  }
  if ((x = remit__yaml_map_get(&L->y, n, "cv"))) {
    remit__yaml_join(f, field, "cv");
    if (x->type != YAML_MAPPING_NODE) {
      char g[64];
      return remit__yaml_fail(&L->y, x, f, "expected a mapping {parameter: cv}, got %s",
                              remit__yaml_got(x, g, sizeof g));
    }
    int len = (int)(x->data.mapping.pairs.top - x->data.mapping.pairs.start);
    p->iiv = remit__calloc(L->y.ctx, (size_t)len + 1, sizeof(*p->iiv));
    if (!p->iiv) {
      return REMIT_ERR_NOMEM;
    }
    for (int i = 0; i < len; i++) {
      yaml_node_pair_t *pr = &x->data.mapping.pairs.start[i];
      yaml_node_t *k = NULL;
      const char *name = NULL;
      if ((st = map_name(L, x, i, f, "a parameter name", &name, &k, f2)) != REMIT_OK) {
        return st;
      }
      if (spec_has_params(L) && remit_spec_param_index(L->spec, name) < 0) {
        return remit__yaml_fail(&L->y, k, f2, "unknown parameter of model %s (see `remit params`)",
                                L->spec->name);
      }
      if ((st = remit__yaml_get_num(&L->y, remit__yaml_node_at(&L->y, pr->value), f2, 0.0, 10.0, 0,
                                    &p->iiv[i].cv)) != REMIT_OK) {
        return st;
      }
      if (!(p->iiv[i].param = sdup(L, name))) {
        return REMIT_ERR_NOMEM;
      }
      p->n_iiv++;
    }
  }
  if ((x = remit__yaml_map_get(&L->y, n, "correlation"))) {
    remit__yaml_join(f, field, "correlation");
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
            st = remit__yaml_fail(&L->y, e[i].node, e[i].field,
                                  "unknown parameter '%s' of model %s", ab[s], L->spec->name);
          } else if (!(iiv_cv(p, L->spec, ab[s]) > 0.0)) {
            st = remit__yaml_fail(
                &L->y, e[i].node, e[i].field,
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
      p->iiv_corr_a = remit__calloc(L->y.ctx, (size_t)ne, sizeof(char *));
      p->iiv_corr_b = remit__calloc(L->y.ctx, (size_t)ne, sizeof(char *));
      p->iiv_corr = remit__calloc(L->y.ctx, (size_t)ne, sizeof(double));
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
    remit__free(L->y.ctx, e);
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
  char f[REMIT__YAML_FIELD_LEN], f2[REMIT__YAML_FIELD_LEN], allowed[200];
  remit_status st;
  if (!n) {
    return remit__yaml_missing(&L->y, L->root, "", "population",
                               "a mapping with n_enrol or n_screen");
  }
  if ((st = remit__yaml_check_map(&L->y, n, field, keys)) != REMIT_OK) {
    return st;
  }
  yaml_node_t *x;
  if ((x = remit__yaml_map_get(&L->y, n, "n_enrol"))) {
    if ((st = remit__yaml_get_int(&L->y, x, "population.n_enrol", 1, REMIT_SCENARIO_MAX_N,
                                  &d->n_enrol)) != REMIT_OK) {
      return st;
    }
  }
  if ((x = remit__yaml_map_get(&L->y, n, "n_screen"))) {
    if ((st = remit__yaml_get_int(&L->y, x, "population.n_screen", 1, REMIT_SCENARIO_MAX_N,
                                  &d->n_screen)) != REMIT_OK) {
      return st;
    }
    if (d->n_enrol > 0 && d->n_screen < d->n_enrol) {
      return remit__yaml_fail(&L->y, x, "population.n_screen",
                              "expected at least n_enrol (%d), got %d", d->n_enrol, d->n_screen);
    }
  }
  if (d->n_enrol == 0 && d->n_screen == 0) {
    return remit__yaml_missing(&L->y, n, field, "n_enrol",
                               "n_enrol or n_screen, a whole number of patients in [1, 1e8]");
  }
  if ((x = remit__yaml_map_get(&L->y, n, "covariates"))) {
    if (x->type != YAML_MAPPING_NODE) {
      char g[64];
      cov_list(allowed, sizeof allowed);
      return remit__yaml_fail(&L->y, x, "population.covariates",
                              "expected a mapping with keys from: %s; got %s", allowed,
                              remit__yaml_got(x, g, sizeof g));
    }
    if ((st = remit__yaml_check_map(&L->y, x, "population.covariates", cov_names)) != REMIT_OK) {
      return st;
    }
    for (yaml_node_pair_t *pr = x->data.mapping.pairs.start; pr < x->data.mapping.pairs.top;
         pr++) {
      const char *name = remit__yaml_scalar(remit__yaml_node_at(&L->y, pr->key));
      int c = remit_covariate_index(name);
      remit__yaml_join(f, "population.covariates", name);
      if ((st = parse_dist(L, remit__yaml_node_at(&L->y, pr->value), f, &covs[c], name,
                           &p->covariates[c])) != REMIT_OK) {
        return st;
      }
    }
  }
  if ((x = remit__yaml_map_get(&L->y, n, "correlation"))) {
    corr_entry *e = NULL;
    int ne = 0;
    if ((st = read_corr(L, x, "population.correlation", &e, &ne)) != REMIT_OK) {
      return st;
    }
    for (int i = 0; i < ne && st == REMIT_OK; i++) {
      int a = remit_covariate_index(e[i].a), b = remit_covariate_index(e[i].b);
      if (a < 0 || b < 0) {
        cov_list(allowed, sizeof allowed);
        st = remit__yaml_fail(&L->y, e[i].node, e[i].field,
                              "unknown covariate '%s' (expected one of: %s)",
                              a < 0 ? e[i].a : e[i].b, allowed);
      } else {
        p->correlation[a][b] = p->correlation[b][a] = e[i].r;
      }
    }
    if (st == REMIT_OK) {
      st = check_corr_pd(L, x, "population.correlation", e, ne);
    }
    remit__free(L->y.ctx, e);
    if (st != REMIT_OK) {
      return st;
    }
  }
  if ((x = remit__yaml_map_get(&L->y, n, "eligibility"))) {
    if ((st = remit__yaml_check_seq(&L->y, x, "population.eligibility", 0, 100, "criteria")) !=
        REMIT_OK) {
      return st;
    }
    int len = remit__yaml_seq_len(x);
    p->eligibility = remit__calloc(L->y.ctx, (size_t)len + 1, sizeof(*p->eligibility));
    if (!p->eligibility) {
      return REMIT_ERR_NOMEM;
    }
    for (int i = 0; i < len; i++) {
      remit__yaml_join_index(f2, "population.eligibility", i);
      if ((st = parse_criterion(L, remit__yaml_seq_at(&L->y, x, i), f2, &p->eligibility[i])) !=
          REMIT_OK) {
        return st;
      }
      p->n_eligibility = i + 1;
    }
  }
  if ((x = remit__yaml_map_get(&L->y, n, "iiv"))) {
    if ((st = parse_iiv(L, x, "population.iiv")) != REMIT_OK) {
      return st;
    }
  }
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Regimens and arms                                                         */
/* ------------------------------------------------------------------------ */

static void free_items(remit_context *ctx, remit_regimen_item *it, int n) {
  for (int i = 0; it && i < n; i++) {
    remit__free(ctx, it[i].input);
  }
  remit__free(ctx, it);
}

static void input_list(const remit_model_spec *spec, char *b, size_t n) {
  size_t used = 0;
  b[0] = '\0';
  for (int i = 0; i < spec->n_inputs && used + 1 < n; i++) {
    int w = snprintf(b + used, n - used, "%s%s", i ? ", " : "", spec->inputs[i].name);
    if (w < 0) {
      break;
    }
    used += (size_t)w;
  }
}

static int spec_has_inputs(const loader *L) { return L->spec && L->spec->n_inputs > 0; }

static remit_status parse_item(loader *L, const yaml_node_t *n, const char *field,
                               remit_regimen_item *it) {
  static const char *const keys[] = {"input", "day", "amount", "duration", "every", "count", NULL};
  char f[REMIT__YAML_FIELD_LEN], list[400];
  remit_status st = remit__yaml_check_map(&L->y, n, field, keys);
  if (st != REMIT_OK) {
    return st;
  }
  double follow = L->s->design.followup_days;
  yaml_node_t *x = remit__yaml_map_get(&L->y, n, "input");
  const char *input = NULL;
  const remit_input *in = NULL;
  if (!x) {
    return remit__yaml_missing(&L->y, n, field, "input", "the name of a model input, e.g. cart19");
  }
  remit__yaml_join(f, field, "input");
  if ((st = remit__yaml_get_str(&L->y, x, f, "the name of a model input", &input)) != REMIT_OK) {
    return st;
  }
  if (spec_has_inputs(L)) {
    int k = remit_spec_input_index(L->spec, input);
    if (k < 0) {
      input_list(L->spec, list, sizeof list);
      return remit__yaml_fail(&L->y, x, f, "unknown input '%s' of model %s (expected one of: %s)",
                              input, L->spec->name, list);
    }
    in = &L->spec->inputs[k];
  }
  if (!(x = remit__yaml_map_get(&L->y, n, "day"))) {
    return remit__yaml_missing(&L->y, n, field, "day", "the day of the (first) dose");
  }
  remit__yaml_join(f, field, "day");
  if ((st = get_day(L, x, f, REMIT_SCENARIO_DAY_MIN, follow, &it->day)) != REMIT_OK) {
    return st;
  }
  if (!(x = remit__yaml_map_get(&L->y, n, "amount"))) {
    return remit__yaml_missing(&L->y, n, field, "amount",
                               in ? in->unit : "an amount in the input's unit");
  }
  remit__yaml_join(f, field, "amount");
  if ((st = remit__yaml_get_num(&L->y, x, f, 0.0, in ? in->max_amount : 1e15, 0, &it->amount)) !=
      REMIT_OK) {
    return st;
  }
  it->duration = 0.0;
  yaml_node_t *dn = remit__yaml_map_get(&L->y, n, "duration");
  remit__yaml_join(f, field, "duration");
  if (dn && (st = remit__yaml_get_num(&L->y, dn, f, 0.0, REMIT_SCENARIO_DAY_MAX, 0,
                                      &it->duration)) != REMIT_OK) {
    return st;
  }
  if (in && in->kind == REMIT_INPUT_RATE && !(it->duration > 0.0)) {
    if (!dn) {
      return remit__yaml_missing(&L->y, n, field, "duration",
                                 "days > 0: this input is a daily rate");
    }
    return remit__yaml_fail(&L->y, dn, f,
                            "expected days > 0 (%s is given as %s over a duration), got %g", input,
                            in->unit, it->duration);
  }
  if (in && in->kind == REMIT_INPUT_BOLUS && it->duration != 0.0) {
    return remit__yaml_fail(&L->y, dn, f,
                            "expected 0 or no duration (%s is a single dose in %s), got %g", input,
                            in->unit, it->duration);
  }
  it->every = 0.0;
  if ((x = remit__yaml_map_get(&L->y, n, "every"))) {
    remit__yaml_join(f, field, "every");
    if ((st = remit__yaml_get_num(&L->y, x, f, 0.0, REMIT_SCENARIO_DAY_MAX, 0, &it->every)) !=
        REMIT_OK) {
      return st;
    }
  }
  it->count = it->every > 0.0 ? 0 : 1;
  if ((x = remit__yaml_map_get(&L->y, n, "count"))) {
    remit__yaml_join(f, field, "count");
    if ((st = remit__yaml_get_int(&L->y, x, f, 0, REMIT_SCENARIO_MAX_LIST, &it->count)) !=
        REMIT_OK) {
      return st;
    }
    if (it->every == 0.0 && it->count != 1) {
      return remit__yaml_fail(&L->y, x, f, "expected 1 (give every > 0 to repeat a dose), got %d",
                              it->count);
    }
    if (it->count > 1 && it->day + it->every * (it->count - 1) > follow) {
      return remit__yaml_fail(&L->y, x, f,
                              "expected the last dose (day %g) within follow-up (day %g)",
                              it->day + it->every * (it->count - 1), follow);
    }
  }
  if (!(it->input = sdup(L, input))) {
    return REMIT_ERR_NOMEM;
  }
  return REMIT_OK;
}

static remit_status parse_regimen(loader *L, const yaml_node_t *n, const char *field,
                                  remit_regimen_item **out, int *n_out) {
  remit_status st =
      remit__yaml_check_seq(&L->y, n, field, 0, REMIT_SCENARIO_MAX_LIST, "regimen items");
  if (st != REMIT_OK) {
    return st;
  }
  int len = remit__yaml_seq_len(n);
  remit_regimen_item *it = remit__calloc(L->y.ctx, (size_t)len + 1, sizeof(*it));
  if (!it) {
    return REMIT_ERR_NOMEM;
  }
  char f[REMIT__YAML_FIELD_LEN];
  for (int i = 0; i < len; i++) {
    remit__yaml_join_index(f, field, i);
    if ((st = parse_item(L, remit__yaml_seq_at(&L->y, n, i), f, &it[i])) != REMIT_OK) {
      free_items(L->y.ctx, it, i + 1);
      return st;
    }
  }
  *out = it;
  *n_out = len;
  return REMIT_OK;
}

static remit_status parse_arm(loader *L, const yaml_node_t *n, const char *field,
                              remit_arm *arm) {
  static const char *const keys[] = {"name", "ratio", "placebo", "regimen", "dose_levels", NULL};
  char f[REMIT__YAML_FIELD_LEN];
  remit_status st = remit__yaml_check_map(&L->y, n, field, keys);
  if (st != REMIT_OK) {
    return st;
  }
  yaml_node_t *x = remit__yaml_map_get(&L->y, n, "name");
  const char *name = NULL;
  if (!x) {
    return remit__yaml_missing(&L->y, n, field, "name", "the arm's name");
  }
  remit__yaml_join(f, field, "name");
  if ((st = remit__yaml_get_str(&L->y, x, f, "the arm's name", &name)) != REMIT_OK) {
    return st;
  }
  if (!(arm->name = sdup(L, name))) {
    return REMIT_ERR_NOMEM;
  }
  arm->ratio = 1.0;
  if ((x = remit__yaml_map_get(&L->y, n, "ratio"))) {
    remit__yaml_join(f, field, "ratio");
    if ((st = remit__yaml_get_num(&L->y, x, f, 0.0, 1000.0, 1, &arm->ratio)) != REMIT_OK) {
      return st;
    }
  }
  if ((x = remit__yaml_map_get(&L->y, n, "placebo"))) {
    remit__yaml_join(f, field, "placebo");
    if ((st = remit__yaml_get_bool(&L->y, x, f, &arm->placebo)) != REMIT_OK) {
      return st;
    }
  }
  remit_regimen_item *own = NULL;
  int n_own = 0;
  yaml_node_t *rn = remit__yaml_map_get(&L->y, n, "regimen");
  remit__yaml_join(f, field, "regimen");
  if (rn && (st = parse_regimen(L, rn, f, &own, &n_own)) != REMIT_OK) {
    return st;
  }
  if (!arm->placebo && n_own == 0) {
    free_items(L->y.ctx, own, n_own);
    if (!rn) {
      return remit__yaml_missing(&L->y, n, field, "regimen", "a list of doses (or placebo: true)");
    }
    return remit__yaml_fail(&L->y, rn, f,
                            "expected at least one dose for an active arm (or placebo: true)");
  }
  /* The arm's own items first, then standard care. */
  int total = n_own + L->n_soc;
  arm->regimen = remit__calloc(L->y.ctx, (size_t)total + 1, sizeof(*arm->regimen));
  if (!arm->regimen) {
    free_items(L->y.ctx, own, n_own);
    return REMIT_ERR_NOMEM;
  }
  for (int i = 0; i < n_own; i++) {
    arm->regimen[i] = own[i]; /* takes the input strings */
  }
  remit__free(L->y.ctx, own);
  arm->n_regimen = n_own;
  for (int i = 0; i < L->n_soc; i++) {
    remit_regimen_item *it = &arm->regimen[n_own + i];
    *it = L->soc[i];
    if (!(it->input = sdup(L, L->soc[i].input))) {
      return REMIT_ERR_NOMEM;
    }
    arm->n_regimen++;
  }
  if ((x = remit__yaml_map_get(&L->y, n, "dose_levels"))) {
    remit__yaml_join(f, field, "dose_levels");
    if (n_own == 0) {
      return remit__yaml_fail(&L->y, x, f,
                              "expected no dose levels on an arm without its own regimen");
    }
    /* The levels replace the amount of the arm's first cell-product dose,
     * which is the dose the trial engine escalates. */
    int prod = -1;
    for (int i = 0; i < n_own && prod < 0; i++) {
      const char *in = arm->regimen[i].input;
      if (strcmp(in, "cart19") == 0 || strcmp(in, "cart_bcma19") == 0 || strcmp(in, "msc") == 0) {
        prod = i;
      }
    }
    if (prod < 0) {
      return remit__yaml_fail(
          &L->y, x, f,
          "expected dose levels only on an arm whose regimen has a cell product "
          "(cart19, cart_bcma19 or msc) to escalate");
    }
    int k = spec_has_inputs(L) ? remit_spec_input_index(L->spec, arm->regimen[prod].input) : -1;
    double hi = k >= 0 ? L->spec->inputs[k].max_amount : 1e15;
    if ((st = get_num_list(L, x, f, 1, 0.0, hi, 1, &arm->dose_levels, &arm->n_dose_levels)) !=
        REMIT_OK) {
      return st;
    }
    for (int i = 1; i < arm->n_dose_levels; i++) {
      if (!(arm->dose_levels[i] > arm->dose_levels[i - 1])) {
        char f2[REMIT__YAML_FIELD_LEN];
        remit__yaml_join_index(f2, f, i);
        return remit__yaml_fail(&L->y, remit__yaml_seq_at(&L->y, x, i), f2,
                                "expected ascending dose levels, got %g after %g",
                                arm->dose_levels[i], arm->dose_levels[i - 1]);
      }
    }
  }
  return REMIT_OK;
}

static remit_status parse_arms(loader *L, const yaml_node_t *n) {
  remit_scenario *s = L->s;
  remit_status st;
  char f[REMIT__YAML_FIELD_LEN];
  if (!n) {
    return remit__yaml_missing(&L->y, L->root, "", "arms",
                               "a list of arms, each with a name and a regimen");
  }
  if ((st = remit__yaml_check_seq(&L->y, n, "arms", 1, REMIT_SCENARIO_MAX_ARMS, "arms")) !=
      REMIT_OK) {
    return st;
  }
  int len = remit__yaml_seq_len(n);
  s->arms = remit__calloc(L->y.ctx, (size_t)len, sizeof(*s->arms));
  L->arm_nodes = remit__calloc(L->y.ctx, (size_t)len, sizeof(*L->arm_nodes));
  if (!s->arms || !L->arm_nodes) {
    return REMIT_ERR_NOMEM;
  }
  for (int i = 0; i < len; i++) {
    yaml_node_t *an = remit__yaml_seq_at(&L->y, n, i);
    L->arm_nodes[i] = an;
    remit__yaml_join_index(f, "arms", i);
    s->n_arms = i + 1;
    if ((st = parse_arm(L, an, f, &s->arms[i])) != REMIT_OK) {
      return st;
    }
    for (int j = 0; j < i; j++) {
      if (strcmp(s->arms[j].name, s->arms[i].name) == 0) {
        char f2[REMIT__YAML_FIELD_LEN];
        remit__yaml_join(f2, f, "name");
        return remit__yaml_fail(&L->y, remit__yaml_map_get(&L->y, an, "name"), f2,
                                "expected a unique arm name, '%s' is taken", s->arms[i].name);
      }
    }
  }
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Design                                                                    */
/* ------------------------------------------------------------------------ */

static const char *const design_names[] = {"single_arm", "parallel", "escalation_3p3",
                                           "escalation_cohorts", NULL};

static int discrete(const remit_dist *d) {
  return d->kind == REMIT_DIST_FIXED || d->kind == REMIT_DIST_CATEGORICAL ||
         d->kind == REMIT_DIST_EMPIRICAL;
}

static remit_status parse_design(loader *L, const yaml_node_t *n) {
  static const char *const keys[] = {"kind",           "block_size",      "strata",
                                     "centres",        "cohort_size",     "dlt_crs_grade",
                                     "dlt_window_days", "dropout_per_year", "followup_days",
                                     NULL};
  remit_design *d = &L->s->design;
  char f[REMIT__YAML_FIELD_LEN], f2[REMIT__YAML_FIELD_LEN], allowed[200];
  remit_status st;
  if (!n) {
    return REMIT_OK;
  }
  if ((st = remit__yaml_check_map(&L->y, n, "design", keys)) != REMIT_OK) {
    return st;
  }
  yaml_node_t *x;
  if ((x = L->kind_node = remit__yaml_map_get(&L->y, n, "kind"))) {
    int i = 0;
    if ((st = get_name(L, x, "design.kind", "design", design_names, &i)) != REMIT_OK) {
      return st;
    }
    d->kind = (remit_design_kind)i;
  }
  if ((x = L->block_node = remit__yaml_map_get(&L->y, n, "block_size"))) {
    if ((st = remit__yaml_get_int(&L->y, x, "design.block_size", 0, 1000, &d->block_size)) !=
        REMIT_OK) {
      return st;
    }
  }
  if ((x = L->cohort_node = remit__yaml_map_get(&L->y, n, "cohort_size"))) {
    if ((st = remit__yaml_get_int(&L->y, x, "design.cohort_size", 1, 1000, &d->cohort_size)) !=
        REMIT_OK) {
      return st;
    }
  }
  if ((x = remit__yaml_map_get(&L->y, n, "dlt_crs_grade"))) {
    if ((st = remit__yaml_get_int(&L->y, x, "design.dlt_crs_grade", 1, 5, &d->dlt_crs_grade)) !=
        REMIT_OK) {
      return st;
    }
  }
  if ((x = remit__yaml_map_get(&L->y, n, "dlt_window_days"))) {
    if ((st = remit__yaml_get_int(&L->y, x, "design.dlt_window_days", 1, 365,
                                  &d->dlt_window_days)) != REMIT_OK) {
      return st;
    }
  }
  if ((x = remit__yaml_map_get(&L->y, n, "dropout_per_year"))) {
    if ((st = remit__yaml_get_num(&L->y, x, "design.dropout_per_year", 0.0, 10.0, 0,
                                  &d->dropout_per_year)) != REMIT_OK) {
      return st;
    }
  }
  if ((x = L->followup_node = remit__yaml_map_get(&L->y, n, "followup_days"))) {
    if ((st = remit__yaml_get_num(&L->y, x, "design.followup_days", 0.0, REMIT_SCENARIO_DAY_MAX, 1,
                                  &d->followup_days)) != REMIT_OK) {
      return st;
    }
  }
  if ((x = L->strata_node = remit__yaml_map_get(&L->y, n, "strata"))) {
    if ((st = remit__yaml_check_seq(&L->y, x, "design.strata", 1, REMIT_N_COVARIATES,
                                    "covariate names")) != REMIT_OK) {
      return st;
    }
    int len = remit__yaml_seq_len(x);
    d->strata = remit__calloc(L->y.ctx, (size_t)len, sizeof(*d->strata));
    if (!d->strata) {
      return REMIT_ERR_NOMEM;
    }
    for (int i = 0; i < len; i++) {
      const char *name = NULL;
      yaml_node_t *it = remit__yaml_seq_at(&L->y, x, i);
      remit__yaml_join_index(f, "design.strata", i);
      if ((st = remit__yaml_get_str(&L->y, it, f, "a covariate name", &name)) != REMIT_OK) {
        return st;
      }
      int c = remit_covariate_index(name);
      if (c < 0) {
        cov_list(allowed, sizeof allowed);
        return remit__yaml_fail(&L->y, it, f, "unknown covariate '%s' (expected one of: %s)", name,
                                allowed);
      }
      if (!discrete(&L->s->population.covariates[c])) {
        return remit__yaml_fail(
            &L->y, it, f,
            "expected a covariate with discrete values (fixed, categorical or empirical); "
            "%s is continuous in this population",
            name);
      }
      for (int j = 0; j < i; j++) {
        if (d->strata[j] == (remit_covariate)c) {
          return remit__yaml_fail(&L->y, it, f, "stratum '%s' given twice", name);
        }
      }
      d->strata[i] = (remit_covariate)c;
      d->n_strata = i + 1;
    }
  }
  if ((x = remit__yaml_map_get(&L->y, n, "centres"))) {
    static const char *const ckeys[] = {"name", "weight", NULL};
    if ((st = remit__yaml_check_seq(&L->y, x, "design.centres", 1, REMIT_SCENARIO_MAX_CENTRES,
                                    "centres")) != REMIT_OK) {
      return st;
    }
    int len = remit__yaml_seq_len(x);
    d->centres = remit__calloc(L->y.ctx, (size_t)len, sizeof(*d->centres));
    if (!d->centres) {
      return REMIT_ERR_NOMEM;
    }
    double sum = 0.0;
    for (int i = 0; i < len; i++) {
      yaml_node_t *c = remit__yaml_seq_at(&L->y, x, i), *y;
      remit__yaml_join_index(f, "design.centres", i);
      if ((st = remit__yaml_check_map(&L->y, c, f, ckeys)) != REMIT_OK) {
        return st;
      }
      const char *name = NULL;
      if (!(y = remit__yaml_map_get(&L->y, c, "name"))) {
        return remit__yaml_missing(&L->y, c, f, "name", "the centre's name");
      }
      remit__yaml_join(f2, f, "name");
      if ((st = remit__yaml_get_str(&L->y, y, f2, "the centre's name", &name)) != REMIT_OK) {
        return st;
      }
      for (int j = 0; j < i; j++) {
        if (strcmp(d->centres[j].name, name) == 0) {
          return remit__yaml_fail(&L->y, y, f2, "expected a unique centre name, '%s' is taken",
                                  name);
        }
      }
      if (!(d->centres[i].name = sdup(L, name))) {
        return REMIT_ERR_NOMEM;
      }
      d->n_centres = i + 1;
      d->centres[i].weight = 1.0;
      if ((y = remit__yaml_map_get(&L->y, c, "weight"))) {
        remit__yaml_join(f2, f, "weight");
        if ((st = remit__yaml_get_num(&L->y, y, f2, 0.0, 1e6, 1, &d->centres[i].weight)) !=
            REMIT_OK) {
          return st;
        }
      }
      sum += d->centres[i].weight;
    }
    /* Weights are relative; stored as shares of enrolment. */
    for (int i = 0; i < len; i++) {
      d->centres[i].weight /= sum;
    }
  }
  return REMIT_OK;
}

/* Rules that relate the design to the arms. */
static remit_status check_design(loader *L, int kind_given) {
  remit_scenario *s = L->s;
  remit_design *d = &s->design;
  const char *kf = "design.kind";
  yaml_node_t *kn = L->kind_node ? L->kind_node : L->arms_node;
  char f[REMIT__YAML_FIELD_LEN];
  if (!kind_given) {
    d->kind = s->n_arms == 1 ? REMIT_DESIGN_SINGLE_ARM : REMIT_DESIGN_PARALLEL;
  }
  int esc = d->kind == REMIT_DESIGN_ESCALATION_3P3 || d->kind == REMIT_DESIGN_ESCALATION_COHORTS;
  if (d->kind == REMIT_DESIGN_SINGLE_ARM && s->n_arms != 1) {
    return remit__yaml_fail(&L->y, kn, kf,
                            "expected exactly one arm for a single_arm design, got %d", s->n_arms);
  }
  if (d->kind == REMIT_DESIGN_PARALLEL && s->n_arms < 2) {
    return remit__yaml_fail(&L->y, kn, kf,
                            "expected at least two arms for a parallel design, got %d", s->n_arms);
  }
  if (esc && s->arms[0].n_dose_levels < 1) {
    return remit__yaml_missing(&L->y, L->arm_nodes[0], "arms[0]", "dose_levels",
                               "the dose levels an escalation design steps through");
  }
  for (int i = esc ? 1 : 0; i < s->n_arms; i++) {
    if (s->arms[i].n_dose_levels > 0) {
      remit__yaml_join_index(f, "arms", i);
      char f2[REMIT__YAML_FIELD_LEN];
      remit__yaml_join(f2, f, "dose_levels");
      return remit__yaml_fail(
          &L->y, remit__yaml_map_get(&L->y, L->arm_nodes[i], "dose_levels"), f2,
          "expected no dose levels: only the first arm of an escalation design has them");
    }
  }
  if (d->kind == REMIT_DESIGN_ESCALATION_3P3 && L->cohort_node && d->cohort_size != 3) {
    return remit__yaml_fail(&L->y, L->cohort_node, "design.cohort_size",
                            "expected 3 for a 3+3 design (or use escalation_cohorts), got %d",
                            d->cohort_size);
  }
  if (d->block_size > 0) {
    if (d->kind != REMIT_DESIGN_PARALLEL) {
      return remit__yaml_fail(&L->y, L->block_node, "design.block_size",
                              "expected 0: block randomisation needs a parallel design");
    }
    double sum = 0.0;
    for (int i = 0; i < s->n_arms; i++) {
      if (s->arms[i].ratio != floor(s->arms[i].ratio)) {
        return remit__yaml_fail(
            &L->y, L->block_node, "design.block_size",
            "expected whole-number arm ratios with blocks; arm '%s' has ratio %g", s->arms[i].name,
            s->arms[i].ratio);
      }
      sum += s->arms[i].ratio;
    }
    if (fmod((double)d->block_size, sum) != 0.0) {
      return remit__yaml_fail(&L->y, L->block_node, "design.block_size",
                              "expected a multiple of the sum of the arm ratios (%g), got %d", sum,
                              d->block_size);
    }
  }
  if (d->n_strata > 0 && d->kind != REMIT_DESIGN_PARALLEL) {
    return remit__yaml_fail(&L->y, L->strata_node, "design.strata",
                            "expected no strata: stratified randomisation needs a parallel design");
  }
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Visits, endpoints, noise, output, parameters                              */
/* ------------------------------------------------------------------------ */

static remit_status grid_visits(loader *L, const yaml_node_t *n, double from, double every,
                                double until, int add_until) {
  remit_scenario *s = L->s;
  double cnt = floor((until - from) / every + 1e-9) + 1.0;
  if (cnt + 1.0 > REMIT_SCENARIO_MAX_LIST) {
    return remit__yaml_fail(&L->y, n, "visits", "expected at most %d visits, got %.0f",
                            REMIT_SCENARIO_MAX_LIST, cnt);
  }
  int k = (int)cnt;
  s->visits = remit__calloc(L->y.ctx, (size_t)k + 1, sizeof(double));
  if (!s->visits) {
    return REMIT_ERR_NOMEM;
  }
  for (int i = 0; i < k; i++) {
    s->visits[i] = from + every * i;
  }
  s->n_visits = k;
  if (add_until && s->visits[k - 1] < until) {
    s->visits[s->n_visits++] = until;
  }
  return REMIT_OK;
}

static remit_status parse_visits(loader *L, const yaml_node_t *n) {
  static const char *const keys[] = {"from", "every", "until", NULL};
  remit_scenario *s = L->s;
  double follow = s->design.followup_days;
  remit_status st;
  char f[REMIT__YAML_FIELD_LEN], g[64];
  if (!n) {
    return grid_visits(L, L->root, 0.0, 28.0, follow, 1);
  }
  if (n->type == YAML_SEQUENCE_NODE) {
    if ((st = get_num_list(L, n, "visits", 1, REMIT_SCENARIO_DAY_MIN, follow, 0, &s->visits,
                           &s->n_visits)) != REMIT_OK) {
      return st;
    }
    for (int i = 1; i < s->n_visits; i++) {
      if (!(s->visits[i] > s->visits[i - 1])) {
        remit__yaml_join_index(f, "visits", i);
        return remit__yaml_fail(&L->y, remit__yaml_seq_at(&L->y, n, i), f,
                                "expected ascending days, got %g after %g", s->visits[i],
                                s->visits[i - 1]);
      }
    }
    return REMIT_OK;
  }
  if (n->type != YAML_MAPPING_NODE) {
    return remit__yaml_fail(&L->y, n, "visits",
                            "expected a list of days or a mapping {from, every, until}, got %s",
                            remit__yaml_got(n, g, sizeof g));
  }
  if ((st = remit__yaml_check_map(&L->y, n, "visits", keys)) != REMIT_OK) {
    return st;
  }
  double from = 0.0, every = 0.0, until = follow;
  yaml_node_t *x;
  if ((x = remit__yaml_map_get(&L->y, n, "from")) &&
      (st = get_day(L, x, "visits.from", REMIT_SCENARIO_DAY_MIN, follow, &from)) != REMIT_OK) {
    return st;
  }
  if (!(x = remit__yaml_map_get(&L->y, n, "every"))) {
    return remit__yaml_missing(&L->y, n, "visits", "every", "days between visits");
  }
  if ((st = remit__yaml_get_num(&L->y, x, "visits.every", 0.0, REMIT_SCENARIO_DAY_MAX, 1,
                                &every)) != REMIT_OK) {
    return st;
  }
  if ((x = remit__yaml_map_get(&L->y, n, "until")) &&
      (st = get_day(L, x, "visits.until", from, follow, &until)) != REMIT_OK) {
    return st;
  }
  return grid_visits(L, n, from, every, until, 0);
}

static remit_status parse_endpoints(loader *L, const yaml_node_t *n) {
  static const char *const keys[] = {"name", "kind", "day", "threshold", "primary", "flare", NULL};
  remit_scenario *s = L->s;
  double follow = s->design.followup_days;
  char f[REMIT__YAML_FIELD_LEN], f2[REMIT__YAML_FIELD_LEN];
  remit_status st;
  if (!n) {
    return remit__yaml_missing(&L->y, L->root, "", "endpoints", "a list of endpoints {kind, day}");
  }
  if ((st = remit__yaml_check_seq(&L->y, n, "endpoints", 1, 1000, "endpoints")) != REMIT_OK) {
    return st;
  }
  int len = remit__yaml_seq_len(n);
  s->endpoints = remit__calloc(L->y.ctx, (size_t)len, sizeof(*s->endpoints));
  if (!s->endpoints) {
    return REMIT_ERR_NOMEM;
  }
  for (int i = 0; i < len; i++) {
    yaml_node_t *e = remit__yaml_seq_at(&L->y, n, i), *x;
    remit_endpoint *ep = &s->endpoints[i];
    remit__yaml_join_index(f, "endpoints", i);
    if ((st = remit__yaml_check_map(&L->y, e, f, keys)) != REMIT_OK) {
      return st;
    }
    const char *name = NULL;
    if (!(x = remit__yaml_map_get(&L->y, e, "kind"))) {
      return remit__yaml_missing(&L->y, e, f, "kind", "an endpoint kind, e.g. sri4");
    }
    remit__yaml_join(f2, f, "kind");
    int k = -1;
    if ((st = get_name(L, x, f2, "endpoint kind", ep_names, &k)) != REMIT_OK) {
      return st;
    }
    ep->kind = (remit_endpoint_kind)k;
    name = ep_names[k];
    if ((x = remit__yaml_map_get(&L->y, e, "name"))) {
      remit__yaml_join(f2, f, "name");
      if ((st = remit__yaml_get_str(&L->y, x, f2, "the endpoint's label", &name)) != REMIT_OK) {
        return st;
      }
    }
    for (int j = 0; j < i; j++) {
      if (strcmp(s->endpoints[j].name, name) == 0) {
        remit__yaml_join(f2, f, "name");
        return remit__yaml_fail(
            &L->y, x ? x : e, f2,
            "expected a unique endpoint name, '%s' is taken (give this one a name)", name);
      }
    }
    if (!(ep->name = sdup(L, name))) {
      return REMIT_ERR_NOMEM;
    }
    s->n_endpoints = i + 1;
    if (!(x = remit__yaml_map_get(&L->y, e, "day"))) {
      return remit__yaml_missing(&L->y, e, f, "day", "the assessment day (or window end)");
    }
    remit__yaml_join(f2, f, "day");
    if ((st = get_day(L, x, f2, 0.0, follow, &ep->day)) != REMIT_OK) {
      if (remit__yaml_is_plain_scalar(x)) {
        double v = strtod(remit__yaml_scalar(x), NULL);
        if (v > follow && v <= REMIT_SCENARIO_DAY_MAX) {
          return remit__yaml_fail(
              &L->y, x, f2, "expected a day within follow-up (design.followup_days = %g), got %g",
              follow, v);
        }
      }
      return st;
    }
    ep->threshold = ep_default_threshold(ep->kind);
    if ((x = remit__yaml_map_get(&L->y, e, "threshold"))) {
      remit__yaml_join(f2, f, "threshold");
      if (ep_threshold_is_grade(ep->kind)) {
        int gr = 0;
        if ((st = remit__yaml_get_int(&L->y, x, f2, 1, 5, &gr)) != REMIT_OK) {
          return st;
        }
        ep->threshold = gr;
      } else if ((st = remit__yaml_get_num(&L->y, x, f2, 0.0, 1e6, 0, &ep->threshold)) !=
                 REMIT_OK) {
        return st;
      }
    }
    if ((x = remit__yaml_map_get(&L->y, e, "primary"))) {
      remit__yaml_join(f2, f, "primary");
      if ((st = remit__yaml_get_bool(&L->y, x, f2, &ep->primary)) != REMIT_OK) {
        return st;
      }
    }
    ep->flare = REMIT_FLARE_SLEDAI;
    if ((x = remit__yaml_map_get(&L->y, e, "flare"))) {
      remit__yaml_join(f2, f, "flare");
      if (ep->kind != REMIT_EP_FLARE && ep->kind != REMIT_EP_RELAPSE &&
          ep->kind != REMIT_EP_FLARE_COUNT && ep->kind != REMIT_EP_FLARE_ANY) {
        return remit__yaml_fail(&L->y, x, f2,
                                "a flare definition applies to the kinds flare, relapse, "
                                "flare_count and flare_any, not %s",
                                ep_names[ep->kind]);
      }
      int d = 0;
      if ((st = get_name(L, x, f2, "flare definition", flare_names, &d)) != REMIT_OK) {
        return st;
      }
      ep->flare = (remit_flare_def)d;
    }
  }
  return REMIT_OK;
}

static remit_status parse_noise(loader *L, const yaml_node_t *n) {
  static const char *const keys[] = {"anti_dsdna_cv", "c3_cv",     "proteinuria_cv",
                                     "b_cells_cv",    "car_t_cv", "igg_cv", NULL};
  remit_noise *z = &L->s->noise;
  double *dst[] = {&z->anti_dsdna_cv, &z->c3_cv,    &z->proteinuria_cv,
                   &z->b_cells_cv,    &z->car_t_cv, &z->igg_cv};
  char f[REMIT__YAML_FIELD_LEN];
  remit_status st;
  if (!n) {
    return REMIT_OK;
  }
  if ((st = remit__yaml_check_map(&L->y, n, "noise", keys)) != REMIT_OK) {
    return st;
  }
  for (int i = 0; keys[i]; i++) {
    yaml_node_t *x = remit__yaml_map_get(&L->y, n, keys[i]);
    remit__yaml_join(f, "noise", keys[i]);
    if (x && (st = remit__yaml_get_num(&L->y, x, f, 0.0, 5.0, 0, dst[i])) != REMIT_OK) {
      return st;
    }
  }
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Virtual population                                                        */
/* ------------------------------------------------------------------------ */

/* vpop.targets: {readout: distribution}, each a readout of the model with a
 * density (normal, lognormal or uniform). */
static remit_status parse_vpop_targets(loader *L, const yaml_node_t *n, const char *field) {
  remit_vpop *v = &L->s->vpop;
  char f[REMIT__YAML_FIELD_LEN], g[64];
  remit_status st;
  if (!n || n->type != YAML_MAPPING_NODE) {
    return remit__yaml_fail(&L->y, n, field,
                            "expected a mapping {readout: distribution} of 1 to %d readouts, got %s",
                            REMIT_VPOP_MAX_TARGETS, remit__yaml_got(n, g, sizeof g));
  }
  int len = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
  if (len < 1 || len > REMIT_VPOP_MAX_TARGETS) {
    return remit__yaml_fail(&L->y, n, field, "expected 1 to %d readouts, got %d",
                            REMIT_VPOP_MAX_TARGETS, len);
  }
  if (!L->spec || L->spec->n_readouts == 0) {
    return remit__yaml_fail(&L->y, n, field, "model %s has no readouts to target",
                            L->spec ? L->spec->name : "?");
  }
  v->targets = remit__calloc(L->y.ctx, (size_t)len, sizeof(*v->targets));
  if (!v->targets) {
    return REMIT_ERR_NOMEM;
  }
  for (int i = 0; i < len; i++) {
    yaml_node_t *k = NULL, *x = remit__yaml_node_at(&L->y, n->data.mapping.pairs.start[i].value);
    const char *name = NULL;
    if ((st = map_name(L, n, i, field, "a readout name", &name, &k, f)) != REMIT_OK) {
      return st;
    }
    if (remit_spec_readout_index(L->spec, name) < 0) {
      return remit__yaml_fail(&L->y, k, f,
                              "unknown readout of model %s (see `remit params --list readouts`)",
                              L->spec->name);
    }
    remit_vpop_target *t = &v->targets[i];
    set_fixed(&t->dist, 0.0);
    if (!(t->readout = sdup(L, name))) {
      return REMIT_ERR_NOMEM;
    }
    v->n_targets = i + 1;
    if (remit__yaml_is_plain_scalar(x)) {
      return remit__yaml_fail(&L->y, x, f,
                              "expected a mapping with dist: normal, lognormal or uniform (a "
                              "target density), got %s",
                              remit__yaml_got(x, g, sizeof g));
    }
    if ((st = parse_dist(L, x, f, &readout_info, name, &t->dist)) != REMIT_OK) {
      return st;
    }
    remit_dist_kind kd = t->dist.kind;
    if (kd != REMIT_DIST_NORMAL && kd != REMIT_DIST_LOGNORMAL && kd != REMIT_DIST_UNIFORM) {
      yaml_node_t *dn = remit__yaml_map_get(&L->y, x, "dist");
      char fd[REMIT__YAML_FIELD_LEN];
      remit__yaml_join(fd, f, "dist");
      return remit__yaml_fail(&L->y, dn, fd,
                              "expected normal, lognormal or uniform (a target is a density), "
                              "got %s",
                              remit__yaml_got(dn, g, sizeof g));
    }
  }
  return REMIT_OK;
}

/* vpop.correlation: between the targets' normal scores (a Gaussian copula),
 * in either form of read_corr; stored as a full matrix. */
static remit_status parse_vpop_corr(loader *L, const yaml_node_t *n, const char *field) {
  remit_vpop *v = &L->s->vpop;
  int k = v->n_targets;
  corr_entry *e = NULL;
  int ne = 0;
  remit_status st = read_corr(L, n, field, &e, &ne);
  if (st != REMIT_OK) {
    return st;
  }
  v->correlation = remit__calloc(L->y.ctx, (size_t)k * (size_t)k, sizeof(double));
  if (!v->correlation) {
    remit__free(L->y.ctx, e);
    return REMIT_ERR_NOMEM;
  }
  for (int i = 0; i < k; i++) {
    v->correlation[i * k + i] = 1.0;
  }
  for (int i = 0; i < ne && st == REMIT_OK; i++) {
    int a = -1, b = -1;
    for (int j = 0; j < k; j++) {
      a = strcmp(v->targets[j].readout, e[i].a) == 0 ? j : a;
      b = strcmp(v->targets[j].readout, e[i].b) == 0 ? j : b;
    }
    if (a < 0 || b < 0) {
      st = remit__yaml_fail(&L->y, e[i].node, e[i].field,
                            "expected readouts listed under vpop.targets, got '%s'",
                            a < 0 ? e[i].a : e[i].b);
    } else {
      v->correlation[a * k + b] = v->correlation[b * k + a] = e[i].r;
    }
  }
  if (st == REMIT_OK) {
    st = check_corr_pd(L, n, field, e, ne);
  }
  remit__free(L->y.ctx, e);
  return st;
}

static remit_status parse_vpop(loader *L, const yaml_node_t *n) {
  static const char *const keys[] = {"method", "targets", "correlation", "pilot",
                                     "max_draws_per_accept", NULL};
  remit_vpop *v = &L->s->vpop;
  remit_status st;
  yaml_node_t *x;
  if (!n) {
    return REMIT_OK;
  }
  if ((st = remit__yaml_check_map(&L->y, n, "vpop", keys)) != REMIT_OK) {
    return st;
  }
  v->method = REMIT_VPOP_ACCEPTANCE;
  v->pilot = REMIT_VPOP_DEFAULT_PILOT;
  v->max_draws_per_accept = REMIT_VPOP_DEFAULT_MAX_DRAWS;
  if ((x = remit__yaml_map_get(&L->y, n, "method"))) {
    const char *t = NULL;
    if ((st = remit__yaml_get_str(&L->y, x, "vpop.method", "acceptance", &t)) != REMIT_OK) {
      return st;
    }
    if (strcmp(t, "acceptance") != 0) {
      char g[64];
      return remit__yaml_fail(&L->y, x, "vpop.method",
                              "expected acceptance (the one method; importance weights are not "
                              "implemented), got %s",
                              remit__yaml_got(x, g, sizeof g));
    }
  }
  if ((x = remit__yaml_map_get(&L->y, n, "pilot")) &&
      (st = remit__yaml_get_int(&L->y, x, "vpop.pilot", REMIT_VPOP_MIN_PILOT, REMIT_VPOP_MAX_PILOT,
                                &v->pilot)) != REMIT_OK) {
    return st;
  }
  if ((x = remit__yaml_map_get(&L->y, n, "max_draws_per_accept")) &&
      (st = remit__yaml_get_num(&L->y, x, "vpop.max_draws_per_accept", 1.0,
                                REMIT_VPOP_MAX_MAX_DRAWS, 0, &v->max_draws_per_accept)) !=
          REMIT_OK) {
    return st;
  }
  if (!(x = remit__yaml_map_get(&L->y, n, "targets"))) {
    return remit__yaml_missing(&L->y, n, "vpop", "targets",
                               "a mapping {readout: distribution}");
  }
  if ((st = parse_vpop_targets(L, x, "vpop.targets")) != REMIT_OK) {
    return st;
  }
  if ((x = remit__yaml_map_get(&L->y, n, "correlation"))) {
    return parse_vpop_corr(L, x, "vpop.correlation");
  }
  return REMIT_OK;
}

static remit_status parse_parameters(loader *L, const yaml_node_t *n) {
  remit_scenario *s = L->s;
  char f[REMIT__YAML_FIELD_LEN], g[64];
  remit_status st;
  if (n->type != YAML_MAPPING_NODE) {
    return remit__yaml_fail(&L->y, n, "parameters", "expected a mapping {parameter: value}, got %s",
                            remit__yaml_got(n, g, sizeof g));
  }
  int len = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
  s->param_overrides = remit__calloc(L->y.ctx, (size_t)len + 1, sizeof(*s->param_overrides));
  if (!s->param_overrides) {
    return REMIT_ERR_NOMEM;
  }
  for (int i = 0; i < len; i++) {
    yaml_node_pair_t *pr = &n->data.mapping.pairs.start[i];
    yaml_node_t *k = NULL;
    const char *name = NULL;
    if ((st = map_name(L, n, i, "parameters", "a parameter name", &name, &k, f)) != REMIT_OK) {
      return st;
    }
    double lo = -INFINITY, hi = INFINITY;
    if (spec_has_params(L)) {
      int p = remit_spec_param_index(L->spec, name);
      if (p < 0) {
        return remit__yaml_fail(&L->y, k, f, "unknown parameter of model %s (see `remit params`)",
                                L->spec->name);
      }
      lo = L->spec->params[p].lower;
      hi = L->spec->params[p].upper;
    }
    if ((st = remit__yaml_get_num(&L->y, remit__yaml_node_at(&L->y, pr->value), f, lo, hi, 0,
                                  &s->param_overrides[i].value)) != REMIT_OK) {
      return st;
    }
    if (!(s->param_overrides[i].param = sdup(L, name))) {
      return REMIT_ERR_NOMEM;
    }
    s->n_param_overrides = i + 1;
  }
  return REMIT_OK;
}

/* A relative parameter_set path is taken relative to the scenario's folder. */
static char *resolve_path(loader *L, const char *rel) {
  const char *slash = strrchr(L->y.path, '/');
  if (rel[0] == '/' || !slash) {
    return sdup(L, rel);
  }
  size_t dl = (size_t)(slash - L->y.path) + 1, rl = strlen(rel);
  char *p = remit__malloc(L->y.ctx, dl + rl + 1);
  if (p) {
    memcpy(p, L->y.path, dl);
    memcpy(p + dl, rel, rl + 1);
  }
  return p;
}

/* The scenario's name when the file gives none: its file name without the
 * folder and the .yaml/.yml extension. */
static char *default_name(loader *L) {
  const char *b = strrchr(L->y.path, '/');
  b = b ? b + 1 : L->y.path;
  size_t n = strlen(b);
  if (n > 5 && strcmp(b + n - 5, ".yaml") == 0) {
    n -= 5;
  } else if (n > 4 && strcmp(b + n - 4, ".yml") == 0) {
    n -= 4;
  }
  char *p = remit__malloc(L->y.ctx, n + 1);
  if (p) {
    memcpy(p, b, n);
    p[n] = '\0';
  }
  return p;
}

/* ------------------------------------------------------------------------ */
/* The whole file                                                            */
/* ------------------------------------------------------------------------ */

static remit_status parse_root(loader *L, yaml_node_t *root) {
  static const char *const keys[] = {"name",   "model",         "seed",       "replicates",
                                     "population", "arms",      "standard_care", "design",
                                     "visits", "endpoints",     "noise",      "output",
                                     "parameter_set", "parameters", "vpop", "solver", NULL};
  remit_scenario *s = L->s;
  remit_status st;
  const char *t = NULL;
  yaml_node_t *x;
  L->root = root;
  if ((st = remit__yaml_check_map(&L->y, root, "", keys)) != REMIT_OK) {
    return st;
  }
  if ((x = remit__yaml_map_get(&L->y, root, "name"))) {
    if ((st = remit__yaml_get_str(&L->y, x, "name", "the scenario's name", &t)) != REMIT_OK) {
      return st;
    }
    s->name = sdup(L, t);
  } else {
    s->name = default_name(L);
  }
  if (!s->name) {
    return REMIT_ERR_NOMEM;
  }
  t = "sle";
  if ((x = remit__yaml_map_get(&L->y, root, "model")) &&
      (st = remit__yaml_get_str(&L->y, x, "model", "sle or reference", &t)) != REMIT_OK) {
    return st;
  }
  if (strcmp(t, "sle") == 0) {
    L->spec = remit_spec_sle();
  } else if (strcmp(t, "reference") == 0) {
    L->spec = remit_spec_reference();
  } else {
    char g[64];
    return remit__yaml_fail(&L->y, x, "model", "expected sle or reference, got %s",
                            remit__yaml_got(x, g, sizeof g));
  }
  if (!(s->model = sdup(L, t))) {
    return REMIT_ERR_NOMEM;
  }
  if ((x = remit__yaml_map_get(&L->y, root, "seed")) &&
      (st = remit__yaml_get_u64(&L->y, x, "seed", &s->seed)) != REMIT_OK) {
    return st;
  }
  if ((x = remit__yaml_map_get(&L->y, root, "replicates")) &&
      (st = remit__yaml_get_int(&L->y, x, "replicates", 1, REMIT_SCENARIO_MAX_REPLICATES,
                                &s->replicates)) != REMIT_OK) {
    return st;
  }
  if ((st = parse_population(L, remit__yaml_map_get(&L->y, root, "population"))) != REMIT_OK) {
    return st;
  }
  L->design_node = remit__yaml_map_get(&L->y, root, "design");
  if ((st = parse_design(L, L->design_node)) != REMIT_OK) {
    return st;
  }
  if ((x = remit__yaml_map_get(&L->y, root, "standard_care")) &&
      (st = parse_regimen(L, x, "standard_care", &L->soc, &L->n_soc)) != REMIT_OK) {
    return st;
  }
  L->arms_node = remit__yaml_map_get(&L->y, root, "arms");
  if ((st = parse_arms(L, L->arms_node)) != REMIT_OK) {
    return st;
  }
  if ((st = check_design(L, L->kind_node != NULL)) != REMIT_OK) {
    return st;
  }
  if ((st = parse_visits(L, remit__yaml_map_get(&L->y, root, "visits"))) != REMIT_OK) {
    return st;
  }
  if ((st = parse_endpoints(L, remit__yaml_map_get(&L->y, root, "endpoints"))) != REMIT_OK) {
    return st;
  }
  if ((st = parse_noise(L, remit__yaml_map_get(&L->y, root, "noise"))) != REMIT_OK) {
    return st;
  }
  if ((x = remit__yaml_map_get(&L->y, root, "output"))) {
    static const char *const okeys[] = {"sample_trajectories", NULL};
    yaml_node_t *y;
    if ((st = remit__yaml_check_map(&L->y, x, "output", okeys)) != REMIT_OK) {
      return st;
    }
    if ((y = remit__yaml_map_get(&L->y, x, "sample_trajectories")) &&
        (st = remit__yaml_get_int(&L->y, y, "output.sample_trajectories", 0,
                                  REMIT_SCENARIO_MAX_LIST, &s->sample_trajectories)) != REMIT_OK) {
      return st;
    }
  }
  if ((x = remit__yaml_map_get(&L->y, root, "solver"))) {
    /* Relative tolerance and the factor on the model's absolute tolerances
     * (remit_sim_options).  Looser than 1e-6 trades accuracy for speed:
     * from 1e-5 outcomes near a threshold flip (docs/performance.md,
     * "Tolerance"). */
    static const char *const skeys[] = {"rtol", "atol", NULL};
    yaml_node_t *y;
    if ((st = remit__yaml_check_map(&L->y, x, "solver", skeys)) != REMIT_OK) {
      return st;
    }
    if ((y = remit__yaml_map_get(&L->y, x, "rtol")) &&
        (st = remit__yaml_get_num(&L->y, y, "solver.rtol", 1e-12, 1e-3, 0, &s->rtol)) != REMIT_OK) {
      return st;
    }
    if ((y = remit__yaml_map_get(&L->y, x, "atol")) &&
        (st = remit__yaml_get_num(&L->y, y, "solver.atol", 1e-14, 1e-3, 0, &s->atol)) != REMIT_OK) {
      return st;
    }
  }
  if ((x = remit__yaml_map_get(&L->y, root, "parameter_set"))) {
    if ((st = remit__yaml_get_str(&L->y, x, "parameter_set", "a file path", &t)) != REMIT_OK) {
      return st;
    }
    if (!(s->parameter_set = resolve_path(L, t))) {
      return REMIT_ERR_NOMEM;
    }
  }
  if ((x = remit__yaml_map_get(&L->y, root, "parameters")) &&
      (st = parse_parameters(L, x)) != REMIT_OK) {
    return st;
  }
  return parse_vpop(L, remit__yaml_map_get(&L->y, root, "vpop"));
}

static void set_defaults(remit_scenario *s) {
  remit_population *p = &s->population;
  for (int c = 0; c < REMIT_N_COVARIATES; c++) {
    set_fixed(&p->covariates[c], covs[c].def);
    for (int j = 0; j < REMIT_N_COVARIATES; j++) {
      p->correlation[c][j] = c == j ? 1.0 : 0.0;
    }
  }
  p->use_table_iiv = 1;
  s->design.kind = REMIT_DESIGN_SINGLE_ARM;
  s->design.cohort_size = 3;
  s->design.dlt_crs_grade = 3;
  s->design.dlt_window_days = 28;
  s->design.followup_days = 365.0;
  s->replicates = 1;
  s->seed = 1;
  s->rtol = 1e-6;
  s->atol = 1e-6;
}

/* Reads the whole file into a NUL-terminated buffer from the context. */
static remit_status read_file(remit_context *ctx, const char *path, char **text, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    return REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: cannot open scenario: %s", path, strerror(errno));
  }
  size_t cap = 4096, n = 0;
  char *buf = remit__malloc(ctx, cap);
  remit_status st = buf ? REMIT_OK : REMIT_ERR_NOMEM;
  while (st == REMIT_OK) {
    if (n + 1 >= cap) {
      if (cap >= (size_t)REMIT_SCENARIO_MAX_FILE_BYTES) {
        st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: scenario larger than %ld bytes", path,
                         REMIT_SCENARIO_MAX_FILE_BYTES);
        break;
      }
      char *nb = remit__malloc(ctx, cap * 2);
      if (!nb) {
        st = REMIT_ERR_NOMEM;
        break;
      }
      memcpy(nb, buf, n);
      remit__free(ctx, buf);
      buf = nb;
      cap *= 2;
    }
    size_t got_n = fread(buf + n, 1, cap - 1 - n, fp);
    n += got_n;
    if (got_n == 0) {
      if (ferror(fp)) {
        st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: cannot read scenario: %s", path,
                         strerror(errno));
      }
      break;
    }
  }
  fclose(fp);
  if (st != REMIT_OK) {
    remit__free(ctx, buf);
    return st;
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return REMIT_OK;
}

static remit_status yaml_failure(loader *L, const yaml_parser_t *p) {
  if (p->error == YAML_MEMORY_ERROR) {
    return REMIT_ERROR(L->y.ctx, REMIT_ERR_NOMEM, "%s: out of memory parsing YAML", L->y.path);
  }
  return REMIT_ERROR(L->y.ctx, REMIT_ERR_ARG, "%s:%lu: YAML syntax: %s%s%s", L->y.path,
                     (unsigned long)p->problem_mark.line + 1,
                     p->problem ? p->problem : "malformed YAML", p->context ? " " : "",
                     p->context ? p->context : "");
}

remit_status remit_scenario_load(remit_context *ctx, const char *path, remit_scenario **out) {
  if (!ctx) {
    return REMIT_ERR_ARG;
  }
  if (!path || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_scenario_load: path and out must not be NULL");
  }
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  remit_status st = read_file(ctx, path, &text, &len);
  if (st != REMIT_OK) {
    return st;
  }
  remit__scenario *w = remit__calloc(ctx, 1, sizeof(*w));
  if (!w) {
    remit__free(ctx, text);
    return REMIT_ERR_NOMEM;
  }
  w->ctx = ctx;
  remit_scenario *s = &w->pub;
  s->text = text;
  set_defaults(s);
  loader L;
  memset(&L, 0, sizeof(L));
  L.y.ctx = ctx;
  L.y.path = path;
  L.s = s;
  if (!(s->path = sdup(&L, path))) {
    remit_scenario_destroy(&s);
    return REMIT_ERR_NOMEM;
  }
  yaml_parser_t parser;
  yaml_document_t doc;
  int have_doc = 0;
  if (!yaml_parser_initialize(&parser)) {
    remit_scenario_destroy(&s);
    return REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "%s: out of memory starting the YAML parser", path);
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  if (!yaml_parser_load(&parser, &doc)) {
    st = yaml_failure(&L, &parser);
    goto done;
  }
  have_doc = 1;
  L.y.doc = &doc;
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (!root) {
    st = REMIT_ERROR(ctx, REMIT_ERR_ARG,
                     "%s:1: (top level): expected a mapping of scenario keys, got an empty file",
                     path);
    goto done;
  }
  {
    yaml_document_t doc2;
    if (!yaml_parser_load(&parser, &doc2)) {
      st = yaml_failure(&L, &parser);
      goto done;
    }
    yaml_node_t *r2 = yaml_document_get_root_node(&doc2);
    unsigned long line2 = r2 ? (unsigned long)doc2.start_mark.line + 1 : 0;
    yaml_document_delete(&doc2);
    if (r2) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG,
                       "%s:%lu: (top level): expected one YAML document, found a second", path,
                       line2);
      goto done;
    }
  }
  st = parse_root(&L, root);
done:
  if (have_doc) {
    yaml_document_delete(&doc);
  }
  yaml_parser_delete(&parser);
  free_items(ctx, L.soc, L.n_soc);
  remit__free(ctx, L.arm_nodes);
  if (st != REMIT_OK) {
    remit_scenario_destroy(&s);
    return st;
  }
  *out = s;
  return REMIT_OK;
}

void remit_scenario_destroy(remit_scenario **sp) {
  if (!sp || !*sp) {
    return;
  }
  /* The public struct is the wrapper's first member (scenario_impl.h). */
  remit__scenario *w = (remit__scenario *)*sp;
  remit_context *ctx = w->ctx;
  remit_scenario *s = &w->pub;
  remit_population *p = &s->population;
  for (int c = 0; c < REMIT_N_COVARIATES; c++) {
    free_dist(ctx, &p->covariates[c]);
  }
  remit__free(ctx, p->eligibility);
  for (int i = 0; p->iiv && i < p->n_iiv; i++) {
    remit__free(ctx, p->iiv[i].param);
  }
  remit__free(ctx, p->iiv);
  for (int i = 0; i < p->n_iiv_corr; i++) {
    remit__free(ctx, p->iiv_corr_a[i]);
    remit__free(ctx, p->iiv_corr_b[i]);
  }
  remit__free(ctx, p->iiv_corr_a);
  remit__free(ctx, p->iiv_corr_b);
  remit__free(ctx, p->iiv_corr);
  for (int i = 0; s->arms && i < s->n_arms; i++) {
    remit__free(ctx, s->arms[i].name);
    free_items(ctx, s->arms[i].regimen, s->arms[i].n_regimen);
    remit__free(ctx, s->arms[i].dose_levels);
  }
  remit__free(ctx, s->arms);
  remit__free(ctx, s->design.strata);
  for (int i = 0; s->design.centres && i < s->design.n_centres; i++) {
    remit__free(ctx, s->design.centres[i].name);
  }
  remit__free(ctx, s->design.centres);
  remit__free(ctx, s->visits);
  for (int i = 0; s->endpoints && i < s->n_endpoints; i++) {
    remit__free(ctx, s->endpoints[i].name);
  }
  remit__free(ctx, s->endpoints);
  for (int i = 0; s->param_overrides && i < s->n_param_overrides; i++) {
    remit__free(ctx, s->param_overrides[i].param);
  }
  remit__free(ctx, s->param_overrides);
  for (int i = 0; s->vpop.targets && i < s->vpop.n_targets; i++) {
    remit__free(ctx, s->vpop.targets[i].readout);
    free_dist(ctx, &s->vpop.targets[i].dist);
  }
  remit__free(ctx, s->vpop.targets);
  remit__free(ctx, s->vpop.correlation);
  remit__free(ctx, s->parameter_set);
  remit__free(ctx, s->name);
  remit__free(ctx, s->model);
  remit__free(ctx, s->path);
  remit__free(ctx, s->text);
  remit__free(ctx, w);
  *sp = NULL;
}
