/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-test-memory.h: how far a test's resident memory grew at its peak, for the hostile-peer tests. */
#pragma once

#include <glib.h>
#include <stdio.h>
#include <string.h>

/* Reads a "Vm...:  N kB" line of /proc/self/status. */
static inline gsize
mts_test_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  g_autofree char *prefix = g_strconcat ("\n", field, ":", NULL);
  const char *at;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  at = strstr (status, prefix);
  g_assert_nonnull (at);
  return (gsize) g_ascii_strtoull (at + strlen (prefix), NULL, 10);
}

/* Resets the peak (VmHWM) to what is resident now, and returns that in KiB. */
static inline gsize
mts_test_memory_mark (void)
{
  FILE *clear_refs = fopen ("/proc/self/clear_refs", "w");

  /* "5" resets the peak resident size (Linux 4.0 and later). */
  g_assert_nonnull (clear_refs);
  g_assert_cmpint (fputs ("5", clear_refs), >=, 0);
  g_assert_cmpint (fclose (clear_refs), ==, 0);
  return mts_test_status_kib ("VmRSS");
}

/* How much the resident memory grew at its peak since @mark, in KiB. */
static inline gsize
mts_test_memory_growth_kib (gsize mark)
{
  gsize peak = mts_test_status_kib ("VmHWM");

  return peak > mark ? peak - mark : 0;
}
