/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-status-row.h: a row for one check: a spinner while it runs, then a verdict icon and one line. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum
{
  MTS_STATUS_PENDING,
  MTS_STATUS_RUNNING,
  MTS_STATUS_OK,
  MTS_STATUS_WARNING,
  MTS_STATUS_ERROR,
  MTS_STATUS_INFO,
} MtsStatus;

#define MTS_TYPE_STATUS_ROW (mts_status_row_get_type ())

G_DECLARE_FINAL_TYPE (MtsStatusRow, mts_status_row, MTS, STATUS_ROW, AdwExpanderRow)

GtkWidget *mts_status_row_new        (const char   *title);
void       mts_status_row_set_status (MtsStatusRow *self,
                                      MtsStatus     status,
                                      const char   *line);
MtsStatus  mts_status_row_get_status (MtsStatusRow *self);
void       mts_status_row_add_detail (MtsStatusRow *self,
                                      GtkWidget    *row);
void       mts_status_row_clear_details (MtsStatusRow *self);

G_END_DECLS
