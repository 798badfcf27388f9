/* SPDX-License-Identifier: GPL-3.0-or-later */
/* project-writer.c: saves one project file in a loop, for test-project's kill -9 and two-writer tests.
 *
 *   project-writer loop FILE COUNT
 *     Until the project holds COUNT reports: add report number n+1, set
 *     max_age to n+1, add an import event, save, print n+1.  So every state
 *     ever saved has max_age == revision == reports == import events, and a
 *     test that kills it at any moment can check the file holds one of them.
 *     "ready" comes first, once the project is read.
 *
 *   project-writer append FILE PREFIX COUNT
 *     Reads the project once, then COUNT times adds report PREFIX-i and an
 *     event and saves, merging whatever another writer saved meanwhile.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/mts-project.h"

#define LOOP_DOMAIN "kill.example"

static JsonObject *
make_facts (guint n)
{
  JsonObject *facts = json_object_new ();

  json_object_set_int_member (facts, "n", n);
  json_object_set_int_member (facts, "successful", 1000 + n);
  json_object_set_int_member (facts, "failed", n % 7);
  return facts;
}

static int
run_loop (GFile *file,
          guint  count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = mts_project_load (file, &error);

  if (project == NULL && g_error_matches (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      project = mts_project_new (LOOP_DOMAIN);
    }
  if (project == NULL)
    {
      fprintf (stderr, "load: %s\n", error->message);
      return 1;
    }

  /* Start-up is over: the test kills at random moments from here on. */
  printf ("ready\n");
  fflush (stdout);

  while (mts_project_get_n_reports (project) < count)
    {
      guint n = mts_project_get_n_reports (project) + 1;
      g_autofree char *report_id = g_strdup_printf ("r-%u", n);
      g_autofree char *text = g_strdup_printf ("import %u", n);
      g_autoptr(JsonObject) facts = make_facts (n);

      mts_project_add_report_facts (project, "org.example", report_id, facts);
      mts_project_set_max_age (project, n);
      mts_project_add_event (project, MTS_TIMELINE_IMPORT, NULL, text);
      if (!mts_project_save (project, file, &error))
        {
          fprintf (stderr, "save: %s\n", error->message);
          return 1;
        }
      printf ("%u\n", n);
      fflush (stdout);
    }
  return 0;
}

static int
run_append (GFile      *file,
            const char *prefix,
            guint       count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = mts_project_load (file, &error);

  if (project == NULL)
    {
      fprintf (stderr, "load: %s\n", error->message);
      return 1;
    }
  for (guint i = 1; i <= count; i++)
    {
      g_autofree char *report_id = g_strdup_printf ("%s-%u", prefix, i);
      g_autoptr(JsonObject) facts = make_facts (i);

      mts_project_add_report_facts (project, prefix, report_id, facts);
      mts_project_add_event (project, MTS_TIMELINE_IMPORT, NULL, report_id);
      if (!mts_project_save (project, file, &error))
        {
          fprintf (stderr, "save: %s\n", error->message);
          return 1;
        }
    }
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) file = NULL;

  if (argc == 4 && g_str_equal (argv[1], "loop"))
    {
      file = g_file_new_for_path (argv[2]);
      return run_loop (file, (guint) atoi (argv[3]));
    }
  if (argc == 5 && g_str_equal (argv[1], "append"))
    {
      file = g_file_new_for_path (argv[2]);
      return run_append (file, argv[3], (guint) atoi (argv[4]));
    }
  fprintf (stderr, "usage: %s loop FILE COUNT | append FILE PREFIX COUNT\n", argv[0]);
  return 2;
}
