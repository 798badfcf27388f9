/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-smtp-probe.c: the STARTTLS probe against scripted SMTP servers on 127.0.0.1.
 *
 * Each test starts tests/peers/smtp-peer.py in one mode on a free high port;
 * certificates come from tests/world/pki.sh, made at test time, and the probe
 * trusts the test CA through its CA-file option.  No root needed.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "net/mts-smtp-probe-private.h"
#include "net/mts-smtp-probe.h"
#include "mts-test-memory.h"
#include "mts-test-needs.h"

/* Debian's Python, with the ssl module built against the system OpenSSL
 * (not whatever "python3" is first on PATH). */
#define PYTHON "/usr/bin/python3"

static char *pki_dir;

/* Peers */

typedef struct
{
  GSubprocess *process;
  guint16 port;
} Peer;

static Peer *
peer_start (const char *mode,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "peers", "smtp-peer.py", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  Peer *peer = g_new0 (Peer, 1);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) PYTHON);
  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, (char *) "--mode");
  g_ptr_array_add (argv, (char *) mode);
  va_start (args, mode);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  peer->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                     G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                     &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (peer->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  peer->port = (guint16) g_ascii_strtoull (line, NULL, 10);
  g_assert_cmpuint (peer->port, >, 1024);
  return peer;
}

static void
peer_stop (Peer *peer)
{
  g_subprocess_force_exit (peer->process);
  g_subprocess_wait (peer->process, NULL, NULL);
  g_object_unref (peer->process);
  g_free (peer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, peer_stop)

static char *
pki_file (const char *name,
          const char *ext)
{
  g_autofree char *base = g_strconcat (name, ext, NULL);

  return g_build_filename (pki_dir, base, NULL);
}

/* Runs a peer with the certificate NAME made in main(). */
static Peer *
tls_peer_start (const char *mode,
                const char *cert,
                const char *extra1,
                const char *extra2)
{
  g_autofree char *pem = pki_file (cert, ".pem");
  g_autofree char *key = pki_file (cert, ".key");

  return peer_start (mode, "--cert", pem, "--key", key, extra1, extra2, NULL);
}

/* Probing */

static void
options_for_tests (MtsProbeOptions *options)
{
  static char *ca_file;

  if (ca_file == NULL)
    ca_file = pki_file ("ca", ".pem");
  mts_probe_options_init (options);
  options->ca_file = ca_file;
  options->helo_name = "probe.example.test";
  /* Only the tests about old TLS open the second connection. */
  options->check_legacy_tls = FALSE;
  options->connect_timeout_ms = 5000;
  options->reply_timeout_ms = 5000;
  options->handshake_timeout_ms = 5000;
}

typedef struct
{
  MtsProbeResult *result;
  GError *error;
  gboolean done;
  gint64 finished;
} Outcome;

static void
probe_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      data)
{
  Outcome *outcome = data;

  outcome->result = mts_smtp_probe_run_finish (res, &outcome->error);
  outcome->done = TRUE;
  outcome->finished = g_get_monotonic_time ();
}

static void
wait_for (gboolean *done)
{
  while (!*done)
    g_main_context_iteration (NULL, TRUE);
}

static MtsProbeResult *
probe (const char            *host,
       guint16                port,
       const MtsProbeOptions *options)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  Outcome outcome = { 0 };

  mts_smtp_probe_run_async (host, address, port, options, NULL, probe_done_cb, &outcome);
  wait_for (&outcome.done);
  g_assert_no_error (outcome.error);
  g_assert_nonnull (outcome.result);
  return outcome.result;
}

/* The exact list of problem codes, in order. */
static void
assert_codes (MtsProbeResult *result,
              ...)
{
  g_autoptr(GString) want = g_string_new (NULL);
  g_autoptr(GString) got = g_string_new (NULL);
  const char *code;
  va_list args;

  va_start (args, result);
  while ((code = va_arg (args, const char *)) != NULL)
    g_string_append_printf (want, "%s;", code);
  va_end (args);
  for (guint i = 0; i < result->problems->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (result->problems, i);

      g_assert_nonnull (d->message);
      g_assert_cmpuint (strlen (d->message), >, 20);
      g_string_append_printf (got, "%s;", d->code);
    }
  g_assert_cmpstr (got->str, ==, want->str);
}

static void
assert_severity (MtsProbeResult *result,
                 const char     *code,
                 MtsSeverity     severity)
{
  const MtsDiagnostic *d = mts_diagnostics_find (result->problems, code);

  g_assert_nonnull (d);
  g_assert_cmpint (d->severity, ==, severity);
}

/* Good servers */

static void
test_good_tls13 (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "good", NULL, NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  const MtsProbeCert *leaf;
  MtsProbeOptions options;

  options_for_tests (&options);
  r = probe ("mx.example.test", peer->port, &options);

  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_cmpint (r->stage, ==, MTS_PROBE_STAGE_DONE);
  g_assert_cmpstr (r->host, ==, "mx.example.test");
  g_assert_cmpstr (r->address, ==, "127.0.0.1");
  g_assert_cmpuint (r->port, ==, peer->port);
  g_assert_cmpstr (r->greeting, ==, "mx.example.test ESMTP");
  g_assert_true (r->starttls);
  g_assert_cmpstr (r->tls_version, ==, "TLS1.3");
  g_assert_nonnull (r->cipher);
  g_assert_nonnull (r->group);
  g_assert_true (g_str_has_prefix (r->description, "(TLS1.3)"));
  g_assert_cmpuint (r->verify_status, ==, 0);
  g_assert_true (r->trusted);
  g_assert_true (r->name_matches);
  g_assert_cmpint (r->legacy_tls, ==, MTS_PROBE_LEGACY_NOT_CHECKED);

  g_assert_cmpuint (r->chain->len, ==, 1);
  leaf = mts_probe_result_get_leaf (r);
  g_assert_cmpstr (leaf->subject, ==, "CN=mx.example.test,O=MTA-STS Wizard tests");
  g_assert_cmpstr (leaf->issuer, ==, "CN=MTA-STS Wizard Test CA,O=MTA-STS Wizard tests");
  g_assert_cmpstrv (leaf->san, ((const char *[]) { "mx.example.test", NULL }));
  g_assert_cmpint (leaf->days_left, >=, 363);
  g_assert_cmpint (leaf->days_left, <=, 365);
  g_assert_cmpstr (leaf->key_type, ==, "EC/ECDSA");
  g_assert_cmpuint (leaf->key_bits, ==, 256);
  g_assert_cmpstr (leaf->signature_algorithm, ==, "ECDSA-SHA256");
  g_assert_cmpuint (strlen (leaf->sha256), ==, 64);
  g_assert_false (leaf->self_signed);

  g_assert_cmpint (r->connect_ms, >=, 0);
  g_assert_cmpint (r->greeting_ms, >=, 0);
  g_assert_cmpint (r->ehlo_ms, >=, 0);
  g_assert_cmpint (r->starttls_ms, >=, 0);
  g_assert_cmpint (r->handshake_ms, >=, 0);
  g_assert_cmpint (r->total_ms, >=, r->handshake_ms);
  assert_codes (r, NULL);
}

static void
test_good_tls12 (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "good", "--max-tls", "1.2");
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  options.check_legacy_tls = TRUE;
  r = probe ("mx.example.test", peer->port, &options);

  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_cmpstr (r->tls_version, ==, "TLS1.2");
  g_assert_true (g_str_has_prefix (r->key_exchange, "ECDHE"));
  g_assert_true (r->trusted);
  g_assert_true (r->name_matches);
  /* Python's default floor is TLS 1.2: the second connection fails. */
  g_assert_cmpint (r->legacy_tls, ==, MTS_PROBE_LEGACY_REJECTED);
  g_assert_null (r->legacy_tls_version);
  assert_codes (r, NULL);
}

static void
test_starttls_line (gconstpointer data)
{
  const char *where = data;
  g_autoptr(Peer) peer = tls_peer_start ("good", "good", "--starttls-line", where);
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  r = probe ("mx.example.test", peer->port, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_true (r->starttls);
  assert_codes (r, NULL);
}

/* postscreen: "220-" now, "220 " two seconds later; the probe must wait for
 * the final line before EHLO, or the peer answers 554. */
static void
test_slow_multiline_greeting (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "good", "--greeting-delay", "2");
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  r = probe ("mx.example.test", peer->port, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_cmpstr (r->greeting, ==, "mx.example.test ESMTP please wait\nmx.example.test ESMTP");
  g_assert_cmpint (r->greeting_ms, >=, 1900);
  g_assert_cmpint (r->greeting_ms, <, 4000);
  assert_codes (r, NULL);
}

/* Certificates */

static void
test_cert_expired (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "expired", NULL, NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  r = probe ("mx.example.test", peer->port, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_cmpuint (r->verify_status, ==, GNUTLS_CERT_INVALID | GNUTLS_CERT_EXPIRED);
  g_assert_true (r->trusted);
  g_assert_true (r->name_matches);
  g_assert_cmpint (mts_probe_result_get_leaf (r)->days_left, <, -2000);
  assert_codes (r, "mx-cert-expired", NULL);
  assert_severity (r, "mx-cert-expired", MTS_SEVERITY_ERROR);
  g_assert_nonnull (strstr (mts_diagnostics_find (r->problems, "mx-cert-expired")->message,
                            "2020-01-01"));
}

static void
test_cert_wrong_name (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "wrong-name", NULL, NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  r = probe ("mx.example.test", peer->port, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_true (r->trusted);
  g_assert_false (r->name_matches);
  g_assert_cmpuint (r->verify_status, ==, GNUTLS_CERT_INVALID | GNUTLS_CERT_UNEXPECTED_OWNER);
  assert_codes (r, "mx-cert-name-mismatch", NULL);
  g_assert_nonnull (strstr (mts_diagnostics_find (r->problems, "mx-cert-name-mismatch")->message,
                            "other.example.test"));
}

static void
test_cert_self_signed (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "self-signed", NULL, NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  r = probe ("mx.example.test", peer->port, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_false (r->trusted);
  g_assert_true (r->name_matches);
  g_assert_true (r->verify_status & GNUTLS_CERT_SIGNER_NOT_FOUND);
  g_assert_true (mts_probe_result_get_leaf (r)->self_signed);
  assert_codes (r, "mx-cert-untrusted", NULL);
  g_assert_nonnull (strstr (mts_diagnostics_find (r->problems, "mx-cert-untrusted")->message,
                            "self-signed"));
}

/* Without the CA file, the same good server is untrusted: the system store
 * does not know the test CA. */
static void
test_cert_unknown_ca (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "good", NULL, NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  options.ca_file = NULL;
  r = probe ("mx.example.test", peer->port, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_false (r->trusted);
  g_assert_true (r->name_matches);
  g_assert_false (mts_probe_result_get_leaf (r)->self_signed);
  assert_codes (r, "mx-cert-untrusted", NULL);
  g_assert_nonnull (strstr (mts_diagnostics_find (r->problems, "mx-cert-untrusted")->message,
                            "MTA-STS Wizard Test CA"));
}

static void
test_cert_wildcard (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "wildcard", NULL, NULL);
  g_autoptr(MtsProbeResult) one = NULL;
  g_autoptr(MtsProbeResult) two = NULL;
  g_autoptr(MtsProbeResult) bare = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);

  /* One label: matches (RFC 6125 §6.4.3). */
  one = probe ("a.mx.test", peer->port, &options);
  g_assert_cmpint (one->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_true (one->name_matches);
  g_assert_cmpstrv (mts_probe_result_get_leaf (one)->san, ((const char *[]) { "*.mx.test", NULL }));
  assert_codes (one, NULL);

  /* Two labels, or none: no match. */
  two = probe ("a.b.mx.test", peer->port, &options);
  g_assert_false (two->name_matches);
  assert_codes (two, "mx-cert-name-mismatch", NULL);
  bare = probe ("mx.test", peer->port, &options);
  g_assert_false (bare->name_matches);
  assert_codes (bare, "mx-cert-name-mismatch", NULL);
}

/* The name in the CN only: GnuTLS alone would accept it, MTA-STS does not. */
static void
test_cert_cn_only (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "cn-only", NULL, NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  r = probe ("mx.example.test", peer->port, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_true (r->trusted);
  g_assert_false (r->name_matches);
  g_assert_cmpstrv (mts_probe_result_get_leaf (r)->san, ((const char *[]) { NULL }));
  assert_codes (r, "mx-cert-name-mismatch", NULL);
  g_assert_nonnull (strstr (mts_diagnostics_find (r->problems, "mx-cert-name-mismatch")->message,
                            "Subject Alternative Name"));
}

static void
test_cert_expiring_soon (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "short", NULL, NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  r = probe ("mx.example.test", peer->port, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_cmpint (mts_probe_result_get_leaf (r)->days_left, <=, 5);
  assert_codes (r, "mx-cert-expiring-soon", NULL);
  assert_severity (r, "mx-cert-expiring-soon", MTS_SEVERITY_WARNING);
}

/* TLS 1.0/1.1 */

static void
test_legacy_tls_accepted (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "good", "--min-tls", "1.0");
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  options.check_legacy_tls = TRUE;
  r = probe ("mx.example.test", peer->port, &options);
  /* The real probe still gets modern TLS... */
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_cmpstr (r->tls_version, ==, "TLS1.3");
  /* ...and the second connection shows the old versions are accepted. */
  g_assert_cmpint (r->legacy_tls, ==, MTS_PROBE_LEGACY_ACCEPTED);
  g_assert_cmpstr (r->legacy_tls_version, ==, "TLS1.1");
  assert_codes (r, "mx-legacy-tls", NULL);
  assert_severity (r, "mx-legacy-tls", MTS_SEVERITY_WARNING);
}

/* Only TLS 1.0/1.1: the real probe fails, the second connection says why. */
static void
test_legacy_tls_only (void)
{
  g_autofree char *pem = pki_file ("good", ".pem");
  g_autofree char *key = pki_file ("good", ".key");
  g_autoptr(Peer) peer = peer_start ("good", "--cert", pem, "--key", key,
                                     "--min-tls", "1.0", "--max-tls", "1.1", NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  options.check_legacy_tls = TRUE;
  r = probe ("mx.example.test", peer->port, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_HANDSHAKE_FAILED);
  g_assert_cmpint (r->stage, ==, MTS_PROBE_STAGE_HANDSHAKE);
  g_assert_null (r->tls_version);
  g_assert_cmpint (r->legacy_tls, ==, MTS_PROBE_LEGACY_ACCEPTED);
  g_assert_cmpstr (r->legacy_tls_version, ==, "TLS1.1");
  assert_codes (r, "mx-tls-handshake-failed", "mx-legacy-tls", NULL);
  g_assert_nonnull (strstr (mts_diagnostics_find (r->problems, "mx-tls-handshake-failed")->message,
                            "only speaks TLS 1.0 or 1.1"));
}

/* A server that rate-limits: the first connection is fine, the second gets
 * 421, so nothing can be said about the old versions. */
static void
test_legacy_tls_unchecked (void)
{
  g_autofree char *pem = pki_file ("good", ".pem");
  g_autofree char *key = pki_file ("good", ".key");
  g_autoptr(Peer) peer = peer_start ("good", "--cert", pem, "--key", key,
                                     "--busy-after", "1", NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  options.check_legacy_tls = TRUE;
  r = probe ("mx.example.test", peer->port, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_cmpint (r->legacy_tls, ==, MTS_PROBE_LEGACY_UNKNOWN);
  assert_codes (r, "mx-legacy-tls-unchecked", NULL);
  assert_severity (r, "mx-legacy-tls-unchecked", MTS_SEVERITY_NOTE);

  mts_probe_result_to_json (r, builder);
  root = json_builder_get_root (builder);
  g_assert_true (json_object_get_null_member (json_node_get_object (root), "legacy_tls_accepted"));
}

/* IPv6, and the EHLO name chosen by the probe: this machine's name if it
 * is a full domain name, else the address literal, which the peer checks
 * as strict servers do (501 for "localhost" or a bare host name). */
static void
test_ipv6_default_helo (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autofree char *pem = pki_file ("good", ".pem");
  g_autofree char *key = pki_file ("good", ".key");
  g_autoptr(Peer) peer = NULL;
  Outcome outcome = { 0 };
  MtsProbeOptions options;

  if (socket == NULL || !g_socket_bind (socket, any, FALSE, NULL))
    {
      g_test_skip ("no IPv6 loopback (::1) here");
      return;
    }
  g_socket_close (socket, NULL);

  peer = peer_start ("good", "--cert", pem, "--key", key, "--listen", "::1", NULL);
  options_for_tests (&options);
  options.helo_name = NULL;
  mts_smtp_probe_run_async ("mx.example.test", loopback, peer->port, &options, NULL,
                            probe_done_cb, &outcome);
  wait_for (&outcome.done);
  g_assert_no_error (outcome.error);
  g_assert_cmpint (outcome.result->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_true (outcome.result->ipv6);
  g_assert_cmpstr (outcome.result->address, ==, "::1");
  assert_codes (outcome.result, NULL);
  mts_probe_result_unref (outcome.result);
}

/* SMTP failures */

static void
test_ehlo_rejected (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "good", NULL, NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  options.helo_name = "localhost";
  r = probe ("mx.example.test", peer->port, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_EHLO_REJECTED);
  g_assert_cmpint (r->stage, ==, MTS_PROBE_STAGE_EHLO);
  g_assert_cmpstr (r->detail, ==, "501 5.5.2 <localhost>: Helo command rejected: Invalid name");
  assert_codes (r, "mx-ehlo-rejected", NULL);
}

static MtsProbeResult *
probe_mode (const char *mode,
            gint64     *elapsed_ms,
            const MtsProbeOptions *options)
{
  g_autoptr(Peer) peer = tls_peer_start (mode, "good", NULL, NULL);
  gint64 start = g_get_monotonic_time ();
  MtsProbeResult *r = probe ("mx.example.test", peer->port, options);

  if (elapsed_ms != NULL)
    *elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  return r;
}

static void
test_no_starttls (void)
{
  MtsProbeOptions options;
  g_autoptr(MtsProbeResult) r = NULL;

  options_for_tests (&options);
  options.check_legacy_tls = TRUE;
  r = probe_mode ("no-starttls", NULL, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_NO_STARTTLS);
  g_assert_false (r->starttls);
  g_assert_null (r->tls_version);
  g_assert_cmpuint (r->chain->len, ==, 0);
  /* No TLS, so no second connection either. */
  g_assert_cmpint (r->legacy_tls, ==, MTS_PROBE_LEGACY_NOT_CHECKED);
  assert_codes (r, "mx-no-starttls", NULL);
  assert_severity (r, "mx-no-starttls", MTS_SEVERITY_ERROR);
}

static void
test_starttls_refused (void)
{
  MtsProbeOptions options;
  g_autoptr(MtsProbeResult) r = NULL;

  options_for_tests (&options);
  r = probe_mode ("starttls-refused", NULL, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_STARTTLS_REJECTED);
  g_assert_true (r->starttls);
  g_assert_cmpstr (r->detail, ==, "454 4.7.0 TLS not available due to local problem");
  assert_codes (r, "mx-starttls-rejected", NULL);
}

static void
test_greeting_busy (void)
{
  MtsProbeOptions options;
  g_autoptr(MtsProbeResult) r = NULL;

  options_for_tests (&options);
  r = probe_mode ("busy", NULL, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_BUSY);
  g_assert_cmpint (r->stage, ==, MTS_PROBE_STAGE_GREETING);
  g_assert_cmpstr (r->detail, ==,
                   "421 4.7.0 mx.example.test Error: too many connections from your address");
  assert_codes (r, "mx-busy", NULL);
  assert_severity (r, "mx-busy", MTS_SEVERITY_WARNING);
  g_assert_nonnull (strstr (mts_diagnostics_find (r->problems, "mx-busy")->message, "later"));
}

static void
test_silence (void)
{
  MtsProbeOptions options;
  g_autoptr(MtsProbeResult) r = NULL;
  gint64 elapsed;

  options_for_tests (&options);
  options.reply_timeout_ms = 600;
  r = probe_mode ("silent", &elapsed, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_NO_ANSWER);
  g_assert_cmpint (r->stage, ==, MTS_PROBE_STAGE_GREETING);
  /* The step's own time: the limit, not a moment less, hardly more. */
  g_assert_cmpint (r->greeting_ms, >=, 600);
  g_assert_cmpint (r->greeting_ms, <, 600 + 300);
  g_assert_cmpint (elapsed, >=, 600);
  assert_codes (r, "mx-no-answer", NULL);
}

/* Servers that fail in one simple way each: the status, where, the code. */
typedef struct
{
  const char *mode;
  MtsProbeStatus status;
  MtsProbeStage stage;
  const char *code;
} FailureCase;

static const FailureCase failure_cases[] = {
  { "refused", MTS_PROBE_STATUS_REFUSED, MTS_PROBE_STAGE_GREETING, "mx-refused" },
  { "endless", MTS_PROBE_STATUS_LINE_TOO_LONG, MTS_PROBE_STAGE_GREETING, "mx-line-too-long" },
  { "no-crlf", MTS_PROBE_STATUS_NO_CRLF, MTS_PROBE_STAGE_GREETING, "mx-reply-no-crlf" },
  { "ssh", MTS_PROBE_STATUS_NOT_SMTP, MTS_PROBE_STAGE_GREETING, "mx-not-smtp" },
  { "ehlo-flood", MTS_PROBE_STATUS_REPLY_TOO_LARGE, MTS_PROBE_STAGE_EHLO, "mx-reply-too-large" },
};

static void
test_failure (gconstpointer data)
{
  const FailureCase *c = data;
  MtsProbeOptions options;
  g_autoptr(MtsProbeResult) r = NULL;

  options_for_tests (&options);
  options.check_legacy_tls = TRUE;
  r = probe_mode (c->mode, NULL, &options);
  g_assert_cmpint (r->status, ==, c->status);
  g_assert_cmpint (r->stage, ==, c->stage);
  g_assert_null (r->tls_version);
  g_assert_cmpint (r->legacy_tls, ==, MTS_PROBE_LEGACY_NOT_CHECKED);
  assert_codes (r, c->code, NULL);
  assert_severity (r, c->code, c->status == MTS_PROBE_STATUS_REFUSED ? MTS_SEVERITY_WARNING
                                                                      : MTS_SEVERITY_ERROR);
}

static void
test_injection (void)
{
  MtsProbeOptions options;
  g_autoptr(MtsProbeResult) r = NULL;

  options_for_tests (&options);
  options.check_legacy_tls = TRUE;
  r = probe_mode ("inject", NULL, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_INJECTION);
  g_assert_cmpint (r->stage, ==, MTS_PROBE_STAGE_STARTTLS);
  g_assert_cmpuint (r->injected_bytes, ==, strlen ("250 injected\r\n"));
  /* The connection was dropped before any TLS. */
  g_assert_null (r->tls_version);
  g_assert_cmpint (r->legacy_tls, ==, MTS_PROBE_LEGACY_NOT_CHECKED);
  assert_codes (r, "mx-starttls-injection", NULL);
  g_assert_nonnull (strstr (mts_diagnostics_find (r->problems, "mx-starttls-injection")->message,
                            "14 bytes"));
}

static void
test_drop_after_ehlo (void)
{
  MtsProbeOptions options;
  g_autoptr(MtsProbeResult) r = NULL;

  options_for_tests (&options);
  r = probe_mode ("drop-ehlo", NULL, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_DROPPED);
  g_assert_cmpint (r->stage, ==, MTS_PROBE_STAGE_EHLO);
  assert_codes (r, "mx-connection-dropped", NULL);
  g_assert_nonnull (strstr (mts_diagnostics_find (r->problems, "mx-connection-dropped")->message,
                            "EHLO"));
}

static void
test_drop_during_handshake (void)
{
  MtsProbeOptions options;
  g_autoptr(MtsProbeResult) r = NULL;

  options_for_tests (&options);
  r = probe_mode ("drop-handshake", NULL, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_HANDSHAKE_FAILED);
  g_assert_cmpint (r->stage, ==, MTS_PROBE_STAGE_HANDSHAKE);
  g_assert_nonnull (strstr (r->detail, "closed the connection during the handshake"));
  assert_codes (r, "mx-tls-handshake-failed", NULL);
}

static void
test_handshake_timeout (void)
{
  MtsProbeOptions options;
  g_autoptr(MtsProbeResult) r = NULL;
  gint64 elapsed;

  options_for_tests (&options);
  options.handshake_timeout_ms = 500;
  r = probe_mode ("tls-silent", &elapsed, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_HANDSHAKE_TIMEOUT);
  g_assert_cmpint (r->stage, ==, MTS_PROBE_STAGE_HANDSHAKE);
  g_assert_cmpint (r->handshake_ms, >=, 500);
  g_assert_cmpint (r->handshake_ms, <, 500 + 300);
  g_assert_cmpint (elapsed, >=, 500);
  assert_codes (r, "mx-tls-handshake-failed", NULL);
}

/* Hostile peers: each ends with its code inside the configured timeout,
 * and the probe's memory stays bounded. */

/* A greeting of 1 MB: refused as too large after a bounded read, long
 * before the peer has sent it all. */
static void
test_big_greeting (void)
{
  MtsProbeOptions options;
  g_autoptr(MtsProbeResult) r = NULL;
  gint64 elapsed;
  gsize mark;

  options_for_tests (&options);
  options.reply_timeout_ms = 2000;
  mark = mts_test_memory_mark ();
  r = probe_mode ("big-greeting", &elapsed, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_REPLY_TOO_LARGE);
  g_assert_cmpint (r->stage, ==, MTS_PROBE_STAGE_GREETING);
  g_assert_null (r->greeting);
  assert_codes (r, "mx-reply-too-large", NULL);
  g_assert_cmpint (elapsed, <, 2000 + 1000);
  g_assert_cmpuint (mts_test_memory_growth_kib (mark), <, 8 * 1024);
}

/* Every reply in one-byte writes: the reader puts the pieces together. */
static void
test_one_byte_writes (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "good", "--one-byte-writes", NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  r = probe ("mx.example.test", peer->port, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_cmpstr (r->greeting, ==, "mx.example.test ESMTP");
  g_assert_true (r->starttls);
  g_assert_cmpstr (r->tls_version, ==, "TLS1.3");
  g_assert_true (r->trusted);
  assert_codes (r, NULL);
}

/* The server starts its side of the handshake, then closes. */
static void
test_drop_mid_handshake (void)
{
  MtsProbeOptions options;
  g_autoptr(MtsProbeResult) r = NULL;
  gint64 elapsed;

  options_for_tests (&options);
  options.handshake_timeout_ms = 2000;
  r = probe_mode ("drop-mid-handshake", &elapsed, &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_HANDSHAKE_FAILED);
  g_assert_cmpint (r->stage, ==, MTS_PROBE_STAGE_HANDSHAKE);
  g_assert_null (r->tls_version);
  g_assert_nonnull (strstr (r->detail, "closed the connection during the handshake"));
  assert_codes (r, "mx-tls-handshake-failed", NULL);
  /* Not by the timeout: the close ends it. */
  g_assert_cmpint (elapsed, <, 2000);
}

/* A chain of 20 certificates (the leaf and 19 intermediates): read and
 * reported whole, without trusting a chain longer than GnuTLS verifies. */
static void
test_long_chain (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "chain20", NULL, NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;
  gint64 start;
  gsize mark;

  options_for_tests (&options);
  mark = mts_test_memory_mark ();
  start = g_get_monotonic_time ();
  r = probe ("mx.example.test", peer->port, &options);
  g_assert_cmpint (g_get_monotonic_time () - start, <, (5000 + 1000) * 1000);
  g_assert_cmpuint (mts_test_memory_growth_kib (mark), <, 8 * 1024);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
  g_assert_cmpuint (r->chain->len, ==, 20);
  g_assert_true (r->name_matches);
  /* GnuTLS refuses it without a reason bit; it was once reported as fine. */
  g_assert_false (r->trusted);
  assert_codes (r, "mx-cert-untrusted", NULL);
  g_assert_nonnull (strstr (mts_diagnostics_find (r->problems, "mx-cert-untrusted")->message,
                            "a chain of 20 certificates"));
}

/* Connecting */

static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  /* Closed without listening: nothing answers there. */
  g_socket_close (socket, NULL);
  return port;
}

static void
test_connect_refused (void)
{
  g_autoptr(MtsProbeResult) r = NULL;
  MtsProbeOptions options;

  options_for_tests (&options);
  r = probe ("mx.example.test", closed_port (), &options);
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_CONNECT_FAILED);
  g_assert_cmpint (r->connect_failure, ==, MTS_PROBE_CONNECT_REFUSED);
  g_assert_cmpint (r->stage, ==, MTS_PROBE_STAGE_CONNECT);
  assert_codes (r, "mx-connect-failed", NULL);
  g_assert_nonnull (strstr (mts_diagnostics_find (r->problems, "mx-connect-failed")->message,
                            "refused"));
}

static void
test_connect_timeout (void)
{
  g_autoptr(Peer) peer = peer_start ("blackhole", NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new ();
  MtsProbeOptions options;
  gint64 start;
  gint64 elapsed;

  options_for_tests (&options);
  options.connect_timeout_ms = 700;
  start = g_get_monotonic_time ();
  r = probe ("mx.example.test", peer->port, &options);
  elapsed = (g_get_monotonic_time () - start) / 1000;
  g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_CONNECT_FAILED);
  g_assert_cmpint (r->connect_failure, ==, MTS_PROBE_CONNECT_TIMEOUT);
  g_assert_cmpint (r->connect_ms, >=, 700);
  g_assert_cmpint (r->connect_ms, <, 700 + 300);
  g_assert_cmpint (elapsed, >=, 700);
  assert_codes (r, "mx-connect-failed", NULL);

  /* Not on port 25: no conclusion about port 25. */
  g_ptr_array_add (results, r);
  g_assert_null (mts_probe_results_port25_blocked (results));
}

/* Cancelling */

typedef struct
{
  GCancellable *cancellable;
  gint64 cancelled;
} Canceller;

static gboolean
cancel_cb (gpointer data)
{
  Canceller *canceller = data;

  canceller->cancelled = g_get_monotonic_time ();
  g_cancellable_cancel (canceller->cancellable);
  return G_SOURCE_REMOVE;
}

static void
assert_cancels_promptly (const char *mode,
                         guint       after_ms)
{
  g_autoptr(Peer) peer = tls_peer_start (mode, "good", NULL, NULL);
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome outcome = { 0 };
  Canceller canceller = { cancellable, 0 };
  MtsProbeOptions options;
  gint64 after_cancel;

  options_for_tests (&options);
  options.check_legacy_tls = TRUE;
  options.connect_timeout_ms = options.reply_timeout_ms = options.handshake_timeout_ms = 20000;
  g_timeout_add (after_ms, cancel_cb, &canceller);
  mts_smtp_probe_run_async ("mx.example.test", address, peer->port, &options, cancellable,
                            probe_done_cb, &outcome);
  wait_for (&outcome.done);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (outcome.result);
  g_clear_error (&outcome.error);
  g_assert_cmpint (canceller.cancelled, >, 0);
  after_cancel = (outcome.finished - canceller.cancelled) / 1000;
  /* Far below any time limit of the probe: the cancellation ended it,
   * with room for slow runs under valgrind. */
  g_assert_cmpint (after_cancel, >=, 0);
  g_assert_cmpint (after_cancel, <, 1000);
}

static void
test_cancel_waiting_for_greeting (void)
{
  assert_cancels_promptly ("silent", 300);
}

static void
test_cancel_during_handshake (void)
{
  assert_cancels_promptly ("tls-silent", 400);
}

static void
test_cancel_before_start (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "good", NULL, NULL);
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome outcome = { 0 };
  MtsProbeOptions options;

  options_for_tests (&options);
  g_cancellable_cancel (cancellable);
  mts_smtp_probe_run_async ("mx.example.test", address, peer->port, &options, cancellable,
                            probe_done_cb, &outcome);
  wait_for (&outcome.done);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&outcome.error);
}

static void
test_bad_ca_file (void)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  Outcome outcome = { 0 };
  MtsProbeOptions options;

  options_for_tests (&options);
  options.ca_file = "/nonexistent/ca.pem";
  mts_smtp_probe_run_async ("mx.example.test", address, 25, &options, NULL,
                            probe_done_cb, &outcome);
  wait_for (&outcome.done);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (outcome.error->message, "/nonexistent/ca.pem"));
  g_clear_error (&outcome.error);
}

/* JSON */

static void
test_json (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "wrong-name", NULL, NULL);
  g_autoptr(MtsProbeResult) r = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  JsonObject *cert;
  JsonObject *problem;
  JsonObject *timings;
  MtsProbeOptions options;

  options_for_tests (&options);
  options.check_legacy_tls = TRUE;
  r = probe ("mx.example.test", peer->port, &options);
  mts_probe_result_to_json (r, builder);
  root = json_builder_get_root (builder);
  o = json_node_get_object (root);

  g_assert_cmpstr (json_object_get_string_member (o, "address"), ==, "127.0.0.1");
  g_assert_cmpstr (json_object_get_string_member (o, "host"), ==, "mx.example.test");
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "ok");
  g_assert_true (json_object_get_boolean_member (o, "starttls"));
  g_assert_cmpstr (json_object_get_string_member (o, "tls_version"), ==, "TLS1.3");
  g_assert_nonnull (json_object_get_string_member (o, "cipher"));
  g_assert_false (json_object_get_boolean_member (o, "legacy_tls_accepted"));

  cert = json_object_get_object_member (o, "cert");
  g_assert_cmpstr (json_object_get_string_member (cert, "subject"), ==,
                   "CN=other.example.test,O=MTA-STS Wizard tests");
  g_assert_cmpstr (json_object_get_string_member (cert, "issuer"), ==,
                   "CN=MTA-STS Wizard Test CA,O=MTA-STS Wizard tests");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (cert, "san"), 0),
                   ==, "other.example.test");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (cert, "not_after"), "Z"));
  g_assert_cmpint (json_object_get_int_member (cert, "days_left"), >=, 363);
  g_assert_true (json_object_get_boolean_member (cert, "trusted"));
  g_assert_false (json_object_get_boolean_member (cert, "name_matches"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "chain")), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (o, "verification"), 0),
                   ==, "invalid");

  timings = json_object_get_object_member (o, "timings");
  g_assert_true (json_object_has_member (timings, "handshake_ms"));
  g_assert_true (json_object_has_member (timings, "total_ms"));

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "problems")), ==, 1);
  problem = json_array_get_object_element (json_object_get_array_member (o, "problems"), 0);
  g_assert_cmpstr (json_object_get_string_member (problem, "severity"), ==, "error");
  g_assert_cmpstr (json_object_get_string_member (problem, "code"), ==, "mx-cert-name-mismatch");
  g_assert_nonnull (json_object_get_string_member (problem, "message"));
}

static void
test_json_failure (void)
{
  g_autoptr(MtsProbeResult) r = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  MtsProbeOptions options;
  JsonObject *o;

  options_for_tests (&options);
  r = probe ("mx.example.test", closed_port (), &options);
  mts_probe_result_to_json (r, builder);
  root = json_builder_get_root (builder);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "connect-failed");
  g_assert_cmpstr (json_object_get_string_member (o, "connect_error"), ==, "refused");
  /* Never got as far as EHLO: not known. */
  g_assert_true (json_object_get_null_member (o, "starttls"));
  g_assert_true (json_object_get_null_member (o, "tls_version"));
  g_assert_true (json_object_get_null_member (o, "cert"));
  g_assert_true (json_object_get_null_member (o, "legacy_tls_accepted"));
}

/* Many probes */

typedef struct
{
  guint pending;
  GPtrArray *results;
  GPtrArray *errors;
  MtsProbeQueue *queue;
} QueueOutcome;

static void
queue_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      data)
{
  QueueOutcome *outcome = data;
  GError *error = NULL;
  MtsProbeResult *result = mts_probe_queue_run_finish (outcome->queue, res, &error);

  if (result != NULL)
    g_ptr_array_add (outcome->results, result);
  else
    g_ptr_array_add (outcome->errors, error);
  outcome->pending--;
}

static void
queue_wait (QueueOutcome *outcome)
{
  while (outcome->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

/* Four slow servers (half a second each to greet), two at a time: two
 * rounds, never more than two connections. */
static void
test_queue_cap (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("good", "good", "--greeting-delay", "0.5");
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(MtsProbeQueue) queue = NULL;
  MtsProbeOptions options;
  QueueOutcome outcome = { 0 };
  gint64 start, elapsed, sum_ms = 0;

  options_for_tests (&options);
  queue = mts_probe_queue_new (&options, 2);
  outcome.queue = queue;
  outcome.results = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_probe_result_unref);
  outcome.errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 4; i++)
    {
      outcome.pending++;
      mts_probe_queue_run_async (queue, "mx.example.test", address, peer->port, NULL,
                                 queue_done_cb, &outcome);
    }
  /* Nothing runs before the trust store is loaded (in a thread). */
  g_assert_cmpuint (mts_probe_queue_get_running (queue), ==, 0);
  queue_wait (&outcome);
  elapsed = (g_get_monotonic_time () - start) / 1000;

  g_assert_cmpuint (outcome.errors->len, ==, 0);
  g_assert_cmpuint (outcome.results->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      MtsProbeResult *r = g_ptr_array_index (outcome.results, i);

      g_assert_cmpint (r->status, ==, MTS_PROBE_STATUS_OK);
      g_assert_cmpint (r->greeting_ms, >=, 450);
      sum_ms += r->total_ms;
    }
  g_assert_cmpuint (mts_probe_queue_get_max_running (queue), ==, 2);
  g_assert_cmpuint (mts_probe_queue_get_running (queue), ==, 0);
  /* Two rounds of half a second at least; and the probes overlapped, or
   * their times would add up to no more than the whole. */
  g_assert_cmpint (elapsed, >=, 1000);
  g_assert_cmpint (elapsed, <, sum_ms);

  g_ptr_array_unref (outcome.results);
  g_ptr_array_unref (outcome.errors);
}

/* A probe cancelled while it waits for a slot ends at once. */
static void
test_queue_cancel_waiting (void)
{
  g_autoptr(Peer) peer = tls_peer_start ("silent", "good", NULL, NULL);
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GCancellable) first = g_cancellable_new ();
  g_autoptr(GCancellable) second = g_cancellable_new ();
  g_autoptr(MtsProbeQueue) queue = NULL;
  MtsProbeOptions options;
  QueueOutcome outcome = { 0 };

  options_for_tests (&options);
  queue = mts_probe_queue_new (&options, 1);
  outcome.queue = queue;
  outcome.results = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_probe_result_unref);
  outcome.errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);

  outcome.pending = 2;
  mts_probe_queue_run_async (queue, "mx.example.test", address, peer->port, first,
                             queue_done_cb, &outcome);
  mts_probe_queue_run_async (queue, "mx.example.test", address, peer->port, second,
                             queue_done_cb, &outcome);
  while (mts_probe_queue_get_running (queue) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (mts_probe_queue_get_running (queue), ==, 1);

  g_cancellable_cancel (second);
  while (outcome.pending > 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (outcome.errors->len, ==, 1);
  g_assert_true (g_error_matches (g_ptr_array_index (outcome.errors, 0),
                                  G_IO_ERROR, G_IO_ERROR_CANCELLED));
  /* The first is still talking to the silent server. */
  g_assert_cmpuint (mts_probe_queue_get_running (queue), ==, 1);

  g_cancellable_cancel (first);
  queue_wait (&outcome);
  g_assert_cmpuint (outcome.errors->len, ==, 2);
  g_assert_cmpuint (outcome.results->len, ==, 0);
  g_assert_cmpuint (mts_probe_queue_get_max_running (queue), ==, 1);

  g_ptr_array_unref (outcome.results);
  g_ptr_array_unref (outcome.errors);
}

/* An unreadable CA file fails every probe of the queue, the same way. */
static void
test_queue_bad_ca_file (void)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(MtsProbeQueue) queue = NULL;
  MtsProbeOptions options;
  QueueOutcome outcome = { 0 };

  options_for_tests (&options);
  options.ca_file = "/nonexistent/ca.pem";
  queue = mts_probe_queue_new (&options, 1);
  outcome.queue = queue;
  outcome.results = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_probe_result_unref);
  outcome.errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);

  for (guint i = 0; i < 3; i++)
    {
      outcome.pending++;
      mts_probe_queue_run_async (queue, "mx.example.test", address, 25, NULL,
                                 queue_done_cb, &outcome);
    }
  queue_wait (&outcome);
  /* And one more, after the failure is known. */
  outcome.pending++;
  mts_probe_queue_run_async (queue, "mx.example.test", address, 25, NULL,
                             queue_done_cb, &outcome);
  queue_wait (&outcome);

  g_assert_cmpuint (outcome.results->len, ==, 0);
  g_assert_cmpuint (outcome.errors->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_true (g_error_matches (g_ptr_array_index (outcome.errors, i),
                                    G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT));
  g_assert_cmpuint (mts_probe_queue_get_max_running (queue), ==, 0);

  g_ptr_array_unref (outcome.results);
  g_ptr_array_unref (outcome.errors);
}

typedef struct
{
  GPtrArray *results;
  GError *error;
  gboolean done;
} ManyOutcome;

static void
many_done_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  ManyOutcome *outcome = data;

  outcome->results = mts_smtp_probe_many_finish (res, &outcome->error);
  outcome->done = TRUE;
}

static void
test_many_in_order (void)
{
  g_autoptr(Peer) good = tls_peer_start ("good", "good", NULL, NULL);
  g_autoptr(Peer) plain = tls_peer_start ("no-starttls", "good", NULL, NULL);
  g_autoptr(Peer) busy = tls_peer_start ("busy", "good", NULL, NULL);
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  MtsProbeOptions options;
  ManyOutcome outcome = { 0 };
  MtsProbeTarget targets[4];
  MtsProbeStatus want[] = {
    MTS_PROBE_STATUS_NO_STARTTLS, MTS_PROBE_STATUS_OK,
    MTS_PROBE_STATUS_CONNECT_FAILED, MTS_PROBE_STATUS_BUSY,
  };

  targets[0] = (MtsProbeTarget) { "mx.example.test", address, plain->port };
  targets[1] = (MtsProbeTarget) { "mx.example.test", address, good->port };
  targets[2] = (MtsProbeTarget) { "mx.example.test", address, closed_port () };
  targets[3] = (MtsProbeTarget) { "mx.example.test", address, busy->port };

  options_for_tests (&options);
  mts_smtp_probe_many_async (targets, G_N_ELEMENTS (targets), &options, 0, NULL,
                             many_done_cb, &outcome);
  wait_for (&outcome.done);
  g_assert_no_error (outcome.error);
  g_assert_cmpuint (outcome.results->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      MtsProbeResult *r = g_ptr_array_index (outcome.results, i);

      g_assert_cmpint (r->status, ==, want[i]);
      g_assert_cmpuint (r->port, ==, targets[i].port);
    }
  g_ptr_array_unref (outcome.results);
}

static void
test_many_empty (void)
{
  ManyOutcome outcome = { 0 };

  mts_smtp_probe_many_async (NULL, 0, NULL, 0, NULL, many_done_cb, &outcome);
  wait_for (&outcome.done);
  g_assert_no_error (outcome.error);
  g_assert_cmpuint (outcome.results->len, ==, 0);
  g_ptr_array_unref (outcome.results);
}

/* The port-25 conclusion, from results made by hand. */

static MtsProbeResult *
made_result (const char             *address,
             guint16                 port,
             MtsProbeStatus          status,
             MtsProbeConnectFailure  failure)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  MtsProbeResult *r = mts_probe_result_new ("mx.example.test", inet, port);

  r->status = status;
  r->connect_failure = failure;
  return r;
}

static void
test_port25_blocked (void)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_probe_result_unref);
  g_autoptr(MtsDiagnostic) blocked = NULL;
  g_autoptr(MtsDiagnostic) none = NULL;
  g_autoptr(MtsDiagnostic) v6_only = NULL;
  g_autoptr(MtsDiagnostic) refused = NULL;

  none = mts_probe_results_port25_blocked (results);
  g_assert_null (none);

  g_ptr_array_add (results, made_result ("192.0.2.1", 25, MTS_PROBE_STATUS_CONNECT_FAILED,
                                         MTS_PROBE_CONNECT_TIMEOUT));
  g_ptr_array_add (results, made_result ("192.0.2.2", 25, MTS_PROBE_STATUS_CONNECT_FAILED,
                                         MTS_PROBE_CONNECT_TIMEOUT));
  /* An IPv6 address without a route does not change the conclusion. */
  g_ptr_array_add (results, made_result ("2001:db8::1", 25, MTS_PROBE_STATUS_CONNECT_FAILED,
                                         MTS_PROBE_CONNECT_UNREACHABLE));
  blocked = mts_probe_results_port25_blocked (results);
  g_assert_nonnull (blocked);
  g_assert_cmpstr (blocked->code, ==, "port25-blocked");
  g_assert_nonnull (strstr (blocked->message, "probably blocked by the network you are on"));

  /* Only unreachable IPv6, no timeout: that is another story. */
  {
    g_autoptr(GPtrArray) only = g_ptr_array_new ();

    g_ptr_array_add (only, g_ptr_array_index (results, 2));
    v6_only = mts_probe_results_port25_blocked (only);
    g_assert_null (v6_only);
  }

  /* One server that refused: the network lets port 25 through. */
  g_ptr_array_add (results, made_result ("192.0.2.3", 25, MTS_PROBE_STATUS_CONNECT_FAILED,
                                         MTS_PROBE_CONNECT_REFUSED));
  refused = mts_probe_results_port25_blocked (results);
  g_assert_null (refused);
}

static void
test_ipv6_unreachable_is_a_warning (void)
{
  g_autoptr(MtsProbeResult) v6 = made_result ("2001:db8::1", 25, MTS_PROBE_STATUS_CONNECT_FAILED,
                                              MTS_PROBE_CONNECT_UNREACHABLE);
  g_autoptr(MtsProbeResult) v4 = made_result ("192.0.2.1", 25, MTS_PROBE_STATUS_CONNECT_FAILED,
                                              MTS_PROBE_CONNECT_UNREACHABLE);
  MtsProbeOptions options;

  mts_probe_options_init (&options);
  g_assert_true (v6->ipv6);
  _mts_probe_result_describe (v6, &options);
  assert_codes (v6, "mx-connect-failed", NULL);
  assert_severity (v6, "mx-connect-failed", MTS_SEVERITY_WARNING);
  g_assert_nonnull (strstr (mts_diagnostics_find (v6->problems, "mx-connect-failed")->message,
                            "IPv6"));

  _mts_probe_result_describe (v4, &options);
  assert_severity (v4, "mx-connect-failed", MTS_SEVERITY_ERROR);
}

static void
test_options_defaults (void)
{
  MtsProbeOptions options;

  mts_probe_options_init (&options);
  g_assert_cmpuint (options.connect_timeout_ms, ==, 10000);
  g_assert_cmpuint (options.reply_timeout_ms, ==, 30000);
  g_assert_cmpuint (options.handshake_timeout_ms, ==, 20000);
  g_assert_true (options.check_legacy_tls);
  g_assert_null (options.ca_file);
  g_assert_null (options.helo_name);
}

/* The test PKI */

static void
run_or_die (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s", argv[0], error->message, err);
}

static void
make_pki (void)
{
  g_autofree char *pki = g_test_build_filename (G_TEST_DIST, "world", "pki.sh", NULL);
  g_autofree char *tmpl = g_build_filename (pki_dir, "cn-only.tmpl", NULL);
  g_autofree char *key = g_build_filename (pki_dir, "cn-only.key", NULL);
  g_autofree char *pem = g_build_filename (pki_dir, "cn-only.pem", NULL);
  g_autofree char *ca = g_build_filename (pki_dir, "ca.pem", NULL);
  g_autofree char *ca_key = g_build_filename (pki_dir, "ca.key", NULL);
  g_autoptr(GError) error = NULL;

  run_or_die ((const char *[]) { "/bin/sh", pki, pki_dir, "ca", NULL });
  run_or_die ((const char *[]) { "/bin/sh", pki, pki_dir, "leaf", "good", "mx.example.test", NULL });
  run_or_die ((const char *[]) { "/bin/sh", pki, pki_dir, "leaf", "expired", "--expired",
                                 "mx.example.test", NULL });
  run_or_die ((const char *[]) { "/bin/sh", pki, pki_dir, "leaf", "wrong-name",
                                 "other.example.test", NULL });
  run_or_die ((const char *[]) { "/bin/sh", pki, pki_dir, "leaf", "self-signed", "--self-signed",
                                 "mx.example.test", NULL });
  run_or_die ((const char *[]) { "/bin/sh", pki, pki_dir, "leaf", "wildcard", "*.mx.test", NULL });
  run_or_die ((const char *[]) { "/bin/sh", pki, pki_dir, "leaf", "short", "--days", "3",
                                 "mx.example.test", NULL });
  run_or_die ((const char *[]) { "/bin/sh", pki, pki_dir, "chain", "chain20", "20",
                                 "mx.example.test", NULL });

  /* pki.sh always writes a SAN; the old CN-only form is made here. */
  g_file_set_contents (tmpl,
                       "cn = \"mx.example.test\"\n"
                       "organization = \"MTA-STS Wizard tests\"\n"
                       "tls_www_server\n"
                       "signing_key\n"
                       "expiration_days = 365\n", -1, &error);
  g_assert_no_error (error);
  run_or_die ((const char *[]) { "certtool", "--generate-privkey", "--no-text", "--key-type=ecdsa",
                                 "--outfile", key, NULL });
  run_or_die ((const char *[]) { "certtool", "--generate-certificate", "--no-text",
                                 "--load-privkey", key, "--load-ca-certificate", ca,
                                 "--load-ca-privkey", ca_key, "--template", tmpl,
                                 "--outfile", pem, NULL });
}

static void
remove_pki (void)
{
  g_autoptr(GDir) dir = g_dir_open (pki_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (pki_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (pki_dir);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *certtool = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* The scripted servers are Python; their certificates come from
   * tests/world/pki.sh. */
  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    mts_test_skip_all ("needs " PYTHON " (the scripted SMTP servers)");
  if ((certtool = g_find_program_in_path ("certtool")) == NULL)
    mts_test_skip_all ("needs certtool (GnuTLS tools, Debian package gnutls-bin)");

  pki_dir = g_dir_make_tmp ("mts-probe-pki-XXXXXX", &error);
  g_assert_no_error (error);
  make_pki ();

  g_test_add_func ("/mts/smtp-probe/options-defaults", test_options_defaults);
  g_test_add_func ("/mts/smtp-probe/good-tls13", test_good_tls13);
  g_test_add_func ("/mts/smtp-probe/good-tls12", test_good_tls12);
  g_test_add_data_func ("/mts/smtp-probe/starttls-first-line", "first", test_starttls_line);
  g_test_add_data_func ("/mts/smtp-probe/starttls-last-line", "last", test_starttls_line);
  g_test_add_func ("/mts/smtp-probe/slow-multiline-greeting", test_slow_multiline_greeting);
  g_test_add_func ("/mts/smtp-probe/cert-expired", test_cert_expired);
  g_test_add_func ("/mts/smtp-probe/cert-wrong-name", test_cert_wrong_name);
  g_test_add_func ("/mts/smtp-probe/cert-self-signed", test_cert_self_signed);
  g_test_add_func ("/mts/smtp-probe/cert-unknown-ca", test_cert_unknown_ca);
  g_test_add_func ("/mts/smtp-probe/cert-wildcard", test_cert_wildcard);
  g_test_add_func ("/mts/smtp-probe/cert-cn-only", test_cert_cn_only);
  g_test_add_func ("/mts/smtp-probe/cert-expiring-soon", test_cert_expiring_soon);
  g_test_add_func ("/mts/smtp-probe/legacy-tls-accepted", test_legacy_tls_accepted);
  g_test_add_func ("/mts/smtp-probe/legacy-tls-only", test_legacy_tls_only);
  g_test_add_func ("/mts/smtp-probe/legacy-tls-unchecked", test_legacy_tls_unchecked);
  g_test_add_func ("/mts/smtp-probe/ipv6-default-helo", test_ipv6_default_helo);
  g_test_add_func ("/mts/smtp-probe/ehlo-rejected", test_ehlo_rejected);
  g_test_add_func ("/mts/smtp-probe/no-starttls", test_no_starttls);
  g_test_add_func ("/mts/smtp-probe/starttls-refused", test_starttls_refused);
  g_test_add_func ("/mts/smtp-probe/greeting-421", test_greeting_busy);
  g_test_add_func ("/mts/smtp-probe/silence", test_silence);
  for (gsize i = 0; i < G_N_ELEMENTS (failure_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/mts/smtp-probe/failure/", failure_cases[i].mode, NULL);

      g_test_add_data_func (path, &failure_cases[i], test_failure);
    }
  g_test_add_func ("/mts/smtp-probe/injection", test_injection);
  g_test_add_func ("/mts/smtp-probe/drop-after-ehlo", test_drop_after_ehlo);
  g_test_add_func ("/mts/smtp-probe/drop-during-handshake", test_drop_during_handshake);
  g_test_add_func ("/mts/smtp-probe/handshake-timeout", test_handshake_timeout);
  g_test_add_func ("/mts/smtp-probe/big-greeting", test_big_greeting);
  g_test_add_func ("/mts/smtp-probe/one-byte-writes", test_one_byte_writes);
  g_test_add_func ("/mts/smtp-probe/drop-mid-handshake", test_drop_mid_handshake);
  g_test_add_func ("/mts/smtp-probe/long-chain", test_long_chain);
  g_test_add_func ("/mts/smtp-probe/connect-refused", test_connect_refused);
  g_test_add_func ("/mts/smtp-probe/connect-timeout", test_connect_timeout);
  g_test_add_func ("/mts/smtp-probe/cancel-waiting-for-greeting", test_cancel_waiting_for_greeting);
  g_test_add_func ("/mts/smtp-probe/cancel-during-handshake", test_cancel_during_handshake);
  g_test_add_func ("/mts/smtp-probe/cancel-before-start", test_cancel_before_start);
  g_test_add_func ("/mts/smtp-probe/bad-ca-file", test_bad_ca_file);
  g_test_add_func ("/mts/smtp-probe/json", test_json);
  g_test_add_func ("/mts/smtp-probe/json-failure", test_json_failure);
  g_test_add_func ("/mts/smtp-probe/queue-cap", test_queue_cap);
  g_test_add_func ("/mts/smtp-probe/queue-cancel-waiting", test_queue_cancel_waiting);
  g_test_add_func ("/mts/smtp-probe/queue-bad-ca-file", test_queue_bad_ca_file);
  g_test_add_func ("/mts/smtp-probe/many-in-order", test_many_in_order);
  g_test_add_func ("/mts/smtp-probe/many-empty", test_many_empty);
  g_test_add_func ("/mts/smtp-probe/port25-blocked", test_port25_blocked);
  g_test_add_func ("/mts/smtp-probe/ipv6-unreachable-is-a-warning", test_ipv6_unreachable_is_a_warning);

  ret = g_test_run ();
  remove_pki ();
  g_free (pki_dir);
  return ret;
}
