/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-window.h: the wizard's main window. */
#pragma once

#include <adwaita.h>

#include "mts-application.h"

G_BEGIN_DECLS

#define MTS_TYPE_WINDOW (mts_window_get_type ())

G_DECLARE_FINAL_TYPE (MtsWindow, mts_window, MTS, WINDOW, AdwApplicationWindow)

MtsWindow *mts_window_new (MtsApplication *application);

G_END_DECLS
