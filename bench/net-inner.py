#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/net-inner.py: the measurements of bench/net.sh, run inside the test world.
import statistics
import subprocess
import sys
import time

mtasts = sys.argv[1]


def wall(argv, runs):
    times = []
    for _ in range(runs):
        started = time.monotonic()
        subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.monotonic() - started)
    return statistics.median(times)


def row(name, ours, theirs, target):
    ratio = ours / theirs if theirs > 0 else float("inf")
    print("| %s | %.3f s | %.3f s | %.2f | %s |" % (name, ours, theirs, ratio, target))


print("| measurement | mtasts | compared with | ratio | target |")
print("| --- | --- | --- | --- | --- |")
one = wall([mtasts, "check", "--json", "mx-slow.test"], 3)
eight = wall([mtasts, "check", "--json", "slow8.test"], 3)
row("check: 8 slow MX vs 1 slow MX (median of 3)", eight, one, "<= 1.3")
gnutls = wall(["gnutls-cli", "--starttls-proto=smtp", "--port", "25", "mx1.good.test"], 10)
probe = wall([mtasts, "probe", "--no-legacy-tls", "mx1.good.test"], 10)
row("probe, one connection as gnutls-cli makes (median of 10)", probe, gnutls, "<= 1.2")
probe = wall([mtasts, "probe", "mx1.good.test"], 10)
row("probe with its second, old-TLS connection (median of 10)", probe, gnutls, "(for information)")
policy = wall([mtasts, "check", "--no-probe", "--json", "good.test"], 10)
query = wall(["mta-sts-query", "good.test"], 10)
row("check --no-probe vs mta-sts-query (median of 10)", policy, query, "< 1")
