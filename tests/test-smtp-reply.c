/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-smtp-reply.c: the bounded SMTP reply reader, with what real and broken servers send. */
#include "config.h"

#include <string.h>

#include "net/mts-smtp-reply.h"

static MtsSmtpReplyReader *
reader_with (const char *input,
             GError    **error)
{
  MtsSmtpReplyReader *reader = mts_smtp_reply_reader_new (NULL);

  mts_smtp_reply_reader_feed (reader, (const guint8 *) input, strlen (input), error);
  return reader;
}

static void
test_single_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsSmtpReplyReader) reader = reader_with ("220 mx.example.test ESMTP Postfix\r\n", &error);
  g_autoptr(MtsSmtpReply) reply = NULL;

  g_assert_no_error (error);
  reply = mts_smtp_reply_reader_pop (reader);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->code, ==, 220);
  g_assert_cmpuint (reply->n_lines, ==, 1);
  g_assert_cmpstr (reply->lines[0], ==, "mx.example.test ESMTP Postfix");
  g_assert_null (reply->lines[1]);
  g_assert_false (mts_smtp_reply_is_multiline (reply));
  g_assert_cmpuint (reply->size, ==, 35);
  g_assert_null (mts_smtp_reply_reader_pop (reader));
  g_assert_cmpuint (mts_smtp_reply_reader_get_pending (reader), ==, 0);
  g_assert_true (mts_smtp_reply_reader_finish (reader, &error));
  g_assert_no_error (error);
}

/* postscreen: "220-" first, the rest seconds later; byte by byte here. */
static void
test_multiline_greeting_in_pieces (void)
{
  const char *input = "220-mx.example.test ESMTP\r\n220-please wait\r\n220 mx.example.test ESMTP\r\n";
  g_autoptr(MtsSmtpReplyReader) reader = mts_smtp_reply_reader_new (NULL);
  g_autoptr(MtsSmtpReply) reply = NULL;
  g_autofree char *text = NULL;
  gsize len = strlen (input);

  for (gsize i = 0; i < len; i++)
    {
      g_assert_true (mts_smtp_reply_reader_feed (reader, (const guint8 *) input + i, 1, NULL));
      if (i < len - 1)
        g_assert_null (mts_smtp_reply_reader_pop (reader));
    }
  reply = mts_smtp_reply_reader_pop (reader);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->code, ==, 220);
  g_assert_cmpuint (reply->n_lines, ==, 3);
  g_assert_true (mts_smtp_reply_is_multiline (reply));
  text = mts_smtp_reply_get_text (reply);
  g_assert_cmpstr (text, ==, "mx.example.test ESMTP\nplease wait\nmx.example.test ESMTP");
  g_assert_cmpuint (mts_smtp_reply_reader_get_pending (reader), ==, 0);
}

static void
assert_starttls (const char *input,
                 gboolean    expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsSmtpReplyReader) reader = reader_with (input, &error);
  g_autoptr(MtsSmtpReply) reply = NULL;

  g_assert_no_error (error);
  reply = mts_smtp_reply_reader_pop (reader);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->code, ==, 250);
  g_assert_cmpint (mts_smtp_reply_has_keyword (reply, "STARTTLS"), ==, expected);
}

static void
test_starttls_keyword (void)
{
  /* First extension line, a middle one, the last one. */
  assert_starttls ("250-mx.example.test\r\n250-STARTTLS\r\n250-PIPELINING\r\n250 8BITMIME\r\n", TRUE);
  assert_starttls ("250-mx.example.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n", TRUE);
  assert_starttls ("250-mx.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 STARTTLS\r\n", TRUE);
  /* Keywords compare without case (RFC 5321 §2.4). */
  assert_starttls ("250-mx.example.test\r\n250 starttls\r\n", TRUE);
  /* Missing, a longer keyword, and the word in the greeting line only. */
  assert_starttls ("250-mx.example.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n", FALSE);
  assert_starttls ("250-mx.example.test\r\n250 STARTTLSX\r\n", FALSE);
  assert_starttls ("250-mx.example.test says STARTTLS\r\n250 8BITMIME\r\n", FALSE);
  assert_starttls ("250 STARTTLS\r\n", FALSE);
  /* A bare LF ends a line too. */
  assert_starttls ("250-mx.example.test\n250 STARTTLS\n", TRUE);
}

static void
test_code_without_text (void)
{
  g_autoptr(MtsSmtpReplyReader) reader = reader_with ("250\r\n", NULL);
  g_autoptr(MtsSmtpReply) reply = mts_smtp_reply_reader_pop (reader);

  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->code, ==, 250);
  g_assert_cmpstr (reply->lines[0], ==, "");
}

static void
test_invalid_utf8_replaced (void)
{
  g_autoptr(MtsSmtpReplyReader) reader = reader_with ("220 caf\xe9 \xff\r\n", NULL);
  g_autoptr(MtsSmtpReply) reply = mts_smtp_reply_reader_pop (reader);

  g_assert_nonnull (reply);
  g_assert_true (g_utf8_validate (reply->lines[0], -1, NULL));
  g_assert_true (g_str_has_prefix (reply->lines[0], "caf"));
}

static void
test_line_limit (void)
{
  MtsSmtpReplyLimits limits;
  g_autoptr(MtsSmtpReplyReader) reader = NULL;
  g_autoptr(MtsSmtpReplyReader) exact = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) line = g_string_new ("220 ");
  g_autoptr(MtsSmtpReply) reply = NULL;

  mts_smtp_reply_limits_init (&limits);
  g_assert_cmpuint (limits.max_line_length, ==, 2048);

  /* Exactly 2048 bytes before the CRLF: accepted, even when the CR comes
   * in one piece and the LF in the next. */
  while (line->len < 2048)
    g_string_append_c (line, 'x');
  exact = mts_smtp_reply_reader_new (&limits);
  g_assert_true (mts_smtp_reply_reader_feed (exact, (const guint8 *) line->str, line->len, NULL));
  g_assert_true (mts_smtp_reply_reader_feed (exact, (const guint8 *) "\r", 1, NULL));
  g_assert_true (mts_smtp_reply_reader_feed (exact, (const guint8 *) "\n", 1, NULL));
  reply = mts_smtp_reply_reader_pop (exact);
  g_assert_nonnull (reply);
  g_assert_cmpuint (strlen (reply->lines[0]), ==, 2044);

  /* One more byte, with no line end in sight: an endless line is refused
   * as soon as it passes the limit, not when it ends. */
  g_string_append_c (line, 'x');
  reader = mts_smtp_reply_reader_new (&limits);
  g_assert_true (mts_smtp_reply_reader_feed (reader, (const guint8 *) line->str, 2048, NULL));
  g_assert_false (mts_smtp_reply_reader_feed (reader, (const guint8 *) line->str + 2048, 1, &error));
  g_assert_error (error, MTS_SMTP_REPLY_ERROR, MTS_SMTP_REPLY_ERROR_LINE_TOO_LONG);
  g_clear_error (&error);

  /* Sticky: nothing more is read from that stream. */
  g_assert_false (mts_smtp_reply_reader_feed (reader, (const guint8 *) "\r\n", 2, &error));
  g_assert_error (error, MTS_SMTP_REPLY_ERROR, MTS_SMTP_REPLY_ERROR_LINE_TOO_LONG);
  g_assert_null (mts_smtp_reply_reader_pop (reader));
}

static void
test_line_limit_one_feed (void)
{
  MtsSmtpReplyLimits limits = { 16, 0, 0 };
  g_autoptr(MtsSmtpReplyReader) reader = mts_smtp_reply_reader_new (&limits);
  g_autoptr(GError) error = NULL;
  const char *input = "220 0123456789abcdef\r\n";

  /* The zero limits become the defaults. */
  g_assert_false (mts_smtp_reply_reader_feed (reader, (const guint8 *) input, strlen (input), &error));
  g_assert_error (error, MTS_SMTP_REPLY_ERROR, MTS_SMTP_REPLY_ERROR_LINE_TOO_LONG);
}

static void
test_too_many_lines (void)
{
  MtsSmtpReplyLimits limits = { 0, 3, 0 };
  g_autoptr(MtsSmtpReplyReader) reader = mts_smtp_reply_reader_new (&limits);
  g_autoptr(MtsSmtpReplyReader) ok = mts_smtp_reply_reader_new (&limits);
  g_autoptr(GError) error = NULL;
  const char *three = "250-a\r\n250-b\r\n250 c\r\n";
  const char *four = "250-a\r\n250-b\r\n250-c\r\n250 d\r\n";
  g_autoptr(MtsSmtpReply) reply = NULL;

  g_assert_true (mts_smtp_reply_reader_feed (ok, (const guint8 *) three, strlen (three), NULL));
  reply = mts_smtp_reply_reader_pop (ok);
  g_assert_cmpuint (reply->n_lines, ==, 3);

  g_assert_false (mts_smtp_reply_reader_feed (reader, (const guint8 *) four, strlen (four), &error));
  g_assert_error (error, MTS_SMTP_REPLY_ERROR, MTS_SMTP_REPLY_ERROR_TOO_MANY_LINES);
}

/* An endless stream of "250-" lines, each short: bounded by the lines. */
static void
test_endless_continuation (void)
{
  g_autoptr(MtsSmtpReplyReader) reader = mts_smtp_reply_reader_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;
  guint i;

  for (i = 0; i < 1000 && ok; i++)
    ok = mts_smtp_reply_reader_feed (reader, (const guint8 *) "250-more\r\n", 10, &error);
  g_assert_false (ok);
  g_assert_cmpuint (i, ==, 101);
  g_assert_error (error, MTS_SMTP_REPLY_ERROR, MTS_SMTP_REPLY_ERROR_TOO_MANY_LINES);
}

static void
test_too_large (void)
{
  MtsSmtpReplyLimits limits = { 100, 100, 64 };
  g_autoptr(MtsSmtpReplyReader) reader = mts_smtp_reply_reader_new (&limits);
  g_autoptr(GError) error = NULL;
  const char *input =
    "250-0123456789012345678901234567890\r\n"
    "250 0123456789012345678901234567890\r\n";

  g_assert_false (mts_smtp_reply_reader_feed (reader, (const guint8 *) input, strlen (input), &error));
  g_assert_error (error, MTS_SMTP_REPLY_ERROR, MTS_SMTP_REPLY_ERROR_TOO_LARGE);
}

static void
assert_malformed (const char *input)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsSmtpReplyReader) reader = reader_with (input, &error);

  g_assert_error (error, MTS_SMTP_REPLY_ERROR, MTS_SMTP_REPLY_ERROR_MALFORMED);
  g_assert_null (mts_smtp_reply_reader_pop (reader));
}

static void
test_malformed (void)
{
  assert_malformed ("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
  assert_malformed ("HTTP/1.1 400 Bad Request\r\n");
  assert_malformed ("\r\n");
  assert_malformed ("22\r\n");
  assert_malformed ("2200 too many digits\r\n");
  assert_malformed ("100 not an SMTP code\r\n");
  assert_malformed ("620 not an SMTP code\r\n");
  assert_malformed ("22a hello\r\n");
  /* A continuation line must keep the code of its reply. */
  assert_malformed ("250-mx.example.test\r\n251 STARTTLS\r\n");
}

static void
test_no_crlf_at_eof (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsSmtpReplyReader) reader = reader_with ("220 mx.example.test ESMTP", &error);

  g_assert_no_error (error);
  g_assert_null (mts_smtp_reply_reader_pop (reader));
  g_assert_cmpuint (mts_smtp_reply_reader_get_pending (reader), ==, 25);
  g_assert_false (mts_smtp_reply_reader_finish (reader, &error));
  g_assert_error (error, MTS_SMTP_REPLY_ERROR, MTS_SMTP_REPLY_ERROR_NO_CRLF);
}

/* A CR without its LF is not a line end either. */
static void
test_cr_only_at_eof (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsSmtpReplyReader) reader = reader_with ("220 mx.example.test ESMTP\r", &error);

  g_assert_no_error (error);
  g_assert_null (mts_smtp_reply_reader_pop (reader));
  g_assert_false (mts_smtp_reply_reader_finish (reader, &error));
  g_assert_error (error, MTS_SMTP_REPLY_ERROR, MTS_SMTP_REPLY_ERROR_NO_CRLF);
}

static void
test_truncated_at_eof (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsSmtpReplyReader) reader = reader_with ("250-mx.example.test\r\n250-PIPELINING\r\n", &error);

  g_assert_no_error (error);
  g_assert_null (mts_smtp_reply_reader_pop (reader));
  g_assert_false (mts_smtp_reply_reader_finish (reader, &error));
  g_assert_error (error, MTS_SMTP_REPLY_ERROR, MTS_SMTP_REPLY_ERROR_TRUNCATED);
}

/* After the STARTTLS 220, anything else is an injection: the reader
 * counts it, complete or not. */
static void
test_leftovers (void)
{
  g_autoptr(MtsSmtpReplyReader) reader = mts_smtp_reply_reader_new (NULL);
  g_autoptr(MtsSmtpReply) first = NULL;
  g_autoptr(MtsSmtpReply) second = NULL;
  const char *input = "220 go ahead\r\n250 injected\r\n";
  const char *partial = "220 go ahead\r\n250 inj";

  g_assert_true (mts_smtp_reply_reader_feed (reader, (const guint8 *) input, strlen (input), NULL));
  g_assert_cmpuint (mts_smtp_reply_reader_get_pending (reader), ==, strlen (input));
  first = mts_smtp_reply_reader_pop (reader);
  g_assert_cmpuint (first->code, ==, 220);
  g_assert_cmpuint (mts_smtp_reply_reader_get_pending (reader), ==, 14);
  second = mts_smtp_reply_reader_pop (reader);
  g_assert_cmpuint (second->code, ==, 250);
  g_assert_cmpstr (second->lines[0], ==, "injected");
  g_assert_cmpuint (mts_smtp_reply_reader_get_pending (reader), ==, 0);

  mts_smtp_reply_reader_reset (reader);
  g_assert_true (mts_smtp_reply_reader_feed (reader, (const guint8 *) partial, strlen (partial), NULL));
  g_clear_pointer (&first, mts_smtp_reply_free);
  first = mts_smtp_reply_reader_pop (reader);
  g_assert_cmpuint (first->code, ==, 220);
  g_assert_null (mts_smtp_reply_reader_pop (reader));
  g_assert_cmpuint (mts_smtp_reply_reader_get_pending (reader), ==, 7);
}

static void
test_two_replies_one_feed (void)
{
  g_autoptr(MtsSmtpReplyReader) reader = reader_with ("250-a\r\n250 b\r\n221 bye\r\n", NULL);
  g_autoptr(MtsSmtpReply) first = mts_smtp_reply_reader_pop (reader);
  g_autoptr(MtsSmtpReply) second = mts_smtp_reply_reader_pop (reader);

  g_assert_cmpuint (first->code, ==, 250);
  g_assert_cmpuint (first->n_lines, ==, 2);
  g_assert_cmpuint (second->code, ==, 221);
  g_assert_null (mts_smtp_reply_reader_pop (reader));
  g_assert_true (mts_smtp_reply_reader_finish (reader, NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mts/smtp-reply/single-line", test_single_line);
  g_test_add_func ("/mts/smtp-reply/multiline-greeting-in-pieces", test_multiline_greeting_in_pieces);
  g_test_add_func ("/mts/smtp-reply/starttls-keyword", test_starttls_keyword);
  g_test_add_func ("/mts/smtp-reply/code-without-text", test_code_without_text);
  g_test_add_func ("/mts/smtp-reply/invalid-utf8-replaced", test_invalid_utf8_replaced);
  g_test_add_func ("/mts/smtp-reply/line-limit", test_line_limit);
  g_test_add_func ("/mts/smtp-reply/line-limit-one-feed", test_line_limit_one_feed);
  g_test_add_func ("/mts/smtp-reply/too-many-lines", test_too_many_lines);
  g_test_add_func ("/mts/smtp-reply/endless-continuation", test_endless_continuation);
  g_test_add_func ("/mts/smtp-reply/too-large", test_too_large);
  g_test_add_func ("/mts/smtp-reply/malformed", test_malformed);
  g_test_add_func ("/mts/smtp-reply/no-crlf-at-eof", test_no_crlf_at_eof);
  g_test_add_func ("/mts/smtp-reply/cr-only-at-eof", test_cr_only_at_eof);
  g_test_add_func ("/mts/smtp-reply/truncated-at-eof", test_truncated_at_eof);
  g_test_add_func ("/mts/smtp-reply/leftovers", test_leftovers);
  g_test_add_func ("/mts/smtp-reply/two-replies-one-feed", test_two_replies_one_feed);

  return g_test_run ();
}
