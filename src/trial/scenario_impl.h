/* SPDX-License-Identifier: MIT
 *
 * scenario_impl.h: the inside of a loaded scenario.
 *
 * remit_scenario_destroy() takes no context, so a scenario made by
 * remit_scenario_load() is the public struct wrapped with the context whose
 * allocator made it.  The public struct is the first member, so a
 * remit_scenario pointer and its wrapper pointer are the same address.  The
 * context must therefore outlive the scenario.
 */
#ifndef REMIT_SCENARIO_IMPL_H
#define REMIT_SCENARIO_IMPL_H

#include "remit/remit_trial.h"

typedef struct remit__scenario {
  remit_scenario pub;   /* must stay first */
  remit_context *ctx;   /* borrowed: the allocator every array came from */
} remit__scenario;

/* Limits a scenario is checked against (docs/scenarios.md lists them). */
#define REMIT_SCENARIO_MAX_FILE_BYTES (16L * 1024 * 1024)
#define REMIT_SCENARIO_MAX_N 100000000.0     /* patients to enrol or screen */
#define REMIT_SCENARIO_MAX_REPLICATES 100000
#define REMIT_SCENARIO_MAX_LIST 100000       /* items in any list (visits, values, doses) */
#define REMIT_SCENARIO_MAX_ARMS 64             /* the trial engine's per-arm tables */
#define REMIT_SCENARIO_MAX_CENTRES 64
#define REMIT_SCENARIO_DAY_MIN (-365.0)
#define REMIT_SCENARIO_DAY_MAX 36500.0
/* Tolerance on probabilities summing to 1. */
#define REMIT_SCENARIO_PROB_TOL 1e-9
/* Tolerance on correlation-matrix symmetry and unit diagonal. */
#define REMIT_SCENARIO_SYM_TOL 1e-12
/* Smallest admissible Cholesky pivot (squared) of a correlation matrix: a
 * matrix closer to singular than this is refused as not positive definite,
 * because sampling through it would amplify rounding into the draws. */
#define REMIT_SCENARIO_MIN_PIVOT 1e-10
/* vpop: the pilot sample's size (its density estimate costs pilot² kernel
 * evaluations per target, so the upper bound keeps it to about a second) and
 * the defaults (docs/scenarios.md, "Virtual populations"). */
#define REMIT_VPOP_MIN_PILOT 50
#define REMIT_VPOP_MAX_PILOT 20000
#define REMIT_VPOP_DEFAULT_PILOT 2000
#define REMIT_VPOP_DEFAULT_MAX_DRAWS 100.0
#define REMIT_VPOP_MAX_MAX_DRAWS 1e6

#endif /* REMIT_SCENARIO_IMPL_H */
