/* SPDX-License-Identifier: MIT
 *
 * remit_fit.h: calibration and validation against published trials.
 *
 * Four pieces:
 *
 *  - Targets: a CSV of published numbers (../shared/targets/published.csv
 *    format: id, source, therapy, population, endpoint, timepoint_days,
 *    statistic, value, lower, upper, n, notes).  remit_targets_load() reads
 *    any file of that format (RFC 4180 quoting).
 *  - A mapping: for each target remit can address, the scenario that
 *    reproduces the study's design and size, the scenario endpoint, the arm
 *    and the statistic of the simulated trial to compare (docs/validation.md).
 *  - Parameter sets: `name,value` CSV files with `#` provenance lines, loaded
 *    by `remit params --set`, `remit simulate --parameter-set`, the scenario
 *    key `parameter_set:`, `remit validate --parameter-set`.
 *  - Validation (published value inside the central 95 % of R simulated
 *    replicate trials), fitting (nlopt, derivative-free, bounded, multi-start,
 *    common random numbers) and sensitivity (normalised elasticities, Morris
 *    elementary effects).
 *
 * No code path here reads a target's value to produce the number it is
 * compared with: simulated statistics come from the trial engine's store
 * only; the published values enter only the comparison and the fit's
 * objective.
 *
 * Ownership: objects made by *_load / *_create are freed by the matching
 * *_destroy (NULL-safe).  Paths and names passed in are borrowed.  Thread
 * safety: the objects are read-only once loaded; the run functions use their
 * own per-call state.
 */
#ifndef REMIT_FIT_H
#define REMIT_FIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "remit_context.h"
#include "remit_model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Published targets                                                         */
/* ------------------------------------------------------------------------ */

/* One row of a targets file.  Blank numbers are NaN. */
typedef struct remit_target {
  char *id, *source, *therapy, *population, *endpoint, *statistic, *notes;
  double timepoint_days; /* NaN: baseline, design or whole follow-up */
  double value, lower, upper;
  double n;              /* patients behind the number; NaN if blank */
  int line;              /* line in the file (1 = header) */
} remit_target;

typedef struct remit_targets {
  char *path;
  remit_target *rows;
  int n;
} remit_targets;

/* Reads a targets CSV: a header naming at least the twelve columns above (in
 * any order; extra columns are ignored), then one row per line; fields may be
 * quoted ("a, b", "say ""x""").  Errors: REMIT_ERR_IO (file), REMIT_ERR_ARG
 * with "FILE:LINE: ..." (a missing column, a bad number, wrong field count). */
remit_status remit_targets_load(remit_context *ctx, const char *path, remit_targets **out);
void remit_targets_destroy(remit_targets **t);

/* ------------------------------------------------------------------------ */
/* Mapping: target -> simulated statistic                                    */
/* ------------------------------------------------------------------------ */

/* How a simulated trial's per-replicate summary becomes the number compared. */
typedef enum remit_map_stat {
  REMIT_MAP_PROPORTION = 0,    /* the arm's proportion */
  REMIT_MAP_ONE_MINUS,         /* 1 - proportion (e.g. "no CRS >= 2") */
  REMIT_MAP_COUNT,             /* proportion × evaluable n: a count of patients */
  REMIT_MAP_MEAN,              /* mean of a continuous endpoint */
  REMIT_MAP_MEDIAN,            /* median of a continuous endpoint */
  REMIT_MAP_KM_MEDIAN,         /* Kaplan-Meier median (not reached: the endpoint's day) */
  REMIT_MAP_RATE,              /* events per patient-year of a count endpoint (total events /
                                  total patient-years of the arm or pooled arms) */
  REMIT_MAP_RATE_PER_MONTH,    /* the same per patient-month (a month = 365.25/12 days) */
  REMIT_N_MAP_STATS
} remit_map_stat;

typedef struct remit_map_row {
  int target;          /* index of the target row it addresses */
  char *scenario;      /* scenario file, resolved against the map's folder */
  char *sim_endpoint;  /* endpoint name in that scenario */
  char *arm;           /* arm label in the store; "*" pools every arm (proportions, counts, rates) */
  remit_map_stat stat;
  int replicates;      /* replicate trials for validation (0: the caller's default) */
  int used_for_fit;    /* 1: a calibration target, 0: checked only */
  char *note;
  int line;
} remit_map_row;

typedef struct remit_map {
  char *path;
  remit_map_row *rows;
  int n;
} remit_map;

/* Reads a mapping CSV with the header
 *   id,therapy,endpoint,timepoint_days,scenario,sim_endpoint,arm,statistic,replicates,used_for_fit,note
 * The first four columns select exactly one target row (blank timepoint
 * matches a blank timepoint).  Checks, each reported as "FILE:LINE: ...":
 * the target exists and is unique, is not a design row (statistic `fixed`),
 * is mapped once; the statistic is one of proportion, one_minus_proportion,
 * count, mean, median, km_median, rate, rate_per_month; replicates is
 * 0..100000; used_for_fit is 0
 * or 1.  Scenario files are not opened here. */
remit_status remit_map_load(remit_context *ctx, const char *path, const remit_targets *targets,
                            remit_map **out);
void remit_map_destroy(remit_map **m);

/* Coverage of a targets file: reads the list of targets remit cannot address
 * (CSV header id,therapy,endpoint,timepoint_days,reason; every row must
 * select exactly one target that is neither mapped nor a design row, and
 * give a reason) and reports the targets that are neither mapped, design
 * rows (`fixed`), nor listed.  unlisted (may be NULL) receives up to max of
 * their indices; *n_unlisted their count; *n_listed the rows read.
 * Errors name FILE:LINE. */
remit_status remit_unmapped_check(remit_context *ctx, const char *path,
                                  const remit_targets *targets, const remit_map *map,
                                  int *unlisted, int max, int *n_unlisted, int *n_listed);
const char *remit_map_stat_name(remit_map_stat s);

/* ------------------------------------------------------------------------ */
/* Parameter sets                                                            */
/* ------------------------------------------------------------------------ */

typedef struct remit_paramset {
  int n;
  char **names;
  double *values;
  char *provenance;  /* the file's '#' lines joined with '\n' (without '#') */
} remit_paramset;

/* Reads `name,value` lines ('#' comments, blank lines and an optional header
 * line `name,value` are skipped).  With spec given, each name must be a
 * parameter of the spec and each value inside its admissible range; a name
 * given twice is an error.  Errors name FILE:LINE. */
remit_status remit_paramset_load(remit_context *ctx, const char *path,
                                 const remit_model_spec *spec, remit_paramset **out);
void remit_paramset_destroy(remit_paramset **ps);

/* Writes a parameter set: the provenance text (each line prefixed "# "), the
 * header `name,value`, then one line per parameter with %.17g.  The file is
 * written to PATH.partial and renamed. */
remit_status remit_paramset_write(remit_context *ctx, const char *path, const char *provenance,
                                  const char *const *names, const double *values, int n);

/* Applies a set to a parameter vector of the spec (values[i] for
 * spec->params[i]).  Names must be in the spec. */
remit_status remit_paramset_apply(remit_context *ctx, const remit_paramset *ps,
                                  const remit_model_spec *spec, double *values);

/* ------------------------------------------------------------------------ */
/* Evaluating mapped statistics                                              */
/* ------------------------------------------------------------------------ */

/* Options shared by validation, fitting and sensitivity. */
typedef struct remit_eval_options {
  int replicates;        /* > 0: replicate trials per scenario, overriding the map's */
  int default_replicates;/* replicates where the map says 0 (default 50) */
  /* In (0, 1], with replicates 0: each scenario runs this share of the
   * map's replicate count (at least 3), so a fit spends its trials where
   * the map does: many for the 5-18-patient studies, few for the RCTs. */
  double replicate_fraction;
  int threads;           /* worker threads per trial (0: 1) */
  const char *workdir;   /* folder for the run stores (created; required) */
  const remit_paramset *base; /* NULL, or typical values applied to every scenario */
  int max_patients;      /* > 0: cap each scenario's n_enrol (sensitivity screens only) */
  /* NULL, or called after each scenario run with its cost and wall time
   * (on every rank under MPI). */
  void (*on_scenario)(const char *scenario, int replicates, long patients, double seconds,
                      void *user);
  void *user;
  /* NULL: this process alone.  Otherwise a pointer to an MPI_Comm (as
   * remit_trial_options.mpi_comm; docs/cluster.md): every rank of it makes
   * the same calls with the same arguments, each scenario's trial is shared
   * across the ranks (rank 0 writes the run stores, so only rank 0 needs the
   * work directory), and rank 0's statistics and status are broadcast, so
   * every rank returns the same numbers as one process would.  Creating,
   * running and destroying an evaluator are then collective. */
  const void *mpi_comm;
  /* remit validate --resume: keep each scenario's complete run store in
   * workdir when it is the same run (scenario, seed, parameters,
   * replicates, sizes, version) and continue an interrupted one.  With a
   * journal (fit, sensitivity): replay the runs it records. */
  int resume;
  /* NULL, or a CSV file, the journal, that gets one line per run, as it
   * finishes: the level, the parameter names and values (%.17g) and every
   * row's statistics, after a header with the evaluator's identity (the
   * model's table, its scenarios, replicates, sizes, mapping, parameter
   * set, remit version).
   * Rank 0 writes it.  With `resume` the runs it records are replayed
   * instead of simulated, each checked to the bit against the record: a
   * fit or a sensitivity analysis is deterministic, so an interrupted one
   * retraces its steps to where it stopped, then simulates on, and ends as
   * the uninterrupted one would.  Another evaluator's journal, or a record
   * at other parameter values, is refused. */
  const char *journal;
} remit_eval_options;

/* The distribution across replicates of one mapped statistic. */
typedef struct remit_sim_stat {
  int n_reps;            /* replicates with a value */
  double median, lower, upper, mean; /* across replicates; [lower, upper] central `level` */
  double sd;             /* across replicates (divisor n - 1); NaN with one */
  double arm_n;          /* median evaluable n of the arm */
  double exposure;       /* rates: median patient-years per patient of the arm; NaN otherwise */
} remit_sim_stat;

/* An evaluator runs the scenarios of a set of map rows with parameter
 * overrides and reads the statistics back.  Scenarios are loaded once and
 * every run reuses each scenario's seed (common random numbers: the same
 * virtual patients whatever the parameters). */
typedef struct remit_evaluator remit_evaluator;

/* rows: indices into map (borrowed copy kept); n_rows >= 1.  Under MPI
 * (opt->mpi_comm) every rank fails if any rank fails. */
remit_status remit_evaluator_create(remit_context *ctx, const remit_map *map, const int *rows,
                                    int n_rows, const remit_eval_options *opt,
                                    remit_evaluator **out);
void remit_evaluator_destroy(remit_evaluator **ev);

/* Runs every scenario once with the typical values names[k] = values[k]
 * applied after the base set and the scenario's own (n may be 0), and
 * fills out[0..n_rows-1] in the order of `rows`.  level: central interval
 * (0.95). */
remit_status remit_evaluator_run(remit_evaluator *ev, const char *const *names,
                                 const double *values, int n, double level, remit_sim_stat *out);

/* Number of patient simulations one run costs (for progress and benchmarks). */
long remit_evaluator_cost(const remit_evaluator *ev);

/* ------------------------------------------------------------------------ */
/* Validation                                                                */
/* ------------------------------------------------------------------------ */

typedef struct remit_validation_row {
  int map_row;           /* index into the map */
  double published;
  remit_sim_stat sim;
  int pass;              /* published in [sim.lower, sim.upper] */
} remit_validation_row;

/* Simulates every mapped target with opt's replicates and compares.  rows
 * has map->n entries.  *n_pass receives how many pass.  Under MPI
 * (opt->mpi_comm) every rank calls it and receives the same rows. */
remit_status remit_validate(remit_context *ctx, const remit_targets *targets,
                            const remit_map *map, const remit_eval_options *opt,
                            remit_validation_row *rows, int *n_pass);

/* Writes the rows as CSV (header: id,therapy,endpoint,arm,statistic,
 * timepoint_days,published,n,sim_median,sim_lower,sim_upper,pass,
 * used_for_fit,scenario,sim_n,replicates). */
remit_status remit_validation_write_csv(remit_context *ctx, const remit_targets *targets,
                                        const remit_map *map, const remit_validation_row *rows,
                                        FILE *out);

/* Writes (replacing) the table `validation` (id, endpoint, arm, statistic,
 * timepoint_days, published, n, sim_median, sim_lower, sim_upper, pass,
 * used_for_fit) and a `validation_run` key/value provenance table into the
 * SQLite file db_path (created if absent). */
remit_status remit_validation_write_store(remit_context *ctx, const char *db_path,
                                          const remit_targets *targets, const remit_map *map,
                                          const remit_validation_row *rows,
                                          const char *provenance);

/* ------------------------------------------------------------------------ */
/* Fitting                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct remit_fit_param {
  const char *name;      /* a parameter of the SLE model */
  double lower, upper;   /* search bounds, inside the table's admissible range */
  int log_scale;         /* 1: search log(value) (both bounds > 0) */
} remit_fit_param;

/* The per-target term of the discrepancy, of z = (m_t - y_t) / s_t:
 *   REMIT_FIT_SQUARED  z^2
 *   REMIT_FIT_HINGE    max(0, |z| - 1)^2: zero while the simulated mean is
 *                      within one scale of the published value, so targets
 *                      already inside cost nothing and the fit spends its
 *                      moves on those outside (closer to validation's
 *                      "inside the 95 % interval").  With >= 3 replicates
 *                      the hinge's scale is the larger of s_t (below) and
 *                      the SD of the statistic across the replicates. */
typedef enum remit_fit_objective {
  REMIT_FIT_SQUARED = 0,
  REMIT_FIT_HINGE = 1
} remit_fit_objective;

double remit_fit_term(remit_fit_objective objective, double z);

typedef struct remit_fit_options {
  remit_eval_options eval;  /* replicates per evaluation (default 2) etc. */
  remit_fit_objective objective; /* default REMIT_FIT_SQUARED */
  int n_starts;          /* multi-start: 1 from the current values + random starts (default 3) */
  int max_evals;         /* per start (default 60) */
  double xtol_rel;       /* on the unit-scaled parameters (default 1e-3) */
  uint64_t seed;         /* for the random starts */
  /* Called after each objective evaluation; non-zero stops the fit.  Under
   * MPI (eval.mpi_comm) it is called on every rank, and a stop on any rank
   * stops every rank after the same evaluation. */
  int (*progress)(int start, int eval, double objective, const double *x, int n, void *user);
  void *progress_user;
} remit_fit_options;

typedef struct remit_fit_result {
  double objective;      /* best discrepancy */
  double objective0;     /* at the starting values */
  int n_evals;           /* all starts together */
  int nlopt_code;        /* nlopt's result code of the best start */
} remit_fit_result;

/* The discrepancy minimised:
 *   D(theta) = sum over fit targets t of term(z_t), z_t = (m_t(theta) - y_t) / s_t
 * (term: remit_fit_term above)
 * with m_t the mean across replicates of the simulated statistic, y_t the
 * published value and s_t its scale: for proportions the binomial standard
 * error sqrt(max(y(1-y), 1/n) / n) with n the published n (or the simulated
 * arm's n when the paper gives none); for counts n times that; for rates
 * the Poisson SE sqrt(max(y, 1/E) / E) with E = n x the follow-up per
 * patient in the rate's unit (years or months): the timepoint, or when it is
 * blank the simulated arm's exposure per patient (1 without either); for
 * others max(0.1 |y|, 1).  sim may be NULL.  Exposed for tests and reports. */
double remit_fit_scale(const remit_target *t, remit_map_stat stat, const remit_sim_stat *sim);

/* Minimises D over params within bounds with nlopt (NLOPT_LN_SBPLX),
 * starting from x (x[k] in the parameter's unit; overwritten with the best
 * point).  The targets are the map rows with used_for_fit = 1.  Under MPI
 * (opt->eval.mpi_comm) every rank calls it: the ranks share each
 * evaluation's trials and, seeing the same statistics, take the same
 * optimiser steps, so every rank returns the same point as one process. */
remit_status remit_fit(remit_context *ctx, const remit_targets *targets, const remit_map *map,
                       const remit_fit_param *params, int n_params, double *x,
                       const remit_fit_options *opt, remit_fit_result *result);

/* ------------------------------------------------------------------------ */
/* Sensitivity                                                               */
/* ------------------------------------------------------------------------ */

/* A model output as a function of k inputs: writes n_out numbers to y.
 * Returns 0 on success, non-zero to abort. */
typedef int (*remit_sens_fn)(const double *x, int k, double *y, int n_out, void *user);

/* Normalised local sensitivities (elasticities) by central differences:
 *   E_ij = (y_j(x(1+h)_i) - y_j(x(1-h)_i)) / (2 h y_j(x)),
 * i.e. d log y_j / d log x_i.  NaN where y_j(x) = 0 or a run failed.
 * out: k × n_out row-major; base: n_out (the outputs at x). */
remit_status remit_elasticities(remit_context *ctx, remit_sens_fn f, void *user, const double *x,
                                int k, int n_out, double h, double *base, double *out);

/* Morris elementary-effects screening (Morris 1991 Technometrics 33:161;
 * mu* of Campolongo, Cariboni & Saltelli 2007 Environ Model Softw 22:1509) on
 * the unit hypercube [0,1]^k with `levels` grid levels (even, >= 2) and step
 * delta = levels / (2 (levels - 1)); r trajectories from a seeded stream.
 * f receives points in [0,1]^k (the caller maps them to parameter values).
 * mu_star, mu, sigma: k × n_out row-major (mean |EE|, mean EE, SD of EE). */
remit_status remit_morris(remit_context *ctx, remit_sens_fn f, void *user, int k, int n_out,
                          int r, int levels, uint64_t seed, double *mu_star, double *mu,
                          double *sigma);

#ifdef __cplusplus
}
#endif
#endif /* REMIT_FIT_H */
