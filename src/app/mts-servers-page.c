/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-servers-page.c: the Mail servers step: the hosts the policy names, and their coverage.
 *
 * One editable row per "mx:" line of the policy, prefilled from the MX
 * records that Discover found.  What a host or pattern may be, and whether
 * the lines cover every MX host, is the core's decision
 * (mts_mx_pattern_normalize(), mts_mx_coverage_check()); the page shows its
 * messages as they come.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "core/mts-mx-pattern.h"
#include "mts-rows.h"
#include "mts-servers-page.h"
#include "mts-window-private.h"

struct _MtsServersPage
{
  AdwBin parent_instance;

  GtkListBox *patterns_list;
  AdwEntryRow *add_row;
  GtkLabel *message_label;
  GtkListBox *coverage_list;

  MtsWizardModel *model;
  gulong changed_id;
  /* What the rows show, to rebuild them only when the list changed. */
  GStrv shown;
};

G_DEFINE_FINAL_TYPE (MtsServersPage, mts_servers_page, ADW_TYPE_BIN)

static void
show_message (MtsServersPage *self,
              const char     *text)
{
  gtk_label_set_text (self->message_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL);
}

static void
set_row_error (GtkWidget *row,
               gboolean   error)
{
  if (error)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static void
pattern_apply_cb (AdwEntryRow    *row,
                  MtsServersPage *self)
{
  const char *old_pattern = g_object_get_data (G_OBJECT (row), "mts-pattern");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autofree char *pattern = NULL;
  g_autoptr(GError) error = NULL;

  if (text[0] == '\0')
    {
      mts_wizard_model_remove_pattern (self->model, old_pattern);
      return;
    }
  if (!mts_mx_pattern_normalize (text, &pattern, &error))
    {
      set_row_error (GTK_WIDGET (row), TRUE);
      show_message (self, error->message);
      return;
    }
  if (!mts_wizard_model_replace_pattern (self->model, old_pattern, pattern))
    {
      g_autofree char *message = g_strdup_printf (_("The policy already lists %s."), pattern);

      set_row_error (GTK_WIDGET (row), TRUE);
      show_message (self, message);
      return;
    }
  set_row_error (GTK_WIDGET (row), FALSE);
  show_message (self, NULL);
}

static void
pattern_changed_cb (AdwEntryRow    *row,
                    MtsServersPage *self)
{
  set_row_error (GTK_WIDGET (row), FALSE);
}

static void
remove_clicked_cb (GtkButton      *button,
                   MtsServersPage *self)
{
  const char *pattern = g_object_get_data (G_OBJECT (button), "mts-pattern");
  g_autofree char *copy = g_strdup (pattern);
  g_autofree char *message = g_strdup_printf (_("Removed %s from the policy."), copy);

  mts_wizard_model_remove_pattern (self->model, copy);
  show_message (self, NULL);
  _mts_window_toast (GTK_WIDGET (self), message);
  gtk_widget_grab_focus (GTK_WIDGET (self->add_row));
}

static char *
describe_pattern (MtsServersPage *self,
                  const char     *pattern)
{
  int preference = mts_wizard_model_get_dns_preference (self->model, pattern);

  if (mts_mx_pattern_is_wildcard (pattern))
    return g_strdup_printf (_("Pattern: every host directly under %s"), pattern + 2);
  if (preference >= 0)
    return g_strdup_printf (_("MX record, preference %d"), preference);
  if (mts_wizard_model_get_dns_known (self->model))
    return g_strdup (_("Not in your MX records"));
  return g_strdup (_("Host"));
}

static void
rebuild_patterns (MtsServersPage *self)
{
  const char *const *patterns = mts_wizard_model_get_patterns (self->model);

  if (self->shown != NULL && g_strv_equal ((const char *const *) self->shown, patterns))
    {
      /* Descriptions depend on DNS, which may have changed. */
      GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->patterns_list));

      for (guint i = 0; child != NULL && patterns[i] != NULL; child = gtk_widget_get_next_sibling (child), i++)
        {
          g_autofree char *title = describe_pattern (self, patterns[i]);

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (child), title);
        }
      return;
    }

  g_strfreev (self->shown);
  self->shown = g_strdupv ((char **) patterns);
  mts_list_box_remove_all (self->patterns_list);

  for (guint i = 0; patterns[i] != NULL; i++)
    {
      GtkWidget *row = adw_entry_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *title = describe_pattern (self, patterns[i]);
      g_autofree char *remove_label = g_strdup_printf (_("Remove %s"), patterns[i]);
      g_autofree char *row_label = g_strdup_printf (_("Host in the policy: %s"), patterns[i]);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      adw_entry_row_set_input_hints (ADW_ENTRY_ROW (row),
                                     GTK_INPUT_HINT_NO_SPELLCHECK | GTK_INPUT_HINT_LOWERCASE |
                                     GTK_INPUT_HINT_NO_EMOJI);
      gtk_editable_set_text (GTK_EDITABLE (row), patterns[i]);
      g_object_set_data_full (G_OBJECT (row), "mts-pattern", g_strdup (patterns[i]), g_free);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, row_label,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, title,
                                      -1);
      g_signal_connect (row, "apply", G_CALLBACK (pattern_apply_cb), self);
      g_signal_connect (row, "entry-activated", G_CALLBACK (pattern_apply_cb), self);
      g_signal_connect (row, "changed", G_CALLBACK (pattern_changed_cb), self);

      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, remove_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                      -1);
      g_object_set_data_full (G_OBJECT (remove), "mts-pattern", g_strdup (patterns[i]), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), remove);

      gtk_list_box_append (self->patterns_list, row);
    }

  if (patterns[0] == NULL)
    gtk_list_box_append (self->patterns_list,
                         mts_message_row_new ("dialog-information-symbolic", "accent",
                                              _("No hosts yet. Add the host names of your MX records below."),
                                              NULL));
}

static void
rebuild_coverage (MtsServersPage *self)
{
  g_autoptr(GPtrArray) diagnostics = mts_wizard_model_check_coverage (self->model);
  gboolean covered = TRUE;

  mts_list_box_remove_all (self->coverage_list);

  if (!mts_wizard_model_get_dns_known (self->model))
    {
      gtk_list_box_append (self->coverage_list,
                           mts_message_row_new ("dialog-information-symbolic", "accent",
                                                _("Your MX records are not known: the check of what is published did not run or could not reach DNS. The policy names the hosts you enter here; make sure they are all the hosts of your MX records."),
                                                NULL));
      return;
    }

  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (diagnostics, i);

      if (g_str_equal (d->code, "mx-not-covered"))
        covered = FALSE;
      gtk_list_box_append (self->coverage_list, mts_diagnostic_row_new (d, NULL));
    }

  if (covered)
    {
      const char *const *mx = mts_wizard_model_get_dns_mx (self->model);
      guint n = g_strv_length ((char **) mx);
      g_autofree char *text = NULL;

      if (n == 0)
        text = g_strdup (_("Your domain has no MX records, so no host needs to be covered. Mail for it goes to the domain’s own address, if anywhere."));
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "The policy covers your MX host.",
                                             "The policy covers all %u of your MX hosts.", n),
                                n);
      gtk_list_box_prepend (self->coverage_list,
                            mts_message_row_new ("emblem-ok-symbolic", "success", text, NULL));
    }
}

static void
model_changed_cb (MtsServersPage *self)
{
  rebuild_patterns (self);
  rebuild_coverage (self);
}

static void
add_apply_cb (MtsServersPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->add_row));
  g_autofree char *pattern = NULL;
  g_autoptr(GError) error = NULL;

  if (text[0] == '\0' || self->model == NULL)
    return;
  if (!mts_mx_pattern_normalize (text, &pattern, &error))
    {
      set_row_error (GTK_WIDGET (self->add_row), TRUE);
      show_message (self, error->message);
      return;
    }
  if (!mts_wizard_model_add_pattern (self->model, pattern))
    {
      g_autofree char *message = g_strdup_printf (_("The policy already lists %s."), pattern);

      set_row_error (GTK_WIDGET (self->add_row), TRUE);
      show_message (self, message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->add_row), "");
  show_message (self, NULL);
}

static void
add_changed_cb (MtsServersPage *self)
{
  set_row_error (GTK_WIDGET (self->add_row), FALSE);
  show_message (self, NULL);
}

static void
mts_servers_page_dispose (GObject *object)
{
  MtsServersPage *self = MTS_SERVERS_PAGE (object);

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->model);
  g_clear_pointer (&self->shown, g_strfreev);
  gtk_widget_dispose_template (GTK_WIDGET (object), MTS_TYPE_SERVERS_PAGE);

  G_OBJECT_CLASS (mts_servers_page_parent_class)->dispose (object);
}

static void
mts_servers_page_class_init (MtsServersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_servers_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-servers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsServersPage, patterns_list);
  gtk_widget_class_bind_template_child (widget_class, MtsServersPage, add_row);
  gtk_widget_class_bind_template_child (widget_class, MtsServersPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, MtsServersPage, coverage_list);
  gtk_widget_class_bind_template_callback (widget_class, add_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_changed_cb);
}

static void
mts_servers_page_init (MtsServersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->add_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->message_label, NULL,
                                  -1);
}

void
mts_servers_page_set_model (MtsServersPage *self,
                            MtsWizardModel       *model)
{
  g_return_if_fail (MTS_IS_SERVERS_PAGE (self));

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_set_object (&self->model, model);
  g_clear_pointer (&self->shown, g_strfreev);
  show_message (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->add_row), "");
  if (model == NULL)
    {
      mts_list_box_remove_all (self->patterns_list);
      mts_list_box_remove_all (self->coverage_list);
      return;
    }
  self->changed_id = g_signal_connect_swapped (model, "changed", G_CALLBACK (model_changed_cb), self);
  model_changed_cb (self);
}

AdwEntryRow *
_mts_servers_page_get_add_row (MtsServersPage *self)
{
  return self->add_row;
}

GtkListBox *
_mts_servers_page_get_coverage (MtsServersPage *self)
{
  return self->coverage_list;
}

GtkLabel *
_mts_servers_page_get_message (MtsServersPage *self)
{
  return self->message_label;
}
