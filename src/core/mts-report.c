/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-report.c: one TLS-RPT report (RFC 8460 §4), read tolerantly from a reporter's JSON.
 *
 * Reporters deviate from the schema (rfc-notes.md, "Observed real-world
 * deviations"), so the reader accepts what they send when its meaning is
 * clear: datetimes without a zone (UTC), contact-info null, an mx-host
 * string or one with an "mx: " prefix, a TLSA policy-string sent as one
 * JSON-encoded string, missing addresses and host names, result types that
 * RFC 8460 does not list.  What it cannot give a meaning to (no report-id,
 * counts that are not numbers) is refused with the reason.
 *
 * The facts kept in a project are this module's own output: the report in
 * RFC 8460 form, normalised, plus "flags".  Reading them back goes through
 * the same reader.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mts-report.h"

G_DEFINE_QUARK (mts-report-error-quark, mts_report_error)

static const char *const error_codes[] = {
  "report-not-json", "report-wrong-shape", "report-too-deep", "report-too-large",
  "report-gzip-too-large", "report-gzip-broken", "report-not-found", "report-unreadable",
};

static const char *const flag_names[] = {
  "summary-disagrees", "no-time-zone", "unknown-result-type", "policy-string-text",
  "mx-host-form",
};

/* RFC 8460 §4.3 and the IANA registry (§6.6), in the RFC's order. */
static const char *const result_types[] = {
  "starttls-not-supported", "certificate-host-mismatch", "certificate-expired",
  "certificate-not-trusted", "validation-failure", "tlsa-invalid", "dnssec-invalid",
  "dane-required", "sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid",
  NULL,
};

/**
 * mts_report_error_code:
 *
 * Returns: the stable code of a #MTS_REPORT_ERROR ("report-too-deep"), or
 *   "report-unreadable" for any other error
 */
const char *
mts_report_error_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, "report-unreadable");

  if (error->domain == MTS_REPORT_ERROR && error->code >= 0 &&
      (gsize) error->code < G_N_ELEMENTS (error_codes))
    return error_codes[error->code];
  return "report-unreadable";
}

static void
failure_free (MtsReportFailure *failure)
{
  g_free (failure->result_type);
  g_free (failure->sending_mta_ip);
  g_free (failure->receiving_mx_hostname);
  g_free (failure->receiving_mx_helo);
  g_free (failure->receiving_ip);
  g_free (failure->additional_information);
  g_free (failure->failure_reason_code);
  g_free (failure);
}

static void
policy_free (MtsReportPolicy *policy)
{
  g_free (policy->policy_type);
  g_strfreev (policy->policy_string);
  g_free (policy->policy_domain);
  g_strfreev (policy->mx_host);
  g_clear_pointer (&policy->failures, g_ptr_array_unref);
  g_free (policy);
}

void
mts_report_free (MtsReport *report)
{
  if (report == NULL)
    return;
  g_free (report->organization);
  g_free (report->report_id);
  g_free (report->contact_info);
  g_clear_pointer (&report->start, g_date_time_unref);
  g_clear_pointer (&report->end, g_date_time_unref);
  g_clear_pointer (&report->policies, g_ptr_array_unref);
  g_free (report);
}

/**
 * mts_report_check_nesting:
 *
 * json-glib's parser recurses once per level and has no limit of its own,
 * so a stranger's file is measured first, without parsing it.
 *
 * Returns: %FALSE if arrays and objects nest deeper than @max_depth
 */
gboolean
mts_report_check_nesting (const char *data,
                          gsize       length,
                          guint       max_depth)
{
  /* Outside strings only these bytes matter: 1 opens a string, 2 a
   * level, 3 closes one.  Most of a report is inside strings, which are
   * skipped with memchr(). */
  static const guint8 kind[256] = { ['"'] = 1, ['{'] = 2, ['['] = 2, ['}'] = 3, [']'] = 3 };
  guint depth = 0;
  gsize i = 0;

  while (i < length)
    {
      switch (kind[(guchar) data[i++]])
        {
        case 1:
          /* The string runs to a quote after an even number of
           * backslashes: each backslash escapes the byte after it. */
          for (;;)
            {
              const char *quote = memchr (data + i, '"', length - i);
              gsize end, k;

              if (quote == NULL)
                return TRUE;
              end = (gsize) (quote - data);
              for (k = end; k > i && data[k - 1] == '\\'; k--)
                ;
              i = end + 1;
              if ((end - k) % 2 == 0)
                break;
            }
          break;
        case 2:
          if (++depth > max_depth)
            return FALSE;
          break;
        case 3:
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }
  return TRUE;
}

/* Whether every byte is ASCII, eight at a time: then the text is valid
 * UTF-8 without g_utf8_validate_len() looking at each byte (json-glib
 * validates it once more itself). */
static gboolean
is_ascii (const char *data,
          gsize       length)
{
  guint64 bits = 0;
  gsize i = 0;

  for (; i + 8 <= length; i += 8)
    {
      guint64 word;

      memcpy (&word, data + i, 8);
      bits |= word;
    }
  for (; i < length; i++)
    bits |= (guchar) data[i];
  return (bits & G_GUINT64_CONSTANT (0x8080808080808080)) == 0;
}

static gboolean
wrong_shape (GError    **error,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
wrong_shape (GError    **error,
             const char *format,
             ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_WRONG_SHAPE, what);
  return FALSE;
}

/* g_strstrip (g_strdup (value)) in one copy of only what is kept. */
static char *
strdup_stripped (const char *value)
{
  const char *end;

  while (g_ascii_isspace (*value))
    value++;
  end = value + strlen (value);
  while (end > value && g_ascii_isspace (end[-1]))
    end--;
  return g_strndup (value, (gsize) (end - value));
}

/* g_ascii_strdown() without a second copy. */
static void
ascii_down_in_place (char *text)
{
  for (; *text != '\0'; text++)
    *text = g_ascii_tolower (*text);
}

/* A string member; NULL when missing or null.  A number is taken as its
 * digits (some reporters send report-id as a number). */
static gboolean
get_string (JsonObject  *object,
            const char  *name,
            gboolean     required,
            char       **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return wrong_shape (error, _("“%s” is missing"), name);
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      /* Empty once stripped: a JSON string can also end early at a \u0000. */
      *out = strdup_stripped (json_node_get_string (node));
      if (required && (*out)[0] == '\0')
        {
          g_clear_pointer (out, g_free);
          return wrong_shape (error, _("“%s” is empty"), name);
        }
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      return TRUE;
    }
  if (!required)
    return TRUE;
  return wrong_shape (error, _("“%s” is not text"), name);
}

/* A session count: a whole number, never negative.  1e3 is taken too. */
static gboolean
get_count (JsonObject  *object,
           const char  *name,
           gint64      *out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_INT64 && json_node_get_int (node) >= 0)
        {
          *out = json_node_get_int (node);
          return TRUE;
        }
      if (type == G_TYPE_DOUBLE)
        {
          double value = json_node_get_double (node);

          if (value >= 0 && value < 9e15 && value == (double) (gint64) value)
            {
              *out = (gint64) value;
              return TRUE;
            }
        }
    }
  if (node == NULL)
    return wrong_shape (error, _("“%s” is missing"), name);
  return wrong_shape (error, _("“%s” is not a whole number of sessions"), name);
}

static JsonObject *
get_object (JsonObject  *object,
            const char  *name,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    {
      wrong_shape (error, _("“%s” is missing"), name);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      wrong_shape (error, _("“%s” is not an object"), name);
      return NULL;
    }
  return json_node_get_object (node);
}

/* RFC 3339, or without a zone (UTC), or a date alone (its midnight, UTC). */
static GDateTime *
parse_datetime (const char     *text,
                MtsReportFlags *flags)
{
  static GTimeZone *utc = NULL;
  g_autofree char *with_time = NULL;
  GDateTime *zoned;
  GDateTime *date;

  if (g_once_init_enter (&utc))
    g_once_init_leave (&utc, g_time_zone_new_utc ());

  if (strlen (text) == 10)
    text = with_time = g_strconcat (text, "T00:00:00Z", NULL);
  zoned = g_date_time_new_from_iso8601 (text, NULL);
  if (zoned != NULL)
    {
      date = g_date_time_to_utc (zoned);
      g_date_time_unref (zoned);
      return date;
    }
  date = g_date_time_new_from_iso8601 (text, utc);
  if (date != NULL)
    *flags |= MTS_REPORT_FLAG_NO_TIME_ZONE;
  return date;
}

static GStrv
strv_from_array (JsonArray *array)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      /* Only text is kept: these lines are for people to read. */
      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (element));
    }
  return g_strv_builder_end (builder);
}

static GStrv
split_lines (const char *text,
             const char *separators)
{
  g_auto(GStrv) parts = g_strsplit_set (text, separators, -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

/* policy-string: an array of strings (RFC 8460 §4.5), or one string that is
 * a JSON-encoded array (Microsoft's TLSA policies), or the lines of the
 * policy in one string. */
static GStrv
read_policy_string (JsonNode       *node,
                    const char     *policy_type,
                    MtsReportFlags *flags)
{
  const char *text;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_new0 (char *, 1);
  if (JSON_NODE_HOLDS_ARRAY (node))
    return strv_from_array (json_node_get_array (node));
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return g_new0 (char *, 1);

  *flags |= MTS_REPORT_FLAG_POLICY_STRING_TEXT;
  text = json_node_get_string (node);
  while (g_ascii_isspace (*text))
    text++;
  if (text[0] == '[' && mts_report_check_nesting (text, strlen (text), MTS_REPORT_MAX_NESTING))
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();

      if (json_parser_load_from_data (parser, text, -1, NULL) &&
          JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
        return strv_from_array (json_node_get_array (json_parser_get_root (parser)));
    }
  /* RFC 8460 §4 describes TLSA records "separated by a semicolon". */
  if (g_strcmp0 (policy_type, "tlsa") == 0 && strchr (text, '\n') == NULL)
    return split_lines (text, ";");
  return split_lines (text, "\r\n");
}

static char *
strip_mx_prefix (const char     *value,
                 MtsReportFlags *flags)
{
  /* "mx: mx: host" comes out as "host" at once, so that the facts read
   * back the same. */
  for (;;)
    {
      while (g_ascii_isspace (*value))
        value++;
      if (g_ascii_strncasecmp (value, "mx:", 3) != 0)
        break;
      *flags |= MTS_REPORT_FLAG_MX_HOST_FORM;
      value += 3;
    }
  return g_strstrip (g_strdup (value));
}

/* mx-host: an array (RFC 8460 §4.4, erratum 6241) or one string (the RFC's
 * own example); when missing, the mx lines of an STS policy-string. */
static GStrv
read_mx_host (JsonNode       *node,
              GStrv           policy_string,
              const char     *policy_type,
              MtsReportFlags *flags)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      g_auto(GStrv) values = strv_from_array (json_node_get_array (node));

      for (guint i = 0; values[i] != NULL; i++)
        {
          g_autofree char *host = strip_mx_prefix (values[i], flags);

          if (host[0] != '\0')
            g_strv_builder_add (builder, host);
        }
    }
  else if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
           json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_auto(GStrv) values = split_lines (json_node_get_string (node), ", \t\r\n");

      *flags |= MTS_REPORT_FLAG_MX_HOST_FORM;
      for (guint i = 0; values[i] != NULL; i++)
        {
          g_autofree char *host = strip_mx_prefix (values[i], flags);

          if (host[0] != '\0')
            g_strv_builder_add (builder, host);
        }
    }
  else if (g_strcmp0 (policy_type, "sts") == 0)
    {
      MtsReportFlags ignored = 0;

      for (guint i = 0; policy_string[i] != NULL; i++)
        if (g_ascii_strncasecmp (policy_string[i], "mx:", 3) == 0)
          {
            g_autofree char *host = strip_mx_prefix (policy_string[i], &ignored);

            if (host[0] != '\0')
              g_strv_builder_add (builder, host);
          }
    }
  return g_strv_builder_end (builder);
}

static char *
normalize_domain (const char *domain)
{
  gsize length = strlen (domain);

  while (length > 0 && domain[length - 1] == '.')
    length--;
  return g_ascii_strdown (domain, (gssize) length);
}

/* normalize_domain() on a string of our own. */
static void
normalize_domain_in_place (char *domain)
{
  gsize length = strlen (domain);

  while (length > 0 && domain[length - 1] == '.')
    domain[--length] = '\0';
  ascii_down_in_place (domain);
}

static MtsReportFailure *
read_failure (JsonNode        *node,
              guint            index,
              MtsReportFlags  *flags,
              GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  MtsReportFailure *failure;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      wrong_shape (error, _("failure detail %u is not an object"), index + 1);
      return NULL;
    }
  object = json_node_get_object (node);
  failure = g_new0 (MtsReportFailure, 1);
  if (!get_string (object, "result-type", TRUE, &failure->result_type, &local_error) ||
      !get_count (object, "failed-session-count", &failure->failed_session_count, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("failure detail %u: "), index + 1);
      failure_free (failure);
      return NULL;
    }
  /* Optional, and often missing in real reports (Microsoft leaves the
   * addresses out of sts-policy-fetch-error): never a reason to refuse. */
  get_string (object, "sending-mta-ip", FALSE, &failure->sending_mta_ip, NULL);
  get_string (object, "receiving-mx-hostname", FALSE, &failure->receiving_mx_hostname, NULL);
  get_string (object, "receiving-mx-helo", FALSE, &failure->receiving_mx_helo, NULL);
  get_string (object, "receiving-ip", FALSE, &failure->receiving_ip, NULL);
  get_string (object, "additional-information", FALSE, &failure->additional_information, NULL);
  get_string (object, "failure-reason-code", FALSE, &failure->failure_reason_code, NULL);
  if (failure->receiving_mx_hostname != NULL)
    normalize_domain_in_place (failure->receiving_mx_hostname);
  ascii_down_in_place (failure->result_type);
  if (!mts_report_result_type_is_known (failure->result_type))
    *flags |= MTS_REPORT_FLAG_UNKNOWN_RESULT;
  return failure;
}

static MtsReportPolicy *
read_policy (JsonNode        *node,
             guint            index,
             MtsReportFlags  *flags,
             GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  MtsReportPolicy *policy;
  JsonObject *object, *applied, *summary;
  g_autofree char *domain = NULL;
  JsonNode *details;
  gint64 sum = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      wrong_shape (error, _("policy %u is not an object"), index + 1);
      return NULL;
    }
  object = json_node_get_object (node);
  policy = g_new0 (MtsReportPolicy, 1);
  policy->failures = g_ptr_array_new_with_free_func ((GDestroyNotify) failure_free);

  if ((applied = get_object (object, "policy", &local_error)) == NULL ||
      !get_string (applied, "policy-type", TRUE, &policy->policy_type, &local_error) ||
      !get_string (applied, "policy-domain", TRUE, &domain, &local_error) ||
      (summary = get_object (object, "summary", &local_error)) == NULL ||
      !get_count (summary, "total-successful-session-count", &policy->successful, &local_error) ||
      !get_count (summary, "total-failure-session-count", &policy->failed, &local_error))
    goto failed;

  normalize_domain_in_place (domain);
  policy->policy_domain = g_steal_pointer (&domain);
  policy->policy_string = read_policy_string (json_object_get_member (applied, "policy-string"),
                                              policy->policy_type, flags);
  policy->mx_host = read_mx_host (json_object_get_member (applied, "mx-host"),
                                  policy->policy_string, policy->policy_type, flags);

  details = json_object_get_member (object, "failure-details");
  if (details != NULL && JSON_NODE_HOLDS_ARRAY (details))
    {
      JsonArray *array = json_node_get_array (details);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          MtsReportFailure *failure = read_failure (json_array_get_element (array, i), i, flags,
                                                    &local_error);

          if (failure == NULL)
            goto failed;
          g_ptr_array_add (policy->failures, failure);
          sum += failure->failed_session_count;
        }
    }
  else if (details != NULL && !JSON_NODE_HOLDS_NULL (details))
    {
      wrong_shape (&local_error, _("“%s” is not a list"), "failure-details");
      goto failed;
    }

  /* Failure types may overlap (RFC 8460 §4), so the two may differ
   * honestly: both are kept and the difference is shown. */
  if (sum != policy->failed)
    {
      policy->summary_disagrees = TRUE;
      *flags |= MTS_REPORT_FLAG_SUMMARY_DISAGREES;
    }
  return policy;

failed:
  g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("policy %u, "), index + 1);
  policy_free (policy);
  return NULL;
}

static MtsReport *
read_report (JsonNode  *root,
             GError   **error)
{
  g_autoptr(MtsReport) report = NULL;
  g_autofree char *start = NULL, *end = NULL;
  JsonObject *object, *range;
  JsonNode *policies, *flags;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      wrong_shape (error, _("it is not a JSON object"));
      return NULL;
    }
  object = json_node_get_object (root);
  report = g_new0 (MtsReport, 1);
  report->policies = g_ptr_array_new_with_free_func ((GDestroyNotify) policy_free);

  if (!get_string (object, "organization-name", TRUE, &report->organization, error) ||
      !get_string (object, "report-id", TRUE, &report->report_id, error) ||
      (range = get_object (object, "date-range", error)) == NULL ||
      !get_string (range, "start-datetime", TRUE, &start, error) ||
      !get_string (range, "end-datetime", TRUE, &end, error))
    return NULL;
  get_string (object, "contact-info", FALSE, &report->contact_info, NULL);

  if ((report->start = parse_datetime (start, &report->flags)) == NULL)
    {
      wrong_shape (error, _("the start date “%s” is not a date and time"), start);
      return NULL;
    }
  if ((report->end = parse_datetime (end, &report->flags)) == NULL)
    {
      wrong_shape (error, _("the end date “%s” is not a date and time"), end);
      return NULL;
    }

  /* "the "policies" field of the report body MUST be an array" (§4). */
  policies = json_object_get_member (object, "policies");
  if (policies == NULL)
    {
      wrong_shape (error, _("“%s” is missing"), "policies");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (policies))
    {
      wrong_shape (error, _("“%s” is not a list"), "policies");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (policies)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (policies), i);
      MtsReportPolicy *policy = read_policy (node, i, &report->flags, error);

      if (policy == NULL)
        return NULL;
      g_ptr_array_add (report->policies, policy);
    }

  /* Facts read back from a project keep the flags found on import. */
  flags = json_object_get_member (object, "flags");
  if (flags != NULL && JSON_NODE_HOLDS_ARRAY (flags))
    {
      g_auto(GStrv) names = strv_from_array (json_node_get_array (flags));

      for (guint i = 0; names[i] != NULL; i++)
        for (guint j = 0; j < G_N_ELEMENTS (flag_names); j++)
          if (g_str_equal (names[i], flag_names[j]))
            report->flags |= 1 << j;
    }

  return g_steal_pointer (&report);
}

/**
 * mts_report_from_json:
 * @root: a parsed report (or the facts a project kept)
 *
 * Returns: (transfer full): the report, or %NULL with
 *   %MTS_REPORT_ERROR_WRONG_SHAPE and a message that says what is wrong
 */
MtsReport *
mts_report_from_json (JsonNode  *root,
                      GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  MtsReport *report;

  g_return_val_if_fail (root != NULL, NULL);

  report = read_report (root, &local_error);
  if (report == NULL)
    g_set_error (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_WRONG_SHAPE,
                 _("This is JSON but not a TLS report: %s."), local_error->message);
  return report;
}

/**
 * mts_report_parse:
 * @data: a report's JSON, as a reporter sent it (after gunzip)
 *
 * Returns: (transfer full): the report, or %NULL with a #MTS_REPORT_ERROR
 *   whose message says why, in plain language
 */
MtsReport *
mts_report_parse (const char  *data,
                  gsize        length,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  return mts_report_parse_with_parser (parser, data, length, error);
}

/**
 * mts_report_parse_with_parser:
 * @parser: a parser to reuse; it keeps the last report's tree until the
 *   next one
 *
 * Like mts_report_parse(), for a run over many reports: one parser for
 * all of them is one object less to make and destroy per report.
 */
MtsReport *
mts_report_parse_with_parser (JsonParser  *parser,
                              const char  *data,
                              gsize        length,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *valid = NULL;

  g_return_val_if_fail (JSON_IS_PARSER (parser), NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length == 0)
    {
      g_set_error (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_NOT_JSON,
                   _("This file is not a TLS report: it is empty."));
      return NULL;
    }
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      length -= 3;
    }
  if (length > MTS_REPORT_MAX_EXPANDED)
    {
      g_set_error (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_TOO_LARGE,
                   _("The report is larger than %u MB; no real report is that large."),
                   (guint) (MTS_REPORT_MAX_EXPANDED / (1024 * 1024)));
      return NULL;
    }
  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_NOT_JSON,
                   _("This file is not a TLS report: it is not text (JSON)."));
      return NULL;
    }
  if (!mts_report_check_nesting (data, length, MTS_REPORT_MAX_NESTING))
    {
      g_set_error (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_TOO_DEEP,
                   _("The report nests lists and objects more than %u levels deep; "
                     "real reports never do, so it was not read."),
                   MTS_REPORT_MAX_NESTING);
      return NULL;
    }
  /* I-JSON is UTF-8; a stray byte from a careless reporter should not cost
   * the whole report. */
  if (!is_ascii (data, length) && !g_utf8_validate_len (data, length, NULL))
    {
      valid = g_utf8_make_valid (data, (gssize) length);
      data = valid;
      length = strlen (valid);
    }

  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      /* json-glib quotes the input cut at a byte count, maybe inside a
       * character. */
      g_autofree char *detail = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_NOT_JSON,
                   _("This file is not a TLS report: it is not valid JSON (%s)."), detail);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, MTS_REPORT_ERROR, MTS_REPORT_ERROR_NOT_JSON,
                   _("This file is not a TLS report: it is empty."));
      return NULL;
    }
  return mts_report_from_json (json_parser_get_root (parser), error);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_strv (JsonBuilder       *builder,
          const char        *name,
          const char *const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

/* g_date_time_format()'s %Y does not pad years before 1000, and RFC 3339
 * needs four digits. */
static char *
format_utc (GDateTime *date,
            gboolean   with_time)
{
  if (!with_time)
    return g_strdup_printf ("%04d-%02d-%02d", g_date_time_get_year (date),
                            g_date_time_get_month (date), g_date_time_get_day_of_month (date));
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", g_date_time_get_year (date),
                          g_date_time_get_month (date), g_date_time_get_day_of_month (date),
                          g_date_time_get_hour (date), g_date_time_get_minute (date),
                          g_date_time_get_second (date));
}

static void
add_date (JsonBuilder *builder,
          const char  *name,
          GDateTime   *date)
{
  g_autofree char *text = format_utc (date, TRUE);

  add_string (builder, name, text);
}

/**
 * mts_report_to_json:
 *
 * Adds the report in RFC 8460 §4.4 form, normalised (UTC dates with "Z",
 * mx-host as an array, policy-string as an array), plus "flags": the names
 * of the deviations found ("summary-disagrees", "no-time-zone",
 * "unknown-result-type", "policy-string-text", "mx-host-form").
 */
void
mts_report_to_json (const MtsReport *report,
                    JsonBuilder     *builder)
{
  g_auto(GStrv) flags = NULL;

  g_return_if_fail (report != NULL);

  json_builder_begin_object (builder);
  add_string (builder, "organization-name", report->organization);
  json_builder_set_member_name (builder, "date-range");
  json_builder_begin_object (builder);
  add_date (builder, "start-datetime", report->start);
  add_date (builder, "end-datetime", report->end);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "contact-info");
  if (report->contact_info != NULL)
    json_builder_add_string_value (builder, report->contact_info);
  else
    json_builder_add_null_value (builder);
  add_string (builder, "report-id", report->report_id);
  json_builder_set_member_name (builder, "policies");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->policies->len; i++)
    {
      const MtsReportPolicy *policy = g_ptr_array_index (report->policies, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "policy");
      json_builder_begin_object (builder);
      add_string (builder, "policy-type", policy->policy_type);
      add_strv (builder, "policy-string", (const char *const *) policy->policy_string);
      add_string (builder, "policy-domain", policy->policy_domain);
      add_strv (builder, "mx-host", (const char *const *) policy->mx_host);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "summary");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "total-successful-session-count");
      json_builder_add_int_value (builder, policy->successful);
      json_builder_set_member_name (builder, "total-failure-session-count");
      json_builder_add_int_value (builder, policy->failed);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "failure-details");
      json_builder_begin_array (builder);
      for (guint j = 0; j < policy->failures->len; j++)
        {
          const MtsReportFailure *failure = g_ptr_array_index (policy->failures, j);

          json_builder_begin_object (builder);
          add_string (builder, "result-type", failure->result_type);
          add_string (builder, "sending-mta-ip", failure->sending_mta_ip);
          add_string (builder, "receiving-mx-hostname", failure->receiving_mx_hostname);
          add_string (builder, "receiving-mx-helo", failure->receiving_mx_helo);
          add_string (builder, "receiving-ip", failure->receiving_ip);
          json_builder_set_member_name (builder, "failed-session-count");
          json_builder_add_int_value (builder, failure->failed_session_count);
          add_string (builder, "additional-information", failure->additional_information);
          add_string (builder, "failure-reason-code", failure->failure_reason_code);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  flags = mts_report_flags_to_strv (report->flags);
  add_strv (builder, "flags", (const char *const *) flags);
  json_builder_end_object (builder);
}

/**
 * mts_report_to_facts:
 *
 * Returns: (transfer full): what a project keeps of the report (see
 *   mts_report_to_json()); mts_report_from_json() reads it back
 */
JsonObject *
mts_report_to_facts (const MtsReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (report != NULL, NULL);

  mts_report_to_json (report, builder);
  root = json_builder_get_root (builder);
  return json_object_ref (json_node_get_object (root));
}

/* Names of the flags that are set, in a fixed order. */
GStrv
mts_report_flags_to_strv (MtsReportFlags flags)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (flags & (1 << i))
      g_strv_builder_add (builder, flag_names[i]);
  return g_strv_builder_end (builder);
}

/**
 * mts_report_get_day:
 *
 * Returns: (transfer full): "YYYY-MM-DD", the UTC day the report starts
 *   on.  A report ending at the next midnight (an exclusive end) or at
 *   23:59:59 is the same one day.
 */
char *
mts_report_get_day (const MtsReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return format_utc (report->start, FALSE);
}

gint64
mts_report_get_successful (const MtsReport *report)
{
  gint64 total = 0;

  for (guint i = 0; i < report->policies->len; i++)
    total += ((MtsReportPolicy *) g_ptr_array_index (report->policies, i))->successful;
  return total;
}

gint64
mts_report_get_failed (const MtsReport *report)
{
  gint64 total = 0;

  for (guint i = 0; i < report->policies->len; i++)
    total += ((MtsReportPolicy *) g_ptr_array_index (report->policies, i))->failed;
  return total;
}

/**
 * mts_report_is_for_domain:
 * @domain: an A-label domain
 *
 * The body decides (RFC 8460 §5.6): a report is for @domain when one of
 * its policies is; the mail's TLS-Report-Domain and the file name do not
 * count.
 */
gboolean
mts_report_is_for_domain (const MtsReport *report,
                          const char      *domain)
{
  g_autofree char *wanted = NULL;

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (domain != NULL, FALSE);

  wanted = normalize_domain (domain);
  for (guint i = 0; i < report->policies->len; i++)
    if (g_str_equal (((MtsReportPolicy *) g_ptr_array_index (report->policies, i))->policy_domain,
                     wanted))
      return TRUE;
  return FALSE;
}

/* The same key for the same (organization, report-id), and different keys
 * for different pairs, whatever characters they hold. */
char *
mts_report_dedup_key (const char *organization,
                      const char *report_id)
{
  return g_strdup_printf ("%" G_GSIZE_FORMAT ":%s%s", strlen (organization), organization,
                          report_id);
}

/**
 * mts_report_result_types:
 *
 * Returns: (transfer none): the 11 result types of RFC 8460, %NULL-terminated
 */
const char *const *
mts_report_result_types (void)
{
  return result_types;
}

gboolean
mts_report_result_type_is_known (const char *type)
{
  g_return_val_if_fail (type != NULL, FALSE);
  return g_strv_contains (result_types, type);
}

/**
 * mts_report_result_type_is_tls:
 *
 * Returns: %TRUE for the certificate and STARTTLS failures (RFC 8460
 *   §4.3.1): under enforce, mail to that server would not be delivered
 */
gboolean
mts_report_result_type_is_tls (const char *type)
{
  g_return_val_if_fail (type != NULL, FALSE);
  return g_str_equal (type, "starttls-not-supported") || g_str_has_prefix (type, "certificate-") ||
         g_str_equal (type, "validation-failure");
}

/**
 * mts_report_result_type_describe:
 * @type: a result-type as a report gives it
 * @meaning: (out) (optional): what it means, one or two plain sentences
 * @fix: (out) (optional): what to change
 *
 * Both strings are translated and live as long as the program.  A type
 * that RFC 8460 does not list gets a sentence that names it.
 */
void
mts_report_result_type_describe (const char  *type,
                                 const char **meaning,
                                 const char **fix)
{
  const char *m = NULL, *f = NULL;

  g_return_if_fail (type != NULL);

  if (g_str_equal (type, "starttls-not-supported"))
    {
      m = _("The sending server could not switch to an encrypted connection: your mail server "
            "did not offer STARTTLS, or refused it.");
      f = _("Turn on STARTTLS on this mail server with a valid certificate, and check that no "
            "firewall or filter in front of it removes STARTTLS from its greeting.");
    }
  else if (g_str_equal (type, "certificate-host-mismatch"))
    {
      m = _("Your mail server showed a certificate that is not made out for its name, so the "
            "sender could not be sure it was talking to the right server.");
      f = _("Install a certificate that lists the mail server’s exact host name (the name in "
            "your MX record and in the policy’s mx lines).");
    }
  else if (g_str_equal (type, "certificate-expired"))
    {
      m = _("Your mail server showed a certificate that has expired.");
      f = _("Renew the mail server’s certificate and set up automatic renewal, then restart "
            "the mail server so it uses the new one.");
    }
  else if (g_str_equal (type, "certificate-not-trusted"))
    {
      m = _("Your mail server’s certificate is not signed by an authority senders trust, or "
            "its chain is incomplete (self-signed, a private authority, a missing "
            "intermediate certificate).");
      f = _("Use a certificate from a public authority (for example Let’s Encrypt) and have the "
            "server send the full chain, including the intermediate certificates.");
    }
  else if (g_str_equal (type, "validation-failure"))
    {
      m = _("The encrypted connection failed for another reason; the failure reason code in "
            "the report says which.");
      f = _("Look up the failure reason code given with it, and test the mail server’s TLS "
            "setup with a probe.");
    }
  else if (g_str_equal (type, "tlsa-invalid"))
    {
      m = _("None of your DANE (TLSA) records matched the certificate your mail server showed.");
      f = _("Publish TLSA records for the current certificate or key, and publish the new "
            "record before you change the certificate next time.");
    }
  else if (g_str_equal (type, "dnssec-invalid"))
    {
      m = _("The sender got no valid DNSSEC-signed answer for your domain’s records.");
      f = _("Check your domain’s DNSSEC setup (the DS record at the registrar and the zone "
            "signatures) with a DNSSEC test tool.");
    }
  else if (g_str_equal (type, "dane-required"))
    {
      m = _("The sender requires DANE for your domain, but found no valid TLSA records for "
            "this mail server.");
      f = _("Publish DNSSEC-signed TLSA records for every mail server, or ask the sender why "
            "it requires DANE.");
    }
  else if (g_str_equal (type, "sts-policy-fetch-error"))
    {
      m = _("The sender could not download your MTA-STS policy file from "
            "https://mta-sts.YOUR-DOMAIN/.well-known/mta-sts.txt.");
      f = _("Make sure the mta-sts host name exists in DNS, answers over HTTPS with a valid "
            "certificate, and serves the policy file without redirects.");
    }
  else if (g_str_equal (type, "sts-policy-invalid"))
    {
      m = _("The sender downloaded your MTA-STS policy file but could not read it, or your "
            "mail server is not listed in it.");
      f = _("Check the policy file for mistakes and make sure every MX host is covered by an "
            "mx line; this app’s policy check shows what is wrong.");
    }
  else if (g_str_equal (type, "sts-webpki-invalid"))
    {
      m = _("The certificate of your policy host (mta-sts.YOUR-DOMAIN) was not valid, so the "
            "policy could not be trusted.");
      f = _("Install a valid certificate from a public authority for the mta-sts host name and "
            "renew it automatically.");
    }

  if (m == NULL)
    {
      /* Callers keep these strings like the constant ones, so each unknown
       * type's sentence is made once and kept; a stranger's report could
       * name thousands, so only the first few get their own. */
      static GHashTable *unknown = NULL;
      G_LOCK_DEFINE_STATIC (unknown);

      G_LOCK (unknown);
      if (unknown == NULL)
        unknown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      m = g_hash_table_lookup (unknown, type);
      if (m == NULL && g_hash_table_size (unknown) < 64)
        {
          char *text = g_strdup_printf (_("The reporter used the result type “%s”, which RFC "
                                          "8460 does not define; it is counted as a failure."),
                                        type);

          g_hash_table_insert (unknown, g_strdup (type), text);
          m = text;
        }
      G_UNLOCK (unknown);
      if (m == NULL)
        m = _("The reporter used a result type that RFC 8460 does not define; it is counted "
              "as a failure.");
      f = _("Look at the reporter’s documentation, or its contact address in the report, to "
            "learn what it means.");
    }
  if (meaning != NULL)
    *meaning = m;
  if (fix != NULL)
    *fix = f;
}
