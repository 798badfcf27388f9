/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-report.h: one TLS-RPT report (RFC 8460 §4), read tolerantly from a reporter's JSON. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define MTS_REPORT_ERROR (mts_report_error_quark ())

/* Why a file or a part was not imported.  The messages are plain language. */
typedef enum
{
  MTS_REPORT_ERROR_NOT_JSON,     /* "report-not-json" */
  MTS_REPORT_ERROR_WRONG_SHAPE,  /* "report-wrong-shape" */
  MTS_REPORT_ERROR_TOO_DEEP,     /* "report-too-deep" */
  MTS_REPORT_ERROR_TOO_LARGE,    /* "report-too-large" */
  MTS_REPORT_ERROR_GZIP_BOMB,    /* "report-gzip-too-large" */
  MTS_REPORT_ERROR_GZIP,         /* "report-gzip-broken" */
  MTS_REPORT_ERROR_NO_REPORT,    /* "report-not-found": a mail or file with no report */
  MTS_REPORT_ERROR_IO,           /* "report-unreadable" */
} MtsReportError;

/* Limits on what strangers send (issue 6): a larger part, a gzip stream
 * that expands further, or deeper JSON is refused for that file only. */
#define MTS_REPORT_MAX_PART_SIZE   ((gsize) 20 * 1024 * 1024)
#define MTS_REPORT_MAX_EXPANDED    ((gsize) 50 * 1024 * 1024)
#define MTS_REPORT_MAX_NESTING     64

typedef enum
{
  /* total-failure-session-count differs from the sum of failure-details. */
  MTS_REPORT_FLAG_SUMMARY_DISAGREES  = 1 << 0,
  /* A datetime without a time zone, taken as UTC. */
  MTS_REPORT_FLAG_NO_TIME_ZONE       = 1 << 1,
  /* A result-type that RFC 8460 does not list; kept by name. */
  MTS_REPORT_FLAG_UNKNOWN_RESULT     = 1 << 2,
  /* A policy-string sent as one string (JSON-encoded or joined). */
  MTS_REPORT_FLAG_POLICY_STRING_TEXT = 1 << 3,
  /* mx-host as one string, or with an "mx: " prefix. */
  MTS_REPORT_FLAG_MX_HOST_FORM       = 1 << 4,
} MtsReportFlags;

typedef struct
{
  char *result_type;
  /* Each of these may be NULL: reporters leave them out. */
  char *sending_mta_ip;
  char *receiving_mx_hostname;
  char *receiving_mx_helo;
  char *receiving_ip;
  gint64 failed_session_count;
  char *additional_information;
  char *failure_reason_code;
} MtsReportFailure;

typedef struct
{
  /* "sts", "tlsa", "no-policy-found", or what the reporter wrote. */
  char *policy_type;
  /* One line (STS) or one TLSA RDATA per element; never NULL. */
  GStrv policy_string;
  /* Lower case, without a trailing dot. */
  char *policy_domain;
  /* MX patterns without an "mx: " prefix; never NULL. */
  GStrv mx_host;
  gint64 successful;
  gint64 failed;
  GPtrArray *failures;         /* MtsReportFailure */
  gboolean summary_disagrees;
} MtsReportPolicy;

typedef struct
{
  char *organization;
  char *report_id;
  char *contact_info;          /* NULL when null or missing */
  GDateTime *start;            /* UTC */
  GDateTime *end;              /* UTC, as the reporter wrote it (inclusive or not) */
  GPtrArray *policies;         /* MtsReportPolicy */
  MtsReportFlags flags;
} MtsReport;

GQuark      mts_report_error_quark          (void);
const char *mts_report_error_code           (const GError  *error);

MtsReport  *mts_report_parse                (const char    *data,
                                             gsize          length,
                                             GError       **error);
MtsReport  *mts_report_parse_with_parser    (JsonParser    *parser,
                                             const char    *data,
                                             gsize          length,
                                             GError       **error);
MtsReport  *mts_report_from_json            (JsonNode      *root,
                                             GError       **error);
gboolean    mts_report_check_nesting        (const char    *data,
                                             gsize          length,
                                             guint          max_depth);
void        mts_report_free                 (MtsReport     *report);

JsonObject *mts_report_to_facts             (const MtsReport *report);
void        mts_report_to_json              (const MtsReport *report,
                                             JsonBuilder     *builder);

char       *mts_report_get_day              (const MtsReport *report);
gint64      mts_report_get_successful       (const MtsReport *report);
gint64      mts_report_get_failed           (const MtsReport *report);
gboolean    mts_report_is_for_domain        (const MtsReport *report,
                                             const char      *domain);
char       *mts_report_dedup_key            (const char      *organization,
                                             const char      *report_id);

GStrv       mts_report_flags_to_strv        (MtsReportFlags   flags);

const char *const *mts_report_result_types  (void);
gboolean    mts_report_result_type_is_known (const char      *type);
gboolean    mts_report_result_type_is_tls   (const char      *type);
void        mts_report_result_type_describe (const char      *type,
                                             const char     **meaning,
                                             const char     **fix);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsReport, mts_report_free)

G_END_DECLS
