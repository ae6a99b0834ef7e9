/* SPDX-License-Identifier: MIT
 *
 * store.c: the run store (one SQLite database per trial run) and its CSV
 * export.
 *
 * Writing: PATH.partial is opened with an exclusive lock, the rollback
 * journal and synchronous=NORMAL; each work unit (replicate, chunk) is one
 * transaction ending with its row in `chunks`, so an interrupted chunk is
 * undone by SQLite's hot-journal rollback the next time the file is opened.
 * Rows go through prepared statements made once at open.  Memory is SQLite's
 * page cache (capped at 32 MiB; dirty pages spill to the file in big
 * transactions), nothing grows with the number of patients.  finish() marks
 * the run complete, closes the database and renames PATH.partial to PATH, so
 * the existence of PATH means a complete run.  Design notes and the schema:
 * docs/outputs.md.
 *
 * SQLite allocates through its own allocator, not the context's hooks: its
 * allocator is process-global (sqlite3_config) and cannot be per context.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/core_impl.h"
#include "output/store.h"
#include "remit/remit_store.h"

/* "REMT": PRAGMA application_id of every remit run database. */
#define STORE_APPLICATION_ID 0x52454D54
/* PRAGMA user_version: the schema version (docs/outputs.md). */
#define STORE_SCHEMA_VERSION 2
/* Page cache in KiB (negative cache_size); the memory bound of a run store. */
#define STORE_CACHE_KIB 32768

/* The patients table has one column per covariate, in remit_covariate order
 * (age ... egfr); a new covariate needs a new column. */
_Static_assert(REMIT_N_COVARIATES == 11, "update the patients columns for the covariate list");

static const char *const table_names[] = {"run",      "parameters", "patients", "patient_params",
                                          "visits",   "events",     "outcomes", "summaries",
                                          "trajectories", "chunks", "vpop_selection"};
#define N_TABLES ((int)(sizeof table_names / sizeof table_names[0]))

/* Export order per table: key order, so the CSV does not depend on the order
 * the chunks were run in; rowid keeps a patient's rows in write order. */
static const char *const table_order[] = {"rowid",
                                          "rowid",
                                          "replicate, patient",
                                          "replicate, patient, rowid",
                                          "replicate, patient, rowid",
                                          "replicate, patient, rowid",
                                          "replicate, patient, rowid",
                                          "rowid",
                                          "replicate, patient, rowid",
                                          "replicate, chunk",
                                          "replicate, patient"};

static const char schema_sql[] =
    "CREATE TABLE run(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE parameters(name TEXT, value REAL, unit TEXT, cv REAL, lower REAL, upper REAL,"
    " source TEXT);"
    "CREATE TABLE patients(replicate INTEGER, patient INTEGER, centre TEXT, arm TEXT,"
    " stratum TEXT, eligible INTEGER, enrolled INTEGER, screen_fail TEXT, age REAL, sex REAL,"
    " weight REAL, height REAL, sledai REAL, renal REAL, anti_dsdna REAL, c3 REAL,"
    " disease_years REAL, failed_lines REAL, egfr REAL, status TEXT, dropout_day REAL,"
    " dose_level REAL, PRIMARY KEY(replicate, patient));"
    "CREATE TABLE patient_params(replicate INTEGER, patient INTEGER, name TEXT, value REAL);"
    "CREATE TABLE visits(replicate INTEGER, patient INTEGER, day REAL, sledai REAL, pga REAL,"
    " prednisone REAL, immunosuppressants INTEGER, new_treatment INTEGER, anti_dsdna REAL,"
    " c3 REAL, proteinuria REAL, igg REAL, b_cells REAL, damage REAL, items INTEGER);"
    "CREATE TABLE events(replicate INTEGER, patient INTEGER, day REAL, kind TEXT, grade REAL);"
    "CREATE TABLE outcomes(replicate INTEGER, patient INTEGER, arm TEXT, endpoint TEXT,"
    " value REAL, event INTEGER, time REAL, evaluable INTEGER);"
    "CREATE TABLE summaries(replicate INTEGER, arm TEXT, endpoint TEXT, statistic TEXT,"
    " estimate REAL, lower REAL, upper REAL, n INTEGER);"
    "CREATE TABLE trajectories(replicate INTEGER, patient INTEGER, day REAL, variable TEXT,"
    " value REAL);"
    "CREATE TABLE chunks(replicate INTEGER, chunk INTEGER, PRIMARY KEY(replicate, chunk));";

enum {
  S_PATIENT = 0,
  S_PPARAM,
  S_VISIT,
  S_EVENT,
  S_OUTCOME,
  S_TRAJ,
  S_SUMMARY,
  S_CHUNK_INS,
  S_CHUNK_Q,
  S_RUN_SET,
  S_VPOP, /* made per run: one column per selection readout (vpop_sql) */
  S_N
};

static const char *const stmt_sql[S_N] = {
    "INSERT INTO patients VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,"
    "?18,?19,?20,?21,?22)",
    "INSERT INTO patient_params VALUES(?1,?2,?3,?4)",
    "INSERT INTO visits VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
    "INSERT INTO events VALUES(?1,?2,?3,?4,?5)",
    "INSERT INTO outcomes VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
    "INSERT INTO trajectories VALUES(?1,?2,?3,?4,?5)",
    "INSERT INTO summaries VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
    "INSERT INTO chunks VALUES(?1,?2)",
    "SELECT 1 FROM chunks WHERE replicate = ?1 AND chunk = ?2",
    "INSERT INTO run(key, value) VALUES(?1, ?2)"
    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    NULL};

/* Keys of `run` the store writes itself; remit__store_set_meta refuses them. */
static const char *const reserved_keys[] = {
    "scenario_text", "scenario_hash", "scenario_path", "remit_version", "build_info",
    "seed",          "model",         "params_hash",   "status",        "started",
    "finished",      "resumed",       "schema_version", "design"};

struct remit__store {
  remit_context *ctx;
  sqlite3 *db;
  char *path;    /* final name */
  char *partial; /* path + ".partial": the file written */
  sqlite3_stmt *stmt[S_N];
  int in_chunk;  /* a chunk transaction is open ... */
  int chunk_rep; /* ... for this unit */
  int chunk_id;
  int in_summary;    /* the summary transaction is open */
  int outcome_index; /* the outcomes index exists */
  int resumed;
  int64_t chunks_done;
  int n_vpop;        /* readout columns of vpop_selection */
};

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

uint64_t remit__fnv1a64(const void *data, size_t n, uint64_t h) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= UINT64_C(1099511628211);
  }
  return h;
}

static char *dup_concat(remit_context *ctx, const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  char *s = remit__malloc(ctx, na + nb + 1);
  if (s) {
    memcpy(s, a, na);
    memcpy(s + na, b, nb + 1);
  }
  return s;
}

static int file_exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

/* Removes path if present; 0 on success or absence. */
static int remove_if_present(const char *path) {
  if (remove(path) != 0 && errno != ENOENT) {
    return -1;
  }
  return 0;
}

static void utc_now(char buf[32]) {
  time_t t = time(NULL);
  struct tm tm;
  if (gmtime_r(&t, &tm)) {
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
  } else {
    snprintf(buf, 32, "%lld", (long long)t);
  }
}

/* Best effort: makes a rename in path's directory durable across power loss
 * (kill -9 needs no such thing; the OS keeps its cache). */
static void sync_parent_dir(const char *path) {
  char dir[4096];
  const char *slash = strrchr(path, '/');
  if (!slash) {
    snprintf(dir, sizeof dir, ".");
  } else if (slash == path) {
    snprintf(dir, sizeof dir, "/");
  } else {
    size_t n = (size_t)(slash - path);
    if (n >= sizeof dir) {
      return;
    }
    memcpy(dir, path, n);
    dir[n] = '\0';
  }
  int fd = open(dir, O_RDONLY);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

/* NaN is stored as NULL (SQLite would do so anyway; saying it makes the read
 * side's NULL -> NaN mapping explicit). */
static int bind_real(sqlite3_stmt *s, int i, double x) {
  return isnan(x) ? sqlite3_bind_null(s, i) : sqlite3_bind_double(s, i, x);
}

static int bind_text(sqlite3_stmt *s, int i, const char *z) {
  return z ? sqlite3_bind_text(s, i, z, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

static double column_real(sqlite3_stmt *s, int i) {
  return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

static remit_status db_error(remit__store *st, const char *what) {
  return REMIT_ERROR(st->ctx, REMIT_ERR_IO, "run store %s: %s: %s", st->partial, what,
                     sqlite3_errmsg(st->db));
}

static int exec(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, NULL, NULL, NULL); }

/* Rolls back the open chunk after a failed write; the error is already on the
 * context.  Returns status for tail calls. */
static remit_status abort_chunk(remit__store *st, remit_status status) {
  if (st->in_chunk || st->in_summary) {
    exec(st->db, "ROLLBACK");
    st->in_chunk = 0;
    st->in_summary = 0;
  }
  return status;
}

/* Steps an insert, then resets it for the next row. */
static remit_status step_insert(remit__store *st, sqlite3_stmt *s, const char *what) {
  int rc = sqlite3_step(s);
  remit_status status = REMIT_OK;
  if (rc != SQLITE_DONE) {
    status = db_error(st, what);
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (status != REMIT_OK) {
    return abort_chunk(st, status);
  }
  return REMIT_OK;
}

static remit_status need_chunk(remit__store *st, const char *fn) {
  if (!st) {
    return REMIT_ERR_ARG;
  }
  if (!st->in_chunk) {
    return REMIT_ERROR(st->ctx, REMIT_ERR_STATE, "%s: no chunk begun (call remit__store_begin_chunk)",
                       fn);
  }
  return REMIT_OK;
}

/* Hash of the parameter table as used: every field of every row, reals as
 * %.17g text so the hash is the same on every platform. */
static uint64_t params_hash(const remit_param_info *p, int n) {
  uint64_t h = REMIT_FNV1A64_INIT;
  char buf[128];
  for (int i = 0; i < n; i++) {
    const char *z[3] = {p[i].name ? p[i].name : "", p[i].unit ? p[i].unit : "",
                        p[i].source ? p[i].source : ""};
    for (int k = 0; k < 3; k++) {
      h = remit__fnv1a64(z[k], strlen(z[k]) + 1, h);
    }
    int len = snprintf(buf, sizeof buf, "%.17g %.17g %.17g %.17g\n", p[i].value, p[i].cv,
                       p[i].lower, p[i].upper);
    h = remit__fnv1a64(buf, (size_t)len, h);
  }
  return h;
}

static void hex64(uint64_t h, char buf[17]) { snprintf(buf, 17, "%016" PRIx64, h); }

/* ------------------------------------------------------------------------ */
/* Open                                                                      */
/* ------------------------------------------------------------------------ */

static void store_free(remit__store *st) {
  if (!st) {
    return;
  }
  for (int i = 0; i < S_N; i++) {
    sqlite3_finalize(st->stmt[i]);
  }
  sqlite3_close(st->db);
  remit_context *ctx = st->ctx;
  remit__free(ctx, st->path);
  remit__free(ctx, st->partial);
  remit__free(ctx, st);
}

static remit_status run_set(remit__store *st, const char *key, const char *value) {
  sqlite3_stmt *s = st->stmt[S_RUN_SET];
  bind_text(s, 1, key);
  bind_text(s, 2, value);
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_DONE) {
    return db_error(st, "writing the run table");
  }
  return REMIT_OK;
}

/* Fixed columns of vpop_selection, before one REAL column per readout. */
#define VPOP_FIXED_COLUMNS 5

/* "CREATE TABLE vpop_selection(...)" (create = 1) or its INSERT statement,
 * into a fresh string.  Readout names are the model's identifiers (letters,
 * digits, '_'), quoted all the same. */
static char *vpop_sql(remit_context *ctx, const remit__run_info *info, int create) {
  size_t cap = 256;
  for (int k = 0; k < info->n_vpop; k++) {
    cap += strlen(info->vpop_readouts[k]) + 16;
  }
  char *q = remit__malloc(ctx, cap);
  if (!q) {
    return NULL;
  }
  size_t n = (size_t)snprintf(q, cap, "%s", create ? "CREATE TABLE vpop_selection(replicate "
                                                      "INTEGER, patient INTEGER, accepted INTEGER,"
                                                      " probability REAL, clipped INTEGER"
                                                    : "INSERT INTO vpop_selection VALUES(?1,?2,?3,"
                                                      "?4,?5");
  for (int k = 0; k < info->n_vpop; k++) {
    n += create ? (size_t)snprintf(q + n, cap - n, ", \"%s\" REAL", info->vpop_readouts[k])
                : (size_t)snprintf(q + n, cap - n, ",?%d", VPOP_FIXED_COLUMNS + 1 + k);
  }
  snprintf(q + n, cap - n, create ? ", PRIMARY KEY(replicate, patient))" : ")");
  return q;
}

/* Fills a new database: schema, provenance, parameter table. */
static remit_status create_content(remit__store *st, const remit__run_info *info) {
  char sql[96], hash[17], seed[32], now[32];
  if (exec(st->db, schema_sql) != SQLITE_OK) {
    return db_error(st, "creating the schema");
  }
  char *vq = vpop_sql(st->ctx, info, 1);
  if (!vq) {
    return REMIT_ERR_NOMEM;
  }
  int vrc = exec(st->db, vq);
  remit__free(st->ctx, vq);
  if (vrc != SQLITE_OK) {
    return db_error(st, "creating the vpop_selection table");
  }
  snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
           STORE_APPLICATION_ID, STORE_SCHEMA_VERSION);
  if (exec(st->db, sql) != SQLITE_OK) {
    return db_error(st, "stamping the file");
  }
  if (sqlite3_prepare_v2(st->db, stmt_sql[S_RUN_SET], -1, &st->stmt[S_RUN_SET], NULL) != SQLITE_OK) {
    return db_error(st, "preparing");
  }
  hex64(remit__fnv1a64(info->scenario_text, strlen(info->scenario_text), REMIT_FNV1A64_INIT), hash);
  snprintf(seed, sizeof seed, "%" PRIu64, info->seed);
  utc_now(now);
  char phash[17];
  hex64(params_hash(info->params, info->n_params), phash);
  char schema[16];
  snprintf(schema, sizeof schema, "%d", STORE_SCHEMA_VERSION);
  const char *kv[][2] = {
      {"scenario_text", info->scenario_text},
      {"scenario_hash", hash},
      {"scenario_path", info->scenario_path},
      {"remit_version", info->remit_version ? info->remit_version : remit_version()},
      {"build_info", info->build_info ? info->build_info : remit_build_info()},
      {"seed", seed},
      {"model", info->model},
      {"params_hash", phash},
      {"design", info->design ? info->design : ""},
      {"schema_version", schema},
      {"status", "running"},
      {"started", now},
      {"finished", NULL},
  };
  for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
    remit_status status = run_set(st, kv[i][0], kv[i][1]);
    if (status != REMIT_OK) {
      return status;
    }
  }
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(st->db, "INSERT INTO parameters VALUES(?1,?2,?3,?4,?5,?6,?7)", -1, &s,
                         NULL) != SQLITE_OK) {
    return db_error(st, "preparing");
  }
  for (int i = 0; i < info->n_params; i++) {
    const remit_param_info *p = &info->params[i];
    bind_text(s, 1, p->name);
    bind_real(s, 2, p->value);
    bind_text(s, 3, p->unit);
    bind_real(s, 4, p->cv);
    bind_real(s, 5, p->lower);
    bind_real(s, 6, p->upper);
    bind_text(s, 7, p->source);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
      remit_status status = db_error(st, "writing the parameter table");
      sqlite3_finalize(s);
      return status;
    }
  }
  sqlite3_finalize(s);
  return REMIT_OK;
}

/* Reads run.key into buf ("" for NULL); 1 if the key exists, 0 if not, <0 on error. */
static int run_get(sqlite3 *db, const char *key, char *buf, size_t cap) {
  sqlite3_stmt *s = NULL;
  buf[0] = '\0';
  if (sqlite3_prepare_v2(db, "SELECT value FROM run WHERE key = ?1", -1, &s, NULL) != SQLITE_OK) {
    return -1;
  }
  sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
  int rc = sqlite3_step(s), found = 0;
  if (rc == SQLITE_ROW) {
    const unsigned char *z = sqlite3_column_text(s, 0);
    snprintf(buf, cap, "%s", z ? (const char *)z : "");
    found = 1;
  } else if (rc != SQLITE_DONE) {
    found = -1;
  }
  sqlite3_finalize(s);
  return found;
}

static int pragma_int(sqlite3 *db, const char *pragma, int *value) {
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db, pragma, -1, &s, NULL);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      *value = sqlite3_column_int(s, 0);
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(s);
  return rc;
}

/* A run's identity: what a resumed or reused run must share with the one
 * about to start.  `design` holds what a caller may set outside the
 * scenario text (replicates, sizes: remit validate, fit). */
enum { N_IDENTITY = 6 };
static const char *const identity_keys[N_IDENTITY] = {"scenario_hash", "seed",   "model",
                                                      "params_hash",   "design", "remit_version"};
static const char *const identity_why[N_IDENTITY] = {
    "the scenario file changed since the run started", "the seed differs", "the model differs",
    "the parameter table (parameter set or overrides) changed",
    "the design (replicates or sizes set by the caller) differs", "the remit version differs"};

/* Compares the stored identity with info's: N_IDENTITY when all match, else
 * the first key that differs (its stored value in `stored`, the present one
 * in `now`, both of size cap), or -1 on a database error. */
static int identity_mismatch(sqlite3 *db, const remit__run_info *info, char *stored, char *now,
                             size_t cap) {
  char want[3][32];
  hex64(remit__fnv1a64(info->scenario_text, strlen(info->scenario_text), REMIT_FNV1A64_INIT),
        want[0]);
  snprintf(want[1], sizeof want[1], "%" PRIu64, info->seed);
  hex64(params_hash(info->params, info->n_params), want[2]);
  const char *now_value[N_IDENTITY] = {want[0], want[1], info->model, want[2],
                                       info->design ? info->design : "",
                                       info->remit_version ? info->remit_version : remit_version()};
  for (int k = 0; k < N_IDENTITY; k++) {
    int found = run_get(db, identity_keys[k], stored, cap);
    if (found < 0) {
      return -1;
    }
    if (!found) {
      snprintf(stored, cap, "(missing)");
    }
    if (!found || strcmp(stored, now_value[k]) != 0) {
      snprintf(now, cap, "%s", now_value[k]);
      return k;
    }
  }
  return N_IDENTITY;
}

/* Checks a partial run against what the resuming caller is about to run,
 * then resets it to the state before the summary phase. */
static remit_status resume_content(remit__store *st, const remit__run_info *info) {
  int app = 0;
  if (pragma_int(st->db, "PRAGMA application_id", &app) != SQLITE_OK) {
    return db_error(st, "reading the file header");
  }
  if (app != STORE_APPLICATION_ID) {
    return REMIT_ERROR(st->ctx, REMIT_ERR_ARG, "cannot resume %s: not a remit run database",
                       st->partial);
  }
  char stored[96], now_value[96];
  int k = identity_mismatch(st->db, info, stored, now_value, sizeof stored);
  if (k < 0) {
    return db_error(st, "reading the run table");
  }
  if (k < N_IDENTITY) {
    return REMIT_ERROR(st->ctx, REMIT_ERR_ARG, "cannot resume %s: %s (%s: stored '%s', now '%s')",
                       st->partial, identity_why[k], identity_keys[k], stored, now_value);
  }
  /* Summaries are derived from the outcomes and redone by the runner; a run
   * killed after committing 'complete' but before the rename is finished
   * again the same way. */
  char now[32];
  utc_now(now);
  if (exec(st->db, "DELETE FROM summaries") != SQLITE_OK) {
    return db_error(st, "clearing summaries");
  }
  if (sqlite3_prepare_v2(st->db, stmt_sql[S_RUN_SET], -1, &st->stmt[S_RUN_SET], NULL) != SQLITE_OK) {
    return db_error(st, "preparing");
  }
  remit_status status = run_set(st, "status", "running");
  if (status == REMIT_OK) {
    status = run_set(st, "finished", NULL);
  }
  if (status == REMIT_OK) {
    status = run_set(st, "resumed", now);
  }
  return status;
}

/* 1 if `file` is a store whose status is `status` and whose identity is
 * info's; 0 for anything else.  Reads only. */
static int is_run(const char *file, const char *status, const remit__run_info *info) {
  sqlite3 *db = NULL;
  int yes = 0;
  if (file_exists(file) && sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
    int app = 0;
    char stored[96], now_value[96];
    yes = pragma_int(db, "PRAGMA application_id", &app) == SQLITE_OK &&
          app == STORE_APPLICATION_ID && run_get(db, "status", stored, sizeof stored) == 1 &&
          strcmp(stored, status) == 0 &&
          identity_mismatch(db, info, stored, now_value, sizeof stored) == N_IDENTITY;
  }
  sqlite3_close(db);
  return yes;
}

remit_status remit__store_find_run(remit_context *ctx, const char *path,
                                   const remit__run_info *info, remit__found_run *found) {
  if (!ctx || !path || !info || !info->scenario_text || !info->model || !found) {
    return REMIT_ERR_ARG;
  }
  char *partial = dup_concat(ctx, path, ".partial");
  if (!partial) {
    return REMIT_ERR_NOMEM;
  }
  *found = is_run(path, "complete", info)      ? REMIT__RUN_COMPLETE
           : is_run(partial, "running", info) ? REMIT__RUN_PARTIAL
                                               : REMIT__RUN_NONE;
  remit__free(ctx, partial);
  return REMIT_OK;
}

remit_status remit__store_open(remit_context *ctx, const char *path, const remit__run_info *info,
                               int resume, int overwrite, remit__store **out) {
  if (!ctx || !out) {
    return REMIT_ERR_ARG;
  }
  *out = NULL;
  if (!path || !path[0] || !info || !info->scenario_text || !info->model || info->n_params < 0 ||
      (info->n_params > 0 && !info->params) || info->n_vpop < 0 ||
      (info->n_vpop > 0 && !info->vpop_readouts)) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG,
                       "remit__store_open: path, scenario text, model and parameter table are required");
  }
  remit__store *st = remit__calloc(ctx, 1, sizeof(*st));
  if (!st) {
    return REMIT_ERR_NOMEM;
  }
  st->ctx = ctx;
  st->resumed = resume ? 1 : 0;
  st->path = dup_concat(ctx, path, "");
  st->partial = dup_concat(ctx, path, ".partial");
  char *journal = st->partial ? dup_concat(ctx, st->partial, "-journal") : NULL;
  char *wal = st->partial ? dup_concat(ctx, st->partial, "-wal") : NULL;
  remit_status status = REMIT_OK;
  int created = 0;
  if (!st->path || !st->partial || !journal || !wal) {
    status = REMIT_ERR_NOMEM;
    goto fail;
  }
  if (resume) {
    if (!file_exists(st->partial)) {
      status = file_exists(path)
                   ? REMIT_ERROR(ctx, REMIT_ERR_STATE, "cannot resume %s: the run is already complete", path)
                   : REMIT_ERROR(ctx, REMIT_ERR_NOT_FOUND, "cannot resume %s: no %s to resume", path,
                                 st->partial);
      goto fail;
    }
  } else if (file_exists(path) || file_exists(st->partial)) {
    if (!overwrite) {
      status = REMIT_ERROR(ctx, REMIT_ERR_STATE,
                           "%s already exists (overwrite it, or resume an interrupted run)",
                           file_exists(path) ? path : st->partial);
      goto fail;
    }
    if (remove_if_present(path) || remove_if_present(st->partial) || remove_if_present(journal) ||
        remove_if_present(wal)) {
      status = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot remove the old run %s: %s", path, strerror(errno));
      goto fail;
    }
  }
  int flags = SQLITE_OPEN_READWRITE | (resume ? 0 : SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(st->partial, &st->db, flags, NULL);
  created = !resume;
  if (rc != SQLITE_OK) {
    status = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot open %s: %s", st->partial,
                         st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
    goto fail;
  }
  /* Exclusive locking: the lock taken by the first transaction is held until
   * close, so no second process can write (or read a half-run) meanwhile.
   * Rollback journal (the default DELETE mode) rather than WAL: the store
   * mostly appends, and appended pages need no journalling, where WAL would
   * write every page twice.  synchronous=NORMAL: a kill -9 loses nothing
   * committed; a power loss may lose the last chunks, never consistency. */
  char pragmas[160];
  snprintf(pragmas, sizeof pragmas,
           "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = DELETE;"
           " PRAGMA synchronous = NORMAL; PRAGMA cache_size = -%d",
           STORE_CACHE_KIB);
  if (exec(st->db, pragmas) != SQLITE_OK) {
    status = db_error(st, "configuring");
    goto fail;
  }
  sqlite3_busy_timeout(st->db, 0);
  if (exec(st->db, "BEGIN EXCLUSIVE") != SQLITE_OK) {
    status = db_error(st, resume ? "opening the run (is it running elsewhere?)" : "opening the run");
    goto fail;
  }
  status = resume ? resume_content(st, info) : create_content(st, info);
  if (status != REMIT_OK) {
    exec(st->db, "ROLLBACK");
    goto fail;
  }
  if (exec(st->db, "COMMIT") != SQLITE_OK) {
    status = db_error(st, "committing the run header");
    exec(st->db, "ROLLBACK");
    goto fail;
  }
  char *vq = vpop_sql(ctx, info, 0);
  st->n_vpop = info->n_vpop;
  if (!vq || sqlite3_prepare_v3(st->db, vq, -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[S_VPOP],
                                NULL) != SQLITE_OK) {
    status = vq ? db_error(st, "preparing statements (is this a run of an older remit?)")
                : REMIT_ERR_NOMEM;
    remit__free(ctx, vq);
    goto fail;
  }
  remit__free(ctx, vq);
  for (int i = 0; i < S_N; i++) {
    if (!st->stmt[i] && sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                           &st->stmt[i], NULL) != SQLITE_OK) {
      status = db_error(st, "preparing statements");
      goto fail;
    }
  }
  if (resume) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM chunks", -1, &s, NULL) != SQLITE_OK ||
        sqlite3_step(s) != SQLITE_ROW) {
      sqlite3_finalize(s);
      status = db_error(st, "counting chunks");
      goto fail;
    }
    st->chunks_done = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  remit__free(ctx, journal);
  remit__free(ctx, wal);
  *out = st;
  return REMIT_OK;

fail:
  if (st->db) {
    for (int i = 0; i < S_N; i++) {
      sqlite3_finalize(st->stmt[i]);
      st->stmt[i] = NULL;
    }
    sqlite3_close(st->db);
    st->db = NULL;
  }
  if (created) { /* a new run leaves nothing behind */
    remove_if_present(st->partial);
    remove_if_present(journal);
  }
  remit__free(ctx, journal);
  remit__free(ctx, wal);
  store_free(st);
  return status;
}

int remit__store_resumed(const remit__store *st) { return st ? st->resumed : 0; }

int64_t remit__store_chunks_done(const remit__store *st) { return st ? st->chunks_done : 0; }

/* ------------------------------------------------------------------------ */
/* Chunks                                                                    */
/* ------------------------------------------------------------------------ */

int remit__store_chunk_done(remit__store *st, int replicate, int chunk) {
  if (!st) {
    return REMIT_ERR_ARG;
  }
  sqlite3_stmt *s = st->stmt[S_CHUNK_Q];
  sqlite3_bind_int(s, 1, replicate);
  sqlite3_bind_int(s, 2, chunk);
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc == SQLITE_ROW) {
    return 1;
  }
  if (rc == SQLITE_DONE) {
    return 0;
  }
  return db_error(st, "looking up a chunk");
}

remit_status remit__store_begin_chunk(remit__store *st, int replicate, int chunk) {
  if (!st) {
    return REMIT_ERR_ARG;
  }
  if (st->in_chunk || st->in_summary) {
    return REMIT_ERROR(st->ctx, REMIT_ERR_STATE,
                       "remit__store_begin_chunk(%d, %d): %s is still open", replicate, chunk,
                       st->in_chunk ? "a chunk" : "the summary phase");
  }
  int done = remit__store_chunk_done(st, replicate, chunk);
  if (done < 0) {
    return (remit_status)done;
  }
  if (done) {
    return REMIT_ERROR(st->ctx, REMIT_ERR_STATE,
                       "remit__store_begin_chunk: replicate %d chunk %d is already stored", replicate,
                       chunk);
  }
  if (exec(st->db, "BEGIN") != SQLITE_OK) {
    return db_error(st, "beginning a chunk");
  }
  st->in_chunk = 1;
  st->chunk_rep = replicate;
  st->chunk_id = chunk;
  return REMIT_OK;
}

remit_status remit__store_end_chunk(remit__store *st, int replicate, int chunk) {
  remit_status status = need_chunk(st, "remit__store_end_chunk");
  if (status != REMIT_OK) {
    return status;
  }
  if (replicate != st->chunk_rep || chunk != st->chunk_id) {
    return REMIT_ERROR(st->ctx, REMIT_ERR_STATE,
                       "remit__store_end_chunk(%d, %d): the open chunk is (%d, %d)", replicate,
                       chunk, st->chunk_rep, st->chunk_id);
  }
  sqlite3_stmt *s = st->stmt[S_CHUNK_INS];
  sqlite3_bind_int(s, 1, replicate);
  sqlite3_bind_int(s, 2, chunk);
  status = step_insert(st, s, "recording a chunk");
  if (status != REMIT_OK) {
    return status;
  }
  if (exec(st->db, "COMMIT") != SQLITE_OK) {
    status = db_error(st, "committing a chunk");
    return abort_chunk(st, status);
  }
  st->in_chunk = 0;
  st->chunks_done++;
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Rows                                                                      */
/* ------------------------------------------------------------------------ */

remit_status remit__store_patient(remit__store *st, const remit__patient_row *row) {
  remit_status status = need_chunk(st, "remit__store_patient");
  if (status != REMIT_OK) {
    return status;
  }
  if (!row || row->n_params < 0 || (row->n_params > 0 && (!row->param_names || !row->param_values))) {
    return abort_chunk(st, REMIT_ERROR(st->ctx, REMIT_ERR_ARG, "remit__store_patient: bad row"));
  }
  sqlite3_stmt *s = st->stmt[S_PATIENT];
  sqlite3_bind_int(s, 1, row->replicate);
  sqlite3_bind_int(s, 2, row->patient);
  bind_text(s, 3, row->centre);
  bind_text(s, 4, row->arm);
  bind_text(s, 5, row->stratum);
  sqlite3_bind_int(s, 6, row->eligible);
  sqlite3_bind_int(s, 7, row->enrolled);
  bind_text(s, 8, row->screen_fail);
  for (int c = 0; c < REMIT_N_COVARIATES; c++) {
    bind_real(s, 9 + c, row->cov[c]);
  }
  bind_text(s, 9 + REMIT_N_COVARIATES, row->status);
  bind_real(s, 10 + REMIT_N_COVARIATES, row->dropout_day);
  bind_real(s, 11 + REMIT_N_COVARIATES, row->dose_level);
  status = step_insert(st, s, "writing a patient");
  if (status != REMIT_OK) {
    return status;
  }
  s = st->stmt[S_PPARAM];
  for (int i = 0; i < row->n_params; i++) {
    sqlite3_bind_int(s, 1, row->replicate);
    sqlite3_bind_int(s, 2, row->patient);
    bind_text(s, 3, row->param_names[i]);
    bind_real(s, 4, row->param_values[i]);
    status = step_insert(st, s, "writing a patient parameter");
    if (status != REMIT_OK) {
      return status;
    }
  }
  return REMIT_OK;
}

remit_status remit__store_visit(remit__store *st, int replicate, int patient, const remit__visit *v) {
  remit_status status = need_chunk(st, "remit__store_visit");
  if (status != REMIT_OK) {
    return status;
  }
  if (!v) {
    return abort_chunk(st, REMIT_ERROR(st->ctx, REMIT_ERR_ARG, "remit__store_visit: no visit"));
  }
  sqlite3_stmt *s = st->stmt[S_VISIT];
  sqlite3_bind_int(s, 1, replicate);
  sqlite3_bind_int(s, 2, patient);
  bind_real(s, 3, v->day);
  bind_real(s, 4, v->sledai);
  bind_real(s, 5, v->pga);
  bind_real(s, 6, v->prednisone);
  sqlite3_bind_int(s, 7, v->immunosuppressants);
  sqlite3_bind_int(s, 8, v->new_treatment);
  bind_real(s, 9, v->anti_dsdna);
  bind_real(s, 10, v->c3);
  bind_real(s, 11, v->proteinuria);
  bind_real(s, 12, v->igg);
  bind_real(s, 13, v->b_cells);
  bind_real(s, 14, v->damage);
  sqlite3_bind_int64(s, 15, (sqlite3_int64)v->items);
  return step_insert(st, s, "writing a visit");
}

remit_status remit__store_event(remit__store *st, int replicate, int patient, double day,
                                const char *kind, double grade) {
  remit_status status = need_chunk(st, "remit__store_event");
  if (status != REMIT_OK) {
    return status;
  }
  sqlite3_stmt *s = st->stmt[S_EVENT];
  sqlite3_bind_int(s, 1, replicate);
  sqlite3_bind_int(s, 2, patient);
  bind_real(s, 3, day);
  bind_text(s, 4, kind);
  bind_real(s, 5, grade);
  return step_insert(st, s, "writing an event");
}

remit_status remit__store_outcome(remit__store *st, int replicate, int patient, const char *arm,
                                  const char *endpoint, double value, int event, double time,
                                  int evaluable) {
  remit_status status = need_chunk(st, "remit__store_outcome");
  if (status != REMIT_OK) {
    return status;
  }
  if (!endpoint) {
    return abort_chunk(st, REMIT_ERROR(st->ctx, REMIT_ERR_ARG, "remit__store_outcome: no endpoint"));
  }
  sqlite3_stmt *s = st->stmt[S_OUTCOME];
  sqlite3_bind_int(s, 1, replicate);
  sqlite3_bind_int(s, 2, patient);
  bind_text(s, 3, arm);
  bind_text(s, 4, endpoint);
  bind_real(s, 5, value);
  sqlite3_bind_int(s, 6, event);
  bind_real(s, 7, time);
  sqlite3_bind_int(s, 8, evaluable);
  return step_insert(st, s, "writing an outcome");
}

remit_status remit__store_trajectory(remit__store *st, int replicate, int patient,
                                     const char *variable, int n, const double *day,
                                     const double *value) {
  remit_status status = need_chunk(st, "remit__store_trajectory");
  if (status != REMIT_OK) {
    return status;
  }
  if (!variable || n < 0 || (n > 0 && (!day || !value))) {
    return abort_chunk(st, REMIT_ERROR(st->ctx, REMIT_ERR_ARG, "remit__store_trajectory: bad arguments"));
  }
  sqlite3_stmt *s = st->stmt[S_TRAJ];
  for (int i = 0; i < n; i++) {
    sqlite3_bind_int(s, 1, replicate);
    sqlite3_bind_int(s, 2, patient);
    bind_real(s, 3, day[i]);
    bind_text(s, 4, variable);
    bind_real(s, 5, value[i]);
    status = step_insert(st, s, "writing a trajectory");
    if (status != REMIT_OK) {
      return status;
    }
  }
  return REMIT_OK;
}

remit_status remit__store_vpop(remit__store *st, int replicate, int patient, int accepted,
                               double probability, int clipped, const double *readouts) {
  remit_status status = need_chunk(st, "remit__store_vpop");
  if (status != REMIT_OK) {
    return status;
  }
  if (st->n_vpop > 0 && !readouts) {
    return abort_chunk(st, REMIT_ERROR(st->ctx, REMIT_ERR_ARG, "remit__store_vpop: no readouts"));
  }
  sqlite3_stmt *s = st->stmt[S_VPOP];
  sqlite3_bind_int(s, 1, replicate);
  sqlite3_bind_int(s, 2, patient);
  sqlite3_bind_int(s, 3, accepted);
  bind_real(s, 4, probability);
  sqlite3_bind_int(s, 5, clipped);
  for (int k = 0; k < st->n_vpop; k++) {
    bind_real(s, VPOP_FIXED_COLUMNS + 1 + k, readouts[k]);
  }
  return step_insert(st, s, "writing a vpop selection");
}

/* ------------------------------------------------------------------------ */
/* Summary phase                                                             */
/* ------------------------------------------------------------------------ */

remit_status remit__store_vpop_counts(remit__store *st, int64_t *n, int64_t *accepted,
                                      int64_t *clipped) {
  if (!st) {
    return REMIT_ERR_ARG;
  }
  if (st->in_chunk) {
    return REMIT_ERROR(st->ctx, REMIT_ERR_STATE, "remit__store_vpop_counts: a chunk is open");
  }
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(st->db, "SELECT COUNT(*), TOTAL(accepted), TOTAL(clipped) FROM "
                                 "vpop_selection", -1, &s, NULL) != SQLITE_OK ||
      sqlite3_step(s) != SQLITE_ROW) {
    sqlite3_finalize(s);
    return db_error(st, "counting the vpop selection");
  }
  *n = sqlite3_column_int64(s, 0);
  *accepted = (int64_t)sqlite3_column_double(s, 1);
  *clipped = (int64_t)sqlite3_column_double(s, 2);
  sqlite3_finalize(s);
  return REMIT_OK;
}

remit_status remit__store_read_outcomes(remit__store *st, int replicate, const char *arm,
                                        const char *endpoint, double *value, int *event,
                                        double *time, int *evaluable, size_t cap, size_t *n) {
  if (!st) {
    return REMIT_ERR_ARG;
  }
  if (!endpoint || !n) {
    return REMIT_ERROR(st->ctx, REMIT_ERR_ARG, "remit__store_read_outcomes: endpoint and n are required");
  }
  if (st->in_chunk) {
    return REMIT_ERROR(st->ctx, REMIT_ERR_STATE, "remit__store_read_outcomes: a chunk is open");
  }
  /* Built once, after the bulk of the rows: cheaper than maintaining it per
   * insert, and it serves every (endpoint, arm, replicate) query in order. */
  if (!st->outcome_index) {
    if (exec(st->db, "CREATE INDEX IF NOT EXISTS outcomes_by_endpoint"
                     " ON outcomes(endpoint, arm, replicate, patient)") != SQLITE_OK) {
      return db_error(st, "indexing outcomes");
    }
    st->outcome_index = 1;
  }
  char where[160];
  snprintf(where, sizeof where, " FROM outcomes WHERE endpoint = ?1%s%s", arm ? " AND arm = ?2" : "",
           replicate >= 0 ? " AND replicate = ?3" : "");
  char sql[320];
  sqlite3_stmt *s = NULL;
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 0) {
      snprintf(sql, sizeof sql, "SELECT count(*)%s", where);
    } else {
      snprintf(sql, sizeof sql, "SELECT value, event, time, evaluable%s ORDER BY replicate, patient, rowid",
               where);
    }
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
      return db_error(st, "reading outcomes");
    }
    sqlite3_bind_text(s, 1, endpoint, -1, SQLITE_STATIC);
    if (arm) {
      sqlite3_bind_text(s, 2, arm, -1, SQLITE_STATIC);
    }
    if (replicate >= 0) {
      sqlite3_bind_int(s, 3, replicate);
    }
    if (pass == 0) {
      if (sqlite3_step(s) != SQLITE_ROW) {
        remit_status status = db_error(st, "counting outcomes");
        sqlite3_finalize(s);
        return status;
      }
      size_t count = (size_t)sqlite3_column_int64(s, 0);
      sqlite3_finalize(s);
      s = NULL;
      *n = count;
      if (!value && !event && !time && !evaluable) {
        return REMIT_OK;
      }
      if (count > cap) {
        return REMIT_ERROR(st->ctx, REMIT_ERR_RANGE,
                           "remit__store_read_outcomes: %zu outcomes of '%s' do not fit in %zu", count,
                           endpoint, cap);
      }
      continue;
    }
    size_t i = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && i < cap) {
      if (value) {
        value[i] = column_real(s, 0);
      }
      if (event) {
        event[i] = sqlite3_column_int(s, 1);
      }
      if (time) {
        time[i] = column_real(s, 2);
      }
      if (evaluable) {
        evaluable[i] = sqlite3_column_int(s, 3);
      }
      i++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      return db_error(st, "reading outcomes");
    }
    *n = i;
  }
  return REMIT_OK;
}

remit_status remit__store_summary(remit__store *st, int replicate, const char *arm,
                                  const char *endpoint, const char *statistic, double estimate,
                                  double lower, double upper, int64_t n) {
  if (!st) {
    return REMIT_ERR_ARG;
  }
  if (st->in_chunk) {
    return REMIT_ERROR(st->ctx, REMIT_ERR_STATE, "remit__store_summary: a chunk is open");
  }
  if (!endpoint || !statistic) {
    return REMIT_ERROR(st->ctx, REMIT_ERR_ARG, "remit__store_summary: endpoint and statistic are required");
  }
  if (!st->in_summary) {
    if (exec(st->db, "BEGIN") != SQLITE_OK) {
      return db_error(st, "beginning the summaries");
    }
    st->in_summary = 1;
  }
  sqlite3_stmt *s = st->stmt[S_SUMMARY];
  if (replicate >= 0) {
    sqlite3_bind_int(s, 1, replicate);
  } else {
    sqlite3_bind_null(s, 1);
  }
  bind_text(s, 2, arm);
  bind_text(s, 3, endpoint);
  bind_text(s, 4, statistic);
  bind_real(s, 5, estimate);
  bind_real(s, 6, lower);
  bind_real(s, 7, upper);
  sqlite3_bind_int64(s, 8, (sqlite3_int64)n);
  return step_insert(st, s, "writing a summary");
}

remit_status remit__store_set_meta(remit__store *st, const char *key, const char *value) {
  if (!st) {
    return REMIT_ERR_ARG;
  }
  if (!key) {
    return REMIT_ERROR(st->ctx, REMIT_ERR_ARG, "remit__store_set_meta: no key");
  }
  for (size_t i = 0; i < sizeof reserved_keys / sizeof reserved_keys[0]; i++) {
    if (strcmp(key, reserved_keys[i]) == 0) {
      return REMIT_ERROR(st->ctx, REMIT_ERR_ARG, "remit__store_set_meta: '%s' is written by the store",
                         key);
    }
  }
  remit_status status = run_set(st, key, value);
  return status == REMIT_OK ? REMIT_OK : abort_chunk(st, status);
}

/* ------------------------------------------------------------------------ */
/* Finish / close                                                            */
/* ------------------------------------------------------------------------ */

remit_status remit__store_finish(remit__store **pst) {
  if (!pst || !*pst) {
    return REMIT_ERR_ARG;
  }
  remit__store *st = *pst;
  *pst = NULL;
  remit_context *ctx = st->ctx;
  remit_status status = REMIT_OK;
  if (st->in_chunk) {
    status = REMIT_ERROR(ctx, REMIT_ERR_STATE,
                         "remit__store_finish: chunk (%d, %d) is still open; the run stays partial",
                         st->chunk_rep, st->chunk_id);
    abort_chunk(st, status);
    store_free(st);
    return status;
  }
  if (!st->in_summary && exec(st->db, "BEGIN") != SQLITE_OK) {
    status = db_error(st, "finishing");
    store_free(st);
    return status;
  }
  st->in_summary = 1;
  char now[32];
  utc_now(now);
  status = run_set(st, "status", "complete");
  if (status == REMIT_OK) {
    status = run_set(st, "finished", now);
  }
  if (status == REMIT_OK && exec(st->db, "COMMIT") != SQLITE_OK) {
    status = db_error(st, "committing the run");
  }
  if (status != REMIT_OK) {
    abort_chunk(st, status);
    store_free(st);
    return status;
  }
  st->in_summary = 0;
  /* Close before the rename: the file must be whole and journal-free when it
   * appears under its final name. */
  for (int i = 0; i < S_N; i++) {
    sqlite3_finalize(st->stmt[i]);
    st->stmt[i] = NULL;
  }
  if (sqlite3_close(st->db) != SQLITE_OK) {
    status = db_error(st, "closing");
    store_free(st);
    return status;
  }
  st->db = NULL;
  if (rename(st->partial, st->path) != 0) {
    status = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot rename %s to %s: %s", st->partial, st->path,
                         strerror(errno));
  } else {
    sync_parent_dir(st->path);
  }
  store_free(st);
  return status;
}

void remit__store_close(remit__store **pst) {
  if (!pst || !*pst) {
    return;
  }
  remit__store *st = *pst;
  *pst = NULL;
  if (st->db && (st->in_chunk || st->in_summary)) {
    exec(st->db, "ROLLBACK");
  }
  store_free(st);
}

/* ------------------------------------------------------------------------ */
/* Export                                                                    */
/* ------------------------------------------------------------------------ */

const char *remit_store_table(int i) { return i >= 0 && i < N_TABLES ? table_names[i] : NULL; }

static void put_text(FILE *out, const unsigned char *z, int n) {
  int quote = 0;
  for (int i = 0; i < n; i++) {
    if (z[i] == ',' || z[i] == '"' || z[i] == '\r' || z[i] == '\n') {
      quote = 1;
      break;
    }
  }
  if (!quote) {
    fwrite(z, 1, (size_t)n, out);
    return;
  }
  fputc('"', out);
  for (int i = 0; i < n; i++) {
    if (z[i] == '"') {
      fputc('"', out);
    }
    fputc(z[i], out);
  }
  fputc('"', out);
}

/* The shortest %.Ng (N = 15, 16, 17) that reads back as x: exact and short. */
static void put_real(FILE *out, double x) {
  char buf[40];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, x);
    if (prec == 17 || strtod(buf, NULL) == x) {
      break;
    }
  }
  fputs(buf, out);
}

remit_status remit_store_export(remit_context *ctx, const char *db_path, const char *table,
                                unsigned flags, FILE *out) {
  if (!ctx) {
    return REMIT_ERR_ARG;
  }
  if (!db_path || !table || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_store_export: db_path, table and out are required");
  }
  int t = 0;
  while (t < N_TABLES && strcmp(table, table_names[t]) != 0) {
    t++;
  }
  if (t == N_TABLES) {
    char list[256] = "";
    for (int i = 0; i < N_TABLES; i++) {
      size_t len = strlen(list);
      snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", table_names[i]);
    }
    return REMIT_ERROR(ctx, REMIT_ERR_NOT_FOUND, "no table '%s' in a run (tables: %s)", table, list);
  }
  size_t plen = strlen(db_path);
  int is_partial = plen >= 8 && strcmp(db_path + plen - 8, ".partial") == 0;
  if (!file_exists(db_path)) {
    char partial[4096];
    snprintf(partial, sizeof partial, "%s.partial", db_path);
    if (!is_partial && file_exists(partial)) {
      return REMIT_ERROR(ctx, REMIT_ERR_NOT_FOUND,
                         "%s does not exist, but %s does: the run is incomplete (running or interrupted;"
                         " resume it)",
                         db_path, partial);
    }
    return REMIT_ERROR(ctx, REMIT_ERR_NOT_FOUND, "%s: no such run", db_path);
  }
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  remit_status status = REMIT_OK;
  int rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK) {
    status = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot open %s: %s", db_path,
                         db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    goto done;
  }
  int app = 0;
  rc = pragma_int(db, "PRAGMA application_id", &app);
  if (rc == SQLITE_NOTADB) {
    status = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s is not a remit run (not an SQLite database)", db_path);
    goto done;
  }
  if (rc != SQLITE_OK) {
    status = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot read %s: %s", db_path, sqlite3_errmsg(db));
    goto done;
  }
  if (app != STORE_APPLICATION_ID) {
    status = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s is not a remit run database", db_path);
    goto done;
  }
  if (sqlite3_prepare_v2(db, "SELECT value FROM run WHERE key = 'status'", -1, &s, NULL) != SQLITE_OK) {
    status = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot read %s: %s", db_path, sqlite3_errmsg(db));
    goto done;
  }
  rc = sqlite3_step(s);
  int complete = rc == SQLITE_ROW && sqlite3_column_text(s, 0) &&
                 strcmp((const char *)sqlite3_column_text(s, 0), "complete") == 0;
  sqlite3_finalize(s);
  s = NULL;
  if ((!complete || is_partial) && !(flags & REMIT_EXPORT_ALLOW_INCOMPLETE)) {
    status = REMIT_ERROR(ctx, REMIT_ERR_STATE,
                         "%s is an incomplete run (running or interrupted); resume it, or export"
                         " with the allow-incomplete flag",
                         db_path);
    goto done;
  }
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", table_names[t], table_order[t]);
  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
    status = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot read %s.%s: %s", db_path, table, sqlite3_errmsg(db));
    goto done;
  }
  int nc = sqlite3_column_count(s);
  for (int c = 0; c < nc; c++) {
    const char *name = sqlite3_column_name(s, c);
    if (c) {
      fputc(',', out);
    }
    put_text(out, (const unsigned char *)name, (int)strlen(name));
  }
  fputc('\n', out);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    for (int c = 0; c < nc; c++) {
      if (c) {
        fputc(',', out);
      }
      switch (sqlite3_column_type(s, c)) {
      case SQLITE_INTEGER:
        fprintf(out, "%lld", (long long)sqlite3_column_int64(s, c));
        break;
      case SQLITE_FLOAT:
        put_real(out, sqlite3_column_double(s, c));
        break;
      case SQLITE_TEXT:
        put_text(out, sqlite3_column_text(s, c), sqlite3_column_bytes(s, c));
        break;
      case SQLITE_BLOB: { /* not written by remit; hex so the CSV stays text */
        const unsigned char *b = sqlite3_column_blob(s, c);
        int nb = sqlite3_column_bytes(s, c);
        for (int i = 0; i < nb; i++) {
          fprintf(out, "%02x", b[i]);
        }
        break;
      }
      default: /* NULL */
        break;
      }
    }
    fputc('\n', out);
    if (ferror(out)) {
      break;
    }
  }
  if (ferror(out)) {
    status = REMIT_ERROR(ctx, REMIT_ERR_IO, "writing the CSV of %s.%s failed", db_path, table);
  } else if (rc != SQLITE_DONE) {
    status = REMIT_ERROR(ctx, REMIT_ERR_IO, "reading %s.%s: %s", db_path, table, sqlite3_errmsg(db));
  }
done:
  sqlite3_finalize(s);
  sqlite3_close(db);
  return status;
}
