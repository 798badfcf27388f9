/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-ui-test.h: what the UI tests share: bounded waits, frames, clicks, screenshots. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*MtsUiTestCondition) (gpointer data);

void mts_ui_test_wait_for        (MtsUiTestCondition  condition,
                                  gpointer            data,
                                  const char         *what);
void mts_ui_test_drain           (void);
void mts_ui_test_settle          (GtkWidget          *window);
void mts_ui_test_click           (gpointer            button);
void mts_ui_test_save_screenshot (GtkWidget          *window,
                                  const char         *name);

G_END_DECLS
