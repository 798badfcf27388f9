/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-progress-page.c: the Progress step: where the domain is between testing and enforce.
 *
 * Everything shown comes from the domain's project: its state and since
 * when, and the dates on which Verify publication first saw each part
 * published as generated.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-progress-page.h"
#include "mts-readiness-view.h"
#include "mts-reports-view.h"
#include "mts-rows.h"
#include "mts-timeline-view.h"
#include "mts-window-private.h"

struct _MtsProgressPage
{
  AdwBin parent_instance;

  GtkListBox *state_list;
  GtkListBox *published_list;
  GtkListBox *next_list;
  MtsReadinessView *readiness_view;
  MtsReportsView *reports_view;
  MtsTimelineView *timeline_view;
};

G_DEFINE_FINAL_TYPE (MtsProgressPage, mts_progress_page, ADW_TYPE_BIN)

static char *
format_date (GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);

  /* Translators: a date as in "12 March 2027"; see g_date_time_format(). */
  return g_date_time_format (local, _("%-d %B %Y"));
}

static void
add_published (MtsProgressPage *self,
               MtsProject      *project,
               MtsPublished     what,
               const char      *title)
{
  GDateTime *when = mts_project_get_published (project, what);
  g_autofree char *date = when != NULL ? format_date (when) : NULL;
  g_autofree char *line = when != NULL ? g_strdup_printf (_("Published, seen on %s"), date)
                                       : g_strdup (_("Not seen published yet"));
  GtkWidget *row = mts_message_row_new (when != NULL ? "emblem-ok-symbolic" : "content-loading-symbolic",
                                        when != NULL ? "success" : "dim-label", title, line);

  gtk_list_box_append (self->published_list, row);
}

/**
 * mts_progress_page_set_project:
 * @project: (nullable): the domain's project
 */
void
mts_progress_page_set_project (MtsProgressPage *self,
                               MtsProject      *project)
{
  g_autofree char *headline = NULL;
  g_autofree char *since = NULL;
  const char *next = NULL;
  GDateTime *state_since;

  g_return_if_fail (MTS_IS_PROGRESS_PAGE (self));

  mts_list_box_remove_all (self->state_list);
  mts_list_box_remove_all (self->published_list);
  mts_list_box_remove_all (self->next_list);
  mts_readiness_view_set_project (self->readiness_view, project);
  mts_reports_view_set_project (self->reports_view, project);
  mts_timeline_view_set_project (self->timeline_view, project);
  if (project == NULL)
    return;

  state_since = mts_project_get_state_since (project);
  since = state_since != NULL ? format_date (state_since) : NULL;
  switch (mts_project_get_state (project))
    {
    case MTS_PROJECT_STATE_TESTING:
      headline = since != NULL ? g_strdup_printf (_("Testing since %s"), since) : g_strdup (_("Testing"));
      next = _("Leave the policy in testing for at least two weeks, and import the reports that arrive at your report address. When the checklist under “Ready for Enforce?” is met, use Switch to Enforce: it guides you through publishing the new file and record.");
      break;
    case MTS_PROJECT_STATE_ENFORCE:
      headline = since != NULL ? g_strdup_printf (_("Enforced since %s"), since) : g_strdup (_("Enforced"));
      next = _("Senders now refuse to deliver over connections that are not encrypted and verified. Keep the certificates of your mail servers and of the policy host renewed, and update the policy before you add or rename a mail server.");
      break;
    case MTS_PROJECT_STATE_REMOVING:
      headline = since != NULL ? g_strdup_printf (_("Being removed since %s"), since) : g_strdup (_("Being removed"));
      next = _("Keep the policy in mode none published until the previous max_age has passed, then delete the policy file and both records.");
      break;
    case MTS_PROJECT_STATE_REMOVED:
      headline = since != NULL ? g_strdup_printf (_("Removed since %s"), since) : g_strdup (_("Removed"));
      next = _("Nothing is published any more, and no sender keeps the policy. Keep the project for its history, or use Forget This Domain below.");
      break;
    case MTS_PROJECT_STATE_DRAFT:
    default:
      headline = g_strdup (_("Draft: not published yet"));
      next = _("Publish the policy file and the two records on the Publish step, then use Verify Publication: testing starts when everything is seen in place.");
      break;
    }
  gtk_list_box_append (self->state_list,
                       mts_message_row_new ("mail-send-receive-symbolic", "accent", headline,
                                            mts_project_get_domain (project)));

  add_published (self, project, MTS_PUBLISHED_POLICY, _("Policy file"));
  add_published (self, project, MTS_PUBLISHED_STS_RECORD, _("_mta-sts record"));
  add_published (self, project, MTS_PUBLISHED_TLSRPT_RECORD, _("_smtp._tls record"));

  gtk_list_box_append (self->next_list,
                       mts_message_row_new ("go-next-symbolic", NULL, next, NULL));
}

static void
mts_progress_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MTS_TYPE_PROGRESS_PAGE);

  G_OBJECT_CLASS (mts_progress_page_parent_class)->dispose (object);
}

static void
mts_progress_page_class_init (MtsProgressPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_progress_page_dispose;

  g_type_ensure (MTS_TYPE_READINESS_VIEW);
  g_type_ensure (MTS_TYPE_REPORTS_VIEW);
  g_type_ensure (MTS_TYPE_TIMELINE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-progress-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsProgressPage, state_list);
  gtk_widget_class_bind_template_child (widget_class, MtsProgressPage, published_list);
  gtk_widget_class_bind_template_child (widget_class, MtsProgressPage, next_list);
  gtk_widget_class_bind_template_child (widget_class, MtsProgressPage, readiness_view);
  gtk_widget_class_bind_template_child (widget_class, MtsProgressPage, reports_view);
  gtk_widget_class_bind_template_child (widget_class, MtsProgressPage, timeline_view);
}

static void
mts_progress_page_init (MtsProgressPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

MtsReportsView *
_mts_progress_page_get_reports_view (MtsProgressPage *self)
{
  return self->reports_view;
}
