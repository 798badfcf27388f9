/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-cli-generate.c: "mtasts generate": the records, policy file and instructions for a domain. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "core/mts-diagnostic.h"
#include "core/mts-domain.h"
#include "core/mts-export.h"
#include "core/mts-mx-pattern.h"
#include "core/mts-policy.h"
#include "core/mts-txt-record.h"
#include "mts-cli-private.h"

/* RFC 2181 §8: a TTL is at most 2^31 - 1 seconds. */
#define MAX_TTL 2147483647u

static int run_generate (int argc, char **argv);

const MtsCliCommand mts_cli_generate_command = {
  "generate", N_("--domain DOMAIN --mx PATTERN… --mode testing|enforce|none --max-age SECONDS "
                 "[--rua URI]… [--id ID] [--ttl SECONDS] [--format FORMAT]"),
  N_("Write the policy file, DNS records and instructions for a domain"),
  N_("Writes everything DOMAIN publishes for MTA-STS (RFC 8461) and TLS reporting (RFC 8460): the "
     "policy file for https://mta-sts.DOMAIN/.well-known/mta-sts.txt, the _mta-sts TXT record "
     "(“v=STSv1; id=ID”) and, with --rua, the _smtp._tls TXT record.\n"
     "\n"
     "Options:\n"
     "  --domain DOMAIN          the mail domain (the part after the @ of your addresses)\n"
     "  --mx PATTERN             a mail server the policy allows, such as mail.example.com or "
     "*.example.net; repeat it for each (at least one, unless the mode is none)\n"
     "  --mode MODE              testing (report problems, still deliver), enforce, or none (turn off)\n"
     "  --max-age SECONDS        how long senders keep the policy, at most 31557600; 604800 to "
     "1209600 (1-2 weeks) for testing and 1209600 or more for enforce are good values\n"
     "  --rua URI                where TLS reports go: mailto:ADDRESS or an https:// URL; repeat "
     "it for several (“,”, “!” and “;” inside a URI are percent-encoded for you)\n"
     "  --id ID                  the policy id, 1-32 letters and digits; by default the current "
     "UTC time, such as 20261128T153000\n"
     "  --previous-id ID         the id published now, when this is a change: the new id differs "
     "from it and the instructions say to change it after the new policy file is online\n"
     "  --previous-policy FILE   the policy file published now: the instructions then say which "
     "mail servers the change adds or removes\n"
     "  --ttl SECONDS            the TTL of the TXT records (default 3600)\n"
     "  --certificate FILE       the certificate file in the nginx and Apache snippets (default: "
     "certbot’s path for mta-sts.DOMAIN)\n"
     "  --certificate-key FILE   its private key file\n"
     "  --format FORMAT          what to print (default text):\n"
     "      text     step-by-step instructions, in the order that keeps mail flowing\n"
     "      zone     BIND zone-file lines\n"
     "      csv      type,name,fqdn,value,ttl for DNS panels (name relative to DOMAIN)\n"
     "      json     {\"domain\", \"mode\", \"max_age\", \"mx\": [], \"rua\": [], \"id\", "
     "\"previous_id\", \"ttl\", \"policy_host\", \"policy_url\", \"policy\" (the file’s text), "
     "\"records\": [{\"type\", \"name\", \"fqdn\", \"value\", \"ttl\"}]}\n"
     "      policy   the policy file itself (CRLF line ends)\n"
     "      nginx    an nginx server block that serves the policy\n"
     "      apache   an Apache httpd virtual host\n"
     "      caddy    a Caddyfile site block\n"
     "      static   a checklist for static hosts (GitHub Pages, Netlify, Cloudflare Pages)\n"
     "\n"
     "Advice about the values (such as a max_age outside the recommended range) is printed on "
     "standard error and does not change the exit status.\n"
     "\n"
     "Exit status: 0 when the output was written, 2 when a value is wrong (the message says why)."),
  run_generate,
};

typedef struct
{
  const char *domain;
  GPtrArray *mx;
  const char *mode;
  const char *max_age;
  GPtrArray *rua;
  const char *id;
  const char *previous_id;
  const char *previous_policy;
  const char *ttl;
  const char *format;
  const char *certificate;
  const char *certificate_key;
} Options;

/* Parses a whole decimal number into @value; FALSE if it is not one or
 * is above @max. */
static gboolean
parse_number (const char *text,
              guint64     max,
              guint64    *value)
{
  if (text[0] == '\0' || strspn (text, "0123456789") != strlen (text) || strlen (text) > 12)
    return FALSE;
  *value = g_ascii_strtoull (text, NULL, 10);
  return *value <= max;
}

/* "--name VALUE" or "--name=VALUE": TRUE when @argv[*i] is option @name;
 * @value is NULL when the value is missing. */
static gboolean
take_option (int          argc,
             char       **argv,
             int         *i,
             const char  *name,
             const char **value)
{
  const char *arg = argv[*i];
  gsize len = strlen (name);

  if (strncmp (arg, name, len) != 0)
    return FALSE;
  if (arg[len] == '=')
    {
      *value = arg + len + 1;
      return TRUE;
    }
  if (arg[len] != '\0')
    return FALSE;
  *value = *i + 1 < argc ? argv[++*i] : NULL;
  return TRUE;
}

static int
run_generate (int    argc,
              char **argv)
{
  const MtsCliCommand *self = &mts_cli_generate_command;
  g_autoptr(GPtrArray) mx_args = g_ptr_array_new ();
  g_autoptr(GPtrArray) rua_args = g_ptr_array_new ();
  g_autoptr(MtsSetup) setup = mts_setup_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsPolicy) policy = NULL;
  g_autoptr(GPtrArray) advice = mts_diagnostics_new ();
  g_autofree char *output = NULL;
  MtsExportFormat format = MTS_EXPORT_TEXT;
  Options o = { 0 };
  guint64 number;

  o.mx = mx_args;
  o.rua = rua_args;

  for (int i = 1; i < argc; i++)
    {
      const char *value = NULL;
      const char *arg = argv[i];
      const char **slot = NULL;
      GPtrArray *list = NULL;

      if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          _mts_cli_print_command_help (self, stdout);
          return MTS_EXIT_OK;
        }
      if (take_option (argc, argv, &i, "--domain", &value))
        slot = &o.domain;
      else if (take_option (argc, argv, &i, "--mx", &value))
        list = o.mx;
      else if (take_option (argc, argv, &i, "--mode", &value))
        slot = &o.mode;
      else if (take_option (argc, argv, &i, "--max-age", &value))
        slot = &o.max_age;
      else if (take_option (argc, argv, &i, "--rua", &value))
        list = o.rua;
      else if (take_option (argc, argv, &i, "--id", &value))
        slot = &o.id;
      else if (take_option (argc, argv, &i, "--previous-id", &value))
        slot = &o.previous_id;
      else if (take_option (argc, argv, &i, "--previous-policy", &value))
        slot = &o.previous_policy;
      else if (take_option (argc, argv, &i, "--ttl", &value))
        slot = &o.ttl;
      else if (take_option (argc, argv, &i, "--format", &value))
        slot = &o.format;
      else if (take_option (argc, argv, &i, "--certificate", &value))
        slot = &o.certificate;
      else if (take_option (argc, argv, &i, "--certificate-key", &value))
        slot = &o.certificate_key;
      else if (arg[0] == '-')
        return _mts_cli_usage_error (self, _("unknown option “%s”"), arg);
      else
        return _mts_cli_usage_error (self, _("unexpected argument “%s”; every value follows its option, such as --mx %s"),
                                     arg, arg);

      if (value == NULL)
        return _mts_cli_usage_error (self, _("%s needs a value"), arg);
      if (list != NULL)
        g_ptr_array_add (list, (char *) value);
      else if (*slot != NULL)
        return _mts_cli_usage_error (self, _("%s is given twice; give it once"), arg);
      else
        *slot = value;
    }

  /* The domain. */
  if (o.domain == NULL)
    return _mts_cli_usage_error (self, _("--domain is missing: give your mail domain, such as --domain example.com"));
  if (!mts_domain_normalize (o.domain, &setup->domain, NULL, &error))
    return _mts_cli_usage_error (self, _("--domain %s: %s"), o.domain, error->message);

  /* The mode, then the patterns it needs. */
  if (o.mode == NULL)
    return _mts_cli_usage_error (self, _("--mode is missing: give testing, enforce or none"));
  if (!mts_policy_mode_from_string (o.mode, &setup->mode))
    return _mts_cli_usage_error (self, _("--mode %s: the mode is testing, enforce or none (in small letters)"), o.mode);

  for (guint i = 0; i < o.mx->len; i++)
    {
      const char *input = g_ptr_array_index (o.mx, i);
      char *pattern = NULL;

      if (!mts_mx_pattern_normalize (input, &pattern, &error))
        return _mts_cli_usage_error (self, _("--mx %s: %s"), input, error->message);
      g_ptr_array_add (setup->mx, pattern);
    }
  if (setup->mx->len == 0 && setup->mode != MTS_POLICY_MODE_NONE)
    return _mts_cli_usage_error (self, _("--mx is missing: give each mail server of your MX records, such as --mx mail.example.com"));

  if (o.max_age == NULL)
    return _mts_cli_usage_error (self, _("--max-age is missing: give how long senders keep the policy, in seconds, such as --max-age 604800 (one week)"));
  if (!parse_number (o.max_age, MTS_POLICY_MAX_AGE_MAX, &number))
    return _mts_cli_usage_error (self, _("--max-age %s: give a whole number of seconds from 0 to %u (one year)"),
                                 o.max_age, MTS_POLICY_MAX_AGE_MAX);
  setup->max_age = (guint32) number;

  for (guint i = 0; i < o.rua->len; i++)
    {
      const char *input = g_ptr_array_index (o.rua, i);
      g_autofree char *encoded = mts_tlsrpt_uri_encode (input);
      g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();

      if (!mts_tlsrpt_uri_check (encoded, 0, diagnostics))
        {
          const MtsDiagnostic *d = g_ptr_array_index (diagnostics, 0);

          return _mts_cli_usage_error (self, _("--rua %s: %s"), input, d->message);
        }
      g_ptr_array_add (setup->rua, g_strdup (input));
    }

  if (o.previous_id != NULL)
    {
      if (!mts_sts_id_is_valid (o.previous_id))
        return _mts_cli_usage_error (self, _("--previous-id %s: an id has 1 to 32 letters and digits only"), o.previous_id);
      setup->previous_id = g_strdup (o.previous_id);
    }
  if (o.id != NULL)
    {
      if (!mts_sts_id_is_valid (o.id))
        return _mts_cli_usage_error (self, _("--id %s: an id has 1 to 32 letters and digits only, such as 20261128T153000"), o.id);
      if (g_strcmp0 (o.id, o.previous_id) == 0)
        return _mts_cli_usage_error (self, _("--id %s is the same as --previous-id: a changed policy needs a new id, or senders keep the old policy"),
                                     o.id);
      setup->id = g_strdup (o.id);
    }
  else
    setup->id = mts_sts_id_generate (o.previous_id);

  if (o.previous_policy != NULL)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;
      g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();

      if (!g_file_get_contents (o.previous_policy, &contents, &length, &error))
        return _mts_cli_usage_error (self, _("--previous-policy: %s"), error->message);
      setup->previous_policy = mts_policy_parse (contents, (gssize) length, diagnostics);
      if (setup->previous_policy == NULL)
        return _mts_cli_usage_error (self, _("--previous-policy %s: this file is not a valid policy; “mtasts policy check %s” says why"),
                                     o.previous_policy, o.previous_policy);
    }

  if (o.ttl != NULL)
    {
      if (!parse_number (o.ttl, MAX_TTL, &number) || number == 0)
        return _mts_cli_usage_error (self, _("--ttl %s: give a whole number of seconds, such as 3600 (one hour)"), o.ttl);
      setup->ttl = (guint) number;
    }

  if (o.format != NULL && !mts_export_format_from_string (o.format, &format))
    return _mts_cli_usage_error (self, _("--format %s: the format is text, zone, csv, json, policy, nginx, apache, caddy or static"),
                                 o.format);

  setup->certificate_file = g_strdup (o.certificate);
  setup->certificate_key_file = g_strdup (o.certificate_key);

  /* Advice goes to stderr, so that the output stays usable as a file. */
  policy = mts_setup_get_policy (setup);
  mts_policy_check_advice (policy, advice);
  for (guint i = 0; i < advice->len; i++)
    {
      g_autofree char *line = mts_diagnostic_format (g_ptr_array_index (advice, i));

      fprintf (stderr, "mtasts: %s\n", line);
    }

  output = mts_export (setup, format);
  fputs (output, stdout);
  return MTS_EXIT_OK;
}
