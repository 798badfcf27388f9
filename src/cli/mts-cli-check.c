/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-cli-check.c: "mtasts check" audits domains; "mtasts probe" checks mail servers.
 *
 * Both run on a GMainLoop: every lookup, probe and fetch is asynchronous,
 * so many domains and servers are checked side by side, with the caps the
 * audit and the probe queue set.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "core/mts-domain.h"
#include "core/mts-mx-pattern.h"
#include "net/mts-audit.h"
#include "net/mts-gresolver.h"
#include "net/mts-resolver.h"
#include "net/mts-smtp-probe.h"
#include "mts-cli-private.h"

/* Domains audited at once by "mtasts check"; each audit also caps its own
 * probes, so at most this many times that many connections are open. */
#define MAX_CONCURRENT_DOMAINS 4
#define MAX_TIMEOUT_SECONDS 600

static int run_check (int argc, char **argv);
static int run_probe (int argc, char **argv);

const MtsCliCommand mts_cli_check_command = {
  "check", N_("[--json] [--dns-server IP[:PORT]] [--ca-file FILE] [--timeout SECONDS] [--port N] "
              "[--no-probe] [--mx HOST]… [--file LIST] DOMAIN…"),
  N_("Check a domain’s published MTA-STS and TLS reporting setup"),
  N_("Looks at everything a strict sending mail server would, for each DOMAIN: its MX records, "
     "a STARTTLS probe of every address of every MX host (TLS 1.2 or later, the certificate "
     "chain, its expiry and its names, whether old TLS 1.0/1.1 is still accepted), the "
     "_mta-sts and _smtp._tls TXT records (and records published at the wrong names), the "
     "policy file at https://mta-sts.DOMAIN/.well-known/mta-sts.txt; then cross-checks them: "
     "exactly one MTA-STS record, MX coverage both ways, what the published mode does to mail.\n"
     "\n"
     "Options:\n"
     "  --json                print JSON instead of text: one object for one domain, an array "
     "of them for several\n"
     "  --dns-server IP[:PORT]  ask this DNS server instead of the system’s (/etc/resolv.conf)\n"
     "  --ca-file FILE        also trust the CA certificates in FILE (PEM), for an internal PKI\n"
     "  --timeout SECONDS     the limit of each step: every DNS lookup, connection, reply, TLS "
     "handshake and the policy fetch (default: 10 s for DNS and connecting, 30 s per SMTP "
     "reply, 20 s per handshake, 60 s for the policy)\n"
     "  --port N              probe the mail servers on port N instead of 25\n"
     "  --no-probe            do not connect to the mail servers (DNS and policy only)\n"
     "  --mx HOST             probe HOST as one of the domain’s mail servers, in place of the "
     "MX hosts found in DNS; repeat it for each host of the list the policy is made from (one "
     "domain only). HOST may be an mx pattern such as *.mail.example.com: the MX hosts in DNS "
     "that it matches are probed. DNS is still asked: a host in DNS but not in the list is "
     "probed too and is a warning (mx-not-listed: the policy will not cover it), a listed "
     "host not in DNS a note "
     "(mx-not-in-dns: fine while you add it), and no MX records at all only a warning\n"
     "  --file LIST           also check the domains listed in LIST, one per line (# starts a "
     "comment); “-” reads them from standard input\n"
     "\n"
     "Several domains are checked side by side, four at a time.\n"
     "\n"
     "Text output: per domain, a verdict and a short section for the mail servers, the two "
     "records and the policy, then every problem with what to do about it.\n"
     "\n"
     "JSON output: {\"domain\", \"checked_at\", \"verdict\": \"ok\" | \"warnings\" | \"errors\" "
     "| \"unreachable\", \"mx\": [{\"host\", \"preference\", \"covered\", \"in_dns\" and "
     "\"listed\" (with --mx only), \"probes\": [{\"host\", "
     "\"address\", \"port\", \"status\", \"starttls\", \"tls_version\", \"cipher\", \"cert\": "
     "{\"subject\", \"issuer\", \"san\", \"not_after\", \"days_left\", \"trusted\", "
     "\"name_matches\"}, \"legacy_tls_accepted\", \"problems\"}], \"problems\"}], "
     "\"sts_record\": {\"name\", \"records\", \"valid\", \"id\", \"problems\"}, "
     "\"tlsrpt_record\": {\"name\", \"records\", \"valid\", \"rua\", \"problems\"}, \"policy\": "
     "{\"url\", \"http_status\", \"content_type\", \"text\", \"mode\", \"max_age\", \"mx\", "
     "\"problems\"}, \"problems\": [...]}; every problem is {\"severity\": \"error\" | "
     "\"warning\" | \"note\", \"code\", \"message\"}, and the top-level list holds them all.\n"
     "\n"
     "Problem codes:\n"
     "  port25-blocked          every mail server timed out on port 25: the network this runs "
     "on probably blocks outgoing port 25; check from another network\n"
     "  mx-connect-failed       a mail server address could not be reached\n"
     "  mx-no-starttls          a mail server does not offer STARTTLS\n"
     "  mx-tls-handshake-failed TLS 1.2 or later could not be negotiated\n"
     "  mx-cert-untrusted       the certificate does not chain to a trusted root\n"
     "  mx-cert-expired         the certificate has expired\n"
     "  mx-cert-name-mismatch   the certificate is not valid for the MX host name\n"
     "  mx-legacy-tls           TLS 1.0 or 1.1 is still accepted (a warning)\n"
     "  mx-not-covered          an MX host matches no mx line of the policy\n"
     "  policy-mx-unused        an mx line of the policy matches no MX host (a warning)\n"
     "  mx-not-listed           with --mx: an MX host in DNS is not in the list (a warning)\n"
     "  mx-not-in-dns           with --mx: a host of the list is not in DNS yet (a note)\n"
     "  mx-missing, mx-no-address, mx-null, domain-not-found, dns-lookup-failed\n"
     "  sts-record-missing      no _mta-sts TXT record\n"
     "  sts-record-multiple     more than one _mta-sts record: senders then ignore them all\n"
     "  sts-record-invalid      the _mta-sts record is not valid (details have their own codes)\n"
     "  sts-record-wrong-name, sts-record-delegated, sts-record-cname-loop\n"
     "  tlsrpt-record-missing   no _smtp._tls TXT record: no TLS reports\n"
     "  tlsrpt-record-invalid   the _smtp._tls record is not valid\n"
     "  tlsrpt-record-wrong-name\n"
     "  policy-fetch-failed     the policy host could not be reached\n"
     "  policy-redirect         the policy URL redirects (senders do not follow redirects)\n"
     "  policy-http-status      the policy URL did not answer 200\n"
     "  policy-content-type     the policy is not served as text/plain\n"
     "  policy-too-large        the policy is larger than 64 KiB\n"
     "  policy-cert-invalid     the policy host’s certificate is not valid for it\n"
     "  policy-invalid          the policy file is not valid (details have their own codes)\n"
     "  mode-enforce-refuses    in enforce mode, mail to a failing server is refused\n"
     "  mode-testing-reports    in testing mode, a failing server is reported, mail delivered\n"
     "The probe and the policy checks have further, more specific codes; see “mtasts help "
     "probe” and “mtasts help policy check”.\n"
     "\n"
     "Exit status: 0 when every domain is fine (warnings allowed), 1 when one has problems to "
     "fix, 2 when one could not be checked (DNS unreachable, port 25 blocked) or the arguments "
     "are wrong."),
  run_check,
};

const MtsCliCommand mts_cli_probe_command = {
  "probe", N_("[--json] [--port N] [--dns-server IP[:PORT]] [--ca-file FILE] [--timeout SECONDS] "
              "HOST…"),
  N_("Check mail servers’ STARTTLS, TLS and certificates like a strict sender"),
  N_("Connects to every address of each mail server HOST on port 25, as a sending server that "
     "uses MTA-STS would: reads the greeting, says EHLO, starts TLS with STARTTLS (TLS 1.2 or "
     "later, with HOST as the server name), then reports the TLS version and cipher, the "
     "certificate chain, whether it is trusted, unexpired and valid for HOST, and, with a "
     "second connection, whether TLS 1.0 or 1.1 is still accepted.\n"
     "\n"
     "Options:\n"
     "  --json                print one JSON object: {\"probes\": [...]} in the form of "
     "“mtasts help check”’s probes\n"
     "  --port N              connect to port N instead of 25\n"
     "  --dns-server IP[:PORT]  ask this DNS server for the addresses\n"
     "  --ca-file FILE        also trust the CA certificates in FILE (PEM)\n"
     "  --timeout SECONDS     the limit of each step (connecting, each reply, the handshake)\n"
     "  --no-legacy-tls       skip the second connection that tries TLS 1.0 and 1.1 (for "
     "servers that limit connections per client)\n"
     "\n"
     "Problem codes: port25-blocked, mx-connect-failed, mx-busy (421), mx-refused (554), "
     "mx-no-answer, mx-line-too-long, mx-reply-too-large, mx-not-smtp, mx-reply-no-crlf, "
     "mx-connection-dropped, mx-ehlo-rejected, mx-no-starttls, mx-starttls-rejected, "
     "mx-starttls-injection, mx-tls-handshake-failed, mx-cert-untrusted, mx-cert-expired, "
     "mx-cert-not-yet-valid, mx-cert-expiring, mx-cert-name-mismatch, mx-legacy-tls, "
     "mx-no-address.\n"
     "\n"
     "Exit status: 0 when every server passed, 1 when one has a problem (warnings such as old "
     "TLS still accepted do not count), 2 when none could be reached or the arguments are "
     "wrong."),
  run_probe,
};

/* What both commands set up from their common options. */
typedef struct
{
  gboolean json;
  char *dns_server;
  char *ca_file;
  guint timeout;
  guint port;
  MtsResolver *resolver;
  GMainLoop *loop;
  guint running;
} Session;

static void
session_clear (Session *session)
{
  g_free (session->dns_server);
  g_free (session->ca_file);
  g_clear_object (&session->resolver);
  g_clear_pointer (&session->loop, g_main_loop_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Session, session_clear)

/* Creates the resolver, and makes it GIO's too, so that the policy fetch
 * (libsoup) asks the same DNS server with the same limits. */
static gboolean
session_start (Session              *session,
               const MtsCliCommand  *command,
               int                  *exit_code)
{
  g_autoptr(GError) error = NULL;

  if (session->ca_file != NULL && !g_file_test (session->ca_file, G_FILE_TEST_IS_REGULAR))
    {
      fprintf (stderr, _("mtasts: the CA file “%s” does not exist or is not a file\n"),
               session->ca_file);
      *exit_code = MTS_EXIT_FAILURE;
      return FALSE;
    }

  session->resolver = mts_resolver_new ();
  if (session->dns_server != NULL &&
      !mts_resolver_set_server (session->resolver, session->dns_server, &error))
    {
      *exit_code = _mts_cli_usage_error (command, "--dns-server: %s", error->message);
      return FALSE;
    }
  if (session->timeout != 0)
    mts_resolver_set_timeout (session->resolver, session->timeout);
  mts_resolver_install_default (session->resolver);
  session->loop = g_main_loop_new (NULL, FALSE);
  return TRUE;
}

static void
apply_timeout (MtsProbeOptions *options,
               guint            seconds)
{
  if (seconds == 0)
    return;
  options->connect_timeout_ms = seconds * 1000;
  options->reply_timeout_ms = seconds * 1000;
  options->handshake_timeout_ms = seconds * 1000;
}

static const char *
mark (MtsSeverity worst,
      gboolean    any)
{
  if (!any)
    return "✓";
  return worst == MTS_SEVERITY_ERROR ? "✗" : worst == MTS_SEVERITY_WARNING ? "!" : "✓";
}

/* The most severe finding in @problems; *any is FALSE when there is none
 * worth a mark (notes only). */
static MtsSeverity
worst_severity (GPtrArray *problems,
                gboolean  *any)
{
  MtsSeverity worst = MTS_SEVERITY_NOTE;

  *any = FALSE;
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (problems, i);

      if (d->severity < worst)
        worst = d->severity;
      if (d->severity != MTS_SEVERITY_NOTE)
        *any = TRUE;
    }
  return worst;
}

/* "TLS1.3, certificate valid until 2027-03-12 (104 days)" */
static char *
describe_probe (const MtsProbeResult *probe)
{
  const MtsProbeCert *leaf = mts_probe_result_get_leaf (probe);
  g_autoptr(GDateTime) until = NULL;
  g_autofree char *date = NULL;

  if (probe->status != MTS_PROBE_STATUS_OK)
    {
      const MtsDiagnostic *d = probe->problems->len > 0 ? g_ptr_array_index (probe->problems, 0) : NULL;

      return g_strdup (d != NULL ? d->message : mts_probe_status_to_string (probe->status));
    }
  if (leaf == NULL)
    return g_strdup_printf ("%s", probe->tls_version);

  until = g_date_time_new_from_unix_utc (leaf->not_after);
  date = g_date_time_format (until, "%Y-%m-%d");
  if (leaf->days_left < 0)
    return g_strdup_printf (_("%s, certificate expired on %s"), probe->tls_version, date);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s, certificate valid until %s (%lld day)",
                                       "%s, certificate valid until %s (%lld days)",
                                       (gulong) MIN (leaf->days_left, G_MAXLONG)),
                          probe->tls_version, date, (long long) leaf->days_left);
}

static void
print_problems (GPtrArray  *problems,
                const char *indent)
{
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      g_autofree char *line = mts_diagnostic_format (g_ptr_array_index (problems, i));

      printf ("%s%s\n", indent, line);
    }
}

static void
print_audit (const MtsAuditResult *result)
{
  gboolean any;
  MtsSeverity worst;
  static const char *verdicts[] = {
    [MTS_AUDIT_VERDICT_OK] = N_("all good"),
    [MTS_AUDIT_VERDICT_WARNINGS] = N_("works, with advice"),
    [MTS_AUDIT_VERDICT_ERRORS] = N_("problems to fix"),
    [MTS_AUDIT_VERDICT_UNREACHABLE] = N_("could not be checked completely"),
  };

  printf ("%s: %s\n", result->domain, _(verdicts[result->verdict]));

  printf ("  %s\n", _("Mail servers (MX):"));
  if (result->mx->len == 0)
    printf ("    %s\n", _("none found"));
  for (guint i = 0; i < result->mx->len; i++)
    {
      const MtsAuditMx *mx = g_ptr_array_index (result->mx, i);

      worst = worst_severity (mx->problems, &any);
      if (result->mx_from_list && !mx->in_dns && mx->probes->len == 0)
        printf ("    %s %s%s\n", mark (worst, any), mx->host, _(", not in DNS yet"));
      else if (mx->probes->len == 0)
        printf ("    %s %s (%u)%s\n", mark (worst, any), mx->host, mx->preference,
                mx->covered ? "" : _(", not covered by the policy"));
      for (guint j = 0; j < mx->probes->len; j++)
        {
          const MtsProbeResult *probe = g_ptr_array_index (mx->probes, j);
          g_autofree char *summary = NULL;

          if (probe == NULL)
            continue;
          summary = describe_probe (probe);
          worst = worst_severity (probe->problems, &any);
          if (result->mx_from_list && !mx->in_dns)
            printf ("    %s %s [%s] (%s): %s\n", mark (worst, any), mx->host, probe->address,
                    _("not in DNS yet"), summary);
          else if (result->mx_from_list && !mx->listed)
            printf ("    %s %s [%s] (%u, %s): %s\n", mark (worst, any), mx->host, probe->address,
                    mx->preference, _("not in the list"), summary);
          else
            printf ("    %s %s [%s] (%u): %s\n", mark (worst, any), mx->host, probe->address,
                    mx->preference, summary);
        }
    }

  worst = worst_severity (result->sts_problems, &any);
  printf ("  %s %s %s\n", _("MTA-STS record:"), mark (worst, any || result->sts_record == NULL),
          result->sts_records != NULL && result->sts_records[0] != NULL ? result->sts_records[0]
                                                                        : _("none"));
  worst = worst_severity (result->tlsrpt_problems, &any);
  printf ("  %s %s %s\n", _("TLS reporting record:"),
          mark (worst, any || result->tlsrpt_record == NULL),
          result->tlsrpt_records != NULL && result->tlsrpt_records[0] != NULL
            ? result->tlsrpt_records[0] : _("none"));

  if (result->policy != NULL)
    {
      worst = worst_severity (result->policy->problems, &any);
      if (result->policy->policy != NULL && mts_policy_fetch_result_is_valid (result->policy))
        printf ("  %s %s mode %s, max_age %u, %u mx\n", _("Policy:"), mark (worst, any),
                mts_policy_mode_to_string (result->policy->policy->mode),
                result->policy->policy->max_age, result->policy->policy->mx->len);
      else
        printf ("  %s %s %s\n", _("Policy:"), mark (MTS_SEVERITY_ERROR, TRUE), result->policy->url);
    }

  if (result->problems->len > 0)
    {
      printf ("  %s\n", _("What to do:"));
      print_problems (result->problems, "    ");
    }
}

/* ---- mtasts check ------------------------------------------------------ */

typedef struct
{
  Session *session;
  MtsAuditOptions options;
  GPtrArray *domains;           /* char *, A-labels */
  GPtrArray *results;           /* MtsAuditResult *, by domain index */
  guint next;
  gboolean cancelled;
} CheckRun;

static void start_next_audit (CheckRun *run);

typedef struct
{
  CheckRun *run;
  guint index;
  MtsAudit *audit;
} AuditSlot;

static void
audit_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  AuditSlot *slot = user_data;
  CheckRun *run = slot->run;
  g_autoptr(GError) error = NULL;
  MtsAuditResult *result = mts_audit_run_finish (MTS_AUDIT (source), res, &error);

  if (result == NULL)
    {
      fprintf (stderr, "mtasts: %s: %s\n",
               (const char *) g_ptr_array_index (run->domains, slot->index), error->message);
      run->cancelled = TRUE;
    }
  g_ptr_array_index (run->results, slot->index) = result;

  g_object_unref (slot->audit);
  g_free (slot);
  run->session->running--;
  start_next_audit (run);
}

static void
start_next_audit (CheckRun *run)
{
  while (run->session->running < MAX_CONCURRENT_DOMAINS && run->next < run->domains->len)
    {
      AuditSlot *slot = g_new0 (AuditSlot, 1);

      slot->run = run;
      slot->index = run->next++;
      slot->audit = mts_audit_new (run->session->resolver, &run->options);
      run->session->running++;
      mts_audit_run_async (slot->audit, g_ptr_array_index (run->domains, slot->index), NULL,
                           audit_done_cb, slot);
    }
  if (run->session->running == 0)
    g_main_loop_quit (run->session->loop);
}

/* Adds the domains listed in @path, one per line, "#" comments allowed. */
static gboolean
read_domain_list (const char  *path,
                  GPtrArray   *into,
                  GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (g_str_equal (path, "-"))
    {
      g_autoptr(GString) text = g_string_new (NULL);
      char buffer[4096];
      size_t n;

      while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
        g_string_append_len (text, buffer, n);
      contents = g_string_free (g_steal_pointer (&text), FALSE);
    }
  else if (!g_file_get_contents (path, &contents, NULL, error))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      char *hash = strchr (lines[i], '#');

      if (hash != NULL)
        *hash = '\0';
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0')
        g_ptr_array_add (into, g_strdup (lines[i]));
    }
  return TRUE;
}

static int
run_check (int    argc,
           char **argv)
{
  const MtsCliCommand *self = &mts_cli_check_command;
  g_auto(Session) session = { 0 };
  g_autoptr(GPtrArray) positional = g_ptr_array_new ();
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) mx_args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) mx_hosts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_audit_result_free);
  gboolean no_probe = FALSE;
  CheckRun run = { 0 };
  int exit_code = MTS_EXIT_OK;
  const MtsCliOption options[] = {
    { "--json", MTS_CLI_OPTION_FLAG, &session.json, 0 },
    { "--dns-server", MTS_CLI_OPTION_STRING, &session.dns_server, 0 },
    { "--ca-file", MTS_CLI_OPTION_STRING, &session.ca_file, 0 },
    { "--timeout", MTS_CLI_OPTION_UINT, &session.timeout, MAX_TIMEOUT_SECONDS },
    { "--port", MTS_CLI_OPTION_UINT, &session.port, 65535 },
    { "--no-probe", MTS_CLI_OPTION_FLAG, &no_probe, 0 },
    { "--file", MTS_CLI_OPTION_STRINGS, lists, 0 },
    { "--mx", MTS_CLI_OPTION_STRINGS, mx_args, 0 },
  };

  if (!_mts_cli_parse_options (self, options, G_N_ELEMENTS (options), argc, argv, positional,
                               &exit_code))
    return exit_code;

  for (guint i = 0; i < positional->len; i++)
    g_ptr_array_add (names, g_strdup (g_ptr_array_index (positional, i)));
  for (guint i = 0; i < lists->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!read_domain_list (g_ptr_array_index (lists, i), names, &error))
        {
          fprintf (stderr, "mtasts: %s\n", error->message);
          return MTS_EXIT_FAILURE;
        }
    }
  if (names->len == 0)
    return _mts_cli_usage_error (self, _("give at least one domain to check, such as example.com"));

  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GError) error = NULL;
      char *ascii = NULL;

      if (!mts_domain_normalize (g_ptr_array_index (names, i), &ascii, NULL, &error))
        return _mts_cli_usage_error (self, "“%s”: %s", (const char *) g_ptr_array_index (names, i),
                                     error->message);
      g_ptr_array_add (domains, ascii);
    }

  /* The list is one domain's: the policy made from it names that
   * domain's servers. */
  if (mx_args->len > 0 && domains->len > 1)
    return _mts_cli_usage_error (self, _("--mx lists the mail servers of one domain: check one "
                                         "domain with it"));
  for (guint i = 0; i < mx_args->len; i++)
    {
      g_autoptr(GError) error = NULL;
      char *pattern = NULL;

      if (!mts_mx_pattern_normalize (g_ptr_array_index (mx_args, i), &pattern, &error))
        return _mts_cli_usage_error (self, "--mx “%s”: %s",
                                     (const char *) g_ptr_array_index (mx_args, i), error->message);
      g_ptr_array_add (mx_hosts, pattern);
    }
  g_ptr_array_add (mx_hosts, NULL);

  if (!session_start (&session, self, &exit_code))
    return exit_code;

  mts_audit_options_init (&run.options);
  if (mx_args->len > 0)
    run.options.mx_hosts = (const char *const *) mx_hosts->pdata;
  run.options.ca_file = session.ca_file;
  run.options.probe = !no_probe;
  if (session.port != 0)
    run.options.port = session.port;
  apply_timeout (&run.options.probe_options, session.timeout);
  if (session.timeout != 0)
    run.options.fetch_timeout_seconds = session.timeout;
  run.session = &session;
  run.domains = domains;
  run.results = results;
  g_ptr_array_set_size (results, domains->len);

  start_next_audit (&run);
  if (session.running > 0)
    g_main_loop_run (session.loop);

  if (run.cancelled)
    return MTS_EXIT_FAILURE;

  if (session.json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      if (results->len > 1)
        json_builder_begin_array (builder);
      for (guint i = 0; i < results->len; i++)
        mts_audit_result_to_json (g_ptr_array_index (results, i), builder);
      if (results->len > 1)
        json_builder_end_array (builder);
      _mts_cli_print_json (builder);
    }
  else
    {
      for (guint i = 0; i < results->len; i++)
        {
          if (i > 0)
            printf ("\n");
          print_audit (g_ptr_array_index (results, i));
        }
    }

  for (guint i = 0; i < results->len; i++)
    {
      const MtsAuditResult *result = g_ptr_array_index (results, i);

      if (result->verdict == MTS_AUDIT_VERDICT_ERRORS)
        exit_code = MTS_EXIT_PROBLEMS;
    }
  if (exit_code == MTS_EXIT_OK)
    for (guint i = 0; i < results->len; i++)
      {
        const MtsAuditResult *result = g_ptr_array_index (results, i);

        if (result->verdict == MTS_AUDIT_VERDICT_UNREACHABLE)
          exit_code = MTS_EXIT_FAILURE;
      }
  return exit_code;
}

/* ---- mtasts probe ------------------------------------------------------ */

typedef struct
{
  Session *session;
  MtsProbeQueue *queue;
  MtsProbeOptions options;
  guint16 port;
  /* MtsProbeResult *, in host and address order; NULL until it arrives. */
  GPtrArray *results;
  /* One line per host that could not be looked up. */
  GPtrArray *lookup_failures;
  gboolean cancelled;
} ProbeRun;

typedef struct
{
  ProbeRun *run;
  char *host;
  guint lookups_left;
  GPtrArray *addresses;
} HostProbe;

typedef struct
{
  ProbeRun *run;
  guint index;
} ProbeSlot;

static void
probe_finished (ProbeRun *run)
{
  if (--run->session->running == 0)
    g_main_loop_quit (run->session->loop);
}

static void
probe_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  ProbeSlot *slot = user_data;
  ProbeRun *run = slot->run;
  g_autoptr(GError) error = NULL;
  MtsProbeResult *result = mts_probe_queue_run_finish (run->queue, res, &error);

  if (result == NULL)
    {
      fprintf (stderr, "mtasts: %s\n", error->message);
      run->cancelled = TRUE;
    }
  g_ptr_array_index (run->results, slot->index) = result;
  g_free (slot);
  probe_finished (run);
}

static void
host_lookup_step (HostProbe *host,
                  GPtrArray *addresses,
                  GError    *error)
{
  ProbeRun *run = host->run;

  if (addresses != NULL)
    for (guint i = 0; i < addresses->len; i++)
      g_ptr_array_add (host->addresses, g_object_ref (g_ptr_array_index (addresses, i)));
  else if (error != NULL &&
           !g_error_matches (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_DATA) &&
           !g_error_matches (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_SUCH_NAME))
    g_ptr_array_add (run->lookup_failures, g_strdup_printf ("%s: %s", host->host, error->message));

  if (--host->lookups_left > 0)
    return;

  if (host->addresses->len == 0 && run->lookup_failures->len == 0)
    g_ptr_array_add (run->lookup_failures,
                     g_strdup_printf (_("%s: this name has no IPv4 or IPv6 address in DNS"), host->host));

  for (guint i = 0; i < host->addresses->len; i++)
    {
      ProbeSlot *slot = g_new0 (ProbeSlot, 1);

      slot->run = run;
      slot->index = run->results->len;
      g_ptr_array_add (run->results, NULL);
      run->session->running++;
      mts_probe_queue_run_async (run->queue, host->host, g_ptr_array_index (host->addresses, i),
                                 run->port, NULL, probe_done_cb, slot);
    }

  g_ptr_array_unref (host->addresses);
  g_free (host->host);
  g_free (host);
  probe_finished (run);
}

static void
probe_a_done_cb (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) addresses = mts_resolver_lookup_a_finish (MTS_RESOLVER (source), res, &error);

  host_lookup_step (user_data, addresses, error);
}

static void
probe_aaaa_done_cb (GObject      *source,
                    GAsyncResult *res,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) addresses = mts_resolver_lookup_aaaa_finish (MTS_RESOLVER (source), res, &error);

  host_lookup_step (user_data, addresses, error);
}

static void
print_probe (const MtsProbeResult *probe)
{
  const MtsProbeCert *leaf = mts_probe_result_get_leaf (probe);
  g_autofree char *summary = describe_probe (probe);
  gboolean any;
  MtsSeverity worst = worst_severity (probe->problems, &any);

  printf ("%s %s [%s]:%u: %s\n", mark (worst, any), probe->host, probe->address, probe->port, summary);
  if (probe->status == MTS_PROBE_STATUS_OK)
    {
      printf ("  %s %s, %s%s%s\n", _("TLS:"), probe->tls_version, probe->cipher,
              probe->group != NULL ? ", " : "", probe->group != NULL ? probe->group : "");
      if (leaf != NULL)
        {
          g_autofree char *san = leaf->san != NULL ? g_strjoinv (", ", leaf->san) : g_strdup ("");

          printf ("  %s %s\n", _("Certificate:"), leaf->subject);
          printf ("  %s %s\n", _("Issued by:"), leaf->issuer);
          printf ("  %s %s\n", _("Valid for:"), san);
          printf ("  %s %s %u, %s\n", _("Key:"), leaf->key_type, leaf->key_bits,
                  leaf->signature_algorithm);
        }
      printf ("  %s %s; %s %s\n", _("Trusted:"), probe->trusted ? _("yes") : _("no"),
              _("name matches:"), probe->name_matches ? _("yes") : _("no"));
      if (probe->legacy_tls == MTS_PROBE_LEGACY_ACCEPTED)
        printf ("  %s %s\n", _("Old TLS:"), probe->legacy_tls_version);
      else if (probe->legacy_tls == MTS_PROBE_LEGACY_REJECTED)
        printf ("  %s %s\n", _("Old TLS:"), _("refused"));
    }
  print_problems (probe->problems, "  ");
}

static int
run_probe (int    argc,
           char **argv)
{
  const MtsCliCommand *self = &mts_cli_probe_command;
  g_auto(Session) session = { 0 };
  g_autoptr(GPtrArray) positional = g_ptr_array_new ();
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_probe_result_unref);
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  ProbeRun run = { 0 };
  int exit_code = MTS_EXIT_OK;
  gboolean any_reached = FALSE;
  gboolean no_legacy = FALSE;
  const MtsCliOption options[] = {
    { "--no-legacy-tls", MTS_CLI_OPTION_FLAG, &no_legacy, 0 },
    { "--json", MTS_CLI_OPTION_FLAG, &session.json, 0 },
    { "--dns-server", MTS_CLI_OPTION_STRING, &session.dns_server, 0 },
    { "--ca-file", MTS_CLI_OPTION_STRING, &session.ca_file, 0 },
    { "--timeout", MTS_CLI_OPTION_UINT, &session.timeout, MAX_TIMEOUT_SECONDS },
    { "--port", MTS_CLI_OPTION_UINT, &session.port, 65535 },
  };

  if (!_mts_cli_parse_options (self, options, G_N_ELEMENTS (options), argc, argv, positional,
                               &exit_code))
    return exit_code;
  if (positional->len == 0)
    return _mts_cli_usage_error (self, _("give at least one mail server, such as mx1.example.com"));
  for (guint i = 0; i < positional->len; i++)
    {
      g_autoptr(GError) error = NULL;
      char *ascii = NULL;

      if (!mts_domain_normalize (g_ptr_array_index (positional, i), &ascii, NULL, &error))
        return _mts_cli_usage_error (self, "“%s”: %s",
                                     (const char *) g_ptr_array_index (positional, i),
                                     error->message);
      g_ptr_array_add (hosts, ascii);
    }

  if (!session_start (&session, self, &exit_code))
    return exit_code;

  mts_probe_options_init (&run.options);
  run.options.ca_file = session.ca_file;
  run.options.check_legacy_tls = !no_legacy;
  apply_timeout (&run.options, session.timeout);
  run.session = &session;
  run.port = session.port != 0 ? session.port : 25;
  run.queue = mts_probe_queue_new (&run.options, MTS_PROBE_DEFAULT_MAX_CONCURRENT);
  run.results = results;
  run.lookup_failures = failures;

  for (guint i = 0; i < hosts->len; i++)
    {
      HostProbe *host = g_new0 (HostProbe, 1);

      host->run = &run;
      host->host = g_strdup (g_ptr_array_index (hosts, i));
      host->lookups_left = 2;
      host->addresses = g_ptr_array_new_with_free_func (g_object_unref);
      session.running++;
      mts_resolver_lookup_a_async (session.resolver, host->host, NULL, probe_a_done_cb, host);
      mts_resolver_lookup_aaaa_async (session.resolver, host->host, NULL, probe_aaaa_done_cb, host);
    }
  if (session.running > 0)
    g_main_loop_run (session.loop);
  mts_probe_queue_unref (run.queue);

  if (run.cancelled)
    return MTS_EXIT_FAILURE;

  if (session.json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(MtsDiagnostic) blocked = results->len > 0 ? mts_probe_results_port25_blocked (results) : NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "probes");
      json_builder_begin_array (builder);
      for (guint i = 0; i < results->len; i++)
        mts_probe_result_to_json (g_ptr_array_index (results, i), builder);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "problems");
      json_builder_begin_array (builder);
      if (blocked != NULL)
        mts_diagnostic_to_json (blocked, builder);
      for (guint i = 0; i < failures->len; i++)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "severity");
          json_builder_add_string_value (builder, "error");
          json_builder_set_member_name (builder, "code");
          json_builder_add_string_value (builder, "mx-no-address");
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, g_ptr_array_index (failures, i));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      _mts_cli_print_json (builder);
    }
  else
    {
      g_autoptr(MtsDiagnostic) blocked = results->len > 0 ? mts_probe_results_port25_blocked (results) : NULL;

      for (guint i = 0; i < failures->len; i++)
        printf ("✗ %s\n", (const char *) g_ptr_array_index (failures, i));
      for (guint i = 0; i < results->len; i++)
        print_probe (g_ptr_array_index (results, i));
      if (blocked != NULL)
        {
          g_autofree char *line = mts_diagnostic_format (blocked);

          printf ("%s\n", line);
        }
    }

  for (guint i = 0; i < results->len; i++)
    {
      const MtsProbeResult *probe = g_ptr_array_index (results, i);

      if (probe->status != MTS_PROBE_STATUS_CONNECT_FAILED)
        any_reached = TRUE;
      if (mts_diagnostics_has_errors (probe->problems))
        exit_code = MTS_EXIT_PROBLEMS;
    }
  if (failures->len > 0 && exit_code == MTS_EXIT_OK)
    exit_code = MTS_EXIT_PROBLEMS;
  if (!any_reached)
    exit_code = MTS_EXIT_FAILURE;
  return exit_code;
}
