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
