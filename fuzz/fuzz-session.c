/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-session: KbdSession on the KB312395 article.
 *
 * The article is loaded once, from $KBD_SOURCE_ROOT/kb/KB312395.json or
 * else from the source tree the harness was built from (KBD_FUZZ_KB312395).
 *
 * The first input byte selects the mode:
 *
 *  - even ('R', 0x52): the rest is a session snapshot, restored with
 *    kbd_session_new_from_snapshot(). It returns a session or a KBD_ERROR
 *    (never both, never neither); warnings are UTF-8. A restored session
 *    keeps every state invariant (fuzz-session-check.h), and its own
 *    snapshot restores to the same session and re-serialises to the same
 *    text, with nothing dropped (round trip).
 *
 *  - odd ('O', 0x4F): the rest is a program of operations on a fresh
 *    session (at most 256 operations), one opcode byte and its argument
 *    bytes each:
 *      op % 8 == 0  choose: arg byte; answer arg % (answers + 1) (the last
 *                   one does not exist); by id when arg & 0x80, by index
 *                   otherwise
 *      op % 8 == 1  advance
 *      op % 8 == 2  back
 *      op % 8 == 3  revisit: position = arg % (path length + 1)
 *      op % 8 == 4  step: arg byte; step (arg >> 1) % (steps + 1), done = arg & 1
 *      op % 8 == 5  note: length byte L, then L bytes of text (0xFE: 16,384
 *                   'a', the limit; 0xFF: 16,385 'a', one too many)
 *      op % 8 == 6  restart
 *      op % 8 == 7  snapshot round trip; go on with the restored session
 *                   (the first four of an input; later ones are skipped)
 *    After every operation: it succeeded exactly when the model says it can
 *    (right node kind, answer or step exists, position is an earlier
 *    question, note text valid), with the documented error code otherwise;
 *    a failure changes nothing; a success moves to the node the model
 *    expects; the event log only grows, by one event per change (two when an
 *    outcome is reached: the finish follows), each announced by the "event"
 *    signal, with the kind and ids of the operation; marking a step the way
 *    it already is records nothing; and every state invariant holds.
 */
#include "config.h"

#include "fuzz-session-check.h"
#include "kbd-json-private.h"

#define KBD_MAX_NOTE_BYTES 16384

static KbdArticle *article;
static guint signal_count;

static void
on_event (KbdSession *session,
          KbdEvent   *event,
          gpointer    user_data)
{
  signal_count++;
}

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  const char *root = g_getenv ("KBD_SOURCE_ROOT");

  fuzz_init_glib ();

  if (root != NULL && root[0] != '\0')
    path = g_build_filename (root, "kb", "KB312395.json", NULL);
  else
    path = g_strdup (KBD_FUZZ_KB312395);

  article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);
  if (article == NULL)
    {
      fprintf (stderr, "fuzz-session: cannot load %s: %s\n", path, error->message);
      exit (1);
    }
  return 0;
}

/* Restore mode ------------------------------------------------------------ */

static void
run_restore (const guint8 *data,
             size_t        size)
{
  g_autoptr(KbdSession) session = NULL;
  g_autoptr(KbdSession) restored = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autoptr(GError) error = NULL;

  session = kbd_session_new_from_snapshot (article, (const char *) data, (gssize) size,
                                           &warnings, &error);
  FUZZ_CHECK ((session == NULL) != (error == NULL), "restore: session=%p error=%p",
              (void *) session, (void *) error);
  if (session == NULL)
    {
      fuzz_check_kbd_error (error, "kbd_session_new_from_snapshot");
      FUZZ_CHECK (!fuzz_has_control_chars (error->message, FALSE),
                  "a restore error with control characters: %s", error->message);
      return;
    }

  FUZZ_CHECK (warnings != NULL, "warnings not set on success");
  for (guint i = 0; warnings[i] != NULL; i++)
    fuzz_check_utf8 (warnings[i], "a restore warning");

  fuzz_check_session_state (session, FALSE);
  restored = fuzz_check_snapshot_round_trip (session, FALSE);

  for (KbdTextFormat f = KBD_TEXT_FORMAT_PLAIN; f <= KBD_TEXT_FORMAT_MARKDOWN; f++)
    {
      g_autofree char *summary = kbd_session_build_summary (session, f);
      fuzz_check_utf8 (summary, "a session summary");
    }
}

/* Operations mode ---------------------------------------------------------- */

typedef struct
{
  const guint8 *p;
  const guint8 *end;
} Reader;

static guint8
next_byte (Reader *r)
{
  return r->p < r->end ? *r->p++ : 0;
}

static KbdVisit *
visit_at (KbdSession *session,
          guint       position)
{
  KbdVisit *visit = g_list_model_get_item (kbd_session_get_path (session), position);

  g_object_unref (visit); /* the path keeps it */
  return visit;
}

static guint
path_length (KbdSession *session)
{
  return g_list_model_get_n_items (kbd_session_get_path (session));
}

static KbdEvent *
event_at (GPtrArray *events,
          gint       from_end)
{
  return g_ptr_array_index (events, events->len - 1 - from_end);
}

/* What the library says a note must be, in the order it checks. */
static int
note_error_code (const char *text)
{
  if (text[0] == '\0')
    return KBD_ERROR_INVALID_VALUE;
  if (strlen (text) > KBD_MAX_NOTE_BYTES)
    return KBD_ERROR_LIMIT_EXCEEDED;
  if (!g_utf8_validate (text, -1, NULL))
    return KBD_ERROR_ENCODING;
  if (fuzz_has_control_chars (text, TRUE))
    return KBD_ERROR_INVALID_VALUE;
  return -1;
}

static void
run_ops (const guint8 *data,
         size_t        size)
{
  g_autoptr(KbdSession) session = kbd_session_new (article, "fuzz", NULL);
  Reader r = { data, data + size };
  gulong handler;
  guint n_ops = 0;
  guint n_round_trips = 0;

  signal_count = 0;
  handler = g_signal_connect (session, "event", G_CALLBACK (on_event), NULL);
  fuzz_check_session_state (session, TRUE);

  while (r.p < r.end && n_ops++ < 256)
    {
      guint8 op = next_byte (&r) % 8;
      KbdNode *before = kbd_session_get_current_node (session);
      KbdNodeKind kind = kbd_node_get_kind (before);
      guint n_before = path_length (session);
      g_autoptr(GPtrArray) events_before = kbd_session_get_events (session);
      guint signals_before = signal_count;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) events_after = NULL;
      gboolean ok = FALSE;
      int expect_code = -1;          /* -1: must succeed */
      KbdNode *expect_node = before; /* where it must stand on success */
      guint expect_path = n_before;
      KbdEventKind expect_kind = KBD_EVENT_START;
      guint expect_events = 1;       /* new events on success */
      const char *expect_answer = NULL;
      const char *step_id = NULL;
      gboolean step_done = FALSE;
      g_autofree char *note = NULL;

      switch (op)
        {
        case 0: /* choose */
          {
            guint8 arg = next_byte (&r);
            guint n = 0;
            KbdAnswer *const *answers = kbd_node_get_answers (before, &n);
            guint index = arg % (n + 1);

            expect_kind = KBD_EVENT_ANSWER;
            if (kind != KBD_NODE_QUESTION)
              expect_code = KBD_ERROR_INVALID_STATE;
            else if (index >= n)
              expect_code = KBD_ERROR_NOT_FOUND;
            else
              {
                expect_answer = kbd_answer_get_id (answers[index]);
                expect_node = kbd_article_get_node (article, kbd_answer_get_next (answers[index]));
                expect_path = n_before + 1;
              }
            if (arg & 0x80)
              ok = kbd_session_choose (session, index < n ? kbd_answer_get_id (answers[index]) : "no_such_answer",
                                       &error);
            else
              ok = kbd_session_choose_index (session, index, &error);
          }
          break;

        case 1: /* advance */
          expect_kind = KBD_EVENT_ADVANCE;
          if (kind != KBD_NODE_PROCEDURE)
            expect_code = KBD_ERROR_INVALID_STATE;
          else
            {
              expect_node = kbd_article_get_node (article, kbd_node_get_next (before));
              expect_path = n_before + 1;
            }
          ok = kbd_session_advance (session, &error);
          break;

        case 2: /* back */
          expect_kind = KBD_EVENT_BACK;
          if (n_before < 2)
            expect_code = KBD_ERROR_INVALID_STATE;
          else
            {
              expect_node = kbd_visit_get_node (visit_at (session, n_before - 2));
              expect_path = n_before - 1;
            }
          ok = kbd_session_back (session, &error);
          break;

        case 3: /* revisit */
          {
            guint position = next_byte (&r) % (n_before + 1);

            expect_kind = KBD_EVENT_REVISIT;
            if (position + 1 >= n_before ||
                kbd_node_get_kind (kbd_visit_get_node (visit_at (session, position))) != KBD_NODE_QUESTION)
              expect_code = KBD_ERROR_INVALID_STATE;
            else
              {
                expect_node = kbd_visit_get_node (visit_at (session, position));
                expect_path = position + 1;
              }
            ok = kbd_session_revisit (session, position, &error);
          }
          break;

        case 4: /* step */
          {
            guint8 arg = next_byte (&r);
            guint n = 0;
            KbdStep *const *steps = kbd_node_get_steps (before, &n);
            guint index = (arg >> 1) % (n + 1);

            step_done = arg & 1;
            step_id = index < n ? kbd_step_get_id (steps[index]) : "no_such_step";
            expect_kind = KBD_EVENT_STEP;
            if (kind != KBD_NODE_PROCEDURE)
              expect_code = KBD_ERROR_INVALID_STATE;
            else if (index >= n)
              expect_code = KBD_ERROR_NOT_FOUND;
            else if (kbd_session_is_step_done (session, step_id) == step_done)
              expect_events = 0; /* documented: records nothing */
            ok = kbd_session_set_step_done (session, step_id, step_done, &error);
          }
          break;

        case 5: /* note */
          {
            guint8 len = next_byte (&r);

            if (len == 0xFE || len == 0xFF)
              {
                gsize n = KBD_MAX_NOTE_BYTES + (len == 0xFF);

                note = g_malloc (n + 1);
                memset (note, 'a', n);
                note[n] = '\0';
              }
            else
              {
                gsize n = MIN ((gsize) len, (gsize) (r.end - r.p));

                note = g_strndup ((const char *) r.p, n); /* stops at a NUL byte */
                r.p += n;
              }
            expect_kind = KBD_EVENT_NOTE;
            expect_code = note_error_code (note);
            ok = kbd_session_add_note (session, note, &error);
          }
          break;

        case 6: /* restart */
          expect_kind = KBD_EVENT_RESTART;
          expect_node = kbd_article_get_start_node (article);
          expect_path = 1;
          kbd_session_restart (session);
          ok = TRUE;
          break;

        case 7: /* snapshot round trip */
        default:
          {
            KbdSession *restored;

            /* A round trip costs as much as the whole log: a few per input. */
            if (n_round_trips++ >= 4)
              continue;
            restored = fuzz_check_snapshot_round_trip (session, TRUE);

            g_signal_handler_disconnect (session, handler);
            g_object_unref (session);
            session = restored;
            handler = g_signal_connect (session, "event", G_CALLBACK (on_event), NULL);
            continue;
          }
        }

      events_after = kbd_session_get_events (session);
      FUZZ_CHECK (ok == (error == NULL), "op %u returned %d with %s", op, ok,
                  error ? error->message : "no error");
      FUZZ_CHECK (events_after->len >= events_before->len, "op %u: the event log shrank", op);
      FUZZ_CHECK (signal_count - signals_before == events_after->len - events_before->len,
                  "op %u: %u new events, %u signals", op,
                  events_after->len - events_before->len, signal_count - signals_before);

      if (expect_code >= 0)
        {
          FUZZ_CHECK (!ok, "op %u succeeded where code %d was expected", op, expect_code);
          fuzz_check_kbd_error (error, "a session operation");
          FUZZ_CHECK (error->code == expect_code, "op %u failed with code %d, expected %d: %s",
                      op, error->code, expect_code, error->message);
          /* Nothing changes when an operation fails. */
          FUZZ_CHECK (events_after->len == events_before->len, "a failed op %u recorded events", op);
          FUZZ_CHECK (kbd_session_get_current_node (session) == before, "a failed op %u moved", op);
          FUZZ_CHECK (path_length (session) == n_before, "a failed op %u changed the path", op);
        }
      else
        {
          KbdNode *after = kbd_session_get_current_node (session);
          guint grown = events_after->len - events_before->len;
          gboolean arrived = after != before && kbd_node_get_kind (after) == KBD_NODE_OUTCOME;

          FUZZ_CHECK (ok, "op %u failed: %s", op, error ? error->message : "?");
          FUZZ_CHECK (after == expect_node, "op %u: stands on \"%s\", expected \"%s\"", op,
                      kbd_node_get_id (after), kbd_node_get_id (expect_node));
          FUZZ_CHECK (path_length (session) == expect_path, "op %u: path %u, expected %u", op,
                      path_length (session), expect_path);
          FUZZ_CHECK (grown == expect_events + (arrived && expect_events > 0),
                      "op %u: %u new events, expected %u", op, grown,
                      expect_events + (arrived && expect_events > 0));

          if (grown > 0)
            {
              KbdEvent *event = event_at (events_after, arrived ? 1 : 0);

              FUZZ_CHECK (kbd_event_get_kind (event) == expect_kind, "op %u recorded a %s", op,
                          kbd_event_kind_to_string (kbd_event_get_kind (event)));
              if (expect_kind == KBD_EVENT_ANSWER)
                FUZZ_CHECK (g_strcmp0 (kbd_event_get_node_id (event), kbd_node_get_id (before)) == 0 &&
                            g_strcmp0 (kbd_event_get_answer_id (event), expect_answer) == 0,
                            "the answer event names %s/%s", kbd_event_get_node_id (event),
                            kbd_event_get_answer_id (event));
              if (expect_kind == KBD_EVENT_NOTE)
                FUZZ_CHECK (g_strcmp0 (kbd_event_get_text (event), note) == 0, "the note changed");
              if (expect_kind == KBD_EVENT_STEP)
                FUZZ_CHECK (g_strcmp0 (kbd_event_get_step_id (event), step_id) == 0 &&
                            !!kbd_event_get_done (event) == step_done, "the step event");
              if (arrived)
                {
                  KbdEvent *finish = event_at (events_after, 0);

                  FUZZ_CHECK (kbd_event_get_kind (finish) == KBD_EVENT_FINISH,
                              "reaching an outcome recorded no finish");
                  FUZZ_CHECK (g_strcmp0 (kbd_event_get_node_id (finish), kbd_node_get_id (after)) == 0 &&
                              kbd_event_get_result (finish) == kbd_node_get_result (after),
                              "the finish event does not name the outcome");
                }
            }
          if (expect_kind == KBD_EVENT_STEP)
            FUZZ_CHECK (kbd_session_is_step_done (session, step_id) == step_done,
                        "step %s is not marked %d", step_id, step_done);
          if (expect_kind == KBD_EVENT_RESTART)
            FUZZ_CHECK (kbd_visit_get_answer (visit_at (session, 0)) == NULL, "restart kept an answer");
        }

      /* UUIDs are checked once at the end: checking them after every
       * operation is quadratic in the length of the program. */
      fuzz_check_session_state (session, FALSE);
    }

  fuzz_check_session_state (session, TRUE);
  g_signal_handler_disconnect (session, handler);
  {
    g_autofree char *summary = kbd_session_build_summary (session, KBD_TEXT_FORMAT_MARKDOWN);
    fuzz_check_utf8 (summary, "a session summary");
  }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  if (size < 1 || size > 512 * 1024)
    return -1;

  if (data[0] % 2 == 0)
    {
      run_restore (data + 1, size - 1);
    }
  else
    run_ops (data + 1, size - 1);
  return 0;
}
