/* SPDX-License-Identifier: MIT
 *
 * pathway_output.c: the pathway result as SQLite tables, a PSA CSV, a
 * human summary and a CHEERS 2022 table.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/core_impl.h"
#include "pathway_result.h"
#include "remit/remit_context.h"

#define DAYS_PER_YEAR 365.25

static const char *const kind_names[] = {"soc", "biologic", "cart", "msc"};

/* ------------------------------------------------------------------------ */
/* Pathway statistics                                                        */
/* ------------------------------------------------------------------------ */

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Quantile q of a sorted array (type 7, linear). */
static double quant(const double *v, long n, double q) {
  if (n <= 0) {
    return NAN;
  }
  double h = (n - 1) * q;
  long i = (long)floor(h);
  return i + 1 < n ? v[i] + (h - i) * (v[i + 1] - v[i]) : v[n - 1];
}

typedef struct pw_stats {
  long referred, eligible, treated, dropped[PW_N_REASONS];
  long n_wait, n_v2v;
  double wait_q[3], v2v_q[3], wait_mean, v2v_mean; /* days: 10 %, 50 %, 90 % */
  double treated_per_year;
} pw_stats;

static remit_status pathway_stats(remit_context *ctx, const remit_pathway_result *R, pw_stats *S) {
  memset(S, 0, sizeof(*S));
  long n = R->n_patients;
  double *w = remit__calloc(ctx, (size_t)n + 1, sizeof(double));
  double *v = remit__calloc(ctx, (size_t)n + 1, sizeof(double));
  if (!w || !v) {
    remit__free(ctx, w);
    remit__free(ctx, v);
    return REMIT_ERR_NOMEM;
  }
  for (long i = 0; i < n; i++) {
    const pw_patient *p = &R->patients[i];
    S->referred++;
    S->eligible += !isnan(p->t_eligible);
    if (p->status == PW_TREATED) {
      S->treated++;
      w[S->n_wait++] = p->t_infuse - p->t_arrive;
      if (!isnan(p->t_aph)) {
        v[S->n_v2v++] = p->t_infuse - p->t_aph;
      }
    } else {
      S->dropped[p->reason]++;
    }
  }
  qsort(w, (size_t)S->n_wait, sizeof(double), cmp_d);
  qsort(v, (size_t)S->n_v2v, sizeof(double), cmp_d);
  const double qs[3] = {0.1, 0.5, 0.9};
  for (int k = 0; k < 3; k++) {
    S->wait_q[k] = quant(w, S->n_wait, qs[k]);
    S->v2v_q[k] = quant(v, S->n_v2v, qs[k]);
  }
  double sw = 0, sv = 0;
  for (long i = 0; i < S->n_wait; i++) {
    sw += w[i];
  }
  for (long i = 0; i < S->n_v2v; i++) {
    sv += v[i];
  }
  S->wait_mean = S->n_wait ? sw / S->n_wait : NAN;
  S->v2v_mean = S->n_v2v ? sv / S->n_v2v : NAN;
  S->treated_per_year = S->treated / (R->sc->horizon_years * R->sc->replicates);
  remit__free(ctx, w);
  remit__free(ctx, v);
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* CHEERS 2022                                                               */
/* ------------------------------------------------------------------------ */

typedef struct cheers_row {
  int item;
  const char *topic;
  char text[900];
} cheers_row;

#define N_CHEERS 28

static void cheers_rows(const remit_pathway_result *R, cheers_row *rows) {
  const remit_pathway_scenario *sc = R->sc;
  char strat[400] = "";
  for (int s = 0; s < sc->n_strategies; s++) {
    size_t l = strlen(strat);
    snprintf(strat + l, sizeof strat - l, "%s%s (%s, arm %s)", s ? "; " : "",
             sc->strategies[s].name, kind_names[sc->strategies[s].kind], sc->strategies[s].arm);
  }
  static const char *const topics[N_CHEERS] = {
      "Title", "Abstract", "Background and objectives", "Health economic analysis plan",
      "Study population", "Setting and location", "Comparators", "Perspective", "Time horizon",
      "Discount rate", "Selection of outcomes", "Measurement of outcomes", "Valuation of outcomes",
      "Measurement and valuation of resources and costs", "Currency, price date, and conversion",
      "Rationale and description of model", "Analytics and assumptions",
      "Characterising heterogeneity", "Characterising distributional effects",
      "Characterising uncertainty", "Approach to engagement with patients and others affected",
      "Study parameters", "Summary of main results", "Effect of uncertainty",
      "Effect of engagement", "Study findings, limitations, generalisability and current knowledge",
      "Source of funding", "Conflicts of interest"};
  for (int i = 0; i < N_CHEERS; i++) {
    rows[i].item = i + 1;
    rows[i].topic = topics[i];
    rows[i].text[0] = '\0';
  }
#define T(i, ...) snprintf(rows[(i) - 1].text, sizeof rows[0].text, __VA_ARGS__)
  T(1, "remit pathway run '%s': care pathway and cost-effectiveness of cell therapy for "
       "refractory SLE (simulated; not a published evaluation)", sc->name);
  T(2, "see the summary printed by remit pathway and the tables cea_strategies, cea_icers");
  T(3, "capacity, waiting and cost-effectiveness of %s in refractory SLE, against the other "
       "strategies listed under Comparators", sc->therapy == PW_THERAPY_MSC ? "MSC" : "CAR-T");
  T(4, "no separate analysis plan: the scenario file (stored in table run, key scenario_text) is "
       "the plan");
  T(5, "representative patients: %d eligible patients drawn from the population of %s; pathway: "
       "refractory fraction %.3g of prevalent (%.3g/100k) and incident (%.3g/100k/yr) SLE in a "
       "population of %.4g, referral fraction %.3g",
    sc->n_model_patients, sc->model_path, sc->refractory, sc->prevalence * 1e5,
    sc->incidence * 1e5, sc->pop_size, sc->referral);
  T(6, "France by default (economics.md sections 1, 2, 4); %d centre(s); manufacturing %s",
    sc->n_centres, sc->manuf_central ? "central" : "point of care");
  T(7, "%s", strat);
  T(8, "health-care payer (direct medical costs only)");
  T(9, "%.4g years, truncated at age %.4g (lifetime when large)", sc->cea_horizon_years,
    sc->max_age);
  T(10, "costs %.4g %%/yr, effects %.4g %%/yr, 1/(1+r)^t continuously within states "
        "(French HAS default 2.5 %% [from memory, unverified in economics.md 3.6])",
    100 * sc->dr_cost, 100 * sc->dr_effect);
  T(11, "QALYs and life-years; pathway: waiting time, vein-to-vein time, dropouts, resource "
        "utilisation");
  T(12, "disease activity from the SLE model (SLEDAI-2K monthly for 12 months, remission = "
        "SLEDAI-2K <= %.3g), then a semi-Markov course; CRS/ICANS grades from the model",
    sc->remission_sledai);
  T(13, "utilities by state from TTO values (Pollard 2015) and assumptions; see table "
        "econ_params");
  T(14, "per-state annual costs (Erlangen before/after CAR-T, SNDS), product prices, hospital "
        "components (several are assumptions: economics.md gaps); see table econ_params");
  T(15, "euros; price years 2019-2025 as published, not inflated; USD MSC price taken at par "
        "(assumption)");
  T(16, "discrete-event simulation of the pathway (ISPOR-SMDM TF-4: constrained resources) "
        "coupled to a mechanistic ODE model of SLE and a continuous-time individual "
        "state-transition model (TF-3)");
  T(17, "%ld patients x %ld PSA samples; common random numbers across strategies; "
        "representative patients reused by sampling; waits sampled from the pathway's eligible "
        "patients (dropouts and those still waiting at the horizon stay on standard care)",
    R->cea_patients, R->n_psa);
  T(18, "between patients: covariates, model parameters (IIV) and outcomes vary; no subgroup "
        "results reported");
  T(19, "not characterised");
  if (R->n_draws > 0) {
    T(20, "PSA over the economic parameter table (beta, gamma, lognormal) and the SLE model's "
          "parameters (%d draws of the typical values, log-normal CV %.3g [assumption]; PSA "
          "sample j uses draw 1 + (j-1) mod %d); CEAC, CEAF, EVPI; one-way sensitivity "
          "(tornado) at 2.5/97.5 %% quantiles with the nominal SLE model",
      R->n_draws, sc->model_unc_cv, R->n_draws);
  } else {
    T(20, "PSA over the economic parameter table (beta, gamma, lognormal); CEAC, CEAF, EVPI; "
          "one-way sensitivity (tornado) at 2.5/97.5 %% quantiles; the SLE model's outputs are "
          "held fixed across PSA samples (patients.uncertainty.draws: 0)");
  }
  T(21, "none");
  T(22, "table econ_params: every value with its distribution and source");
  T(23, "tables cea_strategies and cea_icers");
  T(24, "tables cea_ceac, cea_evpi, cea_tornado, cea_psa");
  T(25, "none");
  T(26, "synthetic evaluation: several inputs are assumptions recorded as gaps; use for "
        "exploring structure and capacity, not for decisions");
  T(27, "not applicable (software output)");
  T(28, "none declared");
#undef T
}

remit_status remit_pathway_print_cheers(remit_context *ctx, const remit_pathway_result *res,
                                        FILE *out) {
  if (!ctx || !res || !out) {
    return ctx ? REMIT_ERROR(ctx, REMIT_ERR_ARG, "print_cheers: NULL argument") : REMIT_ERR_ARG;
  }
  cheers_row rows[N_CHEERS];
  cheers_rows(res, rows);
  fprintf(out, "CHEERS 2022 (Husereau et al., BMJ 2022;376:e067975)\n");
  for (int i = 0; i < N_CHEERS; i++) {
    fprintf(out, "%2d %-48s %s\n", rows[i].item, rows[i].topic, rows[i].text);
  }
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Summary                                                                   */
/* ------------------------------------------------------------------------ */

remit_status remit_pathway_print_summary(remit_context *ctx, const remit_pathway_result *R,
                                         FILE *out) {
  if (!ctx || !R || !out) {
    return ctx ? REMIT_ERROR(ctx, REMIT_ERR_ARG, "print_summary: NULL argument") : REMIT_ERR_ARG;
  }
  const remit_pathway_scenario *sc = R->sc;
  fprintf(out, "%s\n\n", sc->name);
  fprintf(out, "representative patients: %d per strategy (%.2f s)\n", R->n_reps, R->t_patients_s);
  for (int s = 0; s < sc->n_strategies; s++) {
    fprintf(out, "  %-16s SLEDAI-2K <= %g at 12 months: %5.1f %%   CRS/ICANS >= %d: %5.1f %%\n",
            sc->strategies[s].name, sc->remission_sledai, 100 * R->rep_remission12[s],
            sc->icu_grade, 100 * R->rep_icu[s]);
  }
  if (R->n_draws > 0) {
    fprintf(out, "  model-parameter uncertainty: %d draws (CV %.3g), remission at 12 months "
                 "across draws (min-max):\n",
            R->n_draws, sc->model_unc_cv);
    for (int s = 0; s < sc->n_strategies; s++) {
      double lo = 1.0, hi = 0.0;
      for (int d = 1; d <= R->n_draws; d++) {
        double v = R->rep_remission12[(size_t)d * sc->n_strategies + s];
        lo = fmin(lo, v);
        hi = fmax(hi, v);
      }
      fprintf(out, "  %-16s %5.1f-%5.1f %%\n", sc->strategies[s].name, 100 * lo, 100 * hi);
    }
  }
  if (sc->has_pathway) {
    pw_stats S;
    remit_status st = pathway_stats(ctx, R, &S);
    if (st != REMIT_OK) {
      return st;
    }
    fprintf(out, "\npathway (%s, %d centre(s), %s manufacturing, %.3g years x %d replicate(s); "
                 "%ld events, %.3f s)\n",
            sc->therapy == PW_THERAPY_MSC ? "MSC" : "CAR-T", sc->n_centres,
            sc->manuf_central ? "central" : "point-of-care", sc->horizon_years, sc->replicates,
            R->des_events, R->t_des_s);
    fprintf(out, "  referred %ld, eligible %ld, treated %ld (%.1f per year)\n", S.referred,
            S.eligible, S.treated, S.treated_per_year);
    fprintf(out, "  referral to infusion, days: median %.0f (10-90 %%: %.0f-%.0f), mean %.0f\n",
            S.wait_q[1], S.wait_q[0], S.wait_q[2], S.wait_mean);
    if (sc->therapy == PW_THERAPY_CART) {
      fprintf(out, "  vein to vein, days: median %.1f (10-90 %%: %.1f-%.1f), mean %.1f\n",
              S.v2v_q[1], S.v2v_q[0], S.v2v_q[2], S.v2v_mean);
    }
    fprintf(out, "  left before infusion:");
    for (int k = 1; k < PW_N_REASONS; k++) {
      if (S.dropped[k]) {
        fprintf(out, " %s %ld;", remit__pw_reason_names[k], S.dropped[k]);
      }
    }
    fprintf(out, "\n  utilisation:");
    int first = 1;
    for (int k = 0; k < R->n_res; k++) {
      if (R->res[k].granted > 0) {
        fprintf(out, "%s %s %.0f %% (queue %.1f)", first ? "" : ",", R->res[k].name,
                100 * R->res[k].utilisation, R->res[k].mean_queue);
        first = 0;
      }
    }
    fprintf(out, "\n");
  }
  if (sc->has_cea) {
    fprintf(out, "\ncost-effectiveness: %ld patients, %ld PSA samples (%.2f s), horizon %.3g y, "
                 "discount %.3g %% / %.3g %%\n",
            R->cea_patients, R->n_psa, R->t_psa_s, sc->cea_horizon_years, 100 * sc->dr_cost,
            100 * sc->dr_effect);
    const int analyses = R->n_psa > 0 ? 2 : 1;
    for (int an = 0; an < analyses; an++) {
      const remit_cea_row *rows = an ? R->icer_psa : R->icer_base;
      fprintf(out, "  %s\n  %-16s %12s %8s %12s %8s %12s  %s\n",
              an ? "probabilistic (PSA means)" : "deterministic (base values)", "strategy",
              "cost EUR", "QALY", "inc cost", "inc QALY", "ICER", "status");
      for (int i = 0; i < R->n_strat; i++) {
        const remit_cea_row *r = &rows[i];
        fprintf(out, "  %-16s %12.0f %8.3f %12.0f %8.3f %12.0f  %s", sc->strategies[r->strategy].name,
                r->cost, r->effect, r->inc_cost, r->inc_effect, r->icer,
                remit_cea_dominance_name(r->status));
        if (r->compared_to >= 0) {
          fprintf(out, " vs %s", sc->strategies[r->compared_to].name);
        }
        if (r->dominated_by >= 0) {
          fprintf(out, " by %s", sc->strategies[r->dominated_by].name);
        }
        fprintf(out, "\n");
      }
    }
    if (R->n_psa > 0) {
      fprintf(out, "  acceptability (share of samples with the highest NMB) and EVPI per patient:\n");
      fprintf(out, "  %10s", "WTP");
      for (int s = 0; s < R->n_strat; s++) {
        fprintf(out, " %12.12s", sc->strategies[s].name);
      }
      fprintf(out, " %10s  best\n", "EVPI");
      for (int w = 0; w < sc->n_wtp; w += (sc->n_wtp > 10 ? sc->n_wtp / 10 : 1)) {
        fprintf(out, "  %10.0f", sc->wtp[w]);
        for (int s = 0; s < R->n_strat; s++) {
          fprintf(out, " %12.3f", R->ceac[(size_t)w * R->n_strat + s]);
        }
        fprintf(out, " %10.0f  %s\n", R->evpi[w], sc->strategies[R->frontier[w]].name);
      }
    }
    if (R->n_tornado > 0) {
      fprintf(out, "  tornado: incremental NMB of %s vs %s at %.0f EUR/QALY (base %.0f)\n",
              sc->strategies[sc->tornado_strategy].name, sc->strategies[sc->tornado_comparator].name,
              sc->tornado_wtp, R->tornado_base_inmb);
      int shown = R->n_tornado < 10 ? R->n_tornado : 10;
      for (int i = 0; i < shown; i++) {
        const pw_tornado *t = &R->tornado[i];
        int n;
        const remit_econ_param *tab = remit_econ_params(&n);
        fprintf(out, "  %-24s %12.4g .. %-12.4g  INMB %12.0f .. %-12.0f\n", tab[t->param].name,
                t->low, t->high, t->inmb_low, t->inmb_high);
      }
    }
  }
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* SQLite and CSV                                                            */
/* ------------------------------------------------------------------------ */

typedef struct wr {
  remit_context *ctx;
  sqlite3 *db;
  const char *path;
  remit_status st;
} wr;

static int sql_fail(wr *W, const char *what) {
  if (W->st == REMIT_OK) {
    W->st = REMIT_ERROR(W->ctx, REMIT_ERR_IO, "%s: %s: %s", W->path, what, sqlite3_errmsg(W->db));
  }
  return 0;
}

static int exec(wr *W, const char *sql) {
  if (W->st != REMIT_OK) {
    return 0;
  }
  return sqlite3_exec(W->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 1 : sql_fail(W, sql);
}

static sqlite3_stmt *prep(wr *W, const char *sql) {
  sqlite3_stmt *s = NULL;
  if (W->st == REMIT_OK && sqlite3_prepare_v2(W->db, sql, -1, &s, NULL) != SQLITE_OK) {
    sql_fail(W, sql);
    return NULL;
  }
  return s;
}

static void step(wr *W, sqlite3_stmt *s) {
  if (W->st == REMIT_OK && s && sqlite3_step(s) != SQLITE_DONE) {
    sql_fail(W, "insert");
  }
  if (s) {
    sqlite3_reset(s);
  }
}

static void bind_d(sqlite3_stmt *s, int i, double v) {
  if (isfinite(v)) {
    sqlite3_bind_double(s, i, v);
  } else {
    sqlite3_bind_null(s, i);
  }
}

static void kv(wr *W, sqlite3_stmt *s, const char *k, const char *v) {
  if (!s) {
    return;
  }
  sqlite3_bind_text(s, 1, k, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 2, v ? v : "", -1, SQLITE_TRANSIENT);
  step(W, s);
}

static void kvd(wr *W, sqlite3_stmt *s, const char *k, double v) {
  char b[64];
  snprintf(b, sizeof b, "%.17g", v);
  kv(W, s, k, b);
}

static const char *const schema =
    "CREATE TABLE run(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE econ_params(name TEXT, base REAL, unit TEXT, dist TEXT, se REAL, low REAL, "
    "high REAL, source TEXT);"
    "CREATE TABLE rep_draws(draw INTEGER, strategy TEXT, remission_m12 REAL, icu_share REAL);"
    "CREATE TABLE reps(strategy TEXT, patient INTEGER, age REAL, sex INTEGER, renal INTEGER, "
    "sledai0 REAL, sledai_m6 REAL, sledai_m12 REAL, crs_max INTEGER, icans_max INTEGER, failed "
    "INTEGER);"
    "CREATE TABLE pathway_patients(replicate INTEGER, patient INTEGER, centre TEXT, status TEXT, "
    "reason TEXT, t_arrive REAL, t_eligible REAL, t_slot REAL, t_apheresis REAL, t_admit REAL, "
    "t_infuse REAL, t_end REAL, n_apheresis INTEGER, n_manufacturing INTEGER, flares INTEGER, "
    "icu INTEGER, wait_days REAL, v2v_days REAL);"
    "CREATE TABLE pathway_resources(name TEXT, capacity INTEGER, utilisation REAL, mean_queue "
    "REAL, max_queue INTEGER, granted INTEGER);"
    "CREATE TABLE pathway_centre_year(centre TEXT, year INTEGER, treated REAL);"
    "CREATE TABLE pathway_dropouts(reason TEXT, n INTEGER);"
    "CREATE TABLE pathway_summary(metric TEXT, value REAL);"
    "CREATE TABLE cea_strategies(strategy TEXT, kind TEXT, arm TEXT, base_cost REAL, base_qaly "
    "REAL, base_ly REAL, psa_cost REAL, psa_qaly REAL, remission_m12 REAL, icu_share REAL);"
    "CREATE TABLE cea_icers(analysis TEXT, strategy TEXT, cost REAL, qaly REAL, inc_cost REAL, "
    "inc_qaly REAL, icer REAL, status TEXT, compared_to TEXT, dominated_by TEXT);"
    "CREATE TABLE cea_psa(sample INTEGER, strategy TEXT, cost REAL, effect REAL);"
    "CREATE TABLE cea_ceac(wtp REAL, strategy TEXT, probability REAL, on_frontier INTEGER);"
    "CREATE TABLE cea_evpi(wtp REAL, evpi REAL, best TEXT);"
    "CREATE TABLE cea_tornado(rank INTEGER, param TEXT, low REAL, high REAL, inmb_low REAL, "
    "inmb_high REAL, icer_low REAL, icer_high REAL, base_inmb REAL, strategy TEXT, comparator "
    "TEXT, wtp REAL);"
    "CREATE TABLE cheers(item INTEGER, topic TEXT, text TEXT);";

static void write_all(wr *W, const remit_pathway_result *R) {
  const remit_pathway_scenario *sc = R->sc;
  exec(W, schema);
  exec(W, "BEGIN");
  sqlite3_stmt *s = prep(W, "INSERT INTO run VALUES(?,?)");
  kv(W, s, "kind", "pathway");
  kv(W, s, "name", sc->name);
  kv(W, s, "scenario", sc->path);
  kv(W, s, "scenario_text", sc->text);
  kv(W, s, "patients_scenario", sc->model_path);
  kv(W, s, "patients_scenario_text", sc->model->text);
  char b[64];
  snprintf(b, sizeof b, "%llu", (unsigned long long)sc->seed);
  kv(W, s, "seed", b);
  kv(W, s, "version", remit_version());
  kv(W, s, "build", remit_build_info());
  kvd(W, s, "threads", R->threads);
  kvd(W, s, "cea_patients", (double)R->cea_patients);
  kvd(W, s, "psa_samples", (double)R->n_psa);
  kvd(W, s, "model_draws", R->n_draws);
  kvd(W, s, "model_uncertainty_cv", sc->model_unc_cv);
  kvd(W, s, "discount_costs", sc->dr_cost);
  kvd(W, s, "discount_effects", sc->dr_effect);
  kvd(W, s, "horizon_years", sc->cea_horizon_years);
  kvd(W, s, "seconds_patients", R->t_patients_s);
  kvd(W, s, "seconds_pathway", R->t_des_s);
  kvd(W, s, "seconds_psa", R->t_psa_s);
  kvd(W, s, "seconds_tornado", R->t_tornado_s);
  kvd(W, s, "des_events", (double)R->des_events);
  kv(W, s, "currency", "EUR");
  sqlite3_finalize(s);

  int n_econ;
  const remit_econ_param *tab = remit_econ_params(&n_econ);
  static const char *const dn[] = {"fixed", "beta", "gamma", "lognormal"};
  s = prep(W, "INSERT INTO econ_params VALUES(?,?,?,?,?,?,?,?)");
  for (int i = 0; s && i < n_econ; i++) {
    double lo = NAN, hi = NAN;
    for (int t = 0; t < R->n_tornado; t++) {
      if (R->tornado[t].param == i) {
        lo = R->tornado[t].low;
        hi = R->tornado[t].high;
      }
    }
    sqlite3_bind_text(s, 1, tab[i].name, -1, SQLITE_STATIC);
    bind_d(s, 2, sc->econ[i]);
    sqlite3_bind_text(s, 3, tab[i].unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, dn[tab[i].dist], -1, SQLITE_STATIC);
    bind_d(s, 5, tab[i].se);
    bind_d(s, 6, lo);
    bind_d(s, 7, hi);
    sqlite3_bind_text(s, 8, tab[i].source, -1, SQLITE_STATIC);
    step(W, s);
  }
  sqlite3_finalize(s);

  /* Per model-parameter draw (0: the nominal model) and strategy. */
  s = prep(W, "INSERT INTO rep_draws VALUES(?,?,?,?)");
  for (int d = 0; s && d <= R->n_draws; d++) {
    for (int st = 0; st < sc->n_strategies; st++) {
      sqlite3_bind_int(s, 1, d);
      sqlite3_bind_text(s, 2, sc->strategies[st].name, -1, SQLITE_STATIC);
      bind_d(s, 3, R->rep_remission12[(size_t)d * sc->n_strategies + st]);
      bind_d(s, 4, R->rep_icu[(size_t)d * sc->n_strategies + st]);
      step(W, s);
    }
  }
  sqlite3_finalize(s);

  s = prep(W, "INSERT INTO reps VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  for (int st = 0; s && st < sc->n_strategies; st++) {
    for (int k = 0; k < R->n_reps; k++) {
      const pw_rep *r = &R->reps[(size_t)st * R->n_reps + k];
      sqlite3_bind_text(s, 1, sc->strategies[st].name, -1, SQLITE_STATIC);
      sqlite3_bind_int(s, 2, k);
      bind_d(s, 3, r->age);
      sqlite3_bind_int(s, 4, r->sex);
      sqlite3_bind_int(s, 5, r->renal);
      bind_d(s, 6, r->sledai0);
      bind_d(s, 7, r->sledai[6]);
      bind_d(s, 8, r->sledai[12]);
      sqlite3_bind_int(s, 9, r->crs_max);
      sqlite3_bind_int(s, 10, r->icans_max);
      sqlite3_bind_int(s, 11, r->failed);
      step(W, s);
    }
  }
  sqlite3_finalize(s);

  if (sc->has_pathway) {
    static const char *const stn[] = {"waiting", "treated", "dropped"};
    s = prep(W, "INSERT INTO pathway_patients VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (long i = 0; s && i < R->n_patients; i++) {
      const pw_patient *p = &R->patients[i];
      sqlite3_bind_int(s, 1, p->replicate);
      sqlite3_bind_int64(s, 2, i);
      sqlite3_bind_text(s, 3, sc->centres[p->centre].name, -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 4, stn[p->status], -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 5, remit__pw_reason_names[p->reason], -1, SQLITE_STATIC);
      const double tv[] = {p->t_arrive, p->t_eligible, p->t_slot, p->t_aph, p->t_admit, p->t_infuse,
                           p->t_end};
      for (int k = 0; k < 7; k++) {
        bind_d(s, 6 + k, tv[k]);
      }
      sqlite3_bind_int(s, 13, p->n_aph);
      sqlite3_bind_int(s, 14, p->n_manuf);
      sqlite3_bind_int(s, 15, p->flares);
      sqlite3_bind_int(s, 16, p->icu);
      bind_d(s, 17, p->status == PW_TREATED ? p->t_infuse - p->t_arrive : NAN);
      bind_d(s, 18, p->status == PW_TREATED ? p->t_infuse - p->t_aph : NAN);
      step(W, s);
    }
    sqlite3_finalize(s);
    s = prep(W, "INSERT INTO pathway_resources VALUES(?,?,?,?,?,?)");
    for (int k = 0; s && k < R->n_res; k++) {
      const pw_res_out *o = &R->res[k];
      sqlite3_bind_text(s, 1, o->name, -1, SQLITE_STATIC);
      sqlite3_bind_int(s, 2, o->capacity);
      bind_d(s, 3, o->utilisation);
      bind_d(s, 4, o->mean_queue);
      sqlite3_bind_int(s, 5, o->max_queue);
      sqlite3_bind_int64(s, 6, o->granted);
      step(W, s);
    }
    sqlite3_finalize(s);
    /* Treated per centre per calendar year of infusion, averaged over replicates. */
    int ny = (int)ceil(sc->horizon_years);
    s = prep(W, "INSERT INTO pathway_centre_year VALUES(?,?,?)");
    for (int c = 0; s && c < sc->n_centres; c++) {
      for (int y = 0; y < ny; y++) {
        long n = 0;
        for (long i = 0; i < R->n_patients; i++) {
          const pw_patient *p = &R->patients[i];
          n += p->centre == c && p->status == PW_TREATED &&
               (int)floor(p->t_infuse / DAYS_PER_YEAR) == y;
        }
        sqlite3_bind_text(s, 1, sc->centres[c].name, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 2, y + 1);
        bind_d(s, 3, (double)n / sc->replicates);
        step(W, s);
      }
    }
    sqlite3_finalize(s);
    pw_stats S;
    if (W->st == REMIT_OK) {
      W->st = pathway_stats(W->ctx, R, &S);
    }
    s = prep(W, "INSERT INTO pathway_dropouts VALUES(?,?)");
    for (int k = 1; s && k < PW_N_REASONS; k++) {
      sqlite3_bind_text(s, 1, remit__pw_reason_names[k], -1, SQLITE_STATIC);
      sqlite3_bind_int64(s, 2, S.dropped[k]);
      step(W, s);
    }
    sqlite3_finalize(s);
    s = prep(W, "INSERT INTO pathway_summary VALUES(?,?)");
    struct {
      const char *k;
      double v;
    } m[] = {{"referred", (double)S.referred},      {"eligible", (double)S.eligible},
             {"treated", (double)S.treated},        {"treated_per_year", S.treated_per_year},
             {"wait_days_p10", S.wait_q[0]},        {"wait_days_median", S.wait_q[1]},
             {"wait_days_p90", S.wait_q[2]},        {"wait_days_mean", S.wait_mean},
             {"v2v_days_p10", S.v2v_q[0]},          {"v2v_days_median", S.v2v_q[1]},
             {"v2v_days_p90", S.v2v_q[2]},          {"v2v_days_mean", S.v2v_mean},
             {"des_events", (double)R->des_events}, {"seconds", R->t_des_s}};
    for (size_t i = 0; s && i < sizeof m / sizeof m[0]; i++) {
      sqlite3_bind_text(s, 1, m[i].k, -1, SQLITE_STATIC);
      bind_d(s, 2, m[i].v);
      step(W, s);
    }
    sqlite3_finalize(s);
  }

  if (sc->has_cea) {
    s = prep(W, "INSERT INTO cea_strategies VALUES(?,?,?,?,?,?,?,?,?,?)");
    for (int k = 0; s && k < R->n_strat; k++) {
      sqlite3_bind_text(s, 1, sc->strategies[k].name, -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 2, kind_names[sc->strategies[k].kind], -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 3, sc->strategies[k].arm, -1, SQLITE_STATIC);
      bind_d(s, 4, R->base_cost[k]);
      bind_d(s, 5, R->base_effect[k]);
      bind_d(s, 6, R->base_ly[k]);
      bind_d(s, 7, R->n_psa ? R->psa_mean_cost[k] : NAN);
      bind_d(s, 8, R->n_psa ? R->psa_mean_effect[k] : NAN);
      bind_d(s, 9, R->rep_remission12[k]);
      bind_d(s, 10, R->rep_icu[k]);
      step(W, s);
    }
    sqlite3_finalize(s);
    s = prep(W, "INSERT INTO cea_icers VALUES(?,?,?,?,?,?,?,?,?,?)");
    for (int an = 0; s && an < (R->n_psa ? 2 : 1); an++) {
      const remit_cea_row *rows = an ? R->icer_psa : R->icer_base;
      for (int i = 0; i < R->n_strat; i++) {
        const remit_cea_row *r = &rows[i];
        sqlite3_bind_text(s, 1, an ? "probabilistic" : "deterministic", -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, sc->strategies[r->strategy].name, -1, SQLITE_STATIC);
        bind_d(s, 3, r->cost);
        bind_d(s, 4, r->effect);
        bind_d(s, 5, r->inc_cost);
        bind_d(s, 6, r->inc_effect);
        bind_d(s, 7, r->icer);
        sqlite3_bind_text(s, 8, remit_cea_dominance_name(r->status), -1, SQLITE_STATIC);
        if (r->compared_to >= 0) {
          sqlite3_bind_text(s, 9, sc->strategies[r->compared_to].name, -1, SQLITE_STATIC);
        } else {
          sqlite3_bind_null(s, 9);
        }
        if (r->dominated_by >= 0) {
          sqlite3_bind_text(s, 10, sc->strategies[r->dominated_by].name, -1, SQLITE_STATIC);
        } else {
          sqlite3_bind_null(s, 10);
        }
        step(W, s);
      }
    }
    sqlite3_finalize(s);
    s = prep(W, "INSERT INTO cea_psa VALUES(?,?,?,?)");
    for (long j = 0; s && j < R->n_psa; j++) {
      for (int k = 0; k < R->n_strat; k++) {
        sqlite3_bind_int64(s, 1, j + 1);
        sqlite3_bind_text(s, 2, sc->strategies[k].name, -1, SQLITE_STATIC);
        bind_d(s, 3, R->psa_cost[(size_t)j * R->n_strat + k]);
        bind_d(s, 4, R->psa_effect[(size_t)j * R->n_strat + k]);
        step(W, s);
      }
    }
    sqlite3_finalize(s);
    if (R->n_psa) {
      s = prep(W, "INSERT INTO cea_ceac VALUES(?,?,?,?)");
      sqlite3_stmt *e = prep(W, "INSERT INTO cea_evpi VALUES(?,?,?)");
      for (int w = 0; s && e && w < sc->n_wtp; w++) {
        for (int k = 0; k < R->n_strat; k++) {
          bind_d(s, 1, sc->wtp[w]);
          sqlite3_bind_text(s, 2, sc->strategies[k].name, -1, SQLITE_STATIC);
          bind_d(s, 3, R->ceac[(size_t)w * R->n_strat + k]);
          sqlite3_bind_int(s, 4, R->frontier[w] == k);
          step(W, s);
        }
        bind_d(e, 1, sc->wtp[w]);
        bind_d(e, 2, R->evpi[w]);
        sqlite3_bind_text(e, 3, sc->strategies[R->frontier[w]].name, -1, SQLITE_STATIC);
        step(W, e);
      }
      sqlite3_finalize(s);
      sqlite3_finalize(e);
    }
    s = prep(W, "INSERT INTO cea_tornado VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    for (int i = 0; s && i < R->n_tornado; i++) {
      const pw_tornado *t = &R->tornado[i];
      sqlite3_bind_int(s, 1, i + 1);
      sqlite3_bind_text(s, 2, tab[t->param].name, -1, SQLITE_STATIC);
      bind_d(s, 3, t->low);
      bind_d(s, 4, t->high);
      bind_d(s, 5, t->inmb_low);
      bind_d(s, 6, t->inmb_high);
      bind_d(s, 7, t->icer_low);
      bind_d(s, 8, t->icer_high);
      bind_d(s, 9, R->tornado_base_inmb);
      sqlite3_bind_text(s, 10, sc->strategies[sc->tornado_strategy].name, -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 11, sc->strategies[sc->tornado_comparator].name, -1, SQLITE_STATIC);
      bind_d(s, 12, sc->tornado_wtp);
      step(W, s);
    }
    sqlite3_finalize(s);
  }
  cheers_row rows[N_CHEERS];
  cheers_rows(R, rows);
  s = prep(W, "INSERT INTO cheers VALUES(?,?,?)");
  for (int i = 0; s && i < N_CHEERS; i++) {
    sqlite3_bind_int(s, 1, rows[i].item);
    sqlite3_bind_text(s, 2, rows[i].topic, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, rows[i].text, -1, SQLITE_TRANSIENT);
    step(W, s);
  }
  sqlite3_finalize(s);
  exec(W, "COMMIT");
}

static remit_status write_csv(remit_context *ctx, const remit_pathway_result *R, const char *path) {
  size_t n = strlen(path) + 16;
  char *tmp = remit__malloc(ctx, n);
  if (!tmp) {
    return REMIT_ERR_NOMEM;
  }
  snprintf(tmp, n, "%s.partial", path);
  FILE *f = fopen(tmp, "w");
  remit_status st = REMIT_OK;
  if (!f) {
    st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
  } else {
    fprintf(f, "sample,strategy,cost,effect\n");
    for (long j = 0; j < R->n_psa; j++) {
      for (int k = 0; k < R->n_strat; k++) {
        fprintf(f, "%ld,%s,%.10g,%.10g\n", j + 1, R->sc->strategies[k].name,
                R->psa_cost[(size_t)j * R->n_strat + k], R->psa_effect[(size_t)j * R->n_strat + k]);
      }
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
      st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    }
  }
  if (st != REMIT_OK) {
    remove(tmp);
  }
  remit__free(ctx, tmp);
  return st;
}

remit_status remit_pathway_write(remit_context *ctx, const remit_pathway_result *res,
                                 const char *db_path, int overwrite, const char *psa_csv) {
  if (!ctx) {
    return REMIT_ERR_ARG;
  }
  if (!res || !db_path) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_pathway_write: result and path are required");
  }
  FILE *probe = fopen(db_path, "rb");
  if (probe) {
    fclose(probe);
    if (!overwrite) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG, "%s exists (use --overwrite to replace it)", db_path);
    }
  }
  size_t n = strlen(db_path) + 16;
  char *tmp = remit__malloc(ctx, n);
  if (!tmp) {
    return REMIT_ERR_NOMEM;
  }
  snprintf(tmp, n, "%s.partial", db_path);
  remove(tmp);
  wr W = {ctx, NULL, db_path, REMIT_OK};
  if (sqlite3_open_v2(tmp, &W.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
    W.st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: cannot create: %s", db_path,
                       W.db ? sqlite3_errmsg(W.db) : "out of memory");
  } else {
    write_all(&W, res);
  }
  if (W.db && sqlite3_close(W.db) != SQLITE_OK && W.st == REMIT_OK) {
    W.st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: cannot close", db_path);
  }
  if (W.st == REMIT_OK && rename(tmp, db_path) != 0) {
    W.st = REMIT_ERROR(ctx, REMIT_ERR_IO, "%s: cannot rename: %s", db_path, strerror(errno));
  }
  if (W.st != REMIT_OK) {
    remove(tmp);
  }
  remit__free(ctx, tmp);
  if (W.st == REMIT_OK && psa_csv && res->sc->has_cea) {
    W.st = write_csv(ctx, res, psa_csv);
  }
  return W.st;
}
