/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-uri-launcher.h: opens a web address in the browser, whatever the GTK version. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void     mts_uri_launch        (GtkWindow           *parent,
                                const char          *uri,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
gboolean mts_uri_launch_finish (GAsyncResult        *result,
                                GError             **error);

G_END_DECLS
