/* SPDX-License-Identifier: MIT
 *
 * mpi_cli.c: MPI for the commands that share their work across ranks
 * (`remit trial`, `remit validate`, `remit fit`, `remit sensitivity`).
 *
 * Started by an MPI launcher (`mpirun -np N remit ...`, `srun`), a command
 * initialises MPI, gives MPI_COMM_WORLD to the library (remit_trial_options
 * or remit_eval_options .mpi_comm), and prints and writes its outputs on
 * rank 0 only (docs/cluster.md).  The library itself never initialises MPI.
 * A plain run does not initialise MPI at all (it costs time and may warn
 * about networks), and a build without MPI has stand-ins: one process.
 */
#include <stdlib.h>

#include "cli.h"
#include "remit/remit_config.h"

#ifdef REMIT_HAVE_MPI
#include <mpi.h>

/* The communicator cli_mpi.comm points to (a command runs once per process). */
static MPI_Comm world;

/* 1 when an MPI launcher started this process. */
static int mpi_launched(void) {
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};
  for (size_t k = 0; k < sizeof vars / sizeof vars[0]; k++) {
    if (getenv(vars[k])) {
      return 1;
    }
  }
  return 0;
}

int cli_mpi_init(const char *cmd, cli_mpi *m) {
  *m = (cli_mpi){0, 0, 1, NULL};
  if (!mpi_launched()) {
    return CLI_OK;
  }
  /* Only this thread calls MPI; OpenMP threads inside a rank never do. */
  int provided = 0;
  if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    fprintf(stderr, "remit %s: MPI_Init_thread failed\n", cmd);
    return CLI_FAIL;
  }
  m->active = 1;
  world = MPI_COMM_WORLD;
  MPI_Comm_rank(world, &m->rank);
  MPI_Comm_size(world, &m->size);
  if (m->size > 1) {
    m->comm = &world;
  }
  return CLI_OK;
}

int cli_mpi_any(const cli_mpi *m, int flag) {
  if (m->size > 1) {
    int in = flag;
    MPI_Allreduce(&in, &flag, 1, MPI_INT, MPI_MAX, world);
  }
  return flag;
}

void cli_mpi_finalize(cli_mpi *m) {
  if (m->active) {
    MPI_Finalize();
    m->active = 0;
  }
}

#else /* !REMIT_HAVE_MPI */

int cli_mpi_init(const char *cmd, cli_mpi *m) {
  (void)cmd;
  *m = (cli_mpi){0, 0, 1, NULL};
  return CLI_OK;
}

int cli_mpi_any(const cli_mpi *m, int flag) {
  (void)m;
  return flag;
}

void cli_mpi_finalize(cli_mpi *m) {
  (void)m;
}

#endif /* REMIT_HAVE_MPI */
