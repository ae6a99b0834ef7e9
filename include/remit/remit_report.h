/* SPDX-License-Identifier: MIT
 *
 * remit_report.h: the HTML report of a trial run.
 *
 * remit_report_write() reads a complete run store (docs/outputs.md) and
 * writes one self-contained HTML file that a clinician and a modeller can
 * read: the scenario in words, a CONSORT-style flow, per-arm trajectories
 * (median, 5-95 % band and a few individual patients) of CAR-T cells, B-cell
 * subsets, anti-dsDNA, C3, IL-6 and SLEDAI-2K, the endpoint table with
 * intervals, Kaplan-Meier curves of the time-to-event endpoints, adverse
 * events by grade and, when the store holds validation results, a forest plot
 * of published against simulated values.  The charts are Vega-Lite specs
 * rendered by Vega, Vega-Lite and vega-embed, whose minified builds are
 * inlined into the file: the report opens offline with nothing beside it,
 * and each chart's menu saves it as SVG or PNG.  docs/report.md describes
 * every section.
 *
 * Ownership: every pointer argument is borrowed for the call.  Thread
 * safety: calls share nothing but the context; use one context per thread.
 */
#ifndef REMIT_REPORT_H
#define REMIT_REPORT_H

#include "remit_context.h"
#include "remit_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Options of remit_report_write(); a zeroed struct (or NULL) gives the defaults. */
typedef struct remit_report_options {
  /* Folder holding the JavaScript to inline, either in npm's layout
   * (DIR/vega/build/vega.min.js, DIR/vega-lite/build/vega-lite.min.js,
   * DIR/vega-embed/build/vega-embed.min.js) or flat (DIR/vega.min.js, ...).
   * NULL: the folder configured at build time (CMake REMIT_VEGA_DIR, by
   * default build/npm/node_modules, filled by scripts/report-deps.sh). */
  const char *js_dir;
  /* Individual patients drawn per arm over each trajectory band; 0 = 5. */
  int n_individuals;
  /* Pathway stores only: other `remit pathway` stores (n_compare paths) whose
   * waiting times, throughput, dropouts and base-case results are set beside
   * this one's in a "Scenario comparison" section.  NULL/0: none. */
  const char *const *compare;
  int n_compare;
} remit_report_options;

/* Writes the report of the complete run at db_path to html_path.  A store
 * written by `remit pathway` (run key kind = 'pathway') gets the care-pathway
 * and cost-effectiveness report instead (docs/report.md).  The file
 * is written to html_path.partial and renamed to html_path only when
 * complete, so html_path is never a truncated report.
 *
 * Errors (one-line message on the context):
 *   REMIT_ERR_ARG        NULL ctx/paths, or db_path is not a remit run;
 *   REMIT_ERR_NOT_FOUND  db_path does not exist, or the JavaScript files are
 *                        not in js_dir (the message names the missing file
 *                        and says to run scripts/report-deps.sh);
 *   REMIT_ERR_STATE      the run is incomplete (a .partial, or status not
 *                        'complete');
 *   REMIT_ERR_IO         SQLite read errors, or html_path cannot be written;
 *   REMIT_ERR_NOMEM      out of memory (the context's allocator).
 * Memory: the sampled trajectories of one variable at a time are held in
 * memory (patients sampled × days × 8 bytes); nothing else grows with the
 * number of patients. */
remit_status remit_report_write(remit_context *ctx, const char *db_path, const char *html_path,
                                const remit_report_options *opt);

#ifdef __cplusplus
}
#endif
#endif /* REMIT_REPORT_H */
