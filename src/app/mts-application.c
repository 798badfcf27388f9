/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-application.c: the wizard's AdwApplication: actions, About, windows. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "net/mts-gresolver.h"
#include "net/mts-resolver.h"
#include "mts-about.h"
#include "mts-application.h"
#include "mts-preferences-window.h"
#include "mts-resources.h"
#include "mts-window.h"

struct _MtsApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  /* Every check of every window asks through this one resolver, and so
   * does GIO (the policy fetch), so the DNS server preference applies to
   * all of them at once. */
  MtsResolver *resolver;
};

G_DEFINE_FINAL_TYPE (MtsApplication, mts_application, ADW_TYPE_APPLICATION)

static void
mts_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (mts_window_new (MTS_APPLICATION (app)));

  gtk_window_present (window);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  g_autoptr(GObject) about = mts_about_new ();

  mts_about_present (about, gtk_application_get_active_window (GTK_APPLICATION (user_data)));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (mts_preferences_window_new (parent)));
}

static void
dns_server_changed_cb (MtsApplication *self)
{
  g_autofree char *server = g_settings_get_string (self->settings, "dns-server");
  g_autoptr(GError) error = NULL;

  /* The preferences window only saves a server the resolver accepts; a
   * value set behind its back that it refuses means the system's. */
  if (!mts_resolver_set_server (self->resolver, server[0] != '\0' ? server : NULL, &error))
    {
      g_warning ("Ignoring the DNS server setting “%s”: %s", server, error->message);
      mts_resolver_set_server (self->resolver, NULL, NULL);
    }
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = about_action },
  { .name = "preferences", .activate = preferences_action },
  { .name = "quit", .activate = quit_action },
};

static void
mts_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  static const char *preferences_accels[] = { "<Control>comma", NULL };
  MtsApplication *self = MTS_APPLICATION (app);

  G_APPLICATION_CLASS (mts_application_parent_class)->startup (app);

  self->settings = g_settings_new ("io.github.mtasts.Wizard");
  self->resolver = mts_resolver_new ();
  g_signal_connect_object (self->settings, "changed::dns-server",
                           G_CALLBACK (dns_server_changed_cb), self, G_CONNECT_SWAPPED);
  dns_server_changed_cb (self);
  mts_resolver_install_default (self->resolver);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
}

static void
mts_application_dispose (GObject *object)
{
  MtsApplication *self = MTS_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->resolver);

  G_OBJECT_CLASS (mts_application_parent_class)->dispose (object);
}

static void
mts_application_class_init (MtsApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mts_application_dispose;

  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = mts_application_activate;
  app_class->startup = mts_application_startup;

  /* The resources live in a static library, registered by hand so that the
   * linker keeps them and tests get them by creating the application. */
  mts_register_resource ();
}

static void
mts_application_init (MtsApplication *self)
{
}

/**
 * mts_application_get_resolver:
 *
 * Returns: (transfer none): the resolver every check asks, set up from the
 * DNS server preference; %NULL before the application started.
 */
MtsResolver *
mts_application_get_resolver (MtsApplication *self)
{
  g_return_val_if_fail (MTS_IS_APPLICATION (self), NULL);

  return self->resolver;
}

/**
 * mts_application_dup_ca_file:
 *
 * Returns: (transfer full) (nullable): the private CA file the checks trust
 * besides the system's, or %NULL.
 */
char *
mts_application_dup_ca_file (MtsApplication *self)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (MTS_IS_APPLICATION (self), NULL);

  if (self->settings == NULL)
    return NULL;
  path = g_settings_get_string (self->settings, "ca-file");
  return path[0] != '\0' ? g_steal_pointer (&path) : NULL;
}

/**
 * mts_application_get_settings:
 *
 * Returns: (transfer none) (nullable): the app's settings; %NULL before
 * startup.
 */
GSettings *
mts_application_get_settings (MtsApplication *self)
{
  g_return_val_if_fail (MTS_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * mts_application_get_readiness_thresholds:
 * @thresholds: (out caller-allocates): filled from the settings
 *
 * The readiness thresholds as the user set them; the defaults of
 * mts_readiness_thresholds_init() before startup.
 */
void
mts_application_get_readiness_thresholds (MtsApplication         *self,
                                          MtsReadinessThresholds *thresholds)
{
  g_return_if_fail (MTS_IS_APPLICATION (self));
  g_return_if_fail (thresholds != NULL);

  mts_readiness_thresholds_init (thresholds);
  if (self->settings == NULL)
    return;
  thresholds->testing_days = g_settings_get_uint (self->settings, "readiness-testing-days");
  thresholds->min_reporters = g_settings_get_uint (self->settings, "readiness-min-reporters");
  thresholds->min_report_days = g_settings_get_uint (self->settings, "readiness-min-report-days");
  thresholds->recent_days = g_settings_get_uint (self->settings, "readiness-recent-days");
  thresholds->max_other_failures = g_settings_get_double (self->settings, "readiness-max-other-failures");
  thresholds->cert_min_days = g_settings_get_uint (self->settings, "readiness-cert-min-days");
}

/**
 * mts_application_get_current_readiness_thresholds:
 * @thresholds: (out caller-allocates): filled in
 *
 * The thresholds of the running MtsApplication, for widgets that have no
 * pointer to it; the defaults where there is none (a widget test).
 */
void
mts_application_get_current_readiness_thresholds (MtsReadinessThresholds *thresholds)
{
  GApplication *app = g_application_get_default ();

  g_return_if_fail (thresholds != NULL);

  if (MTS_IS_APPLICATION (app))
    mts_application_get_readiness_thresholds (MTS_APPLICATION (app), thresholds);
  else
    mts_readiness_thresholds_init (thresholds);
}

MtsApplication *
mts_application_new (void)
{
  /* A .Devel build has its own id but the same resources, so that
   * style.css and gtk/help-overlay.ui load by themselves in both. */
  return g_object_new (MTS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

/**
 * mts_application_main:
 *
 * Everything the GUI's main() does.  Without a display there is nothing to
 * show: say so in one line and point to the command line, instead of
 * letting GTK print a warning.
 */
int
mts_application_main (int    argc,
                      char **argv)
{
  g_autoptr(MtsApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!gtk_init_check ())
    {
      fprintf (stderr, "%s\n",
               _("MTA-STS Wizard needs a desktop session to show its window; "
                 "without one, use the “mtasts” command (try “mtasts --help”)."));
      return 1;
    }

  g_set_application_name (_("MTA-STS Wizard"));

  app = mts_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
