/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window.c: the real app in a real window: welcome page, domain entry,
 * remembered size, and screenshots in light and dark style. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "app/mts-application.h"
#include "app/mts-preferences-window.h"
#include "app/mts-window-private.h"
#include "mts-ui-test.h"

static MtsApplication *app;
static MtsWindow *window;

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

static void
type_domain (const char *text)
{
  MtsWelcomePage *page = _mts_window_get_welcome_page (window);

  gtk_editable_set_text (_mts_welcome_page_get_entry (page), text);
  settle ();
}

static gboolean
start_enabled (void)
{
  MtsWelcomePage *page = _mts_window_get_welcome_page (window);

  return gtk_widget_get_sensitive (GTK_WIDGET (_mts_welcome_page_get_start (page)));
}

static const char *
message (void)
{
  MtsWelcomePage *page = _mts_window_get_welcome_page (window);
  GtkLabel *label = _mts_welcome_page_get_message (page);

  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_text (label) : NULL;
}

static void
test_window_appears (void)
{
  g_assert_true (MTS_IS_WINDOW (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "MTA-STS Wizard");
  g_assert_false (start_enabled ());
  g_assert_null (message ());
  save_screenshot ("welcome-empty");
}

static void
test_bad_domains (void)
{
  struct { const char *input; const char *words; } cases[] = {
    { "user@example.com", "email address" },
    { "https://example.com/", "web address" },
    { "example", "example.com" },
    { "-bad-.com", "hyphen" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      type_domain (cases[i].input);
      g_assert_false (start_enabled ());
      g_assert_nonnull (message ());
      g_assert_nonnull (strstr (message (), cases[i].words));
    }
  type_domain ("user@example.com");
  save_screenshot ("welcome-bad-domain");
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
test_good_domains (void)
{
  MtsWelcomePage *page = _mts_window_get_welcome_page (window);
  g_autofree char *started = NULL;
  gulong id;

  type_domain (" Example.COM. ");
  g_assert_true (start_enabled ());
  g_assert_null (message ());
  g_assert_cmpstr (mts_welcome_page_get_domain (page), ==, "example.com");

  type_domain ("bücher.example");
  g_assert_true (start_enabled ());
  g_assert_nonnull (message ());
  g_assert_nonnull (strstr (message (), "xn--bcher-kva.example"));

  id = g_signal_connect (page, "start", G_CALLBACK (start_cb), &started);
  mts_ui_test_click (_mts_welcome_page_get_start (page));
  g_signal_handler_disconnect (page, id);
  g_assert_cmpstr (started, ==, "xn--bcher-kva.example");

  type_domain ("example.com");
}

static void
test_screenshots (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  type_domain ("example.com");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  save_screenshot ("welcome-light");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (style));
  save_screenshot ("welcome-dark");
  type_domain ("bücher.example");
  save_screenshot ("welcome-dark-idn");

  gtk_window_set_default_size (GTK_WINDOW (window), 400, 800);
  settle ();
  save_screenshot ("welcome-dark-narrow");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  save_screenshot ("welcome-light-narrow");
  type_domain ("example.com");
}

static void
test_size_remembered (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.mtasts.Wizard");
  int width = 0, height = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  settle ();
  gtk_window_close (GTK_WINDOW (window));
  mts_ui_test_drain ();
  g_settings_get (settings, "window-size", "(ii)", &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  /* A new window opens at the remembered size. */
  g_application_activate (G_APPLICATION (app));
  window = MTS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  mts_ui_test_wait_for (is_mapped, window, "the window to be shown");
  settle ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 700);
}

static char *
make_ca_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mts-ca-XXXXXX", &error);
  g_autofree char *pki = g_test_build_filename (G_TEST_DIST, "world", "pki.sh", NULL);
  const char *argv[] = { pki, dir, "ca", NULL };
  int status = -1;

  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_build_filename (dir, "ca.pem", NULL);
}

static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.mtasts.Wizard");
  MtsResolver *resolver = mts_application_get_resolver (app);
  MtsPreferencesWindow *prefs;
  GtkEditable *dns;
  g_autofree char *server = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *ca_path = NULL;
  g_autofree char *app_ca = NULL;
  g_autofree char *bad_path = NULL;
  g_autofree char *certtool = NULL;
  g_autoptr(GFile) ca = NULL;
  g_autoptr(GFile) bad = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  /* The private CA is made by tests/world/pki.sh. */
  if ((certtool = g_find_program_in_path ("certtool")) == NULL)
    {
      g_test_skip ("needs certtool (GnuTLS tools, Debian package gnutls-bin)");
      return;
    }
  ca_path = make_ca_file ();
  ca = g_file_new_for_path (ca_path);

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "preferences"));
  g_assert_nonnull (resolver);

  prefs = mts_preferences_window_new (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (prefs));
  mts_ui_test_wait_for (is_mapped, prefs, "the preferences to be shown");
  dns = GTK_EDITABLE (_mts_preferences_window_get_dns_row (prefs));

  /* A typo is refused with a message, and nothing is saved. */
  gtk_editable_set_text (dns, "not a server");
  g_signal_emit_by_name (dns, "apply");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (_mts_preferences_window_get_dns_message (prefs))));
  stored = g_settings_get_string (settings, "dns-server");
  g_assert_cmpstr (stored, ==, "");
  mts_ui_test_save_screenshot (GTK_WIDGET (prefs), "preferences-bad-dns");

  /* A server is saved, and the application's resolver asks it at once. */
  gtk_editable_set_text (dns, " 127.0.0.1:5353 ");
  g_signal_emit_by_name (dns, "apply");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_mts_preferences_window_get_dns_message (prefs))));
  g_clear_pointer (&stored, g_free);
  stored = g_settings_get_string (settings, "dns-server");
  g_assert_cmpstr (stored, ==, "127.0.0.1:5353");
  server = mts_resolver_dup_server (resolver);
  g_assert_cmpstr (server, ==, "127.0.0.1:5353");

  /* Empty: the system's again. */
  gtk_editable_set_text (dns, "");
  g_signal_emit_by_name (dns, "apply");
  g_clear_pointer (&server, g_free);
  server = mts_resolver_dup_server (resolver);
  g_assert_null (server);

  /* A file that holds no certificate is refused with a message. */
  fd = g_file_open_tmp ("mts-not-a-ca-XXXXXX.pem", &bad_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (write (fd, "not a certificate\n", 18), ==, 18);
  close (fd);
  bad = g_file_new_for_path (bad_path);
  g_assert_false (_mts_preferences_window_set_ca_file (prefs, bad));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (_mts_preferences_window_get_ca_message (prefs))));
  g_assert_null (mts_application_dup_ca_file (app));

  /* A CA certificate is saved, and the checks use it. */
  g_assert_true (_mts_preferences_window_set_ca_file (prefs, ca));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_mts_preferences_window_get_ca_message (prefs))));
  app_ca = mts_application_dup_ca_file (app);
  g_assert_cmpstr (app_ca, ==, ca_path);
  mts_ui_test_save_screenshot (GTK_WIDGET (prefs), "preferences");

  gtk_widget_activate_action (GTK_WIDGET (prefs), "preferences.remove-ca", NULL);
  g_assert_null (mts_application_dup_ca_file (app));

  gtk_window_destroy (GTK_WINDOW (prefs));
  mts_ui_test_drain ();
  g_unlink (bad_path);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  int status;

  window = mts_ui_test_start (&argc, &argv, "window", &app, &data_home);
  settle ();

  g_test_add_func ("/mts/window/appears", test_window_appears);
  g_test_add_func ("/mts/window/bad-domains", test_bad_domains);
  g_test_add_func ("/mts/window/screenshots", test_screenshots);
  g_test_add_func ("/mts/window/good-domains", test_good_domains);
  g_test_add_func ("/mts/window/preferences", test_preferences);
  g_test_add_func ("/mts/window/size-remembered", test_size_remembered);

  status = g_test_run ();

  /* Closing the window must free it and everything in it. */
  mts_ui_test_stop (window, app, g_steal_pointer (&data_home));
  return status;
}
