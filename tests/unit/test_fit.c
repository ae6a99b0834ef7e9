/* SPDX-License-Identifier: MIT
 *
 * test_fit.c: the fit module (src/fit/): targets CSV parsing (quoting,
 * errors with FILE:LINE), mapping checks, parameter-set round trip and its
 * use by scenarios, validation's pass/fail logic on a tiny synthetic targets
 * file, elasticities of an analytic function, Morris screening of a known
 * function, the fit scale.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "remit/remit.h"
#include "remit_test.h"

static char dir[256];

static const char *path_in(const char *name) {
  static char buf[8][512];
  static int k = 0;
  k = (k + 1) % 8;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

static void write_file(const char *name, const char *text) {
  FILE *f = fopen(path_in(name), "w");
  fputs(text, f);
  fclose(f);
}

static const char *HEADER =
    "id,source,therapy,population,endpoint,timepoint_days,statistic,value,lower,upper,n,notes\n";

static void test_targets(remit_context *ctx) {
  char text[2048];
  snprintf(text, sizeof text,
           "%s"
           "# a comment line\n"
           "s1,\"Doe et al, J 2020\",drug A,SLE,\"ICANS, any grade\",28,proportion,0.0,,,4,\"say \"\"x\"\"\"\n"
           "s1,Doe,drug A,SLE,ICANS count,28,count,3,,,4,note\n"
           "s1,Doe,drug A,SLE,dose,0,fixed,1e6,,,4,design\n"
           "s2,\"multi\nline\",drug B,SLE,SRI-4,364,proportion,0.4,0.3,0.5,100,\n",
           HEADER);
  write_file("targets.csv", text);
  remit_targets *t = NULL;
  REMIT_CHECK_STATUS(remit_targets_load(ctx, path_in("targets.csv"), &t), REMIT_OK);
  REMIT_CHECK(t && t->n == 4, "4 target rows (got %d)", t ? t->n : -1);
  if (t && t->n == 4) {
    REMIT_CHECK(strcmp(t->rows[0].source, "Doe et al, J 2020") == 0, "quoted comma kept: '%s'",
                t->rows[0].source);
    REMIT_CHECK(strcmp(t->rows[0].endpoint, "ICANS, any grade") == 0, "endpoint '%s'",
                t->rows[0].endpoint);
    REMIT_CHECK(strcmp(t->rows[0].notes, "say \"x\"") == 0, "doubled quotes: '%s'",
                t->rows[0].notes);
    REMIT_CHECK(isnan(t->rows[0].lower) && t->rows[0].n == 4, "blank lower is NaN, n = 4");
    REMIT_CHECK(strcmp(t->rows[3].source, "multi\nline") == 0, "newline inside quotes");
    REMIT_CHECK(t->rows[3].line == 6, "line of the record after a multi-line field: %d",
                t->rows[3].line);
    REMIT_CHECK_REL(t->rows[3].upper, 0.5, 1e-15);
  }
  remit_targets_destroy(&t);
  REMIT_CHECK(t == NULL, "destroy nulls the pointer");

  /* Errors name the file and line. */
  snprintf(text, sizeof text, "%ss1,Doe,drug A,SLE,x,28,proportion,0.5x,,,4,\n", HEADER);
  write_file("bad_num.csv", text);
  REMIT_CHECK_STATUS(remit_targets_load(ctx, path_in("bad_num.csv"), &t), REMIT_ERR_ARG);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "bad_num.csv:2") != NULL, "message: %s",
              remit_context_errmsg(ctx));
  write_file("bad_cols.csv", "id,source\ns1,Doe\n");
  REMIT_CHECK_STATUS(remit_targets_load(ctx, path_in("bad_cols.csv"), &t), REMIT_ERR_ARG);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "lacks column") != NULL, "message: %s",
              remit_context_errmsg(ctx));
  snprintf(text, sizeof text, "%ss1,\"unterminated,drug,SLE,x,28,proportion,0.5,,,4,\n", HEADER);
  write_file("bad_quote.csv", text);
  REMIT_CHECK_STATUS(remit_targets_load(ctx, path_in("bad_quote.csv"), &t), REMIT_ERR_ARG);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "bad_quote.csv:2: unterminated") != NULL,
              "message: %s", remit_context_errmsg(ctx));
  REMIT_CHECK_STATUS(remit_targets_load(ctx, path_in("absent.csv"), &t), REMIT_ERR_IO);
}

static const char *MAP_HEADER =
    "id,therapy,endpoint,timepoint_days,scenario,sim_endpoint,arm,statistic,replicates,"
    "used_for_fit,note\n";

/* Writes a targets file (header + rows) and a scenario beside it, and loads
 * the targets; NULL (checked) on error. */
static remit_targets *load_targets(remit_context *ctx, const char *name, const char *rows,
                                   const char *yaml_name, const char *yaml) {
  char text[2048];
  snprintf(text, sizeof text, "%s%s", HEADER, rows);
  write_file(name, text);
  write_file(yaml_name, yaml);
  remit_targets *t = NULL;
  REMIT_CHECK_STATUS(remit_targets_load(ctx, path_in(name), &t), REMIT_OK);
  return t;
}

/* Writes a map (header + rows) to `name` and loads it; NULL (checked) on error. */
static remit_map *load_map(remit_context *ctx, const remit_targets *t, const char *name,
                           const char *rows) {
  char text[2048];
  snprintf(text, sizeof text, "%s%s", MAP_HEADER, rows);
  write_file(name, text);
  remit_map *m = NULL;
  REMIT_CHECK_STATUS(remit_map_load(ctx, path_in(name), t, &m), REMIT_OK);
  return m;
}

static void check_map_error(remit_context *ctx, const remit_targets *t, const char *row,
                            const char *expect) {
  char text[1024];
  snprintf(text, sizeof text, "%s%s", MAP_HEADER, row);
  write_file("bad_map.csv", text);
  remit_map *m = NULL;
  REMIT_CHECK_STATUS(remit_map_load(ctx, path_in("bad_map.csv"), t, &m), REMIT_ERR_ARG);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "bad_map.csv:2") &&
                  strstr(remit_context_errmsg(ctx), expect),
              "map error mentions line 2 and '%s': %s", expect, remit_context_errmsg(ctx));
  remit_map_destroy(&m);
}

/* A tiny scenario: four untreated-but-for-HCQ patients; ICANS never happens,
 * so its proportion is 0 in every replicate. */
static const char *TINY =
    "name: tiny\nseed: 7\nreplicates: 3\npopulation: {n_enrol: 4}\n"
    "arms:\n  - name: hcq\n    regimen: [{input: hydroxychloroquine, day: 0, amount: 400, duration: 60}]\n"
    "design: {followup_days: 60}\nvisits: [0, 28, 56, 60]\n"
    "endpoints:\n  - {name: icans28, kind: icans, day: 28}\n  - {name: sledai56, kind: sledai, day: 56}\n";

/* A target whose statistic no replicate can estimate (the renal response of
 * patients without nephritis: nobody is in the endpoint's population) is a
 * miss with no distribution, not an error that stops the validation (or a
 * sensitivity or fit run at perturbed values). */
static void test_unestimable_target(remit_context *ctx) {
  remit_targets *t = load_targets(ctx, "tu.csv", "u,Doe,drug A,SLE,renal response,56,proportion,0.5,,,4,\n",
                                  "tiny_u.yaml",
                                  "name: tiny_u\nseed: 7\nreplicates: 2\npopulation: {n_enrol: 3}\n"
                                  "arms:\n  - name: hcq\n    regimen: [{input: hydroxychloroquine, day: 0, "
                                  "amount: 400, duration: 60}]\n"
                                  "design: {followup_days: 60}\nvisits: [0, 28, 56, 60]\n"
                                  "endpoints:\n  - {name: rr56, kind: renal_response, day: 56}\n");
  remit_map *m = t ? load_map(ctx, t, "map_u.csv", "u,drug A,renal response,56,tiny_u.yaml,rr56,hcq,proportion,2,0,\n")
                   : NULL;
  if (m) {
    remit_validation_row rows[1];
    remit_eval_options eo = {0};
    eo.workdir = path_in("runs_u");
    eo.threads = 1;
    int n_pass = -1;
    REMIT_CHECK_STATUS(remit_validate(ctx, t, m, &eo, rows, &n_pass), REMIT_OK);
    REMIT_CHECK(n_pass == 0 && rows[0].pass == 0 && rows[0].sim.n_reps == 0 && isnan(rows[0].sim.median),
                "unestimable target: a miss with no replicates (pass %d, n_reps %d)", rows[0].pass,
                rows[0].sim.n_reps);
    remit_map_destroy(&m);
  }
  remit_targets_destroy(&t);
}

/* Counts remit validate's scenario runs: kept (0 patients) and simulated. */
static void count_scenarios(const char *scenario, int reps, long patients, double seconds,
                            void *user) {
  (void)scenario;
  (void)reps;
  (void)seconds;
  ((long *)user)[patients == 0 ? 0 : 1]++;
}

static int same_stats(const remit_validation_row *a, const remit_validation_row *b, int n) {
  for (int i = 0; i < n; i++) {
    if (a[i].pass != b[i].pass || a[i].sim.n_reps != b[i].sim.n_reps ||
        memcmp(&a[i].sim.median, &b[i].sim.median, sizeof(double)) != 0 ||
        memcmp(&a[i].sim.lower, &b[i].sim.lower, sizeof(double)) != 0 ||
        memcmp(&a[i].sim.upper, &b[i].sim.upper, sizeof(double)) != 0) {
      return 0;
    }
  }
  return 1;
}

static void test_map_and_validate(remit_context *ctx) {
  remit_targets *t = load_targets(ctx, "t.csv",
                                  "t,Doe,drug A,SLE,ICANS any grade,28,proportion,0.0,,,4,\n"
                                  "t,Doe,drug A,SLE,ICANS count,28,count,3,,,4,\n"
                                  "t,Doe,drug A,SLE,dose,0,fixed,400,,,4,design\n"
                                  "t,Doe,drug A,SLE,no ICANS,28,proportion,1.0,,,4,\n"
                                  "t,Doe,drug A,SLE,unmapped thing,,proportion,0.5,,,4,\n",
                                  "tiny.yaml", TINY);
  if (!t) {
    return;
  }
  /* Mapping errors. */
  check_map_error(ctx, t, "t,drug A,absent,28,tiny.yaml,icans28,hcq,proportion,3,0,\n",
                  "no target");
  check_map_error(ctx, t, "t,drug A,dose,0,tiny.yaml,icans28,hcq,proportion,3,0,\n",
                  "design row");
  check_map_error(ctx, t,
                  "t,drug A,ICANS any grade,28,tiny.yaml,icans28,hcq,ratio,3,0,\n",
                  "statistic");
  check_map_error(ctx, t,
                  "t,drug A,ICANS any grade,28,tiny.yaml,icans28,hcq,proportion,3,2,\n",
                  "used_for_fit");
  check_map_error(ctx, t, "t,drug A,ICANS any grade,28,tiny.yaml,sledai56,*,median,3,0,\n",
                  "pooled");
  check_map_error(ctx, t, "t,drug A,ICANS any grade,28,tiny.yaml,sledai56,hcq+x,median,3,0,\n",
                  "pooled");
  {
    char two[1024];
    snprintf(two, sizeof two, "%s%s%s", MAP_HEADER,
             "t,drug A,ICANS any grade,28,tiny.yaml,icans28,hcq,proportion,3,0,\n",
             "t,drug A,ICANS any grade,28,tiny.yaml,icans28,hcq,proportion,3,0,\n");
    write_file("dup_map.csv", two);
    remit_map *m = NULL;
    REMIT_CHECK_STATUS(remit_map_load(ctx, path_in("dup_map.csv"), t, &m), REMIT_ERR_ARG);
    REMIT_CHECK(strstr(remit_context_errmsg(ctx), "dup_map.csv:3: target already mapped"),
                "duplicate mapping: %s", remit_context_errmsg(ctx));
  }
  /* A valid map: ICANS 0 passes, count 3 fails, 1 - proportion = 1 passes,
   * and a median SLEDAI against 0 at day 28... the 'no ICANS' row. */
  remit_map *m = load_map(ctx, t, "map.csv",
                          "t,drug A,ICANS any grade,28,tiny.yaml,icans28,hcq,proportion,3,1,\n"
                          "t,drug A,ICANS count,28,tiny.yaml,icans28,*,count,3,0,\n"
                          "t,drug A,no ICANS,28,tiny.yaml,icans28,hcq+absent,one_minus_proportion,,0,\n");
  if (!m) {
    remit_targets_destroy(&t);
    return;
  }
  REMIT_CHECK(m->n == 3 && m->rows[0].used_for_fit == 1 && m->rows[2].replicates == 0,
              "map rows parsed");
  REMIT_CHECK(strcmp(m->rows[0].scenario, path_in("tiny.yaml")) == 0,
              "scenario resolved against the map's folder: %s", m->rows[0].scenario);
  /* Coverage: the unmapped row must be listed, the design row need not. */
  write_file("unmapped.csv", "id,therapy,endpoint,timepoint_days,reason\n"
                             "t,drug A,unmapped thing,,no endpoint kind\n");
  int unl[4], n_unl = -1, n_listed = -1;
  REMIT_CHECK_STATUS(remit_unmapped_check(ctx, path_in("unmapped.csv"), t, m, unl, 4, &n_unl,
                                          &n_listed),
                     REMIT_OK);
  REMIT_CHECK(n_unl == 0 && n_listed == 1, "coverage: %d unlisted, %d listed", n_unl, n_listed);
  write_file("unmapped2.csv", "id,therapy,endpoint,timepoint_days,reason\n");
  REMIT_CHECK_STATUS(remit_unmapped_check(ctx, path_in("unmapped2.csv"), t, m, unl, 4, &n_unl,
                                          &n_listed),
                     REMIT_OK);
  REMIT_CHECK(n_unl == 1 && unl[0] == 4, "one target neither mapped nor listed (%d)", n_unl);
  write_file("unmapped3.csv", "id,therapy,endpoint,timepoint_days,reason\n"
                              "t,drug A,ICANS count,28,but it is mapped\n");
  REMIT_CHECK_STATUS(remit_unmapped_check(ctx, path_in("unmapped3.csv"), t, m, unl, 4, &n_unl,
                                          &n_listed),
                     REMIT_ERR_ARG);

  remit_validation_row rows[3];
  remit_eval_options eo = {0};
  eo.workdir = path_in("runs/sub");
  eo.default_replicates = 5;
  eo.threads = 1;
  int n_pass = -1;
  REMIT_CHECK_STATUS(remit_validate(ctx, t, m, &eo, rows, &n_pass), REMIT_OK);
  REMIT_CHECK(n_pass == 2, "2 of 3 pass (got %d)", n_pass);
  REMIT_CHECK(rows[0].pass == 1 && rows[0].sim.median == 0.0 && rows[0].sim.n_reps == 5,
              "ICANS 0/4 inside [0, 0] over 5 replicates (map 3, default 5: the larger)");
  REMIT_CHECK(rows[1].pass == 0 && rows[1].sim.upper == 0.0, "a count of 3 lies outside [0, 0]");
  REMIT_CHECK(rows[2].pass == 1 && rows[2].sim.lower == 1.0,
              "1 - proportion = 1 (arm list 'hcq+absent' pools the listed arms)");
  REMIT_CHECK(rows[0].sim.arm_n == 4.0, "arm n = 4 (%g)", rows[0].sim.arm_n);
  /* --resume: a complete store of the same run is kept, an interrupted one
   * is continued, a different run (other replicates) is redone; each time
   * the statistics are those of the uninterrupted run. */
  {
    long seen[2] = {0, 0}; /* scenarios kept, scenarios simulated */
    eo.on_scenario = count_scenarios;
    eo.user = seen;
    eo.resume = 1;
    remit_validation_row again[3];
    REMIT_CHECK_STATUS(remit_validate(ctx, t, m, &eo, again, &n_pass), REMIT_OK);
    REMIT_CHECK(seen[0] == 1 && seen[1] == 0, "resume keeps the finished store (%ld kept, %ld run)",
                seen[0], seen[1]);
    REMIT_CHECK(same_stats(rows, again, 3), "... with the same statistics (median %g vs %g)", rows[0].sim.median, again[0].sim.median);
    const char *db = path_in("runs/sub/00_tiny.yaml.db");
    char part[600];
    snprintf(part, sizeof part, "%s.partial", db);
    REMIT_CHECK(rename(db, part) == 0, "made the store look interrupted");
    seen[0] = seen[1] = 0;
    REMIT_CHECK_STATUS(remit_validate(ctx, t, m, &eo, again, &n_pass), REMIT_OK);
    REMIT_CHECK(seen[0] == 0 && seen[1] == 1 && access(db, F_OK) == 0 && access(part, F_OK) != 0,
                "resume continues an interrupted store to a complete one");
    REMIT_CHECK(same_stats(rows, again, 3), "... with the same statistics (median %g vs %g)", rows[0].sim.median, again[0].sim.median);
    seen[0] = seen[1] = 0;
    eo.replicates = 4;
    REMIT_CHECK_STATUS(remit_validate(ctx, t, m, &eo, again, &n_pass), REMIT_OK);
    REMIT_CHECK(seen[0] == 0 && seen[1] == 1 && again[0].sim.n_reps == 4,
                "another replicate count is another run: redone (%d replicates)", again[0].sim.n_reps);
    eo.replicates = 0;
    eo.resume = 0;
    eo.on_scenario = NULL;
    eo.user = NULL;
  }
  /* Outputs. */
  FILE *f = fopen(path_in("v.csv"), "w");
  REMIT_CHECK_STATUS(remit_validation_write_csv(ctx, t, m, rows, f), REMIT_OK);
  fclose(f);
  REMIT_CHECK_STATUS(remit_validation_write_store(ctx, path_in("v.db"), t, m, rows, "test"),
                     REMIT_OK);
  sqlite3 *db = NULL;
  sqlite3_stmt *q = NULL;
  int n = -1, passed = -1;
  if (sqlite3_open(path_in("v.db"), &db) == SQLITE_OK &&
      sqlite3_prepare_v2(db,
                         "SELECT count(*), sum(pass) FROM validation WHERE statistic IN "
                         "('proportion','count','one_minus_proportion') AND used_for_fit IN (0,1)",
                         -1, &q, NULL) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW) {
    n = sqlite3_column_int(q, 0);
    passed = sqlite3_column_int(q, 1);
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  REMIT_CHECK(n == 3 && passed == 2, "validation table: %d rows, %d pass", n, passed);
  /* An evaluator with a parameter override: cost and a run. */
  int idx[1] = {0};
  remit_evaluator *ev = NULL;
  eo.replicates = 2;
  REMIT_CHECK_STATUS(remit_evaluator_create(ctx, m, idx, 1, &eo, &ev), REMIT_OK);
  if (ev) {
    REMIT_CHECK(remit_evaluator_cost(ev) == 8, "cost 2 replicates × 4 patients");
    const char *nm[1] = {"a_r"};
    double v[1] = {0.2};
    remit_sim_stat s;
    REMIT_CHECK_STATUS(remit_evaluator_run(ev, nm, v, 1, 0.95, &s), REMIT_OK);
    REMIT_CHECK(s.n_reps == 2, "2 replicates read back");
  }
  remit_evaluator_destroy(&ev);
  /* A share of the map's replicates (fit --replicate-fraction): 0.5 of the
   * row's 3 is 2, raised to the floor of 3; outside (0, 1] is refused. */
  eo.replicates = 0;
  eo.replicate_fraction = 0.5;
  REMIT_CHECK_STATUS(remit_evaluator_create(ctx, m, idx, 1, &eo, &ev), REMIT_OK);
  REMIT_CHECK(ev && remit_evaluator_cost(ev) == 12, "fraction: 3 replicates x 4 patients (%ld)",
              ev ? (long)remit_evaluator_cost(ev) : -1L);
  remit_evaluator_destroy(&ev);
  eo.replicate_fraction = 1.5;
  REMIT_CHECK_STATUS(remit_evaluator_create(ctx, m, idx, 1, &eo, &ev), REMIT_ERR_RANGE);
  remit_map_destroy(&m);
  remit_targets_destroy(&t);
}

/* Two strata on standard care, monthly-or-better visits, dropout, and a
 * flare count with a low rise threshold so that every replicate has flares
 * and the strata have different exposures. */
static const char *FLARES =
    "name: flares\nseed: 14\nreplicates: 3\npopulation: {n_enrol: 16}\n"
    "arms:\n  - {name: a, ratio: 1, placebo: true,\n"
    "     regimen: [{input: prednisone, day: 0, amount: 5, duration: 364}]}\n"
    "  - {name: b, ratio: 1, regimen: [{input: prednisone, day: 0, amount: 12.5, duration: 364}]}\n"
    "design: {kind: parallel, block_size: 2, dropout_per_year: 0.8, followup_days: 364}\n"
    "visits: {from: 0, every: 14, until: 364}\n"
    "endpoints:\n  - {name: fl, kind: flare_count, day: 364, threshold: 1}\n";

/* Per replicate, total events / total years at risk of the listed arms,
 * straight from the outcomes table (independent of the summaries). */
static int rates_from_outcomes(const char *db_path, const char *arms_sql, double per, double *out,
                               double *years_per_patient, int reps) {
  sqlite3 *db = NULL;
  sqlite3_stmt *q = NULL;
  char sql[512];
  snprintf(sql, sizeof sql,
           "SELECT replicate, sum(value), sum(time), count(*) FROM outcomes WHERE endpoint = 'fl' AND "
           "evaluable = 1 AND arm IN (%s) GROUP BY replicate ORDER BY replicate",
           arms_sql);
  int n = 0;
  if (sqlite3_open(db_path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
    while (sqlite3_step(q) == SQLITE_ROW && n < reps) {
      double years = sqlite3_column_double(q, 2) / 365.25;
      if (years_per_patient) {
        years_per_patient[n] = years / sqlite3_column_double(q, 3);
      }
      out[n++] = sqlite3_column_double(q, 1) / years / per;
    }
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return n;
}

static double median3(const double *x) {
  double a = x[0], b = x[1], c = x[2];
  return fmax(fmin(a, b), fmin(fmax(a, b), c));
}

/* Rates: validation of the flare map rows of test_rate_validation. */
static void check_rates(remit_context *ctx, const remit_targets *t, const remit_map *m) {
  REMIT_CHECK(m->rows[0].stat == REMIT_MAP_RATE && m->rows[1].stat == REMIT_MAP_RATE_PER_MONTH &&
                  strcmp(remit_map_stat_name(REMIT_MAP_RATE_PER_MONTH), "rate_per_month") == 0,
              "rate statistics parsed");
  remit_validation_row rows[3];
  remit_eval_options eo = {0};
  eo.workdir = path_in("fruns");
  eo.threads = 1;
  int n_pass = -1;
  REMIT_CHECK_STATUS(remit_validate(ctx, t, m, &eo, rows, &n_pass), REMIT_OK);
  /* The pooled rate is total flares / total patient-years of both strata in
   * each replicate (not the mean of the strata's rates), per month for the
   * second row: recomputed here from the patients' outcomes. */
  double all[3] = {NAN, NAN, NAN}, low[3] = {NAN, NAN, NAN};
  const char *db = path_in("fruns/00_flares.yaml.db");
  double per_patient[3] = {NAN, NAN, NAN};
  int na = rates_from_outcomes(db, "'a', 'b'", 1.0, all, per_patient, 3);
  int nl = rates_from_outcomes(db, "'a'", 12.0, low, NULL, 3);
  REMIT_CHECK(na == 3 && nl == 3 && all[0] > 0 && all[1] > 0 && all[2] > 0,
              "flares in every replicate (%g %g %g)", all[0], all[1], all[2]);
  REMIT_CHECK(rows[0].sim.n_reps == 3 && rows[1].sim.n_reps == 3, "3 replicates read back");
  REMIT_CHECK_REL(rows[0].sim.median, median3(all), 1e-9);
  REMIT_CHECK_REL(rows[1].sim.median, median3(low), 1e-9);
  REMIT_CHECK(rows[0].sim.arm_n == 16.0 && rows[1].sim.arm_n == 8.0, "arm n %g and %g",
              rows[0].sim.arm_n, rows[1].sim.arm_n);
  /* Exposure per patient (years), for the fit's scale of a rate published
   * without a timepoint: below the 364-day follow-up, since patients drop out. */
  REMIT_CHECK_REL(rows[0].sim.exposure, median3(per_patient), 1e-9);
  REMIT_CHECK(rows[0].sim.exposure < 364 / 365.25, "exposure %.3f years per patient",
              rows[0].sim.exposure);
  REMIT_CHECK(rows[2].pass == 0 && rows[2].sim.lower > 0.0, "a published rate of 0 is a miss here");
  /* The trial's own summaries of replicate 0: rate = events / patient-years
   * per arm, and the rate ratio of b against the placebo arm a. */
  double v[2][3] = {{NAN, NAN, NAN}, {NAN, NAN, NAN}}, rr = NAN;
  sqlite3 *sdb = NULL;
  sqlite3_stmt *q = NULL;
  if (sqlite3_open(db, &sdb) == SQLITE_OK &&
      sqlite3_prepare_v2(sdb,
                         "SELECT arm, statistic, estimate FROM summaries WHERE replicate = 0 AND "
                         "endpoint = 'fl'",
                         -1, &q, NULL) == SQLITE_OK) {
    while (sqlite3_step(q) == SQLITE_ROW) {
      const char *arm = (const char *)sqlite3_column_text(q, 0);
      const char *st = (const char *)sqlite3_column_text(q, 1);
      double e = sqlite3_column_double(q, 2);
      int a = strcmp(arm, "a") == 0 ? 0 : strcmp(arm, "b") == 0 ? 1 : -1;
      int k = strcmp(st, "rate") == 0 ? 0 : strcmp(st, "events") == 0 ? 1 : strcmp(st, "patient_years") == 0 ? 2 : -1;
      if (a >= 0 && k >= 0) {
        v[a][k] = e;
      } else if (strcmp(arm, "b vs a") == 0 && strcmp(st, "rate_ratio") == 0) {
        rr = sqlite3_column_type(q, 2) == SQLITE_NULL ? INFINITY : e;
      }
    }
  }
  sqlite3_finalize(q);
  sqlite3_close(sdb);
  REMIT_CHECK_REL(v[0][0], v[0][1] / v[0][2], 1e-12);
  REMIT_CHECK_REL(v[1][0], v[1][1] / v[1][2], 1e-12);
  if (v[0][1] > 0) {
    REMIT_CHECK_REL(rr, v[1][0] / v[0][0], 1e-12);
  } else {
    REMIT_CHECK(rr == INFINITY && v[1][1] > 0, "no flares in a: the rate ratio is not estimable (NULL)");
  }
  /* The rate's fit scale is the Poisson SE at the published value:
   * 0.65 flares per year over 16 patient-years -> sqrt(0.65/16); per month
   * 0.25 over 8 x 364/30.4375 patient-months. */
  REMIT_CHECK_REL(remit_fit_scale(&t->rows[0], REMIT_MAP_RATE, NULL), sqrt(0.65 / (16 * 364 / 365.25)),
                  1e-12);
  double months = 8 * 364 / (365.25 / 12);
  REMIT_CHECK_REL(remit_fit_scale(&t->rows[1], REMIT_MAP_RATE_PER_MONTH, NULL), sqrt(0.25 / months),
                  1e-12);
}

static void test_rate_validation(remit_context *ctx) {
  remit_targets *t = load_targets(ctx, "f.csv",
                                  "f,Roe,SoC,SLE,flare rate,364,rate per year,0.65,,,16,\n"
                                  "f,Roe,SoC low GC,SLE,flare rate,364,rate per month,0.25,,,8,\n"
                                  "f,Roe,SoC,SLE,flares none,364,rate per year,0,,,16,\n",
                                  "flares.yaml", FLARES);
  remit_map *m = NULL;
  if (t) {
    check_map_error(ctx, t, "f,SoC,flare rate,364,flares.yaml,fl,a+b,rates,3,0,\n", "rate_per_month");
    m = load_map(ctx, t, "fmap.csv",
                 "f,SoC,flare rate,364,flares.yaml,fl,a+b,rate,3,0,strata pooled\n"
                 "f,SoC low GC,flare rate,364,flares.yaml,fl,a,rate_per_month,3,0,\n"
                 "f,SoC,flares none,364,flares.yaml,fl,*,rate,3,0,\n");
  }
  if (m) {
    check_rates(ctx, t, m);
  }
  remit_map_destroy(&m);
  remit_targets_destroy(&t);
}

static void test_paramset(remit_context *ctx) {
  const remit_model_spec *spec = remit_spec_sle();
  const char *names[] = {"car_rho", "a_ebaff"};
  double vals[] = {2.3851234567890123, 0.41};
  REMIT_CHECK_STATUS(remit_paramset_write(ctx, path_in("set.csv"), "fitted on x\nseed 3", names,
                                          vals, 2),
                     REMIT_OK);
  remit_paramset *ps = NULL;
  REMIT_CHECK_STATUS(remit_paramset_load(ctx, path_in("set.csv"), spec, &ps), REMIT_OK);
  REMIT_CHECK(ps && ps->n == 2 && ps->values[0] == vals[0] && ps->values[1] == vals[1],
              "round trip is exact (%%.17g)");
  REMIT_CHECK(ps && strstr(ps->provenance, "fitted on x\nseed 3"), "provenance kept: %s",
              ps ? ps->provenance : "");
  double *p = calloc((size_t)spec->n_params, sizeof(double));
  REMIT_CHECK_STATUS(remit_paramset_apply(ctx, ps, spec, p), REMIT_OK);
  REMIT_CHECK(p[remit_spec_param_index(spec, "car_rho")] == vals[0], "applied");
  free(p);
  remit_paramset_destroy(&ps);
  write_file("bad_set.csv", "# x\nname,value\ncar_rho,2\nno_such_param,1\n");
  REMIT_CHECK_STATUS(remit_paramset_load(ctx, path_in("bad_set.csv"), spec, &ps),
                     REMIT_ERR_NOT_FOUND);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "bad_set.csv:4"), "message: %s",
              remit_context_errmsg(ctx));
  write_file("bad_set2.csv", "car_rho,2\ncar_rho,3\n");
  REMIT_CHECK_STATUS(remit_paramset_load(ctx, path_in("bad_set2.csv"), spec, &ps), REMIT_ERR_ARG);
  write_file("bad_set3.csv", "car_rho,-1\n");
  REMIT_CHECK_STATUS(remit_paramset_load(ctx, path_in("bad_set3.csv"), spec, &ps),
                     REMIT_ERR_RANGE);

  /* A scenario's parameter_set reaches the engine: the run's parameter
   * table holds the set's value. */
  char text[2048];
  snprintf(text, sizeof text, "%sparameter_set: set.csv\n", TINY);
  write_file("tiny_set.yaml", text);
  remit_scenario *sc = NULL;
  REMIT_CHECK_STATUS(remit_scenario_load(ctx, path_in("tiny_set.yaml"), &sc), REMIT_OK);
  if (sc) {
    sc->replicates = 1;
    remit_trial_options o = {0};
    o.output = path_in("set_run.db");
    o.overwrite = 1;
    o.threads = 1;
    REMIT_CHECK_STATUS(remit_trial_run(ctx, sc, &o), REMIT_OK);
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    double v = NAN;
    if (sqlite3_open(path_in("set_run.db"), &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT value FROM parameters WHERE name = 'a_ebaff'", -1, &q,
                           NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
      v = sqlite3_column_double(q, 0);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    REMIT_CHECK(v == 0.41, "stored a_ebaff = %g from the scenario's parameter set", v);
  }
  remit_scenario_destroy(&sc);

  /* An evaluator's journal (fit, sensitivity) records the values of the
   * set a scenario names, not only its file name: after the file changes,
   * --resume refuses the journal though the scenario's text is the same. */
  remit_targets *t = load_targets(ctx, "t_set.csv",
                                  "t,Doe,drug A,SLE,ICANS any grade,28,proportion,0.0,,,4,\n",
                                  "tiny_set.yaml", text);
  remit_map *m = t ? load_map(ctx, t, "map_set.csv",
                              "t,drug A,ICANS any grade,28,tiny_set.yaml,icans28,hcq,proportion,"
                              "1,1,\n")
                   : NULL;
  if (m) {
    int idx[1] = {0};
    remit_eval_options eo = {0};
    eo.workdir = path_in("set_runs");
    eo.threads = 1;
    eo.journal = path_in("set.evals.csv");
    remit_evaluator *ev = NULL;
    REMIT_CHECK_STATUS(remit_evaluator_create(ctx, m, idx, 1, &eo, &ev), REMIT_OK);
    /* A run the machine failed (its store cannot be written) is not
     * journalled; mended, the same run is simulated and journalled. */
    const char *nm[1] = {"a_r"};
    double v1[1] = {0.2}, v2[1] = {0.3};
    remit_sim_stat st1, st2;
    const char *db = path_in("set_runs/00_tiny_set.yaml.db");
    char moved[600], blocker[600];
    snprintf(moved, sizeof moved, "%s.moved", db);
    snprintf(blocker, sizeof blocker, "%s/x", db);
    if (ev) {
      REMIT_CHECK_STATUS(remit_evaluator_run(ev, nm, v1, 1, 0.95, &st1), REMIT_OK);
      REMIT_CHECK(rename(db, moved) == 0 && mkdir(db, 0755) == 0, "store path blocked");
      FILE *bf = fopen(blocker, "w");
      if (bf) {
        fclose(bf);
      }
      remit_status fs = remit_evaluator_run(ev, nm, v2, 1, 0.95, &st2);
      REMIT_CHECK(fs == REMIT_ERR_IO, "a store that cannot be written fails the run with an I/O "
                                      "error (%s: %s)", remit_status_str(fs),
                  remit_context_errmsg(ctx));
      remit_context_clear_error(ctx);
      remove(blocker);
      rmdir(db);
      REMIT_CHECK_STATUS(remit_evaluator_run(ev, nm, v2, 1, 0.95, &st2), REMIT_OK);
    }
    remit_evaluator_destroy(&ev);
    FILE *jf = fopen(path_in("set.evals.csv"), "r");
    int lines = 0;
    for (int c; jf && (c = fgetc(jf)) != EOF;) {
      lines += c == '\n';
    }
    if (jf) {
      fclose(jf);
    }
    REMIT_CHECK(lines == 4, "journal: header, columns and the 2 runs made, not the failed one "
                            "(%d lines)", lines);
    eo.resume = 1;
    REMIT_CHECK_STATUS(remit_evaluator_create(ctx, m, idx, 1, &eo, &ev), REMIT_OK);
    remit_evaluator_destroy(&ev);
    vals[1] = 0.42;
    REMIT_CHECK_STATUS(remit_paramset_write(ctx, path_in("set.csv"), "refitted", names, vals, 2),
                       REMIT_OK);
    REMIT_CHECK_STATUS(remit_evaluator_create(ctx, m, idx, 1, &eo, &ev), REMIT_ERR_ARG);
    REMIT_CHECK(strstr(remit_context_errmsg(ctx), "set.evals.csv"),
                "the changed parameter set's journal is refused: %s", remit_context_errmsg(ctx));
    remit_evaluator_destroy(&ev);
  }
  remit_map_destroy(&m);
  remit_targets_destroy(&t);
}

/* y0 = 2.5 x0^2 / x1, y1 = x0 + x1: elasticities (2, -1) and
 * (x0/(x0+x1), x1/(x0+x1)); central differences are exact for y1 and
 * O(h²) for y0. */
static int analytic(const double *x, int k, double *y, int n_out, void *user) {
  (void)k;
  (void)n_out;
  (void)user;
  y[0] = 2.5 * x[0] * x[0] / x[1];
  y[1] = x[0] + x[1];
  return 0;
}

static void test_elasticities(remit_context *ctx) {
  double x[2] = {1.7, 0.385}, base[2], E[4];
  REMIT_CHECK_STATUS(remit_elasticities(ctx, analytic, NULL, x, 2, 2, 1e-4, base, E), REMIT_OK);
  REMIT_CHECK_REL(E[0], 2.0, 1e-6);
  REMIT_CHECK_REL(E[2], -1.0, 1e-6);
  REMIT_CHECK_REL(E[1], 1.7 / 2.085, 1e-9);
  REMIT_CHECK_REL(E[3], 0.385 / 2.085, 1e-9);
  REMIT_CHECK_STATUS(remit_elasticities(ctx, analytic, NULL, x, 2, 2, 0.0, base, E), REMIT_ERR_ARG);
}

/* Morris on y = 3 x0 + x1² + 0 x2 over [0,1]^3 with 4 levels (delta 2/3):
 * EE0 = 3 always (mu* = mu = 3, sigma = 0); EE2 = 0; EE1 = 2 x1 + delta,
 * with x1 in {0, 1/3} going up or the mirror going down, so EE1 is 2/3 or
 * 4/3: mu* in [2/3, 4/3], sigma > 0 (non-linear). */
static int known(const double *x, int k, double *y, int n_out, void *user) {
  (void)k;
  (void)n_out;
  (void)user;
  y[0] = 3.0 * x[0] + x[1] * x[1];
  return 0;
}

static void test_morris(remit_context *ctx) {
  double ms[3], mu[3], sd[3];
  REMIT_CHECK_STATUS(remit_morris(ctx, known, NULL, 3, 1, 20, 4, 11, ms, mu, sd), REMIT_OK);
  REMIT_CHECK_REL(ms[0], 3.0, 1e-9);
  REMIT_CHECK_REL(mu[0], 3.0, 1e-9);
  REMIT_CHECK(fabs(sd[0]) < 1e-9, "linear factor: sigma 0 (%g)", sd[0]);
  REMIT_CHECK_RANGE(ms[1], 2.0 / 3.0 - 1e-9, 4.0 / 3.0 + 1e-9);
  REMIT_CHECK(sd[1] > 0.0, "non-linear factor: sigma > 0 (%g)", sd[1]);
  REMIT_CHECK(ms[2] == 0.0 && mu[2] == 0.0, "inert factor: mu* = 0");
  REMIT_CHECK(ms[0] > ms[1] && ms[1] > ms[2], "ranking x0 > x1 > x2");
  REMIT_CHECK_STATUS(remit_morris(ctx, known, NULL, 3, 1, 20, 3, 11, ms, mu, sd), REMIT_ERR_ARG);
}

static void test_scale(void) {
  remit_target t = {0};
  t.value = 0.5;
  t.n = 100;
  REMIT_CHECK_REL(remit_fit_scale(&t, REMIT_MAP_PROPORTION, NULL), 0.05, 1e-12);
  t.value = 1.0;
  t.n = 5;
  REMIT_CHECK_REL(remit_fit_scale(&t, REMIT_MAP_PROPORTION, NULL), 0.2, 1e-12);
  t.n = NAN;
  t.value = 0.5;
  REMIT_CHECK_REL(remit_fit_scale(&t, REMIT_MAP_PROPORTION, &(remit_sim_stat){.arm_n = 25}), 0.1, 1e-12);
  t.value = -8;
  REMIT_CHECK_REL(remit_fit_scale(&t, REMIT_MAP_MEAN, &(remit_sim_stat){.arm_n = 12}), 1.0, 1e-12);
  t.value = 110;
  REMIT_CHECK_REL(remit_fit_scale(&t, REMIT_MAP_KM_MEDIAN, &(remit_sim_stat){.arm_n = 5}), 11.0, 1e-12);
  /* A rate published without a timepoint (McElhone 2021: 0.25 per
   * patient-month, 100 patients): the exposure is the simulated arm's, here
   * 210 days per patient, not one month each. */
  t.value = 0.25;
  t.n = 100;
  t.timepoint_days = NAN;
  remit_sim_stat sim = {.arm_n = 100, .exposure = 210 / 365.25};
  REMIT_CHECK_REL(remit_fit_scale(&t, REMIT_MAP_RATE_PER_MONTH, &sim),
                  sqrt(0.25 / (100 * 210 / (365.25 / 12))), 1e-12);
  REMIT_CHECK_REL(remit_fit_scale(&t, REMIT_MAP_RATE_PER_MONTH, NULL), sqrt(0.25 / 100), 1e-12);
  /* The terms of D: squared everywhere; the hinge free within one scale of
   * the published value on either side, then squared in the excess. */
  REMIT_CHECK_REL(remit_fit_term(REMIT_FIT_SQUARED, -3.0), 9.0, 1e-15);
  REMIT_CHECK(remit_fit_term(REMIT_FIT_HINGE, 0.99) == 0.0, "hinge: inside one scale costs 0");
  REMIT_CHECK(remit_fit_term(REMIT_FIT_HINGE, -1.0) == 0.0, "hinge: the edge costs 0");
  REMIT_CHECK_REL(remit_fit_term(REMIT_FIT_HINGE, 3.0), 4.0, 1e-15);
  REMIT_CHECK_REL(remit_fit_term(REMIT_FIT_HINGE, -2.5), 2.25, 1e-15);
}

/* The shipped defaults are remit fit's output: every value of the fitted
 * set params/default_fit.csv is the model table's value, to the 4
 * significant digits the table keeps (docs/validation.md, "Calibration"). */
static void test_shipped_defaults_are_fitted(remit_context *ctx) {
  const remit_model_spec *spec = remit_spec_sle();
  remit_paramset *ps = NULL;
  REMIT_CHECK_STATUS(remit_paramset_load(ctx, REMIT_TEST_DATA_DIR "/../../params/default_fit.csv",
                                         spec, &ps),
                     REMIT_OK);
  REMIT_CHECK(ps && ps->n >= 1, "the fitted set has values");
  REMIT_CHECK(ps && strstr(ps->provenance, "written by remit fit"), "it is remit fit's output");
  for (int i = 0; ps && i < ps->n; i++) {
    int j = remit_spec_param_index(spec, ps->names[i]);
    REMIT_CHECK(j >= 0, "%s is a parameter", ps->names[i]);
    if (j >= 0) {
      REMIT_CHECK(fabs(spec->params[j].value - ps->values[i]) <= 5e-4 * fabs(ps->values[i]),
                  "table %s = %.6g is the fitted %.6g", ps->names[i], spec->params[j].value,
                  ps->values[i]);
    }
  }
  remit_paramset_destroy(&ps);
}

int main(void) {
  snprintf(dir, sizeof dir, "/tmp/remit_test_fit_XXXXXX");
  if (!mkdtemp(dir)) {
    return 1;
  }
  remit_context *ctx = NULL;
  remit_context_create(NULL, &ctx);
  test_targets(ctx);
  test_map_and_validate(ctx);
  test_unestimable_target(ctx);
  test_rate_validation(ctx);
  test_paramset(ctx);
  test_elasticities(ctx);
  test_morris(ctx);
  test_scale();
  test_shipped_defaults_are_fitted(ctx);
  remit_context_destroy(&ctx);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) {
    printf("note: could not remove %s\n", dir);
  }
  printf("%d passed, %d failed\n", remit_test_passed_, remit_test_failed_);
  return remit_test_failed_ != 0;
}
