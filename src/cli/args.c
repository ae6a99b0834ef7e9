/* SPDX-License-Identifier: MIT
 *
 * args.c: strict parsing of command-line values.  A flag's value must be
 * entirely a finite number: "1e6" is fine, "1e6x", "", "nan" and "inf" are not.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "remit %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return CLI_USAGE;
}

int cli_parse_double(const char *cmd, const char *flag, const char *text, double *out) {
  if (!text || !*text) {
    return cli_usage_error(cmd, "%s needs a value", flag);
  }
  char *end = NULL;
  errno = 0;
  double v = strtod(text, &end);
  if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) {
    return cli_usage_error(cmd, "%s: '%s' is not a finite number", flag, text);
  }
  *out = v;
  return 0;
}

int cli_parse_int(const char *cmd, const char *flag, const char *text, int *out) {
  if (!text || !*text) {
    return cli_usage_error(cmd, "%s needs a value", flag);
  }
  char *end = NULL;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (end == text || *end != '\0' || errno == ERANGE || v < INT_MIN || v > INT_MAX) {
    return cli_usage_error(cmd, "%s: '%s' is not an integer", flag, text);
  }
  *out = (int)v;
  return 0;
}

const remit_model_spec *cli_model_by_name(const char *name) {
  if (strcmp(name, "sle") == 0) {
    return remit_spec_sle();
  }
  if (strcmp(name, "reference") == 0) {
    return remit_spec_reference();
  }
  return NULL;
}
