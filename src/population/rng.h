/* SPDX-License-Identifier: MIT
 *
 * rng.h: keyed random streams.
 *
 * Every random draw in a trial comes from a stream named by the key
 * (seed, replicate, patient, purpose).  A patient's covariates, parameters,
 * assay noise and events therefore do not depend on which thread or rank
 * simulates them, nor on how many patients came before; and one purpose can
 * be redrawn (a new noise seed) while the others stay frozen.
 *
 * The generator is xoshiro256** (Blackman & Vigna 2021, ACM TOMS 47:36),
 * its state filled from the key by SplitMix64, the seeding Vigna recommends.
 * It is wrapped as a gsl_rng so every GSL distribution (gsl_ran_*) draws
 * from it; GSL's own generators take a single 32/64-bit seed, which cannot
 * name a stream by four numbers without collisions.
 */
#ifndef REMIT_RNG_H
#define REMIT_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

typedef enum remit__stream {
  REMIT_STREAM_COVARIATES = 1,
  REMIT_STREAM_IIV = 2,
  REMIT_STREAM_NOISE = 3,
  REMIT_STREAM_EVENTS = 4,
  REMIT_STREAM_ALLOCATION = 5,
  REMIT_STREAM_TRIGGERS = 6, /* environmental flare triggers */
  REMIT_STREAM_VPOP = 7,     /* virtual-population acceptance (src/population/vpop.h) */
  REMIT_STREAM_FLUCTUATION = 8 /* visit-to-visit fluctuation of organ activity */
} remit__stream;

typedef struct remit__rng {
  gsl_rng gsl;       /* type + state pointer, for gsl_ran_* */
  uint64_t s[4];     /* xoshiro256** state */
} remit__rng;

/* (Re)keys the stream; r may live on the stack.  Cheap: call it per patient. */
void remit__rng_key(remit__rng *r, uint64_t seed, uint64_t replicate, uint64_t patient,
                    uint64_t purpose);

/* A uniform double in [0, 1). */
double remit__rng_uniform(remit__rng *r);

#endif /* REMIT_RNG_H */
