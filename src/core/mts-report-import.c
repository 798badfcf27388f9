/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-report-import.c: TLS-RPT reports from files and folders (.json, .json.gz, mails, mbox, Maildir).
 *
 * Admins have reports in every form their mail setup left them in: the
 * JSON files of an https endpoint, gzipped or not, saved mails, mbox files,
 * whole Maildirs.  What a file is comes from its first bytes, not from its
 * name (RFC 8460 §5.6: the body wins over subject and file name).  Every
 * file is bounded (20 MB read, 50 MB after gunzip, 64 levels of JSON), and
 * a file that fails is listed with its reason while the rest go on.
 *
 * Memory does not grow with the number of files: folders are walked twice
 * (once to count, for the progress bar, once to read) instead of keeping
 * the list, in the order the file system gives, and reports go to a
 * summary one by one unless the caller asks to keep them.  What grows is the set of (organization, report-id) keys
 * that de-duplication needs.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gmime/gmime.h>
#include <string.h>

#include "mts-report-import.h"

/* Folders deeper than this are not followed: no real mail store is. */
#define MAX_FOLDER_DEPTH 32
/* Nested messages and multiparts inside one mail. */
#define MAX_MIME_DEPTH 16
/* A base64 part is a third larger than what it decodes to. */
#define MAX_ENCODED_PART (MTS_REPORT_MAX_PART_SIZE / 3 * 4 + 64 * 1024)

/* GMime 3.2 does not declare these itself. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeContentType, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)

struct _MtsReportImport
{
  GObject parent_instance;

  char *domain;
  gboolean keep_reports;
  MtsReportSummary *summary;  /* borrowed */
  GHashTable *known;          /* mts_report_dedup_key () */
  MtsReportImportProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
};

G_DEFINE_FINAL_TYPE (MtsReportImport, mts_report_import, G_TYPE_OBJECT)

/* One run over a list of files. */
typedef struct
{
  MtsReportImport *self;
  MtsReportImportResult *result;
  GHashTable *seen;           /* dedup keys */
  GHashTable *visited;        /* "DEV:INODE" of folders entered in this pass */
  GCancellable *cancellable;
  /* Reused for every file of the run: thousands of small reports would
   * otherwise each make and free a parser, a zlib window and buffers of a
   * few kilobytes (and each such malloc() makes glibc tidy up the small
   * blocks the previous JSON tree left). */
  GZlibDecompressor *decompressor;
  JsonParser *parser;
  GMimeParser *mime_parser;
  GByteArray *content;        /* the file being read */
  GByteArray *part;           /* a mail's report part, decoded */
  GByteArray *plain;          /* gunzipped */
  gboolean counting;
  guint total;
  guint done;
  /* Progress for a run in a thread: handed to the caller's context, at
   * most one report pending at a time. */
  GMainContext *context;
  gint progress_pending;
} Run;

void
mts_report_mime_init (void)
{
  static gsize initialized = 0;

  /* GMime keeps global tables; it must be set up once, whichever thread
   * imports first. */
  if (g_once_init_enter (&initialized))
    {
      g_mime_init ();
      g_once_init_leave (&initialized, 1);
    }
}

static void
rejection_free (MtsReportRejection *rejection)
{
  g_free (rejection->file);
  g_free (rejection->code);
  g_free (rejection->reason);
  g_free (rejection);
}

static void
elsewhere_free (MtsReportElsewhere *elsewhere)
{
  g_free (elsewhere->file);
  g_free (elsewhere->domain);
  g_free (elsewhere->organization);
  g_free (elsewhere->report_id);
  g_free (elsewhere);
}

MtsReportImportResult *
mts_report_import_result_new (void)
{
  MtsReportImportResult *result = g_new0 (MtsReportImportResult, 1);

  result->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) rejection_free);
  result->elsewhere = g_ptr_array_new_with_free_func ((GDestroyNotify) elsewhere_free);
  result->imported = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_report_free);
  return result;
}

void
mts_report_import_result_free (MtsReportImportResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->rejected);
  g_ptr_array_unref (result->elsewhere);
  g_ptr_array_unref (result->imported);
  g_free (result);
}

/**
 * mts_report_import_result_to_json:
 *
 * Adds members to the object being built: "files", "reports",
 * "duplicates", "rejected" [{"file", "code", "reason"}] and
 * "other_domains" [{"file", "domain", "organization", "report_id"}].
 */
void
mts_report_import_result_to_json (const MtsReportImportResult *result,
                                  JsonBuilder                 *builder)
{
  g_return_if_fail (result != NULL);

  json_builder_set_member_name (builder, "files");
  json_builder_add_int_value (builder, result->files);
  json_builder_set_member_name (builder, "reports");
  json_builder_add_int_value (builder, result->reports);
  json_builder_set_member_name (builder, "duplicates");
  json_builder_add_int_value (builder, result->duplicates);
  json_builder_set_member_name (builder, "rejected");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->rejected->len; i++)
    {
      const MtsReportRejection *rejection = g_ptr_array_index (result->rejected, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, rejection->file);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, rejection->code);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, rejection->reason);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "other_domains");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->elsewhere->len; i++)
    {
      const MtsReportElsewhere *elsewhere = g_ptr_array_index (result->elsewhere, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, elsewhere->file);
      json_builder_set_member_name (builder, "domain");
      json_builder_add_string_value (builder, elsewhere->domain);
      json_builder_set_member_name (builder, "organization");
      json_builder_add_string_value (builder, elsewhere->organization);
      json_builder_set_member_name (builder, "report_id");
      json_builder_add_string_value (builder, elsewhere->report_id);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
reject (Run          *run,
        const char   *file,
        const char   *label,
        const GError *error)
{
  MtsReportRejection *rejection = g_new0 (MtsReportRejection, 1);

  rejection->file = g_strdup (file);
  rejection->code = g_strdup (mts_report_error_code (error));
  /* In an mbox, which mail it was. */
  rejection->reason = label != NULL ? g_strdup_printf ("%s: %s", label, error->message)
                                    : g_utf8_make_valid (error->message, -1);
  g_ptr_array_add (run->result->rejected, rejection);
}

static void
take_report (Run        *run,
             const char *file,
             MtsReport  *report)
{
  MtsReportImport *self = run->self;
  char *key = mts_report_dedup_key (report->organization, report->report_id);

  if (!g_hash_table_add (run->seen, key))
    {
      run->result->duplicates++;
      mts_report_free (report);
      return;
    }
  if (self->domain != NULL && !mts_report_is_for_domain (report, self->domain))
    {
      MtsReportElsewhere *elsewhere = g_new0 (MtsReportElsewhere, 1);

      elsewhere->file = g_strdup (file);
      elsewhere->domain = g_strdup (report->policies->len > 0
                                    ? ((MtsReportPolicy *) report->policies->pdata[0])->policy_domain
                                    : "");
      elsewhere->organization = g_strdup (report->organization);
      elsewhere->report_id = g_strdup (report->report_id);
      g_ptr_array_add (run->result->elsewhere, elsewhere);
      mts_report_free (report);
      return;
    }
  run->result->reports++;
  if (self->summary != NULL)
    mts_report_summary_add_from_file (self->summary, report, file);
  if (self->keep_reports)
    g_ptr_array_add (run->result->imported, report);
  else
    mts_report_free (report);
}

static gboolean
is_gzip (const char *data,
         gsize       length)
{
  return length >= 2 && (guchar) data[0] == 0x1f && (guchar) data[1] == 0x8b;
}

static gboolean
is_json (const char *data,
         gsize       length)
{
  gsize i = 0;

  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  while (i < length && g_ascii_isspace (data[i]))
    i++;
  return i < length && (data[i] == '{' || data[i] == '[');
}

/* Buffers of the run: kept from file to file, emptied, and grown to
 * @size bytes (their length is then @size, to be written into). */
static GByteArray *
reuse_buffer (GByteArray **buffer,
              gsize        size)
{
  if (*buffer == NULL)
    *buffer = g_byte_array_sized_new ((guint) size);
  g_byte_array_set_size (*buffer, (guint) size);
  return *buffer;
}

/* After a large file, its buffer goes: one 20 MB report must not hold
 * 20 MB for the rest of the run. */
static void
trim_buffer (GByteArray **buffer)
{
  if (*buffer != NULL && (*buffer)->len > 1024 * 1024)
    g_clear_pointer (buffer, g_byte_array_unref);
}

static void
run_clear (Run *run)
{
  g_clear_object (&run->decompressor);
  g_clear_object (&run->parser);
  g_clear_object (&run->mime_parser);
  g_clear_pointer (&run->content, g_byte_array_unref);
  g_clear_pointer (&run->part, g_byte_array_unref);
  g_clear_pointer (&run->plain, g_byte_array_unref);
}

/* Gunzips at most MTS_REPORT_MAX_EXPANDED bytes: a small file that expands
 * to gigabytes (a gzip bomb) is stopped there.  GIO's zlib converter is
 * driven directly, and one is kept for the whole run: thousands of small
 * reports would otherwise each set up and free zlib's 32 KiB window.
 * Returns: (transfer none): run->plain, valid until the next gunzip */
static GByteArray *
gunzip (Run          *run,
        const char   *data,
        gsize         length,
        GError      **error)
{
  GByteArray *out;
  gsize in_pos = 0, out_len = 0, initial;

  if (run->decompressor == NULL)
    run->decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_converter_reset (G_CONVERTER (run->decompressor));
  /* Reports compress about tenfold; the buffer doubles when that is short. */
  initial = MAX (16 * 1024, MIN (length * 8, 1024 * 1024));
  out = reuse_buffer (&run->plain, initial);

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gsize bytes_read = 0, bytes_written = 0;
      GConverterResult converted;

      if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
        return NULL;
      converted = g_converter_convert (G_CONVERTER (run->decompressor), data + in_pos,
                                       length - in_pos, out->data + out_len, out->len - out_len,
                                       G_CONVERTER_INPUT_AT_END, &bytes_read, &bytes_written,
                                       &local_error);
      if (converted == G_CONVERTER_ERROR &&
          g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        {
          if (out->len > MTS_REPORT_MAX_EXPANDED)
            goto bomb;
          g_byte_array_set_size (out, MIN (out->len * 2, MTS_REPORT_MAX_EXPANDED + 1));
          continue;
        }
      if (converted == G_CONVERTER_ERROR)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
            g_set_error (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_GZIP,
                         _("The compressed report is cut short: the file was not saved or "
                           "downloaded completely."));
          else
            g_set_error (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_GZIP,
                         _("The compressed report is damaged (%s)."), local_error->message);
          return NULL;
        }
      in_pos += bytes_read;
      out_len += bytes_written;
      if (out_len > MTS_REPORT_MAX_EXPANDED)
        goto bomb;
      if (converted == G_CONVERTER_FINISHED)
        break;
      if (out_len == out->len)
        {
          if (out->len > MTS_REPORT_MAX_EXPANDED)
            goto bomb;
          g_byte_array_set_size (out, MIN (out->len * 2, MTS_REPORT_MAX_EXPANDED + 1));
        }
      else if (bytes_read == 0 && bytes_written == 0)
        {
          g_set_error (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_GZIP,
                       _("The compressed report is cut short: the file was not saved or "
                         "downloaded completely."));
          return NULL;
        }
    }
  g_byte_array_set_size (out, (guint) out_len);
  return out;

bomb:
  g_set_error (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_GZIP_BOMB,
               _("The compressed report expands to more than %u MB; no real report is that "
                 "large, so it was not read."),
               (guint) (MTS_REPORT_MAX_EXPANDED / (1024 * 1024)));
  return NULL;
}

/* A report's bytes: gzip or JSON, nothing else. */
static MtsReport *
read_report_bytes (Run          *run,
                   const char   *data,
                   gsize         length,
                   GError      **error)
{
  if (run->parser == NULL)
    run->parser = json_parser_new ();
  if (is_gzip (data, length))
    {
      GByteArray *plain = gunzip (run, data, length, error);

      if (plain == NULL)
        return NULL;
      return mts_report_parse_with_parser (run->parser, (const char *) plain->data, plain->len,
                                           error);
    }
  return mts_report_parse_with_parser (run->parser, data, length, error);
}

static gboolean
has_suffix_nocase (const char *name,
                   const char *suffix)
{
  gsize n = strlen (name), s = strlen (suffix);

  return n >= s && g_ascii_strcasecmp (name + n - s, suffix) == 0;
}

/* A Trustwave gateway writes "ContentType:"; GMime then sees no type.
 * Returns the type from the misspelt header, or NULL. */
static GMimeContentType *
misspelt_content_type (GMimeObject *object)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (object);
  const char *value;

  if (headers == NULL || g_mime_header_list_contains (headers, "Content-Type"))
    return NULL;
  value = g_mime_header_list_get_header (headers, "ContentType") != NULL
          ? g_mime_header_get_value (g_mime_header_list_get_header (headers, "ContentType"))
          : NULL;
  if (value == NULL)
    return NULL;
  return g_mime_content_type_parse (NULL, value);
}

typedef struct
{
  GPtrArray *exact;     /* application/tlsrpt+json or +gzip parts */
  GPtrArray *likely;    /* JSON or gzip attachments by type or file name */
} Candidates;

static void
collect_parts (GMimeObject *object,
               Candidates  *candidates,
               guint        depth)
{
  g_autoptr(GMimeContentType) fixed = NULL;
  GMimeContentType *type;
  g_autofree char *mime_type = NULL;
  const char *filename;

  if (object == NULL || depth > MAX_MIME_DEPTH)
    return;
  if (GMIME_IS_MESSAGE_PART (object))
    {
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));

      if (inner != NULL)
        collect_parts (g_mime_message_get_mime_part (inner), candidates, depth + 1);
      return;
    }
  if (GMIME_IS_MULTIPART (object))
    {
      GMimeMultipart *multipart = GMIME_MULTIPART (object);

      for (int i = 0; i < g_mime_multipart_get_count (multipart); i++)
        collect_parts (g_mime_multipart_get_part (multipart, i), candidates, depth + 1);
      return;
    }
  if (!GMIME_IS_PART (object))
    return;

  if ((fixed = misspelt_content_type (object)) != NULL)
    g_mime_object_set_content_type (object, fixed);
  type = g_mime_object_get_content_type (object);
  mime_type = type != NULL ? g_mime_content_type_get_mime_type (type) : NULL;
  if (mime_type == NULL)
    mime_type = g_strdup ("");
  for (char *c = mime_type; *c != '\0'; c++)
    *c = g_ascii_tolower (*c);
  filename = g_mime_part_get_filename (GMIME_PART (object));

  if (g_str_equal (mime_type, "application/tlsrpt+json") ||
      g_str_equal (mime_type, "application/tlsrpt+gzip"))
    g_ptr_array_add (candidates->exact, object);
  else if (g_str_equal (mime_type, "application/json") ||
           g_str_equal (mime_type, "application/gzip") ||
           g_str_equal (mime_type, "application/x-gzip") ||
           g_str_equal (mime_type, "application/octet-stream") ||
           g_str_equal (mime_type, "text/json") ||
           (filename != NULL && (has_suffix_nocase (filename, ".json") ||
                                 has_suffix_nocase (filename, ".gz"))))
    g_ptr_array_add (candidates->likely, object);
}

/* The decoded content of a part, bounded.
 * Returns: (transfer none): run->part, valid until the next part */
static GByteArray *
decode_part (Run        *run,
             GMimePart  *part,
             GError    **error)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  g_autoptr(GMimeStream) decoded = NULL;
  GByteArray *bytes;
  GMimeStream *raw;

  bytes = reuse_buffer (&run->part, 0);
  if (content == NULL)
    return bytes;
  raw = g_mime_data_wrapper_get_stream (content);
  if (raw != NULL && g_mime_stream_length (raw) > (gint64) MAX_ENCODED_PART)
    goto too_large;

  /* Decoded into the run's buffer, which the stream must not free. */
  decoded = g_mime_stream_mem_new_with_byte_array (bytes);
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (decoded), FALSE);
  if (g_mime_data_wrapper_write_to_stream (content, decoded) < 0)
    {
      g_set_error (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_IO,
                   _("The report attached to this mail could not be decoded."));
      return NULL;
    }
  if (bytes->len > MTS_REPORT_MAX_PART_SIZE)
    goto too_large;
  return bytes;

too_large:
  g_set_error (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_TOO_LARGE,
               _("The report attached to this mail is larger than %u MB; no real report is "
                 "that large, so it was not read."),
               (guint) (MTS_REPORT_MAX_PART_SIZE / (1024 * 1024)));
  return NULL;
}

/* A top-level "ContentType:" leaves GMime with one text part holding the
 * whole multipart body: parse that body again under the right type.
 * @top: the mail (a message, or its top part); @body: its content */
static GMimeObject *
reparse_misspelt_body (GMimeObject *top,
                       GMimeObject *body)
{
  g_autoptr(GMimeContentType) type = NULL;
  g_autoptr(GMimeStream) cat = NULL;
  g_autoptr(GMimeStream) header = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  g_autofree char *type_text = NULL;
  g_autofree char *prefix = NULL;
  GMimeDataWrapper *content;
  GMimeStream *raw;

  if (body == NULL || !GMIME_IS_PART (body) ||
      (type = misspelt_content_type (top)) == NULL ||
      (content = g_mime_part_get_content (GMIME_PART (body))) == NULL ||
      (raw = g_mime_data_wrapper_get_stream (content)) == NULL)
    return NULL;

  type_text = g_mime_content_type_encode (type, NULL);
  prefix = g_strdup_printf ("Content-Type: %s\r\n\r\n", type_text);
  header = g_mime_stream_mem_new_with_buffer (prefix, strlen (prefix));
  cat = g_mime_stream_cat_new ();
  g_mime_stream_reset (raw);
  g_mime_stream_cat_add_source (GMIME_STREAM_CAT (cat), header);
  g_mime_stream_cat_add_source (GMIME_STREAM_CAT (cat), raw);
  parser = g_mime_parser_new_with_stream (cat);
  return g_mime_parser_construct_part (parser, NULL);
}

/* One mail: @top is the message, or for a mail alone in its file the
 * entity GMime read without making a message of it; @body its content. */
static void
read_message (Run          *run,
              const char   *file,
              const char   *label,
              GMimeObject  *top,
              GMimeObject  *body)
{
  g_autoptr(GPtrArray) exact = g_ptr_array_new ();
  g_autoptr(GPtrArray) likely = g_ptr_array_new ();
  g_autoptr(GMimeObject) reparsed = reparse_misspelt_body (top, body);
  Candidates candidates = { exact, likely };
  gboolean found = FALSE;

  collect_parts (reparsed != NULL ? reparsed : body, &candidates, 0);

  /* The registered types, when a mail has them, are the report; the
   * others only when it has none. */
  if (exact->len > 0)
    {
      for (guint i = 0; i < exact->len; i++)
        {
          g_autoptr(GError) error = NULL;
          GByteArray *bytes = decode_part (run, exact->pdata[i], &error);
          MtsReport *report = NULL;

          if (bytes != NULL)
            report = read_report_bytes (run, (const char *) bytes->data, bytes->len, &error);
          if (report != NULL)
            take_report (run, file, report);
          else
            reject (run, file, label, error);
        }
      return;
    }

  for (guint i = 0; i < likely->len; i++)
    {
      g_autoptr(GError) error = NULL;
      GByteArray *bytes = decode_part (run, likely->pdata[i], &error);
      MtsReport *report;

      if (bytes == NULL)
        {
          reject (run, file, label, error);
          found = TRUE;
          continue;
        }
      /* A PDF or a picture with a .gz name is not ours to judge. */
      if (!is_gzip ((const char *) bytes->data, bytes->len) &&
          !is_json ((const char *) bytes->data, bytes->len))
        continue;
      found = TRUE;
      report = read_report_bytes (run, (const char *) bytes->data, bytes->len, &error);
      if (report != NULL)
        take_report (run, file, report);
      else
        reject (run, file, label, error);
    }

  if (!found)
    {
      g_autoptr(GError) error = g_error_new (MTS_REPORT_ERROR, MTS_REPORT_ERROR_NO_REPORT,
                                             _("This mail has no TLS report attached (no "
                                               "application/tlsrpt+json or +gzip part, and no "
                                               "JSON or gzip file)."));

      reject (run, file, label, error);
    }
}

/* One mail, or all the mails of an mbox. */
static void
read_mails (Run         *run,
            const char  *file,
            GMimeStream *stream,
            gboolean     mbox)
{
  GMimeParser *parser;
  guint n = 0;

  /* One parser for the run, and with it its read buffer. */
  if (run->mime_parser == NULL)
    run->mime_parser = g_mime_parser_new ();
  parser = run->mime_parser;
  g_mime_parser_init_with_stream (parser, stream);
  g_mime_parser_set_format (parser, mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
  /* A mail alone is read as a MIME entity: a GMimeMessage would also
   * parse its addresses, dates and subject, which are not looked at. */
  if (!mbox)
    {
      g_autoptr(GMimeObject) entity = g_mime_parser_construct_part (parser, NULL);

      if (entity == NULL)
        {
          g_autoptr(GError) error = g_error_new (MTS_REPORT_ERROR, MTS_REPORT_ERROR_NOT_JSON,
                                                 _("This file is not a TLS report: it is "
                                                   "neither JSON, gzip nor a mail."));

          reject (run, file, NULL, error);
          return;
        }
      read_message (run, file, NULL, entity, entity);
      return;
    }
  while (!g_mime_parser_eos (parser))
    {
      g_autoptr(GMimeMessage) message = g_mime_parser_construct_message (parser, NULL);
      g_autofree char *label = NULL;

      if (message == NULL)
        {
          if (n == 0)
            {
              g_autoptr(GError) error = g_error_new (MTS_REPORT_ERROR, MTS_REPORT_ERROR_NOT_JSON,
                                                     _("This file is not a TLS report: it is "
                                                       "neither JSON, gzip nor a mail."));

              reject (run, file, NULL, error);
            }
          break;
        }
      n++;
      if (mbox)
        label = g_strdup_printf (_("Mail %u"), n);
      read_message (run, file, label, GMIME_OBJECT (message), g_mime_message_get_mime_part (message));
      if (!mbox || g_cancellable_is_cancelled (run->cancellable))
        break;
    }
}

static gboolean
looks_like_mail (const char *data,
                 gsize       length)
{
  gsize i = 0;

  /* A header field name (RFC 5322 §2.2: printable, no colon) then ':'. */
  while (i < length && i < 100 && data[i] > 32 && data[i] < 127 && data[i] != ':')
    i++;
  return i > 0 && i < length && data[i] == ':';
}

static void
read_bytes (Run        *run,
            const char *file,
            const char *data,
            gsize       length)
{
  g_autoptr(GError) error = NULL;

  if (is_gzip (data, length) || is_json (data, length))
    {
      MtsReport *report = read_report_bytes (run, data, length, &error);

      if (report != NULL)
        take_report (run, file, report);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        reject (run, file, NULL, error);
      return;
    }
  if (length >= 4 && memcmp (data, "PK\x03\x04", 4) == 0)
    {
      error = g_error_new (MTS_REPORT_ERROR, MTS_REPORT_ERROR_NOT_JSON,
                           _("This is a zip archive: unpack it and import the files inside."));
      reject (run, file, NULL, error);
      return;
    }
  if ((length >= 5 && memcmp (data, "From ", 5) == 0) || looks_like_mail (data, length))
    {
      g_autoptr(GMimeStream) stream = NULL;

      mts_report_mime_init ();
      /* The file read by read_file() is parsed where it is, not copied. */
      if (run->content != NULL && data == (const char *) run->content->data &&
          length == run->content->len)
        {
          stream = g_mime_stream_mem_new_with_byte_array (run->content);
          g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
        }
      else
        stream = g_mime_stream_mem_new_with_buffer (data, length);
      read_mails (run, file, stream, memcmp (data, "From ", MIN (length, 5)) == 0);
      return;
    }
  error = g_error_new (MTS_REPORT_ERROR, MTS_REPORT_ERROR_NOT_JSON,
                       _("This file is not a TLS report: it is neither JSON, gzip nor a mail."));
  reject (run, file, NULL, error);
}

/* What is read of a file first: all of nearly every report, and enough
 * to tell an mbox (streamed from the file instead) from the rest. */
#define FIRST_READ ((gsize) 64 * 1024)

/* @size: the file's size if known, or -1 */
static void
read_file (Run     *run,
           GFile   *file,
           goffset  size)
{
  g_autofree char *name = g_file_get_parse_name (file);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  GByteArray *content;
  gsize length = 0;

  run->result->files++;
  content = reuse_buffer (&run->content, FIRST_READ);
  if ((stream = g_file_read (file, run->cancellable, &error)) == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), content->data, content->len, &length,
                                run->cancellable, &error))
    goto unreadable;

  /* An mbox may hold years of mail: GMime reads it from the file, one mail
   * at a time, and each report part is bounded on its own. */
  if (length >= 5 && memcmp (content->data, "From ", 5) == 0)
    {
      g_autoptr(GMimeStream) mime_stream = NULL;

      g_clear_object (&stream);
      mts_report_mime_init ();
      /* The stream takes the caller's reference to the file. */
      mime_stream = g_mime_stream_gio_new (g_object_ref (file));
      read_mails (run, name, mime_stream, TRUE);
      return;
    }

  if (size > (goffset) MTS_REPORT_MAX_PART_SIZE)
    {
      error = g_error_new (MTS_REPORT_ERROR, MTS_REPORT_ERROR_TOO_LARGE,
                           _("The file is larger than %u MB; no real report is that large, so "
                             "it was not read."),
                           (guint) (MTS_REPORT_MAX_PART_SIZE / (1024 * 1024)));
      reject (run, name, NULL, error);
      return;
    }

  /* The rest, to one byte past the limit: the size need not be known, and
   * a file that grows while it is read is still bounded. */
  while (length == content->len && length <= MTS_REPORT_MAX_PART_SIZE)
    {
      gsize rest = 0;

      g_byte_array_set_size (content, (guint) MIN (content->len * 2, MTS_REPORT_MAX_PART_SIZE + 1));
      if (!g_input_stream_read_all (G_INPUT_STREAM (stream), content->data + length,
                                    content->len - length, &rest, run->cancellable, &error))
        goto unreadable;
      length += rest;
    }
  g_clear_object (&stream);
  if (length > MTS_REPORT_MAX_PART_SIZE)
    {
      error = g_error_new (MTS_REPORT_ERROR, MTS_REPORT_ERROR_TOO_LARGE,
                           _("The file is larger than %u MB; no real report is that large, "
                             "so it was not read."),
                           (guint) (MTS_REPORT_MAX_PART_SIZE / (1024 * 1024)));
      reject (run, name, NULL, error);
      trim_buffer (&run->content);
      return;
    }
  g_byte_array_set_size (content, (guint) length);
  read_bytes (run, name, (const char *) content->data, length);
  trim_buffer (&run->content);
  trim_buffer (&run->part);
  trim_buffer (&run->plain);
  return;

unreadable:
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  {
    g_autoptr(GError) reason = g_error_new (MTS_REPORT_ERROR, MTS_REPORT_ERROR_IO,
                                            _("The file could not be read: %s"), error->message);

    reject (run, name, NULL, reason);
  }
}

static gboolean
progress_idle_cb (gpointer data)
{
  Run *run = data;

  /* The worker waits for this flag before its run goes away: clear it
   * last. */
  if (run->self->progress != NULL)
    run->self->progress (g_atomic_int_get ((gint *) &run->done), run->total,
                         run->self->progress_data);
  g_atomic_int_set (&run->progress_pending, 0);
  return G_SOURCE_REMOVE;
}

static void
report_progress (Run *run)
{
  if (run->self->progress == NULL)
    return;
  if (run->context == NULL)
    {
      run->self->progress (run->done, run->total, run->self->progress_data);
      return;
    }
  /* Thousands of small files must not queue thousands of callbacks. */
  if (g_atomic_int_compare_and_exchange (&run->progress_pending, 0, 1))
    {
      GSource *source = g_idle_source_new ();

      g_source_set_callback (source, progress_idle_cb, run, NULL);
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_attach (source, run->context);
      g_source_unref (source);
    }
}

static void
file_done (Run *run)
{
  g_atomic_int_inc ((gint *) &run->done);
  if (run->done > run->total)
    run->total = run->done;
  report_progress (run);
}

static const char *const walk_attributes =
  G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_NAME ","
  G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_UNIX_DEVICE "," G_FILE_ATTRIBUTE_UNIX_INODE;

/* In a folder only the name and type: GIO then takes them from the folder
 * listing without a stat() per file.  A file's size is not needed (its
 * reading is bounded), and a folder's identity is asked for when it is
 * entered. */
static const char *const folder_attributes =
  G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_NAME;

static const char *const identity_attributes =
  G_FILE_ATTRIBUTE_UNIX_DEVICE "," G_FILE_ATTRIBUTE_UNIX_INODE;

static gboolean
enter_folder (Run       *run,
              GFileInfo *info,
              GFile     *folder)
{
  g_autoptr(GFileInfo) identity = NULL;
  char *key;

  /* Symbolic links are followed, so a link to a parent folder would loop:
   * each folder is entered once per pass. */
  if (!g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_UNIX_INODE) &&
      (identity = g_file_query_info (folder, identity_attributes, G_FILE_QUERY_INFO_NONE,
                                     run->cancellable, NULL)) != NULL)
    info = identity;
  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_UNIX_INODE))
    key = g_strdup_printf ("%u:%" G_GUINT64_FORMAT,
                           g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE),
                           g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE));
  else
    key = g_file_get_uri (folder);
  return g_hash_table_add (run->visited, key);
}

/* Maildir's tmp/ holds mails still being delivered: not complete yet. */
static gboolean
is_maildir_tmp (GFile      *folder,
                const char *name)
{
  g_autoptr(GFile) cur = NULL;

  if (!g_str_equal (name, "tmp"))
    return FALSE;
  cur = g_file_get_child (folder, "cur");
  return g_file_query_file_type (cur, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY;
}

static void
walk (Run       *run,
      GFile     *file,
      GFileInfo *info,
      guint      depth);

static void
walk_folder (Run   *run,
             GFile *folder,
             guint  depth)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;

  enumerator = g_file_enumerate_children (folder, folder_attributes, G_FILE_QUERY_INFO_NONE,
                                          run->cancellable, NULL);
  if (enumerator == NULL)
    return;
  /* In the order the file system gives: a year of reports in one folder
   * is tens of thousands of names, and keeping them to sort them would
   * make memory grow with the folder. */
  while (!g_cancellable_is_cancelled (run->cancellable))
    {
      GFileInfo *info = NULL;
      GFile *child = NULL;
      const char *name;

      if (!g_file_enumerator_iterate (enumerator, &info, &child, run->cancellable, NULL) ||
          info == NULL)
        break;
      name = g_file_info_get_name (info);
      if (name[0] == '.' || is_maildir_tmp (folder, name))
        continue;
      walk (run, child, info, depth + 1);
    }
}

static void
walk (Run       *run,
      GFile     *file,
      GFileInfo *info,
      guint      depth)
{
  switch (g_file_info_get_file_type (info))
    {
    case G_FILE_TYPE_DIRECTORY:
      if (depth < MAX_FOLDER_DEPTH && enter_folder (run, info, file))
        walk_folder (run, file, depth);
      break;
    case G_FILE_TYPE_REGULAR:
      if (run->counting)
        run->total++;
      else
        {
          read_file (run, file,
                     g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE)
                     ? g_file_info_get_size (info) : -1);
          file_done (run);
        }
      break;
    case G_FILE_TYPE_UNKNOWN:
    case G_FILE_TYPE_SYMBOLIC_LINK:
    case G_FILE_TYPE_SPECIAL:
    case G_FILE_TYPE_SHORTCUT:
    case G_FILE_TYPE_MOUNTABLE:
    default:
      /* Devices, sockets, links to nothing: not reports. */
      break;
    }
}

static void
walk_top (Run   *run,
          GFile *file)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_file_query_info (file, walk_attributes, G_FILE_QUERY_INFO_NONE, run->cancellable, &error);
  if (info == NULL)
    {
      if (run->counting)
        run->total++;
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *name = g_file_get_parse_name (file);
          g_autoptr(GError) reason = g_error_new (MTS_REPORT_ERROR, MTS_REPORT_ERROR_IO,
                                                  _("The file could not be read: %s"),
                                                  error->message);

          reject (run, name, NULL, reason);
          file_done (run);
        }
      return;
    }
  walk (run, file, info, 0);
}

static MtsReportImportResult *
run_files (MtsReportImport  *self,
           GPtrArray        *files,
           GMainContext     *context,
           GCancellable     *cancellable,
           GError          **error)
{
  Run run = { 0 };
  GHashTableIter iter;
  gpointer key;

  run.self = self;
  run.result = mts_report_import_result_new ();
  run.cancellable = cancellable;
  run.context = context;
  run.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, self->known);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (run.seen, g_strdup (key));

  /* Counting is only for a progress bar. */
  for (int pass = self->progress != NULL ? 0 : 1; pass < 2; pass++)
    {
      run.counting = pass == 0;
      run.visited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < files->len && !g_cancellable_is_cancelled (cancellable); i++)
        walk_top (&run, files->pdata[i]);
      g_hash_table_unref (run.visited);
      if (run.counting)
        report_progress (&run);
    }
  g_hash_table_unref (run.seen);
  run_clear (&run);

  /* A pending progress callback holds the run: wait for it to be handled
   * (it only reads counters) before the run goes away. */
  if (context != NULL)
    while (g_atomic_int_get (&run.progress_pending))
      g_usleep (1000);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      mts_report_import_result_free (run.result);
      return NULL;
    }
  return run.result;
}

/**
 * mts_report_import_run:
 * @files: (element-type GFile): files and folders
 *
 * Reads every report in @files, in the calling thread; the progress
 * function, if any, is called there too.
 *
 * Returns: (transfer full): what was imported and what was not, or %NULL
 *   when cancelled.  Files that cannot be read are in the result, not
 *   errors.
 */
MtsReportImportResult *
mts_report_import_run (MtsReportImport  *self,
                       GPtrArray        *files,
                       GCancellable     *cancellable,
                       GError          **error)
{
  g_return_val_if_fail (MTS_IS_REPORT_IMPORT (self), NULL);
  g_return_val_if_fail (files != NULL, NULL);

  return run_files (self, files, NULL, cancellable, error);
}

typedef struct
{
  GPtrArray *files;
  GMainContext *context;
} ThreadData;

static void
thread_data_free (ThreadData *data)
{
  g_ptr_array_unref (data->files);
  g_main_context_unref (data->context);
  g_free (data);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  ThreadData *data = task_data;
  GError *error = NULL;
  MtsReportImportResult *result;

  result = run_files (source_object, data->files, data->context, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) mts_report_import_result_free);
}

/**
 * mts_report_import_run_async:
 * @files: (element-type GFile): files and folders
 *
 * Like mts_report_import_run(), in a thread; progress is reported on the
 * thread-default main context of the caller.  Do not change @self until
 * it finishes; a summary given to it is written from the thread.
 */
void
mts_report_import_run_async (MtsReportImport     *self,
                             GPtrArray           *files,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ThreadData *data;

  g_return_if_fail (MTS_IS_REPORT_IMPORT (self));
  g_return_if_fail (files != NULL);

  data = g_new0 (ThreadData, 1);
  data->files = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (data->files, g_object_ref (files->pdata[i]));
  data->context = g_main_context_ref_thread_default ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mts_report_import_run_async);
  g_task_set_task_data (task, data, (GDestroyNotify) thread_data_free);
  g_task_run_in_thread (task, run_thread);
}

/**
 * mts_report_import_run_finish:
 *
 * Returns: (transfer full): the result, or %NULL when cancelled
 */
MtsReportImportResult *
mts_report_import_run_finish (MtsReportImport  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mts_report_import_data:
 * @name: the file name to list it under
 * @data: a file's content
 * @result: where its reports and rejections go
 *
 * Reads one file's content as mts_report_import_run() reads a file (the
 * fuzzers and tests use it).  De-duplication only knows the reports added
 * with mts_report_import_add_known().
 */
void
mts_report_import_data (MtsReportImport       *self,
                        const char            *name,
                        const char            *data,
                        gsize                  length,
                        MtsReportImportResult *result)
{
  Run run = { 0 };
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (MTS_IS_REPORT_IMPORT (self));
  g_return_if_fail (data != NULL || length == 0);
  g_return_if_fail (result != NULL);

  run.self = self;
  run.result = result;
  run.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, self->known);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (run.seen, g_strdup (key));
  result->files++;
  if (length > MTS_REPORT_MAX_PART_SIZE)
    {
      g_autoptr(GError) error = g_error_new (MTS_REPORT_ERROR, MTS_REPORT_ERROR_TOO_LARGE,
                                             _("The file is larger than %u MB; no real report "
                                               "is that large, so it was not read."),
                                             (guint) (MTS_REPORT_MAX_PART_SIZE / (1024 * 1024)));

      reject (&run, name, NULL, error);
    }
  else
    read_bytes (&run, name, data != NULL ? data : "", length);
  g_hash_table_unref (run.seen);
  run_clear (&run);
}

MtsReportImport *
mts_report_import_new (void)
{
  return g_object_new (MTS_TYPE_REPORT_IMPORT, NULL);
}

/* Only reports with a policy for @domain are imported; the others are
 * listed in the result's elsewhere. */
void
mts_report_import_set_domain (MtsReportImport *self,
                              const char      *domain)
{
  g_return_if_fail (MTS_IS_REPORT_IMPORT (self));

  g_free (self->domain);
  self->domain = g_strdup (domain);
}

/* Keep the imported reports in the result (the wizard, the project);
 * without, they are only summed up (mtasts report). */
void
mts_report_import_set_keep_reports (MtsReportImport *self,
                                    gboolean         keep)
{
  g_return_if_fail (MTS_IS_REPORT_IMPORT (self));
  self->keep_reports = keep;
}

/* Each new report is added to @summary (borrowed: keep it alive). */
void
mts_report_import_set_summary (MtsReportImport  *self,
                               MtsReportSummary *summary)
{
  g_return_if_fail (MTS_IS_REPORT_IMPORT (self));
  self->summary = summary;
}

/* A report the caller has already (in a project): seeing it again counts
 * as a duplicate. */
void
mts_report_import_add_known (MtsReportImport *self,
                             const char      *organization,
                             const char      *report_id)
{
  g_return_if_fail (MTS_IS_REPORT_IMPORT (self));
  g_return_if_fail (organization != NULL && report_id != NULL);

  g_hash_table_add (self->known, mts_report_dedup_key (organization, report_id));
}

void
mts_report_import_set_progress_func (MtsReportImport             *self,
                                     MtsReportImportProgressFunc  func,
                                     gpointer                     user_data,
                                     GDestroyNotify               destroy)
{
  g_return_if_fail (MTS_IS_REPORT_IMPORT (self));

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  self->progress = func;
  self->progress_data = user_data;
  self->progress_destroy = destroy;
}

static void
mts_report_import_finalize (GObject *object)
{
  MtsReportImport *self = MTS_REPORT_IMPORT (object);

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  g_free (self->domain);
  g_hash_table_unref (self->known);

  G_OBJECT_CLASS (mts_report_import_parent_class)->finalize (object);
}

static void
mts_report_import_class_init (MtsReportImportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mts_report_import_finalize;
}

static void
mts_report_import_init (MtsReportImport *self)
{
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
