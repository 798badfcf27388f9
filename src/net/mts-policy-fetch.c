/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-policy-fetch.c: fetching a domain's MTA-STS policy over HTTPS as a sender would (RFC 8461 §3.3).
 *
 * The fetch follows the rules a sending MTA applies, so that what the wizard
 * reports is what senders will see: no redirects, no cache, only a 200 with
 * text/plain counts, at most 64 KiB, one minute, and a certificate valid for
 * the policy host.  Whatever goes wrong on the server's side is a problem in
 * the result, in plain language; only a cancelled fetch or a bad argument
 * (a malformed URL, an unreadable CA file) is a GError.
 *
 * Each fetch has its own SoupSession.  Fetches differ in their options (the
 * trust store, the timeout), and a fresh session means a fresh connection and
 * a full TLS handshake, as a sender that has never talked to the host makes:
 * a connection or TLS session kept from an earlier fetch could hide a
 * certificate that was replaced meanwhile.  The price, one handshake per
 * fetch, is paid anyway since every fetch goes to a different host.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "core/mts-diagnostic.h"
#include "core/mts-domain.h"
#include "mts-policy-fetch.h"

#define FETCH_REFERENCE "RFC 8461 §3.3"
#define CERT_REFERENCE "RFC 8461 §3.3"
/* Reads are at most READ_CHUNK bytes long, and never shorter than READ_MIN:
 * libsoup 3.2's chunked decoder reads the CRLF after each chunk into the
 * caller's buffer and fails an assertion when that has room for less than
 * two bytes.  So the buffer holds MTS_POLICY_MAX_SIZE + READ_MIN bytes, and
 * reading stops as soon as it holds more than MTS_POLICY_MAX_SIZE. */
#define READ_CHUNK 16384
#define READ_MIN 128
#define BUFFER_SIZE (MTS_POLICY_MAX_SIZE + READ_MIN)

typedef struct
{
  SoupSession *session;
  SoupMessage *msg;
  GInputStream *body;
  /* BUFFER_SIZE bytes: never more is read. */
  guint8 *buffer;
  gsize length;

  /* Cancelled by the caller's cancellable or by the timer. */
  GCancellable *cancellable;
  GCancellable *caller_cancellable;
  gulong caller_handler;
  /* The task's, where every step of the fetch runs. */
  GMainContext *context;
  GSource *timer;
  guint timeout_seconds;
  gboolean timed_out;

  char *host;
  guint port;
  /* From the accept-certificate handler: why the certificate was refused. */
  GTlsCertificateFlags tls_errors;

  MtsPolicyFetchResult *result;
} FetchData;

static void read_next_chunk (GTask *task);

/* The system's trust store plus the CAs of a file, as the STARTTLS probe
 * adds the same file to GnuTLS's system trust: `mtasts check --ca-file`
 * over several domains must still trust the public CAs for the others.
 * GIO cannot add anchors to its default database, hence this pair.  A chain
 * that the file's CAs know is judged by them alone (so an expired internal
 * certificate is "expired", not "unknown"); any other by the system. */
#define TYPE_EXTRA_CA_DATABASE (extra_ca_database_get_type ())
G_DECLARE_FINAL_TYPE (ExtraCaDatabase, extra_ca_database, EXTRA_CA, DATABASE, GTlsDatabase)

struct _ExtraCaDatabase
{
  GTlsDatabase parent_instance;
  GTlsDatabase *system;
  GTlsDatabase *extra;
};

G_DEFINE_FINAL_TYPE (ExtraCaDatabase, extra_ca_database, G_TYPE_TLS_DATABASE)

static GTlsCertificateFlags
extra_ca_database_verify_chain (GTlsDatabase             *database,
                                GTlsCertificate          *chain,
                                const char               *purpose,
                                GSocketConnectable       *identity,
                                GTlsInteraction          *interaction,
                                GTlsDatabaseVerifyFlags   flags,
                                GCancellable             *cancellable,
                                GError                  **error)
{
  ExtraCaDatabase *self = EXTRA_CA_DATABASE (database);
  GTlsCertificateFlags errors;
  GError *local_error = NULL;

  errors = g_tls_database_verify_chain (self->extra, chain, purpose, identity, interaction,
                                        flags, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return G_TLS_CERTIFICATE_GENERIC_ERROR;
    }
  if ((errors & G_TLS_CERTIFICATE_UNKNOWN_CA) == 0)
    return errors;

  return g_tls_database_verify_chain (self->system, chain, purpose, identity, interaction,
                                      flags, cancellable, error);
}

static GTlsCertificate *
extra_ca_database_lookup_certificate_issuer (GTlsDatabase             *database,
                                             GTlsCertificate          *certificate,
                                             GTlsInteraction          *interaction,
                                             GTlsDatabaseLookupFlags   flags,
                                             GCancellable             *cancellable,
                                             GError                  **error)
{
  ExtraCaDatabase *self = EXTRA_CA_DATABASE (database);
  GTlsCertificate *issuer;
  GError *local_error = NULL;

  issuer = g_tls_database_lookup_certificate_issuer (self->extra, certificate, interaction,
                                                     flags, cancellable, &local_error);
  if (issuer != NULL || local_error != NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      return issuer;
    }
  return g_tls_database_lookup_certificate_issuer (self->system, certificate, interaction,
                                                   flags, cancellable, error);
}

static GList *
extra_ca_database_lookup_certificates_issued_by (GTlsDatabase             *database,
                                                 GByteArray               *issuer_raw_dn,
                                                 GTlsInteraction          *interaction,
                                                 GTlsDatabaseLookupFlags   flags,
                                                 GCancellable             *cancellable,
                                                 GError                  **error)
{
  ExtraCaDatabase *self = EXTRA_CA_DATABASE (database);
  GList *extra, *system;
  GError *local_error = NULL;

  extra = g_tls_database_lookup_certificates_issued_by (self->extra, issuer_raw_dn, interaction,
                                                        flags, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  system = g_tls_database_lookup_certificates_issued_by (self->system, issuer_raw_dn,
                                                         interaction, flags, cancellable, error);
  return g_list_concat (extra, system);
}

/* Handles belong to the system's store: the file's CAs need none. */
static char *
extra_ca_database_create_certificate_handle (GTlsDatabase    *database,
                                             GTlsCertificate *certificate)
{
  ExtraCaDatabase *self = EXTRA_CA_DATABASE (database);

  return g_tls_database_create_certificate_handle (self->system, certificate);
}

static GTlsCertificate *
extra_ca_database_lookup_certificate_for_handle (GTlsDatabase             *database,
                                                 const char               *handle,
                                                 GTlsInteraction          *interaction,
                                                 GTlsDatabaseLookupFlags   flags,
                                                 GCancellable             *cancellable,
                                                 GError                  **error)
{
  ExtraCaDatabase *self = EXTRA_CA_DATABASE (database);

  return g_tls_database_lookup_certificate_for_handle (self->system, handle, interaction,
                                                       flags, cancellable, error);
}

static void
extra_ca_database_finalize (GObject *object)
{
  ExtraCaDatabase *self = EXTRA_CA_DATABASE (object);

  g_clear_object (&self->system);
  g_clear_object (&self->extra);
  G_OBJECT_CLASS (extra_ca_database_parent_class)->finalize (object);
}

static void
extra_ca_database_class_init (ExtraCaDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  object_class->finalize = extra_ca_database_finalize;
  database_class->verify_chain = extra_ca_database_verify_chain;
  database_class->lookup_certificate_issuer = extra_ca_database_lookup_certificate_issuer;
  database_class->lookup_certificates_issued_by = extra_ca_database_lookup_certificates_issued_by;
  database_class->create_certificate_handle = extra_ca_database_create_certificate_handle;
  database_class->lookup_certificate_for_handle = extra_ca_database_lookup_certificate_for_handle;
}

static void
extra_ca_database_init (ExtraCaDatabase *self)
{
}

/* The system's store with the CAs of @path added; NULL with @error when the
 * file cannot be read or holds no certificate. */
static GTlsDatabase *
extra_ca_database_new (const char  *path,
                       GError     **error)
{
  g_autoptr(GTlsDatabase) extra = g_tls_file_database_new (path, error);
  ExtraCaDatabase *self;

  if (extra == NULL)
    return NULL;

  self = g_object_new (TYPE_EXTRA_CA_DATABASE, NULL);
  self->system = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  self->extra = g_steal_pointer (&extra);
  return G_TLS_DATABASE (self);
}

static void
fetch_data_free (FetchData *data)
{
  if (data->caller_handler != 0)
    g_cancellable_disconnect (data->caller_cancellable, data->caller_handler);
  if (data->timer != NULL)
    {
      g_source_destroy (data->timer);
      g_source_unref (data->timer);
    }
  g_clear_object (&data->caller_cancellable);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->body);
  g_clear_object (&data->msg);
  g_clear_object (&data->session);
  g_free (data->buffer);
  g_free (data->host);
  g_clear_pointer (&data->result, mts_policy_fetch_result_free);
  g_free (data);
}

/**
 * mts_policy_url:
 * @domain: a mail domain in ASCII form ("example.com")
 *
 * Returns: (transfer full): "https://mta-sts.DOMAIN/.well-known/mta-sts.txt",
 * the only place senders look for the domain's policy (RFC 8461 §3.2).
 */
char *
mts_policy_url (const char *domain)
{
  g_return_val_if_fail (domain != NULL, NULL);

  return g_strdup_printf ("https://mta-sts.%s/.well-known/mta-sts.txt", domain);
}

static MtsPolicyFetchResult *
result_new (const char *url)
{
  MtsPolicyFetchResult *result = g_new0 (MtsPolicyFetchResult, 1);

  result->url = g_strdup (url);
  result->problems = mts_diagnostics_new ();
  return result;
}

void
mts_policy_fetch_result_free (MtsPolicyFetchResult *result)
{
  if (result == NULL)
    return;
  g_free (result->url);
  g_free (result->address);
  g_free (result->http_reason);
  g_free (result->location);
  g_free (result->content_type);
  g_free (result->text);
  g_clear_pointer (&result->policy, mts_policy_free);
  g_free (result->tls_version);
  g_free (result->cipher);
  g_free (result->cert_subject);
  g_free (result->cert_issuer);
  g_strfreev (result->cert_san);
  g_clear_pointer (&result->cert_not_after, g_date_time_unref);
  g_clear_pointer (&result->problems, g_ptr_array_unref);
  g_free (result);
}

/**
 * mts_policy_fetch_result_is_valid:
 *
 * Returns: whether a sender would have accepted the policy: it was fetched
 * and parsed, and no problem is an error.
 */
gboolean
mts_policy_fetch_result_is_valid (const MtsPolicyFetchResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);

  return result->policy != NULL && !mts_diagnostics_has_errors (result->problems);
}

static void
add_problem (FetchData  *data,
             const char *code,
             const char *reference,
             const char *format,
             ...) G_GNUC_PRINTF (4, 5);

static void
add_problem (FetchData  *data,
             const char *code,
             const char *reference,
             const char *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  mts_diagnostics_add (data->result->problems, MTS_SEVERITY_ERROR, 0, code,
                       reference, "%s", message);
}

static const char *
tls_version_to_string (GTlsProtocolVersion version)
{
  switch (version)
    {
    case G_TLS_PROTOCOL_VERSION_SSL_3_0:
      return "SSL 3.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_0:
      return "TLS 1.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_1:
      return "TLS 1.1";
    case G_TLS_PROTOCOL_VERSION_TLS_1_2:
      return "TLS 1.2";
    case G_TLS_PROTOCOL_VERSION_TLS_1_3:
      return "TLS 1.3";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_0:
      return "DTLS 1.0";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_2:
      return "DTLS 1.2";
    case G_TLS_PROTOCOL_VERSION_UNKNOWN:
    default:
      return NULL;
    }
}

/* The certificate's names, validity and the address connected to: shown
 * whether or not the certificate was accepted, since a rejected one is
 * exactly the one the administrator needs to see. */
static void
record_peer (FetchData *data)
{
  MtsPolicyFetchResult *result = data->result;
  GTlsCertificate *cert = soup_message_get_tls_peer_certificate (data->msg);
  GSocketAddress *remote = soup_message_get_remote_address (data->msg);

  if (remote != NULL && G_IS_INET_SOCKET_ADDRESS (remote) && result->address == NULL)
    result->address = g_inet_address_to_string (
        g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));

  if (cert != NULL && !result->has_cert)
    {
      g_autoptr(GPtrArray) names = g_tls_certificate_get_dns_names (cert);
      GDateTime *not_after = g_tls_certificate_get_not_valid_after (cert);

      result->has_cert = TRUE;
      result->cert_subject = g_tls_certificate_get_subject_name (cert);
      result->cert_issuer = g_tls_certificate_get_issuer_name (cert);
      if (names != NULL)
        {
          GPtrArray *san = g_ptr_array_new ();

          for (guint i = 0; i < names->len; i++)
            {
              GBytes *name = g_ptr_array_index (names, i);
              gsize size;
              const char *bytes = g_bytes_get_data (name, &size);

              g_ptr_array_add (san, g_strndup (bytes, size));
            }
          g_ptr_array_add (san, NULL);
          result->cert_san = (GStrv) g_ptr_array_free (san, FALSE);
        }
      if (not_after != NULL)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          GTimeSpan left = g_date_time_difference (not_after, now);

          result->cert_not_after = not_after;
          /* Rounded down: a certificate that expired an hour ago has -1 days left. */
          result->cert_days_left = left / G_TIME_SPAN_DAY;
          if (left < 0 && left % G_TIME_SPAN_DAY != 0)
            result->cert_days_left--;
        }
    }
}

static void
record_tls (FetchData *data)
{
  MtsPolicyFetchResult *result = data->result;
  const char *version = tls_version_to_string (soup_message_get_tls_protocol_version (data->msg));
  const char *cipher = soup_message_get_tls_ciphersuite_name (data->msg);

  g_free (result->tls_version);
  result->tls_version = g_strdup (version);
  g_free (result->cipher);
  result->cipher = g_strdup (cipher);
}

static char *
format_date (GDateTime *date)
{
  if (date == NULL)
    return g_strdup (_("an unknown date"));
  return g_date_time_format (date, "%Y-%m-%d");
}

static char *
cert_names (const MtsPolicyFetchResult *result)
{
  if (result->cert_san != NULL && result->cert_san[0] != NULL)
    return g_strjoinv (", ", result->cert_san);
  if (result->cert_subject != NULL)
    return g_strdup (result->cert_subject);
  return g_strdup (_("no host name"));
}

/* One problem per reason, each saying what to do about it.  GLib does not
 * promise to report every reason at once, so each stands on its own. */
static void
explain_certificate (FetchData            *data,
                     GTlsCertificateFlags  flags)
{
  const char *host = data->host;
  MtsPolicyFetchResult *result = data->result;

  result->cert_errors = flags;

  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    add_problem (data, "policy-cert-invalid", CERT_REFERENCE,
                 _("The certificate of %s is not signed by a certificate authority that "
                   "senders trust (it is self-signed, or comes from a private authority): "
                   "senders will not accept the policy. Use a certificate from a public "
                   "authority, such as Let’s Encrypt, and serve the whole chain."),
                 host);
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    {
      g_autofree char *names = cert_names (result);

      add_problem (data, "policy-cert-invalid", CERT_REFERENCE,
                   _("The certificate of %s is not valid for that name (it is for: %s): "
                     "senders will not accept the policy. Get a certificate that includes %s."),
                   host, names, host);
    }
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    {
      g_autofree char *date = format_date (result->cert_not_after);

      add_problem (data, "policy-cert-invalid", CERT_REFERENCE,
                   _("The certificate of %s expired on %s: senders will not accept the "
                     "policy. Renew the certificate."),
                   host, date);
    }
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    add_problem (data, "policy-cert-invalid", CERT_REFERENCE,
                 _("The certificate of %s is not valid yet: senders will not accept the "
                   "policy. Check the certificate’s start date and this computer’s clock."),
                 host);
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    add_problem (data, "policy-cert-invalid", CERT_REFERENCE,
                 _("The certificate of %s was revoked by its authority: senders will not "
                   "accept the policy. Replace the certificate."),
                 host);
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    add_problem (data, "policy-cert-invalid", CERT_REFERENCE,
                 _("The certificate of %s uses an insecure algorithm (such as a SHA-1 "
                   "signature or a short key): senders will not accept the policy. Get a "
                   "new certificate."),
                 host);
  if ((flags & G_TLS_CERTIFICATE_GENERIC_ERROR) ||
      (flags & G_TLS_CERTIFICATE_VALIDATE_ALL) == 0)
    add_problem (data, "policy-cert-invalid", CERT_REFERENCE,
                 _("The certificate of %s could not be checked (it may be damaged or "
                   "incomplete): senders will not accept the policy. Check the certificate "
                   "and its chain on the web server."),
                 host);
}

/* The library's own words are kept at the end of network messages: they
 * help an expert and do not hurt anyone else. */
static void
explain_network_error (FetchData    *data,
                       const GError *error)
{
  const char *host = data->host;

  if (error->domain == G_RESOLVER_ERROR && error->code == G_RESOLVER_ERROR_NOT_FOUND)
    add_problem (data, "policy-fetch-failed", FETCH_REFERENCE,
                 _("%s has no address in DNS: publish an A/AAAA or CNAME record for it "
                   "that points to the web server that serves the policy."),
                 host);
  else if (error->domain == G_RESOLVER_ERROR)
    add_problem (data, "policy-fetch-failed", FETCH_REFERENCE,
                 _("The address of %s could not be looked up (%s): check this computer’s "
                   "network and DNS server, then try again."),
                 host, error->message);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    add_problem (data, "policy-fetch-failed", FETCH_REFERENCE,
                 _("%s refused the connection on port %u: no web server is listening "
                   "there. Start one that serves HTTPS, or open the port in the firewall."),
                 host, data->port);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    add_problem (data, "policy-fetch-failed", FETCH_REFERENCE,
                 _("The fetch from %s timed out: it did not answer within %u seconds. Check "
                   "that its web server is running and that port %u is open."),
                 host, data->timeout_seconds, data->port);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    add_problem (data, "policy-fetch-failed", FETCH_REFERENCE,
                 _("%s could not be reached (%s): check that this computer is online, "
                   "and that the address published for %s is right."),
                 host, error->message, host);
  else if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS))
    add_problem (data, "policy-fetch-failed", FETCH_REFERENCE,
                 _("%s did not answer with TLS on port %u: senders fetch the policy over "
                   "HTTPS only. Serve it with HTTPS on that port."),
                 host, data->port);
  else if (error->domain == G_TLS_ERROR)
    add_problem (data, "policy-fetch-failed", FETCH_REFERENCE,
                 _("The secure connection to %s failed (%s): check the web server’s TLS "
                   "setup; senders need TLS 1.2 or later."),
                 host, error->message);
  else
    add_problem (data, "policy-fetch-failed", FETCH_REFERENCE,
                 _("The policy could not be fetched from %s (%s)."),
                 host, error->message);
}

static void
explain_timeout (FetchData *data)
{
  add_problem (data, "policy-fetch-failed", FETCH_REFERENCE,
               _("The fetch from %s timed out: the policy did not arrive within %u seconds. "
                 "Senders give up after about a minute; check that the web server answers "
                 "quickly."),
               data->host, data->timeout_seconds);
}

/* Decides between the caller's cancel, our timer and a real failure. */
static gboolean
failed_by_cancel (GTask        *task,
                  const GError *error)
{
  FetchData *data = g_task_get_task_data (task);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  if (data->timed_out)
    explain_timeout (data);
  /* Otherwise the caller cancelled: complete_fetch() reports that. */
  return TRUE;
}

static void
return_result (GTask *task)
{
  FetchData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (data->caller_cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&data->result),
                           (GDestroyNotify) mts_policy_fetch_result_free);
}

static void
close_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  /* Closing a body that was not read to its end fails or drops the
   * connection; neither matters, the answer is already complete. */
  g_input_stream_close_finish (G_INPUT_STREAM (source), res, NULL);
  return_result (task);
}

/* Closing the body stream ends the exchange without reading the rest: an
 * oversized or unwanted body is never downloaded. */
static void
complete_fetch (GTask *task)
{
  FetchData *data = g_task_get_task_data (task);

  if (data->timer != NULL)
    {
      g_source_destroy (data->timer);
      g_clear_pointer (&data->timer, g_source_unref);
    }

  if (data->body != NULL && !g_input_stream_is_closed (data->body))
    g_input_stream_close_async (data->body, G_PRIORITY_DEFAULT, NULL, close_cb,
                                g_object_ref (task));
  else
    return_result (task);
}

/* The parser judges the bytes as they came, NUL bytes and broken UTF-8
 * included; only a body that is proper text is kept as text. */
static void
parse_body (FetchData *data)
{
  MtsPolicyFetchResult *result = data->result;
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  const char *body = (const char *) data->buffer;

  if (g_utf8_validate_len (body, data->length, NULL) &&
      memchr (body, '\0', data->length) == NULL)
    result->text = g_strndup (body, data->length);

  result->policy = mts_policy_parse (body, data->length, diagnostics);

  if (mts_diagnostics_has_errors (diagnostics))
    add_problem (data, "policy-invalid", "RFC 8461 §3.2",
                 _("The policy file at %s has errors, listed below: senders ignore an "
                   "invalid policy and deliver mail as if the domain had none. Fix them."),
                 result->url);
  g_ptr_array_extend_and_steal (result->problems, g_steal_pointer (&diagnostics));
}

static void
report_too_large (FetchData *data,
                  goffset    announced)
{
  if (announced > 0)
    add_problem (data, "policy-too-large", FETCH_REFERENCE,
                 _("The policy file at %s is %lld bytes long; senders "
                   "read at most 64 KiB (%d bytes) and reject a longer policy. A policy "
                   "needs only a few short lines: check that this address serves the "
                   "policy file itself."),
                 data->result->url, (long long) announced, MTS_POLICY_MAX_SIZE);
  else
    add_problem (data, "policy-too-large", FETCH_REFERENCE,
                 _("The policy file at %s is longer than 64 KiB (%d bytes); senders stop "
                   "reading there and reject it. A policy needs only a few short lines: "
                   "check that this address serves the policy file itself."),
                 data->result->url, MTS_POLICY_MAX_SIZE);
}

static void
read_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &error);
  if (n < 0)
    {
      if (!failed_by_cancel (task, error))
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            explain_timeout (data);
          else
            add_problem (data, "policy-fetch-failed", FETCH_REFERENCE,
                         _("The connection to %s broke while the policy was being read (%s): "
                           "check the web server."),
                         data->host, error->message);
        }
      complete_fetch (task);
      return;
    }

  if (n == 0)
    {
      parse_body (data);
      complete_fetch (task);
      return;
    }

  data->length += n;
  if (data->length > MTS_POLICY_MAX_SIZE)
    {
      report_too_large (data, 0);
      complete_fetch (task);
      return;
    }

  read_next_chunk (task);
}

static void
read_next_chunk (GTask *task)
{
  FetchData *data = g_task_get_task_data (task);
  gsize room = BUFFER_SIZE - data->length;

  g_assert (room >= READ_MIN);

  g_input_stream_read_async (data->body, data->buffer + data->length,
                             MIN (room, READ_CHUNK), G_PRIORITY_DEFAULT,
                             data->cancellable, read_cb, g_object_ref (task));
}

static gboolean
is_text_plain (const char *content_type)
{
  return content_type != NULL && g_ascii_strcasecmp (content_type, "text/plain") == 0;
}

/* The headers are in: decide whether the body is worth reading. */
static void
check_response (GTask *task)
{
  FetchData *data = g_task_get_task_data (task);
  MtsPolicyFetchResult *result = data->result;
  SoupMessageHeaders *headers = soup_message_get_response_headers (data->msg);
  guint status = soup_message_get_status (data->msg);
  const char *reason = soup_message_get_reason_phrase (data->msg);
  const char *media_type;

  result->http_status = status;
  /* HTTP/2 has no reason phrases: use the standard one. */
  result->http_reason = g_strdup (reason != NULL && reason[0] != '\0'
                                  ? reason : soup_status_get_phrase (status));
  result->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      const char *location = soup_message_headers_get_one (headers, "Location");

      result->location = g_strdup (location);
      if (location != NULL)
        add_problem (data, "policy-redirect", FETCH_REFERENCE,
                     _("%s answered with a redirect (%u %s) to %s, but senders never follow "
                       "redirects: serve the policy file itself at %s."),
                     data->host, status, result->http_reason, location, result->url);
      else
        add_problem (data, "policy-redirect", FETCH_REFERENCE,
                     _("%s answered with a redirect (%u %s), but senders never follow "
                       "redirects: serve the policy file itself at %s."),
                     data->host, status, result->http_reason, result->url);
      complete_fetch (task);
      return;
    }

  if (status != SOUP_STATUS_OK)
    {
      if (status == SOUP_STATUS_NOT_FOUND)
        add_problem (data, "policy-http-status", FETCH_REFERENCE,
                     _("%s answered %u %s: there is no policy file at %s. Put it there; "
                       "senders only accept an answer of 200 OK."),
                     data->host, status, result->http_reason, result->url);
      else if (SOUP_STATUS_IS_SERVER_ERROR (status))
        add_problem (data, "policy-http-status", FETCH_REFERENCE,
                     _("%s answered %u %s, a server error: check the web server’s error "
                       "log. Senders only accept an answer of 200 OK."),
                     data->host, status, result->http_reason);
      else
        add_problem (data, "policy-http-status", FETCH_REFERENCE,
                     _("%s answered %u %s instead of the policy: senders only accept an "
                       "answer of 200 OK. Serve the policy file at %s to everyone, without "
                       "a login."),
                     data->host, status, result->http_reason, result->url);
      complete_fetch (task);
      return;
    }

  /* Parameters such as charset are allowed (RFC 8461 §3.2). */
  media_type = soup_message_headers_get_content_type (headers, NULL);
  if (!is_text_plain (media_type))
    {
      if (result->content_type != NULL)
        add_problem (data, "policy-content-type", "RFC 8461 §3.2",
                     _("The policy file is served as “%s”, but senders expect “text/plain”: "
                       "configure the web server to send mta-sts.txt as text/plain."),
                     result->content_type);
      else
        add_problem (data, "policy-content-type", "RFC 8461 §3.2",
                     _("The policy file is served without a content type, but senders "
                       "expect “text/plain”: configure the web server to send mta-sts.txt "
                       "as text/plain."));
      complete_fetch (task);
      return;
    }

  /* A body announced as too large is not downloaded at all. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > MTS_POLICY_MAX_SIZE)
    {
      report_too_large (data, soup_message_headers_get_content_length (headers));
      complete_fetch (task);
      return;
    }

  data->buffer = g_malloc (BUFFER_SIZE);
  read_next_chunk (task);
}

static void
send_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->body = soup_session_send_finish (SOUP_SESSION (source), res, &error);
  record_peer (data);

  if (data->body == NULL)
    {
      if (failed_by_cancel (task, error))
        ;
      else if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        {
          GTlsCertificateFlags flags = data->tls_errors;

          if (flags == 0)
            flags = soup_message_get_tls_peer_certificate_errors (data->msg);
          explain_certificate (data, flags);
        }
      else
        explain_network_error (data, error);
      complete_fetch (task);
      return;
    }

  record_tls (data);
  check_response (task);
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  FetchData *data = user_data;

  /* Senders refuse such a certificate: refuse it too, and remember why. */
  data->tls_errors = errors;
  return FALSE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  FetchData *data = user_data;

  /* Cancelling may complete the fetch and free @data at once: touch
   * nothing of it afterwards. */
  data->timed_out = TRUE;
  g_clear_pointer (&data->timer, g_source_unref);
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

/* Runs in whichever thread cancelled the caller's cancellable.  The cancel
 * is passed on from the fetch's own main context: done right here, it could
 * complete the fetch inside this handler, and freeing the fetch disconnects
 * this handler, which would wait for itself for ever. */
static void
caller_cancelled_cb (GCancellable *caller,
                     gpointer      user_data)
{
  FetchData *data = user_data;
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, cancel_cb, g_object_ref (data->cancellable), g_object_unref);
  g_source_set_static_name (source, "[mts] policy fetch cancel");
  g_source_attach (source, data->context);
  g_source_unref (source);
}

/**
 * mts_policy_fetch_url_async:
 * @url: an https URL
 * @options: (nullable): a CA file and a timeout, or NULL for the defaults
 *
 * Fetches the policy at @url as a sender would, without following
 * redirects, and parses it.  mts_policy_fetch_async() is the usual entry;
 * this one also serves the tests, which run their server on a local port.
 */
void
mts_policy_fetch_url_async (const char            *url,
                            const MtsFetchOptions *options,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  FetchData *data;

  g_return_if_fail (url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mts_policy_fetch_url_async);

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 ||
      g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not an https address: senders fetch the policy "
                                 "from https://mta-sts.DOMAIN/.well-known/mta-sts.txt."),
                               url);
      return;
    }

  data = g_new0 (FetchData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);
  data->result = result_new (url);
  data->host = g_strdup (g_uri_get_host (uri));
  data->port = g_uri_get_port (uri) > 0 ? (guint) g_uri_get_port (uri) : 443;
  data->timeout_seconds = options != NULL && options->timeout_seconds > 0
                          ? options->timeout_seconds : MTS_POLICY_FETCH_TIMEOUT_DEFAULT;

  /* No SoupCache is added: RFC 8461 §3.3 forbids HTTP caching.  The session's
   * own timeout bounds connecting and each wait for data; the timer below
   * bounds the whole fetch, which a server sending a byte a second would
   * otherwise stretch for ever. */
  data->session = soup_session_new_with_options ("timeout", data->timeout_seconds,
                                                 "user-agent", "mta-sts-wizard/" PACKAGE_VERSION,
                                                 NULL);

  if (options != NULL && options->ca_file != NULL)
    {
      g_autofree char *path = g_canonicalize_filename (options->ca_file, NULL);
      g_autoptr(GTlsDatabase) database = extra_ca_database_new (path, &error);

      if (database == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   _("The CA file %s could not be read (%s): give a file "
                                     "of PEM certificates."),
                                   path, error->message);
          return;
        }
      soup_session_set_tls_database (data->session, database);
    }

  data->msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  soup_message_add_flags (data->msg, SOUP_MESSAGE_NO_REDIRECT);
  /* And no cache between us and the server may answer for it either. */
  soup_message_headers_replace (soup_message_get_request_headers (data->msg),
                                "Cache-Control", "no-cache");
  g_signal_connect (data->msg, "accept-certificate",
                    G_CALLBACK (accept_certificate_cb), data);

  data->cancellable = g_cancellable_new ();
  data->context = g_task_get_context (task);
  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->caller_handler = g_cancellable_connect (cancellable,
                                                    G_CALLBACK (caller_cancelled_cb),
                                                    data, NULL);
    }

  data->timer = g_timeout_source_new (data->timeout_seconds * 1000);
  g_source_set_callback (data->timer, timeout_cb, data, NULL);
  g_source_set_static_name (data->timer, "[mts] policy fetch timeout");
  g_source_attach (data->timer, data->context);

  soup_session_send_async (data->session, data->msg, G_PRIORITY_DEFAULT,
                           data->cancellable, send_cb, g_object_ref (task));
}

/**
 * mts_policy_fetch_async:
 * @domain: a mail domain in ASCII form ("example.com", "xn--bcher-kva.example")
 * @options: (nullable): a CA file and a timeout, or NULL for the defaults
 *
 * Fetches and checks https://mta-sts.@domain/.well-known/mta-sts.txt.
 */
void
mts_policy_fetch_async (const char            *domain,
                        const MtsFetchOptions *options,
                        GCancellable          *cancellable,
                        GAsyncReadyCallback    callback,
                        gpointer               user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (domain != NULL);

  if (!mts_hostname_check_ascii (domain, &error))
    {
      g_task_report_error (NULL, callback, user_data, mts_policy_fetch_async,
                           g_steal_pointer (&error));
      return;
    }

  url = mts_policy_url (domain);
  mts_policy_fetch_url_async (url, options, cancellable, callback, user_data);
}

/**
 * mts_policy_fetch_finish:
 *
 * Returns: (transfer full): the result, whose problems say what went wrong
 * on the server's side; NULL with @error only when the fetch was cancelled
 * or its arguments were wrong.
 */
MtsPolicyFetchResult *
mts_policy_fetch_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_strv_member (JsonBuilder        *builder,
                 const char         *name,
                 const char * const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (gsize i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

/**
 * mts_policy_fetch_result_to_json:
 *
 * Adds {"url", "address", "http_status", "content_type", "location", "text",
 * "mode", "max_age", "mx", "tls_version", "cipher", "cert", "problems"}, with
 * null for what is not known.
 */
void
mts_policy_fetch_result_to_json (const MtsPolicyFetchResult *result,
                                 JsonBuilder                *builder)
{
  const MtsPolicy *policy = result->policy;

  g_return_if_fail (result != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_begin_object (builder);
  add_string_member (builder, "url", result->url);
  add_string_member (builder, "address", result->address);
  json_builder_set_member_name (builder, "http_status");
  if (result->http_status != 0)
    json_builder_add_int_value (builder, result->http_status);
  else
    json_builder_add_null_value (builder);
  add_string_member (builder, "content_type", result->content_type);
  add_string_member (builder, "location", result->location);
  add_string_member (builder, "text", result->text);

  add_string_member (builder, "mode", policy != NULL && policy->has_mode
                                      ? mts_policy_mode_to_string (policy->mode) : NULL);
  json_builder_set_member_name (builder, "max_age");
  if (policy != NULL && policy->has_max_age)
    json_builder_add_int_value (builder, policy->max_age);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "mx");
  json_builder_begin_array (builder);
  for (guint i = 0; policy != NULL && policy->mx != NULL && i < policy->mx->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (policy->mx, i));
  json_builder_end_array (builder);

  add_string_member (builder, "tls_version", result->tls_version);
  add_string_member (builder, "cipher", result->cipher);
  json_builder_set_member_name (builder, "cert");
  if (result->has_cert)
    {
      g_autofree char *not_after = NULL;

      if (result->cert_not_after != NULL)
        not_after = g_date_time_format_iso8601 (result->cert_not_after);

      json_builder_begin_object (builder);
      add_string_member (builder, "subject", result->cert_subject);
      add_string_member (builder, "issuer", result->cert_issuer);
      add_strv_member (builder, "san", (const char * const *) result->cert_san);
      add_string_member (builder, "not_after", not_after);
      json_builder_set_member_name (builder, "days_left");
      if (result->cert_not_after != NULL)
        json_builder_add_int_value (builder, result->cert_days_left);
      else
        json_builder_add_null_value (builder);
      /* As far as the TLS library said: it may report one reason of several. */
      json_builder_set_member_name (builder, "trusted");
      json_builder_add_boolean_value (builder,
                                      (result->cert_errors & G_TLS_CERTIFICATE_UNKNOWN_CA) == 0);
      json_builder_set_member_name (builder, "name_matches");
      json_builder_add_boolean_value (builder,
                                      (result->cert_errors & G_TLS_CERTIFICATE_BAD_IDENTITY) == 0);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "problems");
  mts_diagnostics_to_json (result->problems, builder);
  json_builder_end_object (builder);
}
