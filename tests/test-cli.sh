#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-cli.sh: mtasts --version, --help, help COMMAND and the exit codes.
# Usage: test-cli.sh PATH-TO-MTASTS   (prints TAP)
set -u
mtasts=$1
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
n=0 failed=0

# check DESCRIPTION EXPECTED-EXIT COMMAND...: runs it, records stdout/stderr.
run () {
  expected=$1; shift
  "$mtasts" "$@" >"$out" 2>"$err"
  status=$?
  [ "$status" -eq "$expected" ]
}
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$out" "$err"; }
check () { desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }

check "--version exits 0" run 0 --version
check "--version names mtasts and its version" grep -q '^mtasts 0\.2\.0$' "$out"
for lib in GnuTLS c-ares libsoup json-glib; do
  check "--version gives the $lib version" grep -Eq "^$lib [0-9]+\.[0-9]+" "$out"
done

check "--help exits 0" run 0 --help
check "--help shows the usage" grep -q '^Usage: mtasts' "$out"
check "--help lists the help command" grep -Eq '^  help ' "$out"
check "--help states the exit codes" grep -q 'Exit status: 0' "$out"
check "-h is --help" run 0 -h
check "help with no command is --help" run 0 help
check "help help describes the command" run 0 help help
check "help help shows its usage" grep -q '^Usage: mtasts help' "$out"

check "an unknown command exits 2" run 2 frobnicate
check "an unknown command prints nothing on stdout" test ! -s "$out"
check "an unknown command says so on one line" sh -c "head -n 1 '$err' | grep -q '^mtasts: unknown command “frobnicate”'"
check "an unknown command is followed by the usage" sh -c "sed -n 2p '$err' | grep -q '^Usage: mtasts'"
check "the error and usage are two lines" test "$(wc -l <"$err")" -eq 2

check "an unknown option exits 2" run 2 --frobnicate
check "an unknown option says so" grep -q '^mtasts: unknown option “--frobnicate”' "$err"
check "an unknown option prints the usage" grep -q '^Usage: mtasts' "$err"
check "no command exits 2" run 2
check "no command says a command is missing" grep -q 'command is missing' "$err"
check "help for an unknown command exits 2" run 2 help frobnicate
check "help for an unknown command says so" grep -q 'there is no command “frobnicate”' "$err"

echo "1..$n"
[ "$failed" -eq 0 ]
