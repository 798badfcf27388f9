/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: the mtasts command. */
#include "mts-cli.h"

int
main (int    argc,
      char **argv)
{
  return mts_cli_run (argc, argv);
}
