/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-timeline-view.h: the Progress step's view of what happened to the domain, newest first. */
#pragma once

#include <adwaita.h>

#include "core/mts-project.h"

G_BEGIN_DECLS

#define MTS_TYPE_TIMELINE_VIEW (mts_timeline_view_get_type ())

G_DECLARE_FINAL_TYPE (MtsTimelineView, mts_timeline_view, MTS, TIMELINE_VIEW, AdwBin)

/* The newest events shown at once; the older ones fold under "Show all". */
#define MTS_TIMELINE_VIEW_SHOWN 20

void        mts_timeline_view_set_project (MtsTimelineView *self,
                                           MtsProject      *project);

/* For the tests. */
GtkListBox *_mts_timeline_view_get_list   (MtsTimelineView *self);

G_END_DECLS
