#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-po.sh: every language of po/LINGUAS is complete: its .po file passes
# `msgfmt --check`, every message is translated and none is fuzzy, and the
# built desktop file and metainfo carry its translations.
# Usage: test-po.sh PO-DIR DESKTOP-FILE METAINFO-FILE   (prints TAP)
set -u
po=$1 desktop=$2 metainfo=$3
if ! command -v msgfmt >/dev/null 2>&1; then
  echo "1..0 # SKIP needs msgfmt (GNU gettext)"
  exit 0
fi
# msgfmt's statistics are in English whatever the environment says.
export LC_ALL=C LANGUAGE=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; [ -z "${2:-}" ] || echo "$2" | sed 's/^/# /'; }
check () { desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }

langs=$(sed -e 's/#.*//' "$po/LINGUAS")
check "po/LINGUAS names at least one language" test -n "$langs"

# A template made now from the sources, as meson's pot target makes it (the
# glib preset's keywords), so a .po file that is complete but older than the
# code does not pass: every message the app can show must be translated.
fresh=
if command -v xgettext >/dev/null 2>&1 && command -v msgcmp >/dev/null 2>&1; then
  if (cd "$po/.." && xgettext --from-code=UTF-8 --add-comments -k_ -kN_ -kC_:1c,2 -kNC_:1c,2 \
        -kg_dcgettext:2 -kg_dngettext:2,3 -kg_dpgettext2:2c,3 -f po/POTFILES.in \
        -o "$tmp/fresh.pot") >"$tmp/xgettext.out" 2>&1; then
    fresh=$tmp/fresh.pot
    ok "a template is made from the sources"
  else
    not_ok "a template is made from the sources" "$(cat "$tmp/xgettext.out")"
  fi
fi
for lang in $langs; do
  file=po/$lang.po
  if [ ! -f "$po/$lang.po" ]; then
    not_ok "$file exists"
    continue
  fi
  if msgfmt --check --statistics -o "$tmp/$lang.mo" "$po/$lang.po" >"$tmp/out" 2>&1; then
    ok "$file passes msgfmt --check"
  else
    not_ok "$file passes msgfmt --check" "$(cat "$tmp/out")"
  fi
  stats=$(grep 'translated message' "$tmp/out" | tail -n 1)
  translated=$(echo "$stats" | sed -n 's/^\([0-9]*\) translated message.*/\1/p')
  fuzzy=$(echo "$stats" | sed -n 's/.* \([0-9]*\) fuzzy translation.*/\1/p')
  untranslated=$(echo "$stats" | sed -n 's/.* \([0-9]*\) untranslated message.*/\1/p')
  translated=${translated:-0} fuzzy=${fuzzy:-0} untranslated=${untranslated:-0}
  if [ "$translated" -gt 0 ] && [ "$fuzzy" -eq 0 ] && [ "$untranslated" -eq 0 ]; then
    ok "$file is 100 % translated ($translated messages, none fuzzy)"
  else
    not_ok "$file is 100 % translated, none fuzzy" \
      "$file: $translated translated, $fuzzy fuzzy, $untranslated untranslated"
  fi

  if [ -n "$fresh" ]; then
    if msgcmp "$po/$lang.po" "$fresh" >"$tmp/cmp" 2>&1; then
      ok "$file translates every message of today's sources"
    else
      not_ok "$file translates every message of today's sources (msgmerge it: ninja -C BUILD mta-sts-wizard-update-po)" \
        "$(grep -c 'untranslated\|not defined' "$tmp/cmp") messages missing or untranslated, e.g.
$(grep -m 3 -A1 'untranslated\|not defined' "$tmp/cmp")"
    fi
  fi

  # The merged data files: what GNOME Software and the desktop show.
  for key in Name GenericName Comment Keywords; do
    check "the desktop file has $key[$lang]" grep -q "^$key\[$lang\]=" "$desktop"
  done
  for element in name summary; do
    check "the metainfo has <$element xml:lang=\"$lang\">" grep -q "<$element xml:lang=\"$lang\">" "$metainfo"
  done
  check "the metainfo's description is in $lang" grep -Eq "<(p|li) xml:lang=\"$lang\">" "$metainfo"
done
echo "1..$n"
exit $failed
