/* SPDX-License-Identifier: MIT
 *
 * remit_status.h: the one list of status codes every remit call returns.
 *
 * 0 is success, negative codes are errors, positive codes are information.
 * The list is an X-macro so the enum and the message table never drift apart
 * (the SUNDIALS sundials_errors.h pattern).  Details of an error (which field,
 * which value, the underlying CVODES flag) live on the context: see
 * remit_context_errmsg().
 */
#ifndef REMIT_STATUS_H
#define REMIT_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

#define REMIT_STATUS_LIST(X)                                                  \
  X(REMIT_OK, 0, "success")                                                   \
  X(REMIT_ERR_ARG, -1, "invalid argument")                                    \
  X(REMIT_ERR_RANGE, -2, "value out of its admissible range")                 \
  X(REMIT_ERR_NOMEM, -3, "out of memory")                                     \
  X(REMIT_ERR_NOT_FOUND, -4, "no such name")                                  \
  X(REMIT_ERR_SOLVER, -5, "ODE solver failed")                                \
  X(REMIT_ERR_MODEL, -6, "model right-hand side failed")                      \
  X(REMIT_ERR_IO, -7, "input/output error")                                   \
  X(REMIT_ERR_STATE, -8, "call not allowed in the object's current state")

typedef enum remit_status {
#define REMIT_STATUS_ENUM_(name, value, text) name = value,
  REMIT_STATUS_LIST(REMIT_STATUS_ENUM_)
#undef REMIT_STATUS_ENUM_
} remit_status;

/* Static, never-NULL text for a status code; unknown codes give "unknown status". */
const char *remit_status_str(remit_status status);

#ifdef __cplusplus
}
#endif
#endif /* REMIT_STATUS_H */
