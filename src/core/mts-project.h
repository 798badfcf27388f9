/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-project.h: everything the user entered and the app learnt about one domain, saved as JSON. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mts-policy.h"

G_BEGIN_DECLS

/* The version of the file format this build reads and writes.  A file with
 * a larger number is refused (MTS_PROJECT_ERROR_NEWER_VERSION). */
#define MTS_PROJECT_SCHEMA_VERSION 1

#define MTS_PROJECT_ERROR (mts_project_error_quark ())

typedef enum
{
  /* Reading or writing failed: permissions, a full disk, a read-only folder. */
  MTS_PROJECT_ERROR_IO,
  MTS_PROJECT_ERROR_NOT_FOUND,
  MTS_PROJECT_ERROR_EXISTS,
  /* Not JSON, or JSON of the wrong shape; the file was moved aside. */
  MTS_PROJECT_ERROR_CORRUPT,
  /* Written by a newer version of the app; the file was left untouched. */
  MTS_PROJECT_ERROR_NEWER_VERSION,
  /* Changed elsewhere since it was opened, in a way that cannot be merged. */
  MTS_PROJECT_ERROR_CONFLICT,
  MTS_PROJECT_ERROR_INVALID_DOMAIN,
} MtsProjectError;

/* Where the domain is on its way from nothing to an enforced policy. */
typedef enum
{
  MTS_PROJECT_STATE_DRAFT,
  MTS_PROJECT_STATE_TESTING,
  MTS_PROJECT_STATE_ENFORCE,
  /* Being taken down safely: mode none, then removal (RFC 8461 §8.3). */
  MTS_PROJECT_STATE_REMOVING,
  /* Removed: the records and the policy host are gone, and every cached
   * policy has expired; only the history is left. */
  MTS_PROJECT_STATE_REMOVED,
} MtsProjectState;

#define MTS_TYPE_PROJECT_STATE (mts_project_state_get_type ())

/* The three things a domain publishes, each with the date an audit first
 * saw it published as generated. */
typedef enum
{
  MTS_PUBLISHED_POLICY,          /* https://mta-sts.DOMAIN/.well-known/mta-sts.txt */
  MTS_PUBLISHED_STS_RECORD,      /* _mta-sts.DOMAIN TXT */
  MTS_PUBLISHED_TLSRPT_RECORD,   /* _smtp._tls.DOMAIN TXT */
} MtsPublished;

#define MTS_N_PUBLISHED 3

typedef enum
{
  MTS_TIMELINE_CREATED,
  /* An audit saw a policy or record published as generated. */
  MTS_TIMELINE_PUBLISHED,
  MTS_TIMELINE_AUDIT,
  MTS_TIMELINE_IMPORT,
  /* A change of state: testing to enforce, back, removal. */
  MTS_TIMELINE_SWITCH,
} MtsTimelineKind;

/* One MX record as DNS gave it. */
typedef struct
{
  guint16 preference;
  char *host;
} MtsProjectMxHost;

/* One policy id (the id= of the _mta-sts record). */
typedef struct
{
  char *id;
  GDateTime *generated;
  /* When an audit first saw it published, or NULL. */
  GDateTime *published;
  /* The max_age of the policy that went with it; 0 when not known (files
   * written before 0.3 did not keep it). */
  guint32 max_age;
} MtsProjectId;

/* One event of the timeline.  Events keep what happened, not a sentence:
 * the views put it into words in the reader's language (a cron job in the
 * C locale and a German user share one file). */
typedef struct
{
  GDateTime *time;
  MtsTimelineKind kind;
  /* The line a version without the parameters shows.  An event from such a
   * version has only this (written in its language then): it is shown as is. */
  char *text;
  /* FALSE for an event with only its text. */
  gboolean has_params;
  /* audit: the verdict ("ok", "warnings", "errors", "unreachable");
   * published: "policy", "_mta-sts" or "_smtp._tls";
   * switch: the switch started ("enforce", "testing", "remove"), or with
   * seen_published the state reached (mts_project_state_to_string()). */
  char *what;
  /* switch: TRUE when a check saw the new state published, FALSE when the
   * switch was started. */
  gboolean seen_published;
  /* switch started: the new policy id, its max_age, and for a removal when
   * the records can go (or NULL). */
  char *new_id;
  guint max_age;
  GDateTime *wait_until;
  /* import: new reports, duplicates, files of reports for other domains,
   * files rejected. */
  guint new_reports;
  guint duplicates;
  guint other_domain;
  guint rejected;
} MtsProjectEvent;

/* What the importer kept of one TLS-RPT report. */
typedef struct
{
  char *organization;
  char *report_id;
  GDateTime *imported;
  JsonObject *facts;
} MtsProjectReport;

/* A switch of mode under way (to enforce, back to testing, or removal):
 * it takes hours to weeks (DNS TTLs, the old max_age), so it is kept in the
 * file until it is finished or cancelled. */
typedef struct
{
  /* "enforce", "testing" or "remove". */
  char *kind;
  GDateTime *started;
  char *previous_id;        /* nullable */
  char *new_id;
  /* The new policy's. */
  MtsPolicyMode mode;
  guint32 max_age;
  guint32 old_max_age;
  /* Removal: when the old policy has expired from every cache; else NULL. */
  GDateTime *wait_until;
  /* The project already uses the new policy (a check saw it served). */
  gboolean applied;
  /* The ids of the steps done ("publish-policy", ..., "remove"). */
  GStrv done_steps;
} MtsProjectSwitch;

#define MTS_TYPE_PROJECT (mts_project_get_type ())

G_DECLARE_FINAL_TYPE (MtsProject, mts_project, MTS, PROJECT, GObject)

GQuark             mts_project_error_quark          (void);
GType              mts_project_state_get_type       (void) G_GNUC_CONST;
const char        *mts_project_state_to_string      (MtsProjectState   state);
gboolean           mts_project_state_from_string    (const char       *string,
                                                     MtsProjectState  *state);
const char        *mts_timeline_kind_to_string      (MtsTimelineKind   kind);
gboolean           mts_timeline_kind_from_string    (const char       *string,
                                                     MtsTimelineKind  *kind);

MtsProjectMxHost  *mts_project_mx_host_new          (guint16           preference,
                                                     const char       *host);
void               mts_project_mx_host_free         (MtsProjectMxHost *mx);

MtsProject        *mts_project_new                  (const char       *domain);
MtsProject        *mts_project_load                 (GFile            *file,
                                                     GError          **error);
gboolean           mts_project_save                 (MtsProject       *self,
                                                     GFile            *file,
                                                     GError          **error);
MtsProject        *mts_project_load_from_data       (const char       *data,
                                                     gsize             length,
                                                     GError          **error);
char              *mts_project_to_data              (MtsProject       *self,
                                                     gsize            *length);

GFile             *mts_project_get_file             (MtsProject       *self);
gint64             mts_project_get_revision         (MtsProject       *self);

const char        *mts_project_get_domain           (MtsProject       *self);
const char        *mts_project_get_display_name     (MtsProject       *self);
void               mts_project_set_display_name     (MtsProject       *self,
                                                     const char       *display_name);

MtsProjectState    mts_project_get_state            (MtsProject       *self);
GDateTime         *mts_project_get_state_since      (MtsProject       *self);
void               mts_project_set_state            (MtsProject       *self,
                                                     MtsProjectState   state,
                                                     GDateTime        *since);

const char        *mts_project_get_step             (MtsProject       *self);
void               mts_project_set_step             (MtsProject       *self,
                                                     const char       *step);

GPtrArray         *mts_project_get_mx_hosts         (MtsProject       *self);
void               mts_project_set_mx_hosts         (MtsProject       *self,
                                                     GPtrArray        *mx_hosts);
const char *const *mts_project_get_mx_patterns      (MtsProject       *self);
void               mts_project_set_mx_patterns      (MtsProject       *self,
                                                     const char *const *patterns);

MtsPolicyMode      mts_project_get_mode             (MtsProject       *self);
void               mts_project_set_mode             (MtsProject       *self,
                                                     MtsPolicyMode     mode);
guint32            mts_project_get_max_age          (MtsProject       *self);
void               mts_project_set_max_age          (MtsProject       *self,
                                                     guint32           max_age);
const char *const *mts_project_get_rua              (MtsProject       *self);
void               mts_project_set_rua              (MtsProject       *self,
                                                     const char *const *rua);

GPtrArray         *mts_project_get_ids              (MtsProject       *self);
const char        *mts_project_get_current_id       (MtsProject       *self);
gboolean           mts_project_add_id               (MtsProject       *self,
                                                     const char       *id,
                                                     GDateTime        *generated);
gboolean           mts_project_mark_id_published    (MtsProject       *self,
                                                     const char       *id,
                                                     GDateTime        *when);

GDateTime         *mts_project_get_published        (MtsProject       *self,
                                                     MtsPublished      what);
void               mts_project_set_published        (MtsProject       *self,
                                                     MtsPublished      what,
                                                     GDateTime        *when);

JsonNode          *mts_project_get_last_audit       (MtsProject       *self);
GDateTime         *mts_project_get_last_audit_time  (MtsProject       *self);
void               mts_project_set_last_audit       (MtsProject       *self,
                                                     JsonNode         *result,
                                                     GDateTime        *when);

GPtrArray         *mts_project_get_timeline         (MtsProject       *self);
void               mts_project_add_event            (MtsProject       *self,
                                                     MtsTimelineKind   kind,
                                                     GDateTime        *when,
                                                     const char       *text);
void               mts_project_add_created_event    (MtsProject       *self,
                                                     GDateTime        *when);
void               mts_project_add_audit_event      (MtsProject       *self,
                                                     GDateTime        *when,
                                                     const char       *verdict);
void               mts_project_add_published_event  (MtsProject       *self,
                                                     GDateTime        *when,
                                                     MtsPublished      what);
void               mts_project_add_import_event     (MtsProject       *self,
                                                     GDateTime        *when,
                                                     guint             new_reports,
                                                     guint             duplicates,
                                                     guint             other_domain,
                                                     guint             rejected);
void               mts_project_add_switch_event     (MtsProject       *self,
                                                     GDateTime        *when,
                                                     const char       *switch_kind,
                                                     const char       *new_id,
                                                     guint             max_age,
                                                     GDateTime        *wait_until);
void               mts_project_add_state_event      (MtsProject       *self,
                                                     GDateTime        *when,
                                                     MtsProjectState   state);

gboolean           mts_project_add_report_facts     (MtsProject       *self,
                                                     const char       *organization,
                                                     const char       *report_id,
                                                     JsonObject       *facts);
JsonObject        *mts_project_get_report_facts     (MtsProject       *self,
                                                     const char       *organization,
                                                     const char       *report_id);
GPtrArray         *mts_project_get_reports          (MtsProject       *self);
guint              mts_project_get_n_reports        (MtsProject       *self);

MtsProjectSwitch  *mts_project_switch_copy          (const MtsProjectSwitch *pending);
void               mts_project_switch_free          (MtsProjectSwitch *pending);
const MtsProjectSwitch *mts_project_get_pending_switch (MtsProject     *self);
void               mts_project_set_pending_switch   (MtsProject       *self,
                                                     const MtsProjectSwitch *pending);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsProjectMxHost, mts_project_mx_host_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsProjectSwitch, mts_project_switch_free)

G_END_DECLS
