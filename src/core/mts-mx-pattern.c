/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-mx-pattern.c: the "mx" patterns of a policy and how they match MX hosts (RFC 8461 §4.1).
 *
 * A pattern is either a host name ("mail.example.com") or "*." followed by
 * a domain ("*.example.net"), where the star stands for exactly one whole
 * label.  Two entry points check them: mts_mx_pattern_validate() is as
 * strict as a sending MTA reading a policy file (RFC 8461 §3.2 ABNF:
 * ["*."] Domain), and mts_mx_pattern_normalize() takes what people type
 * into the wizard (capitals, a trailing dot copied from a zone file, an
 * international name) and turns it into that strict form.
 *
 * One choice is ours, not the RFC's: "*.com" (a star before a single
 * label) is valid syntax, but it lets any host of any domain under that
 * top-level domain receive the mail, which defeats the point of a policy
 * and is never what a domain owner means.  The normaliser rejects it, and
 * the policy parser reports it as a warning (senders do accept it).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mts-diagnostic.h"
#include "mts-domain.h"
#include "mts-mx-pattern.h"

G_DEFINE_QUARK (mts-mx-pattern-error-quark, mts_mx_pattern_error)

static gboolean
is_wsp (char c)
{
  return c == ' ' || c == '\t';
}

static gboolean
is_ldh (char c)
{
  return g_ascii_isalnum (c) || c == '-';
}

/* "a.example b.example", "a.example, b.example", "a.example;b.example":
 * people list several hosts where each needs its own line. */
static gboolean
names_several_hosts (const char *pattern)
{
  g_auto(GStrv) parts = g_strsplit_set (pattern, " \t,;", -1);
  guint n = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      n++;
  return n > 1;
}

static gboolean
is_ip_address (const char *pattern)
{
  gsize len = strlen (pattern);

  if (len >= 2 && pattern[0] == '[' && pattern[len - 1] == ']')
    return TRUE;
  return g_hostname_is_ip_address (pattern);
}

/* The rules of mts_hostname_check_ascii(), said about an MX pattern. */
static gboolean
check_host_part (const char  *pattern,
                 const char  *host,
                 gboolean     wildcard,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  for (const char *p = host; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_UNDERSCORE,
                       _("“%s” contains “_”, which a mail server’s host name cannot have. "
                         "Use the name that your MX record points to."),
                       pattern);
          return FALSE;
        }
      if (*p == '*')
        {
          g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_WILDCARD,
                       _("In “%s” the “*” is in the wrong place. A star may only stand for the whole "
                         "first part of the name, as in “*.example.com”."),
                       pattern);
          return FALSE;
        }
      if (!is_ldh (*p) && *p != '.')
        {
          g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_BAD_CHARACTER,
                       _("“%s” contains “%c”, which a host name cannot have. "
                         "Use only letters, digits, hyphens and dots, such as mail.example.com."),
                       pattern, *p);
          return FALSE;
        }
    }

  if (mts_hostname_check_ascii (host, &local_error))
    return TRUE;

  switch (local_error->code)
    {
    case MTS_DOMAIN_ERROR_EMPTY:
      g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_WILDCARD,
                   _("“%s” has nothing after the star. Write the domain the star belongs to, "
                     "such as “*.example.com”."),
                   pattern);
      break;
    case MTS_DOMAIN_ERROR_EMPTY_LABEL:
      g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_EMPTY_LABEL,
                   _("“%s” has two dots in a row, or a dot at the start. Remove the extra dot."),
                   pattern);
      break;
    case MTS_DOMAIN_ERROR_LABEL_TOO_LONG:
    case MTS_DOMAIN_ERROR_NAME_TOO_LONG:
      g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_TOO_LONG,
                   _("“%.80s…” is too long for a host name (at most 63 characters between dots "
                     "and 253 in all). Check that it is the name your MX record points to."),
                   pattern);
      break;
    case MTS_DOMAIN_ERROR_HYPHEN:
      g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_HYPHEN,
                   _("A part of “%s” starts or ends with a hyphen, which host names cannot do. "
                     "Check the spelling."),
                   pattern);
      break;
    case MTS_DOMAIN_ERROR_SINGLE_LABEL:
      if (wildcard)
        g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_WILDCARD_TOO_BROAD,
                     _("“%s” would let a server of any domain ending in “.%s” receive your mail. "
                       "Put your own domain after the star, such as “*.example.%s”."),
                     pattern, host, host);
      else
        g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_SINGLE_LABEL,
                     _("“%s” is not a full host name. Write the whole name your MX record points "
                       "to, such as %s.example.com."),
                     pattern, host);
      break;
    case MTS_DOMAIN_ERROR_NUMERIC_TLD:
      g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_NUMERIC_TLD,
                   _("“%s” ends in a number, so it is not a host name. Write the name your MX "
                     "record points to, such as mail.example.com."),
                   pattern);
      break;
    default:
      g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_BAD_CHARACTER,
                   _("“%s” is not a valid host name. Write the name your MX record points to, "
                     "such as mail.example.com."),
                   pattern);
      break;
    }
  return FALSE;
}

/**
 * mts_mx_pattern_validate:
 * @pattern: the value of an "mx:" line, as written
 * @error: why a sender would not accept it
 *
 * Checks @pattern the way a strict sender reads a policy file: ASCII only
 * (international names as A-labels), no trailing dot, a star only as
 * the whole first label, one host.  Letter case does not matter.
 * A star before a single label ("*.com") and a single-label name fail
 * with %MTS_MX_PATTERN_ERROR_WILDCARD_TOO_BROAD and
 * %MTS_MX_PATTERN_ERROR_SINGLE_LABEL although senders accept them;
 * callers decide how serious that is.
 *
 * Returns: %TRUE if @pattern is a valid pattern.
 */
gboolean
mts_mx_pattern_validate (const char  *pattern,
                         GError     **error)
{
  g_autofree char *without_dot = NULL;
  gsize len;
  gboolean wildcard;

  g_return_val_if_fail (pattern != NULL, FALSE);

  len = strlen (pattern);
  if (len == 0)
    {
      g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_EMPTY,
                   _("The MX pattern is empty. Write the name of a mail server, such as "
                     "mail.example.com, or “*.example.com” for all servers in a domain."));
      return FALSE;
    }

  if (!g_str_is_ascii (pattern))
    {
      g_autofree char *ascii = NULL;

      if (g_utf8_validate (pattern, len, NULL))
        {
          ascii = g_hostname_to_ascii (pattern);
          if (ascii != NULL && g_str_is_ascii (ascii))
            {
              g_autofree char *lower = g_ascii_strdown (ascii, -1);

              g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_NON_ASCII,
                           _("“%s” is an international name. Policies must use its ASCII form "
                             "(A-label): write “%s”."),
                           pattern, lower);
              return FALSE;
            }
        }
      g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_NON_ASCII,
                   _("The MX pattern contains characters that are not plain ASCII. Write the "
                     "name of the mail server with letters, digits, hyphens and dots only "
                     "(international names as their “xn--” form)."));
      return FALSE;
    }

  if (names_several_hosts (pattern))
    {
      g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_SEVERAL,
                   _("“%s” names several hosts. Give each mail server its own line, such as "
                     "“mx: mail1.example.com” and “mx: mail2.example.com”."),
                   pattern);
      return FALSE;
    }

  for (const char *p = pattern; *p != '\0'; p++)
    if (is_wsp (*p))
      {
        g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_BAD_CHARACTER,
                     _("“%s” contains a space, which a host name cannot have. Remove it."),
                     pattern);
        return FALSE;
      }

  /* "192.0.2.1." is an address too, not a name with a trailing dot. */
  without_dot = g_strndup (pattern, pattern[len - 1] == '.' ? len - 1 : len);
  if (is_ip_address (pattern) || g_hostname_is_ip_address (without_dot))
    {
      g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_IP_ADDRESS,
                   _("“%s” is an IP address. MX patterns match the host name that your MX record "
                     "points to, such as mail.example.com, never an address."),
                   pattern);
      return FALSE;
    }

  if (len > 1 && pattern[len - 1] == '.' && pattern[len - 2] != '.')
    {
      g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_TRAILING_DOT,
                   _("“%s” ends with a dot, which policies do not allow (senders would then match "
                     "no server). Write “%s”."),
                   pattern, without_dot);
      return FALSE;
    }

  wildcard = g_str_has_prefix (pattern, "*.");
  if (g_str_equal (pattern, "*"))
    {
      g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_WILDCARD,
                   _("A lone “*” would match any server. Write the domain after the star, "
                     "such as “*.example.com”."));
      return FALSE;
    }

  return check_host_part (pattern, wildcard ? pattern + 2 : pattern, wildcard, error);
}

/**
 * mts_mx_pattern_normalize:
 * @input: what the user typed: any case, a trailing dot, an international name
 * @pattern: (out) (optional): the pattern as lower-case A-labels
 * @error: what to type instead
 *
 * Unlike mts_mx_pattern_validate(), also rejects "*.com" and single-label
 * names: the wizard writes policies, and never one of those.
 *
 * Returns: %TRUE if @input is a pattern.
 */
gboolean
mts_mx_pattern_normalize (const char  *input,
                          char       **pattern,
                          GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *ascii = NULL;
  g_autofree char *lower = NULL;
  const char *host;
  gboolean wildcard;
  gsize len;

  g_return_val_if_fail (input != NULL, FALSE);

  if (!g_utf8_validate (input, -1, NULL))
    {
      g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_BAD_CHARACTER,
                   _("The text contains characters that are not valid. Type the name of the mail "
                     "server again."));
      return FALSE;
    }

  text = g_strstrip (g_strdup (input));
  len = strlen (text);

  /* One trailing dot is the DNS root, copied from zone files and from
   * "dig MX" output; it is harmless to remove.  Two are a typo, and an
   * address keeps its dot so that it is reported as an address. */
  if (len > 1 && text[len - 1] == '.' && text[len - 2] != '.')
    text[--len] = '\0';

  wildcard = g_str_has_prefix (text, "*.");
  host = wildcard ? text + 2 : text;

  if (g_str_is_ascii (host))
    ascii = g_strdup (text);
  else
    {
      g_autofree char *host_ascii = g_hostname_to_ascii (host);

      if (host_ascii == NULL || !g_str_is_ascii (host_ascii))
        {
          g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_IDN,
                       _("“%s” cannot be written as an international host name. Check its "
                         "spelling."),
                       text);
          return FALSE;
        }
      ascii = g_strconcat (wildcard ? "*." : "", host_ascii, NULL);
    }

  lower = g_ascii_strdown (ascii, -1);
  if (!mts_mx_pattern_validate (lower, error))
    return FALSE;

  /* Valid syntax that the wizard still never writes; see the top of the file. */
  if (strchr (wildcard ? lower + 2 : lower, '.') == NULL)
    {
      if (wildcard)
        g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_WILDCARD_TOO_BROAD,
                     _("“%s” would let a server of any domain ending in “.%s” receive your mail. "
                       "Put your own domain after the star, such as “*.example.%s”."),
                     lower, lower + 2, lower + 2);
      else
        g_set_error (error, MTS_MX_PATTERN_ERROR, MTS_MX_PATTERN_ERROR_SINGLE_LABEL,
                     _("“%s” is not a full host name. Write the whole name your MX record points "
                       "to, such as %s.example.com."),
                     lower, lower);
      return FALSE;
    }

  if (pattern != NULL)
    *pattern = g_steal_pointer (&lower);
  return TRUE;
}

/**
 * mts_mx_pattern_is_wildcard:
 *
 * Returns: %TRUE if @pattern starts with "*.".
 */
gboolean
mts_mx_pattern_is_wildcard (const char *pattern)
{
  g_return_val_if_fail (pattern != NULL, FALSE);

  return g_str_has_prefix (pattern, "*.");
}

/* Compares @a (length @a_len) with the NUL-terminated @b, ignoring ASCII case. */
static gboolean
names_equal (const char *a,
             gsize       a_len,
             const char *b)
{
  return strlen (b) == a_len && g_ascii_strncasecmp (a, b, a_len) == 0;
}

/**
 * mts_mx_pattern_matches:
 * @pattern: an "mx" pattern, such as "mail.example.com" or "*.example.net"
 * @host: an MX host name, as in the MX record; may end with a dot
 *
 * Matches as RFC 8461 §4.1 says: whole labels, ignoring case, the star
 * standing for exactly one left-most label.  "*.example.com" matches
 * "mail.example.com" but neither "example.com" nor "a.b.example.com".
 *
 * Returns: %TRUE if @pattern allows @host.
 */
gboolean
mts_mx_pattern_matches (const char *pattern,
                        const char *host)
{
  gsize host_len;
  const char *dot;

  g_return_val_if_fail (pattern != NULL, FALSE);
  g_return_val_if_fail (host != NULL, FALSE);

  host_len = strlen (host);
  /* MX records are fully qualified: "mail.example.com." is the same host. */
  if (host_len > 1 && host[host_len - 1] == '.')
    host_len--;
  if (host_len == 0 || pattern[0] == '\0')
    return FALSE;

  if (!mts_mx_pattern_is_wildcard (pattern))
    return names_equal (host, host_len, pattern);

  dot = memchr (host, '.', host_len);
  /* The star is one whole, non-empty label: no dot in it. */
  if (dot == NULL || dot == host)
    return FALSE;
  return names_equal (dot + 1, host_len - (gsize) (dot + 1 - host), pattern + 2);
}

/**
 * mts_mx_pattern_list_covers:
 * @patterns: (array zero-terminated=1): the policy's patterns
 * @host: an MX host name
 *
 * Returns: %TRUE if one of @patterns matches @host.
 */
gboolean
mts_mx_pattern_list_covers (const char *const *patterns,
                            const char        *host)
{
  g_return_val_if_fail (host != NULL, FALSE);

  for (gsize i = 0; patterns != NULL && patterns[i] != NULL; i++)
    if (mts_mx_pattern_matches (patterns[i], host))
      return TRUE;
  return FALSE;
}

/* "Mail.Example.COM." → "mail.example.com", for messages. */
static char *
display_host (const char *host)
{
  char *s = g_ascii_strdown (host, -1);
  gsize len = strlen (s);

  if (len > 1 && s[len - 1] == '.')
    s[len - 1] = '\0';
  return s;
}

/**
 * mts_mx_coverage_check:
 * @mode: the policy's mode
 * @patterns: (array zero-terminated=1): the policy's "mx" patterns
 * @mx_hosts: (array zero-terminated=1): the host names of the domain's MX records
 * @diagnostics: where to add the findings
 *
 * Every MX host must be matched by a pattern (RFC 8461 §4.1): one that is
 * not gets "mx-not-covered", an error in testing and enforce mode (in
 * enforce, senders refuse to deliver to it; in testing, they report the
 * failure and it becomes a refusal the day the mode changes) and a note
 * in mode none.  A pattern naming one host that no MX record points to
 * gets "policy-mx-unused", a warning: it is usually a server that is gone,
 * or a typo that leaves the real one uncovered.  Null MX records ("." as
 * the host, RFC 7505) receive no mail and are skipped.
 */
void
mts_mx_coverage_check (MtsPolicyMode      mode,
                       const char *const *patterns,
                       const char *const *mx_hosts,
                       GPtrArray         *diagnostics)
{
  gboolean any_host = FALSE;

  g_return_if_fail (diagnostics != NULL);

  for (gsize i = 0; mx_hosts != NULL && mx_hosts[i] != NULL; i++)
    {
      g_autofree char *host = NULL;

      if (mx_hosts[i][0] == '\0' || g_str_equal (mx_hosts[i], "."))
        continue;
      any_host = TRUE;
      if (mts_mx_pattern_list_covers (patterns, mx_hosts[i]))
        continue;

      host = display_host (mx_hosts[i]);
      switch (mode)
        {
        case MTS_POLICY_MODE_ENFORCE:
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 0, "mx-not-covered",
                               "RFC 8461 §4.1",
                               _("Your mail server “%s” is not covered by any “mx:” line of the "
                                 "policy. In enforce mode, senders refuse to deliver mail to it. "
                                 "Add the line “mx: %s” to the policy, or remove that MX record."),
                               host, host);
          break;
        case MTS_POLICY_MODE_TESTING:
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 0, "mx-not-covered",
                               "RFC 8461 §4.1",
                               _("Your mail server “%s” is not covered by any “mx:” line of the "
                                 "policy. In testing mode, senders still deliver to it but report a "
                                 "failure, and once you switch to enforce they will refuse mail to "
                                 "it. Add the line “mx: %s” to the policy, or remove that MX "
                                 "record."),
                               host, host);
          break;
        case MTS_POLICY_MODE_NONE:
        default:
          mts_diagnostics_add (diagnostics, MTS_SEVERITY_NOTE, 0, "mx-not-covered",
                               "RFC 8461 §4.1",
                               _("Your mail server “%s” is not covered by any “mx:” line of the "
                                 "policy. This does not matter in mode none, but add the line "
                                 "“mx: %s” before you switch to testing or enforce."),
                               host, host);
          break;
        }
    }

  if (!any_host)
    return;

  for (gsize i = 0; patterns != NULL && patterns[i] != NULL; i++)
    {
      gboolean used = FALSE;

      if (mts_mx_pattern_is_wildcard (patterns[i]))
        continue;
      for (gsize j = 0; mx_hosts[j] != NULL && !used; j++)
        used = mts_mx_pattern_matches (patterns[i], mx_hosts[j]);
      if (!used)
        mts_diagnostics_add (diagnostics, MTS_SEVERITY_WARNING, 0, "policy-mx-unused",
                             "RFC 8461 §4.1",
                             _("No MX record points to “%s”, the host of the line “mx: %s”. If that "
                               "server no longer handles your mail, remove the line; if the name is "
                               "misspelt, correct it."),
                             patterns[i], patterns[i]);
    }
}
