/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-report-chart.c: successful and failed sessions per day, as stacked bars.
 *
 * One bar per UTC day, from the first day with reports to the last (days
 * without reports are empty bars, so gaps show).  When the days do not fit
 * the width at a few pixels each, a bar stands for a week (from Monday),
 * then a month, and shows its days' average, so the scale stays "per day".
 * Failed sessions sit on top of the successful ones and get at least two
 * pixels, so that 3 failures among 30,000 sessions still show.
 *
 * The colours come from the style: two hidden children carry the
 * "success" and "error" style classes, and the chart reads their colour
 * when it draws, so light and dark style (and high contrast) both work.
 * Dates under the bars fall on natural boundaries, evenly: days, every
 * other day, Mondays, every other Monday, firsts of months (every one,
 * two, three or six), then years; the finest of these whose labels do not
 * touch.  When the range spans more than one year, the first label and the
 * first of each year carry the year.
 *
 * Screen readers get the chart as an image with a one-sentence summary.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "core/mts-report-summary.h"
#include "mts-report-chart.h"
#include "mts-widget-color.h"

/* A bar narrower than this (with its gap) makes the chart a smear. */
#define MIN_DAY_SLOT 4.0
/* Beyond this, dates from a confused reporter would only squeeze the rest. */
#define MAX_DAYS 3660
/* Room between two dates under the bars. */
#define LABEL_GAP 12

typedef enum
{
  BUCKET_DAY,
  BUCKET_WEEK,
  BUCKET_MONTH,
} BucketKind;

typedef enum
{
  STEP_DAYS,
  STEP_WEEKS,
  STEP_MONTHS,
  STEP_YEARS,
} StepUnit;

/* Where dates may go under the bars, finest first. */
static const struct
{
  StepUnit unit;
  guint every;
} label_steps[] = {
  { STEP_DAYS, 1 }, { STEP_DAYS, 2 },
  { STEP_WEEKS, 1 }, { STEP_WEEKS, 2 },
  { STEP_MONTHS, 1 }, { STEP_MONTHS, 2 }, { STEP_MONTHS, 3 }, { STEP_MONTHS, 6 },
  { STEP_YEARS, 1 }, { STEP_YEARS, 2 }, { STEP_YEARS, 5 }, { STEP_YEARS, 10 },
};

typedef struct
{
  char *text;
  double x;
  int width;
} Label;

typedef struct
{
  GDate start;
  gint64 successful;
  gint64 failed;
  /* Days of the reports' range in the bucket: the first and last week
   * or month may have fewer. */
  guint n_days;
} Bucket;

struct _MtsReportChart
{
  GtkWidget parent_instance;

  /* Counts per day from first, without gaps. */
  GDate first;
  GArray *days;   /* MtsReportCounts */
  char *summary;

  /* What the last drawing showed, for tests. */
  guint n_bars;
  guint bar_days;
  GArray *labels; /* Label */

  GtkWidget *success_swatch;
  GtkWidget *error_swatch;
};

G_DEFINE_FINAL_TYPE (MtsReportChart, mts_report_chart, GTK_TYPE_WIDGET)

/**
 * mts_format_count:
 *
 * Returns: @count with the locale's thousands separators ("12,345").
 */
char *
mts_format_count (gint64 count)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, count);
}

static GDateTime *
date_to_time (const GDate *date)
{
  return g_date_time_new_utc (g_date_get_year (date), g_date_get_month (date),
                              g_date_get_day (date), 0, 0, 0);
}

static char *
format_date (const GDate *date,
             const char  *format)
{
  g_autoptr(GDateTime) time = date_to_time (date);

  return g_date_time_format (time, format);
}

static char *
long_date (const GDate *date)
{
  /* Translators: a date as in "4 March 2027"; see g_date_time_format(). */
  return format_date (date, _("%-d %B %Y"));
}

static gboolean
parse_day (const char *text,
           GDate      *date)
{
  guint year, month, day;

  g_date_clear (date, 1);
  if (sscanf (text, "%4u-%2u-%2u", &year, &month, &day) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static void
update_summary (MtsReportChart *self)
{
  gint64 successful = 0, failed = 0, most = 0;
  guint most_day = 0;
  GDate last, worst;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *ok_text = NULL;
  g_autofree char *failed_text = NULL;
  g_autofree char *totals = NULL;
  g_autofree char *range = NULL;
  g_autofree char *worst_text = NULL;

  g_clear_pointer (&self->summary, g_free);
  if (self->days->len == 0)
    {
      self->summary = g_strdup (_("No reports yet."));
      goto done;
    }

  for (guint i = 0; i < self->days->len; i++)
    {
      const MtsReportCounts *counts = &g_array_index (self->days, MtsReportCounts, i);

      successful += counts->successful;
      failed += counts->failed;
      if (counts->failed > most)
        {
          most = counts->failed;
          most_day = i;
        }
    }
  last = self->first;
  g_date_add_days (&last, self->days->len - 1);
  from = long_date (&self->first);
  to = long_date (&last);
  ok_text = mts_format_count (successful);
  failed_text = mts_format_count (failed);
  /* Each count has its own plural, so they are two messages and a pattern. */
  {
    g_autofree char *ok_part = g_strdup_printf (g_dngettext (NULL, "%s successful session",
                                                             "%s successful sessions", successful),
                                                ok_text);
    /* Translators: in the chart's summary, after "12,345 successful sessions and". */
    g_autofree char *failed_part = g_strdup_printf (g_dngettext (NULL, "%s failed session",
                                                                 "%s failed sessions", failed),
                                                    failed_text);

    /* Translators: "12,345 successful sessions and 12 failed sessions". */
    totals = g_strdup_printf (_("%s and %s"), ok_part, failed_part);
  }
  if (self->days->len == 1)
    /* Translators: "On 4 March 2027: 12,345 successful and 12 failed sessions". */
    range = g_strdup_printf (_("On %s: %s"), from, totals);
  else
    /* Translators: "From 1 March 2027 to 30 March 2027: 12,345 successful and 12 failed sessions". */
    range = g_strdup_printf (_("From %s to %s: %s"), from, to, totals);

  if (failed == 0)
    /* Translators: the end of the chart's summary: "From … sessions; no failures." */
    self->summary = g_strdup_printf (_("%s; no failures."), range);
  else if (self->days->len == 1)
    self->summary = g_strdup_printf ("%s.", range);
  else
    {
      worst = self->first;
      g_date_add_days (&worst, most_day);
      worst_text = long_date (&worst);
      /* Translators: the end of the chart's summary: "From … sessions; most failures on 4 March 2027." */
      self->summary = g_strdup_printf (_("%s; most failures on %s."), range, worst_text);
    }

done:
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary,
                                  -1);
}

/**
 * mts_report_chart_set_days:
 * @by_day: (nullable) (element-type utf8 MtsReportCounts): sessions per UTC
 *   day ("YYYY-MM-DD"), as mts_report_summary_get_by_day() gives them
 */
void
mts_report_chart_set_days (MtsReportChart *self,
                           GHashTable     *by_day)
{
  GHashTableIter iter;
  gpointer key, value;
  GDate first, last, date;
  guint n_days;

  g_return_if_fail (MTS_IS_REPORT_CHART (self));

  g_array_set_size (self->days, 0);
  g_date_clear (&first, 1);
  g_date_clear (&last, 1);
  if (by_day != NULL)
    {
      g_hash_table_iter_init (&iter, by_day);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          if (!parse_day (key, &date))
            continue;
          if (!g_date_valid (&first) || g_date_compare (&date, &first) < 0)
            first = date;
          if (!g_date_valid (&last) || g_date_compare (&date, &last) > 0)
            last = date;
        }
    }

  if (g_date_valid (&first))
    {
      /* The most recent days matter: a report dated decades off does not
       * stretch the chart over them. */
      n_days = g_date_days_between (&first, &last) + 1;
      if (n_days > MAX_DAYS)
        {
          first = last;
          g_date_subtract_days (&first, MAX_DAYS - 1);
          n_days = MAX_DAYS;
        }
      self->first = first;
      /* The array clears what it grows by. */
      g_array_set_size (self->days, n_days);
      g_hash_table_iter_init (&iter, by_day);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          const MtsReportCounts *counts = value;
          int index;

          if (!parse_day (key, &date))
            continue;
          index = g_date_days_between (&first, &date);
          if (index < 0 || (guint) index >= n_days)
            continue;
          g_array_index (self->days, MtsReportCounts, index).successful += counts->successful;
          g_array_index (self->days, MtsReportCounts, index).failed += counts->failed;
        }
    }

  update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * mts_report_chart_get_summary:
 *
 * Returns: what the chart shows, in one sentence (also its accessible
 *   description)
 */
const char *
mts_report_chart_get_summary (MtsReportChart *self)
{
  g_return_val_if_fail (MTS_IS_REPORT_CHART (self), NULL);
  return self->summary;
}

/* Returns: the number of bars last drawn */
guint
mts_report_chart_get_n_bars (MtsReportChart *self)
{
  g_return_val_if_fail (MTS_IS_REPORT_CHART (self), 0);
  return self->n_bars;
}

/* Returns: the days one bar stood for when last drawn: 1, 7 or 30 (a month) */
guint
mts_report_chart_get_bar_days (MtsReportChart *self)
{
  g_return_val_if_fail (MTS_IS_REPORT_CHART (self), 0);
  return self->bar_days;
}

/* Returns: the number of dates last drawn under the bars */
guint
mts_report_chart_get_n_labels (MtsReportChart *self)
{
  g_return_val_if_fail (MTS_IS_REPORT_CHART (self), 0);
  return self->labels->len;
}

/**
 * mts_report_chart_get_label:
 * @index: from the left, below mts_report_chart_get_n_labels()
 * @x: (out) (optional): where the text starts, in the chart's pixels
 * @width: (out) (optional): how wide it is
 *
 * For the tests: a date as last drawn under the bars.
 *
 * Returns: its text
 */
const char *
mts_report_chart_get_label (MtsReportChart *self,
                            guint           index,
                            double         *x,
                            int            *width)
{
  const Label *label;

  g_return_val_if_fail (MTS_IS_REPORT_CHART (self), NULL);
  g_return_val_if_fail (index < self->labels->len, NULL);

  label = &g_array_index (self->labels, Label, index);
  if (x != NULL)
    *x = label->x;
  if (width != NULL)
    *width = label->width;
  return label->text;
}

static guint
bucket_index (const GDate *first,
              const GDate *date,
              BucketKind   kind)
{
  switch (kind)
    {
    case BUCKET_WEEK:
      /* Weeks start on Monday, as ISO 8601 has it. */
      return (g_date_days_between (first, date) + g_date_get_weekday (first) - G_DATE_MONDAY) / 7;
    case BUCKET_MONTH:
      return (g_date_get_year (date) - g_date_get_year (first)) * 12 +
             g_date_get_month (date) - g_date_get_month (first);
    case BUCKET_DAY:
    default:
      return g_date_days_between (first, date);
    }
}

static GArray *
make_buckets (MtsReportChart *self,
              BucketKind      kind)
{
  GArray *buckets = g_array_new (FALSE, TRUE, sizeof (Bucket));
  GDate date = self->first;

  for (guint i = 0; i < self->days->len; i++)
    {
      const MtsReportCounts *counts = &g_array_index (self->days, MtsReportCounts, i);
      guint index = bucket_index (&self->first, &date, kind);
      Bucket *bucket;

      if (index >= buckets->len)
        {
          g_array_set_size (buckets, index + 1);
          bucket = &g_array_index (buckets, Bucket, index);
          bucket->start = date;
          if (kind == BUCKET_WEEK)
            g_date_subtract_days (&bucket->start, (g_date_get_weekday (&date) - G_DATE_MONDAY));
          else if (kind == BUCKET_MONTH)
            g_date_set_day (&bucket->start, 1);
        }
      bucket = &g_array_index (buckets, Bucket, index);
      bucket->successful += counts->successful;
      bucket->failed += counts->failed;
      bucket->n_days++;
      g_date_add_days (&date, 1);
    }
  return buckets;
}

/* A round number at least @value, for the top of the scale: a few
 * steps per power of ten, so that bars fill most of the height. */
static gint64
nice_ceiling (gint64 value)
{
  static const int steps[] = { 10, 12, 15, 20, 25, 30, 40, 50, 60, 80 };
  gint64 unit = 1;

  if (value <= 10)
    return MAX (value, 1);
  while (unit <= G_MAXINT64 / 100 && value > 100 * unit)
    unit *= 10;
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (value <= steps[i] * unit)
      return steps[i] * unit;
  return 100 * unit;
}

static void
layout_size (PangoLayout *layout,
             int         *width,
             int         *height)
{
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  if (width != NULL)
    *width = logical.width;
  if (height != NULL)
    *height = logical.height;
}

static void
draw_text (cairo_t        *cr,
           PangoLayout    *layout,
           const GdkRGBA  *color,
           double          x,
           double          y)
{
  cairo_move_to (cr, x, y);
  gdk_cairo_set_source_rgba (cr, color);
  pango_cairo_show_layout (cr, layout);
}

static void
label_clear (gpointer data)
{
  g_free (((Label *) data)->text);
}

/* Whether @date is a boundary of the step: a day, a Monday, the first of a
 * month or of a year, counted so that the steps are even across months
 * and years. */
static gboolean
on_step (const GDate *date,
         guint        step)
{
  guint every = label_steps[step].every;

  switch (label_steps[step].unit)
    {
    case STEP_WEEKS:
      /* Day 1 of GDate's count, 1 January of year 1, was a Monday. */
      return g_date_get_weekday (date) == G_DATE_MONDAY && (g_date_get_julian (date) - 1) / 7 % every == 0;
    case STEP_MONTHS:
      return g_date_get_day (date) == 1 && (g_date_get_month (date) - 1) % every == 0;
    case STEP_YEARS:
      return g_date_get_day (date) == 1 && g_date_get_month (date) == G_DATE_JANUARY &&
             g_date_get_year (date) % every == 0;
    case STEP_DAYS:
    default:
      return g_date_get_julian (date) % every == 0;
    }
}

static char *
step_label (const GDate *date,
            guint        step,
            gboolean     with_year)
{
  switch (label_steps[step].unit)
    {
    case STEP_YEARS:
      /* Translators: a year under the bars of the reports chart: "2027". */
      return format_date (date, _("%Y"));
    case STEP_MONTHS:
      if (with_year)
        /* Translators: a month under the bars of the reports chart, with
         * its year (the first date, or the first of a year): "Jan 2027". */
        return format_date (date, _("%b %Y"));
      /* Translators: a month under the bars of the reports chart: "Mar". */
      return format_date (date, _("%b"));
    case STEP_DAYS:
    case STEP_WEEKS:
    default:
      if (with_year)
        /* Translators: a day under the bars of the reports chart, with its
         * year (the first date, or the first of a year): "4 Jan 2027". */
        return format_date (date, _("%-d %b %Y"));
      /* Translators: a day under the bars of the reports chart: "4 Mar". */
      return format_date (date, _("%-d %b"));
    }
}

/* Where the middle of @date is under the bars. */
static double
date_x (MtsReportChart *self,
        const GDate    *date,
        BucketKind      kind,
        double          plot_x,
        double          slot)
{
  int days = g_date_days_between (&self->first, date);

  switch (kind)
    {
    case BUCKET_WEEK:
      /* By the day, so that months are as far apart as they are long; a
       * Monday is under the middle of its week's bar. */
      days += g_date_get_weekday (&self->first) - G_DATE_MONDAY;
      return plot_x + slot * (days + 3.5) / 7;
    case BUCKET_MONTH:
      return plot_x + slot * (bucket_index (&self->first, date, kind) + 0.5);
    case BUCKET_DAY:
    default:
      return plot_x + slot * (days + 0.5);
    }
}

/* The dates of one step under the bars, each centred on its place but
 * kept inside the widget.  Returns: %FALSE if two would come closer than
 * LABEL_GAP, or none falls in the range. */
static gboolean
place_labels (MtsReportChart *self,
              PangoLayout    *layout,
              guint           step,
              BucketKind      kind,
              double          plot_x,
              double          slot,
              int             width,
              GArray         *labels)
{
  gboolean several_years;
  int last_year = 0;
  GDate date = self->first;
  GDate last = self->first;

  g_array_set_size (labels, 0);
  g_date_add_days (&last, self->days->len - 1);
  several_years = g_date_get_year (&self->first) != g_date_get_year (&last);
  for (guint i = 0; i < self->days->len; i++, g_date_add_days (&date, 1))
    {
      Label label;
      gboolean with_year;

      if (!on_step (&date, step))
        continue;
      with_year = several_years && (int) g_date_get_year (&date) != last_year;
      last_year = g_date_get_year (&date);
      label.text = step_label (&date, step, with_year);
      pango_layout_set_text (layout, label.text, -1);
      layout_size (layout, &label.width, NULL);
      label.x = date_x (self, &date, kind, plot_x, slot) - label.width / 2.0;
      label.x = MAX (plot_x, MIN (label.x, width - label.width));
      g_array_append_val (labels, label);
      if (labels->len > 1)
        {
          const Label *before = &g_array_index (labels, Label, labels->len - 2);

          if (label.x < before->x + before->width + LABEL_GAP)
            return FALSE;
        }
    }
  return labels->len > 0;
}

static void
mts_report_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  MtsReportChart *self = MTS_REPORT_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GArray) buckets = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  g_autofree char *top_text = NULL;
  cairo_t *cr;
  GdkRGBA fg, grid, ok, bad;
  BucketKind kind = BUCKET_DAY;
  gint64 top = 0;
  int label_h, axis_w, plot_x, plot_y, plot_w, plot_h;
  double slot, bar_w;

  g_array_set_size (self->labels, 0);
  if (self->days->len == 0 || width <= 0 || height <= 0)
    return;

  mts_widget_get_color (widget, &fg);
  mts_widget_get_color (self->success_swatch, &ok);
  mts_widget_get_color (self->error_swatch, &bad);
  grid = fg;
  grid.alpha *= 0.15;
  fg.alpha *= 0.7;

  layout = gtk_widget_create_pango_layout (widget, NULL);

  pango_layout_set_text (layout, "0", -1);
  layout_size (layout, NULL, &label_h);
  plot_y = label_h / 2 + 2;
  plot_h = height - plot_y - label_h - 6;
  if (plot_h < 10)
    return;

  /* Bars: days if each gets a few pixels, else weeks, else months.  The
   * scale's labels take width from the bars, and the scale depends on how
   * the days are grouped: two passes settle it (a week's average is never
   * above its busiest day, so the second pass's labels are no wider). */
  axis_w = 0;
  for (int pass = 0; pass < 2; pass++)
    {
      BucketKind wanted = BUCKET_DAY;

      /* Room for the scale's labels, their gap, and a glyph's overhang. */
      plot_x = axis_w + (axis_w > 0 ? 8 : 0);
      plot_w = width - plot_x - 1;
      if (plot_w < 10)
        return;
      if (self->days->len * MIN_DAY_SLOT > plot_w)
        wanted = self->days->len / 7.0 * MIN_DAY_SLOT > plot_w ? BUCKET_MONTH : BUCKET_WEEK;
      if (buckets == NULL || wanted != kind)
        {
          kind = wanted;
          g_clear_pointer (&buckets, g_array_unref);
          buckets = make_buckets (self, kind);
        }
      top = 0;
      for (guint i = 0; i < buckets->len; i++)
        {
          const Bucket *bucket = &g_array_index (buckets, Bucket, i);

          top = MAX (top, (bucket->successful + bucket->failed + bucket->n_days - 1) / bucket->n_days);
        }
      top = nice_ceiling (top);
      g_free (top_text);
      top_text = mts_format_count (top);
      pango_layout_set_text (layout, top_text, -1);
      layout_size (layout, &axis_w, NULL);
    }

  self->n_bars = buckets->len;
  self->bar_days = kind == BUCKET_DAY ? 1 : kind == BUCKET_WEEK ? 7 : 30;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* The scale: 0, half and top, with faint lines across. */
  for (int i = 0; i <= 2; i++)
    {
      gint64 value = top * i / 2;
      g_autofree char *text = mts_format_count (value);
      double y = plot_y + plot_h - (double) plot_h * i / 2;
      int text_w;

      if (i == 1 && top % 2 != 0)
        continue;
      pango_layout_set_text (layout, text, -1);
      layout_size (layout, &text_w, NULL);
      draw_text (cr, layout, &fg, plot_x - 6 - text_w, y - label_h / 2.0);
      gdk_cairo_set_source_rgba (cr, &grid);
      cairo_rectangle (cr, plot_x, floor (y) - (i == 0 ? 1 : 0), plot_w, 1);
      cairo_fill (cr);
    }

  /* The bars. */
  slot = (double) plot_w / buckets->len;
  bar_w = slot >= 6 ? MIN (slot * 0.7, 48) : MAX (1.0, slot - 1);
  for (guint i = 0; i < buckets->len; i++)
    {
      const Bucket *bucket = &g_array_index (buckets, Bucket, i);
      double x = plot_x + slot * i + (slot - bar_w) / 2;
      double base = plot_y + plot_h - 1;
      /* A bar is sessions per day, its days' average, so that a week
       * cut short by the range does not look like a drop. */
      double ok_h = (double) plot_h * bucket->successful / bucket->n_days / top;
      double bad_h = (double) plot_h * bucket->failed / bucket->n_days / top;

      if (bucket->successful > 0)
        ok_h = MAX (ok_h, 1);
      if (bucket->failed > 0)
        bad_h = MAX (bad_h, 2);
      if (ok_h + bad_h > plot_h)
        ok_h = MAX (0, plot_h - bad_h);
      gdk_cairo_set_source_rgba (cr, &ok);
      cairo_rectangle (cr, x, base - ok_h, bar_w, ok_h);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &bad);
      cairo_rectangle (cr, x, base - ok_h - bad_h, bar_w, bad_h);
      cairo_fill (cr);
    }

  /* Dates under the bars: the finest step whose dates do not touch.  The
   * steps are for the bars' kind: no days under weeks, no weeks under
   * months. */
  {
    StepUnit finest = kind == BUCKET_DAY ? STEP_DAYS : kind == BUCKET_WEEK ? STEP_WEEKS : STEP_MONTHS;
    gboolean placed = FALSE;

    for (guint step = 0; step < G_N_ELEMENTS (label_steps) && !placed; step++)
      if (label_steps[step].unit >= finest)
        placed = place_labels (self, layout, step, kind, plot_x, slot, width, self->labels);
    /* Even the years touch, or no boundary falls in the range (a few
     * days at the start of a month, too narrow for each day): the first
     * date alone. */
    if (!placed)
      {
        Label label;

        g_array_set_size (self->labels, 0);
        label.text = step_label (&self->first, 0, FALSE);
        pango_layout_set_text (layout, label.text, -1);
        layout_size (layout, &label.width, NULL);
        label.x = date_x (self, &self->first, kind, plot_x, slot) - label.width / 2.0;
        label.x = MAX (plot_x, MIN (label.x, width - label.width));
        g_array_append_val (self->labels, label);
      }
    for (guint i = 0; i < self->labels->len; i++)
      {
        const Label *label = &g_array_index (self->labels, Label, i);

        pango_layout_set_text (layout, label->text, -1);
        draw_text (cr, layout, &fg, label->x, plot_y + plot_h + 4);
      }
  }

  cairo_destroy (cr);
}

static void
mts_report_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120;
      *natural = 480;
    }
  else
    {
      *minimum = 140;
      *natural = 180;
    }
}

static void
mts_report_chart_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (mts_report_chart_parent_class)->css_changed (widget, change);
  /* The style changed (dark, high contrast): the colours with it. */
  gtk_widget_queue_draw (widget);
}

static void
mts_report_chart_dispose (GObject *object)
{
  MtsReportChart *self = MTS_REPORT_CHART (object);

  g_clear_pointer (&self->success_swatch, gtk_widget_unparent);
  g_clear_pointer (&self->error_swatch, gtk_widget_unparent);

  G_OBJECT_CLASS (mts_report_chart_parent_class)->dispose (object);
}

static void
mts_report_chart_finalize (GObject *object)
{
  MtsReportChart *self = MTS_REPORT_CHART (object);

  g_array_unref (self->days);
  g_array_unref (self->labels);
  g_free (self->summary);

  G_OBJECT_CLASS (mts_report_chart_parent_class)->finalize (object);
}

static void
mts_report_chart_class_init (MtsReportChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_report_chart_dispose;
  object_class->finalize = mts_report_chart_finalize;
  widget_class->snapshot = mts_report_chart_snapshot;
  widget_class->measure = mts_report_chart_measure;
  widget_class->css_changed = mts_report_chart_css_changed;

  gtk_widget_class_set_css_name (widget_class, "reportchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static GtkWidget *
swatch_new (MtsReportChart *self,
            const char     *css_class)
{
  /* A label, so that the style's label.success and label.error rules
   * apply as they do to text elsewhere in the app. */
  GtkWidget *swatch = gtk_label_new (NULL);

  gtk_widget_add_css_class (swatch, css_class);
  gtk_widget_set_visible (swatch, FALSE);
  gtk_widget_set_parent (swatch, GTK_WIDGET (self));
  return swatch;
}

static void
mts_report_chart_init (MtsReportChart *self)
{
  self->days = g_array_new (FALSE, TRUE, sizeof (MtsReportCounts));
  self->labels = g_array_new (FALSE, TRUE, sizeof (Label));
  g_array_set_clear_func (self->labels, label_clear);
  g_date_clear (&self->first, 1);
  self->success_swatch = swatch_new (self, "success");
  self->error_swatch = swatch_new (self, "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sessions per day"),
                                  -1);
  update_summary (self);
}

GtkWidget *
mts_report_chart_new (void)
{
  return g_object_new (MTS_TYPE_REPORT_CHART, NULL);
}
