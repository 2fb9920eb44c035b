#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The ticket plug-in in Python, through GObject Introspection.

    python3 ticket_plugin.py ticket.json history.db

Walks the article the ticket names with the ticket's answers, records the
walk in the history database, reads the session back from the history and
prints its transcript. Exits non-zero if the walk does not end in an
outcome."""

import json
import sys

import gi

gi.require_version("Kbd", "1.0")
from gi.repository import Kbd  # noqa: E402


def walk(session, answers):
    answers = iter(answers)
    while not session.get_finished():
        node = session.get_current_node()
        if node.get_kind() == Kbd.NodeKind.QUESTION:
            session.choose(next(answers))
        else:
            session.advance()


def main(ticket_path, history_path):
    with open(ticket_path, encoding="utf-8") as f:
        ticket = json.load(f)

    catalog = Kbd.Catalog.new()
    catalog.add_default_directories()
    article = catalog.load(ticket["article"])

    history = Kbd.History.new(history_path)
    session = Kbd.Session.new(article, ticket["technician"], ticket["ticket"])
    history.attach(session)
    if "note" in ticket:
        session.add_note(ticket["note"])
    walk(session, ticket["answers"])
    history.flush()

    # Read the session back, as another tool would later.
    record = history.get_session(session.get_uuid())
    assert record.get_finished(), "the walk did not reach an outcome"
    assert record.get_outcome() == session.get_outcome()
    assert record.get_ticket() == ticket["ticket"]
    assert record.get_n_events() == len(session.get_events())

    print(history.export(session.get_uuid(), Kbd.TranscriptFormat.MARKDOWN))
    print(f"outcome: {record.get_outcome().value_nick}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: ticket_plugin.py TICKET.json HISTORY.db")
    try:
        main(sys.argv[1], sys.argv[2])
    except gi.repository.GLib.Error as error:
        sys.exit(f"{error.message} ({error.domain}, code {error.code})")
