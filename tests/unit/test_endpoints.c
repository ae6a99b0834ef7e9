/* SPDX-License-Identifier: MIT
 *
 * test_endpoints.c: SLEDAI-2K scoring, the BILAG-like domain grades and each
 * endpoint definition of docs/endpoints.md on constructed visit sequences and
 * daily series, rule by rule: for every endpoint a responder and a
 * non-responder that differs in exactly one criterion, plus the edge cases
 * (no visit at the day, dropout, window limits, missing series, bad
 * arguments).
 */
#include <math.h>
#include <string.h>

#include "remit_test.h"
#include "scores/endpoints.h"

#define B(i) (UINT32_C(1) << (i))

/* A visit whose SLEDAI total is the score of its items; quiet labs. */
static remit__visit mkv(double day, uint32_t items, double pga, double pred, int is) {
  remit__visit v;
  memset(&v, 0, sizeof(v));
  v.day = day;
  v.items = items;
  v.sledai = remit__sledai_score(items);
  v.pga = pga;
  v.prednisone = pred;
  v.immunosuppressants = is;
  v.new_treatment = 0;
  v.anti_dsdna = 12.5;
  v.c3 = 95.0;
  v.proteinuria = 0.21;
  v.igg = 9.3;
  v.b_cells = 120.0;
  v.damage = 0.0;
  return v;
}

static remit_endpoint mkep(remit_endpoint_kind kind, double day, double threshold) {
  remit_endpoint e;
  memset(&e, 0, sizeof(e));
  e.name = "test";
  e.kind = kind;
  e.day = day;
  e.threshold = threshold;
  return e;
}

/* Evaluates and returns the outcome (status checked). */
static remit__outcome ev(remit_endpoint_kind kind, double day, double thr, const remit__visit *v, int n,
                         const remit__daily *d) {
  remit_endpoint e = mkep(kind, day, thr);
  remit__outcome o;
  memset(&o, 0, sizeof(o));
  remit_status st = remit__endpoint_eval(&e, v, n, d, &o);
  REMIT_CHECK(st == REMIT_OK, "eval kind %d day %g -> %d", (int)kind, day, (int)st);
  return o;
}

#define CHECK_RESP(o, expect, what)                                                                   \
  do {                                                                                                 \
    remit__outcome o_ = (o);                                                                           \
    REMIT_CHECK(o_.evaluable == 1 && o_.imputed == 0 && o_.value == (expect) && o_.event == (int)(expect), \
                "%s: evaluable %d imputed %d value %g (expected %g) [%s]", what, o_.evaluable, o_.imputed, \
                o_.value, (double)(expect), o_.why);                                                   \
  } while (0)
#define CHECK_NRI(o, what)                                                                            \
  do {                                                                                                \
    remit__outcome o_ = (o);                                                                          \
    REMIT_CHECK(o_.evaluable == 1 && o_.imputed == 1 && o_.value == 0.0 && o_.why[0] != '\0',         \
                "%s: non-responder imputation (evaluable %d imputed %d value %g) [%s]", what, o_.evaluable, \
                o_.imputed, o_.value, o_.why);                                                        \
  } while (0)
#define CHECK_MISSING(o, what)                                                                        \
  do {                                                                                                \
    remit__outcome o_ = (o);                                                                          \
    REMIT_CHECK(o_.evaluable == 0 && isnan(o_.value) && o_.why[0] != '\0', "%s: not evaluable (%d) [%s]", what, \
                o_.evaluable, o_.why);                                                                \
  } while (0)
#define CHECK_TTE(o, t, ev_, what)                                                                    \
  do {                                                                                                \
    remit__outcome o_ = (o);                                                                          \
    REMIT_CHECK(o_.evaluable == 1 && o_.kind == REMIT_VALUE_TIME_TO_EVENT && fabs(o_.time - (t)) < 1e-12 && \
                    o_.event == (ev_) && o_.value == o_.time,                                         \
                "%s: time %g event %d (expected %g, %d) [%s]", what, o_.time, o_.event, (double)(t), (ev_), o_.why); \
  } while (0)

/* Items used below. */
static const uint32_t LOWC = B(REMIT_SI_LOW_COMPLEMENT), DNA = B(REMIT_SI_DNA_BINDING);
static const uint32_t SERO = B(REMIT_SI_LOW_COMPLEMENT) | B(REMIT_SI_DNA_BINDING);
static const uint32_t PROT = B(REMIT_SI_PROTEINURIA), HAEM = B(REMIT_SI_HAEMATURIA);
static const uint32_t ARTH = B(REMIT_SI_ARTHRITIS), MYOS = B(REMIT_SI_MYOSITIS);
static const uint32_t RASH = B(REMIT_SI_RASH), PLEU = B(REMIT_SI_PLEURISY);
static const uint32_t FEVER = B(REMIT_SI_FEVER), THROMB = B(REMIT_SI_THROMBOCYTOPENIA), LEUK = B(REMIT_SI_LEUKOPENIA);
static const uint32_t SEIZ = B(REMIT_SI_SEIZURE);

/* ------------------------------------------------------------------------ */

static void test_sledai(void) {
  uint32_t all = REMIT_SLEDAI_ALL_MASK;
  REMIT_CHECK(remit__sledai_score(all) == 105.0, "all 24 items -> %g (clinical.md §4.1: max 105)",
              remit__sledai_score(all));
  REMIT_CHECK(remit__clinical_sledai(all) == 101.0, "clinical SLEDAI of all items -> %g (105 - 4)",
              remit__clinical_sledai(all));
  REMIT_CHECK(remit__sledai_score(0) == 0.0 && remit__sledai_score(~all) == 0.0, "no items, or bits beyond 24 -> 0");
  int n8 = 0, n4 = 0, n2 = 0, n1 = 0;
  for (int i = 0; i < REMIT_N_SLEDAI_ITEMS; i++) {
    int w = remit__sledai_weight[i];
    n8 += w == 8;
    n4 += w == 4;
    n2 += w == 2;
    n1 += w == 1;
    REMIT_CHECK(remit__sledai_score(B(i)) == w, "item %s alone scores its weight %d", remit__sledai_item_name[i], w);
    REMIT_CHECK(remit__sledai_item_name[i] && remit__sledai_item_name[i][0], "item %d has a name", i);
  }
  REMIT_CHECK(n8 == 8 && n4 == 6 && n2 == 7 && n1 == 3, "weights 8x8, 6x4, 7x2, 3x1 (got %d %d %d %d)", n8, n4, n2, n1);
  /* The table of §4.1, item by item. */
  static const struct {
    int item, w;
  } table[] = {{REMIT_SI_SEIZURE, 8},       {REMIT_SI_PSYCHOSIS, 8},       {REMIT_SI_ORGANIC_BRAIN, 8},
               {REMIT_SI_VISUAL, 8},        {REMIT_SI_CRANIAL_NERVE, 8},   {REMIT_SI_LUPUS_HEADACHE, 8},
               {REMIT_SI_CVA, 8},           {REMIT_SI_VASCULITIS, 8},      {REMIT_SI_ARTHRITIS, 4},
               {REMIT_SI_MYOSITIS, 4},      {REMIT_SI_URINARY_CASTS, 4},   {REMIT_SI_HAEMATURIA, 4},
               {REMIT_SI_PROTEINURIA, 4},   {REMIT_SI_PYURIA, 4},          {REMIT_SI_RASH, 2},
               {REMIT_SI_ALOPECIA, 2},      {REMIT_SI_MUCOSAL_ULCERS, 2},  {REMIT_SI_PLEURISY, 2},
               {REMIT_SI_PERICARDITIS, 2},  {REMIT_SI_LOW_COMPLEMENT, 2},  {REMIT_SI_DNA_BINDING, 2},
               {REMIT_SI_FEVER, 1},         {REMIT_SI_THROMBOCYTOPENIA, 1}, {REMIT_SI_LEUKOPENIA, 1}};
  for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
    REMIT_CHECK(remit__sledai_weight[table[i].item] == table[i].w, "weight of %s = %d",
                remit__sledai_item_name[table[i].item], table[i].w);
  }
  REMIT_CHECK(strcmp(remit__sledai_item_name[REMIT_SI_DNA_BINDING], "dna_binding") == 0 &&
                  strcmp(remit__sledai_item_name[REMIT_SI_LEUKOPENIA], "leukopenia") == 0 &&
                  strcmp(remit__sledai_item_name[REMIT_SI_SEIZURE], "seizure") == 0,
              "item names are the enum's identifiers");
  REMIT_CHECK(remit__clinical_sledai(SERO) == 0.0 && remit__sledai_score(SERO) == 4.0,
              "serology: SLEDAI 4, clinical SLEDAI 0");
  REMIT_CHECK(remit__sledai_score(PROT | ARTH | RASH | FEVER) == 11.0, "4 + 4 + 2 + 1 = 11");
}

static void test_bilag(void) {
  /* Domains are disjoint and hold every clinical item, no serology. */
  uint32_t seen = 0;
  int disjoint = 1;
  for (int d = 0; d < REMIT_N_BILAG_DOMAINS; d++) {
    uint32_t m = remit__bilag_domain_items((remit__bilag_domain)d);
    disjoint &= (m & seen) == 0;
    seen |= m;
  }
  REMIT_CHECK(disjoint, "domains are disjoint");
  REMIT_CHECK(seen == (REMIT_SLEDAI_ALL_MASK & ~REMIT_SLEDAI_SEROLOGY_MASK), "domains cover the 22 clinical items");
  REMIT_CHECK(remit__bilag_domain_items(REMIT_N_BILAG_DOMAINS) == 0, "out-of-range domain has no items");

  struct {
    uint32_t items, hist;
    remit__bilag_domain d;
    remit__bilag_grade g;
    const char *what;
  } c[] = {
      {SEIZ, 0, REMIT_BD_NEUROPSYCHIATRIC, REMIT_BILAG_A, "seizure (weight 8) -> NP A"},
      {B(REMIT_SI_VISUAL), 0, REMIT_BD_OPHTHALMIC, REMIT_BILAG_A, "visual disturbance -> ophthalmic A"},
      {B(REMIT_SI_VASCULITIS), 0, REMIT_BD_MUCOCUTANEOUS, REMIT_BILAG_A, "vasculitis -> mucocutaneous A"},
      {PROT | HAEM, 0, REMIT_BD_RENAL, REMIT_BILAG_A, "two renal items -> renal A"},
      {PROT, 0, REMIT_BD_RENAL, REMIT_BILAG_B, "proteinuria alone -> renal B"},
      {ARTH | MYOS, 0, REMIT_BD_MUSCULOSKELETAL, REMIT_BILAG_A, "arthritis + myositis -> MSK A"},
      {ARTH, 0, REMIT_BD_MUSCULOSKELETAL, REMIT_BILAG_B, "arthritis -> MSK B"},
      {RASH | B(REMIT_SI_ALOPECIA) | B(REMIT_SI_MUCOSAL_ULCERS), 0, REMIT_BD_MUCOCUTANEOUS, REMIT_BILAG_B,
       "rash + alopecia + ulcers (6) -> mucocutaneous B"},
      {RASH, 0, REMIT_BD_MUCOCUTANEOUS, REMIT_BILAG_B, "rash -> mucocutaneous B"},
      {PLEU, 0, REMIT_BD_CARDIORESPIRATORY, REMIT_BILAG_B, "pleurisy -> cardiorespiratory B"},
      {FEVER, 0, REMIT_BD_CONSTITUTIONAL, REMIT_BILAG_C, "fever -> constitutional C"},
      {THROMB | LEUK, 0, REMIT_BD_HAEMATOLOGICAL, REMIT_BILAG_C, "both cytopenias -> haematological C"},
      {0, ARTH, REMIT_BD_MUSCULOSKELETAL, REMIT_BILAG_D, "arthritis earlier, none now -> D"},
      {0, RASH, REMIT_BD_MUSCULOSKELETAL, REMIT_BILAG_E, "never MSK activity -> E"},
      {SERO, 0, REMIT_BD_RENAL, REMIT_BILAG_E, "serology grades no domain"},
  };
  for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
    remit__bilag_grade g = remit__bilag_grade_of(c[i].items, c[i].d, c[i].hist);
    REMIT_CHECK(g == c[i].g, "%s (got %c)", c[i].what, "ABCDE"[g]);
  }

  /* New A / new B against baseline. */
  remit__visit v[2] = {mkv(0, PROT | ARTH, 1, 0, 0), mkv(90, ARTH | MYOS | PLEU | RASH, 1, 0, 0)};
  int na, nb;
  remit__bilag_new(v, 1, &na, &nb);
  REMIT_CHECK(na == 1 && nb == 2, "MSK B->A is a new A; cardio and muco E->B are 2 new B (got %d, %d)", na, nb);
  remit__bilag_new(v, 0, &na, &nb);
  REMIT_CHECK(na == 0 && nb == 0, "baseline against itself: nothing new");
}

static void test_visit_at(void) {
  remit__visit v[5] = {mkv(-3, 0, 0, 0, 0), mkv(28, 0, 0, 0, 0), mkv(90, 0, 0, 0, 0), mkv(180, 0, 0, 0, 0),
                       mkv(200, 0, 0, 0, 0)};
  REMIT_CHECK(remit__visit_at(v, 5, 90, 14) == 2, "exact day");
  REMIT_CHECK(remit__visit_at(v, 5, 100, 14) == 2, "nearest within the window");
  REMIT_CHECK(remit__visit_at(v, 5, 190, 14) == 3, "tie: the earlier visit");
  REMIT_CHECK(remit__visit_at(v, 5, 120, 14) == -1, "nothing within +/- 14 days");
  REMIT_CHECK(remit__visit_at(v, 5, 364, 14) == -1, "after the last visit (dropout)");
  REMIT_CHECK(remit__visit_at(v, 5, 0, 14) == 0, "day 0: the baseline");
  REMIT_CHECK(remit__visit_at(v, 5, 91, 0) == -1 && remit__visit_at(v, 5, 90, 0) == 2, "window 0: exact only");
}

static void test_doris(void) {
  /* Responder at day 90: serology only (clinical SLEDAI 0), PGA 0.3,
   * prednisone 5, two IS drugs (allowed). */
  remit__visit r[2] = {mkv(0, PROT | ARTH | SERO, 2.0, 20, 2), mkv(90, SERO, 0.3, 5.0, 2)};
  remit__outcome o = ev(REMIT_EP_DORIS, 90, 0, r, 2, NULL);
  CHECK_RESP(o, 1, "DORIS responder (serology ignored, IS allowed)");
  REMIT_CHECK(o.kind == REMIT_VALUE_BINARY && o.day == 90, "binary, assessed at day 90");
  remit__visit n[2] = {r[0], r[1]};
  n[1].prednisone = 6.0;
  CHECK_RESP(ev(REMIT_EP_DORIS, 90, 0, n, 2, NULL), 0, "DORIS fails only for prednisone 6 mg");
  n[1] = r[1];
  n[1].pga = 0.5;
  CHECK_RESP(ev(REMIT_EP_DORIS, 90, 0, n, 2, NULL), 0, "DORIS fails only for PGA 0.5 (needs < 0.5)");
  n[1] = r[1];
  n[1].items |= FEVER;
  CHECK_RESP(ev(REMIT_EP_DORIS, 90, 0, n, 2, NULL), 0, "DORIS fails only for fever (clinical SLEDAI 1)");
  CHECK_NRI(ev(REMIT_EP_DORIS, 180, 0, r, 2, NULL), "DORIS at day 180 after dropout -> non-responder");

  /* Drug-free DORIS. */
  remit__visit f[2] = {r[0], mkv(90, SERO, 0.3, 0.0, 0)};
  CHECK_RESP(ev(REMIT_EP_DORIS_DRUG_FREE, 90, 0, f, 2, NULL), 1, "drug-free DORIS responder");
  f[1].immunosuppressants = 1;
  CHECK_RESP(ev(REMIT_EP_DORIS_DRUG_FREE, 90, 0, f, 2, NULL), 0, "drug-free DORIS fails only for one IS drug");
  CHECK_RESP(ev(REMIT_EP_DORIS, 90, 0, f, 2, NULL), 1, "... while DORIS holds");
  f[1].immunosuppressants = 0;
  f[1].prednisone = 2.5;
  CHECK_RESP(ev(REMIT_EP_DORIS_DRUG_FREE, 90, 0, f, 2, NULL), 0, "drug-free DORIS fails only for prednisone 2.5");
}

static void test_lldas(void) {
  /* Responder at day 180: rash + low complement (SLEDAI 4), both already
   * present at day 90; PGA 1.0; prednisone 7.5; IS 1. */
  remit__visit r[3] = {mkv(0, PROT | HAEM | RASH | LOWC, 2.0, 30, 1), mkv(90, RASH | LOWC, 1.0, 10, 1),
                       mkv(180, RASH | LOWC, 1.0, 7.5, 1)};
  CHECK_RESP(ev(REMIT_EP_LLDAS, 180, 0, r, 3, NULL), 1, "LLDAS responder");
  remit__visit n[3] = {r[0], r[1], r[2]};
  n[1].items = LOWC;
  n[1].sledai = 2;
  CHECK_RESP(ev(REMIT_EP_LLDAS, 180, 0, n, 3, NULL), 0, "LLDAS fails only for new activity (rash new since day 90)");
  memcpy(n, r, sizeof(r));
  n[2].items = PROT;
  n[1].items = PROT;
  CHECK_RESP(ev(REMIT_EP_LLDAS, 180, 0, n, 3, NULL), 0, "LLDAS fails only for renal activity at SLEDAI 4");
  memcpy(n, r, sizeof(r));
  n[2].items = n[1].items = RASH | LOWC | DNA;
  n[2].sledai = n[1].sledai = 6;
  CHECK_RESP(ev(REMIT_EP_LLDAS, 180, 0, n, 3, NULL), 0, "LLDAS fails only for SLEDAI 6");
  memcpy(n, r, sizeof(r));
  n[2].pga = 1.1;
  CHECK_RESP(ev(REMIT_EP_LLDAS, 180, 0, n, 3, NULL), 0, "LLDAS fails only for PGA 1.1");
  memcpy(n, r, sizeof(r));
  n[2].prednisone = 8.0;
  CHECK_RESP(ev(REMIT_EP_LLDAS, 180, 0, n, 3, NULL), 0, "LLDAS fails only for prednisone 8");
  memcpy(n, r, sizeof(r));
  n[2].items = n[1].items = LOWC | FEVER;
  n[2].sledai = n[1].sledai = 3;
  CHECK_RESP(ev(REMIT_EP_LLDAS, 180, 0, n, 3, NULL), 0, "LLDAS fails only for fever (major organ)");
  CHECK_NRI(ev(REMIT_EP_LLDAS, 364, 0, r, 3, NULL), "LLDAS at day 364 without a visit -> non-responder");
}

static void test_sri4(void) {
  /* Baseline: renal A (proteinuria + haematuria), MSK B (arthritis), muco B
   * (rash), serology: SLEDAI 18, PGA 1.5. */
  remit__visit r[2] = {mkv(0, PROT | HAEM | ARTH | RASH | SERO, 1.5, 15, 1), mkv(364, ARTH | SERO, 1.5, 5, 1)};
  CHECK_RESP(ev(REMIT_EP_SRI4, 364, 0, r, 2, NULL), 1, "SRI-4 responder (18 -> 8)");
  remit__visit n[2] = {r[0], r[1]};
  n[1].items |= MYOS;
  n[1].sledai = 12;
  CHECK_RESP(ev(REMIT_EP_SRI4, 364, 0, n, 2, NULL), 0,
             "SRI-4 fails only for a new BILAG A (MSK B -> A), reduction still 6");
  n[1] = r[1];
  n[1].pga = 1.8;
  CHECK_RESP(ev(REMIT_EP_SRI4, 364, 0, n, 2, NULL), 0, "SRI-4 fails only for a PGA increase of 0.3");
  n[1].pga = 1.7;
  CHECK_RESP(ev(REMIT_EP_SRI4, 364, 0, n, 2, NULL), 1, "... an increase of 0.2 passes");
  n[1] = r[1];
  n[1].items = PROT | HAEM | SERO;
  n[1].sledai = 12;
  CHECK_RESP(ev(REMIT_EP_SRI4, 364, 0, n, 2, NULL), 1, "18 -> 12 (reduction 6) with renal A still A: no NEW A");
  n[1].items = PROT | HAEM | ARTH | SERO;
  n[1].sledai = 16;
  CHECK_RESP(ev(REMIT_EP_SRI4, 364, 0, n, 2, NULL), 0, "SRI-4 fails only for a reduction of 2");
  n[1] = r[1];
  n[1].new_treatment = 1;
  CHECK_RESP(ev(REMIT_EP_SRI4, 364, 0, n, 2, NULL), 0, "SRI-4 fails only for rescue therapy");

  /* New B: one is allowed, two are not. */
  remit__visit b[2] = {mkv(0, PROT | HAEM | ARTH | SERO, 1.5, 10, 1), mkv(364, PLEU | SERO, 1.5, 5, 1)};
  CHECK_RESP(ev(REMIT_EP_SRI4, 364, 0, b, 2, NULL), 1, "SRI-4 with one new B (cardiorespiratory)");
  b[1].items |= RASH;
  b[1].sledai = 8;
  CHECK_RESP(ev(REMIT_EP_SRI4, 364, 0, b, 2, NULL), 0, "SRI-4 fails only for a second new B (mucocutaneous)");

  remit__visit low[2] = {mkv(0, RASH | FEVER, 1.0, 5, 0), mkv(364, 0, 0.0, 0, 0)};
  CHECK_MISSING(ev(REMIT_EP_SRI4, 364, 0, low, 2, NULL), "SRI-4 with baseline SLEDAI 3 -> not applicable");
  CHECK_NRI(ev(REMIT_EP_SRI4, 364, 0, r, 1, NULL), "SRI-4 after dropout (baseline only) -> non-responder");
}

static void test_bicla(void) {
  /* Baseline: renal A, MSK B, muco B, serology; SLEDAI 18, PGA 1.5.  At 364:
   * renal A -> B, MSK B -> D, muco B -> D; SLEDAI 8; PGA 1.8 (+0.3). */
  remit__visit r[2] = {mkv(0, PROT | HAEM | ARTH | RASH | SERO, 1.5, 15, 1), mkv(364, PROT | SERO, 1.8, 5, 1)};
  CHECK_RESP(ev(REMIT_EP_BICLA, 364, 0, r, 2, NULL), 1, "BICLA responder (PGA +0.3 is within 10 %%)");
  remit__visit n[2] = {r[0], r[1]};
  n[1].new_treatment = 1;
  CHECK_RESP(ev(REMIT_EP_BICLA, 364, 0, n, 2, NULL), 0, "BICLA fails only for treatment failure");
  n[1] = r[1];
  n[1].pga = 1.9;
  CHECK_RESP(ev(REMIT_EP_BICLA, 364, 0, n, 2, NULL), 0, "BICLA fails only for PGA +0.4");
  n[1] = r[1];
  n[1].items |= ARTH;
  n[1].sledai = 12;
  CHECK_RESP(ev(REMIT_EP_BICLA, 364, 0, n, 2, NULL), 0, "BICLA fails only for MSK B not improved");
  n[1] = r[1];
  n[1].items = PROT | HAEM | SERO;
  n[1].sledai = 12;
  CHECK_RESP(ev(REMIT_EP_BICLA, 364, 0, n, 2, NULL), 0, "BICLA fails only for renal A not improved");
  n[1] = r[1];
  n[1].items |= PLEU;
  n[1].sledai = 10;
  CHECK_RESP(ev(REMIT_EP_BICLA, 364, 0, n, 2, NULL), 1, "BICLA with one new B (pleurisy)");
  remit__visit nb[2] = {mkv(0, PROT | HAEM | SERO, 1.5, 15, 1), mkv(364, PROT | PLEU | SERO, 1.5, 5, 1)};
  CHECK_RESP(ev(REMIT_EP_BICLA, 364, 0, nb, 2, NULL), 1, "BICLA, renal A -> B and one new B (12 -> 10)");
  nb[1].items |= RASH;
  nb[1].sledai = 12;
  CHECK_RESP(ev(REMIT_EP_BICLA, 364, 0, nb, 2, NULL), 0, "BICLA fails only for a second new B (mucocutaneous)");
  n[1] = r[1];
  n[1].items |= SEIZ;
  n[1].sledai = 16;
  CHECK_RESP(ev(REMIT_EP_BICLA, 364, 0, n, 2, NULL), 0, "BICLA fails only for a new A (seizure)");

  /* Model-graded domains (visit.bilag[], 1 none .. 4 A) take precedence over
   * the items: arthritis present at both visits, but the model grades the
   * musculoskeletal domain B at baseline and C at week 52, so it improved
   * (BILAG grades severity, SLEDAI presence); graded B at week 52 it did not. */
  {
    remit__visit g[2] = {mkv(0, ARTH | SERO, 1.2, 5, 0), mkv(364, ARTH | SERO, 1.2, 5, 0)};
    g[0].bilag[REMIT_BD_MUSCULOSKELETAL] = 3;
    g[1].bilag[REMIT_BD_MUSCULOSKELETAL] = 2;
    CHECK_RESP(ev(REMIT_EP_BICLA, 364, 0, g, 2, NULL), 1, "BICLA: model-graded MSK B -> C with the item present");
    g[1].bilag[REMIT_BD_MUSCULOSKELETAL] = 3;
    CHECK_RESP(ev(REMIT_EP_BICLA, 364, 0, g, 2, NULL), 0, "BICLA: model-graded MSK B -> B fails");
    g[1].bilag[REMIT_BD_MUSCULOSKELETAL] = 1; /* not active now, active before: D */
    remit__bilag_grade gr[REMIT_N_BILAG_DOMAINS];
    remit__bilag_grades(g, 1, gr);
    REMIT_CHECK(gr[REMIT_BD_MUSCULOSKELETAL] == REMIT_BILAG_D, "graded none after B is D (%d)",
                (int)gr[REMIT_BD_MUSCULOSKELETAL]);
    g[0].bilag[REMIT_BD_CARDIORESPIRATORY] = 1;
    g[1].bilag[REMIT_BD_CARDIORESPIRATORY] = 4;
    int na = -1, nb = -1;
    remit__bilag_new(g, 1, &na, &nb);
    REMIT_CHECK(na == 1, "a model-graded A in a domain without items counts as a new A (%d)", na);
  }

  /* SLEDAI worsening with every BILAG criterion met. */
  remit__visit w[2] = {mkv(0, ARTH | THROMB, 1.0, 5, 0), mkv(364, SERO, 1.0, 5, 0)};
  CHECK_RESP(ev(REMIT_EP_BICLA, 364, 0, w, 2, NULL), 1, "BICLA responder 5 -> 4");
  w[1].items = SERO | FEVER | LEUK;
  w[1].sledai = 6;
  CHECK_RESP(ev(REMIT_EP_BICLA, 364, 0, w, 2, NULL), 0, "BICLA fails only for SLEDAI 5 -> 6 (fever, cytopenia: C)");

  remit__visit c[2] = {mkv(0, FEVER | SERO, 1.0, 5, 0), mkv(364, 0, 0.0, 0, 0)};
  CHECK_MISSING(ev(REMIT_EP_BICLA, 364, 0, c, 2, NULL), "BICLA without a baseline A or B -> not applicable");
  CHECK_NRI(ev(REMIT_EP_BICLA, 400, 0, r, 2, NULL), "BICLA at day 400 (no visit) -> non-responder");
}

static void test_flare_relapse(void) {
  remit__visit v[4] = {mkv(0, PROT | HAEM | SERO, 1.5, 20, 1), mkv(30, PROT | SERO, 1.0, 10, 1),
                       mkv(60, SERO, 0.8, 7.5, 1), mkv(90, SERO | PLEU | FEVER, 1.0, 7.5, 1)};
  /* SLEDAI 12 -> 8 -> 4 -> 7: +3 at day 90 (the rise from the previous visit,
   * not from baseline). */
  remit__outcome o = ev(REMIT_EP_FLARE, 0, 0, v, 4, NULL);
  CHECK_TTE(o, 90, 1, "flare at day 90 (+3 vs day 60)");
  v[3].items = SERO | PLEU;
  v[3].sledai = 6;
  CHECK_TTE(ev(REMIT_EP_FLARE, 0, 0, v, 4, NULL), 90, 0, "+2 is no flare: censored at the last visit");
  CHECK_TTE(ev(REMIT_EP_FLARE, 0, 2, v, 4, NULL), 90, 1, "threshold 2: flare at day 90");
  v[3].items = SERO | PLEU | FEVER;
  v[3].sledai = 7;
  CHECK_TTE(ev(REMIT_EP_FLARE, 75, 0, v, 4, NULL), 75, 0, "window to day 75: censored at 75");
  CHECK_TTE(ev(REMIT_EP_FLARE, 0, 0, v, 1, NULL), 0, 0, "baseline only: censored at 0");

  /* Relapse: LLDAS at day 60 (SLEDAI 4, serology only, no new items, PGA
   * 0.8, prednisone 7.5), then the rise at day 90. */
  CHECK_TTE(ev(REMIT_EP_RELAPSE, 0, 0, v, 4, NULL), 90, 1, "relapse at day 90 after LLDAS at day 60");
  remit__visit n[4];
  memcpy(n, v, sizeof(n));
  n[2].prednisone = 8.0;
  CHECK_MISSING(ev(REMIT_EP_RELAPSE, 0, 0, n, 4, NULL), "never in LLDAS/DORIS -> not at risk of relapse");
  CHECK_TTE(ev(REMIT_EP_FLARE, 0, 0, n, 4, NULL), 90, 1, "... though it is a flare");
  /* A flare before remission is not a relapse. */
  remit__visit q[5] = {mkv(0, ARTH | SERO, 1.5, 10, 1), mkv(30, ARTH | SERO | PLEU | FEVER, 1.5, 10, 1),
                       mkv(60, SERO, 0.4, 5, 1), mkv(90, SERO, 0.4, 5, 1), mkv(120, SERO, 0.3, 5, 1)};
  CHECK_TTE(ev(REMIT_EP_FLARE, 0, 0, q, 5, NULL), 30, 1, "flare at day 30 (8 -> 11)");
  CHECK_TTE(ev(REMIT_EP_RELAPSE, 0, 0, q, 5, NULL), 120, 0,
            "that flare came before LLDAS (day 60): no relapse, censored at 120");
}

/* Evaluates a flare-family endpoint with a flare definition. */
static remit__outcome evf(remit_endpoint_kind kind, remit_flare_def def, double day, double thr,
                          const remit__visit *v, int n) {
  remit_endpoint e = mkep(kind, day, thr);
  e.flare = def;
  remit__outcome o;
  memset(&o, 0, sizeof(o));
  remit_status st = remit__endpoint_eval(&e, v, n, NULL, &o);
  REMIT_CHECK(st == REMIT_OK, "eval kind %d flare %d day %g -> %d", (int)kind, (int)def, day, (int)st);
  return o;
}

#define CHECK_COUNT(o, count, t, what)                                                                \
  do {                                                                                                \
    remit__outcome o_ = (o);                                                                          \
    REMIT_CHECK(o_.evaluable == 1 && o_.kind == REMIT_VALUE_COUNT && o_.value == (count) &&            \
                    o_.event == ((count) > 0) && fabs(o_.time - (t)) < 1e-12,                         \
                "%s: %g flares over %g days (expected %g over %g) [%s]", what, o_.value, o_.time,      \
                (double)(count), (double)(t), o_.why);                                                \
  } while (0)

static void test_flare_definitions(void) {
  /* Seven monthly visits.  SLEDAI-2K 4, 6, 12, 16, 16, 12, 16; BILAG-like
   * domains: musculoskeletal B (arthritis) throughout except A (arthritis
   * with myositis) at days 84, 112 and 168; mucocutaneous B (rash) from day
   * 28; cardiorespiratory and renal B (pleurisy, proteinuria) from day 56.
   * Compared with the previous visit: day 28 one new B; day 56 two new B;
   * day 84 a new A; day 112 nothing new; day 140 A -> B (an improvement,
   * not a new B); day 168 a new A again. */
  uint32_t b4 = ARTH | RASH | PLEU | PROT;
  remit__visit v[7] = {mkv(0, ARTH, 0.5, 10, 0),          mkv(28, ARTH | RASH, 0.8, 10, 0),
                       mkv(56, b4, 1.8, 10, 0),           mkv(84, b4 | MYOS, 2.0, 10, 0),
                       mkv(112, b4 | MYOS, 2.0, 10, 0),   mkv(140, b4, 1.0, 10, 0),
                       mkv(168, b4 | MYOS, 1.9, 10, 0)};
  static const struct {
    remit_flare_def def;
    int flare_at[7];
  } expect[] = {
      {REMIT_FLARE_SLEDAI, {0, 0, 1, 1, 0, 0, 1}},        /* rises +2 +6 +4 0 -4 +4 */
      {REMIT_FLARE_SLEDAI_SEVERE, {0, 0, 0, 1, 0, 0, 1}}, /* 12 is not > 12 */
      {REMIT_FLARE_BILAG, {0, 0, 1, 1, 0, 0, 1}},         /* one new B is not enough */
      {REMIT_FLARE_BILAG_AB, {0, 1, 1, 1, 0, 0, 1}},
      {REMIT_FLARE_BILAG_A, {0, 0, 0, 1, 0, 0, 1}},
      {REMIT_FLARE_PGA, {0, 0, 1, 0, 0, 0, 0}},           /* +1.0 at day 56 (bound included); +0.9 at 168 */
      {REMIT_FLARE_BILAG_ANY, {0, 1, 1, 1, 0, 0, 1}},     /* no new C here: as bilag_ab */
      {REMIT_FLARE_SFI_SEVERE, {0, 0, 0, 1, 0, 0, 1}},    /* new A; PGA never > 2.5; 16 > 12 is not enough */
  };
  for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
    for (int k = 0; k < 7; k++) {
      int got = remit__flare_at(v, k, expect[i].def, 0.0, 1e-9);
      REMIT_CHECK(got == expect[i].flare_at[k], "flare definition %s at day %g: %d (expected %d)",
                  remit_flare_def_name(expect[i].def), v[k].day, got, expect[i].flare_at[k]);
    }
  }
  REMIT_CHECK(!remit__flare_at(v, 3, REMIT_N_FLARE_DEFS, 0.0, 1e-9), "unknown definition: no flare");

  /* Counts over the whole follow-up, a window, a dropout; a threshold. */
  CHECK_COUNT(evf(REMIT_EP_FLARE_COUNT, REMIT_FLARE_BILAG_AB, 0, 0, v, 7), 4, 168, "A/B flares");
  CHECK_COUNT(evf(REMIT_EP_FLARE_COUNT, REMIT_FLARE_BILAG, 0, 0, v, 7), 3, 168, "TULIP flares");
  CHECK_COUNT(evf(REMIT_EP_FLARE_COUNT, REMIT_FLARE_SLEDAI, 0, 0, v, 7), 3, 168, "SLEDAI +3 flares");
  CHECK_COUNT(evf(REMIT_EP_FLARE_COUNT, REMIT_FLARE_SLEDAI, 0, 5, v, 7), 1, 168, "SLEDAI +5: only +6 counts");
  CHECK_COUNT(evf(REMIT_EP_FLARE_COUNT, REMIT_FLARE_BILAG_AB, 100, 0, v, 7), 3, 100,
              "window to day 100: visits after it ignored, at risk to day 100");
  CHECK_COUNT(evf(REMIT_EP_FLARE_COUNT, REMIT_FLARE_BILAG_AB, 0, 0, v, 4), 3, 84,
              "dropout after day 84: at risk to the last visit attended");
  CHECK_COUNT(evf(REMIT_EP_FLARE_COUNT, REMIT_FLARE_BILAG_A, 0, 0, v, 1), 0, 0,
              "baseline only: no flare, no time at risk");
  /* Any flare by a day (crude proportion) and the first flare. */
  CHECK_RESP(evf(REMIT_EP_FLARE_ANY, REMIT_FLARE_SLEDAI_SEVERE, 100, 0, v, 7), 1, "severe flare by day 100");
  CHECK_RESP(evf(REMIT_EP_FLARE_ANY, REMIT_FLARE_SLEDAI_SEVERE, 60, 0, v, 7), 0, "no severe flare by day 60");
  CHECK_RESP(evf(REMIT_EP_FLARE_ANY, REMIT_FLARE_SLEDAI_SEVERE, 364, 0, v, 2), 0,
             "dropout after day 28 without a severe flare: counted as none");
  CHECK_TTE(evf(REMIT_EP_FLARE, REMIT_FLARE_BILAG, 0, 0, v, 7), 56, 1, "first TULIP flare at day 56");
  CHECK_TTE(evf(REMIT_EP_FLARE, REMIT_FLARE_PGA, 0, 0.8, v, 7), 56, 1, "PGA rise threshold 0.8: day 56");

  /* Visit to visit, not against baseline: A at baseline, B, then A again is
   * a new A (a flare) though the domain was A at baseline. */
  remit__visit w[3] = {mkv(0, ARTH | MYOS, 1.5, 10, 0), mkv(28, ARTH, 1.0, 10, 0),
                       mkv(56, ARTH | MYOS, 1.5, 10, 0)};
  REMIT_CHECK(remit__flare_at(w, 2, REMIT_FLARE_BILAG_A, 0.0, 1e-9), "A -> B -> A: a new A at day 56");
  int na = -1, nb = -1;
  remit__bilag_new(w, 2, &na, &nb);
  REMIT_CHECK(na == 0 && nb == 0, "... while against baseline nothing is new (SRI-4/BICLA rule)");

  /* Mild flares (new C): only bilag_any counts them.  Thrombocytopenia
   * appears (haematological E -> C), then fever (constitutional E -> C),
   * then the haematological domain is C -> D -> C (a new C again), then the
   * mucocutaneous domain B -> C (an improvement). */
  remit__visit c[5] = {mkv(0, RASH, 1.0, 10, 0), mkv(28, RASH | THROMB, 1.0, 10, 0),
                       mkv(56, RASH | THROMB | FEVER, 1.0, 10, 0), mkv(84, RASH | FEVER, 1.0, 10, 0),
                       mkv(112, THROMB | FEVER, 1.0, 10, 0)};
  c[4].bilag[REMIT_BD_MUCOCUTANEOUS] = 2;
  static const int mild_at[5] = {0, 1, 1, 0, 1};
  for (int k = 0; k < 5; k++) {
    REMIT_CHECK(remit__flare_at(c, k, REMIT_FLARE_BILAG_ANY, 0.0, 1e-9) == mild_at[k] &&
                    !remit__flare_at(c, k, REMIT_FLARE_BILAG_AB, 0.0, 1e-9),
                "mild flares at day %g: bilag_any %d (expected %d), bilag_ab none", c[k].day,
                remit__flare_at(c, k, REMIT_FLARE_BILAG_ANY, 0.0, 1e-9), mild_at[k]);
  }
  CHECK_COUNT(evf(REMIT_EP_FLARE_COUNT, REMIT_FLARE_BILAG_ANY, 0, 0, c, 5), 3, 112, "mild flares");
  int nc = -1;
  remit__bilag_new_since(c, 2, 1, &na, &nb, &nc);
  REMIT_CHECK(na == 0 && nb == 0 && nc == 1, "day 56 vs 28: one new C (fever), got A %d B %d C %d", na, nb,
              nc);

  /* BLISS's modified SFI: a PGA rising to > 2.5 is a severe flare without
   * any item; staying above 2.5 is not a new one. */
  remit__visit p[3] = {mkv(0, ARTH, 2.0, 10, 0), mkv(28, ARTH, 2.6, 10, 0), mkv(56, ARTH, 2.9, 10, 0)};
  REMIT_CHECK(remit__flare_at(p, 1, REMIT_FLARE_SFI_SEVERE, 0.0, 1e-9) &&
                  !remit__flare_at(p, 2, REMIT_FLARE_SFI_SEVERE, 0.0, 1e-9) &&
                  !remit__flare_at(p, 1, REMIT_FLARE_SLEDAI_SEVERE, 0.0, 1e-9),
              "PGA 2.0 -> 2.6 -> 2.9: one SFI severe flare, at day 28");

  /* Model-graded domains (visit.bilag[]) count like item-derived ones. */
  remit__visit g[2] = {mkv(0, 0, 1.0, 10, 0), mkv(28, 0, 1.0, 10, 0)};
  g[0].bilag[REMIT_BD_RENAL] = 3;
  g[1].bilag[REMIT_BD_RENAL] = 4;
  REMIT_CHECK(remit__flare_at(g, 1, REMIT_FLARE_BILAG_A, 0.0, 1e-9), "graded renal B -> A: severe flare");
  g[1].bilag[REMIT_BD_RENAL] = 3;
  REMIT_CHECK(!remit__flare_at(g, 1, REMIT_FLARE_BILAG_AB, 0.0, 1e-9), "graded renal B -> B: no flare");

  /* Defaults and errors. */
  REMIT_CHECK(remit__flare_default_threshold(REMIT_FLARE_SLEDAI) == 3.0 &&
                  remit__flare_default_threshold(REMIT_FLARE_SLEDAI_SEVERE) == 12.0 &&
                  remit__flare_default_threshold(REMIT_FLARE_PGA) == 1.0 &&
                  isnan(remit__flare_default_threshold(REMIT_FLARE_BILAG)),
              "flare definition defaults: rise 3, severe > 12, PGA rise 1.0, none for BILAG");
  remit_endpoint e = mkep(REMIT_EP_FLARE_COUNT, 0, 0);
  e.flare = (remit_flare_def)(REMIT_N_FLARE_DEFS + 2);
  remit__outcome o, keep;
  memset(&o, 0x5a, sizeof(o));
  keep = o;
  REMIT_CHECK_STATUS(remit__endpoint_eval(&e, v, 7, NULL, &o), REMIT_ERR_ARG);
  REMIT_CHECK(memcmp(&o, &keep, sizeof(o)) == 0, "unknown flare definition: out untouched");
}

/* Daily series helper: days -5..last, one value per day. */
#define ND 400
typedef struct {
  double day[ND], car[ND], b[ND], crs[ND], icans[ND], neut[ND], inf[ND], other[ND], igg[ND];
  remit__daily d;
} series;

static void mkseries(series *s, int first, int last) {
  memset(s, 0, sizeof(*s));
  int n = last - first + 1;
  for (int i = 0; i < n; i++) {
    double t = first + i;
    s->day[i] = t;
    s->car[i] = t < 0 ? 0.0 : t <= 10 ? 2.5 * t : t <= 20 ? 2.5 * (20 - t) : 0.0; /* triangle, peak 25 at day 10 */
    s->b[i] = t < 2 ? 135.0 : t < 111 ? 0.0 : 42.0;
    s->igg[i] = 9.0;
  }
  s->d.n = n;
  s->d.day = s->day;
  s->d.car_t = s->car;
  s->d.b_cells = s->b;
  s->d.crs_grade = s->crs;
  s->d.icans_grade = s->icans;
  s->d.neutropenia_grade = s->neut;
  s->d.infection = s->inf;
  s->d.other_ae_grade = s->other;
  s->d.igg = s->igg;
}
static int idx(const series *s, double day) { return (int)(day - s->day[0]); }

static void test_bcells(void) {
  static series s;
  remit__visit v0 = mkv(-5, SERO, 1, 10, 0);
  mkseries(&s, -5, 365);
  CHECK_TTE(ev(REMIT_EP_B_APLASIA_DAYS, 0, 0, &v0, 1, &s.d), 109, 1, "aplasia days 2..110, back on 111: 109 days");
  CHECK_TTE(ev(REMIT_EP_B_RECONSTITUTION, 0, 0, &v0, 1, &s.d), 111, 1, "reconstitution on day 111 (from day 0)");
  s.b[idx(&s, 111)] = 0.5;
  CHECK_TTE(ev(REMIT_EP_B_RECONSTITUTION, 0, 0, &v0, 1, &s.d), 112, 1, "0.5 cells/uL is still aplasia (< 1)");
  CHECK_TTE(ev(REMIT_EP_B_RECONSTITUTION, 0, 0.4, &v0, 1, &s.d), 111, 1, "threshold 0.4: back on day 111");
  s.d.n = idx(&s, 100) + 1; /* dropout on day 100 */
  CHECK_TTE(ev(REMIT_EP_B_APLASIA_DAYS, 0, 0, &v0, 1, &s.d), 98, 0, "dropout on day 100: 98 days, censored");
  CHECK_TTE(ev(REMIT_EP_B_RECONSTITUTION, 0, 0, &v0, 1, &s.d), 100, 0, "dropout on day 100: censored at 100");
  mkseries(&s, -5, 365);
  CHECK_TTE(ev(REMIT_EP_B_RECONSTITUTION, 90, 0, &v0, 1, &s.d), 90, 0, "window to day 90: censored at 90");
  for (int i = 0; i < s.d.n; i++) {
    s.b[i] = 80.0;
  }
  CHECK_MISSING(ev(REMIT_EP_B_RECONSTITUTION, 0, 0, &v0, 1, &s.d), "never aplastic -> not evaluable");
  CHECK_MISSING(ev(REMIT_EP_B_APLASIA_DAYS, 0, 0, &v0, 1, NULL), "no daily series -> not evaluable");
}

static void test_cart(void) {
  static series s;
  remit__visit v0 = mkv(-5, SERO, 1, 10, 0);
  mkseries(&s, -5, 60);
  remit__outcome o = ev(REMIT_EP_CART_CMAX, 0, 0, &v0, 1, &s.d);
  REMIT_CHECK(o.evaluable && o.kind == REMIT_VALUE_CONTINUOUS && o.value == 25.0, "Cmax 25 (got %g)", o.value);
  o = ev(REMIT_EP_CART_TMAX, 0, 0, &v0, 1, &s.d);
  REMIT_CHECK(o.evaluable && o.value == 10.0, "Tmax day 10 (got %g)", o.value);
  o = ev(REMIT_EP_CART_AUC28, 0, 0, &v0, 1, &s.d);
  REMIT_CHECK_REL(o.value, 250.0, 1e-12); /* triangle: 0.5 x 20 d x 25 */
  s.car[idx(&s, -2)] = 1000.0;             /* before day 0: ignored */
  s.car[idx(&s, 14)] = 25.0;               /* a second peak: Tmax is the first */
  o = ev(REMIT_EP_CART_TMAX, 0, 0, &v0, 1, &s.d);
  REMIT_CHECK(o.value == 10.0, "days < 0 ignored, first day of the maximum (got %g)", o.value);
  o = ev(REMIT_EP_CART_AUC28, 0, 0, &v0, 1, &s.d);
  REMIT_CHECK_REL(o.value, 250.0 + 0.5 * 2 * (25.0 - 15.0) * 1.0, 1e-12); /* the bump adds a triangle of base 2 */
  /* Half-day grid with a quadratic: trapezoid error is -h^2/12 * (b-a) * f''. */
  static double day[80], y[80];
  int n = 0;
  for (double t = 0; t <= 30.0; t += 0.5) {
    day[n] = t;
    y[n] = t * t;
    n++;
  }
  remit__daily d = {0};
  d.n = n;
  d.day = day;
  d.car_t = y;
  o = ev(REMIT_EP_CART_AUC28, 0, 0, &v0, 1, &d);
  REMIT_CHECK_REL(o.value, 28.0 * 28.0 * 28.0 / 3.0 + 0.25 / 12.0 * 28.0 * 2.0, 1e-12);
  mkseries(&s, -5, 20);
  CHECK_MISSING(ev(REMIT_EP_CART_AUC28, 0, 0, &v0, 1, &s.d), "series ending on day 20: AUC0-28 not evaluable");
  o = ev(REMIT_EP_CART_CMAX, 0, 0, &v0, 1, &s.d);
  REMIT_CHECK(o.evaluable && o.value == 25.0, "... but Cmax is");
  CHECK_MISSING(ev(REMIT_EP_CART_CMAX, 0, 0, &v0, 1, NULL), "no daily series -> not evaluable");
}

static void test_safety(void) {
  static series s;
  remit__visit v0 = mkv(-5, SERO, 1, 10, 0);
  mkseries(&s, -5, 365);
  s.crs[idx(&s, 5)] = 2;
  s.crs[idx(&s, 6)] = 1;
  s.icans[idx(&s, 7)] = 1;
  CHECK_RESP(ev(REMIT_EP_CRS, 0, 0, &v0, 1, &s.d), 1, "CRS grade 2 >= 1");
  CHECK_RESP(ev(REMIT_EP_CRS, 0, 3, &v0, 1, &s.d), 0, "CRS grade 2 < 3");
  CHECK_RESP(ev(REMIT_EP_CRS, 4, 0, &v0, 1, &s.d), 0, "CRS on day 5 is outside a 4-day window");
  CHECK_RESP(ev(REMIT_EP_ICANS, 0, 0, &v0, 1, &s.d), 1, "ICANS grade 1");
  CHECK_RESP(ev(REMIT_EP_ICANS, 0, 2, &v0, 1, &s.d), 0, "ICANS grade 1 < 2");
  s.crs[idx(&s, -1)] = 4; /* before day 0: not counted */
  CHECK_RESP(ev(REMIT_EP_CRS, 0, 3, &v0, 1, &s.d), 0, "grades before day 0 are not counted");

  /* Infections: cumulative count, 1 from day 50. */
  for (int i = idx(&s, 50); i < s.d.n; i++) {
    s.inf[i] = 1;
  }
  CHECK_RESP(ev(REMIT_EP_INFECTION, 30, 0, &v0, 1, &s.d), 0, "no serious infection by day 30");
  CHECK_RESP(ev(REMIT_EP_INFECTION, 60, 0, &v0, 1, &s.d), 1, "one by day 60");
  CHECK_RESP(ev(REMIT_EP_INFECTION, 60, 2, &v0, 1, &s.d), 0, "fewer than 2 by day 60");

  /* AE grade >= 3 within 10 days (the Saint-Louis MSC primary endpoint). */
  mkseries(&s, -5, 365);
  s.neut[idx(&s, 4)] = 3;
  CHECK_RESP(ev(REMIT_EP_AE_GRADE3, 10, 0, &v0, 1, &s.d), 1, "grade 3 neutropenia on day 4");
  s.neut[idx(&s, 4)] = 2;
  s.crs[idx(&s, 3)] = 2;
  s.other[idx(&s, 1)] = 2;
  s.icans[idx(&s, 6)] = 2;
  CHECK_RESP(ev(REMIT_EP_AE_GRADE3, 10, 0, &v0, 1, &s.d), 0, "only grade 2 events");
  s.other[idx(&s, 12)] = 3;
  CHECK_RESP(ev(REMIT_EP_AE_GRADE3, 10, 0, &v0, 1, &s.d), 0, "grade 3 on day 12 is outside 10 days");
  CHECK_RESP(ev(REMIT_EP_AE_GRADE3, 14, 0, &v0, 1, &s.d), 1, "... inside 14 days");
  s.other[idx(&s, 12)] = 0;
  s.crs[idx(&s, 3)] = 3;
  CHECK_RESP(ev(REMIT_EP_AE_GRADE3, 10, 0, &v0, 1, &s.d), 1, "grade 3 CRS counts");
  s.crs[idx(&s, 3)] = 2;
  s.icans[idx(&s, 6)] = 3;
  CHECK_RESP(ev(REMIT_EP_AE_GRADE3, 10, 0, &v0, 1, &s.d), 1, "grade 3 ICANS counts");
  s.icans[idx(&s, 6)] = 2;
  for (int i = idx(&s, 8); i < s.d.n; i++) {
    s.inf[i] = 1;
  }
  CHECK_RESP(ev(REMIT_EP_AE_GRADE3, 10, 0, &v0, 1, &s.d), 1, "a serious infection on day 8 counts as grade 3");
  CHECK_RESP(ev(REMIT_EP_AE_GRADE3, 10, 4, &v0, 1, &s.d), 0, "... but not as grade 4");
  for (int i = 0; i < s.d.n; i++) {
    s.inf[i] = s.day[i] >= -2 ? 1 : 0;
  }
  CHECK_RESP(ev(REMIT_EP_AE_GRADE3, 10, 0, &v0, 1, &s.d), 0, "an infection on day -2 is not within days 0-10");
  CHECK_MISSING(ev(REMIT_EP_AE_GRADE3, 10, 0, &v0, 1, NULL), "no daily series -> not evaluable");
  remit__daily none = s.d;
  none.crs_grade = none.icans_grade = none.neutropenia_grade = none.other_ae_grade = none.infection = NULL;
  CHECK_MISSING(ev(REMIT_EP_AE_GRADE3, 10, 0, &v0, 1, &none), "no safety series -> not evaluable");
  CHECK_MISSING(ev(REMIT_EP_CRS, 0, 0, &v0, 1, &none), "no CRS series -> not evaluable");

  /* CAR-T toxicity composite (CARLYSLE: no CRS >= 2, no ICANS, no DLT). */
  mkseries(&s, -5, 365);
  s.crs[idx(&s, 5)] = 1;
  s.neut[idx(&s, 4)] = 4;
  CHECK_RESP(ev(REMIT_EP_CART_TOXICITY, 28, 0, &v0, 1, &s.d), 0, "grade 1 CRS and neutropenia: no toxicity");
  s.crs[idx(&s, 6)] = 2;
  CHECK_RESP(ev(REMIT_EP_CART_TOXICITY, 28, 0, &v0, 1, &s.d), 1, "grade 2 CRS (default threshold 2)");
  CHECK_RESP(ev(REMIT_EP_CART_TOXICITY, 28, 3, &v0, 1, &s.d), 0, "... not at threshold 3");
  s.crs[idx(&s, 6)] = 0;
  s.icans[idx(&s, 9)] = 1;
  CHECK_RESP(ev(REMIT_EP_CART_TOXICITY, 28, 3, &v0, 1, &s.d), 1, "ICANS of any grade counts");
  CHECK_RESP(ev(REMIT_EP_CART_TOXICITY, 8, 0, &v0, 1, &s.d), 0, "... within the window only");
  s.icans[idx(&s, 9)] = 0;
  for (int i = 0; i < s.d.n; i++) {
    s.inf[i] = s.day[i] >= -3 ? 1 : 0;
  }
  CHECK_RESP(ev(REMIT_EP_CART_TOXICITY, 28, 0, &v0, 1, &s.d), 0, "an infection during lymphodepletion is not counted");
  for (int i = idx(&s, 20); i < s.d.n; i++) {
    s.inf[i] = 2;
  }
  CHECK_RESP(ev(REMIT_EP_CART_TOXICITY, 28, 0, &v0, 1, &s.d), 1, "a serious infection on day 20 counts");
  CHECK_MISSING(ev(REMIT_EP_CART_TOXICITY, 28, 0, &v0, 1, &none), "no CRS/ICANS series -> not evaluable");
}

static void test_labs(void) {
  remit__visit v[3] = {mkv(0, PROT | HAEM | ARTH | SERO, 1.5, 20, 1), mkv(90, ARTH | SERO, 1.0, 10, 1),
                       mkv(364, SERO, 0.6, 7.5, 1)};
  /* SLEDAI and its change; damage. */
  remit__outcome o = ev(REMIT_EP_SLEDAI_CHANGE, 364, 0, v, 3, NULL);
  REMIT_CHECK(o.evaluable && o.kind == REMIT_VALUE_CONTINUOUS && o.value == -12.0, "SLEDAI change 16 -> 4 = -12 (%g)",
              o.value);
  o = ev(REMIT_EP_SLEDAI_CHANGE, 95, 0, v, 3, NULL);
  REMIT_CHECK(o.evaluable && o.value == -8.0 && o.day == 90, "day 95 uses the day-90 visit (-8), got %g", o.value);
  CHECK_MISSING(ev(REMIT_EP_SLEDAI_CHANGE, 180, 0, v, 3, NULL), "no visit within 14 days of 180 -> not evaluable");
  o = ev(REMIT_EP_SLEDAI, 364, 0, v, 3, NULL);
  REMIT_CHECK(o.evaluable && o.value == 4.0, "SLEDAI at 364 = 4");
  v[2].damage = 1.0;
  o = ev(REMIT_EP_DAMAGE_CHANGE, 364, 0, v, 3, NULL);
  REMIT_CHECK(o.evaluable && o.value == 1.0, "damage change 0 -> 1");
  v[2].sledai = NAN;
  CHECK_MISSING(ev(REMIT_EP_SLEDAI, 364, 0, v, 3, NULL), "SLEDAI not measured -> not evaluable");
  v[2].sledai = 4;

  /* Hypogammaglobulinaemia: IgG < 6 g/L. */
  v[2].igg = 5.9;
  CHECK_RESP(ev(REMIT_EP_HYPOGAMMA, 364, 0, v, 3, NULL), 1, "IgG 5.9 < 6");
  v[2].igg = 6.0;
  CHECK_RESP(ev(REMIT_EP_HYPOGAMMA, 364, 0, v, 3, NULL), 0, "IgG 6.0 is not < 6");
  CHECK_RESP(ev(REMIT_EP_HYPOGAMMA, 364, 7, v, 3, NULL), 1, "threshold 7 g/L");
  CHECK_MISSING(ev(REMIT_EP_HYPOGAMMA, 500, 0, v, 3, NULL), "IgG after dropout -> not evaluable");

  /* Renal response: proteinuria <= 0.5 g/day, prednisone <= 10, no rescue. */
  v[0].proteinuria = 2.5;
  v[2].proteinuria = 0.4;
  CHECK_RESP(ev(REMIT_EP_RENAL_RESPONSE, 364, 0, v, 3, NULL), 1, "renal responder 2.5 -> 0.4 g/day");
  v[2].proteinuria = 0.6;
  CHECK_RESP(ev(REMIT_EP_RENAL_RESPONSE, 364, 0, v, 3, NULL), 0, "fails only for 0.6 g/day");
  CHECK_RESP(ev(REMIT_EP_RENAL_RESPONSE, 364, 0.7, v, 3, NULL), 1, "threshold 0.7 (PERR-like)");
  v[2].proteinuria = 0.4;
  v[2].prednisone = 12.0;
  CHECK_RESP(ev(REMIT_EP_RENAL_RESPONSE, 364, 0, v, 3, NULL), 0, "fails only for prednisone 12");
  v[2].prednisone = 7.5;
  v[1].new_treatment = 1;
  CHECK_RESP(ev(REMIT_EP_RENAL_RESPONSE, 364, 0, v, 3, NULL), 0, "fails only for rescue therapy at day 90");
  v[1].new_treatment = 0;
  CHECK_NRI(ev(REMIT_EP_RENAL_RESPONSE, 500, 0, v, 3, NULL), "no visit near day 500 -> non-responder");
  v[0].proteinuria = 0.3;
  CHECK_MISSING(ev(REMIT_EP_RENAL_RESPONSE, 364, 0, v, 3, NULL), "baseline 0.3 g/day -> not applicable");

  /* Anti-dsDNA negative (< 30 IU/mL) among the baseline-positive. */
  v[0].anti_dsdna = 210.0;
  v[2].anti_dsdna = 20.0;
  CHECK_RESP(ev(REMIT_EP_ANTI_DSDNA_NEG, 364, 0, v, 3, NULL), 1, "anti-dsDNA 210 -> 20 IU/mL");
  v[2].anti_dsdna = 30.0;
  CHECK_RESP(ev(REMIT_EP_ANTI_DSDNA_NEG, 364, 0, v, 3, NULL), 0, "30 IU/mL is still positive");
  v[0].anti_dsdna = 25.0;
  CHECK_MISSING(ev(REMIT_EP_ANTI_DSDNA_NEG, 364, 0, v, 3, NULL), "negative at baseline -> not applicable");
}

static void test_api(void) {
  remit__visit v[2] = {mkv(0, SERO, 1, 5, 0), mkv(90, 0, 0, 0, 0)};
  remit_endpoint e = mkep(REMIT_EP_DORIS, 90, 0);
  remit__outcome o, keep;
  memset(&o, 0x5a, sizeof(o));
  keep = o;
  REMIT_CHECK_STATUS(remit__endpoint_eval(NULL, v, 2, NULL, &o), REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit__endpoint_eval(&e, NULL, 2, NULL, &o), REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit__endpoint_eval(&e, v, 0, NULL, &o), REMIT_ERR_ARG);
  REMIT_CHECK_STATUS(remit__endpoint_eval(&e, v, 2, NULL, NULL), REMIT_ERR_ARG);
  e.kind = (remit_endpoint_kind)(REMIT_N_ENDPOINT_KINDS + 7);
  REMIT_CHECK_STATUS(remit__endpoint_eval(&e, v, 2, NULL, &o), REMIT_ERR_ARG);
  REMIT_CHECK(memcmp(&o, &keep, sizeof(o)) == 0, "out untouched on error");

  /* Every public kind evaluates without error on a minimal patient. */
  for (int k = 0; k < REMIT_N_ENDPOINT_KINDS; k++) {
    e = mkep((remit_endpoint_kind)k, 90, 0);
    remit_status st = remit__endpoint_eval(&e, v, 2, NULL, &o);
    REMIT_CHECK(st == REMIT_OK && o.why != NULL && (int)o.kind == remit__endpoint_value_kind(e.kind),
                "kind %d evaluates on a minimal patient, value kind %d", k, (int)o.kind);
  }
  REMIT_CHECK(remit__endpoint_value_kind(REMIT_EP_RELAPSE) == REMIT_VALUE_TIME_TO_EVENT, "relapse is time-to-event");
  REMIT_CHECK(remit__endpoint_value_kind(REMIT_EP_FLARE_COUNT) == REMIT_VALUE_COUNT &&
                  remit__endpoint_value_kind(REMIT_EP_FLARE_ANY) == REMIT_VALUE_BINARY,
              "flare count is a count, any flare a proportion");

  /* Defaults. */
  REMIT_CHECK(remit__endpoint_default_threshold(REMIT_EP_HYPOGAMMA) == 6.0 &&
                  remit__endpoint_default_threshold(REMIT_EP_RENAL_RESPONSE) == 0.5 &&
                  remit__endpoint_default_threshold(REMIT_EP_FLARE) == 3.0 &&
                  remit__endpoint_default_threshold(REMIT_EP_AE_GRADE3) == 3.0 &&
                  remit__endpoint_default_threshold(REMIT_EP_CRS) == 1.0 &&
                  remit__endpoint_default_threshold(REMIT_EP_B_RECONSTITUTION) == 1.0 &&
                  remit__endpoint_default_threshold(REMIT_EP_ANTI_DSDNA_NEG) == 30.0 &&
                  isnan(remit__endpoint_default_threshold(REMIT_EP_SRI4)),
              "default thresholds");

  /* Options: a zero window takes exact days only. */
  remit__endpoint_opts op;
  remit__endpoint_opts_default(&op);
  REMIT_CHECK(op.visit_window == 14.0 && op.pga_tol == 1e-9, "default options");
  op.visit_window = 0.0;
  e = mkep(REMIT_EP_SLEDAI, 91, 0);
  REMIT_CHECK_STATUS(remit__endpoint_eval_opts(&e, &op, v, 2, NULL, &o), REMIT_OK);
  CHECK_MISSING(o, "window 0: no visit on day 91");
  REMIT_CHECK_STATUS(remit__endpoint_eval_opts(&e, NULL, v, 2, NULL, &o), REMIT_OK);
  REMIT_CHECK(o.evaluable && o.value == 0.0 && o.day == 90, "NULL options: default window finds day 90");
}

int main(void) {
  test_sledai();
  test_bilag();
  test_visit_at();
  test_doris();
  test_lldas();
  test_sri4();
  test_bicla();
  test_flare_relapse();
  test_flare_definitions();
  test_bcells();
  test_cart();
  test_safety();
  test_labs();
  test_api();
  return remit_test_failures();
}
