/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-readiness-view.c: the Progress step's view of the readiness checklist and verdict, and the ways to switch modes. */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-readiness-view.h"

struct _MtsReadinessView
{
  AdwBin parent_instance;

  MtsProject *project;
};

G_DEFINE_FINAL_TYPE (MtsReadinessView, mts_readiness_view, ADW_TYPE_BIN)

/**
 * mts_readiness_view_set_project:
 * @project: (nullable): the domain's project
 */
void
mts_readiness_view_set_project (MtsReadinessView *self,
                             MtsProject     *project)
{
  g_return_if_fail (MTS_IS_READINESS_VIEW (self));

  g_set_object (&self->project, project);
}

static void
mts_readiness_view_dispose (GObject *object)
{
  MtsReadinessView *self = MTS_READINESS_VIEW (object);

  g_clear_object (&self->project);

  G_OBJECT_CLASS (mts_readiness_view_parent_class)->dispose (object);
}

static void
mts_readiness_view_class_init (MtsReadinessViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mts_readiness_view_dispose;
}

static void
mts_readiness_view_init (MtsReadinessView *self)
{
}
