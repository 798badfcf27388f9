/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-reports-view.c: the Progress step's view of what the imported TLS reports say.
 *
 * Everything shown is summed up from the reports stored in the domain's
 * project (only the policies for the domain count, as for readiness): the
 * totals, a chart per day, failed sessions by result type (with what each
 * means and what to fix, from the core), by MX host, and sessions by
 * reporter.  Reports whose totals disagree with their own failure details
 * are named under the totals: both numbers are kept, and, as in `mtasts
 * report`, the totals count sessions while the lists by result type and
 * by MX host add up the failure details.  The sums are made in a thread,
 * and again only when the number of stored reports changes.
 *
 * Importing runs the core's importer in a thread, with a progress bar and
 * Cancel; then the reports read go into the project a few milliseconds'
 * worth at a time, so the window keeps answering.  Cancel while reading
 * stores nothing; Cancel while storing keeps the reports stored so far,
 * each whole.  When it is done, the window saves the project and shows it
 * again on the Progress step (readiness and timeline included); files that
 * gave no report for the domain stay listed until the next import.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "core/mts-report-import.h"
#include "core/mts-report-summary.h"
#include "mts-file-chooser.h"
#include "mts-report-chart.h"
#include "mts-reports-view.h"
#include "mts-rows.h"
#include "mts-window-private.h"

/* Long lists help nobody: the largest first, then how many more. */
#define MAX_ROWS 20
/* Reports that disagree with themselves: a few, as examples. */
#define MAX_FLAGGED_ROWS 5

struct _MtsReportsView
{
  AdwBin parent_instance;

  GtkButton *import_files_button;
  GtkButton *import_folder_button;
  GtkBox *import_box;
  GtkLabel *import_label;
  GtkProgressBar *import_progress;
  GtkButton *cancel_button;
  GtkBox *outcome_box;
  GtkLabel *outcome_label;
  GtkListBox *outcome_list;
  GtkStack *stack;
  GtkLabel *successful_label;
  GtkLabel *failed_label;
  GtkLabel *share_label;
  GtkListBox *flagged_list;
  MtsReportChart *chart;
  GtkListBox *types_list;
  GtkListBox *hosts_list;
  GtkListBox *reporters_list;

  MtsProject *project;
  /* What the lists show: the number of reports they were summed from. */
  guint shown_reports;
  gboolean shown;
  /* Sums are made in a thread; only the latest one asked for is shown. */
  guint generation;
  gboolean summarizing;

  /* The running import, if any: reading files in a thread, then storing
   * what they held a batch at a time. */
  MtsReportImport *import;
  GCancellable *import_cancellable;
  MtsReportImportResult *storing;
  MtsProject *storing_project;
  guint stored;
  guint added;
  guint store_source;
  /* The file chooser open, if any. */
  GCancellable *chooser_cancellable;
};

G_DEFINE_FINAL_TYPE (MtsReportsView, mts_reports_view, ADW_TYPE_BIN)

static GtkWidget *
count_row (const char *title,
           const char *subtitle,
           const char *count)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (count);

  /* Titles come from strangers' reports: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (count != NULL)
    {
      gtk_widget_add_css_class (label, "numeric");
      gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  return row;
}

static GtkWidget *
note_row (const char *icon_name,
          const char *css_class,
          const char *text)
{
  GtkWidget *row = count_row (text, NULL, NULL);
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

  if (css_class != NULL)
    gtk_widget_add_css_class (icon, css_class);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

static void
add_more_row (GtkListBox *list,
              guint       more)
{
  g_autofree char *text = NULL;

  if (more == 0)
    return;
  text = g_strdup_printf (g_dngettext (NULL, "and %u more", "and %u more", more), more);
  gtk_list_box_append (list, note_row ("view-more-symbolic", "dim-label", text));
}

typedef struct
{
  const char *key;
  const MtsReportCounts *counts;
} Entry;

static int
compare_failed_first (gconstpointer a,
                      gconstpointer b)
{
  const Entry *x = a, *y = b;
  gint64 fx = x->counts->failed, fy = y->counts->failed;
  gint64 tx = fx + x->counts->successful, ty = fy + y->counts->successful;

  if (fx != fy)
    return fx > fy ? -1 : 1;
  if (tx != ty)
    return tx > ty ? -1 : 1;
  return g_strcmp0 (x->key, y->key);
}

/* The table's entries, most failures first (then most sessions); only
 * those with failures when @failed_only. */
static GArray *
sorted_entries (GHashTable *table,
                gboolean    failed_only)
{
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Entry entry = { key, value };

      if (!failed_only || entry.counts->failed > 0)
        g_array_append_val (entries, entry);
    }
  g_array_sort (entries, compare_failed_first);
  return entries;
}

static char *
failed_text (gint64 failed)
{
  g_autofree char *number = mts_format_count (failed);

  /* Translators: at the end of a row: "12 failed". */
  return g_strdup_printf (g_dngettext (NULL, "%s failed", "%s failed", failed), number);
}

static void
fill_types (MtsReportsView   *self,
            MtsReportSummary *summary)
{
  g_autoptr(GArray) entries = sorted_entries (mts_report_summary_get_by_result_type (summary), TRUE);

  if (entries->len == 0)
    {
      gtk_list_box_append (self->types_list,
                           note_row ("emblem-ok-symbolic", "success",
                                     _("No failed sessions: every reported connection was encrypted and verified.")));
      return;
    }
  for (guint i = 0; i < MIN (entries->len, MAX_ROWS); i++)
    {
      const Entry *entry = &g_array_index (entries, Entry, i);
      const char *meaning = NULL, *fix = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *count = failed_text (entry->counts->failed);
      GtkWidget *row;

      mts_report_result_type_describe (entry->key, &meaning, &fix);
      /* Translators: under a result type: what it means, then "To fix: …". */
      subtitle = fix != NULL ? g_strdup_printf (_("%s\nTo fix: %s"), meaning, fix) : g_strdup (meaning);
      row = count_row (entry->key, subtitle, count);
      gtk_widget_set_name (row, entry->key);
      gtk_list_box_append (self->types_list, row);
    }
  add_more_row (self->types_list, entries->len - MIN (entries->len, MAX_ROWS));
}

static void
fill_hosts (MtsReportsView   *self,
            MtsReportSummary *summary)
{
  g_autoptr(GArray) entries = sorted_entries (mts_report_summary_get_by_mx_host (summary), TRUE);

  if (entries->len == 0)
    {
      gtk_list_box_append (self->hosts_list,
                           note_row ("emblem-ok-symbolic", "success", _("No mail server had failed sessions.")));
      return;
    }
  for (guint i = 0; i < MIN (entries->len, MAX_ROWS); i++)
    {
      const Entry *entry = &g_array_index (entries, Entry, i);
      g_autofree char *count = failed_text (entry->counts->failed);
      gboolean named = entry->key[0] != '\0';
      GtkWidget *row;

      row = count_row (named ? entry->key : _("Mail server not named"),
                       named ? NULL : _("The reporters did not say which server these failures were with."),
                       count);
      gtk_widget_set_name (row, entry->key);
      gtk_list_box_append (self->hosts_list, row);
    }
  add_more_row (self->hosts_list, entries->len - MIN (entries->len, MAX_ROWS));
}

static void
fill_reporters (MtsReportsView   *self,
                MtsReportSummary *summary)
{
  g_autoptr(GArray) entries = sorted_entries (mts_report_summary_get_by_reporter (summary), FALSE);

  for (guint i = 0; i < MIN (entries->len, MAX_ROWS); i++)
    {
      const Entry *entry = &g_array_index (entries, Entry, i);
      g_autofree char *ok = mts_format_count (entry->counts->successful);
      g_autofree char *ok_text = NULL;
      g_autofree char *bad_text = failed_text (entry->counts->failed);
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      /* Each count has its own plural, so they are two messages. */
      /* Translators: under a reporter, before ", 3 failed": "12,000 successful sessions". */
      ok_text = g_strdup_printf (g_dngettext (NULL, "%s successful session", "%s successful sessions",
                                              entry->counts->successful),
                                 ok);
      /* Translators: under a reporter: "12,000 successful sessions, 3 failed". */
      subtitle = g_strdup_printf (_("%s, %s"), ok_text, bad_text);
      row = count_row (entry->key[0] != '\0' ? entry->key : _("Reporter not named"), subtitle, NULL);
      gtk_widget_set_name (row, entry->key);
      gtk_list_box_append (self->reporters_list, row);
    }
  add_more_row (self->reporters_list, entries->len - MIN (entries->len, MAX_ROWS));
}

/* What one report says against itself: "Report “ID”: its totals say
 * 5 failed sessions, its failure details add up to 3". */
static char *
flagged_subtitle (const MtsReportFlagged *report)
{
  g_autofree char *failed = mts_format_count (report->failed);
  g_autofree char *in_details = mts_format_count (report->failed_in_details);
  g_autofree char *totals = NULL;
  g_autofree char *details = NULL;

  /* Two policies off in opposite directions add up to equal sums. */
  if (report->failed == report->failed_in_details)
    /* Translators: under a reporter's name; %s is the report's id. */
    return g_strdup_printf (_("Report “%s”: its totals and its failure details disagree"), report->report_id);
  /* Translators: the first half of "Report “ID”: its totals say 5 failed
   * sessions, its failure details add up to 3". */
  totals = g_strdup_printf (g_dngettext (NULL, "its totals say %s failed session",
                                         "its totals say %s failed sessions",
                                         CLAMP (report->failed, 0, G_MAXINT)),
                            failed);
  /* Translators: the second half of the same line. */
  details = g_strdup_printf (g_dngettext (NULL, "its failure details add up to %s",
                                          "its failure details add up to %s",
                                          CLAMP (report->failed_in_details, 0, G_MAXINT)),
                             in_details);
  /* Translators: under a reporter's name: a report (its id) whose counts
   * contradict each other; the two %s are the halves above. */
  return g_strdup_printf (_("Report “%s”: %s, %s"), report->report_id, totals, details);
}

/* Reports whose totals disagree with their failure details: how many, which
 * numbers the view uses, and the first few. */
static void
fill_flagged (MtsReportsView   *self,
              MtsReportSummary *summary)
{
  guint n_flagged = mts_report_summary_get_n_flagged (summary);
  GPtrArray *flagged = mts_report_summary_get_flagged (summary);
  g_autofree char *number = NULL;
  g_autofree char *title = NULL;
  GtkWidget *expander, *icon;
  guint shown;

  mts_list_box_remove_all (self->flagged_list);
  gtk_widget_set_visible (GTK_WIDGET (self->flagged_list), n_flagged > 0);
  if (n_flagged == 0)
    return;

  number = mts_format_count (n_flagged);
  /* Translators: above the list of reports that contradict themselves;
   * %s is how many. */
  title = g_strdup_printf (g_dngettext (NULL, "%s report’s totals disagree with its own failure details",
                                        "%s reports’ totals disagree with their own failure details",
                                        n_flagged),
                           number);
  expander = adw_expander_row_new ();
  gtk_widget_set_name (expander, "flagged");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander),
                                 /* Translators: under "3 reports’ totals disagree with
                                  * their own failure details". */
                                 _("Both numbers are kept. The totals above count what the reports’ "
                                   "totals say; the failures by result type and by mail server add up "
                                   "their failure details."));
  icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, "warning");
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (expander), icon);

  shown = MIN (flagged->len, MAX_FLAGGED_ROWS);
  for (guint i = 0; i < shown; i++)
    {
      const MtsReportFlagged *report = g_ptr_array_index (flagged, i);
      g_autofree char *subtitle = flagged_subtitle (report);
      GtkWidget *row;

      row = count_row (report->organization != NULL && report->organization[0] != '\0'
                       ? report->organization : _("Reporter not named"),
                       subtitle, NULL);
      gtk_widget_set_name (row, report->report_id != NULL ? report->report_id : "");
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
    }
  if (n_flagged > shown)
    {
      g_autofree char *more = g_strdup_printf (g_dngettext (NULL, "and %u more", "and %u more",
                                                            n_flagged - shown),
                                               n_flagged - shown);

      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), note_row ("view-more-symbolic", "dim-label", more));
    }
  gtk_list_box_append (self->flagged_list, expander);
}

typedef struct
{
  /* JsonNode around each report's facts, shared with the project.  The
   * thread only reads them: json-glib's reference counts are not atomic,
   * so the nodes are made and freed on the main thread. */
  GPtrArray *facts;
  char *domain;
  guint generation;
} SummarizeData;

static void
summarize_data_free (SummarizeData *data)
{
  g_clear_pointer (&data->facts, g_ptr_array_unref);
  g_free (data->domain);
  g_free (data);
}

/* The stored reports, summed up in a thread (a year of reports takes a
 * tenth of a second to read); only the policies for the project's domain
 * count (a report may also cover other domains of its sender). */
static void
summarize_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SummarizeData *data = task_data;
  MtsReportSummary *summary = mts_report_summary_new ();

  for (guint i = 0; i < data->facts->len; i++)
    {
      g_autoptr(MtsReport) report = mts_report_from_json (data->facts->pdata[i], NULL);

      if (report == NULL || !mts_report_is_for_domain (report, data->domain))
        continue;
      report->flags &= ~MTS_REPORT_FLAG_SUMMARY_DISAGREES;
      for (guint j = report->policies->len; j > 0; j--)
        {
          const MtsReportPolicy *policy = g_ptr_array_index (report->policies, j - 1);

          if (g_strcmp0 (policy->policy_domain, data->domain) != 0)
            g_ptr_array_remove_index (report->policies, j - 1);
          else if (policy->summary_disagrees)
            /* Only this domain's policies may flag the report here. */
            report->flags |= MTS_REPORT_FLAG_SUMMARY_DISAGREES;
        }
      mts_report_summary_add (summary, report);
    }
  g_task_return_pointer (task, summary, (GDestroyNotify) mts_report_summary_free);
}

static void
show_empty (MtsReportsView *self)
{
  mts_list_box_remove_all (self->types_list);
  mts_list_box_remove_all (self->hosts_list);
  mts_list_box_remove_all (self->reporters_list);
  mts_list_box_remove_all (self->flagged_list);
  gtk_widget_set_visible (GTK_WIDGET (self->flagged_list), FALSE);
  mts_report_chart_set_days (self->chart, NULL);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
show_summary (MtsReportsView   *self,
              MtsReportSummary *summary)
{
  g_autofree char *ok = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *share = NULL;
  gint64 successful, failed;

  if (mts_report_summary_get_n_reports (summary) == 0)
    {
      show_empty (self);
      return;
    }
  mts_list_box_remove_all (self->types_list);
  mts_list_box_remove_all (self->hosts_list);
  mts_list_box_remove_all (self->reporters_list);

  successful = mts_report_summary_get_successful (summary);
  failed = mts_report_summary_get_failed (summary);
  ok = mts_format_count (successful);
  bad = mts_format_count (failed);
  if (successful + failed == 0)
    share = g_strdup ("–");
  else if (failed > 0 && failed * 1000 < successful + failed)
    /* Translators: a share of failed sessions below 0.1 percent. */
    share = g_strdup (_("< 0.1 %"));
  else
    /* Translators: a share of failed sessions: "1.5 %". */
    share = g_strdup_printf (_("%.1f %%"), 100.0 * failed / (successful + failed));
  gtk_label_set_text (self->successful_label, ok);
  gtk_label_set_text (self->failed_label, bad);
  gtk_label_set_text (self->share_label, share);
  fill_flagged (self, summary);
  mts_report_chart_set_days (self->chart, mts_report_summary_get_by_day (summary));
  fill_types (self, summary);
  fill_hosts (self, summary);
  fill_reporters (self, summary);
  gtk_stack_set_visible_child_name (self->stack, "reports");
}

static void
summarize_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  MtsReportsView *self = MTS_REPORTS_VIEW (source);
  SummarizeData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(MtsReportSummary) summary = g_task_propagate_pointer (G_TASK (result), NULL);

  g_clear_pointer (&data->facts, g_ptr_array_unref);
  /* Disposed, or a newer sum is on its way. */
  if (self->stack == NULL || data->generation != self->generation)
    return;
  self->summarizing = FALSE;
  show_summary (self, summary);
}

static void
show_reports (MtsReportsView *self)
{
  g_autoptr(GTask) task = NULL;
  SummarizeData *data;
  GPtrArray *reports;

  self->generation++;
  self->summarizing = FALSE;
  if (self->project == NULL || mts_project_get_n_reports (self->project) == 0)
    {
      show_empty (self);
      return;
    }

  reports = mts_project_get_reports (self->project);
  data = g_new0 (SummarizeData, 1);
  data->facts = g_ptr_array_new_full (reports->len, (GDestroyNotify) json_node_unref);
  for (guint i = 0; i < reports->len; i++)
    g_ptr_array_add (data->facts, json_node_init_object (json_node_alloc (),
                                                         ((MtsProjectReport *) reports->pdata[i])->facts));
  data->domain = g_strdup (mts_project_get_domain (self->project));
  data->generation = self->generation;

  /* Another domain's sums stay up until the new ones come: not this. */
  if (!self->shown)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  self->summarizing = TRUE;
  task = g_task_new (self, NULL, summarize_done_cb, NULL);
  g_task_set_source_tag (task, show_reports);
  g_task_set_task_data (task, data, (GDestroyNotify) summarize_data_free);
  g_task_run_in_thread (task, summarize_thread);
}

static void
update_actions (MtsReportsView *self)
{
  gboolean idle = self->import == NULL && self->project != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reports.import-files", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reports.import-folder", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reports.cancel-import", self->import != NULL);
}

static void
cancel_import (MtsReportsView *self)
{
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  if (self->chooser_cancellable != NULL)
    g_cancellable_cancel (self->chooser_cancellable);
}

/**
 * mts_reports_view_set_project:
 * @project: (nullable): the domain's project
 *
 * Shows what @project's reports say.  Another project stops an import
 * into the one before and forgets what the last import left out.
 */
void
mts_reports_view_set_project (MtsReportsView *self,
                              MtsProject     *project)
{
  g_return_if_fail (MTS_IS_REPORTS_VIEW (self));

  if (project != self->project)
    {
      cancel_import (self);
      mts_list_box_remove_all (self->outcome_list);
      gtk_widget_set_visible (GTK_WIDGET (self->outcome_box), FALSE);
      self->shown = FALSE;
    }
  g_set_object (&self->project, project);
  if (!self->shown || project == NULL || mts_project_get_n_reports (project) != self->shown_reports)
    {
      show_reports (self);
      self->shown = project != NULL;
      self->shown_reports = project != NULL ? mts_project_get_n_reports (project) : 0;
    }
  update_actions (self);
}

/* Import ---------------------------------------------------------------- */

static void
import_progress_cb (guint    done,
                    guint    total,
                    gpointer user_data)
{
  MtsReportsView *self = user_data;
  g_autofree char *text = NULL;

  /* Disposed (the window closed) while the import winds down. */
  if (self->import_label == NULL)
    return;
  if (total == 0)
    {
      gtk_progress_bar_pulse (self->import_progress);
      gtk_label_set_text (self->import_label, _("Looking for reports…"));
      return;
    }
  {
    g_autofree char *done_text = mts_format_count (done);
    g_autofree char *total_text = mts_format_count (total);

    /* Translators: while importing: "Reading 12 of 2,000 files…". */
    text = g_strdup_printf (g_dngettext (NULL, "Reading %s of %s file…", "Reading %s of %s files…", total),
                            done_text, total_text);
  }
  gtk_label_set_text (self->import_label, text);
  gtk_progress_bar_set_fraction (self->import_progress, (double) done / total);
}

static char *
file_display_name (const char *path)
{
  return g_filename_display_basename (path);
}

static void
show_outcome (MtsReportsView              *self,
              const MtsReportImportResult *result)
{
  guint n = result->rejected->len + result->elsewhere->len;
  guint shown = 0;
  g_autofree char *heading = NULL;

  mts_list_box_remove_all (self->outcome_list);
  gtk_widget_set_visible (GTK_WIDGET (self->outcome_box), n > 0);
  if (n == 0)
    return;
  heading = g_strdup_printf (g_dngettext (NULL, "%u File Not Imported", "%u Files Not Imported", n), n);
  gtk_label_set_text (self->outcome_label, heading);

  for (guint i = 0; i < result->elsewhere->len && shown < MAX_ROWS; i++, shown++)
    {
      const MtsReportElsewhere *elsewhere = g_ptr_array_index (result->elsewhere, i);
      g_autofree char *name = file_display_name (elsewhere->file);
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      /* Translators: a report file for another domain: "For other.example, from Google Inc.: not imported". */
      subtitle = g_strdup_printf (_("For %s, from %s: not imported here"), elsewhere->domain,
                                  elsewhere->organization);
      row = note_row ("mail-forward-symbolic", "dim-label", name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_tooltip_text (row, elsewhere->file);
      gtk_widget_set_name (row, "elsewhere");
      gtk_list_box_append (self->outcome_list, row);
    }
  for (guint i = 0; i < result->rejected->len && shown < MAX_ROWS; i++, shown++)
    {
      const MtsReportRejection *rejection = g_ptr_array_index (result->rejected, i);
      g_autofree char *name = file_display_name (rejection->file);
      GtkWidget *row;

      row = note_row ("dialog-warning-symbolic", "warning", name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), rejection->reason);
      gtk_widget_set_tooltip_text (row, rejection->file);
      gtk_widget_set_name (row, rejection->code);
      gtk_list_box_append (self->outcome_list, row);
    }
  add_more_row (self->outcome_list, n - shown);
}

static char *
outcome_message (guint                        added,
                 const MtsReportImportResult *result)
{
  g_autoptr(GString) message = g_string_new (NULL);

  if (added == 0 && result->duplicates == 0 && result->rejected->len == 0 && result->elsewhere->len == 0)
    return g_strdup (_("No reports found there"));
  if (added > 0)
    {
      g_autofree char *number = mts_format_count (added);

      g_string_append_printf (message, g_dngettext (NULL, "Imported %s report", "Imported %s reports", added),
                              number);
    }
  else
    g_string_append (message, _("No new reports"));
  if (result->duplicates > 0)
    {
      g_autofree char *number = mts_format_count (result->duplicates);

      g_string_append_printf (message, g_dngettext (NULL, ", %s already known", ", %s already known",
                                                    result->duplicates),
                              number);
    }
  /* The files left out are listed under the buttons, each with why: a
   * toast cannot wrap, so it does not say it again. */
  return g_string_free (g_steal_pointer (&message), FALSE);
}

/* Ends an import: shows what it did, and has the window save and show
 * the project if it changed. */
static void
finish_import (MtsReportsView *self,
               gboolean        stopped)
{
  g_autoptr(MtsReportImportResult) result = g_steal_pointer (&self->storing);
  g_autoptr(MtsProject) project = g_steal_pointer (&self->storing_project);
  g_autofree char *message = NULL;
  guint added = self->added;

  g_clear_handle_id (&self->store_source, g_source_remove);
  g_clear_object (&self->import);
  g_clear_object (&self->import_cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self->import_box), FALSE);
  update_actions (self);

  /* The timeline words it in the reader's language. */
  if (added > 0)
    mts_project_add_import_event (project, NULL, added, result->duplicates, result->elsewhere->len,
                                  result->rejected->len);
  /* The domain closed meanwhile: the window saved what was stored. */
  if (project != self->project)
    return;

  show_outcome (self, result);
  if (stopped)
    {
      g_autofree char *number = mts_format_count (added);

      message = g_strdup_printf (g_dngettext (NULL, "Import stopped: %s report was imported",
                                              "Import stopped: %s reports were imported", added),
                                 number);
    }
  else
    message = outcome_message (added, result);
  /* Saved and shown again by the window, as after any change. */
  if (added > 0)
    _mts_window_project_changed (GTK_WIDGET (self));
  _mts_window_toast (GTK_WIDGET (self), message);
}

/* Stores the reports read, a few milliseconds' worth at a time, so that
 * the window keeps drawing and answering however many there are.  Each
 * report goes in whole; Cancel keeps those stored so far. */
static gboolean
store_batch_cb (gpointer user_data)
{
  MtsReportsView *self = user_data;
  GPtrArray *imported = self->storing->imported;
  gint64 until = g_get_monotonic_time () + 8 * G_TIME_SPAN_MILLISECOND;
  g_autofree char *stored_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *text = NULL;

  if (g_cancellable_is_cancelled (self->import_cancellable) || self->storing_project != self->project)
    {
      self->store_source = 0;
      finish_import (self, TRUE);
      return G_SOURCE_REMOVE;
    }
  while (self->stored < imported->len && g_get_monotonic_time () < until)
    {
      const MtsReport *report = g_ptr_array_index (imported, self->stored);
      g_autoptr(JsonObject) facts = mts_report_to_facts (report);

      if (mts_project_add_report_facts (self->storing_project, report->organization,
                                        report->report_id, facts))
        self->added++;
      else
        /* Stored meanwhile by another window or `mtasts import`. */
        self->storing->duplicates++;
      self->stored++;
    }
  if (self->stored == imported->len)
    {
      self->store_source = 0;
      finish_import (self, FALSE);
      return G_SOURCE_REMOVE;
    }
  stored_text = mts_format_count (self->stored);
  total_text = mts_format_count (imported->len);
  /* Translators: while importing, after reading: "Storing 200 of 2,000 reports…". */
  text = g_strdup_printf (g_dngettext (NULL, "Storing %s of %s report…", "Storing %s of %s reports…",
                                       imported->len),
                          stored_text, total_text);
  gtk_label_set_text (self->import_label, text);
  gtk_progress_bar_set_fraction (self->import_progress, (double) self->stored / imported->len);
  return G_SOURCE_CONTINUE;
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(MtsReportsView) self = user_data;
  g_autoptr(MtsReportImportResult) result = NULL;
  MtsProject *project = g_object_get_data (G_OBJECT (source), "mts-project");
  g_autoptr(GError) error = NULL;

  result = mts_report_import_run_finish (MTS_REPORT_IMPORT (source), res, &error);
  /* The window closed meanwhile: nothing to show, and the import was
   * cancelled, so nothing to store. */
  if (self->stack == NULL || MTS_REPORT_IMPORT (source) != self->import)
    {
      if (MTS_REPORT_IMPORT (source) == self->import)
        {
          g_clear_object (&self->import);
          g_clear_object (&self->import_cancellable);
        }
      return;
    }

  if (result == NULL)
    {
      g_autofree char *message = NULL;

      g_clear_object (&self->import);
      g_clear_object (&self->import_cancellable);
      gtk_widget_set_visible (GTK_WIDGET (self->import_box), FALSE);
      update_actions (self);
      /* The importer gives all or nothing: the project is as it was. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        message = g_strdup (_("Import stopped: no reports were imported"));
      else
        message = g_strdup_printf (_("The reports could not be imported: %s"), error->message);
      _mts_window_toast (GTK_WIDGET (self), message);
      return;
    }

  self->storing = g_steal_pointer (&result);
  self->storing_project = g_object_ref (project);
  self->stored = 0;
  self->added = 0;
  /* Below redrawing, so the progress shows between batches. */
  self->store_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, store_batch_cb, self, NULL);
}

/**
 * mts_reports_view_import:
 * @files: (element-type GFile): files and folders to import from
 *
 * Imports the reports in @files into the project shown, unless an import
 * is running already.
 *
 * Returns: %TRUE if the import started
 */
gboolean
mts_reports_view_import (MtsReportsView *self,
                         GListModel     *files)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *stored;
  guint n;

  g_return_val_if_fail (MTS_IS_REPORTS_VIEW (self), FALSE);
  g_return_val_if_fail (G_IS_LIST_MODEL (files), FALSE);

  if (self->project == NULL)
    return FALSE;
  if (self->import != NULL)
    {
      _mts_window_toast (GTK_WIDGET (self), _("An import is running: wait for it, or cancel it first"));
      return FALSE;
    }
  n = g_list_model_get_n_items (files);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (list, g_list_model_get_item (files, i));
  if (list->len == 0)
    return FALSE;

  self->import = mts_report_import_new ();
  self->import_cancellable = g_cancellable_new ();
  mts_report_import_set_domain (self->import, mts_project_get_domain (self->project));
  mts_report_import_set_keep_reports (self->import, TRUE);
  stored = mts_project_get_reports (self->project);
  for (guint i = 0; i < stored->len; i++)
    {
      const MtsProjectReport *report = g_ptr_array_index (stored, i);

      mts_report_import_add_known (self->import, report->organization, report->report_id);
    }
  /* The view outlives the import: dispose cancels it and waits for the
   * callback, which holds a reference. */
  mts_report_import_set_progress_func (self->import, import_progress_cb, self, NULL);
  g_object_set_data_full (G_OBJECT (self->import), "mts-project", g_object_ref (self->project),
                          g_object_unref);

  gtk_label_set_text (self->import_label, _("Looking for reports…"));
  gtk_progress_bar_set_fraction (self->import_progress, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->import_box), TRUE);
  update_actions (self);
  mts_report_import_run_async (self->import, list, self->import_cancellable, import_done_cb,
                               g_object_ref (self));
  return TRUE;
}

/* For the tests: whether the sums of the reports are being made. */
gboolean
_mts_reports_view_is_summarizing (MtsReportsView *self)
{
  return self->summarizing;
}

gboolean
mts_reports_view_is_importing (MtsReportsView *self)
{
  g_return_val_if_fail (MTS_IS_REPORTS_VIEW (self), FALSE);
  return self->import != NULL;
}

static void
chooser_done_cb (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(MtsReportsView) self = user_data;
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GError) error = NULL;

  files = mts_file_chooser_open_finish (res, &error);
  g_clear_object (&self->chooser_cancellable);
  if (files == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _mts_window_toast (GTK_WIDGET (self), error->message);
      return;
    }
  mts_reports_view_import (self, files);
}

static void
choose (MtsReportsView     *self,
        MtsFileChooserKind  kind)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = NULL;

  if (self->chooser_cancellable != NULL)
    return;
  if (kind == MTS_FILE_CHOOSER_OPEN_FILES)
    {
      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("Reports and mails"));
      gtk_file_filter_add_pattern (filter, "*.json");
      gtk_file_filter_add_pattern (filter, "*.json.gz");
      gtk_file_filter_add_pattern (filter, "*.gz");
      gtk_file_filter_add_pattern (filter, "*.eml");
      gtk_file_filter_add_pattern (filter, "*.mbox");
      gtk_file_filter_add_mime_type (filter, "application/json");
      gtk_file_filter_add_mime_type (filter, "application/gzip");
      gtk_file_filter_add_mime_type (filter, "message/rfc822");
      gtk_file_filter_add_mime_type (filter, "application/mbox");
    }
  self->chooser_cancellable = g_cancellable_new ();
  mts_file_chooser_open (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, kind,
                         kind == MTS_FILE_CHOOSER_OPEN_FILES ? _("Import Reports") : _("Import a Folder of Reports"),
                         _("_Import"), filter, NULL, self->chooser_cancellable, chooser_done_cb,
                         g_object_ref (self));
}

static void
import_files_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  choose (MTS_REPORTS_VIEW (widget), MTS_FILE_CHOOSER_OPEN_FILES);
}

static void
import_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  choose (MTS_REPORTS_VIEW (widget), MTS_FILE_CHOOSER_SELECT_FOLDER);
}

static void
cancel_import_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MtsReportsView *self = MTS_REPORTS_VIEW (widget);

  if (self->import_cancellable != NULL)
    {
      g_cancellable_cancel (self->import_cancellable);
      gtk_label_set_text (self->import_label, _("Stopping…"));
    }
}

static void
mts_reports_view_dispose (GObject *object)
{
  MtsReportsView *self = MTS_REPORTS_VIEW (object);

  cancel_import (self);
  /* Storing stops here (what was stored is in the project the window
   * saves); a reading thread ends in import_done_cb(), which holds a
   * reference. */
  if (self->store_source != 0)
    {
      g_clear_handle_id (&self->store_source, g_source_remove);
      g_clear_pointer (&self->storing, mts_report_import_result_free);
      g_clear_object (&self->storing_project);
      g_clear_object (&self->import);
      g_clear_object (&self->import_cancellable);
    }
  gtk_widget_dispose_template (GTK_WIDGET (object), MTS_TYPE_REPORTS_VIEW);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (mts_reports_view_parent_class)->dispose (object);
}

static void
mts_reports_view_class_init (MtsReportsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_reports_view_dispose;

  g_type_ensure (MTS_TYPE_REPORT_CHART);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-reports-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, import_files_button);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, import_folder_button);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, import_box);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, import_label);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, import_progress);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, outcome_box);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, outcome_label);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, outcome_list);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, stack);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, successful_label);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, failed_label);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, share_label);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, flagged_list);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, chart);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, types_list);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, hosts_list);
  gtk_widget_class_bind_template_child (widget_class, MtsReportsView, reporters_list);

  gtk_widget_class_install_action (widget_class, "reports.import-files", NULL, import_files_action);
  gtk_widget_class_install_action (widget_class, "reports.import-folder", NULL, import_folder_action);
  gtk_widget_class_install_action (widget_class, "reports.cancel-import", NULL, cancel_import_action);
}

static void
mts_reports_view_init (MtsReportsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  show_reports (self);
  update_actions (self);
}

/* For the tests ---------------------------------------------------------- */

GtkButton *
_mts_reports_view_get_import_button (MtsReportsView *self,
                                     gboolean        folder)
{
  return folder ? self->import_folder_button : self->import_files_button;
}

GtkButton *
_mts_reports_view_get_cancel_button (MtsReportsView *self)
{
  return self->cancel_button;
}

GtkProgressBar *
_mts_reports_view_get_progress_bar (MtsReportsView *self)
{
  return self->import_progress;
}

GtkStack *
_mts_reports_view_get_stack (MtsReportsView *self)
{
  return self->stack;
}

GtkLabel *
_mts_reports_view_get_total (MtsReportsView *self,
                             guint           which)
{
  GtkLabel *labels[] = { self->successful_label, self->failed_label, self->share_label };

  g_return_val_if_fail (which < G_N_ELEMENTS (labels), NULL);
  return labels[which];
}

MtsReportChart *
_mts_reports_view_get_chart (MtsReportsView *self)
{
  return self->chart;
}

GtkListBox *
_mts_reports_view_get_list (MtsReportsView *self,
                            const char     *which)
{
  if (g_str_equal (which, "types"))
    return self->types_list;
  if (g_str_equal (which, "hosts"))
    return self->hosts_list;
  if (g_str_equal (which, "reporters"))
    return self->reporters_list;
  if (g_str_equal (which, "outcome"))
    return self->outcome_list;
  if (g_str_equal (which, "flagged"))
    return self->flagged_list;
  g_return_val_if_reached (NULL);
}
