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
# xgettext stops a string at a macro such as G_GINT64_FORMAT, so such a
# message is cut at its "%" and never matches at run time: use %lld and a cast.
cut=$(grep '\.c$' "$listed" | python3 -c '
import re, sys
lit = r"(?:\"(?:[^\"\\]|\\.)*\"\s*)+"
call = re.compile(r"(?:\b(?:N?_|C_)\s*\(\s*(?:\"[^\"]*\"\s*,\s*)?|(?:g_d?n?gettext|ngettext)\s*\((?:\s*\w+\s*,)?\s*(?:" + lit + ",\s*)?)" + lit + r"G_G\w*_FORMAT")
for name in sys.stdin.read().split():
    for m in call.finditer(open(name, encoding="utf-8").read()):
        print(name + ": " + " ".join(m.group(0).split())[:120])
')
check "no translatable string is cut at a format macro" "$cut"
echo "1..$n"
exit $failed
