#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# test-interop-world.py: what `mtasts generate` writes works for a real sender.
#
# Inside the test world (tests/world/run.sh), publishes a new domain exactly
# as the app tells an admin to: the two TXT records from `--format json`, the
# policy host served by nginx with the app's own `--format nginx` block and a
# certificate for mta-sts.DOMAIN.  Then Debian's mta-sts-query (the resolver
# Postfix uses in production) must fetch it and report it VALID with the same
# mode, max_age and mx list, and `mtasts check` must find nothing to fix.
# Prints TAP.
#
# Usage: test-interop-world.py PATH-TO-MTASTS PATH-TO-SOURCE-TREE

import json
import os
import subprocess
import sys

mtasts, top = sys.argv[1], sys.argv[2]
world = os.environ["MTS_WORLD_DIR"]
results = []


def tap(ok, description, diagnostic=""):
    results.append(ok)
    print(("ok" if ok else "not ok") + " %d - %s" % (len(results), description))
    if not ok and diagnostic:
        for line in str(diagnostic).splitlines()[:40]:
            print("# " + line)
    sys.stdout.flush()


def publish(domain, mode, mx, max_age, address):
    """Publishes DOMAIN in the world from mtasts generate's own output."""
    pki = os.path.join(world, "pki")
    subprocess.run([os.path.join(top, "tests", "world", "pki.sh"), pki, "leaf", domain,
                    "mta-sts." + domain], check=True, capture_output=True)
    args = ["generate", "--domain", domain, "--mode", mode, "--max-age", str(max_age),
            "--rua", "mailto:tlsrpt@" + domain]
    for m in mx:
        args += ["--mx", m]
    setup = json.loads(subprocess.run([mtasts] + args + ["--format", "json"], check=True,
                                      capture_output=True, text=True).stdout)
    nginx = subprocess.run([mtasts] + args + [
        "--id", setup["id"], "--format", "nginx",
        "--certificate", os.path.join(pki, domain + ".pem"),
        "--certificate-key", os.path.join(pki, domain + ".key")],
        check=True, capture_output=True, text=True).stdout

    with open(os.path.join(world, "dns", domain + ".conf"), "w") as f:
        f.write("mx-host=%s,%s,10\n" % (domain, mx[0] if not mx[0].startswith("*.")
                                        else "mx1." + mx[0][2:]))
        f.write("host-record=mta-sts.%s,%s\n" % (domain, address))
        for record in setup["records"]:
            f.write('txt-record=%s,"%s"\n' % (record["fqdn"], record["value"]))
    # The block as the app writes it; only the address it listens on is the
    # world's, since every test domain shares port 443.
    nginx = nginx.replace("listen 443 ssl;", "listen %s:443 ssl;" % address)
    nginx = nginx.replace("listen [::]:443 ssl;\n", "")
    with open(os.path.join(world, "nginx", "sites", domain + ".conf"), "w") as f:
        f.write(nginx)
    subprocess.run([os.path.join(top, "tests", "world", "world.sh"), "reload", world],
                   check=True, capture_output=True)
    return setup


def query(domain):
    proc = subprocess.run(["mta-sts-query", domain], capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout + proc.stderr


CASES = [
    ("interop-testing.test", "testing", ["mx1.good.test"], 604800, "127.0.9.1"),
    ("interop-enforce.test", "enforce", ["mx1.good.test", "mx2.good.test"], 1209600, "127.0.9.2"),
    ("interop-wildcard.test", "enforce", ["*.good.test"], 86400, "127.0.9.3"),
]

for domain, mode, mx, max_age, address in CASES:
    try:
        setup = publish(domain, mode, mx, max_age, address)
    except subprocess.CalledProcessError as e:
        tap(False, "%s: published from mtasts generate" % domain,
            "%s\n%s" % (e, (e.stderr or b"")))
        continue
    tap(True, "%s: published from mtasts generate" % domain)

    status, output = query(domain)
    tap(status == 0 and "STSFetchResult.VALID" in output,
        "%s: mta-sts-query reports the policy VALID" % domain, output)
    # mta-sts-query prints the parsed policy as a Python dict.
    tap("'mode': '%s'" % mode in output, "%s: mta-sts-query reads mode %s" % (domain, mode), output)
    tap("'max_age': %d" % max_age in output,
        "%s: mta-sts-query reads max_age %d" % (domain, max_age), output)
    for m in mx:
        tap("'%s'" % m in output, "%s: mta-sts-query reads mx %s" % (domain, m), output)
    tap(setup["id"] in output, "%s: mta-sts-query reads the id %s" % (domain, setup["id"]), output)

    proc = subprocess.run([mtasts, "check", "--json", domain], capture_output=True, text=True)
    try:
        report = json.loads(proc.stdout)
        ok = report["verdict"] in ("ok", "warnings") and not any(
            p["severity"] == "error" for p in report["problems"])
    except (ValueError, KeyError):
        ok, report = False, proc.stdout
    tap(ok and proc.returncode == 0, "%s: mtasts check finds nothing to fix" % domain,
        json.dumps(report, indent=1) if isinstance(report, dict) else report)

print("1..%d" % len(results))
sys.exit(0 if all(results) else 1)
