#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# run.sh: runs one command inside a fresh private test world and always tears the world down.
#
# Usage: run.sh [--tap] [--needs PROGRAM]... CMD [ARGS...]
#   Builds a world in a new temporary directory DIR (world.sh up), runs CMD inside its network
#   namespace with MTS_WORLD_DIR=DIR and MTS_WORLD_CA=DIR/ca.pem, tears the world down (also on
#   failure and Ctrl-C) and exits with CMD's status.
#   Without root it prints one line and exits 77 (the "skipped" code of meson and automake);
#   with --tap, for meson tests with protocol 'tap', it prints a TAP skip plan and exits 0.
#   So it does when a program that the world (iproute2, certtool, dnsmasq, postfix, nginx, dig,
#   /usr/bin/python3) or CMD (each --needs PROGRAM) uses is missing, as in a Flatpak build.
#   MTS_WORLD_KEEP=1 keeps DIR (configs and logs) after the run for a look.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tap=no
needs=(ip certtool dnsmasq postfix nginx dig /usr/bin/python3)
if [ "${1:-}" = --tap ]; then
  tap=yes
  shift
fi
while [ "${1:-}" = --needs ] && [ $# -ge 2 ]; do
  needs+=("$2")
  shift 2
done
if [ $# -eq 0 ]; then
  echo "usage: run.sh [--tap] [--needs PROGRAM]... CMD [ARGS...]" >&2
  exit 2
fi

# skip REASON: one line, in the form the caller reads.
skip ()
{
  if [ $tap = yes ]; then
    echo "1..0 # SKIP $1"
    exit 0
  fi
  echo "SKIP: $1"
  exit 77
}
[ "$(id -u)" = 0 ] || skip "the test world needs root (network namespaces)"
missing=()
for need in "${needs[@]}"; do
  command -v "$need" >/dev/null 2>&1 || missing+=("$need")
done
[ ${#missing[@]} -eq 0 ] || skip "the test world needs ${missing[*]} (build-aux/packages.txt)"
# Root inside a container or a Flatpak build may still lack the right to make namespaces.
if command -v unshare >/dev/null 2>&1 && ! unshare --net true 2>/dev/null; then
  skip "the test world needs network namespaces, which this root may not make"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/mtsw.XXXXXX") || exit 1
keep=${MTS_WORLD_KEEP:-0}
up_pid=

# stop_up: a world still being built tears itself down when told to stop (world.sh's own trap).
stop_up ()
{
  [ -n "$up_pid" ] || return 0
  kill -TERM "$up_pid" 2>/dev/null
  wait "$up_pid"
}
cleanup ()
{
  trap '' INT TERM HUP
  stop_up
  bash "$here/world.sh" down "$dir"
  if [ "$keep" = 1 ]; then
    echo "run.sh: the world's files are kept in $dir" >&2
  else
    rm -rf "$dir"
  fi
}
# On SIGTERM (meson's timeout), meson sends SIGKILL to the whole process group 0.5 s later:
# tear the world down from a new session instead, which that SIGKILL does not reach.
detached_cleanup ()
{
  trap - EXIT
  setsid bash -c '
    up=$1 world=$2 dir=$3 keep=$4
    if [ -n "$up" ]; then
      kill -TERM "$up" 2>/dev/null
      while kill -0 "$up" 2>/dev/null; do sleep 0.1; done
    fi
    bash "$world" down "$dir"
    [ "$keep" = 1 ] || rm -rf "$dir"' _ "$up_pid" "$here/world.sh" "$dir" "$keep" \
    </dev/null >/dev/null 2>&1 &
  exit 143
}
trap cleanup EXIT
trap 'exit 130' INT
trap detached_cleanup TERM HUP

# world.sh up runs in its own session (so do the servers it starts): a signal for this test's
# process group stops the test and this script, and the teardown then stops the world.
setsid bash "$here/world.sh" up "$dir" >"$dir/up.log" 2>&1 </dev/null &
up_pid=$!
wait $up_pid
up_status=$?
up_pid=
if [ $up_status -ne 0 ]; then
  [ $tap = no ] || echo "Bail out! the test world did not start"
  echo "run.sh: the test world did not start:" >&2
  sed 's/^/  /' "$dir/up.log" >&2
  for log in "$dir"/logs/*.log; do
    [ -s "$log" ] || continue
    echo "run.sh: last lines of $log:" >&2
    tail -n 15 "$log" | sed 's/^/  /' >&2
  done
  exit 1
fi

# Inside, the namespace's /etc/ssl/certs/ca-certificates.crt (the test CA only) is the system
# trust store; variables that point tools at another bundle would defeat that, so drop them.
# CMD runs in the background so that the traps above run as soon as a signal arrives (bash
# defers traps until a foreground child exits); the teardown stops CMD with the world.
bash "$here/world.sh" exec "$dir" \
  env -u SSL_CERT_FILE -u SSL_CERT_DIR -u CURL_CA_BUNDLE -u REQUESTS_CA_BUNDLE \
  MTS_WORLD_DIR="$dir" MTS_WORLD_CA="$dir/ca.pem" "$@" &
wait $!
exit $?
