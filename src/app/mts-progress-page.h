/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-progress-page.h: the Progress step: where the domain is between testing and enforce. */
#pragma once

#include <adwaita.h>

#include "core/mts-project.h"

G_BEGIN_DECLS

#define MTS_TYPE_PROGRESS_PAGE (mts_progress_page_get_type ())

G_DECLARE_FINAL_TYPE (MtsProgressPage, mts_progress_page, MTS, PROGRESS_PAGE, AdwBin)

void mts_progress_page_set_project (MtsProgressPage *self,
                                    MtsProject      *project);

G_END_DECLS
