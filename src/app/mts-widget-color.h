/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-widget-color.h: a widget's foreground colour, whatever the GTK version. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void mts_widget_get_color (GtkWidget *widget,
                           GdkRGBA   *color);

G_END_DECLS
