/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-ui-test.c: what the UI tests share: bounded waits, frames, clicks, screenshots,
 * finding widgets, scrolling to them, sizes, temporary folders.
 *
 * Nothing here sleeps for a fixed time: every wait is for a condition
 * (a frame painted, a check finished), bounded so that a hang fails the
 * test with what it was waiting for instead of running into meson's
 * timeout.  A slow CI machine just takes longer.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "mts-ui-test.h"

/* However slow the machine, a condition that takes longer is a bug. */
#define WAIT_LIMIT_US (30 * G_USEC_PER_SEC)

void
mts_ui_test_wait_for (MtsUiTestCondition  condition,
                      gpointer            data,
                      const char         *what)
{
  gint64 until = g_get_monotonic_time () + WAIT_LIMIT_US;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > until)
        g_error ("gave up waiting for %s", what);
      /* Blocks until something happens, but wakes up now and then to
       * check the limit. */
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* Handles everything that is ready now. */
void
mts_ui_test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

typedef struct
{
  GtkWidget *window;
  gint64 target;
} Frames;

static gboolean
frames_passed (gpointer data)
{
  Frames *frames = data;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (frames->window);

  if (clock != NULL && gdk_frame_clock_get_frame_counter (clock) >= frames->target)
    return TRUE;
  gtk_widget_queue_draw (frames->window);
  return FALSE;
}

/**
 * mts_ui_test_settle:
 * @window: (nullable): the window to wait for
 *
 * Lets GTK lay out and paint: handles what is pending, then waits for
 * three new frames of @window, however long they take.
 */
void
mts_ui_test_settle (GtkWidget *window)
{
  Frames frames = { window, 0 };
  GdkFrameClock *clock;

  mts_ui_test_drain ();
  if (window == NULL || !gtk_widget_get_mapped (window))
    return;
  clock = gtk_widget_get_frame_clock (window);
  frames.target = (clock != NULL ? gdk_frame_clock_get_frame_counter (clock) : 0) + 3;
  gtk_widget_queue_draw (window);
  mts_ui_test_wait_for (frames_passed, &frames, "three frames");
  mts_ui_test_drain ();
}

/**
 * mts_ui_test_click:
 *
 * A click as the pointer makes it: gtk_widget_activate() on a button
 * emits ::clicked only after a short animation, which a test would have
 * to wait for.
 */
void
mts_ui_test_click (gpointer button)
{
  GtkWidget *window;

  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  window = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");
  mts_ui_test_settle (window);
}

/**
 * mts_ui_test_save_screenshot:
 *
 * Renders @window as it is on screen into
 * $G_TEST_BUILDDIR/screenshots/NAME.png.
 */
void
mts_ui_test_save_screenshot (GtkWidget  *window,
                             const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "screenshots", NULL);
  g_autofree char *path = NULL;
  int width, height;

  mts_ui_test_settle (window);
  paintable = gtk_widget_paintable_new (window);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* A condition for mts_ui_test_wait_for(): @widget is on screen. */
gboolean
mts_ui_test_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

typedef struct
{
  GtkWidget *window;
  int width;
  int height;
} Size;

static gboolean
has_size (gpointer data)
{
  Size *size = data;

  return ABS (gtk_widget_get_width (size->window) - size->width) <= 32 &&
         ABS (gtk_widget_get_height (size->window) - size->height) <= 32;
}

/**
 * mts_ui_test_resize:
 *
 * Asks for @window at @width × @height and waits until it is about that
 * size (within the frame's few pixels) and painted.
 */
void
mts_ui_test_resize (GtkWidget *window,
                    int        width,
                    int        height)
{
  Size size = { window, width, height };

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  mts_ui_test_wait_for (has_size, &size, "the window size");
  mts_ui_test_settle (window);
}

/* Returns: (nullable): @root or the first widget under it of @type */
GtkWidget *
mts_ui_test_find_type (GtkWidget *root,
                       GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = mts_ui_test_find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Returns: (nullable): @root or the first widget under it named @name
 * (gtk_widget_set_name(), as rows are named after what they show) */
GtkWidget *
mts_ui_test_find_named (GtkWidget  *root,
                        const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = mts_ui_test_find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * mts_ui_test_scroll_to:
 *
 * Scrolls the page that holds @target so that @target is near the top of
 * what it shows (or the page is at its end).  The page grows as it is
 * laid out: again until it stays.
 */
void
mts_ui_test_scroll_to (GtkWidget *target)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (target, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (target));
  GtkAdjustment *adjustment;
  GtkWidget *content;

  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  for (guint i = 0; i < 10; i++)
    {
      graphene_point_t point;
      double wanted;

      mts_ui_test_settle (root);
      content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
      /* The viewport stays put; what it shows moves. */
      if (GTK_IS_VIEWPORT (content))
        content = gtk_viewport_get_child (GTK_VIEWPORT (content));
      g_assert_true (gtk_widget_compute_point (target, content, &GRAPHENE_POINT_INIT (0, 0), &point));
      wanted = CLAMP (point.y - 24, 0, MAX (0, gtk_adjustment_get_upper (adjustment) -
                                               gtk_adjustment_get_page_size (adjustment)));
      if (ABS (gtk_adjustment_get_value (adjustment) - wanted) < 1)
        break;
      gtk_adjustment_set_value (adjustment, wanted);
    }
  mts_ui_test_settle (root);
}

/* Removes @path, and everything under it if it is a folder. */
void
mts_ui_test_remove_tree (const char *path)
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

      mts_ui_test_remove_tree (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

/**
 * mts_ui_test_start:
 * @name: what the test is, for the name of its data folder
 * @app: (out): the application
 * @data_home: (out): the data folder, for mts_ui_test_stop()
 *
 * What every UI test's main() does first: the app's data in a fresh folder,
 * never the user's; GTK for tests, without animations so that screenshots
 * show end states and never a slide half-way; the application registered
 * and activated, and its window on screen.
 *
 * Returns: (transfer none): the window
 */
MtsWindow *
mts_ui_test_start (int             *argc,
                   char          ***argv,
                   const char      *name,
                   MtsApplication **app,
                   char           **data_home)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("mts-%s-XXXXXX", name);
  MtsWindow *window;

  *data_home = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", *data_home, TRUE);

  gtk_test_init (argc, argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  *app = mts_application_new ();
  g_application_set_flags (G_APPLICATION (*app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (*app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (*app));
  window = MTS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (*app)));
  g_assert_nonnull (window);
  mts_ui_test_wait_for (mts_ui_test_is_mapped, window, "the window to be shown");
  return window;
}

/**
 * mts_ui_test_stop:
 * @data_home: (transfer full): the folder mts_ui_test_start() made
 *
 * Closes the window, which must then be freed with everything in it,
 * drops the application and removes the data folder.
 */
void
mts_ui_test_stop (MtsWindow      *window,
                  MtsApplication *app,
                  char           *data_home)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  mts_ui_test_drain ();
  g_assert_finalize_object (window);
  g_object_unref (app);
  mts_ui_test_remove_tree (data_home);
  g_free (data_home);
}
