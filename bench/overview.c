/* SPDX-License-Identifier: GPL-3.0-or-later */
/* overview.c: the measuring end of bench/overview.sh, core only.
 *
 *   overview RUNS DOMAIN...
 *
 * For each domain of the default project folder ($XDG_DATA_HOME), what the
 * welcome page's overview costs it: reading and parsing the project file
 * (mts_project_store_open, as the store's list does) and evaluating its
 * readiness (mts_readiness_evaluate), each the median of RUNS runs, in
 * milliseconds of CLOCK_MONOTONIC, one line per domain:
 *
 *   DOMAIN REPORTS LOAD-MS EVALUATE-MS
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/mts-project-store.h"
#include "core/mts-readiness.h"

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        int     count)
{
  qsort (values, count, sizeof *values, compare_doubles);
  return values[count / 2];
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
  g_autoptr(MtsProjectStore) store = mts_project_store_new (directory);
  MtsReadinessThresholds thresholds;
  int runs;

  if (argc < 3 || (runs = atoi (argv[1])) < 1)
    {
      fprintf (stderr, "usage: overview RUNS DOMAIN...\n");
      return 2;
    }
  mts_readiness_thresholds_init (&thresholds);

  for (int d = 2; d < argc; d++)
    {
      g_autofree double *load = g_new (double, runs);
      g_autofree double *evaluate = g_new (double, runs);
      guint reports = 0;

      for (int r = 0; r < runs; r++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(MtsProject) project = NULL;
          MtsReadiness *readiness;
          gint64 started = g_get_monotonic_time ();

          project = mts_project_store_open (store, argv[d], &error);
          if (project == NULL)
            {
              fprintf (stderr, "overview: %s: %s\n", argv[d], error->message);
              return 1;
            }
          load[r] = (g_get_monotonic_time () - started) / 1000.0;
          started = g_get_monotonic_time ();
          readiness = mts_readiness_evaluate (project, &thresholds, NULL);
          evaluate[r] = (g_get_monotonic_time () - started) / 1000.0;
          mts_readiness_free (readiness);
          reports = mts_project_get_reports (project)->len;
        }
      printf ("%s %u %.1f %.1f\n", argv[d], reports, median (load, runs), median (evaluate, runs));
    }
  return 0;
}
