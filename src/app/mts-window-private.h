/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-window-private.h: window internals that the pages share and the UI tests drive. */
#pragma once

#include "core/mts-project.h"
#include "core/mts-readiness.h"
#include "mts-discover-page.h"
#include "mts-policy-page.h"
#include "mts-probe-page.h"
#include "mts-progress-page.h"
#include "mts-publish-page.h"
#include "mts-report-chart.h"
#include "mts-reporting-page.h"
#include "mts-reports-view.h"
#include "mts-servers-page.h"
#include "mts-status-row.h"
#include "mts-welcome-page.h"
#include "mts-window.h"
#include "mts-wizard-model.h"

G_BEGIN_DECLS

/* The steps, in order; also the order of the window's stack. */
typedef enum
{
  MTS_STEP_WELCOME,
  MTS_STEP_DISCOVER,
  MTS_STEP_SERVERS,
  MTS_STEP_PROBE,
  MTS_STEP_POLICY,
  MTS_STEP_REPORTING,
  MTS_STEP_PUBLISH,
  MTS_STEP_PROGRESS,
  MTS_N_STEPS
} MtsStep;

/* What the step indicator shows for a step. */
typedef enum
{
  MTS_STEP_STATE_TODO,
  MTS_STEP_STATE_DONE,
  MTS_STEP_STATE_PROBLEMS,
} MtsStepState;

/* Shared by the pages. */
void             _mts_window_toast               (GtkWidget      *widget,
                                                  const char     *message);
GCancellable    *_mts_window_get_cancellable     (GtkWidget      *widget);
void             _mts_window_verify_async        (MtsWindow           *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         _mts_window_verify_finish       (MtsWindow      *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);
void             _mts_window_apply_promotion     (MtsWindow      *self,
                                                  MtsPromotion   *promotion);

/* For the tests. */
MtsWelcomePage  *_mts_window_get_welcome_page    (MtsWindow      *self);
AdwToastOverlay *_mts_window_get_toast_overlay   (MtsWindow      *self);
void             _mts_window_dismiss_toasts      (MtsWindow      *self);
GtkWidget       *_mts_window_get_page            (MtsWindow      *self,
                                                  MtsStep         step);
MtsStep          _mts_window_get_step            (MtsWindow      *self);
gboolean         _mts_window_go_to_step          (MtsWindow      *self,
                                                  MtsStep         step);
gboolean         _mts_window_step_available      (MtsWindow      *self,
                                                  MtsStep         step);
MtsStepState     _mts_window_get_step_state      (MtsWindow      *self,
                                                  MtsStep         step);
GtkListBoxRow   *_mts_window_get_step_row        (MtsWindow      *self,
                                                  MtsStep         step);
MtsWizardModel  *_mts_window_get_model           (MtsWindow      *self);
MtsProject      *_mts_window_get_project         (MtsWindow      *self);
gboolean         _mts_window_is_checking         (MtsWindow      *self);
GtkButton       *_mts_window_get_next_button     (MtsWindow      *self);
GtkButton       *_mts_window_get_back_button     (MtsWindow      *self);
AdwLeaflet      *_mts_window_get_leaflet         (MtsWindow      *self);
gboolean         _mts_window_set_dns_server      (MtsWindow      *self,
                                                  const char     *server,
                                                  GError        **error);

GtkEditable     *_mts_welcome_page_get_entry     (MtsWelcomePage *self);
GtkLabel        *_mts_welcome_page_get_message   (MtsWelcomePage *self);
GtkButton       *_mts_welcome_page_get_start     (MtsWelcomePage *self);
GtkListBox      *_mts_welcome_page_get_domains   (MtsWelcomePage *self);
gboolean         _mts_welcome_page_is_loading    (MtsWelcomePage *self);
GtkButton       *_mts_welcome_page_get_what_is   (MtsWelcomePage *self);

AdwEntryRow     *_mts_servers_page_get_add_row   (MtsServersPage *self);
GtkListBox      *_mts_servers_page_get_coverage  (MtsServersPage *self);
GtkLabel        *_mts_servers_page_get_message   (MtsServersPage *self);

GtkCheckButton  *_mts_policy_page_get_mode_check (MtsPolicyPage  *self,
                                                  MtsPolicyMode   mode);
GtkSpinButton   *_mts_policy_page_get_days       (MtsPolicyPage  *self);
GtkLabel        *_mts_policy_page_get_preview    (MtsPolicyPage  *self);
GtkListBox      *_mts_policy_page_get_findings   (MtsPolicyPage  *self);

GtkEditable     *_mts_reporting_page_get_entry   (MtsReportingPage *self,
                                                  guint             index);
GtkLabel        *_mts_reporting_page_get_row_message (MtsReportingPage *self,
                                                  guint             index);
GtkListBox      *_mts_reporting_page_get_record  (MtsReportingPage *self);

GtkListBox      *_mts_publish_page_get_list      (MtsPublishPage *self,
                                                  MtsPublished    what);
GtkButton       *_mts_publish_page_get_copy_policy (MtsPublishPage *self);
GtkListBox      *_mts_publish_page_get_hosting   (MtsPublishPage *self);
const char      *_mts_publish_page_get_policy_text (MtsPublishPage *self);

MtsStatusRow    *_mts_discover_page_get_row      (MtsDiscoverPage *self,
                                                  MtsAuditStep     step);
GtkListBox      *_mts_discover_page_get_summary  (MtsDiscoverPage *self);
GtkListBox      *_mts_probe_page_get_hosts       (MtsProbePage    *self);

/* Reports: a drop imports like the Reports view's buttons; the tests drop
 * through _mts_window_import_files(). */
gboolean         _mts_window_import_files        (MtsWindow      *self,
                                                  GListModel     *files);
void             _mts_window_project_changed     (GtkWidget      *widget);
void             _mts_window_forget_project      (MtsWindow      *self);
gboolean         _mts_window_is_saving           (MtsWindow      *self);
MtsReportsView  *_mts_progress_page_get_reports_view (MtsProgressPage *self);
GtkButton       *_mts_reports_view_get_import_button (MtsReportsView *self,
                                                  gboolean        folder);
GtkButton       *_mts_reports_view_get_cancel_button (MtsReportsView *self);
GtkProgressBar  *_mts_reports_view_get_progress_bar (MtsReportsView *self);
GtkStack        *_mts_reports_view_get_stack     (MtsReportsView *self);
GtkLabel        *_mts_reports_view_get_total     (MtsReportsView *self,
                                                  guint           which);
MtsReportChart  *_mts_reports_view_get_chart     (MtsReportsView *self);
GtkListBox      *_mts_reports_view_get_list      (MtsReportsView *self,
                                                  const char     *which);
gboolean         _mts_reports_view_is_summarizing (MtsReportsView *self);

G_END_DECLS
