/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state invariants of a KbdSession, shared by fuzz-session (walks and
 * restored snapshots on KB312395) and fuzz-article (walks on fuzzed
 * articles that load). */
#pragma once

#include "fuzz-common.h"

/* Checks what must hold for every session, whatever happened to it:
 *  - it stands on a node of its article; the path starts at the start node,
 *    positions count from 0, and each step of the path is a move the
 *    article allows (the answer given leads to the next node, a procedure
 *    continues to its next); only the last visit can be an outcome and it
 *    has no answer yet;
 *  - finished ⇔ the current node is an outcome ⇔ the outcome is set;
 *    can-go-back ⇔ the path has more than one visit;
 *  - the events begin with the one start, whose UUID is the session's.
 * @unique_uuids: also check that event UUIDs are distinct (true for events
 * the session made itself; a restored snapshot keeps the UUIDs it was given). */
static inline void
fuzz_check_session_state (KbdSession *session,
                          gboolean    unique_uuids)
{
  KbdArticle *article = kbd_session_get_article (session);
  KbdNode *current = kbd_session_get_current_node (session);
  KbdVisit *current_visit = kbd_session_get_current_visit (session);
  GListModel *path = kbd_session_get_path (session);
  guint n = g_list_model_get_n_items (path);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GHashTable) uuids = NULL;
  KbdVisit *last = NULL;

  FUZZ_CHECK (article != NULL, "a session without an article");
  FUZZ_CHECK (current != NULL, "a session without a current node");
  FUZZ_CHECK (kbd_article_get_node (article, kbd_node_get_id (current)) == current,
              "the current node \"%s\" is not the article's node", kbd_node_get_id (current));
  FUZZ_CHECK (n >= 1, "an empty path");
  FUZZ_CHECK (g_list_model_get_item_type (path) == KBD_TYPE_VISIT, "the path is not of visits");

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KbdVisit) visit = g_list_model_get_item (path, i);
      KbdNode *node = kbd_visit_get_node (visit);
      KbdAnswer *answer = kbd_visit_get_answer (visit);

      FUZZ_CHECK (node != NULL, "visit %u has no node", i);
      FUZZ_CHECK (kbd_article_get_node (article, kbd_node_get_id (node)) == node,
                  "visit %u stands on \"%s\", not a node of the article", i, kbd_node_get_id (node));
      FUZZ_CHECK (kbd_visit_get_position (visit) == i, "visit %u says position %u",
                  i, kbd_visit_get_position (visit));
      if (i == 0)
        FUZZ_CHECK (node == kbd_article_get_start_node (article),
                    "the path begins at \"%s\", not at the start", kbd_node_get_id (node));

      if (i + 1 < n)
        {
          g_autoptr(KbdVisit) next_visit = g_list_model_get_item (path, i + 1);
          const char *next_id = kbd_node_get_id (kbd_visit_get_node (next_visit));

          switch (kbd_node_get_kind (node))
            {
            case KBD_NODE_QUESTION:
              FUZZ_CHECK (answer != NULL, "the question \"%s\" at %u was left without an answer",
                          kbd_node_get_id (node), i);
              FUZZ_CHECK (kbd_node_find_answer (node, kbd_answer_get_id (answer)) != NULL,
                          "the answer \"%s\" is not one of \"%s\"",
                          kbd_answer_get_id (answer), kbd_node_get_id (node));
              FUZZ_CHECK (g_str_equal (kbd_answer_get_next (answer), next_id),
                          "answer \"%s\" leads to \"%s\", the path goes on to \"%s\"",
                          kbd_answer_get_id (answer), kbd_answer_get_next (answer), next_id);
              break;
            case KBD_NODE_PROCEDURE:
              FUZZ_CHECK (answer == NULL, "a procedure visit with an answer");
              FUZZ_CHECK (g_str_equal (kbd_node_get_next (node), next_id),
                          "procedure \"%s\" continues to \"%s\", the path goes on to \"%s\"",
                          kbd_node_get_id (node), kbd_node_get_next (node), next_id);
              break;
            case KBD_NODE_OUTCOME:
            default:
              FUZZ_CHECK (FALSE, "the path goes on after the outcome \"%s\" (visit %u of %u)",
                          kbd_node_get_id (node), i, n);
            }
        }
      else
        {
          FUZZ_CHECK (answer == NULL, "the current visit already has an answer \"%s\"",
                      kbd_answer_get_id (answer));
          last = g_object_ref (visit);
        }
    }

  FUZZ_CHECK (last == current_visit, "the current visit is not the last of the path");
  FUZZ_CHECK (kbd_visit_get_node (last) == current, "the current node is not the last visit's");
  g_object_unref (last);

  FUZZ_CHECK (kbd_session_get_finished (session) == (kbd_node_get_kind (current) == KBD_NODE_OUTCOME),
              "finished=%d on a node of kind %d", kbd_session_get_finished (session),
              kbd_node_get_kind (current));
  if (kbd_session_get_finished (session))
    {
      FUZZ_CHECK (kbd_session_get_outcome (session) == kbd_node_get_result (current),
                  "the outcome is not the current node's result");
      FUZZ_CHECK (kbd_session_get_outcome (session) != KBD_OUTCOME_NONE,
                  "finished without an outcome");
    }
  else
    FUZZ_CHECK (kbd_session_get_outcome (session) == KBD_OUTCOME_NONE,
                "an outcome is set on an unfinished session");
  FUZZ_CHECK (kbd_session_get_can_go_back (session) == (n > 1),
              "can-go-back=%d with a path of %u", kbd_session_get_can_go_back (session), n);

  events = kbd_session_get_events (session);
  FUZZ_CHECK (events->len >= 1, "a session without events");
  if (unique_uuids)
    uuids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < events->len; i++)
    {
      KbdEvent *event = g_ptr_array_index (events, i);
      KbdEventKind kind = kbd_event_get_kind (event);

      FUZZ_CHECK (kind >= KBD_EVENT_START && kind <= KBD_EVENT_FINISH, "event kind %d", kind);
      FUZZ_CHECK ((kind == KBD_EVENT_START) == (i == 0),
                  "event %u is a %s", i, kbd_event_kind_to_string (kind));
      FUZZ_CHECK (kbd_event_get_uuid (event) != NULL, "event %u has no UUID", i);
      if (uuids != NULL)
        {
          FUZZ_CHECK (!g_hash_table_contains (uuids, kbd_event_get_uuid (event)),
                      "two events have the UUID %s", kbd_event_get_uuid (event));
          g_hash_table_add (uuids, (gpointer) kbd_event_get_uuid (event));
        }
    }
  FUZZ_CHECK (g_strcmp0 (kbd_session_get_uuid (session),
                         kbd_event_get_uuid (g_ptr_array_index (events, 0))) == 0,
              "the session's UUID is not its start event's");
}

/* A snapshot restores the session it was made from: restoring it gives a
 * session whose own snapshot is the same text, with nothing dropped. Returns
 * the restored session. */
static inline KbdSession *
fuzz_check_snapshot_round_trip (KbdSession *session,
                                gboolean    unique_uuids)
{
  KbdArticle *article = kbd_session_get_article (session);
  g_autofree char *snapshot = kbd_session_to_snapshot (session);
  g_autofree char *again = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = kbd_session_get_events (session);
  g_autoptr(GPtrArray) after = NULL;
  KbdSession *restored;

  fuzz_check_utf8 (snapshot, "a snapshot");
  restored = kbd_session_new_from_snapshot (article, snapshot, -1, &warnings, &error);
  FUZZ_CHECK (restored != NULL, "the session's own snapshot does not restore: %s\n%s",
              error ? error->message : "(no error)", snapshot);
  FUZZ_CHECK (error == NULL, "a restored session with an error");
  FUZZ_CHECK (warnings != NULL, "warnings not set");

  after = kbd_session_get_events (restored);
  FUZZ_CHECK (after->len == before->len, "%u events became %u in a snapshot round trip",
              before->len, after->len);
  for (guint i = 0; warnings[i] != NULL; i++)
    {
      /* Only "the article changed" may be said, when the snapshot was
       * recorded on another version: nothing may be dropped. */
      KbdEvent *start = g_ptr_array_index (before, 0);

      fuzz_check_utf8 (warnings[i], "a warning");
      FUZZ_CHECK (g_strcmp0 (kbd_event_get_content_hash (start),
                             kbd_article_get_content_hash (article)) != 0,
                  "restoring the session's own snapshot warns: %s", warnings[i]);
    }

  FUZZ_CHECK (kbd_session_get_current_node (restored) == kbd_session_get_current_node (session),
              "the restored session stands on \"%s\", the original on \"%s\"",
              kbd_node_get_id (kbd_session_get_current_node (restored)),
              kbd_node_get_id (kbd_session_get_current_node (session)));
  FUZZ_CHECK (g_list_model_get_n_items (kbd_session_get_path (restored)) ==
              g_list_model_get_n_items (kbd_session_get_path (session)),
              "the restored path has another length");
  FUZZ_CHECK (g_strcmp0 (kbd_session_get_uuid (restored), kbd_session_get_uuid (session)) == 0,
              "the restored session has another UUID");
  fuzz_check_session_state (restored, unique_uuids);

  again = kbd_session_to_snapshot (restored);
  FUZZ_CHECK (g_str_equal (snapshot, again),
              "a snapshot round trip changed the snapshot:\n--- first\n%s\n--- second\n%s",
              snapshot, again);
  return restored;
}
