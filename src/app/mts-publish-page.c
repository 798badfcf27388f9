/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-publish-page.c: the Publish step: the policy file and the two records, to copy or export.
 *
 * Every value here is the core's: the records come from
 * mts_setup_get_records() and the files from mts_export(), the same
 * functions `mtasts generate` prints with, so the page, the exports and the
 * command line never disagree.  Verify publication compares what the
 * domain audit found with these values through the core's parsers, so a
 * record written with other spacing still counts as the same record.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "core/mts-txt-record.h"
#include "mts-file-chooser.h"
#include "mts-publish-page.h"
#include "mts-rows.h"
#include "mts-window-private.h"

struct _MtsPublishPage
{
  AdwBin parent_instance;

  GtkLabel *verify_label;
  GtkLabel *policy_status;
  GtkListBox *policy_list;
  GtkLabel *policy_label;
  GtkButton *copy_policy_button;
  GtkListBox *hosting_list;
  GtkLabel *sts_status;
  GtkListBox *sts_list;
  GtkLabel *tlsrpt_status;
  GtkListBox *tlsrpt_list;

  MtsWizardModel *model;
  gulong changed_id;
  char *policy_text;
  MtsPublication publication[MTS_N_PUBLISHED];
  GCancellable *chooser;   /* set while a file dialog is open */
};

G_DEFINE_FINAL_TYPE (MtsPublishPage, mts_publish_page, ADW_TYPE_BIN)

typedef struct
{
  MtsExportFormat format;
  const char *title;
  const char *subtitle;
} Snippet;

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

static GtkWidget *
snippet_row_new (const MtsSetup *setup,
                 const Snippet  *snippet)
{
  g_autofree char *text = mts_export (setup, snippet->format);
  g_autofree char *copy_label = g_strdup_printf (_("the %s configuration"), _(snippet->title));
  GtkWidget *expander = adw_expander_row_new ();
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *copy = gtk_button_new_with_mnemonic (_("_Copy"));
  g_autofree char *accessible = g_strdup_printf (_("Copy %s"), copy_label);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), _(snippet->title));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), _(snippet->subtitle));
  gtk_widget_set_name (expander, mts_export_format_to_string (snippet->format));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "snippet");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(snippet->title),
                                  -1);

  gtk_widget_set_halign (copy, GTK_ALIGN_END);
  gtk_accessible_update_property (GTK_ACCESSIBLE (copy),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "win.copy");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (copy), "(ss)", text, copy_label);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), copy);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
  return expander;
}

static void
fill_record (GtkListBox         *list,
             const MtsDnsRecord *record,
             const char         *what)
{
  g_autofree char *ttl = g_strdup_printf ("%u", record->ttl);
  g_autofree char *fqdn = g_strdup_printf ("%s.", record->fqdn);
  g_autofree char *d_name = g_strdup_printf (_("the name of the %s record"), what);
  g_autofree char *d_fqdn = g_strdup_printf (_("the full name of the %s record"), what);
  g_autofree char *d_type = g_strdup_printf (_("the type of the %s record"), what);
  g_autofree char *d_value = g_strdup_printf (_("the value of the %s record"), what);
  g_autofree char *d_ttl = g_strdup_printf (_("the TTL of the %s record"), what);
  GtkWidget *row;

  row = mts_copy_row_new (_("Name (in your zone)"), record->name, d_name);
  gtk_widget_set_name (row, "name");
  gtk_list_box_append (list, row);
  row = mts_copy_row_new (_("Full name"), fqdn, d_fqdn);
  gtk_widget_set_name (row, "fqdn");
  gtk_list_box_append (list, row);
  row = mts_copy_row_new (_("Type"), record->type, d_type);
  gtk_widget_set_name (row, "type");
  gtk_list_box_append (list, row);
  row = mts_copy_row_new (_("Value"), record->value, d_value);
  gtk_widget_set_name (row, "value");
  gtk_list_box_append (list, row);
  row = mts_copy_row_new (_("TTL (seconds)"), ttl, d_ttl);
  gtk_widget_set_name (row, "ttl");
  gtk_list_box_append (list, row);
}

static void
rebuild (MtsPublishPage *self)
{
  static const Snippet snippets[] = {
    { MTS_EXPORT_NGINX, N_("nginx"), N_("A server block for the policy host") },
    { MTS_EXPORT_APACHE, N_("Apache httpd"), N_("A virtual host for the policy host") },
    { MTS_EXPORT_CADDY, N_("Caddy"), N_("A site block; Caddy gets the certificate itself") },
    { MTS_EXPORT_STATIC, N_("Static hosting"), N_("GitHub Pages, Netlify, Cloudflare Pages and similar") },
  };
  g_autoptr(MtsSetup) setup = mts_wizard_model_build_setup (self->model);
  g_autoptr(GPtrArray) records = mts_setup_get_records (setup);
  g_autofree char *url = mts_setup_get_policy_url (setup);
  g_autofree char *host = mts_setup_get_policy_host (setup);
  g_autofree char *shown = NULL;
  g_autofree char *reminder = NULL;
  const MtsDnsRecord *tlsrpt = NULL;
  GtkWidget *row;

  g_free (self->policy_text);
  self->policy_text = mts_export (setup, MTS_EXPORT_POLICY);
  shown = display_policy (self->policy_text);
  gtk_label_set_text (self->policy_label, shown);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->copy_policy_button), "(ss)",
                                    self->policy_text, _("the policy file"));

  mts_list_box_remove_all (self->policy_list);
  row = mts_copy_row_new (_("Address"), url, _("the address of the policy file"));
  gtk_widget_set_name (row, "url");
  gtk_list_box_append (self->policy_list, row);
  reminder = g_strdup_printf (_("%s needs its own DNS record: an A or AAAA record with your web server’s address, or a CNAME to its name. The web server needs a certificate valid for %s."),
                              host, host);
  gtk_list_box_append (self->policy_list,
                       mts_message_row_new ("dialog-information-symbolic", "accent", reminder, NULL));

  mts_list_box_remove_all (self->hosting_list);
  for (guint i = 0; i < G_N_ELEMENTS (snippets); i++)
    gtk_list_box_append (self->hosting_list, snippet_row_new (setup, &snippets[i]));

  mts_list_box_remove_all (self->sts_list);
  mts_list_box_remove_all (self->tlsrpt_list);
  for (guint i = 0; i < records->len; i++)
    {
      const MtsDnsRecord *record = g_ptr_array_index (records, i);

      if (g_str_equal (record->name, "_mta-sts"))
        fill_record (self->sts_list, record, "_mta-sts");
      else if (g_str_equal (record->name, "_smtp._tls"))
        tlsrpt = record;
    }
  if (tlsrpt != NULL)
    fill_record (self->tlsrpt_list, tlsrpt, "_smtp._tls");
  else
    gtk_list_box_append (self->tlsrpt_list,
                         mts_message_row_new ("dialog-information-symbolic", "accent",
                                              _("You gave no report address on the Reports step, so there is no record to publish. Without it you get no reports."),
                                              NULL));
}

static void
set_status (GtkLabel       *label,
            MtsPublication  publication)
{
  const char *classes[] = { "success", "warning", "error", NULL };

  for (guint i = 0; classes[i] != NULL; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (label), classes[i]);

  switch (publication)
    {
    case MTS_PUBLICATION_MATCHING:
      gtk_label_set_text (label, _("Published"));
      gtk_widget_add_css_class (GTK_WIDGET (label), "success");
      break;
    case MTS_PUBLICATION_DIFFERENT:
      gtk_label_set_text (label, _("Different"));
      gtk_widget_add_css_class (GTK_WIDGET (label), "warning");
      break;
    case MTS_PUBLICATION_MISSING:
      gtk_label_set_text (label, _("Missing"));
      gtk_widget_add_css_class (GTK_WIDGET (label), "error");
      break;
    case MTS_PUBLICATION_UNKNOWN:
    default:
      break;
    }
  gtk_widget_set_visible (GTK_WIDGET (label), publication != MTS_PUBLICATION_UNKNOWN);
}

static void
clear_verification (MtsPublishPage *self)
{
  for (guint i = 0; i < MTS_N_PUBLISHED; i++)
    self->publication[i] = MTS_PUBLICATION_UNKNOWN;
  set_status (self->policy_status, MTS_PUBLICATION_UNKNOWN);
  set_status (self->sts_status, MTS_PUBLICATION_UNKNOWN);
  set_status (self->tlsrpt_status, MTS_PUBLICATION_UNKNOWN);
  gtk_widget_set_visible (GTK_WIDGET (self->verify_label), FALSE);
}

static void
model_changed_cb (MtsPublishPage *self)
{
  /* A verification was of the old values. */
  clear_verification (self);
  rebuild (self);
}

static MtsPublication
compare_record (MtsTxtKind         kind,
                const char        *ours,
                const char *const *published,
                const MtsTxtRecord *valid)
{
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsTxtRecord) expected = NULL;

  if (published == NULL || published[0] == NULL)
    return MTS_PUBLICATION_MISSING;
  if (ours == NULL || valid == NULL)
    return MTS_PUBLICATION_DIFFERENT;
  expected = mts_txt_record_parse (kind, ours, diagnostics);
  if (expected != NULL && mts_txt_record_equal (expected, valid))
    return MTS_PUBLICATION_MATCHING;
  return MTS_PUBLICATION_DIFFERENT;
}

static void
add_published_row (GtkListBox *list,
                   const char *text)
{
  GtkWidget *row = mts_message_row_new ("dialog-warning-symbolic", "warning",
                                        _("Published now, and different from the value above:"),
                                        text);

  gtk_widget_set_name (row, "published-value");
  /* The published text in the same monospace as the values to copy. */
  gtk_widget_add_css_class (row, "value-row");
  gtk_list_box_append (list, row);
}

/**
 * mts_publish_page_set_audit:
 * @result: what the domain audit found
 *
 * Marks each card published-and-matching, published-but-different (and
 * shows what is published), or missing.
 */
void
mts_publish_page_set_audit (MtsPublishPage       *self,
                            const MtsAuditResult *result)
{
  g_autofree char *sts = NULL;
  g_autofree char *tlsrpt = NULL;
  g_autoptr(MtsPolicy) ours = NULL;
  MtsPublication policy = MTS_PUBLICATION_MISSING;

  g_return_if_fail (MTS_IS_PUBLISH_PAGE (self));
  g_return_if_fail (result != NULL);

  rebuild (self);
  ours = mts_wizard_model_build_policy (self->model);
  sts = mts_wizard_model_dup_sts_record (self->model);
  tlsrpt = mts_wizard_model_dup_tlsrpt_record (self->model);

  if (result->policy != NULL && mts_policy_fetch_result_is_valid (result->policy) &&
      result->policy->policy != NULL)
    policy = mts_policy_equal (result->policy->policy, ours) ? MTS_PUBLICATION_MATCHING
                                                              : MTS_PUBLICATION_DIFFERENT;
  self->publication[MTS_PUBLISHED_POLICY] = policy;
  if (policy == MTS_PUBLICATION_DIFFERENT && result->policy->text != NULL)
    {
      g_autofree char *text = display_policy (result->policy->text);

      add_published_row (self->policy_list, text);
    }

  self->publication[MTS_PUBLISHED_STS_RECORD] =
    compare_record (MTS_TXT_KIND_STS, sts, (const char *const *) result->sts_records,
                    result->sts_record);
  if (self->publication[MTS_PUBLISHED_STS_RECORD] == MTS_PUBLICATION_DIFFERENT)
    {
      g_autofree char *text = g_strjoinv ("\n", result->sts_records);

      add_published_row (self->sts_list, text);
    }

  self->publication[MTS_PUBLISHED_TLSRPT_RECORD] =
    compare_record (MTS_TXT_KIND_TLSRPT, tlsrpt, (const char *const *) result->tlsrpt_records,
                    result->tlsrpt_record);
  if (self->publication[MTS_PUBLISHED_TLSRPT_RECORD] == MTS_PUBLICATION_DIFFERENT)
    {
      g_autofree char *text = g_strjoinv ("\n", result->tlsrpt_records);

      add_published_row (self->tlsrpt_list, text);
    }

  set_status (self->policy_status, self->publication[MTS_PUBLISHED_POLICY]);
  set_status (self->sts_status, self->publication[MTS_PUBLISHED_STS_RECORD]);
  set_status (self->tlsrpt_status, self->publication[MTS_PUBLISHED_TLSRPT_RECORD]);

  if (self->publication[MTS_PUBLISHED_POLICY] == MTS_PUBLICATION_MATCHING &&
      self->publication[MTS_PUBLISHED_STS_RECORD] == MTS_PUBLICATION_MATCHING &&
      (tlsrpt == NULL || self->publication[MTS_PUBLISHED_TLSRPT_RECORD] == MTS_PUBLICATION_MATCHING))
    mts_publish_page_set_verify_message (self, _("Everything is published as shown. Senders that support MTA-STS now use your policy."),
                                         FALSE);
  else
    {
      g_autoptr(GString) message = g_string_new (_("Not everything is published as shown yet:"));
      const char *names[MTS_N_PUBLISHED] = {
        [MTS_PUBLISHED_POLICY] = _("the policy file"),
        [MTS_PUBLISHED_STS_RECORD] = _("the _mta-sts record"),
        [MTS_PUBLISHED_TLSRPT_RECORD] = _("the _smtp._tls record"),
      };

      for (guint i = 0; i < MTS_N_PUBLISHED; i++)
        {
          if (i == MTS_PUBLISHED_TLSRPT_RECORD && tlsrpt == NULL)
            continue;
          g_string_append (message, "\n• ");
          switch (self->publication[i])
            {
            case MTS_PUBLICATION_MATCHING:
              /* Translators: "• the policy file: published as shown". */
              g_string_append_printf (message, _("%s: published as shown"), names[i]);
              break;
            case MTS_PUBLICATION_DIFFERENT:
              g_string_append_printf (message, _("%s: published, but different (both are shown below)"), names[i]);
              break;
            case MTS_PUBLICATION_MISSING:
            case MTS_PUBLICATION_UNKNOWN:
            default:
              g_string_append_printf (message, _("%s: missing"), names[i]);
              break;
            }
        }
      g_string_append_c (message, '\n');
      g_string_append (message, _("DNS changes can take up to the record’s TTL to be seen everywhere: check again later."));
      mts_publish_page_set_verify_message (self, message->str, TRUE);
    }
}

MtsPublication
mts_publish_page_get_publication (MtsPublishPage *self,
                                  MtsPublished    what)
{
  g_return_val_if_fail (MTS_IS_PUBLISH_PAGE (self), MTS_PUBLICATION_UNKNOWN);
  g_return_val_if_fail (what < MTS_N_PUBLISHED, MTS_PUBLICATION_UNKNOWN);

  return self->publication[what];
}

/**
 * mts_publish_page_set_verify_message:
 * @message: (nullable): what the verification found, or %NULL to hide it
 */
void
mts_publish_page_set_verify_message (MtsPublishPage *self,
                                     const char     *message,
                                     gboolean        is_error)
{
  g_return_if_fail (MTS_IS_PUBLISH_PAGE (self));

  gtk_label_set_text (self->verify_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->verify_label), message != NULL);
  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->verify_label), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->verify_label), "success");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->verify_label), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (self->verify_label), "warning");
    }
}

/* Export all: four files written side by side, concurrently. */
typedef struct
{
  guint pending;
  GError *error;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_error (&data->error);
  g_free (data);
}

static void
export_file_done_cb (GObject      *source,
                     GAsyncResult *res,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), res, NULL, &error) && data->error == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (source));

      data->error = g_error_new (error->domain, error->code,
                                 _("Could not save %s: %s. Choose a folder you can write to."),
                                 name, error->message);
    }
  if (--data->pending > 0)
    return;
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * mts_publish_page_export_async:
 * @folder: where to write
 *
 * Writes DOMAIN.zone, DOMAIN.csv, DOMAIN.json and mta-sts.txt into @folder,
 * replacing files of those names.
 */
void
mts_publish_page_export_async (MtsPublishPage      *self,
                               GFile               *folder,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(MtsSetup) setup = NULL;
  const char *domain;
  struct { MtsExportFormat format; const char *suffix; } files[] = {
    { MTS_EXPORT_ZONE, ".zone" },
    { MTS_EXPORT_CSV, ".csv" },
    { MTS_EXPORT_JSON, ".json" },
    { MTS_EXPORT_POLICY, NULL },
  };
  ExportData *data;

  g_return_if_fail (MTS_IS_PUBLISH_PAGE (self));
  g_return_if_fail (G_IS_FILE (folder));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mts_publish_page_export_async);
  data = g_new0 (ExportData, 1);
  data->pending = G_N_ELEMENTS (files);
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);

  setup = mts_wizard_model_build_setup (self->model);
  domain = mts_wizard_model_get_domain (self->model);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *name = files[i].suffix != NULL ? g_strconcat (domain, files[i].suffix, NULL)
                                                      : g_strdup ("mta-sts.txt");
      g_autoptr(GFile) file = g_file_get_child (folder, name);
      char *text = mts_export (setup, files[i].format);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                           cancellable, export_file_done_cb, g_object_ref (task));
    }
}

gboolean
mts_publish_page_export_finish (MtsPublishPage  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  MtsPublishPage *self = MTS_PUBLISH_PAGE (source);
  g_autoptr(GFile) folder = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!mts_publish_page_export_finish (self, res, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _mts_window_toast (GTK_WIDGET (self), error->message);
      return;
    }
  {
    g_autofree char *where = g_file_get_parse_name (folder);

    message = g_strdup_printf (_("Saved the zone file, CSV, JSON and policy file in %s"), where);
  }
  _mts_window_toast (GTK_WIDGET (self), message);
}

/* The parent for a file dialog, and whether one may open now: one at a
 * time, so a double click does not stack two dialogs. */
static gboolean
start_chooser (MtsPublishPage  *self,
               GtkWindow      **parent)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->chooser != NULL)
    return FALSE;
  self->chooser = g_cancellable_new ();
  *parent = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
  return TRUE;
}

static void
export_chosen_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MtsPublishPage) self = user_data;
  g_autoptr(GListModel) files = mts_file_chooser_open_finish (result, NULL);

  g_clear_object (&self->chooser);
  if (files != NULL && gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    {
      g_autoptr(GFile) folder = g_list_model_get_item (files, 0);

      mts_publish_page_export_async (self, folder, _mts_window_get_cancellable (GTK_WIDGET (self)),
                                     export_done_cb, g_object_ref (folder));
    }
}

static void
export_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  MtsPublishPage *self = MTS_PUBLISH_PAGE (widget);
  GtkWindow *parent;

  if (!start_chooser (self, &parent))
    return;
  mts_file_chooser_open (parent, MTS_FILE_CHOOSER_SELECT_FOLDER, _("Export All to a Folder"),
                         _("_Export"), NULL, NULL, self->chooser, export_chosen_cb,
                         g_object_ref (self));
}

static void
save_policy_done_cb (GObject      *source,
                     GAsyncResult *res,
                     gpointer      user_data)
{
  g_autoptr(MtsPublishPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_parse_name (G_FILE (source));
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), res, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not save %s: %s. Choose a folder you can write to."),
                                 name, error->message);
    }
  else
    message = g_strdup_printf (_("Saved the policy file as %s"), name);
  _mts_window_toast (GTK_WIDGET (self), message);
}

static void
save_policy_chosen_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(MtsPublishPage) self = user_data;
  g_autoptr(GListModel) files = mts_file_chooser_open_finish (result, NULL);

  g_clear_object (&self->chooser);
  if (files != NULL && self->policy_text != NULL && gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, 0);
      g_autoptr(GBytes) bytes = g_bytes_new (self->policy_text, strlen (self->policy_text));

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                           _mts_window_get_cancellable (GTK_WIDGET (self)),
                                           save_policy_done_cb, g_object_ref (self));
    }
}

static void
save_policy_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MtsPublishPage *self = MTS_PUBLISH_PAGE (widget);
  GtkWindow *parent;

  if (!start_chooser (self, &parent))
    return;
  mts_file_chooser_open (parent, MTS_FILE_CHOOSER_SAVE, _("Save the Policy File"), _("_Save"),
                         NULL, "mta-sts.txt", self->chooser, save_policy_chosen_cb,
                         g_object_ref (self));
}

static void
mts_publish_page_dispose (GObject *object)
{
  MtsPublishPage *self = MTS_PUBLISH_PAGE (object);

  /* A file dialog's callback holds a reference and runs after this. */
  if (self->chooser != NULL)
    g_cancellable_cancel (self->chooser);
  g_clear_object (&self->chooser);
  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->model);
  g_clear_pointer (&self->policy_text, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), MTS_TYPE_PUBLISH_PAGE);

  G_OBJECT_CLASS (mts_publish_page_parent_class)->dispose (object);
}

static void
mts_publish_page_class_init (MtsPublishPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_publish_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-publish-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsPublishPage, verify_label);
  gtk_widget_class_bind_template_child (widget_class, MtsPublishPage, policy_status);
  gtk_widget_class_bind_template_child (widget_class, MtsPublishPage, policy_list);
  gtk_widget_class_bind_template_child (widget_class, MtsPublishPage, policy_label);
  gtk_widget_class_bind_template_child (widget_class, MtsPublishPage, copy_policy_button);
  gtk_widget_class_bind_template_child (widget_class, MtsPublishPage, hosting_list);
  gtk_widget_class_bind_template_child (widget_class, MtsPublishPage, sts_status);
  gtk_widget_class_bind_template_child (widget_class, MtsPublishPage, sts_list);
  gtk_widget_class_bind_template_child (widget_class, MtsPublishPage, tlsrpt_status);
  gtk_widget_class_bind_template_child (widget_class, MtsPublishPage, tlsrpt_list);

  gtk_widget_class_install_action (widget_class, "publish.export-all", NULL, export_all_action);
  gtk_widget_class_install_action (widget_class, "publish.save-policy", NULL, save_policy_action);
}

static void
mts_publish_page_init (MtsPublishPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->copy_policy_button), "(ss)", "", "");
}

void
mts_publish_page_set_model (MtsPublishPage *self,
                            MtsWizardModel *model)
{
  g_return_if_fail (MTS_IS_PUBLISH_PAGE (self));

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_set_object (&self->model, model);
  clear_verification (self);
  if (model == NULL)
    return;
  self->changed_id = g_signal_connect_swapped (model, "changed", G_CALLBACK (model_changed_cb), self);
  rebuild (self);
}

GtkListBox *
_mts_publish_page_get_list (MtsPublishPage *self,
                            MtsPublished    what)
{
  switch (what)
    {
    case MTS_PUBLISHED_STS_RECORD:
      return self->sts_list;
    case MTS_PUBLISHED_TLSRPT_RECORD:
      return self->tlsrpt_list;
    case MTS_PUBLISHED_POLICY:
    default:
      return self->policy_list;
    }
}

GtkButton *
_mts_publish_page_get_copy_policy (MtsPublishPage *self)
{
  return self->copy_policy_button;
}

GtkListBox *
_mts_publish_page_get_hosting (MtsPublishPage *self)
{
  return self->hosting_list;
}

const char *
_mts_publish_page_get_policy_text (MtsPublishPage *self)
{
  return self->policy_text;
}
