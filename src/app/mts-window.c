/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-window.c: the wizard's main window: the steps, their indicator, and the checks it runs.
 *
 * The window owns what lives longer than a page: the domain's project
 * (loaded or created on Start, saved as the user goes), the wizard model
 * the pages edit, and the one GCancellable of the running check.  A check
 * is the domain audit from the net library, run for Discover (lookups
 * only), Server check (with probes) or Verify publication; its progress
 * goes to the page that asked for it.  Leaving that page, pressing Escape
 * or closing the window cancels it.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "core/mts-project-store.h"
#include "core/mts-txt-record.h"
#include "net/mts-audit.h"
#include "net/mts-resolver.h"
#include "mts-window-private.h"

/* How long after the last change the project is written. */
#define SAVE_DELAY_MS 400

typedef enum
{
  CHECK_NONE,
  CHECK_DISCOVER,
  CHECK_PROBE,
  CHECK_VERIFY,
} CheckKind;

struct _MtsWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  /* The toasts shown or queued, for _mts_window_dismiss_toasts(). */
  GPtrArray *toasts;

  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  GtkListBox *steps_list;
  AdwWindowTitle *window_title;
  GtkStack *stack;
  GtkActionBar *action_bar;
  GtkButton *back_button;
  GtkButton *next_button;
  GtkLabel *position_label;

  MtsWelcomePage *welcome_page;
  MtsDiscoverPage *discover_page;
  MtsServersPage *servers_page;
  MtsProbePage *probe_page;
  MtsPolicyPage *policy_page;
  MtsReportingPage *reporting_page;
  MtsPublishPage *publish_page;
  MtsProgressPage *progress_page;

  GtkListBoxRow *step_rows[MTS_N_STEPS];
  gboolean visited[MTS_N_STEPS];
  gboolean discovered;

  MtsProjectStore *store;
  MtsProject *project;
  MtsWizardModel *model;
  gulong model_changed_id;
  guint save_source;
  /* Saves asked of the store and not answered yet (see save_now ()). */
  guint saves_pending;
  /* The policy when the project was opened, to tell when a published
   * policy changes and needs a new id (RFC 8461 §3.1). */
  char *opened_policy;
  char *opened_id;

  MtsResolver *resolver;
  MtsAudit *audit;
  GCancellable *cancellable;
  CheckKind check;
  /* A Verify publication asked for by a promotion dialog: it learns the
   * outcome when the window has recorded it. */
  GTask *verify_task;
  gulong verify_cancel_id;
  /* The pages' file work (Export all, Save as): a new check must not
   * cancel it, closing the window does. */
  GCancellable *files_cancellable;
};

G_DEFINE_FINAL_TYPE (MtsWindow, mts_window, ADW_TYPE_APPLICATION_WINDOW)

static const char *step_names[MTS_N_STEPS] = {
  [MTS_STEP_WELCOME] = "welcome",
  [MTS_STEP_DISCOVER] = "discover",
  [MTS_STEP_SERVERS] = "servers",
  [MTS_STEP_PROBE] = "probe",
  [MTS_STEP_POLICY] = "policy",
  [MTS_STEP_REPORTING] = "reporting",
  [MTS_STEP_PUBLISH] = "publish",
  [MTS_STEP_PROGRESS] = "progress",
};

static void update_navigation (MtsWindow *self);

static MtsWindow *
window_of (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  return MTS_IS_WINDOW (root) ? MTS_WINDOW (root) : NULL;
}

/* libadwaita 1.2 gives the close button of a toast no accessible name
 * (later versions do): name the ones on screen. */
static void
name_toast_buttons (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) &&
          g_str_equal (G_OBJECT_TYPE_NAME (gtk_widget_get_parent (child)), "AdwToastWidget"))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("Dismiss"),
                                        -1);
      name_toast_buttons (child);
    }
}

static void
toast_dismissed_cb (AdwToast  *toast,
                    MtsWindow *self)
{
  if (self->toasts != NULL)
    g_ptr_array_remove (self->toasts, toast);
  /* The next queued toast, if any, is on screen now (unless the window
   * is going away, which dismisses them all). */
  if (self->toast_overlay != NULL)
    name_toast_buttons (GTK_WIDGET (self->toast_overlay));
}

/**
 * _mts_window_toast:
 *
 * Shows @message in the window of @widget, if it has one.
 */
void
_mts_window_toast (GtkWidget  *widget,
                   const char *message)
{
  MtsWindow *self = window_of (widget);
  AdwToast *toast;

  if (self == NULL)
    return;
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 3);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self, G_CONNECT_AFTER);
  g_ptr_array_add (self->toasts, g_object_ref (toast));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  name_toast_buttons (GTK_WIDGET (self->toast_overlay));
}

/**
 * _mts_window_dismiss_toasts:
 *
 * Takes every toast off the window, for the tests' screenshots.
 */
void
_mts_window_dismiss_toasts (MtsWindow *self)
{
  g_autoptr(GPtrArray) toasts = NULL;

  g_return_if_fail (MTS_IS_WINDOW (self));

  /* Dismissing one takes it out of self->toasts: go through a copy. */
  toasts = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->toasts->len; i++)
    g_ptr_array_add (toasts, g_object_ref (g_ptr_array_index (self->toasts, i)));
  for (guint i = 0; i < toasts->len; i++)
    adw_toast_dismiss (g_ptr_array_index (toasts, i));
}

/**
 * _mts_window_get_cancellable:
 *
 * Returns: (nullable) (transfer none): a cancellable that closing the
 * window cancels, for the pages' own file work.
 */
GCancellable *
_mts_window_get_cancellable (GtkWidget *widget)
{
  MtsWindow *self = window_of (widget);

  if (self == NULL)
    return NULL;
  if (self->files_cancellable == NULL)
    self->files_cancellable = g_cancellable_new ();
  return self->files_cancellable;
}

static MtsStep
current_step (MtsWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  for (guint i = 0; i < MTS_N_STEPS; i++)
    if (g_strcmp0 (name, step_names[i]) == 0)
      return i;
  return MTS_STEP_WELCOME;
}

static const char *
step_title (MtsWindow *self,
            MtsStep    step)
{
  GtkStackPage *page = gtk_stack_get_page (self->stack,
                                           gtk_stack_get_child_by_name (self->stack, step_names[step]));

  return gtk_stack_page_get_title (page);
}

static gboolean
setup_ready (MtsWindow *self)
{
  g_autoptr(GPtrArray) policy = NULL;
  g_autoptr(GPtrArray) rua = NULL;

  if (self->model == NULL)
    return FALSE;
  policy = mts_wizard_model_check_policy (self->model);
  rua = mts_wizard_model_check_rua (self->model);
  return !mts_diagnostics_has_errors (policy) && !mts_diagnostics_has_errors (rua);
}

gboolean
_mts_window_step_available (MtsWindow *self,
                            MtsStep    step)
{
  switch (step)
    {
    case MTS_STEP_WELCOME:
      return TRUE;
    case MTS_STEP_DISCOVER:
    case MTS_STEP_SERVERS:
    case MTS_STEP_PROBE:
    case MTS_STEP_POLICY:
    case MTS_STEP_REPORTING:
      return self->model != NULL;
    case MTS_STEP_PUBLISH:
      return setup_ready (self);
    case MTS_STEP_PROGRESS:
      return setup_ready (self) && self->visited[MTS_STEP_PUBLISH];
    case MTS_N_STEPS:
    default:
      return FALSE;
    }
}

MtsStepState
_mts_window_get_step_state (MtsWindow *self,
                            MtsStep    step)
{
  g_autoptr(GPtrArray) diagnostics = NULL;

  if (self->model == NULL)
    return MTS_STEP_STATE_TODO;

  switch (step)
    {
    case MTS_STEP_WELCOME:
      return MTS_STEP_STATE_DONE;
    case MTS_STEP_DISCOVER:
      if (!self->discovered)
        return MTS_STEP_STATE_TODO;
      return mts_discover_page_has_problems (self->discover_page) ? MTS_STEP_STATE_PROBLEMS
                                                                  : MTS_STEP_STATE_DONE;
    case MTS_STEP_SERVERS:
      if (!self->visited[step])
        return MTS_STEP_STATE_TODO;
      diagnostics = mts_wizard_model_check_coverage (self->model);
      if (mts_wizard_model_get_patterns (self->model)[0] == NULL ||
          mts_diagnostics_has_errors (diagnostics))
        return MTS_STEP_STATE_PROBLEMS;
      return MTS_STEP_STATE_DONE;
    case MTS_STEP_PROBE:
      if (mts_probe_page_has_problems (self->probe_page))
        return MTS_STEP_STATE_PROBLEMS;
      return mts_probe_page_has_result (self->probe_page) ? MTS_STEP_STATE_DONE : MTS_STEP_STATE_TODO;
    case MTS_STEP_POLICY:
      if (!self->visited[step])
        return MTS_STEP_STATE_TODO;
      diagnostics = mts_wizard_model_check_policy (self->model);
      return mts_diagnostics_has_errors (diagnostics) ? MTS_STEP_STATE_PROBLEMS : MTS_STEP_STATE_DONE;
    case MTS_STEP_REPORTING:
      if (!self->visited[step])
        return MTS_STEP_STATE_TODO;
      diagnostics = mts_wizard_model_check_rua (self->model);
      if (mts_diagnostics_has_errors (diagnostics))
        return MTS_STEP_STATE_PROBLEMS;
      return mts_wizard_model_get_rua (self->model)[0] != NULL ? MTS_STEP_STATE_DONE : MTS_STEP_STATE_TODO;
    case MTS_STEP_PUBLISH:
      {
        gboolean all = TRUE;
        gboolean any = FALSE;

        for (MtsPublished what = 0; what < MTS_N_PUBLISHED; what++)
          {
            MtsPublication p = mts_publish_page_get_publication (self->publish_page, what);

            if (what == MTS_PUBLISHED_TLSRPT_RECORD && mts_wizard_model_get_rua (self->model)[0] == NULL)
              continue;
            any |= p != MTS_PUBLICATION_UNKNOWN;
            all &= p == MTS_PUBLICATION_MATCHING;
          }
        if (!any)
          return MTS_STEP_STATE_TODO;
        return all ? MTS_STEP_STATE_DONE : MTS_STEP_STATE_PROBLEMS;
      }
    case MTS_STEP_PROGRESS:
    case MTS_N_STEPS:
    default:
      return MTS_STEP_STATE_TODO;
    }
}

static void
update_step_row (MtsWindow *self,
                 MtsStep    step)
{
  GtkListBoxRow *row = self->step_rows[step];
  GtkImage *icon = g_object_get_data (G_OBJECT (row), "mts-icon");
  MtsStepState state = _mts_window_get_step_state (self, step);
  gboolean available = _mts_window_step_available (self, step);
  const char *word;
  g_autofree char *label = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "warning");
  switch (state)
    {
    case MTS_STEP_STATE_DONE:
      gtk_image_set_from_icon_name (icon, "emblem-ok-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "success");
      word = _("done");
      break;
    case MTS_STEP_STATE_PROBLEMS:
      gtk_image_set_from_icon_name (icon, "dialog-warning-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "warning");
      word = _("has problems");
      break;
    case MTS_STEP_STATE_TODO:
    default:
      gtk_image_clear (icon);
      word = available ? _("to do") : _("not available yet");
      break;
    }
  gtk_widget_set_visible (GTK_WIDGET (icon), state != MTS_STEP_STATE_TODO);
  gtk_widget_set_sensitive (GTK_WIDGET (row), available);

  /* Translators: a step in the step list, for screen readers:
   * "3. Mail Servers: done". */
  label = g_strdup_printf (_("%u. %s: %s"), step + 1, step_title (self, step),
                           step == current_step (self) ? _("current step") : word);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), label);
}

static void
update_navigation (MtsWindow *self)
{
  MtsStep step = current_step (self);
  gboolean can_next = step + 1 < MTS_N_STEPS && _mts_window_step_available (self, step + 1);
  g_autofree char *position = NULL;

  for (guint i = 0; i < MTS_N_STEPS; i++)
    update_step_row (self, i);
  gtk_list_box_select_row (self->steps_list, self->step_rows[step]);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", step > MTS_STEP_WELCOME);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next", can_next);
  gtk_action_bar_set_revealed (self->action_bar, step != MTS_STEP_WELCOME);

  if (step + 1 < MTS_N_STEPS && !can_next && self->model != NULL)
    position = g_strdup (_("Correct the problems on this page to go on"));
  else
    /* Translators: "Step 3 of 8". */
    position = g_strdup_printf (_("Step %u of %u"), step + 1, (guint) MTS_N_STEPS);
  gtk_label_set_text (self->position_label, position);
  if (step + 1 == MTS_N_STEPS)
    gtk_widget_set_visible (GTK_WIDGET (self->next_button), FALSE);
  else
    gtk_widget_set_visible (GTK_WIDGET (self->next_button), TRUE);

  adw_window_title_set_title (self->window_title,
                              step == MTS_STEP_WELCOME ? gtk_window_get_title (GTK_WINDOW (self))
                                                       : step_title (self, step));
  adw_window_title_set_subtitle (self->window_title,
                                 self->model != NULL ? mts_wizard_model_get_domain (self->model) : NULL);

  /* Enter goes to the next step, except on Welcome where the domain entry
   * has its own Start. */
  gtk_window_set_default_widget (GTK_WINDOW (self),
                                 step == MTS_STEP_WELCOME ? NULL : GTK_WIDGET (self->next_button));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-check", self->check != CHECK_NONE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.verify",
                                 self->model != NULL && self->check != CHECK_VERIFY);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.probe",
                                 self->model != NULL && self->check != CHECK_PROBE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.discover",
                                 self->model != NULL && self->check != CHECK_DISCOVER);
}

/* The project ----------------------------------------------------------- */

static void
save_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(MtsWindow) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  GApplication *app = g_application_get_default ();
  gboolean ok;

  g_weak_ref_clear (weak);
  g_free (weak);
  if (app != NULL)
    g_application_release (app);
  ok = mts_project_store_save_finish (MTS_PROJECT_STORE (source), result, &error);
  /* A closed window saved what was left when it closed. */
  if (self == NULL)
    return;
  g_assert (self->saves_pending > 0);
  self->saves_pending--;
  if (!ok && self->project != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Your changes could not be saved: %s"), error->message);

      _mts_window_toast (GTK_WIDGET (self), message);
    }
}

/* A project with a year of reports takes a quarter of a second to write
 * (fsync included): the store writes it in a thread, and only turns it
 * into text here.  The application is held until the write is done, so
 * that closing the last window does not end the app before it. */
static void
save_now (MtsWindow *self)
{
  GApplication *app = g_application_get_default ();
  GWeakRef *weak;

  g_clear_handle_id (&self->save_source, g_source_remove);
  if (self->project == NULL)
    return;
  self->saves_pending++;
  if (app != NULL)
    g_application_hold (app);
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  mts_project_store_save_async (self->store, self->project, NULL, save_done_cb, weak);
}

/* Quitting ends the main loop at once: what is being or waiting to be
 * saved is saved before the window lets go of the project. */
static void
save_before_dispose (MtsWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->project == NULL || (self->save_source == 0 && self->saves_pending == 0))
    return;
  g_clear_handle_id (&self->save_source, g_source_remove);
  mts_project_store_save_wait (self->store, self->project);
  if (!mts_project_store_save (self->store, self->project, &error))
    g_warning ("%s", error->message);
}

/**
 * _mts_window_is_saving:
 *
 * Returns: whether a save is due or under way; for the tests
 */
gboolean
_mts_window_is_saving (MtsWindow *self)
{
  g_return_val_if_fail (MTS_IS_WINDOW (self), FALSE);
  return self->save_source != 0 || self->saves_pending > 0;
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  MtsWindow *self = user_data;

  self->save_source = 0;
  save_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_save (MtsWindow *self)
{
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

static void
model_to_project (MtsWindow *self)
{
  const char *const *patterns = mts_wizard_model_get_patterns (self->model);
  const char *const *dns = mts_wizard_model_get_dns_mx (self->model);
  const char *id = mts_wizard_model_get_id (self->model);

  mts_project_set_mx_patterns (self->project, patterns);
  if (dns != NULL)
    {
      g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_project_mx_host_free);

      for (guint i = 0; dns[i] != NULL; i++)
        g_ptr_array_add (hosts, mts_project_mx_host_new (MAX (0, mts_wizard_model_get_dns_preference (self->model, dns[i])),
                                                         dns[i]));
      mts_project_set_mx_hosts (self->project, hosts);
    }
  mts_project_set_mode (self->project, mts_wizard_model_get_mode (self->model));
  mts_project_set_max_age (self->project, mts_wizard_model_get_max_age (self->model));
  mts_project_set_rua (self->project, mts_wizard_model_get_rua (self->model));
  if (g_strcmp0 (mts_project_get_current_id (self->project), id) != 0)
    mts_project_add_id (self->project, id, NULL);
}

static void
model_changed_cb (MtsWindow *self)
{
  /* A published policy that changes needs a new id, or senders keep the
   * cached one (RFC 8461 §3.1); once per change from what was opened. */
  if (self->opened_policy != NULL && self->opened_id != NULL &&
      g_strcmp0 (mts_wizard_model_get_id (self->model), self->opened_id) == 0)
    {
      g_autofree char *policy = mts_wizard_model_dup_policy_text (self->model);
      GPtrArray *ids = mts_project_get_ids (self->project);
      gboolean published = FALSE;

      for (guint i = 0; ids != NULL && i < ids->len; i++)
        {
          const MtsProjectId *pid = g_ptr_array_index (ids, i);

          if (g_str_equal (pid->id, self->opened_id) && pid->published != NULL)
            published = TRUE;
        }
      if (published && !g_str_equal (policy, self->opened_policy))
        {
          g_autofree char *id = mts_sts_id_generate (self->opened_id);

          mts_wizard_model_set_id (self->model, id);
          return;   /* set_id emitted ::changed again */
        }
    }

  if (self->project != NULL)
    {
      model_to_project (self);
      schedule_save (self);
    }
  update_navigation (self);
}

static MtsWizardModel *
model_from_project (MtsProject *project)
{
  MtsWizardModel *model = mts_wizard_model_new (mts_project_get_domain (project));
  const char *const *patterns = mts_project_get_mx_patterns (project);
  GPtrArray *hosts = mts_project_get_mx_hosts (project);
  const char *id = mts_project_get_current_id (project);
  gboolean fresh = (patterns == NULL || patterns[0] == NULL) && id == NULL;

  if (fresh)
    return model;

  mts_wizard_model_set_patterns (model, patterns);
  if (hosts != NULL && hosts->len > 0)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_autofree guint16 *preferences = g_new0 (guint16, hosts->len);
      g_auto(GStrv) names = NULL;

      for (guint i = 0; i < hosts->len; i++)
        {
          const MtsProjectMxHost *mx = g_ptr_array_index (hosts, i);

          g_strv_builder_add (builder, mx->host);
          preferences[i] = mx->preference;
        }
      names = g_strv_builder_end (builder);
      mts_wizard_model_set_dns_mx (model, (const char *const *) names, preferences);
    }
  mts_wizard_model_set_mode (model, mts_project_get_mode (project));
  if (mts_project_get_max_age (project) > 0)
    mts_wizard_model_set_max_age (model, mts_project_get_max_age (project));
  if (mts_project_get_rua (project) != NULL)
    mts_wizard_model_set_rua (model, mts_project_get_rua (project));
  if (id != NULL)
    mts_wizard_model_set_id (model, id);
  return model;
}

/* Checks ---------------------------------------------------------------- */

/* Tells the one who asked for a verification how it went; @error: (transfer full) (nullable). */
static void
finish_verify_task (MtsWindow *self,
                    GError    *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->verify_task);

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (self->verify_cancel_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), self->verify_cancel_id);
  self->verify_cancel_id = 0;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
cancel_check (MtsWindow *self)
{
  CheckKind kind = self->check;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->check = CHECK_NONE;

  switch (kind)
    {
    case CHECK_DISCOVER:
      mts_discover_page_set_stopped (self->discover_page);
      break;
    case CHECK_PROBE:
      mts_probe_page_set_stopped (self->probe_page);
      break;
    case CHECK_VERIFY:
      mts_publish_page_set_verify_message (self->publish_page,
                                           _("Verification stopped. Press Verify Publication to try again."),
                                           TRUE);
      break;
    case CHECK_NONE:
    default:
      break;
    }
  finish_verify_task (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 _("The check was stopped.")));
  if (kind != CHECK_NONE && gtk_widget_get_realized (GTK_WIDGET (self)))
    update_navigation (self);
}

static void
step_changed_cb (MtsAudit    *audit,
                 guint        step,
                 const char  *detail,
                 guint        state,
                 MtsWindow   *self)
{
  if (audit != self->audit)
    return;
  switch (self->check)
    {
    case CHECK_DISCOVER:
      mts_discover_page_step_changed (self->discover_page, step, detail, state);
      break;
    case CHECK_PROBE:
      mts_probe_page_step_changed (self->probe_page, step, detail, state);
      break;
    case CHECK_VERIFY:
    case CHECK_NONE:
    default:
      break;
    }
}

/* A check that did not connect to the mail servers (What Is Published,
 * Verify Publication) has no probe results; storing it as it is would make
 * the readiness checklist forget the last Server Check.  So the earlier
 * results of the same hosts go with it, with the time they were made. */
static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
object_element (JsonArray *array,
                guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
keep_earlier_probes (JsonNode   *node,
                     JsonNode   *previous,
                     GDateTime  *previous_time)
{
  JsonObject *root, *before;
  JsonArray *mx, *mx_before;
  const char *probed_at = NULL;
  gboolean kept = FALSE;

  if (previous == NULL || !JSON_NODE_HOLDS_OBJECT (node) || !JSON_NODE_HOLDS_OBJECT (previous))
    return;
  root = json_node_get_object (node);
  before = json_node_get_object (previous);
  mx = array_member (root, "mx");
  mx_before = array_member (before, "mx");
  if (mx == NULL || mx_before == NULL)
    return;

  for (guint i = 0; i < json_array_get_length (mx); i++)
    {
      JsonObject *host = object_element (mx, i);
      JsonArray *probes = array_member (host, "probes");
      const char *name = host != NULL ? json_object_get_string_member_with_default (host, "host", NULL) : NULL;

      if (name == NULL || (probes != NULL && json_array_get_length (probes) > 0))
        continue;
      for (guint j = 0; j < json_array_get_length (mx_before); j++)
        {
          JsonObject *old = object_element (mx_before, j);
          JsonNode *old_probes = old != NULL ? json_object_get_member (old, "probes") : NULL;

          if (old == NULL || old_probes == NULL || !JSON_NODE_HOLDS_ARRAY (old_probes) ||
              json_array_get_length (json_node_get_array (old_probes)) == 0 ||
              g_strcmp0 (json_object_get_string_member_with_default (old, "host", NULL), name) != 0)
            continue;
          json_object_set_member (host, "probes", json_node_copy (old_probes));
          kept = TRUE;
          break;
        }
    }
  if (!kept)
    return;
  probed_at = json_object_get_string_member_with_default (before, "probes_checked_at", NULL);
  if (probed_at != NULL)
    json_object_set_string_member (root, "probes_checked_at", probed_at);
  else if (previous_time != NULL)
    {
      g_autofree char *text = g_date_time_format_iso8601 (previous_time);

      json_object_set_string_member (root, "probes_checked_at", text);
    }
}

static void
learn_from_audit (MtsWindow            *self,
                  const MtsAuditResult *result,
                  gboolean              probed,
                  gboolean              prefill)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree guint16 *preferences = g_new0 (guint16, result->mx->len + 1);
  guint n_dns = 0;
  g_auto(GStrv) hosts = NULL;
  g_autoptr(JsonBuilder) json = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  mts_wizard_model_freeze (self->model);

  /* A domain that already publishes a policy: start from it, so that the
   * user edits what is there instead of starting blank. */
  if (prefill && result->policy != NULL && mts_policy_fetch_result_is_valid (result->policy))
    {
      const MtsPolicy *policy = result->policy->policy;
      g_autoptr(GStrvBuilder) patterns = g_strv_builder_new ();
      g_auto(GStrv) list = NULL;

      for (guint i = 0; i < policy->mx->len; i++)
        g_strv_builder_add (patterns, g_ptr_array_index (policy->mx, i));
      list = g_strv_builder_end (patterns);
      mts_wizard_model_set_patterns (self->model, (const char *const *) list);
      mts_wizard_model_set_mode (self->model, policy->mode);
      mts_wizard_model_set_max_age (self->model, policy->max_age);
    }
  if (prefill)
    {
      g_free (self->opened_policy);
      self->opened_policy = mts_wizard_model_dup_policy_text (self->model);
    }

  /* The published id goes with the published policy: keeping it says
   * "nothing changed" until the user changes something (then
   * model_changed_cb() makes a new one). */
  if (prefill && result->sts_record != NULL && mts_sts_id_is_valid (result->sts_record->id))
    {
      mts_wizard_model_set_id (self->model, result->sts_record->id);
      model_to_project (self);
      mts_project_mark_id_published (self->project, result->sts_record->id, now);
      g_free (self->opened_id);
      self->opened_id = g_strdup (result->sts_record->id);
    }
  if (prefill && result->tlsrpt_record != NULL && result->tlsrpt_record->rua != NULL)
    {
      g_autoptr(GStrvBuilder) rua = g_strv_builder_new ();
      g_auto(GStrv) list = NULL;

      /* The record holds them percent-encoded; the model holds them as
       * typed, and the generator encodes again. */
      for (guint i = 0; result->tlsrpt_record->rua[i] != NULL; i++)
        {
          g_autofree char *plain = g_uri_unescape_string (result->tlsrpt_record->rua[i], NULL);

          g_strv_builder_add (rua, plain != NULL ? plain : result->tlsrpt_record->rua[i]);
        }
      list = g_strv_builder_end (rua);
      mts_wizard_model_set_rua (self->model, (const char *const *) list);
    }

  for (guint i = 0; i < result->mx->len; i++)
    {
      const MtsAuditMx *mx = g_ptr_array_index (result->mx, i);

      /* A Server Check of the user's list also probes hosts DNS does not
       * name yet: they are not what DNS says. */
      if (!mx->in_dns)
        continue;
      preferences[n_dns++] = mx->preference;
      g_strv_builder_add (builder, mx->host);
    }
  hosts = g_strv_builder_end (builder);
  /* A failed MX lookup is not "no MX records". */
  if (n_dns > 0 || mts_diagnostics_find (result->problems, "dns-lookup-failed") == NULL)
    mts_wizard_model_set_dns_mx (self->model, (const char *const *) hosts, preferences);
  mts_wizard_model_thaw (self->model);

  mts_audit_result_to_json (result, json);
  node = json_builder_get_root (json);
  if (node != NULL && !probed)
    keep_earlier_probes (node, mts_project_get_last_audit (self->project),
                         mts_project_get_last_audit_time (self->project));
  if (node != NULL)
    mts_project_set_last_audit (self->project, node, now);
  mts_project_add_audit_event (self->project, now, mts_audit_verdict_to_string (result->verdict));
  schedule_save (self);
}

static void
record_verification (MtsWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gboolean all = TRUE;

  for (MtsPublished what = 0; what < MTS_N_PUBLISHED; what++)
    {
      MtsPublication p = mts_publish_page_get_publication (self->publish_page, what);

      if (what == MTS_PUBLISHED_TLSRPT_RECORD && mts_wizard_model_get_rua (self->model)[0] == NULL)
        continue;
      if (p != MTS_PUBLICATION_MATCHING)
        {
          all = FALSE;
          continue;
        }
      if (mts_project_get_published (self->project, what) == NULL)
        {
          mts_project_set_published (self->project, what, now);
          mts_project_add_published_event (self->project, now, what);
        }
    }
  if (mts_publish_page_get_publication (self->publish_page, MTS_PUBLISHED_STS_RECORD) == MTS_PUBLICATION_MATCHING)
    mts_project_mark_id_published (self->project, mts_wizard_model_get_id (self->model), now);

  if (all)
    {
      MtsProjectState state;

      switch (mts_wizard_model_get_mode (self->model))
        {
        case MTS_POLICY_MODE_ENFORCE:
          state = MTS_PROJECT_STATE_ENFORCE;
          break;
        case MTS_POLICY_MODE_NONE:
          state = MTS_PROJECT_STATE_REMOVING;
          break;
        case MTS_POLICY_MODE_TESTING:
        default:
          state = MTS_PROJECT_STATE_TESTING;
          break;
        }
      if (mts_project_get_state (self->project) != state)
        {
          mts_project_set_state (self->project, state, now);
          mts_project_add_state_event (self->project, now, state);
        }
    }
  mts_progress_page_set_project (self->progress_page, self->project);
  save_now (self);
}

static void
audit_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(MtsWindow) self = user_data;
  g_autoptr(MtsAuditResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CheckKind kind = self->check;

  result = mts_audit_run_finish (MTS_AUDIT (source), res, &error);
  /* A cancelled run, or one replaced by a newer one: nothing to show. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || MTS_AUDIT (source) != self->audit)
    return;

  g_signal_handlers_disconnect_by_data (self->audit, self);
  g_clear_object (&self->audit);
  g_clear_object (&self->cancellable);
  self->check = CHECK_NONE;

  switch (kind)
    {
    case CHECK_DISCOVER:
      self->discovered = TRUE;
      if (result == NULL)
        mts_discover_page_set_error (self->discover_page, error);
      else
        {
          gboolean prefill = mts_wizard_model_get_patterns (self->model)[0] == NULL;

          learn_from_audit (self, result, FALSE, prefill);
          mts_discover_page_set_result (self->discover_page, result,
                                        prefill && result->policy != NULL &&
                                        mts_policy_fetch_result_is_valid (result->policy));
        }
      break;
    case CHECK_PROBE:
      if (result == NULL)
        mts_probe_page_set_error (self->probe_page, error);
      else
        {
          learn_from_audit (self, result, TRUE, FALSE);
          mts_probe_page_set_result (self->probe_page, result);
        }
      break;
    case CHECK_VERIFY:
      if (result == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("Could not verify (%s). Check the network connection and try again."),
                                                      error->message);

          mts_publish_page_set_verify_message (self->publish_page, message, TRUE);
          finish_verify_task (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, message));
        }
      else
        {
          learn_from_audit (self, result, FALSE, FALSE);
          mts_publish_page_set_audit (self->publish_page, result);
          record_verification (self);
          finish_verify_task (self, NULL);
        }
      break;
    case CHECK_NONE:
    default:
      break;
    }
  update_navigation (self);
}

static void
run_check (MtsWindow *self,
           CheckKind  kind)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autofree char *ca_file = NULL;
  MtsAuditOptions options;

  g_return_if_fail (self->model != NULL);

  cancel_check (self);
  if (self->resolver == NULL)
    {
      /* The application's resolver follows the DNS server preference; a
       * window without the application (a test) asks through its own. */
      MtsResolver *shared = MTS_IS_APPLICATION (app)
                              ? mts_application_get_resolver (MTS_APPLICATION (app)) : NULL;

      self->resolver = shared != NULL ? g_object_ref (shared) : mts_resolver_new ();
    }

  mts_audit_options_init (&options);
  options.probe = kind == CHECK_PROBE;
  /* The Server Check probes the servers the policy will name: the list
   * of the Mail Servers step, which may hold a host DNS does not name yet
   * and leave out one being retired.  An empty list means nothing was
   * entered yet: then DNS says which servers there are. */
  if (kind == CHECK_PROBE && mts_wizard_model_get_patterns (self->model)[0] != NULL)
    options.mx_hosts = mts_wizard_model_get_patterns (self->model);
  if (MTS_IS_APPLICATION (app))
    ca_file = mts_application_dup_ca_file (MTS_APPLICATION (app));
  options.ca_file = ca_file;
  if (self->audit != NULL)
    g_signal_handlers_disconnect_by_data (self->audit, self);
  g_clear_object (&self->audit);
  self->audit = mts_audit_new (self->resolver, &options);
  g_signal_connect (self->audit, "step-changed", G_CALLBACK (step_changed_cb), self);
  self->cancellable = g_cancellable_new ();
  self->check = kind;

  switch (kind)
    {
    case CHECK_DISCOVER:
      mts_discover_page_reset (self->discover_page, mts_wizard_model_get_domain (self->model));
      break;
    case CHECK_PROBE:
      mts_probe_page_reset (self->probe_page);
      break;
    case CHECK_VERIFY:
      mts_publish_page_set_verify_message (self->publish_page, _("Looking up what is published…"), FALSE);
      break;
    case CHECK_NONE:
    default:
      break;
    }

  mts_audit_run_async (self->audit, mts_wizard_model_get_domain (self->model), self->cancellable,
                       audit_done_cb, g_object_ref (self));
  update_navigation (self);
}

static gboolean
verify_cancel_idle_cb (gpointer user_data)
{
  MtsWindow *self = user_data;

  if (self->verify_task != NULL && g_cancellable_is_cancelled (g_task_get_cancellable (self->verify_task)))
    cancel_check (self);
  return G_SOURCE_REMOVE;
}

static void
verify_cancelled_cb (GCancellable *cancellable,
                     MtsWindow    *self)
{
  /* Stopped from an idle: the handler cannot disconnect itself here. */
  g_idle_add_full (G_PRIORITY_DEFAULT, verify_cancel_idle_cb, g_object_ref (self), g_object_unref);
}

/**
 * _mts_window_verify_async:
 *
 * Runs Verify publication as the Publish step does (the window's resolver
 * and CA, the Publish step's marks, the project updated and saved) for
 * someone who wants to know when it is done: a promotion dialog.
 */
void
_mts_window_verify_async (MtsWindow           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MTS_IS_WINDOW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _mts_window_verify_async);
  if (self->model == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("No domain is open."));
      return;
    }
  /* Replaces a running check, and so ends an earlier request. */
  run_check (self, CHECK_VERIFY);
  self->verify_task = g_steal_pointer (&task);
  if (cancellable != NULL)
    self->verify_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (verify_cancelled_cb), self, NULL);
}

gboolean
_mts_window_verify_finish (MtsWindow     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * _mts_window_apply_promotion:
 *
 * Switches the project as @promotion says (mts_promotion_apply()), makes
 * the wizard show the new policy and id, and saves at once.
 */
void
_mts_window_apply_promotion (MtsWindow    *self,
                             MtsPromotion *promotion)
{
  g_return_if_fail (MTS_IS_WINDOW (self));
  g_return_if_fail (promotion != NULL);

  if (self->project == NULL || self->model == NULL)
    return;
  mts_promotion_apply (promotion, self->project, NULL);
  /* The new policy and id are what the wizard holds now; a later change
   * to them is measured against these (see model_changed_cb ()). */
  g_free (self->opened_id);
  self->opened_id = g_strdup (promotion->id);
  mts_wizard_model_freeze (self->model);
  mts_wizard_model_set_mode (self->model, promotion->policy->mode);
  mts_wizard_model_set_max_age (self->model, promotion->policy->max_age);
  mts_wizard_model_set_id (self->model, promotion->id);
  mts_wizard_model_thaw (self->model);
  g_free (self->opened_policy);
  self->opened_policy = mts_wizard_model_dup_policy_text (self->model);
  mts_progress_page_set_project (self->progress_page, self->project);
  save_now (self);
}

/* Steps ----------------------------------------------------------------- */

static void
enter_step (MtsWindow *self,
            MtsStep    step)
{
  self->visited[step] = TRUE;
  if (self->project != NULL && step != MTS_STEP_WELCOME)
    {
      mts_project_set_step (self->project, step_names[step]);
      schedule_save (self);
    }

  if (step == MTS_STEP_PROBE && self->check != CHECK_PROBE &&
      !mts_probe_page_has_result (self->probe_page) && !mts_probe_page_has_problems (self->probe_page))
    run_check (self, CHECK_PROBE);
  if (step == MTS_STEP_PROGRESS)
    mts_progress_page_set_project (self->progress_page, self->project);
}

gboolean
_mts_window_go_to_step (MtsWindow *self,
                        MtsStep    step)
{
  MtsStep from = current_step (self);

  g_return_val_if_fail (MTS_IS_WINDOW (self), FALSE);

  if (step >= MTS_N_STEPS || !_mts_window_step_available (self, step))
    return FALSE;

  /* Leaving the page of a running check stops it: its results would
   * land on a page nobody looks at. */
  if (from != step &&
      ((self->check == CHECK_DISCOVER && from == MTS_STEP_DISCOVER) ||
       (self->check == CHECK_PROBE && from == MTS_STEP_PROBE) ||
       (self->check == CHECK_VERIFY && from == MTS_STEP_PUBLISH)))
    cancel_check (self);

  gtk_stack_set_visible_child_name (self->stack, step_names[step]);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  enter_step (self, step);
  update_navigation (self);
  return TRUE;
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MtsWindow *self = MTS_WINDOW (widget);
  MtsStep step = current_step (self);

  if (step > MTS_STEP_WELCOME)
    _mts_window_go_to_step (self, step - 1);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MtsWindow *self = MTS_WINDOW (widget);

  _mts_window_go_to_step (self, current_step (self) + 1);
}

static void
step_row_activated_cb (MtsWindow     *self,
                       GtkListBoxRow *row)
{
  _mts_window_go_to_step (self, gtk_list_box_row_get_index (row));
}

static void
show_steps_cb (MtsWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
folded_changed_cb (MtsWindow *self)
{
  /* Unfolded, both halves show; folded, the content is what matters. */
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MtsWindow *self = MTS_WINDOW (widget);
  const char *value, *what;
  g_autofree char *message = NULL;

  g_variant_get (parameter, "(&s&s)", &value, &what);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), value);
  /* Translators: "Copied the value of the _mta-sts record". */
  message = g_strdup_printf (_("Copied %s"), what);
  _mts_window_toast (GTK_WIDGET (self), message);
}

static void
discover_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  run_check (MTS_WINDOW (widget), CHECK_DISCOVER);
}

static void
probe_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  run_check (MTS_WINDOW (widget), CHECK_PROBE);
}

static void
verify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  run_check (MTS_WINDOW (widget), CHECK_VERIFY);
}

static void
cancel_check_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MtsWindow *self = MTS_WINDOW (widget);

  if (self->check != CHECK_NONE)
    {
      cancel_check (self);
      _mts_window_toast (widget, _("Check stopped"));
    }
}

static void
close_project (MtsWindow *self)
{
  cancel_check (self);
  if (self->project != NULL)
    {
      model_to_project (self);
      save_now (self);
    }
  if (self->model != NULL)
    g_clear_signal_handler (&self->model_changed_id, self->model);
  mts_servers_page_set_model (self->servers_page, NULL);
  mts_policy_page_set_model (self->policy_page, NULL);
  mts_reporting_page_set_model (self->reporting_page, NULL);
  mts_publish_page_set_model (self->publish_page, NULL);
  mts_progress_page_set_project (self->progress_page, NULL);
  g_clear_object (&self->model);
  g_clear_object (&self->project);
  g_clear_pointer (&self->opened_policy, g_free);
  g_clear_pointer (&self->opened_id, g_free);
  memset (self->visited, 0, sizeof self->visited);
  self->discovered = FALSE;
  mts_probe_page_reset (self->probe_page);
}

/* In a thread: a domain with a year of reports takes a fifth of a second
 * to read and evaluate. */
static void
refresh_domains (MtsWindow *self)
{
  mts_welcome_page_load_projects (self->welcome_page, self->store);
}

static void
other_domain_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MtsWindow *self = MTS_WINDOW (widget);

  close_project (self);
  refresh_domains (self);
  gtk_stack_set_visible_child_name (self->stack, step_names[MTS_STEP_WELCOME]);
  update_navigation (self);
  gtk_widget_grab_focus (GTK_WIDGET (_mts_welcome_page_get_entry (self->welcome_page)));
}

typedef struct
{
  GWeakRef window;
  char *domain;
} Forget;

/* Moves the project file away once no write of it is due or running: one
 * finishing later would bring the file back. */
static gboolean
forget_when_saved_cb (gpointer user_data)
{
  Forget *forget = user_data;
  g_autoptr(MtsWindow) self = g_weak_ref_get (&forget->window);
  g_autoptr(GError) error = NULL;

  if (self == NULL)
    goto done;
  if (_mts_window_is_saving (self))
    return G_SOURCE_CONTINUE;
  if (!mts_project_store_delete (self->store, forget->domain, &error))
    mts_welcome_page_show_error (self->welcome_page, error->message);
  refresh_domains (self);

done:
  g_weak_ref_clear (&forget->window);
  g_free (forget->domain);
  g_free (forget);
  return G_SOURCE_REMOVE;
}

/**
 * _mts_window_forget_project:
 *
 * Closes the open domain, deletes its project file (into the store's
 * trash folder, see mts_project_store_delete()) and shows the welcome
 * page.  For a removed domain, after the user confirmed.
 */
void
_mts_window_forget_project (MtsWindow *self)
{
  Forget *forget;

  g_return_if_fail (MTS_IS_WINDOW (self));

  if (self->project == NULL)
    return;
  forget = g_new0 (Forget, 1);
  g_weak_ref_init (&forget->window, self);
  forget->domain = g_strdup (mts_project_get_domain (self->project));
  close_project (self);
  gtk_stack_set_visible_child_name (self->stack, step_names[MTS_STEP_WELCOME]);
  update_navigation (self);
  gtk_widget_grab_focus (GTK_WIDGET (_mts_welcome_page_get_entry (self->welcome_page)));
  if (forget_when_saved_cb (forget) == G_SOURCE_CONTINUE)
    g_timeout_add (20, forget_when_saved_cb, forget);
}

static void
start_cb (MtsWindow      *self,
          const char     *domain,
          MtsWelcomePage *page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = NULL;
  MtsStep resume = MTS_STEP_DISCOVER;
  const char *step;

  close_project (self);

  project = mts_project_store_open (self->store, domain, &error);
  if (project == NULL && g_error_matches (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT))
    {
      /* The store moved the unreadable file aside: say so, and start anew. */
      _mts_window_toast (GTK_WIDGET (self), error->message);
      g_clear_error (&error);
      project = mts_project_store_create (self->store, domain, &error);
    }
  else if (project == NULL && g_error_matches (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      project = mts_project_store_create (self->store, domain, &error);
    }
  if (project == NULL)
    {
      mts_welcome_page_show_error (self->welcome_page, error->message);
      return;
    }

  self->project = g_steal_pointer (&project);
  self->model = model_from_project (self->project);
  self->opened_policy = mts_wizard_model_dup_policy_text (self->model);
  self->opened_id = g_strdup (mts_wizard_model_get_id (self->model));
  model_to_project (self);
  save_now (self);

  mts_servers_page_set_model (self->servers_page, self->model);
  mts_policy_page_set_model (self->policy_page, self->model);
  mts_reporting_page_set_model (self->reporting_page, self->model);
  mts_publish_page_set_model (self->publish_page, self->model);
  self->model_changed_id = g_signal_connect_swapped (self->model, "changed",
                                                     G_CALLBACK (model_changed_cb), self);

  /* Resume where the user left: the steps before it were seen then.  A
   * step that no longer has what it needs falls back to an earlier one. */
  step = mts_project_get_step (self->project);
  for (guint i = MTS_STEP_DISCOVER; step != NULL && i < MTS_N_STEPS; i++)
    if (g_str_equal (step, step_names[i]))
      resume = i;
  for (guint i = MTS_STEP_WELCOME; i < resume; i++)
    self->visited[i] = TRUE;
  while (resume > MTS_STEP_DISCOVER && !_mts_window_step_available (self, resume))
    resume--;

  run_check (self, CHECK_DISCOVER);
  _mts_window_go_to_step (self, resume);
}

/* Reports --------------------------------------------------------------- */

/**
 * _mts_window_project_changed:
 *
 * Saves the project now and shows it again on the Progress step (reports,
 * readiness, timeline), after a page changed it outside the wizard model.
 */
void
_mts_window_project_changed (GtkWidget *widget)
{
  MtsWindow *self = window_of (widget);

  if (self == NULL || self->project == NULL)
    return;
  save_now (self);
  mts_progress_page_set_project (self->progress_page, self->project);
  update_navigation (self);
}

/**
 * _mts_window_import_files:
 * @files: (element-type GFile): files and folders
 *
 * What dropping @files on the window does: imports the reports in them
 * into the open domain and shows the Progress step, where the import and
 * its outcome show.  Without a domain, says to open one first.
 *
 * Returns: %TRUE if an import started
 */
gboolean
_mts_window_import_files (MtsWindow  *self,
                          GListModel *files)
{
  MtsReportsView *view = _mts_progress_page_get_reports_view (self->progress_page);

  g_return_val_if_fail (MTS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_LIST_MODEL (files), FALSE);

  if (self->project == NULL)
    {
      _mts_window_toast (GTK_WIDGET (self),
                         _("Open or start a domain first, then drop its reports again"));
      return FALSE;
    }
  /* Progress needs a finished setup; before that the import still runs
   * and its toast says what it found. */
  if (!_mts_window_go_to_step (self, MTS_STEP_PROGRESS))
    mts_progress_page_set_project (self->progress_page, self->project);
  return mts_reports_view_import (view, files);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         MtsWindow     *self)
{
  GdkFileList *list = g_value_get_boxed (value);
  g_autoptr(GListStore) files = g_list_store_new (G_TYPE_FILE);
  g_autoptr(GSList) items = NULL;

  if (list == NULL)
    return FALSE;
  items = gdk_file_list_get_files (list);
  for (GSList *item = items; item != NULL; item = item->next)
    g_list_store_append (files, item->data);
  if (g_list_model_get_n_items (G_LIST_MODEL (files)) == 0)
    return FALSE;
  /* Refused or not, the drop was for this window: it said why. */
  _mts_window_import_files (self, G_LIST_MODEL (files));
  return TRUE;
}

/* Window ---------------------------------------------------------------- */

static void
save_window_size (MtsWindow *self)
{
  int width, height;

  /* The default size is what the user last left unmaximised, which is
   * what GTK reports while maximised too. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
mts_window_close_request (GtkWindow *window)
{
  MtsWindow *self = MTS_WINDOW (window);

  save_window_size (self);
  close_project (self);
  return GTK_WINDOW_CLASS (mts_window_parent_class)->close_request (window);
}

static void
build_step_rows (MtsWindow *self)
{
  for (guint i = 0; i < MTS_N_STEPS; i++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      g_autofree char *number_text = g_strdup_printf ("%u", i + 1);
      GtkWidget *number = gtk_label_new (number_text);
      GtkWidget *title = gtk_label_new (step_title (self, i));
      GtkWidget *icon = gtk_image_new ();

      gtk_widget_add_css_class (number, "step-number");
      gtk_widget_add_css_class (number, "numeric");
      gtk_widget_set_valign (number, GTK_ALIGN_CENTER);
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (title, TRUE);
      gtk_box_append (GTK_BOX (box), number);
      gtk_box_append (GTK_BOX (box), title);
      gtk_box_append (GTK_BOX (box), icon);
      gtk_widget_set_margin_top (box, 6);
      gtk_widget_set_margin_bottom (box, 6);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      g_object_set_data (G_OBJECT (row), "mts-icon", icon);
      gtk_widget_set_name (row, step_names[i]);
      gtk_list_box_append (self->steps_list, row);
      self->step_rows[i] = GTK_LIST_BOX_ROW (row);
    }
}

static void
mts_window_dispose (GObject *object)
{
  MtsWindow *self = MTS_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->files_cancellable != NULL)
    g_cancellable_cancel (self->files_cancellable);
  g_clear_object (&self->files_cancellable);
  self->check = CHECK_NONE;
  finish_verify_task (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 _("The window was closed.")));
  /* A running audit may still emit ::step-changed: not to this window. */
  if (self->audit != NULL)
    g_signal_handlers_disconnect_by_data (self->audit, self);
  /* Quitting (Ctrl+Q) destroys the window without a close request: what
   * is waiting to be saved is saved now. */
  save_before_dispose (self);
  if (self->model != NULL)
    g_clear_signal_handler (&self->model_changed_id, self->model);
  gtk_widget_dispose_template (GTK_WIDGET (self), MTS_TYPE_WINDOW);
  g_clear_object (&self->audit);
  g_clear_object (&self->resolver);
  g_clear_object (&self->model);
  g_clear_object (&self->project);
  g_clear_object (&self->store);
  g_clear_pointer (&self->opened_policy, g_free);
  g_clear_pointer (&self->opened_id, g_free);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->toasts, g_ptr_array_unref);

  G_OBJECT_CLASS (mts_window_parent_class)->dispose (object);
}

static void
mts_window_class_init (MtsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mts_window_dispose;
  window_class->close_request = mts_window_close_request;

  g_type_ensure (MTS_TYPE_WELCOME_PAGE);
  g_type_ensure (MTS_TYPE_DISCOVER_PAGE);
  g_type_ensure (MTS_TYPE_SERVERS_PAGE);
  g_type_ensure (MTS_TYPE_PROBE_PAGE);
  g_type_ensure (MTS_TYPE_POLICY_PAGE);
  g_type_ensure (MTS_TYPE_REPORTING_PAGE);
  g_type_ensure (MTS_TYPE_PUBLISH_PAGE);
  g_type_ensure (MTS_TYPE_PROGRESS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, steps_list);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, action_bar);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, next_button);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, position_label);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, discover_page);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, servers_page);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, probe_page);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, policy_page);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, reporting_page);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, publish_page);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, progress_page);
  gtk_widget_class_bind_template_callback (widget_class, start_cb);
  gtk_widget_class_bind_template_callback (widget_class, step_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, show_steps_cb);
  gtk_widget_class_bind_template_callback (widget_class, folded_changed_cb);

  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "win.copy", "(ss)", copy_action);
  gtk_widget_class_install_action (widget_class, "win.discover", NULL, discover_action);
  gtk_widget_class_install_action (widget_class, "win.probe", NULL, probe_action);
  gtk_widget_class_install_action (widget_class, "win.verify", NULL, verify_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-check", NULL, cancel_check_action);
  gtk_widget_class_install_action (widget_class, "win.other-domain", NULL, other_domain_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel-check", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "win.next", NULL);
}

static void
mts_window_init (MtsWindow *self)
{
  g_autoptr(GFile) directory = NULL;
  int width, height;

  self->toasts = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->settings = g_settings_new ("io.github.mtasts.Wizard");
  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  directory = mts_project_store_get_default_directory ();
  self->store = mts_project_store_new (directory);

  build_step_rows (self);
  refresh_domains (self);
  update_navigation (self);

  /* Report files and folders dropped anywhere on the window are imported;
   * GTK highlights the window while they are over it. */
  {
    GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

    g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
  }
}

MtsWindow *
mts_window_new (MtsApplication *application)
{
  return g_object_new (MTS_TYPE_WINDOW, "application", application, NULL);
}

MtsWelcomePage *
_mts_window_get_welcome_page (MtsWindow *self)
{
  return self->welcome_page;
}

AdwToastOverlay *
_mts_window_get_toast_overlay (MtsWindow *self)
{
  return self->toast_overlay;
}

GtkWidget *
_mts_window_get_page (MtsWindow *self,
                      MtsStep    step)
{
  return gtk_stack_get_child_by_name (self->stack, step_names[step]);
}

MtsStep
_mts_window_get_step (MtsWindow *self)
{
  return current_step (self);
}

GtkListBoxRow *
_mts_window_get_step_row (MtsWindow *self,
                          MtsStep    step)
{
  return self->step_rows[step];
}

MtsWizardModel *
_mts_window_get_model (MtsWindow *self)
{
  return self->model;
}

MtsProject *
_mts_window_get_project (MtsWindow *self)
{
  return self->project;
}

gboolean
_mts_window_is_checking (MtsWindow *self)
{
  return self->check != CHECK_NONE;
}

GtkButton *
_mts_window_get_next_button (MtsWindow *self)
{
  return self->next_button;
}

GtkButton *
_mts_window_get_back_button (MtsWindow *self)
{
  return self->back_button;
}

/**
 * _mts_window_set_dns_server:
 * @server: "IP[:PORT]" of the DNS server every check asks
 *
 * For tests, which must not depend on the machine's DNS.
 */
gboolean
_mts_window_set_dns_server (MtsWindow   *self,
                            const char  *server,
                            GError     **error)
{
  if (self->resolver == NULL)
    self->resolver = mts_resolver_new ();
  return mts_resolver_set_server (self->resolver, server, error);
}

AdwLeaflet *
_mts_window_get_leaflet (MtsWindow *self)
{
  return self->leaflet;
}
