/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-policy-fetch.h: fetching a domain's MTA-STS policy over HTTPS as a sender would (RFC 8461 §3.3). */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "core/mts-policy.h"

G_BEGIN_DECLS

/* RFC 8461 §3.3: "A suggested timeout is one minute". */
#define MTS_POLICY_FETCH_TIMEOUT_DEFAULT 60

typedef struct
{
  /* A PEM file of extra trusted CAs (an internal PKI), added to the system's
   * trust store for this fetch; NULL: the system's store alone, as a sender
   * on the internet uses. */
  const char *ca_file;
  /* The limit for the whole fetch, from connecting to the last byte, in
   * seconds; 0 means MTS_POLICY_FETCH_TIMEOUT_DEFAULT. */
  guint timeout_seconds;
} MtsFetchOptions;

typedef struct
{
  /* The URL fetched. */
  char *url;
  /* The address connected to ("192.0.2.1"), or NULL when no connection was made. */
  char *address;
  /* 0 when no HTTP answer came (DNS, connection or TLS failure). */
  guint http_status;
  char *http_reason;
  /* The Location of a redirect, which is reported and never followed. */
  char *location;
  /* The Content-Type header as the server sent it, parameters included. */
  char *content_type;
  /* The body when it was read completely and is valid UTF-8, else NULL. */
  char *text;
  /* What the core parser made of the body, or NULL when it was not parsed. */
  MtsPolicy *policy;

  /* TLS, as negotiated: "TLS 1.3", "TLS_AES_256_GCM_SHA384"; NULL if unknown. */
  char *tls_version;
  char *cipher;
  /* The policy host's certificate, when the server sent one. */
  gboolean has_cert;
  char *cert_subject;
  char *cert_issuer;
  /* The DNS names the certificate is valid for. */
  GStrv cert_san;
  GDateTime *cert_not_after;
  /* Whole days from now until not_after; negative once expired. */
  gint64 cert_days_left;
  /* Why the certificate was rejected, 0 when it was accepted. */
  GTlsCertificateFlags cert_errors;

  /* MtsDiagnostic *: every problem found, the parser's diagnostics included. */
  GPtrArray *problems;
} MtsPolicyFetchResult;

char                 *mts_policy_url                  (const char            *domain);

void                  mts_policy_fetch_async          (const char            *domain,
                                                       const MtsFetchOptions *options,
                                                       GCancellable          *cancellable,
                                                       GAsyncReadyCallback    callback,
                                                       gpointer               user_data);
void                  mts_policy_fetch_url_async      (const char            *url,
                                                       const MtsFetchOptions *options,
                                                       GCancellable          *cancellable,
                                                       GAsyncReadyCallback    callback,
                                                       gpointer               user_data);
MtsPolicyFetchResult *mts_policy_fetch_finish         (GAsyncResult          *result,
                                                       GError               **error);

gboolean              mts_policy_fetch_result_is_valid (const MtsPolicyFetchResult *result);
void                  mts_policy_fetch_result_free    (MtsPolicyFetchResult  *result);
void                  mts_policy_fetch_result_to_json (const MtsPolicyFetchResult *result,
                                                       JsonBuilder           *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsPolicyFetchResult, mts_policy_fetch_result_free)

G_END_DECLS
