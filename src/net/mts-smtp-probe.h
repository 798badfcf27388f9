/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-smtp-probe.h: what one MX address answers on port 25: STARTTLS, TLS, certificate.
 *
 * One probe is one address of one MX host.  It connects, reads the whole
 * greeting, says EHLO, looks for STARTTLS, starts TLS (1.2 or later, SNI =
 * the MX host), lets the handshake finish whatever the certificate, then
 * verifies the certificate and describes every problem in plain words, says
 * QUIT, and opens a second connection to see whether TLS 1.0/1.1 is still
 * accepted.  Everything it finds is in an MtsProbeResult; failures to talk to
 * the server are results too (status + a problem with a stable code), so
 * _finish() only fails when cancelled or when the CA file cannot be read.
 *
 * Problem codes (MtsDiagnostic.code in result->problems; `mtasts help check`
 * should list them):
 *   mx-connect-failed       refused / timed out / no route (an IPv6 address
 *                           without a route is a warning, not an error)
 *   mx-busy                 4xx (421) instead of a greeting or reply: retry later (warning)
 *   mx-refused              554 or another 5xx greeting (warning: may be aimed at us)
 *   mx-no-answer            no greeting / EHLO / STARTTLS reply in time
 *   mx-line-too-long        a line over 2048 bytes, or one that never ends
 *   mx-reply-too-large      more than 100 lines or 32 KiB in one reply
 *   mx-not-smtp             no three-digit code: another service on the port
 *   mx-reply-no-crlf        closed in the middle of a line
 *   mx-connection-dropped   closed between lines, or in a multi-line reply
 *   mx-ehlo-rejected        EHLO answered with an error
 *   mx-no-starttls          STARTTLS not offered
 *   mx-starttls-rejected    STARTTLS offered, then refused (454)
 *   mx-starttls-injection   bytes after the STARTTLS 220, before TLS (CVE-2011-0411)
 *   mx-tls-handshake-failed the handshake failed or timed out (or only TLS 1.0/1.1)
 *   mx-cert-untrusted       unknown issuer, self-signed, signer not a CA, no certificate,
 *                           a chain longer than senders verify
 *   mx-cert-expired, mx-cert-not-yet-valid, mx-cert-revoked,
 *   mx-cert-insecure-algorithm, mx-cert-invalid (other verification bits)
 *   mx-cert-name-mismatch   no SAN DNS-ID matches the MX host (a CN never counts)
 *   mx-cert-expiring-soon   fewer than expiry_warning_days left (warning)
 *   mx-legacy-tls           TLS 1.0/1.1 still accepted (warning)
 *   mx-legacy-tls-unchecked the second connection did not reach TLS (note)
 *   port25-blocked          from mts_probe_results_port25_blocked() (warning)
 *
 * Example: probe one address, as `mtasts probe` does.
 *
 *   static void
 *   probe_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
 *   {
 *     g_autoptr(GError) error = NULL;
 *     g_autoptr(MtsProbeResult) result = mts_smtp_probe_run_finish (res, &error);
 *     g_autoptr(JsonBuilder) builder = json_builder_new ();
 *
 *     if (result == NULL)
 *       return;   // cancelled, or --ca-file unreadable: error->message says so
 *     mts_probe_result_to_json (result, builder);
 *     ... or, for people: for each MtsDiagnostic in result->problems,
 *         mts_diagnostic_format (d) ...
 *   }
 *
 *   MtsProbeOptions options;
 *
 *   mts_probe_options_init (&options);
 *   options.ca_file = "/path/to/internal-ca.pem";   // optional, --ca-file
 *   mts_smtp_probe_run_async ("mx1.example.com", address, 25, &options,
 *                             cancellable, probe_done_cb, NULL);
 *
 * Example: every address of every MX, eight at a time, as the audit does.
 *
 *   MtsProbeTarget targets[] = {
 *     { "mx1.example.com", mx1_v4, 25 },
 *     { "mx1.example.com", mx1_v6, 25 },
 *     { "mx2.example.com", mx2_v4, 25 },
 *   };
 *
 *   mts_smtp_probe_many_async (targets, G_N_ELEMENTS (targets), &options,
 *                              MTS_PROBE_DEFAULT_MAX_CONCURRENT, cancellable,
 *                              probes_done_cb, self);
 *   ...
 *   results = mts_smtp_probe_many_finish (res, &error);  // same order as targets
 *   blocked = mts_probe_results_port25_blocked (results);
 *   if (blocked != NULL)
 *     ... show it instead of one "mx-connect-failed" per address ...
 *
 * When addresses arrive one by one (MX lookup, then A and AAAA per host), an
 * MtsProbeQueue takes them as they come and keeps the same cap:
 *
 *   queue = mts_probe_queue_new (&options, 8);
 *   mts_probe_queue_run_async (queue, host, address, 25, cancellable, cb, data);
 *   ... in cb: result = mts_probe_queue_run_finish (queue, res, &error);
 *
 * Tests run against the scripted servers of tests/peers/smtp-peer.py with
 * the test CA given as options.ca_file (tests/test-smtp-probe.c).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "core/mts-diagnostic.h"

G_BEGIN_DECLS

#define MTS_PROBE_DEFAULT_CONNECT_TIMEOUT_MS    10000
#define MTS_PROBE_DEFAULT_REPLY_TIMEOUT_MS      30000
#define MTS_PROBE_DEFAULT_HANDSHAKE_TIMEOUT_MS  20000
#define MTS_PROBE_DEFAULT_EXPIRY_WARNING_DAYS   14
#define MTS_PROBE_DEFAULT_MAX_CONCURRENT        8

/* The GnuTLS priority strings of the two connections. */
#define MTS_PROBE_PRIORITY_MODERN "NORMAL:-VERS-TLS1.1:-VERS-TLS1.0"
#define MTS_PROBE_PRIORITY_LEGACY "NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0"

typedef struct
{
  /* Each step's time limit, in milliseconds. */
  guint connect_timeout_ms;
  guint reply_timeout_ms;       /* each reply: greeting, EHLO, STARTTLS */
  guint handshake_timeout_ms;
  /* The EHLO name; NULL: this machine's name when it is a full domain name,
   * else the address literal of the local end ("[192.0.2.1]"). */
  const char *helo_name;
  /* A PEM file of extra trusted CAs (an internal PKI), added to the system
   * store; NULL for the system store only. */
  const char *ca_file;
  /* Open the second connection that tries TLS 1.0/1.1. */
  gboolean check_legacy_tls;
  /* A certificate with fewer days left than this gets a warning. */
  guint expiry_warning_days;
} MtsProbeOptions;

/* How far one connection got; each failure has its own status, code and words. */
typedef enum
{
  MTS_PROBE_STATUS_OK,                  /* TLS up; certificate findings are in problems */
  MTS_PROBE_STATUS_CONNECT_FAILED,      /* mx-connect-failed, see connect_failure */
  MTS_PROBE_STATUS_BUSY,                /* mx-busy: 421, try later */
  MTS_PROBE_STATUS_REFUSED,             /* mx-refused: 554 or another 5xx greeting */
  MTS_PROBE_STATUS_NO_ANSWER,           /* mx-no-answer: a reply timed out */
  MTS_PROBE_STATUS_LINE_TOO_LONG,       /* mx-line-too-long */
  MTS_PROBE_STATUS_REPLY_TOO_LARGE,     /* mx-reply-too-large */
  MTS_PROBE_STATUS_NOT_SMTP,            /* mx-not-smtp */
  MTS_PROBE_STATUS_NO_CRLF,             /* mx-reply-no-crlf */
  MTS_PROBE_STATUS_DROPPED,             /* mx-connection-dropped */
  MTS_PROBE_STATUS_EHLO_REJECTED,       /* mx-ehlo-rejected */
  MTS_PROBE_STATUS_NO_STARTTLS,         /* mx-no-starttls */
  MTS_PROBE_STATUS_STARTTLS_REJECTED,   /* mx-starttls-rejected */
  MTS_PROBE_STATUS_INJECTION,           /* mx-starttls-injection */
  MTS_PROBE_STATUS_HANDSHAKE_FAILED,    /* mx-tls-handshake-failed */
  MTS_PROBE_STATUS_HANDSHAKE_TIMEOUT,   /* mx-tls-handshake-failed, timed out */
} MtsProbeStatus;

/* Where the connection was when it stopped. */
typedef enum
{
  MTS_PROBE_STAGE_CONNECT,
  MTS_PROBE_STAGE_GREETING,
  MTS_PROBE_STAGE_EHLO,
  MTS_PROBE_STAGE_STARTTLS,
  MTS_PROBE_STAGE_HANDSHAKE,
  MTS_PROBE_STAGE_DONE,
} MtsProbeStage;

typedef enum
{
  MTS_PROBE_CONNECT_OK,
  MTS_PROBE_CONNECT_REFUSED,
  MTS_PROBE_CONNECT_TIMEOUT,
  MTS_PROBE_CONNECT_UNREACHABLE,        /* no route: network or host unreachable */
  MTS_PROBE_CONNECT_OTHER,
} MtsProbeConnectFailure;

typedef enum
{
  MTS_PROBE_LEGACY_NOT_CHECKED,
  MTS_PROBE_LEGACY_ACCEPTED,
  MTS_PROBE_LEGACY_REJECTED,
  MTS_PROBE_LEGACY_UNKNOWN,             /* the second connection failed before TLS */
} MtsProbeLegacy;

typedef struct
{
  char *subject;                /* RFC 4514 DN */
  char *issuer;
  char **san;                   /* DNS names of the subject alternative name */
  gint64 not_before;            /* Unix time */
  gint64 not_after;
  gint64 days_left;             /* whole days until not_after; negative when expired */
  char *key_type;               /* "RSA", "EC/ECDSA", ... */
  guint key_bits;
  char *signature_algorithm;    /* "ECDSA-SHA256", ... */
  char *sha256;                 /* fingerprint of the DER, lower-case hex */
  gboolean self_signed;         /* issuer and subject are the same and it verifies itself */
} MtsProbeCert;

typedef struct
{
  char *host;                   /* the MX host name (SNI, name check) */
  char *address;                /* the address probed, as text */
  guint16 port;

  MtsProbeStatus status;
  MtsProbeStage stage;          /* where it stopped (DONE when status is OK) */
  MtsProbeConnectFailure connect_failure;
  gboolean ipv6;
  /* What the server said last, when that explains the status (a 421, 554 or
   * rejection), or the TLS library's error text; NULL otherwise. */
  char *detail;

  char *greeting;               /* the greeting's text, lines joined with \n */
  gboolean starttls;            /* STARTTLS offered in the EHLO reply */
  gsize injected_bytes;         /* sent after the STARTTLS 220, before TLS */

  /* After a handshake. */
  char *tls_version;            /* "TLS1.3" */
  char *cipher;                 /* "AES-256-GCM" */
  char *key_exchange;           /* "ECDHE-RSA"; TLS 1.3 has none: see group */
  char *group;                  /* "X25519" */
  char *description;            /* gnutls_session_get_desc () */
  GPtrArray *chain;             /* MtsProbeCert, leaf first, as sent */
  guint verify_status;          /* gnutls_certificate_status_t bits */
  gboolean trusted;             /* chains to a trusted root, signatures fine */
  gboolean name_matches;        /* a SAN DNS-ID matches host (RFC 6125) */

  MtsProbeLegacy legacy_tls;
  char *legacy_tls_version;     /* "TLS1.1" when accepted */

  /* Milliseconds; -1 when the step did not happen. */
  gint64 connect_ms;
  gint64 greeting_ms;
  gint64 ehlo_ms;
  gint64 starttls_ms;
  gint64 handshake_ms;
  gint64 total_ms;              /* both connections */

  GPtrArray *problems;          /* MtsDiagnostic */
} MtsProbeResult;

typedef struct
{
  const char *host;
  GInetAddress *address;
  guint16 port;                 /* 0: 25 */
} MtsProbeTarget;

typedef struct _MtsProbeQueue MtsProbeQueue;

#define MTS_TYPE_PROBE_RESULT (mts_probe_result_get_type ())

void            mts_probe_options_init           (MtsProbeOptions       *options);

GType           mts_probe_result_get_type        (void) G_GNUC_CONST;
MtsProbeResult *mts_probe_result_new             (const char            *host,
                                                  GInetAddress          *address,
                                                  guint16                port);
MtsProbeResult *mts_probe_result_ref             (MtsProbeResult        *result);
void            mts_probe_result_unref           (MtsProbeResult        *result);
const MtsProbeCert *
                mts_probe_result_get_leaf        (const MtsProbeResult  *result);
void            mts_probe_result_to_json         (const MtsProbeResult  *result,
                                                  JsonBuilder           *builder);
const char     *mts_probe_status_to_string       (MtsProbeStatus         status);

void            mts_smtp_probe_run_async         (const char            *host,
                                                  GInetAddress          *address,
                                                  guint16                port,
                                                  const MtsProbeOptions *options,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
MtsProbeResult *mts_smtp_probe_run_finish        (GAsyncResult          *result,
                                                  GError               **error);

MtsProbeQueue  *mts_probe_queue_new              (const MtsProbeOptions *options,
                                                  guint                  max_concurrent);
MtsProbeQueue  *mts_probe_queue_ref              (MtsProbeQueue         *queue);
void            mts_probe_queue_unref            (MtsProbeQueue         *queue);
guint           mts_probe_queue_get_running      (MtsProbeQueue         *queue);
guint           mts_probe_queue_get_max_running  (MtsProbeQueue         *queue);
void            mts_probe_queue_run_async        (MtsProbeQueue         *queue,
                                                  const char            *host,
                                                  GInetAddress          *address,
                                                  guint16                port,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
MtsProbeResult *mts_probe_queue_run_finish       (MtsProbeQueue         *queue,
                                                  GAsyncResult          *result,
                                                  GError               **error);

void            mts_smtp_probe_many_async        (const MtsProbeTarget  *targets,
                                                  guint                  n_targets,
                                                  const MtsProbeOptions *options,
                                                  guint                  max_concurrent,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
GPtrArray      *mts_smtp_probe_many_finish       (GAsyncResult          *result,
                                                  GError               **error);

MtsDiagnostic  *mts_probe_results_port25_blocked (GPtrArray             *results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsProbeResult, mts_probe_result_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsProbeQueue, mts_probe_queue_unref)

G_END_DECLS
