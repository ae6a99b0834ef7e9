/* SPDX-License-Identifier: MIT
 *
 * population.h: drawing virtual patients from a scenario's population.
 *
 * A patient is the pair (covariates, model parameters).  Covariates come
 * from their marginal distributions joined by a Gaussian copula (the given
 * correlation between the normal scores), so any mix of normal, log-normal,
 * truncated, categorical and empirical marginals can be correlated.
 * Parameters are log-normal around the typical value: p = typical·exp(eta),
 * eta ~ N(0, omega²), omega² = log(1 + CV²), with correlations between
 * parameters on the eta scale.  Each patient's draws come from their own
 * keyed streams (rng.h).
 */
#ifndef REMIT_POPULATION_H
#define REMIT_POPULATION_H

#include "remit/remit_trial.h"
#include "rng.h"

typedef struct remit__population remit__population;

/* Precomputes Cholesky factors, the varying parameters and typical values
 * (table values with the scenario's overrides applied).  spec is borrowed. */
remit_status remit__population_create(remit_context *ctx, const remit_scenario *sc,
                                      const remit_model_spec *spec, remit__population **out);
void remit__population_destroy(remit_context *ctx, remit__population **pp);

/* Draws patient `patient` of replicate `replicate`: covariates
 * (REMIT_N_COVARIATES values) and the spec's n_params parameter values.
 * params may be NULL when only the covariates are needed (screening): the
 * streams are separate, so the covariates are the same either way. */
void remit__population_draw(const remit__population *pp, uint64_t seed, int replicate,
                            long patient, double *covariates, double *params);

/* The typical parameter values (table, then the scenario's parameter set and
 * overrides): n_params values owned by pp. */
const double *remit__population_typical(const remit__population *pp);

/* The model covariates from the population covariates. */
void remit__population_model_covariates(const double *covariates, remit_covariates *out);

/* Number of parameters that vary between patients, their indices. */
int remit__population_n_varying(const remit__population *pp);
const int *remit__population_varying(const remit__population *pp);

/* 1 if `value` passes `c`. */
int remit__criterion_holds(const remit_criterion *c, double value);

#endif /* REMIT_POPULATION_H */
