/* SPDX-License-Identifier: MIT
 *
 * main.c: `remit`, the command-line tool.  Dispatches to one command.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void print_help(FILE *f) {
  fprintf(f,
          "remit %s: in silico trials of cell therapies in lupus\n"
          "\n"
          "usage: remit <command> [options]\n"
          "\n"
          "commands:\n"
          "  trial      run the in silico trial a scenario file describes; writes a\n"
          "             SQLite run store and prints the endpoint summary\n"
          "  export     write one table of a run store as CSV\n"
          "  report     write a self-contained HTML report of a run store (charts,\n"
          "             endpoint table, adverse events; opens offline in any browser)\n"
          "  simulate   simulate one patient under a therapy; writes every state and\n"
          "             readout per day as CSV and prints a summary\n"
          "  params     print the model's parameter table (value, unit, variability, source)\n"
          "  validate   compare simulated trials with published results (N of M inside\n"
          "             the 95 %% interval of replicate trials)\n"
          "  fit        estimate parameters from published results (nlopt, multi-start);\n"
          "             writes a parameter set\n"
          "  sensitivity  elasticities and Morris screening of the mapped endpoints\n"
          "  pathway    care pathway (queues, slots, vein-to-vein) and cost-effectiveness\n"
          "             (ICERs, PSA, acceptability, EVPI, tornado) of a pathway scenario\n"
          "\n"
          "  remit --help       this text;  remit <command> --help  the command's options\n"
          "  remit --version    version and build\n"
          "\n"
          "examples: remit trial scenarios/default.yaml -o run.db\n"
          "          remit simulate --therapy cart19 --dose 1e6 --days 730 -o patient.csv\n",
          remit_version());
}

int main(int argc, char **argv) {
  if (argc < 2) {
    print_help(stderr);
    return CLI_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    print_help(stdout);
    return CLI_OK;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
    printf("%s\n", remit_build_info());
    return CLI_OK;
  }
  if (strcmp(cmd, "simulate") == 0) {
    return cmd_simulate(argc - 1, argv + 1);
  }
  if (strcmp(cmd, "trial") == 0) {
    return cmd_trial(argc - 1, argv + 1);
  }
  if (strcmp(cmd, "export") == 0) {
    return cmd_export(argc - 1, argv + 1);
  }
  if (strcmp(cmd, "report") == 0) {
    return cmd_report(argc - 1, argv + 1);
  }
  if (strcmp(cmd, "params") == 0) {
    return cmd_params(argc - 1, argv + 1);
  }
  if (strcmp(cmd, "validate") == 0) {
    return cmd_validate(argc - 1, argv + 1);
  }
  if (strcmp(cmd, "fit") == 0) {
    return cmd_fit(argc - 1, argv + 1);
  }
  if (strcmp(cmd, "pathway") == 0) {
    return cmd_pathway(argc - 1, argv + 1);
  }
  if (strcmp(cmd, "sensitivity") == 0) {
    return cmd_sensitivity(argc - 1, argv + 1);
  }
  fprintf(stderr, "remit: unknown command '%s' (try remit --help)\n", cmd);
  return CLI_USAGE;
}
