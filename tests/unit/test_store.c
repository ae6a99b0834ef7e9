/* SPDX-License-Identifier: MIT
 *
 * test_store.c: the run store.  A run of 2 replicates x 2 chunks is written,
 * finished and exported; the same run is interrupted (closed without finish,
 * and killed with SIGKILL mid-chunk and mid-summary in a child process),
 * resumed, and must export exactly what the uninterrupted run exports
 * (timestamps aside).  Error paths: existing files, mismatched resume,
 * calls out of order, a locked run, unknown tables, non-run files.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output/store.h"
#include "remit/remit.h"
#include "remit_test.h"

static char tmpdir[64];

static const char scenario_a[] = "name: store test\nmodel: sle\nreplicates: 2\nseed: 20240517\n";

static const remit_param_info params[] = {
    {"k_el", 0.2385, "1/day", 0.31, 0.01, 5.0, "Stein 2019"},
    {"emax", 3.7, "1", 0.0, 0.0, 100.0, "calibrated on DORIS, \"Mackensen\" 2022"},
};

static remit__run_info make_info(const char *text, uint64_t seed) {
  remit__run_info info = {0};
  info.scenario_text = text;
  info.scenario_path = "scenarios/test.yaml";
  info.seed = seed;
  info.model = "sle";
  info.params = params;
  info.n_params = 2;
  return info;
}

static void path_in_tmp(char *buf, size_t cap, const char *name) { snprintf(buf, cap, "%s/%s", tmpdir, name); }

static int exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

enum { PATIENTS_PER_CHUNK = 3 };
static const char *const arms[2] = {"CAR-T", "standard, \"care\""};

/* Writes work unit (rep, chunk) with high-entropy, reproducible content. */
static remit_status write_chunk(remit__store *st, int rep, int chunk) {
  remit_status s = remit__store_begin_chunk(st, rep, chunk);
  if (s != REMIT_OK) {
    return s;
  }
  for (int k = 0; k < PATIENTS_PER_CHUNK; k++) {
    int p = chunk * PATIENTS_PER_CHUNK + k;
    double x = 1.0 + 0.137 * p + 0.0191 * rep;
    const char *names[2] = {"k_el", "emax"};
    double values[2] = {0.2385 * x, 3.7 / x};
    remit__patient_row row = {0};
    row.replicate = rep;
    row.patient = p;
    row.centre = p % 2 ? "Erlangen" : "Lyon, FR";
    row.arm = (p % 3 == 2) ? NULL : arms[p % 2];
    row.stratum = "renal=1";
    row.eligible = p % 3 != 2;
    row.enrolled = row.eligible;
    row.screen_fail = row.eligible ? NULL : "sledai >= 6";
    for (int c = 0; c < REMIT_N_COVARIATES; c++) {
      row.cov[c] = 1.2345 * (c + 1) * x;
    }
    row.cov[REMIT_COV_EGFR] = NAN; /* missing */
    row.status = row.eligible ? "completed" : "screen_failed";
    row.dropout_day = NAN;
    row.dose_level = 0.1 * x;
    row.n_params = 2;
    row.param_names = names;
    row.param_values = values;
    if ((s = remit__store_patient(st, &row)) != REMIT_OK) {
      return s;
    }
    if (!row.enrolled) {
      continue;
    }
    for (int v = 0; v < 2; v++) {
      remit__visit vis = {0};
      vis.day = 28.0 * (v + 1);
      vis.items = 0x5u << v;
      vis.sledai = 8.0 - 2.5 * v * x;
      vis.pga = 1.1 / x;
      vis.prednisone = 7.5;
      vis.immunosuppressants = v;
      vis.anti_dsdna = 123.456 * x;
      vis.c3 = 71.3;
      vis.proteinuria = 0.1 + 0.01 * p;
      vis.igg = 9.87;
      vis.b_cells = v ? 0.0 : 101.5 * x;
      vis.damage = 0.0;
      if ((s = remit__store_visit(st, rep, p, &vis)) != REMIT_OK) {
        return s;
      }
    }
    if ((s = remit__store_event(st, rep, p, 3.5 * x, "crs", 1.0 + p % 2)) != REMIT_OK) {
      return s;
    }
    if ((s = remit__store_outcome(st, rep, p, row.arm, "doris_w24", p % 2, 0, NAN, 1)) != REMIT_OK) {
      return s;
    }
    if ((s = remit__store_outcome(st, rep, p, row.arm, "flare", NAN, p % 2, 100.0 / x, 1)) != REMIT_OK) {
      return s;
    }
    if (p == 0) { /* the trajectory sample */
      double day[4] = {0, 1, 2, 3}, car_t[4] = {0, 0.1 + 0.2, 2.0 / 3.0, 1e-300};
      if ((s = remit__store_trajectory(st, rep, p, "car_t", 4, day, car_t)) != REMIT_OK) {
        return s;
      }
    }
  }
  return remit__store_end_chunk(st, rep, chunk);
}

/* Per replicate and across replicates: the mean of doris_w24 per arm. */
static remit_status write_summaries(remit__store *st) {
  double value[64];
  int evaluable[64];
  for (int rep = -1; rep < 2; rep++) {
    for (int a = 0; a < 2; a++) {
      size_t n = 0;
      remit_status s = remit__store_read_outcomes(st, rep, arms[a], "doris_w24", value, NULL, NULL,
                                                  evaluable, 64, &n);
      if (s != REMIT_OK) {
        return s;
      }
      double sum = 0.0;
      for (size_t i = 0; i < n; i++) {
        sum += value[i];
      }
      s = remit__store_summary(st, rep, arms[a], "doris_w24", "proportion", n ? sum / n : NAN, NAN,
                               NAN, (int64_t)n);
      if (s != REMIT_OK) {
        return s;
      }
    }
  }
  return REMIT_OK;
}

/* Runs the whole trial into the store, skipping units already done. */
static remit_status run_rest(remit__store *st) {
  for (int rep = 0; rep < 2; rep++) {
    for (int chunk = 0; chunk < 2; chunk++) {
      int done = remit__store_chunk_done(st, rep, chunk);
      if (done < 0) {
        return (remit_status)done;
      }
      if (!done) {
        remit_status s = write_chunk(st, rep, chunk);
        if (s != REMIT_OK) {
          return s;
        }
      }
    }
  }
  return write_summaries(st);
}

/* All tables exported and concatenated, without the run table's timestamps. */
static char *export_all(remit_context *ctx, const char *path, unsigned flags) {
  FILE *f = tmpfile();
  for (int t = 0; remit_store_table(t); t++) {
    fprintf(f, "## %s\n", remit_store_table(t));
    if (remit_store_export(ctx, path, remit_store_table(t), flags, f) != REMIT_OK) {
      fclose(f);
      return NULL;
    }
  }
  long n = ftell(f);
  rewind(f);
  char *buf = malloc((size_t)n + 1), *o = buf;
  char line[8192];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "started,", 8) == 0 || strncmp(line, "finished,", 9) == 0 ||
        strncmp(line, "resumed,", 8) == 0) {
      continue;
    }
    size_t len = strlen(line);
    memcpy(o, line, len);
    o += len;
  }
  *o = '\0';
  fclose(f);
  return buf;
}

static char *export_one(remit_context *ctx, const char *path, const char *table) {
  FILE *f = tmpfile();
  remit_status s = remit_store_export(ctx, path, table, 0, f);
  long n = ftell(f);
  rewind(f);
  char *buf = calloc((size_t)n + 1, 1);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n || s != REMIT_OK) {
    buf[0] = '\0';
  }
  fclose(f);
  return buf;
}

static char *reference_export; /* the uninterrupted run, all tables */

static void test_uninterrupted(remit_context *ctx) {
  char path[128], partial[160];
  path_in_tmp(path, sizeof path, "a.db");
  snprintf(partial, sizeof partial, "%s.partial", path);
  remit__run_info info = make_info(scenario_a, 20240517u);
  remit__store *st = NULL;
  REMIT_CHECK_STATUS(remit__store_open(ctx, path, &info, 0, 0, &st), REMIT_OK);
  REMIT_CHECK(st && !remit__store_resumed(st) && remit__store_chunks_done(st) == 0, "new store");
  REMIT_CHECK(exists(partial) && !exists(path), "a running store is only PATH.partial");
  REMIT_CHECK_STATUS(remit__store_set_meta(st, "n_chunks", "2"), REMIT_OK);
  REMIT_CHECK_STATUS(run_rest(st), REMIT_OK);
  REMIT_CHECK_STATUS(remit__store_finish(&st), REMIT_OK);
  REMIT_CHECK(st == NULL, "finish destroys the handle");
  REMIT_CHECK(exists(path) && !exists(partial), "finished: PATH exists, PATH.partial does not");
  char journal[192];
  snprintf(journal, sizeof journal, "%s-journal", partial);
  REMIT_CHECK(!exists(journal), "no journal left");

  char *csv = export_one(ctx, path, "patients");
  static const char header[] =
      "replicate,patient,centre,arm,stratum,eligible,enrolled,screen_fail,age,sex,weight,"
      "height,sledai,renal,anti_dsdna,c3,disease_years,failed_lines,egfr,status,"
      "dropout_day,dose_level\n";
  REMIT_CHECK(strncmp(csv, header, strlen(header)) == 0, "patients header");
  REMIT_CHECK(strstr(csv, "\n0,0,\"Lyon, FR\",CAR-T,renal=1,1,1,,1.2345,2.469,") != NULL,
              "first patient row, quoted centre, NULL screen_fail: %.200s", csv);
  REMIT_CHECK(strstr(csv, "\n0,1,Erlangen,\"standard, \"\"care\"\"\",") != NULL,
              "RFC 4180 quotes doubled");
  REMIT_CHECK(strstr(csv, ",,completed,,") != NULL, "NaN egfr and dropout_day export as empty");
  int lines = 0;
  for (char *c = csv; *c; c++) {
    lines += *c == '\n';
  }
  REMIT_CHECK(lines == 1 + 2 * 2 * PATIENTS_PER_CHUNK, "patients: %d lines", lines);
  free(csv);

  csv = export_one(ctx, path, "trajectories");
  REMIT_CHECK(strstr(csv, "0,0,1,car_t,0.30000000000000004\n") != NULL, "17 digits where needed");
  REMIT_CHECK(strstr(csv, "0,0,3,car_t,1e-300\n") != NULL, "shortest exact real: %s", csv);
  free(csv);

  csv = export_one(ctx, path, "outcomes");
  REMIT_CHECK(strstr(csv, "0,0,CAR-T,flare,,0,100,1\n") != NULL, "NaN outcome value is empty: %.300s",
              csv);
  free(csv);

  csv = export_one(ctx, path, "run");
  REMIT_CHECK(strstr(csv, "status,complete\n") != NULL && strstr(csv, "seed,20240517\n") != NULL &&
                  strstr(csv, "model,sle\n") != NULL && strstr(csv, "n_chunks,2\n") != NULL,
              "run table: status, seed, model, meta");
  char hash[17];
  snprintf(hash, sizeof hash, "%016llx",
           (unsigned long long)remit__fnv1a64(scenario_a, strlen(scenario_a), REMIT_FNV1A64_INIT));
  char want[64];
  snprintf(want, sizeof want, "scenario_hash,%s\n", hash);
  REMIT_CHECK(strstr(csv, want) != NULL, "scenario hash stored: %s", want);
  REMIT_CHECK(strstr(csv, "remit_version,") != NULL && strstr(csv, "build_info,") != NULL,
              "version and build stored");
  free(csv);

  csv = export_one(ctx, path, "summaries");
  REMIT_CHECK(strstr(csv, ",CAR-T,doris_w24,proportion,") != NULL, "summaries: %s", csv);
  REMIT_CHECK(strncmp(strstr(csv, "\n") + 1, ",CAR-T", 6) == 0, "across-replicate row has NULL replicate");
  free(csv);

  csv = export_one(ctx, path, "parameters");
  REMIT_CHECK(strstr(csv, "emax,3.7,1,0,0,100,\"calibrated on DORIS, \"\"Mackensen\"\" 2022\"\n") != NULL,
              "parameter table: %s", csv);
  free(csv);

  /* FNV-1a 64 test vectors (the published ones). */
  REMIT_CHECK(remit__fnv1a64("", 0, REMIT_FNV1A64_INIT) == UINT64_C(0xcbf29ce484222325), "fnv1a64('')");
  REMIT_CHECK(remit__fnv1a64("a", 1, REMIT_FNV1A64_INIT) == UINT64_C(0xaf63dc4c8601ec8c), "fnv1a64('a')");

  reference_export = export_all(ctx, path, 0);
  REMIT_CHECK(reference_export != NULL, "all tables export");
}

static void test_close_and_resume(remit_context *ctx) {
  char path[128], partial[160];
  path_in_tmp(path, sizeof path, "b.db");
  snprintf(partial, sizeof partial, "%s.partial", path);
  remit__run_info info = make_info(scenario_a, 20240517u);
  remit__store *st = NULL;
  REMIT_CHECK_STATUS(remit__store_open(ctx, path, &info, 0, 0, &st), REMIT_OK);
  REMIT_CHECK_STATUS(remit__store_set_meta(st, "n_chunks", "2"), REMIT_OK);
  REMIT_CHECK_STATUS(write_chunk(st, 0, 0), REMIT_OK);
  /* Half of the next chunk, then the process "dies" (close without finish). */
  REMIT_CHECK_STATUS(remit__store_begin_chunk(st, 0, 1), REMIT_OK);
  REMIT_CHECK_STATUS(remit__store_event(st, 0, 3, 1.0, "crs", 2.0), REMIT_OK);
  remit__store_close(&st);
  REMIT_CHECK(st == NULL, "close nulls the handle");
  REMIT_CHECK(!exists(path) && exists(partial), "interrupted: only PATH.partial");

  REMIT_CHECK_STATUS(remit_store_export(ctx, path, "patients", 0, stdout), REMIT_ERR_NOT_FOUND);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), ".partial") != NULL, "says a partial exists: %s",
              remit_context_errmsg(ctx));
  FILE *sink = tmpfile();
  REMIT_CHECK_STATUS(remit_store_export(ctx, partial, "patients", 0, sink), REMIT_ERR_STATE);
  REMIT_CHECK_STATUS(remit_store_export(ctx, partial, "chunks", REMIT_EXPORT_ALLOW_INCOMPLETE, sink),
                     REMIT_OK);
  fclose(sink);

  /* Resume with a different scenario, seed, parameter table: refused. */
  remit__run_info other = make_info("name: store test\nmodel: sle\nreplicates: 3\n", 20240517u);
  REMIT_CHECK_STATUS(remit__store_open(ctx, path, &other, 1, 0, &st), REMIT_ERR_ARG);
  REMIT_CHECK(st == NULL && strstr(remit_context_errmsg(ctx), "scenario") != NULL, "hash mismatch: %s",
              remit_context_errmsg(ctx));
  other = make_info(scenario_a, 7u);
  REMIT_CHECK_STATUS(remit__store_open(ctx, path, &other, 1, 0, &st), REMIT_ERR_ARG);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "seed") != NULL, "seed mismatch: %s", remit_context_errmsg(ctx));
  other = make_info(scenario_a, 20240517u);
  other.n_params = 1;
  REMIT_CHECK_STATUS(remit__store_open(ctx, path, &other, 1, 0, &st), REMIT_ERR_ARG);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "parameter") != NULL, "parameter mismatch: %s",
              remit_context_errmsg(ctx));
  other = make_info(scenario_a, 20240517u);
  other.remit_version = "99.0.0";
  REMIT_CHECK_STATUS(remit__store_open(ctx, path, &other, 1, 0, &st), REMIT_ERR_ARG);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "version") != NULL, "version mismatch: %s",
              remit_context_errmsg(ctx));
  /* A new run over the partial is refused without overwrite. */
  REMIT_CHECK_STATUS(remit__store_open(ctx, path, &info, 0, 0, &st), REMIT_ERR_STATE);
  REMIT_CHECK(exists(partial), "refused open leaves the partial alone");

  REMIT_CHECK_STATUS(remit__store_open(ctx, path, &info, 1, 0, &st), REMIT_OK);
  REMIT_CHECK(remit__store_resumed(st) == 1 && remit__store_chunks_done(st) == 1, "one unit done");
  REMIT_CHECK(remit__store_chunk_done(st, 0, 0) == 1 && remit__store_chunk_done(st, 0, 1) == 0 &&
                  remit__store_chunk_done(st, 1, 0) == 0,
              "chunk (0,0) done, (0,1) and (1,0) not");
  REMIT_CHECK_STATUS(remit__store_begin_chunk(st, 0, 0), REMIT_ERR_STATE);
  REMIT_CHECK_STATUS(run_rest(st), REMIT_OK);
  REMIT_CHECK_STATUS(remit__store_finish(&st), REMIT_OK);
  REMIT_CHECK(exists(path) && !exists(partial), "resumed run finished");
  char *all = export_all(ctx, path, 0);
  REMIT_CHECK(all && reference_export && strcmp(all, reference_export) == 0,
              "resumed run exports exactly what the uninterrupted run does");
  free(all);
  REMIT_CHECK_STATUS(remit__store_open(ctx, path, &info, 1, 0, &st), REMIT_ERR_STATE);
}

/* A real kill -9: a child writes one unit, starts the next and SIGKILLs
 * itself; a second child resumes, writes everything including summaries and
 * is killed before finish.  The parent resumes and finishes. */
static void test_kill9(remit_context *ctx) {
  char path[128], partial[160];
  path_in_tmp(path, sizeof path, "c.db");
  snprintf(partial, sizeof partial, "%s.partial", path);
  remit__run_info info = make_info(scenario_a, 20240517u);
  for (int phase = 0; phase < 2; phase++) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      remit_context *c = NULL;
      remit_context_create(NULL, &c);
      remit__store *st = NULL;
      if (remit__store_open(c, path, &info, phase, 0, &st) != REMIT_OK) {
        _exit(3);
      }
      if (phase == 0) {
        remit__store_set_meta(st, "n_chunks", "2");
        write_chunk(st, 0, 0);
        remit__store_begin_chunk(st, 0, 1);
        for (int i = 0; i < 2000000; i++) { /* > the 32 MiB page cache: pages spill */
          remit__store_event(st, 0, 3, i, "crs", 2.0);
        }
      } else {
        run_rest(st);
      }
      raise(SIGKILL);
      _exit(4);
    }
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    REMIT_CHECK(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL, "phase %d child killed", phase);
    REMIT_CHECK(!exists(path) && exists(partial), "phase %d: killed run is only PATH.partial", phase);
    if (phase == 0) {
      /* The killed chunk wrote more than the page cache holds, so its pages
       * spilled into the file: resuming must roll a hot journal back. */
      struct stat sb;
      REMIT_CHECK(stat(partial, &sb) == 0 && sb.st_size > (1 << 20),
                  "uncommitted pages reached the file before the kill (%lld bytes)",
                  (long long)sb.st_size);
    }
  }
  remit__store *st = NULL;
  REMIT_CHECK_STATUS(remit__store_open(ctx, path, &info, 1, 0, &st), REMIT_OK);
  REMIT_CHECK(remit__store_chunks_done(st) == 4, "all 4 units survived the second kill");
  REMIT_CHECK_STATUS(run_rest(st), REMIT_OK);
  REMIT_CHECK_STATUS(remit__store_finish(&st), REMIT_OK);
  char *all = export_all(ctx, path, 0);
  REMIT_CHECK(all && reference_export && strcmp(all, reference_export) == 0,
              "killed twice and resumed: same export as the uninterrupted run");
  free(all);
}

static void test_errors(remit_context *ctx) {
  char path[128], bpath[128], junk[128];
  path_in_tmp(path, sizeof path, "a.db");
  path_in_tmp(bpath, sizeof bpath, "d.db");
  path_in_tmp(junk, sizeof junk, "junk.db");
  remit__run_info info = make_info(scenario_a, 20240517u);
  remit__store *st = NULL, *st2 = NULL;
  REMIT_CHECK_STATUS(remit__store_open(ctx, path, &info, 0, 0, &st), REMIT_ERR_STATE);
  REMIT_CHECK_STATUS(remit__store_open(ctx, bpath, &info, 1, 0, &st), REMIT_ERR_NOT_FOUND);
  REMIT_CHECK_STATUS(remit__store_open(ctx, bpath, NULL, 0, 0, &st), REMIT_ERR_ARG);

  REMIT_CHECK_STATUS(remit__store_open(ctx, bpath, &info, 0, 0, &st), REMIT_OK);
  REMIT_CHECK_STATUS(remit__store_event(st, 0, 0, 1.0, "crs", 1.0), REMIT_ERR_STATE);
  REMIT_CHECK_STATUS(remit__store_end_chunk(st, 0, 0), REMIT_ERR_STATE);
  REMIT_CHECK_STATUS(remit__store_set_meta(st, "status", "complete"), REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit__store_begin_chunk(st, 0, 0), REMIT_OK);
  REMIT_CHECK_STATUS(remit__store_begin_chunk(st, 0, 1), REMIT_ERR_STATE);
  REMIT_CHECK_STATUS(remit__store_end_chunk(st, 0, 1), REMIT_ERR_STATE);
  size_t n = 99;
  REMIT_CHECK_STATUS(remit__store_read_outcomes(st, -1, NULL, "x", NULL, NULL, NULL, NULL, 0, &n),
                     REMIT_ERR_STATE);
  REMIT_CHECK_STATUS(remit__store_outcome(st, 0, 0, "A", "x", 1.5, 0, 2.5, 1), REMIT_OK);
  REMIT_CHECK_STATUS(remit__store_outcome(st, 0, 1, "A", "x", 0.5, 1, NAN, 0), REMIT_OK);
  REMIT_CHECK_STATUS(remit__store_end_chunk(st, 0, 0), REMIT_OK);
  /* A second writer on the same run is locked out. */
  REMIT_CHECK_STATUS(remit__store_open(ctx, bpath, &info, 1, 0, &st2), REMIT_ERR_IO);
  REMIT_CHECK(st2 == NULL && strstr(remit_context_errmsg(ctx), "locked") != NULL, "locked: %s",
              remit_context_errmsg(ctx));
  n = 99;
  REMIT_CHECK_STATUS(remit__store_read_outcomes(st, -1, NULL, "x", NULL, NULL, NULL, NULL, 0, &n), REMIT_OK);
  REMIT_CHECK(n == 2, "size query: %zu outcomes", n);
  double v[2] = {-1, -1}, t[2];
  int ev[2], evaluable[2];
  REMIT_CHECK_STATUS(remit__store_read_outcomes(st, 0, "A", "x", v, ev, t, evaluable, 1, &n),
                     REMIT_ERR_RANGE);
  REMIT_CHECK(v[0] == -1 && n == 2, "too small a buffer is left untouched");
  REMIT_CHECK_STATUS(remit__store_read_outcomes(st, 0, "A", "x", v, ev, t, evaluable, 2, &n), REMIT_OK);
  REMIT_CHECK(n == 2 && v[0] == 1.5 && v[1] == 0.5 && ev[1] == 1 && t[0] == 2.5 && isnan(t[1]) &&
                  evaluable[0] == 1 && evaluable[1] == 0,
              "outcomes read back in patient order, NaN preserved");
  REMIT_CHECK_STATUS(remit__store_read_outcomes(st, 1, "A", "x", v, ev, t, evaluable, 2, &n), REMIT_OK);
  REMIT_CHECK(n == 0, "no outcomes in replicate 1");
  REMIT_CHECK_STATUS(remit__store_summary(st, -1, "A", "x", "mean", 1.0, 0.5, 1.5, 2), REMIT_OK);
  REMIT_CHECK_STATUS(remit__store_begin_chunk(st, 1, 0), REMIT_ERR_STATE); /* summary phase */
  remit__store_close(&st);
  remit__store_close(&st); /* harmless */
  remit__store_close(NULL);

  /* overwrite replaces the partial. */
  REMIT_CHECK_STATUS(remit__store_open(ctx, bpath, &info, 0, 1, &st), REMIT_OK);
  REMIT_CHECK(remit__store_chunk_done(st, 0, 0) == 0, "overwritten run starts empty");
  REMIT_CHECK_STATUS(remit__store_finish(&st), REMIT_OK);
  REMIT_CHECK_STATUS(remit__store_open(ctx, bpath, &info, 0, 1, &st), REMIT_OK);
  REMIT_CHECK(!exists(bpath), "overwrite removed the complete run");
  REMIT_CHECK_STATUS(remit__store_begin_chunk(st, 0, 0), REMIT_OK);
  REMIT_CHECK_STATUS(remit__store_finish(&st), REMIT_ERR_STATE); /* a chunk is open */
  REMIT_CHECK(st == NULL && !exists(bpath), "finish with an open chunk leaves it partial");

  /* Export errors. */
  REMIT_CHECK_STATUS(remit_store_export(ctx, path, "nope", 0, stdout), REMIT_ERR_NOT_FOUND);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "patients, patient_params, visits") != NULL,
              "unknown table lists the tables: %s", remit_context_errmsg(ctx));
  FILE *f = fopen(junk, "w");
  fputs("replicate,patient\n1,2\n", f);
  fclose(f);
  REMIT_CHECK_STATUS(remit_store_export(ctx, junk, "run", 0, stdout), REMIT_ERR_ARG);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "not a remit run") != NULL, "%s", remit_context_errmsg(ctx));
  REMIT_CHECK(remit_store_table(-1) == NULL && remit_store_table(11) == NULL &&
                  strcmp(remit_store_table(0), "run") == 0 &&
                  strcmp(remit_store_table(10), "vpop_selection") == 0,
              "table names");
}

/* Allocation failures in open are reported and leave nothing behind. */

static void test_oom(void) {
  char path[128], partial[160];
  path_in_tmp(path, sizeof path, "oom.db");
  snprintf(partial, sizeof partial, "%s.partial", path);
  remit__run_info info = make_info(scenario_a, 1u);
  int failures = 0;
  for (int budget = 0; budget < 8; budget++) {
    remit_test_failing fl = {1 + budget};
    remit_allocator a = {remit_test_malloc, remit_test_realloc, remit_test_free, &fl};
    remit_context *ctx = NULL;
    remit_context_create(&a, &ctx);
    remit__store *st = NULL;
    remit_status s = remit__store_open(ctx, path, &info, 0, 1, &st);
    if (s != REMIT_OK) {
      failures++;
      REMIT_CHECK(s == REMIT_ERR_NOMEM && st == NULL && !exists(partial), "budget %d: OOM reported", budget);
    }
    remit__store_close(&st);
    remit_context_destroy(&ctx);
  }
  REMIT_CHECK(failures > 0, "allocation failures exercised");
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/remit_store_XXXXXX");
  if (!mkdtemp(tmpdir)) {
    printf("FAIL cannot make a temporary directory\n");
    return 1;
  }
  remit_context *ctx = NULL;
  remit_context_create(NULL, &ctx);
  test_uninterrupted(ctx);
  test_close_and_resume(ctx);
  test_kill9(ctx);
  test_errors(ctx);
  test_oom();
  free(reference_export);
  remit_context_destroy(&ctx);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) {
    printf("note: could not remove %s\n", tmpdir);
  }
  return remit_test_failures();
}
