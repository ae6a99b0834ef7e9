/* SPDX-License-Identifier: MIT
 *
 * pathway.c: the care pathway of cell therapy for SLE and its
 * cost-effectiveness, end to end (remit_pathway_run).
 *
 * Three stages:
 *
 * 1. Representative patients.  n patients are drawn from the population of
 *    the trial scenario named in `patients.scenario` (eligibility applied)
 *    and each is simulated with the SLE model under every strategy's arm
 *    for 12 months: SLEDAI-2K each month, the highest CRS and ICANS grades.
 *    The same patients go through every arm (paired).  Later stages reuse
 *    them by sampling, so the ODE model runs n x strategies times, not once
 *    per pathway patient or PSA sample.
 *
 * 2. The pathway, a discrete-event simulation over calendar time (des.h):
 *    refractory patients arise (the prevalent pool referred over the first
 *    years, incident ones as a Poisson process), are referred to a centre,
 *    checked for eligibility, wait for a manufacturing slot allocated to the
 *    centre (a token released every 30.44/slots_per_month days), undergo
 *    apheresis (units per centre, success probability, repeats), are shipped,
 *    manufactured (central lines shared by all centres, or point-of-care
 *    lines per centre; failures and re-manufacture after a new apheresis),
 *    shipped back, admitted (beds per centre) for lymphodepletion, infused,
 *    go to ICU when their representative patient's CRS or ICANS grade
 *    reaches the ICU grade (ICU beds per centre), and are discharged.  MSC
 *    skips slots, apheresis and manufacturing.  While waiting, a patient
 *    can die (SLE mortality), withdraw, or flare; a severe flare makes them
 *    ineligible with a given probability.  Queues are first come, first served,
 *    or (`queue: severity`) served by baseline SLEDAI-2K, highest first.
 *    Apheresis and admission wait for the centre to be open (calendars:
 *    closed weekends and weeks).
 *
 * 3. Cost-effectiveness, a continuous-time microsimulation per patient
 *    (first-order) inside a PSA loop (second-order): wait in active disease
 *    (cell therapies: a wait drawn from the pathway's eligible patients;
 *    those who drop out or are still waiting at the horizon continue on
 *    standard care), the treatment's one-off costs, 12 months of disease
 *    activity from the representative patient's SLEDAI-2K, then a
 *    semi-Markov course (remission <-> active, organ damage, ESRD for
 *    nephritis, death from a Gompertz background times the SLE SMR, damage
 *    and ESRD hazard ratios) to the horizon.  Costs and QALYs accrue per
 *    state and are discounted continuously, 1/(1+r)^t.  Patients use the
 *    same random streams under every strategy (common random numbers), so
 *    differences between strategies are not swamped by first-order noise.
 *
 * Determinism: every draw comes from a keyed stream (rng.h): patient draws
 * by (seed, replicate, patient), PSA draws by (seed, sample); parallel loops
 * write to their own rows.  Results do not depend on the thread count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <omp.h>

#include "core/core_impl.h"
#include "des.h"
#include "pathway_result.h"
#include "population/population.h"
#include "remit/remit_model.h"

const char *const remit__pw_reason_names[PW_N_REASONS] = {
    "none",     "ineligible",           "death",
    "withdrawal", "deterioration",      "apheresis_failure",
    "manufacturing_failure",            "waiting_at_horizon"};

enum {
  STREAM_PW_PATIENT = 20,
  STREAM_PW_ARRIVALS = 21,
  STREAM_PW_MODEL_DRAW = 22,
  STREAM_PSA = 30,
  STREAM_CEA = 31
};

#define DAYS_PER_YEAR 365.25
#define DAYS_PER_MONTH 30.4375

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* ------------------------------------------------------------------------ */
/* Distributions                                                             */
/* ------------------------------------------------------------------------ */

double remit__pw_dist_mean(const pw_dist *d) {
  switch (d->kind) {
  case PW_DIST_FIXED:
  case PW_DIST_EXPONENTIAL:
  case PW_DIST_GAMMA: return d->a;
  case PW_DIST_LOGNORMAL: return d->a * sqrt(1.0 + d->b * d->b); /* median e^{s^2/2} */
  case PW_DIST_UNIFORM: return 0.5 * (d->a + d->b);
  }
  return d->a;
}

double remit__pw_dist_draw(const pw_dist *d, remit__rng *r) {
  switch (d->kind) {
  case PW_DIST_FIXED: return d->a;
  case PW_DIST_EXPONENTIAL: return -d->a * log1p(-remit__rng_uniform(r));
  case PW_DIST_LOGNORMAL: {
    double s = sqrt(log1p(d->b * d->b));
    return d->a * exp(s * gsl_ran_ugaussian(&r->gsl));
  }
  case PW_DIST_GAMMA: {
    double k = d->a * d->a / (d->b * d->b);
    return gsl_ran_gamma(&r->gsl, k, d->b * d->b / d->a);
  }
  case PW_DIST_UNIFORM: return d->a + (d->b - d->a) * remit__rng_uniform(r);
  }
  return d->a;
}

/* ------------------------------------------------------------------------ */
/* Stage 1: representative patients                                          */
/* ------------------------------------------------------------------------ */

typedef struct arm_doses {
  remit_dose *doses;
  int n;
} arm_doses;

static remit_status expand_arm(remit_context *ctx, const remit_model_spec *spec,
                               const remit_arm *arm, double t_end, arm_doses *out) {
  int n = 0;
  for (int k = 0; k < arm->n_regimen; k++) {
    const remit_regimen_item *it = &arm->regimen[k];
    int c = it->every > 0.0 ? (it->count > 0 ? it->count : (int)floor((t_end - it->day) / it->every) + 1)
                            : 1;
    n += c > 0 ? c : 0;
  }
  out->doses = remit__calloc(ctx, (size_t)n + 1, sizeof(remit_dose));
  out->n = 0;
  if (!out->doses) {
    return REMIT_ERR_NOMEM;
  }
  for (int k = 0; k < arm->n_regimen; k++) {
    const remit_regimen_item *it = &arm->regimen[k];
    int input = remit_spec_input_index(spec, it->input);
    if (input < 0) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG, "arm %s: no input '%s'", arm->name, it->input);
    }
    int c = it->every > 0.0 ? (it->count > 0 ? it->count : (int)floor((t_end - it->day) / it->every) + 1)
                            : 1;
    for (int j = 0; j < c; j++) {
      double day = it->day + j * (it->every > 0.0 ? it->every : 0.0);
      if (day > t_end) {
        break;
      }
      out->doses[out->n++] = (remit_dose){day, input, it->amount, it->duration};
    }
  }
  return REMIT_OK;
}

/* Multiplicative factors on the typical values for each model-parameter
 * draw: (K + 1) x n_params, row 0 all ones (the nominal model).  Draw d >= 1
 * multiplies every uncertain parameter's typical value by exp(s z), z
 * standard normal from the stream (seed, d, 0, STREAM_PW_MODEL_DRAW), s =
 * sqrt(ln(1 + cv^2)): log-normal with median 1 and the given CV, the same
 * convention as the population's IIV (population.h).  One factor per draw
 * is shared by all patients and strategies: it is uncertainty about the
 * population value, not variability between patients. */
static void draw_factors(const remit_pathway_scenario *sc, const remit__population *pop,
                         int n_params, double *f) {
  int nu = sc->n_unc_params > 0 ? sc->n_unc_params : remit__population_n_varying(pop);
  const int *which = sc->n_unc_params > 0 ? sc->unc_params : remit__population_varying(pop);
  double s = sqrt(log1p(sc->model_unc_cv * sc->model_unc_cv));
  for (int d = 0; d <= sc->model_draws; d++) {
    double *row = f + (size_t)d * n_params;
    for (int k = 0; k < n_params; k++) {
      row[k] = 1.0;
    }
    if (d == 0) {
      continue;
    }
    remit__rng r;
    remit__rng_key(&r, sc->seed, (uint64_t)d, 0, STREAM_PW_MODEL_DRAW);
    for (int i = 0; i < nu; i++) {
      row[which[i]] = exp(s * gsl_ran_gaussian_ziggurat(&r.gsl, 1.0));
    }
  }
}

static remit_status run_reps(remit_pathway_result *R, const remit_pathway_options *opt) {
  const remit_pathway_scenario *sc = R->sc;
  remit_context *ctx = R->ctx;
  const remit_scenario *ms = sc->model;
  const remit_model_spec *spec = remit_spec_sle();
  const int ns = sc->n_strategies, nr = sc->n_model_patients, nd = sc->model_draws + 1;
  const int np = spec->n_params;
  R->n_reps = nr;
  R->n_draws = sc->model_draws;
  R->reps = remit__calloc(ctx, (size_t)nd * ns * nr + 1, sizeof(pw_rep));
  R->rep_remission12 = remit__calloc(ctx, (size_t)nd * ns + 1, sizeof(double));
  R->rep_icu = remit__calloc(ctx, (size_t)nd * ns + 1, sizeof(double));
  double *cov = remit__calloc(ctx, (size_t)nr * REMIT_N_COVARIATES, sizeof(double));
  double *params = remit__calloc(ctx, (size_t)nr * np, sizeof(double));
  double *factors = remit__calloc(ctx, (size_t)nd * np, sizeof(double));
  arm_doses *arms = remit__calloc(ctx, (size_t)ns + 1, sizeof(arm_doses));
  remit__population *pop = NULL;
  remit_status st = (R->reps && R->rep_remission12 && R->rep_icu && cov && params && factors &&
                     arms)
                        ? REMIT_OK
                        : REMIT_ERR_NOMEM;
  const double t_end = 366.0;
  double t0 = -7.0;
  for (int s = 0; st == REMIT_OK && s < ns; s++) {
    const remit_arm *arm = &ms->arms[sc->strategies[s].arm_index];
    st = expand_arm(ctx, spec, arm, t_end, &arms[s]);
    for (int k = 0; st == REMIT_OK && k < arms[s].n; k++) {
      t0 = fmin(t0, floor(arms[s].doses[k].day - 2.0));
    }
  }
  if (st == REMIT_OK) {
    st = remit__population_create(ctx, ms, spec, &pop);
  }
  if (st == REMIT_OK) {
    draw_factors(sc, pop, np, factors);
  }
  /* Screen until nr patients meet the trial scenario's eligibility. */
  long pid = 0;
  for (int k = 0; st == REMIT_OK && k < nr; pid++) {
    if (pid > 1000L * nr + 10000) {
      st = REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: fewer than 1 in 1000 patients are eligible",
                       sc->model_path);
      break;
    }
    double *c = cov + (size_t)k * REMIT_N_COVARIATES;
    remit__population_draw(pop, sc->seed, 0, pid, c, params + (size_t)k * np);
    int ok = 1;
    for (int e = 0; e < ms->population.n_eligibility; e++) {
      const remit_criterion *cr = &ms->population.eligibility[e];
      ok = ok && remit__criterion_holds(cr, c[cr->covariate]);
    }
    if (ok) {
      k++;
    }
  }
  int n_days = (int)(t_end - t0) + 1;
  int rd_sledai = remit_spec_readout_index(spec, "sledai2k");
  int rd_crs = remit_spec_readout_index(spec, "crs_grade");
  int rd_icans = remit_spec_readout_index(spec, "icans_grade");
  long total = (long)nd * ns * nr, done = 0;
  int stop = 0;
  if (st == REMIT_OK && (rd_sledai < 0 || rd_crs < 0 || rd_icans < 0)) {
    st = REMIT_ERROR(ctx, REMIT_ERR_MODEL, "SLE model lacks sledai2k/crs_grade/icans_grade");
  }
  if (st == REMIT_OK) {
    int nt = R->threads;
#pragma omp parallel num_threads(nt)
    {
      remit_context *wctx = NULL;
      remit_model *m = NULL;
      double *Y = malloc(sizeof(double) * (size_t)n_days * spec->n_states);
      double *Rd = malloc(sizeof(double) * (size_t)n_days * spec->n_readouts);
      double *days = malloc(sizeof(double) * (size_t)n_days);
      double *pj = malloc(sizeof(double) * (size_t)np);
      int ok = Y && Rd && days && pj && remit_context_create(NULL, &wctx) == REMIT_OK &&
               remit_model_create(wctx, spec, &m) == REMIT_OK;
      for (int i = 0; ok && i < n_days; i++) {
        days[i] = t0 + i;
      }
#pragma omp for schedule(dynamic, 1)
      for (long job = 0; job < total; job++) {
        /* job = (draw, strategy, patient); each writes its own rep. */
        int d = (int)(job / ((long)ns * nr)), s = (int)(job / nr % ns), k = (int)(job % nr);
        pw_rep *rp = &R->reps[(size_t)job];
        const double *c = cov + (size_t)k * REMIT_N_COVARIATES;
        remit_covariates mc;
        remit__population_model_covariates(c, &mc);
        rp->age = mc.age_y;
        rp->sex = mc.sex;
        rp->renal = mc.renal;
        rp->sledai0 = mc.sledai0;
        int fail = !ok || stop;
        if (!fail) {
          /* The patient's own parameters with the draw's factors, kept in
           * the table's admissible range as the population draw is. */
          for (int q = 0; q < np; q++) {
            double v = params[(size_t)k * np + q] * factors[(size_t)d * np + q];
            pj[q] = fmin(fmax(v, spec->params[q].lower), spec->params[q].upper);
          }
          remit_sim_options o = {REMIT_SOLVER_FAST, 1e-6, 1e-6, 0, t0};
          fail = remit_model_set_params(m, pj, np) || remit_model_set_covariates(m, &mc) ||
                 remit_model_set_regimen(m, arms[s].doses, arms[s].n) ||
                 remit_model_simulate(m, &o, days, n_days, Y, Rd);
        }
        rp->failed = fail;
        for (int mo = 0; mo <= 12; mo++) {
          int row = mo == 0 ? 0 : (int)lround(mo * DAYS_PER_MONTH - t0);
          rp->sledai[mo] = fail ? rp->sledai0 : Rd[(size_t)row * spec->n_readouts + rd_sledai];
        }
        rp->crs_max = rp->icans_max = 0;
        for (int i = 0; !fail && i < n_days; i++) {
          int cg = (int)lround(Rd[(size_t)i * spec->n_readouts + rd_crs]);
          int ig = (int)lround(Rd[(size_t)i * spec->n_readouts + rd_icans]);
          rp->crs_max = cg > rp->crs_max ? cg : rp->crs_max;
          rp->icans_max = ig > rp->icans_max ? ig : rp->icans_max;
        }
#pragma omp critical(remit_pw_progress)
        {
          done++;
          if (opt && opt->progress && omp_get_thread_num() == 0) {
            stop |= opt->progress("patients", done, total, opt->progress_user);
          }
        }
      }
      remit_model_destroy(&m);
      remit_context_destroy(&wctx);
      free(Y);
      free(Rd);
      free(days);
      free(pj);
    }
    if (stop) {
      st = REMIT_ERROR(ctx, REMIT_ERR_STATE, "stopped");
    }
  }
  /* Shares per (draw, strategy); the first ns are the nominal model's. */
  int icu_grade = sc->icu_grade;
  for (int ds = 0; st == REMIT_OK && ds < nd * ns; ds++) {
    double rem = 0.0, icu = 0.0;
    for (int k = 0; k < nr; k++) {
      const pw_rep *rp = &R->reps[(size_t)ds * nr + k];
      rem += rp->sledai[12] <= sc->remission_sledai;
      icu += rp->crs_max >= icu_grade || rp->icans_max >= icu_grade;
    }
    R->rep_remission12[ds] = rem / nr;
    R->rep_icu[ds] = icu / nr;
  }
  for (int s = 0; arms && s < ns; s++) {
    remit__free(ctx, arms[s].doses);
  }
  remit__free(ctx, arms);
  remit__free(ctx, cov);
  remit__free(ctx, params);
  remit__free(ctx, factors);
  remit__population_destroy(ctx, &pop);
  return st;
}

/* ------------------------------------------------------------------------ */
/* Stage 2: the pathway DES                                                  */
/* ------------------------------------------------------------------------ */

enum {
  EV_ARRIVE = 0,
  EV_REFERRED,
  EV_ELIGIBLE,
  EV_SLOT_FREE,
  EV_APH_DONE,
  EV_AT_FACTORY,
  EV_MANUF_DONE,
  EV_PRODUCT_BACK,
  EV_INFUSE,
  EV_ICU_START,
  EV_ICU_END,
  EV_DISCHARGE,
  EV_WAIT_HAZARD,
  EV_APH_OPEN,   /* the centre opens: a held apheresis unit starts */
  EV_ADMIT_OPEN  /* the centre opens: a held bed admits */
};

/* Where a waiting patient is, so a dropout can leave the right queue. */
enum { PH_DELAY = 0, PH_SLOT_Q, PH_APH_Q, PH_APH, PH_MANUF_Q, PH_MANUF, PH_BED_Q, PH_ADMITTED };

/* Resources per centre: slot token, apheresis, beds, ICU, point-of-care lines. */
enum { RC_SLOT = 0, RC_APH, RC_BED, RC_ICU, RC_LINE, RC_N };
static const char *const rc_names[RC_N] = {"manufacturing_slot", "apheresis", "bed", "icu_bed",
                                           "poc_line"};

typedef struct des_run {
  remit_pathway_result *R;
  const remit_pathway_scenario *sc;
  remit_context *ctx;
  remit__des des;
  remit__resource *res;   /* n_centres x RC_N, then the central lines */
  int n_res;
  pw_patient *pt;
  long n_pt, cap_pt;
  remit__rng *prng;       /* per patient stream */
  double horizon;         /* days */
  int replicate;
  double *cw;             /* centre weights, cumulative */
  const pw_rep *reps;     /* reps of the therapy strategy, or NULL */
  double death_la[2], death_b, smr; /* Gompertz level by sex (0 women, 1 men), slope, SMR */
} des_run;

static remit__resource *rc(des_run *D, int centre, int kind) {
  if (kind == RC_LINE && D->sc->manuf_central) {
    return &D->res[D->n_res - 1];
  }
  return &D->res[centre * RC_N + kind];
}

static remit_status new_patient(des_run *D, double t, long *id) {
  if (D->n_pt == D->cap_pt) {
    long cap = D->cap_pt ? D->cap_pt * 2 : 1024;
    pw_patient *p = remit__calloc(D->ctx, (size_t)cap, sizeof(*p));
    remit__rng *r = remit__calloc(D->ctx, (size_t)cap, sizeof(*r));
    if (!p || !r) {
      remit__free(D->ctx, p);
      remit__free(D->ctx, r);
      return REMIT_ERR_NOMEM;
    }
    if (D->n_pt) {
      memcpy(p, D->pt, sizeof(*p) * (size_t)D->n_pt);
      memcpy(r, D->prng, sizeof(*r) * (size_t)D->n_pt);
    }
    remit__free(D->ctx, D->pt);
    remit__free(D->ctx, D->prng);
    D->pt = p;
    D->prng = r;
    D->cap_pt = cap;
    /* The gsl_rng state pointers point into the moved array: re-point. */
    for (long i = 0; i < D->n_pt; i++) {
      D->prng[i].gsl.state = D->prng[i].s;
    }
  }
  long i = D->n_pt++;
  remit__rng *r = &D->prng[i];
  remit__rng_key(r, D->sc->seed, (uint64_t)D->replicate, (uint64_t)i, STREAM_PW_PATIENT);
  pw_patient *p = &D->pt[i];
  memset(p, 0, sizeof(*p));
  p->replicate = D->replicate;
  double u = remit__rng_uniform(r) * D->cw[D->sc->n_centres - 1];
  int c = 0;
  while (c < D->sc->n_centres - 1 && u >= D->cw[c]) {
    c++;
  }
  p->centre = c;
  int nr = D->R->n_reps;
  p->rep = (int)(remit__rng_uniform(r) * nr);
  p->rep = p->rep >= nr ? nr - 1 : p->rep;
  p->age = D->R->reps[p->rep].age; /* the covariates are the same under every arm */
  p->sex = D->R->reps[p->rep].sex;
  p->t_arrive = t;
  p->t_eligible = p->t_slot = p->t_aph = p->t_admit = p->t_infuse = p->t_discharge = p->t_end =
      NAN;
  *id = i;
  return REMIT_OK;
}

static remit_status sched(des_run *D, double t, int type, long id, int arg) {
  return remit__des_schedule(&D->des, t, type, (int)id, arg);
}

/* Death hazard (per year) of a waiting patient now: the sex's Gompertz
 * background at the current age times the SLE SMR.  It is frozen between
 * two waiting events (at most weeks apart), which the age slope of about
 * 9 % per year makes negligible. */
static double wait_death_hazard(const des_run *D, const pw_patient *p) {
  double age = p->age + (D->des.now - p->t_arrive) / DAYS_PER_YEAR;
  return D->smr * exp(D->death_la[p->sex] + D->death_b * age);
}

/* The next disease event while waiting: death, withdrawal or a severe flare. */
static remit_status next_wait_hazard(des_run *D, long id) {
  pw_patient *p = &D->pt[id];
  double h_death = wait_death_hazard(D, p);
  double total = (h_death + D->sc->withdraw_rate + D->sc->flare_rate) / DAYS_PER_YEAR;
  if (!(total > 0.0)) {
    return REMIT_OK;
  }
  double dt = -log1p(-remit__rng_uniform(&D->prng[id])) / total;
  return sched(D, D->des.now + dt, EV_WAIT_HAZARD, id, p->gen);
}

static remit_status give_back(des_run *D, int centre, int kind,
                              remit_status (*granted)(des_run *, long));
static remit_status reserve_line(des_run *D, long id);

static remit_status drop(des_run *D, long id, pw_reason why) {
  pw_patient *p = &D->pt[id];
  double now = D->des.now;
  switch (p->phase) {
  case PH_SLOT_Q: remit__resource_cancel(rc(D, p->centre, RC_SLOT), now, (int)id); break;
  case PH_APH_Q: remit__resource_cancel(rc(D, p->centre, RC_APH), now, (int)id); break;
  case PH_MANUF_Q: remit__resource_cancel(rc(D, p->centre, RC_LINE), now, (int)id); break;
  case PH_BED_Q: remit__resource_cancel(rc(D, p->centre, RC_BED), now, (int)id); break;
  default: break; /* in a delay or a service: its completion sees the dropout */
  }
  p->status = PW_DROPPED;
  p->reason = why;
  p->t_end = now;
  p->gen++;
  if (p->holds_line && p->phase != PH_MANUF) {
    /* A reserved point-of-care line is freed at once (in manufacturing, it
     * is freed when the run ends). */
    p->holds_line = 0;
    return give_back(D, p->centre, RC_LINE, reserve_line);
  }
  return REMIT_OK;
}

/* Requests a resource; on an immediate grant runs `granted`. */
static remit_status want(des_run *D, long id, int kind, int queue_phase,
                         remit_status (*granted)(des_run *, long));

/* Centre calendars.  Day 0 of the simulation is taken to be a Monday,
 * 1 January [assumption]; weekday = floor(t) mod 7 (5, 6: Saturday,
 * Sunday) and week of the year = floor((floor(t) mod 365.25) / 7) + 1, so the
 * weeks drift by a day and a quarter a year against a real calendar
 * (about six days over a five-year horizon). */
static int centre_open(const pw_centre *c, double day) {
  if (c->weekends_closed && fmod(day, 7.0) >= 5.0) {
    return 0;
  }
  int week = (int)(fmod(day, 365.25) / 7.0) + 1;
  return !(c->closed_weeks >> week & 1u);
}

/* The first time >= t at which the centre is open: t itself, or the start
 * of the next open day.  The loader refuses calendars closed all year. */
static double next_open(const des_run *D, int centre, double t) {
  const pw_centre *c = &D->sc->centres[centre];
  double day = floor(t);
  if (centre_open(c, day)) {
    return t;
  }
  for (int i = 0; i < 400 && !centre_open(c, day); i++) {
    day += 1.0;
  }
  return day;
}

/* A unit granted while the centre is closed is held until it opens; the
 * patient is still waiting (hazards run), and a dropout in the meantime
 * gives the unit back when the opening event fires. */
static remit_status start_apheresis(des_run *D, long id) {
  pw_patient *p = &D->pt[id];
  double t_open = next_open(D, p->centre, D->des.now);
  if (t_open > D->des.now) {
    p->phase = PH_APH;
    return sched(D, t_open, EV_APH_OPEN, id, 0);
  }
  p->phase = PH_APH;
  p->n_aph++;
  if (isnan(p->t_aph)) {
    p->t_aph = D->des.now;
  }
  return sched(D, D->des.now + D->sc->aph_days, EV_APH_DONE, id, 0);
}

static remit_status start_manufacturing(des_run *D, long id) {
  pw_patient *p = &D->pt[id];
  p->phase = PH_MANUF;
  p->n_manuf++;
  double d = remit__pw_dist_draw(&D->sc->manuf_days, &D->prng[id]);
  return sched(D, D->des.now + d, EV_MANUF_DONE, id, 0);
}

static remit_status start_slot(des_run *D, long id) {
  pw_patient *p = &D->pt[id];
  p->t_slot = D->des.now;
  const pw_centre *c = &D->sc->centres[p->centre];
  /* The slot token returns after one allocation period. */
  remit_status st = sched(D, D->des.now + DAYS_PER_MONTH / c->slots_per_month, EV_SLOT_FREE,
                          p->centre, 0);
  if (st != REMIT_OK) {
    return st;
  }
  return want(D, id, RC_APH, PH_APH_Q, start_apheresis);
}

/* Point of care: the centre's line is reserved from apheresis to the end of
 * manufacturing, so a patient is collected only when a line can take the
 * cells (fresh or short-hold material; the line is the centre's slot). */
static remit_status reserve_line(des_run *D, long id) {
  pw_patient *p = &D->pt[id];
  p->holds_line = 1;
  if (isnan(p->t_slot)) {
    p->t_slot = D->des.now;
  }
  return want(D, id, RC_APH, PH_APH_Q, start_apheresis);
}

static remit_status admit(des_run *D, long id) {
  pw_patient *p = &D->pt[id];
  double t_open = next_open(D, p->centre, D->des.now);
  if (t_open > D->des.now) {
    p->phase = PH_DELAY;
    return sched(D, t_open, EV_ADMIT_OPEN, id, 0);
  }
  p->phase = PH_ADMITTED;
  p->t_admit = D->des.now;
  p->gen++; /* no more disease events while waiting */
  return sched(D, D->des.now + D->sc->ld_days, EV_INFUSE, id, 0);
}

static remit_status start_icu(des_run *D, long id) {
  double d = remit__pw_dist_draw(&D->sc->icu_days, &D->prng[id]);
  D->pt[id].icu = 1;
  return sched(D, D->des.now + d, EV_ICU_END, id, 0);
}

/* The patient's place in a queue (des.h: higher first, FIFO among equals).
 * `queue: severity` ranks by the baseline SLEDAI-2K of the patient's
 * representative patient, so the most active disease is served first;
 * `fcfs` gives everyone the same key. */
static double queue_key(const des_run *D, const pw_patient *p) {
  return D->sc->queue_rule == PW_QUEUE_SEVERITY ? D->R->reps[p->rep].sledai0 : 0.0;
}

static remit_status want(des_run *D, long id, int kind, int queue_phase,
                         remit_status (*granted)(des_run *, long)) {
  pw_patient *p = &D->pt[id];
  int g = remit__resource_request_key(rc(D, p->centre, kind), D->des.now, (int)id,
                                      queue_key(D, p));
  if (g < 0) {
    return REMIT_ERR_NOMEM;
  }
  if (g == 1) {
    return granted(D, id);
  }
  p->phase = queue_phase;
  return REMIT_OK;
}

/* Releases a unit; the next in line (if any, and still waiting) starts. */
static remit_status give_back(des_run *D, int centre, int kind,
                              remit_status (*granted)(des_run *, long)) {
  remit__resource *r = rc(D, centre, kind);
  for (;;) {
    int nxt = remit__resource_release(r, D->des.now);
    if (nxt < 0) {
      return REMIT_OK;
    }
    if (D->pt[nxt].status == PW_WAITING) {
      return granted(D, nxt);
    }
    /* Dropped patients left the queue when they dropped; this is a guard. */
  }
}

static remit_status on_event(des_run *D, const remit__event *ev) {
  const remit_pathway_scenario *sc = D->sc;
  long id = ev->entity;
  pw_patient *p = ev->type == EV_SLOT_FREE || ev->type == EV_ARRIVE ? NULL : &D->pt[id];
  double now = D->des.now;
  remit_status st = REMIT_OK;
  switch (ev->type) {
  case EV_ARRIVE: break; /* handled by the caller */
  case EV_REFERRED:
    if (p->status != PW_WAITING) {
      break;
    }
    st = sched(D, now + remit__pw_dist_draw(&sc->eligibility_days, &D->prng[id]), EV_ELIGIBLE, id, 0);
    break;
  case EV_ELIGIBLE:
    if (p->status != PW_WAITING) {
      break;
    }
    if (remit__rng_uniform(&D->prng[id]) >= sc->p_eligible) {
      st = drop(D, id, PW_R_INELIGIBLE);
      break;
    }
    p->t_eligible = now;
    if (sc->therapy == PW_THERAPY_MSC) {
      st = want(D, id, RC_BED, PH_BED_Q, admit);
    } else if (!sc->manuf_central) {
      st = want(D, id, RC_LINE, PH_MANUF_Q, reserve_line);
    } else {
      st = want(D, id, RC_SLOT, PH_SLOT_Q, start_slot);
    }
    break;
  case EV_SLOT_FREE: st = give_back(D, (int)id, RC_SLOT, start_slot); break;
  case EV_APH_DONE:
    st = give_back(D, p->centre, RC_APH, start_apheresis);
    if (st != REMIT_OK || p->status != PW_WAITING) {
      break;
    }
    if (remit__rng_uniform(&D->prng[id]) >= sc->aph_success) {
      if (p->n_aph >= sc->aph_max) {
        st = drop(D, id, PW_R_APHERESIS_FAILURE);
      } else {
        st = want(D, id, RC_APH, PH_APH_Q, start_apheresis);
      }
      break;
    }
    p->phase = PH_DELAY;
    st = sched(D, now + (sc->manuf_central ? remit__pw_dist_draw(&sc->ship_days, &D->prng[id]) : 0.0),
               EV_AT_FACTORY, id, 0);
    break;
  case EV_AT_FACTORY:
    if (p->status == PW_WAITING) {
      st = p->holds_line ? start_manufacturing(D, id)
                         : want(D, id, RC_LINE, PH_MANUF_Q, start_manufacturing);
    }
    break;
  case EV_MANUF_DONE: {
    int fail = p->status == PW_WAITING && remit__rng_uniform(&D->prng[id]) < sc->manuf_failure;
    int retry = fail && p->n_manuf < sc->manuf_max;
    if (!sc->manuf_central && retry) {
      /* Point of care: the line stays reserved for the re-manufacture. */
    } else {
      p->holds_line = 0;
      st = give_back(D, p->centre, RC_LINE, sc->manuf_central ? start_manufacturing : reserve_line);
    }
    if (st != REMIT_OK || p->status != PW_WAITING) {
      break;
    }
    if (fail) {
      if (!retry) {
        st = drop(D, id, PW_R_MANUFACTURING_FAILURE);
      } else {
        /* Re-manufacture from a new apheresis (UK panel: about half of the
         * remanufactured reach an in-specification product; economics.md 1.3). */
        st = want(D, id, RC_APH, PH_APH_Q, start_apheresis);
      }
      break;
    }
    p->phase = PH_DELAY;
    st = sched(D, now + (sc->manuf_central ? remit__pw_dist_draw(&sc->ship_days, &D->prng[id]) : 0.0),
               EV_PRODUCT_BACK, id, 0);
    break;
  }
  case EV_PRODUCT_BACK:
    if (p->status == PW_WAITING) {
      st = want(D, id, RC_BED, PH_BED_Q, admit);
    }
    break;
  case EV_INFUSE: {
    p->status = PW_TREATED;
    p->t_infuse = now;
    p->t_end = now;
    const pw_rep *rp = D->reps ? &D->reps[p->rep] : NULL;
    double stay = remit__pw_dist_draw(&sc->stay_days, &D->prng[id]);
    if (rp && (rp->crs_max >= sc->icu_grade || rp->icans_max >= sc->icu_grade) &&
        sc->centres[p->centre].icu_beds > 0) {
      /* ICU admission around day 5 after infusion (median day 5, French
       * ICUs; economics.md 1.6 [V]). */
      st = sched(D, now + 5.0, EV_ICU_START, id, 0);
      stay += remit__pw_dist_mean(&sc->icu_days);
    }
    if (st == REMIT_OK) {
      st = sched(D, now + stay, EV_DISCHARGE, id, 0);
    }
    break;
  }
  case EV_ICU_START: {
    int g = remit__resource_request_key(rc(D, p->centre, RC_ICU), now, (int)id, queue_key(D, p));
    st = g < 0 ? REMIT_ERR_NOMEM : g == 1 ? start_icu(D, id) : REMIT_OK;
    break;
  }
  case EV_ICU_END: st = give_back(D, p->centre, RC_ICU, start_icu); break;
  case EV_DISCHARGE:
    p->t_discharge = now;
    st = give_back(D, p->centre, RC_BED, admit);
    break;
  case EV_APH_OPEN:
    st = p->status == PW_WAITING ? start_apheresis(D, id)
                                 : give_back(D, p->centre, RC_APH, start_apheresis);
    break;
  case EV_ADMIT_OPEN:
    st = p->status == PW_WAITING ? admit(D, id) : give_back(D, p->centre, RC_BED, admit);
    break;
  case EV_WAIT_HAZARD: {
    if (p->status != PW_WAITING || ev->arg != p->gen) {
      break;
    }
    double h_death = wait_death_hazard(D, p);
    double u = remit__rng_uniform(&D->prng[id]) * (h_death + sc->withdraw_rate + sc->flare_rate);
    if (u < h_death) {
      st = drop(D, id, PW_R_DEATH);
    } else if (u < h_death + sc->withdraw_rate) {
      st = drop(D, id, PW_R_WITHDRAWAL);
    } else {
      p->flares++;
      if (remit__rng_uniform(&D->prng[id]) < sc->p_flare_inelig) {
        st = drop(D, id, PW_R_DETERIORATION);
      } else {
        st = next_wait_hazard(D, id);
      }
    }
    break;
  }
  default: break;
  }
  return st;
}

static remit_status arrive(des_run *D, double t) {
  long id;
  remit_status st = new_patient(D, t, &id);
  if (st != REMIT_OK) {
    return st;
  }
  st = sched(D, t + remit__pw_dist_draw(&D->sc->referral_days, &D->prng[id]), EV_REFERRED, id, 0);
  if (st == REMIT_OK) {
    /* Disease events run from referral onwards. */
    D->des.now = t;
    st = next_wait_hazard(D, id);
  }
  return st;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static remit_status run_des_replicate(remit_pathway_result *R, int replicate, des_run *D) {
  const remit_pathway_scenario *sc = R->sc;
  remit_context *ctx = R->ctx;
  memset(D, 0, sizeof(*D));
  D->R = R;
  D->sc = sc;
  D->ctx = ctx;
  D->replicate = replicate;
  D->horizon = sc->horizon_years * DAYS_PER_YEAR;
  D->reps = R->therapy_strategy >= 0 ? &R->reps[(size_t)R->therapy_strategy * R->n_reps] : NULL;
  D->death_b = sc->econ[remit_econ_param_index("gompertz_b")];
  D->death_la[0] = remit__pw_gompertz_level(sc->econ[remit_econ_param_index("e0_female")], D->death_b);
  D->death_la[1] = remit__pw_gompertz_level(sc->econ[remit_econ_param_index("e0_male")], D->death_b);
  D->smr = sc->econ[remit_econ_param_index("smr_sle")];
  D->n_res = sc->n_centres * RC_N + 1;
  D->res = remit__calloc(ctx, (size_t)D->n_res, sizeof(*D->res));
  D->cw = remit__calloc(ctx, (size_t)sc->n_centres, sizeof(double));
  remit_status st = D->res && D->cw ? remit__des_init(&D->des, ctx, 1024) : REMIT_ERR_NOMEM;
  for (int c = 0; st == REMIT_OK && c < sc->n_centres; c++) {
    const pw_centre *ce = &sc->centres[c];
    int cap[RC_N] = {1, ce->apheresis, ce->beds, ce->icu_beds > 0 ? ce->icu_beds : 1, ce->lines};
    for (int k = 0; st == REMIT_OK && k < RC_N; k++) {
      st = remit__resource_init(&D->res[c * RC_N + k], ctx, rc_names[k], cap[k]);
    }
    D->cw[c] = ce->weight + (c ? D->cw[c - 1] : 0.0);
  }
  if (st == REMIT_OK) {
    st = remit__resource_init(&D->res[D->n_res - 1], ctx, "central_line", sc->manuf_lines);
  }
  /* Arrivals: the prevalent pool spread over prevalent_years, then the
   * incident flow as a Poisson process, both referred at `referral`. */
  remit__rng ar;
  remit__rng_key(&ar, sc->seed, (uint64_t)replicate, 0, STREAM_PW_ARRIVALS);
  double share = sc->refractory * sc->referral;
  long n_prev = lround(sc->pop_size * sc->prevalence * share);
  double rate = sc->pop_size * sc->incidence * share / DAYS_PER_YEAR; /* per day */
  double *times = NULL;
  if (st == REMIT_OK && n_prev > 0) {
    times = remit__calloc(ctx, (size_t)n_prev, sizeof(double));
    if (!times) {
      st = REMIT_ERR_NOMEM;
    }
    for (long i = 0; st == REMIT_OK && i < n_prev; i++) {
      times[i] = fmin(sc->prevalent_years * DAYS_PER_YEAR, D->horizon) * remit__rng_uniform(&ar);
    }
  }
  /* Merge the two arrival streams in time order: sort the pool, then walk. */
  if (st == REMIT_OK && n_prev > 1) {
    qsort(times, (size_t)n_prev, sizeof(double), cmp_double);
  }
  double t_inc = rate > 0.0 ? -log1p(-remit__rng_uniform(&ar)) / rate : INFINITY;
  long ip = 0;
  for (;;) {
    if (st != REMIT_OK) {
      break;
    }
    double t_pool = ip < n_prev ? times[ip] : INFINITY;
    double t_next_arr = fmin(t_pool, t_inc);
    double t_next_ev = D->des.n ? D->des.heap[0].t : INFINITY;
    if (t_next_arr > D->horizon && t_next_ev > D->horizon) {
      break;
    }
    if (t_next_arr <= t_next_ev) {
      D->des.now = fmax(D->des.now, t_next_arr);
      st = arrive(D, t_next_arr);
      if (t_pool <= t_inc) {
        ip++;
      } else {
        t_inc += -log1p(-remit__rng_uniform(&ar)) / rate;
      }
      continue;
    }
    remit__event ev;
    remit__des_next(&D->des, &ev);
    st = on_event(D, &ev);
  }
  remit__free(ctx, times);
  for (long i = 0; st == REMIT_OK && i < D->n_pt; i++) {
    if (D->pt[i].status == PW_WAITING) {
      D->pt[i].status = PW_DROPPED;
      D->pt[i].reason = PW_R_WAITING_AT_HORIZON;
      D->pt[i].t_end = D->horizon;
    }
  }
  for (int k = 0; D->res && k < D->n_res; k++) {
    remit__resource_advance(&D->res[k], D->horizon);
  }
  return st;
}

static void des_free(des_run *D) {
  for (int k = 0; D->res && k < D->n_res; k++) {
    remit__resource_close(&D->res[k]);
  }
  remit__free(D->ctx, D->res);
  remit__free(D->ctx, D->cw);
  remit__free(D->ctx, D->prng);
  remit__free(D->ctx, D->pt);
  remit__des_close(&D->des);
}

static remit_status run_pathway(remit_pathway_result *R, const remit_pathway_options *opt) {
  const remit_pathway_scenario *sc = R->sc;
  remit_context *ctx = R->ctx;
  double t_start = now_s();
  int reps = sc->replicates;
  R->n_res = sc->n_centres * RC_N + 1;
  R->res = remit__calloc(ctx, (size_t)R->n_res, sizeof(*R->res));
  if (!R->res) {
    return REMIT_ERR_NOMEM;
  }
  remit_status st = REMIT_OK;
  for (int rep = 0; st == REMIT_OK && rep < reps; rep++) {
    des_run D;
    st = run_des_replicate(R, rep, &D);
    if (st == REMIT_OK) {
      pw_patient *all = remit__calloc(ctx, (size_t)(R->n_patients + D.n_pt) + 1, sizeof(*all));
      if (!all) {
        st = REMIT_ERR_NOMEM;
      } else {
        if (R->n_patients) {
          memcpy(all, R->patients, sizeof(*all) * (size_t)R->n_patients);
        }
        memcpy(all + R->n_patients, D.pt, sizeof(*all) * (size_t)D.n_pt);
        remit__free(ctx, R->patients);
        R->patients = all;
        R->n_patients += D.n_pt;
      }
      double h = D.horizon;
      for (int k = 0; k < D.n_res; k++) {
        const remit__resource *r = &D.res[k];
        pw_res_out *o = &R->res[k];
        int c = k / RC_N;
        if (k == D.n_res - 1) {
          snprintf(o->name, sizeof o->name, "central/manufacturing_line");
        } else {
          snprintf(o->name, sizeof o->name, "%.60s/%s", sc->centres[c].name, rc_names[k % RC_N]);
        }
        o->capacity = r->capacity;
        o->utilisation += r->busy_area / (r->capacity * h) / reps;
        o->mean_queue += r->queue_area / h / reps;
        o->max_queue = r->max_queue > o->max_queue ? r->max_queue : o->max_queue;
        o->granted += r->granted;
      }
      R->des_events += D.des.n_events;
    }
    des_free(&D);
    if (st == REMIT_OK && opt && opt->progress &&
        opt->progress("pathway", rep + 1, reps, opt->progress_user)) {
      st = REMIT_ERROR(ctx, REMIT_ERR_STATE, "stopped");
    }
  }
  R->t_des_s = now_s() - t_start;
  return st;
}

/* ------------------------------------------------------------------------ */
/* Stage 3: cost-effectiveness microsimulation                               */
/* ------------------------------------------------------------------------ */

/* Parameter indices, by name, resolved once. */
typedef struct econ_ix {
  int c_cart_product, c_cart_poc, c_msc_product, c_apheresis, c_lymphodepletion, c_bed_day,
      c_icu_day, c_ae_grade3, c_followup_visit, c_active_year, c_remission_year, c_dialysis_year,
      u_remission, u_active, u_severe_flare, u_esrd, u_damage_mult, flare_years,
      r_severe_flare_active, rr_flare_remission, h_damage_active, hr_damage_remission,
      h_esrd_renal_active, hr_esrd_remission, h_remission_active, e0_female, e0_male, gompertz_b,
      smr_sle, hr_death_damage, hr_death_esrd, p_icu_death, h_relapse_soc;
} econ_ix;

static int resolve_ix(econ_ix *x) {
#define RX(name) ((x->name = remit_econ_param_index(#name)) >= 0)
  return RX(c_cart_product) && RX(c_cart_poc) && RX(c_msc_product) && RX(c_apheresis) &&
         RX(c_lymphodepletion) && RX(c_bed_day) && RX(c_icu_day) && RX(c_ae_grade3) &&
         RX(c_followup_visit) && RX(c_active_year) && RX(c_remission_year) &&
         RX(c_dialysis_year) && RX(u_remission) && RX(u_active) && RX(u_severe_flare) &&
         RX(u_esrd) && RX(u_damage_mult) && RX(flare_years) && RX(r_severe_flare_active) &&
         RX(rr_flare_remission) && RX(h_damage_active) && RX(hr_damage_remission) &&
         RX(h_esrd_renal_active) && RX(hr_esrd_remission) && RX(h_remission_active) &&
         RX(e0_female) && RX(e0_male) && RX(gompertz_b) && RX(smr_sle) && RX(hr_death_damage) &&
         RX(hr_death_esrd) && RX(p_icu_death) && RX(h_relapse_soc);
#undef RX
}

/* A pathway record the CEA samples waits from: eligible patients that did
 * not die while waiting (the microsimulation applies its own mortality). */
typedef struct wait_rec {
  double wait_y;  /* referral to infusion (treated) or to leaving (dropped), years */
  int treated;
  int n_aph, n_manuf;
} wait_rec;

typedef struct cea_ctx {
  const remit_pathway_scenario *sc;
  const remit_pathway_result *R;
  econ_ix ix;
  int soc_strategy;         /* a standard-care strategy for dropouts; -1 none */
  wait_rec *waits;
  long n_waits;
  int wait_kind;            /* PW_CART or PW_MSC: the strategies that wait */
} cea_ctx;

typedef struct acc {
  double cost, qaly, ly;
} acc;

/* Costs and QALYs of one interval in one state, discounted continuously. */
static void accrue(const cea_ctx *C, const double *p, double t0, double t1, int active, int dmg,
                   int esrd, double drug_year, acc *a) {
  const econ_ix *x = &C->ix;
  double cost = (active ? p[x->c_active_year] : p[x->c_remission_year]) + drug_year +
                (esrd ? p[x->c_dialysis_year] : 0.0);
  double u = esrd ? p[x->u_esrd] : active ? p[x->u_active] : p[x->u_remission];
  /* Expected severe-flare time per year, valued at the severe-flare utility. */
  double fr = p[x->r_severe_flare_active] * (active ? 1.0 : p[x->rr_flare_remission]);
  double loss = fr * p[x->flare_years] * (u - p[x->u_severe_flare]);
  u -= loss > 0.0 ? loss : 0.0;
  if (dmg) {
    u *= p[x->u_damage_mult];
  }
  a->cost += cost * remit_cea_discount_span(t0, t1, C->sc->dr_cost);
  a->qaly += u * remit_cea_discount_span(t0, t1, C->sc->dr_effect);
  a->ly += t1 - t0;
}

static double exp_draw(remit__rng *r, double rate) {
  return rate > 0.0 ? -log1p(-remit__rng_uniform(r)) / rate : INFINITY;
}

/* Time to death from `age` under h(a) = m exp(la + b a): inverting the
 * cumulative hazard, T = ln(1 + b E / (m e^{la + b age})) / b, E ~ Exp(1).
 * Drawing afresh after each event is exact: the residual of a
 * non-homogeneous Poisson process given survival to now. */
static double gompertz_draw(remit__rng *r, double la, double b, double m, double age) {
  double e = -log1p(-remit__rng_uniform(r));
  double h0 = m * exp(la + b * age);
  return log1p(b * e / h0) / b;
}

/* What one evaluation (base case, PSA sample or tornado bound) holds fixed
 * across its patients. */
typedef struct cea_eval {
  const double *p;     /* economic parameters */
  const pw_rep *reps;  /* representative patients of the model-parameter draw:
                          n_strategies x n_reps */
  double la[2];        /* Gompertz level by sex (0 women, 1 men), from e0 and the slope */
} cea_eval;

/* One patient under one strategy.  `rng` is the patient's stream, keyed the
 * same for every strategy (common random numbers). */
static void simulate_patient(const cea_ctx *C, const cea_eval *E, int strategy, long patient,
                             remit__rng *rng, acc *out) {
  const remit_pathway_scenario *sc = C->sc;
  const remit_pathway_result *R = C->R;
  const econ_ix *x = &C->ix;
  const double *p = E->p;
  const pw_strategy *S = &sc->strategies[strategy];
  const int nr = R->n_reps;
  const int k = (int)(patient % nr);
  const pw_rep *rp = &E->reps[(size_t)strategy * nr + k];
  const double age0 = rp->age;
  const double T = fmin(sc->cea_horizon_years, sc->max_age - age0);
  acc a = {0, 0, 0};
  double t = 0.0;
  int dmg = 0, esrd = 0, alive = 1;
  /* Draws are taken in a fixed order whatever the strategy, so that the
   * streams stay aligned across strategies as far as possible. */
  double u_wait = remit__rng_uniform(rng);
  double u_icu = remit__rng_uniform(rng);
  int treated = 1;
  double w = 0.0;
  int n_aph = 1, n_manuf = 1;
  if ((S->kind == PW_CART || S->kind == PW_MSC) && C->n_waits > 0 && (int)S->kind == C->wait_kind) {
    long j = (long)(u_wait * C->n_waits);
    j = j >= C->n_waits ? C->n_waits - 1 : j;
    w = C->waits[j].wait_y;
    treated = C->waits[j].treated;
    n_aph = C->waits[j].n_aph;
    n_manuf = C->waits[j].n_manuf;
  }
  /* Which trajectory drives the first year: this strategy's, or standard
   * care's for those never treated. */
  const pw_rep *traj = rp;
  int drug = S->drug_param;
  if (!treated) {
    traj = C->soc_strategy >= 0 ? &E->reps[(size_t)C->soc_strategy * nr + k] : NULL;
    drug = -1;
  }
  double relapse = p[treated ? S->relapse_param : x->h_relapse_soc];
  /* Phase list: [0, w) active (waiting), then 12 monthly states, then Markov. */
  int active = 1, on_drug = drug >= 0;
  double t_one_off = w;
  int one_off_done = 0;
  int month = 0; /* months of the first-year trajectory consumed */
  const double mlen = 1.0 / 12.0;
  while (alive && t < T) {
    double seg_end, switch_rate = 0.0;
    int in_markov = 0;
    if (t < w) {
      seg_end = w;
      active = 1;
    } else if (!one_off_done) {
      /* Treatment and its one-off costs at time w. */
      one_off_done = 1;
      double df = remit_cea_discount(t_one_off, sc->dr_cost);
      double c1 = 0.0;
      int icu = rp->crs_max >= sc->icu_grade || rp->icans_max >= sc->icu_grade;
      if (S->kind == PW_CART) {
        c1 += n_aph * p[x->c_apheresis];
        if (!sc->manuf_central) {
          c1 += n_manuf * p[x->c_cart_poc]; /* every point-of-care attempt is paid */
        }
        if (treated) {
          c1 += (sc->manuf_central ? p[x->c_cart_product] : 0.0) + p[x->c_lymphodepletion] +
                p[x->c_bed_day] * (sc->ld_days + remit__pw_dist_mean(&sc->stay_days)) +
                sc->followup_visits * p[x->c_followup_visit];
        }
      } else if (S->kind == PW_MSC && treated) {
        c1 += p[x->c_msc_product] + p[x->c_bed_day] * remit__pw_dist_mean(&sc->stay_days) +
              sc->followup_visits * p[x->c_followup_visit];
      }
      if (treated && icu && (S->kind == PW_CART || S->kind == PW_MSC)) {
        c1 += p[x->c_icu_day] * remit__pw_dist_mean(&sc->icu_days) + p[x->c_ae_grade3];
        if (u_icu < p[x->p_icu_death]) {
          a.cost += c1 * df;
          alive = 0;
          break;
        }
      }
      a.cost += c1 * df;
      continue;
    } else if (month < 12 && traj) {
      seg_end = w + (month + 1) * mlen;
      active = traj->sledai[month + 1] > sc->remission_sledai;
      if (month == 6 && on_drug) {
        /* NICE TA752: continue beyond 24 weeks only with a SELENA-SLEDAI
         * improvement of >= 4 (economics.md 3.1 [V]). */
        on_drug = traj->sledai0 - traj->sledai[6] >= 4.0;
      }
    } else {
      in_markov = 1;
      seg_end = INFINITY;
      switch_rate = active ? p[x->h_remission_active] : relapse;
      if (!traj) {
        month = 12;
      }
    }
    double h_dmg = dmg ? 0.0 : p[x->h_damage_active] * (active ? 1.0 : p[x->hr_damage_remission]);
    double h_esrd = (!rp->renal || esrd) ? 0.0
                                         : p[x->h_esrd_renal_active] * (active ? 1.0 : p[x->hr_esrd_remission]);
    double m = p[x->smr_sle] * (dmg ? p[x->hr_death_damage] : 1.0) * (esrd ? p[x->hr_death_esrd] : 1.0);
    double d_death = gompertz_draw(rng, E->la[rp->sex], p[x->gompertz_b], m, age0 + t);
    double d_dmg = exp_draw(rng, h_dmg), d_esrd = exp_draw(rng, h_esrd);
    double d_sw = in_markov ? exp_draw(rng, switch_rate) : INFINITY;
    double t_next = fmin(fmin(t + d_death, t + d_dmg), fmin(t + d_esrd, t + d_sw));
    double t_stop = fmin(fmin(seg_end, T), t_next);
    accrue(C, p, t, t_stop, active, dmg, esrd, on_drug ? p[drug] : 0.0, &a);
    if (t_stop == t + d_death) {
      alive = 0;
    } else if (t_stop == t + d_dmg) {
      dmg = 1;
    } else if (t_stop == t + d_esrd) {
      esrd = 1;
    } else if (t_stop == t + d_sw) {
      active = !active;
      if (active) {
        on_drug = 0; /* relapse ends a biologic */
      }
    } else if (t_stop == seg_end && !(t < w)) {
      month++;
    }
    t = t_stop;
  }
  *out = a;
}

/* Mean cost, QALY and LY per patient under every strategy for one
 * parameter vector; patient streams keyed by (seed, sample, patient).
 * Sample 0 (base case, tornado) uses the representative patients simulated
 * with the model's nominal parameters; PSA sample j >= 1 uses model draw
 * 1 + (j - 1) mod K when there are K > 0 draws (docs/pathway.md). */
static void evaluate(const cea_ctx *C, const double *p, uint64_t sample, long n_patients,
                     double *cost, double *qaly, double *ly) {
  const remit_pathway_result *R = C->R;
  const int ns = C->sc->n_strategies;
  int draw = sample > 0 && R->n_draws > 0 ? 1 + (int)((sample - 1) % (uint64_t)R->n_draws) : 0;
  double b = p[C->ix.gompertz_b];
  cea_eval E = {p, R->reps + (size_t)draw * ns * R->n_reps,
                {remit__pw_gompertz_level(p[C->ix.e0_female], b),
                 remit__pw_gompertz_level(p[C->ix.e0_male], b)}};
  for (int s = 0; s < ns; s++) {
    double sc_ = 0.0, sq = 0.0, sl = 0.0;
    for (long i = 0; i < n_patients; i++) {
      remit__rng r;
      remit__rng_key(&r, C->sc->seed, sample, (uint64_t)i, STREAM_CEA);
      acc a;
      simulate_patient(C, &E, s, i, &r, &a);
      sc_ += a.cost;
      sq += a.qaly;
      sl += a.ly;
    }
    cost[s] = sc_ / n_patients;
    qaly[s] = sq / n_patients;
    if (ly) {
      ly[s] = sl / n_patients;
    }
  }
}

/* One PSA draw of every uncertain parameter around the scenario's base. */
static void draw_params(const remit_pathway_scenario *sc, uint64_t sample, double *p) {
  int n;
  const remit_econ_param *tab = remit_econ_params(&n);
  remit__rng r;
  remit__rng_key(&r, sc->seed, sample, 0, STREAM_PSA);
  for (int i = 0; i < n; i++) {
    double m = sc->econ[i];
    /* The table's spread, scaled when the scenario moved the base value. */
    double se = tab[i].se * (tab[i].value != 0.0 && tab[i].dist != REMIT_ECON_LOGNORMAL
                                 ? fabs(m / tab[i].value)
                                 : 1.0);
    double z = gsl_ran_ugaussian(&r.gsl);
    p[i] = m;
    if (se <= 0.0 || tab[i].dist == REMIT_ECON_FIXED) {
      continue;
    }
    if (tab[i].dist == REMIT_ECON_BETA && m > 0.0 && m < 1.0 && se * se < m * (1.0 - m)) {
      double k = m * (1.0 - m) / (se * se) - 1.0;
      p[i] = gsl_ran_beta(&r.gsl, m * k, (1.0 - m) * k);
    } else if (tab[i].dist == REMIT_ECON_GAMMA && m > 0.0) {
      p[i] = gsl_ran_gamma(&r.gsl, m * m / (se * se), se * se / m);
    } else if (tab[i].dist == REMIT_ECON_LOGNORMAL && m > 0.0) {
      p[i] = m * exp(se * z);
    }
  }
}

/* The 2.5 % and 97.5 % quantiles of a parameter's PSA distribution. */
static void param_bounds(const remit_pathway_scenario *sc, int i, double *lo, double *hi) {
  int n;
  const remit_econ_param *tab = remit_econ_params(&n);
  double m = sc->econ[i];
  double se = tab[i].se * (tab[i].value != 0.0 && tab[i].dist != REMIT_ECON_LOGNORMAL
                               ? fabs(m / tab[i].value)
                               : 1.0);
  *lo = *hi = m;
  if (tab[i].dist == REMIT_ECON_BETA && m > 0.0 && m < 1.0 && se * se < m * (1.0 - m)) {
    double k = m * (1.0 - m) / (se * se) - 1.0;
    *lo = gsl_cdf_beta_Pinv(0.025, m * k, (1.0 - m) * k);
    *hi = gsl_cdf_beta_Pinv(0.975, m * k, (1.0 - m) * k);
  } else if (tab[i].dist == REMIT_ECON_GAMMA && m > 0.0 && se > 0.0) {
    *lo = gsl_cdf_gamma_Pinv(0.025, m * m / (se * se), se * se / m);
    *hi = gsl_cdf_gamma_Pinv(0.975, m * m / (se * se), se * se / m);
  } else if (tab[i].dist == REMIT_ECON_LOGNORMAL && m > 0.0 && se > 0.0) {
    *lo = m * exp(-1.959964 * se);
    *hi = m * exp(1.959964 * se);
  }
}

static remit_status run_cea(remit_pathway_result *R, const remit_pathway_options *opt) {
  const remit_pathway_scenario *sc = R->sc;
  remit_context *ctx = R->ctx;
  const int ns = sc->n_strategies;
  cea_ctx C;
  memset(&C, 0, sizeof(C));
  C.sc = sc;
  C.R = R;
  C.soc_strategy = -1;
  if (!resolve_ix(&C.ix)) {
    return REMIT_ERROR(ctx, REMIT_ERR_STATE, "economic parameter table is missing a row");
  }
  for (int s = 0; s < ns; s++) {
    if (sc->strategies[s].kind == PW_SOC && C.soc_strategy < 0) {
      C.soc_strategy = s;
    }
  }
  /* Waits from the pathway: eligible patients who did not die waiting. */
  if (sc->has_pathway && R->n_patients > 0) {
    C.wait_kind = sc->therapy == PW_THERAPY_MSC ? PW_MSC : PW_CART;
    C.waits = remit__calloc(ctx, (size_t)R->n_patients, sizeof(wait_rec));
    if (!C.waits) {
      return REMIT_ERR_NOMEM;
    }
    for (long i = 0; i < R->n_patients; i++) {
      const pw_patient *pt = &R->patients[i];
      if (pt->reason == PW_R_INELIGIBLE || pt->reason == PW_R_DEATH) {
        continue;
      }
      wait_rec *w = &C.waits[C.n_waits++];
      w->treated = pt->status == PW_TREATED;
      w->wait_y = ((w->treated ? pt->t_infuse : pt->t_end) - pt->t_arrive) / DAYS_PER_YEAR;
      w->n_aph = pt->n_aph;
      w->n_manuf = pt->n_manuf;
    }
  }
  long np = opt && opt->cea_patients > 0 ? opt->cea_patients : sc->cea_patients;
  long nsamp = opt && opt->psa_samples > 0 ? opt->psa_samples : sc->psa_samples;
  R->cea_patients = np;
  R->n_psa = nsamp;
  R->n_strat = ns;
  size_t nsz = (size_t)ns + 1;
  R->base_cost = remit__calloc(ctx, nsz, sizeof(double));
  R->base_effect = remit__calloc(ctx, nsz, sizeof(double));
  R->base_ly = remit__calloc(ctx, nsz, sizeof(double));
  R->psa_mean_cost = remit__calloc(ctx, nsz, sizeof(double));
  R->psa_mean_effect = remit__calloc(ctx, nsz, sizeof(double));
  R->icer_base = remit__calloc(ctx, nsz, sizeof(remit_cea_row));
  R->icer_psa = remit__calloc(ctx, nsz, sizeof(remit_cea_row));
  R->psa_cost = remit__calloc(ctx, (size_t)nsamp * ns + 1, sizeof(double));
  R->psa_effect = remit__calloc(ctx, (size_t)nsamp * ns + 1, sizeof(double));
  R->ceac = remit__calloc(ctx, (size_t)sc->n_wtp * ns + 1, sizeof(double));
  R->frontier = remit__calloc(ctx, (size_t)sc->n_wtp + 1, sizeof(int));
  R->evpi = remit__calloc(ctx, (size_t)sc->n_wtp + 1, sizeof(double));
  int n_econ;
  const remit_econ_param *tab = remit_econ_params(&n_econ);
  R->tornado = remit__calloc(ctx, (size_t)n_econ, sizeof(pw_tornado));
  double *pall = remit__calloc(ctx, (size_t)n_econ * (size_t)(R->threads + 1), sizeof(double));
  remit_status st = REMIT_OK;
  if (!R->base_cost || !R->base_effect || !R->base_ly || !R->psa_mean_cost ||
      !R->psa_mean_effect || !R->icer_base || !R->icer_psa || !R->psa_cost || !R->psa_effect ||
      !R->ceac || !R->frontier || !R->evpi || !R->tornado || !pall) {
    st = REMIT_ERR_NOMEM;
  }
  /* Base case: the base values, sample key 0. */
  if (st == REMIT_OK) {
    evaluate(&C, sc->econ, 0, np, R->base_cost, R->base_effect, R->base_ly);
    st = remit_cea_icers(ctx, ns, R->base_cost, R->base_effect, R->icer_base);
  }
  /* PSA: samples 1..nsamp in chunks so progress can be reported and the
   * run stopped between chunks; each sample writes its own row. */
  double t0 = now_s();
  int stop = 0;
  long chunk = 8L * (R->threads > 0 ? R->threads : 1);
  for (long from = 0; st == REMIT_OK && from < nsamp && !stop; from += chunk) {
    long to = from + chunk < nsamp ? from + chunk : nsamp;
#pragma omp parallel for schedule(dynamic, 1) num_threads(R->threads)
    for (long j = from; j < to; j++) {
      double *p = pall + (size_t)n_econ * (size_t)omp_get_thread_num();
      draw_params(sc, (uint64_t)(j + 1), p);
      evaluate(&C, p, (uint64_t)(j + 1), np, R->psa_cost + (size_t)j * ns,
               R->psa_effect + (size_t)j * ns, NULL);
    }
    if (opt && opt->progress) {
      stop = opt->progress("psa", to, nsamp, opt->progress_user);
    }
  }
  R->t_psa_s = now_s() - t0;
  if (stop) {
    st = REMIT_ERROR(ctx, REMIT_ERR_STATE, "stopped");
  }
  if (st == REMIT_OK && nsamp > 0) {
    for (int s = 0; s < ns; s++) {
      double c = 0.0, e = 0.0;
      for (long j = 0; j < nsamp; j++) {
        c += R->psa_cost[(size_t)j * ns + s];
        e += R->psa_effect[(size_t)j * ns + s];
      }
      R->psa_mean_cost[s] = c / nsamp;
      R->psa_mean_effect[s] = e / nsamp;
    }
    st = remit_cea_icers(ctx, ns, R->psa_mean_cost, R->psa_mean_effect, R->icer_psa);
    if (st == REMIT_OK) {
      st = remit_cea_psa_summary(ctx, (int)nsamp, ns, R->psa_cost, R->psa_effect, sc->n_wtp,
                                 sc->wtp, R->ceac, R->frontier, R->evpi);
    }
  }
  /* One-way sensitivity: each uncertain parameter at its 2.5 % and 97.5 %
   * quantiles, the others at base; incremental NMB of the tornado strategy
   * against its comparator at the tornado WTP (same patient streams). */
  t0 = now_s();
  int a = sc->tornado_strategy, b = sc->tornado_comparator;
  double lam = sc->tornado_wtp;
  if (st == REMIT_OK && a != b) {
    R->tornado_base_inmb = lam * (R->base_effect[a] - R->base_effect[b]) -
                           (R->base_cost[a] - R->base_cost[b]);
    int *which = remit__calloc(ctx, (size_t)n_econ, sizeof(int));
    if (!which) {
      st = REMIT_ERR_NOMEM;
    }
    int nt = 0;
    for (int i = 0; st == REMIT_OK && i < n_econ; i++) {
      if (tab[i].dist != REMIT_ECON_FIXED && tab[i].se > 0.0) {
        which[nt++] = i;
      }
    }
    R->n_tornado = nt;
#pragma omp parallel for schedule(dynamic, 1) num_threads(R->threads)
    for (int q = 0; q < 2 * nt; q++) {
      int i = which[q / 2], hi = q % 2;
      double *p = pall + (size_t)n_econ * (size_t)omp_get_thread_num();
      double *cost = malloc(sizeof(double) * (size_t)ns), *eff = malloc(sizeof(double) * (size_t)ns);
      memcpy(p, sc->econ, sizeof(double) * (size_t)n_econ);
      double lo_v, hi_v;
      param_bounds(sc, i, &lo_v, &hi_v);
      p[i] = hi ? hi_v : lo_v;
      if (cost && eff) {
        evaluate(&C, p, 0, np, cost, eff, NULL);
        double inmb = lam * (eff[a] - eff[b]) - (cost[a] - cost[b]);
        double icer = (cost[a] - cost[b]) / (eff[a] - eff[b]);
        pw_tornado *tr = &R->tornado[q / 2];
        tr->param = i;
        tr->low = lo_v;
        tr->high = hi_v;
        if (hi) {
          tr->inmb_high = inmb;
          tr->icer_high = icer;
        } else {
          tr->inmb_low = inmb;
          tr->icer_low = icer;
        }
      }
      free(cost);
      free(eff);
    }
    /* Widest swing first. */
    for (int i = 1; i < nt; i++) {
      pw_tornado v = R->tornado[i];
      double wv = fabs(v.inmb_high - v.inmb_low);
      int j = i - 1;
      while (j >= 0 && fabs(R->tornado[j].inmb_high - R->tornado[j].inmb_low) < wv) {
        R->tornado[j + 1] = R->tornado[j];
        j--;
      }
      R->tornado[j + 1] = v;
    }
    remit__free(ctx, which);
    if (opt && opt->progress) {
      opt->progress("tornado", 1, 1, opt->progress_user);
    }
  }
  R->t_tornado_s = now_s() - t0;
  remit__free(ctx, pall);
  remit__free(ctx, C.waits);
  return st;
}

/* ------------------------------------------------------------------------ */
/* Entry                                                                     */
/* ------------------------------------------------------------------------ */

remit_status remit_pathway_run(remit_context *ctx, const remit_pathway_scenario *sc,
                               const remit_pathway_options *opt, remit_pathway_result **out) {
  if (!ctx) {
    return REMIT_ERR_ARG;
  }
  if (!sc || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_pathway_run: scenario and out are required");
  }
  *out = NULL;
  if (sc->n_strategies < 1) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s: cea.strategies: at least one strategy is needed "
                                           "(the patients are simulated under its arm)",
                       sc->path);
  }
  remit_pathway_result *R = remit__calloc(ctx, 1, sizeof(*R));
  if (!R) {
    return REMIT_ERR_NOMEM;
  }
  R->ctx = ctx;
  R->sc = sc;
  R->threads = opt && opt->threads > 0 ? opt->threads : omp_get_max_threads();
  R->therapy_strategy = -1;
  for (int s = 0; s < sc->n_strategies; s++) {
    pw_strategy_kind k = sc->strategies[s].kind;
    if (R->therapy_strategy < 0 && ((sc->therapy == PW_THERAPY_CART && k == PW_CART) ||
                                    (sc->therapy == PW_THERAPY_MSC && k == PW_MSC))) {
      R->therapy_strategy = s;
    }
  }
  double t0 = now_s();
  remit_status st = run_reps(R, opt);
  R->t_patients_s = now_s() - t0;
  if (st == REMIT_OK && sc->has_pathway) {
    st = run_pathway(R, opt);
  }
  if (st == REMIT_OK && sc->has_cea) {
    st = run_cea(R, opt);
  }
  if (st != REMIT_OK) {
    remit_pathway_result_destroy(&R);
    return st;
  }
  *out = R;
  return REMIT_OK;
}

void remit_pathway_result_destroy(remit_pathway_result **rp) {
  if (!rp || !*rp) {
    return;
  }
  remit_pathway_result *R = *rp;
  remit_context *ctx = R->ctx;
  void *ptrs[] = {R->reps, R->rep_remission12, R->rep_icu, R->patients, R->res, R->base_cost,
                  R->base_effect, R->base_ly, R->psa_cost, R->psa_effect, R->psa_mean_cost,
                  R->psa_mean_effect, R->icer_base, R->icer_psa, R->ceac, R->frontier, R->evpi,
                  R->tornado};
  for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++) {
    remit__free(ctx, ptrs[i]);
  }
  remit__free(ctx, R);
  *rp = NULL;
}
