/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-cli-record.c: "mtasts record check": check _mta-sts and _smtp._tls TXT records. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "core/mts-diagnostic.h"
#include "core/mts-txt-record.h"
#include "mts-cli-private.h"

static int run_record_check (int argc, char **argv);

const MtsCliCommand mts_cli_record_check_command = {
  "record check", N_("[--json] [--sts|--tlsrpt] VALUE…"),
  N_("Check an MTA-STS or TLS reporting TXT record"),
  N_("Checks the value of a _mta-sts TXT record (RFC 8461 §3.1) or a _smtp._tls TXT record "
     "(RFC 8460 §3) the way a strict sending mail server reads it. Give the value without "
     "the quotes of a zone file; a record made of several strings is one VALUE with the "
     "strings joined. Several VALUEs are all the TXT records found at one name: senders then "
     "need exactly one that begins with “v=STSv1;” (or “v=TLSRPTv1;”); the findings also say "
     "what the other records are (an SPF record that a wildcard shows here, a record "
     "for the other name).\n"
     "\n"
     "Options:\n"
     "  --sts       the values were found at _mta-sts.DOMAIN\n"
     "  --tlsrpt    the values were found at _smtp._tls.DOMAIN\n"
     "  --json      print one JSON object instead of text\n"
     "Without --sts or --tlsrpt, the kind is taken from the “v=” at the start of the values.\n"
     "\n"
     "Output: one line per finding, “FIELD: SEVERITY: MESSAGE (RFC SECTION)”, where FIELD "
     "counts the record’s fields from 1 (“v=” is field 1) and is absent for findings about "
     "the whole record; then a line that sums up.\n"
     "\n"
     "JSON output: {\"kind\": \"sts\" or \"tlsrpt\", \"values\": [the VALUEs], \"valid\": true "
     "if no finding is an error, \"record\": null when not valid, else {\"id\" (sts), \"rua\": "
     "[URIs] (tlsrpt), \"extensions\": [{\"name\", \"value\"}]}, \"diagnostics\": [{\"severity\", "
     "\"code\", \"message\", \"line\" (the field; absent for the whole record), \"reference\"}]}.\n"
     "\n"
     "Codes (each also with the prefix tlsrpt-record- instead of sts-record-): "
     "sts-record-missing, sts-record-multiple, sts-record-empty, sts-record-not-ascii, "
     "sts-record-version, sts-record-space-before-semicolon, sts-record-trailing-space, "
     "sts-record-syntax, sts-record-space-around-equals, sts-record-extension-invalid, "
     "sts-record-id-missing, sts-record-id-invalid, sts-record-id-too-long, "
     "tlsrpt-record-rua-missing, tlsrpt-record-rua-empty, tlsrpt-record-rua-scheme, "
     "tlsrpt-record-rua-malformed, tlsrpt-record-rua-unencoded (errors); "
     "sts-record-id-duplicate, tlsrpt-record-rua-duplicate (warnings); sts-record-extension, "
     "tlsrpt-record-rua-several, and for other records found at the name sts-record-spf, "
     "sts-record-dmarc, sts-record-dkim, sts-record-tlsrpt, tlsrpt-record-sts, "
     "sts-record-unrelated (notes).\n"
     "\n"
     "Exit status: 0 when the record is valid (warnings and notes allowed), 1 when a finding "
     "is an error, 2 when the arguments are wrong."),
  run_record_check,
};

static void
add_record_json (JsonBuilder        *builder,
                 const MtsTxtRecord *record)
{
  if (record == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  if (record->kind == MTS_TXT_KIND_STS)
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, record->id);
    }
  else
    {
      json_builder_set_member_name (builder, "rua");
      json_builder_begin_array (builder);
      for (guint i = 0; record->rua != NULL && record->rua[i] != NULL; i++)
        json_builder_add_string_value (builder, record->rua[i]);
      json_builder_end_array (builder);
    }
  json_builder_set_member_name (builder, "extensions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < record->extensions->len; i++)
    {
      const MtsTxtExtension *e = g_ptr_array_index (record->extensions, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, e->name);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, e->value);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
print_json (MtsTxtKind          kind,
            const char *const  *values,
            const MtsTxtRecord *record,
            GPtrArray          *diagnostics)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind == MTS_TXT_KIND_STS ? "sts" : "tlsrpt");
  json_builder_set_member_name (builder, "values");
  json_builder_begin_array (builder);
  for (guint i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, record != NULL);
  json_builder_set_member_name (builder, "record");
  add_record_json (builder, record);
  json_builder_set_member_name (builder, "diagnostics");
  mts_diagnostics_to_json (diagnostics, builder);
  json_builder_end_object (builder);

  _mts_cli_print_json (builder);
}

static void
print_text (MtsTxtKind          kind,
            const MtsTxtRecord *record,
            GPtrArray          *diagnostics)
{
  for (guint i = 0; i < diagnostics->len; i++)
    {
      g_autofree char *line = mts_diagnostic_format (g_ptr_array_index (diagnostics, i));

      printf ("%s\n", line);
    }

  if (record == NULL)
    {
      if (kind == MTS_TXT_KIND_STS)
        printf ("%s\n", _("The MTA-STS record is not valid: senders act as if your domain had no "
                          "MTA-STS until the errors above are fixed."));
      else
        printf ("%s\n", _("The TLS reporting record is not valid: senders send no reports until "
                          "the errors above are fixed."));
    }
  else if (kind == MTS_TXT_KIND_STS)
    printf (_("The MTA-STS record is valid: policy id %s.\n"), record->id);
  else
    {
      g_autofree char *list = g_strjoinv (", ", record->rua);

      printf (_("The TLS reporting record is valid: reports go to %s.\n"), list);
    }
}

static int
run_record_check (int    argc,
                  char **argv)
{
  const MtsCliCommand *self = &mts_cli_record_check_command;
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsTxtRecord) record = NULL;
  gboolean json = FALSE;
  gboolean options_done = FALSE;
  gboolean have_kind = FALSE;
  MtsTxtKind kind = MTS_TXT_KIND_STS;

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (!options_done && g_str_equal (arg, "--"))
        options_done = TRUE;
      else if (!options_done && (g_str_equal (arg, "--help") || g_str_equal (arg, "-h")))
        {
          _mts_cli_print_command_help (self, stdout);
          return MTS_EXIT_OK;
        }
      else if (!options_done && g_str_equal (arg, "--json"))
        json = TRUE;
      else if (!options_done && (g_str_equal (arg, "--sts") || g_str_equal (arg, "--tlsrpt")))
        {
          MtsTxtKind wanted = g_str_equal (arg, "--sts") ? MTS_TXT_KIND_STS : MTS_TXT_KIND_TLSRPT;

          if (have_kind && wanted != kind)
            return _mts_cli_usage_error (self, _("give either --sts or --tlsrpt, not both"));
          kind = wanted;
          have_kind = TRUE;
        }
      else if (!options_done && arg[0] == '-' && arg[1] == '-')
        return _mts_cli_usage_error (self, _("unknown option “%s”"), arg);
      else
        g_ptr_array_add (values, (char *) arg);
    }
  g_ptr_array_add (values, NULL);

  if (values->len == 1)
    return _mts_cli_usage_error (self, _("give the value of the TXT record to check"));

  if (!have_kind)
    {
      for (guint i = 0; i + 1 < values->len && !have_kind; i++)
        have_kind = mts_txt_record_guess_kind (g_ptr_array_index (values, i), &kind);
      if (!have_kind)
        return _mts_cli_usage_error (self, _("none of the values begins with “v=STSv1” or “v=TLSRPTv1”; "
                                             "say which record it should be with --sts or --tlsrpt"));
    }

  /* One value is checked as that record, so its findings speak about it
   * alone; several are the whole set of records at a name. */
  if (values->len == 2)
    record = mts_txt_record_parse (kind, g_ptr_array_index (values, 0), diagnostics);
  else
    record = mts_txt_record_parse_set (kind, (const char *const *) values->pdata,
                                       (gssize) values->len - 1, diagnostics);

  if (json)
    print_json (kind, (const char *const *) values->pdata, record, diagnostics);
  else
    print_text (kind, record, diagnostics);

  return record != NULL ? MTS_EXIT_OK : MTS_EXIT_PROBLEMS;
}
