/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-readiness.c: the enforce readiness checklist, each item met and not met, and the switches of mode. */
#include "config.h"

#include <string.h>

#include "core/mts-readiness.h"
#include "core/mts-report.h"
#include "core/mts-txt-record.h"

/* A fixed "now", so that days and ids do not depend on the clock. */
static GDateTime *
test_now (void)
{
  return g_date_time_new_utc (2026, 11, 28, 12, 0, 0);
}

static GDateTime *
days_ago (int days)
{
  g_autoptr(GDateTime) now = test_now ();

  return g_date_time_add_days (now, -days);
}

/* One day's report from @org with @ok sessions and failures of @type. */
static void
add_report (MtsProject *project,
            const char *org,
            int         days_back,
            gint64      ok,
            const char *type,
            gint64      failed)
{
  g_autoptr(GDateTime) start = days_ago (days_back);
  g_autoptr(GDateTime) day = g_date_time_new_utc (g_date_time_get_year (start),
                                                  g_date_time_get_month (start),
                                                  g_date_time_get_day_of_month (start), 0, 0, 0);
  g_autofree char *start_text = g_date_time_format (day, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *end_text = g_date_time_format (day, "%Y-%m-%dT23:59:59Z");
  g_autofree char *id = g_strdup_printf ("%s-%d-%s", org, days_back, type != NULL ? type : "ok");
  g_autofree char *details = type != NULL
    ? g_strdup_printf (", \"failure-details\": [{\"result-type\": \"%s\", \"receiving-mx-hostname\": "
                       "\"mx1.example.com\", \"failed-session-count\": %" G_GINT64_FORMAT "}]",
                       type, failed)
    : g_strdup ("");
  g_autofree char *json = g_strdup_printf (
    "{\"organization-name\": \"%s\", \"report-id\": \"%s\", \"date-range\": {\"start-datetime\": "
    "\"%s\", \"end-datetime\": \"%s\"}, \"contact-info\": null, \"policies\": [{\"policy\": "
    "{\"policy-type\": \"sts\", \"policy-domain\": \"example.com\", \"mx-host\": "
    "[\"mx1.example.com\"]}, \"summary\": {\"total-successful-session-count\": %" G_GINT64_FORMAT
    ", \"total-failure-session-count\": %" G_GINT64_FORMAT "}%s}]}",
    org, id, start_text, end_text, ok, failed, details);
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsReport) report = mts_report_parse (json, strlen (json), &error);
  g_autoptr(JsonObject) facts = NULL;

  g_assert_no_error (error);
  facts = mts_report_to_facts (report);
  g_assert_true (mts_project_add_report_facts (project, org, id, facts));
}

typedef struct
{
  const char *probe_status;
  const char *probe_problem;   /* severity of a problem, or NULL */
  gboolean covered;
  int cert_days;
  gboolean trusted;
  gboolean no_mx;
  gboolean no_policy_cert;
} AuditShape;

static void
set_audit (MtsProject       *project,
           const AuditShape *shape)
{
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(GDateTime) expires = g_date_time_add_days (now, shape->cert_days);
  g_autofree char *not_after = g_date_time_format_iso8601 (expires);
  g_autofree char *problems = shape->probe_problem != NULL
    ? g_strdup_printf ("[{\"severity\": \"%s\", \"code\": \"mx-cert-x\", \"message\": \"m\"}]",
                       shape->probe_problem)
    : g_strdup ("[]");
  g_autofree char *mx = shape->no_mx
    ? g_strdup ("[]")
    : g_strdup_printf ("[{\"host\": \"mx1.example.com\", \"preference\": 10, \"covered\": true, "
                       "\"probes\": [{\"host\": \"mx1.example.com\", \"address\": \"192.0.2.1\", "
                       "\"status\": \"ok\", \"problems\": []}], \"problems\": []}, "
                       "{\"host\": \"mx2.example.com\", \"preference\": 20, \"covered\": %s, "
                       "\"probes\": [{\"host\": \"mx2.example.com\", \"address\": \"192.0.2.2\", "
                       "\"status\": \"%s\", \"problems\": %s}], \"problems\": []}]",
                       shape->covered ? "true" : "false", shape->probe_status, problems);
  g_autofree char *cert = shape->no_policy_cert
    ? g_strdup ("null")
    : g_strdup_printf ("{\"subject\": \"CN=mta-sts.example.com\", \"not_after\": \"%s\", "
                       "\"days_left\": %d, \"trusted\": %s, \"name_matches\": true}",
                       not_after, shape->cert_days, shape->trusted ? "true" : "false");
  g_autofree char *json = g_strdup_printf (
    "{\"domain\": \"example.com\", \"verdict\": \"ok\", \"mx\": %s, \"sts_record\": {\"name\": "
    "\"_mta-sts.example.com\", \"records\": [\"v=STSv1; id=20261101T000000\"], \"valid\": true, "
    "\"id\": \"20261101T000000\", \"problems\": []}, \"policy\": {\"mode\": \"testing\", "
    "\"max_age\": 604800, \"mx\": [\"mx1.example.com\", \"mx2.example.com\"], \"cert\": %s, "
    "\"problems\": []}, \"problems\": []}", mx, cert);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  mts_project_set_last_audit (project, node, now);
}

static const AuditShape good_audit = { "ok", NULL, TRUE, 90, TRUE, FALSE, FALSE };

/* A domain that is ready: testing for 20 days, two reporters for 8 days,
 * clean, and a good audit. */
static MtsProject *
ready_project (void)
{
  MtsProject *project = mts_project_new ("example.com");
  g_autoptr(GDateTime) published = days_ago (20);
  const char *const patterns[] = { "mx1.example.com", "mx2.example.com", NULL };

  mts_project_set_mode (project, MTS_POLICY_MODE_TESTING);
  mts_project_set_max_age (project, 604800);
  mts_project_set_state (project, MTS_PROJECT_STATE_TESTING, published);
  mts_project_set_mx_patterns (project, patterns);
  mts_project_add_id (project, "20261101T000000", published);
  mts_project_set_published (project, MTS_PUBLISHED_POLICY, published);
  mts_project_set_published (project, MTS_PUBLISHED_STS_RECORD, published);
  for (int day = 1; day <= 8; day++)
    {
      add_report (project, "Google Inc.", day, 5000, NULL, 0);
      add_report (project, "Microsoft Corporation", day, 3000, NULL, 0);
    }
  set_audit (project, &good_audit);
  return project;
}

static const MtsReadinessItem *
item (MtsReadiness *readiness,
      const char   *id)
{
  for (guint i = 0; i < readiness->items->len; i++)
    {
      const MtsReadinessItem *it = g_ptr_array_index (readiness->items, i);

      if (g_str_equal (it->id, id))
        return it;
    }
  g_error ("no item %s", id);
}

static MtsReadiness *
evaluate (MtsProject *project)
{
  g_autoptr(GDateTime) now = test_now ();

  return mts_readiness_evaluate (project, NULL, now);
}

static void
assert_only_failing (MtsReadiness       *readiness,
                     const char         *id,
                     MtsReadinessStatus  status,
                     const char         *evidence_part)
{
  const MtsReadinessItem *it = item (readiness, id);

  g_assert_false (readiness->ready);
  g_assert_cmpint (it->status, ==, status);
  if (evidence_part != NULL && strstr (it->evidence, evidence_part) == NULL)
    g_error ("“%s” does not contain “%s”", it->evidence, evidence_part);
  for (guint i = 0; i < readiness->items->len; i++)
    {
      const MtsReadinessItem *other = g_ptr_array_index (readiness->items, i);

      if (other != it)
        g_assert_cmpint (other->status, ==, MTS_READINESS_MET);
    }
}

static void
test_ready (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(MtsReadiness) readiness = evaluate (project);
  const char *const ids[] = {
    "testing-live", "reports", "no-tls-failures", "mx-probes", "mx-coverage", "policy-certificate",
  };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpuint (readiness->items->len, ==, G_N_ELEMENTS (ids));
  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      const MtsReadinessItem *it = g_ptr_array_index (readiness->items, i);

      g_assert_cmpstr (it->id, ==, ids[i]);
      g_assert_cmpint (it->status, ==, MTS_READINESS_MET);
      g_assert_nonnull (it->title);
      g_assert_nonnull (it->evidence);
    }
  g_assert_true (readiness->ready);
  g_assert_cmpstr (item (readiness, "testing-live")->evidence, ==,
                   "Verified live in testing mode for 20 days (at least 14 are advised).");
  g_assert_nonnull (strstr (item (readiness, "reports")->evidence,
                            "2 reporters (Google Inc., Microsoft Corporation) on 8 different days"));
  g_assert_cmpstr (item (readiness, "policy-certificate")->evidence, ==, "Valid for 90 more days.");

  mts_readiness_to_json (readiness, builder);
  root = json_builder_get_root (builder);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (root), "ready"));
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (
                       json_object_get_array_member (json_node_get_object (root), "items"), 2),
                     "status"), ==, "met");
}

static void
test_testing_live (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(GDateTime) recent = days_ago (5);
  g_autoptr(MtsReadiness) young = NULL;
  g_autoptr(MtsReadiness) unpublished = NULL;
  g_autoptr(MtsReadiness) enforce = NULL;

  mts_project_set_published (project, MTS_PUBLISHED_STS_RECORD, recent);
  young = evaluate (project);
  /* The reports of the days before it went live do not count either. */
  g_assert_false (young->ready);
  g_assert_cmpint (item (young, "testing-live")->status, ==, MTS_READINESS_NOT_MET);
  g_assert_nonnull (strstr (item (young, "testing-live")->evidence, "for 5 days"));
  g_assert_cmpint (item (young, "reports")->status, ==, MTS_READINESS_NOT_MET);
  g_assert_nonnull (strstr (item (young, "reports")->evidence, "on 5 different days"));

  /* Not seen live: no report counts. */
  mts_project_set_published (project, MTS_PUBLISHED_POLICY, NULL);
  unpublished = evaluate (project);
  g_assert_cmpint (item (unpublished, "testing-live")->status, ==, MTS_READINESS_NOT_MET);
  g_assert_nonnull (strstr (item (unpublished, "testing-live")->evidence, "No check has seen"));
  g_assert_cmpint (item (unpublished, "reports")->status, ==, MTS_READINESS_NOT_MET);

  mts_project_set_published (project, MTS_PUBLISHED_POLICY, recent);
  mts_project_set_published (project, MTS_PUBLISHED_STS_RECORD, recent);
  mts_project_set_mode (project, MTS_POLICY_MODE_ENFORCE);
  enforce = evaluate (project);
  g_assert_cmpint (item (enforce, "testing-live")->status, ==, MTS_READINESS_NOT_MET);
  g_assert_nonnull (strstr (item (enforce, "testing-live")->evidence, "mode “enforce”"));
}

static void
test_reports (void)
{
  g_autoptr(MtsProject) few_days = NULL;
  g_autoptr(MtsReadiness) a = NULL, b = NULL;

  {
    g_autoptr(MtsProject) fresh = mts_project_new ("example.com");
    g_autoptr(GDateTime) published = days_ago (20);
    const char *const patterns[] = { "mx1.example.com", "mx2.example.com", NULL };

    mts_project_set_mode (fresh, MTS_POLICY_MODE_TESTING);
    mts_project_set_mx_patterns (fresh, patterns);
    mts_project_set_published (fresh, MTS_PUBLISHED_POLICY, published);
    mts_project_set_published (fresh, MTS_PUBLISHED_STS_RECORD, published);
    for (int day = 1; day <= 8; day++)
      add_report (fresh, "Google Inc.", day, 5000, NULL, 0);
    set_audit (fresh, &good_audit);
    a = evaluate (fresh);
    assert_only_failing (a, "reports", MTS_READINESS_NOT_MET, "1 reporters (Google Inc.) on 8");
  }

  /* Two reporters, but on 6 days only. */
  few_days = mts_project_new ("example.com");
  {
    g_autoptr(GDateTime) published = days_ago (20);

    mts_project_set_mode (few_days, MTS_POLICY_MODE_TESTING);
    mts_project_set_published (few_days, MTS_PUBLISHED_POLICY, published);
    mts_project_set_published (few_days, MTS_PUBLISHED_STS_RECORD, published);
    for (int day = 1; day <= 6; day++)
      {
        add_report (few_days, "Google Inc.", day, 5000, NULL, 0);
        add_report (few_days, "Yahoo", day, 100, NULL, 0);
      }
    set_audit (few_days, &good_audit);
    b = evaluate (few_days);
    assert_only_failing (b, "reports", MTS_READINESS_NOT_MET, "on 6 different days");
  }
}

static void
test_tls_failures (void)
{
  g_autoptr(MtsProject) cert = ready_project ();
  g_autoptr(MtsProject) other = ready_project ();
  g_autoptr(MtsProject) few_other = ready_project ();
  g_autoptr(MtsProject) old = ready_project ();
  g_autoptr(MtsProject) stale = mts_project_new ("example.com");
  g_autoptr(MtsReadiness) a = NULL, b = NULL, c = NULL, d = NULL, e = NULL;

  add_report (cert, "Google Inc.", 2, 100, "certificate-expired", 3);
  a = evaluate (cert);
  assert_only_failing (a, "no-tls-failures", MTS_READINESS_NOT_MET, "(certificate-expired)");

  /* 70 sts-policy-fetch-error of 64,000 sessions: above 0.1 %. */
  add_report (other, "Yahoo", 1, 100, "sts-policy-fetch-error", 70);
  b = evaluate (other);
  assert_only_failing (b, "no-tls-failures", MTS_READINESS_NOT_MET, "70 other failures");

  /* 5 of 64,000: below 0.1 %. */
  add_report (few_other, "Yahoo", 1, 100, "sts-policy-fetch-error", 5);
  c = evaluate (few_other);
  g_assert_true (c->ready);
  g_assert_nonnull (strstr (item (c, "no-tls-failures")->evidence, "5 other failures"));

  /* A failure from 30 days ago does not count. */
  add_report (old, "Google Inc.", 30, 100, "starttls-not-supported", 50);
  d = evaluate (old);
  g_assert_true (d->ready);

  /* No report in the last days: unknown. */
  {
    g_autoptr(GDateTime) published = days_ago (60);

    mts_project_set_mode (stale, MTS_POLICY_MODE_TESTING);
    mts_project_set_published (stale, MTS_PUBLISHED_POLICY, published);
    mts_project_set_published (stale, MTS_PUBLISHED_STS_RECORD, published);
    for (int day = 20; day <= 28; day++)
      {
        add_report (stale, "Google Inc.", day, 5000, NULL, 0);
        add_report (stale, "Yahoo", day, 100, NULL, 0);
      }
    set_audit (stale, &good_audit);
    e = evaluate (stale);
    assert_only_failing (e, "no-tls-failures", MTS_READINESS_UNKNOWN, "last 7 days");
  }
}

static void
test_audit_items (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  AuditShape failing = good_audit, problem = good_audit, uncovered = good_audit;
  AuditShape expiring = good_audit, untrusted = good_audit, no_cert = good_audit, no_mx = good_audit;
  g_autoptr(MtsReadiness) r = NULL;

  failing.probe_status = "no-starttls";
  set_audit (project, &failing);
  r = evaluate (project);
  assert_only_failing (r, "mx-probes", MTS_READINESS_NOT_MET, "mx2.example.com");
  g_clear_pointer (&r, mts_readiness_free);

  problem.probe_problem = "error";
  set_audit (project, &problem);
  r = evaluate (project);
  assert_only_failing (r, "mx-probes", MTS_READINESS_NOT_MET, "mx2.example.com");
  g_clear_pointer (&r, mts_readiness_free);

  /* A warning is not a failure. */
  problem.probe_problem = "warning";
  set_audit (project, &problem);
  r = evaluate (project);
  g_assert_true (r->ready);
  g_clear_pointer (&r, mts_readiness_free);

  uncovered.covered = FALSE;
  set_audit (project, &uncovered);
  r = evaluate (project);
  assert_only_failing (r, "mx-coverage", MTS_READINESS_NOT_MET, "does not cover mx2.example.com");
  g_clear_pointer (&r, mts_readiness_free);

  expiring.cert_days = 10;
  set_audit (project, &expiring);
  r = evaluate (project);
  assert_only_failing (r, "policy-certificate", MTS_READINESS_NOT_MET, "only 10 more days");
  g_clear_pointer (&r, mts_readiness_free);

  untrusted.trusted = FALSE;
  set_audit (project, &untrusted);
  r = evaluate (project);
  assert_only_failing (r, "policy-certificate", MTS_READINESS_NOT_MET, "not trusted");
  g_clear_pointer (&r, mts_readiness_free);

  no_cert.no_policy_cert = TRUE;
  set_audit (project, &no_cert);
  r = evaluate (project);
  assert_only_failing (r, "policy-certificate", MTS_READINESS_NOT_MET, "no certificate");
  g_clear_pointer (&r, mts_readiness_free);

  no_mx.no_mx = TRUE;
  set_audit (project, &no_mx);
  r = evaluate (project);
  g_assert_false (r->ready);
  g_assert_cmpint (item (r, "mx-probes")->status, ==, MTS_READINESS_NOT_MET);
  g_assert_cmpint (item (r, "mx-coverage")->status, ==, MTS_READINESS_NOT_MET);
  g_clear_pointer (&r, mts_readiness_free);

  mts_project_set_last_audit (project, NULL, NULL);
  r = evaluate (project);
  g_assert_false (r->ready);
  g_assert_cmpint (item (r, "mx-probes")->status, ==, MTS_READINESS_UNKNOWN);
  g_assert_cmpint (item (r, "mx-coverage")->status, ==, MTS_READINESS_UNKNOWN);
  g_assert_cmpint (item (r, "policy-certificate")->status, ==, MTS_READINESS_UNKNOWN);
}

/* A check that did not connect to the mail servers (Verify Publication)
 * says nothing about them: "unknown", not "failed".  When the window has
 * carried the last Server Check's probes over, their own time is named. */
static void
test_audit_without_probes (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(MtsReadiness) r = NULL;
  g_autoptr(JsonNode) bare = json_from_string (
    "{\"domain\": \"example.com\", \"verdict\": \"ok\", \"mx\": ["
    "{\"host\": \"mx1.example.com\", \"preference\": 10, \"covered\": true, \"probes\": [], \"problems\": []},"
    "{\"host\": \"mx2.example.com\", \"preference\": 20, \"covered\": true, \"probes\": [], \"problems\": []}],"
    "\"policy\": {\"mode\": \"testing\", \"max_age\": 604800, \"cert\": null, \"problems\": []},"
    "\"problems\": []}", NULL);
  g_autoptr(JsonNode) carried = json_from_string (
    "{\"domain\": \"example.com\", \"verdict\": \"ok\", \"probes_checked_at\": \"2026-11-30T10:00:00Z\", \"mx\": ["
    "{\"host\": \"mx1.example.com\", \"preference\": 10, \"covered\": true, \"problems\": [], \"probes\": "
    "[{\"host\": \"mx1.example.com\", \"address\": \"192.0.2.1\", \"status\": \"ok\", \"problems\": []}]}],"
    "\"policy\": {\"mode\": \"testing\", \"max_age\": 604800, \"cert\": null, \"problems\": []},"
    "\"problems\": []}", NULL);

  g_assert_nonnull (bare);
  g_assert_nonnull (carried);
  mts_project_set_last_audit (project, bare, now);
  r = evaluate (project);
  g_assert_cmpint (item (r, "mx-probes")->status, ==, MTS_READINESS_UNKNOWN);
  g_assert_nonnull (strstr (item (r, "mx-probes")->evidence, "Server Check"));
  g_clear_pointer (&r, mts_readiness_free);

  mts_project_set_last_audit (project, carried, now);
  r = evaluate (project);
  g_assert_cmpint (item (r, "mx-probes")->status, ==, MTS_READINESS_MET);
  g_assert_nonnull (strstr (item (r, "mx-probes")->evidence, "2026-11-30 10:00 UTC"));
}

static void
test_thresholds (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(MtsReadiness) strict = NULL;
  MtsReadinessThresholds thresholds;

  mts_readiness_thresholds_init (&thresholds);
  g_assert_cmpuint (thresholds.testing_days, ==, 14);
  g_assert_cmpuint (thresholds.min_reporters, ==, 2);
  g_assert_cmpuint (thresholds.min_report_days, ==, 7);
  g_assert_cmpuint (thresholds.recent_days, ==, 7);
  g_assert_cmpfloat (thresholds.max_other_failures, ==, 0.001);
  g_assert_cmpuint (thresholds.cert_min_days, ==, 30);
  thresholds.testing_days = 30;
  thresholds.cert_min_days = 120;
  strict = mts_readiness_evaluate (project, &thresholds, now);
  g_assert_false (strict->ready);
  g_assert_cmpint (item (strict, "testing-live")->status, ==, MTS_READINESS_NOT_MET);
  g_assert_cmpint (item (strict, "policy-certificate")->status, ==, MTS_READINESS_NOT_MET);
  g_assert_cmpint (item (strict, "reports")->status, ==, MTS_READINESS_MET);
}

/* The audit's mx hosts, both covered, and the policy's mx lines. */
#define MX_COVERED "{\"host\": \"mx1.example.com\", \"covered\": true}, " \
                   "{\"host\": \"mx2.example.com\", \"covered\": true}"
#define MX_LINES "[\"mx1.example.com\", \"mx2.example.com\"]"

static void
set_audit_text (MtsProject *project,
                const char *json,
                GDateTime  *when)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  mts_project_set_last_audit (project, node, when);
}

static gboolean
step_is_done (const MtsPromotion *promotion,
              const char         *id)
{
  for (guint i = 0; i < promotion->steps->len; i++)
    {
      const MtsPromotionStep *step = g_ptr_array_index (promotion->steps, i);

      if (g_str_equal (step->id, id))
        return step->done;
    }
  g_error ("no step %s", id);
}

static const char *const step_ids[] = { "publish-policy", "verify-policy", "publish-record", "verify-record" };

static void
test_promote_enforce (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsPromotion) promotion = mts_promotion_new (project, MTS_PROMOTION_ENFORCE, now, &error);
  GPtrArray *timeline;
  MtsProjectEvent *event;

  g_assert_no_error (error);
  g_assert_cmpstr (promotion->policy_text, ==,
                   "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\n"
                   "max_age: 604800\r\n");
  g_assert_cmpstr (promotion->previous_id, ==, "20261101T000000");
  g_assert_cmpstr (promotion->id, ==, "20261128T120000");
  g_assert_true (mts_sts_id_is_valid (promotion->id));
  g_assert_cmpstr (promotion->record, ==, "v=STSv1; id=20261128T120000");
  g_assert_nonnull (strstr (promotion->advice, "31557600"));
  g_assert_cmpuint (promotion->steps->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      MtsPromotionStep *step = g_ptr_array_index (promotion->steps, i);

      g_assert_cmpstr (step->id, ==, step_ids[i]);
      g_assert_false (step->done);
    }
  g_assert_nonnull (strstr (((MtsPromotionStep *) promotion->steps->pdata[2])->detail,
                            "“v=STSv1; id=20261128T120000”"));
  /* Nothing changes before it is applied. */
  g_assert_cmpint (mts_project_get_mode (project), ==, MTS_POLICY_MODE_TESTING);

  mts_promotion_apply (promotion, project, now);
  g_assert_cmpstr (mts_project_get_current_id (project), ==, "20261128T120000");
  g_assert_cmpint (mts_project_get_mode (project), ==, MTS_POLICY_MODE_ENFORCE);
  g_assert_cmpuint (mts_project_get_max_age (project), ==, 604800);
  g_assert_cmpint (mts_project_get_state (project), ==, MTS_PROJECT_STATE_ENFORCE);
  g_assert_null (mts_project_get_published (project, MTS_PUBLISHED_POLICY));
  timeline = mts_project_get_timeline (project);
  event = NULL;
  for (guint i = 0; i < timeline->len; i++)
    if (((MtsProjectEvent *) timeline->pdata[i])->kind == MTS_TIMELINE_SWITCH)
      event = timeline->pdata[i];
  g_assert_nonnull (event);
  g_assert_true (g_date_time_equal (event->time, now));
  g_assert_cmpstr (event->text, ==, "Switched to enforce: new policy id 20261128T120000, max_age 604800.");

  /* The steps are done as the checks see them. */
  {
    const char *audit =
      "{\"domain\": \"example.com\", \"mx\": [" MX_COVERED "], \"sts_record\": {\"records\": "
      "[\"v=STSv1; id=20261101T000000\"], \"valid\": true, \"id\": \"20261101T000000\"}, "
      "\"policy\": {\"mode\": \"enforce\", \"max_age\": 604800, \"mx\": " MX_LINES "}}";
    g_autoptr(JsonNode) node = json_from_string (audit, NULL);
    g_autoptr(JsonNode) node2 = NULL;

    mts_project_set_last_audit (project, node, now);
    mts_promotion_check (promotion, project, now);
    g_assert_true (((MtsPromotionStep *) promotion->steps->pdata[0])->done);
    g_assert_true (((MtsPromotionStep *) promotion->steps->pdata[1])->done);
    g_assert_false (((MtsPromotionStep *) promotion->steps->pdata[2])->done);
    node2 = json_from_string ("{\"mx\": [" MX_COVERED "], \"sts_record\": {\"records\": "
                              "[\"v=STSv1; id=20261128T120000\"], \"id\": \"20261128T120000\"}, "
                              "\"policy\": {\"mode\": \"enforce\", \"max_age\": 604800, \"mx\": "
                              MX_LINES "}}", NULL);
    mts_project_set_last_audit (project, node2, now);
    mts_promotion_check (promotion, project, now);
    for (guint i = 0; i < 4; i++)
      g_assert_true (((MtsPromotionStep *) promotion->steps->pdata[i])->done);
  }

  /* The project file keeps it. */
  {
    g_autofree char *data = mts_project_to_data (project, NULL);
    g_autoptr(MtsProject) loaded = mts_project_load_from_data (data, strlen (data), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (mts_project_get_current_id (loaded), ==, "20261128T120000");
    g_assert_cmpint (mts_project_get_mode (loaded), ==, MTS_POLICY_MODE_ENFORCE);
  }
}

static void
test_promote_back_and_remove (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsPromotion) enforce = mts_promotion_new (project, MTS_PROMOTION_ENFORCE, now, &error);
  g_autoptr(MtsPromotion) back = NULL;
  g_autoptr(MtsPromotion) removal = NULL;
  g_autoptr(GDateTime) after = NULL;
  g_autofree char *until = NULL;
  GPtrArray *timeline;

  g_assert_no_error (error);
  mts_promotion_apply (enforce, project, now);

  /* Within the same second: the id still changes. */
  back = mts_promotion_new (project, MTS_PROMOTION_TESTING, now, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, "20261128T120000s2");
  g_assert_nonnull (strstr (back->policy_text, "mode: testing\r\n"));
  mts_promotion_apply (back, project, now);
  g_assert_cmpint (mts_project_get_state (project), ==, MTS_PROJECT_STATE_TESTING);
  g_assert_cmpint (mts_project_get_mode (project), ==, MTS_POLICY_MODE_TESTING);

  mts_project_set_max_age (project, 1209600);
  removal = mts_promotion_new (project, MTS_PROMOTION_REMOVE, later, &error);
  g_assert_no_error (error);
  g_assert_cmpint (removal->policy->mode, ==, MTS_POLICY_MODE_NONE);
  g_assert_cmpuint (removal->policy->max_age, ==, 86400);
  g_assert_cmpuint (removal->old_max_age, ==, 1209600);
  g_assert_cmpuint (removal->steps->len, ==, 6);
  g_assert_cmpstr (((MtsPromotionStep *) removal->steps->pdata[4])->id, ==, "wait");
  g_assert_cmpstr (((MtsPromotionStep *) removal->steps->pdata[5])->id, ==, "remove");
  /* The wait starts when a check first sees mode none served. */
  g_assert_null (removal->wait_until);
  set_audit_text (project, "{\"mx\": [], \"sts_record\": {\"records\": [\"v=STSv1; id=20261101T000000\"], "
                  "\"id\": \"20261101T000000\"}, \"policy\": {\"mode\": \"none\", \"max_age\": 86400}}",
                  later);
  mts_promotion_check (removal, project, later);
  g_assert_true (step_is_done (removal, "verify-policy"));
  until = g_date_time_format_iso8601 (removal->wait_until);
  g_assert_cmpstr (until, ==, "2026-12-12T12:00:01Z");
  mts_promotion_apply (removal, project, later);
  g_assert_cmpint (mts_project_get_state (project), ==, MTS_PROJECT_STATE_REMOVING);
  g_assert_cmpuint (mts_project_get_ids (project)->len, ==, 4);

  after = g_date_time_add_days (later, 15);
  set_audit_text (project, "{\"sts_record\": {\"records\": [], \"valid\": false}, \"policy\": null}",
                  after);
  mts_promotion_check (removal, project, later);
  g_assert_false (((MtsPromotionStep *) removal->steps->pdata[4])->done);
  /* The record was never seen with the new id: those steps stay to do. */
  mts_promotion_check (removal, project, after);
  g_assert_true (((MtsPromotionStep *) removal->steps->pdata[4])->done);
  g_assert_true (((MtsPromotionStep *) removal->steps->pdata[5])->done);
  g_assert_false (step_is_done (removal, "verify-record"));

  timeline = mts_project_get_timeline (project);
  {
    guint switches = 0;

    for (guint i = 0; i < timeline->len; i++)
      if (((MtsProjectEvent *) timeline->pdata[i])->kind == MTS_TIMELINE_SWITCH)
        switches++;
    g_assert_cmpuint (switches, ==, 3);
  }

  /* Enforce without mx lines cannot be generated. */
  {
    g_autoptr(MtsProject) empty = mts_project_new ("example.org");
    g_autoptr(MtsPromotion) none = mts_promotion_new (empty, MTS_PROMOTION_ENFORCE, now, &error);

    g_assert_null (none);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

/* A removal saved in the project and taken up again (after a restart): the
 * same policy, id, dates and steps; the wait is done only once the clock
 * has passed wait_until, even when the file says it is done. */
static void
test_switch_resume (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsPromotion) removal = NULL;
  g_autoptr(MtsPromotion) resumed = NULL;
  g_autoptr(MtsPromotion) resumed_later = NULL;
  g_autoptr(MtsProjectSwitch) saved = NULL;
  g_autoptr(MtsProject) reloaded = NULL;
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GDateTime) after = NULL;
  g_autofree char *data = NULL;
  gsize length;
  MtsPromotionKind kind;

  g_assert_null (mts_promotion_new_from_switch (project, now, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  mts_project_set_max_age (project, 1209600);
  removal = mts_promotion_new (project, MTS_PROMOTION_REMOVE, now, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 5; i++)   /* up to the wait, which the file claims too */
    ((MtsPromotionStep *) removal->steps->pdata[i])->done = TRUE;
  /* As the first check that saw mode none served would set it. */
  removal->wait_until = g_date_time_add_seconds (now, 1209600);
  saved = mts_promotion_to_switch (removal, TRUE);
  g_assert_cmpstr (saved->kind, ==, "remove");
  g_assert_cmpstr (saved->new_id, ==, removal->id);
  g_assert_cmpuint (g_strv_length (saved->done_steps), ==, 5);
  g_assert_true (mts_promotion_kind_from_string ("testing", &kind));
  g_assert_cmpint (kind, ==, MTS_PROMOTION_TESTING);
  g_assert_cmpstr (mts_promotion_kind_to_string (MTS_PROMOTION_ENFORCE), ==, "enforce");
  mts_project_set_pending_switch (project, saved);
  mts_promotion_apply (removal, project, now);

  /* Through the file, as after a restart. */
  data = mts_project_to_data (project, &length);
  reloaded = mts_project_load_from_data (data, length, &error);
  g_assert_no_error (error);

  before = g_date_time_add_days (now, 13);
  resumed = mts_promotion_new_from_switch (reloaded, before, &error);
  g_assert_no_error (error);
  g_assert_cmpint (resumed->kind, ==, MTS_PROMOTION_REMOVE);
  g_assert_cmpstr (resumed->id, ==, removal->id);
  g_assert_cmpstr (resumed->previous_id, ==, removal->previous_id);
  g_assert_cmpstr (resumed->record, ==, removal->record);
  g_assert_cmpstr (resumed->policy_text, ==, removal->policy_text);
  g_assert_cmpuint (resumed->old_max_age, ==, 1209600);
  g_assert_true (g_date_time_equal (resumed->wait_until, removal->wait_until));
  g_assert_true (g_date_time_equal (resumed->started, now));
  g_assert_cmpuint (resumed->steps->len, ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      const MtsPromotionStep *step = resumed->steps->pdata[i];

      g_assert_cmpstr (step->title, ==, ((MtsPromotionStep *) removal->steps->pdata[i])->title);
      /* The wait's end, set by hand above, shows in the resumed one. */
      if (g_str_equal (step->id, "wait"))
        g_assert_nonnull (strstr (step->detail, "wait until 2026-12-12 12:00 UTC"));
      else
        g_assert_cmpstr (step->detail, ==, ((MtsPromotionStep *) removal->steps->pdata[i])->detail);
      /* The wait is not over: the clock says so, not the file. */
      g_assert_cmpint (step->done, ==, i < 4);
    }

  after = g_date_time_add_days (now, 14);
  resumed_later = mts_promotion_new_from_switch (reloaded, after, &error);
  g_assert_no_error (error);
  g_assert_true (((MtsPromotionStep *) resumed_later->steps->pdata[4])->done);
  g_assert_false (((MtsPromotionStep *) resumed_later->steps->pdata[5])->done);
}


/* Only reports about days since the testing policy was seen live count:
 * older ones were about no policy, or another one. */
static void
test_reports_since_live (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(GDateTime) live = days_ago (3);
  g_autoptr(MtsReadiness) r = NULL;
  g_autoptr(MtsReadiness) r2 = NULL;

  /* Seen live 3 days ago: 16 reports of days 4 to 8 ago and 6 of the last
   * 3 days (the day it went live counts, from its start). */
  mts_project_set_published (project, MTS_PUBLISHED_POLICY, live);
  mts_project_set_published (project, MTS_PUBLISHED_STS_RECORD, live);
  r = evaluate (project);
  g_assert_cmpint (item (r, "reports")->status, ==, MTS_READINESS_NOT_MET);
  g_assert_nonnull (strstr (item (r, "reports")->evidence,
                            "2 reporters (Google Inc., Microsoft Corporation) on 3 different days"));

  /* Nothing since: the older reports are named as not counting. */
  {
    g_autoptr(MtsProject) young = mts_project_new ("example.com");
    g_autoptr(GDateTime) today = test_now ();

    mts_project_set_mode (young, MTS_POLICY_MODE_TESTING);
    mts_project_set_published (young, MTS_PUBLISHED_POLICY, today);
    mts_project_set_published (young, MTS_PUBLISHED_STS_RECORD, today);
    add_report (young, "Google Inc.", 2, 5000, NULL, 0);
    add_report (young, "Yahoo", 1, 5000, NULL, 0);
    r2 = evaluate (young);
    g_assert_cmpint (item (r2, "reports")->status, ==, MTS_READINESS_NOT_MET);
    g_assert_nonnull (strstr (item (r2, "reports")->evidence, "2 older reports do not count"));
  }
}

/* sts-policy-invalid under enforce is refused mail: it blocks like a
 * certificate failure, not as an "other" failure below 0.1 %. */
static void
test_policy_invalid_blocks (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(MtsProject) fetch = ready_project ();
  g_autoptr(MtsReadiness) r = NULL;
  g_autoptr(MtsReadiness) r2 = NULL;

  add_report (project, "Yahoo", 1, 100, "sts-policy-invalid", 1);
  r = evaluate (project);
  assert_only_failing (r, "no-tls-failures", MTS_READINESS_NOT_MET, "(sts-policy-invalid)");
  g_assert_nonnull (strstr (item (r, "no-tls-failures")->evidence, "1 of 56101 sessions"));

  /* A fetch error stays an "other" failure. */
  add_report (fetch, "Yahoo", 1, 100, "sts-policy-fetch-error", 1);
  r2 = evaluate (fetch);
  g_assert_true (r2->ready);
}

/* A host the admin listed but DNS does not have yet gets no mail: the
 * coverage item leaves it out. */
static void
test_coverage_in_dns (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(MtsReadiness) r = NULL;
  g_autoptr(MtsReadiness) r2 = NULL;
#define COVERAGE_AUDIT \
    "{\"mx\": [%s], \"sts_record\": {\"records\": [\"v=STSv1; id=20261101T000000\"], " \
    "\"id\": \"20261101T000000\"}, \"policy\": {\"mode\": \"testing\", \"max_age\": 604800, " \
    "\"mx\": [\"mx1.example.com\", \"mx2.example.com\"], \"cert\": {\"not_after\": " \
    "\"2027-02-26T12:00:00Z\", \"trusted\": true, \"name_matches\": true}}}"
  const char *ok_probe = "\"probes\": [{\"status\": \"ok\", \"problems\": []}]";
  g_autofree char *hosts = g_strdup_printf (
    "{\"host\": \"mx1.example.com\", \"covered\": true, \"in_dns\": true, %s}, "
    "{\"host\": \"mx2.example.com\", \"covered\": true, \"in_dns\": true, %s}, "
    "{\"host\": \"mx3.example.com\", \"covered\": false, \"in_dns\": false, %s}", ok_probe, ok_probe, ok_probe);
  g_autofree char *hosts2 = g_strdup_printf (
    "{\"host\": \"mx1.example.com\", \"covered\": true, \"in_dns\": true, %s}, "
    "{\"host\": \"mx3.example.com\", \"covered\": false, \"in_dns\": true, %s}", ok_probe, ok_probe);
  g_autofree char *json = g_strdup_printf (COVERAGE_AUDIT, hosts);
  g_autofree char *json2 = g_strdup_printf (COVERAGE_AUDIT, hosts2);

  set_audit_text (project, json, now);
  r = evaluate (project);
  g_assert_cmpint (item (r, "mx-coverage")->status, ==, MTS_READINESS_MET);
  g_assert_nonnull (strstr (item (r, "mx-coverage")->evidence, "all 2 mail servers"));

  set_audit_text (project, json2, now);
  r2 = evaluate (project);
  g_assert_cmpint (item (r2, "mx-coverage")->status, ==, MTS_READINESS_NOT_MET);
  g_assert_nonnull (strstr (item (r2, "mx-coverage")->evidence, "does not cover mx3.example.com"));

  /* Only hosts the admin added, none in DNS yet: not "all 0 mail servers". */
  {
    g_autofree char *hosts3 = g_strdup_printf (
      "{\"host\": \"mx3.example.com\", \"covered\": false, \"in_dns\": false, %s}", ok_probe);
    g_autofree char *json3 = g_strdup_printf (COVERAGE_AUDIT, hosts3);
    g_autoptr(MtsReadiness) r3 = NULL;

    set_audit_text (project, json3, now);
    r3 = evaluate (project);
    g_assert_cmpint (item (r3, "mx-coverage")->status, ==, MTS_READINESS_NOT_MET);
    g_assert_nonnull (strstr (item (r3, "mx-coverage")->evidence, "found no mail server"));
  }
}

/* A step once seen done stays done: a later check whose lookups failed
 * does not reopen it. */
static void
test_steps_stay_done (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsPromotion) promotion = mts_promotion_new (project, MTS_PROMOTION_ENFORCE, now, &error);

  g_assert_no_error (error);
  set_audit_text (project, "{\"mx\": [" MX_COVERED "], \"sts_record\": {\"records\": "
                  "[\"v=STSv1; id=20261101T000000\"], \"id\": \"20261101T000000\"}, \"policy\": "
                  "{\"mode\": \"enforce\", \"max_age\": 604800, \"mx\": " MX_LINES "}}", now);
  mts_promotion_check (promotion, project, now);
  g_assert_true (step_is_done (promotion, "verify-policy"));
  g_assert_null (promotion->check_problem);

  /* The policy host timed out, the TXT lookup failed. */
  set_audit_text (project, "{\"mx\": [], \"sts_record\": {\"records\": [], \"valid\": false}, "
                  "\"policy\": null}", now);
  mts_promotion_check (promotion, project, now);
  g_assert_true (step_is_done (promotion, "publish-policy"));
  g_assert_true (step_is_done (promotion, "verify-policy"));
  g_assert_false (step_is_done (promotion, "verify-record"));
  g_assert_false (mts_promotion_is_done (promotion));
}

/* The served file must be the new policy: its mx lines too, and under
 * enforce every mail server in DNS covered; the check says what differs. */
static void
test_served_mx_differs (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsPromotion) promotion = mts_promotion_new (project, MTS_PROMOTION_ENFORCE, now, &error);

  g_assert_no_error (error);
  /* mx2 missing, an old host left in; mx2 thus not covered. */
  set_audit_text (project, "{\"mx\": [{\"host\": \"mx1.example.com\", \"covered\": true}, "
                  "{\"host\": \"mx2.example.com\", \"covered\": false}], \"sts_record\": {\"records\": "
                  "[], \"valid\": false}, \"policy\": {\"mode\": \"enforce\", \"max_age\": 604800, "
                  "\"mx\": [\"MX1.example.com\", \"old.example.com\"]}}", now);
  mts_promotion_check (promotion, project, now);
  g_assert_false (step_is_done (promotion, "verify-policy"));
  g_assert_cmpstr (promotion->check_problem, ==,
                   "mx lines missing: mx2.example.com; mx lines that the new policy does not have: "
                   "old.example.com; mail servers it does not cover: mx2.example.com");

  /* The right mx lines, but a host in DNS that no line covers. */
  set_audit_text (project, "{\"mx\": [" MX_COVERED ", {\"host\": \"mx9.example.net\", "
                  "\"covered\": false, \"in_dns\": true}, {\"host\": \"new.example.com\", \"covered\": "
                  "false, \"in_dns\": false}], \"policy\": {\"mode\": \"testing\", \"max_age\": 86400, "
                  "\"mx\": " MX_LINES "}}", now);
  mts_promotion_check (promotion, project, now);
  g_assert_false (step_is_done (promotion, "verify-policy"));
  g_assert_cmpstr (promotion->check_problem, ==,
                   "mode testing, not enforce; max_age 86400, not 604800; mail servers it does not "
                   "cover: mx9.example.net");

  set_audit_text (project, "{\"mx\": [" MX_COVERED "], \"policy\": {\"mode\": \"enforce\", "
                  "\"max_age\": 604800, \"mx\": [\"mx2.example.com\", \"mx1.example.com\"]}}", now);
  mts_promotion_check (promotion, project, now);
  g_assert_true (step_is_done (promotion, "verify-policy"));
  g_assert_null (promotion->check_problem);
}

/* The removal runs to its end: the record and the policy deleted as the
 * last step asks do not reopen the id steps, and the domain ends removed,
 * through the project file too. */
static void
test_removal_finishes (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(GDateTime) day2 = g_date_time_add_days (now, 1);
  g_autoptr(GDateTime) day9 = g_date_time_add_days (now, 8);
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsPromotion) removal = mts_promotion_new (project, MTS_PROMOTION_REMOVE, now, &error);
  g_autoptr(MtsProjectSwitch) saved = NULL;
  g_autoptr(MtsProject) loaded = NULL;
  g_autofree char *data = NULL;
  g_autofree char *until = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (((MtsPromotionStep *) removal->steps->pdata[4])->detail,
                            "when a check first sees mode none served"));
  set_audit_text (project, "{\"mx\": [], \"sts_record\": {\"records\": [\"v=STSv1; id=20261101T000000\"], "
                  "\"id\": \"20261101T000000\"}, \"policy\": {\"mode\": \"none\", \"max_age\": 86400}}", day2);
  mts_promotion_check (removal, project, day2);
  mts_promotion_apply (removal, project, day2);
  until = g_date_time_format_iso8601 (removal->wait_until);
  /* Seen on day 2, plus the testing policy's week. */
  g_assert_cmpstr (until, ==, "2026-12-06T12:00:00Z");
  g_assert_nonnull (strstr (((MtsPromotionStep *) removal->steps->pdata[4])->detail, "2026-12-06 12:00 UTC"));
  saved = mts_promotion_to_switch (removal, TRUE);
  g_assert_true (g_date_time_equal (saved->wait_until, removal->wait_until));

  set_audit_text (project, "{\"mx\": [], \"sts_record\": {\"records\": [\"v=STSv1; id=20261128T120000\"], "
                  "\"id\": \"20261128T120000\"}, \"policy\": {\"mode\": \"none\", \"max_age\": 86400}}", day2);
  mts_promotion_check (removal, project, day2);
  g_assert_true (step_is_done (removal, "verify-record"));
  g_assert_false (step_is_done (removal, "wait"));

  /* Deleted too early: not done until the wait is over. */
  set_audit_text (project, "{\"mx\": [], \"sts_record\": {\"records\": [], \"valid\": false}, "
                  "\"policy\": null}", day2);
  mts_promotion_check (removal, project, day2);
  g_assert_false (step_is_done (removal, "remove"));
  g_assert_true (step_is_done (removal, "verify-record"));

  /* A policy still served: not removed. */
  set_audit_text (project, "{\"mx\": [], \"sts_record\": {\"records\": [], \"valid\": false}, "
                  "\"policy\": {\"mode\": \"none\", \"max_age\": 86400}}", day9);
  mts_promotion_check (removal, project, day9);
  g_assert_true (step_is_done (removal, "wait"));
  g_assert_false (step_is_done (removal, "remove"));

  set_audit_text (project, "{\"mx\": [], \"sts_record\": {\"records\": [], \"valid\": false}, "
                  "\"policy\": {\"mode\": null, \"http_status\": 404}}", day9);
  mts_promotion_check (removal, project, day9);
  g_assert_true (step_is_done (removal, "publish-record"));
  g_assert_true (step_is_done (removal, "verify-record"));
  g_assert_true (step_is_done (removal, "remove"));
  g_assert_true (mts_promotion_is_done (removal));

  mts_project_set_pending_switch (project, saved);
  mts_promotion_finish (removal, project, day9);
  g_assert_null (mts_project_get_pending_switch (project));
  g_assert_cmpint (mts_project_get_state (project), ==, MTS_PROJECT_STATE_REMOVED);
  g_assert_cmpstr (mts_project_state_to_string (MTS_PROJECT_STATE_REMOVED), ==, "removed");

  data = mts_project_to_data (project, NULL);
  g_assert_nonnull (strstr (data, "\"state\" : \"removed\""));
  loaded = mts_project_load_from_data (data, strlen (data), &error);
  g_assert_no_error (error);
  g_assert_cmpint (mts_project_get_state (loaded), ==, MTS_PROJECT_STATE_REMOVED);
}

/* After a year-long enforce policy and a week back in testing, senders
 * may hold the enforce policy for a year: the removal waits for it. */
static void
test_removal_wait_longest (void)
{
  g_autoptr(MtsProject) project = ready_project ();
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(GDateTime) day1 = g_date_time_add_days (now, 1);
  g_autoptr(GDateTime) day30 = g_date_time_add_days (now, 30);
  g_autoptr(GDateTime) day31 = g_date_time_add_days (now, 31);
  g_autoptr(GDateTime) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsPromotion) enforce = mts_promotion_new (project, MTS_PROMOTION_ENFORCE, now, &error);
  g_autoptr(MtsPromotion) back = NULL;
  g_autoptr(MtsPromotion) removal = NULL;
  g_autoptr(MtsProject) loaded = NULL;
  g_autofree char *data = NULL;

  g_assert_no_error (error);
  mts_promotion_apply (enforce, project, now);
  /* The admin raised max_age to a year: a new id, as the window makes. */
  mts_project_set_max_age (project, 31557600);
  mts_project_add_id (project, "20261129T120000", day1);
  back = mts_promotion_new (project, MTS_PROMOTION_TESTING, day30, &error);
  g_assert_no_error (error);
  mts_promotion_apply (back, project, day30);
  g_assert_cmpuint (mts_project_get_max_age (project), ==, 604800);

  /* The ids keep their max_age through the file. */
  data = mts_project_to_data (project, NULL);
  loaded = mts_project_load_from_data (data, strlen (data), &error);
  g_assert_no_error (error);

  removal = mts_promotion_new (loaded, MTS_PROMOTION_REMOVE, day31, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (removal->old_max_age, ==, 604800);
  set_audit_text (loaded, "{\"policy\": {\"mode\": \"none\", \"max_age\": 86400}}", day31);
  mts_promotion_check (removal, loaded, day31);
  expected = g_date_time_add_seconds (day30, 31557600);
  g_assert_true (g_date_time_equal (removal->wait_until, expected));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mts/readiness/ready", test_ready);
  g_test_add_func ("/mts/readiness/testing-live", test_testing_live);
  g_test_add_func ("/mts/readiness/reports", test_reports);
  g_test_add_func ("/mts/readiness/tls-failures", test_tls_failures);
  g_test_add_func ("/mts/readiness/audit-items", test_audit_items);
  g_test_add_func ("/mts/readiness/audit-without-probes", test_audit_without_probes);
  g_test_add_func ("/mts/readiness/thresholds", test_thresholds);
  g_test_add_func ("/mts/readiness/promote-enforce", test_promote_enforce);
  g_test_add_func ("/mts/readiness/back-and-remove", test_promote_back_and_remove);
  g_test_add_func ("/mts/readiness/switch-resume", test_switch_resume);
  g_test_add_func ("/mts/readiness/reports-since-live", test_reports_since_live);
  g_test_add_func ("/mts/readiness/policy-invalid-blocks", test_policy_invalid_blocks);
  g_test_add_func ("/mts/readiness/coverage-in-dns", test_coverage_in_dns);
  g_test_add_func ("/mts/readiness/steps-stay-done", test_steps_stay_done);
  g_test_add_func ("/mts/readiness/served-mx-differs", test_served_mx_differs);
  g_test_add_func ("/mts/readiness/removal-finishes", test_removal_finishes);
  g_test_add_func ("/mts/readiness/removal-wait-longest", test_removal_wait_longest);

  return g_test_run ();
}
