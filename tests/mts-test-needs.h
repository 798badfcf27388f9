/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-test-needs.h: a test program that needs a tool the machine lacks skips
 * as a whole, in one TAP line that names the tool.
 *
 * CI installs every tool (build-aux/packages.txt), so nothing skips there;
 * a Flatpak build runs the tests inside the GNOME SDK, which lacks dnsmasq,
 * Xvfb and Debian's Python modules and may lack certtool: there they skip. */
#pragma once

#include <stdlib.h>

#include <glib.h>

/**
 * mts_test_skip_all:
 * @reason: what is missing, e.g. "needs certtool (GnuTLS tools)"
 *
 * Ends a TAP test program with nothing run: one plan line with the reason,
 * which meson counts as a skipped test.  For use before g_test_run().
 */
G_GNUC_NORETURN static inline void
mts_test_skip_all (const char *reason)
{
  g_print ("1..0 # SKIP %s\n", reason);
  exit (0);
}
