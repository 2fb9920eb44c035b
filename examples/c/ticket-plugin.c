/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* A ticket system's plug-in in a few lines: read a ticket (a JSON file with
 * the article id, the answers the caller gave and a note), walk the article
 * with those answers, record the walk in a history database and print the
 * transcript to paste back into the ticket.
 *
 *   cc ticket-plugin.c $(pkg-config --cflags --libs libkbdecide-1 json-glib-1.0)
 *   ./a.out ticket.json history.db
 *
 * The article is found on the search path: $KBDECIDE_KB_PATH, then
 * $XDG_DATA_HOME/kbdecide/kb, then the installed articles. */

#include <stdio.h>
#include <stdlib.h>

#include <json-glib/json-glib.h>
#include <kbdecide.h>

static gboolean
walk (KbdSession  *session,
      JsonArray   *answers,
      GError     **error)
{
  guint next = 0;

  while (!kbd_session_get_finished (session))
    {
      KbdNode *node = kbd_session_get_current_node (session);

      if (kbd_node_get_kind (node) == KBD_NODE_QUESTION)
        {
          if (next >= json_array_get_length (answers))
            {
              g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_STATE,
                           "the ticket has no answer for question “%s”",
                           kbd_node_get_id (node));
              return FALSE;
            }
          if (!kbd_session_choose (session, json_array_get_string_element (answers, next++), error))
            return FALSE;
        }
      else if (!kbd_session_advance (session, error))
        /* A procedure was carried out: go on to what follows it. */
        return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(KbdCatalog) catalog = kbd_catalog_new ();
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(KbdSession) session = NULL;
  g_autofree char *transcript = NULL;
  JsonObject *ticket;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s TICKET.json HISTORY.db\n", argv[0]);
      return 2;
    }

  if (!json_parser_load_from_file (parser, argv[1], &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      fprintf (stderr, "%s: %s\n", argv[1], error ? error->message : "not a JSON object");
      return 1;
    }
  ticket = json_node_get_object (json_parser_get_root (parser));

  /* Find and load the article the ticket names. */
  kbd_catalog_add_default_directories (catalog);
  article = kbd_catalog_load (catalog, json_object_get_string_member (ticket, "article"), &error);
  if (article == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  /* Every event is written to the history as it happens. */
  history = kbd_history_new (argv[2], &error);
  if (history == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  session = kbd_session_new (article,
                             json_object_get_string_member (ticket, "technician"),
                             json_object_get_string_member (ticket, "ticket"));
  kbd_history_attach (history, session);

  if (json_object_has_member (ticket, "note") &&
      !kbd_session_add_note (session, json_object_get_string_member (ticket, "note"), &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  if (!walk (session, json_object_get_array_member (ticket, "answers"), &error) ||
      !kbd_history_flush (history, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  transcript = kbd_history_export (history, kbd_session_get_uuid (session),
                                   KBD_TRANSCRIPT_MARKDOWN, &error);
  if (transcript == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  fputs (transcript, stdout);
  return 0;
}
