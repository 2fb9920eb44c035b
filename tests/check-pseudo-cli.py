#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""No program string of the CLI escapes gettext: under a pseudo-translation
that wraps every message in [[…]], every word of every help text must be
inside the brackets, except what is not translated on purpose (command and
option names, GLib's own help lines).

    check-pseudo-cli.py KBDECIDE PSEUDO_LOCALEDIR"""

import os
import re
import subprocess
import sys

# GOption's own text (GLib's domain, not ours).
GLIB_LINES = {"Usage:", "Help Options:", "Application Options:", "-h, --help Show help options"}
COMMANDS = ["run", "validate", "show", "export", "list", "search", "import", "index", "history", "i18n"]
HISTORY = ["list", "show", "search", "export", "resume", "stats", "delete", "backup"]
I18N = ["extract", "update", "stats"]


def escaped(text):
    """What is left of @text outside [[…]], option names and command names."""
    text = re.sub(r"\[\[.*?\]\]", " ", text, flags=re.S)
    words = []
    for word in text.split():
        word = word.strip(",.;:()[]…|=")
        if not word or word.startswith("-") or not re.search(r"[A-Za-z]", word):
            continue
        if word in COMMANDS + HISTORY + I18N + ["kbdecide", "OPTION"]:
            continue
        words.append(word)
    return words


def main():
    cli, localedir = sys.argv[1], sys.argv[2]
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="pseudo", KBDECIDE_LOCALEDIR=localedir)
    runs = [["--help"]] + [[c, "--help"] for c in COMMANDS if c not in ("history", "i18n")]
    runs += [["history", "--help"]] + [["history", c, "--help"] for c in HISTORY]
    runs += [["i18n", "--help"]] + [["i18n", c, "--help"] for c in I18N]
    failures = 0
    n = 0
    for args in runs:
        out = subprocess.run([cli] + args, env=env, capture_output=True, text=True)
        text = out.stdout + out.stderr
        n += 1
        if "[[" not in text:
            print(f"not ok {n} - kbdecide {' '.join(args)}: nothing translated (is the pseudo locale built?)")
            failures += 1
            continue
        bad = []
        # A wrapped message may span lines: look at the whole text first.
        for line in re.sub(r"\[\[.*?\]\]", "[[]]", text, flags=re.S).splitlines():
            if " ".join(line.split()) in GLIB_LINES:
                continue
            words = escaped(line)
            if words:
                bad.append(f"{line.strip()!r} ({', '.join(words)})")
        if bad:
            failures += 1
            print(f"not ok {n} - kbdecide {' '.join(args)}: text outside gettext")
            for b in bad:
                print(f"#   {b}")
        else:
            print(f"ok {n} - kbdecide {' '.join(args)}")
    print(f"1..{n}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
