/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-smtp-reply.h: a bounded, incremental reader of SMTP server replies.
 *
 * Bytes go in as they arrive from the network, whole replies come out.
 * Everything is bounded (line length, lines per reply, bytes per reply), so
 * a hostile or broken server cannot make the reader grow without end.  The
 * reader knows nothing about sockets, so it can be tested and fuzzed alone.
 *
 *   g_autoptr(MtsSmtpReplyReader) reader = mts_smtp_reply_reader_new (NULL);
 *
 *   if (!mts_smtp_reply_reader_feed (reader, buf, n, &error))
 *     ... the server broke a limit: error->code says which ...
 *   while ((reply = mts_smtp_reply_reader_pop (reader)) != NULL)
 *     ... reply->code, reply->lines, mts_smtp_reply_has_keyword (reply, "STARTTLS") ...
 *   at end of file: mts_smtp_reply_reader_finish (reader, &error)
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MTS_SMTP_REPLY_ERROR (mts_smtp_reply_error_quark ())

typedef enum
{
  /* A line longer than the limit, or one that never ends. */
  MTS_SMTP_REPLY_ERROR_LINE_TOO_LONG,
  /* A multi-line reply with more lines than the limit. */
  MTS_SMTP_REPLY_ERROR_TOO_MANY_LINES,
  /* A reply bigger than the limit. */
  MTS_SMTP_REPLY_ERROR_TOO_LARGE,
  /* Not an SMTP reply line: no three-digit code, or a continuation line with
   * another code than the first line of its reply. */
  MTS_SMTP_REPLY_ERROR_MALFORMED,
  /* At end of input: the last line had no line end. */
  MTS_SMTP_REPLY_ERROR_NO_CRLF,
  /* At end of input: a multi-line reply whose last line never came. */
  MTS_SMTP_REPLY_ERROR_TRUNCATED,
} MtsSmtpReplyError;

typedef struct
{
  /* Line length without the line end; RFC 5321 §4.5.3.1.5 says 512 with
   * it, real servers send a little more, so the default is 2048. */
  gsize max_line_length;
  /* Lines in one reply (EHLO replies have one per extension). */
  guint max_lines;
  /* Bytes of one reply, line ends included. */
  gsize max_reply_size;
} MtsSmtpReplyLimits;

#define MTS_SMTP_REPLY_DEFAULT_MAX_LINE_LENGTH 2048
#define MTS_SMTP_REPLY_DEFAULT_MAX_LINES 100
#define MTS_SMTP_REPLY_DEFAULT_MAX_REPLY_SIZE 32768

typedef struct
{
  /* 200..599. */
  guint code;
  /* The text of each line after the code and its separator, as valid UTF-8
   * (invalid bytes replaced).  NULL-terminated. */
  char **lines;
  guint n_lines;
  /* Raw bytes on the wire, line ends included. */
  gsize size;
} MtsSmtpReply;

typedef struct _MtsSmtpReplyReader MtsSmtpReplyReader;

GQuark              mts_smtp_reply_error_quark          (void);

void                mts_smtp_reply_limits_init          (MtsSmtpReplyLimits       *limits);

MtsSmtpReplyReader *mts_smtp_reply_reader_new           (const MtsSmtpReplyLimits *limits);
void                mts_smtp_reply_reader_free          (MtsSmtpReplyReader       *reader);
gboolean            mts_smtp_reply_reader_feed          (MtsSmtpReplyReader       *reader,
                                                         const guint8             *data,
                                                         gsize                     len,
                                                         GError                  **error);
MtsSmtpReply       *mts_smtp_reply_reader_pop           (MtsSmtpReplyReader       *reader);
gsize               mts_smtp_reply_reader_get_pending   (MtsSmtpReplyReader       *reader);
gboolean            mts_smtp_reply_reader_finish        (MtsSmtpReplyReader       *reader,
                                                         GError                  **error);
void                mts_smtp_reply_reader_reset         (MtsSmtpReplyReader       *reader);

void                mts_smtp_reply_free                 (MtsSmtpReply             *reply);
gboolean            mts_smtp_reply_is_multiline         (const MtsSmtpReply       *reply);
gboolean            mts_smtp_reply_has_keyword          (const MtsSmtpReply       *reply,
                                                         const char               *keyword);
char               *mts_smtp_reply_get_text             (const MtsSmtpReply       *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsSmtpReply, mts_smtp_reply_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsSmtpReplyReader, mts_smtp_reply_reader_free)

G_END_DECLS
