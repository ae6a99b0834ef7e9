/* SPDX-License-Identifier: MIT
 *
 * sle.c: the mechanistic model of one SLE patient under cell therapies and
 * comparators (docs/model.md has every equation and the design choices).
 *
 * Layout: one X-macro table of parameters (every number the model uses is a
 * row, with its unit, variability, range and source), the state list, the
 * derived values prepare() computes from the covariates, the right-hand side,
 * the readouts (SLEDAI-2K item by item, grades, flags), init, schedule and the
 * static spec.  No globals mutate; the RHS allocates nothing and has no
 * branches on states.
 */
#include <math.h>
#include <stddef.h>

#include "remit/remit_model.h"

/* ------------------------------------------------------------------------ */
/* Parameter table                                                           */
/* ------------------------------------------------------------------------ */

#define SRC_CAL "calibrated: "

/* X(name, value, unit, cv, lower, upper, source) */
#define SLE_PARAMS(X)                                                                          \
  /* --- covariate-derived severity mapping ----------------------------------------------- */ \
  X(sev_sledai_ref, 12.8, "points", 0.0, 1.0, 50.0,                                             \
    SRC_CAL "untreated SLEDAI-2K ~= sledai0 for non-renal patients, sledai0 4..20 (docs/model.md)") \
  X(sev_sledai_ref_renal, 30.0, "points", 0.0, 1.0, 80.0,                                       \
    SRC_CAL "untreated SLEDAI-2K ~= sledai0 for renal patients (Mackensen 2022 baseline 16, clinical.md 1.1)") \
  X(sev_exp, 0.9, "-", 0.0, 0.1, 5.0,                                                           \
    SRC_CAL "slope of the sledai0 -> severity mapping, sledai0 4..20")                          \
  /* --- fludarabine (as F-ara-A) ---------------------------------------------------------- */ \
  X(flu_fara, 0.78, "-", 0.0, 0.5, 1.0,                                                         \
    "Varela-Gonzalez-Aller 2025 Pharmaceutics 17:1592 (F-ara-A = 0.78 x dose) [V] models.md 5.1") \
  X(flu_cl_nr, 4.4, "L/h", 0.298, 0.5, 20.0,                                                    \
    "Varela-Gonzalez-Aller 2025 nonrenal CL (axi-cel) [V] models.md 5.1; IIV 29.8%")           \
  X(flu_cl_r, 1.7, "L/h", 0.0, 0.0, 10.0,                                                       \
    "Varela-Gonzalez-Aller 2025 renal CL at CrCL 96 mL/min [V]; CrCL assumed normal")           \
  X(flu_v1, 41.2, "L/70kg", 0.348, 5.0, 200.0, "Varela-Gonzalez-Aller 2025 V1 [V]; IIV 34.8%")   \
  X(flu_v2, 25.3, "L/70kg", 0.0, 1.0, 200.0,                                                    \
    "derived: V2 + V3 = 14.5 + 10.8 L of Varela-Gonzalez-Aller 2025 [V] (3-cmt collapsed to 2-cmt)") \
  X(flu_q, 8.4, "L/h/70kg", 0.0, 0.1, 100.0,                                                    \
    "derived: Q2 + Q3 = 4.8 + 3.6 L/h of Varela-Gonzalez-Aller 2025 [V] (2-cmt collapse)")      \
  /* --- cyclophosphamide ------------------------------------------------------------------ */ \
  X(cy_cl, 5.41, "L/h", 0.46, 0.5, 50.0, "Ahmed 2020 Front Pharmacol 11:406 [V] models.md 5.2; IIV 46%") \
  X(cy_v, 46.5, "L at BSA 1.58", 0.36, 5.0, 200.0, "Ahmed 2020 [V]; IIV 36%")                   \
  X(cy_v_bsa_exp, 0.861, "-", 0.0, 0.0, 2.0, "Ahmed 2020 V ~ BSA^0.861 [V]")                    \
  /* --- lymphodepletion effects ----------------------------------------------------------- */ \
  X(ld_kflu, 5.0, "L/mg/day", 0.0, 0.0, 100.0,                                                  \
    SRC_CAL "lymphocytes ~1% of normal at infusion after Flu/Cy (Kimmel 2021 BIOMD0000001041 N0 6 vs K_N 500 cells/uL [V])") \
  X(ld_kcy, 0.20, "L/mg/day", 0.0, 0.0, 10.0,                                                   \
    SRC_CAL "as ld_kflu (Kimmel 2021 lymphocyte depth at infusion)")                            \
  X(ld_pba_frac, 0.3, "-", 0.0, 0.0, 1.0,                                                       \
    SRC_CAL "share of the lymphodepleting (Flu/Cy) kill that reaches autoreactive plasmablasts and CD19+ plasma cells in tissue and marrow niches: Deng 2017 remission and SLEDAI change under IV cyclophosphamide induction [V] (hand calibration with remit validate, 2026-11-22, docs/validation.md; was 1, i.e. as blood lymphocytes) [GAP]") \
  X(ld_bma_frac, 0.1, "-", 0.0, 0.0, 1.0,                                                       \
    SRC_CAL "tissue-resident autoreactive B less reached by Flu/Cy than blood lymphocytes; Flu/Cy alone gives no durable reset [GAP]") \
  X(neu_kflu, 1.2, "L/mg/day", 0.0, 0.0, 100.0,                                                 \
    SRC_CAL "ANC nadir grade 3-4 after Flu 75 mg/m2 + Cy 1 g/m2 (lymphodepletion; Ahmed 2020 ANC-AUC slope for Cy)") \
  X(neu_kcy, 0.11, "L/mg/day", 0.0, 0.0, 10.0,                                                  \
    SRC_CAL "Ahmed 2020 ANC = 3450 - 1.42 AUC(umol h/L) [V], extrapolated to 1 g/m2")           \
  /* --- endogenous T cells and homeostatic space ------------------------------------------ */ \
  X(t_0, 900.0, "cells/uL", 0.3, 50.0, 5000.0, "[M] T lymphocytes in SLE (lymphopenia common); unverified") \
  X(t_r, 0.17, "1/day", 0.0, 0.0, 5.0, "Kimmel 2021 Proc R Soc B r_N [V] models.md 1.3")          \
  X(t_s, 5.0, "cells/uL/day", 0.0, 0.0, 100.0, "[GAP] thymic/peripheral T influx; literature silent") \
  X(th_k, 200.0, "cells/uL", 0.0, 1.0, 5000.0, "[GAP] half-saturation of T help; literature silent") \
  X(car_eta, 30.0, "-", 0.0, 0.0, 50.0,                                                          \
    SRC_CAL "homeostatic-cytokine (IL-15) surge after LD, Kochenderfer 2017 [V-abs]; value as peers' benchmark eta") \
  X(car_hboost, 1.0, "-", 0.0, 0.0, 1.0,                                                        \
    "switch: 1 = expansion scaled by homeostatic space (Kimmel 2021 competition), 0 = off")     \
  /* --- CAR-T (both products share the cell kinetics) ------------------------------------- */ \
  X(car_fdist, 0.1, "-", 0.0, 0.001, 1.0,                                                       \
    SRC_CAL "fraction of infused CAR-T in blood after distribution; CAR-T peak day ~9 and level 11-59% of CD3 (Mackensen 2022 [V2])") \
  X(car_rho, 2.0, "1/day", 0.25, 0.0, 10.0,                                                      \
    SRC_CAL "peak day ~9 (Mackensen 2022 [M]); Stein 2019 rho = 0.89/day for reference [V]")    \
  X(car_hom, 0.5, "-", 0.0, 0.0, 5.0,                                                           \
    SRC_CAL "antigen-independent (homeostatic, IL-7/IL-15) expansion relative to full antigen; peak day ~9 (Mackensen 2022 [M])") \
  X(car_kb, 5.0, "cells/uL", 0.5, 0.01, 1000.0,                                                 \
    SRC_CAL "CD19+ antigen half-saturation of expansion; Mueller-Schoell 2021 KM form [V], value re-fitted to SLE antigen") \
  X(car_kem, 0.05, "1/day", 0.0, 0.0, 1.0,                                                     \
    SRC_CAL "effector->memory (persisting pool); B-cell return 110+-32 d (Mackensen 2022 [V]); Stein FB 0.0079 is B-ALL")                \
  X(car_de, 0.13, "1/day", 0.0, 0.0, 5.0,                                                       \
    "Stein 2019 alpha = 0.16/day [V] (contraction), split with exhaustion")                     \
  X(car_kex, 0.05, "1/day", 0.0, 0.0, 5.0,                                                      \
    SRC_CAL "antigen-driven exhaustion (Kirouac 2023 structure [V]); value [GAP]")              \
  X(car_dx, 0.15, "1/day", 0.0, 0.0, 5.0, "[GAP] exhausted CAR-T loss; set to Stein alpha order") \
  X(car_kme, 0.05, "1/day", 0.0, 0.0, 5.0,                                                      \
    SRC_CAL "antigen-driven memory re-activation; B-cell return 110+-32 d (Mackensen 2022 [V])") \
  X(car_dm, 0.012, "1/day", 0.5, 0.0, 1.0,                                                       \
    SRC_CAL "memory CAR-T loss t1/2 ~58 d in SLE: B-cell return 110+-32 d (Mackensen 2022 [V]) (remit fit / hand calibration, 2026-11-22; was 0.025); Stein 2019 beta 0.0032/day is B-ALL with persistent antigen")  \
  X(car_e0, 1e-7, "cells/uL", 0.0, 1e-12, 1e-3,                                                \
    "derived: one CAR-T cell in 5 L of blood (1 / 5e6 uL); a pool below it does not proliferate (guard against growth from solver round-off, docs/model.md 3.3)") \
  X(car_kill, 0.2, "uL/cells/day", 0.5, 0.0, 10.0,                                             \
    SRC_CAL "CD19+ B below 1/uL within 2 weeks and B return 110+-32 d (Mackensen 2022 [V])")     \
  X(car_fmk, 1.0, "-", 0.0, 0.0, 1.0,                                                           \
    SRC_CAL "killing by memory relative to effector CAR-T; B return 110+-32 d (Mackensen 2022 [V])") \
  X(car_bcma_ll, 1.0, "-", 0.0, 0.0, 10.0,                                                      \
    "[GAP] BCMA-CD19 killing of CD19- long-lived plasma cells relative to CD19 targets (Wang 2024 ARD existence only)") \
  X(car_f19bm, 0.5, "-", 0.0, 0.0, 1.0, "[M] fraction of marrow B precursors that are CD19+ (pro-B onwards)") \
  /* Stein 2019 special case (car_tmax > 0 switches it on) */                                   \
  X(car_tmax, 0.0, "day", 0.0, 0.0, 60.0,                                                       \
    "switch: 0 = mechanistic; > 0 = Stein 2019 closed form with Tmax (Stein: 9.3 d [V])")        \
  X(car_foldx, 3900.0, "-", 0.0, 1.0, 1e7, "Stein 2019 Table 1 foldx [V] models.md 1.1")         \
  X(car_alpha, 0.16, "1/day", 0.0, 0.0, 5.0, "Stein 2019 Table 1 alpha [V]")                     \
  X(car_fb, 0.0079, "-", 0.0, 0.0, 1.0, "Stein 2019 Table 1 FB [V]")                             \
  X(car_beta, 0.0032, "1/day", 0.0, 0.0, 1.0, "Stein 2019 Table 1 beta [V]")                     \
  /* --- neutrophils (Friberg-type marrow chain), platelets, leukocytes ---------------------- */ \
  X(neu_0, 3500.0, "cells/uL", 0.3, 500.0, 20000.0, "[M] ANC set-point (normal 1.8-7.5 x10^9/L)") \
  X(neu_mtt, 3.7, "day", 0.0, 0.5, 30.0, "[M] Friberg 2002 J Clin Oncol MTT 88.7 h, unverified")  \
  X(neu_kcirc, 2.38, "1/day", 0.0, 0.1, 50.0, "[M] circulating neutrophil t1/2 ~7 h, unverified") \
  X(neu_gamma, 0.17, "-", 0.0, 0.0, 1.0, "[M] Friberg 2002 feedback exponent, unverified")       \
  X(neu_wifn, 0.04, "-", 0.0, 0.0, 1.0,                                                         \
    SRC_CAL "IFN-driven neutrophil clearance; SLEDAI leukopenia only in very active disease [GAP]") \
  X(plt_0, 250.0, "1e9/L", 0.2, 20.0, 1000.0, "[M] platelet set-point (normal 150-400)")        \
  X(plt_k, 0.1, "1/day", 0.0, 0.01, 2.0, "[M] platelet lifespan ~10 d")                        \
  X(plt_wic, 0.4, "-", 0.0, 0.0, 10.0,                                                          \
    SRC_CAL "IC-driven platelet destruction; thrombocytopenia item only in very active disease [GAP]") \
  X(wbc_mono, 450.0, "cells/uL", 0.0, 0.0, 5000.0, "[M] monocytes + other non-modelled leukocytes") \
  /* --- B lineage -------------------------------------------------------------------------- */ \
  X(b_bm0, 6.0, "cells/uL", 0.3, 0.1, 100.0,                                                    \
    "Caraux 2010 Haematologica immature B 6+-6 /uL [V-abs] models.md 2.1 (marrow output pool)") \
  X(b_kbm, 0.5, "1/day", 0.0, 0.01, 10.0, "[GAP] marrow precursor transit ~2 d")                \
  X(b_dn, 0.012, "1/day", 0.3, 0.0, 1.0,                                                        \
    "PMC6624401 CD19+ kout 0.02/day [V] models.md 2.2 (BAFF-replete part; x BAFF factor)")      \
  X(b_ebaff, 2.0, "-", 0.0, 0.0, 20.0,                                                          \
    SRC_CAL "naive B death multiplier at zero BAFF; BAFF rises on depletion (Cambridge 2006 [V-abs])") \
  X(b_kact, 0.0075, "1/day", 0.0, 0.0, 1.0,                                                     \
    SRC_CAL "naive->memory; memory 58 vs naive 125 /uL (Caraux 2010 [V-abs])")                  \
  X(b_dm, 0.0266, "1/day", 0.0, 0.0, 1.0, "Macallan 2005 Blood memory turnover 2.66 %/day [V-abs]") \
  X(b_kpbn, 0.0005, "1/day", 0.0, 0.0, 1.0,                                                     \
    SRC_CAL "naive->plasmablast; PB/PC 2.1+-2.1 /uL (Caraux 2010 [V-abs])")                     \
  X(b_kpbm, 0.002, "1/day", 0.0, 0.0, 1.0, SRC_CAL "memory->plasmablast; as b_kpbn")            \
  X(b_dpb, 0.05, "1/day", 0.0, 0.0, 5.0,                                                        \
    "[GAP] CD19+ plasmablast/plasma-cell layer ('dynamic', Mei 2015 Blood [V-abs]); t1/2 ~14 d assumed") \
  X(b_kll, 0.0019, "1/day", 0.0, 0.0, 1.0,                                                      \
    SRC_CAL "PB -> CD19- LLPC; protective IgG ~ 70% of total (Hill 2019 total IgG -17.5% after CAR-T [V])") \
  X(b_dll, 0.00019, "1/day", 0.0, 0.0, 0.1,                                                     \
    "[M] LLPC t1/2 ~10 y (Landsverk 2017 median ages 11-22 y [V-abs]; Amanna & Slifka 2010)")   \
  X(b_qp, 0.042, "g/L/day per cells/uL", 0.0, 0.0, 10.0,                                        \
    SRC_CAL "IgG from CD19+ PC ~3 g/L; total IgG -17.5% after CD19 CAR-T (Hill 2019 Blood Adv [V])") \
  X(b_ql, 0.0128, "g/L/day per cells/uL", 0.0, 0.0, 10.0,                                      \
    SRC_CAL "protective IgG from LLPC ~9 g/L [M normal IgG 7-16 g/L]")                          \
  X(igg_k, 0.033, "1/day", 0.0, 0.001, 1.0, "[M] unverified: Morell 1970 IgG t1/2 21 d (models.md 2.4)") \
  /* --- autoreactive lineage (the disease loop) -------------------------------------------- */ \
  X(a_kin, 0.00008, "1/day", 0.0, 0.0, 0.1,                                                     \
    SRC_CAL "naive autoreactive entry into activation; healthy anti-dsDNA well below cut-off [GAP]") \
  X(a_r, 0.16, "1/day", 0.0, 0.0, 5.0,                                                          \
    SRC_CAL "maximal IC-driven expansion of activated autoreactive B (6 x a_d) [GAP]")          \
  X(a_d, 0.0266, "1/day", 0.0, 0.0, 1.0, "Macallan 2005 memory B turnover 2.66 %/day [V-abs]")   \
  X(a_ebaff, 0.11, "-", 0.0, 0.0, 10.0,                                                         \
    SRC_CAL "BAFF dependence of activated autoreactive B: BLISS-52 SRI-4 placebo and belimumab arms (0.436/0.514/0.576 [V]) with bel_kd (hand calibration with remit validate, 2026-11-22, docs/validation.md); was 0.25") \
  X(a_kcap0, 4.0, "cells/uL", 0.0, 0.01, 1000.0,                                                \
    SRC_CAL "autoreactive compartment scale at severity 1 (x severity)")                       \
  X(a_kx0, 0.5, "-", 0.0, 0.001, 100.0,                                                         \
    SRC_CAL "IC per unit of autoreactive repertoire for half-maximal activation (x severity)")   \
  X(a_n, 2.0, "-", 0.0, 1.0, 6.0, SRC_CAL "Hill coefficient of IC-driven activation (bistability) [GAP]") \
  X(a_kpa, 0.0157, "1/day", 0.0, 0.0, 1.0,                                                      \
    SRC_CAL "autoreactive B -> CD19+ plasmablast/PC; plasmablasts raised in active SLE [M Dorner]") \
  X(a_dpa, 0.05, "1/day", 0.0, 0.0, 5.0, "[GAP] as b_dpb (CD19+ PC layer t1/2 ~14 d)")          \
  X(a_q, 1.0, "IU/mL/day per cells/uL", 0.0, 0.0, 100.0,                                       \
    SRC_CAL "anti-dsDNA ~150 IU/mL at severity 1 [GAP: assay-dependent]")                      \
  X(ads_ic, 150.0, "IU/mL", 0.0, 1.0, 10000.0, SRC_CAL "anti-dsDNA giving immune-complex index 1") \
  X(ifn_k, 0.5, "1/day", 0.0, 0.01, 50.0, "[GAP] IFN signature turnover ~days (peers' benchmark 0.5/day)") \
  X(ifn_ic, 9.0, "-", 0.0, 0.0, 100.0,                                                          \
    SRC_CAL "IC-driven IFN: signature ~10x healthy in active SLE [M]")                          \
  X(ifn_w_act, 0.02, "-", 0.0, 0.0, 1.0,                                                        \
    SRC_CAL "IFN amplification of B activation: TULIP pooled SRI-4 0.401/0.522 and BICLA [V] with skin_wifn and bilag_b (hand calibration with remit validate, 2026-11-22, docs/validation.md); was 0.05") \
  X(ifn_ref, 10.0, "-", 0.0, 1.0, 100.0, SRC_CAL "IFN level of the severity-1 patient (skin drive normaliser)") \
  X(baff_syn, 100.0, "ng/mL/day", 0.0, 0.0, 1e5,                                                \
    SRC_CAL "healthy BAFF ~3 ng/mL (Arch Rheumatol cohort controls [V] models.md 2.5)")         \
  X(baff_kdeg, 16.6, "1/day", 0.0, 0.1, 1000.0, "Marcantonio 2022 BAFF t1/2 60 min (assumption in source) [V]") \
  X(baff_kcons, 0.11, "uL/cells/day", 0.0, 0.0, 100.0,                                          \
    SRC_CAL "B-cell BAFF sink; BAFF ~2x after depletion (Cambridge 2006, Vallerskog 2006 [V-abs])") \
  X(baff_wifn, 0.28, "-", 0.0, 0.0, 10.0,                                                       \
    SRC_CAL "IFN-driven BAFF: 10.4 (active) vs 3 ng/mL (control) (Arch Rheumatol cohort [V])")   \
  X(baff_kb, 3.0, "ng/mL", 0.0, 0.01, 100.0, SRC_CAL "BAFF half-saturation of B survival [GAP]") \
  /* --- complement, IL-6, organs, damage ---------------------------------------------------- */ \
  X(c3_n, 120.0, "mg/dL", 0.15, 30.0, 300.0, "[M] normal C3 90-180 mg/dL")                      \
  X(c3_k, 0.5, "1/day", 0.0, 0.01, 10.0, "[M] C3 t1/2 ~1-2 d (Charlesworth/Peters), unverified")  \
  X(c3_kic, 0.75, "1/day", 0.0, 0.0, 100.0,                                                     \
    SRC_CAL "IC-driven C3 consumption; low C3 in active SLE (Petri 1991 flares with falling C3 [V])") \
  X(il6_0, 2.0, "pg/mL", 0.0, 0.0, 100.0, "[M] healthy IL-6 < 7 pg/mL")                        \
  X(il6_kcl, 8.0, "1/day", 0.0, 0.1, 100.0, "[M] IL-6 plasma t1/2 ~2 h, unverified")           \
  X(il6_wic, 3.0, "pg/mL", 0.0, 0.0, 1000.0, SRC_CAL "disease IL-6 per IC unit [GAP]")        \
  X(il6_kcar, 60.0, "pg/mL/day per cells/uL", 0.3, 0.0, 1e5,                                    \
    SRC_CAL "CAR-T-driven IL-6; CRS grade <=1 in SLE (Mackensen 2022 3/5 grade 1; RESET 90% none/grade 1 [V2])") \
  X(org_kkid, 0.05, "1/day", 0.5, 0.001, 10.0,                                                 \
    SRC_CAL "renal inflammation t1/2 14 d: SLEDAI 0 by month 3 after CAR-T with the chronic proteinuria of prot_chronic (Mackensen 2022 [V]); IIV 50 %: LUNAR/Deng 2017 renal responses [V] (hand calibration 2026-11-22; was 0.023, no IIV) [GAP]") \
  X(org_kmuco, 0.05, "1/day", 0.0, 0.001, 10.0, SRC_CAL "mucocutaneous t1/2 14 d [GAP]")        \
  X(org_kmsk, 0.05, "1/day", 0.0, 0.001, 10.0, SRC_CAL "musculoskeletal t1/2 14 d [GAP]")      \
  X(org_ksero, 0.1, "1/day", 0.0, 0.001, 10.0, SRC_CAL "serosal t1/2 7 d [GAP]")               \
  X(skin_wifn, 0.25, "-", 0.0, 0.0, 1.0,                                                        \
    SRC_CAL "IFN share of mucocutaneous drive: anifrolumab skin benefit (TULIP [M]); TULIP-2/pooled BICLA and SRI-4 effect sizes [V] (hand calibration with remit validate, 2026-11-22, docs/validation.md); was 0.5") \
  X(prot_base, 0.08, "g/day", 0.0, 0.0, 1.0, "[M] normal proteinuria < 0.15 g/day")            \
  X(prot_k, 2.5, "g/day", 0.0, 0.0, 50.0, SRC_CAL "proteinuria per renal inflammation unit; LN 2.5 g/d (Liang 2010 [V])") \
  X(prot_chronic, 0.2, "g/day", 0.6, 0.0, 20.0,                                                 \
    SRC_CAL "proteinuria from chronic (non-inflammatory) glomerular lesions in lupus nephritis, renal patients only; " \
    "it keeps part of LN patients above the response cut-offs after inflammation resolves: LUNAR placebo and Deng 2017 renal responses [V] (hand calibration with remit validate, 2026-11-22, docs/validation.md) [GAP]") \
  X(dmg_kact, 0.00009, "SDI/day per unit", 0.0, 0.0, 0.1,                                      \
    SRC_CAL "33-50% with damage in 5 y (Bell 2022 Lupus [V-abs]) -> ~0.1 SDI/y at SLEDAI 10")  \
  X(dmg_kgc, 0.00004, "SDI/day per mg/day", 0.0, 0.0, 0.1,                                      \
    "[M] glucocorticoid damage (~+0.15 SDI/y at 10 mg/d), unverified")                         \
  /* --- comparators ------------------------------------------------------------------------- */ \
  X(rtx_cl, 0.335, "L/day", 0.3, 0.01, 10.0, "[M] Ng 2005 J Clin Pharmacol RA CL ~0.335 L/day, unverified") \
  X(rtx_v, 9.2, "L", 0.0, 1.0, 50.0, "derived: CL x t1/2/ln2 with t1/2 19 d [M] Ng 2005 (1-cmt collapse)") \
  X(rtx_ec50, 5.87, "mg/L", 0.0, 0.01, 1000.0, "Chen 2024 Front Pharmacol 14:1319744 EC50 [V] models.md 2.6") \
  X(rtx_kmax, 0.7, "1/day", 0.0, 0.0, 10.0,                                                     \
    "derived: 35-fold x kout 0.02/day (PMC6624401 rituximab in autoimmune disease [V])")       \
  X(rtx_tissue, 0.004, "-", 0.0, 0.0, 1.0,                                                       \
    SRC_CAL "rituximab reach on tissue autoreactive B: remission then relapse after rituximab in refractory SLE (Catapano 2010: 87% remission, 67% relapse at median 11 months [V-abs]); incomplete depletion (Gomez Mendez 2018 CJASN 78% [V-abs]); LUNAR rituximab arm ORR 0.569 [V] (hand calibration with remit validate, 2026-11-22, docs/validation.md); was 0.04") \
  X(bel_cl, 0.204, "L/day", 0.0, 0.01, 10.0, "Struemper 2018 Clin Pharmacokinet CL [V] models.md 6") \
  X(bel_v, 4.95, "L", 0.0, 0.5, 50.0, "derived: Vc + Vp = 2.30 + 2.65 L (Struemper 2018 [V])") \
  X(bel_kd, 1.015, "mg/L", 0.0, 1e-5, 100.0,                                                      \
    SRC_CAL "in vivo effective BAFF neutralisation constant (tissue exposure, membrane BAFF and APRIL not modelled): BLISS-52 1 vs 10 mg/kg SRI-4 [V] (hand calibration with remit validate, 2026-11-22, docs/validation.md); the in vitro KD is 0.0403 mg/L = 0.274 nM x 147 kDa (Marcantonio 2022 [V]) (remit fit, hinge objective, 2026-11-22, fit s of session 6, from fit p with th_haem 0.15, under SLEDAI-2K's 10-day window, BILAG-2004's 4-week look-back and the BILAG-2004/SFI flare definitions: params/default_fit.csv, the used_for_fit targets of validation/map.csv, docs/validation.md; fit p 0.9711; fit n 2.760; fit b 2.094; hand calibration 2.0)") \
  X(anf_cl, 0.193, "L/day", 0.0, 0.01, 10.0, "Almquist 2022 J Clin Pharmacol CL (IFNGS-high) [V] models.md 6") \
  X(anf_v, 6.23, "L", 0.0, 0.5, 50.0, "derived: Vc + Vp = 2.93 + 3.30 L (Almquist 2022 [V])")   \
  X(anf_ic50, 0.105, "mg/L", 0.0, 1e-5, 100.0, "derived: Kss 0.712 nM x 148 kDa (Almquist 2022 [V])") \
  X(anf_emax, 0.85, "-", 0.0, 0.0, 1.0, "[M] 80-90% IFN-signature neutralisation (Morand 2020 NEJM), unverified") \
  X(pred_k, 5.55, "1/day", 0.0, 0.1, 100.0, "derived: CLu/Vu = 54.3/235 per h (Bouazza 2025 BJCP [V])") \
  X(pred_ed50, 10.0, "mg/day", 0.0, 0.1, 1000.0, "[M] half-maximal anti-inflammatory prednisone dose, unverified") \
  X(pred_emax_org, 0.6, "-", 0.0, 0.0, 1.0, SRC_CAL "maximal GC suppression of organ inflammation [GAP]") \
  X(pred_emax_act, 0.12, "-", 0.0, 0.0, 1.0, SRC_CAL "maximal GC suppression of B activation [GAP]") \
  X(hcq_k, 0.0173, "1/day", 0.0, 0.001, 10.0, "[M] HCQ terminal t1/2 ~40 d, unverified")       \
  X(hcq_ed50, 200.0, "mg/day", 0.0, 1.0, 10000.0, "[M] half-maximal HCQ dose, unverified")      \
  X(hcq_emax, 0.3, "-", 0.0, 0.0, 1.0, SRC_CAL "TLR7/9 inhibition of IC-driven IFN [GAP]")       \
  X(mpa_k, 0.98, "1/day", 0.0, 0.01, 100.0, "[M] MPA t1/2 16-18 h (models.md 6), unverified")    \
  X(mpa_ed50, 1000.0, "mg/day", 0.0, 1.0, 1e5, "[M] half-maximal MMF dose, unverified")         \
  X(mpa_emax, 0.025, "-", 0.0, 0.0, 1.0,                                                       \
    SRC_CAL "maximal suppression of lymphocyte activation: LUNAR renal response placebo 0.458 [V] (remit fit, params/fitted.csv, 2026-11-22; was 0.2) [GAP]") \
  X(vcs_k, 0.55, "1/day", 0.0, 0.01, 100.0, "[M] voclosporin t1/2 ~30 h, unverified")           \
  X(vcs_ed50, 30.0, "mg/day", 0.0, 0.1, 1e4, "[M] half-maximal voclosporin dose, unverified")    \
  X(vcs_emax_act, 0.2, "-", 0.0, 0.0, 1.0, SRC_CAL "calcineurin inhibition of T help [GAP]")     \
  X(vcs_emax_kid, 0.4, "-", 0.0, 0.0, 1.0,                                                      \
    SRC_CAL "podocyte/proteinuria effect; AURORA-1 CRR gain (clinical.md 3.1, design only) [GAP]") \
  X(msc_k, 0.69, "1/day", 0.0, 0.01, 100.0, "[M] IV MSC cleared within 24-72 h (Eggenhofer 2012), unverified") \
  X(msc_ksig, 0.0053, "1/day per 1e6 cells", 0.0, 0.0, 10.0,                                   \
    SRC_CAL "MSC signal ~1 after 2e6/kg (normalisation)")                                       \
  X(msc_kd, 0.023, "1/day", 0.0, 0.001, 10.0,                                                   \
    SRC_CAL "immunomodulatory signal t1/2 30 d: SLEDAI/anti-dsDNA fall over 3 months (Wang 2014 ART [V-abs])") \
  X(msc_emax, 0.35, "-", 0.0, 0.0, 1.0,                                                         \
    SRC_CAL "modest MSC effect; no RCT benefit in LN (Deng 2017 ARD [V])")                     \
  X(msc_ec50, 1.0, "-", 0.0, 0.001, 100.0, SRC_CAL "MSC signal half-maximal effect (normalised)") \
  /* --- readout thresholds ------------------------------------------------------------------ */ \
  X(sl_w8, 8.0, "points", 0.0, 8.0, 8.0, "SLEDAI-2K weight (clinical.md 4.1, Gladman 2002) [V]") \
  X(sl_w4, 4.0, "points", 0.0, 4.0, 4.0, "SLEDAI-2K weight (clinical.md 4.1) [V]")              \
  X(sl_w2, 2.0, "points", 0.0, 2.0, 2.0, "SLEDAI-2K weight (clinical.md 4.1) [V]")              \
  X(sl_w1, 1.0, "points", 0.0, 1.0, 1.0, "SLEDAI-2K weight (clinical.md 4.1) [V]")              \
  X(th_prot, 0.5, "g/day", 0.0, 0.0, 10.0, "SLEDAI-2K proteinuria > 0.5 g/24 h (clinical.md 4.1) [V]") \
  X(th_haem, 0.15, "renal unit", 0.4, 0.0, 100.0,                                               \
    SRC_CAL "renal inflammation for > 5 RBC/hpf (item definition clinical.md 4.1) [GAP mapping]; also the renal unit of the PGA proxy. " \
    "Haematuria at moderate renal inflammation, not only at 5x the level of proteinuria > 0.5 g/day: with 0.45 it cleared in 97 % of Deng's virtual LN patients by month 6 while proteinuria stayed in 78 %, and SLEDAI-2K fell 2-3 points more than Deng 2017's -8/-5 [V] (hand calibration with remit validate, session 6, 2026-11-22, docs/validation.md; was 0.45, never calibrated)") \
  X(th_pyuria, 0.9, "renal unit", 0.4, 0.0, 100.0, SRC_CAL "renal inflammation for > 5 WBC/hpf [GAP mapping]") \
  X(th_casts, 1.3, "renal unit", 0.4, 0.0, 100.0, SRC_CAL "renal inflammation for urinary casts [GAP mapping]") \
  X(th_arthritis, 0.45, "msk unit", 0.4, 0.0, 100.0, SRC_CAL "arthritis (> 2 joints) [GAP mapping]") \
  X(th_myositis, 2.2, "msk unit", 0.4, 0.0, 100.0, SRC_CAL "myositis [GAP mapping]")           \
  X(th_rash, 0.5, "muco unit", 0.4, 0.0, 100.0, SRC_CAL "rash [GAP mapping]")                   \
  X(th_alopecia, 1.1, "muco unit", 0.4, 0.0, 100.0, SRC_CAL "alopecia [GAP mapping]")           \
  X(th_ulcers, 1.45, "muco unit", 0.4, 0.0, 100.0, SRC_CAL "mucosal ulcers [GAP mapping]")      \
  X(th_vasculitis, 2.6, "muco unit", 0.4, 0.0, 100.0, SRC_CAL "cutaneous vasculitis [GAP mapping]") \
  X(th_pleurisy, 1.25, "sero unit", 0.4, 0.0, 100.0, SRC_CAL "pleurisy [GAP mapping]")          \
  X(th_pericarditis, 1.8, "sero unit", 0.4, 0.0, 100.0, SRC_CAL "pericarditis [GAP mapping]")   \
  X(th_fever, 18.0, "IFN unit", 0.0, 0.0, 1000.0, SRC_CAL "SLE fever (> 38 C) from type I IFN [GAP mapping]") \
  X(th_plt_sledai, 100.0, "1e9/L", 0.0, 0.0, 1000.0, "SLEDAI-2K thrombocytopenia < 100 x10^9/L (clinical.md 4.1) [V]") \
  X(th_wbc_sledai, 3000.0, "cells/uL", 0.0, 0.0, 20000.0, "SLEDAI-2K leukopenia < 3 x10^9/L (clinical.md 4.1) [V]") \
  X(th_c3, 90.0, "mg/dL", 0.0, 0.0, 300.0, "[M] C3 lower limit of normal (SLEDAI low complement, clinical.md 4.1)") \
  X(th_dsdna, 30.0, "IU/mL", 0.0, 0.0, 10000.0, "[M] anti-dsDNA cut-off, assay-dependent (SLEDAI DNA binding)") \
  /* BILAG-like grades of the organ domains the model resolves: activity in   \
   * units of the domain's lowest SLEDAI item threshold (th_rash,            \
   * th_arthritis, th_pleurisy); BILAG-2004 grades severity within a domain, \
   * SLEDAI only presence, so a domain can improve from B to C while its     \
   * SLEDAI item is still present (docs/endpoints.md).                        */ \
  X(bilag_c, 0.5, "x item threshold", 0.0, 0.0, 100.0,                                        \
    SRC_CAL "BILAG-like grade C (mild) from half the lowest SLEDAI item threshold of the domain [GAP mapping]") \
  X(bilag_b, 1.5, "x item threshold", 0.0, 0.0, 100.0,                                        \
    SRC_CAL "BILAG-like grade B (moderate; 1 = where the domain's first SLEDAI item appears): TULIP-2 and pooled BICLA, both arms [V] (hand calibration with remit validate, 2026-11-22, docs/validation.md) [GAP mapping]") \
  X(bilag_a, 4.027, "x item threshold", 0.0, 0.0, 100.0,                                        \
    SRC_CAL "BILAG-like grade A (severe): about th_vasculitis/th_rash and th_myositis/th_arthritis [GAP mapping] (remit fit, hinge objective, 2026-11-22, fit s of session 6, from fit p with th_haem 0.15, under SLEDAI-2K's 10-day window, BILAG-2004's 4-week look-back and the BILAG-2004/SFI flare definitions: params/default_fit.csv, the used_for_fit targets of validation/map.csv, docs/validation.md; fit p 4.027; fit n 4.408; fit b 4.761; hand calibration 5.0)") \
  X(pga_k, 4.220, "x item threshold", 0.0, 0.01, 100.0,                                          \
    SRC_CAL "PGA proxy 3 A^h/(A^h + K^h), A = sum of organ activities in units of each organ's first SLEDAI item threshold: baseline PGA ~1.4 in BLISS-type populations [M] [GAP mapping] (remit fit, hinge objective, 2026-11-22, fit s of session 6, from fit p with th_haem 0.15, under SLEDAI-2K's 10-day window, BILAG-2004's 4-week look-back and the BILAG-2004/SFI flare definitions: params/default_fit.csv, the used_for_fit targets of validation/map.csv, docs/validation.md; fit p 4.220; fit n 4.429; fit b 3.906; hand calibration 4.63)") \
  X(pga_h, 3.0, "-", 0.0, 0.5, 10.0,                                                            \
    SRC_CAL "steepness of the PGA proxy: activity below the item thresholds scores near 0 (clinical SLEDAI 0 with PGA < 0.5 in DORIS, BLISS pooled DORIS 8.4 % [V]) [GAP mapping]") \
  X(crs_il6_1, 20.0, "pg/mL", 0.0, 0.0, 1e6,                                                    \
    SRC_CAL "IL-6 proxy for ASTCT CRS grade 1 (Lee 2019 grading is clinical; mapping [GAP]); SLE CRS mild") \
  X(crs_il6_2, 150.0, "pg/mL", 0.0, 0.0, 1e6, SRC_CAL "IL-6 proxy for CRS grade 2 [GAP]")         \
  X(crs_il6_3, 600.0, "pg/mL", 0.0, 0.0, 1e6, SRC_CAL "IL-6 proxy for CRS grade 3 [GAP]; Teachey 2016 [M]") \
  X(crs_il6_4, 2500.0, "pg/mL", 0.0, 0.0, 1e6, SRC_CAL "IL-6 proxy for CRS grade 4 [GAP]")        \
  X(icans_il6_1, 400.0, "pg/mL", 0.0, 0.0, 1e6, SRC_CAL "ICANS driver grade 1: follows severe CRS [GAP]") \
  X(icans_il6_2, 1000.0, "pg/mL", 0.0, 0.0, 1e6, SRC_CAL "ICANS grade 2 [GAP]")                   \
  X(icans_il6_3, 3000.0, "pg/mL", 0.0, 0.0, 1e6, SRC_CAL "ICANS grade 3 [GAP]")                   \
  X(icans_il6_4, 10000.0, "pg/mL", 0.0, 0.0, 1e6, SRC_CAL "ICANS grade 4 [GAP]")                  \
  X(ctc_anc_lln, 2000.0, "cells/uL", 0.0, 0.0, 1e4, "[M] CTCAE v5 ANC LLN (clinical.md 4.8)")   \
  X(ctc_anc_2, 1500.0, "cells/uL", 0.0, 0.0, 1e4, "[M] CTCAE v5 neutrophil count decreased grade 2 < 1500") \
  X(ctc_anc_3, 1000.0, "cells/uL", 0.0, 0.0, 1e4, "[M] CTCAE v5 grade 3 < 1000")                \
  X(ctc_anc_4, 500.0, "cells/uL", 0.0, 0.0, 1e4, "[M] CTCAE v5 grade 4 < 500")                  \
  X(ctc_lym_lln, 1000.0, "cells/uL", 0.0, 0.0, 1e4, "[M] CTCAE v5 lymphocyte LLN")              \
  X(ctc_lym_2, 800.0, "cells/uL", 0.0, 0.0, 1e4, "[M] CTCAE v5 lymphocyte count decreased grade 2 < 800") \
  X(ctc_lym_3, 500.0, "cells/uL", 0.0, 0.0, 1e4, "[M] CTCAE v5 grade 3 < 500")                  \
  X(ctc_lym_4, 200.0, "cells/uL", 0.0, 0.0, 1e4, "[M] CTCAE v5 grade 4 < 200")                  \
  X(ctc_plt_lln, 150.0, "1e9/L", 0.0, 0.0, 1e3, "[M] CTCAE v5 platelet LLN")                    \
  X(ctc_plt_2, 75.0, "1e9/L", 0.0, 0.0, 1e3, "[M] CTCAE v5 platelet count decreased grade 2 < 75") \
  X(ctc_plt_3, 50.0, "1e9/L", 0.0, 0.0, 1e3, "[M] CTCAE v5 grade 3 < 50")                       \
  X(ctc_plt_4, 25.0, "1e9/L", 0.0, 0.0, 1e3, "[M] CTCAE v5 grade 4 < 25")                       \
  X(th_igg_low, 6.0, "g/L", 0.0, 0.0, 50.0, "J Allergy Clin Immunol 2024 (PMID 39505278) IgG <= 600 mg/dL [V] models.md 2.4") \
  /* --- infection hazard -------------------------------------------------------------------- */ \
  X(inf_h0, 0.15, "1/year", 0.0, 0.0, 10.0, "[GAP] background serious-infection rate in SLE; literature silent here") \
  X(inf_neu_k, 500.0, "cells/uL", 0.0, 1.0, 1e4, "[M] infection risk rises steeply below ANC 500 (Bodey 1966), unverified") \
  X(inf_neu_e, 20.0, "-", 0.0, 0.0, 1000.0, "[M] hazard multiplier in profound neutropenia, unverified") \
  X(inf_igg_e, 1.7, "-", 0.0, 0.0, 100.0, "J Allergy Clin Immunol 2024 hypogamma IRR 2.7 [V] (multiplier - 1)") \
  X(inf_gc_e, 1.0, "-", 0.0, 0.0, 100.0, "[M] GC doubles infection risk at high doses, unverified") \
  X(inf_gc_ed50, 10.0, "mg/day", 0.0, 0.1, 1000.0, "[M] prednisone dose for half the GC infection effect, unverified") \
  /* --- environmental flare triggers (infection, UV, stress, non-adherence) ----------------- */ \
  X(flare_rate, 1.449, "1/year", 0.0, 0.0, 10.0,                                                  \
    SRC_CAL "Poisson rate of flare_trigger events the trial engine draws (not used by the RHS): not every trigger makes a flare, so the trigger rate exceeds the flare rate; TULIP pooled BILAG flare rates 0.67/0.51 per patient-year [V] (hand calibration with remit validate, 2026-11-22, docs/validation.md); was 0.65, Petri 1991's flare rate [V] (remit fit, hinge objective, 2026-11-22, fit s of session 6, from fit p with th_haem 0.15, under SLEDAI-2K's 10-day window, BILAG-2004's 4-week look-back and the BILAG-2004/SFI flare definitions: params/default_fit.csv, the used_for_fit targets of validation/map.csv, docs/validation.md; fit p 1.363; fit n 1.222; fit b 1.089; hand calibration 1.1)") \
  X(act_cv, 0.0, "-", 0.0, 0.0, 5.0,                                                               \
    SRC_CAL "visit-to-visit fluctuation of mucocutaneous, musculoskeletal and serosal activity (CV of a log-normal Ornstein-Uhlenbeck factor the trial engine applies at visits; not used by the RHS; docs/model.md 3.9): day-to-day waxing and waning plus assessor variability, which flare definitions comparing a visit with the previous one count (McElhone 2021 0.25 flares per patient-month, 126 of 195 mild [V]; Petri 1991 0.65/py [V]; models.md 3.3). Off (0) by default: remit fit with it (hinge, 10 parameters, 2026-11-22, docs/validation.md fits g-l) put at most 30 of 38 targets inside against 31 without it before SLEDAI-2K's 10-day window, 26 (act_cv 0.359, act_tau 84.2, params/fluctuation_fit.csv) against 30 with it; under session 5's flare definitions and BILAG look-back a refit (fit r: act_cv 0.14, act_tau 67) put 29 against 30 without it [GAP: no published within-patient CV]") \
  X(act_tau, 84.18, "day", 0.0, 1.0, 3650.0,                                                       \
    SRC_CAL "correlation time of that fluctuation, used when act_cv > 0: remit fit (hinge, with act_cv, 2026-11-22, params/fluctuation_fit.csv, docs/validation.md fit l) [GAP: literature silent; flares resolve over weeks, models.md 3.3]") \
  X(trig_k, 0.2490, "1/day", 0.0, 0.01, 10.0,                                                       \
    SRC_CAL "trigger (infection, UV burst, missed doses) fades with t1/2 2.8 d (3.5 d in the hand calibration), the organ response lasting 2-4 weeks: TULIP flare rates with SRI-4/BICLA at week 52 (hand calibration with remit validate, 2026-11-22, docs/validation.md); was 0.05 [GAP] (remit fit, hinge objective, 2026-11-22, fit s of session 6, from fit p with th_haem 0.15, under SLEDAI-2K's 10-day window, BILAG-2004's 4-week look-back and the BILAG-2004/SFI flare definitions: params/default_fit.csv, the used_for_fit targets of validation/map.csv, docs/validation.md; fit p 0.2415; fit n 0.2421; fit b 0.2468; hand calibration 0.2)") \
  X(trig_org, 4.966, "1/event", 0.0, 0.0, 100.0,                                                   \
    SRC_CAL "trigger's direct, organ-level amplification of the inflammatory drive (UV on skin, infection on joints and serosa) without feeding the autoreactive loop: flares that come and go without lowering week-52 responses, TULIP pooled flare rates [V] (hand calibration with remit validate, 2026-11-22, docs/validation.md) [GAP] (remit fit, hinge objective, 2026-11-22, fit s of session 6, from fit p with th_haem 0.15, under SLEDAI-2K's 10-day window, BILAG-2004's 4-week look-back and the BILAG-2004/SFI flare definitions: params/default_fit.csv, the used_for_fit targets of validation/map.csv, docs/validation.md; fit p 5.290; fit n 8.173; fit b 8.334; hand calibration 8.0)") \
  X(trig_ag, 0.4699, "1/event", 0.0, 0.0, 20.0,                                                    \
    SRC_CAL "extra nuclear self-antigen (apoptosis, NETosis) per event, as a multiplier on immune complexes formed per anti-dsDNA (feeds the autoreactive loop: re-ignites disease after rituximab, not after a CAR-T reset); with trig_org one event gives a SLEDAI-2K rise >= 3 in active disease (flare definition, clinical.md 4.1) (hand calibration with remit validate, 2026-11-22, docs/validation.md); was 1.5 (remit fit, hinge objective, 2026-11-22, fit s of session 6, from fit p with th_haem 0.15, under SLEDAI-2K's 10-day window, BILAG-2004's 4-week look-back and the BILAG-2004/SFI flare definitions: params/default_fit.csv, the used_for_fit targets of validation/map.csv, docs/validation.md; fit p 0.4338; fit n 0.3804; fit b 0.4135; hand calibration 0.5)")

/* Parameter indices. */
enum {
#define SLE_P_ENUM_(name, value, unit, cv, lo, hi, src) P_##name,
  SLE_PARAMS(SLE_P_ENUM_)
#undef SLE_P_ENUM_
  NP
};

static const remit_param_info sle_params[NP] = {
#define SLE_P_ROW_(name, value, unit, cv, lo, hi, src) {#name, value, unit, cv, lo, hi, src},
    SLE_PARAMS(SLE_P_ROW_)
#undef SLE_P_ROW_
};

/* Derived values prepare() appends after the table. */
enum {
  D_WT = NP,   /* body weight, kg */
  D_BSA,       /* body surface area, m2 */
  D_BV,        /* blood volume, uL */
  D_SEV,       /* disease severity (autoreactive repertoire scale) */
  D_SKID,      /* renal sensitivity: 1 with nephritis, else 0 */
  D_FLU_V1,    /* L */
  D_FLU_K10,   /* 1/day */
  D_FLU_K12,
  D_FLU_K21,
  D_CY_V,      /* L */
  D_CY_K,      /* 1/day */
  D_RTX_K,
  D_BEL_K,
  D_ANF_K,
  D_WS,        /* 1: Stein special case on */
  D_STEIN_RHO, /* ln(foldx)/Tmax */
  D_NEU_KTR,   /* 2/MTT */
  D_NEU_P0,    /* precursor set-point */
  D_TH_NORM,   /* (t_0 + th_k)/t_0 */
  D_END
};
#define ND (D_END - NP)

/* ------------------------------------------------------------------------ */
/* States                                                                    */
/* ------------------------------------------------------------------------ */

#define SLE_STATES(X)                                                                       \
  X(flu_c, "mg", 10.0, "fludarabine (F-ara-A) central amount")                              \
  X(flu_p, "mg", 10.0, "fludarabine (F-ara-A) peripheral amount")                           \
  X(cy, "mg", 100.0, "cyclophosphamide amount (1-cmt)")                                     \
  X(rtx, "mg", 10.0, "rituximab amount")                                                    \
  X(bel, "mg", 10.0, "belimumab amount")                                                    \
  X(anf, "mg", 10.0, "anifrolumab amount")                                                  \
  X(pred, "mg", 1.0, "prednisone(-olone) body amount")                                      \
  X(hcq, "mg", 100.0, "hydroxychloroquine body amount")                                     \
  X(mpa, "mg", 100.0, "mycophenolate (as MMF) body amount")                                 \
  X(vcs, "mg", 1.0, "voclosporin body amount")                                              \
  X(msc, "1e6 cells", 1.0, "umbilical-cord MSC trapped in lung")                            \
  X(msc_sig, "-", 0.01, "MSC-induced immunomodulatory signal (Treg/IL-10-like)")            \
  X(car_e, "cells/uL", 0.01, "CD19 CAR-T effector")                                         \
  X(car_m, "cells/uL", 0.01, "CD19 CAR-T memory")                                           \
  X(car_x, "cells/uL", 0.01, "exhausted CAR-T (both products)")                             \
  X(bcar_e, "cells/uL", 0.01, "BCMA-CD19 compound CAR-T effector")                          \
  X(bcar_m, "cells/uL", 0.01, "BCMA-CD19 compound CAR-T memory")                            \
  X(car_sw, "-", 1.0, "Stein special case: 1 expansion phase, 0 contraction (unused if car_tmax = 0)") \
  X(t_cells, "cells/uL", 1.0, "endogenous T lymphocytes")                                   \
  X(neu_p, "cells/uL-eq", 10.0, "proliferating neutrophil precursors")                      \
  X(neu_t, "cells/uL-eq", 10.0, "maturing neutrophil precursors")                           \
  X(anc, "cells/uL", 10.0, "absolute neutrophil count")                                     \
  X(plt, "1e9/L", 1.0, "platelets")                                                         \
  X(b_bm, "cells/uL-eq", 0.01, "marrow B precursors (CD19+ fraction car_f19bm)")            \
  X(b_n, "cells/uL", 0.01, "naive/transitional B cells")                                    \
  X(b_m, "cells/uL", 0.01, "memory B cells (non-autoreactive)")                             \
  X(b_a, "cells/uL-eq", 0.01, "activated autoreactive B (memory/GC, tissue)")               \
  X(pb, "cells/uL-eq", 0.01, "CD19+ plasmablasts/plasma cells (non-autoreactive)")          \
  X(pb_a, "cells/uL-eq", 0.01, "CD19+ autoreactive plasmablasts/plasma cells")              \
  X(llpc, "cells/uL-eq", 0.1, "CD19- long-lived plasma cells (protective)")                 \
  X(igg_d, "g/L", 0.01, "IgG from CD19+ plasma cells")                                      \
  X(igg_p, "g/L", 0.01, "protective IgG from long-lived plasma cells")                      \
  X(ads, "IU/mL", 0.1, "anti-dsDNA IgG")                                                    \
  X(ifn, "-", 0.01, "type I interferon signature (1 = healthy)")                            \
  X(baff, "ng/mL", 0.01, "BAFF/BLyS (total)")                                               \
  X(c3, "mg/dL", 0.1, "complement C3")                                                      \
  X(il6, "pg/mL", 0.1, "IL-6 (CRS driver)")                                                 \
  X(kid, "-", 0.001, "renal inflammation (IC units)")                                       \
  X(muco, "-", 0.001, "mucocutaneous inflammation (IC units)")                              \
  X(msk, "-", 0.001, "musculoskeletal inflammation (IC units)")                             \
  X(sero, "-", 0.001, "serosal inflammation (IC units)")                                    \
  X(dmg, "SDI", 0.001, "irreversible organ damage (SDI-like)")                             \
  X(trig, "events", 0.001, "environmental flare trigger (infection, UV, stress), decays at trig_k")

enum {
#define SLE_S_ENUM_(name, unit, scale, doc) S_##name,
  SLE_STATES(SLE_S_ENUM_)
#undef SLE_S_ENUM_
  NS
};

static const remit_var_info sle_states[NS] = {
#define SLE_S_ROW_(name, unit, scale, doc) {#name, unit, doc},
    SLE_STATES(SLE_S_ROW_)
#undef SLE_S_ROW_
};

static const double sle_atol[NS] = {
#define SLE_S_ATOL_(name, unit, scale, doc) scale,
    SLE_STATES(SLE_S_ATOL_)
#undef SLE_S_ATOL_
};

/* Used only if a caller bypasses init (init always overwrites). */
static const double sle_y0[NS] = {0};

/* ------------------------------------------------------------------------ */
/* Inputs                                                                    */
/* ------------------------------------------------------------------------ */

enum {
  I_CART19,
  I_CART_BCMA19,
  I_FLU,
  I_CY,
  I_MSC,
  I_RTX,
  I_BEL,
  I_ANF,
  I_PRED,
  I_HCQ,
  I_MPA,
  I_VCS,
  I_TRIG,
  NI
};

static const remit_input sle_inputs[NI] = {
    {"cart19", "cells/kg", S_car_e, REMIT_INPUT_BOLUS, REMIT_SCALE_PER_KG, 1.0, 1e9,
     "anti-CD19 CAR-T; car_fdist of the cells reach blood (blood volume from Nadler)"},
    {"cart_bcma19", "cells/kg", S_bcar_e, REMIT_INPUT_BOLUS, REMIT_SCALE_PER_KG, 1.0, 1e9,
     "BCMA-CD19 compound CAR-T; also kills CD19- long-lived plasma cells"},
    {"fludarabine", "mg/m2", S_flu_c, REMIT_INPUT_BOLUS, REMIT_SCALE_PER_M2, 1.0, 500.0,
     "fludarabine phosphate; flu_fara of the dose enters as F-ara-A"},
    {"cyclophosphamide", "mg/m2", S_cy, REMIT_INPUT_BOLUS, REMIT_SCALE_PER_M2, 1.0, 20000.0,
     "cyclophosphamide IV"},
    {"msc", "cells/kg", S_msc, REMIT_INPUT_BOLUS, REMIT_SCALE_PER_KG, 1e-6, 1e9,
     "umbilical-cord MSC IV (state in 1e6 cells)"},
    {"rituximab", "mg", S_rtx, REMIT_INPUT_BOLUS, REMIT_SCALE_NONE, 1.0, 20000.0,
     "rituximab IV (anti-CD20)"},
    {"belimumab", "mg/kg", S_bel, REMIT_INPUT_BOLUS, REMIT_SCALE_PER_KG, 1.0, 1000.0,
     "belimumab IV (anti-BAFF)"},
    {"anifrolumab", "mg", S_anf, REMIT_INPUT_BOLUS, REMIT_SCALE_NONE, 1.0, 20000.0,
     "anifrolumab IV (anti-IFNAR1)"},
    {"prednisone", "mg/day", S_pred, REMIT_INPUT_RATE, REMIT_SCALE_NONE, 1.0, 2000.0,
     "oral prednisone(-olone); a taper is several rate doses"},
    {"hydroxychloroquine", "mg/day", S_hcq, REMIT_INPUT_RATE, REMIT_SCALE_NONE, 1.0, 10000.0,
     "oral hydroxychloroquine"},
    {"mycophenolate", "mg/day", S_mpa, REMIT_INPUT_RATE, REMIT_SCALE_NONE, 1.0, 20000.0,
     "oral mycophenolate mofetil"},
    {"voclosporin", "mg/day", S_vcs, REMIT_INPUT_RATE, REMIT_SCALE_NONE, 1.0, 2000.0,
     "oral voclosporin (calcineurin inhibitor)"},
    {"flare_trigger", "events", S_trig, REMIT_INPUT_BOLUS, REMIT_SCALE_NONE, 1.0, 10.0,
     "environmental flare trigger (infection, UV, stress, non-adherence): releases nuclear "
     "self-antigen that forms immune complexes with the patient's own anti-dsDNA"},
};

/* ------------------------------------------------------------------------ */
/* Readouts                                                                  */
/* ------------------------------------------------------------------------ */

#define SLE_READOUTS(X)                                                                     \
  X(sledai_seizure, "points", "SLEDAI-2K seizure (8): not modelled, always 0")              \
  X(sledai_psychosis, "points", "SLEDAI-2K psychosis (8): not modelled, always 0")          \
  X(sledai_obs, "points", "SLEDAI-2K organic brain syndrome (8): not modelled, always 0")   \
  X(sledai_visual, "points", "SLEDAI-2K visual disturbance (8): not modelled, always 0")    \
  X(sledai_cranial_nerve, "points", "SLEDAI-2K cranial nerve disorder (8): not modelled, always 0") \
  X(sledai_headache, "points", "SLEDAI-2K lupus headache (8): not modelled, always 0")      \
  X(sledai_cva, "points", "SLEDAI-2K CVA (8): not modelled, always 0")                      \
  X(sledai_vasculitis, "points", "SLEDAI-2K vasculitis (8): muco > th_vasculitis")          \
  X(sledai_arthritis, "points", "SLEDAI-2K arthritis (4): msk > th_arthritis")              \
  X(sledai_myositis, "points", "SLEDAI-2K myositis (4): msk > th_myositis")                 \
  X(sledai_casts, "points", "SLEDAI-2K urinary casts (4): kid > th_casts")                  \
  X(sledai_haematuria, "points", "SLEDAI-2K haematuria (4): kid > th_haem")                 \
  X(sledai_proteinuria, "points", "SLEDAI-2K proteinuria (4): > th_prot g/day")             \
  X(sledai_pyuria, "points", "SLEDAI-2K pyuria (4): kid > th_pyuria")                       \
  X(sledai_rash, "points", "SLEDAI-2K rash (2): muco > th_rash")                            \
  X(sledai_alopecia, "points", "SLEDAI-2K alopecia (2): muco > th_alopecia")                \
  X(sledai_ulcers, "points", "SLEDAI-2K mucosal ulcers (2): muco > th_ulcers")              \
  X(sledai_pleurisy, "points", "SLEDAI-2K pleurisy (2): sero > th_pleurisy")                \
  X(sledai_pericarditis, "points", "SLEDAI-2K pericarditis (2): sero > th_pericarditis")    \
  X(sledai_complement, "points", "SLEDAI-2K low complement (2): C3 < th_c3")                \
  X(sledai_dsdna, "points", "SLEDAI-2K increased DNA binding (2): anti-dsDNA > th_dsdna")   \
  X(sledai_fever, "points", "SLEDAI-2K fever (1): IFN > th_fever")                          \
  X(sledai_thrombocytopenia, "points", "SLEDAI-2K thrombocytopenia (1): platelets < th_plt_sledai") \
  X(sledai_leukopenia, "points", "SLEDAI-2K leukopenia (1): WBC < th_wbc_sledai")           \
  X(sledai2k, "points", "SLEDAI-2K total (0-105)")                                          \
  X(csledai, "points", "clinical SLEDAI (without low complement and anti-dsDNA)")           \
  X(pga, "0-3", "physician global assessment proxy: 3 A^h/(A^h + pga_k^h), A = organ activity / item thresholds") \
  X(bilag_mucocutaneous, "1-4", "BILAG-like grade: 1 none, 2 C, 3 B, 4 A (muco / th_rash vs bilag_c/b/a)") \
  X(bilag_musculoskeletal, "1-4", "BILAG-like grade (msk / th_arthritis vs bilag_c/b/a)")     \
  X(bilag_cardiorespiratory, "1-4", "BILAG-like grade (serositis / th_pleurisy vs bilag_c/b/a)") \
  X(dsdna_abnormal, "0/1", "anti-dsDNA above th_dsdna")                                     \
  X(c3_low, "0/1", "C3 below th_c3")                                                        \
  X(anti_dsdna, "IU/mL", "anti-dsDNA")                                                      \
  X(c3_mg_dl, "mg/dL", "complement C3")                                                     \
  X(proteinuria, "g/day", "proteinuria")                                                    \
  X(bcells, "cells/uL", "CD19+ B cells (naive + memory + activated autoreactive)")          \
  X(bcell_naive_fraction, "-", "naive share of B cells")                                    \
  X(bcell_memory, "cells/uL", "memory and activated autoreactive B cells (CD19+, non-naive)")  \
  X(plasmablasts, "cells/uL", "CD19+ plasmablasts and short-lived plasma cells (both pools)") \
  X(cart_level, "cells/uL", "CAR-T cells in blood (both products, all phenotypes)")         \
  X(crs_grade, "0-4", "ASTCT CRS grade proxy from IL-6 (thresholds crs_il6_*)")             \
  X(icans_grade, "0-4", "ICANS grade proxy from IL-6 (thresholds icans_il6_*)")             \
  X(anc_cells_ul, "cells/uL", "absolute neutrophil count")                                  \
  X(neutropenia_grade, "0-4", "CTCAE v5 neutrophil count decreased")                       \
  X(lymphocytes, "cells/uL", "lymphocytes (T + B + CAR-T)")                                 \
  X(lymphopenia_grade, "0-4", "CTCAE v5 lymphocyte count decreased")                        \
  X(platelets, "1e9/L", "platelets")                                                        \
  X(thrombocytopenia_grade, "0-4", "CTCAE v5 platelet count decreased")                    \
  X(igg_g_l, "g/L", "total IgG")                                                            \
  X(protective_igg, "g/L", "protective (vaccine) IgG from long-lived plasma cells")         \
  X(hypogamma, "0/1", "IgG below th_igg_low")                                               \
  X(infection_hazard, "1/year", "instantaneous serious-infection hazard")                   \
  X(damage_sdi, "SDI", "accrued organ damage (SDI-like)")                                   \
  X(ifn_signature, "-", "type I IFN signature (1 = healthy)")                               \
  X(il6_pg_ml, "pg/mL", "IL-6")

enum {
#define SLE_R_ENUM_(name, unit, doc) R_##name,
  SLE_READOUTS(SLE_R_ENUM_)
#undef SLE_R_ENUM_
  NR
};

static const remit_var_info sle_readouts[NR] = {
#define SLE_R_ROW_(name, unit, doc) {#name, unit, doc},
    SLE_READOUTS(SLE_R_ROW_)
#undef SLE_R_ROW_
};

/* ------------------------------------------------------------------------ */
/* Shared algebra                                                            */
/* ------------------------------------------------------------------------ */

/* Emax fraction of a rate-equivalent dose R = k * amount (mg/day). */
static inline double hfrac(double r, double ed50) {
  return r / (r + ed50);
}

/* max(x, 0)^n for the Hill term of the disease loop.  The table's Hill
 * coefficient is 2, and x * x is about 20 times cheaper than pow (one of
 * the two pow calls of each right-hand side); the two agree to the last bit
 * or within one ulp. */
static inline double hill_pow(double x, double n) {
  const double xp = x > 0.0 ? x : 0.0;
  return n == 2.0 ? xp * xp : pow(xp, n);
}

/* Quantities the RHS and the readouts share. */
typedef struct sle_alg {
  double ic;      /* immune-complex index */
  double ie;      /* effective (IFNAR-available) IFN */
  double hp;      /* GC effect fraction */
  double org;     /* organ-drive multiplier (1 - GC) */
  double a19;     /* CD19 antigen saturation */
  double abc;     /* BCMA/CD19 antigen saturation */
} sle_alg;

static inline void sle_algebra(const double *y, const double *p, sle_alg *a) {
  double rp = p[P_pred_k] * y[S_pred];
  a->hp = hfrac(rp, p[P_pred_ed50]);
  a->org = 1.0 - p[P_pred_emax_org] * a->hp;
  /* A trigger releases nuclear self-antigen: more IC per unit of anti-dsDNA.
   * The effect is proportional to the patient's own anti-dsDNA, so it is
   * state-dependent: large on the disease branch, ~0 after an immune reset. */
  a->ic = y[S_ads] / p[P_ads_ic] * (1.0 + p[P_trig_ag] * y[S_trig]);
  double canf = y[S_anf] / p[P_anf_v];
  a->ie = y[S_ifn] * (1.0 - p[P_anf_emax] * canf / (canf + p[P_anf_ic50]));
  double b19 = p[P_car_f19bm] * y[S_b_bm] + y[S_b_n] + y[S_b_m] + y[S_b_a] + y[S_pb] + y[S_pb_a];
  a->a19 = b19 / (b19 + p[P_car_kb]);
  a->abc = (b19 + y[S_llpc]) / (b19 + y[S_llpc] + p[P_car_kb]);
}

/* ------------------------------------------------------------------------ */
/* Right-hand side                                                           */
/* ------------------------------------------------------------------------ */

static int sle_rhs(double t, const double *y, double *f, const double *p, void *user) {
  (void)t;
  (void)user;
  sle_alg a;
  sle_algebra(y, p, &a);

  /* PK concentrations (mg/L) and rate-equivalent doses (mg/day). */
  const double cflu = y[S_flu_c] / p[D_FLU_V1];
  const double ccy = y[S_cy] / p[D_CY_V];
  const double crtx = y[S_rtx] / p[P_rtx_v];
  const double cbel = y[S_bel] / p[P_bel_v];
  const double hh = hfrac(p[P_hcq_k] * y[S_hcq], p[P_hcq_ed50]);
  const double hm = hfrac(p[P_mpa_k] * y[S_mpa], p[P_mpa_ed50]);
  const double hv = hfrac(p[P_vcs_k] * y[S_vcs], p[P_vcs_ed50]);
  const double hmsc = y[S_msc_sig] / (y[S_msc_sig] + p[P_msc_ec50]);

  /* Lymphodepletion kill (1/day) on lymphocytes and on marrow precursors. */
  const double ld = p[P_ld_kflu] * cflu + p[P_ld_kcy] * ccy;
  const double ldn = p[P_neu_kflu] * cflu + p[P_neu_kcy] * ccy;
  const double krtx = p[P_rtx_kmax] * crtx / (crtx + p[P_rtx_ec50]);

  /* Immune suppression of activation (GC, MPA, CNI, MSC) and T help. */
  const double supp = (1.0 - p[P_pred_emax_act] * a.hp) * (1.0 - p[P_mpa_emax] * hm) *
                      (1.0 - p[P_vcs_emax_act] * hv) * (1.0 - p[P_msc_emax] * hmsc);
  const double T = y[S_t_cells];
  const double th = T / (T + p[P_th_k]) * p[D_TH_NORM];

  /* CAR-T. */
  /* After lymphodepletion the CAR-T growth rate is positive even without
   * CAR-T, so the solver's round-off in an empty compartment (|E| ~ atol)
   * would grow e-fold daily: a negative seed into "negative killing" that
   * multiplied B cells a million-fold (seen in a Deng 2017 virtual patient
   * on cyclophosphamide), a positive one into phantom CAR-T.  So killing,
   * IL-6 and the cytokine sink see cell numbers clamped at 0, and
   * proliferation needs at least about one cell in the body: factor
   * E/(E + car_e0), car_e0 = 1e-7 cells/uL = one cell in 5 L of blood (an
   * infusion starts near 1 cell/uL, where the factor is 1 - 1e-7).  The
   * linear transit and death terms keep the raw values, so a negative
   * round-off decays back to 0. */
  const double Er = y[S_car_e], Mr = y[S_car_m], Xr = y[S_car_x], bEr = y[S_bcar_e], bMr = y[S_bcar_m];
  const double E = fmax(Er, 0.0), M = fmax(Mr, 0.0), X = fmax(Xr, 0.0);
  const double bE = fmax(bEr, 0.0), bM = fmax(bMr, 0.0);
  const double eE = E * E / (E + p[P_car_e0]), ebE = bE * bE / (bE + p[P_car_e0]);
  const double ctot = E + M + X + bE + bM;
  const double hb = p[P_car_hboost];
  const double hfac = (1.0 - hb) + hb / (1.0 + p[P_car_eta] * (T + ctot) / p[P_t_0]);
  const double ws = p[D_WS], sw = y[S_car_sw];
  const double kem = p[P_car_kem], de = p[P_car_de], kex = p[P_car_kex];
  const double kme = p[P_car_kme], dm = p[P_car_dm], dx = p[P_car_dx], rho = p[P_car_rho];
  const double srho = p[D_STEIN_RHO], alpha = p[P_car_alpha], beta = p[P_car_beta];
  const double hom = p[P_car_hom];
  const double mE = rho * (a.a19 + hom) * hfac * eE - (kem + de + kex * a.a19) * Er + kme * a.a19 * Mr;
  const double mM = kem * Er - kme * a.a19 * Mr - dm * Mr;
  const double mbE = rho * (a.abc + hom) * hfac * ebE - (kem + de + kex * a.abc) * bEr + kme * a.abc * bMr;
  const double mbM = kem * bEr - kme * a.abc * bMr - dm * bMr;
  const double mX = kex * (a.a19 * Er + a.abc * bEr) - dx * Xr;
  const double sgrow = srho * sw - alpha * (1.0 - sw);
  f[S_car_e] = (1.0 - ws) * mE + ws * sgrow * Er;
  f[S_car_m] = (1.0 - ws) * mM - ws * beta * Mr;
  f[S_bcar_e] = (1.0 - ws) * mbE + ws * sgrow * bEr;
  f[S_bcar_m] = (1.0 - ws) * mbM - ws * beta * bMr;
  f[S_car_x] = (1.0 - ws) * mX - ws * dx * Xr;
  f[S_car_sw] = 0.0;
  const double fmk = p[P_car_fmk];
  const double kill = p[P_car_kill] * (E + fmk * M + bE + fmk * bM);
  const double kill_ll = p[P_car_kill] * p[P_car_bcma_ll] * (bE + fmk * bM);

  /* Endogenous T cells: influx, logistic homeostatic regrowth, LD kill. */
  f[S_t_cells] = p[P_t_s] * (1.0 - T / p[P_t_0]) + p[P_t_r] * T * (1.0 - T / p[P_t_0]) - ld * T;

  /* Neutrophils (Friberg-type) and platelets. */
  const double ktr = p[D_NEU_KTR];
  const double anc = y[S_anc];
  const double fb = pow(p[P_neu_0] / anc, p[P_neu_gamma]);
  f[S_neu_p] = ktr * y[S_neu_p] * (fb - 1.0) - ldn * y[S_neu_p];
  f[S_neu_t] = ktr * (y[S_neu_p] - y[S_neu_t]);
  f[S_anc] = ktr * y[S_neu_t] - p[P_neu_kcirc] * (1.0 + p[P_neu_wifn] * (y[S_ifn] - 1.0)) * anc;
  f[S_plt] = p[P_plt_k] * (p[P_plt_0] * y[S_neu_p] / p[D_NEU_P0] -
                           (1.0 + p[P_plt_wic] * a.ic * a.org) * y[S_plt]);

  /* BAFF (free fraction after belimumab) and B lineage. */
  const double bfree = y[S_baff] / (1.0 + cbel / p[P_bel_kd]);
  const double kb = p[P_baff_kb];
  const double lack = kb / (bfree + kb);
  const double bbm = y[S_b_bm], bn = y[S_b_n], bm = y[S_b_m], ba = y[S_b_a];
  const double bap = fmax(ba, 0.0); /* keeps the saturation denominator positive */
  const double pbv = y[S_pb], pba = y[S_pb_a], ll = y[S_llpc];
  f[S_b_bm] = p[P_b_bm0] * p[P_b_kbm] - (p[P_b_kbm] + ld + p[P_car_f19bm] * kill) * bbm;
  f[S_b_n] = p[P_b_kbm] * bbm - (p[P_b_dn] * (1.0 + p[P_b_ebaff] * lack) + p[P_b_kact] +
                                 p[P_b_kpbn] + ld + kill + krtx) * bn;
  f[S_b_m] = p[P_b_kact] * bn - (p[P_b_dm] + p[P_b_kpbm] + ld + kill + krtx) * bm;
  f[S_pb] = p[P_b_kpbn] * bn + p[P_b_kpbm] * bm - (p[P_b_dpb] + p[P_b_kll] + ld + kill) * pbv;
  f[S_llpc] = p[P_b_kll] * pbv - (p[P_b_dll] + kill_ll) * ll;

  /* The disease loop: IC-driven activation of the autoreactive compartment. */
  const double sev = p[D_SEV];
  const double xs = a.ic * (1.0 + p[P_ifn_w_act] * (a.ie - 1.0)) / (sev * p[P_a_kx0]);
  const double xn = hill_pow(xs, p[P_a_n]);
  const double g = xn / (xn + 1.0);
  const double act = th * supp * g;
  f[S_b_a] = p[P_a_kin] * bn * th * supp +
             p[P_a_r] * act * bap / (1.0 + bap / (sev * p[P_a_kcap0])) -
             (p[P_a_d] * (1.0 + p[P_a_ebaff] * lack) + p[P_ld_bma_frac] * ld + kill +
              p[P_rtx_tissue] * krtx) * ba;
  f[S_pb_a] = p[P_a_kpa] * th * supp * ba - (p[P_a_dpa] + p[P_ld_pba_frac] * ld + kill) * pba;
  f[S_kid] = 0.0; /* set below */

  /* Antibodies, IFN, BAFF, complement, IL-6. */
  const double kig = p[P_igg_k];
  f[S_igg_d] = p[P_b_qp] * pbv - kig * y[S_igg_d];
  f[S_igg_p] = p[P_b_ql] * ll - kig * y[S_igg_p];
  f[S_ads] = p[P_a_q] * pba - kig * y[S_ads];
  f[S_ifn] = p[P_ifn_k] * (1.0 + p[P_ifn_ic] * a.ic * (1.0 - p[P_hcq_emax] * hh) - y[S_ifn]);
  f[S_baff] = p[P_baff_syn] * (1.0 + p[P_baff_wifn] * (y[S_ifn] - 1.0)) -
              (p[P_baff_kdeg] + p[P_baff_kcons] * (bbm + bn + bm + ba)) * y[S_baff];
  f[S_c3] = p[P_c3_k] * (p[P_c3_n] - y[S_c3]) - p[P_c3_kic] * a.ic * y[S_c3];
  f[S_il6] = p[P_il6_kcl] * (p[P_il6_0] + p[P_il6_wic] * a.ic * a.org - y[S_il6]) +
             p[P_il6_kcar] * (E * a.a19 + bE * a.abc);

  /* Organ inflammation and damage. */
  const double tfo = 1.0 + p[P_trig_org] * y[S_trig];
  const double drive = a.ic * a.org * tfo;
  const double sk = p[P_skin_wifn];
  f[S_kid] = p[P_org_kkid] * (p[D_SKID] * drive * (1.0 - p[P_vcs_emax_kid] * hv) - y[S_kid]);
  f[S_muco] = p[P_org_kmuco] * (drive * ((1.0 - sk) + sk * a.ie / p[P_ifn_ref]) - y[S_muco]);
  f[S_msk] = p[P_org_kmsk] * (drive - y[S_msk]);
  f[S_sero] = p[P_org_ksero] * (drive - y[S_sero]);
  f[S_dmg] = p[P_dmg_kact] * (y[S_kid] + y[S_muco] + y[S_msk] + y[S_sero]) +
             p[P_dmg_kgc] * p[P_pred_k] * y[S_pred];

  /* Drug PK. */
  f[S_flu_c] = -(p[D_FLU_K10] + p[D_FLU_K12]) * y[S_flu_c] + p[D_FLU_K21] * y[S_flu_p];
  f[S_flu_p] = p[D_FLU_K12] * y[S_flu_c] - p[D_FLU_K21] * y[S_flu_p];
  f[S_cy] = -p[D_CY_K] * y[S_cy];
  f[S_rtx] = -p[D_RTX_K] * y[S_rtx];
  f[S_bel] = -p[D_BEL_K] * y[S_bel];
  f[S_anf] = -p[D_ANF_K] * y[S_anf];
  f[S_pred] = -p[P_pred_k] * y[S_pred];
  f[S_hcq] = -p[P_hcq_k] * y[S_hcq];
  f[S_mpa] = -p[P_mpa_k] * y[S_mpa];
  f[S_vcs] = -p[P_vcs_k] * y[S_vcs];
  f[S_msc] = -p[P_msc_k] * y[S_msc];
  f[S_msc_sig] = p[P_msc_ksig] * y[S_msc] - p[P_msc_kd] * y[S_msc_sig];
  f[S_trig] = -p[P_trig_k] * y[S_trig];

  for (int i = 0; i < NS; i++) {
    if (!isfinite(f[i])) {
      return 1; /* recoverable: the solver retries with a smaller step */
    }
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Jacobian                                                                  */
/* ------------------------------------------------------------------------ */

/* The analytic Jacobian J[i][j] = d f_i / d y_j of sle_rhs, by the chain
 * rule written out in the order of the RHS.  It saves the 43 right-hand
 * sides of a difference-quotient Jacobian at every Jacobian update (about 40
 * % of a patient's right-hand sides, more with many doses, since every
 * restart takes a fresh Jacobian).  It must follow the RHS term by term:
 * tests/unit/test_sle.c compares it with central differences of sle_rhs at
 * random states and parameter sets and along treated trajectories, so a
 * changed RHS term without the matching change here fails the tests.
 *
 * An intermediate (the immune-complex index, the antigen saturations, the
 * kill rates, ...) carries its gradient as a short list of (state, value)
 * pairs, and every term adds coefficient x gradient to its row. */
typedef struct sle_grad {
  int n;
  int idx[8];
  double val[8];
} sle_grad;

static inline void grad_add(sle_grad *g, int state, double v) {
  g->idx[g->n] = state;
  g->val[g->n++] = v;
}

/* Row `row` of J += c * g. */
static inline void jadd(double *J, int row, double c, const sle_grad *g) {
  double *r = J + (size_t)row * NS;
  for (int k = 0; k < g->n; k++) {
    r[g->idx[k]] += c * g->val[k];
  }
}

#define JE(i, j) J[(size_t)(i) * NS + (size_t)(j)]

/* d/dx of the Emax fraction x / (x + c). */
static inline double dhfrac(double x, double c) {
  return c / ((x + c) * (x + c));
}

/* The rows of one CAR-T product's effector (e) and memory (m) states,
 * antigen saturation ag with gradient g_ag (a19 for CD19, abc for
 * BCMA-CD19), homeostatic factor hfac with gradient g_hfac:
 *   f_e = (1 - ws) me + ws sgrow E,  f_m = (1 - ws) mm - ws beta M,
 *   me = rho (ag + hom) hfac E - (kem + de + kex ag) E + kme ag M,
 *   mm = kem E - kme ag M - dm M,  sgrow = srho sw - alpha (1 - sw). */
static void jac_car_product(double *J, const double *p, const double *y, int e, int m, double ag,
                            const sle_grad *g_ag, double hfac, const sle_grad *g_hfac) {
  const double E = y[e], M = y[m], sw = y[S_car_sw];
  const double ws = p[D_WS], w1 = 1.0 - ws;
  const double kem = p[P_car_kem], de = p[P_car_de], kex = p[P_car_kex];
  const double kme = p[P_car_kme], dm = p[P_car_dm], rho = p[P_car_rho];
  const double srho = p[D_STEIN_RHO], alpha = p[P_car_alpha], hom = p[P_car_hom];
  const double sgrow = srho * sw - alpha * (1.0 - sw);
  /* Proliferation on eE = E+^2/(E+ + e0) (sle_rhs). */
  const double Ep = E > 0.0 ? E : 0.0, e0 = p[P_car_e0];
  const double eE = Ep * Ep / (Ep + e0), deE = Ep * (Ep + 2.0 * e0) / ((Ep + e0) * (Ep + e0));
  JE(e, e) += w1 * (rho * (ag + hom) * hfac * deE - (kem + de + kex * ag)) + ws * sgrow;
  JE(e, m) += w1 * kme * ag;
  jadd(J, e, w1 * (rho * hfac * eE - kex * E + kme * M), g_ag);
  jadd(J, e, w1 * rho * (ag + hom) * eE, g_hfac);
  JE(e, S_car_sw) += ws * (srho + alpha) * E;
  JE(m, e) += w1 * kem;
  JE(m, m) += w1 * (-kme * ag - dm) - ws * p[P_car_beta];
  jadd(J, m, -w1 * kme * M, g_ag);
}

static int sle_jac(double t, const double *y, const double *p, double *J, void *user) {
  (void)t;
  (void)user;
  for (size_t k = 0; k < (size_t)NS * NS; k++) {
    J[k] = 0.0;
  }
  sle_alg a;
  sle_algebra(y, p, &a);

  /* Gradients of the shared algebra (sle_algebra). */
  const double rp = p[P_pred_k] * y[S_pred];
  const double dhp = p[P_pred_k] * dhfrac(rp, p[P_pred_ed50]);
  sle_grad g_org = {0};
  grad_add(&g_org, S_pred, -p[P_pred_emax_org] * dhp);
  sle_grad g_ic = {0};
  grad_add(&g_ic, S_ads, (1.0 + p[P_trig_ag] * y[S_trig]) / p[P_ads_ic]);
  grad_add(&g_ic, S_trig, y[S_ads] / p[P_ads_ic] * p[P_trig_ag]);
  const double canf = y[S_anf] / p[P_anf_v];
  sle_grad g_ie = {0};
  grad_add(&g_ie, S_ifn, 1.0 - p[P_anf_emax] * canf / (canf + p[P_anf_ic50]));
  grad_add(&g_ie, S_anf, -y[S_ifn] * p[P_anf_emax] * dhfrac(canf, p[P_anf_ic50]) / p[P_anf_v]);
  const double b19 =
      p[P_car_f19bm] * y[S_b_bm] + y[S_b_n] + y[S_b_m] + y[S_b_a] + y[S_pb] + y[S_pb_a];
  const double da19 = dhfrac(b19, p[P_car_kb]);
  const double dabc = dhfrac(b19 + y[S_llpc], p[P_car_kb]);
  sle_grad g_a19 = {0}, g_abc = {0};
  grad_add(&g_a19, S_b_bm, p[P_car_f19bm] * da19);
  grad_add(&g_abc, S_b_bm, p[P_car_f19bm] * dabc);
  const int b19_states[5] = {S_b_n, S_b_m, S_b_a, S_pb, S_pb_a};
  for (int k = 0; k < 5; k++) {
    grad_add(&g_a19, b19_states[k], da19);
    grad_add(&g_abc, b19_states[k], dabc);
  }
  grad_add(&g_abc, S_llpc, dabc);

  /* PK concentrations, Emax fractions, kill rates, suppression, T help. */
  const double cflu = y[S_flu_c] / p[D_FLU_V1];
  const double ccy = y[S_cy] / p[D_CY_V];
  const double crtx = y[S_rtx] / p[P_rtx_v];
  const double cbel = y[S_bel] / p[P_bel_v];
  const double rh = p[P_hcq_k] * y[S_hcq], rm = p[P_mpa_k] * y[S_mpa];
  const double rv = p[P_vcs_k] * y[S_vcs];
  const double hh = hfrac(rh, p[P_hcq_ed50]);
  const double hm = hfrac(rm, p[P_mpa_ed50]);
  const double hv = hfrac(rv, p[P_vcs_ed50]);
  const double sig = y[S_msc_sig];
  const double hmsc = sig / (sig + p[P_msc_ec50]);
  const double dhh = p[P_hcq_k] * dhfrac(rh, p[P_hcq_ed50]);
  const double dhm = p[P_mpa_k] * dhfrac(rm, p[P_mpa_ed50]);
  const double dhv = p[P_vcs_k] * dhfrac(rv, p[P_vcs_ed50]);
  const double dhmsc = dhfrac(sig, p[P_msc_ec50]);
  const double ld = p[P_ld_kflu] * cflu + p[P_ld_kcy] * ccy;
  const double ldn = p[P_neu_kflu] * cflu + p[P_neu_kcy] * ccy;
  const double krtx = p[P_rtx_kmax] * crtx / (crtx + p[P_rtx_ec50]);
  sle_grad g_ld = {0}, g_ldn = {0}, g_krtx = {0};
  grad_add(&g_ld, S_flu_c, p[P_ld_kflu] / p[D_FLU_V1]);
  grad_add(&g_ld, S_cy, p[P_ld_kcy] / p[D_CY_V]);
  grad_add(&g_ldn, S_flu_c, p[P_neu_kflu] / p[D_FLU_V1]);
  grad_add(&g_ldn, S_cy, p[P_neu_kcy] / p[D_CY_V]);
  grad_add(&g_krtx, S_rtx, p[P_rtx_kmax] * dhfrac(crtx, p[P_rtx_ec50]) / p[P_rtx_v]);
  const double s1 = 1.0 - p[P_pred_emax_act] * a.hp, s2 = 1.0 - p[P_mpa_emax] * hm;
  const double s3 = 1.0 - p[P_vcs_emax_act] * hv, s4 = 1.0 - p[P_msc_emax] * hmsc;
  const double supp = s1 * s2 * s3 * s4;
  sle_grad g_supp = {0};
  grad_add(&g_supp, S_pred, -p[P_pred_emax_act] * dhp * s2 * s3 * s4);
  grad_add(&g_supp, S_mpa, -p[P_mpa_emax] * dhm * s1 * s3 * s4);
  grad_add(&g_supp, S_vcs, -p[P_vcs_emax_act] * dhv * s1 * s2 * s4);
  grad_add(&g_supp, S_msc_sig, -p[P_msc_emax] * dhmsc * s1 * s2 * s3);
  const double T = y[S_t_cells];
  const double th = T / (T + p[P_th_k]) * p[D_TH_NORM];
  const double dth = dhfrac(T, p[P_th_k]) * p[D_TH_NORM];

  /* CAR-T. */
  const double E = y[S_car_e], M = y[S_car_m], X = y[S_car_x];
  const double bE = y[S_bcar_e], bM = y[S_bcar_m];
  const double ctot = E + M + X + bE + bM;
  const double hb = p[P_car_hboost];
  const double hden = 1.0 + p[P_car_eta] * (T + ctot) / p[P_t_0];
  const double hfac = (1.0 - hb) + hb / hden;
  const double dhfac = -hb * p[P_car_eta] / p[P_t_0] / (hden * hden);
  sle_grad g_hfac = {0};
  const int hfac_states[6] = {S_t_cells, S_car_e, S_car_m, S_car_x, S_bcar_e, S_bcar_m};
  for (int k = 0; k < 6; k++) {
    grad_add(&g_hfac, hfac_states[k], y[hfac_states[k]] > 0.0 ? dhfac : 0.0); /* ctot of clamped pools */
  }
  const double ws = p[D_WS], w1 = 1.0 - ws;
  const double kex = p[P_car_kex], dx = p[P_car_dx];
  jac_car_product(J, p, y, S_car_e, S_car_m, a.a19, &g_a19, hfac, &g_hfac);
  jac_car_product(J, p, y, S_bcar_e, S_bcar_m, a.abc, &g_abc, hfac, &g_hfac);
  /* f_car_x = (1 - ws) (kex (a19 E + abc bE) - dx X) - ws dx X. */
  JE(S_car_x, S_car_e) += w1 * kex * a.a19;
  JE(S_car_x, S_bcar_e) += w1 * kex * a.abc;
  jadd(J, S_car_x, w1 * kex * E, &g_a19);
  jadd(J, S_car_x, w1 * kex * bE, &g_abc);
  JE(S_car_x, S_car_x) += -w1 * dx - ws * dx;
  const double fmk = p[P_car_fmk], ck = p[P_car_kill];
  /* Killing sees the pools clamped at 0 (sle_rhs). */
  const double Ep = fmax(E, 0.0), Mp = fmax(M, 0.0), bEp = fmax(bE, 0.0), bMp = fmax(bM, 0.0);
  const double iE = E > 0.0, iM = M > 0.0, ibE = bE > 0.0, ibM = bM > 0.0;
  const double kill = ck * (Ep + fmk * Mp + bEp + fmk * bMp);
  const double kill_ll = ck * p[P_car_bcma_ll] * (bEp + fmk * bMp);
  sle_grad g_kill = {0}, g_kill_ll = {0};
  grad_add(&g_kill, S_car_e, ck * iE);
  grad_add(&g_kill, S_car_m, ck * fmk * iM);
  grad_add(&g_kill, S_bcar_e, ck * ibE);
  grad_add(&g_kill, S_bcar_m, ck * fmk * ibM);
  grad_add(&g_kill_ll, S_bcar_e, ck * p[P_car_bcma_ll] * ibE);
  grad_add(&g_kill_ll, S_bcar_m, ck * p[P_car_bcma_ll] * fmk * ibM);

  /* Endogenous T cells. */
  JE(S_t_cells, S_t_cells) +=
      -p[P_t_s] / p[P_t_0] + p[P_t_r] * (1.0 - 2.0 * T / p[P_t_0]) - ld;
  jadd(J, S_t_cells, -T, &g_ld);

  /* Neutrophils and platelets. */
  const double ktr = p[D_NEU_KTR];
  const double anc = y[S_anc];
  const double fb = pow(p[P_neu_0] / anc, p[P_neu_gamma]);
  JE(S_neu_p, S_neu_p) += ktr * (fb - 1.0) - ldn;
  JE(S_neu_p, S_anc) += -ktr * y[S_neu_p] * p[P_neu_gamma] * fb / anc;
  jadd(J, S_neu_p, -y[S_neu_p], &g_ldn);
  JE(S_neu_t, S_neu_p) += ktr;
  JE(S_neu_t, S_neu_t) += -ktr;
  JE(S_anc, S_neu_t) += ktr;
  JE(S_anc, S_ifn) += -p[P_neu_kcirc] * p[P_neu_wifn] * anc;
  JE(S_anc, S_anc) += -p[P_neu_kcirc] * (1.0 + p[P_neu_wifn] * (y[S_ifn] - 1.0));
  const double pk = p[P_plt_k], pw = p[P_plt_wic];
  JE(S_plt, S_neu_p) += pk * p[P_plt_0] / p[D_NEU_P0];
  JE(S_plt, S_plt) += -pk * (1.0 + pw * a.ic * a.org);
  jadd(J, S_plt, -pk * pw * a.org * y[S_plt], &g_ic);
  jadd(J, S_plt, -pk * pw * a.ic * y[S_plt], &g_org);

  /* BAFF (free after belimumab) and the B lineage. */
  const double bden = 1.0 + cbel / p[P_bel_kd];
  const double bfree = y[S_baff] / bden;
  const double dlack = -dhfrac(bfree, p[P_baff_kb]);
  const double lack = p[P_baff_kb] / (bfree + p[P_baff_kb]);
  sle_grad g_lack = {0};
  grad_add(&g_lack, S_baff, dlack / bden);
  grad_add(&g_lack, S_bel, -dlack * y[S_baff] / (bden * bden) / p[P_bel_kd] / p[P_bel_v]);
  const double bbm = y[S_b_bm], bn = y[S_b_n], bm = y[S_b_m], ba = y[S_b_a];
  const double pbv = y[S_pb], pba = y[S_pb_a], ll = y[S_llpc];
  JE(S_b_bm, S_b_bm) += -(p[P_b_kbm] + ld + p[P_car_f19bm] * kill);
  jadd(J, S_b_bm, -bbm, &g_ld);
  jadd(J, S_b_bm, -p[P_car_f19bm] * bbm, &g_kill);
  JE(S_b_n, S_b_bm) += p[P_b_kbm];
  JE(S_b_n, S_b_n) += -(p[P_b_dn] * (1.0 + p[P_b_ebaff] * lack) + p[P_b_kact] + p[P_b_kpbn] + ld +
                        kill + krtx);
  jadd(J, S_b_n, -p[P_b_dn] * p[P_b_ebaff] * bn, &g_lack);
  jadd(J, S_b_n, -bn, &g_ld);
  jadd(J, S_b_n, -bn, &g_kill);
  jadd(J, S_b_n, -bn, &g_krtx);
  JE(S_b_m, S_b_n) += p[P_b_kact];
  JE(S_b_m, S_b_m) += -(p[P_b_dm] + p[P_b_kpbm] + ld + kill + krtx);
  jadd(J, S_b_m, -bm, &g_ld);
  jadd(J, S_b_m, -bm, &g_kill);
  jadd(J, S_b_m, -bm, &g_krtx);
  JE(S_pb, S_b_n) += p[P_b_kpbn];
  JE(S_pb, S_b_m) += p[P_b_kpbm];
  JE(S_pb, S_pb) += -(p[P_b_dpb] + p[P_b_kll] + ld + kill);
  jadd(J, S_pb, -pbv, &g_ld);
  jadd(J, S_pb, -pbv, &g_kill);
  JE(S_llpc, S_pb) += p[P_b_kll];
  JE(S_llpc, S_llpc) += -(p[P_b_dll] + kill_ll);
  jadd(J, S_llpc, -ll, &g_kill_ll);

  /* The disease loop. */
  const double sev = p[D_SEV];
  const double xden = sev * p[P_a_kx0];
  const double amp = 1.0 + p[P_ifn_w_act] * (a.ie - 1.0);
  const double xs = a.ic * amp / xden;
  const double xn = hill_pow(xs, p[P_a_n]);
  const double g = xn / (xn + 1.0);
  /* dg/dxs = n xs^(n-1) / (xs^n + 1)^2 for xs > 0; the RHS clamps xs at 0. */
  const double dg = xs > 0.0 ? p[P_a_n] * xn / xs / ((xn + 1.0) * (xn + 1.0)) : 0.0;
  const double act = th * supp * g;
  const double cap = sev * p[P_a_kcap0];
  const double bap = fmax(ba, 0.0); /* sle_rhs clamps the saturating expansion at 0 */
  const double sden = 1.0 + bap / cap;
  const double sat = bap / sden;
  const double a_loss = p[P_a_d] * (1.0 + p[P_a_ebaff] * lack) + p[P_ld_bma_frac] * ld + kill +
                        p[P_rtx_tissue] * krtx;
  /* f_b_a = a_kin bn th supp + a_r th supp g(xs) sat(ba) - a_loss ba. */
  JE(S_b_a, S_b_n) += p[P_a_kin] * th * supp;
  JE(S_b_a, S_t_cells) += (p[P_a_kin] * bn * supp + p[P_a_r] * supp * g * sat) * dth;
  jadd(J, S_b_a, p[P_a_kin] * bn * th + p[P_a_r] * th * g * sat, &g_supp);
  jadd(J, S_b_a, p[P_a_r] * th * supp * sat * dg * amp / xden, &g_ic);
  jadd(J, S_b_a, p[P_a_r] * th * supp * sat * dg * a.ic * p[P_ifn_w_act] / xden, &g_ie);
  JE(S_b_a, S_b_a) += (ba > 0.0 ? p[P_a_r] * act / (sden * sden) : 0.0) - a_loss;
  jadd(J, S_b_a, -p[P_a_d] * p[P_a_ebaff] * ba, &g_lack);
  jadd(J, S_b_a, -p[P_ld_bma_frac] * ba, &g_ld);
  jadd(J, S_b_a, -ba, &g_kill);
  jadd(J, S_b_a, -p[P_rtx_tissue] * ba, &g_krtx);
  /* f_pb_a = a_kpa th supp ba - (a_dpa + ld + kill) pba. */
  JE(S_pb_a, S_t_cells) += p[P_a_kpa] * supp * ba * dth;
  jadd(J, S_pb_a, p[P_a_kpa] * th * ba, &g_supp);
  JE(S_pb_a, S_b_a) += p[P_a_kpa] * th * supp;
  JE(S_pb_a, S_pb_a) += -(p[P_a_dpa] + p[P_ld_pba_frac] * ld + kill);
  jadd(J, S_pb_a, -p[P_ld_pba_frac] * pba, &g_ld);
  jadd(J, S_pb_a, -pba, &g_kill);

  /* Antibodies, IFN, BAFF, complement, IL-6. */
  const double kig = p[P_igg_k];
  JE(S_igg_d, S_pb) += p[P_b_qp];
  JE(S_igg_d, S_igg_d) += -kig;
  JE(S_igg_p, S_llpc) += p[P_b_ql];
  JE(S_igg_p, S_igg_p) += -kig;
  JE(S_ads, S_pb_a) += p[P_a_q];
  JE(S_ads, S_ads) += -kig;
  jadd(J, S_ifn, p[P_ifn_k] * p[P_ifn_ic] * (1.0 - p[P_hcq_emax] * hh), &g_ic);
  JE(S_ifn, S_hcq) += -p[P_ifn_k] * p[P_ifn_ic] * a.ic * p[P_hcq_emax] * dhh;
  JE(S_ifn, S_ifn) += -p[P_ifn_k];
  const double kcons = p[P_baff_kcons];
  JE(S_baff, S_ifn) += p[P_baff_syn] * p[P_baff_wifn];
  JE(S_baff, S_baff) += -(p[P_baff_kdeg] + kcons * (bbm + bn + bm + ba));
  JE(S_baff, S_b_bm) += -kcons * y[S_baff];
  JE(S_baff, S_b_n) += -kcons * y[S_baff];
  JE(S_baff, S_b_m) += -kcons * y[S_baff];
  JE(S_baff, S_b_a) += -kcons * y[S_baff];
  JE(S_c3, S_c3) += -p[P_c3_k] - p[P_c3_kic] * a.ic;
  jadd(J, S_c3, -p[P_c3_kic] * y[S_c3], &g_ic);
  const double kcl = p[P_il6_kcl], wic = p[P_il6_wic], kcar = p[P_il6_kcar];
  JE(S_il6, S_il6) += -kcl;
  jadd(J, S_il6, kcl * wic * a.org, &g_ic);
  jadd(J, S_il6, kcl * wic * a.ic, &g_org);
  JE(S_il6, S_car_e) += kcar * a.a19 * iE;
  JE(S_il6, S_bcar_e) += kcar * a.abc * ibE;
  jadd(J, S_il6, kcar * Ep, &g_a19);
  jadd(J, S_il6, kcar * bEp, &g_abc);

  /* Organs (drive = ic org tfo, tfo = 1 + trig_org trig) and damage. */
  const double tfo = 1.0 + p[P_trig_org] * y[S_trig];
  const double drive = a.ic * a.org * tfo;
  const double dtfo = a.ic * a.org * p[P_trig_org]; /* d drive / d trig through tfo */
  const double sk = p[P_skin_wifn];
  const double kkid = p[P_org_kkid] * p[D_SKID] * (1.0 - p[P_vcs_emax_kid] * hv);
  jadd(J, S_kid, kkid * a.org * tfo, &g_ic);
  jadd(J, S_kid, kkid * a.ic * tfo, &g_org);
  JE(S_kid, S_trig) += kkid * dtfo;
  JE(S_kid, S_vcs) += -p[P_org_kkid] * p[D_SKID] * drive * p[P_vcs_emax_kid] * dhv;
  JE(S_kid, S_kid) += -p[P_org_kkid];
  const double kmuco = p[P_org_kmuco] * ((1.0 - sk) + sk * a.ie / p[P_ifn_ref]);
  jadd(J, S_muco, kmuco * a.org * tfo, &g_ic);
  jadd(J, S_muco, kmuco * a.ic * tfo, &g_org);
  JE(S_muco, S_trig) += kmuco * dtfo;
  jadd(J, S_muco, p[P_org_kmuco] * drive * sk / p[P_ifn_ref], &g_ie);
  JE(S_muco, S_muco) += -p[P_org_kmuco];
  const int organs[2] = {S_msk, S_sero};
  const double korg[2] = {p[P_org_kmsk], p[P_org_ksero]};
  for (int k = 0; k < 2; k++) {
    jadd(J, organs[k], korg[k] * a.org * tfo, &g_ic);
    jadd(J, organs[k], korg[k] * a.ic * tfo, &g_org);
    JE(organs[k], S_trig) += korg[k] * dtfo;
    JE(organs[k], organs[k]) += -korg[k];
  }
  JE(S_dmg, S_kid) += p[P_dmg_kact];
  JE(S_dmg, S_muco) += p[P_dmg_kact];
  JE(S_dmg, S_msk) += p[P_dmg_kact];
  JE(S_dmg, S_sero) += p[P_dmg_kact];
  JE(S_dmg, S_pred) += p[P_dmg_kgc] * p[P_pred_k];

  /* Drug PK (linear). */
  JE(S_flu_c, S_flu_c) += -(p[D_FLU_K10] + p[D_FLU_K12]);
  JE(S_flu_c, S_flu_p) += p[D_FLU_K21];
  JE(S_flu_p, S_flu_c) += p[D_FLU_K12];
  JE(S_flu_p, S_flu_p) += -p[D_FLU_K21];
  JE(S_cy, S_cy) += -p[D_CY_K];
  JE(S_rtx, S_rtx) += -p[D_RTX_K];
  JE(S_bel, S_bel) += -p[D_BEL_K];
  JE(S_anf, S_anf) += -p[D_ANF_K];
  JE(S_pred, S_pred) += -p[P_pred_k];
  JE(S_hcq, S_hcq) += -p[P_hcq_k];
  JE(S_mpa, S_mpa) += -p[P_mpa_k];
  JE(S_vcs, S_vcs) += -p[P_vcs_k];
  JE(S_msc, S_msc) += -p[P_msc_k];
  JE(S_msc_sig, S_msc) += p[P_msc_ksig];
  JE(S_msc_sig, S_msc_sig) += -p[P_msc_kd];
  JE(S_trig, S_trig) += -p[P_trig_k];

  for (size_t k = 0; k < (size_t)NS * NS; k++) {
    if (!isfinite(J[k])) {
      return 1; /* recoverable, as the RHS */
    }
  }
  return 0;
}

#undef JE

/* ------------------------------------------------------------------------ */
/* Readouts                                                                  */
/* ------------------------------------------------------------------------ */

static inline double sq(double x) {
  return x * x;
}
static inline double gt(double x, double th) {
  return x > th ? 1.0 : 0.0;
}
static inline double lt(double x, double th) {
  return x < th ? 1.0 : 0.0;
}
/* CTCAE-style grade of a count that is bad when low. */
static inline double grade_low(double x, double g1, double g2, double g3, double g4) {
  return lt(x, g1) + lt(x, g2) + lt(x, g3) + lt(x, g4);
}
static inline double grade_high(double x, double g1, double g2, double g3, double g4) {
  return gt(x, g1) + gt(x, g2) + gt(x, g3) + gt(x, g4);
}

/* BILAG-like grade code of a domain from its activity x (in units of its
 * lowest SLEDAI item threshold): 1 none, 2 C, 3 B, 4 A. */
static inline double bilag_grade(double x, const double *p) {
  return 1.0 + (x >= p[P_bilag_c]) + (x >= p[P_bilag_b]) + (x >= p[P_bilag_a]);
}

static void sle_readout(double t, const double *y, const double *p, double *r, void *user) {
  (void)t;
  (void)user;
  const double w8 = p[P_sl_w8], w4 = p[P_sl_w4], w2 = p[P_sl_w2], w1 = p[P_sl_w1];
  const double prot = p[P_prot_base] + p[D_SKID] * p[P_prot_chronic] + p[P_prot_k] * y[S_kid];
  const double lymph = y[S_t_cells] + y[S_b_n] + y[S_b_m] + y[S_b_a] + y[S_car_e] + y[S_car_m] +
                       y[S_car_x] + y[S_bcar_e] + y[S_bcar_m];
  const double wbc = y[S_anc] + lymph + p[P_wbc_mono];
  const double igg = y[S_igg_d] + y[S_igg_p];

  r[R_sledai_seizure] = 0.0;
  r[R_sledai_psychosis] = 0.0;
  r[R_sledai_obs] = 0.0;
  r[R_sledai_visual] = 0.0;
  r[R_sledai_cranial_nerve] = 0.0;
  r[R_sledai_headache] = 0.0;
  r[R_sledai_cva] = 0.0;
  r[R_sledai_vasculitis] = w8 * gt(y[S_muco], p[P_th_vasculitis]);
  r[R_sledai_arthritis] = w4 * gt(y[S_msk], p[P_th_arthritis]);
  r[R_sledai_myositis] = w4 * gt(y[S_msk], p[P_th_myositis]);
  r[R_sledai_casts] = w4 * gt(y[S_kid], p[P_th_casts]);
  r[R_sledai_haematuria] = w4 * gt(y[S_kid], p[P_th_haem]);
  r[R_sledai_proteinuria] = w4 * gt(prot, p[P_th_prot]);
  r[R_sledai_pyuria] = w4 * gt(y[S_kid], p[P_th_pyuria]);
  r[R_sledai_rash] = w2 * gt(y[S_muco], p[P_th_rash]);
  r[R_sledai_alopecia] = w2 * gt(y[S_muco], p[P_th_alopecia]);
  r[R_sledai_ulcers] = w2 * gt(y[S_muco], p[P_th_ulcers]);
  r[R_sledai_pleurisy] = w2 * gt(y[S_sero], p[P_th_pleurisy]);
  r[R_sledai_pericarditis] = w2 * gt(y[S_sero], p[P_th_pericarditis]);
  r[R_sledai_complement] = w2 * lt(y[S_c3], p[P_th_c3]);
  r[R_sledai_dsdna] = w2 * gt(y[S_ads], p[P_th_dsdna]);
  r[R_sledai_fever] = w1 * gt(y[S_ifn], p[P_th_fever]);
  r[R_sledai_thrombocytopenia] = w1 * lt(y[S_plt], p[P_th_plt_sledai]);
  r[R_sledai_leukopenia] = w1 * lt(wbc, p[P_th_wbc_sledai]);
  double total = 0.0;
  for (int i = R_sledai_seizure; i <= R_sledai_leukopenia; i++) {
    total += r[i];
  }
  r[R_sledai2k] = total;
  r[R_csledai] = total - r[R_sledai_complement] - r[R_sledai_dsdna];
  r[R_bilag_mucocutaneous] = bilag_grade(y[S_muco] / p[P_th_rash], p);
  r[R_bilag_musculoskeletal] = bilag_grade(y[S_msk] / p[P_th_arthritis], p);
  r[R_bilag_cardiorespiratory] = bilag_grade(y[S_sero] / p[P_th_pleurisy], p);
  /* Physicians grade what they see: activity relative to where signs appear. */
  const double act = y[S_kid] / p[P_th_haem] + y[S_muco] / p[P_th_rash] + y[S_msk] / p[P_th_arthritis] +
                     y[S_sero] / p[P_th_pleurisy];
  const double ah = pow(act > 0.0 ? act : 0.0, p[P_pga_h]);
  r[R_pga] = 3.0 * ah / (ah + pow(p[P_pga_k], p[P_pga_h]));
  r[R_dsdna_abnormal] = gt(y[S_ads], p[P_th_dsdna]);
  r[R_c3_low] = lt(y[S_c3], p[P_th_c3]);
  r[R_anti_dsdna] = y[S_ads];
  r[R_c3_mg_dl] = y[S_c3];
  r[R_proteinuria] = prot;
  const double bc = y[S_b_n] + y[S_b_m] + y[S_b_a];
  r[R_bcells] = bc;
  r[R_bcell_naive_fraction] = bc > 0.0 ? y[S_b_n] / bc : 0.0;
  r[R_bcell_memory] = y[S_b_m] + y[S_b_a];
  r[R_plasmablasts] = y[S_pb] + y[S_pb_a];
  r[R_cart_level] = y[S_car_e] + y[S_car_m] + y[S_car_x] + y[S_bcar_e] + y[S_bcar_m];
  r[R_crs_grade] = grade_high(y[S_il6], p[P_crs_il6_1], p[P_crs_il6_2], p[P_crs_il6_3],
                              p[P_crs_il6_4]);
  r[R_icans_grade] = grade_high(y[S_il6], p[P_icans_il6_1], p[P_icans_il6_2],
                                p[P_icans_il6_3], p[P_icans_il6_4]);
  r[R_anc_cells_ul] = y[S_anc];
  r[R_neutropenia_grade] =
      grade_low(y[S_anc], p[P_ctc_anc_lln], p[P_ctc_anc_2], p[P_ctc_anc_3], p[P_ctc_anc_4]);
  r[R_lymphocytes] = lymph;
  r[R_lymphopenia_grade] =
      grade_low(lymph, p[P_ctc_lym_lln], p[P_ctc_lym_2], p[P_ctc_lym_3], p[P_ctc_lym_4]);
  r[R_platelets] = y[S_plt];
  r[R_thrombocytopenia_grade] =
      grade_low(y[S_plt], p[P_ctc_plt_lln], p[P_ctc_plt_2], p[P_ctc_plt_3], p[P_ctc_plt_4]);
  r[R_igg_g_l] = igg;
  r[R_protective_igg] = y[S_igg_p];
  r[R_hypogamma] = lt(igg, p[P_th_igg_low]);
  {
    /* Fourth powers as two squarings (pow's cost, 4 calls per output row, was
     * a visible part of a trial's time). */
    const double nk4 = sq(sq(p[P_inf_neu_k]));
    const double a4 = sq(sq(y[S_anc] > 0.0 ? y[S_anc] : 0.0));
    const double gk4 = sq(sq(p[P_th_igg_low]));
    const double i4 = sq(sq(igg > 0.0 ? igg : 0.0));
    const double rp = p[P_pred_k] * y[S_pred];
    r[R_infection_hazard] = p[P_inf_h0] * (1.0 + p[P_inf_neu_e] * nk4 / (nk4 + a4)) *
                            (1.0 + p[P_inf_igg_e] * gk4 / (gk4 + i4)) *
                            (1.0 + p[P_inf_gc_e] * rp / (rp + p[P_inf_gc_ed50]));
  }
  r[R_damage_sdi] = y[S_dmg];
  r[R_ifn_signature] = y[S_ifn];
  r[R_il6_pg_ml] = y[S_il6];
}

/* ------------------------------------------------------------------------ */
/* prepare, init, schedule                                                   */
/* ------------------------------------------------------------------------ */

static int sle_prepare(double *p, const remit_covariates *cov, void *user) {
  (void)user;
  const double wt = cov->weight_kg, ht = cov->height_cm;
  if (!(wt > 0.0) || !(ht > 0.0) || !(cov->sledai0 >= 0.0)) {
    return -1;
  }
  const double bsa = remit_bsa_m2(wt, ht);
  const double hm = ht / 100.0;
  /* Nadler 1962 blood volume (L) [M], unverified. */
  const double bv_l = cov->sex == 1 ? 0.3669 * hm * hm * hm + 0.03219 * wt + 0.6041
                                    : 0.3561 * hm * hm * hm + 0.03308 * wt + 0.1833;
  p[D_WT] = wt;
  p[D_BSA] = bsa;
  p[D_BV] = bv_l * 1e6;
  /* Severity: a monotone power of sledai0 (docs/model.md). */
  const double ref = cov->renal ? p[P_sev_sledai_ref_renal] : p[P_sev_sledai_ref];
  double s0 = cov->sledai0 > 1.0 ? cov->sledai0 : 1.0;
  p[D_SEV] = pow(s0 / ref, p[P_sev_exp]);
  p[D_SKID] = cov->renal ? 1.0 : 0.0;
  /* Fludarabine 2-cmt, allometric on weight (Varela-Gonzalez-Aller 2025). */
  const double wr = wt / 70.0, wa = pow(wr, 0.75);
  const double cl = (p[P_flu_cl_nr] + p[P_flu_cl_r]) * wa * 24.0;
  const double q = p[P_flu_q] * wa * 24.0;
  const double v1 = p[P_flu_v1] * wr, v2 = p[P_flu_v2] * wr;
  p[D_FLU_V1] = v1;
  p[D_FLU_K10] = cl / v1;
  p[D_FLU_K12] = q / v1;
  p[D_FLU_K21] = q / v2;
  /* Cyclophosphamide 1-cmt (Ahmed 2020). */
  p[D_CY_V] = p[P_cy_v] * pow(bsa / 1.58, p[P_cy_v_bsa_exp]);
  p[D_CY_K] = p[P_cy_cl] * 24.0 / p[D_CY_V];
  p[D_RTX_K] = p[P_rtx_cl] / p[P_rtx_v];
  p[D_BEL_K] = p[P_bel_cl] * pow(wt / 67.0, 0.75) / p[P_bel_v];
  p[D_ANF_K] = p[P_anf_cl] / p[P_anf_v];
  p[D_WS] = p[P_car_tmax] > 0.0 ? 1.0 : 0.0;
  p[D_STEIN_RHO] = p[P_car_tmax] > 0.0 ? log(p[P_car_foldx]) / p[P_car_tmax] : 0.0;
  p[D_NEU_KTR] = 2.0 / p[P_neu_mtt];
  p[D_NEU_P0] = p[P_neu_0] * p[P_neu_kcirc] / p[D_NEU_KTR];
  p[D_TH_NORM] = (p[P_t_0] + p[P_th_k]) / p[P_t_0];
  return 0;
}

/* A starting point inside the untreated disease basin; burn-in polishes it. */
static void sle_init(const double *p, double *y, void *user) {
  (void)user;
  for (int i = 0; i < NS; i++) {
    y[i] = 0.0;
  }
  const double sev = p[D_SEV];
  y[S_car_sw] = 0.0;
  y[S_t_cells] = p[P_t_0];
  y[S_neu_p] = p[D_NEU_P0];
  y[S_neu_t] = p[D_NEU_P0];
  y[S_anc] = p[P_neu_0];
  y[S_plt] = p[P_plt_0];
  /* Disease guess: IC ~ severity. */
  const double ic = sev;
  y[S_ads] = ic * p[P_ads_ic];
  y[S_ifn] = 1.0 + p[P_ifn_ic] * ic;
  y[S_c3] = p[P_c3_k] * p[P_c3_n] / (p[P_c3_k] + p[P_c3_kic] * ic);
  y[S_il6] = p[P_il6_0] + p[P_il6_wic] * ic;
  y[S_pb_a] = p[P_igg_k] * y[S_ads] / p[P_a_q];
  y[S_b_a] = p[P_a_dpa] * y[S_pb_a] / p[P_a_kpa];
  y[S_kid] = p[D_SKID] * ic;
  y[S_muco] = ic;
  y[S_msk] = ic;
  y[S_sero] = ic;
  /* B lineage and BAFF: a few fixed-point sweeps of the linear chain. */
  double baff = 3.0;
  double bbm = p[P_b_bm0], bn = 0.0, bm = 0.0, pbv = 0.0;
  for (int it = 0; it < 30; it++) {
    const double lack = p[P_baff_kb] / (baff + p[P_baff_kb]);
    bn = p[P_b_kbm] * bbm /
         (p[P_b_dn] * (1.0 + p[P_b_ebaff] * lack) + p[P_b_kact] + p[P_b_kpbn]);
    bm = p[P_b_kact] * bn / (p[P_b_dm] + p[P_b_kpbm]);
    pbv = (p[P_b_kpbn] * bn + p[P_b_kpbm] * bm) / (p[P_b_dpb] + p[P_b_kll]);
    baff = p[P_baff_syn] * (1.0 + p[P_baff_wifn] * (y[S_ifn] - 1.0)) /
           (p[P_baff_kdeg] + p[P_baff_kcons] * (bbm + bn + bm + y[S_b_a]));
  }
  y[S_b_bm] = bbm;
  y[S_b_n] = bn;
  y[S_b_m] = bm;
  y[S_pb] = pbv;
  y[S_baff] = baff;
  y[S_llpc] = p[P_b_kll] * pbv / p[P_b_dll];
  y[S_igg_d] = p[P_b_qp] * pbv / p[P_igg_k];
  y[S_igg_p] = p[P_b_ql] * y[S_llpc] / p[P_igg_k];
  y[S_dmg] = 0.0;
}

static int sle_schedule(const remit_input *in, double day, double amount, double duration,
                        const double *p, remit_event *ev, int max_events, void *user) {
  (void)user;
  if (max_events < 1) {
    return -1;
  }
  ev[0].time = day;
  ev[0].time_end = day;
  ev[0].kind = REMIT_EVENT_ADD;
  ev[0].state = in->state;
  ev[0].state_to = -1;
  ev[0].value = amount;
  if (in->kind == REMIT_INPUT_RATE) {
    ev[0].kind = REMIT_EVENT_RATE;
    ev[0].time_end = day + duration;
    return 1;
  }
  if (in->state == S_flu_c) {
    ev[0].value = amount * p[P_flu_fara];
    return 1;
  }
  if (in->state != S_car_e && in->state != S_bcar_e) {
    return 1;
  }
  /* CAR-T: cells -> cells/uL of blood. */
  ev[0].value = amount * p[P_car_fdist] / p[D_BV];
  if (!(p[D_WS] > 0.0)) {
    return 1;
  }
  /* Stein 2019 special case: expansion switch on at the dose, at day + Tmax
   * move FB of the effectors to memory and switch to contraction. */
  if (max_events < 4) {
    return -1;
  }
  const double tmax = p[P_car_tmax];
  const int mem = in->state == S_car_e ? S_car_m : S_bcar_m;
  ev[1] = (remit_event){day, day, REMIT_EVENT_SET, S_car_sw, -1, 1.0};
  ev[2] = (remit_event){day + tmax, day + tmax, REMIT_EVENT_MOVE, in->state, mem, p[P_car_fb]};
  ev[3] = (remit_event){day + tmax, day + tmax, REMIT_EVENT_SET, S_car_sw, -1, 0.0};
  return 4;
}

/* ------------------------------------------------------------------------ */
/* The spec                                                                  */
/* ------------------------------------------------------------------------ */

static const remit_model_spec sle_spec = {
    .name = "sle",
    .doc = "Mechanistic SLE patient under CD19 / BCMA-CD19 CAR-T, lymphodepletion, MSC and "
           "comparators (docs/model.md)",
    .n_states = NS,
    .states = sle_states,
    .y0 = sle_y0,
    .atol_scale = sle_atol,
    .n_params = NP,
    .params = sle_params,
    .n_derived = ND,
    .n_inputs = NI,
    .inputs = sle_inputs,
    .n_readouts = NR,
    .readouts = sle_readouts,
    .rhs = sle_rhs,
    .jac = sle_jac,
    .readout = sle_readout,
    .prepare = sle_prepare,
    .init = sle_init,
    .schedule = sle_schedule,
    .burn_in_days = 3000.0,
    .user = NULL,
};

const remit_model_spec *remit_spec_sle(void) {
  return &sle_spec;
}
