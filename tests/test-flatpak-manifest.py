#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# test-flatpak-manifest.py: the Flatpak manifests are what a packager expects.
#
# Valid JSON, a stable GNOME runtime (not master), every downloaded source
# pinned by sha256 to a release archive, exactly the agreed sandbox
# permissions (no file system access: files go through the portals), the
# .Devel variant equal but for its id and development option, and
# flatpak-builder itself reads both.  Prints TAP.
#
# Usage: test-flatpak-manifest.py FLATPAK-DIR

import json
import os
import re
import shutil
import subprocess
import sys

directory = sys.argv[1]
results = []
FINISH_ARGS = ["--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
               "--device=dri"]


def tap(ok, description, diagnostic=""):
    results.append(ok)
    print(("ok" if ok else "not ok") + " %d - %s" % (len(results), description))
    if not ok and diagnostic:
        for line in str(diagnostic).splitlines()[:20]:
            print("# " + line)


manifests = {}
for name in ("io.github.mtasts.Wizard.json", "io.github.mtasts.Wizard.Devel.json"):
    path = os.path.join(directory, name)
    try:
        with open(path) as f:
            manifests[name] = json.load(f)
        tap(True, "%s is valid JSON" % name)
    except (OSError, ValueError) as e:
        tap(False, "%s is valid JSON" % name, e)

for name, m in manifests.items():
    tap(m.get("runtime") == "org.gnome.Platform" and m.get("sdk") == "org.gnome.Sdk",
        "%s: GNOME runtime and SDK" % name)
    tap(re.fullmatch(r"\d+", str(m.get("runtime-version", ""))) is not None,
        "%s: a stable runtime version, not master" % name, m.get("runtime-version"))
    tap(m.get("finish-args") == FINISH_ARGS, "%s: finish-args are exactly %s" % (name, FINISH_ARGS),
        m.get("finish-args"))
    tap(m.get("command") == "mta-sts-wizard", "%s: runs mta-sts-wizard" % name)
    for module in m.get("modules", []):
        for source in module.get("sources", []):
            kind = source.get("type")
            if kind == "dir":
                tap(module["name"] == "mta-sts-wizard", "%s: only the app is built from the checkout"
                    % name, module["name"])
                continue
            pinned = (kind in ("archive", "file") and re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", ""))
                      and source.get("url", "").startswith("https://")
                      and re.search(r"\d+\.\d+", source.get("url", "")))
            tap(bool(pinned), "%s: %s comes from a release archive pinned by sha256" % (name, module["name"]),
                source)
    app = m["modules"][-1]
    tap(app.get("name") == "mta-sts-wizard" and app.get("buildsystem") == "meson"
        and app.get("run-tests") is True, "%s: the app is built with meson and its tests run" % name)

if len(manifests) == 2:
    stable = manifests["io.github.mtasts.Wizard.json"]
    devel = dict(manifests["io.github.mtasts.Wizard.Devel.json"])
    tap(devel.get("id") == "io.github.mtasts.Wizard.Devel", "the .Devel manifest has the .Devel id")
    tap(devel["modules"][-1].get("config-opts") == ["-Ddevelopment=true"],
        "the .Devel manifest builds with -Ddevelopment=true")
    # Apart from those, the two must not drift apart.
    devel["id"] = stable["id"]
    devel.pop("tags", None)
    devel["modules"] = [dict(mod) for mod in devel["modules"]]
    devel["modules"][-1].pop("config-opts", None)
    tap(devel == stable, "the .Devel manifest is otherwise the same as the stable one")

builder = shutil.which("flatpak-builder")
for name in manifests:
    if builder is None:
        print("ok %d - %s: flatpak-builder reads it # SKIP flatpak-builder is not installed" % (len(results) + 1, name))
        results.append(True)
        continue
    proc = subprocess.run([builder, "--show-manifest", os.path.join(directory, name)],
                          capture_output=True, text=True)
    tap(proc.returncode == 0 and '"id"' in proc.stdout, "%s: flatpak-builder reads it" % name, proc.stderr)

print("1..%d" % len(results))
sys.exit(0 if all(results) else 1)
