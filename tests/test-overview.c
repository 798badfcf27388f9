/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-overview.c: the welcome page for an admin with several domains:
 * the overview of saved domains (mode, readiness for enforce, last check),
 * and "What is MTA-STS?" with its two RFC links; screenshots of both, light
 * and dark, wide and narrow. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "app/mts-application.h"
#include "app/mts-what-is-window.h"
#include "app/mts-window-private.h"
#include "core/mts-project-store.h"
#include "core/mts-report.h"
#include "mts-ui-test.h"

static MtsApplication *app;
static MtsWindow *window;

static GDateTime *
days_ago (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_add_days (now, -days);
}

/* One day's TLS report from @org: @ok sessions, and @failed ones of
 * @type when it is set. */
static void
add_report (MtsProject *project,
            const char *org,
            int         days_back,
            gint64      ok,
            const char *type,
            gint64      failed)
{
  const char *domain = mts_project_get_domain (project);
  g_autoptr(GDateTime) start = days_ago (days_back);
  g_autofree char *start_text = g_date_time_format (start, "%Y-%m-%dT00:00:00Z");
  g_autofree char *end_text = g_date_time_format (start, "%Y-%m-%dT23:59:59Z");
  g_autofree char *id = g_strdup_printf ("%s-%d-%s", org, days_back, type != NULL ? type : "ok");
  g_autofree char *details = type != NULL
    ? g_strdup_printf (", \"failure-details\": [{\"result-type\": \"%s\", \"receiving-mx-hostname\": "
                       "\"mx1.%s\", \"failed-session-count\": %" G_GINT64_FORMAT "}]",
                       type, domain, failed)
    : g_strdup ("");
  g_autofree char *json = g_strdup_printf (
    "{\"organization-name\": \"%s\", \"report-id\": \"%s\", \"date-range\": {\"start-datetime\": "
    "\"%s\", \"end-datetime\": \"%s\"}, \"contact-info\": null, \"policies\": [{\"policy\": "
    "{\"policy-type\": \"sts\", \"policy-domain\": \"%s\", \"mx-host\": [\"mx1.%s\"]}, "
    "\"summary\": {\"total-successful-session-count\": %" G_GINT64_FORMAT
    ", \"total-failure-session-count\": %" G_GINT64_FORMAT "}%s}]}",
    org, id, start_text, end_text, domain, domain, ok, failed, details);
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsReport) report = mts_report_parse (json, strlen (json), &error);
  g_autoptr(JsonObject) facts = NULL;

  g_assert_no_error (error);
  facts = mts_report_to_facts (report);
  g_assert_true (mts_project_add_report_facts (project, org, id, facts));
}

/* An audit that found both mail servers good and the policy host's
 * certificate valid for 90 days more, @days_back days ago. */
static void
set_good_audit (MtsProject *project,
                int         days_back)
{
  const char *d = mts_project_get_domain (project);
  g_autoptr(GDateTime) when = days_ago (days_back);
  g_autoptr(GDateTime) expires = days_ago (-90);
  g_autofree char *not_after = g_date_time_format_iso8601 (expires);
  g_autofree char *json = g_strdup_printf (
    "{\"domain\": \"%s\", \"verdict\": \"ok\", \"mx\": ["
    "{\"host\": \"mx1.%s\", \"preference\": 10, \"covered\": true, \"probes\": [{\"host\": "
    "\"mx1.%s\", \"address\": \"192.0.2.1\", \"status\": \"ok\", \"problems\": []}], \"problems\": []}, "
    "{\"host\": \"mx2.%s\", \"preference\": 20, \"covered\": true, \"probes\": [{\"host\": "
    "\"mx2.%s\", \"address\": \"192.0.2.2\", \"status\": \"ok\", \"problems\": []}], \"problems\": []}], "
    "\"sts_record\": {\"name\": \"_mta-sts.%s\", \"records\": [\"v=STSv1; id=20261101T000000\"], "
    "\"valid\": true, \"id\": \"20261101T000000\", \"problems\": []}, \"policy\": {\"mode\": "
    "\"testing\", \"max_age\": 604800, \"mx\": [\"mx1.%s\", \"mx2.%s\"], \"cert\": {\"subject\": "
    "\"CN=mta-sts.%s\", \"not_after\": \"%s\", \"days_left\": 90, \"trusted\": true, "
    "\"name_matches\": true}, \"problems\": []}, \"problems\": []}",
    d, d, d, d, d, d, d, d, d, not_after);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  mts_project_set_last_audit (project, node, when);
}

/* Published in testing mode @days_back days ago, with the patterns of
 * both mail servers. */
static void
publish_testing (MtsProject *project,
                 int         days_back)
{
  g_autoptr(GDateTime) published = days_ago (days_back);
  g_autofree char *mx1 = g_strdup_printf ("mx1.%s", mts_project_get_domain (project));
  g_autofree char *mx2 = g_strdup_printf ("mx2.%s", mts_project_get_domain (project));
  const char *const patterns[] = { mx1, mx2, NULL };

  mts_project_set_mode (project, MTS_POLICY_MODE_TESTING);
  mts_project_set_max_age (project, 604800);
  mts_project_set_state (project, MTS_PROJECT_STATE_TESTING, published);
  mts_project_set_mx_patterns (project, patterns);
  mts_project_add_id (project, "20261101T000000", published);
  mts_project_set_published (project, MTS_PUBLISHED_POLICY, published);
  mts_project_set_published (project, MTS_PUBLISHED_STS_RECORD, published);
}

/* Four domains, one in each state, saved as the wizard saves them. */
static void
save_projects (void)
{
  g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
  g_autoptr(MtsProjectStore) store = mts_project_store_new (directory);
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) draft = NULL;
  g_autoptr(MtsProject) testing = NULL;
  g_autoptr(MtsProject) enforce = NULL;
  g_autoptr(MtsProject) removing = NULL;

  /* Just typed in: nothing published, never checked. */
  draft = mts_project_store_create (store, "alpha.example", &error);
  g_assert_no_error (error);
  g_assert_true (mts_project_store_save (store, draft, &error));

  /* Testing for 20 days, two reporters on 8 days, a good audit: ready. */
  testing = mts_project_store_create (store, "bravo.example", &error);
  g_assert_no_error (error);
  publish_testing (testing, 20);
  for (int day = 1; day <= 8; day++)
    {
      add_report (testing, "Google Inc.", day, 5000, NULL, 0);
      add_report (testing, "Microsoft Corporation", day, 3000, NULL, 0);
    }
  set_good_audit (testing, 1);
  g_assert_true (mts_project_store_save (store, testing, &error));

  /* Enforced, but a reporter saw certificate failures yesterday. */
  enforce = mts_project_store_create (store, "charlie.example", &error);
  g_assert_no_error (error);
  publish_testing (enforce, 60);
  for (int day = 1; day <= 8; day++)
    add_report (enforce, "Google Inc.", day, 5000, day == 1 ? "certificate-expired" : NULL,
                day == 1 ? 40 : 0);
  {
    g_autoptr(GDateTime) since = days_ago (30);

    mts_project_set_mode (enforce, MTS_POLICY_MODE_ENFORCE);
    mts_project_set_state (enforce, MTS_PROJECT_STATE_ENFORCE, since);
  }
  set_good_audit (enforce, 3);
  g_assert_true (mts_project_store_save (store, enforce, &error));

  /* On its way out. */
  removing = mts_project_store_create (store, "delta.example", &error);
  g_assert_no_error (error);
  publish_testing (removing, 90);
  {
    g_autoptr(GDateTime) since = days_ago (2);

    mts_project_set_mode (removing, MTS_POLICY_MODE_NONE);
    mts_project_set_state (removing, MTS_PROJECT_STATE_REMOVING, since);
  }
  set_good_audit (removing, 2);
  g_assert_true (mts_project_store_save (store, removing, &error));
}

static GtkListBoxRow *
overview_row (const char *domain)
{
  GtkListBox *list = _mts_welcome_page_get_domains (_mts_window_get_welcome_page (window));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_str_equal (gtk_widget_get_name (child), domain))
      return GTK_LIST_BOX_ROW (child);
  g_error ("no row for %s", domain);
}

static const char *
badge_of (GtkListBoxRow *row)
{
  GtkLabel *badge = g_object_get_data (G_OBJECT (row), "mts-badge");

  g_assert_true (GTK_IS_LABEL (badge));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (badge)));
  return gtk_label_get_text (badge);
}

static void
assert_line (GtkListBoxRow *row,
             const char    *key,
             const char    *expected_part)
{
  const char *line = g_object_get_data (G_OBJECT (row), key);
  const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));

  g_assert_nonnull (line);
  if (strstr (line, expected_part) == NULL)
    g_error ("%s of %s is “%s”, without “%s”", key, gtk_widget_get_name (GTK_WIDGET (row)), line,
             expected_part);
  /* What the test reads is what the row shows. */
  g_assert_nonnull (strstr (subtitle, line));
}

static char *
date_of (int days_back)
{
  g_autoptr(GDateTime) when = days_ago (days_back);
  g_autoptr(GDateTime) local = g_date_time_to_local (when);

  return g_date_time_format (local, "%-d %B %Y");
}

/* Every control has a name for screen readers. */
static gboolean
has_name (GtkWidget *widget)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL)
      || gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_BUTTON (widget) && GTK_IS_LABEL (gtk_button_get_child (GTK_BUTTON (widget))))
    return gtk_label_get_text (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (widget))))[0] != '\0';
  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget))[0] != '\0';
  return FALSE;
}

static void
collect_unnamed (GtkWidget *widget,
                 GString   *unnamed,
                 guint     *checked)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if ((GTK_IS_BUTTON (widget) && !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
      || GTK_IS_EDITABLE (widget)
      || (GTK_IS_LIST_BOX_ROW (widget) && gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget))))
    {
      (*checked)++;
      if (!has_name (widget) && !GTK_IS_TEXT (widget))
        g_string_append_printf (unnamed, " %s (%s)", G_OBJECT_TYPE_NAME (widget),
                                gtk_widget_get_name (widget));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_unnamed (child, unnamed, checked);
}

static void
assert_named (GtkWidget *root,
              guint      at_least)
{
  g_autoptr(GString) unnamed = g_string_new (NULL);
  guint checked = 0;

  collect_unnamed (root, unnamed, &checked);
  g_assert_cmpuint (checked, >=, at_least);
  if (unnamed->len > 0)
    g_error ("controls without an accessible name:%s", unnamed->str);
}

/* The overview is under the entry: scroll the page so that the screenshot
 * shows it, as someone looking for a domain would. */
static void
scroll_to_bottom (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;

  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
}

static void
start_cb (MtsWelcomePage *page,
          const char     *domain,
          char          **out)
{
  g_free (*out);
  *out = g_strdup (domain);
}

static void
save_screenshots (GtkWidget  *widget,
                  GtkWidget  *scroll_target,
                  const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  const struct { int width; const char *size; } sizes[] = { { 1280, "wide" }, { 400, "narrow" } };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      gtk_window_set_default_size (GTK_WINDOW (widget), sizes[i].width, 800);
      adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
      mts_ui_test_settle (widget);
      if (scroll_target != NULL)
        {
          scroll_to_bottom (scroll_target);
          mts_ui_test_settle (widget);
        }
      {
        g_autofree char *file = g_strdup_printf ("%s-light-%s", name, sizes[i].size);

        mts_ui_test_save_screenshot (widget, file);
      }
      adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
      mts_ui_test_settle (widget);
      {
        g_autofree char *file = g_strdup_printf ("%s-dark-%s", name, sizes[i].size);

        mts_ui_test_save_screenshot (widget, file);
      }
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_overview (void)
{
  MtsWelcomePage *page = _mts_window_get_welcome_page (window);
  g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
  g_autoptr(MtsProjectStore) store = mts_project_store_new (directory);
  g_autoptr(GPtrArray) summaries = NULL;
  g_autofree char *bravo_audit = date_of (1);
  g_autofree char *charlie_audit = date_of (3);
  g_autofree char *charlie_since = date_of (30);
  GtkListBoxRow *row;
  char *started = NULL;

  save_projects ();
  summaries = mts_project_store_list (store, NULL);
  g_assert_cmpuint (summaries->len, ==, 4);
  mts_welcome_page_set_projects (page, summaries);
  mts_ui_test_settle (GTK_WIDGET (window));

  row = overview_row ("alpha.example");
  g_assert_cmpstr (badge_of (row), ==, "Draft");
  assert_line (row, "mts-state", "Draft: not published yet");
  assert_line (row, "mts-readiness", "Not ready for enforce yet:");
  assert_line (row, "mts-audit", "Not checked yet");

  row = overview_row ("bravo.example");
  g_assert_cmpstr (badge_of (row), ==, "Testing");
  assert_line (row, "mts-state", "Testing since");
  assert_line (row, "mts-readiness", "Ready to switch to enforce");
  assert_line (row, "mts-audit", bravo_audit);

  row = overview_row ("charlie.example");
  g_assert_cmpstr (badge_of (row), ==, "Enforce");
  assert_line (row, "mts-state", charlie_since);
  assert_line (row, "mts-readiness", "Needs attention: 2 of 5 checks not met");
  assert_line (row, "mts-audit", charlie_audit);

  row = overview_row ("delta.example");
  g_assert_cmpstr (badge_of (row), ==, "Removing");
  assert_line (row, "mts-readiness", "No readiness checks while it is being removed");
  assert_named (GTK_WIDGET (window), 6);
  save_screenshots (GTK_WIDGET (window), GTK_WIDGET (_mts_welcome_page_get_domains (page)), "overview");

  /* A row opens its domain, as the start of the wizard does. */
  {
    gulong id = g_signal_connect (page, "start", G_CALLBACK (start_cb), &started);

    row = overview_row ("bravo.example");
    g_assert_true (gtk_list_box_row_get_activatable (row));
    /* Only which domain the row asks for: the window would open it and
     * start checking it over the network. */
    g_signal_handlers_block_matched (page, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, window);
    g_signal_emit_by_name (_mts_welcome_page_get_domains (page), "row-activated", row);
    g_signal_handlers_unblock_matched (page, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, window);
    g_signal_handler_disconnect (page, id);
  }
  g_assert_cmpstr (started, ==, "bravo.example");
  g_free (started);
}

static gboolean
is_what_is_window (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (MTS_IS_WHAT_IS_WINDOW (toplevel) && gtk_widget_get_mapped (GTK_WIDGET (toplevel)))
        {
          *(gpointer *) data = toplevel;
          return TRUE;
        }
    }
  return FALSE;
}

static void
test_what_is (void)
{
  MtsWelcomePage *page = _mts_window_get_welcome_page (window);
  GtkButton *button = _mts_welcome_page_get_what_is (page);
  MtsWhatIsWindow *what_is = NULL;
  GtkListBox *links;
  const char *uris[2] = { NULL, NULL };
  guint n = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  mts_ui_test_settle (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (button)));
  g_assert_cmpstr (gtk_button_get_label (button), ==, "What is MTA-STS?");
  gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL, "What is MTA-STS?");

  mts_ui_test_click (button);
  mts_ui_test_wait_for (is_what_is_window, &what_is, "the What is MTA-STS? window");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (what_is)) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (what_is)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (what_is)), ==, "What Is MTA-STS?");

  links = _mts_what_is_window_get_links (what_is);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (links)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      g_assert_cmpuint (n, <, G_N_ELEMENTS (uris));
      g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (child)));
      uris[n++] = _mts_what_is_window_get_uri (GTK_LIST_BOX_ROW (child));
      /* The row shows the address it opens. */
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child)), ==, uris[n - 1]);
    }
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (uris[0], ==, "https://www.rfc-editor.org/rfc/rfc8461");
  g_assert_cmpstr (uris[1], ==, "https://www.rfc-editor.org/rfc/rfc8460");
  assert_named (GTK_WIDGET (what_is), 3);

  save_screenshots (GTK_WIDGET (what_is), NULL, "what-is");
  save_screenshots (GTK_WIDGET (what_is), GTK_WIDGET (links), "what-is-links");
  /* Readable at the narrowest a phone-sized window gets. */
  gtk_window_set_default_size (GTK_WINDOW (what_is), 360, 640);
  mts_ui_test_save_screenshot (GTK_WIDGET (what_is), "what-is-light-360");
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (what_is)), <=, 400);

  /* Escape closes it, and closing frees it. */
  g_object_ref (what_is);
  gtk_widget_activate_action (GTK_WIDGET (what_is), "window.close", NULL);
  mts_ui_test_drain ();
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (what_is)));
  g_assert_finalize_object (what_is);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  int status;

  window = mts_ui_test_start (&argc, &argv, "overview", &app, &data_home);
  mts_ui_test_settle (GTK_WIDGET (window));

  g_test_add_func ("/mts/overview/what-is", test_what_is);
  g_test_add_func ("/mts/overview/rows", test_overview);

  status = g_test_run ();

  mts_ui_test_stop (window, app, g_steal_pointer (&data_home));
  return status;
}
