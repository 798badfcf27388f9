/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-uri-launcher.c: opens a web address in the browser, whatever the GTK version.
 *
 * GTK 4.10 deprecated gtk_show_uri() for GtkUriLauncher.  Debian 12 has
 * GTK 4.8 and the Flatpak's runtime a newer one: this picks what the GTK it
 * is built against offers.  Both go through the OpenURI portal inside the
 * Flatpak.  Unlike gtk_show_uri(), a failure comes back to the caller,
 * which can then show the address instead of only logging a warning.
 */
#include "config.h"

/* meson.build pins GDK_VERSION_MAX_ALLOWED to 4.8; this file calls
 * GtkUriLauncher (4.10) on purpose, and only behind GTK_CHECK_VERSION, so
 * it lifts the ceiling to the GTK being built against (still 4.8 on
 * Debian 12).  See mts-file-chooser.c. */
#undef GDK_VERSION_MAX_ALLOWED
#define GDK_VERSION_MAX_ALLOWED GDK_VERSION_CUR_STABLE

#include "mts-uri-launcher.h"

static void
launched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

#if GTK_CHECK_VERSION (4, 10, 0)
  ok = gtk_uri_launcher_launch_finish (GTK_URI_LAUNCHER (source), result, &error);
#else
  ok = gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error);
#endif
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * mts_uri_launch:
 * @parent: (nullable): the window the request comes from
 * @uri: the address to open
 *
 * Opens @uri with the default application (a web browser for https).
 */
void
mts_uri_launch (GtkWindow           *parent,
                const char          *uri,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (uri != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mts_uri_launch);

#if GTK_CHECK_VERSION (4, 10, 0)
  {
    g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (uri);

    gtk_uri_launcher_launch (launcher, parent, cancellable, launched_cb, g_steal_pointer (&task));
  }
#else
  gtk_show_uri_full (parent, uri, GDK_CURRENT_TIME, cancellable, launched_cb, g_steal_pointer (&task));
#endif
}

gboolean
mts_uri_launch_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mts_uri_launch, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
