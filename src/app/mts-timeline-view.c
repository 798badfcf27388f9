/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-timeline-view.c: the Progress step's view of what happened to the domain, newest first. */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-timeline-view.h"

struct _MtsTimelineView
{
  AdwBin parent_instance;

  MtsProject *project;
};

G_DEFINE_FINAL_TYPE (MtsTimelineView, mts_timeline_view, ADW_TYPE_BIN)

/**
 * mts_timeline_view_set_project:
 * @project: (nullable): the domain's project
 */
void
mts_timeline_view_set_project (MtsTimelineView *self,
                             MtsProject     *project)
{
  g_return_if_fail (MTS_IS_TIMELINE_VIEW (self));

  g_set_object (&self->project, project);
}

static void
mts_timeline_view_dispose (GObject *object)
{
  MtsTimelineView *self = MTS_TIMELINE_VIEW (object);

  g_clear_object (&self->project);

  G_OBJECT_CLASS (mts_timeline_view_parent_class)->dispose (object);
}

static void
mts_timeline_view_class_init (MtsTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mts_timeline_view_dispose;
}

static void
mts_timeline_view_init (MtsTimelineView *self)
{
}
