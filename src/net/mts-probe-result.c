/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-probe-result.c: what a STARTTLS probe found, in words and in JSON.
 *
 * The connection code only records facts (how far it got, what the server
 * said, the verification bits); this file turns them into problems with
 * stable codes and plain-language messages, once, so the command line, its
 * JSON and the wizard all say the same thing.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gnutls/gnutls.h>

#include "mts-smtp-probe-private.h"
#include "mts-smtp-reply.h"

#define REF_STARTTLS "RFC 8461 §4"
#define REF_CERT "RFC 8461 §4.2"
#define REF_TLS_VERSION "RFC 8461 §7.2"
#define REF_INJECTION "RFC 3207 §4.2"
/* GnuTLS verifies chains of up to 16 certificates (its default verify
 * depth) and reports a longer one with GNUTLS_CERT_INVALID alone, no reason
 * bit; senders stop earlier still (Postfix's default depth is 9). */
#define MAX_VERIFIED_CHAIN 16

G_DEFINE_BOXED_TYPE (MtsProbeResult, mts_probe_result, mts_probe_result_ref, mts_probe_result_unref)

static void
probe_cert_free (MtsProbeCert *cert)
{
  g_free (cert->subject);
  g_free (cert->issuer);
  g_strfreev (cert->san);
  g_free (cert->key_type);
  g_free (cert->signature_algorithm);
  g_free (cert->sha256);
  g_free (cert);
}

static void
probe_result_clear (MtsProbeResult *r)
{
  g_free (r->host);
  g_free (r->address);
  g_free (r->detail);
  g_free (r->greeting);
  g_free (r->tls_version);
  g_free (r->cipher);
  g_free (r->key_exchange);
  g_free (r->group);
  g_free (r->description);
  g_ptr_array_unref (r->chain);
  g_free (r->legacy_tls_version);
  g_ptr_array_unref (r->problems);
}

/**
 * mts_probe_result_new:
 *
 * An empty result: nothing tried yet.  The probe fills it; tests and the
 * audit's port-25 conclusion may build results by hand.
 */
MtsProbeResult *
mts_probe_result_new (const char   *host,
                      GInetAddress *address,
                      guint16       port)
{
  MtsProbeResult *r;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), NULL);

  r = g_atomic_rc_box_new0 (MtsProbeResult);
  r->host = g_strdup (host);
  r->address = g_inet_address_to_string (address);
  r->port = port;
  r->ipv6 = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6;
  r->status = MTS_PROBE_STATUS_CONNECT_FAILED;
  r->stage = MTS_PROBE_STAGE_CONNECT;
  r->chain = g_ptr_array_new_with_free_func ((GDestroyNotify) probe_cert_free);
  r->legacy_tls = MTS_PROBE_LEGACY_NOT_CHECKED;
  r->connect_ms = r->greeting_ms = r->ehlo_ms = r->starttls_ms = r->handshake_ms = -1;
  r->total_ms = -1;
  r->problems = mts_diagnostics_new ();
  return r;
}

MtsProbeResult *
mts_probe_result_ref (MtsProbeResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return g_atomic_rc_box_acquire (result);
}

void
mts_probe_result_unref (MtsProbeResult *result)
{
  if (result != NULL)
    g_atomic_rc_box_release_full (result, (GDestroyNotify) probe_result_clear);
}

/**
 * mts_probe_result_get_leaf:
 *
 * Returns: (nullable): the server's own certificate, first of the chain.
 */
const MtsProbeCert *
mts_probe_result_get_leaf (const MtsProbeResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->chain->len > 0 ? g_ptr_array_index (result->chain, 0) : NULL;
}

/**
 * mts_probe_status_to_string:
 *
 * Returns: the stable, untranslated name used in JSON: "ok", "no-starttls"...
 */
const char *
mts_probe_status_to_string (MtsProbeStatus status)
{
  switch (status)
    {
    case MTS_PROBE_STATUS_OK: return "ok";
    case MTS_PROBE_STATUS_CONNECT_FAILED: return "connect-failed";
    case MTS_PROBE_STATUS_BUSY: return "busy";
    case MTS_PROBE_STATUS_REFUSED: return "refused";
    case MTS_PROBE_STATUS_NO_ANSWER: return "no-answer";
    case MTS_PROBE_STATUS_LINE_TOO_LONG: return "line-too-long";
    case MTS_PROBE_STATUS_REPLY_TOO_LARGE: return "reply-too-large";
    case MTS_PROBE_STATUS_NOT_SMTP: return "not-smtp";
    case MTS_PROBE_STATUS_NO_CRLF: return "reply-no-crlf";
    case MTS_PROBE_STATUS_DROPPED: return "connection-dropped";
    case MTS_PROBE_STATUS_EHLO_REJECTED: return "ehlo-rejected";
    case MTS_PROBE_STATUS_NO_STARTTLS: return "no-starttls";
    case MTS_PROBE_STATUS_STARTTLS_REJECTED: return "starttls-rejected";
    case MTS_PROBE_STATUS_INJECTION: return "starttls-injection";
    case MTS_PROBE_STATUS_HANDSHAKE_FAILED: return "tls-handshake-failed";
    case MTS_PROBE_STATUS_HANDSHAKE_TIMEOUT: return "tls-handshake-timeout";
    default: g_return_val_if_reached ("unknown");
    }
}

static const char *
stage_to_string (MtsProbeStage stage)
{
  switch (stage)
    {
    case MTS_PROBE_STAGE_CONNECT: return "connect";
    case MTS_PROBE_STAGE_GREETING: return "greeting";
    case MTS_PROBE_STAGE_EHLO: return "ehlo";
    case MTS_PROBE_STAGE_STARTTLS: return "starttls";
    case MTS_PROBE_STAGE_HANDSHAKE: return "handshake";
    case MTS_PROBE_STAGE_DONE: return "done";
    default: g_return_val_if_reached ("unknown");
    }
}

static const char *
connect_failure_to_string (MtsProbeConnectFailure failure)
{
  switch (failure)
    {
    case MTS_PROBE_CONNECT_OK: return NULL;
    case MTS_PROBE_CONNECT_REFUSED: return "refused";
    case MTS_PROBE_CONNECT_TIMEOUT: return "timeout";
    case MTS_PROBE_CONNECT_UNREACHABLE: return "unreachable";
    case MTS_PROBE_CONNECT_OTHER: return "other";
    default: g_return_val_if_reached ("other");
    }
}

/* Every verification bit, with the stable name it has in JSON. */
static const struct
{
  unsigned int bit;
  const char *name;
} verify_bits[] = {
  { GNUTLS_CERT_INVALID, "invalid" },
  { GNUTLS_CERT_REVOKED, "revoked" },
  { GNUTLS_CERT_SIGNER_NOT_FOUND, "signer-not-found" },
  { GNUTLS_CERT_SIGNER_NOT_CA, "signer-not-ca" },
  { GNUTLS_CERT_INSECURE_ALGORITHM, "insecure-algorithm" },
  { GNUTLS_CERT_NOT_ACTIVATED, "not-yet-valid" },
  { GNUTLS_CERT_EXPIRED, "expired" },
  { GNUTLS_CERT_SIGNATURE_FAILURE, "signature-failure" },
  { GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED, "revocation-data-superseded" },
  { GNUTLS_CERT_UNEXPECTED_OWNER, "name-mismatch" },
  { GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE, "revocation-data-in-future" },
  { GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE, "signer-constraints-failure" },
  { GNUTLS_CERT_MISMATCH, "mismatch" },
  { GNUTLS_CERT_PURPOSE_MISMATCH, "purpose-mismatch" },
  { GNUTLS_CERT_MISSING_OCSP_STATUS, "missing-ocsp-status" },
  { GNUTLS_CERT_INVALID_OCSP_STATUS, "invalid-ocsp-status" },
  { GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS, "unknown-critical-extensions" },
};

static char *
format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("?");
}

static char *
format_iso8601 (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static void
add_string (JsonBuilder *builder,
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
add_date (JsonBuilder *builder,
          const char  *name,
          gint64       unix_time)
{
  g_autofree char *date = format_iso8601 (unix_time);

  add_string (builder, name, date);
}

static void
cert_to_json (const MtsProbeCert   *cert,
              const MtsProbeResult *result,
              JsonBuilder          *builder)
{
  json_builder_begin_object (builder);
  add_string (builder, "subject", cert->subject);
  add_string (builder, "issuer", cert->issuer);
  json_builder_set_member_name (builder, "san");
  json_builder_begin_array (builder);
  for (guint i = 0; cert->san[i] != NULL; i++)
    json_builder_add_string_value (builder, cert->san[i]);
  json_builder_end_array (builder);
  add_date (builder, "not_before", cert->not_before);
  add_date (builder, "not_after", cert->not_after);
  json_builder_set_member_name (builder, "days_left");
  json_builder_add_int_value (builder, cert->days_left);
  if (result != NULL)
    {
      json_builder_set_member_name (builder, "trusted");
      json_builder_add_boolean_value (builder, result->trusted);
      json_builder_set_member_name (builder, "name_matches");
      json_builder_add_boolean_value (builder, result->name_matches);
    }
  add_string (builder, "key_type", cert->key_type);
  json_builder_set_member_name (builder, "key_bits");
  json_builder_add_int_value (builder, cert->key_bits);
  add_string (builder, "signature_algorithm", cert->signature_algorithm);
  add_string (builder, "sha256", cert->sha256);
  json_builder_set_member_name (builder, "self_signed");
  json_builder_add_boolean_value (builder, cert->self_signed);
  json_builder_end_object (builder);
}

static void
add_ms (JsonBuilder *builder,
        const char  *name,
        gint64       ms)
{
  if (ms < 0)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, ms);
}

/**
 * mts_probe_result_to_json:
 *
 * Adds one object: `host`, `address`, `port`, `status`, `stage`,
 * `connect_error`, `detail`, `greeting`, `starttls`, `tls_version`,
 * `cipher`, `key_exchange`, `group`, `description`, `cert` (the leaf:
 * `subject`, `issuer`, `san`, `not_before`, `not_after`, `days_left`,
 * `trusted`, `name_matches`, key and signature), `chain`, `verification`
 * (the names of GnuTLS's status bits), `legacy_tls_accepted` (true, false or
 * null when not known), `legacy_tls_version`, `timings` and `problems`.
 */
void
mts_probe_result_to_json (const MtsProbeResult *result,
                          JsonBuilder          *builder)
{
  const MtsProbeCert *leaf;
  gboolean handshake;

  g_return_if_fail (result != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  leaf = mts_probe_result_get_leaf (result);
  handshake = result->status == MTS_PROBE_STATUS_OK;

  json_builder_begin_object (builder);
  add_string (builder, "host", result->host);
  add_string (builder, "address", result->address);
  json_builder_set_member_name (builder, "port");
  json_builder_add_int_value (builder, result->port);
  add_string (builder, "status", mts_probe_status_to_string (result->status));
  add_string (builder, "stage", stage_to_string (result->stage));
  if (result->status == MTS_PROBE_STATUS_CONNECT_FAILED)
    add_string (builder, "connect_error", connect_failure_to_string (result->connect_failure));
  add_string (builder, "detail", result->detail);
  add_string (builder, "greeting", result->greeting);
  /* Known once the server answered EHLO with its extensions. */
  json_builder_set_member_name (builder, "starttls");
  if (result->stage > MTS_PROBE_STAGE_EHLO || result->status == MTS_PROBE_STATUS_NO_STARTTLS)
    json_builder_add_boolean_value (builder, result->starttls);
  else
    json_builder_add_null_value (builder);
  add_string (builder, "tls_version", result->tls_version);
  add_string (builder, "cipher", result->cipher);
  add_string (builder, "key_exchange", result->key_exchange);
  add_string (builder, "group", result->group);
  add_string (builder, "description", result->description);

  json_builder_set_member_name (builder, "cert");
  if (leaf != NULL)
    cert_to_json (leaf, result, builder);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "chain");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->chain->len; i++)
    cert_to_json (g_ptr_array_index (result->chain, i), NULL, builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "verification");
  if (handshake)
    {
      json_builder_begin_array (builder);
      for (gsize i = 0; i < G_N_ELEMENTS (verify_bits); i++)
        if (result->verify_status & verify_bits[i].bit)
          json_builder_add_string_value (builder, verify_bits[i].name);
      json_builder_end_array (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "legacy_tls_accepted");
  if (result->legacy_tls == MTS_PROBE_LEGACY_ACCEPTED)
    json_builder_add_boolean_value (builder, TRUE);
  else if (result->legacy_tls == MTS_PROBE_LEGACY_REJECTED)
    json_builder_add_boolean_value (builder, FALSE);
  else
    json_builder_add_null_value (builder);
  add_string (builder, "legacy_tls_version", result->legacy_tls_version);

  json_builder_set_member_name (builder, "timings");
  json_builder_begin_object (builder);
  add_ms (builder, "connect_ms", result->connect_ms);
  add_ms (builder, "greeting_ms", result->greeting_ms);
  add_ms (builder, "ehlo_ms", result->ehlo_ms);
  add_ms (builder, "starttls_ms", result->starttls_ms);
  add_ms (builder, "handshake_ms", result->handshake_ms);
  add_ms (builder, "total_ms", result->total_ms);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "problems");
  mts_diagnostics_to_json (result->problems, builder);
  json_builder_end_object (builder);
}

/* Problems */

static guint
seconds (guint ms)
{
  return (ms + 999) / 1000;
}

static const char *
stage_question (MtsProbeStage stage)
{
  switch (stage)
    {
    case MTS_PROBE_STAGE_GREETING:
      return _("with its greeting");
    case MTS_PROBE_STAGE_EHLO:
      return _("the EHLO command");
    case MTS_PROBE_STAGE_STARTTLS:
      return _("the STARTTLS command");
    case MTS_PROBE_STAGE_CONNECT:
    case MTS_PROBE_STAGE_HANDSHAKE:
    case MTS_PROBE_STAGE_DONE:
    default:
      return _("at all");
    }
}

static void
describe_connect_failure (MtsProbeResult        *r,
                          const MtsProbeOptions *options)
{
  GPtrArray *p = r->problems;

  switch (r->connect_failure)
    {
    case MTS_PROBE_CONNECT_REFUSED:
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-connect-failed", NULL,
                           _("%s (%s) refused the connection on port %u: no mail server is "
                             "listening there. Check that the mail server is running and that "
                             "the MX record points to the right host."),
                           r->host, r->address, r->port);
      break;
    case MTS_PROBE_CONNECT_TIMEOUT:
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-connect-failed", NULL,
                           _("Could not connect to %s (%s) on port %u: no answer within %u "
                             "seconds. The server may be down, or a firewall drops the "
                             "connection."),
                           r->host, r->address, r->port, seconds (options->connect_timeout_ms));
      break;
    case MTS_PROBE_CONNECT_UNREACHABLE:
      if (r->ipv6)
        mts_diagnostics_add (p, MTS_SEVERITY_WARNING, 0, "mx-connect-failed", NULL,
                             _("Could not reach the IPv6 address %s of %s: the network you are "
                               "on has no route to it (many have no IPv6). Senders with IPv6 "
                               "will use it, so check it from a network that has IPv6."),
                             r->address, r->host);
      else
        mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-connect-failed", NULL,
                             _("Could not reach %s (%s): there is no route to it from the "
                               "network you are on. Check the address in its DNS records."),
                             r->host, r->address);
      break;
    case MTS_PROBE_CONNECT_OK:
    case MTS_PROBE_CONNECT_OTHER:
    default:
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-connect-failed", NULL,
                           _("Could not connect to %s (%s) on port %u: %s."),
                           r->host, r->address, r->port,
                           r->detail != NULL ? r->detail : _("unknown error"));
      break;
    }
}

static void
describe_failure (MtsProbeResult        *r,
                  const MtsProbeOptions *options)
{
  GPtrArray *p = r->problems;
  const char *detail = r->detail != NULL ? r->detail : "";

  switch (r->status)
    {
    case MTS_PROBE_STATUS_CONNECT_FAILED:
      describe_connect_failure (r, options);
      break;
    case MTS_PROBE_STATUS_BUSY:
      mts_diagnostics_add (p, MTS_SEVERITY_WARNING, 0, "mx-busy", NULL,
                           _("%s (%s) is busy or limits connections and answered “%s”. "
                             "Its TLS setup could not be checked now: try again later."),
                           r->host, r->address, detail);
      break;
    case MTS_PROBE_STATUS_REFUSED:
      mts_diagnostics_add (p, MTS_SEVERITY_WARNING, 0, "mx-refused", NULL,
                           _("%s (%s) refused to talk and answered “%s”. It may be blocking "
                             "the address you check from (a blocklist, or a rule for unknown "
                             "clients); its TLS setup could not be checked from here."),
                           r->host, r->address, detail);
      break;
    case MTS_PROBE_STATUS_NO_ANSWER:
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-no-answer", NULL,
                           _("%s (%s) accepted the connection but did not answer %s within %u "
                             "seconds. Senders give up on such a server; check that the mail "
                             "server (not a firewall or another program) handles port %u."),
                           r->host, r->address, stage_question (r->stage),
                           seconds (options->reply_timeout_ms), r->port);
      break;
    case MTS_PROBE_STATUS_LINE_TOO_LONG:
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-line-too-long", NULL,
                           _("%s (%s) sent a line longer than %u bytes, or one that never "
                             "ended. That is not how a mail server answers: check what listens "
                             "on port %u."),
                           r->host, r->address, (guint) MTS_SMTP_REPLY_DEFAULT_MAX_LINE_LENGTH,
                           r->port);
      break;
    case MTS_PROBE_STATUS_REPLY_TOO_LARGE:
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-reply-too-large", NULL,
                           _("%s (%s) sent a reply with too many lines or too many bytes. "
                             "Check what listens on port %u."),
                           r->host, r->address, r->port);
      break;
    case MTS_PROBE_STATUS_NOT_SMTP:
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-not-smtp", NULL,
                           _("%s (%s) answered with something that is not SMTP. Check that the "
                             "mail server, and not another program, listens on port %u."),
                           r->host, r->address, r->port);
      break;
    case MTS_PROBE_STATUS_NO_CRLF:
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-reply-no-crlf", NULL,
                           _("%s (%s) closed the connection in the middle of a reply line, "
                             "without its line end (CRLF). Mail servers end every line; check "
                             "the server and anything in front of it, such as a firewall or "
                             "a proxy."),
                           r->host, r->address);
      break;
    case MTS_PROBE_STATUS_DROPPED:
      if (r->stage == MTS_PROBE_STAGE_GREETING)
        mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-connection-dropped", NULL,
                             _("%s (%s) closed the connection before greeting. Check the mail "
                               "server's logs: it may be overloaded or refusing this address."),
                             r->host, r->address);
      else
        mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-connection-dropped", NULL,
                             _("%s (%s) closed the connection instead of answering %s. Check "
                               "the mail server's logs."),
                             r->host, r->address, stage_question (r->stage));
      break;
    case MTS_PROBE_STATUS_EHLO_REJECTED:
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-ehlo-rejected", NULL,
                           _("%s (%s) rejected the EHLO command with “%s”, so it cannot offer "
                             "STARTTLS. Check the mail server's settings for EHLO."),
                           r->host, r->address, detail);
      break;
    case MTS_PROBE_STATUS_NO_STARTTLS:
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-no-starttls", REF_STARTTLS,
                           _("%s (%s) does not offer STARTTLS, so mail to it cannot be "
                             "encrypted, and senders using MTA-STS in enforce mode will not "
                             "deliver to it. Turn on TLS in the mail server, with a "
                             "certificate (in Postfix: smtpd_tls_security_level = may)."),
                           r->host, r->address);
      break;
    case MTS_PROBE_STATUS_STARTTLS_REJECTED:
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-starttls-rejected", REF_STARTTLS,
                           _("%s (%s) offers STARTTLS but refused to start it with “%s”. "
                             "Check that the mail server can read its certificate and key."),
                           r->host, r->address, detail);
      break;
    case MTS_PROBE_STATUS_INJECTION:
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-starttls-injection", REF_INJECTION,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "%s (%s), or something between you and it, sent "
                                        "%lu byte after agreeing to STARTTLS and "
                                        "before encryption started. That is how commands are "
                                        "injected into a connection: look for a firewall or "
                                        "proxy that rewrites SMTP, and update the mail server.",
                                        "%s (%s), or something between you and it, sent "
                                        "%lu bytes after agreeing to STARTTLS and "
                                        "before encryption started. That is how commands are "
                                        "injected into a connection: look for a firewall or "
                                        "proxy that rewrites SMTP, and update the mail server.",
                                        r->injected_bytes),
                           r->host, r->address, (gulong) r->injected_bytes);
      break;
    case MTS_PROBE_STATUS_HANDSHAKE_FAILED:
      if (r->legacy_tls == MTS_PROBE_LEGACY_ACCEPTED)
        {
          /* The second connection explains the first. */
          mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-tls-handshake-failed",
                               REF_TLS_VERSION,
                               _("%s (%s) only speaks TLS 1.0 or 1.1, which senders using "
                                 "MTA-STS refuse: they need TLS 1.2 or later. Turn on TLS 1.2 "
                                 "and 1.3 in the mail server (and update it, if it is too old "
                                 "for them)."),
                               r->host, r->address);
          break;
        }
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-tls-handshake-failed", REF_TLS_VERSION,
                           _("The TLS handshake with %s (%s) failed: %s. Senders using "
                             "MTA-STS will not deliver to it. Check the mail server's TLS "
                             "settings: it must support TLS 1.2 or later with a current "
                             "cipher."),
                           r->host, r->address, detail);
      break;
    case MTS_PROBE_STATUS_HANDSHAKE_TIMEOUT:
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-tls-handshake-failed", REF_TLS_VERSION,
                           _("The TLS handshake with %s (%s) did not finish within %u seconds. "
                             "Senders will give up too: check the mail server's TLS settings "
                             "and its load."),
                           r->host, r->address, seconds (options->handshake_timeout_ms));
      break;
    case MTS_PROBE_STATUS_OK:
    default:
      g_assert_not_reached ();
    }
}

static void
describe_certificate (MtsProbeResult        *r,
                      const MtsProbeOptions *options)
{
  GPtrArray *p = r->problems;
  const MtsProbeCert *leaf = mts_probe_result_get_leaf (r);
  guint status = r->verify_status;
  guint explained = GNUTLS_CERT_INVALID | GNUTLS_CERT_UNEXPECTED_OWNER;
  g_autofree char *not_after = NULL;
  g_autofree char *not_before = NULL;

  if (leaf == NULL)
    {
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-untrusted", REF_CERT,
                           _("%s (%s) sent no certificate. Senders using MTA-STS need one "
                             "from a trusted certificate authority: install one."),
                           r->host, r->address);
      return;
    }

  not_after = format_date (leaf->not_after);
  not_before = format_date (leaf->not_before);

  if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
    {
      if (leaf->self_signed)
        mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-untrusted", REF_CERT,
                             _("The certificate of %s (%s) is self-signed. Senders using "
                               "MTA-STS only accept certificates from a trusted certificate "
                               "authority: get one (Let's Encrypt is free) and install it "
                               "on the mail server."),
                             r->host, r->address);
      else
        mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-untrusted", REF_CERT,
                             _("The certificate of %s (%s) was issued by “%s”, which is not a "
                               "trusted certificate authority, or the server does not send "
                               "the intermediate certificates. Install a certificate from a "
                               "trusted authority with its full chain."),
                             r->host, r->address, leaf->issuer);
      explained |= GNUTLS_CERT_SIGNER_NOT_FOUND;
    }
  if (status & GNUTLS_CERT_SIGNER_NOT_CA)
    {
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-untrusted", REF_CERT,
                           _("The certificate of %s (%s) is signed by a certificate that is not "
                             "a certificate authority. Install the chain your certificate "
                             "authority gave you."),
                           r->host, r->address);
      explained |= GNUTLS_CERT_SIGNER_NOT_CA;
    }
  if (status & GNUTLS_CERT_EXPIRED)
    {
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-expired", REF_CERT,
                           _("The certificate of %s (%s), or one in its chain, expired on %s. "
                             "Senders using MTA-STS refuse expired certificates: renew it "
                             "and reload the mail server."),
                           r->host, r->address, not_after);
      explained |= GNUTLS_CERT_EXPIRED;
    }
  if (status & GNUTLS_CERT_NOT_ACTIVATED)
    {
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-not-yet-valid", REF_CERT,
                           _("The certificate of %s (%s), or one in its chain, is not valid "
                             "before %s. Check the certificate's dates and the clocks of the "
                             "server and of this computer."),
                           r->host, r->address, not_before);
      explained |= GNUTLS_CERT_NOT_ACTIVATED;
    }
  if (status & GNUTLS_CERT_REVOKED)
    {
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-revoked", REF_CERT,
                           _("The certificate of %s (%s) was revoked by its issuer. Install a "
                             "new certificate."),
                           r->host, r->address);
      explained |= GNUTLS_CERT_REVOKED;
    }
  if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
    {
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-insecure-algorithm", REF_CERT,
                           _("The certificate of %s (%s), or one in its chain, is signed with an "
                             "algorithm that is no longer secure (this one uses %s). Get a "
                             "new certificate signed with SHA-256 or better."),
                           r->host, r->address, leaf->signature_algorithm);
      explained |= GNUTLS_CERT_INSECURE_ALGORITHM;
    }
  if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
    {
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-invalid", REF_CERT,
                           _("The certificate of %s (%s) is not meant for a TLS server (its "
                             "extended key usage lacks server authentication). Get a "
                             "certificate made for servers."),
                           r->host, r->address);
      explained |= GNUTLS_CERT_PURPOSE_MISMATCH;
    }
  if (status & ~explained)
    {
      gnutls_datum_t out = { NULL, 0 };
      g_autofree char *text = NULL;

      /* The rarer bits (bad signature, OCSP, constraints): GnuTLS's own
       * words, which name each of them. */
      if (gnutls_certificate_verification_status_print (status & ~explained, GNUTLS_CRT_X509,
                                                        &out, 0) >= 0)
        {
          text = g_strndup ((const char *) out.data, out.size);
          gnutls_free (out.data);
        }
      mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-invalid", REF_CERT,
                           _("The certificate of %s (%s) failed verification: %s Install a "
                             "valid certificate from a trusted certificate authority."),
                           r->host, r->address, text != NULL ? text : "");
    }

  /* Untrusted without any reason bit: a chain longer than GnuTLS verifies,
   * or verification that failed outright (r->detail says why).  Never let an
   * untrusted certificate pass without a finding. */
  if (!r->trusted && (status & ~(GNUTLS_CERT_INVALID | GNUTLS_CERT_UNEXPECTED_OWNER)) == 0)
    {
      if (r->chain->len > MAX_VERIFIED_CHAIN)
        mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-untrusted", REF_CERT,
                             _("%s (%s) sends a chain of %u certificates, more than senders "
                               "verify (at most %u, often fewer), so they cannot trust it. "
                               "Send only the certificate and the intermediate certificates "
                               "your certificate authority gave you (usually one or two)."),
                             r->host, r->address, r->chain->len, MAX_VERIFIED_CHAIN);
      else
        mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-invalid", REF_CERT,
                             _("The certificate of %s (%s) could not be verified (%s). Install "
                               "a valid certificate from a trusted certificate authority with "
                               "its full chain."),
                             r->host, r->address,
                             r->detail != NULL ? r->detail : _("no reason given"));
    }

  if (!r->name_matches)
    {
      g_autofree char *names = g_strjoinv (", ", leaf->san);

      if (leaf->san[0] == NULL)
        mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-name-mismatch", REF_CERT,
                             _("The certificate of %s (%s) has no DNS name in its Subject "
                               "Alternative Name (at most a name in its Common Name, which "
                               "MTA-STS senders ignore). Get a certificate that lists %s as "
                               "a DNS name."),
                             r->host, r->address, r->host);
      else
        mts_diagnostics_add (p, MTS_SEVERITY_ERROR, 0, "mx-cert-name-mismatch", REF_CERT,
                             _("The certificate of %s (%s) is for %s, not for %s. Senders "
                               "using MTA-STS check that it names the MX host: get a "
                               "certificate that includes %s (a wildcard covers only one "
                               "label: *.example.com covers mx.example.com, not "
                               "a.mx.example.com)."),
                             r->host, r->address, names, r->host, r->host);
    }

  if (!(status & GNUTLS_CERT_EXPIRED) && leaf->days_left >= 0 &&
      leaf->days_left < (gint64) options->expiry_warning_days)
    mts_diagnostics_add (p, MTS_SEVERITY_WARNING, 0, "mx-cert-expiring-soon", REF_CERT,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "The certificate of %s (%s) expires in %d day, on "
                                      "%s. Renew it before then, or senders using MTA-STS "
                                      "will stop delivering mail.",
                                      "The certificate of %s (%s) expires in %d days, on "
                                      "%s. Renew it before then, or senders using MTA-STS "
                                      "will stop delivering mail.",
                                      leaf->days_left),
                         r->host, r->address, (int) leaf->days_left, not_after);
}

/* Adds the problems of @r, once; see the header for the codes. */
void
_mts_probe_result_describe (MtsProbeResult        *r,
                            const MtsProbeOptions *options)
{
  g_ptr_array_set_size (r->problems, 0);

  if (r->status != MTS_PROBE_STATUS_OK)
    describe_failure (r, options);
  else
    describe_certificate (r, options);

  if (r->legacy_tls == MTS_PROBE_LEGACY_ACCEPTED)
    mts_diagnostics_add (r->problems, MTS_SEVERITY_WARNING, 0, "mx-legacy-tls", REF_TLS_VERSION,
                         _("%s (%s) still accepts %s. TLS 1.0 and 1.1 are obsolete (RFC 8996) "
                           "and weaken the connection: turn them off (in Postfix: "
                           "smtpd_tls_protocols = >=TLSv1.2 and "
                           "smtpd_tls_mandatory_protocols = >=TLSv1.2)."),
                         r->host, r->address,
                         r->legacy_tls_version != NULL ? r->legacy_tls_version : "TLS 1.0/1.1");
  else if (r->legacy_tls == MTS_PROBE_LEGACY_UNKNOWN)
    mts_diagnostics_add (r->problems, MTS_SEVERITY_NOTE, 0, "mx-legacy-tls-unchecked", NULL,
                         _("Could not tell whether %s (%s) still accepts TLS 1.0 or 1.1: the "
                           "second connection, which tries them, did not get as far as TLS. "
                           "Check again later."),
                         r->host, r->address);
}

/**
 * mts_probe_results_port25_blocked:
 * @results: (element-type MtsProbeResult): every probe of a domain
 *
 * When every address of every MX timed out while connecting to port 25,
 * the likeliest cause is the network the check runs from: many home ISPs
 * and cloud providers block outbound port 25.  IPv6 addresses that have no
 * route do not change that conclusion; any other outcome does.
 *
 * Returns: (transfer full) (nullable): a "port25-blocked" problem, or %NULL.
 */
MtsDiagnostic *
mts_probe_results_port25_blocked (GPtrArray *results)
{
  guint timeouts = 0;

  g_return_val_if_fail (results != NULL, NULL);

  for (guint i = 0; i < results->len; i++)
    {
      const MtsProbeResult *r = g_ptr_array_index (results, i);

      if (r->port != 25 || r->status != MTS_PROBE_STATUS_CONNECT_FAILED)
        return NULL;
      if (r->connect_failure == MTS_PROBE_CONNECT_TIMEOUT)
        timeouts++;
      else if (!(r->connect_failure == MTS_PROBE_CONNECT_UNREACHABLE && r->ipv6))
        return NULL;
    }
  if (timeouts == 0)
    return NULL;

  return mts_diagnostic_new (MTS_SEVERITY_WARNING, 0, "port25-blocked", NULL,
                             _("No mail server answered on port 25, at any address. Outbound "
                               "port 25 is probably blocked by the network you are on (common "
                               "with home internet providers and cloud servers), not broken "
                               "servers. Run the check from another network, such as the mail "
                               "server itself."));
}
