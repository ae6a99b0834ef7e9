/* SPDX-License-Identifier: MIT
 *
 * cea.c: cost-effectiveness arithmetic (discounting, incremental analysis
 * with strong and extended dominance, PSA summaries) and the economic
 * parameter table with the source of every number.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sf_expint.h>

#include "core/core_impl.h"
#include "pathway_impl.h"
#include "remit/remit_pathway.h"

/* ------------------------------------------------------------------------ */
/* Discounting                                                               */
/* ------------------------------------------------------------------------ */

double remit_cea_discount(double t_years, double rate) { return pow(1.0 + rate, -t_years); }

double remit_cea_discount_span(double t0, double t1, double rate) {
  if (!(t1 > t0)) {
    return 0.0;
  }
  if (rate == 0.0) {
    return t1 - t0;
  }
  /* (1+r)^-t = exp(-delta t), delta = ln(1+r): the integral is
   * (exp(-delta t0) - exp(-delta t1)) / delta; expm1 keeps short spans exact. */
  double delta = log1p(rate);
  return exp(-delta * t0) * -expm1(-delta * (t1 - t0)) / delta;
}

/* ------------------------------------------------------------------------ */
/* Background mortality                                                      */
/* ------------------------------------------------------------------------ */

/* Remaining life expectancy at `age` under h(x) = m exp(la + b x):
 * S(t) = exp(-z (e^{bt} - 1)) with z = m e^{la + b age} / b, and
 * integral_0^inf S(t) dt = e^z E1(z) / b (substitute u = z e^{bt}).
 * GSL's scaled E1 gives e^z E1(z) without overflow. */
double remit__pw_gompertz_le(double la, double b, double m, double age) {
  double z = m * exp(la + b * age) / b;
  return gsl_sf_expint_E1_scaled(z) / b;
}

/* The level la at which the curve's life expectancy at birth is e0.
 * e^z E1(z) falls from +inf to 0 as z rises (about -ln z - 0.5772 for small
 * z, 1/z for large), so bisection on ln z in [-300, 10] brackets the root
 * for every e0 in [1, 150] years and slope b in [0.01, 0.5] (the ranges the
 * scenario loader accepts); 200 halvings reach the spacing of doubles. */
double remit__pw_gompertz_level(double e0, double b) {
  double lo = -300.0, hi = 10.0; /* ln z */
  for (int i = 0; i < 200 && hi - lo > 0.0; i++) {
    double mid = 0.5 * (lo + hi);
    if (mid == lo || mid == hi) {
      break;
    }
    if (gsl_sf_expint_E1_scaled(exp(mid)) / b > e0) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi) + log(b); /* z = e^la / b at age 0, m = 1 */
}

/* ------------------------------------------------------------------------ */
/* Incremental analysis                                                      */
/* ------------------------------------------------------------------------ */

const char *remit_cea_dominance_name(remit_cea_dominance d) {
  switch (d) {
  case REMIT_CEA_REFERENCE: return "reference";
  case REMIT_CEA_FRONTIER: return "frontier";
  case REMIT_CEA_DOMINATED: return "dominated";
  case REMIT_CEA_EXT_DOMINATED: return "extendedly dominated";
  }
  return "unknown";
}

remit_status remit_cea_icers(remit_context *ctx, int n, const double *cost,
                             const double *effect, remit_cea_row *out) {
  if (n < 1 || !cost || !effect || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "cea_icers: need n >= 1 and the arrays");
  }
  for (int i = 0; i < n; i++) {
    if (!isfinite(cost[i]) || !isfinite(effect[i])) {
      return REMIT_ERROR(ctx, REMIT_ERR_ARG, "cea_icers: strategy %d has a non-finite cost or effect",
                         i);
    }
  }
  /* Sort by cost, then by effect descending, then by index (insertion sort:
   * n is a handful of strategies). */
  for (int i = 0; i < n; i++) {
    out[i] = (remit_cea_row){i, cost[i], effect[i], NAN, NAN, NAN, -1, REMIT_CEA_FRONTIER, -1};
  }
  for (int i = 1; i < n; i++) {
    remit_cea_row r = out[i];
    int j = i - 1;
    while (j >= 0 && (out[j].cost > r.cost ||
                      (out[j].cost == r.cost && (out[j].effect < r.effect ||
                                                 (out[j].effect == r.effect &&
                                                  out[j].strategy > r.strategy))))) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = r;
  }
  /* Strong dominance: a strategy whose effect does not exceed that of some
   * cheaper-or-equal strategy before it in this order is dominated. */
  int best = 0;
  for (int i = 1; i < n; i++) {
    if (out[i].effect <= out[best].effect) {
      out[i].status = REMIT_CEA_DOMINATED;
      out[i].dominated_by = out[best].strategy;
    } else {
      best = i;
    }
  }
  /* Extended dominance: among the remaining, ICERs must increase; drop the
   * first strategy whose ICER exceeds the next one's and start again. */
  for (;;) {
    int prev = -1, prev2 = -1, removed = 0;
    double prev_icer = NAN;
    for (int i = 0; i < n && !removed; i++) {
      if (out[i].status == REMIT_CEA_DOMINATED || out[i].status == REMIT_CEA_EXT_DOMINATED) {
        continue;
      }
      if (prev >= 0) {
        double icer = (out[i].cost - out[prev].cost) / (out[i].effect - out[prev].effect);
        if (prev2 >= 0 && prev_icer > icer) {
          out[prev].status = REMIT_CEA_EXT_DOMINATED;
          removed = 1;
          break;
        }
        prev_icer = icer;
      }
      prev2 = prev;
      prev = i;
    }
    if (!removed) {
      break;
    }
  }
  int prev = -1;
  for (int i = 0; i < n; i++) {
    remit_cea_row *r = &out[i];
    if (r->status == REMIT_CEA_DOMINATED || r->status == REMIT_CEA_EXT_DOMINATED) {
      continue;
    }
    if (prev < 0) {
      r->status = REMIT_CEA_REFERENCE;
    } else {
      r->compared_to = out[prev].strategy;
      r->inc_cost = r->cost - out[prev].cost;
      r->inc_effect = r->effect - out[prev].effect;
      r->icer = r->inc_cost / r->inc_effect;
    }
    prev = i;
  }
  /* Extendedly dominated strategies show their increments against the
   * reference-side neighbour, as dampack does, for the table. */
  for (int i = 0; i < n; i++) {
    remit_cea_row *r = &out[i];
    if (r->status != REMIT_CEA_EXT_DOMINATED) {
      continue;
    }
    for (int j = i - 1; j >= 0; j--) {
      if (out[j].status == REMIT_CEA_REFERENCE || out[j].status == REMIT_CEA_FRONTIER) {
        r->compared_to = out[j].strategy;
        r->inc_cost = r->cost - out[j].cost;
        r->inc_effect = r->effect - out[j].effect;
        r->icer = r->inc_cost / r->inc_effect;
        break;
      }
    }
  }
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* PSA summaries                                                             */
/* ------------------------------------------------------------------------ */

remit_status remit_cea_psa_summary(remit_context *ctx, int n_samples, int n_strategies,
                                   const double *cost, const double *effect, int n_wtp,
                                   const double *wtp, double *ceac, int *frontier, double *evpi) {
  if (n_samples < 1 || n_strategies < 1 || n_wtp < 0 || !cost || !effect ||
      (n_wtp > 0 && !wtp)) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "cea_psa_summary: bad arguments");
  }
  double *mean = remit__calloc(ctx, (size_t)n_strategies, sizeof(double));
  if (!mean) {
    return REMIT_ERR_NOMEM;
  }
  for (int w = 0; w < n_wtp; w++) {
    double lam = wtp[w], e_max = 0.0;
    memset(mean, 0, sizeof(double) * (size_t)n_strategies);
    if (ceac) {
      memset(ceac + (size_t)w * n_strategies, 0, sizeof(double) * (size_t)n_strategies);
    }
    for (int s = 0; s < n_samples; s++) {
      const double *c = cost + (size_t)s * n_strategies, *e = effect + (size_t)s * n_strategies;
      int arg = 0;
      double mx = lam * e[0] - c[0];
      mean[0] += mx;
      for (int k = 1; k < n_strategies; k++) {
        double nmb = lam * e[k] - c[k];
        mean[k] += nmb;
        if (nmb > mx) {
          mx = nmb;
          arg = k;
        }
      }
      e_max += mx;
      if (ceac) {
        ceac[(size_t)w * n_strategies + arg] += 1.0;
      }
    }
    int arg = 0;
    for (int k = 0; k < n_strategies; k++) {
      mean[k] /= n_samples;
      if (mean[k] > mean[arg]) {
        arg = k;
      }
      if (ceac) {
        ceac[(size_t)w * n_strategies + k] /= n_samples;
      }
    }
    if (frontier) {
      frontier[w] = arg;
    }
    if (evpi) {
      /* Both terms are averages over the same samples, so EVPI >= 0 up to
       * rounding; clamp the rounding. */
      double v = e_max / n_samples - mean[arg];
      evpi[w] = v > 0.0 ? v : 0.0;
    }
  }
  remit__free(ctx, mean);
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* The economic parameter table                                              */
/* ------------------------------------------------------------------------ */

/* Every number carries its source and the reliability tag of
 * ../shared/domain/economics.md ([V] verbatim in the cited abstract/table,
 * [V-secondary] news or secondary page, [computed] arithmetic on [V]
 * inputs, [assumption] where economics.md records a [GAP]).  Spreads (se)
 * come from the cited interval when there is one ([computed]: for a
 * lognormal, sdlog = (ln hi - ln lo) / 3.92), otherwise they are wide
 * assumptions so the PSA and the tornado show how much the result hangs on
 * the number.  Currency: euros, mixed price years 2019-2025 (not inflated:
 * a stated limitation in the CHEERS table). */
static const remit_econ_param econ_table[] = {
    /* --- costs, one-off ------------------------------------------------------ */
    {"c_cart_product", 350000, "EUR", REMIT_ECON_GAMMA, 35000,
     "France provisional post-ATU price Yescarta EUR 350,000 (AFP/franceinfo 2019) and Academie "
     "nationale de medecine average EUR 350,000 (egora) [V-secondary]; economics.md 2.1; se 10 % "
     "[assumption]"},
    {"c_cart_poc", 60000, "EUR", REMIT_ECON_GAMMA, 15000,
     "academic point-of-care manufacture ~EUR 60,000 (Ran T et al., Int J Cancer 2020, "
     "doi:10.1002/ijc.33156, via secondary sources) [V-secondary]; Spain academic < EUR 100,000 "
     "[V-secondary]; economics.md 2.3; se 25 % [assumption]"},
    {"c_msc_product", 21000, "EUR", REMIT_ECON_GAMMA, 7000,
     "Cartistem allogeneic cord-blood MSC US$21,000 per treatment (Pharmaceuticals 2023;16(9):1334, "
     "Table 1) [V], taken at USD = EUR [assumption]; cord-MSC SLE price [GAP]; economics.md 2.4"},
    {"c_apheresis", 3000, "EUR", REMIT_ECON_GAMMA, 1500,
     "[assumption] per apheresis; French apheresis cost is a [GAP] in economics.md (Kaltenbach 2021 "
     "not obtained); se 50 %"},
    {"c_lymphodepletion", 2500, "EUR", REMIT_ECON_GAMMA, 1250,
     "[assumption] Flu/Cy drugs and day care; [GAP] in economics.md; se 50 %"},
    {"c_bed_day", 1500, "EUR/day", REMIT_ECON_GAMMA, 500,
     "[assumption] haematology ward day; French CAR-T stay cost is a [GAP] (Kaltenbach 2021 not "
     "obtained); checked against the Italian activity-based EUR 48k-57k per patient entering the "
     "pathway, product excluded (Cavallo 2024) [V] in docs/pathway.md"},
    {"c_icu_day", 3500, "EUR/day", REMIT_ECON_GAMMA, 1200,
     "[assumption] ICU day; [GAP] in economics.md; se 34 %"},
    {"c_ae_grade3", 5000, "EUR", REMIT_ECON_GAMMA, 2500,
     "[assumption] management of grade >= 3 CRS/ICANS beyond ICU days (tocilizumab, steroids); "
     "CRS raised charges by 35 % in US NIS 2020-21 (aRR 1.35) [V]; economics.md 2.2"},
    {"c_followup_visit", 150, "EUR/visit", REMIT_ECON_GAMMA, 75,
     "[assumption] specialist visit with labs; [GAP] in economics.md"},
    /* --- costs, per year ------------------------------------------------------ */
    {"c_active_year", 29672, "EUR/year", REMIT_ECON_GAMMA, 7418,
     "refractory SLE before CD19 CAR-T, direct costs EUR 29,672/yr (Erlangen, n = 8, 2025 "
     "preliminary analysis) [V-secondary]; economics.md 2.5; se 25 % [assumption]"},
    {"c_remission_year", 3094, "EUR/year", REMIT_ECON_GAMMA, 774,
     "same patients after CAR-T, EUR 3,094/yr (Erlangen 2025) [V-secondary]; cf. French SNDS SLE "
     "median EUR 4,795/yr (Arnaud 2025, doi:10.1016/j.jbspin.2024.105827) [V]; se 25 %"},
    {"c_dialysis_year", 65000, "EUR/year", REMIT_ECON_GAMMA, 8000,
     "France ~EUR 65,000 per dialysis patient-year (franceinfo 2019) [V-secondary]; modality range "
     "EUR 49.7k-81.5k (Benain 2007, doi:10.1016/j.nephro.2007.03.001) [V]"},
    {"c_belimumab_year", 11185, "EUR/year", REMIT_ECON_GAMMA, 1100,
     "52 x EUR 215.10 per SC 200 mg pen (Base Claude Bernard, Jan 2025) [computed from V]; "
     "economics.md 2.6"},
    {"c_anifrolumab_year", 15000, "EUR/year", REMIT_ECON_GAMMA, 5000,
     "[assumption]: the French price of anifrolumab is a [GAP] in economics.md 2.6; se 33 %"},
    /* --- utilities ------------------------------------------------------------ */
    {"u_remission", 0.74, "utility", REMIT_ECON_BETA, 0.04,
     "TTO minimal disease activity 0.66-0.82 across 6 countries incl. France (Pollard C et al., "
     "HQLO 2015;13:66, doi:10.1186/s12955-015-0262-0) [V]; midpoint [computed]; se = range/4"},
    {"u_active", 0.63, "utility", REMIT_ECON_BETA, 0.04,
     "TTO mild flare 0.55-0.71 (Pollard 2015) [V]; midpoint [computed]; active refractory disease "
     "valued as the mild-flare state [assumption]"},
    {"u_severe_flare", 0.26, "utility", REMIT_ECON_BETA, 0.035,
     "TTO severe generalised flare 0.19-0.33 (Pollard 2015) [V]; midpoint [computed]"},
    {"u_esrd", 0.55, "utility", REMIT_ECON_BETA, 0.08,
     "[assumption]: utility on dialysis; SLE EQ-5D by state is a [GAP] in economics.md 3.4"},
    {"u_damage_mult", 0.95, "multiplier", REMIT_ECON_BETA, 0.02,
     "[assumption]: organ-damage utility multiplier, unresolved in NICE TA752 (ERG) [V: issue "
     "only]; economics.md 3.1"},
    {"flare_years", 0.0833, "years", REMIT_ECON_GAMMA, 0.03,
     "[assumption]: a severe flare lasts one month at the severe-flare utility"},
    {"r_severe_flare_active", 0.50, "1/year", REMIT_ECON_GAMMA, 0.10,
     "LUCIE: 1.10 flares/yr, 0.50 severe (Amoura Z et al., Rev Med Interne 2014, "
     "doi:10.1016/j.revmed.2014.02.001) [V]; se 20 % [assumption]"},
    {"rr_flare_remission", 0.20, "ratio", REMIT_ECON_BETA, 0.08,
     "[assumption]: severe-flare rate in remission relative to active disease"},
    /* --- transitions (per year) ----------------------------------------------- */
    {"h_damage_active", 0.048, "1/year", REMIT_ECON_GAMMA, 0.010,
     "SLICC inception cohort: damage 34.8 % -> 51.1 % over 6 years (Bruce IN et al., ARD 2015, "
     "doi:10.1136/annrheumdis-2013-205171) [V]; -ln(1 - 0.163/0.652)/6 [computed]"},
    {"hr_damage_remission", 0.62, "hazard ratio", REMIT_ECON_LOGNORMAL, 0.244,
     "lower damage risk in full health, adj. HR 0.62 (0.38-0.99) (Lindblom J et al., Front Med "
     "2022, doi:10.3389/fmed.2022.1092325) [V]; sdlog from the CI [computed]"},
    {"h_esrd_renal_active", 0.0233, "1/year", REMIT_ECON_GAMMA, 0.006,
     "5-year ESRD risk 11 % in LN, developed countries (Tektonidou MG et al., Arthritis Rheumatol "
     "2016) [V]; -ln(0.89)/5 [computed]"},
    {"hr_esrd_remission", 0.30, "hazard ratio", REMIT_ECON_LOGNORMAL, 0.35,
     "[assumption]: ESRD hazard in remission relative to active LN"},
    {"h_relapse_cart", 0.05, "1/year", REMIT_ECON_GAMMA, 0.03,
     "[assumption]: no long-term relapse rate after CD19 CAR-T in SLE (economics.md gaps); drug-free "
     "remission in all 5 Erlangen patients at median 8 months (Mackensen 2022) [V]"},
    {"h_relapse_msc", 0.30, "1/year", REMIT_ECON_GAMMA, 0.10, "[assumption]"},
    {"h_relapse_biologic", 0.25, "1/year", REMIT_ECON_GAMMA, 0.08, "[assumption]"},
    {"h_relapse_soc", 0.30, "1/year", REMIT_ECON_GAMMA, 0.10, "[assumption]"},
    {"h_remission_active", 0.10, "1/year", REMIT_ECON_GAMMA, 0.04,
     "[assumption]: refractory active disease reaching low activity on standard care"},
    /* --- mortality ----------------------------------------------------------- */
    {"e0_female", 85.7, "years", REMIT_ECON_FIXED, 0,
     "period life expectancy at birth, France, women, 2023 (INSEE, Bilan demographique 2023) "
     "[from memory, unverified]; the women's Gompertz level is solved so that the curve's life "
     "expectancy at birth equals it (docs/pathway.md)"},
    {"e0_male", 80.0, "years", REMIT_ECON_FIXED, 0,
     "period life expectancy at birth, France, men, 2023 (INSEE, Bilan demographique 2023) "
     "[from memory, unverified]; solved for the men's Gompertz level as e0_female"},
    {"gompertz_b", 0.0866, "1/year of age", REMIT_ECON_FIXED, 0,
     "Gompertz slope ln 2 / 8 years [computed]: adult human mortality-rate doubling time about 8 "
     "years (Finch CE, Pike MC, Witten M, Science 1990;249:902-5) [from memory, unverified]; "
     "the same slope for both sexes [assumption]"},
    {"smr_sle", 2.87, "ratio", REMIT_ECON_LOGNORMAL, 0.067,
     "all-cause SMR 2.87 (2.49-3.24), 29 studies (Lee YH et al., Lupus 2024;33(9):929-37, "
     "doi:10.1177/09612033241257134) [V]; sdlog from the CI [computed]"},
    {"hr_death_damage", 2.1, "hazard ratio", REMIT_ECON_LOGNORMAL, 0.15,
     "early organ damage -> 2.1x mortality, Sweden 4,441 patients (RMD Open 2025, PMC11865802) "
     "[V]; sdlog [assumption]"},
    {"hr_death_esrd", 1.76, "hazard ratio", REMIT_ECON_LOGNORMAL, 0.20,
     "renal SMR 4.69 / all-cause SMR 2.66 (Lee YH et al., updated meta-analysis) [computed]"},
    {"p_icu_death", 0.048, "probability", REMIT_ECON_BETA, 0.015,
     "ICU mortality 4.8 % after CAR-T, 2 French ICUs 2018-22 (Ann Intensive Care 2024, "
     "doi:10.1186/s13613-024-01247-9) [V]"},
};

const remit_econ_param *remit_econ_params(int *n) {
  if (n) {
    *n = (int)(sizeof econ_table / sizeof econ_table[0]);
  }
  return econ_table;
}

int remit_econ_param_index(const char *name) {
  int n = (int)(sizeof econ_table / sizeof econ_table[0]);
  for (int i = 0; name && i < n; i++) {
    if (strcmp(econ_table[i].name, name) == 0) {
      return i;
    }
  }
  return -1;
}
