/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-report-mime.c: libFuzzer target for the report importer: mails, mbox, gzip, JSON by content.
 *
 * Besides crashes and leaks, checks that every input is either imported or
 * rejected with a stable code and a readable reason, never silently
 * dropped as a file, and that reading the same bytes again is all
 * duplicates.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/mts-report-import.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(MtsReportImport) import = mts_report_import_new ();
  g_autoptr(MtsReportImportResult) result = mts_report_import_result_new ();
  g_autoptr(MtsReportImportResult) second = mts_report_import_result_new ();

  mts_report_import_set_keep_reports (import, TRUE);
  mts_report_import_data (import, "input", (const char *) data, size, result);
  if (result->files != 1 || result->imported->len != result->reports)
    abort ();
  for (guint i = 0; i < result->rejected->len; i++)
    {
      const MtsReportRejection *rejection = g_ptr_array_index (result->rejected, i);

      if (rejection->code == NULL || !g_str_has_prefix (rejection->code, "report-") ||
          rejection->reason == NULL || !g_utf8_validate (rejection->reason, -1, NULL))
        abort ();
    }

  /* Everything imported once is known the second time. */
  for (guint i = 0; i < result->imported->len; i++)
    {
      const MtsReport *report = g_ptr_array_index (result->imported, i);

      mts_report_import_add_known (import, report->organization, report->report_id);
    }
  mts_report_import_data (import, "input", (const char *) data, size, second);
  if (second->reports != 0 || second->duplicates != result->reports + result->duplicates)
    abort ();
  return 0;
}
