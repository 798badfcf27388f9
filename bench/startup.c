/* SPDX-License-Identifier: GPL-3.0-or-later */
/* startup.c: the measuring end of bench/startup.sh.
 *
 *   startup app              start the real wizard, print when its first frame is painted
 *   startup minimal          the same for a minimal libadwaita window, for comparison
 *   startup app DOMAIN       then walk the wizard to the server check of DOMAIN and print the
 *                            resident memory once every probe has answered
 *   startup reload           start the wizard, wait for its domains to be listed, then reload
 *                            the list (Other Domain) and print the longest main-loop stall
 *                            until the new rows are shown, and how long they took
 *
 * With projects in the folder, "app" and "reload" also print when the
 * domains are first listed under the entry ("domains-listed").
 *
 * Times are CLOCK_MONOTONIC microseconds (g_get_monotonic_time), the clock
 * the script reads before it starts the process, so their difference is the
 * whole start-up, dynamic loading included.
 */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <string.h>

#include "app/mts-application.h"
#include "app/mts-window-private.h"
#include "core/mts-project-store.h"

static const char *probe_domain;
static gboolean reload;
static MtsWindow *window;
static GApplication *application;

/* The reload: a 1 ms timeout ticks on the main loop; the longest gap
 * between two ticks is the longest time the loop could not run. */
static GtkWidget *old_first_row;
static gint64 last_tick, reload_started, longest_gap;

static void
print_memory (void)
{
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  lines = g_strsplit (status, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "VmRSS:") || g_str_has_prefix (lines[i], "VmHWM:") ||
        g_str_has_prefix (lines[i], "RssAnon:") || g_str_has_prefix (lines[i], "RssFile:"))
      printf ("%s\n", lines[i]);
}

static gboolean
probe_done_cb (gpointer user_data)
{
  GApplication *app = user_data;

  if (_mts_window_is_checking (window) ||
      _mts_window_get_step_state (window, MTS_STEP_PROBE) == MTS_STEP_STATE_TODO)
    return G_SOURCE_CONTINUE;
  print_memory ();
  g_application_quit (app);
  return G_SOURCE_REMOVE;
}

static gboolean
discover_done_cb (gpointer user_data)
{
  if (_mts_window_is_checking (window) ||
      _mts_window_get_step_state (window, MTS_STEP_DISCOVER) != MTS_STEP_STATE_DONE)
    return G_SOURCE_CONTINUE;
  /* Through the mail servers found, as a person would; the server check
   * starts by itself when its step is shown. */
  if (!_mts_window_go_to_step (window, MTS_STEP_SERVERS) ||
      !_mts_window_go_to_step (window, MTS_STEP_PROBE))
    {
      fprintf (stderr, "startup: the server check of %s cannot be reached\n", probe_domain);
      g_application_quit (user_data);
      return G_SOURCE_REMOVE;
    }
  g_timeout_add (50, probe_done_cb, user_data);
  return G_SOURCE_REMOVE;
}

static GtkWidget *
first_row (void)
{
  MtsWelcomePage *page = _mts_window_get_welcome_page (window);

  return gtk_widget_get_first_child (GTK_WIDGET (_mts_welcome_page_get_domains (page)));
}

static gboolean
has_projects (void)
{
  g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
  g_autoptr(GDir) dir = g_dir_open (g_file_peek_path (directory), 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json") && name[0] != '.')
      return TRUE;
  return FALSE;
}

static gboolean
reload_tick_cb (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();

  longest_gap = MAX (longest_gap, now - last_tick);
  last_tick = now;
  if (reload_started == 0)
    {
      /* The gap before this tick is the start-up's own frames: only
       * what the reload does counts. */
      longest_gap = 0;
      reload_started = now;
      old_first_row = first_row ();
      g_object_add_weak_pointer (G_OBJECT (old_first_row), (gpointer *) &old_first_row);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.other-domain", NULL);
      return G_SOURCE_CONTINUE;
    }
  if (first_row () == NULL || first_row () == old_first_row)
    return G_SOURCE_CONTINUE;
  printf ("reload-listed %" G_GINT64_FORMAT "\n", now - reload_started);
  printf ("reload-stall %" G_GINT64_FORMAT "\n", longest_gap);
  fflush (stdout);
  g_application_quit (application);
  return G_SOURCE_REMOVE;
}

static gboolean
listed_cb (gpointer user_data)
{
  if (first_row () == NULL)
    return G_SOURCE_CONTINUE;
  printf ("domains-listed %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  fflush (stdout);
  if (reload)
    {
      last_tick = g_get_monotonic_time ();
      g_timeout_add (1, reload_tick_cb, NULL);
    }
  else
    g_application_quit (application);
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                GApplication  *app)
{
  printf ("first-frame %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  fflush (stdout);
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, app);

  if (probe_domain != NULL && MTS_IS_WINDOW (window))
    {
      MtsWelcomePage *page = _mts_window_get_welcome_page (window);

      gtk_editable_set_text (_mts_welcome_page_get_entry (page), probe_domain);
      gtk_widget_activate (GTK_WIDGET (_mts_welcome_page_get_start (page)));
      g_timeout_add (50, discover_done_cb, app);
    }
  else if (MTS_IS_WINDOW (window) && (reload || has_projects ()))
    g_timeout_add (1, listed_cb, NULL);
  else
    {
      print_memory ();
      g_application_quit (app);
    }
}

static void
watch_first_frame (GtkWindow    *gtk_window,
                   GApplication *app)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (gtk_window));

  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), app);
}

static void
window_mapped_cb (GtkWidget    *widget,
                  GApplication *app)
{
  watch_first_frame (GTK_WINDOW (widget), app);
}

static void
app_window_added_cb (GtkApplication *app,
                     GtkWindow      *added)
{
  if (MTS_IS_WINDOW (added))
    {
      window = MTS_WINDOW (added);
      g_signal_connect (added, "map", G_CALLBACK (window_mapped_cb), app);
    }
}

static void
minimal_activate_cb (GtkApplication *app)
{
  GtkWidget *win = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (page), "Minimal");
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), page);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (win), box);
  g_signal_connect (win, "map", G_CALLBACK (window_mapped_cb), app);
  gtk_window_present (GTK_WINDOW (win));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GtkApplication) app = NULL;
  int status;

  if (argc < 2 || (strcmp (argv[1], "app") != 0 && strcmp (argv[1], "minimal") != 0 &&
                    strcmp (argv[1], "reload") != 0))
    {
      fprintf (stderr, "usage: startup app [DOMAIN] | startup reload | startup minimal\n");
      return 2;
    }

  if (strcmp (argv[1], "minimal") == 0)
    {
      app = GTK_APPLICATION (adw_application_new ("io.github.mtasts.Bench", G_APPLICATION_NON_UNIQUE));
      g_signal_connect (app, "activate", G_CALLBACK (minimal_activate_cb), NULL);
    }
  else
    {
      reload = strcmp (argv[1], "reload") == 0;
      probe_domain = !reload && argc > 2 ? argv[2] : NULL;
      app = GTK_APPLICATION (mts_application_new ());
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_signal_connect (app, "window-added", G_CALLBACK (app_window_added_cb), NULL);
    }

  application = G_APPLICATION (app);
  status = g_application_run (G_APPLICATION (app), 1, argv);
  return status;
}
