/* SPDX-License-Identifier: MIT
 *
 * fast_bdf.h: remit's own stiff integrator for small dense models
 * (REMIT_SOLVER_FAST; docs/performance.md, "The fast backend").
 *
 * Variable-order (1-5), variable-step BDF in fixed-leading-coefficient
 * Nordsieck form with CVODE's step, order, error-test and Newton rules
 * (Jacobian and Newton-matrix reuse, gamma-ratio correction), written for
 * n <= a few dozen on plain arrays allocated once: no N_Vector or
 * SUNMatrix indirection and no allocation per step.  The Newton matrix
 * I - gamma J is factored by an in-place LU with partial pivoting that
 * skips zero multipliers and zero pivot-row entries, and the factors are
 * compressed to their non-zeros so that each of the ~1000 Newton solves
 * per patient touches only those.  Output comes from the Nordsieck
 * interpolant; the integrator is only stopped at t_stop (a dose).
 *
 * It reports failure instead of trying heroics: the caller (cvodes.c)
 * redoes the segment with CVODES.
 */
#ifndef REMIT_FAST_BDF_H
#define REMIT_FAST_BDF_H

#include "model/model_impl.h"

typedef struct remit__fbdf remit__fbdf;

/* Outcome of remit__fbdf_advance. */
enum {
  REMIT__FBDF_OK = 0,
  REMIT__FBDF_TOO_MUCH_WORK = -1, /* max_steps within one advance */
  REMIT__FBDF_TOO_MUCH_ACC = -2,
  REMIT__FBDF_ERR_FAIL = -3,  /* repeated error-test failures or h too small */
  REMIT__FBDF_CONV_FAIL = -4, /* repeated Newton failures */
  REMIT__FBDF_RHS_FAIL = -5,  /* the model returned < 0 (or > 0 at the start) */
  REMIT__FBDF_BAD_INPUT = -6
};

remit__fbdf *remit__fbdf_create(remit_context *ctx, int n);
void remit__fbdf_destroy(remit_context *ctx, remit__fbdf **s);
void remit__fbdf_configure(remit__fbdf *s, double rtol, const double *atol, long max_steps);
/* Starts a smooth segment at t0 from y0 that will not step past t_stop. */
void remit__fbdf_start(remit__fbdf *s, remit_model *m, double t0, const double *y0, double t_stop);
/* Advances to tout (<= t_stop) and writes y(tout); returns REMIT__FBDF_*. */
int remit__fbdf_advance(remit__fbdf *s, remit_model *m, double tout, double *y);
/* Current time reached (for messages). */
double remit__fbdf_time(const remit__fbdf *s);
/* Adds this segment's counters. */
void remit__fbdf_add_stats(const remit__fbdf *s, remit_sim_stats *st);
/* Test hook: make the next `count` advances fail as if the step size had
 * collapsed (the fallback path). */
void remit__fbdf_inject_failures(remit__fbdf *s, int count);

#endif /* REMIT_FAST_BDF_H */
