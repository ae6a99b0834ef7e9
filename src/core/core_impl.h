/* SPDX-License-Identifier: MIT
 *
 * core_impl.h: private pieces of the core every module uses: allocation
 * through the context's hooks and the one error macro.
 */
#ifndef REMIT_CORE_IMPL_H
#define REMIT_CORE_IMPL_H

#include <stddef.h>

#include "remit/remit_context.h"

void *remit__malloc(remit_context *ctx, size_t size);
void *remit__calloc(remit_context *ctx, size_t n, size_t size);
/* Grows or shrinks ptr; on failure returns NULL, leaves ptr valid and records the error. */
void *remit__realloc(remit_context *ctx, void *ptr, size_t size);
void remit__free(remit_context *ctx, void *ptr);

/* Records status and a printf-style one-line message on the context and
 * returns the status.  Every error goes through REMIT_ERROR so there is one
 * breakpoint target. */
remit_status remit__error(remit_context *ctx, remit_status status, const char *file, int line,
                          const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

#define REMIT_ERROR(ctx, status, ...) remit__error((ctx), (status), __FILE__, __LINE__, __VA_ARGS__)

/* Days per year (the Julian year): the unit of rates per patient-year and
 * of yearly hazards. */
#define REMIT__DAYS_PER_YEAR 365.25
/* Days per month (a twelfth of that year): rates per patient-month. */
#define REMIT__DAYS_PER_MONTH (REMIT__DAYS_PER_YEAR / 12.0)

/* In-place Cholesky factor of an n×n symmetric matrix a (row-major): the
 * lower triangle becomes L with L·Lᵀ = a (the upper triangle is left as it
 * was).  Returns 1 when every squared pivot exceeds min_pivot (positive
 * definite), else 0 with a partly overwritten.  linalg.c. */
int remit__cholesky(double *a, int n, double min_pivot);

#endif /* REMIT_CORE_IMPL_H */
