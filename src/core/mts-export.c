/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-export.c: a complete MTA-STS + TLS-RPT setup, written out for people, DNS panels and web servers.
 *
 * Everything here is generated from one MtsSetup so that the instructions,
 * the zone file, the CSV for DNS panels, the JSON and the web server
 * snippets can never disagree.  The order of the instructions is the order
 * that keeps mail flowing: the policy host and file first, then the
 * _mta-sts record that tells senders to fetch it (RFC 8461 §8.1), then the
 * reporting record.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "mts-export.h"
#include "mts-txt-record.h"

/* RFC 1035 §3.3: a character-string holds at most 255 octets. */
#define MAX_CHARACTER_STRING 255

MtsSetup *
mts_setup_new (void)
{
  MtsSetup *setup = g_new0 (MtsSetup, 1);

  setup->mx = g_ptr_array_new_with_free_func (g_free);
  setup->rua = g_ptr_array_new_with_free_func (g_free);
  setup->mode = MTS_POLICY_MODE_TESTING;
  setup->ttl = MTS_SETUP_DEFAULT_TTL;
  return setup;
}

void
mts_setup_free (MtsSetup *setup)
{
  if (setup == NULL)
    return;
  g_free (setup->domain);
  g_clear_pointer (&setup->mx, g_ptr_array_unref);
  g_clear_pointer (&setup->rua, g_ptr_array_unref);
  g_free (setup->id);
  g_free (setup->previous_id);
  g_clear_pointer (&setup->previous_policy, mts_policy_free);
  g_free (setup->certificate_file);
  g_free (setup->certificate_key_file);
  g_free (setup);
}

void
mts_dns_record_free (MtsDnsRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->name);
  g_free (record->fqdn);
  g_free (record->value);
  g_free (record);
}

/**
 * mts_setup_get_policy:
 *
 * Returns: (transfer full): the policy file's content as an #MtsPolicy.
 */
MtsPolicy *
mts_setup_get_policy (const MtsSetup *setup)
{
  MtsPolicy *policy;

  g_return_val_if_fail (setup != NULL, NULL);

  policy = mts_policy_new ();
  mts_policy_set_mode (policy, setup->mode);
  mts_policy_set_max_age (policy, setup->max_age);
  for (guint i = 0; i < setup->mx->len; i++)
    mts_policy_add_mx (policy, g_ptr_array_index (setup->mx, i));
  return policy;
}

/* Returns: (transfer full): "mta-sts.DOMAIN". */
char *
mts_setup_get_policy_host (const MtsSetup *setup)
{
  g_return_val_if_fail (setup != NULL && setup->domain != NULL, NULL);

  return g_strdup_printf ("mta-sts.%s", setup->domain);
}

/* Returns: (transfer full): the URL senders fetch (RFC 8461 §3.3). */
char *
mts_setup_get_policy_url (const MtsSetup *setup)
{
  g_return_val_if_fail (setup != NULL && setup->domain != NULL, NULL);

  return g_strdup_printf ("https://mta-sts.%s/.well-known/mta-sts.txt", setup->domain);
}

static MtsDnsRecord *
dns_record_new (const MtsSetup *setup,
                const char     *name,
                char           *value)
{
  MtsDnsRecord *record = g_new0 (MtsDnsRecord, 1);

  record->type = "TXT";
  record->name = g_strdup (name);
  record->fqdn = g_strdup_printf ("%s.%s", name, setup->domain);
  record->value = value;
  record->ttl = setup->ttl;
  return record;
}

static char **
rua_strv (const MtsSetup *setup)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **strv;

  for (guint i = 0; i < setup->rua->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (setup->rua, i));
  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return strv;
}

/**
 * mts_setup_get_records:
 *
 * Returns: (transfer container) (element-type MtsDnsRecord): the TXT records,
 * in the order to publish them: _mta-sts, then _smtp._tls when there is a
 * report address.
 */
GPtrArray *
mts_setup_get_records (const MtsSetup *setup)
{
  GPtrArray *records;

  g_return_val_if_fail (setup != NULL && setup->domain != NULL && setup->id != NULL, NULL);

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_dns_record_free);
  g_ptr_array_add (records, dns_record_new (setup, "_mta-sts", mts_sts_record_generate (setup->id)));
  if (setup->rua->len > 0)
    {
      g_auto(GStrv) rua = rua_strv (setup);

      g_ptr_array_add (records, dns_record_new (setup, "_smtp._tls",
                                                mts_tlsrpt_record_generate ((const char *const *) rua)));
    }
  return records;
}

static const char *const format_names[] = {
  [MTS_EXPORT_TEXT] = "text",
  [MTS_EXPORT_ZONE] = "zone",
  [MTS_EXPORT_CSV] = "csv",
  [MTS_EXPORT_JSON] = "json",
  [MTS_EXPORT_POLICY] = "policy",
  [MTS_EXPORT_NGINX] = "nginx",
  [MTS_EXPORT_APACHE] = "apache",
  [MTS_EXPORT_CADDY] = "caddy",
  [MTS_EXPORT_STATIC] = "static",
};

gboolean
mts_export_format_from_string (const char      *string,
                               MtsExportFormat *format)
{
  g_return_val_if_fail (string != NULL, FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (g_str_equal (string, format_names[i]))
      {
        *format = (MtsExportFormat) i;
        return TRUE;
      }
  return FALSE;
}

const char *
mts_export_format_to_string (MtsExportFormat format)
{
  g_return_val_if_fail ((gsize) format < G_N_ELEMENTS (format_names), NULL);

  return format_names[format];
}

/* "2 weeks", "1 day", "90 minutes": max_age in words. */
static char *
duration_text (guint32 seconds)
{
  if (seconds >= 604800 && seconds % 604800 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u week", "%u weeks", seconds / 604800),
                            seconds / 604800);
  if (seconds >= 86400 && seconds % 86400 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day", "%u days", seconds / 86400),
                            seconds / 86400);
  if (seconds >= 3600 && seconds % 3600 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", seconds / 3600),
                            seconds / 3600);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second", "%u seconds", seconds), seconds);
}

/* The policy text for showing inside instructions: one indented line per
 * policy line, without the CRs. */
static void
append_indented (GString    *s,
                 const char *text,
                 const char *indent)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize len = strlen (lines[i]);

      if (len > 0 && lines[i][len - 1] == '\r')
        lines[i][len - 1] = '\0';
      if (lines[i][0] == '\0' && lines[i + 1] == NULL)
        break;
      g_string_append_printf (s, "%s%s\n", indent, lines[i]);
    }
}

static void
append_wrapped (GString    *s,
                const char *indent,
                const char *text)
{
  /* Paragraphs are not wrapped by us: terminals and text widgets wrap, and
   * translations have their own lengths.  Only the indent is ours. */
  g_string_append_printf (s, "%s%s\n", indent, text);
}

static void
append_record_block (GString            *s,
                     const MtsDnsRecord *record)
{
  g_autofree char *relative = g_strdup_printf (_("in many DNS panels just: %s"), record->name);

  g_string_append_printf (s, "     %-7s %s   (%s)\n", _("Name:"), record->fqdn, relative);
  g_string_append_printf (s, "     %-7s %s\n", _("Type:"), record->type);
  g_string_append_printf (s, "     %-7s %s\n", _("Value:"), record->value);
  g_string_append_printf (s, "     %-7s %u\n", _("TTL:"), record->ttl);
}

/* Patterns in @a that are not in @b, joined for a sentence. */
static char *
patterns_missing_from (GPtrArray *a,
                       GPtrArray *b)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();

  for (guint i = 0; i < a->len; i++)
    {
      const char *pattern = g_ptr_array_index (a, i);
      gboolean found = FALSE;

      for (guint j = 0; j < b->len && !found; j++)
        found = g_ascii_strcasecmp (pattern, g_ptr_array_index (b, j)) == 0;
      if (!found)
        g_ptr_array_add (missing, (char *) pattern);
    }
  if (missing->len == 0)
    return NULL;
  g_ptr_array_add (missing, NULL);
  return g_strjoinv (", ", (char **) missing->pdata);
}

static char *
export_text (const MtsSetup *setup)
{
  GString *s = g_string_new (NULL);
  g_autoptr(MtsPolicy) policy = mts_setup_get_policy (setup);
  g_autofree char *policy_text = mts_policy_serialize (policy);
  g_autofree char *host = mts_setup_get_policy_host (setup);
  g_autofree char *url = mts_setup_get_policy_url (setup);
  g_autoptr(GPtrArray) records = mts_setup_get_records (setup);
  g_autofree char *max_age = duration_text (setup->max_age);
  gboolean change = setup->previous_id != NULL || setup->previous_policy != NULL;
  guint step = 1;

  if (change)
    g_string_append_printf (s, _("Changing the MTA-STS policy of %s"), setup->domain);
  else
    g_string_append_printf (s, _("Setting up MTA-STS for %s"), setup->domain);
  g_string_append (s, "\n\n");

  switch (setup->mode)
    {
    case MTS_POLICY_MODE_TESTING:
      append_wrapped (s, "", _("Mode “testing”: senders that support MTA-STS still deliver your mail when something is wrong, "
                               "and tell you about it in their reports. This is the safe way to start."));
      break;
    case MTS_POLICY_MODE_ENFORCE:
      append_wrapped (s, "", _("Mode “enforce”: senders that support MTA-STS deliver your mail only over an encrypted connection "
                               "to one of the mail servers listed in the policy, with a valid certificate. Otherwise they keep the mail and retry."));
      break;
    case MTS_POLICY_MODE_NONE:
    default:
      append_wrapped (s, "", _("Mode “none”: senders stop applying your earlier policy. Use it to turn MTA-STS off safely (RFC 8461 §8.3)."));
      break;
    }
  {
    g_autofree char *line = g_strdup_printf (_("Senders keep this policy for %s (max_age %u seconds)."),
                                             max_age, setup->max_age);
    append_wrapped (s, "", line);
  }
  append_wrapped (s, "", _("Do the steps in this order: senders must be able to fetch the policy before the DNS record tells them it exists."));
  g_string_append_c (s, '\n');

  if (!change)
    {
      g_autofree char *text = NULL;

      g_string_append_printf (s, _("%u. Give the policy host a name and a certificate"), step++);
      g_string_append_c (s, '\n');
      text = g_strdup_printf (_("Senders fetch your policy from the web server %s. Create a DNS record for that name: an A and/or "
                                "AAAA record with the address of the web server, or a CNAME record pointing to the name of the web server. "
                                "The web server needs a certificate valid for %s, for example a free one from Let’s Encrypt."),
                              host, host);
      append_wrapped (s, "   ", text);
      g_string_append_c (s, '\n');
    }

  {
    g_autofree char *text = NULL;
    g_autofree char *check = NULL;

    if (change)
      g_string_append_printf (s, _("%u. Replace the policy file"), step++);
    else
      g_string_append_printf (s, _("%u. Publish the policy file"), step++);
    g_string_append_c (s, '\n');
    text = g_strdup_printf (_("Serve exactly this text at %s:"), url);
    append_wrapped (s, "   ", text);
    g_string_append_c (s, '\n');
    append_indented (s, policy_text, "       ");
    g_string_append_c (s, '\n');
    append_wrapped (s, "   ", _("The web server must answer with status 200 and the content type text/plain, and must not redirect: "
                                 "senders do not follow redirects. The nginx, Apache and Caddy exports and the static hosting checklist "
                                 "show how to serve it."));
    check = g_strdup_printf (_("Check: open %s in a web browser. It must show the text above, with no warning about the certificate."), url);
    append_wrapped (s, "   ", check);
    g_string_append_c (s, '\n');
  }

  {
    const MtsDnsRecord *record = g_ptr_array_index (records, 0);
    g_autofree char *text = NULL;

    if (setup->previous_id != NULL)
      {
        g_string_append_printf (s, _("%u. Change the id in the MTA-STS record"), step++);
        text = g_strdup_printf (_("Only after the new policy file is online, change the TXT record at %s from “v=STSv1; id=%s” to the value below. "
                                  "Senders fetch the policy again only when they see a new id (RFC 8461 §8.1)."),
                                record->fqdn, setup->previous_id);
      }
    else if (change)
      {
        g_string_append_printf (s, _("%u. Change the id in the MTA-STS record"), step++);
        text = g_strdup_printf (_("Only after the new policy file is online, replace the TXT record at %s with the value below. "
                                  "Senders fetch the policy again only when they see a new id (RFC 8461 §8.1)."),
                                record->fqdn);
      }
    else
      {
        g_string_append_printf (s, _("%u. Publish the MTA-STS record"), step++);
        text = g_strdup_printf (_("Only after the policy file is online, add this TXT record to the DNS of %s. "
                                  "Keep exactly one such record: with two, senders ignore both."),
                                setup->domain);
      }
    g_string_append_c (s, '\n');
    append_wrapped (s, "   ", text);
    append_record_block (s, record);
    g_string_append_c (s, '\n');
  }

  if (records->len > 1)
    {
      const MtsDnsRecord *record = g_ptr_array_index (records, 1);
      g_auto(GStrv) rua = rua_strv (setup);
      g_autofree char *list = NULL;
      g_autofree char *reports = NULL;

      g_string_append_printf (s, _("%u. Publish the TLS reporting record"), step++);
      g_string_append_c (s, '\n');
      if (change)
        append_wrapped (s, "   ", _("Keep this TXT record published (or add it if it is missing): it does not change with the policy."));
      else
        append_wrapped (s, "   ", _("Add this TXT record so that senders send you a daily report about encrypted delivery to your domain (RFC 8460)."));
      append_record_block (s, record);
      list = g_strjoinv (", ", rua);
      reports = g_strdup_printf (_("Reports go to %s. They arrive as compressed JSON files; make sure the address accepts them."), list);
      append_wrapped (s, "   ", reports);
      g_string_append_c (s, '\n');
    }
  else
    {
      g_autofree char *text = NULL;

      g_string_append_printf (s, _("%u. Recommended: publish a TLS reporting record"), step++);
      g_string_append_c (s, '\n');
      text = g_strdup_printf (_("Add a report address to get a TXT record for _smtp._tls.%s. Senders then send you daily reports about "
                                "encrypted delivery; without them you cannot tell when it is safe to switch to mode enforce."),
                              setup->domain);
      append_wrapped (s, "   ", text);
      g_string_append_c (s, '\n');
    }

  if (setup->previous_policy != NULL)
    {
      g_autofree char *added = patterns_missing_from (setup->mx, setup->previous_policy->mx);
      g_autofree char *removed = patterns_missing_from (setup->previous_policy->mx, setup->mx);
      g_autofree char *old_age = duration_text (setup->previous_policy->max_age);

      if (added != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("The new policy adds %s. Senders that still hold the old policy do not accept these "
                                                     "mail servers until they fetch the new one: point your MX records to them only after the "
                                                     "new id is published, and keep the old mail servers working for %s (the max_age of the old policy)."),
                                                   added, old_age);
          append_wrapped (s, "", text);
        }
      if (removed != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("The new policy no longer lists %s. Take these servers out of your MX records: "
                                                     "senders that follow the new policy in mode enforce refuse to deliver to mail servers it does not list."),
                                                   removed);
          append_wrapped (s, "", text);
        }
      if (added != NULL || removed != NULL)
        g_string_append_c (s, '\n');
    }

  g_string_append (s, _("Next"));
  g_string_append_c (s, '\n');
  switch (setup->mode)
    {
    case MTS_POLICY_MODE_TESTING:
      append_wrapped (s, "   ", _("Keep mode testing for one to two weeks and read the reports. When they show no failures, switch to mode "
                                   "enforce: publish the new policy file first, then a new id."));
      break;
    case MTS_POLICY_MODE_ENFORCE:
      append_wrapped (s, "   ", _("Whenever you add or replace a mail server, first add it to the policy (new policy file, then new id), "
                                   "and only then change your MX records: senders refuse mail servers that the policy does not list."));
      break;
    case MTS_POLICY_MODE_NONE:
    default:
      {
        g_autofree char *wait = setup->previous_policy != NULL ? duration_text (setup->previous_policy->max_age)
                                                               : g_strdup (_("the max_age of your previous policy"));
        g_autofree char *text = g_strdup_printf (_("Leave the policy file and the records in place for %s after the new id is published, so that "
                                                   "every sender has seen mode none. Then you can remove the _mta-sts record, and after that the "
                                                   "policy host (RFC 8461 §8.3)."),
                                                 wait);
        append_wrapped (s, "   ", text);
      }
      break;
    }

  return g_string_free (s, FALSE);
}

/**
 * mts_export_zone_txt_rdata:
 * @value: a TXT value
 *
 * Returns: (transfer full): the value as zone-file character-strings: each
 * at most 255 octets, quoted, with `"` and `\` escaped and other
 * unprintable octets written as \DDD (RFC 1035 §5.1).
 */
char *
mts_export_zone_txt_rdata (const char *value)
{
  GString *s;
  gsize len;

  g_return_val_if_fail (value != NULL, NULL);

  s = g_string_new (NULL);
  len = strlen (value);
  for (gsize start = 0; start < len || start == 0; start += MAX_CHARACTER_STRING)
    {
      if (start > 0)
        g_string_append_c (s, ' ');
      g_string_append_c (s, '"');
      for (gsize i = start; i < len && i < start + MAX_CHARACTER_STRING; i++)
        {
          guchar c = (guchar) value[i];

          if (c == '"' || c == '\\')
            g_string_append_printf (s, "\\%c", c);
          else if (c < 0x20 || c > 0x7e)
            g_string_append_printf (s, "\\%03u", (guint) c);
          else
            g_string_append_c (s, (char) c);
        }
      g_string_append_c (s, '"');
      if (len == 0)
        break;
    }
  return g_string_free (s, FALSE);
}

static char *
export_zone (const MtsSetup *setup)
{
  GString *s = g_string_new (NULL);
  g_autoptr(GPtrArray) records = mts_setup_get_records (setup);
  g_autofree char *url = mts_setup_get_policy_url (setup);
  g_autofree char *host = mts_setup_get_policy_host (setup);

  g_string_append_printf (s, "; %s\n", _("MTA-STS (RFC 8461) and TLS reporting (RFC 8460) records, made by mtasts."));
  g_string_append (s, "; ");
  g_string_append_printf (s, _("Publish them only after %s serves the policy."), url);
  g_string_append (s, "\n; ");
  g_string_append_printf (s, _("%s also needs an A/AAAA or CNAME record for the web server that serves the policy."), host);
  g_string_append_c (s, '\n');
  for (guint i = 0; i < records->len; i++)
    {
      const MtsDnsRecord *r = g_ptr_array_index (records, i);
      g_autofree char *rdata = mts_export_zone_txt_rdata (r->value);

      g_string_append_printf (s, "%s. %u IN %s %s\n", r->fqdn, r->ttl, r->type, rdata);
    }
  return g_string_free (s, FALSE);
}

/**
 * mts_export_csv_field:
 *
 * Returns: (transfer full): @field quoted as RFC 4180 asks when it holds a
 * comma, a quote or a line break (quotes doubled); otherwise as is.
 */
char *
mts_export_csv_field (const char *field)
{
  GString *s;

  g_return_val_if_fail (field != NULL, NULL);

  if (strpbrk (field, ",\"\r\n") == NULL)
    return g_strdup (field);

  s = g_string_new ("\"");
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

static char *
export_csv (const MtsSetup *setup)
{
  /* RFC 4180: CRLF after every row, the header included. */
  GString *s = g_string_new ("type,name,fqdn,value,ttl\r\n");
  g_autoptr(GPtrArray) records = mts_setup_get_records (setup);

  for (guint i = 0; i < records->len; i++)
    {
      const MtsDnsRecord *r = g_ptr_array_index (records, i);
      g_autofree char *name = mts_export_csv_field (r->name);
      g_autofree char *fqdn = mts_export_csv_field (r->fqdn);
      g_autofree char *value = mts_export_csv_field (r->value);

      g_string_append_printf (s, "%s,%s,%s,%s,%u\r\n", r->type, name, fqdn, value, r->ttl);
    }
  return g_string_free (s, FALSE);
}

static char *
export_json (const MtsSetup *setup)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(MtsPolicy) policy = mts_setup_get_policy (setup);
  g_autofree char *policy_text = mts_policy_serialize (policy);
  g_autofree char *host = mts_setup_get_policy_host (setup);
  g_autofree char *url = mts_setup_get_policy_url (setup);
  g_autoptr(GPtrArray) records = mts_setup_get_records (setup);
  char *text;
  char *result;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "domain");
  json_builder_add_string_value (builder, setup->domain);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, mts_policy_mode_to_string (setup->mode));
  json_builder_set_member_name (builder, "max_age");
  json_builder_add_int_value (builder, setup->max_age);
  json_builder_set_member_name (builder, "mx");
  json_builder_begin_array (builder);
  for (guint i = 0; i < setup->mx->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (setup->mx, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "rua");
  json_builder_begin_array (builder);
  for (guint i = 0; i < setup->rua->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (setup->rua, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, setup->id);
  json_builder_set_member_name (builder, "previous_id");
  if (setup->previous_id != NULL)
    json_builder_add_string_value (builder, setup->previous_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "ttl");
  json_builder_add_int_value (builder, setup->ttl);
  json_builder_set_member_name (builder, "policy_host");
  json_builder_add_string_value (builder, host);
  json_builder_set_member_name (builder, "policy_url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "policy");
  json_builder_add_string_value (builder, policy_text);
  json_builder_set_member_name (builder, "records");
  json_builder_begin_array (builder);
  for (guint i = 0; i < records->len; i++)
    {
      const MtsDnsRecord *r = g_ptr_array_index (records, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, r->type);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, r->name);
      json_builder_set_member_name (builder, "fqdn");
      json_builder_add_string_value (builder, r->fqdn);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, r->value);
      json_builder_set_member_name (builder, "ttl");
      json_builder_add_int_value (builder, r->ttl);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  result = g_strconcat (text, "\n", NULL);
  g_free (text);
  return result;
}

static char *
certificate_file (const MtsSetup *setup,
                  const char     *host)
{
  if (setup->certificate_file != NULL)
    return g_strdup (setup->certificate_file);
  return g_strdup_printf ("/etc/letsencrypt/live/%s/fullchain.pem", host);
}

static char *
certificate_key_file (const MtsSetup *setup,
                      const char     *host)
{
  if (setup->certificate_key_file != NULL)
    return g_strdup (setup->certificate_key_file);
  return g_strdup_printf ("/etc/letsencrypt/live/%s/privkey.pem", host);
}

/* The common head of every web server snippet, as comment lines. */
static void
append_server_comments (GString        *s,
                        const MtsSetup *setup,
                        const char     *comment)
{
  g_autofree char *host = mts_setup_get_policy_host (setup);
  g_autofree char *url = mts_setup_get_policy_url (setup);

  g_string_append_printf (s, "%s ", comment);
  g_string_append_printf (s, _("MTA-STS policy host for %s (RFC 8461 §3.3), made by mtasts."), setup->domain);
  g_string_append_printf (s, "\n%s ", comment);
  g_string_append_printf (s, _("Senders fetch %s and accept only a 200 answer, as text/plain, without a redirect."), url);
  g_string_append_printf (s, "\n%s ", comment);
  g_string_append_printf (s, _("%s needs an A/AAAA or CNAME record for this server, and a certificate valid for that name."), host);
  g_string_append_c (s, '\n');
}

/* The policy inside an nginx double-quoted string: nginx turns \r and \n
 * back into CR and LF.  The policy holds only host names, digits and
 * keywords, so no "$" (a variable) or quote can occur. */
static char *
nginx_string (const char *text)
{
  GString *s = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      g_assert (*p != '$');
      if (*p == '\r')
        g_string_append (s, "\\r");
      else if (*p == '\n')
        g_string_append (s, "\\n");
      else if (*p == '"' || *p == '\\')
        g_string_append_printf (s, "\\%c", *p);
      else
        g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

static char *
export_nginx (const MtsSetup *setup)
{
  GString *s = g_string_new (NULL);
  g_autoptr(MtsPolicy) policy = mts_setup_get_policy (setup);
  g_autofree char *policy_text = mts_policy_serialize (policy);
  g_autofree char *body = nginx_string (policy_text);
  g_autofree char *host = mts_setup_get_policy_host (setup);
  g_autofree char *cert = certificate_file (setup, host);
  g_autofree char *key = certificate_key_file (setup, host);

  append_server_comments (s, setup, "#");
  g_string_append_printf (s, "# %s\n", _("The policy is part of this block: to change it, generate the block again and reload nginx."));
  g_string_append (s, "server {\n");
  g_string_append (s, "    listen 443 ssl;\n");
  g_string_append (s, "    listen [::]:443 ssl;\n");
  g_string_append_printf (s, "    server_name %s;\n\n", host);
  g_string_append_printf (s, "    ssl_certificate     %s;\n", cert);
  g_string_append_printf (s, "    ssl_certificate_key %s;\n", key);
  g_string_append (s, "    ssl_protocols TLSv1.2 TLSv1.3;\n\n");
  g_string_append (s, "    location = /.well-known/mta-sts.txt {\n");
  /* An empty types map makes default_type the only content type. */
  g_string_append (s, "        types { }\n");
  g_string_append (s, "        default_type text/plain;\n");
  g_string_append_printf (s, "        return 200 %s;\n", body);
  g_string_append (s, "    }\n\n");
  g_string_append (s, "    location / {\n");
  g_string_append (s, "        return 404;\n");
  g_string_append (s, "    }\n");
  g_string_append (s, "}\n");
  return g_string_free (s, FALSE);
}

static char *
export_apache (const MtsSetup *setup)
{
  GString *s = g_string_new (NULL);
  g_autofree char *host = mts_setup_get_policy_host (setup);
  g_autofree char *cert = certificate_file (setup, host);
  g_autofree char *key = certificate_key_file (setup, host);
  g_autofree char *root = g_strdup_printf ("/var/www/%s", host);

  append_server_comments (s, setup, "#");
  g_string_append (s, "# ");
  g_string_append_printf (s, _("Save the policy file (the “policy” export) as %s/.well-known/mta-sts.txt."), root);
  g_string_append (s, "\n# ");
  g_string_append (s, _("Needs mod_ssl (on Debian and Ubuntu: a2enmod ssl)."));
  g_string_append (s, "\n");
  g_string_append (s, "<VirtualHost *:443>\n");
  g_string_append_printf (s, "    ServerName %s\n\n", host);
  g_string_append (s, "    SSLEngine on\n");
  g_string_append_printf (s, "    SSLCertificateFile %s\n", cert);
  g_string_append_printf (s, "    SSLCertificateKeyFile %s\n\n", key);
  g_string_append_printf (s, "    DocumentRoot %s\n", root);
  g_string_append_printf (s, "    <Directory %s>\n", root);
  g_string_append (s, "        Options None\n");
  g_string_append (s, "        AllowOverride None\n");
  g_string_append (s, "        Require all granted\n");
  g_string_append (s, "    </Directory>\n\n");
  g_string_append (s, "    <Location \"/.well-known/mta-sts.txt\">\n");
  g_string_append (s, "        ForceType text/plain\n");
  g_string_append (s, "    </Location>\n\n");
  g_string_append (s, "    <IfModule mod_rewrite.c>\n");
  g_string_append (s, "        RewriteEngine Off\n");
  g_string_append (s, "    </IfModule>\n");
  g_string_append (s, "</VirtualHost>\n");
  return g_string_free (s, FALSE);
}

static char *
export_caddy (const MtsSetup *setup)
{
  GString *s = g_string_new (NULL);
  g_autofree char *host = mts_setup_get_policy_host (setup);
  g_autofree char *root = g_strdup_printf ("/var/www/%s", host);

  append_server_comments (s, setup, "#");
  g_string_append (s, "# ");
  g_string_append_printf (s, _("Save the policy file (the “policy” export) as %s/.well-known/mta-sts.txt."), root);
  g_string_append (s, "\n# ");
  g_string_append (s, _("Caddy gets and renews the certificate for this name by itself."));
  g_string_append (s, "\n");
  g_string_append_printf (s, "%s {\n", host);
  g_string_append (s, "\thandle /.well-known/mta-sts.txt {\n");
  g_string_append_printf (s, "\t\troot * %s\n", root);
  g_string_append (s, "\t\theader Content-Type text/plain\n");
  g_string_append (s, "\t\tfile_server\n");
  g_string_append (s, "\t}\n");
  g_string_append (s, "\thandle {\n");
  g_string_append (s, "\t\trespond 404\n");
  g_string_append (s, "\t}\n");
  g_string_append (s, "}\n");
  return g_string_free (s, FALSE);
}

static char *
export_static (const MtsSetup *setup)
{
  GString *s = g_string_new (NULL);
  g_autoptr(MtsPolicy) policy = mts_setup_get_policy (setup);
  g_autofree char *policy_text = mts_policy_serialize (policy);
  g_autofree char *host = mts_setup_get_policy_host (setup);
  g_autofree char *url = mts_setup_get_policy_url (setup);
  g_autofree char *text = NULL;

  g_string_append_printf (s, _("Serving the MTA-STS policy of %s from a static web host"), setup->domain);
  g_string_append (s, "\n\n");

  g_string_append (s, _("1. In the root of the site, create the folder .well-known and in it the file mta-sts.txt with exactly this text:"));
  g_string_append (s, "\n\n");
  append_indented (s, policy_text, "       ");
  g_string_append_c (s, '\n');

  text = g_strdup_printf (_("2. Add %s as the site’s custom domain in the host’s settings, and create the DNS record the host asks for "
                            "(usually a CNAME record for %s). Turn on HTTPS: the certificate must be valid for %s."),
                          host, host, host);
  append_wrapped (s, "", text);
  g_string_append_c (s, '\n');

  append_wrapped (s, "", _("3. The file must be served with status 200 and the content type text/plain, and without a redirect: senders "
                           "do not follow redirects. Turn off anything that redirects this address (to another domain, to “www”, "
                           "or to add or remove a slash)."));
  g_string_append_c (s, '\n');

  append_wrapped (s, "   ", _("GitHub Pages: add an empty file named .nojekyll to the root of the repository. Without it, Jekyll leaves "
                               "out folders whose names start with a dot, such as .well-known. GitHub Pages serves .txt files as text/plain."));
  append_wrapped (s, "   ", _("Netlify and Cloudflare Pages: add a file named _headers to the root of the site with these two lines:"));
  g_string_append (s, "\n       /.well-known/mta-sts.txt\n         Content-Type: text/plain\n\n");

  g_free (text);
  text = g_strdup_printf (_("4. Check: open %s in a web browser. It must show the text above, with no warning about the certificate, "
                            "and the address must stay the same."),
                          url);
  append_wrapped (s, "", text);
  return g_string_free (s, FALSE);
}

/**
 * mts_export:
 * @setup: a complete, checked setup
 * @format: what to write
 *
 * Returns: (transfer full): the export, ending with a newline.
 */
char *
mts_export (const MtsSetup  *setup,
            MtsExportFormat  format)
{
  g_return_val_if_fail (setup != NULL, NULL);
  g_return_val_if_fail (setup->domain != NULL && setup->id != NULL, NULL);

  switch (format)
    {
    case MTS_EXPORT_TEXT:
      return export_text (setup);
    case MTS_EXPORT_ZONE:
      return export_zone (setup);
    case MTS_EXPORT_CSV:
      return export_csv (setup);
    case MTS_EXPORT_JSON:
      return export_json (setup);
    case MTS_EXPORT_POLICY:
      {
        g_autoptr(MtsPolicy) policy = mts_setup_get_policy (setup);

        return mts_policy_serialize (policy);
      }
    case MTS_EXPORT_NGINX:
      return export_nginx (setup);
    case MTS_EXPORT_APACHE:
      return export_apache (setup);
    case MTS_EXPORT_CADDY:
      return export_caddy (setup);
    case MTS_EXPORT_STATIC:
      return export_static (setup);
    default:
      g_return_val_if_reached (NULL);
    }
}
