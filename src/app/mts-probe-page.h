/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-probe-page.h: the Server check step: STARTTLS and the certificate of every MX address. */
#pragma once

#include <adwaita.h>

#include "net/mts-audit.h"

G_BEGIN_DECLS

#define MTS_TYPE_PROBE_PAGE (mts_probe_page_get_type ())

G_DECLARE_FINAL_TYPE (MtsProbePage, mts_probe_page, MTS, PROBE_PAGE, AdwBin)

void     mts_probe_page_reset        (MtsProbePage         *self);
void     mts_probe_page_step_changed (MtsProbePage         *self,
                                      MtsAuditStep          step,
                                      const char           *detail,
                                      MtsAuditStepState     state);
void     mts_probe_page_set_result   (MtsProbePage         *self,
                                      const MtsAuditResult *result);
void     mts_probe_page_set_error    (MtsProbePage         *self,
                                      const GError         *error);
void     mts_probe_page_set_stopped  (MtsProbePage         *self);
gboolean mts_probe_page_has_problems (MtsProbePage         *self);
gboolean mts_probe_page_has_result   (MtsProbePage         *self);

G_END_DECLS
