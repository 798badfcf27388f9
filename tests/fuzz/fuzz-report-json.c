/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-report-json.c: libFuzzer target for the TLS-RPT report JSON reader.
 *
 * Besides crashes and leaks, checks what must hold for every input: a
 * refusal has a report error with a readable message; an accepted report
 * has an organization, an id, UTC dates, counts that are never negative,
 * and its facts (what a project keeps) read back to the same facts.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/mts-report.h"
#include "core/mts-report-summary.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsReport) report = mts_report_parse ((const char *) data, size, &error);
  g_autoptr(MtsReportSummary) summary = NULL;
  g_autoptr(JsonObject) facts = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(MtsReport) again = NULL;
  g_autoptr(JsonObject) facts2 = NULL;
  g_autoptr(JsonNode) node2 = NULL;
  g_autofree char *day = NULL;

  if (report == NULL)
    {
      if (error == NULL || error->domain != MTS_REPORT_ERROR || error->message == NULL ||
          !g_utf8_validate (error->message, -1, NULL))
        abort ();
      return 0;
    }
  if (error != NULL || report->organization == NULL || report->report_id == NULL ||
      report->start == NULL || report->end == NULL ||
      g_date_time_get_utc_offset (report->start) != 0 ||
      !g_utf8_validate (report->organization, -1, NULL))
    abort ();
  for (guint i = 0; i < report->policies->len; i++)
    {
      const MtsReportPolicy *policy = g_ptr_array_index (report->policies, i);

      if (policy->successful < 0 || policy->failed < 0 || policy->policy_string == NULL ||
          policy->mx_host == NULL || policy->policy_domain == NULL)
        abort ();
      for (guint j = 0; j < policy->failures->len; j++)
        {
          const MtsReportFailure *failure = g_ptr_array_index (policy->failures, j);
          const char *meaning = NULL, *fix = NULL;

          if (failure->failed_session_count < 0 || failure->result_type == NULL)
            abort ();
          mts_report_result_type_describe (failure->result_type, &meaning, &fix);
          if (meaning == NULL || fix == NULL)
            abort ();
        }
    }

  day = mts_report_get_day (report);
  summary = mts_report_summary_new ();
  mts_report_summary_add (summary, report);
  if (mts_report_summary_get_successful (summary) != mts_report_get_successful (report) ||
      !g_hash_table_contains (mts_report_summary_get_by_day (summary), day) !=
        (report->policies->len == 0))
    abort ();
  /* A report is flagged exactly when its totals and details disagree. */
  if (mts_report_summary_get_n_flagged (summary) !=
        ((report->flags & MTS_REPORT_FLAG_SUMMARY_DISAGREES) ? 1u : 0u) ||
      mts_report_summary_get_flagged (summary)->len != mts_report_summary_get_n_flagged (summary))
    abort ();

  facts = mts_report_to_facts (report);
  node = json_node_init_object (json_node_alloc (), facts);
  again = mts_report_from_json (node, &error);
  if (again == NULL || again->flags != report->flags)
    abort ();
  facts2 = mts_report_to_facts (again);
  node2 = json_node_init_object (json_node_alloc (), facts2);
  if (!json_node_equal (node, node2))
    abort ();
  return 0;
}
