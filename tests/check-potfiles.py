#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fails when po/POTFILES.in misses a file with translatable strings, or
lists one that does not exist or has none."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
listed = []
for line in (root / "po" / "POTFILES.in").read_text(encoding="utf-8").splitlines():
    line = line.strip()
    if line and not line.startswith("#"):
        listed.append(line)

marker = re.compile(r'(?<![A-Za-z0-9_])(_|N_|C_|NC_)\s*\(\s*"|g_dngettext\s*\(|ngettext\s*\(|translatable="yes"|^Name=|<summary')
skip = ("tests/", "fuzz/", "bench/", "examples/", "build", "_build")
candidates = set()
for path in root.rglob("*"):
    rel = path.relative_to(root).as_posix()
    if rel.startswith(skip) or "/build" in rel or rel.startswith("."):
        continue
    if not path.is_file():
        continue
    if not (rel.endswith((".c", ".ui", ".desktop.in", ".desktop.in.in", ".metainfo.xml.in", ".metainfo.xml.in.in", ".gschema.xml"))):
        continue
    text = path.read_text(encoding="utf-8", errors="replace")
    if any(marker.search(line) for line in text.splitlines()):
        candidates.add(rel)

failed = False
for rel in sorted(candidates - set(listed)):
    print(f"po/POTFILES.in does not list {rel}, which has translatable strings")
    failed = True
for rel in listed:
    if not (root / rel).is_file():
        print(f"po/POTFILES.in lists {rel}, which does not exist")
        failed = True
    elif rel not in candidates:
        print(f"po/POTFILES.in lists {rel}, which has no translatable strings")
        failed = True
if failed:
    sys.exit(1)
print(f"ok: {len(listed)} files listed")
