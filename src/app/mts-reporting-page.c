/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-reporting-page.c: the Reports step: where TLS reports go, and the _smtp._tls record.
 *
 * One entry row per address, checked by the core as it is typed
 * (mts_tlsrpt_uri_check()); the record under the list is the core's
 * mts_tlsrpt_record_generate() of the addresses, updated on every key.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "core/mts-txt-record.h"
#include "mts-reporting-page.h"
#include "mts-rows.h"
#include "mts-window-private.h"

struct _MtsReportingPage
{
  AdwBin parent_instance;

  GtkListBox *rua_list;
  GtkListBox *record_list;

  MtsWizardModel *model;
  gulong changed_id;
  /* AdwEntryRow *, in list order. */
  GPtrArray *rows;
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (MtsReportingPage, mts_reporting_page, ADW_TYPE_BIN)

static void rua_changed_cb (MtsReportingPage *self);

static void
set_row_problem (GtkWidget           *row,
                 const MtsDiagnostic *diagnostic)
{
  GtkLabel *message = g_object_get_data (G_OBJECT (row), "mts-message");

  if (diagnostic != NULL && diagnostic->severity == MTS_SEVERITY_ERROR)
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
  gtk_label_set_text (message, diagnostic != NULL ? diagnostic->message : "");
  gtk_widget_set_visible (GTK_WIDGET (message), diagnostic != NULL);
}

static void
update_record (MtsReportingPage *self)
{
  g_autoptr(GPtrArray) diagnostics = mts_wizard_model_check_rua (self->model);
  g_autofree char *value = mts_wizard_model_dup_tlsrpt_record (self->model);
  guint field = 0;

  /* The model lists the non-empty rows only: map its positions back. */
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
      const MtsDiagnostic *problem = NULL;

      if (text[0] == '\0')
        {
          set_row_problem (row, NULL);
          continue;
        }
      field++;
      for (guint j = 0; j < diagnostics->len; j++)
        {
          const MtsDiagnostic *d = g_ptr_array_index (diagnostics, j);

          if (d->line == field && (problem == NULL || d->severity < problem->severity))
            problem = d;
        }
      set_row_problem (row, problem);
    }

  mts_list_box_remove_all (self->record_list);
  if (value == NULL)
    {
      gtk_list_box_append (self->record_list,
                           mts_message_row_new ("dialog-information-symbolic", "accent",
                                                _("Add at least one address to get the record. Without it, nobody sends you reports, and you cannot tell when enforcing is safe."),
                                                NULL));
      return;
    }

  {
    g_autofree char *name = g_strdup_printf ("_smtp._tls.%s", mts_wizard_model_get_domain (self->model));
    GtkWidget *row = mts_copy_row_new (name, value, _("the value of the _smtp._tls record"));

    gtk_widget_set_name (row, "tlsrpt-value");
    gtk_list_box_append (self->record_list, row);
  }
  if (mts_diagnostics_has_errors (diagnostics))
    gtk_list_box_append (self->record_list,
                         mts_message_row_new ("dialog-error-symbolic", "error",
                                              _("Correct the addresses marked above before you publish this record."),
                                              NULL));
}

static void
collect_rua (MtsReportingPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) rua = NULL;

  for (guint i = 0; i < self->rows->len; i++)
    {
      g_autofree char *text = g_strdup (gtk_editable_get_text (g_ptr_array_index (self->rows, i)));

      g_strstrip (text);
      if (text[0] != '\0')
        g_strv_builder_add (builder, text);
    }
  rua = g_strv_builder_end (builder);

  self->updating = TRUE;
  mts_wizard_model_set_rua (self->model, (const char *const *) rua);
  self->updating = FALSE;
  update_record (self);
}

static void
remove_clicked_cb (GtkButton        *button,
                   MtsReportingPage *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (button), "mts-row");
  GtkWidget *box = g_object_get_data (G_OBJECT (row), "mts-box");

  g_ptr_array_remove (self->rows, row);
  gtk_list_box_remove (self->rua_list, box);
  collect_rua (self);
}

/* Enter in an address goes on, as everywhere else in the wizard. */
static void
rua_activated_cb (MtsReportingPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.next", NULL);
}

static GtkWidget *
add_row (MtsReportingPage *self,
         const char       *text)
{
  GtkWidget *row = adw_entry_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  GtkWidget *message = gtk_label_new (NULL);
  GtkWidget *box = gtk_list_box_row_new ();
  GtkWidget *vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Report address"));
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_URL);
  adw_entry_row_set_input_hints (ADW_ENTRY_ROW (row),
                                 GTK_INPUT_HINT_NO_SPELLCHECK | GTK_INPUT_HINT_NO_EMOJI);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Report address"),
                                  -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, message, NULL,
                                  -1);

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove this address"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove this address"),
                                  -1);
  g_object_set_data (G_OBJECT (remove), "mts-row", row);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), remove);

  /* The message goes under its row, inside the same list item, so that
   * it is read and seen with the address it is about. */
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_widget_set_visible (message, FALSE);
  gtk_widget_set_margin_start (message, 12);
  gtk_widget_set_margin_end (message, 12);
  gtk_widget_set_margin_bottom (message, 8);
  gtk_widget_add_css_class (message, "caption");
  gtk_widget_add_css_class (message, "error");
  g_object_set_data (G_OBJECT (row), "mts-message", message);

  gtk_box_append (GTK_BOX (vbox), row);
  gtk_box_append (GTK_BOX (vbox), message);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (box), vbox);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (box), FALSE);
  gtk_widget_set_focusable (box, FALSE);
  g_object_set_data (G_OBJECT (row), "mts-box", box);
  gtk_list_box_append (self->rua_list, box);
  g_ptr_array_add (self->rows, row);

  g_signal_connect_swapped (row, "changed", G_CALLBACK (rua_changed_cb), self);
  g_signal_connect_swapped (row, "entry-activated", G_CALLBACK (rua_activated_cb), self);
  return row;
}

static void
rua_changed_cb (MtsReportingPage *self)
{
  if (self->updating || self->model == NULL)
    return;
  collect_rua (self);
}

static void
rebuild_rows (MtsReportingPage *self)
{
  const char *const *rua = mts_wizard_model_get_rua (self->model);

  self->updating = TRUE;
  g_ptr_array_set_size (self->rows, 0);
  mts_list_box_remove_all (self->rua_list);
  for (guint i = 0; rua[i] != NULL; i++)
    add_row (self, rua[i]);
  /* An empty row invites the first address. */
  if (rua[0] == NULL)
    add_row (self, "");
  self->updating = FALSE;
}

static void
model_changed_cb (MtsReportingPage *self)
{
  if (self->updating)
    return;
  rebuild_rows (self);
  update_record (self);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  MtsReportingPage *self = MTS_REPORTING_PAGE (widget);
  GtkWidget *row;

  if (self->model == NULL)
    return;
  self->updating = TRUE;
  row = add_row (self, "");
  self->updating = FALSE;
  gtk_widget_grab_focus (row);
}

static void
mts_reporting_page_dispose (GObject *object)
{
  MtsReportingPage *self = MTS_REPORTING_PAGE (object);

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->model);
  gtk_widget_dispose_template (GTK_WIDGET (object), MTS_TYPE_REPORTING_PAGE);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (mts_reporting_page_parent_class)->dispose (object);
}

static void
mts_reporting_page_class_init (MtsReportingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_reporting_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-reporting-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsReportingPage, rua_list);
  gtk_widget_class_bind_template_child (widget_class, MtsReportingPage, record_list);

  gtk_widget_class_install_action (widget_class, "reporting.add", NULL, add_action);
}

static void
mts_reporting_page_init (MtsReportingPage *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
mts_reporting_page_set_model (MtsReportingPage *self,
                              MtsWizardModel         *model)
{
  g_return_if_fail (MTS_IS_REPORTING_PAGE (self));

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_set_object (&self->model, model);
  if (model == NULL)
    {
      g_ptr_array_set_size (self->rows, 0);
      mts_list_box_remove_all (self->rua_list);
      mts_list_box_remove_all (self->record_list);
      return;
    }
  self->changed_id = g_signal_connect_swapped (model, "changed", G_CALLBACK (model_changed_cb), self);
  model_changed_cb (self);
}

GtkEditable *
_mts_reporting_page_get_entry (MtsReportingPage *self,
                               guint             index)
{
  if (index >= self->rows->len)
    return NULL;
  return g_ptr_array_index (self->rows, index);
}

GtkLabel *
_mts_reporting_page_get_row_message (MtsReportingPage *self,
                                     guint             index)
{
  if (index >= self->rows->len)
    return NULL;
  return g_object_get_data (g_ptr_array_index (self->rows, index), "mts-message");
}

GtkListBox *
_mts_reporting_page_get_record (MtsReportingPage *self)
{
  return self->record_list;
}
