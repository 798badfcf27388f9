/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-txt-record.c: the _mta-sts and _smtp._tls TXT records, vector by vector.
 *
 * Each vector comes from RFC 8461 §3.1 / RFC 8460 §3 (examples and ABNF
 * edge cases) or from the "what others get wrong" list of rfc-notes.md, and
 * asserts the exact diagnostic code a strict sender's checker must give.
 */
#include "config.h"

#include <string.h>

#include "core/mts-diagnostic.h"
#include "core/mts-txt-record.h"

#define STS MTS_TXT_KIND_STS
#define TLSRPT MTS_TXT_KIND_TLSRPT

typedef struct
{
  const char *path;
  MtsTxtKind kind;
  const char *value;
  gboolean valid;
  /* The code that must be present (NULL: no diagnostic at all). */
  const char *code;
  /* Its field number. */
  guint line;
} Vector;

static const Vector vectors[] = {
  /* RFC 8461 §3.1 example, and the ABNF's edges. */
  { "sts/rfc-example", STS, "v=STSv1; id=20160831085700Z;", TRUE, NULL, 0 },
  { "sts/no-trailing-semicolon", STS, "v=STSv1; id=20160831085700Z", TRUE, NULL, 0 },
  { "sts/no-space", STS, "v=STSv1;id=abc", TRUE, NULL, 0 },
  { "sts/tabs-around-semicolon", STS, "v=STSv1;\tid=abc\t;\t", TRUE, NULL, 0 },
  { "sts/id-32", STS, "v=STSv1; id=abcdefghijABCDEFGHIJ012345678901", TRUE, NULL, 0 },
  { "sts/id-one-char", STS, "v=STSv1; id=1", TRUE, NULL, 0 },
  { "sts/extension-after-id", STS, "v=STSv1; id=abc; foo=bar", TRUE, "sts-record-extension", 3 },
  { "sts/extension-before-id", STS, "v=STSv1; x-ext.1=a:b; id=abc", TRUE, "sts-record-extension", 2 },
  { "sts/id-33", STS, "v=STSv1; id=abcdefghijABCDEFGHIJ0123456789012", FALSE, "sts-record-id-too-long", 2 },
  { "sts/id-dashes", STS, "v=STSv1; id=2024-01-01", FALSE, "sts-record-id-invalid", 2 },
  { "sts/id-dots", STS, "v=STSv1; id=v1.2", FALSE, "sts-record-id-invalid", 2 },
  { "sts/id-underscore", STS, "v=STSv1; id=abc_1", FALSE, "sts-record-id-invalid", 2 },
  { "sts/id-empty", STS, "v=STSv1; id=", FALSE, "sts-record-id-invalid", 2 },
  { "sts/id-missing", STS, "v=STSv1;", FALSE, "sts-record-id-missing", 0 },
  { "sts/version-only", STS, "v=STSv1", FALSE, "sts-record-id-missing", 0 },
  { "sts/id-upper-case-key", STS, "v=STSv1; ID=abc", FALSE, "sts-record-id-missing", 0 },
  { "sts/id-duplicate", STS, "v=STSv1; id=abc; id=def", TRUE, "sts-record-id-duplicate", 3 },
  { "sts/version-lower-case", STS, "v=stsv1; id=abc", FALSE, "sts-record-version", 1 },
  { "sts/version-2", STS, "v=STSv2; id=abc", FALSE, "sts-record-version", 1 },
  { "sts/version-not-first", STS, "id=abc; v=STSv1", FALSE, "sts-record-version", 1 },
  { "sts/version-leading-space", STS, " v=STSv1; id=abc", FALSE, "sts-record-version", 1 },
  { "sts/version-spaces-around-equals", STS, "v = STSv1; id=abc", FALSE, "sts-record-version", 1 },
  { "sts/version-suffix", STS, "v=STSv10; id=abc", FALSE, "sts-record-version", 1 },
  { "sts/space-before-semicolon", STS, "v=STSv1 ; id=abc", FALSE, "sts-record-space-before-semicolon", 1 },
  { "sts/trailing-space", STS, "v=STSv1; id=abc ", FALSE, "sts-record-trailing-space", 2 },
  { "sts/space-before-equals", STS, "v=STSv1; id =abc", FALSE, "sts-record-space-around-equals", 2 },
  { "sts/space-after-equals", STS, "v=STSv1; id= abc", FALSE, "sts-record-space-around-equals", 2 },
  { "sts/comma-delimiter", STS, "v=STSv1, id=abc", FALSE, "sts-record-syntax", 1 },
  { "sts/space-delimiter", STS, "v=STSv1 id=abc", FALSE, "sts-record-syntax", 1 },
  { "sts/space-in-id", STS, "v=STSv1; id=abc def", FALSE, "sts-record-syntax", 2 },
  { "sts/double-semicolon", STS, "v=STSv1;; id=abc", FALSE, "sts-record-syntax", 2 },
  { "sts/colon-instead-of-equals", STS, "v=STSv1; id:abc", FALSE, "sts-record-syntax", 2 },
  { "sts/field-without-equals", STS, "v=STSv1; id=abc; enforce", FALSE, "sts-record-syntax", 3 },
  { "sts/extension-bad-name", STS, "v=STSv1; id=abc; _x=1", FALSE, "sts-record-extension-invalid", 3 },
  { "sts/extension-empty-value", STS, "v=STSv1; id=abc; x=", FALSE, "sts-record-extension-invalid", 3 },
  { "sts/extension-equals-in-value", STS, "v=STSv1; id=abc; x=a=b", FALSE, "sts-record-extension-invalid", 3 },
  { "sts/extension-name-33", STS, "v=STSv1; id=abc; abcdefghijabcdefghijabcdefghijabc=1", FALSE, "sts-record-extension-invalid", 3 },
  { "sts/non-ascii", STS, "v=STSv1; id=abc\xe2\x80\x8b", FALSE, "sts-record-not-ascii", 0 },
  { "sts/curly-quotes", STS, "\xe2\x80\x9cv=STSv1; id=abc\xe2\x80\x9d", FALSE, "sts-record-not-ascii", 0 },
  { "sts/empty", STS, "", FALSE, "sts-record-empty", 0 },
  { "sts/spf", STS, "v=spf1 include:_spf.example.com ~all", FALSE, "sts-record-version", 1 },
  { "sts/tlsrpt-given", STS, "v=TLSRPTv1; rua=mailto:tlsrpt@example.com", FALSE, "sts-record-version", 1 },

  /* RFC 8460 §3 examples and ABNF edges. */
  { "tlsrpt/rfc-mailto", TLSRPT, "v=TLSRPTv1;rua=mailto:reports@example.com", TRUE, NULL, 0 },
  { "tlsrpt/rfc-https", TLSRPT, "v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt", TRUE, NULL, 0 },
  { "tlsrpt/two-uris", TLSRPT, "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/tlsrpt", TRUE, "tlsrpt-record-rua-several", 2 },
  { "tlsrpt/two-uris-spaces", TLSRPT, "v=TLSRPTv1; rua=mailto:a@example.com , mailto:b@example.net;", TRUE, "tlsrpt-record-rua-several", 2 },
  { "tlsrpt/encoded-comma", TLSRPT, "v=TLSRPTv1; rua=mailto:a@example.com%2Cb@example.com", TRUE, NULL, 0 },
  { "tlsrpt/mailto-query", TLSRPT, "v=TLSRPTv1; rua=mailto:a@example.com?subject=tlsrpt", TRUE, NULL, 0 },
  { "tlsrpt/upper-case-scheme", TLSRPT, "v=TLSRPTv1; rua=MAILTO:A@EXAMPLE.COM", TRUE, NULL, 0 },
  { "tlsrpt/extension", TLSRPT, "v=TLSRPTv1; rua=mailto:a@example.com; ext=1", TRUE, "tlsrpt-record-extension", 3 },
  { "tlsrpt/https-ip", TLSRPT, "v=TLSRPTv1; rua=https://[2001:db8::1]/r", TRUE, NULL, 0 },
  { "tlsrpt/unencoded-comma", TLSRPT, "v=TLSRPTv1; rua=mailto:a@example.com,b@example.com", FALSE, "tlsrpt-record-rua-unencoded", 2 },
  { "tlsrpt/unencoded-bang", TLSRPT, "v=TLSRPTv1; rua=mailto:a!b@example.com", FALSE, "tlsrpt-record-rua-unencoded", 2 },
  { "tlsrpt/rua-missing", TLSRPT, "v=TLSRPTv1;", FALSE, "tlsrpt-record-rua-missing", 0 },
  { "tlsrpt/rua-upper-case", TLSRPT, "v=TLSRPTv1; RUA=mailto:a@example.com", FALSE, "tlsrpt-record-rua-missing", 0 },
  { "tlsrpt/rua-empty", TLSRPT, "v=TLSRPTv1; rua=", FALSE, "tlsrpt-record-rua-empty", 2 },
  { "tlsrpt/rua-empty-entry", TLSRPT, "v=TLSRPTv1; rua=mailto:a@example.com,,mailto:b@example.com", FALSE, "tlsrpt-record-rua-empty", 2 },
  { "tlsrpt/rua-trailing-comma", TLSRPT, "v=TLSRPTv1; rua=mailto:a@example.com,", FALSE, "tlsrpt-record-rua-empty", 2 },
  { "tlsrpt/no-scheme", TLSRPT, "v=TLSRPTv1; rua=tlsrpt@example.com", FALSE, "tlsrpt-record-rua-scheme", 2 },
  { "tlsrpt/http", TLSRPT, "v=TLSRPTv1; rua=http://r.example.com/tlsrpt", FALSE, "tlsrpt-record-rua-scheme", 2 },
  { "tlsrpt/ftp", TLSRPT, "v=TLSRPTv1; rua=ftp://r.example.com/", FALSE, "tlsrpt-record-rua-scheme", 2 },
  { "tlsrpt/mailto-no-at", TLSRPT, "v=TLSRPTv1; rua=mailto:tlsrpt", FALSE, "tlsrpt-record-rua-malformed", 2 },
  { "tlsrpt/mailto-empty", TLSRPT, "v=TLSRPTv1; rua=mailto:", FALSE, "tlsrpt-record-rua-malformed", 2 },
  { "tlsrpt/mailto-bad-domain", TLSRPT, "v=TLSRPTv1; rua=mailto:a@example", FALSE, "tlsrpt-record-rua-malformed", 2 },
  { "tlsrpt/mailto-space", TLSRPT, "v=TLSRPTv1; rua=mailto:a b@example.com", FALSE, "tlsrpt-record-rua-malformed", 2 },
  { "tlsrpt/bad-percent", TLSRPT, "v=TLSRPTv1; rua=mailto:a%zz@example.com", FALSE, "tlsrpt-record-rua-malformed", 2 },
  { "tlsrpt/https-no-host", TLSRPT, "v=TLSRPTv1; rua=https:///tlsrpt", FALSE, "tlsrpt-record-rua-malformed", 2 },
  { "tlsrpt/https-bad-host", TLSRPT, "v=TLSRPTv1; rua=https://r_1.example.com/", FALSE, "tlsrpt-record-rua-malformed", 2 },
  { "tlsrpt/angle-brackets", TLSRPT, "v=TLSRPTv1; rua=<mailto:a@example.com>", FALSE, "tlsrpt-record-rua-malformed", 2 },
  { "tlsrpt/rua-duplicate", TLSRPT, "v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com", TRUE, "tlsrpt-record-rua-duplicate", 3 },
  { "tlsrpt/version-lower-case", TLSRPT, "v=tlsrptv1; rua=mailto:a@example.com", FALSE, "tlsrpt-record-version", 1 },
  { "tlsrpt/version-space-before-semicolon", TLSRPT, "v=TLSRPTv1 ; rua=mailto:a@example.com", FALSE, "tlsrpt-record-space-before-semicolon", 1 },
  { "tlsrpt/sts-given", TLSRPT, "v=STSv1; id=abc", FALSE, "tlsrpt-record-version", 1 },
  { "tlsrpt/unencoded-semicolon", TLSRPT, "v=TLSRPTv1; rua=https://r.example.com/a;b", FALSE, "tlsrpt-record-syntax", 3 },
};

static void
test_vector (gconstpointer data)
{
  const Vector *v = data;
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsTxtRecord) record = mts_txt_record_parse (v->kind, v->value, diagnostics);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      g_autofree char *text = mts_diagnostic_format (g_ptr_array_index (diagnostics, i));

      g_test_message ("%s: %s", ((MtsDiagnostic *) g_ptr_array_index (diagnostics, i))->code, text);
    }

  if (v->valid)
    {
      g_assert_nonnull (record);
      g_assert_false (mts_diagnostics_has_errors (diagnostics));
    }
  else
    {
      g_assert_null (record);
      g_assert_true (mts_diagnostics_has_errors (diagnostics));
    }

  if (v->code == NULL)
    g_assert_cmpuint (diagnostics->len, ==, 0);
  else
    {
      const MtsDiagnostic *d = mts_diagnostics_find (diagnostics, v->code);

      g_assert_nonnull (d);
      g_assert_cmpuint (d->line, ==, v->line);
      g_assert_nonnull (d->reference);
      g_assert_cmpstr (d->message, !=, "");
      /* The first error is the one the vector is about. */
      if (!v->valid)
        for (guint i = 0; i < diagnostics->len; i++)
          {
            const MtsDiagnostic *e = g_ptr_array_index (diagnostics, i);

            if (e->severity == MTS_SEVERITY_ERROR)
              {
                g_assert_cmpstr (e->code, ==, v->code);
                break;
              }
          }
    }
}

static void
test_parse_fields (void)
{
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsTxtRecord) sts = NULL;
  g_autoptr(MtsTxtRecord) tlsrpt = NULL;
  const MtsTxtExtension *ext;

  sts = mts_txt_record_parse (STS, "v=STSv1; id=20160831085700Z; foo=bar;", diagnostics);
  g_assert_nonnull (sts);
  g_assert_cmpint (sts->kind, ==, STS);
  g_assert_cmpstr (sts->id, ==, "20160831085700Z");
  g_assert_null (sts->rua);
  g_assert_cmpuint (sts->extensions->len, ==, 1);
  ext = g_ptr_array_index (sts->extensions, 0);
  g_assert_cmpstr (ext->name, ==, "foo");
  g_assert_cmpstr (ext->value, ==, "bar");

  tlsrpt = mts_txt_record_parse (TLSRPT, "v=TLSRPTv1; rua=mailto:a@example.com , https://r.example.com/x%2Cy", diagnostics);
  g_assert_nonnull (tlsrpt);
  g_assert_null (tlsrpt->id);
  g_assert_cmpuint (g_strv_length (tlsrpt->rua), ==, 2);
  g_assert_cmpstr (tlsrpt->rua[0], ==, "mailto:a@example.com");
  g_assert_cmpstr (tlsrpt->rua[1], ==, "https://r.example.com/x%2Cy");
}

typedef struct
{
  const char *path;
  MtsTxtKind kind;
  const char *records[4];
  /* NULL: a record is found, with no error. */
  const char *error_code;
  /* A further code that must be present, or NULL. */
  const char *other_code;
  /* The id or first rua of the record found. */
  const char *found;
} SetVector;

static const SetVector set_vectors[] = {
  { "sts/one", STS, { "v=STSv1; id=abc" }, NULL, NULL, "abc" },
  { "sts/none", STS, { NULL }, "sts-record-missing", NULL, NULL },
  { "sts/two", STS, { "v=STSv1; id=abc", "v=STSv1; id=def" }, "sts-record-multiple", NULL, NULL },
  { "sts/two-identical", STS, { "v=STSv1; id=abc", "v=STSv1; id=abc" }, "sts-record-multiple", NULL, NULL },
  { "sts/spf-through-wildcard", STS, { "v=spf1 mx -all" }, "sts-record-missing", "sts-record-spf", NULL },
  { "sts/spf-beside", STS, { "v=spf1 mx -all", "v=STSv1; id=abc" }, NULL, "sts-record-spf", "abc" },
  { "sts/dmarc", STS, { "v=DMARC1; p=none" }, "sts-record-missing", "sts-record-dmarc", NULL },
  { "sts/dkim", STS, { "v=DKIM1; k=rsa; p=MIGfMA0G" }, "sts-record-missing", "sts-record-dkim", NULL },
  { "sts/tlsrpt-here", STS, { "v=TLSRPTv1; rua=mailto:a@example.com" }, "sts-record-missing", "sts-record-tlsrpt", NULL },
  { "sts/verification-token", STS, { "google-site-verification=abc", "v=STSv1; id=1" }, NULL, "sts-record-unrelated", "1" },
  { "sts/space-variant-discarded", STS, { "v=STSv1 ; id=abc" }, "sts-record-space-before-semicolon", "sts-record-missing", NULL },
  { "sts/space-variant-beside", STS, { "v=STSv1 ; id=abc", "v=STSv1; id=def" }, "sts-record-space-before-semicolon", NULL, NULL },
  { "sts/lower-case-beside", STS, { "v=stsv1; id=abc", "v=STSv1; id=def" }, "sts-record-version", NULL, NULL },
  { "sts/one-invalid", STS, { "v=STSv1; id=2024-01-01" }, "sts-record-id-invalid", NULL, NULL },
  { "sts/empty-string-ignored", STS, { "", "v=STSv1; id=abc" }, NULL, NULL, "abc" },
  { "tlsrpt/one", TLSRPT, { "v=TLSRPTv1; rua=mailto:a@example.com" }, NULL, NULL, "mailto:a@example.com" },
  { "tlsrpt/two", TLSRPT, { "v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com" }, "tlsrpt-record-multiple", NULL, NULL },
  { "tlsrpt/none", TLSRPT, { NULL }, "tlsrpt-record-missing", NULL, NULL },
  { "tlsrpt/sts-here", TLSRPT, { "v=STSv1; id=abc" }, "tlsrpt-record-missing", "tlsrpt-record-sts", NULL },
  { "tlsrpt/spf-through-wildcard", TLSRPT, { "v=spf1 -all" }, "tlsrpt-record-missing", "tlsrpt-record-spf", NULL },
};

static void
test_set_vector (gconstpointer data)
{
  const SetVector *v = data;
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsTxtRecord) record = NULL;

  record = mts_txt_record_parse_set (v->kind, v->records, -1, diagnostics);
  for (guint i = 0; i < diagnostics->len; i++)
    {
      g_autofree char *text = mts_diagnostic_format (g_ptr_array_index (diagnostics, i));

      g_test_message ("%s: %s", ((MtsDiagnostic *) g_ptr_array_index (diagnostics, i))->code, text);
    }

  if (v->error_code == NULL)
    {
      g_assert_nonnull (record);
      g_assert_false (mts_diagnostics_has_errors (diagnostics));
      if (v->kind == STS)
        g_assert_cmpstr (record->id, ==, v->found);
      else
        g_assert_cmpstr (record->rua[0], ==, v->found);
    }
  else
    {
      const MtsDiagnostic *d = mts_diagnostics_find (diagnostics, v->error_code);

      g_assert_null (record);
      g_assert_nonnull (d);
      g_assert_cmpint (d->severity, ==, MTS_SEVERITY_ERROR);
    }
  if (v->other_code != NULL)
    g_assert_nonnull (mts_diagnostics_find (diagnostics, v->other_code));
}

static void
test_join (void)
{
  const char *strings[] = { "v=STSv1; id=2016", "0831085700Z;", NULL };
  const char *split_version[] = { "v=STS", "v1; id=abc" };
  g_autofree char *joined = mts_txt_record_join_strings (strings, -1);
  g_autofree char *joined2 = mts_txt_record_join_strings (split_version, 2);
  g_autofree char *empty = mts_txt_record_join_strings (NULL, 0);
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsTxtRecord) record = NULL;

  g_assert_cmpstr (joined, ==, "v=STSv1; id=20160831085700Z;");
  g_assert_cmpstr (joined2, ==, "v=STSv1; id=abc");
  g_assert_cmpstr (empty, ==, "");
  record = mts_txt_record_parse (STS, joined, diagnostics);
  g_assert_cmpstr (record->id, ==, "20160831085700Z");
}

static void
test_classify (void)
{
  g_assert_cmpint (mts_txt_classify (""), ==, MTS_TXT_CLASS_EMPTY);
  g_assert_cmpint (mts_txt_classify ("  "), ==, MTS_TXT_CLASS_EMPTY);
  g_assert_cmpint (mts_txt_classify ("v=STSv1; id=1"), ==, MTS_TXT_CLASS_STS);
  g_assert_cmpint (mts_txt_classify ("V = stsv1 ; id=1"), ==, MTS_TXT_CLASS_STS);
  g_assert_cmpint (mts_txt_classify ("v=TLSRPTv1; rua=mailto:a@b.c"), ==, MTS_TXT_CLASS_TLSRPT);
  g_assert_cmpint (mts_txt_classify ("v=spf1 -all"), ==, MTS_TXT_CLASS_SPF);
  g_assert_cmpint (mts_txt_classify ("V=SPF1 include:x ~all"), ==, MTS_TXT_CLASS_SPF);
  g_assert_cmpint (mts_txt_classify ("v=DMARC1; p=reject"), ==, MTS_TXT_CLASS_DMARC);
  g_assert_cmpint (mts_txt_classify ("v=DKIM1; k=rsa; p=MIIB"), ==, MTS_TXT_CLASS_DKIM);
  g_assert_cmpint (mts_txt_classify ("k=rsa; p=MIIB"), ==, MTS_TXT_CLASS_DKIM);
  g_assert_cmpint (mts_txt_classify ("google-site-verification=x"), ==, MTS_TXT_CLASS_OTHER);
}

static void
test_place (void)
{
  g_assert_cmpint (mts_txt_place_for_name ("_mta-sts.example.com", "example.com"), ==, MTS_TXT_PLACE_MTA_STS);
  g_assert_cmpint (mts_txt_place_for_name ("_MTA-STS.Example.COM.", "example.com"), ==, MTS_TXT_PLACE_MTA_STS);
  g_assert_cmpint (mts_txt_place_for_name ("_smtp._tls.example.com", "example.com"), ==, MTS_TXT_PLACE_SMTP_TLS);
  g_assert_cmpint (mts_txt_place_for_name ("_smtp._tcp.example.com", "example.com"), ==, MTS_TXT_PLACE_SMTP_TCP);
  g_assert_cmpint (mts_txt_place_for_name ("_tlsrpt.example.com", "example.com"), ==, MTS_TXT_PLACE_TLSRPT);
  g_assert_cmpint (mts_txt_place_for_name ("_smtp-tlsrpt.example.com", "example.com."), ==, MTS_TXT_PLACE_SMTP_TLSRPT);
  g_assert_cmpint (mts_txt_place_for_name ("example.com", "example.com"), ==, MTS_TXT_PLACE_APEX);
  g_assert_cmpint (mts_txt_place_for_name ("_mta-sts.example.org", "example.com"), ==, MTS_TXT_PLACE_OTHER);
  g_assert_cmpint (mts_txt_place_for_name ("x_mta-sts.example.com", "example.com"), ==, MTS_TXT_PLACE_OTHER);
  g_assert_cmpint (mts_txt_place_for_name ("_mta-stsexample.com", "example.com"), ==, MTS_TXT_PLACE_OTHER);
  g_assert_cmpint (mts_txt_place_for_name ("a._mta-sts.example.com", "example.com"), ==, MTS_TXT_PLACE_OTHER);
  g_assert_cmpstr (mts_txt_place_prefix (MTS_TXT_PLACE_SMTP_TLS), ==, "_smtp._tls");
  g_assert_cmpstr (mts_txt_place_prefix (MTS_TXT_PLACE_APEX), ==, "");
  g_assert_null (mts_txt_place_prefix (MTS_TXT_PLACE_OTHER));
}

static void
test_describe (void)
{
  MtsTxtClass class = MTS_TXT_CLASS_EMPTY;
  char *m;

  /* The right record at the right name: nothing to say. */
  g_assert_null (mts_txt_describe (MTS_TXT_PLACE_MTA_STS, "example.com", "v=STSv1; id=1", &class));
  g_assert_cmpint (class, ==, MTS_TXT_CLASS_STS);
  g_assert_null (mts_txt_describe (MTS_TXT_PLACE_SMTP_TLS, "example.com", "v=TLSRPTv1; rua=mailto:a@example.com", NULL));
  /* SPF at the apex is where it belongs. */
  g_assert_null (mts_txt_describe (MTS_TXT_PLACE_APEX, "example.com", "v=spf1 mx -all", &class));
  g_assert_cmpint (class, ==, MTS_TXT_CLASS_SPF);
  g_assert_null (mts_txt_describe (MTS_TXT_PLACE_APEX, "example.com", "google-site-verification=x", NULL));

  m = mts_txt_describe (MTS_TXT_PLACE_SMTP_TCP, "example.com", "v=TLSRPTv1; rua=mailto:a@example.com", &class);
  g_assert_cmpint (class, ==, MTS_TXT_CLASS_TLSRPT);
  g_assert_nonnull (strstr (m, "_smtp._tcp.example.com"));
  g_assert_nonnull (strstr (m, "_smtp._tls.example.com"));
  g_free (m);

  m = mts_txt_describe (MTS_TXT_PLACE_TLSRPT, "example.com", "v=TLSRPTv1; rua=mailto:a@example.com", NULL);
  g_assert_nonnull (strstr (m, "_tlsrpt.example.com"));
  g_assert_nonnull (strstr (m, "Publish it at _smtp._tls.example.com"));
  g_free (m);

  m = mts_txt_describe (MTS_TXT_PLACE_SMTP_TLSRPT, "example.com", "v=TLSRPTv1; rua=mailto:a@example.com", NULL);
  g_assert_nonnull (strstr (m, "_smtp-tlsrpt.example.com"));
  g_free (m);

  m = mts_txt_describe (MTS_TXT_PLACE_APEX, "example.com", "v=STSv1; id=1", &class);
  g_assert_cmpint (class, ==, MTS_TXT_CLASS_STS);
  g_assert_nonnull (strstr (m, "Publish it at _mta-sts.example.com"));
  g_free (m);

  m = mts_txt_describe (MTS_TXT_PLACE_MTA_STS, "example.com", "v=spf1 include:_spf.example.net ~all", &class);
  g_assert_cmpint (class, ==, MTS_TXT_CLASS_SPF);
  g_assert_nonnull (strstr (m, "looks like your SPF record"));
  g_assert_nonnull (strstr (m, "*.example.com"));
  g_free (m);

  m = mts_txt_describe (MTS_TXT_PLACE_MTA_STS, "example.com", "v=TLSRPTv1; rua=mailto:a@example.com", NULL);
  g_assert_nonnull (strstr (m, "Move it to _smtp._tls.example.com"));
  g_free (m);

  m = mts_txt_describe (MTS_TXT_PLACE_SMTP_TLS, "example.com", "v=STSv1; id=1", NULL);
  g_assert_nonnull (strstr (m, "Move it to _mta-sts.example.com"));
  g_free (m);

  m = mts_txt_describe (MTS_TXT_PLACE_SMTP_TLS, "example.com", "v=DMARC1; p=none", &class);
  g_assert_cmpint (class, ==, MTS_TXT_CLASS_DMARC);
  g_assert_nonnull (strstr (m, "_dmarc.example.com"));
  g_free (m);
}

static void
test_guess_kind (void)
{
  MtsTxtKind kind = TLSRPT;

  g_assert_true (mts_txt_record_guess_kind ("v=STSv1; id=1", &kind));
  g_assert_cmpint (kind, ==, STS);
  g_assert_true (mts_txt_record_guess_kind ("v=tlsrptv1;", &kind));
  g_assert_cmpint (kind, ==, TLSRPT);
  g_assert_false (mts_txt_record_guess_kind ("v=spf1 -all", &kind));
}

static void
test_generate_records (void)
{
  const char *rua[] = { "mailto:a@example.com,b@example.com", "https://r.example.com/a;b!c", NULL };
  const char *one[] = { "mailto:tlsrpt@example.com", NULL };
  g_autofree char *sts = mts_sts_record_generate ("20261128T153000");
  g_autofree char *tlsrpt = mts_tlsrpt_record_generate (rua);
  g_autofree char *tlsrpt1 = mts_tlsrpt_record_generate (one);
  g_autofree char *encoded = mts_tlsrpt_uri_encode ("a,b!c;d%2C");
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsTxtRecord) parsed_sts = NULL;
  g_autoptr(MtsTxtRecord) parsed_tlsrpt = NULL;
  g_autoptr(MtsTxtRecord) expected = NULL;

  g_assert_cmpstr (sts, ==, "v=STSv1; id=20261128T153000");
  g_assert_true (g_str_has_prefix (sts, "v=STSv1;"));
  g_assert_cmpstr (tlsrpt, ==, "v=TLSRPTv1; rua=mailto:a@example.com%2Cb@example.com,https://r.example.com/a%3Bb%21c");
  g_assert_cmpstr (tlsrpt1, ==, "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
  g_assert_cmpstr (encoded, ==, "a%2Cb%21c%3Bd%2C");

  /* Round trip: generate -> parse -> the same fields, without a finding
   * (beyond the note that there are several addresses). */
  parsed_sts = mts_txt_record_parse (STS, sts, diagnostics);
  g_assert_nonnull (parsed_sts);
  g_assert_cmpstr (parsed_sts->id, ==, "20261128T153000");
  g_assert_cmpuint (diagnostics->len, ==, 0);
  parsed_tlsrpt = mts_txt_record_parse (TLSRPT, tlsrpt, diagnostics);
  g_assert_nonnull (parsed_tlsrpt);
  g_assert_cmpuint (diagnostics->len, ==, 1);
  g_assert_cmpstr (((MtsDiagnostic *) g_ptr_array_index (diagnostics, 0))->code, ==, "tlsrpt-record-rua-several");
  g_assert_cmpstr (parsed_tlsrpt->rua[0], ==, "mailto:a@example.com%2Cb@example.com");
  g_assert_cmpstr (parsed_tlsrpt->rua[1], ==, "https://r.example.com/a%3Bb%21c");
  g_assert_false (mts_txt_record_equal (parsed_sts, parsed_tlsrpt));
  expected = mts_txt_record_parse (TLSRPT, "v=TLSRPTv1;rua=mailto:a@example.com%2Cb@example.com, https://r.example.com/a%3Bb%21c;", diagnostics);
  g_assert_true (mts_txt_record_equal (parsed_tlsrpt, expected));
}

static void
test_uri_check (void)
{
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();

  g_assert_true (mts_tlsrpt_uri_check ("mailto:tlsrpt@example.com", 0, diagnostics));
  g_assert_true (mts_tlsrpt_uri_check ("https://r.example.com:8443/x?y=1", 0, diagnostics));
  g_assert_cmpuint (diagnostics->len, ==, 0);
  g_assert_false (mts_tlsrpt_uri_check ("mailto://tlsrpt@example.com", 4, diagnostics));
  g_assert_cmpstr (((MtsDiagnostic *) g_ptr_array_index (diagnostics, 0))->code, ==, "tlsrpt-record-rua-malformed");
  g_assert_cmpuint (((MtsDiagnostic *) g_ptr_array_index (diagnostics, 0))->line, ==, 4);
  g_assert_false (mts_tlsrpt_uri_check ("https://r.example.com:99999/", 0, diagnostics));
  g_assert_cmpstr (((MtsDiagnostic *) g_ptr_array_index (diagnostics, 1))->code, ==, "tlsrpt-record-rua-malformed");

  /* What someone typed may not be UTF-8; the messages must stay readable
   * (found by fuzz-tlsrpt-record). */
  g_assert_false (mts_tlsrpt_uri_check ("mailto:\xea@example.com", 0, diagnostics));
  g_assert_false (mts_tlsrpt_uri_check ("mailto:%ea@exa%ffmple.com", 0, diagnostics));
  g_assert_cmpuint (diagnostics->len, ==, 4);
  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (diagnostics, i);

      g_assert_cmpstr (d->code, ==, "tlsrpt-record-rua-malformed");
      g_assert_true (g_utf8_validate (d->message, -1, NULL));
    }
}

static void
test_id_generate (void)
{
  g_autoptr(GDateTime) then = g_date_time_new_utc (2026, 11, 28, 15, 30, 0);
  g_autoptr(GTimeZone) plus2 = g_time_zone_new_offset (7200);
  g_autoptr(GDateTime) local = g_date_time_new (plus2, 2026, 11, 28, 17, 30, 0);
  g_autofree char *first = mts_sts_id_generate_at (then, NULL);
  g_autofree char *from_local = mts_sts_id_generate_at (local, NULL);
  g_autofree char *other_second = mts_sts_id_generate_at (then, "20261128T152959");
  g_autofree char *second = mts_sts_id_generate_at (then, first);
  g_autofree char *third = mts_sts_id_generate_at (then, second);
  g_autofree char *odd = mts_sts_id_generate_at (then, "20261128T153000s");
  g_autofree char *huge = mts_sts_id_generate_at (then, "20261128T153000s999999999999999");
  g_autofree char *too_huge = mts_sts_id_generate_at (then, "20261128T153000s9999999999999999");
  g_autofree char *now = mts_sts_id_generate (NULL);
  g_autofree char *now2 = mts_sts_id_generate (now);

  g_assert_cmpstr (first, ==, "20261128T153000");
  g_assert_cmpstr (from_local, ==, "20261128T153000");
  g_assert_cmpstr (other_second, ==, "20261128T153000");
  g_assert_cmpstr (second, ==, "20261128T153000s2");
  g_assert_cmpstr (third, ==, "20261128T153000s3");
  g_assert_cmpstr (odd, ==, "20261128T153000s2");
  g_assert_cmpstr (huge, ==, "20261128T153000s1000000000000000");
  g_assert_cmpstr (too_huge, ==, "20261128T153000s2");
  g_assert_true (mts_sts_id_is_valid (huge));
  g_assert_cmpuint (strlen (huge), ==, 32);
  g_assert_true (mts_sts_id_is_valid (now));
  g_assert_true (mts_sts_id_is_valid (now2));
  g_assert_cmpstr (now, !=, now2);
  g_assert_false (mts_sts_id_is_valid (""));
  g_assert_false (mts_sts_id_is_valid ("2026-11-28"));
}

static void
test_set_names_domain (void)
{
  const char *spf[] = { "v=spf1 -all" };
  g_autoptr(GPtrArray) missing = mts_diagnostics_new ();
  g_autoptr(GPtrArray) foreign = mts_diagnostics_new ();
  g_autoptr(GPtrArray) unnamed = mts_diagnostics_new ();
  const MtsDiagnostic *d;

  /* The audit knows the domain: messages name the real places. */
  g_assert_null (mts_txt_record_parse_set_for (MTS_TXT_KIND_STS, "example.com", NULL, 0, missing));
  d = mts_diagnostics_find (missing, "sts-record-missing");
  g_assert_nonnull (d);
  g_assert_nonnull (strstr (d->message, "_mta-sts.example.com"));

  g_assert_null (mts_txt_record_parse_set_for (MTS_TXT_KIND_TLSRPT, "example.com", spf, 1, foreign));
  d = mts_diagnostics_find (foreign, "tlsrpt-record-spf");
  g_assert_nonnull (d);
  g_assert_nonnull (strstr (d->message, "*.example.com"));

  /* Without a domain, a stand-in that reads as one. */
  g_assert_null (mts_txt_record_parse_set (MTS_TXT_KIND_STS, NULL, 0, unnamed));
  d = mts_diagnostics_find (unnamed, "sts-record-missing");
  g_assert_nonnull (strstr (d->message, "_mta-sts.your-domain"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mts/txt-record/vector/%s", vectors[i].path);

      g_test_add_data_func (path, &vectors[i], test_vector);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (set_vectors); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mts/txt-record/set/%s", set_vectors[i].path);

      g_test_add_data_func (path, &set_vectors[i], test_set_vector);
    }
  g_test_add_func ("/mts/txt-record/parse-fields", test_parse_fields);
  g_test_add_func ("/mts/txt-record/join", test_join);
  g_test_add_func ("/mts/txt-record/classify", test_classify);
  g_test_add_func ("/mts/txt-record/place", test_place);
  g_test_add_func ("/mts/txt-record/describe", test_describe);
  g_test_add_func ("/mts/txt-record/guess-kind", test_guess_kind);
  g_test_add_func ("/mts/txt-record/generate", test_generate_records);
  g_test_add_func ("/mts/txt-record/uri-check", test_uri_check);
  g_test_add_func ("/mts/txt-record/id-generate", test_id_generate);
  g_test_add_func ("/mts/txt-record/set-names-domain", test_set_names_domain);

  return g_test_run ();
}
