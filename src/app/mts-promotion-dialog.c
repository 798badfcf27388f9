/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-promotion-dialog.c: a switch of mode (enforce, back to testing, removal), step by step.
 *
 * The core prepares the switch (mts_promotion_new(): the new policy, the
 * new id, the steps in the order of RFC 8461 §8.1 and §8.3) and tells which
 * steps the last check shows done (mts_promotion_check()).  This dialog
 * shows them, runs the check through the window's Verify publication (same
 * resolver, CA and bookkeeping as the Publish step), and switches the
 * project (mts_promotion_apply()) as soon as a check sees the new policy
 * file served: from then on the new policy is what is published, and the
 * next check must see the new id.  The window saves the project.
 *
 * A switch takes hours to weeks (DNS TTLs; a removal waits out the old
 * max_age), so it is kept in the project file (mts_project_set_pending_switch())
 * from the moment the dialog first opens until it is finished or cancelled:
 * after a restart the Progress step offers Continue, and the dialog goes on
 * at the step where it was.  The prepared promotion (texts, steps) is kept
 * with the open project as object data, and made again from the file when
 * the file's switch is another one (a restart, or another writer's).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-alert.h"
#include "mts-promotion-dialog.h"
#include "mts-rows.h"
#include "mts-window-private.h"

#define PENDING_KEY "mts-pending-promotion"

/* A switch under way, shared by the project (while open) and its dialog. */
typedef struct
{
  MtsPromotion *promotion;
  gboolean applied;
} Pending;

static void
pending_clear (Pending *pending)
{
  g_clear_pointer (&pending->promotion, mts_promotion_free);
}

static Pending *
pending_ref (Pending *pending)
{
  return g_rc_box_acquire (pending);
}

static void
pending_unref (Pending *pending)
{
  g_rc_box_release_full (pending, (GDestroyNotify) pending_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_unref)

/* The switch under way for @project as the file has it, prepared; NULL
 * when none is. */
static Pending *
pending_for (MtsProject *project)
{
  const MtsProjectSwitch *saved = mts_project_get_pending_switch (project);
  Pending *pending = g_object_get_data (G_OBJECT (project), PENDING_KEY);
  MtsPromotion *promotion;

  if (saved == NULL)
    {
      if (pending != NULL)
        g_object_set_data (G_OBJECT (project), PENDING_KEY, NULL);
      return NULL;
    }
  if (pending != NULL && g_str_equal (pending->promotion->id, saved->new_id))
    {
      /* Another writer may have gone further. */
      pending->applied = pending->applied || saved->applied;
      return pending;
    }
  promotion = mts_promotion_new_from_switch (project, NULL, NULL);
  if (promotion == NULL)
    return NULL;
  pending = g_rc_box_new0 (Pending);
  pending->promotion = promotion;
  pending->applied = saved->applied;
  g_object_set_data_full (G_OBJECT (project), PENDING_KEY, pending, (GDestroyNotify) pending_unref);
  return pending;
}

/* Into the project, saved by the window. */
static void
persist (MtsProject *project,
         Pending    *pending,
         MtsWindow  *window)
{
  g_autoptr(MtsProjectSwitch) saved = NULL;

  if (pending != NULL)
    saved = mts_promotion_to_switch (pending->promotion, pending->applied);
  mts_project_set_pending_switch (project, saved);
  if (window != NULL)
    _mts_window_project_changed (GTK_WIDGET (window));
}

struct _MtsPromotionDialog
{
  AdwWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkLabel *intro_label;
  GtkListBox *advice_list;
  GtkListBox *policy_list;
  GtkLabel *policy_label;
  GtkButton *copy_policy_button;
  GtkListBox *record_list;
  GtkListBox *steps_list;
  GtkSpinner *spinner;
  GtkLabel *status_label;
  GtkButton *stop_button;
  GtkButton *cancel_button;

  MtsProject *project;
  Pending *pending;
  MtsWindow *window;        /* weak */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (MtsPromotionDialog, mts_promotion_dialog, ADW_TYPE_WINDOW)

/**
 * mts_promotion_kind_title:
 *
 * Returns: the title of the dialog for @kind.
 */
const char *
mts_promotion_kind_title (MtsPromotionKind kind)
{
  switch (kind)
    {
    case MTS_PROMOTION_ENFORCE:
      return _("Switch to Enforce");
    case MTS_PROMOTION_TESTING:
      return _("Back to Testing");
    case MTS_PROMOTION_REMOVE:
    default:
      return _("Remove MTA-STS");
    }
}

/**
 * mts_promotion_dialog_get_pending:
 *
 * Returns: (nullable): the switch begun for @project and not finished yet.
 */
const MtsPromotion *
mts_promotion_dialog_get_pending (MtsProject *project)
{
  Pending *pending;

  g_return_val_if_fail (MTS_IS_PROJECT (project), NULL);

  pending = pending_for (project);
  return pending != NULL ? pending->promotion : NULL;
}

static gboolean
step_done (const MtsPromotion *promotion,
           const char         *id)
{
  for (guint i = 0; i < promotion->steps->len; i++)
    {
      const MtsPromotionStep *step = g_ptr_array_index (promotion->steps, i);

      if (g_str_equal (step->id, id))
        return step->done;
    }
  return FALSE;
}

static gboolean
is_verify_step (const MtsPromotionStep *step)
{
  return g_str_equal (step->id, "verify-policy") || g_str_equal (step->id, "verify-record") ||
         g_str_equal (step->id, "remove");
}

/* A check for a step makes sense once the steps before it are done, in
 * the order RFC 8461 asks for. */
static gboolean
step_can_verify (const MtsPromotion     *promotion,
                 const MtsPromotionStep *step)
{
  if (g_str_equal (step->id, "verify-policy"))
    return TRUE;
  if (g_str_equal (step->id, "verify-record"))
    return step_done (promotion, "verify-policy");
  if (g_str_equal (step->id, "remove"))
    return step_done (promotion, "verify-record") && step_done (promotion, "wait");
  return FALSE;
}

static void
set_status (MtsPromotionDialog *self,
            const char         *message,
            const char         *css_class)
{
  const char *classes[] = { "success", "warning", "error", NULL };

  for (guint i = 0; classes[i] != NULL; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), classes[i]);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), css_class);
  gtk_label_set_text (self->status_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), message != NULL);
}

static gboolean
verifying (MtsPromotionDialog *self)
{
  return self->cancellable != NULL;
}

static void verify_clicked_cb (MtsPromotionDialog *self);

static void
rebuild_steps (MtsPromotionDialog *self)
{
  const MtsPromotion *promotion = self->pending->promotion;

  mts_list_box_remove_all (self->steps_list);
  for (guint i = 0; i < promotion->steps->len; i++)
    {
      const MtsPromotionStep *step = g_ptr_array_index (promotion->steps, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *mark;
      GtkWidget *state = gtk_label_new (step->done ? _("Done") : _("To do"));
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      /* Translators: for screen readers: "Step 2, done". */
      g_autofree char *described = g_strdup_printf (_("Step %u, %s"), i + 1,
                                                    step->done ? _("done") : _("to do"));

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), step->title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), step->detail);
      gtk_widget_set_name (row, step->id);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, described,
                                      -1);
      if (step->done)
        {
          mark = gtk_image_new_from_icon_name ("emblem-ok-symbolic");
          gtk_widget_add_css_class (mark, "success");
          /* As wide as the numbers, so that the titles line up. */
          gtk_widget_set_size_request (mark, 24, -1);
        }
      else
        {
          mark = gtk_label_new (number);
          gtk_widget_add_css_class (mark, "step-number");
          gtk_widget_add_css_class (mark, "numeric");
        }
      gtk_widget_set_valign (mark, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), mark);

      gtk_widget_add_css_class (state, "caption");
      gtk_widget_add_css_class (state, step->done ? "success" : "dim-label");
      gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);

      if (is_verify_step (step))
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Verify"));
          /* Translators: "Verify: Check that the new policy file is served". */
          g_autofree char *label = g_strdup_printf (_("Verify: %s"), step->title);

          gtk_widget_set_name (button, "verify");
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (button, _("Look up what is published now"));
          gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                          -1);
          gtk_widget_set_sensitive (button, !verifying (self) && step_can_verify (promotion, step));
          if (!step->done && step_can_verify (promotion, step))
            gtk_widget_add_css_class (button, "suggested-action");
          g_signal_connect_object (button, "clicked", G_CALLBACK (verify_clicked_cb), self,
                                   G_CONNECT_SWAPPED);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      gtk_list_box_append (self->steps_list, row);
    }
}

static char *
display_policy (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);
  guint len = g_strv_length (lines);

  if (len > 0 && lines[len - 1][0] == '\0')
    {
      g_free (lines[len - 1]);
      lines[len - 1] = NULL;
    }
  return g_strjoinv ("\n", lines);
}

static void
fill (MtsPromotionDialog *self)
{
  const MtsPromotion *promotion = self->pending->promotion;
  g_autofree char *url = g_strdup_printf ("https://mta-sts.%s/.well-known/mta-sts.txt", promotion->domain);
  g_autofree char *fqdn = g_strdup_printf ("_mta-sts.%s.", promotion->domain);
  g_autofree char *shown = display_policy (promotion->policy_text);
  const char *intro;
  GtkWidget *row;

  gtk_window_set_title (GTK_WINDOW (self), mts_promotion_kind_title (promotion->kind));
  adw_window_title_set_title (self->window_title, mts_promotion_kind_title (promotion->kind));
  adw_window_title_set_subtitle (self->window_title, mts_project_get_display_name (self->project));

  switch (promotion->kind)
    {
    case MTS_PROMOTION_ENFORCE:
      intro = _("Under enforce, senders that support MTA-STS refuse to deliver mail over a connection that is not encrypted with a valid certificate. Publish the new policy file first and check it; only then publish the new id, because senders fetch the file again when they see a new id (RFC 8461 §8.1).");
      break;
    case MTS_PROMOTION_TESTING:
      intro = _("Back in testing, senders deliver even when the checks fail, and only report the failures. Publish the new policy file first and check it; then publish the new id, so that senders fetch the file again (RFC 8461 §8.1).");
      break;
    case MTS_PROMOTION_REMOVE:
    default:
      intro = _("Deleting the records at once would leave senders enforcing the policy they cached, with no way to update it. Publish a policy in mode none with a new id first, wait until every cached policy has expired, then delete the records and the policy host (RFC 8461 §8.3).");
      break;
    }
  gtk_label_set_text (self->intro_label, intro);

  mts_list_box_remove_all (self->advice_list);
  gtk_list_box_append (self->advice_list,
                       mts_message_row_new ("dialog-information-symbolic", "accent", promotion->advice, NULL));

  mts_list_box_remove_all (self->policy_list);
  row = mts_copy_row_new (_("Address"), url, _("the address of the policy file"));
  gtk_widget_set_name (row, "url");
  gtk_list_box_append (self->policy_list, row);
  gtk_label_set_text (self->policy_label, shown);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->copy_policy_button), "(ss)",
                                    promotion->policy_text, _("the new policy file"));

  mts_list_box_remove_all (self->record_list);
  row = mts_copy_row_new (_("Name (in your zone)"), "_mta-sts", _("the name of the _mta-sts record"));
  gtk_widget_set_name (row, "name");
  gtk_list_box_append (self->record_list, row);
  row = mts_copy_row_new (_("Full name"), fqdn, _("the full name of the _mta-sts record"));
  gtk_widget_set_name (row, "fqdn");
  gtk_list_box_append (self->record_list, row);
  row = mts_copy_row_new (_("Type"), "TXT", _("the type of the _mta-sts record"));
  gtk_widget_set_name (row, "type");
  gtk_list_box_append (self->record_list, row);
  row = mts_copy_row_new (_("Value"), promotion->record, _("the new value of the _mta-sts record"));
  gtk_widget_set_name (row, "value");
  gtk_list_box_append (self->record_list, row);
  if (promotion->previous_id != NULL)
    {
      /* Translators: the id now published, which the new one replaces. */
      g_autofree char *replaces = g_strdup_printf (_("Replaces the id %s"), promotion->previous_id);

      gtk_list_box_append (self->record_list,
                           mts_message_row_new ("dialog-information-symbolic", "accent", replaces, NULL));
    }

  rebuild_steps (self);
}

/* What the last check means for the switch: the steps it shows done, and
 * the switch of the project as soon as the new policy file is served. */
static void
update (MtsPromotionDialog *self,
        gboolean            after_check)
{
  MtsPromotion *promotion = self->pending->promotion;
  gboolean was_applied = self->pending->applied;

  mts_promotion_check (promotion, self->project, NULL);
  if (after_check && !self->pending->applied && step_done (promotion, "verify-policy"))
    {
      self->pending->applied = TRUE;
      if (self->window != NULL)
        _mts_window_apply_promotion (self->window, promotion);
      else
        mts_promotion_apply (promotion, self->project, NULL);
      /* The project's published dates were cleared: a second look at the
       * same check counts the steps again. */
      mts_promotion_check (promotion, self->project, NULL);
    }
  /* The check saw the new id: whichever check it was, it counts as
   * published (Verify publication marks it so too). */
  if (self->pending->applied && step_done (promotion, "verify-record"))
    mts_project_mark_id_published (self->project, promotion->id, NULL);
  rebuild_steps (self);

  if (mts_promotion_is_done (promotion))
    {
      const char *done;

      switch (promotion->kind)
        {
        case MTS_PROMOTION_ENFORCE:
          done = _("Done: the enforce policy and its id are published. Keep an eye on the reports, and raise max_age when they stay clean.");
          break;
        case MTS_PROMOTION_TESTING:
          done = _("Done: the testing policy and its id are published.");
          break;
        case MTS_PROMOTION_REMOVE:
        default:
          done = _("Done: MTA-STS is removed. You can delete the policy host’s web server and certificate too.");
          break;
        }
      set_status (self, done, "success");
      gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
      /* Finished: nothing is left to come back to, and a removed domain
       * is in its final state. */
      if (g_object_get_data (G_OBJECT (self->project), PENDING_KEY) == self->pending)
        {
          Pending *keep = pending_ref (self->pending);

          g_object_set_data (G_OBJECT (self->project), PENDING_KEY, NULL);
          mts_promotion_finish (keep->promotion, self->project, NULL);
          persist (self->project, NULL, self->window);
          pending_unref (keep);
        }
      return;
    }
  if (after_check && g_object_get_data (G_OBJECT (self->project), PENDING_KEY) == self->pending)
    persist (self->project, self->pending, self->window);
  if (!after_check)
    return;
  else if (self->pending->applied && !was_applied)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("The new policy file is served, and the project now uses it. Next, publish the new id: %s"),
                                 promotion->record);
      set_status (self, message, "success");
    }
  else if (!step_done (promotion, "verify-policy"))
    {
      g_autofree char *message = NULL;

      if (promotion->check_problem != NULL)
        /* Translators: %s lists what differs: "mode testing, not enforce; mx lines missing: mx2.example.com". */
        message = g_strdup_printf (_("The policy file is not the new one yet. The check saw %s. Publish the new file, then check again; a web cache can take a few minutes."),
                                   promotion->check_problem);
      else
        message = g_strdup_printf (_("The policy file is not the new one yet: the check did not see mode %s with max_age %u. Publish it, then check again; a web cache can take a few minutes."),
                                   mts_policy_mode_to_string (promotion->policy->mode),
                                   promotion->policy->max_age);
      set_status (self, message, "warning");
    }
  else if (!step_done (promotion, "verify-record"))
    {
      g_autofree char *message = g_strdup_printf (_("The _mta-sts record does not show the new id %s yet. DNS changes can take up to the record’s TTL to be seen: check again later."),
                                                  promotion->id);

      set_status (self, message, "warning");
    }
  else if (!step_done (promotion, "wait") && promotion->wait_until != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (promotion->wait_until);
      /* Translators: a date and time; see g_date_time_format(). */
      g_autofree char *until = g_date_time_format (local, _("%-d %B %Y, %H:%M"));
      g_autofree char *message = g_strdup_printf (_("Mode none and the new id are published. Wait until %s before you delete anything."),
                                                  until);

      set_status (self, message, "success");
    }
  else
    set_status (self, _("The _mta-sts record or the policy file is still published. Delete both, then check again."), "warning");
}

static void
end_verify (MtsPromotionDialog *self)
{
  g_clear_object (&self->cancellable);
  gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "promotion.stop", FALSE);
}

static void
verify_done_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(MtsPromotionDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!_mts_window_verify_finish (MTS_WINDOW (source), res, &error))
    {
      if (self->project == NULL)
        return;
      end_verify (self);
      rebuild_steps (self);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, _("Check stopped."), NULL);
      else
        set_status (self, error->message, "error");
      return;
    }
  if (self->project == NULL)
    return;
  end_verify (self);
  update (self, TRUE);
}

static void
verify_clicked_cb (MtsPromotionDialog *self)
{
  if (self->window == NULL || verifying (self))
    return;
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_start (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "promotion.stop", TRUE);
  set_status (self, _("Looking up what is published…"), NULL);
  rebuild_steps (self);
  _mts_window_verify_async (self->window, self->cancellable, verify_done_cb, g_object_ref (self));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MtsPromotionDialog *self = MTS_PROMOTION_DIALOG (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static gboolean
destroy_idle (gpointer data)
{
  gtk_window_destroy (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
cancel_switch (MtsPromotionDialog *self)
{
  if (g_object_get_data (G_OBJECT (self->project), PENDING_KEY) == self->pending)
    {
      g_object_set_data (G_OBJECT (self->project), PENDING_KEY, NULL);
      persist (self->project, NULL, self->window);
    }
  /* Not while the confirmation, which this window holds, is answering. */
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, destroy_idle, g_object_ref (self), g_object_unref);
}

static void
cancel_response_cb (GObject    *instance,
                    const char *response)
{
  if (g_str_equal (response, "cancel-switch"))
    cancel_switch (MTS_PROMOTION_DIALOG (instance));
}

/* Forgetting a switch before anything changed is harmless; once the
 * project uses the new policy, the user is told what stays as it is. */
static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MtsPromotionDialog *self = MTS_PROMOTION_DIALOG (widget);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (!self->pending->applied)
    {
      cancel_switch (self);
      return;
    }
  body = g_strdup_printf (_("The project already uses the new policy (mode %s, id %s), "
                            "and it stays so. Only the remaining steps are forgotten: "
                            "publish and check the id yourself from the Publish step."),
                          mts_policy_mode_to_string (self->pending->promotion->policy->mode),
                          self->pending->promotion->id);
  dialog = mts_alert_new (_("Cancel the Switch?"), body);
  /* Translators: keeps the switch under way. */
  mts_alert_add_response (dialog, "keep", _("_Keep Switch"), FALSE);
  mts_alert_add_response (dialog, "cancel-switch", _("_Cancel Switch"), TRUE);
  mts_alert_set_default_response (dialog, "keep");
  mts_alert_set_close_response (dialog, "keep");
  mts_alert_present (dialog, GTK_WIDGET (self), cancel_response_cb, self);
}

/* The copy rows and the Copy button activate "win.copy", as on the
 * Publish step; here the toast shows in this window. */
static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MtsPromotionDialog *self = MTS_PROMOTION_DIALOG (widget);
  const char *value, *what;
  g_autofree char *message = NULL;
  AdwToast *toast;

  g_variant_get (parameter, "(&s&s)", &value, &what);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), value);
  /* Translators: "Copied the new policy file". */
  message = g_strdup_printf (_("Copied %s"), what);
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 3);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static gboolean
mts_promotion_dialog_close_request (GtkWindow *window)
{
  MtsPromotionDialog *self = MTS_PROMOTION_DIALOG (window);

  /* The switch stays with the project; only the check stops. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (mts_promotion_dialog_parent_class)->close_request (window);
}

static void
mts_promotion_dialog_dispose (GObject *object)
{
  MtsPromotionDialog *self = MTS_PROMOTION_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_weak_pointer (&self->window);
  g_clear_pointer (&self->pending, pending_unref);
  g_clear_object (&self->project);
  gtk_widget_dispose_template (GTK_WIDGET (self), MTS_TYPE_PROMOTION_DIALOG);

  G_OBJECT_CLASS (mts_promotion_dialog_parent_class)->dispose (object);
}

static void
mts_promotion_dialog_class_init (MtsPromotionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mts_promotion_dialog_dispose;
  window_class->close_request = mts_promotion_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-promotion-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsPromotionDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MtsPromotionDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, MtsPromotionDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, MtsPromotionDialog, advice_list);
  gtk_widget_class_bind_template_child (widget_class, MtsPromotionDialog, policy_list);
  gtk_widget_class_bind_template_child (widget_class, MtsPromotionDialog, policy_label);
  gtk_widget_class_bind_template_child (widget_class, MtsPromotionDialog, copy_policy_button);
  gtk_widget_class_bind_template_child (widget_class, MtsPromotionDialog, record_list);
  gtk_widget_class_bind_template_child (widget_class, MtsPromotionDialog, steps_list);
  gtk_widget_class_bind_template_child (widget_class, MtsPromotionDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, MtsPromotionDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, MtsPromotionDialog, stop_button);
  gtk_widget_class_bind_template_child (widget_class, MtsPromotionDialog, cancel_button);

  gtk_widget_class_install_action (widget_class, "win.copy", "(ss)", copy_action);
  gtk_widget_class_install_action (widget_class, "promotion.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "promotion.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mts_promotion_dialog_init (MtsPromotionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Target first: the action is this window's own, found at once. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->copy_policy_button), "(ss)", "", "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->copy_policy_button), "win.copy");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "promotion.stop", FALSE);
}

/**
 * mts_promotion_dialog_new:
 * @parent: the wizard's window
 *
 * Opens the switch of @kind for @project: the one begun before (also in an
 * earlier run: it is kept in the project file), if it is of the same kind,
 * or a new one, which is saved with the project at once.
 *
 * Returns: (transfer none): the dialog (GTK keeps its windows), or %NULL
 *   when the switch cannot be prepared (no mail servers for the policy)
 */
MtsPromotionDialog *
mts_promotion_dialog_new (GtkWindow         *parent,
                          MtsProject        *project,
                          MtsPromotionKind   kind,
                          GError           **error)
{
  MtsPromotionDialog *self;
  Pending *pending;

  g_return_val_if_fail (MTS_IS_PROJECT (project), NULL);

  pending = pending_for (project);
  if (pending == NULL || pending->promotion->kind != kind)
    {
      MtsPromotion *promotion = mts_promotion_new (project, kind, NULL, error);

      if (promotion == NULL)
        return NULL;
      pending = g_rc_box_new0 (Pending);
      pending->promotion = promotion;
      g_object_set_data_full (G_OBJECT (project), PENDING_KEY, pending, (GDestroyNotify) pending_unref);
      persist (project, pending, MTS_IS_WINDOW (parent) ? MTS_WINDOW (parent) : NULL);
    }

  self = g_object_new (MTS_TYPE_PROMOTION_DIALOG, "transient-for", parent, NULL);
  self->project = g_object_ref (project);
  self->pending = pending_ref (pending);
  if (MTS_IS_WINDOW (parent))
    g_set_weak_pointer (&self->window, MTS_WINDOW (parent));
  fill (self);
  /* Coming back: what the checks since then have seen. */
  update (self, FALSE);
  return self;
}

const MtsPromotion *
_mts_promotion_dialog_get_promotion (MtsPromotionDialog *self)
{
  return self->pending->promotion;
}

/* What a finished check does, without the network: the test sets the
 * project's last check itself. */
void
_mts_promotion_dialog_update (MtsPromotionDialog *self)
{
  update (self, TRUE);
}

gboolean
_mts_promotion_dialog_is_applied (MtsPromotionDialog *self)
{
  return self->pending->applied;
}

GtkLabel *
_mts_promotion_dialog_get_policy_label (MtsPromotionDialog *self)
{
  return self->policy_label;
}

GtkListBox *
_mts_promotion_dialog_get_steps (MtsPromotionDialog *self)
{
  return self->steps_list;
}

GtkListBox *
_mts_promotion_dialog_get_record (MtsPromotionDialog *self)
{
  return self->record_list;
}

GtkLabel *
_mts_promotion_dialog_get_status (MtsPromotionDialog *self)
{
  return self->status_label;
}
