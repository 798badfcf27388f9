/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-rows.h: list rows that several pages show: a finding, a status line, a value to copy. */
#pragma once

#include <adwaita.h>

#include "core/mts-diagnostic.h"

G_BEGIN_DECLS

GtkWidget  *mts_diagnostic_row_new        (const MtsDiagnostic *diagnostic,
                                           const char          *line_label);
GtkWidget  *mts_message_row_new           (const char          *icon_name,
                                           const char          *css_class,
                                           const char          *title,
                                           const char          *subtitle);
GtkWidget  *mts_copy_row_new              (const char          *title,
                                           const char          *value,
                                           const char          *copy_description);
const char *mts_copy_row_get_value        (GtkWidget           *row);
GtkWidget  *mts_copy_row_get_button       (GtkWidget           *row);
const char *mts_severity_icon_name        (MtsSeverity          severity);
const char *mts_severity_css_class        (MtsSeverity          severity);
void        mts_list_box_remove_all       (GtkListBox          *list);
GtkWidget  *mts_boxed_list_new            (const char          *accessible_label);

G_END_DECLS
