/* SPDX-License-Identifier: MIT
 *
 * pathway_scenario.c: reading a pathway scenario from YAML (docs/pathway.md).
 *
 * Same rules and messages as trial scenarios (docs/scenarios.md): the file
 * is parsed with libyaml's document API, every field is checked as it is
 * read, unknown and duplicated keys are errors, and the first problem stops
 * the load with "FILE:LINE: field: expected ..., got ...".  The typed
 * accessors below are those of src/trial/scenario.c (file-local there);
 * TODO(pathway): share them through a private yaml helper module.
 *
 * The representative patients come from a trial scenario named by
 * `patients.scenario` (its population and arms), loaded with
 * remit_scenario_load; strategies name its arms.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "core/core_impl.h"
#include "pathway_impl.h"
#include "trial/scenario_impl.h"

#define FIELD_LEN 200

typedef struct loader {
  remit_context *ctx;
  const char *path;
  yaml_document_t *doc;
  remit_pathway_scenario *s;
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
    int quoted = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                 n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    snprintf(buf, len, "%s'%.40s%s'", quoted ? "the quoted text " : "", scalar(n),
             n->data.scalar.length > 40 ? "..." : "");
  }
  return buf;
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

static void range_text(char *b, size_t n, const char *noun, double lo, double hi, int lo_open) {
  if (isinf(lo) && isinf(hi)) {
    snprintf(b, n, "%s (finite)", noun);
  } else if (isinf(hi)) {
    snprintf(b, n, "%s %s %g", noun, lo_open ? ">" : ">=", lo);
  } else {
    snprintf(b, n, "%s in %c%g, %g]", noun, lo_open ? '(' : '[', lo, hi);
  }
}

/* A plain scalar number in [lo, hi] (or (lo, hi] when lo_open); `noun` says
 * what kind of number in messages ("a number", "a whole number", "a day"). */
static remit_status get_num_as(loader *L, const yaml_node_t *n, const char *field,
                               const char *noun, double lo, double hi, int lo_open, double *out) {
  char g[64], want[96];
  range_text(want, sizeof want, noun, lo, hi, lo_open);
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

static remit_status get_num(loader *L, const yaml_node_t *n, const char *field, double lo,
                            double hi, int lo_open, double *out) {
  return get_num_as(L, n, field, "a number", lo, hi, lo_open, out);
}


static remit_status get_int(loader *L, const yaml_node_t *n, const char *field, double lo,
                            double hi, int *out) {
  double x = 0.0;
  remit_status st = get_num_as(L, n, field, "a whole number", lo, hi, 0, &x);
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

/* ------------------------------------------------------------------------ */
/* Pathway pieces                                                            */
/* ------------------------------------------------------------------------ */

#define PW_MAX_DAYS 36500.0

static const char *const dist_keys[] = {"dist", "value", "mean", "median", "cv", "sd", "low",
                                        "high", NULL};

/* A positive quantity: a plain number (fixed) or {dist: ...}. */
static remit_status get_dist(loader *L, const yaml_node_t *n, const char *field, pw_dist *out) {
  char f[FIELD_LEN], g[64];
  if (is_plain_scalar(n)) {
    double v;
    remit_status st = get_num(L, n, field, 0.0, PW_MAX_DAYS, 0, &v);
    if (st == REMIT_OK) {
      *out = (pw_dist){PW_DIST_FIXED, v, 0.0};
    }
    return st;
  }
  remit_status st = check_map(L, n, field, dist_keys);
  if (st != REMIT_OK) {
    return st;
  }
  const char *kind;
  yaml_node_t *k = map_get(L, n, "dist");
  join(f, field, "dist");
  if (!k) {
    return missing(L, n, field, "dist", "fixed, exponential, lognormal, gamma or uniform");
  }
  if ((st = get_str(L, k, f, "a distribution name", &kind)) != REMIT_OK) {
    return st;
  }
  struct {
    const char *name;
    pw_dist_kind kind;
    const char *a, *b;
  } tab[] = {{"fixed", PW_DIST_FIXED, "value", NULL},
             {"exponential", PW_DIST_EXPONENTIAL, "mean", NULL},
             {"lognormal", PW_DIST_LOGNORMAL, "median", "cv"},
             {"gamma", PW_DIST_GAMMA, "mean", "sd"},
             {"uniform", PW_DIST_UNIFORM, "low", "high"}};
  for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
    if (strcmp(kind, tab[i].name) != 0) {
      continue;
    }
    double a = 0.0, b = 0.0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
      const char *key = scalar(node_at(L, p->key));
      if (strcmp(key, "dist") != 0 && strcmp(key, tab[i].a) != 0 &&
          !(tab[i].b && strcmp(key, tab[i].b) == 0)) {
        join(f, field, key);
        return fail(L, node_at(L, p->key), f, "not a key of dist %s (expected %s%s%s)", kind,
                    tab[i].a, tab[i].b ? " and " : "", tab[i].b ? tab[i].b : "");
      }
    }
    yaml_node_t *na = map_get(L, n, tab[i].a);
    if (!na) {
      return missing(L, n, field, tab[i].a, "a number");
    }
    join(f, field, tab[i].a);
    int a_open = tab[i].kind != PW_DIST_FIXED && tab[i].kind != PW_DIST_UNIFORM;
    if ((st = get_num(L, na, f, 0.0, PW_MAX_DAYS, a_open, &a)) != REMIT_OK) {
      return st;
    }
    if (tab[i].b) {
      yaml_node_t *nb = map_get(L, n, tab[i].b);
      if (!nb) {
        return missing(L, n, field, tab[i].b, "a number");
      }
      join(f, field, tab[i].b);
      double hi = tab[i].kind == PW_DIST_LOGNORMAL ? 10.0 : PW_MAX_DAYS;
      if ((st = get_num(L, nb, f, tab[i].kind == PW_DIST_UNIFORM ? a : 0.0, hi,
                        tab[i].kind != PW_DIST_UNIFORM, &b)) != REMIT_OK) {
        return st;
      }
      if (tab[i].kind == PW_DIST_UNIFORM && !(b > a)) {
        return fail(L, nb, f, "expected high > low (%g), got %g", a, b);
      }
    }
    *out = (pw_dist){tab[i].kind, a, b};
    return REMIT_OK;
  }
  return fail(L, k, f, "expected fixed, exponential, lognormal, gamma or uniform, got %s",
              got(k, g, sizeof g));
}

static char *sdup_ctx(remit_context *ctx, const char *t) {
  size_t n = strlen(t);
  char *p = remit__malloc(ctx, n + 1);
  if (p) {
    memcpy(p, t, n + 1);
  }
  return p;
}

static remit_status get_prob(loader *L, const yaml_node_t *parent, const char *pfield,
                             const char *key, double *out) {
  char f[FIELD_LEN];
  yaml_node_t *n = map_get(L, parent, key);
  join(f, pfield, key);
  return n ? get_num(L, n, f, 0.0, 1.0, 0, out) : REMIT_OK;
}

static remit_status get_opt_num(loader *L, const yaml_node_t *parent, const char *pfield,
                                const char *key, double lo, double hi, int lo_open, double *out) {
  char f[FIELD_LEN];
  yaml_node_t *n = map_get(L, parent, key);
  join(f, pfield, key);
  return n ? get_num(L, n, f, lo, hi, lo_open, out) : REMIT_OK;
}

static remit_status get_opt_int(loader *L, const yaml_node_t *parent, const char *pfield,
                                const char *key, double lo, double hi, int *out) {
  char f[FIELD_LEN];
  yaml_node_t *n = map_get(L, parent, key);
  join(f, pfield, key);
  return n ? get_int(L, n, f, lo, hi, out) : REMIT_OK;
}

static remit_status get_opt_dist(loader *L, const yaml_node_t *parent, const char *pfield,
                                 const char *key, pw_dist *out) {
  char f[FIELD_LEN];
  yaml_node_t *n = map_get(L, parent, key);
  join(f, pfield, key);
  return n ? get_dist(L, n, f, out) : REMIT_OK;
}

#define TRY(x)                \
  do {                        \
    remit_status st_ = (x);   \
    if (st_ != REMIT_OK) {    \
      return st_;             \
    }                         \
  } while (0)

static remit_status parse_centres(loader *L, const yaml_node_t *n) {
  remit_pathway_scenario *s = L->s;
  const char *field = "pathway.centres";
  static const char *const keys[] = {"name", "weight", "slots_per_month", "apheresis", "beds",
                                     "icu_beds", "lines", NULL};
  TRY(check_seq(L, n, field, 1, REMIT_SCENARIO_MAX_CENTRES, "centres"));
  s->n_centres = seq_len(n);
  s->centres = remit__calloc(L->ctx, (size_t)s->n_centres, sizeof(*s->centres));
  if (!s->centres) {
    return REMIT_ERR_NOMEM;
  }
  char f[FIELD_LEN], fk[FIELD_LEN];
  for (int i = 0; i < s->n_centres; i++) {
    yaml_node_t *c = seq_at(L, n, i);
    pw_centre *ce = &s->centres[i];
    join_index(f, field, i);
    TRY(check_map(L, c, f, keys));
    const char *name = NULL;
    yaml_node_t *nn = map_get(L, c, "name");
    if (!nn) {
      return missing(L, c, f, "name", "a centre name");
    }
    join(fk, f, "name");
    TRY(get_str(L, nn, fk, "a centre name", &name));
    for (int j = 0; j < i; j++) {
      if (strcmp(s->centres[j].name, name) == 0) {
        return fail(L, nn, fk, "centre '%s' is given twice", name);
      }
    }
    if (!(ce->name = sdup_ctx(L->ctx, name))) {
      return REMIT_ERR_NOMEM;
    }
    ce->weight = 1.0;
    ce->slots_per_month = 1.0;
    ce->apheresis = 1;
    ce->beds = 2;
    ce->icu_beds = 1;
    ce->lines = 1;
    TRY(get_opt_num(L, c, f, "weight", 0.0, 1e6, 1, &ce->weight));
    TRY(get_opt_num(L, c, f, "slots_per_month", 0.0, 1000.0, 1, &ce->slots_per_month));
    TRY(get_opt_int(L, c, f, "apheresis", 1, 1000, &ce->apheresis));
    TRY(get_opt_int(L, c, f, "beds", 1, 10000, &ce->beds));
    TRY(get_opt_int(L, c, f, "icu_beds", 0, 10000, &ce->icu_beds));
    TRY(get_opt_int(L, c, f, "lines", 1, 1000, &ce->lines));
  }
  return REMIT_OK;
}

static remit_status parse_pathway(loader *L, const yaml_node_t *n) {
  remit_pathway_scenario *s = L->s;
  const char *field = "pathway";
  static const char *const keys[] = {"therapy", "horizon_years", "replicates", "population",
                                     "centres", "referral_days", "eligibility", "apheresis",
                                     "manufacturing", "lymphodepletion_days", "stay_days", "icu",
                                     "followup_visits", "waiting", NULL};
  TRY(check_map(L, n, field, keys));
  s->has_pathway = 1;
  char f[FIELD_LEN];
  yaml_node_t *t = map_get(L, n, "therapy");
  if (t) {
    const char *v;
    join(f, field, "therapy");
    TRY(get_str(L, t, f, "cart or msc", &v));
    if (strcmp(v, "cart") == 0) {
      s->therapy = PW_THERAPY_CART;
    } else if (strcmp(v, "msc") == 0) {
      s->therapy = PW_THERAPY_MSC;
    } else {
      char g[64];
      return fail(L, t, f, "expected cart or msc, got %s", got(t, g, sizeof g));
    }
  }
  TRY(get_opt_num(L, n, field, "horizon_years", 0.0, 100.0, 1, &s->horizon_years));
  TRY(get_opt_int(L, n, field, "replicates", 1, 10000, &s->replicates));
  yaml_node_t *p = map_get(L, n, "population");
  if (p) {
    static const char *const pk[] = {"size", "prevalence_per_100k", "incidence_per_100k_year",
                                     "refractory_fraction", "referral_fraction",
                                     "prevalent_years", NULL};
    TRY(check_map(L, p, "pathway.population", pk));
    const char *pf = "pathway.population";
    TRY(get_opt_num(L, p, pf, "size", 0.0, 1e10, 1, &s->pop_size));
    double prev = s->prevalence * 1e5, inc = s->incidence * 1e5;
    TRY(get_opt_num(L, p, pf, "prevalence_per_100k", 0.0, 1e5, 0, &prev));
    TRY(get_opt_num(L, p, pf, "incidence_per_100k_year", 0.0, 1e5, 0, &inc));
    s->prevalence = prev / 1e5;
    s->incidence = inc / 1e5;
    TRY(get_prob(L, p, pf, "refractory_fraction", &s->refractory));
    TRY(get_prob(L, p, pf, "referral_fraction", &s->referral));
    TRY(get_opt_num(L, p, pf, "prevalent_years", 0.0, 100.0, 0, &s->prevalent_years));
  }
  yaml_node_t *c = map_get(L, n, "centres");
  if (!c) {
    return missing(L, n, field, "centres", "a list of centres");
  }
  TRY(parse_centres(L, c));
  TRY(get_opt_dist(L, n, field, "referral_days", &s->referral_days));
  yaml_node_t *e = map_get(L, n, "eligibility");
  if (e) {
    static const char *const ek[] = {"probability", "days", NULL};
    TRY(check_map(L, e, "pathway.eligibility", ek));
    TRY(get_prob(L, e, "pathway.eligibility", "probability", &s->p_eligible));
    TRY(get_opt_dist(L, e, "pathway.eligibility", "days", &s->eligibility_days));
  }
  yaml_node_t *a = map_get(L, n, "apheresis");
  if (a) {
    static const char *const ak[] = {"success", "max_attempts", "days", NULL};
    TRY(check_map(L, a, "pathway.apheresis", ak));
    TRY(get_prob(L, a, "pathway.apheresis", "success", &s->aph_success));
    TRY(get_opt_int(L, a, "pathway.apheresis", "max_attempts", 1, 10, &s->aph_max));
    TRY(get_opt_num(L, a, "pathway.apheresis", "days", 0.0, 30.0, 1, &s->aph_days));
  }
  yaml_node_t *m = map_get(L, n, "manufacturing");
  if (m) {
    static const char *const mk[] = {"site", "lines", "days", "failure", "max_attempts",
                                     "shipping_days", NULL};
    const char *mf = "pathway.manufacturing";
    TRY(check_map(L, m, mf, mk));
    yaml_node_t *site = map_get(L, m, "site");
    if (site) {
      const char *v;
      join(f, mf, "site");
      TRY(get_str(L, site, f, "central or point_of_care", &v));
      if (strcmp(v, "central") == 0) {
        s->manuf_central = 1;
      } else if (strcmp(v, "point_of_care") == 0) {
        s->manuf_central = 0;
      } else {
        char g[64];
        return fail(L, site, f, "expected central or point_of_care, got %s", got(site, g, sizeof g));
      }
    }
    TRY(get_opt_int(L, m, mf, "lines", 1, 100000, &s->manuf_lines));
    TRY(get_opt_dist(L, m, mf, "days", &s->manuf_days));
    TRY(get_prob(L, m, mf, "failure", &s->manuf_failure));
    TRY(get_opt_int(L, m, mf, "max_attempts", 1, 10, &s->manuf_max));
    TRY(get_opt_dist(L, m, mf, "shipping_days", &s->ship_days));
  }
  TRY(get_opt_num(L, n, field, "lymphodepletion_days", 0.0, 30.0, 0, &s->ld_days));
  TRY(get_opt_dist(L, n, field, "stay_days", &s->stay_days));
  yaml_node_t *icu = map_get(L, n, "icu");
  if (icu) {
    static const char *const ik[] = {"grade", "days", NULL};
    TRY(check_map(L, icu, "pathway.icu", ik));
    TRY(get_opt_int(L, icu, "pathway.icu", "grade", 1, 5, &s->icu_grade));
    TRY(get_opt_dist(L, icu, "pathway.icu", "days", &s->icu_days));
  }
  TRY(get_opt_int(L, n, field, "followup_visits", 0, 1000, &s->followup_visits));
  yaml_node_t *w = map_get(L, n, "waiting");
  if (w) {
    static const char *const wk[] = {"withdrawal_per_year", "severe_flare_per_year",
                                     "flare_ineligible", NULL};
    const char *wf = "pathway.waiting";
    TRY(check_map(L, w, wf, wk));
    TRY(get_opt_num(L, w, wf, "withdrawal_per_year", 0.0, 100.0, 0, &s->withdraw_rate));
    TRY(get_opt_num(L, w, wf, "severe_flare_per_year", 0.0, 100.0, 0, &s->flare_rate));
    TRY(get_prob(L, w, wf, "flare_ineligible", &s->p_flare_inelig));
  }
  return REMIT_OK;
}

static int arm_index(const remit_scenario *m, const char *name) {
  for (int i = 0; i < m->n_arms; i++) {
    if (strcmp(m->arms[i].name, name) == 0) {
      return i;
    }
  }
  return -1;
}

static int strategy_index(const remit_pathway_scenario *s, const char *name) {
  for (int i = 0; i < s->n_strategies; i++) {
    if (strcmp(s->strategies[i].name, name) == 0) {
      return i;
    }
  }
  return -1;
}

static remit_status parse_strategies(loader *L, const yaml_node_t *n) {
  remit_pathway_scenario *s = L->s;
  const char *field = "cea.strategies";
  static const char *const keys[] = {"name", "arm", "kind", "drug", "relapse", NULL};
  TRY(check_seq(L, n, field, 1, 64, "strategies"));
  s->n_strategies = seq_len(n);
  s->strategies = remit__calloc(L->ctx, (size_t)s->n_strategies, sizeof(*s->strategies));
  if (!s->strategies) {
    return REMIT_ERR_NOMEM;
  }
  char f[FIELD_LEN], fk[FIELD_LEN], g[64];
  for (int i = 0; i < s->n_strategies; i++) {
    yaml_node_t *it = seq_at(L, n, i);
    pw_strategy *st = &s->strategies[i];
    st->arm_index = -1;
    st->drug_param = -1;
    join_index(f, field, i);
    TRY(check_map(L, it, f, keys));
    const char *v = NULL;
    yaml_node_t *nn = map_get(L, it, "name");
    if (!nn) {
      return missing(L, it, f, "name", "a strategy name");
    }
    join(fk, f, "name");
    TRY(get_str(L, nn, fk, "a strategy name", &v));
    for (int j = 0; j < i; j++) {
      if (strcmp(s->strategies[j].name, v) == 0) {
        return fail(L, nn, fk, "strategy '%s' is given twice", v);
      }
    }
    if (!(st->name = sdup_ctx(L->ctx, v))) {
      return REMIT_ERR_NOMEM;
    }
    yaml_node_t *na = map_get(L, it, "arm");
    join(fk, f, "arm");
    v = st->name;
    if (na) {
      TRY(get_str(L, na, fk, "an arm name", &v));
    }
    if (!(st->arm = sdup_ctx(L->ctx, v))) {
      return REMIT_ERR_NOMEM;
    }
    if (s->model && (st->arm_index = arm_index(s->model, v)) < 0) {
      return fail(L, na ? na : nn, fk, "the patients' scenario %s has no arm '%s'", s->model_path,
                  v);
    }
    yaml_node_t *nk = map_get(L, it, "kind");
    if (!nk) {
      return missing(L, it, f, "kind", "soc, biologic, cart or msc");
    }
    join(fk, f, "kind");
    TRY(get_str(L, nk, fk, "soc, biologic, cart or msc", &v));
    const char *kinds[] = {"soc", "biologic", "cart", "msc"};
    const char *relapse[] = {"h_relapse_soc", "h_relapse_biologic", "h_relapse_cart",
                             "h_relapse_msc"};
    int k = -1;
    for (int j = 0; j < 4; j++) {
      k = strcmp(kinds[j], v) == 0 ? j : k;
    }
    if (k < 0) {
      return fail(L, nk, fk, "expected soc, biologic, cart or msc, got %s", got(nk, g, sizeof g));
    }
    st->kind = (pw_strategy_kind)k;
    st->relapse_param = remit_econ_param_index(relapse[k]);
    yaml_node_t *nd = map_get(L, it, "drug");
    join(fk, f, "drug");
    if (nd) {
      TRY(get_str(L, nd, fk, "belimumab or anifrolumab", &v));
      char pname[64];
      snprintf(pname, sizeof pname, "c_%.40s_year", v);
      if (st->kind != PW_BIOLOGIC || (st->drug_param = remit_econ_param_index(pname)) < 0) {
        return fail(L, nd, fk, "expected belimumab or anifrolumab with kind biologic, got %s",
                    got(nd, g, sizeof g));
      }
    } else if (st->kind == PW_BIOLOGIC) {
      return missing(L, it, f, "drug", "belimumab or anifrolumab");
    }
    yaml_node_t *nr = map_get(L, it, "relapse");
    join(fk, f, "relapse");
    if (nr) {
      TRY(get_str(L, nr, fk, "a relapse-hazard parameter (h_relapse_*)", &v));
      if (strncmp(v, "h_relapse_", 10) != 0 || (st->relapse_param = remit_econ_param_index(v)) < 0) {
        return fail(L, nr, fk, "expected one of h_relapse_soc, h_relapse_biologic, "
                               "h_relapse_cart, h_relapse_msc, got %s",
                    got(nr, g, sizeof g));
      }
    }
  }
  return REMIT_OK;
}

static remit_status parse_cea(loader *L, const yaml_node_t *n) {
  remit_pathway_scenario *s = L->s;
  const char *field = "cea";
  static const char *const keys[] = {"horizon_years", "max_age", "discount", "patients",
                                     "psa_samples", "wtp", "tornado", "strategies", "parameters",
                                     NULL};
  TRY(check_map(L, n, field, keys));
  s->has_cea = 1;
  char f[FIELD_LEN], g[64];
  TRY(get_opt_num(L, n, field, "horizon_years", 0.0, 120.0, 1, &s->cea_horizon_years));
  TRY(get_opt_num(L, n, field, "max_age", 1.0, 130.0, 0, &s->max_age));
  yaml_node_t *d = map_get(L, n, "discount");
  if (d) {
    static const char *const dk[] = {"costs", "effects", NULL};
    TRY(check_map(L, d, "cea.discount", dk));
    TRY(get_opt_num(L, d, "cea.discount", "costs", 0.0, 1.0, 0, &s->dr_cost));
    TRY(get_opt_num(L, d, "cea.discount", "effects", 0.0, 1.0, 0, &s->dr_effect));
  }
  int np = (int)s->cea_patients, ns = (int)s->psa_samples;
  TRY(get_opt_int(L, n, field, "patients", 1, 10000000, &np));
  TRY(get_opt_int(L, n, field, "psa_samples", 0, 1000000, &ns));
  s->cea_patients = np;
  s->psa_samples = ns;
  yaml_node_t *w = map_get(L, n, "wtp");
  if (w) {
    static const char *const wk[] = {"from", "to", "step", NULL};
    double lo = 0, hi = 0, step = 0;
    TRY(check_map(L, w, "cea.wtp", wk));
    const char *req[] = {"from", "to", "step"};
    for (int i = 0; i < 3; i++) {
      if (!map_get(L, w, req[i])) {
        return missing(L, w, "cea.wtp", req[i], "a number");
      }
    }
    TRY(get_opt_num(L, w, "cea.wtp", "from", 0.0, 1e9, 0, &lo));
    TRY(get_opt_num(L, w, "cea.wtp", "to", lo, 1e9, 0, &hi));
    TRY(get_opt_num(L, w, "cea.wtp", "step", 0.0, 1e9, 1, &step));
    double cnt = floor((hi - lo) / step + 1e-9) + 1.0;
    if (cnt > 10000) {
      return fail(L, w, "cea.wtp", "expected at most 10000 values, got %.0f", cnt);
    }
    remit__free(L->ctx, s->wtp);
    s->n_wtp = (int)cnt;
    if (!(s->wtp = remit__calloc(L->ctx, (size_t)s->n_wtp, sizeof(double)))) {
      return REMIT_ERR_NOMEM;
    }
    for (int i = 0; i < s->n_wtp; i++) {
      s->wtp[i] = lo + i * step;
    }
  }
  yaml_node_t *sn = map_get(L, n, "strategies");
  if (!sn) {
    return missing(L, n, field, "strategies", "a list of strategies");
  }
  TRY(parse_strategies(L, sn));
  yaml_node_t *t = map_get(L, n, "tornado");
  s->tornado_strategy = s->n_strategies - 1;
  s->tornado_comparator = 0;
  if (t) {
    static const char *const tk[] = {"strategy", "comparator", "wtp", NULL};
    TRY(check_map(L, t, "cea.tornado", tk));
    const char *names[] = {"strategy", "comparator"};
    int *dst[] = {&s->tornado_strategy, &s->tornado_comparator};
    for (int i = 0; i < 2; i++) {
      yaml_node_t *x = map_get(L, t, names[i]);
      if (x) {
        const char *v;
        join(f, "cea.tornado", names[i]);
        TRY(get_str(L, x, f, "a strategy name", &v));
        if ((*dst[i] = strategy_index(s, v)) < 0) {
          return fail(L, x, f, "expected a strategy of cea.strategies, got %s", got(x, g, sizeof g));
        }
      }
    }
    TRY(get_opt_num(L, t, "cea.tornado", "wtp", 0.0, 1e9, 0, &s->tornado_wtp));
  }
  yaml_node_t *pm = map_get(L, n, "parameters");
  if (pm) {
    if (pm->type != YAML_MAPPING_NODE) {
      return fail(L, pm, "cea.parameters", "expected a mapping {name: value}, got %s",
                  got(pm, g, sizeof g));
    }
    for (yaml_node_pair_t *p = pm->data.mapping.pairs.start; p < pm->data.mapping.pairs.top; p++) {
      yaml_node_t *k = node_at(L, p->key);
      join(f, "cea.parameters", k->type == YAML_SCALAR_NODE ? scalar(k) : "?");
      int idx = k->type == YAML_SCALAR_NODE ? remit_econ_param_index(scalar(k)) : -1;
      if (idx < 0) {
        return fail(L, k, f, "unknown economic parameter (see remit pathway --params)");
      }
      for (yaml_node_pair_t *q = pm->data.mapping.pairs.start; q < p; q++) {
        if (strcmp(scalar(node_at(L, q->key)), scalar(k)) == 0) {
          return fail(L, k, f, "duplicate key");
        }
      }
      TRY(get_num(L, node_at(L, p->value), f, -1e9, 1e9, 0, &s->econ[idx]));
    }
  }
  return REMIT_OK;
}

static remit_status parse_patients(loader *L, const yaml_node_t *n) {
  remit_pathway_scenario *s = L->s;
  static const char *const keys[] = {"scenario", "n", "remission_sledai", NULL};
  TRY(check_map(L, n, "patients", keys));
  yaml_node_t *sc = map_get(L, n, "scenario");
  if (!sc) {
    return missing(L, n, "patients", "scenario", "a trial scenario file (population and arms)");
  }
  const char *rel;
  TRY(get_str(L, sc, "patients.scenario", "a file name", &rel));
  /* A relative path is taken from this file's folder. */
  const char *slash = strrchr(L->path, '/');
  size_t dl = (rel[0] != '/' && slash) ? (size_t)(slash - L->path + 1) : 0;
  s->model_path = remit__malloc(L->ctx, dl + strlen(rel) + 1);
  if (!s->model_path) {
    return REMIT_ERR_NOMEM;
  }
  memcpy(s->model_path, L->path, dl);
  strcpy(s->model_path + dl, rel);
  remit_status st = remit_scenario_load(L->ctx, s->model_path, &s->model);
  if (st != REMIT_OK) {
    /* Keep the inner message, say where it was named. */
    char inner[600];
    snprintf(inner, sizeof inner, "%s", remit_context_errmsg(L->ctx));
    return fail(L, sc, "patients.scenario", "cannot use %s: %s", s->model_path, inner);
  }
  TRY(get_opt_int(L, n, "patients", "n", 1, 100000, &s->n_model_patients));
  TRY(get_opt_num(L, n, "patients", "remission_sledai", 0.0, 105.0, 0, &s->remission_sledai));
  return REMIT_OK;
}

static remit_status parse_root(loader *L, yaml_node_t *root) {
  remit_pathway_scenario *s = L->s;
  static const char *const keys[] = {"name", "seed", "patients", "pathway", "cea", NULL};
  TRY(check_map(L, root, "", keys));
  yaml_node_t *n = map_get(L, root, "name");
  if (n) {
    const char *v;
    TRY(get_str(L, n, "name", "a name", &v));
    remit__free(L->ctx, s->name);
    if (!(s->name = sdup_ctx(L->ctx, v))) {
      return REMIT_ERR_NOMEM;
    }
  }
  if ((n = map_get(L, root, "seed"))) {
    TRY(get_u64(L, n, "seed", &s->seed));
  }
  if (!(n = map_get(L, root, "patients"))) {
    return missing(L, root, "", "patients", "{scenario: FILE.yaml}");
  }
  TRY(parse_patients(L, n));
  if ((n = map_get(L, root, "pathway"))) {
    TRY(parse_pathway(L, n));
  }
  if ((n = map_get(L, root, "cea"))) {
    TRY(parse_cea(L, n));
  }
  if (!s->has_pathway && !s->has_cea) {
    return fail(L, root, "", "expected a pathway section, a cea section, or both");
  }
  return REMIT_OK;
}

/* Defaults: documented in docs/pathway.md with their sources. */
static void set_defaults(remit_pathway_scenario *s) {
  s->seed = 1;
  s->n_model_patients = 100;
  s->remission_sledai = 4.0; /* SLEDAI-2K <= 4: the LLDAS activity limit (clinical.md 4) */
  s->therapy = PW_THERAPY_CART;
  s->horizon_years = 5.0;
  s->replicates = 1;
  /* France: 27,369 patients = 47.0/100k over 86 % of the population
   * (Arnaud 2014) -> 67.7 M [computed]. */
  s->pop_size = 67.7e6;
  s->prevalence = 47.0e-5;
  s->incidence = 3.32e-5;
  s->refractory = 0.02;
  s->referral = 0.5;
  s->prevalent_years = 2.0;
  s->referral_days = (pw_dist){PW_DIST_EXPONENTIAL, 30.0, 0.0};
  s->p_eligible = 0.8;
  s->eligibility_days = (pw_dist){PW_DIST_FIXED, 14.0, 0.0};
  s->aph_success = 0.97;
  s->aph_days = 1.0;
  s->aph_max = 2;
  s->manuf_central = 1;
  s->manuf_lines = 10;
  s->manuf_days = (pw_dist){PW_DIST_LOGNORMAL, 17.0, 0.25};
  s->manuf_failure = 0.042;
  s->manuf_max = 2;
  s->ship_days = (pw_dist){PW_DIST_FIXED, 2.0, 0.0};
  s->ld_days = 5.0;
  s->stay_days = (pw_dist){PW_DIST_LOGNORMAL, 15.0, 0.3};
  s->icu_days = (pw_dist){PW_DIST_LOGNORMAL, 4.0, 0.5};
  s->icu_grade = 3;
  s->followup_visits = 8;
  s->withdraw_rate = 0.05;
  s->flare_rate = 0.5;
  s->p_flare_inelig = 0.2;
  s->cea_horizon_years = 60.0;
  s->max_age = 100.0;
  s->dr_cost = 0.025;
  s->dr_effect = 0.025;
  s->cea_patients = 1000;
  s->psa_samples = 1000;
  s->tornado_wtp = 50000.0;
}

static remit_status read_file(remit_context *ctx, const char *path, char **text, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    return REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: cannot open scenario: %s", path, strerror(errno));
  }
  if (fseek(fp, 0, SEEK_END) != 0) {
    fclose(fp);
    return REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: cannot read scenario", path);
  }
  long sz = ftell(fp);
  if (sz < 0 || sz > REMIT_SCENARIO_MAX_FILE_BYTES) {
    fclose(fp);
    return REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: unreadable or larger than %ld bytes", path,
                       REMIT_SCENARIO_MAX_FILE_BYTES);
  }
  rewind(fp);
  char *buf = remit__malloc(ctx, (size_t)sz + 1);
  if (!buf) {
    fclose(fp);
    return REMIT_ERR_NOMEM;
  }
  size_t got_n = fread(buf, 1, (size_t)sz, fp);
  fclose(fp);
  if (got_n != (size_t)sz) {
    remit__free(ctx, buf);
    return REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: cannot read scenario", path);
  }
  buf[sz] = '\0';
  *text = buf;
  *len = (size_t)sz;
  return REMIT_OK;
}

remit_status remit_pathway_load(remit_context *ctx, const char *path,
                                remit_pathway_scenario **out) {
  if (!ctx) {
    return REMIT_ERR_ARG;
  }
  if (!path || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_pathway_load: path and out must not be NULL");
  }
  *out = NULL;
  remit_pathway_scenario *s = remit__calloc(ctx, 1, sizeof(*s));
  if (!s) {
    return REMIT_ERR_NOMEM;
  }
  s->ctx = ctx;
  set_defaults(s);
  const remit_econ_param *tab = remit_econ_params(&s->n_econ);
  s->econ = remit__calloc(ctx, (size_t)s->n_econ, sizeof(double));
  s->path = sdup_ctx(ctx, path);
  if (!s->econ || !s->path) {
    remit_pathway_destroy(&s);
    return REMIT_ERR_NOMEM;
  }
  for (int i = 0; i < s->n_econ; i++) {
    s->econ[i] = tab[i].value;
  }
  size_t len = 0;
  remit_status st = read_file(ctx, path, &s->text, &len);
  if (st != REMIT_OK) {
    remit_pathway_destroy(&s);
    return st;
  }
  {
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".yaml") == 0) {
      n -= 5;
    }
    s->name = remit__malloc(ctx, n + 1);
    if (!s->name) {
      remit_pathway_destroy(&s);
      return REMIT_ERR_NOMEM;
    }
    memcpy(s->name, b, n);
    s->name[n] = '\0';
  }
  loader L = {ctx, path, NULL, s};
  yaml_parser_t parser;
  yaml_document_t doc;
  int have_doc = 0;
  if (!yaml_parser_initialize(&parser)) {
    remit_pathway_destroy(&s);
    return REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "%s: out of memory starting the YAML parser", path);
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)s->text, len);
  if (!yaml_parser_load(&parser, &doc)) {
    st = parser.error == YAML_MEMORY_ERROR
             ? REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "%s: out of memory parsing YAML", path)
             : REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s:%lu: YAML syntax: %s", path,
                           (unsigned long)parser.problem_mark.line + 1,
                           parser.problem ? parser.problem : "malformed YAML");
    goto done;
  }
  have_doc = 1;
  L.doc = &doc;
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (!root) {
    st = REMIT_ERROR(ctx, REMIT_ERR_ARG,
                     "%s:1: (top level): expected a mapping of pathway keys, got an empty file", path);
    goto done;
  }
  st = parse_root(&L, root);
  if (st == REMIT_OK && s->has_cea && s->n_wtp == 0) {
    /* Default grid: EUR 0 to 200,000 per QALY by 5,000. */
    s->n_wtp = 41;
    if (!(s->wtp = remit__calloc(ctx, (size_t)s->n_wtp, sizeof(double)))) {
      st = REMIT_ERR_NOMEM;
    } else {
      for (int i = 0; i < s->n_wtp; i++) {
        s->wtp[i] = 5000.0 * i;
      }
    }
  }
done:
  if (have_doc) {
    yaml_document_delete(&doc);
  }
  yaml_parser_delete(&parser);
  if (st != REMIT_OK) {
    remit_pathway_destroy(&s);
    return st;
  }
  *out = s;
  return REMIT_OK;
}

void remit_pathway_destroy(remit_pathway_scenario **sp) {
  if (!sp || !*sp) {
    return;
  }
  remit_pathway_scenario *s = *sp;
  remit_context *ctx = s->ctx;
  remit_scenario_destroy(&s->model);
  for (int i = 0; s->centres && i < s->n_centres; i++) {
    remit__free(ctx, s->centres[i].name);
  }
  remit__free(ctx, s->centres);
  for (int i = 0; s->strategies && i < s->n_strategies; i++) {
    remit__free(ctx, s->strategies[i].name);
    remit__free(ctx, s->strategies[i].arm);
  }
  remit__free(ctx, s->strategies);
  remit__free(ctx, s->wtp);
  remit__free(ctx, s->econ);
  remit__free(ctx, s->model_path);
  remit__free(ctx, s->text);
  remit__free(ctx, s->name);
  remit__free(ctx, s->path);
  remit__free(ctx, s);
  *sp = NULL;
}
