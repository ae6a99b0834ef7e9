/* SPDX-License-Identifier: MIT
 *
 * report_cmd.c: `remit report RUN.db -o report.html`, the self-contained HTML
 * report of a run (remit_report_write, include/remit/remit_report.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "remit/remit_report.h"

static void report_help(FILE *f) {
  fprintf(f,
          "usage: remit report RUN.db -o REPORT.html [--js-dir DIR] [--individuals N]\n"
          "       remit report PATHWAY.db [OTHER_PATHWAY.db ...] -o REPORT.html\n"
          "\n"
          "Writes one self-contained HTML report of a complete run (docs/report.md): the\n"
          "scenario in words, the patient flow, per-arm trajectories, the endpoint table,\n"
          "Kaplan-Meier curves, adverse events by grade and, when the store has them,\n"
          "validation results.  It opens offline in any browser; every chart can be saved\n"
          "as SVG or PNG from its menu.  Written as REPORT.html.partial, renamed when done.\n"
          "  --js-dir DIR      folder with vega, vega-lite and vega-embed (npm layout or the\n"
          "                    three .min.js files); default: $REMIT_VEGA_DIR, else the\n"
          "                    build's (scripts/report-deps.sh installs it)\n"
          "  --individuals N   individual patients drawn per arm over each band (default 5)\n"
          "A store of `remit pathway` gets the care-pathway and cost-effectiveness report\n"
          "(waiting times, throughput, utilisation, dropouts, ICERs, CE plane, CEAC, EVPI,\n"
          "tornado, CHEERS 2022); further pathway stores are compared with it.\n");
}

int cmd_report(int argc, char **argv) {
  const char *db = NULL, *out = NULL;
  remit_report_options opt = {0};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      report_help(stdout);
      return CLI_OK;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
      if (i + 1 >= argc) {
        return cli_usage_error("report", "%s needs a value", a);
      }
      out = argv[++i];
    } else if (strcmp(a, "--js-dir") == 0) {
      if (i + 1 >= argc) {
        return cli_usage_error("report", "%s needs a value", a);
      }
      opt.js_dir = argv[++i];
    } else if (strcmp(a, "--individuals") == 0) {
      if (i + 1 >= argc) {
        return cli_usage_error("report", "%s needs a value", a);
      }
      if (cli_parse_int("report", a, argv[++i], &opt.n_individuals) != 0) {
        return CLI_USAGE;
      }
      if (opt.n_individuals < 1 || opt.n_individuals > 100) {
        return cli_usage_error("report", "--individuals: %d is not between 1 and 100",
                               opt.n_individuals);
      }
    } else if (a[0] == '-') {
      return cli_usage_error("report", "unknown option '%s' (try remit report --help)", a);
    } else if (!db) {
      db = a;
    } else {
      /* Further stores: pathway scenarios to compare (checked by the library),
       * kept in argv slots already read (RUN.db took one, so 1 + n < i). */
      argv[1 + opt.n_compare++] = argv[i];
    }
  }
  if (!db || !out) {
    return cli_usage_error("report", "need RUN.db and -o REPORT.html (try remit report --help)");
  }
  /* The library never reads the environment; the tool does. */
  if (!opt.js_dir) {
    const char *env = getenv("REMIT_VEGA_DIR");
    if (env && env[0]) {
      opt.js_dir = env;
    }
  }
  remit_context *ctx = NULL;
  if (remit_context_create(NULL, &ctx) != REMIT_OK) {
    fprintf(stderr, "remit report: out of memory\n");
    return CLI_FAIL;
  }
  opt.compare = (const char *const *)(argv + 1);
  remit_status st = remit_report_write(ctx, db, out, &opt);
  int rc = CLI_OK;
  if (st != REMIT_OK) {
    fprintf(stderr, "remit report: %s\n", remit_context_errmsg(ctx));
    rc = (st == REMIT_ERR_IO || st == REMIT_ERR_NOMEM) ? CLI_FAIL : CLI_USAGE;
  } else {
    printf("report: %s\n", out);
  }
  remit_context_destroy(&ctx);
  return rc;
}
