#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# man-from-help.py: writes the mtasts(1) manual page from `mtasts help`.
#
# The command's own help is the one description of every subcommand, its
# options, output, JSON keys and exit codes; the manual page is made from it
# at build time so the two can never disagree.
#
# Usage: man-from-help.py PATH-TO-MTASTS VERSION OUTPUT

import os
import re
import subprocess
import sys

mtasts, version, output = sys.argv[1], sys.argv[2], sys.argv[3]
env = dict(os.environ, COLUMNS="100000", LC_ALL="C.UTF-8", LANGUAGE="C")


def run(*args):
    return subprocess.run([mtasts] + list(args), env=env, check=True,
                          capture_output=True, text=True).stdout


def escape(text):
    text = text.replace("\\", "\\e")
    text = text.replace("-", "\\-")
    # groff reads its input as Latin-1 unless told; named Unicode escapes
    # need no preprocessor.
    text = "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in text)
    # A line may not start with a control character.
    if text.startswith(".") or text.startswith("'"):
        text = "\\&" + text
    return text


def paragraphs(text):
    """Help text to roff: blank-line paragraphs, indented option lines as .TP."""
    out = []
    for line in text.split("\n"):
        if not line.strip():
            out.append(".PP")
            continue
        m = re.match(r"^ {2,}(\S.*?)(?: {2,}(\S.*))?$", line)
        if m:
            out.append(".TP")
            out.append("\\fB" + escape(m.group(1)) + "\\fR")
            if m.group(2):
                out.append(escape(m.group(2)))
        else:
            out.append(escape(line))
    # Collapse runs of .PP and drop one at the end.
    result = []
    for line in out:
        if line == ".PP" and (not result or result[-1] == ".PP"):
            continue
        result.append(line)
    while result and result[-1] == ".PP":
        result.pop()
    return result


top = run("--help")
commands = []
in_commands = False
for line in top.split("\n"):
    if line.startswith("Commands:"):
        in_commands = True
        continue
    if in_commands:
        m = re.match(r"^  (\S+(?: \S+)?)\s{2,}(.*)$", line)
        if not m:
            break
        commands.append((m.group(1), m.group(2)))

page = [
    '.TH MTASTS 1 "" "mtasts %s" "User Commands"' % version,
    ".SH NAME",
    "mtasts \\- set up and check MTA\\-STS and SMTP TLS reporting",
    ".SH SYNOPSIS",
    ".B mtasts",
    "[\\fB\\-\\-version\\fR] [\\fB\\-\\-help\\fR] \\fICOMMAND\\fR [\\fIARGUMENTS\\fR...]",
    ".SH DESCRIPTION",
    "\\fBmtasts\\fR is the command line of MTA\\-STS Wizard. It checks and generates "
    "everything a mail domain publishes for MTA\\-STS (RFC 8461) and SMTP TLS reporting "
    "(RFC 8460): the policy file, the \\fI_mta\\-sts\\fR and \\fI_smtp._tls\\fR TXT records, "
    "the mail servers' STARTTLS and certificates, and the TLS reports senders send back. "
    "It runs on your own computer; nothing is sent to a third party.",
    ".SH COMMANDS",
]
for name, summary in commands:
    help_text = run("help", *name.split(" "))
    lines = help_text.rstrip("\n").split("\n")
    usage = lines[0].replace("Usage: ", "", 1)
    body = "\n".join(lines[1:]).strip("\n")
    # The summary line repeats the command list; the body starts after it.
    if body.startswith(summary):
        body = body[len(summary):].strip("\n")
    page.append(".SS " + escape(name))
    page.append(".B " + escape(usage))
    page.append(".PP")
    page.append(escape(summary) + ".")
    page.append(".PP")
    page.extend(paragraphs(body))

page += [
    ".SH EXIT STATUS",
    "Every command exits with 0 when all is good, 1 when it found problems, and 2 when it "
    "could not run (bad usage, unreadable input, an unreachable network).",
    ".SH ENVIRONMENT",
    ".TP",
    "\\fBXDG_DATA_HOME\\fR",
    "The per\\-domain projects of \\fBimport\\fR and \\fBstatus\\fR, shared with the wizard, are "
    "kept in \\fI$XDG_DATA_HOME/io.github.mtasts.Wizard/domains/\\fR (by default "
    "\\fI~/.local/share/io.github.mtasts.Wizard/domains/\\fR).",
    ".TP",
    "\\fBCOLUMNS\\fR",
    "The width help text is wrapped to.",
    ".SH SEE ALSO",
    "\\fBmta\\-sts\\-wizard\\fR(1), RFC 8461 (SMTP MTA Strict Transport Security), "
    "RFC 8460 (SMTP TLS Reporting)",
]

with open(output, "w") as f:
    f.write("\n".join(page) + "\n")
