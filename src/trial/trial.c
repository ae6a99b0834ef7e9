/* SPDX-License-Identifier: MIT
 *
 * trial.c: the trial engine.  Screens and enrols virtual patients, allocates
 * them to arms (and centres, strata, dose levels), simulates each through
 * the model, records their visits, events and endpoint outcomes in the run
 * store, then summarises every endpoint per arm, between arms and across
 * replicate trials.
 *
 * Reproducibility: every random draw comes from a stream keyed by
 * (seed, replicate, patient, purpose) (src/population/rng.h), patients are
 * written to the store in index order, and summaries are computed from the
 * store after all patients; so a run gives the same store whatever the
 * thread count, and a resumed run the same as an uninterrupted one.
 *
 * Memory: patients are processed in chunks of a few hundred; a chunk's
 * results go to the store (one transaction) before the next starts.  Only
 * the enrolment list (index, arm, covariates) lives for a whole replicate.
 *
 * Across processes (remit_trial_options.mpi_comm, docs/cluster.md): every
 * rank enrols the same patients (it is deterministic and cheap), the chunks
 * still to run are dealt on demand (a worker gets the next chunk when it
 * sends one back; rank 0 simulates only when it has nothing to write:
 * "Dealing" below), workers send each chunk's results to rank 0 packed as
 * bytes (trial_mpi.h), and rank 0 writes every chunk in run order, as one
 * process would; so the store is the same.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/core_impl.h"
#include "fit/fit_impl.h"
#include "output/store.h"
#include "population/population.h"
#include "population/rng.h"
#include "population/vpop.h"
#include "remit/remit_trial.h"
#include "scores/endpoints.h"
#include "scores/visit.h"
#include "trial/trial_mpi.h"

#define MAX_EVENTS_PER_PATIENT 64
#define MAX_TRIGGERS 256 /* flare triggers per patient (a Poisson count; about 1/year) */

/* The organ-activity states that fluctuate from visit to visit (the BILAG
 * domains the model grades from activity; renal disease is followed by its
 * lab values, which carry the scenario's assay noise). */
#define N_FLUCT 3
static const char *const fluct_states[N_FLUCT] = {"muco", "msk", "sero"};

#define DEFAULT_CHUNK 256

/* Readouts of the SLE model the engine reads, by name. */
static const char *const readout_names[] = {
    "pga",      "anti_dsdna",    "c3_mg_dl",          "proteinuria",      "bcells",
    "cart_level", "crs_grade",   "icans_grade",       "neutropenia_grade", "igg_g_l",
    "infection_hazard", "damage_sdi", "sledai2k", "bcell_naive_fraction", "il6_pg_ml",
    "bcell_memory", "plasmablasts"};
enum {
  RD_PGA, RD_DSDNA, RD_C3, RD_PROT, RD_BCELLS, RD_CART, RD_CRS, RD_ICANS, RD_NEUT, RD_IGG,
  RD_HAZARD, RD_DAMAGE, RD_SLEDAI, RD_NAIVE, RD_IL6, RD_MEMORY, RD_PLASMABLASTS, RD_N
};

/* Trajectory variables kept for the sampled patients. */
static const int traj_vars[] = {RD_CART, RD_BCELLS, RD_NAIVE, RD_MEMORY, RD_PLASMABLASTS,
                                RD_DSDNA, RD_C3, RD_IL6, RD_SLEDAI, RD_IGG};

/* Inputs counted as immunosuppressants/biologics at a visit (for DORIS and
 * LLDAS); hydroxychloroquine is an antimalarial and allowed in drug-free
 * remission definitions that keep antimalarials (clinical.md §4.2). */
static const char *const is_inputs[] = {"mycophenolate", "voclosporin", "rituximab", "belimumab",
                                        "anifrolumab"};
/* A bolus biologic counts as "being taken" this many days after a dose
 * (one dosing interval of belimumab/anifrolumab, four weeks). */
#define BIOLOGIC_ACTIVE_DAYS 28.0

typedef struct arm_plan {
  remit_dose *doses;
  int n_doses;
  int product;   /* index into doses of the first product dose (escalation), -1 none */
} arm_plan;

typedef struct enrolled {
  long pid;          /* screened index */
  int arm;
  int centre;
  int stratum;
  int level;         /* dose level index, -1 none */
  double cov[REMIT_N_COVARIATES];
} enrolled;

/* A plausible patient considered for the virtual population: its baseline
 * readouts (the targets' order), acceptance probability and the decision. */
typedef struct vcand {
  long pid;
  double prob;
  int clipped;       /* the probability was cut to 1 */
  int accepted;
  double x[REMIT_VPOP_MAX_TARGETS];
} vcand;

typedef struct trial {
  remit_context *ctx;
  const remit_scenario *sc;
  const remit_model_spec *spec;
  remit__population *pop;
  double t0, t_end;
  int n_days;
  double *days;
  int rd[RD_N];
  int items[REMIT_N_SLEDAI_ITEMS]; /* readout index of each SLEDAI item */
  int bilag[REMIT_N_BILAG_DOMAINS]; /* readout index of `bilag_<domain>`, -1 if the model has none */
  double th_c3, th_dsdna, th_prot;
  int in_pred;
  int in_trigger;   /* the model's flare_trigger input, -1 if none */
  int p_flare_rate; /* its rate parameter (1/year), -1 if none */
  /* Visit-to-visit fluctuation of organ activity (docs/model.md §3.9):
   * the model's act_cv and act_tau, -1 if none, and the organ states. */
  int p_act_cv, p_act_tau;
  int fl_state[N_FLUCT];
  int in_is[sizeof is_inputs / sizeof is_inputs[0]];
  arm_plan *arms;
  int max_doses;
  int n_visit_max;
  const char **param_names;          /* varying parameter names */
  /* Virtual-population selection (NULL vp without a vpop block). */
  remit__vpop *vp;
  int vp_rd[REMIT_VPOP_MAX_TARGETS]; /* readout index of each target */
  vcand *vc;                         /* the last enrolment's candidates, ascending pid */
  long n_vc, cap_vc;
  /* The candidates of the replicate being written (T->vc, or under MPI the
   * rank's cached enrolment of that replicate: rank 0 may enrol one
   * replicate while it still writes chunks of another). */
  const vcand *sel;
  long n_sel;
  vcand *batch;                      /* candidates decided ahead (in parallel) */
  long *batch_pid;                   /* their indices ... */
  double *batch_x;                   /* ... and baselines (cap_batch × n_targets) */
  int n_batch, at_batch, cap_batch;
} trial;

/* One patient's results, kept until its chunk is written. */
typedef struct patient_out {
  int failed;
  double dropout_day;               /* NaN none */
  int n_visits;
  remit__visit *visits;             /* n_visit_max */
  remit__outcome *outcomes;         /* n_endpoints */
  int n_events;
  double ev_day[MAX_EVENTS_PER_PATIENT];
  const char *ev_kind[MAX_EVENTS_PER_PATIENT];
  double ev_grade[MAX_EVENTS_PER_PATIENT];
  double *traj;                     /* sampled: n_traj_vars × n_days; else NULL */
  double *params;                   /* n_params */
} patient_out;

/* What one grid day was seen as: its clinical SLEDAI-2K items and the
 * model-graded BILAG-like domains (0 where the model grades none), the
 * inputs of the instruments' look-back windows (fill_visit). */
typedef struct seen_day {
  uint32_t items;
  uint8_t bilag[REMIT_VISIT_N_DOMAINS];
} seen_day;

/* Per-thread workspace. */
typedef struct worker {
  remit_context *ctx;
  remit_model *m;
  double *Y, *R;
  double *Yv, *Rv;                  /* one visit's observed state and readouts */
  seen_day *seen;                   /* per grid day: what the assessor saw that day */
  remit_dose *doses;
  double *col[8];                   /* daily series for remit__daily */
  double cov[REMIT_N_COVARIATES];
  double *params;                   /* n_params: a vpop candidate's draw */
  remit_status status;
  char errmsg[512];
} worker;

/* Runs job(T, w, k, arg) for k in [0, n) in parallel, each call on the
 * calling thread's worker w (OpenMP, dynamic schedule: patients differ in
 * cost).  Results go to slot k of the job's own output, so they do not
 * depend on the schedule. */
typedef void (*patient_job)(const trial *T, worker *w, int k, void *arg);

static void for_each_patient(const trial *T, worker *workers, int n_workers, int n,
                             patient_job job, void *arg) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_workers)
  for (int k = 0; k < n; k++) {
    int tid = 0;
#ifdef _OPENMP
    tid = omp_get_thread_num();
#endif
    job(T, &workers[tid], k, arg);
  }
  (void)n_workers;
}

/* ------------------------------------------------------------------------ */
/* Set-up                                                                    */
/* ------------------------------------------------------------------------ */

static remit_status plan_arms(trial *T) {
  const remit_scenario *sc = T->sc;
  T->arms = remit__calloc(T->ctx, (size_t)sc->n_arms, sizeof(*T->arms));
  if (!T->arms) {
    return REMIT_ERR_NOMEM;
  }
  for (int a = 0; a < sc->n_arms; a++) {
    const remit_arm *arm = &sc->arms[a];
    int n = 0;
    for (int k = 0; k < arm->n_regimen; k++) { /* count first */
      const remit_regimen_item *it = &arm->regimen[k];
      if (it->every > 0.0) {
        int c = it->count > 0 ? it->count : (int)floor((T->t_end - it->day) / it->every) + 1;
        n += c > 0 ? c : 0;
      } else {
        n += 1;
      }
    }
    arm_plan *p = &T->arms[a];
    p->doses = remit__calloc(T->ctx, (size_t)n + 1, sizeof(*p->doses));
    if (!p->doses) {
      return REMIT_ERR_NOMEM;
    }
    p->product = -1;
    for (int k = 0; k < arm->n_regimen; k++) {
      const remit_regimen_item *it = &arm->regimen[k];
      int input = remit_spec_input_index(T->spec, it->input);
      if (input < 0) {
        return REMIT_ERROR(T->ctx, REMIT_ERR_ARG, "arm %s: model %s has no input '%s'", arm->name,
                           T->spec->name, it->input);
      }
      int c = it->every > 0.0 ? (it->count > 0 ? it->count
                                                : (int)floor((T->t_end - it->day) / it->every) + 1)
                              : 1;
      int is_product = strcmp(it->input, "cart19") == 0 || strcmp(it->input, "cart_bcma19") == 0 ||
                       strcmp(it->input, "msc") == 0;
      for (int j = 0; j < c; j++) {
        double day = it->day + j * (it->every > 0.0 ? it->every : 0.0);
        if (day > T->t_end) {
          break;
        }
        if (is_product && p->product < 0) {
          p->product = p->n_doses;
        }
        p->doses[p->n_doses++] = (remit_dose){day, input, it->amount, it->duration};
      }
    }
    if (p->n_doses > T->max_doses) {
      T->max_doses = p->n_doses;
    }
  }
  return REMIT_OK;
}

static remit_status setup(trial *T) {
  const remit_scenario *sc = T->sc;
  T->spec = sc->model && strcmp(sc->model, "sle") != 0 ? NULL : remit_spec_sle();
  if (!T->spec) {
    return REMIT_ERROR(T->ctx, REMIT_ERR_ARG, "trials run the SLE model; scenario asks for '%s'",
                       sc->model);
  }
  for (int k = 0; k < RD_N; k++) {
    T->rd[k] = remit_spec_readout_index(T->spec, readout_names[k]);
    if (T->rd[k] < 0) {
      return REMIT_ERROR(T->ctx, REMIT_ERR_MODEL, "model %s lacks readout '%s'", T->spec->name,
                         readout_names[k]);
    }
  }
  for (int k = 0; k < REMIT_N_SLEDAI_ITEMS; k++) {
    /* The model lists its 24 SLEDAI-2K item readouts first, in the
     * instrument's order (clinical.md §4.1), as the endpoint module does. */
    T->items[k] = k;
    if (strncmp(T->spec->readouts[k].name, "sledai_", 7) != 0) {
      return REMIT_ERROR(T->ctx, REMIT_ERR_MODEL, "model %s: readout %d is not a SLEDAI item",
                         T->spec->name, k);
    }
  }
  for (int d = 0; d < REMIT_N_BILAG_DOMAINS; d++) {
    char name[64];
    snprintf(name, sizeof name, "bilag_%s", remit__bilag_domain_name[d]);
    T->bilag[d] = remit_spec_readout_index(T->spec, name);
  }
  const char *th[] = {"th_c3", "th_dsdna", "th_prot"};
  double *thv[] = {&T->th_c3, &T->th_dsdna, &T->th_prot};
  for (int k = 0; k < 3; k++) {
    int i = remit_spec_param_index(T->spec, th[k]);
    if (i < 0) {
      return REMIT_ERROR(T->ctx, REMIT_ERR_MODEL, "model lacks threshold %s", th[k]);
    }
    *thv[k] = T->spec->params[i].value;
  }
  T->in_pred = remit_spec_input_index(T->spec, "prednisone");
  T->in_trigger = remit_spec_input_index(T->spec, "flare_trigger");
  T->p_flare_rate = remit_spec_param_index(T->spec, "flare_rate");
  T->p_act_cv = remit_spec_param_index(T->spec, "act_cv");
  T->p_act_tau = remit_spec_param_index(T->spec, "act_tau");
  for (int k = 0; k < N_FLUCT; k++) {
    T->fl_state[k] = remit_spec_state_index(T->spec, fluct_states[k]);
    if (T->fl_state[k] < 0) {
      T->p_act_cv = -1; /* a model without these organs does not fluctuate */
    }
  }
  for (size_t k = 0; k < sizeof is_inputs / sizeof is_inputs[0]; k++) {
    T->in_is[k] = remit_spec_input_index(T->spec, is_inputs[k]);
  }
  /* Time: from before the earliest dose (lymphodepletion at day -5) to the
   * end of follow-up; a daily grid. */
  double first = -7.0, last = sc->design.followup_days;
  for (int a = 0; a < sc->n_arms; a++) {
    for (int k = 0; k < sc->arms[a].n_regimen; k++) {
      first = fmin(first, sc->arms[a].regimen[k].day - 2.0);
    }
  }
  if (!(last > 0.0)) { /* follow-up defaults to the last visit */
    last = sc->n_visits ? sc->visits[sc->n_visits - 1] : 365.0;
  }
  T->t0 = floor(first);
  T->t_end = ceil(last);
  T->n_days = (int)(T->t_end - T->t0) + 1;
  T->days = remit__calloc(T->ctx, (size_t)T->n_days, sizeof(double));
  if (!T->days) {
    return REMIT_ERR_NOMEM;
  }
  for (int i = 0; i < T->n_days; i++) {
    T->days[i] = T->t0 + i;
  }
  T->n_visit_max = sc->n_visits + 1;
  remit_status st = plan_arms(T);
  if (st != REMIT_OK) {
    return st;
  }
  if ((st = remit__population_create(T->ctx, sc, T->spec, &T->pop)) != REMIT_OK) {
    return st;
  }
  int nv = remit__population_n_varying(T->pop);
  T->param_names = remit__calloc(T->ctx, (size_t)nv + 1, sizeof(char *));
  if (!T->param_names) {
    return REMIT_ERR_NOMEM;
  }
  for (int i = 0; i < nv; i++) {
    T->param_names[i] = T->spec->params[remit__population_varying(T->pop)[i]].name;
  }
  for (int k = 0; k < sc->vpop.n_targets; k++) {
    T->vp_rd[k] = remit_spec_readout_index(T->spec, sc->vpop.targets[k].readout);
    if (T->vp_rd[k] < 0) {
      return REMIT_ERROR(T->ctx, REMIT_ERR_ARG, "vpop.targets.%s: model %s has no such readout",
                         sc->vpop.targets[k].readout, T->spec->name);
    }
  }
  return REMIT_OK;
}

static void teardown(trial *T) {
  if (T->arms) {
    for (int a = 0; a < T->sc->n_arms; a++) {
      remit__free(T->ctx, T->arms[a].doses);
    }
  }
  remit__free(T->ctx, T->arms);
  remit__free(T->ctx, T->days);
  remit__free(T->ctx, (void *)T->param_names);
  remit__population_destroy(T->ctx, &T->pop);
  remit__vpop_destroy(T->ctx, &T->vp);
  remit__free(T->ctx, T->vc);
  remit__free(T->ctx, T->batch);
  remit__free(T->ctx, T->batch_pid);
  remit__free(T->ctx, T->batch_x);
}

/* ------------------------------------------------------------------------ */
/* Screening and allocation                                                  */
/* ------------------------------------------------------------------------ */

/* The first failed criterion, or NULL if eligible. */
static const char *screen(const trial *T, const double *cov) {
  static const char *const names[REMIT_N_COVARIATES] = {
      "age", "sex", "weight", "height", "sledai", "renal", "anti_dsdna", "c3",
      "disease_years", "failed_lines", "egfr"};
  const remit_population *pop = &T->sc->population;
  for (int k = 0; k < pop->n_eligibility; k++) {
    const remit_criterion *c = &pop->eligibility[k];
    if (!remit__criterion_holds(c, cov[c->covariate])) {
      return names[c->covariate];
    }
  }
  return NULL;
}

static int stratum_of(const remit_design *d, const double *cov) {
  int s = 0;
  for (int k = 0; k < d->n_strata; k++) {
    int v = (int)lround(cov[d->strata[k]]);
    s = s * 10 + (v < 0 ? 0 : v > 9 ? 9 : v);
  }
  return s;
}

static int draw_weighted(double u, const double *w, int n) {
  double total = 0.0, cum = 0.0;
  for (int k = 0; k < n; k++) {
    total += w[k];
  }
  for (int k = 0; k < n; k++) {
    cum += w[k] / total;
    if (u < cum) {
      return k;
    }
  }
  return n - 1;
}

/* Permuted-block randomisation state per stratum (strata are few). */
typedef struct block_state {
  int stratum;
  int used, size, serial;
  int *labels;
} block_state;

static int next_block_arm(trial *T, block_state *bs, int replicate) {
  const remit_scenario *sc = T->sc;
  if (bs->used == bs->size) {
    /* A new block: arms in proportion to their ratios, shuffled by a stream
     * keyed by (stratum, block serial). */
    double total = 0.0;
    for (int a = 0; a < sc->n_arms; a++) {
      total += sc->arms[a].ratio;
    }
    int n = 0;
    for (int a = 0; a < sc->n_arms; a++) {
      int c = (int)lround(sc->design.block_size * sc->arms[a].ratio / total);
      for (int j = 0; j < c && n < bs->size; j++) {
        bs->labels[n++] = a;
      }
    }
    while (n < bs->size) {
      bs->labels[n++] = sc->n_arms - 1;
    }
    remit__rng r;
    remit__rng_key(&r, sc->seed, (uint64_t)replicate,
                   ((uint64_t)1 << 62) | ((uint64_t)bs->stratum << 32) | (uint64_t)bs->serial,
                   REMIT_STREAM_ALLOCATION);
    gsl_ran_shuffle(&r.gsl, bs->labels, (size_t)bs->size, sizeof(int));
    bs->used = 0;
    bs->serial++;
  }
  return bs->labels[bs->used++];
}

/* ------------------------------------------------------------------------ */
/* Virtual population (docs/validation.md, "Virtual populations")            */
/* ------------------------------------------------------------------------ */

/* Pilot patient j is patient VPOP_PILOT_BASE + j of replicate 0: its
 * covariate and parameter streams cannot meet those of a screened patient
 * (indices below 2^47) or of an allocation block (bit 62). */
#define VPOP_PILOT_BASE ((long)1 << 61)
/* Candidates decided ahead per parallel batch, per worker. */
#define VPOP_BATCH_PER_WORKER 16

/* The solver settings of every simulation of the trial. */
static remit_sim_options sim_options(const trial *T) {
  remit_sim_options opt = {REMIT_SOLVER_FAST, T->sc->rtol, T->sc->atol, 0, T->t0};
  return opt;
}

/* Draws patient `pid` of `replicate` (covariates into w->cov, parameters
 * into params) and gives them to the worker's model. */
static remit_status load_patient(const trial *T, worker *w, int replicate, long pid,
                                 double *params) {
  remit__population_draw(T->pop, T->sc->seed, replicate, pid, w->cov, params);
  remit_covariates mc;
  remit__population_model_covariates(w->cov, &mc);
  remit_status st = remit_model_set_params(w->m, params, T->spec->n_params);
  return st == REMIT_OK ? remit_model_set_covariates(w->m, &mc) : st;
}

/* SLEDAI-2K scores a descriptor present at the visit or in the preceding
 * 10 days (clinical.md §4.1); BILAG-2004 grades the activity of the last 4
 * weeks [M] (docs/endpoints.md). */
#define SLEDAI_WINDOW_DAYS 10
#define BILAG_WINDOW_DAYS 28
#define LOOKBACK_DAYS (BILAG_WINDOW_DAYS > SLEDAI_WINDOW_DAYS ? BILAG_WINDOW_DAYS : SLEDAI_WINDOW_DAYS)

/* Visit-to-visit fluctuation of organ activity, an Ornstein-Uhlenbeck
 * process per organ in log activity (stationary SD s, correlation time
 * tau days) advanced day by day on the grid, a patient's own stream.  The
 * ODE gives the typical (median) course; what the assessor sees is that
 * course times exp(eps): day-to-day waxing and waning the model does not
 * resolve, plus assessment variability (docs/model.md §3.9).  s = 0: none. */
typedef struct fluctuation {
  double s, rho;         /* stationary SD; correlation from one grid day to the next */
  double eps[N_FLUCT];
  int next_row;          /* first grid row not yet in w->seen */
  remit__rng rng;
} fluctuation;

/* A patient's fluctuation (none where the model has no act_cv or it is 0),
 * from the patient's own stream: the baseline visit sees the same draw in
 * the virtual-population selection and in the trial. */
static void fluctuation_start(const trial *T, const double *params, int replicate, long pid,
                              fluctuation *f) {
  memset(f, 0, sizeof(*f));
  if (T->p_act_cv >= 0 && T->p_act_tau >= 0 && params[T->p_act_cv] > 0.0) {
    double cv = params[T->p_act_cv];
    f->s = sqrt(log1p(cv * cv));
    f->rho = exp(-1.0 / params[T->p_act_tau]); /* the grid is daily */
    remit__rng_key(&f->rng, T->sc->seed, (uint64_t)replicate, (uint64_t)pid,
                   REMIT_STREAM_FLUCTUATION);
  }
}

/* What one readout row shows the assessor: SLEDAI-2K items and BILAG-like
 * grades (1-4; 0 where the model grades none). */
static void see_day(const trial *T, const double *R, seen_day *d) {
  d->items = 0;
  for (int k = 0; k < REMIT_N_SLEDAI_ITEMS; k++) {
    d->items |= (R[T->items[k]] > 0.0 ? 1u : 0u) << k;
  }
  for (int k = 0; k < REMIT_N_BILAG_DOMAINS; k++) {
    double g = T->bilag[k] >= 0 ? R[T->bilag[k]] : 0.0;
    d->bilag[k] = (uint8_t)(g >= 1.0 && g <= 4.0 ? g : 0.0);
  }
}

/* The readouts a visit on grid row `row` sees: the model's, or with
 * fluctuation those of the state with its organ activities perturbed.  It
 * also records, in w->seen, every grid day of the visit's look-back windows
 * as that day was seen (fill_visit).  The fluctuation runs through every day
 * from the first grid day; without it only the windows' days are read. */
static const double *visit_readouts(const trial *T, worker *w, int row, fluctuation *f) {
  const int nr = T->spec->n_readouts, ns = T->spec->n_states;
  const int fluct = f->s > 0.0;
  int r = f->next_row;
  if (!fluct && r < row - LOOKBACK_DAYS) {
    r = row - LOOKBACK_DAYS;
  }
  for (; r <= row; r++) {
    const double *Rr = w->R + (size_t)r * nr;
    if (fluct) {
      double rho = r > 0 ? f->rho : 0.0, innov = f->s * sqrt(1.0 - rho * rho);
      memcpy(w->Yv, w->Y + (size_t)r * ns, sizeof(double) * (size_t)ns);
      for (int k = 0; k < N_FLUCT; k++) {
        f->eps[k] = rho * f->eps[k] + innov * gsl_ran_gaussian_ziggurat(&f->rng.gsl, 1.0);
        w->Yv[T->fl_state[k]] *= exp(f->eps[k]);
      }
      if (remit_model_readouts(w->m, T->days[r], w->Yv, w->Rv) == REMIT_OK) {
        Rr = w->Rv;
      }
    }
    see_day(T, Rr, &w->seen[r]);
  }
  if (f->next_row <= row) {
    f->next_row = row + 1;
  }
  return fluct ? w->Rv : w->R + (size_t)row * nr;
}

/* The baseline the targets describe: the target readouts at the first grid
 * day (the baseline visit) of the untreated patient, i.e. of the state the
 * model's burn-in reaches with this patient's covariates and parameters,
 * as the baseline visit sees it (with the patient's activity fluctuation,
 * without assay noise).  NaN where the model fails. */
static void baseline_readouts(const trial *T, worker *w, int replicate, long pid, double *x) {
  remit_status st = load_patient(T, w, replicate, pid, w->params);
  if (st == REMIT_OK) {
    st = remit_model_set_regimen(w->m, NULL, 0);
  }
  if (st == REMIT_OK) {
    remit_sim_options opt = sim_options(T);
    st = remit_model_simulate(w->m, &opt, &T->t0, 1, w->Y, w->R);
  }
  const double *R = w->R;
  if (st == REMIT_OK) {
    fluctuation fl;
    fluctuation_start(T, w->params, replicate, pid, &fl);
    R = visit_readouts(T, w, 0, &fl);
  }
  for (int k = 0; k < T->sc->vpop.n_targets; k++) {
    x[k] = st == REMIT_OK ? R[T->vp_rd[k]] : NAN;
  }
}

typedef struct baseline_job {
  int replicate;
  const long *pid;
  double *x;
} baseline_job;

static void baseline_one(const trial *T, worker *w, int k, void *arg) {
  const baseline_job *b = arg;
  baseline_readouts(T, w, b->replicate, b->pid[k], b->x + (size_t)k * T->sc->vpop.n_targets);
}

/* Simulates the baselines of patients pid[0..n) of `replicate` in parallel
 * into x (n rows of n_targets). */
static void baselines(const trial *T, worker *workers, int n_workers, int replicate,
                      const long *pid, int n, double *x) {
  baseline_job b = {replicate, pid, x};
  for_each_patient(T, workers, n_workers, n, baseline_one, &b);
}

/* The pilot: the first `pilot` eligible pilot patients and their
 * baselines, from which the selector estimates the plausible density and
 * its constant.  Refuses a selection whose expected acceptance rate is
 * below 1 / max_draws_per_accept before any trial patient is simulated (it
 * runs before the store is opened). */
static remit_status vpop_pilot(trial *T, worker *workers, int n_workers) {
  const remit_vpop *vs = &T->sc->vpop;
  const int m = vs->pilot, d = vs->n_targets;
  long *pid = remit__calloc(T->ctx, (size_t)m, sizeof(long));
  double *x = remit__calloc(T->ctx, (size_t)m * (size_t)d, sizeof(double));
  remit_status st = pid && x ? REMIT_OK : REMIT_ERR_NOMEM;
  double cov[REMIT_N_COVARIATES];
  int n = 0;
  long j = 0;
  for (; st == REMIT_OK && n < m && j < (long)m * 1000; j++) {
    remit__population_draw(T->pop, T->sc->seed, 0, VPOP_PILOT_BASE + j, cov, NULL);
    if (!screen(T, cov)) {
      pid[n++] = VPOP_PILOT_BASE + j;
    }
  }
  if (st == REMIT_OK && n < m) {
    st = REMIT_ERROR(T->ctx, REMIT_ERR_RANGE,
                     "vpop: only %d of %ld pilot draws were eligible; the pilot needs %d", n, j, m);
  }
  if (st == REMIT_OK) {
    baselines(T, workers, n_workers, 0, pid, m, x);
    st = remit__vpop_create(T->ctx, vs, x, m, &T->vp);
  }
  if (st == REMIT_OK) {
    /* The batch buffers, sized for the workers. */
    T->cap_batch = VPOP_BATCH_PER_WORKER * n_workers;
    T->batch = remit__calloc(T->ctx, (size_t)T->cap_batch, sizeof(*T->batch));
    T->batch_pid = remit__calloc(T->ctx, (size_t)T->cap_batch, sizeof(long));
    T->batch_x = remit__calloc(T->ctx, (size_t)T->cap_batch * (size_t)d, sizeof(double));
    st = T->batch && T->batch_pid && T->batch_x ? REMIT_OK : REMIT_ERR_NOMEM;
  }
  if (st == REMIT_OK) {
    remit__vpop_info info;
    remit__vpop_get_info(T->vp, &info);
    if (info.expected_rate * vs->max_draws_per_accept < 1.0) {
      st = REMIT_ERROR(T->ctx, REMIT_ERR_RANGE,
                       "vpop: the expected acceptance rate is %.3g %% (1 accepted per %.0f "
                       "plausible patients, from a pilot of %d), below 1 per "
                       "vpop.max_draws_per_accept = %g: widen the population (covariates, iiv) "
                       "toward the targets, relax the targets, or raise max_draws_per_accept",
                       100.0 * info.expected_rate,
                       info.expected_rate > 0.0 ? 1.0 / info.expected_rate : INFINITY, m,
                       vs->max_draws_per_accept);
    }
  }
  remit__free(T->ctx, pid);
  remit__free(T->ctx, x);
  return st;
}

/* Decides, in parallel, the candidates from `pid` on: up to cap_batch
 * eligible patients (below max_screen when > 0), each with its baseline,
 * acceptance probability and a uniform from its own stream (seed,
 * replicate, patient, REMIT_STREAM_VPOP).  A decision depends on the patient
 * alone, so deciding ahead does not depend on the batch or thread count. */
static void vpop_fill_batch(trial *T, worker *workers, int n_workers, int replicate, long pid,
                            long max_screen) {
  const remit_scenario *sc = T->sc;
  const int d = sc->vpop.n_targets;
  double cov[REMIT_N_COVARIATES];
  int n = 0;
  for (long i = pid; n < T->cap_batch && (max_screen <= 0 || i < max_screen); i++) {
    remit__population_draw(T->pop, sc->seed, replicate, i, cov, NULL);
    if (!screen(T, cov)) {
      T->batch_pid[n++] = i;
    }
  }
  baselines(T, workers, n_workers, replicate, T->batch_pid, n, T->batch_x);
  for (int k = 0; k < n; k++) {
    vcand *c = &T->batch[k];
    c->pid = T->batch_pid[k];
    memcpy(c->x, T->batch_x + (size_t)k * d, sizeof(double) * (size_t)d);
    c->prob = remit__vpop_probability(T->vp, c->x, &c->clipped);
    remit__rng r;
    remit__rng_key(&r, sc->seed, (uint64_t)replicate, (uint64_t)c->pid, REMIT_STREAM_VPOP);
    c->accepted = remit__rng_uniform(&r) < c->prob;
  }
  T->n_batch = n;
  T->at_batch = 0;
}

/* Whether the eligible patient `pid` joins the virtual population; the
 * candidate is appended to T->vc. */
static remit_status vpop_consider(trial *T, worker *workers, int n_workers, int replicate,
                                  long pid, long max_screen, int *accepted) {
  if (T->at_batch >= T->n_batch || T->batch[T->at_batch].pid != pid) {
    vpop_fill_batch(T, workers, n_workers, replicate, pid, max_screen);
  }
  if (T->n_vc == T->cap_vc) {
    long cap = T->cap_vc ? 2 * T->cap_vc : 256;
    vcand *grown = remit__realloc(T->ctx, T->vc, sizeof(*grown) * (size_t)cap);
    if (!grown) {
      return REMIT_ERR_NOMEM;
    }
    T->vc = grown;
    T->cap_vc = cap;
  }
  T->vc[T->n_vc] = T->batch[T->at_batch++];
  *accepted = T->vc[T->n_vc++].accepted;
  return REMIT_OK;
}

/* The written replicate's candidate `pid` (T->sel), or NULL. */
static const vcand *vpop_find(const trial *T, long pid) {
  long lo = 0, hi = T->n_sel;
  while (lo < hi) {
    long mid = lo + (hi - lo) / 2;
    if (T->sel[mid].pid < pid) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < T->n_sel && T->sel[lo].pid == pid ? &T->sel[lo] : NULL;
}

/* The selection's description in the run table (docs/outputs.md). */
static remit_status vpop_meta(const trial *T, remit__store *store) {
  const remit_vpop *vs = &T->sc->vpop;
  remit__vpop_info info;
  remit__vpop_get_info(T->vp, &info);
  char names[REMIT_VPOP_MAX_TARGETS * 64] = "", bw[REMIT_VPOP_MAX_TARGETS * 32] = "";
  for (int k = 0; k < vs->n_targets; k++) {
    size_t a = strlen(names), b = strlen(bw);
    snprintf(names + a, sizeof names - a, "%s%.60s", k ? "," : "", vs->targets[k].readout);
    snprintf(bw + b, sizeof bw - b, "%s%.6g", k ? "," : "", info.bandwidth[k]);
  }
  char v[5][64];
  snprintf(v[0], sizeof v[0], "%d", info.n_pilot);
  snprintf(v[1], sizeof v[1], "%d", info.n_used);
  snprintf(v[2], sizeof v[2], "%.17g", exp(info.log_constant));
  snprintf(v[3], sizeof v[3], "%.6g", info.expected_rate);
  snprintf(v[4], sizeof v[4], "%g", vs->max_draws_per_accept);
  const char *kv[][2] = {{"vpop_method", "acceptance"}, {"vpop_readouts", names},
                         {"vpop_pilot", v[0]},          {"vpop_pilot_used", v[1]},
                         {"vpop_constant", v[2]},       {"vpop_expected_acceptance", v[3]},
                         {"vpop_max_draws_per_accept", v[4]}, {"vpop_bandwidth", bw}};
  remit_status st = REMIT_OK;
  for (size_t k = 0; st == REMIT_OK && k < sizeof kv / sizeof kv[0]; k++) {
    st = remit__store_set_meta(store, kv[k][0], kv[k][1]);
  }
  for (int k = 0; st == REMIT_OK && k < vs->n_targets; k++) {
    char key[96], val[64];
    double mean, sd;
    remit__vpop_target_moments(&vs->targets[k].dist, &mean, &sd);
    snprintf(key, sizeof key, "vpop_target.%.60s", vs->targets[k].readout);
    snprintf(val, sizeof val, "%.6g %.6g", mean, sd);
    st = remit__store_set_meta(store, key, val);
  }
  return st;
}

/* After the run: how many were drawn and accepted, from the store. */
static remit_status vpop_meta_counts(remit__store *store) {
  int64_t n = 0, acc = 0, clip = 0;
  remit_status st = remit__store_vpop_counts(store, &n, &acc, &clip);
  char v[3][32], rate[32];
  snprintf(v[0], sizeof v[0], "%lld", (long long)n);
  snprintf(v[1], sizeof v[1], "%lld", (long long)acc);
  snprintf(v[2], sizeof v[2], "%lld", (long long)clip);
  snprintf(rate, sizeof rate, "%.6g", n > 0 ? (double)acc / (double)n : NAN);
  const char *kv[][2] = {{"vpop_candidates", v[0]}, {"vpop_accepted", v[1]},
                         {"vpop_clipped", v[2]},    {"vpop_acceptance_rate", rate}};
  for (size_t k = 0; st == REMIT_OK && k < sizeof kv / sizeof kv[0]; k++) {
    st = remit__store_set_meta(store, kv[k][0], kv[k][1]);
  }
  return st;
}

/* Screens patients in index order until n_enrol are eligible (or n_screen
 * screened) and allocates them.  With a virtual population, an eligible
 * patient is enrolled only if accepted (vpop_consider; the workers simulate
 * the baselines).  *list is allocated here. */
static remit_status enrol(trial *T, worker *workers, int n_workers, int replicate,
                          enrolled **list, long *n_list, long *n_screened) {
  const remit_scenario *sc = T->sc;
  const remit_design *d = &sc->design;
  long target = d->n_enrol > 0 ? d->n_enrol : -1;
  long max_screen = d->n_screen > 0 ? d->n_screen : (target > 0 ? target * 1000L : 0);
  if (d->kind == REMIT_DESIGN_ESCALATION_COHORTS && target < 0) {
    int levels = sc->arms[0].n_dose_levels > 0 ? sc->arms[0].n_dose_levels : 1;
    target = (long)levels * (d->cohort_size > 0 ? d->cohort_size : 3);
  }
  if (d->kind == REMIT_DESIGN_ESCALATION_3P3) {
    int levels = sc->arms[0].n_dose_levels > 0 ? sc->arms[0].n_dose_levels : 1;
    target = (long)levels * 6; /* the most 3+3 can use */
  }
  if (target < 0 && max_screen <= 0) {
    return REMIT_ERROR(T->ctx, REMIT_ERR_ARG, "scenario %s: set n_enrol or n_screen", sc->name);
  }
  const double max_draws = sc->vpop.max_draws_per_accept;
  if (T->vp && d->n_screen <= 0) {
    max_screen *= (long)ceil(max_draws); /* the selection's own limit stops it first */
  }
  T->n_vc = 0;
  T->n_batch = T->at_batch = 0;
  /* The list grows as patients enrol, so screening a large population for a
   * few eligible patients does not reserve memory for all of them. */
  long cap = target > 0 && target < 4096 ? target : 4096;
  enrolled *e = remit__calloc(T->ctx, (size_t)cap, sizeof(*e));
  block_state *bs = remit__calloc(T->ctx, 1000, sizeof(*bs));
  int n_bs = 0;
  if (!e || !bs) {
    remit__free(T->ctx, e);
    remit__free(T->ctx, bs);
    return REMIT_ERR_NOMEM;
  }
  double ratios[64], centre_w[64];
  for (int a = 0; a < sc->n_arms && a < 64; a++) {
    ratios[a] = sc->arms[a].ratio > 0.0 ? sc->arms[a].ratio : 1.0;
  }
  for (int c = 0; c < d->n_centres && c < 64; c++) {
    centre_w[c] = d->centres[c].weight;
  }
  long n = 0, i = 0;
  remit_status st = REMIT_OK;
  for (; (target < 0 || n < target) && (max_screen <= 0 || i < max_screen); i++) {
    if (n == cap) {
      enrolled *grown = remit__realloc(T->ctx, e, sizeof(*e) * (size_t)cap * 2);
      if (!grown) {
        st = REMIT_ERR_NOMEM;
        break;
      }
      e = grown;
      cap *= 2;
    }
    enrolled *p = &e[n];
    remit__population_draw(T->pop, sc->seed, replicate, i, p->cov, NULL);
    if (screen(T, p->cov)) {
      continue;
    }
    if (T->vp) {
      int accepted = 0;
      if ((st = vpop_consider(T, workers, n_workers, replicate, i, max_screen, &accepted)) !=
          REMIT_OK) {
        break;
      }
      if (!accepted && target > 0 && (double)T->n_vc >= max_draws * (double)target) {
        st = REMIT_ERROR(T->ctx, REMIT_ERR_RANGE,
                         "vpop: replicate %d: %ld plausible patients drawn and %ld of %ld "
                         "accepted, the limit of vpop.max_draws_per_accept = %g per patient to "
                         "enrol: the acceptance rate (%.3g %%) is too low; widen the population "
                         "toward the targets, relax the targets, or raise max_draws_per_accept",
                         replicate + 1, T->n_vc, n, target, max_draws,
                         100.0 * (double)n / (double)T->n_vc);
        break;
      }
      if (!accepted) {
        continue;
      }
    }
    p->pid = i;
    remit__rng r;
    remit__rng_key(&r, sc->seed, (uint64_t)replicate, (uint64_t)i, REMIT_STREAM_ALLOCATION);
    p->centre = d->n_centres > 0 ? draw_weighted(remit__rng_uniform(&r), centre_w, d->n_centres) : -1;
    p->stratum = stratum_of(d, p->cov);
    p->level = -1;
    if (d->kind == REMIT_DESIGN_PARALLEL && sc->n_arms > 1) {
      if (d->block_size > 0) {
        int b = 0;
        while (b < n_bs && bs[b].stratum != p->stratum) {
          b++;
        }
        if (b == n_bs) {
          if (n_bs == 1000) {
            st = REMIT_ERROR(T->ctx, REMIT_ERR_ARG, "more than 1000 strata");
            break;
          }
          bs[b].stratum = p->stratum;
          bs[b].size = d->block_size;
          bs[b].used = d->block_size;
          bs[b].labels = remit__calloc(T->ctx, (size_t)d->block_size, sizeof(int));
          if (!bs[b].labels) {
            st = REMIT_ERR_NOMEM;
            break;
          }
          n_bs++;
        }
        p->arm = next_block_arm(T, &bs[b], replicate);
      } else {
        p->arm = draw_weighted(remit__rng_uniform(&r), ratios, sc->n_arms);
      }
    } else {
      p->arm = 0;
    }
    if (d->kind == REMIT_DESIGN_ESCALATION_COHORTS) {
      int size = d->cohort_size > 0 ? d->cohort_size : 3;
      int levels = sc->arms[0].n_dose_levels;
      p->level = levels > 0 ? (int)(n / size < levels ? n / size : levels - 1) : -1;
    }
    n++;
  }
  for (int b = 0; b < n_bs; b++) {
    remit__free(T->ctx, bs[b].labels);
  }
  remit__free(T->ctx, bs);
  if (st != REMIT_OK) {
    remit__free(T->ctx, e);
    return st;
  }
  *list = e;
  *n_list = n;
  *n_screened = i;
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* One patient                                                               */
/* ------------------------------------------------------------------------ */

static double readout(const trial *T, const worker *w, int day_index, int rd) {
  return w->R[(size_t)day_index * T->spec->n_readouts + T->rd[rd]];
}

/* Daily dose of a rate input active on `day` (sum over overlapping doses). */
static double rate_on(const remit_dose *d, int n, int input, double day) {
  double r = 0.0;
  for (int k = 0; k < n; k++) {
    if (d[k].input == input && d[k].day <= day && day < d[k].day + d[k].duration) {
      r += d[k].amount;
    }
  }
  return r;
}

static int n_immunosuppressants(const trial *T, const remit_dose *d, int n, double day) {
  int count = 0;
  for (size_t k = 0; k < sizeof is_inputs / sizeof is_inputs[0]; k++) {
    int in = T->in_is[k];
    int on = 0;
    for (int j = 0; in >= 0 && j < n && !on; j++) {
      if (d[j].input != in || d[j].day > day) {
        continue;
      }
      double end = d[j].duration > 0.0 ? d[j].day + d[j].duration : d[j].day + BIOLOGIC_ACTIVE_DAYS;
      on = day < end;
    }
    count += on;
  }
  return count;
}

static void add_event(patient_out *o, double day, const char *kind, double grade) {
  if (o->n_events < MAX_EVENTS_PER_PATIENT) {
    o->ev_day[o->n_events] = day;
    o->ev_kind[o->n_events] = kind;
    o->ev_grade[o->n_events] = grade;
    o->n_events++;
  }
}

/* A multiplicative log-normal assay error with coefficient of variation cv. */
static double measured(remit__rng *r, double value, double cv) {
  if (!(cv > 0.0)) {
    return value;
  }
  double s = sqrt(log1p(cv * cv));
  return value * exp(s * gsl_ran_gaussian_ziggurat(&r->gsl, 1.0) - 0.5 * s * s);
}

/* A visit on grid row `row`: R is what it sees (visit_readouts); its
 * clinical SLEDAI-2K items are those of any day of SLEDAI-2K's look-back
 * window, its model-graded BILAG-like grades the worst of BILAG's, as those
 * days were seen (w->seen); the laboratory items are its measurements. */
static void fill_visit(const trial *T, const worker *w, const remit_dose *doses, int n_doses,
                       int row, const double *R, remit__rng *noise, remit__visit *v) {
  const remit_noise *nz = &T->sc->noise;
  double day = T->days[row];
  v->day = day;
  v->items = 0;
  for (int r = row - SLEDAI_WINDOW_DAYS > 0 ? row - SLEDAI_WINDOW_DAYS : 0; r <= row; r++) {
    v->items |= w->seen[r].items;
  }
  memset(v->bilag, 0, sizeof(v->bilag));
  for (int r = row - BILAG_WINDOW_DAYS > 0 ? row - BILAG_WINDOW_DAYS : 0; r <= row; r++) {
    for (int d = 0; d < REMIT_N_BILAG_DOMAINS; d++) {
      if (w->seen[r].bilag[d] > v->bilag[d]) {
        v->bilag[d] = w->seen[r].bilag[d];
      }
    }
  }
  v->anti_dsdna = measured(noise, R[T->rd[RD_DSDNA]], nz->anti_dsdna_cv);
  v->c3 = measured(noise, R[T->rd[RD_C3]], nz->c3_cv);
  v->proteinuria = measured(noise, R[T->rd[RD_PROT]], nz->proteinuria_cv);
  v->igg = measured(noise, R[T->rd[RD_IGG]], nz->igg_cv);
  v->b_cells = measured(noise, R[T->rd[RD_BCELLS]], nz->b_cells_cv);
  /* The serology and proteinuria items follow the measured values, as in
   * clinic: a noisy assay can flip them near the cut-off. */
  uint32_t lab = (1u << REMIT_SI_LOW_COMPLEMENT) | (1u << REMIT_SI_DNA_BINDING) |
                 (1u << REMIT_SI_PROTEINURIA);
  v->items &= ~lab;
  v->items |= (v->c3 < T->th_c3 ? 1u : 0u) << REMIT_SI_LOW_COMPLEMENT;
  v->items |= (v->anti_dsdna > T->th_dsdna ? 1u : 0u) << REMIT_SI_DNA_BINDING;
  v->items |= (v->proteinuria > T->th_prot ? 1u : 0u) << REMIT_SI_PROTEINURIA;
  v->sledai = remit__sledai_score(v->items);
  v->pga = R[T->rd[RD_PGA]];
  v->prednisone = T->in_pred >= 0 ? rate_on(doses, n_doses, T->in_pred, day) : 0.0;
  v->immunosuppressants = n_immunosuppressants(T, doses, n_doses, day);
  v->new_treatment = 0;
  v->damage = R[T->rd[RD_DAMAGE]];
}

static void run_patient(const trial *T, worker *w, int replicate, const enrolled *e,
                        patient_out *o) {
  const remit_scenario *sc = T->sc;
  const int nd = T->n_days;
  o->failed = 0;
  o->n_visits = 0;
  o->n_events = 0;
  o->dropout_day = NAN;
  remit_status st = load_patient(T, w, replicate, e->pid, o->params);
  const arm_plan *ap = &T->arms[e->arm];
  memcpy(w->doses, ap->doses, sizeof(*w->doses) * (size_t)ap->n_doses);
  if (e->level >= 0 && ap->product >= 0) {
    w->doses[ap->product].amount = sc->arms[e->arm].dose_levels[e->level];
  }
  int n_doses = ap->n_doses;
  if (T->in_trigger >= 0 && T->p_flare_rate >= 0) {
    /* Environmental flare triggers (infection, UV, stress): a Poisson process
     * at the patient's flare_rate per year from the start of the grid; what a
     * trigger does depends on the patient's immune state (docs/model.md). */
    remit__rng tr;
    remit__rng_key(&tr, sc->seed, (uint64_t)replicate, (uint64_t)e->pid, REMIT_STREAM_TRIGGERS);
    double rate = o->params[T->p_flare_rate] / REMIT__DAYS_PER_YEAR, day = T->t0;
    for (int k = 0; rate > 0.0 && k < MAX_TRIGGERS; k++) {
      day += gsl_ran_exponential(&tr.gsl, 1.0 / rate);
      if (day > T->t_end) {
        break;
      }
      w->doses[n_doses++] = (remit_dose){floor(day), T->in_trigger, 1.0, 0.0};
    }
  }
  if (st == REMIT_OK) {
    st = remit_model_set_regimen(w->m, w->doses, n_doses);
  }
  if (st == REMIT_OK) {
    remit_sim_options opt = sim_options(T);
    st = remit_model_simulate(w->m, &opt, T->days, nd, w->Y, w->R);
  }
  if (st != REMIT_OK) {
    /* A patient the solver cannot follow is recorded as such, not dropped
     * silently: status "failed", no evaluable outcome. */
    o->failed = 1;
    add_event(o, T->t0, "solver_failure", 0.0);
    for (int k = 0; k < sc->n_endpoints; k++) {
      memset(&o->outcomes[k], 0, sizeof(o->outcomes[k]));
      o->outcomes[k].value = NAN;
      o->outcomes[k].time = NAN;
      o->outcomes[k].day = NAN;
      o->outcomes[k].why = "solver failure";
    }
    return;
  }
  for (int k = ap->n_doses; k < n_doses; k++) {
    add_event(o, w->doses[k].day, "flare_trigger", 0.0);
  }
  /* Dropout, then infections: both from the patient's event stream. */
  remit__rng ev;
  remit__rng_key(&ev, sc->seed, (uint64_t)replicate, (uint64_t)e->pid, REMIT_STREAM_EVENTS);
  double u = remit__rng_uniform(&ev);
  double last_day = T->t_end;
  if (sc->design.dropout_per_year > 0.0) {
    double d = -log1p(-u) / sc->design.dropout_per_year * REMIT__DAYS_PER_YEAR;
    if (d < T->t_end) {
      o->dropout_day = floor(d);
      last_day = o->dropout_day;
      add_event(o, o->dropout_day, "dropout", 0.0);
    }
  }
  int i0 = (int)(0.0 - T->t0); /* row of day 0 */
  double *cart = w->col[0], *bc = w->col[1], *crs = w->col[2], *icans = w->col[3],
         *neut = w->col[4], *inf = w->col[5], *other = w->col[6], *igg = w->col[7];
  double n_inf = 0.0;
  int crs_on = 0, icans_on = 0, neut_on = 0;
  for (int i = 0; i < nd; i++) {
    cart[i] = readout(T, w, i, RD_CART);
    bc[i] = readout(T, w, i, RD_BCELLS);
    crs[i] = readout(T, w, i, RD_CRS);
    icans[i] = readout(T, w, i, RD_ICANS);
    neut[i] = readout(T, w, i, RD_NEUT);
    igg[i] = readout(T, w, i, RD_IGG);
    other[i] = 0.0;
    double day = T->days[i];
    if (i >= i0 && day <= last_day) {
      /* Serious infections: a Poisson process with the model's hazard. */
      double h = readout(T, w, i, RD_HAZARD) / REMIT__DAYS_PER_YEAR;
      if (remit__rng_uniform(&ev) < -expm1(-h)) {
        n_inf += 1.0;
        add_event(o, day, "infection", 3.0);
      }
      if (crs[i] >= 1.0 && !crs_on) {
        add_event(o, day, "crs", crs[i]);
      }
      if (icans[i] >= 1.0 && !icans_on) {
        add_event(o, day, "icans", icans[i]);
      }
      if (neut[i] >= 3.0 && !neut_on) {
        add_event(o, day, "neutropenia", neut[i]);
      }
      crs_on = crs[i] >= 1.0;
      icans_on = icans[i] >= 1.0;
      neut_on = neut[i] >= 3.0;
    }
    inf[i] = n_inf;
  }
  /* Visits: baseline (first grid day, before any dose) then the schedule. */
  remit__rng noise;
  remit__rng_key(&noise, sc->seed, (uint64_t)replicate, (uint64_t)e->pid, REMIT_STREAM_NOISE);
  fluctuation fl;
  fluctuation_start(T, o->params, replicate, e->pid, &fl);
  fill_visit(T, w, w->doses, ap->n_doses, 0, visit_readouts(T, w, 0, &fl), &noise,
             &o->visits[o->n_visits++]);
  for (int v = 0; v < sc->n_visits; v++) {
    double day = sc->visits[v];
    if (day <= T->t0 || day > last_day || day > T->t_end) {
      continue;
    }
    int row = (int)lround(day - T->t0);
    fill_visit(T, w, w->doses, ap->n_doses, row, visit_readouts(T, w, row, &fl), &noise,
               &o->visits[o->n_visits++]);
  }
  remit__daily daily = {nd, T->days, cart, bc, crs, icans, neut, inf, other, igg};
  /* Daily series end at dropout: a dropped patient is not observed after. */
  int observed = (int)(last_day - T->t0) + 1;
  daily.n = observed < nd ? observed : nd;
  for (int k = 0; k < sc->n_endpoints; k++) {
    remit__endpoint_eval(&sc->endpoints[k], o->visits, o->n_visits, &daily, &o->outcomes[k]);
  }
  if (o->traj) {
    int nt = (int)(sizeof traj_vars / sizeof traj_vars[0]);
    for (int v = 0; v < nt; v++) {
      for (int i = 0; i < nd; i++) {
        o->traj[(size_t)v * nd + i] = readout(T, w, i, traj_vars[v]);
      }
    }
  }
}

/* ------------------------------------------------------------------------ */
/* Chunks                                                                    */
/* ------------------------------------------------------------------------ */

static remit_status worker_init(const trial *T, worker *w) {
  memset(w, 0, sizeof(*w));
  remit_status st = remit_context_create(NULL, &w->ctx);
  if (st != REMIT_OK) {
    return st;
  }
  if ((st = remit_model_create(w->ctx, T->spec, &w->m)) != REMIT_OK) {
    return st;
  }
  size_t nd = (size_t)T->n_days;
  w->Y = malloc(sizeof(double) * nd * (size_t)T->spec->n_states);
  w->R = malloc(sizeof(double) * nd * (size_t)T->spec->n_readouts);
  w->Yv = malloc(sizeof(double) * (size_t)T->spec->n_states);
  w->Rv = malloc(sizeof(double) * (size_t)(T->spec->n_readouts + 1));
  w->seen = malloc(sizeof(seen_day) * nd);
  w->doses = malloc(sizeof(remit_dose) * (size_t)(T->max_doses + MAX_TRIGGERS + 1));
  w->params = malloc(sizeof(double) * (size_t)(T->spec->n_params + 1));
  int ok = w->Y && w->R && w->Yv && w->Rv && w->seen && w->doses && w->params;
  for (int k = 0; k < 8; k++) {
    w->col[k] = malloc(sizeof(double) * nd);
    ok = ok && w->col[k];
  }
  return ok ? REMIT_OK : REMIT_ERR_NOMEM;
}

static void worker_close(worker *w) {
  remit_model_destroy(&w->m);
  remit_context_destroy(&w->ctx);
  free(w->Y);
  free(w->R);
  free(w->Yv);
  free(w->Rv);
  free(w->seen);
  free(w->doses);
  free(w->params);
  for (int k = 0; k < 8; k++) {
    free(w->col[k]);
  }
}

static const char *arm_label(const trial *T, const enrolled *e, char *buf, size_t len) {
  const remit_arm *a = &T->sc->arms[e->arm];
  if (e->level >= 0) {
    snprintf(buf, len, "%s@%g", a->name, a->dose_levels[e->level]);
    return buf;
  }
  return a->name;
}

/* The vpop_selection row of candidate `pid` of this replicate. */
static remit_status write_vpop(trial *T, remit__store *store, int replicate, long pid) {
  const vcand *c = vpop_find(T, pid);
  if (!c) {
    return REMIT_ERROR(T->ctx, REMIT_ERR_STATE, "vpop: patient %ld of replicate %d was never "
                       "considered", pid, replicate + 1);
  }
  return remit__store_vpop(store, replicate, (int)pid, c->accepted, c->prob, c->clipped, c->x);
}

static remit_status write_patient(trial *T, remit__store *store, int replicate, const enrolled *e,
                                  const patient_out *o) {
  const remit_scenario *sc = T->sc;
  char armbuf[128], stratbuf[32];
  const char *arm = arm_label(T, e, armbuf, sizeof armbuf);
  snprintf(stratbuf, sizeof stratbuf, "%d", e->stratum);
  int nv = remit__population_n_varying(T->pop);
  double vals[256];
  for (int k = 0; k < nv && k < 256; k++) {
    vals[k] = o->params[remit__population_varying(T->pop)[k]];
  }
  remit__patient_row row = {replicate, (int)e->pid,
                            e->centre >= 0 ? sc->design.centres[e->centre].name : NULL,
                            arm, stratbuf, 1, 1, NULL, {0},
                            o->failed ? "failed" : isnan(o->dropout_day) ? "completed" : "dropped_out",
                            o->dropout_day, e->level >= 0 ? sc->arms[e->arm].dose_levels[e->level] : NAN,
                            nv, T->param_names, vals};
  memcpy(row.cov, e->cov, sizeof row.cov);
  remit_status st = remit__store_patient(store, &row);
  if (st == REMIT_OK && T->vp) {
    st = write_vpop(T, store, replicate, e->pid);
  }
  for (int v = 0; st == REMIT_OK && v < o->n_visits; v++) {
    st = remit__store_visit(store, replicate, (int)e->pid, &o->visits[v]);
  }
  for (int k = 0; st == REMIT_OK && k < o->n_events; k++) {
    st = remit__store_event(store, replicate, (int)e->pid, o->ev_day[k], o->ev_kind[k],
                            o->ev_grade[k]);
  }
  for (int k = 0; st == REMIT_OK && k < sc->n_endpoints; k++) {
    const remit__outcome *oc = &o->outcomes[k];
    st = remit__store_outcome(store, replicate, (int)e->pid, arm, sc->endpoints[k].name, oc->value,
                              oc->event, oc->time, oc->evaluable);
  }
  if (st == REMIT_OK && o->traj) {
    int nt = (int)(sizeof traj_vars / sizeof traj_vars[0]);
    for (int v = 0; st == REMIT_OK && v < nt; v++) {
      st = remit__store_trajectory(store, replicate, (int)e->pid, readout_names[traj_vars[v]],
                                   T->n_days, T->days, o->traj + (size_t)v * T->n_days);
    }
  }
  return st;
}

/* Screen failures between two enrolled patients, and the eligible patients
 * the virtual population did not accept, are written with the chunk that
 * holds the later enrolled one, so the patients table is complete on resume. */
static remit_status write_screen_failures(trial *T, remit__store *store, int replicate, long from,
                                          long to) {
  double cov[REMIT_N_COVARIATES];
  for (long i = from; i < to; i++) {
    remit__population_draw(T->pop, T->sc->seed, replicate, i, cov, NULL);
    const char *why = screen(T, cov);
    if (!why && !T->vp) {
      continue;
    }
    remit__patient_row row = {replicate, (int)i, NULL, NULL, NULL, !why, 0, why, {0},
                              why ? "screen_failed" : "not_selected", NAN, NAN, 0, NULL, NULL};
    memcpy(row.cov, cov, sizeof cov);
    remit_status st = remit__store_patient(store, &row);
    if (st == REMIT_OK && !why) {
      st = write_vpop(T, store, replicate, i);
    }
    if (st != REMIT_OK) {
      return st;
    }
  }
  return REMIT_OK;
}

typedef struct chunk_buf {
  int cap;
  patient_out *out;
  remit__visit *visits;
  remit__outcome *outcomes;
  double *params;
  double *traj;
} chunk_buf;

static remit_status chunk_alloc(trial *T, chunk_buf *cb, int cap) {
  const remit_scenario *sc = T->sc;
  cb->cap = cap;
  cb->out = remit__calloc(T->ctx, (size_t)cap, sizeof(*cb->out));
  cb->visits = remit__calloc(T->ctx, (size_t)cap * (size_t)T->n_visit_max, sizeof(remit__visit));
  cb->outcomes = remit__calloc(T->ctx, (size_t)cap * (size_t)(sc->n_endpoints + 1),
                               sizeof(remit__outcome));
  cb->params = remit__calloc(T->ctx, (size_t)cap * (size_t)T->spec->n_params, sizeof(double));
  int ns = sc->sample_trajectories;
  size_t nt = sizeof traj_vars / sizeof traj_vars[0];
  cb->traj = ns > 0 ? remit__calloc(T->ctx, (size_t)cap * nt * (size_t)T->n_days, sizeof(double))
                    : NULL;
  if (!cb->out || !cb->visits || !cb->outcomes || !cb->params || (ns > 0 && !cb->traj)) {
    return REMIT_ERR_NOMEM;
  }
  for (int k = 0; k < cap; k++) {
    cb->out[k].visits = cb->visits + (size_t)k * T->n_visit_max;
    cb->out[k].outcomes = cb->outcomes + (size_t)k * (sc->n_endpoints + 1);
    cb->out[k].params = cb->params + (size_t)k * T->spec->n_params;
  }
  return REMIT_OK;
}

static void chunk_free(trial *T, chunk_buf *cb) {
  remit__free(T->ctx, cb->out);
  remit__free(T->ctx, cb->visits);
  remit__free(T->ctx, cb->outcomes);
  remit__free(T->ctx, cb->params);
  remit__free(T->ctx, cb->traj);
}

/* Points slot k of cb at trajectory storage when e[k] is a sampled patient. */
static void chunk_bind(const trial *T, const enrolled *e, int n, chunk_buf *cb) {
  size_t nt = sizeof traj_vars / sizeof traj_vars[0];
  for (int k = 0; k < n; k++) {
    cb->out[k].traj = cb->traj && e[k].pid < T->sc->sample_trajectories
                          ? cb->traj + (size_t)k * nt * T->n_days
                          : NULL;
  }
}

typedef struct block_job {
  int replicate;
  const enrolled *e;
  chunk_buf *cb;
} block_job;

static void block_one(const trial *T, worker *w, int k, void *arg) {
  const block_job *b = arg;
  run_patient(T, w, b->replicate, &b->e[k], &b->cb->out[k]);
}

/* Simulates patients e[0..n) in parallel into cb (slot k for e[k]). */
static remit_status simulate_block(trial *T, worker *workers, int n_workers, int replicate,
                                   const enrolled *e, int n, chunk_buf *cb) {
  chunk_bind(T, e, n, cb);
  block_job b = {replicate, e, cb};
  for_each_patient(T, workers, n_workers, n, block_one, &b);
  return REMIT_OK;
}

/* A dose-limiting toxicity within the window: CRS or ICANS at or above the
 * scenario's grade (ICANS >= 3 always), or a serious infection. */
static int has_dlt(const trial *T, const patient_out *o) {
  const remit_design *d = &T->sc->design;
  int g = d->dlt_crs_grade > 0 ? d->dlt_crs_grade : 3;
  double win = d->dlt_window_days > 0 ? d->dlt_window_days : 28;
  for (int k = 0; k < o->n_events; k++) {
    if (o->ev_day[k] > win) {
      continue;
    }
    const char *kind = o->ev_kind[k];
    if ((strcmp(kind, "crs") == 0 && o->ev_grade[k] >= g) ||
        (strcmp(kind, "icans") == 0 && o->ev_grade[k] >= 3) || strcmp(kind, "infection") == 0) {
      return 1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Chunks across processes                                                   */
/* ------------------------------------------------------------------------ */

/* How a run's chunks are shared among the ranks of a communicator (one
 * process: rank 0 of 1 does everything).  Run order is replicate by
 * replicate, chunk by chunk; rank 0 writes every chunk in that order, and
 * the chunks are dealt on demand ("Dealing" below). */
typedef struct dist {
  remit__comm *comm;
  int rank, size;
  int64_t resume_from;   /* size > 1: chunks already in the store (the first ones in run order) */
  unsigned char *msg;    /* a packed chunk, sent or received */
  size_t msg_cap, msg_len;
  int *ended;            /* rank 0: worker r's END has arrived */
} dist;

/* The kinds add_event records; a packed chunk carries the index. */
static const char *const event_kinds[] = {"solver_failure", "flare_trigger", "dropout",
                                          "infection",      "crs",           "icans",
                                          "neutropenia"};
#define N_EVENT_KINDS ((int)(sizeof event_kinds / sizeof event_kinds[0]))

/* Packed layout (the same binary on every rank: structs travel as bytes):
 * packed_chunk, then per patient packed_patient, visits, outcomes,
 * packed_event × n_events, parameters, and the trajectory if sampled. */
typedef struct packed_chunk {
  int32_t replicate, chunk, n;
} packed_chunk;
typedef struct packed_patient {
  double dropout_day;
  int32_t failed, n_visits, n_events, has_traj;
} packed_patient;
typedef struct packed_event {
  double day, grade;
  int32_t kind;
  int32_t pad;
} packed_event;

/* A worker's last message: why it stopped. */
typedef struct packed_end {
  int32_t status;
  char msg[508];
} packed_end;

static size_t traj_len(const trial *T) {
  return sizeof traj_vars / sizeof traj_vars[0] * (size_t)T->n_days;
}

static remit_status dist_reserve(trial *T, dist *D, size_t n) {
  if (n > D->msg_cap) {
    unsigned char *grown = remit__realloc(T->ctx, D->msg, n);
    if (!grown) {
      return REMIT_ERR_NOMEM;
    }
    D->msg = grown;
    D->msg_cap = n;
  }
  return REMIT_OK;
}

#define PUT(w, src, len) (memcpy((w), (src), (len)), (w) += (len))

/* Packs the m patients of cb (chunk `chunk` of replicate `rep`) into D->msg. */
static remit_status pack_chunk(trial *T, dist *D, int rep, int chunk, const chunk_buf *cb, int m) {
  const size_t ne = (size_t)T->sc->n_endpoints, np = (size_t)T->spec->n_params;
  size_t need = sizeof(packed_chunk);
  for (int k = 0; k < m; k++) {
    const patient_out *o = &cb->out[k];
    need += sizeof(packed_patient) + (size_t)o->n_visits * sizeof(remit__visit) +
            ne * sizeof(remit__outcome) + (size_t)o->n_events * sizeof(packed_event) +
            np * sizeof(double) + (o->traj ? traj_len(T) * sizeof(double) : 0);
  }
  remit_status st = dist_reserve(T, D, need);
  if (st != REMIT_OK) {
    return st;
  }
  unsigned char *w = D->msg;
  packed_chunk h = {rep, chunk, m};
  PUT(w, &h, sizeof h);
  for (int k = 0; k < m; k++) {
    const patient_out *o = &cb->out[k];
    packed_patient pp = {o->dropout_day, o->failed, o->n_visits, o->n_events, o->traj != NULL};
    PUT(w, &pp, sizeof pp);
    PUT(w, o->visits, (size_t)o->n_visits * sizeof(remit__visit));
    PUT(w, o->outcomes, ne * sizeof(remit__outcome));
    for (int j = 0; j < o->n_events; j++) {
      packed_event pe = {o->ev_day[j], o->ev_grade[j], -1, 0};
      for (int i = 0; i < N_EVENT_KINDS && pe.kind < 0; i++) {
        if (strcmp(o->ev_kind[j], event_kinds[i]) == 0) {
          pe.kind = i;
        }
      }
      if (pe.kind < 0) {
        return REMIT_ERROR(T->ctx, REMIT_ERR_STATE, "event kind '%s' cannot be sent between ranks",
                           o->ev_kind[j]);
      }
      PUT(w, &pe, sizeof pe);
    }
    PUT(w, o->params, np * sizeof(double));
    if (o->traj) {
      PUT(w, o->traj, traj_len(T) * sizeof(double));
    }
  }
  D->msg_len = (size_t)(w - D->msg);
  return REMIT_OK;
}

/* Unpacks D->msg into cb for the m patients e[0..m) of chunk `chunk` of
 * replicate `rep`, checking that it is that chunk and that it fits. */
static remit_status unpack_chunk(trial *T, dist *D, int rep, int chunk, const enrolled *e, int m,
                                 chunk_buf *cb, int from) {
  const size_t ne = (size_t)T->sc->n_endpoints, np = (size_t)T->spec->n_params;
  const unsigned char *r = D->msg, *end = D->msg + D->msg_len;
  packed_chunk h;
#define GET(dst, len)                                                                   \
  do {                                                                                  \
    if ((size_t)(end - r) < (size_t)(len)) {                                            \
      return REMIT_ERROR(T->ctx, REMIT_ERR_IO, "rank %d: chunk %d of replicate %d is truncated", \
                         from, chunk, rep);                                             \
    }                                                                                   \
    memcpy((dst), r, (len));                                                            \
    r += (len);                                                                         \
  } while (0)
  GET(&h, sizeof h);
  if (h.replicate != rep || h.chunk != chunk || h.n != m) {
    return REMIT_ERROR(T->ctx, REMIT_ERR_STATE, "rank %d sent chunk %d/%d (%d patients) where "
                       "chunk %d/%d (%d) was due", from, (int)h.replicate, (int)h.chunk, (int)h.n,
                       rep, chunk, m);
  }
  chunk_bind(T, e, m, cb);
  for (int k = 0; k < m; k++) {
    patient_out *o = &cb->out[k];
    packed_patient pp;
    GET(&pp, sizeof pp);
    if (pp.n_visits < 0 || pp.n_visits > T->n_visit_max || pp.n_events < 0 ||
        pp.n_events > MAX_EVENTS_PER_PATIENT || pp.has_traj != (o->traj != NULL)) {
      return REMIT_ERROR(T->ctx, REMIT_ERR_STATE, "rank %d: patient %ld of replicate %d does not "
                         "fit this rank's chunk", from, e[k].pid, rep);
    }
    o->dropout_day = pp.dropout_day;
    o->failed = pp.failed;
    o->n_visits = pp.n_visits;
    o->n_events = pp.n_events;
    GET(o->visits, (size_t)o->n_visits * sizeof(remit__visit));
    GET(o->outcomes, ne * sizeof(remit__outcome));
    for (size_t j = 0; j < ne; j++) {
      o->outcomes[j].why = ""; /* a pointer of the sender; never written to the store */
    }
    for (int j = 0; j < o->n_events; j++) {
      packed_event pe;
      GET(&pe, sizeof pe);
      if (pe.kind < 0 || pe.kind >= N_EVENT_KINDS) {
        return REMIT_ERROR(T->ctx, REMIT_ERR_STATE, "rank %d: unknown event kind %d", from,
                           (int)pe.kind);
      }
      o->ev_day[j] = pe.day;
      o->ev_grade[j] = pe.grade;
      o->ev_kind[j] = event_kinds[pe.kind];
    }
    GET(o->params, np * sizeof(double));
    if (o->traj) {
      GET(o->traj, traj_len(T) * sizeof(double));
    }
  }
#undef GET
  if (r != end) {
    return REMIT_ERROR(T->ctx, REMIT_ERR_STATE, "rank %d: chunk %d of replicate %d has %zu extra "
                       "bytes", from, chunk, rep, (size_t)(end - r));
  }
  return REMIT_OK;
}

/* Rank 0: worker `from`'s END (in D->msg): marks it ended; returns st, or
 * if st is REMIT_OK the worker's failure (with its message), if it failed. */
static remit_status take_end(trial *T, dist *D, int from, remit_status st) {
  D->ended[from] = 1;
  packed_end pe;
  memset(&pe, 0, sizeof pe);
  memcpy(&pe, D->msg, D->msg_len < sizeof pe ? D->msg_len : sizeof pe);
  pe.msg[sizeof pe.msg - 1] = '\0';
  if (st == REMIT_OK && pe.status != REMIT_OK) {
    st = REMIT_ERROR(T->ctx, (remit_status)pe.status, "rank %d: %s", from, pe.msg);
  }
  return st;
}

/* After the last chunk (or a failure): a worker says why it stopped; rank 0
 * stops the workers if it failed and takes every worker's END, dropping
 * chunks it no longer needs.  Returns the rank's status. */
static remit_status dist_end(trial *T, dist *D, remit_status st) {
  if (D->size == 1) {
    return st;
  }
  if (D->rank != 0) {
    packed_end pe;
    memset(&pe, 0, sizeof pe);
    pe.status = (int32_t)st;
    if (st != REMIT_OK) {
      snprintf(pe.msg, sizeof pe.msg, "%s", remit_context_errmsg(T->ctx));
    }
    remit_status sst = remit__comm_send(D->comm, 0, REMIT__TAG_END, &pe, sizeof pe);
    return st != REMIT_OK ? st : sst;
  }
  if (st != REMIT_OK) {
    remit__comm_send_stop(D->comm);
  }
  if (!D->ended) { /* set-up ran out of memory on rank 0 */
    return st;
  }
  for (int r = 1; r < D->size; r++) {
    while (!D->ended[r]) {
      int tag = 0;
      remit_status rst = remit__comm_recv(D->comm, r, &tag, &D->msg, &D->msg_cap, &D->msg_len);
      if (rst != REMIT_OK) {
        return st != REMIT_OK ? st : rst;
      }
      if (tag == REMIT__TAG_END) {
        st = take_end(T, D, r, st);
      } else {
        /* A chunk after a failure: dropped, and answered, as every chunk
         * is, so the worker waiting for the answer goes on to its END. */
        const int64_t none = -1;
        remit_status ast = remit__comm_send(D->comm, r, REMIT__TAG_ASSIGN, &none, sizeof none);
        if (st == REMIT_OK) {
          st = ast != REMIT_OK ? ast
                               : REMIT_ERROR(T->ctx, REMIT_ERR_STATE,
                                             "rank %d sent a chunk nobody asked for", r);
          remit__comm_send_stop(D->comm);
        }
      }
    }
  }
  return st;
}

/* ------------------------------------------------------------------------ */
/* Dealing: chunks on demand across ranks                                    */
/* ------------------------------------------------------------------------ */

/* With several ranks, chunks are dealt on demand instead of round-robin, so
 * rank 0, which writes every chunk, simulates only what the workers leave:
 *  - The plan: rank 0 counts each replicate's enrolled patients and
 *    broadcasts first[r], the run-order index of replicate r's first chunk
 *    (first[reps] = all chunks).  Every rank can then turn an index g into
 *    (replicate, chunk) and enrol that replicate itself.
 *  - The first chunks after the resume point go to the workers round-robin,
 *    DEAL_DEPTH each (fewer when the run is short, so rank 0 keeps a share).
 *  - A worker simulates its chunks in the order given and sends each to rank
 *    0.  Rank 0 answers every chunk with one ASSIGN: the next chunk nobody
 *    has, or -1 when none is left.  The answer is received while the next
 *    chunk runs, so a worker waits only if rank 0 is late by DEAL_DEPTH - 1
 *    chunks.
 *  - Rank 0 takes the messages that have arrived, writes whatever is next in
 *    run order, and otherwise simulates the next chunk nobody has, keeping
 *    at most DEAL_OWN of its own results ahead of the writing.
 * Rank 0's time is then W + what is left of S, not W + S/N (S the
 * simulation, W the writing of a single-process run), and the store is the
 * same as one process's: the chunks hold the same patients whoever
 * simulates them, and rank 0 writes them in the same order.  Memory: rank 0
 * holds at most DEAL_DEPTH chunks per worker plus DEAL_OWN packed chunks. */
#define DEAL_DEPTH 3
#define DEAL_OWN 4

/* One replicate's enrolment, kept while it is in use. */
typedef struct rep_cache {
  int rep;          /* -1: empty */
  enrolled *e;
  long n, n_screened;
  vcand *vc;        /* its virtual-population candidates (owned), or NULL */
  long n_vc;
} rep_cache;

/* Makes one of the two entries hold replicate `rep`, reusing one that does,
 * else replacing the entry other than `keep` (a replicate still in use). */
static remit_status rep_get(trial *T, worker *workers, int n_workers, rep_cache *c, int rep, int keep,
                            rep_cache **out) {
  for (int k = 0; k < 2; k++) {
    if (c[k].rep == rep) {
      *out = &c[k];
      return REMIT_OK;
    }
  }
  rep_cache *x = c[0].rep == keep && keep >= 0 ? &c[1] : &c[0];
  remit__free(T->ctx, x->e);
  remit__free(T->ctx, x->vc);
  *x = (rep_cache){-1, NULL, 0, 0, NULL, 0};
  remit_status st = enrol(T, workers, n_workers, rep, &x->e, &x->n, &x->n_screened);
  if (st == REMIT_OK) {
    x->rep = rep;
    /* The entry takes the candidates: the next enrolment starts a new list. */
    x->vc = T->vc;
    x->n_vc = T->n_vc;
    T->vc = NULL;
    T->n_vc = T->cap_vc = 0;
  }
  *out = x;
  return st;
}

/* The replicate of chunk g (first[] ascending, first[reps] the total). */
static int rep_of(const int64_t *first, int reps, int64_t g) {
  int lo = 0, hi = reps - 1;
  while (lo < hi) { /* the last r with first[r] <= g */
    int mid = (lo + hi + 1) / 2;
    if (first[mid] <= g) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

/* A packed chunk waiting on rank 0 for its turn to be written. */
typedef struct deal_slot {
  int64_t g;        /* -1: free */
  unsigned char *buf;
  size_t len, cap;
  int from;         /* the rank that simulated it */
} deal_slot;

typedef struct deal {
  trial *T;
  dist *D;
  worker *workers;
  int n_workers, chunk_size, reps;
  chunk_buf *cb;
  int64_t *first, total, g_next; /* g_next: the first chunk nobody has */
  rep_cache cache[2];
  /* Rank 0.  Flow control: the workers' chunks held in slots plus those
   * given out and not yet back never exceed DEAL_DEPTH per worker, so every
   * chunk that arrives has a slot; an answer that would break this waits in
   * `owed` (the workers owed one, in order) until writing frees a slot. */
  deal_slot *slot;
  int n_slot;
  int held, out, own; /* workers' chunks in slots, given out, rank 0's in slots */
  int *owed, n_owed;
} deal;

/* Simulates chunk g into cb (rank 0 or a worker); *rep, *chunk, *m, *e say
 * which patients. */
static remit_status deal_simulate(deal *G, int64_t g, int keep, int *rep, int *chunk, int *m) {
  const int r = rep_of(G->first, G->reps, g);
  rep_cache *c;
  remit_status st = rep_get(G->T, G->workers, G->n_workers, G->cache, r, keep, &c);
  if (st != REMIT_OK) {
    return st;
  }
  const long from = (long)(g - G->first[r]) * G->chunk_size;
  *rep = r;
  *chunk = (int)(g - G->first[r]);
  *m = (int)(c->n - from < G->chunk_size ? c->n - from : G->chunk_size);
  return simulate_block(G->T, G->workers, G->n_workers, r, &c->e[from], *m, G->cb);
}

/* Worker: the chunks rank 0 gives, until it says none are left (or stops).
 * Rank 0 answers every chunk sent; the answers are collected while the
 * queued chunks run (one receive posted at a time), so the worker blocks
 * only with nothing queued.  After the last chunk (an answer of -1) it takes
 * the answers still due; after a failure or a stop it leaves them (its END
 * goes first; rank 0 sends nothing more to an ended worker). */
static remit_status deal_worker(deal *G) {
  dist *D = G->D;
  const int nw = D->size - 1, qcap = 2 * DEAL_DEPTH + 1;
  int64_t queue[2 * DEAL_DEPTH + 1], answer = -1;
  int head = 0, nq = 0, due = 0, posted = 0, last = 0;
  /* The first chunks, dealt round-robin (every rank computes the same). */
  for (int64_t i = 0; D->resume_from + i < G->g_next; i++) {
    if (1 + (int)(i % nw) == D->rank) {
      queue[nq++] = D->resume_from + i;
    }
  }
  remit_status st = REMIT_OK;
  while (st == REMIT_OK) {
    /* Answers that have come in; block only with nothing else to do. */
    for (;;) {
      int got = 0;
      if (!posted) {
        break;
      }
      const int block = nq == 0;
      if ((st = remit__comm_wait_assign(D->comm, block, &got)) != REMIT_OK || !got) {
        break;
      }
      posted = 0;
      queue[(head + nq++) % qcap] = answer;
      if (--due > 0) {
        st = remit__comm_post_assign(D->comm, &answer);
        posted = st == REMIT_OK;
      }
    }
    if (st != REMIT_OK || nq == 0) {
      break; /* nothing queued and nothing due: only after a failure */
    }
    const int64_t g = queue[head];
    head = (head + 1) % qcap;
    nq--;
    if (g < 0) {
      last = 1; /* none left */
      break;
    }
    if (remit__comm_stop_requested(D->comm)) {
      st = REMIT_ERROR(G->T->ctx, REMIT_ERR_STATE, "stopped by rank 0");
      break;
    }
    int rep = 0, chunk = 0, m = 0;
    st = deal_simulate(G, g, -1, &rep, &chunk, &m);
    if (st == REMIT_OK) {
      st = pack_chunk(G->T, D, rep, chunk, G->cb, m);
    }
    if (st == REMIT_OK) {
      st = remit__comm_send(D->comm, 0, REMIT__TAG_CHUNK, D->msg, D->msg_len);
    }
    if (st == REMIT_OK && due++ == 0) {
      st = remit__comm_post_assign(D->comm, &answer);
      posted = st == REMIT_OK;
    }
  }
  /* After the last chunk, the answers still due (all -1) before the END. */
  while (st == REMIT_OK && last && due > 0) {
    int got = 0;
    if ((st = remit__comm_wait_assign(D->comm, 1, &got)) == REMIT_OK && --due > 0) {
      st = remit__comm_post_assign(D->comm, &answer);
    }
  }
  return st;
}

/* Exchanges a slot's buffer with D->msg (a packed chunk moves without a
 * copy); the caller sets the lengths. */
static void slot_swap(deal_slot *sl, dist *D) {
  unsigned char *b = sl->buf;
  size_t cap = sl->cap;
  sl->buf = D->msg;
  sl->cap = D->msg_cap;
  D->msg = b;
  D->msg_cap = cap;
}

/* Rank 0: a free slot, or NULL. */
static deal_slot *slot_free(deal *G) {
  for (int k = 0; k < G->n_slot; k++) {
    if (G->slot[k].g < 0) {
      return &G->slot[k];
    }
  }
  return NULL;
}

/* Rank 0: answers worker `from`'s latest chunk: the first chunk nobody has,
 * or -1 when none is left; owed for later if the slots are spoken for. */
static remit_status deal_answer(deal *G, int from) {
  int64_t next = -1;
  if (G->D->ended[from]) {
    return REMIT_OK; /* it failed or stopped: it takes no more answers */
  }
  if (G->g_next < G->total) {
    if (G->held + G->out >= DEAL_DEPTH * (G->D->size - 1)) {
      G->owed[G->n_owed++] = from;
      return REMIT_OK;
    }
    next = G->g_next++;
    G->out++;
  }
  return remit__comm_send(G->D->comm, from, REMIT__TAG_ASSIGN, &next, sizeof next);
}

/* Rank 0: the answers owed, as far as the slots allow; all of them, with
 * -1, when `none` (rank 0 stops). */
static remit_status deal_pay(deal *G, int none) {
  remit_status st = REMIT_OK;
  if (none) {
    G->g_next = G->total;
  }
  while (st == REMIT_OK && G->n_owed > 0 &&
         (G->g_next >= G->total || G->held + G->out < DEAL_DEPTH * (G->D->size - 1))) {
    const int from = G->owed[0];
    memmove(G->owed, G->owed + 1, sizeof(*G->owed) * (size_t)--G->n_owed);
    st = deal_answer(G, from);
  }
  return st;
}

/* Rank 0: a message from worker `from` (in D->msg): a chunk is kept in a
 * slot for its turn and answered; an END marks the worker done (and is its
 * failure if it failed). */
static remit_status deal_take(deal *G, int from, int tag) {
  dist *D = G->D;
  trial *T = G->T;
  if (tag == REMIT__TAG_END) {
    return take_end(T, D, from, REMIT_OK);
  }
  packed_chunk h;
  deal_slot *sl = slot_free(G);
  if (tag != REMIT__TAG_CHUNK || D->msg_len < sizeof h || !sl || G->out < 1) {
    return REMIT_ERROR(T->ctx, REMIT_ERR_STATE, "rank %d sent an unexpected message (tag %d, "
                       "%zu bytes)", from, tag, D->msg_len);
  }
  memcpy(&h, D->msg, sizeof h);
  if (h.replicate < 0 || h.replicate >= G->reps) {
    return REMIT_ERROR(T->ctx, REMIT_ERR_STATE, "rank %d sent replicate %d", from,
                       (int)h.replicate);
  }
  slot_swap(sl, D);
  sl->len = D->msg_len;
  sl->g = G->first[h.replicate] + h.chunk;
  sl->from = from;
  G->out--;
  G->held++;
  return deal_answer(G, from);
}

/* Rank 0: writes chunk g (packed in sl) to the store. */
static remit_status deal_write(deal *G, remit__store *store, deal_slot *sl, int keep,
                               long *done) {
  trial *T = G->T;
  dist *D = G->D;
  const int r = rep_of(G->first, G->reps, sl->g);
  const int chunk = (int)(sl->g - G->first[r]);
  rep_cache *c;
  remit_status st = rep_get(T, G->workers, G->n_workers, G->cache, r, keep, &c);
  if (st != REMIT_OK) {
    return st;
  }
  const long from = (long)chunk * G->chunk_size;
  const int m = (int)(c->n - from < G->chunk_size ? c->n - from : G->chunk_size);
  const enrolled *e = c->e + from;
  T->sel = c->vc;
  T->n_sel = c->n_vc;
  /* Unpack from the slot's buffer (swapped in as D->msg for the call). */
  slot_swap(sl, D);
  D->msg_len = sl->len;
  st = unpack_chunk(T, D, r, chunk, e, m, G->cb, sl->from);
  slot_swap(sl, D);
  sl->g = -1;
  if (sl->from == 0) {
    G->own--;
  } else {
    G->held--;
  }
  if (st == REMIT_OK && remit__store_chunk_done(store, r, chunk)) {
    st = REMIT_ERROR(T->ctx, REMIT_ERR_STATE, "resume: chunk %d of replicate %d is in the "
                     "store, out of run order; resume this run in one process", chunk, r);
  }
  if (st == REMIT_OK) {
    st = remit__store_begin_chunk(store, r, chunk);
  }
  long screened_to = from == 0 ? 0 : e[-1].pid + 1;
  const long until = from + m == c->n ? c->n_screened : e[m - 1].pid + 1;
  for (int k = 0; st == REMIT_OK && k < m; k++) {
    st = write_screen_failures(T, store, r, screened_to, e[k].pid);
    screened_to = e[k].pid + 1;
    if (st == REMIT_OK) {
      st = write_patient(T, store, r, &e[k], &G->cb->out[k]);
    }
  }
  if (st == REMIT_OK) {
    st = write_screen_failures(T, store, r, screened_to, until);
  }
  if (st == REMIT_OK) {
    st = remit__store_end_chunk(store, r, chunk);
  }
  *done += m;
  return st;
}

/* Rank 0: checks that the chunks before the resume point are the ones in
 * the store (run order) and counts their patients as done. */
static remit_status deal_resumed(deal *G, remit__store *store, long *done) {
  for (int64_t g = 0; g < G->D->resume_from; g++) {
    const int r = rep_of(G->first, G->reps, g);
    const int chunk = (int)(g - G->first[r]);
    rep_cache *c;
    remit_status st = rep_get(G->T, G->workers, G->n_workers, G->cache, r, -1, &c);
    if (st != REMIT_OK) {
      return st;
    }
    int in = remit__store_chunk_done(store, r, chunk);
    if (in < 0) {
      return (remit_status)in;
    }
    if (!in) {
      return REMIT_ERROR(G->T->ctx, REMIT_ERR_STATE, "resume: chunk %d of replicate %d is "
                         "missing from the store, out of run order; resume this run in one "
                         "process", chunk, r);
    }
    const long from = (long)chunk * G->chunk_size;
    *done += c->n - from < G->chunk_size ? c->n - from : G->chunk_size;
  }
  return REMIT_OK;
}

/* Rank 0: the run's chunks written in order, simulated by whoever is free. */
static remit_status deal_root(deal *G, remit__store *store, const remit_trial_options *opt,
                              long *done, long total) {
  dist *D = G->D;
  trial *T = G->T;
  remit_status st = deal_resumed(G, store, done);
  int64_t g_write = D->resume_from;
  G->out = (int)(G->g_next - D->resume_from); /* the first chunks, dealt already */
  while (st == REMIT_OK && g_write < G->total) {
    /* What has arrived. */
    for (;;) {
      int from = -1, tag = 0;
      st = remit__comm_poll(D->comm, 0, &from, &tag, &D->msg, &D->msg_cap, &D->msg_len);
      if (st != REMIT_OK || from < 0) {
        break;
      }
      if ((st = deal_take(G, from, tag)) != REMIT_OK) {
        break;
      }
    }
    /* What is next in run order. */
    for (int k = 0; st == REMIT_OK && k < G->n_slot; k++) {
      deal_slot *sl = &G->slot[k];
      if (sl->g != g_write) {
        continue;
      }
      /* Keep the replicate rank 0 simulates next in the cache. */
      const int keep = G->g_next < G->total ? rep_of(G->first, G->reps, G->g_next) : -1;
      st = deal_write(G, store, sl, keep, done);
      if (st == REMIT_OK) {
        st = deal_pay(G, 0);
      }
      g_write++;
      if (st == REMIT_OK && opt && opt->progress && opt->progress(*done, total, opt->progress_user)) {
        st = REMIT_ERROR(T->ctx, REMIT_ERR_STATE, "interrupted after %ld patients; rerun with "
                         "--resume to continue", *done);
      }
      k = -1; /* the next one may be in an earlier slot */
    }
    if (st != REMIT_OK || g_write >= G->total) {
      break;
    }
    if (G->g_next < G->total && G->own < DEAL_OWN) {
      /* Nothing to write: simulate the first chunk nobody has (a slot is
       * free: the workers' chunks take at most DEAL_DEPTH each). */
      deal_slot *sl = slot_free(G);
      const int64_t g = G->g_next++;
      int rep = 0, chunk = 0, m = 0;
      st = deal_simulate(G, g, rep_of(G->first, G->reps, g_write), &rep, &chunk, &m);
      if (st == REMIT_OK) {
        st = pack_chunk(T, D, rep, chunk, G->cb, m);
      }
      if (st == REMIT_OK) {
        slot_swap(sl, D);
        sl->len = D->msg_len;
        sl->g = g;
        sl->from = 0;
        G->own++;
      }
    } else {
      /* Wait for a worker. */
      int from = -1, tag = 0;
      st = remit__comm_poll(D->comm, 1, &from, &tag, &D->msg, &D->msg_cap, &D->msg_len);
      if (st == REMIT_OK) {
        st = deal_take(G, from, tag);
      }
    }
  }
  /* Whatever happened, no worker waits for an answer owed: none is left. */
  remit_status pst = deal_pay(G, 1);
  return st != REMIT_OK ? st : pst;
}

/* Every rank (size > 1, not 3+3): the plan, then rank 0's or a worker's part. */
static remit_status deal_run(trial *T, remit__store *store, worker *workers, int n_workers,
                             int chunk_size, chunk_buf *cb, const remit_trial_options *opt,
                             long *done, long total, dist *D) {
  const int reps = T->sc->replicates;
  deal G = {T, D, workers, n_workers, chunk_size, reps, cb, NULL, 0, 0,
            {{-1, NULL, 0, 0, NULL, 0}, {-1, NULL, 0, 0, NULL, 0}}, NULL, 0, 0, 0, 0, NULL, 0};
  remit_status st = REMIT_OK;
  G.first = remit__calloc(T->ctx, (size_t)reps + 1, sizeof(*G.first));
  G.n_slot = DEAL_DEPTH * (D->size - 1) + DEAL_OWN;
  if (D->rank == 0) {
    G.slot = remit__calloc(T->ctx, (size_t)G.n_slot, sizeof(*G.slot));
    G.owed = remit__calloc(T->ctx, (size_t)G.n_slot, sizeof(*G.owed));
  }
  if (!G.first || (D->rank == 0 && (!G.slot || !G.owed))) {
    st = REMIT_ERR_NOMEM;
  }
  for (int k = 0; G.slot && k < G.n_slot; k++) {
    G.slot[k].g = -1;
  }
  for (int r = 0; st == REMIT_OK && D->rank == 0 && r < reps; r++) {
    rep_cache *c;
    st = rep_get(T, G.workers, G.n_workers, G.cache, r, -1, &c);
    if (st == REMIT_OK) {
      G.first[r + 1] = G.first[r] + (c->n + chunk_size - 1) / chunk_size;
    }
  }
  int failed = st != REMIT_OK;
  remit_status cst = remit__comm_agree(D->comm, &failed);
  if (cst == REMIT_OK && !failed) {
    cst = remit__comm_bcast(D->comm, G.first, sizeof(*G.first) * ((size_t)reps + 1));
  }
  if (st == REMIT_OK && (failed || cst != REMIT_OK)) {
    st = cst != REMIT_OK ? cst : REMIT_ERROR(T->ctx, REMIT_ERR_STATE, "rank 0 could not plan the run");
  }
  if (st == REMIT_OK) {
    G.total = G.first[reps];
    /* The first chunks to the workers; rank 0 keeps a share of a short run. */
    const int64_t left = G.total - D->resume_from;
    int64_t initial = (int64_t)DEAL_DEPTH * (D->size - 1);
    if (initial > left * (D->size - 1) / D->size) {
      initial = left * (D->size - 1) / D->size;
    }
    G.g_next = D->resume_from + (initial > 0 ? initial : 0);
    st = D->rank == 0 ? deal_root(&G, store, opt, done, total) : deal_worker(&G);
  }
  for (int k = 0; k < 2; k++) {
    remit__free(T->ctx, G.cache[k].e);
    remit__free(T->ctx, G.cache[k].vc);
  }
  for (int k = 0; G.slot && k < G.n_slot; k++) {
    remit__free(T->ctx, G.slot[k].buf);
  }
  remit__free(T->ctx, G.slot);
  remit__free(T->ctx, G.owed);
  remit__free(T->ctx, G.first);
  return st;
}

/* ------------------------------------------------------------------------ */
/* Summaries                                                                 */
/* ------------------------------------------------------------------------ */

typedef struct sum_buf {
  size_t cap;
  double *value, *time, *ws;
  int *event, *evaluable, *group;
  size_t *iws;
} sum_buf;

static remit_status sum_reserve(trial *T, sum_buf *b, size_t n) {
  if (n <= b->cap) {
    return REMIT_OK;
  }
  remit__free(T->ctx, b->value);
  remit__free(T->ctx, b->time);
  remit__free(T->ctx, b->ws);
  remit__free(T->ctx, b->event);
  remit__free(T->ctx, b->evaluable);
  remit__free(T->ctx, b->group);
  remit__free(T->ctx, b->iws);
  memset(b, 0, sizeof(*b));
  b->value = remit__calloc(T->ctx, n, sizeof(double));
  b->time = remit__calloc(T->ctx, n, sizeof(double));
  b->ws = remit__calloc(T->ctx, n, sizeof(double));
  b->event = remit__calloc(T->ctx, n, sizeof(int));
  b->evaluable = remit__calloc(T->ctx, n, sizeof(int));
  b->group = remit__calloc(T->ctx, n, sizeof(int));
  b->iws = remit__calloc(T->ctx, 2 * n + 2, sizeof(size_t));
  if (!b->value || !b->time || !b->ws || !b->event || !b->evaluable || !b->group || !b->iws) {
    return REMIT_ERR_NOMEM;
  }
  b->cap = n;
  return REMIT_OK;
}

/* Keeps the evaluable rows at the front; returns their count. */
static size_t compact(sum_buf *b, size_t n) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (b->evaluable[i]) {
      b->value[m] = b->value[i];
      b->time[m] = b->time[i];
      b->event[m] = b->event[i];
      m++;
    }
  }
  return m;
}

/* Events and exposure of the first m (evaluable) rows of a count endpoint:
 * value = events, time = days at risk. */
static void count_totals(const sum_buf *b, size_t from, size_t m, long *events, double *years) {
  double x = 0.0, days = 0.0;
  for (size_t i = from; i < from + m; i++) {
    x += b->value[i];
    days += b->time[i];
  }
  *events = (long)floor(x + 0.5);
  *years = days / REMIT__DAYS_PER_YEAR;
}

/* A count endpoint's arm summary: the total events with their exact Poisson
 * interval, the patient-years at risk ("events" and "patient_years" rows,
 * which let `remit validate` pool arms), and in *e the rate per
 * patient-year with its Garwood interval (NaN without exposure). */
static remit_status summarise_rate(trial *T, remit__store *store, int rep, const char *arm,
                                   const remit_endpoint *ep, const sum_buf *b, size_t m,
                                   remit_estimate *e) {
  long x;
  double py;
  count_totals(b, 0, m, &x, &py);
  remit_estimate ex;
  remit_status st = remit_rate_poisson(T->ctx, x, 1.0, 0.95, &ex);
  if (st == REMIT_OK) {
    st = remit__store_summary(store, rep, arm, ep->name, "events", ex.value, ex.lower, ex.upper,
                              (int64_t)m);
  }
  if (st == REMIT_OK) {
    st = remit__store_summary(store, rep, arm, ep->name, "patient_years", py, NAN, NAN, (int64_t)m);
  }
  if (st == REMIT_OK && py > 0.0) {
    st = remit_rate_poisson(T->ctx, x, py, 0.95, e);
  }
  return st;
}

/* Statistic names stored in the summaries table, per value kind. */
static remit_status summarise_arm(trial *T, remit__store *store, int rep, const char *arm,
                                  const remit_endpoint *ep, sum_buf *b, double *est_out) {
  size_t n = 0;
  remit_status st = remit__store_read_outcomes(store, rep, arm, ep->name, NULL, NULL, NULL, NULL, 0, &n);
  if (st == REMIT_OK) {
    st = sum_reserve(T, b, n + 1);
  }
  if (st == REMIT_OK) {
    st = remit__store_read_outcomes(store, rep, arm, ep->name, b->value, b->event, b->time,
                                    b->evaluable, b->cap, &n);
  }
  if (st != REMIT_OK) {
    return st;
  }
  size_t m = compact(b, n);
  remit_estimate e = {NAN, NAN, NAN, 0.95, 0};
  const char *stat = "";
  int kind = remit__endpoint_value_kind(ep->kind);
  remit_context *c = T->ctx;
  if (m == 0) {
    stat = kind == REMIT_VALUE_BINARY       ? "proportion"
           : kind == REMIT_VALUE_CONTINUOUS ? "mean"
           : kind == REMIT_VALUE_COUNT      ? "rate"
                                            : "km_median";
  } else if (kind == REMIT_VALUE_BINARY) {
    long x = 0;
    for (size_t i = 0; i < m; i++) {
      x += b->value[i] > 0.5;
    }
    st = remit_prop_wilson(c, x, (long)m, 0.95, &e);
    stat = "proportion";
  } else if (kind == REMIT_VALUE_COUNT) {
    st = summarise_rate(T, store, rep, arm, ep, b, m, &e);
    stat = "rate";
  } else if (kind == REMIT_VALUE_CONTINUOUS) {
    st = remit_mean_t(c, b->value, m, 0.95, &e);
    if (st == REMIT_OK) {
      st = remit__store_summary(store, rep, arm, ep->name, "mean", e.value, e.lower, e.upper,
                                (int64_t)m);
    }
    double cover;
    if (st == REMIT_OK) {
      st = remit_median_order(c, b->value, m, 0.95, b->ws, &e, &cover);
    }
    stat = "median";
  } else {
    st = remit_km_median(c, b->time, b->event, m, 0.95, REMIT_KM_CI_LOGLOG, b->iws, &e);
    stat = "km_median";
  }
  if (st != REMIT_OK) {
    return st;
  }
  *est_out = e.value;
  return remit__store_summary(store, rep, arm, ep->name, stat, e.value, e.lower, e.upper,
                              (int64_t)m);
}

/* Arm a versus the control arm c (binary: difference and odds ratio; time to
 * event: log-rank).  Returns the p-value-like success statistic in *signal:
 * the lower limit of the difference (binary, > 0 is success) or the
 * log-rank p-value (< 0.05 is success). */
static remit_status compare_arms(trial *T, remit__store *store, int rep, const char *a,
                                 const char *ctl, const remit_endpoint *ep, sum_buf *b,
                                 double *signal) {
  int kind = remit__endpoint_value_kind(ep->kind);
  *signal = NAN;
  if (kind == REMIT_VALUE_CONTINUOUS) {
    return REMIT_OK;
  }
  size_t na = 0, nc = 0;
  remit_status st = remit__store_read_outcomes(store, rep, a, ep->name, NULL, NULL, NULL, NULL, 0, &na);
  if (st == REMIT_OK) {
    st = remit__store_read_outcomes(store, rep, ctl, ep->name, NULL, NULL, NULL, NULL, 0, &nc);
  }
  if (st == REMIT_OK) {
    st = sum_reserve(T, b, na + nc + 1);
  }
  size_t got = 0;
  if (st == REMIT_OK) {
    st = remit__store_read_outcomes(store, rep, a, ep->name, b->value, b->event, b->time,
                                    b->evaluable, b->cap, &got);
  }
  size_t ma = compact(b, got);
  if (st == REMIT_OK) {
    st = remit__store_read_outcomes(store, rep, ctl, ep->name, b->value + ma, b->event + ma,
                                    b->time + ma, b->evaluable + ma, b->cap - ma, &got);
  }
  if (st != REMIT_OK) {
    return st;
  }
  /* compact the control part in place after the first ma rows */
  size_t mc = 0;
  for (size_t i = 0; i < got; i++) {
    if (b->evaluable[ma + i]) {
      b->value[ma + mc] = b->value[ma + i];
      b->time[ma + mc] = b->time[ma + i];
      b->event[ma + mc] = b->event[ma + i];
      mc++;
    }
  }
  if (ma == 0 || mc == 0) {
    return REMIT_OK;
  }
  char label[256];
  snprintf(label, sizeof label, "%.120s vs %.120s", a, ctl);
  remit_context *c = T->ctx;
  if (kind == REMIT_VALUE_BINARY) {
    long xa = 0, xc = 0;
    for (size_t i = 0; i < ma; i++) {
      xa += b->value[i] > 0.5;
    }
    for (size_t i = 0; i < mc; i++) {
      xc += b->value[ma + i] > 0.5;
    }
    remit_estimate d, orr;
    if ((st = remit_prop_diff_newcombe(c, xa, (long)ma, xc, (long)mc, 0.95, &d)) != REMIT_OK ||
        (st = remit__store_summary(store, rep, label, ep->name, "difference", d.value, d.lower,
                                   d.upper, (int64_t)(ma + mc))) != REMIT_OK ||
        (st = remit_odds_ratio_woolf(c, xa, (long)ma, xc, (long)mc, 0.95, &orr)) != REMIT_OK ||
        (st = remit__store_summary(store, rep, label, ep->name, "odds_ratio", orr.value, orr.lower,
                                   orr.upper, (int64_t)(ma + mc))) != REMIT_OK) {
      return st;
    }
    *signal = d.lower;
    return REMIT_OK;
  }
  if (kind == REMIT_VALUE_COUNT) {
    long xa, xc;
    double ta, tc, p = NAN;
    count_totals(b, 0, ma, &xa, &ta);
    count_totals(b, ma, mc, &xc, &tc);
    if (!(ta > 0.0 && tc > 0.0)) {
      return REMIT_OK;
    }
    remit_estimate rr;
    if ((st = remit_rate_ratio_exact(c, xa, ta, xc, tc, 0.95, &rr, &p)) != REMIT_OK) {
      return st;
    }
    *signal = p;
    return remit__store_summary(store, rep, label, ep->name, "rate_ratio", rr.value, rr.lower,
                                rr.upper, (int64_t)(ma + mc));
  }
  for (size_t i = 0; i < ma + mc; i++) {
    b->group[i] = i < ma ? 0 : 1;
  }
  remit_logrank lr;
  if ((st = remit_logrank_test(c, b->time, b->event, b->group, ma + mc, b->iws, &lr)) != REMIT_OK) {
    return st;
  }
  *signal = lr.p_value;
  return remit__store_summary(store, rep, label, ep->name, "logrank_p", lr.p_value, NAN, NAN,
                              (int64_t)(ma + mc));
}

/* Arm names present in the store: arm names, or name@level for escalation. */
static int arm_labels(const trial *T, char labels[][128], int max) {
  const remit_scenario *sc = T->sc;
  int n = 0;
  for (int a = 0; a < sc->n_arms && n < max; a++) {
    const remit_arm *arm = &sc->arms[a];
    int esc = sc->design.kind == REMIT_DESIGN_ESCALATION_3P3 ||
              sc->design.kind == REMIT_DESIGN_ESCALATION_COHORTS;
    if (esc && a == 0 && arm->n_dose_levels > 0) {
      for (int l = 0; l < arm->n_dose_levels && n < max; l++) {
        snprintf(labels[n++], 128, "%s@%g", arm->name, arm->dose_levels[l]);
      }
    } else {
      snprintf(labels[n++], 128, "%s", arm->name);
    }
  }
  return n;
}

static remit_status summarise(trial *T, remit__store *store) {
  const remit_scenario *sc = T->sc;
  char labels[64][128];
  int nl = arm_labels(T, labels, 64);
  int ctl = -1; /* the control: the first placebo arm, else none */
  for (int a = 0; a < sc->n_arms && ctl < 0; a++) {
    if (sc->arms[a].placebo) {
      ctl = a;
    }
  }
  int R = sc->replicates;
  sum_buf b = {0};
  double *per_rep = remit__calloc(T->ctx, (size_t)R * (size_t)(nl + 1), sizeof(double));
  double *signal = remit__calloc(T->ctx, (size_t)R * (size_t)(nl + 1), sizeof(double));
  double *ws = remit__calloc(T->ctx, (size_t)R + 1, sizeof(double));
  remit_status st = per_rep && signal && ws ? REMIT_OK : REMIT_ERR_NOMEM;
  for (int k = 0; st == REMIT_OK && k < sc->n_endpoints; k++) {
    const remit_endpoint *ep = &sc->endpoints[k];
    for (int r = 0; st == REMIT_OK && r < R; r++) {
      for (int a = 0; st == REMIT_OK && a < nl; a++) {
        st = summarise_arm(T, store, r, labels[a], ep, &b, &per_rep[(size_t)a * R + r]);
        signal[(size_t)a * R + r] = NAN;
        if (st == REMIT_OK && ctl >= 0 && a != ctl && nl == sc->n_arms) {
          st = compare_arms(T, store, r, labels[a], labels[ctl], ep, &b, &signal[(size_t)a * R + r]);
        }
      }
    }
    /* Across replicates: the distribution of each arm's estimate, and for
     * comparisons the probability of success (power). */
    for (int a = 0; st == REMIT_OK && a < nl; a++) {
      size_t m = 0;
      for (int r = 0; r < R; r++) {
        double v = per_rep[(size_t)a * R + r];
        if (isfinite(v)) {
          ws[m++] = v;
        }
      }
      if (m > 0) {
        remit_sample_summary s;
        st = remit_sample_summarize(T->ctx, ws, m, 0.95, ws, &s); /* sorts ws in place */
        if (st == REMIT_OK) {
          st = remit__store_summary(store, -1, labels[a], ep->name, "replicate_median", s.median,
                                    s.lower, s.upper, (int64_t)m);
        }
      }
      if (st == REMIT_OK && ctl >= 0 && a != ctl && nl == sc->n_arms) {
        m = 0;
        for (int r = 0; r < R; r++) {
          double v = signal[(size_t)a * R + r];
          if (isfinite(v)) {
            ws[m++] = v;
          }
        }
        if (m > 0) {
          int kind = remit__endpoint_value_kind(ep->kind);
          remit_estimate pw;
          st = kind == REMIT_VALUE_BINARY
                   ? remit_success_estimate(T->ctx, ws, m, REMIT_CMP_GT, 0.0, 0.95, &pw)
                   : remit_success_estimate(T->ctx, ws, m, REMIT_CMP_LT, 0.05, 0.95, &pw);
          char label[300];
          snprintf(label, sizeof label, "%.127s vs %.127s", labels[a], labels[ctl]);
          if (st == REMIT_OK) {
            st = remit__store_summary(store, -1, label, ep->name, "power", pw.value, pw.lower,
                                      pw.upper, (int64_t)m);
          }
        }
      }
    }
  }
  remit__free(T->ctx, b.value);
  remit__free(T->ctx, b.time);
  remit__free(T->ctx, b.ws);
  remit__free(T->ctx, b.event);
  remit__free(T->ctx, b.evaluable);
  remit__free(T->ctx, b.group);
  remit__free(T->ctx, b.iws);
  remit__free(T->ctx, per_rep);
  remit__free(T->ctx, signal);
  remit__free(T->ctx, ws);
  return st;
}

/* ------------------------------------------------------------------------ */
/* The run                                                                   */
/* ------------------------------------------------------------------------ */

/* One replicate in this process alone (one rank, or 3+3 on rank 0). */
static remit_status run_replicate(trial *T, remit__store *store, worker *workers, int n_workers,
                                  int rep, int chunk_size, chunk_buf *cb,
                                  const remit_trial_options *opt, long *done, long total) {
  const remit_scenario *sc = T->sc;
  enrolled *e = NULL;
  long n = 0, n_screened = 0;
  remit_status st = enrol(T, workers, n_workers, rep, &e, &n, &n_screened);
  if (st != REMIT_OK) {
    return st;
  }
  T->sel = T->vc;
  T->n_sel = T->n_vc;
  if (sc->design.kind == REMIT_DESIGN_ESCALATION_3P3) {
    /* 3+3: cohorts of three at a level; 0/3 DLT escalate, 1/3 add three
     * (escalate if 1/6), otherwise stop.  Each cohort is one chunk. */
    int levels = sc->arms[0].n_dose_levels > 0 ? sc->arms[0].n_dose_levels : 1;
    int level = 0, chunk = 0, dlt_level = 0, at_level = 0;
    long next = 0;
    long screened_to = 0;
    while (st == REMIT_OK && level < levels && next + 3 <= n) {
      for (int k = 0; k < 3; k++) {
        e[next + k].level = level;
      }
      simulate_block(T, workers, n_workers, rep, &e[next], 3, cb);
      int dlt = 0;
      for (int k = 0; k < 3; k++) {
        dlt += has_dlt(T, &cb->out[k]);
      }
      if (!remit__store_chunk_done(store, rep, chunk)) {
        st = remit__store_begin_chunk(store, rep, chunk);
        for (int k = 0; st == REMIT_OK && k < 3; k++) {
          st = write_screen_failures(T, store, rep, screened_to, e[next + k].pid);
          screened_to = e[next + k].pid + 1;
          if (st == REMIT_OK) {
            st = write_patient(T, store, rep, &e[next + k], &cb->out[k]);
          }
        }
        if (st == REMIT_OK) {
          st = remit__store_end_chunk(store, rep, chunk);
        }
      } else {
        screened_to = e[next + 2].pid + 1;
      }
      next += 3;
      chunk++;
      at_level += 3;
      dlt_level += dlt;
      *done += 3;
      if (st == REMIT_OK && opt && opt->progress && opt->progress(*done, total, opt->progress_user)) {
        st = REMIT_ERROR(T->ctx, REMIT_ERR_STATE, "interrupted after %ld patients; rerun with --resume to continue", *done);
      }
      if (at_level == 3 && dlt_level == 1) {
        continue; /* expand the cohort at this level */
      }
      if (dlt_level >= 2) {
        break; /* MTD exceeded: stop */
      }
      level++;
      at_level = 0;
      dlt_level = 0;
    }
  } else {
    long screened_to = 0;
    for (long from = 0, chunk = 0; st == REMIT_OK && from < n; from += chunk_size, chunk++) {
      int m = (int)(n - from < chunk_size ? n - from : chunk_size);
      long last_pid = e[from + m - 1].pid;
      long until = from + m == n ? n_screened : last_pid + 1;
      int in_store = remit__store_chunk_done(store, rep, (int)chunk);
      if (in_store < 0) {
        st = (remit_status)in_store;
        break;
      }
      if (in_store) {
        screened_to = until;
        *done += m;
        continue;
      }
      simulate_block(T, workers, n_workers, rep, &e[from], m, cb);
      st = remit__store_begin_chunk(store, rep, (int)chunk);
      for (int k = 0; st == REMIT_OK && k < m; k++) {
        st = write_screen_failures(T, store, rep, screened_to, e[from + k].pid);
        screened_to = e[from + k].pid + 1;
        if (st == REMIT_OK) {
          st = write_patient(T, store, rep, &e[from + k], &cb->out[k]);
        }
      }
      if (st == REMIT_OK) {
        st = write_screen_failures(T, store, rep, screened_to, until);
        screened_to = until;
      }
      if (st == REMIT_OK) {
        st = remit__store_end_chunk(store, rep, (int)chunk);
      }
      *done += m;
      if (st == REMIT_OK && opt && opt->progress && opt->progress(*done, total, opt->progress_user)) {
        st = REMIT_ERROR(T->ctx, REMIT_ERR_STATE, "interrupted after %ld patients; rerun with --resume to continue", *done);
      }
    }
  }
  remit__free(T->ctx, e);
  return st;
}

/* Rank 0: opens the store for the run.  With opt->reuse a complete store
 * of this very run is kept (*reused 1, *store NULL) and an interrupted one
 * continued.  The parameter table
 * stored is the one used: typical values after the scenario's parameter set
 * and overrides (the values the population draws around). */
static remit_status open_store(trial *T, const remit_trial_options *opt, remit__store **store,
                               int *reused) {
  remit_context *ctx = T->ctx;
  const remit_scenario *sc = T->sc;
  remit_param_info *table = remit__calloc(ctx, (size_t)T->spec->n_params, sizeof(*table));
  if (!table) {
    return REMIT_ERR_NOMEM;
  }
  memcpy(table, T->spec->params, sizeof(*table) * (size_t)T->spec->n_params);
  const double *typ = remit__population_typical(T->pop);
  for (int k = 0; k < T->spec->n_params; k++) {
    table[k].value = typ[k];
  }
  const char *vp_names[REMIT_VPOP_MAX_TARGETS];
  for (int k = 0; k < sc->vpop.n_targets; k++) {
    vp_names[k] = sc->vpop.targets[k].readout;
  }
  char design[96];
  snprintf(design, sizeof design, "replicates %d, n_enrol %ld, n_screen %ld", sc->replicates,
           (long)sc->design.n_enrol, (long)sc->design.n_screen);
  remit__run_info info = {sc->text ? sc->text : "", sc->path, sc->seed, T->spec->name, NULL,
                          NULL, table, T->spec->n_params, sc->vpop.n_targets, vp_names, design};
  remit__found_run found = REMIT__RUN_NONE;
  remit_status st = opt->reuse ? remit__store_find_run(ctx, opt->output, &info, &found) : REMIT_OK;
  *reused = found == REMIT__RUN_COMPLETE;
  if (st == REMIT_OK && !*reused) {
    /* With reuse, an interrupted store of this run is continued and
     * anything else at the path is replaced. */
    int resume = opt->reuse ? found == REMIT__RUN_PARTIAL : opt->resume;
    st = remit__store_open(ctx, opt->output, &info, resume, opt->overwrite || opt->reuse, store);
  }
  remit__free(ctx, table);
  return st;
}

remit_status remit_trial_run(remit_context *ctx, const remit_scenario *sc,
                             const remit_trial_options *opt) {
  if (!ctx || !sc || !opt || !opt->output) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_trial_run: scenario and output path needed");
  }
  trial T = {0};
  T.ctx = ctx;
  T.sc = sc;
  worker *workers = NULL;
  int n_workers = opt->threads > 0 ? opt->threads : 1;
#ifdef _OPENMP
  if (opt->threads <= 0) {
    n_workers = omp_get_max_threads();
  }
#else
  n_workers = 1;
#endif
  int chunk_size = opt->chunk_size > 0 ? opt->chunk_size : DEFAULT_CHUNK;
  remit__store *store = NULL;
  chunk_buf cb = {0};
  dist D = {0};
  remit_status st = remit__comm_open(ctx, opt->mpi_comm, &D.comm);
  if (st != REMIT_OK) {
    return st;
  }
  D.rank = remit__comm_rank(D.comm);
  D.size = remit__comm_size(D.comm);
  st = setup(&T);
  if (st == REMIT_OK) {
    workers = remit__calloc(ctx, (size_t)n_workers, sizeof(*workers));
    st = workers ? REMIT_OK : REMIT_ERR_NOMEM;
  }
  for (int k = 0; st == REMIT_OK && k < n_workers; k++) {
    st = worker_init(&T, &workers[k]);
    if (st != REMIT_OK) {
      st = REMIT_ERROR(ctx, st, "could not set up worker %d: %s", k,
                       workers[k].ctx ? remit_context_errmsg(workers[k].ctx) : "out of memory");
    }
  }
  if (st == REMIT_OK) {
    st = chunk_alloc(&T, &cb, chunk_size > 6 ? chunk_size : 6);
  }
  /* The virtual population's pilot comes before the store is opened, so a
   * selection that cannot work leaves no run file behind. */
  if (st == REMIT_OK && sc->vpop.method != REMIT_VPOP_NONE) {
    st = vpop_pilot(&T, workers, n_workers);
  }
  int reused = 0; /* opt->reuse: rank 0 kept a finished store of this run */
  if (st == REMIT_OK && D.rank == 0) { /* rank 0 alone owns the store */
    st = open_store(&T, opt, &store, &reused);
  }
  if (st == REMIT_OK && D.rank == 0 && T.vp && !reused) {
    st = vpop_meta(&T, store);
  }
  if (st == REMIT_OK && D.rank == 0 && D.size > 1) {
    D.ended = remit__calloc(ctx, (size_t)D.size, sizeof(int));
    st = D.ended ? REMIT_OK : REMIT_ERR_NOMEM;
  }
  if (D.size > 1) {
    /* Every rank set up, or none goes on; then whether the store was kept,
     * and where a resumed run starts. */
    int failed = st != REMIT_OK;
    remit_status cst = remit__comm_agree(D.comm, &failed);
    if (cst == REMIT_OK && failed && st == REMIT_OK) {
      cst = REMIT_ERROR(ctx, REMIT_ERR_STATE, "another rank could not set up the trial");
    }
    if (cst == REMIT_OK && !failed) {
      cst = remit__comm_bcast(D.comm, &reused, sizeof reused);
    }
    if (cst == REMIT_OK && !failed && !reused) {
      D.resume_from = D.rank == 0 ? remit__store_chunks_done(store) : 0;
      cst = remit__comm_bcast(D.comm, &D.resume_from, sizeof D.resume_from);
    }
    if (st == REMIT_OK) {
      st = cst;
    }
  }
  if (opt->reused) {
    *opt->reused = reused;
  }
  if (reused) {
    goto cleanup;
  }
  long total = 0, done = 0;
  {
    const remit_design *d = &sc->design;
    long per = d->n_enrol > 0 ? d->n_enrol : d->n_screen;
    total = per * (long)sc->replicates;
  }
  if (st == REMIT_OK && D.size > 1 && sc->design.kind != REMIT_DESIGN_ESCALATION_3P3) {
    st = deal_run(&T, store, workers, n_workers, chunk_size, &cb, opt, &done, total, &D);
  } else if (D.rank == 0) { /* 3+3 decides each cohort from the one before: rank 0 alone */
    for (int r = 0; st == REMIT_OK && r < sc->replicates; r++) {
      st = run_replicate(&T, store, workers, n_workers, r, chunk_size, &cb, opt, &done, total);
    }
  }
  st = dist_end(&T, &D, st);
  if (st == REMIT_OK && D.rank == 0) {
    st = summarise(&T, store);
  }
  if (st == REMIT_OK && D.rank == 0 && T.vp) {
    st = vpop_meta_counts(store);
  }
  if (st == REMIT_OK && D.rank == 0) {
    st = remit__store_finish(&store);
  } else {
    remit__store_close(&store); /* the partial file stays, marked running */
  }
  /* After rank 0 has finished the store: every rank returns its status. */
  st = remit__comm_finish(D.comm, st);
cleanup:
  remit__comm_close(&D.comm);
  remit__free(ctx, D.msg);
  remit__free(ctx, D.ended);
  chunk_free(&T, &cb);
  for (int k = 0; workers && k < n_workers; k++) {
    worker_close(&workers[k]);
  }
  remit__free(ctx, workers);
  teardown(&T);
  return st;
}
