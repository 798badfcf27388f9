/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-ui-test.h: what the UI tests share: starting and stopping the app, bounded waits,
 * frames, clicks, screenshots, finding widgets, scrolling to them, sizes, temporary folders. */
#pragma once

#include <gtk/gtk.h>

#include "app/mts-application.h"
#include "app/mts-window.h"

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

gboolean   mts_ui_test_is_mapped   (gpointer    widget);
void       mts_ui_test_resize      (GtkWidget  *window,
                                    int         width,
                                    int         height);
GtkWidget *mts_ui_test_find_type   (GtkWidget  *root,
                                    GType       type);
GtkWidget *mts_ui_test_find_named  (GtkWidget  *root,
                                    const char *name);
void       mts_ui_test_scroll_to   (GtkWidget  *target);
void       mts_ui_test_remove_tree (const char *path);

MtsWindow *mts_ui_test_start       (int             *argc,
                                    char          ***argv,
                                    const char      *name,
                                    MtsApplication **app,
                                    char           **data_home);
void       mts_ui_test_stop        (MtsWindow       *window,
                                    MtsApplication  *app,
                                    char            *data_home);

G_END_DECLS
