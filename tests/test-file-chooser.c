/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-file-chooser.c: mts_file_chooser_open() in a real window: a chosen
 * file comes back as a one-item list, and both a dismissed dialog and a
 * cancelled one come back as G_IO_ERROR_CANCELLED.
 *
 * Outside a Flatpak GTK uses no portal: both GTK's file dialogs show a
 * GtkFileChooserDialog in this process, so the test answers it itself. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "app/mts-file-chooser.h"
#include "mts-ui-test.h"

typedef struct
{
  gboolean done;
  GListModel *files;
  GError *error;
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_clear_object (&outcome->files);
  g_clear_error (&outcome->error);
  outcome->done = FALSE;
}

static void
chosen_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Outcome *outcome = user_data;

  g_assert_null (source);
  outcome->files = mts_file_chooser_open_finish (result, &outcome->error);
  g_assert_true ((outcome->files == NULL) != (outcome->error == NULL));
  outcome->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((Outcome *) data)->done;
}

/* The file chooser dialog among the toplevels, once it is on screen. */
static GtkWidget *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (toplevel) && gtk_widget_get_mapped (toplevel))
        return toplevel;
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
dialog_gone (gpointer data)
{
  return find_dialog () == NULL;
}

static gboolean
in_folder (gpointer dialog)
{
  g_autoptr(GFile) folder = gtk_file_chooser_get_current_folder (dialog);
  GFile *wanted = g_object_get_data (dialog, "wanted-folder");

  return folder != NULL && g_file_equal (folder, wanted);
}

static GtkWindow *
new_parent (void)
{
  GtkWindow *parent = GTK_WINDOW (adw_window_new ());

  gtk_window_set_default_size (parent, 600, 400);
  gtk_window_present (parent);
  mts_ui_test_settle (GTK_WIDGET (parent));
  return parent;
}

static void
test_dismissed (void)
{
  GtkWindow *parent = new_parent ();
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  Outcome outcome = { 0 };
  GtkWidget *dialog;
  GListModel *filters;

  gtk_file_filter_set_name (filter, "Certificates (PEM)");
  gtk_file_filter_add_pattern (filter, "*.pem");
  mts_file_chooser_open (parent, MTS_FILE_CHOOSER_OPEN_FILE, "Choose a File", "_Choose",
                         filter, NULL, NULL, chosen_cb, &outcome);
  mts_ui_test_wait_for (dialog_shown, NULL, "the file dialog");
  dialog = find_dialog ();
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == parent);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Choose a File");
  /* The caller's filter first and chosen, then "All files". */
  filters = gtk_file_chooser_get_filters (GTK_FILE_CHOOSER (dialog));
  g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 2);
  g_assert_true (gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (dialog)) == filter);
  g_object_unref (filters);
  g_assert_false (outcome.done);

  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  mts_ui_test_wait_for (is_done, &outcome, "the dismissed dialog's answer");
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  mts_ui_test_wait_for (dialog_gone, NULL, "the file dialog to close");
  outcome_clear (&outcome);

  gtk_window_destroy (parent);
  mts_ui_test_drain ();
}

static void
test_cancelled (void)
{
  GtkWindow *parent = new_parent ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome outcome = { 0 };

  mts_file_chooser_open (parent, MTS_FILE_CHOOSER_SELECT_FOLDER, "Export All to a Folder",
                         "_Export", NULL, NULL, cancellable, chosen_cb, &outcome);
  mts_ui_test_wait_for (dialog_shown, NULL, "the file dialog");
  g_cancellable_cancel (cancellable);
  mts_ui_test_wait_for (is_done, &outcome, "the cancelled dialog's answer");
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  mts_ui_test_wait_for (dialog_gone, NULL, "the file dialog to close");
  outcome_clear (&outcome);

  /* Already cancelled: no dialog at all. */
  mts_file_chooser_open (parent, MTS_FILE_CHOOSER_OPEN_FILES, "Open Reports", "_Open",
                         NULL, NULL, cancellable, chosen_cb, &outcome);
  mts_ui_test_wait_for (is_done, &outcome, "the answer");
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (find_dialog ());
  outcome_clear (&outcome);

  gtk_window_destroy (parent);
  mts_ui_test_drain ();
}

static void
test_saved (void)
{
  GtkWindow *parent = new_parent ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mts-chooser-XXXXXX", &error);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GFile) expected = g_file_get_child (folder, "mta-sts.txt");
  g_autoptr(GFile) chosen = NULL;
  Outcome outcome = { 0 };
  GtkWidget *dialog;

  g_assert_no_error (error);
  mts_file_chooser_open (parent, MTS_FILE_CHOOSER_SAVE, "Save the Policy File", "_Save",
                         NULL, "mta-sts.txt", NULL, chosen_cb, &outcome);
  mts_ui_test_wait_for (dialog_shown, NULL, "the file dialog");
  dialog = find_dialog ();
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)), ==,
                   GTK_FILE_CHOOSER_ACTION_SAVE);
  /* The dialog goes to its starting folder once it is on screen: only
   * then can the test move it. */
  g_object_set_data (G_OBJECT (dialog), "wanted-folder", folder);
  for (int tries = 0; tries < 10; tries++)
    {
      mts_ui_test_settle (dialog);
      if (in_folder (dialog))
        break;
      g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, &error));
      g_assert_no_error (error);
    }
  g_assert_true (in_folder (dialog));
  {
    g_autofree char *name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (dialog));

    g_assert_cmpstr (name, ==, "mta-sts.txt");
  }

  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  mts_ui_test_wait_for (is_done, &outcome, "the saved dialog's answer");
  g_assert_no_error (outcome.error);
  g_assert_cmpuint (g_list_model_get_n_items (outcome.files), ==, 1);
  chosen = g_list_model_get_item (outcome.files, 0);
  g_assert_cmpstr (g_file_peek_path (chosen), ==, g_file_peek_path (expected));
  outcome_clear (&outcome);

  gtk_window_destroy (parent);
  mts_ui_test_drain ();
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/mts/file-chooser/dismissed", test_dismissed);
  g_test_add_func ("/mts/file-chooser/cancelled", test_cancelled);
  g_test_add_func ("/mts/file-chooser/saved", test_saved);

  return g_test_run ();
}
