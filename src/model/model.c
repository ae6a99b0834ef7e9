/* SPDX-License-Identifier: MIT
 *
 * model.c: model specs (checking, name lookups) and the remit_model patient
 * object (parameters, covariates, regimen).  Simulation itself lives in the
 * solver module (src/solver/simulate.c); this file prepares what it needs:
 * the parameter vector with its derived tail and the time-sorted events the
 * doses become.
 */
#include <math.h>
#include <string.h>

#include "core/core_impl.h"
#include "model_impl.h"
#include "solver/solver_impl.h"

/* ------------------------------------------------------------------------ */
/* Specs                                                                     */
/* ------------------------------------------------------------------------ */

static int find_var(const remit_var_info *v, int n, const char *name) {
  if (!v || !name) {
    return -1;
  }
  for (int i = 0; i < n; i++) {
    if (v[i].name && strcmp(v[i].name, name) == 0) {
      return i;
    }
  }
  return -1;
}

int remit_spec_state_index(const remit_model_spec *spec, const char *name) {
  return spec ? find_var(spec->states, spec->n_states, name) : -1;
}

int remit_spec_readout_index(const remit_model_spec *spec, const char *name) {
  return spec ? find_var(spec->readouts, spec->n_readouts, name) : -1;
}

int remit_spec_param_index(const remit_model_spec *spec, const char *name) {
  if (!spec || !name) {
    return -1;
  }
  for (int i = 0; i < spec->n_params; i++) {
    if (strcmp(spec->params[i].name, name) == 0) {
      return i;
    }
  }
  return -1;
}

int remit_spec_input_index(const remit_model_spec *spec, const char *name) {
  if (!spec || !name) {
    return -1;
  }
  for (int i = 0; i < spec->n_inputs; i++) {
    if (strcmp(spec->inputs[i].name, name) == 0) {
      return i;
    }
  }
  return -1;
}

static remit_status check_names(remit_context *ctx, const char *what, const remit_var_info *v,
                                int n) {
  if (n > 0 && !v) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec: %d %s but no table", n, what);
  }
  for (int i = 0; i < n; i++) {
    if (!v[i].name || !v[i].name[0]) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec: %s %d has no name", what, i);
    }
    if (find_var(v, i, v[i].name) >= 0) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec: %s name '%s' appears twice", what,
                         v[i].name);
    }
  }
  return REMIT_OK;
}

remit_status remit_spec_check(remit_context *ctx, const remit_model_spec *spec) {
  if (!spec) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec is NULL");
  }
  if (spec->n_states <= 0 || spec->n_params < 0 || spec->n_derived < 0 || spec->n_inputs < 0 ||
      spec->n_readouts < 0) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec '%s': negative or zero counts",
                       spec->name ? spec->name : "?");
  }
  if (!spec->rhs) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec '%s': no right-hand side",
                       spec->name ? spec->name : "?");
  }
  if (!spec->y0 && !spec->init) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec '%s': neither y0 nor init",
                       spec->name ? spec->name : "?");
  }
  if (spec->n_readouts > 0 && !spec->readout) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec '%s': readouts without a readout function",
                       spec->name ? spec->name : "?");
  }
  if (!(spec->burn_in_days >= 0.0) || !isfinite(spec->burn_in_days)) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec '%s': burn_in_days must be >= 0",
                       spec->name ? spec->name : "?");
  }
  remit_status st;
  if ((st = check_names(ctx, "state", spec->states, spec->n_states)) != REMIT_OK ||
      (st = check_names(ctx, "readout", spec->readouts, spec->n_readouts)) != REMIT_OK) {
    return st;
  }
  if (spec->atol_scale) {
    for (int i = 0; i < spec->n_states; i++) {
      if (!(spec->atol_scale[i] > 0.0) || !isfinite(spec->atol_scale[i])) {
        return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec: atol_scale of state '%s' must be > 0",
                           spec->states[i].name);
      }
    }
  }
  if (spec->n_params > 0 && !spec->params) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec: %d parameters but no table",
                       spec->n_params);
  }
  for (int i = 0; i < spec->n_params; i++) {
    const remit_param_info *pi = &spec->params[i];
    if (!pi->name || !pi->name[0]) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec: parameter %d has no name", i);
    }
    if (remit_spec_param_index(spec, pi->name) != i) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec: parameter '%s' appears twice", pi->name);
    }
    if (!(pi->value >= pi->lower && pi->value <= pi->upper)) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG,
                         "model spec: parameter '%s' = %g outside its range [%g, %g]", pi->name,
                         pi->value, pi->lower, pi->upper);
    }
    if (!(pi->cv >= 0.0) || !pi->unit || !pi->source || !pi->source[0]) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG,
                         "model spec: parameter '%s' needs a unit, a cv >= 0 and a source",
                         pi->name);
    }
  }
  if (spec->n_inputs > 0 && !spec->inputs) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec: %d inputs but no table", spec->n_inputs);
  }
  for (int i = 0; i < spec->n_inputs; i++) {
    const remit_input *in = &spec->inputs[i];
    if (!in->name || remit_spec_input_index(spec, in->name) != i) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec: input %d unnamed or named twice", i);
    }
    if (in->state < 0 || in->state >= spec->n_states) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG, "model spec: input '%s' targets no state", in->name);
    }
    if (!(in->factor > 0.0) || !(in->max_amount > 0.0) || !isfinite(in->factor)) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG,
                         "model spec: input '%s' needs factor > 0 and max_amount > 0", in->name);
    }
  }
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Patients                                                                  */
/* ------------------------------------------------------------------------ */

double remit_bsa_m2(double weight_kg, double height_cm) {
  return sqrt(height_cm * weight_kg / 3600.0);
}

/* The default patient: an adult woman of average build with moderately
 * active, non-renal SLE (SLE is about 9 women to 1 man: clinical.md §3.2). */
static const remit_covariates default_covariates = {40.0, 0, 65.0, 165.0, 10.0, 0};

remit_status remit_model_create(remit_context *ctx, const remit_model_spec *spec,
                                remit_model **out) {
  if (!ctx || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_model_create: NULL context or output");
  }
  *out = NULL;
  remit_status st = remit_spec_check(ctx, spec);
  if (st != REMIT_OK) {
    return st;
  }
  remit_model *m = remit__calloc(ctx, 1, sizeof(*m));
  if (!m) {
    return REMIT_ERR_NOMEM;
  }
  m->ctx = ctx;
  m->spec = spec;
  m->cov = default_covariates;
  int n = spec->n_states;
  m->p = remit__calloc(ctx, (size_t)(spec->n_params + spec->n_derived) + 1, sizeof(*m->p));
  m->y0 = remit__calloc(ctx, (size_t)n, sizeof(*m->y0));
  m->rate = remit__calloc(ctx, (size_t)n, sizeof(*m->rate));
  m->y = remit__calloc(ctx, (size_t)n, sizeof(*m->y));
  if (!m->p || !m->y0 || !m->rate || !m->y) {
    goto fail;
  }
  for (int i = 0; i < spec->n_params; i++) {
    m->p[i] = spec->params[i].value;
  }
  if ((st = remit__solver_create(ctx, spec, &m->solver)) != REMIT_OK) {
    goto fail;
  }
  *out = m;
  return REMIT_OK;
fail:
  remit_model_destroy(&m);
  return remit_context_last_error(ctx) != REMIT_OK ? remit_context_last_error(ctx)
                                                    : REMIT_ERR_NOMEM;
}

void remit_model_destroy(remit_model **mp) {
  if (!mp || !*mp) {
    return;
  }
  remit_model *m = *mp;
  remit_context *ctx = m->ctx;
  remit__solver_destroy(ctx, &m->solver);
  remit__free(ctx, m->p);
  remit__free(ctx, m->y0);
  remit__free(ctx, m->rate);
  remit__free(ctx, m->y);
  remit__free(ctx, m->doses);
  remit__free(ctx, m->events);
  remit__free(ctx, m->boundaries);
  remit__free(ctx, m);
  *mp = NULL;
}

const remit_model_spec *remit_model_get_spec(const remit_model *m) { return m ? m->spec : NULL; }

static remit_status check_param(remit_model *m, int i, double value) {
  const remit_param_info *pi = &m->spec->params[i];
  if (!isfinite(value) || value < pi->lower || value > pi->upper) {
    return REMIT_ERROR(m->ctx, REMIT_ERR_RANGE, "parameter %s = %g outside [%g, %g] %s", pi->name,
                       value, pi->lower, pi->upper, pi->unit);
  }
  return REMIT_OK;
}

static void invalidate(remit_model *m) {
  m->derived_valid = 0;
  m->y0_valid = 0;
}

remit_status remit_model_set_param(remit_model *m, const char *name, double value) {
  if (!m || !name) {
    return REMIT_ERROR(m ? m->ctx : NULL, REMIT_ERR_ARG, "remit_model_set_param: NULL argument");
  }
  int i = remit_spec_param_index(m->spec, name);
  if (i < 0) {
    return REMIT_ERROR(m->ctx, REMIT_ERR_NOT_FOUND, "no parameter named '%s' in model %s", name,
                       m->spec->name);
  }
  remit_status st = check_param(m, i, value);
  if (st != REMIT_OK) {
    return st;
  }
  if (m->p[i] != value) {
    m->p[i] = value;
    invalidate(m);
  }
  return REMIT_OK;
}

remit_status remit_model_set_params(remit_model *m, const double *values, int n_params) {
  if (!m || !values) {
    return REMIT_ERROR(m ? m->ctx : NULL, REMIT_ERR_ARG, "remit_model_set_params: NULL argument");
  }
  if (n_params != m->spec->n_params) {
    return REMIT_ERROR(m->ctx, REMIT_ERR_ARG, "expected %d parameters, got %d", m->spec->n_params,
                       n_params);
  }
  for (int i = 0; i < n_params; i++) { /* validate everything before changing anything */
    remit_status st = check_param(m, i, values[i]);
    if (st != REMIT_OK) {
      return st;
    }
  }
  if (memcmp(m->p, values, sizeof(*values) * (size_t)n_params) != 0) {
    memcpy(m->p, values, sizeof(*values) * (size_t)n_params);
    invalidate(m);
  }
  return REMIT_OK;
}

const double *remit_model_get_params(const remit_model *m) { return m ? m->p : NULL; }

remit_status remit_model_set_covariates(remit_model *m, const remit_covariates *c) {
  if (!m || !c) {
    return REMIT_ERROR(m ? m->ctx : NULL, REMIT_ERR_ARG, "remit_model_set_covariates: NULL");
  }
  /* Ranges a human body and the SLEDAI-2K scale allow; anything else is a typo. */
  struct {
    const char *name;
    double v, lo, hi;
  } chk[] = {
      {"age_y", c->age_y, 0.0, 120.0},        {"weight_kg", c->weight_kg, 2.0, 400.0},
      {"height_cm", c->height_cm, 40.0, 250.0}, {"sledai0", c->sledai0, 0.0, 105.0},
  };
  for (size_t k = 0; k < sizeof chk / sizeof chk[0]; k++) {
    if (!isfinite(chk[k].v) || chk[k].v < chk[k].lo || chk[k].v > chk[k].hi) {
      return REMIT_ERROR(m->ctx, REMIT_ERR_RANGE, "covariate %s = %g outside [%g, %g]",
                         chk[k].name, chk[k].v, chk[k].lo, chk[k].hi);
    }
  }
  if ((c->sex != 0 && c->sex != 1) || (c->renal != 0 && c->renal != 1)) {
    return REMIT_ERROR(m->ctx, REMIT_ERR_RANGE, "covariates sex and renal must be 0 or 1");
  }
  /* Field by field: memcmp would also compare the struct's padding, which
   * callers leave uninitialised. */
  const remit_covariates *o = &m->cov;
  if (o->age_y != c->age_y || o->sex != c->sex || o->weight_kg != c->weight_kg ||
      o->height_cm != c->height_cm || o->sledai0 != c->sledai0 || o->renal != c->renal) {
    m->cov = *c;
    invalidate(m);
  }
  return REMIT_OK;
}

void remit_model_get_covariates(const remit_model *m, remit_covariates *cov) {
  if (m && cov) {
    *cov = m->cov;
  }
}

remit_status remit_model_set_regimen(remit_model *m, const remit_dose *doses, int n_doses) {
  if (!m || n_doses < 0 || (n_doses > 0 && !doses)) {
    return REMIT_ERROR(m ? m->ctx : NULL, REMIT_ERR_ARG, "remit_model_set_regimen: bad arguments");
  }
  const remit_model_spec *spec = m->spec;
  for (int k = 0; k < n_doses; k++) {
    const remit_dose *d = &doses[k];
    if (d->input < 0 || d->input >= spec->n_inputs) {
      return REMIT_ERROR(m->ctx, REMIT_ERR_ARG, "dose %d: no input %d in model %s", k + 1,
                         d->input, spec->name);
    }
    const remit_input *in = &spec->inputs[d->input];
    if (!isfinite(d->day) || fabs(d->day) > 1e6) {
      return REMIT_ERROR(m->ctx, REMIT_ERR_RANGE, "dose %d (%s): day %g is not a finite day",
                         k + 1, in->name, d->day);
    }
    if (!isfinite(d->amount) || d->amount < 0.0 || d->amount > in->max_amount) {
      return REMIT_ERROR(m->ctx, REMIT_ERR_RANGE, "dose %d (%s): amount %g %s outside [0, %g]",
                         k + 1, in->name, d->amount, in->unit, in->max_amount);
    }
    if (in->kind == REMIT_INPUT_BOLUS && d->duration != 0.0) {
      return REMIT_ERROR(m->ctx, REMIT_ERR_ARG, "dose %d (%s): a bolus has no duration", k + 1,
                         in->name);
    }
    if (in->kind == REMIT_INPUT_RATE &&
        (!isfinite(d->duration) || d->duration <= 0.0 || d->duration > 1e6)) {
      return REMIT_ERROR(m->ctx, REMIT_ERR_RANGE,
                         "dose %d (%s): a daily dose needs a duration > 0 days, got %g", k + 1,
                         in->name, d->duration);
    }
  }
  size_t cap = (size_t)n_doses * REMIT_MAX_EVENTS_PER_DOSE;
  remit_dose *nd = remit__calloc(m->ctx, (size_t)n_doses + 1, sizeof(*nd));
  remit_event *ne = remit__calloc(m->ctx, cap + 1, sizeof(*ne));
  double *nb = remit__calloc(m->ctx, 2 * cap + 2, sizeof(*nb));
  if (!nd || !ne || !nb) {
    remit__free(m->ctx, nd);
    remit__free(m->ctx, ne);
    remit__free(m->ctx, nb);
    return REMIT_ERR_NOMEM;
  }
  if (n_doses > 0) {
    memcpy(nd, doses, sizeof(*doses) * (size_t)n_doses);
  }
  remit__free(m->ctx, m->doses);
  remit__free(m->ctx, m->events);
  remit__free(m->ctx, m->boundaries);
  m->doses = nd;
  m->events = ne;
  m->boundaries = nb;
  m->n_doses = n_doses;
  m->n_events = 0;
  return REMIT_OK;
}

remit_status remit__model_prepare(remit_model *m) {
  if (m->derived_valid) {
    return REMIT_OK;
  }
  if (m->spec->prepare) {
    int rc = m->spec->prepare(m->p, &m->cov, m->spec->user);
    if (rc != 0) {
      return REMIT_ERROR(m->ctx, REMIT_ERR_MODEL,
                         "model %s could not derive its parameters for these covariates (code %d)",
                         m->spec->name, rc);
    }
  }
  m->derived_valid = 1;
  return REMIT_OK;
}

remit_status remit__model_schedule(remit_model *m) {
  const remit_model_spec *spec = m->spec;
  double bsa = remit_bsa_m2(m->cov.weight_kg, m->cov.height_cm);
  int ne = 0;
  for (int k = 0; k < m->n_doses; k++) {
    const remit_dose *d = &m->doses[k];
    const remit_input *in = &spec->inputs[d->input];
    double scale = in->scale == REMIT_SCALE_PER_KG   ? m->cov.weight_kg
                   : in->scale == REMIT_SCALE_PER_M2 ? bsa
                                                     : 1.0;
    double amount = d->amount * scale * in->factor;
    remit_event *ev = &m->events[ne];
    int got;
    if (spec->schedule) {
      got = spec->schedule(in, d->day, amount, d->duration, m->p, ev, REMIT_MAX_EVENTS_PER_DOSE,
                           spec->user);
      if (got < 0 || got > REMIT_MAX_EVENTS_PER_DOSE) {
        return REMIT_ERROR(m->ctx, REMIT_ERR_MODEL, "model %s could not schedule dose %d (%s)",
                           spec->name, k + 1, in->name);
      }
    } else {
      ev->time = d->day;
      ev->state = in->state;
      ev->state_to = -1;
      ev->value = amount;
      if (in->kind == REMIT_INPUT_RATE) {
        ev->kind = REMIT_EVENT_RATE;
        ev->time_end = d->day + d->duration;
      } else {
        ev->kind = REMIT_EVENT_ADD;
        ev->time_end = d->day;
      }
      got = 1;
    }
    for (int j = 0; j < got; j++) {
      const remit_event *e = &ev[j];
      int bad_to = e->kind == REMIT_EVENT_MOVE && (e->state_to < 0 || e->state_to >= spec->n_states);
      if (e->state < 0 || e->state >= spec->n_states || bad_to || !isfinite(e->time) ||
          !isfinite(e->value) || (e->kind == REMIT_EVENT_RATE && !(e->time_end > e->time))) {
        return REMIT_ERROR(m->ctx, REMIT_ERR_MODEL, "model %s made an invalid event for dose %d",
                           spec->name, k + 1);
      }
    }
    ne += got;
  }
  /* Stable insertion sort by time: doses are few, and ties must keep the
   * order the user wrote them in (Flu then Cy on the same day). */
  for (int i = 1; i < ne; i++) {
    remit_event e = m->events[i];
    int j = i - 1;
    while (j >= 0 && m->events[j].time > e.time) {
      m->events[j + 1] = m->events[j];
      j--;
    }
    m->events[j + 1] = e;
  }
  m->n_events = ne;
  return REMIT_OK;
}

void remit_model_get_stats(const remit_model *m, remit_sim_stats *stats) {
  if (m && stats) {
    *stats = m->stats;
  }
}

remit_status remit_model_readouts(remit_model *m, double t, const double *y, double *out) {
  if (!m || !y || !out) {
    return REMIT_ERROR(m ? m->ctx : NULL, REMIT_ERR_ARG, "remit_model_readouts: NULL argument");
  }
  if (m->spec->n_readouts == 0) {
    return REMIT_OK;
  }
  if (!m->derived_valid) {
    remit_status st = remit__model_prepare(m);
    if (st != REMIT_OK) {
      return st;
    }
  }
  m->spec->readout(t, y, m->p, out, m->spec->user);
  return REMIT_OK;
}
