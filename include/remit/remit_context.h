/* SPDX-License-Identifier: MIT
 *
 * remit_context.h: the per-thread context every remit object is made from.
 *
 * A context carries what would otherwise be global: the allocator and the
 * detail of the last error.  The library never prints, exits, aborts or reads
 * the environment; it returns a remit_status and leaves a one-line message on
 * the context for the caller (the command-line tool) to show.
 *
 * Thread safety: a context and everything created from it belong to one
 * thread at a time.  Create one context per thread.
 *
 * Ownership: remit_context_create() gives the caller a context to free with
 * remit_context_destroy().  Strings returned by getters are owned by the
 * context and valid until the next call that fails or the context's destruction.
 */
#ifndef REMIT_CONTEXT_H
#define REMIT_CONTEXT_H

#include <stddef.h>

#include "remit_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct remit_context remit_context;

/* Allocation hooks; all three or none.  Tests use them to inject failures. */
typedef struct remit_allocator {
  void *(*malloc_fn)(size_t size, void *user);
  void *(*realloc_fn)(void *ptr, size_t size, void *user);
  void (*free_fn)(void *ptr, void *user);
  void *user;
} remit_allocator;

/* Creates a context.  alloc may be NULL (the C library's malloc is used);
 * it is copied.  Returns REMIT_ERR_NOMEM or REMIT_ERR_ARG on failure. */
remit_status remit_context_create(const remit_allocator *alloc, remit_context **out);

/* Frees the context; NULL and *ctx == NULL are harmless.  Sets *ctx to NULL. */
void remit_context_destroy(remit_context **ctx);

/* The status and the one-line message of the last failed call made with this
 * context ("" and REMIT_OK if none failed). */
remit_status remit_context_last_error(const remit_context *ctx);
const char *remit_context_errmsg(const remit_context *ctx);

/* Forgets the last error. */
void remit_context_clear_error(remit_context *ctx);

/* Version string ("0.1.0") and a one-line build description: remit version,
 * git revision, SUNDIALS version and precision.  Static strings. */
const char *remit_version(void);
const char *remit_build_info(void);

#ifdef __cplusplus
}
#endif
#endif /* REMIT_CONTEXT_H */
