/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-readiness-view.c: the Progress step's view of the readiness checklist and verdict, and the ways to switch modes.
 *
 * The checklist is the core's (mts_readiness_evaluate()) with the
 * thresholds the user set in Preferences; it is worked out again whenever
 * the project changes (a check, an import, a switch) or a threshold does.
 * Each switch opens a MtsPromotionDialog; switching to enforce before the
 * checklist is met asks first, naming what is missing.  While a switch is
 * under way only it can be continued (or cancelled in its dialog), so that
 * it is never replaced unseen.  A removed domain can be forgotten: its
 * project file is deleted, after a confirmation.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-alert.h"
#include "mts-application.h"
#include "mts-promotion-dialog.h"
#include "mts-readiness-view.h"
#include "mts-rows.h"
#include "mts-window-private.h"

struct _MtsReadinessView
{
  AdwBin parent_instance;

  GtkListBox *verdict_list;
  GtkListBox *checklist;
  GtkBox *actions_box;
  GtkButton *continue_button;
  GtkButton *enforce_button;
  GtkButton *testing_button;
  GtkButton *remove_button;
  GtkButton *forget_button;

  MtsProject *project;
  gulong changed_id;
  guint refresh_source;
  GSettings *settings;
  MtsReadiness *readiness;
};

G_DEFINE_FINAL_TYPE (MtsReadinessView, mts_readiness_view, ADW_TYPE_BIN)

/* The verdict names at most this many things missing; the checklist
 * below shows them all. */
#define VERDICT_PHRASES 3

static const char *
status_icon (MtsReadinessStatus status)
{
  switch (status)
    {
    case MTS_READINESS_MET:
      return "emblem-ok-symbolic";
    case MTS_READINESS_NOT_MET:
      return "window-close-symbolic";
    case MTS_READINESS_UNKNOWN:
    default:
      return "dialog-question-symbolic";
    }
}

static const char *
status_class (MtsReadinessStatus status)
{
  switch (status)
    {
    case MTS_READINESS_MET:
      return "success";
    case MTS_READINESS_NOT_MET:
      return "error";
    case MTS_READINESS_UNKNOWN:
    default:
      return "dim-label";
    }
}

static const char *
status_word (MtsReadinessStatus status)
{
  switch (status)
    {
    case MTS_READINESS_MET:
      /* Translators: a condition for enforce is met. */
      return _("Met");
    case MTS_READINESS_NOT_MET:
      return _("Not met");
    case MTS_READINESS_UNKNOWN:
    default:
      /* Translators: nothing shows yet whether a condition is met. */
      return _("Unknown");
    }
}

/* What is wrong with an item not met, in a few words: the verdict lists
 * these, as the titles say what is wanted, not what is missing. */
static char *
missing_phrase (const MtsReadinessItem       *item,
                const MtsReadinessThresholds *thresholds,
                gboolean                      checked)
{
  gboolean unknown = item->status == MTS_READINESS_UNKNOWN;

  /* No check yet: the three items it would fill in say it once. */
  if (unknown && !checked &&
      (g_str_equal (item->id, "mx-probes") || g_str_equal (item->id, "mx-coverage") ||
       g_str_equal (item->id, "policy-certificate")))
    /* Translators: in the verdict, after "2 conditions not met:". */
    return g_strdup (_("no server check yet"));

  if (g_str_equal (item->id, "testing-live"))
    /* Translators: in the verdict, after "2 conditions not met:". */
    return g_strdup (_("too few days in testing"));
  if (g_str_equal (item->id, "reports"))
    /* Translators: in the verdict, after "2 conditions not met:"; too few
     * TLS reports, from too few senders or on too few days. */
    return g_strdup (_("too few reports"));
  if (g_str_equal (item->id, "no-tls-failures"))
    return unknown ? g_strdup (_("no recent reports"))
                   /* Translators: in the verdict, after "2 conditions not met:". */
                   : g_strdup_printf (g_dngettext (NULL, "failed sessions in the last %u day",
                                                   "failed sessions in the last %u days",
                                                   thresholds->recent_days),
                                      thresholds->recent_days);
  if (g_str_equal (item->id, "mx-probes"))
    return g_strdup (_("a mail server failed the check"));
  if (g_str_equal (item->id, "mx-coverage"))
    return g_strdup (_("the policy leaves out a mail server"));
  if (g_str_equal (item->id, "policy-certificate"))
    return unknown ? g_strdup (_("the policy host’s certificate has no known end date"))
                   : g_strdup (_("the policy host’s certificate is not valid long enough"));
  /* An item newer than this view: its title says what it is about. */
  return g_strdup (item->title);
}

/* "2 conditions not met: too few reports; no server check yet". */
static char *
not_met_text (MtsReadiness                 *readiness,
              const MtsReadinessThresholds *thresholds)
{
  g_autoptr(GPtrArray) phrases = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  g_autofree char *more_text = NULL;
  g_autofree char *list = NULL;
  gboolean checked = TRUE;
  guint open = 0;

  for (guint i = 0; i < readiness->items->len; i++)
    {
      const MtsReadinessItem *item = g_ptr_array_index (readiness->items, i);

      if (g_str_equal (item->id, "mx-probes") && item->status == MTS_READINESS_UNKNOWN)
        checked = FALSE;
    }
  for (guint i = 0; i < readiness->items->len; i++)
    {
      const MtsReadinessItem *item = g_ptr_array_index (readiness->items, i);
      char *phrase;

      if (item->status == MTS_READINESS_MET)
        continue;
      open++;
      phrase = missing_phrase (item, thresholds, checked);
      /* Phrases said already are not said again. */
      if (g_ptr_array_find_with_equal_func (phrases, phrase, g_str_equal, NULL))
        g_free (phrase);
      else
        g_ptr_array_add (phrases, phrase);
    }
  /* A long list would bury the verdict: the first two, then how many
   * more the checklist shows. */
  if (phrases->len > VERDICT_PHRASES)
    {
      guint more = phrases->len - (VERDICT_PHRASES - 1);

      g_ptr_array_set_size (phrases, VERDICT_PHRASES - 1);
      /* Translators: after the first open conditions: "…; and 3 more". */
      more_text = g_strdup_printf (g_dngettext (NULL, "; and %u more", "; and %u more", more), more);
    }
  g_ptr_array_add (phrases, NULL);
  /* Translators: between the phrases of the verdict's list. */
  joined = g_strjoinv (_("; "), (char **) phrases->pdata);
  list = g_strconcat (joined, more_text, NULL);
  /* Translators: the verdict when not ready: "2 conditions not met: too
   * few reports; no server check yet"; the plural goes with the number. */
  return g_strdup_printf (g_dngettext (NULL, "%u condition not met: %s", "%u conditions not met: %s", open),
                          open, list);
}

/* "The testing policy has been live long enough" is about getting to
 * enforce, and never met once there (the mode is no longer testing). */
static gboolean
only_before_enforce (const MtsReadinessItem *item)
{
  return g_str_equal (item->id, "testing-live");
}

/* Under enforce: whether everything that still matters is met. */
static gboolean
still_holds (MtsReadiness *readiness)
{
  for (guint i = 0; i < readiness->items->len; i++)
    {
      const MtsReadinessItem *item = g_ptr_array_index (readiness->items, i);

      if (item->status != MTS_READINESS_MET && !only_before_enforce (item))
        return FALSE;
    }
  return TRUE;
}

static gboolean
id_unpublished (MtsProject *project)
{
  GPtrArray *ids = mts_project_get_ids (project);
  const MtsProjectId *last;

  if (ids == NULL || ids->len == 0)
    return FALSE;
  last = g_ptr_array_index (ids, ids->len - 1);
  return last->published == NULL;
}

/* A switch that does not apply now is not shown at all, rather than
 * greyed out: what is left is what can be done. */
static void
show_action (MtsReadinessView *self,
             GtkButton        *button,
             const char       *action,
             gboolean          applies)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), action, applies);
  gtk_widget_set_visible (GTK_WIDGET (button), applies);
}

static void
update_actions (MtsReadinessView *self)
{
  MtsProjectState state = self->project != NULL ? mts_project_get_state (self->project)
                                                 : MTS_PROJECT_STATE_DRAFT;
  const MtsPromotion *pending = self->project != NULL ? mts_promotion_dialog_get_pending (self->project) : NULL;
  gboolean ready = self->readiness != NULL && self->readiness->ready;
  gboolean live = state == MTS_PROJECT_STATE_TESTING || state == MTS_PROJECT_STATE_ENFORCE;
  gboolean removed = state == MTS_PROJECT_STATE_REMOVED;

  /* A switch under way is continued or cancelled, never replaced by
   * another one started beside it. */
  show_action (self, self->enforce_button, "readiness.enforce",
               state == MTS_PROJECT_STATE_TESTING && pending == NULL);
  show_action (self, self->testing_button, "readiness.testing",
               state == MTS_PROJECT_STATE_ENFORCE && pending == NULL);
  show_action (self, self->remove_button, "readiness.remove", live && pending == NULL);
  show_action (self, self->continue_button, "readiness.continue", pending != NULL);
  show_action (self, self->forget_button, "readiness.forget", removed && pending == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->actions_box), live || removed || pending != NULL);
  if (pending != NULL)
    {
      /* Translators: the button that reopens a switch under way: "Continue: Switch to Enforce…". */
      g_autofree char *label = g_strdup_printf (_("Continue: %s…"), mts_promotion_kind_title (pending->kind));

      gtk_button_set_label (self->continue_button, label);
    }

  /* One suggested action at most: the switch under way, else enforce
   * once it is safe. */
  if (ready && state == MTS_PROJECT_STATE_TESTING && pending == NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->enforce_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->enforce_button), "suggested-action");
}

static void
refresh (MtsReadinessView *self)
{
  MtsReadinessThresholds thresholds;
  g_autofree char *detail = NULL;
  GtkWidget *row;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  mts_list_box_remove_all (self->verdict_list);
  mts_list_box_remove_all (self->checklist);
  g_clear_pointer (&self->readiness, mts_readiness_free);
  if (self->project == NULL)
    {
      update_actions (self);
      return;
    }

  mts_application_get_current_readiness_thresholds (&thresholds);
  self->readiness = mts_readiness_evaluate (self->project, &thresholds, NULL);

  switch (mts_project_get_state (self->project))
    {
    case MTS_PROJECT_STATE_ENFORCE:
      {
        gboolean holds = still_holds (self->readiness);

        detail = g_strdup (holds
                           ? _("The policy is enforced, and everything below still holds.")
                           : _("The policy is enforced. Some conditions below no longer hold: look at them before mail is refused."));
        row = mts_message_row_new (holds ? "emblem-ok-symbolic" : "dialog-warning-symbolic",
                                   holds ? "success" : "warning", _("Enforced"), detail);
      }
      break;
    case MTS_PROJECT_STATE_REMOVING:
      row = mts_message_row_new ("dialog-information-symbolic", "accent", _("Being removed"),
                                 _("The policy is in mode none on its way out: the checklist below no longer matters."));
      break;
    case MTS_PROJECT_STATE_REMOVED:
      row = mts_message_row_new ("emblem-ok-symbolic", "success", _("Removed"),
                                 _("MTA-STS is removed: the records and the policy are gone, and every policy senders cached has expired. You can forget this domain."));
      break;
    case MTS_PROJECT_STATE_DRAFT:
    case MTS_PROJECT_STATE_TESTING:
    default:
      if (self->readiness->ready)
        row = mts_message_row_new ("emblem-ok-symbolic", "success", _("Ready for enforce"),
                                   _("Every condition below is met: switching to enforce is safe now."));
      else
        {
          detail = not_met_text (self->readiness, &thresholds);
          row = mts_message_row_new ("dialog-warning-symbolic", "warning", _("Not ready for enforce yet"), detail);
        }
      break;
    }
  gtk_widget_set_name (row, "verdict");
  gtk_list_box_append (self->verdict_list, row);

  /* A switch applied in an earlier session whose new id was never seen
   * published: the Publish step finishes it. */
  if (mts_project_get_state (self->project) != MTS_PROJECT_STATE_DRAFT &&
      mts_promotion_dialog_get_pending (self->project) == NULL && id_unpublished (self->project))
    {
      g_autofree char *detail2 = g_strdup_printf (_("Publish the _mta-sts record with the id %s, then use Verify Publication on the Publish step."),
                                                  mts_project_get_current_id (self->project));

      row = mts_message_row_new ("dialog-warning-symbolic", "warning",
                                 _("The current policy id is not seen published yet"), detail2);
      gtk_widget_set_name (row, "id-unpublished");
      gtk_list_box_append (self->verdict_list, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->checklist),
                          mts_project_get_state (self->project) != MTS_PROJECT_STATE_REMOVED);
  for (guint i = 0; i < self->readiness->items->len; i++)
    {
      const MtsReadinessItem *item = g_ptr_array_index (self->readiness->items, i);
      GtkWidget *state;

      if (mts_project_get_state (self->project) == MTS_PROJECT_STATE_ENFORCE && only_before_enforce (item))
        continue;
      /* Removed: nothing is published, and nothing below can hold. */
      if (mts_project_get_state (self->project) == MTS_PROJECT_STATE_REMOVED)
        break;
      state = gtk_label_new (status_word (item->status));
      row = mts_message_row_new (status_icon (item->status), status_class (item->status),
                                 item->title, item->evidence);
      gtk_widget_set_name (row, item->id);
      /* The icon's shape and the word say it, not the colour alone. */
      gtk_widget_add_css_class (state, "caption");
      gtk_widget_add_css_class (state, status_class (item->status));
      gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, status_word (item->status),
                                      -1);
      gtk_list_box_append (self->checklist, row);
    }
  update_actions (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  MtsReadinessView *self = user_data;

  self->refresh_source = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

/* A switch or a check changes many things at once: one refresh for all. */
static void
queue_refresh (MtsReadinessView *self)
{
  if (self->refresh_source == 0)
    self->refresh_source = g_idle_add (refresh_cb, self);
}

static void
settings_changed_cb (MtsReadinessView *self,
                     const char       *key)
{
  if (g_str_has_prefix (key, "readiness-"))
    queue_refresh (self);
}

/**
 * mts_readiness_view_set_project:
 * @project: (nullable): the domain's project
 */
void
mts_readiness_view_set_project (MtsReadinessView *self,
                                MtsProject       *project)
{
  g_return_if_fail (MTS_IS_READINESS_VIEW (self));

  if (self->project != NULL)
    g_clear_signal_handler (&self->changed_id, self->project);
  g_set_object (&self->project, project);
  if (project != NULL)
    self->changed_id = g_signal_connect_swapped (project, "changed", G_CALLBACK (queue_refresh), self);
  refresh (self);
}

static void
open_dialog (MtsReadinessView *self,
             MtsPromotionKind  kind)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GError) error = NULL;
  MtsPromotionDialog *dialog;

  if (self->project == NULL)
    return;
  dialog = mts_promotion_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                     self->project, kind, &error);
  if (dialog == NULL)
    {
      GtkWidget *message = mts_alert_new (mts_promotion_kind_title (kind), error->message);

      mts_alert_add_response (message, "close", _("_Close"), FALSE);
      mts_alert_present (message, GTK_WIDGET (self), NULL, NULL);
      return;
    }
  /* The buttons follow the switch under way. */
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (queue_refresh), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  update_actions (self);
}

static void
confirm_response_cb (GObject    *instance,
                     const char *response)
{
  if (g_str_equal (response, "switch"))
    open_dialog (MTS_READINESS_VIEW (instance), MTS_PROMOTION_ENFORCE);
}

static void
enforce_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MtsReadinessView *self = MTS_READINESS_VIEW (widget);
  g_autoptr(GString) missing = NULL;
  GtkWidget *dialog;

  if (self->readiness == NULL || self->readiness->ready)
    {
      open_dialog (self, MTS_PROMOTION_ENFORCE);
      return;
    }

  missing = g_string_new (_("These conditions are not met yet:"));
  for (guint i = 0; i < self->readiness->items->len; i++)
    {
      const MtsReadinessItem *item = g_ptr_array_index (self->readiness->items, i);

      if (item->status != MTS_READINESS_MET)
        g_string_append_printf (missing, "\n• %s", item->title);
    }
  g_string_append (missing, "\n\n");
  g_string_append (missing, _("Under enforce, mail from senders that support MTA-STS is not delivered when a check fails. Switch anyway only if you know why these do not matter for your domain."));

  dialog = mts_alert_new (_("Switch to Enforce Before It Is Ready?"), missing->str);
  gtk_widget_set_name (dialog, "confirm-enforce");
  mts_alert_add_response (dialog, "cancel", _("_Cancel"), FALSE);
  mts_alert_add_response (dialog, "switch", _("_Switch Anyway"), TRUE);
  mts_alert_set_default_response (dialog, "cancel");
  mts_alert_set_close_response (dialog, "cancel");
  mts_alert_present (dialog, widget, confirm_response_cb, self);
}

static void
testing_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  open_dialog (MTS_READINESS_VIEW (widget), MTS_PROMOTION_TESTING);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  open_dialog (MTS_READINESS_VIEW (widget), MTS_PROMOTION_REMOVE);
}

static void
forget_response_cb (GObject    *instance,
                    const char *response)
{
  MtsReadinessView *self = MTS_READINESS_VIEW (instance);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (g_str_equal (response, "forget") && MTS_IS_WINDOW (root))
    _mts_window_forget_project (MTS_WINDOW (root));
}

/* Only for a removed domain: nothing is published any more, and the file
 * holds only its history. */
static void
forget_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MtsReadinessView *self = MTS_READINESS_VIEW (widget);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->project == NULL || mts_project_get_state (self->project) != MTS_PROJECT_STATE_REMOVED)
    return;
  body = g_strdup_printf (_("The project of %s is deleted from this computer: its reports, checks "
                            "and timeline. Nothing changes in DNS or on the web server."),
                          mts_project_get_display_name (self->project));
  dialog = mts_alert_new (_("Forget This Domain?"), body);
  gtk_widget_set_name (dialog, "confirm-forget");
  mts_alert_add_response (dialog, "cancel", _("_Cancel"), FALSE);
  mts_alert_add_response (dialog, "forget", _("_Forget"), TRUE);
  mts_alert_set_default_response (dialog, "cancel");
  mts_alert_set_close_response (dialog, "cancel");
  mts_alert_present (dialog, widget, forget_response_cb, self);
}

static void
continue_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MtsReadinessView *self = MTS_READINESS_VIEW (widget);
  const MtsPromotion *pending = self->project != NULL ? mts_promotion_dialog_get_pending (self->project) : NULL;

  if (pending != NULL)
    open_dialog (self, pending->kind);
}

static void
mts_readiness_view_dispose (GObject *object)
{
  MtsReadinessView *self = MTS_READINESS_VIEW (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->project != NULL)
    g_clear_signal_handler (&self->changed_id, self->project);
  g_clear_object (&self->project);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->readiness, mts_readiness_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), MTS_TYPE_READINESS_VIEW);

  G_OBJECT_CLASS (mts_readiness_view_parent_class)->dispose (object);
}

static void
mts_readiness_view_class_init (MtsReadinessViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_readiness_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-readiness-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsReadinessView, verdict_list);
  gtk_widget_class_bind_template_child (widget_class, MtsReadinessView, checklist);
  gtk_widget_class_bind_template_child (widget_class, MtsReadinessView, actions_box);
  gtk_widget_class_bind_template_child (widget_class, MtsReadinessView, continue_button);
  gtk_widget_class_bind_template_child (widget_class, MtsReadinessView, enforce_button);
  gtk_widget_class_bind_template_child (widget_class, MtsReadinessView, testing_button);
  gtk_widget_class_bind_template_child (widget_class, MtsReadinessView, remove_button);
  gtk_widget_class_bind_template_child (widget_class, MtsReadinessView, forget_button);

  gtk_widget_class_install_action (widget_class, "readiness.enforce", NULL, enforce_action);
  gtk_widget_class_install_action (widget_class, "readiness.testing", NULL, testing_action);
  gtk_widget_class_install_action (widget_class, "readiness.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "readiness.continue", NULL, continue_action);
  gtk_widget_class_install_action (widget_class, "readiness.forget", NULL, forget_action);
}

static void
mts_readiness_view_init (MtsReadinessView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new ("io.github.mtasts.Wizard");
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  /* GSettings only promises ::changed for keys read through it once. */
  {
    g_autoptr(GSettingsSchema) schema = NULL;
    g_auto(GStrv) keys = NULL;

    g_object_get (self->settings, "settings-schema", &schema, NULL);
    keys = g_settings_schema_list_keys (schema);

    for (guint i = 0; keys[i] != NULL; i++)
      if (g_str_has_prefix (keys[i], "readiness-"))
        g_variant_unref (g_settings_get_value (self->settings, keys[i]));
  }
  update_actions (self);
}

GtkButton *
_mts_readiness_view_get_button (MtsReadinessView *self,
                                const char       *which)
{
  if (g_str_equal (which, "enforce"))
    return self->enforce_button;
  if (g_str_equal (which, "testing"))
    return self->testing_button;
  if (g_str_equal (which, "remove"))
    return self->remove_button;
  if (g_str_equal (which, "forget"))
    return self->forget_button;
  return self->continue_button;
}

GtkListBox *
_mts_readiness_view_get_checklist (MtsReadinessView *self)
{
  return self->checklist;
}

GtkListBox *
_mts_readiness_view_get_verdict (MtsReadinessView *self)
{
  return self->verdict_list;
}
