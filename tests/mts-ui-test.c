/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-ui-test.c: what the UI tests share: bounded waits, frames, clicks, screenshots.
 *
 * Nothing here sleeps for a fixed time: every wait is for a condition
 * (a frame painted, a check finished), bounded so that a hang fails the
 * test with what it was waiting for instead of running into meson's
 * timeout.  A slow CI machine just takes longer.
 */
#include "config.h"

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
