/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-what-is-window.h: "What is MTA-STS?", in plain words, with the two RFCs. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MTS_TYPE_WHAT_IS_WINDOW (mts_what_is_window_get_type ())

G_DECLARE_FINAL_TYPE (MtsWhatIsWindow, mts_what_is_window, MTS, WHAT_IS_WINDOW, AdwWindow)

MtsWhatIsWindow *mts_what_is_window_new (GtkWindow *parent);

/* For the tests: the rows that open the RFCs, and the address each opens. */
GtkListBox      *_mts_what_is_window_get_links (MtsWhatIsWindow *self);
const char      *_mts_what_is_window_get_uri   (GtkListBoxRow   *row);

G_END_DECLS
