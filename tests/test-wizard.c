/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-wizard.c: the real wizard, walked like a person with no network:
 * every step, the values on Publish against `mtasts generate`, Copy, Export
 * all, the project saved and resumed, every control named for screen
 * readers, and screenshots of every step in light and dark, wide and narrow. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "app/mts-application.h"
#include "app/mts-rows.h"
#include "app/mts-window-private.h"
#include "core/mts-export.h"
#include "core/mts-project-store.h"
#include "core/mts-readiness.h"
#include "mts-ui-test.h"

static MtsApplication *app;
static MtsWindow *window;
static char *data_home;

#define wait_for mts_ui_test_wait_for

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static void
settle (void)
{
  mts_ui_test_settle (GTK_WIDGET (window));
}

static void
save_screenshot (const char *name)
{
  mts_ui_test_save_screenshot (GTK_WIDGET (window), name);
}

typedef struct
{
  int width;
  int height;
} Size;

static gboolean
has_size (gpointer data)
{
  Size *size = data;

  /* The default size counts the frame around the window's content, which
   * depends on the style; a few pixels either way are that frame. */
  return ABS (gtk_widget_get_width (GTK_WIDGET (window)) - size->width) <= 32 &&
         ABS (gtk_widget_get_height (GTK_WIDGET (window)) - size->height) <= 32;
}

static void
resize (int width,
        int height)
{
  Size size = { width, height };

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  wait_for (has_size, &size, "the window size");
  settle ();
}

/* The four screenshots of one step: light and dark, wide and narrow. */
static void
shoot_step (const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  struct { int width; const char *size; } sizes[] = { { 1280, "wide" }, { 400, "narrow" } };
  struct { AdwColorScheme scheme; const char *name; } schemes[] = {
    { ADW_COLOR_SCHEME_FORCE_LIGHT, "light" },
    { ADW_COLOR_SCHEME_FORCE_DARK, "dark" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      resize (sizes[i].width, 800);
      for (guint j = 0; j < G_N_ELEMENTS (schemes); j++)
        {
          g_autofree char *file = g_strdup_printf ("%s-%s-%s", name, schemes[j].name, sizes[i].size);

          adw_style_manager_set_color_scheme (style, schemes[j].scheme);
          save_screenshot (file);
        }
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  resize (1280, 800);
}

#define click mts_ui_test_click

static gboolean
not_checking (gpointer data)
{
  return !_mts_window_is_checking (window);
}

/* No network in this test: a check that started is stopped with Escape,
 * as a person would. */
static void
stop_check (void)
{
  if (_mts_window_is_checking (window))
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-check", NULL));
      wait_for (not_checking, NULL, "the check to stop");
    }
}

/* The test asks a DNS server that is not there (the discard port of this
 * machine), so that it never depends on the network it runs on. */
static void
use_no_dns (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (_mts_window_set_dns_server (window, "127.0.0.1:9", &error));
  g_assert_no_error (error);
}

static void
next (MtsStep expected)
{
  /* Enter would do the same: Next is the default widget. */
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (window)) ==
                 GTK_WIDGET (_mts_window_get_next_button (window)));
  click (_mts_window_get_next_button (window));
  g_assert_cmpint (_mts_window_get_step (window), ==, expected);
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static MtsWizardModel *
model (void)
{
  return _mts_window_get_model (window);
}

static void
start_domain (const char *domain)
{
  MtsWelcomePage *page = _mts_window_get_welcome_page (window);

  gtk_editable_set_text (_mts_welcome_page_get_entry (page), domain);
  settle ();
  click (_mts_welcome_page_get_start (page));
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

static const char *
servers_message (void)
{
  MtsServersPage *page = MTS_SERVERS_PAGE (_mts_window_get_page (window, MTS_STEP_SERVERS));
  GtkLabel *label = _mts_servers_page_get_message (page);

  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_text (label) : NULL;
}

/* What `mtasts generate --format json` prints for what the wizard holds. */
static JsonObject *
generate_json (void)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *const *patterns = mts_wizard_model_get_patterns (model ());
  const char *const *rua = mts_wizard_model_get_rua (model ());
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  int status = 0;

  g_ptr_array_add (argv, g_strdup (g_getenv ("MTASTS")));
  g_ptr_array_add (argv, g_strdup ("generate"));
  g_ptr_array_add (argv, g_strdup ("--domain"));
  g_ptr_array_add (argv, g_strdup (mts_wizard_model_get_domain (model ())));
  for (guint i = 0; patterns[i] != NULL; i++)
    {
      g_ptr_array_add (argv, g_strdup ("--mx"));
      g_ptr_array_add (argv, g_strdup (patterns[i]));
    }
  g_ptr_array_add (argv, g_strdup ("--mode"));
  g_ptr_array_add (argv, g_strdup (mts_policy_mode_to_string (mts_wizard_model_get_mode (model ()))));
  g_ptr_array_add (argv, g_strdup ("--max-age"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", mts_wizard_model_get_max_age (model ())));
  for (guint i = 0; rua[i] != NULL; i++)
    {
      g_ptr_array_add (argv, g_strdup ("--rua"));
      g_ptr_array_add (argv, g_strdup (rua[i]));
    }
  g_ptr_array_add (argv, g_strdup ("--id"));
  g_ptr_array_add (argv, g_strdup (mts_wizard_model_get_id (model ())));
  g_ptr_array_add (argv, g_strdup ("--format"));
  g_ptr_array_add (argv, g_strdup ("json"));
  g_ptr_array_add (argv, NULL);

  g_assert_nonnull (g_getenv ("MTASTS"));
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static const char *
row_value (GtkListBox *list,
           const char *name)
{
  GtkWidget *row = find_named (GTK_WIDGET (list), name);

  g_assert_nonnull (row);
  return mts_copy_row_get_value (row);
}

typedef struct
{
  gboolean done;
  char *text;
} ClipboardRead;

static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), res, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static gboolean
read_done (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

static char *
clipboard_text (void)
{
  ClipboardRead read = { FALSE, NULL };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL,
                                 clipboard_read_cb, &read);
  wait_for (read_done, &read, "the clipboard");
  return read.text;
}

static void
test_walk (void)
{
  MtsPolicyPage *policy_page;
  MtsReportingPage *reporting_page;
  MtsPublishPage *publish_page;
  const char *const *patterns;
  g_autofree char *expected_policy = NULL;

  /* Welcome → Discover: the lookups start, and Escape stops them. */
  save_screenshot ("wizard-welcome");
  start_domain ("Example.COM");
  g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_DISCOVER);
  g_assert_nonnull (model ());
  g_assert_cmpstr (mts_wizard_model_get_domain (model ()), ==, "example.com");
  /* Without network the lookups may already have failed; if not, Escape
   * stops them. */
  stop_check ();
  g_assert_false (_mts_window_is_checking (window));
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_WELCOME), ==, MTS_STEP_STATE_DONE);
  shoot_step ("discover");

  /* Mail servers: no DNS, so the hosts are typed in. */
  next (MTS_STEP_SERVERS);
  g_assert_false (mts_wizard_model_get_dns_known (model ()));
  add_host ("mx1.example.com");
  g_assert_null (servers_message ());
  add_host ("192.0.2.1");
  g_assert_nonnull (servers_message ());
  g_assert_nonnull (strstr (servers_message (), "192.0.2.1"));
  add_host ("MX2.Example.com.");
  g_assert_null (servers_message ());
  add_host ("mx1.example.com");
  g_assert_nonnull (servers_message ());
  add_host ("");
  patterns = mts_wizard_model_get_patterns (model ());
  g_assert_cmpuint (g_strv_length ((char **) patterns), ==, 2);
  g_assert_cmpstr (patterns[0], ==, "mx1.example.com");
  g_assert_cmpstr (patterns[1], ==, "mx2.example.com");
  shoot_step ("servers");

  /* Server check: starts by itself; no network here, so stop it. */
  next (MTS_STEP_PROBE);
  stop_check ();
  shoot_step ("probe");
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_SERVERS), ==, MTS_STEP_STATE_DONE);

  /* Policy: testing is chosen for a new domain; the preview is the file. */
  next (MTS_STEP_POLICY);
  policy_page = MTS_POLICY_PAGE (_mts_window_get_page (window, MTS_STEP_POLICY));
  g_assert_true (gtk_check_button_get_active (_mts_policy_page_get_mode_check (policy_page, MTS_POLICY_MODE_TESTING)));
  g_assert_cmpint (mts_wizard_model_get_max_age (model ()), ==, 604800);
  g_assert_cmpstr (gtk_label_get_text (_mts_policy_page_get_preview (policy_page)), ==,
                   "version: STSv1\nmode: testing\nmx: mx1.example.com\nmx: mx2.example.com\nmax_age: 604800");
  g_assert_null (find_named (GTK_WIDGET (_mts_policy_page_get_findings (policy_page)), "policy-max-age-too-short"));

  /* Three days is too short for testing: the core's warning shows inline. */
  gtk_spin_button_set_value (_mts_policy_page_get_days (policy_page), 3);
  settle ();
  g_assert_cmpint (mts_wizard_model_get_max_age (model ()), ==, 3 * 86400);
  g_assert_nonnull (find_named (GTK_WIDGET (_mts_policy_page_get_findings (policy_page)), "policy-max-age-too-short"));
  shoot_step ("policy-warning");

  /* Enforce, then back to testing for two weeks. */
  gtk_check_button_set_active (_mts_policy_page_get_mode_check (policy_page, MTS_POLICY_MODE_ENFORCE), TRUE);
  settle ();
  g_assert_cmpint (mts_wizard_model_get_mode (model ()), ==, MTS_POLICY_MODE_ENFORCE);
  g_assert_nonnull (strstr (gtk_label_get_text (_mts_policy_page_get_preview (policy_page)), "mode: enforce"));
  gtk_check_button_set_active (_mts_policy_page_get_mode_check (policy_page, MTS_POLICY_MODE_TESTING), TRUE);
  gtk_spin_button_set_value (_mts_policy_page_get_days (policy_page), 14);
  settle ();
  g_assert_cmpint (mts_wizard_model_get_mode (model ()), ==, MTS_POLICY_MODE_TESTING);
  g_assert_cmpint (mts_wizard_model_get_max_age (model ()), ==, 1209600);
  g_assert_null (find_named (GTK_WIDGET (_mts_policy_page_get_findings (policy_page)), "policy-max-age-too-short"));
  shoot_step ("policy");

  /* Reports: checked as typed; the record follows every key. */
  next (MTS_STEP_REPORTING);
  reporting_page = MTS_REPORTING_PAGE (_mts_window_get_page (window, MTS_STEP_REPORTING));
  g_assert_null (find_named (GTK_WIDGET (_mts_reporting_page_get_record (reporting_page)), "tlsrpt-value"));
  gtk_editable_set_text (_mts_reporting_page_get_entry (reporting_page, 0), "ftp://reports.example.com/");
  settle ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (_mts_reporting_page_get_row_message (reporting_page, 0))));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (_mts_window_get_next_button (window))));
  g_assert_false (_mts_window_step_available (window, MTS_STEP_PUBLISH));
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_REPORTING), ==, MTS_STEP_STATE_PROBLEMS);
  shoot_step ("reporting-error");
  gtk_editable_set_text (_mts_reporting_page_get_entry (reporting_page, 0), "mailto:tlsrpt@example.com");
  settle ();
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_mts_reporting_page_get_row_message (reporting_page, 0))));
  g_assert_cmpstr (row_value (_mts_reporting_page_get_record (reporting_page), "tlsrpt-value"), ==,
                   "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (reporting_page), "reporting.add", NULL));
  gtk_editable_set_text (_mts_reporting_page_get_entry (reporting_page, 1), "https://reports.example.com/v1/tlsrpt");
  settle ();
  g_assert_cmpstr (row_value (_mts_reporting_page_get_record (reporting_page), "tlsrpt-value"), ==,
                   "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/v1/tlsrpt");
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_REPORTING), ==, MTS_STEP_STATE_DONE);
  shoot_step ("reporting");

  /* Publish: exactly what `mtasts generate` prints for the same inputs. */
  next (MTS_STEP_PUBLISH);
  publish_page = MTS_PUBLISH_PAGE (_mts_window_get_page (window, MTS_STEP_PUBLISH));
  {
    g_autoptr(JsonObject) generated = generate_json ();
    JsonArray *records = json_object_get_array_member (generated, "records");
    GtkListBox *lists[] = {
      _mts_publish_page_get_list (publish_page, MTS_PUBLISHED_STS_RECORD),
      _mts_publish_page_get_list (publish_page, MTS_PUBLISHED_TLSRPT_RECORD),
    };

    g_assert_cmpstr (_mts_publish_page_get_policy_text (publish_page), ==,
                     json_object_get_string_member (generated, "policy"));
    g_assert_cmpstr (row_value (_mts_publish_page_get_list (publish_page, MTS_PUBLISHED_POLICY), "url"), ==,
                     json_object_get_string_member (generated, "policy_url"));
    g_assert_cmpuint (json_array_get_length (records), ==, 2);
    for (guint i = 0; i < 2; i++)
      {
        JsonObject *record = json_array_get_object_element (records, i);
        g_autofree char *fqdn = g_strdup_printf ("%s.", json_object_get_string_member (record, "fqdn"));
        g_autofree char *ttl = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (record, "ttl"));

        g_assert_cmpstr (row_value (lists[i], "name"), ==, json_object_get_string_member (record, "name"));
        g_assert_cmpstr (row_value (lists[i], "fqdn"), ==, fqdn);
        g_assert_cmpstr (row_value (lists[i], "type"), ==, json_object_get_string_member (record, "type"));
        g_assert_cmpstr (row_value (lists[i], "value"), ==, json_object_get_string_member (record, "value"));
        g_assert_cmpstr (row_value (lists[i], "ttl"), ==, ttl);
      }
    expected_policy = g_strdup (json_object_get_string_member (generated, "policy"));
  }
  g_assert_cmpstr (expected_policy, ==,
                   "version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\nmax_age: 1209600\r\n");

  shoot_step ("publish");

  /* Copy puts exactly the value on the clipboard. */
  {
    GtkListBox *sts = _mts_publish_page_get_list (publish_page, MTS_PUBLISHED_STS_RECORD);
    GtkWidget *row = find_named (GTK_WIDGET (sts), "value");
    g_autofree char *copied = NULL;
    g_autofree char *copied_policy = NULL;

    click (mts_copy_row_get_button (row));
    copied = clipboard_text ();
    g_assert_cmpstr (copied, ==, mts_copy_row_get_value (row));
    g_assert_true (g_str_has_prefix (copied, "v=STSv1; id="));

    click (_mts_publish_page_get_copy_policy (publish_page));
    copied_policy = clipboard_text ();
    g_assert_cmpstr (copied_policy, ==, expected_policy);
  }

  g_assert_true (_mts_window_step_available (window, MTS_STEP_PROGRESS));
  next (MTS_STEP_PROGRESS);
  shoot_step ("progress");

  /* Large text (150 %), narrow: rows wrap, nothing is cut off. */
  {
    GtkSettings *settings = gtk_settings_get_default ();
    int dpi;

    g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
    g_object_set (settings, "gtk-xft-dpi", 144 * 1024, NULL);
    g_assert_true (_mts_window_go_to_step (window, MTS_STEP_PUBLISH));
    resize (400, 800);
    save_screenshot ("publish-large-text-light-narrow");
    g_assert_true (_mts_window_go_to_step (window, MTS_STEP_POLICY));
    save_screenshot ("policy-large-text-light-narrow");
    g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
    resize (1280, 800);
    g_assert_true (_mts_window_go_to_step (window, MTS_STEP_PROGRESS));
  }

  /* Narrow, the step list is one tap away, on its own. */
  resize (400, 800);
  g_assert_true (adw_leaflet_get_folded (_mts_window_get_leaflet (window)));
  adw_leaflet_navigate (_mts_window_get_leaflet (window), ADW_NAVIGATION_DIRECTION_BACK);
  save_screenshot ("steps-light-narrow");
  adw_leaflet_navigate (_mts_window_get_leaflet (window), ADW_NAVIGATION_DIRECTION_FORWARD);
  resize (1280, 800);

  /* Steps that have what they need can be jumped to from the list. */
  g_signal_emit_by_name (gtk_widget_get_parent (GTK_WIDGET (_mts_window_get_step_row (window, MTS_STEP_POLICY))),
                         "row-activated", _mts_window_get_step_row (window, MTS_STEP_POLICY));
  settle ();
  g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_POLICY);
  click (_mts_window_get_back_button (window));
  g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_PROBE);
  stop_check ();
}

typedef struct
{
  gboolean done;
  gboolean ok;
} ExportWait;

static void
export_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  ExportWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  wait->ok = mts_publish_page_export_finish (MTS_PUBLISH_PAGE (source), res, &error);
  g_assert_no_error (error);
  wait->done = TRUE;
}

static gboolean
export_done (gpointer data)
{
  return ((ExportWait *) data)->done;
}

static void
test_export_all (void)
{
  MtsPublishPage *page = MTS_PUBLISH_PAGE (_mts_window_get_page (window, MTS_STEP_PUBLISH));
  g_autofree char *dir = g_build_filename (data_home, "export", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(MtsSetup) setup = mts_wizard_model_build_setup (model ());
  struct { const char *name; MtsExportFormat format; } files[] = {
    { "example.com.zone", MTS_EXPORT_ZONE },
    { "example.com.csv", MTS_EXPORT_CSV },
    { "example.com.json", MTS_EXPORT_JSON },
    { "mta-sts.txt", MTS_EXPORT_POLICY },
  };
  ExportWait wait = { FALSE, FALSE };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  mts_publish_page_export_async (page, folder, NULL, export_cb, &wait);
  wait_for (export_done, &wait, "the export");
  g_assert_true (wait.ok);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i].name, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *expected = mts_export (setup, files[i].format);
      g_autoptr(GError) error = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (contents, ==, expected);
    }
}

static gboolean
is_interactive (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
         GTK_IS_SPIN_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_ENTRY (widget) ||
         GTK_IS_MENU_BUTTON (widget) || ADW_IS_ENTRY_ROW (widget) || GTK_IS_TEXT (widget) ||
         (GTK_IS_LIST_BOX_ROW (widget) && gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget)) &&
          gtk_widget_get_focusable (widget));
}

static gboolean
has_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;
  /* A button is "labelled by" its child, always: that names it only when
   * the child has text, not when it is an icon. */
  if (GTK_IS_BUTTON (widget))
    {
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (widget));

      if (GTK_IS_LABEL (child))
        return gtk_label_get_text (GTK_LABEL (child))[0] != '\0';
      if (ADW_IS_BUTTON_CONTENT (child))
        return adw_button_content_get_label (ADW_BUTTON_CONTENT (child))[0] != '\0';
      return FALSE;
    }
  if (gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_CHECK_BUTTON (widget) && gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)) != NULL)
    return TRUE;
  /* Rows are named by their title. */
  if (ADW_IS_PREFERENCES_ROW (widget) && !ADW_IS_ENTRY_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget))[0] != '\0';
  return FALSE;
}

/* The text field inside an entry row or spin button is named by its
 * owner, which is checked itself. */
static gboolean
named_by_owner (GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  /* The toggle inside a menu button is the menu button, named itself. */
  if (GTK_IS_BUTTON (widget) && GTK_IS_MENU_BUTTON (parent))
    return TRUE;
  return GTK_IS_TEXT (widget) &&
         (gtk_widget_get_ancestor (widget, ADW_TYPE_ENTRY_ROW) != NULL ||
          gtk_widget_get_ancestor (widget, GTK_TYPE_SPIN_BUTTON) != NULL ||
          gtk_widget_get_ancestor (widget, GTK_TYPE_ENTRY) != NULL);
}

static void
collect_unnamed (GtkWidget *widget,
                 GString   *unnamed,
                 guint     *checked)
{
  /* What is on screen now: the other steps are checked when shown. */
  if (!gtk_widget_get_mapped (widget))
    return;
  if (is_interactive (widget) && !named_by_owner (widget))
    {
      (*checked)++;
      if (!has_name (widget))
        g_string_append_printf (unnamed, "%s%s (%s in %s, tooltip “%s”)", unnamed->len > 0 ? ", " : "",
                                G_OBJECT_TYPE_NAME (widget), gtk_widget_get_name (widget),
                                G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)),
                                gtk_widget_get_tooltip_text (widget) != NULL ? gtk_widget_get_tooltip_text (widget) : "");
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_unnamed (child, unnamed, checked);
}

static void
test_accessible_names (void)
{
  /* The check itself tells a named control from an unnamed one. */
  {
    GtkWidget *bare = g_object_ref_sink (gtk_button_new_from_icon_name ("edit-copy-symbolic"));
    GtkWidget *labelled = g_object_ref_sink (gtk_button_new_with_label ("Copy"));

    g_assert_false (has_name (bare));
    g_assert_true (has_name (labelled));
    gtk_accessible_update_property (GTK_ACCESSIBLE (bare), GTK_ACCESSIBLE_PROPERTY_LABEL, "Copy", -1);
    g_assert_true (has_name (bare));
    g_object_unref (bare);
    g_object_unref (labelled);
  }

  for (MtsStep step = MTS_STEP_WELCOME; step < MTS_N_STEPS; step++)
    {
      g_autoptr(GString) unnamed = g_string_new (NULL);
      guint checked = 0;

      g_assert_true (_mts_window_go_to_step (window, step));
      stop_check ();
      settle ();
      /* The whole window: header bar, step list, the page, Back and Next. */
      collect_unnamed (GTK_WIDGET (window), unnamed, &checked);
      g_test_message ("step %u: %u controls checked", step, checked);
      g_assert_cmpuint (checked, >, 5);
      if (unnamed->len > 0)
        g_error ("step %u has controls without an accessible name: %s", step, unnamed->str);
    }
}

static void
test_step_indicator (void)
{
  for (MtsStep step = MTS_STEP_WELCOME; step < MTS_N_STEPS; step++)
    {
      g_assert_true (_mts_window_step_available (window, step));
      g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (_mts_window_get_step_row (window, step))));
    }
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_SERVERS), ==, MTS_STEP_STATE_DONE);
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_POLICY), ==, MTS_STEP_STATE_DONE);
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_REPORTING), ==, MTS_STEP_STATE_DONE);
  /* Nothing verified yet. */
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_PUBLISH), ==, MTS_STEP_STATE_TODO);

  /* Removing every host is a problem the indicator shows, and Publish
   * is out of reach until it is fixed. */
  {
    g_auto(GStrv) saved = g_strdupv ((char **) mts_wizard_model_get_patterns (model ()));

    mts_wizard_model_set_patterns (model (), NULL);
    settle ();
    g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_SERVERS), ==, MTS_STEP_STATE_PROBLEMS);
    g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_POLICY), ==, MTS_STEP_STATE_PROBLEMS);
    g_assert_false (_mts_window_step_available (window, MTS_STEP_PUBLISH));
    g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (_mts_window_get_step_row (window, MTS_STEP_PUBLISH))));
    mts_wizard_model_set_patterns (model (), (const char *const *) saved);
    settle ();
    g_assert_true (_mts_window_step_available (window, MTS_STEP_PUBLISH));
  }
}

static gboolean
project_saved (gpointer data)
{
  g_autoptr(MtsProjectStore) store = NULL;
  g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
  g_autoptr(MtsProject) project = NULL;
  const char *const *rua;

  store = mts_project_store_new (directory);
  project = mts_project_store_open (store, "example.com", NULL);
  if (project == NULL)
    return FALSE;
  rua = mts_project_get_rua (project);
  return mts_project_get_max_age (project) == 1209600 && rua != NULL && g_strv_length ((char **) rua) == 2;
}

/* The window lists its domains in a thread. */
static gboolean
domains_listed (gpointer data)
{
  return !_mts_welcome_page_is_loading (_mts_window_get_welcome_page (window));
}

static void
test_resume (void)
{
  g_autofree char *id = g_strdup (mts_wizard_model_get_id (model ()));
  MtsWelcomePage *welcome;
  GtkWidget *row;

  /* Saved as the user goes, in the temporary XDG_DATA_HOME. */
  wait_for (project_saved, NULL, "the project to be saved");
  g_assert_true (g_str_has_prefix (g_get_user_data_dir (), data_home));

  /* A new window lists the domain with its state; choosing it resumes. */
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  mts_ui_test_drain ();
  /* Closing frees the window and everything in it. */
  g_assert_finalize_object (window);
  g_application_activate (G_APPLICATION (app));
  window = MTS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  wait_for (is_mapped, window, "the new window to be shown");
  use_no_dns ();
  wait_for (domains_listed, NULL, "the domains to be listed");
  settle ();
  welcome = _mts_window_get_welcome_page (window);
  row = find_named (GTK_WIDGET (_mts_welcome_page_get_domains (welcome)), "example.com");
  g_assert_nonnull (row);
  /* The overview's first line is the state (test-overview has the rest). */
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                   "Draft: not published yet\n"));
  save_screenshot ("wizard-welcome-domains");
  g_signal_emit_by_name (_mts_welcome_page_get_domains (welcome), "row-activated", row);
  settle ();
  stop_check ();

  g_assert_nonnull (model ());
  g_assert_cmpstr (mts_wizard_model_get_id (model ()), ==, id);
  g_assert_cmpint (mts_wizard_model_get_max_age (model ()), ==, 1209600);
  g_assert_cmpuint (g_strv_length ((char **) mts_wizard_model_get_patterns (model ())), ==, 2);
  g_assert_cmpstr (mts_wizard_model_get_rua (model ())[1], ==, "https://reports.example.com/v1/tlsrpt");
  /* The last step visited was Progress. */
  g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_PROGRESS);
}

/* In the test world (tests/world/README.md), a published domain. */
static gboolean
publish_step_verified (gpointer data)
{
  return _mts_window_get_step_state (window, MTS_STEP_PUBLISH) != MTS_STEP_STATE_TODO;
}

static void
verify_publication (void)
{
  MtsPublishPage *page = MTS_PUBLISH_PAGE (_mts_window_get_page (window, MTS_STEP_PUBLISH));

  g_assert_true (_mts_window_go_to_step (window, MTS_STEP_PUBLISH));
  settle ();
  g_assert_cmpint (mts_publish_page_get_publication (page, MTS_PUBLISHED_POLICY), ==, MTS_PUBLICATION_UNKNOWN);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.verify", NULL));
  wait_for (not_checking, NULL, "Verify publication");
  wait_for (publish_step_verified, NULL, "the Publish step's verdict");
  settle ();
}

static void
test_world_published (void)
{
  MtsPublishPage *publish;
  const char *const *patterns;
  MtsProject *project;

  start_domain ("good.test");
  g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_DISCOVER);
  wait_for (not_checking, NULL, "the lookups of good.test");
  settle ();

  /* The wizard starts from what good.test publishes. */
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_DISCOVER), ==, MTS_STEP_STATE_DONE);
  g_assert_true (mts_wizard_model_get_dns_known (model ()));
  patterns = mts_wizard_model_get_patterns (model ());
  g_assert_cmpuint (g_strv_length ((char **) patterns), ==, 2);
  g_assert_cmpstr (patterns[0], ==, "mx1.good.test");
  g_assert_cmpstr (patterns[1], ==, "mx2.good.test");
  g_assert_cmpint (mts_wizard_model_get_mode (model ()), ==, MTS_POLICY_MODE_ENFORCE);
  g_assert_cmpint (mts_wizard_model_get_max_age (model ()), ==, 604800);
  g_assert_cmpstr (mts_wizard_model_get_id (model ()), ==, "20261128T000000");
  g_assert_cmpstr (mts_wizard_model_get_rua (model ())[0], ==, "mailto:tlsrpt@good.test");
  shoot_step ("world-discover");

  /* The Server check probes both MX hosts: both fine. */
  next (MTS_STEP_SERVERS);
  next (MTS_STEP_PROBE);
  wait_for (not_checking, NULL, "the probes of good.test");
  settle ();
  g_assert_true (mts_probe_page_has_result (MTS_PROBE_PAGE (_mts_window_get_page (window, MTS_STEP_PROBE))));
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_PROBE), ==, MTS_STEP_STATE_DONE);
  {
    GtkListBox *hosts = _mts_probe_page_get_hosts (MTS_PROBE_PAGE (_mts_window_get_page (window, MTS_STEP_PROBE)));
    GtkWidget *first = gtk_widget_get_first_child (GTK_WIDGET (hosts));

    /* The details fold under the verdict; open the first for the picture. */
    g_assert_true (MTS_IS_STATUS_ROW (first));
    g_assert_true (adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (first)));
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (first), TRUE);
  }
  shoot_step ("world-probe");

  /* Verify publication: all three published as shown. */
  verify_publication ();
  publish = MTS_PUBLISH_PAGE (_mts_window_get_page (window, MTS_STEP_PUBLISH));
  g_assert_cmpint (mts_publish_page_get_publication (publish, MTS_PUBLISHED_POLICY), ==, MTS_PUBLICATION_MATCHING);
  g_assert_cmpint (mts_publish_page_get_publication (publish, MTS_PUBLISHED_STS_RECORD), ==, MTS_PUBLICATION_MATCHING);
  g_assert_cmpint (mts_publish_page_get_publication (publish, MTS_PUBLISHED_TLSRPT_RECORD), ==, MTS_PUBLICATION_MATCHING);
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_PUBLISH), ==, MTS_STEP_STATE_DONE);
  project = _mts_window_get_project (window);
  g_assert_nonnull (mts_project_get_published (project, MTS_PUBLISHED_POLICY));
  g_assert_nonnull (mts_project_get_published (project, MTS_PUBLISHED_STS_RECORD));
  g_assert_cmpint (mts_project_get_state (project), ==, MTS_PROJECT_STATE_ENFORCE);
  {
    /* Verify Publication does not connect to the mail servers; the Server
     * Check just before still counts for the readiness checklist. */
    MtsReadinessThresholds thresholds;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(MtsReadiness) readiness = NULL;

    mts_readiness_thresholds_init (&thresholds);
    readiness = mts_readiness_evaluate (project, &thresholds, now);
    for (guint i = 0; i < readiness->items->len; i++)
      {
        const MtsReadinessItem *entry = g_ptr_array_index (readiness->items, i);

        if (g_str_equal (entry->id, "mx-probes"))
          g_assert_cmpint (entry->status, ==, MTS_READINESS_MET);
      }
  }
  shoot_step ("world-publish-verified");

  next (MTS_STEP_PROGRESS);
  shoot_step ("world-progress");

  /* A change to the published policy needs a new id (RFC 8461 §3.1); until
   * it is published, Verify shows both versions as different. */
  mts_wizard_model_set_max_age (model (), 1209600);
  g_assert_cmpstr (mts_wizard_model_get_id (model ()), !=, "20261128T000000");
  verify_publication ();
  g_assert_cmpint (mts_publish_page_get_publication (publish, MTS_PUBLISHED_POLICY), ==, MTS_PUBLICATION_DIFFERENT);
  g_assert_cmpint (mts_publish_page_get_publication (publish, MTS_PUBLISHED_STS_RECORD), ==, MTS_PUBLICATION_DIFFERENT);
  g_assert_cmpint (mts_publish_page_get_publication (publish, MTS_PUBLISHED_TLSRPT_RECORD), ==, MTS_PUBLICATION_MATCHING);
  g_assert_nonnull (find_named (GTK_WIDGET (_mts_publish_page_get_list (publish, MTS_PUBLISHED_POLICY)), "published-value"));
  g_assert_nonnull (find_named (GTK_WIDGET (_mts_publish_page_get_list (publish, MTS_PUBLISHED_STS_RECORD)), "published-value"));
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_PUBLISH), ==, MTS_STEP_STATE_PROBLEMS);
  shoot_step ("world-publish-different");
}

static void
test_world_half_published (void)
{
  MtsPublishPage *publish;

  /* sts-missing.test serves a policy but has no _mta-sts record. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.other-domain", NULL));
  settle ();
  g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_WELCOME);
  start_domain ("sts-missing.test");
  wait_for (not_checking, NULL, "the lookups of sts-missing.test");
  g_assert_cmpstr (mts_wizard_model_get_patterns (model ())[0], ==, "mx1.good.test");

  verify_publication ();
  publish = MTS_PUBLISH_PAGE (_mts_window_get_page (window, MTS_STEP_PUBLISH));
  g_assert_cmpint (mts_publish_page_get_publication (publish, MTS_PUBLISHED_POLICY), ==, MTS_PUBLICATION_MATCHING);
  g_assert_cmpint (mts_publish_page_get_publication (publish, MTS_PUBLISHED_STS_RECORD), ==, MTS_PUBLICATION_MISSING);
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_PUBLISH), ==, MTS_STEP_STATE_PROBLEMS);
  g_assert_null (mts_project_get_published (_mts_window_get_project (window), MTS_PUBLISHED_STS_RECORD));
  g_assert_cmpint (mts_project_get_state (_mts_window_get_project (window)), ==, MTS_PROJECT_STATE_DRAFT);
  shoot_step ("world-publish-missing");
}

/* The row of the Server Check whose title is @title and whose subtitle
 * contains @subtitle (NULL: any), or NULL. */
static GtkWidget *
find_probe_row (const char *title,
                const char *subtitle)
{
  GtkListBox *hosts = _mts_probe_page_get_hosts (MTS_PROBE_PAGE (_mts_window_get_page (window, MTS_STEP_PROBE)));

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (hosts)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      const char *row_subtitle = NULL;

      if (!ADW_IS_PREFERENCES_ROW (row) ||
          strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == NULL)
        continue;
      if (ADW_IS_EXPANDER_ROW (row))
        row_subtitle = adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row));
      else if (ADW_IS_ACTION_ROW (row))
        row_subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
      if (subtitle == NULL || (row_subtitle != NULL && strstr (row_subtitle, subtitle) != NULL))
        return row;
    }
  return NULL;
}

/* The admin adds a server on Mail Servers that DNS does not name yet
 * (ipv6.test's MX is mx.ipv6.test only): the Server Check probes it with
 * the others, and says it is not in DNS yet.  Then the admin takes the
 * DNS host off the list: it is still probed, with a warning. */
static void
test_world_added_host (void)
{
  const char *const *dns_mx;
  GtkWidget *row;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.other-domain", NULL));
  settle ();
  start_domain ("ipv6.test");
  wait_for (not_checking, NULL, "the lookups of ipv6.test");
  settle ();
  g_assert_cmpstr (mts_wizard_model_get_patterns (model ())[0], ==, "mx.ipv6.test");

  next (MTS_STEP_SERVERS);
  add_host ("mx1.good.test");
  g_assert_cmpuint (g_strv_length ((char **) mts_wizard_model_get_patterns (model ())), ==, 2);
  next (MTS_STEP_PROBE);
  wait_for (not_checking, NULL, "the probes of ipv6.test and the added host");
  settle ();

  g_assert_true (mts_probe_page_has_result (MTS_PROBE_PAGE (_mts_window_get_page (window, MTS_STEP_PROBE))));
  /* Both addresses of the DNS host, and the added host, each probed. */
  row = find_probe_row ("mx1.good.test", "127.0.1.1");
  g_assert_nonnull (row);
  g_assert_true (MTS_IS_STATUS_ROW (row));
  g_assert_cmpint (mts_status_row_get_status (MTS_STATUS_ROW (row)), ==, MTS_STATUS_OK);
  g_assert_nonnull (find_probe_row ("mx1.good.test", "not in DNS yet"));
  g_assert_nonnull (find_probe_row ("mx.ipv6.test", "127.0.1.10"));
  g_assert_nonnull (find_probe_row ("mx.ipv6.test", "fd6d:7473:7473::10"));
  /* In plain words: what was checked, and that the new host is fine to add. */
  g_assert_nonnull (find_probe_row ("Checked the mail servers of your list", NULL));
  g_assert_nonnull (find_probe_row ("mx1.good.test is not in your MX records yet", NULL));
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_PROBE), ==, MTS_STEP_STATE_DONE);
  /* What DNS says stays what DNS says. */
  dns_mx = mts_wizard_model_get_dns_mx (model ());
  g_assert_cmpuint (g_strv_length ((char **) dns_mx), ==, 1);
  g_assert_cmpstr (dns_mx[0], ==, "mx.ipv6.test");
  shoot_step ("world-probe-added-host");

  /* Retiring the DNS host: the list no longer names it. */
  mts_wizard_model_remove_pattern (model (), "mx.ipv6.test");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.probe", NULL));
  wait_for (not_checking, NULL, "the probes after removing mx.ipv6.test");
  settle ();
  row = find_probe_row ("mx.ipv6.test", "not in your list");
  g_assert_nonnull (row);
  g_assert_cmpint (mts_status_row_get_status (MTS_STATUS_ROW (row)), ==, MTS_STATUS_WARNING);
  g_assert_nonnull (find_probe_row ("mx.ipv6.test is in DNS but not in your list", NULL));
  g_assert_nonnull (find_probe_row ("mx1.good.test", "127.0.1.1"));
  shoot_step ("world-probe-retired-host");
}

/* Eight MX hosts, each taking 2 s to greet: the window keeps painting and
 * answering while they are probed. */
typedef struct
{
  gint64 last;
  gint64 longest;
} Gaps;

static gboolean
tick_cb (gpointer data)
{
  Gaps *gaps = data;
  gint64 now = g_get_monotonic_time ();

  gaps->longest = MAX (gaps->longest, now - gaps->last);
  gaps->last = now;
  return G_SOURCE_CONTINUE;
}

static void
test_world_responsive (void)
{
  Gaps gaps = { 0, 0 };
  guint tick;
  gint64 started;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.other-domain", NULL));
  settle ();
  start_domain ("slow8.test");
  wait_for (not_checking, NULL, "the lookups of slow8.test");
  g_assert_cmpuint (g_strv_length ((char **) mts_wizard_model_get_dns_mx (model ())), ==, 8);

  gaps.last = started = g_get_monotonic_time ();
  tick = g_timeout_add (10, tick_cb, &gaps);
  g_assert_true (_mts_window_go_to_step (window, MTS_STEP_PROBE));
  g_assert_true (_mts_window_is_checking (window));
  wait_for (not_checking, NULL, "the probes of slow8.test");
  g_source_remove (tick);
  g_test_message ("8 slow MX hosts probed in %" G_GINT64_FORMAT " ms; longest main loop stall %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - started) / 1000, gaps.longest / 1000);
  /* Probing happens on the main loop without blocking it.  A blocking
   * probe would stall it for a whole 2 s greeting; half a second leaves a
   * loaded CI machine room for drawing the rows. */
  g_assert_cmpint (gaps.longest, <, 500 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (_mts_window_get_step_state (window, MTS_STEP_PROBE), ==, MTS_STEP_STATE_DONE);
}

static void
write_project_file (const char *domain,
                    const char *contents)
{
  g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
  g_autoptr(MtsProjectStore) store = mts_project_store_new (directory);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = mts_project_store_get_file (store, domain, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_make_directory_with_parents (directory, NULL, NULL) ||
                 g_file_query_exists (directory, NULL));
  g_assert_true (g_file_replace_contents (file, contents, strlen (contents), NULL, FALSE,
                                          G_FILE_CREATE_NONE, NULL, NULL, &error));
  g_assert_no_error (error);
}

static GtkWidget *
domain_row (const char *domain)
{
  MtsWelcomePage *welcome = _mts_window_get_welcome_page (window);

  return find_named (GTK_WIDGET (_mts_welcome_page_get_domains (welcome)), domain);
}

/* Saved projects that cannot be read: listed as such, never overwritten. */
static void
test_unreadable_projects (void)
{
  static const char newer[] = "{ \"schema_version\": 99, \"domain\": \"newer.test\" }";
  MtsWelcomePage *welcome;
  const char *message;

  write_project_file ("broken.test", "{ this is not JSON");
  write_project_file ("newer.test", newer);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.other-domain", NULL));
  wait_for (domains_listed, NULL, "the domains to be listed");
  settle ();
  welcome = _mts_window_get_welcome_page (window);

  /* Newer: listed, cannot be chosen, and starting it says why. */
  g_assert_nonnull (domain_row ("newer.test"));
  g_assert_false (gtk_widget_get_sensitive (domain_row ("newer.test")));
  start_domain ("newer.test");
  g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_WELCOME);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (_mts_welcome_page_get_message (welcome))));
  message = gtk_label_get_text (_mts_welcome_page_get_message (welcome));
  g_assert_cmpstr (message, !=, "");
  save_screenshot ("wizard-welcome-unreadable");
  {
    g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
    g_autoptr(MtsProjectStore) store = mts_project_store_new (directory);
    g_autoptr(GFile) file = mts_project_store_get_file (store, "newer.test", NULL);
    g_autofree char *contents = NULL;

    g_assert_true (g_file_load_contents (file, NULL, &contents, NULL, NULL, NULL));
    g_assert_cmpstr (contents, ==, newer);
  }

  /* Unreadable: can be chosen; the file is kept aside and a new setup starts. */
  g_assert_nonnull (domain_row ("broken.test"));
  g_assert_true (gtk_widget_get_sensitive (domain_row ("broken.test")));
  g_signal_emit_by_name (_mts_welcome_page_get_domains (welcome), "row-activated", domain_row ("broken.test"));
  settle ();
  stop_check ();
  g_assert_cmpint (_mts_window_get_step (window), !=, MTS_STEP_WELCOME);
  g_assert_cmpstr (mts_wizard_model_get_domain (model ()), ==, "broken.test");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  window = mts_ui_test_start (&argc, &argv, "wizard", &app, &data_home);
  if (g_getenv ("MTS_WORLD_DIR") == NULL)
    use_no_dns ();
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  resize (1280, 800);

  /* Inside the test world the checks have real peers; outside, none. */
  if (g_getenv ("MTS_WORLD_DIR") != NULL)
    {
      g_test_add_func ("/mts/wizard/world/published", test_world_published);
      g_test_add_func ("/mts/wizard/world/half-published", test_world_half_published);
      g_test_add_func ("/mts/wizard/world/added-host", test_world_added_host);
      g_test_add_func ("/mts/wizard/world/responsive", test_world_responsive);
    }
  else
    {
      g_test_add_func ("/mts/wizard/walk", test_walk);
      g_test_add_func ("/mts/wizard/export-all", test_export_all);
      g_test_add_func ("/mts/wizard/step-indicator", test_step_indicator);
      g_test_add_func ("/mts/wizard/accessible-names", test_accessible_names);
      g_test_add_func ("/mts/wizard/resume", test_resume);
      g_test_add_func ("/mts/wizard/unreadable-projects", test_unreadable_projects);
    }

  status = g_test_run ();

  mts_ui_test_stop (window, app, g_steal_pointer (&data_home));
  return status;
}
