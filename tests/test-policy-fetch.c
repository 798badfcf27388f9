/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-policy-fetch.c: the HTTPS policy fetch against an in-process HTTPS server with a test PKI.
 *
 * No root needed: the server listens on a free loopback port, and its host
 * names end in ".localhost", which GLib resolves to the loopback addresses
 * without asking the DNS (RFC 6761), so each certificate can name a host the
 * way a real policy host's does.  The test CA is trusted through the fetch's
 * ca_file option, as a user with an internal PKI would do it.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "core/mts-diagnostic.h"
#include "net/mts-policy-fetch.h"
#include "mts-test-memory.h"
#include "mts-test-needs.h"

#define GOOD_HOST "mta-sts.good.localhost"
#define OTHER_HOST "mta-sts.other.localhost"
#define GOOD_POLICY "version: STSv1\r\nmode: enforce\r\nmx: mail.good.localhost\r\n" \
                    "mx: *.backup.good.localhost\r\nmax_age: 1209600\r\n"

static char *pki_dir;
static char *ca_file;

/* --- the server --------------------------------------------------------- */

typedef struct
{
  SoupServerMessage *msg;
  gsize sent;
  gsize total;
  guint source;
} Stream;

/* How many body bytes the last streamed answer has handed to the socket. */
static gsize last_stream_sent;
/* Cancelled by the /stall answer once its first bytes are out. */
static GCancellable *stall_cancellable;
static gint64 cancelled_at;

static void
stream_free (Stream *stream)
{
  g_clear_handle_id (&stream->source, g_source_remove);
  g_free (stream);
}

static gboolean
slow_byte_cb (gpointer user_data)
{
  Stream *stream = user_data;

  stream->source = 0;
  soup_message_body_append (soup_server_message_get_response_body (stream->msg),
                            SOUP_MEMORY_STATIC, "x", 1);
  last_stream_sent = ++stream->sent;
  soup_server_message_unpause (stream->msg);
  return G_SOURCE_REMOVE;
}

/* One byte a second, for ever: a server that keeps a fetch going until its
 * overall timeout. */
static void
slow_next_cb (SoupServerMessage *msg,
              Stream            *stream)
{
  soup_server_message_pause (msg);
  stream->source = g_timeout_add (1000, slow_byte_cb, stream);
}

/* 16 KiB chunks, each written when the last one left, until stream->total. */
static void
fast_next_cb (SoupServerMessage *msg,
              Stream            *stream)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  gsize n = MIN (16384, stream->total - stream->sent);
  char *chunk;

  if (n == 0)
    {
      soup_message_body_complete (body);
      return;
    }
  chunk = g_malloc (n);
  memset (chunk, 'x', n);
  soup_message_body_append (body, SOUP_MEMORY_TAKE, chunk, n);
  stream->sent += n;
  last_stream_sent = stream->sent;
}

static void
stream_finished_cb (SoupServerMessage *msg,
                    Stream            *stream)
{
  g_clear_handle_id (&stream->source, g_source_remove);
}

static void
start_streaming (SoupServerMessage *msg,
                 gsize              total,
                 gboolean           slow)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  GCallback next = slow ? G_CALLBACK (slow_next_cb) : G_CALLBACK (fast_next_cb);
  Stream *stream = g_new0 (Stream, 1);

  stream->msg = msg;
  stream->total = total;
  last_stream_sent = 0;
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, "text/plain", NULL);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  g_signal_connect (msg, "wrote-headers", next, stream);
  g_signal_connect (msg, "wrote-chunk", next, stream);
  g_signal_connect (msg, "finished", G_CALLBACK (stream_finished_cb), stream);
  g_object_set_data_full (G_OBJECT (msg), "stream", stream, (GDestroyNotify) stream_free);
}

/* The same, announced with a Content-Length of @total. */
static void
start_streaming_announced (SoupServerMessage *msg,
                           gsize              total)
{
  start_streaming (msg, total, FALSE);
  soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg),
                                           (goffset) total);
}

/* A whole policy as the first chunk, then nothing, and never the last
 * (empty) chunk: the body looks complete but never ends. */
static void
unterminated_cb (SoupServerMessage *msg,
                 gpointer           user_data)
{
  soup_message_body_append (soup_server_message_get_response_body (msg),
                            SOUP_MEMORY_STATIC, GOOD_POLICY, strlen (GOOD_POLICY));
}

/* Cancel from another thread, as a UI thread cancels a worker's fetch. */
static gboolean cancel_from_thread;
static GThread *cancel_thread;

static gpointer
cancel_thread_func (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return NULL;
}

static gboolean
cancel_cb (gpointer user_data)
{
  cancelled_at = g_get_monotonic_time ();
  if (cancel_from_thread)
    cancel_thread = g_thread_new ("cancel", cancel_thread_func, user_data);
  else
    g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Headers and a few bytes, then nothing: the fetch waits in the middle of
 * the body, and is cancelled there. */
static void
stall_cb (SoupServerMessage *msg,
          gpointer           user_data)
{
  soup_message_body_append (soup_server_message_get_response_body (msg),
                            SOUP_MEMORY_STATIC, "version: ", 9);
  if (stall_cancellable != NULL)
    g_timeout_add_full (G_PRIORITY_DEFAULT, 200, cancel_cb,
                        g_object_ref (stall_cancellable), g_object_unref);
}

/* What the server saw of the requests. */
static guint requests_seen;
static char *last_cache_control;

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);

  requests_seen++;
  g_free (last_cache_control);
  last_cache_control = g_strdup (soup_message_headers_get_one (request_headers, "Cache-Control"));

  if (g_str_equal (path, "/.well-known/mta-sts.txt"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                        GOOD_POLICY, strlen (GOOD_POLICY));
    }
  else if (g_str_equal (path, "/lf"))
    {
      static const char policy[] = "version: STSv1\nmode: testing\nmx: mail.good.localhost\n"
                                   "max_age: 604800\n";

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "TEXT/PLAIN", SOUP_MEMORY_STATIC,
                                        policy, strlen (policy));
    }
  else if (g_str_equal (path, "/redirect"))
    {
      /* To the good policy on this very server: following it would succeed. */
      GUri *uri = soup_server_message_get_uri (msg);
      g_autofree char *location = g_strdup_printf ("https://%s:%d/.well-known/mta-sts.txt",
                                                   g_uri_get_host (uri), g_uri_get_port (uri));

      soup_server_message_set_redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY, location);
    }
  else if (g_str_equal (path, "/loop"))
    {
      /* To itself: a client that followed it would never stop. */
      GUri *uri = soup_server_message_get_uri (msg);
      g_autofree char *location = g_strdup_printf ("https://%s:%d/loop", g_uri_get_host (uri),
                                                   g_uri_get_port (uri));

      soup_server_message_set_redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY, location);
    }
  else if (g_str_equal (path, "/error"))
    soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
  else if (g_str_equal (path, "/forbidden"))
    soup_server_message_set_status (msg, SOUP_STATUS_FORBIDDEN, NULL);
  else if (g_str_equal (path, "/html"))
    {
      static const char page[] = "<html><body>Not a policy</body></html>\n";

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                        page, strlen (page));
    }
  else if (g_str_equal (path, "/no-type"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_body_append (soup_server_message_get_response_body (msg),
                                SOUP_MEMORY_STATIC, GOOD_POLICY, strlen (GOOD_POLICY));
    }
  else if (g_str_equal (path, "/large"))
    {
      gsize size = 100 * 1024;
      char *body = g_malloc (size);

      memset (body, 'x', size);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_TAKE, body, size);
    }
  else if (g_str_equal (path, "/large-chunked"))
    start_streaming (msg, 100 * 1024, FALSE);
  else if (g_str_equal (path, "/limit"))
    start_streaming (msg, 64 * 1024, FALSE);
  else if (g_str_equal (path, "/limit-plus-one"))
    start_streaming (msg, 64 * 1024 + 1, FALSE);
  else if (g_str_equal (path, "/gigabyte"))
    start_streaming_announced (msg, (gsize) 1 << 30);
  else if (g_str_equal (path, "/gigabyte-chunked"))
    start_streaming (msg, (gsize) 1 << 30, FALSE);
  else if (g_str_equal (path, "/unterminated"))
    {
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                         SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                             "text/plain", NULL);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      g_signal_connect (msg, "wrote-headers", G_CALLBACK (unterminated_cb), NULL);
    }
  else if (g_str_equal (path, "/endless"))
    start_streaming (msg, G_MAXSIZE, FALSE);
  else if (g_str_equal (path, "/slow"))
    start_streaming (msg, G_MAXSIZE, TRUE);
  else if (g_str_equal (path, "/stall"))
    {
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                         SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                             "text/plain", NULL);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      g_signal_connect (msg, "wrote-headers", G_CALLBACK (stall_cb), NULL);
    }
  else if (g_str_equal (path, "/invalid"))
    {
      /* A typo ("mx " without the colon): no valid mx line in enforce mode. */
      static const char policy[] = "version: STSv1\r\nmode: enforce\r\nmx mail.good.localhost\r\n"
                                   "max_age: 1209600\r\n";

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC,
                                        policy, strlen (policy));
    }
  else if (g_str_equal (path, "/latin1"))
    {
      static const char policy[] = "version: STSv1\r\nmode: enforce\r\nmx: mail.good.localhost\r\n"
                                   "max_age: 1209600\r\ncomment: caf\xe9\r\n";

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC,
                                        policy, strlen (policy));
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

/* A server on a free loopback port with the certificate DIR/NAME.pem. */
static SoupServer *
start_server (const char *name,
              guint      *port)
{
  g_autofree char *cert_path = g_strdup_printf ("%s/%s.pem", pki_dir, name);
  g_autofree char *key_path = g_strdup_printf ("%s/%s.key", pki_dir, name);
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  SoupServer *server;
  GSList *uris;

  cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (server, NULL, server_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY,
                            &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  *port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return server;
}

static void
stop_server (SoupServer *server)
{
  soup_server_disconnect (server);
  g_assert_finalize_object (server);
}

/* --- running a fetch ---------------------------------------------------- */

typedef struct
{
  MtsPolicyFetchResult *result;
  GError *error;
  gboolean done;
  gint64 done_at;
} Outcome;

static void
fetched_cb (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->result = mts_policy_fetch_finish (res, &outcome->error);
  outcome->done = TRUE;
  outcome->done_at = g_get_monotonic_time ();
}

static void
wait_for (Outcome *outcome)
{
  while (!outcome->done)
    g_main_context_iteration (NULL, TRUE);
  /* Let the closed connections wind down, so nothing is left for the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static MtsPolicyFetchResult *
fetch (const char      *host,
       guint            port,
       const char      *path,
       const MtsFetchOptions *options)
{
  g_autofree char *url = g_strdup_printf ("https://%s:%u%s", host, port, path);
  Outcome outcome = { 0 };

  mts_policy_fetch_url_async (url, options, NULL, fetched_cb, &outcome);
  wait_for (&outcome);
  g_assert_no_error (outcome.error);
  g_assert_nonnull (outcome.result);
  g_assert_cmpstr (outcome.result->url, ==, url);
  return outcome.result;
}

static guint good_port;

static MtsPolicyFetchResult *
fetch_good_server (const char *path)
{
  MtsFetchOptions options = { .ca_file = ca_file };
  SoupServer *server;
  MtsPolicyFetchResult *result;

  server = start_server ("good", &good_port);
  requests_seen = 0;
  result = fetch (GOOD_HOST, good_port, path, &options);
  stop_server (server);
  return result;
}

static const MtsDiagnostic *
assert_problem (const MtsPolicyFetchResult *result,
                const char                 *code)
{
  const MtsDiagnostic *d = mts_diagnostics_find (result->problems, code);

  if (d == NULL)
    {
      for (guint i = 0; i < result->problems->len; i++)
        {
          const MtsDiagnostic *p = g_ptr_array_index (result->problems, i);
          g_test_message ("problem: %s: %s", p->code, p->message);
        }
      g_error ("no problem with code %s", code);
    }
  g_assert_cmpint (d->severity, ==, MTS_SEVERITY_ERROR);
  return d;
}

/* Exactly one problem, with @code. */
static const MtsDiagnostic *
assert_only_problem (const MtsPolicyFetchResult *result,
                     const char                 *code)
{
  const MtsDiagnostic *d = assert_problem (result, code);

  g_assert_cmpuint (result->problems->len, ==, 1);
  g_assert_false (mts_policy_fetch_result_is_valid (result));
  return d;
}

static char *
result_to_json (const MtsPolicyFetchResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  mts_policy_fetch_result_to_json (result, builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* --- the cases ---------------------------------------------------------- */

static void
test_good (void)
{
  g_autoptr(MtsPolicyFetchResult) result = fetch_good_server ("/.well-known/mta-sts.txt");
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object, *cert;
  JsonArray *mx;

  g_assert_true (mts_policy_fetch_result_is_valid (result));
  g_assert_false (mts_diagnostics_has_errors (result->problems));
  g_assert_cmpuint (requests_seen, ==, 1);
  /* Caches between us and the server must not answer either. */
  g_assert_cmpstr (last_cache_control, ==, "no-cache");
  g_assert_cmpuint (result->http_status, ==, 200);
  g_assert_cmpstr (result->content_type, ==, "text/plain; charset=utf-8");
  g_assert_cmpstr (result->text, ==, GOOD_POLICY);
  g_assert_cmpstr (result->address, ==, "127.0.0.1");
  g_assert_nonnull (result->policy);
  g_assert_cmpint (result->policy->mode, ==, MTS_POLICY_MODE_ENFORCE);
  g_assert_cmpuint (result->policy->max_age, ==, 1209600);
  g_assert_cmpuint (result->policy->mx->len, ==, 2);

  /* TLS as negotiated, and the certificate. */
  g_assert_true (g_str_equal (result->tls_version, "TLS 1.3") ||
                 g_str_equal (result->tls_version, "TLS 1.2"));
  g_assert_nonnull (result->cipher);
  g_assert_true (result->has_cert);
  g_assert_cmpuint (result->cert_errors, ==, 0);
  g_assert_nonnull (strstr (result->cert_subject, "CN=" GOOD_HOST));
  g_assert_nonnull (strstr (result->cert_issuer, "CN=MTA-STS Wizard Test CA"));
  g_assert_nonnull (result->cert_san);
  g_assert_cmpstr (result->cert_san[0], ==, GOOD_HOST);
  g_assert_null (result->cert_san[1]);
  /* pki.sh issues for 365 days from now. */
  g_assert_cmpint (result->cert_days_left, >=, 363);
  g_assert_cmpint (result->cert_days_left, <=, 365);

  json = result_to_json (result);
  node = json_from_string (json, NULL);
  object = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (object, "http_status"), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object, "mode"), ==, "enforce");
  g_assert_cmpint (json_object_get_int_member (object, "max_age"), ==, 1209600);
  g_assert_cmpstr (json_object_get_string_member (object, "content_type"), ==,
                   "text/plain; charset=utf-8");
  g_assert_cmpstr (json_object_get_string_member (object, "text"), ==, GOOD_POLICY);
  g_assert_true (json_object_get_null_member (object, "location"));
  mx = json_object_get_array_member (object, "mx");
  g_assert_cmpuint (json_array_get_length (mx), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (mx, 0), ==, "mail.good.localhost");
  g_assert_cmpstr (json_array_get_string_element (mx, 1), ==, "*.backup.good.localhost");
  g_assert_cmpstr (json_object_get_string_member (object, "tls_version"), ==, result->tls_version);
  cert = json_object_get_object_member (object, "cert");
  g_assert_true (json_object_get_boolean_member (cert, "trusted"));
  g_assert_true (json_object_get_boolean_member (cert, "name_matches"));
  g_assert_cmpint (json_object_get_int_member (cert, "days_left"), ==, result->cert_days_left);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (cert, "san"), 0),
                   ==, GOOD_HOST);
  /* Only notes and warnings from the parser, if any: none is an error. */
  for (guint i = 0; i < json_array_get_length (json_object_get_array_member (object, "problems")); i++)
    {
      JsonObject *p = json_array_get_object_element (json_object_get_array_member (object, "problems"), i);

      g_assert_cmpstr (json_object_get_string_member (p, "severity"), !=, "error");
    }
}

/* A media type in capitals and LF line ends are both fine. */
static void
test_lf_and_case (void)
{
  g_autoptr(MtsPolicyFetchResult) result = fetch_good_server ("/lf");

  g_assert_true (mts_policy_fetch_result_is_valid (result));
  g_assert_cmpstr (result->content_type, ==, "TEXT/PLAIN");
  g_assert_cmpint (result->policy->mode, ==, MTS_POLICY_MODE_TESTING);
  g_assert_nonnull (mts_diagnostics_find (result->problems, "policy-lf-line-ends"));
}

static void
test_redirect (void)
{
  g_autoptr(MtsPolicyFetchResult) result = fetch_good_server ("/redirect");
  const MtsDiagnostic *d = assert_only_problem (result, "policy-redirect");
  g_autofree char *location = g_strdup_printf ("https://" GOOD_HOST ":%u/.well-known/mta-sts.txt",
                                               good_port);

  g_assert_cmpuint (result->http_status, ==, 301);
  g_assert_cmpstr (result->location, ==, location);
  g_assert_nonnull (strstr (d->message, "301 Moved Permanently"));
  g_assert_nonnull (strstr (d->message, location));
  /* Not followed, although the good policy was right there. */
  g_assert_cmpuint (requests_seen, ==, 1);
  g_assert_null (result->text);
  g_assert_null (result->policy);
}

static void
test_not_found (void)
{
  g_autoptr(MtsPolicyFetchResult) result = fetch_good_server ("/nothing-here");
  const MtsDiagnostic *d = assert_only_problem (result, "policy-http-status");

  g_assert_cmpuint (result->http_status, ==, 404);
  g_assert_cmpstr (result->http_reason, ==, "Not Found");
  g_assert_nonnull (strstr (d->message, "404 Not Found"));
  g_assert_null (result->policy);
}

static void
test_server_error (void)
{
  g_autoptr(MtsPolicyFetchResult) result = fetch_good_server ("/error");
  const MtsDiagnostic *d = assert_only_problem (result, "policy-http-status");

  g_assert_cmpuint (result->http_status, ==, 500);
  g_assert_nonnull (strstr (d->message, "500 Internal Server Error"));
}

static void
test_forbidden (void)
{
  g_autoptr(MtsPolicyFetchResult) result = fetch_good_server ("/forbidden");
  const MtsDiagnostic *d = assert_only_problem (result, "policy-http-status");

  g_assert_cmpuint (result->http_status, ==, 403);
  g_assert_nonnull (strstr (d->message, "403 Forbidden"));
}

static void
test_html (void)
{
  g_autoptr(MtsPolicyFetchResult) result = fetch_good_server ("/html");
  const MtsDiagnostic *d = assert_only_problem (result, "policy-content-type");

  g_assert_cmpuint (result->http_status, ==, 200);
  g_assert_cmpstr (result->content_type, ==, "text/html; charset=utf-8");
  /* It says what the server sent. */
  g_assert_nonnull (strstr (d->message, "text/html; charset=utf-8"));
  g_assert_null (result->policy);
}

static void
test_no_content_type (void)
{
  g_autoptr(MtsPolicyFetchResult) result = fetch_good_server ("/no-type");

  assert_only_problem (result, "policy-content-type");
  g_assert_null (result->content_type);
}

/* Announced as 100 KiB: rejected from the headers, without reading. */
static void
test_too_large (void)
{
  g_autoptr(MtsPolicyFetchResult) result = fetch_good_server ("/large");
  const MtsDiagnostic *d = assert_only_problem (result, "policy-too-large");

  g_assert_nonnull (strstr (d->message, "102400"));
  g_assert_null (result->text);
  g_assert_null (result->policy);
}

/* Not announced (chunked): read up to the limit, then stopped. */
static void
test_too_large_chunked (void)
{
  g_autoptr(MtsPolicyFetchResult) result = fetch_good_server ("/large-chunked");

  assert_only_problem (result, "policy-too-large");
  g_assert_null (result->text);
  g_assert_null (result->policy);
}

/* Exactly 64 KiB is allowed (the parser then has its say), one byte more is not. */
static void
test_size_limit (void)
{
  g_autoptr(MtsPolicyFetchResult) at_limit = fetch_good_server ("/limit");
  g_autoptr(MtsPolicyFetchResult) over_limit = fetch_good_server ("/limit-plus-one");

  g_assert_null (mts_diagnostics_find (at_limit->problems, "policy-too-large"));
  g_assert_cmpuint (strlen (at_limit->text), ==, 64 * 1024);
  g_assert_nonnull (at_limit->policy);
  assert_problem (at_limit, "policy-invalid");

  assert_only_problem (over_limit, "policy-too-large");
  g_assert_null (over_limit->text);
}

/* A server that would send for ever: the fetch stops after 64 KiB and the
 * server sees the connection close long before it is done. */
static void
test_endless (void)
{
  g_autoptr(MtsPolicyFetchResult) result = NULL;

  result = fetch_good_server ("/endless");
  assert_only_problem (result, "policy-too-large");
  /* What the kernel's socket buffers took in, at most, not gigabytes. */
  g_assert_cmpuint (last_stream_sent, >, 64 * 1024);
  g_assert_cmpuint (last_stream_sent, <, 64 * 1024 * 1024);
}

/* A 1 GB body, served 16 KiB at a time as the client reads, announced and
 * not: the fetch never holds more than the 64 KiB limit, refuses in time,
 * and the server sees the connection close long before it is done. */
static void
test_gigabyte (gconstpointer data)
{
  const char *path = data;
  MtsFetchOptions options = { .ca_file = ca_file, .timeout_seconds = 10 };
  g_autoptr(MtsPolicyFetchResult) result = NULL;
  const MtsDiagnostic *d;
  SoupServer *server;
  gint64 start, elapsed;
  gsize mark;
  guint port;

  server = start_server ("good", &port);
  mark = mts_test_memory_mark ();
  start = g_get_monotonic_time ();
  result = fetch (GOOD_HOST, port, path, &options);
  elapsed = g_get_monotonic_time () - start;
  stop_server (server);

  d = assert_only_problem (result, "policy-too-large");
  g_assert_nonnull (strstr (d->message, GOOD_HOST));
  g_assert_cmpuint (result->http_status, ==, 200);
  g_assert_null (result->text);
  g_assert_null (result->policy);
  g_assert_cmpint (elapsed, <, (10 + 2) * G_USEC_PER_SEC);
  /* What the kernel's socket buffers took in, at most, not the gigabyte. */
  g_assert_cmpuint (last_stream_sent, <, 64 * 1024 * 1024);
  /* Client and server share this process: both stayed small. */
  g_assert_cmpuint (mts_test_memory_growth_kib (mark), <, 32 * 1024);
}

/* A 301 to itself: reported once, with where it points, and not followed. */
static void
test_redirect_loop (void)
{
  g_autoptr(MtsPolicyFetchResult) result = fetch_good_server ("/loop");
  const MtsDiagnostic *d = assert_only_problem (result, "policy-redirect");
  g_autofree char *location = g_strdup_printf ("https://" GOOD_HOST ":%u/loop", good_port);

  g_assert_cmpuint (requests_seen, ==, 1);
  g_assert_cmpuint (result->http_status, ==, 301);
  g_assert_cmpstr (result->location, ==, location);
  g_assert_nonnull (strstr (d->message, location));
  g_assert_null (result->text);
  g_assert_null (result->policy);
}

/* Chunked encoding that never ends: a whole policy arrives, but not the
 * last chunk.  The fetch gives up at its timeout and keeps nothing, since
 * a body without its end may be cut short. */
static void
test_unterminated_chunked (void)
{
  MtsFetchOptions options = { .ca_file = ca_file, .timeout_seconds = 3 };
  g_autoptr(MtsPolicyFetchResult) result = NULL;
  const MtsDiagnostic *d;
  SoupServer *server;
  gint64 start, elapsed;
  guint port;

  server = start_server ("good", &port);
  start = g_get_monotonic_time ();
  result = fetch (GOOD_HOST, port, "/unterminated", &options);
  elapsed = g_get_monotonic_time () - start;
  stop_server (server);

  g_assert_cmpint (elapsed, >=, 3 * G_USEC_PER_SEC - 10000);
  g_assert_cmpint (elapsed, <, (3 + 2) * G_USEC_PER_SEC);
  g_assert_cmpuint (result->http_status, ==, 200);
  d = assert_only_problem (result, "policy-fetch-failed");
  g_assert_nonnull (strstr (d->message, "timed out"));
  g_assert_null (result->text);
  g_assert_null (result->policy);
}

static void
test_slow (void)
{
  /* Long enough for the handshake even under valgrind on a busy machine,
   * so that the limit strikes in the middle of the body. */
  MtsFetchOptions options = { .ca_file = ca_file, .timeout_seconds = 4 };
  g_autoptr(MtsPolicyFetchResult) result = NULL;
  const MtsDiagnostic *d;
  SoupServer *server;
  gint64 start, elapsed;
  guint port;

  server = start_server ("good", &port);
  start = g_get_monotonic_time ();
  result = fetch (GOOD_HOST, port, "/slow", &options);
  elapsed = g_get_monotonic_time () - start;
  stop_server (server);

  /* Stopped by the overall limit, although a byte came every second. */
  g_assert_cmpint (elapsed, >=, 4 * G_USEC_PER_SEC - 10000);
  g_assert_cmpint (elapsed, <, 6 * G_USEC_PER_SEC);
  g_assert_cmpuint (result->http_status, ==, 200);
  g_assert_cmpuint (last_stream_sent, >=, 1);
  d = assert_only_problem (result, "policy-fetch-failed");
  g_assert_nonnull (strstr (d->message, "timed out"));
  g_assert_nonnull (strstr (d->message, GOOD_HOST));
  g_assert_null (result->text);
}

static void
test_invalid_policy (void)
{
  g_autoptr(MtsPolicyFetchResult) result = fetch_good_server ("/invalid");
  const MtsDiagnostic *first;

  g_assert_false (mts_policy_fetch_result_is_valid (result));
  g_assert_cmpuint (result->http_status, ==, 200);
  g_assert_nonnull (result->text);
  /* The summary first, then the parser's own findings. */
  first = g_ptr_array_index (result->problems, 0);
  g_assert_cmpstr (first->code, ==, "policy-invalid");
  assert_problem (result, "policy-line-no-colon");
  assert_problem (result, "policy-mx-missing");
  g_assert_nonnull (result->policy);
  g_assert_cmpuint (result->policy->mx->len, ==, 0);
}

/* Bytes that are not UTF-8: parsed and reported, but not kept as text. */
static void
test_not_utf8 (void)
{
  g_autoptr(MtsPolicyFetchResult) result = fetch_good_server ("/latin1");

  g_assert_false (mts_policy_fetch_result_is_valid (result));
  assert_problem (result, "policy-invalid");
  assert_problem (result, "policy-invalid-utf8");
  g_assert_null (result->text);
}

static void
test_wrong_name (void)
{
  MtsFetchOptions options = { .ca_file = ca_file };
  g_autoptr(MtsPolicyFetchResult) result = NULL;
  const MtsDiagnostic *d;
  SoupServer *server;
  guint port;

  server = start_server ("other", &port);
  result = fetch (GOOD_HOST, port, "/.well-known/mta-sts.txt", &options);
  stop_server (server);

  d = assert_only_problem (result, "policy-cert-invalid");
  g_assert_cmpuint (result->cert_errors, ==, G_TLS_CERTIFICATE_BAD_IDENTITY);
  /* It names both the host asked for and the one the certificate is for. */
  g_assert_nonnull (strstr (d->message, GOOD_HOST));
  g_assert_nonnull (strstr (d->message, OTHER_HOST));
  g_assert_cmpuint (result->http_status, ==, 0);
  g_assert_true (result->has_cert);
  g_assert_cmpstr (result->cert_san[0], ==, OTHER_HOST);
}

static void
test_expired (void)
{
  MtsFetchOptions options = { .ca_file = ca_file };
  g_autoptr(MtsPolicyFetchResult) result = NULL;
  g_autofree char *json = NULL;
  const MtsDiagnostic *d;
  SoupServer *server;
  guint port;

  server = start_server ("expired", &port);
  result = fetch (GOOD_HOST, port, "/.well-known/mta-sts.txt", &options);
  stop_server (server);

  d = assert_only_problem (result, "policy-cert-invalid");
  g_assert_cmpuint (result->cert_errors, ==, G_TLS_CERTIFICATE_EXPIRED);
  g_assert_nonnull (strstr (d->message, "expired on 2020-01-01"));
  g_assert_cmpint (result->cert_days_left, <, -2000);
  json = result_to_json (result);
  g_assert_nonnull (strstr (json, "\"not_after\":\"2020-01-01T00:00:00Z\""));
}

/* The test CA is not in the system's store: without ca_file it is unknown. */
static void
test_untrusted (void)
{
  g_autoptr(MtsPolicyFetchResult) result = NULL;
  g_autofree char *json = NULL;
  const MtsDiagnostic *d;
  SoupServer *server;
  guint port;

  server = start_server ("good", &port);
  result = fetch (GOOD_HOST, port, "/.well-known/mta-sts.txt", NULL);
  stop_server (server);

  d = assert_only_problem (result, "policy-cert-invalid");
  g_assert_cmpuint (result->cert_errors, ==, G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_nonnull (strstr (d->message, "not signed by a certificate authority"));
  json = result_to_json (result);
  g_assert_nonnull (strstr (json, "\"trusted\":false"));
  g_assert_nonnull (strstr (json, "\"name_matches\":true"));
}

static void
test_self_signed (void)
{
  MtsFetchOptions options = { .ca_file = ca_file };
  g_autoptr(MtsPolicyFetchResult) result = NULL;
  SoupServer *server;
  guint port;

  server = start_server ("self-signed", &port);
  result = fetch (GOOD_HOST, port, "/.well-known/mta-sts.txt", &options);
  stop_server (server);

  assert_only_problem (result, "policy-cert-invalid");
  g_assert_cmpuint (result->cert_errors, ==, G_TLS_CERTIFICATE_UNKNOWN_CA);
}

/* A port that was free a moment ago: nobody listens there. */
static guint
unused_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_connection_refused (void)
{
  MtsFetchOptions options = { .ca_file = ca_file };
  g_autoptr(MtsPolicyFetchResult) result = NULL;
  g_autofree char *port_text = NULL;
  const MtsDiagnostic *d;
  guint port = unused_port ();

  result = fetch ("127.0.0.1", port, "/.well-known/mta-sts.txt", &options);
  d = assert_only_problem (result, "policy-fetch-failed");
  port_text = g_strdup_printf ("port %u", port);
  g_assert_nonnull (strstr (d->message, "127.0.0.1 refused the connection"));
  g_assert_nonnull (strstr (d->message, port_text));
  g_assert_cmpuint (result->http_status, ==, 0);
  g_assert_false (result->has_cert);
}

/* A name under .invalid never exists (RFC 6761).  Whether the DNS says so
 * or cannot be reached from here, the problem names the host. */
static void
test_no_address (void)
{
  MtsFetchOptions options = { .timeout_seconds = 5 };
  Outcome outcome = { 0 };
  const MtsDiagnostic *d;

  mts_policy_fetch_async ("nonexistent.invalid", &options, NULL, fetched_cb, &outcome);
  wait_for (&outcome);
  g_assert_no_error (outcome.error);
  g_assert_cmpstr (outcome.result->url, ==,
                   "https://mta-sts.nonexistent.invalid/.well-known/mta-sts.txt");
  d = assert_only_problem (outcome.result, "policy-fetch-failed");
  g_assert_nonnull (strstr (d->message, "mta-sts.nonexistent.invalid"));
  g_test_message ("%s", d->message);
  mts_policy_fetch_result_free (outcome.result);
}

static void
test_cancel_mid_body (gconstpointer from_thread)
{
  MtsFetchOptions options = { .ca_file = ca_file };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = NULL;
  Outcome outcome = { 0 };
  SoupServer *server;
  guint port;

  server = start_server ("good", &port);
  url = g_strdup_printf ("https://" GOOD_HOST ":%u/stall", port);
  stall_cancellable = cancellable;
  cancelled_at = 0;
  cancel_from_thread = GPOINTER_TO_INT (from_thread);
  mts_policy_fetch_url_async (url, &options, cancellable, fetched_cb, &outcome);
  wait_for (&outcome);
  stall_cancellable = NULL;
  if (cancel_thread != NULL)
    g_thread_join (g_steal_pointer (&cancel_thread));
  stop_server (server);

  g_assert_true (g_cancellable_is_cancelled (cancellable));
  g_assert_cmpint (cancelled_at, >, 0);
  /* Promptly: no waiting for the server that still has nothing to say. */
  g_assert_cmpint (outcome.done_at - cancelled_at, <, G_USEC_PER_SEC / 4);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (outcome.result);
  g_clear_error (&outcome.error);
}

/* Cancelled before it started: still asynchronous, still CANCELLED. */
static void
test_cancel_before (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome outcome = { 0 };

  g_cancellable_cancel (cancellable);
  mts_policy_fetch_async ("example.com", NULL, cancellable, fetched_cb, &outcome);
  g_assert_false (outcome.done);
  wait_for (&outcome);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&outcome.error);
}

static void
test_bad_arguments (void)
{
  MtsFetchOptions missing_ca = { .ca_file = "/nonexistent/ca.pem" };
  g_autofree char *not_pem = g_build_filename (pki_dir, "not-a-ca.pem", NULL);
  MtsFetchOptions not_pem_ca = { .ca_file = not_pem };
  g_autoptr(GError) error = NULL;
  Outcome outcome = { 0 };
  g_autofree char *url = mts_policy_url ("example.com");

  g_assert_cmpstr (url, ==, "https://mta-sts.example.com/.well-known/mta-sts.txt");

  mts_policy_fetch_async ("exa mple.com", NULL, NULL, fetched_cb, &outcome);
  wait_for (&outcome);
  g_assert_nonnull (outcome.error);
  g_assert_null (outcome.result);
  g_clear_error (&outcome.error);

  outcome.done = FALSE;
  mts_policy_fetch_url_async ("http://mta-sts.example.com/.well-known/mta-sts.txt", NULL, NULL,
                              fetched_cb, &outcome);
  wait_for (&outcome);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&outcome.error);

  outcome.done = FALSE;
  mts_policy_fetch_async ("example.com", &missing_ca, NULL, fetched_cb, &outcome);
  wait_for (&outcome);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (outcome.error->message, "/nonexistent/ca.pem"));
  g_clear_error (&outcome.error);

  /* A file without a single certificate. */
  g_file_set_contents (not_pem, "not a certificate\n", -1, &error);
  g_assert_no_error (error);
  outcome.done = FALSE;
  mts_policy_fetch_async ("example.com", &not_pem_ca, NULL, fetched_cb, &outcome);
  wait_for (&outcome);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (outcome.error->message, not_pem));
  g_clear_error (&outcome.error);
}

/* --- the test PKI ------------------------------------------------------- */

static void
pki (const char *first,
     ...)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "world", "pki.sh", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status;
  va_list args;

  g_ptr_array_add (argv, (char *) "/bin/sh");
  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, pki_dir);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_unlink (file);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *certtool = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  /* The server certificates come from tests/world/pki.sh. */
  if ((certtool = g_find_program_in_path ("certtool")) == NULL)
    mts_test_skip_all ("needs certtool (GnuTLS tools, Debian package gnutls-bin)");

  pki_dir = g_dir_make_tmp ("mts-policy-fetch-XXXXXX", &error);
  g_assert_no_error (error);
  ca_file = g_build_filename (pki_dir, "ca.pem", NULL);
  pki ("ca", NULL);
  pki ("leaf", "good", GOOD_HOST, NULL);
  pki ("leaf", "other", OTHER_HOST, NULL);
  pki ("leaf", "expired", "--expired", GOOD_HOST, NULL);
  pki ("leaf", "self-signed", "--self-signed", GOOD_HOST, NULL);

  g_test_add_func ("/mts/policy-fetch/good", test_good);
  g_test_add_func ("/mts/policy-fetch/lf-and-case", test_lf_and_case);
  g_test_add_func ("/mts/policy-fetch/redirect", test_redirect);
  g_test_add_func ("/mts/policy-fetch/not-found", test_not_found);
  g_test_add_func ("/mts/policy-fetch/server-error", test_server_error);
  g_test_add_func ("/mts/policy-fetch/forbidden", test_forbidden);
  g_test_add_func ("/mts/policy-fetch/html", test_html);
  g_test_add_func ("/mts/policy-fetch/no-content-type", test_no_content_type);
  g_test_add_func ("/mts/policy-fetch/too-large", test_too_large);
  g_test_add_func ("/mts/policy-fetch/too-large-chunked", test_too_large_chunked);
  g_test_add_func ("/mts/policy-fetch/size-limit", test_size_limit);
  g_test_add_func ("/mts/policy-fetch/endless", test_endless);
  g_test_add_func ("/mts/policy-fetch/slow", test_slow);
  g_test_add_data_func ("/mts/policy-fetch/gigabyte", "/gigabyte", test_gigabyte);
  g_test_add_data_func ("/mts/policy-fetch/gigabyte-chunked", "/gigabyte-chunked", test_gigabyte);
  g_test_add_func ("/mts/policy-fetch/redirect-loop", test_redirect_loop);
  g_test_add_func ("/mts/policy-fetch/unterminated-chunked", test_unterminated_chunked);
  g_test_add_func ("/mts/policy-fetch/invalid-policy", test_invalid_policy);
  g_test_add_func ("/mts/policy-fetch/not-utf8", test_not_utf8);
  g_test_add_func ("/mts/policy-fetch/wrong-name", test_wrong_name);
  g_test_add_func ("/mts/policy-fetch/expired", test_expired);
  g_test_add_func ("/mts/policy-fetch/untrusted", test_untrusted);
  g_test_add_func ("/mts/policy-fetch/self-signed", test_self_signed);
  g_test_add_func ("/mts/policy-fetch/connection-refused", test_connection_refused);
  g_test_add_func ("/mts/policy-fetch/no-address", test_no_address);
  g_test_add_data_func ("/mts/policy-fetch/cancel-mid-body", GINT_TO_POINTER (FALSE),
                        test_cancel_mid_body);
  g_test_add_data_func ("/mts/policy-fetch/cancel-from-thread", GINT_TO_POINTER (TRUE),
                        test_cancel_mid_body);
  g_test_add_func ("/mts/policy-fetch/cancel-before", test_cancel_before);
  g_test_add_func ("/mts/policy-fetch/bad-arguments", test_bad_arguments);

  status = g_test_run ();

  remove_dir (pki_dir);
  g_free (last_cache_control);
  g_free (ca_file);
  g_free (pki_dir);
  return status;
}
