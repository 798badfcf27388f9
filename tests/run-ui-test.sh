#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-ui-test.sh: runs a UI test in a virtual 1280x800 display with its own
# D-Bus session, unless a display is already there.
# Usage: run-ui-test.sh TEST-PROGRAM [ARGS...]
# The tests speak TAP: what is missing skips the whole test in one line.
set -eu
skip () { echo "1..0 # SKIP needs $1: cannot show a window"; exit 0; }
command -v dbus-run-session >/dev/null 2>&1 || skip "dbus-run-session (Debian package dbus)"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  for tool in xvfb-run Xvfb xauth; do
    command -v $tool >/dev/null 2>&1 || skip "$tool (Debian packages xvfb and xauth)"
  done
  exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" "$@"
fi
exec dbus-run-session -- "$@"
