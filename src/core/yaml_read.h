/* SPDX-License-Identifier: MIT
 *
 * yaml_read.h: checked reading of values from a libyaml document, shared by
 * the scenario loaders (src/trial/scenario.c, src/pathway/pathway_scenario.c).
 *
 * Every getter checks the node's type and range and, on the first problem,
 * records one line on the context and returns its status:
 *
 *     FILE:LINE: field.path: expected ..., got ...
 *
 * where LINE is the 1-based line of the offending node.  Field paths are
 * built with remit__yaml_join ("a.b") and remit__yaml_join_index ("a[3]")
 * into buffers of REMIT__YAML_FIELD_LEN characters.
 */
#ifndef REMIT_YAML_READ_H
#define REMIT_YAML_READ_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "remit/remit_context.h"

/* Size of a field-path buffer; joined paths are cut to fit (at most 153). */
#define REMIT__YAML_FIELD_LEN 160

/* The document being read and where its messages go.  All borrowed. */
typedef struct remit__yaml {
  remit_context *ctx;
  const char *path; /* the file name messages start with */
  yaml_document_t *doc;
} remit__yaml;

/* The node's 1-based line (1 for NULL). */
unsigned long remit__yaml_line(const yaml_node_t *n);

/* Records "PATH:LINE: FIELD: <fmt ...>" (FIELD "(top level)" when empty) as
 * REMIT_ERR_ARG and returns it. */
remit_status remit__yaml_fail(const remit__yaml *y, const yaml_node_t *n, const char *field,
                              const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* buf (REMIT__YAML_FIELD_LEN) = "parent.key", or "key" at the top level. */
void remit__yaml_join(char *buf, const char *parent, const char *key);
/* buf (REMIT__YAML_FIELD_LEN) = "parent[i]". */
void remit__yaml_join_index(char *buf, const char *parent, int i);

/* A scalar node's text. */
const char *remit__yaml_scalar(const yaml_node_t *n);
/* How a node reads in a message: 'text' for a scalar, else its kind. */
const char *remit__yaml_got(const yaml_node_t *n, char *buf, size_t len);
int remit__yaml_is_plain_scalar(const yaml_node_t *n);
/* YAML's .nan / .inf spellings and C's nan / inf, any case and sign. */
int remit__yaml_is_nonfinite_word(const char *t);
/* b = "k1, k2, ..." from a NULL-ended key list, cut to fit n. */
void remit__yaml_key_list(char *b, size_t n, const char *const *keys);

/* A plain scalar number in [lo, hi] (or (lo, hi] when lo_open); `noun` says
 * what kind of number in messages ("a number", "a whole number", "a day"). */
remit_status remit__yaml_get_num_as(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                    const char *noun, double lo, double hi, int lo_open,
                                    double *out);
/* The same with the noun "a number". */
remit_status remit__yaml_get_num(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                 double lo, double hi, int lo_open, double *out);
/* A whole number in [lo, hi]. */
remit_status remit__yaml_get_int(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                 double lo, double hi, int *out);
/* true/yes or false/no, any case. */
remit_status remit__yaml_get_bool(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                  int *out);
/* A non-empty scalar string (at most 1000 characters) described as `what`
 * in messages; *out points into the document. */
remit_status remit__yaml_get_str(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                 const char *what, const char **out);
/* A whole number in [0, 2^64 - 1]. */
remit_status remit__yaml_get_u64(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                 uint64_t *out);

/* The node with the given document index. */
yaml_node_t *remit__yaml_node_at(const remit__yaml *y, int index);
/* n must be a mapping whose keys are plain scalars from `keys` (NULL-ended),
 * each at most once. */
remit_status remit__yaml_check_map(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                   const char *const *keys);
/* The value under `key` in mapping n, or NULL. */
yaml_node_t *remit__yaml_map_get(const remit__yaml *y, const yaml_node_t *n, const char *key);
/* The error for a required `key` missing from mapping `parent`. */
remit_status remit__yaml_missing(const remit__yaml *y, const yaml_node_t *parent,
                                 const char *parent_field, const char *key, const char *what);
/* n must be a list of min..max items (`of` names them in messages). */
remit_status remit__yaml_check_seq(const remit__yaml *y, const yaml_node_t *n, const char *field,
                                   int min, int max, const char *of);
/* The length and the i-th item of a list node. */
int remit__yaml_seq_len(const yaml_node_t *n);
yaml_node_t *remit__yaml_seq_at(const remit__yaml *y, const yaml_node_t *n, int i);

#endif /* REMIT_YAML_READ_H */
