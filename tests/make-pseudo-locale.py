#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Builds a pseudo-translation of every program string: each message
wrapped in [[…]], printf directives, mnemonics, markup and surrounding
white space kept. Run under LANGUAGE=pseudo, any text that is not wrapped
did not go through gettext.

    make-pseudo-locale.py SOURCE_ROOT OUTPUT_DIR

writes OUTPUT_DIR/pseudo/LC_MESSAGES/kbdecide.mo, and the template the
catalog was made from as OUTPUT_DIR/kbdecide.pot."""

import os
import re
import subprocess
import sys
import tempfile


def po_unescape(s):
    return (s.replace('\\\\', '\0').replace('\\"', '"').replace('\\n', '\n')
            .replace('\\t', '\t').replace('\0', '\\'))


def po_escape(s):
    return (s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
            .replace('\t', '\\t'))


def wrap(text):
    # Keep leading and trailing white space outside the brackets, so that
    # layout and line structure stay as they are.
    m = re.match(r'^(\s*)(.*?)(\s*)$', text, re.S)
    if not m.group(2):
        return text
    return f"{m.group(1)}[[{m.group(2)}]]{m.group(3)}"


def parse_pot(path):
    entries, current, key = [], {}, None
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                if current.get('msgid') is not None and 'msgstr' in ''.join(current):
                    entries.append(current)
                    current, key = {}, None
                if line.startswith('#,'):
                    current['flags'] = line
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
            if m:
                key = m.group(1)
                current[key] = po_unescape(m.group(2))
            elif line.startswith('"') and key:
                current[key] += po_unescape(line[1:-1])
    if current.get('msgid') is not None:
        entries.append(current)
    return entries


def main():
    source, output = sys.argv[1], sys.argv[2]
    with open(os.path.join(source, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        files = [l.strip() for l in f if l.strip() and not l.startswith('#')]
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'kbdecide.pot')
        # The keywords of meson's "glib" preset.
        subprocess.run(['xgettext', '--from-code=UTF-8', '--add-comments', '--directory', source,
                        '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
                        '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
                        '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format',
                        '--flag=NC_:2:pass-c-format', '--flag=g_dngettext:2:pass-c-format',
                        '--flag=g_strdup_printf:1:c-format', '--flag=g_string_printf:2:c-format',
                        '--flag=g_set_error:4:c-format', '--flag=g_printerr:1:c-format',
                        '--flag=g_print:1:c-format', '-o', pot] + files, check=True)
        entries = parse_pot(pot)
        po = os.path.join(tmp, 'pseudo.po')
        with open(po, 'w', encoding='utf-8') as f:
            f.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                    '"Language: pseudo\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')
            for e in entries:
                if not e.get('msgid'):
                    continue
                if 'msgctxt' in e:
                    f.write(f'msgctxt "{po_escape(e["msgctxt"])}"\n')
                f.write(f'msgid "{po_escape(e["msgid"])}"\n')
                if 'msgid_plural' in e:
                    f.write(f'msgid_plural "{po_escape(e["msgid_plural"])}"\n')
                    f.write(f'msgstr[0] "{po_escape(wrap(e["msgid"]))}"\n')
                    f.write(f'msgstr[1] "{po_escape(wrap(e["msgid_plural"]))}"\n\n')
                else:
                    f.write(f'msgstr "{po_escape(wrap(e["msgid"]))}"\n\n')
        target = os.path.join(output, 'pseudo', 'LC_MESSAGES')
        os.makedirs(target, exist_ok=True)
        subprocess.run(['msgfmt', '--check-format', '-o', os.path.join(target, 'kbdecide.mo'), po], check=True)
        # The template too, for the completeness check of the translations.
        with open(pot, encoding='utf-8') as src, open(os.path.join(output, 'kbdecide.pot'), 'w', encoding='utf-8') as dst:
            dst.write(src.read())
    return 0


if __name__ == '__main__':
    sys.exit(main())
