/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-project-private.h: what the project store shares with the project file code. */
#pragma once

#include "mts-project.h"

G_BEGIN_DECLS

/* Parses a project file.  On failure the error is MTS_PROJECT_ERROR_CORRUPT
 * or _NEWER_VERSION and its message is only the reason, to be put into a
 * sentence; for a newer file, @written_by gets the app version that wrote it. */
MtsProject *_mts_project_parse        (const char  *data,
                                       gsize        length,
                                       char       **written_by,
                                       GError     **error);

/* Takes the per-file lock (flock on DIR/.NAME.lock) that every reader that
 * may move a file and every writer holds.  Returns the lock's descriptor,
 * or -1: with @for_writing that is an error; without, the folder cannot be
 * written to and reading goes on without a lock (nothing can be moved). */
int         _mts_project_lock         (const char  *path,
                                       gboolean     for_writing,
                                       GError     **error);
void        _mts_project_unlock       (int          fd);

/* "PATH.WHAT-YYYYMMDDTHHMMSSZ", with "-2", "-3"... when that exists. */
char       *_mts_project_aside_path   (const char  *path,
                                       const char  *what);

typedef struct _MtsProjectSnapshot MtsProjectSnapshot;

MtsProjectSnapshot *_mts_project_snapshot_new   (MtsProject          *self,
                                                 GFile               *file);
gboolean            _mts_project_snapshot_write (MtsProjectSnapshot  *snapshot,
                                                 GError             **error);
void                _mts_project_snapshot_apply (MtsProjectSnapshot  *snapshot);
void                _mts_project_snapshot_free  (MtsProjectSnapshot  *snapshot);

G_END_DECLS
