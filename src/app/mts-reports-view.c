/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-reports-view.c: the Progress step's view of what the imported TLS reports say. */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-reports-view.h"

struct _MtsReportsView
{
  AdwBin parent_instance;

  MtsProject *project;
};

G_DEFINE_FINAL_TYPE (MtsReportsView, mts_reports_view, ADW_TYPE_BIN)

/**
 * mts_reports_view_set_project:
 * @project: (nullable): the domain's project
 */
void
mts_reports_view_set_project (MtsReportsView *self,
                             MtsProject     *project)
{
  g_return_if_fail (MTS_IS_REPORTS_VIEW (self));

  g_set_object (&self->project, project);
}

static void
mts_reports_view_dispose (GObject *object)
{
  MtsReportsView *self = MTS_REPORTS_VIEW (object);

  g_clear_object (&self->project);

  G_OBJECT_CLASS (mts_reports_view_parent_class)->dispose (object);
}

static void
mts_reports_view_class_init (MtsReportsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mts_reports_view_dispose;
}

static void
mts_reports_view_init (MtsReportsView *self)
{
}
