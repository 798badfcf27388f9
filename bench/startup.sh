#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/startup.sh: the wizard's start-up time and memory.
#
#   bench/startup.sh [BUILD-DIR]
#
# Prints, side by side (medians of 10 runs in one virtual display):
#  - launch to the first painted frame of the welcome window, against a
#    minimal libadwaita window built by the same build (target: <= 1.5 times);
#  - as root, inside the test world: resident memory once the server check
#    of good.test has finished (target: <= 80 MB).
# Numbers, not a test: nothing here fails on a slow machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
ninja -C "$build" bench/startup >/dev/null
driver=$build/bench/startup
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
# Xvfb has only software GL, whose cost drowns everything else; GTK's cairo
# renderer is what both windows use here.
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=$build/data XDG_DATA_HOME=$data NO_AT_BRIDGE=1
export GSK_RENDERER=cairo

measure='
import statistics, subprocess, sys, time
driver = sys.argv[1]
def first_frame(mode):
    times = []
    for _ in range(10):
        started = time.monotonic()
        out = subprocess.run([driver, mode], capture_output=True, text=True, timeout=60).stdout
        painted = [int(l.split()[1]) for l in out.splitlines() if l.startswith("first-frame")]
        times.append(painted[0] / 1e6 - started)
    return statistics.median(times)
def instructions(mode):
    # callgrind counts instructions, the same on every run whatever else
    # the machine does: the steady comparison when wall time is noisy.
    log = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", driver, mode],
                         capture_output=True, text=True, timeout=600).stderr
    return int([l for l in log.splitlines() if "Collected" in l][0].split()[-1])
app = first_frame("app")
minimal = first_frame("minimal")
print("| launch to first frame (median of 10) | %.0f ms | %.0f ms (minimal libadwaita window) | %.2f | <= 1.5 |"
      % (app * 1000, minimal * 1000, app / minimal))
app_i = instructions("app")
minimal_i = instructions("minimal")
print("| instructions to the first frame (callgrind) | %.0f M | %.0f M (minimal libadwaita window) | %.2f | <= 1.5 |"
      % (app_i / 1e6, minimal_i / 1e6, app_i / minimal_i))
'
echo "| measurement | wizard | compared with | ratio | target |"
echo "| --- | --- | --- | --- | --- |"
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" /usr/bin/python3 -c "$measure" "$driver"

# memory KEY OUTPUT: a /proc/self/status figure in MB from the driver's output.
memory () { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" <<<"$2" | awk '{ printf "%.0f", $1 / 1024 }'; }

minimal=$(dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" "$driver" minimal 2>/dev/null)
if [ "$(id -u)" -eq 0 ]; then
  app=$("$top/tests/world/run.sh" dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
        env GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" XDG_DATA_HOME="$data" \
        NO_AT_BRIDGE=1 GSK_RENDERER=cairo "$driver" app good.test 2>/dev/null)
  echo "| resident memory (VmRSS) after the server check of good.test | $(memory VmRSS "$app") MB |" \
       "$(memory VmRSS "$minimal") MB (minimal libadwaita window) | | <= 80 MB |"
  echo "| of which the process's own (RssAnon), not shared libraries and fonts | $(memory RssAnon "$app") MB |" \
       "$(memory RssAnon "$minimal") MB | | |"
else
  echo "| resident memory after the server check | (needs root for the test world) | | | <= 80 MB |"
fi
