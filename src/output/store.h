/* SPDX-License-Identifier: MIT
 *
 * store.h: the run store, one SQLite database per trial run (private API).
 *
 * The trial runner writes everything a run produces through these calls:
 * provenance (scenario text and hash, remit version, build, seed, model, the
 * parameter table), then per work unit (replicate, chunk of patients) the
 * patients, their varying parameters, visits, events, per-patient outcomes
 * and the trajectories of a sample of patients, and finally the endpoint
 * summaries.  Nothing is held in memory beyond SQLite's page cache (32 MiB),
 * so a run's memory does not grow with the number of patients.
 *
 * Crash safety.  The database is written to PATH.partial.  Each chunk is one
 * transaction that also records the chunk in the `chunks` table, so a chunk is
 * either entirely in the file or not at all (SQLite's rollback journal undoes
 * an interrupted chunk when the file is next opened).  remit__store_finish()
 * marks the run complete, commits, closes and renames PATH.partial to PATH
 * with rename(2): a database at PATH is always complete; an interrupted run
 * leaves only PATH.partial with status 'running'.  Resuming opens
 * PATH.partial, checks that the scenario, seed, model, parameter table and
 * remit version are the ones it was started with, and the runner skips the
 * chunks remit__store_chunk_done() reports.  See docs/outputs.md.
 *
 * Call order:
 *   remit__store_open
 *   for each (rep, chunk) not remit__store_chunk_done:
 *     remit__store_begin_chunk; patient/visit/event/outcome/trajectory/vpop rows;
 *     remit__store_end_chunk
 *   remit__store_read_outcomes ... remit__store_summary ...  (one transaction)
 *   remit__store_finish          (or remit__store_close to abandon)
 *
 * Errors: every call returns a remit_status; SQLite failures are REMIT_ERR_IO
 * with sqlite3_errmsg() in the context's message.  A failed row write rolls
 * the current chunk back (the runner may begin it again).
 *
 * Ownership: all pointer arguments are borrowed for the duration of the call
 * and copied into the database.  Thread safety: a store belongs to one thread
 * at a time; it takes an exclusive lock on its file, so a second process
 * (or a second store) on the same run fails with REMIT_ERR_IO ("locked").
 */
#ifndef REMIT_OUTPUT_STORE_H
#define REMIT_OUTPUT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "remit/remit_context.h"
#include "remit/remit_model.h"
#include "remit/remit_trial.h"
#include "scores/visit.h"

typedef struct remit__store remit__store;

/* What a run is: stored in the `run` and `parameters` tables and compared on
 * resume.  Strings are borrowed. */
typedef struct remit__run_info {
  const char *scenario_text;   /* required: the scenario file's full text */
  const char *scenario_path;   /* may be NULL */
  uint64_t seed;               /* the run's master seed */
  const char *model;           /* model name, e.g. "sle"; required */
  const char *remit_version;   /* NULL: remit_version() */
  const char *build_info;      /* NULL: remit_build_info() */
  const remit_param_info *params; /* the parameter table actually used (after
                                   * parameter-set file and overrides) */
  int n_params;
  /* Readouts a virtual-population selection is made on: one column each in
   * `vpop_selection` (0 and NULL without a selection; the table is made
   * anyway, with the fixed columns only). */
  int n_vpop;
  const char *const *vpop_readouts;
  /* Design values a caller set outside the scenario text (replicates,
   * sizes), e.g. "replicates 200, n_enrol 100, n_screen 0"; NULL: "".
   * Part of the run's identity for resume and reuse. */
  const char *design;
} remit__run_info;

/* One row of `patients`.  Strings may be NULL (stored as NULL); NaN doubles
 * are stored as NULL. */
typedef struct remit__patient_row {
  int replicate;
  int patient;                 /* patient index within the replicate (screened order) */
  const char *centre;
  const char *arm;             /* NULL when not enrolled */
  const char *stratum;
  int eligible;                /* 0/1 */
  int enrolled;                /* 0/1 */
  const char *screen_fail;     /* first failed criterion, NULL if eligible */
  double cov[REMIT_N_COVARIATES]; /* in remit_covariate order */
  const char *status;          /* e.g. "completed", "dropped_out", "screen_failed" */
  double dropout_day;          /* NaN: none */
  double dose_level;           /* NaN: no escalation */
  /* Parameters that vary between patients (rows of `patient_params`). */
  int n_params;
  const char *const *param_names;
  const double *param_values;
} remit__patient_row;

/* Opens the store for PATH (the final name; the file written is PATH.partial).
 *   resume = 0: starts a new run.  An existing PATH or PATH.partial is
 *     REMIT_ERR_STATE unless overwrite is set, in which case both (and any
 *     journal) are removed first.
 *   resume = 1: reopens PATH.partial (REMIT_ERR_NOT_FOUND if absent;
 *     REMIT_ERR_STATE if PATH is already complete) and checks scenario hash,
 *     seed, model, parameter-table hash and remit version against info
 *     (REMIT_ERR_ARG naming the first mismatch).  Summaries of the earlier
 *     attempt are deleted (the runner recomputes them) and status is set back
 *     to 'running'.  overwrite is ignored.
 * On success *out is the store; on failure *out is NULL and nothing is left
 * behind by a new run. */
remit_status remit__store_open(remit_context *ctx, const char *path, const remit__run_info *info,
                               int resume, int overwrite, remit__store **out);

/* 1 if the store was opened by resuming, else 0. */
int remit__store_resumed(const remit__store *st);

/* Number of work units already in the store (0 for a new run). */
int64_t remit__store_chunks_done(const remit__store *st);

/* What `path` holds of the run `info` describes (same scenario, seed,
 * model, parameter table, design and remit version): its complete store,
 * its interrupted one (path.partial), or neither (absent, another run, not
 * a store).  Reads only. */
typedef enum remit__found_run {
  REMIT__RUN_NONE = 0,
  REMIT__RUN_COMPLETE,
  REMIT__RUN_PARTIAL
} remit__found_run;
remit_status remit__store_find_run(remit_context *ctx, const char *path,
                                   const remit__run_info *info, remit__found_run *found);

/* 1 if (replicate, chunk) is committed, 0 if not, < 0 (a remit_status) on error. */
int remit__store_chunk_done(remit__store *st, int replicate, int chunk);

/* Starts the work unit (replicate, chunk): a transaction that end_chunk
 * commits.  REMIT_ERR_STATE if a chunk is already open, the summary phase has
 * started, or the unit is already done. */
remit_status remit__store_begin_chunk(remit__store *st, int replicate, int chunk);

/* Records the unit in `chunks` and commits.  The arguments must match
 * begin_chunk's (REMIT_ERR_STATE otherwise). */
remit_status remit__store_end_chunk(remit__store *st, int replicate, int chunk);

/* Row writers; all need an open chunk (REMIT_ERR_STATE otherwise). */
remit_status remit__store_patient(remit__store *st, const remit__patient_row *row);
remit_status remit__store_visit(remit__store *st, int replicate, int patient, const remit__visit *v);
remit_status remit__store_event(remit__store *st, int replicate, int patient, double day,
                                const char *kind, double grade);
remit_status remit__store_outcome(remit__store *st, int replicate, int patient, const char *arm,
                                  const char *endpoint, double value, int event, double time,
                                  int evaluable);
/* n points (day[i], value[i]) of one variable of a sampled patient. */
remit_status remit__store_trajectory(remit__store *st, int replicate, int patient,
                                     const char *variable, int n, const double *day,
                                     const double *value);

/* One row of `vpop_selection`: a plausible patient considered for the
 * virtual population, whether accepted, its acceptance probability, whether
 * the probability was cut to 1, and its n_vpop baseline readouts (the
 * run_info's order; NaN stored as NULL).  Needs an open chunk. */
remit_status remit__store_vpop(remit__store *st, int replicate, int patient, int accepted,
                               double probability, int clipped, const double *readouts);

/* Counts over `vpop_selection`: rows, accepted rows, clipped rows.  Not
 * inside a chunk. */
remit_status remit__store_vpop_counts(remit__store *st, int64_t *n, int64_t *accepted,
                                      int64_t *clipped);

/* Reads the outcomes of one endpoint, in (replicate, patient) order.
 * replicate < 0: all replicates; arm NULL: all arms.  If value, event, time
 * and evaluable are all NULL, only *n is set (the row count: size query).
 * Otherwise each non-NULL buffer receives up to cap entries; if the count
 * exceeds cap nothing is written and REMIT_ERR_RANGE is returned with *n set
 * to the count.  value/time read back NaN where NaN was written.  Must not be
 * called while a chunk is open.  The first call builds an index on outcomes. */
remit_status remit__store_read_outcomes(remit__store *st, int replicate, const char *arm,
                                        const char *endpoint, double *value, int *event,
                                        double *time, int *evaluable, size_t cap, size_t *n);

/* One summary row; replicate < 0 means across replicates (stored as NULL).
 * arm may be NULL (between-arm statistics name both arms in `statistic` or
 * `arm` as the runner chooses).  Opens the summary transaction on the first
 * call; remit__store_finish commits it.  Not allowed inside a chunk. */
remit_status remit__store_summary(remit__store *st, int replicate, const char *arm,
                                  const char *endpoint, const char *statistic, double estimate,
                                  double lower, double upper, int64_t n);

/* Sets run.key = value (extra provenance, e.g. "n_chunks").  Inside a chunk
 * or the summary phase it joins that transaction; otherwise it commits at
 * once.  Keys written by the store itself are refused (REMIT_ERR_ARG). */
remit_status remit__store_set_meta(remit__store *st, const char *key, const char *value);

/* Completes the run: status 'complete' and 'finished' time, commit, close and
 * rename PATH.partial -> PATH.  The store is destroyed and *st set to NULL
 * whatever the outcome; on failure PATH.partial is left (resumable).
 * REMIT_ERR_STATE if a chunk is still open. */
remit_status remit__store_finish(remit__store **st);

/* Abandons the run: rolls back an open chunk or summary phase, closes, and
 * leaves PATH.partial for a later resume.  NULL and *st == NULL are harmless. */
void remit__store_close(remit__store **st);

/* 64-bit FNV-1a of n bytes, as used for scenario_hash (16 lowercase hex digits). */
uint64_t remit__fnv1a64(const void *data, size_t n, uint64_t h);
#define REMIT_FNV1A64_INIT UINT64_C(14695981039346656037)

#endif /* REMIT_OUTPUT_STORE_H */
