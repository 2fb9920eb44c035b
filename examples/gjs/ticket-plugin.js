#!/usr/bin/gjs
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The ticket plug-in in JavaScript, through GObject Introspection:
//
//     gjs ticket-plugin.js ticket.json history.db
//
// Walks the article the ticket names with the ticket's answers, records the
// walk, reads it back from the history and prints the transcript.

imports.gi.versions.Kbd = '1.0';
const { GLib, Kbd } = imports.gi;
const ByteArray = imports.byteArray;

function walk(session, answers) {
    let next = 0;
    while (!session.get_finished()) {
        const node = session.get_current_node();
        if (node.get_kind() === Kbd.NodeKind.QUESTION)
            session.choose(answers[next++]);
        else
            session.advance();
    }
}

function main(ticketPath, historyPath) {
    const [, contents] = GLib.file_get_contents(ticketPath);
    const ticket = JSON.parse(ByteArray.toString(contents));

    const catalog = Kbd.Catalog.new();
    catalog.add_default_directories();
    const article = catalog.load(ticket.article);

    const history = Kbd.History.new(historyPath);
    const session = Kbd.Session.new(article, ticket.technician, ticket.ticket);
    history.attach(session);
    if (ticket.note)
        session.add_note(ticket.note);
    walk(session, ticket.answers);
    history.flush();

    const record = history.get_session(session.get_uuid());
    if (!record.get_finished() || record.get_outcome() !== session.get_outcome())
        throw new Error('the recorded session does not match the walk');

    print(history.export(session.get_uuid(), Kbd.TranscriptFormat.MARKDOWN));
    const outcome = Object.keys(Kbd.OutcomeResult).find(
        name => Kbd.OutcomeResult[name] === record.get_outcome());
    print(`outcome: ${outcome.toLowerCase().replace('_', '-')}`);
}

if (ARGV.length !== 2) {
    printerr('usage: ticket-plugin.js TICKET.json HISTORY.db');
    imports.system.exit(2);
}
try {
    main(ARGV[0], ARGV[1]);
} catch (e) {
    printerr(e.message);
    imports.system.exit(1);
}
