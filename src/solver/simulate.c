/* SPDX-License-Identifier: MIT
 *
 * simulate.c: one patient from start to end.
 *
 * The regimen's events cut time into smooth segments.  At the start of each
 * segment the instantaneous events of that instant are applied (in the order
 * the doses were given), the zero-order inputs active on the segment are
 * summed, and the integrator restarts; within a segment it never steps past
 * the segment's end, so no dose is smeared by interpolation.  Output rows
 * inside a segment come from the integrator's dense output (no forced
 * stops, which would cost steps); a row at an event time holds the state
 * just after the event.
 */
#include <math.h>
#include <string.h>

#include "core/core_impl.h"
#include "solver_impl.h"

static remit_status resolve_options(remit_model *m, const remit_sim_options *in,
                                    const double *times, remit_sim_options *o) {
  remit_sim_options d = {REMIT_SOLVER_FAST, 1e-6, 1e-6, 100000, times[0]};
  if (in) {
    if (in->rtol != 0.0) d.rtol = in->rtol;
    if (in->atol != 0.0) d.atol = in->atol;
    if (in->max_steps != 0) d.max_steps = in->max_steps;
    if (in->t_start != 0.0) d.t_start = in->t_start;
    d.solver = in->solver;
  }
  if (d.solver != REMIT_SOLVER_CVODES_BDF && d.solver != REMIT_SOLVER_FAST) {
    return REMIT_ERROR(m->ctx, REMIT_ERR_ARG, "unknown solver %d", (int)d.solver);
  }
  if (!(d.rtol > 0.0 && d.rtol < 1.0)) {
    return REMIT_ERROR(m->ctx, REMIT_ERR_RANGE, "rtol %g outside (0, 1)", d.rtol);
  }
  if (!(d.atol > 0.0) || !isfinite(d.atol)) {
    return REMIT_ERROR(m->ctx, REMIT_ERR_RANGE, "atol %g must be a positive number", d.atol);
  }
  if (d.max_steps < 1) {
    return REMIT_ERROR(m->ctx, REMIT_ERR_RANGE, "max_steps %ld must be >= 1", d.max_steps);
  }
  if (!isfinite(d.t_start) || d.t_start > times[0]) {
    return REMIT_ERROR(m->ctx, REMIT_ERR_RANGE, "start day %g is after the first output day %g",
                       d.t_start, times[0]);
  }
  *o = d;
  return REMIT_OK;
}

/* The untreated starting state: y0 (or init), then burn_in_days of the
 * untreated model ending at t_start.  Cached until parameters change. */
static remit_status initial_state(remit_model *m, double t_start) {
  if (m->y0_valid && m->y0_t_start == t_start) {
    return REMIT_OK;
  }
  const remit_model_spec *spec = m->spec;
  if (spec->init) {
    spec->init(m->p, m->y0, spec->user);
  } else {
    memcpy(m->y0, spec->y0, sizeof(double) * (size_t)spec->n_states);
  }
  if (spec->burn_in_days > 0.0) {
    double t0 = t_start - spec->burn_in_days;
    m->rate_active = 0;
    remit_status st = remit__solver_start(m->solver, m, t0, m->y0, t_start);
    if (st == REMIT_OK) {
      st = remit__solver_advance(m->solver, m, t_start, m->y0);
    }
    if (st != REMIT_OK) {
      return st;
    }
  }
  m->y0_valid = 1;
  m->y0_t_start = t_start;
  return REMIT_OK;
}

static void apply_event(const remit_event *e, double *y) {
  switch (e->kind) {
    case REMIT_EVENT_ADD:
      y[e->state] += e->value;
      break;
    case REMIT_EVENT_SET:
      y[e->state] = e->value;
      break;
    case REMIT_EVENT_MOVE: {
      double moved = e->value * y[e->state];
      y[e->state] -= moved;
      y[e->state_to] += moved;
      break;
    }
    case REMIT_EVENT_RATE:
      break; /* summed per segment in set_rates */
  }
}

static void set_rates(remit_model *m, double t) {
  const int n = m->spec->n_states;
  memset(m->rate, 0, sizeof(double) * (size_t)n);
  m->rate_active = 0;
  for (int k = 0; k < m->n_events; k++) {
    const remit_event *e = &m->events[k];
    if (e->kind == REMIT_EVENT_RATE && e->time <= t && t < e->time_end) {
      m->rate[e->state] += e->value;
      m->rate_active = 1;
    }
  }
}

/* Distinct times in (t_start, t_end] where the dynamics change, ascending. */
static int collect_boundaries(remit_model *m, double t_start, double t_end) {
  int nb = 0;
  for (int k = 0; k < m->n_events; k++) {
    const remit_event *e = &m->events[k];
    double cand[2] = {e->time, e->kind == REMIT_EVENT_RATE ? e->time_end : e->time};
    for (int c = 0; c < 2; c++) {
      double t = cand[c];
      if (t <= t_start || t > t_end) {
        continue;
      }
      int j = nb;
      int dup = 0;
      for (int i = 0; i < nb; i++) {
        if (m->boundaries[i] == t) {
          dup = 1;
          break;
        }
      }
      if (dup) {
        continue;
      }
      while (j > 0 && m->boundaries[j - 1] > t) {
        m->boundaries[j] = m->boundaries[j - 1];
        j--;
      }
      m->boundaries[j] = t;
      nb++;
    }
  }
  return nb;
}

static void fill_nan(double *out, int from_row, int n_rows, int width) {
  if (!out || width == 0) {
    return;
  }
  for (size_t i = (size_t)from_row * (size_t)width; i < (size_t)n_rows * (size_t)width; i++) {
    out[i] = NAN;
  }
}

remit_status remit_model_simulate(remit_model *m, const remit_sim_options *opt,
                                  const double *times, int n_times, double *states_out,
                                  double *readouts_out) {
  if (!m) {
    return REMIT_ERR_ARG;
  }
  if (!times || n_times < 1 || !states_out) {
    return REMIT_ERROR(m->ctx, REMIT_ERR_ARG, "simulate: need at least one output time and a buffer");
  }
  for (int i = 0; i < n_times; i++) {
    if (!isfinite(times[i]) || (i > 0 && !(times[i] > times[i - 1]))) {
      return REMIT_ERROR(m->ctx, REMIT_ERR_ARG,
                         "simulate: output times must be finite and strictly increasing (time %d)",
                         i + 1);
    }
  }
  const remit_model_spec *spec = m->spec;
  const int n = spec->n_states;
  remit_sim_options o;
  remit_status st = resolve_options(m, opt, times, &o);
  if (st != REMIT_OK) {
    return st;
  }
  if ((st = remit__model_prepare(m)) != REMIT_OK || (st = remit__model_schedule(m)) != REMIT_OK) {
    return st;
  }
  for (int k = 0; k < m->n_events; k++) {
    if (m->events[k].time < o.t_start) {
      return REMIT_ERROR(m->ctx, REMIT_ERR_RANGE,
                         "a dose on day %g comes before the simulation starts on day %g",
                         m->events[k].time, o.t_start);
    }
  }
  memset(&m->stats, 0, sizeof(m->stats));
  if ((st = remit__solver_configure(m->solver, m, &o)) != REMIT_OK ||
      (st = initial_state(m, o.t_start)) != REMIT_OK) {
    fill_nan(states_out, 0, n_times, n);
    fill_nan(readouts_out, 0, n_times, spec->n_readouts);
    return st;
  }

  const double t_end = times[n_times - 1];
  const int nb = collect_boundaries(m, o.t_start, t_end);
  double *y = m->y;
  memcpy(y, m->y0, sizeof(double) * (size_t)n);
  double t = o.t_start;
  int row = 0, ev = 0, bi = 0;
  for (;;) {
    while (ev < m->n_events && m->events[ev].time == t) {
      apply_event(&m->events[ev++], y);
    }
    set_rates(m, t);
    if (row < n_times && times[row] == t) {
      memcpy(states_out + (size_t)row * n, y, sizeof(double) * (size_t)n);
      row++;
    }
    if (t >= t_end) {
      break;
    }
    double t_next = bi < nb ? m->boundaries[bi++] : t_end;
    if ((st = remit__solver_start(m->solver, m, t, y, t_next)) != REMIT_OK) {
      break;
    }
    while (st == REMIT_OK && row < n_times && times[row] < t_next) {
      st = remit__solver_advance(m->solver, m, times[row], states_out + (size_t)row * n);
      row += st == REMIT_OK;
    }
    if (st == REMIT_OK) {
      st = remit__solver_advance(m->solver, m, t_next, y);
    }
    remit__solver_add_stats(m->solver, &m->stats);
    if (st != REMIT_OK) {
      break;
    }
    t = t_next;
  }
  m->rate_active = 0;
  if (st != REMIT_OK) {
    fill_nan(states_out, row, n_times, n);
    fill_nan(readouts_out, row, n_times, spec->n_readouts);
  }
  if (readouts_out && spec->n_readouts > 0) {
    for (int i = 0; i < row; i++) {
      spec->readout(times[i], states_out + (size_t)i * n, m->p,
                    readouts_out + (size_t)i * spec->n_readouts, spec->user);
    }
  }
  return st;
}

remit_status remit_model_initial_state(remit_model *m, double *y0_out) {
  if (!m || !y0_out) {
    return REMIT_ERROR(m ? m->ctx : NULL, REMIT_ERR_ARG, "remit_model_initial_state: NULL");
  }
  double t0 = m->y0_valid ? m->y0_t_start : 0.0;
  remit_sim_options o = {REMIT_SOLVER_FAST, 1e-6, 1e-6, 100000, t0};
  remit_status st = remit__model_prepare(m);
  if (st == REMIT_OK && !m->y0_valid) {
    st = remit__solver_configure(m->solver, m, &o);
  }
  if (st == REMIT_OK) {
    st = initial_state(m, t0);
  }
  if (st == REMIT_OK) {
    memcpy(y0_out, m->y0, sizeof(double) * (size_t)m->spec->n_states);
  }
  return st;
}
