/* SPDX-License-Identifier: MIT
 *
 * test_trial.c: the trial engine end to end on small scenarios.
 *  - the same seed gives the same store whatever the thread count;
 *  - an interrupted run resumed gives the same store as an uninterrupted one,
 *    and an interrupted store never has the final name;
 *  - eligibility: every enrolled patient meets the criteria, screen failures
 *    are recorded;
 *  - permuted blocks: a 1:1 trial with blocks of 4 is balanced within 2;
 *  - dose escalation assigns cohorts to levels in order.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "remit/remit.h"
#include "remit_test.h"
#include "remit_test_store.h"

static char dir[256];

static const char *write_file(const char *name, const char *text) {
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
  return path;
}

static const char *small_cart =
    "name: small\nseed: 7\nreplicates: 2\n"
    "population:\n  n_enrol: 10\n"
    "  covariates:\n"
    "    sledai: {dist: normal, mean: 12, sd: 4, lower: 4, upper: 30}\n"
    "    weight: {dist: lognormal, median: 65, cv: 0.2, lower: 40, upper: 130}\n"
    "    renal: {dist: categorical, values: [0, 1], probs: [0.7, 0.3]}\n"
    "  eligibility: [sledai >= 8]\n"
    "arms:\n  - name: cart\n    regimen:\n"
    "      - {input: fludarabine, day: -5, amount: 25, every: 1, count: 3}\n"
    "      - {input: cyclophosphamide, day: -3, amount: 1000}\n"
    "      - {input: cart19, day: 0, amount: 1e6}\n"
    "design: {kind: single_arm, followup_days: 200, dropout_per_year: 0.3}\n"
    "visits: [0, 28, 90, 180, 200]\n"
    "noise: {anti_dsdna_cv: 0.1, c3_cv: 0.05}\n"
    "output: {sample_trajectories: 2}\n"
    "endpoints:\n"
    "  - {name: doris90, kind: doris, day: 90, primary: true}\n"
    "  - {name: sledai_chg, kind: sledai_change, day: 180}\n"
    "  - {name: brec, kind: b_reconstitution, day: 200}\n"
    "  - {name: crs, kind: crs, day: 28}\n";

static remit_status run(const char *scenario_path, const char *db, int threads, int resume,
                        int (*progress)(long, long, void *)) {
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_scenario *sc = NULL;
  remit_status st = remit_scenario_load(ctx, scenario_path, &sc);
  if (st == REMIT_OK) {
    remit_trial_options o = {0};
    o.output = db;
    o.threads = threads;
    o.resume = resume;
    o.chunk_size = 3;
    o.progress = progress;
    st = remit_trial_run(ctx, sc, &o);
  }
  if (st != REMIT_OK) {
    printf("# run: %s\n", remit_context_errmsg(ctx));
  }
  remit_scenario_destroy(&sc);
  remit_context_destroy(&ctx);
  return st;
}

static int stop_after_first(long done, long total, void *user) {
  (void)total;
  (void)user;
  return done >= 3;
}

static long count(const char *db, const char *sql) {
  sqlite3 *h;
  sqlite3_stmt *q;
  long v = -1;
  sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL);
  if (sqlite3_prepare_v2(h, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
    v = sqlite3_column_int64(q, 0);
  }
  sqlite3_finalize(q);
  sqlite3_close(h);
  return v;
}

static void test_threads_and_resume(void) {
  const char *sc = write_file("small.yaml", small_cart);
  char a[512], b[512], c[512], partial[600];
  snprintf(a, sizeof a, "%s/a.db", dir);
  snprintf(b, sizeof b, "%s/b.db", dir);
  snprintf(c, sizeof c, "%s/c.db", dir);
  REMIT_CHECK_STATUS(run(sc, a, 1, 0, NULL), REMIT_OK);
  REMIT_CHECK_STATUS(run(sc, b, 2, 0, NULL), REMIT_OK);
  char *da = remit_test_store_dump(a), *db = remit_test_store_dump(b);
  REMIT_CHECK(strlen(da) > 1000 && strcmp(da, db) == 0,
              "1 and 2 threads give identical stores (%zu bytes)", strlen(da));
  REMIT_CHECK(strstr(da, "doris90") && strstr(da, "replicate_median"),
              "outcomes and across-replicate summaries stored");

  /* Interrupted after the first chunk: only the partial file exists. */
  REMIT_CHECK_STATUS(run(sc, c, 2, 0, stop_after_first), REMIT_ERR_STATE);
  snprintf(partial, sizeof partial, "%s.partial", c);
  REMIT_CHECK(access(c, F_OK) != 0 && access(partial, F_OK) == 0,
              "interrupted run leaves only %s.partial", "c.db");
  REMIT_CHECK_STATUS(run(sc, c, 1, 1, NULL), REMIT_OK);
  char *dc = remit_test_store_dump(c);
  REMIT_CHECK(strcmp(da, dc) == 0, "resumed run equals the uninterrupted one");
  REMIT_CHECK(access(partial, F_OK) != 0, "no partial file after completion");
  REMIT_CHECK_STATUS(run(sc, a, 1, 0, NULL), REMIT_ERR_STATE); /* exists: refused */
  free(da);
  free(db);
  free(dc);

  /* Eligibility and dropout bookkeeping. */
  REMIT_CHECK(count(a, "SELECT COUNT(*) FROM patients WHERE enrolled = 1 AND sledai < 8") == 0,
              "no enrolled patient below the SLEDAI criterion");
  REMIT_CHECK(count(a, "SELECT COUNT(*) FROM patients WHERE enrolled = 1") == 20,
              "10 enrolled per replicate");
  REMIT_CHECK(count(a, "SELECT COUNT(*) FROM patients WHERE enrolled = 0 AND screen_fail = "
                       "'sledai'") > 0,
              "screen failures recorded with their criterion");
  REMIT_CHECK(count(a, "SELECT COUNT(*) FROM visits v JOIN patients p USING (replicate, patient) "
                       "WHERE p.dropout_day IS NOT NULL AND v.day > p.dropout_day") == 0,
              "no visit after a dropout");
  REMIT_CHECK(count(a, "SELECT COUNT(DISTINCT patient) FROM trajectories") >= 1,
              "trajectories stored for the sampled patients only (%ld)",
              count(a, "SELECT COUNT(DISTINCT patient) FROM trajectories"));
}

static void test_blocks_and_escalation(void) {
  const char *rct =
      "name: rct\nseed: 3\nreplicates: 1\n"
      "population: {n_enrol: 40, covariates: {renal: {dist: categorical, values: [0, 1], "
      "probs: [0.5, 0.5]}}}\n"
      "arms:\n"
      "  - {name: placebo, placebo: true, regimen: [{input: prednisone, day: 0, amount: 5, "
      "duration: 120}]}\n"
      "  - {name: msc, regimen: [{input: msc, day: 0, amount: 2e6}]}\n"
      "design: {kind: parallel, block_size: 4, strata: [renal], followup_days: 120}\n"
      "visits: [0, 60, 120]\n"
      "endpoints: [{name: sri4, kind: sri4, day: 120, primary: true}]\n";
  const char *sc = write_file("rct.yaml", rct);
  char db[512];
  snprintf(db, sizeof db, "%s/rct.db", dir);
  REMIT_CHECK_STATUS(run(sc, db, 2, 0, NULL), REMIT_OK);
  long np = count(db, "SELECT COUNT(*) FROM patients WHERE arm = 'placebo'");
  long nm = count(db, "SELECT COUNT(*) FROM patients WHERE arm = 'msc'");
  REMIT_CHECK(np + nm == 40 && labs(np - nm) <= 2, "permuted blocks balance arms: %ld vs %ld", np,
              nm);
  REMIT_CHECK(count(db, "SELECT COUNT(*) FROM summaries WHERE statistic = 'difference'") == 1,
              "between-arm difference stored");

  const char *esc =
      "name: esc\nseed: 5\n"
      "population: {n_enrol: 6}\n"
      "arms:\n  - {name: msc, dose_levels: [2e6, 4e6], regimen: [{input: msc, day: 0, amount: "
      "2e6}]}\n"
      "design: {kind: escalation_cohorts, cohort_size: 3, followup_days: 30}\n"
      "visits: [0, 10, 30]\n"
      "endpoints: [{name: ae3, kind: ae_grade3, day: 10, primary: true}]\n";
  sc = write_file("esc.yaml", esc);
  snprintf(db, sizeof db, "%s/esc.db", dir);
  REMIT_CHECK_STATUS(run(sc, db, 1, 0, NULL), REMIT_OK);
  REMIT_CHECK(count(db, "SELECT COUNT(*) FROM patients WHERE dose_level = 2e6") == 3 &&
                  count(db, "SELECT COUNT(*) FROM patients WHERE dose_level = 4e6") == 3,
              "three patients per dose level");
}

int main(void) {
  snprintf(dir, sizeof dir, "/tmp/remit_test_trial_XXXXXX");
  if (!mkdtemp(dir)) {
    return 1;
  }
  test_threads_and_resume();
  test_blocks_and_escalation();
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0) {
    printf("# could not remove %s\n", dir);
  }
  return remit_test_failures();
}
