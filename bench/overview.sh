#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/overview.sh: the welcome page's domains overview with big projects.
#
#   bench/overview.sh [BUILD-DIR] [DOMAINS] [REPORTS]   (5 domains, 1825 reports each)
#
# Sets up DOMAINS projects in a scratch XDG_DATA_HOME, each holding a year
# of reports (REPORTS generated TLS-RPT reports, 5 reporters a day for 365
# days, some with failures, stored with `mtasts import`), then prints:
#  - per domain, the project file's size, `mtasts status` (wall time, median
#    of 5), and what the overview costs it split into reading the file and
#    evaluating readiness (bench/overview.c, median of 5);
#  - launch to the first frame of the wizard with these domains, against the
#    same with no domains (bench/startup.c, median of 10, Xvfb, cairo);
#  - the longest main-loop stall while the welcome page reloads its list
#    (Other Domain), and when the rows are shown (bench/startup.c reload).
# Numbers, not a test: nothing here fails on a slow machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
domains=${2:-5}
reports=${3:-1825}
ninja -C "$build" src/cli/mtasts bench/startup bench/overview data/gschemas.compiled >/dev/null
mtasts=$build/src/cli/mtasts
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=$build/data NO_AT_BRIDGE=1 GSK_RENDERER=cairo
export XDG_DATA_HOME=$scratch/data
mkdir -p "$XDG_DATA_HOME" "$scratch/empty"

names=()
for i in $(seq "$domains"); do
  domain=domain$i.example
  names+=("$domain")
  /usr/bin/python3 - "$scratch/reports-$i" "$reports" "$domain" <<'PY'
import json, os, random, sys, time
out, count, domain = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)
rng = random.Random(domain)
types = ["starttls-not-supported", "certificate-host-mismatch", "certificate-expired",
         "validation-failure", "sts-policy-fetch-error", "sts-webpki-invalid"]
for i in range(count):
    org = "reporter%d.example" % (i % 5)
    day = int(time.time()) // 86400 * 86400 - 86400 * (i // 5 + 1)
    fmt = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    details = [{"result-type": rng.choice(types), "sending-mta-ip": "192.0.2.%d" % rng.randint(1, 254),
                "receiving-mx-hostname": "mx%d.%s" % (rng.randint(1, 2), domain),
                "failed-session-count": rng.randint(1, 5)}
               for _ in range(rng.choice([0, 0, 0, 1, 2]))]
    report = {"organization-name": org, "date-range": {"start-datetime": fmt(day), "end-datetime": fmt(day + 86399)},
              "contact-info": "tlsrpt@" + org, "report-id": "%s-%s-%06d" % (org, domain, i),
              "policies": [{"policy": {"policy-type": "sts", "policy-domain": domain,
                                       "policy-string": ["version: STSv1", "mode: testing", "mx: mx1." + domain,
                                                         "mx: mx2." + domain, "max_age: 604800"],
                                       "mx-host": ["mx1." + domain, "mx2." + domain]},
                            "summary": {"total-successful-session-count": rng.randint(100, 5000),
                                        "total-failure-session-count": sum(d["failed-session-count"] for d in details)},
                            "failure-details": details}]}
    open(os.path.join(out, "%s!%s!%d!%d.json" % (org, domain, day, i)), "w").write(json.dumps(report))
PY
  "$mtasts" import "$domain" "$scratch/reports-$i" >/dev/null
done

echo "overview bench: $domains domains, $reports reports each, $(nproc) cores on $(uname -m), $(date -u +%Y-%m-%d)"
echo
echo "| domain | reports | project file | mtasts status (median of 5) | read + parse (median of 5) | evaluate readiness (median of 5) |"
echo "| --- | --- | --- | --- | --- | --- |"
"$build/bench/overview" 5 "${names[@]}" | while read -r domain count load evaluate; do
  file=$(find "$XDG_DATA_HOME" -name "$domain.json" -type f | head -1)
  status=$(/usr/bin/python3 -c '
import statistics, subprocess, sys, time
times = []
for _ in range(5):
    started = time.monotonic()
    subprocess.run([sys.argv[1], "status", sys.argv[2]], capture_output=True)  # 1: not ready yet
    times.append(time.monotonic() - started)
print("%.0f ms" % (statistics.median(times) * 1000))' "$mtasts" "$domain")
  echo "| $domain | $count | $(du -k "$file" | awk '{ printf "%.1f MB", $1 / 1024 }') | $status | $load ms | $evaluate ms |"
done

measure='
import os, statistics, subprocess, sys, time
driver, empty, full = sys.argv[1:4]
def run(mode, data):
    env = dict(os.environ, XDG_DATA_HOME=data)
    started = time.monotonic()
    out = subprocess.run([driver, mode], capture_output=True, text=True, timeout=120, env=env).stdout
    lines = dict((l.split()[0], int(l.split()[1])) for l in out.splitlines() if len(l.split()) == 2)
    return started, lines
def first_frame(data):
    times, listed = [], []
    for _ in range(10):
        started, lines = run("app", data)
        times.append(lines["first-frame"] / 1e6 - started)
        if "domains-listed" in lines:
            listed.append(lines["domains-listed"] / 1e6 - started)
    return statistics.median(times), (statistics.median(listed) if listed else None)
none, _ = first_frame(empty)
some, listed = first_frame(full)
print("| launch to first frame, no domains (median of 10) | %.0f ms |" % (none * 1000))
print("| launch to first frame, %s big domains (median of 10) | %.0f ms |" % (sys.argv[4], some * 1000))
if listed is not None:
    print("| launch to the domains listed, %s big domains (median of 10) | %.0f ms |" % (sys.argv[4], listed * 1000))
stalls, shown = [], []
for _ in range(5):
    _, lines = run("reload", full)
    stalls.append(lines["reload-stall"] / 1000)
    shown.append(lines["reload-listed"] / 1000)
print("| longest main-loop stall while the list reloads (median of 5) | %.0f ms |" % statistics.median(stalls))
print("| reload to the rows shown (median of 5) | %.0f ms |" % statistics.median(shown))
'
echo
echo "| measurement | wizard |"
echo "| --- | --- |"
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" /usr/bin/python3 -c "$measure" \
  "$build/bench/startup" "$scratch/empty" "$XDG_DATA_HOME" "$domains"
