/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-progress-ui.c: the Progress step's readiness checklist, the switches of mode and the timeline,
 * in the real window, with projects made in code (no network): each checklist item met and not met,
 * the verdict, the buttons per state, the promotion dialog from its policy to the saved switch, the
 * thresholds from Preferences, and screenshots in light and dark, wide and narrow.  In the test
 * world (suite net) good.test is switched back to testing through the dialog, with real checks. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "app/mts-alert.h"
#include "app/mts-application.h"
#include "app/mts-preferences-window.h"
#include "app/mts-promotion-dialog.h"
#include "app/mts-readiness-view.h"
#include "app/mts-timeline-view.h"
#include "app/mts-window-private.h"
#include "core/mts-project-store.h"
#include "core/mts-report.h"
#include "mts-ui-test.h"

static MtsApplication *app;
static MtsWindow *window;
static char *data_home;

#define wait_for mts_ui_test_wait_for
#define click mts_ui_test_click
#define is_mapped mts_ui_test_is_mapped
#define resize mts_ui_test_resize
#define scroll_to mts_ui_test_scroll_to
#define find_named mts_ui_test_find_named

static void
settle (void)
{
  mts_ui_test_settle (GTK_WIDGET (window));
}

/* Light and dark, wide and narrow; @top: (nullable): scrolled to the top
 * of the picture after each resize. */
static void
shoot (GtkWidget  *toplevel,
       const char *name,
       GtkWidget  *top)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  struct { int width; const char *size; } sizes[] = { { 1280, "wide" }, { 400, "narrow" } };
  struct { AdwColorScheme scheme; const char *name; } schemes[] = {
    { ADW_COLOR_SCHEME_FORCE_LIGHT, "light" },
    { ADW_COLOR_SCHEME_FORCE_DARK, "dark" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      resize (toplevel, sizes[i].width, 800);
      if (top != NULL)
        scroll_to (top);
      for (guint j = 0; j < G_N_ELEMENTS (schemes); j++)
        {
          g_autofree char *file = g_strdup_printf ("%s-%s-%s", name, schemes[j].name, sizes[i].size);

          adw_style_manager_set_color_scheme (style, schemes[j].scheme);
          mts_ui_test_save_screenshot (toplevel, file);
        }
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  resize (toplevel, 1280, 800);
}

static gboolean
not_checking (gpointer data)
{
  return !_mts_window_is_checking (window);
}

static void
stop_check (void)
{
  if (_mts_window_is_checking (window))
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-check", NULL));
      wait_for (not_checking, NULL, "the check to stop");
    }
}

/* The visible text of the first label under @root that holds one of @words. */
static const char *
find_label (GtkWidget         *root,
            const char *const *words)
{
  if (GTK_IS_LABEL (root) && g_strv_contains (words, gtk_label_get_text (GTK_LABEL (root))))
    return gtk_label_get_text (GTK_LABEL (root));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *found = find_label (child, words);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static MtsProgressPage *
progress_page (void)
{
  return MTS_PROGRESS_PAGE (_mts_window_get_page (window, MTS_STEP_PROGRESS));
}

static MtsReadinessView *
readiness_view (void)
{
  return MTS_READINESS_VIEW (find_named (GTK_WIDGET (progress_page ()), "readiness"));
}

static MtsTimelineView *
timeline_view (void)
{
  return MTS_TIMELINE_VIEW (find_named (GTK_WIDGET (progress_page ()), "timeline"));
}

static MtsProject *
project (void)
{
  return _mts_window_get_project (window);
}

/* The status word of checklist item @id: "Met", "Not met" or "Unknown". */
static const char *
item_status (const char *id)
{
  static const char *const words[] = { "Met", "Not met", "Unknown", NULL };
  GtkWidget *row = find_named (GTK_WIDGET (_mts_readiness_view_get_checklist (readiness_view ())), id);

  g_assert_nonnull (row);
  return find_label (row, words);
}

static GtkWidget *
verdict_row (void)
{
  GtkWidget *row = find_named (GTK_WIDGET (_mts_readiness_view_get_verdict (readiness_view ())), "verdict");

  g_assert_nonnull (row);
  return row;
}

/* A switch that does not apply is not shown, rather than shown greyed out. */
static gboolean
button_enabled (const char *which)
{
  GtkButton *button = _mts_readiness_view_get_button (readiness_view (), which);
  gboolean shown = gtk_widget_get_visible (GTK_WIDGET (button));

  if (shown)
    g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  return shown && gtk_widget_is_visible (GTK_WIDGET (button));
}

static GDateTime *
days_ago (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_add_days (now, -days);
}

/* One day's report from @org with @ok sessions and @failed of @type. */
static void
add_report (MtsProject *target,
            const char *org,
            int         days_back,
            gint64      ok,
            const char *type,
            gint64      failed)
{
  g_autoptr(GDateTime) start = days_ago (days_back);
  g_autofree char *start_text = g_date_time_format (start, "%Y-%m-%dT00:00:00Z");
  g_autofree char *end_text = g_date_time_format (start, "%Y-%m-%dT23:59:59Z");
  g_autofree char *id = g_strdup_printf ("%s-%d-%s", org, days_back, type != NULL ? type : "ok");
  g_autofree char *details = type != NULL
    ? g_strdup_printf (", \"failure-details\": [{\"result-type\": \"%s\", \"receiving-mx-hostname\": "
                       "\"mx1.%s\", \"failed-session-count\": %" G_GINT64_FORMAT "}]",
                       type, mts_project_get_domain (target), failed)
    : g_strdup ("");
  g_autofree char *json = g_strdup_printf (
    "{\"organization-name\": \"%s\", \"report-id\": \"%s\", \"date-range\": {\"start-datetime\": "
    "\"%s\", \"end-datetime\": \"%s\"}, \"contact-info\": null, \"policies\": [{\"policy\": "
    "{\"policy-type\": \"sts\", \"policy-domain\": \"%s\", \"mx-host\": "
    "[\"mx1.%s\"]}, \"summary\": {\"total-successful-session-count\": %" G_GINT64_FORMAT
    ", \"total-failure-session-count\": %" G_GINT64_FORMAT "}%s}]}",
    org, id, start_text, end_text, mts_project_get_domain (target), mts_project_get_domain (target),
    ok, failed, details);
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsReport) report = mts_report_parse (json, strlen (json), &error);
  g_autoptr(JsonObject) facts = NULL;

  g_assert_no_error (error);
  facts = mts_report_to_facts (report);
  g_assert_true (mts_project_add_report_facts (target, org, id, facts));
}

/* The last check as `mtasts check --json` writes it: both MX fine, or
 * mx2 without STARTTLS; the policy as served; the _mta-sts id. */
static void
set_audit (MtsProject *target,
           gboolean    mx2_ok,
           const char *mode,
           guint       max_age,
           const char *id)
{
  const char *domain = mts_project_get_domain (target);
  g_autofree char *json = g_strdup_printf (
    "{\"domain\": \"%s\", \"verdict\": \"ok\", \"mx\": ["
    "{\"host\": \"mx1.%s\", \"preference\": 10, \"covered\": true, \"probes\": [{\"host\": \"mx1.%s\", "
    "\"address\": \"192.0.2.1\", \"status\": \"ok\", \"problems\": []}], \"problems\": []}, "
    "{\"host\": \"mx2.%s\", \"preference\": 20, \"covered\": true, \"probes\": [{\"host\": \"mx2.%s\", "
    "\"address\": \"192.0.2.2\", \"status\": \"%s\", \"problems\": []}], \"problems\": []}], "
    "\"sts_record\": {\"name\": \"_mta-sts.%s\", \"records\": [\"v=STSv1; id=%s\"], \"valid\": true, "
    "\"id\": \"%s\", \"problems\": []}, \"policy\": {\"mode\": \"%s\", \"max_age\": %u, "
    "\"mx\": [\"mx1.%s\", \"mx2.%s\"], \"cert\": {\"subject\": \"CN=mta-sts.%s\", "
    "\"not_after\": \"2030-01-01T00:00:00Z\", \"days_left\": 90, \"trusted\": true, "
    "\"name_matches\": true}, \"problems\": []}, \"problems\": []}",
    domain, domain, domain, domain, domain, mx2_ok ? "ok" : "no-starttls", domain, id, id, mode,
    max_age, domain, domain, domain);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_assert_nonnull (node);
  mts_project_set_last_audit (target, node, now);
}

#define OLD_ID "20261101T000000"

/* A project saved as the wizard would after weeks in @state: published
 * 20 days ago, on the Progress step. */
static void
write_project (const char      *domain,
               MtsProjectState  state,
               MtsPolicyMode    mode)
{
  g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
  g_autoptr(MtsProjectStore) store = mts_project_store_new (directory);
  g_autoptr(MtsProject) saved = NULL;
  g_autoptr(GDateTime) published = days_ago (20);
  g_autoptr(GError) error = NULL;
  g_autofree char *mx1 = g_strdup_printf ("mx1.%s", domain);
  g_autofree char *mx2 = g_strdup_printf ("mx2.%s", domain);
  g_autofree char *rua = g_strdup_printf ("mailto:tlsrpt@%s", domain);
  const char *const patterns[] = { mx1, mx2, NULL };
  const char *const ruas[] = { rua, NULL };

  saved = mts_project_store_create (store, domain, &error);
  g_assert_no_error (error);
  mts_project_set_mx_patterns (saved, patterns);
  mts_project_set_rua (saved, ruas);
  mts_project_set_mode (saved, mode);
  mts_project_set_max_age (saved, 604800);
  mts_project_add_id (saved, OLD_ID, published);
  mts_project_mark_id_published (saved, OLD_ID, published);
  mts_project_set_state (saved, state, published);
  mts_project_set_published (saved, MTS_PUBLISHED_POLICY, published);
  mts_project_set_published (saved, MTS_PUBLISHED_STS_RECORD, published);
  mts_project_set_step (saved, "progress");
  g_assert_true (mts_project_store_save (store, saved, &error));
  g_assert_no_error (error);
}

static void
open_domain (const char *domain)
{
  MtsWelcomePage *page;

  if (_mts_window_get_step (window) != MTS_STEP_WELCOME)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.other-domain", NULL));
  settle ();
  page = _mts_window_get_welcome_page (window);
  gtk_editable_set_text (_mts_welcome_page_get_entry (page), domain);
  settle ();
  click (_mts_welcome_page_get_start (page));
  /* No network here: the lookups on opening are stopped (and the toast
   * saying so would cover the screenshots). */
  stop_check ();
  _mts_window_dismiss_toasts (window);
  g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_PROGRESS);
  settle ();
}

/* Two reporters on eight days, all clean, and a clean check. */
static void
make_ready (void)
{
  for (int day = 1; day <= 8; day++)
    {
      add_report (project (), "Google Inc.", day, 5000, NULL, 0);
      add_report (project (), "Microsoft Corporation", day, 3000, NULL, 0);
    }
  set_audit (project (), TRUE, "testing", 604800, OLD_ID);
  settle ();
}

static gboolean
saved (gpointer data)
{
  return !_mts_window_is_saving (window);
}

/* The window saves in a thread. */
static void
wait_saved (void)
{
  wait_for (saved, NULL, "the project to be saved");
}

static MtsPromotionDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (MTS_IS_PROMOTION_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return MTS_PROMOTION_DIALOG (item);
    }
  return NULL;
}

/* The confirmation shown and not answered yet: an AdwAlertDialog inside the
 * window with libadwaita 1.5 or later, an AdwMessageDialog before. */
static GtkWidget *
find_message_dialog (void)
{
  return mts_alert_get_current ();
}

static void
close_dialog (MtsPromotionDialog *dialog)
{
  g_object_ref (dialog);
  gtk_window_close (GTK_WINDOW (dialog));
  settle ();
  g_assert_finalize_object (dialog);
}

static gboolean
step_done (MtsPromotionDialog *dialog,
           const char         *id)
{
  const MtsPromotion *promotion = _mts_promotion_dialog_get_promotion (dialog);

  for (guint i = 0; i < promotion->steps->len; i++)
    {
      const MtsPromotionStep *step = g_ptr_array_index (promotion->steps, i);

      if (g_str_equal (step->id, id))
        return step->done;
    }
  g_assert_not_reached ();
}

static GtkWidget *
step_verify_button (MtsPromotionDialog *dialog,
                    const char         *id)
{
  GtkWidget *row = find_named (GTK_WIDGET (_mts_promotion_dialog_get_steps (dialog)), id);

  g_assert_nonnull (row);
  return find_named (row, "verify");
}

/* Every checklist item met, then each one not met, driven through the
 * project as the checks and imports would. */
static void
test_checklist (void)
{
  static const char *const ids[] = {
    "testing-live", "reports", "no-tls-failures", "mx-probes", "mx-coverage", "policy-certificate",
  };
  g_autoptr(GSettings) settings = g_settings_new ("io.github.mtasts.Wizard");

  write_project ("ready.test", MTS_PROJECT_STATE_TESTING, MTS_POLICY_MODE_TESTING);
  open_domain ("ready.test");

  /* Nothing imported, nothing checked: unknown and not met. */
  mts_project_set_last_audit (project (), NULL, NULL);
  settle ();
  g_assert_cmpstr (item_status ("testing-live"), ==, "Met");
  g_assert_cmpstr (item_status ("reports"), ==, "Not met");
  g_assert_cmpstr (item_status ("no-tls-failures"), ==, "Unknown");
  g_assert_cmpstr (item_status ("mx-probes"), ==, "Unknown");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (verdict_row ())), ==,
                   "Not ready for enforce yet");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (verdict_row ())), ==,
                   "5 conditions not met: too few reports; no recent reports; no server check yet");

  make_ready ();
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_assert_cmpstr (item_status (ids[i]), ==, "Met");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (verdict_row ())), ==, "Ready for enforce");
  g_assert_true (button_enabled ("enforce"));
  g_assert_false (button_enabled ("testing"));
  g_assert_true (button_enabled ("remove"));
  g_assert_false (button_enabled ("continue"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (_mts_readiness_view_get_button (readiness_view (), "enforce")),
                                           "suggested-action"));
  shoot (GTK_WIDGET (window), "progress-ready", GTK_WIDGET (readiness_view ()));

  /* A mail server that fails: that item alone, and the verdict names it. */
  set_audit (project (), FALSE, "testing", 604800, OLD_ID);
  settle ();
  g_assert_cmpstr (item_status ("mx-probes"), ==, "Not met");
  g_assert_cmpstr (item_status ("reports"), ==, "Met");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (verdict_row ())), ==,
                   "1 condition not met: a mail server failed the check");

  /* A TLS failure yesterday. */
  set_audit (project (), TRUE, "testing", 604800, OLD_ID);
  add_report (project (), "Google Inc.", 1, 10, "certificate-expired", 3);
  settle ();
  g_assert_cmpstr (item_status ("no-tls-failures"), ==, "Not met");
  g_assert_cmpstr (item_status ("mx-probes"), ==, "Met");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (verdict_row ())), ==,
                   "1 condition not met: failed sessions in the last 7 days");
  shoot (GTK_WIDGET (window), "progress-not-ready", GTK_WIDGET (_mts_readiness_view_get_verdict (readiness_view ())));

  /* A stricter threshold in the settings: the checklist follows at once. */
  g_settings_set_uint (settings, "readiness-testing-days", 30);
  settle ();
  g_assert_cmpstr (item_status ("testing-live"), ==, "Not met");
  g_settings_reset (settings, "readiness-testing-days");
  settle ();
  g_assert_cmpstr (item_status ("testing-live"), ==, "Met");
}

/* Ready: Switch to Enforce opens the dialog at once; a check that sees the
 * new file switches the project, which is saved; the new id finishes it. */
static void
test_promote_enforce (void)
{
  MtsPromotionDialog *dialog;
  const MtsPromotion *promotion;
  g_autofree char *new_id = NULL;
  const char *policy;
  GtkWidget *value;

  write_project ("promote.test", MTS_PROJECT_STATE_TESTING, MTS_POLICY_MODE_TESTING);
  open_domain ("promote.test");
  make_ready ();

  click (_mts_readiness_view_get_button (readiness_view (), "enforce"));
  g_assert_null (find_message_dialog ());
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  wait_for (is_mapped, dialog, "the promotion dialog");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));

  promotion = _mts_promotion_dialog_get_promotion (dialog);
  new_id = g_strdup (promotion->id);
  g_assert_cmpstr (new_id, !=, OLD_ID);
  g_assert_cmpstr (promotion->previous_id, ==, OLD_ID);
  policy = gtk_label_get_text (_mts_promotion_dialog_get_policy_label (dialog));
  g_assert_nonnull (strstr (policy, "mode: enforce\n"));
  g_assert_nonnull (strstr (policy, "max_age: 604800"));
  g_assert_nonnull (strstr (policy, "mx: mx1.promote.test\nmx: mx2.promote.test\n"));
  value = find_named (GTK_WIDGET (_mts_promotion_dialog_get_record (dialog)), "value");
  g_assert_nonnull (value);
  {
    g_autofree char *record = g_strdup_printf ("v=STSv1; id=%s", new_id);

    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (value)), ==, record);
  }
  /* The order of RFC 8461 §8.1: the id is checked after the file. */
  g_assert_true (gtk_widget_get_sensitive (step_verify_button (dialog, "verify-policy")));
  g_assert_false (gtk_widget_get_sensitive (step_verify_button (dialog, "verify-record")));
  g_assert_cmpint (mts_project_get_state (project ()), ==, MTS_PROJECT_STATE_TESTING);
  shoot (GTK_WIDGET (dialog), "promotion-enforce", NULL);

  /* A check that still sees the testing file changes nothing. */
  _mts_promotion_dialog_update (dialog);
  g_assert_false (_mts_promotion_dialog_is_applied (dialog));
  g_assert_cmpint (mts_project_get_state (project ()), ==, MTS_PROJECT_STATE_TESTING);

  /* The new file is served: the project switches and is saved. */
  set_audit (project (), TRUE, "enforce", 604800, OLD_ID);
  _mts_promotion_dialog_update (dialog);
  settle ();
  g_assert_true (_mts_promotion_dialog_is_applied (dialog));
  g_assert_true (step_done (dialog, "publish-policy"));
  g_assert_true (step_done (dialog, "verify-policy"));
  g_assert_false (step_done (dialog, "verify-record"));
  g_assert_true (gtk_widget_get_sensitive (step_verify_button (dialog, "verify-record")));
  g_assert_cmpint (mts_project_get_state (project ()), ==, MTS_PROJECT_STATE_ENFORCE);
  g_assert_cmpstr (mts_project_get_current_id (project ()), ==, new_id);
  g_assert_cmpstr (mts_wizard_model_get_id (_mts_window_get_model (window)), ==, new_id);
  g_assert_cmpint (mts_wizard_model_get_mode (_mts_window_get_model (window)), ==, MTS_POLICY_MODE_ENFORCE);
  wait_saved ();
  {
    g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
    g_autoptr(MtsProjectStore) store = mts_project_store_new (directory);
    g_autoptr(GError) error = NULL;
    g_autoptr(MtsProject) saved = mts_project_store_open (store, "promote.test", &error);

    g_assert_no_error (error);
    g_assert_cmpint (mts_project_get_state (saved), ==, MTS_PROJECT_STATE_ENFORCE);
    g_assert_cmpstr (mts_project_get_current_id (saved), ==, new_id);
    g_assert_cmpint (mts_project_get_mode (saved), ==, MTS_POLICY_MODE_ENFORCE);
  }
  shoot (GTK_WIDGET (dialog), "promotion-enforce-applied", GTK_WIDGET (_mts_promotion_dialog_get_steps (dialog)));

  /* Closed half-way: the switch is kept, and Continue opens it again; no
   * other switch can replace it unseen. */
  close_dialog (dialog);
  g_assert_true (button_enabled ("continue"));
  g_assert_false (button_enabled ("enforce"));
  g_assert_false (button_enabled ("testing"));
  g_assert_false (button_enabled ("remove"));
  {
    GtkListBox *timeline = _mts_timeline_view_get_list (timeline_view ());
    GtkWidget *first = gtk_widget_get_first_child (GTK_WIDGET (timeline));
    g_autofree char *text = g_strdup_printf ("Switched to enforce: new policy id %s, max_age 604800.", new_id);

    g_assert_cmpstr (gtk_widget_get_name (first), ==, "switch");
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first)), ==, text);
  }
  click (_mts_readiness_view_get_button (readiness_view (), "continue"));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (_mts_promotion_dialog_get_promotion (dialog)->id, ==, new_id);
  g_assert_true (_mts_promotion_dialog_is_applied (dialog));

  /* The new id is published: done. */
  set_audit (project (), TRUE, "enforce", 604800, new_id);
  _mts_promotion_dialog_update (dialog);
  settle ();
  g_assert_true (step_done (dialog, "verify-record"));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (_mts_promotion_dialog_get_status (dialog)), "Done"));
  g_assert_null (mts_promotion_dialog_get_pending (project ()));
  close_dialog (dialog);
  g_assert_false (button_enabled ("continue"));
  g_assert_true (button_enabled ("testing"));
  g_assert_true (button_enabled ("remove"));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (verdict_row ())), ==, "Enforced");
  g_assert_null (find_named (GTK_WIDGET (_mts_readiness_view_get_verdict (readiness_view ())), "id-unpublished"));
}

/* Not ready: Switch to Enforce asks first, naming what is missing. */
static void
test_confirm_not_ready (void)
{
  GtkWidget *message;
  MtsPromotionDialog *dialog;

  write_project ("early.test", MTS_PROJECT_STATE_TESTING, MTS_POLICY_MODE_TESTING);
  open_domain ("early.test");
  set_audit (project (), TRUE, "testing", 604800, OLD_ID);
  settle ();

  click (_mts_readiness_view_get_button (readiness_view (), "enforce"));
  message = find_message_dialog ();
  g_assert_nonnull (message);
  g_assert_null (find_dialog ());
  g_assert_nonnull (strstr (mts_alert_get_body (message), "• Reports from several reporters on several days"));
  g_assert_null (strstr (mts_alert_get_body (message), "Every mail server passed the last check"));
  mts_ui_test_save_screenshot (GTK_IS_NATIVE (message) ? message : GTK_WIDGET (window), "promotion-confirm-light");
  mts_alert_respond (message, "cancel");
  settle ();
  g_assert_null (find_dialog ());

  click (_mts_readiness_view_get_button (readiness_view (), "enforce"));
  message = find_message_dialog ();
  g_assert_nonnull (message);
  mts_alert_respond (message, "switch");
  settle ();
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  close_dialog (dialog);
}

static gboolean
file_gone (gpointer data)
{
  g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
  g_autofree char *name = g_strconcat (data, ".json", NULL);
  g_autoptr(GFile) file = g_file_get_child (directory, name);

  return !g_file_query_exists (file, NULL);
}

/* Removal (RFC 8461 §8.3): mode none with one day's max_age, a new id, and
 * a wait until the old max_age has passed. */
static void
test_remove (void)
{
  MtsPromotionDialog *dialog;
  const MtsPromotion *promotion;

  write_project ("leaving.test", MTS_PROJECT_STATE_ENFORCE, MTS_POLICY_MODE_ENFORCE);
  open_domain ("leaving.test");
  g_assert_false (button_enabled ("enforce"));
  g_assert_true (button_enabled ("testing"));
  g_assert_true (button_enabled ("remove"));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (verdict_row ())), ==, "Enforced");

  click (_mts_readiness_view_get_button (readiness_view (), "remove"));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  promotion = _mts_promotion_dialog_get_promotion (dialog);
  g_assert_cmpint (promotion->kind, ==, MTS_PROMOTION_REMOVE);
  g_assert_nonnull (strstr (gtk_label_get_text (_mts_promotion_dialog_get_policy_label (dialog)), "mode: none\n"));
  g_assert_nonnull (strstr (gtk_label_get_text (_mts_promotion_dialog_get_policy_label (dialog)), "max_age: 86400"));
  g_assert_nonnull (find_named (GTK_WIDGET (_mts_promotion_dialog_get_steps (dialog)), "wait"));
  g_assert_false (gtk_widget_get_sensitive (step_verify_button (dialog, "remove")));
  shoot (GTK_WIDGET (dialog), "promotion-remove", GTK_WIDGET (_mts_promotion_dialog_get_steps (dialog)));

  set_audit (project (), TRUE, "none", 86400, OLD_ID);
  _mts_promotion_dialog_update (dialog);
  settle ();
  g_assert_cmpint (mts_project_get_state (project ()), ==, MTS_PROJECT_STATE_REMOVING);
  g_assert_cmpint (mts_project_get_mode (project ()), ==, MTS_POLICY_MODE_NONE);
  close_dialog (dialog);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (verdict_row ())), ==, "Being removed");
  /* Being removed: no more switches but the one under way. */
  g_assert_false (button_enabled ("enforce"));
  g_assert_false (button_enabled ("testing"));
  g_assert_false (button_enabled ("remove"));
  g_assert_true (button_enabled ("continue"));
  g_assert_false (button_enabled ("forget"));

  /* The new id is seen; a week later (the enforce policy's max_age) the
   * record and the policy host are gone: the removal is over, although the
   * last check no longer finds the id the earlier steps were done with. */
  click (_mts_readiness_view_get_button (readiness_view (), "continue"));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  promotion = _mts_promotion_dialog_get_promotion (dialog);
  g_assert_nonnull (promotion->wait_until);
  set_audit (project (), TRUE, "none", 86400, promotion->id);
  _mts_promotion_dialog_update (dialog);
  settle ();
  g_assert_true (step_done (dialog, "verify-record"));
  g_assert_false (step_done (dialog, "wait"));
  {
    /* As if the week had passed. */
    MtsPromotion *editable = (MtsPromotion *) promotion;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    g_date_time_unref (editable->wait_until);
    editable->wait_until = g_date_time_add_seconds (now, -60);
  }
  {
    g_autoptr(JsonNode) gone = json_from_string ("{\"mx\": [], \"sts_record\": {\"records\": [], "
                                                 "\"valid\": false}, \"policy\": {\"mode\": null, "
                                                 "\"http_status\": 404}}", NULL);

    mts_project_set_last_audit (project (), gone, NULL);
  }
  _mts_promotion_dialog_update (dialog);
  settle ();
  g_assert_true (step_done (dialog, "verify-record"));
  g_assert_true (step_done (dialog, "remove"));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (_mts_promotion_dialog_get_status (dialog)), "Done"));
  g_assert_null (mts_promotion_dialog_get_pending (project ()));
  g_assert_cmpint (mts_project_get_state (project ()), ==, MTS_PROJECT_STATE_REMOVED);
  close_dialog (dialog);

  /* Removed: a final state, and the domain can be forgotten. */
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (verdict_row ())), ==, "Removed");
  g_assert_false (button_enabled ("continue"));
  g_assert_false (button_enabled ("remove"));
  g_assert_false (button_enabled ("testing"));
  g_assert_true (button_enabled ("forget"));
  wait_saved ();
  shoot (GTK_WIDGET (window), "progress-removed", GTK_WIDGET (readiness_view ()));
  {
    g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
    g_autoptr(MtsProjectStore) store = mts_project_store_new (directory);
    g_autoptr(GError) error = NULL;
    g_autoptr(MtsProject) saved = mts_project_store_open (store, "leaving.test", &error);
    g_autoptr(MtsProject) forgotten = NULL;
    GtkWidget *confirm;

    g_assert_no_error (error);
    g_assert_cmpint (mts_project_get_state (saved), ==, MTS_PROJECT_STATE_REMOVED);
    g_assert_null (mts_project_get_pending_switch (saved));

    /* Cancel keeps it. */
    click (_mts_readiness_view_get_button (readiness_view (), "forget"));
    confirm = find_message_dialog ();
    g_assert_nonnull (confirm);
    g_assert_cmpstr (gtk_widget_get_name (confirm), ==, "confirm-forget");
    g_assert_nonnull (strstr (mts_alert_get_body (confirm), "leaving.test"));
    mts_alert_respond (confirm, "cancel");
    settle ();
    g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_PROGRESS);

    click (_mts_readiness_view_get_button (readiness_view (), "forget"));
    confirm = find_message_dialog ();
    g_assert_nonnull (confirm);
    mts_alert_respond (confirm, "forget");
    settle ();
    wait_for (file_gone, (gpointer) "leaving.test", "the project file to be moved away");
    g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_WELCOME);
    g_assert_null (project ());
    forgotten = mts_project_store_open (store, "leaving.test", &error);
    g_assert_null (forgotten);
    g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NOT_FOUND);
  }
}

/* A switch applied in an earlier session whose new id was never seen
 * published: the view says where to finish it. */
static void
test_id_unpublished (void)
{
  g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
  g_autoptr(MtsProjectStore) store = mts_project_store_new (directory);
  g_autoptr(MtsProject) saved = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *row;

  write_project ("halfway.test", MTS_PROJECT_STATE_ENFORCE, MTS_POLICY_MODE_ENFORCE);
  saved = mts_project_store_open (store, "halfway.test", &error);
  g_assert_no_error (error);
  g_assert_true (mts_project_add_id (saved, "20261201T000000", NULL));
  g_assert_true (mts_project_store_save (store, saved, &error));
  g_assert_no_error (error);

  open_domain ("halfway.test");
  row = find_named (GTK_WIDGET (_mts_readiness_view_get_verdict (readiness_view ())), "id-unpublished");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "20261201T000000"));

  /* Verify publication saw it: the hint goes. */
  mts_project_mark_id_published (project (), "20261201T000000", NULL);
  settle ();
  g_assert_null (find_named (GTK_WIDGET (_mts_readiness_view_get_verdict (readiness_view ())), "id-unpublished"));
}

/* A long timeline: the latest 20, the rest under Show all. */
static void
test_timeline (void)
{
  GtkListBox *list;
  GtkWidget *show_all;
  guint rows = 0;

  write_project ("busy.test", MTS_PROJECT_STATE_TESTING, MTS_POLICY_MODE_TESTING);
  open_domain ("busy.test");
  for (int i = 30; i > 0; i--)
    {
      g_autoptr(GDateTime) when = days_ago (i);

      mts_project_add_event (project (), i % 3 == 0 ? MTS_TIMELINE_IMPORT : MTS_TIMELINE_AUDIT, when,
                             i % 3 == 0 ? "Imported 2 new TLS reports."
                                        : i % 3 == 1 ? "ok" : "warnings");
    }
  settle ();
  list = _mts_timeline_view_get_list (timeline_view ());
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    rows++;
  g_assert_cmpuint (rows, ==, MTS_TIMELINE_VIEW_SHOWN + 1);
  /* Newest first: the project was set up today, the checks before. */
  {
    GtkWidget *first = gtk_widget_get_first_child (GTK_WIDGET (list));
    GtkWidget *second = gtk_widget_get_next_sibling (first);

    g_assert_cmpstr (gtk_widget_get_name (first), ==, "created");
    g_assert_cmpstr (gtk_widget_get_name (second), ==, "audit");
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (second)), ==, "Check: everything in order");
  }
  show_all = find_named (GTK_WIDGET (list), "show-all");
  g_assert_true (ADW_IS_EXPANDER_ROW (show_all));
  g_assert_true (gtk_widget_get_last_child (GTK_WIDGET (list)) == show_all);

  shoot (GTK_WIDGET (window), "progress-timeline", GTK_WIDGET (timeline_view ()));
}

/* Events keep what happened, not words (`mtasts import` may write them
 * from cron in the C locale): the timeline words them in the reader's
 * language, each count with its own plural; an event from an older file
 * has only its text, shown as is. */
static void
test_timeline_words (void)
{
  const char *const expected[] = {
    "Domain set up",
    "Started removing MTA-STS: mode none, new policy id 20261201T000000.",
    "3 neue TLS-Berichte importiert.",
    "Imported 2 new TLS reports (2 duplicates, 2 files rejected, 1 report for other domains).",
    "Imported 1 new TLS report (1 duplicate).",
    "Imported 1 new TLS report.",
  };
  GtkWidget *row;
  guint n = 0;

  write_project ("words.test", MTS_PROJECT_STATE_TESTING, MTS_POLICY_MODE_TESTING);
  {
    g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
    g_autoptr(MtsProjectStore) store = mts_project_store_new (directory);
    g_autoptr(GError) error = NULL;
    g_autoptr(MtsProject) saved = mts_project_store_open (store, "words.test", &error);
    g_autoptr(GDateTime) d6 = days_ago (6);
    g_autoptr(GDateTime) d5 = days_ago (5);
    g_autoptr(GDateTime) d4 = days_ago (4);
    g_autoptr(GDateTime) d3 = days_ago (3);
    g_autoptr(GDateTime) d2 = days_ago (2);

    g_assert_no_error (error);
    mts_project_add_import_event (saved, d6, 1, 0, 0, 0);
    mts_project_add_import_event (saved, d5, 1, 1, 0, 0);
    mts_project_add_import_event (saved, d4, 2, 2, 1, 2);
    mts_project_add_event (saved, MTS_TIMELINE_IMPORT, d3, "3 neue TLS-Berichte importiert.");
    mts_project_add_switch_event (saved, d2, "remove", "20261201T000000", 86400, NULL);
    g_assert_true (mts_project_store_save (store, saved, &error));
    g_assert_no_error (error);
  }
  open_domain ("words.test");
  settle ();
  for (row = gtk_widget_get_first_child (GTK_WIDGET (_mts_timeline_view_get_list (timeline_view ())));
       row != NULL; row = gtk_widget_get_next_sibling (row), n++)
    {
      g_assert_cmpuint (n, <, G_N_ELEMENTS (expected));
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, expected[n]);
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
}

/* The thresholds in Preferences are the settings the checklist reads. */
static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.mtasts.Wizard");
  MtsPreferencesWindow *preferences = mts_preferences_window_new (GTK_WINDOW (window));
  GtkWidget *spin;

  gtk_window_present (GTK_WINDOW (preferences));
  wait_for (is_mapped, preferences, "the preferences");
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "readiness");
  mts_ui_test_settle (GTK_WIDGET (preferences));

  spin = find_named (GTK_WIDGET (preferences), "testing-days");
  g_assert_true (GTK_IS_SPIN_BUTTON (spin));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 14);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 21);
  g_assert_cmpuint (g_settings_get_uint (settings, "readiness-testing-days"), ==, 21);

  spin = find_named (GTK_WIDGET (preferences), "max-other-failures");
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), 0.1, 1e-9);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 0.5);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "readiness-max-other-failures"), 0.005, 1e-9);
  mts_ui_test_save_screenshot (GTK_WIDGET (preferences), "preferences-readiness-light");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preferences), "preferences.reset-readiness", NULL));
  g_assert_cmpuint (g_settings_get_uint (settings, "readiness-testing-days"), ==, 14);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (find_named (GTK_WIDGET (preferences), "testing-days"))),
                     ==, 14);
  g_object_ref (preferences);
  gtk_window_destroy (GTK_WINDOW (preferences));
  mts_ui_test_drain ();
  g_assert_finalize_object (preferences);
}

/* Every control has a name for screen readers: the page and the dialog. */
static gboolean
is_interactive (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_SPIN_BUTTON (widget) ||
         (GTK_IS_LIST_BOX_ROW (widget) && gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget)) &&
          gtk_widget_get_focusable (widget));
}

static gboolean
has_name (GtkWidget *widget)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;
  if (GTK_IS_BUTTON (widget))
    {
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (widget));

      return GTK_IS_LABEL (child) && gtk_label_get_text (GTK_LABEL (child))[0] != '\0';
    }
  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget))[0] != '\0';
  return gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

static void
collect_unnamed (GtkWidget *widget,
                 GString   *unnamed,
                 guint     *checked)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  /* The toggle inside a menu button is named by the menu button. */
  if (is_interactive (widget) && !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
    {
      (*checked)++;
      if (!has_name (widget))
        g_string_append_printf (unnamed, " %s (%s)", G_OBJECT_TYPE_NAME (widget), gtk_widget_get_name (widget));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_unnamed (child, unnamed, checked);
}

static void
assert_named (GtkWidget *root)
{
  g_autoptr(GString) unnamed = g_string_new (NULL);
  guint checked = 0;

  collect_unnamed (root, unnamed, &checked);
  /* The readiness view shows only the switches that apply: two, testing. */
  g_assert_cmpuint (checked, >=, 2);
  if (unnamed->len > 0)
    g_error ("controls without an accessible name:%s", unnamed->str);
}

static void
test_accessible_names (void)
{
  MtsPromotionDialog *dialog;

  write_project ("named.test", MTS_PROJECT_STATE_TESTING, MTS_POLICY_MODE_TESTING);
  open_domain ("named.test");
  make_ready ();
  assert_named (GTK_WIDGET (readiness_view ()));
  click (_mts_readiness_view_get_button (readiness_view (), "enforce"));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  mts_ui_test_settle (GTK_WIDGET (dialog));
  assert_named (GTK_WIDGET (dialog));
  close_dialog (dialog);
}

/* In the test world: good.test publishes an enforce policy.  Back to
 * testing through the dialog, with the world's policy host and DNS
 * rewritten as the user would, and checked for real. */
static gboolean
dialog_idle (gpointer data)
{
  GtkWidget *stop = find_named (GTK_WIDGET (data), "stop");

  return !_mts_window_is_checking (window) && (stop == NULL || !gtk_widget_get_visible (stop));
}

static void
world_reload (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "world", "world.sh", NULL);
  const char *argv[] = { script, "reload", g_getenv ("MTS_WORLD_DIR"), NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &output, &errors, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("world.sh reload: %s: %s%s", error->message, output, errors);
}

/* The new policy file, as the user puts it on the policy host. */
static void
world_publish_policy (const char *text)
{
  g_autofree char *path = g_build_filename (g_getenv ("MTS_WORLD_DIR"), "www", "mta-sts.good.test",
                                            ".well-known", "mta-sts.txt", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

/* The new _mta-sts record, replacing the old one in the world's zone. */
static void
world_publish_record (const char *record)
{
  g_autofree char *path = g_build_filename (g_getenv ("MTS_WORLD_DIR"), "dns", "world.conf", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  gboolean replaced = FALSE;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "txt-record=_mta-sts.good.test,"))
      {
        g_free (lines[i]);
        lines[i] = g_strdup_printf ("txt-record=_mta-sts.good.test,\"%s\"", record);
        replaced = TRUE;
      }
  g_assert_true (replaced);
  g_free (contents);
  contents = g_strjoinv ("\n", lines);
  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
  world_reload ();
}

static void
test_world_back_to_testing (void)
{
  MtsPromotionDialog *dialog;
  const MtsPromotion *promotion;

  /* good.test as the wizard finds it: enforce, id 20261128T000000. */
  if (_mts_window_get_step (window) != MTS_STEP_WELCOME)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.other-domain", NULL));
  settle ();
  gtk_editable_set_text (_mts_welcome_page_get_entry (_mts_window_get_welcome_page (window)), "good.test");
  click (_mts_welcome_page_get_start (_mts_window_get_welcome_page (window)));
  wait_for (not_checking, NULL, "the lookups of good.test");
  g_assert_true (_mts_window_go_to_step (window, MTS_STEP_PUBLISH));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.verify", NULL));
  wait_for (not_checking, NULL, "Verify publication");
  g_assert_true (_mts_window_go_to_step (window, MTS_STEP_PROGRESS));
  settle ();
  g_assert_cmpint (mts_project_get_state (project ()), ==, MTS_PROJECT_STATE_ENFORCE);

  click (_mts_readiness_view_get_button (readiness_view (), "testing"));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  promotion = _mts_promotion_dialog_get_promotion (dialog);

  /* Verify before anything is published: not yet. */
  click (step_verify_button (dialog, "verify-policy"));
  wait_for (dialog_idle, dialog, "the check of the policy file");
  settle ();
  g_assert_false (step_done (dialog, "verify-policy"));
  g_assert_false (_mts_promotion_dialog_is_applied (dialog));

  /* The new file on the policy host, then the check. */
  world_publish_policy (promotion->policy_text);
  click (step_verify_button (dialog, "verify-policy"));
  wait_for (dialog_idle, dialog, "the check of the policy file");
  settle ();
  g_assert_true (step_done (dialog, "verify-policy"));
  g_assert_true (_mts_promotion_dialog_is_applied (dialog));
  g_assert_cmpint (mts_project_get_state (project ()), ==, MTS_PROJECT_STATE_TESTING);

  /* The new id in DNS, then the check. */
  world_publish_record (promotion->record);
  click (step_verify_button (dialog, "verify-record"));
  wait_for (dialog_idle, dialog, "the check of the new id");
  settle ();
  shoot (GTK_WIDGET (dialog), "world-promotion-testing", GTK_WIDGET (_mts_promotion_dialog_get_steps (dialog)));
  g_assert_true (step_done (dialog, "verify-record"));
  g_assert_null (mts_promotion_dialog_get_pending (project ()));
  close_dialog (dialog);
}

/* A removal takes weeks: the switch is in the project file, so a new
 * window (as after a restart) shows it with Continue, and the dialog goes
 * on at the same new id and step; Cancel Switch asks first once the new
 * policy is in use, then forgets it in the file too. */
static void
test_switch_survives (void)
{
  MtsPromotionDialog *dialog;
  GtkWidget *confirm;
  g_autofree char *new_id = NULL;
  g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
  g_autoptr(MtsProjectStore) store = mts_project_store_new (directory);
  g_autoptr(MtsProject) saved = NULL;
  g_autoptr(GError) error = NULL;
  const MtsPromotion *promotion;
  const MtsProjectSwitch *pending;
  MtsWindow *old_window = window;

  write_project ("persist.test", MTS_PROJECT_STATE_ENFORCE, MTS_POLICY_MODE_ENFORCE);
  open_domain ("persist.test");
  click (_mts_readiness_view_get_button (readiness_view (), "remove"));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  new_id = g_strdup (_mts_promotion_dialog_get_promotion (dialog)->id);
  /* A check sees the new policy file: the project uses it now. */
  set_audit (project (), TRUE, "none", 86400, OLD_ID);
  _mts_promotion_dialog_update (dialog);
  settle ();
  g_assert_true (_mts_promotion_dialog_is_applied (dialog));
  g_assert_true (step_done (dialog, "verify-policy"));
  g_assert_false (step_done (dialog, "verify-record"));
  close_dialog (dialog);
  wait_saved ();

  /* Saved as it is. */
  saved = mts_project_store_open (store, "persist.test", &error);
  g_assert_no_error (error);
  pending = mts_project_get_pending_switch (saved);
  g_assert_nonnull (pending);
  g_assert_cmpstr (pending->kind, ==, "remove");
  g_assert_cmpstr (pending->new_id, ==, new_id);
  g_assert_true (pending->applied);
  g_assert_true (g_strv_contains ((const char *const *) pending->done_steps, "verify-policy"));
  g_clear_object (&saved);

  /* Quit, and start again on the same data folder. */
  g_object_ref (old_window);
  gtk_window_destroy (GTK_WINDOW (old_window));
  mts_ui_test_drain ();
  g_assert_finalize_object (old_window);
  window = mts_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  wait_for (is_mapped, window, "the new window to be shown");
  resize (GTK_WIDGET (window), 1280, 800);
  g_assert_true (_mts_window_set_dns_server (window, "127.0.0.1:9", &error));
  g_assert_no_error (error);
  open_domain ("persist.test");

  g_assert_true (button_enabled ("continue"));
  g_assert_false (button_enabled ("remove"));
  click (_mts_readiness_view_get_button (readiness_view (), "continue"));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  promotion = _mts_promotion_dialog_get_promotion (dialog);
  g_assert_cmpint (promotion->kind, ==, MTS_PROMOTION_REMOVE);
  g_assert_cmpstr (promotion->id, ==, new_id);
  g_assert_true (_mts_promotion_dialog_is_applied (dialog));
  g_assert_true (step_done (dialog, "verify-policy"));
  g_assert_false (step_done (dialog, "verify-record"));
  /* The next step is the one to do: check the new id. */
  g_assert_true (gtk_widget_get_sensitive (step_verify_button (dialog, "verify-record")));
  g_assert_false (gtk_widget_get_sensitive (step_verify_button (dialog, "remove")));
  shoot (GTK_WIDGET (dialog), "promotion-resumed", GTK_WIDGET (_mts_promotion_dialog_get_steps (dialog)));

  /* Cancel: the new policy is in use, so it asks; Keep changes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "promotion.cancel", NULL));
  settle ();
  confirm = find_message_dialog ();
  g_assert_nonnull (confirm);
  mts_alert_respond (confirm, "keep");
  settle ();
  g_assert_nonnull (mts_project_get_pending_switch (project ()));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "promotion.cancel", NULL));
  settle ();
  confirm = find_message_dialog ();
  g_assert_nonnull (confirm);
  mts_alert_respond (confirm, "cancel-switch");
  settle ();
  g_assert_null (find_dialog ());
  g_assert_null (mts_project_get_pending_switch (project ()));
  g_assert_false (button_enabled ("continue"));
  wait_saved ();
  saved = mts_project_store_open (store, "persist.test", &error);
  g_assert_no_error (error);
  g_assert_null (mts_project_get_pending_switch (saved));
  /* What was applied stays. */
  g_assert_cmpint (mts_project_get_mode (saved), ==, MTS_POLICY_MODE_NONE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  window = mts_ui_test_start (&argc, &argv, "progress", &app, &data_home);
  if (g_getenv ("MTS_WORLD_DIR") == NULL)
    {
      g_assert_true (_mts_window_set_dns_server (window, "127.0.0.1:9", &error));
      g_assert_no_error (error);
    }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  resize (GTK_WIDGET (window), 1280, 800);

  if (g_getenv ("MTS_WORLD_DIR") != NULL)
    g_test_add_func ("/mts/progress-ui/world/back-to-testing", test_world_back_to_testing);
  else
    {
      g_test_add_func ("/mts/progress-ui/checklist", test_checklist);
      g_test_add_func ("/mts/progress-ui/promote-enforce", test_promote_enforce);
      g_test_add_func ("/mts/progress-ui/confirm-not-ready", test_confirm_not_ready);
      g_test_add_func ("/mts/progress-ui/remove", test_remove);
      g_test_add_func ("/mts/progress-ui/switch-survives", test_switch_survives);
      g_test_add_func ("/mts/progress-ui/id-unpublished", test_id_unpublished);
      g_test_add_func ("/mts/progress-ui/timeline", test_timeline);
      g_test_add_func ("/mts/progress-ui/timeline-words", test_timeline_words);
      g_test_add_func ("/mts/progress-ui/preferences", test_preferences);
      g_test_add_func ("/mts/progress-ui/accessible-names", test_accessible_names);
    }

  status = g_test_run ();

  mts_ui_test_stop (window, app, g_steal_pointer (&data_home));
  return status;
}
