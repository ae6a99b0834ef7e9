/* SPDX-License-Identifier: MIT
 *
 * solver_impl.h: the integrator behind remit_model_simulate.
 *
 * Two backends: SUNDIALS CVODES (BDF, dense direct Newton; cvodes.c) and
 * remit's own BDF for small models (REMIT_SOLVER_FAST; fast_bdf.c), which
 * falls back to CVODES for any segment it fails.  Their memory is made once
 * per patient object and re-initialised at every segment, so a loop over
 * patients allocates nothing.  The segment loop
 * (events, output grid) is in simulate.c and speaks to the backend only
 * through the functions below, so a second backend slots in beside it.
 */
#ifndef REMIT_SOLVER_IMPL_H
#define REMIT_SOLVER_IMPL_H

#include "model/model_impl.h"

remit_status remit__solver_create(remit_context *ctx, const remit_model_spec *spec,
                                  remit__solver **out);
void remit__solver_destroy(remit_context *ctx, remit__solver **s);

/* Sets tolerances and step limit for the next segments. */
remit_status remit__solver_configure(remit__solver *s, remit_model *m, const remit_sim_options *o);

/* Starts a smooth segment at t0 from y0 that must not step past t_stop. */
remit_status remit__solver_start(remit__solver *s, remit_model *m, double t0, const double *y0,
                                 double t_stop);

/* Advances to tout (<= t_stop) and writes y(tout) into y. */
remit_status remit__solver_advance(remit__solver *s, remit_model *m, double tout, double *y);

/* Adds the counters of the current segment to stats. */
void remit__solver_add_stats(remit__solver *s, remit_sim_stats *stats);

/* Segments the fast backend failed and CVODES redid, since creation. */
long remit__solver_fallbacks(const remit__solver *s);

/* Test hook: the fast backend fails its next `count` advances. */
void remit__solver_inject_fast_failures(remit__solver *s, int count);

#endif /* REMIT_SOLVER_IMPL_H */
