/* SPDX-License-Identifier: MIT
 *
 * cohort_gen: writes a virtual cohort of the reference model as CSV, one
 * header line of parameter names (MODEL.md order, which is also the column
 * order the peers' drivers read) and one row per patient.
 *
 *   cohort_gen N [seed] > cohort.csv
 *
 * Needs only src/model/reference.c:
 *   cc -O2 -Iinclude bench/cohort_gen.c src/model/reference.c -lm
 */
#include <stdio.h>
#include <stdlib.h>

#include "cohort.h"

/* the shortest %g text that reads back to the same double */
static void print_shortest(double v, const char *sep) {
  char buf[40];
  for (int prec = 6; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (strtod(buf, NULL) == v)
      break;
  }
  printf("%s%s", sep, buf);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s N [seed] > cohort.csv\n", argv[0]);
    return 2;
  }
  const int n = atoi(argv[1]);
  const uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 20240601u;
  const remit_model_spec *spec = remit_spec_reference();
  if (n <= 0)
    return 2;
  double *P = malloc(sizeof(double) * (size_t)n * (size_t)spec->n_params);
  if (!P)
    return 1;
  cohort_fill(spec, n, seed, P);
  for (int k = 0; k < spec->n_params; k++)
    printf("%s%s", k ? "," : "", spec->params[k].name);
  putchar('\n');
  for (int i = 0; i < n; i++) {
    for (int k = 0; k < spec->n_params; k++)
      print_shortest(P[(size_t)i * spec->n_params + k], k ? "," : "");
    putchar('\n');
  }
  free(P);
  return 0;
}
