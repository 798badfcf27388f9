/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-policy-page.c: the Policy step: mode, max_age, and the file as it will be published.
 *
 * The preview is the core's serialisation of the model, and the findings
 * under it are what the core's parser (the same one `mtasts policy check`
 * uses) says about that exact text, with the max_age advice and the MX
 * coverage: what the user sees is what a sender will see.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-policy-page.h"
#include "mts-rows.h"
#include "mts-window-private.h"

#define SECONDS_PER_DAY 86400u

struct _MtsPolicyPage
{
  AdwBin parent_instance;

  GtkCheckButton *testing_check;
  GtkCheckButton *enforce_check;
  GtkCheckButton *none_check;
  AdwActionRow *max_age_row;
  GtkSpinButton *days_spin;
  GtkLabel *preview_label;
  GtkListBox *findings_list;

  MtsWizardModel *model;
  gulong changed_id;
  /* Set while the page writes its own widgets, so that their signals do
   * not write the values back. */
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (MtsPolicyPage, mts_policy_page, ADW_TYPE_BIN)

static char *
describe_days (guint32 seconds)
{
  guint days = seconds / SECONDS_PER_DAY;

  if (seconds % SECONDS_PER_DAY != 0)
    return g_strdup_printf (_("%u seconds"), seconds);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day", "%u days", days), days);
}

static void
update_max_age_advice (MtsPolicyPage *self)
{
  MtsPolicyMode mode = mts_wizard_model_get_mode (self->model);
  guint32 max_age = mts_wizard_model_get_max_age (self->model);
  guint32 min, max;
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;
  g_autofree char *subtitle = NULL;

  mts_policy_max_age_advice (mode, &min, &max);
  low = describe_days (min);
  high = max == MTS_POLICY_MAX_AGE_MAX ? g_strdup (_("one year")) : describe_days (max);

  switch (mode)
    {
    case MTS_POLICY_MODE_TESTING:
      subtitle = g_strdup_printf (_("Recommended for testing: %s to %s, so a mistake is not remembered for long. Now %u seconds."),
                                  low, high, max_age);
      break;
    case MTS_POLICY_MODE_ENFORCE:
      subtitle = g_strdup_printf (_("Recommended for enforce: %s to %s; longer protects better between visits. Now %u seconds."),
                                  low, high, max_age);
      break;
    case MTS_POLICY_MODE_NONE:
    default:
      subtitle = g_strdup_printf (_("When removing MTA-STS, a short time lets senders forget the policy sooner. Now %u seconds."),
                                  max_age);
      break;
    }
  adw_action_row_set_subtitle (self->max_age_row, subtitle);

  if (max_age < min || max_age > max)
    gtk_widget_add_css_class (GTK_WIDGET (self->days_spin), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->days_spin), "warning");
}

static void
update_preview (MtsPolicyPage *self)
{
  g_autofree char *text = mts_wizard_model_dup_policy_text (self->model);
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);
  g_autofree char *shown = NULL;
  g_autoptr(GPtrArray) diagnostics = mts_wizard_model_check_policy (self->model);
  guint len = g_strv_length (lines);

  /* The file ends with CRLF: the last split element is empty. */
  if (len > 0 && lines[len - 1][0] == '\0')
    {
      g_free (lines[len - 1]);
      lines[len - 1] = NULL;
    }
  shown = g_strjoinv ("\n", lines);
  gtk_label_set_text (self->preview_label, shown);

  mts_list_box_remove_all (self->findings_list);
  for (guint i = 0; i < diagnostics->len; i++)
    gtk_list_box_append (self->findings_list,
                         mts_diagnostic_row_new (g_ptr_array_index (diagnostics, i), _("Line")));
  if (diagnostics->len == 0)
    gtk_list_box_append (self->findings_list,
                         mts_message_row_new ("emblem-ok-symbolic", "success",
                                              _("No problems: senders will accept this policy."),
                                              NULL));
}

static void
model_changed_cb (MtsPolicyPage *self)
{
  MtsPolicyMode mode = mts_wizard_model_get_mode (self->model);
  guint32 max_age = mts_wizard_model_get_max_age (self->model);

  self->updating = TRUE;
  gtk_check_button_set_active (mode == MTS_POLICY_MODE_ENFORCE ? self->enforce_check
                               : mode == MTS_POLICY_MODE_NONE ? self->none_check
                               : self->testing_check, TRUE);
  if ((guint32) gtk_spin_button_get_value_as_int (self->days_spin) * SECONDS_PER_DAY != max_age)
    gtk_spin_button_set_value (self->days_spin, max_age / SECONDS_PER_DAY);
  self->updating = FALSE;

  update_max_age_advice (self);
  update_preview (self);
}

static void
mode_toggled_cb (MtsPolicyPage *self)
{
  MtsPolicyMode mode;

  if (self->updating || self->model == NULL)
    return;

  if (gtk_check_button_get_active (self->enforce_check))
    mode = MTS_POLICY_MODE_ENFORCE;
  else if (gtk_check_button_get_active (self->none_check))
    mode = MTS_POLICY_MODE_NONE;
  else if (gtk_check_button_get_active (self->testing_check))
    mode = MTS_POLICY_MODE_TESTING;
  else
    return;   /* the button being switched off, before its neighbour is on */

  mts_wizard_model_set_mode (self->model, mode);
}

static void
days_changed_cb (MtsPolicyPage *self)
{
  if (self->updating || self->model == NULL)
    return;

  mts_wizard_model_set_max_age (self->model,
                         (guint32) gtk_spin_button_get_value_as_int (self->days_spin) * SECONDS_PER_DAY);
}

static void
mts_policy_page_dispose (GObject *object)
{
  MtsPolicyPage *self = MTS_POLICY_PAGE (object);

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->model);
  gtk_widget_dispose_template (GTK_WIDGET (object), MTS_TYPE_POLICY_PAGE);

  G_OBJECT_CLASS (mts_policy_page_parent_class)->dispose (object);
}

static void
mts_policy_page_class_init (MtsPolicyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_policy_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-policy-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsPolicyPage, testing_check);
  gtk_widget_class_bind_template_child (widget_class, MtsPolicyPage, enforce_check);
  gtk_widget_class_bind_template_child (widget_class, MtsPolicyPage, none_check);
  gtk_widget_class_bind_template_child (widget_class, MtsPolicyPage, max_age_row);
  gtk_widget_class_bind_template_child (widget_class, MtsPolicyPage, days_spin);
  gtk_widget_class_bind_template_child (widget_class, MtsPolicyPage, preview_label);
  gtk_widget_class_bind_template_child (widget_class, MtsPolicyPage, findings_list);
  gtk_widget_class_bind_template_callback (widget_class, mode_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, days_changed_cb);
}

static void
mts_policy_page_init (MtsPolicyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* GTK 4.8 gives the spin button's own − and + buttons no accessible
   * name: say what they do here. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->days_spin)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *icon = GTK_IS_BUTTON (child) ? gtk_button_get_icon_name (GTK_BUTTON (child)) : NULL;

      if (g_strcmp0 (icon, "value-decrease-symbolic") == 0)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("One day less"),
                                        -1);
      else if (g_strcmp0 (icon, "value-increase-symbolic") == 0)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("One day more"),
                                        -1);
    }
}

void
mts_policy_page_set_model (MtsPolicyPage *self,
                           MtsWizardModel      *model)
{
  g_return_if_fail (MTS_IS_POLICY_PAGE (self));

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_set_object (&self->model, model);
  if (model == NULL)
    return;
  self->changed_id = g_signal_connect_swapped (model, "changed", G_CALLBACK (model_changed_cb), self);
  model_changed_cb (self);
}

GtkCheckButton *
_mts_policy_page_get_mode_check (MtsPolicyPage *self,
                                 MtsPolicyMode  mode)
{
  switch (mode)
    {
    case MTS_POLICY_MODE_ENFORCE:
      return self->enforce_check;
    case MTS_POLICY_MODE_NONE:
      return self->none_check;
    case MTS_POLICY_MODE_TESTING:
    default:
      return self->testing_check;
    }
}

GtkSpinButton *
_mts_policy_page_get_days (MtsPolicyPage *self)
{
  return self->days_spin;
}

GtkLabel *
_mts_policy_page_get_preview (MtsPolicyPage *self)
{
  return self->preview_label;
}

GtkListBox *
_mts_policy_page_get_findings (MtsPolicyPage *self)
{
  return self->findings_list;
}
