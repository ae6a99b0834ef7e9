/* SPDX-License-Identifier: MIT
 *
 * endpoints.c: SLEDAI-2K scoring, BILAG-like organ-domain grades derived
 * from the SLEDAI-2K items, and the per-patient evaluation of every endpoint
 * kind of remit_trial.h from a patient's visits and daily series.
 *
 * Definitions: ../shared/domain/clinical.md §4 (SLEDAI-2K §4.1, DORIS §4.2,
 * LLDAS §4.3, SRI-4 §4.4, BICLA §4.5, renal response §3.1, ASTCT §4.7, CTCAE
 * §4.8).  Each choice the sources leave open (which visit counts for "at
 * day", what a dropout counts as, how a BILAG grade is derived) is stated in
 * docs/endpoints.md and, briefly, next to the code that makes it.
 */
#include "scores/endpoints.h"

#include <math.h>
#include <stddef.h>

#define BIT(i) (UINT32_C(1) << (i))

/* ------------------------------------------------------------------------ */
/* SLEDAI-2K (clinical.md §4.1)                                              */
/* ------------------------------------------------------------------------ */

const char *const remit__sledai_item_name[REMIT_N_SLEDAI_ITEMS] = {
    "seizure",      "psychosis",     "organic_brain",  "visual",         "cranial_nerve",
    "lupus_headache", "cva",         "vasculitis",     "arthritis",      "myositis",
    "urinary_casts", "haematuria",   "proteinuria",    "pyuria",         "rash",
    "alopecia",     "mucosal_ulcers", "pleurisy",      "pericarditis",   "low_complement",
    "dna_binding",  "fever",         "thrombocytopenia", "leukopenia"};

/* 8 x 8 + 6 x 4 + 7 x 2 + 3 x 1 = 105, the maximum of the index. */
const int remit__sledai_weight[REMIT_N_SLEDAI_ITEMS] = {
    8, 8, 8, 8, 8, 8, 8, 8, /* seizure .. vasculitis */
    4, 4, 4, 4, 4, 4,       /* arthritis, myositis, casts, haematuria, proteinuria, pyuria */
    2, 2, 2, 2, 2, 2, 2,    /* rash, alopecia, ulcers, pleurisy, pericarditis, low C, DNA binding */
    1, 1, 1};               /* fever, thrombocytopenia, leukopenia */

double remit__sledai_score(uint32_t items) {
  int s = 0;
  for (int i = 0; i < REMIT_N_SLEDAI_ITEMS; i++) {
    if (items & BIT(i)) {
      s += remit__sledai_weight[i];
    }
  }
  return (double)s;
}

double remit__clinical_sledai(uint32_t items) {
  return remit__sledai_score(items & ~REMIT_SLEDAI_SEROLOGY_MASK);
}

/* ------------------------------------------------------------------------ */
/* BILAG-like domains                                                        */
/* ------------------------------------------------------------------------ */

const char *const remit__bilag_domain_name[REMIT_N_BILAG_DOMAINS] = {
    "constitutional", "mucocutaneous", "neuropsychiatric", "musculoskeletal",
    "cardiorespiratory", "renal", "ophthalmic", "haematological"};

/* Vasculitis sits in mucocutaneous because BILAG-2004 places cutaneous
 * vasculitis there (it has no vasculitis domain), and SLEDAI's descriptor is
 * mostly cutaneous; visual disturbance (retinal changes) is BILAG's
 * ophthalmic domain.  Serology (low complement, DNA binding) is in no domain:
 * BILAG grades clinical activity only.  BILAG's gastrointestinal domain has
 * no SLEDAI item and is left out. */
static const uint32_t domain_items[REMIT_N_BILAG_DOMAINS] = {
    BIT(REMIT_SI_FEVER),
    BIT(REMIT_SI_RASH) | BIT(REMIT_SI_ALOPECIA) | BIT(REMIT_SI_MUCOSAL_ULCERS) | BIT(REMIT_SI_VASCULITIS),
    BIT(REMIT_SI_SEIZURE) | BIT(REMIT_SI_PSYCHOSIS) | BIT(REMIT_SI_ORGANIC_BRAIN) |
        BIT(REMIT_SI_CRANIAL_NERVE) | BIT(REMIT_SI_LUPUS_HEADACHE) | BIT(REMIT_SI_CVA),
    BIT(REMIT_SI_ARTHRITIS) | BIT(REMIT_SI_MYOSITIS),
    BIT(REMIT_SI_PLEURISY) | BIT(REMIT_SI_PERICARDITIS),
    BIT(REMIT_SI_URINARY_CASTS) | BIT(REMIT_SI_HAEMATURIA) | BIT(REMIT_SI_PROTEINURIA) | BIT(REMIT_SI_PYURIA),
    BIT(REMIT_SI_VISUAL),
    BIT(REMIT_SI_THROMBOCYTOPENIA) | BIT(REMIT_SI_LEUKOPENIA)};

/* Domain weight sum at or above which the domain is graded A. */
#define BILAG_A_WEIGHT 8
/* Smallest item weight that makes a domain B rather than C. */
#define BILAG_B_ITEM_WEIGHT 2

uint32_t remit__bilag_domain_items(remit__bilag_domain d) {
  if ((int)d < 0 || d >= REMIT_N_BILAG_DOMAINS) {
    return 0;
  }
  return domain_items[d];
}

remit__bilag_grade remit__bilag_grade_of(uint32_t items, remit__bilag_domain d, uint32_t history) {
  uint32_t mask = remit__bilag_domain_items(d);
  uint32_t now = items & mask;
  if (!now) {
    return (history & mask) ? REMIT_BILAG_D : REMIT_BILAG_E;
  }
  int sum = 0, max_w = 0;
  for (int i = 0; i < REMIT_N_SLEDAI_ITEMS; i++) {
    if (now & BIT(i)) {
      sum += remit__sledai_weight[i];
      if (remit__sledai_weight[i] > max_w) {
        max_w = remit__sledai_weight[i];
      }
    }
  }
  if (sum >= BILAG_A_WEIGHT) {
    return REMIT_BILAG_A;
  }
  return max_w >= BILAG_B_ITEM_WEIGHT ? REMIT_BILAG_B : REMIT_BILAG_C;
}

_Static_assert(REMIT_VISIT_N_DOMAINS == REMIT_N_BILAG_DOMAINS, "visit.h domain count");

void remit__bilag_grades(const remit__visit *visits, int k, remit__bilag_grade grades[REMIT_N_BILAG_DOMAINS]) {
  uint32_t history = 0;
  for (int j = 0; j < k; j++) {
    history |= visits[j].items;
  }
  for (int d = 0; d < REMIT_N_BILAG_DOMAINS; d++) {
    int graded = visits[k].bilag[d];
    if (!graded) {
      grades[d] = remit__bilag_grade_of(visits[k].items, (remit__bilag_domain)d, history);
      continue;
    }
    /* The model's grade; D or E by whether the domain was active before. */
    int before = (history & remit__bilag_domain_items((remit__bilag_domain)d)) != 0;
    for (int j = 0; j < k && !before; j++) {
      before = visits[j].bilag[d] >= 2;
    }
    grades[d] = graded >= 4   ? REMIT_BILAG_A
                : graded == 3 ? REMIT_BILAG_B
                : graded == 2 ? REMIT_BILAG_C
                : before      ? REMIT_BILAG_D
                              : REMIT_BILAG_E;
  }
}

void remit__bilag_new(const remit__visit *visits, int k, int *n_new_a, int *n_new_b) {
  remit__bilag_new_since(visits, k, 0, n_new_a, n_new_b, NULL);
}

void remit__bilag_new_since(const remit__visit *visits, int k, int j, int *n_new_a, int *n_new_b,
                            int *n_new_c) {
  remit__bilag_grade g0[REMIT_N_BILAG_DOMAINS], gk[REMIT_N_BILAG_DOMAINS];
  remit__bilag_grades(visits, j, g0);
  remit__bilag_grades(visits, k, gk);
  int a = 0, b = 0, c = 0;
  for (int d = 0; d < REMIT_N_BILAG_DOMAINS; d++) {
    if (gk[d] == REMIT_BILAG_A && g0[d] != REMIT_BILAG_A) {
      a++;
    }
    if (gk[d] == REMIT_BILAG_B && g0[d] > REMIT_BILAG_B) {
      b++;
    }
    if (gk[d] == REMIT_BILAG_C && g0[d] > REMIT_BILAG_C) {
      c++;
    }
  }
  *n_new_a = a;
  *n_new_b = b;
  if (n_new_c) {
    *n_new_c = c;
  }
}

/* ------------------------------------------------------------------------ */
/* Definition constants (from the cited definitions, not tunables)           */
/* ------------------------------------------------------------------------ */

#define DORIS_PGA_LT 0.5        /* PGA < 0.5 (0-3), clinical.md §4.2 */
#define DORIS_PRED_LE 5.0       /* prednisone <= 5 mg/day, §4.2 */
#define LLDAS_SLEDAI_LE 4.0     /* SLEDAI-2K <= 4, §4.3 */
#define LLDAS_PGA_LE 1.0        /* PGA <= 1, §4.3 */
#define LLDAS_PRED_LE 7.5       /* prednisone <= 7.5 mg/day, §4.3 */
#define SRI_REDUCTION 4.0       /* >= 4-point SLEDAI reduction, §4.4 */
#define SRI_BASELINE_GE 4.0     /* SRI-4 needs baseline SLEDAI >= 4, §4.4 */
#define SRI_PGA_LT 0.3          /* PGA increase < 0.3, §4.4 */
#define SRI_NEW_B_LT 2          /* fewer than 2 new B, §4.4 */
#define BICLA_PGA_LE 0.3        /* PGA worsening <= 10 % of the 0-3 scale, §4.5 */
#define BICLA_NEW_B_LE 1        /* no more than one new B, §4.5 */
#define RENAL_PRED_LE 10.0      /* AURORA CRR: prednisone <= 10 mg/day, §3.1 */
#define SELENA_FLARE_RISE 3.0   /* SELENA-SLEDAI rise >= 3: a flare, §4.1 */
#define SELENA_SEVERE_GT 12.0   /* SELENA-SLEDAI > 12: severe, §4.1 */
#define PETRI_PGA_RISE 1.0      /* PGA rise >= 1.0: Petri 1991 flare, §3.2 */
#define TULIP_NEW_B_GE 2        /* >= 2 new B: TULIP BILAG-2004 flare [M] */
#define SFI_PGA_SEVERE_GT 2.5   /* SFI severe flare: PGA increase to > 2.5 [M] */
#define AE_INFECTION_GRADE 3    /* a serious infection is CTCAE grade >= 3 (hospitalisation), §4.8 */

/* LLDAS criterion 1: no activity in major organs (renal, CNS, cardiopulmonary,
 * vasculitis, fever).  CNS = SLEDAI's neurological descriptors, visual
 * disturbance included.  Haemolytic anaemia and GI activity have no SLEDAI
 * item. */
static const uint32_t lldas_major_items =
    BIT(REMIT_SI_SEIZURE) | BIT(REMIT_SI_PSYCHOSIS) | BIT(REMIT_SI_ORGANIC_BRAIN) | BIT(REMIT_SI_VISUAL) |
    BIT(REMIT_SI_CRANIAL_NERVE) | BIT(REMIT_SI_LUPUS_HEADACHE) | BIT(REMIT_SI_CVA) |
    BIT(REMIT_SI_VASCULITIS) | BIT(REMIT_SI_URINARY_CASTS) | BIT(REMIT_SI_HAEMATURIA) |
    BIT(REMIT_SI_PROTEINURIA) | BIT(REMIT_SI_PYURIA) | BIT(REMIT_SI_PLEURISY) |
    BIT(REMIT_SI_PERICARDITIS) | BIT(REMIT_SI_FEVER);

/* ------------------------------------------------------------------------ */
/* Options, defaults, kinds                                                  */
/* ------------------------------------------------------------------------ */

void remit__endpoint_opts_default(remit__endpoint_opts *opts) {
  if (!opts) {
    return;
  }
  /* +/- 14 days: the usual window of monthly and quarterly trial visits; it
   * absorbs "week 52 = day 364" against a "12 months = day 365" visit while
   * a dropout months earlier is never taken for the day's assessment. */
  opts->visit_window = 14.0;
  /* PGA is on a 0-3 scale with 0.1 steps at best; 1e-9 only absorbs binary
   * floating-point error (1.3 - 1.0 = 0.30000000000000004). */
  opts->pga_tol = 1e-9;
}

double remit__endpoint_default_threshold(remit_endpoint_kind kind) {
  switch ((int)kind) {
    case REMIT_EP_FLARE:
    case REMIT_EP_RELAPSE:
    case REMIT_EP_FLARE_COUNT:
    case REMIT_EP_FLARE_ANY:
      return SELENA_FLARE_RISE; /* SLEDAI rise >= 3: SELENA mild/moderate flare, §4.1 */
    case REMIT_EP_B_APLASIA_DAYS:
    case REMIT_EP_B_RECONSTITUTION:
      return 1.0; /* cells/uL, about the lower limit of quantification of flow cytometry */
    case REMIT_EP_CRS:
    case REMIT_EP_ICANS:
      return 1.0; /* any grade */
    case REMIT_EP_INFECTION:
      return 1.0; /* >= 1 serious infection */
    case REMIT_EP_AE_GRADE3:
      return 3.0; /* CTCAE grade >= 3 (Saint-Louis MSC trial, §4.8) */
    case REMIT_EP_CART_TOXICITY:
      return 2.0; /* CRS >= 2: CARLYSLE's "no CRS >= 2, ICANS or DLT" */
    case REMIT_EP_HYPOGAMMA:
      return 6.0; /* g/L = 600 mg/dL (J Allergy Clin Immunol 2024, models.md §2.4) */
    case REMIT_EP_RENAL_RESPONSE:
      return 0.5; /* g/day (AURORA CRR UPCR <= 0.5, §3.1) */
    case REMIT_EP_ANTI_DSDNA_NEG:
      return 30.0; /* IU/mL, the BLISS positivity cut-off [M] */
    default:
      return NAN;
  }
}

int remit__endpoint_value_kind(remit_endpoint_kind kind) {
  switch ((int)kind) {
    case REMIT_EP_SLEDAI_CHANGE:
    case REMIT_EP_SLEDAI:
    case REMIT_EP_CART_CMAX:
    case REMIT_EP_CART_TMAX:
    case REMIT_EP_CART_AUC28:
    case REMIT_EP_DAMAGE_CHANGE:
      return REMIT_VALUE_CONTINUOUS;
    case REMIT_EP_DORIS:
    case REMIT_EP_DORIS_DRUG_FREE:
    case REMIT_EP_LLDAS:
    case REMIT_EP_SRI4:
    case REMIT_EP_BICLA:
    case REMIT_EP_CRS:
    case REMIT_EP_ICANS:
    case REMIT_EP_INFECTION:
    case REMIT_EP_AE_GRADE3:
    case REMIT_EP_CART_TOXICITY:
    case REMIT_EP_HYPOGAMMA:
    case REMIT_EP_RENAL_RESPONSE:
    case REMIT_EP_ANTI_DSDNA_NEG:
    case REMIT_EP_FLARE_ANY:
      return REMIT_VALUE_BINARY;
    case REMIT_EP_FLARE_COUNT:
      return REMIT_VALUE_COUNT;
    case REMIT_EP_FLARE:
    case REMIT_EP_RELAPSE:
    case REMIT_EP_B_APLASIA_DAYS:
    case REMIT_EP_B_RECONSTITUTION:
      return REMIT_VALUE_TIME_TO_EVENT;
    default:
      return -1;
  }
}

int remit__visit_at(const remit__visit *visits, int n_visits, double day, double window) {
  int best = -1;
  double best_d = INFINITY;
  for (int k = 0; k < n_visits; k++) {
    double d = fabs(visits[k].day - day);
    if (d <= window && d < best_d) { /* strict: the earlier visit wins a tie */
      best = k;
      best_d = d;
    }
  }
  return best;
}

/* ------------------------------------------------------------------------ */
/* Flare definitions (docs/endpoints.md, "Flare definitions")                */
/* ------------------------------------------------------------------------ */

double remit__flare_default_threshold(remit_flare_def def) {
  switch (def) {
    case REMIT_FLARE_SLEDAI:
      return SELENA_FLARE_RISE;
    case REMIT_FLARE_SLEDAI_SEVERE:
      return SELENA_SEVERE_GT;
    case REMIT_FLARE_PGA:
      return PETRI_PGA_RISE;
    default:
      return NAN;
  }
}

int remit__flare_at(const remit__visit *visits, int k, remit_flare_def def, double thr, double pga_tol) {
  if (k < 1 || (int)def < 0 || def >= REMIT_N_FLARE_DEFS) {
    return 0;
  }
  if (!(thr > 0.0)) {
    thr = remit__flare_default_threshold(def);
  }
  const remit__visit *prev = &visits[k - 1], *cur = &visits[k];
  double rise = cur->sledai - prev->sledai;
  int na = 0, nb = 0, nc = 0;
  switch (def) {
    case REMIT_FLARE_SLEDAI:
      return rise >= thr;
    case REMIT_FLARE_SLEDAI_SEVERE:
      /* A SELENA flare (rise >= 3) that reaches the severe band (> 12). */
      return rise >= SELENA_FLARE_RISE && cur->sledai > thr;
    case REMIT_FLARE_PGA:
      /* Inclusive at the bound: 1.3 - 0.3 counts as a rise of 1.0. */
      return cur->pga - prev->pga >= thr - pga_tol;
    default:
      break;
  }
  remit__bilag_new_since(visits, k, k - 1, &na, &nb, &nc);
  switch (def) {
    case REMIT_FLARE_BILAG:
      return na >= 1 || nb >= TULIP_NEW_B_GE;
    case REMIT_FLARE_BILAG_AB:
      return na >= 1 || nb >= 1;
    case REMIT_FLARE_SFI_SEVERE:
      /* BLISS's modified SFI severe flare: not the SELENA-SLEDAI rise to
       * > 12 alone; new or worse severe organ disease (a new BILAG-like A)
       * or the PGA rising to > 2.5.  Prednisone and hospitalisation criteria
       * are not modelled (docs/endpoints.md). */
      return na >= 1 ||
             (cur->pga > SFI_PGA_SEVERE_GT + pga_tol && !(prev->pga > SFI_PGA_SEVERE_GT + pga_tol));
    case REMIT_FLARE_BILAG_ANY:
      /* BILAG-2004 flare of any severity: severe (new A), moderate (new B
       * from C/D/E) or mild (new C from D/E). */
      return na >= 1 || nb >= 1 || nc >= 1;
    default: /* REMIT_FLARE_BILAG_A */
      return na >= 1;
  }
}

/* ------------------------------------------------------------------------ */
/* Per-visit states                                                          */
/* ------------------------------------------------------------------------ */

int remit__is_doris(const remit__visit *v, double pga_tol) {
  return remit__clinical_sledai(v->items) == 0.0 && v->pga < DORIS_PGA_LT - pga_tol &&
         v->prednisone <= DORIS_PRED_LE;
}

int remit__is_doris_drug_free(const remit__visit *v, double pga_tol) {
  return remit__is_doris(v, pga_tol) && v->prednisone <= 0.0 && v->immunosuppressants == 0;
}

int remit__is_lldas(const remit__visit *visits, int k, double pga_tol) {
  const remit__visit *v = &visits[k];
  if (!(v->sledai <= LLDAS_SLEDAI_LE) || (v->items & lldas_major_items)) {
    return 0; /* criterion 1 */
  }
  /* Criterion 2: any SLEDAI-2K item present now and absent at the previous
   * assessment is new activity (serology included: the strict reading). */
  if (k > 0 && (v->items & ~visits[k - 1].items & REMIT_SLEDAI_ALL_MASK)) {
    return 0;
  }
  if (!(v->pga <= LLDAS_PGA_LE + pga_tol)) {
    return 0; /* criterion 3 */
  }
  if (!(v->prednisone <= LLDAS_PRED_LE)) {
    return 0; /* criterion 4 */
  }
  /* Criterion 5 (standard maintenance IS and biologics tolerated) is taken
   * as met: the model has no intolerance. */
  return 1;
}

/* ------------------------------------------------------------------------ */
/* Outcome helpers                                                           */
/* ------------------------------------------------------------------------ */

static void set_missing(remit__outcome *o, const char *why) {
  o->evaluable = 0;
  o->imputed = 0;
  o->value = NAN;
  o->event = 0;
  o->time = NAN;
  o->why = why;
}

/* Non-responder imputation (BLISS, TULIP): counted, as a non-responder. */
static void set_nri(remit__outcome *o, const char *why) {
  o->evaluable = 1;
  o->imputed = 1;
  o->value = 0.0;
  o->event = 0;
  o->why = why;
}

static void set_binary(remit__outcome *o, int yes, double day) {
  o->evaluable = 1;
  o->value = yes ? 1.0 : 0.0;
  o->event = yes ? 1 : 0;
  o->day = day;
}

static void set_continuous(remit__outcome *o, double value, double day) {
  if (!isfinite(value)) {
    set_missing(o, "value not finite");
    o->day = day;
    return;
  }
  o->evaluable = 1;
  o->value = value;
  o->day = day;
}

static void set_tte(remit__outcome *o, double time, int event, double day) {
  o->evaluable = 1;
  o->time = time;
  o->value = time;
  o->event = event;
  o->day = day;
}

static int rescue_by(const remit__visit *visits, int k) {
  for (int j = 1; j <= k; j++) {
    if (visits[j].new_treatment) {
      return 1;
    }
  }
  return 0;
}

/* Last index i with finite day[i], finite y[i] and day[i] <= limit; -1 if none. */
static int last_obs(const remit__daily *d, const double *y, double limit) {
  int last = -1;
  for (int i = 0; i < d->n; i++) {
    if (isfinite(d->day[i]) && d->day[i] <= limit && isfinite(y[i])) {
      last = i;
    }
  }
  return last;
}

/* Trapezoidal integral of y over [a, b] on the grid day[], with linear
 * interpolation at a and b.  Fails (returns 0) unless the grid covers
 * [a, b] with finite values. */
static int trapz(const double *day, const double *y, int n, double a, double b, double *out) {
  if (n < 1 || !(day[0] <= a) || !(day[n - 1] >= b)) {
    return 0;
  }
  double s = 0.0;
  for (int i = 0; i + 1 < n; i++) {
    double d0 = day[i], d1 = day[i + 1];
    if (!(d1 > d0) || d1 <= a || d0 >= b) {
      continue;
    }
    if (!isfinite(y[i]) || !isfinite(y[i + 1])) {
      return 0;
    }
    double lo = d0 < a ? a : d0, hi = d1 > b ? b : d1;
    double slope = (y[i + 1] - y[i]) / (d1 - d0);
    double ylo = y[i] + slope * (lo - d0), yhi = y[i] + slope * (hi - d0);
    s += 0.5 * (ylo + yhi) * (hi - lo);
  }
  *out = s;
  return 1;
}

/* End of a window: ep->day when positive, else no limit. */
static double window_end(const remit_endpoint *ep) { return ep->day > 0.0 ? ep->day : INFINITY; }

static int is_flare_kind(remit_endpoint_kind kind) {
  return kind == REMIT_EP_FLARE || kind == REMIT_EP_RELAPSE || kind == REMIT_EP_FLARE_COUNT ||
         kind == REMIT_EP_FLARE_ANY;
}

static double thr_of(const remit_endpoint *ep) {
  if (ep->threshold > 0.0) {
    return ep->threshold;
  }
  return is_flare_kind(ep->kind) ? remit__flare_default_threshold(ep->flare)
                                 : remit__endpoint_default_threshold(ep->kind);
}

/* ------------------------------------------------------------------------ */
/* Endpoint families                                                         */
/* ------------------------------------------------------------------------ */

static const char *const why_no_visit = "no visit within the window of the day (dropout or no scheduled visit)";
static const char *const why_nri = "no visit within the window of the day: non-responder imputation";

/* DORIS, drug-free DORIS, LLDAS, SRI-4, BICLA, renal response. */
static void eval_response(const remit_endpoint *ep, const remit__endpoint_opts *op, const remit__visit *visits,
                          int n_visits, remit__outcome *o) {
  const remit__visit *v0 = &visits[0];
  double thr = thr_of(ep);
  int kind = (int)ep->kind;

  /* Population restrictions come first: a patient outside the endpoint's
   * population is excluded whether or not they dropped out. */
  if (kind == REMIT_EP_SRI4 && !(v0->sledai >= SRI_BASELINE_GE)) {
    set_missing(o, "baseline SLEDAI-2K < 4: SRI-4 not applicable");
    return;
  }
  if (kind == REMIT_EP_BICLA) {
    remit__bilag_grade g0[REMIT_N_BILAG_DOMAINS];
    remit__bilag_grades(visits, 0, g0);
    int any = 0;
    for (int d = 0; d < REMIT_N_BILAG_DOMAINS; d++) {
      any |= g0[d] <= REMIT_BILAG_B;
    }
    if (!any) {
      set_missing(o, "no BILAG A or B domain at baseline: BICLA not applicable");
      return;
    }
  }
  if (kind == REMIT_EP_RENAL_RESPONSE && !(v0->proteinuria > thr)) {
    set_missing(o, "baseline proteinuria at or below the response level: renal response not applicable");
    return;
  }

  int k = remit__visit_at(visits, n_visits, ep->day, op->visit_window);
  if (k < 0) {
    set_nri(o, why_nri);
    return;
  }
  const remit__visit *v = &visits[k];
  int yes = 0;
  switch (kind) {
    case REMIT_EP_DORIS:
      yes = remit__is_doris(v, op->pga_tol);
      break;
    case REMIT_EP_DORIS_DRUG_FREE:
      yes = remit__is_doris_drug_free(v, op->pga_tol);
      break;
    case REMIT_EP_LLDAS:
      yes = remit__is_lldas(visits, k, op->pga_tol);
      break;
    case REMIT_EP_SRI4: {
      int na, nb;
      remit__bilag_new(visits, k, &na, &nb);
      yes = v0->sledai - v->sledai >= SRI_REDUCTION && na == 0 && nb < SRI_NEW_B_LT &&
            v->pga - v0->pga < SRI_PGA_LT - op->pga_tol &&
            !rescue_by(visits, k); /* rescue therapy = non-responder (BLISS convention) */
      break;
    }
    case REMIT_EP_BICLA: {
      remit__bilag_grade g0[REMIT_N_BILAG_DOMAINS], gk[REMIT_N_BILAG_DOMAINS];
      remit__bilag_grades(visits, 0, g0);
      remit__bilag_grades(visits, k, gk);
      int improved = 1;
      for (int d = 0; d < REMIT_N_BILAG_DOMAINS; d++) {
        if (g0[d] <= REMIT_BILAG_B && !(gk[d] > g0[d])) {
          improved = 0; /* criterion 1: A -> B/C/D, B -> C/D */
        }
      }
      int na, nb;
      remit__bilag_new(visits, k, &na, &nb);
      yes = improved && na == 0 && nb <= BICLA_NEW_B_LE && v->sledai <= v0->sledai &&
            v->pga - v0->pga <= BICLA_PGA_LE + op->pga_tol && !rescue_by(visits, k);
      break;
    }
    case REMIT_EP_RENAL_RESPONSE:
      yes = v->proteinuria <= thr && v->prednisone <= RENAL_PRED_LE && !rescue_by(visits, k);
      break;
    default:
      break;
  }
  set_binary(o, yes, v->day);
}

/* SLEDAI, SLEDAI change, damage change, hypogammaglobulinaemia, anti-dsDNA. */
static void eval_at_visit(const remit_endpoint *ep, const remit__endpoint_opts *op, const remit__visit *visits,
                          int n_visits, remit__outcome *o) {
  double thr = thr_of(ep);
  const remit__visit *v0 = &visits[0];
  if (ep->kind == REMIT_EP_ANTI_DSDNA_NEG && !(v0->anti_dsdna >= thr)) {
    set_missing(o, "anti-dsDNA negative at baseline: seroconversion not applicable");
    return;
  }
  int k = remit__visit_at(visits, n_visits, ep->day, op->visit_window);
  if (k < 0) {
    set_missing(o, why_no_visit);
    return;
  }
  const remit__visit *v = &visits[k];
  switch ((int)ep->kind) {
    case REMIT_EP_SLEDAI:
      set_continuous(o, v->sledai, v->day);
      break;
    case REMIT_EP_SLEDAI_CHANGE:
      set_continuous(o, v->sledai - v0->sledai, v->day);
      break;
    case REMIT_EP_DAMAGE_CHANGE:
      set_continuous(o, v->damage - v0->damage, v->day);
      break;
    case REMIT_EP_HYPOGAMMA:
      if (!isfinite(v->igg)) {
        set_missing(o, "IgG not measured");
      } else {
        set_binary(o, v->igg < thr, v->day);
      }
      break;
    case REMIT_EP_ANTI_DSDNA_NEG:
      if (!isfinite(v->anti_dsdna)) {
        set_missing(o, "anti-dsDNA not measured");
      } else {
        set_binary(o, v->anti_dsdna < thr, v->day);
      }
      break;
    default:
      break;
  }
}

/* Flare, relapse, flare count and any flare.  A flare is a post-baseline
 * visit that is a flare by the endpoint's definition compared with the
 * previous attended visit (remit__flare_at); relapse only counts one once
 * LLDAS or DORIS was reached at an earlier post-baseline visit.  Visits after
 * the window's end are ignored. */
static void eval_flare(const remit_endpoint *ep, const remit__endpoint_opts *op, const remit__visit *visits,
                       int n_visits, remit__outcome *o) {
  int kind = (int)ep->kind, relapse = kind == REMIT_EP_RELAPSE;
  int first_only = kind == REMIT_EP_FLARE || relapse;
  double thr = thr_of(ep), end = window_end(ep), first = NAN;
  int responded = 0, count = 0;
  for (int k = 1; k < n_visits && visits[k].day <= end; k++) {
    if ((!relapse || responded) && remit__flare_at(visits, k, ep->flare, thr, op->pga_tol)) {
      count++;
      if (count == 1) {
        first = visits[k].day;
      }
      if (first_only) {
        break;
      }
    }
    if (relapse && (remit__is_lldas(visits, k, op->pga_tol) || remit__is_doris(&visits[k], op->pga_tol))) {
      responded = 1;
    }
  }
  if (first_only && count > 0) {
    set_tte(o, first, 1, first);
    return;
  }
  if (relapse && !responded) {
    set_missing(o, "never in LLDAS or DORIS: not at risk of relapse");
    return;
  }
  /* Observed until the last visit attended, or the window's end when the
   * patient was followed beyond it: flares are ascertained at visits, so
   * this is also the end of the time at risk of an observed flare. */
  double t = visits[n_visits - 1].day < end ? visits[n_visits - 1].day : end;
  if (t < 0.0) {
    t = 0.0;
  }
  if (kind == REMIT_EP_FLARE_COUNT) {
    o->evaluable = 1;
    o->value = (double)count;
    o->event = count > 0;
    o->time = t; /* days at risk, from day 0 */
    o->day = t;
  } else if (kind == REMIT_EP_FLARE_ANY) {
    /* Crude: a patient who dropped out without a flare counts as none. */
    set_binary(o, count > 0, t);
  } else {
    set_tte(o, t, 0, t);
  }
}

/* B-cell aplasia duration and time to reconstitution (daily series). */
static void eval_bcells(const remit_endpoint *ep, const remit__daily *dl, remit__outcome *o) {
  if (!dl || !dl->day || !dl->b_cells || dl->n < 1) {
    set_missing(o, "no daily B-cell series");
    return;
  }
  double thr = thr_of(ep);
  int last = last_obs(dl, dl->b_cells, window_end(ep));
  if (last < 0) {
    set_missing(o, "no B-cell value in the window");
    return;
  }
  int onset = -1, recon = -1;
  for (int i = 0; i <= last; i++) {
    if (!isfinite(dl->day[i]) || !isfinite(dl->b_cells[i])) {
      continue;
    }
    if (onset < 0) {
      if (dl->b_cells[i] < thr) {
        onset = i;
      }
    } else if (dl->b_cells[i] >= thr) {
      recon = i;
      break;
    }
  }
  if (onset < 0) {
    set_missing(o, "no B-cell aplasia");
    return;
  }
  double t_end = recon >= 0 ? dl->day[recon] : dl->day[last];
  if (ep->kind == REMIT_EP_B_APLASIA_DAYS) {
    set_tte(o, t_end - dl->day[onset], recon >= 0, t_end);
  } else {
    set_tte(o, t_end, recon >= 0, t_end);
  }
}

/* CAR-T Cmax, Tmax (days >= 0, up to the endpoint day if positive) and AUC0-28. */
static void eval_cart(const remit_endpoint *ep, const remit__daily *dl, remit__outcome *o) {
  if (!dl || !dl->day || !dl->car_t || dl->n < 1) {
    set_missing(o, "no daily CAR-T series");
    return;
  }
  if (ep->kind == REMIT_EP_CART_AUC28) {
    /* The window is fixed by the kind's name: days 0 to 28. */
    double auc;
    if (!trapz(dl->day, dl->car_t, dl->n, 0.0, 28.0, &auc)) {
      set_missing(o, "CAR-T series does not cover days 0-28");
      return;
    }
    set_continuous(o, auc, 28.0);
    return;
  }
  double end = window_end(ep), cmax = -INFINITY, tmax = NAN;
  for (int i = 0; i < dl->n; i++) {
    double d = dl->day[i], y = dl->car_t[i];
    if (isfinite(d) && isfinite(y) && d >= 0.0 && d <= end && y > cmax) {
      cmax = y; /* strict: the first day of the maximum */
      tmax = d;
    }
  }
  if (!isfinite(cmax)) {
    set_missing(o, "no CAR-T value on or after day 0");
    return;
  }
  set_continuous(o, ep->kind == REMIT_EP_CART_CMAX ? cmax : tmax, tmax);
}

/* Max of a grade series over days in [lo, hi]; -1 if the series is absent or
 * has no value there. */
static double max_grade(const remit__daily *dl, const double *g, double lo, double hi) {
  double m = -1.0;
  if (!g) {
    return m;
  }
  for (int i = 0; i < dl->n; i++) {
    if (isfinite(dl->day[i]) && isfinite(g[i]) && dl->day[i] >= lo && dl->day[i] <= hi && g[i] > m) {
      m = g[i];
    }
  }
  return m;
}

/* Cumulative infection count: the value at the last day <= hi (0 before the
 * first value). */
static double infections_by(const remit__daily *dl, double hi) {
  double c = 0.0;
  if (!dl->infection) {
    return c;
  }
  for (int i = 0; i < dl->n; i++) {
    if (isfinite(dl->day[i]) && dl->day[i] <= hi && isfinite(dl->infection[i])) {
      c = dl->infection[i];
    }
  }
  return c;
}

/* Whether a serious infection started on days 0..hi: the cumulative count
 * rose above its value before day 0 (lymphodepletion's days excluded). */
static int infection_from_day0(const remit__daily *dl, double hi) {
  if (!dl->infection) {
    return 0;
  }
  double before = 0.0;
  for (int i = 0; i < dl->n; i++) {
    if (isfinite(dl->day[i]) && dl->day[i] < 0.0 && isfinite(dl->infection[i])) {
      before = dl->infection[i];
    }
  }
  return infections_by(dl, hi) > before;
}

/* Last observed day of the daily grid (<= hi). */
static double last_day(const remit__daily *dl, double hi) {
  double t = NAN;
  for (int i = 0; i < dl->n; i++) {
    if (isfinite(dl->day[i]) && dl->day[i] <= hi) {
      t = dl->day[i];
    }
  }
  return t;
}

/* CRS, ICANS, infection, AE grade >= 3: events observed over the followed days. */
static void eval_safety(const remit_endpoint *ep, const remit__daily *dl, remit__outcome *o) {
  if (!dl || !dl->day || dl->n < 1) {
    set_missing(o, "no daily series");
    return;
  }
  double thr = thr_of(ep), end = window_end(ep);
  double t = last_day(dl, end);
  if (!isfinite(t)) {
    set_missing(o, "no day in the window");
    return;
  }
  switch ((int)ep->kind) {
    case REMIT_EP_CRS:
    case REMIT_EP_ICANS: {
      const double *g = ep->kind == REMIT_EP_CRS ? dl->crs_grade : dl->icans_grade;
      if (!g) {
        set_missing(o, "no daily grade series");
        return;
      }
      double m = max_grade(dl, g, 0.0, end);
      set_binary(o, m >= thr, t);
      return;
    }
    case REMIT_EP_INFECTION:
      if (!dl->infection) {
        set_missing(o, "no daily infection series");
        return;
      }
      set_binary(o, infections_by(dl, end) >= thr, t);
      return;
    case REMIT_EP_AE_GRADE3: {
      if (!dl->crs_grade && !dl->icans_grade && !dl->neutropenia_grade && !dl->other_ae_grade &&
          !dl->infection) {
        set_missing(o, "no daily safety series");
        return;
      }
      /* Any CTCAE/ASTCT grade >= threshold on days 0..N: CRS, ICANS,
       * neutropenia (lymphodepletion's included), other AEs, and a serious
       * infection starting in the window (grade >= 3 by definition, so it
       * counts for thresholds up to 3). */
      double m = max_grade(dl, dl->crs_grade, 0.0, end);
      const double *more[3] = {dl->icans_grade, dl->neutropenia_grade, dl->other_ae_grade};
      for (int j = 0; j < 3; j++) {
        double g = max_grade(dl, more[j], 0.0, end);
        if (g > m) {
          m = g;
        }
      }
      int yes = m >= thr;
      if (!yes && thr <= AE_INFECTION_GRADE) {
        yes = infection_from_day0(dl, end);
      }
      set_binary(o, yes, t);
      return;
    }
    case REMIT_EP_CART_TOXICITY:
      if (!dl->crs_grade || !dl->icans_grade) {
        set_missing(o, "no daily CRS or ICANS series");
        return;
      }
      /* A dose-escalation safety composite: CRS of the threshold grade or
       * worse, ICANS of any grade, or a dose-limiting serious infection
       * (CRS >= 3 and ICANS >= 3, the other DLTs, are already counted). */
      set_binary(o,
                 max_grade(dl, dl->crs_grade, 0.0, end) >= thr ||
                     max_grade(dl, dl->icans_grade, 0.0, end) >= 1.0 || infection_from_day0(dl, end),
                 t);
      return;
    default:
      return;
  }
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                              */
/* ------------------------------------------------------------------------ */

remit_status remit__endpoint_eval_opts(const remit_endpoint *ep, const remit__endpoint_opts *opts,
                                       const remit__visit *visits, int n_visits, const remit__daily *daily,
                                       remit__outcome *out) {
  if (!ep || !visits || !out || n_visits < 1) {
    return REMIT_ERR_ARG;
  }
  int vk = remit__endpoint_value_kind(ep->kind);
  if (vk < 0) {
    return REMIT_ERR_ARG;
  }
  remit__endpoint_opts op;
  remit__endpoint_opts_default(&op);
  if (opts) {
    op = *opts;
  }
  remit__outcome o = {(remit__value_kind)vk, 0, 0, NAN, 0, NAN, NAN, ""};
  switch ((int)ep->kind) {
    case REMIT_EP_DORIS:
    case REMIT_EP_DORIS_DRUG_FREE:
    case REMIT_EP_LLDAS:
    case REMIT_EP_SRI4:
    case REMIT_EP_BICLA:
    case REMIT_EP_RENAL_RESPONSE:
      eval_response(ep, &op, visits, n_visits, &o);
      break;
    case REMIT_EP_SLEDAI:
    case REMIT_EP_SLEDAI_CHANGE:
    case REMIT_EP_DAMAGE_CHANGE:
    case REMIT_EP_HYPOGAMMA:
    case REMIT_EP_ANTI_DSDNA_NEG:
      eval_at_visit(ep, &op, visits, n_visits, &o);
      break;
    case REMIT_EP_FLARE:
    case REMIT_EP_RELAPSE:
    case REMIT_EP_FLARE_COUNT:
    case REMIT_EP_FLARE_ANY:
      if ((int)ep->flare < 0 || ep->flare >= REMIT_N_FLARE_DEFS) {
        return REMIT_ERR_ARG;
      }
      eval_flare(ep, &op, visits, n_visits, &o);
      break;
    case REMIT_EP_B_APLASIA_DAYS:
    case REMIT_EP_B_RECONSTITUTION:
      eval_bcells(ep, daily, &o);
      break;
    case REMIT_EP_CART_CMAX:
    case REMIT_EP_CART_TMAX:
    case REMIT_EP_CART_AUC28:
      eval_cart(ep, daily, &o);
      break;
    case REMIT_EP_CRS:
    case REMIT_EP_ICANS:
    case REMIT_EP_INFECTION:
    case REMIT_EP_AE_GRADE3:
    case REMIT_EP_CART_TOXICITY:
      eval_safety(ep, daily, &o);
      break;
    default:
      return REMIT_ERR_ARG;
  }
  *out = o;
  return REMIT_OK;
}

remit_status remit__endpoint_eval(const remit_endpoint *ep, const remit__visit *visits, int n_visits,
                                  const remit__daily *daily, remit__outcome *out) {
  return remit__endpoint_eval_opts(ep, NULL, visits, n_visits, daily, out);
}
