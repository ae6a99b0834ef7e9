/* SPDX-License-Identifier: MIT
 *
 * cli.h: the command-line tool's private pieces.  The tool is a client of
 * the public API only (include/remit/); it is the one place that prints,
 * reads the environment and chooses exit codes.
 */
#ifndef REMIT_CLI_H
#define REMIT_CLI_H

#include <stdio.h>

#include "remit/remit.h"

/* Exit codes: 0 success, 1 the computation failed, 2 bad usage or input. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Strict parsing: the whole text must be a finite number (or integer).
 * On failure print "remit <cmd>: <flag>: '<text>' is not a number" and
 * return non-zero. */
int cli_parse_double(const char *cmd, const char *flag, const char *text, double *out);
int cli_parse_int(const char *cmd, const char *flag, const char *text, int *out);

/* One-line error to stderr, prefixed "remit <cmd>: ". Returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* A model by its command-line name ("sle", "reference"), or NULL. */
const remit_model_spec *cli_model_by_name(const char *name);

/* MPI for a command (mpi_cli.c): under a launcher, cli_mpi_init
 * initialises MPI and sets comm (a pointer to MPI_COMM_WORLD, for the
 * library's mpi_comm fields) when there are several ranks; otherwise, and
 * in a build without MPI, this process alone: rank 0 of 1, comm NULL.
 * cli_mpi_any returns 1 on every rank if flag is non-zero on any rank
 * (collective); cli_mpi_finalize ends MPI if init started it. */
typedef struct cli_mpi {
  int active;       /* MPI was initialised */
  int rank, size;
  const void *comm; /* NULL or &MPI_COMM_WORLD when size > 1 */
} cli_mpi;
int cli_mpi_init(const char *cmd, cli_mpi *m);
int cli_mpi_any(const cli_mpi *m, int flag);
void cli_mpi_finalize(cli_mpi *m);

int cmd_simulate(int argc, char **argv);
int cmd_params(int argc, char **argv);
int cmd_trial(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);
int cmd_pathway(int argc, char **argv);

#endif /* REMIT_CLI_H */
