/* SPDX-License-Identifier: MIT
 *
 * test_mpi_trial.c: the trial engine across MPI ranks, through the library
 * (run by tests/mpi/test_mpi.sh under mpirun -np 2; any rank count works).
 *  - a run shared by the ranks gives the same store as one process (every
 *    table but `run`, which holds timestamps), with many chunks per replicate;
 *  - a shared run stopped on rank 0 (progress callback) stops every rank
 *    with the same status, and resumed by the ranks equals the reference;
 *  - a single-process interrupted run resumed by the ranks equals it too;
 *  - 3+3 escalation (rank 0 alone) gives the same store;
 *  - a failure on rank 0 (the store exists) is every rank's failure, no hang.
 * Every rank runs the checks on statuses; rank 0 compares the stores.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mpi.h>

#include "remit/remit.h"
#include "remit_test.h"
#include "remit_test_store.h"

static const char *dir;
static int rank, size;

static const char *rct =
    "name: rct\nseed: 11\nreplicates: 3\n"
    "population:\n  n_enrol: 17\n"
    "  covariates:\n"
    "    sledai: {dist: normal, mean: 12, sd: 4, lower: 4, upper: 30}\n"
    "    renal: {dist: categorical, values: [0, 1], probs: [0.7, 0.3]}\n"
    "  eligibility: [sledai >= 8]\n"
    "arms:\n"
    "  - {name: placebo, placebo: true, regimen: [{input: prednisone, day: 0, amount: 5, "
    "duration: 150}]}\n"
    "  - name: cart\n    regimen:\n"
    "      - {input: fludarabine, day: -5, amount: 25, every: 1, count: 3}\n"
    "      - {input: cyclophosphamide, day: -3, amount: 1000}\n"
    "      - {input: cart19, day: 0, amount: 1e6}\n"
    "design: {kind: parallel, block_size: 4, strata: [renal], followup_days: 150, "
    "dropout_per_year: 0.4}\n"
    "visits: [0, 28, 90, 150]\n"
    "noise: {anti_dsdna_cv: 0.1, c3_cv: 0.05}\n"
    "output: {sample_trajectories: 4}\n"
    "endpoints:\n"
    "  - {name: doris90, kind: doris, day: 90, primary: true}\n"
    "  - {name: sledai_chg, kind: sledai_change, day: 150}\n"
    "  - {name: brec, kind: b_reconstitution, day: 150}\n"
    "  - {name: crs, kind: crs, day: 28}\n";

static const char *esc =
    "name: esc\nseed: 5\n"
    "population: {n_enrol: 6}\n"
    "arms:\n  - {name: cart, dose_levels: [1e5, 1e6, 1e7], regimen: ["
    "{input: cyclophosphamide, day: -3, amount: 1000}, {input: cart19, day: 0, amount: 1e6}]}\n"
    "design: {kind: escalation_3p3, dlt_crs_grade: 2, dlt_window_days: 28, followup_days: 60}\n"
    "visits: [0, 28, 60]\n"
    "endpoints: [{name: crs, kind: crs, day: 28, primary: true}]\n";

static const char *path(const char *name) {
  static char p[4][512];
  static int k = 0;
  k = (k + 1) % 4;
  snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
  return p[k];
}

static void write_file(const char *name, const char *text) {
  if (rank == 0) {
    FILE *f = fopen(path(name), "w");
    fputs(text, f);
    fclose(f);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

static int stop_after(long done, long total, void *user) {
  (void)total;
  return done >= *(long *)user;
}

/* One run: shared by every rank (shared = 1) or by this process alone. */
static remit_status run(const char *scenario, const char *db, int shared, int resume, long stop) {
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  remit_scenario *sc = NULL;
  MPI_Comm world = MPI_COMM_WORLD;
  remit_status st = remit_scenario_load(ctx, path(scenario), &sc);
  if (st == REMIT_OK) {
    remit_trial_options o = {0};
    o.output = db;
    o.threads = 1;
    o.resume = resume;
    o.chunk_size = 4;
    o.mpi_comm = shared ? &world : NULL;
    if (stop > 0) {
      o.progress = stop_after;
      o.progress_user = &stop;
    }
    st = remit_trial_run(ctx, sc, &o);
  }
  if (st != REMIT_OK) {
    printf("# rank %d: %s\n", rank, remit_context_errmsg(ctx));
  }
  remit_scenario_destroy(&sc);
  remit_context_destroy(&ctx);
  return st;
}

/* Rank 0 compares two stores. */
static void same(const char *a, const char *b, const char *what) {
  if (rank == 0) {
    char *da = remit_test_store_dump(a), *db = remit_test_store_dump(b);
    REMIT_CHECK(strlen(da) > 1000 && strcmp(da, db) == 0, "%s (%d ranks): identical stores (%zu "
                "bytes of CSV)", what, size, strlen(da));
    free(da);
    free(db);
  }
}

int main(int argc, char **argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc < 2) {
    fprintf(stderr, "usage: test_mpi_trial DIR\n");
    MPI_Finalize();
    return 2;
  }
  dir = argv[1];
  write_file("rct.yaml", rct);
  write_file("esc.yaml", esc);

  /* The reference: rank 0 alone. */
  if (rank == 0) {
    REMIT_CHECK_STATUS(run("rct.yaml", path("ref.db"), 0, 0, 0), REMIT_OK);
  }
  MPI_Barrier(MPI_COMM_WORLD);

  REMIT_CHECK_STATUS(run("rct.yaml", path("shared.db"), 1, 0, 0), REMIT_OK);
  same(path("ref.db"), path("shared.db"), "shared run");

  /* Stopped on rank 0 after 8 patients: every rank stops; then resumed. */
  REMIT_CHECK_STATUS(run("rct.yaml", path("stop.db"), 1, 0, 8), REMIT_ERR_STATE);
  REMIT_CHECK(access(path("stop.db"), F_OK) != 0 && access(path("stop.db.partial"), F_OK) == 0,
              "rank %d: a stopped shared run leaves only the partial store", rank);
  REMIT_CHECK_STATUS(run("rct.yaml", path("stop.db"), 1, 1, 0), REMIT_OK);
  same(path("ref.db"), path("stop.db"), "stopped and resumed shared run");

  /* Interrupted in one process, resumed by all. */
  if (rank == 0) {
    REMIT_CHECK_STATUS(run("rct.yaml", path("one.db"), 0, 0, 20), REMIT_ERR_STATE);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  REMIT_CHECK_STATUS(run("rct.yaml", path("one.db"), 1, 1, 0), REMIT_OK);
  same(path("ref.db"), path("one.db"), "one-process run resumed by the ranks");

  /* 3+3: rank 0 runs it; the others wait. */
  if (rank == 0) {
    REMIT_CHECK_STATUS(run("esc.yaml", path("esc_ref.db"), 0, 0, 0), REMIT_OK);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  REMIT_CHECK_STATUS(run("esc.yaml", path("esc.db"), 1, 0, 0), REMIT_OK);
  if (rank == 0) {
    char *da = remit_test_store_dump(path("esc_ref.db")),
         *db = remit_test_store_dump(path("esc.db"));
    REMIT_CHECK(strlen(da) > 200 && strcmp(da, db) == 0, "3+3 shared run: identical stores");
    free(da);
    free(db);
  }

  /* Rank 0 cannot open the store (it exists): everyone fails, nobody hangs. */
  REMIT_CHECK_STATUS(run("rct.yaml", path("shared.db"), 1, 0, 0), REMIT_ERR_STATE);

  int failures = remit_test_failures(), any = 0;
  MPI_Allreduce(&failures, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return any ? 1 : 0;
}
