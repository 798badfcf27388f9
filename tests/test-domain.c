/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-domain.c: the domain entry's normaliser, with what people type. */
#include "config.h"

#include "core/mts-domain.h"

typedef struct
{
  const char *input;
  const char *ascii;    /* NULL: must be rejected */
  const char *display;  /* for accepted input */
  int error_code;       /* for rejected input */
} DomainVector;

static const DomainVector vectors[] = {
  /* Accepted, and what they become. */
  { "example.com", "example.com", "example.com", 0 },
  { "Example.COM", "example.com", "example.com", 0 },
  { "EXAMPLE.COM", "example.com", "example.com", 0 },
  { "example.com.", "example.com", "example.com", 0 },
  { " example.com ", "example.com", "example.com", 0 },
  { "\texample.com\n", "example.com", "example.com", 0 },
  { "mail.example.co.uk", "mail.example.co.uk", "mail.example.co.uk", 0 },
  { "bücher.example", "xn--bcher-kva.example", "bücher.example", 0 },
  { "BÜCHER.example", "xn--bcher-kva.example", "bücher.example", 0 },
  { "xn--bcher-kva.example", "xn--bcher-kva.example", "bücher.example", 0 },
  { "münchen.de.", "xn--mnchen-3ya.de", "münchen.de", 0 },
  { "例え.jp", "xn--r8jz45g.jp", "例え.jp", 0 },
  { "a-b.example", "a-b.example", "a-b.example", 0 },
  { "123.example", "123.example", "123.example", 0 },
  { "x.y", "x.y", "x.y", 0 },
  { "example.xn--p1ai", "example.xn--p1ai", "example.рф", 0 },
  /* 63-octet label: the longest allowed. */
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", 0 },

  /* Rejected, each with its reason. */
  { "", NULL, NULL, MTS_DOMAIN_ERROR_EMPTY },
  { "   ", NULL, NULL, MTS_DOMAIN_ERROR_EMPTY },
  { "https://example.com", NULL, NULL, MTS_DOMAIN_ERROR_URL },
  { "http://example.com/", NULL, NULL, MTS_DOMAIN_ERROR_URL },
  { "https://mta-sts.example.com/.well-known/mta-sts.txt", NULL, NULL, MTS_DOMAIN_ERROR_URL },
  { "ftp://example.com", NULL, NULL, MTS_DOMAIN_ERROR_URL },
  { "mailto:postmaster@example.com", NULL, NULL, MTS_DOMAIN_ERROR_URL },
  { "user@example.com", NULL, NULL, MTS_DOMAIN_ERROR_EMAIL },
  { "@example.com", NULL, NULL, MTS_DOMAIN_ERROR_EMAIL },
  { "example", NULL, NULL, MTS_DOMAIN_ERROR_SINGLE_LABEL },
  { "localhost", NULL, NULL, MTS_DOMAIN_ERROR_SINGLE_LABEL },
  { "-bad-.com", NULL, NULL, MTS_DOMAIN_ERROR_HYPHEN },
  { "bad-.com", NULL, NULL, MTS_DOMAIN_ERROR_HYPHEN },
  { "example.-com", NULL, NULL, MTS_DOMAIN_ERROR_HYPHEN },
  { "exa mple.com", NULL, NULL, MTS_DOMAIN_ERROR_BAD_CHARACTER },
  { "example.com/path", NULL, NULL, MTS_DOMAIN_ERROR_BAD_CHARACTER },
  { "example.com:25", NULL, NULL, MTS_DOMAIN_ERROR_BAD_CHARACTER },
  { "_mta-sts.example.com", NULL, NULL, MTS_DOMAIN_ERROR_BAD_CHARACTER },
  { "exam!ple.com", NULL, NULL, MTS_DOMAIN_ERROR_BAD_CHARACTER },
  { "*.example.com", NULL, NULL, MTS_DOMAIN_ERROR_BAD_CHARACTER },
  { "example..com", NULL, NULL, MTS_DOMAIN_ERROR_EMPTY_LABEL },
  { ".example.com", NULL, NULL, MTS_DOMAIN_ERROR_EMPTY_LABEL },
  { "example.com..", NULL, NULL, MTS_DOMAIN_ERROR_EMPTY_LABEL },
  { ".", NULL, NULL, MTS_DOMAIN_ERROR_EMPTY_LABEL },
  { "192.0.2.1", NULL, NULL, MTS_DOMAIN_ERROR_IP_ADDRESS },
  { "2001:db8::1", NULL, NULL, MTS_DOMAIN_ERROR_IP_ADDRESS },
  { "[2001:db8::1]", NULL, NULL, MTS_DOMAIN_ERROR_IP_ADDRESS },
  { "example.123", NULL, NULL, MTS_DOMAIN_ERROR_NUMERIC_TLD },
  /* 64-octet label: one too many. */
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
    NULL, NULL, MTS_DOMAIN_ERROR_LABEL_TOO_LONG },
};

static void
test_vectors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      const DomainVector *v = &vectors[i];
      g_autofree char *ascii = NULL;
      g_autofree char *display = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_test_message ("input: “%s”", v->input);
      ok = mts_domain_normalize (v->input, &ascii, &display, &error);
      if (v->ascii != NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (ascii, ==, v->ascii);
          g_assert_cmpstr (display, ==, v->display);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, MTS_DOMAIN_ERROR, v->error_code);
          g_assert_nonnull (error->message);
          g_assert_cmpstr (error->message, !=, "");
          g_assert_null (ascii);
          g_assert_null (display);
        }
    }
}

static char *
repeat_label (const char *label,
              guint       times)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append_printf (s, "%s.", label);
  g_string_append (s, "example");
  return g_string_free (s, FALSE);
}

static void
test_name_length (void)
{
  /* 62 labels of 3 octets + "." each = 248, plus "example" = 255 > 253. */
  g_autofree char *too_long = repeat_label ("abc", 62);
  /* 61 * 4 + 7 = 251: fine. */
  g_autofree char *long_ok = repeat_label ("abc", 61);
  g_autofree char *ascii = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (strlen (too_long), ==, 255);
  g_assert_false (mts_domain_normalize (too_long, NULL, NULL, &error));
  g_assert_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_NAME_TOO_LONG);
  g_clear_error (&error);

  g_assert_true (mts_domain_normalize (long_ok, &ascii, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ascii, ==, long_ok);
}

static void
test_messages_say_what_to_type (void)
{
  struct { const char *input; const char *hint; } cases[] = {
    { "https://example.com", "example.com" },
    { "user@example.com", "after the" },
    { "example", "example.com" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (mts_domain_normalize (cases[i].input, NULL, NULL, &error));
      g_assert_nonnull (strstr (error->message, cases[i].hint));
    }
}

static void
test_invalid_utf8 (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (mts_domain_normalize ("exa\xff" "mple.com", NULL, NULL, &error));
  g_assert_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_BAD_CHARACTER);
}

static void
test_hostname_check (void)
{
  g_assert_true (mts_hostname_check_ascii ("mx1.example.com", NULL));
  g_assert_false (mts_hostname_check_ascii ("MX1..example.com", NULL));
  g_assert_false (mts_hostname_check_ascii ("", NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mts/domain/vectors", test_vectors);
  g_test_add_func ("/mts/domain/name-length", test_name_length);
  g_test_add_func ("/mts/domain/messages", test_messages_say_what_to_type);
  g_test_add_func ("/mts/domain/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/mts/domain/hostname-check", test_hostname_check);

  return g_test_run ();
}
