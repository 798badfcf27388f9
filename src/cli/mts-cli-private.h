/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-cli-private.h: what the subcommands of mtasts share. */
#pragma once

#include <json-glib/json-glib.h>
#include <stdio.h>

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
extern const MtsCliCommand mts_cli_check_command;
extern const MtsCliCommand mts_cli_probe_command;
extern const MtsCliCommand mts_cli_policy_check_command;
extern const MtsCliCommand mts_cli_record_check_command;
extern const MtsCliCommand mts_cli_generate_command;
extern const MtsCliCommand mts_cli_report_command;
extern const MtsCliCommand mts_cli_import_command;
extern const MtsCliCommand mts_cli_status_command;

/* Options of a subcommand, for _mts_cli_parse_options(). */
typedef enum
{
  MTS_CLI_OPTION_FLAG,      /* gboolean *: --json */
  MTS_CLI_OPTION_STRING,    /* char **: --ca-file FILE (the last one given wins) */
  MTS_CLI_OPTION_STRINGS,   /* GPtrArray * of char *: --mx HOST, repeatable */
  MTS_CLI_OPTION_UINT,      /* guint *: --timeout SECONDS, 1 to max */
} MtsCliOptionKind;

typedef struct
{
  const char *name;         /* "--json" */
  MtsCliOptionKind kind;
  gpointer value;
  guint max;                /* MTS_CLI_OPTION_UINT: the largest value accepted */
} MtsCliOption;

gboolean _mts_cli_parse_options   (const MtsCliCommand *command,
                                   const MtsCliOption  *options,
                                   gsize                n_options,
                                   int                  argc,
                                   char               **argv,
                                   GPtrArray           *positional,
                                   int                 *exit_code);
void  _mts_cli_print_json         (JsonBuilder         *builder);

void  _mts_cli_print_command_help (const MtsCliCommand *command,
                                   FILE                *stream);
int   _mts_cli_usage_error        (const MtsCliCommand *command,
                                   const char          *format,
                                   ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
