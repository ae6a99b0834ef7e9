/* SPDX-License-Identifier: MIT
 *
 * test_scenario.c: reading trial scenarios (src/trial/scenario.c).
 *
 * Every shipped scenario under scenarios/ loads; a file using every key
 * round-trips to the expected values; a minimal file shows every default;
 * each bad file under tests/data/scenarios/ is refused with a message that
 * names the file, the line and the field; allocation failures at every step
 * are reported without leaks.
 */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "remit/remit.h"
#include "remit/remit_trial.h"
#include "remit_test.h"

#define DATA REMIT_TEST_DATA_DIR "/scenarios/"
#define SHIPPED REMIT_TEST_DATA_DIR "/../../scenarios/"

static remit_scenario *load(remit_context *ctx, const char *path) {
  remit_scenario *s = NULL;
  remit_status st = remit_scenario_load(ctx, path, &s);
  REMIT_CHECK(st == REMIT_OK && s != NULL, "load %s -> %d: %s", path, (int)st,
              remit_context_errmsg(ctx));
  return s;
}

static const remit_endpoint *endpoint(const remit_scenario *s, const char *name) {
  for (int i = 0; i < s->n_endpoints; i++) {
    if (strcmp(s->endpoints[i].name, name) == 0) {
      return &s->endpoints[i];
    }
  }
  return NULL;
}

static void test_name_tables(void) {
  int ok = 1;
  for (int c = 0; c < REMIT_N_COVARIATES; c++) {
    ok &= remit_covariate_index(remit_covariate_name((remit_covariate)c)) == c;
  }
  REMIT_CHECK(ok, "every covariate name maps back to its index");
  REMIT_CHECK(strcmp(remit_covariate_name(REMIT_COV_EGFR), "egfr") == 0 &&
                  strcmp(remit_covariate_name(REMIT_COV_ANTI_DSDNA), "anti_dsdna") == 0 &&
                  strcmp(remit_covariate_name(REMIT_COV_DISEASE_YEARS), "disease_years") == 0,
              "covariate names");
  REMIT_CHECK(remit_covariate_index("SLEDAI") == -1 && remit_covariate_index(NULL) == -1 &&
                  remit_covariate_name(REMIT_N_COVARIATES) == NULL,
              "unknown covariates");
  ok = 1;
  for (int k = 0; k < REMIT_N_ENDPOINT_KINDS; k++) {
    ok &= remit_endpoint_kind_index(remit_endpoint_kind_name((remit_endpoint_kind)k)) == k;
  }
  REMIT_CHECK(ok, "every endpoint kind name maps back to its index");
  REMIT_CHECK(remit_endpoint_kind_index("sri4") == REMIT_EP_SRI4 &&
                  remit_endpoint_kind_index("anti_dsdna_neg") == REMIT_EP_ANTI_DSDNA_NEG &&
                  remit_endpoint_kind_index("b_aplasia_days") == REMIT_EP_B_APLASIA_DAYS &&
                  remit_endpoint_kind_index("doris_drug_free") == REMIT_EP_DORIS_DRUG_FREE,
              "endpoint kind names");
  REMIT_CHECK(remit_endpoint_kind_index("sri5") == -1 &&
                  remit_endpoint_kind_name(REMIT_N_ENDPOINT_KINDS) == NULL,
              "unknown endpoint kinds");
  ok = 1;
  for (int k = 0; k < REMIT_N_FLARE_DEFS; k++) {
    ok &= remit_flare_def_index(remit_flare_def_name((remit_flare_def)k)) == k;
  }
  REMIT_CHECK(ok && remit_flare_def_index("bilag") == REMIT_FLARE_BILAG &&
                  remit_flare_def_index("sledai_severe") == REMIT_FLARE_SLEDAI_SEVERE &&
                  remit_flare_def_index("BILAG") == -1 && remit_flare_def_index(NULL) == -1 &&
                  remit_flare_def_name(REMIT_N_FLARE_DEFS) == NULL,
              "flare definition names");
}

static void test_shipped(void) {
  static const char *const names[] = {"default",   "erlangen_cart", "saint_louis_msc",
                                      "french_cart_multicentre", "msc_rct", "bliss52",
                                      "tulip2",    "lunar",         "liang2010_msc_vpop",
                                      "bliss_serology", "petri1991_hopkins", "mcelhone2021_uk",
                                      "kysa1_kyv101", "carlysle_obecel"};
  remit_context *ctx = NULL;
  remit_context_create(NULL, &ctx);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char path[512];
    snprintf(path, sizeof path, SHIPPED "%s.yaml", names[i]);
    remit_scenario *s = load(ctx, path);
    if (!s) {
      continue;
    }
    int primaries = 0;
    for (int k = 0; k < s->n_endpoints; k++) {
      primaries += s->endpoints[k].primary;
    }
    REMIT_CHECK(primaries >= 1, "%s has a primary endpoint", names[i]);
    REMIT_CHECK(strcmp(s->name, names[i]) == 0, "%s is named %s", names[i], s->name);
    REMIT_CHECK(s->text && strstr(s->text, "Source") != NULL, "%s cites its source", names[i]);
    remit_scenario_destroy(&s);
  }
  /* And anything else someone adds there. */
  DIR *d = opendir(SHIPPED);
  REMIT_CHECK(d != NULL, "scenarios folder %s", SHIPPED);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));) {
    size_t len = strlen(e->d_name);
    if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0) {
      char path[512];
      snprintf(path, sizeof path, SHIPPED "%s", e->d_name);
      remit_scenario *s = load(ctx, path);
      remit_scenario_destroy(&s);
      n++;
    }
  }
  if (d) {
    closedir(d);
  }
  REMIT_CHECK(n >= 8, "%d shipped scenarios", n);

  /* The published designs, spot-checked. */
  remit_scenario *s = load(ctx, SHIPPED "erlangen_cart.yaml");
  if (s) {
    REMIT_CHECK(s->design.n_enrol == 5 && s->n_arms == 1 &&
                    s->design.kind == REMIT_DESIGN_SINGLE_ARM,
                "Erlangen: 5 patients, one arm");
    double cart = 0.0, cy = 0.0, flu = 0.0;
    for (int k = 0; k < s->arms[0].n_regimen; k++) {
      const remit_regimen_item *it = &s->arms[0].regimen[k];
      if (strcmp(it->input, "cart19") == 0) {
        cart = it->amount;
      } else if (strcmp(it->input, "cyclophosphamide") == 0) {
        cy = it->amount * it->count;
      } else if (strcmp(it->input, "fludarabine") == 0) {
        flu = it->amount * it->count;
      }
    }
    REMIT_CHECK(cart == 1e6 && cy == 1000.0 && flu == 75.0,
                "Erlangen regimen: CAR-T %g /kg, Cy %g mg/m2, Flu %g mg/m2 total", cart, cy, flu);
    remit_scenario_destroy(&s);
  }
  s = load(ctx, SHIPPED "default.yaml");
  if (s) {
    REMIT_CHECK(s->design.n_enrol == 20 && s->replicates == 50, "default: 20 patients, 50 replicates");
    remit_scenario_destroy(&s);
  }
  s = load(ctx, SHIPPED "tulip2.yaml");
  if (s) {
    const remit_endpoint *ep = NULL;
    for (int k = 0; k < s->n_endpoints; k++) {
      ep = s->endpoints[k].primary ? &s->endpoints[k] : ep;
    }
    REMIT_CHECK(ep && ep->kind == REMIT_EP_BICLA && ep->day == 364.0, "TULIP-2 primary BICLA wk 52");
    /* Two randomised arms, each split into a low and a tapered high
     * glucocorticoid stratum (tulip2.yaml). */
    REMIT_CHECK(s->n_arms == 4 && s->design.kind == REMIT_DESIGN_PARALLEL, "TULIP-2 two arms x two GC strata");
    remit_scenario_destroy(&s);
  }
  /* The flare targets' scenarios: each counts flares by the definition its
   * study used (docs/endpoints.md, "Flare definitions"). */
  static const struct {
    const char *file, *endpoint;
    remit_endpoint_kind kind;
    remit_flare_def def;
    double day;
    int n_enrol;
  } fl[] = {
      {"tulip_pooled.yaml", "flares_w52", REMIT_EP_FLARE_COUNT, REMIT_FLARE_BILAG, 364, 726},
      {"bliss_serology.yaml", "severe_flare_w52", REMIT_EP_FLARE_ANY, REMIT_FLARE_SFI_SEVERE, 364, 592},
      {"bliss_serology.yaml", "sledai_severe_flare_w52", REMIT_EP_FLARE_ANY, REMIT_FLARE_SLEDAI_SEVERE, 364, 592},
      {"petri1991_hopkins.yaml", "flares_pga", REMIT_EP_FLARE_COUNT, REMIT_FLARE_PGA, 728, 185},
      {"mcelhone2021_uk.yaml", "flares_any", REMIT_EP_FLARE_COUNT, REMIT_FLARE_BILAG_ANY, 210, 100},
      {"mcelhone2021_uk.yaml", "flares_ab", REMIT_EP_FLARE_COUNT, REMIT_FLARE_BILAG_AB, 210, 100},
      {"mcelhone2021_uk.yaml", "severe_flare_m7", REMIT_EP_FLARE_ANY, REMIT_FLARE_BILAG_A, 210, 100},
  };
  for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
    char path[512];
    snprintf(path, sizeof path, SHIPPED "%s", fl[i].file);
    s = load(ctx, path);
    if (!s) {
      continue;
    }
    const remit_endpoint *ep = endpoint(s, fl[i].endpoint);
    REMIT_CHECK(ep && ep->kind == fl[i].kind && ep->flare == fl[i].def && ep->day == fl[i].day &&
                    s->design.n_enrol == fl[i].n_enrol,
                "%s: %s counts %s flares to day %g, n = %d", fl[i].file, fl[i].endpoint,
                remit_flare_def_name(fl[i].def), fl[i].day, fl[i].n_enrol);
    remit_scenario_destroy(&s);
  }
  s = load(ctx, SHIPPED "bliss_serology.yaml");
  if (s) {
    int c3 = 0, dsdna = 0;
    for (int k = 0; k < s->population.n_eligibility; k++) {
      const remit_criterion *c = &s->population.eligibility[k];
      c3 |= c->covariate == REMIT_COV_C3 && c->cmp == REMIT_CMP_LT && c->value == 90.0;
      dsdna |= c->covariate == REMIT_COV_ANTI_DSDNA && c->cmp == REMIT_CMP_GE && c->value == 30.0;
    }
    double pl = 0.0, bel = 0.0;
    for (int a = 0; a < s->n_arms; a++) {
      *(s->arms[a].placebo ? &pl : &bel) += s->arms[a].ratio;
    }
    REMIT_CHECK(c3 && dsdna && pl == 2 * 287.0 && bel == 2 * 305.0,
                "BLISS serological subgroup: C3 < 90, anti-dsDNA >= 30, placebo : belimumab 287 : 305");
    remit_scenario_destroy(&s);
  }
  s = load(ctx, SHIPPED "saint_louis_msc.yaml");
  if (s) {
    REMIT_CHECK(s->arms[0].n_dose_levels == 2 && s->arms[0].dose_levels[0] == 2e6 &&
                    s->arms[0].dose_levels[1] == 4e6 &&
                    (s->design.kind == REMIT_DESIGN_ESCALATION_3P3 ||
                     s->design.kind == REMIT_DESIGN_ESCALATION_COHORTS),
                "Saint-Louis: escalation over 2 and 4 x 10^6/kg");
    remit_scenario_destroy(&s);
  }
  s = load(ctx, SHIPPED "french_cart_multicentre.yaml");
  if (s) {
    double sum = 0.0;
    for (int k = 0; k < s->design.n_centres; k++) {
      sum += s->design.centres[k].weight;
    }
    REMIT_CHECK(s->design.n_centres == 4 && fabs(sum - 1.0) < 1e-12, "French trial: 4 centres");
    remit_scenario_destroy(&s);
  }
  remit_context_destroy(&ctx);
}

static void test_round_trip(void) {
  remit_context *ctx = NULL;
  remit_context_create(NULL, &ctx);
  remit_scenario *s = load(ctx, DATA "good_full.yaml");
  if (!s) {
    remit_context_destroy(&ctx);
    return;
  }
  REMIT_CHECK(strcmp(s->name, "good full") == 0 && strcmp(s->model, "sle") == 0, "name, model");
  REMIT_CHECK(strstr(s->path, "good_full.yaml") != NULL, "path kept: %s", s->path);
  REMIT_CHECK(s->text && strstr(s->text, "# A scenario that uses every key") == s->text,
              "whole text kept");
  REMIT_CHECK(s->seed == UINT64_MAX && s->replicates == 7, "seed %llu, replicates %d",
              (unsigned long long)s->seed, s->replicates);
  REMIT_CHECK(s->design.n_enrol == 48 && s->design.n_screen == 120, "n_enrol, n_screen");
  const remit_population *p = &s->population;
  const remit_dist *age = &p->covariates[REMIT_COV_AGE];
  REMIT_CHECK(age->kind == REMIT_DIST_NORMAL && age->a == 38.5 && age->b == 11.25 &&
                  age->lower == 18 && age->upper == 70,
              "age: truncated normal");
  const remit_dist *sex = &p->covariates[REMIT_COV_SEX];
  REMIT_CHECK(sex->kind == REMIT_DIST_CATEGORICAL && sex->n_values == 2 && sex->values[1] == 1 &&
                  sex->probs[0] == 0.875,
              "sex: categorical");
  const remit_dist *wt = &p->covariates[REMIT_COV_WEIGHT];
  REMIT_CHECK(wt->kind == REMIT_DIST_LOGNORMAL && wt->a == 63.5 && wt->b == 0.21 &&
                  isinf(wt->lower) && wt->lower < 0 && isinf(wt->upper),
              "weight: log-normal, untruncated");
  const remit_dist *ht = &p->covariates[REMIT_COV_HEIGHT];
  REMIT_CHECK(ht->kind == REMIT_DIST_UNIFORM && ht->a == 150.5 && ht->b == 182.25, "height");
  const remit_dist *sl = &p->covariates[REMIT_COV_SLEDAI];
  REMIT_CHECK(sl->kind == REMIT_DIST_EMPIRICAL && sl->n_values == 6 && sl->values[5] == 20,
              "sledai: empirical");
  REMIT_CHECK(p->covariates[REMIT_COV_ANTI_DSDNA].kind == REMIT_DIST_FIXED &&
                  p->covariates[REMIT_COV_ANTI_DSDNA].a == 235.5 &&
                  p->covariates[REMIT_COV_C3].kind == REMIT_DIST_FIXED &&
                  p->covariates[REMIT_COV_C3].a == 72.5,
              "fixed covariates, both spellings");
  REMIT_CHECK(p->covariates[REMIT_COV_DISEASE_YEARS].kind == REMIT_DIST_FIXED &&
                  p->covariates[REMIT_COV_DISEASE_YEARS].a == 5.0,
              "unset covariate keeps its default");
  REMIT_CHECK(p->correlation[REMIT_COV_AGE][REMIT_COV_EGFR] == -0.35 &&
                  p->correlation[REMIT_COV_EGFR][REMIT_COV_AGE] == -0.35 &&
                  p->correlation[REMIT_COV_WEIGHT][REMIT_COV_HEIGHT] == 0.45 &&
                  p->correlation[REMIT_COV_SEX][REMIT_COV_SEX] == 1.0 &&
                  p->correlation[REMIT_COV_SEX][REMIT_COV_AGE] == 0.0,
              "covariate correlation, symmetric, unit diagonal");
  REMIT_CHECK(p->n_eligibility == 4 && p->eligibility[0].covariate == REMIT_COV_SLEDAI &&
                  p->eligibility[0].cmp == REMIT_CMP_GE && p->eligibility[0].value == 8 &&
                  p->eligibility[3].covariate == REMIT_COV_AGE &&
                  p->eligibility[3].cmp == REMIT_CMP_LT && p->eligibility[3].value == 65,
              "eligibility");
  REMIT_CHECK(p->use_table_iiv == 0 && p->n_iiv == 2 && strcmp(p->iiv[0].param, "car_rho") == 0 &&
                  p->iiv[0].cv == 0.55 && p->n_iiv_corr == 1 && p->iiv_corr[0] == 0.3 &&
                  strcmp(p->iiv_corr_b[0], "car_kill") == 0,
              "IIV overrides and correlation");
  REMIT_CHECK(s->n_arms == 2, "two arms");
  if (s->n_arms == 2) {
    const remit_arm *a = &s->arms[0], *b = &s->arms[1];
    REMIT_CHECK(strcmp(a->name, "cart") == 0 && a->ratio == 2 && !a->placebo &&
                    a->n_regimen == 5 && strcmp(a->regimen[0].input, "cart19") == 0 &&
                    a->regimen[0].amount == 1e6 && a->regimen[0].count == 1,
                "active arm: own items first");
    REMIT_CHECK(a->regimen[1].every == 1 && a->regimen[1].count == 3 && a->regimen[1].day == -5,
                "repeated dose");
    REMIT_CHECK(strcmp(a->regimen[3].input, "prednisone") == 0 && a->regimen[3].duration == 364 &&
                    a->regimen[3].amount == 7.5,
                "standard care appended");
    REMIT_CHECK(b->placebo && b->ratio == 1 && b->n_regimen == 2 &&
                    strcmp(b->regimen[1].input, "hydroxychloroquine") == 0,
                "placebo arm on standard care");
  }
  const remit_design *d = &s->design;
  REMIT_CHECK(d->kind == REMIT_DESIGN_PARALLEL && d->block_size == 6 && d->n_strata == 2 &&
                  d->strata[0] == REMIT_COV_RENAL && d->strata[1] == REMIT_COV_SEX,
              "parallel, blocks, strata");
  REMIT_CHECK(d->n_centres == 2 && strcmp(d->centres[1].name, "Bordeaux") == 0 &&
                  fabs(d->centres[0].weight - 0.75) < 1e-15 &&
                  fabs(d->centres[1].weight - 0.25) < 1e-15,
              "centres, weights as shares");
  REMIT_CHECK(d->dropout_per_year == 0.075 && d->followup_days == 400, "dropout, follow-up");
  REMIT_CHECK(s->n_visits == 14 && s->visits[0] == 0 && s->visits[13] == 364, "visit grid: %d",
              s->n_visits);
  REMIT_CHECK(s->n_endpoints == 5, "five endpoints");
  const remit_endpoint *e = endpoint(s, "primary_sri4");
  REMIT_CHECK(e && e->kind == REMIT_EP_SRI4 && e->day == 364 && e->primary &&
                  e->flare == REMIT_FLARE_SLEDAI,
              "primary SRI-4 (flare definition left at its default)");
  e = endpoint(s, "flares");
  REMIT_CHECK(e && e->kind == REMIT_EP_FLARE_COUNT && e->flare == REMIT_FLARE_BILAG && e->day == 364,
              "flare count with the BILAG (TULIP) flare definition");
  e = endpoint(s, "crs");
  REMIT_CHECK(e && e->kind == REMIT_EP_CRS && e->threshold == 2 && !e->primary,
              "endpoint named after its kind");
  e = endpoint(s, "hypogamma");
  REMIT_CHECK(e && e->threshold == 6.0, "default threshold of hypogamma: 6 g/L, as the endpoint's (docs/endpoints.md)");
  e = endpoint(s, "dsdna");
  REMIT_CHECK(e && e->threshold == 25.5, "given threshold");
  REMIT_CHECK(s->noise.anti_dsdna_cv == 0.15 && s->noise.c3_cv == 0.08 &&
                  s->noise.proteinuria_cv == 0.2 && s->noise.b_cells_cv == 0.25 &&
                  s->noise.car_t_cv == 0.3 && s->noise.igg_cv == 0.05,
              "noise");
  REMIT_CHECK(s->sample_trajectories == 12, "output");
  REMIT_CHECK(s->rtol == 1e-5 && s->atol == 1e-7, "solver tolerances");
  REMIT_CHECK(s->parameter_set &&
                  strstr(s->parameter_set, "tests/data/scenarios/params/fit.csv") != NULL,
              "parameter_set relative to the scenario: %s", s->parameter_set);
  REMIT_CHECK(s->n_param_overrides == 1 && strcmp(s->param_overrides[0].param, "car_rho") == 0 &&
                  s->param_overrides[0].value == 1.35,
              "parameter override");
  const remit_vpop *v = &s->vpop;
  REMIT_CHECK(v->method == REMIT_VPOP_ACCEPTANCE && v->pilot == 1500 &&
                  v->max_draws_per_accept == 40 && v->n_targets == 3,
              "vpop: method, pilot, limit, three targets");
  REMIT_CHECK(v->n_targets == 3 && strcmp(v->targets[0].readout, "sledai2k") == 0 &&
                  v->targets[0].dist.kind == REMIT_DIST_NORMAL && v->targets[0].dist.a == 12.2 &&
                  v->targets[0].dist.b == 3.3 && v->targets[0].dist.lower == 4 &&
                  isinf(v->targets[0].dist.upper) &&
                  v->targets[1].dist.kind == REMIT_DIST_LOGNORMAL &&
                  v->targets[1].dist.a == 150 && v->targets[2].dist.kind == REMIT_DIST_UNIFORM &&
                  v->targets[2].dist.b == 110,
              "vpop targets in file order");
  REMIT_CHECK(v->correlation && v->correlation[1 * 3 + 2] == -0.35 &&
                  v->correlation[2 * 3 + 1] == -0.35 && v->correlation[0] == 1.0 &&
                  v->correlation[1] == 0.0,
              "vpop correlation matrix");
  remit_scenario_destroy(&s);
  REMIT_CHECK(s == NULL, "destroy nulls the handle");
  remit_scenario_destroy(&s);
  remit_scenario_destroy(NULL);

  s = load(ctx, DATA "good_minimal.yaml");
  if (s) {
    const remit_population *q = &s->population;
    REMIT_CHECK(strcmp(s->name, "good_minimal") == 0, "name from the file name: %s", s->name);
    REMIT_CHECK(s->replicates == 1 && s->seed == 1 && strcmp(s->model, "sle") == 0,
                "defaults: 1 replicate, seed 1, model sle");
    REMIT_CHECK(q->covariates[REMIT_COV_AGE].kind == REMIT_DIST_FIXED &&
                    q->covariates[REMIT_COV_AGE].a == 40 && q->covariates[REMIT_COV_SEX].a == 0 &&
                    q->covariates[REMIT_COV_WEIGHT].a == 65 &&
                    q->covariates[REMIT_COV_HEIGHT].a == 165 &&
                    q->covariates[REMIT_COV_SLEDAI].a == 10 && q->covariates[REMIT_COV_RENAL].a == 0,
                "default patient");
    REMIT_CHECK(q->use_table_iiv == 1 && q->n_iiv == 0 && q->n_eligibility == 0,
                "table IIV, no criteria");
    REMIT_CHECK(s->design.kind == REMIT_DESIGN_SINGLE_ARM && s->design.followup_days == 365 &&
                    s->design.n_screen == 0 && s->design.block_size == 0 &&
                    s->design.dropout_per_year == 0,
                "default design");
    REMIT_CHECK(s->n_visits == 15 && s->visits[0] == 0 && s->visits[13] == 364 &&
                    s->visits[14] == 365,
                "default visits every 28 days plus the last day (%d)", s->n_visits);
    REMIT_CHECK(s->noise.c3_cv == 0 && s->sample_trajectories == 0 && !s->parameter_set &&
                    s->n_param_overrides == 0,
                "no noise, no output, no parameters");
    REMIT_CHECK(s->rtol == 1e-6 && s->atol == 1e-6, "default tolerances 1e-6");
    REMIT_CHECK(s->n_endpoints == 1 && strcmp(s->endpoints[0].name, "doris") == 0 &&
                    !s->endpoints[0].primary,
                "endpoint");
    REMIT_CHECK(s->vpop.method == REMIT_VPOP_NONE && s->vpop.n_targets == 0 &&
                    !s->vpop.targets && !s->vpop.correlation,
                "no virtual-population selection");
    remit_scenario_destroy(&s);
  }
  s = load(ctx, DATA "good_matrix.yaml");
  if (s) {
    REMIT_CHECK(s->population.correlation[REMIT_COV_AGE][REMIT_COV_WEIGHT] == 0.2 &&
                    s->population.correlation[REMIT_COV_SLEDAI][REMIT_COV_AGE] == -0.1,
                "matrix form");
    REMIT_CHECK(s->design.kind == REMIT_DESIGN_ESCALATION_3P3 && s->design.cohort_size == 3 &&
                    s->design.dlt_window_days == 10 && s->arms[0].n_dose_levels == 3 &&
                    s->arms[0].dose_levels[2] == 4e6,
                "3+3 escalation");
    REMIT_CHECK(s->n_visits == 6 && s->visits[5] == 365, "visit list");
    remit_scenario_destroy(&s);
  }
  remit_context_destroy(&ctx);
}

typedef struct bad_case {
  const char *file;
  int line;
  const char *field;
  const char *also; /* another piece of the message, or NULL */
} bad_case;

static void test_bad_files(void) {
  static const bad_case cases[] = {
      {"bad_unknown_key.yaml", 3, " replicate: unknown key", "expected one of"},
      {"bad_unknown_key_nested.yaml", 4, "population.covariates.agee", "unknown key"},
      {"bad_wrong_type.yaml", 2, "replicates", "got a list"},
      {"bad_wrong_type_string.yaml", 2, "population.n_enrol", "twenty"},
      {"bad_nan.yaml", 6, "population.covariates.age.mean", "NaN"},
      {"bad_inf.yaml", 7, "arms[0].regimen[0].amount", "infinity"},
      {"bad_negative_n.yaml", 2, "population.n_enrol", "-5"},
      {"bad_huge_n.yaml", 2, "population.n_screen", "1e9"},
      {"bad_corr_range.yaml", 4, "population.correlation[0][2]", "[-1, 1]"},
      {"bad_corr_not_pd.yaml", 4, "population.correlation", "positive definite"},
      {"bad_corr_asym.yaml", 7, "population.correlation.matrix[1][0]", "symmetric"},
      {"bad_corr_diag.yaml", 6, "population.correlation.matrix[0][0]", "diagonal"},
      {"bad_probs.yaml", 7, "population.covariates.sex.probs", "summing to 1"},
      {"bad_unknown_input.yaml", 5, "arms[0].regimen[0].input", "cart20"},
      {"bad_unknown_endpoint.yaml", 7, "endpoints[1].kind", "sri5"},
      {"bad_missing_arms.yaml", 2, "arms", "missing"},
      {"bad_missing_day.yaml", 6, "arms[0].regimen[1].day", "missing"},
      {"bad_truncation.yaml", 4, "population.covariates.age.upper", "upper > lower"},
      {"bad_day_range.yaml", 5, "arms[0].regimen[0].day", "-400"},
      {"bad_duplicate_key.yaml", 3, "seed", "duplicate"},
      {"bad_syntax.yaml", 5, "YAML syntax", NULL},
      {"bad_single_arm_two_arms.yaml", 6, "design.kind", "exactly one arm"},
      {"bad_block.yaml", 7, "design.block_size", "multiple"},
      {"bad_eligibility_name.yaml", 4, "population.eligibility[0]", "sledia"},
      {"bad_eligibility_impossible.yaml", 5, "population.eligibility[1]", "no patient"},
      {"bad_rate_duration.yaml", 5, "arms[0].regimen[0].duration", "missing"},
      {"bad_seed.yaml", 2, "seed", "-1"},
      {"bad_endpoint_day.yaml", 7, "endpoints[0].day", "follow-up"},
      {"bad_flare_definition.yaml", 7, "endpoints[1].flare", "bilag_c"},
      {"bad_flare_kind.yaml", 6, "endpoints[0].flare", "flare_count and flare_any, not sri4"},
      {"bad_parameter.yaml", 9, "parameters.no_such_param", "unknown parameter"},
      {"bad_bool.yaml", 4, "arms[0].placebo", "true or false"},
      {"bad_empty.yaml", 1, "(top level)", "empty"},
      {"bad_replicates.yaml", 2, "replicates", "[1, 100000]"},
      {"bad_missing_n.yaml", 2, "population.n_enrol", "missing"},
      {"bad_two_documents.yaml", 7, "(top level)", "one YAML document"},
      {"bad_amount_absurd.yaml", 5, "arms[0].regimen[0].amount", "5e12"},
      {"bad_escalation_no_levels.yaml", 3, "arms[0].dose_levels", "missing"},
      {"bad_vpop_readout.yaml", 7, "vpop.targets.sledai_total", "unknown readout"},
      {"bad_vpop_dist.yaml", 7, "vpop.targets.sledai2k.dist", "normal, lognormal or uniform"},
      {"bad_vpop_scalar.yaml", 7, "vpop.targets.sledai2k", "a mapping with dist"},
      {"bad_vpop_method.yaml", 6, "vpop.method", "expected acceptance"},
      {"bad_vpop_no_targets.yaml", 6, "vpop.targets", "missing"},
      {"bad_vpop_pilot.yaml", 6, "vpop.pilot", "[50, 20000]"},
      {"bad_vpop_corr.yaml", 8, "vpop.correlation[0]", "vpop.targets"},
      {"bad_vpop_sd.yaml", 7, "vpop.targets.sledai2k.sd", "> 0"},
      {"bad_vpop_key.yaml", 6, "vpop.max_draws", "unknown key"},
      {"bad_solver_rtol.yaml", 2, "solver.rtol", "0.01"},
  };
  remit_context *ctx = NULL;
  remit_context_create(NULL, &ctx);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const bad_case *c = &cases[i];
    char path[512], where[600];
    snprintf(path, sizeof path, DATA "%s", c->file);
    remit_scenario *s = (remit_scenario *)&s; /* must be reset to NULL */
    remit_status st = remit_scenario_load(ctx, path, &s);
    const char *msg = remit_context_errmsg(ctx);
    snprintf(where, sizeof where, "%s:%d: ", c->file, c->line);
    int ok = st == REMIT_ERR_ARG && s == NULL && strstr(msg, where) != NULL &&
             strstr(msg, c->field) != NULL && (!c->also || strstr(msg, c->also) != NULL);
    REMIT_CHECK(ok, "%s refused (%d): %s", c->file, (int)st, msg);
    if (st == REMIT_OK) {
      remit_scenario_destroy(&s);
    }
  }
  remit_scenario *s = NULL;
  REMIT_CHECK_STATUS(remit_scenario_load(ctx, DATA "no_such_file.yaml", &s), REMIT_ERR_IO);
  REMIT_CHECK(strstr(remit_context_errmsg(ctx), "no_such_file.yaml") != NULL, "IO error names %s",
              remit_context_errmsg(ctx));
  REMIT_CHECK_STATUS(remit_scenario_load(ctx, NULL, &s), REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit_scenario_load(NULL, DATA "good_minimal.yaml", &s), REMIT_ERR_ARG);
  remit_context_destroy(&ctx);
}

/* An allocator that fails after a budget of allocations and counts what is
 * still allocated, so a leak on any failure path shows. */
typedef struct {
  int budget;
  long live;
} counting;
static void *c_malloc(size_t n, void *u) {
  counting *c = u;
  if (c->budget-- <= 0) {
    return NULL;
  }
  c->live++;
  return malloc(n);
}
static void *c_realloc(void *p, size_t n, void *u) {
  counting *c = u;
  if (c->budget-- <= 0) {
    return NULL;
  }
  if (!p) {
    c->live++;
  }
  return realloc(p, n);
}
static void c_free(void *p, void *u) {
  counting *c = u;
  if (p) {
    c->live--;
  }
  free(p);
}

static void test_oom(void) {
  int budget, failures = 0, leaks = 0, wrong = 0;
  for (budget = 0; budget < 2000; budget++) {
    counting c = {1, 0};
    remit_allocator a = {c_malloc, c_realloc, c_free, &c};
    remit_context *ctx = NULL;
    remit_context_create(&a, &ctx);
    c.budget = budget;
    remit_scenario *s = NULL;
    remit_status st = remit_scenario_load(ctx, DATA "good_full.yaml", &s);
    remit_scenario_destroy(&s);
    remit_context_destroy(&ctx);
    leaks += c.live != 0;
    if (st == REMIT_OK) {
      break;
    }
    failures++;
    wrong += st != REMIT_ERR_NOMEM;
  }
  REMIT_CHECK(failures > 20 && budget < 2000, "%d allocation failures provoked, success at %d",
              failures, budget);
  REMIT_CHECK(wrong == 0, "every allocation failure reported as REMIT_ERR_NOMEM (%d not)", wrong);
  REMIT_CHECK(leaks == 0, "no leaks on any failure path (%d leaked)", leaks);
}

int main(void) {
  test_name_tables();
  test_shipped();
  test_round_trip();
  test_bad_files();
  test_oom();
  return remit_test_failures();
}
