/* SPDX-License-Identifier: MIT
 *
 * yaml_read.c: checked reading of values from a libyaml document
 * (yaml_read.h), for the trial and pathway scenario loaders.
 */
#include "yaml_read.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core_impl.h"

/* ------------------------------------------------------------------------ */
/* Messages and field paths                                                  */
/* ------------------------------------------------------------------------ */

unsigned long remit__yaml_line(const yaml_node_t *n) {
  return n ? (unsigned long)n->start_mark.line + 1 : 1ul;
}

remit_status remit__yaml_fail(const remit__yaml *y, const yaml_node_t *n, const char *field,
                              const char *fmt, ...) {
  char what[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return REMIT_ERROR(y->ctx, REMIT_ERR_ARG, "%s:%lu: %s: %s", y->path, remit__yaml_line(n),
                     field && field[0] ? field : "(top level)", what);
}

void remit__yaml_join(char *buf, const char *parent, const char *key) {
  if (!parent || !parent[0]) {
    snprintf(buf, REMIT__YAML_FIELD_LEN, "%s", key);
  } else {
    snprintf(buf, REMIT__YAML_FIELD_LEN, "%.100s.%.50s", parent, key);
  }
}

void remit__yaml_join_index(char *buf, const char *parent, int i) {
  snprintf(buf, REMIT__YAML_FIELD_LEN, "%.140s[%d]", parent, i);
}

const char *remit__yaml_scalar(const yaml_node_t *n) {
  return (const char *)n->data.scalar.value;
}

/* How a node reads in a message: 'text' for a scalar, else its kind. */
const char *remit__yaml_got(const yaml_node_t *n, char *buf, size_t len) {
  if (!n) {
    snprintf(buf, len, "nothing");
  } else if (n->type == YAML_MAPPING_NODE) {
    snprintf(buf, len, "a mapping");
  } else if (n->type == YAML_SEQUENCE_NODE) {
    snprintf(buf, len, "a list");
  } else if (n->data.scalar.length == 0) {
    snprintf(buf, len, "an empty value");
  } else {
    int quoted = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                 n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    snprintf(buf, len, "%s'%.40s%s'", quoted ? "the quoted text " : "", remit__yaml_scalar(n),
             n->data.scalar.length > 40 ? "..." : "");
  }
  return buf;
}

/* ------------------------------------------------------------------------ */
/* Typed accessors                                                           */
/* ------------------------------------------------------------------------ */

int remit__yaml_is_plain_scalar(const yaml_node_t *n) {
  return n && n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* YAML's .nan / .inf spellings and C's nan / inf, any case and sign. */
int remit__yaml_is_nonfinite_word(const char *t) {
  if (*t == '+' || *t == '-') {
    t++;
  }
  if (*t == '.') {
    t++;
  }
  return strcasecmp(t, "nan") == 0 || strcasecmp(t, "inf") == 0 || strcasecmp(t, "infinity") == 0;
}

static void range_text(char *b, size_t n, const char *noun, double lo, double hi, int lo_open) {
  if (isinf(lo) && isinf(hi)) {
    snprintf(b, n, "%s (finite)", noun);
  } else if (isinf(hi)) {
    snprintf(b, n, "%s %s %g", noun, lo_open ? ">" : ">=", lo);
  } else {
    snprintf(b, n, "%s in %c%g, %g]", noun, lo_open ? '(' : '[', lo, hi);
  }
}

/* A plain scalar number in [lo, hi] (or (lo, hi] when lo_open); `noun` says
 * what kind of number in messages ("a number", "a whole number", "a day"). */
remit_status remit__yaml_get_num_as(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                    const char *noun, double lo, double hi, int lo_open,
                                    double *out) {
  char g[64], want[96];
  range_text(want, sizeof want, noun, lo, hi, lo_open);
  if (!remit__yaml_is_plain_scalar(n) || n->data.scalar.length == 0) {
    return remit__yaml_fail(y, n, field, "expected %s, got %s", want,
                            remit__yaml_got(n, g, sizeof g));
  }
  const char *t = remit__yaml_scalar(n);
  if (remit__yaml_is_nonfinite_word(t)) {
    return remit__yaml_fail(y, n, field, "expected %s, got %s (NaN and infinity are not allowed)",
                            want, remit__yaml_got(n, g, sizeof g));
  }
  char *end = NULL;
  errno = 0;
  double x = strtod(t, &end);
  if (end == t || *end != '\0') {
    return remit__yaml_fail(y, n, field, "expected %s, got %s", want,
                            remit__yaml_got(n, g, sizeof g));
  }
  if (!isfinite(x)) {
    return remit__yaml_fail(y, n, field, "expected %s, got %s (too large)", want,
                            remit__yaml_got(n, g, sizeof g));
  }
  if (x < lo || x > hi || (lo_open && x <= lo)) {
    return remit__yaml_fail(y, n, field, "expected %s, got %s", want,
                            remit__yaml_got(n, g, sizeof g));
  }
  *out = x;
  return REMIT_OK;
}

remit_status remit__yaml_get_num(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                 double lo, double hi, int lo_open, double *out) {
  return remit__yaml_get_num_as(y, n, field, "a number", lo, hi, lo_open, out);
}

remit_status remit__yaml_get_int(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                 double lo, double hi, int *out) {
  double x = 0.0;
  remit_status st = remit__yaml_get_num_as(y, n, field, "a whole number", lo, hi, 0, &x);
  if (st != REMIT_OK) {
    return st;
  }
  if (x != floor(x)) {
    char g[64];
    return remit__yaml_fail(y, n, field, "expected a whole number in [%g, %g], got %s", lo, hi,
                            remit__yaml_got(n, g, sizeof g));
  }
  *out = (int)x;
  return REMIT_OK;
}

remit_status remit__yaml_get_bool(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                  int *out) {
  if (remit__yaml_is_plain_scalar(n)) {
    const char *t = remit__yaml_scalar(n);
    if (strcasecmp(t, "true") == 0 || strcasecmp(t, "yes") == 0) {
      *out = 1;
      return REMIT_OK;
    }
    if (strcasecmp(t, "false") == 0 || strcasecmp(t, "no") == 0) {
      *out = 0;
      return REMIT_OK;
    }
  }
  char g[64];
  return remit__yaml_fail(y, n, field, "expected true or false, got %s",
                          remit__yaml_got(n, g, sizeof g));
}

/* A non-empty scalar string; returns a pointer into the document. */
remit_status remit__yaml_get_str(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                 const char *what, const char **out) {
  if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.length == 0 ||
      n->data.scalar.length > 1000) {
    char g[64];
    return remit__yaml_fail(y, n, field, "expected %s, got %s", what,
                            remit__yaml_got(n, g, sizeof g));
  }
  *out = remit__yaml_scalar(n);
  return REMIT_OK;
}

remit_status remit__yaml_get_u64(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                 uint64_t *out) {
  char g[64];
  const char *want = "a whole number in [0, 18446744073709551615]";
  if (!remit__yaml_is_plain_scalar(n) || n->data.scalar.length == 0 || n->data.scalar.length > 20) {
    return remit__yaml_fail(y, n, field, "expected %s, got %s", want,
                            remit__yaml_got(n, g, sizeof g));
  }
  const char *t = remit__yaml_scalar(n);
  for (const char *c = t; *c; c++) {
    if (*c < '0' || *c > '9') {
      return remit__yaml_fail(y, n, field, "expected %s, got %s", want,
                              remit__yaml_got(n, g, sizeof g));
    }
  }
  errno = 0;
  unsigned long long v = strtoull(t, NULL, 10);
  if (errno == ERANGE) {
    return remit__yaml_fail(y, n, field, "expected %s, got %s", want,
                            remit__yaml_got(n, g, sizeof g));
  }
  *out = (uint64_t)v;
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Mappings and lists                                                        */
/* ------------------------------------------------------------------------ */

yaml_node_t *remit__yaml_node_at(const remit__yaml *y, int index) {
  return yaml_document_get_node(y->doc, index);
}

void remit__yaml_key_list(char *b, size_t n, const char *const *keys) {
  size_t used = 0;
  b[0] = '\0';
  for (int i = 0; keys[i] && used + 1 < n; i++) {
    int w = snprintf(b + used, n - used, "%s%s", i ? ", " : "", keys[i]);
    if (w < 0) {
      break;
    }
    used += (size_t)w;
  }
}

/* n must be a mapping whose keys are plain scalars from `keys` (NULL-ended),
 * each at most once. */
remit_status remit__yaml_check_map(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                   const char *const *keys) {
  char allowed[320], g[64], f[REMIT__YAML_FIELD_LEN];
  remit__yaml_key_list(allowed, sizeof allowed, keys);
  if (!n || n->type != YAML_MAPPING_NODE) {
    return remit__yaml_fail(y, n, field, "expected a mapping with keys from: %s; got %s", allowed,
                            remit__yaml_got(n, g, sizeof g));
  }
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = remit__yaml_node_at(y, p->key);
    if (!k || k->type != YAML_SCALAR_NODE) {
      return remit__yaml_fail(y, k, field, "expected a plain key, got %s",
                              remit__yaml_got(k, g, sizeof g));
    }
    int known = 0;
    for (int i = 0; keys[i]; i++) {
      known |= strcmp(keys[i], remit__yaml_scalar(k)) == 0;
    }
    remit__yaml_join(f, field, remit__yaml_scalar(k));
    if (!known) {
      return remit__yaml_fail(y, k, f, "unknown key (expected one of: %s)", allowed);
    }
    for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
      yaml_node_t *k2 = remit__yaml_node_at(y, q->key);
      if (strcmp(remit__yaml_scalar(k2), remit__yaml_scalar(k)) == 0) {
        return remit__yaml_fail(y, k, f, "duplicate key (first given on line %lu)",
                                remit__yaml_line(k2));
      }
    }
  }
  return REMIT_OK;
}

yaml_node_t *remit__yaml_map_get(const remit__yaml *y, const yaml_node_t *n, const char *key) {
  if (!n || n->type != YAML_MAPPING_NODE) {
    return NULL;
  }
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = remit__yaml_node_at(y, p->key);
    if (k && k->type == YAML_SCALAR_NODE && strcmp(remit__yaml_scalar(k), key) == 0) {
      return remit__yaml_node_at(y, p->value);
    }
  }
  return NULL;
}

remit_status remit__yaml_missing(const remit__yaml *y, const yaml_node_t *parent,
                                 const char *parent_field, const char *key, const char *what) {
  char f[REMIT__YAML_FIELD_LEN];
  remit__yaml_join(f, parent_field, key);
  return remit__yaml_fail(y, parent, f, "required field is missing (expected %s)", what);
}

int remit__yaml_seq_len(const yaml_node_t *n) {
  return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}

yaml_node_t *remit__yaml_seq_at(const remit__yaml *y, const yaml_node_t *n, int i) {
  return remit__yaml_node_at(y, n->data.sequence.items.start[i]);
}

/* n must be a list of min..max items. */
remit_status remit__yaml_check_seq(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                   int min, int max, const char *of) {
  char g[64];
  if (!n || n->type != YAML_SEQUENCE_NODE) {
    return remit__yaml_fail(y, n, field, "expected a list of %s, got %s", of,
                            remit__yaml_got(n, g, sizeof g));
  }
  int len = remit__yaml_seq_len(n);
  if (len < min || len > max) {
    return remit__yaml_fail(y, n, field, "expected a list of %d to %d %s, got %d", min, max, of,
                            len);
  }
  return REMIT_OK;
}
