/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-window-private.h: window internals that the UI tests drive. */
#pragma once

#include "mts-welcome-page.h"
#include "mts-window.h"

G_BEGIN_DECLS

MtsWelcomePage *_mts_window_get_welcome_page   (MtsWindow      *self);
AdwToastOverlay *_mts_window_get_toast_overlay (MtsWindow      *self);
GtkEditable    *_mts_welcome_page_get_entry    (MtsWelcomePage *self);
GtkLabel       *_mts_welcome_page_get_message  (MtsWelcomePage *self);
GtkButton      *_mts_welcome_page_get_start    (MtsWelcomePage *self);

G_END_DECLS
