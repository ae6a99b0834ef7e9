/* SPDX-License-Identifier: MIT
 *
 * remit_test.h: the tiny test harness every test program uses.
 *
 * Each check prints one PASS or FAIL line with its location and both
 * operands; a test program returns remit_test_failures() from main so CTest
 * sees a non-zero exit when anything failed.
 */
#ifndef REMIT_TEST_H
#define REMIT_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int remit_test_failed_ = 0;
static int remit_test_passed_ = 0;

static inline void remit_test_report_(int ok, const char *file, int line, const char *what) {
  if (ok) {
    remit_test_passed_++;
    printf("PASS %s:%d %s\n", file, line, what);
  } else {
    remit_test_failed_++;
    printf("FAIL %s:%d %s\n", file, line, what);
  }
}

/* REMIT_CHECK(cond, fmt, ...): cond must hold; the message says what was checked. */
#define REMIT_CHECK(cond, ...)                                  \
  do {                                                          \
    char remit_msg_[512];                                       \
    snprintf(remit_msg_, sizeof remit_msg_, __VA_ARGS__);       \
    remit_test_report_((cond) ? 1 : 0, __FILE__, __LINE__, remit_msg_); \
  } while (0)

/* x within relative tolerance rtol of ref (and both finite). */
#define REMIT_CHECK_REL(x, ref, rtol)                                            \
  do {                                                                           \
    double x_ = (x), r_ = (ref);                                                 \
    int ok_ = isfinite(x_) && isfinite(r_) && fabs(x_ - r_) <= (rtol) * fabs(r_); \
    REMIT_CHECK(ok_, "%s = %.10g vs %s = %.10g (rtol %g)", #x, x_, #ref, r_,      \
                (double)(rtol));                                                 \
  } while (0)

/* x within [lo, hi]. */
#define REMIT_CHECK_RANGE(x, lo, hi)                                                 \
  do {                                                                               \
    double x_ = (x);                                                                 \
    REMIT_CHECK(x_ >= (lo) && x_ <= (hi), "%s = %.6g in [%g, %g]", #x, x_, (double)(lo), \
                (double)(hi));                                                       \
  } while (0)

/* Status equality with names. */
/* Status equality; st is evaluated once (it is usually a call). */
#define REMIT_CHECK_STATUS(st, expected)                                                    \
  do {                                                                                      \
    const int s_ = (int)(st);                                                               \
    REMIT_CHECK(s_ == (int)(expected), "%s -> %d, expected %s (%d)", #st, s_, #expected, \
                (int)(expected));                                                           \
  } while (0)

/* An allocator that fails once a budget of allocations is spent (OOM
 * injection): remit_test_failing f = {n};
 * remit_allocator a = {remit_test_malloc, remit_test_realloc, remit_test_free, &f}; */
typedef struct remit_test_failing {
  int budget;
} remit_test_failing;
static inline void *remit_test_malloc(size_t n, void *u) {
  remit_test_failing *f = u;
  return f->budget-- > 0 ? malloc(n) : NULL;
}
static inline void *remit_test_realloc(void *p, size_t n, void *u) {
  remit_test_failing *f = u;
  return f->budget-- > 0 ? realloc(p, n) : NULL;
}
static inline void remit_test_free(void *p, void *u) {
  (void)u;
  free(p);
}

static inline int remit_test_failures(void) {
  printf("%d passed, %d failed\n", remit_test_passed_, remit_test_failed_);
  return remit_test_failed_ ? 1 : 0;
}

#endif /* REMIT_TEST_H */
