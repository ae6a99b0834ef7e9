/* SPDX-License-Identifier: MIT
 *
 * visit.h: what the trial engine records about a patient at a visit, and the
 * per-patient endpoint evaluation built on it (the clinical-scores layer).
 *
 * The trial engine fills one remit__visit per scheduled visit from the
 * model's readouts (plus assay noise) and the regimen; endpoints.c turns a
 * patient's visits (and a few daily series for kinetics and safety) into
 * that patient's outcomes.  Definitions follow ../shared/domain/clinical.md §4
 * and are documented in docs/endpoints.md; the functions are in endpoints.h.
 *
 * What the engine passes is what was observed: the visits the patient
 * attended, in ascending day order, visits[0] being the baseline (day <= 0),
 * and daily series that stop at the patient's last day of follow-up (dropout,
 * death or end of study).  A missing measurement is NAN.  Days count from
 * day 0, the day of the (first) study infusion.
 */
#ifndef REMIT_SCORES_VISIT_H
#define REMIT_SCORES_VISIT_H

#include <stdint.h>

/* The 24 SLEDAI-2K descriptors in a fixed order (bit k of remit__visit.items),
 * clinical.md §4.1; weights in remit__sledai_weight[]. */
typedef enum remit__sledai_item {
  REMIT_SI_SEIZURE = 0, REMIT_SI_PSYCHOSIS, REMIT_SI_ORGANIC_BRAIN, REMIT_SI_VISUAL,
  REMIT_SI_CRANIAL_NERVE, REMIT_SI_LUPUS_HEADACHE, REMIT_SI_CVA, REMIT_SI_VASCULITIS,
  REMIT_SI_ARTHRITIS, REMIT_SI_MYOSITIS, REMIT_SI_URINARY_CASTS, REMIT_SI_HAEMATURIA,
  REMIT_SI_PROTEINURIA, REMIT_SI_PYURIA, REMIT_SI_RASH, REMIT_SI_ALOPECIA,
  REMIT_SI_MUCOSAL_ULCERS, REMIT_SI_PLEURISY, REMIT_SI_PERICARDITIS, REMIT_SI_LOW_COMPLEMENT,
  REMIT_SI_DNA_BINDING, REMIT_SI_FEVER, REMIT_SI_THROMBOCYTOPENIA, REMIT_SI_LEUKOPENIA,
  REMIT_N_SLEDAI_ITEMS
} remit__sledai_item;

/* Item names as identifiers ("seizure", ..., "leukopenia"); the SLE model's
 * readouts are named "sledai_<name>". */
extern const char *const remit__sledai_item_name[REMIT_N_SLEDAI_ITEMS];
extern const int remit__sledai_weight[REMIT_N_SLEDAI_ITEMS];

/* The eight BILAG-like domains (endpoints.h, remit__bilag_domain). */
#define REMIT_VISIT_N_DOMAINS 8

typedef struct remit__visit {
  double day;
  uint32_t items;          /* bit k set: SLEDAI-2K item k present */
  double sledai;           /* SLEDAI-2K total (= remit__sledai_score(items)); totals and changes use it */
  double pga;              /* physician global assessment proxy, 0-3 */
  double prednisone;       /* mg/day at the visit */
  int immunosuppressants;  /* immunosuppressants/biologics being taken (count) */
  int new_treatment;       /* a non-protocol (rescue) therapy was started by this visit */
  double anti_dsdna;       /* IU/mL, measured (with assay noise) */
  double c3;               /* mg/dL, measured */
  double proteinuria;      /* g/day, measured */
  double igg;              /* g/L, measured */
  double b_cells;          /* cells/uL, measured */
  double damage;           /* SLICC/ACR damage index (SDI) proxy */
  /* Graded BILAG-like activity per domain (remit__bilag_domain order) where
   * the model grades it (its `bilag_<domain>` readouts): 0 not graded (the
   * grade comes from the SLEDAI items), 1 not active, 2 C, 3 B, 4 A. */
  uint8_t bilag[REMIT_VISIT_N_DOMAINS];
} remit__visit;

/* Daily series of one patient (day grid from the trial's start to the end
 * of follow-up), for kinetics and safety endpoints. */
typedef struct remit__daily {
  int n;
  const double *day;
  const double *car_t;       /* cells/uL */
  const double *b_cells;     /* CD19+ B cells, cells/uL */
  const double *crs_grade;   /* ASTCT grade 0-4 */
  const double *icans_grade; /* 0-4 */
  const double *neutropenia_grade; /* CTCAE 0-4 */
  const double *infection;   /* cumulative serious infections (from the event stream) */
  const double *other_ae_grade; /* any other adverse event grade 0-5 (e.g. infusion reaction) */
  const double *igg;         /* g/L */
} remit__daily;

#endif /* REMIT_SCORES_VISIT_H */
