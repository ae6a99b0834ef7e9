/* SPDX-License-Identifier: MIT
 *
 * remit_pathway.h: the care pathway of cell therapy for lupus, and its
 * cost-effectiveness.
 *
 * Two layers:
 *
 *  - Cost-effectiveness arithmetic (remit_cea_*): discounting, the
 *    incremental analysis with strong and extended dominance, acceptability
 *    curves, the frontier and the expected value of perfect information from
 *    a probabilistic sensitivity analysis (PSA).  Pure functions on caller
 *    buffers; usable on any model's results.
 *
 *  - The pathway (remit_pathway_*): one YAML file (docs/pathway.md) describes
 *    the population that gives rise to refractory patients, the qualified
 *    centres and their capacities, the steps from referral to infusion, and
 *    the strategies to compare.  remit_pathway_run() simulates the pathway as
 *    a discrete-event simulation over calendar time, simulates representative
 *    patients with the SLE model under each strategy, runs the
 *    cost-effectiveness microsimulation with its PSA, one-way sensitivity
 *    analysis and acceptability curves, and keeps everything in a result
 *    object that can be written to SQLite and CSV.
 *
 * Ownership: scenarios and results are created by the library and freed by
 * their destroy function (NULL-safe).  Pointers passed in are borrowed.
 * Thread safety: a scenario may be shared read-only; a result belongs to one
 * thread.  remit_pathway_run uses OpenMP threads internally; its results do
 * not depend on the number of threads.
 */
#ifndef REMIT_PATHWAY_H
#define REMIT_PATHWAY_H

#include <stdint.h>
#include <stdio.h>

#include "remit_context.h"
#include "remit_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Cost-effectiveness arithmetic                                             */
/* ------------------------------------------------------------------------ */

/* The discount factor 1/(1+r)^t of a value at time t years (r >= 0). */
double remit_cea_discount(double t_years, double rate);

/* The discounted length of [t0, t1] years, integral of (1+r)^-t dt:
 * [(1+r)^-t0 - (1+r)^-t1] / ln(1+r), or t1 - t0 when r = 0.  A cost of c per
 * year paid continuously over [t0, t1] is worth c times this. */
double remit_cea_discount_span(double t0, double t1, double rate);

/* Where a strategy stands in the incremental analysis. */
typedef enum remit_cea_dominance {
  REMIT_CEA_REFERENCE = 0,   /* the least costly non-dominated strategy */
  REMIT_CEA_FRONTIER = 1,    /* on the frontier: ICER against the previous one */
  REMIT_CEA_DOMINATED = 2,   /* strongly dominated: another costs less (or the same) and does better */
  REMIT_CEA_EXT_DOMINATED = 3 /* extendedly dominated: a mix of two others does better */
} remit_cea_dominance;

const char *remit_cea_dominance_name(remit_cea_dominance d); /* "reference", ... */

typedef struct remit_cea_row {
  int strategy;          /* index into the input arrays */
  double cost, effect;
  double inc_cost;       /* against `compared_to` (NaN for the reference and dominated) */
  double inc_effect;
  double icer;           /* inc_cost / inc_effect for frontier strategies, else NaN */
  int compared_to;       /* strategy index, -1 when none */
  remit_cea_dominance status;
  int dominated_by;      /* strongly dominated: a strategy that dominates it; else -1 */
} remit_cea_row;

/* The incremental analysis of n strategies (Drummond et al., Methods for the
 * Economic Evaluation of Health Care Programmes, 4th ed. 2015, ch. 4; the
 * algorithm of dampack::calculate_icers): sort by cost (ties: more effect
 * first), remove strongly dominated strategies, then repeatedly remove any
 * strategy whose ICER exceeds the next one's (extended dominance), and give
 * each remaining strategy its ICER against the previous one on the frontier.
 * Writes n rows into out, ordered by cost.  Returns REMIT_ERR_ARG on NaN. */
remit_status remit_cea_icers(remit_context *ctx, int n, const double *cost,
                             const double *effect, remit_cea_row *out);

/* PSA summaries at n_wtp willingness-to-pay values (currency per unit of
 * effect).  cost and effect are sample-major: [s * n_strategies + k].
 *  - ceac[w * n_strategies + k]: share of samples in which strategy k has the
 *    highest net monetary benefit NMB = wtp·effect − cost (ties go to the
 *    lower index);
 *  - frontier[w]: the strategy with the highest expected NMB (the
 *    acceptability frontier, CEAF, follows it);
 *  - evpi[w]: E[max_k NMB] − max_k E[NMB], per patient (ISPOR-SMDM TF-6,
 *    Briggs et al. 2012).
 * Any output may be NULL. */
remit_status remit_cea_psa_summary(remit_context *ctx, int n_samples, int n_strategies,
                                   const double *cost, const double *effect, int n_wtp,
                                   const double *wtp, double *ceac, int *frontier, double *evpi);

/* ------------------------------------------------------------------------ */
/* The economic parameter table                                              */
/* ------------------------------------------------------------------------ */

typedef enum remit_econ_dist {
  REMIT_ECON_FIXED = 0,  /* no uncertainty */
  REMIT_ECON_BETA,       /* mean, se: probabilities, utilities */
  REMIT_ECON_GAMMA,      /* mean, se: costs, rates */
  REMIT_ECON_LOGNORMAL   /* mean = median, se = sdlog: ratios */
} remit_econ_dist;

/* One row of the economic parameter table (`remit pathway --params`). */
typedef struct remit_econ_param {
  const char *name;
  double value;          /* base case */
  const char *unit;
  remit_econ_dist dist;  /* PSA distribution */
  double se;             /* its spread: SE (beta, gamma) or sdlog (lognormal) */
  const char *source;    /* citation and reliability tag from economics.md */
} remit_econ_param;

/* The built-in table (static); *n receives its length. */
const remit_econ_param *remit_econ_params(int *n);
int remit_econ_param_index(const char *name); /* -1 if unknown */

/* ------------------------------------------------------------------------ */
/* The pathway                                                               */
/* ------------------------------------------------------------------------ */

typedef struct remit_pathway_scenario remit_pathway_scenario;
typedef struct remit_pathway_result remit_pathway_result;

/* Reads and validates a pathway scenario (docs/pathway.md).  Errors read
 * "FILE:LINE: field: expected ...", unknown keys are errors (REMIT_ERR_ARG);
 * REMIT_ERR_IO for an unreadable file. */
remit_status remit_pathway_load(remit_context *ctx, const char *path,
                                remit_pathway_scenario **out);
void remit_pathway_destroy(remit_pathway_scenario **sc);

/* Progress callback: `stage` names the phase ("patients", "pathway", "psa",
 * "tornado"); return non-zero to stop (the run returns REMIT_ERR_STATE). */
typedef int (*remit_pathway_progress_fn)(const char *stage, long done, long total, void *user);

typedef struct remit_pathway_options {
  int threads;                 /* 0: OpenMP's default */
  long psa_samples;            /* > 0 overrides the scenario's */
  long cea_patients;           /* > 0 overrides the scenario's */
  remit_pathway_progress_fn progress;
  void *progress_user;
} remit_pathway_options;

remit_status remit_pathway_run(remit_context *ctx, const remit_pathway_scenario *sc,
                               const remit_pathway_options *opt, remit_pathway_result **out);
void remit_pathway_result_destroy(remit_pathway_result **res);

/* Writes the result to a new SQLite file (db_path; written as
 * db_path.partial and renamed when complete; an existing file is an error
 * unless overwrite) and, when psa_csv is not NULL, the PSA as CSV
 * `sample,strategy,cost,effect` (the layout of dampack's make_psa_obj and
 * hesim's ce objects). */
remit_status remit_pathway_write(remit_context *ctx, const remit_pathway_result *res,
                                 const char *db_path, int overwrite, const char *psa_csv);

/* Prints the human summary (pathway, incremental analysis, PSA, tornado). */
remit_status remit_pathway_print_summary(remit_context *ctx, const remit_pathway_result *res,
                                         FILE *out);

/* Prints the CHEERS 2022 table of the run's inputs and assumptions. */
remit_status remit_pathway_print_cheers(remit_context *ctx, const remit_pathway_result *res,
                                        FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* REMIT_PATHWAY_H */
