/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-readiness.c: is a domain ready for enforce? The checklist, and the safe ways to switch modes.
 *
 * Enforce refuses mail to any MX that fails MTA-STS, so the switch is only
 * advised on evidence: the testing policy has been live long enough for
 * reports to come in, several reporters on several days saw clean TLS, and
 * the last audit found every MX reachable, covered and with a good
 * certificate, and a policy host certificate that will not expire soon.
 * The audit is the JSON of `mtasts check --json` that the project keeps.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mts-readiness.h"
#include "mts-report.h"
#include "mts-txt-record.h"

#define DAY G_TIME_SPAN_DAY
#define ENFORCE_FIRST_MAX_AGE 604800   /* one week: a mistake is not cached for long */
#define TESTING_MAX_AGE 604800
#define REMOVAL_MAX_AGE 86400          /* "a small max_age (e.g., one day)" (RFC 8461 §8.3) */

const char *
mts_readiness_status_to_string (MtsReadinessStatus status)
{
  switch (status)
    {
    case MTS_READINESS_MET:
      return "met";
    case MTS_READINESS_NOT_MET:
      return "not-met";
    case MTS_READINESS_UNKNOWN:
      return "unknown";
    default:
      g_return_val_if_reached ("unknown");
    }
}

/* The defaults of issue 6: two weeks of testing (Google's advice), a week
 * of reports from two reporters, a clean last week, a month of certificate. */
void
mts_readiness_thresholds_init (MtsReadinessThresholds *thresholds)
{
  g_return_if_fail (thresholds != NULL);

  thresholds->testing_days = 14;
  thresholds->min_reporters = 2;
  thresholds->min_report_days = 7;
  thresholds->recent_days = 7;
  thresholds->max_other_failures = 0.001;
  thresholds->cert_min_days = 30;
}

static void
item_free (MtsReadinessItem *item)
{
  g_free (item->title);
  g_free (item->evidence);
  g_free (item);
}

void
mts_readiness_free (MtsReadiness *readiness)
{
  if (readiness == NULL)
    return;
  g_ptr_array_unref (readiness->items);
  g_free (readiness);
}

static void
add_item (MtsReadiness       *readiness,
          const char         *id,
          const char         *title,
          MtsReadinessStatus  status,
          char               *evidence)
{
  MtsReadinessItem *item = g_new0 (MtsReadinessItem, 1);

  item->id = id;
  item->title = g_strdup (title);
  item->status = status;
  item->evidence = evidence;
  g_ptr_array_add (readiness->items, item);
}

/* When senders could first use the policy in its current mode: both the
 * policy file and the _mta-sts record seen published; NULL before. */
static GDateTime *
live_since (MtsProject *project)
{
  GDateTime *policy = mts_project_get_published (project, MTS_PUBLISHED_POLICY);
  GDateTime *record = mts_project_get_published (project, MTS_PUBLISHED_STS_RECORD);

  if (policy == NULL || record == NULL)
    return NULL;
  return g_date_time_compare (policy, record) >= 0 ? policy : record;
}

static void
check_testing_live (MtsReadiness                 *readiness,
                    MtsProject                   *project,
                    const MtsReadinessThresholds *t,
                    GDateTime                    *now)
{
  const char *title = _("The testing policy has been live long enough");
  GDateTime *since = live_since (project);
  gint64 days;

  if (mts_project_get_mode (project) != MTS_POLICY_MODE_TESTING)
    {
      add_item (readiness, "testing-live", title, MTS_READINESS_NOT_MET,
                g_strdup_printf (_("The policy is in mode “%s”, not testing. Publish it in "
                                   "testing mode first and let reports come in."),
                                 mts_policy_mode_to_string (mts_project_get_mode (project))));
      return;
    }
  if (since == NULL)
    {
      add_item (readiness, "testing-live", title, MTS_READINESS_NOT_MET,
                g_strdup (_("No check has seen the testing policy and its _mta-sts record "
                            "published yet. Publish both, then run a check.")));
      return;
    }
  /* Senders only use the policy once both are there. */
  days = g_date_time_difference (now, since) / DAY;
  if (days < 0)
    days = 0;
  add_item (readiness, "testing-live", title,
            days >= t->testing_days ? MTS_READINESS_MET : MTS_READINESS_NOT_MET,
            g_strdup_printf (_("Verified live in testing mode for %lld days "
                               "(at least %u are advised)."), (long long) days, t->testing_days));
}

typedef struct
{
  GHashTable *reporters;
  GHashTable *days;
  gint64 recent_sessions;
  gint64 recent_tls;
  gint64 recent_other;
  GHashTable *recent_tls_types;
  /* Reports about days before this were not about the live policy. */
  GDateTime *since;
  guint earlier;
} ReportFacts;

/* Under enforce, these failures mean refused mail: the certificate and
 * STARTTLS failures, and a policy that senders found invalid (they cannot
 * apply it, so a cached enforce policy of the same id blocks delivery). */
static gboolean
blocks_under_enforce (const char *type)
{
  return mts_report_result_type_is_tls (type) || g_str_equal (type, "sts-policy-invalid");
}

/* Whether @report covers a day on or after the one the policy went live:
 * a report counts for the whole day it starts on. */
static gboolean
starts_since (const MtsReport *report,
              GDateTime       *since)
{
  int y1, m1, d1, y2, m2, d2;

  if (since == NULL || report->start == NULL)
    return FALSE;
  g_date_time_get_ymd (report->start, &y1, &m1, &d1);
  g_date_time_get_ymd (since, &y2, &m2, &d2);
  if (y1 != y2)
    return y1 > y2;
  if (m1 != m2)
    return m1 > m2;
  return d1 >= d2;
}

static void
gather_reports (ReportFacts                  *facts,
                MtsProject                   *project,
                const MtsReadinessThresholds *t,
                GDateTime                    *now)
{
  GPtrArray *reports = mts_project_get_reports (project);
  const char *domain = mts_project_get_domain (project);
  g_autoptr(GDateTime) window = g_date_time_add (now, -(GTimeSpan) t->recent_days * DAY);

  for (guint i = 0; i < reports->len; i++)
    {
      const MtsProjectReport *stored = g_ptr_array_index (reports, i);
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), stored->facts);
      g_autoptr(MtsReport) report = mts_report_from_json (node, NULL);
      gboolean recent;

      if (report == NULL || !mts_report_is_for_domain (report, domain))
        continue;
      if (starts_since (report, facts->since))
        {
          g_hash_table_add (facts->reporters, g_strdup (report->organization));
          g_hash_table_add (facts->days, mts_report_get_day (report));
        }
      else
        facts->earlier++;
      /* A report for yesterday arrives today: one that ends inside the
       * window counts. */
      recent = g_date_time_compare (report->end, window) > 0;
      if (!recent)
        continue;
      for (guint j = 0; j < report->policies->len; j++)
        {
          const MtsReportPolicy *policy = g_ptr_array_index (report->policies, j);

          if (!g_str_equal (policy->policy_domain, domain))
            continue;
          facts->recent_sessions += policy->successful + policy->failed;
          for (guint k = 0; k < policy->failures->len; k++)
            {
              const MtsReportFailure *failure = g_ptr_array_index (policy->failures, k);

              if (blocks_under_enforce (failure->result_type))
                {
                  facts->recent_tls += failure->failed_session_count;
                  g_hash_table_add (facts->recent_tls_types, g_strdup (failure->result_type));
                }
              else
                facts->recent_other += failure->failed_session_count;
            }
        }
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static char *
join_keys (GHashTable *table)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);
  g_ptr_array_add (keys, NULL);
  return g_strjoinv (", ", (char **) keys->pdata);
}

static void
check_reports (MtsReadiness                 *readiness,
               ReportFacts                  *facts,
               const MtsReadinessThresholds *t)
{
  guint reporters = g_hash_table_size (facts->reporters);
  guint days = g_hash_table_size (facts->days);
  g_autofree char *names = join_keys (facts->reporters);

  add_item (readiness, "reports", _("Reports from several reporters on several days"),
            reporters >= t->min_reporters && days >= t->min_report_days
              ? MTS_READINESS_MET : MTS_READINESS_NOT_MET,
            reporters == 0 && facts->earlier > 0
              ? g_strdup_printf (g_dngettext (NULL,
                                              "No report covers a day since the policy was seen live; "
                                              "%u older report does not count. At least %u reporters "
                                              "on %u different days are needed.",
                                              "No report covers a day since the policy was seen live; "
                                              "%u older reports do not count. At least %u reporters "
                                              "on %u different days are needed.",
                                              facts->earlier),
                                 facts->earlier, t->min_reporters, t->min_report_days)
            : reporters == 0
              ? g_strdup_printf (_("No TLS report has been imported yet; at least %u reporters "
                                   "on %u different days are needed. Check that the "
                                   "_smtp._tls record is published and import the reports "
                                   "that arrive."), t->min_reporters, t->min_report_days)
              : g_strdup_printf (_("Reports from %u reporters (%s) on %u different days; at "
                                   "least %u reporters on %u days are needed."),
                                 reporters, names, days, t->min_reporters, t->min_report_days));
}

static void
check_failures (MtsReadiness                 *readiness,
                ReportFacts                  *facts,
                const MtsReadinessThresholds *t)
{
  const char *title = _("No certificate or STARTTLS failures lately");
  double share;

  if (facts->recent_sessions == 0)
    {
      add_item (readiness, "no-tls-failures", title, MTS_READINESS_UNKNOWN,
                g_strdup_printf (_("No imported report covers the last %u days: import recent "
                                   "reports."), t->recent_days));
      return;
    }
  share = (double) facts->recent_other / (double) facts->recent_sessions;
  if (facts->recent_tls > 0)
    {
      g_autofree char *types = join_keys (facts->recent_tls_types);

      add_item (readiness, "no-tls-failures", title, MTS_READINESS_NOT_MET,
                g_strdup_printf (_("%lld of %lld sessions in "
                                   "the last %u days failed with certificate, STARTTLS or "
                                   "policy errors (%s). Under enforce, that mail would not be "
                                   "delivered: fix the mail servers or the policy first."),
                                 (long long) facts->recent_tls, (long long) facts->recent_sessions, t->recent_days,
                                 types));
      return;
    }
  add_item (readiness, "no-tls-failures", title,
            share < t->max_other_failures ? MTS_READINESS_MET : MTS_READINESS_NOT_MET,
            g_strdup_printf (_("%lld sessions in the last %u days, none with "
                               "certificate or STARTTLS errors; %lld other "
                               "failures (%.2f %%, below %.2f %% is needed)."),
                             (long long) facts->recent_sessions, t->recent_days, (long long) facts->recent_other,
                             share * 100, t->max_other_failures * 100));
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

static gboolean
has_error (JsonArray *problems)
{
  for (guint i = 0; problems != NULL && i < json_array_get_length (problems); i++)
    {
      JsonNode *node = json_array_get_element (problems, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (member_string (json_node_get_object (node), "severity"), "error") == 0)
        return TRUE;
    }
  return FALSE;
}

static void
check_audit (MtsReadiness                 *readiness,
             MtsProject                   *project,
             const MtsReadinessThresholds *t,
             GDateTime                    *now)
{
  const char *probes_title = _("Every mail server passed the last check");
  const char *coverage_title = _("The policy covers every mail server");
  const char *cert_title = _("The policy host’s certificate stays valid");
  JsonNode *audit = mts_project_get_last_audit (project);
  JsonObject *root, *policy, *cert;
  JsonArray *mx;
  g_autoptr(GPtrArray) failing = g_ptr_array_new ();
  g_autoptr(GPtrArray) uncovered = g_ptr_array_new ();
  g_autofree char *when = NULL;
  g_autofree char *probes_when = NULL;
  const char *probed_at;
  gboolean any_probed = FALSE;
  guint n_in_dns = 0;

  if (audit == NULL || !JSON_NODE_HOLDS_OBJECT (audit))
    {
      const char *none = _("No check has been run yet: run one.");

      add_item (readiness, "mx-probes", probes_title, MTS_READINESS_UNKNOWN, g_strdup (none));
      add_item (readiness, "mx-coverage", coverage_title, MTS_READINESS_UNKNOWN, g_strdup (none));
      add_item (readiness, "policy-certificate", cert_title, MTS_READINESS_UNKNOWN, g_strdup (none));
      return;
    }
  root = json_node_get_object (audit);
  when = mts_project_get_last_audit_time (project) != NULL
         ? g_date_time_format (mts_project_get_last_audit_time (project), "%Y-%m-%d %H:%M UTC")
         : g_strdup ("?");
  mx = member_array (root, "mx");
  /* A check without the Server Check (What Is Published, Verify
   * Publication) carries the probes of the last one, with their time. */
  probed_at = member_string (root, "probes_checked_at");
  if (probed_at != NULL)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (probed_at, NULL);

      if (time != NULL)
        probes_when = g_date_time_format (time, "%Y-%m-%d %H:%M UTC");
    }
  if (probes_when == NULL)
    probes_when = g_strdup (when);

  for (guint i = 0; mx != NULL && i < json_array_get_length (mx); i++)
    {
      JsonNode *node = json_array_get_element (mx, i);
      JsonObject *host;
      JsonArray *probes;
      gboolean passed;
      JsonNode *covered, *in_dns;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      host = json_node_get_object (node);
      /* A host the admin listed that DNS does not have yet gets no mail:
       * the policy need not cover it (absent: an audit of DNS alone). */
      in_dns = json_object_get_member (host, "in_dns");
      if (in_dns == NULL || !JSON_NODE_HOLDS_VALUE (in_dns) || json_node_get_boolean (in_dns))
        n_in_dns++;
      probes = member_array (host, "probes");
      passed = probes != NULL && json_array_get_length (probes) > 0;
      if (passed)
        any_probed = TRUE;
      for (guint j = 0; passed && j < json_array_get_length (probes); j++)
        {
          JsonNode *probe = json_array_get_element (probes, j);

          passed = JSON_NODE_HOLDS_OBJECT (probe) &&
                   g_strcmp0 (member_string (json_node_get_object (probe), "status"), "ok") == 0 &&
                   !has_error (member_array (json_node_get_object (probe), "problems"));
        }
      if (!passed)
        g_ptr_array_add (failing, (gpointer) (member_string (host, "host") ?: "?"));
      covered = json_object_get_member (host, "covered");
      if (in_dns != NULL && JSON_NODE_HOLDS_VALUE (in_dns) && !json_node_get_boolean (in_dns))
        continue;
      if (covered == NULL || !JSON_NODE_HOLDS_VALUE (covered) || !json_node_get_boolean (covered))
        g_ptr_array_add (uncovered, (gpointer) (member_string (host, "host") ?: "?"));
    }
  g_ptr_array_add (failing, NULL);
  g_ptr_array_add (uncovered, NULL);

  if (mx == NULL || json_array_get_length (mx) == 0)
    {
      add_item (readiness, "mx-probes", probes_title, MTS_READINESS_NOT_MET,
                g_strdup_printf (_("The check of %s found no mail server (MX record)."), when));
      add_item (readiness, "mx-coverage", coverage_title, MTS_READINESS_NOT_MET,
                g_strdup_printf (_("The check of %s found no mail server (MX record)."), when));
    }
  else
    {
      g_autofree char *hosts = g_strjoinv (", ", (char **) failing->pdata);
      g_autofree char *hosts2 = g_strjoinv (", ", (char **) uncovered->pdata);
      guint n = json_array_get_length (mx);

      if (!any_probed)
        add_item (readiness, "mx-probes", probes_title, MTS_READINESS_UNKNOWN,
                  g_strdup (_("No Server Check has connected to the mail servers yet: run it "
                              "on the Server Check step.")));
      else
        add_item (readiness, "mx-probes", probes_title,
                  failing->len == 1 ? MTS_READINESS_MET : MTS_READINESS_NOT_MET,
                  failing->len == 1
                    ? g_strdup_printf (_("All %u mail servers accepted STARTTLS with a valid "
                                         "certificate in the check of %s."), n, probes_when)
                    : g_strdup_printf (_("In the check of %s, these mail servers failed: %s. Fix "
                                         "their TLS setup and check again."), probes_when, hosts));
      /* Only hosts the admin added, none in DNS yet: nothing is covered. */
      if (n_in_dns == 0)
        add_item (readiness, "mx-coverage", coverage_title, MTS_READINESS_NOT_MET,
                  g_strdup_printf (_("The check of %s found no mail server (MX record)."), when));
      else
        add_item (readiness, "mx-coverage", coverage_title,
                  uncovered->len == 1 ? MTS_READINESS_MET : MTS_READINESS_NOT_MET,
                  uncovered->len == 1
                    ? g_strdup_printf (_("The published policy lists all %u mail servers (check "
                                         "of %s)."), n_in_dns, when)
                    : g_strdup_printf (_("The published policy does not cover %s: under enforce, "
                                         "mail to them would be refused. Add mx lines for them."),
                                       hosts2));
    }

  policy = member_object (root, "policy");
  cert = member_object (policy, "cert");
  if (cert == NULL)
    {
      add_item (readiness, "policy-certificate", cert_title, MTS_READINESS_NOT_MET,
                g_strdup_printf (_("The check of %s got no certificate from the policy host. "
                                   "Make sure https://mta-sts.%s/ answers with a valid "
                                   "certificate."), when, mts_project_get_domain (project)));
      return;
    }
  {
    const char *not_after = member_string (cert, "not_after");
    g_autoptr(GDateTime) expires = not_after != NULL ? g_date_time_new_from_iso8601 (not_after, NULL)
                                                     : NULL;
    JsonNode *trusted = json_object_get_member (cert, "trusted");
    JsonNode *matches = json_object_get_member (cert, "name_matches");
    JsonNode *left = json_object_get_member (cert, "days_left");
    gint64 days = -1;
    gboolean valid;

    if (expires != NULL)
      days = g_date_time_difference (expires, now) / DAY;
    else if (left != NULL && JSON_NODE_HOLDS_VALUE (left) && json_node_get_value_type (left) == G_TYPE_INT64)
      days = json_node_get_int (left);
    valid = trusted != NULL && JSON_NODE_HOLDS_VALUE (trusted) && json_node_get_boolean (trusted) &&
            matches != NULL && JSON_NODE_HOLDS_VALUE (matches) && json_node_get_boolean (matches);
    if (!valid)
      add_item (readiness, "policy-certificate", cert_title, MTS_READINESS_NOT_MET,
                g_strdup_printf (_("The policy host’s certificate is not trusted or not made out "
                                   "for mta-sts.%s. Install a certificate from a public "
                                   "authority for that name."), mts_project_get_domain (project)));
    else if (days < 0 && expires == NULL)
      add_item (readiness, "policy-certificate", cert_title, MTS_READINESS_UNKNOWN,
                g_strdup (_("The last check did not say when the policy host’s certificate "
                            "expires.")));
    else
      add_item (readiness, "policy-certificate", cert_title,
                days >= t->cert_min_days ? MTS_READINESS_MET : MTS_READINESS_NOT_MET,
                days >= t->cert_min_days
                  ? g_strdup_printf (_("Valid for %lld more days."), (long long) days)
                  : g_strdup_printf (_("Valid for only %lld more days (at least "
                                       "%u are needed). Renew it, and make renewal automatic."),
                                     (long long) days, t->cert_min_days));
  }
}

/**
 * mts_readiness_evaluate:
 * @thresholds: (nullable): %NULL for the defaults
 * @now: (nullable): %NULL for now
 *
 * Returns: (transfer full): the checklist, in a fixed order, and the
 *   verdict: ready only when every item is met
 */
MtsReadiness *
mts_readiness_evaluate (MtsProject                   *project,
                        const MtsReadinessThresholds *thresholds,
                        GDateTime                    *now)
{
  MtsReadinessThresholds defaults;
  g_autoptr(GDateTime) clock = NULL;
  MtsReadiness *readiness;
  ReportFacts facts = { 0 };

  g_return_val_if_fail (MTS_IS_PROJECT (project), NULL);

  if (thresholds == NULL)
    {
      mts_readiness_thresholds_init (&defaults);
      thresholds = &defaults;
    }
  clock = now != NULL ? g_date_time_to_utc (now) : g_date_time_new_now_utc ();

  readiness = g_new0 (MtsReadiness, 1);
  readiness->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);

  facts.reporters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  facts.days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  facts.recent_tls_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  facts.since = live_since (project);
  gather_reports (&facts, project, thresholds, clock);

  check_testing_live (readiness, project, thresholds, clock);
  check_reports (readiness, &facts, thresholds);
  check_failures (readiness, &facts, thresholds);
  check_audit (readiness, project, thresholds, clock);

  g_hash_table_unref (facts.reporters);
  g_hash_table_unref (facts.days);
  g_hash_table_unref (facts.recent_tls_types);

  readiness->ready = TRUE;
  for (guint i = 0; i < readiness->items->len; i++)
    if (((MtsReadinessItem *) g_ptr_array_index (readiness->items, i))->status != MTS_READINESS_MET)
      readiness->ready = FALSE;
  return readiness;
}

/**
 * mts_readiness_to_json:
 *
 * Adds {"ready": bool, "items": [{"id", "title", "status" ("met",
 * "not-met", "unknown"), "evidence"}]}.
 */
void
mts_readiness_to_json (const MtsReadiness *readiness,
                       JsonBuilder        *builder)
{
  g_return_if_fail (readiness != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ready");
  json_builder_add_boolean_value (builder, readiness->ready);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < readiness->items->len; i++)
    {
      const MtsReadinessItem *item = g_ptr_array_index (readiness->items, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, item->id);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, item->title);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, mts_readiness_status_to_string (item->status));
      json_builder_set_member_name (builder, "evidence");
      json_builder_add_string_value (builder, item->evidence);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
step_free (MtsPromotionStep *step)
{
  g_free (step->title);
  g_free (step->detail);
  g_free (step);
}

static void
add_step (MtsPromotion *promotion,
          const char   *id,
          char         *title,
          char         *detail)
{
  MtsPromotionStep *step = g_new0 (MtsPromotionStep, 1);

  step->id = id;
  step->title = title;
  step->detail = detail;
  g_ptr_array_add (promotion->steps, step);
}

void
mts_promotion_free (MtsPromotion *promotion)
{
  if (promotion == NULL)
    return;
  g_free (promotion->domain);
  g_clear_pointer (&promotion->policy, mts_policy_free);
  g_free (promotion->policy_text);
  g_free (promotion->previous_id);
  g_free (promotion->id);
  g_free (promotion->record);
  g_clear_pointer (&promotion->wait_until, g_date_time_unref);
  g_free (promotion->check_problem);
  g_clear_pointer (&promotion->started, g_date_time_unref);
  g_free (promotion->advice);
  g_clear_pointer (&promotion->steps, g_ptr_array_unref);
  g_free (promotion);
}

static const char *const kind_names[] = { "enforce", "testing", "remove" };

/* The wait step's detail: the end once a check has set it. */
static char *
wait_detail (const MtsPromotion *promotion)
{
  g_autofree char *until = NULL;

  if (promotion->wait_until == NULL)
    return g_strdup (_("The wait starts when a check first sees mode none served: senders may "
                       "keep every policy they fetched before for its max_age (RFC 8461 §8.3)."));
  until = g_date_time_format (promotion->wait_until, "%Y-%m-%d %H:%M UTC");
  return g_strdup_printf (_("Senders may keep the policies they fetched before mode none was "
                            "served for their max_age: wait until %s (RFC 8461 §8.3)."), until);
}

/* When the last policy that senders may have cached before @seen (when
 * mode none was first seen served) expires: each earlier policy was served
 * until the next one replaced it (the next id is added when a check sees
 * the new file served), and is kept for its own max_age after that.  A
 * year-long enforce policy followed by a week of testing still holds the
 * removal for the year.  Ids from files that did not keep their max_age
 * count with the one the project had before the removal. */
static GDateTime *
removal_wait_until (const MtsPromotion *promotion,
                    MtsProject         *project,
                    GDateTime          *seen)
{
  GPtrArray *ids = mts_project_get_ids (project);
  GDateTime *until = g_date_time_add_seconds (seen, promotion->old_max_age);

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      const MtsProjectId *entry = g_ptr_array_index (ids, i);
      GDateTime *end = seen;
      g_autoptr(GDateTime) expires = NULL;

      if (g_strcmp0 (entry->id, promotion->id) == 0)
        continue;
      for (guint j = i + 1; j < ids->len; j++)
        {
          const MtsProjectId *next = g_ptr_array_index (ids, j);

          if (g_strcmp0 (next->id, promotion->id) != 0)
            {
              end = next->generated;
              break;
            }
        }
      if (g_date_time_compare (end, seen) > 0)
        end = seen;
      expires = g_date_time_add_seconds (end, entry->max_age != 0 ? entry->max_age
                                                                  : promotion->old_max_age);
      if (g_date_time_compare (expires, until) > 0)
        {
          g_date_time_unref (until);
          until = g_steal_pointer (&expires);
        }
    }
  return until;
}

/* A new switch, or with @from the one saved in the project, as it was. */
static MtsPromotion *
build (MtsProject              *project,
       MtsPromotionKind         kind,
       GDateTime               *now,
       const MtsProjectSwitch  *from,
       GError                 **error)
{
  const char *const *patterns;
  const char *domain;
  g_autoptr(GDateTime) clock = NULL;
  MtsPromotion *promotion;
  g_autofree char *url = NULL;
  g_autofree char *mode_text = NULL;

  g_return_val_if_fail (MTS_IS_PROJECT (project), NULL);
  g_return_val_if_fail (kind <= MTS_PROMOTION_REMOVE, NULL);

  patterns = mts_project_get_mx_patterns (project);
  domain = mts_project_get_domain (project);
  if (kind != MTS_PROMOTION_REMOVE && (patterns == NULL || patterns[0] == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The project of %s has no mail servers (mx lines) for the policy: add them "
                     "first."), domain);
      return NULL;
    }
  if (from != NULL)
    clock = g_date_time_to_utc (from->started);
  else
    clock = now != NULL ? g_date_time_to_utc (now) : g_date_time_new_now_utc ();

  promotion = g_new0 (MtsPromotion, 1);
  promotion->kind = kind;
  promotion->started = g_date_time_ref (clock);
  promotion->domain = g_strdup (domain);
  promotion->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  promotion->old_max_age = from != NULL ? from->old_max_age : mts_project_get_max_age (project);
  promotion->policy = mts_policy_new ();
  switch (kind)
    {
    case MTS_PROMOTION_ENFORCE:
      mts_policy_set_mode (promotion->policy, MTS_POLICY_MODE_ENFORCE);
      mts_policy_set_max_age (promotion->policy, ENFORCE_FIRST_MAX_AGE);
      promotion->advice = g_strdup (_("The first enforce policy has a max_age of one week, so a "
                                      "mistake is not cached for long. When the reports stay "
                                      "clean for a few weeks, raise it, for example to 2592000 "
                                      "(30 days) and later to 31557600 (one year): the policy "
                                      "only protects mail while senders have it cached."));
      break;
    case MTS_PROMOTION_TESTING:
      mts_policy_set_mode (promotion->policy, MTS_POLICY_MODE_TESTING);
      mts_policy_set_max_age (promotion->policy, TESTING_MAX_AGE);
      promotion->advice = g_strdup (_("Senders that cached the enforce policy keep using it "
                                      "until they see the new id; keep the mail servers working "
                                      "meanwhile."));
      break;
    case MTS_PROMOTION_REMOVE:
    default:
      mts_policy_set_mode (promotion->policy, MTS_POLICY_MODE_NONE);
      mts_policy_set_max_age (promotion->policy, REMOVAL_MAX_AGE);
      promotion->advice = g_strdup (_("Do not remove the records and the policy host at once: "
                                      "senders that cached the old policy would keep enforcing "
                                      "it. Publish mode none first and wait until every cached "
                                      "policy has expired."));
      break;
    }
  if (from != NULL)
    {
      mts_policy_set_max_age (promotion->policy, from->max_age);
      if (from->wait_until != NULL)
        promotion->wait_until = g_date_time_to_utc (from->wait_until);
    }
  for (guint i = 0; patterns != NULL && patterns[i] != NULL; i++)
    mts_policy_add_mx (promotion->policy, patterns[i]);
  promotion->policy_text = mts_policy_serialize (promotion->policy);
  if (from != NULL)
    {
      promotion->previous_id = g_strdup (from->previous_id);
      promotion->id = g_strdup (from->new_id);
    }
  else
    {
      promotion->previous_id = g_strdup (mts_project_get_current_id (project));
      promotion->id = mts_sts_id_generate_at (clock, promotion->previous_id);
    }
  promotion->record = mts_sts_record_generate (promotion->id);

  url = g_strdup_printf ("https://mta-sts.%s/.well-known/mta-sts.txt", domain);
  mode_text = g_strdup (mts_policy_mode_to_string (promotion->policy->mode));
  add_step (promotion, "publish-policy",
            g_strdup (_("Publish the new policy file")),
            g_strdup_printf (_("Replace the file at %s with the new one (mode %s, max_age %u). "
                               "Leave the _mta-sts record as it is for now."),
                             url, mode_text, promotion->policy->max_age));
  add_step (promotion, "verify-policy",
            g_strdup (_("Check that the new policy file is served")),
            g_strdup_printf (_("Run a check: it must show mode %s at %s. Senders only fetch the "
                               "file again after the id changes, so it must be right first "
                               "(RFC 8461 §8.1)."), mode_text, url));
  add_step (promotion, "publish-record",
            g_strdup (_("Publish the new policy id")),
            g_strdup_printf (_("Change the TXT record _mta-sts.%s to “%s”."), domain,
                             promotion->record));
  add_step (promotion, "verify-record",
            g_strdup (_("Check the new id")),
            g_strdup_printf (_("Run a check again: it must show the id %s."), promotion->id));
  if (kind == MTS_PROMOTION_REMOVE)
    {
      add_step (promotion, "wait",
                g_strdup (_("Wait until the old policy has expired everywhere")),
                wait_detail (promotion));
      add_step (promotion, "remove",
                g_strdup (_("Remove MTA-STS")),
                g_strdup_printf (_("Delete the TXT record _mta-sts.%s, then the policy host "
                                   "mta-sts.%s."), domain, domain));
    }
  return promotion;
}

/**
 * mts_promotion_new:
 * @now: (nullable): %NULL for now
 *
 * Prepares a switch of mode: the new policy and id, and the steps in the
 * order RFC 8461 §8.1 asks for (the policy file first, the _mta-sts id
 * after it, each verified); for removal, §8.3 (mode none with a short
 * max_age, a new id, a wait until every cached policy expired, then
 * removal).  Nothing changes in @project until mts_promotion_apply().
 *
 * Returns: (transfer full): the promotion, or %NULL when the project has
 *   no mx lines to put in the policy
 */
MtsPromotion *
mts_promotion_new (MtsProject        *project,
                   MtsPromotionKind   kind,
                   GDateTime         *now,
                   GError           **error)
{
  return build (project, kind, now, NULL, error);
}

/**
 * mts_promotion_kind_to_string:
 *
 * Returns: "enforce", "testing" or "remove", as kept in the project file
 */
const char *
mts_promotion_kind_to_string (MtsPromotionKind kind)
{
  g_return_val_if_fail (kind <= MTS_PROMOTION_REMOVE, NULL);
  return kind_names[kind];
}

gboolean
mts_promotion_kind_from_string (const char       *string,
                                MtsPromotionKind *kind)
{
  for (guint i = 0; string != NULL && i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (string, kind_names[i]))
      {
        *kind = (MtsPromotionKind) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * mts_promotion_new_from_switch:
 * @now: (nullable): %NULL for now; the clock for the wait step
 *
 * Takes up the switch saved in @project (mts_project_get_pending_switch()):
 * the same new policy, id and steps, with the steps marked done as they
 * were saved.  The wait of a removal is done only when @now is past its
 * end, whatever the file says.
 *
 * Returns: (transfer full) (nullable): the promotion, or %NULL when the
 *   project has no switch under way or it cannot be taken up
 */
MtsPromotion *
mts_promotion_new_from_switch (MtsProject  *project,
                               GDateTime   *now,
                               GError     **error)
{
  const MtsProjectSwitch *pending;
  MtsPromotionKind kind;
  g_autoptr(GDateTime) clock = NULL;
  MtsPromotion *promotion;

  g_return_val_if_fail (MTS_IS_PROJECT (project), NULL);

  pending = mts_project_get_pending_switch (project);
  if (pending == NULL || !mts_promotion_kind_from_string (pending->kind, &kind))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("No switch is under way for %s."), mts_project_get_domain (project));
      return NULL;
    }
  if ((promotion = build (project, kind, NULL, pending, error)) == NULL)
    return NULL;
  mts_policy_set_mode (promotion->policy, pending->mode);
  clock = now != NULL ? g_date_time_to_utc (now) : g_date_time_new_now_utc ();
  for (guint i = 0; i < promotion->steps->len; i++)
    {
      MtsPromotionStep *step = g_ptr_array_index (promotion->steps, i);

      step->done = g_strv_contains ((const char *const *) pending->done_steps, step->id);
      if (g_str_equal (step->id, "wait"))
        step->done = promotion->wait_until != NULL &&
                     g_date_time_compare (clock, promotion->wait_until) >= 0;
    }
  return promotion;
}

/**
 * mts_promotion_to_switch:
 * @applied: whether the project uses the new policy already
 *
 * Returns: (transfer full): @promotion as the project keeps it
 */
MtsProjectSwitch *
mts_promotion_to_switch (const MtsPromotion *promotion,
                         gboolean            applied)
{
  MtsProjectSwitch *pending;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (promotion != NULL, NULL);

  pending = g_new0 (MtsProjectSwitch, 1);
  pending->kind = g_strdup (kind_names[promotion->kind]);
  pending->started = promotion->started != NULL ? g_date_time_ref (promotion->started)
                                                : g_date_time_new_now_utc ();
  pending->previous_id = g_strdup (promotion->previous_id);
  pending->new_id = g_strdup (promotion->id);
  pending->mode = promotion->policy->mode;
  pending->max_age = promotion->policy->max_age;
  pending->old_max_age = promotion->old_max_age;
  pending->wait_until = promotion->wait_until != NULL ? g_date_time_ref (promotion->wait_until) : NULL;
  pending->applied = applied;
  for (guint i = 0; i < promotion->steps->len; i++)
    {
      const MtsPromotionStep *step = g_ptr_array_index (promotion->steps, i);

      if (step->done)
        g_strv_builder_add (builder, step->id);
    }
  pending->done_steps = g_strv_builder_end (builder);
  return pending;
}

/**
 * mts_promotion_apply:
 * @now: (nullable): %NULL for now
 *
 * Records the switch in @project: the new id, mode, max_age and state,
 * and a timeline entry.  The published dates of the policy and the
 * _mta-sts record are cleared: the next check sees the new ones published.
 */
void
mts_promotion_apply (MtsPromotion *promotion,
                     MtsProject   *project,
                     GDateTime    *now)
{
  g_autoptr(GDateTime) clock = NULL;
  MtsProjectState state;

  g_return_if_fail (promotion != NULL);
  g_return_if_fail (MTS_IS_PROJECT (project));

  clock = now != NULL ? g_date_time_to_utc (now) : g_date_time_new_now_utc ();
  switch (promotion->kind)
    {
    case MTS_PROMOTION_ENFORCE:
      state = MTS_PROJECT_STATE_ENFORCE;
      break;
    case MTS_PROMOTION_TESTING:
      state = MTS_PROJECT_STATE_TESTING;
      break;
    case MTS_PROMOTION_REMOVE:
    default:
      state = MTS_PROJECT_STATE_REMOVING;
      break;
    }
  g_object_freeze_notify (G_OBJECT (project));
  /* The max_age first: the id keeps it, for a later removal's wait. */
  mts_project_set_mode (project, promotion->policy->mode);
  mts_project_set_max_age (project, promotion->policy->max_age);
  mts_project_add_id (project, promotion->id, clock);
  mts_project_set_state (project, state, clock);
  mts_project_set_published (project, MTS_PUBLISHED_POLICY, NULL);
  mts_project_set_published (project, MTS_PUBLISHED_STS_RECORD, NULL);
  /* The timeline words it in the reader's language. */
  mts_project_add_switch_event (project, clock, kind_names[promotion->kind], promotion->id,
                                promotion->policy->max_age,
                                promotion->kind == MTS_PROMOTION_REMOVE ? promotion->wait_until : NULL);
  g_object_thaw_notify (G_OBJECT (project));
}

/* The served policy's mx lines as a set: lower case, sorted. */
static GPtrArray *
mx_set (JsonArray *served)
{
  GPtrArray *set = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; served != NULL && i < json_array_get_length (served); i++)
    {
      JsonNode *node = json_array_get_element (served, i);
      char *value;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      value = g_ascii_strdown (json_node_get_string (node), -1);
      if (g_ptr_array_find_with_equal_func (set, value, g_str_equal, NULL))
        g_free (value);
      else
        g_ptr_array_add (set, value);
    }
  return set;
}

/* Those of @a that are not in @b, joined with ", "; NULL when none. */
static char *
missing_from (GPtrArray *a,
              GPtrArray *b)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();

  for (guint i = 0; i < a->len; i++)
    if (!g_ptr_array_find_with_equal_func (b, g_ptr_array_index (a, i), g_str_equal, NULL))
      g_ptr_array_add (missing, g_ptr_array_index (a, i));
  if (missing->len == 0)
    return NULL;
  g_ptr_array_add (missing, NULL);
  return g_strjoinv (", ", (char **) missing->pdata);
}

/* Whether the served policy is the new one; what differs goes to @problems. */
static gboolean
policy_served (const MtsPromotion *promotion,
               JsonObject         *root,
               JsonObject         *policy,
               GPtrArray          *problems)
{
  const MtsPolicy *wanted = promotion->policy;
  const char *wanted_mode = mts_policy_mode_to_string (wanted->mode);
  const char *mode = member_string (policy, "mode");
  JsonNode *max_age = policy != NULL ? json_object_get_member (policy, "max_age") : NULL;
  guint before = problems->len;

  if (policy == NULL)
    {
      g_ptr_array_add (problems, g_strdup (_("the check got no policy file")));
      return FALSE;
    }
  if (mode == NULL || !g_str_equal (mode, wanted_mode))
    /* Translators: what differs in the served policy file: "mode testing, not enforce". */
    g_ptr_array_add (problems, g_strdup_printf (_("mode %s, not %s"), mode != NULL ? mode : "?", wanted_mode));
  if (max_age == NULL || !JSON_NODE_HOLDS_VALUE (max_age) ||
      json_node_get_int (max_age) != wanted->max_age)
    {
      g_autofree char *seen = max_age != NULL && JSON_NODE_HOLDS_VALUE (max_age)
                              ? g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (max_age))
                              : g_strdup ("?");

      /* Translators: what differs in the served policy file: "max_age 86400, not 604800". */
      g_ptr_array_add (problems, g_strdup_printf (_("max_age %s, not %u"), seen, wanted->max_age));
    }
  /* Mode none may leave out the mx lines: senders treat it as no policy. */
  if (wanted->mode != MTS_POLICY_MODE_NONE)
    {
      g_autoptr(GPtrArray) served = mx_set (member_array (policy, "mx"));
      g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *missing = NULL;
      g_autofree char *extra = NULL;

      for (guint i = 0; wanted->mx != NULL && i < wanted->mx->len; i++)
        g_ptr_array_add (want, g_ascii_strdown (g_ptr_array_index (wanted->mx, i), -1));
      if ((missing = missing_from (want, served)) != NULL)
        /* Translators: what differs in the served policy file. */
        g_ptr_array_add (problems, g_strdup_printf (_("mx lines missing: %s"), missing));
      if ((extra = missing_from (served, want)) != NULL)
        /* Translators: what differs in the served policy file. */
        g_ptr_array_add (problems, g_strdup_printf (_("mx lines that the new policy does not have: %s"),
                                                    extra));
    }
  /* Under enforce, a mail server the policy does not cover gets no mail. */
  if (wanted->mode == MTS_POLICY_MODE_ENFORCE)
    {
      JsonArray *mx = member_array (root, "mx");
      g_autoptr(GPtrArray) uncovered = g_ptr_array_new ();

      for (guint i = 0; mx != NULL && i < json_array_get_length (mx); i++)
        {
          JsonNode *node = json_array_get_element (mx, i);
          JsonObject *host;
          JsonNode *covered, *in_dns;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          host = json_node_get_object (node);
          in_dns = json_object_get_member (host, "in_dns");
          if (in_dns != NULL && JSON_NODE_HOLDS_VALUE (in_dns) && !json_node_get_boolean (in_dns))
            continue;
          covered = json_object_get_member (host, "covered");
          if (covered == NULL || !JSON_NODE_HOLDS_VALUE (covered) || !json_node_get_boolean (covered))
            g_ptr_array_add (uncovered, (gpointer) (member_string (host, "host") ?: "?"));
        }
      if (mx == NULL || json_array_get_length (mx) == 0)
        g_ptr_array_add (problems, g_strdup (_("the check found no mail server to cover")));
      else if (uncovered->len > 0)
        {
          g_autofree char *hosts = NULL;

          g_ptr_array_add (uncovered, NULL);
          hosts = g_strjoinv (", ", (char **) uncovered->pdata);
          /* Translators: what differs in the served policy file. */
          g_ptr_array_add (problems, g_strdup_printf (_("mail servers it does not cover: %s"), hosts));
        }
    }
  return problems->len == before;
}

/**
 * mts_promotion_check:
 * @now: (nullable): %NULL for now
 *
 * Marks the steps that the project's last check and the clock show done:
 * the policy host serves the new policy (mode, max_age and mx lines; for
 * enforce, covering every mail server in DNS), the _mta-sts record has the
 * new id, the wait is over, the record and the policy are gone.  A step
 * once done stays done: a later check that fails a lookup, or that no
 * longer finds the record because the last step removed it, does not undo
 * it.  A removal's wait is set by the first check that sees mode none
 * served.  What the check saw differ is in @promotion->check_problem.
 */
void
mts_promotion_check (MtsPromotion *promotion,
                     MtsProject   *project,
                     GDateTime    *now)
{
  JsonNode *audit;
  JsonObject *root = NULL, *policy, *record;
  g_autoptr(GDateTime) clock = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  const char *id;
  JsonNode *records;
  gboolean policy_done = FALSE, record_done, gone;

  g_return_if_fail (promotion != NULL);
  g_return_if_fail (MTS_IS_PROJECT (project));

  clock = now != NULL ? g_date_time_to_utc (now) : g_date_time_new_now_utc ();
  audit = mts_project_get_last_audit (project);
  if (audit != NULL && JSON_NODE_HOLDS_OBJECT (audit))
    root = json_node_get_object (audit);
  policy = member_object (root, "policy");
  record = member_object (root, "sts_record");
  id = member_string (record, "id");
  records = record != NULL ? json_object_get_member (record, "records") : NULL;

  if (root != NULL)
    policy_done = policy_served (promotion, root, policy, problems);
  record_done = id != NULL && g_str_equal (id, promotion->id);
  /* Removed: no _mta-sts record, and no policy file served. */
  gone = root != NULL && record != NULL && records != NULL && JSON_NODE_HOLDS_ARRAY (records) &&
         json_array_get_length (json_node_get_array (records)) == 0 &&
         (policy == NULL || member_string (policy, "mode") == NULL);

  g_clear_pointer (&promotion->check_problem, g_free);
  if (root != NULL && !policy_done && problems->len > 0)
    {
      g_ptr_array_add (problems, NULL);
      /* Translators: the list of what differs, joined. */
      promotion->check_problem = g_strjoinv (_("; "), (char **) problems->pdata);
    }

  if (promotion->kind == MTS_PROMOTION_REMOVE && policy_done && promotion->wait_until == NULL)
    {
      GDateTime *seen = mts_project_get_last_audit_time (project);
      g_autoptr(GDateTime) when = seen != NULL ? g_date_time_to_utc (seen) : g_date_time_ref (clock);

      promotion->wait_until = removal_wait_until (promotion, project, when);
    }

  for (guint i = 0; i < promotion->steps->len; i++)
    {
      MtsPromotionStep *step = g_ptr_array_index (promotion->steps, i);

      if (g_str_equal (step->id, "publish-policy") || g_str_equal (step->id, "verify-policy"))
        step->done = step->done || policy_done;
      else if (g_str_equal (step->id, "publish-record") || g_str_equal (step->id, "verify-record"))
        step->done = step->done || record_done;
      else if (g_str_equal (step->id, "wait"))
        {
          step->done = promotion->wait_until != NULL &&
                       g_date_time_compare (clock, promotion->wait_until) >= 0;
          g_free (step->detail);
          step->detail = wait_detail (promotion);
        }
      else if (g_str_equal (step->id, "remove"))
        step->done = step->done || (gone && promotion->wait_until != NULL &&
                                    g_date_time_compare (clock, promotion->wait_until) >= 0);
    }
}

/**
 * mts_promotion_is_done:
 *
 * Returns: whether every step is done
 */
gboolean
mts_promotion_is_done (const MtsPromotion *promotion)
{
  g_return_val_if_fail (promotion != NULL, FALSE);

  for (guint i = 0; i < promotion->steps->len; i++)
    if (!((const MtsPromotionStep *) g_ptr_array_index (promotion->steps, i))->done)
      return FALSE;
  return TRUE;
}

/**
 * mts_promotion_finish:
 * @now: (nullable): %NULL for now
 *
 * Ends a switch whose steps are all done: the project has no switch under
 * way any more, and a finished removal leaves the domain removed, its
 * final state.
 */
void
mts_promotion_finish (MtsPromotion *promotion,
                      MtsProject   *project,
                      GDateTime    *now)
{
  g_autoptr(GDateTime) clock = NULL;

  g_return_if_fail (promotion != NULL);
  g_return_if_fail (MTS_IS_PROJECT (project));
  g_return_if_fail (mts_promotion_is_done (promotion));

  clock = now != NULL ? g_date_time_to_utc (now) : g_date_time_new_now_utc ();
  g_object_freeze_notify (G_OBJECT (project));
  if (promotion->kind == MTS_PROMOTION_REMOVE)
    mts_project_set_state (project, MTS_PROJECT_STATE_REMOVED, clock);
  mts_project_set_pending_switch (project, NULL);
  g_object_thaw_notify (G_OBJECT (project));
}
