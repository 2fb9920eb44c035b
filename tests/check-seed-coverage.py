#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Prove that every sentence of a seed text appears in an encoded article.

usage: check-seed-coverage.py [-v] SEED ARTICLE

SEED is the article's original plain text (e.g. shared/seeds/KB312395.txt);
ARTICLE is its KB Decide encoding (kb/KB312395.json). Every sentence of the
seed must occur, unchanged apart from white space and line wrapping, inside
one user-visible text of the article: a sentence split across two strings
does not count.

Both sides are normalised by deleting all white space, which also absorbs
the seed's wrap artefacts ("removeCommon Files" matches "remove *Common
Files*"). Article texts lose their inline marks first (*label*, `code`,
\\*, \\`, \\\\). On the seed side, leading list dashes ("- ") are dropped, a
note heading glued to its first bullet ("Notes- If you ...") is read as a
heading plus a bullet, and a title-case line that starts a sentence and
ends without punctuation ("Method 1: Restore the Metabase from Backup") is
a heading: one sentence of its own, never merged with the next line.

With -v, every sentence is printed with the string id that contains it.
Exit status: 0 when all sentences are found, 1 when one is missing, 2 on a
usage or read error.
"""

import json
import re
import sys

# Words that may stay lower case inside a title-case heading.
SMALL_WORDS = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into",
    "nor", "of", "on", "or", "the", "to", "vs", "via", "with",
}
# "Notes- If you ...": a callout heading run into its first bullet. The
# heading itself is structure (the article encodes it as callout kinds).
NOTE_MARKER = re.compile(r"^(?:Notes?|Important|Warning|Caution|Tips?)-\s*")
LIST_MARKER = re.compile(r"^[-\u2022]\s+")
SENTENCE_END = re.compile(r"(?<=[.:?!])\s+")
WHITESPACE = re.compile(r"\s+")


def strip_marks(text):
    """Plain text of an article text: drop *…* and `…` marks, unescape."""
    out = []
    in_code = False
    i = 0
    while i < len(text):
        c = text[i]
        if in_code:
            if c == "`":
                in_code = False
            else:
                out.append(c)
        elif c == "\\" and i + 1 < len(text) and text[i + 1] in "*`\\":
            out.append(text[i + 1])
            i += 1
        elif c == "`":
            in_code = True
        elif c != "*":
            out.append(c)
        i += 1
    return "".join(out)


def normalise(text):
    return WHITESPACE.sub("", text)


def is_heading(line):
    if not line or line[-1] in ".:?!,;":
        return False
    words = line.split()
    if words[-1].lower() in SMALL_WORDS:
        return False  # "Use Add/Remove Windows Components to" is wrapped text
    for n, word in enumerate(words):
        first = next((ch for ch in word if ch.isalnum()), None)
        if first is None or first.isupper() or first.isdigit():
            continue
        if n > 0 and word.lower().strip("(),") in SMALL_WORDS:
            continue
        return False
    return True


def seed_sentences(text):
    """Split the seed into sentences (headings are sentences too)."""
    units = []
    current = []
    at_boundary = True

    def flush():
        if current:
            units.append((False, " ".join(current)))
            current.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            at_boundary = True
            continue
        marker = NOTE_MARKER.match(line) or LIST_MARKER.match(line)
        if marker:
            flush()
            line = line[marker.end():].strip()
            at_boundary = True
            if not line:
                continue
        # A list item is a sentence, never a heading.
        if at_boundary and not marker and is_heading(line):
            flush()
            units.append((True, line))
            at_boundary = True
            continue
        current.append(line)
        at_boundary = line[-1] in ".:?!"
    flush()

    sentences = []
    for heading, unit in units:
        if heading:
            sentences.append(unit)
            continue
        sentences.extend(s for s in SENTENCE_END.split(unit) if s.strip())
    return sentences


def article_strings(article):
    """Yield (string id, text) for every user-visible text of the article,
    with the ids of docs/kb-format.md ("String ids")."""
    def text(value):
        return value if isinstance(value, str) else None

    yield "article.title", text(article.get("title"))
    yield "article.summary", text(article.get("summary"))
    for ref in article.get("see_also") or []:
        yield f"see_also.{ref.get('id')}.title", text(ref.get("title"))
    for node_id, node in (article.get("nodes") or {}).items():
        base = f"node.{node_id}"
        for field in ("prompt", "help", "title", "intro", "text"):
            yield f"{base}.{field}", text(node.get(field))
        for answer in node.get("answers") or []:
            a = f"{base}.answer.{answer.get('id')}"
            yield f"{a}.label", text(answer.get("label"))
            yield f"{a}.help", text(answer.get("help"))
        for step in node.get("steps") or []:
            s = f"{base}.step.{step.get('id')}"
            yield f"{s}.text", text(step.get("text"))
            for sub in step.get("substeps") or []:
                yield f"{s}.substep.{sub.get('id')}.text", text(sub.get("text"))
            for callout in step.get("callouts") or []:
                yield (f"{s}.callout.{callout.get('id')}.text",
                       text(callout.get("text")))
        escalation = node.get("escalation") or {}
        yield f"{base}.escalation.contact", text(escalation.get("contact"))
        yield f"{base}.escalation.handover", text(escalation.get("handover"))


def main(argv):
    verbose = False
    if argv and argv[0] == "-v":
        verbose, argv = True, argv[1:]
    if len(argv) != 2:
        print("usage: check-seed-coverage.py [-v] SEED ARTICLE", file=sys.stderr)
        return 2
    seed_path, article_path = argv
    try:
        with open(seed_path, encoding="utf-8") as f:
            seed = f.read()
        with open(article_path, encoding="utf-8") as f:
            article = json.load(f)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        print(f"check-seed-coverage: {e}", file=sys.stderr)
        return 2
    if not isinstance(article, dict):
        print(f"{article_path}: not a JSON object", file=sys.stderr)
        return 2

    strings = [(sid, normalise(strip_marks(value)))
               for sid, value in article_strings(article) if value]
    sentences = seed_sentences(seed)
    missing = 0
    for sentence in sentences:
        needle = normalise(sentence)
        where = next((sid for sid, hay in strings if needle in hay), None)
        if where is None:
            missing += 1
            print(f"missing: {sentence}")
        elif verbose:
            print(f"{where}: {sentence}")
    if missing:
        print(f"{article_path}: {missing} of {len(sentences)} sentences of "
              f"{seed_path} are missing")
        return 1
    print(f"{article_path}: all {len(sentences)} sentences of {seed_path} found")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
