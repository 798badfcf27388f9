/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-gresolver.c: a GResolver that asks through an MtsResolver, for libsoup and GIO.
 *
 * Installed as the default GResolver, it makes libsoup (the policy fetch) and
 * GSocketClient (the SMTP probes) resolve names with the same server choice
 * and the same timeout as the program's own MX and TXT lookups.
 *
 * Threads: an MtsResolver belongs to one thread and its main context.  An
 * asynchronous call from that thread uses it directly; one from any other
 * thread or context gets its own copy (mts_resolver_ref_for_thread()), with
 * its own c-ares channel on the caller's context.  The synchronous calls,
 * which libsoup and GIO make from worker threads, push a private main
 * context in the calling thread, run the asynchronous lookup on a copy there
 * and iterate that context until it is done: nothing blocks the main loop,
 * and no c-ares channel is ever touched by two threads.
 *
 * Reverse lookups, SRV, NS and SOA records are not needed by the program and
 * are passed on to the resolver that was the default before.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-gresolver.h"

struct _MtsGResolver
{
  GResolver parent_instance;

  MtsResolver *resolver;
  GResolver *fallback;
};

G_DEFINE_FINAL_TYPE (MtsGResolver, mts_gresolver, G_TYPE_RESOLVER)

/* GIO's callers understand GResolverError; keep the plain message. */
static GError *
to_resolver_error (GError *error)
{
  GResolverError code;
  GError *converted;

  if (error->domain != MTS_RESOLVER_ERROR)
    return error;

  switch (error->code)
    {
    case MTS_RESOLVER_ERROR_NO_SUCH_NAME:
    case MTS_RESOLVER_ERROR_NO_DATA:
    case MTS_RESOLVER_ERROR_CNAME_LOOP:
    case MTS_RESOLVER_ERROR_BAD_NAME:
      code = G_RESOLVER_ERROR_NOT_FOUND;
      break;

    case MTS_RESOLVER_ERROR_SERVER_FAILURE:
    case MTS_RESOLVER_ERROR_TIMEOUT:
      code = G_RESOLVER_ERROR_TEMPORARY_FAILURE;
      break;

    default:
      code = G_RESOLVER_ERROR_INTERNAL;
      break;
    }

  converted = g_error_new_literal (G_RESOLVER_ERROR, code, error->message);
  g_error_free (error);

  return converted;
}

/* ------------------------------------------------------------------------ */
/* Synchronous calls: the asynchronous one on a private context.             */

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GMainContext *
sync_begin (void)
{
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  return context;
}

static void
sync_wait (GMainContext  *context,
           GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (context, TRUE);
}

static void
sync_end (GMainContext *context)
{
  /* The copied resolver is gone by now and has destroyed its sources. */
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
}

/* ------------------------------------------------------------------------ */
/* Names to addresses: A and AAAA at once.                                   */

typedef struct
{
  MtsResolver *resolver;
  char *hostname;
  guint pending;
  GList *ipv4;
  GList *ipv6;
  GError *ipv4_error;
  GError *ipv6_error;
} AddressLookup;

static void
address_lookup_free (gpointer data)
{
  AddressLookup *lookup = data;

  g_clear_object (&lookup->resolver);
  g_free (lookup->hostname);
  g_resolver_free_addresses (lookup->ipv4);
  g_resolver_free_addresses (lookup->ipv6);
  g_clear_error (&lookup->ipv4_error);
  g_clear_error (&lookup->ipv6_error);
  g_free (lookup);
}

static GList *
addresses_to_list (GPtrArray *addresses)
{
  GList *list = NULL;

  for (guint i = addresses->len; i > 0; i--)
    list = g_list_prepend (list, g_object_ref (g_ptr_array_index (addresses, i - 1)));

  return list;
}

/* Neither family gave an address: the error that says most. */
static GError *
address_lookup_error (AddressLookup *lookup)
{
  GError *errors[] = { lookup->ipv4_error, lookup->ipv6_error };

  /* Cancelled, or a failure that may go away, outweighs "no records". */
  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    if (errors[i] != NULL &&
        !g_error_matches (errors[i], MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_DATA) &&
        !g_error_matches (errors[i], MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_SUCH_NAME))
      return to_resolver_error (g_error_copy (errors[i]));

  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    if (g_error_matches (errors[i], MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_SUCH_NAME))
      return to_resolver_error (g_error_copy (errors[i]));

  if (lookup->ipv4_error != NULL && lookup->ipv6_error != NULL)
    return g_error_new (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                        _("The name “%s” has no addresses: it has neither A nor "
                          "AAAA records."), lookup->hostname);

  return to_resolver_error (g_error_copy (lookup->ipv4_error != NULL ?
                                          lookup->ipv4_error : lookup->ipv6_error));
}

static void
address_lookup_done (GTask *task)
{
  AddressLookup *lookup = g_task_get_task_data (task);
  GList *addresses;

  if (--lookup->pending > 0)
    return;

  if (lookup->ipv4 == NULL && lookup->ipv6 == NULL)
    {
      g_task_return_error (task, address_lookup_error (lookup));
      return;
    }

  /* IPv6 first, as RFC 6724 orders global addresses; GSocketClient asks for
   * each family apart anyway and races the connections. */
  addresses = g_list_concat (g_steal_pointer (&lookup->ipv6), g_steal_pointer (&lookup->ipv4));
  g_task_return_pointer (task, addresses, (GDestroyNotify) g_resolver_free_addresses);
}

static void
lookup_a_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddressLookup *lookup = g_task_get_task_data (task);
  g_autoptr(GPtrArray) addresses = NULL;

  addresses = mts_resolver_lookup_a_finish (MTS_RESOLVER (source), result, &lookup->ipv4_error);
  if (addresses != NULL)
    lookup->ipv4 = addresses_to_list (addresses);
  address_lookup_done (task);
}

static void
lookup_aaaa_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddressLookup *lookup = g_task_get_task_data (task);
  g_autoptr(GPtrArray) addresses = NULL;

  addresses = mts_resolver_lookup_aaaa_finish (MTS_RESOLVER (source), result, &lookup->ipv6_error);
  if (addresses != NULL)
    lookup->ipv6 = addresses_to_list (addresses);
  address_lookup_done (task);
}

static void
mts_gresolver_lookup_by_name_with_flags_async (GResolver                *resolver,
                                               const char               *hostname,
                                               GResolverNameLookupFlags  flags,
                                               GCancellable             *cancellable,
                                               GAsyncReadyCallback       callback,
                                               gpointer                  user_data)
{
  MtsGResolver *self = MTS_GRESOLVER (resolver);
  g_autoptr(GTask) task = NULL;
  AddressLookup *lookup;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mts_gresolver_lookup_by_name_with_flags_async);

  lookup = g_new0 (AddressLookup, 1);
  lookup->resolver = mts_resolver_ref_for_thread (self->resolver);
  lookup->hostname = g_strdup (hostname);
  g_task_set_task_data (task, lookup, address_lookup_free);

  /* Count both first: either may finish before the other is started. */
  lookup->pending = (flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY) ? 0 : 1;
  lookup->pending += (flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY) ? 0 : 1;
  if (lookup->pending == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("A name cannot be looked up for IPv4 only and IPv6 only at once."));
      return;
    }

  if (!(flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY))
    mts_resolver_lookup_a_async (lookup->resolver, hostname, cancellable,
                                 lookup_a_cb, g_object_ref (task));
  if (!(flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY))
    mts_resolver_lookup_aaaa_async (lookup->resolver, hostname, cancellable,
                                    lookup_aaaa_cb, g_object_ref (task));
}

static GList *
mts_gresolver_lookup_by_name_with_flags_finish (GResolver     *resolver,
                                                GAsyncResult  *result,
                                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, resolver), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static GList *
mts_gresolver_lookup_by_name_with_flags (GResolver                 *resolver,
                                         const char                *hostname,
                                         GResolverNameLookupFlags   flags,
                                         GCancellable              *cancellable,
                                         GError                   **error)
{
  GMainContext *context = sync_begin ();
  g_autoptr(GAsyncResult) result = NULL;
  GList *addresses;

  mts_gresolver_lookup_by_name_with_flags_async (resolver, hostname, flags, cancellable,
                                                 sync_done_cb, &result);
  sync_wait (context, &result);
  addresses = mts_gresolver_lookup_by_name_with_flags_finish (resolver, result, error);
  g_clear_object (&result);
  sync_end (context);

  return addresses;
}

static void
mts_gresolver_lookup_by_name_async (GResolver           *resolver,
                                    const char          *hostname,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  mts_gresolver_lookup_by_name_with_flags_async (resolver, hostname,
                                                 G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                                 cancellable, callback, user_data);
}

static GList *
mts_gresolver_lookup_by_name (GResolver     *resolver,
                              const char    *hostname,
                              GCancellable  *cancellable,
                              GError       **error)
{
  return mts_gresolver_lookup_by_name_with_flags (resolver, hostname,
                                                  G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                                  cancellable, error);
}

/* ------------------------------------------------------------------------ */
/* Records: MX and TXT here, the rest by the previous default.               */

typedef struct
{
  MtsResolver *resolver;
  GResolverRecordType type;
} RecordsLookup;

static void
records_lookup_free (gpointer data)
{
  RecordsLookup *lookup = data;

  g_clear_object (&lookup->resolver);
  g_free (lookup);
}

static void
free_records (GList *records)
{
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);
}

static void
lookup_mx_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;
  GList *list = NULL;

  records = mts_resolver_lookup_mx_finish (MTS_RESOLVER (source), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, to_resolver_error (error));
      return;
    }

  for (guint i = records->len; i > 0; i--)
    {
      MtsMxRecord *mx = g_ptr_array_index (records, i - 1);

      list = g_list_prepend (list, g_variant_ref_sink (g_variant_new ("(qs)", mx->preference,
                                                                      mx->host)));
    }
  g_task_return_pointer (task, list, (GDestroyNotify) free_records);
}

static void
lookup_txt_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;
  GList *list = NULL;

  /* GIO's TXT form keeps a record's character-strings apart, as "(as)". */
  records = mts_resolver_lookup_txt_strings_finish (MTS_RESOLVER (source), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, to_resolver_error (error));
      return;
    }

  for (guint i = records->len; i > 0; i--)
    {
      const char * const *strings = g_ptr_array_index (records, i - 1);

      list = g_list_prepend (list, g_variant_ref_sink (g_variant_new ("(@as)",
                                                                      g_variant_new_strv (strings, -1))));
    }
  g_task_return_pointer (task, list, (GDestroyNotify) free_records);
}

static void
fallback_records_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GList *records;

  records = g_resolver_lookup_records_finish (G_RESOLVER (source), result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, records, (GDestroyNotify) free_records);
}

static void
mts_gresolver_lookup_records_async (GResolver           *resolver,
                                    const char          *rrname,
                                    GResolverRecordType  record_type,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  MtsGResolver *self = MTS_GRESOLVER (resolver);
  g_autoptr(GTask) task = NULL;
  RecordsLookup *lookup;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mts_gresolver_lookup_records_async);

  lookup = g_new0 (RecordsLookup, 1);
  lookup->type = record_type;
  g_task_set_task_data (task, lookup, records_lookup_free);

  switch (record_type)
    {
    case G_RESOLVER_RECORD_MX:
      lookup->resolver = mts_resolver_ref_for_thread (self->resolver);
      mts_resolver_lookup_mx_async (lookup->resolver, rrname, cancellable,
                                    lookup_mx_cb, g_object_ref (task));
      break;

    case G_RESOLVER_RECORD_TXT:
      lookup->resolver = mts_resolver_ref_for_thread (self->resolver);
      mts_resolver_lookup_txt_async (lookup->resolver, rrname, cancellable,
                                     lookup_txt_cb, g_object_ref (task));
      break;

    case G_RESOLVER_RECORD_SRV:
    case G_RESOLVER_RECORD_NS:
    case G_RESOLVER_RECORD_SOA:
    default:
      g_resolver_lookup_records_async (self->fallback, rrname, record_type, cancellable,
                                       fallback_records_cb, g_object_ref (task));
      break;
    }
}

static GList *
mts_gresolver_lookup_records_finish (GResolver     *resolver,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, resolver), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static GList *
mts_gresolver_lookup_records (GResolver            *resolver,
                              const char           *rrname,
                              GResolverRecordType   record_type,
                              GCancellable         *cancellable,
                              GError              **error)
{
  GMainContext *context = sync_begin ();
  g_autoptr(GAsyncResult) result = NULL;
  GList *records;

  mts_gresolver_lookup_records_async (resolver, rrname, record_type, cancellable,
                                      sync_done_cb, &result);
  sync_wait (context, &result);
  records = mts_gresolver_lookup_records_finish (resolver, result, error);
  g_clear_object (&result);
  sync_end (context);

  return records;
}

/* ------------------------------------------------------------------------ */
/* Reverse lookups and SRV services: the previous default resolver.          */

static char *
mts_gresolver_lookup_by_address (GResolver     *resolver,
                                 GInetAddress  *address,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  return g_resolver_lookup_by_address (MTS_GRESOLVER (resolver)->fallback, address,
                                       cancellable, error);
}

static void
fallback_by_address_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *name;

  name = g_resolver_lookup_by_address_finish (G_RESOLVER (source), result, &error);
  if (name == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, name, g_free);
}

static void
mts_gresolver_lookup_by_address_async (GResolver           *resolver,
                                       GInetAddress        *address,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_set_source_tag (task, mts_gresolver_lookup_by_address_async);
  g_resolver_lookup_by_address_async (MTS_GRESOLVER (resolver)->fallback, address,
                                      cancellable, fallback_by_address_cb, task);
}

static char *
mts_gresolver_lookup_by_address_finish (GResolver     *resolver,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, resolver), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static GList *
mts_gresolver_lookup_service (GResolver     *resolver,
                              const char    *rrname,
                              GCancellable  *cancellable,
                              GError       **error)
{
  GResolver *fallback = MTS_GRESOLVER (resolver)->fallback;

  /* The public call takes service, protocol and domain; the class method
   * takes the record name built from them. */
  return G_RESOLVER_GET_CLASS (fallback)->lookup_service (fallback, rrname, cancellable, error);
}

static void
fallback_service_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GResolver *fallback = G_RESOLVER (source);
  GError *error = NULL;
  GList *targets;

  targets = G_RESOLVER_GET_CLASS (fallback)->lookup_service_finish (fallback, result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, targets, (GDestroyNotify) g_resolver_free_targets);
}

static void
mts_gresolver_lookup_service_async (GResolver           *resolver,
                                    const char          *rrname,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GResolver *fallback = MTS_GRESOLVER (resolver)->fallback;
  GTask *task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_set_source_tag (task, mts_gresolver_lookup_service_async);
  G_RESOLVER_GET_CLASS (fallback)->lookup_service_async (fallback, rrname, cancellable,
                                                         fallback_service_cb, task);
}

static GList *
mts_gresolver_lookup_service_finish (GResolver     *resolver,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, resolver), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */

static void
mts_gresolver_finalize (GObject *object)
{
  MtsGResolver *self = MTS_GRESOLVER (object);

  g_clear_object (&self->resolver);
  g_clear_object (&self->fallback);

  G_OBJECT_CLASS (mts_gresolver_parent_class)->finalize (object);
}

static void
mts_gresolver_class_init (MtsGResolverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  object_class->finalize = mts_gresolver_finalize;

  resolver_class->lookup_by_name = mts_gresolver_lookup_by_name;
  resolver_class->lookup_by_name_async = mts_gresolver_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = mts_gresolver_lookup_by_name_with_flags_finish;
  resolver_class->lookup_by_name_with_flags = mts_gresolver_lookup_by_name_with_flags;
  resolver_class->lookup_by_name_with_flags_async = mts_gresolver_lookup_by_name_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = mts_gresolver_lookup_by_name_with_flags_finish;
  resolver_class->lookup_by_address = mts_gresolver_lookup_by_address;
  resolver_class->lookup_by_address_async = mts_gresolver_lookup_by_address_async;
  resolver_class->lookup_by_address_finish = mts_gresolver_lookup_by_address_finish;
  resolver_class->lookup_service = mts_gresolver_lookup_service;
  resolver_class->lookup_service_async = mts_gresolver_lookup_service_async;
  resolver_class->lookup_service_finish = mts_gresolver_lookup_service_finish;
  resolver_class->lookup_records = mts_gresolver_lookup_records;
  resolver_class->lookup_records_async = mts_gresolver_lookup_records_async;
  resolver_class->lookup_records_finish = mts_gresolver_lookup_records_finish;
}

static void
mts_gresolver_init (MtsGResolver *self)
{
}

/**
 * mts_gresolver_new:
 * @resolver: the resolver to ask through
 * @fallback: the resolver for reverse lookups and SRV, NS and SOA records
 *
 * Returns: (transfer full): a new #GResolver
 */
GResolver *
mts_gresolver_new (MtsResolver *resolver,
                   GResolver   *fallback)
{
  MtsGResolver *self;

  g_return_val_if_fail (MTS_IS_RESOLVER (resolver), NULL);
  g_return_val_if_fail (G_IS_RESOLVER (fallback), NULL);
  g_return_val_if_fail (!MTS_IS_GRESOLVER (fallback), NULL);

  self = g_object_new (MTS_TYPE_GRESOLVER, NULL);
  self->resolver = g_object_ref (resolver);
  self->fallback = g_object_ref (fallback);

  return G_RESOLVER (self);
}

/**
 * mts_gresolver_get_resolver:
 *
 * Returns: (transfer none): the resolver asked through
 */
MtsResolver *
mts_gresolver_get_resolver (MtsGResolver *self)
{
  g_return_val_if_fail (MTS_IS_GRESOLVER (self), NULL);

  return self->resolver;
}

/**
 * mts_resolver_install_default:
 * @resolver: a resolver
 *
 * Makes @resolver answer every name lookup of GIO in this process (libsoup,
 * GSocketClient), through g_resolver_set_default().  Installing again
 * replaces the previous one.
 */
void
mts_resolver_install_default (MtsResolver *resolver)
{
  g_autoptr(GResolver) previous = NULL;
  g_autoptr(GResolver) installed = NULL;
  GResolver *fallback;

  g_return_if_fail (MTS_IS_RESOLVER (resolver));

  previous = g_resolver_get_default ();
  fallback = MTS_IS_GRESOLVER (previous) ? MTS_GRESOLVER (previous)->fallback : previous;
  installed = mts_gresolver_new (resolver, fallback);
  g_resolver_set_default (installed);
}
