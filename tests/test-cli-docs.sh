#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test-cli-docs.sh: the manual page and the bash completion of mtasts cover
# every command, and the page is valid roff.
# Usage: test-cli-docs.sh PATH-TO-MTASTS PATH-TO-MANPAGE PATH-TO-COMPLETION   (prints TAP)
set -u
mtasts=$1 manpage=$2 completion=$3
n=0 failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; [ -z "${2:-}" ] || echo "$2" | sed 's/^/# /'; }
check () { desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }

commands=$("$mtasts" --help | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z]\+\( [a-z]\+\)\?\)  .*/\1/p')
check "mtasts --help lists commands" test -n "$commands"

while IFS= read -r command; do
  check "the manual page has a section for “$command”" grep -qx ".SS ${command//-/\\\\-}" "$manpage"
done <<<"$commands"
check "the manual page documents --dns-server of check" grep -qF '\-\-dns\-server' "$manpage"
# Rendering needs groff and col (Debian packages groff-base and bsdextrautils),
# which a Flatpak SDK may lack: then only these two checks skip.
if command -v groff >/dev/null 2>&1 && command -v col >/dev/null 2>&1; then
  warnings=$(groff -man -Tutf8 -ww -z "$manpage" 2>&1)
  if [ -z "$warnings" ]; then ok "groff reads the manual page without a warning"; else not_ok "groff reads the manual page without a warning" "$warnings"; fi
  check "the manual page renders" sh -c "groff -man -Tutf8 '$manpage' 2>/dev/null | col -bx | grep -q 'EXIT STATUS'"
else
  for what in "groff reads the manual page without a warning" "the manual page renders"; do
    n=$((n + 1)); echo "ok $n - $what # SKIP needs groff and col (groff-base, bsdextrautils)"
  done
fi

# complete WORDS...: what the completion offers for the last word.
complete_words () {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _mtasts
  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
# The program the completion asks for help is the one under test.
PATH=$(dirname "$mtasts"):$PATH
# shellcheck source=/dev/null
. "$completion"

expect () {
  local want=$1; shift
  local got
  got=$(complete_words "$@")
  if [[ " $got" == *" $want "* ]]; then ok "completing “$*” offers $want"; else not_ok "completing “$*” offers $want" "got: $got"; fi
}
expect check mtasts ch
expect status mtasts st
expect check mtasts policy ""
expect check mtasts record c
expect --mode mtasts generate --mo
expect enforce mtasts generate --mode ""
expect nginx mtasts generate --format ng
expect --dns-server mtasts check --dns
expect --json mtasts check --
expect --no-legacy-tls mtasts probe --no
expect --mx mtasts policy check --m
expect --version mtasts --ver
expect generate mtasts help gen

echo "1..$n"
exit $failed
