/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-reports-view.h: the Progress step's view of what the imported TLS reports say. */
#pragma once

#include <adwaita.h>

#include "core/mts-project.h"

G_BEGIN_DECLS

#define MTS_TYPE_REPORTS_VIEW (mts_reports_view_get_type ())

G_DECLARE_FINAL_TYPE (MtsReportsView, mts_reports_view, MTS, REPORTS_VIEW, AdwBin)

void     mts_reports_view_set_project  (MtsReportsView *self,
                                        MtsProject     *project);
gboolean mts_reports_view_import       (MtsReportsView *self,
                                        GListModel     *files);
gboolean mts_reports_view_is_importing (MtsReportsView *self);

G_END_DECLS
