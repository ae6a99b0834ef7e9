/* SPDX-License-Identifier: MIT
 *
 * reference.c: the peers' reference benchmark model (../shared/peers/MODEL.md)
 * as a remit_model_spec.
 *
 * A made-up, unfitted 22-state stiff ODE of CAR-T (anti-CD19) therapy in SLE:
 * two-compartment fludarabine and cyclophosphamide PK with lymphodepletion,
 * CAR-T effector/memory/exhausted kinetics driven by CD19+ antigen, the B
 * lineage down to plasma cells and anti-dsDNA, antigen/immune complexes,
 * complement, IL-6, type-I IFN and a slow damage index.  It exists so the
 * remit engine can be checked and timed against the peers' tools on the very
 * same equations; it is not a clinical model.
 *
 * Written from the equations in MODEL.md (not generated from, nor copied from,
 * the peers' code).  The state order, parameter order, initial values and
 * absolute-tolerance scales are MODEL.md's, so a peers' cohort file (one
 * column per parameter, MODEL.md order) can be passed to
 * remit_model_set_params() as is.
 *
 * Its inputs are the three dosed states themselves ("Fc" and "Cc" in mg,
 * "CE" in cells/uL), unscaled: MODEL.md's regimen is Fc 45 mg on days -5, -4,
 * -3, Cc 1800 mg on day -3 and CE 10 cells/uL on day 0.
 */
#include <stddef.h>

#include "remit/remit_model.h"

/* States, in MODEL.md order. */
enum {
  S_FC,
  S_FP,
  S_CC,
  S_CP,
  S_TN,
  S_CE,
  S_CM,
  S_CX,
  S_BBM,
  S_BN,
  S_BM,
  S_PB,
  S_SP,
  S_LP,
  S_AAB,
  S_IGG,
  S_AG,
  S_IC,
  S_C3,
  S_IL6,
  S_IFN,
  S_DMG,
  N_STATES
};

/* Parameters, in MODEL.md order. */
enum {
  P_k10F,
  P_k12F,
  P_k21F,
  P_V1F,
  P_EmaxF,
  P_EC50F,
  P_k10C,
  P_k12C,
  P_k21C,
  P_V1C,
  P_EmaxC,
  P_EC50C,
  P_sT,
  P_rT,
  P_dT,
  P_T0,
  P_eta,
  P_rho,
  P_KB,
  P_kEM,
  P_kEX,
  P_dE,
  P_kME,
  P_dM,
  P_dX,
  P_kkill,
  P_fMk,
  P_fPB19,
  P_fBM19,
  P_sB,
  P_kout,
  P_dBbm,
  P_dN,
  P_kact,
  P_fmem,
  P_dBM,
  P_kMP,
  P_amp,
  P_kdiff,
  P_dPB,
  P_fLL,
  P_dS,
  P_dL,
  P_pS,
  P_pL,
  P_qS,
  P_qL,
  P_kIgG,
  P_sAg,
  P_fapo,
  P_kAg,
  P_kon,
  P_koff,
  P_kIC0,
  P_kICC,
  P_C3n,
  P_kC3s,
  P_kC3d,
  P_kC3IC,
  P_aIL6,
  P_K6,
  P_sIL6,
  P_kIL6C,
  P_kIL6IC,
  P_kIL6cl,
  P_kIFN,
  P_sIFN,
  P_EIFN,
  P_KIC,
  P_kDm,
  P_ICn,
  P_IL6n,
  P_wIL6,
  P_kDr,
  N_PARAMS
};

enum { R_CAR_TOTAL, R_B_BLOOD, N_READOUTS };

static const remit_var_info ref_states[N_STATES] = {
    {"Fc", "mg", "fludarabine, central amount"},
    {"Fp", "mg", "fludarabine, peripheral amount"},
    {"Cc", "mg", "cyclophosphamide, central amount"},
    {"Cp", "mg", "cyclophosphamide, peripheral amount"},
    {"Tn", "cells/uL", "endogenous T lymphocytes"},
    {"CE", "cells/uL", "CAR-T effector cells"},
    {"CM", "cells/uL", "CAR-T memory cells"},
    {"CX", "cells/uL", "CAR-T exhausted cells"},
    {"Bbm", "cells/uL-eq", "bone-marrow CD19+ pre/immature B cells"},
    {"BN", "cells/uL", "naive/transitional B cells, blood"},
    {"BM", "cells/uL", "memory B cells, blood"},
    {"PB", "cells/uL-eq", "plasmablasts"},
    {"SP", "cells/uL-eq", "short-lived plasma cells (CD19-)"},
    {"LP", "cells/uL-eq", "long-lived plasma cells (CD19-)"},
    {"AAb", "IU/mL", "anti-dsDNA IgG"},
    {"IgG", "g/L", "total IgG"},
    {"Ag", "IU/mL-eq", "free nuclear autoantigen"},
    {"IC", "IU/mL-eq", "immune complexes"},
    {"C3", "mg/dL", "complement C3"},
    {"IL6", "pg/mL", "IL-6"},
    {"IFN", "1", "type-I interferon signature (normalised)"},
    {"Dmg", "1", "slow organ inflammation/damage index"},
};

/* The untreated active-lupus steady state of the nominal patient (MODEL.md). */
static const double ref_y0[N_STATES] = {
    0.0,       0.0,      0.0,     0.0,     1000.0,   0.0,     0.0,     0.0,
    50.0,      170.772,  32.3377, 5.19892, 24.6949,  129.973, 149.441, 10.4901,
    0.0122418, 0.138902, 89.6336, 4.29308, 0.855774, 2.24764,
};

static const double ref_atol_scale[N_STATES] = {
    10.0, 10.0, 100.0, 100.0, 100.0, 1.0,   1.0,  1.0, 1.0, 1.0,  1.0,
    0.1,  1.0,  1.0,   1.0,   0.1,   0.001, 0.01, 1.0, 0.1, 0.01, 0.01,
};

#define SRC "Reference benchmark model, shared/peers/MODEL.md (made-up, not fitted)"
#define CV 0.30    /* starred in MODEL.md: log-normal across patients */
#define BIG 1e9    /* upper bound of rates, productions and scales */
#define TINY 1e-12 /* lower bound of quantities that divide */

/* name, value, unit, cv, lower, upper, source */
static const remit_param_info ref_params[N_PARAMS] = {
    /* fludarabine two-compartment PK and its lymphodepleting effect */
    {"k10F", 6.4, "1/day", CV, 0.0, BIG, SRC},
    {"k12F", 12.0, "1/day", 0.0, 0.0, BIG, SRC},
    {"k21F", 6.0, "1/day", 0.0, 0.0, BIG, SRC},
    {"V1F", 30.0, "L", 0.0, TINY, BIG, SRC},
    {"EmaxF", 1.5, "1/day", 0.0, 0.0, BIG, SRC},
    {"EC50F", 0.5, "mg/L", 0.0, TINY, BIG, SRC},
    /* cyclophosphamide two-compartment PK and its effect */
    {"k10C", 2.4, "1/day", CV, 0.0, BIG, SRC},
    {"k12C", 4.1, "1/day", 0.0, 0.0, BIG, SRC},
    {"k21C", 9.6, "1/day", 0.0, 0.0, BIG, SRC},
    {"V1C", 35.0, "L", 0.0, TINY, BIG, SRC},
    {"EmaxC", 2.0, "1/day", 0.0, 0.0, BIG, SRC},
    {"EC50C", 15.0, "mg/L", 0.0, TINY, BIG, SRC},
    /* endogenous T cells and homeostatic space */
    {"sT", 10.0, "cells/uL/day", 0.0, 0.0, BIG, SRC},
    {"rT", 0.03, "1/day", 0.0, 0.0, BIG, SRC},
    {"dT", 0.01, "1/day", 0.0, 0.0, BIG, SRC},
    {"T0", 1000.0, "cells/uL", 0.0, TINY, BIG, SRC},
    {"eta", 4.0, "1", 0.0, 0.0, BIG, SRC},
    /* CAR-T kinetics */
    {"rho", 0.55, "1/day", CV, 0.0, BIG, SRC},
    {"KB", 10.0, "cells/uL", CV, TINY, BIG, SRC},
    {"kEM", 0.1, "1/day", CV, 0.0, BIG, SRC},
    {"kEX", 0.15, "1/day", 0.0, 0.0, BIG, SRC},
    {"dE", 0.35, "1/day", CV, 0.0, BIG, SRC},
    {"kME", 0.3, "1/day", 0.0, 0.0, BIG, SRC},
    {"dM", 0.004, "1/day", CV, 0.0, BIG, SRC},
    {"dX", 0.15, "1/day", 0.0, 0.0, BIG, SRC},
    {"kkill", 0.05, "uL/cells/day", CV, 0.0, BIG, SRC},
    {"fMk", 0.2, "1", 0.0, 0.0, BIG, SRC},
    {"fPB19", 0.5, "1", 0.0, 0.0, 1.0, SRC},
    {"fBM19", 0.3, "1", 0.0, 0.0, 1.0, SRC},
    /* B lineage */
    {"sB", 15.0, "cells/uL/day", CV, 0.0, BIG, SRC},
    {"kout", 0.2, "1/day", 0.0, 0.0, BIG, SRC},
    {"dBbm", 0.1, "1/day", 0.0, 0.0, BIG, SRC},
    {"dN", 0.05, "1/day", 0.0, 0.0, BIG, SRC},
    {"kact", 0.01, "1/day", CV, 0.0, BIG, SRC},
    {"fmem", 0.3, "1", 0.0, 0.0, 1.0, SRC},
    {"dBM", 0.005, "1/day", 0.0, 0.0, BIG, SRC},
    {"kMP", 0.01, "1/day", 0.0, 0.0, BIG, SRC},
    {"amp", 4.0, "1", 0.0, 0.0, BIG, SRC},
    {"kdiff", 0.5, "1/day", 0.0, 0.0, BIG, SRC},
    {"dPB", 0.5, "1/day", 0.0, 0.0, BIG, SRC},
    {"fLL", 0.05, "1", 0.0, 0.0, 1.0, SRC},
    {"dS", 0.1, "1/day", CV, 0.0, BIG, SRC},
    {"dL", 0.001, "1/day", 0.0, 0.0, BIG, SRC},
    /* antibodies; kIgG = ln 2 / 21 days */
    {"pS", 0.208, "IU/mL/(cells/uL)/day", CV, 0.0, BIG, SRC},
    {"pL", 0.0044, "IU/mL/(cells/uL)/day", 0.0, 0.0, BIG, SRC},
    {"qS", 0.0056, "g/L/(cells/uL)/day", 0.0, 0.0, BIG, SRC},
    {"qL", 0.0016, "g/L/(cells/uL)/day", 0.0, 0.0, BIG, SRC},
    {"kIgG", 0.0330070086, "1/day", 0.0, 0.0, BIG, SRC},
    /* autoantigen, immune complexes, complement */
    {"sAg", 2.0, "IU/mL/day", 0.0, 0.0, BIG, SRC},
    {"fapo", 0.001, "(IU/mL)/(cells/uL)", 0.0, 0.0, BIG, SRC},
    {"kAg", 100.0, "1/day", 0.0, 0.0, BIG, SRC},
    {"kon", 0.5, "mL/IU/day", 0.0, 0.0, BIG, SRC},
    {"koff", 1.0, "1/day", 0.0, 0.0, BIG, SRC},
    {"kIC0", 2.0, "1/day", 0.0, 0.0, BIG, SRC},
    {"kICC", 4.0, "1/day", 0.0, 0.0, BIG, SRC},
    {"C3n", 100.0, "mg/dL", 0.0, TINY, BIG, SRC},
    {"kC3s", 60.0, "mg/dL/day", 0.0, 0.0, BIG, SRC},
    {"kC3d", 0.5, "1/day", 0.0, 0.0, BIG, SRC},
    {"kC3IC", 1.475, "mL/IU/day", 0.0, 0.0, BIG, SRC},
    {"aIL6", 0.3, "1", 0.0, 0.0, BIG, SRC},
    {"K6", 20.0, "pg/mL", 0.0, TINY, BIG, SRC},
    /* cytokines */
    {"sIL6", 15.0, "pg/mL/day", 0.0, 0.0, BIG, SRC},
    {"kIL6C", 11.0, "pg/mL/(cells/uL)/day", 0.0, 0.0, BIG, SRC},
    {"kIL6IC", 62.0, "pg/mL/(IU/mL)/day", 0.0, 0.0, BIG, SRC},
    {"kIL6cl", 5.5, "1/day", 0.0, 0.0, BIG, SRC},
    {"kIFN", 0.5, "1/day", 0.0, 0.0, BIG, SRC},
    {"sIFN", 0.2, "1", 0.0, 0.0, BIG, SRC},
    {"EIFN", 1.6, "1", 0.0, 0.0, BIG, SRC},
    {"KIC", 0.2, "IU/mL", 0.0, TINY, BIG, SRC},
    /* damage */
    {"kDm", 0.004, "1/day", 0.0, 0.0, BIG, SRC},
    {"ICn", 0.2, "IU/mL", 0.0, TINY, BIG, SRC},
    {"IL6n", 5.0, "pg/mL", 0.0, TINY, BIG, SRC},
    {"wIL6", 0.5, "1", 0.0, 0.0, BIG, SRC},
    {"kDr", 0.002, "1/day", 0.0, 0.0, BIG, SRC},
};

static const remit_input ref_inputs[] = {
    {"Fc", "mg", S_FC, REMIT_INPUT_BOLUS, REMIT_SCALE_NONE, 1.0, 1e4,
     "fludarabine IV bolus into the central compartment (25 mg/m2 ~ 45 mg)"},
    {"Cc", "mg", S_CC, REMIT_INPUT_BOLUS, REMIT_SCALE_NONE, 1.0, 1e5,
     "cyclophosphamide IV bolus into the central compartment (1000 mg/m2 ~ 1800 mg)"},
    {"CE", "cells/uL", S_CE, REMIT_INPUT_BOLUS, REMIT_SCALE_NONE, 1.0, 1e4,
     "CAR-T infusion as effector cells per uL of blood (1e6 cells/kg ~ 10 cells/uL)"},
};

static const remit_var_info ref_readouts[N_READOUTS] = {
    {"CAR_total", "cells/uL", "CAR-T cells in blood, CE + CM + CX"},
    {"B_blood", "cells/uL", "CD19+ B cells in blood, BN + BM"},
};

static int ref_rhs(double t, const double *y, double *dy, const double *p, void *user) {
  (void)t;
  (void)user;
  const double Fc = y[S_FC], Fp = y[S_FP], Cc = y[S_CC], Cp = y[S_CP];
  const double Tn = y[S_TN], CE = y[S_CE], CM = y[S_CM], CX = y[S_CX];
  const double Bbm = y[S_BBM], BN = y[S_BN], BM = y[S_BM], PB = y[S_PB];
  const double SP = y[S_SP], LP = y[S_LP], AAb = y[S_AAB], IgG = y[S_IGG];
  const double Ag = y[S_AG], IC = y[S_IC], C3 = y[S_C3], IL6 = y[S_IL6];
  const double IFN = y[S_IFN], Dmg = y[S_DMG];

  /* algebraic helpers */
  const double CF = Fc / p[P_V1F];
  const double CC = Cc / p[P_V1C];
  const double hLD = p[P_EmaxF] * CF / (CF + p[P_EC50F]) + p[P_EmaxC] * CC / (CC + p[P_EC50C]);
  const double B19 = BN + BM + p[P_fPB19] * PB + p[P_fBM19] * Bbm;
  const double A = B19 / (B19 + p[P_KB]);
  const double Hs = (1.0 + p[P_eta]) / (1.0 + p[P_eta] * Tn / p[P_T0]);
  const double kk = p[P_kkill] * (CE + p[P_fMk] * CM);
  const double act = p[P_kact] * IFN;
  const double death =
      hLD * (Tn + BN + BM + Bbm + PB) + kk * (BN + BM + p[P_fBM19] * Bbm + p[P_fPB19] * PB);
  const double bind = p[P_kon] * AAb * Ag - p[P_koff] * IC;

  /* PK */
  dy[S_FC] = -(p[P_k10F] + p[P_k12F]) * Fc + p[P_k21F] * Fp;
  dy[S_FP] = p[P_k12F] * Fc - p[P_k21F] * Fp;
  dy[S_CC] = -(p[P_k10C] + p[P_k12C]) * Cc + p[P_k21C] * Cp;
  dy[S_CP] = p[P_k12C] * Cc - p[P_k21C] * Cp;

  /* T cells and CAR-T */
  dy[S_TN] = p[P_sT] + p[P_rT] * Tn * (1.0 - Tn / p[P_T0]) - p[P_dT] * Tn - hLD * Tn;
  dy[S_CE] = p[P_rho] * A * Hs * CE - (p[P_kEM] + p[P_kEX] * A + p[P_dE]) * CE + p[P_kME] * A * CM;
  dy[S_CM] = p[P_kEM] * CE - p[P_kME] * A * CM - p[P_dM] * CM;
  dy[S_CX] = p[P_kEX] * A * CE - p[P_dX] * CX;

  /* B lineage */
  dy[S_BBM] = p[P_sB] - (p[P_kout] + p[P_dBbm] + hLD + p[P_fBM19] * kk) * Bbm;
  dy[S_BN] = p[P_kout] * Bbm - (p[P_dN] + act + hLD + kk) * BN;
  dy[S_BM] = p[P_fmem] * act * BN - (p[P_dBM] + p[P_kMP] * IFN + hLD + kk) * BM;
  dy[S_PB] = p[P_amp] * ((1.0 - p[P_fmem]) * act * BN + p[P_kMP] * IFN * BM) -
             (p[P_kdiff] + p[P_dPB] + hLD + p[P_fPB19] * kk) * PB;
  dy[S_SP] = (1.0 - p[P_fLL]) * p[P_kdiff] * PB - p[P_dS] * SP;
  dy[S_LP] = p[P_fLL] * p[P_kdiff] * PB - p[P_dL] * LP;

  /* antibodies, antigen, immune complexes, complement */
  dy[S_AAB] = p[P_pS] * SP + p[P_pL] * LP - p[P_kIgG] * AAb - bind;
  dy[S_IGG] = p[P_qS] * SP + p[P_qL] * LP - p[P_kIgG] * IgG;
  dy[S_AG] = p[P_sAg] + p[P_fapo] * death - p[P_kAg] * Ag - bind;
  dy[S_IC] = bind - (p[P_kIC0] + p[P_kICC] * C3 / p[P_C3n]) * IC;
  dy[S_C3] =
      p[P_kC3s] * (1.0 + p[P_aIL6] * IL6 / (IL6 + p[P_K6])) - p[P_kC3d] * C3 - p[P_kC3IC] * IC * C3;

  /* cytokines and damage */
  dy[S_IL6] = p[P_sIL6] + p[P_kIL6C] * CE * A + p[P_kIL6IC] * IC - p[P_kIL6cl] * IL6;
  dy[S_IFN] = p[P_kIFN] * (p[P_sIFN] + p[P_EIFN] * IC / (IC + p[P_KIC]) - IFN);
  dy[S_DMG] = p[P_kDm] * (IC / p[P_ICn] + p[P_wIL6] * IL6 / p[P_IL6n]) - p[P_kDr] * Dmg;
  return 0;
}

static void ref_readout(double t, const double *y, const double *p, double *out, void *user) {
  (void)t;
  (void)p;
  (void)user;
  out[R_CAR_TOTAL] = y[S_CE] + y[S_CM] + y[S_CX];
  out[R_B_BLOOD] = y[S_BN] + y[S_BM];
}

static const remit_model_spec ref_spec = {
    .name = "reference",
    .doc =
        "Peers' reference CAR-T/SLE benchmark model (shared/peers/MODEL.md): 22 states, "
        "74 parameters; made-up, not fitted, not for clinical conclusions",
    .n_states = N_STATES,
    .states = ref_states,
    .y0 = ref_y0,
    .atol_scale = ref_atol_scale,
    .n_params = N_PARAMS,
    .params = ref_params,
    .n_derived = 0,
    .n_inputs = (int)(sizeof ref_inputs / sizeof ref_inputs[0]),
    .inputs = ref_inputs,
    .n_readouts = N_READOUTS,
    .readouts = ref_readouts,
    .rhs = ref_rhs,
    .jac = NULL,
    .readout = ref_readout,
    .prepare = NULL,
    .init = NULL,
    .schedule = NULL,
    .burn_in_days = 0.0,
    .user = NULL,
};

const remit_model_spec *remit_spec_reference(void) {
  return &ref_spec;
}
