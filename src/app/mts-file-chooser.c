/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-file-chooser.c: one asynchronous way to ask for files, whatever the GTK version.
 *
 * GTK 4.10 replaced GtkFileChooserNative with GtkFileDialog and deprecated
 * the former.  Debian 12 has GTK 4.8, the Flatpak's GNOME runtime a much
 * newer GTK: this file picks the dialog that the GTK it is built against
 * offers, so callers write one GTask-style call and neither build warns.
 * Both dialogs go through the file chooser portal where there is one, so the
 * Flatpak needs no file system permission.
 */
#include "config.h"

/* meson.build pins GDK_VERSION_MAX_ALLOWED to 4.8 so that newer API cannot
 * slip in unnoticed.  This file calls GtkFileDialog (4.10) on purpose, and
 * only behind GTK_CHECK_VERSION: lift the ceiling to the GTK being built
 * against, or a newer GTK would flag those calls as "not available before
 * 4.10" and --werror would fail the build.  Built against 4.8, the ceiling
 * stays 4.8. */
#undef GDK_VERSION_MAX_ALLOWED
#define GDK_VERSION_MAX_ALLOWED GDK_VERSION_CUR_STABLE

#include <glib/gi18n.h>

#include "mts-file-chooser.h"

#if !GTK_CHECK_VERSION (4, 10, 0)
static void native_response_cb (GtkNativeDialog *native,
                                int              response,
                                GTask           *task);

static void
destroy_native_cb (gpointer native)
{
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}
#endif

typedef struct
{
  MtsFileChooserKind kind;
#if GTK_CHECK_VERSION (4, 10, 0)
  GtkFileDialog *dialog;
#else
  GtkFileChooserNative *native;
  GCancellable *cancellable;
  gulong cancelled_id;
  gboolean done;
#endif
} ChooserData;

static void
chooser_data_free (ChooserData *data)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  g_clear_object (&data->dialog);
#else
  if (data->cancelled_id != 0)
    g_signal_handler_disconnect (data->cancellable, data->cancelled_id);
  g_clear_object (&data->cancellable);
  if (data->native != NULL)
    {
      /* This runs inside the dialog's own "response" when the answer
       * drops the last reference: let GTK finish with the dialog first. */
      g_signal_handlers_disconnect_matched (data->native, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                            native_response_cb, NULL);
      g_idle_add_once (destroy_native_cb, g_steal_pointer (&data->native));
    }
#endif
  g_free (data);
}

/* Besides the caller's filter, "All files", so a certificate saved as
 * ca.txt can still be chosen. */
static GtkFileFilter *
all_files_filter (void)
{
  GtkFileFilter *all = gtk_file_filter_new ();

  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  return all;
}

static GListModel *
single_file_list (GFile *file)
{
  GListStore *store = g_list_store_new (G_TYPE_FILE);

  g_list_store_append (store, file);
  return G_LIST_MODEL (store);
}

static void
return_dismissed (GTask *task)
{
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "%s", _("No file was chosen"));
}

#if GTK_CHECK_VERSION (4, 10, 0)

static void
dialog_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ChooserData *data = g_task_get_task_data (task);
  GtkFileDialog *dialog = GTK_FILE_DIALOG (source);
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  switch (data->kind)
    {
    case MTS_FILE_CHOOSER_OPEN_FILES:
      files = gtk_file_dialog_open_multiple_finish (dialog, result, &error);
      break;
    case MTS_FILE_CHOOSER_SELECT_FOLDER:
      file = gtk_file_dialog_select_folder_finish (dialog, result, &error);
      break;
    case MTS_FILE_CHOOSER_SAVE:
      file = gtk_file_dialog_save_finish (dialog, result, &error);
      break;
    case MTS_FILE_CHOOSER_OPEN_FILE:
    default:
      file = gtk_file_dialog_open_finish (dialog, result, &error);
      break;
    }

  if (file != NULL)
    files = single_file_list (file);

  if (files != NULL)
    g_task_return_pointer (task, g_steal_pointer (&files), g_object_unref);
  else if (error == NULL
           || g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED)
           || g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    /* Callers tell "the person changed their mind" from a failure by one
     * code, whichever GTK runs. */
    return_dismissed (task);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
open_dialog (GTask         *task,
             GtkWindow     *parent,
             const char    *title,
             const char    *accept_label,
             GtkFileFilter *filter,
             const char    *initial_name)
{
  ChooserData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  data->dialog = gtk_file_dialog_new ();
  gtk_file_dialog_set_title (data->dialog, title);
  gtk_file_dialog_set_accept_label (data->dialog, accept_label);
  gtk_file_dialog_set_modal (data->dialog, TRUE);
  if (filter != NULL && data->kind != MTS_FILE_CHOOSER_SELECT_FOLDER)
    {
      g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
      g_autoptr(GtkFileFilter) all = all_files_filter ();

      g_list_store_append (filters, filter);
      g_list_store_append (filters, all);
      gtk_file_dialog_set_filters (data->dialog, G_LIST_MODEL (filters));
      gtk_file_dialog_set_default_filter (data->dialog, filter);
    }

  switch (data->kind)
    {
    case MTS_FILE_CHOOSER_OPEN_FILES:
      gtk_file_dialog_open_multiple (data->dialog, parent, cancellable, dialog_done_cb,
                                     g_object_ref (task));
      break;
    case MTS_FILE_CHOOSER_SELECT_FOLDER:
      gtk_file_dialog_select_folder (data->dialog, parent, cancellable, dialog_done_cb,
                                     g_object_ref (task));
      break;
    case MTS_FILE_CHOOSER_SAVE:
      if (initial_name != NULL)
        gtk_file_dialog_set_initial_name (data->dialog, initial_name);
      gtk_file_dialog_save (data->dialog, parent, cancellable, dialog_done_cb, g_object_ref (task));
      break;
    case MTS_FILE_CHOOSER_OPEN_FILE:
    default:
      gtk_file_dialog_open (data->dialog, parent, cancellable, dialog_done_cb, g_object_ref (task));
      break;
    }
}

#else /* GTK < 4.10 */

/* Ends the wait exactly once, whether the person answered or the caller
 * cancelled, and drops the reference that kept the task alive meanwhile. */
static void
finish_native (GTask      *task,
               GListModel *files)
{
  ChooserData *data = g_task_get_task_data (task);

  g_assert (!data->done);
  data->done = TRUE;
  if (data->cancelled_id != 0)
    {
      g_signal_handler_disconnect (data->cancellable, data->cancelled_id);
      data->cancelled_id = 0;
    }

  if (files != NULL)
    g_task_return_pointer (task, files, g_object_unref);
  else
    return_dismissed (task);
  g_object_unref (task);
}

static void
native_response_cb (GtkNativeDialog *native,
                    int              response,
                    GTask           *task)
{
  ChooserData *data = g_task_get_task_data (task);
  GListModel *files = NULL;

  if (data->done)
    return;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      if (data->kind == MTS_FILE_CHOOSER_OPEN_FILES)
        {
          files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));
          if (files != NULL && g_list_model_get_n_items (files) == 0)
            g_clear_object (&files);
        }
      else
        {
          g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

          if (file != NULL)
            files = single_file_list (file);
        }
    }
  finish_native (task, files);
}

static void
native_cancelled_cb (GCancellable *cancellable,
                     GTask        *task)
{
  ChooserData *data = g_task_get_task_data (task);

  if (data->done)
    return;
  /* Hiding aborts the interaction without a "response". */
  gtk_native_dialog_hide (GTK_NATIVE_DIALOG (data->native));
  finish_native (task, NULL);
}

static void
open_dialog (GTask         *task,
             GtkWindow     *parent,
             const char    *title,
             const char    *accept_label,
             GtkFileFilter *filter,
             const char    *initial_name)
{
  ChooserData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GtkFileChooserAction action;

  switch (data->kind)
    {
    case MTS_FILE_CHOOSER_SELECT_FOLDER:
      action = GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER;
      break;
    case MTS_FILE_CHOOSER_SAVE:
      action = GTK_FILE_CHOOSER_ACTION_SAVE;
      break;
    case MTS_FILE_CHOOSER_OPEN_FILE:
    case MTS_FILE_CHOOSER_OPEN_FILES:
    default:
      action = GTK_FILE_CHOOSER_ACTION_OPEN;
      break;
    }

  data->native = gtk_file_chooser_native_new (title, parent, action, accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (data->native), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (data->native),
                                        data->kind == MTS_FILE_CHOOSER_OPEN_FILES);
  if (filter != NULL && data->kind != MTS_FILE_CHOOSER_SELECT_FOLDER)
    {
      g_autoptr(GtkFileFilter) all = all_files_filter ();

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (data->native), filter);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (data->native), all);
      gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (data->native), filter);
    }
  if (data->kind == MTS_FILE_CHOOSER_SAVE && initial_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (data->native), initial_name);

  /* The task stays alive while the dialog is up; finish_native() lets go. */
  g_object_ref (task);
  g_signal_connect (data->native, "response", G_CALLBACK (native_response_cb), task);
  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_signal_connect (cancellable, "cancelled",
                                             G_CALLBACK (native_cancelled_cb), task);
    }
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (data->native));
}

#endif

/**
 * mts_file_chooser_open:
 * @parent: (nullable): the window the dialog belongs to
 * @kind: what to ask for
 * @title: the dialog's title
 * @accept_label: the label of the accept button, with a mnemonic
 * @filter: (nullable): the files to show first; "All files" is offered too
 * @initial_name: (nullable): the suggested name, for %MTS_FILE_CHOOSER_SAVE
 * @cancellable: (nullable): closes the dialog when cancelled
 *
 * Shows a modal file dialog (through the portal where there is one) and
 * calls @callback once it is answered, dismissed or cancelled.
 */
void
mts_file_chooser_open (GtkWindow           *parent,
                       MtsFileChooserKind   kind,
                       const char          *title,
                       const char          *accept_label,
                       GtkFileFilter       *filter,
                       const char          *initial_name,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ChooserData *data;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (kind <= MTS_FILE_CHOOSER_SAVE);
  g_return_if_fail (title != NULL);
  g_return_if_fail (filter == NULL || GTK_IS_FILE_FILTER (filter));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mts_file_chooser_open);
  data = g_new0 (ChooserData, 1);
  data->kind = kind;
  g_task_set_task_data (task, data, (GDestroyNotify) chooser_data_free);

  if (g_task_return_error_if_cancelled (task))
    return;

  open_dialog (task, parent, title, accept_label, filter, initial_name);
}

/**
 * mts_file_chooser_open_finish:
 *
 * Returns: (transfer full): a list of #GFile, never empty; %NULL with
 *   %G_IO_ERROR_CANCELLED when the dialog was dismissed or cancelled
 */
GListModel *
mts_file_chooser_open_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mts_file_chooser_open, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
