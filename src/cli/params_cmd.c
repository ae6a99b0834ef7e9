/* SPDX-License-Identifier: MIT
 *
 * params_cmd.c: `remit params`: the model's parameter table (every number
 * the model uses, with unit, variability and source), and on request its
 * states, dosable inputs and readouts.
 */
#include <string.h>

#include "cli.h"

static void params_help(FILE *f) {
  fprintf(f,
          "usage: remit params [--model sle|reference] [--format table|csv|markdown]\n"
          "                    [--list params|inputs|states|readouts] [--set FILE]\n"
          "\n"
          "Prints the model's parameter table: name, value, unit, inter-individual\n"
          "variability (log-normal CV, 0 = none), admissible range and source (a\n"
          "citation, or 'calibrated' and on what).  --list inputs shows the therapies\n"
          "a regimen can dose and their units; states and readouts list the columns\n"
          "of `remit simulate`'s output.  --set FILE shows the table with the values of\n"
          "a parameter-set file (remit fit) and names the file as their source.\n");
}

/* CSV field: quoted, inner quotes doubled. */
static void csv_field(const char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"') {
      putchar('"');
    }
    putchar(*s);
  }
  putchar('"');
}

static void print_params(const remit_model_spec *spec, const char *format,
                         const remit_paramset *set, const char *set_path) {
  int csv = strcmp(format, "csv") == 0, md = strcmp(format, "markdown") == 0;
  if (csv) {
    printf("name,value,unit,cv,lower,upper,source\n");
  } else if (md) {
    printf("| name | value | unit | IIV CV | range | source |\n|---|---|---|---|---|---|\n");
  } else {
    printf("%-18s %12s  %-16s %6s  %s\n", "name", "value", "unit", "cv", "source");
  }
  char srcbuf[1024];
  for (int i = 0; i < spec->n_params; i++) {
    remit_param_info row = spec->params[i];
    const remit_param_info *p = &row;
    for (int k = 0; set && k < set->n; k++) {
      if (strcmp(set->names[k], row.name) == 0) {
        row.value = set->values[k];
        snprintf(srcbuf, sizeof srcbuf, "parameter set %s (table: %.10g, %s)", set_path,
                 spec->params[i].value, spec->params[i].source);
        row.source = srcbuf;
      }
    }
    if (csv) {
      printf("%s,%.10g,", p->name, p->value);
      csv_field(p->unit);
      printf(",%g,%.10g,%.10g,", p->cv, p->lower, p->upper);
      csv_field(p->source);
      putchar('\n');
    } else if (md) {
      printf("| %s | %.6g | %s | %g | [%g, %g] | %s |\n", p->name, p->value, p->unit, p->cv,
             p->lower, p->upper, p->source);
    } else {
      printf("%-18s %12.6g  %-16s %6.3g  %s\n", p->name, p->value, p->unit, p->cv, p->source);
    }
  }
}

static void print_vars(const remit_var_info *v, int n) {
  for (int i = 0; i < n; i++) {
    printf("%-22s %-14s %s\n", v[i].name, v[i].unit ? v[i].unit : "", v[i].doc ? v[i].doc : "");
  }
}

static void print_inputs(const remit_model_spec *spec) {
  static const char *scale[] = {"", " (per kg body weight)", " (per m2 body surface)"};
  for (int i = 0; i < spec->n_inputs; i++) {
    const remit_input *in = &spec->inputs[i];
    printf("%-18s %-10s %-6s %s%s\n", in->name, in->unit,
           in->kind == REMIT_INPUT_RATE ? "daily" : "bolus", in->doc ? in->doc : "",
           scale[in->scale]);
  }
}

int cmd_params(int argc, char **argv) {
  const char *model = "sle", *format = "table", *list = "params", *set_path = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      params_help(stdout);
      return CLI_OK;
    }
    if ((strcmp(a, "--model") == 0 || strcmp(a, "--format") == 0 || strcmp(a, "--list") == 0 ||
         strcmp(a, "--set") == 0)) {
      if (i + 1 >= argc) {
        return cli_usage_error("params", "%s needs a value", a);
      }
      const char *v = argv[++i];
      if (strcmp(a, "--set") == 0) {
        set_path = v;
      } else if (strcmp(a, "--model") == 0) {
        model = v;
      } else if (strcmp(a, "--format") == 0) {
        format = v;
      } else {
        list = v;
      }
      continue;
    }
    return cli_usage_error("params", "unknown option '%s' (try remit params --help)", a);
  }
  const remit_model_spec *spec = cli_model_by_name(model);
  if (!spec) {
    return cli_usage_error("params", "--model: unknown model '%s' (sle or reference)", model);
  }
  if (strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "markdown")) {
    return cli_usage_error("params", "--format: '%s' is not table, csv or markdown", format);
  }
  if (strcmp(list, "params") == 0) {
    remit_paramset *set = NULL;
    if (set_path) {
      remit_context *ctx = NULL;
      if (remit_context_create(NULL, &ctx) != REMIT_OK) {
        return CLI_FAIL;
      }
      if (remit_paramset_load(ctx, set_path, spec, &set) != REMIT_OK) {
        fprintf(stderr, "remit params: %s\n", remit_context_errmsg(ctx));
        remit_context_destroy(&ctx);
        return CLI_USAGE;
      }
      remit_context_destroy(&ctx);
    }
    print_params(spec, format, set, set_path);
    remit_paramset_destroy(&set);
  } else if (strcmp(list, "inputs") == 0) {
    print_inputs(spec);
  } else if (strcmp(list, "states") == 0) {
    print_vars(spec->states, spec->n_states);
  } else if (strcmp(list, "readouts") == 0) {
    print_vars(spec->readouts, spec->n_readouts);
  } else {
    return cli_usage_error("params", "--list: '%s' is not params, inputs, states or readouts",
                           list);
  }
  return CLI_OK;
}
