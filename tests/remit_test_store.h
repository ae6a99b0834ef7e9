/* SPDX-License-Identifier: MIT
 *
 * remit_test_store.h: a run store as one text, for tests that compare
 * stores (tests/unit/test_trial.c, tests/mpi/test_mpi_trial.c).
 *
 * Uses open_memstream: define _POSIX_C_SOURCE 200809L before any include.
 */
#ifndef REMIT_TEST_STORE_H
#define REMIT_TEST_STORE_H

#include <stdio.h>
#include <string.h>

#include "remit/remit.h"

/* Every table of the store at db except `run` (it holds timestamps) as one
 * CSV text, each table after a "== NAME" line; a table that cannot be
 * exported reads "export failed: MESSAGE".  The caller frees the text. */
static inline char *remit_test_store_dump(const char *db) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  remit_context *ctx;
  remit_context_create(NULL, &ctx);
  for (int i = 0; remit_store_table(i); i++) {
    const char *t = remit_store_table(i);
    if (strcmp(t, "run") == 0) {
      continue;
    }
    fprintf(f, "== %s\n", t);
    if (remit_store_export(ctx, db, t, REMIT_EXPORT_ALLOW_INCOMPLETE, f) != REMIT_OK) {
      fprintf(f, "export failed: %s\n", remit_context_errmsg(ctx));
    }
  }
  remit_context_destroy(&ctx);
  fclose(f);
  return buf;
}

#endif /* REMIT_TEST_STORE_H */
