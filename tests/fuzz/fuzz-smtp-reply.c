/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-smtp-reply.c: libFuzzer target for the bounded SMTP reply reader.
 *
 * The first byte chooses how the rest is cut into feeds (as a network would
 * cut it), the second whether tight limits apply; the rest is what the
 * server sent.  Besides crashes, checks what must hold for every input:
 * every reply has a code from 200 to 599, at least one line and no more than
 * the limit, valid UTF-8 text; no byte is lost or counted twice (popped
 * sizes plus pending equal what was fed); an error is sticky and from the
 * reader's own domain.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/mts-smtp-reply.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_error (GError *error)
{
  if (error == NULL || error->domain != MTS_SMTP_REPLY_ERROR ||
      !g_utf8_validate (error->message, -1, NULL))
    abort ();
}

static gsize
drain (MtsSmtpReplyReader       *reader,
       const MtsSmtpReplyLimits *limits)
{
  MtsSmtpReply *reply;
  gsize popped = 0;

  while ((reply = mts_smtp_reply_reader_pop (reader)) != NULL)
    {
      g_autofree char *text = NULL;

      if (reply->code < 200 || reply->code > 599)
        abort ();
      if (reply->n_lines == 0 || reply->n_lines > limits->max_lines)
        abort ();
      if (reply->size > limits->max_reply_size)
        abort ();
      for (guint i = 0; i < reply->n_lines; i++)
        if (reply->lines[i] == NULL || !g_utf8_validate (reply->lines[i], -1, NULL))
          abort ();
      if (reply->lines[reply->n_lines] != NULL)
        abort ();
      if (mts_smtp_reply_is_multiline (reply) != (reply->n_lines > 1))
        abort ();
      mts_smtp_reply_has_keyword (reply, "STARTTLS");
      text = mts_smtp_reply_get_text (reply);
      if (!g_utf8_validate (text, -1, NULL))
        abort ();
      popped += reply->size;
      mts_smtp_reply_free (reply);
    }
  return popped;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(MtsSmtpReplyReader) reader = NULL;
  MtsSmtpReplyLimits limits;
  gsize chunk, fed = 0, popped = 0;
  gboolean failed = FALSE;

  if (size < 2)
    return 0;

  chunk = 1 + data[0] % 64;
  mts_smtp_reply_limits_init (&limits);
  if (data[1] & 1)
    {
      limits.max_line_length = 8 + data[1] % 32;
      limits.max_lines = 1 + data[1] % 5;
      limits.max_reply_size = 16 + data[1];
    }
  data += 2;
  size -= 2;

  reader = mts_smtp_reply_reader_new (&limits);
  while (size > 0)
    {
      g_autoptr(GError) error = NULL;
      gsize n = MIN (chunk, size);

      if (!mts_smtp_reply_reader_feed (reader, data, n, &error))
        {
          check_error (error);
          failed = TRUE;
          break;
        }
      fed += n;
      data += n;
      size -= n;
      popped += drain (reader, &limits);
      if (popped + mts_smtp_reply_reader_get_pending (reader) != fed)
        abort ();
    }

  if (failed)
    {
      g_autoptr(GError) again = NULL;

      /* Sticky: the same error for any further input and at the end. */
      if (mts_smtp_reply_reader_feed (reader, (const guint8 *) "250 ok\r\n", 8, &again))
        abort ();
      check_error (again);
      /* Replies completed before the error are still whole. */
      drain (reader, &limits);
    }
  else
    {
      g_autoptr(GError) error = NULL;

      if (!mts_smtp_reply_reader_finish (reader, &error))
        check_error (error);
      else if (mts_smtp_reply_reader_get_pending (reader) != 0)
        abort ();
    }
  return 0;
}
