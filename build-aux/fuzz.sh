#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# fuzz.sh: build the libFuzzer targets with clang and run each for a while.
#
# Usage: build-aux/fuzz.sh SECONDS [TARGET...]
#   TARGET is a name from tests/fuzz/meson.build (policy, mx-pattern, ...);
#   without one, every target runs, one after the other, SECONDS each.
# Configures _build-fuzz (CC=clang, -Dfuzzing=true) when it is missing.
# The seeds of tests/fuzz/corpus/TARGET are copied to a scratch corpus in
# the build directory, so the source tree is never written to; crashes are
# saved in _build-fuzz/fuzz-artifacts/TARGET/.  Exits non-zero if any
# target finds something: add that input to tests/fuzz/corpus/TARGET/ as a
# regression seed once it is fixed.
set -eu

usage () { echo "usage: build-aux/fuzz.sh SECONDS [TARGET...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
seconds=$1; shift
case $seconds in ''|*[!0-9]*) usage ;; esac

src=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$src/_build-fuzz}

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" "$src" -Dfuzzing=true
fi

if [ $# -eq 0 ]; then
  set -- $(sed -n "s/^ *'\([a-z0-9-]*\)': 'fuzz-.*\.c',$/\1/p" "$src/tests/fuzz/meson.build")
fi

targets=
for name in "$@"; do
  targets="$targets tests/fuzz/fuzz-$name"
done
ninja -C "$build" $targets

failed=0
for name in "$@"; do
  corpus=$build/fuzz-corpus/$name
  artifacts=$build/fuzz-artifacts/$name
  mkdir -p "$corpus" "$artifacts"
  if [ -d "$src/tests/fuzz/corpus/$name" ]; then
    cp -p "$src/tests/fuzz/corpus/$name"/* "$corpus/"
  fi
  set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
         -artifact_prefix="$artifacts/"
  if [ -f "$src/tests/fuzz/$name.dict" ]; then
    set -- "$@" -dict="$src/tests/fuzz/$name.dict"
  fi
  echo "== fuzz-$name for $seconds s"
  if "$build/tests/fuzz/fuzz-$name" "$@" "$corpus"; then
    echo "== fuzz-$name: no finding"
  else
    echo "== fuzz-$name: FINDING, see $artifacts" >&2
    failed=1
  fi
done
exit $failed
