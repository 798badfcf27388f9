/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-report-import.h: TLS-RPT reports from files and folders (.json, .json.gz, mails, mbox, Maildir). */
#pragma once

#include <gio/gio.h>

#include "mts-report.h"
#include "mts-report-summary.h"

G_BEGIN_DECLS

/* A file (or a mail in an mbox) that gave no report, and why. */
typedef struct
{
  char *file;
  char *code;     /* stable: "report-gzip-too-large" (see mts_report_error_code()) */
  char *reason;   /* plain language, translated */
} MtsReportRejection;

/* A report for another domain than the one imported into. */
typedef struct
{
  char *file;
  char *domain;   /* the report's (first) policy-domain */
  char *organization;
  char *report_id;
} MtsReportElsewhere;

typedef struct
{
  guint files;           /* files read (an mbox counts once) */
  guint reports;         /* new reports for the domain (or all, without a domain) */
  guint duplicates;      /* reports seen before, by (organization, report-id) */
  GPtrArray *rejected;   /* MtsReportRejection */
  GPtrArray *elsewhere;  /* MtsReportElsewhere */
  GPtrArray *imported;   /* MtsReport; only with mts_report_import_set_keep_reports() */
} MtsReportImportResult;

/* Called on the caller's main context (async) or thread (sync). */
typedef void (*MtsReportImportProgressFunc) (guint    done,
                                             guint    total,
                                             gpointer user_data);

#define MTS_TYPE_REPORT_IMPORT (mts_report_import_get_type ())

G_DECLARE_FINAL_TYPE (MtsReportImport, mts_report_import, MTS, REPORT_IMPORT, GObject)

MtsReportImport       *mts_report_import_new               (void);
void                   mts_report_import_set_domain        (MtsReportImport            *self,
                                                            const char                 *domain);
void                   mts_report_import_set_keep_reports  (MtsReportImport            *self,
                                                            gboolean                    keep);
void                   mts_report_import_set_summary       (MtsReportImport            *self,
                                                            MtsReportSummary           *summary);
void                   mts_report_import_add_known         (MtsReportImport            *self,
                                                            const char                 *organization,
                                                            const char                 *report_id);
void                   mts_report_import_set_progress_func (MtsReportImport            *self,
                                                            MtsReportImportProgressFunc func,
                                                            gpointer                    user_data,
                                                            GDestroyNotify              destroy);

MtsReportImportResult *mts_report_import_run               (MtsReportImport            *self,
                                                            GPtrArray                  *files,
                                                            GCancellable               *cancellable,
                                                            GError                    **error);
void                   mts_report_import_run_async         (MtsReportImport            *self,
                                                            GPtrArray                  *files,
                                                            GCancellable               *cancellable,
                                                            GAsyncReadyCallback         callback,
                                                            gpointer                    user_data);
MtsReportImportResult *mts_report_import_run_finish        (MtsReportImport            *self,
                                                            GAsyncResult               *result,
                                                            GError                    **error);
void                   mts_report_import_data              (MtsReportImport            *self,
                                                            const char                 *name,
                                                            const char                 *data,
                                                            gsize                       length,
                                                            MtsReportImportResult      *result);

MtsReportImportResult *mts_report_import_result_new        (void);
void                   mts_report_import_result_free       (MtsReportImportResult      *result);
void                   mts_report_import_result_to_json    (const MtsReportImportResult *result,
                                                            JsonBuilder                *builder);

void                   mts_report_mime_init                (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsReportImportResult, mts_report_import_result_free)

G_END_DECLS
