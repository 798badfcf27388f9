/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-audit.c: everything a strict sender would find about a domain, at once.
 *
 * The lookups run side by side and each one, when it completes, starts what
 * depends on it: an MX answer starts the A and AAAA lookups of every host,
 * and those start the probes of every address (through one MtsProbeQueue,
 * so at most max_concurrent connections are open).  A counter of operations
 * in flight tells when everything has come back; the cross-checks then run
 * on the complete picture.  Nothing waits on anything it does not need, so
 * a domain with eight slow MX hosts takes about as long as one with one.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "core/mts-mx-pattern.h"
#include "mts-audit.h"

struct _MtsAudit
{
  GObject parent_instance;

  MtsResolver *resolver;
  MtsAuditOptions options;
  char *ca_file;
  /* The options' mx_hosts, normalised and owned; NULL without them. */
  GStrv mx_hosts;
};

G_DEFINE_FINAL_TYPE (MtsAudit, mts_audit, G_TYPE_OBJECT)

enum {
  STEP_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The names people publish the records at by mistake (rfc-notes.md). */
static const MtsTxtPlace wrong_places[] = {
  MTS_TXT_PLACE_SMTP_TCP,
  MTS_TXT_PLACE_TLSRPT,
  MTS_TXT_PLACE_SMTP_TLSRPT,
  MTS_TXT_PLACE_APEX,
};

typedef struct
{
  MtsAudit *self;
  MtsAuditResult *result;
  MtsProbeQueue *queue;
  GCancellable *cancellable;
  /* Operations started and not yet come back; at 0 the audit is complete. */
  guint pending;
  /* The MX lookup itself could not be answered (timeout, server failure). */
  gboolean dns_failed;
} Run;

typedef struct
{
  GTask *task;
  MtsAuditMx *mx;
  /* GInetAddress, as the A and AAAA answers arrive. */
  GPtrArray *v4;
  GPtrArray *v6;
  guint lookups_left;
  gboolean no_such_name;
} HostLookup;

typedef struct
{
  GTask *task;
  MtsAuditMx *mx;
  guint index;
  char *address;
} ProbeSlot;

typedef struct
{
  GTask *task;
  MtsTxtPlace place;
} WrongPlaceLookup;

static void run_op_done (GTask *task);

static void
run_free (Run *run)
{
  g_clear_object (&run->self);
  g_clear_pointer (&run->result, mts_audit_result_free);
  g_clear_pointer (&run->queue, mts_probe_queue_unref);
  g_clear_object (&run->cancellable);
  g_free (run);
}

static void
emit_step (Run          *run,
           MtsAuditStep  step,
           const char   *detail,
           MtsAuditStepState state)
{
  g_signal_emit (run->self, signals[STEP_CHANGED], 0, step, detail, state);
}

static void
audit_mx_free (MtsAuditMx *mx)
{
  g_free (mx->host);
  g_clear_pointer (&mx->probes, g_ptr_array_unref);
  g_clear_pointer (&mx->problems, g_ptr_array_unref);
  g_free (mx);
}

static gboolean
is_cancelled (GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A DNS failure that says nothing about the domain itself: the resolver or
 * the network is at fault, and the audit could not check this part. */
static gboolean
is_lookup_failure (GError *error)
{
  return g_error_matches (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_TIMEOUT) ||
         g_error_matches (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_SERVER_FAILURE) ||
         g_error_matches (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_FAILED);
}

static gboolean
is_absent (GError *error)
{
  return g_error_matches (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_SUCH_NAME) ||
         g_error_matches (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_DATA);
}

/* ---- Probes ------------------------------------------------------------ */

static void
probe_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  ProbeSlot *slot = user_data;
  Run *run = g_task_get_task_data (slot->task);
  g_autoptr(GError) error = NULL;
  MtsProbeResult *probe;

  probe = mts_probe_queue_run_finish (run->queue, res, &error);
  if (probe != NULL)
    {
      g_ptr_array_index (slot->mx->probes, slot->index) = probe;
      emit_step (run, MTS_AUDIT_STEP_PROBE, slot->address, MTS_AUDIT_STEP_DONE);
    }
  else
    {
      /* Only cancellation or an unreadable CA file get here; the latter
       * would fail every probe the same way, so one problem says it. */
      if (!is_cancelled (error) &&
          mts_diagnostics_find (run->result->problems, "probe-failed") == NULL)
        mts_diagnostics_add (run->result->problems, MTS_SEVERITY_ERROR, 0, "probe-failed", NULL,
                             _("The mail servers could not be checked: %s"), error->message);
      emit_step (run, MTS_AUDIT_STEP_PROBE, slot->address, MTS_AUDIT_STEP_FAILED);
    }

  run_op_done (slot->task);
  g_object_unref (slot->task);
  g_free (slot->address);
  g_free (slot);
}

static void
start_probe (GTask        *task,
             MtsAuditMx   *mx,
             GInetAddress *address)
{
  Run *run = g_task_get_task_data (task);
  ProbeSlot *slot = g_new0 (ProbeSlot, 1);
  g_autofree char *text = g_inet_address_to_string (address);

  slot->task = g_object_ref (task);
  slot->mx = mx;
  slot->index = mx->probes->len;
  /* "mx1.example.com (192.0.2.1)": what the progress row shows. */
  slot->address = g_strdup_printf ("%s (%s)", mx->host, text);
  /* The slot keeps the order of the addresses whatever order the probes
   * finish in; it is filled when its probe comes back. */
  g_ptr_array_add (mx->probes, NULL);

  run->pending++;
  emit_step (run, MTS_AUDIT_STEP_PROBE, slot->address, MTS_AUDIT_STEP_RUNNING);
  mts_probe_queue_run_async (run->queue, mx->host, address,
                             run->self->options.port != 0 ? run->self->options.port : 25,
                             run->cancellable, probe_done_cb, slot);
}

/* ---- MX hosts and their addresses -------------------------------------- */

static MtsAuditMx *
add_audit_mx (MtsAuditResult *result,
              const char     *host,
              guint16         preference,
              gboolean        in_dns,
              gboolean        listed)
{
  MtsAuditMx *mx = g_new0 (MtsAuditMx, 1);

  mx->host = g_ascii_strdown (host, -1);
  mx->preference = preference;
  mx->in_dns = in_dns;
  mx->listed = listed;
  mx->probes = g_ptr_array_new_with_free_func ((GDestroyNotify) mts_probe_result_unref);
  mx->problems = mts_diagnostics_new ();
  g_ptr_array_add (result->mx, mx);
  return mx;
}

static MtsAuditMx *
find_audit_mx (MtsAuditResult *result,
               const char     *host)
{
  for (guint i = 0; i < result->mx->len; i++)
    {
      MtsAuditMx *mx = g_ptr_array_index (result->mx, i);

      if (g_ascii_strcasecmp (mx->host, host) == 0)
        return mx;
    }
  return NULL;
}

static void
host_lookup_free (HostLookup *lookup)
{
  g_clear_pointer (&lookup->v4, g_ptr_array_unref);
  g_clear_pointer (&lookup->v6, g_ptr_array_unref);
  g_object_unref (lookup->task);
  g_free (lookup);
}

static void
host_lookup_step_done (HostLookup *lookup)
{
  Run *run = g_task_get_task_data (lookup->task);
  GTask *task = lookup->task;

  if (--lookup->lookups_left > 0)
    return;

  if (lookup->v4->len == 0 && lookup->v6->len == 0 && !g_cancellable_is_cancelled (run->cancellable))
    {
      if (lookup->no_such_name && run->self->mx_hosts != NULL)
        mts_diagnostics_add (lookup->mx->problems, MTS_SEVERITY_ERROR, 0, "mx-no-address", NULL,
                             _("The mail server %s in your list does not exist in DNS. Correct "
                               "its name, or publish an address for it."),
                             lookup->mx->host);
      else if (lookup->no_such_name)
        mts_diagnostics_add (lookup->mx->problems, MTS_SEVERITY_ERROR, 0, "mx-no-address", NULL,
                             _("The mail server %s named in your MX records does not exist in DNS. "
                               "Correct the MX record, or publish an address for that name."),
                             lookup->mx->host);
      else
        mts_diagnostics_add (lookup->mx->problems, MTS_SEVERITY_ERROR, 0, "mx-no-address", NULL,
                             _("The mail server %s has no IPv4 or IPv6 address in DNS, so no mail "
                               "can reach it. Publish an A or AAAA record for it."),
                             lookup->mx->host);
    }
  else if (run->self->options.probe)
    {
      /* IPv4 first: it is what most senders use, and what the summary
       * line of a host describes. */
      for (guint i = 0; i < lookup->v4->len; i++)
        start_probe (task, lookup->mx, g_ptr_array_index (lookup->v4, i));
      for (guint i = 0; i < lookup->v6->len; i++)
        start_probe (task, lookup->mx, g_ptr_array_index (lookup->v6, i));
    }

  g_object_ref (task);
  host_lookup_free (lookup);
  run_op_done (task);
  g_object_unref (task);
}

static void
address_lookup_done (HostLookup   *lookup,
                     GPtrArray    *addresses,
                     GPtrArray    *into,
                     GError       *error)
{
  if (addresses != NULL)
    {
      for (guint i = 0; i < addresses->len; i++)
        g_ptr_array_add (into, g_object_ref (g_ptr_array_index (addresses, i)));
    }
  else if (g_error_matches (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_SUCH_NAME))
    lookup->no_such_name = TRUE;
  else if (error != NULL && !is_absent (error) && !is_cancelled (error))
    mts_diagnostics_add (lookup->mx->problems, MTS_SEVERITY_WARNING, 0, "dns-lookup-failed", NULL,
                         _("The address of %s could not be looked up: %s"),
                         lookup->mx->host, error->message);
}

static void
a_done_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  HostLookup *lookup = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) addresses = mts_resolver_lookup_a_finish (MTS_RESOLVER (source), res, &error);

  address_lookup_done (lookup, addresses, lookup->v4, error);
  host_lookup_step_done (lookup);
}

static void
aaaa_done_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  HostLookup *lookup = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) addresses = mts_resolver_lookup_aaaa_finish (MTS_RESOLVER (source), res, &error);

  address_lookup_done (lookup, addresses, lookup->v6, error);
  host_lookup_step_done (lookup);
}

static void
start_host_lookup (GTask      *task,
                   MtsAuditMx *mx)
{
  Run *run = g_task_get_task_data (task);
  HostLookup *lookup = g_new0 (HostLookup, 1);

  lookup->task = g_object_ref (task);
  lookup->mx = mx;
  lookup->v4 = g_ptr_array_new_with_free_func (g_object_unref);
  lookup->v6 = g_ptr_array_new_with_free_func (g_object_unref);
  lookup->lookups_left = 2;
  run->pending++;
  mts_resolver_lookup_a_async (run->self->resolver, mx->host, run->cancellable, a_done_cb, lookup);
  mts_resolver_lookup_aaaa_async (run->self->resolver, mx->host, run->cancellable, aaaa_done_cb, lookup);
}

/* With a list: a host of the MX answer that the list names had its
 * lookups started with the audit; one that a wildcard of the list matches
 * is probed now; any other is one the policy made from the list leaves
 * out.  That one is probed too: senders deliver to it as long as DNS
 * names it, and "every mail server passed" must cover it. */
static void
add_dns_host_to_list (GTask             *task,
                      const MtsMxRecord *record)
{
  Run *run = g_task_get_task_data (task);
  MtsAuditResult *result = run->result;
  MtsAuditMx *mx = find_audit_mx (result, record->host);

  if (mx != NULL)
    {
      /* The same host twice in DNS: its first record's preference, the
       * lowest, is the one senders use first. */
      if (!mx->in_dns)
        mx->preference = record->preference;
      mx->in_dns = TRUE;
      return;
    }

  if (mts_mx_pattern_list_covers ((const char *const *) run->self->mx_hosts, record->host))
    {
      mx = add_audit_mx (result, record->host, record->preference, TRUE, TRUE);
      start_host_lookup (task, mx);
      return;
    }

  mx = add_audit_mx (result, record->host, record->preference, TRUE, FALSE);
  start_host_lookup (task, mx);
  mts_diagnostics_add (mx->problems, MTS_SEVERITY_WARNING, 0, "mx-not-listed", "RFC 8461 §4.1",
                       _("%s is in DNS but not in your list of mail servers: the policy will not "
                         "cover it, and senders in enforce mode will refuse to deliver to it. Add "
                         "it to the list, or remove its MX record if you are retiring it."),
                       mx->host);
}

/* The notes for the list's hosts that DNS does not name (@dns_answered:
 * FALSE when the domain has no MX records at all). */
static void
compare_list_with_dns (Run      *run,
                       gboolean  dns_answered)
{
  MtsAuditResult *result = run->result;

  for (guint i = 0; run->self->mx_hosts[i] != NULL; i++)
    {
      const char *entry = run->self->mx_hosts[i];
      gboolean matched = FALSE;

      if (!mts_mx_pattern_is_wildcard (entry))
        {
          MtsAuditMx *mx = find_audit_mx (result, entry);

          if (mx != NULL && !mx->in_dns)
            mts_diagnostics_add (mx->problems, MTS_SEVERITY_NOTE, 0, "mx-not-in-dns", NULL,
                                 _("%s is not in your MX records yet: fine if you are adding it. "
                                   "Publish its MX record once it works."),
                                 mx->host);
          continue;
        }

      for (guint j = 0; dns_answered && j < result->mx->len && !matched; j++)
        {
          MtsAuditMx *mx = g_ptr_array_index (result->mx, j);

          matched = mx->in_dns && mts_mx_pattern_matches (entry, mx->host);
        }
      if (!matched)
        mts_diagnostics_add (result->problems, MTS_SEVERITY_NOTE, 0, "mx-not-in-dns", NULL,
                             _("No MX record names a host that matches %s yet: fine if you are "
                               "adding one."),
                             entry);
    }
}

static void
mx_done_cb (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  MtsAuditResult *result = run->result;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;

  records = mts_resolver_lookup_mx_finish (MTS_RESOLVER (source), res, &error);
  if (records == NULL)
    {
      if (is_cancelled (error))
        ;
      else if (g_error_matches (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_SUCH_NAME))
        mts_diagnostics_add (result->problems, MTS_SEVERITY_ERROR, 0, "domain-not-found", NULL,
                             _("%s does not exist in DNS. Check the spelling of the domain."),
                             result->domain);
      else if (g_error_matches (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_DATA) &&
               run->self->mx_hosts != NULL)
        mts_diagnostics_add (result->problems, MTS_SEVERITY_WARNING, 0, "mx-missing", "RFC 8461 §4",
                             _("%s has no MX records yet, so no mail reaches the servers in your "
                               "list. They were checked all the same: publish their MX records "
                               "before the policy."),
                             result->domain);
      else if (g_error_matches (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_DATA))
        mts_diagnostics_add (result->problems, MTS_SEVERITY_ERROR, 0, "mx-missing", "RFC 8461 §4",
                             _("%s has no MX records. MTA-STS protects mail to the servers named in "
                               "MX records: publish MX records for your mail servers first."),
                             result->domain);
      else
        {
          run->dns_failed = TRUE;
          mts_diagnostics_add (result->problems, MTS_SEVERITY_ERROR, 0, "dns-lookup-failed", NULL,
                               _("The mail servers of %s could not be looked up: %s"),
                               result->domain, error->message);
        }
      /* Without an answer nothing can be said about the list; with "no
       * MX", every host of it is one being added. */
      if (run->self->mx_hosts != NULL && is_absent (error))
        compare_list_with_dns (run, FALSE);
      emit_step (run, MTS_AUDIT_STEP_MX, result->domain, MTS_AUDIT_STEP_FAILED);
      run_op_done (task);
      return;
    }

  for (guint i = 0; i < records->len; i++)
    {
      const MtsMxRecord *record = g_ptr_array_index (records, i);
      MtsAuditMx *mx;

      /* RFC 7505: a lone MX "." says the domain takes no mail at all. */
      if (record->host[0] == '\0')
        {
          mts_diagnostics_add (result->problems, MTS_SEVERITY_NOTE, 0, "mx-null", "RFC 7505",
                               _("%s publishes a “null MX”: it says it accepts no mail, so "
                                 "MTA-STS has nothing to protect."),
                               result->domain);
          continue;
        }

      if (run->self->mx_hosts != NULL)
        {
          add_dns_host_to_list (task, record);
          continue;
        }

      mx = add_audit_mx (result, record->host, record->preference, TRUE, TRUE);
      start_host_lookup (task, mx);
    }

  if (run->self->mx_hosts != NULL)
    compare_list_with_dns (run, TRUE);
  emit_step (run, MTS_AUDIT_STEP_MX, result->domain, MTS_AUDIT_STEP_DONE);
  run_op_done (task);
}

/* ---- TXT records ------------------------------------------------------- */

static void
check_records (Run        *run,
               MtsTxtKind  kind,
               char      **records,
               GError     *error)
{
  MtsAuditResult *result = run->result;
  gboolean sts = kind == MTS_TXT_KIND_STS;
  GPtrArray *problems = sts ? result->sts_problems : result->tlsrpt_problems;
  g_autofree char *name = g_strdup_printf ("%s.%s", sts ? "_mta-sts" : "_smtp._tls", result->domain);
  MtsTxtRecord *record;
  guint n;

  if (error != NULL && !is_absent (error))
    {
      mts_diagnostics_add (problems, MTS_SEVERITY_ERROR, 0, "dns-lookup-failed", NULL,
                           _("The TXT record at %s could not be looked up: %s"), name, error->message);
      return;
    }

  n = records != NULL ? g_strv_length (records) : 0;
  record = mts_txt_record_parse_set_for (kind, result->domain, (const char *const *) records, n,
                                         problems);
  if (sts)
    {
      result->sts_records = g_strdupv (records);
      result->sts_record = record;
    }
  else
    {
      result->tlsrpt_records = g_strdupv (records);
      result->tlsrpt_record = record;
    }

  /* The per-finding codes say exactly what is wrong; the summary code says
   * what it means, and is the one scripts look for. */
  if (record == NULL && n > 0 &&
      mts_diagnostics_find (problems, sts ? "sts-record-multiple" : "tlsrpt-record-multiple") == NULL &&
      mts_diagnostics_find (problems, sts ? "sts-record-missing" : "tlsrpt-record-missing") == NULL)
    {
      if (sts)
        mts_diagnostics_add (problems, MTS_SEVERITY_ERROR, 0, "sts-record-invalid", "RFC 8461 §3.1",
                             _("The record at %s is not valid, so senders act as if your domain had no "
                               "MTA-STS. Fix the problems listed for it."), name);
      else
        mts_diagnostics_add (problems, MTS_SEVERITY_ERROR, 0, "tlsrpt-record-invalid", "RFC 8460 §3",
                             _("The record at %s is not valid, so senders send you no TLS reports. "
                               "Fix the problems listed for it."), name);
    }
}

static void
record_lookup_done (GObject      *source,
                    GAsyncResult *res,
                    GTask        *task,
                    MtsTxtKind    kind)
{
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) records = mts_resolver_lookup_txt_finish (MTS_RESOLVER (source), res, &error);

  if (!is_cancelled (error))
    check_records (run, kind, records, error);
  emit_step (run, kind == MTS_TXT_KIND_STS ? MTS_AUDIT_STEP_STS_RECORD : MTS_AUDIT_STEP_TLSRPT_RECORD,
             run->result->domain,
             error != NULL && is_lookup_failure (error) ? MTS_AUDIT_STEP_FAILED : MTS_AUDIT_STEP_DONE);
  run_op_done (task);
  g_object_unref (task);
}

static void
sts_txt_done_cb (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  record_lookup_done (source, res, user_data, MTS_TXT_KIND_STS);
}

static void
tlsrpt_txt_done_cb (GObject      *source,
                    GAsyncResult *res,
                    gpointer      user_data)
{
  record_lookup_done (source, res, user_data, MTS_TXT_KIND_TLSRPT);
}

static void
sts_cname_done_cb (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) chain = NULL;
  g_autofree char *target = NULL;

  target = mts_resolver_lookup_cname_chain_finish (MTS_RESOLVER (source), res, &chain, &error);
  if (g_error_matches (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_CNAME_LOOP))
    {
      mts_diagnostics_add (run->result->sts_problems, MTS_SEVERITY_ERROR, 0, "sts-record-cname-loop",
                           "RFC 8461 §3.1",
                           _("The CNAME records at _mta-sts.%s point in a loop (or through too many "
                             "names), so senders find no MTA-STS record. Point the CNAME straight at "
                             "the name that holds the record."),
                           run->result->domain);
    }
  /* The chain starts with the name asked; a second name means an alias. */
  else if (target != NULL && chain != NULL && g_strv_length (chain) >= 2)
    {
      run->result->sts_delegated_to = g_steal_pointer (&target);
      mts_diagnostics_add (run->result->sts_problems, MTS_SEVERITY_NOTE, 0, "sts-record-delegated",
                           "RFC 8461 §8.2",
                           _("_mta-sts.%s is delegated with a CNAME to %s; senders follow it. The "
                             "record shown is the one found there."),
                           run->result->domain, run->result->sts_delegated_to);
    }
  run_op_done (task);
}

static void
wrong_place_done_cb (GObject      *source,
                     GAsyncResult *res,
                     gpointer      user_data)
{
  WrongPlaceLookup *lookup = user_data;
  GTask *task = lookup->task;
  Run *run = g_task_get_task_data (task);
  MtsAuditResult *result = run->result;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) records = mts_resolver_lookup_txt_finish (MTS_RESOLVER (source), res, &error);

  for (guint i = 0; records != NULL && records[i] != NULL; i++)
    {
      MtsTxtClass klass = MTS_TXT_CLASS_OTHER;
      g_autofree char *message = mts_txt_describe (lookup->place, result->domain, records[i], &klass);

      /* Only the two records this app is about: an SPF record at the apex
       * is where it belongs. */
      if (message == NULL)
        continue;
      if (klass == MTS_TXT_CLASS_STS)
        mts_diagnostics_add (result->sts_problems, MTS_SEVERITY_WARNING, 0, "sts-record-wrong-name",
                             "RFC 8461 §3.1", "%s", message);
      else if (klass == MTS_TXT_CLASS_TLSRPT)
        mts_diagnostics_add (result->tlsrpt_problems, MTS_SEVERITY_WARNING, 0,
                             "tlsrpt-record-wrong-name", "RFC 8460 §3", "%s", message);
    }

  run_op_done (task);
  g_object_unref (task);
  g_free (lookup);
}

/* ---- Policy ------------------------------------------------------------ */

static void
policy_done_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  run->result->policy = mts_policy_fetch_finish (res, &error);
  emit_step (run, MTS_AUDIT_STEP_POLICY, run->result->domain,
             run->result->policy != NULL ? MTS_AUDIT_STEP_DONE : MTS_AUDIT_STEP_FAILED);
  if (run->result->policy == NULL && !is_cancelled (error))
    mts_diagnostics_add (run->result->problems, MTS_SEVERITY_ERROR, 0, "policy-fetch-failed",
                         "RFC 8461 §3.3", _("The policy could not be fetched: %s"), error->message);
  run_op_done (task);
}

/* ---- Cross-checks ------------------------------------------------------ */

static const MtsDiagnostic *
first_error (GPtrArray *problems)
{
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (problems, i);

      if (d->severity == MTS_SEVERITY_ERROR)
        return d;
    }
  return NULL;
}

/* What the published mode does to mail for a host that fails: refused in
 * enforce, delivered but reported in testing (RFC 8461 §5). */
static void
check_mode_effects (MtsAuditResult  *result,
                    const MtsPolicy *policy)
{
  if (policy->mode == MTS_POLICY_MODE_NONE)
    return;

  for (guint i = 0; i < result->mx->len; i++)
    {
      MtsAuditMx *mx = g_ptr_array_index (result->mx, i);
      const MtsDiagnostic *failure = NULL;

      for (guint j = 0; j < mx->probes->len && failure == NULL; j++)
        {
          MtsProbeResult *probe = g_ptr_array_index (mx->probes, j);

          /* An address that could not be reached says nothing about TLS:
           * a sender would try it and the others alike. */
          if (probe != NULL && probe->status != MTS_PROBE_STATUS_CONNECT_FAILED &&
              probe->status != MTS_PROBE_STATUS_BUSY)
            failure = first_error (probe->problems);
        }
      if (failure == NULL && !mx->covered)
        continue;   /* mx-not-covered already says what happens to it */
      if (failure == NULL)
        continue;

      if (policy->mode == MTS_POLICY_MODE_ENFORCE)
        mts_diagnostics_add (result->problems, MTS_SEVERITY_ERROR, 0, "mode-enforce-refuses",
                             "RFC 8461 §5",
                             _("Your policy is in enforce mode, so mail to %s is refused by senders "
                               "that use MTA-STS: %s"),
                             mx->host, failure->message);
      else
        mts_diagnostics_add (result->problems, MTS_SEVERITY_WARNING, 0, "mode-testing-reports",
                             "RFC 8461 §5",
                             _("Your policy is in testing mode, so mail to %s is still delivered, but "
                               "senders report it as failing, and in enforce mode it would be "
                               "refused: %s"),
                             mx->host, failure->message);
    }
}

static void
check_coverage (MtsAuditResult *result)
{
  const MtsPolicy *policy = result->policy != NULL ? result->policy->policy : NULL;
  g_autoptr(GPtrArray) hosts = g_ptr_array_new ();

  if (policy == NULL || !mts_policy_fetch_result_is_valid (result->policy))
    return;

  for (guint i = 0; i < result->mx->len; i++)
    {
      MtsAuditMx *mx = g_ptr_array_index (result->mx, i);

      g_ptr_array_add (policy->mx, NULL);
      mx->covered = mts_mx_pattern_list_covers ((const char *const *) policy->mx->pdata, mx->host);
      g_ptr_array_remove_index (policy->mx, policy->mx->len - 1);
      /* The published policy is judged against what DNS says, not
       * against hosts still being added. */
      if (mx->in_dns)
        g_ptr_array_add (hosts, mx->host);
    }
  g_ptr_array_add (hosts, NULL);

  if (hosts->len > 1)
    mts_policy_check_mx (policy, (const char *const *) hosts->pdata, result->problems);
  check_mode_effects (result, policy);
}

static void
collect_problems (MtsAuditResult *result)
{
  g_autoptr(GPtrArray) probes = g_ptr_array_new ();
  g_autoptr(MtsDiagnostic) blocked = NULL;

  /* A domain that does not exist has no records and no policy host either;
   * saying so four more times would bury the one thing to fix. */
  if (mts_diagnostics_find (result->problems, "domain-not-found") != NULL)
    return;

  for (guint i = 0; i < result->mx->len; i++)
    {
      MtsAuditMx *mx = g_ptr_array_index (result->mx, i);

      for (guint j = 0; j < mx->probes->len; j++)
        if (g_ptr_array_index (mx->probes, j) != NULL)
          g_ptr_array_add (probes, g_ptr_array_index (mx->probes, j));
    }

  /* When every address timed out on port 25 the network the check runs
   * from is the likely cause; one problem says so instead of one
   * "could not connect" per address. */
  blocked = probes->len > 0 ? mts_probe_results_port25_blocked (probes) : NULL;
  if (blocked != NULL)
    g_ptr_array_add (result->problems, g_steal_pointer (&blocked));

  for (guint i = 0; i < result->mx->len; i++)
    {
      MtsAuditMx *mx = g_ptr_array_index (result->mx, i);

      mts_diagnostics_extend (result->problems, mx->problems);
      for (guint j = 0; j < mx->probes->len; j++)
        {
          MtsProbeResult *probe = g_ptr_array_index (mx->probes, j);

          if (probe == NULL)
            continue;
          if (mts_diagnostics_find (result->problems, "port25-blocked") != NULL &&
              probe->status == MTS_PROBE_STATUS_CONNECT_FAILED)
            continue;
          mts_diagnostics_extend (result->problems, probe->problems);
        }
    }
  mts_diagnostics_extend (result->problems, result->sts_problems);
  mts_diagnostics_extend (result->problems, result->tlsrpt_problems);
  if (result->policy != NULL)
    mts_diagnostics_extend (result->problems, result->policy->problems);
  mts_diagnostics_sort (result->problems);
}

static MtsAuditVerdict
decide_verdict (MtsAuditResult *result,
                gboolean        dns_failed)
{
  gboolean errors = FALSE, warnings = FALSE;
  gboolean unreachable = dns_failed ||
                         mts_diagnostics_find (result->problems, "port25-blocked") != NULL;

  for (guint i = 0; i < result->problems->len; i++)
    {
      const MtsDiagnostic *d = g_ptr_array_index (result->problems, i);

      /* Not being able to look does not say the setup is wrong. */
      if (g_str_equal (d->code, "port25-blocked") || g_str_equal (d->code, "dns-lookup-failed"))
        continue;
      if (d->severity == MTS_SEVERITY_ERROR)
        errors = TRUE;
      else if (d->severity == MTS_SEVERITY_WARNING)
        warnings = TRUE;
    }

  if (errors)
    return MTS_AUDIT_VERDICT_ERRORS;
  if (unreachable)
    return MTS_AUDIT_VERDICT_UNREACHABLE;
  return warnings ? MTS_AUDIT_VERDICT_WARNINGS : MTS_AUDIT_VERDICT_OK;
}

/* The order of MtsAuditResult.mx with a list; g_ptr_array_sort() is
 * stable, so hosts not in DNS keep the list's order. */
static int
compare_listed_mx (gconstpointer a,
                   gconstpointer b)
{
  const MtsAuditMx *x = *(MtsAuditMx *const *) a;
  const MtsAuditMx *y = *(MtsAuditMx *const *) b;
  int group_x = !x->listed ? 2 : x->in_dns ? 0 : 1;
  int group_y = !y->listed ? 2 : y->in_dns ? 0 : 1;

  if (group_x != group_y)
    return group_x - group_y;
  if (group_x == 1)
    return 0;
  return (int) x->preference - (int) y->preference;
}

static void
run_op_done (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  g_assert (run->pending > 0);
  if (--run->pending > 0)
    return;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (run->result->mx_from_list)
    g_ptr_array_sort (run->result->mx, compare_listed_mx);
  check_coverage (run->result);
  collect_problems (run->result);
  run->result->verdict = decide_verdict (run->result, run->dns_failed);
  g_task_return_pointer (task, g_steal_pointer (&run->result), (GDestroyNotify) mts_audit_result_free);
}

/* ---- Public API -------------------------------------------------------- */

/**
 * mts_audit_options_init:
 *
 * Fills @options with the defaults: probe port 25, 8 probes at a time,
 * the probes' default step limits, a one-minute policy fetch.
 */
void
mts_audit_options_init (MtsAuditOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->port = 25;
  options->probe = TRUE;
  options->max_concurrent = MTS_PROBE_DEFAULT_MAX_CONCURRENT;
  mts_probe_options_init (&options->probe_options);
  options->fetch_timeout_seconds = MTS_POLICY_FETCH_TIMEOUT_DEFAULT;
}

MtsAudit *
mts_audit_new (MtsResolver           *resolver,
               const MtsAuditOptions *options)
{
  MtsAudit *self;

  g_return_val_if_fail (MTS_IS_RESOLVER (resolver), NULL);

  self = g_object_new (MTS_TYPE_AUDIT, NULL);
  self->resolver = g_object_ref (resolver);
  if (options != NULL)
    self->options = *options;
  else
    mts_audit_options_init (&self->options);
  /* Own the strings: the caller's options may not outlive the audit. */
  self->ca_file = g_strdup (self->options.ca_file);
  self->options.ca_file = self->ca_file;
  self->options.probe_options.ca_file = self->ca_file;
  self->options.probe_options.helo_name = NULL;
  if (self->options.mx_hosts != NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (gsize i = 0; self->options.mx_hosts[i] != NULL; i++)
        {
          g_autofree char *pattern = NULL;

          /* As the policy will hold it: lower case, no final dot. */
          if (!mts_mx_pattern_normalize (self->options.mx_hosts[i], &pattern, NULL))
            pattern = g_ascii_strdown (self->options.mx_hosts[i], -1);
          if (pattern[0] == '\0' || g_hash_table_contains (seen, pattern))
            continue;
          g_strv_builder_add (builder, pattern);
          g_hash_table_add (seen, g_steal_pointer (&pattern));
        }
      self->mx_hosts = g_strv_builder_end (builder);
    }
  self->options.mx_hosts = (const char *const *) self->mx_hosts;
  return self;
}

/**
 * mts_audit_run_async:
 * @domain: the mail domain, as lower-case A-labels
 *
 * Audits @domain; see the file comment.  Emits ::step-changed as it goes.
 */
void
mts_audit_run_async (MtsAudit            *self,
                     const char          *domain,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MtsFetchOptions fetch_options = { 0 };
  g_autofree char *sts_name = NULL;
  g_autofree char *tlsrpt_name = NULL;
  Run *run;

  g_return_if_fail (MTS_IS_AUDIT (self));
  g_return_if_fail (domain != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mts_audit_run_async);

  run = g_new0 (Run, 1);
  run->self = g_object_ref (self);
  run->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  run->queue = mts_probe_queue_new (&self->options.probe_options,
                                    self->options.max_concurrent != 0
                                      ? self->options.max_concurrent
                                      : MTS_PROBE_DEFAULT_MAX_CONCURRENT);
  run->result = g_new0 (MtsAuditResult, 1);
  run->result->domain = g_strdup (domain);
  run->result->started = g_date_time_new_now_utc ();
  run->result->mx = g_ptr_array_new_with_free_func ((GDestroyNotify) audit_mx_free);
  run->result->sts_problems = mts_diagnostics_new ();
  run->result->tlsrpt_problems = mts_diagnostics_new ();
  run->result->problems = mts_diagnostics_new ();
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  sts_name = g_strdup_printf ("_mta-sts.%s", domain);
  tlsrpt_name = g_strdup_printf ("_smtp._tls.%s", domain);

  /* One count for this function itself, so that an operation completing
   * at once cannot finish the audit before the others have started. */
  run->pending = 1;

  /* The listed hosts do not wait for the MX answer: their address lookups
   * and probes start now, side by side with it. */
  run->result->mx_from_list = self->mx_hosts != NULL;
  for (guint i = 0; self->mx_hosts != NULL && self->mx_hosts[i] != NULL; i++)
    if (!mts_mx_pattern_is_wildcard (self->mx_hosts[i]))
      start_host_lookup (task, add_audit_mx (run->result, self->mx_hosts[i], 0, FALSE, TRUE));

  run->pending++;
  emit_step (run, MTS_AUDIT_STEP_MX, domain, MTS_AUDIT_STEP_RUNNING);
  mts_resolver_lookup_mx_async (self->resolver, domain, run->cancellable, mx_done_cb,
                                g_object_ref (task));

  run->pending++;
  emit_step (run, MTS_AUDIT_STEP_STS_RECORD, domain, MTS_AUDIT_STEP_RUNNING);
  mts_resolver_lookup_txt_async (self->resolver, sts_name, run->cancellable, sts_txt_done_cb,
                                 g_object_ref (task));
  run->pending++;
  mts_resolver_lookup_cname_chain_async (self->resolver, sts_name, run->cancellable,
                                         sts_cname_done_cb, g_object_ref (task));

  run->pending++;
  emit_step (run, MTS_AUDIT_STEP_TLSRPT_RECORD, domain, MTS_AUDIT_STEP_RUNNING);
  mts_resolver_lookup_txt_async (self->resolver, tlsrpt_name, run->cancellable, tlsrpt_txt_done_cb,
                                 g_object_ref (task));

  for (gsize i = 0; i < G_N_ELEMENTS (wrong_places); i++)
    {
      WrongPlaceLookup *lookup = g_new0 (WrongPlaceLookup, 1);
      const char *prefix = mts_txt_place_prefix (wrong_places[i]);
      g_autofree char *name = prefix[0] != '\0' ? g_strdup_printf ("%s.%s", prefix, domain)
                                                : g_strdup (domain);

      lookup->task = g_object_ref (task);
      lookup->place = wrong_places[i];
      run->pending++;
      mts_resolver_lookup_txt_async (self->resolver, name, run->cancellable, wrong_place_done_cb,
                                     lookup);
    }

  fetch_options.ca_file = self->ca_file;
  fetch_options.timeout_seconds = self->options.fetch_timeout_seconds;
  run->pending++;
  emit_step (run, MTS_AUDIT_STEP_POLICY, domain, MTS_AUDIT_STEP_RUNNING);
  mts_policy_fetch_async (domain, &fetch_options, run->cancellable, policy_done_cb,
                          g_object_ref (task));

  run_op_done (task);
}

/**
 * mts_audit_run_finish:
 *
 * Returns: (transfer full): the result, or %NULL with @error set when the
 * audit was cancelled.  Failures to reach DNS, the mail servers or the
 * policy host are findings in the result, not errors.
 */
MtsAuditResult *
mts_audit_run_finish (MtsAudit      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
mts_audit_verdict_to_string (MtsAuditVerdict verdict)
{
  switch (verdict)
    {
    case MTS_AUDIT_VERDICT_OK:
      return "ok";
    case MTS_AUDIT_VERDICT_WARNINGS:
      return "warnings";
    case MTS_AUDIT_VERDICT_ERRORS:
      return "errors";
    case MTS_AUDIT_VERDICT_UNREACHABLE:
      return "unreachable";
    default:
      g_return_val_if_reached ("errors");
    }
}

void
mts_audit_result_free (MtsAuditResult *result)
{
  if (result == NULL)
    return;
  g_free (result->domain);
  g_clear_pointer (&result->started, g_date_time_unref);
  g_clear_pointer (&result->mx, g_ptr_array_unref);
  g_strfreev (result->sts_records);
  g_clear_pointer (&result->sts_record, mts_txt_record_free);
  g_free (result->sts_delegated_to);
  g_clear_pointer (&result->sts_problems, g_ptr_array_unref);
  g_strfreev (result->tlsrpt_records);
  g_clear_pointer (&result->tlsrpt_record, mts_txt_record_free);
  g_clear_pointer (&result->tlsrpt_problems, g_ptr_array_unref);
  g_clear_pointer (&result->policy, mts_policy_fetch_result_free);
  g_clear_pointer (&result->problems, g_ptr_array_unref);
  g_free (result);
}

static void
add_strv_member (JsonBuilder       *builder,
                 const char        *name,
                 const char *const *strv)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (gsize i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

static void
record_to_json (JsonBuilder        *builder,
                const char         *name,
                GStrv               records,
                const MtsTxtRecord *record,
                GPtrArray          *problems)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  add_strv_member (builder, "records", (const char *const *) records);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, record != NULL);
  if (record != NULL && record->kind == MTS_TXT_KIND_STS)
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, record->id);
    }
  if (record != NULL && record->kind == MTS_TXT_KIND_TLSRPT)
    add_strv_member (builder, "rua", (const char *const *) record->rua);
  json_builder_set_member_name (builder, "problems");
  mts_diagnostics_to_json (problems, builder);
  json_builder_end_object (builder);
}

/**
 * mts_audit_result_to_json:
 *
 * The object documented in `mtasts help check`: domain, verdict, mx,
 * sts_record, tlsrpt_record, policy, problems.
 */
void
mts_audit_result_to_json (const MtsAuditResult *result,
                          JsonBuilder          *builder)
{
  g_autofree char *checked = g_date_time_format_iso8601 (result->started);
  g_autofree char *sts_name = g_strdup_printf ("_mta-sts.%s", result->domain);
  g_autofree char *tlsrpt_name = g_strdup_printf ("_smtp._tls.%s", result->domain);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "domain");
  json_builder_add_string_value (builder, result->domain);
  json_builder_set_member_name (builder, "checked_at");
  json_builder_add_string_value (builder, checked);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, mts_audit_verdict_to_string (result->verdict));

  json_builder_set_member_name (builder, "mx");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->mx->len; i++)
    {
      const MtsAuditMx *mx = g_ptr_array_index (result->mx, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "host");
      json_builder_add_string_value (builder, mx->host);
      json_builder_set_member_name (builder, "preference");
      json_builder_add_int_value (builder, mx->preference);
      json_builder_set_member_name (builder, "covered");
      json_builder_add_boolean_value (builder, mx->covered);
      /* Only with a list, so that the output without one stays as it was. */
      if (result->mx_from_list)
        {
          json_builder_set_member_name (builder, "in_dns");
          json_builder_add_boolean_value (builder, mx->in_dns);
          json_builder_set_member_name (builder, "listed");
          json_builder_add_boolean_value (builder, mx->listed);
        }
      json_builder_set_member_name (builder, "probes");
      json_builder_begin_array (builder);
      for (guint j = 0; j < mx->probes->len; j++)
        if (g_ptr_array_index (mx->probes, j) != NULL)
          mts_probe_result_to_json (g_ptr_array_index (mx->probes, j), builder);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "problems");
      mts_diagnostics_to_json (mx->problems, builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "sts_record");
  record_to_json (builder, sts_name, result->sts_records, result->sts_record, result->sts_problems);
  if (result->sts_delegated_to != NULL)
    {
      /* Inside sts_record would be tidier, but it is closed; a top-level
       * member keeps the record object's keys fixed. */
      json_builder_set_member_name (builder, "sts_delegated_to");
      json_builder_add_string_value (builder, result->sts_delegated_to);
    }
  json_builder_set_member_name (builder, "tlsrpt_record");
  record_to_json (builder, tlsrpt_name, result->tlsrpt_records, result->tlsrpt_record,
                  result->tlsrpt_problems);

  json_builder_set_member_name (builder, "policy");
  if (result->policy != NULL)
    mts_policy_fetch_result_to_json (result->policy, builder);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "problems");
  mts_diagnostics_to_json (result->problems, builder);
  json_builder_end_object (builder);
}

static void
mts_audit_finalize (GObject *object)
{
  MtsAudit *self = MTS_AUDIT (object);

  g_clear_object (&self->resolver);
  g_free (self->ca_file);
  g_strfreev (self->mx_hosts);

  G_OBJECT_CLASS (mts_audit_parent_class)->finalize (object);
}

static void
mts_audit_class_init (MtsAuditClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mts_audit_finalize;

  /**
   * MtsAudit::step-changed:
   * @step: an #MtsAuditStep
   * @detail: the domain, or for a probe "host (address)"
   * @state: an #MtsAuditStepState
   *
   * A lookup or probe started or ended; for progress rows.
   */
  signals[STEP_CHANGED] = g_signal_new ("step-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_UINT);
}

static void
mts_audit_init (MtsAudit *self)
{
}
