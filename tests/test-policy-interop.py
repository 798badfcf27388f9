#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# test-policy-interop.py: the policies mtasts writes, read by Debian's postfix-mta-sts-resolver.
#
# Usage: test-policy-interop.py PATH-TO-policy-serialize-tool   (prints TAP)
# Runs with Debian's /usr/bin/python3, where python3-postfix-mta-sts-resolver
# installs the module.  Its parser is lenient (it keeps the last of repeated
# keys), so on top of reading the file this test applies the checks its
# resolver makes before it accepts a policy (resolver.py): version STSv1,
# 0 <= max_age <= 31557600, a known mode, and mx lines unless mode is none.
import subprocess
import sys

try:
    from postfix_mta_sts_resolver.utils import parse_mta_sts_policy
except ImportError:
    print("1..0 # SKIP postfix_mta_sts_resolver is not installed (python3-postfix-mta-sts-resolver)")
    sys.exit(0)

tool = sys.argv[1]

# (mode, max_age, mx as typed, mx as the policy must hold them)
CASES = [
    ("testing", 604800, ["mail.example.com"], ["mail.example.com"]),
    ("testing", 1209600, ["mx1.example.com", "mx2.example.com"], ["mx1.example.com", "mx2.example.com"]),
    ("enforce", 31557600, ["mail.example.com", "*.example.net", "backupmx.example.com"],
     ["mail.example.com", "*.example.net", "backupmx.example.com"]),
    ("enforce", 86400, ["*.example.org"], ["*.example.org"]),
    ("none", 86400, [], []),
    ("none", 0, ["mail.example.com"], ["mail.example.com"]),
    ("enforce", 604800, ["MX.Bücher.example.", "*.MÜNCHEN.de"],
     ["mx.xn--bcher-kva.example", "*.xn--mnchen-3ya.de"]),
    ("enforce", 604800, ["Mail.Example.COM."], ["mail.example.com"]),
    ("enforce", 1209600, ["mx%d.example.com" % i for i in range(40)],
     ["mx%d.example.com" % i for i in range(40)]),
]

n = 0
failed = 0


def check(description, condition, detail=""):
    global n, failed
    n += 1
    if condition:
        print("ok %d - %s" % (n, description))
    else:
        failed += 1
        print("not ok %d - %s" % (n, description))
        for line in str(detail).splitlines():
            print("# " + line)


for mode, max_age, typed, expected in CASES:
    name = "%s %d %s" % (mode, max_age, " ".join(typed) or "(no mx)")
    run = subprocess.run([tool, mode, str(max_age)] + typed, capture_output=True)
    check("mtasts writes a valid policy: " + name, run.returncode == 0, run.stderr.decode())
    text = run.stdout.decode("ascii")
    check("it is CRLF throughout, version first: " + name,
          text.startswith("version: STSv1\r\n") and text.endswith("\r\n")
          and "\n" not in text.replace("\r\n", ""), repr(text))
    pol = parse_mta_sts_policy(text)
    resolver_ok = (pol.get("version") == "STSv1"
                   and pol.get("max_age", "").isdigit()
                   and 0 <= int(pol["max_age"]) <= 31557600
                   and pol.get("mode") in ("none", "testing", "enforce")
                   and (pol["mode"] == "none" or len(pol["mx"]) > 0))
    check("postfix-mta-sts-resolver accepts it: " + name, resolver_ok, repr(pol))
    check("and reads the same mode, max_age and mx: " + name,
          pol.get("mode") == mode and pol.get("max_age") == str(max_age) and pol["mx"] == expected,
          repr(pol))
    check("and nothing else: " + name,
          sorted(pol.keys()) == ["max_age", "mode", "mx", "version"], repr(pol))

print("1..%d" % n)
sys.exit(1 if failed else 0)
