/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-policy.c: libFuzzer target for the policy file parser and writer.
 *
 * Besides crashes and leaks, checks what must hold for every input: each
 * finding has a code and a readable message, and whatever parses without
 * error comes back unchanged through mts_policy_serialize().
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/mts-diagnostic.h"
#include "core/mts-policy.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_diagnostics (GPtrArray *diagnostics)
{
  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (diagnostics, i);
      g_autofree char *line = mts_diagnostic_format (d);

      if (d->code == NULL || d->message == NULL || d->reference == NULL ||
          !g_utf8_validate (d->message, -1, NULL) || !g_utf8_validate (line, -1, NULL) ||
          d->severity > MTS_SEVERITY_NOTE)
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char *const mx_hosts[] = { "mail.example.com.", "mx1.example.net", NULL };
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsPolicy) policy = NULL;
  g_autoptr(MtsPolicy) copy = NULL;

  policy = mts_policy_parse ((const char *) data, (gssize) size, diagnostics);
  if (policy == NULL)
    abort ();
  check_diagnostics (diagnostics);

  copy = mts_policy_copy (policy);
  if (!mts_policy_equal (policy, copy))
    abort ();

  if (!mts_diagnostics_has_errors (diagnostics))
    {
      g_autoptr(GPtrArray) again_diagnostics = mts_diagnostics_new ();
      g_autofree char *text = mts_policy_serialize (policy);
      g_autoptr(MtsPolicy) again = mts_policy_parse (text, -1, again_diagnostics);

      if (!mts_policy_equal (policy, again) || mts_diagnostics_has_errors (again_diagnostics))
        abort ();
    }

  mts_policy_check_mx (policy, mx_hosts, diagnostics);
  check_diagnostics (diagnostics);
  return 0;
}
