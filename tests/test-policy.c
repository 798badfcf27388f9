/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-policy.c: the policy file parser, checker and writer (RFC 8461 §3.2). */
#include "config.h"

#include <string.h>

#include "core/mts-diagnostic.h"
#include "core/mts-policy.h"

#define E MTS_SEVERITY_ERROR
#define W MTS_SEVERITY_WARNING
#define N MTS_SEVERITY_NOTE

typedef struct
{
  const char *code;
  MtsSeverity severity;
  guint line;
} Expect;

typedef struct
{
  const char *name;
  const char *text;
  /* The best reading: NULL mode or max_age -1 when absent; mx joined by ",". */
  const char *mode;
  gint64 max_age;
  const char *mx;
  /* Exactly these diagnostics, in this order. */
  Expect expect[5];
} PolicyVector;

#define RFC_EXAMPLE_LF \
  "version: STSv1\n" \
  "mode: enforce\n" \
  "mx: mail.example.com\n" \
  "mx: *.example.net\n" \
  "mx: backupmx.example.com\n" \
  "max_age: 604800\n"

#define RFC_EXAMPLE_MX "mail.example.com,*.example.net,backupmx.example.com"

static const PolicyVector vectors[] = {
  /* RFC 8461 §3.2's own example, as printed (LF) and in CRLF. */
  { "rfc-example-lf", RFC_EXAMPLE_LF, "enforce", 604800, RFC_EXAMPLE_MX,
    { { "policy-lf-line-ends", N, 0 } } },
  { "rfc-example-crlf",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
    "mx: backupmx.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, RFC_EXAMPLE_MX, { { NULL } } },
  /* The final line end is optional. */
  { "no-final-newline",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800",
    "enforce", 604800, "mail.example.com", { { NULL } } },
  { "no-final-newline-lf",
    "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800",
    "enforce", 604800, "mail.example.com", { { "policy-lf-line-ends", N, 0 } } },
  { "mixed-line-ends",
    "version: STSv1\r\nmode: enforce\nmx: mail.example.com\r\nmax_age: 604800\n",
    "enforce", 604800, "mail.example.com", { { "policy-mixed-line-ends", N, 0 } } },
  /* Field order is free (the ABNF is an alternation). */
  { "any-order",
    "mx: mail.example.com\r\nmax_age: 604800\r\nmode: enforce\r\nversion: STSv1\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-version-not-first", N, 4 } } },
  { "mx-before-version",
    "mode: testing\r\nversion: STSv1\r\nmx: mail.example.com\r\nmax_age: 1209600\r\n",
    "testing", 1209600, "mail.example.com", { { "policy-version-not-first", N, 2 } } },
  /* *WSP after ":" and at the end of a line. */
  { "whitespace",
    "version:STSv1\r\nmode:\t enforce  \r\nmx:   mail.example.com\t\r\nmax_age: 604800 \r\n",
    "enforce", 604800, "mail.example.com", { { NULL } } },
  { "mode-none-without-mx",
    "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n",
    "none", 86400, "", { { NULL } } },
  { "mode-none-with-mx",
    "version: STSv1\r\nmode: none\r\nmx: mail.example.com\r\nmax_age: 86400\r\n",
    "none", 86400, "mail.example.com", { { NULL } } },
  { "mode-none-max-age-0",
    "version: STSv1\r\nmode: none\r\nmax_age: 0\r\n",
    "none", 0, "", { { NULL } } },
  { "testing-two-weeks",
    "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 1209600\r\n",
    "testing", 1209600, "mail.example.com", { { NULL } } },
  { "max-age-rfc-maximum",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 31557600\r\n",
    "enforce", 31557600, "mail.example.com", { { NULL } } },
  { "max-age-ten-digits",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 0000604800\r\n",
    "enforce", 604800, "mail.example.com", { { NULL } } },
  /* Unknown keys are kept and ignored (end of §3.2). */
  { "extension",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n"
    "comment: managed by ops, see wiki\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-extension", N, 5 } } },
  { "extension-utf8",
    "version: STSv1\r\nx-owner: Jürgen Müller\r\nmode: enforce\r\nmx: mail.example.com\r\n"
    "max_age: 604800\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-extension", N, 2 } } },
  /* Duplicates: the first wins; only mx repeats. */
  { "duplicate-mode",
    "version: STSv1\r\nmode: testing\r\nmode: enforce\r\nmx: mail.example.com\r\n"
    "max_age: 604800\r\n",
    "testing", 604800, "mail.example.com", { { "policy-duplicate-key", W, 3 } } },
  { "duplicate-max-age",
    "version: STSv1\r\nmode: enforce\r\nmax_age: 86400\r\nmx: mail.example.com\r\n"
    "max_age: 31557600\r\n",
    "enforce", 86400, "mail.example.com", { { "policy-duplicate-key", W, 5 } } },
  { "duplicate-version",
    "version: STSv1\r\nversion: STSv2\r\nmode: enforce\r\nmx: mail.example.com\r\n"
    "max_age: 604800\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-duplicate-key", W, 2 } } },
  { "duplicate-mx",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: MAIL.example.com\r\n"
    "max_age: 604800\r\n",
    "enforce", 604800, "mail.example.com,MAIL.example.com", { { "policy-mx-duplicate", N, 4 } } },
  /* Domain names are case-insensitive in the ABNF. */
  { "mx-upper-case",
    "version: STSv1\r\nmode: enforce\r\nmx: MAIL.Example.COM\r\nmax_age: 604800\r\n",
    "enforce", 604800, "MAIL.Example.COM", { { NULL } } },
  { "mx-a-label",
    "version: STSv1\r\nmode: enforce\r\nmx: mx.xn--bcher-kva.example\r\nmax_age: 604800\r\n",
    "enforce", 604800, "mx.xn--bcher-kva.example", { { NULL } } },

  /* Keys and values are case-sensitive (%s in the ABNF). */
  { "key-case-mode",
    "version: STSv1\r\nMode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    NULL, 604800, "mail.example.com", { { "policy-key-case", E, 2 } } },
  { "key-case-mx",
    "version: STSv1\r\nmode: enforce\r\nMX: mail.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-key-case", E, 3 } } },
  { "key-case-version",
    "Version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-key-case", E, 1 } } },
  { "key-case-max-age",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nMAX_AGE: 604800\r\n",
    "enforce", -1, "mail.example.com", { { "policy-key-case", E, 4 } } },
  { "mode-case",
    "version: STSv1\r\nmode: Enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    NULL, 604800, "mail.example.com", { { "policy-mode-invalid", E, 2 } } },
  { "mode-unknown",
    "version: STSv1\r\nmode: strict\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    NULL, 604800, "mail.example.com", { { "policy-mode-invalid", E, 2 } } },
  { "mode-empty",
    "version: STSv1\r\nmode:\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    NULL, 604800, "mail.example.com", { { "policy-mode-invalid", E, 2 } } },
  { "version-case",
    "version: stsv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-version-invalid", E, 1 } } },
  { "version-2",
    "version: STSv2\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-version-invalid", E, 1 } } },
  /* Required fields. */
  { "empty-file", "", NULL, -1, "",
    { { "policy-version-missing", E, 0 }, { "policy-mode-missing", E, 0 },
      { "policy-max-age-missing", E, 0 } } },
  { "version-missing",
    "mode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-version-missing", E, 0 } } },
  { "mode-missing",
    "version: STSv1\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    NULL, 604800, "mail.example.com", { { "policy-mode-missing", E, 0 } } },
  { "max-age-missing",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n",
    "enforce", -1, "mail.example.com", { { "policy-max-age-missing", E, 0 } } },
  { "mx-missing-testing",
    "version: STSv1\r\nmode: testing\r\nmax_age: 604800\r\n",
    "testing", 604800, "", { { "policy-mx-missing", E, 0 } } },
  { "mx-missing-enforce",
    "version: STSv1\r\nmode: enforce\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-mx-missing", E, 0 } } },
  /* rfc-notes.md: a typo like "nmx:" leaves a policy with no mx lines. */
  { "nmx-typo",
    "version: STSv1\r\nmode: enforce\r\nnmx: mail.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-key-typo", W, 3 }, { "policy-mx-missing", E, 0 } } },
  { "max-age-hyphen",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax-age: 604800\r\n",
    "enforce", -1, "mail.example.com",
    { { "policy-key-typo", W, 4 }, { "policy-max-age-missing", E, 0 } } },
  /* max_age = 1*10(DIGIT), at most 31557600. */
  { "max-age-too-large",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 31557601\r\n",
    "enforce", -1, "mail.example.com", { { "policy-max-age-too-large", E, 4 } } },
  { "max-age-eleven-digits",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 12345678901\r\n",
    "enforce", -1, "mail.example.com", { { "policy-max-age-too-large", E, 4 } } },
  { "max-age-leading-zeros",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 00000000604800\r\n",
    "enforce", -1, "mail.example.com", { { "policy-max-age-invalid", E, 4 } } },
  { "max-age-unit",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 1w\r\n",
    "enforce", -1, "mail.example.com", { { "policy-max-age-invalid", E, 4 } } },
  { "max-age-seconds-suffix",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800s\r\n",
    "enforce", -1, "mail.example.com", { { "policy-max-age-invalid", E, 4 } } },
  { "max-age-negative",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: -1\r\n",
    "enforce", -1, "mail.example.com", { { "policy-max-age-invalid", E, 4 } } },
  { "max-age-empty",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age:\r\n",
    "enforce", -1, "mail.example.com", { { "policy-max-age-invalid", E, 4 } } },
  /* max_age advice by mode (warnings, not errors). */
  { "testing-one-day",
    "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 86400\r\n",
    "testing", 86400, "mail.example.com", { { "policy-max-age-too-short", W, 0 } } },
  { "testing-one-year",
    "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 31557600\r\n",
    "testing", 31557600, "mail.example.com", { { "policy-max-age-too-long", W, 0 } } },
  { "enforce-one-hour",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 3600\r\n",
    "enforce", 3600, "mail.example.com", { { "policy-max-age-too-short", W, 0 } } },
  /* mx = ["*."] Domain: A-labels, no trailing dot, star only in front. */
  { "mx-trailing-dot",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com.\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-mx-trailing-dot", E, 3 } } },
  { "mx-ulabel",
    "version: STSv1\r\nmode: enforce\r\nmx: mx.bücher.example\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-mx-ulabel", E, 3 } } },
  { "mx-double-wildcard",
    "version: STSv1\r\nmode: enforce\r\nmx: *.*.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-mx-wildcard", E, 3 } } },
  { "mx-inner-wildcard",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.*.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-mx-wildcard", E, 3 } } },
  { "mx-partial-wildcard",
    "version: STSv1\r\nmode: enforce\r\nmx: mx*.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-mx-wildcard", E, 3 } } },
  { "mx-lone-star",
    "version: STSv1\r\nmode: enforce\r\nmx: *\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-mx-wildcard", E, 3 } } },
  { "mx-ip-address",
    "version: STSv1\r\nmode: enforce\r\nmx: 192.0.2.25\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-mx-ip-address", E, 3 } } },
  { "mx-underscore",
    "version: STSv1\r\nmode: enforce\r\nmx: mail_1.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-mx-underscore", E, 3 } } },
  { "mx-several-on-one-line",
    "version: STSv1\r\nmode: enforce\r\nmx: a.example.com, b.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-mx-several", E, 3 } } },
  { "mx-empty",
    "version: STSv1\r\nmode: enforce\r\nmx:\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-mx-empty", E, 3 } } },
  { "mx-double-dot",
    "version: STSv1\r\nmode: enforce\r\nmx: mail..example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "", { { "policy-mx-invalid", E, 3 } } },
  { "mx-tld-wildcard",
    "version: STSv1\r\nmode: enforce\r\nmx: *.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "*.com", { { "policy-mx-wildcard-too-broad", W, 3 } } },
  { "mx-single-label",
    "version: STSv1\r\nmode: enforce\r\nmx: localhost\r\nmax_age: 604800\r\n",
    "enforce", 604800, "localhost", { { "policy-mx-single-label", W, 3 } } },
  { "mx-one-good-one-bad",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com.\r\nmx: mail.example.com\r\n"
    "max_age: 604800\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-mx-trailing-dot", E, 3 } } },
  /* What the grammar has no room for. */
  { "blank-line",
    "version: STSv1\r\nmode: enforce\r\n\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-blank-line", E, 3 } } },
  { "trailing-blank-line",
    "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n\n",
    "enforce", 604800, "mail.example.com",
    { { "policy-blank-line", E, 5 }, { "policy-lf-line-ends", N, 0 } } },
  { "leading-whitespace",
    "version: STSv1\r\n  mode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-leading-whitespace", E, 2 } } },
  { "no-colon",
    "version: STSv1\r\nmode enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    NULL, 604800, "mail.example.com",
    { { "policy-line-no-colon", E, 2 }, { "policy-mode-missing", E, 0 } } },
  { "space-before-colon",
    "version: STSv1\r\nmode : enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-space-before-colon", E, 2 } } },
  { "key-invalid",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n_x: y\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-key-invalid", E, 5 } } },
  { "key-empty",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n: y\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-key-invalid", E, 5 } } },
  { "extension-empty",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\ncomment:\r\n",
    "enforce", 604800, "mail.example.com",
    { { "policy-extension", N, 5 }, { "policy-extension-empty", E, 5 } } },
  { "bare-cr",
    "version: STSv1\rmode: enforce\rmx: mail.example.com\rmax_age: 604800\r",
    "enforce", 604800, "mail.example.com", { { "policy-bare-cr", E, 1 } } },
  { "bom",
    "\xEF\xBB\xBFversion: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-bom", E, 1 } } },
  /* Found by fuzz-policy: a file of a byte order mark alone. */
  { "bom-only", "\xEF\xBB\xBF", NULL, -1, "",
    { { "policy-bom", E, 1 }, { "policy-version-missing", E, 0 }, { "policy-mode-missing", E, 0 },
      { "policy-max-age-missing", E, 0 } } },
  { "bom-spaces", "\xEF\xBB\xBF  \r\n", NULL, -1, "",
    { { "policy-bom", E, 1 }, { "policy-version-missing", E, 0 }, { "policy-mode-missing", E, 0 },
      { "policy-max-age-missing", E, 0 } } },
  { "invalid-utf8",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\nx: \xC3\x28\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-invalid-utf8", E, 5 } } },
  { "control-character",
    "version: STSv1\r\nmode: enforce\x0b\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
    NULL, 604800, "mail.example.com",
    { { "policy-control-character", E, 2 }, { "policy-mode-missing", E, 0 } } },
  /* The TXT record's style, or the TXT record itself, in the policy file. */
  { "one-line",
    "version: STSv1\r\nmode: enforce; mx: mail.example.com; max_age: 604800\r\n",
    NULL, -1, "", { { "policy-one-line", E, 2 } } },
  { "txt-record",
    "v=STSv1; id=20240101T000000\r\n",
    NULL, -1, "",
    { { "policy-txt-record", E, 1 }, { "policy-version-missing", E, 0 },
      { "policy-mode-missing", E, 0 }, { "policy-max-age-missing", E, 0 } } },
  { "semicolon-in-extension",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n"
    "x-note: a; b\r\n",
    "enforce", 604800, "mail.example.com", { { "policy-extension", N, 5 } } },
  /* A web server that sends its error page instead of the policy. */
  { "html-page",
    "<html>\n<head><title>404 Not Found</title></head>\n</html>\n",
    NULL, -1, "",
    { { "policy-html", E, 1 }, { "policy-lf-line-ends", N, 0 },
      { "policy-version-missing", E, 0 }, { "policy-mode-missing", E, 0 },
      { "policy-max-age-missing", E, 0 } } },
  { "html-doctype",
    "<!DOCTYPE html>\r\n<html lang=\"en\"><body style=\"color: red\">Not found</body></html>\r\n",
    NULL, -1, "",
    { { "policy-html", E, 1 }, { "policy-version-missing", E, 0 },
      { "policy-mode-missing", E, 0 }, { "policy-max-age-missing", E, 0 } } },
};

static void
check_vector (const PolicyVector *v,
              gssize              length)
{
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsPolicy) policy = NULL;
  g_autofree char *mx = NULL;
  gsize n_expected = 0;
  gboolean has_errors = FALSE;

  g_test_message ("vector %s", v->name);
  policy = mts_policy_parse (v->text, length, diagnostics);
  g_assert_nonnull (policy);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (diagnostics, i);

      g_test_message ("  %u %s %s: %s", d->line, mts_severity_to_string (d->severity),
                      d->code, d->message);
    }

  while (n_expected < G_N_ELEMENTS (v->expect) && v->expect[n_expected].code != NULL)
    n_expected++;
  g_assert_cmpuint (diagnostics->len, ==, n_expected);

  for (gsize i = 0; i < n_expected; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (diagnostics, i);

      g_assert_cmpstr (d->code, ==, v->expect[i].code);
      g_assert_cmpint (d->severity, ==, v->expect[i].severity);
      g_assert_cmpuint (d->line, ==, v->expect[i].line);
      g_assert_nonnull (d->reference);
      g_assert_true (g_str_has_prefix (d->reference, "RFC 8461 §"));
      g_assert_cmpuint (strlen (d->message), >, 30);
      if (d->severity == MTS_SEVERITY_ERROR)
        has_errors = TRUE;
    }
  g_assert_cmpint (mts_diagnostics_has_errors (diagnostics), ==, has_errors);

  if (v->mode != NULL)
    {
      g_assert_true (policy->has_mode);
      g_assert_cmpstr (mts_policy_mode_to_string (policy->mode), ==, v->mode);
    }
  else
    g_assert_false (policy->has_mode);

  if (v->max_age >= 0)
    {
      g_assert_true (policy->has_max_age);
      g_assert_cmpuint (policy->max_age, ==, v->max_age);
    }
  else
    g_assert_false (policy->has_max_age);

  g_ptr_array_add (policy->mx, NULL);
  mx = g_strjoinv (",", (char **) policy->mx->pdata);
  g_ptr_array_remove_index (policy->mx, policy->mx->len - 1);
  g_assert_cmpstr (mx, ==, v->mx);

  /* Whatever parses without error survives a round trip. */
  if (!has_errors)
    {
      g_autoptr(GPtrArray) again_diagnostics = mts_diagnostics_new ();
      g_autofree char *text = mts_policy_serialize (policy);
      g_autoptr(MtsPolicy) again = mts_policy_parse (text, -1, again_diagnostics);

      g_assert_true (mts_policy_equal (policy, again));
      g_assert_false (mts_diagnostics_has_errors (again_diagnostics));
    }
}

static void
test_vectors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    check_vector (&vectors[i], -1);
}

static void
test_nul_byte (void)
{
  static const char text[] = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
                             "max_age: 604800\r\nx: a\0b\r\n";
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsPolicy) policy = mts_policy_parse (text, sizeof text - 1, diagnostics);
  const MtsDiagnostic *d;

  g_assert_cmpuint (diagnostics->len, ==, 1);
  d = g_ptr_array_index (diagnostics, 0);
  g_assert_cmpstr (d->code, ==, "policy-nul-byte");
  g_assert_cmpint (d->severity, ==, MTS_SEVERITY_ERROR);
  g_assert_cmpuint (d->line, ==, 5);
  g_assert_cmpuint (policy->max_age, ==, 604800);
}

static void
test_too_large (void)
{
  g_autoptr(GString) text = g_string_new ("version: STSv1\r\nmode: enforce\r\n");
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsPolicy) policy = NULL;
  const MtsDiagnostic *d;
  guint n = 0;

  while (text->len <= MTS_POLICY_MAX_SIZE)
    g_string_append_printf (text, "mx: mx%u.example.com\r\n", n++);
  g_string_append (text, "max_age: 604800\r\n");

  policy = mts_policy_parse (text->str, (gssize) text->len, diagnostics);
  d = mts_diagnostics_find (diagnostics, "policy-too-large");
  g_assert_nonnull (d);
  g_assert_cmpint (d->severity, ==, MTS_SEVERITY_ERROR);
  g_assert_cmpstr (d->reference, ==, "RFC 8461 §3.3");
  g_assert_cmpuint (diagnostics->len, ==, 1);
  g_assert_cmpuint (policy->mx->len, ==, n);

  /* Exactly 64 KiB is fine. */
  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  g_clear_pointer (&policy, mts_policy_free);
  diagnostics = mts_diagnostics_new ();
  g_string_truncate (text, 0);
  g_string_append (text, "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n"
                         "x: ");
  while (text->len < MTS_POLICY_MAX_SIZE - 2)
    g_string_append_c (text, 'a');
  g_string_append (text, "\r\n");
  g_assert_cmpuint (text->len, ==, MTS_POLICY_MAX_SIZE);
  policy = mts_policy_parse (text->str, (gssize) text->len, diagnostics);
  g_assert_false (mts_diagnostics_has_errors (diagnostics));
}

/* Messages say what to change, in words a non-expert follows. */
static void
test_messages (void)
{
  static const struct
  {
    const char *text;
    const char *code;
    const char *needle;
  } cases[] = {
    { "version: STSv1\r\nMode: enforce\r\nmx: a.example.com\r\nmax_age: 604800\r\n",
      "policy-key-case", "lower case: “mode:”" },
    { "version: STSv1\r\nmode: Enforce\r\nmx: a.example.com\r\nmax_age: 604800\r\n",
      "policy-mode-invalid", "lower case: “mode: enforce”" },
    { "version: STSv1\r\nmode: enforce\r\nnmx: a.example.com\r\nmax_age: 604800\r\n",
      "policy-key-typo", "Did you mean “mx”?" },
    { "version: STSv1\r\nmode: enforce\r\nnmx: a.example.com\r\nmax_age: 604800\r\n",
      "policy-mx-missing", "line 3 looks like a misspelt one" },
    { "version: STSv1\r\nmode: testing\r\nmx: a.example.com\r\nmax_age: 86400\r\n",
      "policy-max-age-too-short", "1 to 2 weeks (604800 to 1209600 seconds)" },
    { "version: STSv1\r\nmode: enforce\r\nmx: a.example.com\r\nmax_age: 3600\r\n",
      "policy-max-age-too-short", "1 day to 1 year (86400 to 31557600 seconds)" },
    { "version: STSv1\r\nmode: enforce\r\nmx: a.example.com.\r\nmax_age: 604800\r\n",
      "policy-mx-trailing-dot", "Write “a.example.com”" },
    { "version: STSv1\r\nmode: enforce\r\nmx: mx.bücher.example\r\nmax_age: 604800\r\n",
      "policy-mx-ulabel", "write “mx.xn--bcher-kva.example”" },
    { "version: STSv1\r\nmode: testing\r\nmode: enforce\r\nmx: a.example.com\r\nmax_age: 604800\r\n",
      "policy-duplicate-key", "only the first one, on line 2" },
    { "version: STSv1\r\nmode: enforce\r\nmx: a.example.com\r\nmax_age: 1w\r\n",
      "policy-max-age-invalid", "604800" },
    { "version: STSv1\r\nmode: enforce\r\nmx: a.example.com\r\nmax_age: 99999999\r\n",
      "policy-max-age-too-large", "31557600" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
      g_autoptr(MtsPolicy) policy = mts_policy_parse (cases[i].text, -1, diagnostics);
      const MtsDiagnostic *d = mts_diagnostics_find (diagnostics, cases[i].code);

      g_assert_nonnull (d);
      g_test_message ("%s: %s", d->code, d->message);
      g_assert_nonnull (strstr (d->message, cases[i].needle));
    }
}

static void
test_serialize (void)
{
  g_autoptr(MtsPolicy) policy = mts_policy_new ();
  g_autofree char *text = NULL;

  mts_policy_set_mode (policy, MTS_POLICY_MODE_ENFORCE);
  mts_policy_add_mx (policy, "mail.example.com");
  mts_policy_add_mx (policy, "*.example.net");
  mts_policy_add_mx (policy, "backupmx.example.com");
  mts_policy_set_max_age (policy, 604800);

  /* The conservative form: version first, CRLF after every line. */
  text = mts_policy_serialize (policy);
  g_assert_cmpstr (text, ==,
                   "version: STSv1\r\n"
                   "mode: enforce\r\n"
                   "mx: mail.example.com\r\n"
                   "mx: *.example.net\r\n"
                   "mx: backupmx.example.com\r\n"
                   "max_age: 604800\r\n");

  /* Parsing the RFC's example in another order gives the same file. */
  {
    g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
    g_autoptr(MtsPolicy) parsed = mts_policy_parse ("max_age: 604800\nmx: mail.example.com\n"
                                                    "mode: enforce\nmx: *.example.net\n"
                                                    "version: STSv1\nmx: backupmx.example.com\n",
                                                    -1, diagnostics);
    g_autofree char *again = mts_policy_serialize (parsed);

    g_assert_cmpstr (again, ==, text);
  }

  /* Extensions come last, in their order. */
  mts_policy_add_extension (policy, "x-b", "2");
  mts_policy_add_extension (policy, "x-a", "one two");
  g_clear_pointer (&text, g_free);
  text = mts_policy_serialize (policy);
  g_assert_true (g_str_has_suffix (text, "max_age: 604800\r\nx-b: 2\r\nx-a: one two\r\n"));
}

static void
test_copy_equal (void)
{
  g_autoptr(MtsPolicy) a = mts_policy_new ();
  g_autoptr(MtsPolicy) b = NULL;

  mts_policy_set_mode (a, MTS_POLICY_MODE_TESTING);
  mts_policy_set_max_age (a, 1209600);
  mts_policy_add_mx (a, "mx1.example.com");
  mts_policy_add_mx (a, "mx2.example.com");
  mts_policy_add_extension (a, "k", "v");

  b = mts_policy_copy (a);
  g_assert_true (mts_policy_equal (a, b));

  mts_policy_set_max_age (b, 604800);
  g_assert_false (mts_policy_equal (a, b));
  mts_policy_set_max_age (b, 1209600);
  g_assert_true (mts_policy_equal (a, b));

  /* The order of mx lines is part of the file. */
  g_ptr_array_remove_index (b->mx, 0);
  mts_policy_add_mx (b, "mx1.example.com");
  g_assert_false (mts_policy_equal (a, b));

  g_clear_pointer (&b, mts_policy_free);
  b = mts_policy_copy (a);
  b->has_mode = FALSE;
  g_assert_false (mts_policy_equal (a, b));

  g_assert_cmpuint (mts_policy_get_type (), !=, G_TYPE_INVALID);
  g_assert_true (G_TYPE_IS_BOXED (MTS_TYPE_POLICY));
}

static void
test_modes (void)
{
  MtsPolicyMode mode = MTS_POLICY_MODE_NONE;
  guint32 min, max;

  g_assert_true (mts_policy_mode_from_string ("enforce", &mode));
  g_assert_cmpint (mode, ==, MTS_POLICY_MODE_ENFORCE);
  g_assert_true (mts_policy_mode_from_string ("testing", &mode));
  g_assert_cmpint (mode, ==, MTS_POLICY_MODE_TESTING);
  g_assert_true (mts_policy_mode_from_string ("none", &mode));
  g_assert_cmpint (mode, ==, MTS_POLICY_MODE_NONE);
  g_assert_false (mts_policy_mode_from_string ("Enforce", NULL));
  g_assert_false (mts_policy_mode_from_string ("", NULL));
  g_assert_cmpstr (mts_policy_mode_to_string (MTS_POLICY_MODE_TESTING), ==, "testing");

  mts_policy_max_age_advice (MTS_POLICY_MODE_TESTING, &min, &max);
  g_assert_cmpuint (min, ==, 604800);
  g_assert_cmpuint (max, ==, 1209600);
  mts_policy_max_age_advice (MTS_POLICY_MODE_ENFORCE, &min, &max);
  g_assert_cmpuint (min, ==, 86400);
  g_assert_cmpuint (max, ==, 31557600);
  mts_policy_max_age_advice (MTS_POLICY_MODE_NONE, &min, &max);
  g_assert_cmpuint (min, ==, 0);
  g_assert_cmpuint (max, ==, 31557600);
}

static void
test_check_mx (void)
{
  const char *const mx_ok[] = { "mail.example.com.", "mx1.example.net.", NULL };
  const char *const mx_backup[] = { "mail.example.com.", "backup.example.org.", NULL };
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsPolicy) policy = mts_policy_parse (RFC_EXAMPLE_LF, -1, diagnostics);
  const MtsDiagnostic *d;

  g_ptr_array_set_size (diagnostics, 0);
  mts_policy_check_mx (policy, mx_ok, diagnostics);
  /* backupmx.example.com is in the policy but no MX points to it. */
  g_assert_cmpuint (diagnostics->len, ==, 1);
  d = g_ptr_array_index (diagnostics, 0);
  g_assert_cmpstr (d->code, ==, "policy-mx-unused");
  g_assert_cmpint (d->severity, ==, MTS_SEVERITY_WARNING);

  g_ptr_array_set_size (diagnostics, 0);
  mts_policy_check_mx (policy, mx_backup, diagnostics);
  d = mts_diagnostics_find (diagnostics, "mx-not-covered");
  g_assert_nonnull (d);
  g_assert_cmpint (d->severity, ==, MTS_SEVERITY_ERROR);
  g_assert_nonnull (strstr (d->message, "backup.example.org"));
}

/* A random valid policy, built the way the wizard builds one. */
static MtsPolicy *
random_policy (void)
{
  static const char *const words[] = {
    "mail", "mx", "mx1", "backup", "smtp", "in", "xn--bcher-kva", "a-b", "example", "test",
    "net", "org", "com", "0", "q9",
  };
  MtsPolicy *policy = mts_policy_new ();
  MtsPolicyMode mode = (MtsPolicyMode) g_test_rand_int_range (0, 3);
  guint n_mx = (guint) g_test_rand_int_range (mode == MTS_POLICY_MODE_NONE ? 0 : 1, 12);
  guint n_ext = (guint) g_test_rand_int_range (0, 3);

  mts_policy_set_mode (policy, mode);
  mts_policy_set_max_age (policy, (guint32) g_test_rand_int_range (0, MTS_POLICY_MAX_AGE_MAX + 1));
  for (guint i = 0; i < n_mx; i++)
    {
      GString *mx = g_string_new (g_test_rand_bit () ? "*." : "");
      guint n_labels = (guint) g_test_rand_int_range (2, 5);

      for (guint j = 0; j < n_labels; j++)
        g_string_append_printf (mx, "%s%s", j > 0 ? "." : "",
                                words[g_test_rand_int_range (0, G_N_ELEMENTS (words))]);
      /* A top-level label is never all digits. */
      g_string_append (mx, ".example");
      mts_policy_add_mx (policy, mx->str);
      g_string_free (mx, TRUE);
    }
  for (guint i = 0; i < n_ext; i++)
    {
      g_autofree char *key = g_strdup_printf ("x-ext%u.%s", i,
                                              words[g_test_rand_int_range (0, G_N_ELEMENTS (words))]);
      g_autofree char *value = g_strdup_printf ("v %d é ;:=", g_test_rand_int ());

      mts_policy_add_extension (policy, key, value);
    }
  return policy;
}

static void
test_round_trip_random (void)
{
  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr(MtsPolicy) policy = random_policy ();
      g_autofree char *text = mts_policy_serialize (policy);
      g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
      g_autoptr(MtsPolicy) parsed = mts_policy_parse (text, -1, diagnostics);

      if (mts_diagnostics_has_errors (diagnostics))
        g_test_message ("%s", text);
      g_assert_false (mts_diagnostics_has_errors (diagnostics));
      g_assert_true (mts_policy_equal (policy, parsed));
      g_assert_true (g_str_has_prefix (text, "version: STSv1\r\nmode: "));
      g_assert_true (g_str_has_suffix (text, "\r\n"));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mts/policy/vectors", test_vectors);
  g_test_add_func ("/mts/policy/nul-byte", test_nul_byte);
  g_test_add_func ("/mts/policy/too-large", test_too_large);
  g_test_add_func ("/mts/policy/messages", test_messages);
  g_test_add_func ("/mts/policy/serialize", test_serialize);
  g_test_add_func ("/mts/policy/copy-equal", test_copy_equal);
  g_test_add_func ("/mts/policy/modes", test_modes);
  g_test_add_func ("/mts/policy/check-mx", test_check_mx);
  g_test_add_func ("/mts/policy/round-trip-random", test_round_trip_random);

  return g_test_run ();
}
