/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-versions.c: the versions of the libraries the program runs with.
 *
 * Bug reports about TLS or DNS behaviour depend on the library versions
 * actually loaded, which in a Flatpak or after a distribution update differ
 * from the ones the program was built against; so these are asked of the
 * libraries at run time.
 */
#define _GNU_SOURCE 1
#include "config.h"

#include <ares.h>
#include <dlfcn.h>
#include <gnutls/gnutls.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mts-versions.h"

/* json-glib has no run-time version call.  Its shared object is named
 * libjson-glib-1.0.so.0.MINOR*100.MICRO (its own meson.build says so), and
 * the loader knows which file it mapped: read the version from that name. */
static char *
json_glib_runtime_version (void)
{
  Dl_info info = { 0 };
  g_autofree char *path = NULL;
  const char *tail;
  guint minor100, micro;

  if (dladdr ((void *) json_parser_new, &info) != 0 && info.dli_fname != NULL)
    path = realpath (info.dli_fname, NULL);

  if (path != NULL && (tail = strstr (path, ".so.0.")) != NULL &&
      sscanf (tail, ".so.0.%u.%u", &minor100, &micro) == 2)
    return g_strdup_printf ("%d.%u.%u", JSON_MAJOR_VERSION, minor100 / 100, micro);

  /* Linked statically, or a file name that does not follow the scheme. */
  return g_strdup_printf ("%d.%d.%d (built with)", JSON_MAJOR_VERSION,
                          JSON_MINOR_VERSION, JSON_MICRO_VERSION);
}

/**
 * mts_runtime_versions:
 *
 * Returns: (transfer full): one line per library, "name version".
 */
char *
mts_runtime_versions (void)
{
  g_autofree char *json = json_glib_runtime_version ();

  return g_strdup_printf ("GLib %u.%u.%u\n"
                          "GnuTLS %s\n"
                          "c-ares %s\n"
                          "libsoup %u.%u.%u\n"
                          "json-glib %s\n",
                          glib_major_version, glib_minor_version, glib_micro_version,
                          gnutls_check_version (NULL),
                          ares_version (NULL),
                          soup_get_major_version (), soup_get_minor_version (),
                          soup_get_micro_version (),
                          json);
}
