/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-what-is-window.c: "What is MTA-STS?", in plain words, with the two RFCs.
 *
 * For the person who was asked to "set up MTA-STS" and has never heard of
 * it: what goes wrong without it, what MTA-STS and TLS-RPT do, why testing
 * comes before enforce, and what the wizard will do.  The text is in the
 * template; this file only opens the RFCs in the browser.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-uri-launcher.h"
#include "mts-what-is-window.h"

struct _MtsWhatIsWindow
{
  AdwWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkListBox *rfc_list;
  AdwActionRow *rfc8461_row;
  AdwActionRow *rfc8460_row;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (MtsWhatIsWindow, mts_what_is_window, ADW_TYPE_WINDOW)

#define RFC8461_URI "https://www.rfc-editor.org/rfc/rfc8461"
#define RFC8460_URI "https://www.rfc-editor.org/rfc/rfc8460"

typedef struct
{
  MtsWhatIsWindow *self;
  const char *uri;   /* static */
} Launch;

static void
launched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autofree Launch *launch = user_data;
  g_autoptr(MtsWhatIsWindow) self = launch->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (mts_uri_launch_finish (result, &error)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || self->cancellable == NULL)
    return;

  /* No browser, or it would not start: the address is still useful. */
  text = g_strdup_printf (_("No web browser could be opened. The address is %s"), launch->uri);
  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
rfc_activated_cb (MtsWhatIsWindow *self,
                  GtkListBoxRow   *row)
{
  Launch *launch;

  if (_mts_what_is_window_get_uri (row) == NULL)
    return;
  launch = g_new0 (Launch, 1);
  launch->self = g_object_ref (self);
  launch->uri = _mts_what_is_window_get_uri (row);
  mts_uri_launch (GTK_WINDOW (self), launch->uri, self->cancellable, launched_cb, launch);
}

static void
mts_what_is_window_dispose (GObject *object)
{
  MtsWhatIsWindow *self = MTS_WHAT_IS_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MTS_TYPE_WHAT_IS_WINDOW);

  G_OBJECT_CLASS (mts_what_is_window_parent_class)->dispose (object);
}

static void
mts_what_is_window_class_init (MtsWhatIsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_what_is_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-what-is-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsWhatIsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MtsWhatIsWindow, rfc_list);
  gtk_widget_class_bind_template_child (widget_class, MtsWhatIsWindow, rfc8461_row);
  gtk_widget_class_bind_template_child (widget_class, MtsWhatIsWindow, rfc8460_row);
  gtk_widget_class_bind_template_callback (widget_class, rfc_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mts_what_is_window_init (MtsWhatIsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  /* The address is data, not text to translate: it is set here once, so
   * the row and what it opens cannot disagree. */
  g_object_set_data (G_OBJECT (self->rfc8461_row), "mts-uri", (gpointer) RFC8461_URI);
  g_object_set_data (G_OBJECT (self->rfc8460_row), "mts-uri", (gpointer) RFC8460_URI);
  adw_action_row_set_subtitle (self->rfc8461_row, RFC8461_URI);
  adw_action_row_set_subtitle (self->rfc8460_row, RFC8460_URI);
}

/**
 * mts_what_is_window_new:
 * @parent: (nullable): the window it explains the wizard for
 *
 * Returns: (transfer floating): a modal window; present it.
 */
MtsWhatIsWindow *
mts_what_is_window_new (GtkWindow *parent)
{
  return g_object_new (MTS_TYPE_WHAT_IS_WINDOW,
                       "transient-for", parent,
                       NULL);
}

GtkListBox *
_mts_what_is_window_get_links (MtsWhatIsWindow *self)
{
  return self->rfc_list;
}

const char *
_mts_what_is_window_get_uri (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "mts-uri");
}
