/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-mx-pattern.c: libFuzzer target for MX pattern validation, normalising and matching.
 *
 * The input is "PATTERN" or "PATTERN\nHOST".  Besides crashes, checks what
 * must hold for every input: normalising gives a valid, lower-case,
 * ASCII pattern and is idempotent; a valid pattern matches the hosts it
 * names and not its parent or grandchildren; matching ignores case.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mts-mx-pattern.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_error (GError *error)
{
  if (error != NULL &&
      (error->domain != MTS_MX_PATTERN_ERROR || !g_utf8_validate (error->message, -1, NULL)))
    abort ();
}

static void
check_valid_pattern (const char *pattern)
{
  if (mts_mx_pattern_is_wildcard (pattern))
    {
      g_autofree char *one = g_strconcat ("a", pattern + 1, NULL);
      g_autofree char *two = g_strconcat ("a.b", pattern + 1, NULL);

      if (!mts_mx_pattern_matches (pattern, one) ||
          mts_mx_pattern_matches (pattern, pattern + 2) ||
          mts_mx_pattern_matches (pattern, two))
        abort ();
    }
  else
    {
      g_autofree char *dotted = g_strconcat (pattern, ".", NULL);
      g_autofree char *longer = g_strconcat ("x", pattern, NULL);

      if (!mts_mx_pattern_matches (pattern, pattern) ||
          !mts_mx_pattern_matches (pattern, dotted) ||
          mts_mx_pattern_matches (pattern, longer))
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  char *host = strchr (text, '\n');
  gboolean valid;

  if (host != NULL)
    *host++ = '\0';

  valid = mts_mx_pattern_validate (text, &error);
  check_error (error);
  g_clear_error (&error);
  if (valid)
    check_valid_pattern (text);

  if (g_utf8_validate (text, -1, NULL) &&
      mts_mx_pattern_normalize (text, &normalized, &error))
    {
      g_autofree char *again = NULL;
      g_autofree char *lower = g_ascii_strdown (normalized, -1);

      if (!g_str_is_ascii (normalized) || !g_str_equal (lower, normalized) ||
          !mts_mx_pattern_validate (normalized, NULL) ||
          !mts_mx_pattern_normalize (normalized, &again, NULL) ||
          !g_str_equal (again, normalized))
        abort ();
      check_valid_pattern (normalized);
    }
  check_error (error);

  if (host != NULL)
    {
      g_autofree char *upper_pattern = g_ascii_strup (text, -1);
      g_autofree char *upper_host = g_ascii_strup (host, -1);
      const char *const patterns[] = { text, NULL };

      if (mts_mx_pattern_matches (text, host) !=
          mts_mx_pattern_matches (upper_pattern, upper_host))
        abort ();
      if (mts_mx_pattern_matches (text, host) != mts_mx_pattern_list_covers (patterns, host))
        abort ();
    }
  return 0;
}
