/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-cli-policy.c: "mtasts policy check": check a policy file, and optionally its MX coverage. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "core/mts-diagnostic.h"
#include "core/mts-domain.h"
#include "core/mts-mx-pattern.h"
#include "core/mts-policy.h"
#include "mts-cli-private.h"

/* Far above the 64 KiB a policy may have, so that a too-large file is
 * reported as such, and still small enough to never exhaust memory when
 * someone points the command at a disk image or a device. */
#define MAX_READ (4 * 1024 * 1024)

static int run_policy_check (int argc, char **argv);

const MtsCliCommand mts_cli_policy_check_command = {
  "policy check", N_("[--json] [--mx HOST]… FILE|-"),
  N_("Check an MTA-STS policy file (mta-sts.txt)"),
  N_("Reads the policy file FILE (or standard input for “-”) and checks it the way a strict "
     "sending mail server reads it (RFC 8461 §3.2).\n"
     "\n"
     "Options:\n"
     "  --mx HOST   also check that the policy covers the mail server HOST, as listed in "
     "your domain’s MX records; repeat it for each MX\n"
     "  --json      print one JSON object instead of text\n"
     "\n"
     "Output: one line per finding, “LINE: SEVERITY: MESSAGE (RFC SECTION)”, where SEVERITY "
     "is “error” (senders reject the policy, or refuse mail), “warning” (works, but is "
     "risky or against published advice) or “note” (fine, worth knowing); findings about "
     "the whole file have no LINE. A last line sums up.\n"
     "\n"
     "JSON output: {\"file\": name, \"valid\": true if no finding is an error, \"policy\": "
     "{\"version\", \"mode\", \"max_age\" (null when missing or wrong), \"mx\": [patterns], "
     "\"extensions\": [{\"key\", \"value\"}]}, \"mx_hosts\": [{\"host\", \"covered\"}] (with "
     "--mx), \"diagnostics\": [{\"severity\", \"code\", \"message\", \"line\" (absent for "
     "the whole file), \"reference\"}]}.\n"
     "\n"
     "Codes: policy-version-missing, policy-version-invalid, policy-mode-missing, "
     "policy-mode-invalid, policy-max-age-missing, policy-max-age-invalid, "
     "policy-max-age-too-large, policy-mx-missing, policy-mx-empty, policy-mx-trailing-dot, "
     "policy-mx-ulabel, policy-mx-wildcard, policy-mx-ip-address, policy-mx-underscore, "
     "policy-mx-several, policy-mx-invalid, policy-key-case, policy-key-invalid, "
     "policy-space-before-colon, policy-leading-whitespace, policy-line-no-colon, "
     "policy-blank-line, policy-one-line, policy-bare-cr, policy-bom, policy-html, "
     "policy-txt-record, policy-nul-byte, "
     "policy-invalid-utf8, policy-control-character, policy-extension-empty, policy-too-large, "
     "mx-not-covered (errors); policy-duplicate-key, policy-key-typo, "
     "policy-max-age-too-short, policy-max-age-too-long, policy-mx-wildcard-too-broad, "
     "policy-mx-single-label, policy-mx-unused (warnings); policy-lf-line-ends, "
     "policy-mixed-line-ends, policy-version-not-first, policy-extension, "
     "policy-mx-duplicate (notes; mx-not-covered is a note in mode none).\n"
     "\n"
     "A policy with warnings and notes only is valid: the command then exits 0.\n"
     "\n"
     "Exit status: 0 when the policy is valid (warnings and notes allowed), 1 when a finding "
     "is an error, 2 when the file cannot be read or the arguments are wrong."),
  run_policy_check,
};

/* Reads all of @path ("-": standard input), at most MAX_READ bytes. */
static GBytes *
read_input (const char  *path,
            GError     **error)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  FILE *stream;
  guint8 buffer[8192];
  size_t n;

  if (!g_str_equal (path, "-"))
    {
      char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &contents, &length, error))
        return NULL;
      return g_bytes_new_take (contents, length);
    }

  stream = stdin;
  while ((n = fread (buffer, 1, sizeof buffer, stream)) > 0)
    {
      g_byte_array_append (data, buffer, (guint) n);
      if (data->len > MAX_READ)
        break;
    }
  if (ferror (stream))
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not read standard input: %s"), g_strerror (saved_errno));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static void
add_policy_json (JsonBuilder     *builder,
                 const MtsPolicy *policy)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  if (policy->version != NULL)
    json_builder_add_string_value (builder, policy->version);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "mode");
  if (policy->has_mode)
    json_builder_add_string_value (builder, mts_policy_mode_to_string (policy->mode));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "max_age");
  if (policy->has_max_age)
    json_builder_add_int_value (builder, policy->max_age);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "mx");
  json_builder_begin_array (builder);
  for (guint i = 0; i < policy->mx->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (policy->mx, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "extensions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < policy->extensions->len; i++)
    {
      const MtsPolicyExtension *e = g_ptr_array_index (policy->extensions, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, e->key);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, e->value);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
print_json (const char      *name,
            const MtsPolicy *policy,
            GPtrArray       *mx_hosts,
            GPtrArray       *diagnostics)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, !mts_diagnostics_has_errors (diagnostics));
  json_builder_set_member_name (builder, "policy");
  add_policy_json (builder, policy);
  if (mx_hosts->len > 1)
    {
      g_autoptr(GPtrArray) patterns = g_ptr_array_new ();

      for (guint i = 0; i < policy->mx->len; i++)
        g_ptr_array_add (patterns, g_ptr_array_index (policy->mx, i));
      g_ptr_array_add (patterns, NULL);

      json_builder_set_member_name (builder, "mx_hosts");
      json_builder_begin_array (builder);
      for (guint i = 0; i + 1 < mx_hosts->len; i++)
        {
          const char *host = g_ptr_array_index (mx_hosts, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "host");
          json_builder_add_string_value (builder, host);
          json_builder_set_member_name (builder, "covered");
          json_builder_add_boolean_value (builder,
                                          mts_mx_pattern_list_covers ((const char *const *) patterns->pdata,
                                                                      host));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_set_member_name (builder, "diagnostics");
  mts_diagnostics_to_json (diagnostics, builder);
  json_builder_end_object (builder);

  _mts_cli_print_json (builder);
}

static void
print_text (const MtsPolicy *policy,
            GPtrArray       *diagnostics)
{
  for (guint i = 0; i < diagnostics->len; i++)
    {
      g_autofree char *line = mts_diagnostic_format (g_ptr_array_index (diagnostics, i));

      printf ("%s\n", line);
    }

  if (mts_diagnostics_has_errors (diagnostics))
    printf ("%s\n", _("The policy is not valid: senders ignore it, or refuse mail, until the "
                      "errors above are fixed."));
  else
    {
      /* Each count has its own plural, so they are separate messages. */
      g_autofree char *max_age = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second", "%u seconds",
                                                               policy->max_age),
                                                  policy->max_age);
      g_autofree char *patterns = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u mx pattern",
                                                                "%u mx patterns", policy->mx->len),
                                                   policy->mx->len);

      /* Translators: "The policy is valid: mode enforce, max_age 604800 seconds, 3 mx patterns." */
      printf (_("The policy is valid: mode %s, max_age %s, %s.\n"),
              mts_policy_mode_to_string (policy->mode), max_age, patterns);
    }
}

static int
run_policy_check (int    argc,
                  char **argv)
{
  const MtsCliCommand *self = &mts_cli_policy_check_command;
  g_autoptr(GPtrArray) mx_hosts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsPolicy) policy = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = NULL;
  gboolean json = FALSE;
  gboolean options_done = FALSE;
  const char *data;
  gsize length;

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *mx = NULL;

      if (!options_done && g_str_equal (arg, "--"))
        options_done = TRUE;
      else if (!options_done && (g_str_equal (arg, "--help") || g_str_equal (arg, "-h")))
        {
          _mts_cli_print_command_help (self, stdout);
          return MTS_EXIT_OK;
        }
      else if (!options_done && g_str_equal (arg, "--json"))
        json = TRUE;
      else if (!options_done && g_str_equal (arg, "--mx"))
        {
          if (i + 1 >= argc)
            return _mts_cli_usage_error (self, _("--mx needs a host name, such as --mx mail.example.com"));
          mx = argv[++i];
        }
      else if (!options_done && g_str_has_prefix (arg, "--mx="))
        mx = arg + strlen ("--mx=");
      else if (!options_done && arg[0] == '-' && arg[1] != '\0')
        return _mts_cli_usage_error (self, _("unknown option “%s”"), arg);
      else if (path == NULL)
        path = arg;
      else
        return _mts_cli_usage_error (self, _("give one policy file only; “%s” is one too many"), arg);

      if (mx != NULL)
        {
          g_autoptr(GError) mx_error = NULL;
          char *ascii = NULL;

          /* MX records name hosts as the domain normaliser knows them: any
           * case, a trailing dot, an international name. */
          if (!mts_domain_normalize (mx, &ascii, NULL, &mx_error))
            return _mts_cli_usage_error (self, _("--mx “%s”: %s"), mx, mx_error->message);
          g_ptr_array_add (mx_hosts, ascii);
        }
    }

  if (path == NULL)
    return _mts_cli_usage_error (self, _("the policy file is missing; give its name, or “-” to read "
                                         "standard input"));

  bytes = read_input (path, &error);
  if (bytes == NULL)
    {
      fprintf (stderr, "mtasts: %s\n", error->message);
      return MTS_EXIT_FAILURE;
    }

  data = g_bytes_get_data (bytes, &length);
  policy = mts_policy_parse (length > 0 ? data : "", (gssize) length, diagnostics);
  g_ptr_array_add (mx_hosts, NULL);
  if (mx_hosts->len > 1)
    mts_policy_check_mx (policy, (const char *const *) mx_hosts->pdata, diagnostics);

  if (json)
    print_json (g_str_equal (path, "-") ? "-" : path, policy, mx_hosts, diagnostics);
  else
    print_text (policy, diagnostics);

  return mts_diagnostics_has_errors (diagnostics) ? MTS_EXIT_PROBLEMS : MTS_EXIT_OK;
}
