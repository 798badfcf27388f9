/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-tlsrpt-record.c: libFuzzer target for the _smtp._tls TXT record checker.
 *
 * Besides crashes and leaks, checks what must hold for every input: each
 * finding has a code and a readable message, a record accepted has at least
 * one rua URI and no error, each of its URIs passes the URI check alone, and
 * a record generated from them is accepted with the same URIs.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mts-diagnostic.h"
#include "core/mts-txt-record.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_diagnostics (GPtrArray *diagnostics)
{
  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (diagnostics, i);
      g_autofree char *line = mts_diagnostic_format (d);

      if (d->code == NULL || !g_str_has_prefix (d->code, "tlsrpt-record-") || d->message == NULL ||
          d->reference == NULL || !g_utf8_validate (d->message, -1, NULL) ||
          !g_utf8_validate (line, -1, NULL) || d->severity > MTS_SEVERITY_NOTE)
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *value = g_strndup ((const char *) data, size);
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(GPtrArray) set_diagnostics = mts_diagnostics_new ();
  g_autoptr(GPtrArray) uri_diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsTxtRecord) record = NULL;
  g_autoptr(MtsTxtRecord) from_set = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *encoded = NULL;

  record = mts_txt_record_parse (MTS_TXT_KIND_TLSRPT, value, diagnostics);
  check_diagnostics (diagnostics);
  if ((record == NULL) != mts_diagnostics_has_errors (diagnostics))
    abort ();
  if (record != NULL)
    {
      g_autoptr(GPtrArray) again_diagnostics = mts_diagnostics_new ();
      g_autofree char *generated = NULL;
      g_autoptr(MtsTxtRecord) again = NULL;

      if (record->kind != MTS_TXT_KIND_TLSRPT || record->rua == NULL || record->rua[0] == NULL ||
          record->id != NULL || !g_str_has_prefix (value, "v=TLSRPTv1;"))
        abort ();
      for (guint i = 0; record->rua[i] != NULL; i++)
        {
          g_autoptr(GPtrArray) one = mts_diagnostics_new ();
          g_autofree char *same = mts_tlsrpt_uri_encode (record->rua[i]);

          /* An accepted URI has nothing left to encode. */
          if (!mts_tlsrpt_uri_check (record->rua[i], 2, one) || one->len != 0 ||
              strcmp (same, record->rua[i]) != 0)
            abort ();
        }
      generated = mts_tlsrpt_record_generate ((const char *const *) record->rua);
      again = mts_txt_record_parse (MTS_TXT_KIND_TLSRPT, generated, again_diagnostics);
      if (again == NULL || mts_diagnostics_has_errors (again_diagnostics) ||
          !g_strv_equal ((const char *const *) again->rua, (const char *const *) record->rua))
        abort ();
    }

  lines = g_strsplit (value, "\n", 8);
  from_set = mts_txt_record_parse_set (MTS_TXT_KIND_TLSRPT, (const char *const *) lines, -1, set_diagnostics);
  check_diagnostics (set_diagnostics);
  if (from_set != NULL && mts_diagnostics_has_errors (set_diagnostics))
    abort ();

  /* The input as one URI, as "mtasts generate --rua" checks it. */
  encoded = mts_tlsrpt_uri_encode (value);
  if (strpbrk (encoded, ",!;") != NULL)
    abort ();
  (void) mts_tlsrpt_uri_check (encoded, 0, uri_diagnostics);
  check_diagnostics (uri_diagnostics);
  return 0;
}
