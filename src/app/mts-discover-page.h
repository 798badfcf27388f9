/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-discover-page.h: the Discover step: what the domain publishes today. */
#pragma once

#include <adwaita.h>

#include "net/mts-audit.h"

G_BEGIN_DECLS

#define MTS_TYPE_DISCOVER_PAGE (mts_discover_page_get_type ())

G_DECLARE_FINAL_TYPE (MtsDiscoverPage, mts_discover_page, MTS, DISCOVER_PAGE, AdwBin)

void     mts_discover_page_reset        (MtsDiscoverPage      *self,
                                         const char           *domain);
void     mts_discover_page_step_changed (MtsDiscoverPage      *self,
                                         MtsAuditStep          step,
                                         const char           *detail,
                                         MtsAuditStepState     state);
void     mts_discover_page_set_result   (MtsDiscoverPage      *self,
                                         const MtsAuditResult *result,
                                         gboolean              prefilled);
void     mts_discover_page_set_error    (MtsDiscoverPage      *self,
                                         const GError         *error);
void     mts_discover_page_set_stopped  (MtsDiscoverPage      *self);
gboolean mts_discover_page_has_problems (MtsDiscoverPage      *self);

G_END_DECLS
