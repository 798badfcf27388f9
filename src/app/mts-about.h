/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-about.h: the About window (AdwAboutDialog where libadwaita has it). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GObject *mts_about_new     (void);
void     mts_about_present (GObject   *about,
                            GtkWindow *parent);

G_END_DECLS
