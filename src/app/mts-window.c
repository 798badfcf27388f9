/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-window.c: the wizard's main window: header bar, menu, the pages. */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-welcome-page.h"
#include "mts-window-private.h"

struct _MtsWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  MtsWelcomePage *welcome_page;
};

G_DEFINE_FINAL_TYPE (MtsWindow, mts_window, ADW_TYPE_APPLICATION_WINDOW)

static void
save_window_size (MtsWindow *self)
{
  int width, height;

  /* The default size is what the user last left unmaximised, which is
   * what GTK reports while maximised too. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
mts_window_close_request (GtkWindow *window)
{
  save_window_size (MTS_WINDOW (window));
  return GTK_WINDOW_CLASS (mts_window_parent_class)->close_request (window);
}

static void
start_cb (MtsWindow      *self,
          const char     *domain,
          MtsWelcomePage *page)
{
  g_autofree char *message = NULL;
  AdwToast *toast;

  /* The steps after the welcome page come with the wizard issue (#5);
   * until then, say plainly what is and is not there yet. */
  message = g_strdup_printf (_("%s is a valid domain. The next steps are not part of this version yet."),
                             domain);
  toast = adw_toast_new (message);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
mts_window_dispose (GObject *object)
{
  MtsWindow *self = MTS_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MTS_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (mts_window_parent_class)->dispose (object);
}

static void
mts_window_class_init (MtsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mts_window_dispose;
  window_class->close_request = mts_window_close_request;

  g_type_ensure (MTS_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MtsWindow, welcome_page);
  gtk_widget_class_bind_template_callback (widget_class, start_cb);
}

static void
mts_window_init (MtsWindow *self)
{
  int width, height;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->settings = g_settings_new ("io.github.mtasts.Wizard");
  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

MtsWindow *
mts_window_new (MtsApplication *application)
{
  return g_object_new (MTS_TYPE_WINDOW, "application", application, NULL);
}

MtsWelcomePage *
_mts_window_get_welcome_page (MtsWindow *self)
{
  return self->welcome_page;
}

AdwToastOverlay *
_mts_window_get_toast_overlay (MtsWindow *self)
{
  return self->toast_overlay;
}
