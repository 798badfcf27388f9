#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-potfiles.sh: po/POTFILES.in lists exactly the files with translatable
# strings, sorted, so no user-visible string escapes the translators.
# Usage: test-potfiles.sh SOURCE-ROOT   (prints TAP)
set -u
export LC_ALL=C
cd "$1" || exit 2
listed=$(mktemp) found=$(mktemp)
trap 'rm -f "$listed" "$found"' EXIT

grep -v '^#' po/POTFILES.in | sed '/^$/d' >"$listed"
{
  grep -rlE '(^|[^A-Za-z0-9_])N?_\("|C_\("|g_dngettext|ngettext \(' src --include='*.c'
  grep -rl 'translatable="yes"' ui --include='*.ui'
  ls data/*.desktop.in.in data/*.metainfo.xml.in.in data/*.gschema.xml 2>/dev/null
} | sort -u >"$found"

n=0 failed=0
check () {
  n=$((n + 1))
  if [ -z "$2" ]; then echo "ok $n - $1"; else failed=1; echo "not ok $n - $1"; echo "$2" | sed 's/^/# /'; fi
}
check "every file with translatable strings is in po/POTFILES.in" "$(comm -13 "$listed" "$found")"
check "po/POTFILES.in lists no file without them, or that is gone" "$(comm -23 "$listed" "$found")"
check "po/POTFILES.in is sorted" "$(sort -c "$listed" 2>&1)"
echo "1..$n"
exit $failed
