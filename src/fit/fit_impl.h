/* SPDX-License-Identifier: MIT
 *
 * fit_impl.h: private pieces of the fit module (src/fit/): a small RFC 4180
 * CSV reader shared by the targets, mapping and parameter-set readers, and
 * the typical values of a scenario (table -> parameter set -> overrides)
 * that the trial engine uses.
 */
#ifndef REMIT_FIT_IMPL_H
#define REMIT_FIT_IMPL_H

#include "remit/remit_fit.h"
#include "remit/remit_trial.h"

/* A whole CSV file split into records of fields. */
typedef struct remit__csv {
  char *buf;        /* field storage */
  char ***rec;      /* rec[r][f] */
  int *n_fields;    /* per record */
  int *line;        /* first line of each record */
  int n_rec;
} remit__csv;

/* Reads path; lines whose first character is '#' (outside quotes) and empty
 * lines are skipped when skip_comments is 1.  Errors: REMIT_ERR_IO, or
 * REMIT_ERR_ARG "FILE:LINE: unterminated quoted field". */
remit_status remit__csv_read(remit_context *ctx, const char *path, int skip_comments,
                             remit__csv *out);
void remit__csv_free(remit_context *ctx, remit__csv *csv);

/* Strict number: the whole field a finite number; blank gives NaN when
 * allow_blank, else an error.  Returns 0 ok, -1 bad. */
int remit__parse_num(const char *s, int allow_blank, double *out);

/* Typical values of a scenario's patients: the spec's table values, then the
 * scenario's parameter_set file (if any), then its `parameters:` overrides.
 * typical has spec->n_params entries. */
remit_status remit__scenario_typical(remit_context *ctx, const remit_scenario *sc,
                                     const remit_model_spec *spec, double *typical);

/* Every rank of the evaluator's communicator: *flag becomes the largest
 * *flag of all ranks (1 process: unchanged).  Collective. */
remit_status remit__evaluator_agree(remit_evaluator *ev, int *flag);

/* Rank 0's buffer on every rank of the evaluator's communicator.  Collective. */
remit_status remit__evaluator_bcast(remit_evaluator *ev, void *buf, size_t size);

/* This process's rank in the evaluator's communicator (0 without MPI). */
int remit__evaluator_rank(const remit_evaluator *ev);

/* The context the evaluator reports errors in. */
remit_context *remit__evaluator_context(const remit_evaluator *ev);

/* A 64-bit FNV-1a hash of what the evaluator's statistics depend on: the
 * model's parameter table as built, each scenario's text, replicates and
 * size, the base parameter set, and each row's mapping.  Two evaluators with the same
 * identity in the same remit version produce the same statistics for the
 * same parameter values (remit fit's journal, --resume). */
uint64_t remit__evaluator_identity(const remit_evaluator *ev);

/* The evaluator's journal (journal.c; remit_eval_options.journal): one CSV
 * line per run (level, parameter names and values, each row's statistics)
 * after a header with the evaluator's identity.  With `resume` the records
 * of an interrupted run of the same identity are read (another identity is
 * refused) and new lines follow them.  Every call is collective over the
 * evaluator's ranks; rank 0 owns the file. */
typedef struct remit__journal remit__journal;
remit_status remit__journal_open(remit_evaluator *ev, int n_rows, const char *path,
                                 uint64_t identity, int resume, remit__journal **out);
/* *replayed 1: the next record was this very run (level, names, values to
 * the bit) and out gets its statistics (REMIT_ERR_MODEL if it had failed);
 * 0: no record left (run it, then append; stats NULL for a failed run).  A
 * record of another run is an error: not this journal's path. */
remit_status remit__journal_replay(remit__journal *j, const char *const *names,
                                   const double *values, int n, double level, remit_sim_stat *out,
                                   int *replayed);
remit_status remit__journal_append(remit__journal *j, const char *const *names,
                                   const double *values, int n, double level,
                                   const remit_sim_stat *stats);
remit_status remit__journal_close(remit__journal **j);

/* Duplicates a string through the context's allocator (NULL on failure). */
char *remit__strdup(remit_context *ctx, const char *s);

#endif /* REMIT_FIT_IMPL_H */
