/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-project.c: the per-domain project file and its store, including crashes, full disks and two writers. */
/* unshare() and CLONE_NEWNS, for the read-only and full-disk cases as root. */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/mts-project-store.h"

typedef struct
{
  char *dir;
  GFile *dir_file;
  MtsProjectStore *store;
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_remove (path);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *domains = NULL;

  fixture->dir = g_dir_make_tmp ("mts-project-XXXXXX", &error);
  g_assert_no_error (error);
  domains = g_build_filename (fixture->dir, "domains", NULL);
  fixture->dir_file = g_file_new_for_path (domains);
  fixture->store = mts_project_store_new (fixture->dir_file);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *domains = g_build_filename (fixture->dir, "domains", NULL);

  g_chmod (domains, 0700);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_object_unref (fixture->dir_file);
  g_assert_finalize_object (fixture->store);
}

static char *
domains_path (Fixture    *fixture,
              const char *name)
{
  return g_build_filename (fixture->dir, "domains", name, NULL);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
assert_file_text (const char *path,
                  const char *expected)
{
  g_autofree char *text = read_text (path);

  g_assert_cmpstr (text, ==, expected);
}

static void
write_text (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The names in @dir that start with @prefix, sorted, comma-separated. */
static char *
list_names (const char *dir,
            const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

static GDateTime *
date (int    month,
      int    day,
      double seconds)
{
  /* Before any clock this runs on, so that "created" events come last. */
  return g_date_time_new_utc (2020, month, day, 10, 30, seconds);
}

static void
assert_date (GDateTime  *actual,
             const char *expected)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (actual);
  text = g_date_time_format_iso8601 (actual);
  g_assert_cmpstr (text, ==, expected);
}

static JsonNode *
json_from (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static JsonObject *
facts_from (const char *text)
{
  g_autoptr(JsonNode) node = json_from (text);

  return json_object_ref (json_node_get_object (node));
}

static void
add_report (MtsProject *project,
            const char *organization,
            const char *report_id)
{
  g_autofree char *text = g_strdup_printf ("{\"org\": \"%s\", \"id\": \"%s\", \"failed\": 2}",
                                           organization, report_id);
  g_autoptr(JsonObject) facts = facts_from (text);

  g_assert_true (mts_project_add_report_facts (project, organization, report_id, facts));
}

/* Every field set to something other than its default. */
static MtsProject *
make_full_project (void)
{
  MtsProject *project = mts_project_new ("xn--bcher-kva.example");
  g_autoptr(GPtrArray) mx = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_project_mx_host_free);
  const char *patterns[] = { "mx1.xn--bcher-kva.example", "*.mail.example.net", NULL };
  const char *rua[] = { "mailto:tlsrpt@example.net", "https://reports.example.net/tlsrpt", NULL };
  g_autoptr(GDateTime) d1 = date (3, 1, 0.5);
  g_autoptr(GDateTime) d2 = date (3, 2, 1);
  g_autoptr(GDateTime) d3 = date (3, 3, 2.25);
  g_autoptr(GDateTime) d4 = date (3, 20, 3);
  g_autoptr(JsonNode) audit = json_from ("{\"verdict\": \"ok\", \"hosts\": [{\"name\": \"mx1\", "
                                         "\"tls\": \"1.3\"}], \"score\": 0.75, \"none\": null}");

  g_ptr_array_add (mx, mts_project_mx_host_new (10, "mx1.xn--bcher-kva.example"));
  g_ptr_array_add (mx, mts_project_mx_host_new (20, "mx2.mail.example.net"));
  mts_project_set_mx_hosts (project, mx);
  mts_project_set_mx_patterns (project, patterns);
  mts_project_set_display_name (project, "Bücher.example");
  mts_project_set_state (project, MTS_PROJECT_STATE_TESTING, d2);
  mts_project_set_step (project, "publish");
  mts_project_set_mode (project, MTS_POLICY_MODE_ENFORCE);
  mts_project_set_max_age (project, 1209600);
  mts_project_set_rua (project, rua);
  g_assert_true (mts_project_add_id (project, "20200301T103000", d1));
  g_assert_true (mts_project_add_id (project, "20200303T103002", d3));
  g_assert_true (mts_project_mark_id_published (project, "20200301T103000", d2));
  mts_project_set_published (project, MTS_PUBLISHED_POLICY, d2);
  mts_project_set_published (project, MTS_PUBLISHED_STS_RECORD, d3);
  mts_project_set_last_audit (project, audit, d4);
  mts_project_add_event (project, MTS_TIMELINE_PUBLISHED, d2, "Testing policy published");
  mts_project_add_event (project, MTS_TIMELINE_AUDIT, d4, "Checked: all fine");
  add_report (project, "Google Inc.", "2020-03-04T00:00:00Z_bücher.example");
  add_report (project, "Microsoft Corporation", "133560000000000000+bücher.example");
  return project;
}

static void
assert_full_project (MtsProject *project)
{
  GPtrArray *mx = mts_project_get_mx_hosts (project);
  GPtrArray *ids = mts_project_get_ids (project);
  GPtrArray *timeline = mts_project_get_timeline (project);
  GPtrArray *reports = mts_project_get_reports (project);
  const char *patterns[] = { "mx1.xn--bcher-kva.example", "*.mail.example.net", NULL };
  const char *rua[] = { "mailto:tlsrpt@example.net", "https://reports.example.net/tlsrpt", NULL };
  g_autoptr(JsonNode) audit = json_from ("{\"verdict\": \"ok\", \"hosts\": [{\"name\": \"mx1\", "
                                         "\"tls\": \"1.3\"}], \"score\": 0.75, \"none\": null}");
  MtsProjectId *id;
  MtsProjectEvent *event;
  MtsProjectReport *report;
  JsonObject *facts;

  g_assert_cmpstr (mts_project_get_domain (project), ==, "xn--bcher-kva.example");
  g_assert_cmpstr (mts_project_get_display_name (project), ==, "Bücher.example");
  g_assert_cmpint (mts_project_get_state (project), ==, MTS_PROJECT_STATE_TESTING);
  assert_date (mts_project_get_state_since (project), "2020-03-02T10:30:01Z");
  g_assert_cmpstr (mts_project_get_step (project), ==, "publish");

  g_assert_cmpuint (mx->len, ==, 2);
  g_assert_cmpuint (((MtsProjectMxHost *) mx->pdata[0])->preference, ==, 10);
  g_assert_cmpstr (((MtsProjectMxHost *) mx->pdata[0])->host, ==, "mx1.xn--bcher-kva.example");
  g_assert_cmpuint (((MtsProjectMxHost *) mx->pdata[1])->preference, ==, 20);
  g_assert_cmpstr (((MtsProjectMxHost *) mx->pdata[1])->host, ==, "mx2.mail.example.net");
  g_assert_true (g_strv_equal (mts_project_get_mx_patterns (project), patterns));
  g_assert_cmpint (mts_project_get_mode (project), ==, MTS_POLICY_MODE_ENFORCE);
  g_assert_cmpuint (mts_project_get_max_age (project), ==, 1209600);
  g_assert_true (g_strv_equal (mts_project_get_rua (project), rua));

  g_assert_cmpuint (ids->len, ==, 2);
  id = ids->pdata[0];
  g_assert_cmpstr (id->id, ==, "20200301T103000");
  assert_date (id->generated, "2020-03-01T10:30:00.500000Z");
  assert_date (id->published, "2020-03-02T10:30:01Z");
  id = ids->pdata[1];
  g_assert_cmpstr (id->id, ==, "20200303T103002");
  assert_date (id->generated, "2020-03-03T10:30:02.250000Z");
  g_assert_null (id->published);
  g_assert_cmpstr (mts_project_get_current_id (project), ==, "20200303T103002");

  assert_date (mts_project_get_published (project, MTS_PUBLISHED_POLICY), "2020-03-02T10:30:01Z");
  assert_date (mts_project_get_published (project, MTS_PUBLISHED_STS_RECORD),
               "2020-03-03T10:30:02.250000Z");
  g_assert_null (mts_project_get_published (project, MTS_PUBLISHED_TLSRPT_RECORD));

  g_assert_true (json_node_equal (mts_project_get_last_audit (project), audit));
  assert_date (mts_project_get_last_audit_time (project), "2020-03-20T10:30:03Z");

  /* The "created" event is now, after the March dates. */
  g_assert_cmpuint (timeline->len, ==, 3);
  event = timeline->pdata[0];
  g_assert_cmpint (event->kind, ==, MTS_TIMELINE_PUBLISHED);
  assert_date (event->time, "2020-03-02T10:30:01Z");
  g_assert_cmpstr (event->text, ==, "Testing policy published");
  event = timeline->pdata[1];
  g_assert_cmpint (event->kind, ==, MTS_TIMELINE_AUDIT);
  g_assert_cmpstr (event->text, ==, "Checked: all fine");
  event = timeline->pdata[2];
  g_assert_cmpint (event->kind, ==, MTS_TIMELINE_CREATED);
  g_assert_cmpstr (event->text, ==, "Domain set up");

  g_assert_cmpuint (reports->len, ==, 2);
  g_assert_cmpuint (mts_project_get_n_reports (project), ==, 2);
  report = reports->pdata[0];
  g_assert_cmpstr (report->organization, ==, "Google Inc.");
  g_assert_cmpstr (report->report_id, ==, "2020-03-04T00:00:00Z_bücher.example");
  g_assert_nonnull (report->imported);
  g_assert_cmpint (json_object_get_int_member (report->facts, "failed"), ==, 2);
  report = reports->pdata[1];
  g_assert_cmpstr (report->organization, ==, "Microsoft Corporation");
  facts = mts_project_get_report_facts (project, "Microsoft Corporation",
                                        "133560000000000000+bücher.example");
  g_assert_true (facts == report->facts);
  g_assert_cmpstr (json_object_get_string_member (facts, "id"), ==,
                   "133560000000000000+bücher.example");
}

static void
test_new (void)
{
  g_autoptr(MtsProject) project = mts_project_new ("xn--bcher-kva.example");
  GPtrArray *timeline = mts_project_get_timeline (project);
  MtsProjectEvent *event;

  g_assert_cmpstr (mts_project_get_domain (project), ==, "xn--bcher-kva.example");
  g_assert_cmpstr (mts_project_get_display_name (project), ==, "bücher.example");
  g_assert_cmpint (mts_project_get_state (project), ==, MTS_PROJECT_STATE_DRAFT);
  g_assert_nonnull (mts_project_get_state_since (project));
  g_assert_null (mts_project_get_step (project));
  g_assert_cmpint (mts_project_get_mode (project), ==, MTS_POLICY_MODE_TESTING);
  /* The shortest max_age advised for testing: one week. */
  g_assert_cmpuint (mts_project_get_max_age (project), ==, 604800);
  g_assert_cmpuint (mts_project_get_mx_hosts (project)->len, ==, 0);
  g_assert_cmpstrv (mts_project_get_mx_patterns (project), ((const char *[]) { NULL }));
  g_assert_cmpstrv (mts_project_get_rua (project), ((const char *[]) { NULL }));
  g_assert_null (mts_project_get_current_id (project));
  g_assert_null (mts_project_get_last_audit (project));
  g_assert_null (mts_project_get_file (project));
  g_assert_cmpint (mts_project_get_revision (project), ==, 0);
  for (guint i = 0; i < MTS_N_PUBLISHED; i++)
    g_assert_null (mts_project_get_published (project, i));
  g_assert_cmpuint (timeline->len, ==, 1);
  event = timeline->pdata[0];
  g_assert_cmpint (event->kind, ==, MTS_TIMELINE_CREATED);
  g_assert_true (g_date_time_equal (event->time, mts_project_get_state_since (project)));
  g_assert_cmpuint (mts_project_get_n_reports (project), ==, 0);

  g_assert_cmpstr (mts_project_state_to_string (MTS_PROJECT_STATE_REMOVING), ==, "removing");
  g_assert_cmpstr (mts_timeline_kind_to_string (MTS_TIMELINE_SWITCH), ==, "switch");
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = make_full_project ();
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(MtsProject) again = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = domains_path (fixture, "xn--bcher-kva.example.json");
  g_autofree char *text = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *resaved = NULL;
  g_autofree char *loaded_text = NULL;
  struct stat st;

  assert_full_project (project);
  g_assert_true (mts_project_store_save (fixture->store, project, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mts_project_get_revision (project), ==, 1);

  file = g_file_new_for_path (path);
  g_assert_true (g_file_equal (mts_project_get_file (project), file));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  /* Report facts say which servers failed for whom: private. */
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  text = read_text (path);
  g_assert_nonnull (strstr (text, "\"schema_version\" : 1"));
  g_assert_nonnull (strstr (text, "\"app_version\" : \"" PACKAGE_VERSION "\""));
  g_assert_nonnull (strstr (text, "\"revision\" : 1"));

  loaded = mts_project_store_open (fixture->store, "Bücher.example", &error);
  g_assert_no_error (error);
  assert_full_project (loaded);
  g_assert_cmpint (mts_project_get_revision (loaded), ==, 1);
  g_assert_true (g_file_equal (mts_project_get_file (loaded), file));

  /* Byte for byte the same file, also through a second round. */
  saved = mts_project_to_data (project, NULL);
  loaded_text = mts_project_to_data (loaded, NULL);
  g_assert_cmpstr (loaded_text, ==, saved);
  g_assert_true (mts_project_save (loaded, file, &error));
  g_assert_no_error (error);
  again = mts_project_load (file, &error);
  g_assert_no_error (error);
  assert_full_project (again);
  g_assert_cmpint (mts_project_get_revision (again), ==, 2);
  resaved = read_text (path);
  g_assert_cmpstr (strstr (resaved, "\"domain\""), ==, strstr (saved, "\"domain\""));
}

/* Members a newer version adds to schema 1 survive a save by this one. */
static void
test_unknown_members (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = mts_project_new ("example.com");
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GFile) file = NULL;
  g_autofree char *text = mts_project_to_data (project, NULL);
  g_autofree char *path = domains_path (fixture, "example.com.json");
  g_autofree char *with_extra = NULL;
  g_autofree char *saved = NULL;

  root = json_from (text);
  json_object_set_object_member (json_node_get_object (root), "dane",
                                 facts_from ("{\"tlsa\": [\"3 1 1 ab\"]}"));
  json_generator_set_root (generator, root);
  with_extra = json_generator_to_data (generator, NULL);
  write_text (path, with_extra);

  file = g_file_new_for_path (path);
  loaded = mts_project_load (file, &error);
  g_assert_no_error (error);
  mts_project_set_max_age (loaded, 1000000);
  g_assert_true (mts_project_save (loaded, file, &error));
  g_assert_no_error (error);
  saved = read_text (path);
  g_assert_nonnull (strstr (saved, "\"dane\" : {"));
  g_assert_nonnull (strstr (saved, "\"3 1 1 ab\""));
  g_assert_nonnull (strstr (saved, "\"max_age\" : 1000000"));
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          gpointer    user_data)
{
  GHashTable *counts = user_data;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, pspec->name));

  g_hash_table_insert (counts, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static void
changed_cb (MtsProject *project,
            guint      *n_changed)
{
  (*n_changed)++;
}

static guint
count_of (GHashTable *counts,
          const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

static void
test_notify (void)
{
  g_autoptr(MtsProject) project = mts_project_new ("example.com");
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) mx = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_project_mx_host_free);
  g_autoptr(JsonNode) audit = json_from ("{\"verdict\": \"ok\"}");
  g_autoptr(GDateTime) when = date (5, 5, 0);
  g_autoptr(JsonObject) facts = facts_from ("{}");
  const char *rua[] = { "mailto:r@example.com", NULL };
  guint n_changed = 0;

  g_signal_connect (project, "notify", G_CALLBACK (count_cb), counts);
  g_signal_connect (project, "changed", G_CALLBACK (changed_cb), &n_changed);

  mts_project_set_mode (project, MTS_POLICY_MODE_TESTING);
  mts_project_set_max_age (project, 604800);
  mts_project_set_rua (project, NULL);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);
  g_assert_cmpuint (n_changed, ==, 0);

  mts_project_set_mode (project, MTS_POLICY_MODE_ENFORCE);
  g_object_set (project, "max-age", 86400u, NULL);
  mts_project_set_rua (project, rua);
  mts_project_set_rua (project, rua);
  mts_project_set_step (project, "probe");
  mts_project_set_state (project, MTS_PROJECT_STATE_TESTING, NULL);
  g_ptr_array_add (mx, mts_project_mx_host_new (5, "mx.example.com"));
  mts_project_set_mx_hosts (project, mx);
  mts_project_set_mx_hosts (project, mx);
  mts_project_add_id (project, "1", NULL);
  mts_project_set_last_audit (project, audit, when);
  mts_project_set_last_audit (project, audit, when);
  mts_project_add_event (project, MTS_TIMELINE_AUDIT, NULL, "x");
  mts_project_add_report_facts (project, "o", "r", facts);
  g_assert_false (mts_project_add_report_facts (project, "o", "r", facts));

  g_assert_cmpuint (count_of (counts, "mode"), ==, 1);
  g_assert_cmpuint (count_of (counts, "max-age"), ==, 1);
  g_assert_cmpuint (count_of (counts, "rua"), ==, 1);
  g_assert_cmpuint (count_of (counts, "step"), ==, 1);
  g_assert_cmpuint (count_of (counts, "state"), ==, 1);
  g_assert_cmpuint (count_of (counts, "state-since"), ==, 1);
  g_assert_cmpuint (count_of (counts, "mx-hosts"), ==, 1);
  g_assert_cmpuint (count_of (counts, "current-id"), ==, 1);
  g_assert_cmpuint (count_of (counts, "last-audit"), ==, 1);
  g_assert_cmpuint (count_of (counts, "last-audit-time"), ==, 1);
  g_assert_cmpuint (count_of (counts, "n-events"), ==, 1);
  g_assert_cmpuint (count_of (counts, "n-reports"), ==, 1);
  g_assert_cmpuint (count_of (counts, "display-name"), ==, 0);
  g_assert_cmpuint (n_changed, ==, 12);

  /* Ids are never reused; only the first sighting of one counts. */
  g_assert_false (mts_project_add_id (project, "1", NULL));
  g_assert_true (mts_project_mark_id_published (project, "1", when));
  g_assert_true (mts_project_mark_id_published (project, "1", NULL));
  assert_date (((MtsProjectId *) mts_project_get_ids (project)->pdata[0])->published,
               "2020-05-05T10:30:00Z");
  g_assert_false (mts_project_mark_id_published (project, "2", NULL));
}

static void
test_report_keys (void)
{
  g_autoptr(MtsProject) project = mts_project_new ("example.com");
  g_autoptr(JsonObject) facts = facts_from ("{\"n\": 1}");

  g_assert_true (mts_project_add_report_facts (project, "ab", "c", facts));
  /* The key is the pair, not the two strings run together. */
  g_assert_true (mts_project_add_report_facts (project, "a", "bc", facts));
  g_assert_true (mts_project_add_report_facts (project, "ab", "d", facts));
  g_assert_false (mts_project_add_report_facts (project, "ab", "c", facts));
  g_assert_cmpuint (mts_project_get_n_reports (project), ==, 3);
  g_assert_null (mts_project_get_report_facts (project, "abc", ""));
  g_assert_nonnull (mts_project_get_report_facts (project, "a", "bc"));
}

/* A save killed after writing its temporary file but before renaming it
 * leaves that file behind: loading reads the old file, listing ignores the
 * stray, and the next save removes it. */
static void
test_stray_temp_file (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *path = domains_path (fixture, "example.com.json");
  g_autofree char *stray = domains_path (fixture, "example.com.json.Ab3xYz");
  g_autofree char *dir = domains_path (fixture, NULL);
  g_autofree char *names = NULL;
  g_autofree char *before = NULL;
  g_autofree char *half = NULL;

  project = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  mts_project_set_max_age (project, 86400);
  g_assert_true (mts_project_store_save (fixture->store, project, &error));
  g_assert_no_error (error);
  before = read_text (path);

  /* The next save, cut off half way through its temporary file. */
  mts_project_set_max_age (project, 172800);
  half = mts_project_to_data (project, NULL);
  half[strlen (half) / 2] = '\0';
  write_text (stray, half);

  loaded = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mts_project_get_max_age (loaded), ==, 86400);
  assert_file_text (path, before);

  list = mts_project_store_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((MtsProjectSummary *) list->pdata[0])->domain, ==, "example.com");

  names = list_names (dir, "example.com.json");
  g_assert_cmpstr (names, ==, "example.com.json,example.com.json.Ab3xYz");
  g_assert_true (mts_project_store_save (fixture->store, loaded, &error));
  g_assert_no_error (error);
  g_free (names);
  names = list_names (dir, "example.com.json");
  g_assert_cmpstr (names, ==, "example.com.json");
}

typedef struct
{
  const char *name;
  const char *text;
  const char *reason;
} CorruptCase;

static const CorruptCase corrupt_cases[] = {
  { "empty", "", "it is empty" },
  { "not-json", "schema_version: 1\n", "it is not valid JSON" },
  { "truncated", "{\"schema_version\": 1, \"domain\": \"exam", "it is not valid JSON" },
  { "array", "[1, 2, 3]", "it is not a JSON object" },
  { "no-version", "{\"domain\": \"example.com\"}", "the field “schema_version” is missing" },
  { "version-zero", "{\"schema_version\": 0}", "the field “schema_version” is out of range" },
  { "version-string", "{\"schema_version\": \"1\"}", "the field “schema_version” has the wrong type" },
  { "not-utf8", "{\"schema_version\": 1, \"domain\": \"\xff\xfe\"}", "it is not text in UTF-8" },
};

/* A valid file with one member replaced. */
typedef struct
{
  const char *name;
  const char *member;
  const char *json;
  const char *reason;
} BadMemberCase;

static const BadMemberCase bad_member_cases[] = {
  { "mode", "mode", "\"strict\"", "the field “mode” has a value this version does not know: “strict”" },
  { "max-age", "max_age", "31557601", "the field “max_age” is out of range" },
  { "max-age-float", "max_age", "86400.5", "the field “max_age” has the wrong type" },
  { "state", "state", "\"paused\"", "the field “state” has a value this version does not know: “paused”" },
  { "date", "state_since", "\"yesterday\"", "the field “state_since” is not a valid date" },
  { "domain", "domain", "\"../../etc\"", "the domain “../../etc” in it is not a valid domain name" },
  { "mx-hosts", "mx_hosts", "[{\"preference\": 70000, \"host\": \"mx\"}]",
    "the field “mx_hosts[0].preference” is out of range" },
  { "rua", "rua", "[1]", "the field “rua” has the wrong type" },
  { "timeline", "timeline", "[{\"time\": \"2020-01-01T00:00:00Z\", \"kind\": \"party\", \"text\": \"\"}]",
    "the field “timeline.kind” has a value this version does not know: “party”" },
  { "reports-dup", "reports",
    "[{\"organization\": \"o\", \"report_id\": \"r\", \"imported\": \"2020-01-01T00:00:00Z\", \"facts\": {}},"
    " {\"organization\": \"o\", \"report_id\": \"r\", \"imported\": \"2020-01-01T00:00:00Z\", \"facts\": {}}]",
    "the report “r” from “o” appears twice" },
  { "ids-dup", "ids",
    "[{\"id\": \"a\", \"generated\": \"2020-01-01T00:00:00Z\", \"published\": null},"
    " {\"id\": \"a\", \"generated\": \"2020-01-02T00:00:00Z\", \"published\": null}]",
    "the policy id “a” appears twice" },
  { "audit", "last_audit", "{\"time\": \"2020-01-01T00:00:00Z\", \"result\": [1]}",
    "the field “result” has the wrong type" },
};

static char *
with_member (const char *member,
             const char *json)
{
  g_autoptr(MtsProject) project = mts_project_new ("example.com");
  g_autofree char *text = mts_project_to_data (project, NULL);
  g_autoptr(JsonNode) root = json_from (text);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_object_set_member (json_node_get_object (root), member, json_from (json));
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* A report whose facts are 200 levels deep. */
static char *
deeply_nested (void)
{
  g_autoptr(GString) reports = g_string_new ("[{\"organization\": \"o\", \"report_id\": \"r\", "
                                             "\"imported\": \"2020-01-01T00:00:00Z\", "
                                             "\"facts\": {\"x\": ");

  for (guint i = 0; i < 200; i++)
    g_string_append_c (reports, '[');
  for (guint i = 0; i < 200; i++)
    g_string_append_c (reports, ']');
  g_string_append (reports, "}}]");
  return with_member ("reports", reports->str);
}

/* Opens @text as the project of example.com in a fresh store: it must be
 * refused as corrupt with @reason, moved aside byte for byte, and listed
 * as unreadable before that. */
static void
check_corrupt (const char *text,
               const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mts-project-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "example.com.json", NULL);
  g_autoptr(GFile) dir_file = g_file_new_for_path (dir);
  g_autoptr(MtsProjectStore) store = mts_project_store_new (dir_file);
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) list_after = NULL;
  g_autofree char *names = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *kept = NULL;
  MtsProjectSummary *summary;

  g_assert_no_error (error);
  write_text (path, text);

  list = mts_project_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  summary = list->pdata[0];
  g_assert_cmpint (summary->status, ==, MTS_PROJECT_SUMMARY_UNREADABLE);
  g_assert_cmpstr (summary->domain, ==, "example.com");
  g_assert_nonnull (strstr (summary->message, reason));

  project = mts_project_store_open (store, "example.com", &error);
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT);
  g_assert_null (project);
  g_assert_nonnull (strstr (error->message, reason));

  /* Kept aside, and the message says where. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  names = list_names (dir, "example.com.json");
  g_assert_true (g_str_has_prefix (names, "example.com.json.unreadable-"));
  g_assert_cmpuint (strlen (names), ==, strlen ("example.com.json.unreadable-20261128T214956Z"));
  g_assert_null (strchr (names, ','));
  aside = g_build_filename (dir, names, NULL);
  g_assert_nonnull (strstr (error->message, aside));
  g_clear_error (&error);
  kept = read_text (aside);
  g_assert_cmpstr (kept, ==, text);

  /* The domain can be set up again; the kept file stays. */
  list_after = mts_project_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list_after->len, ==, 0);
  g_clear_error (&error);
  project = mts_project_store_create (store, "example.com", &error);
  g_assert_no_error (error);
  assert_file_text (aside, text);

  remove_tree (dir);
}

static void
test_corrupt (void)
{
  g_autofree char *nested = deeply_nested ();
  g_autofree char *other_domain = NULL;
  g_autoptr(MtsProject) other = mts_project_new ("example.org");

  for (guint i = 0; i < G_N_ELEMENTS (corrupt_cases); i++)
    {
      g_test_message ("case %s", corrupt_cases[i].name);
      check_corrupt (corrupt_cases[i].text, corrupt_cases[i].reason);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_member_cases); i++)
    {
      g_autofree char *text = with_member (bad_member_cases[i].member, bad_member_cases[i].json);

      g_test_message ("case %s", bad_member_cases[i].name);
      check_corrupt (text, bad_member_cases[i].reason);
    }

  g_test_message ("case nesting");
  check_corrupt (nested, "it is nested more than 128 levels deep");

  g_test_message ("case other domain");
  other_domain = mts_project_to_data (other, NULL);
  check_corrupt (other_domain, "example.org");
}

static void
test_load_from_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = mts_project_new ("example.com");
  g_autoptr(MtsProject) loaded = NULL;
  g_autofree char *text = mts_project_to_data (project, NULL);
  const char *newer = "{\"schema_version\": 7, \"app_version\": \"3.1\"}";

  loaded = mts_project_load_from_data (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mts_project_get_domain (loaded), ==, "example.com");

  g_assert_null (mts_project_load_from_data ("{}", 2, &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT);
  g_assert_cmpstr (error->message, ==, "This is not a project that MTA-STS Wizard can read: "
                   "the field “schema_version” is missing.");
  g_clear_error (&error);

  g_assert_null (mts_project_load_from_data (newer, strlen (newer), &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NEWER_VERSION);
  g_assert_cmpstr (error->message, ==, "This project was saved by a newer version of MTA-STS "
                   "Wizard (version 3.1). Update the app to open it.");
}

/* Found by fuzz-project: json-glib quotes the file in its parse error and
 * decodes an escaped lone surrogate to bytes that are not UTF-8; the message
 * goes into a label, so it must be valid text. */
static void
test_load_message_utf8 (void)
{
  static const char data[] = "{\"schema_ve\\ud800udit\"n\":1,\"domain\":\"a\\u0000b\"}";
  g_autoptr(GError) error = NULL;

  g_assert_null (mts_project_load_from_data (data, strlen (data), &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_true (g_str_has_prefix (error->message, "This is not a project that MTA-STS Wizard "
                                   "can read: it is not valid JSON: "));
  g_assert_nonnull (strstr (error->message, "schema_ve\xef\xbf\xbd"));
}

/* Found by fuzz-project: members this version does not know were written
 * back in hash-table order, so every save shuffled them.  They keep the
 * file's order, and a second round gives the same text. */
static void
test_unknown_members_order (void)
{
  static const char *const names[] = {
    "zeta", "alpha", "mid", "b2", "a1", "omega", "x_future", "dane", "c", "zz", NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = mts_project_new ("example.com");
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(MtsProject) again = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = mts_project_to_data (project, NULL);
  g_autofree char *with_extra = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;
  const char *last = NULL;

  root = json_from (text);
  for (guint i = 0; names[i] != NULL; i++)
    json_object_set_int_member (json_node_get_object (root), names[i], i);
  json_generator_set_root (generator, root);
  with_extra = json_generator_to_data (generator, NULL);

  loaded = mts_project_load_from_data (with_extra, strlen (with_extra), &error);
  g_assert_no_error (error);
  saved = mts_project_to_data (loaded, NULL);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *member = g_strdup_printf ("\"%s\" : %u", names[i], i);
      const char *at = strstr (saved, member);

      g_assert_nonnull (at);
      g_assert_true (last == NULL || at > last);
      last = at;
    }

  again = mts_project_load_from_data (saved, strlen (saved), &error);
  g_assert_no_error (error);
  saved_again = mts_project_to_data (again, NULL);
  g_assert_cmpstr (saved_again, ==, saved);
}

/* Found by fuzz-project: json-glib reads "\\ud800" (a lone surrogate) as
 * bytes that are not UTF-8 and wrote them back as they were, so a project
 * whose report facts or unknown members held one saved to a file that the
 * next load refused (and moved aside).  Such strings are made valid text on
 * load, and on save for what the importer hands over. */
static void
test_lone_surrogate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = mts_project_new ("example.com");
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(MtsProject) again = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GString) with_surrogates = NULL;
  g_autofree char *text = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;
  JsonObject *facts = json_object_new ();
  JsonObject *report_facts;
  const MtsProjectReport *report;

  /* What a report importer could hand over from a stranger's JSON. */
  json_object_set_string_member (facts, "policy-domain", "bad\xed\xa0\x80name");
  json_object_set_int_member (facts, "x\xed\xa0\x80", 1);
  g_assert_true (mts_project_add_report_facts (project, "Org", "r1", facts));
  json_object_unref (facts);
  text = mts_project_to_data (project, NULL);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_nonnull (strstr (text, "\"policy-domain\" : \"bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdname\""));
  g_assert_nonnull (strstr (text, "\"x\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\" : 1"));

  /* The same from a file, in an unknown member and in the facts. */
  root = json_from (text);
  json_object_set_string_member (json_node_get_object (root), "future", "SURROGATE");
  json_generator_set_root (generator, root);
  g_free (text);
  text = json_generator_to_data (generator, NULL);
  with_surrogates = g_string_new (text);
  g_string_replace (with_surrogates, "SURROGATE", "a\\ud800b", 0);
  g_string_replace (with_surrogates, "\"Org\"", "\"O\\udc00rg\"", 0);
  loaded = mts_project_load_from_data (with_surrogates->str, with_surrogates->len, &error);
  g_assert_no_error (error);
  /* json-glib 1.6 also swallows the character after a lone surrogate, so
   * only the replacement characters are certain. */
  g_assert_cmpuint (mts_project_get_n_reports (loaded), ==, 1);
  report = g_ptr_array_index (mts_project_get_reports (loaded), 0);
  g_assert_true (g_utf8_validate (report->organization, -1, NULL));
  g_assert_true (g_str_has_prefix (report->organization, "O\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"));
  report_facts = mts_project_get_report_facts (loaded, report->organization, "r1");
  g_assert_true (report_facts == report->facts);
  saved = mts_project_to_data (loaded, NULL);
  g_assert_true (g_utf8_validate (saved, -1, NULL));
  g_assert_nonnull (strstr (saved, "\"future\" : \"a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"));
  again = mts_project_load_from_data (saved, strlen (saved), &error);
  g_assert_no_error (error);
  saved_again = mts_project_to_data (again, NULL);
  g_assert_cmpstr (saved_again, ==, saved);
}

/* Found by fuzz-project: json-glib reads a number too large for a double
 * (1e999) as infinity and wrote it back as "-inf.0", which is not JSON, so
 * the next load refused the saved file.  It is kept as the largest double. */
static void
test_infinite_number (void)
{
  static const char *const members[] = { "\"huge\": -3e316", "\"future\": [1e999, 2.5]", NULL };
  g_autoptr(MtsProject) project = mts_project_new ("example.com");
  g_autofree char *text = mts_project_to_data (project, NULL);
  g_autoptr(GString) data = g_string_new (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(MtsProject) again = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;
  JsonObject *facts = json_object_new ();

  /* Into the file's last member, before its closing brace. */
  g_string_truncate (data, strrchr (data->str, '}') - data->str);
  for (guint i = 0; members[i] != NULL; i++)
    g_string_append_printf (data, ", %s", members[i]);
  g_string_append (data, "}\n");

  loaded = mts_project_load_from_data (data->str, data->len, &error);
  g_assert_no_error (error);
  /* Also what an importer could hand over. */
  json_object_set_double_member (facts, "ratio", INFINITY);
  g_assert_true (mts_project_add_report_facts (loaded, "Org", "r1", facts));
  json_object_unref (facts);
  saved = mts_project_to_data (loaded, NULL);
  g_assert_null (strstr (saved, "inf"));
  g_assert_nonnull (strstr (saved, "\"huge\" : -1.7976931348623157e+308"));
  g_assert_nonnull (strstr (saved, "\"ratio\" : 1.7976931348623157e+308"));
  again = mts_project_load_from_data (saved, strlen (saved), &error);
  g_assert_no_error (error);
  saved_again = mts_project_to_data (again, NULL);
  g_assert_cmpstr (saved_again, ==, saved);
}

/* A file from a newer version is refused, left where it is and unchanged,
 * and not overwritten by a save or a new project for the same domain. */
static void
test_newer_version (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char newer[] =
    "{\"schema_version\": 2, \"app_version\": \"2.0.1\", \"domain\": \"example.com\", "
    "\"zones\": [\"a\"]}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(MtsProject) fresh = mts_project_new ("example.com");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = domains_path (fixture, "example.com.json");
  g_autofree char *dir = domains_path (fixture, NULL);
  g_autofree char *names = NULL;
  MtsProjectSummary *summary;
  struct stat before, after;

  write_text (path, newer);
  g_assert_cmpint (g_stat (path, &before), ==, 0);
  file = g_file_new_for_path (path);

  project = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_null (project);
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NEWER_VERSION);
  g_assert_nonnull (strstr (error->message, "newer version of MTA-STS Wizard (version 2.0.1)"));
  g_assert_nonnull (strstr (error->message, "Update the app"));
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  list = mts_project_store_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  summary = list->pdata[0];
  g_assert_cmpint (summary->status, ==, MTS_PROJECT_SUMMARY_NEWER_VERSION);
  g_assert_cmpstr (summary->domain, ==, "example.com");
  g_assert_cmpstr (summary->message, ==, "Saved by a newer version of MTA-STS Wizard "
                   "(version 2.0.1). Update the app to open it.");

  g_assert_null (mts_project_store_create (fixture->store, "example.com", &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_EXISTS);
  g_clear_error (&error);

  g_assert_false (mts_project_save (fresh, file, &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NEWER_VERSION);
  g_assert_nonnull (strstr (error->message, "(version 2.0.1)"));

  assert_file_text (path, newer);
  g_assert_cmpint (g_stat (path, &after), ==, 0);
  g_assert_cmpint (before.st_ino, ==, after.st_ino);
  g_assert_cmpint (before.st_mtim.tv_nsec, ==, after.st_mtim.tv_nsec);
  names = list_names (dir, "example.com.json");
  g_assert_cmpstr (names, ==, "example.com.json");
}

static void
test_store_list (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) empty = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GDateTime) since = date (4, 1, 0);
  g_autofree char *dir = domains_path (fixture, NULL);
  g_autofree char *junk = NULL;
  g_autofree char *lock = NULL;
  const char *domains[] = { "zeta.example", "Bücher.example", "alpha.example" };
  MtsProjectSummary *summary;

  /* No folder yet: no domains, no error. */
  empty = mts_project_store_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (domains); i++)
    {
      g_autoptr(MtsProject) project = mts_project_store_create (fixture->store, domains[i], &error);

      g_assert_no_error (error);
      if (i == 2)
        {
          mts_project_set_state (project, MTS_PROJECT_STATE_ENFORCE, since);
          g_assert_true (mts_project_store_save (fixture->store, project, &error));
          g_assert_no_error (error);
        }
    }

  /* Things in the folder that are not projects. */
  junk = g_build_filename (dir, "notes.txt", NULL);
  write_text (junk, "x");
  g_free (junk);
  junk = g_build_filename (dir, "alpha.example.json.unreadable-20260101T000000Z", NULL);
  write_text (junk, "{");
  g_free (junk);
  junk = g_build_filename (dir, ".hidden.json", NULL);
  write_text (junk, "{");
  g_free (junk);
  junk = g_build_filename (dir, "dir.example.json", NULL);
  g_assert_cmpint (g_mkdir (junk, 0700), ==, 0);
  g_assert_true (mts_project_store_delete (fixture->store, "zeta.example", &error));
  g_assert_no_error (error);
  lock = g_build_filename (dir, ".alpha.example.json.lock", NULL);
  g_assert_true (g_file_test (lock, G_FILE_TEST_EXISTS));

  list = mts_project_store_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  summary = list->pdata[0];
  g_assert_cmpstr (summary->domain, ==, "alpha.example");
  g_assert_cmpstr (summary->display_name, ==, "alpha.example");
  g_assert_cmpint (summary->status, ==, MTS_PROJECT_SUMMARY_OK);
  g_assert_cmpint (summary->state, ==, MTS_PROJECT_STATE_ENFORCE);
  assert_date (summary->state_since, "2020-04-01T10:30:00Z");
  g_assert_null (summary->message);
  summary = list->pdata[1];
  g_assert_cmpstr (summary->domain, ==, "xn--bcher-kva.example");
  g_assert_cmpstr (summary->display_name, ==, "bücher.example");
  g_assert_cmpint (summary->state, ==, MTS_PROJECT_STATE_DRAFT);
  g_assert_nonnull (summary->state_since);
}

static void
test_safe_names (Fixture       *fixture,
                 gconstpointer  data)
{
  static const char *const bad[] = {
    "../x", "a/b", "..", "", ".", "../../etc/passwd", "x/../../etc.example", ".hidden.example",
    "example.com/..", "exa\\mple.com", "example.com\n.json", "*.example.com",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(MtsProject) opened = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GString) long_domain = g_string_new (NULL);
  g_autofree char *name = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *escaped = g_strescape (bad[i], NULL);

      g_test_message ("name %s", escaped);
      file = mts_project_store_get_file (fixture->store, bad[i], &error);
      g_assert_null (file);
      g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_INVALID_DOMAIN);
      g_clear_error (&error);
      g_assert_null (mts_project_store_create (fixture->store, bad[i], &error));
      g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_INVALID_DOMAIN);
      g_clear_error (&error);
      g_assert_null (mts_project_store_open (fixture->store, bad[i], &error));
      g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_INVALID_DOMAIN);
      g_clear_error (&error);
      g_assert_false (mts_project_store_delete (fixture->store, bad[i], &error));
      g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_INVALID_DOMAIN);
      g_clear_error (&error);
    }

  file = mts_project_store_get_file (fixture->store, " Example.COM. ", &error);
  g_assert_no_error (error);
  name = g_file_get_basename (file);
  g_assert_cmpstr (name, ==, "example.com.json");
  parent = g_file_get_parent (file);
  g_assert_true (g_file_equal (parent, fixture->dir_file));
  g_clear_object (&file);
  g_clear_object (&parent);
  g_clear_pointer (&name, g_free);

  /* 253 characters: a legal domain whose file name would be too long. */
  for (guint i = 0; i < 4; i++)
    g_string_append_printf (long_domain, "%s%.62s", i ? "." : "",
                            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  g_string_append (long_domain, ".e");
  g_assert_cmpuint (long_domain->len, ==, 253);
  file = mts_project_store_get_file (fixture->store, long_domain->str, &error);
  g_assert_no_error (error);
  name = g_file_get_basename (file);
  g_assert_cmpuint (strlen (name), ==, 200 + strlen (".json"));
  parent = g_file_get_parent (file);
  g_assert_true (g_file_equal (parent, fixture->dir_file));

  project = mts_project_store_create (fixture->store, long_domain->str, &error);
  g_assert_no_error (error);
  opened = mts_project_store_open (fixture->store, long_domain->str, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mts_project_get_domain (opened), ==, long_domain->str);
  list = mts_project_store_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((MtsProjectSummary *) list->pdata[0])->domain, ==, long_domain->str);
  g_assert_cmpint (((MtsProjectSummary *) list->pdata[0])->status, ==, MTS_PROJECT_SUMMARY_OK);
}

static void
test_delete (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(MtsProject) second = NULL;
  g_autoptr(MtsProject) from_trash = NULL;
  g_autoptr(GFile) trashed = NULL;
  g_autofree char *trash = domains_path (fixture, "trash");
  g_autofree char *names = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *trashed_path = NULL;

  g_assert_false (mts_project_store_delete (fixture->store, "example.com", &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  project = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  mts_project_set_max_age (project, 777);
  g_assert_true (mts_project_store_save (fixture->store, project, &error));
  g_assert_no_error (error);
  g_assert_true (mts_project_store_delete (fixture->store, "example.com", &error));
  g_assert_no_error (error);

  g_assert_null (mts_project_store_open (fixture->store, "example.com", &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "example.com has not been set up on this computer yet.");
  g_clear_error (&error);
  g_assert_false (mts_project_store_delete (fixture->store, "example.com", &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Set up, deleted again: two files in the trash, neither overwritten. */
  second = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  g_assert_true (mts_project_store_delete (fixture->store, "example.com", &error));
  g_assert_no_error (error);

  names = list_names (trash, "");
  parts = g_strsplit (names, ",", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_true (g_str_has_prefix (parts[i], "example.com.json.deleted-"));
  trashed_path = g_build_filename (trash, parts[0], NULL);
  trashed = g_file_new_for_path (trashed_path);
  from_trash = mts_project_load (trashed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mts_project_get_max_age (from_trash), ==, 777);
}

/* Two windows on one domain, each adding reports, events and ids: the
 * second save merges the first's additions instead of dropping them. */
static void
test_merge_append (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) created = NULL;
  g_autoptr(MtsProject) a = NULL;
  g_autoptr(MtsProject) b = NULL;
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(GDateTime) d1 = date (6, 1, 0);
  g_autoptr(GDateTime) d2 = date (6, 2, 0);
  g_autoptr(GDateTime) d3 = date (6, 3, 0);
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *ids;
  GPtrArray *timeline;

  created = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  mts_project_add_id (created, "first", d1);
  g_assert_true (mts_project_store_save (fixture->store, created, &error));
  g_assert_no_error (error);

  a = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  b = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);

  add_report (a, "Google Inc.", "a-1");
  add_report (a, "Google Inc.", "shared");
  mts_project_add_event (a, MTS_TIMELINE_IMPORT, d3, "Imported 2 reports");
  mts_project_add_id (a, "from-a", d3);
  mts_project_mark_id_published (a, "first", d3);

  add_report (b, "Microsoft Corporation", "b-1");
  add_report (b, "Google Inc.", "shared");
  mts_project_add_event (b, MTS_TIMELINE_AUDIT, d2, "Checked");
  mts_project_add_id (b, "from-b", d2);
  mts_project_mark_id_published (b, "first", d2);

  g_assert_true (mts_project_store_save (fixture->store, a, &error));
  g_assert_no_error (error);
  g_signal_connect (b, "notify", G_CALLBACK (count_cb), counts);
  g_assert_true (mts_project_store_save (fixture->store, b, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_of (counts, "n-reports"), ==, 1);
  g_assert_cmpuint (count_of (counts, "n-events"), ==, 1);
  /* "from-a" (June 3) is newer than "from-b" (June 2). */
  g_assert_cmpuint (count_of (counts, "current-id"), ==, 1);

  for (guint i = 0; i < 2; i++)
    {
      MtsProject *project = i == 0 ? b : (loaded = mts_project_store_open (fixture->store, "example.com", &error));

      g_assert_no_error (error);
      g_assert_cmpuint (mts_project_get_n_reports (project), ==, 3);
      g_assert_nonnull (mts_project_get_report_facts (project, "Google Inc.", "a-1"));
      g_assert_nonnull (mts_project_get_report_facts (project, "Google Inc.", "shared"));
      g_assert_nonnull (mts_project_get_report_facts (project, "Microsoft Corporation", "b-1"));

      /* In time order: the 2020 events, then "created" (now). */
      timeline = mts_project_get_timeline (project);
      g_assert_cmpuint (timeline->len, ==, 3);
      g_assert_cmpint (((MtsProjectEvent *) timeline->pdata[0])->kind, ==, MTS_TIMELINE_AUDIT);
      g_assert_cmpint (((MtsProjectEvent *) timeline->pdata[1])->kind, ==, MTS_TIMELINE_IMPORT);
      g_assert_cmpint (((MtsProjectEvent *) timeline->pdata[2])->kind, ==, MTS_TIMELINE_CREATED);

      ids = mts_project_get_ids (project);
      g_assert_cmpuint (ids->len, ==, 3);
      g_assert_cmpstr (((MtsProjectId *) ids->pdata[0])->id, ==, "first");
      /* Both saw it published: the first sighting counts. */
      assert_date (((MtsProjectId *) ids->pdata[0])->published, "2020-06-02T10:30:00Z");
      g_assert_cmpstr (((MtsProjectId *) ids->pdata[1])->id, ==, "from-b");
      g_assert_cmpstr (((MtsProjectId *) ids->pdata[2])->id, ==, "from-a");
      g_assert_cmpstr (mts_project_get_current_id (project), ==, "from-a");
      g_assert_cmpint (mts_project_get_revision (project), ==, 4);
    }

  /* a saves again without having seen b's save: merges the other way. */
  add_report (a, "Yahoo", "a-2");
  g_assert_true (mts_project_store_save (fixture->store, a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mts_project_get_n_reports (a), ==, 4);
  g_assert_cmpuint (mts_project_get_timeline (a)->len, ==, 3);
  g_assert_cmpint (mts_project_get_revision (a), ==, 5);
}

/* Settings changed on one side only take that side's value; some settings
 * have a rule when both changed. */
static void
test_merge_settings (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) created = NULL;
  g_autoptr(MtsProject) a = NULL;
  g_autoptr(MtsProject) b = NULL;
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(GDateTime) early = date (7, 1, 0);
  g_autoptr(GDateTime) late = date (7, 9, 0);
  g_autoptr(JsonNode) audit_a = json_from ("{\"run\": \"a\"}");
  g_autoptr(JsonNode) audit_b = json_from ("{\"run\": \"b\"}");
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  const char *rua[] = { "mailto:r@example.com", NULL };

  created = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  a = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  b = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);

  mts_project_set_mode (a, MTS_POLICY_MODE_ENFORCE);
  mts_project_set_rua (a, rua);
  mts_project_set_step (a, "policy");
  mts_project_set_last_audit (a, audit_a, late);
  mts_project_set_published (a, MTS_PUBLISHED_POLICY, late);

  mts_project_set_max_age (b, 1209600);
  mts_project_set_step (b, "reporting");
  mts_project_set_last_audit (b, audit_b, early);
  mts_project_set_published (b, MTS_PUBLISHED_POLICY, early);

  g_assert_true (mts_project_store_save (fixture->store, a, &error));
  g_assert_no_error (error);
  g_signal_connect (b, "notify", G_CALLBACK (count_cb), counts);
  g_assert_true (mts_project_store_save (fixture->store, b, &error));
  g_assert_no_error (error);

  loaded = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      MtsProject *project = i == 0 ? b : loaded;

      g_assert_cmpint (mts_project_get_mode (project), ==, MTS_POLICY_MODE_ENFORCE);
      g_assert_cmpuint (mts_project_get_max_age (project), ==, 1209600);
      g_assert_cmpstrv (mts_project_get_rua (project), rua);
      /* The window that saved last is where the user is. */
      g_assert_cmpstr (mts_project_get_step (project), ==, "reporting");
      /* The newest audit, and the first sighting of the policy. */
      g_assert_true (json_node_equal (mts_project_get_last_audit (project), audit_a));
      assert_date (mts_project_get_last_audit_time (project), "2020-07-09T10:30:00Z");
      assert_date (mts_project_get_published (project, MTS_PUBLISHED_POLICY),
                   "2020-07-01T10:30:00Z");
    }
  g_assert_cmpuint (count_of (counts, "mode"), ==, 1);
  g_assert_cmpuint (count_of (counts, "rua"), ==, 1);
  g_assert_cmpuint (count_of (counts, "last-audit"), ==, 1);
  g_assert_cmpuint (count_of (counts, "max-age"), ==, 0);
  g_assert_cmpuint (count_of (counts, "step"), ==, 0);
}

/* The pending switch ---------------------------------------------------- */

static MtsProjectSwitch *
make_switch (const char *kind,
             const char *new_id,
             GDateTime  *started)
{
  MtsProjectSwitch *pending = g_new0 (MtsProjectSwitch, 1);
  const char *done[] = { "publish-policy", NULL };

  pending->kind = g_strdup (kind);
  pending->started = g_date_time_ref (started);
  pending->previous_id = g_strdup ("20200101T000000");
  pending->new_id = g_strdup (new_id);
  pending->mode = g_str_equal (kind, "remove") ? MTS_POLICY_MODE_NONE : MTS_POLICY_MODE_ENFORCE;
  pending->max_age = 604800;
  pending->old_max_age = 86400;
  if (g_str_equal (kind, "remove"))
    pending->wait_until = g_date_time_add_days (started, 1);
  pending->done_steps = g_strdupv ((char **) done);
  return pending;
}

static void
assert_switch (const MtsProjectSwitch *actual,
               const MtsProjectSwitch *expected)
{
  g_assert_nonnull (actual);
  g_assert_cmpstr (actual->kind, ==, expected->kind);
  g_assert_true (g_date_time_equal (actual->started, expected->started));
  g_assert_cmpstr (actual->previous_id, ==, expected->previous_id);
  g_assert_cmpstr (actual->new_id, ==, expected->new_id);
  g_assert_cmpint (actual->mode, ==, expected->mode);
  g_assert_cmpuint (actual->max_age, ==, expected->max_age);
  g_assert_cmpuint (actual->old_max_age, ==, expected->old_max_age);
  g_assert_true ((actual->wait_until == NULL) == (expected->wait_until == NULL));
  if (actual->wait_until != NULL)
    g_assert_true (g_date_time_equal (actual->wait_until, expected->wait_until));
  g_assert_cmpint (actual->applied, ==, expected->applied);
  g_assert_cmpstrv (actual->done_steps, expected->done_steps);
}

/* Saved, read again whole, and cleared. */
static void
test_switch_round_trip (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(MtsProject) cleared = NULL;
  g_autoptr(GDateTime) started = date (7, 1, 0);
  g_autoptr(MtsProjectSwitch) pending = make_switch ("remove", "20200701T103000", started);
  g_autofree char *text = NULL;

  project = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  g_assert_null (mts_project_get_pending_switch (project));
  pending->applied = TRUE;
  mts_project_set_pending_switch (project, pending);
  assert_switch (mts_project_get_pending_switch (project), pending);
  g_assert_true (mts_project_store_save (fixture->store, project, &error));
  g_assert_no_error (error);

  loaded = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  assert_switch (mts_project_get_pending_switch (loaded), pending);
  text = mts_project_to_data (loaded, NULL);
  g_assert_nonnull (strstr (text, "\"pending_switch\""));
  g_assert_nonnull (strstr (text, "\"wait_until\" : \"2020-07-02T10:30:00Z\""));

  mts_project_set_pending_switch (loaded, NULL);
  g_assert_true (mts_project_store_save (fixture->store, loaded, &error));
  g_assert_no_error (error);
  cleared = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  g_assert_null (mts_project_get_pending_switch (cleared));
}

/* A file from before the field loads as before: no switch under way; and
 * a damaged field is refused like any other. */
static void
test_switch_old_file (void)
{
  g_autoptr(MtsProject) project = mts_project_new ("example.com");
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = mts_project_to_data (project, NULL);
  g_autoptr(JsonNode) root = json_from (text);
  g_autofree char *old = NULL;
  g_autofree char *bad = NULL;

  g_assert_true (json_object_has_member (json_node_get_object (root), "pending_switch"));
  json_object_remove_member (json_node_get_object (root), "pending_switch");
  old = json_to_string (root, TRUE);
  g_assert_null (strstr (old, "pending_switch"));
  loaded = mts_project_load_from_data (old, strlen (old), &error);
  g_assert_no_error (error);
  g_assert_null (mts_project_get_pending_switch (loaded));
  g_clear_object (&loaded);

  json_object_set_string_member (json_node_get_object (root), "pending_switch", "enforce");
  bad = json_to_string (root, TRUE);
  loaded = mts_project_load_from_data (bad, strlen (bad), &error);
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT);
  g_assert_null (loaded);
}

/* Every kind of event keeps what happened (not a sentence) through a save
 * and a load; the line for older versions is English whatever the locale. */
static void
test_timeline_params (void)
{
  g_autoptr(MtsProject) project = mts_project_new ("example.com");
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) d1 = date (3, 1, 0);
  g_autoptr(GDateTime) d2 = date (3, 2, 0);
  g_autoptr(GDateTime) d3 = date (3, 3, 0);
  g_autoptr(GDateTime) d4 = date (3, 4, 0);
  g_autoptr(GDateTime) d5 = date (3, 5, 0);
  g_autoptr(GDateTime) d6 = date (3, 6, 0);
  g_autoptr(GDateTime) until = date (3, 9, 0.5);
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *params;
  GPtrArray *timeline;
  const MtsProjectEvent *event;

  mts_project_add_audit_event (project, d1, "warnings");
  mts_project_add_published_event (project, d2, MTS_PUBLISHED_STS_RECORD);
  mts_project_add_import_event (project, d3, 12, 2, 1, 3);
  mts_project_add_switch_event (project, d4, "remove", "20200304T103000", 86400, until);
  mts_project_add_switch_event (project, d5, "enforce", "20200305T103000", 604800, NULL);
  mts_project_add_state_event (project, d6, MTS_PROJECT_STATE_ENFORCE);
  text = mts_project_to_data (project, NULL);
  root = json_from (text);
  params = json_object_get_object_member (
    json_array_get_object_element (json_object_get_array_member (json_node_get_object (root), "timeline"), 2),
    "params");
  g_assert_cmpint (json_object_get_int_member (params, "new_reports"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (params, "other_domain"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (params, "rejected"), ==, 3);

  loaded = mts_project_load_from_data (text, strlen (text), &error);
  g_assert_no_error (error);
  timeline = mts_project_get_timeline (loaded);
  g_assert_cmpuint (timeline->len, ==, 7);
  for (guint i = 0; i < timeline->len; i++)
    g_assert_true (((MtsProjectEvent *) timeline->pdata[i])->has_params);

  event = timeline->pdata[0];
  g_assert_cmpint (event->kind, ==, MTS_TIMELINE_AUDIT);
  g_assert_cmpstr (event->what, ==, "warnings");
  /* What older versions word themselves. */
  g_assert_cmpstr (event->text, ==, "warnings");
  event = timeline->pdata[1];
  g_assert_cmpint (event->kind, ==, MTS_TIMELINE_PUBLISHED);
  g_assert_cmpstr (event->what, ==, "_mta-sts");
  event = timeline->pdata[2];
  g_assert_cmpint (event->kind, ==, MTS_TIMELINE_IMPORT);
  assert_date (event->time, "2020-03-03T10:30:00Z");
  g_assert_cmpuint (event->new_reports, ==, 12);
  g_assert_cmpuint (event->duplicates, ==, 2);
  g_assert_cmpuint (event->other_domain, ==, 1);
  g_assert_cmpuint (event->rejected, ==, 3);
  g_assert_cmpstr (event->text, ==,
                   "Imported 12 new TLS reports (2 duplicates, 3 files rejected, 1 reports for other domains).");
  event = timeline->pdata[3];
  g_assert_cmpint (event->kind, ==, MTS_TIMELINE_SWITCH);
  g_assert_false (event->seen_published);
  g_assert_cmpstr (event->what, ==, "remove");
  g_assert_cmpstr (event->new_id, ==, "20200304T103000");
  g_assert_cmpuint (event->max_age, ==, 86400);
  assert_date (event->wait_until, "2020-03-09T10:30:00.500000Z");
  event = timeline->pdata[4];
  g_assert_false (event->seen_published);
  g_assert_cmpstr (event->what, ==, "enforce");
  g_assert_cmpuint (event->max_age, ==, 604800);
  g_assert_null (event->wait_until);
  g_assert_cmpstr (event->text, ==, "Switched to enforce: new policy id 20200305T103000, max_age 604800.");
  event = timeline->pdata[5];
  g_assert_cmpint (event->kind, ==, MTS_TIMELINE_SWITCH);
  g_assert_true (event->seen_published);
  g_assert_cmpstr (event->what, ==, "enforce");
  g_assert_null (event->new_id);
  event = timeline->pdata[6];
  g_assert_cmpint (event->kind, ==, MTS_TIMELINE_CREATED);
  g_assert_cmpstr (event->text, ==, "Domain set up");

  again = mts_project_to_data (loaded, NULL);
  g_assert_cmpstr (again, ==, text);
}

/* An event from before the parameters has only its text: it loads, keeps
 * its text and is saved without parameters.  Parameters of the wrong
 * shape make the file unreadable, as any other wrong member. */
static void
test_timeline_text_only (void)
{
  static const char *const bad_params[] = {
    "\"params\": \"x\"",
    "\"params\": {\"new_reports\": -1, \"duplicates\": 0, \"other_domain\": 0, \"rejected\": 0}",
    "\"params\": {\"new_reports\": 1, \"duplicates\": 0, \"other_domain\": 0}",
  };
  g_autoptr(MtsProject) project = mts_project_new ("example.com");
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = mts_project_to_data (project, NULL);
  g_autofree char *old = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(JsonNode) root = json_from (text);
  g_autoptr(JsonNode) saved_root = NULL;
  JsonArray *timeline = json_object_get_array_member (json_node_get_object (root), "timeline");
  JsonObject *o = json_object_new ();
  JsonObject *saved_event;
  const MtsProjectEvent *event;

  json_object_set_string_member (o, "time", "2020-03-01T10:30:00Z");
  json_object_set_string_member (o, "kind", "import");
  json_object_set_string_member (o, "text", "3 neue TLS-Berichte importiert.");
  json_array_add_object_element (timeline, o);
  old = json_to_string (root, TRUE);
  loaded = mts_project_load_from_data (old, strlen (old), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mts_project_get_timeline (loaded)->len, ==, 2);
  event = mts_project_get_timeline (loaded)->pdata[1];
  g_assert_cmpint (event->kind, ==, MTS_TIMELINE_IMPORT);
  g_assert_false (event->has_params);
  g_assert_cmpstr (event->text, ==, "3 neue TLS-Berichte importiert.");
  g_assert_cmpuint (event->new_reports, ==, 0);
  saved = mts_project_to_data (loaded, NULL);
  saved_root = json_from (saved);
  saved_event = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (saved_root), "timeline"), 1);
  g_assert_cmpstr (json_object_get_string_member (saved_event, "text"), ==, "3 neue TLS-Berichte importiert.");
  g_assert_false (json_object_has_member (saved_event, "params"));
  g_clear_object (&loaded);

  for (guint i = 0; i < G_N_ELEMENTS (bad_params); i++)
    {
      g_autofree char *bad = g_strdup_printf ("{\"schema_version\": 1, \"domain\": \"example.com\", %s}",
                                              bad_params[i]);
      g_autoptr(JsonNode) params = json_from (bad);
      g_autofree char *file = NULL;

      json_object_set_member (o, "params",
                              json_node_copy (json_object_get_member (json_node_get_object (params), "params")));
      file = json_to_string (root, TRUE);
      loaded = mts_project_load_from_data (file, strlen (file), &error);
      g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT);
      g_assert_null (loaded);
      g_clear_error (&error);
    }
}

/* Two writers: the same switch further on both sides unites its steps;
 * one that ended it while the other went on ends it; a new switch after
 * the end goes on. */
static void
test_switch_merge (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) created = NULL;
  g_autoptr(MtsProject) a = NULL;
  g_autoptr(MtsProject) b = NULL;
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(GDateTime) started = date (7, 1, 0);
  g_autoptr(GDateTime) later = date (7, 3, 0);
  g_autoptr(MtsProjectSwitch) pending = make_switch ("enforce", "20200701T103000", started);
  g_autoptr(MtsProjectSwitch) further_a = NULL;
  g_autoptr(MtsProjectSwitch) further_b = NULL;
  g_autoptr(MtsProjectSwitch) other = make_switch ("testing", "20200703T103000", later);
  const char *done_a[] = { "publish-policy", "verify-policy", NULL };
  const char *done_b[] = { "publish-policy", "publish-record", NULL };
  const char *united[] = { "publish-policy", "verify-policy", "publish-record", NULL };
  const char *all_but_wait[] = { "publish-policy", "verify-policy", "publish-record", "verify-record",
                                 NULL };

  created = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  mts_project_set_pending_switch (created, pending);
  g_assert_true (mts_project_store_save (fixture->store, created, &error));
  g_assert_no_error (error);
  a = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  b = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);

  /* Both go on with the same switch. */
  further_a = mts_project_switch_copy (pending);
  g_strfreev (further_a->done_steps);
  further_a->done_steps = g_strdupv ((char **) done_a);
  further_a->applied = TRUE;
  further_b = mts_project_switch_copy (pending);
  g_strfreev (further_b->done_steps);
  further_b->done_steps = g_strdupv ((char **) done_b);
  mts_project_set_pending_switch (a, further_a);
  mts_project_set_pending_switch (b, further_b);
  g_assert_true (mts_project_store_save (fixture->store, a, &error));
  g_assert_no_error (error);
  g_assert_true (mts_project_store_save (fixture->store, b, &error));
  g_assert_no_error (error);
  loaded = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      const MtsProjectSwitch *merged = mts_project_get_pending_switch (i == 0 ? b : loaded);

      g_assert_nonnull (merged);
      g_assert_cmpstr (merged->new_id, ==, "20200701T103000");
      g_assert_true (merged->applied);
      g_assert_cmpstrv (merged->done_steps, united);
    }
  g_clear_object (&loaded);

  /* a finishes it while b, not knowing, goes on with it. */
  mts_project_set_pending_switch (a, NULL);
  g_strfreev (further_b->done_steps);
  further_b->done_steps = g_strdupv ((char **) all_but_wait);
  further_b->applied = TRUE;
  mts_project_set_pending_switch (b, further_b);
  g_assert_true (mts_project_store_save (fixture->store, a, &error));
  g_assert_no_error (error);
  g_assert_true (mts_project_store_save (fixture->store, b, &error));
  g_assert_no_error (error);
  g_assert_null (mts_project_get_pending_switch (b));
  loaded = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  g_assert_null (mts_project_get_pending_switch (loaded));
  g_clear_object (&loaded);

  /* b begins another one: it survives a save by a, which changed
   * something else. */
  mts_project_set_pending_switch (b, other);
  mts_project_set_step (a, "policy");
  g_assert_true (mts_project_store_save (fixture->store, b, &error));
  g_assert_no_error (error);
  g_assert_true (mts_project_store_save (fixture->store, a, &error));
  g_assert_no_error (error);
  assert_switch (mts_project_get_pending_switch (a), other);
  loaded = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  assert_switch (mts_project_get_pending_switch (loaded), other);
}

/* Both changed the same setting differently: nothing is written, nothing
 * in memory changes, and the message names the setting. */
static void
test_merge_conflict (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) created = NULL;
  g_autoptr(MtsProject) a = NULL;
  g_autoptr(MtsProject) b = NULL;
  g_autoptr(MtsProject) other = mts_project_new ("example.org");
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = domains_path (fixture, "example.com.json");
  g_autofree char *saved = NULL;
  g_autoptr(GPtrArray) mx = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_project_mx_host_free);

  created = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  a = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  b = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);

  mts_project_set_mode (a, MTS_POLICY_MODE_ENFORCE);
  mts_project_set_max_age (a, 86400);
  add_report (a, "o", "from-a");
  mts_project_set_mode (b, MTS_POLICY_MODE_NONE);
  mts_project_set_max_age (b, 86401);
  g_ptr_array_add (mx, mts_project_mx_host_new (1, "mx.example.com"));
  mts_project_set_mx_hosts (b, mx);
  add_report (b, "o", "from-b");

  g_assert_true (mts_project_store_save (fixture->store, a, &error));
  g_assert_no_error (error);
  saved = read_text (path);

  g_assert_false (mts_project_store_save (fixture->store, b, &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==,
                   "The project for example.com was changed elsewhere (in another window or with "
                   "the mtasts command) while it was open here, and both changed the policy mode, "
                   "max_age. Nothing was saved. Open the domain again to see the other changes, "
                   "then make yours again.");
  g_clear_error (&error);
  assert_file_text (path, saved);
  g_assert_cmpint (mts_project_get_mode (b), ==, MTS_POLICY_MODE_NONE);
  g_assert_cmpuint (mts_project_get_max_age (b), ==, 86401);
  g_assert_cmpuint (mts_project_get_n_reports (b), ==, 1);
  g_assert_null (mts_project_get_report_facts (b, "o", "from-a"));

  /* Another domain's project is never saved over this one. */
  file = g_file_new_for_path (path);
  g_assert_false (mts_project_save (other, file, &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "holds the project for example.com, not for example.org"));
  assert_file_text (path, saved);
}

/* The same as test_merge_append across processes, at full speed: two
 * writers saving 40 times each into one file lose nothing. */
static void
test_two_processes (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) created = NULL;
  g_autoptr(MtsProject) loaded = NULL;
  g_autofree char *writer = g_test_build_filename (G_TEST_BUILT, "project-writer", NULL);
  g_autofree char *path = domains_path (fixture, "example.com.json");
  GPid pids[2];

  created = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    {
      const char *argv[] = { writer, "append", path, i == 0 ? "left" : "right", "40", NULL };

      g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                     &pids[i], &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < 2; i++)
    {
      int status;

      g_assert_cmpint (waitpid (pids[i], &status, 0), ==, pids[i]);
      g_spawn_close_pid (pids[i]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }

  loaded = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mts_project_get_n_reports (loaded), ==, 80);
  for (guint i = 1; i <= 40; i++)
    {
      g_autofree char *left = g_strdup_printf ("left-%u", i);
      g_autofree char *right = g_strdup_printf ("right-%u", i);

      g_assert_nonnull (mts_project_get_report_facts (loaded, "left", left));
      g_assert_nonnull (mts_project_get_report_facts (loaded, "right", right));
    }
  /* "created", then one event per save. */
  g_assert_cmpuint (mts_project_get_timeline (loaded)->len, ==, 81);
  g_assert_cmpint (mts_project_get_revision (loaded), ==, 81);
}

/* The last number the writer printed, or @previous. */
static guint
last_number (const char *output,
             guint       previous)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  guint last = previous;

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      last = (guint) g_ascii_strtoull (lines[i], NULL, 10);
  return last;
}

static guint
count_kind (MtsProject      *project,
            MtsTimelineKind  kind)
{
  GPtrArray *timeline = mts_project_get_timeline (project);
  guint n = 0;

  for (guint i = 0; i < timeline->len; i++)
    if (((MtsProjectEvent *) timeline->pdata[i])->kind == kind)
      n++;
  return n;
}

/* Issues 6 and 8: kill -9 at random moments, 200 times, while a writer
 * saves one project over and over (project-writer loop).  After every kill
 * the file loads and holds a state some save wrote whole: the last one the
 * writer reported, or the one after it (renamed into place, killed before
 * it could say so).  Each kill comes 0 to 4 ms after the writer has read
 * the project, so it lands among the saves, not in start-up.
 *
 * The folder is on tmpfs when there is one: a kill tests the write and the
 * rename, which are the same there, while fsync() (which only matters when
 * the power goes) would make each save take ten times as long. */
static void
test_kill_loop (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *writer = g_test_build_filename (G_TEST_BUILT, "project-writer", NULL);
  g_autofree char *shm_dir = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *names = NULL;
  g_autoptr(GFile) file = NULL;
  /* Loading GIO's modules (gvfs and the like) is half of the writer's
   * start-up, and it only ever opens local files. */
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "GIO_USE_VFS", "local", TRUE);
  guint saved = 0;
  guint mid_run_kills = 0;
  const guint runs = 200;

  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR))
    {
      shm_dir = g_strdup ("/dev/shm/mts-project-kill-XXXXXX");
      if (g_mkdtemp (shm_dir) == NULL)
        g_clear_pointer (&shm_dir, g_free);
    }
  dir = shm_dir != NULL ? g_strdup (shm_dir) : domains_path (fixture, NULL);
  path = g_build_filename (dir, "kill.example.json", NULL);
  file = g_file_new_for_path (path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  for (guint run = 0; run <= runs; run++)
    {
      /* The last run is not killed: it saves three more times and ends. */
      gboolean kill_it = run < runs;
      g_autofree char *count = g_strdup_printf ("%u", kill_it ? G_MAXINT : saved + 3);
      const char *argv[] = { writer, "loop", path, count, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(MtsProject) project = NULL;
      g_autoptr(GIOChannel) channel = NULL;
      g_autofree char *ready = NULL;
      g_autofree char *output = NULL;
      guint reported;
      guint n;
      GPid pid;
      int out_fd;
      int status;

      g_spawn_async_with_pipes (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                NULL, &pid, NULL, &out_fd, NULL, &error);
      g_assert_no_error (error);
      channel = g_io_channel_unix_new (out_fd);
      g_io_channel_set_close_on_unref (channel, TRUE);
      g_io_channel_read_line (channel, &ready, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (ready, ==, "ready\n");

      if (kill_it)
        {
          g_usleep ((gulong) g_test_rand_int_range (0, 4000));
          kill (pid, SIGKILL);
        }
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      g_io_channel_read_to_end (channel, &output, NULL, &error);
      g_assert_no_error (error);
      reported = last_number (output, saved);

      if (kill_it)
        {
          g_assert_true (WIFSIGNALED (status));
          g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
          if (reported > saved)
            mid_run_kills++;
        }
      else
        {
          g_assert_true (WIFEXITED (status));
          g_assert_cmpint (WEXITSTATUS (status), ==, 0);
          g_assert_cmpuint (reported, ==, saved + 3);
        }

      project = mts_project_load (file, &error);
      if (project == NULL)
        {
          /* Killed before the first save ever finished. */
          g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NOT_FOUND);
          g_assert_cmpuint (reported, ==, 0);
          continue;
        }
      n = mts_project_get_n_reports (project);
      g_assert_cmpuint (n, >=, reported);
      g_assert_cmpuint (n, <=, reported + 1);
      g_assert_cmpuint (mts_project_get_max_age (project), ==, n);
      g_assert_cmpint (mts_project_get_revision (project), ==, n);
      g_assert_cmpuint (count_kind (project, MTS_TIMELINE_IMPORT), ==, n);
      for (guint i = 1; i <= n; i += 37)
        {
          g_autofree char *report_id = g_strdup_printf ("r-%u", i);
          JsonObject *facts = mts_project_get_report_facts (project, "org.example", report_id);

          g_assert_nonnull (facts);
          g_assert_cmpint (json_object_get_int_member (facts, "n"), ==, i);
        }
      saved = n;
    }

  g_test_message ("%u kills, %u of them after a save of their run; %u saves in all",
                  runs, mid_run_kills, saved);
  g_assert_cmpuint (mid_run_kills, >=, runs / 4);
  /* The last save cleared what killed saves left behind. */
  names = list_names (dir, "kill.example.json");
  g_assert_cmpstr (names, ==, "kill.example.json");
  if (shm_dir != NULL)
    remove_tree (shm_dir);
}

static gboolean
can_unshare_mounts (void)
{
  pid_t pid;
  int status;

  if (geteuid () != 0)
    return FALSE;
  pid = fork ();
  if (pid == 0)
    _exit (unshare (CLONE_NEWNS) == 0 &&
           mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == 0 ? 0 : 1);
  return pid > 0 && waitpid (pid, &status, 0) == pid && WIFEXITED (status) &&
         WEXITSTATUS (status) == 0;
}

/* In a private mount namespace, so the mount disappears with the process. */
static void
enter_mount_namespace (void)
{
  g_assert_cmpint (unshare (CLONE_NEWNS), ==, 0);
  g_assert_cmpint (mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL), ==, 0);
}

/* The folder cannot be written to: reading still works, saving says so
 * and changes nothing, and an unreadable file is left in place. */
static void
check_read_only (const char *dir,
                 const char *saved_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dir_file = g_file_new_for_path (dir);
  g_autoptr(MtsProjectStore) store = mts_project_store_new (dir_file);
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(MtsProject) fresh = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *path = g_build_filename (dir, "example.com.json", NULL);
  g_autofree char *broken = g_build_filename (dir, "broken.example.json", NULL);
  g_autofree char *names = NULL;

  list = mts_project_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);

  project = mts_project_store_open (store, "example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mts_project_get_max_age (project), ==, 4242);

  mts_project_set_max_age (project, 5353);
  g_assert_false (mts_project_store_save (store, project, &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "The project for example.com could not be saved"));
  g_assert_nonnull (strstr (error->message, "The last saved version was kept"));
  g_clear_error (&error);
  assert_file_text (path, saved_text);

  fresh = mts_project_store_create (store, "new.example", &error);
  g_assert_null (fresh);
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO);
  g_clear_error (&error);

  g_assert_null (mts_project_store_open (store, "broken.example", &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "It was left as it is, because its folder cannot be "
                                            "written to"));
  g_clear_error (&error);
  assert_file_text (broken, "{ broken");

  g_assert_false (mts_project_store_delete (store, "example.com", &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO);
  g_clear_error (&error);

  names = list_names (dir, "");
  g_assert_cmpstr (names, ==, ".example.com.json.lock,broken.example.json,example.com.json");
  assert_file_text (path, saved_text);
}

static char *
prepare_read_only (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autofree char *path = domains_path (fixture, "example.com.json");
  g_autofree char *broken = domains_path (fixture, "broken.example.json");

  project = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  mts_project_set_max_age (project, 4242);
  g_assert_true (mts_project_store_save (fixture->store, project, &error));
  g_assert_no_error (error);
  write_text (broken, "{ broken");
  return read_text (path);
}

static void
test_read_only (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *dir = domains_path (fixture, NULL);
  g_autofree char *saved = NULL;

  if (geteuid () != 0)
    {
      saved = prepare_read_only (fixture);
      g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
      check_read_only (dir, saved);
      g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
      return;
    }

  /* Root ignores file modes: the folder becomes a read-only bind mount, in
   * a subprocess with its own mount namespace (and its own fixture). */
  if (!can_unshare_mounts ())
    {
      g_test_skip ("running as root without mount namespaces: no way to make a folder read-only");
      return;
    }
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }
  saved = prepare_read_only (fixture);
  enter_mount_namespace ();
  g_assert_cmpint (mount (dir, dir, "none", MS_BIND, NULL), ==, 0);
  g_assert_cmpint (mount ("none", dir, "none", MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), ==, 0);
  check_read_only (dir, saved);
  /* So that the fixture can remove the folder. */
  g_assert_cmpint (umount (dir), ==, 0);
}

/* A write that fails half way (a full disk) keeps the old file whole and
 * leaves no temporary file.  RLIMIT_FSIZE makes writes past a size fail
 * for any user; as root, a real full tmpfs is tried too. */
static void
check_full_disk (MtsProjectStore *store,
                 const char      *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(MtsProject) loaded = NULL;
  g_autofree char *path = g_build_filename (dir, "example.com.json", NULL);
  g_autofree char *before = NULL;
  g_autofree char *names = NULL;
  g_autofree char *padding = g_strnfill (4000, 'p');

  project = mts_project_store_open (store, "example.com", &error);
  g_assert_no_error (error);
  before = read_text (path);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *report_id = g_strdup_printf ("big-%u", i);
      g_autoptr(JsonObject) facts = json_object_new ();

      json_object_set_string_member (facts, "padding", padding);
      mts_project_add_report_facts (project, "o", report_id, facts);
    }

  g_assert_false (mts_project_store_save (store, project, &error));
  g_assert_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "the disk is not full"));
  g_clear_error (&error);

  assert_file_text (path, before);
  loaded = mts_project_store_open (store, "example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mts_project_get_n_reports (loaded), ==, 0);
  names = list_names (dir, "example.com.json");
  g_assert_cmpstr (names, ==, "example.com.json");
}

static void
test_full_disk_rlimit (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autofree char *dir = domains_path (fixture, NULL);
  struct rlimit limit = { 64 * 1024, 64 * 1024 };

  /* The limit stays with the process: set it in a subprocess (which runs
   * this test again, with its own fixture). */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }
  project = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  /* Writing past the limit then fails with EFBIG instead of killing us. */
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  check_full_disk (fixture->store, dir);
}

static void
test_full_disk_tmpfs (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *filler = NULL;
  g_autoptr(GFile) dir_file = NULL;
  g_autoptr(MtsProjectStore) store = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(MtsProject) reopened = NULL;
  char block[4096] = { 0 };
  int fd;

  if (!can_unshare_mounts ())
    {
      g_test_skip ("needs root and mount namespaces to mount a small tmpfs");
      return;
    }
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  dir = g_dir_make_tmp ("mts-project-full-XXXXXX", &error);
  g_assert_no_error (error);
  enter_mount_namespace ();
  g_assert_cmpint (mount ("tmpfs", dir, "tmpfs", 0, "size=256k,mode=0700"), ==, 0);

  dir_file = g_file_new_for_path (dir);
  store = mts_project_store_new (dir_file);
  project = mts_project_store_create (store, "example.com", &error);
  g_assert_no_error (error);

  filler = g_build_filename (dir, "filler", NULL);
  fd = g_open (filler, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  while (write (fd, block, sizeof block) == sizeof block)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  close (fd);

  check_full_disk (store, dir);

  /* Room again: the same project saves. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  reopened = mts_project_store_open (store, "example.com", &error);
  g_assert_no_error (error);
  mts_project_set_max_age (reopened, 99);
  g_assert_true (mts_project_store_save (store, reopened, &error));
  g_assert_no_error (error);
  umount (dir);
  g_rmdir (dir);
}

/* Saving in a thread -------------------------------------------------- */

typedef struct
{
  guint done;
  guint failed;
  GError *error;
} SaveResults;

static void
save_async_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  SaveResults *results = user_data;
  g_autoptr(GError) error = NULL;

  if (!mts_project_store_save_finish (MTS_PROJECT_STORE (source), result, &error))
    {
      results->failed++;
      if (results->error == NULL)
        results->error = g_steal_pointer (&error);
    }
  results->done++;
}

static void
wait_saves (SaveResults *results,
            guint        n)
{
  while (results->done < n)
    g_main_context_iteration (NULL, TRUE);
}

/* Asked three times while the first write runs: the writes do not
 * overlap, every request is answered, and the file ends with the latest
 * state; what the thread wrote is the project's base for the next save. */
static void
test_save_async (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(MtsProject) loaded = NULL;
  g_autoptr(MtsProject) other = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *path = domains_path (fixture, "example.com.json");
  SaveResults results = { 0 };
  gint64 revision;

  project = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  revision = mts_project_get_revision (project);
  for (int i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%d", i);

      add_report (project, "Example Org", id);
    }
  mts_project_store_save_async (fixture->store, project, NULL, save_async_cb, &results);
  mts_project_set_mode (project, MTS_POLICY_MODE_ENFORCE);
  mts_project_store_save_async (fixture->store, project, NULL, save_async_cb, &results);
  mts_project_set_max_age (project, 86400);
  mts_project_store_save_async (fixture->store, project, NULL, save_async_cb, &results);
  wait_saves (&results, 3);
  g_assert_no_error (results.error);
  g_assert_cmpuint (results.failed, ==, 0);
  /* Two writes: the first, then one for the two that waited. */
  g_assert_cmpint (mts_project_get_revision (project), ==, revision + 2);

  loaded = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpint (mts_project_get_mode (loaded), ==, MTS_POLICY_MODE_ENFORCE);
  g_assert_cmpuint (mts_project_get_max_age (loaded), ==, 86400);
  g_assert_cmpuint (mts_project_get_n_reports (loaded), ==, 200);
  /* The same text as a save on this thread writes. */
  disk = read_text (path);
  memory = mts_project_to_data (project, NULL);
  g_assert_cmpstr (disk, ==, memory);

  /* Another writer meanwhile: merged in the thread, and shown here. */
  other = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  add_report (other, "Other Org", "o1");
  g_assert_true (mts_project_store_save (fixture->store, other, &error));
  g_assert_no_error (error);
  mts_project_set_step (project, "policy");
  mts_project_store_save_async (fixture->store, project, NULL, save_async_cb, &results);
  /* Changed again while the thread writes: that change is kept too. */
  mts_project_set_display_name (project, "Example");
  wait_saves (&results, 4);
  g_assert_no_error (results.error);
  g_assert_cmpuint (mts_project_get_n_reports (project), ==, 201);
  g_assert_cmpstr (mts_project_get_display_name (project), ==, "Example");
  g_assert_cmpstr (mts_project_get_step (project), ==, "policy");
  g_assert_true (mts_project_store_save (fixture->store, project, &error));
  g_assert_no_error (error);
  g_clear_object (&loaded);
  loaded = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mts_project_get_n_reports (loaded), ==, 201);
  g_assert_cmpstr (mts_project_get_display_name (loaded), ==, "Example");
  g_assert_cmpstr (mts_project_get_step (loaded), ==, "policy");
}

/* Both changed the same setting: the thread refuses as the sync save
 * does, and nothing in memory changes. */
static void
test_save_async_conflict (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) created = NULL;
  g_autoptr(MtsProject) a = NULL;
  g_autoptr(MtsProject) b = NULL;
  SaveResults results = { 0 };

  created = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  a = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  b = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  mts_project_set_mode (a, MTS_POLICY_MODE_ENFORCE);
  mts_project_set_mode (b, MTS_POLICY_MODE_NONE);
  g_assert_true (mts_project_store_save (fixture->store, a, &error));
  g_assert_no_error (error);
  mts_project_store_save_async (fixture->store, b, NULL, save_async_cb, &results);
  wait_saves (&results, 1);
  g_assert_error (results.error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CONFLICT);
  g_clear_error (&results.error);
  g_assert_cmpint (mts_project_get_mode (b), ==, MTS_POLICY_MODE_NONE);
}

/* A window that closes while its write runs waits for it, then saves
 * what is left at once. */
static void
test_save_wait (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(MtsProject) loaded = NULL;
  SaveResults results = { 0 };

  project = mts_project_store_create (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *id = g_strdup_printf ("w%d", i);

      add_report (project, "Example Org", id);
    }
  mts_project_store_save_async (fixture->store, project, NULL, save_async_cb, &results);
  mts_project_set_mode (project, MTS_POLICY_MODE_ENFORCE);
  mts_project_store_save_wait (fixture->store, project);
  g_assert_true (mts_project_store_save (fixture->store, project, &error));
  g_assert_no_error (error);
  loaded = mts_project_store_open (fixture->store, "example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpint (mts_project_get_mode (loaded), ==, MTS_POLICY_MODE_ENFORCE);
  g_assert_cmpuint (mts_project_get_n_reports (loaded), ==, 100);
  /* The callback still comes. */
  wait_saves (&results, 1);
  g_assert_no_error (results.error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/mts/project/new", test_new);
  g_test_add_func ("/mts/project/notify", test_notify);
  g_test_add_func ("/mts/project/report-keys", test_report_keys);
  g_test_add_func ("/mts/project/load-from-data", test_load_from_data);
  g_test_add_func ("/mts/project/load-message-utf8", test_load_message_utf8);
  g_test_add_func ("/mts/project/unknown-members-order", test_unknown_members_order);
  g_test_add_func ("/mts/project/lone-surrogate", test_lone_surrogate);
  g_test_add_func ("/mts/project/infinite-number", test_infinite_number);
  ADD ("/mts/project/round-trip", test_round_trip);
  ADD ("/mts/project/unknown-members", test_unknown_members);
  ADD ("/mts/project/stray-temp-file", test_stray_temp_file);
  g_test_add_func ("/mts/project/corrupt", test_corrupt);
  ADD ("/mts/project/newer-version", test_newer_version);
  ADD ("/mts/project/store-list", test_store_list);
  ADD ("/mts/project/safe-names", test_safe_names);
  ADD ("/mts/project/delete", test_delete);
  ADD ("/mts/project/merge-append", test_merge_append);
  ADD ("/mts/project/merge-settings", test_merge_settings);
  ADD ("/mts/project/merge-conflict", test_merge_conflict);
  ADD ("/mts/project/switch/round-trip", test_switch_round_trip);
  g_test_add_func ("/mts/project/switch/old-file", test_switch_old_file);
  g_test_add_func ("/mts/project/timeline/params", test_timeline_params);
  g_test_add_func ("/mts/project/timeline/text-only", test_timeline_text_only);
  ADD ("/mts/project/switch/merge", test_switch_merge);
  ADD ("/mts/project/save-async", test_save_async);
  ADD ("/mts/project/save-async-conflict", test_save_async_conflict);
  ADD ("/mts/project/save-wait", test_save_wait);
  ADD ("/mts/project/two-processes", test_two_processes);
  ADD ("/mts/project/read-only", test_read_only);
  ADD ("/mts/project/full-disk/rlimit", test_full_disk_rlimit);
  g_test_add_func ("/mts/project/full-disk/tmpfs", test_full_disk_tmpfs);
  ADD ("/mts/project/kill-loop", test_kill_loop);

  return g_test_run ();
}
