/* SPDX-License-Identifier: MIT
 *
 * fit.c: estimating model parameters from published trial results.
 *
 * The discrepancy (docs/validation.md, remit_fit_scale in remit_fit.h)
 *   D(theta) = sum_t term(z_t),  z_t = (m_t(theta) - y_t) / s_t,
 * with term z^2 (squared) or max(0, |z| - 1)^2 (hinge), compares the mean
 * across R replicate virtual trials of each fit target's simulated
 * statistic, m_t, with the published value y_t, scaled by the sampling
 * error s_t of a trial of the published size.  It is minimised with
 * nlopt's Subplex (NLOPT_LN_SBPLX; Rowan 1990), derivative-free and bounded,
 * over the parameters mapped to the unit cube (log scale where both bounds
 * are positive), from the current values and from (n_starts - 1) random
 * starting points.
 *
 * Why Subplex and not BOBYQA: the simulated proportions are sums of 0/1
 * patient outcomes, so even with common random numbers (every evaluation
 * reuses the scenario's seed, hence the same virtual patients) D is a
 * fine staircase in theta.  BOBYQA's quadratic models stall on flat steps;
 * Subplex (Nelder-Mead on subspaces) steps over them.
 *
 * The published values enter only D: the simulated statistics are computed
 * by the trial engine from the parameters alone.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <nlopt.h>

#include "core/core_impl.h"
#include "fit_impl.h"

double remit_fit_scale(const remit_target *t, remit_map_stat stat, const remit_sim_stat *sim) {
  double y = t->value;
  double n = isfinite(t->n) && t->n > 0 ? t->n : sim ? sim->arm_n : NAN;
  if (stat == REMIT_MAP_PROPORTION || stat == REMIT_MAP_ONE_MINUS || stat == REMIT_MAP_COUNT) {
    if (!(n > 0)) {
      n = 1.0;
    }
    double p = stat == REMIT_MAP_COUNT ? y / n : y;
    p = fmin(fmax(p, 0.0), 1.0);
    /* Binomial SE at the published value, floored so that 0/n and n/n
     * still carry the uncertainty of n patients. */
    double se = sqrt(fmax(p * (1.0 - p), 1.0 / n) / n);
    return stat == REMIT_MAP_COUNT ? n * se : se;
  }
  if (stat == REMIT_MAP_RATE || stat == REMIT_MAP_RATE_PER_MONTH) {
    /* Poisson SE of a rate at the published value, sqrt(y/E), with E the
     * exposure in the rate's unit: n patients followed to the timepoint, or
     * when the paper gives none for as long as the simulated arm's patients
     * were (one unit each without either), floored like the binomial one. */
    double unit = stat == REMIT_MAP_RATE ? REMIT__DAYS_PER_YEAR : REMIT__DAYS_PER_MONTH;
    double per = 1.0;
    if (isfinite(t->timepoint_days) && t->timepoint_days > 0) {
      per = t->timepoint_days / unit;
    } else if (sim && isfinite(sim->exposure) && sim->exposure > 0) {
      per = sim->exposure * REMIT__DAYS_PER_YEAR / unit;
    }
    double e = (n > 0 ? n : 1.0) * per;
    return sqrt(fmax(fabs(y), 1.0 / e) / e);
  }
  return fmax(0.1 * fabs(y), 1.0);
}

double remit_fit_term(remit_fit_objective objective, double z) {
  if (objective == REMIT_FIT_HINGE) {
    double excess = fmax(fabs(z) - 1.0, 0.0);
    return excess * excess;
  }
  return z * z;
}

typedef struct fit_state {
  remit_context *ctx;
  remit_evaluator *ev;
  const remit_targets *targets;
  const remit_map *map;
  const int *rows;
  int n_rows;
  const remit_fit_param *params;
  int k;
  const char **names;
  double *vals;
  remit_sim_stat *sim;
  const remit_fit_options *opt;
  int start, n_evals, stop;
  remit_status st;
} fit_state;

static double to_value(const remit_fit_param *p, double u) {
  u = fmin(fmax(u, 0.0), 1.0);
  if (p->log_scale) {
    return exp(log(p->lower) + u * (log(p->upper) - log(p->lower)));
  }
  return p->lower + u * (p->upper - p->lower);
}

static double to_unit(const remit_fit_param *p, double v) {
  double u = p->log_scale ? (log(v) - log(p->lower)) / (log(p->upper) - log(p->lower))
                          : (v - p->lower) / (p->upper - p->lower);
  return fmin(fmax(u, 0.0), 1.0);
}

static double objective(unsigned n, const double *u, double *grad, void *data) {
  (void)grad;
  fit_state *F = data;
  if (F->st != REMIT_OK || F->stop) {
    return HUGE_VAL;
  }
  for (unsigned i = 0; i < n; i++) {
    F->vals[i] = to_value(&F->params[i], u[i]);
  }
  F->st = remit_evaluator_run(F->ev, F->names, F->vals, F->k, 0.95, F->sim);
  if (F->st != REMIT_OK) {
    return HUGE_VAL;
  }
  double d = 0.0;
  for (int i = 0; i < F->n_rows; i++) {
    const remit_map_row *mr = &F->map->rows[F->rows[i]];
    const remit_target *t = &F->targets->rows[mr->target];
    double m = F->sim[i].mean;
    double s = remit_fit_scale(t, mr->stat, &F->sim[i]);
    if (F->opt->objective == REMIT_FIT_HINGE && F->sim[i].n_reps >= 3 && isfinite(F->sim[i].sd)) {
      /* The hinge's unit is the larger of that scale and the replicate
       * trials' own spread, which validation's interval shows: for a mean
       * or median of a small trial it is wider than max(0.1 |y|, 1). */
      s = fmax(s, F->sim[i].sd);
    }
    /* A statistic the trial could not produce (no evaluable patient) is a
     * large, finite penalty, so the optimiser moves away from it. */
    double z = isfinite(m) ? (m - t->value) / s : 1e3;
    d += remit_fit_term(F->opt->objective, z);
  }
  F->n_evals++;
  if (F->opt->progress &&
      F->opt->progress(F->start, F->n_evals, d, F->vals, F->k, F->opt->progress_user)) {
    F->stop = 1;
  }
  /* Under MPI a stop on any rank is every rank's, after this same evaluation. */
  if ((F->st = remit__evaluator_agree(F->ev, &F->stop)) != REMIT_OK) {
    return HUGE_VAL;
  }
  return d;
}

remit_status remit_fit(remit_context *ctx, const remit_targets *targets, const remit_map *map,
                       const remit_fit_param *params, int n_params, double *x,
                       const remit_fit_options *opt, remit_fit_result *result) {
  if (!ctx || !targets || !map || !params || n_params < 1 || !x || !opt || !result) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_fit: bad arguments");
  }
  if (opt->objective != REMIT_FIT_SQUARED && opt->objective != REMIT_FIT_HINGE) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "fit: unknown objective %d", (int)opt->objective);
  }
  const remit_model_spec *spec = remit_spec_sle();
  for (int i = 0; i < n_params; i++) {
    const remit_fit_param *p = &params[i];
    int j = remit_spec_param_index(spec, p->name);
    if (j < 0) {
      return REMIT_ERROR(ctx, REMIT_ERR_NOT_FOUND, "fit: '%s' is not a parameter of %s", p->name,
                         spec->name);
    }
    if (!(p->lower < p->upper) || p->lower < spec->params[j].lower ||
        p->upper > spec->params[j].upper || (p->log_scale && !(p->lower > 0.0))) {
      return REMIT_ERROR(ctx, REMIT_ERR_RANGE,
                         "fit: bounds [%g, %g] of %s must be increasing, inside [%g, %g]%s",
                         p->lower, p->upper, p->name, spec->params[j].lower,
                         spec->params[j].upper, p->log_scale ? " and positive (log scale)" : "");
    }
    if (!(x[i] >= p->lower && x[i] <= p->upper)) {
      return REMIT_ERROR(ctx, REMIT_ERR_RANGE, "fit: start %g of %s outside [%g, %g]", x[i],
                         p->name, p->lower, p->upper);
    }
  }
  int n_fit = 0;
  for (int i = 0; i < map->n; i++) {
    n_fit += map->rows[i].used_for_fit;
  }
  if (n_fit == 0) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "fit: %s marks no target used_for_fit = 1", map->path);
  }
  int *rows = calloc((size_t)n_fit, sizeof(int));
  const char **names = calloc((size_t)n_params, sizeof(char *));
  double *vals = calloc((size_t)n_params, sizeof(double));
  double *u = calloc((size_t)n_params, sizeof(double));
  double *best_u = calloc((size_t)n_params, sizeof(double));
  double *lb = calloc((size_t)n_params, sizeof(double));
  double *ub = calloc((size_t)n_params, sizeof(double));
  remit_sim_stat *sim = calloc((size_t)n_fit, sizeof(*sim));
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  remit_evaluator *ev = NULL;
  remit_status st = REMIT_OK;
  if (!rows || !names || !vals || !u || !best_u || !lb || !ub || !sim || !rng) {
    st = REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "out of memory");
    goto done;
  }
  for (int i = 0, j = 0; i < map->n; i++) {
    if (map->rows[i].used_for_fit) {
      rows[j++] = i;
    }
  }
  for (int i = 0; i < n_params; i++) {
    names[i] = params[i].name;
    ub[i] = 1.0;
  }
  remit_eval_options eo = opt->eval;
  if (eo.replicates <= 0 && !(eo.replicate_fraction > 0.0)) {
    eo.replicates = 2;
  }
  if ((st = remit_evaluator_create(ctx, map, rows, n_fit, &eo, &ev)) != REMIT_OK) {
    goto done;
  }
  gsl_rng_set(rng, (unsigned long)(opt->seed ? opt->seed : 1));
  fit_state F = {ctx, ev, targets, map, rows, n_fit, params, n_params, names, vals, sim, opt,
                 0, 0, 0, REMIT_OK};
  int n_starts = opt->n_starts > 0 ? opt->n_starts : 3;
  double best = HUGE_VAL;
  memset(result, 0, sizeof(*result));
  result->objective0 = NAN;
  for (int s = 0; s < n_starts && st == REMIT_OK && !F.stop; s++) {
    for (int i = 0; i < n_params; i++) {
      u[i] = s == 0 ? to_unit(&params[i], x[i]) : gsl_rng_uniform(rng);
    }
    if (s == 0) {
      result->objective0 = objective((unsigned)n_params, u, NULL, &F);
      if (F.st != REMIT_OK) {
        st = F.st;
        break;
      }
    }
    F.start = s;
    nlopt_opt o = nlopt_create(NLOPT_LN_SBPLX, (unsigned)n_params);
    if (!o) {
      st = REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "nlopt_create failed");
      break;
    }
    nlopt_set_lower_bounds(o, lb);
    nlopt_set_upper_bounds(o, ub);
    nlopt_set_min_objective(o, objective, &F);
    nlopt_set_xtol_rel(o, opt->xtol_rel > 0 ? opt->xtol_rel : 1e-3);
    nlopt_set_maxeval(o, opt->max_evals > 0 ? opt->max_evals : 60);
    /* A first step of a tenth of each range: coarse enough to see past the
     * staircase of binary outcomes. */
    nlopt_set_initial_step1(o, 0.1);
    double f = HUGE_VAL;
    nlopt_result rc = nlopt_optimize(o, u, &f);
    nlopt_destroy(o);
    if (F.st != REMIT_OK) {
      st = F.st;
      break;
    }
    if (rc < 0 && rc != NLOPT_FORCED_STOP && rc != NLOPT_ROUNDOFF_LIMITED) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "nlopt failed (code %d) in start %d", (int)rc, s);
      break;
    }
    if (f < best) {
      best = f;
      memcpy(best_u, u, sizeof(double) * (size_t)n_params);
      result->nlopt_code = (int)rc;
    }
  }
  if (st == REMIT_OK && isfinite(best)) {
    result->objective = best;
    result->n_evals = F.n_evals;
    for (int i = 0; i < n_params; i++) {
      x[i] = to_value(&params[i], best_u[i]);
    }
  }
done:
  remit_evaluator_destroy(&ev);
  gsl_rng_free(rng);
  free(rows);
  free(names);
  free(vals);
  free(u);
  free(best_u);
  free(lb);
  free(ub);
  free(sim);
  return st;
}
