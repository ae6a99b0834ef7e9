/* SPDX-License-Identifier: MIT
 *
 * pathway_cmd.c: `remit pathway SCENARIO.yaml -o RUN.db`: the care pathway
 * and the cost-effectiveness analysis a pathway scenario describes.
 */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void pathway_help(FILE *f) {
  fprintf(f,
          "usage: remit pathway SCENARIO.yaml -o RUN.db [--csv PSA.csv] [--overwrite]\n"
          "                     [--threads N] [--psa N] [--patients N] [--cheers] [--quiet]\n"
          "       remit pathway --params\n"
          "\n"
          "Simulates the care pathway a scenario describes (docs/pathway.md; examples\n"
          "scenarios/pathway/*.yaml): referral, eligibility, slots,\n"
          "apheresis, manufacturing, infusion, ICU, as a discrete-event simulation over\n"
          "calendar time, coupled to the SLE model; then costs, QALYs, ICERs with\n"
          "dominance, the PSA (CEAC, EVPI) and a tornado.  Writes a SQLite store (tables\n"
          "pathway_*, cea_*, econ_params, cheers) and prints a summary.\n"
          "  --csv FILE     also write the PSA as sample,strategy,cost,effect (dampack, hesim)\n"
          "  --psa N        PSA samples (overrides the scenario); --patients N: CEA patients\n"
          "  --threads N    worker threads (default: all cores); results do not depend on N\n"
          "  --cheers       print the CHEERS 2022 table of inputs and assumptions\n"
          "  --params       print the economic parameter table with sources and exit\n");
}

static volatile sig_atomic_t interrupted = 0;
static void on_sigint(int sig) {
  (void)sig;
  interrupted = 1;
}

static int progress(const char *stage, long done, long total, void *user) {
  int show = *(int *)user;
  if (show) {
    fprintf(stderr, "\rremit pathway: %-8s %ld / %ld   ", stage, done, total);
    if (done >= total || interrupted) {
      fputc('\n', stderr);
    }
    fflush(stderr);
  }
  return interrupted;
}

static int print_params(void) {
  int n;
  const remit_econ_param *t = remit_econ_params(&n);
  static const char *const dn[] = {"fixed", "beta", "gamma", "lognormal"};
  for (int i = 0; i < n; i++) {
    printf("%-22s %12.6g %-14s %-9s se %-9.4g %s\n", t[i].name, t[i].value, t[i].unit,
           dn[t[i].dist], t[i].se, t[i].source);
  }
  return CLI_OK;
}

int cmd_pathway(int argc, char **argv) {
  const char *scenario = NULL, *out = NULL, *csv = NULL;
  remit_pathway_options opt = {0};
  int quiet = 0, overwrite = 0, cheers = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      pathway_help(stdout);
      return CLI_OK;
    } else if (strcmp(a, "--params") == 0) {
      return print_params();
    } else if (strcmp(a, "--quiet") == 0) {
      quiet = 1;
    } else if (strcmp(a, "--overwrite") == 0) {
      overwrite = 1;
    } else if (strcmp(a, "--cheers") == 0) {
      cheers = 1;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 || strcmp(a, "--csv") == 0 ||
               strcmp(a, "--threads") == 0 || strcmp(a, "--psa") == 0 ||
               strcmp(a, "--patients") == 0) {
      if (i + 1 >= argc) {
        return cli_usage_error("pathway", "%s needs a value", a);
      }
      const char *v = argv[++i];
      if (strcmp(a, "--csv") == 0) {
        csv = v;
      } else if (a[1] == 'o' || strcmp(a, "--output") == 0) {
        out = v;
      } else {
        int x;
        if (cli_parse_int("pathway", a, v, &x) != 0) {
          return CLI_USAGE;
        }
        int hi = strcmp(a, "--threads") == 0 ? 1024 : 10000000;
        if (x < 1 || x > hi) {
          return cli_usage_error("pathway", "%s: %d is not between 1 and %d", a, x, hi);
        }
        if (strcmp(a, "--threads") == 0) {
          opt.threads = x;
        } else if (strcmp(a, "--psa") == 0) {
          opt.psa_samples = x;
        } else {
          opt.cea_patients = x;
        }
      }
    } else if (a[0] == '-') {
      return cli_usage_error("pathway", "unknown option '%s' (try remit pathway --help)", a);
    } else if (!scenario) {
      scenario = a;
    } else {
      return cli_usage_error("pathway", "one scenario file at a time ('%s' is extra)", a);
    }
  }
  if (!scenario || !out) {
    return cli_usage_error("pathway", "need SCENARIO.yaml and -o RUN.db (try remit pathway --help)");
  }
  if (!overwrite && access(out, F_OK) == 0) {
    return cli_usage_error("pathway", "%s exists (use --overwrite to replace it)", out);
  }
  int show = !quiet && isatty(fileno(stderr));
  opt.progress = progress;
  opt.progress_user = &show;
  signal(SIGINT, on_sigint);
  signal(SIGTERM, on_sigint);
  remit_context *ctx = NULL;
  if (remit_context_create(NULL, &ctx) != REMIT_OK) {
    fprintf(stderr, "remit pathway: out of memory\n");
    return CLI_FAIL;
  }
  remit_pathway_scenario *sc = NULL;
  remit_pathway_result *res = NULL;
  int rc = CLI_OK;
  remit_status st = remit_pathway_load(ctx, scenario, &sc);
  if (st != REMIT_OK) {
    fprintf(stderr, "remit pathway: %s\n", remit_context_errmsg(ctx));
    rc = st == REMIT_ERR_NOMEM ? CLI_FAIL : CLI_USAGE;
  }
  if (rc == CLI_OK && (st = remit_pathway_run(ctx, sc, &opt, &res)) != REMIT_OK) {
    fprintf(stderr, "remit pathway: %s\n", remit_context_errmsg(ctx));
    rc = st == REMIT_ERR_ARG ? CLI_USAGE : CLI_FAIL;
  }
  if (rc == CLI_OK && (st = remit_pathway_write(ctx, res, out, overwrite, csv)) != REMIT_OK) {
    fprintf(stderr, "remit pathway: %s\n", remit_context_errmsg(ctx));
    rc = CLI_FAIL;
  }
  if (rc == CLI_OK && !quiet) {
    remit_pathway_print_summary(ctx, res, stdout);
  }
  if (rc == CLI_OK && cheers) {
    printf("\n");
    remit_pathway_print_cheers(ctx, res, stdout);
  }
  remit_pathway_result_destroy(&res);
  remit_pathway_destroy(&sc);
  remit_context_destroy(&ctx);
  return rc;
}
