/* SPDX-License-Identifier: MIT
 *
 * pathway_scenario.c: reading a pathway scenario from YAML (docs/pathway.md).
 *
 * Same rules and messages as trial scenarios (docs/scenarios.md): the file
 * is parsed with libyaml's document API, every field is checked as it is
 * read, unknown and duplicated keys are errors, and the first problem stops
 * the load with "FILE:LINE: field: expected ..., got ...".  The typed
 * accessors are shared with src/trial/scenario.c (src/core/yaml_read.c).
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
#include "core/yaml_read.h"
#include "pathway_impl.h"
#include "remit/remit_model.h"
#include "trial/scenario_impl.h"

typedef struct loader {
  remit__yaml y; /* the document and where its messages go */
  remit_pathway_scenario *s;
} loader;

/* ------------------------------------------------------------------------ */
/* Pathway pieces                                                            */
/* ------------------------------------------------------------------------ */

#define PW_MAX_DAYS 36500.0

static const char *const dist_keys[] = {"dist", "value", "mean", "median", "cv", "sd", "low",
                                        "high", NULL};

/* A positive quantity: a plain number (fixed) or {dist: ...}. */
static remit_status get_dist(loader *L, const yaml_node_t *n, const char *field, pw_dist *out) {
  char f[REMIT__YAML_FIELD_LEN], g[64];
  if (remit__yaml_is_plain_scalar(n)) {
    double v;
    remit_status st = remit__yaml_get_num(&L->y, n, field, 0.0, PW_MAX_DAYS, 0, &v);
    if (st == REMIT_OK) {
      *out = (pw_dist){PW_DIST_FIXED, v, 0.0};
    }
    return st;
  }
  remit_status st = remit__yaml_check_map(&L->y, n, field, dist_keys);
  if (st != REMIT_OK) {
    return st;
  }
  const char *kind;
  yaml_node_t *k = remit__yaml_map_get(&L->y, n, "dist");
  remit__yaml_join(f, field, "dist");
  if (!k) {
    return remit__yaml_missing(&L->y, n, field, "dist",
                               "fixed, exponential, lognormal, gamma or uniform");
  }
  if ((st = remit__yaml_get_str(&L->y, k, f, "a distribution name", &kind)) != REMIT_OK) {
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
      const char *key = remit__yaml_scalar(remit__yaml_node_at(&L->y, p->key));
      if (strcmp(key, "dist") != 0 && strcmp(key, tab[i].a) != 0 &&
          !(tab[i].b && strcmp(key, tab[i].b) == 0)) {
        remit__yaml_join(f, field, key);
        return remit__yaml_fail(&L->y, remit__yaml_node_at(&L->y, p->key), f,
                                "not a key of dist %s (expected %s%s%s)", kind, tab[i].a,
                                tab[i].b ? " and " : "", tab[i].b ? tab[i].b : "");
      }
    }
    yaml_node_t *na = remit__yaml_map_get(&L->y, n, tab[i].a);
    if (!na) {
      return remit__yaml_missing(&L->y, n, field, tab[i].a, "a number");
    }
    remit__yaml_join(f, field, tab[i].a);
    int a_open = tab[i].kind != PW_DIST_FIXED && tab[i].kind != PW_DIST_UNIFORM;
    if ((st = remit__yaml_get_num(&L->y, na, f, 0.0, PW_MAX_DAYS, a_open, &a)) != REMIT_OK) {
      return st;
    }
    if (tab[i].b) {
      yaml_node_t *nb = remit__yaml_map_get(&L->y, n, tab[i].b);
      if (!nb) {
        return remit__yaml_missing(&L->y, n, field, tab[i].b, "a number");
      }
      remit__yaml_join(f, field, tab[i].b);
      double hi = tab[i].kind == PW_DIST_LOGNORMAL ? 10.0 : PW_MAX_DAYS;
      if ((st = remit__yaml_get_num(&L->y, nb, f, tab[i].kind == PW_DIST_UNIFORM ? a : 0.0, hi,
                                    tab[i].kind != PW_DIST_UNIFORM, &b)) != REMIT_OK) {
        return st;
      }
      if (tab[i].kind == PW_DIST_UNIFORM && !(b > a)) {
        return remit__yaml_fail(&L->y, nb, f, "expected high > low (%g), got %g", a, b);
      }
    }
    *out = (pw_dist){tab[i].kind, a, b};
    return REMIT_OK;
  }
  return remit__yaml_fail(&L->y, k, f,
                          "expected fixed, exponential, lognormal, gamma or uniform, got %s",
                          remit__yaml_got(k, g, sizeof g));
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
  char f[REMIT__YAML_FIELD_LEN];
  yaml_node_t *n = remit__yaml_map_get(&L->y, parent, key);
  remit__yaml_join(f, pfield, key);
  return n ? remit__yaml_get_num(&L->y, n, f, 0.0, 1.0, 0, out) : REMIT_OK;
}

static remit_status get_opt_num(loader *L, const yaml_node_t *parent, const char *pfield,
                                const char *key, double lo, double hi, int lo_open, double *out) {
  char f[REMIT__YAML_FIELD_LEN];
  yaml_node_t *n = remit__yaml_map_get(&L->y, parent, key);
  remit__yaml_join(f, pfield, key);
  return n ? remit__yaml_get_num(&L->y, n, f, lo, hi, lo_open, out) : REMIT_OK;
}

static remit_status get_opt_int(loader *L, const yaml_node_t *parent, const char *pfield,
                                const char *key, double lo, double hi, int *out) {
  char f[REMIT__YAML_FIELD_LEN];
  yaml_node_t *n = remit__yaml_map_get(&L->y, parent, key);
  remit__yaml_join(f, pfield, key);
  return n ? remit__yaml_get_int(&L->y, n, f, lo, hi, out) : REMIT_OK;
}

static remit_status get_opt_dist(loader *L, const yaml_node_t *parent, const char *pfield,
                                 const char *key, pw_dist *out) {
  char f[REMIT__YAML_FIELD_LEN];
  yaml_node_t *n = remit__yaml_map_get(&L->y, parent, key);
  remit__yaml_join(f, pfield, key);
  return n ? get_dist(L, n, f, out) : REMIT_OK;
}

/* An optional word from a fixed list: *out becomes its index in `names`
 * (NULL-terminated), unchanged when the key is absent. */
static remit_status get_opt_word(loader *L, const yaml_node_t *parent, const char *pfield,
                                 const char *key, const char *const *names, int *out) {
  char f[REMIT__YAML_FIELD_LEN], want[128], g[64];
  yaml_node_t *n = remit__yaml_map_get(&L->y, parent, key);
  if (!n) {
    return REMIT_OK;
  }
  int cnt = 0;
  size_t l = 0;
  want[0] = '\0';
  for (; names[cnt]; cnt++) {
    const char *sep = cnt == 0 ? "" : names[cnt + 1] ? ", " : " or ";
    if (l < sizeof want) {
      l += (size_t)snprintf(want + l, sizeof want - l, "%s%s", sep, names[cnt]);
    }
  }
  remit__yaml_join(f, pfield, key);
  const char *v;
  remit_status st = remit__yaml_get_str(&L->y, n, f, want, &v);
  if (st != REMIT_OK) {
    return st;
  }
  for (int i = 0; i < cnt; i++) {
    if (strcmp(v, names[i]) == 0) {
      *out = i;
      return REMIT_OK;
    }
  }
  return remit__yaml_fail(&L->y, n, f, "expected %s, got %s", want, remit__yaml_got(n, g, sizeof g));
}

#define TRY(x)                \
  do {                        \
    remit_status st_ = (x);   \
    if (st_ != REMIT_OK) {    \
      return st_;             \
    }                         \
  } while (0)

/* centres[i].closed_weeks: weeks of the year (1..53) without apheresis or
 * admissions, at most 26, so that an open day always comes within half a
 * year (pathway.c, next_open). */
static remit_status parse_closed_weeks(loader *L, const yaml_node_t *c, const char *cfield,
                                       pw_centre *ce) {
  char f[REMIT__YAML_FIELD_LEN], fi[REMIT__YAML_FIELD_LEN];
  yaml_node_t *n = remit__yaml_map_get(&L->y, c, "closed_weeks");
  if (!n) {
    return REMIT_OK;
  }
  remit__yaml_join(f, cfield, "closed_weeks");
  TRY(remit__yaml_check_seq(&L->y, n, f, 0, 26, "week numbers"));
  for (int i = 0; i < remit__yaml_seq_len(n); i++) {
    yaml_node_t *it = remit__yaml_seq_at(&L->y, n, i);
    int w;
    remit__yaml_join_index(fi, f, i);
    TRY(remit__yaml_get_int(&L->y, it, fi, 1, 53, &w));
    if (ce->closed_weeks >> w & 1u) {
      return remit__yaml_fail(&L->y, it, fi, "week %d is given twice", w);
    }
    ce->closed_weeks |= (uint64_t)1 << w;
  }
  return REMIT_OK;
}

static remit_status parse_centres(loader *L, const yaml_node_t *n) {
  remit_pathway_scenario *s = L->s;
  const char *field = "pathway.centres";
  static const char *const keys[] = {"name",     "weight", "slots_per_month", "apheresis",
                                     "beds",     "icu_beds", "lines", "weekends",
                                     "closed_weeks", NULL};
  static const char *const weekends[] = {"open", "closed", NULL};
  TRY(remit__yaml_check_seq(&L->y, n, field, 1, REMIT_SCENARIO_MAX_CENTRES, "centres"));
  s->n_centres = remit__yaml_seq_len(n);
  s->centres = remit__calloc(L->y.ctx, (size_t)s->n_centres, sizeof(*s->centres));
  if (!s->centres) {
    return REMIT_ERR_NOMEM;
  }
  char f[REMIT__YAML_FIELD_LEN], fk[REMIT__YAML_FIELD_LEN];
  for (int i = 0; i < s->n_centres; i++) {
    yaml_node_t *c = remit__yaml_seq_at(&L->y, n, i);
    pw_centre *ce = &s->centres[i];
    remit__yaml_join_index(f, field, i);
    TRY(remit__yaml_check_map(&L->y, c, f, keys));
    const char *name = NULL;
    yaml_node_t *nn = remit__yaml_map_get(&L->y, c, "name");
    if (!nn) {
      return remit__yaml_missing(&L->y, c, f, "name", "a centre name");
    }
    remit__yaml_join(fk, f, "name");
    TRY(remit__yaml_get_str(&L->y, nn, fk, "a centre name", &name));
    for (int j = 0; j < i; j++) {
      if (strcmp(s->centres[j].name, name) == 0) {
        return remit__yaml_fail(&L->y, nn, fk, "centre '%s' is given twice", name);
      }
    }
    if (!(ce->name = sdup_ctx(L->y.ctx, name))) {
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
    TRY(get_opt_word(L, c, f, "weekends", weekends, &ce->weekends_closed));
    TRY(parse_closed_weeks(L, c, f, ce));
  }
  return REMIT_OK;
}

static remit_status parse_pathway(loader *L, const yaml_node_t *n) {
  remit_pathway_scenario *s = L->s;
  const char *field = "pathway";
  static const char *const keys[] = {"therapy", "queue", "horizon_years", "replicates", "population",
                                     "centres", "referral_days", "eligibility", "apheresis",
                                     "manufacturing", "lymphodepletion_days", "stay_days", "icu",
                                     "followup_visits", "waiting", NULL};
  TRY(remit__yaml_check_map(&L->y, n, field, keys));
  s->has_pathway = 1;
  /* Word lists in the order of PW_THERAPY_* and PW_QUEUE_*. */
  static const char *const therapies[] = {"cart", "msc", NULL};
  static const char *const rules[] = {"fcfs", "severity", NULL};
  TRY(get_opt_word(L, n, field, "therapy", therapies, &s->therapy));
  TRY(get_opt_word(L, n, field, "queue", rules, &s->queue_rule));
  TRY(get_opt_num(L, n, field, "horizon_years", 0.0, 100.0, 1, &s->horizon_years));
  TRY(get_opt_int(L, n, field, "replicates", 1, 10000, &s->replicates));
  yaml_node_t *p = remit__yaml_map_get(&L->y, n, "population");
  if (p) {
    static const char *const pk[] = {"size", "prevalence_per_100k", "incidence_per_100k_year",
                                     "refractory_fraction", "referral_fraction",
                                     "prevalent_years", NULL};
    TRY(remit__yaml_check_map(&L->y, p, "pathway.population", pk));
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
  yaml_node_t *c = remit__yaml_map_get(&L->y, n, "centres");
  if (!c) {
    return remit__yaml_missing(&L->y, n, field, "centres", "a list of centres");
  }
  TRY(parse_centres(L, c));
  TRY(get_opt_dist(L, n, field, "referral_days", &s->referral_days));
  yaml_node_t *e = remit__yaml_map_get(&L->y, n, "eligibility");
  if (e) {
    static const char *const ek[] = {"probability", "days", NULL};
    TRY(remit__yaml_check_map(&L->y, e, "pathway.eligibility", ek));
    TRY(get_prob(L, e, "pathway.eligibility", "probability", &s->p_eligible));
    TRY(get_opt_dist(L, e, "pathway.eligibility", "days", &s->eligibility_days));
  }
  yaml_node_t *a = remit__yaml_map_get(&L->y, n, "apheresis");
  if (a) {
    static const char *const ak[] = {"success", "max_attempts", "days", NULL};
    TRY(remit__yaml_check_map(&L->y, a, "pathway.apheresis", ak));
    TRY(get_prob(L, a, "pathway.apheresis", "success", &s->aph_success));
    TRY(get_opt_int(L, a, "pathway.apheresis", "max_attempts", 1, 10, &s->aph_max));
    TRY(get_opt_num(L, a, "pathway.apheresis", "days", 0.0, 30.0, 1, &s->aph_days));
  }
  yaml_node_t *m = remit__yaml_map_get(&L->y, n, "manufacturing");
  if (m) {
    static const char *const mk[] = {"site", "lines", "days", "failure", "max_attempts",
                                     "shipping_days", NULL};
    const char *mf = "pathway.manufacturing";
    TRY(remit__yaml_check_map(&L->y, m, mf, mk));
    static const char *const sites[] = {"point_of_care", "central", NULL};
    TRY(get_opt_word(L, m, mf, "site", sites, &s->manuf_central));
    TRY(get_opt_int(L, m, mf, "lines", 1, 100000, &s->manuf_lines));
    TRY(get_opt_dist(L, m, mf, "days", &s->manuf_days));
    TRY(get_prob(L, m, mf, "failure", &s->manuf_failure));
    TRY(get_opt_int(L, m, mf, "max_attempts", 1, 10, &s->manuf_max));
    TRY(get_opt_dist(L, m, mf, "shipping_days", &s->ship_days));
  }
  TRY(get_opt_num(L, n, field, "lymphodepletion_days", 0.0, 30.0, 0, &s->ld_days));
  TRY(get_opt_dist(L, n, field, "stay_days", &s->stay_days));
  yaml_node_t *icu = remit__yaml_map_get(&L->y, n, "icu");
  if (icu) {
    static const char *const ik[] = {"grade", "days", NULL};
    TRY(remit__yaml_check_map(&L->y, icu, "pathway.icu", ik));
    TRY(get_opt_int(L, icu, "pathway.icu", "grade", 1, 5, &s->icu_grade));
    TRY(get_opt_dist(L, icu, "pathway.icu", "days", &s->icu_days));
  }
  TRY(get_opt_int(L, n, field, "followup_visits", 0, 1000, &s->followup_visits));
  yaml_node_t *w = remit__yaml_map_get(&L->y, n, "waiting");
  if (w) {
    static const char *const wk[] = {"withdrawal_per_year", "severe_flare_per_year",
                                     "flare_ineligible", NULL};
    const char *wf = "pathway.waiting";
    TRY(remit__yaml_check_map(&L->y, w, wf, wk));
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
  TRY(remit__yaml_check_seq(&L->y, n, field, 1, 64, "strategies"));
  s->n_strategies = remit__yaml_seq_len(n);
  s->strategies = remit__calloc(L->y.ctx, (size_t)s->n_strategies, sizeof(*s->strategies));
  if (!s->strategies) {
    return REMIT_ERR_NOMEM;
  }
  char f[REMIT__YAML_FIELD_LEN], fk[REMIT__YAML_FIELD_LEN], g[64];
  for (int i = 0; i < s->n_strategies; i++) {
    yaml_node_t *it = remit__yaml_seq_at(&L->y, n, i);
    pw_strategy *st = &s->strategies[i];
    st->arm_index = -1;
    st->drug_param = -1;
    remit__yaml_join_index(f, field, i);
    TRY(remit__yaml_check_map(&L->y, it, f, keys));
    const char *v = NULL;
    yaml_node_t *nn = remit__yaml_map_get(&L->y, it, "name");
    if (!nn) {
      return remit__yaml_missing(&L->y, it, f, "name", "a strategy name");
    }
    remit__yaml_join(fk, f, "name");
    TRY(remit__yaml_get_str(&L->y, nn, fk, "a strategy name", &v));
    for (int j = 0; j < i; j++) {
      if (strcmp(s->strategies[j].name, v) == 0) {
        return remit__yaml_fail(&L->y, nn, fk, "strategy '%s' is given twice", v);
      }
    }
    if (!(st->name = sdup_ctx(L->y.ctx, v))) {
      return REMIT_ERR_NOMEM;
    }
    yaml_node_t *na = remit__yaml_map_get(&L->y, it, "arm");
    remit__yaml_join(fk, f, "arm");
    v = st->name;
    if (na) {
      TRY(remit__yaml_get_str(&L->y, na, fk, "an arm name", &v));
    }
    if (!(st->arm = sdup_ctx(L->y.ctx, v))) {
      return REMIT_ERR_NOMEM;
    }
    if (s->model && (st->arm_index = arm_index(s->model, v)) < 0) {
      return remit__yaml_fail(&L->y, na ? na : nn, fk, "the patients' scenario %s has no arm '%s'",
                              s->model_path, v);
    }
    yaml_node_t *nk = remit__yaml_map_get(&L->y, it, "kind");
    if (!nk) {
      return remit__yaml_missing(&L->y, it, f, "kind", "soc, biologic, cart or msc");
    }
    remit__yaml_join(fk, f, "kind");
    TRY(remit__yaml_get_str(&L->y, nk, fk, "soc, biologic, cart or msc", &v));
    const char *kinds[] = {"soc", "biologic", "cart", "msc"};
    const char *relapse[] = {"h_relapse_soc", "h_relapse_biologic", "h_relapse_cart",
                             "h_relapse_msc"};
    int k = -1;
    for (int j = 0; j < 4; j++) {
      k = strcmp(kinds[j], v) == 0 ? j : k;
    }
    if (k < 0) {
      return remit__yaml_fail(&L->y, nk, fk, "expected soc, biologic, cart or msc, got %s",
                              remit__yaml_got(nk, g, sizeof g));
    }
    st->kind = (pw_strategy_kind)k;
    st->relapse_param = remit_econ_param_index(relapse[k]);
    yaml_node_t *nd = remit__yaml_map_get(&L->y, it, "drug");
    remit__yaml_join(fk, f, "drug");
    if (nd) {
      TRY(remit__yaml_get_str(&L->y, nd, fk, "belimumab or anifrolumab", &v));
      char pname[64];
      snprintf(pname, sizeof pname, "c_%.40s_year", v);
      if (st->kind != PW_BIOLOGIC || (st->drug_param = remit_econ_param_index(pname)) < 0) {
        return remit__yaml_fail(&L->y, nd, fk,
                                "expected belimumab or anifrolumab with kind biologic, got %s",
                                remit__yaml_got(nd, g, sizeof g));
      }
    } else if (st->kind == PW_BIOLOGIC) {
      return remit__yaml_missing(&L->y, it, f, "drug", "belimumab or anifrolumab");
    }
    yaml_node_t *nr = remit__yaml_map_get(&L->y, it, "relapse");
    remit__yaml_join(fk, f, "relapse");
    if (nr) {
      TRY(remit__yaml_get_str(&L->y, nr, fk, "a relapse-hazard parameter (h_relapse_*)", &v));
      if (strncmp(v, "h_relapse_", 10) != 0 || (st->relapse_param = remit_econ_param_index(v)) < 0) {
        return remit__yaml_fail(&L->y, nr, fk,
                                "expected one of h_relapse_soc, h_relapse_biologic, "
                                "h_relapse_cart, h_relapse_msc, got %s",
                                remit__yaml_got(nr, g, sizeof g));
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
  TRY(remit__yaml_check_map(&L->y, n, field, keys));
  s->has_cea = 1;
  char f[REMIT__YAML_FIELD_LEN], g[64];
  TRY(get_opt_num(L, n, field, "horizon_years", 0.0, 120.0, 1, &s->cea_horizon_years));
  TRY(get_opt_num(L, n, field, "max_age", 1.0, 130.0, 0, &s->max_age));
  yaml_node_t *d = remit__yaml_map_get(&L->y, n, "discount");
  if (d) {
    static const char *const dk[] = {"costs", "effects", NULL};
    TRY(remit__yaml_check_map(&L->y, d, "cea.discount", dk));
    TRY(get_opt_num(L, d, "cea.discount", "costs", 0.0, 1.0, 0, &s->dr_cost));
    TRY(get_opt_num(L, d, "cea.discount", "effects", 0.0, 1.0, 0, &s->dr_effect));
  }
  int np = (int)s->cea_patients, ns = (int)s->psa_samples;
  TRY(get_opt_int(L, n, field, "patients", 1, 10000000, &np));
  TRY(get_opt_int(L, n, field, "psa_samples", 0, 1000000, &ns));
  s->cea_patients = np;
  s->psa_samples = ns;
  yaml_node_t *w = remit__yaml_map_get(&L->y, n, "wtp");
  if (w) {
    static const char *const wk[] = {"from", "to", "step", NULL};
    double lo = 0, hi = 0, step = 0;
    TRY(remit__yaml_check_map(&L->y, w, "cea.wtp", wk));
    const char *req[] = {"from", "to", "step"};
    for (int i = 0; i < 3; i++) {
      if (!remit__yaml_map_get(&L->y, w, req[i])) {
        return remit__yaml_missing(&L->y, w, "cea.wtp", req[i], "a number");
      }
    }
    TRY(get_opt_num(L, w, "cea.wtp", "from", 0.0, 1e9, 0, &lo));
    TRY(get_opt_num(L, w, "cea.wtp", "to", lo, 1e9, 0, &hi));
    TRY(get_opt_num(L, w, "cea.wtp", "step", 0.0, 1e9, 1, &step));
    double cnt = floor((hi - lo) / step + 1e-9) + 1.0;
    if (cnt > 10000) {
      return remit__yaml_fail(&L->y, w, "cea.wtp", "expected at most 10000 values, got %.0f", cnt);
    }
    remit__free(L->y.ctx, s->wtp);
    s->n_wtp = (int)cnt;
    if (!(s->wtp = remit__calloc(L->y.ctx, (size_t)s->n_wtp, sizeof(double)))) {
      return REMIT_ERR_NOMEM;
    }
    for (int i = 0; i < s->n_wtp; i++) {
      s->wtp[i] = lo + i * step;
    }
  }
  yaml_node_t *sn = remit__yaml_map_get(&L->y, n, "strategies");
  if (!sn) {
    return remit__yaml_missing(&L->y, n, field, "strategies", "a list of strategies");
  }
  TRY(parse_strategies(L, sn));
  yaml_node_t *t = remit__yaml_map_get(&L->y, n, "tornado");
  s->tornado_strategy = s->n_strategies - 1;
  s->tornado_comparator = 0;
  if (t) {
    static const char *const tk[] = {"strategy", "comparator", "wtp", NULL};
    TRY(remit__yaml_check_map(&L->y, t, "cea.tornado", tk));
    const char *names[] = {"strategy", "comparator"};
    int *dst[] = {&s->tornado_strategy, &s->tornado_comparator};
    for (int i = 0; i < 2; i++) {
      yaml_node_t *x = remit__yaml_map_get(&L->y, t, names[i]);
      if (x) {
        const char *v;
        remit__yaml_join(f, "cea.tornado", names[i]);
        TRY(remit__yaml_get_str(&L->y, x, f, "a strategy name", &v));
        if ((*dst[i] = strategy_index(s, v)) < 0) {
          return remit__yaml_fail(&L->y, x, f, "expected a strategy of cea.strategies, got %s",
                                  remit__yaml_got(x, g, sizeof g));
        }
      }
    }
    TRY(get_opt_num(L, t, "cea.tornado", "wtp", 0.0, 1e9, 0, &s->tornado_wtp));
  }
  yaml_node_t *pm = remit__yaml_map_get(&L->y, n, "parameters");
  if (pm) {
    if (pm->type != YAML_MAPPING_NODE) {
      return remit__yaml_fail(&L->y, pm, "cea.parameters",
                              "expected a mapping {name: value}, got %s",
                              remit__yaml_got(pm, g, sizeof g));
    }
    for (yaml_node_pair_t *p = pm->data.mapping.pairs.start; p < pm->data.mapping.pairs.top; p++) {
      yaml_node_t *k = remit__yaml_node_at(&L->y, p->key);
      remit__yaml_join(f, "cea.parameters",
                       k->type == YAML_SCALAR_NODE ? remit__yaml_scalar(k) : "?");
      int idx = k->type == YAML_SCALAR_NODE ? remit_econ_param_index(remit__yaml_scalar(k)) : -1;
      if (idx < 0) {
        return remit__yaml_fail(&L->y, k, f,
                                "unknown economic parameter (see remit pathway --params)");
      }
      for (yaml_node_pair_t *q = pm->data.mapping.pairs.start; q < p; q++) {
        if (strcmp(remit__yaml_scalar(remit__yaml_node_at(&L->y, q->key)), remit__yaml_scalar(k)) ==
            0) {
          return remit__yaml_fail(&L->y, k, f, "duplicate key");
        }
      }
      /* The mortality rows feed a root-finder (remit__pw_gompertz_level),
       * whose bracket holds for these ranges; the rest are free numbers. */
      const char *name = remit__yaml_scalar(k);
      double lo = -1e9, hi = 1e9;
      if (strncmp(name, "e0_", 3) == 0) {
        lo = 1.0;
        hi = 150.0;
      } else if (strcmp(name, "gompertz_b") == 0) {
        lo = 0.01;
        hi = 0.5;
      }
      TRY(remit__yaml_get_num(&L->y, remit__yaml_node_at(&L->y, p->value), f, lo, hi, 0,
                              &s->econ[idx]));
    }
  }
  return REMIT_OK;
}

/* patients.uncertainty: {draws, cv, parameters}: the SLE model's parameter
 * uncertainty propagated to the PSA (docs/pathway.md). */
static remit_status parse_uncertainty(loader *L, const yaml_node_t *n) {
  remit_pathway_scenario *s = L->s;
  const char *field = "patients.uncertainty";
  static const char *const keys[] = {"draws", "cv", "parameters", NULL};
  TRY(remit__yaml_check_map(&L->y, n, field, keys));
  TRY(get_opt_int(L, n, field, "draws", 0, 1000, &s->model_draws));
  TRY(get_opt_num(L, n, field, "cv", 0.0, 2.0, 0, &s->model_unc_cv));
  yaml_node_t *pn = remit__yaml_map_get(&L->y, n, "parameters");
  if (!pn) {
    return REMIT_OK;
  }
  char f[REMIT__YAML_FIELD_LEN], g[64];
  const remit_model_spec *spec = remit_spec_sle();
  remit__yaml_join(f, field, "parameters");
  TRY(remit__yaml_check_seq(&L->y, pn, f, 1, spec->n_params, "parameter names"));
  s->n_unc_params = remit__yaml_seq_len(pn);
  if (!(s->unc_params = remit__calloc(L->y.ctx, (size_t)s->n_unc_params, sizeof(int)))) {
    return REMIT_ERR_NOMEM;
  }
  for (int i = 0; i < s->n_unc_params; i++) {
    yaml_node_t *it = remit__yaml_seq_at(&L->y, pn, i);
    char fi[REMIT__YAML_FIELD_LEN];
    const char *v;
    remit__yaml_join_index(fi, f, i);
    TRY(remit__yaml_get_str(&L->y, it, fi, "a parameter of the SLE model", &v));
    int k = remit_spec_param_index(spec, v);
    /* A factor on the typical value moves nothing at 0, and a switch
     * (lower = upper or a 0/1 flag) must not be scaled. */
    if (k < 0 || !(spec->params[k].value > 0.0) ||
        !(spec->params[k].upper > spec->params[k].lower)) {
      return remit__yaml_fail(&L->y, it, fi,
                              "expected a parameter of the SLE model with a positive value "
                              "(remit params), got %s",
                              remit__yaml_got(it, g, sizeof g));
    }
    for (int j = 0; j < i; j++) {
      if (s->unc_params[j] == k) {
        return remit__yaml_fail(&L->y, it, fi, "parameter '%s' is given twice", v);
      }
    }
    s->unc_params[i] = k;
  }
  return REMIT_OK;
}

static remit_status parse_patients(loader *L, const yaml_node_t *n) {
  remit_pathway_scenario *s = L->s;
  static const char *const keys[] = {"scenario", "n", "remission_sledai", "uncertainty", NULL};
  TRY(remit__yaml_check_map(&L->y, n, "patients", keys));
  yaml_node_t *sc = remit__yaml_map_get(&L->y, n, "scenario");
  if (!sc) {
    return remit__yaml_missing(&L->y, n, "patients", "scenario",
                               "a trial scenario file (population and arms)");
  }
  const char *rel;
  TRY(remit__yaml_get_str(&L->y, sc, "patients.scenario", "a file name", &rel));
  /* A relative path is taken from this file's folder. */
  const char *slash = strrchr(L->y.path, '/');
  size_t dl = (rel[0] != '/' && slash) ? (size_t)(slash - L->y.path + 1) : 0;
  s->model_path = remit__malloc(L->y.ctx, dl + strlen(rel) + 1);
  if (!s->model_path) {
    return REMIT_ERR_NOMEM;
  }
  memcpy(s->model_path, L->y.path, dl);
  strcpy(s->model_path + dl, rel);
  remit_status st = remit_scenario_load(L->y.ctx, s->model_path, &s->model);
  if (st != REMIT_OK) {
    /* Keep the inner message, say where it was named. */
    char inner[600];
    snprintf(inner, sizeof inner, "%s", remit_context_errmsg(L->y.ctx));
    return remit__yaml_fail(&L->y, sc, "patients.scenario", "cannot use %s: %s", s->model_path,
                            inner);
  }
  TRY(get_opt_int(L, n, "patients", "n", 1, 100000, &s->n_model_patients));
  TRY(get_opt_num(L, n, "patients", "remission_sledai", 0.0, 105.0, 0, &s->remission_sledai));
  yaml_node_t *u = remit__yaml_map_get(&L->y, n, "uncertainty");
  return u ? parse_uncertainty(L, u) : REMIT_OK;
}

static remit_status parse_root(loader *L, yaml_node_t *root) {
  remit_pathway_scenario *s = L->s;
  static const char *const keys[] = {"name", "seed", "patients", "pathway", "cea", NULL};
  TRY(remit__yaml_check_map(&L->y, root, "", keys));
  yaml_node_t *n = remit__yaml_map_get(&L->y, root, "name");
  if (n) {
    const char *v;
    TRY(remit__yaml_get_str(&L->y, n, "name", "a name", &v));
    remit__free(L->y.ctx, s->name);
    if (!(s->name = sdup_ctx(L->y.ctx, v))) {
      return REMIT_ERR_NOMEM;
    }
  }
  if ((n = remit__yaml_map_get(&L->y, root, "seed"))) {
    TRY(remit__yaml_get_u64(&L->y, n, "seed", &s->seed));
  }
  if (!(n = remit__yaml_map_get(&L->y, root, "patients"))) {
    return remit__yaml_missing(&L->y, root, "", "patients", "{scenario: FILE.yaml}");
  }
  TRY(parse_patients(L, n));
  if ((n = remit__yaml_map_get(&L->y, root, "pathway"))) {
    TRY(parse_pathway(L, n));
  }
  if ((n = remit__yaml_map_get(&L->y, root, "cea"))) {
    TRY(parse_cea(L, n));
  }
  if (!s->has_pathway && !s->has_cea) {
    return remit__yaml_fail(&L->y, root, "", "expected a pathway section, a cea section, or both");
  }
  return REMIT_OK;
}

/* Defaults: documented in docs/pathway.md with their sources. */
static void set_defaults(remit_pathway_scenario *s) {
  s->seed = 1;
  s->n_model_patients = 100;
  s->remission_sledai = 4.0; /* SLEDAI-2K <= 4: the LLDAS activity limit (clinical.md 4) */
  /* Model-parameter uncertainty in the PSA: 20 draws (a modest number: each
   * re-simulates every representative patient under every strategy), CV
   * 20 % on the typical values of the parameters with IIV [assumption:
   * no posterior or standard errors exist for the calibrated SLE model;
   * docs/pathway.md]. */
  s->model_draws = 20;
  s->model_unc_cv = 0.2;
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
  loader L = {{ctx, path, NULL}, s};
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
  L.y.doc = &doc;
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
  remit__free(ctx, s->unc_params);
  remit__free(ctx, s->model_path);
  remit__free(ctx, s->text);
  remit__free(ctx, s->name);
  remit__free(ctx, s->path);
  remit__free(ctx, s);
  *sp = NULL;
}
