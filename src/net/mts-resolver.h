/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-resolver.h: asynchronous DNS lookups (c-ares) on the GLib main loop. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MTS_RESOLVER_ERROR (mts_resolver_error_quark ())

typedef enum
{
  /* NXDOMAIN: the name does not exist at all. */
  MTS_RESOLVER_ERROR_NO_SUCH_NAME,
  /* The name exists but has no records of the type asked for. */
  MTS_RESOLVER_ERROR_NO_DATA,
  /* SERVFAIL, REFUSED, a malformed reply: the server could not answer. */
  MTS_RESOLVER_ERROR_SERVER_FAILURE,
  /* No answer within the resolver's timeout. */
  MTS_RESOLVER_ERROR_TIMEOUT,
  /* A CNAME chain that loops or is longer than MTS_RESOLVER_MAX_CNAME_CHAIN. */
  MTS_RESOLVER_ERROR_CNAME_LOOP,
  /* The name given cannot be put in a DNS query. */
  MTS_RESOLVER_ERROR_BAD_NAME,
  /* mts_resolver_set_server() was given something that is not IP[:PORT]. */
  MTS_RESOLVER_ERROR_BAD_SERVER,
  /* Anything else (out of memory, no usable resolver configuration). */
  MTS_RESOLVER_ERROR_FAILED,
} MtsResolverError;

/* Seconds a whole lookup may take, unless the "timeout" property says otherwise. */
#define MTS_RESOLVER_DEFAULT_TIMEOUT 10
/* Aliases followed by mts_resolver_lookup_cname_chain_async() before giving up. */
#define MTS_RESOLVER_MAX_CNAME_CHAIN 8

typedef struct
{
  guint16 preference;
  /* Without the trailing dot; "" for a null MX (RFC 7505). */
  char *host;
} MtsMxRecord;

typedef struct
{
  guint8 usage;
  guint8 selector;
  guint8 matching_type;
  /* The certificate association data in lower-case hex. */
  char *data;
} MtsTlsaRecord;

void mts_mx_record_free   (MtsMxRecord   *record);
void mts_tlsa_record_free (MtsTlsaRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsMxRecord, mts_mx_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsTlsaRecord, mts_tlsa_record_free)

#define MTS_TYPE_RESOLVER (mts_resolver_get_type ())

G_DECLARE_FINAL_TYPE (MtsResolver, mts_resolver, MTS, RESOLVER, GObject)

GQuark        mts_resolver_error_quark            (void);

MtsResolver  *mts_resolver_new                    (void);
MtsResolver  *mts_resolver_dup                    (MtsResolver          *self);
MtsResolver  *mts_resolver_ref_for_thread         (MtsResolver          *self);
GMainContext *mts_resolver_get_context            (MtsResolver          *self);

gboolean      mts_resolver_set_server             (MtsResolver          *self,
                                                   const char           *server,
                                                   GError              **error);
char         *mts_resolver_dup_server             (MtsResolver          *self);
void          mts_resolver_set_timeout            (MtsResolver          *self,
                                                   guint                 seconds);
guint         mts_resolver_get_timeout            (MtsResolver          *self);

void          mts_resolver_lookup_mx_async        (MtsResolver          *self,
                                                   const char           *name,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray    *mts_resolver_lookup_mx_finish       (MtsResolver          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void          mts_resolver_lookup_txt_async       (MtsResolver          *self,
                                                   const char           *name,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
char        **mts_resolver_lookup_txt_finish      (MtsResolver          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
GPtrArray    *mts_resolver_lookup_txt_strings_finish (MtsResolver       *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void          mts_resolver_lookup_a_async         (MtsResolver          *self,
                                                   const char           *name,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray    *mts_resolver_lookup_a_finish        (MtsResolver          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void          mts_resolver_lookup_aaaa_async      (MtsResolver          *self,
                                                   const char           *name,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray    *mts_resolver_lookup_aaaa_finish     (MtsResolver          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void          mts_resolver_lookup_cname_chain_async (MtsResolver        *self,
                                                   const char           *name,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
char         *mts_resolver_lookup_cname_chain_finish (MtsResolver       *self,
                                                   GAsyncResult         *result,
                                                   char               ***chain,
                                                   GError              **error);

void          mts_resolver_lookup_tlsa_async      (MtsResolver          *self,
                                                   const char           *name,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray    *mts_resolver_lookup_tlsa_finish     (MtsResolver          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS
