/* SPDX-License-Identifier: MIT
 *
 * context.c: the context (allocator, last error), status texts and build
 * information.  Nothing here is global and mutable: all state is on the
 * context the caller owns.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sundials/sundials_config.h>

#include "core_impl.h"
#include "remit/remit_config.h"

struct remit_context {
  remit_allocator alloc;
  remit_status last;
  char msg[512];
};

static void *default_malloc(size_t size, void *user) {
  (void)user;
  return malloc(size);
}
static void *default_realloc(void *ptr, size_t size, void *user) {
  (void)user;
  return realloc(ptr, size);
}
static void default_free(void *ptr, void *user) {
  (void)user;
  free(ptr);
}

const char *remit_status_str(remit_status status) {
  switch (status) {
#define REMIT_STATUS_CASE_(name, value, text) \
  case name:                                  \
    return text;
    REMIT_STATUS_LIST(REMIT_STATUS_CASE_)
#undef REMIT_STATUS_CASE_
  }
  return "unknown status";
}

remit_status remit_context_create(const remit_allocator *alloc, remit_context **out) {
  if (!out) {
    return REMIT_ERR_ARG;
  }
  *out = NULL;
  remit_allocator a = {default_malloc, default_realloc, default_free, NULL};
  if (alloc) {
    if (!alloc->malloc_fn || !alloc->realloc_fn || !alloc->free_fn) {
      return REMIT_ERR_ARG;
    }
    a = *alloc;
  }
  remit_context *ctx = a.malloc_fn(sizeof(*ctx), a.user);
  if (!ctx) {
    return REMIT_ERR_NOMEM;
  }
  memset(ctx, 0, sizeof(*ctx));
  ctx->alloc = a;
  *out = ctx;
  return REMIT_OK;
}

void remit_context_destroy(remit_context **ctx) {
  if (!ctx || !*ctx) {
    return;
  }
  remit_allocator a = (*ctx)->alloc;
  a.free_fn(*ctx, a.user);
  *ctx = NULL;
}

remit_status remit_context_last_error(const remit_context *ctx) { return ctx ? ctx->last : REMIT_ERR_ARG; }

const char *remit_context_errmsg(const remit_context *ctx) { return ctx ? ctx->msg : "no context"; }

void remit_context_clear_error(remit_context *ctx) {
  if (ctx) {
    ctx->last = REMIT_OK;
    ctx->msg[0] = '\0';
  }
}

void *remit__malloc(remit_context *ctx, size_t size) {
  void *p = ctx->alloc.malloc_fn(size ? size : 1, ctx->alloc.user);
  if (!p) {
    REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory allocating %zu bytes", size);
  }
  return p;
}

void *remit__calloc(remit_context *ctx, size_t n, size_t size) {
  if (size && n > (size_t)-1 / size) {
    REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "allocation of %zu x %zu bytes overflows", n, size);
    return NULL;
  }
  void *p = remit__malloc(ctx, n * size);
  if (p) {
    memset(p, 0, n * size);
  }
  return p;
}

void *remit__realloc(remit_context *ctx, void *ptr, size_t size) {
  void *p = ctx->alloc.realloc_fn(ptr, size ? size : 1, ctx->alloc.user);
  if (!p) {
    REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory growing a buffer to %zu bytes", size);
  }
  return p;
}

void remit__free(remit_context *ctx, void *ptr) {
  if (ptr) {
    ctx->alloc.free_fn(ptr, ctx->alloc.user);
  }
}

remit_status remit__error(remit_context *ctx, remit_status status, const char *file, int line,
                          const char *fmt, ...) {
  (void)file; /* kept for a debugger breakpoint; the message stays user-facing */
  (void)line;
  if (!ctx) {
    return status;
  }
  ctx->last = status;
  /* Format into a copy: callers may prefix the previous message
   * ("%s: %s", path, remit_context_errmsg(ctx)), and vsnprintf's source and
   * destination must not overlap. */
  char buf[sizeof ctx->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  memcpy(ctx->msg, buf, sizeof buf);
  return status;
}

const char *remit_version(void) { return REMIT_VERSION; }

const char *remit_build_info(void) {
  return "remit " REMIT_VERSION " (git " REMIT_GIT_REVISION "), SUNDIALS " SUNDIALS_VERSION
         " double precision, " REMIT_BUILD_TYPE " build";
}
