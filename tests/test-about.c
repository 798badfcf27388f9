/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-about.c: what the app says about itself: the About window (the
 * metainfo's addresses and release notes, the credits, the licence), and
 * the keyboard shortcuts window, compared with the accelerators and key
 * bindings that the app really sets. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "app/mts-about.h"
#include "app/mts-application.h"
#include "app/mts-what-is-window.h"
#include "app/mts-window-private.h"
#include "mts-ui-test.h"

static MtsApplication *app;
static MtsWindow *window;

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

/* The text of every <p> and <li> of the newest <release> of the metainfo. */
typedef struct
{
  gboolean in_release;
  gboolean done;
  gboolean in_text;
  GString *text;
  GPtrArray *texts;
} ReleaseParser;

static void
release_start (GMarkupParseContext  *context,
               const char           *element,
               const char          **names,
               const char          **values,
               gpointer              user_data,
               GError              **error)
{
  ReleaseParser *parser = user_data;

  if (g_str_equal (element, "release") && !parser->done)
    parser->in_release = TRUE;
  else if (parser->in_release && (g_str_equal (element, "p") || g_str_equal (element, "li")))
    {
      parser->in_text = TRUE;
      g_string_truncate (parser->text, 0);
    }
}

static void
release_end (GMarkupParseContext  *context,
             const char           *element,
             gpointer              user_data,
             GError              **error)
{
  ReleaseParser *parser = user_data;

  if (g_str_equal (element, "release") && parser->in_release)
    {
      parser->in_release = FALSE;
      parser->done = TRUE;
    }
  else if (parser->in_text && (g_str_equal (element, "p") || g_str_equal (element, "li")))
    {
      parser->in_text = FALSE;
      g_ptr_array_add (parser->texts, g_strdup (parser->text->str));
    }
}

static void
release_text (GMarkupParseContext  *context,
              const char           *text,
              gsize                 length,
              gpointer              user_data,
              GError              **error)
{
  ReleaseParser *parser = user_data;

  if (parser->in_text)
    g_string_append_len (parser->text, text, length);
}

static GPtrArray *
metainfo_release_texts (void)
{
  static const GMarkupParser markup = { release_start, release_end, release_text, NULL, NULL };
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data",
                                                 "io.github.mtasts.Wizard.metainfo.xml.in.in", NULL);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  ReleaseParser parser = { FALSE, FALSE, FALSE, text, g_ptr_array_new_with_free_func (g_free) };

  g_assert_true (g_file_get_contents (path, &data, NULL, &error));
  g_assert_no_error (error);
  context = g_markup_parse_context_new (&markup, 0, &parser, NULL);
  g_assert_true (g_markup_parse_context_parse (context, data, -1, &error));
  g_assert_no_error (error);
  g_assert_true (parser.done);
  return parser.texts;
}

/* The metainfo's value of <url type="TYPE">. */
static char *
metainfo_url (const char *type)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data",
                                                 "io.github.mtasts.Wizard.metainfo.xml.in.in", NULL);
  g_autofree char *data = NULL;
  g_autofree char *open = g_strdup_printf ("<url type=\"%s\">", type);
  const char *start, *end;

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  start = strstr (data, open);
  g_assert_nonnull (start);
  start += strlen (open);
  end = strstr (start, "</url>");
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

static void
test_about (void)
{
  g_autoptr(GObject) about = mts_about_new ();
  g_autoptr(GPtrArray) release = metainfo_release_texts ();
  g_autofree char *website = NULL;
  g_autofree char *issue_url = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *notes_version = NULL;
  g_autofree char *version = NULL;
  g_autofree char *credits = NULL;
  g_autofree char *homepage = metainfo_url ("homepage");
  g_autofree char *bugtracker = metainfo_url ("bugtracker");
  g_auto(GStrv) developers = NULL;
  GtkLicense license;

  g_object_get (about,
                "website", &website,
                "issue-url", &issue_url,
                "license-type", &license,
                "developers", &developers,
                "version", &version,
                "release-notes", &notes,
                "release-notes-version", &notes_version,
                "translator-credits", &credits,
                NULL);
  g_assert_cmpstr (website, ==, homepage);
  g_assert_cmpstr (issue_url, ==, bugtracker);
  g_assert_cmpint (license, ==, GTK_LICENSE_GPL_3_0);
  g_assert_nonnull (developers);
  g_assert_cmpuint (g_strv_length (developers), >=, 1);
  g_assert_cmpstr (version, ==, PACKAGE_VERSION);
  g_assert_cmpstr (notes_version, ==, PACKAGE_VERSION);

  /* The release notes say what the metainfo says, sentence for sentence. */
  g_assert_cmpuint (release->len, >=, 2);
  for (guint i = 0; i < release->len; i++)
    {
      g_autofree char *escaped = g_markup_escape_text (g_ptr_array_index (release, i), -1);

      if (strstr (notes, escaped) == NULL)
        g_error ("the release notes lack “%s” of the metainfo", (char *) g_ptr_array_index (release, i));
    }

  /* Untranslated, nobody is credited as "translator-credits". */
  g_assert_null (credits);

  /* It opens from the menu over the window. */
  mts_about_present (about, GTK_WINDOW (window));
  mts_ui_test_wait_for (is_mapped, about, "the About window");
  if (GTK_IS_WINDOW (about))
    {
      mts_ui_test_save_screenshot (GTK_WIDGET (about), "about");
      gtk_window_destroy (GTK_WINDOW (about));
    }
  else
    /* libadwaita 1.5 and later: an AdwAboutDialog inside the window, which
     * goes with it. */
    mts_ui_test_save_screenshot (GTK_WIDGET (window), "about");
  mts_ui_test_drain ();
}

static void
test_about_translated (void)
{
  g_autoptr(GObject) about = NULL;
  g_autofree char *credits = NULL;
  g_autofree char *comments = NULL;

  /* German, from the catalog that the build made; a new setlocale() makes
   * gettext forget what it found before. */
  g_setenv ("LANGUAGE", "de", TRUE);
  setlocale (LC_ALL, "");
  about = mts_about_new ();
  g_object_get (about, "translator-credits", &credits, "comments", &comments, NULL);
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "");

  g_assert_nonnull (credits);
  g_assert_cmpstr (credits, !=, "translator-credits");
  g_assert_cmpstr (comments, !=, "Set up MTA-STS and SMTP TLS reporting for your mail domain, "
                                 "step by step, on your own computer.");
}

/* The shortcuts window, against what the app sets. */

typedef struct
{
  char *title;
  char *accelerator;  /* NULL when listed by action */
  char *action;       /* NULL when listed by accelerator */
} Listed;

static void
listed_free (Listed *listed)
{
  g_free (listed->title);
  g_free (listed->accelerator);
  g_free (listed->action);
  g_free (listed);
}

static void
collect_listed (GtkWidget *widget,
                GPtrArray *listed)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      Listed *item = g_new0 (Listed, 1);

      g_object_get (widget, "title", &item->title, "accelerator", &item->accelerator,
                    "action-name", &item->action, NULL);
      g_ptr_array_add (listed, item);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_listed (child, listed);
}

/* The key bindings of @widget's class (gtk_widget_class_add_binding_action)
 * whose action is one of the app's, as "ACCEL=ACTION". */
static void
collect_bindings (GtkWidget  *widget,
                  GHashTable *bindings)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          const char *name;
          g_autofree char *accel = NULL;

          if (!GTK_IS_NAMED_ACTION (action) || !GTK_IS_KEYVAL_TRIGGER (trigger))
            continue;
          name = gtk_named_action_get_action_name (GTK_NAMED_ACTION (action));
          if (!g_str_has_prefix (name, "win.") && !g_str_equal (name, "window.close"))
            continue;
          accel = gtk_accelerator_name (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                                        gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)));
          g_hash_table_add (bindings, g_strdup_printf ("%s=%s", accel, name));
        }
    }
}

static gboolean
find_primary_menu (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (find_primary_menu (child))
      return TRUE;
  return FALSE;
}

/* Normalises "<alt>Left" and "<Alt>Left" alike. */
static char *
normalise (const char *accel)
{
  guint key = 0;
  GdkModifierType mods = 0;

  g_assert_true (gtk_accelerator_parse (accel, &key, &mods));
  return gtk_accelerator_name (key, mods);
}

static gboolean
binding_has_accel (GHashTable *bindings,
                   const char *accel)
{
  GHashTableIter iter;
  gpointer key;
  g_autofree char *prefix = g_strconcat (accel, "=", NULL);

  g_hash_table_iter_init (&iter, bindings);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, prefix))
      return TRUE;
  return FALSE;
}

static void
test_shortcuts (void)
{
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func ((GDestroyNotify) listed_free);
  g_autoptr(GHashTable) bindings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) listed_accels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) listed_actions = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) described = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  MtsWhatIsWindow *what_is = mts_what_is_window_new (GTK_WINDOW (window));
  GHashTableIter iter;
  gpointer key;

  g_assert_nonnull (overlay);
  collect_listed (GTK_WIDGET (overlay), listed);
  g_assert_cmpuint (listed->len, >=, 8);

  collect_bindings (GTK_WIDGET (window), bindings);
  collect_bindings (GTK_WIDGET (what_is), bindings);
  g_assert_cmpuint (g_hash_table_size (bindings), >=, 4);

  for (guint i = 0; i < listed->len; i++)
    {
      Listed *item = g_ptr_array_index (listed, i);

      g_assert_nonnull (item->title);
      if (item->action != NULL && item->action[0] != '\0')
        {
          /* Listed by action: the app sets an accelerator for it. */
          g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), item->action);

          if (accels == NULL || accels[0] == NULL)
            g_error ("“%s” lists %s, which has no accelerator", item->title, item->action);
          g_hash_table_add (listed_actions, item->action);
          continue;
        }

      /* Listed by accelerator: each one is bound somewhere. */
      g_assert_nonnull (item->accelerator);
      {
        g_auto(GStrv) accels = g_strsplit (item->accelerator, " ", -1);

        for (guint j = 0; accels[j] != NULL; j++)
          {
            g_autofree char *accel = normalise (accels[j]);

            g_hash_table_add (listed_accels, g_strdup (accel));
            if (binding_has_accel (bindings, accel))
              continue;
            if (g_str_equal (accel, "F10"))
              {
                /* GtkMenuButton:primary binds F10 to the main menu. */
                g_assert_true (find_primary_menu (GTK_WIDGET (window)));
                continue;
              }
            if (g_str_equal (accel, "Return"))
              {
                /* The domain entry activates Start; on the steps Next is
                 * the window's default widget. */
                GtkEditable *entry = _mts_welcome_page_get_entry (_mts_window_get_welcome_page (window));

                g_assert_true (g_signal_has_handler_pending (entry, g_signal_lookup ("entry-activated", ADW_TYPE_ENTRY_ROW),
                                                             0, FALSE));
                continue;
              }
            g_error ("“%s” lists %s, which nothing binds", item->title, accel);
          }
      }
    }

  /* Every accelerator the application sets is listed. */
  for (guint i = 0; described[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), described[i]);

      if (accels[0] != NULL && !g_hash_table_contains (listed_actions, described[i]))
        g_error ("%s has the accelerator %s but is not in the shortcuts window", described[i], accels[0]);
    }

  /* And every key binding of the windows. */
  g_hash_table_iter_init (&iter, bindings);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const char *action = strchr (key, '=') + 1;
      g_autofree char *accel = g_strndup (key, action - 1 - (char *) key);

      /* GtkWindow binds Control+W to window.close, which is listed by
       * its action. */
      if (!g_hash_table_contains (listed_accels, accel) && !g_hash_table_contains (listed_actions, action))
        g_error ("the binding %s is not in the shortcuts window", (char *) key);
    }

  gtk_window_destroy (GTK_WINDOW (what_is));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  mts_ui_test_wait_for (is_mapped, overlay, "the shortcuts window");
  mts_ui_test_save_screenshot (GTK_WIDGET (overlay), "shortcuts");
  gtk_window_close (GTK_WINDOW (overlay));
  mts_ui_test_drain ();
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  const char *localedir = g_getenv ("MTS_LOCALEDIR");
  int status;

  /* The catalogs that meson builds in BUILD/po, for the translated About. */
  g_assert_nonnull (localedir);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  window = mts_ui_test_start (&argc, &argv, "about", &app, &data_home);
  mts_ui_test_settle (GTK_WIDGET (window));

  g_test_add_func ("/mts/about/window", test_about);
  g_test_add_func ("/mts/about/translated", test_about_translated);
  g_test_add_func ("/mts/about/shortcuts", test_shortcuts);

  status = g_test_run ();

  mts_ui_test_stop (window, app, g_steal_pointer (&data_home));
  return status;
}
