/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-mx-pattern.c: MX patterns: normalising, validating, matching and coverage (RFC 8461 §4.1). */
#include "config.h"

#include "core/mts-diagnostic.h"
#include "core/mts-mx-pattern.h"

#include <string.h>

typedef struct
{
  const char *pattern;
  const char *host;
  gboolean matches;
} MatchVector;

static const MatchVector match_vectors[] = {
  /* RFC 8461 §4.1: ""*.example.com" would match "mail.example.com" but
   * not "example.com" or "foo.bar.example.com"". */
  { "*.example.com", "mail.example.com", TRUE },
  { "*.example.com", "example.com", FALSE },
  { "*.example.com", "foo.bar.example.com", FALSE },
  { "*.example.com", "a.b.example.com", FALSE },
  /* Whole labels only: loose suffix matching is a known mistake. */
  { "*.example.com", "xexample.com", FALSE },
  { "*.example.com", "mail.xexample.com", FALSE },
  { "*.example.com", "mail.example.com.evil.test", FALSE },
  { "mail.example.com", "xmail.example.com", FALSE },
  { "mail.example.com", "mail.example.com.evil.test", FALSE },
  { "mail.example.com", "mail.example.co", FALSE },
  { "example.com", "mail.example.com", FALSE },
  /* Case-insensitive, and MX records end with the root's dot. */
  { "mail.example.com", "mail.example.com", TRUE },
  { "mail.example.com", "MAIL.Example.COM", TRUE },
  { "MAIL.EXAMPLE.COM", "mail.example.com", TRUE },
  { "mail.example.com", "mail.example.com.", TRUE },
  { "*.example.com", "MX1.EXAMPLE.COM.", TRUE },
  { "*.Example.Com", "mx1.example.com", TRUE },
  /* The star is one non-empty label. */
  { "*.example.com", ".example.com", FALSE },
  { "*.example.com", "", FALSE },
  { "*.example.com", ".", FALSE },
  { "mail.example.com", "mail.example.com..", FALSE },
  /* From the RFC's example policy (§3.2). */
  { "*.example.net", "mx.example.net", TRUE },
  { "backupmx.example.com", "backupmx.example.com", TRUE },
  { "xn--bcher-kva.example", "xn--bcher-kva.example", TRUE },
};

static void
test_matches (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (match_vectors); i++)
    {
      const MatchVector *v = &match_vectors[i];

      g_test_message ("%s ~ %s", v->pattern, v->host);
      g_assert_cmpint (mts_mx_pattern_matches (v->pattern, v->host), ==, v->matches);
    }
}

static void
test_is_wildcard (void)
{
  g_assert_true (mts_mx_pattern_is_wildcard ("*.example.com"));
  g_assert_false (mts_mx_pattern_is_wildcard ("mail.example.com"));
  g_assert_false (mts_mx_pattern_is_wildcard ("*example.com"));
  g_assert_false (mts_mx_pattern_is_wildcard (""));
}

typedef struct
{
  const char *input;
  const char *pattern;  /* NULL: rejected */
  int code;
} NormalizeVector;

static const NormalizeVector normalize_vectors[] = {
  { "mail.example.com", "mail.example.com", 0 },
  { "MAIL.Example.COM", "mail.example.com", 0 },
  { "mail.example.com.", "mail.example.com", 0 },
  { "  mail.example.com\n", "mail.example.com", 0 },
  { "*.example.net", "*.example.net", 0 },
  { "*.EXAMPLE.NET.", "*.example.net", 0 },
  { "mx.bücher.example", "mx.xn--bcher-kva.example", 0 },
  { "*.bücher.example", "*.xn--bcher-kva.example", 0 },
  { "*.MÜNCHEN.de", "*.xn--mnchen-3ya.de", 0 },
  { "xn--bcher-kva.example", "xn--bcher-kva.example", 0 },
  { "mx-1.example.com", "mx-1.example.com", 0 },
  { "123.example.com", "123.example.com", 0 },

  { "", NULL, MTS_MX_PATTERN_ERROR_EMPTY },
  { "   ", NULL, MTS_MX_PATTERN_ERROR_EMPTY },
  { "*.*.example.com", NULL, MTS_MX_PATTERN_ERROR_WILDCARD },
  { "**.example.com", NULL, MTS_MX_PATTERN_ERROR_WILDCARD },
  { "x*.example.com", NULL, MTS_MX_PATTERN_ERROR_WILDCARD },
  { "*mail.example.com", NULL, MTS_MX_PATTERN_ERROR_WILDCARD },
  { "mail.*.example.com", NULL, MTS_MX_PATTERN_ERROR_WILDCARD },
  { "example.*", NULL, MTS_MX_PATTERN_ERROR_WILDCARD },
  { "*", NULL, MTS_MX_PATTERN_ERROR_WILDCARD },
  { "*.", NULL, MTS_MX_PATTERN_ERROR_WILDCARD },
  { "*.com", NULL, MTS_MX_PATTERN_ERROR_WILDCARD_TOO_BROAD },
  { "*.com.", NULL, MTS_MX_PATTERN_ERROR_WILDCARD_TOO_BROAD },
  { "localhost", NULL, MTS_MX_PATTERN_ERROR_SINGLE_LABEL },
  { "192.0.2.25", NULL, MTS_MX_PATTERN_ERROR_IP_ADDRESS },
  { "192.0.2.25.", NULL, MTS_MX_PATTERN_ERROR_IP_ADDRESS },
  { "[192.0.2.25]", NULL, MTS_MX_PATTERN_ERROR_IP_ADDRESS },
  { "2001:db8::25", NULL, MTS_MX_PATTERN_ERROR_IP_ADDRESS },
  { "mail_1.example.com", NULL, MTS_MX_PATTERN_ERROR_UNDERSCORE },
  { "_mta-sts.example.com", NULL, MTS_MX_PATTERN_ERROR_UNDERSCORE },
  { "mail.example.com mx2.example.com", NULL, MTS_MX_PATTERN_ERROR_SEVERAL },
  { "mail.example.com,mx2.example.com", NULL, MTS_MX_PATTERN_ERROR_SEVERAL },
  { "mail.example.com:25", NULL, MTS_MX_PATTERN_ERROR_BAD_CHARACTER },
  { "https://mail.example.com", NULL, MTS_MX_PATTERN_ERROR_BAD_CHARACTER },
  { "mail..example.com", NULL, MTS_MX_PATTERN_ERROR_EMPTY_LABEL },
  { "mail.example.com..", NULL, MTS_MX_PATTERN_ERROR_EMPTY_LABEL },
  { ".example.com", NULL, MTS_MX_PATTERN_ERROR_EMPTY_LABEL },
  { "-mail.example.com", NULL, MTS_MX_PATTERN_ERROR_HYPHEN },
  { "mail.example.123", NULL, MTS_MX_PATTERN_ERROR_NUMERIC_TLD },
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com", NULL,
    MTS_MX_PATTERN_ERROR_TOO_LONG },
};

static void
test_normalize (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (normalize_vectors); i++)
    {
      const NormalizeVector *v = &normalize_vectors[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *pattern = NULL;
      gboolean ok;

      g_test_message ("normalize “%s”", v->input);
      ok = mts_mx_pattern_normalize (v->input, &pattern, &error);
      if (v->pattern != NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (pattern, ==, v->pattern);
          /* What the normaliser gives, a policy may hold. */
          g_assert_true (mts_mx_pattern_validate (pattern, NULL));
        }
      else
        {
          g_assert_error (error, MTS_MX_PATTERN_ERROR, v->code);
          g_assert_false (ok);
          g_assert_null (pattern);
          /* A message to show, that quotes nothing unreadable. */
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          g_assert_cmpuint (strlen (error->message), >, 20);
        }
    }
}

typedef struct
{
  const char *pattern;
  int code;  /* -1: valid */
} ValidateVector;

/* As strict as a sender reading a policy file: ["*."] Domain, in ASCII. */
static const ValidateVector validate_vectors[] = {
  { "mail.example.com", -1 },
  { "Mail.Example.COM", -1 },
  { "*.example.net", -1 },
  { "xn--bcher-kva.example", -1 },
  { "mail.example.com.", MTS_MX_PATTERN_ERROR_TRAILING_DOT },
  { "*.example.net.", MTS_MX_PATTERN_ERROR_TRAILING_DOT },
  { "mx.bücher.example", MTS_MX_PATTERN_ERROR_NON_ASCII },
  { "*.com", MTS_MX_PATTERN_ERROR_WILDCARD_TOO_BROAD },
  { "localhost", MTS_MX_PATTERN_ERROR_SINGLE_LABEL },
  { "mail .example.com", MTS_MX_PATTERN_ERROR_SEVERAL },
  { "mail.example.com;", MTS_MX_PATTERN_ERROR_BAD_CHARACTER },
  { "", MTS_MX_PATTERN_ERROR_EMPTY },
};

static void
test_validate (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (validate_vectors); i++)
    {
      const ValidateVector *v = &validate_vectors[i];
      g_autoptr(GError) error = NULL;

      g_test_message ("validate “%s”", v->pattern);
      if (v->code < 0)
        {
          g_assert_true (mts_mx_pattern_validate (v->pattern, &error));
          g_assert_no_error (error);
        }
      else
        {
          g_assert_false (mts_mx_pattern_validate (v->pattern, &error));
          g_assert_error (error, MTS_MX_PATTERN_ERROR, v->code);
        }
    }
}

static void
test_messages (void)
{
  g_autoptr(GError) error = NULL;

  /* The messages say what to write instead. */
  g_assert_false (mts_mx_pattern_validate ("mail.example.com.", &error));
  g_assert_nonnull (strstr (error->message, "“mail.example.com”"));
  g_clear_error (&error);

  g_assert_false (mts_mx_pattern_validate ("mx.bücher.example", &error));
  g_assert_nonnull (strstr (error->message, "“mx.xn--bcher-kva.example”"));
  g_clear_error (&error);

  g_assert_false (mts_mx_pattern_normalize ("*.com", NULL, &error));
  g_assert_nonnull (strstr (error->message, "*.example.com"));
}

static void
test_list_covers (void)
{
  const char *const patterns[] = { "mail.example.com", "*.example.net", NULL };
  const char *const none[] = { NULL };

  g_assert_true (mts_mx_pattern_list_covers (patterns, "mail.example.com."));
  g_assert_true (mts_mx_pattern_list_covers (patterns, "mx7.example.net"));
  g_assert_false (mts_mx_pattern_list_covers (patterns, "example.net"));
  g_assert_false (mts_mx_pattern_list_covers (patterns, "backup.example.com"));
  g_assert_false (mts_mx_pattern_list_covers (none, "mail.example.com"));
  g_assert_false (mts_mx_pattern_list_covers (NULL, "mail.example.com"));
}

static void
assert_only (GPtrArray   *diagnostics,
             const char  *code,
             MtsSeverity  severity,
             const char  *needle)
{
  const MtsDiagnostic *d;

  g_assert_cmpuint (diagnostics->len, ==, 1);
  d = g_ptr_array_index (diagnostics, 0);
  g_assert_cmpstr (d->code, ==, code);
  g_assert_cmpint (d->severity, ==, severity);
  g_assert_cmpstr (d->reference, ==, "RFC 8461 §4.1");
  if (needle != NULL)
    g_assert_nonnull (strstr (d->message, needle));
}

static void
test_coverage (void)
{
  const char *const patterns[] = { "mail.example.com", "*.example.net", NULL };
  const char *const covered[] = { "mail.example.com.", "mx1.example.net.", NULL };
  const char *const backup[] = { "mail.example.com.", "backup.example.org.", NULL };
  const char *const deep[] = { "mail.example.com", "a.b.example.net", NULL };
  const char *const other[] = { "mx1.example.net", NULL };
  const char *const null_mx[] = { ".", NULL };

  {
    g_autoptr(GPtrArray) d = mts_diagnostics_new ();

    mts_mx_coverage_check (MTS_POLICY_MODE_ENFORCE, patterns, covered, d);
    g_assert_cmpuint (d->len, ==, 0);
  }
  {
    /* The hardest error of all: in enforce, mail to that MX is refused. */
    g_autoptr(GPtrArray) d = mts_diagnostics_new ();

    mts_mx_coverage_check (MTS_POLICY_MODE_ENFORCE, patterns, backup, d);
    assert_only (d, "mx-not-covered", MTS_SEVERITY_ERROR, "“backup.example.org”");
    g_assert_nonnull (strstr (((MtsDiagnostic *) g_ptr_array_index (d, 0))->message, "refuse"));
    g_assert_nonnull (strstr (((MtsDiagnostic *) g_ptr_array_index (d, 0))->message,
                              "mx: backup.example.org"));
  }
  {
    g_autoptr(GPtrArray) d = mts_diagnostics_new ();

    mts_mx_coverage_check (MTS_POLICY_MODE_TESTING, patterns, backup, d);
    assert_only (d, "mx-not-covered", MTS_SEVERITY_ERROR, "testing");
  }
  {
    g_autoptr(GPtrArray) d = mts_diagnostics_new ();

    mts_mx_coverage_check (MTS_POLICY_MODE_NONE, patterns, backup, d);
    assert_only (d, "mx-not-covered", MTS_SEVERITY_NOTE, "none");
  }
  {
    /* A wildcard covers one label only. */
    g_autoptr(GPtrArray) d = mts_diagnostics_new ();

    mts_mx_coverage_check (MTS_POLICY_MODE_ENFORCE, patterns, deep, d);
    assert_only (d, "mx-not-covered", MTS_SEVERITY_ERROR, "“a.b.example.net”");
  }
  {
    /* An exact pattern no MX uses; an unused wildcard is fine. */
    g_autoptr(GPtrArray) d = mts_diagnostics_new ();

    mts_mx_coverage_check (MTS_POLICY_MODE_ENFORCE, patterns, other, d);
    assert_only (d, "policy-mx-unused", MTS_SEVERITY_WARNING, "“mail.example.com”");
  }
  {
    /* A null MX (RFC 7505) receives no mail: nothing to cover. */
    g_autoptr(GPtrArray) d = mts_diagnostics_new ();

    mts_mx_coverage_check (MTS_POLICY_MODE_ENFORCE, patterns, null_mx, d);
    g_assert_cmpuint (d->len, ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mts/mx-pattern/matches", test_matches);
  g_test_add_func ("/mts/mx-pattern/is-wildcard", test_is_wildcard);
  g_test_add_func ("/mts/mx-pattern/normalize", test_normalize);
  g_test_add_func ("/mts/mx-pattern/validate", test_validate);
  g_test_add_func ("/mts/mx-pattern/messages", test_messages);
  g_test_add_func ("/mts/mx-pattern/list-covers", test_list_covers);
  g_test_add_func ("/mts/mx-pattern/coverage", test_coverage);

  return g_test_run ();
}
