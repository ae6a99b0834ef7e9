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
#include <stdlib.h>
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

/* n, mean and SD of a vpop_selection readout column (all rows or the
 * accepted ones); n = 0 when the column cannot be read. */
static void vpop_stats(sqlite3 *db, const char *readout, int accepted_only, long *n, double *mean,
                       double *sd) {
  char sql[512];
  snprintf(sql, sizeof sql,
           "SELECT COUNT(\"%.60s\"), AVG(\"%.60s\"), TOTAL((\"%.60s\") * (\"%.60s\")) FROM "
           "vpop_selection%s",
           readout, readout, readout, readout, accepted_only ? " WHERE accepted = 1" : "");
  sqlite3_stmt *q = NULL;
  *n = 0;
  *mean = *sd = NAN;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
    *n = sqlite3_column_int64(q, 0);
    if (*n > 0) {
      *mean = sqlite3_column_double(q, 1);
      double ss = sqlite3_column_double(q, 2) - (double)*n * *mean * *mean;
      *sd = *n > 1 ? sqrt(fmax(ss, 0.0) / (double)(*n - 1)) : NAN;
    }
  }
  sqlite3_finalize(q);
}

/* The virtual-population selection (docs/validation.md, "Virtual
 * populations"): pilot, constant, acceptance, and per readout the target
 * against the plausible and the selected baseline.  Nothing without one. */
static void print_vpop(sqlite3 *db, FILE *out) {
  static const char *const keys[] = {"vpop_pilot",      "vpop_constant", "vpop_expected_acceptance",
                                      "vpop_candidates", "vpop_accepted", "vpop_clipped"};
  enum { PILOT, CONSTANT, EXPECTED, DRAWN, ACCEPTED, CLIPPED, N_KEYS };
  char names[600], buf[64], v[N_KEYS][64];
  if (!meta(db, "vpop_readouts", names, sizeof names)[0]) {
    return;
  }
  for (int k = 0; k < N_KEYS; k++) {
    meta(db, keys[k], v[k], sizeof v[k]);
  }
  double nd = atof(v[DRAWN]), na = atof(v[ACCEPTED]);
  fprintf(out, "\nvirtual population (acceptance-rejection, Allen et al. 2016): pilot of %s "
               "plausible patients, c = %.4g, expected acceptance %.1f %%\n",
          v[PILOT], atof(v[CONSTANT]), 100.0 * atof(v[EXPECTED]));
  if (v[DRAWN][0]) {
    fprintf(out, "  all replicates: %s plausible patients drawn, %s accepted (%.1f %%), "
                 "%s with the probability cut to 1\n",
            v[DRAWN], v[ACCEPTED], nd > 0 ? 100.0 * na / nd : NAN, v[CLIPPED]);
  }
  fprintf(out, "  %-22s %-22s %-22s %s\n", "baseline readout", "target mean (sd)",
          "plausible mean (sd)", "selected mean (sd)");
  for (char *name = strtok(names, ","); name; name = strtok(NULL, ",")) {
    char key[96], cell[3][96];
    double tm = NAN, ts = NAN, m, sd;
    long n;
    snprintf(key, sizeof key, "vpop_target.%.60s", name);
    if (sscanf(meta(db, key, buf, sizeof buf), "%lf %lf", &tm, &ts) != 2) {
      tm = ts = NAN;
    }
    for (int k = 0; k < 3; k++) {
      if (k == 0) {
        m = tm;
        sd = ts;
      } else {
        vpop_stats(db, name, k == 2, &n, &m, &sd);
      }
      char a[40], b[40];
      fmt_num(a, sizeof a, m);
      fmt_num(b, sizeof b, sd);
      snprintf(cell[k], sizeof cell[k], "%s (%s)", a, b);
    }
    fprintf(out, "  %-22s %-22s %-22s %s\n", name, cell[0], cell[1], cell[2]);
  }
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
                         "SELECT COUNT(*), SUM(eligible), SUM(enrolled), "
                         "SUM(status = 'not_selected') FROM patients WHERE replicate = 0",
                         -1, &q, NULL) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW) {
    fprintf(out, "flow (replicate 1): screened %d, eligible %d", sqlite3_column_int(q, 0),
            sqlite3_column_int(q, 1));
    if (sqlite3_column_int(q, 3) > 0) {
      fprintf(out, ", not selected (virtual population) %d", sqlite3_column_int(q, 3));
    }
    fprintf(out, ", enrolled %d\n", sqlite3_column_int(q, 2));
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
  print_vpop(db, out);

  /* Endpoints: replicate 1 beside the across-replicate distribution. */
  fprintf(out, "\n%-22s %-28s %-12s %-30s %s\n", "endpoint", "arm", "statistic",
          "replicate 1 [95% CI]", "across replicates: median [2.5%, 97.5%]");
  const char *sql =
      "SELECT s.endpoint, s.arm, s.statistic, s.estimate, s.lower, s.upper, "
      " a.estimate, a.lower, a.upper FROM summaries s "
      "LEFT JOIN summaries a ON a.replicate IS NULL AND a.endpoint = s.endpoint AND a.arm = s.arm "
      " AND a.statistic = 'replicate_median' AND s.statistic NOT IN ('events', 'patient_years') "
      "WHERE s.replicate = 0 AND s.statistic <> 'mean' ORDER BY s.rowid";
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
    while (sqlite3_step(q) == SQLITE_ROW) {
      char a[160], b[160];
      const char *stat = (const char *)sqlite3_column_text(q, 2);
      int ci = strcmp(stat, "logrank_p") != 0 && strcmp(stat, "patient_years") != 0;
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
                     "log-rank or rate-ratio p < 0.05):\n");
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
