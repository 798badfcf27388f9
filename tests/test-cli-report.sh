#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# test-cli-report.sh: "mtasts report", "mtasts import" and "mtasts status": exit codes, text and JSON.
# Usage: test-cli-report.sh PATH-TO-MTASTS   (prints TAP; G_TEST_SRCDIR is the tests folder)
set -u
mtasts=$1
data=${G_TEST_SRCDIR:-$(dirname "$0")}/data/reports
scratch=$(mktemp -d)
out=$scratch/out err=$scratch/err
trap 'rm -rf "$scratch"' EXIT
# Projects go to a scratch data folder, never the user's.
export XDG_DATA_HOME=$scratch/data
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
json_get () { /usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$out"; }
json_is () { [ "$(json_get "$1")" = "$2" ]; }

check "help report exits 0" run 0 help report
check "help report documents the JSON keys" grep -q 'by_policy_domain' "$out"
check "help import exits 0" run 0 help import
check "help status documents the exit codes" sh -c "\"$mtasts\" help status | grep -q '0 when ready, 1 when not yet, 2 when'"

check "report of the RFC example exits 1 (failed sessions)" run 1 report --json "$data/good/rfc8460-example.json"
check "reports is 1" json_is 'j["reports"]' 1
check "successful sessions" json_is 'j["successful"]' 5326
check "failed sessions" json_is 'j["failed"]' 303
check "by_result_type" json_is 'j["by_result_type"]["starttls-not-supported"]' 200
check "by_policy_domain" json_is 'j["by_policy_domain"]["company-y.example"]["failed"]' 303
check "by_day" json_is 'j["by_day"]["2016-04-01"]["successful"]' 5326
check "by_reporter" json_is 'j["by_reporter"]["Company-X"]["failed"]' 303
check "nothing rejected" json_is 'len(j["rejected"])' 0

check "a clean report exits 0" run 0 report "$data/good/google-mx-array.json"
check "text output sums up" grep -q '^1 report read, 0 duplicates, 0 files rejected\.$' "$out"
check "text output has the sessions" grep -q '^Sessions: 120 successful, 0 failed\.$' "$out"

check "report of every folder exits 1" run 1 report --json "$data/good" "$data/mail" "$data/maildir" "$data/bad"
check "15 reports" json_is 'j["reports"]' 15
check "1 duplicate" json_is 'j["duplicates"]' 1
check "5 rejected" json_is 'len(j["rejected"])' 5
check "the deep file is rejected with its code" json_is '[r["code"] for r in j["rejected"] if r["file"].endswith("deep.json")][0]' report-too-deep
check "rejections have a reason" json_is 'all(r["reason"] for r in j["rejected"])' True
check "an unknown result type is counted by name" json_is 'j["by_result_type"]["x-new-failure-type"]' 12
check "days are UTC days of the start" json_is 'sorted(j["by_day"])[1]' 2024-01-10
check "the existing keys are all there" json_is 'all(k in j for k in ("reports", "duplicates", "rejected", "successful", "failed", "by_result_type", "by_policy_domain", "by_day", "by_reporter"))' True
check "one report is flagged" json_is 'j["flagged_reports"]' 1
check "the flagged report is named with its file" json_is '[(f["file"].endswith("good/summary-disagrees.json"), f["organization"], f["report_id"], f["flags"]) for f in j["flagged"]]' "[(True, 'Disagreeing Sender', 'disagree-1', ['summary-disagrees'])]"
check "both of its numbers are kept" json_is '[(f["failed"], f["failed_in_details"]) for f in j["flagged"]]' '[(10, 7)]'
check "its totals count as sent" json_is 'j["by_reporter"]["Disagreeing Sender"]["failed"]' 10
check "the text flags it" run 1 report "$data/good/summary-disagrees.json"
check "with both numbers" grep -qxF 'Report “disagree-1” from Disagreeing Sender: its totals say 10 failed sessions, its failure details add up to 7; both are kept.' "$out"
check "a consistent report is not flagged" run 1 report --json "$data/good/rfc8460-example.json"
check "flagged is empty" json_is '(j["flagged_reports"], j["flagged"])' '(0, [])'

# The count column lines up by what a terminal shows, not by bytes:
# accented and wide (CJK) reporter names too.
python3 -c "
import json, sys
base = json.load(open(sys.argv[2]))
for i, name in enumerate(['Müller Télécom', '日本郵便', 'Plain Sender']):
    base['organization-name'] = name
    base['report-id'] = 'align-%d' % i
    json.dump(base, open('%s/align-%d.json' % (sys.argv[1], i), 'w'), ensure_ascii=False)
" "$scratch" "$data/good/google-mx-array.json"
check "reports with non-ASCII names (and failures) exit 1" run 1 report "$scratch/align-0.json" "$scratch/align-1.json" "$scratch/align-2.json" "$data/good/microsoft-no-zone.json"
check "the counts line up by display width" python3 -c "
import re, sys, unicodedata
width = lambda t: sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in t)
lines = open(sys.argv[1], encoding='utf-8').read().split('\\n')
starts = {}
for line in lines:
    m = re.match(r'^(  .*? +)(\\d+)( successful|  |$)', line)
    if m:
        starts.setdefault(width(m.group(1)), []).append(line)
assert len(starts) == 1, starts
names = ' '.join(sum(starts.values(), []))
assert 'Müller Télécom' in names and '日本郵便' in names and '(not named)' in names, names
" "$out"

# A gzip bomb and a truncated gzip, made here.
python3 -c "
import gzip, sys
with gzip.open(sys.argv[1] + '/bomb.json.gz', 'wb') as f:
    for i in range(60): f.write(bytes(1024 * 1024))
data = gzip.compress(open(sys.argv[2], 'rb').read())
open(sys.argv[1] + '/cut.json.gz', 'wb').write(data[:len(data) // 2])
open(sys.argv[1] + '/whole.json.gz', 'wb').write(data)
" "$scratch" "$data/good/google-mx-array.json"
check "a gzip bomb and a cut gzip are rejected, the good one read" run 1 report --json "$scratch/bomb.json.gz" "$scratch/cut.json.gz" "$scratch/whole.json.gz"
check "the good gzip is read" json_is 'j["reports"]' 1
check "the bomb's code" json_is '[r["code"] for r in j["rejected"] if r["file"].endswith("bomb.json.gz")][0]' report-gzip-too-large
check "the cut one's code" json_is '[r["code"] for r in j["rejected"] if r["file"].endswith("cut.json.gz")][0]' report-gzip-broken
check "a missing file is rejected, not fatal" run 1 report --json "$scratch/missing.json"
check "the missing file's code" json_is 'j["rejected"][0]["code"]' report-unreadable

check "report without a path exits 2" run 2 report
check "an unknown option exits 2" run 2 report --frobnicate "$data/good"

check "status of an unknown domain exits 2" run 2 status example.com
check "it says there is no project" grep -q 'no project for example.com' "$err"

check "import into example.com exits 1 (rejected files)" run 1 import --json example.com "$data/good" "$data/mail" "$data/maildir" "$data/bad"
check "13 reports stored" json_is 'j["reports"]' 13
check "other domains listed" json_is 'sorted(o["domain"] for o in j["other_domains"])' "['company-y.example', 'other.example']"
check "the project file is in XDG_DATA_HOME" json_is 'j["project"].startswith("'"$scratch"'/data/io.github.mtasts.Wizard/domains/")' True
check "the project file exists" test -f "$scratch/data/io.github.mtasts.Wizard/domains/example.com.json"
check "the project holds the facts" python3 -c "
import json, sys
p = json.load(open(sys.argv[1]))
assert len(p['reports']) == 13, len(p['reports'])
r = [x for x in p['reports'] if x['report_id'] == 'disagree-1'][0]
assert r['facts']['flags'] == ['summary-disagrees'], r['facts']['flags']
assert r['imported'].endswith('Z')
assert p['timeline'][-1]['kind'] == 'import'
" "$scratch/data/io.github.mtasts.Wizard/domains/example.com.json"
cp "$scratch/data/io.github.mtasts.Wizard/domains/example.com.json" "$scratch/first.json"
check "importing again stores nothing new" run 1 import --json example.com "$data/good" "$data/mail" "$data/maildir" "$data/bad"
check "0 new reports" json_is 'j["reports"]' 0
check "still 13 stored" json_is 'j["stored"]' 13
check "the project file is unchanged" cmp "$scratch/first.json" "$scratch/data/io.github.mtasts.Wizard/domains/example.com.json"
check "a clean import exits 0" run 0 import example.com "$data/good/google-mx-array.json"
check "the text names the project" grep -q 'now holds 13 reports' "$out"

# A shared mailbox holds reports for other domains: they are listed, and
# the import still succeeds; only a rejected file makes it exit 1.
export XDG_DATA_HOME=$scratch/shared
check "import with a file for another domain exits 0" run 0 import --json example.com "$data/good/other-domain.json" "$data/good/google-mx-array.json"
check "the report for example.com is stored" json_is 'j["reports"]' 1
check "the other domain is listed" json_is '[o["domain"] for o in j["other_domains"]]' "['other.example']"
check "import of only another domain's file exits 0" run 0 import example.com "$data/good/other-domain.json"
check "the text lists it" grep -q 'is for other.example, not stored' "$out"
check "import with a rejected file exits 1" run 1 import --json example.com "$data/good/other-domain.json" "$data/bad/not-json.json"
check "the rejected file is listed" json_is '[r["code"] for r in j["rejected"]]' "['report-not-json']"
check "help import says other domains are not a failure" sh -c "\"$mtasts\" help import | tr '\\n' ' ' | grep -q '0 when no file was rejected, also when some held reports for other domains'"
export XDG_DATA_HOME=$scratch/data

check "status exits 1: not ready" run 1 status example.com
check "status says not yet" grep -q '^Not ready for enforce yet\.$' "$out"
check "status --json exits 1" run 1 status --json example.com
check "ready is false" json_is 'j["ready"]' False
check "six items" json_is 'len(j["items"])' 6
# Imported before any check saw the policy live: they do not count yet.
check "the reports item is not met (no report since the policy went live)" json_is '[i["status"] for i in j["items"] if i["id"] == "reports"][0]' not-met
check "no check yet: the MX items are unknown" json_is '[i["status"] for i in j["items"] if i["id"] == "mx-probes"][0]' unknown
check "status of a bad domain exits 2" run 2 status 'not a domain'
check "no switch under way: pending_switch is null" sh -c "\"$mtasts\" status --json example.com | /usr/bin/python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)[\"pending_switch\"] is not None)'"

# A removal begun in the wizard and not finished (the fuzzer's seed).
domains=$XDG_DATA_HOME/io.github.mtasts.Wizard/domains
cp "${G_TEST_SRCDIR:-$(dirname "$0")}/fuzz/corpus/project/pending-switch" "$domains/example.org.json"
check "status with a switch under way exits 1" run 1 status example.org
check "the text mentions the switch" grep -q '^Switch under way: removal of MTA-STS, new id 20261128T120000' "$out"
check "and the date to wait for" grep -q '^Wait until 2026-12-05 12:00 UTC' "$out"
check "status --json with a switch exits 1" run 1 status --json example.org
check "pending_switch has its kind and new id" json_is '(j["pending_switch"]["kind"], j["pending_switch"]["new_id"])' "('remove', '20261128T120000')"
check "and the steps done" json_is 'j["pending_switch"]["done_steps"]' "['publish-policy', 'verify-policy']"
check "the other keys stay" json_is 'sorted(j)' "['domain', 'items', 'mode', 'pending_switch', 'ready', 'state']"

echo "1..$n"
[ "$failed" -eq 0 ]
