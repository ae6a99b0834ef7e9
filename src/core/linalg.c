/* SPDX-License-Identifier: MIT
 *
 * linalg.c: the small dense linear algebra the loaders and the population
 * code need (correlation matrices of at most a few hundred rows).
 */
#include <math.h>

#include "core_impl.h"

/* Our own loops rather than gsl_linalg_cholesky_decomp1: GSL reports a
 * non-positive-definite matrix through its process-global error handler,
 * which aborts by default, and a library must neither abort nor flip
 * process-global state (STYLE.md 3.4, 3.6). */
int remit__cholesky(double *a, int n, double min_pivot) {
  for (int j = 0; j < n; j++) {
    double d = a[j * n + j];
    for (int k = 0; k < j; k++) {
      d -= a[j * n + k] * a[j * n + k];
    }
    if (!(d > min_pivot)) {
      return 0;
    }
    a[j * n + j] = sqrt(d);
    for (int i = j + 1; i < n; i++) {
      double s = a[i * n + j];
      for (int k = 0; k < j; k++) {
        s -= a[i * n + k] * a[j * n + k];
      }
      a[i * n + j] = s / a[j * n + j];
    }
  }
  return 1;
}
