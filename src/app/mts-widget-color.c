/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-widget-color.c: a widget's foreground colour, whatever the GTK version.
 *
 * GTK 4.10 added gtk_widget_get_color() and deprecated the style context
 * it replaces.  Debian 12 has GTK 4.8, the Flatpak's runtime a newer GTK:
 * this file uses what the GTK it is built against offers, so that neither
 * build warns.  Drawing code (the reports chart) calls this instead.
 */
#include "config.h"

/* meson.build pins GDK_VERSION_MAX_ALLOWED to 4.8; this file calls
 * gtk_widget_get_color() (4.10) on purpose, and only behind
 * GTK_CHECK_VERSION, so it lifts the ceiling to the GTK being built against
 * (still 4.8 on Debian 12).  See mts-file-chooser.c. */
#undef GDK_VERSION_MAX_ALLOWED
#define GDK_VERSION_MAX_ALLOWED GDK_VERSION_CUR_STABLE

#include "mts-widget-color.h"

/**
 * mts_widget_get_color:
 * @color: (out): the colour @widget's text is drawn in, from its style
 */
void
mts_widget_get_color (GtkWidget *widget,
                      GdkRGBA   *color)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (color != NULL);

#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, color);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
#endif
}
