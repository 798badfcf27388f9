/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-probe-page.c: the Server check step: STARTTLS and the certificate of every MX address.
 *
 * The window runs the domain audit with probes and forwards its
 * ::step-changed signals: a row with a spinner appears for each address as
 * its probe starts.  When the audit is done, the rows are rebuilt from its
 * result, one per host and address, each with a one-line verdict and the
 * details (connection, certificate, chain, older TLS versions, every
 * problem with its fix) folded under it.  The hosts are those of the Mail
 * servers step's list; when it is not what DNS says (a host being added,
 * one being retired), rows at the top say which were checked and how the
 * list and DNS differ, and each such host's rows say which side it is on.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mts-probe-page.h"
#include "mts-rows.h"
#include "mts-window-private.h"
#include "mts-status-row.h"

struct _MtsProbePage
{
  AdwBin parent_instance;

  GtkWidget *blocked_box;
  GtkListBox *hosts_list;

  /* address → MtsStatusRow, while the probes run. */
  GHashTable *running;
  gboolean problems;
  gboolean has_result;
};

G_DEFINE_FINAL_TYPE (MtsProbePage, mts_probe_page, ADW_TYPE_BIN)

void
mts_probe_page_reset (MtsProbePage *self)
{
  g_return_if_fail (MTS_IS_PROBE_PAGE (self));

  g_hash_table_remove_all (self->running);
  mts_list_box_remove_all (self->hosts_list);
  gtk_widget_set_visible (self->blocked_box, FALSE);
  self->problems = FALSE;
  self->has_result = FALSE;
}

void
mts_probe_page_step_changed (MtsProbePage      *self,
                             MtsAuditStep       step,
                             const char        *detail,
                             MtsAuditStepState  state)
{
  MtsStatusRow *row;

  g_return_if_fail (MTS_IS_PROBE_PAGE (self));

  if (step == MTS_AUDIT_STEP_MX && state == MTS_AUDIT_STEP_RUNNING &&
      g_hash_table_size (self->running) == 0)
    {
      mts_list_box_remove_all (self->hosts_list);
      row = MTS_STATUS_ROW (mts_status_row_new (_("Mail servers")));
      mts_status_row_set_status (row, MTS_STATUS_RUNNING, _("Looking up the MX records…"));
      gtk_list_box_append (self->hosts_list, GTK_WIDGET (row));
      return;
    }
  if (step != MTS_AUDIT_STEP_PROBE || detail == NULL)
    return;

  row = g_hash_table_lookup (self->running, detail);
  if (row == NULL)
    {
      if (g_hash_table_size (self->running) == 0)
        mts_list_box_remove_all (self->hosts_list);
      row = MTS_STATUS_ROW (mts_status_row_new (detail));
      g_hash_table_insert (self->running, g_strdup (detail), row);
      gtk_list_box_append (self->hosts_list, GTK_WIDGET (row));
    }
  switch (state)
    {
    case MTS_AUDIT_STEP_RUNNING:
      mts_status_row_set_status (row, MTS_STATUS_RUNNING, _("Connecting on port 25…"));
      break;
    case MTS_AUDIT_STEP_FAILED:
      mts_status_row_set_status (row, MTS_STATUS_ERROR, _("Could not be checked"));
      break;
    case MTS_AUDIT_STEP_DONE:
    default:
      mts_status_row_set_status (row, MTS_STATUS_INFO, _("Checked"));
      break;
    }
}

static char *
format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (unix_time);

  /* Translators: a date as in "12 March 2027"; see g_date_time_format(). */
  return date != NULL ? g_date_time_format (date, _("%-d %B %Y")) : g_strdup ("?");
}

static MtsStatus
status_of (const MtsProbeResult *probe)
{
  MtsStatus status = probe->status == MTS_PROBE_STATUS_OK ? MTS_STATUS_OK : MTS_STATUS_ERROR;

  for (guint i = 0; probe->problems != NULL && i < probe->problems->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (probe->problems, i);

      if (d->severity == MTS_SEVERITY_ERROR)
        return MTS_STATUS_ERROR;
      if (d->severity == MTS_SEVERITY_WARNING && status == MTS_STATUS_OK)
        status = MTS_STATUS_WARNING;
    }
  return status;
}

static char *
one_line (const MtsProbeResult *probe)
{
  const MtsProbeCert *leaf = mts_probe_result_get_leaf (probe);
  const MtsDiagnostic *first = NULL;

  for (guint i = 0; probe->problems != NULL && i < probe->problems->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (probe->problems, i);

      if (first == NULL || d->severity < first->severity)
        first = d;
    }

  if (probe->status == MTS_PROBE_STATUS_OK && leaf != NULL && probe->trusted && probe->name_matches &&
      (first == NULL || first->severity != MTS_SEVERITY_ERROR))
    {
      g_autofree char *until = format_date (leaf->not_after);

      return g_strdup_printf (_("%s, certificate valid until %s"), probe->tls_version, until);
    }
  if (first != NULL)
    return g_strdup (first->message);
  return g_strdup (mts_probe_status_to_string (probe->status));
}

static GtkWidget *
fact_row (const char *title,
          const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  return row;
}

static void
add_details (MtsStatusRow         *row,
             const MtsProbeResult *probe)
{
  const MtsProbeCert *leaf = mts_probe_result_get_leaf (probe);

  if (probe->tls_version != NULL)
    {
      g_autofree char *connection = g_strdup_printf ("%s, %s%s%s", probe->tls_version,
                                                     probe->cipher != NULL ? probe->cipher : "?",
                                                     probe->group != NULL ? ", " : "",
                                                     probe->group != NULL ? probe->group : "");

      mts_status_row_add_detail (row, fact_row (_("Connection"), connection));
    }
  if (leaf != NULL)
    {
      g_autofree char *until = format_date (leaf->not_after);
      g_autofree char *names = leaf->san != NULL ? g_strjoinv (", ", leaf->san) : g_strdup ("—");

      mts_status_row_add_detail (row, fact_row (_("Names in the certificate"), names));
      mts_status_row_add_detail (row, fact_row (_("Issued by"), leaf->issuer));
      mts_status_row_add_detail (row, fact_row (_("Valid until"), until));
    }
  if (probe->chain != NULL && probe->chain->len > 0)
    {
      g_autoptr(GString) chain = g_string_new (NULL);

      for (guint i = 0; i < probe->chain->len; i++)
        {
          const MtsProbeCert *cert = g_ptr_array_index (probe->chain, i);

          if (i > 0)
            g_string_append (chain, " → ");
          g_string_append (chain, cert->subject);
        }
      mts_status_row_add_detail (row, fact_row (_("Certificate chain, as sent"), chain->str));
    }
  switch (probe->legacy_tls)
    {
    case MTS_PROBE_LEGACY_ACCEPTED:
      {
        g_autofree char *text = g_strdup_printf (_("Still accepted (%s)"),
                                                 probe->legacy_tls_version != NULL ? probe->legacy_tls_version : "TLS 1.0/1.1");

        mts_status_row_add_detail (row, fact_row (_("Old TLS versions"), text));
      }
      break;
    case MTS_PROBE_LEGACY_REJECTED:
      mts_status_row_add_detail (row, fact_row (_("Old TLS versions"), _("Refused")));
      break;
    case MTS_PROBE_LEGACY_NOT_CHECKED:
    case MTS_PROBE_LEGACY_UNKNOWN:
    default:
      break;
    }
  for (guint i = 0; probe->problems != NULL && i < probe->problems->len; i++)
    mts_status_row_add_detail (row, mts_diagnostic_row_new (g_ptr_array_index (probe->problems, i), NULL));
}

static gboolean
is_list_finding (const MtsDiagnostic *d)
{
  return g_str_equal (d->code, "mx-not-listed") || g_str_equal (d->code, "mx-not-in-dns") ||
         g_str_equal (d->code, "mx-missing");
}

/* With the list of the Mail Servers step, when it is not what DNS says:
 * which hosts were checked, then how the list and DNS differ, in the
 * audit's own words.  When they agree the host rows say it all. */
static void
add_list_summary (MtsProbePage         *self,
                  const MtsAuditResult *result)
{
  g_autoptr(GPtrArray) listed = g_ptr_array_new ();
  g_autofree char *names = NULL;
  g_autofree char *text = NULL;
  gboolean differs = FALSE;

  for (guint i = 0; i < result->mx->len; i++)
    {
      const MtsAuditMx *mx = g_ptr_array_index (result->mx, i);

      if (mx->listed)
        g_ptr_array_add (listed, mx->host);
      differs = differs || !mx->listed || !mx->in_dns;
    }
  g_ptr_array_add (listed, NULL);
  for (guint i = 0; i < result->problems->len && !differs; i++)
    differs = is_list_finding (g_ptr_array_index (result->problems, i));
  if (!differs)
    return;

  names = g_strjoinv (", ", (char **) listed->pdata);
  if (listed->len > 1)
    /* Translators: %s is a list of mail server names, "mx1.example.com, mx2.example.com". */
    text = g_strdup_printf (_("Checked the mail servers of your list (step Mail Servers): %s."), names);
  else
    text = g_strdup (_("No mail server of your list could be checked: it holds only patterns "
                       "that no MX record matches yet."));
  gtk_list_box_append (self->hosts_list,
                       mts_message_row_new ("dialog-information-symbolic", "accent", text, NULL));

  for (guint i = 0; i < result->problems->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (result->problems, i);

      if (is_list_finding (d))
        gtk_list_box_append (self->hosts_list,
                             mts_message_row_new (mts_severity_icon_name (d->severity),
                                                  mts_severity_css_class (d->severity),
                                                  d->message, NULL));
    }
}

/* What sets a host apart from the list, for its rows; NULL: nothing. */
static const char *
list_tag (const MtsAuditResult *result,
          const MtsAuditMx     *mx)
{
  if (!result->mx_from_list)
    return NULL;
  if (!mx->listed)
    return _("In DNS, not in your list");
  if (!mx->in_dns)
    return _("In your list, not in DNS yet");
  return NULL;
}

void
mts_probe_page_set_result (MtsProbePage         *self,
                           const MtsAuditResult *result)
{
  g_return_if_fail (MTS_IS_PROBE_PAGE (self));

  g_hash_table_remove_all (self->running);
  mts_list_box_remove_all (self->hosts_list);
  self->problems = FALSE;
  self->has_result = TRUE;

  gtk_widget_set_visible (self->blocked_box,
                          mts_diagnostics_find (result->problems, "port25-blocked") != NULL);
  if (result->mx_from_list)
    add_list_summary (self, result);

  for (guint i = 0; i < result->mx->len; i++)
    {
      const MtsAuditMx *mx = g_ptr_array_index (result->mx, i);

      if (mx->probes->len == 0)
        {
          MtsStatusRow *row = MTS_STATUS_ROW (mts_status_row_new (mx->host));
          const MtsDiagnostic *first = NULL;

          /* The most severe: "no address" rather than "not in DNS yet". */
          for (guint j = 0; j < mx->problems->len; j++)
            {
              const MtsDiagnostic *d = g_ptr_array_index (mx->problems, j);

              if (first == NULL || d->severity < first->severity)
                first = d;
              mts_status_row_add_detail (row, mts_diagnostic_row_new (d, NULL));
            }
          mts_status_row_set_status (row, MTS_STATUS_ERROR,
                                     first != NULL ? first->message : _("No address to connect to"));
          gtk_list_box_append (self->hosts_list, GTK_WIDGET (row));
          self->problems = TRUE;
          continue;
        }

      for (guint j = 0; j < mx->probes->len; j++)
        {
          const MtsProbeResult *probe = g_ptr_array_index (mx->probes, j);
          MtsStatusRow *row = MTS_STATUS_ROW (mts_status_row_new (mx->host));
          g_autofree char *line = one_line (probe);
          const char *tag = list_tag (result, mx);
          g_autofree char *subtitle = tag != NULL
                                        ? g_strdup_printf ("%s · %s · %s", tag, probe->address, line)
                                        : g_strdup_printf ("%s · %s", probe->address, line);
          MtsStatus status = status_of (probe);

          /* A server the policy will not cover works today but not once
           * the policy is in enforce mode. */
          if (result->mx_from_list && !mx->listed && status == MTS_STATUS_OK)
            status = MTS_STATUS_WARNING;

          add_details (row, probe);
          if (j == 0)
            for (guint k = 0; k < mx->problems->len; k++)
              mts_status_row_add_detail (row, mts_diagnostic_row_new (g_ptr_array_index (mx->problems, k), NULL));
          mts_status_row_set_status (row, status, subtitle);
          gtk_list_box_append (self->hosts_list, GTK_WIDGET (row));
          if (status == MTS_STATUS_ERROR)
            self->problems = TRUE;
        }
    }

  if (result->mx->len == 0)
    gtk_list_box_append (self->hosts_list,
                         mts_message_row_new ("dialog-information-symbolic", "accent",
                                              _("No MX records were found, so there is no mail server to check. Publish your MX records, then check again."),
                                              NULL));
}

void
mts_probe_page_set_error (MtsProbePage *self,
                          const GError *error)
{
  g_autofree char *text = NULL;

  g_return_if_fail (MTS_IS_PROBE_PAGE (self));

  g_hash_table_remove_all (self->running);
  mts_list_box_remove_all (self->hosts_list);
  text = g_strdup_printf (_("The check could not run (%s). Check the network connection and try again, or go on: the policy starts in testing mode, which refuses nothing."),
                          error->message);
  gtk_list_box_append (self->hosts_list,
                       mts_message_row_new ("dialog-error-symbolic", "error", text, NULL));
  self->problems = TRUE;
  self->has_result = FALSE;
}

/**
 * mts_probe_page_set_stopped:
 *
 * The user stopped the check (Escape, or leaving the step).
 */
void
mts_probe_page_set_stopped (MtsProbePage *self)
{
  g_return_if_fail (MTS_IS_PROBE_PAGE (self));

  g_hash_table_remove_all (self->running);
  mts_list_box_remove_all (self->hosts_list);
  gtk_list_box_append (self->hosts_list,
                       mts_message_row_new ("dialog-information-symbolic", "accent",
                                            _("The check was stopped. Check again, or go on: the policy starts in testing mode, which refuses nothing."),
                                            NULL));
  self->has_result = FALSE;
}

gboolean
mts_probe_page_has_problems (MtsProbePage *self)
{
  g_return_val_if_fail (MTS_IS_PROBE_PAGE (self), FALSE);

  return self->problems;
}

gboolean
mts_probe_page_has_result (MtsProbePage *self)
{
  g_return_val_if_fail (MTS_IS_PROBE_PAGE (self), FALSE);

  return self->has_result;
}

static void
mts_probe_page_dispose (GObject *object)
{
  MtsProbePage *self = MTS_PROBE_PAGE (object);

  g_clear_pointer (&self->running, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), MTS_TYPE_PROBE_PAGE);

  G_OBJECT_CLASS (mts_probe_page_parent_class)->dispose (object);
}

static void
mts_probe_page_class_init (MtsProbePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_probe_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-probe-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsProbePage, blocked_box);
  gtk_widget_class_bind_template_child (widget_class, MtsProbePage, hosts_list);
}

static void
mts_probe_page_init (MtsProbePage *self)
{
  self->running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_append (self->hosts_list,
                       mts_message_row_new ("dialog-information-symbolic", "accent",
                                            _("The check starts when you open this step."), NULL));
}

GtkListBox *
_mts_probe_page_get_hosts (MtsProbePage *self)
{
  return self->hosts_list;
}
