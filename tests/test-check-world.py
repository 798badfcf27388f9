#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# test-check-world.py: `mtasts check` and `mtasts probe` against the test world.
#
# Runs inside the world (tests/world/run.sh): the system resolver is the
# world's dnsmasq and the system trust store is the world's test CA, so the
# commands run exactly as they would for a user.  Every domain of the world
# has one fault (tests/world/README.md); each must give its problem code.
# Prints TAP.
#
# Usage: test-check-world.py PATH-TO-MTASTS

import json
import os
import subprocess
import sys
import time

mtasts = sys.argv[1]
results = []


def tap(ok, description, diagnostic=""):
    results.append(ok)
    print(("ok" if ok else "not ok") + " %d - %s" % (len(results), description))
    if not ok and diagnostic:
        for line in str(diagnostic).splitlines()[:40]:
            print("# " + line)
    sys.stdout.flush()


def run(*args, timeout=300):
    started = time.monotonic()
    proc = subprocess.run([mtasts] + list(args), capture_output=True, text=True, timeout=timeout)
    return proc, time.monotonic() - started


# domain -> (expected verdict or None, [codes that must be present])
EXPECTED = {
    "good.test": ("ok", []),
    "mx-slow.test": ("ok", []),
    "ipv6.test": ("ok", []),
    "mx-expired.test": ("errors", ["mx-cert-expired", "mode-enforce-refuses"]),
    "mx-wrongname.test": ("errors", ["mx-cert-name-mismatch", "mode-enforce-refuses"]),
    "mx-selfsigned.test": ("errors", ["mx-cert-untrusted"]),
    "mx-nostarttls.test": ("errors", ["mx-no-starttls"]),
    "mx-tls10.test": ("warnings", ["mx-legacy-tls"]),
    "mx-handshake.test": ("errors", ["mx-tls-handshake-failed"]),
    "mx-refused.test": (None, ["mx-connect-failed"]),
    "ipv6-unreachable.test": (None, ["mx-connect-failed"]),
    "smtp-421.test": (None, ["mx-busy"]),
    "smtp-554.test": ("warnings", ["mx-refused"]),
    "smtp-silent.test": (None, ["mx-no-answer"]),
    "smtp-endless.test": ("errors", ["mx-line-too-long"]),
    "smtp-nocrlf.test": ("errors", ["mx-reply-no-crlf"]),
    "smtp-inject.test": ("errors", ["mx-starttls-injection"]),
    "smtp-drop.test": ("errors", ["mx-connection-dropped"]),
    "port25-blocked.test": ("unreachable", ["port25-blocked"]),
    "mx-uncovered.test": ("errors", ["mx-not-covered"]),
    "policy-unused.test": ("warnings", ["policy-mx-unused"]),
    "sts-two.test": ("errors", ["sts-record-multiple"]),
    "sts-invalid.test": ("errors", ["sts-record-invalid"]),
    "sts-missing.test": ("errors", ["sts-record-missing"]),
    "tlsrpt-missing.test": ("errors", ["tlsrpt-record-missing"]),
    "tlsrpt-invalid.test": ("errors", ["tlsrpt-record-invalid"]),
    "wrongname-tcp.test": (None, ["tlsrpt-record-wrong-name", "tlsrpt-record-missing"]),
    "wrongname-tlsrpt.test": (None, ["tlsrpt-record-wrong-name"]),
    "wrongname-apex.test": (None, ["sts-record-wrong-name", "tlsrpt-record-wrong-name"]),
    "cname.test": (None, ["sts-record-delegated"]),
    "cname-loop.test": ("errors", ["sts-record-cname-loop"]),
    "policy-redirect.test": ("errors", ["policy-redirect"]),
    "policy-ctype.test": ("errors", ["policy-content-type"]),
    "policy-big.test": ("errors", ["policy-too-large"]),
    "policy-404.test": ("errors", ["policy-http-status"]),
    "policy-wrongname.test": ("errors", ["policy-cert-invalid"]),
    "policy-expired.test": ("errors", ["policy-cert-invalid"]),
    "policy-selfsigned.test": ("errors", ["policy-cert-invalid"]),
    "policy-invalid.test": ("errors", ["policy-invalid"]),
    "policy-nohost.test": ("errors", ["policy-fetch-failed"]),
}


def codes(obj):
    return {p["code"] for p in obj["problems"]}


def check_domains():
    # All at once, as an admin with many domains would: four at a time.
    domains = sorted(EXPECTED)
    proc, _ = run("check", "--json", "--timeout", "5", *domains)
    tap(proc.returncode in (1, 2), "check of every world domain exits 1 or 2 (problems found)",
        proc.stderr)
    try:
        reports = json.loads(proc.stdout)
    except ValueError as e:
        tap(False, "check --json prints one JSON array", "%s\n%s" % (e, proc.stdout[:2000]))
        return
    tap(isinstance(reports, list) and len(reports) == len(domains),
        "check --json of %d domains prints an array of %d objects" % (len(domains), len(domains)))
    by_domain = {r["domain"]: r for r in reports}
    for domain in domains:
        report = by_domain.get(domain)
        if report is None:
            tap(False, "%s is in the output" % domain)
            continue
        verdict, expected_codes = EXPECTED[domain]
        found = codes(report)
        if verdict is not None:
            tap(report["verdict"] == verdict, "%s: verdict %s" % (domain, verdict),
                "got %s: %s" % (report["verdict"], json.dumps(report["problems"], indent=1)))
        for code in expected_codes:
            tap(code in found, "%s: problem %s" % (domain, code),
                json.dumps(report["problems"], indent=1, ensure_ascii=False))
        for p in report["problems"]:
            if not p.get("message"):
                tap(False, "%s: problem %s has a message" % (domain, p["code"]))

    good = by_domain.get("good.test")
    if good:
        tap(len(good["mx"]) == 2 and all(m["covered"] for m in good["mx"]),
            "good.test: both MX hosts covered", json.dumps(good["mx"], indent=1))
        probes = [p for m in good["mx"] for p in m["probes"]]
        tap(all(p["starttls"] and p["tls_version"] in ("TLS1.2", "TLS1.3") for p in probes),
            "good.test: every probe negotiated TLS 1.2+", json.dumps(probes, indent=1))
        tap(all(p["cert"]["trusted"] and p["cert"]["name_matches"] for p in probes),
            "good.test: every certificate trusted and matching")
        tap(good["policy"]["http_status"] == 200 and good["policy"]["mode"] == "enforce",
            "good.test: policy fetched, mode enforce", json.dumps(good["policy"], indent=1))
        tap(good["sts_record"]["valid"] and good["tlsrpt_record"]["valid"],
            "good.test: both records valid")
    ipv6 = by_domain.get("ipv6.test")
    if ipv6:
        addresses = [p["address"] for m in ipv6["mx"] for p in m["probes"]]
        tap(any(":" in a for a in addresses) and any("." in a for a in addresses),
            "ipv6.test: both the IPv4 and the IPv6 address were probed", addresses)
    split = by_domain.get("txt-split.test")
    if split:
        tap(split["tlsrpt_record"]["valid"] and len(split["tlsrpt_record"]["rua"]) == 5,
            "txt-split.test: a record in several strings is joined",
            json.dumps(split["tlsrpt_record"], indent=1))


def check_text_and_exit_codes():
    proc, _ = run("check", "good.test")
    tap(proc.returncode == 0, "check good.test exits 0", proc.stdout + proc.stderr)
    tap("good.test:" in proc.stdout and "mx1.good.test" in proc.stdout,
        "check good.test prints a verdict and the MX hosts", proc.stdout)
    proc, _ = run("check", "mx-expired.test")
    tap(proc.returncode == 1, "check of a domain with an expired certificate exits 1", proc.stdout)
    tap("expired" in proc.stdout, "the text output says the certificate expired", proc.stdout)
    proc, _ = run("check", "--timeout", "3", "port25-blocked.test")
    tap(proc.returncode == 2, "check exits 2 when port 25 looks blocked", proc.stdout)
    tap("port 25" in proc.stdout, "the text output says port 25 is probably blocked", proc.stdout)

    listing = os.path.join(os.environ.get("MTS_WORLD_DIR", "/tmp"), "domains.txt")
    with open(listing, "w") as f:
        f.write("# two domains\ngood.test\n\nmx-slow.test  # slow greeting\n")
    proc, _ = run("check", "--json", "--file", listing)
    try:
        reports = json.loads(proc.stdout)
        ok = [r["domain"] for r in reports] == ["good.test", "mx-slow.test"]
    except ValueError:
        ok = False
    tap(ok and proc.returncode == 0, "check --file reads a list of domains", proc.stdout[:500])

    proc, _ = run("check", "--dns-server", "not-an-ip", "good.test")
    tap(proc.returncode == 2, "check --dns-server with a bad value exits 2", proc.stderr)
    proc, _ = run("check", "--dns-server", "127.0.0.1:53", "--json", "good.test")
    tap(proc.returncode == 0 and json.loads(proc.stdout)["verdict"] == "ok",
        "check --dns-server 127.0.0.1:53 asks that server", proc.stdout[:500])


def check_probe():
    proc, _ = run("probe", "--json", "mx1.good.test", "mx.mx-expired.test", "mx.mx-tls10.test")
    tap(proc.returncode == 1, "probe with an expired certificate among the hosts exits 1", proc.stderr)
    try:
        probes = {p["host"]: p for p in json.loads(proc.stdout)["probes"]}
    except (ValueError, KeyError) as e:
        tap(False, "probe --json prints {\"probes\": [...]}", "%s\n%s" % (e, proc.stdout[:2000]))
        return
    good = probes.get("mx1.good.test", {})
    tap(good.get("cert", {}).get("trusted") and good.get("legacy_tls_accepted") is False,
        "probe mx1.good.test: trusted, old TLS refused", json.dumps(good, indent=1))
    expired = probes.get("mx.mx-expired.test", {})
    tap("mx-cert-expired" in {p["code"] for p in expired.get("problems", [])},
        "probe mx.mx-expired.test: mx-cert-expired", json.dumps(expired, indent=1))
    legacy = probes.get("mx.mx-tls10.test", {})
    tap(legacy.get("legacy_tls_accepted") is True, "probe mx.mx-tls10.test: old TLS accepted",
        json.dumps(legacy, indent=1))
    proc, _ = run("probe", "mx1.good.test")
    tap(proc.returncode == 0 and "TLS" in proc.stdout, "probe mx1.good.test exits 0 and shows TLS",
        proc.stdout)
    proc, _ = run("probe", "nothere.good.test")
    tap(proc.returncode == 2, "probe of a name without addresses exits 2", proc.stdout + proc.stderr)


def check_mx_list():
    # The admin's list, as the wizard's Mail Servers step holds it: one host
    # in DNS and in the list, one only in the list (being added), one only
    # in DNS (being retired).
    proc, _ = run("check", "--json", "--mx", "mx1.good.test", "--mx", "MX.IPv6.test.", "good.test")
    try:
        report = json.loads(proc.stdout)
        mx = {m["host"]: m for m in report["mx"]}
    except (ValueError, KeyError) as e:
        tap(False, "check --mx prints one JSON object", "%s\n%s" % (e, proc.stdout[:2000]))
        return
    dump = json.dumps(report["mx"], indent=1)
    tap([m["host"] for m in report["mx"]] == ["mx1.good.test", "mx.ipv6.test", "mx2.good.test"],
        "check --mx: the listed hosts in DNS, then those not in DNS, then the unlisted ones", dump)
    both = mx.get("mx1.good.test", {})
    tap(both.get("in_dns") is True and both.get("listed") is True and both.get("preference") == 10
        and len(both.get("probes", [])) == 1 and both["probes"][0]["starttls"],
        "check --mx: a host in DNS and in the list is probed", dump)
    added = mx.get("mx.ipv6.test", {})
    tap(added.get("in_dns") is False and added.get("listed") is True
        and len(added.get("probes", [])) == 2,
        "check --mx: a host only in the list is probed on all its addresses", dump)
    tap("mx-not-in-dns" in codes(added)
        and all(p["severity"] == "note" for p in added["problems"] if p["code"] == "mx-not-in-dns"),
        "check --mx: a host only in the list gets the note mx-not-in-dns", dump)
    retired = mx.get("mx2.good.test", {})
    tap(retired.get("in_dns") is True and retired.get("listed") is False
        and len(retired.get("probes", [])) == 1,
        "check --mx: a host only in DNS is probed too (mail still goes to it)", dump)
    tap(any(p["code"] == "mx-not-listed" and p["severity"] == "warning"
            and "mx2.good.test" in p["message"] for p in report["problems"]),
        "check --mx: a host only in DNS is the warning mx-not-listed",
        json.dumps(report["problems"], indent=1, ensure_ascii=False))
    tap(report["verdict"] == "warnings" and proc.returncode == 0,
        "check --mx: verdict warnings, exit 0", "%s %d" % (report["verdict"], proc.returncode))

    proc, _ = run("check", "--json", "--mx", "*.good.test", "good.test")
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        report = {"mx": [], "verdict": None, "problems": []}
    tap(report["verdict"] == "ok" and len(report["mx"]) == 2
        and all(m["listed"] and m["in_dns"] and m["probes"] for m in report["mx"]),
        "check --mx with a wildcard probes the DNS MX hosts it matches",
        json.dumps(report, indent=1)[:3000])

    # A name without MX records: with a list, not an error that stops probing.
    proc, _ = run("check", "--json", "--mx", "mx1.good.test", "mx2.good.test")
    try:
        report = json.loads(proc.stdout)
        missing = [p for p in report["problems"] if p["code"] == "mx-missing"]
        probed = [p for m in report["mx"] for p in m["probes"]]
    except (ValueError, KeyError):
        missing, probed = [], []
    tap(len(missing) == 1 and missing[0]["severity"] == "warning" and len(probed) == 1
        and probed[0]["starttls"],
        "check --mx without MX records in DNS: a warning, and the list is probed", proc.stdout[:3000])

    proc, _ = run("check", "--mx", "mx1.good.test")
    tap(proc.returncode == 2, "check --mx without a domain exits 2", proc.stderr)
    proc, _ = run("check", "--mx", "mx1.good.test", "good.test", "ipv6.test")
    tap(proc.returncode == 2 and "--mx" in proc.stderr, "check --mx with two domains exits 2",
        proc.stderr)
    proc, _ = run("check", "--mx", "mx1.good.test", "--mx", "mx.ipv6.test", "good.test")
    tap("not in DNS yet" in proc.stdout and "not in the list" in proc.stdout,
        "check --mx text output says which host is not in DNS and which not in the list",
        proc.stdout)

    # Without --mx the JSON stays as it was: no in_dns, no listed.
    proc, _ = run("check", "--json", "good.test")
    try:
        keys = set(json.loads(proc.stdout)["mx"][0])
    except (ValueError, KeyError, IndexError):
        keys = set()
    tap(keys == {"host", "preference", "covered", "probes", "problems"},
        "check without --mx: the mx objects keep their members", sorted(keys))


def check_concurrency():
    # Eight MX hosts each behind a 2-second greeting take about as long as one.
    _, one = run("check", "--json", "mx-slow.test")
    _, eight = run("check", "--json", "slow8.test")
    # Side by side, not a speed target: one after the other would take eight times as long.
    tap(eight < one * 4, "8 slow MX hosts are probed side by side (%.1f s vs %.1f s for one)"
        % (eight, one))


check_domains()
check_text_and_exit_codes()
check_probe()
check_mx_list()
check_concurrency()
print("1..%d" % len(results))
sys.exit(0 if all(results) else 1)
