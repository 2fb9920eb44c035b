/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* KbdSession: the pull API, its events, its path model and its snapshots. */
#include "config.h"

#include <string.h>

#include "kbdecide.h"

static char *
article_text (void)
{
  g_autofree char *path = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static KbdArticle *
article_from_text (const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  KbdArticle *article = kbd_article_new_from_bytes (bytes, "KB312395.json", KBD_LOAD_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return article;
}

static KbdArticle *
load_article (void)
{
  g_autofree char *text = article_text ();

  return article_from_text (text);
}

static const char *
current_id (KbdSession *session)
{
  return kbd_node_get_id (kbd_session_get_current_node (session));
}

/* The session keeps its events: the array is only a view of them. */
static KbdEvent *
last_event (KbdSession *session)
{
  g_autoptr(GPtrArray) events = kbd_session_get_events (session);

  return g_ptr_array_index (events, events->len - 1);
}

static guint
n_events (KbdSession *session)
{
  g_autoptr(GPtrArray) events = kbd_session_get_events (session);

  return events->len;
}

static void
choose (KbdSession *session,
        const char *answer_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kbd_session_choose (session, answer_id, &error));
  g_assert_no_error (error);
}

static void
test_start (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, "Ana", "INC-7");
  KbdEvent *start;

  g_assert_cmpstr (current_id (session), ==, "applies");
  g_assert_false (kbd_session_get_finished (session));
  g_assert_false (kbd_session_get_can_go_back (session));
  g_assert_cmpint (kbd_session_get_outcome (session), ==, KBD_OUTCOME_NONE);
  g_assert_cmpuint (g_list_model_get_n_items (kbd_session_get_path (session)), ==, 1);
  g_assert_cmpstr (kbd_session_get_technician (session), ==, "Ana");
  g_assert_cmpstr (kbd_session_get_ticket (session), ==, "INC-7");
  g_assert_true (g_uuid_string_is_valid (kbd_session_get_uuid (session)));
  g_assert_true (kbd_session_get_article (session) == article);

  g_assert_cmpuint (n_events (session), ==, 1);
  start = last_event (session);
  g_assert_cmpint (kbd_event_get_kind (start), ==, KBD_EVENT_START);
  g_assert_cmpstr (kbd_event_get_article_id (start), ==, "KB312395");
  g_assert_cmpstr (kbd_event_get_content_hash (start), ==, kbd_article_get_content_hash (article));
  g_assert_cmpstr (kbd_event_get_technician (start), ==, "Ana");
  g_assert_cmpstr (kbd_event_get_ticket (start), ==, "INC-7");
  g_assert_true (g_uuid_string_is_valid (kbd_event_get_uuid (start)));
}

static void
test_choose (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  g_autoptr(GError) error = NULL;
  KbdEvent *event;

  choose (session, "yes");
  g_assert_cmpstr (current_id (session), ==, "server_role");
  event = last_event (session);
  g_assert_cmpint (kbd_event_get_kind (event), ==, KBD_EVENT_ANSWER);
  g_assert_cmpstr (kbd_event_get_node_id (event), ==, "applies");
  g_assert_cmpstr (kbd_event_get_answer_id (event), ==, "yes");
  g_assert_cmpstr (kbd_event_get_label (event), ==, "Yes");
  g_assert_cmpfloat (kbd_event_get_seconds (event), >=, 0.0);

  /* By position, from 0. */
  g_assert_true (kbd_session_choose_index (session, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (current_id (session), ==, "cluster_backup");
  g_assert_true (kbd_session_get_can_go_back (session));

  /* No such answer: an error, and nothing changes. */
  g_assert_false (kbd_session_choose (session, "maybe", &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (kbd_session_choose_index (session, 2, &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpstr (current_id (session), ==, "cluster_backup");
  g_assert_cmpuint (n_events (session), ==, 3);

  /* A procedure is advanced, not answered. */
  choose (session, "yes");
  g_assert_cmpstr (current_id (session), ==, "cluster_method1");
  g_assert_false (kbd_session_choose (session, "yes", &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_true (kbd_session_advance (session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kbd_event_get_kind (last_event (session)), ==, KBD_EVENT_ADVANCE);
  g_assert_cmpstr (current_id (session), ==, "cluster_verify");

  /* And a question is not advanced. */
  g_assert_false (kbd_session_advance (session, &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_INVALID_STATE);
}

static void
test_finish (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  g_autoptr(GError) error = NULL;
  KbdEvent *finish;

  choose (session, "no");
  g_assert_true (kbd_session_get_finished (session));
  g_assert_cmpint (kbd_session_get_outcome (session), ==, KBD_OUTCOME_NOT_APPLICABLE);
  finish = last_event (session);
  g_assert_cmpint (kbd_event_get_kind (finish), ==, KBD_EVENT_FINISH);
  g_assert_cmpint (kbd_event_get_result (finish), ==, KBD_OUTCOME_NOT_APPLICABLE);
  g_assert_cmpstr (kbd_event_get_node_id (finish), ==, "not_applicable");

  g_assert_false (kbd_session_choose (session, "yes", &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_INVALID_STATE);
  g_clear_error (&error);

  /* Going back reopens a finished session. */
  g_assert_true (kbd_session_back (session, &error));
  g_assert_false (kbd_session_get_finished (session));
  g_assert_cmpint (kbd_session_get_outcome (session), ==, KBD_OUTCOME_NONE);
  g_assert_cmpstr (current_id (session), ==, "applies");
}

static void
test_back (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  g_autoptr(GError) error = NULL;
  GListModel *path = kbd_session_get_path (session);

  g_assert_false (kbd_session_back (session, &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_INVALID_STATE);
  g_clear_error (&error);

  choose (session, "yes");
  choose (session, "standalone");
  g_assert_cmpuint (g_list_model_get_n_items (path), ==, 3);
  g_assert_true (kbd_session_back (session, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (current_id (session), ==, "server_role");
  g_assert_cmpuint (g_list_model_get_n_items (path), ==, 2);
  g_assert_cmpint (kbd_event_get_kind (last_event (session)), ==, KBD_EVENT_BACK);

  /* The question is open again: its answer is not kept on the visit. */
  {
    g_autoptr(KbdVisit) visit = g_list_model_get_item (path, 1);
    g_assert_null (kbd_visit_get_answer (visit));
  }
  choose (session, "cluster");
  g_assert_cmpstr (current_id (session), ==, "cluster_backup");
}

static void
test_revisit (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  g_autoptr(GError) error = NULL;
  GListModel *path = kbd_session_get_path (session);
  g_autoptr(KbdVisit) first = NULL;

  choose (session, "yes");
  choose (session, "cluster");
  choose (session, "no");
  g_assert_cmpstr (current_id (session), ==, "cluster_method2");
  g_assert_cmpuint (g_list_model_get_n_items (path), ==, 4);

  /* Back to the second question: the path after it goes. */
  g_assert_true (kbd_session_revisit (session, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (current_id (session), ==, "server_role");
  g_assert_cmpuint (g_list_model_get_n_items (path), ==, 2);
  g_assert_cmpint (kbd_event_get_kind (last_event (session)), ==, KBD_EVENT_REVISIT);
  g_assert_cmpuint (kbd_event_get_position (last_event (session)), ==, 1);
  first = g_list_model_get_item (path, 0);
  g_assert_cmpstr (kbd_answer_get_id (kbd_visit_get_answer (first)), ==, "yes");

  choose (session, "standalone");
  g_assert_cmpstr (current_id (session), ==, "standalone_method");

  /* The current node, or beyond it, is not an earlier step. */
  g_assert_false (kbd_session_revisit (session, 2, &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (kbd_session_revisit (session, 99, &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_INVALID_STATE);
}

static void
test_restart (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  g_autoptr(GError) error = NULL;

  choose (session, "yes");
  choose (session, "cluster");
  kbd_session_add_note (session, "Node B owns the group.", &error);
  g_assert_no_error (error);
  kbd_session_restart (session);
  g_assert_cmpstr (current_id (session), ==, "applies");
  g_assert_cmpuint (g_list_model_get_n_items (kbd_session_get_path (session)), ==, 1);
  g_assert_false (kbd_session_get_can_go_back (session));
  g_assert_cmpint (kbd_event_get_kind (last_event (session)), ==, KBD_EVENT_RESTART);
  /* The record keeps everything: start, two answers, the note, the restart. */
  g_assert_cmpuint (n_events (session), ==, 5);
}

static void
test_steps (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  g_autoptr(GError) error = NULL;
  KbdEvent *event;

  /* Steps belong to procedures. */
  g_assert_false (kbd_session_set_step_done (session, "move_virtual_servers", TRUE, &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_INVALID_STATE);
  g_clear_error (&error);

  choose (session, "yes");
  choose (session, "cluster");
  choose (session, "no");
  g_assert_false (kbd_session_is_step_done (session, "move_virtual_servers"));
  g_assert_true (kbd_session_set_step_done (session, "move_virtual_servers", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (kbd_session_is_step_done (session, "move_virtual_servers"));
  g_assert_true (kbd_visit_is_step_done (kbd_session_get_current_visit (session), "move_virtual_servers"));
  g_assert_false (kbd_session_is_step_done (session, "remove_iis"));
  event = last_event (session);
  g_assert_cmpint (kbd_event_get_kind (event), ==, KBD_EVENT_STEP);
  g_assert_cmpstr (kbd_event_get_step_id (event), ==, "move_virtual_servers");
  g_assert_true (kbd_event_get_done (event));

  g_assert_true (kbd_session_set_step_done (session, "move_virtual_servers", FALSE, &error));
  g_assert_false (kbd_session_is_step_done (session, "move_virtual_servers"));
  g_assert_false (kbd_event_get_done (last_event (session)));

  g_assert_false (kbd_session_set_step_done (session, "no_such_step", TRUE, &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
}

static void
test_notes (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (1024 * 1024, 'x');

  g_assert_true (kbd_session_add_note (session, "Caller: Exchange admin, ext. 4411", &error));
  g_assert_no_error (error);
  g_assert_cmpint (kbd_event_get_kind (last_event (session)), ==, KBD_EVENT_NOTE);
  g_assert_cmpstr (kbd_event_get_text (last_event (session)), ==, "Caller: Exchange admin, ext. 4411");
  g_assert_cmpstr (kbd_event_get_node_id (last_event (session)), ==, "applies");

  g_assert_false (kbd_session_add_note (session, "", &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_false (kbd_session_add_note (session, "bad \xff byte", &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_ENCODING);
  g_clear_error (&error);
  g_assert_false (kbd_session_add_note (session, "bell \a", &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_false (kbd_session_add_note (session, huge, &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);

  /* Line breaks and tabs are ordinary note text. */
  g_assert_true (kbd_session_add_note (session, "line one\n\tline two", &error));
  g_assert_cmpuint (n_events (session), ==, 3);
}

typedef struct
{
  guint current_node;
  guint finished;
  guint can_go_back;
  guint events;
  guint items_changed;
} Counts;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  Counts *counts = user_data;

  if (g_str_equal (pspec->name, "current-node"))
    counts->current_node++;
  else if (g_str_equal (pspec->name, "finished"))
    counts->finished++;
  else if (g_str_equal (pspec->name, "can-go-back"))
    counts->can_go_back++;
}

static void
on_event (KbdSession *session,
          KbdEvent   *event,
          gpointer    user_data)
{
  Counts *counts = user_data;

  /* The event is already applied when it is emitted. */
  g_assert_true (event == last_event (session));
  counts->events++;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Counts *counts = user_data;

  counts->items_changed++;
}

static void
test_signals (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  g_autoptr(GError) error = NULL;
  Counts counts = { 0, };

  g_signal_connect (session, "notify", G_CALLBACK (on_notify), &counts);
  g_signal_connect (session, "event", G_CALLBACK (on_event), &counts);
  g_signal_connect (kbd_session_get_path (session), "items-changed", G_CALLBACK (on_items_changed), &counts);

  choose (session, "yes");
  g_assert_cmpuint (counts.current_node, ==, 1);
  g_assert_cmpuint (counts.can_go_back, ==, 1);
  g_assert_cmpuint (counts.events, ==, 1);
  g_assert_cmpuint (counts.items_changed, >=, 1);

  choose (session, "standalone");
  g_assert_cmpuint (counts.current_node, ==, 2);
  g_assert_cmpuint (counts.can_go_back, ==, 1);   /* unchanged: no notify */

  /* A failed choice changes nothing and says nothing. */
  g_assert_false (kbd_session_choose (session, "nope", &error));
  g_clear_error (&error);
  g_assert_cmpuint (counts.events, ==, 2);

  choose (session, "setup_reinstall");
  kbd_session_advance (session, &error);
  g_assert_no_error (error);
  choose (session, "yes");
  g_assert_cmpuint (counts.finished, ==, 1);
  g_assert_true (kbd_session_get_finished (session));
  g_assert_cmpuint (counts.events, ==, 6);   /* 4 answers, 1 advance, 1 finish */
}

static void
walk_to_method2 (KbdSession *session)
{
  g_autoptr(GError) error = NULL;

  choose (session, "yes");
  choose (session, "cluster");
  choose (session, "no");
  kbd_session_set_step_done (session, "move_virtual_servers", TRUE, &error);
  g_assert_no_error (error);
  kbd_session_add_note (session, "Backup from last month is older than the removal.", &error);
  g_assert_no_error (error);
}

static void
assert_same_session (KbdSession *a,
                     KbdSession *b)
{
  g_autoptr(GPtrArray) ea = kbd_session_get_events (a);
  g_autoptr(GPtrArray) eb = kbd_session_get_events (b);
  GListModel *pa = kbd_session_get_path (a);
  GListModel *pb = kbd_session_get_path (b);

  g_assert_cmpstr (kbd_session_get_uuid (a), ==, kbd_session_get_uuid (b));
  g_assert_cmpstr (current_id (a), ==, current_id (b));
  g_assert_cmpint (kbd_session_get_finished (a), ==, kbd_session_get_finished (b));
  g_assert_cmpint (kbd_session_get_outcome (a), ==, kbd_session_get_outcome (b));
  g_assert_cmpstr (kbd_session_get_technician (a), ==, kbd_session_get_technician (b));
  g_assert_cmpstr (kbd_session_get_ticket (a), ==, kbd_session_get_ticket (b));
  g_assert_cmpint (kbd_session_get_started_at (a), ==, kbd_session_get_started_at (b));

  g_assert_cmpuint (ea->len, ==, eb->len);
  for (guint i = 0; i < ea->len; i++)
    {
      KbdEvent *x = g_ptr_array_index (ea, i);
      KbdEvent *y = g_ptr_array_index (eb, i);

      g_assert_cmpstr (kbd_event_get_uuid (x), ==, kbd_event_get_uuid (y));
      g_assert_cmpint (kbd_event_get_kind (x), ==, kbd_event_get_kind (y));
      g_assert_cmpint (kbd_event_get_time (x), ==, kbd_event_get_time (y));
      g_assert_cmpstr (kbd_event_get_answer_id (x), ==, kbd_event_get_answer_id (y));
      g_assert_cmpstr (kbd_event_get_text (x), ==, kbd_event_get_text (y));
    }

  g_assert_cmpuint (g_list_model_get_n_items (pa), ==, g_list_model_get_n_items (pb));
  for (guint i = 0; i < g_list_model_get_n_items (pa); i++)
    {
      g_autoptr(KbdVisit) va = g_list_model_get_item (pa, i);
      g_autoptr(KbdVisit) vb = g_list_model_get_item (pb, i);

      g_assert_cmpstr (kbd_node_get_id (kbd_visit_get_node (va)), ==, kbd_node_get_id (kbd_visit_get_node (vb)));
      g_assert_true ((kbd_visit_get_answer (va) == NULL) == (kbd_visit_get_answer (vb) == NULL));
      if (kbd_visit_get_answer (va) != NULL)
        g_assert_cmpstr (kbd_answer_get_id (kbd_visit_get_answer (va)), ==,
                         kbd_answer_get_id (kbd_visit_get_answer (vb)));
      g_assert_cmpint (kbd_visit_get_entered_at (va), ==, kbd_visit_get_entered_at (vb));
    }
}

static void
test_snapshot_roundtrip (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, "Ana", "INC-9");
  g_autoptr(KbdSession) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *snapshot = NULL;
  g_autofree char *again = NULL;

  walk_to_method2 (session);
  snapshot = kbd_session_to_snapshot (session);
  restored = kbd_session_new_from_snapshot (article, snapshot, -1, &warnings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (restored);
  g_assert_true (warnings == NULL || warnings[0] == NULL);
  assert_same_session (session, restored);
  g_assert_true (kbd_session_is_step_done (restored, "move_virtual_servers"));

  /* The restored session serialises to the same snapshot… */
  again = kbd_session_to_snapshot (restored);
  g_assert_cmpstr (snapshot, ==, again);

  /* …and goes on like the original. */
  kbd_session_advance (restored, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (current_id (restored), ==, "common_files_check");
}

static void
test_snapshot_changed_article (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  g_autoptr(KbdArticle) changed = NULL;
  g_autoptr(KbdSession) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *snapshot = NULL;
  g_autofree char *text = article_text ();
  g_autofree char *joined = NULL;
  GString *edited = g_string_new (text);
  g_autoptr(GPtrArray) events = NULL;
  gboolean kept_note = FALSE;

  walk_to_method2 (session);
  snapshot = kbd_session_to_snapshot (session);

  /* The author renamed the "cluster" answer: the walk can be replayed up
   * to that question, and the rest is reported. */
  g_assert_cmpuint (g_string_replace (edited, "{ \"id\": \"cluster\",", "{ \"id\": \"clustered\",", 1), ==, 1);
  changed = article_from_text (edited->str);
  g_string_free (edited, TRUE);
  g_assert_cmpstr (kbd_article_get_content_hash (changed), !=, kbd_article_get_content_hash (article));

  restored = kbd_session_new_from_snapshot (changed, snapshot, -1, &warnings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (warnings);
  g_assert_nonnull (warnings[0]);
  joined = g_strjoinv ("\n", warnings);
  g_test_message ("%s", joined);
  g_assert_nonnull (strstr (joined, "cluster"));
  g_assert_cmpstr (current_id (restored), ==, "server_role");

  /* Notes are always kept. */
  events = kbd_session_get_events (restored);
  for (guint i = 0; i < events->len; i++)
    if (kbd_event_get_kind (g_ptr_array_index (events, i)) == KBD_EVENT_NOTE)
      kept_note = TRUE;
  g_assert_true (kept_note);
}

static void
test_snapshot_other_article (void)
{
  const char *other = "{\"format\":1,\"id\":\"KB000001\",\"language\":\"en\",\"title\":\"Other\","
                      "\"summary\":\"Another article.\",\"applies_to\":[{\"product\":\"X\"}],"
                      "\"revision\":1,\"reviewed\":\"2026-11-25\","
                      "\"source\":{\"publisher\":\"X\",\"reference\":\"KB000001\"},\"start\":\"q\","
                      "\"nodes\":{\"q\":{\"kind\":\"question\",\"prompt\":\"Go?\",\"answers\":"
                      "[{\"id\":\"yes\",\"label\":\"Yes\",\"next\":\"done\"}]},"
                      "\"done\":{\"kind\":\"outcome\",\"result\":\"resolved\",\"title\":\"Done\",\"text\":\"Done.\"}}}";
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdArticle) wrong = article_from_text (other);
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  g_autoptr(KbdSession) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *snapshot = NULL;

  choose (session, "yes");
  snapshot = kbd_session_to_snapshot (session);
  restored = kbd_session_new_from_snapshot (wrong, snapshot, -1, NULL, &error);
  g_assert_null (restored);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_ARTICLE_MISMATCH);
  g_assert_nonnull (strstr (error->message, "KB312395"));
}

static void
test_snapshot_hostile (void)
{
  static const struct { const char *json; int code; } cases[] = {
    { "", KBD_ERROR_EMPTY },
    { "[]", KBD_ERROR_WRONG_TYPE },
    { "{\"kbdecide_session\":1,\"kbdecide_session\":1}", KBD_ERROR_DUPLICATE_KEY },
    { "{\"kbdecide_session\":99,\"events\":[]}", KBD_ERROR_UNSUPPORTED_VERSION },
    { "{\"kbdecide_session\":1,\"events\":[]}", KBD_ERROR_INVALID_VALUE },
    { "{\"kbdecide_session\":1,\"events\":[{\"kind\":\"note\"}]}", KBD_ERROR_MISSING_FIELD },
    { "{\"kbdecide_session\":1,\"events\":[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}", KBD_ERROR_TOO_DEEP },
    { "{\"kbdecide_session\":1e999}", KBD_ERROR_NUMBER_RANGE },
    { "{\"kbdecide_session\":1,\"events\":[]} trailing", KBD_ERROR_TRAILING_DATA },
  };
  g_autoptr(KbdArticle) article = load_article ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KbdSession) restored = kbd_session_new_from_snapshot (article, cases[i].json, -1, NULL, &error);

      g_test_message ("case %u: %s", i, error ? error->message : "(no error)");
      g_assert_null (restored);
      g_assert_nonnull (error);
      g_assert_true (error->domain == KBD_ERROR);
      g_assert_cmpint (error->code, ==, cases[i].code);
      g_assert_cmpstr (error->message, !=, "");
    }
}

/* Every file in tests/snapshots/ is a hostile snapshot, most of them
 * inputs the fuzzers found: n_<code>.<what>.json must fail with that
 * KbdError code (its nick); w_*.json restores with a warning for each event
 * that does not apply, which is dropped; y_*.json restores cleanly. */
static void
test_snapshot_conformance (void)
{
  g_autofree char *dir_path = g_build_filename (KBD_TEST_SRCDIR, "snapshots", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(GEnumClass) codes = g_type_class_ref (KBD_TYPE_ERROR);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *json = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(KbdSession) restored = NULL;
      g_auto(GStrv) warnings = NULL;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      g_assert_true (g_file_get_contents (path, &json, NULL, NULL));
      restored = kbd_session_new_from_snapshot (article, json, -1, &warnings, &error);
      g_test_message ("%s: %s", name, error ? error->message
                                            : warnings != NULL && warnings[0] != NULL ? warnings[0] : "restored");
      if (g_str_has_prefix (name, "y_") || g_str_has_prefix (name, "w_"))
        {
          g_assert_no_error (error);
          g_assert_nonnull (restored);
          if (name[0] == 'w')
            {
              g_autoptr(GPtrArray) events = kbd_session_get_events (restored);

              g_assert_true (warnings != NULL && warnings[0] != NULL);
              /* The event that does not apply was dropped, not stored. */
              for (guint e = 0; e < events->len; e++)
                g_assert_cmpstr (kbd_event_get_uuid (g_ptr_array_index (events, e)), !=, "bad");
            }
        }
      else
        {
          g_autofree char *nick = g_strndup (name + 2, strcspn (name + 2, "."));
          GEnumValue *code = g_enum_get_value_by_nick (codes, nick);

          g_assert_true (g_str_has_prefix (name, "n_"));
          g_assert_nonnull (code);
          g_assert_null (restored);
          g_assert_error (error, KBD_ERROR, code->value);
        }
      n++;
    }
  g_assert_cmpuint (n, >=, 3);
}

static void
test_summary (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, "Ana", "INC-11");
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *markdown = NULL;

  walk_to_method2 (session);
  kbd_session_set_step_done (session, "remove_iis", TRUE, &error);
  kbd_session_advance (session, &error);
  g_assert_no_error (error);
  choose (session, "yes");
  g_assert_cmpint (kbd_session_get_outcome (session), ==, KBD_OUTCOME_ESCALATE);

  plain = kbd_session_build_summary (session, KBD_TEXT_FORMAT_PLAIN);
  g_test_message ("%s", plain);
  g_assert_nonnull (strstr (plain, "KB312395"));
  g_assert_nonnull (strstr (plain, "INC-11"));
  g_assert_nonnull (strstr (plain, "Node in a cluster"));
  g_assert_nonnull (strstr (plain, "Backup from last month is older than the removal."));
  g_assert_nonnull (strstr (plain, "Microsoft Product Support Services (PSS)"));
  g_assert_null (strstr (plain, "*Common Files*"));   /* inline syntax is rendered */

  markdown = kbd_session_build_summary (session, KBD_TEXT_FORMAT_MARKDOWN);
  g_assert_cmpstr (markdown, !=, plain);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/session/start", test_start);
  g_test_add_func ("/session/choose", test_choose);
  g_test_add_func ("/session/finish", test_finish);
  g_test_add_func ("/session/back", test_back);
  g_test_add_func ("/session/revisit", test_revisit);
  g_test_add_func ("/session/restart", test_restart);
  g_test_add_func ("/session/steps", test_steps);
  g_test_add_func ("/session/notes", test_notes);
  g_test_add_func ("/session/signals", test_signals);
  g_test_add_func ("/session/summary", test_summary);
  g_test_add_func ("/session/snapshot/roundtrip", test_snapshot_roundtrip);
  g_test_add_func ("/session/snapshot/changed-article", test_snapshot_changed_article);
  g_test_add_func ("/session/snapshot/other-article", test_snapshot_other_article);
  g_test_add_func ("/session/snapshot/hostile", test_snapshot_hostile);
  g_test_add_func ("/session/snapshot/conformance", test_snapshot_conformance);

  return g_test_run ();
}
