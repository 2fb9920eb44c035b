#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The library exports exactly the symbols listed in libkbdecide.symbols.

A symbol exported but not listed leaked out (a missing `static`, a private
function without hidden visibility); a symbol listed but not exported
disappeared, which breaks every program linked against the library. Adding
a symbol on purpose means adding it to the list in the same change."""

import subprocess
import sys


def main():
    library, listing = sys.argv[1], sys.argv[2]
    out = subprocess.run(["nm", "-D", "--defined-only", library],
                         check=True, capture_output=True, text=True).stdout
    exported = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in "TDBRVWiu":
            exported.add(fields[2].split("@")[0])
    with open(listing, encoding="utf-8") as f:
        listed = {l.strip() for l in f if l.strip() and not l.startswith("#")}

    leaked = sorted(exported - listed)
    gone = sorted(listed - exported)
    for name in leaked:
        print(f"{library}: exports {name}, which {listing} does not list")
    for name in gone:
        print(f"{library}: no longer exports {name}, listed in {listing}")
    print(f"{len(exported)} symbols exported, {len(listed)} listed")
    return 1 if leaked or gone else 0


if __name__ == "__main__":
    sys.exit(main())
