/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-project-store.h: the folder of domain projects, one file per domain. */
#pragma once

#include <gio/gio.h>

#include "mts-project.h"

G_BEGIN_DECLS

typedef enum
{
  MTS_PROJECT_SUMMARY_OK,
  /* Not JSON or the wrong shape: opening it moves it aside. */
  MTS_PROJECT_SUMMARY_UNREADABLE,
  /* Written by a newer version of the app: it cannot be opened here. */
  MTS_PROJECT_SUMMARY_NEWER_VERSION,
} MtsProjectSummaryStatus;

/* One row of the welcome page's list. */
typedef struct
{
  /* The A-label domain; for an unreadable file, taken from its name. */
  char *domain;
  char *display_name;
  MtsProjectSummaryStatus status;
  /* Only meaningful when status is MTS_PROJECT_SUMMARY_OK. */
  MtsProjectState state;
  GDateTime *state_since;
  /* Why the file cannot be opened, in plain language; NULL when it can. */
  char *message;
  /* The project as read, for a closer look (readiness, last audit) without
   * reading the file again; NULL unless status is MTS_PROJECT_SUMMARY_OK.
   * Read-only: open the project through the store to change it. */
  MtsProject *project;
} MtsProjectSummary;

#define MTS_TYPE_PROJECT_STORE (mts_project_store_get_type ())

G_DECLARE_FINAL_TYPE (MtsProjectStore, mts_project_store, MTS, PROJECT_STORE, GObject)

void             mts_project_summary_free                (MtsProjectSummary *summary);

GFile           *mts_project_store_get_default_directory (void);
MtsProjectStore *mts_project_store_new                   (GFile             *directory);
GFile           *mts_project_store_get_directory         (MtsProjectStore   *self);
GFile           *mts_project_store_get_file              (MtsProjectStore   *self,
                                                          const char        *domain,
                                                          GError           **error);
GPtrArray       *mts_project_store_list                  (MtsProjectStore   *self,
                                                          GError           **error);
MtsProject      *mts_project_store_open                  (MtsProjectStore   *self,
                                                          const char        *domain,
                                                          GError           **error);
MtsProject      *mts_project_store_create                (MtsProjectStore   *self,
                                                          const char        *domain,
                                                          GError           **error);
gboolean         mts_project_store_save                  (MtsProjectStore   *self,
                                                          MtsProject        *project,
                                                          GError           **error);
void             mts_project_store_save_async            (MtsProjectStore   *self,
                                                          MtsProject        *project,
                                                          GCancellable      *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer           user_data);
gboolean         mts_project_store_save_finish           (MtsProjectStore   *self,
                                                          GAsyncResult      *result,
                                                          GError           **error);
void             mts_project_store_save_wait             (MtsProjectStore   *self,
                                                          MtsProject        *project);
gboolean         mts_project_store_delete                (MtsProjectStore   *self,
                                                          const char        *domain,
                                                          GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsProjectSummary, mts_project_summary_free)

G_END_DECLS
