/* SPDX-License-Identifier: MIT
 *
 * simulate_cmd.c: `remit simulate`: one patient, one therapy.
 *
 * Builds the regimen from a therapy preset (the regimens of the trials in
 * shared/domain/clinical.md) or from explicit --dose-event entries, runs the
 * model over a daily grid, writes every state and readout as CSV and prints
 * a summary.  The CSV is written to FILE.partial and renamed only when the
 * run succeeded, so a file named FILE is always complete.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define MAX_DOSES 4096
#define MAX_PARAMS 64
#define MAX_GRID 1000000

/* Standard regimens.  Sources: CAR-T and lymphodepletion, Mackensen 2022 /
 * Schett ACR 2023 (Flu 25 mg/m2 d-5..-3, Cy 1000 mg/m2 d-3, 1e6 cells/kg);
 * BCMA-CD19, Wang 2024 ARD (3e6 cells/kg); MSC, Farge 2025 (2-4e6 cells/kg);
 * rituximab, LUNAR/EXPLORER (1 g days 1 and 15); belimumab, BLISS (10 mg/kg
 * days 0, 14, 28 then every 28 days); anifrolumab, TULIP (300 mg every
 * 4 weeks); daily oral drugs at common doses (clinical practice, [M]). */
typedef struct preset {
  const char *therapy;
  double dose;          /* default amount in the input's unit */
  int lymphodepletion;  /* Flu/Cy before day 0 */
  double loading[3];    /* extra early days for loading doses (belimumab) */
  int n_loading;
  double interval;      /* > 0: repeat every interval days until the end */
  int n_fixed;          /* > 0: exactly this many doses `interval` apart */
} preset;

static const preset presets[] = {
    {"none", 0, 0, {0}, 0, 0, 0},
    {"cart19", 1e6, 1, {0}, 0, 0, 0},
    {"cart_bcma19", 3e6, 1, {0}, 0, 0, 0},
    {"msc", 2e6, 0, {0}, 0, 0, 0},
    {"rituximab", 1000, 0, {0}, 0, 14, 2},
    {"belimumab", 10, 0, {14}, 1, 28, 0},
    {"anifrolumab", 300, 0, {0}, 0, 28, 0},
    {"prednisone", 10, 0, {0}, 0, 0, 0},
    {"hydroxychloroquine", 400, 0, {0}, 0, 0, 0},
    {"mycophenolate", 2000, 0, {0}, 0, 0, 0},
    {"voclosporin", 47.4, 0, {0}, 0, 0, 0},
};

static void simulate_help(FILE *f) {
  fprintf(f,
          "usage: remit simulate [options]\n"
          "\n"
          "Simulates one patient and prints a summary; with -o, writes the trajectory\n"
          "(every state and readout, one row per output day) as CSV.\n"
          "\n"
          "therapy:\n"
          "  --therapy NAME        none, cart19 (default), cart_bcma19, msc, rituximab,\n"
          "                        belimumab, anifrolumab, prednisone, hydroxychloroquine,\n"
          "                        mycophenolate, voclosporin (units: remit params --list inputs)\n"
          "  --dose X              amount in the therapy's unit (cart19 1e6 cells/kg,\n"
          "                        cart_bcma19 3e6, msc 2e6 cells/kg, rituximab 1000 mg x2,\n"
          "                        belimumab 10 mg/kg, anifrolumab 300 mg q4w, daily drugs mg/day)\n"
          "  --no-lymphodepletion  CAR-T without fludarabine/cyclophosphamide\n"
          "  --flu X               fludarabine mg/m2/day on days -5..-3 (default 25)\n"
          "  --cy X                cyclophosphamide mg/m2 on day -3 (default 1000)\n"
          "  --dose-event I,DAY,AMOUNT[,DURATION]\n"
          "                        an extra dose of input I (repeatable; DURATION days for\n"
          "                        daily inputs); with --therapy none, the whole regimen\n"
          "patient:\n"
          "  --age Y  --sex F|M  --weight KG  --height CM\n"
          "  --sledai S            baseline SLEDAI-2K (default 10)\n"
          "  --renal yes|no        lupus nephritis (default no)\n"
          "  --param NAME=VALUE    override a parameter of the table (repeatable)\n"
          "  --parameter-set FILE  typical values from a parameter-set file (remit fit);\n"
          "                        --param overrides still apply after it\n"
          "simulation:\n"
          "  --model sle|reference the SLE model (default) or the peers' reference model\n"
          "  --days N              last day (default 730); --start D first day (default -7)\n"
          "  --step D              output step in days (default 1)\n"
          "  --rtol R  --atol A    solver tolerances (default 1e-6, 1e-6 x state scale)\n"
          "  --solver fast|cvodes  remit's BDF (default; CVODES fallback) or SUNDIALS CVODES\n"
          "  -o FILE               write the trajectory CSV to FILE\n"
          "  --quiet               no summary\n");
}

typedef struct sim_args {
  const char *model;
  const char *therapy;
  double dose;
  int dose_set;
  int lymphodepletion;
  double flu, cy;
  remit_covariates cov;
  double days, start, step, rtol, atol;
  remit_solver_kind solver;
  const char *out;
  int quiet;
  const char *params[MAX_PARAMS];
  int n_params;
  const char *parameter_set;
  const char *events[MAX_DOSES];
  int n_events;
} sim_args;

static int need_value(int i, int argc, const char *flag) {
  if (i + 1 >= argc) {
    cli_usage_error("simulate", "%s needs a value", flag);
    return 0;
  }
  return 1;
}

static int parse_args(int argc, char **argv, sim_args *a) {
  for (int i = 1; i < argc; i++) {
    const char *f = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    double *num = NULL;
    if (strcmp(f, "--help") == 0 || strcmp(f, "-h") == 0) {
      simulate_help(stdout);
      exit(CLI_OK);
    } else if (strcmp(f, "--no-lymphodepletion") == 0) {
      a->lymphodepletion = 0;
      continue;
    } else if (strcmp(f, "--quiet") == 0) {
      a->quiet = 1;
      continue;
    }
    static const char *const with_value[] = {
        "--model", "--therapy", "-o", "--output", "--sex", "--renal", "--param", "--dose-event",
        "--parameter-set",
        "--dose", "--flu", "--cy", "--age", "--weight", "--height", "--sledai", "--days",
        "--start", "--step", "--rtol", "--atol", "--solver"};
    int known = 0;
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
      known |= strcmp(f, with_value[k]) == 0;
    }
    if (!known) {
      return cli_usage_error("simulate", "unknown option '%s' (try remit simulate --help)", f);
    }
    if (!need_value(i, argc, f)) {
      return CLI_USAGE;
    }
    if (strcmp(f, "--solver") == 0) {
      if (strcmp(v, "fast") == 0) {
        a->solver = REMIT_SOLVER_FAST;
      } else if (strcmp(v, "cvodes") == 0) {
        a->solver = REMIT_SOLVER_CVODES_BDF;
      } else {
        return cli_usage_error("simulate", "--solver: '%s' is not fast or cvodes", v);
      }
    } else if (strcmp(f, "--model") == 0) {
      a->model = v;
    } else if (strcmp(f, "--therapy") == 0) {
      a->therapy = v;
    } else if (strcmp(f, "-o") == 0 || strcmp(f, "--output") == 0) {
      a->out = v;
    } else if (strcmp(f, "--sex") == 0) {
      if (strcmp(v, "F") == 0 || strcmp(v, "f") == 0) {
        a->cov.sex = 0;
      } else if (strcmp(v, "M") == 0 || strcmp(v, "m") == 0) {
        a->cov.sex = 1;
      } else {
        return cli_usage_error("simulate", "--sex: '%s' is not F or M", v);
      }
    } else if (strcmp(f, "--renal") == 0) {
      if (strcmp(v, "yes") == 0 || strcmp(v, "1") == 0) {
        a->cov.renal = 1;
      } else if (strcmp(v, "no") == 0 || strcmp(v, "0") == 0) {
        a->cov.renal = 0;
      } else {
        return cli_usage_error("simulate", "--renal: '%s' is not yes or no", v);
      }
    } else if (strcmp(f, "--parameter-set") == 0) {
      a->parameter_set = v;
    } else if (strcmp(f, "--param") == 0) {
      if (a->n_params == MAX_PARAMS) {
        return cli_usage_error("simulate", "--param: more than %d overrides", MAX_PARAMS);
      }
      a->params[a->n_params++] = v;
    } else if (strcmp(f, "--dose-event") == 0) {
      if (a->n_events == MAX_DOSES) {
        return cli_usage_error("simulate", "--dose-event: more than %d events", MAX_DOSES);
      }
      a->events[a->n_events++] = v;
    } else if (strcmp(f, "--dose") == 0) {
      num = &a->dose;
      a->dose_set = 1;
    } else if (strcmp(f, "--flu") == 0) {
      num = &a->flu;
    } else if (strcmp(f, "--cy") == 0) {
      num = &a->cy;
    } else if (strcmp(f, "--age") == 0) {
      num = &a->cov.age_y;
    } else if (strcmp(f, "--weight") == 0) {
      num = &a->cov.weight_kg;
    } else if (strcmp(f, "--height") == 0) {
      num = &a->cov.height_cm;
    } else if (strcmp(f, "--sledai") == 0) {
      num = &a->cov.sledai0;
    } else if (strcmp(f, "--days") == 0) {
      num = &a->days;
    } else if (strcmp(f, "--start") == 0) {
      num = &a->start;
    } else if (strcmp(f, "--step") == 0) {
      num = &a->step;
    } else if (strcmp(f, "--rtol") == 0) {
      num = &a->rtol;
    } else if (strcmp(f, "--atol") == 0) {
      num = &a->atol;
    } else {
      return cli_usage_error("simulate", "unknown option '%s' (try remit simulate --help)", f);
    }
    if (num && cli_parse_double("simulate", f, v, num) != 0) {
      return CLI_USAGE;
    }
    i++;
  }
  return CLI_OK;
}

/* Adds a dose; reports a too-long regimen. */
static int add_dose(remit_dose *d, int *n, int input, double day, double amount, double duration) {
  if (*n >= MAX_DOSES) {
    return cli_usage_error("simulate", "regimen has more than %d doses", MAX_DOSES);
  }
  d[(*n)++] = (remit_dose){day, input, amount, duration};
  return CLI_OK;
}

static int input_or_error(const remit_model_spec *spec, const char *name) {
  int k = remit_spec_input_index(spec, name);
  if (k < 0) {
    cli_usage_error("simulate", "model %s has no input '%s' (see remit params --list inputs)",
                    spec->name, name);
  }
  return k;
}

/* "I,DAY,AMOUNT[,DURATION]" -> one dose. */
static int parse_event(const remit_model_spec *spec, const char *text, remit_dose *d, int *n) {
  char buf[256];
  if (strlen(text) >= sizeof buf) {
    return cli_usage_error("simulate", "--dose-event: entry too long");
  }
  strcpy(buf, text);
  char *field[5] = {0};
  int nf = 0;
  for (char *s = buf; nf < 5;) {
    field[nf++] = s;
    char *c = strchr(s, ',');
    if (!c) {
      break;
    }
    *c = '\0';
    s = c + 1;
  }
  if (nf < 3 || nf > 4) {
    return cli_usage_error("simulate", "--dose-event: '%s' is not INPUT,DAY,AMOUNT[,DURATION]",
                           text);
  }
  int input = input_or_error(spec, field[0]);
  double day, amount, duration = 0.0;
  if (input < 0 || cli_parse_double("simulate", "--dose-event DAY", field[1], &day) ||
      cli_parse_double("simulate", "--dose-event AMOUNT", field[2], &amount) ||
      (nf == 4 && cli_parse_double("simulate", "--dose-event DURATION", field[3], &duration))) {
    return CLI_USAGE;
  }
  return add_dose(d, n, input, day, amount, duration);
}

static int build_regimen(const remit_model_spec *spec, const sim_args *a, remit_dose *d, int *n) {
  *n = 0;
  int rc;
  if (strcmp(spec->name, "reference") == 0 && a->n_events == 0) {
    /* The reference model's own dosing table (shared/peers/MODEL.md). */
    int fc = input_or_error(spec, "Fc"), cc = input_or_error(spec, "Cc"),
        ce = input_or_error(spec, "CE");
    if (fc < 0 || cc < 0 || ce < 0) {
      return CLI_USAGE;
    }
    double days[] = {-5, -4, -3};
    for (int k = 0; k < 3; k++) {
      add_dose(d, n, fc, days[k], 45.0, 0.0);
    }
    add_dose(d, n, cc, -3.0, 1800.0, 0.0);
    return add_dose(d, n, ce, 0.0, 10.0, 0.0);
  }
  const preset *p = NULL;
  for (size_t k = 0; k < sizeof presets / sizeof presets[0]; k++) {
    if (strcmp(presets[k].therapy, a->therapy) == 0) {
      p = &presets[k];
    }
  }
  if (!p) {
    return cli_usage_error("simulate", "--therapy: unknown therapy '%s' (try --help)", a->therapy);
  }
  if (strcmp(p->therapy, "none") != 0) {
    int input = input_or_error(spec, p->therapy);
    if (input < 0) {
      return CLI_USAGE;
    }
    double amount = a->dose_set ? a->dose : p->dose;
    if (p->lymphodepletion && a->lymphodepletion) {
      int flu = input_or_error(spec, "fludarabine"), cy = input_or_error(spec, "cyclophosphamide");
      if (flu < 0 || cy < 0) {
        return CLI_USAGE;
      }
      for (int day = -5; day <= -3; day++) {
        if ((rc = add_dose(d, n, flu, day, a->flu, 0.0)) != CLI_OK) {
          return rc;
        }
      }
      if ((rc = add_dose(d, n, cy, -3.0, a->cy, 0.0)) != CLI_OK) {
        return rc;
      }
    }
    if (spec->inputs[input].kind == REMIT_INPUT_RATE) {
      rc = add_dose(d, n, input, 0.0, amount, a->days > 0.0 ? a->days : 1.0);
    } else {
      rc = add_dose(d, n, input, 0.0, amount, 0.0);
      for (int k = 0; rc == CLI_OK && k < p->n_loading; k++) {
        rc = add_dose(d, n, input, p->loading[k], amount, 0.0);
      }
      if (p->interval > 0.0) {
        double first = p->n_loading ? p->loading[p->n_loading - 1] + p->interval : p->interval;
        int count = 1 + p->n_loading;
        for (double day = first; rc == CLI_OK && day <= a->days; day += p->interval) {
          if (p->n_fixed > 0 && count >= p->n_fixed) {
            break;
          }
          rc = add_dose(d, n, input, day, amount, 0.0);
          count++;
        }
      }
    }
    if (rc != CLI_OK) {
      return rc;
    }
  }
  for (int k = 0; k < a->n_events; k++) {
    if ((rc = parse_event(spec, a->events[k], d, n)) != CLI_OK) {
      return rc;
    }
  }
  return CLI_OK;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                    */
/* ------------------------------------------------------------------------ */

static int write_csv(const char *path, const remit_model_spec *spec, const double *times, int nt,
                     const double *Y, const double *R) {
  size_t len = strlen(path) + 16;
  char *tmp = malloc(len);
  if (!tmp) {
    fprintf(stderr, "remit simulate: out of memory\n");
    return CLI_FAIL;
  }
  snprintf(tmp, len, "%s.partial", path);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    fprintf(stderr, "remit simulate: cannot write '%s': %s\n", path, strerror(errno));
    free(tmp);
    return CLI_FAIL;
  }
  fprintf(f, "day");
  for (int k = 0; k < spec->n_states; k++) {
    fprintf(f, ",%s", spec->states[k].name);
  }
  for (int r = 0; r < spec->n_readouts; r++) {
    fprintf(f, ",%s", spec->readouts[r].name);
  }
  fputc('\n', f);
  for (int i = 0; i < nt; i++) {
    fprintf(f, "%.10g", times[i]);
    for (int k = 0; k < spec->n_states; k++) {
      fprintf(f, ",%.10g", Y[(size_t)i * spec->n_states + k]);
    }
    for (int r = 0; r < spec->n_readouts; r++) {
      fprintf(f, ",%.10g", R[(size_t)i * spec->n_readouts + r]);
    }
    fputc('\n', f);
  }
  int bad = ferror(f);
  bad |= fclose(f) != 0;
  if (bad || rename(tmp, path) != 0) {
    fprintf(stderr, "remit simulate: cannot write '%s': %s\n", path, strerror(errno));
    remove(tmp);
    free(tmp);
    return CLI_FAIL;
  }
  free(tmp);
  return CLI_OK;
}

/* Readout column r over the grid, or NULL if the model lacks it. */
typedef struct series {
  const double *R;
  int stride, col, nt;
} series;

static int get_series(const remit_model_spec *spec, const double *R, int nt, const char *name,
                      series *s) {
  s->col = remit_spec_readout_index(spec, name);
  s->R = R;
  s->stride = spec->n_readouts;
  s->nt = nt;
  return s->col >= 0;
}
static double at(const series *s, int i) { return s->R[(size_t)i * s->stride + s->col]; }

static int row_of(const double *times, int nt, double day) {
  int best = 0;
  for (int i = 0; i < nt; i++) {
    if (fabs(times[i] - day) < fabs(times[best] - day)) {
      best = i;
    }
  }
  return best;
}

static void print_summary(const remit_model_spec *spec, const sim_args *a, const double *times,
                          int nt, const double *R, const remit_sim_stats *st, double ms) {
  const remit_covariates *c = &a->cov;
  int reference = strcmp(spec->name, "reference") == 0 && a->n_events == 0;
  printf("remit %s | model %s | %s %s", remit_version(), spec->name,
         reference ? "regimen" : "therapy",
         reference ? "of shared/peers/MODEL.md (Flu 45 mg d-5..-3, Cy 1800 mg d-3, CE 10 d0)"
                   : a->therapy);
  if (strcmp(a->therapy, "none") != 0 && strcmp(spec->name, "sle") == 0) {
    int k = remit_spec_input_index(spec, a->therapy);
    double dose = a->dose_set ? a->dose : 0.0;
    for (size_t j = 0; !a->dose_set && j < sizeof presets / sizeof presets[0]; j++) {
      if (strcmp(presets[j].therapy, a->therapy) == 0) {
        dose = presets[j].dose;
      }
    }
    printf(" %g %s", dose, k >= 0 ? spec->inputs[k].unit : "");
    for (size_t j = 0; j < sizeof presets / sizeof presets[0]; j++) {
      if (strcmp(presets[j].therapy, a->therapy) == 0 && presets[j].lymphodepletion) {
        if (a->lymphodepletion) {
          printf(" after Flu %g mg/m2 x3 + Cy %g mg/m2", a->flu, a->cy);
        } else {
          printf(" without lymphodepletion");
        }
      }
    }
  }
  printf("\npatient: %g y %s, %g kg, %g cm (BSA %.2f m2), baseline SLEDAI-2K %g, %s\n", c->age_y,
         c->sex ? "male" : "female", c->weight_kg, c->height_cm,
         remit_bsa_m2(c->weight_kg, c->height_cm), c->sledai0,
         c->renal ? "lupus nephritis" : "no nephritis");
  int i0 = row_of(times, nt, 0.0);
  series s;
  if (get_series(spec, R, nt, "cart_level", &s)) {
    int ip = i0;
    for (int i = i0; i < nt; i++) {
      ip = at(&s, i) > at(&s, ip) ? i : ip;
    }
    printf("  CAR-T peak        %.4g cells/uL on day %g\n", at(&s, ip), times[ip]);
  }
  if (get_series(spec, R, nt, "bcells", &s)) {
    double base = at(&s, row_of(times, nt, times[0]));
    int in = i0;
    for (int i = i0; i < nt; i++) {
      in = at(&s, i) < at(&s, in) ? i : in;
    }
    int back = -1;
    for (int i = in; i < nt && back < 0; i++) {
      back = at(&s, i) >= 0.1 * base ? i : -1;
    }
    printf("  B cells           %.4g /uL at start, nadir %.3g on day %g", base, at(&s, in),
           times[in]);
    if (back >= 0 && in != i0) {
      printf(", back to 10%% of start on day %g", times[back]);
      series nf;
      if (get_series(spec, R, nt, "bcell_naive_fraction", &nf)) {
        printf(" (%.0f%% naive)", 100.0 * at(&nf, back));
      }
    }
    putchar('\n');
  }
  static const struct {
    const char *name, *label, *fmt;
  } rows[] = {
      {"sledai2k", "SLEDAI-2K", "%.0f"},     {"anti_dsdna", "anti-dsDNA IU/mL", "%.3g"},
      {"c3_mg_dl", "C3 mg/dL", "%.3g"},            {"igg_g_l", "IgG g/L", "%.3g"},
      {"protective_igg", "protective IgG", "%.3g"}, {"damage_sdi", "damage (SDI)", "%.2f"},
  };
  double marks[] = {times[0], 90, 180, 365, 730};
  for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
    if (!get_series(spec, R, nt, rows[k].name, &s)) {
      continue;
    }
    printf("  %-17s", rows[k].label);
    for (size_t j = 0; j < sizeof marks / sizeof marks[0]; j++) {
      if (marks[j] > times[nt - 1] || (j > 0 && marks[j] <= times[0])) {
        continue;
      }
      printf(j ? "  d%g " : " d%g ", marks[j]);
      printf(rows[k].fmt, at(&s, row_of(times, nt, marks[j])));
    }
    putchar('\n');
  }
  static const char *grades[][2] = {{"crs_grade", "CRS"},
                                    {"icans_grade", "ICANS"},
                                    {"neutropenia_grade", "neutropenia"}};
  int any = 0;
  for (size_t k = 0; k < sizeof grades / sizeof grades[0]; k++) {
    if (!get_series(spec, R, nt, grades[k][0], &s)) {
      continue;
    }
    double worst = 0;
    for (int i = 0; i < nt; i++) {
      worst = fmax(worst, at(&s, i));
    }
    printf(any ? ", %s %.0f" : "  worst grade       %s %.0f", grades[k][1], worst);
    any = 1;
  }
  if (any) {
    putchar('\n');
  }
  printf("  solver            %ld steps, %d segments, %.2f ms\n", st->steps, st->segments, ms);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

int cmd_simulate(int argc, char **argv) {
  sim_args a = {.model = "sle",
                .therapy = "cart19",
                .lymphodepletion = 1,
                .flu = 25.0,
                .cy = 1000.0,
                .cov = {40.0, 0, 65.0, 165.0, 10.0, 0},
                .days = 730.0,
                .start = -7.0,
                .step = 1.0,
                .rtol = 1e-6,
                .atol = 1e-6};
  int rc = parse_args(argc, argv, &a);
  if (rc != CLI_OK) {
    return rc;
  }
  const remit_model_spec *spec = cli_model_by_name(a.model);
  if (!spec) {
    return cli_usage_error("simulate", "--model: unknown model '%s' (sle or reference)", a.model);
  }
  if (!(a.step > 0.0) || !(a.days > a.start)) {
    return cli_usage_error("simulate", "need --step > 0 and --days after --start (%g..%g)",
                           a.start, a.days);
  }
  double n_grid = floor((a.days - a.start) / a.step + 1e-9) + 1.0;
  if (n_grid > MAX_GRID) {
    return cli_usage_error("simulate", "%.0f output rows is too many (at most %d): raise --step",
                           n_grid, MAX_GRID);
  }
  remit_context *ctx = NULL;
  remit_model *m = NULL;
  double *times = NULL, *Y = NULL, *R = NULL;
  remit_dose *doses = calloc(MAX_DOSES, sizeof(*doses));
  if (!doses || remit_context_create(NULL, &ctx) != REMIT_OK) {
    fprintf(stderr, "remit simulate: out of memory\n");
    free(doses);
    return CLI_FAIL;
  }
  int n_doses = 0;
  if ((rc = build_regimen(spec, &a, doses, &n_doses)) != CLI_OK) {
    goto done;
  }
  rc = CLI_USAGE;
  if (remit_model_create(ctx, spec, &m) != REMIT_OK) {
    goto library_error;
  }
  if (a.parameter_set) {
    remit_paramset *ps = NULL;
    remit_status pst = remit_paramset_load(ctx, a.parameter_set, spec, &ps);
    for (int k = 0; pst == REMIT_OK && k < ps->n; k++) {
      pst = remit_model_set_param(m, ps->names[k], ps->values[k]);
    }
    remit_paramset_destroy(&ps);
    if (pst != REMIT_OK) {
      goto library_error;
    }
  }
  for (int k = 0; k < a.n_params; k++) {
    char name[128];
    const char *eq = strchr(a.params[k], '=');
    double v;
    if (!eq || eq == a.params[k] || (size_t)(eq - a.params[k]) >= sizeof name) {
      rc = cli_usage_error("simulate", "--param: '%s' is not NAME=VALUE", a.params[k]);
      goto done;
    }
    memcpy(name, a.params[k], (size_t)(eq - a.params[k]));
    name[eq - a.params[k]] = '\0';
    if (cli_parse_double("simulate", "--param", eq + 1, &v) != 0) {
      goto done;
    }
    if (remit_model_set_param(m, name, v) != REMIT_OK) {
      goto library_error;
    }
  }
  if (remit_model_set_covariates(m, &a.cov) != REMIT_OK ||
      remit_model_set_regimen(m, doses, n_doses) != REMIT_OK) {
    goto library_error;
  }
  int nt = (int)n_grid;
  times = malloc(sizeof(*times) * (size_t)nt);
  Y = malloc(sizeof(*Y) * (size_t)nt * (size_t)spec->n_states);
  R = malloc(sizeof(*R) * (size_t)nt * (size_t)(spec->n_readouts ? spec->n_readouts : 1));
  if (!times || !Y || !R) {
    fprintf(stderr, "remit simulate: out of memory for %d rows\n", nt);
    rc = CLI_FAIL;
    goto done;
  }
  for (int i = 0; i < nt; i++) {
    times[i] = a.start + a.step * i;
  }
  remit_sim_options opt = {a.solver, a.rtol, a.atol, 0, a.start};
  double t0 = now_ms();
  remit_status st = remit_model_simulate(m, &opt, times, nt, Y, R);
  double ms = now_ms() - t0;
  if (st != REMIT_OK) {
    rc = (st == REMIT_ERR_SOLVER || st == REMIT_ERR_MODEL) ? CLI_FAIL : CLI_USAGE;
    fprintf(stderr, "remit simulate: %s\n", remit_context_errmsg(ctx));
    goto done;
  }
  remit_sim_stats stats;
  remit_model_get_stats(m, &stats);
  if (a.out && (rc = write_csv(a.out, spec, times, nt, Y, R)) != CLI_OK) {
    goto done;
  }
  if (!a.quiet) {
    print_summary(spec, &a, times, nt, R, &stats, ms);
    if (a.out) {
      printf("  trajectory        %s (%d rows x %d columns)\n", a.out, nt,
             1 + spec->n_states + spec->n_readouts);
    }
  }
  rc = CLI_OK;
  goto done;
library_error:
  fprintf(stderr, "remit simulate: %s\n", remit_context_errmsg(ctx));
done:
  free(times);
  free(Y);
  free(R);
  free(doses);
  remit_model_destroy(&m);
  remit_context_destroy(&ctx);
  return rc;
}
