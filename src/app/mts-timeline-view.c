/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-timeline-view.c: the Progress step's view of what happened to the domain, newest first.
 *
 * The events are the project's timeline: what happened and its numbers
 * (see MtsProjectEvent), put into a sentence here, in the reader's
 * language, whoever wrote them (the window, or `mtasts import` from cron in
 * the C locale).  Events from older files have only a line, shown as is.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-report-chart.h"
#include "mts-rows.h"
#include "mts-timeline-view.h"

struct _MtsTimelineView
{
  AdwBin parent_instance;

  GtkListBox *list;

  MtsProject *project;
  gulong changed_id;
  guint refresh_source;
  /* The number of events shown, to rebuild only when it changes. */
  guint shown_events;
};

G_DEFINE_FINAL_TYPE (MtsTimelineView, mts_timeline_view, ADW_TYPE_BIN)

static const char *
event_icon (MtsTimelineKind kind)
{
  switch (kind)
    {
    case MTS_TIMELINE_CREATED:
      return "document-new-symbolic";
    case MTS_TIMELINE_PUBLISHED:
      return "emblem-ok-symbolic";
    case MTS_TIMELINE_AUDIT:
      return "system-search-symbolic";
    case MTS_TIMELINE_IMPORT:
      return "mail-unread-symbolic";
    case MTS_TIMELINE_SWITCH:
    default:
      return "mail-send-receive-symbolic";
    }
}

/* "Imported 12 new TLS reports (2 duplicates, 1 file rejected).", each
 * count with its own plural, the pieces joined by translatable patterns. */
static char *
import_title (const MtsProjectEvent *event)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *added_text = mts_format_count (event->new_reports);
  g_autofree char *duplicates_text = mts_format_count (event->duplicates);
  g_autofree char *rejected_text = mts_format_count (event->rejected);
  g_autofree char *elsewhere_text = mts_format_count (event->other_domain);
  g_autofree char *headline = NULL;
  g_autofree char *details = NULL;

  /* Translators: a line of the timeline, before what was left out. */
  headline = g_strdup_printf (g_dngettext (NULL, "Imported %s new TLS report", "Imported %s new TLS reports",
                                           event->new_reports),
                              added_text);
  if (event->duplicates > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (NULL, "%s duplicate", "%s duplicates",
                                                          event->duplicates),
                                             duplicates_text));
  if (event->rejected > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (NULL, "%s file rejected", "%s files rejected",
                                                          event->rejected),
                                             rejected_text));
  if (event->other_domain > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (NULL, "%s report for other domains",
                                                          "%s reports for other domains",
                                                          event->other_domain),
                                             elsewhere_text));
  if (parts->len == 0)
    /* Translators: a line of the timeline: "Imported 12 new TLS reports." */
    return g_strdup_printf (_("%s."), headline);
  g_ptr_array_add (parts, NULL);
  /* Translators: between the parts in "(2 duplicates, 1 file rejected)". */
  details = g_strjoinv (_(", "), (char **) parts->pdata);
  /* Translators: a line of the timeline: "Imported 12 new TLS reports (2 duplicates, 1 file rejected)." */
  return g_strdup_printf (_("%s (%s)."), headline, details);
}

/* A switch of mode started (mts_promotion_apply()), or %NULL for a kind
 * this version does not know. */
static char *
switch_started_title (const MtsProjectEvent *event)
{
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *until = NULL;

  if (g_str_equal (event->what, "enforce"))
    return g_strdup_printf (_("Switched to enforce: new policy id %s, max_age %u."),
                            event->new_id, event->max_age);
  if (g_str_equal (event->what, "testing"))
    return g_strdup_printf (_("Went back to testing: new policy id %s, max_age %u."),
                            event->new_id, event->max_age);
  if (!g_str_equal (event->what, "remove"))
    return NULL;
  if (event->wait_until == NULL)
    return g_strdup_printf (_("Started removing MTA-STS: mode none, new policy id %s."), event->new_id);
  local = g_date_time_to_local (event->wait_until);
  /* Translators: a date and time; see g_date_time_format(). */
  until = g_date_time_format (local, _("%-d %B %Y, %H:%M"));
  return g_strdup_printf (_("Started removing MTA-STS: mode none, new policy id %s; the "
                            "records can go after %s."),
                          event->new_id, until);
}

/* Returns: (transfer full): what happened, as a sentence in the reader's
 * language.  The project keeps what happened (mts_project_add_*_event());
 * an event from an older file has only a line, shown as is, or for some
 * kinds a word this view knows. */
static char *
event_title (const MtsProjectEvent *event)
{
  const char *text = event->text != NULL ? event->text : "";
  /* Older versions kept the verdict, the part published or the state
   * reached as the text. */
  const char *what = event->has_params && event->what != NULL ? event->what : text;

  switch (event->kind)
    {
    case MTS_TIMELINE_CREATED:
      if (event->has_params)
        return g_strdup (_("Domain set up"));
      break;
    case MTS_TIMELINE_PUBLISHED:
      if (g_str_equal (what, "policy"))
        return g_strdup (_("The policy file was seen published"));
      if (g_str_equal (what, "_mta-sts"))
        return g_strdup (_("The _mta-sts record was seen published"));
      if (g_str_equal (what, "_smtp._tls"))
        return g_strdup (_("The _smtp._tls record was seen published"));
      break;
    case MTS_TIMELINE_AUDIT:
      if (g_str_equal (what, "ok"))
        return g_strdup (_("Check: everything in order"));
      if (g_str_equal (what, "warnings"))
        return g_strdup (_("Check: works, with warnings"));
      if (g_str_equal (what, "errors"))
        return g_strdup (_("Check: problems found"));
      if (g_str_equal (what, "unreachable"))
        return g_strdup (_("Check: the domain could not be looked up"));
      /* Translators: a check of the domain and what it found. */
      return g_strdup_printf (_("Check: %s"), what);
    case MTS_TIMELINE_IMPORT:
      if (event->has_params)
        return import_title (event);
      break;
    case MTS_TIMELINE_SWITCH:
      if (event->has_params && !event->seen_published)
        {
          char *title = switch_started_title (event);

          if (title != NULL)
            return title;
          break;
        }
      if (g_str_equal (what, "testing"))
        return g_strdup (_("Testing started: everything was seen published"));
      if (g_str_equal (what, "enforce"))
        return g_strdup (_("Enforce started: everything was seen published"));
      if (g_str_equal (what, "removing"))
        return g_strdup (_("Mode none was seen published: removal started"));
      if (g_str_equal (what, "draft"))
        return g_strdup (_("Back to a draft"));
      if (g_str_equal (what, "removed"))
        return g_strdup (_("MTA-STS removed: neither the record nor the policy is published"));
      break;
    default:
      break;
    }
  return g_strdup (text);
}

static GtkWidget *
event_row_new (const MtsProjectEvent *event)
{
  g_autofree char *title = event_title (event);
  g_autofree char *when = NULL;
  GtkWidget *row;

  if (event->time != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (event->time);

      /* Translators: a date and time; see g_date_time_format(). */
      when = g_date_time_format (local, _("%-d %B %Y, %H:%M"));
    }
  row = mts_message_row_new (event_icon (event->kind), NULL, title, when);
  gtk_widget_set_name (row, mts_timeline_kind_to_string (event->kind));
  return row;
}

static int
compare_events (gconstpointer a,
                gconstpointer b)
{
  const MtsProjectEvent *x = *(const MtsProjectEvent *const *) a;
  const MtsProjectEvent *y = *(const MtsProjectEvent *const *) b;

  if (x->time == NULL || y->time == NULL)
    return (x->time != NULL) - (y->time != NULL);
  return g_date_time_compare (x->time, y->time);
}

static void
refresh (MtsTimelineView *self)
{
  GPtrArray *timeline;
  g_autoptr(GPtrArray) sorted = NULL;
  GtkWidget *older = NULL;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  mts_list_box_remove_all (self->list);
  self->shown_events = 0;
  if (self->project == NULL)
    return;

  timeline = mts_project_get_timeline (self->project);
  sorted = g_ptr_array_new ();
  for (guint i = 0; timeline != NULL && i < timeline->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (timeline, i));
  /* A merge with another writer's save may append older events; the sort
   * is stable, so events of the same second keep their order. */
  g_ptr_array_sort (sorted, compare_events);
  self->shown_events = sorted->len;
  if (sorted->len == 0)
    {
      gtk_list_box_append (self->list,
                           mts_message_row_new ("dialog-information-symbolic", NULL,
                                                _("Nothing has happened yet."), NULL));
      return;
    }

  /* Newest first. */
  for (guint n = 0; n < sorted->len; n++)
    {
      const MtsProjectEvent *event = g_ptr_array_index (sorted, sorted->len - 1 - n);
      GtkWidget *row = event_row_new (event);

      if (n < MTS_TIMELINE_VIEW_SHOWN)
        {
          gtk_list_box_append (self->list, row);
          continue;
        }
      if (older == NULL)
        {
          guint rest = sorted->len - MTS_TIMELINE_VIEW_SHOWN;
          g_autofree char *subtitle = g_strdup_printf (ngettext ("%u older event", "%u older events", rest),
                                                       rest);

          older = adw_expander_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (older), _("Show All"));
          adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (older), subtitle);
          gtk_widget_set_name (older, "show-all");
          gtk_list_box_append (self->list, older);
        }
      adw_expander_row_add_row (ADW_EXPANDER_ROW (older), row);
    }
}

static gboolean
refresh_cb (gpointer user_data)
{
  MtsTimelineView *self = user_data;

  self->refresh_source = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
project_changed_cb (MtsTimelineView *self)
{
  GPtrArray *timeline = self->project != NULL ? mts_project_get_timeline (self->project) : NULL;

  /* Most changes are not new events (and an open "Show all" stays open). */
  if (timeline != NULL && timeline->len != self->shown_events && self->refresh_source == 0)
    self->refresh_source = g_idle_add (refresh_cb, self);
}

/**
 * mts_timeline_view_set_project:
 * @project: (nullable): the domain's project
 */
void
mts_timeline_view_set_project (MtsTimelineView *self,
                               MtsProject      *project)
{
  g_return_if_fail (MTS_IS_TIMELINE_VIEW (self));

  if (self->project != NULL)
    g_clear_signal_handler (&self->changed_id, self->project);
  g_set_object (&self->project, project);
  if (project != NULL)
    self->changed_id = g_signal_connect_swapped (project, "changed", G_CALLBACK (project_changed_cb), self);
  refresh (self);
}

static void
mts_timeline_view_dispose (GObject *object)
{
  MtsTimelineView *self = MTS_TIMELINE_VIEW (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->project != NULL)
    g_clear_signal_handler (&self->changed_id, self->project);
  g_clear_object (&self->project);
  gtk_widget_dispose_template (GTK_WIDGET (self), MTS_TYPE_TIMELINE_VIEW);

  G_OBJECT_CLASS (mts_timeline_view_parent_class)->dispose (object);
}

static void
mts_timeline_view_class_init (MtsTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_timeline_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-timeline-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsTimelineView, list);
}

static void
mts_timeline_view_init (MtsTimelineView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkListBox *
_mts_timeline_view_get_list (MtsTimelineView *self)
{
  return self->list;
}
