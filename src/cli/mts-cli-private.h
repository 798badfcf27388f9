/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-cli-private.h: what the subcommands of mtasts share. */
#pragma once

#include "mts-cli.h"

G_BEGIN_DECLS

typedef struct
{
  /* One or two words, e.g. "check" or "policy check". */
  const char *name;
  /* The arguments after the name, for the usage line. */
  const char *synopsis;
  /* One line for the command list. */
  const char *summary;
  /* Paragraphs for "mtasts help NAME": options, output, exit codes. */
  const char *description;
  /* argv[0] is the command name; returns an MtsExitCode. */
  int (*run) (int argc, char **argv);
} MtsCliCommand;

/* The subcommands, one per mts-cli-NAME.c, listed in mts-cli.c. */
extern const MtsCliCommand mts_cli_policy_check_command;
extern const MtsCliCommand mts_cli_record_check_command;
extern const MtsCliCommand mts_cli_generate_command;

void  _mts_cli_print_command_help (const MtsCliCommand *command,
                                   FILE                *stream);
int   _mts_cli_usage_error        (const MtsCliCommand *command,
                                   const char          *format,
                                   ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
