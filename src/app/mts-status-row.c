/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-status-row.c: a row for one check: a spinner while it runs, then a verdict icon and one line.
 *
 * An expander row, so that a probe's details (chain, names, cipher, each
 * problem and its fix) fold under its one-line verdict.  The row can only be
 * expanded when it has details.  Screen readers get the verdict in the
 * row's name ("mx1.example.com: problems"), not only as an icon.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-status-row.h"

struct _MtsStatusRow
{
  AdwExpanderRow parent_instance;

  GtkSpinner *spinner;
  GtkImage *icon;
  MtsStatus status;
  /* GtkWidget *: the detail rows added. */
  GPtrArray *details;
};

G_DEFINE_FINAL_TYPE (MtsStatusRow, mts_status_row, ADW_TYPE_EXPANDER_ROW)

static const char *
status_word (MtsStatus status)
{
  switch (status)
    {
    case MTS_STATUS_RUNNING:
      return _("checking");
    case MTS_STATUS_OK:
      return _("fine");
    case MTS_STATUS_WARNING:
      return _("works, with advice");
    case MTS_STATUS_ERROR:
      return _("problems");
    case MTS_STATUS_INFO:
      return _("done");
    case MTS_STATUS_PENDING:
    default:
      return _("waiting");
    }
}

static void
update_accessible (MtsStatusRow *self)
{
  g_autofree char *label = g_strdup_printf ("%s: %s",
                                            adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self)),
                                            status_word (self->status));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (self)),
                                  -1);
}

static void
mts_status_row_finalize (GObject *object)
{
  MtsStatusRow *self = MTS_STATUS_ROW (object);

  g_clear_pointer (&self->details, g_ptr_array_unref);

  G_OBJECT_CLASS (mts_status_row_parent_class)->finalize (object);
}

static void
mts_status_row_class_init (MtsStatusRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mts_status_row_finalize;
}

static void
mts_status_row_init (MtsStatusRow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  self->details = g_ptr_array_new ();
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  self->icon = GTK_IMAGE (gtk_image_new ());
  gtk_widget_set_size_request (box, 16, 16);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->spinner));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->icon));
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (self), box);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self), FALSE);
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (self), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "no-details");
  mts_status_row_set_status (self, MTS_STATUS_PENDING, NULL);
}

GtkWidget *
mts_status_row_new (const char *title)
{
  GtkWidget *row = g_object_new (MTS_TYPE_STATUS_ROW, NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  update_accessible (MTS_STATUS_ROW (row));
  return row;
}

/**
 * mts_status_row_set_status:
 * @line: (nullable): the one-line verdict, or %NULL for the default word
 */
void
mts_status_row_set_status (MtsStatusRow *self,
                           MtsStatus     status,
                           const char   *line)
{
  const char *icons[] = {
    [MTS_STATUS_PENDING] = "content-loading-symbolic",
    [MTS_STATUS_RUNNING] = NULL,
    [MTS_STATUS_OK] = "emblem-ok-symbolic",
    [MTS_STATUS_WARNING] = "dialog-warning-symbolic",
    [MTS_STATUS_ERROR] = "dialog-error-symbolic",
    [MTS_STATUS_INFO] = "dialog-information-symbolic",
  };
  const char *classes[] = { "success", "warning", "error", "accent", "dim-label", NULL };
  const char *css = NULL;

  g_return_if_fail (MTS_IS_STATUS_ROW (self));

  self->status = status;
  gtk_spinner_set_spinning (self->spinner, status == MTS_STATUS_RUNNING);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), status == MTS_STATUS_RUNNING);
  gtk_widget_set_visible (GTK_WIDGET (self->icon), status != MTS_STATUS_RUNNING);
  if (icons[status] != NULL)
    gtk_image_set_from_icon_name (self->icon, icons[status]);

  for (guint i = 0; classes[i] != NULL; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->icon), classes[i]);
  switch (status)
    {
    case MTS_STATUS_OK:
      css = "success";
      break;
    case MTS_STATUS_WARNING:
      css = "warning";
      break;
    case MTS_STATUS_ERROR:
      css = "error";
      break;
    case MTS_STATUS_INFO:
      css = "accent";
      break;
    case MTS_STATUS_PENDING:
    case MTS_STATUS_RUNNING:
    default:
      css = "dim-label";
      break;
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->icon), css);

  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), line != NULL ? line : status_word (status));
  update_accessible (self);
}

MtsStatus
mts_status_row_get_status (MtsStatusRow *self)
{
  g_return_val_if_fail (MTS_IS_STATUS_ROW (self), MTS_STATUS_PENDING);

  return self->status;
}

void
mts_status_row_add_detail (MtsStatusRow *self,
                           GtkWidget    *row)
{
  g_return_if_fail (MTS_IS_STATUS_ROW (self));

  g_ptr_array_add (self->details, row);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
  if (self->details->len == 1)
    {
      /* Enabling expansion also expands: the details stay folded until
       * asked for. */
      adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (self), TRUE);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self), "no-details");
    }
}

void
mts_status_row_clear_details (MtsStatusRow *self)
{
  g_return_if_fail (MTS_IS_STATUS_ROW (self));

  for (guint i = 0; i < self->details->len; i++)
    adw_expander_row_remove (ADW_EXPANDER_ROW (self), g_ptr_array_index (self->details, i));
  g_ptr_array_set_size (self->details, 0);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self), FALSE);
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (self), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "no-details");
}
