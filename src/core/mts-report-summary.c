/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-report-summary.c: totals of many TLS-RPT reports, kept without the reports themselves.
 *
 * A summary takes reports one at a time and keeps only counters, so that
 * a year of reports is summed up in the memory of its distinct days,
 * domains, reporters, result types and MX hosts, not of its reports.
 * Reports whose totals disagree with their failure details are counted,
 * and the first MTS_REPORT_SUMMARY_MAX_FLAGGED of them are named.
 */
#include "config.h"

#include <string.h>

#include "mts-report-summary.h"

struct _MtsReportSummary
{
  guint n_reports;
  gint64 successful;
  gint64 failed;
  GHashTable *by_day;           /* "YYYY-MM-DD" -> MtsReportCounts */
  GHashTable *by_policy_domain; /* domain -> MtsReportCounts */
  GHashTable *by_reporter;      /* organization-name -> MtsReportCounts */
  GHashTable *by_result_type;   /* result-type -> MtsReportCounts (failed only) */
  GHashTable *by_mx_host;       /* receiving-mx-hostname, "" if none -> MtsReportCounts (failed) */
  guint n_flagged;
  GPtrArray *flagged;           /* MtsReportFlagged, at most MTS_REPORT_SUMMARY_MAX_FLAGGED */
};

static void
flagged_free (MtsReportFlagged *flagged)
{
  g_free (flagged->file);
  g_free (flagged->organization);
  g_free (flagged->report_id);
  g_free (flagged);
}

static GHashTable *
counts_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

MtsReportSummary *
mts_report_summary_new (void)
{
  MtsReportSummary *summary = g_new0 (MtsReportSummary, 1);

  summary->by_day = counts_table ();
  summary->by_policy_domain = counts_table ();
  summary->by_reporter = counts_table ();
  summary->by_result_type = counts_table ();
  summary->by_mx_host = counts_table ();
  summary->flagged = g_ptr_array_new_with_free_func ((GDestroyNotify) flagged_free);
  return summary;
}

void
mts_report_summary_free (MtsReportSummary *summary)
{
  if (summary == NULL)
    return;
  g_hash_table_unref (summary->by_day);
  g_hash_table_unref (summary->by_policy_domain);
  g_hash_table_unref (summary->by_reporter);
  g_hash_table_unref (summary->by_result_type);
  g_hash_table_unref (summary->by_mx_host);
  g_ptr_array_unref (summary->flagged);
  g_free (summary);
}

static void
count (GHashTable *table,
       const char *key,
       gint64      successful,
       gint64      failed)
{
  MtsReportCounts *counts = g_hash_table_lookup (table, key);

  if (counts == NULL)
    {
      counts = g_new0 (MtsReportCounts, 1);
      g_hash_table_insert (table, g_strdup (key), counts);
    }
  counts->successful += successful;
  counts->failed += failed;
}

static void
flag (MtsReportSummary *summary,
      const MtsReport  *report,
      const char       *file)
{
  MtsReportFlagged *flagged;

  summary->n_flagged++;
  if (summary->flagged->len >= MTS_REPORT_SUMMARY_MAX_FLAGGED)
    return;
  flagged = g_new0 (MtsReportFlagged, 1);
  flagged->file = g_strdup (file);
  flagged->organization = g_strdup (report->organization);
  flagged->report_id = g_strdup (report->report_id);
  flagged->flags = report->flags;
  /* Only the policies that disagree, so that the two numbers point at
   * them and not at the whole report. */
  for (guint i = 0; i < report->policies->len; i++)
    {
      const MtsReportPolicy *policy = g_ptr_array_index (report->policies, i);

      if (!policy->summary_disagrees)
        continue;
      flagged->failed += policy->failed;
      for (guint j = 0; j < policy->failures->len; j++)
        flagged->failed_in_details +=
          ((const MtsReportFailure *) g_ptr_array_index (policy->failures, j))->failed_session_count;
    }
  g_ptr_array_add (summary->flagged, flagged);
}

/**
 * mts_report_summary_add:
 *
 * Adds one report; the summary keeps nothing of it but counts.  Sessions
 * come from each policy's summary; failures by result type and MX host
 * from its failure details (which may overlap, RFC 8460 §4).
 */
void
mts_report_summary_add (MtsReportSummary *summary,
                        const MtsReport  *report)
{
  mts_report_summary_add_from_file (summary, report, NULL);
}

/**
 * mts_report_summary_add_from_file:
 * @file: (nullable): where the report was read from, to name it if it
 *   is flagged
 *
 * Like mts_report_summary_add().
 */
void
mts_report_summary_add_from_file (MtsReportSummary *summary,
                                  const MtsReport  *report,
                                  const char       *file)
{
  g_autofree char *day = NULL;

  g_return_if_fail (summary != NULL);
  g_return_if_fail (report != NULL);

  day = mts_report_get_day (report);
  summary->n_reports++;
  if (report->flags & MTS_REPORT_FLAG_SUMMARY_DISAGREES)
    flag (summary, report, file);
  for (guint i = 0; i < report->policies->len; i++)
    {
      const MtsReportPolicy *policy = g_ptr_array_index (report->policies, i);

      summary->successful += policy->successful;
      summary->failed += policy->failed;
      count (summary->by_day, day, policy->successful, policy->failed);
      count (summary->by_policy_domain, policy->policy_domain, policy->successful, policy->failed);
      count (summary->by_reporter, report->organization, policy->successful, policy->failed);
      for (guint j = 0; j < policy->failures->len; j++)
        {
          const MtsReportFailure *failure = g_ptr_array_index (policy->failures, j);

          count (summary->by_result_type, failure->result_type, 0, failure->failed_session_count);
          count (summary->by_mx_host,
                 failure->receiving_mx_hostname != NULL ? failure->receiving_mx_hostname : "",
                 0, failure->failed_session_count);
        }
    }
}

guint
mts_report_summary_get_n_reports (const MtsReportSummary *summary)
{
  g_return_val_if_fail (summary != NULL, 0);
  return summary->n_reports;
}

gint64
mts_report_summary_get_successful (const MtsReportSummary *summary)
{
  g_return_val_if_fail (summary != NULL, 0);
  return summary->successful;
}

gint64
mts_report_summary_get_failed (const MtsReportSummary *summary)
{
  g_return_val_if_fail (summary != NULL, 0);
  return summary->failed;
}

/* Returns: how many reports have totals that disagree with their failure
 * details, all of them, also those beyond the list */
guint
mts_report_summary_get_n_flagged (const MtsReportSummary *summary)
{
  g_return_val_if_fail (summary != NULL, 0);
  return summary->n_flagged;
}

/**
 * mts_report_summary_get_flagged:
 *
 * Returns: (transfer none) (element-type MtsReportFlagged): the first
 *   MTS_REPORT_SUMMARY_MAX_FLAGGED of those reports, in the order added
 */
GPtrArray *
mts_report_summary_get_flagged (const MtsReportSummary *summary)
{
  g_return_val_if_fail (summary != NULL, NULL);
  return summary->flagged;
}

/**
 * mts_report_summary_get_by_day:
 *
 * Returns: (transfer none) (element-type utf8 MtsReportCounts): sessions
 *   per UTC day ("YYYY-MM-DD") of the reports' start
 */
GHashTable *
mts_report_summary_get_by_day (const MtsReportSummary *summary)
{
  g_return_val_if_fail (summary != NULL, NULL);
  return summary->by_day;
}

/* Returns: (transfer none): sessions per policy-domain */
GHashTable *
mts_report_summary_get_by_policy_domain (const MtsReportSummary *summary)
{
  g_return_val_if_fail (summary != NULL, NULL);
  return summary->by_policy_domain;
}

/* Returns: (transfer none): sessions per reporter (organization-name) */
GHashTable *
mts_report_summary_get_by_reporter (const MtsReportSummary *summary)
{
  g_return_val_if_fail (summary != NULL, NULL);
  return summary->by_reporter;
}

/* Returns: (transfer none): failed sessions (in .failed) per result-type */
GHashTable *
mts_report_summary_get_by_result_type (const MtsReportSummary *summary)
{
  g_return_val_if_fail (summary != NULL, NULL);
  return summary->by_result_type;
}

/* Returns: (transfer none): failed sessions (in .failed) per receiving MX
 * host; "" for failures the reporter did not name a host for */
GHashTable *
mts_report_summary_get_by_mx_host (const MtsReportSummary *summary)
{
  g_return_val_if_fail (summary != NULL, NULL);
  return summary->by_mx_host;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/**
 * mts_report_summary_sorted_keys:
 *
 * Returns: (transfer container) (element-type utf8): the keys of one of
 *   the tables, sorted (days in date order)
 */
GPtrArray *
mts_report_summary_sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (table != NULL, NULL);

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);
  return keys;
}

static void
add_table (JsonBuilder *builder,
           const char  *name,
           GHashTable  *table,
           gboolean     failed_only)
{
  g_autoptr(GPtrArray) keys = mts_report_summary_sorted_keys (table);

  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  for (guint i = 0; i < keys->len; i++)
    {
      const MtsReportCounts *counts = g_hash_table_lookup (table, keys->pdata[i]);

      json_builder_set_member_name (builder, keys->pdata[i]);
      if (failed_only)
        {
          json_builder_add_int_value (builder, counts->failed);
          continue;
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "successful");
      json_builder_add_int_value (builder, counts->successful);
      json_builder_set_member_name (builder, "failed");
      json_builder_add_int_value (builder, counts->failed);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

/**
 * mts_report_summary_to_json:
 *
 * Adds members to the object being built: "successful", "failed",
 * "by_result_type" {type: failed sessions}, "by_mx_host" {host: failed
 * sessions}, "by_policy_domain", "by_day" and "by_reporter" {key:
 * {"successful", "failed"}}; keys sorted.  Then "flagged_reports" (how
 * many reports disagree with themselves) and "flagged", the first of
 * them: [{"file" (null when not known), "organization", "report_id",
 * "flags" (every deviation, see mts_report_flags_to_strv()), "failed"
 * (sessions the totals say failed), "failed_in_details" (what the failure
 * details add up to)}].
 */
void
mts_report_summary_to_json (const MtsReportSummary *summary,
                            JsonBuilder            *builder)
{
  g_return_if_fail (summary != NULL);

  json_builder_set_member_name (builder, "successful");
  json_builder_add_int_value (builder, summary->successful);
  json_builder_set_member_name (builder, "failed");
  json_builder_add_int_value (builder, summary->failed);
  add_table (builder, "by_result_type", summary->by_result_type, TRUE);
  add_table (builder, "by_mx_host", summary->by_mx_host, TRUE);
  add_table (builder, "by_policy_domain", summary->by_policy_domain, FALSE);
  add_table (builder, "by_day", summary->by_day, FALSE);
  add_table (builder, "by_reporter", summary->by_reporter, FALSE);

  json_builder_set_member_name (builder, "flagged_reports");
  json_builder_add_int_value (builder, summary->n_flagged);
  json_builder_set_member_name (builder, "flagged");
  json_builder_begin_array (builder);
  for (guint i = 0; i < summary->flagged->len; i++)
    {
      const MtsReportFlagged *flagged = g_ptr_array_index (summary->flagged, i);
      g_auto(GStrv) flags = mts_report_flags_to_strv (flagged->flags);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      if (flagged->file != NULL)
        json_builder_add_string_value (builder, flagged->file);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "organization");
      json_builder_add_string_value (builder, flagged->organization);
      json_builder_set_member_name (builder, "report_id");
      json_builder_add_string_value (builder, flagged->report_id);
      json_builder_set_member_name (builder, "flags");
      json_builder_begin_array (builder);
      for (guint j = 0; flags[j] != NULL; j++)
        json_builder_add_string_value (builder, flags[j]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "failed");
      json_builder_add_int_value (builder, flagged->failed);
      json_builder_set_member_name (builder, "failed_in_details");
      json_builder_add_int_value (builder, flagged->failed_in_details);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}
