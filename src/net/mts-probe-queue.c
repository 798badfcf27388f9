/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-probe-queue.c: many STARTTLS probes at once, at most N at a time.
 *
 * A domain audit probes every address of every MX, and an admin may check
 * fifty domains in one go.  Opening all those connections at once would look
 * like an attack to the servers (and to the local firewall), so probes wait
 * in a queue for a free slot.  The queue also loads the trust store once for
 * all of its probes.
 */
#include "config.h"

#include <gio/gio.h>

#include "mts-smtp-probe-private.h"

struct _MtsProbeQueue
{
  grefcount ref_count;
  MtsProbeOptions options;
  char *helo_name;
  char *ca_file;
  MtsProbeCredentials *creds;
  GError *creds_error;
  gboolean creds_loading;
  guint max_concurrent;
  guint running;
  guint max_running;
  GQueue waiting;
};

typedef struct
{
  MtsProbeQueue *queue;
  GTask *task;
  char *host;
  GInetAddress *address;
  guint16 port;
  /* While waiting: answers a cancellation at once, not when a slot frees. */
  GSource *cancel_source;
} Job;

static void queue_start_next (MtsProbeQueue *queue);

/**
 * mts_probe_queue_new:
 * @options: (nullable): for every probe of the queue; copied
 * @max_concurrent: at most this many probes run at once; 0 for the default (8)
 */
MtsProbeQueue *
mts_probe_queue_new (const MtsProbeOptions *options,
                     guint                  max_concurrent)
{
  MtsProbeQueue *queue = g_new0 (MtsProbeQueue, 1);

  g_ref_count_init (&queue->ref_count);
  if (options != NULL)
    queue->options = *options;
  else
    mts_probe_options_init (&queue->options);
  queue->helo_name = g_strdup (queue->options.helo_name);
  queue->ca_file = g_strdup (queue->options.ca_file);
  queue->options.helo_name = queue->helo_name;
  queue->options.ca_file = queue->ca_file;
  queue->max_concurrent = max_concurrent != 0 ? max_concurrent : MTS_PROBE_DEFAULT_MAX_CONCURRENT;
  g_queue_init (&queue->waiting);
  return queue;
}

MtsProbeQueue *
mts_probe_queue_ref (MtsProbeQueue *queue)
{
  g_return_val_if_fail (queue != NULL, NULL);

  g_ref_count_inc (&queue->ref_count);
  return queue;
}

void
mts_probe_queue_unref (MtsProbeQueue *queue)
{
  if (queue == NULL || !g_ref_count_dec (&queue->ref_count))
    return;

  /* Every job holds a reference: nothing can be waiting here. */
  g_assert (g_queue_is_empty (&queue->waiting));
  g_free (queue->helo_name);
  g_free (queue->ca_file);
  g_clear_pointer (&queue->creds, _mts_probe_credentials_unref);
  g_clear_error (&queue->creds_error);
  g_free (queue);
}

/**
 * mts_probe_queue_get_running:
 *
 * Returns: how many probes are running now.
 */
guint
mts_probe_queue_get_running (MtsProbeQueue *queue)
{
  g_return_val_if_fail (queue != NULL, 0);

  return queue->running;
}

/**
 * mts_probe_queue_get_max_running:
 *
 * Returns: the most probes that ever ran at once in this queue.
 */
guint
mts_probe_queue_get_max_running (MtsProbeQueue *queue)
{
  g_return_val_if_fail (queue != NULL, 0);

  return queue->max_running;
}

static void
job_free (Job *job)
{
  if (job->cancel_source != NULL)
    {
      g_source_destroy (job->cancel_source);
      g_clear_pointer (&job->cancel_source, g_source_unref);
    }
  g_clear_object (&job->task);
  g_free (job->host);
  g_clear_object (&job->address);
  mts_probe_queue_unref (job->queue);
  g_free (job);
}

static void
job_done_cb (GObject      *source,
             GAsyncResult *res,
             gpointer      data)
{
  Job *job = data;
  MtsProbeQueue *queue = mts_probe_queue_ref (job->queue);
  GTask *task = g_steal_pointer (&job->task);
  GError *error = NULL;
  MtsProbeResult *result;

  result = mts_smtp_probe_run_finish (res, &error);
  g_assert (queue->running > 0);
  queue->running--;
  job_free (job);

  queue_start_next (queue);
  mts_probe_queue_unref (queue);

  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) mts_probe_result_unref);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static void
job_start (Job *job)
{
  MtsProbeQueue *queue = job->queue;

  if (job->cancel_source != NULL)
    {
      g_source_destroy (job->cancel_source);
      g_clear_pointer (&job->cancel_source, g_source_unref);
    }
  queue->running++;
  queue->max_running = MAX (queue->max_running, queue->running);
  _mts_smtp_probe_start (job->host, job->address, job->port, &queue->options, queue->creds,
                         g_task_get_cancellable (job->task), job_done_cb, job);
}

static void
job_fail (Job    *job,
          GError *error)
{
  GTask *task = g_steal_pointer (&job->task);

  job_free (job);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
queue_start_next (MtsProbeQueue *queue)
{
  if (queue->creds == NULL)
    return;
  while (queue->running < queue->max_concurrent && !g_queue_is_empty (&queue->waiting))
    job_start (g_queue_pop_head (&queue->waiting));
}

static void
credentials_loaded_cb (GObject      *source,
                       GAsyncResult *res,
                       gpointer      data)
{
  MtsProbeQueue *queue = data;
  Job *job;

  queue->creds_loading = FALSE;
  queue->creds = _mts_probe_credentials_new_finish (res, &queue->creds_error);
  if (queue->creds != NULL)
    queue_start_next (queue);
  else
    while ((job = g_queue_pop_head (&queue->waiting)) != NULL)
      job_fail (job, g_error_copy (queue->creds_error));
  mts_probe_queue_unref (queue);
}

static gboolean
job_cancelled_cb (GCancellable *cancellable,
                  gpointer      data)
{
  Job *job = data;
  GTask *task = g_steal_pointer (&job->task);

  g_queue_remove (&job->queue->waiting, job);
  g_clear_pointer (&job->cancel_source, g_source_unref);
  job_free (job);

  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/**
 * mts_probe_queue_run_async:
 *
 * Like mts_smtp_probe_run_async(), but starts the probe only when fewer
 * than the queue's maximum are running.  A probe cancelled while waiting
 * finishes at once with %G_IO_ERROR_CANCELLED.
 */
void
mts_probe_queue_run_async (MtsProbeQueue       *queue,
                           const char          *host,
                           GInetAddress        *address,
                           guint16              port,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  Job *job;

  g_return_if_fail (queue != NULL);
  g_return_if_fail (host != NULL && *host != '\0');
  g_return_if_fail (G_IS_INET_ADDRESS (address));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (Job, 1);
  job->queue = mts_probe_queue_ref (queue);
  job->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, mts_probe_queue_run_async);
  job->host = g_strdup (host);
  job->address = g_object_ref (address);
  job->port = port;

  /* The same failure to read the CA file answers every probe. */
  if (queue->creds_error != NULL)
    {
      job_fail (job, g_error_copy (queue->creds_error));
      return;
    }

  if (queue->creds != NULL && queue->running < queue->max_concurrent)
    {
      job_start (job);
      return;
    }

  if (cancellable != NULL)
    {
      job->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (job->cancel_source, G_SOURCE_FUNC (job_cancelled_cb), job, NULL);
      g_source_set_name (job->cancel_source, "[mts] queued probe cancelled");
      g_source_attach (job->cancel_source, g_main_context_get_thread_default ());
    }
  g_queue_push_tail (&queue->waiting, job);

  /* Loaded at the first probe, in a worker thread, so that a queue that is
   * never used costs nothing and the main loop never waits for the disk.
   * Not cancellable: the load serves every probe of the queue. */
  if (queue->creds == NULL && !queue->creds_loading)
    {
      queue->creds_loading = TRUE;
      _mts_probe_credentials_new_async (queue->ca_file, NULL, credentials_loaded_cb,
                                        mts_probe_queue_ref (queue));
    }
}

MtsProbeResult *
mts_probe_queue_run_finish (MtsProbeQueue  *queue,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (queue != NULL, NULL);
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mts_probe_queue_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A list of targets */

typedef struct
{
  GPtrArray *results;   /* one slot per target, NULL until done */
  guint pending;
  GError *error;        /* the first failure other than cancellation */
  MtsProbeQueue *queue;
} Many;

typedef struct
{
  GTask *task;
  guint index;
} ManyItem;

static void
many_free (Many *many)
{
  g_ptr_array_unref (many->results);
  g_clear_error (&many->error);
  g_clear_pointer (&many->queue, mts_probe_queue_unref);
  g_free (many);
}

static void
many_item_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  ManyItem *item = data;
  GTask *task = item->task;
  Many *many = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  MtsProbeResult *result;

  result = mts_probe_queue_run_finish (many->queue, res, &error);
  if (result != NULL)
    g_ptr_array_index (many->results, item->index) = result;
  else if (many->error == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    many->error = g_steal_pointer (&error);
  g_free (item);

  if (--many->pending > 0)
    {
      g_object_unref (task);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    ;
  else if (many->error != NULL)
    g_task_return_error (task, g_steal_pointer (&many->error));
  else
    g_task_return_pointer (task, g_ptr_array_ref (many->results),
                           (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
}

/**
 * mts_smtp_probe_many_async:
 * @targets: (array length=n_targets): the addresses to probe
 * @max_concurrent: at most this many at once; 0 for the default (8)
 *
 * Probes every target, at most @max_concurrent at a time.
 */
void
mts_smtp_probe_many_async (const MtsProbeTarget  *targets,
                           guint                  n_targets,
                           const MtsProbeOptions *options,
                           guint                  max_concurrent,
                           GCancellable          *cancellable,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  Many *many;

  g_return_if_fail (targets != NULL || n_targets == 0);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mts_smtp_probe_many_async);
  many = g_new0 (Many, 1);
  many->results = g_ptr_array_new_full (n_targets, (GDestroyNotify) mts_probe_result_unref);
  g_ptr_array_set_size (many->results, n_targets);
  many->queue = mts_probe_queue_new (options, max_concurrent);
  many->pending = n_targets;
  g_task_set_task_data (task, many, (GDestroyNotify) many_free);

  if (n_targets == 0)
    {
      g_task_return_pointer (task, g_ptr_array_ref (many->results),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  for (guint i = 0; i < n_targets; i++)
    {
      ManyItem *item = g_new0 (ManyItem, 1);

      /* Each item holds a reference; the last one to finish returns. */
      item->task = g_object_ref (task);
      item->index = i;
      mts_probe_queue_run_async (many->queue, targets[i].host, targets[i].address,
                                 targets[i].port, cancellable, many_item_cb, item);
    }
}

/**
 * mts_smtp_probe_many_finish:
 *
 * Returns: (transfer full) (element-type MtsProbeResult): one result per
 *   target, in the order of the targets; %NULL with an error when cancelled
 *   or when the CA file could not be read.
 */
GPtrArray *
mts_smtp_probe_many_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mts_smtp_probe_many_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
