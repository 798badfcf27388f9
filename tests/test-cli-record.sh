#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-cli-record.sh: "mtasts record check": exit codes, text and JSON output.
# Usage: test-cli-record.sh PATH-TO-MTASTS   (prints TAP)
set -u
mtasts=$1
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
n=0 failed=0

run () {
  expected=$1; shift
  "$mtasts" "$@" >"$out" 2>"$err"
  status=$?
  [ "$status" -eq "$expected" ]
}
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$out" "$err"; }
check () { desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }
# json_get EXPR: evaluates a Python expression over the JSON object j on stdout.
json_get () { /usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$out"; }
json_is () { [ "$(json_get "$1")" = "$2" ]; }

check "help record check exits 0" run 0 help record check
check "help record check documents the JSON output" grep -q 'JSON output' "$out"
check "help record check lists the codes" grep -q 'tlsrpt-record-rua-unencoded' "$out"

check "RFC 8461 example is valid" run 0 record check 'v=STSv1; id=20160831085700Z;'
check "the summary names the id" grep -q '^The MTA-STS record is valid: policy id 20160831085700Z\.$' "$out"
check "a valid record prints no finding" test "$(wc -l <"$out")" -eq 1
check "RFC 8460 example is valid" run 0 record check 'v=TLSRPTv1;rua=mailto:reports@example.com'
check "the summary names the address" grep -q 'reports go to mailto:reports@example.com\.$' "$out"
check "an extension is a note, exit 0" run 0 record check 'v=STSv1; id=abc; foo=bar'
check "the note has the field number" grep -q '^3: note: ' "$out"

check "an id with dashes exits 1" run 1 record check 'v=STSv1; id=2024-01-01'
check "the id message suggests a fix" grep -q '^2: error: .*“20240101”.*(RFC 8461 §3.1)$' "$out"
check "a space before ; exits 1" run 1 record check 'v=STSv1 ; id=abc'
check "an unencoded comma in rua exits 1" run 1 record check --tlsrpt 'v=TLSRPTv1; rua=mailto:a@example.com,b@example.com'
check "two STS records exit 1" run 1 record check 'v=STSv1; id=a' 'v=STSv1; id=b'
check "two STS records are named as such" grep -q 'There are 2 records that begin with “v=STSv1;”' "$out"
check "an SPF record beside the STS record is fine" run 0 record check 'v=spf1 -all' 'v=STSv1; id=a'
check "the SPF record is explained" grep -q 'looks like your SPF record' "$out"
check "SPF alone at _mta-sts exits 1 with --sts" run 1 record check --sts 'v=spf1 -all'
check "a TLSRPT value checked as STS exits 1" run 1 record check --sts 'v=TLSRPTv1; rua=mailto:a@example.com'

check "--json exits 1 for an invalid record" run 1 record check --json 'v=STSv1; id=a_b'
check "--json is one object with the code" json_is 'j["diagnostics"][0]["code"]' sts-record-id-invalid
check "--json says not valid" json_is 'j["valid"]' False
check "--json has a null record" json_is 'j["record"]' None
check "--json gives the field number" json_is 'j["diagnostics"][0]["line"]' 2
check "--json for a valid TLSRPT record" run 0 record check --json 'v=TLSRPTv1; rua=mailto:a@example.com, https://r.example.com/x'
check "--json kind is tlsrpt" json_is 'j["kind"]' tlsrpt
check "--json lists the rua URIs" json_is '",".join(j["record"]["rua"])' 'mailto:a@example.com,https://r.example.com/x'
check "--json has the several-addresses note" json_is 'j["diagnostics"][0]["code"]' tlsrpt-record-rua-several
check "--json for a valid STS record has the id" run 0 record check --json 'v=STSv1; id=X1'
check "--json id" json_is 'j["record"]["id"]' X1

check "no value exits 2" run 2 record check
check "no value says so" grep -q 'give the value' "$err"
check "an unknown kind exits 2" run 2 record check 'v=spf1 -all'
check "an unknown kind asks for --sts or --tlsrpt" grep -q -- '--sts or --tlsrpt' "$err"
check "both --sts and --tlsrpt exit 2" run 2 record check --sts --tlsrpt 'v=STSv1; id=a'
check "an unknown option exits 2" run 2 record check --frobnicate 'v=STSv1; id=a'
check "-- ends the options" run 1 record check --sts -- '--not-an-option'

echo "1..$n"
[ "$failed" -eq 0 ]
