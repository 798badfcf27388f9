/* SPDX-License-Identifier: GPL-3.0-or-later */
/* policy-serialize-tool.c: prints the policy file mtasts writes, for the interoperability test.
 *
 * Usage: policy-serialize-tool MODE MAX_AGE [MX...]
 * Each MX goes through the same normaliser as the wizard's entry (so an
 * international name becomes its A-label); the policy written is parsed
 * back and must be valid.  Exit 2 on bad arguments, 1 if invalid.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/mts-diagnostic.h"
#include "core/mts-mx-pattern.h"
#include "core/mts-policy.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(MtsPolicy) policy = mts_policy_new ();
  g_autoptr(MtsPolicy) parsed = NULL;
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autofree char *text = NULL;
  MtsPolicyMode mode;
  char *end = NULL;
  guint64 max_age;

  if (argc < 3 || !mts_policy_mode_from_string (argv[1], &mode))
    {
      fprintf (stderr, "usage: policy-serialize-tool none|testing|enforce MAX_AGE [MX...]\n");
      return 2;
    }
  max_age = g_ascii_strtoull (argv[2], &end, 10);
  if (*end != '\0' || max_age > MTS_POLICY_MAX_AGE_MAX)
    {
      fprintf (stderr, "policy-serialize-tool: bad max_age %s\n", argv[2]);
      return 2;
    }

  mts_policy_set_mode (policy, mode);
  mts_policy_set_max_age (policy, (guint32) max_age);
  for (int i = 3; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *pattern = NULL;

      if (!mts_mx_pattern_normalize (argv[i], &pattern, &error))
        {
          fprintf (stderr, "policy-serialize-tool: %s\n", error->message);
          return 2;
        }
      mts_policy_add_mx (policy, pattern);
    }

  text = mts_policy_serialize (policy);
  parsed = mts_policy_parse (text, -1, diagnostics);
  fputs (text, stdout);
  return mts_diagnostics_has_errors (diagnostics) || !mts_policy_equal (policy, parsed) ? 1 : 0;
}
