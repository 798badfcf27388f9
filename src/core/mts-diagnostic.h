/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-diagnostic.h: one finding about a policy, a record or a setup. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  /* Senders reject it, or mail is refused because of it. */
  MTS_SEVERITY_ERROR,
  /* Works, but is risky or against published guidance. */
  MTS_SEVERITY_WARNING,
  /* Fine, but worth knowing. */
  MTS_SEVERITY_NOTE,
} MtsSeverity;

typedef struct
{
  MtsSeverity severity;
  /* 1-based line (or field) number, 0 when the finding is about the whole. */
  guint line;
  /* Stable, machine-readable: "policy-mx-missing".  Static string. */
  const char *code;
  /* Plain language, translated, and says what to change. */
  char *message;
  /* Where the rule comes from: "RFC 8461 §3.2", or NULL.  Static string. */
  const char *reference;
} MtsDiagnostic;

MtsDiagnostic *mts_diagnostic_new          (MtsSeverity          severity,
                                            guint                line,
                                            const char          *code,
                                            const char          *reference,
                                            const char          *format,
                                            ...) G_GNUC_PRINTF (5, 6);
MtsDiagnostic *mts_diagnostic_copy         (const MtsDiagnostic *diagnostic);
void           mts_diagnostic_free         (MtsDiagnostic       *diagnostic);
const char    *mts_severity_to_string      (MtsSeverity          severity);
char          *mts_diagnostic_format       (const MtsDiagnostic *diagnostic);
void           mts_diagnostic_to_json      (const MtsDiagnostic *diagnostic,
                                            JsonBuilder         *builder);

/* A GPtrArray of MtsDiagnostic, freeing them. */
GPtrArray     *mts_diagnostics_new         (void);
void           mts_diagnostics_add         (GPtrArray           *diagnostics,
                                            MtsSeverity          severity,
                                            guint                line,
                                            const char          *code,
                                            const char          *reference,
                                            const char          *format,
                                            ...) G_GNUC_PRINTF (6, 7);
gboolean       mts_diagnostics_has_errors  (GPtrArray           *diagnostics);
void           mts_diagnostics_extend      (GPtrArray           *diagnostics,
                                            GPtrArray           *from);
void           mts_diagnostics_sort        (GPtrArray           *diagnostics);
const MtsDiagnostic *
               mts_diagnostics_find        (GPtrArray           *diagnostics,
                                            const char          *code);
void           mts_diagnostics_to_json     (GPtrArray           *diagnostics,
                                            JsonBuilder         *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsDiagnostic, mts_diagnostic_free)

G_END_DECLS
