/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-discover-page.c: the Discover step: what the domain publishes today.
 *
 * The window runs the domain audit (without probes: that is the Server
 * check step) and forwards its ::step-changed signals here, one row per
 * lookup.  At the end the page says, in one sentence, whether the domain
 * already uses MTA-STS and in which mode, and lists the audit's problems.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-discover-page.h"
#include "mts-rows.h"
#include "mts-window-private.h"
#include "mts-status-row.h"

enum {
  ROW_MX,
  ROW_STS,
  ROW_TLSRPT,
  ROW_POLICY,
  N_ROWS
};

struct _MtsDiscoverPage
{
  AdwBin parent_instance;

  GtkListBox *steps_list;
  AdwPreferencesGroup *summary_group;
  GtkListBox *summary_list;

  MtsStatusRow *rows[N_ROWS];
  gboolean problems;
};

G_DEFINE_FINAL_TYPE (MtsDiscoverPage, mts_discover_page, ADW_TYPE_BIN)

static int
row_for_step (MtsAuditStep step)
{
  switch (step)
    {
    case MTS_AUDIT_STEP_MX:
      return ROW_MX;
    case MTS_AUDIT_STEP_STS_RECORD:
      return ROW_STS;
    case MTS_AUDIT_STEP_TLSRPT_RECORD:
      return ROW_TLSRPT;
    case MTS_AUDIT_STEP_POLICY:
      return ROW_POLICY;
    case MTS_AUDIT_STEP_PROBE:
    default:
      return -1;
    }
}

/**
 * mts_discover_page_reset:
 *
 * Every lookup back to waiting, for a new run.
 */
void
mts_discover_page_reset (MtsDiscoverPage *self,
                         const char      *domain)
{
  g_autofree char *sts = g_strdup_printf ("_mta-sts.%s", domain != NULL ? domain : "");
  g_autofree char *tls = g_strdup_printf ("_smtp._tls.%s", domain != NULL ? domain : "");
  g_autofree char *policy = g_strdup_printf ("https://mta-sts.%s/.well-known/mta-sts.txt",
                                             domain != NULL ? domain : "");

  g_return_if_fail (MTS_IS_DISCOVER_PAGE (self));

  for (guint i = 0; i < N_ROWS; i++)
    {
      mts_status_row_clear_details (self->rows[i]);
      mts_status_row_set_status (self->rows[i], MTS_STATUS_PENDING, NULL);
    }
  mts_status_row_set_status (self->rows[ROW_STS], MTS_STATUS_PENDING, sts);
  mts_status_row_set_status (self->rows[ROW_TLSRPT], MTS_STATUS_PENDING, tls);
  mts_status_row_set_status (self->rows[ROW_POLICY], MTS_STATUS_PENDING, policy);
  mts_list_box_remove_all (self->summary_list);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_group), FALSE);
  self->problems = FALSE;
}

void
mts_discover_page_step_changed (MtsDiscoverPage   *self,
                                MtsAuditStep       step,
                                const char        *detail,
                                MtsAuditStepState  state)
{
  int row = row_for_step (step);

  g_return_if_fail (MTS_IS_DISCOVER_PAGE (self));

  if (row < 0)
    return;
  switch (state)
    {
    case MTS_AUDIT_STEP_RUNNING:
      mts_status_row_set_status (self->rows[row], MTS_STATUS_RUNNING, _("Looking it up…"));
      break;
    case MTS_AUDIT_STEP_FAILED:
      mts_status_row_set_status (self->rows[row], MTS_STATUS_ERROR, _("Could not be looked up"));
      break;
    case MTS_AUDIT_STEP_DONE:
    default:
      mts_status_row_set_status (self->rows[row], MTS_STATUS_INFO, _("Done"));
      break;
    }
}

static void
add_problems (MtsStatusRow *row,
              GPtrArray    *problems)
{
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    mts_status_row_add_detail (row, mts_diagnostic_row_new (g_ptr_array_index (problems, i), NULL));
}

static MtsStatus
status_of (GPtrArray *problems)
{
  MtsStatus status = MTS_STATUS_OK;

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (problems, i);

      if (d->severity == MTS_SEVERITY_ERROR)
        return MTS_STATUS_ERROR;
      if (d->severity == MTS_SEVERITY_WARNING)
        status = MTS_STATUS_WARNING;
    }
  return status;
}

/* The problems of the audit that are about one record: by code prefix. */
static GPtrArray *
problems_with_prefix (const MtsAuditResult *result,
                      const char           *prefix)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < result->problems->len; i++)
    {
      MtsDiagnostic *d = g_ptr_array_index (result->problems, i);

      if (g_str_has_prefix (d->code, prefix))
        g_ptr_array_add (out, d);
    }
  return out;
}

static void
show_record (MtsDiscoverPage      *self,
             int                   row,
             const char           *prefix,
             GStrv                 records,
             const MtsTxtRecord   *valid,
             const MtsAuditResult *result,
             const char           *name)
{
  g_autoptr(GPtrArray) problems = problems_with_prefix (result, prefix);
  g_autofree char *line = NULL;
  MtsStatus status;

  mts_status_row_clear_details (self->rows[row]);
  if (records == NULL || records[0] == NULL)
    {
      line = g_strdup_printf (_("Not published at %s"), name);
      status = MTS_STATUS_INFO;
    }
  else
    {
      line = g_strjoinv ("  ", records);
      status = valid != NULL ? status_of (problems) : MTS_STATUS_ERROR;
    }
  add_problems (self->rows[row], problems);
  mts_status_row_set_status (self->rows[row], status, line);
}

/**
 * mts_discover_page_set_result:
 * @prefilled: whether the wizard took the published values as its start
 */
void
mts_discover_page_set_result (MtsDiscoverPage      *self,
                              const MtsAuditResult *result,
                              gboolean              prefilled)
{
  g_autofree char *sts_name = NULL;
  g_autofree char *tls_name = NULL;
  g_autofree char *headline = NULL;
  g_autoptr(GString) mx = g_string_new (NULL);
  const MtsPolicy *policy = NULL;
  gboolean has_sts;

  g_return_if_fail (MTS_IS_DISCOVER_PAGE (self));

  sts_name = g_strdup_printf ("_mta-sts.%s", result->domain);
  tls_name = g_strdup_printf ("_smtp._tls.%s", result->domain);

  /* MX */
  mts_status_row_clear_details (self->rows[ROW_MX]);
  for (guint i = 0; i < result->mx->len; i++)
    {
      const MtsAuditMx *m = g_ptr_array_index (result->mx, i);

      if (mx->len > 0)
        g_string_append (mx, ", ");
      g_string_append_printf (mx, "%s (%u)", m->host, m->preference);
    }
  {
    g_autoptr(GPtrArray) dns = problems_with_prefix (result, "dns-");

    add_problems (self->rows[ROW_MX], dns);
    if (result->mx->len == 0)
      mts_status_row_set_status (self->rows[ROW_MX], dns->len > 0 ? MTS_STATUS_ERROR : MTS_STATUS_WARNING,
                                 _("No MX records: you can enter your mail servers on the next step"));
    else
      mts_status_row_set_status (self->rows[ROW_MX], dns->len > 0 ? MTS_STATUS_ERROR : MTS_STATUS_OK, mx->str);
  }

  show_record (self, ROW_STS, "sts-", result->sts_records, result->sts_record, result, sts_name);
  show_record (self, ROW_TLSRPT, "tlsrpt-", result->tlsrpt_records, result->tlsrpt_record, result, tls_name);

  /* The policy file */
  mts_status_row_clear_details (self->rows[ROW_POLICY]);
  if (result->policy != NULL && mts_policy_fetch_result_is_valid (result->policy))
    {
      g_autofree char *line = NULL;
      g_autofree char *mx_lines = NULL;

      policy = result->policy->policy;
      mx_lines = g_strdup_printf (g_dngettext (NULL, "%u mx line", "%u mx lines", policy->mx->len),
                                  policy->mx->len);
      /* Translators: the policy file found: "Mode testing, 2 mx lines, max_age 604800". */
      line = g_strdup_printf (_("Mode %s, %s, max_age %u"),
                              mts_policy_mode_to_string (policy->mode), mx_lines, policy->max_age);
      add_problems (self->rows[ROW_POLICY], result->policy->problems);
      mts_status_row_set_status (self->rows[ROW_POLICY], status_of (result->policy->problems), line);
    }
  else if (result->policy != NULL && result->policy->problems->len > 0)
    {
      const MtsDiagnostic *first = g_ptr_array_index (result->policy->problems, 0);

      add_problems (self->rows[ROW_POLICY], result->policy->problems);
      mts_status_row_set_status (self->rows[ROW_POLICY],
                                 result->sts_record != NULL ? MTS_STATUS_ERROR : MTS_STATUS_INFO,
                                 first->message);
    }
  else
    mts_status_row_set_status (self->rows[ROW_POLICY], MTS_STATUS_INFO, _("No policy file"));

  /* The one sentence, then the problems. */
  has_sts = result->sts_record != NULL || policy != NULL;
  mts_list_box_remove_all (self->summary_list);
  if (has_sts && policy != NULL)
    headline = g_strdup_printf (_("%s already uses MTA-STS, in %s mode."), result->domain,
                                mts_policy_mode_to_string (policy->mode));
  else if (has_sts)
    headline = g_strdup_printf (_("%s has an _mta-sts record, but senders cannot get its policy file."),
                                result->domain);
  else
    headline = g_strdup_printf (_("%s does not use MTA-STS yet. The next steps set it up."),
                                result->domain);
  gtk_list_box_append (self->summary_list,
                       mts_message_row_new (has_sts ? "emblem-ok-symbolic" : "dialog-information-symbolic",
                                            has_sts ? "success" : "accent", headline,
                                            prefilled ? _("The next steps start from what is published: change what you need, or move to enforce.")
                                                      : NULL));

  self->problems = FALSE;
  for (guint i = 0; i < result->problems->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (result->problems, i);

      /* A domain without MTA-STS is what this wizard is for: its
       * "missing" findings are not problems to show here. */
      if (!has_sts && d->severity != MTS_SEVERITY_ERROR)
        continue;
      if (d->severity == MTS_SEVERITY_ERROR && has_sts)
        self->problems = TRUE;
      gtk_list_box_append (self->summary_list, mts_diagnostic_row_new (d, NULL));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->summary_group), TRUE);
}

/**
 * mts_discover_page_set_error:
 *
 * The audit itself failed (not cancelled): say so, and that the wizard can
 * go on without it.
 */
void
mts_discover_page_set_error (MtsDiscoverPage *self,
                             const GError    *error)
{
  g_autofree char *text = NULL;

  g_return_if_fail (MTS_IS_DISCOVER_PAGE (self));

  for (guint i = 0; i < N_ROWS; i++)
    if (mts_status_row_get_status (self->rows[i]) <= MTS_STATUS_RUNNING)
      mts_status_row_set_status (self->rows[i], MTS_STATUS_ERROR, _("Could not be looked up"));

  text = g_strdup_printf (_("The lookups could not be done (%s). Check the network connection and try again, or go on: you can enter your mail servers by hand on the next step."),
                          error->message);
  mts_list_box_remove_all (self->summary_list);
  gtk_list_box_append (self->summary_list,
                       mts_message_row_new ("dialog-error-symbolic", "error", text, NULL));
  gtk_widget_set_visible (GTK_WIDGET (self->summary_group), TRUE);
  self->problems = TRUE;
}

/**
 * mts_discover_page_set_stopped:
 *
 * The user stopped the lookups (Escape, or leaving the step).
 */
void
mts_discover_page_set_stopped (MtsDiscoverPage *self)
{
  g_return_if_fail (MTS_IS_DISCOVER_PAGE (self));

  for (guint i = 0; i < N_ROWS; i++)
    if (mts_status_row_get_status (self->rows[i]) <= MTS_STATUS_RUNNING)
      mts_status_row_set_status (self->rows[i], MTS_STATUS_PENDING, _("Stopped"));

  mts_list_box_remove_all (self->summary_list);
  gtk_list_box_append (self->summary_list,
                       mts_message_row_new ("dialog-information-symbolic", "accent",
                                            _("The lookups were stopped. Check again, or go on and enter your mail servers by hand."),
                                            NULL));
  gtk_widget_set_visible (GTK_WIDGET (self->summary_group), TRUE);
}

gboolean
mts_discover_page_has_problems (MtsDiscoverPage *self)
{
  g_return_val_if_fail (MTS_IS_DISCOVER_PAGE (self), FALSE);

  return self->problems;
}

static void
mts_discover_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MTS_TYPE_DISCOVER_PAGE);

  G_OBJECT_CLASS (mts_discover_page_parent_class)->dispose (object);
}

static void
mts_discover_page_class_init (MtsDiscoverPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_discover_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-discover-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsDiscoverPage, steps_list);
  gtk_widget_class_bind_template_child (widget_class, MtsDiscoverPage, summary_group);
  gtk_widget_class_bind_template_child (widget_class, MtsDiscoverPage, summary_list);
}

static void
mts_discover_page_init (MtsDiscoverPage *self)
{
  const char *titles[N_ROWS] = {
    [ROW_MX] = N_("Mail servers (MX records)"),
    [ROW_STS] = N_("MTA-STS record"),
    [ROW_TLSRPT] = N_("TLS reporting record"),
    [ROW_POLICY] = N_("Policy file"),
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_ROWS; i++)
    {
      self->rows[i] = MTS_STATUS_ROW (mts_status_row_new (_(titles[i])));
      gtk_list_box_append (self->steps_list, GTK_WIDGET (self->rows[i]));
    }
  mts_discover_page_reset (self, NULL);
}

MtsStatusRow *
_mts_discover_page_get_row (MtsDiscoverPage *self,
                            MtsAuditStep     step)
{
  int row = row_for_step (step);

  return row >= 0 ? self->rows[row] : NULL;
}

GtkListBox *
_mts_discover_page_get_summary (MtsDiscoverPage *self)
{
  return self->summary_list;
}
