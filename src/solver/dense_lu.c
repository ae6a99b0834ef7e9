/* SPDX-License-Identifier: MIT
 *
 * dense_lu.c: in-place dense LU with partial pivoting as a SUNLinearSolver.
 */
#include <math.h>
#include <stdlib.h>

#include <nvector/nvector_serial.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "dense_lu.h"

typedef struct dense_lu {
  int n;
  sunindextype *pivot;
  double *rdiag;       /* 1 / U[k][k] */
  sunindextype last_flag;
} dense_lu;

#define LU(S) ((dense_lu *)(S)->content)

static SUNLinearSolver_Type lu_type(SUNLinearSolver S) {
  (void)S;
  return SUNLINEARSOLVER_DIRECT;
}

static SUNLinearSolver_ID lu_id(SUNLinearSolver S) {
  (void)S;
  return SUNLINEARSOLVER_CUSTOM;
}

static int lu_initialize(SUNLinearSolver S) {
  LU(S)->last_flag = 0;
  return SUNLS_SUCCESS;
}

/* Factors A (column-major) in place: L below the diagonal (unit), U on and
 * above.  A zero pivot returns its 1-based column, as SUNLinSol_Dense does,
 * so CVODES treats it as a recoverable failure and retries with a smaller h. */
static int lu_setup(SUNLinearSolver S, SUNMatrix A) {
  dense_lu *c = LU(S);
  const int n = c->n;
  double *restrict a = SM_DATA_D(A);
  for (int k = 0; k < n; k++) {
    double *restrict ck = a + (size_t)k * n;
    int p = k;
    double amax = fabs(ck[k]);
    for (int i = k + 1; i < n; i++) {
      double v = fabs(ck[i]);
      if (v > amax) {
        amax = v;
        p = i;
      }
    }
    c->pivot[k] = p;
    if (amax == 0.0) {
      c->last_flag = k + 1;
      return k + 1;
    }
    if (p != k) {
      for (int j = 0; j < n; j++) {
        double *cj = a + (size_t)j * n;
        double t = cj[k];
        cj[k] = cj[p];
        cj[p] = t;
      }
    }
    const double r = 1.0 / ck[k];
    c->rdiag[k] = r;
    for (int i = k + 1; i < n; i++) {
      ck[i] *= r;
    }
    for (int j = k + 1; j < n; j++) {
      double *restrict cj = a + (size_t)j * n;
      const double akj = cj[k];
      if (akj != 0.0) { /* the Jacobians are sparse: skip empty updates */
        for (int i = k + 1; i < n; i++) {
          cj[i] -= ck[i] * akj;
        }
      }
    }
  }
  c->last_flag = 0;
  return SUNLS_SUCCESS;
}

static int lu_solve(SUNLinearSolver S, SUNMatrix A, N_Vector x, N_Vector b, sunrealtype tol) {
  (void)tol;
  dense_lu *c = LU(S);
  const int n = c->n;
  const double *restrict a = SM_DATA_D(A);
  double *restrict v = N_VGetArrayPointer(x);
  const double *bb = N_VGetArrayPointer(b);
  if (v != bb) {
    for (int i = 0; i < n; i++) {
      v[i] = bb[i];
    }
  }
  for (int k = 0; k < n; k++) {
    sunindextype p = c->pivot[k];
    if (p != k) {
      double t = v[k];
      v[k] = v[p];
      v[p] = t;
    }
  }
  for (int k = 0; k < n - 1; k++) { /* L y = P b */
    const double bk = v[k];
    if (bk != 0.0) {
      const double *ck = a + (size_t)k * n;
      for (int i = k + 1; i < n; i++) {
        v[i] -= ck[i] * bk;
      }
    }
  }
  for (int k = n - 1; k >= 0; k--) { /* U x = y */
    v[k] *= c->rdiag[k];
    const double bk = v[k];
    if (bk != 0.0) {
      const double *ck = a + (size_t)k * n;
      for (int i = 0; i < k; i++) {
        v[i] -= ck[i] * bk;
      }
    }
  }
  c->last_flag = 0;
  return SUNLS_SUCCESS;
}

static sunindextype lu_last_flag(SUNLinearSolver S) { return LU(S)->last_flag; }

static int lu_free(SUNLinearSolver S) {
  if (!S) {
    return SUNLS_SUCCESS;
  }
  if (S->content) {
    free(LU(S)->pivot);
    free(LU(S)->rdiag);
    free(S->content);
    S->content = NULL;
  }
  SUNLinSolFreeEmpty(S);
  return SUNLS_SUCCESS;
}

SUNLinearSolver remit__dense_lu_create(int n, SUNContext sunctx) {
  SUNLinearSolver S = SUNLinSolNewEmpty(sunctx);
  if (!S) {
    return NULL;
  }
  S->ops->gettype = lu_type;
  S->ops->getid = lu_id;
  S->ops->initialize = lu_initialize;
  S->ops->setup = lu_setup;
  S->ops->solve = lu_solve;
  S->ops->lastflag = lu_last_flag;
  S->ops->free = lu_free;
  dense_lu *c = calloc(1, sizeof(*c));
  if (c) {
    c->n = n;
    c->pivot = calloc((size_t)n, sizeof(*c->pivot));
    c->rdiag = calloc((size_t)n, sizeof(*c->rdiag));
  }
  S->content = c;
  if (!c || !c->pivot || !c->rdiag) {
    lu_free(S);
    return NULL;
  }
  return S;
}
