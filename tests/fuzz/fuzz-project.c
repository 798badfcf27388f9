/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-project.c: libFuzzer target for the project file loader (mts_project_load_from_data).
 *
 * A project file is the one input the app reads back from disk, where any
 * program (or a half-written copy from a broken disk) may have changed it.
 * Besides crashes and leaks, checks what must hold for every input: a
 * refusal is a project error (corrupt or newer version) with a readable
 * message; whatever loads can be read through every getter, and its saved
 * text loads again and saves to the same text (nothing is lost or changed
 * by a second round).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mts-project.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_refusal (const GError *error)
{
  if (error == NULL || error->domain != MTS_PROJECT_ERROR ||
      (error->code != MTS_PROJECT_ERROR_CORRUPT && error->code != MTS_PROJECT_ERROR_NEWER_VERSION) ||
      error->message == NULL || error->message[0] == '\0' ||
      !g_utf8_validate (error->message, -1, NULL))
    abort ();
}

static void
check_strv (const char *const *strv)
{
  for (gsize i = 0; strv != NULL && strv[i] != NULL; i++)
    if (!g_utf8_validate (strv[i], -1, NULL))
      abort ();
}

/* Reads every part the wizard shows; the checks are what the UI relies on. */
static void
read_everything (MtsProject *project)
{
  const char *domain = mts_project_get_domain (project);
  const char *display_name = mts_project_get_display_name (project);
  GPtrArray *array;

  if (domain == NULL || !g_utf8_validate (domain, -1, NULL) ||
      display_name == NULL || !g_utf8_validate (display_name, -1, NULL))
    abort ();
  if (mts_project_state_to_string (mts_project_get_state (project)) == NULL)
    abort ();
  (void) mts_project_get_state_since (project);
  (void) mts_project_get_step (project);
  (void) mts_project_get_mode (project);
  (void) mts_project_get_max_age (project);
  (void) mts_project_get_current_id (project);
  (void) mts_project_get_last_audit (project);
  (void) mts_project_get_last_audit_time (project);
  check_strv (mts_project_get_mx_patterns (project));
  check_strv (mts_project_get_rua (project));
  for (guint i = 0; i < MTS_N_PUBLISHED; i++)
    (void) mts_project_get_published (project, (MtsPublished) i);

  array = mts_project_get_mx_hosts (project);
  for (guint i = 0; i < array->len; i++)
    {
      const MtsProjectMxHost *mx = g_ptr_array_index (array, i);

      if (mx->host == NULL)
        abort ();
    }

  array = mts_project_get_ids (project);
  for (guint i = 0; i < array->len; i++)
    {
      const MtsProjectId *id = g_ptr_array_index (array, i);

      if (id->id == NULL)
        abort ();
    }

  array = mts_project_get_timeline (project);
  for (guint i = 0; i < array->len; i++)
    {
      const MtsProjectEvent *event = g_ptr_array_index (array, i);

      if (mts_timeline_kind_to_string (event->kind) == NULL || event->text == NULL)
        abort ();
      /* The views word an event from its parameters: they are all there. */
      if (event->has_params && event->kind != MTS_TIMELINE_CREATED && event->kind != MTS_TIMELINE_IMPORT &&
          event->what == NULL)
        abort ();
      if (event->has_params && event->kind == MTS_TIMELINE_SWITCH && !event->seen_published &&
          event->new_id == NULL)
        abort ();
    }

  array = mts_project_get_reports (project);
  if (array->len != mts_project_get_n_reports (project))
    abort ();
  for (guint i = 0; i < array->len; i++)
    {
      const MtsProjectReport *report = g_ptr_array_index (array, i);

      /* The store finds reports by these two keys. */
      if (report->organization == NULL || report->report_id == NULL || report->facts == NULL ||
          mts_project_get_report_facts (project, report->organization,
                                        report->report_id) != report->facts)
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(MtsProject) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  gsize length = 0;
  gsize length_again = 0;

  project = mts_project_load_from_data ((const char *) data, size, &error);
  if (project == NULL)
    {
      check_refusal (error);
      return 0;
    }
  if (error != NULL)
    abort ();
  read_everything (project);

  text = mts_project_to_data (project, &length);
  if (text == NULL || strlen (text) != length || !g_utf8_validate (text, (gssize) length, NULL))
    abort ();
  again = mts_project_load_from_data (text, length, &error);
  if (again == NULL)
    abort ();
  text_again = mts_project_to_data (again, &length_again);
  if (length != length_again || memcmp (text, text_again, length) != 0)
    abort ();
  return 0;
}
