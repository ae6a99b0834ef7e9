/* SPDX-License-Identifier: MIT
 *
 * remit_store.h: reading run databases.
 *
 * A trial run writes one SQLite database (see docs/outputs.md for the
 * schema).  While the run is going, or after it was interrupted, the file is
 * RUN.partial; a file at RUN itself is always a complete run.  These calls
 * read a run back, e.g. for `remit export RUN TABLE`.
 *
 * Ownership: paths and names are borrowed; the FILE is the caller's (written
 * to, never closed).  Returned strings are static.  Thread safety: the calls
 * share nothing; each opens its own read-only connection.
 */
#ifndef REMIT_STORE_H
#define REMIT_STORE_H

#include <stdio.h>

#include "remit_context.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags of remit_store_export(). */
#define REMIT_EXPORT_ALLOW_INCOMPLETE 1u /* also export a run whose status is not 'complete' */

/* Writes one table of the run at db_path to out as CSV: a header line with
 * the column names, then one line per row, "\n" line ends; text quoted as RFC
 * 4180 says (fields containing a comma, quote, CR or LF are enclosed in
 * double quotes, quotes doubled); integers in decimal; reals in the shortest
 * of %.15g/%.16g/%.17g that reads back to the same double; NULL (missing, or
 * NaN when written) as an empty field.  Rows are in key order (replicate,
 * patient, then insertion order), independent of the order chunks ran in.
 *
 * Errors: REMIT_ERR_NOT_FOUND for an unknown table (the message lists the
 * tables) or a missing file (the message says if RUN.partial exists);
 * REMIT_ERR_ARG if the file is not a remit run; REMIT_ERR_STATE if the run is
 * not complete (a .partial, or status != 'complete') unless flags has
 * REMIT_EXPORT_ALLOW_INCOMPLETE; REMIT_ERR_IO for SQLite or write errors (a
 * run still being written is locked: "database is locked"). */
remit_status remit_store_export(remit_context *ctx, const char *db_path, const char *table,
                                unsigned flags, FILE *out);

/* The i-th table name of a run database ("run", "parameters", "patients",
 * "patient_params", "visits", "events", "outcomes", "summaries",
 * "trajectories", "chunks"), or NULL when i is out of range.  Static. */
const char *remit_store_table(int i);

#ifdef __cplusplus
}
#endif
#endif /* REMIT_STORE_H */
