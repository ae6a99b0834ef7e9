/* SPDX-License-Identifier: MIT
 *
 * vpop.h: selecting virtual patients by acceptance-rejection.
 *
 * Allen, Rieger & Musante 2016 (CPT Pharmacometrics Syst Pharmacol 5:140,
 * doi:10.1002/psp4.12063 [M]): a *plausible* patient (here: an eligible
 * draw of covariates and parameters) whose baseline readouts are x is kept
 * with probability
 *
 *     p(x) = min(1, c · t(x) / q̂(x)),
 *
 * t the target (published) density of the readouts, q̂ an estimate of their
 * density in the plausible population and c the largest constant that keeps
 * p ≤ 1 over a pilot sample, c = 1 / max_j t(x_j)/q̂(x_j).  The kept
 * patients then have density ∝ q(x)·t(x)/q̂(x) ≈ t(x).
 *
 * Densities are taken on a working scale per readout: log x for a
 * log-normal target, x otherwise (the Jacobian cancels in the ratio).
 *
 *  - t: the product of the targets' marginal densities, or, with a
 *    correlation, their Gaussian copula (the marginals joined through
 *    correlated normal scores).  Truncation sets t = 0 outside the bounds.
 *  - q̂: a Gaussian product-kernel density estimate of the pilot sample
 *    (Silverman's rule of thumb per readout: h_k = (4/(d+2))^(1/(d+4)) ·
 *    m^(−1/(d+4)) · min(sd_k, IQR_k/1.349)), evaluated at x with x itself
 *    added to the sample.  Adding the point bounds q̂ below (a patient far
 *    outside the pilot's cloud is not accepted just because the kernel sum
 *    underflows) and treats pilot patients and later candidates alike.
 *
 * A selector is immutable once made and may be shared by every thread.
 */
#ifndef REMIT_VPOP_H
#define REMIT_VPOP_H

#include "remit/remit_trial.h"

typedef struct remit__vpop remit__vpop;

/* Builds the selector from the scenario's vpop block (borrowed; the targets'
 * distributions are copied) and the pilot: x holds m rows of the
 * spec->n_targets baseline readouts of plausible patients, row-major in
 * target order.  Rows with a NaN (a patient whose baseline could not be
 * simulated) or with a value the working scale cannot take (x <= 0 for a
 * log-normal target) are left out of q̂; they have t = 0 anyway.
 * REMIT_ERR_RANGE, naming the readout, when a readout does not vary in the
 * pilot, when fewer than 10 rows are usable, or when no pilot patient lies
 * where the targets have density. */
remit_status remit__vpop_create(remit_context *ctx, const remit_vpop *spec, const double *x, int m,
                                remit__vpop **out);
void remit__vpop_destroy(remit_context *ctx, remit__vpop **v);

/* The acceptance probability p(x) of readouts x (n_targets values); 0 where
 * t is 0 or a readout is NaN.  *clipped (may be NULL) is set to 1 when
 * c·t/q̂ exceeded 1 (x lies where the pilot had no higher ratio) and p was
 * cut to 1, else 0.  Read-only: any thread may call it. */
double remit__vpop_probability(const remit__vpop *v, const double *x, int *clipped);

/* What the selector found in its pilot, for the run metadata. */
typedef struct remit__vpop_info {
  int n_pilot;            /* pilot patients given */
  int n_used;             /* rows in q̂ */
  double log_constant;    /* log c */
  double expected_rate;   /* mean of p over the n_pilot patients: the expected share of
                           * plausible patients accepted */
  double bandwidth[REMIT_VPOP_MAX_TARGETS]; /* kernel bandwidth per readout, working scale */
} remit__vpop_info;

void remit__vpop_get_info(const remit__vpop *v, remit__vpop_info *info);

/* Mean and standard deviation of a target distribution (normal, lognormal
 * or uniform, truncation included): closed forms. */
void remit__vpop_target_moments(const remit_dist *d, double *mean, double *sd);

#endif /* REMIT_VPOP_H */
