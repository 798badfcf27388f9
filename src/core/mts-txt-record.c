/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-txt-record.c: the _mta-sts and _smtp._tls TXT records: check, classify, generate.
 *
 * The two records share one grammar (RFC 8461 §3.1, RFC 8460 §3): a version
 * field first, then "name=value" fields separated by *WSP ";" *WSP, with an
 * optional trailing delimiter.  The checker behaves like a strict sender:
 * whatever the ABNF or the "exactly one record beginning with v=...;" rule
 * rejects is an error, because some senders will then act as if the domain
 * had no record at all.  Unknown fields are fine (senders must ignore them)
 * and are reported as notes.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mts-diagnostic.h"
#include "mts-domain.h"
#include "mts-txt-record.h"

#define MAX_ID_LENGTH 32
#define MAX_EXT_NAME_LENGTH 32

/* Findings that both records can have; the codes differ only by prefix. */
typedef enum
{
  CODE_MISSING,
  CODE_MULTIPLE,
  CODE_EMPTY,
  CODE_NOT_ASCII,
  CODE_VERSION,
  CODE_SPACE_BEFORE_SEMICOLON,
  CODE_TRAILING_SPACE,
  CODE_SYNTAX,
  CODE_SPACE_AROUND_EQUALS,
  CODE_EXTENSION,
  CODE_EXTENSION_INVALID,
  CODE_SPF,
  CODE_DMARC,
  CODE_DKIM,
  CODE_OTHER_KIND,
  CODE_UNRELATED,
  N_CODES
} Code;

static const char *const codes[2][N_CODES] = {
  [MTS_TXT_KIND_STS] = {
    [CODE_MISSING] = "sts-record-missing",
    [CODE_MULTIPLE] = "sts-record-multiple",
    [CODE_EMPTY] = "sts-record-empty",
    [CODE_NOT_ASCII] = "sts-record-not-ascii",
    [CODE_VERSION] = "sts-record-version",
    [CODE_SPACE_BEFORE_SEMICOLON] = "sts-record-space-before-semicolon",
    [CODE_TRAILING_SPACE] = "sts-record-trailing-space",
    [CODE_SYNTAX] = "sts-record-syntax",
    [CODE_SPACE_AROUND_EQUALS] = "sts-record-space-around-equals",
    [CODE_EXTENSION] = "sts-record-extension",
    [CODE_EXTENSION_INVALID] = "sts-record-extension-invalid",
    [CODE_SPF] = "sts-record-spf",
    [CODE_DMARC] = "sts-record-dmarc",
    [CODE_DKIM] = "sts-record-dkim",
    [CODE_OTHER_KIND] = "sts-record-tlsrpt",
    [CODE_UNRELATED] = "sts-record-unrelated",
  },
  [MTS_TXT_KIND_TLSRPT] = {
    [CODE_MISSING] = "tlsrpt-record-missing",
    [CODE_MULTIPLE] = "tlsrpt-record-multiple",
    [CODE_EMPTY] = "tlsrpt-record-empty",
    [CODE_NOT_ASCII] = "tlsrpt-record-not-ascii",
    [CODE_VERSION] = "tlsrpt-record-version",
    [CODE_SPACE_BEFORE_SEMICOLON] = "tlsrpt-record-space-before-semicolon",
    [CODE_TRAILING_SPACE] = "tlsrpt-record-trailing-space",
    [CODE_SYNTAX] = "tlsrpt-record-syntax",
    [CODE_SPACE_AROUND_EQUALS] = "tlsrpt-record-space-around-equals",
    [CODE_EXTENSION] = "tlsrpt-record-extension",
    [CODE_EXTENSION_INVALID] = "tlsrpt-record-extension-invalid",
    [CODE_SPF] = "tlsrpt-record-spf",
    [CODE_DMARC] = "tlsrpt-record-dmarc",
    [CODE_DKIM] = "tlsrpt-record-dkim",
    [CODE_OTHER_KIND] = "tlsrpt-record-sts",
    [CODE_UNRELATED] = "tlsrpt-record-unrelated",
  },
};

typedef struct
{
  /* The first field, exactly as it must be written. */
  const char *version_field;
  /* The prefix a record must have to count (RFC 8461 §3.1, RFC 8460 §3). */
  const char *counted_prefix;
  /* The owner name's first labels. */
  const char *name_prefix;
  /* The field that must be present. */
  const char *required_field;
  const char *reference;
} KindInfo;

static const KindInfo kinds[2] = {
  [MTS_TXT_KIND_STS] = { "v=STSv1", "v=STSv1;", "_mta-sts", "id", "RFC 8461 §3.1" },
  [MTS_TXT_KIND_TLSRPT] = { "v=TLSRPTv1", "v=TLSRPTv1;", "_smtp._tls", "rua", "RFC 8460 §3" },
};

#define REF_URI "RFC 8460 §3"

static gboolean
is_wsp (char c)
{
  return c == ' ' || c == '\t';
}

static const char *
skip_wsp (const char *p)
{
  while (is_wsp (*p))
    p++;
  return p;
}

static void
extension_free (MtsTxtExtension *extension)
{
  g_free (extension->name);
  g_free (extension->value);
  g_free (extension);
}

void
mts_txt_record_free (MtsTxtRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->id);
  g_strfreev (record->rua);
  g_clear_pointer (&record->extensions, g_ptr_array_unref);
  g_free (record);
}

static MtsTxtRecord *
record_new (MtsTxtKind kind)
{
  MtsTxtRecord *record = g_new0 (MtsTxtRecord, 1);

  record->kind = kind;
  record->extensions = g_ptr_array_new_with_free_func ((GDestroyNotify) extension_free);
  return record;
}

static guint
count_errors (GPtrArray *diagnostics)
{
  guint n = 0;

  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (diagnostics, i);

      if (d->severity == MTS_SEVERITY_ERROR)
        n++;
    }
  return n;
}

static const char *
kind_record_name (MtsTxtKind kind)
{
  return kind == MTS_TXT_KIND_STS ? _("MTA-STS record") : _("TLS reporting record");
}

/* The same with its article, for "this is not ...". */
static const char *
kind_a_record (MtsTxtKind kind)
{
  return kind == MTS_TXT_KIND_STS ? _("an MTA-STS record") : _("a TLS reporting record");
}

/* Why a value that should start with the version field does not.  The
 * record is then discarded by every sender, so this is always an error. */
static void
report_version (MtsTxtKind  kind,
                const char *value,
                GPtrArray  *diagnostics)
{
  const KindInfo *k = &kinds[kind];
  const char *code = codes[kind][CODE_VERSION];
  gsize vlen = strlen (k->version_field);
  const char *p = skip_wsp (value);
  MtsTxtClass class = mts_txt_classify (value);
  gboolean own_class = (kind == MTS_TXT_KIND_STS && class == MTS_TXT_CLASS_STS) ||
                       (kind == MTS_TXT_KIND_TLSRPT && class == MTS_TXT_CLASS_TLSRPT);

  if (p != value && g_str_has_prefix (p, k->version_field))
    {
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 1, code, k->reference,
                           _("The record starts with a space. Remove it: the record must begin with “%s”."),
                           k->version_field);
      return;
    }

  if (own_class)
    {
      const char *eq = strchr (p, '=');
      g_autofree char *token = NULL;
      gsize len;

      /* "v = STSv1" */
      if ((p[0] == 'v' || p[0] == 'V') && (is_wsp (p[1]) || (eq != NULL && eq[1] != '\0' && is_wsp (eq[1]))))
        {
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 1, code, k->reference,
                               _("Remove the spaces around “=”: the record must begin with “%s”."),
                               k->version_field);
          return;
        }
      if (g_ascii_strncasecmp (p, k->version_field, vlen) == 0 &&
          (p[vlen] == '\0' || p[vlen] == ';' || is_wsp (p[vlen])))
        {
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 1, code, k->reference,
                               _("Write “%s” exactly like this: capital and small letters matter, and senders ignore “%.*s”."),
                               k->version_field, (int) vlen, p);
          return;
        }
      len = strcspn (p, "; \t");
      token = g_strndup (p, len);
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 1, code, k->reference,
                           _("“%s” is not a version senders know. Change it to “%s”, the only version there is."),
                           token, k->version_field);
      return;
    }

  if (strstr (value, k->version_field) != NULL)
    {
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 1, code, k->reference,
                           _("“%s” must be the first field of the record. Move it to the front."),
                           k->version_field);
      return;
    }

  switch (class)
    {
    case MTS_TXT_CLASS_SPF:
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 1, code, k->reference,
                           _("This looks like an SPF record (v=spf1), not %s, which begins with “%s;”."),
                           kind_a_record (kind), k->version_field);
      break;
    case MTS_TXT_CLASS_DMARC:
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 1, code, k->reference,
                           _("This looks like a DMARC record (v=DMARC1), not %s, which begins with “%s;”."),
                           kind_a_record (kind), k->version_field);
      break;
    case MTS_TXT_CLASS_STS:
    case MTS_TXT_CLASS_TLSRPT:
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 1, code, k->reference,
                           _("This is %s, not %s, which begins with “%s;”."),
                           kind_a_record (kind == MTS_TXT_KIND_STS ? MTS_TXT_KIND_TLSRPT : MTS_TXT_KIND_STS),
                           kind_a_record (kind), k->version_field);
      break;
    case MTS_TXT_CLASS_EMPTY:
    case MTS_TXT_CLASS_DKIM:
    case MTS_TXT_CLASS_OTHER:
    default:
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 1, code, k->reference,
                           _("This is not %s: it must begin with “%s;”."),
                           kind_a_record (kind), k->version_field);
      break;
    }
}

static gboolean
is_ext_name (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > MAX_EXT_NAME_LENGTH || !g_ascii_isalnum (name[0]))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '_' && name[i] != '-' && name[i] != '.')
      return FALSE;
  return TRUE;
}

/* sts-ext-value / tlsrpt-ext-value: 1*(%x21-3A / %x3C / %x3E-7E) */
static gboolean
is_ext_value (const char *value)
{
  if (value[0] == '\0')
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c < 0x21 || c > 0x7e || c == ';' || c == '=')
        return FALSE;
    }
  return TRUE;
}

gboolean
mts_sts_id_is_valid (const char *id)
{
  gsize len;

  g_return_val_if_fail (id != NULL, FALSE);

  len = strlen (id);
  if (len == 0 || len > MAX_ID_LENGTH)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (id[i]))
      return FALSE;
  return TRUE;
}

/* The id with only its letters and digits, cut to 32: what to write instead. */
static char *
id_suggestion (const char *id)
{
  GString *s = g_string_new (NULL);

  for (const char *p = id; *p != '\0' && s->len < MAX_ID_LENGTH; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (s, *p);
  return g_string_free (s, FALSE);
}

static void
check_id (const char *id,
          guint       field,
          GPtrArray  *diagnostics)
{
  const char *ref = kinds[MTS_TXT_KIND_STS].reference;
  gsize len = strlen (id);
  g_autofree char *suggestion = NULL;

  if (len == 0)
    {
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, "sts-record-id-invalid", ref,
                           _("The id is empty. Write 1 to 32 letters or digits after “id=”, for example a date and time such as 20261128T153000."));
      return;
    }

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (id[i]))
      {
        suggestion = id_suggestion (id);
        if (suggestion[0] != '\0')
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, "sts-record-id-invalid", ref,
                               _("The id “%s” contains “%c”, but an id can only have letters and digits. Write it as “%s”, for example."),
                               id, id[i], suggestion);
        else
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, "sts-record-id-invalid", ref,
                               _("The id “%s” contains “%c”, but an id can only have letters and digits, such as 20261128T153000."),
                               id, id[i]);
        return;
      }

  if (len > MAX_ID_LENGTH)
    mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, "sts-record-id-too-long", ref,
                         _("The id is %u characters long; it can have at most %u. Shorten it, for example to “%.32s”."),
                         (guint) len, MAX_ID_LENGTH, id);
}

static gboolean
is_uri_char (char c)
{
  /* RFC 3986 unreserved, reserved and "%" for pct-encoded. */
  return g_ascii_isalnum (c) || strchr ("-._~:/?#[]@!$&'()*+,;=%", c) != NULL;
}

static gboolean
check_mailto_address (const char *uri,
                      const char *address,
                      guint       line,
                      GPtrArray  *diagnostics)
{
  const char *at = strrchr (address, '@');
  g_autofree char *domain = NULL;
  g_autoptr(GError) error = NULL;
  /* The address is percent-decoded: it may hold any byte. */
  g_autofree char *shown = g_utf8_make_valid (address, -1);

  if (address[0] == '\0')
    {
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-malformed", REF_URI,
                           _("“%s” has no email address after “mailto:”. Write one, such as mailto:tlsrpt@example.com."),
                           uri);
      return FALSE;
    }
  if (at == NULL || at == address || at[1] == '\0')
    {
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-malformed", REF_URI,
                           _("“%s” in “%s” is not a complete email address: it needs a name, an “@” and a domain, such as tlsrpt@example.com."),
                           shown, uri);
      return FALSE;
    }
  domain = g_ascii_strdown (at + 1, -1);
  if (!mts_hostname_check_ascii (domain, &error))
    {
      g_autofree char *reason = g_utf8_make_valid (error->message, -1);

      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-malformed", REF_URI,
                           _("The domain of the address in “%s” is not valid: %s"),
                           uri, reason);
      return FALSE;
    }
  return TRUE;
}

/**
 * mts_tlsrpt_uri_check:
 * @uri: one rua URI as written in the record (percent-encoded)
 * @line: the field number for the diagnostics
 * @diagnostics: where findings go
 *
 * Checks what RFC 8460 §3 asks of a rua URI: a mailto: address or an
 * https: URL, well-formed (RFC 3986, parsed with GUri), with "!" encoded.
 * A comma or ";" cannot be checked here: inside a record they already ended
 * the URI.
 *
 * Returns: %TRUE when it has no error.
 */
gboolean
mts_tlsrpt_uri_check (const char *uri,
                      guint       line,
                      GPtrArray  *diagnostics)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GError) error = NULL;
  const char *bang;
  g_autofree char *scheme = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (diagnostics != NULL, FALSE);

  /* Messages quote the URI; what someone typed may not even be UTF-8. */
  display = g_utf8_make_valid (uri, -1);

  bang = strchr (uri, '!');
  if (bang != NULL)
    {
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-unencoded", REF_URI,
                           _("“%s” contains “!”, which must be written as %%21 inside a report address."),
                           display);
      return FALSE;
    }

  for (const char *p = uri; *p != '\0'; p++)
    if (!is_uri_char (*p))
      {
        if (is_wsp (*p))
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-malformed", REF_URI,
                               _("“%s” contains a space. Remove it; to list several addresses, separate them with commas."),
                               display);
        else if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f)
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-malformed", REF_URI,
                               _("“%s” contains a character that cannot appear in an address. Type it again using plain letters, digits and punctuation."),
                               display);
        else
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-malformed", REF_URI,
                               _("“%s” contains “%c”, which cannot appear in an address. Remove it or write it percent-encoded (%%%02X)."),
                               display, *p, (guint) (guchar) *p);
        return FALSE;
      }

  scheme = g_uri_parse_scheme (uri);
  if (scheme != NULL)
    {
      /* Schemes are case-insensitive (RFC 3986 §3.1). */
      char *lower = g_ascii_strdown (scheme, -1);

      g_free (scheme);
      scheme = lower;
    }
  if (scheme == NULL)
    {
      if (strchr (uri, '@') != NULL)
        mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-scheme", REF_URI,
                             _("“%s” needs “mailto:” in front: write mailto:%s."),
                             display, display);
      else
        mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-scheme", REF_URI,
                             _("“%s” is neither a mailto: address nor an https: URL. Write mailto: and an email address, or an https:// URL."),
                             display);
      return FALSE;
    }
  if (g_str_equal (scheme, "http"))
    {
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-scheme", REF_URI,
                           _("“%s” uses http:, but reports are only sent to https: URLs. Write https:// instead."),
                           display);
      return FALSE;
    }
  if (!g_str_equal (scheme, "mailto") && !g_str_equal (scheme, "https"))
    {
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-scheme", REF_URI,
                           _("“%s” uses “%s:”, but reports can only go to mailto: or https: addresses."),
                           display, scheme);
      return FALSE;
    }

  parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, &error);
  if (parsed == NULL)
    {
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-malformed", REF_URI,
                           _("“%s” is not a valid address: %s"), display, error->message);
      return FALSE;
    }

  if (g_str_equal (scheme, "mailto"))
    {
      /* RFC 6068: the path is one or more addresses; a comma between them
       * reaches us percent-encoded, as RFC 8460 requires. */
      g_auto(GStrv) addresses = g_strsplit (g_uri_get_path (parsed), ",", -1);
      gboolean ok = TRUE;

      if (g_uri_get_host (parsed) != NULL)
        {
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-malformed", REF_URI,
                               _("“%s” is not an email address: write mailto: directly followed by the address, without “//”."),
                               display);
          return FALSE;
        }
      if (addresses[0] == NULL)
        return check_mailto_address (uri, "", line, diagnostics);
      for (guint i = 0; addresses[i] != NULL && ok; i++)
        ok = check_mailto_address (uri, addresses[i], line, diagnostics);
      return ok;
    }
  else
    {
      const char *host = g_uri_get_host (parsed);
      g_autofree char *lower = NULL;

      if (host == NULL || host[0] == '\0')
        {
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-malformed", REF_URI,
                               _("“%s” has no host name. Write a full URL, such as https://reports.example.com/tlsrpt."),
                               display);
          return FALSE;
        }
      if (g_hostname_is_ip_address (host))
        return TRUE;
      lower = g_ascii_strdown (host, -1);
      if (!mts_hostname_check_ascii (lower, &error))
        {
          g_autofree char *reason = g_utf8_make_valid (error->message, -1);

          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "tlsrpt-record-rua-malformed", REF_URI,
                               _("The host name in “%s” is not valid: %s"), display, reason);
          return FALSE;
        }
      return TRUE;
    }
}

/* rua=URI *(*WSP "," *WSP URI): a comma always separates (one inside a URI
 * must be %2C), so a piece without a scheme after a mailto: is the classic
 * "mailto:a@x,b@x" where the second address lost its scheme. */
static GStrv
parse_rua (const char *list,
           guint       field,
           GPtrArray  *diagnostics)
{
  g_auto(GStrv) pieces = g_strsplit (list, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean ok = TRUE;
  guint n = g_strv_length (pieces);

  if (n == 0 || (n == 1 && g_strstrip (pieces[0])[0] == '\0'))
    {
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, "tlsrpt-record-rua-empty", REF_URI,
                           _("“rua=” has no address. Write where reports should go, such as rua=mailto:tlsrpt@example.com."));
      return NULL;
    }

  for (guint i = 0; i < n; i++)
    {
      char *uri = g_strstrip (pieces[i]);

      if (uri[0] == '\0')
        {
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, "tlsrpt-record-rua-empty", REF_URI,
                               _("There is an empty entry in the rua list (two commas in a row, or a comma at the start or end). Remove the extra comma."));
          ok = FALSE;
          continue;
        }
      if (i > 0 && g_uri_peek_scheme (uri) == NULL && strchr (uri, '@') != NULL &&
          g_uri_peek_scheme (pieces[i - 1]) != NULL &&
          g_ascii_strcasecmp (g_uri_peek_scheme (pieces[i - 1]), "mailto") == 0)
        {
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, "tlsrpt-record-rua-unencoded", REF_URI,
                               _("The comma before “%s” separates report addresses, so “%s” is read as an address without “mailto:”. "
                                 "Write “mailto:” before each address (…,mailto:%s), or write the comma as %%2C to keep one mailto: with two addresses."),
                               uri, uri, uri);
          ok = FALSE;
          continue;
        }
      if (!mts_tlsrpt_uri_check (uri, field, diagnostics))
        ok = FALSE;
      else
        g_strv_builder_add (builder, uri);
    }

  if (!ok)
    return NULL;

  if (n > 1)
    mts_diagnostics_add (diagnostics, MTS_SEVERITY_NOTE, field, "tlsrpt-record-rua-several", REF_URI,
                         _("There are %u report addresses. Senders may send each report to only one of them, so every address should be able to receive reports."),
                         n);
  return g_strv_builder_end (builder);
}

static MtsTxtRecord *
parse_value (MtsTxtKind  kind,
             const char *value,
             GPtrArray  *diagnostics)
{
  const KindInfo *k = &kinds[kind];
  g_autoptr(MtsTxtRecord) record = record_new (kind);
  guint errors_before = count_errors (diagnostics);
  gsize vlen = strlen (k->version_field);
  const char *p;
  guint field = 1;
  g_autofree char *miscased_required = NULL;
  gboolean seen_required = FALSE;

  if (value[0] == '\0')
    {
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 0, codes[kind][CODE_EMPTY], k->reference,
                           _("The record is empty. It must begin with “%s;”."), k->version_field);
      return NULL;
    }

  for (p = value; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      {
        mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 0, codes[kind][CODE_NOT_ASCII], k->reference,
                             _("The record contains characters that are not plain ASCII (such as accented letters or curly quotes). "
                               "Type it again with plain letters, digits and punctuation."));
        return NULL;
      }

  if (!g_str_has_prefix (value, k->version_field) || g_ascii_isalnum (value[vlen]))
    {
      report_version (kind, value, diagnostics);
      return NULL;
    }
  if (value[vlen] != '\0' && value[vlen] != ';' && !is_wsp (value[vlen]))
    {
      /* "v=STSv1, id=..." or "v=STSv1:id=..." */
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 1, codes[kind][CODE_SYNTAX], k->reference,
                           _("“%s” must be followed by “;”, not “%c”. Write “%s; ” before the next field."),
                           k->version_field, value[vlen], k->version_field);
      return NULL;
    }

  p = value + vlen;
  for (;;)
    {
      const char *q = skip_wsp (p);
      const char *name_start;
      const char *value_start;
      g_autofree char *name = NULL;
      g_autofree char *field_value = NULL;

      if (*q == '\0')
        {
          if (q != p)
            mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, codes[kind][CODE_TRAILING_SPACE], k->reference,
                                 _("The record ends with a space. Remove it: strict senders ignore a record with a space at the end "
                                   "(a space is only allowed next to a “;”)."));
          break;
        }
      if (*q != ';')
        {
          if (field == 1)
            mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, codes[kind][CODE_SYNTAX], k->reference,
                                 _("“%s” must be followed by “;”. Write “%s; ” before the next field."),
                                 k->version_field, k->version_field);
          else
            mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, codes[kind][CODE_SYNTAX], k->reference,
                                 _("Field %u contains a space in its value, or two fields are not separated by “;”. "
                                   "Remove the space, or put “;” between the fields."),
                                 field);
          return NULL;
        }
      if (field == 1 && q != p)
        /* The ABNF allows "v=STSv1 ;", but RFC 8461 §3.1 discards every record
         * that does not begin with "v=STSv1;" (erratum 6285 reports the
         * conflict).  Senders that follow the prose never see such a
         * record, so for them the domain has no policy: an error. */
        mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, codes[kind][CODE_SPACE_BEFORE_SEMICOLON], k->reference,
                             _("Remove the space before the first “;”. Senders that follow the standard to the letter ignore every record "
                               "that does not begin with exactly “%s;”."),
                             k->version_field);

      q = skip_wsp (q + 1);
      if (*q == '\0')
        break;
      field++;
      if (*q == ';')
        {
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, codes[kind][CODE_SYNTAX], k->reference,
                               _("There are two “;” in a row with nothing between them. Remove one."));
          return NULL;
        }

      name_start = q;
      while (*q != '\0' && *q != '=' && *q != ';' && !is_wsp (*q))
        q++;
      name = g_strndup (name_start, q - name_start);
      if (*q != '=')
        {
          const char *r = skip_wsp (q);

          if (*r == '=')
            mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, codes[kind][CODE_SPACE_AROUND_EQUALS], k->reference,
                                 _("Remove the space between “%s” and “=”."), name);
          else if (strchr (name, ':') != NULL)
            mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, codes[kind][CODE_SYNTAX], k->reference,
                                 _("“%s” uses “:”; in this record a field is written name=value. Write “=” instead of the first “:”."),
                                 name);
          else
            mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, codes[kind][CODE_SYNTAX], k->reference,
                                 _("Field %u, “%s”, has no “=”. Every field is written name=value, and fields are separated by “;”."),
                                 field, name);
          return NULL;
        }
      q++;
      if (is_wsp (*q))
        {
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, codes[kind][CODE_SPACE_AROUND_EQUALS], k->reference,
                               _("Remove the space after “%s=”."), name);
          return NULL;
        }

      value_start = q;
      if (kind == MTS_TXT_KIND_TLSRPT && g_str_equal (name, "rua"))
        {
          /* The URI list may have spaces around its commas; the spaces
           * before the next ";" belong to the delimiter. */
          const char *end = value_start + strcspn (value_start, ";");

          while (end > value_start && is_wsp (end[-1]))
            end--;
          q = end;
        }
      else
        while (*q != '\0' && *q != ';' && !is_wsp (*q))
          q++;
      field_value = g_strndup (value_start, q - value_start);
      p = q;

      if (g_str_equal (name, k->required_field))
        {
          if (seen_required)
            {
              if (kind == MTS_TXT_KIND_STS)
                mts_diagnostics_add (diagnostics, MTS_SEVERITY_WARNING, field, "sts-record-id-duplicate", k->reference,
                                     _("There are two “id=” fields. Senders may read either one; keep only one."));
              else
                mts_diagnostics_add (diagnostics, MTS_SEVERITY_WARNING, field, "tlsrpt-record-rua-duplicate", k->reference,
                                     _("There are two “rua=” fields. Senders may read either one; put all addresses in one “rua=”, separated by commas."));
              continue;
            }
          seen_required = TRUE;
          if (kind == MTS_TXT_KIND_STS)
            {
              check_id (field_value, field, diagnostics);
              record->id = g_steal_pointer (&field_value);
            }
          else
            record->rua = parse_rua (field_value, field, diagnostics);
          continue;
        }

      if (g_ascii_strcasecmp (name, k->required_field) == 0)
        {
          /* "ID=": reported once, as the reason the id is missing. */
          if (miscased_required == NULL)
            miscased_required = g_strdup (name);
          continue;
        }

      if (!is_ext_name (name))
        {
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, codes[kind][CODE_EXTENSION_INVALID], k->reference,
                               _("“%s” is not a valid field name: a field name has 1 to 32 letters, digits, “_”, “-” or “.”, "
                                 "and starts with a letter or digit. Correct or remove this field."),
                               name);
          continue;
        }
      if (!is_ext_value (field_value))
        {
          if (field_value[0] == '\0')
            mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, codes[kind][CODE_EXTENSION_INVALID], k->reference,
                                 _("The field “%s” has no value after “=”. Give it a value or remove it."), name);
          else
            mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, field, codes[kind][CODE_EXTENSION_INVALID], k->reference,
                                 _("The value of “%s” contains “=” or a control character, which this record does not allow. Correct or remove this field."),
                                 name);
          continue;
        }

      {
        MtsTxtExtension *extension = g_new0 (MtsTxtExtension, 1);

        mts_diagnostics_add (diagnostics, MTS_SEVERITY_NOTE, field, codes[kind][CODE_EXTENSION], k->reference,
                             _("Senders do not know the field “%s” and ignore it. That is allowed; remove it if it is a typo."),
                             name);
        extension->name = g_steal_pointer (&name);
        extension->value = g_steal_pointer (&field_value);
        g_ptr_array_add (record->extensions, extension);
      }
    }

  if (!seen_required)
    {
      const char *code = kind == MTS_TXT_KIND_STS ? "sts-record-id-missing" : "tlsrpt-record-rua-missing";

      if (miscased_required != NULL)
        mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 0, code, k->reference,
                             _("Field names are case-sensitive: write “%s=” instead of “%s=”."),
                             k->required_field, miscased_required);
      else if (kind == MTS_TXT_KIND_STS)
        mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 0, code, k->reference,
                             _("The record has no “id=” field. Add one after “v=STSv1;”, such as “v=STSv1; id=20261128T153000”."));
      else
        mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 0, code, k->reference,
                             _("The record has no “rua=” field, so senders do not know where to send reports. "
                               "Add one, such as “v=TLSRPTv1; rua=mailto:tlsrpt@example.com”."));
    }

  if (count_errors (diagnostics) > errors_before)
    return NULL;
  return g_steal_pointer (&record);
}

/**
 * mts_txt_record_parse:
 * @kind: which record @value is meant to be
 * @value: one TXT record, its character-strings already joined
 * @diagnostics: where findings go; `line` is the 1-based field number
 *
 * Returns: (transfer full) (nullable): the record, or %NULL when a strict
 * sender would reject it (the reasons are in @diagnostics).
 */
MtsTxtRecord *
mts_txt_record_parse (MtsTxtKind  kind,
                      const char *value,
                      GPtrArray  *diagnostics)
{
  g_return_val_if_fail (kind == MTS_TXT_KIND_STS || kind == MTS_TXT_KIND_TLSRPT, NULL);
  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (diagnostics != NULL, NULL);

  return parse_value (kind, value, diagnostics);
}

static void
report_foreign (MtsTxtKind  kind,
                const char *domain,
                guint       index,
                const char *value,
                GPtrArray  *diagnostics)
{
  const KindInfo *k = &kinds[kind];
  const char *ref = k->reference;

  switch (mts_txt_classify (value))
    {
    case MTS_TXT_CLASS_SPF:
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_NOTE, 0, codes[kind][CODE_SPF], ref,
                           _("Record %u looks like your SPF record (v=spf1). It usually shows up here because of a wildcard TXT record "
                             "(*.%s). Senders ignore it here; once the %s is published at this name, the wildcard no longer applies to it."),
                           index, domain, kind_record_name (kind));
      break;
    case MTS_TXT_CLASS_DMARC:
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_NOTE, 0, codes[kind][CODE_DMARC], ref,
                           _("Record %u looks like your DMARC record (v=DMARC1), which belongs at _dmarc.%s. Senders ignore it here."),
                           index, domain);
      break;
    case MTS_TXT_CLASS_DKIM:
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_NOTE, 0, codes[kind][CODE_DKIM], ref,
                           _("Record %u looks like a DKIM key, which belongs at SELECTOR._domainkey.%s. Senders ignore it here."),
                           index, domain);
      break;
    case MTS_TXT_CLASS_TLSRPT:
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_NOTE, 0, codes[kind][CODE_OTHER_KIND], ref,
                           _("Record %u is a TLS reporting record (v=TLSRPTv1). It belongs at _smtp._tls.%s, not at _mta-sts; move it there."),
                           index, domain);
      break;
    case MTS_TXT_CLASS_STS:
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_NOTE, 0, codes[kind][CODE_OTHER_KIND], ref,
                           _("Record %u is an MTA-STS record (v=STSv1). It belongs at _mta-sts.%s, not at _smtp._tls; move it there."),
                           index, domain);
      break;
    case MTS_TXT_CLASS_EMPTY:
    case MTS_TXT_CLASS_OTHER:
    default:
      mts_diagnostics_add (diagnostics, MTS_SEVERITY_NOTE, 0, codes[kind][CODE_UNRELATED], ref,
                           _("Record %u does not begin with “%s;”, so senders ignore it."),
                           index, k->version_field);
      break;
    }
}

/**
 * mts_txt_record_parse_set:
 * @kind: which record is looked for
 * @records: every TXT record at the name, each one's strings already joined
 * @n_records: the number of @records, or -1 if %NULL-terminated
 * @diagnostics: where findings go
 *
 * Applies RFC 8461 §3.1 / RFC 8460 §3: records that do not begin with
 * "v=STSv1;" (or "v=TLSRPTv1;") are discarded; if not exactly one is left,
 * the domain has no record.  Records that look like an attempt at the right
 * record but are discarded (a wrong case, a space before the ";") are errors,
 * because some senders will count them; unrelated records are notes that
 * say what they are.
 *
 * Returns: (transfer full) (nullable): the one record, or %NULL.
 */
MtsTxtRecord *
mts_txt_record_parse_set (MtsTxtKind         kind,
                          const char *const *records,
                          gssize             n_records,
                          GPtrArray         *diagnostics)
{
  return mts_txt_record_parse_set_for (kind, NULL, records, n_records, diagnostics);
}

/**
 * mts_txt_record_parse_set_for:
 * @domain: (nullable): the mail domain the records belong to, for the
 *   messages; %NULL when it is not known
 *
 * Like mts_txt_record_parse_set(), with messages that name the records'
 * places in @domain ("_mta-sts.example.com").
 */
MtsTxtRecord *
mts_txt_record_parse_set_for (MtsTxtKind         kind,
                              const char        *domain,
                              const char *const *records,
                              gssize             n_records,
                              GPtrArray         *diagnostics)
{
  const KindInfo *k;
  guint errors_before;
  guint n_counted = 0;
  const char *counted = NULL;
  g_autoptr(MtsTxtRecord) record = NULL;
  gsize n;

  g_return_val_if_fail (kind == MTS_TXT_KIND_STS || kind == MTS_TXT_KIND_TLSRPT, NULL);
  g_return_val_if_fail (records != NULL || n_records == 0, NULL);
  g_return_val_if_fail (diagnostics != NULL, NULL);

  /* Translators: stands for the user's domain in "_mta-sts.your-domain"
   * when the checker was given records without their domain. */
  if (domain == NULL)
    domain = _("your-domain");
  k = &kinds[kind];
  errors_before = count_errors (diagnostics);
  n = n_records >= 0 ? (gsize) n_records : g_strv_length ((GStrv) records);

  for (gsize i = 0; i < n; i++)
    {
      MtsTxtClass class;

      if (g_str_has_prefix (records[i], k->counted_prefix))
        {
          n_counted++;
          counted = records[i];
          continue;
        }

      class = mts_txt_classify (records[i]);
      if ((kind == MTS_TXT_KIND_STS && class == MTS_TXT_CLASS_STS) ||
          (kind == MTS_TXT_KIND_TLSRPT && class == MTS_TXT_CLASS_TLSRPT))
        {
          /* Meant to be the record, but discarded: say why, in its words. */
          g_autoptr(MtsTxtRecord) discarded = parse_value (kind, records[i], diagnostics);

          g_assert (discarded == NULL);
        }
      else if (class != MTS_TXT_CLASS_EMPTY)
        report_foreign (kind, domain, (guint) i + 1, records[i], diagnostics);
    }

  if (n_counted == 0)
    {
      if (n == 0)
        mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 0, codes[kind][CODE_MISSING], k->reference,
                             _("There is no TXT record at %s.%s. Publish one that begins with “%s;”."),
                             k->name_prefix, domain, k->version_field);
      else
        mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 0, codes[kind][CODE_MISSING], k->reference,
                             _("None of the TXT records here begins with “%s;”, so senders act as if there were none. "
                               "Publish one record that begins exactly like that."),
                             k->version_field);
    }
  else if (n_counted > 1)
    mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 0, codes[kind][CODE_MULTIPLE], k->reference,
                         _("There are %u records that begin with “%s;”. With more than one, senders act as if there were none. "
                           "Keep only the current one and delete the others."),
                         n_counted, k->version_field);
  else
    record = parse_value (kind, counted, diagnostics);

  if (count_errors (diagnostics) > errors_before)
    return NULL;
  return g_steal_pointer (&record);
}

/**
 * mts_txt_record_join_strings:
 * @strings: the character-strings of one TXT record, in order
 * @n_strings: their number, or -1 if %NULL-terminated
 *
 * RFC 8461 §3.1 / RFC 8460 §3: "treated as if those strings are
 * concatenated without adding spaces".
 *
 * Returns: (transfer full): the value.
 */
char *
mts_txt_record_join_strings (const char *const *strings,
                             gssize             n_strings)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (strings != NULL || n_strings == 0, NULL);

  for (gssize i = 0; n_strings < 0 ? strings[i] != NULL : i < n_strings; i++)
    g_string_append (s, strings[i]);
  return g_string_free (s, FALSE);
}

/**
 * mts_txt_record_guess_kind:
 *
 * Returns: %TRUE and the kind when @value looks like one of the two records
 * (by its v= field, in any spelling).
 */
gboolean
mts_txt_record_guess_kind (const char *value,
                           MtsTxtKind *kind)
{
  switch (mts_txt_classify (value))
    {
    case MTS_TXT_CLASS_STS:
      *kind = MTS_TXT_KIND_STS;
      return TRUE;
    case MTS_TXT_CLASS_TLSRPT:
      *kind = MTS_TXT_KIND_TLSRPT;
      return TRUE;
    case MTS_TXT_CLASS_EMPTY:
    case MTS_TXT_CLASS_SPF:
    case MTS_TXT_CLASS_DMARC:
    case MTS_TXT_CLASS_DKIM:
    case MTS_TXT_CLASS_OTHER:
    default:
      return FALSE;
    }
}

gboolean
mts_txt_record_equal (const MtsTxtRecord *a,
                      const MtsTxtRecord *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL || a->kind != b->kind)
    return FALSE;
  if (g_strcmp0 (a->id, b->id) != 0)
    return FALSE;
  if ((a->rua == NULL) != (b->rua == NULL) ||
      (a->rua != NULL && !g_strv_equal ((const char *const *) a->rua, (const char *const *) b->rua)))
    return FALSE;
  if (a->extensions->len != b->extensions->len)
    return FALSE;
  for (guint i = 0; i < a->extensions->len; i++)
    {
      const MtsTxtExtension *ea = g_ptr_array_index (a->extensions, i);
      const MtsTxtExtension *eb = g_ptr_array_index (b->extensions, i);

      if (!g_str_equal (ea->name, eb->name) || !g_str_equal (ea->value, eb->value))
        return FALSE;
    }
  return TRUE;
}

/**
 * mts_tlsrpt_uri_encode:
 * @uri: one report address
 *
 * Returns: (transfer full): @uri with ",", "!" and ";" percent-encoded, as
 * RFC 8460 §3 requires inside a rua list.
 */
char *
mts_tlsrpt_uri_encode (const char *uri)
{
  GString *s;

  g_return_val_if_fail (uri != NULL, NULL);

  s = g_string_new (NULL);
  for (const char *p = uri; *p != '\0'; p++)
    {
      if (*p == ',' || *p == '!' || *p == ';')
        g_string_append_printf (s, "%%%02X", (guint) (guchar) *p);
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

/**
 * mts_txt_classify:
 * @value: a TXT value (its strings joined)
 *
 * Says what a TXT value looks like, whatever its spelling: "V = stsv1" is
 * still an attempt at an MTA-STS record.
 */
MtsTxtClass
mts_txt_classify (const char *value)
{
  GString *first = g_string_new (NULL);
  g_autofree char *lower = NULL;
  MtsTxtClass class;

  g_return_val_if_fail (value != NULL, MTS_TXT_CLASS_OTHER);

  /* The first field, without spaces, in lower case. */
  for (const char *p = value; *p != '\0' && *p != ';'; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (first, g_ascii_tolower (*p));
  lower = g_string_free (first, FALSE);

  if (lower[0] == '\0' && skip_wsp (value)[0] == '\0')
    class = MTS_TXT_CLASS_EMPTY;
  else if (g_str_has_prefix (lower, "v=stsv"))
    class = MTS_TXT_CLASS_STS;
  else if (g_str_has_prefix (lower, "v=tlsrptv"))
    class = MTS_TXT_CLASS_TLSRPT;
  else if (g_str_has_prefix (lower, "v=spf1"))
    class = MTS_TXT_CLASS_SPF;
  else if (g_str_has_prefix (lower, "v=dmarc"))
    class = MTS_TXT_CLASS_DMARC;
  else if (g_str_has_prefix (lower, "v=dkim") ||
           ((g_str_has_prefix (lower, "k=") || g_str_has_prefix (lower, "p=")) &&
            strstr (value, "p=") != NULL))
    class = MTS_TXT_CLASS_DKIM;
  else
    class = MTS_TXT_CLASS_OTHER;
  return class;
}

static const struct
{
  MtsTxtPlace place;
  const char *prefix;
} place_prefixes[] = {
  { MTS_TXT_PLACE_MTA_STS, "_mta-sts" },
  { MTS_TXT_PLACE_SMTP_TLS, "_smtp._tls" },
  { MTS_TXT_PLACE_SMTP_TCP, "_smtp._tcp" },
  { MTS_TXT_PLACE_TLSRPT, "_tlsrpt" },
  { MTS_TXT_PLACE_SMTP_TLSRPT, "_smtp-tlsrpt" },
};

/**
 * mts_txt_place_prefix:
 *
 * Returns: (nullable): the labels before the domain ("_mta-sts"), "" for
 * the apex, %NULL for %MTS_TXT_PLACE_OTHER.
 */
const char *
mts_txt_place_prefix (MtsTxtPlace place)
{
  if (place == MTS_TXT_PLACE_APEX)
    return "";
  for (gsize i = 0; i < G_N_ELEMENTS (place_prefixes); i++)
    if (place_prefixes[i].place == place)
      return place_prefixes[i].prefix;
  return NULL;
}

/**
 * mts_txt_place_for_name:
 * @name: where a TXT record was found, e.g. "_smtp._tcp.example.com."
 * @domain: the mail domain, e.g. "example.com"
 *
 * Case and a trailing dot do not matter.
 */
MtsTxtPlace
mts_txt_place_for_name (const char *name,
                        const char *domain)
{
  g_autofree char *n = NULL;
  g_autofree char *d = NULL;
  gsize nlen, dlen;

  g_return_val_if_fail (name != NULL, MTS_TXT_PLACE_OTHER);
  g_return_val_if_fail (domain != NULL, MTS_TXT_PLACE_OTHER);

  n = g_ascii_strdown (name, -1);
  d = g_ascii_strdown (domain, -1);
  nlen = strlen (n);
  dlen = strlen (d);
  if (nlen > 0 && n[nlen - 1] == '.')
    n[--nlen] = '\0';
  if (dlen > 0 && d[dlen - 1] == '.')
    d[--dlen] = '\0';

  if (g_str_equal (n, d))
    return MTS_TXT_PLACE_APEX;
  if (nlen <= dlen + 1 || n[nlen - dlen - 1] != '.' || !g_str_equal (n + nlen - dlen, d))
    return MTS_TXT_PLACE_OTHER;
  n[nlen - dlen - 1] = '\0';
  for (gsize i = 0; i < G_N_ELEMENTS (place_prefixes); i++)
    if (g_str_equal (n, place_prefixes[i].prefix))
      return place_prefixes[i].place;
  return MTS_TXT_PLACE_OTHER;
}

static char *
place_name (MtsTxtPlace  place,
            const char  *domain)
{
  const char *prefix = mts_txt_place_prefix (place);

  if (prefix == NULL)
    return g_strdup (_("this name"));
  if (prefix[0] == '\0')
    return g_strdup (domain);
  return g_strdup_printf ("%s.%s", prefix, domain);
}

/**
 * mts_txt_describe:
 * @place: where the value was found
 * @domain: the mail domain
 * @value: the TXT value (its strings joined)
 * @out_class: (out) (optional): what the value looks like
 *
 * For a page that shows what was found at a name: "this looks like your
 * SPF record", or "this is the right record at the wrong name".
 *
 * Returns: (transfer full) (nullable): a plain-language message saying what
 * the value is and what to do, or %NULL when there is nothing to say (the
 * right kind of record at its own name, or an unrelated record at a name
 * that may well hold it).
 */
char *
mts_txt_describe (MtsTxtPlace  place,
                  const char  *domain,
                  const char  *value,
                  MtsTxtClass *out_class)
{
  MtsTxtClass class;
  g_autofree char *here = NULL;
  g_autofree char *sts_name = NULL;
  g_autofree char *tls_name = NULL;
  gboolean record_name = place == MTS_TXT_PLACE_MTA_STS || place == MTS_TXT_PLACE_SMTP_TLS;

  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);

  class = mts_txt_classify (value);
  if (out_class != NULL)
    *out_class = class;

  here = place_name (place, domain);
  sts_name = place_name (MTS_TXT_PLACE_MTA_STS, domain);
  tls_name = place_name (MTS_TXT_PLACE_SMTP_TLS, domain);

  switch (class)
    {
    case MTS_TXT_CLASS_STS:
      if (place == MTS_TXT_PLACE_MTA_STS)
        return NULL;
      if (place == MTS_TXT_PLACE_SMTP_TLS)
        return g_strdup_printf (_("This is an MTA-STS record, but it is published at %s, where the TLS reporting record goes. Move it to %s."),
                                here, sts_name);
      return g_strdup_printf (_("This is an MTA-STS record, but it is published at %s, where senders do not look for it. Publish it at %s instead."),
                              here, sts_name);

    case MTS_TXT_CLASS_TLSRPT:
      if (place == MTS_TXT_PLACE_SMTP_TLS)
        return NULL;
      if (place == MTS_TXT_PLACE_SMTP_TCP)
        return g_strdup_printf (_("This TLS reporting record is published at %s: “_tcp” should be “_tls”. Publish it at %s instead."),
                                here, tls_name);
      if (place == MTS_TXT_PLACE_MTA_STS)
        return g_strdup_printf (_("This is a TLS reporting record, but it is published at %s, where the MTA-STS record goes. Move it to %s."),
                                here, tls_name);
      return g_strdup_printf (_("This is a TLS reporting record, but it is published at %s, where senders do not look for it. Publish it at %s instead."),
                              here, tls_name);

    case MTS_TXT_CLASS_SPF:
      if (place == MTS_TXT_PLACE_APEX)
        return NULL;
      if (record_name)
        return g_strdup_printf (_("This looks like your SPF record (v=spf1), not the record that belongs at %s. It usually shows up here through a "
                                  "wildcard TXT record (*.%s). Senders ignore it here; publish the right record at %s and the wildcard no longer applies to it."),
                                here, domain, here);
      return g_strdup (_("This looks like your SPF record (v=spf1). It has nothing to do with MTA-STS or TLS reporting."));

    case MTS_TXT_CLASS_DMARC:
      return g_strdup_printf (_("This looks like your DMARC record (v=DMARC1). It belongs at _dmarc.%s and has nothing to do with MTA-STS or TLS reporting."),
                              domain);

    case MTS_TXT_CLASS_DKIM:
      return g_strdup_printf (_("This looks like a DKIM key record. It belongs at SELECTOR._domainkey.%s and has nothing to do with MTA-STS or TLS reporting."),
                              domain);

    case MTS_TXT_CLASS_EMPTY:
      if (!record_name)
        return NULL;
      return g_strdup (_("This TXT record is empty. Senders ignore it; you can delete it."));

    case MTS_TXT_CLASS_OTHER:
    default:
      if (!record_name)
        return NULL;
      return g_strdup (_("This record is neither an MTA-STS nor a TLS reporting record, so senders ignore it here."));
    }
}

/**
 * mts_sts_record_generate:
 * @id: 1-32 letters or digits
 *
 * Returns: (transfer full): "v=STSv1; id=ID", with no space before the ";"
 * so that it begins with "v=STSv1;" (RFC 8461 §3.1, erratum 6285).
 */
char *
mts_sts_record_generate (const char *id)
{
  g_return_val_if_fail (id != NULL && mts_sts_id_is_valid (id), NULL);

  return g_strdup_printf ("v=STSv1; id=%s", id);
}

/**
 * mts_tlsrpt_record_generate:
 * @rua: one or more report addresses (mailto: or https:)
 *
 * Returns: (transfer full): "v=TLSRPTv1; rua=URI[,URI...]", with ",", "!" and
 * ";" inside each URI percent-encoded.
 */
char *
mts_tlsrpt_record_generate (const char *const *rua)
{
  GString *s;

  g_return_val_if_fail (rua != NULL && rua[0] != NULL, NULL);

  s = g_string_new ("v=TLSRPTv1; rua=");
  for (gsize i = 0; rua[i] != NULL; i++)
    {
      g_autofree char *encoded = mts_tlsrpt_uri_encode (rua[i]);

      if (i > 0)
        g_string_append_c (s, ',');
      g_string_append (s, encoded);
    }
  return g_string_free (s, FALSE);
}

/**
 * mts_sts_id_generate_at:
 * @now: the time to use (converted to UTC)
 * @previous_id: (nullable): the id in use, which the new one must differ from
 *
 * The id is the UTC time, such as 20261128T153000: letters and digits only,
 * and it tells people when the policy changed.  A second change within the
 * same second gets a suffix ("s2", "s3", ...), so the new id always differs
 * from @previous_id: senders only fetch a policy again when the id changes.
 *
 * Returns: (transfer full): an id of at most 32 characters.
 */
char *
mts_sts_id_generate_at (GDateTime  *now,
                        const char *previous_id)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *stamp = NULL;
  guint64 n = 1;

  g_return_val_if_fail (now != NULL, NULL);

  utc = g_date_time_to_utc (now);
  stamp = g_date_time_format (utc, "%Y%m%dT%H%M%S");

  if (previous_id == NULL || !g_str_has_prefix (previous_id, stamp))
    return g_steal_pointer (&stamp);

  /* Same second: continue the previous suffix, or start at 2. */
  {
    const char *rest = previous_id + strlen (stamp);

    if (rest[0] == 's' && rest[1] != '\0' && strspn (rest + 1, "0123456789") == strlen (rest + 1) &&
        strlen (rest + 1) <= 15)
      n = g_ascii_strtoull (rest + 1, NULL, 10);
  }
  return g_strdup_printf ("%ss%" G_GUINT64_FORMAT, stamp, n + 1);
}

/**
 * mts_sts_id_generate:
 * @previous_id: (nullable): the id in use
 *
 * Returns: (transfer full): a new id from the current UTC time.
 */
char *
mts_sts_id_generate (const char *previous_id)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return mts_sts_id_generate_at (now, previous_id);
}
