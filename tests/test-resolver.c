/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-resolver.c: the c-ares resolver and the GResolver on top of it, against a private dnsmasq.
 *
 * No root needed: dnsmasq listens on a free loopback port and serves every
 * record from its command line.  Two more peers live in this process: a UDP
 * socket that never answers (timeouts, cancellation) and a scripted peer
 * that answers SERVFAIL (dnsmasq forwards "fail.test" to it) or, for names
 * starting with "bad-", a malformed answer.
 */
#include "config.h"

#include <gio/gio.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/mts-diagnostic.h"
#include "core/mts-txt-record.h"
#include "net/mts-gresolver.h"
#include "net/mts-resolver.h"
#include "mts-test-memory.h"

#define DNSMASQ "/usr/sbin/dnsmasq"
#define STS_RECORD "v=STSv1; id=20240101T000000"
#define SPF_RECORD "v=spf1 -all"
#define TLSA_DATA_1 "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1"
#define TLSA_DATA_2 "0123456789abcdef"
/* TXT records at one name in the "many" tests. */
#define MANY_TXT 50

static GPid dnsmasq_pid;
static guint16 dnsmasq_port;
static gboolean dnsmasq_ipv6;
static GSocket *silent_socket;
static guint16 silent_port;
static GSocket *servfail_socket;
static guint16 servfail_port;
static char *big_txt;

/* --- helpers ------------------------------------------------------------ */

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static void
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static MtsResolver *
resolver_for_port (guint16 port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server = g_strdup_printf ("127.0.0.1:%u", port);
  MtsResolver *resolver = mts_resolver_new ();

  g_assert_true (mts_resolver_set_server (resolver, server, &error));
  g_assert_no_error (error);

  return resolver;
}

static MtsResolver *
new_resolver (void)
{
  return resolver_for_port (dnsmasq_port);
}

static guint16
socket_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  g_assert_nonnull (address);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

static GSocket *
bound_socket (GSocketFamily  family,
              GSocketType    type,
              const char    *ip,
              guint16        port,
              GError       **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (ip);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, port);

  socket = g_socket_new (family, type, 0, error);
  if (socket == NULL || !g_socket_bind (socket, address, FALSE, error))
    return NULL;

  return g_steal_pointer (&socket);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static GStrv
sorted_strv (char **strv)
{
  if (strv != NULL)
    qsort (strv, g_strv_length (strv), sizeof (char *), compare_strings);
  return strv;
}

/* "a.test" as DNS wire format in hex, for a raw --dns-rr CNAME: dnsmasq
 * refuses CNAME loops in its --cname option, and the loop is the point. */
static char *
wire_name (const char *name)
{
  g_auto(GStrv) labels = g_strsplit (name, ".", -1);
  GString *hex = g_string_new (NULL);

  for (guint i = 0; labels[i] != NULL; i++)
    {
      g_string_append_printf (hex, "%02x", (guint) strlen (labels[i]));
      for (const char *c = labels[i]; *c != '\0'; c++)
        g_string_append_printf (hex, "%02x", (guint8) *c);
    }
  g_string_append (hex, "00");

  return g_string_free (hex, FALSE);
}

static char *
cname_rr (const char *from,
          const char *to)
{
  g_autofree char *wire = wire_name (to);

  return g_strdup_printf ("--dns-rr=%s,5,%s", from, wire);
}

/* --- peers -------------------------------------------------------------- */

/* The answer the scripted peer gives to a question whose first label is
 * "bad-...": a well-formed header and question, then one record that is
 * broken in the way the name says.  The owner is a pointer to the question
 * name (offset 12). */
static gsize
broken_answer (const char *label,
               guint8     *out,
               gsize       question_end)
{
  static const guint8 owner[] = { 0xC0, 0x0C };
  guint8 *p = out + question_end;

  memcpy (p, owner, 2);
  p += 2;
  if (g_str_equal (label, "bad-tlsa-short"))
    {
      /* TLSA with two octets of data: no room for its three fields. */
      static const guint8 rr[] = { 0, 52, 0, 1, 0, 0, 0, 60, 0, 2, 3, 1 };

      memcpy (p, rr, sizeof rr);
      p += sizeof rr;
    }
  else if (g_str_equal (label, "fine-tlsa"))
    {
      /* The well-formed control: 3 1 1 abcd. */
      static const guint8 rr[] = { 0, 52, 0, 1, 0, 0, 0, 60, 0, 5, 3, 1, 1, 0xAB, 0xCD };

      memcpy (p, rr, sizeof rr);
      p += sizeof rr;
    }
  else if (g_str_equal (label, "bad-tlsa-overrun"))
    {
      /* Says 200 octets of data follow; 4 do. */
      static const guint8 rr[] = { 0, 52, 0, 1, 0, 0, 0, 60, 0, 200, 3, 1, 1, 0xAB };

      memcpy (p, rr, sizeof rr);
      p += sizeof rr;
    }
  else if (g_str_equal (label, "bad-cname-pointer-loop"))
    {
      /* The target is a compression pointer to itself. */
      static const guint8 rr[] = { 0, 5, 0, 1, 0, 0, 0, 60, 0, 2 };
      gsize target = (p - out) + sizeof rr;

      memcpy (p, rr, sizeof rr);
      p += sizeof rr;
      *p++ = 0xC0 | (target >> 8);
      *p++ = target & 0xFF;
    }
  else
    return 0;

  out[7] = 1;                           /* one answer */
  return p - out;
}

/* Answers each query with its own question and RCODE 2 (SERVFAIL), or with
 * a broken answer (broken_answer()). */
static gboolean
scripted_peer_cb (GSocket      *socket,
                  GIOCondition  condition,
                  gpointer      user_data)
{
  guint8 buffer[1500];
  g_autoptr(GSocketAddress) from = NULL;
  g_autofree char *label = NULL;
  gssize length;
  gsize pos = 12, answer_length = 0;

  length = g_socket_receive_from (socket, &from, (char *) buffer, 512, NULL, NULL);
  if (length < 13 || buffer[12] == 0 || 13 + buffer[12] > length)
    return G_SOURCE_CONTINUE;

  label = g_strndup ((const char *) buffer + 13, buffer[12]);
  while (pos < (gsize) length && buffer[pos] != 0)
    pos += 1 + buffer[pos];
  pos += 5;                             /* root label, type, class */

  memset (buffer + 6, 0, 6);            /* no answers, authority, additional */
  buffer[2] = 0x81;                     /* QR, RD */
  if (pos <= (gsize) length && pos + 64 < sizeof buffer &&
      (answer_length = broken_answer (label, buffer, pos)) > 0)
    buffer[3] = 0x80;                   /* RA, NOERROR */
  else
    buffer[3] = 0x82;                   /* RA, SERVFAIL */

  g_socket_send_to (socket, from, (const char *) buffer,
                    answer_length > 0 ? answer_length : (gsize) length, NULL, NULL);

  return G_SOURCE_CONTINUE;
}

static void
start_peers (void)
{
  g_autoptr(GError) error = NULL;
  GSource *source;

  silent_socket = bound_socket (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  silent_port = socket_port (silent_socket);

  servfail_socket = bound_socket (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  servfail_port = socket_port (servfail_socket);
  g_socket_set_blocking (servfail_socket, FALSE);
  source = g_socket_create_source (servfail_socket, G_IO_IN, NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (scripted_peer_cb), NULL, NULL);
  g_source_attach (source, NULL);
  g_source_unref (source);
}

static void
kill_dnsmasq (void)
{
  if (dnsmasq_pid > 0)
    {
      kill (dnsmasq_pid, SIGTERM);
      waitpid (dnsmasq_pid, NULL, 0);
      g_spawn_close_pid (dnsmasq_pid);
      dnsmasq_pid = 0;
    }
}

static void
dnsmasq_child_setup (gpointer user_data)
{
  /* Even if the test aborts (and atexit handlers do not run), dnsmasq
   * goes with it. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* A port free for both UDP and TCP right now. */
static guint16
free_port (void)
{
  for (;;)
    {
      g_autoptr(GSocket) udp = bound_socket (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                             "127.0.0.1", 0, NULL);
      g_autoptr(GSocket) tcp = NULL;
      guint16 port;

      g_assert_nonnull (udp);
      port = socket_port (udp);
      tcp = bound_socket (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, "127.0.0.1", port, NULL);
      if (tcp != NULL)
        return port;
    }
}

static GPtrArray *
dnsmasq_arguments (guint16 port)
{
  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) big = g_string_new ("--txt-record=_big.example.test");
  struct group *group;

  g_ptr_array_add (args, g_strdup (DNSMASQ));
  g_ptr_array_add (args, g_strdup ("--keep-in-foreground"));
  g_ptr_array_add (args, g_strdup ("--conf-file=/dev/null"));
  g_ptr_array_add (args, g_strdup ("--pid-file"));
  /* Run as ourselves: changing user would clear the parent-death signal
   * (and needs root); so would changing group. */
  g_ptr_array_add (args, g_strdup_printf ("--user=%s", g_get_user_name ()));
  if ((group = getgrgid (getgid ())) != NULL)
    g_ptr_array_add (args, g_strdup_printf ("--group=%s", group->gr_name));
  g_ptr_array_add (args, g_strdup ("--local=/test/"));
  g_ptr_array_add (args, g_strdup ("--no-resolv"));
  g_ptr_array_add (args, g_strdup ("--no-hosts"));
  g_ptr_array_add (args, g_strdup ("--bind-interfaces"));
  g_ptr_array_add (args, g_strdup ("--listen-address=127.0.0.1"));
  if (dnsmasq_ipv6)
    g_ptr_array_add (args, g_strdup ("--listen-address=::1"));
  g_ptr_array_add (args, g_strdup_printf ("--port=%u", port));
  g_ptr_array_add (args, g_strdup ("--log-facility=-"));
  if (g_getenv ("MTS_TEST_DNS_LOG") != NULL)
    g_ptr_array_add (args, g_strdup ("--log-queries"));

  /* MX, given out of order. */
  g_ptr_array_add (args, g_strdup ("--mx-host=example.test,mx2.example.test,20"));
  g_ptr_array_add (args, g_strdup ("--mx-host=example.test,mx1.example.test,10"));
  g_ptr_array_add (args, g_strdup ("--mx-host=example.test,backup.example.test,30"));

  /* Two TXT records at one name, one of them split in two strings. */
  g_ptr_array_add (args, g_strdup ("--txt-record=_mta-sts.example.test,v=STSv1; ,id=20240101T000000"));
  g_ptr_array_add (args, g_strdup ("--txt-record=_mta-sts.example.test," SPF_RECORD));

  /* 4 KB of TXT: more than a UDP answer holds, so c-ares must retry over TCP. */
  for (guint i = 0; i < 4096; i += 255)
    g_string_append_printf (big, ",%.*s", 255, big_txt + i);
  g_ptr_array_add (args, g_string_free (g_steal_pointer (&big), FALSE));

  /* 50 records at one name: 49 verification tokens and the policy record;
   * and 50 policy records at another. */
  for (guint i = 0; i < MANY_TXT - 1; i++)
    g_ptr_array_add (args, g_strdup_printf ("--txt-record=_mta-sts.many.test,"
                                            "site-verification=token-%02u-abcdefghijklmnop", i));
  g_ptr_array_add (args, g_strdup ("--txt-record=_mta-sts.many.test," STS_RECORD));
  for (guint i = 0; i < MANY_TXT; i++)
    g_ptr_array_add (args, g_strdup_printf ("--txt-record=_mta-sts.many-sts.test,"
                                            "v=STSv1; id=202401010000%02u", i));

  g_ptr_array_add (args, g_strdup ("--host-record=host.example.test,192.0.2.1,2001:db8::1"));
  g_ptr_array_add (args, g_strdup ("--host-record=host.example.test,192.0.2.2,2001:db8::2"));
  g_ptr_array_add (args, g_strdup ("--host-record=loopback.example.test,127.0.0.1"));

  /* Delegation of the policy record to a provider (RFC 8461 §8.2). */
  g_ptr_array_add (args, g_strdup ("--cname=_mta-sts.deleg.test,_mta-sts.provider.test"));
  g_ptr_array_add (args, g_strdup ("--txt-record=_mta-sts.provider.test,v=STSv1; id=9"));
  g_ptr_array_add (args, g_strdup ("--cname=hop1.test,hop2.test"));
  g_ptr_array_add (args, g_strdup ("--cname=hop2.test,hop3.test"));
  g_ptr_array_add (args, g_strdup ("--txt-record=hop3.test,end"));
  g_ptr_array_add (args, cname_rr ("loop1.test", "loop2.test"));
  g_ptr_array_add (args, cname_rr ("loop2.test", "loop1.test"));
  g_ptr_array_add (args, cname_rr ("self.test", "SELF.test"));
  g_ptr_array_add (args, cname_rr ("_mta-sts.dangling.test", "nowhere.test"));
  /* Exactly the longest chain allowed, and one step longer. */
  for (guint i = 0; i < MTS_RESOLVER_MAX_CNAME_CHAIN; i++)
    {
      g_autofree char *from = g_strdup_printf ("ok%u.test", i);
      g_autofree char *to = g_strdup_printf ("ok%u.test", i + 1);

      g_ptr_array_add (args, cname_rr (from, to));
    }
  g_ptr_array_add (args, g_strdup_printf ("--txt-record=ok%u.test,end", MTS_RESOLVER_MAX_CNAME_CHAIN));
  for (guint i = 0; i < MTS_RESOLVER_MAX_CNAME_CHAIN + 1; i++)
    {
      g_autofree char *from = g_strdup_printf ("long%u.test", i);
      g_autofree char *to = g_strdup_printf ("long%u.test", i + 1);

      g_ptr_array_add (args, cname_rr (from, to));
    }
  g_ptr_array_add (args, g_strdup_printf ("--txt-record=long%u.test,end",
                                          MTS_RESOLVER_MAX_CNAME_CHAIN + 1));

  g_ptr_array_add (args, g_strdup ("--dns-rr=_25._tcp.mx1.example.test,52,030101" TLSA_DATA_1));
  g_ptr_array_add (args, g_strdup ("--dns-rr=_25._tcp.mx1.example.test,52,020001" TLSA_DATA_2));

  g_ptr_array_add (args, g_strdup_printf ("--server=/fail.test/127.0.0.1#%u", servfail_port));

  g_ptr_array_add (args, NULL);
  return args;
}

static gboolean
dnsmasq_ready (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, NULL);
  return connection != NULL;
}

static gboolean
start_dnsmasq (void)
{
  g_autoptr(GSocket) probe6 = NULL;

  probe6 = bound_socket (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM, "::1", 0, NULL);
  dnsmasq_ipv6 = probe6 != NULL;
  g_clear_object (&probe6);

  /* Another process may take the port between the check and dnsmasq's
   * bind: then dnsmasq exits, and another port is tried. */
  for (guint attempt = 0; attempt < 5; attempt++)
    {
      g_autoptr(GPtrArray) args = NULL;
      g_autoptr(GError) error = NULL;
      guint16 port = free_port ();

      args = dnsmasq_arguments (port);
      if (!g_spawn_async (NULL, (char **) args->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                          dnsmasq_child_setup, NULL, &dnsmasq_pid, &error))
        g_error ("Could not start dnsmasq: %s", error->message);

      for (guint i = 0; i < 100; i++)
        {
          if (waitpid (dnsmasq_pid, NULL, WNOHANG) == dnsmasq_pid)
            {
              g_spawn_close_pid (dnsmasq_pid);
              dnsmasq_pid = 0;
              break;
            }
          if (dnsmasq_ready (port))
            {
              dnsmasq_port = port;
              return TRUE;
            }
          g_usleep (50 * 1000);
        }

      kill_dnsmasq ();
    }

  return FALSE;
}

/* --- lookups ------------------------------------------------------------ */

static void
test_mx (void)
{
  g_autoptr(MtsResolver) resolver = new_resolver ();
  const char *names[] = { "example.test", "EXAMPLE.test." };

  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(GError) error = NULL;
      MtsMxRecord *mx;

      mts_resolver_lookup_mx_async (resolver, names[n], NULL, store_result_cb, &result);
      wait_for (&result);
      records = mts_resolver_lookup_mx_finish (resolver, result, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (records->len, ==, 3);

      mx = g_ptr_array_index (records, 0);
      g_assert_cmpuint (mx->preference, ==, 10);
      g_assert_cmpstr (mx->host, ==, "mx1.example.test");
      mx = g_ptr_array_index (records, 1);
      g_assert_cmpuint (mx->preference, ==, 20);
      g_assert_cmpstr (mx->host, ==, "mx2.example.test");
      mx = g_ptr_array_index (records, 2);
      g_assert_cmpuint (mx->preference, ==, 30);
      g_assert_cmpstr (mx->host, ==, "backup.example.test");
    }
}

static void
test_txt (void)
{
  g_autoptr(MtsResolver) resolver = new_resolver ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) strings_result = NULL;
  g_autoptr(GPtrArray) strings = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) records = NULL;
  gboolean seen_split = FALSE, seen_single = FALSE;

  mts_resolver_lookup_txt_async (resolver, "_mta-sts.example.test", NULL, store_result_cb, &result);
  mts_resolver_lookup_txt_async (resolver, "_mta-sts.example.test", NULL, store_result_cb,
                                 &strings_result);
  wait_for (&result);
  wait_for (&strings_result);

  /* Joined without a separator, and the two records kept apart. */
  records = sorted_strv (mts_resolver_lookup_txt_finish (resolver, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (records), ==, 2);
  g_assert_cmpstr (records[0], ==, STS_RECORD);
  g_assert_cmpstr (records[1], ==, SPF_RECORD);

  strings = mts_resolver_lookup_txt_strings_finish (resolver, strings_result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strings->len, ==, 2);
  for (guint i = 0; i < strings->len; i++)
    {
      char **record = g_ptr_array_index (strings, i);

      if (g_strv_length (record) == 2)
        {
          g_assert_cmpstr (record[0], ==, "v=STSv1; ");
          g_assert_cmpstr (record[1], ==, "id=20240101T000000");
          seen_split = TRUE;
        }
      else
        {
          g_assert_cmpuint (g_strv_length (record), ==, 1);
          g_assert_cmpstr (record[0], ==, SPF_RECORD);
          seen_single = TRUE;
        }
    }
  g_assert_true (seen_split && seen_single);
}

static void
test_txt_tcp (void)
{
  g_autoptr(MtsResolver) resolver = new_resolver ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) strings_result = NULL;
  g_autoptr(GPtrArray) strings = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) records = NULL;

  mts_resolver_lookup_txt_async (resolver, "_big.example.test", NULL, store_result_cb, &result);
  mts_resolver_lookup_txt_async (resolver, "_big.example.test", NULL, store_result_cb,
                                 &strings_result);
  wait_for (&result);
  wait_for (&strings_result);

  records = mts_resolver_lookup_txt_finish (resolver, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (records), ==, 1);
  g_assert_cmpuint (strlen (records[0]), ==, 4096);
  g_assert_cmpstr (records[0], ==, big_txt);

  strings = mts_resolver_lookup_txt_strings_finish (resolver, strings_result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strings->len, ==, 1);
  /* 16 strings of 255 octets, the longest a character-string can be, and 16 more. */
  g_assert_cmpuint (g_strv_length (g_ptr_array_index (strings, 0)), ==, 17);
  g_assert_cmpuint (strlen (((char **) g_ptr_array_index (strings, 0))[0]), ==, 255);
  g_assert_cmpuint (strlen (((char **) g_ptr_array_index (strings, 0))[16]), ==, 16);
}

/* Looks up the TXT records at @name, within the resolver's timeout (one
 * second: dnsmasq answers at once) plus a margin, and with bounded memory. */
static GStrv
lookup_many (const char *name)
{
  g_autoptr(MtsResolver) resolver = new_resolver ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GStrv records;
  gint64 start;
  gsize mark;

  mts_resolver_set_timeout (resolver, 1);
  mark = mts_test_memory_mark ();
  start = g_get_monotonic_time ();
  mts_resolver_lookup_txt_async (resolver, name, NULL, store_result_cb, &result);
  wait_for (&result);
  records = sorted_strv (mts_resolver_lookup_txt_finish (resolver, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, (1 + 1) * G_USEC_PER_SEC);
  g_assert_cmpuint (mts_test_memory_growth_kib (mark), <, 4 * 1024);
  return records;
}

/* 50 TXT records at one name (over 2 KB: more than a plain UDP answer holds,
 * so over TCP): every one comes back, and the one policy record among them
 * is found without a finding. */
static void
test_txt_many (void)
{
  g_auto(GStrv) records = lookup_many ("_mta-sts.many.test");
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  MtsTxtRecord *record;

  g_assert_cmpuint (g_strv_length (records), ==, MANY_TXT);
  for (guint i = 0; i < MANY_TXT - 1; i++)
    {
      g_autofree char *token = g_strdup_printf ("site-verification=token-%02u-abcdefghijklmnop", i);

      g_assert_cmpstr (records[i], ==, token);
    }
  g_assert_cmpstr (records[MANY_TXT - 1], ==, STS_RECORD);

  record = mts_txt_record_parse_set (MTS_TXT_KIND_STS, (const char *const *) records, -1,
                                     diagnostics);
  g_assert_nonnull (record);
  g_assert_false (mts_diagnostics_has_errors (diagnostics));
  mts_txt_record_free (record);
}

/* 50 policy records at one name: one finding, not fifty. */
static void
test_txt_many_sts (void)
{
  g_auto(GStrv) records = lookup_many ("_mta-sts.many-sts.test");
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  const MtsDiagnostic *d;

  g_assert_cmpuint (g_strv_length (records), ==, MANY_TXT);
  for (guint i = 0; i < MANY_TXT; i++)
    {
      g_autofree char *expected = g_strdup_printf ("v=STSv1; id=202401010000%02u", i);

      g_assert_cmpstr (records[i], ==, expected);
    }

  g_assert_null (mts_txt_record_parse_set (MTS_TXT_KIND_STS, (const char *const *) records, -1,
                                           diagnostics));
  g_assert_cmpuint (diagnostics->len, ==, 1);
  d = mts_diagnostics_find (diagnostics, "sts-record-multiple");
  g_assert_nonnull (d);
  g_assert_cmpint (d->severity, ==, MTS_SEVERITY_ERROR);
  g_assert_nonnull (strstr (d->message, "There are 50 records"));
}

static GStrv
addresses_to_strv (GPtrArray *addresses)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv strv;

  for (guint i = 0; i < addresses->len; i++)
    {
      g_autofree char *text = g_inet_address_to_string (g_ptr_array_index (addresses, i));

      g_strv_builder_add (builder, text);
    }
  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return sorted_strv (strv);
}

static void
test_addresses (void)
{
  g_autoptr(MtsResolver) resolver = new_resolver ();
  g_autoptr(GAsyncResult) a_result = NULL;
  g_autoptr(GAsyncResult) aaaa_result = NULL;
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) aaaa = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) a_text = NULL;
  g_auto(GStrv) aaaa_text = NULL;

  mts_resolver_lookup_a_async (resolver, "host.example.test", NULL, store_result_cb, &a_result);
  mts_resolver_lookup_aaaa_async (resolver, "host.example.test", NULL, store_result_cb,
                                  &aaaa_result);
  wait_for (&a_result);
  wait_for (&aaaa_result);

  a = mts_resolver_lookup_a_finish (resolver, a_result, &error);
  g_assert_no_error (error);
  a_text = addresses_to_strv (a);
  g_assert_cmpuint (g_strv_length (a_text), ==, 2);
  g_assert_cmpstr (a_text[0], ==, "192.0.2.1");
  g_assert_cmpstr (a_text[1], ==, "192.0.2.2");
  g_assert_cmpint (g_inet_address_get_family (g_ptr_array_index (a, 0)), ==, G_SOCKET_FAMILY_IPV4);

  aaaa = mts_resolver_lookup_aaaa_finish (resolver, aaaa_result, &error);
  g_assert_no_error (error);
  aaaa_text = addresses_to_strv (aaaa);
  g_assert_cmpuint (g_strv_length (aaaa_text), ==, 2);
  g_assert_cmpstr (aaaa_text[0], ==, "2001:db8::1");
  g_assert_cmpstr (aaaa_text[1], ==, "2001:db8::2");
  g_assert_cmpint (g_inet_address_get_family (g_ptr_array_index (aaaa, 0)), ==, G_SOCKET_FAMILY_IPV6);
}

static int
compare_tlsa (gconstpointer a,
              gconstpointer b)
{
  return (*(MtsTlsaRecord * const *) a)->usage - (*(MtsTlsaRecord * const *) b)->usage;
}

static void
test_tlsa (void)
{
  g_autoptr(MtsResolver) resolver = new_resolver ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  MtsTlsaRecord *tlsa;

  mts_resolver_lookup_tlsa_async (resolver, "_25._tcp.mx1.example.test", NULL,
                                  store_result_cb, &result);
  wait_for (&result);
  records = mts_resolver_lookup_tlsa_finish (resolver, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);
  g_ptr_array_sort (records, compare_tlsa);

  tlsa = g_ptr_array_index (records, 0);
  g_assert_cmpuint (tlsa->usage, ==, 2);
  g_assert_cmpuint (tlsa->selector, ==, 0);
  g_assert_cmpuint (tlsa->matching_type, ==, 1);
  g_assert_cmpstr (tlsa->data, ==, TLSA_DATA_2);

  tlsa = g_ptr_array_index (records, 1);
  g_assert_cmpuint (tlsa->usage, ==, 3);
  g_assert_cmpuint (tlsa->selector, ==, 1);
  g_assert_cmpuint (tlsa->matching_type, ==, 1);
  g_assert_cmpstr (tlsa->data, ==, TLSA_DATA_1);
}

/* --- outcomes ----------------------------------------------------------- */

typedef enum
{
  ASK_MX,
  ASK_TXT,
  ASK_A,
  ASK_AAAA,
  ASK_TLSA,
  ASK_CNAME,
} Ask;

/* Starts one lookup; the result goes to *result. */
static void
ask (MtsResolver   *resolver,
     Ask            what,
     const char    *name,
     GCancellable  *cancellable,
     GAsyncResult **result)
{
  switch (what)
    {
    case ASK_MX:
      mts_resolver_lookup_mx_async (resolver, name, cancellable, store_result_cb, result);
      break;
    case ASK_TXT:
      mts_resolver_lookup_txt_async (resolver, name, cancellable, store_result_cb, result);
      break;
    case ASK_A:
      mts_resolver_lookup_a_async (resolver, name, cancellable, store_result_cb, result);
      break;
    case ASK_AAAA:
      mts_resolver_lookup_aaaa_async (resolver, name, cancellable, store_result_cb, result);
      break;
    case ASK_TLSA:
      mts_resolver_lookup_tlsa_async (resolver, name, cancellable, store_result_cb, result);
      break;
    case ASK_CNAME:
      mts_resolver_lookup_cname_chain_async (resolver, name, cancellable, store_result_cb, result);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Finishes a lookup that must fail, and gives its error. */
static GError *
finish_error (MtsResolver  *resolver,
              Ask           what,
              GAsyncResult *result)
{
  GError *error = NULL;
  g_auto(GStrv) strv = NULL;
  g_autoptr(GPtrArray) array = NULL;
  g_autofree char *name = NULL;

  switch (what)
    {
    case ASK_MX:
      array = mts_resolver_lookup_mx_finish (resolver, result, &error);
      break;
    case ASK_TXT:
      strv = mts_resolver_lookup_txt_finish (resolver, result, &error);
      break;
    case ASK_A:
      array = mts_resolver_lookup_a_finish (resolver, result, &error);
      break;
    case ASK_AAAA:
      array = mts_resolver_lookup_aaaa_finish (resolver, result, &error);
      break;
    case ASK_TLSA:
      array = mts_resolver_lookup_tlsa_finish (resolver, result, &error);
      break;
    case ASK_CNAME:
      name = mts_resolver_lookup_cname_chain_finish (resolver, result, NULL, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  g_assert_null (array);
  g_assert_null (strv);
  g_assert_null (name);
  g_assert_nonnull (error);

  return error;
}

typedef struct
{
  Ask what;
  const char *name;
  MtsResolverError code;
  const char *label;
} OutcomeVector;

static void
check_outcomes (MtsResolver         *resolver,
                const OutcomeVector *vectors,
                gsize                n_vectors)
{
  for (gsize i = 0; i < n_vectors; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      ask (resolver, vectors[i].what, vectors[i].name, NULL, &result);
      wait_for (&result);
      error = finish_error (resolver, vectors[i].what, result);
      g_test_message ("%s %s: %s", vectors[i].label, vectors[i].name, error->message);
      g_assert_error (error, MTS_RESOLVER_ERROR, (int) vectors[i].code);
      /* The message names what was asked. */
      g_assert_nonnull (strstr (error->message, vectors[i].name));
      if (vectors[i].code != MTS_RESOLVER_ERROR_BAD_NAME)
        g_assert_nonnull (strstr (error->message, vectors[i].label));
    }
}

static void
test_no_such_name (void)
{
  static const OutcomeVector vectors[] = {
    { ASK_MX, "nope.example.test", MTS_RESOLVER_ERROR_NO_SUCH_NAME, "MX" },
    { ASK_TXT, "_mta-sts.nope.test", MTS_RESOLVER_ERROR_NO_SUCH_NAME, "TXT" },
    { ASK_A, "nope.example.test", MTS_RESOLVER_ERROR_NO_SUCH_NAME, "A" },
    { ASK_AAAA, "nope.example.test", MTS_RESOLVER_ERROR_NO_SUCH_NAME, "AAAA" },
    { ASK_TLSA, "_25._tcp.nope.example.test", MTS_RESOLVER_ERROR_NO_SUCH_NAME, "TLSA" },
    { ASK_CNAME, "_mta-sts.nope.test", MTS_RESOLVER_ERROR_NO_SUCH_NAME, "CNAME" },
  };
  g_autoptr(MtsResolver) resolver = new_resolver ();

  check_outcomes (resolver, vectors, G_N_ELEMENTS (vectors));
}

static void
test_no_data (void)
{
  static const OutcomeVector vectors[] = {
    { ASK_MX, "host.example.test", MTS_RESOLVER_ERROR_NO_DATA, "MX" },
    { ASK_TXT, "host.example.test", MTS_RESOLVER_ERROR_NO_DATA, "TXT" },
    { ASK_A, "example.test", MTS_RESOLVER_ERROR_NO_DATA, "A" },
    { ASK_AAAA, "loopback.example.test", MTS_RESOLVER_ERROR_NO_DATA, "AAAA" },
    { ASK_TLSA, "host.example.test", MTS_RESOLVER_ERROR_NO_DATA, "TLSA" },
  };
  g_autoptr(MtsResolver) resolver = new_resolver ();

  check_outcomes (resolver, vectors, G_N_ELEMENTS (vectors));
}

static void
test_bad_name (void)
{
  static const OutcomeVector vectors[] = {
    { ASK_TXT, "", MTS_RESOLVER_ERROR_BAD_NAME, "TXT" },
    { ASK_MX, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test",
      MTS_RESOLVER_ERROR_BAD_NAME, "MX" },
  };
  g_autoptr(MtsResolver) resolver = new_resolver ();

  check_outcomes (resolver, vectors, G_N_ELEMENTS (vectors));
}

static void
test_server_failure (void)
{
  static const OutcomeVector vectors[] = {
    { ASK_TXT, "_mta-sts.fail.test", MTS_RESOLVER_ERROR_SERVER_FAILURE, "TXT" },
    { ASK_MX, "fail.test", MTS_RESOLVER_ERROR_SERVER_FAILURE, "MX" },
  };
  g_autoptr(MtsResolver) resolver = new_resolver ();

  check_outcomes (resolver, vectors, G_N_ELEMENTS (vectors));
}

static void
test_server_failure_direct (void)
{
  static const OutcomeVector vectors[] = {
    { ASK_A, "anything.example", MTS_RESOLVER_ERROR_SERVER_FAILURE, "A" },
  };
  g_autoptr(MtsResolver) resolver = resolver_for_port (servfail_port);

  check_outcomes (resolver, vectors, G_N_ELEMENTS (vectors));
}

/* Malformed answers are the server's failure, never a crash or a read
 * past the message (valgrind watches the last part). */
static void
test_malformed_answers (void)
{
  static const OutcomeVector vectors[] = {
    { ASK_TLSA, "bad-tlsa-short.example", MTS_RESOLVER_ERROR_SERVER_FAILURE, "TLSA" },
    { ASK_TLSA, "bad-tlsa-overrun.example", MTS_RESOLVER_ERROR_SERVER_FAILURE, "TLSA" },
    { ASK_CNAME, "bad-cname-pointer-loop.example", MTS_RESOLVER_ERROR_SERVER_FAILURE, "CNAME" },
  };
  g_autoptr(MtsResolver) resolver = resolver_for_port (servfail_port);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  MtsTlsaRecord *tlsa;

  /* The same peer's well-formed answer goes through: the failures below
   * come from the broken records, not from the peer. */
  mts_resolver_lookup_tlsa_async (resolver, "fine-tlsa.example", NULL, store_result_cb, &result);
  wait_for (&result);
  records = mts_resolver_lookup_tlsa_finish (resolver, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  tlsa = g_ptr_array_index (records, 0);
  g_assert_cmpuint (tlsa->usage, ==, 3);
  g_assert_cmpstr (tlsa->data, ==, "abcd");

  check_outcomes (resolver, vectors, G_N_ELEMENTS (vectors));
}

static void
test_timeout (void)
{
  g_autoptr(MtsResolver) resolver = resolver_for_port (silent_port);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  double elapsed;

  mts_resolver_set_timeout (resolver, 1);
  g_assert_cmpuint (mts_resolver_get_timeout (resolver), ==, 1);

  start = g_get_monotonic_time ();
  mts_resolver_lookup_txt_async (resolver, "_mta-sts.example.test", NULL, store_result_cb, &result);
  wait_for (&result);
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  error = finish_error (resolver, ASK_TXT, result);
  g_assert_error (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "_mta-sts.example.test"));
  g_assert_cmpfloat (elapsed, >=, 0.9);
  g_assert_cmpfloat (elapsed, <, 3.0);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_thread (gpointer user_data)
{
  g_usleep (100 * 1000);
  g_cancellable_cancel (user_data);
  return NULL;
}

static void
test_cancel (void)
{
  g_autoptr(MtsResolver) resolver = resolver_for_port (silent_port);

  /* Cancelled mid-lookup from the main loop, from another thread, and
   * before it starts: each ends at once, long before the timeout. */
  for (guint how = 0; how < 3; how++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      GThread *thread = NULL;
      gint64 start = g_get_monotonic_time ();
      double elapsed;

      if (how == 0)
        g_timeout_add (100, cancel_cb, cancellable);
      else if (how == 1)
        thread = g_thread_new ("cancel", cancel_thread, cancellable);
      else
        g_cancellable_cancel (cancellable);

      mts_resolver_lookup_mx_async (resolver, "example.test", cancellable, store_result_cb, &result);
      wait_for (&result);
      elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      if (thread != NULL)
        g_thread_join (thread);

      error = finish_error (resolver, ASK_MX, result);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpfloat (elapsed, <, 1.0);
    }

  /* The queries are still pending in c-ares: dropping the resolver now
   * must let go of them cleanly (checked under valgrind). */
}

static void
test_cname_chain (void)
{
  static const struct
  {
    const char *name;
    const char *chain[MTS_RESOLVER_MAX_CNAME_CHAIN + 2];
  } vectors[] = {
    { "_mta-sts.deleg.test", { "_mta-sts.deleg.test", "_mta-sts.provider.test" } },
    { "_mta-sts.example.test", { "_mta-sts.example.test" } },
    { "hop1.test", { "hop1.test", "hop2.test", "hop3.test" } },
    { "ok0.test", { "ok0.test", "ok1.test", "ok2.test", "ok3.test", "ok4.test",
                    "ok5.test", "ok6.test", "ok7.test", "ok8.test" } },
  };
  g_autoptr(MtsResolver) resolver = new_resolver ();

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) chain = NULL;
      g_autofree char *final = NULL;
      guint length = 0;

      mts_resolver_lookup_cname_chain_async (resolver, vectors[i].name, NULL,
                                             store_result_cb, &result);
      wait_for (&result);
      final = mts_resolver_lookup_cname_chain_finish (resolver, result, &chain, &error);
      g_assert_no_error (error);

      while (vectors[i].chain[length] != NULL)
        length++;
      g_assert_cmpstr (final, ==, vectors[i].chain[length - 1]);
      g_assert_cmpstrv (chain, vectors[i].chain);
    }
}

static void
test_cname_errors (void)
{
  static const OutcomeVector vectors[] = {
    { ASK_CNAME, "loop1.test", MTS_RESOLVER_ERROR_CNAME_LOOP, "loop2.test" },
    { ASK_CNAME, "self.test", MTS_RESOLVER_ERROR_CNAME_LOOP, "SELF.test" },
    { ASK_CNAME, "long0.test", MTS_RESOLVER_ERROR_CNAME_LOOP, "long9.test" },
    /* An alias for a name that does not exist: the message names both. */
    { ASK_CNAME, "_mta-sts.dangling.test", MTS_RESOLVER_ERROR_NO_SUCH_NAME, "nowhere.test" },
  };
  g_autoptr(MtsResolver) resolver = new_resolver ();

  check_outcomes (resolver, vectors, G_N_ELEMENTS (vectors));
}

typedef struct
{
  guint done;
  guint failed;
} Tally;

static void
concurrent_mx_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Tally *tally = user_data;
  g_autoptr(GPtrArray) records = NULL;

  records = mts_resolver_lookup_mx_finish (MTS_RESOLVER (source), result, NULL);
  if (records == NULL || records->len != 3 ||
      g_strcmp0 (((MtsMxRecord *) g_ptr_array_index (records, 0))->host, "mx1.example.test") != 0)
    tally->failed++;
  tally->done++;
}

static void
concurrent_txt_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Tally *tally = user_data;
  g_auto(GStrv) records = NULL;

  records = mts_resolver_lookup_txt_finish (MTS_RESOLVER (source), result, NULL);
  if (records == NULL || g_strv_length (records) != 2 ||
      !g_strv_contains ((const char * const *) records, STS_RECORD))
    tally->failed++;
  tally->done++;
}

static void
concurrent_a_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Tally *tally = user_data;
  g_autoptr(GPtrArray) addresses = NULL;

  addresses = mts_resolver_lookup_a_finish (MTS_RESOLVER (source), result, NULL);
  if (addresses == NULL || addresses->len != 2)
    tally->failed++;
  tally->done++;
}

static void
concurrent_nope_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Tally *tally = user_data;
  g_autoptr(GPtrArray) addresses = NULL;
  g_autoptr(GError) error = NULL;

  addresses = mts_resolver_lookup_aaaa_finish (MTS_RESOLVER (source), result, &error);
  if (!g_error_matches (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_NO_SUCH_NAME))
    tally->failed++;
  tally->done++;
}

static void
test_concurrent (void)
{
  g_autoptr(MtsResolver) resolver = new_resolver ();
  Tally tally = { 0 };
  const guint rounds = 50;

  for (guint i = 0; i < rounds; i++)
    {
      g_autofree char *nope = g_strdup_printf ("nope%u.example.test", i);

      mts_resolver_lookup_mx_async (resolver, "example.test", NULL, concurrent_mx_cb, &tally);
      mts_resolver_lookup_txt_async (resolver, "_mta-sts.example.test", NULL,
                                     concurrent_txt_cb, &tally);
      mts_resolver_lookup_a_async (resolver, "host.example.test", NULL, concurrent_a_cb, &tally);
      mts_resolver_lookup_aaaa_async (resolver, nope, NULL, concurrent_nope_cb, &tally);
    }

  while (tally.done < 4 * rounds)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (tally.failed, ==, 0);
}

/* --- configuration ------------------------------------------------------ */

static void
test_set_server (void)
{
  static const struct
  {
    const char *input;
    const char *server;  /* NULL: rejected */
  } vectors[] = {
    { "192.0.2.53", "192.0.2.53:53" },
    { " 192.0.2.53:5353 ", "192.0.2.53:5353" },
    { "2001:db8::53", "[2001:db8::53]:53" },
    { "[2001:DB8::53]", "[2001:db8::53]:53" },
    { "[2001:db8::53]:5353", "[2001:db8::53]:5353" },
    { "::1", "[::1]:53" },
    { "dns.example.com", NULL },
    { "192.0.2.53:0", NULL },
    { "192.0.2.53:65536", NULL },
    { "192.0.2.53:dns", NULL },
    { "192.0.2.53:", NULL },
    { "192.0.2", NULL },
    { "[2001:db8::53", NULL },
    { "[2001:db8::53]x", NULL },
    { "[192.0.2.53]:53:53", NULL },
    { "192.0.2.53,192.0.2.54", NULL },
  };
  g_autoptr(MtsResolver) resolver = mts_resolver_new ();

  g_assert_null (mts_resolver_dup_server (resolver));
  g_assert_cmpuint (mts_resolver_get_timeout (resolver), ==, MTS_RESOLVER_DEFAULT_TIMEOUT);

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *server = NULL;
      gboolean ok;

      g_assert_true (mts_resolver_set_server (resolver, "127.0.0.1:1", NULL));
      ok = mts_resolver_set_server (resolver, vectors[i].input, &error);
      server = mts_resolver_dup_server (resolver);
      if (vectors[i].server != NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (server, ==, vectors[i].server);
        }
      else
        {
          g_assert_error (error, MTS_RESOLVER_ERROR, MTS_RESOLVER_ERROR_BAD_SERVER);
          g_assert_false (ok);
          /* A rejected server leaves the previous choice in place. */
          g_assert_cmpstr (server, ==, "127.0.0.1:1");
        }
    }

  /* Empty goes back to /etc/resolv.conf. */
  g_assert_true (mts_resolver_set_server (resolver, "", NULL));
  g_assert_null (mts_resolver_dup_server (resolver));
  g_assert_true (mts_resolver_set_server (resolver, "192.0.2.1", NULL));
  g_assert_true (mts_resolver_set_server (resolver, NULL, NULL));
  g_assert_null (mts_resolver_dup_server (resolver));
}

static void
test_ipv6_server (void)
{
  g_autoptr(MtsResolver) resolver = mts_resolver_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;

  if (!dnsmasq_ipv6)
    {
      g_test_skip ("No IPv6 loopback address here");
      return;
    }

  server = g_strdup_printf ("[::1]:%u", dnsmasq_port);
  g_assert_true (mts_resolver_set_server (resolver, server, &error));
  g_assert_no_error (error);

  mts_resolver_lookup_mx_async (resolver, "example.test", NULL, store_result_cb, &result);
  wait_for (&result);
  records = mts_resolver_lookup_mx_finish (resolver, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
}

/* Switching servers while lookups run: they finish on the server they
 * started with, new ones go to the new server. */
static void
test_switch_server (void)
{
  g_autoptr(MtsResolver) resolver = resolver_for_port (silent_port);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) silent_result = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = g_strdup_printf ("127.0.0.1:%u", dnsmasq_port);

  mts_resolver_lookup_mx_async (resolver, "example.test", cancellable, store_result_cb,
                                &silent_result);
  g_assert_true (mts_resolver_set_server (resolver, server, NULL));
  mts_resolver_lookup_mx_async (resolver, "example.test", NULL, store_result_cb, &result);
  wait_for (&result);
  records = mts_resolver_lookup_mx_finish (resolver, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);

  g_assert_null (silent_result);
  g_cancellable_cancel (cancellable);
  wait_for (&silent_result);
  g_clear_error (&error);
  error = finish_error (resolver, ASK_MX, silent_result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* --- re-entrancy -------------------------------------------------------- */

typedef struct
{
  MtsResolver *resolver;  /* owned until the first callback */
  guint done;
  guint ok;
} DropState;

static void
drop_in_callback_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  DropState *state = user_data;
  g_autoptr(GPtrArray) records = NULL;

  records = mts_resolver_lookup_mx_finish (MTS_RESOLVER (source), result, NULL);
  if (records != NULL && records->len == 3)
    state->ok++;

  /* Change the server, then drop the last reference of our own while c-ares
   * is still in the middle of ares_process_fd() and other queries are
   * pending: the resolver stays alive through its tasks, and the last task
   * to finish disposes of it from inside c-ares' processing. */
  if (state->done++ == 0)
    {
      g_assert_true (mts_resolver_set_server (MTS_RESOLVER (source), "127.0.0.1:1", NULL));
      g_clear_object (&state->resolver);
    }
}

static void
test_drop_in_callback (void)
{
  DropState state = { 0 };
  GWeakRef weak;

  state.resolver = new_resolver ();
  g_weak_ref_init (&weak, state.resolver);
  for (guint i = 0; i < 10; i++)
    mts_resolver_lookup_mx_async (state.resolver, "example.test", NULL,
                                  drop_in_callback_cb, &state);

  while (state.done < 10)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (state.ok, ==, 10);

  /* Idle task completions may still hold it for an iteration. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

/* Disposing of a resolver whose channel still has unanswered queries. */
static void
test_dispose_pending (void)
{
  MtsResolver *resolver = resolver_for_port (silent_port);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    mts_resolver_lookup_txt_async (resolver, "_mta-sts.example.test", cancellable,
                                   i == 0 ? store_result_cb : NULL, i == 0 ? &result : NULL);
  g_cancellable_cancel (cancellable);
  wait_for (&result);
  error = finish_error (resolver, ASK_TXT, result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&result);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_finalize_object (resolver);
}

/* --- the default GResolver ---------------------------------------------- */

static GStrv
address_list_to_strv (GList *addresses)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv strv;

  for (GList *l = addresses; l != NULL; l = l->next)
    {
      g_autofree char *text = g_inet_address_to_string (l->data);

      g_strv_builder_add (builder, text);
    }
  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return sorted_strv (strv);
}

static gpointer
lookup_in_thread (gpointer user_data)
{
  GResolver *resolver = user_data;
  GError *error = NULL;
  GList *addresses;
  char **result;

  /* A worker thread, as libsoup's and GIO's synchronous calls run. */
  addresses = g_resolver_lookup_by_name (resolver, "host.example.test", NULL, &error);
  g_assert_no_error (error);
  result = address_list_to_strv (addresses);
  g_resolver_free_addresses (addresses);

  return result;
}

static void
test_gresolver (void)
{
  g_autoptr(MtsResolver) resolver = new_resolver ();
  g_autoptr(GResolver) previous = g_resolver_get_default ();
  g_autoptr(GResolver) installed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) texts = NULL;
  g_auto(GStrv) thread_texts = NULL;
  GList *addresses, *records;
  const char *expected[] = { "192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2", NULL };
  const char *expected_v4[] = { "192.0.2.1", "192.0.2.2", NULL };
  gboolean seen_split = FALSE;
  g_autoptr(GSocketListener) listener = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) remote = NULL;
  g_autoptr(GSocketAddress) remote_address = NULL;
  g_autofree char *remote_text = NULL;

  mts_resolver_install_default (resolver);
  installed = g_resolver_get_default ();
  g_assert_true (MTS_IS_GRESOLVER (installed));
  g_assert_true (mts_gresolver_get_resolver (MTS_GRESOLVER (installed)) == resolver);

  /* Asynchronous, on the main context: the resolver itself. */
  g_resolver_lookup_by_name_async (installed, "host.example.test", NULL, store_result_cb, &result);
  wait_for (&result);
  addresses = g_resolver_lookup_by_name_finish (installed, result, &error);
  g_assert_no_error (error);
  texts = address_list_to_strv (addresses);
  g_resolver_free_addresses (addresses);
  g_assert_cmpstrv (texts, expected);
  g_clear_object (&result);
  g_clear_pointer (&texts, g_strfreev);

  g_resolver_lookup_by_name_with_flags_async (installed, "host.example.test",
                                              G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY, NULL,
                                              store_result_cb, &result);
  wait_for (&result);
  addresses = g_resolver_lookup_by_name_with_flags_finish (installed, result, &error);
  g_assert_no_error (error);
  texts = address_list_to_strv (addresses);
  g_resolver_free_addresses (addresses);
  g_assert_cmpstrv (texts, expected_v4);
  g_clear_object (&result);

  g_resolver_lookup_by_name_async (installed, "nope.example.test", NULL, store_result_cb, &result);
  wait_for (&result);
  addresses = g_resolver_lookup_by_name_finish (installed, result, &error);
  g_assert_null (addresses);
  g_assert_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Synchronous, here and in a worker thread: a copy on a private context. */
  records = g_resolver_lookup_records (installed, "example.test", G_RESOLVER_RECORD_MX, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (records), ==, 3);
  {
    guint16 preference;
    const char *host;

    g_variant_get (records->data, "(q&s)", &preference, &host);
    g_assert_cmpuint (preference, ==, 10);
    g_assert_cmpstr (host, ==, "mx1.example.test");
  }
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);

  records = g_resolver_lookup_records (installed, "_mta-sts.example.test", G_RESOLVER_RECORD_TXT,
                                       NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (records), ==, 2);
  for (GList *l = records; l != NULL; l = l->next)
    {
      g_autofree const char **strings = NULL;

      g_assert_true (g_variant_is_of_type (l->data, G_VARIANT_TYPE ("(as)")));
      g_variant_get (l->data, "(^a&s)", &strings);
      if (g_strv_length ((char **) strings) == 2)
        {
          g_assert_cmpstr (strings[0], ==, "v=STSv1; ");
          g_assert_cmpstr (strings[1], ==, "id=20240101T000000");
          seen_split = TRUE;
        }
    }
  g_assert_true (seen_split);
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);

  records = g_resolver_lookup_records (installed, "host.example.test", G_RESOLVER_RECORD_MX,
                                       NULL, &error);
  g_assert_null (records);
  g_assert_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  thread_texts = g_thread_join (g_thread_new ("lookup", lookup_in_thread, installed));
  g_assert_cmpstrv (thread_texts, expected);

  /* GSocketClient resolves through it: a name only dnsmasq knows. */
  listener = g_socket_listener_new ();
  g_socket_listener_add_address (listener, any_port, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  client = g_socket_client_new ();
  g_socket_client_connect_to_host_async (client, "loopback.example.test",
                                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)),
                                         NULL, store_result_cb, &result);
  wait_for (&result);
  connection = g_socket_client_connect_to_host_finish (client, result, &error);
  g_assert_no_error (error);
  remote_address = g_socket_connection_get_remote_address (connection, &error);
  g_assert_no_error (error);
  remote_text = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote_address)));
  g_assert_cmpstr (remote_text, ==, "127.0.0.1");

  /* Leave the process as it was, and let the copies go. */
  g_resolver_set_default (previous);
  g_clear_object (&installed);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!g_file_test (DNSMASQ, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_print ("1..0 # SKIP " DNSMASQ " is missing (Debian package dnsmasq-base)\n");
      return 0;
    }

  big_txt = g_malloc (4097);
  for (guint i = 0; i < 4096; i++)
    big_txt[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7 + i / 256) % 36];
  big_txt[4096] = '\0';

  start_peers ();
  if (!start_dnsmasq ())
    g_error ("dnsmasq did not start on a free loopback port");
  atexit (kill_dnsmasq);

  g_test_add_func ("/mts/resolver/mx", test_mx);
  g_test_add_func ("/mts/resolver/txt", test_txt);
  g_test_add_func ("/mts/resolver/txt-over-tcp", test_txt_tcp);
  g_test_add_func ("/mts/resolver/txt-many", test_txt_many);
  g_test_add_func ("/mts/resolver/txt-many-sts", test_txt_many_sts);
  g_test_add_func ("/mts/resolver/addresses", test_addresses);
  g_test_add_func ("/mts/resolver/tlsa", test_tlsa);
  g_test_add_func ("/mts/resolver/no-such-name", test_no_such_name);
  g_test_add_func ("/mts/resolver/no-data", test_no_data);
  g_test_add_func ("/mts/resolver/bad-name", test_bad_name);
  g_test_add_func ("/mts/resolver/server-failure", test_server_failure);
  g_test_add_func ("/mts/resolver/server-failure-direct", test_server_failure_direct);
  g_test_add_func ("/mts/resolver/malformed-answers", test_malformed_answers);
  g_test_add_func ("/mts/resolver/timeout", test_timeout);
  g_test_add_func ("/mts/resolver/cancel", test_cancel);
  g_test_add_func ("/mts/resolver/cname-chain", test_cname_chain);
  g_test_add_func ("/mts/resolver/cname-errors", test_cname_errors);
  g_test_add_func ("/mts/resolver/concurrent", test_concurrent);
  g_test_add_func ("/mts/resolver/set-server", test_set_server);
  g_test_add_func ("/mts/resolver/ipv6-server", test_ipv6_server);
  g_test_add_func ("/mts/resolver/switch-server", test_switch_server);
  g_test_add_func ("/mts/resolver/drop-in-callback", test_drop_in_callback);
  g_test_add_func ("/mts/resolver/dispose-pending", test_dispose_pending);
  g_test_add_func ("/mts/resolver/gresolver", test_gresolver);

  status = g_test_run ();

  kill_dnsmasq ();
  g_clear_object (&silent_socket);
  g_clear_object (&servfail_socket);
  g_free (big_txt);

  return status;
}
