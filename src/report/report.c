/* SPDX-License-Identifier: MIT
 *
 * report.c: `remit report`, the self-contained HTML report of a trial run.
 *
 * The report is read back from a complete run store (docs/outputs.md) with
 * SQLite and written as one HTML file: static HTML for the words and tables
 * (the scenario, the CONSORT-style flow, the endpoint table, adverse events,
 * the parameter table), and one <script type="application/json"> block of
 * compact data per chart.  The charts themselves are Vega-Lite specs built in
 * the browser by the report's own script (src/report/report.js, compiled in
 * through cmake/RemitEmbed.cmake) and drawn by Vega, Vega-Lite and vega-embed,
 * whose minified builds (npm, pinned in src/report/npm/package-lock.json) are
 * inlined verbatim with their licences.  Nothing is fetched at view time, so
 * the file opens offline with nothing beside it.  docs/report.md describes
 * the sections; tests/report/ opens the result in headless Chromium.
 *
 * Numbers the report computes itself (everything else is read from the
 * store's summaries):
 *  - trajectory bands: type-7 5 %, 50 % and 95 % quantiles per arm and day
 *    over the sampled patients (remit_sample_quantiles);
 *  - Kaplan-Meier curves of replicate 1 with log-log Greenwood intervals
 *    (remit_km_estimate), the same estimator the summaries use;
 *  - adverse events: patients by worst grade per kind, pooled over every
 *    replicate, with Wilson intervals (remit_prop_wilson).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/core_impl.h"
#include "pathway/pathway_impl.h"
#include "remit/remit_model.h"
#include "remit/remit_pathway.h"
#include "remit/remit_report.h"
#include "remit/remit_stats.h"
#include "remit/remit_trial.h"

#ifndef REMIT_VEGA_DIR
#define REMIT_VEGA_DIR "build/npm/node_modules"
#endif

/* The report's own script and style (generated from report.js/report.css). */
extern const unsigned char remit__report_js[];
extern const unsigned char remit__report_css[];

/* "REMT": PRAGMA application_id of every remit run database (store.c). */
#define REPORT_APPLICATION_ID 0x52454D54
#define DEFAULT_INDIVIDUALS 5
#define MAX_ARMS 64
/* Log-scale charts show values below this floor at the floor: a depleted
 * compartment is 0 in the model, which a log axis cannot draw. */
#define LOG_FLOOR 1e-2
/* Interval level of every interval the report computes. */
#define LEVEL 0.95

typedef struct report {
  remit_context *ctx;
  sqlite3 *db;
  FILE *out;
  const char *db_path;
  int n_ind;
  char *arms[MAX_ARMS]; /* arm names, in allocation order */
  int n_arms;
  int n_reps;
  remit_scenario *sc;   /* NULL when the stored scenario could not be read back */
  const remit_model_spec *spec;
  remit_status status;  /* first error met while writing */
  int pathway;          /* 1: a `remit pathway` store (care pathway and CEA) */
  int validation_only;  /* 1: a `remit validate` store (validation tables only) */
  const char *const *compare; /* other pathway stores to compare with */
  int n_compare;
  int secno[8];         /* pathway report: section numbers */
} report;

/* ------------------------------------------------------------------------ */
/* Output helpers                                                            */
/* ------------------------------------------------------------------------ */

static void put(report *R, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void put(report *R, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(R->out, fmt, ap);
  va_end(ap);
}

/* Text into HTML element content or a quoted attribute. */
static void put_html(report *R, const char *z) {
  for (; z && *z; z++) {
    switch (*z) {
      case '&': fputs("&amp;", R->out); break;
      case '<': fputs("&lt;", R->out); break;
      case '>': fputs("&gt;", R->out); break;
      case '"': fputs("&quot;", R->out); break;
      default: fputc(*z, R->out);
    }
  }
}

/* A JSON string.  '<', '>' and '&' are escaped too, so the JSON can sit
 * inside a <script> element without ever closing it. */
static void put_json_str(report *R, const char *z) {
  fputc('"', R->out);
  for (; z && *z; z++) {
    unsigned char c = (unsigned char)*z;
    if (c == '"' || c == '\\') {
      fprintf(R->out, "\\%c", c);
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      fprintf(R->out, "\\u%04x", c);
    } else {
      fputc(c, R->out);
    }
  }
  fputc('"', R->out);
}

/* A JSON number with 5 significant digits (far below the charts'
 * resolution), or null for NaN/Inf. */
static void put_json_num(report *R, double x) {
  if (isfinite(x)) {
    fprintf(R->out, "%.5g", x);
  } else {
    fputs("null", R->out);
  }
}

/* A number for an HTML table: 3 significant digits, "NA" when missing.
 * Contains markup (<sup>): write it with put(), never put_html(). */
static const char *fmt_num(char *buf, size_t len, double v) {
  if (!isfinite(v)) {
    snprintf(buf, len, "NA");
  } else if (v != 0.0 && (fabs(v) >= 1e5 || fabs(v) < 1e-3)) {
    /* HTML: 1×10<sup>6</sup> rather than 1e+06. */
    int e = (int)floor(log10(fabs(v)));
    double m = v / pow(10.0, e);
    if (fabs(m) >= 9.995) {
      m /= 10.0;
      e++;
    }
    snprintf(buf, len, "%.3g×10<sup>%d</sup>", m, e);
  } else if (fabs(v) >= 100 || v == floor(v)) {
    snprintf(buf, len, "%.0f", v);
  } else {
    snprintf(buf, len, "%.3g", v);
  }
  return buf;
}

static double col_real(sqlite3_stmt *q, int i) {
  return sqlite3_column_type(q, i) == SQLITE_NULL ? NAN : sqlite3_column_double(q, i);
}

static const char *col_text(sqlite3_stmt *q, int i) {
  const unsigned char *z = sqlite3_column_text(q, i);
  return z ? (const char *)z : "";
}

static remit_status db_fail(report *R, const char *what) {
  if (R->status == REMIT_OK) {
    R->status = REMIT_ERROR(R->ctx, REMIT_ERR_IO, "%s: cannot read %s: %s", R->db_path, what,
                            sqlite3_errmsg(R->db));
  }
  return R->status;
}

static sqlite3_stmt *prepare(report *R, const char *sql) {
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(R->db, sql, -1, &q, NULL) != SQLITE_OK) {
    db_fail(R, "the run store");
    sqlite3_finalize(q);
    return NULL;
  }
  return q;
}

static int run_get(report *R, const char *key, char *buf, size_t cap) {
  buf[0] = '\0';
  sqlite3_stmt *q = prepare(R, "SELECT value FROM run WHERE key = ?");
  int found = 0;
  if (q) {
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0)) {
      snprintf(buf, cap, "%s", col_text(q, 0));
      found = 1;
    }
  }
  sqlite3_finalize(q);
  return found;
}

/* The whole value of a run key, from the context's allocator (or NULL). */
static char *run_get_alloc(report *R, const char *key) {
  sqlite3_stmt *q = prepare(R, "SELECT value FROM run WHERE key = ?");
  char *out = NULL;
  if (q) {
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0)) {
      int n = sqlite3_column_bytes(q, 0);
      out = remit__malloc(R->ctx, (size_t)n + 1);
      if (out) {
        memcpy(out, sqlite3_column_text(q, 0), (size_t)n);
        out[n] = '\0';
      }
    }
  }
  sqlite3_finalize(q);
  return out;
}

static int arm_index(const report *R, const char *arm) {
  for (int a = 0; a < R->n_arms; a++) {
    if (strcmp(R->arms[a], arm) == 0) {
      return a;
    }
  }
  return -1;
}

static int table_exists(report *R, const char *name) {
  sqlite3_stmt *q = prepare(R, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  int yes = 0;
  if (q) {
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    yes = sqlite3_step(q) == SQLITE_ROW;
  }
  sqlite3_finalize(q);
  return yes;
}

/* ------------------------------------------------------------------------ */
/* Inlined JavaScript                                                        */
/* ------------------------------------------------------------------------ */

typedef struct js_lib {
  const char *package; /* npm package name */
  const char *file;    /* minified UMD build */
} js_lib;

static const js_lib js_libs[] = {{"vega", "vega.min.js"},
                                 {"vega-lite", "vega-lite.min.js"},
                                 {"vega-embed", "vega-embed.min.js"}};
#define N_JS_LIBS ((int)(sizeof js_libs / sizeof js_libs[0]))

static int is_file(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Finds lib's file under dir (npm layout first, then flat); 0 if missing. */
static int js_path(const char *dir, const js_lib *lib, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/%s/build/%s", dir, lib->package, lib->file);
  if (is_file(buf)) {
    return 1;
  }
  snprintf(buf, cap, "%s/%s", dir, lib->file);
  return is_file(buf);
}

/* Reads a whole file into memory from the context's allocator. */
static remit_status slurp(remit_context *ctx, const char *path, char **text, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    return REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot read %s: %s", path, strerror(errno));
  }
  size_t cap = 1 << 16, n = 0;
  char *buf = remit__malloc(ctx, cap);
  remit_status st = buf ? REMIT_OK : REMIT_ERR_NOMEM;
  while (st == REMIT_OK) {
    if (n + 1 >= cap) {
      char *nb = remit__malloc(ctx, cap * 2);
      if (!nb) {
        st = REMIT_ERR_NOMEM;
        break;
      }
      memcpy(nb, buf, n);
      remit__free(ctx, buf);
      buf = nb;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - 1 - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f)) {
        st = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot read %s", path);
      }
      break;
    }
  }
  fclose(f);
  if (st != REMIT_OK) {
    remit__free(ctx, buf);
    return st;
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return REMIT_OK;
}

/* Writes script text into a <script> element.  "</script" (any case) would
 * end the element early, so its '/' is written as "\/", which means the
 * same inside JavaScript strings, regular expressions and comments. */
static void put_script_text(report *R, const char *z, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (z[i] == '<' && i + 7 < n && z[i + 1] == '/' && strncasecmp(z + i + 2, "script", 6) == 0) {
      fputs("<\\/", R->out);
      i++;
      continue;
    }
    fputc(z[i], R->out);
  }
}

/* The licence and version of an npm package beside its build, as a comment. */
static void put_js_banner(report *R, const char *js_file, const js_lib *lib) {
  char dir[4096], path[4200];
  snprintf(dir, sizeof dir, "%s", js_file);
  char *slash = strrchr(dir, '/');
  if (slash) {
    *slash = '\0';
  }
  /* npm layout: DIR/pkg/build/x.min.js -> DIR/pkg; flat: the folder itself. */
  size_t dl = strlen(dir);
  if (dl >= 6 && strcmp(dir + dl - 6, "/build") == 0) {
    dir[dl - 6] = '\0';
  }
  char version[64] = "";
  snprintf(path, sizeof path, "%s/package.json", dir);
  char *text = NULL;
  size_t len = 0;
  if (is_file(path) && slurp(R->ctx, path, &text, &len) == REMIT_OK) {
    const char *v = strstr(text, "\"version\"");
    if (v && (v = strchr(v + 9, '"'))) {
      size_t k = 0;
      for (v++; *v && *v != '"' && k + 1 < sizeof version; v++) {
        version[k++] = *v;
      }
      version[k] = '\0';
    }
    remit__free(R->ctx, text);
  }
  put(R, "/*! %s %s (npm), inlined by remit report. Licence:\n", lib->package, version);
  snprintf(path, sizeof path, "%s/LICENSE", dir);
  text = NULL;
  if (is_file(path) && slurp(R->ctx, path, &text, &len) == REMIT_OK) {
    for (size_t i = 0; i < len; i++) {
      /* Keep the comment closed only where we close it. */
      if (text[i] == '*' && i + 1 < len && text[i + 1] == '/') {
        fputs("* /", R->out);
        i++;
      } else {
        fputc(text[i], R->out);
      }
    }
    remit__free(R->ctx, text);
  } else {
    put(R, "see https://www.npmjs.com/package/%s\n", lib->package);
  }
  put(R, "*/\n");
}

/* ------------------------------------------------------------------------ */
/* Words                                                                     */
/* ------------------------------------------------------------------------ */

static const char *design_words(remit_design_kind k) {
  switch (k) {
    case REMIT_DESIGN_SINGLE_ARM: return "single-arm";
    case REMIT_DESIGN_PARALLEL: return "randomised parallel-arm";
    case REMIT_DESIGN_ESCALATION_3P3: return "3+3 dose-escalation";
    case REMIT_DESIGN_ESCALATION_COHORTS: return "fixed-cohort dose-escalation";
  }
  return "unknown";
}

static const char *cov_unit(int c) {
  static const char *const units[REMIT_N_COVARIATES] = {
      "years", "0 female, 1 male", "kg", "cm", "points", "1 = lupus nephritis", "IU/mL", "mg/dL",
      "years", "lines", "mL/min/1.73 m²"};
  return c >= 0 && c < REMIT_N_COVARIATES ? units[c] : "";
}

static void put_dist(report *R, const remit_dist *d) {
  char a[32], b[32], l[32], u[32];
  fmt_num(a, sizeof a, d->a);
  fmt_num(b, sizeof b, d->b);
  switch (d->kind) {
    case REMIT_DIST_FIXED: put(R, "fixed at %s", a); break;
    case REMIT_DIST_NORMAL: put(R, "normal, mean %s, SD %s", a, b); break;
    case REMIT_DIST_LOGNORMAL: put(R, "log-normal, median %s, CV %s", a, b); break;
    case REMIT_DIST_UNIFORM: put(R, "uniform on [%s, %s]", a, b); break;
    case REMIT_DIST_CATEGORICAL:
    case REMIT_DIST_EMPIRICAL:
      put(R, d->kind == REMIT_DIST_CATEGORICAL ? "categorical: " : "resampled from ");
      for (int k = 0; k < d->n_values; k++) {
        fmt_num(a, sizeof a, d->values[k]);
        if (d->kind == REMIT_DIST_CATEGORICAL) {
          put(R, "%s%s (%.0f %%)", k ? ", " : "", a, 100.0 * d->probs[k]);
        } else {
          put(R, "%s%s", k ? ", " : "", a);
        }
      }
      break;
  }
  if ((d->kind == REMIT_DIST_NORMAL || d->kind == REMIT_DIST_LOGNORMAL) &&
      (isfinite(d->lower) || isfinite(d->upper))) {
    put(R, ", truncated to [%s, %s]", fmt_num(l, sizeof l, d->lower), fmt_num(u, sizeof u, d->upper));
  }
}

static const char *input_unit(const report *R, const char *input, int *is_rate) {
  *is_rate = 0;
  if (!R->spec) {
    return "";
  }
  int i = remit_spec_input_index(R->spec, input);
  if (i < 0) {
    return "";
  }
  *is_rate = R->spec->inputs[i].kind == REMIT_INPUT_RATE;
  return R->spec->inputs[i].unit ? R->spec->inputs[i].unit : "";
}

static void put_regimen(report *R, const remit_arm *arm) {
  if (arm->n_regimen == 0) {
    put(R, "no treatment");
    return;
  }
  put(R, "<ul>");
  for (int k = 0; k < arm->n_regimen; k++) {
    const remit_regimen_item *it = &arm->regimen[k];
    char amount[32], day[32], every[32], dur[32];
    int rate = 0;
    const char *unit = input_unit(R, it->input, &rate);
    put(R, "<li>");
    put_html(R, it->input);
    put(R, " %s ", fmt_num(amount, sizeof amount, it->amount));
    put_html(R, unit);
    if (rate && it->duration > 0) {
      put(R, " for %s days", fmt_num(dur, sizeof dur, it->duration));
    }
    put(R, " on day %s", fmt_num(day, sizeof day, it->day));
    if (it->every > 0) {
      if (it->every == 1.0) {
        put(R, ", then daily");
      } else {
        put(R, ", then every %s days", fmt_num(every, sizeof every, it->every));
      }
      if (it->count > 0) {
        put(R, " (%d doses in all)", it->count);
      } else {
        put(R, " to the end of follow-up");
      }
    }
    put(R, "</li>");
  }
  put(R, "</ul>");
}

/* Reads the scenario back.  The stored text is the truth; the file at
 * scenario_path is used when it still holds exactly that text, otherwise the
 * text is written to a private temporary folder beside the report (with the
 * original file name, which names the scenario when it has no `name`). */
static void load_scenario(report *R, const char *html_path, char *why, size_t why_len) {
  why[0] = '\0';
  char *text = run_get_alloc(R, "scenario_text");
  char path[4096];
  run_get(R, "scenario_path", path, sizeof path);
  if (!text) {
    snprintf(why, why_len, "the store holds no scenario text");
    return;
  }
  char *disk = NULL;
  size_t len = 0;
  int same = 0;
  if (path[0] && is_file(path) && slurp(R->ctx, path, &disk, &len) == REMIT_OK) {
    same = strcmp(disk, text) == 0;
    remit__free(R->ctx, disk);
  }
  remit_status st;
  if (same) {
    st = remit_scenario_load(R->ctx, path, &R->sc);
  } else {
    char tmpl[4200];
    const char *slash = strrchr(html_path, '/');
    int dl = slash ? (int)(slash - html_path) : 1;
    snprintf(tmpl, sizeof tmpl, "%.*s/.remit-report-XXXXXX", dl, slash ? html_path : ".");
    char *dir = mkdtemp(tmpl);
    if (!dir) {
      snprintf(why, why_len, "cannot make a temporary folder beside the report: %s", strerror(errno));
      remit__free(R->ctx, text);
      return;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : (path[0] ? path : "scenario.yaml");
    char file[4400];
    snprintf(file, sizeof file, "%s/%s", dir, base);
    FILE *f = fopen(file, "wb");
    st = REMIT_ERR_IO;
    if (f) {
      int ok = fputs(text, f) >= 0;
      ok = fclose(f) == 0 && ok;
      st = ok ? remit_scenario_load(R->ctx, file, &R->sc) : REMIT_ERR_IO;
      remove(file);
    }
    rmdir(dir);
  }
  if (st != REMIT_OK) {
    snprintf(why, why_len, "%s", remit_context_errmsg(R->ctx));
    R->sc = NULL;
  }
  remit__free(R->ctx, text);
}

/* ------------------------------------------------------------------------ */
/* Sections                                                                  */
/* ------------------------------------------------------------------------ */

/* The document head and the page header's start, both reports alike: the
 * title "TITLE: NAME" and the run store's path, up to its closing </code>. */
static void put_page_start(report *R, const char *version, const char *title, const char *name) {
  put(R,
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"remit %s\">\n<title>remit report: ",
      version);
  put_html(R, name);
  put(R, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n",
      (const char *)remit__report_css);
  put(R, "<header><h1>%s: ", title);
  put_html(R, name);
  put(R, "</h1>\n<p class=\"meta\">Run store <code>");
  put_html(R, R->db_path);
  put(R, "</code>");
}

static void section_header(report *R) {
  char name[512] = "", version[128], build[512], seed[64], model[64], started[64], finished[64],
       shash[64], phash[64];
  if (R->sc && R->sc->name) {
    snprintf(name, sizeof name, "%s", R->sc->name);
  } else {
    run_get(R, "scenario_path", name, sizeof name);
  }
  run_get(R, "remit_version", version, sizeof version);
  run_get(R, "build_info", build, sizeof build);
  run_get(R, "seed", seed, sizeof seed);
  run_get(R, "model", model, sizeof model);
  run_get(R, "started", started, sizeof started);
  run_get(R, "finished", finished, sizeof finished);
  run_get(R, "scenario_hash", shash, sizeof shash);
  run_get(R, "params_hash", phash, sizeof phash);
  put_page_start(R, version, "In silico trial report", name);
  put(R, ", written by remit ");
  put_html(R, version);
  put(R, " (");
  put_html(R, build);
  put(R, "), model <b>");
  put_html(R, model);
  put(R, "</b>, master seed <b>");
  put_html(R, seed);
  put(R, "</b>, %d replicate trial(s); run started ", R->n_reps);
  put_html(R, started);
  put(R, ", finished ");
  put_html(R, finished);
  put(R, ". Scenario hash <code>");
  put_html(R, shash);
  put(R, "</code>, parameter-table hash <code>");
  put_html(R, phash);
  put(R, "</code>.</p>\n<p class=\"meta\">Simulated patients, not people: every number below "
         "comes from the model and the scenario described in section 1. Intervals are 95 %% "
         "unless stated. Each chart's menu (<b>&hellip;</b>) saves it as SVG or PNG.</p>\n"
         "<nav><a href=\"#scenario\">1 Scenario</a> <a href=\"#flow\">2 Flow</a> "
         "<a href=\"#trajectories\">3 Trajectories</a> <a href=\"#endpoints\">4 Endpoints</a> "
         "<a href=\"#km\">5 Time to event</a> <a href=\"#ae\">6 Adverse events</a> "
         "<a href=\"#validation\">7 Validation</a> <a href=\"#appendix\">Appendix</a></nav>"
         "</header>\n");
}

static void section_scenario(report *R, const char *why) {
  put(R, "<section id=\"scenario\"><h2>1 Scenario</h2>\n");
  const remit_scenario *s = R->sc;
  char seed[64], model[64], a[32], b[32];
  run_get(R, "seed", seed, sizeof seed);
  run_get(R, "model", model, sizeof model);
  if (!s) {
    put(R, "<p class=\"note\">The stored scenario could not be read back (");
    put_html(R, why);
    put(R, "); its text is in the appendix.</p></section>\n");
    return;
  }
  const remit_design *d = &s->design;
  put(R, "<p>A <b>%s</b> in silico trial in the <b>", design_words(d->kind));
  put_html(R, model);
  put(R, "</b> model with %d arm%s (", s->n_arms, s->n_arms == 1 ? "" : "s");
  for (int k = 0; k < s->n_arms; k++) {
    put(R, "%s<b>", k ? ", " : "");
    put_html(R, s->arms[k].name);
    put(R, "</b>");
  }
  put(R, "), repeated as <b>%d replicate trial%s</b> with master seed <b>", s->replicates,
      s->replicates == 1 ? "" : "s");
  put_html(R, seed);
  put(R, "</b>. Each replicate ");
  if (d->n_enrol > 0 && d->n_screen > 0) {
    put(R, "screens patients until %d are eligible or %d have been screened", d->n_enrol,
        d->n_screen);
  } else if (d->n_enrol > 0) {
    put(R, "screens patients until <b>%d</b> are eligible and enrols them", d->n_enrol);
  } else {
    put(R, "screens <b>%d</b> patients and enrols every eligible one", d->n_screen);
  }
  put(R, "; each patient is followed for <b>%s days</b> after day 0 (the infusion or first "
         "dose).",
      fmt_num(a, sizeof a, d->followup_days));
  if (d->kind == REMIT_DESIGN_PARALLEL) {
    put(R, " Allocation is randomised");
    if (d->block_size > 0) {
      put(R, " in permuted blocks of %d", d->block_size);
    }
    if (d->n_strata > 0) {
      put(R, ", stratified by ");
      for (int k = 0; k < d->n_strata; k++) {
        put(R, "%s%s", k ? ", " : "", remit_covariate_name(d->strata[k]));
      }
    }
    put(R, ", with ratio ");
    for (int k = 0; k < s->n_arms; k++) {
      put(R, "%s%s", k ? ":" : "", fmt_num(a, sizeof a, s->arms[k].ratio));
    }
    put(R, ".");
  } else if (d->kind != REMIT_DESIGN_SINGLE_ARM) {
    put(R, " Cohorts of %d; a dose-limiting toxicity is CRS grade &ge; %d within %d days.",
        d->cohort_size, d->dlt_crs_grade, d->dlt_window_days);
  }
  if (d->n_centres > 0) {
    put(R, " Centres: ");
    for (int k = 0; k < d->n_centres; k++) {
      put(R, "%s", k ? ", " : "");
      put_html(R, d->centres[k].name);
      put(R, " (weight %s)", fmt_num(a, sizeof a, d->centres[k].weight));
    }
    put(R, ".");
  }
  if (d->dropout_per_year > 0) {
    put(R, " Patients drop out at a constant hazard of %s per year.",
        fmt_num(a, sizeof a, d->dropout_per_year));
  }
  put(R, "</p>\n<h3>Population</h3>\n<table class=\"compact\"><thead><tr><th>covariate</th>"
         "<th>unit</th><th>distribution</th></tr></thead><tbody>\n");
  for (int c = 0; c < REMIT_N_COVARIATES; c++) {
    put(R, "<tr><td>%s</td><td>", remit_covariate_name((remit_covariate)c));
    put_html(R, cov_unit(c));
    put(R, "</td><td>");
    put_dist(R, &s->population.covariates[c]);
    put(R, "</td></tr>\n");
  }
  put(R, "</tbody></table>\n<p>Eligibility: ");
  if (s->population.n_eligibility == 0) {
    put(R, "every screened patient.");
  }
  static const char *const cmp[] = {"&lt;", "&le;", "&gt;", "&ge;", "="};
  for (int k = 0; k < s->population.n_eligibility; k++) {
    const remit_criterion *c = &s->population.eligibility[k];
    put(R, "%s%s %s %s", k ? "; " : "", remit_covariate_name(c->covariate),
        c->cmp >= 0 && c->cmp <= 4 ? cmp[c->cmp] : "?", fmt_num(a, sizeof a, c->value));
  }
  put(R, "%s Between-patient variability of model parameters: %s.</p>\n",
      s->population.n_eligibility ? "." : "",
      s->population.use_table_iiv ? "every parameter with a CV in the parameter table varies "
                                    "(log-normal)"
                                  : "only the parameters the scenario lists");
  put(R, "<h3>Arms and regimens</h3>\n<dl>\n");
  for (int k = 0; k < s->n_arms; k++) {
    put(R, "<dt>");
    put_html(R, s->arms[k].name);
    put(R, "%s</dt><dd>", s->arms[k].placebo ? " (placebo)" : "");
    put_regimen(R, &s->arms[k]);
    if (s->arms[k].n_dose_levels > 0) {
      put(R, "<p>Dose levels of the first product:");
      for (int l = 0; l < s->arms[k].n_dose_levels; l++) {
        put(R, " %s", fmt_num(a, sizeof a, s->arms[k].dose_levels[l]));
      }
      put(R, "</p>");
    }
    put(R, "</dd>\n");
  }
  put(R, "</dl>\n<p>Visits on days ");
  for (int k = 0; k < s->n_visits; k++) {
    put(R, "%s%s", k ? ", " : "", fmt_num(a, sizeof a, s->visits[k]));
  }
  put(R, ".</p>\n<h3>Endpoints</h3>\n<table class=\"compact\"><thead><tr><th>name</th>"
         "<th>kind</th><th>day</th><th>threshold</th><th>primary</th></tr></thead><tbody>\n");
  for (int k = 0; k < s->n_endpoints; k++) {
    const remit_endpoint *e = &s->endpoints[k];
    put(R, "<tr><td>");
    put_html(R, e->name);
    put(R, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
        remit_endpoint_kind_name(e->kind), fmt_num(a, sizeof a, e->day),
        e->threshold > 0 ? fmt_num(b, sizeof b, e->threshold) : "default",
        e->primary ? "yes" : "");
  }
  put(R, "</tbody></table>\n<p>Parameter set: ");
  if (s->parameter_set) {
    put(R, "<code>");
    put_html(R, s->parameter_set);
    put(R, "</code>");
  } else {
    put(R, "the model's own parameter table");
  }
  if (s->n_param_overrides > 0) {
    put(R, ", with typical values replaced for every patient:");
    for (int k = 0; k < s->n_param_overrides; k++) {
      put(R, "%s <code>", k ? "," : "");
      put_html(R, s->param_overrides[k].param);
      put(R, "</code> = %s", fmt_num(a, sizeof a, s->param_overrides[k].value));
    }
  }
  put(R, " (the table used is in the appendix). Daily trajectories were stored for the first "
         "%d patient%s screened in each replicate.</p>\n</section>\n",
      s->sample_trajectories, s->sample_trajectories == 1 ? "" : "s");
}

/* A count for one replicate and, beside it, the total over every replicate. */
static void flow_box(report *R, const char *label, long rep1, long all, const char *cls) {
  put(R, "<div class=\"box %s\"><div class=\"n\">%ld</div><div>%s</div>", cls, rep1, label);
  if (R->n_reps > 1) {
    put(R, "<div class=\"all\">%ld over %d replicates</div>", all, R->n_reps);
  }
  put(R, "</div>\n");
}

static long count_q(report *R, const char *sql, int replicate_only) {
  sqlite3_stmt *q = prepare(R, sql);
  long n = 0;
  if (q) {
    sqlite3_bind_int(q, 1, replicate_only);
    if (sqlite3_step(q) == SQLITE_ROW) {
      n = sqlite3_column_int64(q, 0);
    }
  }
  sqlite3_finalize(q);
  return n;
}

static void section_flow(report *R) {
  put(R, "<section id=\"flow\"><h2>2 Patient flow</h2>\n<p>CONSORT-style flow of replicate 1 "
         "(large numbers); the small line gives the total over all replicates.</p>\n"
         "<div class=\"flow\">\n");
  /* ?1 = 1 restricts to replicate 0; ?1 = 0 counts every replicate. */
  static const char *const sq[] = {
      "SELECT COUNT(*) FROM patients WHERE (?1 = 0 OR replicate = 0)",
      "SELECT COUNT(*) FROM patients WHERE (?1 = 0 OR replicate = 0) AND eligible = 1",
      "SELECT COUNT(*) FROM patients WHERE (?1 = 0 OR replicate = 0) AND enrolled = 1"};
  long n1[3], na[3];
  for (int k = 0; k < 3; k++) {
    n1[k] = count_q(R, sq[k], 1);
    na[k] = count_q(R, sq[k], 0);
  }
  flow_box(R, "screened", n1[0], na[0], "");
  put(R, "<div class=\"arrow\" aria-hidden=\"true\">&darr;</div>\n<div class=\"row\">\n");
  flow_box(R, "eligible", n1[1], na[1], "");
  /* Screen failures by first failed criterion (replicate 1). */
  sqlite3_stmt *q = prepare(R, "SELECT screen_fail, COUNT(*) FROM patients WHERE replicate = 0 "
                               "AND eligible = 0 GROUP BY screen_fail ORDER BY 2 DESC");
  put(R, "<div class=\"box side\"><div class=\"n\">%ld</div><div>not eligible (replicate 1)",
      n1[0] - n1[1]);
  if (q) {
    int first = 1;
    while (sqlite3_step(q) == SQLITE_ROW) {
      put(R, "%s", first ? ": " : "; ");
      put_html(R, col_text(q, 0));
      put(R, " %d", sqlite3_column_int(q, 1));
      first = 0;
    }
  }
  sqlite3_finalize(q);
  put(R, "</div></div>\n");
  if (n1[1] > n1[2]) {
    /* Not enrolled: enrolment was full, or the virtual population did not
     * accept them (status 'not_selected'). */
    flow_box(R, "eligible, not enrolled (enrolment full or not selected)", n1[1] - n1[2],
             na[1] - na[2], "side");
  }
  put(R, "</div>\n<div class=\"arrow\" aria-hidden=\"true\">&darr;</div>\n");
  flow_box(R, "enrolled and allocated", n1[2], na[2], "");
  put(R, "<div class=\"arrow\" aria-hidden=\"true\">&darr;</div>\n<div class=\"row arms\">\n");
  for (int a = 0; a < R->n_arms; a++) {
    static const char *const aq =
        "SELECT SUM(replicate = 0), COUNT(*), "
        " SUM(replicate = 0 AND status <> 'failed' AND (dropout_day IS NULL OR dropout_day >= 0)),"
        " SUM(status <> 'failed' AND (dropout_day IS NULL OR dropout_day >= 0)),"
        " SUM(replicate = 0 AND status = 'completed'), SUM(status = 'completed'),"
        " SUM(replicate = 0 AND status = 'dropped_out'), SUM(status = 'dropped_out'),"
        " SUM(replicate = 0 AND status = 'failed'), SUM(status = 'failed') "
        "FROM patients WHERE enrolled = 1 AND arm = ?";
    q = prepare(R, aq);
    if (!q) {
      break;
    }
    sqlite3_bind_text(q, 1, R->arms[a], -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
      put(R, "<div class=\"armcol\"><div class=\"armname\">arm <b>");
      put_html(R, R->arms[a]);
      put(R, "</b></div>\n");
      static const char *const labels[] = {"allocated", "treated (reached day 0)", "completed follow-up",
                                           "dropped out", "simulation failed"};
      for (int k = 0; k < 5; k++) {
        long r1 = sqlite3_column_int64(q, 2 * k), all = sqlite3_column_int64(q, 2 * k + 1);
        if (k == 4 && all == 0) {
          continue;
        }
        flow_box(R, labels[k], r1, all, k >= 3 ? "side" : "");
      }
      put(R, "</div>\n");
    }
    sqlite3_finalize(q);
  }
  put(R, "</div></div>\n</section>\n");
}

/* ------------------------------------------------------------------------ */
/* Trajectories                                                              */
/* ------------------------------------------------------------------------ */

/* One sampled patient's daily series of one variable. */
typedef struct series {
  int rep, pat, arm;
  double *v; /* n_days values from day0, NaN where missing */
} series;

typedef struct series_set {
  series *s;
  int n, cap;
  int day0, n_days;
} series_set;

static void series_free(report *R, series_set *S) {
  for (int k = 0; k < S->n; k++) {
    remit__free(R->ctx, S->s[k].v);
  }
  remit__free(R->ctx, S->s);
  memset(S, 0, sizeof *S);
}

/* Loads every sampled patient's series of `variable`, ordered by replicate
 * and patient (so the first ones of an arm are replicate 1's). */
static remit_status series_load(report *R, const char *variable, int day0, int n_days,
                                series_set *S) {
  memset(S, 0, sizeof *S);
  S->day0 = day0;
  S->n_days = n_days;
  sqlite3_stmt *q = prepare(R, "SELECT t.replicate, t.patient, p.arm, t.day, t.value "
                               "FROM trajectories t JOIN patients p "
                               "ON p.replicate = t.replicate AND p.patient = t.patient "
                               "WHERE t.variable = ? AND p.arm IS NOT NULL "
                               "ORDER BY t.replicate, t.patient, t.rowid");
  if (!q) {
    return R->status;
  }
  sqlite3_bind_text(q, 1, variable, -1, SQLITE_STATIC);
  remit_status st = REMIT_OK;
  int rc;
  series *cur = NULL;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    int rep = sqlite3_column_int(q, 0), pat = sqlite3_column_int(q, 1);
    if (!cur || cur->rep != rep || cur->pat != pat) {
      if (S->n == S->cap) {
        int cap = S->cap ? 2 * S->cap : 64;
        series *ns = remit__calloc(R->ctx, (size_t)cap, sizeof(*ns));
        if (!ns) {
          st = REMIT_ERR_NOMEM;
          break;
        }
        if (S->s) {
          memcpy(ns, S->s, (size_t)S->n * sizeof(*ns));
        }
        remit__free(R->ctx, S->s);
        S->s = ns;
        S->cap = cap;
      }
      cur = &S->s[S->n];
      cur->rep = rep;
      cur->pat = pat;
      cur->arm = arm_index(R, col_text(q, 2));
      cur->v = remit__malloc(R->ctx, (size_t)n_days * sizeof(double));
      if (!cur->v) {
        st = REMIT_ERR_NOMEM;
        break;
      }
      for (int i = 0; i < n_days; i++) {
        cur->v[i] = NAN;
      }
      S->n++;
    }
    long i = lround(sqlite3_column_double(q, 3)) - day0;
    if (i >= 0 && i < n_days) {
      cur->v[i] = col_real(q, 4);
    }
  }
  if (st == REMIT_OK && rc != SQLITE_DONE) {
    st = db_fail(R, "trajectories");
  }
  sqlite3_finalize(q);
  if (st != REMIT_OK) {
    series_free(R, S);
  }
  return st;
}

/* What the report draws for one trajectory chart. */
typedef struct traj_var {
  const char *id;       /* chart id */
  const char *title;    /* in words */
  const char *unit;
  const char *store;    /* the stored variable ... */
  const char *fraction; /* ... times this stored fraction (or 1 - it), or NULL */
  int complement;       /* 1: multiply by 1 - fraction */
  int log;              /* log axis */
  const char *note;     /* caption addition */
} traj_var;

static const traj_var traj_vars[] = {
    {"cart", "CAR-T cells in blood", "cells/µL", "cart_level", NULL, 0, 1,
     "Both CAR-T products, all phenotypes."},
    {"bcells", "CD19+ B cells", "cells/µL", "bcells", NULL, 0, 1,
     "Naive + memory + activated autoreactive B cells."},
    {"naive", "Naive B cells", "cells/µL", "bcells", "bcell_naive_fraction", 0, 1,
     "CD19+ B cells × naive fraction."},
    {"memory", "Memory B cells", "cells/µL", "bcell_memory", NULL, 0, 1, NULL},
    {"memory_derived", "Non-naive B cells (memory + activated)", "cells/µL", "bcells",
     "bcell_naive_fraction", 1, 1,
     "CD19+ B cells × (1 − naive fraction): memory plus activated autoreactive B cells; the "
     "store has no memory-B readout of its own."},
    {"plasmablasts", "Plasmablasts", "cells/µL-eq", "plasmablasts", NULL, 0, 1,
     "CD19+ plasmablasts and short-lived plasma cells."},
    {"dsdna", "Anti-dsDNA antibodies", "IU/mL", "anti_dsdna", NULL, 0, 1, NULL},
    {"c3", "Complement C3", "mg/dL", "c3_mg_dl", NULL, 0, 0, NULL},
    {"il6", "IL-6 (the CRS cytokine)", "pg/mL", "il6_pg_ml", NULL, 0, 1,
     "The model grades CRS and ICANS from IL-6."},
    {"sledai", "SLEDAI-2K disease activity", "points", "sledai2k", NULL, 0, 0, NULL},
    {"igg", "Total IgG", "g/L", "igg_g_l", NULL, 0, 0, NULL}};
#define N_TRAJ_VARS ((int)(sizeof traj_vars / sizeof traj_vars[0]))

static int has_variable(report *R, const char *name) {
  sqlite3_stmt *q = prepare(R, "SELECT 1 FROM trajectories WHERE variable = ? LIMIT 1");
  int yes = 0;
  if (q) {
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    yes = sqlite3_step(q) == SQLITE_ROW;
  }
  sqlite3_finalize(q);
  return yes;
}

/* Writes one trajectory chart: a <figure> with the data as JSON. */
static remit_status traj_chart(report *R, const traj_var *tv, int day0, int n_days) {
  series_set S, F;
  memset(&F, 0, sizeof F);
  remit_status st = series_load(R, tv->store, day0, n_days, &S);
  if (st == REMIT_OK && tv->fraction) {
    st = series_load(R, tv->fraction, day0, n_days, &F);
  }
  if (st != REMIT_OK) {
    series_free(R, &S);
    return st;
  }
  /* Derived series: both sets are in (replicate, patient) order. */
  if (tv->fraction) {
    int j = 0;
    for (int k = 0; k < S.n; k++) {
      while (j < F.n && (F.s[j].rep < S.s[k].rep ||
                         (F.s[j].rep == S.s[k].rep && F.s[j].pat < S.s[k].pat))) {
        j++;
      }
      int match = j < F.n && F.s[j].rep == S.s[k].rep && F.s[j].pat == S.s[k].pat;
      for (int i = 0; i < n_days; i++) {
        double f = match ? F.s[j].v[i] : NAN;
        S.s[k].v[i] *= tv->complement ? 1.0 - f : f;
      }
    }
  }
  double *x = remit__malloc(R->ctx, (size_t)(S.n > 0 ? S.n : 1) * sizeof(double));
  if (!x) {
    series_free(R, &S);
    series_free(R, &F);
    return REMIT_ERR_NOMEM;
  }
  int n_arm[MAX_ARMS] = {0};
  for (int k = 0; k < S.n; k++) {
    if (S.s[k].arm >= 0) {
      n_arm[S.s[k].arm]++;
    }
  }
  put(R, "<figure><div class=\"chart\" id=\"chart-traj-%s\" data-chart=\"data-traj-%s\" "
         "role=\"img\" aria-label=\"",
      tv->id, tv->id);
  put_html(R, tv->title);
  put(R, " over time by arm\"></div>\n<figcaption><b>");
  put_html(R, tv->title);
  put(R, " (");
  put_html(R, tv->unit);
  put(R, ").</b> Thick line: median; shaded band: 5th to 95th percentile over the sampled "
         "patients of each arm (");
  for (int a = 0; a < R->n_arms; a++) {
    put(R, "%s", a ? ", " : "");
    put_html(R, R->arms[a]);
    put(R, " n = %d", n_arm[a]);
  }
  put(R, "); thin lines: %d individual patients per arm from replicate 1.", R->n_ind);
  if (tv->log) {
    put(R, " Log scale; values below %g are drawn at %g.", LOG_FLOOR, LOG_FLOOR);
  }
  if (tv->note) {
    put(R, " ");
    put_html(R, tv->note);
  }
  put(R, "</figcaption></figure>\n<script type=\"application/json\" id=\"data-traj-%s\">",
      tv->id);
  put(R, "{\"type\":\"trajectory\",\"title\":");
  put_json_str(R, tv->title);
  put(R, ",\"unit\":");
  put_json_str(R, tv->unit);
  put(R, ",\"log\":%s,\"arms\":[", tv->log ? "true" : "false");
  for (int a = 0; a < R->n_arms; a++) {
    put(R, "%s", a ? "," : "");
    put_json_str(R, R->arms[a]);
  }
  put(R, "],\"band\":[");
  static const double probs[3] = {0.05, 0.5, 0.95};
  int first = 1;
  for (int a = 0; a < R->n_arms && st == REMIT_OK; a++) {
    for (int i = 0; i < n_days; i++) {
      size_t m = 0;
      for (int k = 0; k < S.n; k++) {
        if (S.s[k].arm == a && isfinite(S.s[k].v[i])) {
          x[m++] = S.s[k].v[i];
        }
      }
      if (m == 0) {
        continue;
      }
      double qv[3];
      st = remit_sample_quantiles(R->ctx, x, m, probs, 3, x, qv);
      if (st != REMIT_OK) {
        break;
      }
      put(R, "%s[%d,%d", first ? "" : ",", a, day0 + i);
      for (int k = 0; k < 3; k++) {
        put(R, ",");
        put_json_num(R, tv->log && qv[k] < LOG_FLOOR ? LOG_FLOOR : qv[k]);
      }
      put(R, "]");
      first = 0;
    }
  }
  put(R, "],\"ind\":[");
  first = 1;
  for (int a = 0; a < R->n_arms; a++) {
    int shown = 0;
    for (int k = 0; k < S.n && shown < R->n_ind; k++) {
      if (S.s[k].arm != a || S.s[k].rep != 0) {
        continue;
      }
      for (int i = 0; i < n_days; i++) {
        double v = S.s[k].v[i];
        if (!isfinite(v)) {
          continue;
        }
        put(R, "%s[%d,%d,%d,", first ? "" : ",", a, S.s[k].pat + 1, day0 + i);
        put_json_num(R, tv->log && v < LOG_FLOOR ? LOG_FLOOR : v);
        put(R, "]");
        first = 0;
      }
      shown++;
    }
  }
  put(R, "]}</script>\n");
  remit__free(R->ctx, x);
  series_free(R, &S);
  series_free(R, &F);
  return st;
}

static remit_status section_trajectories(report *R) {
  put(R, "<section id=\"trajectories\"><h2>3 Trajectories</h2>\n");
  int day0 = 0, day1 = -1;
  sqlite3_stmt *q = prepare(R, "SELECT MIN(day), MAX(day), COUNT(DISTINCT replicate || '/' || "
                               "patient) FROM trajectories");
  long n_pat = 0;
  if (q && sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
    day0 = (int)floor(sqlite3_column_double(q, 0));
    day1 = (int)ceil(sqlite3_column_double(q, 1));
    n_pat = sqlite3_column_int64(q, 2);
  }
  sqlite3_finalize(q);
  if (R->status != REMIT_OK) {
    return R->status;
  }
  if (day1 < day0 || n_pat == 0) {
    put(R, "<p class=\"note\">This run stored no daily trajectories. Add <code>output: "
           "{sample_trajectories: N}</code> to the scenario to keep the daily course of the "
           "first N patients screened in each replicate.</p>\n</section>\n");
    return REMIT_OK;
  }
  put(R, "<p>Daily values of the %ld sampled patients (the first patients screened in each "
         "replicate; the scenario's <code>output: sample_trajectories</code>). Bands are over "
         "these sampled patients, pooled across replicates, not over every enrolled patient. "
         "Day 0 is the day of infusion (first dose); days before it show conditioning.</p>\n",
      n_pat);
  int has_memory = has_variable(R, "bcell_memory");
  const char *missing[4];
  int n_missing = 0;
  for (int v = 0; v < N_TRAJ_VARS && R->status == REMIT_OK; v++) {
    const traj_var *tv = &traj_vars[v];
    if (strcmp(tv->id, "memory_derived") == 0 && has_memory) {
      continue;
    }
    if (!has_variable(R, tv->store) || (tv->fraction && !has_variable(R, tv->fraction))) {
      if (strcmp(tv->id, "memory") != 0) {
        missing[n_missing < 4 ? n_missing++ : 3] = tv->title;
      }
      continue;
    }
    remit_status st = traj_chart(R, tv, day0, day1 - day0 + 1);
    if (st != REMIT_OK) {
      return st;
    }
  }
  if (n_missing > 0) {
    put(R, "<p class=\"note\">Not stored in this run, so not shown: ");
    for (int k = 0; k < n_missing; k++) {
      put(R, "%s", k ? ", " : "");
      put_html(R, missing[k]);
    }
    put(R, " (the trial runner keeps only some readouts as trajectories).</p>\n");
  }
  put(R, "</section>\n");
  return R->status;
}

/* ------------------------------------------------------------------------ */
/* Endpoints                                                                 */
/* ------------------------------------------------------------------------ */

/* How each statistic of the summaries table is named in the report, and
 * whether it is shown as a percentage. */
static const struct {
  const char *stat, *words;
  int percent;
} stat_table[] = {
    {"proportion", "proportion, % (Wilson 95 % CI)", 1},
    {"mean", "mean (t 95 % CI)", 0},
    {"median", "median (order-statistic 95 % CI)", 0},
    {"km_median", "Kaplan–Meier median, days (Brookmeyer–Crowley 95 % CI)", 0},
    {"difference", "difference in proportions, percentage points (Newcombe 95 % CI)", 1},
    {"odds_ratio", "odds ratio (Woolf 95 % CI)", 0},
    {"logrank_p", "log-rank p-value", 0},
    {"rate", "rate per patient-year (exact Poisson 95 % CI)", 0},
    {"events", "events, total (exact Poisson 95 % CI)", 0},
    {"patient_years", "patient-years at risk", 0},
    {"rate_ratio", "rate ratio (exact conditional 95 % CI)", 0},
};

static const char *stat_words(const char *stat, int *percent) {
  *percent = 0;
  for (size_t i = 0; i < sizeof stat_table / sizeof stat_table[0]; i++) {
    if (strcmp(stat, stat_table[i].stat) == 0) {
      *percent = stat_table[i].percent;
      return stat_table[i].words;
    }
  }
  return stat;
}

static void put_est(report *R, double e, double l, double u, int percent, int ci) {
  char a[32], b[32], c[32];
  double f = percent ? 100.0 : 1.0;
  if (!isfinite(e)) {
    put(R, "%s", ci && (isfinite(l) || isfinite(u)) ? "not reached" : "NA");
  } else {
    put(R, "%s", fmt_num(a, sizeof a, e * f));
  }
  if (ci) {
    put(R, " <span class=\"ci\">[%s, %s]</span>", fmt_num(b, sizeof b, l * f),
        isfinite(u) ? fmt_num(c, sizeof c, u * f) : "not reached");
  }
}

static void section_endpoints(report *R) {
  put(R, "<section id=\"endpoints\"><h2>4 Endpoints</h2>\n<p>Replicate 1 is one simulated "
         "trial, with its 95 %% confidence interval. Across replicates: the median of the "
         "replicate estimates and their central 95 %% range (how much a trial of this size "
         "varies). Probability of success: the share of replicates that meet the success "
         "criterion, with its Wilson interval.</p>\n<table><thead><tr><th>endpoint</th>"
         "<th>arm or comparison</th><th>statistic</th><th>replicate 1 (n)</th>"
         "<th>across replicates: median [2.5 %%, 97.5 %%]</th><th>probability of success</th>"
         "</tr></thead><tbody>\n");
  static const char *const sql =
      "SELECT s.endpoint, s.arm, s.statistic, s.estimate, s.lower, s.upper, s.n, "
      " a.estimate, a.lower, a.upper, p.estimate, p.lower, p.upper, p.n "
      "FROM summaries s "
      "LEFT JOIN summaries a ON a.replicate IS NULL AND a.endpoint = s.endpoint AND a.arm = s.arm "
      " AND a.statistic = 'replicate_median' "
      " AND s.statistic NOT IN ('mean', 'events', 'patient_years') "
      "LEFT JOIN summaries p ON p.replicate IS NULL AND p.endpoint = s.endpoint AND p.arm = s.arm "
      " AND p.statistic = 'power' "
      "WHERE s.replicate = 0 ORDER BY s.rowid";
  sqlite3_stmt *q = prepare(R, sql);
  int rows = 0;
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *stat = col_text(q, 2);
    int percent = 0;
    const char *words = stat_words(stat, &percent);
    int ci = strcmp(stat, "logrank_p") != 0 && strcmp(stat, "patient_years") != 0;
    put(R, "<tr><td>");
    put_html(R, col_text(q, 0));
    put(R, "</td><td>");
    put_html(R, col_text(q, 1));
    put(R, "</td><td>");
    put_html(R, words);
    put(R, "</td><td>");
    put_est(R, col_real(q, 3), col_real(q, 4), col_real(q, 5), percent, ci);
    if (sqlite3_column_type(q, 6) != SQLITE_NULL) {
      put(R, " <span class=\"n\">(n = %d)</span>", sqlite3_column_int(q, 6));
    }
    put(R, "</td><td>");
    if (sqlite3_column_type(q, 7) != SQLITE_NULL || sqlite3_column_type(q, 8) != SQLITE_NULL) {
      put_est(R, col_real(q, 7), col_real(q, 8), col_real(q, 9), percent, 1);
    }
    put(R, "</td><td>");
    if (sqlite3_column_type(q, 10) != SQLITE_NULL) {
      put_est(R, col_real(q, 10), col_real(q, 11), col_real(q, 12), 1, 1);
      put(R, " %% <span class=\"n\">(%d replicates)</span>", sqlite3_column_int(q, 13));
    }
    put(R, "</td></tr>\n");
    rows++;
  }
  sqlite3_finalize(q);
  put(R, "</tbody></table>\n");
  if (rows == 0) {
    put(R, "<p class=\"note\">The store holds no endpoint summaries.</p>\n");
  }
  put(R, "<p class=\"meta\">Proportions are shown as percentages. \"not reached\": the "
         "Kaplan–Meier curve does not fall to 50 %% (or its interval to 50 %%) within "
         "follow-up. Methods: docs/statistics.md.</p>\n</section>\n");
}

/* ------------------------------------------------------------------------ */
/* Kaplan-Meier                                                              */
/* ------------------------------------------------------------------------ */

static remit_status km_arm(report *R, const char *endpoint, int a, int *first) {
  sqlite3_stmt *q = prepare(R, "SELECT time, event FROM outcomes WHERE replicate = 0 AND "
                               "endpoint = ? AND arm = ? AND evaluable = 1 AND time IS NOT NULL "
                               "ORDER BY patient");
  if (!q) {
    return R->status;
  }
  sqlite3_bind_text(q, 1, endpoint, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, R->arms[a], -1, SQLITE_STATIC);
  size_t n = 0, cap = 64;
  double *t = remit__malloc(R->ctx, cap * sizeof(double));
  int *ev = remit__malloc(R->ctx, cap * sizeof(int));
  remit_status st = t && ev ? REMIT_OK : REMIT_ERR_NOMEM;
  while (st == REMIT_OK && sqlite3_step(q) == SQLITE_ROW) {
    if (n == cap) {
      double *nt = remit__malloc(R->ctx, 2 * cap * sizeof(double));
      int *ne = remit__malloc(R->ctx, 2 * cap * sizeof(int));
      if (!nt || !ne) {
        remit__free(R->ctx, nt);
        remit__free(R->ctx, ne);
        st = REMIT_ERR_NOMEM;
        break;
      }
      memcpy(nt, t, n * sizeof(double));
      memcpy(ne, ev, n * sizeof(int));
      remit__free(R->ctx, t);
      remit__free(R->ctx, ev);
      t = nt;
      ev = ne;
      cap *= 2;
    }
    t[n] = sqlite3_column_double(q, 0);
    ev[n] = sqlite3_column_int(q, 1) != 0;
    n++;
  }
  sqlite3_finalize(q);
  remit_km_point *pts = NULL;
  size_t n_pts = 0;
  if (st == REMIT_OK && n > 0) {
    pts = remit__malloc(R->ctx, n * sizeof(*pts));
    st = pts ? remit_km_estimate(R->ctx, t, ev, n, LEVEL, REMIT_KM_CI_LOGLOG, NULL, pts, n, &n_pts)
             : REMIT_ERR_NOMEM;
  }
  if (st == REMIT_OK && n > 0) {
    double tmax = 0;
    for (size_t i = 0; i < n; i++) {
      tmax = t[i] > tmax ? t[i] : tmax;
    }
    /* The step curve: S = 1 from day 0, each event time, held to the last
     * follow-up time.  c = 1 marks a censoring tick. */
    put(R, "%s[%d,0,1,1,1,0]", *first ? "" : ",", a);
    *first = 0;
    for (size_t k = 0; k < n_pts; k++) {
      put(R, ",[%d,", a);
      put_json_num(R, pts[k].time);
      put(R, ",");
      put_json_num(R, pts[k].surv);
      put(R, ",");
      put_json_num(R, pts[k].lower);
      put(R, ",");
      put_json_num(R, pts[k].upper);
      put(R, ",0]");
    }
    if (n_pts == 0 || pts[n_pts - 1].time < tmax) {
      double s = n_pts ? pts[n_pts - 1].surv : 1.0, lo = n_pts ? pts[n_pts - 1].lower : 1.0,
             hi = n_pts ? pts[n_pts - 1].upper : 1.0;
      put(R, ",[%d,", a);
      put_json_num(R, tmax);
      put(R, ",");
      put_json_num(R, s);
      put(R, ",");
      put_json_num(R, lo);
      put(R, ",");
      put_json_num(R, hi);
      put(R, ",0]");
    }
    for (size_t i = 0; i < n; i++) {
      if (ev[i]) {
        continue;
      }
      double s = 1.0;
      for (size_t k = 0; k < n_pts && pts[k].time <= t[i]; k++) {
        s = pts[k].surv;
      }
      put(R, ",[%d,", a);
      put_json_num(R, t[i]);
      put(R, ",");
      put_json_num(R, s);
      put(R, ",null,null,1]");
    }
  }
  remit__free(R->ctx, pts);
  remit__free(R->ctx, t);
  remit__free(R->ctx, ev);
  return st;
}

static remit_status section_km(report *R) {
  put(R, "<section id=\"km\"><h2>5 Time-to-event endpoints</h2>\n");
  sqlite3_stmt *q = prepare(R, "SELECT DISTINCT endpoint FROM summaries WHERE replicate = 0 AND "
                               "statistic = 'km_median' ORDER BY rowid");
  int n = 0;
  remit_status st = REMIT_OK;
  while (st == REMIT_OK && q && sqlite3_step(q) == SQLITE_ROW) {
    char ep[256];
    snprintf(ep, sizeof ep, "%s", col_text(q, 0));
    const char *kind = "";
    double day = NAN;
    for (int k = 0; R->sc && k < R->sc->n_endpoints; k++) {
      if (strcmp(R->sc->endpoints[k].name, ep) == 0) {
        kind = remit_endpoint_kind_name(R->sc->endpoints[k].kind);
        day = R->sc->endpoints[k].day;
      }
    }
    put(R, "<figure><div class=\"chart\" id=\"chart-km-%d\" data-chart=\"data-km-%d\" "
           "role=\"img\" aria-label=\"Kaplan-Meier curve of ",
        n, n);
    put_html(R, ep);
    put(R, "\"></div>\n<figcaption><b>");
    put_html(R, ep);
    put(R, "</b>");
    if (kind[0]) {
      put(R, " (%s", kind);
      if (isfinite(day) && day > 0) {
        put(R, ", window to day %.0f", day);
      }
      put(R, ")");
    }
    put(R, ". Kaplan–Meier estimate of the share of patients still without the event, "
           "replicate 1, by arm (line style and colour), with the pointwise 95 %% log-log "
           "Greenwood interval (shaded); crosses mark censored patients. Medians are in the "
           "endpoint table.</figcaption></figure>\n<script type=\"application/json\" "
           "id=\"data-km-%d\">{\"type\":\"km\",\"title\":",
        n);
    put_json_str(R, ep);
    put(R, ",\"arms\":[");
    for (int a = 0; a < R->n_arms; a++) {
      put(R, "%s", a ? "," : "");
      put_json_str(R, R->arms[a]);
    }
    put(R, "],\"rows\":[");
    int first = 1;
    for (int a = 0; a < R->n_arms && st == REMIT_OK; a++) {
      st = km_arm(R, ep, a, &first);
    }
    put(R, "]}</script>\n");
    n++;
  }
  sqlite3_finalize(q);
  if (st == REMIT_OK && n == 0) {
    put(R, "<p class=\"note\">The scenario has no time-to-event endpoint.</p>\n");
  }
  put(R, "</section>\n");
  return st != REMIT_OK ? st : R->status;
}

/* ------------------------------------------------------------------------ */
/* Adverse events                                                            */
/* ------------------------------------------------------------------------ */

#define MAX_GRADE 5
#define MAX_KINDS 32

static remit_status section_ae(report *R) {
  put(R, "<section id=\"ae\"><h2>6 Adverse events by grade</h2>\n");
  /* Patients by worst grade, per arm and kind, pooled over replicates. */
  long count[MAX_ARMS][MAX_KINDS][MAX_GRADE + 1];
  memset(count, 0, sizeof count);
  char kinds[MAX_KINDS][64];
  int n_kinds = 0;
  long denom[MAX_ARMS] = {0};
  sqlite3_stmt *q = prepare(R, "SELECT arm, COUNT(*) FROM patients WHERE enrolled = 1 AND "
                               "arm IS NOT NULL GROUP BY arm");
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    int a = arm_index(R, col_text(q, 0));
    if (a >= 0) {
      denom[a] = sqlite3_column_int64(q, 1);
    }
  }
  sqlite3_finalize(q);
  q = prepare(R, "SELECT p.arm, e.kind, MAX(e.grade) FROM events e JOIN patients p "
                 "ON p.replicate = e.replicate AND p.patient = e.patient "
                 "WHERE p.arm IS NOT NULL AND e.kind NOT IN ('solver_failure', 'dropout') "
                 "GROUP BY e.replicate, e.patient, e.kind ORDER BY MIN(e.rowid)");
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    int a = arm_index(R, col_text(q, 0));
    const char *kind = col_text(q, 1);
    int k = 0;
    while (k < n_kinds && strcmp(kinds[k], kind) != 0) {
      k++;
    }
    if (k == n_kinds) {
      if (n_kinds == MAX_KINDS) {
        continue;
      }
      snprintf(kinds[n_kinds++], sizeof kinds[0], "%s", kind);
    }
    long g = sqlite3_column_type(q, 2) == SQLITE_NULL ? 0 : lround(sqlite3_column_double(q, 2));
    g = g < 0 ? 0 : g > MAX_GRADE ? MAX_GRADE : g;
    if (a >= 0) {
      count[a][k][g]++;
    }
  }
  sqlite3_finalize(q);
  if (R->status != REMIT_OK) {
    return R->status;
  }
  long failures = count_q(R, "SELECT COUNT(DISTINCT replicate || '/' || patient) FROM events "
                             "WHERE kind = 'solver_failure' AND ?1 = ?1", 0);
  int graded[MAX_KINDS] = {0}, n_graded = 0;
  for (int k = 0; k < n_kinds; k++) {
    for (int a = 0; a < R->n_arms; a++) {
      for (int g = 1; g <= MAX_GRADE; g++) {
        graded[k] |= count[a][k][g] > 0;
      }
    }
    n_graded += graded[k];
  }
  if (n_graded == 0) {
    put(R, "<p class=\"note\">No graded adverse events were recorded.</p>\n");
  } else {
    put(R, "<p>Patients by their <b>worst grade</b> of each event kind, pooled over all %d "
           "replicates (treated patients of the arm as denominator), with Wilson 95 %% "
           "intervals. Grades: CRS and ICANS by ASTCT, cytopenias by CTCAE v5; a serious "
           "infection is grade 3.</p>\n",
        R->n_reps);
    put(R, "<figure><div class=\"chart\" id=\"chart-ae\" data-chart=\"data-ae\" role=\"img\" "
           "aria-label=\"Adverse events by worst grade\"></div><figcaption><b>Adverse events "
           "by worst grade.</b> Bar length: percentage of patients; whiskers: 95 %% interval; "
           "each bar is labelled with its grade.</figcaption></figure>\n"
           "<script type=\"application/json\" id=\"data-ae\">{\"type\":\"ae\",\"arms\":[");
    for (int a = 0; a < R->n_arms; a++) {
      put(R, "%s", a ? "," : "");
      put_json_str(R, R->arms[a]);
    }
    put(R, "],\"rows\":[");
    int first = 1;
    for (int a = 0; a < R->n_arms; a++) {
      for (int k = 0; k < n_kinds; k++) {
        for (int g = 0; g <= MAX_GRADE; g++) {
          remit_estimate e;
          if (g == 0 || count[a][k][g] == 0 || denom[a] == 0 ||
              remit_prop_wilson(R->ctx, count[a][k][g], denom[a], LEVEL, &e) != REMIT_OK) {
            continue;
          }
          put(R, "%s[%d,", first ? "" : ",", a);
          put_json_str(R, kinds[k]);
          put(R, ",%d,%ld,%ld,", g, count[a][k][g], denom[a]);
          put_json_num(R, 100 * e.value);
          put(R, ",");
          put_json_num(R, 100 * e.lower);
          put(R, ",");
          put_json_num(R, 100 * e.upper);
          put(R, "]");
          first = 0;
        }
      }
    }
    put(R, "]}</script>\n<table><thead><tr><th>arm</th><th>event</th>");
    for (int g = 1; g <= MAX_GRADE; g++) {
      put(R, "<th>grade %d</th>", g);
    }
    put(R, "<th>any grade</th><th>grade &ge; 3</th></tr></thead><tbody>\n");
    for (int a = 0; a < R->n_arms; a++) {
      for (int k = 0; k < n_kinds; k++) {
        if (!graded[k]) {
          continue;
        }
        put(R, "<tr><td>");
        put_html(R, R->arms[a]);
        put(R, "</td><td>");
        put_html(R, kinds[k]);
        put(R, "</td>");
        long any = 0, g3 = 0;
        for (int g = 1; g <= MAX_GRADE; g++) {
          any += count[a][k][g];
          g3 += g >= 3 ? count[a][k][g] : 0;
        }
        for (int g = 1; g <= MAX_GRADE + 2; g++) {
          long c = g <= MAX_GRADE ? count[a][k][g] : g == MAX_GRADE + 1 ? any : g3;
          remit_estimate e;
          put(R, "<td>");
          if (denom[a] > 0 && remit_prop_wilson(R->ctx, c, denom[a], LEVEL, &e) == REMIT_OK) {
            put(R, "%ld/%ld, %.1f %% <span class=\"ci\">[%.1f, %.1f]</span>", c, denom[a],
                100 * e.value, 100 * e.lower, 100 * e.upper);
          }
          put(R, "</td>");
        }
        put(R, "</tr>\n");
      }
    }
    put(R, "</tbody></table>\n");
  }
  int first_other = 1;
  for (int k = 0; k < n_kinds; k++) {
    long n_other = 0;
    for (int a = 0; a < R->n_arms; a++) {
      n_other += count[a][k][0];
    }
    if (n_other == 0) {
      continue;
    }
    put(R, "%s", first_other ? "<p class=\"meta\">Other recorded events without a grade "
                               "(clinical events, not adverse events), patients over all "
                               "replicates: " : "; ");
    put_html(R, kinds[k]);
    put(R, " %ld", n_other);
    first_other = 0;
  }
  if (!first_other) {
    put(R, ".</p>\n");
  }
  if (failures > 0) {
    put(R, "<p class=\"note\">The ODE solver failed for %ld simulated patient(s); they have no "
           "evaluable outcome and are listed as \"simulation failed\" in the flow.</p>\n",
        failures);
  }
  put(R, "</section>\n");
  return R->status;
}

/* ------------------------------------------------------------------------ */
/* Validation                                                                */
/* ------------------------------------------------------------------------ */

/* Finds the first of the candidate column names the validation table has. */
static int find_col(char cols[][64], int n_cols, const char *const *cands) {
  for (int c = 0; cands[c]; c++) {
    for (int k = 0; k < n_cols; k++) {
      if (strcmp(cols[k], cands[c]) == 0) {
        return k;
      }
    }
  }
  return -1;
}

/* Columns of the `validation` table the report reads, as `remit validate`
 * writes them (src/fit/validate.c: id, endpoint, arm, statistic,
 * timepoint_days, published, n, sim_median, sim_lower, sim_upper, pass,
 * used_for_fit), with a few aliases; published_lower/upper and unit are
 * optional extras. */
enum { V_ID, V_EP, V_ARM, V_STAT, V_DAY, V_PUB, V_PUB_LO, V_PUB_HI, V_N, V_SIM, V_SIM_LO,
       V_SIM_HI, V_PASS, V_UNIT, V_COLS };

static void validation_row(report *R, sqlite3_stmt *q, char *label, size_t len, char *shortl,
                           size_t short_len, double v[6], int *percent) {
  const char *stat = col_text(q, V_STAT);
  *percent = strcmp(stat, "proportion") == 0 || strcmp(stat, "one_minus_proportion") == 0;
  char day[32] = "";
  if (sqlite3_column_type(q, V_DAY) != SQLITE_NULL) {
    snprintf(day, sizeof day, ", day %.0f", sqlite3_column_double(q, V_DAY));
  }
  const char *unit = *percent                               ? "%"
                     : strcmp(stat, "km_median") == 0        ? "days"
                     : strcmp(stat, "rate") == 0             ? "per patient-year"
                     : strcmp(stat, "rate_per_month") == 0   ? "per patient-month"
                                                             : col_text(q, V_UNIT);
  snprintf(label, len, "%s%s%s%s%s%s%s%s%s%s", col_text(q, V_ID), col_text(q, V_ID)[0] ? ": " : "",
           col_text(q, V_EP), col_text(q, V_ARM)[0] ? " " : "", col_text(q, V_ARM),
           stat[0] ? ", " : "", stat, day, unit[0] ? " (" : "", unit[0] ? unit : "");
  if (unit[0]) {
    size_t l = strlen(label);
    snprintf(label + l, len - l, ")");
  }
  snprintf(shortl, short_len, "%s%s%s%s", col_text(q, V_ID)[0] ? col_text(q, V_ID) : col_text(q, V_EP),
           unit[0] ? " (" : "", unit, unit[0] ? ")" : "");
  double f = *percent ? 100.0 : 1.0;
  double pub = col_real(q, V_PUB), lo = col_real(q, V_PUB_LO), hi = col_real(q, V_PUB_HI);
  double n = col_real(q, V_N);
  /* A published proportion with its sample size gets its Wilson interval. */
  if (*percent && !isfinite(lo) && isfinite(pub) && pub >= 0 && pub <= 1 && isfinite(n) &&
      n >= 1) {
    remit_estimate e;
    if (remit_prop_wilson(R->ctx, lround(pub * n), lround(n), LEVEL, &e) == REMIT_OK) {
      lo = e.lower;
      hi = e.upper;
    }
  }
  v[0] = pub * f;
  v[1] = lo * f;
  v[2] = hi * f;
  v[3] = col_real(q, V_SIM) * f;
  v[4] = col_real(q, V_SIM_LO) * f;
  v[5] = col_real(q, V_SIM_HI) * f;
}

static remit_status section_validation(report *R) {
  put(R, "<section id=\"validation\"><h2>7 Validation against published results</h2>\n");
  if (!table_exists(R, "validation")) {
    put(R, "<p class=\"note\">This run store holds no validation results (no "
           "<code>validation</code> table, which <code>remit validate</code> writes), so there "
           "is no forest plot of published against simulated values.</p>\n</section>\n");
    return R->status;
  }
  char cols[64][64];
  int n_cols = 0;
  sqlite3_stmt *q = prepare(R, "SELECT name FROM pragma_table_info('validation')");
  while (q && sqlite3_step(q) == SQLITE_ROW && n_cols < 64) {
    snprintf(cols[n_cols++], sizeof cols[0], "%s", col_text(q, 0));
  }
  sqlite3_finalize(q);
  static const char *const cand[V_COLS][4] = {
      {"id", "quantity", "label", NULL},
      {"endpoint", "target", NULL, NULL},
      {"arm", NULL, NULL, NULL},
      {"statistic", NULL, NULL, NULL},
      {"timepoint_days", "day", NULL, NULL},
      {"published", "published_value", "observed", NULL},
      {"published_lower", "observed_lower", NULL, NULL},
      {"published_upper", "observed_upper", NULL, NULL},
      {"n", NULL, NULL, NULL},
      {"sim_median", "simulated", "simulated_value", NULL},
      {"sim_lower", "simulated_lower", NULL, NULL},
      {"sim_upper", "simulated_upper", NULL, NULL},
      {"pass", NULL, NULL, NULL},
      {"unit", NULL, NULL, NULL}};
  int ix[V_COLS];
  for (int k = 0; k < V_COLS; k++) {
    ix[k] = find_col(cols, n_cols, cand[k]);
  }
  if (ix[V_PUB] < 0 || ix[V_SIM] < 0) {
    put(R, "<p class=\"note\">The store has a <code>validation</code> table, but without the "
           "columns the report reads (<code>published</code> and <code>sim_median</code>); its "
           "columns are:");
    for (int k = 0; k < n_cols; k++) {
      put(R, " <code>");
      put_html(R, cols[k]);
      put(R, "</code>");
    }
    put(R, ".</p>\n</section>\n");
    return R->status;
  }
  char sql[2048];
  size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT ");
  for (int k = 0; k < V_COLS; k++) {
    len += (size_t)snprintf(sql + len, sizeof sql - len, ix[k] >= 0 ? "%s\"%s\"" : "%sNULL",
                            k ? "," : "", ix[k] >= 0 ? cols[ix[k]] : "");
  }
  snprintf(sql + len, sizeof sql - len, " FROM validation ORDER BY rowid");
  put(R, "<p>Each row compares one published result with the same statistic of the simulated "
         "trials. Published proportions carry their Wilson 95 %% interval from the published "
         "sample size; simulated values are the median and central 95 %% range across replicate "
         "trials. \"Inside\": the published value lies in the simulated range.</p>\n"
         "<figure><div class=\"chart\" id=\"chart-forest\" data-chart=\"data-forest\" role=\"img\" "
         "aria-label=\"Forest plot of published and simulated values\"></div><figcaption><b>"
         "Published versus simulated.</b> One panel per published quantity, in its own unit and "
         "scale: published value (black square) and simulated value (blue circle), each with its "
         "interval.</figcaption></figure>\n<script type=\"application/json\" "
         "id=\"data-forest\">{\"type\":\"forest\",\"rows\":[");
  q = prepare(R, sql);
  int first = 1;
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    char label[768], shortl[256];
    double v[6];
    int percent;
    validation_row(R, q, label, sizeof label, shortl, sizeof shortl, v, &percent);
    for (int w = 0; w < 2; w++) {
      put(R, "%s[", first ? "" : ",");
      put_json_str(R, shortl);
      put(R, ",\"%s\",", w ? "simulated" : "published");
      put_json_num(R, v[3 * w]);
      put(R, ",");
      put_json_num(R, v[3 * w + 1]);
      put(R, ",");
      put_json_num(R, v[3 * w + 2]);
      put(R, ",\"\"]");
      first = 0;
    }
  }
  sqlite3_finalize(q);
  put(R, "]}</script>\n<table><thead><tr><th>published result</th><th>published [95 %% CI]</th>"
         "<th>simulated: median [2.5 %%, 97.5 %%]</th><th>inside</th></tr></thead><tbody>\n");
  q = prepare(R, sql);
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    char label[768], shortl[256];
    double v[6];
    int percent;
    validation_row(R, q, label, sizeof label, shortl, sizeof shortl, v, &percent);
    put(R, "<tr><td>");
    put_html(R, label);
    put(R, "</td><td>");
    put_est(R, v[0], v[1], v[2], 0, isfinite(v[1]) || isfinite(v[2]));
    put(R, "</td><td>");
    put_est(R, v[3], v[4], v[5], 0, 1);
    put(R, "</td><td>%s</td></tr>\n",
        sqlite3_column_type(q, V_PASS) == SQLITE_NULL ? ""
        : sqlite3_column_int(q, V_PASS)                ? "yes"
                                                        : "<b>no</b>");
  }
  sqlite3_finalize(q);
  put(R, "</tbody></table>\n</section>\n");
  return R->status;
}

/* ------------------------------------------------------------------------ */
/* Appendix and scripts                                                      */
/* ------------------------------------------------------------------------ */

static void section_appendix(report *R) {
  put(R, "<section id=\"appendix\"><h2>Appendix</h2>\n<details><summary>Parameter table used "
         "(value, unit, between-patient CV, admissible range, source)</summary>\n<table "
         "class=\"compact\"><thead><tr><th>name</th><th>value</th><th>unit</th><th>CV</th>"
         "<th>range</th><th>source</th></tr></thead><tbody>\n");
  sqlite3_stmt *q = prepare(R, "SELECT name, value, unit, cv, lower, upper, source FROM "
                               "parameters ORDER BY rowid");
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    char v[32], cv[32], lo[32], hi[32];
    put(R, "<tr><td>");
    put_html(R, col_text(q, 0));
    put(R, "</td><td>%s</td><td>", fmt_num(v, sizeof v, col_real(q, 1)));
    put_html(R, col_text(q, 2));
    put(R, "</td><td>%s</td><td>[%s, %s]</td><td>", fmt_num(cv, sizeof cv, col_real(q, 3)),
        fmt_num(lo, sizeof lo, col_real(q, 4)), fmt_num(hi, sizeof hi, col_real(q, 5)));
    put_html(R, col_text(q, 6));
    put(R, "</td></tr>\n");
  }
  sqlite3_finalize(q);
  put(R, "</tbody></table></details>\n<details><summary>Scenario file, verbatim</summary><pre>");
  char *text = run_get_alloc(R, "scenario_text");
  put_html(R, text ? text : "");
  remit__free(R->ctx, text);
  put(R, "</pre></details>\n<p class=\"meta\">Made with <code>remit report RUN.db -o "
         "report.html</code>. Charts: Vega-Lite, Vega and vega-embed (BSD-3-Clause), inlined "
         "below with their licences.</p>\n</section>\n");
}

static remit_status put_scripts(report *R, char *const js[N_JS_LIBS], const size_t js_len[N_JS_LIBS],
                                char paths[N_JS_LIBS][4096]) {
  put(R, "</main>\n");
  for (int k = 0; k < N_JS_LIBS; k++) {
    put(R, "<script>\n");
    put_js_banner(R, paths[k], &js_libs[k]);
    put_script_text(R, js[k], js_len[k]);
    put(R, "\n</script>\n");
  }
  const char *own = (const char *)remit__report_js;
  put(R, "<script>\n");
  put_script_text(R, own, strlen(own));
  put(R, "</script>\n</body>\n</html>\n");
  return REMIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Pathway and cost-effectiveness stores (`remit pathway`)                   */
/* ------------------------------------------------------------------------ */

/* A pathway store (src/pathway/pathway_output.c) has no application id and
 * no run status: it is recognised by run.kind = 'pathway' and its tables, and
 * it is complete whenever it exists (it is written as .partial and renamed).
 * Numbers the report computes itself for it:
 *  - treated per centre and year: the mean over replicates (as the store's
 *    pathway_centre_year) and the range over replicates;
 *  - dropouts: the share of referred patients with its Wilson interval;
 *  - PSA: type-7 2.5 % and 97.5 % quantiles of cost, QALYs and of the
 *    increments against the reference strategy, and the share of samples in
 *    which each strategy has the highest net monetary benefit at the
 *    tornado's WTP;
 *  - the CE plane: each PSA sample's increments against the reference. */

#define MAX_STRATS 32

static const char *pw_reason_words(const char *r) {
  static const char *const map[][2] = {
      {"ineligible", "ineligible at the eligibility check"},
      {"death", "died while waiting"},
      {"withdrawal", "withdrew while waiting"},
      {"deterioration", "severe flare made them ineligible"},
      {"apheresis_failure", "apheresis failed (all attempts)"},
      {"manufacturing_failure", "manufacturing failed (all attempts)"},
      {"waiting_at_horizon", "still waiting at the horizon"}};
  for (size_t k = 0; k < sizeof map / sizeof map[0]; k++) {
    if (strcmp(map[k][0], r) == 0) {
      return map[k][1];
    }
  }
  return r;
}

/* A rounded amount with thousands separators ("-1,234,567"), or "NA". */
static const char *fmt_money(char *buf, size_t len, double v) {
  if (!isfinite(v)) {
    snprintf(buf, len, "NA");
    return buf;
  }
  char digits[64];
  snprintf(digits, sizeof digits, "%.0f", fabs(v));
  size_t nd = strlen(digits), o = 0;
  if (v < 0 && strcmp(digits, "0") != 0 && o + 1 < len) {
    buf[o++] = '-';
  }
  for (size_t i = 0; i < nd && o + 2 < len; i++) {
    buf[o++] = digits[i];
    if ((nd - i - 1) % 3 == 0 && i + 1 < nd) {
      buf[o++] = ',';
    }
  }
  buf[o] = '\0';
  return buf;
}

/* An amount in euros for running text: "€1,234" or "−€1,234". */
static const char *fmt_eur(char *buf, size_t len, double v) {
  char m[32]; /* up to 10^18 with separators */
  fmt_money(m, sizeof m, fabs(v));
  snprintf(buf, len, "%s%s%.24s", isfinite(v) && v < 0 && strcmp(m, "0") != 0 ? "−" : "",
           isfinite(v) ? "€" : "", m);
  return buf;
}

static double run_num(report *R, const char *key) {
  char b[64];
  return run_get(R, key, b, sizeof b) && b[0] ? strtod(b, NULL) : NAN;
}

static double pw_metric(report *R, const char *metric) {
  sqlite3_stmt *q = prepare(R, "SELECT value FROM pathway_summary WHERE metric = ?");
  double v = NAN;
  if (q) {
    sqlite3_bind_text(q, 1, metric, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
      v = col_real(q, 0);
    }
  }
  sqlite3_finalize(q);
  return v;
}

static void put_pw_dist(report *R, const pw_dist *d) {
  char a[32], b[32];
  fmt_num(a, sizeof a, d->a);
  fmt_num(b, sizeof b, d->b);
  switch (d->kind) {
    case PW_DIST_FIXED: put(R, "%s days", a); break;
    case PW_DIST_EXPONENTIAL: put(R, "exponential, mean %s days", a); break;
    case PW_DIST_LOGNORMAL: put(R, "log-normal, median %s days, CV %s", a, b); break;
    case PW_DIST_GAMMA: put(R, "gamma, mean %s days, SD %s", a, b); break;
    case PW_DIST_UNIFORM: put(R, "uniform %s&ndash;%s days", a, b); break;
  }
}

/* Reads the pathway scenario back from its file when the file still holds
 * the stored text (and so does the patients' scenario it names); otherwise
 * the words come from the store's tables only. */
static remit_pathway_scenario *pw_load_scenario(report *R, char *why, size_t why_len) {
  why[0] = '\0';
  static const char *const keys[2][2] = {{"scenario", "scenario_text"},
                                         {"patients_scenario", "patients_scenario_text"}};
  for (int k = 0; k < 2; k++) {
    char path[4096];
    char *text = run_get_alloc(R, keys[k][1]);
    run_get(R, keys[k][0], path, sizeof path);
    char *disk = NULL;
    size_t len = 0;
    int same = text && path[0] && is_file(path) &&
               slurp(R->ctx, path, &disk, &len) == REMIT_OK && strcmp(disk, text) == 0;
    remit__free(R->ctx, disk);
    remit__free(R->ctx, text);
    if (!same) {
      snprintf(why, why_len, "%.400s is no longer the file this run read",
               path[0] ? path : "the scenario");
      return NULL;
    }
  }
  char path[4096];
  run_get(R, "scenario", path, sizeof path);
  remit_pathway_scenario *sc = NULL;
  if (remit_pathway_load(R->ctx, path, &sc) != REMIT_OK) {
    snprintf(why, why_len, "%s", remit_context_errmsg(R->ctx));
    return NULL;
  }
  return sc;
}

typedef struct pw_strat {
  char name[128];
  char kind[32];
} pw_strat;

/* Strategies in the scenario's order (cea_strategies is written in it). */
static int pw_strategies(report *R, pw_strat *s) {
  int n = 0;
  sqlite3_stmt *q = prepare(R, "SELECT strategy, kind FROM cea_strategies ORDER BY rowid");
  while (q && sqlite3_step(q) == SQLITE_ROW && n < MAX_STRATS) {
    snprintf(s[n].name, sizeof s[n].name, "%s", col_text(q, 0));
    snprintf(s[n].kind, sizeof s[n].kind, "%s", col_text(q, 1));
    n++;
  }
  sqlite3_finalize(q);
  return n;
}

static int pw_strat_index(const pw_strat *s, int n, const char *name) {
  for (int k = 0; k < n; k++) {
    if (strcmp(s[k].name, name) == 0) {
      return k;
    }
  }
  return -1;
}

enum { PS_SCENARIO, PS_PATHWAY, PS_COMPARE, PS_CEA, PS_UNCERTAINTY, PS_TORNADO, PS_CHEERS, PS_N };

/* Section numbers: only the sections the store has are numbered. */
static void pw_number_sections(report *R, int has_pw, int has_cea) {
  int n = 0;
  for (int k = 0; k < PS_N; k++) {
    int present = k == PS_PATHWAY ? has_pw
                  : k == PS_COMPARE ? R->n_compare > 0
                  : (k == PS_CEA || k == PS_UNCERTAINTY || k == PS_TORNADO) ? has_cea
                                                                             : 1;
    R->secno[k] = present ? ++n : 0;
  }
}

static void pw_header(report *R, int has_pw, int has_cea) {
  char name[512] = "", version[128] = "", build[512] = "", seed[64] = "";
  run_get(R, "name", name, sizeof name);
  run_get(R, "version", version, sizeof version);
  run_get(R, "build", build, sizeof build);
  run_get(R, "seed", seed, sizeof seed);
  put_page_start(R, version, "Care pathway and cost-effectiveness report", name);
  put(R, " (a <code>remit pathway</code> store), written by remit ");
  put_html(R, version);
  put(R, " (");
  put_html(R, build);
  put(R, "), master seed <b>");
  put_html(R, seed);
  put(R, "</b>.</p>\n<p class=\"meta\">Simulated patients and prices, not a published "
         "evaluation: every number comes from the models and the scenario in section 1 "
         "(methods: docs/pathway.md). Money in euros (€), discounted where stated. Each "
         "chart's menu (<b>&hellip;</b>) saves it as SVG or PNG.</p>\n<nav>"
         "<a href=\"#scenario\">%d Scenario</a> ", R->secno[PS_SCENARIO]);
  if (has_pw) {
    put(R, "<a href=\"#pathway\">%d Pathway</a> ", R->secno[PS_PATHWAY]);
  }
  if (R->n_compare > 0) {
    put(R, "<a href=\"#comparison\">%d Scenario comparison</a> ", R->secno[PS_COMPARE]);
  }
  if (has_cea) {
    put(R, "<a href=\"#cea\">%d Cost-effectiveness</a> <a href=\"#uncertainty\">%d Decision "
           "uncertainty</a> <a href=\"#tornado\">%d One-way sensitivity</a> ",
        R->secno[PS_CEA], R->secno[PS_UNCERTAINTY], R->secno[PS_TORNADO]);
  }
  put(R, "<a href=\"#cheers\">%d CHEERS 2022</a> <a href=\"#appendix\">Appendix</a></nav>"
         "</header>\n", R->secno[PS_CHEERS]);
}

static void pw_section_scenario(report *R, const remit_pathway_scenario *sc, const char *why,
                                int has_pw, int has_cea) {
  char a[32], b[32], c[32], d[32], e[32], f[32], g[32];
  put(R, "<section id=\"scenario\"><h2>%d Scenario</h2>\n", R->secno[PS_SCENARIO]);
  if (!sc) {
    put(R, "<p class=\"note\">The scenario file could not be read back (");
    put_html(R, why);
    put(R, "), so this section is built from the store's tables; the scenario text is in the "
           "appendix.</p>\n");
    if (has_pw) {
      put(R, "<p>A discrete-event simulation of the care pathway with the resources ");
      sqlite3_stmt *q = prepare(R, "SELECT name, capacity FROM pathway_resources ORDER BY rowid");
      int first = 1;
      while (q && sqlite3_step(q) == SQLITE_ROW) {
        put(R, "%s", first ? "" : ", ");
        put_html(R, col_text(q, 0));
        put(R, " (%d)", sqlite3_column_int(q, 1));
        first = 0;
      }
      sqlite3_finalize(q);
      put(R, ".</p>\n");
    }
    if (has_cea) {
      put(R, "<p>Cost-effectiveness of the strategies ");
      pw_strat s[MAX_STRATS];
      int n = pw_strategies(R, s);
      for (int k = 0; k < n; k++) {
        put(R, "%s<b>", k ? ", " : "");
        put_html(R, s[k].name);
        put(R, "</b> (%s)", s[k].kind);
      }
      put(R, ": %s patients × %s PSA samples, horizon %s years, discount rates %s %% (costs) "
             "and %s %% (effects) a year.</p>\n",
          fmt_num(a, sizeof a, run_num(R, "cea_patients")),
          fmt_num(b, sizeof b, run_num(R, "psa_samples")),
          fmt_num(c, sizeof c, run_num(R, "horizon_years")),
          fmt_num(d, sizeof d, 100 * run_num(R, "discount_costs")),
          fmt_num(e, sizeof e, 100 * run_num(R, "discount_effects")));
    }
    put(R, "</section>\n");
    return;
  }
  put(R, "<p><b>Representative patients.</b> %d eligible patients drawn from the population "
         "of the trial scenario <code>",
      sc->n_model_patients);
  put_html(R, sc->model && sc->model->name ? sc->model->name : sc->model_path);
  put(R, "</code>, each simulated with the SLE model under the arm of every strategy for 12 "
         "months; a month with SLEDAI-2K &le; %s counts as remission. Later stages reuse these "
         "patients by sampling.</p>\n",
      fmt_num(a, sizeof a, sc->remission_sledai));
  if (sc->has_pathway) {
    int cart = sc->therapy == PW_THERAPY_CART;
    put(R, "<p><b>Care pathway.</b> A discrete-event simulation over <b>%s calendar years</b> "
           "(%d independent replicate%s) of <b>%s</b> for refractory SLE in <b>%d centre%s</b>. "
           "Refractory patients come from a population of %s million (prevalence %s per "
           "100,000, incidence %s per 100,000 a year, %s %% refractory, %s %% referred): a "
           "prevalent pool referred over %s years plus incident patients.</p>\n",
        fmt_num(a, sizeof a, sc->horizon_years), sc->replicates, sc->replicates == 1 ? "" : "s",
        cart ? "CAR-T cell therapy" : "MSC therapy", sc->n_centres, sc->n_centres == 1 ? "" : "s",
        fmt_num(b, sizeof b, sc->pop_size / 1e6), fmt_num(c, sizeof c, 1e5 * sc->prevalence),
        fmt_num(d, sizeof d, 1e5 * sc->incidence), fmt_num(e, sizeof e, 100 * sc->refractory),
        fmt_num(f, sizeof f, 100 * sc->referral), fmt_num(g, sizeof g, sc->prevalent_years));
    put(R, "<table class=\"compact\"><thead><tr><th>centre</th><th>share of referrals</th>");
    if (cart) {
      put(R, "<th>manufacturing slots / month</th><th>apheresis units</th>");
    }
    put(R, "<th>beds</th><th>ICU beds</th>%s</tr></thead><tbody>\n",
        cart && !sc->manuf_central ? "<th>point-of-care lines</th>" : "");
    double wsum = 0;
    for (int k = 0; k < sc->n_centres; k++) {
      wsum += sc->centres[k].weight;
    }
    for (int k = 0; k < sc->n_centres; k++) {
      const pw_centre *ce = &sc->centres[k];
      put(R, "<tr><td>");
      put_html(R, ce->name);
      put(R, "</td><td>%.0f %%</td>", wsum > 0 ? 100 * ce->weight / wsum : NAN);
      if (cart) {
        put(R, "<td>%s</td><td>%d</td>", fmt_num(a, sizeof a, ce->slots_per_month), ce->apheresis);
      }
      put(R, "<td>%d</td><td>%d</td>", ce->beds, ce->icu_beds);
      if (cart && !sc->manuf_central) {
        put(R, "<td>%d</td>", ce->lines);
      }
      put(R, "</tr>\n");
    }
    put(R, "</tbody></table>\n<p>Steps: referral delay ");
    put_pw_dist(R, &sc->referral_days);
    put(R, "; eligibility check after ");
    put_pw_dist(R, &sc->eligibility_days);
    put(R, ", passed with probability %.0f %%", 100 * sc->p_eligible);
    if (cart) {
      put(R, "; a manufacturing slot of the centre; apheresis (%s day%s, success %.0f %%, up to %d "
             "attempts); ",
          fmt_num(a, sizeof a, sc->aph_days), sc->aph_days == 1 ? "" : "s", 100 * sc->aph_success,
          sc->aph_max);
      if (sc->manuf_central) {
        put(R, "<b>central manufacturing</b> on %d shared line%s, shipping ", sc->manuf_lines,
            sc->manuf_lines == 1 ? "" : "s");
        put_pw_dist(R, &sc->ship_days);
        put(R, " each way, ");
      } else {
        put(R, "<b>point-of-care manufacturing</b> on the centre's lines, ");
      }
      put(R, "manufacturing time ");
      put_pw_dist(R, &sc->manuf_days);
      put(R, " (failure %.1f %%, up to %d attempts); lymphodepletion %s days before the "
             "infusion",
          100 * sc->manuf_failure, sc->manuf_max, fmt_num(a, sizeof a, sc->ld_days));
    }
    put(R, "; a bed for the stay (");
    put_pw_dist(R, &sc->stay_days);
    put(R, ")");
    if (cart) {
      put(R, ", and an ICU bed (");
      put_pw_dist(R, &sc->icu_days);
      put(R, ") when CRS or ICANS reaches grade %d", sc->icu_grade);
    }
    put(R, ". While waiting, patients die (background × SLE mortality), withdraw (%s a year) or "
           "have severe flares (%s a year; each makes them ineligible with probability %.0f %%). "
           "Queues are first come, first served.</p>\n",
        fmt_num(a, sizeof a, sc->withdraw_rate), fmt_num(b, sizeof b, sc->flare_rate),
        100 * sc->p_flare_inelig);
  } else {
    put(R, "<p>The scenario has no care pathway (no <code>pathway</code> block).</p>\n");
  }
  if (sc->has_cea) {
    static const char *const kinds[] = {"standard care", "biologic", "CAR-T", "MSC"};
    put(R, "<p><b>Cost-effectiveness.</b> An individual continuous-time microsimulation of "
           "<b>%s patients</b> in a probabilistic sensitivity analysis of <b>%s samples</b>, "
           "horizon %s years (at most to age %s), payer perspective, discount rates %s %% a "
           "year for costs and %s %% for effects. Strategies: ",
        fmt_num(a, sizeof a, run_num(R, "cea_patients")),
        fmt_num(b, sizeof b, run_num(R, "psa_samples")),
        fmt_num(c, sizeof c, sc->cea_horizon_years), fmt_num(d, sizeof d, sc->max_age),
        fmt_num(e, sizeof e, 100 * sc->dr_cost), fmt_num(f, sizeof f, 100 * sc->dr_effect));
    for (int k = 0; k < sc->n_strategies; k++) {
      const pw_strategy *st = &sc->strategies[k];
      put(R, "%s<b>", k ? "; " : "");
      put_html(R, st->name);
      put(R, "</b> (%s, arm <code>", st->kind >= 0 && st->kind <= 3 ? kinds[st->kind] : "?");
      put_html(R, st->arm);
      put(R, "</code>)");
    }
    put(R, ". Willingness to pay from %s to %s per QALY; one-way sensitivity of <b>",
        fmt_eur(a, sizeof a, sc->n_wtp ? sc->wtp[0] : NAN),
        fmt_eur(b, sizeof b, sc->n_wtp ? sc->wtp[sc->n_wtp - 1] : NAN));
    put_html(R, sc->strategies[sc->tornado_strategy].name);
    put(R, "</b> against <b>");
    put_html(R, sc->strategies[sc->tornado_comparator].name);
    put(R, "</b> at %s/QALY.", fmt_eur(a, sizeof a, sc->tornado_wtp));
    int n_econ = 0, n_over = 0;
    const remit_econ_param *tab = remit_econ_params(&n_econ);
    for (int i = 0; i < n_econ && i < sc->n_econ; i++) {
      if (sc->econ[i] != tab[i].value) {
        put(R, "%s <code>%s</code> = %s %s (table: %s)", n_over ? "," : " The scenario sets",
            tab[i].name, fmt_num(a, sizeof a, sc->econ[i]), tab[i].unit,
            fmt_num(b, sizeof b, tab[i].value));
        n_over++;
      }
    }
    put(R, "%s</p>\n", n_over ? "; every other parameter is the table's (appendix)." : "");
  } else {
    put(R, "<p>The scenario has no cost-effectiveness analysis (no <code>cea</code> "
           "block).</p>\n");
  }
  put(R, "</section>\n");
}

static void pw_quantile_row(report *R, const char *label, const char *key) {
  char m[32], lo[32], hi[32], mean[32], k[64];
  snprintf(k, sizeof k, "%s_median", key);
  double med = pw_metric(R, k);
  snprintf(k, sizeof k, "%s_p10", key);
  double p10 = pw_metric(R, k);
  snprintf(k, sizeof k, "%s_p90", key);
  double p90 = pw_metric(R, k);
  snprintf(k, sizeof k, "%s_mean", key);
  double mn = pw_metric(R, k);
  put(R, "<tr><td>%s (days)</td><td>%s <span class=\"ci\">[%s, %s]</span>; mean %s</td></tr>\n",
      label, fmt_num(m, sizeof m, med), fmt_num(lo, sizeof lo, p10), fmt_num(hi, sizeof hi, p90),
      fmt_num(mean, sizeof mean, mn));
}

static remit_status pw_section_pathway(report *R) {
  char a[32], b[32], c[32], d[32];
  int reps = (int)count_q(R, "SELECT COUNT(DISTINCT replicate) FROM pathway_patients "
                             "WHERE ?1 = ?1", 0);
  reps = reps > 0 ? reps : 1;
  long referred = count_q(R, "SELECT COUNT(*) FROM pathway_patients WHERE ?1 = ?1", 0);
  double horizon = NAN;
  sqlite3_stmt *q = prepare(R, "SELECT MAX(year) FROM pathway_centre_year");
  if (q && sqlite3_step(q) == SQLITE_ROW) {
    horizon = col_real(q, 0);
  }
  sqlite3_finalize(q);
  put(R, "<section id=\"pathway\"><h2>%d Care pathway</h2>\n<p>Patients referred over the "
         "horizon, pooled over %d replicate%s (counts are totals over replicates; per-year "
         "numbers are means per replicate). Waiting time runs from referral to infusion; "
         "vein-to-vein time from the first apheresis to infusion; both over treated patients. "
         "Intervals in brackets are the 10th and 90th percentiles over patients.</p>\n"
         "<table class=\"compact\"><tbody>\n", R->secno[PS_PATHWAY],
      reps, reps == 1 ? "" : "s");
  put(R, "<tr><td>referred</td><td>%s</td></tr>\n<tr><td>eligible</td><td>%s</td></tr>\n"
         "<tr><td>treated (infused)</td><td>%s, i.e. %s a year</td></tr>\n",
      fmt_num(a, sizeof a, pw_metric(R, "referred")), fmt_num(b, sizeof b, pw_metric(R, "eligible")),
      fmt_num(c, sizeof c, pw_metric(R, "treated")),
      fmt_num(d, sizeof d, pw_metric(R, "treated_per_year")));
  pw_quantile_row(R, "waiting, referral to infusion: median", "wait_days");
  pw_quantile_row(R, "vein to vein: median", "v2v_days");
  put(R, "</tbody></table>\n");

  /* Waiting and vein-to-vein times per treated patient. */
  long n_treated = count_q(R, "SELECT COUNT(*) FROM pathway_patients WHERE wait_days IS NOT NULL "
                              "AND ?1 = ?1", 0);
  long n_v2v = count_q(R, "SELECT COUNT(*) FROM pathway_patients WHERE v2v_days IS NOT NULL "
                          "AND ?1 = ?1", 0);
  if (n_treated > 0) {
    put(R, "<figure><div class=\"chart\" id=\"chart-pw-wait\" data-chart=\"data-pw-wait\" "
           "role=\"img\" aria-label=\"Distribution of waiting and vein-to-vein times\"></div>"
           "<figcaption><b>Waiting time%s per treated patient</b> (n = %ld over %d "
           "replicate%s). Bars: number of patients per bin of days; vertical lines: median "
           "(solid) and 10th and 90th percentiles (dashed).</figcaption></figure>\n"
           "<script type=\"application/json\" id=\"data-pw-wait\">{\"type\":\"pw_wait\","
           "\"q\":[",
        n_v2v > 0 ? " and vein-to-vein time" : "", n_treated, reps, reps == 1 ? "" : "s");
    static const char *const qk[2][3] = {{"wait_days_p10", "wait_days_median", "wait_days_p90"},
                                         {"v2v_days_p10", "v2v_days_median", "v2v_days_p90"}};
    for (int m = 0; m < (n_v2v > 0 ? 2 : 1); m++) {
      for (int k = 0; k < 3; k++) {
        put(R, "%s[%d,%d,", m || k ? "," : "", m, k);
        put_json_num(R, pw_metric(R, qk[m][k]));
        put(R, "]");
      }
    }
    put(R, "],\"rows\":[");
    q = prepare(R, "SELECT wait_days, v2v_days FROM pathway_patients WHERE wait_days IS NOT NULL "
                   "ORDER BY rowid");
    int first = 1;
    while (q && sqlite3_step(q) == SQLITE_ROW) {
      put(R, "%s[", first ? "" : ",");
      put_json_num(R, col_real(q, 0));
      put(R, ",");
      put_json_num(R, col_real(q, 1));
      put(R, "]");
      first = 0;
    }
    sqlite3_finalize(q);
    put(R, "]}</script>\n");
  } else {
    put(R, "<p class=\"note\">No patient was treated within the horizon, so there is no "
           "distribution of waiting times.</p>\n");
  }

  /* Treated per centre per year: mean and range over replicates. */
  put(R, "<figure><div class=\"chart\" id=\"chart-pw-centre\" data-chart=\"data-pw-centre\" "
         "role=\"img\" aria-label=\"Patients treated per centre per year\"></div><figcaption>"
         "<b>Patients treated per centre and year of the simulation</b> (year of infusion; "
         "year 1 starts when referrals open). Bar: mean over %d replicate%s, labelled with "
         "the centre%s.</figcaption></figure>\n<script type=\"application/json\" "
         "id=\"data-pw-centre\">{\"type\":\"pw_centre\",\"reps\":%d,\"rows\":[",
      reps, reps == 1 ? "" : "s", reps > 1 ? "; whiskers: lowest and highest replicate" : "", reps);
  q = prepare(R, "SELECT cy.centre, cy.year, cy.treated, "
                 " (SELECT MIN(n) FROM (SELECT COUNT(p.patient) AS n FROM "
                 "   (SELECT DISTINCT replicate AS r FROM pathway_patients) reps "
                 "   LEFT JOIN pathway_patients p ON p.replicate = reps.r AND p.centre = cy.centre "
                 "   AND p.status = 'treated' AND CAST(p.t_infuse / 365.25 AS INTEGER) + 1 = cy.year "
                 "   GROUP BY reps.r)), "
                 " (SELECT MAX(n) FROM (SELECT COUNT(p.patient) AS n FROM "
                 "   (SELECT DISTINCT replicate AS r FROM pathway_patients) reps "
                 "   LEFT JOIN pathway_patients p ON p.replicate = reps.r AND p.centre = cy.centre "
                 "   AND p.status = 'treated' AND CAST(p.t_infuse / 365.25 AS INTEGER) + 1 = cy.year "
                 "   GROUP BY reps.r)) "
                 "FROM pathway_centre_year cy ORDER BY cy.rowid");
  int first = 1;
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    put(R, "%s[", first ? "" : ",");
    put_json_str(R, col_text(q, 0));
    put(R, ",%d,", sqlite3_column_int(q, 1));
    put_json_num(R, col_real(q, 2));
    put(R, ",");
    put_json_num(R, col_real(q, 3));
    put(R, ",");
    put_json_num(R, col_real(q, 4));
    put(R, "]");
    first = 0;
  }
  sqlite3_finalize(q);
  put(R, "]}</script>\n");

  /* Resources. */
  put(R, "<h3>Resource use</h3>\n<p>Utilisation: busy unit-days ÷ (capacity × horizon)%s. "
         "A manufacturing slot is a token that returns every 30.44 ÷ slots-per-month days, so "
         "its utilisation is the share of the centre's slots used. Resources nobody used and "
         "that the scenario does not use (point-of-care lines under central manufacturing) "
         "are left out.</p>\n",
      reps > 1 ? ", mean over replicates" : "");
  put(R, "<figure><div class=\"chart\" id=\"chart-pw-util\" data-chart=\"data-pw-util\" "
         "role=\"img\" aria-label=\"Resource utilisation\"></div><figcaption><b>Resource "
         "utilisation</b> (%% of capacity over the %s-year horizon); each bar is labelled with "
         "its value and capacity.</figcaption></figure>\n<script type=\"application/json\" "
         "id=\"data-pw-util\">{\"type\":\"pw_util\",\"rows\":[",
      fmt_num(a, sizeof a, horizon));
  static const char *const res_sql =
      "SELECT name, capacity, utilisation, mean_queue, max_queue, granted FROM pathway_resources "
      "WHERE NOT (granted = 0 AND name LIKE '%poc_line') ORDER BY rowid";
  q = prepare(R, res_sql);
  first = 1;
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    put(R, "%s[", first ? "" : ",");
    put_json_str(R, col_text(q, 0));
    put(R, ",%d,", sqlite3_column_int(q, 1));
    put_json_num(R, 100 * col_real(q, 2));
    put(R, ",");
    put_json_num(R, col_real(q, 3));
    put(R, "]");
    first = 0;
  }
  sqlite3_finalize(q);
  put(R, "]}</script>\n<table class=\"compact\"><thead><tr><th>resource</th><th>capacity "
         "(units)</th><th>utilisation (%%)</th><th>mean queue (patients)</th><th>longest queue "
         "(patients)</th><th>times granted</th></tr></thead><tbody>\n");
  q = prepare(R, res_sql);
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    put(R, "<tr><td>");
    put_html(R, col_text(q, 0));
    put(R, "</td><td>%d</td><td>%.1f</td><td>%s</td><td>%d</td><td>%lld</td></tr>\n",
        sqlite3_column_int(q, 1), 100 * col_real(q, 2), fmt_num(a, sizeof a, col_real(q, 3)),
        sqlite3_column_int(q, 4), (long long)sqlite3_column_int64(q, 5));
  }
  sqlite3_finalize(q);
  put(R, "</tbody></table>\n");

  /* Dropouts. */
  put(R, "<h3>Dropouts</h3>\n<figure><div class=\"chart\" id=\"chart-pw-drop\" "
         "data-chart=\"data-pw-drop\" role=\"img\" aria-label=\"Dropouts by reason\"></div>"
         "<figcaption><b>Patients who left the pathway before infusion, by reason</b>, as a "
         "share of the %ld referred patients (all replicates), with Wilson 95 %% intervals; "
         "each bar is labelled with its count.</figcaption></figure>\n"
         "<script type=\"application/json\" id=\"data-pw-drop\">{\"type\":\"pw_drop\",\"rows\":[",
      referred);
  q = prepare(R, "SELECT reason, n FROM pathway_dropouts ORDER BY rowid");
  first = 1;
  char rows_html[4096] = "";
  size_t rl = 0;
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    long n = sqlite3_column_int64(q, 1);
    remit_estimate e = {NAN, NAN, NAN, LEVEL, 0};
    if (referred > 0) {
      remit_prop_wilson(R->ctx, n, referred, LEVEL, &e);
    }
    const char *words = pw_reason_words(col_text(q, 0));
    put(R, "%s[", first ? "" : ",");
    put_json_str(R, words);
    put(R, ",%ld,", n);
    put_json_num(R, 100 * e.value);
    put(R, ",");
    put_json_num(R, 100 * e.lower);
    put(R, ",");
    put_json_num(R, 100 * e.upper);
    put(R, "]");
    first = 0;
    if (rl < sizeof rows_html - 256) {
      rl += (size_t)snprintf(rows_html + rl, sizeof rows_html - rl,
                             "<tr><td>%s</td><td>%ld</td><td>%.1f <span class=\"ci\">[%.1f, "
                             "%.1f]</span></td></tr>\n",
                             words, n, 100 * e.value, 100 * e.lower, 100 * e.upper);
    }
  }
  sqlite3_finalize(q);
  put(R, "]}</script>\n<table class=\"compact\"><thead><tr><th>reason</th><th>patients</th>"
         "<th>%% of referred [95 %% CI]</th></tr></thead><tbody>\n%s</tbody></table>\n",
      rows_html);
  put(R, "</section>\n");
  return R->status;
}

/* HTML-escaped copy of z (truncated to fit). */
static void html_escape_to(char *out, size_t len, const char *z) {
  size_t o = 0;
  out[0] = '\0';
  for (; z && *z; z++) {
    const char *rep = *z == '<' ? "&lt;" : *z == '>' ? "&gt;" : *z == '&' ? "&amp;" : *z == '"' ? "&quot;" : NULL;
    size_t need = rep ? strlen(rep) : 1;
    if (o + need + 1 > len) {
      break;
    }
    if (rep) {
      memcpy(out + o, rep, need);
    } else {
      out[o] = *z;
    }
    o += need;
  }
  out[o] = '\0';
}

static const char *pw_status_words(char *buf, size_t len, const char *status,
                                   const char *compared_to, const char *dominated_by) {
  if (strcmp(status, "reference") == 0) {
    snprintf(buf, len, "reference (least costly non-dominated)");
  } else if (strcmp(status, "frontier") == 0) {
    snprintf(buf, len, "on the frontier, vs %s", compared_to);
  } else if (strcmp(status, "dominated") == 0) {
    snprintf(buf, len, "<b>dominated</b>%s%s (costs more, fewer QALYs)",
             dominated_by[0] ? " by " : "", dominated_by);
  } else if (strcmp(status, "extendedly dominated") == 0) {
    snprintf(buf, len, "<b>extendedly dominated</b> (a mix of two others does better)");
  } else {
    snprintf(buf, len, "%s", status);
  }
  return buf;
}

/* The PSA, sample-major, in the strategies' order. */
typedef struct pw_psa {
  long n;
  int k;
  double *cost, *qaly;
} pw_psa;

static remit_status pw_psa_load(report *R, const pw_strat *s, int n_s, pw_psa *P) {
  memset(P, 0, sizeof *P);
  P->k = n_s;
  P->n = count_q(R, "SELECT COUNT(DISTINCT sample) FROM cea_psa WHERE ?1 = ?1", 0);
  if (P->n <= 0 || n_s <= 0) {
    P->n = 0;
    return R->status;
  }
  size_t m = (size_t)P->n * (size_t)n_s;
  P->cost = remit__malloc(R->ctx, m * sizeof(double));
  P->qaly = remit__malloc(R->ctx, m * sizeof(double));
  if (!P->cost || !P->qaly) {
    return REMIT_ERR_NOMEM;
  }
  for (size_t i = 0; i < m; i++) {
    P->cost[i] = P->qaly[i] = NAN;
  }
  sqlite3_stmt *q = prepare(R, "SELECT sample, strategy, cost, effect FROM cea_psa "
                               "ORDER BY sample, rowid");
  long j = -1, last = -1;
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    long smp = sqlite3_column_int64(q, 0);
    if (smp != last) {
      j++;
      last = smp;
    }
    int k = pw_strat_index(s, n_s, col_text(q, 1));
    if (j < P->n && k >= 0) {
      P->cost[(size_t)j * n_s + k] = col_real(q, 2);
      P->qaly[(size_t)j * n_s + k] = col_real(q, 3);
    }
  }
  sqlite3_finalize(q);
  return R->status;
}

static void pw_psa_free(report *R, pw_psa *P) {
  remit__free(R->ctx, P->cost);
  remit__free(R->ctx, P->qaly);
  memset(P, 0, sizeof *P);
}

/* Type-7 2.5 % and 97.5 % quantiles of strategy k's values (minus the
 * reference's in the same sample when ref >= 0). */
static void pw_psa_interval(report *R, const pw_psa *P, const double *v, int k, int ref,
                            double *ws, double out[2]) {
  size_t m = 0;
  for (long j = 0; j < P->n; j++) {
    double x = v[(size_t)j * P->k + k] - (ref >= 0 ? v[(size_t)j * P->k + ref] : 0.0);
    if (isfinite(x)) {
      ws[m++] = x;
    }
  }
  static const double probs[2] = {0.025, 0.975};
  out[0] = out[1] = NAN;
  if (m > 0) {
    remit_sample_quantiles(R->ctx, ws, m, probs, 2, ws, out);
  }
}

/* In tables: a missing value (the reference's increments, a dominated
 * strategy's ICER) is a dash. */
static void put_money_ci(report *R, double v, const double ci[2]) {
  char a[48], b[48], c[48];
  put(R, "%s", isfinite(v) ? fmt_money(a, sizeof a, v) : "&ndash;");
  if (ci && isfinite(ci[0])) {
    put(R, " <span class=\"ci\">[%s, %s]</span>", fmt_money(b, sizeof b, ci[0]),
        fmt_money(c, sizeof c, ci[1]));
  }
}

static void put_qaly_ci(report *R, double v, const double ci[2]) {
  if (isfinite(v)) {
    put(R, "%.3f", v);
  } else {
    put(R, "&ndash;");
  }
  if (ci && isfinite(ci[0])) {
    put(R, " <span class=\"ci\">[%.3f, %.3f]</span>", ci[0], ci[1]);
  }
}

static remit_status pw_section_cea(report *R) {
  pw_strat s[MAX_STRATS];
  int n_s = pw_strategies(R, s);
  char a[64], b[64], c[64];
  pw_psa P;
  remit_status st = pw_psa_load(R, s, n_s, &P);
  if (st != REMIT_OK) {
    pw_psa_free(R, &P);
    return st;
  }
  /* The reference: the deterministic analysis's least costly non-dominated strategy. */
  int ref = 0;
  sqlite3_stmt *q = prepare(R, "SELECT strategy FROM cea_icers WHERE analysis = 'deterministic' "
                               "AND status = 'reference' LIMIT 1");
  if (q && sqlite3_step(q) == SQLITE_ROW) {
    int k = pw_strat_index(s, n_s, col_text(q, 0));
    ref = k >= 0 ? k : 0;
  }
  sqlite3_finalize(q);
  double wtp = NAN;
  q = prepare(R, "SELECT wtp FROM cea_tornado LIMIT 1");
  if (q && sqlite3_step(q) == SQLITE_ROW) {
    wtp = col_real(q, 0);
  }
  sqlite3_finalize(q);
  double dc = run_num(R, "discount_costs"), de = run_num(R, "discount_effects");
  put(R, "<section id=\"cea\"><h2>%d Cost-effectiveness</h2>\n<p>Costs per patient in euros "
         "and QALYs per patient over a %s-year horizon, discounted at %s %% (costs) and %s %% "
         "(effects) a year, payer perspective. The incremental analysis sorts strategies by "
         "cost, removes strongly dominated ones (another costs less and gives more QALYs) and "
         "extendedly dominated ones (a mix of two others does better), and gives each strategy "
         "left on the frontier its ICER (incremental cost per QALY gained, €/QALY) against the "
         "previous one.</p>\n", R->secno[PS_CEA],
      fmt_num(a, sizeof a, run_num(R, "horizon_years")), fmt_num(b, sizeof b, 100 * dc),
      fmt_num(c, sizeof c, 100 * de));
  static const char *const an[2] = {"deterministic", "probabilistic"};
  for (int k = 0; k < 2; k++) {
    int prob = k == 1;
    if (prob && P.n == 0) {
      put(R, "<p class=\"note\">The run has no PSA samples, so there is no probabilistic "
             "analysis.</p>\n");
      break;
    }
    put(R, "<h3>%s</h3>\n<table><thead><tr><th>strategy</th><th>cost (€)%s</th>"
           "<th>QALYs%s</th>%s<th>incremental cost (€)</th><th>incremental QALYs</th>"
           "<th>ICER (€/QALY)</th><th>status</th>%s</tr></thead><tbody>\n",
        prob ? "Probabilistic: means over the PSA samples" : "Deterministic base case",
        prob ? " [95 % PSA interval]" : "", prob ? " [95 % PSA interval]" : "",
        prob ? "" : "<th>life-years</th>",
        prob && isfinite(wtp) ? "<th>probability of the highest net benefit</th>" : "");
    q = prepare(R, "SELECT i.strategy, i.cost, i.qaly, i.inc_cost, i.inc_qaly, i.icer, i.status, "
                   "COALESCE(i.compared_to, ''), COALESCE(i.dominated_by, ''), s.base_ly, s.kind "
                   "FROM cea_icers i LEFT JOIN cea_strategies s ON s.strategy = i.strategy "
                   "WHERE i.analysis = ? ORDER BY i.rowid");
    if (q) {
      sqlite3_bind_text(q, 1, an[k], -1, SQLITE_STATIC);
    }
    double *ws = P.n ? remit__malloc(R->ctx, (size_t)P.n * sizeof(double)) : NULL;
    while (q && sqlite3_step(q) == SQLITE_ROW) {
      int si = pw_strat_index(s, n_s, col_text(q, 0));
      double ci_c[2] = {NAN, NAN}, ci_q[2] = {NAN, NAN};
      if (prob && ws && si >= 0) {
        pw_psa_interval(R, &P, P.cost, si, -1, ws, ci_c);
        pw_psa_interval(R, &P, P.qaly, si, -1, ws, ci_q);
      }
      put(R, "<tr><td><b>");
      put_html(R, col_text(q, 0));
      put(R, "</b> <span class=\"n\">(");
      put_html(R, col_text(q, 10));
      put(R, ")</span></td><td>");
      put_money_ci(R, col_real(q, 1), prob ? ci_c : NULL);
      put(R, "</td><td>");
      put_qaly_ci(R, col_real(q, 2), prob ? ci_q : NULL);
      put(R, "</td>");
      if (!prob) {
        put(R, "<td>%.2f</td>", col_real(q, 9));
      }
      /* Increments and ICERs only along the frontier. */
      int on_frontier = strcmp(col_text(q, 6), "frontier") == 0;
      put(R, "<td>");
      put_money_ci(R, on_frontier ? col_real(q, 3) : NAN, NULL);
      put(R, "</td><td>");
      put_qaly_ci(R, on_frontier ? col_real(q, 4) : NAN, NULL);
      put(R, "</td><td>");
      put_money_ci(R, on_frontier ? col_real(q, 5) : NAN, NULL);
      char words[512], cmp[160], dom[160];
      snprintf(cmp, sizeof cmp, "%s", col_text(q, 7));
      snprintf(dom, sizeof dom, "%s", col_text(q, 8));
      /* Strategy names come from the scenario: escape them. */
      char cmp_h[480], dom_h[480];
      html_escape_to(cmp_h, sizeof cmp_h, cmp);
      html_escape_to(dom_h, sizeof dom_h, dom);
      put(R, "</td><td>%s</td>", pw_status_words(words, sizeof words, col_text(q, 6), cmp_h, dom_h));
      if (prob && isfinite(wtp)) {
        long best = 0;
        for (long j = 0; j < P.n && si >= 0; j++) {
          int arg = 0;
          double bv = -INFINITY;
          for (int m = 0; m < P.k; m++) {
            double nmb = wtp * P.qaly[(size_t)j * P.k + m] - P.cost[(size_t)j * P.k + m];
            if (nmb > bv) {
              bv = nmb;
              arg = m;
            }
          }
          best += arg == si;
        }
        put(R, "<td>%.0f %% at %s/QALY</td>", P.n ? 100.0 * best / P.n : NAN,
            fmt_eur(a, sizeof a, wtp));
      }
      put(R, "</tr>\n");
    }
    sqlite3_finalize(q);
    remit__free(R->ctx, ws);
    put(R, "</tbody></table>\n");
  }
  put(R, "<p class=\"meta\">Rows are in order of cost. Incremental values and ICERs are against "
         "the previous strategy on the frontier (the \"vs\" in the status column); a dash: "
         "not applicable (the reference, or a strategy off the frontier). PSA "
         "intervals are the 2.5th and 97.5th percentiles over %ld samples (parameter "
         "uncertainty of the economic table, docs/pathway.md).</p>\n",
      P.n);

  /* The cost-effectiveness plane. */
  if (P.n > 0 && n_s > 1) {
    double *ws = remit__malloc(R->ctx, (size_t)P.n * sizeof(double));
    put(R, "<figure><div class=\"chart\" id=\"chart-ce-plane\" data-chart=\"data-ce-plane\" "
           "role=\"img\" aria-label=\"Cost-effectiveness plane\"></div><figcaption><b>"
           "Cost-effectiveness plane.</b> Each small mark is one PSA sample of a strategy's "
           "incremental QALYs and incremental cost against <b>");
    put_html(R, s[ref].name);
    put(R, "</b> (the reference, at the origin); large outlined marks: the means. Strategies "
           "differ by shape and colour.");
    if (isfinite(wtp) && wtp > 0) {
      put(R, " Dashed line: willingness to pay %s/QALY; samples below it are cost-effective "
             "against the reference at that threshold.",
          fmt_eur(a, sizeof a, wtp));
    }
    put(R, "</figcaption></figure>\n<table class=\"compact\"><thead><tr><th>strategy vs ");
    put_html(R, s[ref].name);
    put(R, "</th><th>incremental cost (€) [95 %% PSA interval]</th><th>incremental QALYs "
           "[95 %% PSA interval]</th></tr></thead><tbody>\n");
    for (int k = 0; k < n_s && ws; k++) {
      if (k == ref) {
        continue;
      }
      double ci_c[2], ci_q[2], mc = 0, mq = 0;
      pw_psa_interval(R, &P, P.cost, k, ref, ws, ci_c);
      pw_psa_interval(R, &P, P.qaly, k, ref, ws, ci_q);
      for (long j = 0; j < P.n; j++) {
        mc += (P.cost[(size_t)j * P.k + k] - P.cost[(size_t)j * P.k + ref]) / P.n;
        mq += (P.qaly[(size_t)j * P.k + k] - P.qaly[(size_t)j * P.k + ref]) / P.n;
      }
      put(R, "<tr><td>");
      put_html(R, s[k].name);
      put(R, "</td><td>");
      put_money_ci(R, mc, ci_c);
      put(R, "</td><td>");
      put_qaly_ci(R, mq, ci_q);
      put(R, "</td></tr>\n");
    }
    remit__free(R->ctx, ws);
    put(R, "</tbody></table>\n<script type=\"application/json\" id=\"data-ce-plane\">"
           "{\"type\":\"ce_plane\",\"ref\":");
    put_json_str(R, s[ref].name);
    put(R, ",\"wtp\":");
    put_json_num(R, wtp);
    put(R, ",\"strategies\":[");
    int first = 1;
    for (int k = 0; k < n_s; k++) {
      if (k != ref) {
        put(R, "%s", first ? "" : ",");
        put_json_str(R, s[k].name);
        first = 0;
      }
    }
    put(R, "],\"all\":[");
    for (int k = 0; k < n_s; k++) {
      put(R, "%s", k ? "," : "");
      put_json_str(R, s[k].name);
    }
    put(R, "],\"rows\":[");
    first = 1;
    for (long j = 0; j < P.n; j++) {
      for (int k = 0, idx = 0; k < n_s; k++) {
        if (k == ref) {
          continue;
        }
        put(R, "%s[%d,%ld,", first ? "" : ",", idx++, j + 1);
        put_json_num(R, P.qaly[(size_t)j * P.k + k] - P.qaly[(size_t)j * P.k + ref]);
        put(R, ",");
        put_json_num(R, P.cost[(size_t)j * P.k + k] - P.cost[(size_t)j * P.k + ref]);
        put(R, "]");
        first = 0;
      }
    }
    put(R, "]}</script>\n");
  }
  put(R, "</section>\n");

  /* Acceptability and EVPI. */
  put(R, "<section id=\"uncertainty\"><h2>%d Decision uncertainty</h2>\n", R->secno[PS_UNCERTAINTY]);
  long n_ceac = count_q(R, "SELECT COUNT(*) FROM cea_ceac WHERE ?1 = ?1", 0);
  if (n_ceac == 0) {
    put(R, "<p class=\"note\">No PSA, so no acceptability curves or EVPI.</p>\n");
  } else {
    put(R, "<figure><div class=\"chart\" id=\"chart-ceac\" data-chart=\"data-ceac\" role=\"img\" "
           "aria-label=\"Cost-effectiveness acceptability curves\"></div><figcaption><b>"
           "Cost-effectiveness acceptability curves</b> (CEAC): at each willingness to pay, the "
           "share of the %ld PSA samples in which a strategy has the highest net monetary "
           "benefit (WTP × QALYs − cost). Strategies differ by line dash, marker shape and "
           "colour. Thick grey band with black rings: the <b>acceptability frontier</b> "
           "(CEAF), the strategy with the highest <i>expected</i> net benefit.</figcaption>"
           "</figure>\n<script type=\"application/json\" id=\"data-ceac\">{\"type\":\"ceac\","
           "\"strategies\":[",
        P.n);
    for (int k = 0; k < n_s; k++) {
      put(R, "%s", k ? "," : "");
      put_json_str(R, s[k].name);
    }
    put(R, "],\"rows\":[");
    q = prepare(R, "SELECT wtp, strategy, probability, on_frontier FROM cea_ceac ORDER BY rowid");
    int first = 1;
    while (q && sqlite3_step(q) == SQLITE_ROW) {
      put(R, "%s[", first ? "" : ",");
      put_json_num(R, col_real(q, 0));
      put(R, ",%d,", pw_strat_index(s, n_s, col_text(q, 1)));
      put_json_num(R, col_real(q, 2));
      put(R, ",%d]", sqlite3_column_int(q, 3));
      first = 0;
    }
    sqlite3_finalize(q);
    put(R, "]}</script>\n");
    put(R, "<figure><div class=\"chart\" id=\"chart-evpi\" data-chart=\"data-evpi\" role=\"img\" "
           "aria-label=\"Expected value of perfect information\"></div><figcaption><b>Expected "
           "value of perfect information</b> per patient (€): E[max NMB] − max E[NMB] over the "
           "PSA samples, the most a decision maker should pay per patient to remove all "
           "parameter uncertainty. Marker shape: the strategy on the frontier at that "
           "willingness to pay.</figcaption></figure>\n<script type=\"application/json\" "
           "id=\"data-evpi\">{\"type\":\"evpi\",\"strategies\":[");
    for (int k = 0; k < n_s; k++) {
      put(R, "%s", k ? "," : "");
      put_json_str(R, s[k].name);
    }
    put(R, "],\"rows\":[");
    q = prepare(R, "SELECT wtp, evpi, best FROM cea_evpi ORDER BY rowid");
    first = 1;
    while (q && sqlite3_step(q) == SQLITE_ROW) {
      put(R, "%s[", first ? "" : ",");
      put_json_num(R, col_real(q, 0));
      put(R, ",");
      put_json_num(R, col_real(q, 1));
      put(R, ",%d]", pw_strat_index(s, n_s, col_text(q, 2)));
      first = 0;
    }
    sqlite3_finalize(q);
    put(R, "]}</script>\n");
  }
  put(R, "</section>\n");
  pw_psa_free(R, &P);
  return R->status;
}

#define TORNADO_SHOWN 15

static remit_status pw_section_tornado(report *R) {
  put(R, "<section id=\"tornado\"><h2>%d One-way sensitivity analysis</h2>\n", R->secno[PS_TORNADO]);
  sqlite3_stmt *q = prepare(R, "SELECT strategy, comparator, wtp, base_inmb, COUNT(*) FROM "
                               "cea_tornado GROUP BY strategy, comparator, wtp, base_inmb");
  char strat[128] = "", comp[128] = "", a[48], b[48];
  double wtp = NAN, base = NAN;
  long n = 0;
  if (q && sqlite3_step(q) == SQLITE_ROW) {
    snprintf(strat, sizeof strat, "%s", col_text(q, 0));
    snprintf(comp, sizeof comp, "%s", col_text(q, 1));
    wtp = col_real(q, 2);
    base = col_real(q, 3);
    n = sqlite3_column_int64(q, 4);
  }
  sqlite3_finalize(q);
  if (n == 0) {
    put(R, "<p class=\"note\">The store holds no one-way sensitivity analysis.</p>\n</section>\n");
    return R->status;
  }
  long moving = count_q(R, "SELECT COUNT(*) FROM cea_tornado WHERE inmb_low <> inmb_high "
                           "AND ?1 = ?1", 0);
  put(R, "<p>Each uncertain parameter of the economic table is set to the 2.5th and the 97.5th "
         "percentile of its PSA distribution, the others staying at their base values. The "
         "outcome is the <b>incremental net monetary benefit</b> (INMB = WTP × ΔQALY − Δcost) of "
         "<b>");
  put_html(R, strat);
  put(R, "</b> against <b>");
  put_html(R, comp);
  put(R, "</b> at %s/QALY; the base case gives %s (positive: ",
      fmt_eur(a, sizeof a, wtp), fmt_eur(b, sizeof b, base));
  put_html(R, strat);
  put(R, " is cost-effective at that threshold). %ld of %ld parameters move it; the chart shows "
         "the %d widest swings, the table all of them.</p>\n",
      moving, n, moving < TORNADO_SHOWN ? (int)moving : TORNADO_SHOWN);
  put(R, "<figure><div class=\"chart\" id=\"chart-tornado\" data-chart=\"data-tornado\" "
         "role=\"img\" aria-label=\"Tornado chart\"></div><figcaption><b>Tornado chart.</b> "
         "Each bar runs from the base-case INMB (vertical line) to the INMB with the parameter "
         "at its low (2.5 %%, light, dashed outline) or high (97.5 %%, dark, solid) value; the "
         "value used is written at the end of each bar. Widest swing first.</figcaption>"
         "</figure>\n<script type=\"application/json\" id=\"data-tornado\">{\"type\":\"tornado\","
         "\"strategy\":");
  put_json_str(R, strat);
  put(R, ",\"comparator\":");
  put_json_str(R, comp);
  put(R, ",\"wtp\":");
  put_json_num(R, wtp);
  put(R, ",\"base\":");
  put_json_num(R, base);
  put(R, ",\"rows\":[");
  static const char *const sql =
      "SELECT t.rank, t.param, t.low, t.high, t.inmb_low, t.inmb_high, t.icer_low, t.icer_high, "
      "COALESCE(e.unit, '') FROM cea_tornado t LEFT JOIN econ_params e ON e.name = t.param "
      "ORDER BY t.rank";
  q = prepare(R, sql);
  int first = 1, shown = 0;
  while (q && sqlite3_step(q) == SQLITE_ROW && shown < TORNADO_SHOWN) {
    if (col_real(q, 4) == col_real(q, 5)) {
      continue;
    }
    put(R, "%s[%d,", first ? "" : ",", sqlite3_column_int(q, 0));
    put_json_str(R, col_text(q, 1));
    for (int k = 2; k <= 5; k++) {
      put(R, ",");
      put_json_num(R, col_real(q, k));
    }
    put(R, ",");
    put_json_str(R, col_text(q, 8));
    put(R, "]");
    first = 0;
    shown++;
  }
  sqlite3_finalize(q);
  put(R, "]}</script>\n<details><summary>Every parameter: values, INMB and ICER at each end"
         "</summary><table class=\"compact\"><thead><tr><th>rank</th><th>parameter</th>"
         "<th>unit</th><th>low (2.5 %%)</th><th>high (97.5 %%)</th><th>INMB at low (€)</th>"
         "<th>INMB at high (€)</th><th>ICER at low (€/QALY)</th><th>ICER at high (€/QALY)</th>"
         "</tr></thead><tbody>\n");
  q = prepare(R, sql);
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    char c1[32], c2[32];
    put(R, "<tr><td>%d</td><td><code>", sqlite3_column_int(q, 0));
    put_html(R, col_text(q, 1));
    put(R, "</code></td><td>");
    put_html(R, col_text(q, 8));
    put(R, "</td><td>%s</td><td>%s</td><td>", fmt_num(c1, sizeof c1, col_real(q, 2)),
        fmt_num(c2, sizeof c2, col_real(q, 3)));
    for (int k = 4; k <= 7; k++) {
      put_money_ci(R, col_real(q, k), NULL);
      put(R, "</td>%s", k < 7 ? "<td>" : "");
    }
    put(R, "</tr>\n");
  }
  sqlite3_finalize(q);
  put(R, "</tbody></table></details>\n</section>\n");
  return R->status;
}

static void pw_section_cheers(report *R) {
  put(R, "<section id=\"cheers\"><h2>%d CHEERS 2022 checklist</h2>\n<p>The Consolidated Health "
         "Economic Evaluation Reporting Standards 2022 (Husereau et al., BMJ 2022;376:e067975): "
         "where this run reports each item, as stored in its table <code>cheers</code>.</p>\n", R->secno[PS_CHEERS]);
  if (!table_exists(R, "cheers")) {
    put(R, "<p class=\"note\">The store has no <code>cheers</code> table.</p>\n</section>\n");
    return;
  }
  put(R, "<table><thead><tr><th>item</th><th>topic</th><th>reported</th></tr></thead><tbody>\n");
  sqlite3_stmt *q = prepare(R, "SELECT item, topic, text FROM cheers ORDER BY item, rowid");
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    put(R, "<tr><td>%d</td><td>", sqlite3_column_int(q, 0));
    put_html(R, col_text(q, 1));
    put(R, "</td><td>");
    put_html(R, col_text(q, 2));
    put(R, "</td></tr>\n");
  }
  sqlite3_finalize(q);
  put(R, "</tbody></table>\n</section>\n");
}

static void pw_section_appendix(report *R, int has_cea) {
  char a[32], b[32], c[32], d[32], threads[32];
  run_get(R, "threads", threads, sizeof threads);
  put(R, "<section id=\"appendix\"><h2>Appendix</h2>\n");
  if (has_cea) {
    put(R, "<details><summary>Representative patients: the SLE model's 12-month outcomes per "
           "strategy</summary><table class=\"compact\"><thead><tr><th>strategy</th><th>kind</th>"
           "<th>arm</th><th>SLEDAI-2K in remission range at 12 months (%%)</th><th>CRS or ICANS "
           "reaching the ICU grade (%%)</th></tr></thead><tbody>\n");
    sqlite3_stmt *q = prepare(R, "SELECT strategy, kind, arm, remission_m12, icu_share FROM "
                                 "cea_strategies ORDER BY rowid");
    while (q && sqlite3_step(q) == SQLITE_ROW) {
      put(R, "<tr><td>");
      put_html(R, col_text(q, 0));
      put(R, "</td><td>");
      put_html(R, col_text(q, 1));
      put(R, "</td><td>");
      put_html(R, col_text(q, 2));
      put(R, "</td><td>%.1f</td><td>%.1f</td></tr>\n", 100 * col_real(q, 3), 100 * col_real(q, 4));
    }
    sqlite3_finalize(q);
    put(R, "</tbody></table></details>\n");
  }
  put(R, "<details><summary>Economic parameter table used (base value, unit, PSA distribution "
         "and spread, tornado range, source)</summary><table class=\"compact\"><thead><tr>"
         "<th>name</th><th>base</th><th>unit</th><th>PSA distribution</th><th>SE or sdlog</th>"
         "<th>tornado low</th><th>tornado high</th><th>source</th></tr></thead><tbody>\n");
  sqlite3_stmt *q = prepare(R, "SELECT name, base, unit, dist, se, low, high, source FROM "
                               "econ_params ORDER BY rowid");
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    put(R, "<tr><td><code>");
    put_html(R, col_text(q, 0));
    put(R, "</code></td><td>%s</td><td>", fmt_num(a, sizeof a, col_real(q, 1)));
    put_html(R, col_text(q, 2));
    put(R, "</td><td>");
    put_html(R, col_text(q, 3));
    put(R, "</td><td>%s</td><td>%s</td><td>%s</td><td>", fmt_num(b, sizeof b, col_real(q, 4)),
        fmt_num(c, sizeof c, col_real(q, 5)), fmt_num(d, sizeof d, col_real(q, 6)));
    put_html(R, col_text(q, 7));
    put(R, "</td></tr>\n");
  }
  sqlite3_finalize(q);
  put(R, "</tbody></table></details>\n");
  static const char *const texts[2][2] = {{"scenario_text", "Pathway scenario file, verbatim"},
                                          {"patients_scenario_text",
                                           "Patients' trial scenario file, verbatim"}};
  for (int k = 0; k < 2; k++) {
    char *text = run_get_alloc(R, texts[k][0]);
    if (text) {
      put(R, "<details><summary>%s</summary><pre>", texts[k][1]);
      put_html(R, text);
      put(R, "</pre></details>\n");
      remit__free(R->ctx, text);
    }
  }
  put(R, "<p class=\"meta\">Run times: representative patients %s s, pathway %s s, PSA %s s, "
         "tornado %s s (%s thread(s)). Made with <code>remit report RUN.db -o report.html</code>. "
         "Charts: Vega-Lite, Vega and vega-embed (BSD-3-Clause), inlined below with their "
         "licences.</p>\n</section>\n",
      fmt_num(a, sizeof a, run_num(R, "seconds_patients")),
      fmt_num(b, sizeof b, run_num(R, "seconds_pathway")),
      fmt_num(c, sizeof c, run_num(R, "seconds_psa")),
      fmt_num(d, sizeof d, run_num(R, "seconds_tornado")), threads);
}

/* Opens another pathway store read-only for the comparison; NULL (and an
 * error on the context) when it is not one. */
static sqlite3 *pw_open_other(report *R, const char *path) {
  if (!is_file(path)) {
    R->status = REMIT_ERROR(R->ctx, REMIT_ERR_NOT_FOUND, "%s: no such run store", path);
    return NULL;
  }
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    R->status = REMIT_ERROR(R->ctx, REMIT_ERR_IO, "cannot open %s", path);
    sqlite3_close(db);
    return NULL;
  }
  sqlite3_stmt *q = NULL;
  int ok = sqlite3_prepare_v2(db, "SELECT value FROM run WHERE key = 'kind'", -1, &q, NULL) ==
               SQLITE_OK &&
           sqlite3_step(q) == SQLITE_ROW && strcmp(col_text(q, 0), "pathway") == 0;
  sqlite3_finalize(q);
  if (!ok) {
    R->status = REMIT_ERROR(R->ctx, REMIT_ERR_ARG,
                            "%s is not a remit pathway store (only pathway stores can be compared)",
                            path);
    sqlite3_close(db);
    return NULL;
  }
  return db;
}

/* One row of the scenario comparison, read from R->db. */
static void pw_compare_row(report *R, const char *path, int idx, int *first, char *html,
                           size_t html_len, size_t *hl) {
  char name[256] = "", a[32], b[32], c[32], d[32];
  run_get(R, "name", name, sizeof name);
  char name_h[768], path_h[1024];
  html_escape_to(name_h, sizeof name_h, name);
  html_escape_to(path_h, sizeof path_h, path);
  int has_pw = table_exists(R, "pathway_summary");
  double v[8] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
  static const char *const keys[8] = {"wait_days_p10", "wait_days_median", "wait_days_p90",
                                      "v2v_days_p10",  "v2v_days_median",  "v2v_days_p90",
                                      "treated_per_year", "referred"};
  for (int k = 0; has_pw && k < 8; k++) {
    v[k] = pw_metric(R, keys[k]);
  }
  long centres = has_pw ? count_q(R, "SELECT COUNT(DISTINCT centre) FROM pathway_centre_year "
                                     "WHERE ?1 = ?1", 0)
                        : 0;
  long dropped = has_pw ? count_q(R, "SELECT COALESCE(SUM(n), 0) FROM pathway_dropouts WHERE "
                                     "reason <> 'waiting_at_horizon' AND ?1 = ?1", 0)
                        : 0;
  *hl += (size_t)snprintf(html + *hl, html_len - *hl,
                          "<tr><td><b>%s</b>%s<br><code>%s</code></td><td>%ld</td><td>%s</td>"
                          "<td>%s <span class=\"ci\">[%s, %s]</span></td>",
                          name_h, idx == 0 ? " (this report)" : "", path_h, centres,
                          fmt_num(a, sizeof a, v[6]), fmt_num(b, sizeof b, v[1]),
                          fmt_num(c, sizeof c, v[0]), fmt_num(d, sizeof d, v[2]));
  *hl += (size_t)snprintf(html + *hl, html_len - *hl,
                          "<td>%s <span class=\"ci\">[%s, %s]</span></td><td>%.1f</td><td>",
                          fmt_num(b, sizeof b, v[4]), fmt_num(c, sizeof c, v[3]),
                          fmt_num(d, sizeof d, v[5]), v[7] > 0 ? 100.0 * dropped / v[7] : NAN);
  sqlite3_stmt *q = table_exists(R, "cea_icers")
                        ? prepare(R, "SELECT strategy, icer, status, COALESCE(compared_to, ''), "
                                     "cost, qaly FROM cea_icers WHERE analysis = 'deterministic' "
                                     "ORDER BY rowid")
                        : NULL;
  int nr = 0;
  while (q && sqlite3_step(q) == SQLITE_ROW && *hl + 400 < html_len) {
    char sn[256], cn[256], m[48], m2[48];
    html_escape_to(sn, sizeof sn, col_text(q, 0));
    html_escape_to(cn, sizeof cn, col_text(q, 3));
    const char *st = col_text(q, 2);
    *hl += (size_t)snprintf(html + *hl, html_len - *hl, "%s%s: %s, %.3f QALY", nr ? "<br>" : "",
                            sn, fmt_eur(m, sizeof m, col_real(q, 4)), col_real(q, 5));
    if (strcmp(st, "frontier") == 0) {
      *hl += (size_t)snprintf(html + *hl, html_len - *hl, ", ICER %s/QALY vs %s",
                              fmt_eur(m2, sizeof m2, col_real(q, 1)), cn);
    } else if (strcmp(st, "reference") != 0) {
      *hl += (size_t)snprintf(html + *hl, html_len - *hl, ", %s", st);
    }
    nr++;
  }
  sqlite3_finalize(q);
  *hl += (size_t)snprintf(html + *hl, html_len - *hl, "%s</td></tr>\n", nr ? "" : "no CEA");
  for (int m = 0; has_pw && m < 2; m++) {
    if (!isfinite(v[3 * m + 1])) {
      continue;
    }
    put(R, "%s[", *first ? "" : ",");
    put_json_str(R, name);
    put(R, ",%d,", m);
    put_json_num(R, v[3 * m]);
    put(R, ",");
    put_json_num(R, v[3 * m + 1]);
    put(R, ",");
    put_json_num(R, v[3 * m + 2]);
    put(R, "]");
    *first = 0;
  }
}

static remit_status pw_section_compare(report *R) {
  if (R->n_compare <= 0) {
    return R->status;
  }
  put(R, "<section id=\"comparison\"><h2>%d Scenario comparison</h2>\n<p>This run against %d "
         "other pathway run%s given on the command line. Waiting and vein-to-vein times: median "
         "with the 10th and 90th percentiles over treated patients; dropouts: patients who left "
         "before infusion (not counting those still waiting at the horizon) as a share of "
         "referred patients; cost-effectiveness: the deterministic base case.</p>\n"
         "<figure><div class=\"chart\" id=\"chart-compare\" data-chart=\"data-compare\" "
         "role=\"img\" aria-label=\"Waiting times by scenario\"></div><figcaption><b>Waiting "
         "times by scenario.</b> Marker: median (circle: referral to infusion; square: vein to "
         "vein); line: 10th to 90th percentile.</figcaption></figure>\n"
         "<script type=\"application/json\" id=\"data-compare\">{\"type\":\"compare\",\"rows\":[", R->secno[PS_COMPARE],
      R->n_compare, R->n_compare == 1 ? "" : "s");
  size_t cap = 16384 * (size_t)(R->n_compare + 1), hl = 0;
  char *html = remit__malloc(R->ctx, cap);
  if (!html) {
    return REMIT_ERR_NOMEM;
  }
  html[0] = '\0';
  int first = 1;
  pw_compare_row(R, R->db_path, 0, &first, html, cap, &hl);
  sqlite3 *own = R->db;
  for (int k = 0; k < R->n_compare && R->status == REMIT_OK; k++) {
    sqlite3 *db = pw_open_other(R, R->compare[k]);
    if (!db) {
      break;
    }
    R->db = db;
    pw_compare_row(R, R->compare[k], k + 1, &first, html, cap, &hl);
    R->db = own;
    sqlite3_close(db);
  }
  R->db = own;
  put(R, "]}</script>\n<table><thead><tr><th>scenario (store)</th><th>centres</th><th>treated "
         "a year</th><th>waiting, days: median [P10, P90]</th><th>vein to vein, days: median "
         "[P10, P90]</th><th>dropouts (%% of referred)</th><th>strategies: cost, QALYs, ICER"
         "</th></tr></thead><tbody>\n%s</tbody></table>\n</section>\n",
      html);
  remit__free(R->ctx, html);
  return R->status;
}

/* Opens HTML.partial for writing (renamed to HTML when the report is whole). */
static remit_status open_partial(report *R, const char *html_path, char **partial) {
  size_t n = strlen(html_path) + 9;
  *partial = remit__malloc(R->ctx, n);
  if (!*partial) {
    return REMIT_ERR_NOMEM;
  }
  snprintf(*partial, n, "%s.partial", html_path);
  R->out = fopen(*partial, "wb");
  if (!R->out) {
    return REMIT_ERROR(R->ctx, REMIT_ERR_IO, "cannot write %s: %s", html_path, strerror(errno));
  }
  return REMIT_OK;
}

/* The report of a `remit validate` store: its provenance and the forest plot. */
static remit_status validation_report(report *R) {
  char version[128] = "", targets[1024] = "", map[1024] = "", prov[1024] = "";
  const char *keys[] = {"remit_version", "targets", "map", "provenance"};
  char *vals[] = {version, targets, map, prov};
  size_t lens[] = {sizeof version, sizeof targets, sizeof map, sizeof prov};
  sqlite3_stmt *q = prepare(R, "SELECT value FROM validation_run WHERE key = ?1");
  for (int k = 0; q && k < 4; k++) {
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, keys[k], -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0)) {
      snprintf(vals[k], lens[k], "%s", (const char *)sqlite3_column_text(q, 0));
    }
  }
  sqlite3_finalize(q);
  put_page_start(R, version, "Validation against published trials", "remit validate");
  put(R, " (a <code>remit validate</code> store): targets <code>");
  put_html(R, targets);
  put(R, "</code>, map <code>");
  put_html(R, map);
  put(R, "</code>; ");
  put_html(R, prov);
  put(R, ".</p>\n<p class=\"meta\">Each published number against the distribution of the "
         "same statistic over replicate virtual trials of the published design and size "
         "(docs/validation.md). Each chart's menu (<b>&hellip;</b>) saves it as SVG or PNG.</p>"
         "\n<nav><a href=\"#validation\">Validation</a></nav></header>\n");
  remit_status st = R->status;
  return st == REMIT_OK ? section_validation(R) : st;
}

static remit_status pathway_report(report *R) {
  int has_pw = table_exists(R, "pathway_summary");
  int has_cea = table_exists(R, "cea_strategies");
  char why[512];
  remit_pathway_scenario *sc = pw_load_scenario(R, why, sizeof why);
  pw_number_sections(R, has_pw, has_cea);
  pw_header(R, has_pw, has_cea);
  pw_section_scenario(R, sc, why, has_pw, has_cea);
  remit_pathway_destroy(&sc);
  remit_status st = R->status;
  if (st == REMIT_OK && has_pw) {
    st = pw_section_pathway(R);
  }
  if (st == REMIT_OK) {
    st = pw_section_compare(R);
  }
  if (st == REMIT_OK && has_cea) {
    st = pw_section_cea(R);
  }
  if (st == REMIT_OK && has_cea) {
    st = pw_section_tornado(R);
  }
  if (st == REMIT_OK) {
    pw_section_cheers(R);
    pw_section_appendix(R, has_cea);
    st = R->status;
  }
  return st;
}


/* ------------------------------------------------------------------------ */
/* Entry point                                                               */
/* ------------------------------------------------------------------------ */

/* Puts the arms in the scenario's order (the store lists them in the order
 * patients were first allocated, which randomisation decides). */
static void order_arms(report *R) {
  if (!R->sc) {
    return;
  }
  int next = 0;
  for (int k = 0; k < R->sc->n_arms; k++) {
    int a = arm_index(R, R->sc->arms[k].name);
    if (a >= next) {
      char *t = R->arms[next];
      R->arms[next] = R->arms[a];
      R->arms[a] = t;
      next++;
    }
  }
}

/* ------------------------------------------------------------------------ */

static remit_status open_store(report *R) {
  const char *p = R->db_path;
  size_t plen = strlen(p);
  int is_partial = plen >= 8 && strcmp(p + plen - 8, ".partial") == 0;
  if (!is_file(p)) {
    char partial[4200];
    snprintf(partial, sizeof partial, "%s.partial", p);
    if (!is_partial && is_file(partial)) {
      return REMIT_ERROR(R->ctx, REMIT_ERR_NOT_FOUND,
                         "%s does not exist, but %s does: the run is incomplete (resume it first)",
                         p, partial);
    }
    return REMIT_ERROR(R->ctx, REMIT_ERR_NOT_FOUND, "%s: no such run store", p);
  }
  int rc = sqlite3_open_v2(p, &R->db, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK) {
    return REMIT_ERROR(R->ctx, REMIT_ERR_IO, "cannot open %s: %s", p,
                       R->db ? sqlite3_errmsg(R->db) : sqlite3_errstr(rc));
  }
  sqlite3_stmt *q = NULL;
  rc = sqlite3_prepare_v2(R->db, "PRAGMA application_id", -1, &q, NULL);
  int app = 0;
  if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    app = sqlite3_column_int(q, 0);
    rc = SQLITE_OK;
  }
  sqlite3_finalize(q);
  if (rc == SQLITE_NOTADB) {
    return REMIT_ERROR(R->ctx, REMIT_ERR_ARG, "%s is not a remit run store (not an SQLite database)",
                       p);
  }
  if (rc != SQLITE_OK) {
    return REMIT_ERROR(R->ctx, REMIT_ERR_IO, "cannot read %s: %s", p, sqlite3_errmsg(R->db));
  }
  if (app != REPORT_APPLICATION_ID) {
    /* A `remit pathway` store: no application id, run.kind = 'pathway'.  It
     * is written as .partial and renamed, so an existing one is complete. */
    char kind[32] = "";
    if (table_exists(R, "run")) {
      run_get(R, "kind", kind, sizeof kind);
    }
    R->status = REMIT_OK;
    if (strcmp(kind, "pathway") == 0 &&
        (table_exists(R, "pathway_summary") || table_exists(R, "cea_strategies"))) {
      if (is_partial) {
        return REMIT_ERROR(R->ctx, REMIT_ERR_STATE,
                           "%s is an incomplete run (running or interrupted); run it again", p);
      }
      R->pathway = 1;
      return REMIT_OK;
    }
    if (table_exists(R, "validation") && table_exists(R, "validation_run")) {
      R->validation_only = 1; /* written by remit validate, complete when it exists */
      return REMIT_OK;
    }
    return REMIT_ERROR(R->ctx, REMIT_ERR_ARG, "%s is not a remit run store", p);
  }
  char status[32];
  if (!run_get(R, "status", status, sizeof status)) {
    return R->status != REMIT_OK ? R->status
                                 : REMIT_ERROR(R->ctx, REMIT_ERR_ARG, "%s: no run status", p);
  }
  if (strcmp(status, "complete") != 0 || is_partial) {
    return REMIT_ERROR(R->ctx, REMIT_ERR_STATE,
                       "%s is an incomplete run (running or interrupted); resume it first", p);
  }
  q = prepare(R, "SELECT arm FROM patients WHERE arm IS NOT NULL GROUP BY arm ORDER BY MIN(rowid)");
  while (q && sqlite3_step(q) == SQLITE_ROW && R->n_arms < MAX_ARMS) {
    const char *z = col_text(q, 0);
    size_t n = strlen(z);
    char *copy = remit__malloc(R->ctx, n + 1);
    if (!copy) {
      sqlite3_finalize(q);
      return REMIT_ERR_NOMEM;
    }
    memcpy(copy, z, n + 1);
    R->arms[R->n_arms++] = copy;
  }
  sqlite3_finalize(q);
  R->n_reps = (int)count_q(R, "SELECT COUNT(DISTINCT replicate) FROM patients WHERE ?1 = ?1", 0);
  return R->status;
}

remit_status remit_report_write(remit_context *ctx, const char *db_path, const char *html_path,
                                const remit_report_options *opt) {
  if (!ctx) {
    return REMIT_ERR_ARG;
  }
  if (!db_path || !html_path) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_report_write: db_path and html_path are required");
  }
  report R;
  memset(&R, 0, sizeof R);
  R.ctx = ctx;
  R.db_path = db_path;
  R.n_ind = opt && opt->n_individuals > 0 ? opt->n_individuals : DEFAULT_INDIVIDUALS;
  R.compare = opt ? opt->compare : NULL;
  R.n_compare = opt && opt->compare ? opt->n_compare : 0;
  R.spec = NULL;
  const char *js_dir = opt && opt->js_dir ? opt->js_dir : REMIT_VEGA_DIR;
  char paths[N_JS_LIBS][4096];
  char *js[N_JS_LIBS] = {NULL};
  size_t js_len[N_JS_LIBS] = {0};
  char *partial = NULL;
  remit_status st = REMIT_OK;
  /* The JavaScript first: without it the report could not draw a chart. */
  for (int k = 0; k < N_JS_LIBS && st == REMIT_OK; k++) {
    if (!js_path(js_dir, &js_libs[k], paths[k], sizeof paths[k])) {
      st = REMIT_ERROR(ctx, REMIT_ERR_NOT_FOUND,
                       "%s not found in %s (the charting library; run scripts/report-deps.sh, or "
                       "give its folder)",
                       js_libs[k].file, js_dir);
    } else {
      st = slurp(ctx, paths[k], &js[k], &js_len[k]);
    }
  }
  if (st == REMIT_OK) {
    st = open_store(&R);
  }
  if (st == REMIT_OK && R.n_compare > 0 && !R.pathway) {
    st = REMIT_ERROR(ctx, REMIT_ERR_ARG,
                     "%s is a trial store: only pathway stores can be compared", db_path);
  }
  if (st == REMIT_OK && (R.pathway || R.validation_only)) {
    st = open_partial(&R, html_path, &partial);
    if (st == REMIT_OK) {
      st = R.pathway ? pathway_report(&R) : validation_report(&R);
    }
    if (st == REMIT_OK) {
      st = put_scripts(&R, js, js_len, paths);
    }
  } else if (st == REMIT_OK) {
    char model[64];
    run_get(&R, "model", model, sizeof model);
    R.spec = strcmp(model, "reference") == 0 ? remit_spec_reference() : remit_spec_sle();
    char why[512];
    load_scenario(&R, html_path, why, sizeof why);
    order_arms(&R);
    st = open_partial(&R, html_path, &partial);
    if (st == REMIT_OK) {
      section_header(&R);
      section_scenario(&R, why);
      section_flow(&R);
      st = R.status;
    }
    if (st == REMIT_OK) {
      st = section_trajectories(&R);
    }
    if (st == REMIT_OK) {
      section_endpoints(&R);
      st = R.status != REMIT_OK ? R.status : section_km(&R);
    }
    if (st == REMIT_OK) {
      st = section_ae(&R);
    }
    if (st == REMIT_OK) {
      st = section_validation(&R);
    }
    if (st == REMIT_OK) {
      section_appendix(&R);
      st = R.status != REMIT_OK ? R.status : put_scripts(&R, js, js_len, paths);
    }
  }
  if (R.out) {
    int bad = ferror(R.out);
    bad = fclose(R.out) != 0 || bad;
    if (st == REMIT_OK && bad) {
      st = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot write %s: %s", html_path, strerror(errno));
    }
    if (st == REMIT_OK && rename(partial, html_path) != 0) {
      st = REMIT_ERROR(ctx, REMIT_ERR_IO, "cannot write %s: %s", html_path, strerror(errno));
    }
    if (st != REMIT_OK) {
      remove(partial);
    }
  }
  remit__free(ctx, partial);
  remit_scenario_destroy(&R.sc);
  for (int a = 0; a < R.n_arms; a++) {
    remit__free(ctx, R.arms[a]);
  }
  for (int k = 0; k < N_JS_LIBS; k++) {
    remit__free(ctx, js[k]);
  }
  sqlite3_close(R.db);
  return st;
}
