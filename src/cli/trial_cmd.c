/* SPDX-License-Identifier: MIT
 *
 * trial_cmd.c: `remit trial SCENARIO.yaml -o RUN.db` and `remit export RUN TABLE`.
 *
 * Started by an MPI launcher (`mpirun -np N remit trial ...`, `srun`), the
 * command initialises MPI and gives MPI_COMM_WORLD to remit_trial_run: the
 * ranks share the patients and rank 0 writes the store and prints
 * (docs/cluster.md; mpi_cli.c).  The library itself never initialises MPI.
 */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void trial_help(FILE *f) {
  fprintf(f,
          "usage: remit trial SCENARIO.yaml -o RUN.db [--resume] [--overwrite]\n"
          "                   [--threads N] [--chunk-size N] [--quiet]\n"
          "\n"
          "Runs the in silico trial a scenario describes (docs/scenarios.md; examples in\n"
          "scenarios/) and writes one SQLite store with the scenario, the parameter set,\n"
          "patients, visits, events, outcomes and endpoint summaries; prints the summary.\n"
          "The store is written as RUN.db.partial and renamed when complete; after an\n"
          "interruption, the same command with --resume continues it to the same result.\n"
          "  --threads N   worker threads (default: all cores); results do not depend on N\n"
          "Under mpirun or srun the processes share the patients and rank 0 writes the\n"
          "store; the store is the same as one process's (docs/cluster.md).\n"
          "  --chunk-size N  patients per committed chunk, the unit of work shared between\n"
          "                processes (default 256); only the chunks table depends on it;\n"
          "                --resume needs the size the run started with\n"
          "  --overwrite   replace an existing RUN.db\n");
}

static void export_help(FILE *f) {
  fprintf(f,
          "usage: remit export RUN.db TABLE [-o FILE.csv] [--incomplete]\n"
          "\n"
          "Writes one table of a run store as CSV (to stdout, or FILE.csv).  Tables: run,\n"
          "parameters, patients, patient_params, visits, events, outcomes, summaries,\n"
          "trajectories, chunks.  --incomplete also exports an interrupted run.\n");
}

/* Ctrl-C asks the run to stop after the current chunk, so the partial store
 * is consistent and --resume continues it. */
static volatile sig_atomic_t interrupted = 0;
static void on_sigint(int sig) {
  (void)sig;
  interrupted = 1;
}

typedef struct progress_state {
  int show;
  double t0;    /* when the run started (monotonic seconds) */
  long done0;   /* patients done before this process started (a resumed run) */
} progress_state;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* "done / total patients", with the rate and the time left once there is
 * a rate to go by: a long run says how long it will take. */
static int progress(long done, long total, void *user) {
  progress_state *p = user;
  if (p->show) {
    if (p->done0 < 0) {
      p->done0 = done;
    }
    const double dt = now_s() - p->t0;
    const long made = done - p->done0;
    fprintf(stderr, "\rremit trial: %ld / %ld patients", done, total);
    if (made > 0 && dt > 1.0) {
      const double rate = made / dt, left = (double)(total - done) / rate;
      fprintf(stderr, ", %.0f/s, %.0f s elapsed, ~%.0f s left   ", rate, dt, left);
    }
    if (done >= total || interrupted) {
      fputc('\n', stderr);
    }
    fflush(stderr);
  }
  return interrupted;
}

int cmd_trial(int argc, char **argv) {
  const char *scenario = NULL, *out = NULL;
  remit_trial_options opt = {0};
  int quiet = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      trial_help(stdout);
      return CLI_OK;
    } else if (strcmp(a, "--resume") == 0) {
      opt.resume = 1;
    } else if (strcmp(a, "--overwrite") == 0) {
      opt.overwrite = 1;
    } else if (strcmp(a, "--quiet") == 0) {
      quiet = 1;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
      if (i + 1 >= argc) {
        return cli_usage_error("trial", "%s needs a value", a);
      }
      out = argv[++i];
    } else if (strcmp(a, "--threads") == 0) {
      if (i + 1 >= argc) {
        return cli_usage_error("trial", "%s needs a value", a);
      }
      if (cli_parse_int("trial", a, argv[++i], &opt.threads) != 0) {
        return CLI_USAGE;
      }
      if (opt.threads < 1 || opt.threads > 1024) {
        return cli_usage_error("trial", "--threads: %d is not between 1 and 1024", opt.threads);
      }
    } else if (strcmp(a, "--chunk-size") == 0) {
      if (i + 1 >= argc) {
        return cli_usage_error("trial", "%s needs a value", a);
      }
      if (cli_parse_int("trial", a, argv[++i], &opt.chunk_size) != 0) {
        return CLI_USAGE;
      }
      if (opt.chunk_size < 1 || opt.chunk_size > 100000) {
        return cli_usage_error("trial", "--chunk-size: %d is not between 1 and 100000",
                               opt.chunk_size);
      }
    } else if (a[0] == '-') {
      return cli_usage_error("trial", "unknown option '%s' (try remit trial --help)", a);
    } else if (!scenario) {
      scenario = a;
    } else {
      return cli_usage_error("trial", "one scenario file at a time ('%s' is extra)", a);
    }
  }
  if (!scenario || !out) {
    return cli_usage_error("trial", "need SCENARIO.yaml and -o RUN.db (try remit trial --help)");
  }
  if (opt.resume && opt.overwrite) {
    return cli_usage_error("trial", "--resume and --overwrite exclude each other");
  }
  opt.output = out;
  cli_mpi mpi;
  if (cli_mpi_init("trial", &mpi) != CLI_OK) {
    return CLI_FAIL;
  }
  opt.mpi_comm = mpi.comm;
  const int rank = mpi.rank;
  /* A resumed run's first report sets its starting count (-1: not yet). */
  progress_state show = {!quiet && rank == 0 && isatty(fileno(stderr)), now_s(),
                         opt.resume ? -1 : 0};
  opt.progress = progress;
  opt.progress_user = &show;
  signal(SIGINT, on_sigint);
  signal(SIGTERM, on_sigint);
  remit_context *ctx = NULL;
  remit_scenario *sc = NULL;
  int rc = CLI_OK;
  remit_status st = remit_context_create(NULL, &ctx);
  if (st != REMIT_OK) {
    fprintf(stderr, "remit trial: out of memory\n");
    rc = CLI_FAIL;
  } else {
    st = remit_scenario_load(ctx, scenario, &sc);
  }
  int bad = cli_mpi_any(&mpi, st != REMIT_OK); /* every rank read the scenario, or none runs */
  if (rc != CLI_OK) {
    /* no context */
  } else if (bad) {
    if (st != REMIT_OK && rank == 0) {
      fprintf(stderr, "remit trial: %s\n", remit_context_errmsg(ctx));
    } else if (st != REMIT_OK) {
      fprintf(stderr, "remit trial: rank %d: %s\n", rank, remit_context_errmsg(ctx));
    }
    rc = CLI_USAGE;
  } else {
    st = remit_trial_run(ctx, sc, &opt);
    if (st != REMIT_OK) {
      if (rank == 0) { /* every rank has rank 0's status and message */
        fprintf(stderr, "remit trial: %s\n", remit_context_errmsg(ctx));
      }
      rc = (st == REMIT_ERR_ARG || st == REMIT_ERR_RANGE || st == REMIT_ERR_NOT_FOUND) ? CLI_USAGE
                                                                                       : CLI_FAIL;
    } else if (!quiet && rank == 0) {
      if (remit_trial_print_summary(ctx, out, stdout) != REMIT_OK) {
        fprintf(stderr, "remit trial: %s\n", remit_context_errmsg(ctx));
        rc = CLI_FAIL;
      }
    }
  }
  remit_scenario_destroy(&sc);
  remit_context_destroy(&ctx);
  cli_mpi_finalize(&mpi);
  return rc;
}

int cmd_export(int argc, char **argv) {
  const char *db = NULL, *table = NULL, *out = NULL;
  unsigned flags = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      export_help(stdout);
      return CLI_OK;
    } else if (strcmp(a, "--incomplete") == 0) {
      flags |= REMIT_EXPORT_ALLOW_INCOMPLETE;
    } else if (strcmp(a, "-o") == 0) {
      if (i + 1 >= argc) {
        return cli_usage_error("export", "-o needs a value");
      }
      out = argv[++i];
    } else if (a[0] == '-') {
      return cli_usage_error("export", "unknown option '%s' (try remit export --help)", a);
    } else if (!db) {
      db = a;
    } else if (!table) {
      table = a;
    } else {
      return cli_usage_error("export", "unexpected argument '%s'", a);
    }
  }
  if (!db || !table) {
    return cli_usage_error("export", "need RUN.db and TABLE (try remit export --help)");
  }
  FILE *f = stdout;
  char *tmp = NULL;
  if (out) {
    size_t len = strlen(out) + 16;
    tmp = malloc(len);
    if (!tmp) {
      return CLI_FAIL;
    }
    snprintf(tmp, len, "%s.partial", out);
    f = fopen(tmp, "w");
    if (!f) {
      fprintf(stderr, "remit export: cannot write '%s'\n", out);
      free(tmp);
      return CLI_FAIL;
    }
  }
  remit_context *ctx = NULL;
  remit_context_create(NULL, &ctx);
  remit_status st = ctx ? remit_store_export(ctx, db, table, flags, f) : REMIT_ERR_NOMEM;
  int rc = CLI_OK;
  if (st != REMIT_OK) {
    fprintf(stderr, "remit export: %s\n", ctx ? remit_context_errmsg(ctx) : "out of memory");
    rc = st == REMIT_ERR_IO ? CLI_FAIL : CLI_USAGE;
  }
  if (out) {
    int bad = fclose(f) != 0;
    if (rc == CLI_OK && (bad || rename(tmp, out) != 0)) {
      fprintf(stderr, "remit export: cannot write '%s'\n", out);
      rc = CLI_FAIL;
    }
    if (rc != CLI_OK) {
      remove(tmp);
    }
    free(tmp);
  }
  remit_context_destroy(&ctx);
  return rc;
}
