/* SPDX-License-Identifier: MIT
 *
 * cohort.h: a deterministic virtual cohort for a remit spec, the way the
 * peers build theirs (../shared/peers/make_cohort.py): patient 0 is the
 * nominal patient; every other patient draws each parameter with cv > 0
 * log-normally, median = the table value, sigma = sqrt(log(1 + cv^2))
 * (0.2936 for CV 30 %).  Same distribution as the peers, not the same draws
 * (their generator is numpy's; this one is splitmix64 + Box-Muller so it
 * needs nothing but a C compiler).
 *
 * Header-only: used by bench/cohort_gen.c and bench/bench_remit.c.
 */
#ifndef REMIT_BENCH_COHORT_H
#define REMIT_BENCH_COHORT_H

#include <math.h>
#include <stdint.h>

#include "remit/remit_model.h"

static inline uint64_t cohort_splitmix64_(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* uniform on (0, 1), never 0 */
static inline double cohort_uniform_(uint64_t *s) {
  return ((double)(cohort_splitmix64_(s) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static inline double cohort_normal_(uint64_t *s) {
  const double u1 = cohort_uniform_(s), u2 = cohort_uniform_(s);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Fills P[n_patients * spec->n_params], row-major, patient 0 nominal. */
static inline void cohort_fill(const remit_model_spec *spec, int n_patients, uint64_t seed,
                               double *P) {
  uint64_t s = seed;
  const int np = spec->n_params;
  for (int i = 0; i < n_patients; i++) {
    for (int k = 0; k < np; k++) {
      const remit_param_info *pi = &spec->params[k];
      const double z = cohort_normal_(&s); /* drawn for every row: stable streams */
      double v = pi->value;
      if (i > 0 && pi->cv > 0.0) {
        const double sigma = sqrt(log(1.0 + pi->cv * pi->cv));
        v = pi->value * exp(sigma * z);
        if (v < pi->lower)
          v = pi->lower;
        if (v > pi->upper)
          v = pi->upper;
      }
      P[(size_t)i * np + k] = v;
    }
  }
}

#endif /* REMIT_BENCH_COHORT_H */
