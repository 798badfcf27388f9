/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-translated-ui.c: every step of the wizard in one language (German,
 * whose strings are the longest, unless MTS_TEST_LANGUAGE names another),
 * from the catalogs built in the build dir, narrow and wide, with a
 * screenshot of each, checked for text that does not fit: a label that
 * does not wrap makes the window wider than asked, and a label cut off
 * with "…" hides words. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "app/mts-application.h"
#include "app/mts-window-private.h"
#include "mts-ui-test.h"

static MtsApplication *app;
static MtsWindow *window;
static char *data_home;
static const char *language;
/* What does not fit, for every step and size: all of it is reported. */
static GString *problems;

/* The two sizes of the metainfo's screenshots: a phone and a laptop. */
static const struct { int width; int height; } sizes[] = { { 400, 800 }, { 1280, 800 } };

/* The frame that GTK draws around a window without a window manager
 * (Xvfb has none) is counted in its width. */
#define FRAME_SLACK 32

#define wait_for mts_ui_test_wait_for

static void
settle (void)
{
  mts_ui_test_settle (GTK_WIDGET (window));
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

typedef struct
{
  int width;
  int height;
} Size;

/* The window took the size it was asked for, or its content cannot be
 * that narrow (an overflow, which the caller reports). */
static gboolean
size_settled (gpointer data)
{
  Size *size = data;
  int minimum;

  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  return ABS (gtk_widget_get_height (GTK_WIDGET (window)) - size->height) <= FRAME_SLACK &&
         (ABS (gtk_widget_get_width (GTK_WIDGET (window)) - size->width) <= FRAME_SLACK ||
          minimum > size->width + FRAME_SLACK);
}

static void
resize (int width,
        int height)
{
  Size size = { width, height };

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  wait_for (size_settled, &size, "the window size");
  settle ();
}

/* Labels cut off on purpose, where the whole text is elsewhere: the
 * header bar's title is the step's name, which the page shows whole as
 * its heading (and GNOME's header bars always cut titles that way). */
static gboolean
ellipsis_allowed (GtkWidget *label)
{
  return gtk_widget_get_ancestor (label, ADW_TYPE_WINDOW_TITLE) != NULL;
}

static gboolean
shown (GtkWidget *widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_child_visible (widget) &&
         gtk_widget_get_width (widget) > 0;
}

/* Every label now on screen in @widget: cut-off ones go to @cut, and the
 * widest minimum width goes to @widest, for the report of an overflow. */
static void
collect_labels (GtkWidget  *widget,
                GString    *cut,
                int        *widest,
                GString    *widest_text)
{
  if (!shown (widget))
    return;

  if (GTK_IS_LABEL (widget))
    {
      GtkLabel *label = GTK_LABEL (widget);
      int minimum;

      if (pango_layout_is_ellipsized (gtk_label_get_layout (label)) && !ellipsis_allowed (widget))
        g_string_append_printf (cut, "\n  “%s” (%s, %d px wide)", gtk_label_get_text (label),
                                gtk_widget_get_name (widget), gtk_widget_get_width (widget));
      gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      if (minimum > *widest)
        {
          *widest = minimum;
          g_string_assign (widest_text, gtk_label_get_text (label));
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, cut, widest, widest_text);
}

/* The screenshot of one step at one size, and what does not fit on it. */
static void
check_step_at (const char *step,
               int         width,
               int         height)
{
  g_autoptr(GString) cut = g_string_new (NULL);
  g_autoptr(GString) widest_text = g_string_new (NULL);
  g_autofree char *name = g_strdup_printf ("%s-%s-%dx%d", language, step, width, height);
  int widest = 0;
  int actual;

  resize (width, height);
  mts_ui_test_save_screenshot (GTK_WIDGET (window), name);
  collect_labels (GTK_WIDGET (window), cut, &widest, widest_text);

  actual = gtk_widget_get_width (GTK_WIDGET (window));
  if (actual > width + FRAME_SLACK)
    g_string_append_printf (problems, "\n%s: the window is %d px wide instead of %d: its content "
                            "cannot be narrower; the widest label (%d px) says “%s”",
                            name, actual, width, widest, widest_text->str);
  if (cut->len > 0)
    g_string_append_printf (problems, "\n%s: text cut off with an ellipsis:%s", name, cut->str);
}

static void
check_step (const char *step)
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    check_step_at (step, sizes[i].width, sizes[i].height);
}

static gboolean
not_checking (gpointer data)
{
  return !_mts_window_is_checking (window);
}

/* No network here: the DNS server is the discard port, so every check
 * ends by itself at once.  Waiting for that, instead of stopping it, keeps
 * the "check stopped" toast out of the screenshots. */
static void
wait_for_check (void)
{
  wait_for (not_checking, NULL, "the check to end");
  settle ();
}

static void
next (MtsStep expected)
{
  mts_ui_test_click (_mts_window_get_next_button (window));
  g_assert_cmpint (_mts_window_get_step (window), ==, expected);
}

static void
add_host (const char *text)
{
  MtsServersPage *page = MTS_SERVERS_PAGE (_mts_window_get_page (window, MTS_STEP_SERVERS));
  AdwEntryRow *row = _mts_servers_page_get_add_row (page);

  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
  settle ();
}

/* Every step, with the messages that add the most text: the servers
 * page's complaint about an address, the policy's warning about a short
 * max_age, the reporting page's error about an address it cannot use. */
static void
test_every_step (void)
{
  MtsWelcomePage *welcome = _mts_window_get_welcome_page (window);
  MtsPolicyPage *policy;
  MtsReportingPage *reporting;
  AdwLeaflet *leaflet = _mts_window_get_leaflet (window);

  g_test_message ("language %s: the Next button says “%s”", language,
                  gtk_button_get_label (_mts_window_get_next_button (window)));
  check_step ("welcome");

  gtk_editable_set_text (_mts_welcome_page_get_entry (welcome), "example.com");
  settle ();
  mts_ui_test_click (_mts_welcome_page_get_start (welcome));
  g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_DISCOVER);
  wait_for_check ();
  check_step ("discover");

  next (MTS_STEP_SERVERS);
  add_host ("mx1.example.com");
  add_host ("mx2.example.com");
  add_host ("192.0.2.1");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (
    _mts_servers_page_get_message (MTS_SERVERS_PAGE (_mts_window_get_page (window, MTS_STEP_SERVERS))))));
  check_step ("servers");

  next (MTS_STEP_PROBE);
  wait_for_check ();
  check_step ("probe");

  next (MTS_STEP_POLICY);
  policy = MTS_POLICY_PAGE (_mts_window_get_page (window, MTS_STEP_POLICY));
  gtk_spin_button_set_value (_mts_policy_page_get_days (policy), 3);
  settle ();
  check_step ("policy");
  gtk_spin_button_set_value (_mts_policy_page_get_days (policy), 14);
  settle ();

  next (MTS_STEP_REPORTING);
  reporting = MTS_REPORTING_PAGE (_mts_window_get_page (window, MTS_STEP_REPORTING));
  gtk_editable_set_text (_mts_reporting_page_get_entry (reporting, 0), "ftp://reports.example.com/");
  settle ();
  check_step ("reporting-error");
  gtk_editable_set_text (_mts_reporting_page_get_entry (reporting, 0), "mailto:tlsrpt@example.com");
  settle ();
  check_step ("reporting");

  next (MTS_STEP_PUBLISH);
  check_step ("publish");

  next (MTS_STEP_PROGRESS);
  check_step ("progress");

  /* Narrow, the list of steps is a page of its own. */
  resize (sizes[0].width, sizes[0].height);
  g_assert_true (adw_leaflet_get_folded (leaflet));
  adw_leaflet_navigate (leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  check_step_at ("steps", sizes[0].width, sizes[0].height);
  adw_leaflet_navigate (leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  resize (sizes[1].width, sizes[1].height);

  if (problems->len > 0)
    {
      g_auto(GStrv) lines = g_strsplit (problems->str + 1, "\n", -1);

      /* One TAP comment a line. */
      for (guint i = 0; lines[i] != NULL; i++)
        g_test_message ("%s", lines[i]);
      g_test_fail_printf ("text does not fit in %s (the lines above; screenshots in %s/screenshots)",
                          language, g_getenv ("G_TEST_BUILDDIR"));
    }
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *localedir = g_getenv ("MTS_LOCALEDIR");
  int status;

  /* glibc reads LANGUAGE only when the locale is not exactly "C": the
   * tests run with LC_ALL=C.UTF-8, which is not, and is on every system. */
  language = g_getenv ("MTS_TEST_LANGUAGE");
  if (language == NULL || *language == '\0')
    language = "de";
  g_setenv ("LANGUAGE", language, TRUE);
  setlocale (LC_ALL, "");
  /* The catalogs that meson builds as BUILD/po/LANG/LC_MESSAGES/PACKAGE.mo,
   * not the installed ones. */
  g_assert_nonnull (localedir);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  data_home = g_dir_make_tmp ("mts-translated-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);

  app = mts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = MTS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  wait_for (is_mapped, window, "the window to be shown");
  /* A DNS server that is not there (the discard port): nothing here
   * depends on the network the test runs on. */
  g_assert_true (_mts_window_set_dns_server (window, "127.0.0.1:9", &error));
  g_assert_no_error (error);

  problems = g_string_new (NULL);
  g_test_add_func ("/mts/translated-ui/every-step", test_every_step);
  status = g_test_run ();
  g_string_free (problems, TRUE);

  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  mts_ui_test_drain ();
  g_assert_finalize_object (window);
  g_object_unref (app);
  remove_tree (data_home);
  g_free (data_home);
  return status;
}
