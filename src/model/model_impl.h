/* SPDX-License-Identifier: MIT
 *
 * model_impl.h: the inside of a remit_model (one patient), shared by the
 * model module (parameters, covariates, regimen) and the solver module
 * (simulate).  Nothing here is public.
 */
#ifndef REMIT_MODEL_IMPL_H
#define REMIT_MODEL_IMPL_H

#include "remit/remit_model.h"

/* Most events one dose may become (the spec's schedule callback's budget). */
#define REMIT_MAX_EVENTS_PER_DOSE 8

typedef struct remit__solver remit__solver;

struct remit_model {
  remit_context *ctx;
  const remit_model_spec *spec;
  double *p;               /* n_params table values + n_derived values */
  remit_covariates cov;
  int derived_valid;       /* p's derived tail matches p and cov */
  remit_dose *doses;       /* the regimen as the user gave it */
  int n_doses;
  remit_event *events;     /* what the doses become; capacity n_doses * REMIT_MAX_EVENTS_PER_DOSE */
  int n_events;
  double *boundaries;      /* distinct event and rate-end times; capacity 2 * event capacity */
  double *y0;              /* initial state after burn-in */
  int y0_valid;
  double y0_t_start;       /* the start day y0 was computed for */
  double *y;               /* n_states: the state being integrated */
  double *rate;            /* n_states: zero-order inputs active in the current segment */
  int rate_active;
  remit__solver *solver;
  remit_sim_stats stats;
};

/* Fills the derived tail of m->p from the table values and the covariates
 * (the spec's prepare hook) if it is stale. */
remit_status remit__model_prepare(remit_model *m);

/* Turns the regimen into m->events sorted by time (stable), using the
 * covariates and current parameters. */
remit_status remit__model_schedule(remit_model *m);

#endif /* REMIT_MODEL_IMPL_H */
