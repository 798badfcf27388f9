/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-project-store.c: the folder of domain projects, one file per domain.
 *
 * The folder is $XDG_DATA_HOME/io.github.mtasts.Wizard/domains/ (inside
 * Flatpak, g_get_user_data_dir() is already the app's own data folder).
 * Each domain is DOMAIN.json, named by its A-labels: after
 * mts_domain_normalize() a name has only letters, digits, hyphens and
 * single dots between labels, so it cannot climb out of the folder or name
 * a hidden file.  Names too long for a file system (a domain may have 253
 * characters, a file name 255 bytes) are shortened and given a hash.
 *
 * Beside the projects: ".DOMAIN.json.lock" (the lock every writer takes),
 * "DOMAIN.json.unreadable-DATE" (a damaged file kept aside), and trash/
 * where deleted projects go.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "mts-domain.h"
#include "mts-project-private.h"
#include "mts-project-store.h"

#define APP_DATA_NAME "io.github.mtasts.Wizard"
/* Leaves room in 255 bytes for ".json.unreadable-YYYYMMDDTHHMMSSZ-NN". */
#define MAX_STEM 200

/* One write running in a thread, shared with mts_project_store_save_wait (). */
typedef struct
{
  MtsProjectSnapshot *snapshot;
  GMutex mutex;
  GCond cond;
  gboolean done;            /* under mutex */
  gboolean ok;              /* set by the thread before done */
  GError *error;
  gboolean applied;         /* main thread */
} SaveJob;

/* The writes of one file: the one running, the requests it answers, and
 * the requests that came while it ran (they are answered by one write of
 * the project as it is when that write starts: the latest state wins). */
typedef struct
{
  MtsProjectStore *store;   /* weak: the running GTask holds a reference */
  char *domain;
  SaveJob *job;
  GPtrArray *tasks;         /* GTask, answered by job */
  GQueue waiting;           /* GTask */
} SaveRun;

struct _MtsProjectStore
{
  GObject parent_instance;

  GFile *directory;
  GHashTable *runs;         /* domain -> SaveRun */
};

G_DEFINE_FINAL_TYPE (MtsProjectStore, mts_project_store, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_DIRECTORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
mts_project_summary_free (MtsProjectSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->domain);
  g_free (summary->display_name);
  g_clear_pointer (&summary->state_since, g_date_time_unref);
  g_free (summary->message);
  g_clear_object (&summary->project);
  g_free (summary);
}

static void
mts_project_store_finalize (GObject *object)
{
  MtsProjectStore *self = (MtsProjectStore *) object;

  g_clear_object (&self->directory);
  /* Every run holds the store through its GTask: none is left. */
  g_assert (g_hash_table_size (self->runs) == 0);
  g_hash_table_unref (self->runs);

  G_OBJECT_CLASS (mts_project_store_parent_class)->finalize (object);
}

static void
mts_project_store_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MtsProjectStore *self = MTS_PROJECT_STORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_object (value, self->directory);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mts_project_store_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  MtsProjectStore *self = MTS_PROJECT_STORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mts_project_store_class_init (MtsProjectStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mts_project_store_finalize;
  object_class->get_property = mts_project_store_get_property;
  object_class->set_property = mts_project_store_set_property;

  properties[PROP_DIRECTORY] =
    g_param_spec_object ("directory", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mts_project_store_init (MtsProjectStore *self)
{
  self->runs = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * mts_project_store_get_default_directory:
 *
 * Returns: (transfer full): $XDG_DATA_HOME/io.github.mtasts.Wizard/domains.
 *   The development build shares it: the file format is versioned, and a
 *   newer build's files are refused, never rewritten, by an older one.
 */
GFile *
mts_project_store_get_default_directory (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), APP_DATA_NAME, "domains", NULL);

  return g_file_new_for_path (path);
}

/**
 * mts_project_store_new:
 * @directory: the folder of the projects (created on the first save); see
 *   mts_project_store_get_default_directory()
 *
 * Returns: (transfer full): the store
 */
MtsProjectStore *
mts_project_store_new (GFile *directory)
{
  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  return g_object_new (MTS_TYPE_PROJECT_STORE, "directory", directory, NULL);
}

/**
 * mts_project_store_get_directory:
 *
 * Returns: (transfer none): the folder of the projects
 */
GFile *
mts_project_store_get_directory (MtsProjectStore *self)
{
  g_return_val_if_fail (MTS_IS_PROJECT_STORE (self), NULL);
  return self->directory;
}

/* The file name's stem for an A-label domain. */
static char *
stem_for_domain (const char *domain)
{
  g_autofree char *hash = NULL;

  if (strlen (domain) <= MAX_STEM)
    return g_strdup (domain);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, domain, -1);
  return g_strdup_printf ("%.*s-%.16s", MAX_STEM - 17, domain, hash);
}

static gboolean
normalize (const char  *domain,
           char       **ascii,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!mts_domain_normalize (domain, ascii, NULL, &local_error))
    {
      g_set_error_literal (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_INVALID_DOMAIN,
                           local_error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * mts_project_store_get_file:
 * @self: a store
 * @domain: a domain as typed; it is normalised first
 * @error: %MTS_PROJECT_ERROR_INVALID_DOMAIN, saying what is wrong with it
 *
 * Names such as "../x" or "a/b" are not domains and are refused, so no
 * project file is ever outside the folder.
 *
 * Returns: (transfer full) (nullable): the domain's project file
 */
GFile *
mts_project_store_get_file (MtsProjectStore  *self,
                            const char       *domain,
                            GError          **error)
{
  g_autofree char *ascii = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (MTS_IS_PROJECT_STORE (self), NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  if (!normalize (domain, &ascii, error))
    return NULL;
  stem = stem_for_domain (ascii);
  name = g_strconcat (stem, ".json", NULL);
  return g_file_get_child (self->directory, name);
}

static gint
compare_summaries (gconstpointer a,
                   gconstpointer b)
{
  const MtsProjectSummary *sa = *(MtsProjectSummary *const *) a;
  const MtsProjectSummary *sb = *(MtsProjectSummary *const *) b;

  return strcmp (sa->domain, sb->domain);
}

static MtsProjectSummary *
summarize (const char *path,
           const char *stem)
{
  MtsProjectSummary *summary = g_new0 (MtsProjectSummary, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autofree char *data = NULL;
  g_autofree char *written_by = NULL;
  g_autofree char *wanted_stem = NULL;
  gsize length;

  summary->domain = g_strdup (stem);
  /* Reading without the lock is safe: saves rename whole files into place. */
  if (!g_file_get_contents (path, &data, &length, &error))
    {
      summary->status = MTS_PROJECT_SUMMARY_UNREADABLE;
      summary->message = g_strdup (error->message);
    }
  else if ((project = _mts_project_parse (data, length, &written_by, &error)) == NULL)
    {
      if (error->code == MTS_PROJECT_ERROR_NEWER_VERSION)
        {
          summary->status = MTS_PROJECT_SUMMARY_NEWER_VERSION;
          summary->message =
            g_strdup_printf (_("Saved by a newer version of MTA-STS Wizard (version %s). "
                               "Update the app to open it."), written_by);
        }
      else
        {
          summary->status = MTS_PROJECT_SUMMARY_UNREADABLE;
          summary->message =
            g_strdup_printf (_("This project cannot be read: %s. Opening it keeps the file "
                               "aside and sets the domain up again."), error->message);
        }
    }
  else if (!g_str_equal ((wanted_stem = stem_for_domain (mts_project_get_domain (project))), stem))
    {
      summary->status = MTS_PROJECT_SUMMARY_UNREADABLE;
      summary->message =
        g_strdup_printf (_("This file holds the project for %s, not for the domain in its name. "
                           "Opening it keeps the file aside and sets the domain up again."),
                         mts_project_get_display_name (project));
    }
  else
    {
      g_free (summary->domain);
      summary->domain = g_strdup (mts_project_get_domain (project));
      summary->display_name = g_strdup (mts_project_get_display_name (project));
      summary->status = MTS_PROJECT_SUMMARY_OK;
      summary->state = mts_project_get_state (project);
      summary->state_since = g_date_time_ref (mts_project_get_state_since (project));
      summary->project = g_object_ref (project);
    }

  if (summary->display_name == NULL)
    summary->display_name = g_strdup (summary->domain);
  return summary;
}

/**
 * mts_project_store_list:
 * @self: a store
 * @error: why the folder cannot be read
 *
 * Every project in the folder, by domain, with its state; files that cannot
 * be opened are listed too, with the reason.  A folder that does not exist
 * yet has no projects.
 *
 * Returns: (transfer full) (element-type MtsProjectSummary) (nullable): the list
 */
GPtrArray *
mts_project_store_list (MtsProjectStore  *self,
                        GError          **error)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *dir_path;
  const char *name;

  g_return_val_if_fail (MTS_IS_PROJECT_STORE (self), NULL);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_project_summary_free);
  dir_path = g_file_peek_path (self->directory);
  g_return_val_if_fail (dir_path != NULL, NULL);

  dir = g_dir_open (dir_path, 0, &local_error);
  if (dir == NULL)
    {
      g_autofree char *display = NULL;

      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&list);
      display = g_filename_display_name (dir_path);
      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO,
                   _("The saved domains in “%s” could not be listed: %s. Check that the folder "
                     "can be read."),
                   display, local_error->message);
      return NULL;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *stem = NULL;
      g_autofree char *path = NULL;

      /* Lock files and anything hidden, temporary files, files kept aside. */
      if (name[0] == '.' || !g_str_has_suffix (name, ".json"))
        continue;
      stem = g_strndup (name, strlen (name) - strlen (".json"));
      path = g_build_filename (dir_path, name, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      g_ptr_array_add (list, summarize (path, stem));
    }

  g_ptr_array_sort (list, compare_summaries);
  return g_steal_pointer (&list);
}

/**
 * mts_project_store_open:
 * @self: a store
 * @domain: a domain as typed
 * @error: MTS_PROJECT_ERROR_NOT_FOUND when it has no project; see
 *   mts_project_load() for the others
 *
 * Returns: (transfer full) (nullable): the domain's project
 */
MtsProject *
mts_project_store_open (MtsProjectStore  *self,
                        const char       *domain,
                        GError          **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *ascii = NULL;

  g_return_val_if_fail (MTS_IS_PROJECT_STORE (self), NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  if (!normalize (domain, &ascii, error) ||
      (file = mts_project_store_get_file (self, ascii, error)) == NULL)
    return NULL;

  project = mts_project_load (file, &local_error);
  if (project == NULL)
    {
      if (g_error_matches (local_error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NOT_FOUND))
        {
          g_autofree char *display = NULL;

          mts_domain_normalize (ascii, NULL, &display, NULL);
          g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NOT_FOUND,
                       _("%s has not been set up on this computer yet."), display);
        }
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (!g_str_equal (mts_project_get_domain (project), ascii))
    {
      /* Someone renamed a file by hand: keep it, but do not let a save of
       * this domain and that project mix. */
      const char *path = g_file_peek_path (file);
      g_autofree char *aside = _mts_project_aside_path (path, "unreadable");
      g_autofree char *display = g_filename_display_name (path);
      g_autofree char *aside_display = g_filename_display_name (aside);
      int lock_fd = _mts_project_lock (path, TRUE, NULL);
      gboolean moved = lock_fd >= 0 && g_rename (path, aside) == 0;

      _mts_project_unlock (lock_fd);
      if (moved)
        g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT,
                     _("The project file “%s” holds the project for %s. So that nothing is lost, "
                       "it was kept as “%s”, and the domain can be set up again."),
                     display, mts_project_get_display_name (project), aside_display);
      else
        g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_CORRUPT,
                     _("The project file “%s” holds the project for %s. It was left as it is, "
                       "because its folder cannot be written to."),
                     display, mts_project_get_display_name (project));
      return NULL;
    }

  return g_steal_pointer (&project);
}

/* A new folder's name is only on disk once its parent is synced: without
 * this, a crash soon after the first save could lose the folder, and with
 * it the file that save made durable. */
static void
sync_parent (const char *path)
{
  g_autofree char *parent = g_path_get_dirname (path);
  int fd = g_open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

static gboolean
ensure_directory (MtsProjectStore  *self,
                  GError          **error)
{
  const char *path = g_file_peek_path (self->directory);
  gboolean existed = g_file_test (path, G_FILE_TEST_IS_DIR);

  if (existed)
    return TRUE;
  /* Private: report facts say which servers failed for whom. */
  if (g_mkdir_with_parents (path, 0700) < 0)
    {
      int errsv = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO,
                   _("The folder “%s” for saved domains could not be created: %s. Check that "
                     "its parent folder can be written to."),
                   display, g_strerror (errsv));
      return FALSE;
    }
  sync_parent (path);
  return TRUE;
}

/**
 * mts_project_store_create:
 * @self: a store
 * @domain: a domain as typed
 * @error: MTS_PROJECT_ERROR_EXISTS when it already has a project, or why
 *   it could not be saved
 *
 * Makes a new project and saves it at once, so that the domain is listed
 * from the start and a folder that cannot be written to is found before
 * the user has entered anything.
 *
 * Returns: (transfer full) (nullable): the new project
 */
MtsProject *
mts_project_store_create (MtsProjectStore  *self,
                          const char       *domain,
                          GError          **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autofree char *ascii = NULL;

  g_return_val_if_fail (MTS_IS_PROJECT_STORE (self), NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  if (!normalize (domain, &ascii, error) ||
      (file = mts_project_store_get_file (self, ascii, error)) == NULL)
    return NULL;

  project = mts_project_new (ascii);
  if (g_file_query_exists (file, NULL))
    {
      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_EXISTS,
                   _("%s is already set up on this computer: open it from the list."),
                   mts_project_get_display_name (project));
      return NULL;
    }
  if (!ensure_directory (self, error) || !mts_project_save (project, file, error))
    return NULL;
  return g_steal_pointer (&project);
}

/**
 * mts_project_store_save:
 * @self: a store
 * @project: a project
 * @error: see mts_project_save()
 *
 * Returns: %TRUE when saved
 */
gboolean
mts_project_store_save (MtsProjectStore  *self,
                        MtsProject       *project,
                        GError          **error)
{
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (MTS_IS_PROJECT_STORE (self), FALSE);
  g_return_val_if_fail (MTS_IS_PROJECT (project), FALSE);

  file = mts_project_store_get_file (self, mts_project_get_domain (project), error);
  if (file == NULL || !ensure_directory (self, error))
    return FALSE;
  return mts_project_save (project, file, error);
}

/* Saving in a thread ---------------------------------------------------- */

static void
save_job_free (SaveJob *job)
{
  _mts_project_snapshot_free (job->snapshot);
  g_clear_error (&job->error);
  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_free (job);
}

/* What the thread wrote becomes the project's, once. */
static void
save_job_apply (SaveJob *job)
{
  if (job->applied)
    return;
  job->applied = TRUE;
  if (job->ok)
    _mts_project_snapshot_apply (job->snapshot);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  MtsProjectStore *self = source_object;
  SaveJob *job = task_data;
  GError *error = NULL;
  gboolean ok;

  ok = ensure_directory (self, &error) && _mts_project_snapshot_write (job->snapshot, &error);
  g_mutex_lock (&job->mutex);
  job->ok = ok;
  job->error = error;
  job->done = TRUE;
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->mutex);
  g_task_return_boolean (task, TRUE);
}

static void save_run_start (SaveRun *run,
                            GPtrArray *tasks);

static void
save_written_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  MtsProjectStore *self = MTS_PROJECT_STORE (source);
  SaveRun *run = user_data;
  SaveJob *job = g_steal_pointer (&run->job);
  g_autoptr(GPtrArray) tasks = g_steal_pointer (&run->tasks);

  save_job_apply (job);
  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      if (job->ok)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_error_copy (job->error));
    }
  save_job_free (job);

  if (!g_queue_is_empty (&run->waiting))
    {
      /* The next project waiting, with every request for it. */
      g_autoptr(GPtrArray) next = g_ptr_array_new_with_free_func (g_object_unref);
      GTask *first = g_queue_pop_head (&run->waiting);
      gpointer project = g_task_get_task_data (first);

      g_ptr_array_add (next, first);
      for (GList *l = run->waiting.head; l != NULL;)
        {
          GList *following = l->next;

          if (g_task_get_task_data (l->data) == project)
            {
              g_ptr_array_add (next, l->data);
              g_queue_delete_link (&run->waiting, l);
            }
          l = following;
        }
      save_run_start (run, g_steal_pointer (&next));
      return;
    }
  g_hash_table_remove (self->runs, run->domain);
  g_free (run->domain);
  g_free (run);
}

static void
save_run_start (SaveRun   *run,
                GPtrArray *tasks)
{
  MtsProject *project = g_task_get_task_data (g_ptr_array_index (tasks, 0));
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) write = NULL;
  SaveJob *job;

  /* The domain was checked when the request came. */
  file = mts_project_store_get_file (run->store, run->domain, NULL);
  g_assert (file != NULL);
  job = g_new0 (SaveJob, 1);
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);
  /* The only work on the main thread: the project as text. */
  job->snapshot = _mts_project_snapshot_new (project, file);
  run->job = job;
  run->tasks = tasks;

  write = g_task_new (run->store, NULL, save_written_cb, run);
  g_task_set_source_tag (write, save_run_start);
  g_task_set_task_data (write, job, NULL);
  g_task_run_in_thread (write, save_thread);
}

/**
 * mts_project_store_save_async:
 * @self: a store
 * @project: a project of this store
 * @cancellable: (nullable): not used to stop a write once begun: a save
 *   that was asked for is made
 * @callback: called when it is saved, or could not be
 * @user_data: for @callback
 *
 * Saves as mts_project_store_save() does (the same atomic write, merge and
 * errors), with the writing and any merge in a thread: on the main thread
 * only the project is turned into text.  Writes of one file never overlap:
 * a save asked for while one runs waits, and all saves that waited are made
 * by one write of the project as it is when that write begins.  What
 * another writer added shows in @project when @callback is called.
 */
void
mts_project_store_save_async (MtsProjectStore     *self,
                              MtsProject          *project,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  GError *error = NULL;
  const char *domain;
  SaveRun *run;

  g_return_if_fail (MTS_IS_PROJECT_STORE (self));
  g_return_if_fail (MTS_IS_PROJECT (project));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mts_project_store_save_async);
  g_task_set_task_data (task, g_object_ref (project), g_object_unref);
  domain = mts_project_get_domain (project);
  file = mts_project_store_get_file (self, domain, &error);
  if (file == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  run = g_hash_table_lookup (self->runs, domain);
  if (run != NULL)
    {
      g_queue_push_tail (&run->waiting, g_steal_pointer (&task));
      return;
    }
  run = g_new0 (SaveRun, 1);
  run->store = self;
  run->domain = g_strdup (domain);
  g_queue_init (&run->waiting);
  g_hash_table_insert (self->runs, run->domain, run);
  tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (tasks, g_steal_pointer (&task));
  save_run_start (run, g_steal_pointer (&tasks));
}

/**
 * mts_project_store_save_finish:
 *
 * Returns: %TRUE when saved; see mts_project_save() for the errors
 */
gboolean
mts_project_store_save_finish (MtsProjectStore  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mts_project_store_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * mts_project_store_save_wait:
 * @self: a store
 * @project: a project
 *
 * Blocks until the write of @project running in a thread, if any, is
 * done, and makes its result the project's.  For a window that closes
 * while the app quits: after this, mts_project_store_save() saves what is
 * left without a second writer in the same process.  Saves that were
 * waiting still run, and every callback is still called.
 */
void
mts_project_store_save_wait (MtsProjectStore *self,
                             MtsProject      *project)
{
  SaveRun *run;
  SaveJob *job;

  g_return_if_fail (MTS_IS_PROJECT_STORE (self));
  g_return_if_fail (MTS_IS_PROJECT (project));

  run = g_hash_table_lookup (self->runs, mts_project_get_domain (project));
  if (run == NULL || (job = run->job) == NULL)
    return;
  g_mutex_lock (&job->mutex);
  while (!job->done)
    g_cond_wait (&job->cond, &job->mutex);
  g_mutex_unlock (&job->mutex);
  save_job_apply (job);
}

/**
 * mts_project_store_delete:
 * @self: a store
 * @domain: a domain as typed
 * @error: what went wrong
 *
 * Moves the domain's project into the trash/ folder of the store (as
 * "DOMAIN.json.deleted-DATE"), from where it can be brought back by hand.
 *
 * Returns: %TRUE when moved
 */
gboolean
mts_project_store_delete (MtsProjectStore  *self,
                          const char       *domain,
                          GError          **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *trash_dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *in_trash = NULL;
  g_autofree char *target = NULL;
  g_autofree char *display = NULL;
  const char *path;
  int lock_fd;
  int errsv = 0;

  g_return_val_if_fail (MTS_IS_PROJECT_STORE (self), FALSE);
  g_return_val_if_fail (domain != NULL, FALSE);

  if ((file = mts_project_store_get_file (self, domain, error)) == NULL)
    return FALSE;
  path = g_file_peek_path (file);
  display = g_filename_display_name (path);
  trash_dir = g_build_filename (g_file_peek_path (self->directory), "trash", NULL);
  name = g_file_get_basename (file);
  in_trash = g_build_filename (trash_dir, name, NULL);

  lock_fd = _mts_project_lock (path, TRUE, &local_error);
  if (lock_fd < 0)
    {
      /* No folder: nothing to delete. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        errsv = ENOENT;
      else
        {
          g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO,
                       _("The project file “%s” could not be moved to the trash folder: %s. It "
                         "was left as it is."),
                       display, local_error->message);
          return FALSE;
        }
    }
  else if (!g_file_test (path, G_FILE_TEST_EXISTS))
    errsv = ENOENT;
  else if (g_mkdir_with_parents (trash_dir, 0700) < 0)
    errsv = errno;
  else
    {
      target = _mts_project_aside_path (in_trash, "deleted");
      if (g_rename (path, target) < 0)
        errsv = errno;
    }
  _mts_project_unlock (lock_fd);

  if (errsv == ENOENT)
    {
      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NOT_FOUND,
                   _("There is no project file at “%s”."), display);
      return FALSE;
    }
  if (errsv != 0)
    {
      g_set_error (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_IO,
                   _("The project file “%s” could not be moved to the trash folder: %s. It was "
                     "left as it is."),
                   display, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}
