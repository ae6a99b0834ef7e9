/* SPDX-License-Identifier: MIT
 *
 * remit_trial.h: virtual cohorts and trials.
 *
 * A scenario (usually read from a YAML file, see docs/scenarios.md) says who
 * is screened, who is eligible, which arms with which regimens, which
 * design, which visits and endpoints, how many replicate trials and with
 * which seed.  The trial engine enrols virtual patients, treats and follows
 * them through the model, evaluates each patient's endpoints from their
 * simulated visits, and summarises each endpoint per arm and between arms,
 * per replicate and across replicates.
 *
 * Ownership: a remit_scenario made by remit_scenario_load() owns all its
 * strings and arrays and is freed with remit_scenario_destroy().  Thread
 * safety: a scenario is read-only once loaded and may be shared.
 */
#ifndef REMIT_TRIAL_H
#define REMIT_TRIAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "remit_context.h"
#include "remit_model.h"
#include "remit_stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Scenario                                                                  */
/* ------------------------------------------------------------------------ */

/* Patient-level covariates a population describes.  The first six feed the
 * model (remit_covariates); all can be used for eligibility and strata. */
typedef enum remit_covariate {
  REMIT_COV_AGE = 0,        /* years */
  REMIT_COV_SEX,            /* 0 female, 1 male */
  REMIT_COV_WEIGHT,         /* kg */
  REMIT_COV_HEIGHT,         /* cm */
  REMIT_COV_SLEDAI,         /* baseline SLEDAI-2K */
  REMIT_COV_RENAL,          /* 1 lupus nephritis */
  REMIT_COV_ANTI_DSDNA,     /* baseline anti-dsDNA, IU/mL */
  REMIT_COV_C3,             /* baseline C3, mg/dL */
  REMIT_COV_DISEASE_YEARS,  /* years since diagnosis */
  REMIT_COV_FAILED_LINES,   /* number of failed treatment lines */
  REMIT_COV_EGFR,           /* mL/min/1.73 m² */
  REMIT_N_COVARIATES
} remit_covariate;

/* Name <-> index ("age", "sex", "weight", "height", "sledai", "renal",
 * "anti_dsdna", "c3", "disease_years", "failed_lines", "egfr"). */
const char *remit_covariate_name(remit_covariate c);
int remit_covariate_index(const char *name); /* -1 if unknown */

typedef enum remit_dist_kind {
  REMIT_DIST_FIXED = 0,   /* a: the value */
  REMIT_DIST_NORMAL,      /* a: mean, b: sd */
  REMIT_DIST_LOGNORMAL,   /* a: median, b: CV (sdlog = sqrt(log(1 + CV²))) */
  REMIT_DIST_UNIFORM,     /* a: low, b: high */
  REMIT_DIST_CATEGORICAL, /* values[k] with probabilities probs[k] */
  REMIT_DIST_EMPIRICAL    /* values[k] drawn with equal weight (a resample) */
} remit_dist_kind;

typedef struct remit_dist {
  remit_dist_kind kind;
  double a, b;
  double lower, upper;   /* truncation bounds; -INFINITY / INFINITY for none */
  double *values;        /* categorical, empirical */
  double *probs;         /* categorical (sum to 1) */
  int n_values;
} remit_dist;

/* Eligibility criteria compare a covariate with a value (remit_cmp, from
 * remit_stats.h, where success criteria use it too). */
typedef struct remit_criterion {
  remit_covariate covariate;
  remit_cmp cmp;
  double value;
} remit_criterion;

/* Inter-individual variability of one model parameter beyond the table's. */
typedef struct remit_iiv {
  char *param;   /* parameter name in the model's table */
  double cv;     /* log-normal CV; overrides the table's */
} remit_iiv;

typedef struct remit_population {
  remit_dist covariates[REMIT_N_COVARIATES];
  double correlation[REMIT_N_COVARIATES][REMIT_N_COVARIATES]; /* Gaussian copula; identity if unset */
  remit_criterion *eligibility;
  int n_eligibility;
  remit_iiv *iiv;               /* overrides of the table's CVs */
  int n_iiv;
  int use_table_iiv;            /* 1: every table parameter with cv > 0 varies */
  char **iiv_corr_a, **iiv_corr_b; /* pairs of parameter names ... */
  double *iiv_corr;             /* ... and their correlation */
  int n_iiv_corr;
} remit_population;

/* One regimen entry: an input of the model, dosed on `day` (and, with
 * every > 0, again every `every` days, `count` times in all; count 0 = to the
 * end of follow-up), amount in the input's unit, duration for daily inputs. */
typedef struct remit_regimen_item {
  char *input;
  double day;
  double amount;
  double duration;
  double every;
  int count;
} remit_regimen_item;

typedef struct remit_arm {
  char *name;
  double ratio;                 /* allocation weight */
  remit_regimen_item *regimen;
  int n_regimen;
  int placebo;                  /* 1: a placebo arm (no active product) */
  double *dose_levels;          /* dose escalation: levels of the first product item */
  int n_dose_levels;
} remit_arm;

typedef enum remit_design_kind {
  REMIT_DESIGN_SINGLE_ARM = 0,
  REMIT_DESIGN_PARALLEL,        /* randomised parallel arms */
  REMIT_DESIGN_ESCALATION_3P3,  /* 3+3 dose escalation over the first arm's dose levels */
  REMIT_DESIGN_ESCALATION_COHORTS /* fixed cohorts per dose level */
} remit_design_kind;

typedef struct remit_centre {
  char *name;
  double weight;                /* share of enrolment */
} remit_centre;

typedef struct remit_design {
  remit_design_kind kind;
  int n_enrol;                  /* patients to enrol (eligible); 0 = use n_screen */
  int n_screen;                 /* patients to screen; 0 = screen until n_enrol */
  int block_size;               /* permuted-block randomisation; 0 = simple */
  remit_covariate *strata;      /* stratification factors (binary/categorical covariates) */
  int n_strata;
  remit_centre *centres;
  int n_centres;
  int cohort_size;              /* escalation cohorts */
  int dlt_crs_grade;            /* a dose-limiting toxicity: CRS grade >= this ... */
  int dlt_window_days;          /* ... within this many days */
  double dropout_per_year;      /* exponential dropout hazard */
  double followup_days;         /* last day followed */
} remit_design;

/* Endpoint kinds, defined in docs/endpoints.md after clinical.md §4. */
typedef enum remit_endpoint_kind {
  REMIT_EP_SLEDAI_CHANGE = 0,   /* SLEDAI-2K at day minus baseline (mean) */
  REMIT_EP_SLEDAI,              /* SLEDAI-2K at day (median) */
  REMIT_EP_DORIS,               /* DORIS remission at day (proportion) */
  REMIT_EP_DORIS_DRUG_FREE,
  REMIT_EP_LLDAS,
  REMIT_EP_SRI4,
  REMIT_EP_BICLA,
  REMIT_EP_FLARE,               /* time to first flare (Kaplan-Meier) */
  REMIT_EP_B_APLASIA_DAYS,      /* B-cell aplasia duration (Kaplan-Meier: censored if never back) */
  REMIT_EP_B_RECONSTITUTION,    /* time to B-cell reconstitution (Kaplan-Meier) */
  REMIT_EP_CART_CMAX,
  REMIT_EP_CART_TMAX,
  REMIT_EP_CART_AUC28,
  REMIT_EP_CRS,                 /* CRS grade >= threshold (proportion) */
  REMIT_EP_ICANS,
  REMIT_EP_INFECTION,           /* >= 1 serious infection by day */
  REMIT_EP_AE_GRADE3,           /* any grade >= 3 adverse event within `day` days */
  REMIT_EP_HYPOGAMMA,           /* IgG below threshold g/L at day */
  REMIT_EP_DAMAGE_CHANGE,       /* SDI change by day (mean) */
  REMIT_EP_RENAL_RESPONSE,      /* proteinuria <= threshold g/day at day (proportion) */
  REMIT_EP_ANTI_DSDNA_NEG,      /* anti-dsDNA below the positivity cut-off at day */
  REMIT_EP_RELAPSE,             /* time to first flare after reaching LLDAS or DORIS (Kaplan-Meier) */
  REMIT_EP_FLARE_COUNT,         /* flares per patient over follow-up to day (rate per patient-year) */
  REMIT_EP_FLARE_ANY,           /* >= 1 flare by day (proportion; crude, over the days followed) */
  REMIT_EP_CART_TOXICITY,       /* CRS >= threshold (2), any ICANS or a serious infection by day */
  REMIT_N_ENDPOINT_KINDS
} remit_endpoint_kind;

const char *remit_endpoint_kind_name(remit_endpoint_kind k);
int remit_endpoint_kind_index(const char *name); /* -1 if unknown */

/* What counts as a flare at a visit, compared with the previous attended
 * visit (docs/endpoints.md, "Flare definitions"), for the kinds flare,
 * relapse, flare_count and flare_any.  `threshold` is the rise (SLEDAI, PGA)
 * or the severe score level (sledai_severe); the BILAG-like definitions take
 * none. */
typedef enum remit_flare_def {
  REMIT_FLARE_SLEDAI = 0,     /* SLEDAI-2K rise >= threshold (3): SELENA mild/moderate, clinical.md §4.1 */
  REMIT_FLARE_SLEDAI_SEVERE,  /* SLEDAI-2K rise >= 3 to a score > threshold (12): SELENA severe, §4.1 */
  REMIT_FLARE_BILAG,          /* >= 1 new A or >= 2 new B BILAG-like domains (TULIP [M]) */
  REMIT_FLARE_BILAG_AB,       /* >= 1 new A or >= 1 new B (BILAG-2004 moderate or severe flare [M]) */
  REMIT_FLARE_BILAG_A,        /* >= 1 new A (BILAG-2004 severe flare) */
  REMIT_FLARE_PGA,            /* PGA rise >= threshold (1.0): Petri 1991, clinical.md §3.2 */
  REMIT_FLARE_BILAG_ANY,      /* >= 1 new A, B or C (BILAG-2004 flare of any severity: McElhone 2021) */
  REMIT_FLARE_SFI_SEVERE,     /* new A or PGA rising to > 2.5: BLISS's modified SFI severe flare [M] */
  REMIT_N_FLARE_DEFS
} remit_flare_def;

/* Name <-> index ("sledai", "sledai_severe", "bilag", "bilag_ab", "bilag_a",
 * "pga", "bilag_any", "sfi_severe"). */
const char *remit_flare_def_name(remit_flare_def d);
int remit_flare_def_index(const char *name); /* -1 if unknown */

typedef struct remit_endpoint {
  char *name;                   /* the scenario's label */
  remit_endpoint_kind kind;
  double day;                   /* assessment day (or window) */
  double threshold;             /* grade or level where the kind needs one */
  int primary;
  remit_flare_def flare;        /* flare kinds: the flare definition (default SLEDAI rise) */
} remit_endpoint;

/* Assay measurement error (proportional, log-normal CV) per readout. */
typedef struct remit_noise {
  double anti_dsdna_cv;
  double c3_cv;
  double proteinuria_cv;
  double b_cells_cv;
  double car_t_cv;
  double igg_cv;
} remit_noise;

/* Virtual-population selection (docs/scenarios.md, "Virtual populations";
 * docs/validation.md): the eligible patients drawn from the population are
 * the *plausible* patients; each is kept with a probability proportional to
 * the target density of its baseline readouts over the plausible density
 * (Allen et al. 2016), so the enrolled patients' simulated baseline follows
 * the published one. */
typedef enum remit_vpop_method {
  REMIT_VPOP_NONE = 0,        /* no vpop block: every eligible patient is enrolled */
  REMIT_VPOP_ACCEPTANCE       /* acceptance-rejection (Allen 2016) */
} remit_vpop_method;

/* Most readouts a vpop block may target. */
#define REMIT_VPOP_MAX_TARGETS 8

/* One target: a readout of the model at baseline and its published
 * distribution (normal, lognormal or uniform; normal and lognormal may be
 * truncated). */
typedef struct remit_vpop_target {
  char *readout;                /* a readout name of the model (remit params --list readouts) */
  remit_dist dist;
} remit_vpop_target;

typedef struct remit_vpop {
  remit_vpop_method method;
  remit_vpop_target *targets;   /* n_targets, in file order */
  int n_targets;
  double *correlation;          /* n_targets × n_targets Gaussian-copula correlation of the
                                 * targets (row-major, unit diagonal); NULL: independent */
  int pilot;                    /* plausible patients in the pilot sample (density estimate) */
  double max_draws_per_accept;  /* most plausible patients drawn per accepted one */
} remit_vpop;

typedef struct remit_param_override {
  char *param;
  double value;
} remit_param_override;

typedef struct remit_scenario {
  char *path;                   /* file it came from */
  char *text;                   /* the file's full text (stored with results) */
  char *name;
  char *model;                  /* "sle" */
  remit_population population;
  remit_arm *arms;
  int n_arms;
  remit_design design;
  double *visits;               /* visit days, ascending */
  int n_visits;
  remit_endpoint *endpoints;
  int n_endpoints;
  remit_noise noise;
  int replicates;
  uint64_t seed;
  int sample_trajectories;      /* patients whose daily trajectory is stored */
  double rtol, atol;            /* the ODE tolerances (solver:), default 1e-6 each */
  char *parameter_set;          /* optional parameter-set file */
  remit_param_override *param_overrides; /* applied to every patient's typical values */
  int n_param_overrides;
  remit_vpop vpop;              /* method REMIT_VPOP_NONE without a vpop block */
} remit_scenario;

/* Reads and validates a YAML scenario.  On error returns REMIT_ERR_IO (file)
 * or REMIT_ERR_ARG (content) with "FILE:LINE: field: what was expected" on
 * the context; unknown keys are errors. */
remit_status remit_scenario_load(remit_context *ctx, const char *path, remit_scenario **out);
void remit_scenario_destroy(remit_scenario **s);

/* ------------------------------------------------------------------------ */
/* Running a trial                                                           */
/* ------------------------------------------------------------------------ */

typedef struct remit_trial_options {
  const char *output;   /* the run store, RUN.db (written as RUN.db.partial until done) */
  int resume;           /* 1: continue RUN.db.partial of an interrupted run */
  int overwrite;        /* 1: replace an existing RUN.db */
  int threads;          /* worker threads; 0 = OpenMP's default */
  int chunk_size;       /* patients per committed chunk; 0 = 256 */
  /* Called after each chunk (from the calling thread): patients done of
   * total.  Returning non-zero stops the run cleanly after that chunk: the
   * partial store stays for --resume and the run returns REMIT_ERR_STATE. */
  int (*progress)(long done, long total, void *user);
  void *progress_user;
  /* NULL: this process runs the whole trial.  Otherwise a pointer to an
   * MPI_Comm (remit built with MPI, REMIT_HAVE_MPI in remit_config.h; MPI
   * initialised by the caller, MPI_THREAD_FUNNELED is enough): every rank of
   * it calls remit_trial_run with the same scenario and options, the chunks
   * are split across the ranks, and rank 0 alone writes the store (the same
   * store as one process would; docs/cluster.md).  `progress` is called on
   * rank 0 only; a stop there stops every rank.  3+3 designs run on rank 0
   * (each cohort's decision needs the previous one).  Every rank returns
   * rank 0's status after the store is complete. */
  const void *mpi_comm;
  /* 1: if RUN.db is already a complete store of this very run (same
   * scenario, seed, model, parameter table after overrides, replicates and
   * sizes, remit version), keep it and return at once; continue its
   * interrupted RUN.db.partial; replace anything else (`resume` and
   * `overwrite` are then not read).  `reused` (may be NULL) is set to 1 when
   * the store was kept, else 0.  remit validate --resume uses it. */
  int reuse;
  int *reused;
} remit_trial_options;

/* Runs every replicate of the scenario and writes the run store.  The same
 * scenario and seed give the same store whatever `threads` is (and however
 * many MPI ranks share the run); a resumed run gives the same store as an
 * uninterrupted one.  On failure the partial store stays (marked running)
 * for --resume and the context says why. */
remit_status remit_trial_run(remit_context *ctx, const remit_scenario *sc,
                             const remit_trial_options *opt);

/* Writes a finished (or partial) run's summary to `out` as text: provenance,
 * the enrolment flow, every endpoint per arm and between arms. */
remit_status remit_trial_print_summary(remit_context *ctx, const char *db_path, FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* REMIT_TRIAL_H */
