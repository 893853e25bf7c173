#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes debian/changelog or the RPM %changelog from NEWS, so the
packages' changelogs never disagree with it.

  changelog.py deb|rpm NEWS [REVISION]

NEWS holds one entry per release: a line "VERSION (YYYY-MM-DD)" (or
"VERSION (unreleased)", which the packages refuse), then indented text
whose bullets start with "  * " and continue with four spaces.
"""
import datetime
import re
import sys

MAINTAINER = "The ktap developers <ktap@lists.ktap.dev>"
HEADING = re.compile(r"^(\d+\.\d+\.\d+) \((\d{4}-\d\d-\d\d|unreleased)\)$")


def releases(path):
    """Yield (version, date, body lines) for each entry of NEWS."""
    entry = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            m = HEADING.match(line)
            if m:
                if entry:
                    yield entry
                entry = (m.group(1), m.group(2), [])
            elif entry and line.strip():
                entry[2].append(line)
    if entry:
        yield entry


def deb(entries, revision):
    out = []
    for version, date, body in entries:
        when = datetime.datetime.strptime(date, "%Y-%m-%d")
        out.append(f"ktap ({version}-{revision}) unstable; urgency=medium\n")
        for line in body:
            # Debian's bullets look like NEWS's; other text becomes one.
            out.append(line if line.startswith(("  * ", "    "))
                       else "  * " + line.strip())
        out.append(f"\n -- {MAINTAINER}  "
                   f"{when.strftime('%a, %d %b %Y')} 00:00:00 +0000\n")
    return "\n".join(out)


def rpm(entries, revision):
    out = []
    for version, date, body in entries:
        when = datetime.datetime.strptime(date, "%Y-%m-%d")
        out.append(f"* {when.strftime('%a %b %d %Y')} {MAINTAINER} "
                   f"- {version}-{revision}")
        for line in body:
            if line.startswith("    "):
                out.append("  " + line.strip())
            else:
                out.append("- " + line.strip().removeprefix("* "))
        out.append("")
    return "\n".join(out)


def main(argv):
    if len(argv) not in (3, 4) or argv[1] not in ("deb", "rpm"):
        sys.exit("usage: changelog.py deb|rpm NEWS [REVISION]")
    entries = list(releases(argv[2]))
    if not entries:
        sys.exit(f"changelog.py: no release entry in {argv[2]}")
    for version, date, _ in entries:
        if date == "unreleased":
            sys.exit(f"changelog.py: {argv[2]}: {version} is unreleased; "
                     "give it a date (VERSION (YYYY-MM-DD)) before packaging")
    revision = argv[3] if len(argv) == 4 else "1"
    sys.stdout.write((deb if argv[1] == "deb" else rpm)(entries, revision))


if __name__ == "__main__":
    main(sys.argv)
