/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-smtp-reply.c: a bounded, incremental reader of SMTP server replies.
 *
 * The probe talks to servers that may be broken or hostile, so this reader
 * never keeps more than one line plus one reply's worth of text, and it
 * reports exactly why it stopped: a line that does not end, too many lines,
 * something that is not SMTP at all, or a connection that closed in the
 * middle of a line.  It accepts a bare LF as a line end, as mail clients do,
 * because it only has to understand servers, not judge their line ends.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mts-smtp-reply.h"

struct _MtsSmtpReplyReader
{
  MtsSmtpReplyLimits limits;
  /* The line being received, without its LF (a CR may still end it). */
  GByteArray *line;
  /* The reply being assembled: its code and the text of its lines so far. */
  guint code;
  GPtrArray *lines;
  gsize reply_size;
  /* Complete replies not yet popped. */
  GQueue replies;
  /* Bytes fed that are not part of a popped reply. */
  gsize pending;
  /* Once a limit is broken the stream cannot be trusted any more. */
  GError *error;
};

G_DEFINE_QUARK (mts-smtp-reply-error-quark, mts_smtp_reply_error)

/**
 * mts_smtp_reply_limits_init:
 *
 * Fills @limits with the defaults: 2048-byte lines, 100 lines, 32 KiB.
 */
void
mts_smtp_reply_limits_init (MtsSmtpReplyLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->max_line_length = MTS_SMTP_REPLY_DEFAULT_MAX_LINE_LENGTH;
  limits->max_lines = MTS_SMTP_REPLY_DEFAULT_MAX_LINES;
  limits->max_reply_size = MTS_SMTP_REPLY_DEFAULT_MAX_REPLY_SIZE;
}

/**
 * mts_smtp_reply_reader_new:
 * @limits: (nullable): the limits, or %NULL for the defaults
 */
MtsSmtpReplyReader *
mts_smtp_reply_reader_new (const MtsSmtpReplyLimits *limits)
{
  MtsSmtpReplyReader *reader = g_new0 (MtsSmtpReplyReader, 1);

  if (limits != NULL)
    reader->limits = *limits;
  else
    mts_smtp_reply_limits_init (&reader->limits);

  /* A zero limit would reject every reply; treat it as "the default". */
  if (reader->limits.max_line_length == 0)
    reader->limits.max_line_length = MTS_SMTP_REPLY_DEFAULT_MAX_LINE_LENGTH;
  if (reader->limits.max_lines == 0)
    reader->limits.max_lines = MTS_SMTP_REPLY_DEFAULT_MAX_LINES;
  if (reader->limits.max_reply_size == 0)
    reader->limits.max_reply_size = MTS_SMTP_REPLY_DEFAULT_MAX_REPLY_SIZE;

  reader->line = g_byte_array_new ();
  reader->lines = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&reader->replies);
  return reader;
}

void
mts_smtp_reply_reader_reset (MtsSmtpReplyReader *reader)
{
  g_return_if_fail (reader != NULL);

  g_byte_array_set_size (reader->line, 0);
  g_ptr_array_set_size (reader->lines, 0);
  reader->code = 0;
  reader->reply_size = 0;
  g_queue_clear_full (&reader->replies, (GDestroyNotify) mts_smtp_reply_free);
  reader->pending = 0;
  g_clear_error (&reader->error);
}

void
mts_smtp_reply_reader_free (MtsSmtpReplyReader *reader)
{
  if (reader == NULL)
    return;

  mts_smtp_reply_reader_reset (reader);
  g_byte_array_unref (reader->line);
  g_ptr_array_unref (reader->lines);
  g_free (reader);
}

static gboolean
fail (MtsSmtpReplyReader *reader,
      GError            **error,
      int                 code,
      const char         *message)
{
  g_assert (reader->error == NULL);

  reader->error = g_error_new_literal (MTS_SMTP_REPLY_ERROR, code, message);
  if (error != NULL)
    *error = g_error_copy (reader->error);
  return FALSE;
}

static gboolean
is_reply_line (const guint8 *data,
               gsize         len)
{
  /* RFC 5321 §4.2: three digits, the first 2 to 5, then a space, a hyphen
   * or the end of the line. */
  if (len < 3)
    return FALSE;
  if (data[0] < '2' || data[0] > '5' || !g_ascii_isdigit (data[1]) || !g_ascii_isdigit (data[2]))
    return FALSE;
  return len == 3 || data[3] == ' ' || data[3] == '-';
}

/* One complete line, without its line end; @raw_size counts the line end. */
static gboolean
take_line (MtsSmtpReplyReader *reader,
           const guint8       *data,
           gsize               len,
           gsize               raw_size,
           GError            **error)
{
  MtsSmtpReply *reply;
  gboolean last;
  guint code;

  if (!is_reply_line (data, len))
    return fail (reader, error, MTS_SMTP_REPLY_ERROR_MALFORMED,
                 _("The server sent a line that is not an SMTP reply (no three-digit code)."));

  code = (data[0] - '0') * 100 + (data[1] - '0') * 10 + (data[2] - '0');
  if (reader->lines->len > 0 && code != reader->code)
    return fail (reader, error, MTS_SMTP_REPLY_ERROR_MALFORMED,
                 _("The server changed the reply code in the middle of a multi-line reply."));

  reader->reply_size += raw_size;
  if (reader->reply_size > reader->limits.max_reply_size)
    return fail (reader, error, MTS_SMTP_REPLY_ERROR_TOO_LARGE,
                 _("The server sent a reply that is too large."));
  if (reader->lines->len >= reader->limits.max_lines)
    return fail (reader, error, MTS_SMTP_REPLY_ERROR_TOO_MANY_LINES,
                 _("The server sent a reply with too many lines."));

  reader->code = code;
  last = len == 3 || data[3] == ' ';
  if (len > 4)
    g_ptr_array_add (reader->lines, g_utf8_make_valid ((const char *) data + 4, len - 4));
  else
    g_ptr_array_add (reader->lines, g_strdup (""));

  if (!last)
    return TRUE;

  reply = g_new0 (MtsSmtpReply, 1);
  reply->code = code;
  reply->n_lines = reader->lines->len;
  g_ptr_array_add (reader->lines, NULL);
  reply->lines = (char **) g_ptr_array_steal (reader->lines, NULL);
  reply->size = reader->reply_size;
  g_queue_push_tail (&reader->replies, reply);

  reader->code = 0;
  reader->reply_size = 0;
  return TRUE;
}

/* The line buffer may hold at most the limit, plus a CR waiting for its LF. */
static gboolean
line_too_long (MtsSmtpReplyReader *reader)
{
  gsize max = reader->limits.max_line_length;
  GByteArray *line = reader->line;

  if (line->len <= max)
    return FALSE;
  return !(line->len == max + 1 && line->data[max] == '\r');
}

/**
 * mts_smtp_reply_reader_feed:
 *
 * Adds bytes received from the server.  Complete replies can then be taken
 * with mts_smtp_reply_reader_pop().
 *
 * Returns: %FALSE when the input broke a limit or is not SMTP; the reader
 *   then refuses all further input with the same error.
 */
gboolean
mts_smtp_reply_reader_feed (MtsSmtpReplyReader *reader,
                            const guint8       *data,
                            gsize               len,
                            GError            **error)
{
  g_return_val_if_fail (reader != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (reader->error != NULL)
    {
      if (error != NULL)
        *error = g_error_copy (reader->error);
      return FALSE;
    }

  reader->pending += len;
  while (len > 0)
    {
      const guint8 *lf = memchr (data, '\n', len);
      gsize chunk = lf != NULL ? (gsize) (lf - data) : len;
      gsize line_len;

      /* Check before copying, so one huge feed cannot grow the buffer. */
      if (reader->line->len + chunk > reader->limits.max_line_length + 1)
        return fail (reader, error, MTS_SMTP_REPLY_ERROR_LINE_TOO_LONG,
                     _("The server sent a line that is too long."));
      g_byte_array_append (reader->line, data, chunk);
      if (line_too_long (reader))
        return fail (reader, error, MTS_SMTP_REPLY_ERROR_LINE_TOO_LONG,
                     _("The server sent a line that is too long."));
      if (lf == NULL)
        break;

      line_len = reader->line->len;
      if (line_len > 0 && reader->line->data[line_len - 1] == '\r')
        line_len--;
      if (line_len > reader->limits.max_line_length)
        return fail (reader, error, MTS_SMTP_REPLY_ERROR_LINE_TOO_LONG,
                     _("The server sent a line that is too long."));
      if (!take_line (reader, reader->line->data, line_len, reader->line->len + 1, error))
        return FALSE;

      g_byte_array_set_size (reader->line, 0);
      data += chunk + 1;
      len -= chunk + 1;
    }

  return TRUE;
}

/**
 * mts_smtp_reply_reader_pop:
 *
 * Returns: (transfer full) (nullable): the oldest complete reply.
 */
MtsSmtpReply *
mts_smtp_reply_reader_pop (MtsSmtpReplyReader *reader)
{
  MtsSmtpReply *reply;

  g_return_val_if_fail (reader != NULL, NULL);

  reply = g_queue_pop_head (&reader->replies);
  if (reply != NULL)
    {
      g_assert (reader->pending >= reply->size);
      reader->pending -= reply->size;
    }
  return reply;
}

/**
 * mts_smtp_reply_reader_get_pending:
 *
 * Returns: how many bytes were fed that are not part of a popped reply:
 *   complete replies not yet popped, and a reply or line still incomplete.
 *   After the reply to STARTTLS, anything here was sent before the TLS
 *   handshake, and must not be trusted (RFC 3207 §4.2, CVE-2011-0411).
 */
gsize
mts_smtp_reply_reader_get_pending (MtsSmtpReplyReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->pending;
}

/**
 * mts_smtp_reply_reader_finish:
 *
 * Tells the reader that the server closed the connection.
 *
 * Returns: %FALSE with %MTS_SMTP_REPLY_ERROR_NO_CRLF when a line was left
 *   without its line end, %MTS_SMTP_REPLY_ERROR_TRUNCATED when a multi-line
 *   reply was left without its last line, or the error that stopped the
 *   reader before.
 */
gboolean
mts_smtp_reply_reader_finish (MtsSmtpReplyReader *reader,
                              GError            **error)
{
  g_return_val_if_fail (reader != NULL, FALSE);

  if (reader->error != NULL)
    {
      if (error != NULL)
        *error = g_error_copy (reader->error);
      return FALSE;
    }
  if (reader->line->len > 0)
    return fail (reader, error, MTS_SMTP_REPLY_ERROR_NO_CRLF,
                 _("The server closed the connection in the middle of a line."));
  if (reader->lines->len > 0)
    return fail (reader, error, MTS_SMTP_REPLY_ERROR_TRUNCATED,
                 _("The server closed the connection in the middle of a multi-line reply."));
  return TRUE;
}

void
mts_smtp_reply_free (MtsSmtpReply *reply)
{
  if (reply == NULL)
    return;
  g_strfreev (reply->lines);
  g_free (reply);
}

gboolean
mts_smtp_reply_is_multiline (const MtsSmtpReply *reply)
{
  g_return_val_if_fail (reply != NULL, FALSE);

  return reply->n_lines > 1;
}

/**
 * mts_smtp_reply_has_keyword:
 * @keyword: an EHLO keyword such as "STARTTLS"
 *
 * An EHLO reply names the server on its first line and one extension per
 * following line: "250-STARTTLS", "250 SIZE 10240000".  The keyword is the
 * first word of a line and compares without regard to case (RFC 5321
 * §4.1.1.1); the first line is never an extension, even when its free text
 * happens to contain the word.
 *
 * Returns: whether any line after the first starts with @keyword.
 */
gboolean
mts_smtp_reply_has_keyword (const MtsSmtpReply *reply,
                            const char         *keyword)
{
  gsize len;

  g_return_val_if_fail (reply != NULL, FALSE);
  g_return_val_if_fail (keyword != NULL, FALSE);

  len = strlen (keyword);
  for (guint i = 1; i < reply->n_lines; i++)
    {
      const char *line = reply->lines[i];

      if (g_ascii_strncasecmp (line, keyword, len) == 0 &&
          (line[len] == '\0' || line[len] == ' '))
        return TRUE;
    }
  return FALSE;
}

/**
 * mts_smtp_reply_get_text:
 *
 * Returns: (transfer full): the text of every line, joined with newlines.
 */
char *
mts_smtp_reply_get_text (const MtsSmtpReply *reply)
{
  g_return_val_if_fail (reply != NULL, NULL);

  return g_strjoinv ("\n", reply->lines);
}
