/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-file-chooser.h: one asynchronous way to ask for files, whatever the GTK version. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  MTS_FILE_CHOOSER_OPEN_FILE,
  MTS_FILE_CHOOSER_OPEN_FILES,
  MTS_FILE_CHOOSER_SELECT_FOLDER,
  MTS_FILE_CHOOSER_SAVE,
} MtsFileChooserKind;

void        mts_file_chooser_open        (GtkWindow           *parent,
                                          MtsFileChooserKind   kind,
                                          const char          *title,
                                          const char          *accept_label,
                                          GtkFileFilter       *filter,
                                          const char          *initial_name,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GListModel *mts_file_chooser_open_finish (GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
