/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-smtp-probe.c: the SMTP STARTTLS dialogue and the TLS handshake with one MX address.
 *
 * One probe makes up to two connections ("attempts"): the real one with TLS
 * 1.2 or later, then, if the server spoke TLS at all, one that offers only
 * TLS 1.0/1.1.  The modern one goes first because some servers stop offering
 * STARTTLS to an address after a failed handshake.
 *
 * Each attempt is a small state machine on the caller's main context: at any
 * moment exactly one thing is pending (the connect, or one socket source),
 * plus a deadline timer.  A deadline or the caller's cancellable both cancel
 * the attempt's own GCancellable; the pending thing then wakes up and ends
 * the attempt, so nothing is ever freed under a pending callback.
 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#include "core/mts-domain.h"
#include "mts-smtp-probe-private.h"
#include "mts-smtp-reply.h"

/* A server that answered QUIT slowly does not change the result: the wait
 * for its reply is short. */
#define QUIT_TIMEOUT_MS 5000

/* Non-fatal handshake results (warning alerts) are retried; bound them. */
#define MAX_HANDSHAKE_RETRIES 16

struct _MtsProbeCredentials
{
  gatomicrefcount ref_count;
  gnutls_certificate_credentials_t creds;
};

typedef struct _Probe Probe;
typedef struct _Attempt Attempt;
typedef void (*ReplyFunc) (Attempt      *a,
                           MtsSmtpReply *reply);
typedef void (*AttemptFunc) (Attempt *a);

struct _Probe
{
  GTask *task;
  GMainContext *context;
  GCancellable *cancellable;    /* the caller's, may be NULL */
  char *host;
  GInetAddress *address;
  guint16 port;
  MtsProbeOptions options;      /* strings point into the fields below */
  char *helo_name;
  char *ca_file;
  MtsProbeCredentials *creds;
  MtsProbeResult *result;
  /* The second connection writes here; only its status and version count. */
  MtsProbeResult *legacy_result;
  gint64 started;
};

struct _Attempt
{
  Probe *probe;
  MtsProbeResult *into;
  gboolean legacy;

  GSocketClient *client;
  GSocketConnection *connection;
  GSocket *socket;
  gnutls_session_t session;

  GCancellable *cancellable;
  gulong cancel_id;
  GSource *deadline;
  GSource *io;
  AttemptFunc resume;
  gboolean timed_out;
  gboolean quitting;

  MtsSmtpReplyReader *reader;
  ReplyFunc on_reply;
  char *command;
  gsize command_len;
  gsize command_sent;
  guint handshake_retries;
  gint64 step_started;
};

static void attempt_start (Probe          *probe,
                           MtsProbeResult *into,
                           gboolean        legacy);
static void pump (Attempt *a);
static void push (Attempt *a);
static void handshake_step (Attempt *a);
static void probe_attempt_done (Probe    *probe,
                                gboolean  legacy);

/* Credentials */

MtsProbeCredentials *
_mts_probe_credentials_new (const char  *ca_file,
                            GError     **error)
{
  g_autoptr(MtsProbeCredentials) creds = g_new0 (MtsProbeCredentials, 1);
  int ret;

  g_atomic_ref_count_init (&creds->ref_count);
  ret = gnutls_certificate_allocate_credentials (&creds->creds);
  if (ret < 0)
    {
      creds->creds = NULL;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not set up TLS: %s"), gnutls_strerror (ret));
      return NULL;
    }

  /* A machine without a system store still probes: every certificate is
   * then reported as untrusted, which is what a sender there would see. */
  gnutls_certificate_set_x509_system_trust (creds->creds);

  if (ca_file != NULL)
    {
      ret = gnutls_certificate_set_x509_trust_file (creds->creds, ca_file, GNUTLS_X509_FMT_PEM);
      if (ret < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Could not read the CA file “%s”: %s"), ca_file, gnutls_strerror (ret));
          return NULL;
        }
      if (ret == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The CA file “%s” contains no certificate in PEM form."), ca_file);
          return NULL;
        }
    }

  return g_steal_pointer (&creds);
}

MtsProbeCredentials *
_mts_probe_credentials_ref (MtsProbeCredentials *creds)
{
  g_atomic_ref_count_inc (&creds->ref_count);
  return creds;
}

void
_mts_probe_credentials_unref (MtsProbeCredentials *creds)
{
  if (creds == NULL || !g_atomic_ref_count_dec (&creds->ref_count))
    return;
  if (creds->creds != NULL)
    gnutls_certificate_free_credentials (creds->creds);
  g_free (creds);
}

gnutls_certificate_credentials_t
_mts_probe_credentials_get (MtsProbeCredentials *creds)
{
  return creds->creds;
}

/* Small helpers */

static gint64
elapsed_ms (gint64 since)
{
  return (g_get_monotonic_time () - since) / 1000;
}

static gboolean
host_is_ip (const char *host)
{
  return g_hostname_is_ip_address (host);
}

static void
user_cancelled_cb (GCancellable *user_cancellable,
                   gpointer      data)
{
  /* May run in another thread; cancelling is thread-safe. */
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static gboolean
deadline_cb (gpointer data)
{
  Attempt *a = data;

  a->timed_out = TRUE;
  g_clear_pointer (&a->deadline, g_source_unref);
  g_cancellable_cancel (a->cancellable);
  return G_SOURCE_REMOVE;
}

static void
disarm_deadline (Attempt *a)
{
  if (a->deadline != NULL)
    {
      g_source_destroy (a->deadline);
      g_clear_pointer (&a->deadline, g_source_unref);
    }
}

static void
arm_deadline (Attempt *a,
              guint    ms)
{
  disarm_deadline (a);
  a->deadline = g_timeout_source_new (ms);
  g_source_set_callback (a->deadline, deadline_cb, a, NULL);
  g_source_set_name (a->deadline, "[mts] probe deadline");
  g_source_attach (a->deadline, a->probe->context);
}

static gboolean interrupted (Attempt *a);

static gboolean
io_ready_cb (GSocket      *socket,
             GIOCondition  condition,
             gpointer      data)
{
  Attempt *a = data;

  g_clear_pointer (&a->io, g_source_unref);
  if (!interrupted (a))
    a->resume (a);
  return G_SOURCE_REMOVE;
}

/* Calls @resume when the socket is ready for @condition; when the attempt
 * was interrupted (deadline, cancellation), ends it instead. */
static void
wait_io (Attempt      *a,
         GIOCondition  condition,
         AttemptFunc   resume)
{
  g_assert (a->io == NULL);

  a->resume = resume;
  a->io = g_socket_create_source (a->socket, condition, a->cancellable);
  g_source_set_callback (a->io, G_SOURCE_FUNC (io_ready_cb), a, NULL);
  g_source_set_name (a->io, "[mts] probe socket");
  g_source_attach (a->io, a->probe->context);
}

static void
set_outcome (Attempt        *a,
             MtsProbeStatus  status,
             const char     *detail)
{
  MtsProbeResult *r = a->into;

  r->status = status;
  g_free (r->detail);
  r->detail = g_strdup (detail);
}

static char *
reply_to_detail (const MtsSmtpReply *reply)
{
  g_autofree char *text = g_strjoinv (" ", reply->lines);

  return g_strdup_printf ("%u %s", reply->code, text);
}

/* Ending an attempt */

static void
attempt_free (Attempt *a)
{
  disarm_deadline (a);
  if (a->io != NULL)
    {
      g_source_destroy (a->io);
      g_clear_pointer (&a->io, g_source_unref);
    }
  if (a->cancel_id != 0)
    g_cancellable_disconnect (a->probe->cancellable, a->cancel_id);
  if (a->session != NULL)
    gnutls_deinit (a->session);
  if (a->connection != NULL)
    g_io_stream_close (G_IO_STREAM (a->connection), NULL, NULL);
  g_clear_object (&a->connection);
  g_clear_object (&a->client);
  g_clear_object (&a->cancellable);
  g_clear_pointer (&a->reader, mts_smtp_reply_reader_free);
  g_free (a->command);
  g_free (a);
}

static void
attempt_end (Attempt *a)
{
  Probe *probe = a->probe;
  gboolean legacy = a->legacy;

  attempt_free (a);
  probe_attempt_done (probe, legacy);
}

static void
quit_reply_cb (Attempt      *a,
               MtsSmtpReply *reply)
{
  mts_smtp_reply_free (reply);
  if (a->session != NULL)
    {
      /* One try at a clean TLS close; a server that already closed or
       * would block does not matter any more. */
      gnutls_bye (a->session, GNUTLS_SHUT_WR);
    }
  attempt_end (a);
}

static void
send_command (Attempt    *a,
              const char *command,
              ReplyFunc   func)
{
  g_free (a->command);
  a->command = g_strdup (command);
  a->command_len = strlen (command);
  a->command_sent = 0;
  a->on_reply = func;
  a->step_started = g_get_monotonic_time ();
  push (a);
}

/* Says QUIT and waits a little for the answer, then ends the attempt.  Only
 * used where the dialogue is in a known state; after a timeout or garbage
 * the connection is simply closed. */
static void
quit (Attempt *a)
{
  a->quitting = TRUE;
  arm_deadline (a, MIN (a->probe->options.reply_timeout_ms, QUIT_TIMEOUT_MS));
  send_command (a, "QUIT\r\n", quit_reply_cb);
}

static void
fail (Attempt        *a,
      MtsProbeStatus  status,
      const char     *detail,
      gboolean        say_quit)
{
  set_outcome (a, status, detail);
  if (say_quit)
    quit (a);
  else
    attempt_end (a);
}

/* TRUE when the attempt's cancellable fired: then the attempt has ended. */
static gboolean
interrupted (Attempt *a)
{
  MtsProbeResult *r = a->into;

  if (!g_cancellable_is_cancelled (a->cancellable))
    return FALSE;

  if (a->quitting || (a->probe->cancellable != NULL &&
                      g_cancellable_is_cancelled (a->probe->cancellable)))
    {
      /* A cancelled probe returns no result; a slow QUIT changes nothing. */
      attempt_end (a);
      return TRUE;
    }

  /* The step that timed out records how long it was given, so reports
   * (and tests) can tell the time limit from the time spent elsewhere. */
  g_assert (a->timed_out);
  switch (r->stage)
    {
    case MTS_PROBE_STAGE_CONNECT:
      r->connect_ms = elapsed_ms (a->step_started);
      r->connect_failure = MTS_PROBE_CONNECT_TIMEOUT;
      set_outcome (a, MTS_PROBE_STATUS_CONNECT_FAILED, NULL);
      break;
    case MTS_PROBE_STAGE_HANDSHAKE:
      r->handshake_ms = elapsed_ms (a->step_started);
      set_outcome (a, MTS_PROBE_STATUS_HANDSHAKE_TIMEOUT, NULL);
      break;
    case MTS_PROBE_STAGE_GREETING:
      r->greeting_ms = elapsed_ms (a->step_started);
      set_outcome (a, MTS_PROBE_STATUS_NO_ANSWER, NULL);
      break;
    case MTS_PROBE_STAGE_EHLO:
      r->ehlo_ms = elapsed_ms (a->step_started);
      set_outcome (a, MTS_PROBE_STATUS_NO_ANSWER, NULL);
      break;
    case MTS_PROBE_STAGE_STARTTLS:
      r->starttls_ms = elapsed_ms (a->step_started);
      set_outcome (a, MTS_PROBE_STATUS_NO_ANSWER, NULL);
      break;
    case MTS_PROBE_STAGE_DONE:
    default:
      set_outcome (a, MTS_PROBE_STATUS_NO_ANSWER, NULL);
      break;
    }
  attempt_end (a);
  return TRUE;
}

/* Reading replies */

static void
connection_lost (Attempt    *a,
                 const char *detail)
{
  if (a->quitting)
    attempt_end (a);
  else
    fail (a, MTS_PROBE_STATUS_DROPPED, detail, FALSE);
}

static void
reader_failed (Attempt *a,
               GError  *error)
{
  MtsProbeStatus status;

  if (a->quitting)
    {
      attempt_end (a);
      return;
    }

  switch (error->code)
    {
    case MTS_SMTP_REPLY_ERROR_LINE_TOO_LONG:
      status = MTS_PROBE_STATUS_LINE_TOO_LONG;
      break;
    case MTS_SMTP_REPLY_ERROR_TOO_MANY_LINES:
    case MTS_SMTP_REPLY_ERROR_TOO_LARGE:
      status = MTS_PROBE_STATUS_REPLY_TOO_LARGE;
      break;
    case MTS_SMTP_REPLY_ERROR_NO_CRLF:
      status = MTS_PROBE_STATUS_NO_CRLF;
      break;
    case MTS_SMTP_REPLY_ERROR_TRUNCATED:
      status = MTS_PROBE_STATUS_DROPPED;
      break;
    case MTS_SMTP_REPLY_ERROR_MALFORMED:
    default:
      status = MTS_PROBE_STATUS_NOT_SMTP;
      break;
    }
  fail (a, status, error->message, FALSE);
}

/* Reads until a whole reply is there, then hands it to a->on_reply. */
static void
pump (Attempt *a)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      MtsSmtpReply *reply;
      guint8 buf[4096];
      gssize n;

      reply = mts_smtp_reply_reader_pop (a->reader);
      if (reply != NULL)
        {
          a->on_reply (a, reply);
          return;
        }

      if (a->session != NULL)
        {
          n = gnutls_record_recv (a->session, buf, sizeof buf);
          if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
            {
              wait_io (a, gnutls_record_get_direction (a->session) ? G_IO_OUT : G_IO_IN, pump);
              return;
            }
          if (n < 0)
            {
              connection_lost (a, gnutls_strerror (n));
              return;
            }
        }
      else
        {
          n = g_socket_receive_with_blocking (a->socket, (char *) buf, sizeof buf, FALSE,
                                              NULL, &error);
          if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              wait_io (a, G_IO_IN, pump);
              return;
            }
          if (n < 0)
            {
              connection_lost (a, error->message);
              return;
            }
        }

      if (n == 0)
        {
          if (!mts_smtp_reply_reader_finish (a->reader, &error))
            reader_failed (a, error);
          else
            connection_lost (a, NULL);
          return;
        }

      if (!mts_smtp_reply_reader_feed (a->reader, buf, n, &error))
        {
          reader_failed (a, error);
          return;
        }
    }
}

/* Writing commands */

/* Sends what is left of a->command, then reads its reply. */
static void
push (Attempt *a)
{
  while (a->command_sent < a->command_len)
    {
      const char *data = a->command + a->command_sent;
      gsize len = a->command_len - a->command_sent;
      gssize n;

      if (a->session != NULL)
        {
          n = gnutls_record_send (a->session, data, len);
          if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
            {
              wait_io (a, gnutls_record_get_direction (a->session) ? G_IO_OUT : G_IO_IN, push);
              return;
            }
          if (n < 0)
            {
              connection_lost (a, gnutls_strerror (n));
              return;
            }
        }
      else
        {
          g_autoptr(GError) error = NULL;

          n = g_socket_send_with_blocking (a->socket, data, len, FALSE, NULL, &error);
          if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              wait_io (a, G_IO_OUT, push);
              return;
            }
          if (n < 0)
            {
              connection_lost (a, error->message);
              return;
            }
        }
      a->command_sent += n;
    }

  pump (a);
}

/* The handshake and what it tells */

static char *
datum_to_string (gnutls_datum_t *datum)
{
  char *s = g_utf8_make_valid ((const char *) datum->data, datum->size);

  gnutls_free (datum->data);
  datum->data = NULL;
  return s;
}

static char **
cert_dns_names (gnutls_x509_crt_t crt)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0;; i++)
    {
      g_autofree char *data = NULL;
      size_t size = 0;
      int ret = gnutls_x509_crt_get_subject_alt_name (crt, i, NULL, &size, NULL);

      if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
        {
          size++;
          data = g_malloc0 (size);
          ret = gnutls_x509_crt_get_subject_alt_name (crt, i, data, &size, NULL);
        }
      if (ret < 0)
        break;
      if (ret == GNUTLS_SAN_DNSNAME && data != NULL)
        g_ptr_array_add (names, g_utf8_make_valid (data, size));
    }

  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static MtsProbeCert *
probe_cert_new (gnutls_x509_crt_t crt,
                gint64            now)
{
  MtsProbeCert *cert = g_new0 (MtsProbeCert, 1);
  gnutls_datum_t datum = { NULL, 0 };
  guint8 digest[32];
  size_t digest_size = sizeof digest;
  unsigned int bits = 0;
  gint64 left;
  int pk;

  if (gnutls_x509_crt_get_dn3 (crt, &datum, 0) >= 0)
    cert->subject = datum_to_string (&datum);
  else
    cert->subject = g_strdup ("");
  if (gnutls_x509_crt_get_issuer_dn3 (crt, &datum, 0) >= 0)
    cert->issuer = datum_to_string (&datum);
  else
    cert->issuer = g_strdup ("");

  cert->san = cert_dns_names (crt);
  cert->not_before = gnutls_x509_crt_get_activation_time (crt);
  cert->not_after = gnutls_x509_crt_get_expiration_time (crt);
  /* Whole days, rounded towards the past: expiring in 3 hours is 0 days
   * left, expired 3 hours ago is -1. */
  left = cert->not_after - now;
  cert->days_left = left >= 0 ? left / 86400 : -((-left + 86399) / 86400);

  pk = gnutls_x509_crt_get_pk_algorithm (crt, &bits);
  cert->key_type = g_strdup (pk >= 0 && gnutls_pk_get_name (pk) != NULL
                             ? gnutls_pk_get_name (pk) : "unknown");
  cert->key_bits = bits;
  cert->signature_algorithm =
    g_strdup (gnutls_sign_get_name (gnutls_x509_crt_get_signature_algorithm (crt)) ?: "unknown");

  if (gnutls_x509_crt_get_fingerprint (crt, GNUTLS_DIG_SHA256, digest, &digest_size) >= 0)
    {
      GString *hex = g_string_sized_new (digest_size * 2);

      for (gsize i = 0; i < digest_size; i++)
        g_string_append_printf (hex, "%02x", digest[i]);
      cert->sha256 = g_string_free (hex, FALSE);
    }
  cert->self_signed = gnutls_x509_crt_check_issuer (crt, crt) != 0;
  return cert;
}

/* Reads the session's parameters, the chain and what verification says. */
static void
read_session (Attempt *a)
{
  MtsProbeResult *r = a->into;
  Probe *probe = a->probe;
  gnutls_session_t s = a->session;
  const gnutls_datum_t *peers;
  unsigned int n_peers = 0;
  gnutls_x509_crt_t leaf = NULL;
  gnutls_kx_algorithm_t kx;
  gnutls_group_t group;
  unsigned int status = 0;
  char *desc;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int ret;

  r->tls_version = g_strdup (gnutls_protocol_get_name (gnutls_protocol_get_version (s)));
  r->cipher = g_strdup (gnutls_cipher_get_name (gnutls_cipher_get (s)));
  kx = gnutls_kx_get (s);
  if (kx != GNUTLS_KX_UNKNOWN)
    r->key_exchange = g_strdup (gnutls_kx_get_name (kx));
  group = gnutls_group_get (s);
  if (group != GNUTLS_GROUP_INVALID)
    r->group = g_strdup (gnutls_group_get_name (group));
  desc = gnutls_session_get_desc (s);
  r->description = g_strdup (desc);
  gnutls_free (desc);

  peers = gnutls_certificate_get_peers (s, &n_peers);
  for (unsigned int i = 0; peers != NULL && i < n_peers; i++)
    {
      gnutls_x509_crt_t crt;

      if (gnutls_x509_crt_init (&crt) < 0)
        break;
      if (gnutls_x509_crt_import (crt, &peers[i], GNUTLS_X509_FMT_DER) < 0)
        {
          gnutls_x509_crt_deinit (crt);
          break;
        }
      g_ptr_array_add (r->chain, probe_cert_new (crt, now));
      if (i == 0)
        leaf = crt;
      else
        gnutls_x509_crt_deinit (crt);
    }

  if (leaf == NULL)
    {
      /* No certificate at all: nothing can be trusted or matched. */
      r->verify_status = GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND;
      r->trusted = FALSE;
      r->name_matches = FALSE;
      return;
    }

  {
    gnutls_typed_vdata_st data[2] = {
      { GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *) GNUTLS_KP_TLS_WWW_SERVER, 0 },
      { GNUTLS_DT_DNS_HOSTNAME, (unsigned char *) probe->host, 0 },
    };

    /* The server-authentication purpose, and the name (unless the "host" is
     * an address literal: RFC 8461 has no place for those). */
    ret = gnutls_certificate_verify_peers (s, data, host_is_ip (probe->host) ? 1 : 2, &status);
    if (ret < 0)
      {
        status = GNUTLS_CERT_INVALID;
        g_free (r->detail);
        r->detail = g_strdup (gnutls_strerror (ret));
      }
  }
  r->verify_status = status;
  r->trusted = (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA |
                          GNUTLS_CERT_SIGNATURE_FAILURE | GNUTLS_CERT_INSECURE_ALGORITHM |
                          GNUTLS_CERT_REVOKED | GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE |
                          GNUTLS_CERT_MISMATCH | GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS)) == 0 &&
               !(status == GNUTLS_CERT_INVALID);

  /* RFC 8461 §4.2: a DNS-ID in the SAN must match.  GnuTLS falls back to the
   * CN when there is no DNS SAN, as browsers once did; MTA-STS senders do
   * not, so a certificate without one never matches here. */
  r->name_matches = mts_probe_result_get_leaf (r)->san[0] != NULL &&
                    gnutls_x509_crt_check_hostname2 (leaf, probe->host, 0) != 0;
  gnutls_x509_crt_deinit (leaf);
}

static const char *
handshake_error_text (int ret)
{
  switch (ret)
    {
    case GNUTLS_E_PREMATURE_TERMINATION:
    case GNUTLS_E_PULL_ERROR:
    case GNUTLS_E_PUSH_ERROR:
    case GNUTLS_E_UNEXPECTED_PACKET_LENGTH:
      return _("the server closed the connection during the handshake");
    case GNUTLS_E_FATAL_ALERT_RECEIVED:
      return NULL;
    case GNUTLS_E_NO_CIPHER_SUITES:
    case GNUTLS_E_INSUFFICIENT_SECURITY:
    case GNUTLS_E_UNSUPPORTED_VERSION_PACKET:
    case GNUTLS_E_NO_PRIORITIES_WERE_SET:
      return _("the server and this check have no TLS version or cipher in common");
    default:
      return NULL;
    }
}

static void
handshake_failed (Attempt *a,
                  int      ret)
{
  const char *text = handshake_error_text (ret);
  g_autofree char *detail = NULL;

  if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED)
    detail = g_strdup_printf (_("the server ended the handshake with the alert “%s”"),
                              gnutls_alert_get_name (gnutls_alert_get (a->session)));
  else if (text != NULL)
    detail = g_strdup_printf ("%s (%s)", text, gnutls_strerror (ret));
  else
    detail = g_strdup (gnutls_strerror (ret));

  a->into->handshake_ms = elapsed_ms (a->step_started);
  fail (a, MTS_PROBE_STATUS_HANDSHAKE_FAILED, detail, FALSE);
}

static void
handshake_done (Attempt *a)
{
  MtsProbeResult *r = a->into;

  r->handshake_ms = elapsed_ms (a->step_started);
  r->stage = MTS_PROBE_STAGE_DONE;
  if (a->legacy)
    r->tls_version = g_strdup (gnutls_protocol_get_name (gnutls_protocol_get_version (a->session)));
  else
    read_session (a);
  r->status = MTS_PROBE_STATUS_OK;
  quit (a);
}

static void
handshake_step (Attempt *a)
{
  for (;;)
    {
      int ret = gnutls_handshake (a->session);

      if (ret == GNUTLS_E_SUCCESS)
        {
          disarm_deadline (a);
          handshake_done (a);
          return;
        }
      if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
        {
          /* 0: GnuTLS waits to read, 1: to write. */
          wait_io (a, gnutls_record_get_direction (a->session) ? G_IO_OUT : G_IO_IN,
                   handshake_step);
          return;
        }
      if (gnutls_error_is_fatal (ret) || ++a->handshake_retries > MAX_HANDSHAKE_RETRIES)
        {
          disarm_deadline (a);
          handshake_failed (a, ret);
          return;
        }
      /* A warning alert: the handshake goes on. */
    }
}

static void
start_tls (Attempt *a)
{
  Probe *probe = a->probe;
  const char *priority = a->legacy ? MTS_PROBE_PRIORITY_LEGACY : MTS_PROBE_PRIORITY_MODERN;
  int ret;

  a->into->stage = MTS_PROBE_STAGE_HANDSHAKE;
  a->step_started = g_get_monotonic_time ();

  ret = gnutls_init (&a->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
  if (ret < 0)
    {
      a->session = NULL;
      fail (a, MTS_PROBE_STATUS_HANDSHAKE_FAILED, gnutls_strerror (ret), FALSE);
      return;
    }
  ret = gnutls_priority_set_direct (a->session, priority, NULL);
  if (ret >= 0)
    ret = gnutls_credentials_set (a->session, GNUTLS_CRD_CERTIFICATE,
                                  _mts_probe_credentials_get (probe->creds));
  /* RFC 8461 §7.1: SNI carries the MX host name.  An address is never SNI. */
  if (ret >= 0 && !host_is_ip (probe->host))
    ret = gnutls_server_name_set (a->session, GNUTLS_NAME_DNS, probe->host, strlen (probe->host));
  if (ret < 0)
    {
      fail (a, MTS_PROBE_STATUS_HANDSHAKE_FAILED, gnutls_strerror (ret), FALSE);
      return;
    }

  gnutls_transport_set_int (a->session, g_socket_get_fd (a->socket));
  /* The deadline below is the only time limit. */
  gnutls_handshake_set_timeout (a->session, 0);
  arm_deadline (a, probe->options.handshake_timeout_ms);
  handshake_step (a);
}

/* The SMTP dialogue */

static void
starttls_reply_cb (Attempt      *a,
                   MtsSmtpReply *reply)
{
  g_autoptr(MtsSmtpReply) owned = reply;
  g_autofree char *detail = reply_to_detail (reply);
  gssize available;

  a->into->starttls_ms = elapsed_ms (a->step_started);
  disarm_deadline (a);

  if (reply->code == 421)
    {
      fail (a, MTS_PROBE_STATUS_BUSY, detail, FALSE);
      return;
    }
  if (reply->code != 220)
    {
      fail (a, MTS_PROBE_STATUS_STARTTLS_REJECTED, detail, TRUE);
      return;
    }

  /* RFC 3207 §4.2: nothing may come between the 220 and the handshake.
   * Bytes that did were put there by someone else and would be read as if
   * they came through TLS: drop the connection (CVE-2011-0411). */
  available = g_socket_get_available_bytes (a->socket);
  if (mts_smtp_reply_reader_get_pending (a->reader) > 0 || available > 0)
    {
      a->into->injected_bytes = mts_smtp_reply_reader_get_pending (a->reader) + MAX (available, 0);
      fail (a, MTS_PROBE_STATUS_INJECTION, NULL, FALSE);
      return;
    }

  start_tls (a);
}

static void
ehlo_reply_cb (Attempt      *a,
               MtsSmtpReply *reply)
{
  g_autoptr(MtsSmtpReply) owned = reply;
  g_autofree char *detail = reply_to_detail (reply);

  a->into->ehlo_ms = elapsed_ms (a->step_started);

  if (reply->code == 421)
    {
      fail (a, MTS_PROBE_STATUS_BUSY, detail, FALSE);
      return;
    }
  if (reply->code != 250)
    {
      fail (a, MTS_PROBE_STATUS_EHLO_REJECTED, detail, TRUE);
      return;
    }

  a->into->starttls = mts_smtp_reply_has_keyword (reply, "STARTTLS");
  if (!a->into->starttls)
    {
      fail (a, MTS_PROBE_STATUS_NO_STARTTLS, NULL, TRUE);
      return;
    }

  a->into->stage = MTS_PROBE_STAGE_STARTTLS;
  arm_deadline (a, a->probe->options.reply_timeout_ms);
  send_command (a, "STARTTLS\r\n", starttls_reply_cb);
}

/* RFC 5321 §4.1.4: the EHLO argument is the client's full domain name, or
 * an address literal when it has none. */
static char *
default_helo_name (Attempt *a)
{
  const char *name = g_get_host_name ();
  g_autoptr(GSocketAddress) local = NULL;
  g_autofree char *ip = NULL;
  GInetAddress *inet;

  if (strchr (name, '.') != NULL && !g_str_has_suffix (name, ".localdomain") &&
      !host_is_ip (name) && mts_hostname_check_ascii (name, NULL))
    return g_strdup (name);

  local = g_socket_get_local_address (a->socket, NULL);
  if (local == NULL || !G_IS_INET_SOCKET_ADDRESS (local))
    return g_strdup ("[127.0.0.1]");
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local));
  ip = g_inet_address_to_string (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[IPv6:%s]", ip);
  return g_strdup_printf ("[%s]", ip);
}

static void
greeting_reply_cb (Attempt      *a,
                   MtsSmtpReply *reply)
{
  g_autoptr(MtsSmtpReply) owned = reply;
  g_autofree char *detail = reply_to_detail (reply);
  g_autofree char *helo = NULL;
  g_autofree char *command = NULL;

  a->into->greeting_ms = elapsed_ms (a->step_started);
  if (a->into->greeting == NULL)
    a->into->greeting = mts_smtp_reply_get_text (reply);

  /* RFC 5321 §3.1: 220 welcomes, 554 refuses; a 4xx (421) is "not now". */
  if (reply->code >= 400 && reply->code < 500)
    {
      fail (a, MTS_PROBE_STATUS_BUSY, detail, FALSE);
      return;
    }
  if (reply->code >= 500)
    {
      fail (a, MTS_PROBE_STATUS_REFUSED, detail, TRUE);
      return;
    }
  if (reply->code != 220)
    {
      fail (a, MTS_PROBE_STATUS_NOT_SMTP, detail, FALSE);
      return;
    }

  helo = a->probe->helo_name != NULL ? g_strdup (a->probe->helo_name) : default_helo_name (a);
  command = g_strdup_printf ("EHLO %s\r\n", helo);
  a->into->stage = MTS_PROBE_STAGE_EHLO;
  arm_deadline (a, a->probe->options.reply_timeout_ms);
  send_command (a, command, ehlo_reply_cb);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  Attempt *a = data;
  MtsProbeResult *r = a->into;
  g_autoptr(GError) error = NULL;

  a->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), res, &error);
  r->connect_ms = elapsed_ms (a->step_started);
  if (a->connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && interrupted (a))
        return;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
        r->connect_failure = MTS_PROBE_CONNECT_REFUSED;
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        r->connect_failure = MTS_PROBE_CONNECT_TIMEOUT;
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
               g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
        r->connect_failure = MTS_PROBE_CONNECT_UNREACHABLE;
      else
        r->connect_failure = MTS_PROBE_CONNECT_OTHER;
      fail (a, MTS_PROBE_STATUS_CONNECT_FAILED, error->message, FALSE);
      return;
    }

  /* The deadline may have fired just as the connection completed. */
  if (interrupted (a))
    return;

  a->socket = g_socket_connection_get_socket (a->connection);
  r->stage = MTS_PROBE_STAGE_GREETING;
  a->step_started = g_get_monotonic_time ();
  /* One deadline for the whole greeting, however many lines and pauses it
   * has: postscreen's multi-second greeting fits, an endless trickle not. */
  arm_deadline (a, a->probe->options.reply_timeout_ms);
  a->on_reply = greeting_reply_cb;
  pump (a);
}

static void
attempt_start (Probe          *probe,
               MtsProbeResult *into,
               gboolean        legacy)
{
  Attempt *a = g_new0 (Attempt, 1);
  g_autoptr(GSocketAddress) address = NULL;

  a->probe = probe;
  a->into = into;
  a->legacy = legacy;
  a->reader = mts_smtp_reply_reader_new (NULL);
  a->cancellable = g_cancellable_new ();
  into->stage = MTS_PROBE_STAGE_CONNECT;

  if (probe->cancellable != NULL)
    a->cancel_id = g_cancellable_connect (probe->cancellable, G_CALLBACK (user_cancelled_cb),
                                          g_object_ref (a->cancellable), g_object_unref);

  a->client = g_socket_client_new ();
  /* SMTP goes straight to the MX: a desktop's HTTP proxy setting would
   * either break the probe or probe the proxy. */
  g_socket_client_set_enable_proxy (a->client, FALSE);
  address = g_inet_socket_address_new (probe->address, probe->port);

  a->step_started = g_get_monotonic_time ();
  arm_deadline (a, probe->options.connect_timeout_ms);
  g_socket_client_connect_async (a->client, G_SOCKET_CONNECTABLE (address), a->cancellable,
                                 connected_cb, a);
}

/* The probe */

static void
probe_free (Probe *probe)
{
  g_clear_object (&probe->cancellable);
  g_clear_pointer (&probe->context, g_main_context_unref);
  g_free (probe->host);
  g_clear_object (&probe->address);
  g_free (probe->helo_name);
  g_free (probe->ca_file);
  g_clear_pointer (&probe->creds, _mts_probe_credentials_unref);
  g_clear_pointer (&probe->result, mts_probe_result_unref);
  g_clear_pointer (&probe->legacy_result, mts_probe_result_unref);
  g_free (probe);
}

static void
probe_return (Probe *probe)
{
  GTask *task = g_steal_pointer (&probe->task);
  MtsProbeResult *result = g_steal_pointer (&probe->result);

  /* The callback may start new probes or quit the loop: free first. */
  probe_free (probe);
  if (g_task_return_error_if_cancelled (task))
    g_clear_pointer (&result, mts_probe_result_unref);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) mts_probe_result_unref);
  g_object_unref (task);
}

static void
probe_attempt_done (Probe    *probe,
                    gboolean  legacy)
{
  MtsProbeResult *r = probe->result;
  gboolean cancelled = probe->cancellable != NULL &&
                       g_cancellable_is_cancelled (probe->cancellable);

  if (!legacy && !cancelled && probe->options.check_legacy_tls &&
      (r->status == MTS_PROBE_STATUS_OK || r->status == MTS_PROBE_STATUS_HANDSHAKE_FAILED))
    {
      /* The server speaks TLS (or tried to): does it still take the old
       * versions?  Its own connection, so that the real probe above was not
       * influenced by it. */
      probe->legacy_result = mts_probe_result_new (probe->host, probe->address, probe->port);
      attempt_start (probe, probe->legacy_result, TRUE);
      return;
    }

  if (legacy && !cancelled)
    {
      MtsProbeResult *l = probe->legacy_result;

      if (l->status == MTS_PROBE_STATUS_OK)
        {
          r->legacy_tls = MTS_PROBE_LEGACY_ACCEPTED;
          r->legacy_tls_version = g_strdup (l->tls_version);
        }
      else if (l->status == MTS_PROBE_STATUS_HANDSHAKE_FAILED)
        r->legacy_tls = MTS_PROBE_LEGACY_REJECTED;
      else
        r->legacy_tls = MTS_PROBE_LEGACY_UNKNOWN;
    }

  r->total_ms = elapsed_ms (probe->started);
  if (!cancelled)
    _mts_probe_result_describe (r, &probe->options);
  probe_return (probe);
}

static Probe *
probe_new (const char            *host,
           GInetAddress          *address,
           guint16                port,
           const MtsProbeOptions *options,
           GCancellable          *cancellable,
           GAsyncReadyCallback    callback,
           gpointer               user_data)
{
  Probe *probe = g_new0 (Probe, 1);
  g_autofree char *lower = g_ascii_strdown (host, -1);
  gsize len = strlen (lower);

  /* Names compare without case and without the root's dot. */
  if (len > 1 && lower[len - 1] == '.')
    lower[len - 1] = '\0';

  probe->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (probe->task, mts_smtp_probe_run_async);
  probe->context = g_main_context_ref_thread_default ();
  probe->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  probe->host = g_steal_pointer (&lower);
  probe->address = g_object_ref (address);
  probe->port = port != 0 ? port : 25;
  /* The caller's strings may be gone when the probe runs: keep copies. */
  if (options != NULL)
    probe->options = *options;
  else
    mts_probe_options_init (&probe->options);
  probe->helo_name = g_strdup (probe->options.helo_name);
  probe->ca_file = g_strdup (probe->options.ca_file);
  probe->options.helo_name = probe->helo_name;
  probe->options.ca_file = probe->ca_file;
  probe->result = mts_probe_result_new (probe->host, address, probe->port);
  return probe;
}

static void
probe_begin (Probe *probe)
{
  g_assert (probe->creds != NULL);

  probe->started = g_get_monotonic_time ();
  attempt_start (probe, probe->result, FALSE);
}

/* Starts a probe with credentials already loaded (the queue's). */
void
_mts_smtp_probe_start (const char            *host,
                       GInetAddress          *address,
                       guint16                port,
                       const MtsProbeOptions *options,
                       MtsProbeCredentials   *creds,
                       GCancellable          *cancellable,
                       GAsyncReadyCallback    callback,
                       gpointer               user_data)
{
  Probe *probe = probe_new (host, address, port, options, cancellable, callback, user_data);

  probe->creds = _mts_probe_credentials_ref (creds);
  probe_begin (probe);
}

static void
credentials_thread (GTask        *task,
                    gpointer      source,
                    gpointer      data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  MtsProbeCredentials *creds = _mts_probe_credentials_new (data, &error);

  if (creds != NULL)
    g_task_return_pointer (task, creds, (GDestroyNotify) _mts_probe_credentials_unref);
  else
    g_task_return_error (task, error);
}

/* Reading and parsing the system store takes tens of milliseconds: a
 * worker thread does it, so that the main loop never waits for it. */
void
_mts_probe_credentials_new_async (const char          *ca_file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, _mts_probe_credentials_new_async);
  g_task_set_task_data (task, g_strdup (ca_file), g_free);
  /* Cancelling returns at once; the thread finishes on its own. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, credentials_thread);
}

MtsProbeCredentials *
_mts_probe_credentials_new_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
credentials_loaded_cb (GObject      *source,
                       GAsyncResult *res,
                       gpointer      data)
{
  Probe *probe = data;
  GError *error = NULL;
  GTask *task;

  probe->creds = _mts_probe_credentials_new_finish (res, &error);
  if (probe->creds != NULL)
    {
      probe_begin (probe);
      return;
    }

  task = g_steal_pointer (&probe->task);
  probe_free (probe);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/**
 * mts_probe_options_init:
 *
 * The defaults: connect 10 s, each reply 30 s, handshake 20 s, system trust
 * store only, TLS 1.0/1.1 checked, a warning 14 days before expiry.
 */
void
mts_probe_options_init (MtsProbeOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->connect_timeout_ms = MTS_PROBE_DEFAULT_CONNECT_TIMEOUT_MS;
  options->reply_timeout_ms = MTS_PROBE_DEFAULT_REPLY_TIMEOUT_MS;
  options->handshake_timeout_ms = MTS_PROBE_DEFAULT_HANDSHAKE_TIMEOUT_MS;
  options->check_legacy_tls = TRUE;
  options->expiry_warning_days = MTS_PROBE_DEFAULT_EXPIRY_WARNING_DAYS;
}

/**
 * mts_smtp_probe_run_async:
 * @host: the MX host name: SNI, and the name the certificate must match
 * @address: one of its addresses
 * @port: 25, or another port (0 means 25)
 * @options: (nullable): time limits and trust; %NULL for the defaults
 *
 * Probes one address of an MX host.  Runs on the thread-default main
 * context; never blocks it.
 */
void
mts_smtp_probe_run_async (const char            *host,
                          GInetAddress          *address,
                          guint16                port,
                          const MtsProbeOptions *options,
                          GCancellable          *cancellable,
                          GAsyncReadyCallback    callback,
                          gpointer               user_data)
{
  Probe *probe;

  g_return_if_fail (host != NULL && *host != '\0');
  g_return_if_fail (G_IS_INET_ADDRESS (address));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  probe = probe_new (host, address, port, options, cancellable, callback, user_data);
  _mts_probe_credentials_new_async (probe->ca_file, probe->cancellable,
                                    credentials_loaded_cb, probe);
}

/**
 * mts_smtp_probe_run_finish:
 *
 * Returns: (transfer full): the result, or %NULL with %G_IO_ERROR_CANCELLED,
 *   or with an error about the CA file.  Servers that cannot be reached or
 *   misbehave give a result, not an error.
 */
MtsProbeResult *
mts_smtp_probe_run_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mts_smtp_probe_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
