/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-report-summary.h: totals of many TLS-RPT reports, kept without the reports themselves. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "mts-report.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 successful;
  gint64 failed;
} MtsReportCounts;

/* A report whose session totals disagree with its failure details.  Both
 * are kept (issue 6); the summary remembers which reports they were. */
typedef struct
{
  char *file;                 /* where it was read from; NULL when not known */
  char *organization;
  char *report_id;
  MtsReportFlags flags;       /* every deviation found in the report */
  gint64 failed;              /* failed sessions in the totals of the disagreeing policies */
  gint64 failed_in_details;   /* what their failure details add up to */
} MtsReportFlagged;

/* Only the first ones are kept, so that memory does not grow with the
 * number of reports; all of them are counted. */
#define MTS_REPORT_SUMMARY_MAX_FLAGGED 100

typedef struct _MtsReportSummary MtsReportSummary;

MtsReportSummary *mts_report_summary_new               (void);
void              mts_report_summary_free              (MtsReportSummary       *summary);
void              mts_report_summary_add               (MtsReportSummary       *summary,
                                                        const MtsReport        *report);
void              mts_report_summary_add_from_file     (MtsReportSummary       *summary,
                                                        const MtsReport        *report,
                                                        const char             *file);
guint             mts_report_summary_get_n_reports     (const MtsReportSummary *summary);
gint64            mts_report_summary_get_successful    (const MtsReportSummary *summary);
gint64            mts_report_summary_get_failed        (const MtsReportSummary *summary);
guint             mts_report_summary_get_n_flagged     (const MtsReportSummary *summary);
GPtrArray        *mts_report_summary_get_flagged       (const MtsReportSummary *summary);
GHashTable       *mts_report_summary_get_by_day        (const MtsReportSummary *summary);
GHashTable       *mts_report_summary_get_by_policy_domain (const MtsReportSummary *summary);
GHashTable       *mts_report_summary_get_by_reporter   (const MtsReportSummary *summary);
GHashTable       *mts_report_summary_get_by_result_type (const MtsReportSummary *summary);
GHashTable       *mts_report_summary_get_by_mx_host    (const MtsReportSummary *summary);
GPtrArray        *mts_report_summary_sorted_keys       (GHashTable             *table);
void              mts_report_summary_to_json           (const MtsReportSummary *summary,
                                                        JsonBuilder            *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsReportSummary, mts_report_summary_free)

G_END_DECLS
