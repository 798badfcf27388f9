/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-export.c: exports of a complete setup: instructions, zone, CSV, JSON, policy, web servers. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "core/mts-diagnostic.h"
#include "core/mts-export.h"
#include "core/mts-policy.h"
#include "core/mts-txt-record.h"

static MtsSetup *
make_setup (MtsPolicyMode mode)
{
  MtsSetup *setup = mts_setup_new ();

  setup->domain = g_strdup ("example.com");
  g_ptr_array_add (setup->mx, g_strdup ("mail.example.com"));
  g_ptr_array_add (setup->mx, g_strdup ("*.backup.example.net"));
  setup->mode = mode;
  setup->max_age = 604800;
  g_ptr_array_add (setup->rua, g_strdup ("mailto:tlsrpt@example.com"));
  setup->id = g_strdup ("20261128T153000");
  return setup;
}

/* The position of @needle in @haystack, failing when it is absent. */
static gsize
position (const char *haystack,
          const char *needle)
{
  const char *p = strstr (haystack, needle);

  if (p == NULL)
    g_error ("“%s” not found in:\n%s", needle, haystack);
  return (gsize) (p - haystack);
}

static void
test_format_names (void)
{
  MtsExportFormat format = MTS_EXPORT_TEXT;
  const char *names[] = { "text", "zone", "csv", "json", "policy", "nginx", "apache", "caddy", "static" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (mts_export_format_from_string (names[i], &format));
      g_assert_cmpint (format, ==, (MtsExportFormat) i);
      g_assert_cmpstr (mts_export_format_to_string (format), ==, names[i]);
    }
  g_assert_false (mts_export_format_from_string ("Zone", &format));
  g_assert_false (mts_export_format_from_string ("", &format));
}

static void
test_records (void)
{
  g_autoptr(MtsSetup) setup = make_setup (MTS_POLICY_MODE_TESTING);
  g_autoptr(GPtrArray) records = NULL;
  const MtsDnsRecord *r;
  g_autofree char *host = mts_setup_get_policy_host (setup);
  g_autofree char *url = mts_setup_get_policy_url (setup);

  g_assert_cmpstr (host, ==, "mta-sts.example.com");
  g_assert_cmpstr (url, ==, "https://mta-sts.example.com/.well-known/mta-sts.txt");

  records = mts_setup_get_records (setup);
  g_assert_cmpuint (records->len, ==, 2);
  r = g_ptr_array_index (records, 0);
  g_assert_cmpstr (r->type, ==, "TXT");
  g_assert_cmpstr (r->name, ==, "_mta-sts");
  g_assert_cmpstr (r->fqdn, ==, "_mta-sts.example.com");
  g_assert_cmpstr (r->value, ==, "v=STSv1; id=20261128T153000");
  g_assert_cmpuint (r->ttl, ==, 3600);
  r = g_ptr_array_index (records, 1);
  g_assert_cmpstr (r->name, ==, "_smtp._tls");
  g_assert_cmpstr (r->fqdn, ==, "_smtp._tls.example.com");
  g_assert_cmpstr (r->value, ==, "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");

  /* Without a report address there is no _smtp._tls record. */
  g_ptr_array_set_size (setup->rua, 0);
  g_clear_pointer (&records, g_ptr_array_unref);
  records = mts_setup_get_records (setup);
  g_assert_cmpuint (records->len, ==, 1);
}

static void
test_zone_rdata (void)
{
  g_autofree char *simple = mts_export_zone_txt_rdata ("v=STSv1; id=1");
  g_autofree char *escaped = mts_export_zone_txt_rdata ("a\"b\\c");
  g_autofree char *control = mts_export_zone_txt_rdata ("a\tb\x7f");
  g_autofree char *empty = mts_export_zone_txt_rdata ("");
  g_autofree char *s255 = g_strnfill (255, 'x');
  g_autofree char *s256 = g_strnfill (256, 'x');
  g_autofree char *s510 = g_strnfill (510, 'x');
  g_autofree char *r255 = mts_export_zone_txt_rdata (s255);
  g_autofree char *r256 = mts_export_zone_txt_rdata (s256);
  g_autofree char *r510 = mts_export_zone_txt_rdata (s510);
  g_autofree char *expected256 = g_strdup_printf ("\"%s\" \"x\"", s255);
  g_autofree char *expected510 = g_strdup_printf ("\"%s\" \"%s\"", s255, s255);
  g_autofree char *quotes = g_strnfill (300, '"');
  g_autofree char *rquotes = mts_export_zone_txt_rdata (quotes);

  g_assert_cmpstr (simple, ==, "\"v=STSv1; id=1\"");
  g_assert_cmpstr (escaped, ==, "\"a\\\"b\\\\c\"");
  g_assert_cmpstr (control, ==, "\"a\\009b\\127\"");
  g_assert_cmpstr (empty, ==, "\"\"");
  g_assert_cmpuint (strlen (r255), ==, 257);
  g_assert_cmpstr (r256, ==, expected256);
  g_assert_cmpstr (r510, ==, expected510);
  /* The split counts octets of the value, not of its escaped form: 255
   * escaped quotes, then 45. */
  g_assert_cmpuint (strlen (rquotes), ==, 2 + 255 * 2 + 1 + 2 + 45 * 2);
  g_assert_cmpint (rquotes[2 + 255 * 2], ==, ' ');
}

static void
test_zone (void)
{
  g_autoptr(MtsSetup) setup = make_setup (MTS_POLICY_MODE_ENFORCE);
  g_autofree char *zone = NULL;
  g_auto(GStrv) lines = NULL;
  GString *long_uri = g_string_new ("mailto:");
  guint n_records = 0;

  /* Long enough that the _smtp._tls value passes 255 octets. */
  for (guint i = 0; i < 20; i++)
    g_string_append_printf (long_uri, "r%02u", i);
  g_string_append (long_uri, "@reports.example.org");
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (setup->rua, g_strdup (long_uri->str));
  g_string_free (long_uri, TRUE);
  setup->ttl = 300;

  zone = mts_export (setup, MTS_EXPORT_ZONE);
  lines = g_strsplit (zone, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == ';' || lines[i][0] == '\0')
        continue;
      n_records++;
      if (g_str_has_prefix (lines[i], "_mta-sts."))
        g_assert_cmpstr (lines[i], ==, "_mta-sts.example.com. 300 IN TXT \"v=STSv1; id=20261128T153000\"");
      else
        {
          g_autoptr(GPtrArray) records = mts_setup_get_records (setup);
          const MtsDnsRecord *r = g_ptr_array_index (records, 1);
          g_autofree char *first = g_strndup (r->value, 255);
          g_autofree char *expected = g_strdup_printf ("_smtp._tls.example.com. 300 IN TXT \"%s\" \"%s\"",
                                                       first, r->value + 255);

          g_assert_cmpuint (strlen (r->value), >, 255);
          g_assert_cmpuint (strlen (r->value), <=, 510);
          g_assert_cmpstr (lines[i], ==, expected);
        }
    }
  g_assert_cmpuint (n_records, ==, 2);
  /* Comments come first and say to publish after the policy is online. */
  g_assert_true (g_str_has_prefix (zone, "; "));
  g_assert_nonnull (strstr (zone, "https://mta-sts.example.com/.well-known/mta-sts.txt"));
}

static void
test_csv_field (void)
{
  const struct { const char *in, *out; } cases[] = {
    { "plain", "plain" },
    { "v=STSv1; id=1", "v=STSv1; id=1" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "cr\r", "\"cr\r\"" },
    { "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = mts_export_csv_field (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_csv (void)
{
  g_autoptr(MtsSetup) setup = make_setup (MTS_POLICY_MODE_TESTING);
  g_autofree char *csv = NULL;

  g_ptr_array_add (setup->rua, g_strdup ("https://r.example.com/tls,rpt"));
  csv = mts_export (setup, MTS_EXPORT_CSV);
  g_assert_cmpstr (csv, ==,
                   "type,name,fqdn,value,ttl\r\n"
                   "TXT,_mta-sts,_mta-sts.example.com,v=STSv1; id=20261128T153000,3600\r\n"
                   "TXT,_smtp._tls,_smtp._tls.example.com,\"v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://r.example.com/tls%2Crpt\",3600\r\n");
}

static void
test_json (void)
{
  g_autoptr(MtsSetup) setup = make_setup (MTS_POLICY_MODE_ENFORCE);
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsPolicy) parsed = NULL;
  g_autoptr(MtsPolicy) expected = NULL;
  JsonObject *root;
  JsonArray *records;
  JsonObject *r;

  setup->previous_id = g_strdup ("20261101T000000");
  json = mts_export (setup, MTS_EXPORT_JSON);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (json_object_get_string_member (root, "domain"), ==, "example.com");
  g_assert_cmpstr (json_object_get_string_member (root, "mode"), ==, "enforce");
  g_assert_cmpint (json_object_get_int_member (root, "max_age"), ==, 604800);
  g_assert_cmpstr (json_object_get_string_member (root, "id"), ==, "20261128T153000");
  g_assert_cmpstr (json_object_get_string_member (root, "previous_id"), ==, "20261101T000000");
  g_assert_cmpint (json_object_get_int_member (root, "ttl"), ==, 3600);
  g_assert_cmpstr (json_object_get_string_member (root, "policy_host"), ==, "mta-sts.example.com");
  g_assert_cmpstr (json_object_get_string_member (root, "policy_url"), ==,
                   "https://mta-sts.example.com/.well-known/mta-sts.txt");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "mx")), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root, "mx"), 1), ==,
                   "*.backup.example.net");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root, "rua"), 0), ==,
                   "mailto:tlsrpt@example.com");

  /* The policy text parses back to the setup's policy. */
  parsed = mts_policy_parse (json_object_get_string_member (root, "policy"), -1, diagnostics);
  expected = mts_setup_get_policy (setup);
  g_assert_nonnull (parsed);
  g_assert_true (mts_policy_equal (parsed, expected));

  records = json_object_get_array_member (root, "records");
  g_assert_cmpuint (json_array_get_length (records), ==, 2);
  r = json_array_get_object_element (records, 0);
  g_assert_cmpstr (json_object_get_string_member (r, "type"), ==, "TXT");
  g_assert_cmpstr (json_object_get_string_member (r, "name"), ==, "_mta-sts");
  g_assert_cmpstr (json_object_get_string_member (r, "fqdn"), ==, "_mta-sts.example.com");
  g_assert_cmpstr (json_object_get_string_member (r, "value"), ==, "v=STSv1; id=20261128T153000");
  g_assert_cmpint (json_object_get_int_member (r, "ttl"), ==, 3600);
  r = json_array_get_object_element (records, 1);
  g_assert_cmpstr (json_object_get_string_member (r, "value"), ==, "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
}

/* generate -> parse -> equal, for the records and the policy, over
 * modes, several patterns and report addresses that need encoding. */
static void
test_round_trip (void)
{
  const MtsPolicyMode modes[] = { MTS_POLICY_MODE_TESTING, MTS_POLICY_MODE_ENFORCE, MTS_POLICY_MODE_NONE };

  for (gsize m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      g_autoptr(MtsSetup) setup = make_setup (modes[m]);
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
      g_autoptr(MtsTxtRecord) sts = NULL;
      g_autoptr(MtsTxtRecord) tlsrpt = NULL;
      g_autoptr(MtsPolicy) parsed = NULL;
      g_autoptr(MtsPolicy) expected = NULL;
      g_autofree char *policy_text = NULL;
      const MtsDnsRecord *r;

      g_ptr_array_add (setup->rua, g_strdup ("mailto:a@example.com,b@example.com"));
      g_ptr_array_add (setup->rua, g_strdup ("https://r.example.com/report;v=1!"));
      setup->max_age = 86400 * (guint32) (m + 1) * 7;

      records = mts_setup_get_records (setup);
      r = g_ptr_array_index (records, 0);
      sts = mts_txt_record_parse (MTS_TXT_KIND_STS, r->value, diagnostics);
      g_assert_nonnull (sts);
      g_assert_cmpstr (sts->id, ==, setup->id);
      g_assert_cmpuint (sts->extensions->len, ==, 0);

      r = g_ptr_array_index (records, 1);
      tlsrpt = mts_txt_record_parse (MTS_TXT_KIND_TLSRPT, r->value, diagnostics);
      g_assert_nonnull (tlsrpt);
      g_assert_cmpuint (g_strv_length (tlsrpt->rua), ==, setup->rua->len);
      for (guint i = 0; i < setup->rua->len; i++)
        {
          g_autofree char *encoded = mts_tlsrpt_uri_encode (g_ptr_array_index (setup->rua, i));
          g_autoptr(GUri) uri = g_uri_parse (tlsrpt->rua[i], G_URI_FLAGS_NONE, NULL);
          g_autofree char *decoded = g_strconcat (g_uri_get_scheme (uri), ":",
                                                  g_uri_get_host (uri) != NULL ? "//" : "",
                                                  g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : "",
                                                  g_uri_get_path (uri), NULL);

          g_assert_cmpstr (tlsrpt->rua[i], ==, encoded);
          /* Decoding gives back what was asked for. */
          g_assert_cmpstr (decoded, ==, g_ptr_array_index (setup->rua, i));
        }
      g_assert_false (mts_diagnostics_has_errors (diagnostics));

      policy_text = mts_export (setup, MTS_EXPORT_POLICY);
      parsed = mts_policy_parse (policy_text, -1, diagnostics);
      expected = mts_setup_get_policy (setup);
      g_assert_nonnull (parsed);
      g_assert_true (mts_policy_equal (parsed, expected));
      g_assert_true (g_str_has_prefix (policy_text, "version: STSv1\r\n"));
      g_assert_true (g_str_has_suffix (policy_text, "\r\n"));
    }
}

static void
test_text_order (void)
{
  g_autoptr(MtsSetup) setup = make_setup (MTS_POLICY_MODE_TESTING);
  g_autofree char *text = mts_export (setup, MTS_EXPORT_TEXT);
  gsize host, file, sts, tlsrpt;

  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Setting up MTA-STS for example.com\n"));
  host = position (text, "1. Give the policy host a name and a certificate");
  file = position (text, "2. Publish the policy file");
  sts = position (text, "3. Publish the MTA-STS record");
  tlsrpt = position (text, "4. Publish the TLS reporting record");
  g_assert_cmpuint (host, <, file);
  g_assert_cmpuint (file, <, sts);
  g_assert_cmpuint (sts, <, tlsrpt);
  g_assert_cmpuint (file, <, position (text, "       version: STSv1\n       mode: testing\n       mx: mail.example.com\n"
                                             "       mx: *.backup.example.net\n       max_age: 604800\n"));
  g_assert_cmpuint (position (text, "Value:  v=STSv1; id=20261128T153000"), <, tlsrpt);
  g_assert_cmpuint (tlsrpt, <, position (text, "Value:  v=TLSRPTv1; rua=mailto:tlsrpt@example.com"));
  position (text, "1 week (max_age 604800 seconds)");
  position (text, "in many DNS panels just: _mta-sts");
  position (text, "Keep mode testing for one to two weeks");
  g_assert_null (strchr (text, '\r'));
}

static void
test_text_change (void)
{
  g_autoptr(MtsSetup) setup = make_setup (MTS_POLICY_MODE_ENFORCE);
  g_autofree char *text = NULL;
  gsize file, id;

  setup->previous_id = g_strdup ("20261101T000000");
  setup->previous_policy = mts_policy_new ();
  mts_policy_set_mode (setup->previous_policy, MTS_POLICY_MODE_TESTING);
  mts_policy_set_max_age (setup->previous_policy, 1209600);
  mts_policy_add_mx (setup->previous_policy, "mail.example.com");
  mts_policy_add_mx (setup->previous_policy, "old.example.com");

  text = mts_export (setup, MTS_EXPORT_TEXT);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Changing the MTA-STS policy of example.com\n"));
  /* RFC 8461 §8.1: the new file before the new id. */
  file = position (text, "1. Replace the policy file");
  id = position (text, "2. Change the id in the MTA-STS record");
  g_assert_cmpuint (file, <, id);
  g_assert_cmpuint (id, <, position (text, "from “v=STSv1; id=20261101T000000” to the value below"));
  g_assert_null (strstr (text, "Give the policy host a name"));
  position (text, "The new policy adds *.backup.example.net.");
  position (text, "keep the old mail servers working for 2 weeks");
  position (text, "The new policy no longer lists old.example.com.");
  position (text, "first add it to the policy");
}

static void
test_text_none_and_no_rua (void)
{
  g_autoptr(MtsSetup) setup = make_setup (MTS_POLICY_MODE_NONE);
  g_autofree char *text = NULL;

  g_ptr_array_set_size (setup->mx, 0);
  g_ptr_array_set_size (setup->rua, 0);
  setup->max_age = 86400;
  text = mts_export (setup, MTS_EXPORT_TEXT);
  position (text, "Mode “none”");
  position (text, "1 day (max_age 86400 seconds)");
  position (text, "4. Recommended: publish a TLS reporting record");
  position (text, "_smtp._tls.example.com");
  position (text, "the max_age of your previous policy");
  g_assert_null (strstr (text, "v=TLSRPTv1"));
}

static void
test_web_servers (void)
{
  g_autoptr(MtsSetup) setup = make_setup (MTS_POLICY_MODE_TESTING);
  g_autofree char *nginx = mts_export (setup, MTS_EXPORT_NGINX);
  g_autofree char *apache = mts_export (setup, MTS_EXPORT_APACHE);
  g_autofree char *caddy = mts_export (setup, MTS_EXPORT_CADDY);
  g_autofree char *static_text = mts_export (setup, MTS_EXPORT_STATIC);
  g_autofree char *nginx_custom = NULL;

  position (nginx, "server_name mta-sts.example.com;\n");
  position (nginx, "ssl_certificate     /etc/letsencrypt/live/mta-sts.example.com/fullchain.pem;\n");
  position (nginx, "ssl_certificate_key /etc/letsencrypt/live/mta-sts.example.com/privkey.pem;\n");
  position (nginx, "    location = /.well-known/mta-sts.txt {\n"
                   "        types { }\n"
                   "        default_type text/plain;\n"
                   "        return 200 \"version: STSv1\\r\\nmode: testing\\r\\nmx: mail.example.com\\r\\n"
                   "mx: *.backup.example.net\\r\\nmax_age: 604800\\r\\n\";\n"
                   "    }\n");
  g_assert_null (strstr (nginx, "301"));
  g_assert_null (strstr (nginx, "rewrite"));
  position (nginx, "A/AAAA or CNAME record");

  setup->certificate_file = g_strdup ("/srv/cert.pem");
  setup->certificate_key_file = g_strdup ("/srv/key.pem");
  nginx_custom = mts_export (setup, MTS_EXPORT_NGINX);
  position (nginx_custom, "ssl_certificate     /srv/cert.pem;\n");
  position (nginx_custom, "ssl_certificate_key /srv/key.pem;\n");

  position (apache, "<VirtualHost *:443>\n");
  position (apache, "    ServerName mta-sts.example.com\n");
  position (apache, "    DocumentRoot /var/www/mta-sts.example.com\n");
  position (apache, "    <Location \"/.well-known/mta-sts.txt\">\n        ForceType text/plain\n    </Location>\n");
  position (apache, "/var/www/mta-sts.example.com/.well-known/mta-sts.txt");

  position (caddy, "mta-sts.example.com {\n");
  position (caddy, "\thandle /.well-known/mta-sts.txt {\n\t\troot * /var/www/mta-sts.example.com\n"
                   "\t\theader Content-Type text/plain\n\t\tfile_server\n\t}\n");

  position (static_text, ".nojekyll");
  position (static_text, "_headers");
  position (static_text, "       /.well-known/mta-sts.txt\n         Content-Type: text/plain\n");
  position (static_text, "CNAME record for mta-sts.example.com");
  position (static_text, "       version: STSv1\n");
  position (static_text, "without a redirect");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mts/export/format-names", test_format_names);
  g_test_add_func ("/mts/export/records", test_records);
  g_test_add_func ("/mts/export/zone-rdata", test_zone_rdata);
  g_test_add_func ("/mts/export/zone", test_zone);
  g_test_add_func ("/mts/export/csv-field", test_csv_field);
  g_test_add_func ("/mts/export/csv", test_csv);
  g_test_add_func ("/mts/export/json", test_json);
  g_test_add_func ("/mts/export/round-trip", test_round_trip);
  g_test_add_func ("/mts/export/text-order", test_text_order);
  g_test_add_func ("/mts/export/text-change", test_text_change);
  g_test_add_func ("/mts/export/text-none-no-rua", test_text_none_and_no_rua);
  g_test_add_func ("/mts/export/web-servers", test_web_servers);

  return g_test_run ();
}
