/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-smtp-probe-private.h: what the probe, its result and its queue share. */
#pragma once

#include <gnutls/gnutls.h>

#include "mts-smtp-probe.h"

G_BEGIN_DECLS

/* The trust store, loaded once and shared by every probe of a queue:
 * reading the system store for each of fifty addresses would be wasted. */
typedef struct _MtsProbeCredentials MtsProbeCredentials;

MtsProbeCredentials *_mts_probe_credentials_new   (const char            *ca_file,
                                                   GError               **error);
void                 _mts_probe_credentials_new_async
                                                  (const char            *ca_file,
                                                   GCancellable          *cancellable,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
MtsProbeCredentials *_mts_probe_credentials_new_finish
                                                  (GAsyncResult          *result,
                                                   GError               **error);
MtsProbeCredentials *_mts_probe_credentials_ref   (MtsProbeCredentials   *creds);
void                 _mts_probe_credentials_unref (MtsProbeCredentials   *creds);
gnutls_certificate_credentials_t
                     _mts_probe_credentials_get   (MtsProbeCredentials   *creds);

void                 _mts_smtp_probe_start        (const char            *host,
                                                   GInetAddress          *address,
                                                   guint16                port,
                                                   const MtsProbeOptions *options,
                                                   MtsProbeCredentials   *creds,
                                                   GCancellable          *cancellable,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);

/* Adds result->problems from what the connections found. */
void                 _mts_probe_result_describe   (MtsProbeResult        *result,
                                                   const MtsProbeOptions *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsProbeCredentials, _mts_probe_credentials_unref)

G_END_DECLS
