/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-preferences-window.h: where the checks ask (DNS) and whom they trust (CA). */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MTS_TYPE_PREFERENCES_WINDOW (mts_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (MtsPreferencesWindow, mts_preferences_window, MTS, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

MtsPreferencesWindow *mts_preferences_window_new (GtkWindow *parent);

/* For the UI tests. */
AdwEntryRow *_mts_preferences_window_get_dns_row     (MtsPreferencesWindow *self);
GtkLabel    *_mts_preferences_window_get_dns_message (MtsPreferencesWindow *self);
gboolean     _mts_preferences_window_set_ca_file     (MtsPreferencesWindow *self,
                                                      GFile                *file);
GtkLabel    *_mts_preferences_window_get_ca_message  (MtsPreferencesWindow *self);

G_END_DECLS
