/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-sts-record.c: libFuzzer target for the _mta-sts TXT record checker.
 *
 * Besides crashes and leaks, checks what must hold for every input: each
 * finding has a code and a readable message, a record accepted has a valid
 * id and no error, a generated record with that id is accepted with the same
 * id, and the input read as a set of records (one per line) follows the
 * "exactly one" rule.
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

      if (d->code == NULL || !g_str_has_prefix (d->code, "sts-record-") || d->message == NULL ||
          d->reference == NULL || !g_utf8_validate (d->message, -1, NULL) ||
          !g_utf8_validate (line, -1, NULL) || d->severity > MTS_SEVERITY_NOTE)
        abort ();
    }
}

static void
describe_everywhere (const char *value)
{
  for (int place = MTS_TXT_PLACE_MTA_STS; place <= MTS_TXT_PLACE_OTHER; place++)
    {
      g_autofree char *message = mts_txt_describe ((MtsTxtPlace) place, "example.com", value, NULL);

      if (message != NULL && !g_utf8_validate (message, -1, NULL))
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
  g_autoptr(MtsTxtRecord) record = NULL;
  g_autoptr(MtsTxtRecord) from_set = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *joined = NULL;
  guint n_counted = 0;
  MtsTxtKind kind;

  record = mts_txt_record_parse (MTS_TXT_KIND_STS, value, diagnostics);
  check_diagnostics (diagnostics);
  if ((record == NULL) != mts_diagnostics_has_errors (diagnostics))
    abort ();
  if (record != NULL)
    {
      g_autoptr(GPtrArray) again_diagnostics = mts_diagnostics_new ();
      g_autofree char *generated = NULL;
      g_autoptr(MtsTxtRecord) again = NULL;

      if (record->kind != MTS_TXT_KIND_STS || !mts_sts_id_is_valid (record->id) ||
          !g_str_has_prefix (value, "v=STSv1;") || record->rua != NULL)
        abort ();
      generated = mts_sts_record_generate (record->id);
      again = mts_txt_record_parse (MTS_TXT_KIND_STS, generated, again_diagnostics);
      if (again == NULL || again_diagnostics->len != 0 || g_strcmp0 (again->id, record->id) != 0)
        abort ();
      if (!mts_txt_record_guess_kind (value, &kind) || kind != MTS_TXT_KIND_STS)
        abort ();
    }

  /* One record per line, as the strings of separate TXT records. */
  lines = g_strsplit (value, "\n", 8);
  from_set = mts_txt_record_parse_set (MTS_TXT_KIND_STS, (const char *const *) lines, -1, set_diagnostics);
  check_diagnostics (set_diagnostics);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "v=STSv1;"))
        n_counted++;
      (void) mts_txt_classify (lines[i]);
    }
  if (from_set != NULL && (n_counted != 1 || mts_diagnostics_has_errors (set_diagnostics)))
    abort ();
  if (n_counted != 1 && mts_diagnostics_find (set_diagnostics,
                                              n_counted == 0 ? "sts-record-missing" : "sts-record-multiple") == NULL)
    abort ();

  /* The lines as the strings of one record join back to the input. */
  joined = mts_txt_record_join_strings ((const char *const *) lines, -1);
  if (lines[0] != NULL && g_strv_length (lines) < 8)
    {
      g_autofree char *expected = g_strjoinv ("", lines);

      if (strcmp (joined, expected) != 0)
        abort ();
    }

  describe_everywhere (value);
  return 0;
}
