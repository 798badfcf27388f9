#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-ui-test.sh: runs a UI test in a virtual 1280x800 display with its own
# D-Bus session, unless a display is already there.
# Usage: run-ui-test.sh TEST-PROGRAM [ARGS...]
set -eu
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "1..0 # SKIP xvfb-run is missing (package xvfb): cannot show a window"
    exit 0
  fi
  exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" "$@"
fi
exec dbus-run-session -- "$@"
