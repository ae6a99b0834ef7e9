/* SPDX-License-Identifier: MIT
 *
 * endpoints.h: per-patient endpoint evaluation (private to the library).
 *
 * The trial engine fills a patient's visits (remit__visit, visit.h) and daily
 * series (remit__daily) and calls remit__endpoint_eval() once per endpoint of
 * the scenario; the result, a remit__outcome, is what the per-arm summaries
 * (proportions, means, medians, Kaplan-Meier) are computed from.  The rules
 * follow ../shared/domain/clinical.md §4; every choice the sources leave open
 * is written down in docs/endpoints.md.
 *
 * Conventions the caller must keep:
 *   - visits[0] is the baseline visit (day <= 0); visits are in ascending
 *     day order and are the visits the patient actually attended, so a
 *     patient who dropped out has no visits after the dropout;
 *   - the daily series is truncated at the patient's last day of follow-up
 *     (dropout, death or end of study) in the same way;
 *   - days are counted from day 0, the day of the (first) study infusion.
 *
 * Everything here is pure: no allocation, no globals, no context; the
 * functions may be called from any number of threads at once.  Pointers are
 * borrowed for the duration of the call.
 */
#ifndef REMIT_SCORES_ENDPOINTS_H
#define REMIT_SCORES_ENDPOINTS_H

#include <stdint.h>

#include "remit/remit_status.h"
#include "remit/remit_trial.h"
#include "scores/visit.h"

/* ------------------------------------------------------------------------ */
/* SLEDAI-2K                                                                 */
/* ------------------------------------------------------------------------ */

/* Bit mask of the two serology items (low complement, increased DNA binding). */
#define REMIT_SLEDAI_SEROLOGY_MASK \
  ((UINT32_C(1) << REMIT_SI_LOW_COMPLEMENT) | (UINT32_C(1) << REMIT_SI_DNA_BINDING))
/* All 24 items. */
#define REMIT_SLEDAI_ALL_MASK ((UINT32_C(1) << REMIT_N_SLEDAI_ITEMS) - 1u)

/* SLEDAI-2K total: the sum of the weights of the items whose bit is set
 * (bits beyond the 24 items are ignored).  0..105. */
double remit__sledai_score(uint32_t items);

/* Clinical SLEDAI: the same without low complement and DNA binding (0..101). */
double remit__clinical_sledai(uint32_t items);

/* ------------------------------------------------------------------------ */
/* BILAG-like organ-domain grades derived from SLEDAI-2K items               */
/* ------------------------------------------------------------------------ */

/* remit does not compute BILAG-2004 from first principles (it would need
 * about 97 clinical and laboratory descriptors the model does not produce).
 * It derives a grade per organ domain from the SLEDAI-2K items present in
 * that domain and their weights; docs/endpoints.md has the table.  The
 * grades are used for SRI-4's "no new A, < 2 new B", for BICLA and for the
 * BILAG flare definitions (remit__flare_at). */
typedef enum remit__bilag_domain {
  REMIT_BD_CONSTITUTIONAL = 0, /* fever */
  REMIT_BD_MUCOCUTANEOUS,      /* rash, alopecia, mucosal ulcers, vasculitis */
  REMIT_BD_NEUROPSYCHIATRIC,   /* seizure, psychosis, OBS, cranial nerve, lupus headache, CVA */
  REMIT_BD_MUSCULOSKELETAL,    /* arthritis, myositis */
  REMIT_BD_CARDIORESPIRATORY,  /* pleurisy, pericarditis */
  REMIT_BD_RENAL,              /* urinary casts, haematuria, proteinuria, pyuria */
  REMIT_BD_OPHTHALMIC,         /* visual disturbance */
  REMIT_BD_HAEMATOLOGICAL,     /* thrombocytopenia, leukopenia */
  REMIT_N_BILAG_DOMAINS
} remit__bilag_domain;

/* Grades in order of severity: A severe, B moderate, C mild, D inactive but
 * previously active, E never active.  A smaller value is more severe. */
typedef enum remit__bilag_grade {
  REMIT_BILAG_A = 0,
  REMIT_BILAG_B,
  REMIT_BILAG_C,
  REMIT_BILAG_D,
  REMIT_BILAG_E
} remit__bilag_grade;

extern const char *const remit__bilag_domain_name[REMIT_N_BILAG_DOMAINS];

/* Item mask of a domain (0 for an out-of-range domain). */
uint32_t remit__bilag_domain_items(remit__bilag_domain d);

/* Grade of domain d given the items present now and `history`, the union of
 * the items present at the patient's earlier visits (0 if none):
 *   A  the domain's present weights sum to >= 8 (any weight-8 item; two
 *      renal items; arthritis with myositis);
 *   B  otherwise, a present item of weight >= 2;
 *   C  otherwise, a present item (weight 1 only: fever, cytopenias);
 *   D  nothing present now, something present in `history`;
 *   E  never active.
 * Out-of-range d gives E. */
remit__bilag_grade remit__bilag_grade_of(uint32_t items, remit__bilag_domain d, uint32_t history);

/* Grades of all domains at visits[k] (history = visits[0..k-1]). */
void remit__bilag_grades(const remit__visit *visits, int k, remit__bilag_grade grades[REMIT_N_BILAG_DOMAINS]);

/* Number of new A and new B domains at visits[k] compared with visits[0]:
 * new A = A now, not A at baseline; new B = B now, C/D/E at baseline. */
void remit__bilag_new(const remit__visit *visits, int k, int *n_new_a, int *n_new_b);

/* The same compared with visits[j] (j < k) instead of the baseline: the
 * visit-to-visit comparison of the BILAG flare definitions.  n_new_c (may
 * be NULL): domains at C now, D/E at visits[j]. */
void remit__bilag_new_since(const remit__visit *visits, int k, int j, int *n_new_a, int *n_new_b,
                            int *n_new_c);

/* ------------------------------------------------------------------------ */
/* Outcomes                                                                  */
/* ------------------------------------------------------------------------ */

typedef enum remit__value_kind {
  REMIT_VALUE_BINARY = 0,     /* value 0 or 1: proportion */
  REMIT_VALUE_CONTINUOUS,     /* value: mean / median */
  REMIT_VALUE_TIME_TO_EVENT,  /* time + event flag: Kaplan-Meier */
  REMIT_VALUE_COUNT           /* value: number of events, time: days at risk: rate per patient-year */
} remit__value_kind;

typedef struct remit__outcome {
  remit__value_kind kind;
  int evaluable;    /* 1: counts in the analysis; 0: excluded (missing, or not in the endpoint's population) */
  int imputed;      /* 1: value set by a missing-data rule (non-responder imputation), not assessed */
  double value;     /* binary 0/1; continuous value; time-to-event: = time; count: events; NAN when not
                       evaluable */
  int event;        /* time-to-event: 1 event observed, 0 censored; binary: = value; count: value > 0 */
  double time;      /* time-to-event: days from day 0 (aplasia duration: days of aplasia); count: days
                       at risk */
  double day;       /* day of the assessment used (visit day, last day of a window); NAN if none */
  const char *why;  /* static text: why not evaluable or imputed; "" otherwise.  Never NULL. */
} remit__outcome;

/* Evaluation options (tolerances with documented defaults, STYLE.md 3.7). */
typedef struct remit__endpoint_opts {
  double visit_window;  /* days: the assessment visit is the one nearest the endpoint day within
                           +/- visit_window (default 14) */
  double pga_tol;       /* absolute tolerance on PGA comparisons, so that 1.3 - 1.0 counts as
                           0.3 (default 1e-9) */
} remit__endpoint_opts;

/* Fills the defaults. */
void remit__endpoint_opts_default(remit__endpoint_opts *opts);

/* The default threshold of a kind (used when ep->threshold is not > 0 or is
 * NAN): flare/relapse/flare_count/flare_any 3 SLEDAI points (the default
 * flare definition's; with another ep->flare, that definition's default), B-cell aplasia 1 cell/uL, CRS and
 * ICANS grade 1, infection 1 event, AE grade 3, hypogammaglobulinaemia 6 g/L,
 * renal response 0.5 g/day, anti-dsDNA 30 IU/mL.  NAN for kinds without a
 * threshold. */
double remit__endpoint_default_threshold(remit_endpoint_kind kind);

/* The default threshold of a flare definition: SLEDAI rise 3 (§4.1), severe
 * SLEDAI level 12 (a score > 12, §4.1), PGA rise 1.0 (Petri 1991, §3.2);
 * NAN for the BILAG-like definitions, which take none, and unknown ones. */
double remit__flare_default_threshold(remit_flare_def def);

/* 1 if visits[k] (k >= 1) is a flare by `def` compared with visits[k-1];
 * thr > 0 is the definition's threshold (else its default); pga_tol as in
 * the options.  0 for k < 1 or an unknown definition. */
int remit__flare_at(const remit__visit *visits, int k, remit_flare_def def, double thr, double pga_tol);

/* The value kind an endpoint kind produces; -1 for an unknown kind. */
int remit__endpoint_value_kind(remit_endpoint_kind kind);

/* Index of the assessment visit for `day`: the visit nearest `day` with
 * |visits[k].day - day| <= window, the earlier one on a tie; -1 if none. */
int remit__visit_at(const remit__visit *visits, int n_visits, double day, double window);

/* Evaluates one endpoint for one patient.
 *   ep       the endpoint (kind, day, threshold); borrowed.
 *   visits   n_visits >= 1 visits, visits[0] the baseline; borrowed.
 *   daily    the daily series, or NULL when the kind does not need it (the
 *            kinetics and safety kinds then come back not evaluable); borrowed.
 *   out      written on success; untouched on error.
 * Returns REMIT_OK, or REMIT_ERR_ARG for NULL ep/visits/out, n_visits < 1 or
 * an unknown kind.  opts may be NULL (defaults). */
remit_status remit__endpoint_eval_opts(const remit_endpoint *ep, const remit__endpoint_opts *opts,
                                       const remit__visit *visits, int n_visits, const remit__daily *daily,
                                       remit__outcome *out);

/* Same with the default options. */
remit_status remit__endpoint_eval(const remit_endpoint *ep, const remit__visit *visits, int n_visits,
                                  const remit__daily *daily, remit__outcome *out);

/* Per-visit state predicates (also used by the relapse rule).  k indexes
 * visits; LLDAS's "no new activity" compares visits[k] with visits[k-1]
 * (nothing to compare for k = 0).  pga_tol as in the options. */
int remit__is_doris(const remit__visit *v, double pga_tol);
int remit__is_doris_drug_free(const remit__visit *v, double pga_tol);
int remit__is_lldas(const remit__visit *visits, int k, double pga_tol);

#endif /* REMIT_SCORES_ENDPOINTS_H */
