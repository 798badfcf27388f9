/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-reports-ui.c: TLS reports in the real wizard: a folder of reports
 * (JSON, gzip, a mail, one for another domain, one broken) dropped on the
 * window, the Progress step's totals, chart, lists and what was left out,
 * the project saved and the readiness checklist taking them in; a large
 * import cancelled half-way, or cut short by closing the window; the chart
 * with one day and with a year, and the dates under it; screenshots in light and dark, wide and
 * narrow; a report whose totals disagree with its failure details. */
#include "config.h"

#include <adwaita.h>

#include "app/mts-application.h"
#include "app/mts-readiness-view.h"
#include "app/mts-window-private.h"
#include "core/mts-project-store.h"
#include "core/mts-report-summary.h"
#include "core/mts-report.h"
#include "mts-ui-test.h"

static MtsApplication *app;
static MtsWindow *window;
static char *data_home;
static char *reports_dir;
/* What the readiness checklist said of reports before any was imported. */
static char *readiness_before;

#define wait_for mts_ui_test_wait_for

static void
settle (void)
{
  mts_ui_test_settle (GTK_WIDGET (window));
}

static void
resize (int width,
        int height)
{
  mts_ui_test_resize (GTK_WIDGET (window), width, height);
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

static MtsReportsView *
reports_view (void)
{
  return _mts_progress_page_get_reports_view (MTS_PROGRESS_PAGE (_mts_window_get_page (window, MTS_STEP_PROGRESS)));
}

/* A label somewhere under @root whose text holds @text: toasts. */
static gboolean
has_label_with (GtkWidget  *root,
                const char *text)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label_with (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
toast_shows (gpointer text)
{
  return has_label_with (GTK_WIDGET (_mts_window_get_toast_overlay (window)), text);
}

/* The text of a row's count ("7 failed"): its label in the "numeric" style. */
static const char *
row_suffix_text (GtkWidget *row)
{
  if (GTK_IS_LABEL (row) && gtk_widget_has_css_class (row, "numeric"))
    return gtk_label_get_text (GTK_LABEL (row));
  for (GtkWidget *child = gtk_widget_get_first_child (row); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *text = row_suffix_text (child);

      if (text != NULL)
        return text;
    }
  return NULL;
}

/* The readiness checklist's row about reports (rdy's MtsReadinessView). */
static const char *
readiness_reports_text (void)
{
  GtkWidget *view = mts_ui_test_find_type (_mts_window_get_page (window, MTS_STEP_PROGRESS), MTS_TYPE_READINESS_VIEW);
  GtkWidget *row;

  g_assert_nonnull (view);
  g_assert_true (gtk_widget_get_mapped (view));
  row = mts_ui_test_find_named (GTK_WIDGET (_mts_readiness_view_get_checklist (MTS_READINESS_VIEW (view))), "reports");
  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* Every button and list under @widget has a name for screen readers:
 * its own, or its label's text. */
static void
assert_named (GtkWidget *widget,
              guint     *checked)
{
  gboolean named = gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);

  if (GTK_IS_BUTTON (widget))
    {
      const char *label = gtk_button_get_label (GTK_BUTTON (widget));

      named |= label != NULL && label[0] != '\0';
    }
  /* An expander row's list of its rows is libadwaita's own, and the row's
   * title names it. */
  if (GTK_IS_LIST_BOX (widget) && gtk_widget_get_ancestor (widget, ADW_TYPE_EXPANDER_ROW) != NULL)
    named = TRUE;
  if (GTK_IS_BUTTON (widget) || GTK_IS_LIST_BOX (widget) || GTK_IS_PROGRESS_BAR (widget) ||
      MTS_IS_REPORT_CHART (widget))
    {
      (*checked)++;
      if (!named)
        g_error ("a %s in the Reports view has no accessible name", G_OBJECT_TYPE_NAME (widget));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_named (child, checked);
}

/* Reports ---------------------------------------------------------------- */

static char *
report_json (const char *organization,
             const char *report_id,
             const char *day,
             const char *domain,
             int         successful,
             const char *failure_type,
             const char *failure_host,
             int         failed)
{
  g_autofree char *details = NULL;

  if (failed > 0)
    details = g_strdup_printf ("{\"result-type\": \"%s\", \"sending-mta-ip\": \"192.0.2.10\", "
                               "\"receiving-mx-hostname\": \"%s\", \"failed-session-count\": %d}",
                               failure_type, failure_host, failed);
  return g_strdup_printf ("{\"organization-name\": \"%s\", "
                          "\"date-range\": {\"start-datetime\": \"%sT00:00:00Z\", "
                          "\"end-datetime\": \"%sT23:59:59Z\"}, "
                          "\"contact-info\": \"tlsrpt@reporter.example\", \"report-id\": \"%s\", "
                          "\"policies\": [{\"policy\": {\"policy-type\": \"sts\", "
                          "\"policy-string\": [\"version: STSv1\", \"mode: testing\", "
                          "\"mx: mx1.%s\", \"mx: mx2.%s\", \"max_age: 604800\"], "
                          "\"policy-domain\": \"%s\", \"mx-host\": [\"mx1.%s\", \"mx2.%s\"]}, "
                          "\"summary\": {\"total-successful-session-count\": %d, "
                          "\"total-failure-session-count\": %d}, \"failure-details\": [%s]}]}",
                          organization, day, day, report_id, domain, domain, domain, domain, domain,
                          successful, failed, details != NULL ? details : "");
}

static void
write_file (const char *dir,
            const char *name,
            const char *data,
            gsize       length)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data, length, &error));
  g_assert_no_error (error);
}

static GBytes *
gzip (const char *data)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_write_all (stream, data, strlen (data), NULL, NULL, &error));
  g_assert_true (g_output_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* A report mail as RFC 8460 §5.3 has it: the report gzipped and attached. */
static char *
report_mail (const char *json)
{
  g_autoptr(GBytes) packed = gzip (json);
  g_autofree char *encoded = g_base64_encode (g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
  g_autoptr(GString) lines = g_string_new (NULL);

  for (gsize i = 0, n = strlen (encoded); i < n; i += 76)
    g_string_append_printf (lines, "%.76s\n", encoded + i);
  return g_strdup_printf ("From: tlsrpt@mail.sender.example\n"
                          "Date: Fri, 06 Mar 2026 04:12:00 +0000\n"
                          "To: tlsrpt@example.com\n"
                          "Subject: Report Domain: example.com Submitter: mail.sender.example\n"
                          "TLS-Report-Domain: example.com\n"
                          "TLS-Report-Submitter: mail.sender.example\n"
                          "MIME-Version: 1.0\n"
                          "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b0undary\"\n"
                          "\n"
                          "--b0undary\n"
                          "Content-Type: text/plain; charset=\"us-ascii\"\n"
                          "\n"
                          "This is an aggregate TLS report from mail.sender.example\n"
                          "\n"
                          "--b0undary\n"
                          "Content-Type: application/tlsrpt+gzip\n"
                          "Content-Transfer-Encoding: base64\n"
                          "Content-Disposition: attachment; filename=\"report.json.gz\"\n"
                          "\n"
                          "%s"
                          "--b0undary--\n",
                          lines->str);
}

/* Ten days of March 2026 from two reporters (JSON from one, gzip from the
 * other), a mail from a third, a report for another domain and a file
 * that is no report.  Sessions: 15,650 successful, 13 failed (9 on the
 * 4th), of four result types, one that RFC 8460 does not list. */
static void
write_reports (const char *dir)
{
  for (int i = 0; i < 10; i++)
    {
      g_autofree char *day = g_strdup_printf ("2026-03-%02d", i + 1);
      g_autofree char *google_id = g_strdup_printf ("%sT00:00:00Z_example.com", day);
      g_autofree char *ms_id = g_strdup_printf ("ms-%d", i);
      g_autofree char *google_name = g_strdup_printf ("google!example.com!%s.json", day);
      g_autofree char *ms_name = g_strdup_printf ("microsoft.com!example.com!%s.json.gz", day);
      g_autofree char *google = NULL;
      g_autofree char *ms = NULL;
      g_autoptr(GBytes) packed = NULL;

      google = report_json ("Google Inc.", google_id, day, "example.com", 1000 + 10 * i,
                            i == 3 ? "certificate-expired" : "starttls-not-supported",
                            i == 3 ? "mx1.example.com" : "mx2.example.com",
                            i == 3 ? 7 : i == 5 ? 3 : 0);
      ms = report_json ("Microsoft Corporation", ms_id, day, "example.com", 500,
                        i == 3 ? "validation-failure" : "tls-downgrade-seen", "mx1.example.com",
                        i == 3 ? 2 : i == 7 ? 1 : 0);
      write_file (dir, google_name, google, strlen (google));
      packed = gzip (ms);
      write_file (dir, ms_name, g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
    }
  {
    g_autofree char *json = report_json ("Mail Sender One", "m1-2026-03-05", "2026-03-05", "example.com",
                                         200, NULL, NULL, 0);
    g_autofree char *mail = report_mail (json);
    g_autofree char *other = report_json ("Google Inc.", "other-1", "2026-03-02", "other.example",
                                          40, NULL, NULL, 0);

    write_file (dir, "report-mail.eml", mail, strlen (mail));
    write_file (dir, "other.example.json", other, strlen (other));
    write_file (dir, "broken.json", "{ \"organization-name\": ", strlen ("{ \"organization-name\": "));
  }
}

static GListModel *
files_of (const char *path)
{
  GListStore *store = g_list_store_new (G_TYPE_FILE);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_list_store_append (store, file);
  return G_LIST_MODEL (store);
}

/* Imported, and the sums of the reports made and shown. */
static gboolean
import_done (gpointer data)
{
  return !mts_reports_view_is_importing (reports_view ()) &&
         !_mts_reports_view_is_summarizing (reports_view ());
}

static gboolean
saved (gpointer data)
{
  return window == NULL || !_mts_window_is_saving (window);
}

/* The window saves in a thread: once it is done. */
static MtsProject *
load_saved_project (void)
{
  g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
  g_autoptr(MtsProjectStore) store = mts_project_store_new (directory);
  g_autoptr(GError) error = NULL;
  MtsProject *project;

  wait_for (saved, NULL, "the project to be saved");
  project = mts_project_store_open (store, "example.com", &error);

  g_assert_no_error (error);
  return project;
}

static void
collect_toast_buttons (GtkWidget *widget,
                       GPtrArray *buttons)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) &&
          g_str_equal (G_OBJECT_TYPE_NAME (gtk_widget_get_parent (child)), "AdwToastWidget"))
        g_ptr_array_add (buttons, child);
      collect_toast_buttons (child, buttons);
    }
}

/* Screenshots show the page, not the toasts over it. */
static void
dismiss_toasts (void)
{
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

      collect_toast_buttons (GTK_WIDGET (_mts_window_get_toast_overlay (window)), buttons);
      if (buttons->len == 0)
        return;
      for (guint j = 0; j < buttons->len; j++)
        g_signal_emit_by_name (buttons->pdata[j], "clicked");
      settle ();
    }
}

static void
shoot (const char *name,
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
      resize (sizes[i].width, 800);
      for (guint j = 0; j < G_N_ELEMENTS (schemes); j++)
        {
          g_autofree char *file = g_strdup_printf ("%s-%s-%s", name, schemes[j].name, sizes[i].size);

          adw_style_manager_set_color_scheme (style, schemes[j].scheme);
          dismiss_toasts ();
          mts_ui_test_scroll_to (top);
          mts_ui_test_save_screenshot (GTK_WIDGET (window), file);
        }
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  resize (1280, 800);
}

/* Tests ------------------------------------------------------------------ */

static void
add_day (GHashTable *table,
         GDateTime  *day,
         gint64      successful,
         gint64      failed)
{
  MtsReportCounts *counts = g_new0 (MtsReportCounts, 1);

  counts->successful = successful;
  counts->failed = failed;
  g_hash_table_insert (table, g_date_time_format (day, "%Y-%m-%d"), counts);
}

static gboolean
chart_drawn (gpointer chart)
{
  return mts_report_chart_get_n_bars (chart) > 0;
}

/* A date under the chart ("4 Mar", "4 Mar 2027", "Mar", "Mar 2027",
 * "2027"; the tests run in English), with @year when it has none.
 * Returns: its unit: 'd' for a day, 'm' for a month, 'y' for a year */
static char
parse_chart_label (const char *text,
                   int         year,
                   gboolean   *with_year,
                   GDate      *date)
{
  static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  char name[8] = "";
  int day = 1, month = 0, n;

  *with_year = FALSE;
  g_date_clear (date, 1);
  if (sscanf (text, "%d %3s %d", &day, name, &year) >= 2)
    *with_year = sscanf (text, "%*d %*3s %d", &year) == 1;
  else if (sscanf (text, "%3s %d", name, &year) >= 1 && !g_ascii_isdigit (name[0]))
    {
      *with_year = sscanf (text, "%*3s %d", &year) == 1;
      day = 0;
    }
  else if (sscanf (text, "%d%n", &year, &n) == 1 && text[n] == '\0')
    {
      *with_year = TRUE;
      g_date_set_dmy (date, 1, G_DATE_JANUARY, year);
      return 'y';
    }
  else
    g_error ("the chart's date “%s” is not a day, a month or a year", text);
  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    if (g_str_equal (name, months[i]))
      month = i + 1;
  g_assert_cmpint (month, >, 0);
  g_date_set_dmy (date, MAX (day, 1), month, year);
  return day == 0 ? 'm' : 'd';
}

/* The dates under @chart: inside it, apart, of one unit, evenly spaced at
 * natural boundaries (every 1 or 2 days; Mondays, every 1 or 2 weeks; the
 * first of every 1, 2, 3 or 6 months; years), with the year on the first
 * and on the first of each year when the range spans several, and only
 * then.  @first is the first day of the range.  Returns: the texts,
 * joined with "|". */
static char *
check_chart_labels (MtsReportChart *chart,
                    const GDate    *first,
                    gboolean        several_years)
{
  guint n = mts_report_chart_get_n_labels (chart);
  int chart_width = gtk_widget_get_width (GTK_WIDGET (chart));
  g_autoptr(GString) texts = g_string_new (NULL);
  int year = g_date_get_year (first), step = 0;
  double spacing_min = G_MAXDOUBLE, spacing_max = 0, centre_before = 0;
  char unit = 0;
  GDate before;

  g_assert_cmpuint (n, >, 0);
  g_date_clear (&before, 1);
  for (guint i = 0; i < n; i++)
    {
      int width, before_width, this_step;
      double x, before_x;
      const char *text = mts_report_chart_get_label (chart, i, &x, &width);
      gboolean with_year;
      GDate date;
      char this_unit = parse_chart_label (text, year, &with_year, &date);

      g_string_append_printf (texts, "%s%s", i > 0 ? "|" : "", text);
      g_assert_cmpfloat (x, >=, 0);
      g_assert_cmpfloat (x + width, <=, chart_width);
      g_assert_cmpint (g_date_compare (&date, first), >=, 0);
      /* The year where it changes, when the range has several. */
      g_assert_cmpint (with_year, ==,
                       this_unit == 'y' ||
                       (several_years && (i == 0 || (int) g_date_get_year (&date) != year)));
      year = g_date_get_year (&date);
      if (unit == 0)
        unit = this_unit;
      g_assert_cmpint (this_unit, ==, unit);
      if (i == 0)
        {
          before = date;
          centre_before = x + width / 2.0;
          continue;
        }
      mts_report_chart_get_label (chart, i - 1, &before_x, &before_width);
      g_assert_cmpfloat (x, >=, before_x + before_width + 12);
      /* The same step each time: days, or months. */
      this_step = unit == 'd' ? (int) g_date_days_between (&before, &date)
                  : (int) (g_date_get_year (&date) - g_date_get_year (&before)) * 12 +
                    (int) g_date_get_month (&date) - (int) g_date_get_month (&before);
      if (step == 0)
        step = this_step;
      g_assert_cmpint (this_step, ==, step);
      /* Weeks start on Monday. */
      if (unit == 'd' && step >= 7)
        g_assert_cmpint (g_date_get_weekday (&date), ==, G_DATE_MONDAY);
      /* Evenly apart, but for the first and the last, which may be kept
       * inside the edges. */
      if (i >= 2 && i < n - 1)
        {
          spacing_min = MIN (spacing_min, x + width / 2.0 - centre_before);
          spacing_max = MAX (spacing_max, x + width / 2.0 - centre_before);
        }
      centre_before = x + width / 2.0;
      before = date;
    }
  if (unit == 'd')
    {
      g_assert_true (step == 0 || step == 1 || step == 2 || step == 7 || step == 14);
      /* A lone Monday is not told from a lone day: only a step says. */
      if (step >= 7)
        {
          gboolean with_year;
          GDate date;

          parse_chart_label (mts_report_chart_get_label (chart, 0, NULL, NULL), g_date_get_year (first),
                             &with_year, &date);
          g_assert_cmpint (g_date_get_weekday (&date), ==, G_DATE_MONDAY);
        }
    }
  else if (unit == 'm')
    g_assert_true (step == 0 || step == 1 || step == 2 || step == 3 || step == 6);
  /* Months are 28 to 31 days long, weeks are all alike. */
  if (spacing_max > 0)
    g_assert_cmpfloat (spacing_max, <=, spacing_min * (unit == 'm' ? 31.0 / 28 * 1.1 : 1.01) + 1);
  return g_string_free (g_steal_pointer (&texts), FALSE);
}

/* @n_days from @start, every day with reports, drawn in @chart at @width:
 * checks the dates under it, and returns them. */
static char *
chart_labels_for (MtsReportChart *chart,
                  GtkWidget      *chart_window,
                  int             year,
                  int             month,
                  int             day,
                  int             n_days,
                  int             width)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GDateTime) start = g_date_time_new_utc (year, month, day, 0, 0, 0);
  g_autoptr(GDateTime) end = g_date_time_add_days (start, n_days - 1);
  char *texts;
  GDate first;

  for (int i = 0; i < n_days; i++)
    {
      g_autoptr(GDateTime) one = g_date_time_add_days (start, i);

      add_day (table, one, 1000 + (i % 5) * 100, i % 9 == 0 ? 20 : 0);
    }
  mts_report_chart_set_days (chart, table);
  gtk_window_set_default_size (GTK_WINDOW (chart_window), width, 220);
  for (guint i = 0; i < 20 && ABS (gtk_widget_get_width (GTK_WIDGET (chart)) - width) > 2; i++)
    mts_ui_test_settle (chart_window);
  mts_ui_test_settle (chart_window);
  g_date_clear (&first, 1);
  g_date_set_dmy (&first, day, month, year);
  texts = check_chart_labels (chart, &first, g_date_time_get_year (start) != g_date_time_get_year (end));
  g_test_message ("%d days from %d-%02d-%02d at %d px: %s", n_days, year, month, day, width, texts);
  return texts;
}

/* One day and a year, narrow and wide: bars stay a few pixels wide at
 * least, summing up weeks when days do not fit. */
static void
test_chart (void)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GDateTime) start = g_date_time_new_utc (2025, 3, 11, 0, 0, 0);
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkWidget *chart_window = gtk_window_new ();
  MtsReportChart *chart = MTS_REPORT_CHART (mts_report_chart_new ());

  gtk_window_set_child (GTK_WINDOW (chart_window), GTK_WIDGET (chart));
  gtk_window_set_default_size (GTK_WINDOW (chart_window), 400, 220);
  gtk_window_present (GTK_WINDOW (chart_window));
  wait_for (mts_ui_test_is_mapped, chart_window, "the chart's window");

  add_day (table, start, 100, 0);
  mts_report_chart_set_days (chart, table);
  g_assert_cmpstr (mts_report_chart_get_summary (chart), ==,
                   "On 11 March 2025: 100 successful sessions and 0 failed sessions; no failures.");
  wait_for (chart_drawn, chart, "the chart to be drawn");
  mts_ui_test_settle (chart_window);
  g_assert_cmpuint (mts_report_chart_get_n_bars (chart), ==, 1);
  mts_ui_test_save_screenshot (chart_window, "report-chart-one-day");

  for (int i = 1; i < 365; i++)
    {
      g_autoptr(GDateTime) day = g_date_time_add_days (start, i);

      add_day (table, day, 2000 + (i % 7) * 150, i % 30 == 0 ? 400 : i % 11 == 0 ? 20 : 0);
    }
  mts_report_chart_set_days (chart, table);
  g_assert_cmpstr (mts_report_chart_get_summary (chart), ==,
                   "From 11 March 2025 to 10 March 2026: 891900 successful sessions and 5440 "
                   "failed sessions; most failures on 10 April 2025.");
  for (guint i = 0; i < 2; i++)
    {
      adw_style_manager_set_color_scheme (style, i == 0 ? ADW_COLOR_SCHEME_FORCE_LIGHT : ADW_COLOR_SCHEME_FORCE_DARK);
      mts_ui_test_settle (chart_window);
      g_assert_cmpuint (mts_report_chart_get_bar_days (chart), ==, 7);
      /* 365 days from a Tuesday: 53 weeks. */
      g_assert_cmpuint (mts_report_chart_get_n_bars (chart), ==, 53);
      mts_ui_test_save_screenshot (chart_window, i == 0 ? "report-chart-year-light" : "report-chart-year-dark");
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);

  /* The dates under the bars, narrow and wide. */
  {
    const int widths[] = { 400, 1000 };

    for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
      {
        g_autofree char *one_day = chart_labels_for (chart, chart_window, 2025, 3, 11, 1, widths[i]);
        g_autofree char *ten_days = chart_labels_for (chart, chart_window, 2026, 3, 1, 10, widths[i]);
        g_autofree char *quarter = chart_labels_for (chart, chart_window, 2026, 4, 6, 90, widths[i]);
        g_autofree char *year = chart_labels_for (chart, chart_window, 2025, 3, 11, 365, widths[i]);
        g_autofree char *new_year = chart_labels_for (chart, chart_window, 2026, 12, 10, 40, widths[i]);
        g_autofree char *shot = g_strdup_printf ("report-chart-new-year-%d", widths[i]);

        g_assert_cmpstr (one_day, ==, "11 Mar");
        /* Ten days: every day or every other one, from the 1st or the 2nd. */
        g_assert_true (g_str_has_prefix (ten_days, "1 Mar|2 Mar|") || g_str_has_prefix (ten_days, "1 Mar|3 Mar|") ||
                       g_str_has_prefix (ten_days, "2 Mar|4 Mar|"));
        /* A year from 11 March 2025: the firsts of months, with the year
         * on the first and on January. */
        g_assert_nonnull (strstr (year, "Jan 2026"));
        g_assert_true (g_str_has_prefix (year, "Apr 2025|") || g_str_has_prefix (year, "May 2025|"));
        /* From 10 December: the year on the first date and in January. */
        g_assert_nonnull (strstr (new_year, " 2026|"));
        g_assert_nonnull (strstr (new_year, "Jan 2027"));
        g_assert_nonnull (quarter);
        mts_ui_test_save_screenshot (chart_window, shot);
      }
  }
  gtk_window_destroy (GTK_WINDOW (chart_window));
  mts_ui_test_drain ();
}

static void
test_no_domain (void)
{
  g_autoptr(GListModel) files = files_of (reports_dir);

  g_assert_null (_mts_window_get_project (window));
  g_assert_false (_mts_window_import_files (window, files));
  wait_for (toast_shows, (gpointer) "Open or start a domain first", "the toast");
}

static void
open_domain (void)
{
  g_autoptr(GFile) directory = mts_project_store_get_default_directory ();
  g_autoptr(MtsProjectStore) store = mts_project_store_new (directory);
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(GError) error = NULL;
  const char *patterns[] = { "mx1.example.com", "mx2.example.com", NULL };
  const char *rua[] = { "mailto:tlsrpt@example.com", NULL };
  MtsWelcomePage *welcome = _mts_window_get_welcome_page (window);

  /* A domain set up and published earlier: the wizard resumes on Progress. */
  project = mts_project_store_create (store, "example.com", &error);
  g_assert_no_error (error);
  mts_project_set_mx_patterns (project, patterns);
  mts_project_set_mode (project, MTS_POLICY_MODE_TESTING);
  mts_project_set_max_age (project, 604800);
  mts_project_set_rua (project, rua);
  mts_project_add_id (project, "20260301T000000", NULL);
  /* Live before the reports' days (September 2024): readiness counts only
   * reports since the policy was seen live. */
  {
    g_autoptr(GDateTime) live = g_date_time_new_utc (2024, 8, 1, 0, 0, 0);

    mts_project_set_published (project, MTS_PUBLISHED_POLICY, live);
    mts_project_set_published (project, MTS_PUBLISHED_STS_RECORD, live);
  }
  mts_project_set_step (project, "progress");
  g_assert_true (mts_project_store_save (store, project, &error));
  g_assert_no_error (error);

  gtk_editable_set_text (_mts_welcome_page_get_entry (welcome), "example.com");
  settle ();
  mts_ui_test_click (_mts_welcome_page_get_start (welcome));
  stop_check ();
  g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_PROGRESS);
}

static void
test_empty (void)
{
  MtsReportsView *view;

  open_domain ();
  view = reports_view ();
  settle ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (_mts_reports_view_get_stack (view)), ==, "empty");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (_mts_reports_view_get_import_button (view, FALSE))));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (_mts_reports_view_get_import_button (view, TRUE))));
  g_assert_true (has_label_with (GTK_WIDGET (view), "No Reports Yet"));
  readiness_before = g_strdup (readiness_reports_text ());
  shoot ("reports-empty", GTK_WIDGET (view));
}

static void
assert_row (const char *list,
            const char *name,
            const char *title,
            const char *subtitle_part,
            const char *suffix)
{
  GtkWidget *row = mts_ui_test_find_named (GTK_WIDGET (_mts_reports_view_get_list (reports_view (), list)), name);

  if (row == NULL)
    g_error ("no row “%s” in the list “%s”", name, list);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, title);
  if (subtitle_part != NULL && strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), subtitle_part) == NULL)
    g_error ("the row “%s” says “%s”, without “%s”", name,
             adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), subtitle_part);
  if (suffix != NULL)
    g_assert_cmpstr (row_suffix_text (row), ==, suffix);
}

static void
test_import (void)
{
  g_autoptr(GListModel) files = files_of (reports_dir);
  g_autoptr(MtsProject) saved = NULL;
  MtsReportsView *view = reports_view ();
  MtsReportChart *chart = _mts_reports_view_get_chart (view);
  static const char summary[] = "From 1 March 2026 to 10 March 2026: 15650 successful sessions and 13 "
                                "failed sessions; most failures on 4 March 2026.";
  const char *meaning, *fix;
  GPtrArray *timeline;
  const MtsProjectEvent *last;
  char *mismatch;

  g_assert_true (_mts_window_import_files (window, files));
  g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_PROGRESS);
  wait_for (import_done, NULL, "the import to finish");
  settle ();
  /* The files left out are in the list below the buttons, not in the toast. */
  wait_for (toast_shows, (gpointer) "Imported 21 reports", "the import's toast");

  /* Totals and chart. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (_mts_reports_view_get_stack (view)), ==, "reports");
  g_assert_cmpstr (gtk_label_get_text (_mts_reports_view_get_total (view, 0)), ==, "15650");
  g_assert_cmpstr (gtk_label_get_text (_mts_reports_view_get_total (view, 1)), ==, "13");
  g_assert_cmpstr (gtk_label_get_text (_mts_reports_view_get_total (view, 2)), ==, "< 0.1 %");
  g_assert_cmpstr (mts_report_chart_get_summary (chart), ==, summary);
  g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_ROLE_IMG));
  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                 summary);
  if (mismatch != NULL)
    g_error ("the chart's accessible description: %s", mismatch);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_LABEL));
  /* Ten days are ten bars, wide or narrow. */
  g_assert_cmpuint (mts_report_chart_get_n_bars (chart), ==, 10);
  g_assert_cmpuint (mts_report_chart_get_bar_days (chart), ==, 1);

  /* Failures by result type, with what they mean and what to fix. */
  mts_report_result_type_describe ("certificate-expired", &meaning, &fix);
  assert_row ("types", "certificate-expired", "certificate-expired", meaning, "7 failed");
  assert_row ("types", "certificate-expired", "certificate-expired", fix, NULL);
  mts_report_result_type_describe ("starttls-not-supported", &meaning, NULL);
  assert_row ("types", "starttls-not-supported", "starttls-not-supported", meaning, "3 failed");
  assert_row ("types", "validation-failure", "validation-failure", NULL, "2 failed");
  /* A type RFC 8460 does not list: by its name, with the core's sentence. */
  mts_report_result_type_describe ("tls-downgrade-seen", &meaning, NULL);
  assert_row ("types", "tls-downgrade-seen", "tls-downgrade-seen", meaning, "1 failed");
  /* Most failures first. */
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (gtk_list_box_get_row_at_index (_mts_reports_view_get_list (view, "types"), 0))),
                   ==, "certificate-expired");

  /* By MX host and by reporter. */
  assert_row ("hosts", "mx1.example.com", "mx1.example.com", NULL, "10 failed");
  assert_row ("hosts", "mx2.example.com", "mx2.example.com", NULL, "3 failed");
  assert_row ("reporters", "Google Inc.", "Google Inc.", "10450 successful sessions, 10 failed", NULL);
  assert_row ("reporters", "Microsoft Corporation", "Microsoft Corporation", "5000 successful sessions, 3 failed", NULL);
  assert_row ("reporters", "Mail Sender One", "Mail Sender One", "200 successful sessions, 0 failed", NULL);

  {
    guint checked = 0;

    assert_named (GTK_WIDGET (view), &checked);
    /* Import ×2, Cancel, the progress bar, the chart, four lists. */
    g_assert_cmpuint (checked, >=, 9);
  }

  /* What was left out, and why. */
  assert_row ("outcome", "elsewhere", "other.example.json", "other.example", NULL);
  assert_row ("outcome", "report-not-json", "broken.json", NULL, NULL);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (_mts_reports_view_get_list (view, "outcome"))));

  /* Saved, with the import on the timeline. */
  saved = load_saved_project ();
  g_assert_cmpuint (mts_project_get_n_reports (saved), ==, 21);
  timeline = mts_project_get_timeline (saved);
  last = g_ptr_array_index (timeline, timeline->len - 1);
  g_assert_cmpint (last->kind, ==, MTS_TIMELINE_IMPORT);

  /* The readiness checklist on the same page took them in. */
  g_assert_cmpstr (readiness_reports_text (), !=, readiness_before);
  g_assert_nonnull (strstr (readiness_reports_text (), "Microsoft Corporation"));

  shoot ("reports", GTK_WIDGET (view));
  /* Further down: the lists, with what each failure means. */
  shoot ("reports-lists", GTK_WIDGET (_mts_reports_view_get_list (view, "types")));

  /* The same folder again: nothing new, nothing changes. */
  g_assert_true (_mts_window_import_files (window, files));
  wait_for (import_done, NULL, "the second import to finish");
  wait_for (toast_shows, (gpointer) "No new reports, 21 already known", "the second import's toast");
  g_clear_object (&saved);
  saved = load_saved_project ();
  g_assert_cmpuint (mts_project_get_n_reports (saved), ==, 21);
  g_assert_cmpstr (gtk_label_get_text (_mts_reports_view_get_total (view, 0)), ==, "15650");
}

static gboolean
import_progressed (gpointer data)
{
  GtkProgressBar *bar = _mts_reports_view_get_progress_bar (reports_view ());

  g_assert_true (mts_reports_view_is_importing (reports_view ()));
  return gtk_progress_bar_get_fraction (bar) > 0;
}

static void
test_cancel (void)
{
  g_autofree char *dir = g_build_filename (data_home, "many", NULL);
  g_autoptr(GListModel) files = NULL;
  g_autoptr(MtsProject) saved = NULL;
  MtsReportsView *view = reports_view ();
  double fraction;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  for (int i = 0; i < 2000; i++)
    {
      g_autofree char *id = g_strdup_printf ("many-%d", i);
      g_autofree char *name = g_strdup_printf ("%04d.json", i);
      g_autofree char *day = g_strdup_printf ("2026-%02d-%02d", 1 + i / 28 % 12, 1 + i % 28);
      g_autofree char *json = report_json ("Many Reports Ltd", id, day, "example.com", 10, NULL, NULL, 0);
      g_autoptr(GString) padded = g_string_new (json);

      /* Reporters list their sending servers at length: files that take
       * a while to read, so that Cancel comes half-way. */
      g_string_truncate (padded, padded->len - 4);
      for (int j = 0; j < 60; j++)
        g_string_append_printf (padded, "%s{\"result-type\": \"validation-failure\", "
                                "\"sending-mta-ip\": \"192.0.2.%d\", \"receiving-mx-hostname\": "
                                "\"mx1.example.com\", \"failed-session-count\": 0}",
                                j > 0 ? ", " : "", j);
      g_string_append (padded, "]}]}");
      write_file (dir, name, padded->str, padded->len);
    }
  files = files_of (dir);

  g_assert_true (_mts_window_import_files (window, files));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (_mts_reports_view_get_progress_bar (view))));
  wait_for (import_progressed, NULL, "the import to read some files");
  fraction = gtk_progress_bar_get_fraction (_mts_reports_view_get_progress_bar (view));
  g_test_message ("cancelled at %.0f %%", fraction * 100);
  g_assert_cmpfloat (fraction, <, 1.0);
  mts_ui_test_click (_mts_reports_view_get_cancel_button (view));
  wait_for (import_done, NULL, "the import to stop");
  wait_for (toast_shows, (gpointer) "Import stopped: no reports were imported", "the toast");

  /* The project is as it was: loadable, with the earlier reports only. */
  g_assert_cmpuint (mts_project_get_n_reports (_mts_window_get_project (window)), ==, 21);
  saved = load_saved_project ();
  g_assert_cmpuint (mts_project_get_n_reports (saved), ==, 21);
  g_assert_cmpstr (gtk_label_get_text (_mts_reports_view_get_total (view, 0)), ==, "15650");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (_mts_reports_view_get_import_button (view, FALSE))));
}

typedef struct
{
  gint64 last;
  gint64 longest;
  guint ticks;
} Gaps;

static gboolean
tick_cb (gpointer data)
{
  Gaps *gaps = data;
  gint64 now = g_get_monotonic_time ();

  gaps->longest = MAX (gaps->longest, now - gaps->last);
  gaps->last = now;
  gaps->ticks++;
  return G_SOURCE_CONTINUE;
}

/* The whole large folder: read in a thread, stored, saved and shown, with
 * the window answering all along.  The test asks only that the main loop
 * kept turning (a blocking import lets a 10 ms timeout run once at most,
 * however long it takes); how long its longest pause is depends on the
 * machine, so that is printed, not asserted (see bench/README.md). */
static void
test_responsive (void)
{
  g_autofree char *dir = g_build_filename (data_home, "many", NULL);
  g_autoptr(GListModel) files = files_of (dir);
  Gaps gaps = { g_get_monotonic_time (), 0, 0 };
  gint64 start = gaps.last;
  guint tick;

  tick = g_timeout_add (10, tick_cb, &gaps);
  g_assert_true (_mts_window_import_files (window, files));
  wait_for (import_done, NULL, "the large import to finish");
  settle ();
  g_source_remove (tick);
  g_test_message ("2000 reports imported, saved and shown in %.2f s; the main loop's longest gap %.0f ms",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC,
                  gaps.longest / (double) G_TIME_SPAN_MILLISECOND);
  wait_for (toast_shows, (gpointer) "Imported 2000 reports", "the large import's toast");
  g_assert_cmpuint (mts_project_get_n_reports (_mts_window_get_project (window)), ==, 2021);
  g_assert_cmpuint (gaps.ticks, >=, 5);
}

static gboolean
view_idle (gpointer view)
{
  return !mts_reports_view_is_importing (view);
}

/* Closing the window while an import runs stops it; what the import had
 * read is not stored, and nothing is left waiting for the closed window. */
static void
test_close_while_importing (void)
{
  g_autofree char *dir = g_build_filename (data_home, "many", NULL);
  g_autoptr(GListModel) files = files_of (dir);
  g_autoptr(MtsProject) saved = NULL;
  MtsReportsView *view = g_object_ref (reports_view ());

  g_assert_true (_mts_window_import_files (window, files));
  g_assert_true (mts_reports_view_is_importing (view));
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  wait_for (view_idle, view, "the import to stop after the window closed");
  mts_ui_test_drain ();
  g_assert_finalize_object (window);
  window = NULL;
  g_assert_finalize_object (view);

  saved = load_saved_project ();
  g_assert_cmpuint (mts_project_get_n_reports (saved), ==, 2021);

  /* A new window for what follows. */
  g_application_activate (G_APPLICATION (app));
  window = MTS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  wait_for (mts_ui_test_is_mapped, window, "the new window to be shown");
}

/* A report whose totals say 5 failed sessions while its failure details
 * add up to 3: named under the totals, which count the 5; the list by
 * result type adds up the 3. */
static void
test_flagged (void)
{
  g_autofree char *dir = g_build_filename (data_home, "flagged", NULL);
  g_autofree char *json = report_json ("Disagreeing Mail", "disagree-1", "2026-03-11", "example.com", 100,
                                       "certificate-expired", "mx1.example.com", 3);
  g_autoptr(GString) disagreeing = g_string_new (json);
  g_autoptr(GListModel) files = NULL;
  MtsWelcomePage *welcome = _mts_window_get_welcome_page (window);
  MtsReportsView *view;
  GtkListBox *list;
  GtkWidget *expander, *row;
  guint checked = 0;

  g_assert_cmpuint (g_string_replace (disagreeing, "\"total-failure-session-count\": 3",
                                      "\"total-failure-session-count\": 5", 1), ==, 1);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  write_file (dir, "disagreeing.json", disagreeing->str, disagreeing->len);
  files = files_of (dir);

  /* The window opened after the last test: the domain again. */
  gtk_editable_set_text (_mts_welcome_page_get_entry (welcome), "example.com");
  settle ();
  mts_ui_test_click (_mts_welcome_page_get_start (welcome));
  stop_check ();
  g_assert_cmpint (_mts_window_get_step (window), ==, MTS_STEP_PROGRESS);
  view = reports_view ();
  wait_for (import_done, NULL, "the reports to be summed up");
  list = _mts_reports_view_get_list (view, "flagged");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (list)));
  g_assert_cmpstr (gtk_label_get_text (_mts_reports_view_get_total (view, 1)), ==, "13");

  g_assert_true (_mts_window_import_files (window, files));
  wait_for (import_done, NULL, "the import to finish");
  settle ();
  wait_for (toast_shows, (gpointer) "Imported 1 report", "the import's toast");

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (list)));
  expander = mts_ui_test_find_named (GTK_WIDGET (list), "flagged");
  g_assert_true (ADW_IS_EXPANDER_ROW (expander));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (expander)), ==,
                   "1 report’s totals disagree with its own failure details");
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (expander)),
                            "Both numbers are kept. The totals above count what the reports’ totals say"));
  assert_row ("flagged", "disagree-1", "Disagreeing Mail",
              "Report “disagree-1”: its totals say 5 failed sessions, its failure details add up to 3", NULL);
  row = mts_ui_test_find_named (GTK_WIDGET (list), "disagree-1");
  g_assert_true (gtk_widget_is_ancestor (row, expander));
  /* The totals count what the totals say, the list by type the details. */
  g_assert_cmpstr (gtk_label_get_text (_mts_reports_view_get_total (view, 1)), ==, "18");
  assert_row ("types", "certificate-expired", "certificate-expired", NULL, "10 failed");

  assert_named (GTK_WIDGET (view), &checked);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  settle ();
  g_assert_true (gtk_widget_get_mapped (row));
  shoot ("reports-flagged", GTK_WIDGET (list));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  window = mts_ui_test_start (&argc, &argv, "reports-ui", &app, &data_home);
  reports_dir = g_build_filename (data_home, "reports", NULL);
  g_assert_cmpint (g_mkdir_with_parents (reports_dir, 0755), ==, 0);
  write_reports (reports_dir);
  /* No network: a DNS server that is not there. */
  g_assert_true (_mts_window_set_dns_server (window, "127.0.0.1:9", &error));
  g_assert_no_error (error);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  resize (1280, 800);

  g_test_add_func ("/mts/reports-ui/chart", test_chart);
  g_test_add_func ("/mts/reports-ui/no-domain", test_no_domain);
  g_test_add_func ("/mts/reports-ui/empty", test_empty);
  g_test_add_func ("/mts/reports-ui/import", test_import);
  g_test_add_func ("/mts/reports-ui/cancel", test_cancel);
  g_test_add_func ("/mts/reports-ui/responsive", test_responsive);
  g_test_add_func ("/mts/reports-ui/close-while-importing", test_close_while_importing);
  g_test_add_func ("/mts/reports-ui/flagged", test_flagged);
  status = g_test_run ();

  mts_ui_test_stop (window, app, g_steal_pointer (&data_home));
  g_free (reports_dir);
  g_free (readiness_before);
  return status;
}
