/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-welcome-page.c: the first page: what the wizard does, the domain, and the domains set up so far.
 *
 * The entry accepts what people type and paste.  The core's normaliser
 * decides; this page only shows its verdict: a message under the entry
 * that says what to type instead, or, for an international name, the
 * A-label that DNS will use.  Start stays disabled until the name is good.
 *
 * Under it, an overview for admins with several domains: each domain's
 * mode, whether it is ready for enforce (the core's readiness checklist,
 * with the thresholds of the preferences) and when it was last checked,
 * so the one that needs attention stands out without opening each.
 *
 * A domain with a year of reports takes a fifth of a second to read and
 * evaluate, so the window lists and evaluates them in a GTask thread
 * (mts_welcome_page_load_projects()): the projects read there stay in the
 * thread until it is done, and only the rows are made on the main thread.
 * Until the first list arrives the page shows no overview, as with no
 * domains; a list shown stays until its replacement is ready, so a reload
 * does not jump.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "core/mts-domain.h"
#include "core/mts-project-store.h"
#include "core/mts-readiness.h"
#include "mts-application.h"
#include "mts-what-is-window.h"
#include "mts-window-private.h"

struct _MtsWelcomePage
{
  AdwBin parent_instance;

  AdwEntryRow *domain_row;
  GtkLabel *message_label;
  GtkButton *start_button;
  GtkButton *what_is_button;
  GtkWidget *domains_box;
  GtkListBox *domains_list;

  /* The accepted domain as A-labels, or NULL while the entry is not one. */
  char *domain;

  /* The list being loaded in a thread; a newer load cancels an older one. */
  GCancellable *loading;
};

/* What the rows show, made in the loading thread: the summaries, and for
 * each its readiness (NULL when none is shown: unreadable, or being
 * removed) and its last audit (NULL when never checked).  The projects
 * are dropped there too: freeing a year of reports takes a while. */
typedef struct
{
  GPtrArray *summaries;
  GPtrArray *readiness;
  GPtrArray *audits;
} Overview;

static void
overview_free (Overview *overview)
{
  g_clear_pointer (&overview->summaries, g_ptr_array_unref);
  g_clear_pointer (&overview->readiness, g_ptr_array_unref);
  g_clear_pointer (&overview->audits, g_ptr_array_unref);
  g_free (overview);
}

static void
date_time_free (GDateTime *when)
{
  if (when != NULL)
    g_date_time_unref (when);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Overview, overview_free)

/* What the thread needs, its own copies: the folder rather than the
 * window's store, whose saves belong to the main thread. */
typedef struct
{
  GFile *directory;
  MtsReadinessThresholds thresholds;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->directory);
  g_free (data);
}

G_DEFINE_FINAL_TYPE (MtsWelcomePage, mts_welcome_page, ADW_TYPE_BIN)

enum {
  START,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_message (MtsWelcomePage *self,
              const char     *text,
              gboolean        is_error)
{
  gtk_label_set_text (self->message_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL);

  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->domain_row), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->domain_row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "dim-label");
      gtk_widget_remove_css_class (GTK_WIDGET (self->domain_row), "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->domain_row), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static void
domain_changed_cb (MtsWelcomePage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->domain_row));
  g_autofree char *ascii = NULL;
  g_autofree char *display = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->domain, g_free);

  if (text[0] == '\0')
    {
      /* An empty entry is not a mistake yet: no message. */
      show_message (self, NULL, FALSE);
    }
  else if (!mts_domain_normalize (text, &ascii, &display, &error))
    {
      show_message (self, error->message, TRUE);
    }
  else
    {
      if (!g_str_equal (ascii, display))
        {
          g_autofree char *hint = g_strdup_printf (_("%s is written %s in DNS records."),
                                                   display, ascii);
          show_message (self, hint, FALSE);
        }
      else
        show_message (self, NULL, FALSE);

      self->domain = g_steal_pointer (&ascii);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.start", self->domain != NULL);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  MtsWelcomePage *self = MTS_WELCOME_PAGE (widget);

  if (self->domain != NULL)
    g_signal_emit (self, signals[START], 0, self->domain);
}

static void
what_is_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  MtsWhatIsWindow *window = mts_what_is_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);

  gtk_window_present (GTK_WINDOW (window));
}

static void
entry_activated_cb (MtsWelcomePage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "welcome.start", NULL);
}

static void
domain_activated_cb (MtsWelcomePage *self,
                     GtkListBoxRow  *row)
{
  const char *domain = g_object_get_data (G_OBJECT (row), "mts-domain");

  if (domain != NULL)
    g_signal_emit (self, signals[START], 0, domain);
}

/* Translators: a date as in "12 March 2027"; see g_date_time_format(). */
#define DATE_FORMAT N_("%-d %B %Y")

static char *
format_date (GDateTime *when)
{
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return NULL;
  local = g_date_time_to_local (when);
  return g_date_time_format (local, _(DATE_FORMAT));
}

static char *
describe_state (const MtsProjectSummary *summary)
{
  g_autofree char *since = format_date (summary->state_since);

  switch (summary->state)
    {
    case MTS_PROJECT_STATE_TESTING:
      return since != NULL ? g_strdup_printf (_("Testing since %s"), since) : g_strdup (_("Testing"));
    case MTS_PROJECT_STATE_ENFORCE:
      return since != NULL ? g_strdup_printf (_("Enforced since %s"), since) : g_strdup (_("Enforced"));
    case MTS_PROJECT_STATE_REMOVING:
      return since != NULL ? g_strdup_printf (_("Being removed since %s"), since) : g_strdup (_("Being removed"));
    case MTS_PROJECT_STATE_REMOVED:
      return since != NULL ? g_strdup_printf (_("Removed since %s"), since) : g_strdup (_("Removed"));
    case MTS_PROJECT_STATE_DRAFT:
    default:
      return g_strdup (_("Draft: not published yet"));
    }
}

/* The mode as one word, for the badge at the end of the row, and the
 * style class that colours it. */
static const char *
state_badge (MtsProjectState  state,
             const char     **css_class)
{
  switch (state)
    {
    case MTS_PROJECT_STATE_TESTING:
      *css_class = "accent";
      /* Translators: the mode of a domain's policy, on a badge. */
      return C_("mode", "Testing");
    case MTS_PROJECT_STATE_ENFORCE:
      *css_class = "success";
      /* Translators: the mode of a domain's policy, on a badge. */
      return C_("mode", "Enforce");
    case MTS_PROJECT_STATE_REMOVING:
      *css_class = "warning";
      /* Translators: the mode of a domain's policy, on a badge. */
      return C_("mode", "Removing");
    case MTS_PROJECT_STATE_REMOVED:
      *css_class = "dim-label";
      /* Translators: the state of a domain whose MTA-STS was removed, on a badge. */
      return C_("mode", "Removed");
    case MTS_PROJECT_STATE_DRAFT:
    default:
      *css_class = "dim-label";
      /* Translators: the mode of a domain's policy, on a badge. */
      return C_("mode", "Draft");
    }
}

/* The readiness the overview shows for a summary, or NULL when it shows
 * none; called in the loading thread. */
static MtsReadiness *
evaluate_summary (const MtsProjectSummary      *summary,
                  const MtsReadinessThresholds *thresholds)
{
  if (summary->status != MTS_PROJECT_SUMMARY_OK || summary->state == MTS_PROJECT_STATE_REMOVING ||
      summary->state == MTS_PROJECT_STATE_REMOVED)
    return NULL;
  return mts_readiness_evaluate (summary->project, thresholds, NULL);
}

/* With @drop_projects, frees each summary's project once read: the
 * loading thread's own list, not a caller's. */
static Overview *
overview_new (GPtrArray                    *summaries,
              const MtsReadinessThresholds *thresholds,
              gboolean                      drop_projects,
              GCancellable                 *cancellable)
{
  Overview *overview = g_new0 (Overview, 1);

  overview->summaries = summaries != NULL ? g_ptr_array_ref (summaries)
                                          : g_ptr_array_new_with_free_func ((GDestroyNotify) mts_project_summary_free);
  overview->readiness = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_readiness_free);
  overview->audits = g_ptr_array_new_with_free_func ((GDestroyNotify) date_time_free);
  for (guint i = 0; i < overview->summaries->len; i++)
    {
      MtsProjectSummary *summary = g_ptr_array_index (overview->summaries, i);
      GDateTime *audit = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      g_ptr_array_add (overview->readiness, evaluate_summary (summary, thresholds));
      if (summary->project != NULL)
        audit = mts_project_get_last_audit_time (summary->project);
      g_ptr_array_add (overview->audits, audit != NULL ? g_date_time_ref (audit) : NULL);
      if (drop_projects)
        g_clear_object (&summary->project);
    }
  return overview;
}

static char *
describe_readiness (const MtsProjectSummary *summary,
                    const MtsReadiness      *readiness)
{
  guint met = 0;

  if (summary->state == MTS_PROJECT_STATE_REMOVED)
    return g_strdup (_("MTA-STS is removed: open it to forget the domain"));
  if (summary->state == MTS_PROJECT_STATE_REMOVING || readiness == NULL)
    return g_strdup (_("No readiness checks while it is being removed"));

  if (summary->state == MTS_PROJECT_STATE_ENFORCE)
    {
      guint failing = 0, counted = 0;

      /* "Verified live in testing mode" is about getting to enforce, and
       * never met once there; the others (reports, no TLS failures, the
       * servers, the policy host's certificate) still matter. */
      for (guint i = 0; i < readiness->items->len; i++)
        {
          const MtsReadinessItem *item = g_ptr_array_index (readiness->items, i);

          if (g_str_equal (item->id, "testing-live"))
            continue;
          counted++;
          if (item->status != MTS_READINESS_MET)
            failing++;
        }
      return failing == 0
             ? g_strdup (_("Reports and checks still look good"))
             /* Translators: %u of %u are counts of checks, as in "2 of 5"; the
              * plural goes with the second, the number of checks. */
             : g_strdup_printf (g_dngettext (NULL, "Needs attention: %u of %u check not met",
                                             "Needs attention: %u of %u checks not met", counted),
                                failing, counted);
    }

  for (guint i = 0; i < readiness->items->len; i++)
    if (((MtsReadinessItem *) g_ptr_array_index (readiness->items, i))->status == MTS_READINESS_MET)
      met++;
  return readiness->ready
         ? g_strdup (_("Ready to switch to enforce"))
         /* Translators: %u of %u are counts of checks, as in "4 of 6"; the
          * plural goes with the second, the number of checks. */
         : g_strdup_printf (g_dngettext (NULL, "Not ready for enforce yet: %u of %u check met",
                                         "Not ready for enforce yet: %u of %u checks met",
                                         readiness->items->len),
                            met, readiness->items->len);
}

static char *
describe_audit (GDateTime *audit)
{
  g_autofree char *when = format_date (audit);

  if (when == NULL)
    return g_strdup (_("Not checked yet"));
  /* Translators: %s is a date, as in "12 March 2027". */
  return g_strdup_printf (_("Last checked on %s"), when);
}

static GtkWidget *
new_overview_row (const MtsProjectSummary *summary,
                  const MtsReadiness      *readiness_of,
                  GDateTime               *audit_of)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *badge;
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
  const char *name = summary->display_name != NULL ? summary->display_name : summary->domain;
  const char *badge_class = "error";
  const char *badge_text;
  g_autofree char *subtitle = NULL;
  g_autofree char *label = NULL;

  if (summary->status == MTS_PROJECT_SUMMARY_OK)
    {
      g_autofree char *state = describe_state (summary);
      g_autofree char *readiness = describe_readiness (summary, readiness_of);
      g_autofree char *audit = describe_audit (audit_of);

      badge_text = state_badge (summary->state, &badge_class);
      subtitle = g_strdup_printf ("%s\n%s\n%s", state, readiness, audit);
      g_object_set_data_full (G_OBJECT (row), "mts-state", g_steal_pointer (&state), g_free);
      g_object_set_data_full (G_OBJECT (row), "mts-readiness", g_steal_pointer (&readiness), g_free);
      g_object_set_data_full (G_OBJECT (row), "mts-audit", g_steal_pointer (&audit), g_free);
    }
  else
    {
      /* Translators: on the badge of a domain whose saved file cannot be read. */
      badge_text = _("Cannot open");
      subtitle = g_strdup (summary->message != NULL ? summary->message
                                                     : _("This domain’s saved setup cannot be opened."));
    }

  badge = gtk_label_new (badge_text);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "caption-heading");
  gtk_widget_add_css_class (badge, badge_class);
  g_object_set_data (G_OBJECT (row), "mts-badge", badge);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);

  /* One sentence for screen readers: the name, the mode, then the lines. */
  label = g_strdup_printf ("%s, %s: %s", name, badge_text, subtitle);
  g_strdelimit (label, "\n", ',');
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Opens this domain where you left off"), -1);

  /* A file from a newer version cannot be opened here; an unreadable
   * one can: opening it keeps the file aside and starts anew. */
  if (summary->status == MTS_PROJECT_SUMMARY_NEWER_VERSION)
    gtk_widget_set_sensitive (row, FALSE);
  else
    {
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "mts-domain", g_strdup (summary->domain), g_free);
    }
  gtk_widget_set_name (row, summary->domain);
  return row;
}

static void
show_overview (MtsWelcomePage *self,
               const Overview *overview)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->domains_list))) != NULL)
    gtk_list_box_remove (self->domains_list, child);

  for (guint i = 0; i < overview->readiness->len; i++)
    gtk_list_box_append (self->domains_list,
                         new_overview_row (g_ptr_array_index (overview->summaries, i),
                                           g_ptr_array_index (overview->readiness, i),
                                           g_ptr_array_index (overview->audits, i)));
  gtk_widget_set_visible (self->domains_box, overview->readiness->len > 0);
}

/**
 * mts_welcome_page_set_projects:
 * @summaries: (nullable) (element-type MtsProjectSummary): the domains set
 *   up on this computer
 *
 * Lists them under the entry, one row each with its mode, whether it is
 * ready for enforce and when it was last checked; a row opens its domain.
 * This evaluates readiness here, on the calling thread: the window uses
 * mts_welcome_page_load_projects() instead.
 */
void
mts_welcome_page_set_projects (MtsWelcomePage *self,
                               GPtrArray      *summaries)
{
  MtsReadinessThresholds thresholds;
  g_autoptr(Overview) overview = NULL;

  g_return_if_fail (MTS_IS_WELCOME_PAGE (self));

  /* Supersedes a list still being loaded. */
  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);

  /* The preferences decide; a test without the application gets the
   * defaults. */
  mts_application_get_current_readiness_thresholds (&thresholds);
  overview = overview_new (summaries, &thresholds, FALSE, NULL);
  show_overview (self, overview);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(MtsProjectStore) store = mts_project_store_new (data->directory);
  g_autoptr(GPtrArray) summaries = NULL;
  Overview *overview;

  /* An unreadable folder lists nothing, as before the first project. */
  summaries = mts_project_store_list (store, NULL);
  overview = overview_new (summaries, &data->thresholds, TRUE, cancellable);
  if (g_task_return_error_if_cancelled (task))
    overview_free (overview);
  else
    g_task_return_pointer (task, overview, (GDestroyNotify) overview_free);
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  MtsWelcomePage *self = MTS_WELCOME_PAGE (source);
  g_autoptr(Overview) overview = g_task_propagate_pointer (G_TASK (result), NULL);

  /* Cancelled: the page went away, or a newer load replaced this one. */
  if (overview == NULL)
    return;
  g_clear_object (&self->loading);
  show_overview (self, overview);
}

/**
 * mts_welcome_page_load_projects:
 * @store: where the projects are
 *
 * Lists @store's projects under the entry as mts_welcome_page_set_projects()
 * does, reading and evaluating them in a thread: the rows appear when it
 * is done.  A newer call, or disposing the page, cancels a load under way.
 */
void
mts_welcome_page_load_projects (MtsWelcomePage  *self,
                                MtsProjectStore *store)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (MTS_IS_WELCOME_PAGE (self));
  g_return_if_fail (MTS_IS_PROJECT_STORE (store));

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  self->loading = g_cancellable_new ();

  data = g_new0 (LoadData, 1);
  data->directory = g_object_ref (mts_project_store_get_directory (store));
  mts_application_get_current_readiness_thresholds (&data->thresholds);

  task = g_task_new (self, self->loading, load_done_cb, NULL);
  g_task_set_source_tag (task, mts_welcome_page_load_projects);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

gboolean
_mts_welcome_page_is_loading (MtsWelcomePage *self)
{
  return self->loading != NULL;
}

/**
 * mts_welcome_page_show_error:
 *
 * Shows why the domain could not be opened, under the entry.
 */
void
mts_welcome_page_show_error (MtsWelcomePage *self,
                             const char     *message)
{
  g_return_if_fail (MTS_IS_WELCOME_PAGE (self));

  show_message (self, message, TRUE);
}

static void
mts_welcome_page_finalize (GObject *object)
{
  MtsWelcomePage *self = MTS_WELCOME_PAGE (object);

  g_clear_pointer (&self->domain, g_free);

  G_OBJECT_CLASS (mts_welcome_page_parent_class)->finalize (object);
}

static void
mts_welcome_page_dispose (GObject *object)
{
  MtsWelcomePage *self = MTS_WELCOME_PAGE (object);

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  gtk_widget_dispose_template (GTK_WIDGET (object), MTS_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (mts_welcome_page_parent_class)->dispose (object);
}

static void
mts_welcome_page_class_init (MtsWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_welcome_page_dispose;
  object_class->finalize = mts_welcome_page_finalize;

  /**
   * MtsWelcomePage::start:
   * @domain: the domain as lower-case A-labels
   *
   * The user asked to set up @domain.
   */
  signals[START] = g_signal_new ("start", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsWelcomePage, domain_row);
  gtk_widget_class_bind_template_child (widget_class, MtsWelcomePage, message_label);
  gtk_widget_class_bind_template_child (widget_class, MtsWelcomePage, start_button);
  gtk_widget_class_bind_template_child (widget_class, MtsWelcomePage, what_is_button);
  gtk_widget_class_bind_template_child (widget_class, MtsWelcomePage, domains_box);
  gtk_widget_class_bind_template_child (widget_class, MtsWelcomePage, domains_list);
  gtk_widget_class_bind_template_callback (widget_class, domain_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, domain_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "welcome.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "welcome.what-is", NULL, what_is_action);
}

static void
mts_welcome_page_init (MtsWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Screen readers read the message with the entry it is about. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->domain_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->message_label, NULL,
                                  -1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.start", FALSE);
}

/**
 * mts_welcome_page_get_domain:
 *
 * Returns: (nullable): the accepted domain as A-labels, or %NULL.
 */
const char *
mts_welcome_page_get_domain (MtsWelcomePage *self)
{
  g_return_val_if_fail (MTS_IS_WELCOME_PAGE (self), NULL);

  return self->domain;
}

GtkEditable *
_mts_welcome_page_get_entry (MtsWelcomePage *self)
{
  return GTK_EDITABLE (self->domain_row);
}

GtkLabel *
_mts_welcome_page_get_message (MtsWelcomePage *self)
{
  return self->message_label;
}

GtkButton *
_mts_welcome_page_get_start (MtsWelcomePage *self)
{
  return self->start_button;
}

GtkListBox *
_mts_welcome_page_get_domains (MtsWelcomePage *self)
{
  return self->domains_list;
}

GtkButton *
_mts_welcome_page_get_what_is (MtsWelcomePage *self)
{
  return self->what_is_button;
}
