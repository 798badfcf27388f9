/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-resolver.c: asynchronous DNS lookups (c-ares) on the GLib main loop.
 *
 * One c-ares channel is driven by the GMainContext that was the thread's
 * default when the resolver was made: c-ares tells through its socket-state
 * callback which sockets to watch for reading or writing, each gets its own
 * GSource, and one timer source is re-armed from ares_timeout() after every
 * ares_process_fd().  Nothing ever blocks or polls.
 *
 * Every lookup also has its own overall timeout and can be cancelled.  c-ares
 * cannot cancel a single query, so a lookup that ends early (cancelled, timed
 * out) returns its GTask at once and leaves a small record behind that the
 * query's callback frees when c-ares is done with it.
 *
 * Changing the server or the timeout needs a new channel (c-ares refuses to
 * change servers while queries are pending); the old one is retired and
 * destroyed once its last query has called back.
 */
#include "config.h"

/* Debian 12 ships c-ares 1.18, whose only query and parser functions are
 * ares_query() and ares_parse_*().  From 1.28 on (the Flatpak bundles a
 * current release) those are marked deprecated in favour of the
 * ares_dns_record API, which 1.18 lacks, but they keep working: switching
 * c-ares' own marks off keeps one code path that builds without warnings
 * against both. */
#ifndef CARES_NO_DEPRECATED
#define CARES_NO_DEPRECATED 1
#endif
#include <ares.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <netdb.h>
#include <string.h>

#include "mts-resolver.h"

#define DNS_CLASS_IN 1
#define DNS_HEADER_SIZE 12
#define DNS_MAX_NAME 255
#define DNS_MAX_POINTER_JUMPS 64

typedef enum
{
  KIND_MX,
  KIND_TXT,
  KIND_A,
  KIND_AAAA,
  KIND_CNAME,
  KIND_TLSA,
} LookupKind;

static const struct
{
  /* The record type as people and DNS providers' forms name it. */
  const char *label;
  int rrtype;
} kinds[] = {
  [KIND_MX] = { "MX", 15 },
  [KIND_TXT] = { "TXT", 16 },
  [KIND_A] = { "A", 1 },
  [KIND_AAAA] = { "AAAA", 28 },
  [KIND_CNAME] = { "CNAME", 5 },
  [KIND_TLSA] = { "TLSA", 52 },
};

/* ------------------------------------------------------------------------ */
/* One c-ares channel and the sources that drive it.                         */

typedef struct
{
  guint ref_count;
  ares_channel ares;            /* NULL once closed */
  GMainContext *context;
  GHashTable *watches;          /* socket → GSource */
  GSource *timer;
  /* Queries sent whose callback has not run yet. */
  guint pending;
  /* Depth of calls into c-ares that may call back into us. */
  guint processing;
  /* Close as soon as no c-ares call is on the stack. */
  gboolean closing;
  /* Replaced by a newer channel: close once the last query has called back. */
  gboolean retired;
} Channel;

static void channel_really_close (Channel *channel);

static Channel *
channel_ref (Channel *channel)
{
  channel->ref_count++;
  return channel;
}

static void
channel_unref (Channel *channel)
{
  g_assert (channel->ref_count > 0);

  if (--channel->ref_count > 0)
    return;

  g_assert (channel->processing == 0);
  channel_really_close (channel);
  g_hash_table_unref (channel->watches);
  g_source_destroy (channel->timer);
  g_source_unref (channel->timer);
  g_main_context_unref (channel->context);
  g_free (channel);
}

static void
channel_really_close (Channel *channel)
{
  ares_channel ares = g_steal_pointer (&channel->ares);

  if (ares == NULL)
    return;

  /* ares_destroy() calls every pending callback with ARES_EDESTRUCTION and
   * the socket-state callback for every socket it closes: keep the channel
   * alive and counted as busy through it. */
  channel_ref (channel);
  channel->processing++;
  ares_destroy (ares);
  channel->processing--;
  g_hash_table_remove_all (channel->watches);
  g_source_set_ready_time (channel->timer, -1);
  channel->ref_count--;         /* the reference above; never the last one */
}

/* Called whenever a call into c-ares has returned. */
static void
channel_maybe_close (Channel *channel)
{
  if (channel->processing > 0 || channel->ares == NULL)
    return;

  if (channel->closing || (channel->retired && channel->pending == 0))
    channel_really_close (channel);
}

static void
channel_update_timer (Channel *channel)
{
  struct timeval tv;

  if (channel->ares == NULL || ares_timeout (channel->ares, NULL, &tv) == NULL)
    {
      g_source_set_ready_time (channel->timer, -1);
      return;
    }

  /* The source's own clock (g_source_get_time) is the time the current
   * iteration started, which may be long past: use the real time. */
  g_source_set_ready_time (channel->timer,
                           g_get_monotonic_time () +
                           (gint64) tv.tv_sec * G_USEC_PER_SEC + tv.tv_usec);
}

static void
channel_process (Channel       *channel,
                 ares_socket_t  read_fd,
                 ares_socket_t  write_fd)
{
  if (channel->ares == NULL)
    return;

  /* Query callbacks run from in here, and they complete GTasks whose
   * callbacks may drop the last reference to the resolver: hold the channel,
   * and let a close wait until c-ares has returned. */
  channel_ref (channel);
  channel->processing++;
  ares_process_fd (channel->ares, read_fd, write_fd);
  channel->processing--;
  channel_update_timer (channel);
  channel_maybe_close (channel);
  channel_unref (channel);
}

static gboolean
channel_socket_ready_cb (int          fd,
                         GIOCondition condition,
                         gpointer     user_data)
{
  Channel *channel = user_data;
  ares_socket_t read_fd = ARES_SOCKET_BAD;
  ares_socket_t write_fd = ARES_SOCKET_BAD;

  /* An error or hang-up must reach c-ares through a read, which fails and
   * makes it drop the connection and try again. */
  if (condition & (G_IO_IN | G_IO_HUP | G_IO_ERR))
    read_fd = fd;
  if (condition & G_IO_OUT)
    write_fd = fd;

  channel_process (channel, read_fd, write_fd);

  /* The socket-state callback replaces or removes this source itself. */
  return G_SOURCE_CONTINUE;
}

static void
channel_sock_state_cb (void          *data,
                       ares_socket_t  fd,
                       int            readable,
                       int            writable)
{
  Channel *channel = data;
  GIOCondition condition = 0;
  GSource *source;

  g_hash_table_remove (channel->watches, GINT_TO_POINTER (fd));

  if (readable)
    condition |= G_IO_IN;
  if (writable)
    condition |= G_IO_OUT;
  if (condition == 0)
    return;

  source = g_unix_fd_source_new (fd, condition);
  g_source_set_callback (source, G_SOURCE_FUNC (channel_socket_ready_cb), channel, NULL);
  g_source_set_static_name (source, "[mts] DNS socket");
  g_source_attach (source, channel->context);
  g_hash_table_insert (channel->watches, GINT_TO_POINTER (fd), source);
}

static gboolean
channel_timer_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs channel_timer_funcs = {
  .dispatch = channel_timer_dispatch,
};

static gboolean
channel_timer_cb (gpointer user_data)
{
  /* Both sockets "bad": c-ares only handles its timeouts and retries. */
  channel_process (user_data, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  return G_SOURCE_CONTINUE;
}

static void
watch_free (gpointer data)
{
  GSource *source = data;

  g_source_destroy (source);
  g_source_unref (source);
}

static gpointer
init_library (gpointer data)
{
  return GINT_TO_POINTER (ares_library_init (ARES_LIB_INIT_ALL));
}

static Channel *
channel_new (GMainContext  *context,
             const char    *servers_csv,
             guint          timeout_seconds,
             GError       **error)
{
  static GOnce library_once = G_ONCE_INIT;
  struct ares_options options = { 0 };
  int optmask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  Channel *channel;
  int status;

  status = GPOINTER_TO_INT (g_once (&library_once, init_library, NULL));
  if (status != ARES_SUCCESS)
    {
      g_set_error (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_FAILED,
                   _("The DNS resolver could not start: %s."), ares_strerror (status));
      return NULL;
    }

  channel = g_new0 (Channel, 1);
  channel->ref_count = 1;
  channel->context = g_main_context_ref (context);
  channel->watches = g_hash_table_new_full (NULL, NULL, NULL, watch_free);
  channel->timer = g_source_new (&channel_timer_funcs, sizeof (GSource));
  g_source_set_callback (channel->timer, channel_timer_cb, channel, NULL);
  g_source_set_static_name (channel->timer, "[mts] DNS timer");
  g_source_attach (channel->timer, context);

  options.sock_state_cb = channel_sock_state_cb;
  options.sock_state_cb_data = channel;
  /* c-ares waits this long for the first try and doubles it for each round
   * (1.18), so three tries fit in about the overall timeout: a lost UDP
   * packet is retried, a dead server is given up on in time. */
  options.timeout = CLAMP (timeout_seconds * 1000 / 4, 250, 2000);
  options.tries = 3;
#ifdef ARES_OPT_MAXTIMEOUTMS
  /* Newer c-ares adapts its timeouts to the server; keep them bounded. */
  optmask |= ARES_OPT_MAXTIMEOUTMS;
  options.maxtimeout = (int) MIN (timeout_seconds, 3600) * 1000;
#endif
#ifdef ARES_OPT_QUERY_CACHE
  /* Newer c-ares caches answers for their TTL.  Someone who has just fixed a
   * record and checks again must see what the DNS says now. */
  optmask |= ARES_OPT_QUERY_CACHE;
  options.qcache_max_ttl = 0;
#endif

  status = ares_init_options (&channel->ares, &options, optmask);
  if (status == ARES_SUCCESS && servers_csv != NULL)
    {
      status = ares_set_servers_ports_csv (channel->ares, servers_csv);
      if (status != ARES_SUCCESS)
        {
          g_set_error (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_BAD_SERVER,
                       _("The DNS server %s cannot be used: %s."),
                       servers_csv, ares_strerror (status));
          channel_unref (channel);
          return NULL;
        }
    }
  else if (status != ARES_SUCCESS)
    {
      channel->ares = NULL;
      g_set_error (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_FAILED,
                   _("The DNS resolver could not start: %s. Check /etc/resolv.conf, "
                     "or choose a DNS server."), ares_strerror (status));
      channel_unref (channel);
      return NULL;
    }

  return channel;
}

/* Marks the channel as the way to close, and closes it now if nothing runs in it. */
static void
channel_close (Channel *channel)
{
  channel->closing = TRUE;
  channel_maybe_close (channel);
}

static void
channel_retire (Channel *channel)
{
  channel->retired = TRUE;
  channel_maybe_close (channel);
}

/* ------------------------------------------------------------------------ */
/* The resolver object.                                                      */

struct _MtsResolver
{
  GObject parent_instance;

  GMainContext *context;
  GThread *thread;
  Channel *channel;             /* made on first use */

  /* The configuration is read by mts_resolver_dup() from other threads. */
  GMutex lock;
  char *server;                 /* "IP:PORT" / "[IPv6]:PORT", NULL: system */
  guint timeout;
};

G_DEFINE_FINAL_TYPE (MtsResolver, mts_resolver, G_TYPE_OBJECT)

G_DEFINE_QUARK (mts-resolver-error-quark, mts_resolver_error)

enum
{
  PROP_0,
  PROP_SERVER,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mts_resolver_dispose (GObject *object)
{
  MtsResolver *self = MTS_RESOLVER (object);

  if (self->channel != NULL)
    {
      Channel *channel = g_steal_pointer (&self->channel);

      channel_close (channel);
      channel_unref (channel);
    }

  G_OBJECT_CLASS (mts_resolver_parent_class)->dispose (object);
}

static void
mts_resolver_finalize (GObject *object)
{
  MtsResolver *self = MTS_RESOLVER (object);

  g_free (self->server);
  g_mutex_clear (&self->lock);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (mts_resolver_parent_class)->finalize (object);
}

static void
mts_resolver_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MtsResolver *self = MTS_RESOLVER (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      g_value_take_string (value, mts_resolver_dup_server (self));
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, mts_resolver_get_timeout (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mts_resolver_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  MtsResolver *self = MTS_RESOLVER (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      mts_resolver_set_timeout (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mts_resolver_class_init (MtsResolverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mts_resolver_dispose;
  object_class->finalize = mts_resolver_finalize;
  object_class->get_property = mts_resolver_get_property;
  object_class->set_property = mts_resolver_set_property;

  /**
   * MtsResolver:server:
   *
   * The DNS server asked, as "IP:PORT" or "[IPv6]:PORT", or %NULL for the
   * servers of /etc/resolv.conf.  Set with mts_resolver_set_server().
   */
  properties[PROP_SERVER] =
    g_param_spec_string ("server", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MtsResolver:timeout:
   *
   * Seconds one lookup may take in all, retries included.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 3600, MTS_RESOLVER_DEFAULT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mts_resolver_init (MtsResolver *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
  self->thread = g_thread_self ();
  self->timeout = MTS_RESOLVER_DEFAULT_TIMEOUT;
}

/**
 * mts_resolver_new:
 *
 * Makes a resolver that asks the servers of /etc/resolv.conf and runs on the
 * thread-default main context of the calling thread: start its lookups from
 * that thread only, and run that context.
 *
 * Returns: (transfer full): a new resolver
 */
MtsResolver *
mts_resolver_new (void)
{
  return g_object_new (MTS_TYPE_RESOLVER, NULL);
}

/**
 * mts_resolver_dup:
 * @self: a resolver, possibly owned by another thread
 *
 * Makes a resolver with the same server and timeout as @self, with its own
 * c-ares channel, for the calling thread and its thread-default main context.
 * Safe to call from any thread.
 *
 * Returns: (transfer full): a new resolver
 */
MtsResolver *
mts_resolver_dup (MtsResolver *self)
{
  MtsResolver *copy;

  g_return_val_if_fail (MTS_IS_RESOLVER (self), NULL);

  copy = mts_resolver_new ();
  g_mutex_lock (&self->lock);
  copy->server = g_strdup (self->server);
  copy->timeout = self->timeout;
  g_mutex_unlock (&self->lock);

  return copy;
}

/**
 * mts_resolver_ref_for_thread:
 * @self: a resolver
 *
 * Returns @self when the calling thread and its thread-default main context
 * are the ones @self runs on, otherwise a mts_resolver_dup() of it.
 *
 * Returns: (transfer full): a resolver usable from the calling thread
 */
MtsResolver *
mts_resolver_ref_for_thread (MtsResolver *self)
{
  g_autoptr(GMainContext) context = NULL;

  g_return_val_if_fail (MTS_IS_RESOLVER (self), NULL);

  context = g_main_context_ref_thread_default ();
  if (context == self->context && g_thread_self () == self->thread)
    return g_object_ref (self);

  return mts_resolver_dup (self);
}

/**
 * mts_resolver_get_context:
 * @self: a resolver
 *
 * Returns: (transfer none): the main context the resolver runs on
 */
GMainContext *
mts_resolver_get_context (MtsResolver *self)
{
  g_return_val_if_fail (MTS_IS_RESOLVER (self), NULL);

  return self->context;
}

/* The next lookup gets a channel made with the current configuration. */
static void
drop_channel (MtsResolver *self)
{
  if (self->channel != NULL)
    {
      Channel *channel = g_steal_pointer (&self->channel);

      channel_retire (channel);
      channel_unref (channel);
    }
}

/* "IP", "IP:PORT", "[IPv6]" or "[IPv6]:PORT" in c-ares' form, port included. */
static char *
parse_server (const char  *text,
              GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  g_autofree char *host = NULL;
  g_autofree char *address_text = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *port_text = NULL;
  guint64 port = 53;

  if (trimmed[0] == '[')
    {
      const char *close = strchr (trimmed, ']');

      if (close == NULL || (close[1] != '\0' && close[1] != ':'))
        goto bad_address;
      host = g_strndup (trimmed + 1, close - trimmed - 1);
      if (close[1] == ':')
        port_text = close + 2;
    }
  else
    {
      const char *colon = strchr (trimmed, ':');

      /* One colon separates an IPv4 address from its port; more than one
       * is an IPv6 address without brackets, hence without a port. */
      if (colon != NULL && strchr (colon + 1, ':') == NULL)
        {
          host = g_strndup (trimmed, colon - trimmed);
          port_text = colon + 1;
        }
      else
        host = g_strdup (trimmed);
    }

  if (port_text != NULL &&
      !g_ascii_string_to_unsigned (port_text, 10, 1, G_MAXUINT16, &port, NULL))
    {
      g_set_error (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_BAD_SERVER,
                   _("The port in “%s” must be a number from 1 to 65535. Type the DNS "
                     "server as an IP address, optionally with a port: 192.0.2.53, "
                     "192.0.2.53:5353 or [2001:db8::53]:5353."), trimmed);
      return NULL;
    }

  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    goto bad_address;

  address_text = g_inet_address_to_string (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", address_text, (guint) port);
  return g_strdup_printf ("%s:%u", address_text, (guint) port);

bad_address:
  g_set_error (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_BAD_SERVER,
               _("“%s” is not the IP address of a DNS server. Type an IP address, "
                 "optionally with a port: 192.0.2.53, 192.0.2.53:5353 or "
                 "[2001:db8::53]:5353."), trimmed);
  return NULL;
}

/**
 * mts_resolver_set_server:
 * @self: a resolver
 * @server: (nullable): "IP", "IP:PORT", "[IPv6]" or "[IPv6]:PORT"; %NULL or
 *   "" to use the servers of /etc/resolv.conf again
 * @error: where to put a %MTS_RESOLVER_ERROR_BAD_SERVER error
 *
 * Makes later lookups ask @server (port 53 unless given).  Lookups already
 * running finish with the server they started with.  Like the lookups, call
 * it from the thread the resolver runs on.
 *
 * Returns: %TRUE if @server is usable
 */
gboolean
mts_resolver_set_server (MtsResolver  *self,
                         const char   *server,
                         GError      **error)
{
  g_autofree char *csv = NULL;

  g_return_val_if_fail (MTS_IS_RESOLVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  while (server != NULL && g_ascii_isspace (*server))
    server++;
  if (server != NULL && *server != '\0')
    {
      csv = parse_server (server, error);
      if (csv == NULL)
        return FALSE;
    }

  g_mutex_lock (&self->lock);
  g_free (self->server);
  self->server = g_steal_pointer (&csv);
  g_mutex_unlock (&self->lock);

  drop_channel (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER]);

  return TRUE;
}

/**
 * mts_resolver_dup_server:
 * @self: a resolver
 *
 * Returns: (transfer full) (nullable): the server asked as "IP:PORT" or
 *   "[IPv6]:PORT", or %NULL when it is the system's
 */
char *
mts_resolver_dup_server (MtsResolver *self)
{
  char *server;

  g_return_val_if_fail (MTS_IS_RESOLVER (self), NULL);

  g_mutex_lock (&self->lock);
  server = g_strdup (self->server);
  g_mutex_unlock (&self->lock);

  return server;
}

void
mts_resolver_set_timeout (MtsResolver *self,
                          guint        seconds)
{
  g_return_if_fail (MTS_IS_RESOLVER (self));
  g_return_if_fail (seconds > 0);

  g_mutex_lock (&self->lock);
  if (self->timeout == seconds)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->timeout = seconds;
  g_mutex_unlock (&self->lock);

  /* c-ares' own retry timing is fixed when a channel is made. */
  drop_channel (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

guint
mts_resolver_get_timeout (MtsResolver *self)
{
  guint timeout;

  g_return_val_if_fail (MTS_IS_RESOLVER (self), 0);

  g_mutex_lock (&self->lock);
  timeout = self->timeout;
  g_mutex_unlock (&self->lock);

  return timeout;
}

static Channel *
ensure_channel (MtsResolver  *self,
                GError      **error)
{
  if (self->channel == NULL)
    {
      g_autofree char *server = mts_resolver_dup_server (self);

      self->channel = channel_new (self->context, server,
                                   mts_resolver_get_timeout (self), error);
    }

  return self->channel;
}

/* ------------------------------------------------------------------------ */
/* Results.                                                                  */

void
mts_mx_record_free (MtsMxRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->host);
  g_free (record);
}

void
mts_tlsa_record_free (MtsTlsaRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->data);
  g_free (record);
}

/* One TXT record: its character-strings, and them joined. */
typedef struct
{
  char **strings;
  char *joined;
} TxtRecord;

static void
txt_record_free (TxtRecord *record)
{
  g_strfreev (record->strings);
  g_free (record->joined);
  g_free (record);
}

static int
compare_mx (gconstpointer a,
            gconstpointer b)
{
  const MtsMxRecord *mx_a = *(MtsMxRecord * const *) a;
  const MtsMxRecord *mx_b = *(MtsMxRecord * const *) b;

  if (mx_a->preference != mx_b->preference)
    return mx_a->preference < mx_b->preference ? -1 : 1;
  return g_ascii_strcasecmp (mx_a->host, mx_b->host);
}

/* Text from the DNS is bytes; the rest of the program (JSON, GTK) needs
 * UTF-8.  Bytes that are not become U+FFFD, which the record checks then
 * report instead of silently cutting the text at a NUL. */
static char *
dns_text_to_utf8 (const guint8 *bytes,
                  gsize         length)
{
  return g_utf8_make_valid ((const char *) bytes, (gssize) length);
}

/* ------------------------------------------------------------------------ */
/* Walking a raw DNS message, for the types c-ares 1.18 cannot parse.        */

static guint
read_u16 (const guint8 *p)
{
  return ((guint) p[0] << 8) | p[1];
}

/* Moves *pos past a possibly compressed name. */
static gboolean
skip_name (const guint8 *buf,
           gsize         len,
           gsize        *pos)
{
  gsize p = *pos;

  for (;;)
    {
      guint8 label;

      if (p >= len)
        return FALSE;

      label = buf[p];
      if ((label & 0xC0) == 0xC0)
        {
          if (p + 2 > len)
            return FALSE;
          *pos = p + 2;
          return TRUE;
        }
      if ((label & 0xC0) != 0)
        return FALSE;
      if (label == 0)
        {
          *pos = p + 1;
          return TRUE;
        }
      p += 1 + label;
    }
}

/* The name at pos in presentation form, without the trailing dot ("" for
 * the root), or NULL if it is malformed. */
static char *
read_name (const guint8 *buf,
           gsize         len,
           gsize         pos)
{
  g_autoptr(GString) name = g_string_new (NULL);
  guint jumps = 0;
  gsize wire_length = 1;

  for (;;)
    {
      guint8 label;

      if (pos >= len)
        return NULL;

      label = buf[pos];
      if ((label & 0xC0) == 0xC0)
        {
          if (pos + 2 > len || ++jumps > DNS_MAX_POINTER_JUMPS)
            return NULL;
          pos = read_u16 (buf + pos) & 0x3FFF;
          continue;
        }
      if ((label & 0xC0) != 0)
        return NULL;
      if (label == 0)
        break;
      if (pos + 1 + label > len)
        return NULL;
      wire_length += 1 + label;
      if (wire_length > DNS_MAX_NAME)
        return NULL;

      if (name->len > 0)
        g_string_append_c (name, '.');
      for (guint i = 1; i <= label; i++)
        {
          guint8 c = buf[pos + i];

          if (c == '.' || c == '\\')
            g_string_append_printf (name, "\\%c", c);
          else if (c <= 0x20 || c >= 0x7F)
            g_string_append_printf (name, "\\%03u", c);
          else
            g_string_append_c (name, (char) c);
        }
      pos += 1 + label;
    }

  return g_string_free (g_steal_pointer (&name), FALSE);
}

typedef gboolean (*AnswerFunc) (const guint8 *buf,
                                gsize         len,
                                gsize         owner,
                                guint         rrtype,
                                gsize         rdata,
                                gsize         rdlength,
                                gpointer      user_data);

/* Calls func for each IN-class record of the answer section; FALSE if the
 * message is malformed (or func says so). */
static gboolean
walk_answers (const guint8 *buf,
              gsize         len,
              AnswerFunc    func,
              gpointer      user_data)
{
  guint questions, answers;
  gsize pos = DNS_HEADER_SIZE;

  if (buf == NULL || len < DNS_HEADER_SIZE)
    return FALSE;

  questions = read_u16 (buf + 4);
  answers = read_u16 (buf + 6);

  for (guint i = 0; i < questions; i++)
    {
      if (!skip_name (buf, len, &pos) || pos + 4 > len)
        return FALSE;
      pos += 4;
    }

  for (guint i = 0; i < answers; i++)
    {
      gsize owner = pos;
      guint rrtype, rrclass, rdlength;

      if (!skip_name (buf, len, &pos) || pos + 10 > len)
        return FALSE;
      rrtype = read_u16 (buf + pos);
      rrclass = read_u16 (buf + pos + 2);
      rdlength = read_u16 (buf + pos + 8);
      pos += 10;
      if (pos + rdlength > len)
        return FALSE;
      if (rrclass == DNS_CLASS_IN &&
          !func (buf, len, owner, rrtype, pos, rdlength, user_data))
        return FALSE;
      pos += rdlength;
    }

  return TRUE;
}

typedef struct
{
  const char *owner;
  char *target;
} CnameSearch;

static gboolean
find_cname (const guint8 *buf,
            gsize         len,
            gsize         owner,
            guint         rrtype,
            gsize         rdata,
            gsize         rdlength,
            gpointer      user_data)
{
  CnameSearch *search = user_data;
  g_autofree char *owner_name = NULL;

  if (rrtype != (guint) kinds[KIND_CNAME].rrtype || search->target != NULL)
    return TRUE;

  owner_name = read_name (buf, len, owner);
  if (owner_name == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (owner_name, search->owner) != 0)
    return TRUE;

  /* The target must start inside the record; compression may point back. */
  if (rdlength == 0)
    return FALSE;
  search->target = read_name (buf, len, rdata);
  return search->target != NULL;
}

static gboolean
collect_tlsa (const guint8 *buf,
              gsize         len,
              gsize         owner,
              guint         rrtype,
              gsize         rdata,
              gsize         rdlength,
              gpointer      user_data)
{
  GPtrArray *records = user_data;
  MtsTlsaRecord *record;
  static const char hex[] = "0123456789abcdef";

  if (rrtype != (guint) kinds[KIND_TLSA].rrtype)
    return TRUE;
  if (rdlength < 3)
    return FALSE;

  record = g_new0 (MtsTlsaRecord, 1);
  record->usage = buf[rdata];
  record->selector = buf[rdata + 1];
  record->matching_type = buf[rdata + 2];
  record->data = g_malloc (2 * (rdlength - 3) + 1);
  for (gsize i = 3; i < rdlength; i++)
    {
      record->data[2 * (i - 3)] = hex[buf[rdata + i] >> 4];
      record->data[2 * (i - 3) + 1] = hex[buf[rdata + i] & 0x0F];
    }
  record->data[2 * (rdlength - 3)] = '\0';
  g_ptr_array_add (records, record);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Lookups.                                                                  */

typedef struct
{
  guint ref_count;
  LookupKind kind;
  Channel *channel;
  /* The lookup's task until it has returned, then NULL. */
  GTask *task;
  /* The name asked, without a trailing dot. */
  char *name;
  GSource *timeout_source;
  GSource *cancel_source;
  /* CNAME: the names met so far, the name asked first. */
  GPtrArray *chain;
} Lookup;

static Lookup *
lookup_ref (Lookup *lookup)
{
  lookup->ref_count++;
  return lookup;
}

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
lookup_unref (gpointer data)
{
  Lookup *lookup = data;

  g_assert (lookup->ref_count > 0);

  if (--lookup->ref_count > 0)
    return;

  g_assert (lookup->task == NULL);
  destroy_source (&lookup->timeout_source);
  destroy_source (&lookup->cancel_source);
  g_clear_pointer (&lookup->chain, g_ptr_array_unref);
  g_free (lookup->name);
  channel_unref (lookup->channel);
  g_free (lookup);
}

/* Ends the lookup: after this the task is the caller's to return. */
static GTask *
lookup_take_task (Lookup *lookup)
{
  destroy_source (&lookup->timeout_source);
  destroy_source (&lookup->cancel_source);
  return g_steal_pointer (&lookup->task);
}

static void
lookup_return_error (Lookup *lookup,
                     GError *error)
{
  g_autoptr(GTask) task = lookup_take_task (lookup);

  g_task_return_error (task, error);
}

static void
lookup_return_pointer (Lookup         *lookup,
                       gpointer        result,
                       GDestroyNotify  result_destroy)
{
  g_autoptr(GTask) task = lookup_take_task (lookup);

  g_task_return_pointer (task, result, result_destroy);
}

static GError *
lookup_error_new (Lookup *lookup,
                  int     status)
{
  const char *type = kinds[lookup->kind].label;
  const char *name = lookup->name;

  switch (status)
    {
    case ARES_ENOTFOUND:
      return g_error_new (MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_SUCH_NAME,
                          _("The name “%s” does not exist in the DNS, so it has no %s "
                            "records. Check the spelling, or create the name at your "
                            "DNS provider."), name, type);

    case ARES_ENODATA:
      return g_error_new (MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_DATA,
                          _("The name “%s” exists, but it has no %s records. If it "
                            "should have them, add them at your DNS provider."),
                          name, type);

    case ARES_EREFUSED:
      return g_error_new (MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_SERVER_FAILURE,
                          _("The DNS server refused to give the %s records of “%s”. "
                            "Choose a DNS server that answers this computer."),
                          type, name);

    case ARES_ECONNREFUSED:
      return g_error_new (MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_SERVER_FAILURE,
                          _("The DNS server could not be reached for the %s records "
                            "of “%s”: it refused the connection. Check the DNS "
                            "server setting."), type, name);

    case ARES_ESERVFAIL:
    case ARES_EFORMERR:
    case ARES_ENOTIMP:
    case ARES_EBADRESP:
    case ARES_EOF:
      return g_error_new (MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_SERVER_FAILURE,
                          _("The DNS server failed to give the %s records of “%s”. "
                            "The DNS servers of this name may be down or wrongly set "
                            "up (or its DNSSEC signatures broken): try again later, or "
                            "ask the DNS provider."), type, name);

    case ARES_ETIMEOUT:
      return g_error_new (MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_TIMEOUT,
                          _("No DNS answer came in time for the %s records of “%s”. "
                            "Check the network connection, or choose another DNS "
                            "server."), type, name);

    case ARES_EBADNAME:
      return g_error_new (MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_BAD_NAME,
                          _("“%s” cannot be looked up in the DNS: it is not a valid "
                            "name. Check what was typed."), name);

    case ARES_EDESTRUCTION:
    case ARES_ECANCELLED:
      return g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                          _("The lookup of the %s records of “%s” was stopped."),
                          type, name);

    default:
      return g_error_new (MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_FAILED,
                          _("Looking up the %s records of “%s” failed: %s."),
                          type, name, ares_strerror (status));
    }
}

static void query_cb (void          *arg,
                      int            status,
                      int            timeouts,
                      unsigned char *abuf,
                      int            alen);

/* Sends one query for the lookup.  Does not touch the lookup afterwards:
 * c-ares may call back (and the lookup end) before ares_query() returns. */
static void
lookup_send (Lookup     *lookup,
             const char *qname)
{
  Channel *channel = channel_ref (lookup->channel);

  if (channel->ares == NULL)
    {
      lookup_return_error (lookup, lookup_error_new (lookup, ARES_EDESTRUCTION));
      channel_unref (channel);
      return;
    }

  channel->pending++;
  channel->processing++;
  ares_query (channel->ares, qname, DNS_CLASS_IN, kinds[lookup->kind].rrtype,
              query_cb, lookup_ref (lookup));
  channel->processing--;
  channel_update_timer (channel);
  channel_maybe_close (channel);
  channel_unref (channel);
}

static void
handle_mx (Lookup              *lookup,
           const unsigned char *abuf,
           int                  alen)
{
  struct ares_mx_reply *reply = NULL;
  g_autoptr(GPtrArray) records = NULL;
  int status;

  status = ares_parse_mx_reply (abuf, alen, &reply);
  if (status != ARES_SUCCESS)
    {
      lookup_return_error (lookup, lookup_error_new (lookup, status));
      return;
    }

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_mx_record_free);
  for (struct ares_mx_reply *mx = reply; mx != NULL; mx = mx->next)
    {
      MtsMxRecord *record = g_new0 (MtsMxRecord, 1);
      gsize host_len = strlen (mx->host);

      record->preference = mx->priority;
      /* Some c-ares versions keep the root's dot; a null MX is then ".". */
      if (host_len > 0 && mx->host[host_len - 1] == '.')
        host_len--;
      record->host = g_strndup (mx->host, host_len);
      g_ptr_array_add (records, record);
    }
  ares_free_data (reply);

  if (records->len == 0)
    {
      lookup_return_error (lookup, lookup_error_new (lookup, ARES_ENODATA));
      return;
    }

  g_ptr_array_sort (records, compare_mx);
  lookup_return_pointer (lookup, g_steal_pointer (&records),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
txt_record_finish (GPtrArray  *records,
                   GPtrArray  *strings,
                   GByteArray *joined)
{
  TxtRecord *record = g_new0 (TxtRecord, 1);

  g_ptr_array_add (strings, NULL);
  record->strings = (char **) g_ptr_array_free (strings, FALSE);
  /* Joined before the UTF-8 check: a character may span two strings. */
  record->joined = dns_text_to_utf8 (joined->data, joined->len);
  g_byte_array_unref (joined);
  g_ptr_array_add (records, record);
}

static void
handle_txt (Lookup              *lookup,
            const unsigned char *abuf,
            int                  alen)
{
  struct ares_txt_ext *reply = NULL;
  g_autoptr(GPtrArray) records = NULL;
  GPtrArray *strings = NULL;
  GByteArray *joined = NULL;
  int status;

  status = ares_parse_txt_reply_ext (abuf, alen, &reply);
  if (status != ARES_SUCCESS)
    {
      lookup_return_error (lookup, lookup_error_new (lookup, status));
      return;
    }

  /* Whether c-ares hands out each character-string or a record's strings
   * already joined changed between versions; appending until the next
   * record_start works with both. */
  records = g_ptr_array_new_with_free_func ((GDestroyNotify) txt_record_free);
  for (struct ares_txt_ext *txt = reply; txt != NULL; txt = txt->next)
    {
      if (txt->record_start || strings == NULL)
        {
          if (strings != NULL)
            txt_record_finish (records, strings, joined);
          strings = g_ptr_array_new ();
          joined = g_byte_array_new ();
        }
      g_ptr_array_add (strings, dns_text_to_utf8 (txt->txt, txt->length));
      g_byte_array_append (joined, txt->txt, txt->length);
    }
  if (strings != NULL)
    txt_record_finish (records, strings, joined);
  ares_free_data (reply);

  if (records->len == 0)
    {
      lookup_return_error (lookup, lookup_error_new (lookup, ARES_ENODATA));
      return;
    }

  lookup_return_pointer (lookup, g_steal_pointer (&records),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
handle_address (Lookup              *lookup,
                const unsigned char *abuf,
                int                  alen)
{
  struct hostent *host = NULL;
  g_autoptr(GPtrArray) addresses = NULL;
  GSocketFamily family;
  gsize size;
  int status;

  if (lookup->kind == KIND_A)
    {
      status = ares_parse_a_reply (abuf, alen, &host, NULL, NULL);
      family = G_SOCKET_FAMILY_IPV4;
      size = 4;
    }
  else
    {
      status = ares_parse_aaaa_reply (abuf, alen, &host, NULL, NULL);
      family = G_SOCKET_FAMILY_IPV6;
      size = 16;
    }

  if (status != ARES_SUCCESS)
    {
      lookup_return_error (lookup, lookup_error_new (lookup, status));
      return;
    }

  addresses = g_ptr_array_new_with_free_func (g_object_unref);
  if ((gsize) host->h_length == size)
    for (char **address = host->h_addr_list; *address != NULL; address++)
      g_ptr_array_add (addresses,
                       g_inet_address_new_from_bytes ((const guint8 *) *address, family));
  ares_free_hostent (host);

  if (addresses->len == 0)
    {
      lookup_return_error (lookup, lookup_error_new (lookup, ARES_ENODATA));
      return;
    }

  lookup_return_pointer (lookup, g_steal_pointer (&addresses),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
handle_tlsa (Lookup              *lookup,
             const unsigned char *abuf,
             int                  alen)
{
  g_autoptr(GPtrArray) records = NULL;

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_tlsa_record_free);
  if (!walk_answers (abuf, alen, collect_tlsa, records))
    {
      lookup_return_error (lookup, lookup_error_new (lookup, ARES_EBADRESP));
      return;
    }

  if (records->len == 0)
    {
      lookup_return_error (lookup, lookup_error_new (lookup, ARES_ENODATA));
      return;
    }

  lookup_return_pointer (lookup, g_steal_pointer (&records),
                         (GDestroyNotify) g_ptr_array_unref);
}

static gboolean
chain_contains (GPtrArray  *chain,
                const char *name)
{
  for (guint i = 0; i < chain->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (chain, i), name) == 0)
      return TRUE;

  return FALSE;
}

static char *
chain_to_string (GPtrArray *chain)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < chain->len; i++)
    {
      if (i > 0)
        g_string_append (text, " → ");
      g_string_append (text, g_ptr_array_index (chain, i));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
lookup_return_chain (Lookup *lookup)
{
  g_ptr_array_add (lookup->chain, NULL);
  lookup_return_pointer (lookup, g_ptr_array_free (g_steal_pointer (&lookup->chain), FALSE),
                         (GDestroyNotify) g_strfreev);
}

static void
handle_cname (Lookup              *lookup,
              int                  status,
              const unsigned char *abuf,
              int                  alen)
{
  const char *current = g_ptr_array_index (lookup->chain, lookup->chain->len - 1);
  CnameSearch search = { current, NULL };
  g_autofree char *path = NULL;

  /* The last name exists and is no alias: the chain ends there. */
  if (status == ARES_ENODATA)
    {
      lookup_return_chain (lookup);
      return;
    }

  if (status == ARES_ENOTFOUND && lookup->chain->len > 1)
    {
      path = chain_to_string (lookup->chain);
      lookup_return_error (lookup,
                           g_error_new (MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_SUCH_NAME,
                                        _("The name “%s” is an alias (CNAME) for “%s”, "
                                          "which does not exist in the DNS (%s). Point the "
                                          "alias at an existing name, or remove it."),
                                        lookup->name, current, path));
      return;
    }

  if (status != ARES_SUCCESS)
    {
      lookup_return_error (lookup, lookup_error_new (lookup, status));
      return;
    }

  if (!walk_answers (abuf, alen, find_cname, &search))
    {
      g_free (search.target);
      lookup_return_error (lookup, lookup_error_new (lookup, ARES_EBADRESP));
      return;
    }

  /* An answer without a CNAME for this very name means it is no alias. */
  if (search.target == NULL)
    {
      lookup_return_chain (lookup);
      return;
    }

  if (chain_contains (lookup->chain, search.target) ||
      lookup->chain->len > MTS_RESOLVER_MAX_CNAME_CHAIN)
    {
      g_ptr_array_add (lookup->chain, search.target);
      path = chain_to_string (lookup->chain);
      lookup_return_error (lookup,
                           g_error_new (MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_CNAME_LOOP,
                                        _("The aliases (CNAME records) starting at “%s” "
                                          "loop or go on for more than %u steps: %s. Make "
                                          "the alias point at a name that is not an alias "
                                          "itself."),
                                        lookup->name, MTS_RESOLVER_MAX_CNAME_CHAIN, path));
      return;
    }

  g_ptr_array_add (lookup->chain, search.target);
  lookup_send (lookup, search.target);
}

static void
query_cb (void          *arg,
          int            status,
          int            timeouts,
          unsigned char *abuf,
          int            alen)
{
  Lookup *lookup = arg;

  g_assert (lookup->channel->pending > 0);
  lookup->channel->pending--;

  /* Ended already (cancelled, timed out): c-ares is only letting go. */
  if (lookup->task == NULL)
    {
      lookup_unref (lookup);
      return;
    }

  if (lookup->kind == KIND_CNAME && status != ARES_EDESTRUCTION &&
      status != ARES_ECANCELLED)
    handle_cname (lookup, status, abuf, alen);
  else if (status != ARES_SUCCESS)
    lookup_return_error (lookup, lookup_error_new (lookup, status));
  else
    switch (lookup->kind)
      {
      case KIND_MX:
        handle_mx (lookup, abuf, alen);
        break;

      case KIND_TXT:
        handle_txt (lookup, abuf, alen);
        break;

      case KIND_A:
      case KIND_AAAA:
        handle_address (lookup, abuf, alen);
        break;

      case KIND_TLSA:
        handle_tlsa (lookup, abuf, alen);
        break;

      case KIND_CNAME:
      default:
        g_assert_not_reached ();
      }

  lookup_unref (lookup);
}

static gboolean
lookup_timeout_cb (gpointer user_data)
{
  Lookup *lookup = lookup_ref (user_data);

  if (lookup->task != NULL)
    lookup_return_error (lookup, lookup_error_new (lookup, ARES_ETIMEOUT));
  lookup_unref (lookup);

  return G_SOURCE_REMOVE;
}

static gboolean
lookup_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  Lookup *lookup = lookup_ref (user_data);

  if (lookup->task != NULL)
    {
      g_autoptr(GTask) task = lookup_take_task (lookup);

      g_task_return_error_if_cancelled (task);
    }
  lookup_unref (lookup);

  return G_SOURCE_REMOVE;
}

static void
lookup_start (MtsResolver         *self,
              LookupKind           kind,
              const char          *name,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *qname = NULL;
  Channel *channel;
  Lookup *lookup;
  gsize len;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[mts] DNS lookup");

  if (g_task_return_error_if_cancelled (task))
    return;

  /* "example.com." and "example.com" are the same name to ask for. */
  qname = g_strstrip (g_strdup (name));
  len = strlen (qname);
  if (len > 1 && qname[len - 1] == '.' && qname[len - 2] != '\\')
    qname[len - 1] = '\0';

  channel = ensure_channel (self, &error);
  if (channel == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  lookup = g_new0 (Lookup, 1);
  lookup->ref_count = 1;
  lookup->kind = kind;
  lookup->channel = channel_ref (channel);
  lookup->name = g_strdup (qname);
  lookup->task = g_object_ref (task);
  /* The task holds the lookup until it is finalized; each c-ares query
   * holds its own reference, since it may outlive the task.  The timeout
   * and cancel sources are destroyed when the task returns. */
  g_task_set_task_data (task, lookup, lookup_unref);

  if (qname[0] == '\0')
    {
      lookup_return_error (lookup, lookup_error_new (lookup, ARES_EBADNAME));
      return;
    }

  if (kind == KIND_CNAME)
    {
      lookup->chain = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (lookup->chain, g_strdup (qname));
    }

  lookup->timeout_source = g_timeout_source_new (mts_resolver_get_timeout (self) * 1000);
  g_source_set_callback (lookup->timeout_source, lookup_timeout_cb, lookup, NULL);
  g_source_set_static_name (lookup->timeout_source, "[mts] DNS lookup timeout");
  g_source_attach (lookup->timeout_source, self->context);

  if (cancellable != NULL)
    {
      lookup->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (lookup->cancel_source, G_SOURCE_FUNC (lookup_cancelled_cb),
                             lookup, NULL);
      g_source_attach (lookup->cancel_source, self->context);
    }

  lookup_send (lookup, qname);
}

static gboolean
check_thread (MtsResolver *self)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  return context == self->context && g_thread_self () == self->thread;
}

#define LOOKUP_PRECONDITIONS                                                    \
  g_return_if_fail (MTS_IS_RESOLVER (self));                                    \
  g_return_if_fail (name != NULL);                                              \
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));     \
  /* One c-ares channel is not safe to use from two threads: use             \
   * mts_resolver_ref_for_thread() in others. */                                \
  g_return_if_fail (check_thread (self))

#define FINISH_PRECONDITIONS(tag)                                               \
  g_return_val_if_fail (MTS_IS_RESOLVER (self), NULL);                          \
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);                  \
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == (tag), NULL)

/**
 * mts_resolver_lookup_mx_async:
 * @self: a resolver
 * @name: the domain
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Looks up the MX records of @name.
 */
void
mts_resolver_lookup_mx_async (MtsResolver         *self,
                              const char          *name,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  LOOKUP_PRECONDITIONS;
  lookup_start (self, KIND_MX, name, cancellable, callback, user_data,
                mts_resolver_lookup_mx_async);
}

/**
 * mts_resolver_lookup_mx_finish:
 *
 * Returns: (transfer container) (element-type MtsMxRecord): the MX records
 *   by preference, then by name
 */
GPtrArray *
mts_resolver_lookup_mx_finish (MtsResolver   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  FINISH_PRECONDITIONS (mts_resolver_lookup_mx_async);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mts_resolver_lookup_txt_async:
 * @self: a resolver
 * @name: the name, such as "_mta-sts.example.com"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Looks up the TXT records of @name.  Finish with either
 * mts_resolver_lookup_txt_finish() or mts_resolver_lookup_txt_strings_finish().
 */
void
mts_resolver_lookup_txt_async (MtsResolver         *self,
                               const char          *name,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  LOOKUP_PRECONDITIONS;
  lookup_start (self, KIND_TXT, name, cancellable, callback, user_data,
                mts_resolver_lookup_txt_async);
}

/**
 * mts_resolver_lookup_txt_finish:
 *
 * Returns: (transfer full): one string per TXT record, its character-strings
 *   joined with nothing between them (as RFC 8461 §3.1 and RFC 7208 read them)
 */
char **
mts_resolver_lookup_txt_finish (MtsResolver   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_autoptr(GPtrArray) records = NULL;
  GStrvBuilder *builder;
  char **joined;

  FINISH_PRECONDITIONS (mts_resolver_lookup_txt_async);

  records = g_task_propagate_pointer (G_TASK (result), error);
  if (records == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < records->len; i++)
    g_strv_builder_add (builder, ((TxtRecord *) g_ptr_array_index (records, i))->joined);
  joined = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return joined;
}

/**
 * mts_resolver_lookup_txt_strings_finish:
 *
 * Returns: (transfer container) (element-type GStrv): per TXT record, its
 *   character-strings as published, for showing how a record is split
 */
GPtrArray *
mts_resolver_lookup_txt_strings_finish (MtsResolver   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_autoptr(GPtrArray) records = NULL;
  GPtrArray *strings;

  FINISH_PRECONDITIONS (mts_resolver_lookup_txt_async);

  records = g_task_propagate_pointer (G_TASK (result), error);
  if (records == NULL)
    return NULL;

  strings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 0; i < records->len; i++)
    {
      TxtRecord *record = g_ptr_array_index (records, i);

      g_ptr_array_add (strings, g_steal_pointer (&record->strings));
    }

  return strings;
}

/**
 * mts_resolver_lookup_a_async:
 *
 * Looks up the IPv4 addresses of @name, following CNAMEs.
 */
void
mts_resolver_lookup_a_async (MtsResolver         *self,
                             const char          *name,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  LOOKUP_PRECONDITIONS;
  lookup_start (self, KIND_A, name, cancellable, callback, user_data,
                mts_resolver_lookup_a_async);
}

/**
 * mts_resolver_lookup_a_finish:
 *
 * Returns: (transfer container) (element-type GInetAddress): the addresses
 */
GPtrArray *
mts_resolver_lookup_a_finish (MtsResolver   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  FINISH_PRECONDITIONS (mts_resolver_lookup_a_async);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mts_resolver_lookup_aaaa_async:
 *
 * Looks up the IPv6 addresses of @name, following CNAMEs.
 */
void
mts_resolver_lookup_aaaa_async (MtsResolver         *self,
                                const char          *name,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  LOOKUP_PRECONDITIONS;
  lookup_start (self, KIND_AAAA, name, cancellable, callback, user_data,
                mts_resolver_lookup_aaaa_async);
}

/**
 * mts_resolver_lookup_aaaa_finish:
 *
 * Returns: (transfer container) (element-type GInetAddress): the addresses
 */
GPtrArray *
mts_resolver_lookup_aaaa_finish (MtsResolver   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  FINISH_PRECONDITIONS (mts_resolver_lookup_aaaa_async);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mts_resolver_lookup_cname_chain_async:
 * @self: a resolver
 * @name: the name, such as "_mta-sts.example.com"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Follows the CNAME records from @name, one query at a time, to the name
 * that is no alias: how a domain delegates its policy host or record to a
 * provider (RFC 8461 §8.2).  A chain that loops or is longer than
 * %MTS_RESOLVER_MAX_CNAME_CHAIN fails with %MTS_RESOLVER_ERROR_CNAME_LOOP;
 * an alias for a name that does not exist, with
 * %MTS_RESOLVER_ERROR_NO_SUCH_NAME.
 */
void
mts_resolver_lookup_cname_chain_async (MtsResolver         *self,
                                       const char          *name,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  LOOKUP_PRECONDITIONS;
  lookup_start (self, KIND_CNAME, name, cancellable, callback, user_data,
                mts_resolver_lookup_cname_chain_async);
}

/**
 * mts_resolver_lookup_cname_chain_finish:
 * @chain: (out) (optional) (transfer full): the names from the one asked to
 *   the final one; just the name asked when it is no alias
 *
 * Returns: (transfer full): the final name
 */
char *
mts_resolver_lookup_cname_chain_finish (MtsResolver    *self,
                                        GAsyncResult   *result,
                                        char         ***chain,
                                        GError        **error)
{
  g_auto(GStrv) names = NULL;
  char *final;

  FINISH_PRECONDITIONS (mts_resolver_lookup_cname_chain_async);

  names = g_task_propagate_pointer (G_TASK (result), error);
  if (names == NULL)
    return NULL;

  final = g_strdup (names[g_strv_length (names) - 1]);
  if (chain != NULL)
    *chain = g_steal_pointer (&names);

  return final;
}

/**
 * mts_resolver_lookup_tlsa_async:
 * @self: a resolver
 * @name: the name, such as "_25._tcp.mx.example.com"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Looks up the TLSA records (DANE, RFC 6698) of @name.
 */
void
mts_resolver_lookup_tlsa_async (MtsResolver         *self,
                                const char          *name,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  LOOKUP_PRECONDITIONS;
  lookup_start (self, KIND_TLSA, name, cancellable, callback, user_data,
                mts_resolver_lookup_tlsa_async);
}

/**
 * mts_resolver_lookup_tlsa_finish:
 *
 * Returns: (transfer container) (element-type MtsTlsaRecord): the records
 */
GPtrArray *
mts_resolver_lookup_tlsa_finish (MtsResolver   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  FINISH_PRECONDITIONS (mts_resolver_lookup_tlsa_async);
  return g_task_propagate_pointer (G_TASK (result), error);
}
