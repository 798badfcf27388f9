/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-alert.h: confirmations and messages (AdwAlertDialog where libadwaita has it). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called once with the response's id; the alert closes by itself. */
typedef void (*MtsAlertResponseFunc) (GObject    *instance,
                                      const char *response);

GtkWidget  *mts_alert_new                  (const char           *heading,
                                            const char           *body);
void        mts_alert_add_response         (GtkWidget            *alert,
                                            const char           *id,
                                            const char           *label,
                                            gboolean              destructive);
void        mts_alert_set_default_response (GtkWidget            *alert,
                                            const char           *id);
void        mts_alert_set_close_response   (GtkWidget            *alert,
                                            const char           *id);
void        mts_alert_present              (GtkWidget            *alert,
                                            GtkWidget            *parent,
                                            MtsAlertResponseFunc  callback,
                                            gpointer              instance);
const char *mts_alert_get_heading          (GtkWidget            *alert);
const char *mts_alert_get_body             (GtkWidget            *alert);
GtkWidget  *mts_alert_get_current          (void);
void        mts_alert_respond              (GtkWidget            *alert,
                                            const char           *response);

G_END_DECLS
