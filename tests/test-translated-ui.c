/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-translated-ui.c: every step of the wizard in one language (German,
 * whose strings are the longest, unless MTS_TEST_LANGUAGE names another),
 * from the catalogs built in the build dir, narrow and wide, with a
 * screenshot of each, checked for text that does not fit: a label that
 * does not wrap makes the window wider than asked, and a label cut off
 * with "…" hides words.  The Progress step is also seen with imported
 * reports while testing, and so are the windows that open from it and
 * from the menu: the switch dialogs, What is MTA-STS? and Preferences. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "app/mts-alert.h"
#include "app/mts-application.h"
#include "app/mts-preferences-window.h"
#include "app/mts-promotion-dialog.h"
#include "app/mts-readiness-view.h"
#include "app/mts-timeline-view.h"
#include "app/mts-what-is-window.h"
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
#define is_mapped mts_ui_test_is_mapped
#define find_type mts_ui_test_find_type
/* The labels are checked wherever they are; this is for the screenshots. */
#define scroll_to mts_ui_test_scroll_to

static void
settle (void)
{
  mts_ui_test_settle (GTK_WIDGET (window));
}

typedef struct
{
  GtkWidget *toplevel;
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

  gtk_widget_measure (size->toplevel, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  return ABS (gtk_widget_get_height (size->toplevel) - size->height) <= FRAME_SLACK &&
         (ABS (gtk_widget_get_width (size->toplevel) - size->width) <= FRAME_SLACK ||
          minimum > size->width + FRAME_SLACK);
}

static void
resize_window (GtkWidget *toplevel,
               int        width,
               int        height)
{
  Size size = { toplevel, width, height };

  gtk_window_set_default_size (GTK_WINDOW (toplevel), width, height);
  wait_for (size_settled, &size, "the window size");
  mts_ui_test_settle (toplevel);
}

static void
resize (int width,
        int height)
{
  resize_window (GTK_WIDGET (window), width, height);
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

/* The screenshot of one window at one size, and what does not fit on it;
 * @top: (nullable): scrolled to the top of the screenshot. */
static void
check_window_at (GtkWidget  *toplevel,
                 const char *step,
                 int         width,
                 int         height,
                 GtkWidget  *top)
{
  g_autoptr(GString) cut = g_string_new (NULL);
  g_autoptr(GString) widest_text = g_string_new (NULL);
  g_autofree char *name = g_strdup_printf ("%s-%s-%dx%d", language, step, width, height);
  int widest = 0;
  int actual;

  resize_window (toplevel, width, height);
  if (top != NULL)
    scroll_to (top);
  mts_ui_test_save_screenshot (toplevel, name);
  collect_labels (toplevel, cut, &widest, widest_text);

  actual = gtk_widget_get_width (toplevel);
  if (actual > width + FRAME_SLACK)
    g_string_append_printf (problems, "\n%s: the window is %d px wide instead of %d: its content "
                            "cannot be narrower; the widest label (%d px) says “%s”",
                            name, actual, width, widest, widest_text->str);
  if (cut->len > 0)
    g_string_append_printf (problems, "\n%s: text cut off with an ellipsis:%s", name, cut->str);
}

static void
check_step_at (const char *step,
               int         width,
               int         height)
{
  check_window_at (GTK_WIDGET (window), step, width, height, NULL);
}

static void
check_step (const char *step)
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    check_step_at (step, sizes[i].width, sizes[i].height);
}

/* Another window (a dialog, Preferences) at both sizes. */
static void
check_window (GtkWidget  *toplevel,
              const char *name,
              GtkWidget  *top)
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    check_window_at (toplevel, name, sizes[i].width, sizes[i].height, top);
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

/* The Progress step and what opens from it ------------------------------ */

static MtsProgressPage *
progress_page (void)
{
  return MTS_PROGRESS_PAGE (_mts_window_get_page (window, MTS_STEP_PROGRESS));
}

static MtsReadinessView *
readiness_view (void)
{
  return MTS_READINESS_VIEW (find_type (GTK_WIDGET (progress_page ()), MTS_TYPE_READINESS_VIEW));
}

/* One day's TLS report (RFC 8460) for example.com from @organization. */
static void
write_report (const char *dir,
              const char *organization,
              int         day,
              int         successful,
              const char *failure_type,
              int         failed)
{
  g_autofree char *date = g_strdup_printf ("2026-03-%02d", day);
  g_autofree char *name = g_strdup_printf ("%s-%s.json", organization, date);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *details = failed > 0
    ? g_strdup_printf ("{\"result-type\": \"%s\", \"sending-mta-ip\": \"192.0.2.10\", "
                       "\"receiving-mx-hostname\": \"mx1.example.com\", \"failed-session-count\": %d}",
                       failure_type, failed)
    : g_strdup ("");
  g_autofree char *json = g_strdup_printf (
    "{\"organization-name\": \"%s\", \"date-range\": {\"start-datetime\": \"%sT00:00:00Z\", "
    "\"end-datetime\": \"%sT23:59:59Z\"}, \"contact-info\": \"tlsrpt@reporter.example\", "
    "\"report-id\": \"%s-%s\", \"policies\": [{\"policy\": {\"policy-type\": \"sts\", "
    "\"policy-string\": [\"version: STSv1\", \"mode: testing\", \"mx: mx1.example.com\", "
    "\"max_age: 604800\"], \"policy-domain\": \"example.com\", \"mx-host\": [\"mx1.example.com\"]}, "
    "\"summary\": {\"total-successful-session-count\": %d, \"total-failure-session-count\": %d}, "
    "\"failure-details\": [%s]}]}",
    organization, date, date, organization, date, successful, failed, details);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, json, -1, &error));
  g_assert_no_error (error);
}

static gboolean
reports_shown (gpointer data)
{
  MtsReportsView *view = data;

  return !mts_reports_view_is_importing (view) && !_mts_reports_view_is_summarizing (view);
}

/* Reports from two senders over ten days, large numbers (digit grouping),
 * failures of two kinds, and a file that is no report: every part of the
 * Reports view shows. */
static void
import_reports (void)
{
  MtsReportsView *view = _mts_progress_page_get_reports_view (progress_page ());
  g_autofree char *dir = g_build_filename (data_home, "reports", NULL);
  g_autofree char *broken = g_build_filename (dir, "broken.json", NULL);
  g_autoptr(GListStore) files = g_list_store_new (G_TYPE_FILE);
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (int day = 1; day <= 10; day++)
    {
      write_report (dir, "Google Inc.", day, 12000 + 100 * day,
                    day == 4 ? "certificate-expired" : "starttls-not-supported", day % 3 == 0 ? 2 : 0);
      write_report (dir, "Microsoft Corporation", day, 5000, "validation-failure", day == 7 ? 1 : 0);
    }
  g_assert_true (g_file_set_contents (broken, "{ \"organization-name\": ", -1, &error));
  g_assert_no_error (error);
  folder = g_file_new_for_path (dir);
  g_list_store_append (files, folder);
  g_assert_true (_mts_window_import_files (window, G_LIST_MODEL (files)));
  wait_for (reports_shown, view, "the reports to be imported and summed up");
  settle ();
}

/* The project as after weeks of testing: published, then checked. */
static void
start_testing (void)
{
  MtsProject *project = _mts_window_get_project (window);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) published = g_date_time_add_days (now, -20);
  const char *id = "20261101T000000";

  mts_project_set_mode (project, MTS_POLICY_MODE_TESTING);
  mts_project_add_id (project, id, published);
  mts_project_mark_id_published (project, id, published);
  mts_project_set_published (project, MTS_PUBLISHED_POLICY, published);
  mts_project_set_published (project, MTS_PUBLISHED_STS_RECORD, published);
  mts_project_set_published (project, MTS_PUBLISHED_TLSRPT_RECORD, published);
  mts_project_set_state (project, MTS_PROJECT_STATE_TESTING, published);
  /* As after a check that saw it all: the window shows the project again. */
  _mts_window_project_changed (GTK_WIDGET (progress_page ()));
  settle ();
}

static gboolean
has_toplevel (gpointer data)
{
  GType type = GPOINTER_TO_SIZE (data);
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (item), type) && gtk_widget_get_mapped (GTK_WIDGET (item)))
        return TRUE;
    }
  return FALSE;
}

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  wait_for (has_toplevel, GSIZE_TO_POINTER (type), g_type_name (type));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (item), type) && gtk_widget_get_mapped (GTK_WIDGET (item)))
        return GTK_WIDGET (item);
    }
  g_assert_not_reached ();
}

static void
close_window (GtkWidget *toplevel)
{
  g_object_ref (toplevel);
  gtk_window_destroy (GTK_WINDOW (toplevel));
  mts_ui_test_drain ();
  g_assert_finalize_object (toplevel);
  settle ();
}

/* A switch's dialog from its button on the Progress step. */
static void
check_promotion (const char *which,
                 const char *name)
{
  GtkWidget *dialog;

  mts_ui_test_click (_mts_readiness_view_get_button (readiness_view (), which));
  if (g_str_equal (which, "enforce"))
    {
      /* Not ready: it asks first, naming what is missing.  A message
       * dialog is as narrow as it can be; stretched wide it says nothing
       * more. */
      GtkWidget *confirm = mts_alert_get_current ();

      g_assert_nonnull (confirm);
      /* Before libadwaita 1.5 the alert is a window of its own; later it
       * is drawn inside the main window, which the steps check. */
      if (GTK_IS_WINDOW (confirm))
        check_window_at (confirm, "promotion-confirm", sizes[0].width, sizes[0].height, NULL);
      mts_alert_respond (confirm, "switch");
      mts_ui_test_drain ();
    }
  dialog = find_toplevel (MTS_TYPE_PROMOTION_DIALOG);
  mts_ui_test_settle (dialog);
  check_window (dialog, name, NULL);
  close_window (dialog);
  /* A switch under way hides the others: it is forgotten, as Cancel
   * Switch would, so that the next one can be opened. */
  mts_project_set_pending_switch (_mts_window_get_project (window), NULL);
  settle ();
}

/* Every step, with the messages that add the most text: the servers
 * page's complaint about an address, the policy's warning about a short
 * max_age, the reporting page's error about an address it cannot use. */
static MtsTimelineView *
find_timeline (GtkWidget *root)
{
  if (MTS_IS_TIMELINE_VIEW (root))
    return MTS_TIMELINE_VIEW (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      MtsTimelineView *found = find_timeline (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

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
  {
    /* The file keeps what happened, not words: the timeline words it in
     * the reader's language. */
    GtkListBox *list = _mts_timeline_view_get_list (find_timeline (GTK_WIDGET (window)));
    GtkWidget *created = gtk_widget_get_last_child (GTK_WIDGET (list));
    GPtrArray *timeline = mts_project_get_timeline (_mts_window_get_project (window));

    g_assert_cmpstr (((MtsProjectEvent *) timeline->pdata[0])->text, ==, "Domain set up");
    g_assert_cmpstr (gtk_widget_get_name (created), ==, "created");
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (created)), ==, _("Domain set up"));
    if (g_str_equal (language, "de"))
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (created)), ==, "Domain eingerichtet");
  }

  /* With reports, testing, then each switch's dialog. */
  import_reports ();
  start_testing ();
  check_step ("progress-testing");
  {
    MtsReportsView *view = _mts_progress_page_get_reports_view (progress_page ());

    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      check_window_at (GTK_WIDGET (window), "progress-reports", sizes[i].width, sizes[i].height,
                       GTK_WIDGET (view));
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      check_window_at (GTK_WIDGET (window), "progress-reports-lists", sizes[i].width, sizes[i].height,
                       GTK_WIDGET (_mts_reports_view_get_list (view, "types")));
  }
  check_promotion ("enforce", "promotion-enforce");
  check_promotion ("remove", "promotion-remove");

  /* Enforced: the verdict and the switches that apply then. */
  mts_project_set_mode (_mts_window_get_project (window), MTS_POLICY_MODE_ENFORCE);
  mts_project_set_state (_mts_window_get_project (window), MTS_PROJECT_STATE_ENFORCE, NULL);
  _mts_window_project_changed (GTK_WIDGET (progress_page ()));
  settle ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (_mts_readiness_view_get_button (readiness_view (), "testing"))));
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    check_window_at (GTK_WIDGET (window), "progress-enforce", sizes[i].width, sizes[i].height,
                     GTK_WIDGET (_mts_readiness_view_get_checklist (readiness_view ())));
  resize (sizes[1].width, sizes[1].height);

  /* The windows that open from the menu and the first step. */
  {
    GtkWidget *what_is = GTK_WIDGET (mts_what_is_window_new (GTK_WINDOW (window)));

    gtk_window_present (GTK_WINDOW (what_is));
    wait_for (is_mapped, what_is, "the What is MTA-STS? window");
    check_window (what_is, "what-is", NULL);
    close_window (what_is);
  }
  {
    GtkWidget *preferences = GTK_WIDGET (mts_preferences_window_new (GTK_WINDOW (window)));

    gtk_window_present (GTK_WINDOW (preferences));
    wait_for (is_mapped, preferences, "the preferences");
    check_window (preferences, "preferences", NULL);
    adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "readiness");
    check_window (preferences, "preferences-readiness", NULL);
    close_window (preferences);
  }

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

  window = mts_ui_test_start (&argc, &argv, "translated", &app, &data_home);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  /* A DNS server that is not there (the discard port): nothing here
   * depends on the network the test runs on. */
  g_assert_true (_mts_window_set_dns_server (window, "127.0.0.1:9", &error));
  g_assert_no_error (error);

  problems = g_string_new (NULL);
  g_test_add_func ("/mts/translated-ui/every-step", test_every_step);
  status = g_test_run ();
  g_string_free (problems, TRUE);

  mts_ui_test_stop (window, app, g_steal_pointer (&data_home));
  return status;
}
