/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-rows.c: list rows that several pages show: a finding, a status line, a value to copy.
 *
 * A value row copies exactly the string it was made with (what the core
 * generated), never the text as displayed, so what lands on the clipboard
 * is what the DNS panel needs.  The window shows the toast: the row only
 * activates "win.copy" with the value and a description of it.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-rows.h"

const char *
mts_severity_icon_name (MtsSeverity severity)
{
  switch (severity)
    {
    case MTS_SEVERITY_ERROR:
      return "dialog-error-symbolic";
    case MTS_SEVERITY_WARNING:
      return "dialog-warning-symbolic";
    case MTS_SEVERITY_NOTE:
    default:
      return "dialog-information-symbolic";
    }
}

const char *
mts_severity_css_class (MtsSeverity severity)
{
  switch (severity)
    {
    case MTS_SEVERITY_ERROR:
      return "error";
    case MTS_SEVERITY_WARNING:
      return "warning";
    case MTS_SEVERITY_NOTE:
    default:
      return "accent";
    }
}

static const char *
severity_label (MtsSeverity severity)
{
  switch (severity)
    {
    case MTS_SEVERITY_ERROR:
      return _("Error");
    case MTS_SEVERITY_WARNING:
      return _("Warning");
    case MTS_SEVERITY_NOTE:
    default:
      return _("Note");
    }
}

/**
 * mts_message_row_new:
 * @icon_name: a symbolic icon shown before the text
 * @css_class: (nullable): "error", "warning", "success" or "accent" for the icon
 * @title: the text, shown whole (wrapped, never ellipsized)
 * @subtitle: (nullable): a second, dimmer line
 *
 * Returns: (transfer floating): a row that says one thing.
 */
GtkWidget *
mts_message_row_new (const char *icon_name,
                     const char *css_class,
                     const char *title,
                     const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

  /* Messages contain “<”, “&” and host names: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (row, "message-row");
  if (css_class != NULL)
    gtk_widget_add_css_class (icon, css_class);
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

/**
 * mts_diagnostic_row_new:
 * @line_label: (nullable): what the line number counts ("Line", "Address"),
 *   or %NULL to leave it out
 *
 * Returns: (transfer floating): a row with the severity, the message and
 * where the rule comes from.
 */
GtkWidget *
mts_diagnostic_row_new (const MtsDiagnostic *diagnostic,
                        const char          *line_label)
{
  g_autofree char *subtitle = NULL;
  GtkWidget *row;

  if (diagnostic->line > 0 && line_label != NULL && diagnostic->reference != NULL)
    subtitle = g_strdup_printf ("%s · %s %u · %s", severity_label (diagnostic->severity),
                                line_label, diagnostic->line, diagnostic->reference);
  else if (diagnostic->line > 0 && line_label != NULL)
    subtitle = g_strdup_printf ("%s · %s %u", severity_label (diagnostic->severity),
                                line_label, diagnostic->line);
  else if (diagnostic->reference != NULL)
    subtitle = g_strdup_printf ("%s · %s", severity_label (diagnostic->severity),
                                diagnostic->reference);
  else
    subtitle = g_strdup (severity_label (diagnostic->severity));

  row = mts_message_row_new (mts_severity_icon_name (diagnostic->severity),
                             mts_severity_css_class (diagnostic->severity),
                             diagnostic->message, subtitle);
  gtk_widget_set_name (row, diagnostic->code);
  return row;
}

/**
 * mts_copy_row_new:
 * @title: what the value is ("Full name")
 * @value: the exact value
 * @copy_description: what the Copy button copies, for screen readers and
 *   the toast ("full name of the _mta-sts record")
 *
 * Returns: (transfer floating): a row showing @value with a Copy button.
 */
GtkWidget *
mts_copy_row_new (const char *title,
                  const char *value,
                  const char *copy_description)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  g_autofree char *label = g_strdup_printf (_("Copy %s"), copy_description);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  gtk_widget_add_css_class (row, "value-row");
  g_object_set_data_full (G_OBJECT (row), "mts-value", g_strdup (value), g_free);
  g_object_set_data (G_OBJECT (row), "mts-button", button);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.copy");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", value, copy_description);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  return row;
}

const char *
mts_copy_row_get_value (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "mts-value");
}

GtkWidget *
mts_copy_row_get_button (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "mts-button");
}

void
mts_list_box_remove_all (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/**
 * mts_boxed_list_new:
 *
 * Returns: (transfer floating): an empty list in the "boxed-list" style,
 * without selection, named for screen readers.
 */
GtkWidget *
mts_boxed_list_new (const char *accessible_label)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  return list;
}
