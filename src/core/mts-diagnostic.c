/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-diagnostic.c: one finding about a policy, a record or a setup.
 *
 * Every checker in the core reports through these, so the command line,
 * its JSON output and the wizard show the same severity, code and words.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-diagnostic.h"

static MtsDiagnostic *
diagnostic_new_valist (MtsSeverity  severity,
                       guint        line,
                       const char  *code,
                       const char  *reference,
                       const char  *format,
                       va_list      args) G_GNUC_PRINTF (5, 0);

static MtsDiagnostic *
diagnostic_new_valist (MtsSeverity  severity,
                       guint        line,
                       const char  *code,
                       const char  *reference,
                       const char  *format,
                       va_list      args)
{
  MtsDiagnostic *d = g_new0 (MtsDiagnostic, 1);

  d->severity = severity;
  d->line = line;
  d->code = code;
  d->reference = reference;
  d->message = g_strdup_vprintf (format, args);
  return d;
}

MtsDiagnostic *
mts_diagnostic_new (MtsSeverity  severity,
                    guint        line,
                    const char  *code,
                    const char  *reference,
                    const char  *format,
                    ...)
{
  MtsDiagnostic *d;
  va_list args;

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (format != NULL, NULL);

  va_start (args, format);
  d = diagnostic_new_valist (severity, line, code, reference, format, args);
  va_end (args);
  return d;
}

MtsDiagnostic *
mts_diagnostic_copy (const MtsDiagnostic *diagnostic)
{
  MtsDiagnostic *copy;

  g_return_val_if_fail (diagnostic != NULL, NULL);

  copy = g_memdup2 (diagnostic, sizeof *diagnostic);
  copy->message = g_strdup (diagnostic->message);
  return copy;
}

void
mts_diagnostic_free (MtsDiagnostic *diagnostic)
{
  if (diagnostic == NULL)
    return;
  g_free (diagnostic->message);
  g_free (diagnostic);
}

/**
 * mts_severity_to_string:
 *
 * Returns: the stable, untranslated name: "error", "warning" or "note".
 */
const char *
mts_severity_to_string (MtsSeverity severity)
{
  switch (severity)
    {
    case MTS_SEVERITY_ERROR:
      return "error";
    case MTS_SEVERITY_WARNING:
      return "warning";
    case MTS_SEVERITY_NOTE:
      return "note";
    default:
      g_return_val_if_reached ("error");
    }
}

static const char *
severity_to_label (MtsSeverity severity)
{
  switch (severity)
    {
    case MTS_SEVERITY_ERROR:
      return _("error");
    case MTS_SEVERITY_WARNING:
      return _("warning");
    case MTS_SEVERITY_NOTE:
      return _("note");
    default:
      g_return_val_if_reached (_("error"));
    }
}

/**
 * mts_diagnostic_format:
 *
 * Returns: "LINE: SEVERITY: MESSAGE (REFERENCE)"; without a line,
 * "SEVERITY: MESSAGE (REFERENCE)".
 */
char *
mts_diagnostic_format (const MtsDiagnostic *diagnostic)
{
  GString *s = g_string_new (NULL);

  if (diagnostic->line > 0)
    g_string_append_printf (s, "%u: ", diagnostic->line);
  g_string_append_printf (s, "%s: %s", severity_to_label (diagnostic->severity),
                          diagnostic->message);
  if (diagnostic->reference != NULL)
    g_string_append_printf (s, " (%s)", diagnostic->reference);
  return g_string_free (s, FALSE);
}

/* {"severity", "code", "message", "line"?, "reference"?} */
void
mts_diagnostic_to_json (const MtsDiagnostic *diagnostic,
                        JsonBuilder         *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "severity");
  json_builder_add_string_value (builder, mts_severity_to_string (diagnostic->severity));
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, diagnostic->code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, diagnostic->message);
  if (diagnostic->line > 0)
    {
      json_builder_set_member_name (builder, "line");
      json_builder_add_int_value (builder, diagnostic->line);
    }
  if (diagnostic->reference != NULL)
    {
      json_builder_set_member_name (builder, "reference");
      json_builder_add_string_value (builder, diagnostic->reference);
    }
  json_builder_end_object (builder);
}

GPtrArray *
mts_diagnostics_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) mts_diagnostic_free);
}

void
mts_diagnostics_add (GPtrArray   *diagnostics,
                     MtsSeverity  severity,
                     guint        line,
                     const char  *code,
                     const char  *reference,
                     const char  *format,
                     ...)
{
  va_list args;

  g_return_if_fail (diagnostics != NULL);

  va_start (args, format);
  g_ptr_array_add (diagnostics,
                   diagnostic_new_valist (severity, line, code, reference, format, args));
  va_end (args);
}

gboolean
mts_diagnostics_has_errors (GPtrArray *diagnostics)
{
  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (diagnostics, i);

      if (d->severity == MTS_SEVERITY_ERROR)
        return TRUE;
    }
  return FALSE;
}

/**
 * mts_diagnostics_extend:
 *
 * Appends copies of the diagnostics of @from to @diagnostics.
 */
void
mts_diagnostics_extend (GPtrArray *diagnostics,
                        GPtrArray *from)
{
  g_return_if_fail (diagnostics != NULL);

  for (guint i = 0; from != NULL && i < from->len; i++)
    g_ptr_array_add (diagnostics, mts_diagnostic_copy (g_ptr_array_index (from, i)));
}

/**
 * mts_diagnostics_sort:
 *
 * Orders @diagnostics most severe first, keeping the order of equally
 * severe ones (so findings stay in line order within each severity).
 */
void
mts_diagnostics_sort (GPtrArray *diagnostics)
{
  g_autoptr(GPtrArray) sorted = NULL;

  g_return_if_fail (diagnostics != NULL);

  sorted = g_ptr_array_sized_new (diagnostics->len);
  for (MtsSeverity s = MTS_SEVERITY_ERROR; s <= MTS_SEVERITY_NOTE; s++)
    for (guint i = 0; i < diagnostics->len; i++)
      {
        MtsDiagnostic *d = g_ptr_array_index (diagnostics, i);

        if (d->severity == s)
          g_ptr_array_add (sorted, d);
      }
  for (guint i = 0; i < sorted->len; i++)
    diagnostics->pdata[i] = sorted->pdata[i];
}

/**
 * mts_diagnostics_find:
 *
 * Returns: (nullable): the first diagnostic with @code.
 */
const MtsDiagnostic *
mts_diagnostics_find (GPtrArray  *diagnostics,
                      const char *code)
{
  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (diagnostics, i);

      if (g_str_equal (d->code, code))
        return d;
    }
  return NULL;
}

void
mts_diagnostics_to_json (GPtrArray   *diagnostics,
                         JsonBuilder *builder)
{
  json_builder_begin_array (builder);
  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    mts_diagnostic_to_json (g_ptr_array_index (diagnostics, i), builder);
  json_builder_end_array (builder);
}
