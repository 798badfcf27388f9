/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-application.c: the wizard's AdwApplication: actions, About, windows. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "mts-application.h"
#include "mts-resources.h"
#include "mts-window.h"

struct _MtsApplication
{
  AdwApplication parent_instance;
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
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "MTA-STS Wizard contributors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _("MTA-STS Wizard"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("MTA-STS Wizard contributors"),
                        "developers", developers,
                        "copyright", "© 2026 MTA-STS Wizard contributors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", "https://github.com/mtasts/wizard",
                        "issue-url", "https://github.com/mtasts/wizard/issues",
                        "comments", _("Set up MTA-STS and SMTP TLS reporting for your mail domain, "
                                      "step by step, on your own computer."),
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
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
  { .name = "quit", .activate = quit_action },
};

static void
mts_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (mts_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
}

static void
mts_application_class_init (MtsApplicationClass *klass)
{
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
