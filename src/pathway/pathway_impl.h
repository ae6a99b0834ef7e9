/* SPDX-License-Identifier: MIT
 *
 * pathway_impl.h: the pathway scenario as loaded (pathway_scenario.c) and
 * shared by the simulation (pathway.c) and the output (pathway_output.c).
 */
#ifndef REMIT_PATHWAY_IMPL_H
#define REMIT_PATHWAY_IMPL_H

#include <stdint.h>

#include "population/rng.h"
#include "remit/remit_pathway.h"
#include "remit/remit_trial.h"

/* A duration or other positive quantity. */
typedef enum pw_dist_kind {
  PW_DIST_FIXED = 0,   /* a: value */
  PW_DIST_EXPONENTIAL, /* a: mean */
  PW_DIST_LOGNORMAL,   /* a: median, b: CV */
  PW_DIST_GAMMA,       /* a: mean, b: sd */
  PW_DIST_UNIFORM      /* a: low, b: high */
} pw_dist_kind;

typedef struct pw_dist {
  pw_dist_kind kind;
  double a, b;
} pw_dist;

double remit__pw_dist_mean(const pw_dist *d);
double remit__pw_dist_draw(const pw_dist *d, remit__rng *r);

/* Background mortality (cea.c): a Gompertz hazard h(age) = m exp(la + b age),
 * m the SMR-type multiplier.  remit__pw_gompertz_le is the remaining life
 * expectancy at `age` (closed form); remit__pw_gompertz_level solves for the
 * level la whose life expectancy at birth (m = 1) is e0 years. */
double remit__pw_gompertz_le(double la, double b, double m, double age);
double remit__pw_gompertz_level(double e0, double b);

typedef struct pw_centre {
  char *name;
  double weight;          /* share of referrals */
  double slots_per_month; /* manufacturing slots allocated to the centre */
  int apheresis;          /* apheresis units */
  int beds;               /* beds for lymphodepletion, infusion and stay */
  int icu_beds;
  int lines;              /* point-of-care manufacturing lines */
  /* Calendar of apheresis and admission (lymphodepletion, MSC infusion). */
  int weekends_closed;
  uint64_t closed_weeks;  /* bit w set: week w (1..53) of each year is closed */
} pw_centre;

typedef enum pw_strategy_kind {
  PW_SOC = 0,
  PW_BIOLOGIC,
  PW_CART,
  PW_MSC
} pw_strategy_kind;

typedef struct pw_strategy {
  char *name;
  char *arm;             /* arm of the patients' trial scenario */
  int arm_index;
  pw_strategy_kind kind;
  int drug_param;        /* econ table index of the yearly drug cost, or -1 */
  int relapse_param;     /* econ table index of the relapse hazard */
} pw_strategy;

enum { PW_THERAPY_CART = 0, PW_THERAPY_MSC = 1 };

/* How the pathway's queues choose the next patient. */
enum { PW_QUEUE_FCFS = 0, PW_QUEUE_SEVERITY = 1 };

struct remit_pathway_scenario {
  remit_context *ctx;
  char *path, *text, *name;
  uint64_t seed;
  /* Representative patients from a trial scenario (population + arms). */
  remit_scenario *model;
  char *model_path;
  int n_model_patients;
  double remission_sledai;
  /* Uncertainty of the SLE model's parameters, propagated to the PSA. */
  int model_draws;       /* K parameter draws (0: outcomes fixed across PSA samples) */
  double model_unc_cv;   /* log-normal CV of the uncertain typical values */
  int *unc_params;       /* spec indices of the uncertain parameters ... */
  int n_unc_params;      /* ... or 0: those that vary between patients (IIV) */
  /* The pathway DES. */
  int has_pathway;
  int therapy;           /* PW_THERAPY_* */
  int queue_rule;        /* PW_QUEUE_* */
  double horizon_years;
  int replicates;
  double pop_size, prevalence, incidence, refractory, referral, prevalent_years;
  pw_centre *centres;
  int n_centres;
  pw_dist referral_days, eligibility_days;
  double p_eligible;
  double aph_success, aph_days;
  int aph_max;
  int manuf_central, manuf_lines, manuf_max;
  pw_dist manuf_days, ship_days;
  double manuf_failure;
  double ld_days;
  pw_dist stay_days, icu_days;
  int icu_grade;
  int followup_visits;
  double withdraw_rate, flare_rate, p_flare_inelig;
  /* Cost-effectiveness. */
  int has_cea;
  double cea_horizon_years, max_age, dr_cost, dr_effect;
  long cea_patients, psa_samples;
  double *wtp;
  int n_wtp;
  int tornado_strategy, tornado_comparator;
  double tornado_wtp;
  pw_strategy *strategies;
  int n_strategies;
  double *econ;          /* base values: the table with the scenario's overrides */
  int n_econ;
};

#endif /* REMIT_PATHWAY_IMPL_H */
