/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-cli-report.c: "mtasts report" and "mtasts import": TLS-RPT reports from files and folders. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "core/mts-domain.h"
#include "core/mts-project-store.h"
#include "core/mts-report-import.h"
#include "core/mts-report-summary.h"
#include "mts-cli-private.h"

static int run_report (int argc, char **argv);
static int run_import (int argc, char **argv);

const MtsCliCommand mts_cli_report_command = {
  "report", N_("[--json] PATH…"),
  N_("Sum up TLS reports (RFC 8460) from files, mails and folders"),
  N_("Reads the TLS reports in each PATH and prints their totals, without storing anything. "
     "A PATH is a report (.json or .json.gz), a saved mail (.eml) with the report attached, an "
     "mbox file, or a folder such as a Maildir, read with all its subfolders (names starting "
     "with a dot are skipped). What a file is comes from its content, not its name. A report "
     "seen twice (same organization and report-id) counts once.\n"
     "\n"
     "Options:\n"
     "  --json      print one JSON object instead of text\n"
     "\n"
     "Output: the number of reports, duplicates and rejected files (each with its reason), "
     "the successful and failed sessions, the reports whose totals disagree with their "
     "failure details (both are counted as the reporter wrote them), then failed sessions by "
     "result type, and sessions by policy domain, by day (the UTC day each report starts) "
     "and by reporter.\n"
     "\n"
     "JSON output: {\"files\", \"reports\", \"duplicates\", \"rejected\": [{\"file\", \"code\", "
     "\"reason\"}], \"other_domains\": [], \"successful\", \"failed\", \"by_result_type\": "
     "{TYPE: failed sessions}, \"by_mx_host\": {HOST: failed sessions}, \"by_policy_domain\", "
     "\"by_day\" (YYYY-MM-DD) and \"by_reporter\": {KEY: {\"successful\", \"failed\"}}, "
     "\"flagged_reports\" (how many reports disagree with their failure details), "
     "\"flagged\": [{\"file\", \"organization\", \"report_id\", \"flags\": [every deviation "
     "found: summary-disagrees, no-time-zone, unknown-result-type, policy-string-text, "
     "mx-host-form], \"failed\" (what the totals say), \"failed_in_details\" (what the "
     "failure details add up to)}] (the first 100)}. "
     "Rejection codes: report-not-json, report-wrong-shape, report-too-deep (JSON nested "
     "more than 64 levels), report-too-large (a file or part over 20 MB), "
     "report-gzip-too-large (expands past 50 MB), report-gzip-broken, report-not-found (a "
     "mail without a report), report-unreadable.\n"
     "\n"
     "Exit status: 0 when every file gave reports and no session failed, 1 when sessions "
     "failed or a file was rejected, 2 when the arguments are wrong."),
  run_report,
};

const MtsCliCommand mts_cli_import_command = {
  "import", N_("[--json] DOMAIN PATH…"),
  N_("Store TLS reports in a domain’s project"),
  N_("Reads the TLS reports in each PATH like “mtasts report” and keeps what they say in "
     "the project of DOMAIN (the file the wizard uses), creating it if needed. Only reports "
     "with a policy for DOMAIN are stored; reports for other domains are listed and left "
     "out. A report already stored is not stored again, so importing the same folder twice "
     "changes nothing.\n"
     "\n"
     "Options:\n"
     "  --json      print one JSON object instead of text\n"
     "\n"
     "Output: the number of reports stored, duplicates, rejected files with their reason, "
     "and files with reports for other domains.\n"
     "\n"
     "JSON output: {\"domain\", \"project\" (the file), \"files\", \"reports\" (newly stored), "
     "\"duplicates\", \"rejected\": [{\"file\", \"code\", \"reason\"}], \"other_domains\": "
     "[{\"file\", \"domain\", \"organization\", \"report_id\"}], \"stored\" (reports in the "
     "project now)}.\n"
     "\n"
     "Exit status: 0 when no file was rejected, also when some held reports for other domains "
     "(a shared mailbox has them; they are listed, not stored), 1 when a file was rejected "
     "(unreadable, or no valid report in it), 2 when the arguments are wrong or the project "
     "cannot be read or saved."),
  run_import,
};

/* The first column of the tables, in terminal columns: 32 for the name
 * and at least one space. */
#define KEY_COLUMN_WIDTH 33

static GPtrArray *
files_from_args (GPtrArray *args,
                 guint      first)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = first; i < args->len; i++)
    g_ptr_array_add (files, g_file_new_for_commandline_arg (args->pdata[i]));
  return files;
}

static void
print_result_text (const MtsReportImportResult *result)
{
  printf (g_dngettext (NULL, "%u report read", "%u reports read", result->reports),
          result->reports);
  printf (g_dngettext (NULL, ", %u duplicate", ", %u duplicates", result->duplicates),
          result->duplicates);
  printf (g_dngettext (NULL, ", %u file rejected.\n", ", %u files rejected.\n",
                       result->rejected->len),
          result->rejected->len);
  for (guint i = 0; i < result->rejected->len; i++)
    {
      const MtsReportRejection *rejection = g_ptr_array_index (result->rejected, i);

      printf ("%s: %s (%s)\n", rejection->file, rejection->reason, rejection->code);
    }
  for (guint i = 0; i < result->elsewhere->len; i++)
    {
      const MtsReportElsewhere *elsewhere = g_ptr_array_index (result->elsewhere, i);

      printf (_("%s: the report “%s” from %s is for %s, not stored.\n"), elsewhere->file,
              elsewhere->report_id, elsewhere->organization, elsewhere->domain);
    }
}

/* Columns on a terminal, not bytes: printf's "%-32s" pads "Müller" one
 * column short, and a wide (CJK) name by half its length. */
static guint
display_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

/* @text, then spaces up to @width columns (at least one space after it). */
static char *
pad_to_width (const char *text,
              guint       width)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  guint have = display_width (valid);
  GString *padded = g_string_new (valid);

  do
    g_string_append_c (padded, ' ');
  while (++have < width);
  return g_string_free (padded, FALSE);
}

/* What ngettext() needs to choose the plural form of a session count. */
static gulong
plural_n (gint64 n)
{
  return (gulong) CLAMP (n, 0, G_MAXINT);
}

static void
print_flagged (const MtsReportSummary *summary)
{
  GPtrArray *flagged = mts_report_summary_get_flagged (summary);
  guint n_flagged = mts_report_summary_get_n_flagged (summary);

  for (guint i = 0; i < flagged->len; i++)
    {
      const MtsReportFlagged *report = g_ptr_array_index (flagged, i);
      g_autofree char *totals = NULL;
      g_autofree char *details = NULL;

      /* Two policies off in opposite directions add up to equal sums. */
      if (report->failed == report->failed_in_details)
        {
          printf (_("Report “%s” from %s: its totals and its failure details disagree; "
                    "both are kept.\n"), report->report_id, report->organization);
          continue;
        }
      /* Translators: the first half of “Report “ID” from ORGANIZATION: its
       * totals say 397 failed sessions, its failure details add up to 394;
       * both are kept.” */
      totals = g_strdup_printf (g_dngettext (NULL, "its totals say %lld failed session",
                                             "its totals say %lld failed sessions",
                                             plural_n (report->failed)),
                                (long long) report->failed);
      /* Translators: the second half of the same sentence. */
      details = g_strdup_printf (g_dngettext (NULL, "its failure details add up to %lld",
                                              "its failure details add up to %lld",
                                              plural_n (report->failed_in_details)),
                                 (long long) report->failed_in_details);
      /* Translators: a report (ID) from a reporter (ORGANIZATION) whose
       * counts contradict each other; the two %s are the halves above.
       * Nothing is corrected: both numbers are kept as sent. */
      printf (_("Report “%s” from %s: %s, %s; both are kept.\n"), report->report_id,
              report->organization, totals, details);
    }
  if (n_flagged > flagged->len)
    printf (g_dngettext (NULL,
                         "… and %u more report whose totals disagree with its failure details.\n",
                         "… and %u more reports whose totals disagree with their failure details.\n",
                         n_flagged - flagged->len),
            n_flagged - flagged->len);
}

static void
print_table (const char *title,
             GHashTable *table,
             gboolean    failed_only)
{
  g_autoptr(GPtrArray) keys = mts_report_summary_sorted_keys (table);

  if (keys->len == 0)
    return;
  printf ("\n%s\n", title);
  for (guint i = 0; i < keys->len; i++)
    {
      const MtsReportCounts *counts = g_hash_table_lookup (table, keys->pdata[i]);
      const char *key = ((const char *) keys->pdata[i])[0] != '\0' ? keys->pdata[i] : _("(not named)");
      g_autofree char *padded = pad_to_width (key, KEY_COLUMN_WIDTH);

      if (failed_only)
        printf ("  %s%" G_GINT64_FORMAT "\n", padded, counts->failed);
      else
        {
          printf ("  %s", padded);
          /* Translators: sessions of one row of a table, after its name
           * (a day, a domain or a reporter). */
          printf (_("%lld successful, %lld failed\n"),
                  (long long) counts->successful, (long long) counts->failed);
        }
    }
}

static int
run_report (int    argc,
            char **argv)
{
  const MtsCliCommand *self = &mts_cli_report_command;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(MtsReportImport) import = NULL;
  g_autoptr(MtsReportSummary) summary = NULL;
  g_autoptr(MtsReportImportResult) result = NULL;
  gboolean json = FALSE;
  int exit_code = MTS_EXIT_OK;
  MtsCliOption options[] = {
    { "--json", MTS_CLI_OPTION_FLAG, &json, 0 },
  };

  if (!_mts_cli_parse_options (self, options, G_N_ELEMENTS (options), argc, argv, args, &exit_code))
    return exit_code;
  if (args->len == 0)
    return _mts_cli_usage_error (self, _("give at least one file or folder"));

  files = files_from_args (args, 0);
  import = mts_report_import_new ();
  summary = mts_report_summary_new ();
  mts_report_import_set_summary (import, summary);
  result = mts_report_import_run (import, files, NULL, NULL);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

      json_builder_begin_object (builder);
      mts_report_import_result_to_json (result, builder);
      mts_report_summary_to_json (summary, builder);
      json_builder_end_object (builder);
      _mts_cli_print_json (builder);
    }
  else
    {
      const char *meaning = NULL;
      g_autoptr(GPtrArray) types = mts_report_summary_sorted_keys (mts_report_summary_get_by_result_type (summary));

      print_result_text (result);
      printf (_("Sessions: %lld successful, %lld failed.\n"),
              (long long) mts_report_summary_get_successful (summary),
              (long long) mts_report_summary_get_failed (summary));
      print_flagged (summary);
      if (types->len > 0)
        {
          printf ("\n%s\n", _("Failed sessions by result type:"));
          for (guint i = 0; i < types->len; i++)
            {
              const MtsReportCounts *counts =
                g_hash_table_lookup (mts_report_summary_get_by_result_type (summary), types->pdata[i]);
              g_autofree char *padded = pad_to_width (types->pdata[i], KEY_COLUMN_WIDTH);

              mts_report_result_type_describe (types->pdata[i], &meaning, NULL);
              printf ("  %s%" G_GINT64_FORMAT "  %s\n", padded, counts->failed, meaning);
            }
        }
      print_table (_("Failed sessions by MX host:"), mts_report_summary_get_by_mx_host (summary), TRUE);
      print_table (_("By policy domain:"), mts_report_summary_get_by_policy_domain (summary), FALSE);
      print_table (_("By day (UTC):"), mts_report_summary_get_by_day (summary), FALSE);
      print_table (_("By reporter:"), mts_report_summary_get_by_reporter (summary), FALSE);
    }

  if (result->rejected->len > 0 || mts_report_summary_get_failed (summary) > 0)
    return MTS_EXIT_PROBLEMS;
  return MTS_EXIT_OK;
}

static int
run_import (int    argc,
            char **argv)
{
  const MtsCliCommand *self = &mts_cli_import_command;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(MtsProjectStore) store = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(MtsReportImport) import = NULL;
  g_autoptr(MtsReportImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *path = NULL;
  gboolean json = FALSE;
  int exit_code = MTS_EXIT_OK;
  GPtrArray *stored;
  guint added = 0;
  MtsCliOption options[] = {
    { "--json", MTS_CLI_OPTION_FLAG, &json, 0 },
  };

  if (!_mts_cli_parse_options (self, options, G_N_ELEMENTS (options), argc, argv, args, &exit_code))
    return exit_code;
  if (args->len < 2)
    return _mts_cli_usage_error (self, _("give the domain and at least one file or folder"));
  if (!mts_domain_normalize (args->pdata[0], &domain, NULL, &error))
    return _mts_cli_usage_error (self, "%s", error->message);

  directory = mts_project_store_get_default_directory ();
  store = mts_project_store_new (directory);
  project = mts_project_store_open (store, domain, &error);
  if (project == NULL && g_error_matches (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      project = mts_project_store_create (store, domain, &error);
    }
  if (project == NULL)
    {
      fprintf (stderr, "mtasts: %s\n", error->message);
      return MTS_EXIT_FAILURE;
    }

  import = mts_report_import_new ();
  mts_report_import_set_domain (import, domain);
  mts_report_import_set_keep_reports (import, TRUE);
  stored = mts_project_get_reports (project);
  for (guint i = 0; i < stored->len; i++)
    {
      const MtsProjectReport *report = g_ptr_array_index (stored, i);

      mts_report_import_add_known (import, report->organization, report->report_id);
    }
  files = files_from_args (args, 1);
  result = mts_report_import_run (import, files, NULL, NULL);

  for (guint i = 0; i < result->imported->len; i++)
    {
      const MtsReport *report = g_ptr_array_index (result->imported, i);
      g_autoptr(JsonObject) facts = mts_report_to_facts (report);

      if (mts_project_add_report_facts (project, report->organization, report->report_id, facts))
        added++;
    }
  /* Importing what is already there changes nothing, not even the
   * timeline.  (A new project was saved when it was created.) */
  if (added > 0)
    /* Not a sentence: the timeline words it in its reader's language (this
     * may run from cron in the C locale). */
    mts_project_add_import_event (project, NULL, added, result->duplicates, result->elsewhere->len,
                                  result->rejected->len);
  if (added > 0 && !mts_project_store_save (store, project, &error))
    {
      fprintf (stderr, "mtasts: %s\n", error->message);
      return MTS_EXIT_FAILURE;
    }
  result->reports = added;
  path = g_file_get_path (mts_project_get_file (project));

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "domain");
      json_builder_add_string_value (builder, domain);
      json_builder_set_member_name (builder, "project");
      json_builder_add_string_value (builder, path);
      mts_report_import_result_to_json (result, builder);
      json_builder_set_member_name (builder, "stored");
      json_builder_add_int_value (builder, mts_project_get_n_reports (project));
      json_builder_end_object (builder);
      _mts_cli_print_json (builder);
    }
  else
    {
      print_result_text (result);
      printf (_("The project of %s now holds %u reports (%s).\n"), domain,
              mts_project_get_n_reports (project), path);
    }

  /* Reports for other domains are no problem: a shared mailbox holds
   * them, and a cron job must not fail every night for them. */
  if (result->rejected->len > 0)
    return MTS_EXIT_PROBLEMS;
  return MTS_EXIT_OK;
}
