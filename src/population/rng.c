/* SPDX-License-Identifier: MIT
 *
 * rng.c: xoshiro256** keyed by SplitMix64, exposed as a gsl_rng type.
 */
#include "rng.h"

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* SplitMix64 (Steele, Lea & Flood 2014): a bijective 64-bit mixer. */
static inline uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static inline uint64_t next(uint64_t *s) {
  const uint64_t result = rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

static void xo_set(void *state, unsigned long seed) {
  uint64_t *s = state;
  uint64_t x = seed;
  for (int i = 0; i < 4; i++) {
    s[i] = splitmix64(&x);
  }
}
static unsigned long xo_get(void *state) { return (unsigned long)(next(state) >> 32); }
static double xo_get_double(void *state) { return (double)(next(state) >> 11) * 0x1.0p-53; }

static const gsl_rng_type remit_xoshiro_type = {
    "remit-xoshiro256**", 0xffffffffUL, 0, sizeof(uint64_t[4]), xo_set, xo_get, xo_get_double};

void remit__rng_key(remit__rng *r, uint64_t seed, uint64_t replicate, uint64_t patient,
                    uint64_t purpose) {
  /* Fold the key through the mixer one component at a time, so that keys
   * differing in any component give unrelated states. */
  uint64_t x = seed;
  uint64_t h = splitmix64(&x);
  x = h ^ replicate;
  h = splitmix64(&x);
  x = h ^ patient;
  h = splitmix64(&x);
  x = h ^ purpose;
  h = splitmix64(&x);
  for (int i = 0; i < 4; i++) {
    r->s[i] = splitmix64(&h);
  }
  r->gsl.type = &remit_xoshiro_type;
  r->gsl.state = r->s;
}

double remit__rng_uniform(remit__rng *r) { return xo_get_double(r->s); }
