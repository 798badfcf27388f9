/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: the mta-sts-wizard program. */
#include "mts-application.h"

int
main (int    argc,
      char **argv)
{
  return mts_application_main (argc, argv);
}
