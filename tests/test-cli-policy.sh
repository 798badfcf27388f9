#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-cli-policy.sh: "mtasts policy check" on good policies and on every policy mistake of rfc-notes.md.
# Usage: test-cli-policy.sh PATH-TO-MTASTS   (prints TAP)
set -u
mtasts=$1
data=$(cd "$(dirname "$0")" && pwd)/data/policy
tmp=$(mktemp -d)
out=$tmp/out err=$tmp/err
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

# run EXPECTED-EXIT ARGS...: runs "mtasts policy check ARGS", keeps stdout and stderr.
run () {
  expected=$1; shift
  "$mtasts" policy check "$@" >"$out" 2>"$err"
  status=$?
  [ "$status" -eq "$expected" ] || { echo "# exit $status, expected $expected"; return 1; }
}
# policy NAME TEXT: writes TEXT (printf escapes) to a file, prints its path.
policy () { printf "$2" >"$tmp/$1"; echo "$tmp/$1"; }
has () { grep -qF -- "$1" "$out"; }
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$out" "$err"; }
check () { desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }
# json EXPRESSION: evaluates a Python expression on the JSON output "j" (Debian's python).
json () { /usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$out"; }

# Good policies.
check "the RFC example is valid" run 0 "$data/rfc-example.txt"
check "a valid policy prints no finding" test "$(wc -l <"$out")" -eq 1
check "a valid policy is summed up" has "The policy is valid: mode enforce, max_age 604800 seconds, 3 mx patterns."
check "standard input is read with -" sh -c "\"$mtasts\" policy check - <\"$data/rfc-example.txt\" >/dev/null"
check "LF line ends are valid (not an error)" run 0 "$data/rfc-example-lf.txt"
check "LF line ends are a note" has "note: Lines end with LF alone."
lf=$(policy lf.txt 'version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 1209600')
check "LF without a final line end is valid" run 0 "$lf"
ext=$(policy ext.txt 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\nowner: ops team\r\n')
check "an unknown key is accepted" run 0 "$ext"
check "an unknown key is a note on its line" has "5: note: “owner” is not part of MTA-STS version 1."
none=$(policy none.txt 'version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n')
check "mode none needs no mx" run 0 "$none"
order=$(policy order.txt 'mode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\nversion: STSv1\r\n')
check "keys in any order are valid" run 0 "$order"
check "version not first is a note" has "4: note: “version” is not the first line."

# Duplicated keys: the first wins (a warning, not an error).
dup=$(policy dup.txt 'version: STSv1\r\nmode: testing\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n')
check "a duplicated key is not an error" run 0 "$dup"
check "a duplicated key says the first one counts" has "3: warning: “mode” appears again on line 3. Senders use only the first one, on line 2"
check "the first duplicate wins in the JSON" run 0 --json "$dup"
check "the JSON mode is the first one" json 'j["policy"]["mode"] == "testing"'

# A typo like "nmx:" leaves a policy without mx lines.
check "nmx: makes the policy invalid" run 1 "$data/nmx-typo.txt"
check "nmx: is called a typo of mx" has "3: warning: “nmx” is not a key senders know, so they ignore this line. Did you mean “mx”?"
check "nmx: leaves the policy without mx" has "error: The policy has no “mx:” line (line 3 looks like a misspelt one)"
check "an invalid policy is summed up" has "The policy is not valid"

# Case-sensitive keys and values.
case1=$(policy case1.txt 'version: STSv1\r\nMode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n')
check "Mode: is an error" run 1 "$case1"
check "Mode: says to write it in lower case" has "2: error: Write “Mode” in lower case: “mode:”."
case2=$(policy case2.txt 'version: STSv1\r\nmode: Enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n')
check "mode: Enforce is an error" run 1 "$case2"
check "mode: Enforce says to write it in lower case" has "must be written in lower case: “mode: enforce”"

# max_age.
big=$(policy big.txt 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 31557601\r\n')
check "max_age over 31557600 is an error" run 1 "$big"
check "max_age over the maximum says the maximum" has "Use at most 31557600."
unit=$(policy unit.txt 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 1w\r\n')
check "max_age with a unit is an error" run 1 "$unit"
check "max_age with a unit says to write seconds" has "Write digits only, with no unit"
short=$(policy short.txt 'version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 86400\r\n')
check "a short testing max_age is only a warning" run 0 "$short"
check "the warning gives the advised range" has "1 to 2 weeks (604800 to 1209600 seconds)"

# mx patterns.
dot=$(policy dot.txt 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com.\r\nmax_age: 604800\r\n')
check "an mx with a trailing dot is an error" run 1 "$dot"
check "the trailing dot message gives the fix" has "3: error: “mail.example.com.” ends with a dot"
idn=$(policy idn.txt 'version: STSv1\r\nmode: enforce\r\nmx: mx.bücher.example\r\nmax_age: 604800\r\n')
check "a U-label mx is an error" run 1 "$idn"
check "the U-label message gives the A-label" has "write “mx.xn--bcher-kva.example”"
star=$(policy star.txt 'version: STSv1\r\nmode: enforce\r\nmx: *.*.example.com\r\nmax_age: 604800\r\n')
check "a double wildcard is an error" run 1 "$star"
check "the wildcard message says where the star goes" has "the “*” is in the wrong place"
several=$(policy several.txt 'version: STSv1\r\nmode: enforce\r\nmx: a.example.com, b.example.com\r\nmax_age: 604800\r\n')
check "two hosts on one mx line are an error" run 1 "$several"
check "two hosts: one line each" has "Give each mail server its own line"

# Coverage of the MX records (--mx).
check "covered MX hosts pass" run 0 --mx mail.example.com. --mx mx1.example.net --mx backupmx.example.com "$data/rfc-example.txt"
check "an uncovered MX in enforce is an error" run 1 --mx mail.example.com --mx backup.example.org "$data/rfc-example.txt"
check "the uncovered MX is named, with what happens" has "error: Your mail server “backup.example.org” is not covered by any “mx:” line of the policy. In enforce mode, senders refuse to deliver mail to it."
check "a wildcard does not cover two labels" run 1 --mx a.b.example.net --mx mail.example.com --mx backupmx.example.com "$data/rfc-example.txt"
check "the two-label host is reported" has "“a.b.example.net” is not covered"
check "a wildcard does not cover its own domain" run 1 --mx example.net --mx mail.example.com --mx backupmx.example.com "$data/rfc-example.txt"
check "an exact pattern does not cover a longer name" run 1 --mx xmail.example.com --mx backupmx.example.com "$data/rfc-example.txt"
check "an exact pattern no MX uses is a warning" run 0 --mx mail.example.com "$data/rfc-example.txt"
check "the unused pattern is named" has "warning: No MX record points to “backupmx.example.com”"
check "coverage in JSON" run 1 --json --mx mail.example.com --mx backup.example.org "$data/rfc-example.txt"
check "the JSON lists the MX hosts and their coverage" json 'j["mx_hosts"] == [{"host": "mail.example.com", "covered": True}, {"host": "backup.example.org", "covered": False}]'
check "the JSON has the mx-not-covered code" json '[d["code"] for d in j["diagnostics"]] == ["mx-not-covered", "policy-mx-unused"]'

# What a web server sends instead of the policy.
check "an HTML page is an error" run 1 "$data/html-error-page.txt"
check "an HTML page is called a web page" has "1: error: This is a web page (HTML), not a policy file."
txt=$(policy txt.txt 'v=STSv1; id=20240101T000000\r\n')
check "the TXT record instead of the policy is an error" run 1 "$txt"
check "the TXT record is called so" has "1: error: This is the _mta-sts TXT record"
oneline=$(policy oneline.txt 'version: STSv1\r\nmode: enforce; mx: mail.example.com; max_age: 604800\r\n')
check "keys on one line are an error" run 1 "$oneline"
check "keys on one line: one key per line" has "2: error: Line 2 holds several keys separated by “;”. Put each key on its own line"
check "keys on one line are not also called missing" sh -c "! grep -q 'has no mode line' '$out'"
empty=$(policy empty.txt '')
check "an empty file is an error" run 1 "$empty"
check "an empty file lacks version, mode and max_age" sh -c "grep -c 'error: The policy has no' '$out' | grep -qx 3"

# JSON output.
check "--json on a valid policy exits 0" run 0 --json "$data/rfc-example.txt"
check "--json is one JSON object with the policy" json 'j["valid"] is True and j["policy"] == {"version": "STSv1", "mode": "enforce", "max_age": 604800, "mx": ["mail.example.com", "*.example.net", "backupmx.example.com"], "extensions": []} and j["diagnostics"] == [] and "mx_hosts" not in j'
check "--json on an invalid policy exits 1" run 1 --json "$data/nmx-typo.txt"
check "--json gives severity, code, message, line and reference" json 'j["valid"] is False and j["diagnostics"][0] == {"severity": "warning", "code": "policy-key-typo", "message": j["diagnostics"][0]["message"], "line": 3, "reference": "RFC 8461 §3.2"} and "line" not in j["diagnostics"][1] and j["diagnostics"][1]["code"] == "policy-mx-missing"'
check "--json has null for missing fields" run 1 --json "$empty"
check "--json missing fields are null" json 'j["policy"]["mode"] is None and j["policy"]["max_age"] is None and j["policy"]["version"] is None'

# Usage and input errors exit 2.
check "a missing file exits 2" run 2 "$tmp/does-not-exist.txt"
check "a missing file is one line on stderr" test "$(wc -l <"$err")" -eq 1
check "a missing file is named" grep -q "does-not-exist.txt" "$err"
check "a missing file prints nothing on stdout" test ! -s "$out"
check "a directory exits 2" run 2 "$tmp"
check "no file exits 2" run 2
check "no file says so" grep -q "the policy file is missing" "$err"
check "two files exit 2" run 2 "$data/rfc-example.txt" "$data/rfc-example.txt"
check "an unknown option exits 2" run 2 --frobnicate "$data/rfc-example.txt"
check "an unknown option is named" grep -q "unknown option “--frobnicate”" "$err"
check "--mx without a host exits 2" run 2 "$data/rfc-example.txt" --mx
check "an invalid --mx host exits 2" run 2 --mx "mail example" "$data/rfc-example.txt"
check "--help exits 0" run 0 --help
check "help policy check documents the codes" sh -c "\"$mtasts\" help policy check | grep -q 'policy-mx-missing'"
check "help policy check documents the JSON keys" sh -c "\"$mtasts\" help policy check | grep -q 'mx_hosts'"
check "mtasts --help lists policy check" sh -c "\"$mtasts\" --help | grep -q '^  policy check '"

echo "1..$n"
[ "$failed" -eq 0 ]
