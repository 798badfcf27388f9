/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-report-chart.h: successful and failed sessions per day, as stacked bars. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MTS_TYPE_REPORT_CHART (mts_report_chart_get_type ())

G_DECLARE_FINAL_TYPE (MtsReportChart, mts_report_chart, MTS, REPORT_CHART, GtkWidget)

GtkWidget  *mts_report_chart_new           (void);
void        mts_report_chart_set_days      (MtsReportChart *self,
                                            GHashTable     *by_day);
const char *mts_report_chart_get_summary   (MtsReportChart *self);
guint       mts_report_chart_get_n_bars    (MtsReportChart *self);
guint       mts_report_chart_get_bar_days  (MtsReportChart *self);
guint       mts_report_chart_get_n_labels  (MtsReportChart *self);
const char *mts_report_chart_get_label     (MtsReportChart *self,
                                            guint           index,
                                            double         *x,
                                            int            *width);

char       *mts_format_count               (gint64          count);

G_END_DECLS
