/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-domain.c: turning what people type into a domain name the DNS knows.
 *
 * People paste what they have: a domain in capitals, with a trailing dot or
 * spaces, a name in their own script, or by mistake a web address or an email
 * address.  The first three are fine and are normalised to lower-case
 * A-labels; everything else gets a message that says what to type instead.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mts-domain.h"

#define MAX_NAME_LENGTH 253
#define MAX_LABEL_LENGTH 63

G_DEFINE_QUARK (mts-domain-error-quark, mts_domain_error)

static gboolean
looks_like_url (const char *text)
{
  const char *scheme = g_uri_peek_scheme (text);

  if (strstr (text, "://") != NULL)
    return TRUE;
  /* "https:example.com" and "http:/x" are URL-shaped too, but
   * "example.com:25" is not a scheme: a scheme has no dot. */
  return scheme != NULL && strchr (scheme, '.') == NULL &&
         (g_str_equal (scheme, "http") || g_str_equal (scheme, "https") ||
          g_str_equal (scheme, "mailto"));
}

static gboolean
is_ldh (char c)
{
  return g_ascii_isalnum (c) || c == '-';
}

/* Checks an all-ASCII host name against the rules of RFC 1035 / RFC 5891
 * that matter to people: letters, digits and hyphens, labels of 1 to 63
 * octets that neither start nor end with a hyphen, at most 253 octets in
 * all, at least two labels, and a top-level label that is not all digits. */
gboolean
mts_hostname_check_ascii (const char  *name,
                          GError     **error)
{
  g_auto(GStrv) labels = NULL;
  gsize n_labels;
  gboolean all_digits = TRUE;

  g_return_val_if_fail (name != NULL, FALSE);

  if (name[0] == '\0')
    {
      g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_EMPTY,
                   _("Type a domain name, such as example.com."));
      return FALSE;
    }

  if (strlen (name) > MAX_NAME_LENGTH)
    {
      g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_NAME_TOO_LONG,
                   _("This name is %u characters long; a domain name can have at most %u."),
                   (guint) strlen (name), MAX_NAME_LENGTH);
      return FALSE;
    }

  labels = g_strsplit (name, ".", -1);
  n_labels = g_strv_length (labels);

  for (gsize i = 0; i < n_labels; i++)
    {
      const char *label = labels[i];
      gsize len = strlen (label);

      if (len == 0)
        {
          g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_EMPTY_LABEL,
                       _("There are two dots in a row, or a dot at the start. Remove the extra dot."));
          return FALSE;
        }
      if (len > MAX_LABEL_LENGTH)
        {
          g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_LABEL_TOO_LONG,
                       _("The part “%.20s…” is %u characters long; each part between dots can have at most %u."),
                       label, (guint) len, MAX_LABEL_LENGTH);
          return FALSE;
        }
      for (gsize j = 0; j < len; j++)
        {
          if (!is_ldh (label[j]))
            {
              if (label[j] == '_')
                g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_BAD_CHARACTER,
                             _("A mail domain cannot contain “_”. Type the domain itself, such as example.com."));
              else
                g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_BAD_CHARACTER,
                             _("“%c” cannot be part of a domain name. Use only letters, digits, hyphens and dots."),
                             label[j]);
              return FALSE;
            }
        }
      if (label[0] == '-' || label[len - 1] == '-')
        {
          g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_HYPHEN,
                       _("The part “%s” starts or ends with a hyphen, which domain names do not allow."),
                       label);
          return FALSE;
        }
    }

  if (n_labels < 2)
    {
      g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_SINGLE_LABEL,
                   _("Type the full domain with its ending, such as %s.com."), name);
      return FALSE;
    }

  for (const char *p = labels[n_labels - 1]; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      all_digits = FALSE;
  if (all_digits)
    {
      g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_NUMERIC_TLD,
                   _("A domain name cannot end in a number. Type a name such as example.com."));
      return FALSE;
    }

  return TRUE;
}

/**
 * mts_domain_normalize:
 * @input: what the user typed
 * @ascii: (out) (optional): the name as lower-case A-labels, e.g. "xn--bcher-kva.example"
 * @display: (out) (optional): the name for people, e.g. "bücher.example"
 * @error: a message that says what to type instead
 *
 * Returns: %TRUE if @input names a domain.
 */
gboolean
mts_domain_normalize (const char  *input,
                      char       **ascii,
                      char       **display,
                      GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *a_label = NULL;
  g_autofree char *lower = NULL;
  gsize len;

  g_return_val_if_fail (input != NULL, FALSE);

  if (!g_utf8_validate (input, -1, NULL))
    {
      g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_BAD_CHARACTER,
                   _("The text contains characters that are not valid. Type the domain again."));
      return FALSE;
    }

  text = g_strstrip (g_strdup (input));
  len = strlen (text);

  if (len == 0)
    {
      g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_EMPTY,
                   _("Type a domain name, such as example.com."));
      return FALSE;
    }

  if (looks_like_url (text))
    {
      g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_URL,
                   _("This is a web address. Type only the domain, such as example.com."));
      return FALSE;
    }

  if (strchr (text, '@') != NULL)
    {
      g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_EMAIL,
                   _("This is an email address. Type only the part after the “@”, such as example.com."));
      return FALSE;
    }

  if (g_hostname_is_ip_address (text) ||
      (text[0] == '[' && text[len - 1] == ']'))
    {
      g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_IP_ADDRESS,
                   _("This is an IP address. Type the domain name that your email addresses use, such as example.com."));
      return FALSE;
    }

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || *p == '/' || *p == ':')
        {
          g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_BAD_CHARACTER,
                       _("A domain name has no spaces, slashes or colons. Type only the domain, such as example.com."));
          return FALSE;
        }
    }

  /* One trailing dot is the DNS root and harmless; people copy it from zone
   * files.  Two are a typo. */
  if (len > 1 && text[len - 1] == '.')
    text[--len] = '\0';

  if (g_hostname_is_non_ascii (text))
    {
      a_label = g_hostname_to_ascii (text);
      if (a_label == NULL)
        {
          g_set_error (error, MTS_DOMAIN_ERROR, MTS_DOMAIN_ERROR_IDN,
                       _("This name cannot be written as an international domain name. Check its spelling."));
          return FALSE;
        }
    }
  else
    a_label = g_strdup (text);

  lower = g_ascii_strdown (a_label, -1);
  if (!mts_hostname_check_ascii (lower, error))
    return FALSE;

  if (display != NULL)
    {
      char *unicode = g_hostname_to_unicode (lower);

      *display = unicode != NULL ? unicode : g_strdup (lower);
    }
  if (ascii != NULL)
    *ascii = g_steal_pointer (&lower);

  return TRUE;
}
