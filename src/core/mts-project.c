/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-project.c: everything the user entered and the app learnt about one domain, saved as JSON.
 *
 * The file format (schema_version 1).  One JSON object per domain, kept by
 * MtsProjectStore as $XDG_DATA_HOME/io.github.mtasts.Wizard/domains/DOMAIN.json
 * (inside Flatpak that is the app's own data folder).  Dates are RFC 3339
 * strings in UTC ("2026-11-28T21:49:56.123456Z"); null means "not yet".
 *
 *   schema_version  integer, 1.  A larger number is refused, never rewritten.
 *   app_version     the version of MTA-STS Wizard that wrote the file.
 *   revision        counts the saves, for people reading the file.
 *   domain          the mail domain in A-labels ("xn--bcher-kva.example").
 *   display_name    the name as shown ("bücher.example").
 *   state           "draft", "testing", "enforce", "removing" or "removed"; state_since:
 *                   its date.
 *   step            the wizard page to resume on, or null.
 *   mx_hosts        [{ "preference": 10, "host": "mx1.example.com" }], as DNS gave them.
 *   mx_patterns     the policy's mx lines: ["mx1.example.com", "*.example.net"].
 *   mode, max_age   the policy's mode ("none", "testing", "enforce") and max_age in seconds.
 *   rua             the TLS-RPT report addresses: ["mailto:tlsrpt@example.com"].
 *   ids             [{ "id", "generated", "published", "max_age" }]: every policy id, oldest
 *                   first; max_age (the policy's that went with the id) is absent in
 *                   files written before 0.3.
 *   policy_published, sts_record_published, tlsrpt_record_published:
 *                   when an audit first saw each published as generated.
 *   last_audit      { "time", "result" } (the net library's audit as JSON), or null.
 *   timeline        [{ "time", "kind", "text", "params" }]; kind: "created", "published",
 *                   "audit", "import" or "switch".  "params" (added within schema 1)
 *                   says what happened, for the views to word in the reader's
 *                   language: created {}; audit { "verdict" }; published { "what" };
 *                   import { "new_reports", "duplicates", "other_domain", "rejected" };
 *                   switch started { "phase": "started", "switch", "new_id", "max_age",
 *                   "wait_until" (or null) }; switch seen published { "phase":
 *                   "published", "switch" (the state) }.  "text" is what an older
 *                   version shows: an English line, or the word it translated itself
 *                   (verdict, what, state).  An event without "params" (an older
 *                   file, or one an older version saved) is shown as its text.
 *   reports         [{ "organization", "report_id", "imported", "facts" }]: what the
 *                   importer kept of each TLS-RPT report, unique by (organization, report_id).
 *   pending_switch  the switch of mode under way, or null: { "kind" ("enforce", "testing",
 *                   "remove"), "started", "previous_id" (or null), "new_id", "mode",
 *                   "max_age" (the new policy's), "old_max_age", "wait_until" (or null),
 *                   "applied", "done_steps": ["publish-policy", ...] }.  Added within
 *                   schema 1: a file without it has no switch under way, and an older
 *                   version keeps it as an unknown member.
 *
 * Members this version does not know are kept and written back, so that a
 * newer version's additions to schema 1 survive a save by this one.
 *
 * Saving never loses data.  The new file is written next to the old one and
 * renamed over it (see write_file ()), so a crash leaves the old or the new
 * file, never half of one.  Two writers (two windows, or `mtasts import`
 * while the wizard is open) take a lock around read-merge-write; a save
 * that finds the file changed since it was read merges the other writer's
 * additions (ids, timeline, reports) and refuses with
 * MTS_PROJECT_ERROR_CONFLICT when both changed the same setting differently.
 * A file that cannot be read is moved aside, never overwritten; a file from
 * a newer version is left alone and refused.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mts-domain.h"
#include "mts-project-private.h"

/* Report facts come from strangers' JSON, bounded to 64 levels by the
 * importer; the project adds a few levels around them.  json-glib's parser
 * recurses once per level, so deeper files are refused before parsing. */
#define MAX_NESTING 128
/* A year of reports is a few megabytes; this only stops absurd allocations. */
#define MAX_FILE_SIZE ((gsize) 512 * 1024 * 1024)

typedef struct
{
  gboolean valid;
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime;
  struct timespec ctime;
} FileIdentity;

struct _MtsProject
{
  GObject parent_instance;

  char *domain;
  char *display_name;
  MtsProjectState state;
  GDateTime *state_since;
  char *step;
  GPtrArray *mx_hosts;      /* MtsProjectMxHost */
  GStrv mx_patterns;
  MtsPolicyMode mode;
  guint32 max_age;
  GStrv rua;
  GPtrArray *ids;           /* MtsProjectId, oldest first */
  GDateTime *published[MTS_N_PUBLISHED];
  JsonNode *last_audit;
  GDateTime *last_audit_time;
  GPtrArray *timeline;      /* MtsProjectEvent */
  GPtrArray *reports;       /* MtsProjectReport */
  GHashTable *report_index; /* report_key () -> MtsProjectReport, borrowed */
  JsonObject *extra;        /* members this version does not know */
  MtsProjectSwitch *pending_switch;

  /* What the file was when this project was read from or written to it:
   * a save compares it with the file on disk to see another writer. */
  GFile *file;
  FileIdentity identity;
  gint64 revision;
  /* The settings (the members that are replaced, not appended to) as they
   * were then: the common ancestor of a three-way merge. */
  JsonObject *base;
  /* Counts the changes, so that a save made in a thread knows whether the
   * project changed while it wrote (see _mts_project_snapshot_apply ()). */
  guint64 serial;
};

G_DEFINE_FINAL_TYPE (MtsProject, mts_project, G_TYPE_OBJECT)

G_DEFINE_QUARK (mts-project-error-quark, mts_project_error)

G_DEFINE_ENUM_TYPE (MtsProjectState, mts_project_state,
                    G_DEFINE_ENUM_VALUE (MTS_PROJECT_STATE_DRAFT, "draft"),
                    G_DEFINE_ENUM_VALUE (MTS_PROJECT_STATE_TESTING, "testing"),
                    G_DEFINE_ENUM_VALUE (MTS_PROJECT_STATE_ENFORCE, "enforce"),
                    G_DEFINE_ENUM_VALUE (MTS_PROJECT_STATE_REMOVING, "removing"),
                    G_DEFINE_ENUM_VALUE (MTS_PROJECT_STATE_REMOVED, "removed"))

enum
{
  PROP_0,
  PROP_DOMAIN,
  PROP_DISPLAY_NAME,
  PROP_STATE,
  PROP_STATE_SINCE,
  PROP_STEP,
  PROP_MX_HOSTS,
  PROP_MX_PATTERNS,
  PROP_MODE,
  PROP_MAX_AGE,
  PROP_RUA,
  PROP_CURRENT_ID,
  PROP_LAST_AUDIT,
  PROP_LAST_AUDIT_TIME,
  PROP_N_EVENTS,
  PROP_N_REPORTS,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *const state_names[] = { "draft", "testing", "enforce", "removing", "removed" };
static const char *const kind_names[] = { "created", "published", "audit", "import", "switch" };
static const char *const published_keys[MTS_N_PUBLISHED] = {
  "policy_published", "sts_record_published", "tlsrpt_record_published",
};

/* Every member this version writes; anything else in a file goes to extra. */
static const char *const known_members[] = {
  "schema_version", "app_version", "revision", "domain", "display_name", "state",
  "state_since", "step", "mx_hosts", "mx_patterns", "mode", "max_age", "rua", "ids",
  "policy_published", "sts_record_published", "tlsrpt_record_published", "last_audit",
  "timeline", "reports", "pending_switch",
};

static const char *const switch_kinds[] = { "enforce", "testing", "remove" };
/* The steps of a switch, in order (see mts_promotion_new ()). */
static const char *const step_order[] = {
  "publish-policy", "verify-policy", "publish-record", "verify-record", "wait", "remove",
};

const char *
mts_project_state_to_string (MtsProjectState state)
{
  g_return_val_if_fail (state <= MTS_PROJECT_STATE_REMOVED, "draft");
  return state_names[state];
}

gboolean
mts_project_state_from_string (const char      *string,
                               MtsProjectState *state)
{
  g_return_val_if_fail (string != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (string, state_names[i]))
      {
        if (state != NULL)
          *state = (MtsProjectState) i;
        return TRUE;
      }
  return FALSE;
}

const char *
mts_timeline_kind_to_string (MtsTimelineKind kind)
{
  g_return_val_if_fail (kind <= MTS_TIMELINE_SWITCH, "created");
  return kind_names[kind];
}

gboolean
mts_timeline_kind_from_string (const char      *string,
                               MtsTimelineKind *kind)
{
  g_return_val_if_fail (string != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (string, kind_names[i]))
      {
        if (kind != NULL)
          *kind = (MtsTimelineKind) i;
        return TRUE;
      }
  return FALSE;
}

MtsProjectMxHost *
mts_project_mx_host_new (guint16     preference,
                         const char *host)
{
  MtsProjectMxHost *mx;

  g_return_val_if_fail (host != NULL, NULL);

  mx = g_new0 (MtsProjectMxHost, 1);
  mx->preference = preference;
  mx->host = g_strdup (host);
  return mx;
}

void
mts_project_mx_host_free (MtsProjectMxHost *mx)
{
  if (mx == NULL)
    return;
  g_free (mx->host);
  g_free (mx);
}

static void
project_id_free (MtsProjectId *entry)
{
  g_free (entry->id);
  g_clear_pointer (&entry->generated, g_date_time_unref);
  g_clear_pointer (&entry->published, g_date_time_unref);
  g_free (entry);
}

static void
project_event_free (MtsProjectEvent *event)
{
  g_clear_pointer (&event->time, g_date_time_unref);
  g_free (event->text);
  g_free (event->what);
  g_free (event->new_id);
  g_clear_pointer (&event->wait_until, g_date_time_unref);
  g_free (event);
}

static MtsProjectEvent *
project_event_copy (const MtsProjectEvent *event)
{
  MtsProjectEvent *copy = g_memdup2 (event, sizeof *event);

  copy->time = g_date_time_ref (event->time);
  copy->text = g_strdup (event->text);
  copy->what = g_strdup (event->what);
  copy->new_id = g_strdup (event->new_id);
  if (event->wait_until != NULL)
    copy->wait_until = g_date_time_ref (event->wait_until);
  return copy;
}


static void
project_report_free (MtsProjectReport *report)
{
  g_free (report->organization);
  g_free (report->report_id);
  g_clear_pointer (&report->imported, g_date_time_unref);
  g_clear_pointer (&report->facts, json_object_unref);
  g_free (report);
}

/* Unambiguous whatever the two strings hold. */
static char *
report_key (const char *organization,
            const char *report_id)
{
  return g_strdup_printf ("%" G_GSIZE_FORMAT ":%s%s", strlen (organization), organization, report_id);
}

static GDateTime *
utc_or_now (GDateTime *when)
{
  return when != NULL ? g_date_time_to_utc (when) : g_date_time_new_now_utc ();
}

static gboolean
dates_equal (GDateTime *a,
             GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_date_time_equal (a, b);
}

static gboolean
strv_equal0 (const char *const *a,
             const char *const *b)
{
  static const char *const empty[] = { NULL };

  return g_strv_equal (a != NULL ? a : empty, b != NULL ? b : empty);
}

/* GLib 2.76 has g_set_str(); Debian 12 has 2.74. */
static gboolean
set_str (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
emit_changed (MtsProject *self)
{
  self->serial++;
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
notify (MtsProject *self,
        guint       prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  emit_changed (self);
}

/* The pending switch. */

/**
 * mts_project_switch_free:
 */
void
mts_project_switch_free (MtsProjectSwitch *pending)
{
  if (pending == NULL)
    return;
  g_free (pending->kind);
  g_clear_pointer (&pending->started, g_date_time_unref);
  g_free (pending->previous_id);
  g_free (pending->new_id);
  g_clear_pointer (&pending->wait_until, g_date_time_unref);
  g_strfreev (pending->done_steps);
  g_free (pending);
}

/**
 * mts_project_switch_copy:
 *
 * Returns: (transfer full): a deep copy of @pending
 */
MtsProjectSwitch *
mts_project_switch_copy (const MtsProjectSwitch *pending)
{
  MtsProjectSwitch *copy;

  g_return_val_if_fail (pending != NULL, NULL);

  copy = g_new0 (MtsProjectSwitch, 1);
  copy->kind = g_strdup (pending->kind);
  copy->started = pending->started != NULL ? g_date_time_to_utc (pending->started)
                                           : g_date_time_new_now_utc ();
  copy->previous_id = g_strdup (pending->previous_id);
  copy->new_id = g_strdup (pending->new_id);
  copy->mode = pending->mode;
  copy->max_age = pending->max_age;
  copy->old_max_age = pending->old_max_age;
  copy->wait_until = pending->wait_until != NULL ? g_date_time_to_utc (pending->wait_until) : NULL;
  copy->applied = pending->applied;
  copy->done_steps = g_strdupv (pending->done_steps);
  if (copy->done_steps == NULL)
    copy->done_steps = g_new0 (char *, 1);
  return copy;
}

static gboolean
switch_equal (const MtsProjectSwitch *a,
              const MtsProjectSwitch *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_str_equal (a->kind, b->kind) && dates_equal (a->started, b->started) &&
         g_strcmp0 (a->previous_id, b->previous_id) == 0 && g_str_equal (a->new_id, b->new_id) &&
         a->mode == b->mode && a->max_age == b->max_age && a->old_max_age == b->old_max_age &&
         dates_equal (a->wait_until, b->wait_until) && a->applied == b->applied &&
         strv_equal0 ((const char *const *) a->done_steps, (const char *const *) b->done_steps);
}

/* Timeline events are facts with no key; an event is the same event when
 * every field is. */
static gboolean
project_event_equal (const MtsProjectEvent *a,
                     const MtsProjectEvent *b)
{
  return a->kind == b->kind && g_date_time_equal (a->time, b->time) &&
         g_str_equal (a->text, b->text) && a->has_params == b->has_params &&
         g_strcmp0 (a->what, b->what) == 0 && a->seen_published == b->seen_published &&
         g_strcmp0 (a->new_id, b->new_id) == 0 && a->max_age == b->max_age &&
         dates_equal (a->wait_until, b->wait_until) && a->new_reports == b->new_reports &&
         a->duplicates == b->duplicates && a->other_domain == b->other_domain &&
         a->rejected == b->rejected;
}

/* Serialising. */

static JsonNode *
date_node (GDateTime *date)
{
  JsonNode *node = json_node_new (JSON_NODE_NULL);

  /* What g_date_time_format_iso8601() writes for UTC, several times as
   * fast: a project has a date per report and event. */
  if (date != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (date);
      int year, month, day;
      int usec = g_date_time_get_microsecond (utc);
      char text[48];

      g_date_time_get_ymd (utc, &year, &month, &day);
      if (usec != 0)
        g_snprintf (text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", year, month, day,
                    g_date_time_get_hour (utc), g_date_time_get_minute (utc),
                    g_date_time_get_second (utc), usec);
      else
        g_snprintf (text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day,
                    g_date_time_get_hour (utc), g_date_time_get_minute (utc),
                    g_date_time_get_second (utc));
      json_node_init_string (node, text);
    }
  return node;
}

static JsonNode *
string_node (const char *string)
{
  JsonNode *node = json_node_new (JSON_NODE_NULL);

  if (string != NULL)
    json_node_init_string (node, string);
  return node;
}

/* Takes @array over (json_node_init_array() adds its own reference). */
static JsonNode *
array_node (JsonArray *array)
{
  JsonNode *node = json_node_init_array (json_node_alloc (), array);

  json_array_unref (array);
  return node;
}

static JsonNode *
strv_node (const char *const *strv)
{
  JsonArray *array = json_array_new ();

  for (gsize i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  return array_node (array);
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  return node;
}

static JsonNode *
last_audit_node (MtsProject *self)
{
  JsonObject *audit;

  if (self->last_audit == NULL)
    return json_node_new (JSON_NODE_NULL);
  audit = json_object_new ();
  json_object_set_member (audit, "time", date_node (self->last_audit_time));
  json_object_set_member (audit, "result", json_node_copy (self->last_audit));
  return object_node (audit);
}

/* What json-glib reads but cannot write back as JSON that reads again: it
 * decodes an escaped lone surrogate ("\\ud800") to three bytes that are not
 * UTF-8, and a number too large for a double (1e999) to infinity, which it
 * writes as "inf.0".  A report's facts or an unknown member holding either
 * would make the saved file one that the next load refuses (and moves
 * aside).  Returns a copy of @node in which every string and member name is
 * valid UTF-8 (U+FFFD for what is not) and every number finite (the largest
 * double, with its sign), or NULL when @node is fine already. */
static JsonNode *
writable_node (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING &&
          !g_utf8_validate (json_node_get_string (node), -1, NULL))
        {
          g_autofree char *valid = g_utf8_make_valid (json_node_get_string (node), -1);

          return json_node_init_string (json_node_alloc (), valid);
        }
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE &&
          !isfinite (json_node_get_double (node)))
        {
          double value = json_node_get_double (node);

          if (isnan (value))
            return json_node_new (JSON_NODE_NULL);
          return json_node_init_double (json_node_alloc (), value > 0 ? G_MAXDOUBLE : -G_MAXDOUBLE);
        }
      return NULL;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);
        JsonArray *copy = NULL;

        for (guint i = 0; i < n; i++)
          {
            JsonNode *element = json_array_get_element (array, i);
            JsonNode *valid = writable_node (element);

            if (valid != NULL && copy == NULL)
              {
                copy = json_array_sized_new (n);
                for (guint j = 0; j < i; j++)
                  json_array_add_element (copy, json_node_copy (json_array_get_element (array, j)));
              }
            if (copy != NULL)
              json_array_add_element (copy, valid != NULL ? valid : json_node_copy (element));
          }
        return copy != NULL ? array_node (copy) : NULL;
      }

    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) names = json_object_get_members (object);
        g_autoptr(GPtrArray) valid = g_ptr_array_new ();
        gboolean changed = FALSE;
        JsonObject *copy;
        guint i = 0;

        /* Two passes keep the members in their order. */
        for (GList *l = names; l != NULL; l = l->next)
          {
            JsonNode *member = writable_node (json_object_get_member (object, l->data));

            g_ptr_array_add (valid, member);
            changed = changed || member != NULL || !g_utf8_validate (l->data, -1, NULL);
          }
        if (!changed)
          return NULL;
        copy = json_object_new ();
        for (GList *l = names; l != NULL; l = l->next, i++)
          {
            JsonNode *member = g_ptr_array_index (valid, i);
            g_autofree char *name = g_utf8_make_valid (l->data, -1);

            json_object_set_member (copy, name,
                                    member != NULL ? member
                                                   : json_node_copy (json_object_get_member (object,
                                                                                             l->data)));
          }
        return object_node (copy);
      }

    case JSON_NODE_NULL:
    default:
      return NULL;
    }
}

static JsonNode *
switch_node (const MtsProjectSwitch *pending)
{
  JsonObject *o;

  if (pending == NULL)
    return json_node_new (JSON_NODE_NULL);
  o = json_object_new ();
  json_object_set_string_member (o, "kind", pending->kind);
  json_object_set_member (o, "started", date_node (pending->started));
  json_object_set_member (o, "previous_id", string_node (pending->previous_id));
  json_object_set_string_member (o, "new_id", pending->new_id);
  json_object_set_string_member (o, "mode", mts_policy_mode_to_string (pending->mode));
  json_object_set_int_member (o, "max_age", pending->max_age);
  json_object_set_int_member (o, "old_max_age", pending->old_max_age);
  json_object_set_member (o, "wait_until", date_node (pending->wait_until));
  json_object_set_boolean_member (o, "applied", pending->applied);
  json_object_set_member (o, "done_steps", strv_node ((const char *const *) pending->done_steps));
  return object_node (o);
}

/* The "params" of a timeline event (see the file format above). */
static JsonObject *
event_params_to_json (const MtsProjectEvent *event)
{
  JsonObject *o = json_object_new ();

  switch (event->kind)
    {
    case MTS_TIMELINE_AUDIT:
      json_object_set_member (o, "verdict", string_node (event->what));
      break;
    case MTS_TIMELINE_PUBLISHED:
      json_object_set_member (o, "what", string_node (event->what));
      break;
    case MTS_TIMELINE_IMPORT:
      json_object_set_int_member (o, "new_reports", event->new_reports);
      json_object_set_int_member (o, "duplicates", event->duplicates);
      json_object_set_int_member (o, "other_domain", event->other_domain);
      json_object_set_int_member (o, "rejected", event->rejected);
      break;
    case MTS_TIMELINE_SWITCH:
      json_object_set_string_member (o, "phase", event->seen_published ? "published" : "started");
      json_object_set_member (o, "switch", string_node (event->what));
      if (!event->seen_published)
        {
          json_object_set_member (o, "new_id", string_node (event->new_id));
          json_object_set_int_member (o, "max_age", event->max_age);
          json_object_set_member (o, "wait_until", date_node (event->wait_until));
        }
      break;
    case MTS_TIMELINE_CREATED:
    default:
      break;
    }
  return o;
}

/* The members that are replaced as a whole (see setting_groups). */
static void
add_settings (MtsProject *self,
              JsonObject *root)
{
  JsonArray *array;

  json_object_set_string_member (root, "display_name", self->display_name);
  json_object_set_string_member (root, "state", state_names[self->state]);
  json_object_set_member (root, "state_since", date_node (self->state_since));
  json_object_set_member (root, "step", string_node (self->step));

  array = json_array_new ();
  for (guint i = 0; i < self->mx_hosts->len; i++)
    {
      MtsProjectMxHost *mx = g_ptr_array_index (self->mx_hosts, i);
      JsonObject *o = json_object_new ();

      json_object_set_int_member (o, "preference", mx->preference);
      json_object_set_string_member (o, "host", mx->host);
      json_array_add_object_element (array, o);
    }
  json_object_set_member (root, "mx_hosts", array_node (array));
  json_object_set_member (root, "mx_patterns", strv_node ((const char *const *) self->mx_patterns));
  json_object_set_string_member (root, "mode", mts_policy_mode_to_string (self->mode));
  json_object_set_int_member (root, "max_age", self->max_age);
  json_object_set_member (root, "rua", strv_node ((const char *const *) self->rua));
  for (guint i = 0; i < MTS_N_PUBLISHED; i++)
    json_object_set_member (root, published_keys[i], date_node (self->published[i]));
  json_object_set_member (root, "last_audit", last_audit_node (self));
  json_object_set_member (root, "pending_switch", switch_node (self->pending_switch));
}

static JsonObject *
project_to_json (MtsProject *self)
{
  JsonObject *root = json_object_new ();
  JsonArray *array;

  json_object_set_int_member (root, "schema_version", MTS_PROJECT_SCHEMA_VERSION);
  json_object_set_string_member (root, "app_version", PACKAGE_VERSION);
  json_object_set_int_member (root, "revision", self->revision);
  json_object_set_string_member (root, "domain", self->domain);
  add_settings (self, root);

  array = json_array_new ();
  for (guint i = 0; i < self->ids->len; i++)
    {
      MtsProjectId *entry = g_ptr_array_index (self->ids, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "id", entry->id);
      json_object_set_member (o, "generated", date_node (entry->generated));
      json_object_set_member (o, "published", date_node (entry->published));
      if (entry->max_age != 0)
        json_object_set_int_member (o, "max_age", entry->max_age);
      json_array_add_object_element (array, o);
    }
  json_object_set_member (root, "ids", array_node (array));

  array = json_array_new ();
  for (guint i = 0; i < self->timeline->len; i++)
    {
      MtsProjectEvent *event = g_ptr_array_index (self->timeline, i);
      JsonObject *o = json_object_new ();

      json_object_set_member (o, "time", date_node (event->time));
      json_object_set_string_member (o, "kind", kind_names[event->kind]);
      json_object_set_string_member (o, "text", event->text);
      if (event->has_params)
        json_object_set_member (o, "params", object_node (event_params_to_json (event)));
      json_array_add_object_element (array, o);
    }
  json_object_set_member (root, "timeline", array_node (array));

  array = json_array_new ();
  for (guint i = 0; i < self->reports->len; i++)
    {
      MtsProjectReport *report = g_ptr_array_index (self->reports, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "organization", report->organization);
      json_object_set_string_member (o, "report_id", report->report_id);
      json_object_set_member (o, "imported", date_node (report->imported));
      json_object_set_object_member (o, "facts", json_object_ref (report->facts));
      json_array_add_object_element (array, o);
    }
  json_object_set_member (root, "reports", array_node (array));

  /* In the order the file had them: json_object_iter_next() walks a hash
   * table, which would shuffle them on every save. */
  if (self->extra != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (self->extra);

      for (GList *l = names; l != NULL; l = l->next)
        json_object_set_member (root, l->data,
                                json_node_copy (json_object_get_member (self->extra, l->data)));
    }

  return root;
}

/* The text of a project file.  Reads @root only (the generator's copy of
 * the root node shares its members), so that a thread may do it. */
static char *
generate (JsonNode *root,
          gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GString) text = g_string_new (NULL);

  json_generator_set_root (generator, root);
  /* Indented: people open these files to see what the app kept. */
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_to_gstring (generator, text);
  g_string_append_c (text, '\n');
  if (length != NULL)
    *length = text->len;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * mts_project_to_data:
 * @self: a project
 * @length: (out) (optional): the length of the text
 *
 * Returns: (transfer full): the project file's text, as mts_project_save() writes it.
 */
char *
mts_project_to_data (MtsProject *self,
                     gsize      *length)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) valid_root = NULL;

  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);

  root = object_node (project_to_json (self));
  valid_root = writable_node (root);
  if (valid_root != NULL)
    {
      json_node_unref (root);
      root = g_steal_pointer (&valid_root);
    }
  return generate (root, length);
}

/* Parsing.  Every failure is a reason ("the field “mode” ...") that the
 * caller puts into a sentence. */

static gboolean
corrupt (GError    **error,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
corrupt (GError    **error,
         const char *format,
         ...)
{
  va_list args;
  g_autofree char *reason = NULL;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  /* json-glib quotes the file in its parse errors, and decodes an escaped
   * lone surrogate ("\ud800") to bytes that are not UTF-8: the message is
   * shown in the window, so make it valid text. */
  if (!g_utf8_validate (reason, -1, NULL))
    {
      char *valid = g_utf8_make_valid (reason, -1);

      g_free (reason);
      reason = valid;
    }
  g_set_error_literal (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT, reason);
  return FALSE;
}

static char *
field_name (const char *where,
            guint       index,
            const char *key)
{
  if (where == NULL)
    return g_strdup (key);
  return g_strdup_printf ("%s[%u].%s", where, index, key);
}

static JsonNode *
get_member (JsonObject  *object,
            const char  *where,
            guint        index,
            const char  *key,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    {
      g_autofree char *name = field_name (where, index, key);

      corrupt (error, _("the field “%s” is missing"), name);
    }
  return node;
}

static gboolean
wrong_type (GError    **error,
            const char *where,
            guint       index,
            const char *key)
{
  g_autofree char *name = field_name (where, index, key);

  return corrupt (error, _("the field “%s” has the wrong type"), name);
}

static gboolean
read_string (JsonObject  *object,
             const char  *where,
             guint        index,
             const char  *key,
             gboolean     nullable,
             char       **out,
             GError     **error)
{
  JsonNode *node = get_member (object, where, index, key, error);

  if (node == NULL)
    return FALSE;
  if (nullable && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (error, where, index, key);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_int (JsonObject  *object,
          const char  *where,
          guint        index,
          const char  *key,
          gint64       min,
          gint64       max,
          gint64      *out,
          GError     **error)
{
  JsonNode *node = get_member (object, where, index, key, error);
  gint64 value;

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return wrong_type (error, where, index, key);
  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      g_autofree char *name = field_name (where, index, key);

      return corrupt (error, _("the field “%s” is out of range"), name);
    }
  *out = value;
  return TRUE;
}

static gboolean
read_date (JsonObject  *object,
           const char  *where,
           guint        index,
           const char  *key,
           gboolean     nullable,
           GDateTime  **out,
           GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) date = NULL;

  if (!read_string (object, where, index, key, nullable, &text, error))
    return FALSE;
  if (text == NULL)
    {
      *out = NULL;
      return TRUE;
    }
  date = g_date_time_new_from_iso8601 (text, NULL);
  if (date == NULL)
    {
      g_autofree char *name = field_name (where, index, key);

      return corrupt (error, _("the field “%s” is not a valid date"), name);
    }
  *out = g_date_time_to_utc (date);
  return TRUE;
}

static gboolean
read_strv (JsonObject  *object,
           const char  *key,
           GStrv       *out,
           GError     **error)
{
  JsonNode *node = get_member (object, NULL, 0, key, error);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (error, NULL, 0, key);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return wrong_type (error, NULL, 0, key);
      g_strv_builder_add (builder, json_node_get_string (element));
    }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

/* Returns the objects of an array member, or NULL with an error. */
static JsonArray *
read_object_array (JsonObject  *object,
                   const char  *key,
                   GError     **error)
{
  JsonNode *node = get_member (object, NULL, 0, key, error);
  JsonArray *array;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      wrong_type (error, NULL, 0, key);
      return NULL;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)))
      {
        g_autofree char *name = g_strdup_printf ("%s[%u]", key, i);

        corrupt (error, _("the field “%s” has the wrong type"), name);
        return NULL;
      }
  return array;
}

/* The "params" of timeline event @index (added within schema 1). */
static gboolean
read_event_params (JsonObject       *event_object,
                   guint             index,
                   MtsProjectEvent  *event,
                   GError          **error)
{
  static const char *const counts[] = { "new_reports", "duplicates", "other_domain", "rejected" };
  guint *count_fields[] = { &event->new_reports, &event->duplicates, &event->other_domain,
                            &event->rejected };
  g_autofree char *phase = NULL;
  JsonNode *node = json_object_get_member (event_object, "params");
  JsonObject *o;
  gint64 value;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (error, "timeline", index, "params");
  o = json_node_get_object (node);
  switch (event->kind)
    {
    case MTS_TIMELINE_AUDIT:
      if (!read_string (o, "timeline.params", index, "verdict", FALSE, &event->what, error))
        return FALSE;
      break;
    case MTS_TIMELINE_PUBLISHED:
      if (!read_string (o, "timeline.params", index, "what", FALSE, &event->what, error))
        return FALSE;
      break;
    case MTS_TIMELINE_IMPORT:
      for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
        {
          if (!read_int (o, "timeline.params", index, counts[i], 0, G_MAXUINT, &value, error))
            return FALSE;
          *count_fields[i] = (guint) value;
        }
      break;
    case MTS_TIMELINE_SWITCH:
      if (!read_string (o, "timeline.params", index, "phase", FALSE, &phase, error) ||
          !read_string (o, "timeline.params", index, "switch", FALSE, &event->what, error))
        return FALSE;
      if (g_str_equal (phase, "published"))
        event->seen_published = TRUE;
      else if (!g_str_equal (phase, "started"))
        return corrupt (error, _("the field “%s” has a value this version does not know: “%s”"),
                        "timeline.params.phase", phase);
      else if (!read_string (o, "timeline.params", index, "new_id", FALSE, &event->new_id, error) ||
               !read_int (o, "timeline.params", index, "max_age", 0, G_MAXUINT, &value, error) ||
               !read_date (o, "timeline.params", index, "wait_until", TRUE, &event->wait_until, error))
        return FALSE;
      else
        event->max_age = (guint) value;
      break;
    case MTS_TIMELINE_CREATED:
    default:
      break;
    }
  event->has_params = TRUE;
  return TRUE;
}

/* The optional "pending_switch" member; absent (an older file) or null is
 * no switch under way. */
static gboolean
read_switch (JsonObject        *root,
             MtsProjectSwitch **out,
             GError           **error)
{
  JsonNode *node = json_object_get_member (root, "pending_switch");
  g_autoptr(MtsProjectSwitch) pending = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autofree char *text = NULL;
  JsonObject *o;
  JsonNode *member;
  JsonArray *array;
  gint64 value;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (error, NULL, 0, "pending_switch");
  o = json_node_get_object (node);
  pending = g_new0 (MtsProjectSwitch, 1);

  if (!read_string (o, "pending_switch", 0, "kind", FALSE, &pending->kind, error))
    return FALSE;
  if (!g_strv_contains (switch_kinds, pending->kind))
    return corrupt (error, _("the field “%s” has a value this version does not know: “%s”"),
                    "pending_switch.kind", pending->kind);
  if (!read_date (o, "pending_switch", 0, "started", FALSE, &pending->started, error) ||
      !read_string (o, "pending_switch", 0, "previous_id", TRUE, &pending->previous_id, error) ||
      !read_string (o, "pending_switch", 0, "new_id", FALSE, &pending->new_id, error) ||
      !read_string (o, "pending_switch", 0, "mode", FALSE, &text, error))
    return FALSE;
  if (!mts_policy_mode_from_string (text, &pending->mode))
    return corrupt (error, _("the field “%s” has a value this version does not know: “%s”"),
                    "pending_switch.mode", text);
  if (!read_int (o, "pending_switch", 0, "max_age", 0, MTS_POLICY_MAX_AGE_MAX, &value, error))
    return FALSE;
  pending->max_age = (guint32) value;
  if (!read_int (o, "pending_switch", 0, "old_max_age", 0, MTS_POLICY_MAX_AGE_MAX, &value, error))
    return FALSE;
  pending->old_max_age = (guint32) value;
  if (!read_date (o, "pending_switch", 0, "wait_until", TRUE, &pending->wait_until, error))
    return FALSE;
  if ((member = get_member (o, "pending_switch", 0, "applied", error)) == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
    return wrong_type (error, "pending_switch", 0, "applied");
  pending->applied = json_node_get_boolean (member);
  if ((member = get_member (o, "pending_switch", 0, "done_steps", error)) == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (member))
    return wrong_type (error, "pending_switch", 0, "done_steps");
  array = json_node_get_array (member);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return wrong_type (error, "pending_switch", 0, "done_steps");
      g_strv_builder_add (builder, json_node_get_string (element));
    }
  pending->done_steps = g_strv_builder_end (builder);
  *out = g_steal_pointer (&pending);
  return TRUE;
}

/* json-glib recurses once per level of nesting: refuse files that would
 * exhaust the stack before they reach it.  Brackets inside strings do not
 * count; the parser finds any other mistake. */
static gboolean
nesting_ok (const char *data,
            gsize       length)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_NESTING)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

static gboolean
parse_members (MtsProject  *self,
               JsonObject  *root,
               GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *ascii = NULL;
  g_autofree char *display = NULL;
  gint64 value;
  JsonArray *array;
  JsonNode *node;
  g_autoptr(GList) members = NULL;

  if (!read_int (root, NULL, 0, "revision", 0, G_MAXINT64, &self->revision, error))
    return FALSE;

  if (!read_string (root, NULL, 0, "domain", FALSE, &text, error))
    return FALSE;
  if (!mts_domain_normalize (text, &ascii, &display, NULL) || !g_str_equal (ascii, text))
    return corrupt (error, _("the domain “%s” in it is not a valid domain name"), text);
  self->domain = g_steal_pointer (&text);
  if (!read_string (root, NULL, 0, "display_name", FALSE, &self->display_name, error))
    return FALSE;

  if (!read_string (root, NULL, 0, "state", FALSE, &text, error))
    return FALSE;
  if (!mts_project_state_from_string (text, &self->state))
    return corrupt (error, _("the field “%s” has a value this version does not know: “%s”"),
                    "state", text);
  g_clear_pointer (&text, g_free);
  if (!read_date (root, NULL, 0, "state_since", FALSE, &self->state_since, error))
    return FALSE;
  if (!read_string (root, NULL, 0, "step", TRUE, &self->step, error))
    return FALSE;

  if ((array = read_object_array (root, "mx_hosts", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      g_autoptr(MtsProjectMxHost) mx = g_new0 (MtsProjectMxHost, 1);

      if (!read_int (o, "mx_hosts", i, "preference", 0, G_MAXUINT16, &value, error) ||
          !read_string (o, "mx_hosts", i, "host", FALSE, &mx->host, error))
        return FALSE;
      mx->preference = (guint16) value;
      g_ptr_array_add (self->mx_hosts, g_steal_pointer (&mx));
    }

  g_clear_pointer (&self->mx_patterns, g_strfreev);
  if (!read_strv (root, "mx_patterns", &self->mx_patterns, error))
    return FALSE;

  if (!read_string (root, NULL, 0, "mode", FALSE, &text, error))
    return FALSE;
  if (!mts_policy_mode_from_string (text, &self->mode))
    return corrupt (error, _("the field “%s” has a value this version does not know: “%s”"),
                    "mode", text);
  g_clear_pointer (&text, g_free);
  if (!read_int (root, NULL, 0, "max_age", 0, MTS_POLICY_MAX_AGE_MAX, &value, error))
    return FALSE;
  self->max_age = (guint32) value;
  g_clear_pointer (&self->rua, g_strfreev);
  if (!read_strv (root, "rua", &self->rua, error))
    return FALSE;

  if ((array = read_object_array (root, "ids", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      MtsProjectId *entry = g_new0 (MtsProjectId, 1);

      g_ptr_array_add (self->ids, entry);
      if (!read_string (o, "ids", i, "id", FALSE, &entry->id, error) ||
          !read_date (o, "ids", i, "generated", FALSE, &entry->generated, error) ||
          !read_date (o, "ids", i, "published", TRUE, &entry->published, error))
        return FALSE;
      /* Optional: files written before 0.3 do not have it. */
      if (json_object_has_member (o, "max_age"))
        {
          gint64 id_max_age;

          if (!read_int (o, "ids", i, "max_age", 0, MTS_POLICY_MAX_AGE_MAX, &id_max_age, error))
            return FALSE;
          entry->max_age = (guint32) id_max_age;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (((MtsProjectId *) g_ptr_array_index (self->ids, j))->id, entry->id))
          return corrupt (error, _("the policy id “%s” appears twice"), entry->id);
    }

  for (guint i = 0; i < MTS_N_PUBLISHED; i++)
    if (!read_date (root, NULL, 0, published_keys[i], TRUE, &self->published[i], error))
      return FALSE;

  if ((node = get_member (root, NULL, 0, "last_audit", error)) == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      JsonNode *result = get_member (o, NULL, 0, "result", error);

      if (result == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_OBJECT (result))
        return wrong_type (error, NULL, 0, "result");
      if (!read_date (o, NULL, 0, "time", FALSE, &self->last_audit_time, error))
        return FALSE;
      self->last_audit = json_node_copy (result);
    }
  else if (!JSON_NODE_HOLDS_NULL (node))
    return wrong_type (error, NULL, 0, "last_audit");

  if ((array = read_object_array (root, "timeline", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      MtsProjectEvent *event = g_new0 (MtsProjectEvent, 1);

      g_ptr_array_add (self->timeline, event);
      if (!read_date (o, "timeline", i, "time", FALSE, &event->time, error) ||
          !read_string (o, "timeline", i, "kind", FALSE, &text, error))
        return FALSE;
      if (!mts_timeline_kind_from_string (text, &event->kind))
        return corrupt (error, _("the field “%s” has a value this version does not know: “%s”"),
                        "timeline.kind", text);
      g_clear_pointer (&text, g_free);
      if (!read_string (o, "timeline", i, "text", FALSE, &event->text, error))
        return FALSE;
      if (json_object_has_member (o, "params") &&
          !read_event_params (o, i, event, error))
        return FALSE;
    }

  if ((array = read_object_array (root, "reports", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      MtsProjectReport *report = g_new0 (MtsProjectReport, 1);
      JsonNode *facts;

      g_ptr_array_add (self->reports, report);
      if (!read_string (o, "reports", i, "organization", FALSE, &report->organization, error) ||
          !read_string (o, "reports", i, "report_id", FALSE, &report->report_id, error) ||
          !read_date (o, "reports", i, "imported", FALSE, &report->imported, error))
        return FALSE;
      if ((facts = get_member (o, "reports", i, "facts", error)) == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_OBJECT (facts))
        return wrong_type (error, "reports", i, "facts");
      report->facts = json_object_ref (json_node_get_object (facts));
      if (!g_hash_table_insert (self->report_index,
                                report_key (report->organization, report->report_id), report))
        return corrupt (error, _("the report “%s” from “%s” appears twice"),
                        report->report_id, report->organization);
    }

  if (!read_switch (root, &self->pending_switch, error))
    return FALSE;

  /* In file order (see project_to_json ()). */
  members = json_object_get_members (root);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known_members, l->data))
      {
        if (self->extra == NULL)
          self->extra = json_object_new ();
        json_object_set_member (self->extra, l->data,
                                json_node_copy (json_object_get_member (root, l->data)));
      }

  return TRUE;
}

/* The members that are replaced rather than appended to, grouped as they
 * must change together, and what a merge does when both sides changed one. */
typedef enum
{
  MERGE_CONFLICT,
  /* The page to resume on: the window that saves last is where the user is. */
  MERGE_MINE,
  /* An audit is a fact about the world at a time: the newest one wins. */
  MERGE_LATEST_AUDIT,
  /* Both saw it published: the first sighting is the publication date. */
  MERGE_EARLIEST_DATE,
  /* The switch under way: see merge_switch (). */
  MERGE_SWITCH,
} MergeRule;

typedef struct
{
  const char *members[2];
  MergeRule rule;
  const char *label;
} SettingGroup;

static const SettingGroup setting_groups[] = {
  { { "display_name" }, MERGE_CONFLICT, N_("the name shown") },
  { { "state", "state_since" }, MERGE_CONFLICT, N_("the stage (draft, testing, enforce)") },
  { { "step" }, MERGE_MINE, NULL },
  { { "mx_hosts" }, MERGE_CONFLICT, N_("the mail servers") },
  { { "mx_patterns" }, MERGE_CONFLICT, N_("the mail servers in the policy") },
  { { "mode" }, MERGE_CONFLICT, N_("the policy mode") },
  { { "max_age" }, MERGE_CONFLICT, N_("max_age") },
  { { "rua" }, MERGE_CONFLICT, N_("the report addresses") },
  { { "policy_published" }, MERGE_EARLIEST_DATE, N_("the date the policy was published") },
  { { "sts_record_published" }, MERGE_EARLIEST_DATE,
    N_("the date the _mta-sts record was published") },
  { { "tlsrpt_record_published" }, MERGE_EARLIEST_DATE,
    N_("the date the _smtp._tls record was published") },
  { { "last_audit" }, MERGE_LATEST_AUDIT, NULL },
  { { "pending_switch" }, MERGE_SWITCH, NULL },
};

static JsonObject *
settings_snapshot (MtsProject *self)
{
  JsonObject *snapshot = json_object_new ();

  add_settings (self, snapshot);
  return snapshot;
}

static void
mts_project_finalize (GObject *object)
{
  MtsProject *self = (MtsProject *) object;

  g_free (self->domain);
  g_free (self->display_name);
  g_clear_pointer (&self->state_since, g_date_time_unref);
  g_free (self->step);
  g_ptr_array_unref (self->mx_hosts);
  g_strfreev (self->mx_patterns);
  g_strfreev (self->rua);
  g_ptr_array_unref (self->ids);
  for (guint i = 0; i < MTS_N_PUBLISHED; i++)
    g_clear_pointer (&self->published[i], g_date_time_unref);
  g_clear_pointer (&self->last_audit, json_node_unref);
  g_clear_pointer (&self->last_audit_time, g_date_time_unref);
  g_ptr_array_unref (self->timeline);
  g_hash_table_unref (self->report_index);
  g_ptr_array_unref (self->reports);
  g_clear_pointer (&self->extra, json_object_unref);
  g_clear_object (&self->file);
  g_clear_pointer (&self->base, json_object_unref);
  g_clear_pointer (&self->pending_switch, mts_project_switch_free);

  G_OBJECT_CLASS (mts_project_parent_class)->finalize (object);
}

static void
mts_project_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MtsProject *self = MTS_PROJECT (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_string (value, self->domain);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STATE_SINCE:
      g_value_set_boxed (value, self->state_since);
      break;
    case PROP_STEP:
      g_value_set_string (value, self->step);
      break;
    case PROP_MX_HOSTS:
      g_value_set_boxed (value, self->mx_hosts);
      break;
    case PROP_MX_PATTERNS:
      g_value_set_boxed (value, self->mx_patterns);
      break;
    case PROP_MODE:
      g_value_set_uint (value, self->mode);
      break;
    case PROP_MAX_AGE:
      g_value_set_uint (value, self->max_age);
      break;
    case PROP_RUA:
      g_value_set_boxed (value, self->rua);
      break;
    case PROP_CURRENT_ID:
      g_value_set_string (value, mts_project_get_current_id (self));
      break;
    case PROP_LAST_AUDIT:
      g_value_set_boxed (value, self->last_audit);
      break;
    case PROP_LAST_AUDIT_TIME:
      g_value_set_boxed (value, self->last_audit_time);
      break;
    case PROP_N_EVENTS:
      g_value_set_uint (value, self->timeline->len);
      break;
    case PROP_N_REPORTS:
      g_value_set_uint (value, self->reports->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mts_project_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MtsProject *self = MTS_PROJECT (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      /* Construct-only; mts_project_new() checks it. */
      self->domain = g_value_dup_string (value);
      break;
    case PROP_DISPLAY_NAME:
      mts_project_set_display_name (self, g_value_get_string (value));
      break;
    case PROP_STATE:
      mts_project_set_state (self, g_value_get_enum (value), NULL);
      break;
    case PROP_STEP:
      mts_project_set_step (self, g_value_get_string (value));
      break;
    case PROP_MX_PATTERNS:
      mts_project_set_mx_patterns (self, g_value_get_boxed (value));
      break;
    case PROP_MODE:
      mts_project_set_mode (self, g_value_get_uint (value));
      break;
    case PROP_MAX_AGE:
      mts_project_set_max_age (self, g_value_get_uint (value));
      break;
    case PROP_RUA:
      mts_project_set_rua (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mts_project_class_init (MtsProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = mts_project_finalize;
  object_class->get_property = mts_project_get_property;
  object_class->set_property = mts_project_set_property;

  properties[PROP_DOMAIN] =
    g_param_spec_string ("domain", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, rw);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, MTS_TYPE_PROJECT_STATE, MTS_PROJECT_STATE_DRAFT, rw);
  properties[PROP_STATE_SINCE] =
    g_param_spec_boxed ("state-since", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_STEP] = g_param_spec_string ("step", NULL, NULL, NULL, rw);
  /* A GPtrArray of MtsProjectMxHost. */
  properties[PROP_MX_HOSTS] = g_param_spec_boxed ("mx-hosts", NULL, NULL, G_TYPE_PTR_ARRAY, ro);
  properties[PROP_MX_PATTERNS] = g_param_spec_boxed ("mx-patterns", NULL, NULL, G_TYPE_STRV, rw);
  /* An MtsPolicyMode. */
  properties[PROP_MODE] =
    g_param_spec_uint ("mode", NULL, NULL, MTS_POLICY_MODE_NONE, MTS_POLICY_MODE_ENFORCE,
                       MTS_POLICY_MODE_TESTING, rw);
  properties[PROP_MAX_AGE] =
    g_param_spec_uint ("max-age", NULL, NULL, 0, MTS_POLICY_MAX_AGE_MAX, 0, rw);
  properties[PROP_RUA] = g_param_spec_boxed ("rua", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_CURRENT_ID] = g_param_spec_string ("current-id", NULL, NULL, NULL, ro);
  properties[PROP_LAST_AUDIT] = g_param_spec_boxed ("last-audit", NULL, NULL, JSON_TYPE_NODE, ro);
  properties[PROP_LAST_AUDIT_TIME] =
    g_param_spec_boxed ("last-audit-time", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_N_EVENTS] = g_param_spec_uint ("n-events", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_REPORTS] = g_param_spec_uint ("n-reports", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Anything changed, bound or not: the wizard saves on it. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mts_project_init (MtsProject *self)
{
  self->mx_hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_project_mx_host_free);
  self->mx_patterns = g_new0 (char *, 1);
  self->rua = g_new0 (char *, 1);
  self->ids = g_ptr_array_new_with_free_func ((GDestroyNotify) project_id_free);
  self->timeline = g_ptr_array_new_with_free_func ((GDestroyNotify) project_event_free);
  self->reports = g_ptr_array_new_with_free_func ((GDestroyNotify) project_report_free);
  self->report_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->mode = MTS_POLICY_MODE_TESTING;
}

/**
 * mts_project_new:
 * @domain: the mail domain, already normalised to A-labels by mts_domain_normalize()
 *
 * A new domain starts as a draft in testing mode (the mode the wizard
 * proposes first) with the shortest max_age advised for testing, and a
 * "created" event on its timeline.  Nothing is written until it is saved.
 *
 * Returns: (transfer full): the project
 */
MtsProject *
mts_project_new (const char *domain)
{
  g_autofree char *ascii = NULL;
  g_autofree char *display = NULL;
  MtsProject *self;
  gboolean valid;

  g_return_val_if_fail (domain != NULL, NULL);

  valid = mts_domain_normalize (domain, &ascii, &display, NULL) && g_str_equal (ascii, domain);
  g_return_val_if_fail (valid, NULL);

  self = g_object_new (MTS_TYPE_PROJECT, "domain", domain, NULL);
  self->display_name = g_steal_pointer (&display);
  self->state_since = g_date_time_new_now_utc ();
  mts_policy_max_age_advice (MTS_POLICY_MODE_TESTING, &self->max_age, NULL);
  mts_project_add_created_event (self, self->state_since);
  /* The common ancestor of a first save is the project as it was born: a
   * second window that set up the same domain meanwhile merges like any
   * other writer. */
  self->base = settings_snapshot (self);
  return self;
}

MtsProject *
_mts_project_parse (const char  *data,
                    gsize        length,
                    char       **written_by,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(MtsProject) self = NULL;
  g_autoptr(JsonNode) valid_root = NULL;
  JsonObject *root;
  JsonNode *version_node;
  gint64 version;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length == 0)
    {
      corrupt (error, _("it is empty"));
      return NULL;
    }
  if (!nesting_ok (data, length))
    {
      corrupt (error, _("it is nested more than %u levels deep"), MAX_NESTING);
      return NULL;
    }
  if (!g_utf8_validate_len (data, length, NULL))
    {
      corrupt (error, _("it is not text in UTF-8"));
      return NULL;
    }
  if (length > (gsize) G_MAXSSIZE || !json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      corrupt (error, _("it is not valid JSON: %s"),
               local_error != NULL ? local_error->message : _("too large"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      corrupt (error, _("it is not a JSON object"));
      return NULL;
    }
  /* Valid text and finite numbers everywhere, so that what loads saves to
   * a file that loads. */
  valid_root = writable_node (json_parser_get_root (parser));
  root = json_node_get_object (valid_root != NULL ? valid_root : json_parser_get_root (parser));

  /* The version first: a newer file may have any shape at all. */
  version_node = json_object_get_member (root, "schema_version");
  if (version_node != NULL && JSON_NODE_HOLDS_VALUE (version_node) &&
      json_node_get_value_type (version_node) == G_TYPE_INT64 &&
      json_node_get_int (version_node) > MTS_PROJECT_SCHEMA_VERSION)
    {
      JsonNode *app = json_object_get_member (root, "app_version");
      const char *app_version = NULL;

      if (app != NULL && JSON_NODE_HOLDS_VALUE (app) && json_node_get_value_type (app) == G_TYPE_STRING)
        app_version = json_node_get_string (app);
      if (written_by != NULL)
        *written_by = g_strdup (app_version != NULL ? app_version : _("unknown"));
      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NEWER_VERSION,
                   _("it has format version %lld, and this version of the app reads %d"),
                   (long long) json_node_get_int (version_node), MTS_PROJECT_SCHEMA_VERSION);
      return NULL;
    }
  if (!read_int (root, NULL, 0, "schema_version", 1, MTS_PROJECT_SCHEMA_VERSION, &version, error))
    return NULL;

  self = g_object_new (MTS_TYPE_PROJECT, NULL);
  if (!parse_members (self, root, error))
    return NULL;
  self->base = settings_snapshot (self);
  return g_steal_pointer (&self);
}

/**
 * mts_project_load_from_data:
 * @data: the text of a project file
 * @length: its length
 * @error: why it cannot be read
 *
 * Reads a project from memory; nothing on disk is touched.
 *
 * Returns: (transfer full) (nullable): the project
 */
MtsProject *
mts_project_load_from_data (const char  *data,
                            gsize        length,
                            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *written_by = NULL;
  MtsProject *self = _mts_project_parse (data, length, &written_by, &local_error);

  if (self != NULL)
    return self;
  if (local_error->code == MTS_PROJECT_ERROR_NEWER_VERSION)
    g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NEWER_VERSION,
                 _("This project was saved by a newer version of MTA-STS Wizard (version %s). "
                   "Update the app to open it."), written_by);
  else
    g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT,
                 _("This is not a project that MTA-STS Wizard can read: %s."),
                 local_error->message);
  return NULL;
}

/* Files and locks. */

static void
identity_from_stat (FileIdentity      *identity,
                    const struct stat *st)
{
  identity->valid = TRUE;
  identity->dev = st->st_dev;
  identity->ino = st->st_ino;
  identity->size = st->st_size;
  identity->mtime = st->st_mtim;
  identity->ctime = st->st_ctim;
}

/* Every save renames a new file into place, so a file that another writer
 * saved has a new inode and a new change time even when its size and
 * modification time happen to match. */
static gboolean
identity_equal (const FileIdentity *a,
                const FileIdentity *b)
{
  return a->valid && b->valid && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
         a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
         a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/* Reads the file and what it was from one descriptor, so that the identity
 * belongs to the text even if another writer renames a new file into place
 * meanwhile.  Returns 0 or an errno value. */
static int
read_file (const char    *path,
           char         **contents,
           gsize         *length,
           FileIdentity  *identity)
{
  struct stat st;
  g_autoptr(GByteArray) bytes = NULL;
  int fd;
  int errsv = 0;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno;
  if (fstat (fd, &st) < 0)
    errsv = errno;
  else if (S_ISDIR (st.st_mode))
    errsv = EISDIR;
  else if ((guint64) st.st_size > MAX_FILE_SIZE)
    errsv = EFBIG;
  if (errsv != 0)
    {
      close (fd);
      return errsv;
    }

  bytes = g_byte_array_sized_new ((guint) st.st_size + 1);
  for (;;)
    {
      guint8 buffer[16384];
      gssize n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          errsv = errno;
          close (fd);
          return errsv;
        }
      if (n == 0)
        break;
      if (bytes->len + (gsize) n > MAX_FILE_SIZE)
        {
          close (fd);
          return EFBIG;
        }
      g_byte_array_append (bytes, buffer, (guint) n);
    }
  close (fd);

  identity_from_stat (identity, &st);
  *length = bytes->len;
  g_byte_array_append (bytes, (const guint8 *) "", 1);
  *contents = (char *) g_byte_array_free (g_steal_pointer (&bytes), FALSE);
  return 0;
}

int
_mts_project_lock (const char  *path,
                   gboolean     for_writing,
                   GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_strconcat (".", base, ".lock", NULL);
  g_autofree char *lock_path = g_build_filename (dir, name, NULL);
  int fd;

  /* The lock file stays: removing it would let two processes each lock a
   * different file of the same name. */
  fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 && !for_writing)
    fd = open (lock_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s", g_strerror (errsv));
      return -1;
    }
  while (flock (fd, LOCK_EX) < 0)
    {
      int errsv = errno;

      if (errsv == EINTR)
        continue;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s", g_strerror (errsv));
      return -1;
    }
  return fd;
}

void
_mts_project_unlock (int fd)
{
  /* Closing the descriptor releases the flock. */
  if (fd >= 0)
    close (fd);
}

char *
_mts_project_aside_path (const char *path,
                         const char *what)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  char *candidate = g_strdup_printf ("%s.%s-%s", path, what, stamp);
  struct stat st;

  for (guint n = 2; g_lstat (candidate, &st) == 0; n++)
    {
      g_free (candidate);
      candidate = g_strdup_printf ("%s.%s-%s-%u", path, what, stamp, n);
    }
  return candidate;
}

/* Moves an unreadable file out of the way (under the lock, so the name
 * chosen is still free) and says so.  Returns the error for the caller. */
static void
set_corrupt_error (GError    **error,
                   const char *path,
                   const char *reason,
                   gboolean    can_move,
                   gboolean    after_open)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *aside = NULL;
  g_autofree char *aside_display = NULL;
  int errsv = 0;

  if (can_move)
    {
      aside = _mts_project_aside_path (path, "unreadable");
      if (g_rename (path, aside) < 0)
        errsv = errno;
    }
  else
    errsv = EACCES;

  if (errsv != 0)
    {
      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT,
                   _("The project file “%s” cannot be read: %s. It was left as it is, because "
                     "its folder cannot be written to (%s); nothing was saved over it."),
                   display, reason, g_strerror (errsv));
      return;
    }

  aside_display = g_filename_display_name (aside);
  if (after_open)
    g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT,
                 _("The project file “%s” was damaged after it was opened here: %s. The damaged "
                   "file was kept as “%s”. Your changes are not saved yet: save again to "
                   "write them."),
                 display, reason, aside_display);
  else
    g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT,
                 _("The project file “%s” cannot be read: %s. So that nothing is lost, it was "
                   "kept as “%s”, and the domain can be set up again."),
                 display, reason, aside_display);
}

static const char *
path_of (GFile   *file,
         GError **error)
{
  const char *path = g_file_peek_path (file);

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO,
                   _("Projects can only be kept in a folder on this computer, not at “%s”."), uri);
    }
  return path;
}

static MtsProject *
load_locked (GFile       *file,
             const char  *path,
             gboolean     can_move,
             GError     **error)
{
  g_autofree char *data = NULL;
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *written_by = NULL;
  g_autoptr(GError) local_error = NULL;
  FileIdentity identity = { 0 };
  gsize length = 0;
  MtsProject *self;
  int errsv;

  errsv = read_file (path, &data, &length, &identity);
  if (errsv == ENOENT)
    {
      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NOT_FOUND,
                   _("There is no project file at “%s”."), display);
      return NULL;
    }
  if (errsv != 0)
    {
      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO,
                   _("The project file “%s” could not be read: %s. Check that it and its "
                     "folder can be read."),
                   display, g_strerror (errsv));
      return NULL;
    }

  self = _mts_project_parse (data, length, &written_by, &local_error);
  if (self == NULL && local_error->code == MTS_PROJECT_ERROR_NEWER_VERSION)
    {
      /* Left where it is: the updated app will find it there, whole. */
      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NEWER_VERSION,
                   _("The project file “%s” was saved by a newer version of MTA-STS Wizard "
                     "(version %s). Update the app to open it; the file was left unchanged."),
                   display, written_by);
      return NULL;
    }
  if (self == NULL)
    {
      set_corrupt_error (error, path, local_error->message, can_move, FALSE);
      return NULL;
    }

  self->file = g_object_ref (file);
  self->identity = identity;
  return self;
}

/**
 * mts_project_load:
 * @file: a project file on this computer
 * @error: what went wrong, in plain language
 *
 * A file that is not JSON, or JSON of the wrong shape, is moved aside to
 * "FILE.unreadable-YYYYMMDDTHHMMSSZ" (MTS_PROJECT_ERROR_CORRUPT; the
 * message says where it went), so that it is neither lost nor overwritten.
 * A file written by a newer version of the app is left where it is, and
 * refused (MTS_PROJECT_ERROR_NEWER_VERSION): once the app is updated it
 * opens again, whole.  Files left by a save that crashed before renaming
 * are other names and are never read.
 *
 * Returns: (transfer full) (nullable): the project
 */
MtsProject *
mts_project_load (GFile   *file,
                  GError **error)
{
  const char *path;
  MtsProject *self;
  int lock_fd;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if ((path = path_of (file, error)) == NULL)
    return NULL;
  /* Without a lock (a read-only folder) the file is read but never moved. */
  lock_fd = _mts_project_lock (path, FALSE, NULL);
  self = load_locked (file, path, lock_fd >= 0, error);
  _mts_project_unlock (lock_fd);
  return self;
}

/* Merging with another writer. */

static gboolean
members_equal (JsonObject        *a,
               JsonObject        *b,
               const SettingGroup *group)
{
  for (guint i = 0; i < G_N_ELEMENTS (group->members); i++)
    {
      const char *member = group->members[i];
      JsonNode *na, *nb;

      if (member == NULL)
        continue;
      na = json_object_get_member (a, member);
      nb = json_object_get_member (b, member);
      if (na == NULL || nb == NULL)
        {
          if (na != nb)
            return FALSE;
        }
      else if (!json_node_equal (na, nb))
        return FALSE;
    }
  return TRUE;
}

static void
copy_members (JsonObject         *to,
              JsonObject         *from,
              const SettingGroup *group)
{
  for (guint i = 0; i < G_N_ELEMENTS (group->members); i++)
    if (group->members[i] != NULL)
      json_object_set_member (to, group->members[i],
                              json_object_dup_member (from, group->members[i]));
}

/* Both changed a setting differently: can the rule decide? */
static gboolean
resolve (const SettingGroup *group,
         MtsProject         *mine,
         MtsProject         *theirs,
         gboolean           *take_theirs)
{
  switch (group->rule)
    {
    case MERGE_MINE:
      *take_theirs = FALSE;
      return TRUE;
    case MERGE_LATEST_AUDIT:
      if (mine->last_audit_time == NULL || theirs->last_audit_time == NULL)
        *take_theirs = mine->last_audit_time == NULL;
      else
        *take_theirs = g_date_time_compare (theirs->last_audit_time, mine->last_audit_time) > 0;
      return TRUE;
    case MERGE_EARLIEST_DATE:
      {
        guint what = 0;
        GDateTime *m, *t;

        while (!g_str_equal (group->members[0], published_keys[what]))
          what++;
        g_assert (what < MTS_N_PUBLISHED);
        m = mine->published[what];
        t = theirs->published[what];
        /* One saw it published while the other reset it (the record
         * changed): only the user knows which is right. */
        if (m == NULL || t == NULL)
          return FALSE;
        *take_theirs = g_date_time_compare (t, m) < 0;
        return TRUE;
      }
    case MERGE_SWITCH:
      /* Merged by merge_switch (), which makes a new value. */
    case MERGE_CONFLICT:
    default:
      return FALSE;
    }
}

/* Both sides changed the switch under way differently.  The same switch
 * (the same new id) seen further on either side: its steps are united.
 * Two different switches: the one started last is the one the user meant.
 * One side ended (finished or cancelled) the switch the other only went on
 * with: it is over.  One side ended it and the other began a new one: the
 * new one goes on. */
static JsonNode *
merge_switch (const MtsProjectSwitch *base,
              const MtsProjectSwitch *mine,
              const MtsProjectSwitch *theirs)
{
  const MtsProjectSwitch *other;

  if (mine != NULL && theirs != NULL)
    {
      g_autoptr(MtsProjectSwitch) merged = NULL;
      g_autoptr(GStrvBuilder) builder = NULL;

      if (!g_str_equal (mine->new_id, theirs->new_id))
        return switch_node (g_date_time_compare (theirs->started, mine->started) > 0 ? theirs : mine);
      merged = mts_project_switch_copy (mine);
      merged->applied = mine->applied || theirs->applied;
      /* The wait of a removal is set once, by the first check that saw
       * mode none served; if both sides set it, the later end is the safe one. */
      if (theirs->wait_until != NULL &&
          (merged->wait_until == NULL || g_date_time_compare (theirs->wait_until, merged->wait_until) > 0))
        {
          g_clear_pointer (&merged->wait_until, g_date_time_unref);
          merged->wait_until = g_date_time_ref (theirs->wait_until);
        }
      /* In the order of the steps, then any this version does not know. */
      builder = g_strv_builder_new ();
      for (guint i = 0; i < G_N_ELEMENTS (step_order); i++)
        if (g_strv_contains ((const char *const *) mine->done_steps, step_order[i]) ||
            g_strv_contains ((const char *const *) theirs->done_steps, step_order[i]))
          g_strv_builder_add (builder, step_order[i]);
      for (guint side = 0; side < 2; side++)
        {
          GStrv done = side == 0 ? mine->done_steps : theirs->done_steps;

          for (guint i = 0; done[i] != NULL; i++)
            if (!g_strv_contains (step_order, done[i]) &&
                (side == 0 || !g_strv_contains ((const char *const *) mine->done_steps, done[i])))
              g_strv_builder_add (builder, done[i]);
        }
      g_strfreev (merged->done_steps);
      merged->done_steps = g_strv_builder_end (builder);
      return switch_node (merged);
    }
  other = mine != NULL ? mine : theirs;
  if (base != NULL && g_str_equal (base->new_id, other->new_id))
    return json_node_new (JSON_NODE_NULL);
  return switch_node (other);
}

static void
union_by_key (JsonObject *merged,
              JsonObject *mine,
              const char *member,
              const char *key1,
              const char *key2)
{
  JsonArray *theirs_array = json_object_get_array_member (merged, member);
  JsonArray *mine_array = json_object_get_array_member (mine, member);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonArray) result = json_array_new ();

  for (guint i = 0; i < json_array_get_length (theirs_array); i++)
    {
      JsonObject *o = json_array_get_object_element (theirs_array, i);

      g_hash_table_add (seen, report_key (json_object_get_string_member (o, key1),
                                          key2 ? json_object_get_string_member (o, key2) : ""));
      json_array_add_element (result, json_array_dup_element (theirs_array, i));
    }
  for (guint i = 0; i < json_array_get_length (mine_array); i++)
    {
      JsonObject *o = json_array_get_object_element (mine_array, i);
      char *key = report_key (json_object_get_string_member (o, key1),
                              key2 ? json_object_get_string_member (o, key2) : "");

      if (g_hash_table_add (seen, key))
        json_array_add_element (result, json_array_dup_element (mine_array, i));
    }
  json_object_set_array_member (merged, member, g_steal_pointer (&result));
}

/* Adds the policy ids of @from that @into lacks; an id both saw published
 * keeps the first sighting. */
static void
merge_ids (MtsProject *into,
           MtsProject *from)
{
  for (guint i = 0; i < from->ids->len; i++)
    {
      MtsProjectId *mine = g_ptr_array_index (from->ids, i);
      MtsProjectId *match = NULL;

      for (guint j = 0; j < into->ids->len && match == NULL; j++)
        if (g_str_equal (((MtsProjectId *) g_ptr_array_index (into->ids, j))->id, mine->id))
          match = g_ptr_array_index (into->ids, j);

      if (match == NULL)
        {
          MtsProjectId *copy = g_new0 (MtsProjectId, 1);

          copy->id = g_strdup (mine->id);
          copy->generated = g_date_time_ref (mine->generated);
          copy->published = mine->published ? g_date_time_ref (mine->published) : NULL;
          copy->max_age = mine->max_age;
          g_ptr_array_add (into->ids, copy);
        }
      else if (mine->published != NULL &&
               (match->published == NULL ||
                g_date_time_compare (mine->published, match->published) < 0))
        {
          g_clear_pointer (&match->published, g_date_time_unref);
          match->published = g_date_time_ref (mine->published);
        }
    }
}

static gint
compare_ids (gconstpointer a,
             gconstpointer b)
{
  const MtsProjectId *ia = *(MtsProjectId *const *) a;
  const MtsProjectId *ib = *(MtsProjectId *const *) b;

  return g_date_time_compare (ia->generated, ib->generated);
}

static gint
compare_events (gconstpointer a,
                gconstpointer b)
{
  const MtsProjectEvent *ea = *(MtsProjectEvent *const *) a;
  const MtsProjectEvent *eb = *(MtsProjectEvent *const *) b;

  return g_date_time_compare (ea->time, eb->time);
}

static void
take_state (MtsProject *self,
            MtsProject *merged)
{
  g_autofree char *old_id = g_strdup (mts_project_get_current_id (self));
  guint old_events = self->timeline->len;
  guint old_reports = self->reports->len;

  g_object_freeze_notify (G_OBJECT (self));

  mts_project_set_display_name (self, merged->display_name);
  mts_project_set_state (self, merged->state, merged->state_since);
  mts_project_set_step (self, merged->step);
  mts_project_set_mx_hosts (self, merged->mx_hosts);
  mts_project_set_mx_patterns (self, (const char *const *) merged->mx_patterns);
  mts_project_set_mode (self, merged->mode);
  mts_project_set_max_age (self, merged->max_age);
  mts_project_set_rua (self, (const char *const *) merged->rua);
  for (guint i = 0; i < MTS_N_PUBLISHED; i++)
    mts_project_set_published (self, i, merged->published[i]);
  mts_project_set_last_audit (self, merged->last_audit, merged->last_audit_time);
  mts_project_set_pending_switch (self, merged->pending_switch);

  /* The lists only grow: take the merged ones whole (g_ptr_array_sort()
   * is stable, so equal times keep their order). */
  g_ptr_array_sort (merged->ids, compare_ids);
  g_ptr_array_sort (merged->timeline, compare_events);
  g_ptr_array_unref (self->ids);
  self->ids = g_ptr_array_ref (merged->ids);
  g_ptr_array_unref (self->timeline);
  self->timeline = g_ptr_array_ref (merged->timeline);
  g_ptr_array_unref (self->reports);
  self->reports = g_ptr_array_ref (merged->reports);
  g_hash_table_unref (self->report_index);
  self->report_index = g_hash_table_ref (merged->report_index);
  g_clear_pointer (&self->extra, json_object_unref);
  self->extra = g_steal_pointer (&merged->extra);

  if (g_strcmp0 (old_id, mts_project_get_current_id (self)) != 0)
    notify (self, PROP_CURRENT_ID);
  if (old_events != self->timeline->len)
    notify (self, PROP_N_EVENTS);
  if (old_reports != self->reports->len)
    notify (self, PROP_N_REPORTS);

  g_object_thaw_notify (G_OBJECT (self));
}

/* Three-way merge of what is in memory with what another writer saved,
 * using the settings as they were when this project last read or wrote
 * the file as the common ancestor.  A setting only one side changed takes
 * that side's value; lists are united.  Nothing changes on conflict. */
static gboolean
merge (MtsProject  *self,
       MtsProject  *theirs,
       const char  *path,
       GError     **error)
{
  g_autoptr(JsonObject) mine_json = project_to_json (self);
  g_autoptr(JsonObject) merged_json = project_to_json (theirs);
  g_autoptr(JsonNode) merged_node = NULL;
  g_autoptr(GString) conflicts = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(MtsProject) merged = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *data = NULL;
  gsize length;

  if (!g_str_equal (self->domain, theirs->domain))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CONFLICT,
                   _("The file “%s” holds the project for %s, not for %s. Nothing was saved."),
                   display, theirs->display_name, self->display_name);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (setting_groups); i++)
    {
      const SettingGroup *group = &setting_groups[i];
      gboolean take_theirs;

      if (members_equal (mine_json, merged_json, group) ||
          members_equal (merged_json, self->base, group))
        take_theirs = FALSE;
      else if (members_equal (mine_json, self->base, group))
        take_theirs = TRUE;
      else if (group->rule == MERGE_SWITCH)
        {
          g_autoptr(MtsProjectSwitch) base_switch = NULL;
          g_autoptr(GError) base_error = NULL;

          /* The base was written by this version: it reads. */
          read_switch (self->base, &base_switch, &base_error);
          json_object_set_member (merged_json, "pending_switch",
                                  merge_switch (base_switch, self->pending_switch,
                                                theirs->pending_switch));
          continue;
        }
      else if (!resolve (group, self, theirs, &take_theirs))
        {
          if (conflicts->len > 0)
            g_string_append (conflicts, ", ");
          g_string_append (conflicts, _(group->label));
          continue;
        }
      if (!take_theirs)
        copy_members (merged_json, mine_json, group);
    }

  if (conflicts->len > 0)
    {
      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CONFLICT,
                   _("The project for %s was changed elsewhere (in another window or with the "
                     "mtasts command) while it was open here, and both changed %s. Nothing was "
                     "saved. Open the domain again to see the other changes, then make yours "
                     "again."),
                   self->display_name, conflicts->str);
      return FALSE;
    }

  union_by_key (merged_json, mine_json, "reports", "organization", "report_id");

  /* The merged file is checked by the same parser as any other, then
   * becomes this project's state. */
  generator = json_generator_new ();
  merged_node = object_node (g_steal_pointer (&merged_json));
  json_generator_set_root (generator, merged_node);
  data = json_generator_to_data (generator, &length);
  merged = _mts_project_parse (data, length, NULL, &local_error);
  g_assert_no_error (local_error);

  for (guint i = 0; i < self->timeline->len; i++)
    {
      MtsProjectEvent *mine = g_ptr_array_index (self->timeline, i);
      gboolean found = FALSE;

      for (guint j = 0; j < merged->timeline->len && !found; j++)
        found = project_event_equal (g_ptr_array_index (merged->timeline, j), mine);
      if (!found)
        g_ptr_array_add (merged->timeline, project_event_copy (mine));
    }
  merge_ids (merged, self);

  take_state (self, merged);
  self->revision = MAX (self->revision, theirs->revision);
  return TRUE;
}

/* A save that was killed between writing its temporary file and renaming
 * it leaves "NAME.XXXXXX" (g_file_set_contents_full()'s template) behind.
 * Under the lock no other save is running, so these are garbage. */
static void
remove_stray_temp_files (const char *path)
{
  g_autofree char *dir_path = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  gsize base_len = strlen (base);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gboolean stray = strlen (name) == base_len + 7 && strncmp (name, base, base_len) == 0 &&
                       name[base_len] == '.';

      for (gsize i = base_len + 1; stray && name[i] != '\0'; i++)
        stray = g_ascii_isalnum (name[i]);
      if (stray)
        {
          g_autofree char *stray_path = g_build_filename (dir_path, name, NULL);

          g_unlink (stray_path);
        }
    }
}

/* g_file_set_contents_full() with CONSISTENT | DURABLE writes a temporary
 * file in the same folder, fsync()s it, rename()s it over the old file and
 * fsync()s the folder: after a crash or power loss the name holds the old
 * or the new text, never a mix, and after it returns the new text is on
 * disk.  (GLib 2.74 does all four; checked with strace.  Without DURABLE it
 * may skip the fsync()s when the old file is empty or missing.)  If a write
 * fails, on a full disk for example, it removes the temporary file and the
 * old file is untouched. */
static gboolean
write_file (const char  *path,
            const char  *data,
            gsize        length,
            GError     **error)
{
  return g_file_set_contents_full (path, data, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

static gboolean
save_locked (MtsProject  *self,
             GFile       *file,
             const char  *path,
             GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *disk_data = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  FileIdentity disk_identity = { 0 };
  gsize disk_length = 0;
  gsize length;
  gint64 old_revision = self->revision;
  gboolean same_file = self->file != NULL && g_file_equal (self->file, file);
  struct stat st;
  int errsv;

  /* Under the lock the file only changes by our hand: when it is still the
   * one this project read or wrote, there is nothing to merge or read. */
  errsv = g_stat (path, &st) < 0 ? errno : 0;
  if (errsv == 0)
    identity_from_stat (&disk_identity, &st);
  if (errsv == 0 && !(same_file && identity_equal (&self->identity, &disk_identity)))
    errsv = read_file (path, &disk_data, &disk_length, &disk_identity);
  if (errsv != 0 && errsv != ENOENT)
    {
      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO,
                   _("The project for %s could not be saved: the file “%s” cannot be read (%s), "
                     "so it was not replaced. Check that it and its folder can be read."),
                   self->display_name, display, g_strerror (errsv));
      return FALSE;
    }

  if (disk_data != NULL)
    {
      g_autofree char *written_by = NULL;
      g_autoptr(MtsProject) theirs = NULL;

      theirs = _mts_project_parse (disk_data, disk_length, &written_by, &local_error);
      if (theirs == NULL && local_error->code == MTS_PROJECT_ERROR_NEWER_VERSION)
        {
          g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NEWER_VERSION,
                       _("The project for %s was not saved: a newer version of MTA-STS Wizard "
                         "(version %s) saved “%s” meanwhile, and saving here would lose what it "
                         "added. Update the app, then open the domain again."),
                       self->display_name, written_by, display);
          return FALSE;
        }
      if (theirs == NULL)
        {
          set_corrupt_error (error, path, local_error->message, TRUE, TRUE);
          return FALSE;
        }
      if (!merge (self, theirs, path, error))
        return FALSE;
    }

  remove_stray_temp_files (path);

  self->revision++;
  data = mts_project_to_data (self, &length);
  if (!write_file (path, data, length, &local_error))
    {
      self->revision = old_revision;
      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO,
                   _("The project for %s could not be saved: %s. The last saved version was "
                     "kept. Check that the folder can be written to and that the disk is not "
                     "full."),
                   self->display_name, local_error->message);
      return FALSE;
    }

  /* Under the lock nobody else wrote since: this is our file. */
  if (g_stat (path, &st) == 0)
    identity_from_stat (&self->identity, &st);
  else
    self->identity.valid = FALSE;
  if (!same_file)
    g_set_object (&self->file, file);
  g_clear_pointer (&self->base, json_object_unref);
  self->base = settings_snapshot (self);
  return TRUE;
}

/**
 * mts_project_save:
 * @self: a project
 * @file: where to save it, usually where it was read from
 * @error: what went wrong, in plain language
 *
 * Writes atomically (see write_file()).  If another writer saved @file
 * since this project read it, its additions are merged in first (and show
 * in @self); when both changed the same setting differently nothing is
 * written and the error is MTS_PROJECT_ERROR_CONFLICT.  A newer version's
 * file is never overwritten (MTS_PROJECT_ERROR_NEWER_VERSION), and a file
 * damaged meanwhile is moved aside (MTS_PROJECT_ERROR_CORRUPT; saving
 * again then writes).
 *
 * Returns: %TRUE when saved
 */
gboolean
mts_project_save (MtsProject  *self,
                  GFile       *file,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *path;
  gboolean ok;
  int lock_fd;

  g_return_val_if_fail (MTS_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if ((path = path_of (file, error)) == NULL)
    return FALSE;

  lock_fd = _mts_project_lock (path, TRUE, &local_error);
  if (lock_fd < 0)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO,
                   _("The project for %s could not be saved in “%s”: %s. The last saved version "
                     "was kept. Check that the folder can be written to."),
                   self->display_name, display, local_error->message);
      return FALSE;
    }
  ok = save_locked (self, file, path, error);
  _mts_project_unlock (lock_fd);
  return ok;
}

/* Saving in a thread.  The project is a GObject of the main thread, so
 * the thread works on text: the project as it is now (taken on the main
 * thread by _mts_project_snapshot_new ()) and the merge base.  When the
 * file is still the one this project last read or wrote, that text is
 * written as it is; otherwise the thread reads it into a project of its
 * own and saves that with the usual merge (save_locked ()), and the main
 * thread takes the result back (_mts_project_snapshot_apply ()). */

struct _MtsProjectSnapshot
{
  /* Main thread only. */
  MtsProject *project;
  guint64 serial;
  JsonObject *settings;     /* the settings as written: the next base */
  /* The file as JSON; the thread turns it into text.  It shares the
   * reports' facts with the project, which never change once stored;
   * the thread only reads them, and the main thread frees it. */
  JsonNode *root;

  /* Read by the thread. */
  GFile *file;
  char *data;               /* with the next revision; made by the thread */
  gsize length;
  char *base_data;          /* the merge base, as JSON text */
  FileIdentity identity;
  gboolean same_file;
  gint64 revision;
  char *display_name;

  /* Written by the thread, read after it finished. */
  FileIdentity new_identity;
  MtsProject *merged;       /* another writer's changes were merged */
};

/* project_to_json () made fit to write, as mts_project_to_data () does, but
 * without walking the reports: their names and facts were made so when
 * they were stored (mts_project_add_report_facts (), or the parser).  The
 * walk of a year of reports is most of the time of a save. */
static JsonNode *
snapshot_root (MtsProject *self)
{
  JsonObject *root = project_to_json (self);
  g_autoptr(GList) names = json_object_get_members (root);

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *valid;

      if (g_str_equal (l->data, "reports"))
        continue;
      valid = writable_node (json_object_get_member (root, l->data));
      if (valid != NULL)
        json_object_set_member (root, l->data, valid);
    }
  return object_node (root);
}

/**
 * _mts_project_snapshot_new:
 * @self: a project
 * @file: where it is to be saved
 *
 * Takes the project as it is now, for _mts_project_snapshot_write() in a
 * thread.  Main thread only.
 */
MtsProjectSnapshot *
_mts_project_snapshot_new (MtsProject *self,
                           GFile      *file)
{
  MtsProjectSnapshot *snapshot = g_new0 (MtsProjectSnapshot, 1);
  g_autoptr(JsonNode) base_node = NULL;

  snapshot->project = g_object_ref (self);
  snapshot->serial = self->serial;
  snapshot->settings = settings_snapshot (self);
  snapshot->file = g_object_ref (file);
  self->revision++;
  snapshot->root = snapshot_root (self);
  self->revision--;
  base_node = json_node_init_object (json_node_alloc (), self->base);
  snapshot->base_data = json_to_string (base_node, FALSE);
  snapshot->identity = self->identity;
  snapshot->same_file = self->file != NULL && g_file_equal (self->file, file);
  snapshot->revision = self->revision;
  snapshot->display_name = g_strdup (self->display_name);
  return snapshot;
}

/* Frees it on the main thread: it holds the project. */
void
_mts_project_snapshot_free (MtsProjectSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_clear_object (&snapshot->project);
  g_clear_pointer (&snapshot->settings, json_object_unref);
  g_clear_pointer (&snapshot->root, json_node_unref);
  g_clear_object (&snapshot->file);
  g_free (snapshot->data);
  g_free (snapshot->base_data);
  g_free (snapshot->display_name);
  g_clear_object (&snapshot->merged);
  g_free (snapshot);
}

static gboolean
snapshot_write_locked (MtsProjectSnapshot  *snapshot,
                       const char          *path,
                       GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(MtsProject) mine = NULL;
  g_autoptr(JsonParser) parser = NULL;
  FileIdentity disk_identity = { 0 };
  struct stat st;

  if (snapshot->data == NULL)
    snapshot->data = generate (snapshot->root, &snapshot->length);

  /* Still the file this project last read or wrote: nothing to merge. */
  if (snapshot->same_file && snapshot->identity.valid && g_stat (path, &st) == 0)
    {
      identity_from_stat (&disk_identity, &st);
      if (identity_equal (&snapshot->identity, &disk_identity))
        {
          g_autofree char *display = NULL;

          remove_stray_temp_files (path);
          if (!write_file (path, snapshot->data, snapshot->length, &local_error))
            {
              g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO,
                           _("The project for %s could not be saved: %s. The last saved version "
                             "was kept. Check that the folder can be written to and that the "
                             "disk is not full."),
                           snapshot->display_name, local_error->message);
              return FALSE;
            }
          if (g_stat (path, &st) == 0)
            identity_from_stat (&snapshot->new_identity, &st);
          return TRUE;
        }
    }

  /* Another writer (or a first save): the usual merge, on a copy. */
  mine = _mts_project_parse (snapshot->data, snapshot->length, NULL, &local_error);
  g_assert_no_error (local_error);
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, snapshot->base_data, -1, &local_error))
    g_assert_no_error (local_error);
  g_clear_pointer (&mine->base, json_object_unref);
  mine->base = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  mine->revision = snapshot->revision;
  mine->identity = snapshot->identity;
  if (snapshot->same_file)
    mine->file = g_object_ref (snapshot->file);
  if (!save_locked (mine, snapshot->file, path, error))
    return FALSE;
  snapshot->new_identity = mine->identity;
  snapshot->merged = g_steal_pointer (&mine);
  return TRUE;
}

/**
 * _mts_project_snapshot_write:
 *
 * Writes the snapshot as mts_project_save() would, with the same lock,
 * merge and errors.  Any thread; one write of a snapshot at a time.
 */
gboolean
_mts_project_snapshot_write (MtsProjectSnapshot  *snapshot,
                             GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *path;
  gboolean ok;
  int lock_fd;

  if ((path = path_of (snapshot->file, error)) == NULL)
    return FALSE;
  lock_fd = _mts_project_lock (path, TRUE, &local_error);
  if (lock_fd < 0)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO,
                   _("The project for %s could not be saved in “%s”: %s. The last saved version "
                     "was kept. Check that the folder can be written to."),
                   snapshot->display_name, display, local_error->message);
      return FALSE;
    }
  ok = snapshot_write_locked (snapshot, path, error);
  _mts_project_unlock (lock_fd);
  return ok;
}

/**
 * _mts_project_snapshot_apply:
 *
 * After a successful _mts_project_snapshot_write(): the project now knows
 * the file as written, and shows what another writer added.  When the
 * project changed while the thread wrote, what was written is merged into
 * it with the snapshot as the common ancestor, so neither side's changes
 * are lost; the next save writes them.  Main thread only.
 */
void
_mts_project_snapshot_apply (MtsProjectSnapshot *snapshot)
{
  MtsProject *self = snapshot->project;
  MtsProject *merged = snapshot->merged;

  if (merged == NULL)
    {
      self->identity = snapshot->new_identity;
      self->revision = snapshot->revision + 1;
      g_clear_pointer (&self->base, json_object_unref);
      self->base = g_steal_pointer (&snapshot->settings);
    }
  else if (self->serial == snapshot->serial)
    {
      take_state (self, merged);
      self->identity = merged->identity;
      self->revision = merged->revision;
      g_clear_pointer (&self->base, json_object_unref);
      self->base = json_object_ref (merged->base);
    }
  else
    {
      JsonObject *old_base = self->base;
      g_autoptr(GError) error = NULL;

      self->base = snapshot->settings;
      if (!merge (self, merged, g_file_peek_path (snapshot->file), &error))
        {
          /* Both changed a setting: the next save finds the file changed
           * and says so; this one stays as it was. */
          self->base = old_base;
          return;
        }
      /* self->base borrowed the snapshot's settings for the merge. */
      json_object_unref (old_base);
      self->identity = merged->identity;
      self->revision = merged->revision;
      self->base = json_object_ref (merged->base);
    }
  if (self->file == NULL || !g_file_equal (self->file, snapshot->file))
    g_set_object (&self->file, snapshot->file);
}

/* Accessors. */

/**
 * mts_project_get_file:
 *
 * Returns: (transfer none) (nullable): the file this project was read from
 *   or last saved to
 */
GFile *
mts_project_get_file (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return self->file;
}

/* The number of saves the file has seen. */
gint64
mts_project_get_revision (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), 0);
  return self->revision;
}

const char *
mts_project_get_domain (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return self->domain;
}

const char *
mts_project_get_display_name (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return self->display_name;
}

void
mts_project_set_display_name (MtsProject *self,
                              const char *display_name)
{
  g_return_if_fail (MTS_IS_PROJECT (self));
  g_return_if_fail (display_name != NULL);

  if (set_str (&self->display_name, display_name))
    notify (self, PROP_DISPLAY_NAME);
}

MtsProjectState
mts_project_get_state (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), MTS_PROJECT_STATE_DRAFT);
  return self->state;
}

/**
 * mts_project_get_state_since:
 *
 * Returns: (transfer none): when the domain entered its state
 */
GDateTime *
mts_project_get_state_since (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return self->state_since;
}

/**
 * mts_project_set_state:
 * @self: a project
 * @state: the new state
 * @since: (nullable): when it was entered; %NULL for now
 *
 * Setting the state it already has keeps its date unless @since is given.
 */
void
mts_project_set_state (MtsProject      *self,
                       MtsProjectState  state,
                       GDateTime       *since)
{
  g_autoptr(GDateTime) date = NULL;

  g_return_if_fail (MTS_IS_PROJECT (self));
  g_return_if_fail (state <= MTS_PROJECT_STATE_REMOVED);

  if (state == self->state && since == NULL)
    return;
  date = utc_or_now (since);
  g_object_freeze_notify (G_OBJECT (self));
  if (state != self->state)
    {
      self->state = state;
      notify (self, PROP_STATE);
    }
  if (!dates_equal (date, self->state_since))
    {
      g_clear_pointer (&self->state_since, g_date_time_unref);
      self->state_since = g_steal_pointer (&date);
      notify (self, PROP_STATE_SINCE);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * mts_project_get_pending_switch:
 *
 * Returns: (transfer none) (nullable): the switch of mode under way, or
 *   %NULL when none is
 */
const MtsProjectSwitch *
mts_project_get_pending_switch (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return self->pending_switch;
}

/**
 * mts_project_set_pending_switch:
 * @pending: (nullable): the switch under way, copied; %NULL when it is
 *   finished or cancelled
 */
void
mts_project_set_pending_switch (MtsProject             *self,
                                const MtsProjectSwitch *pending)
{
  g_return_if_fail (MTS_IS_PROJECT (self));
  g_return_if_fail (pending == NULL ||
                    (pending->kind != NULL && g_strv_contains (switch_kinds, pending->kind) &&
                     pending->new_id != NULL));

  if (switch_equal (self->pending_switch, pending))
    return;
  g_clear_pointer (&self->pending_switch, mts_project_switch_free);
  if (pending != NULL)
    self->pending_switch = mts_project_switch_copy (pending);
  emit_changed (self);
}

/* The name of the wizard page to resume on, or NULL. */
const char *
mts_project_get_step (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return self->step;
}

void
mts_project_set_step (MtsProject *self,
                      const char *step)
{
  g_return_if_fail (MTS_IS_PROJECT (self));

  if (set_str (&self->step, step))
    notify (self, PROP_STEP);
}

/**
 * mts_project_get_mx_hosts:
 *
 * Returns: (transfer none) (element-type MtsProjectMxHost): the MX records
 *   as DNS gave them
 */
GPtrArray *
mts_project_get_mx_hosts (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return self->mx_hosts;
}

/**
 * mts_project_set_mx_hosts:
 * @self: a project
 * @mx_hosts: (element-type MtsProjectMxHost): the MX records; copied
 */
void
mts_project_set_mx_hosts (MtsProject *self,
                          GPtrArray  *mx_hosts)
{
  gboolean same;

  g_return_if_fail (MTS_IS_PROJECT (self));
  g_return_if_fail (mx_hosts != NULL);

  same = mx_hosts->len == self->mx_hosts->len;
  for (guint i = 0; same && i < mx_hosts->len; i++)
    {
      MtsProjectMxHost *a = g_ptr_array_index (mx_hosts, i);
      MtsProjectMxHost *b = g_ptr_array_index (self->mx_hosts, i);

      same = a->preference == b->preference && g_str_equal (a->host, b->host);
    }
  if (same)
    return;

  g_ptr_array_set_size (self->mx_hosts, 0);
  for (guint i = 0; i < mx_hosts->len; i++)
    {
      MtsProjectMxHost *mx = g_ptr_array_index (mx_hosts, i);

      g_ptr_array_add (self->mx_hosts, mts_project_mx_host_new (mx->preference, mx->host));
    }
  notify (self, PROP_MX_HOSTS);
}

/**
 * mts_project_get_mx_patterns:
 *
 * Returns: (transfer none): the policy's mx lines, never %NULL
 */
const char *const *
mts_project_get_mx_patterns (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return (const char *const *) self->mx_patterns;
}

void
mts_project_set_mx_patterns (MtsProject        *self,
                             const char *const *patterns)
{
  static const char *const empty[] = { NULL };

  g_return_if_fail (MTS_IS_PROJECT (self));

  if (strv_equal0 (patterns, (const char *const *) self->mx_patterns))
    return;
  g_strfreev (self->mx_patterns);
  self->mx_patterns = g_strdupv ((GStrv) (patterns != NULL ? patterns : empty));
  notify (self, PROP_MX_PATTERNS);
}

MtsPolicyMode
mts_project_get_mode (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), MTS_POLICY_MODE_TESTING);
  return self->mode;
}

void
mts_project_set_mode (MtsProject    *self,
                      MtsPolicyMode  mode)
{
  g_return_if_fail (MTS_IS_PROJECT (self));
  g_return_if_fail (mode <= MTS_POLICY_MODE_ENFORCE);

  if (mode == self->mode)
    return;
  self->mode = mode;
  notify (self, PROP_MODE);
}

guint32
mts_project_get_max_age (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), 0);
  return self->max_age;
}

void
mts_project_set_max_age (MtsProject *self,
                         guint32     max_age)
{
  g_return_if_fail (MTS_IS_PROJECT (self));
  g_return_if_fail (max_age <= MTS_POLICY_MAX_AGE_MAX);

  if (max_age == self->max_age)
    return;
  self->max_age = max_age;
  notify (self, PROP_MAX_AGE);
}

/**
 * mts_project_get_rua:
 *
 * Returns: (transfer none): the TLS-RPT report addresses, never %NULL
 */
const char *const *
mts_project_get_rua (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return (const char *const *) self->rua;
}

void
mts_project_set_rua (MtsProject        *self,
                     const char *const *rua)
{
  static const char *const empty[] = { NULL };

  g_return_if_fail (MTS_IS_PROJECT (self));

  if (strv_equal0 (rua, (const char *const *) self->rua))
    return;
  g_strfreev (self->rua);
  self->rua = g_strdupv ((GStrv) (rua != NULL ? rua : empty));
  notify (self, PROP_RUA);
}

/**
 * mts_project_get_ids:
 *
 * Returns: (transfer none) (element-type MtsProjectId): every policy id, oldest first
 */
GPtrArray *
mts_project_get_ids (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return self->ids;
}

/* The newest policy id, or NULL before the first. */
const char *
mts_project_get_current_id (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);

  if (self->ids->len == 0)
    return NULL;
  return ((MtsProjectId *) g_ptr_array_index (self->ids, self->ids->len - 1))->id;
}

/**
 * mts_project_add_id:
 * @self: a project
 * @id: a policy id just generated
 * @generated: (nullable): when; %NULL for now
 *
 * The id keeps the project's max_age at this moment, as the policy that
 * goes with it (set the new max_age first): a removal waits for the
 * longest one senders may still have cached.
 *
 * Returns: %FALSE if the project already has @id (ids are never reused)
 */
gboolean
mts_project_add_id (MtsProject *self,
                    const char *id,
                    GDateTime  *generated)
{
  MtsProjectId *entry;

  g_return_val_if_fail (MTS_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (id != NULL && id[0] != '\0', FALSE);

  for (guint i = 0; i < self->ids->len; i++)
    if (g_str_equal (((MtsProjectId *) g_ptr_array_index (self->ids, i))->id, id))
      return FALSE;

  entry = g_new0 (MtsProjectId, 1);
  entry->id = g_strdup (id);
  entry->generated = utc_or_now (generated);
  entry->max_age = self->max_age;
  g_ptr_array_add (self->ids, entry);
  notify (self, PROP_CURRENT_ID);
  return TRUE;
}

/**
 * mts_project_mark_id_published:
 * @self: a project
 * @id: one of its policy ids
 * @when: (nullable): when an audit saw it published; %NULL for now
 *
 * Only the first sighting counts: a later one changes nothing.
 *
 * Returns: %FALSE if @id is not one of the project's
 */
gboolean
mts_project_mark_id_published (MtsProject *self,
                               const char *id,
                               GDateTime  *when)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  for (guint i = 0; i < self->ids->len; i++)
    {
      MtsProjectId *entry = g_ptr_array_index (self->ids, i);

      if (!g_str_equal (entry->id, id))
        continue;
      if (entry->published == NULL)
        {
          entry->published = utc_or_now (when);
          emit_changed (self);
        }
      return TRUE;
    }
  return FALSE;
}

/**
 * mts_project_get_published:
 *
 * Returns: (transfer none) (nullable): when an audit first saw @what
 *   published as generated
 */
GDateTime *
mts_project_get_published (MtsProject   *self,
                           MtsPublished  what)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  g_return_val_if_fail (what < MTS_N_PUBLISHED, NULL);
  return self->published[what];
}

/**
 * mts_project_set_published:
 * @self: a project
 * @what: which of the three
 * @when: (nullable): when an audit first saw it published; %NULL when it
 *   changed and is not published as generated any more
 */
void
mts_project_set_published (MtsProject   *self,
                           MtsPublished  what,
                           GDateTime    *when)
{
  g_return_if_fail (MTS_IS_PROJECT (self));
  g_return_if_fail (what < MTS_N_PUBLISHED);

  if (dates_equal (when, self->published[what]))
    return;
  g_clear_pointer (&self->published[what], g_date_time_unref);
  if (when != NULL)
    self->published[what] = g_date_time_to_utc (when);
  emit_changed (self);
}

/**
 * mts_project_get_last_audit:
 *
 * Returns: (transfer none) (nullable): the last audit's result, a JSON object
 */
JsonNode *
mts_project_get_last_audit (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return self->last_audit;
}

/**
 * mts_project_get_last_audit_time:
 *
 * Returns: (transfer none) (nullable): when the last audit ran
 */
GDateTime *
mts_project_get_last_audit_time (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return self->last_audit_time;
}

/**
 * mts_project_set_last_audit:
 * @self: a project
 * @result: (nullable): the audit's result as a JSON object (the project
 *   keeps a reference: do not change it afterwards), or %NULL to forget it
 * @when: (nullable): when the audit ran; %NULL for now
 */
void
mts_project_set_last_audit (MtsProject *self,
                            JsonNode   *result,
                            GDateTime  *when)
{
  g_autoptr(GDateTime) date = NULL;

  g_return_if_fail (MTS_IS_PROJECT (self));
  g_return_if_fail (result == NULL || JSON_NODE_HOLDS_OBJECT (result));

  if (result != NULL)
    date = utc_or_now (when);
  if (dates_equal (date, self->last_audit_time) &&
      ((result == NULL && self->last_audit == NULL) ||
       (result != NULL && self->last_audit != NULL && json_node_equal (result, self->last_audit))))
    return;

  g_object_freeze_notify (G_OBJECT (self));
  g_clear_pointer (&self->last_audit, json_node_unref);
  self->last_audit = result != NULL ? json_node_ref (result) : NULL;
  g_clear_pointer (&self->last_audit_time, g_date_time_unref);
  self->last_audit_time = g_steal_pointer (&date);
  notify (self, PROP_LAST_AUDIT);
  notify (self, PROP_LAST_AUDIT_TIME);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * mts_project_get_timeline:
 *
 * Returns: (transfer none) (element-type MtsProjectEvent): the domain's
 *   history, oldest first
 */
GPtrArray *
mts_project_get_timeline (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return self->timeline;
}

static void insert_event (MtsProject      *self,
                          GDateTime       *when,
                          MtsProjectEvent *event);

/**
 * mts_project_add_event:
 * @self: a project
 * @kind: what happened
 * @when: (nullable): when; %NULL for now
 * @text: one line for people, shown as is in every language
 *
 * Adds an event that has only its text, as events from older files have.
 * Code that records what happens uses the mts_project_add_*_event()
 * functions, whose events are worded in the reader's language.
 */
void
mts_project_add_event (MtsProject      *self,
                       MtsTimelineKind  kind,
                       GDateTime       *when,
                       const char      *text)
{
  MtsProjectEvent *event;

  g_return_if_fail (MTS_IS_PROJECT (self));
  g_return_if_fail (kind <= MTS_TIMELINE_SWITCH);
  g_return_if_fail (text != NULL);

  event = g_new0 (MtsProjectEvent, 1);
  event->kind = kind;
  event->text = g_strdup (text);
  insert_event (self, when, event);
}

/* Takes @event over. */
static void
insert_event (MtsProject      *self,
              GDateTime       *when,
              MtsProjectEvent *event)
{
  guint position;

  event->time = utc_or_now (when);
  /* Kept in time order even when an event is recorded late. */
  for (position = self->timeline->len; position > 0; position--)
    if (g_date_time_compare (((MtsProjectEvent *) g_ptr_array_index (self->timeline, position - 1))->time,
                             event->time) <= 0)
      break;
  g_ptr_array_insert (self->timeline, (gint) position, event);
  notify (self, PROP_N_EVENTS);
}

/* Events with parameters also carry a line for versions that do not know
 * the parameters (see the file format above).  It is English on purpose,
 * not translated: the file is shared by every language (a cron job in the
 * C locale, the user's window), and this version words the event itself. */
static MtsProjectEvent *
event_new (MtsTimelineKind kind,
           char           *text)
{
  MtsProjectEvent *event = g_new0 (MtsProjectEvent, 1);

  event->kind = kind;
  event->text = text;
  event->has_params = TRUE;
  return event;
}

/**
 * mts_project_add_created_event:
 * @when: (nullable): when; %NULL for now
 *
 * Records that the domain was set up.
 */
void
mts_project_add_created_event (MtsProject *self,
                               GDateTime  *when)
{
  g_return_if_fail (MTS_IS_PROJECT (self));

  insert_event (self, when, event_new (MTS_TIMELINE_CREATED, g_strdup ("Domain set up")));
}

/**
 * mts_project_add_audit_event:
 * @when: (nullable): when; %NULL for now
 * @verdict: the audit's verdict, as mts_audit_verdict_to_string() gives it
 *
 * Records a check of the domain and what it found.
 */
void
mts_project_add_audit_event (MtsProject *self,
                             GDateTime  *when,
                             const char *verdict)
{
  MtsProjectEvent *event;

  g_return_if_fail (MTS_IS_PROJECT (self));
  g_return_if_fail (verdict != NULL);

  /* Older versions word the verdict themselves. */
  event = event_new (MTS_TIMELINE_AUDIT, g_strdup (verdict));
  event->what = g_strdup (verdict);
  insert_event (self, when, event);
}

/**
 * mts_project_add_published_event:
 * @when: (nullable): when; %NULL for now
 *
 * Records that a check saw @what published as generated.
 */
void
mts_project_add_published_event (MtsProject   *self,
                                 GDateTime    *when,
                                 MtsPublished  what)
{
  static const char *const names[MTS_N_PUBLISHED] = { "policy", "_mta-sts", "_smtp._tls" };
  MtsProjectEvent *event;

  g_return_if_fail (MTS_IS_PROJECT (self));
  g_return_if_fail (what < MTS_N_PUBLISHED);

  event = event_new (MTS_TIMELINE_PUBLISHED, g_strdup (names[what]));
  event->what = g_strdup (names[what]);
  insert_event (self, when, event);
}

/**
 * mts_project_add_import_event:
 * @when: (nullable): when; %NULL for now
 * @new_reports: reports imported that the project did not have
 * @duplicates: reports it had already
 * @other_domain: reports left out because they are for other domains
 * @rejected: files that are not TLS reports
 *
 * Records an import of TLS reports.
 */
void
mts_project_add_import_event (MtsProject *self,
                              GDateTime  *when,
                              guint       new_reports,
                              guint       duplicates,
                              guint       other_domain,
                              guint       rejected)
{
  MtsProjectEvent *event;

  g_return_if_fail (MTS_IS_PROJECT (self));

  event = event_new (MTS_TIMELINE_IMPORT,
                     g_strdup_printf ("Imported %u new TLS reports (%u duplicates, %u files rejected, "
                                      "%u reports for other domains).",
                                      new_reports, duplicates, rejected, other_domain));
  event->new_reports = new_reports;
  event->duplicates = duplicates;
  event->other_domain = other_domain;
  event->rejected = rejected;
  insert_event (self, when, event);
}

/**
 * mts_project_add_switch_event:
 * @when: (nullable): when; %NULL for now
 * @switch_kind: the switch started: "enforce", "testing" or "remove"
 * @new_id: the new policy id
 * @max_age: the new policy's max_age
 * @wait_until: (nullable): for a removal, when the records can go
 *
 * Records that a switch of mode was started.
 */
void
mts_project_add_switch_event (MtsProject *self,
                              GDateTime  *when,
                              const char *switch_kind,
                              const char *new_id,
                              guint       max_age,
                              GDateTime  *wait_until)
{
  MtsProjectEvent *event;
  char *text;

  g_return_if_fail (MTS_IS_PROJECT (self));
  g_return_if_fail (g_strv_contains (switch_kinds, switch_kind));
  g_return_if_fail (new_id != NULL);

  if (g_str_equal (switch_kind, "enforce"))
    text = g_strdup_printf ("Switched to enforce: new policy id %s, max_age %u.", new_id, max_age);
  else if (g_str_equal (switch_kind, "testing"))
    text = g_strdup_printf ("Went back to testing: new policy id %s, max_age %u.", new_id, max_age);
  else
    text = g_strdup_printf ("Started removing MTA-STS: mode none, new policy id %s.", new_id);
  event = event_new (MTS_TIMELINE_SWITCH, text);
  event->what = g_strdup (switch_kind);
  event->new_id = g_strdup (new_id);
  event->max_age = max_age;
  if (wait_until != NULL)
    event->wait_until = g_date_time_to_utc (wait_until);
  insert_event (self, when, event);
}

/**
 * mts_project_add_state_event:
 * @when: (nullable): when; %NULL for now
 *
 * Records that a check saw everything of @state published: the state
 * was reached.
 */
void
mts_project_add_state_event (MtsProject      *self,
                             GDateTime       *when,
                             MtsProjectState  state)
{
  MtsProjectEvent *event;
  const char *name = mts_project_state_to_string (state);

  g_return_if_fail (MTS_IS_PROJECT (self));

  /* Older versions word the state themselves. */
  event = event_new (MTS_TIMELINE_SWITCH, g_strdup (name));
  event->what = g_strdup (name);
  event->seen_published = TRUE;
  insert_event (self, when, event);
}

/**
 * mts_project_add_report_facts:
 * @self: a project
 * @organization: the report's organization-name
 * @report_id: its report-id
 * @facts: what to keep of it (the project keeps a reference: do not change
 *   it afterwards)
 *
 * Reports are unique by (@organization, @report_id): importing the same
 * report twice changes nothing.
 *
 * Returns: %TRUE if the report was new and was added
 */
gboolean
mts_project_add_report_facts (MtsProject *self,
                              const char *organization,
                              const char *report_id,
                              JsonObject *facts)
{
  MtsProjectReport *report;
  g_autofree char *valid_organization = NULL;
  g_autofree char *valid_report_id = NULL;
  char *key;

  g_return_val_if_fail (MTS_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (organization != NULL, FALSE);
  g_return_val_if_fail (report_id != NULL, FALSE);
  g_return_val_if_fail (facts != NULL, FALSE);

  /* Made fit to write now, once: a save does not walk the reports again
   * (see snapshot_root ()). */
  valid_organization = g_utf8_make_valid (organization, -1);
  valid_report_id = g_utf8_make_valid (report_id, -1);
  key = report_key (valid_organization, valid_report_id);
  if (g_hash_table_contains (self->report_index, key))
    {
      g_free (key);
      return FALSE;
    }

  report = g_new0 (MtsProjectReport, 1);
  report->organization = g_steal_pointer (&valid_organization);
  report->report_id = g_steal_pointer (&valid_report_id);
  report->imported = g_date_time_new_now_utc ();
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), facts);
    g_autoptr(JsonNode) valid = writable_node (node);

    report->facts = json_object_ref (valid != NULL ? json_node_get_object (valid) : facts);
  }
  g_ptr_array_add (self->reports, report);
  g_hash_table_insert (self->report_index, key, report);
  notify (self, PROP_N_REPORTS);
  return TRUE;
}

/**
 * mts_project_get_report_facts:
 *
 * Returns: (transfer none) (nullable): the facts kept of one report
 */
JsonObject *
mts_project_get_report_facts (MtsProject *self,
                              const char *organization,
                              const char *report_id)
{
  g_autofree char *key = NULL;
  MtsProjectReport *report;

  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  g_return_val_if_fail (organization != NULL, NULL);
  g_return_val_if_fail (report_id != NULL, NULL);

  key = report_key (organization, report_id);
  report = g_hash_table_lookup (self->report_index, key);
  return report != NULL ? report->facts : NULL;
}

/**
 * mts_project_get_reports:
 *
 * Returns: (transfer none) (element-type MtsProjectReport): the imported
 *   reports, in the order they were imported
 */
GPtrArray *
mts_project_get_reports (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), NULL);
  return self->reports;
}

guint
mts_project_get_n_reports (MtsProject *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT (self), 0);
  return self->reports->len;
}
