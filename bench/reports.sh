#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/reports.sh: `mtasts report` over a folder of generated TLS-RPT reports.
#
#   bench/reports.sh [BUILD-DIR] [COUNT] [RUNS]   (10000 reports, 3 runs)
#
# Generates COUNT reports (a third each .json, .json.gz and .eml with a
# base64 application/tlsrpt+gzip part; 1 to 4 policies and up to 6 failure
# details each, 40 reporters, a year of days, one in 7 with totals that
# disagree with their failure details) in a scratch folder, then
# runs `mtasts report --json` on it pinned to one core (taskset -c 0),
# RUNS times (default 3) after one warm-up run, and prints for each run
# and for the median run reports per CPU second (user + system time of
# mtasts alone, so that other load on the machine and the generator do not
# count), per elapsed second, and peak memory (/usr/bin/time %M).  It does
# the same with COUNT/5 reports: the peak memory should not grow with the
# number of reports (only the aggregates and the de-duplication keys stay).
# Targets: >= 5,000 reports/s on one core; memory flat.
# Numbers, not a test: nothing here fails on a slow machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
count=${2:-10000}
runs=${3:-3}
small=$((count / 5))
ninja -C "$build" src/cli/mtasts >/dev/null
mtasts=$build/src/cli/mtasts
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

generate () {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import base64, gzip, json, os, random, sys
out, count = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
rng = random.Random(8460)
types = ["starttls-not-supported", "certificate-host-mismatch", "certificate-expired",
         "certificate-not-trusted", "validation-failure", "sts-policy-fetch-error",
         "sts-policy-invalid", "sts-webpki-invalid", "tlsa-invalid"]
for i in range(count):
    org = "reporter%02d.example" % (i % 40)
    day = 1704067200 + 86400 * (i % 365)
    start = __import__("time").strftime("%Y-%m-%dT00:00:00Z", __import__("time").gmtime(day))
    end = __import__("time").strftime("%Y-%m-%dT23:59:59Z", __import__("time").gmtime(day))
    policies = []
    for p in range(rng.randint(1, 4)):
        domain = "domain%d.example" % rng.randint(0, 9)
        details = [{"result-type": rng.choice(types), "sending-mta-ip": "192.0.2.%d" % rng.randint(1, 254),
                    "receiving-mx-hostname": "mx%d.%s" % (rng.randint(1, 3), domain),
                    "receiving-ip": "198.51.100.%d" % rng.randint(1, 254),
                    "failed-session-count": rng.randint(1, 50)} for _ in range(rng.randint(0, 6))]
        policies.append({"policy": {"policy-type": "sts",
                                    "policy-string": ["version: STSv1", "mode: testing", "mx: mx1." + domain,
                                                      "mx: mx2." + domain, "max_age: 604800"],
                                    "policy-domain": domain, "mx-host": ["mx1." + domain, "mx2." + domain]},
                         "summary": {"total-successful-session-count": rng.randint(0, 100000),
                                     # One report in 7 disagrees with its details, as some
                                     # reporters' do: the summary names only the first 100.
                                     "total-failure-session-count": sum(d["failed-session-count"] for d in details)
                                                                    + (3 if i % 7 == 0 else 0)},
                         "failure-details": details})
    report = json.dumps({"organization-name": org, "date-range": {"start-datetime": start, "end-datetime": end},
                         "contact-info": "tlsrpt@" + org, "report-id": "%s-%06d" % (org, i), "policies": policies})
    name = "%s!example!%d!%d!%06d" % (org, day, day + 86399, i)
    kind = i % 3
    if kind == 0:
        open(os.path.join(out, name + ".json"), "w").write(report)
    elif kind == 1:
        open(os.path.join(out, name + ".json.gz"), "wb").write(gzip.compress(report.encode(), mtime=0))
    else:
        body = base64.encodebytes(gzip.compress(report.encode(), mtime=0)).decode()
        open(os.path.join(out, name + ".eml"), "w").write(
            "From: tlsrpt@%s\nTo: tlsrpt@example.com\nSubject: Report Domain: example Submitter: %s "
            "Report-ID: <%d@%s>\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=\"tlsrpt\"; "
            "boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nThis is a TLS report.\n\n--b\n"
            "Content-Type: application/tlsrpt+gzip\nContent-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment; filename=\"%s.json.gz\"\n\n%s\n--b--\n" % (org, org, i, org, name, body))
PY
}

measure () {
  local dir=$1 n=$2 timing reports
  # One warm-up run, so that every timed run reads from the page cache.
  "$mtasts" report --json "$dir" >/dev/null || true
  for run in $(seq "$runs"); do
    timing=$(taskset -c 0 /usr/bin/time -f '%e %U %S %M' "$mtasts" report --json "$dir" 2>&1 >"$scratch/out.json" | tail -1) || true
    reports=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reports"])' "$scratch/out.json")
    [ "$reports" -eq "$n" ] || { echo "expected $n reports, got $reports" >&2; exit 1; }
    echo "$timing"
  done | /usr/bin/python3 -c '
import sys
n = int(sys.argv[1])
runs = [tuple(map(float, line.split())) for line in sys.stdin if line.strip()]
def show(label, run):
    e, u, s, m = run
    # Per CPU second (user + system) as well as per elapsed second: on a
    # busy machine the elapsed time counts other processes turns too.
    print("%6d reports, %-6s %6.2f s elapsed, %6.2f s CPU, %6.0f reports per CPU second, %6.0f per elapsed second, peak memory %5.1f MB"
          % (n, label + ":", e, u + s, n / max(u + s, 0.001), n / max(e, 0.001), m / 1024))
for i, run in enumerate(runs):
    show("run %d" % (i + 1), run)
show("median", sorted(runs, key=lambda r: r[1] + r[2])[len(runs) // 2])' "$n"
}

generate "$scratch/large" "$count"
generate "$scratch/small" "$small"
echo "mtasts report --json, one core (taskset -c 0), $(nproc) cores on $(uname -m), $(date -u +%Y-%m-%d)"
measure "$scratch/large" "$count"
measure "$scratch/small" "$small"
