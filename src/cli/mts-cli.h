/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-cli.h: the mtasts command line. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes of every subcommand (issue #2). */
typedef enum
{
  MTS_EXIT_OK = 0,        /* all good */
  MTS_EXIT_PROBLEMS = 1,  /* ran, and found problems */
  MTS_EXIT_FAILURE = 2,   /* could not run: usage, I/O */
} MtsExitCode;

int mts_cli_run (int    argc,
                 char **argv);

G_END_DECLS
