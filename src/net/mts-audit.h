/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-audit.h: everything a strict sender would find about a domain, at once.
 *
 * One asynchronous operation runs every lookup concurrently: the MX
 * records (then each host's A and AAAA records and a STARTTLS probe of every
 * address), the _mta-sts and _smtp._tls TXT records (and the wrong names
 * people publish them at), and the policy fetch.  Then it cross-checks them:
 * exactly one STS record, its id, MX coverage both ways, what the published
 * mode would do to mail, the policy host's certificate.  The result is one
 * structure that the wizard and `mtasts check` share, and that serialises to
 * the JSON documented in `mtasts help check`.
 *
 * While it runs, MtsAudit emits ::step-changed for each lookup and probe, so
 * the wizard can show a progress row per step.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "core/mts-diagnostic.h"
#include "core/mts-policy.h"
#include "core/mts-txt-record.h"
#include "mts-policy-fetch.h"
#include "mts-resolver.h"
#include "mts-smtp-probe.h"

G_BEGIN_DECLS

typedef struct
{
  /* A PEM file of extra trusted CAs for the probes and the policy fetch. */
  const char *ca_file;
  /* The SMTP port to probe; 0: 25. */
  guint16 port;
  /* Probe the MX hosts at all (FALSE: DNS and policy only). */
  gboolean probe;
  /* At most this many probes at once; 0: MTS_PROBE_DEFAULT_MAX_CONCURRENT. */
  guint max_concurrent;
  /* Per-step limits of the probes, and the policy fetch's limit. */
  MtsProbeOptions probe_options;
  guint fetch_timeout_seconds;
  /* Probe these hosts (the admin's list, NULL-terminated) instead of only
   * the DNS MX hosts; NULL: the DNS MX hosts.  An entry may be a policy
   * pattern: a wildcard ("*.example.net") is not probed itself, the DNS MX
   * hosts it matches are.  DNS is still asked, to say which hosts of the
   * list are not in DNS yet and which DNS hosts the list leaves out (those
   * are probed too: mail still goes to them). */
  const char *const *mx_hosts;
} MtsAuditOptions;

typedef enum
{
  MTS_AUDIT_VERDICT_OK,           /* nothing to fix */
  MTS_AUDIT_VERDICT_WARNINGS,     /* works, with advice */
  MTS_AUDIT_VERDICT_ERRORS,       /* something to fix */
  MTS_AUDIT_VERDICT_UNREACHABLE,  /* could not check: DNS down, port 25 blocked */
} MtsAuditVerdict;

/* What the wizard shows a progress row for. */
typedef enum
{
  MTS_AUDIT_STEP_MX,              /* MX lookup */
  MTS_AUDIT_STEP_STS_RECORD,      /* _mta-sts TXT (and the wrong names) */
  MTS_AUDIT_STEP_TLSRPT_RECORD,   /* _smtp._tls TXT (and the wrong names) */
  MTS_AUDIT_STEP_POLICY,          /* the policy fetch */
  MTS_AUDIT_STEP_PROBE,           /* one MX address; the detail names it */
} MtsAuditStep;

typedef enum
{
  MTS_AUDIT_STEP_RUNNING,
  MTS_AUDIT_STEP_DONE,            /* finished; problems, if any, are in the result */
  MTS_AUDIT_STEP_FAILED,          /* could not be done (DNS failure, ...) */
} MtsAuditStepState;

typedef struct
{
  char *host;
  guint16 preference;
  /* Matched by the published policy's mx patterns (FALSE without a policy). */
  gboolean covered;
  /* MtsProbeResult, one per address, IPv4 first. */
  GPtrArray *probes;
  /* MtsDiagnostic: address lookup failures and host-level findings. */
  GPtrArray *problems;
  /* Named by the domain's MX records (always TRUE without mx_hosts). */
  gboolean in_dns;
  /* In the mx_hosts list, or matched by one of its wildcards (always
   * TRUE without mx_hosts).  Every host is probed, listed or not. */
  gboolean listed;
} MtsAuditMx;

typedef struct
{
  char *domain;
  GDateTime *started;
  MtsAuditVerdict verdict;

  /* MtsAuditMx, by preference.  Empty when the domain has no MX.  With
   * mx_hosts: the listed hosts found in DNS by preference, then those not
   * in DNS in list order, then the DNS hosts left out of the list. */
  GPtrArray *mx;
  /* The audit probed the mx_hosts list rather than the DNS MX hosts. */
  gboolean mx_from_list;

  /* The TXT records found at _mta-sts (each record's strings joined), and
   * the one valid record, or NULL. */
  GStrv sts_records;
  MtsTxtRecord *sts_record;
  /* Where _mta-sts is delegated to with a CNAME (RFC 8461 §8.2), or NULL. */
  char *sts_delegated_to;
  /* MtsDiagnostic: the record's findings, misplaced copies included. */
  GPtrArray *sts_problems;
  GStrv tlsrpt_records;
  MtsTxtRecord *tlsrpt_record;
  GPtrArray *tlsrpt_problems;

  /* The policy fetch; NULL when it could not be attempted. */
  MtsPolicyFetchResult *policy;

  /* MtsDiagnostic: every problem, the cross-checks' included, most severe
   * first.  MX, record and policy problems are also in their sections. */
  GPtrArray *problems;
} MtsAuditResult;

#define MTS_TYPE_AUDIT (mts_audit_get_type ())

G_DECLARE_FINAL_TYPE (MtsAudit, mts_audit, MTS, AUDIT, GObject)

void            mts_audit_options_init    (MtsAuditOptions       *options);

MtsAudit       *mts_audit_new             (MtsResolver           *resolver,
                                           const MtsAuditOptions *options);
void            mts_audit_run_async       (MtsAudit              *self,
                                           const char            *domain,
                                           GCancellable          *cancellable,
                                           GAsyncReadyCallback    callback,
                                           gpointer               user_data);
MtsAuditResult *mts_audit_run_finish      (MtsAudit              *self,
                                           GAsyncResult          *result,
                                           GError               **error);

const char     *mts_audit_verdict_to_string (MtsAuditVerdict      verdict);
void            mts_audit_result_free     (MtsAuditResult        *result);
void            mts_audit_result_to_json  (const MtsAuditResult  *result,
                                           JsonBuilder           *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsAuditResult, mts_audit_result_free)

G_END_DECLS
