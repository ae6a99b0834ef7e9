/* SPDX-License-Identifier: MIT
 *
 * pathway_result.h: what remit_pathway_run produces (private layout shared
 * with pathway_output.c).
 */
#ifndef REMIT_PATHWAY_RESULT_H
#define REMIT_PATHWAY_RESULT_H

#include "pathway_impl.h"

/* A representative patient simulated with the SLE model under one arm. */
typedef struct pw_rep {
  double age, sledai0;
  int sex, renal;
  double sledai[13];   /* SLEDAI-2K at months 0..12 (month 0: before any dose) */
  int crs_max, icans_max;
  int failed;          /* the solver could not follow this patient */
} pw_rep;

/* Why a patient left the pathway before infusion. */
typedef enum pw_reason {
  PW_R_NONE = 0,
  PW_R_INELIGIBLE,
  PW_R_DEATH,
  PW_R_WITHDRAWAL,
  PW_R_DETERIORATION,
  PW_R_APHERESIS_FAILURE,
  PW_R_MANUFACTURING_FAILURE,
  PW_R_WAITING_AT_HORIZON,
  PW_N_REASONS
} pw_reason;

extern const char *const remit__pw_reason_names[PW_N_REASONS];

typedef enum pw_status { PW_WAITING = 0, PW_TREATED, PW_DROPPED } pw_status;

typedef struct pw_patient {
  int replicate, centre, rep;
  pw_status status;
  pw_reason reason;
  int phase, gen;
  int n_aph, n_manuf, flares, icu;
  int holds_line;      /* point of care: the centre's line is reserved for this patient */
  double age;
  int sex;             /* 0 female, 1 male (of the representative patient) */
  double t_arrive, t_eligible, t_slot, t_aph, t_admit, t_infuse, t_discharge, t_end;
} pw_patient;

typedef struct pw_res_out {
  char name[96];
  int capacity;
  double utilisation;  /* busy unit-days / (capacity x horizon days) */
  double mean_queue;
  int max_queue;
  long granted;
} pw_res_out;

typedef struct pw_tornado {
  int param;
  double low, high;          /* parameter values */
  double inmb_low, inmb_high; /* incremental NMB at those values */
  double icer_low, icer_high;
} pw_tornado;

struct remit_pathway_result {
  remit_context *ctx;
  const remit_pathway_scenario *sc; /* borrowed */
  int threads;
  /* Representative patients: (n_draws + 1) x n_strategies x n_reps; draw 0
   * is the nominal model, draws 1..n_draws the model-parameter draws. */
  int n_reps;
  int n_draws;
  pw_rep *reps;
  double *rep_remission12;   /* per (draw, strategy): share SLEDAI-2K <= remission_sledai at 12 months */
  double *rep_icu;           /* per (draw, strategy): share with CRS or ICANS >= icu grade */
  double t_patients_s;
  /* Pathway. */
  pw_patient *patients;
  long n_patients;
  pw_res_out *res;
  int n_res;
  long des_events;
  double t_des_s;
  int therapy_strategy;      /* strategy whose reps the pathway uses; -1 none */
  /* CEA. */
  int n_strat;
  double *base_cost, *base_effect, *base_ly;  /* deterministic, per strategy */
  double *psa_cost, *psa_effect;              /* n_psa x n_strat */
  long n_psa;
  double *psa_mean_cost, *psa_mean_effect;
  remit_cea_row *icer_base, *icer_psa;
  double *ceac;                                /* n_wtp x n_strat */
  int *frontier;
  double *evpi;
  pw_tornado *tornado;
  int n_tornado;
  double tornado_base_inmb;
  double t_psa_s, t_tornado_s;
  long cea_patients;
};

#endif /* REMIT_PATHWAY_RESULT_H */
