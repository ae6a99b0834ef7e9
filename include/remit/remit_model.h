/* SPDX-License-Identifier: MIT
 *
 * remit_model.h: one patient, simulated over time under a regimen.
 *
 * Two kinds of object:
 *
 *  - remit_model_spec: what a model *is*: its states, its parameter table
 *    (value, unit, variability, source), the inputs a regimen can dose, its
 *    readouts and its right-hand side.  remit ships two specs (the SLE
 *    cell-therapy model and the peers' reference model); a user can fill a
 *    spec of their own and run it through the same calls.  A spec is
 *    immutable and may be shared read-only by every thread.
 *
 *  - remit_model: one patient: a spec plus this patient's parameter values,
 *    covariates, regimen and solver workspace.  Create it, set what differs
 *    from the defaults, simulate into caller-owned buffers, read, destroy.
 *    The workspace is reused across simulate calls, so a loop over patients
 *    that only changes parameters allocates nothing.
 *
 *      remit_model *m;
 *      remit_model_create(ctx, remit_spec_sle(), &m);
 *      remit_dose doses[] = {{-5, flu, 25, 0}, ..., {0, cart, 1e6, 0}};
 *      remit_model_set_regimen(m, doses, n);
 *      remit_model_simulate(m, NULL, times, n_times, states, readouts);
 *      remit_model_destroy(&m);
 *
 * Time is in days; day 0 is usually the day of infusion.
 *
 * Ownership: every pointer passed in is borrowed for the call and copied if
 * kept, except the spec, which must outlive the models made from it.  Output
 * buffers are the caller's.  Thread safety: a remit_model belongs to one
 * thread at a time.
 */
#ifndef REMIT_MODEL_H
#define REMIT_MODEL_H

#include <stddef.h>

#include "remit_context.h"
#include "remit_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Describing a model                                                        */
/* ------------------------------------------------------------------------ */

/* A state or a readout: a name (an identifier), its unit and one line. */
typedef struct remit_var_info {
  const char *name;
  const char *unit;
  const char *doc;
} remit_var_info;

/* One row of the parameter table.  Every number the model uses is one row.
 * cv is the inter-individual variability as a log-normal coefficient of
 * variation (0: the same for every patient).  source is a citation, or the
 * word "calibrated" followed by what it was calibrated on. */
typedef struct remit_param_info {
  const char *name;
  double value;
  const char *unit;
  double cv;
  double lower; /* admissible range, checked by remit_model_set_param */
  double upper;
  const char *source;
} remit_param_info;

/* How a dose's amount reaches the model. */
typedef enum remit_input_kind {
  REMIT_INPUT_BOLUS = 0, /* added to the state at the dose time */
  REMIT_INPUT_RATE = 1   /* amount per day, from day to day + duration */
} remit_input_kind;

/* What the amount is per: nothing, kg of body weight, or m² of body surface. */
typedef enum remit_input_scale {
  REMIT_SCALE_NONE = 0,
  REMIT_SCALE_PER_KG = 1,
  REMIT_SCALE_PER_M2 = 2
} remit_input_scale;

/* A dosable input: a therapy for the SLE model, a state for a plain model.
 * The state receives amount × (weight or BSA, if scaled) × factor. */
typedef struct remit_input {
  const char *name;        /* "cart19", "prednisone" */
  const char *unit;        /* the unit the user doses in: "cells/kg" */
  int state;               /* index of the state that receives it */
  remit_input_kind kind;
  remit_input_scale scale;
  double factor;           /* user unit (after scaling) -> state unit */
  double max_amount;       /* larger single amounts are rejected as absurd */
  const char *doc;
} remit_input;

/* A low-level event the solver applies at a time: what a dose becomes.
 * A model may turn one dose into several events (see schedule below). */
typedef enum remit_event_kind {
  REMIT_EVENT_ADD = 0,      /* y[state] += value */
  REMIT_EVENT_SET = 1,      /* y[state] = value */
  REMIT_EVENT_MOVE = 2,     /* move the fraction value of y[state] to y[state_to] */
  REMIT_EVENT_RATE = 3      /* add value per day to dy[state] on [time, time_end) */
} remit_event_kind;

typedef struct remit_event {
  double time;
  double time_end; /* REMIT_EVENT_RATE only */
  remit_event_kind kind;
  int state;
  int state_to;    /* REMIT_EVENT_MOVE only */
  double value;
} remit_event;

/* Patient covariates.  Weight and height give the body surface area
 * (Mosteller) that mg/m² doses are scaled by. */
typedef struct remit_covariates {
  double age_y;
  int sex;            /* 0 female, 1 male */
  double weight_kg;
  double height_cm;
  double sledai0;     /* baseline SLEDAI-2K the SLE model starts the patient at */
  int renal;          /* 1: lupus nephritis (renal involvement) */
} remit_covariates;

/* Right-hand side dy/dt = f(t, y; p).  p holds the n_params table values
 * followed by the n_derived values the spec's prepare() computed.
 * Returns 0 on success, > 0 for a recoverable failure (the solver retries
 * with a smaller step), < 0 for an unrecoverable one (the CVODES contract). */
typedef int (*remit_rhs_fn)(double t, const double *y, double *dydt, const double *p,
                            void *user);

/* Optional analytic Jacobian, row-major: J[i*n + j] = d f_i / d y_j. */
typedef int (*remit_jac_fn)(double t, const double *y, const double *p, double *jac,
                            void *user);

/* Optional readouts (scores, grades, flags) computed from one state vector. */
typedef void (*remit_readout_fn)(double t, const double *y, const double *p, double *out,
                                 void *user);

/* Optional: fill p[n_params .. n_params + n_derived) from the table values and
 * the covariates (scaled volumes, baselines).  Returns 0 or a negative error. */
typedef int (*remit_prepare_fn)(double *p, const remit_covariates *cov, void *user);

/* Optional: the state at which the patient starts, before any burn-in.
 * Without it, y0 is the spec's y0 array. */
typedef void (*remit_init_fn)(const double *p, double *y0, void *user);

/* Optional: turn one dose into events.  `amount` is already scaled to the
 * state's unit.  Writes at most max_events events and returns how many (or a
 * negative number on error).  Without it a bolus is one ADD event and a rate
 * one RATE event. */
typedef int (*remit_schedule_fn)(const remit_input *input, double day, double amount,
                                 double duration, const double *p, remit_event *events,
                                 int max_events, void *user);

typedef struct remit_model_spec {
  const char *name;
  const char *doc;
  int n_states;
  const remit_var_info *states;
  const double *y0;          /* n_states initial values (used when init is NULL) */
  const double *atol_scale;  /* n_states: atol_i = atol × atol_scale_i; NULL = all 1 */
  int n_params;
  const remit_param_info *params;
  int n_derived;             /* values prepare() appends to the parameter vector */
  int n_inputs;
  const remit_input *inputs;
  int n_readouts;
  const remit_var_info *readouts;
  remit_rhs_fn rhs;          /* required */
  remit_jac_fn jac;          /* NULL: the solver differences f */
  remit_readout_fn readout;  /* required when n_readouts > 0 */
  remit_prepare_fn prepare;
  remit_init_fn init;
  remit_schedule_fn schedule;
  double burn_in_days;       /* > 0: start from the untreated state reached after
                                integrating this long from y0 (a steady state) */
  void *user;                /* passed to every callback */
} remit_model_spec;

/* The built-in specs (static, never NULL). */
const remit_model_spec *remit_spec_sle(void);       /* SLE under cell therapy */
const remit_model_spec *remit_spec_reference(void); /* ../shared/peers/MODEL.md */

/* Checks a spec for consistency (counts, names, indices, ranges); returns
 * REMIT_ERR_ARG with the reason on the context. */
remit_status remit_spec_check(remit_context *ctx, const remit_model_spec *spec);

/* Name lookups on a spec; -1 if absent. */
int remit_spec_state_index(const remit_model_spec *spec, const char *name);
int remit_spec_param_index(const remit_model_spec *spec, const char *name);
int remit_spec_input_index(const remit_model_spec *spec, const char *name);
int remit_spec_readout_index(const remit_model_spec *spec, const char *name);

/* ------------------------------------------------------------------------ */
/* One patient                                                               */
/* ------------------------------------------------------------------------ */

typedef struct remit_model remit_model;

/* A dose: an amount of an input (in the input's unit) on a day.  Rate inputs
 * give amount per day for `duration` days; boluses have duration 0. */
typedef struct remit_dose {
  double day;
  int input;
  double amount;
  double duration;
} remit_dose;

typedef enum remit_solver_kind {
  REMIT_SOLVER_FAST = 0,      /* the default: remit's own BDF (CVODE's method: same orders,
                                 step and error control) for small dense models, without
                                 SUNDIALS's generic vector machinery; several times faster.
                                 A segment it fails is redone with CVODES
                                 (docs/performance.md) */
  REMIT_SOLVER_CVODES_BDF = 1 /* SUNDIALS CVODES, BDF, dense direct Newton: the reference */
} remit_solver_kind;

/* Solver options.  Zero-filled fields take their defaults, so
 * `remit_sim_options o = {0}; o.rtol = 1e-8;` is valid. */
typedef struct remit_sim_options {
  remit_solver_kind solver;
  double rtol;      /* relative tolerance; default 1e-6 */
  double atol;      /* scales the spec's atol_scale; default 1e-6 */
  long max_steps;   /* per segment between events; default 100000 */
  double t_start;   /* start of integration; default times[0] (must be <= times[0]) */
} remit_sim_options;

/* Counters from the last simulate call. */
typedef struct remit_sim_stats {
  long steps;
  long rhs_evals;   /* including those for difference-quotient Jacobians */
  long jac_evals;
  long lin_setups;
  long err_fails;
  long conv_fails;
  int segments;     /* integration restarts at events, +1 */
} remit_sim_stats;

/* Creates a patient with the spec's table values, default covariates
 * (40-year-old woman, 65 kg, 165 cm, SLEDAI-2K 10, no nephritis) and no doses.
 * The spec is borrowed and must outlive the model. */
remit_status remit_model_create(remit_context *ctx, const remit_model_spec *spec,
                                remit_model **out);

/* Frees the model; NULL-safe; sets *m to NULL. */
void remit_model_destroy(remit_model **m);

const remit_model_spec *remit_model_get_spec(const remit_model *m);

/* Sets one table parameter, or all n_params of them.  Rejects NaN and values
 * outside [lower, upper] (REMIT_ERR_RANGE) and leaves the model unchanged. */
remit_status remit_model_set_param(remit_model *m, const char *name, double value);
remit_status remit_model_set_params(remit_model *m, const double *values, int n_params);

/* The current parameter vector: n_params table values then n_derived values. */
const double *remit_model_get_params(const remit_model *m);

remit_status remit_model_set_covariates(remit_model *m, const remit_covariates *cov);
void remit_model_get_covariates(const remit_model *m, remit_covariates *cov);

/* Replaces the regimen (copied).  Each dose is checked: a known input, finite
 * non-negative amount no larger than the input's max_amount, a finite day,
 * duration 0 for a bolus and > 0 for a rate. */
remit_status remit_model_set_regimen(remit_model *m, const remit_dose *doses, int n_doses);

/* Simulates from opt->t_start (default times[0]) through the last time and
 * writes the states at each of the n_times ascending times into
 * states_out[i * n_states + k], and, if readouts_out is not NULL and the spec
 * has readouts, the readouts into readouts_out[i * n_readouts + r].  opt may
 * be NULL for defaults.  Doses are discontinuities: the solver stops at each
 * dose time, applies it and restarts.  A value written at a dose time is the
 * value just after the dose.  Doses before the start are an error.
 *
 * On failure (REMIT_ERR_SOLVER, REMIT_ERR_MODEL) the rows up to the failure
 * time are written and the rest are NaN; the context says at what time. */
remit_status remit_model_simulate(remit_model *m, const remit_sim_options *opt,
                                  const double *times, int n_times, double *states_out,
                                  double *readouts_out);

/* The initial state the last simulate started from (after burn-in). */
remit_status remit_model_initial_state(remit_model *m, double *y0_out);

/* Readouts for one state vector at time t. */
remit_status remit_model_readouts(remit_model *m, double t, const double *y, double *out);

void remit_model_get_stats(const remit_model *m, remit_sim_stats *stats);

/* Body surface area in m² (Mosteller: sqrt(height_cm × weight_kg / 3600)). */
double remit_bsa_m2(double weight_kg, double height_cm);

#ifdef __cplusplus
}
#endif
#endif /* REMIT_MODEL_H */
