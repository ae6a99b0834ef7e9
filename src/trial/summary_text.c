/* SPDX-License-Identifier: MIT
 *
 * summary_text.c: the terminal summary of a finished run, read back from its
 * store: provenance, a CONSORT-style flow of the first replicate, and every
 * endpoint per arm (first replicate with its interval; across replicates the
 * median and central 95 % of the estimate; between arms the comparison and
 * the probability of success).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "core/core_impl.h"
#include "remit/remit_trial.h"

static const char *meta(sqlite3 *db, const char *key, char *buf, size_t len) {
  sqlite3_stmt *q = NULL;
  buf[0] = '\0';
  if (sqlite3_prepare_v2(db, "SELECT value FROM run WHERE key = ?", -1, &q, NULL) == SQLITE_OK) {
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0)) {
      snprintf(buf, len, "%s", (const char *)sqlite3_column_text(q, 0));
    }
  }
  sqlite3_finalize(q);
  return buf;
}

static void fmt_num(char *buf, size_t len, double v) {
  if (!isfinite(v)) {
    snprintf(buf, len, "NA");
  } else if (fabs(v) >= 1e4 || (fabs(v) < 1e-2 && v != 0.0)) {
    snprintf(buf, len, "%.3g", v);
  } else {
    snprintf(buf, len, "%.3f", v);
  }
}

static void fmt_est(char *buf, size_t len, double est, double lo, double hi, int has_ci) {
  char e[40], l[40], h[40];
  fmt_num(e, sizeof e, est);
  if (!has_ci) {
    snprintf(buf, len, "%s", e);
    return;
  }
  fmt_num(l, sizeof l, lo);
  fmt_num(h, sizeof h, hi);
  snprintf(buf, len, "%s [%s, %s]", e, l, h);
}

remit_status remit_trial_print_summary(remit_context *ctx, const char *db_path, FILE *out) {
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    remit_status st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: cannot open: %s", db_path,
                                  db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return st;
  }
  char name[256], seed[64], version[64], status[32], reps[32];
  meta(db, "scenario_path", name, sizeof name);
  meta(db, "seed", seed, sizeof seed);
  meta(db, "remit_version", version, sizeof version);
  meta(db, "status", status, sizeof status);
  sqlite3_stmt *q = NULL;
  reps[0] = '\0';
  if (sqlite3_prepare_v2(db, "SELECT COUNT(DISTINCT replicate) FROM patients", -1, &q, NULL) ==
          SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW) {
    snprintf(reps, sizeof reps, "%d", sqlite3_column_int(q, 0));
  }
  sqlite3_finalize(q);
  if (!status[0]) {
    sqlite3_close(db);
    return REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: not a remit run store", db_path);
  }
  fprintf(out, "run %s: scenario %s, %s replicate(s), seed %s, remit %s, status %s\n", db_path,
          name, reps, seed, version, status);

  /* Flow of the first replicate. */
  if (sqlite3_prepare_v2(db,
                         "SELECT COUNT(*), SUM(eligible), SUM(enrolled) FROM patients "
                         "WHERE replicate = 0",
                         -1, &q, NULL) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW) {
    fprintf(out, "flow (replicate 1): screened %d, eligible %d, enrolled %d\n",
            sqlite3_column_int(q, 0), sqlite3_column_int(q, 1), sqlite3_column_int(q, 2));
  }
  sqlite3_finalize(q);
  if (sqlite3_prepare_v2(db,
                         "SELECT arm, COUNT(*), SUM(status = 'completed'), "
                         "SUM(status = 'dropped_out'), SUM(status = 'failed') FROM patients "
                         "WHERE replicate = 0 AND enrolled = 1 GROUP BY arm ORDER BY MIN(rowid)",
                         -1, &q, NULL) == SQLITE_OK) {
    while (sqlite3_step(q) == SQLITE_ROW) {
      fprintf(out, "  %-24s allocated %d, completed %d, dropped out %d", sqlite3_column_text(q, 0),
              sqlite3_column_int(q, 1), sqlite3_column_int(q, 2), sqlite3_column_int(q, 3));
      if (sqlite3_column_int(q, 4) > 0) {
        fprintf(out, ", solver failures %d", sqlite3_column_int(q, 4));
      }
      fputc('\n', out);
    }
  }
  sqlite3_finalize(q);

  /* Endpoints: replicate 1 beside the across-replicate distribution. */
  fprintf(out, "\n%-22s %-28s %-12s %-30s %s\n", "endpoint", "arm", "statistic",
          "replicate 1 [95% CI]", "across replicates: median [2.5%, 97.5%]");
  const char *sql =
      "SELECT s.endpoint, s.arm, s.statistic, s.estimate, s.lower, s.upper, "
      "(SELECT a.estimate FROM summaries a WHERE a.replicate IS NULL AND a.endpoint = s.endpoint "
      " AND a.arm = s.arm AND a.statistic = 'replicate_median'), "
      "(SELECT a.lower FROM summaries a WHERE a.replicate IS NULL AND a.endpoint = s.endpoint "
      " AND a.arm = s.arm AND a.statistic = 'replicate_median'), "
      "(SELECT a.upper FROM summaries a WHERE a.replicate IS NULL AND a.endpoint = s.endpoint "
      " AND a.arm = s.arm AND a.statistic = 'replicate_median') "
      "FROM summaries s WHERE s.replicate = 0 AND s.statistic <> 'mean' ORDER BY s.rowid";
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
    while (sqlite3_step(q) == SQLITE_ROW) {
      char a[160], b[160];
      const char *stat = (const char *)sqlite3_column_text(q, 2);
      int ci = strcmp(stat, "logrank_p") != 0;
      fmt_est(a, sizeof a,
              sqlite3_column_type(q, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 3),
              sqlite3_column_type(q, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 4),
              sqlite3_column_type(q, 5) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 5), ci);
      b[0] = '\0';
      if (sqlite3_column_type(q, 6) != SQLITE_NULL || sqlite3_column_type(q, 7) != SQLITE_NULL) {
        fmt_est(b, sizeof b,
                sqlite3_column_type(q, 6) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 6),
                sqlite3_column_double(q, 7),
                sqlite3_column_double(q, 8), 1);
      }
      fprintf(out, "%-22s %-28s %-12s %-30s %s\n", sqlite3_column_text(q, 0),
              sqlite3_column_text(q, 1), stat, a, b);
    }
  }
  sqlite3_finalize(q);
  if (sqlite3_prepare_v2(db,
                         "SELECT endpoint, arm, estimate, lower, upper, n FROM summaries "
                         "WHERE replicate IS NULL AND statistic = 'power' ORDER BY rowid",
                         -1, &q, NULL) == SQLITE_OK) {
    int first = 1;
    while (sqlite3_step(q) == SQLITE_ROW) {
      if (first) {
        fprintf(out, "\nprobability of success across replicates (difference CI above 0, or "
                     "log-rank p < 0.05):\n");
        first = 0;
      }
      char a[160];
      fmt_est(a, sizeof a, sqlite3_column_double(q, 2), sqlite3_column_double(q, 3),
              sqlite3_column_double(q, 4), 1);
      fprintf(out, "  %-22s %-40s %s of %d replicates\n", sqlite3_column_text(q, 0),
              sqlite3_column_text(q, 1), a, sqlite3_column_int(q, 5));
    }
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return REMIT_OK;
}
