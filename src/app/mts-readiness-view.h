/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-readiness-view.h: the Progress step's view of the readiness checklist and verdict, and the ways to switch modes. */
#pragma once

#include <adwaita.h>

#include "core/mts-project.h"

G_BEGIN_DECLS

#define MTS_TYPE_READINESS_VIEW (mts_readiness_view_get_type ())

G_DECLARE_FINAL_TYPE (MtsReadinessView, mts_readiness_view, MTS, READINESS_VIEW, AdwBin)

void        mts_readiness_view_set_project     (MtsReadinessView *self,
                                                MtsProject       *project);

/* For the tests: "enforce", "testing", "remove" or "continue". */
GtkButton  *_mts_readiness_view_get_button     (MtsReadinessView *self,
                                                const char       *which);
GtkListBox *_mts_readiness_view_get_checklist  (MtsReadinessView *self);
GtkListBox *_mts_readiness_view_get_verdict    (MtsReadinessView *self);

G_END_DECLS
