/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "kbdecide.h"
#include "kbd-history-private.h"

typedef struct
{
  char *dir;
  char *db;
  KbdArticle *article;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("kbd-history-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "data", "history.db", NULL);
  f->article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_clear_object (&f->article);
}

/* Walks KB 312395 to the Common Files escalation, with a note. */
static KbdSession *
walk_escalation (KbdHistory *history,
                 KbdArticle *article,
                 const char *ticket,
                 const char *note)
{
  g_autoptr(GError) error = NULL;
  KbdSession *session = kbd_session_new (article, "Ada", ticket);

  if (history != NULL)
    kbd_history_attach (history, session);
  g_assert_true (kbd_session_choose (session, "yes", &error));
  g_assert_true (kbd_session_choose (session, "cluster", &error));
  g_assert_true (kbd_session_choose (session, "no", &error));
  g_assert_true (kbd_session_set_step_done (session, "move_virtual_servers", TRUE, &error));
  if (note != NULL)
    g_assert_true (kbd_session_add_note (session, note, &error));
  g_assert_true (kbd_session_advance (session, &error));
  g_assert_true (kbd_session_choose (session, "yes", &error));
  g_assert_no_error (error);
  g_assert_true (kbd_session_get_finished (session));
  return session;
}

static void
test_creates_private_files (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdSession) session = NULL;
  g_autofree char *folder = g_path_get_dirname (f->db);
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  struct stat st;

  g_assert_no_error (error);
  g_assert_nonnull (history);
  g_assert_false (kbd_history_get_read_only (history));
  g_assert_null (kbd_history_get_notice (history));

  session = walk_escalation (history, f->article, NULL, NULL);
  g_assert_true (kbd_history_flush (history, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (f->db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_records_every_event (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdSession) session = walk_escalation (history, f->article, "INC-1", "caller is on site");
  g_autoptr(GPtrArray) live = kbd_session_get_events (session);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(KbdSessionRecord) record = NULL;

  g_assert_true (kbd_history_flush (history, &error));
  g_assert_cmpuint (kbd_history_get_pending (history), ==, 0);

  stored = kbd_history_get_events (history, kbd_session_get_uuid (session), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, live->len);
  for (guint i = 0; i < live->len; i++)
    {
      KbdEvent *a = g_ptr_array_index (live, i);
      KbdEvent *b = g_ptr_array_index (stored, i);

      g_assert_cmpstr (kbd_event_get_uuid (a), ==, kbd_event_get_uuid (b));
      g_assert_cmpint (kbd_event_get_kind (a), ==, kbd_event_get_kind (b));
      g_assert_cmpint (kbd_event_get_time (a), ==, kbd_event_get_time (b));
      g_assert_cmpstr (kbd_event_get_node_id (a), ==, kbd_event_get_node_id (b));
      g_assert_cmpstr (kbd_event_get_answer_id (a), ==, kbd_event_get_answer_id (b));
      g_assert_cmpstr (kbd_event_get_label (a), ==, kbd_event_get_label (b));
      g_assert_cmpstr (kbd_event_get_text (a), ==, kbd_event_get_text (b));
    }

  record = kbd_history_get_session (history, kbd_session_get_uuid (session), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kbd_session_record_get_article_id (record), ==, "KB312395");
  g_assert_cmpstr (kbd_session_record_get_ticket (record), ==, "INC-1");
  g_assert_cmpstr (kbd_session_record_get_technician (record), ==, "Ada");
  g_assert_cmpstr (kbd_session_record_get_language (record), ==, "en");
  g_assert_cmpstr (kbd_session_record_get_current_node (record), ==, "common_files_escalate");
  g_assert_cmpint (kbd_session_record_get_outcome (record), ==, KBD_OUTCOME_ESCALATE);
  g_assert_true (kbd_session_record_get_finished (record));
  g_assert_cmpuint (kbd_session_record_get_n_events (record), ==, live->len);
  g_assert_cmpstr (kbd_session_record_get_article_hash (record), ==,
                   kbd_article_get_content_hash (f->article));
}

static void
test_resume_restores_exactly (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdSession) session = kbd_session_new (f->article, "Ada", NULL);
  g_autoptr(KbdSession) resumed = NULL;
  g_autoptr(KbdSessionRecord) record = NULL;
  g_auto(GStrv) warnings = NULL;
  char *uuid;

  kbd_history_attach (history, session);
  g_assert_true (kbd_session_choose (session, "yes", &error));
  g_assert_true (kbd_session_choose (session, "cluster", &error));
  g_assert_true (kbd_session_choose (session, "no", &error));
  g_assert_true (kbd_session_set_step_done (session, "remove_iis", TRUE, &error));
  g_assert_true (kbd_history_flush (history, &error));
  uuid = g_strdup (kbd_session_get_uuid (session));

  /* The window closes mid-session. */
  g_clear_object (&session);
  g_clear_object (&history);

  history = kbd_history_new (f->db, &error);
  g_assert_no_error (error);
  record = kbd_history_get_session (history, uuid, &error);
  g_assert_false (kbd_session_record_get_finished (record));
  g_assert_cmpstr (kbd_session_record_get_current_node (record), ==, "cluster_method2");

  resumed = kbd_history_resume (history, uuid, f->article, &warnings, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (warnings), ==, 0);
  g_assert_cmpstr (kbd_session_get_uuid (resumed), ==, uuid);
  g_assert_cmpstr (kbd_node_get_id (kbd_session_get_current_node (resumed)), ==, "cluster_method2");
  g_assert_true (kbd_session_is_step_done (resumed, "remove_iis"));
  g_assert_false (kbd_session_is_step_done (resumed, "move_virtual_servers"));
  g_assert_cmpuint (g_list_model_get_n_items (kbd_session_get_path (resumed)), ==, 4);

  /* It goes on being recorded, under the same UUID, with nothing twice. */
  g_assert_true (kbd_session_advance (resumed, &error));
  g_assert_true (kbd_history_flush (history, &error));
  g_clear_object (&record);
  record = kbd_history_get_session (history, uuid, &error);
  g_assert_cmpstr (kbd_session_record_get_current_node (record), ==, "common_files_check");
  g_assert_cmpuint (kbd_session_record_get_n_events (record), ==, 6);
  g_assert_cmpint (kbd_history_count_sessions (history, NULL, &error), ==, 1);
  g_free (uuid);
}

static void
test_attach_twice_stores_once (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdHistory) second = NULL;
  g_autoptr(KbdSession) session = walk_escalation (history, f->article, NULL, "a note");
  g_autoptr(KbdSessionRecord) record = NULL;
  g_autoptr(GPtrArray) live = kbd_session_get_events (session);

  g_assert_true (kbd_history_flush (history, &error));

  /* Another copy of the program records the same events again, as a retry
   * after a COMMIT with an unknown outcome would. */
  second = kbd_history_new (f->db, &error);
  g_assert_no_error (error);
  kbd_history_attach (second, session);
  g_assert_true (kbd_history_flush (second, &error));

  record = kbd_history_get_session (history, kbd_session_get_uuid (session), &error);
  g_assert_cmpuint (kbd_session_record_get_n_events (record), ==, live->len);
}

static void
test_list_filters_and_pages (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdHistoryFilter) filter = kbd_history_filter_new ();
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *ticket = g_strdup_printf ("INC-%u", i);

      if (i % 3 == 0)
        {
          /* Unfinished: stopped on the first question. */
          KbdSession *session = kbd_session_new (f->article, i % 2 ? "Bob" : "Ada", ticket);
          kbd_history_attach (history, session);
          g_ptr_array_add (sessions, session);
        }
      else
        g_ptr_array_add (sessions, walk_escalation (history, f->article, ticket, NULL));
    }
  g_assert_true (kbd_history_flush (history, &error));

  g_assert_cmpint (kbd_history_count_sessions (history, NULL, &error), ==, 12);

  all = kbd_history_list_sessions (history, NULL, 0, 100, &error);
  g_assert_cmpuint (all->len, ==, 12);
  /* Newest first. */
  for (guint i = 1; i < all->len; i++)
    g_assert_cmpint (kbd_session_record_get_started_at (g_ptr_array_index (all, i - 1)), >=,
                     kbd_session_record_get_started_at (g_ptr_array_index (all, i)));

  page = kbd_history_list_sessions (history, NULL, 5, 5, &error);
  g_assert_cmpuint (page->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (kbd_session_record_get_uuid (g_ptr_array_index (page, i)), ==,
                     kbd_session_record_get_uuid (g_ptr_array_index (all, i + 5)));

  kbd_history_filter_set_flags (filter, KBD_HISTORY_FILTER_UNFINISHED);
  g_assert_cmpint (kbd_history_count_sessions (history, filter, &error), ==, 4);
  kbd_history_filter_set_technician (filter, "Bob");
  g_assert_cmpint (kbd_history_count_sessions (history, filter, &error), ==, 2);

  g_clear_pointer (&filter, kbd_history_filter_unref);
  filter = kbd_history_filter_new ();
  kbd_history_filter_set_outcome (filter, KBD_OUTCOME_ESCALATE);
  g_assert_cmpint (kbd_history_count_sessions (history, filter, &error), ==, 8);
  kbd_history_filter_set_article (filter, "KB000000");
  g_assert_cmpint (kbd_history_count_sessions (history, filter, &error), ==, 0);

  g_clear_pointer (&filter, kbd_history_filter_unref);
  filter = kbd_history_filter_new ();
  kbd_history_filter_set_range (filter, g_get_real_time () + G_USEC_PER_SEC, 0);
  g_assert_cmpint (kbd_history_count_sessions (history, filter, &error), ==, 0);
  kbd_history_filter_set_range (filter, 0, g_get_real_time () + G_USEC_PER_SEC);
  g_assert_cmpint (kbd_history_count_sessions (history, filter, &error), ==, 12);
  g_assert_no_error (error);
}

static void
test_search_finds_notes (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdSession) a = walk_escalation (history, f->article, "INC-7", "the customer mentioned a flooded server room");
  g_autoptr(KbdSession) b = walk_escalation (history, f->article, "INC-8", "nothing special");
  g_autoptr(GPtrArray) hits = NULL;
  const char *snippet;

  g_assert_true (kbd_history_flush (history, &error));

  hits = kbd_history_search (history, "flood", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (kbd_session_record_get_uuid (g_ptr_array_index (hits, 0)), ==, kbd_session_get_uuid (a));
  snippet = kbd_session_record_get_snippet (g_ptr_array_index (hits, 0));
  g_assert_nonnull (strstr (snippet, "\002flooded\003"));
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Answers and article titles are found too; each session once. */
  hits = kbd_history_search (history, "Common Files", 10, &error);
  g_assert_cmpuint (hits->len, ==, 2);
  g_clear_pointer (&hits, g_ptr_array_unref);

  hits = kbd_history_search (history, "INC-8", 10, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (kbd_session_record_get_uuid (g_ptr_array_index (hits, 0)), ==, kbd_session_get_uuid (b));
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* What would be FTS5 syntax is just text. */
  hits = kbd_history_search (history, "\"flooded AND OR ( NEAR", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);

  hits = kbd_history_search (history, "  *** ", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
}

/* A session that only holds a note, recorded in @history. */
static KbdSession *
note_session (KbdHistory *history,
              KbdArticle *article,
              const char *note)
{
  g_autoptr(GError) error = NULL;
  KbdSession *session = kbd_session_new (article, "Ada", NULL);

  kbd_history_attach (history, session);
  g_assert_true (kbd_session_add_note (session, note, &error));
  g_assert_no_error (error);
  return session;
}

static guint
count_hits (KbdHistory *history,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = kbd_history_search (history, text, 100, &error);

  g_assert_no_error (error);
  return hits->len;
}

/* Every typed word matches as a prefix, however many indexed words it
 * stands for, folded as the index folds text. */
static void
test_search_prefixes (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) many = g_string_new (NULL);

  /* Seventy words that start alike: more than a prefix is expanded into. */
  for (guint i = 0; i < 70; i++)
    g_string_append_printf (many, "zork%03u ", i);
  g_ptr_array_add (sessions, note_session (history, f->article, "the customer mentioned a flooded server room"));
  g_ptr_array_add (sessions, note_session (history, f->article, "Résumé du câble réseau"));
  g_ptr_array_add (sessions, note_session (history, f->article, many->str));
  g_ptr_array_add (sessions, note_session (history, f->article, "zorkmid found"));
  g_ptr_array_add (sessions, note_session (history, f->article, "one two three four five six seven eight nine"
                                                                " ten eleven twelve thirteen fourteen fifteen sixteen"));
  g_assert_true (kbd_history_flush (history, &error));

  /* Each word a prefix, in any order, the last one or not. */
  g_assert_cmpuint (count_hits (history, "flood room"), ==, 1);
  g_assert_cmpuint (count_hits (history, "serv flo"), ==, 1);
  g_assert_cmpuint (count_hits (history, "FLOODED"), ==, 1);
  g_assert_cmpuint (count_hits (history, "floodx"), ==, 0);
  g_assert_cmpuint (count_hits (history, "flood zorkmid"), ==, 0);
  /* One and two characters: the prefix index. */
  g_assert_cmpuint (count_hits (history, "z"), ==, 2);
  g_assert_cmpuint (count_hits (history, "fl"), ==, 1);
  g_assert_cmpuint (count_hits (history, "fl r"), ==, 1);
  /* Accents and case folded away, on both sides. */
  g_assert_cmpuint (count_hits (history, "resume cable"), ==, 1);
  g_assert_cmpuint (count_hits (history, "RÉSU CÂB"), ==, 1);
  /* More words start with "zork" than are looked up one by one: FTS5
   * matches that prefix itself; fewer ("zork06", "zorkm") are looked up. */
  g_assert_cmpuint (count_hits (history, "zork"), ==, 2);
  g_assert_cmpuint (count_hits (history, "zork06"), ==, 1);
  g_assert_cmpuint (count_hits (history, "zork069"), ==, 1);
  g_assert_cmpuint (count_hits (history, "zork070"), ==, 0);
  g_assert_cmpuint (count_hits (history, "zorkm"), ==, 1);
  /* A pasted paragraph: repeated words count once, and the words past
   * the sixteenth are not required. */
  g_assert_cmpuint (count_hits (history, "flooded flooded flooded flooded flooded flooded"), ==, 1);
  g_assert_cmpuint (count_hits (history, "a b c d e f g h i j k l m n o p flooded"), ==, 0);
  g_assert_cmpuint (count_hits (history, "one two three four five six seven eight nine ten eleven twelve"
                                         " thirteen fourteen fifteen sixteen"), ==, 1);
  g_assert_cmpuint (count_hits (history, "one two three four five six seven eight nine ten eleven twelve"
                                         " thirteen fourteen fifteen sixteen seventeen"), ==, 1);
  g_assert_cmpuint (count_hits (history, "one two three four five six seven eight nine ten eleven twelve"
                                         " thirteen fourteen fifteen seventeen"), ==, 0);
  /* Hostile text is only words: quotes, FTS5 syntax, a 100,000-character
   * word, control characters. */
  {
    g_autofree char *huge = g_strnfill (100000, 'z');

    g_assert_cmpuint (count_hits (history, "\"zork069\" OR \"flooded\""), ==, 0);
    g_assert_cmpuint (count_hits (history, "zork069*) NEAR(\"\""), ==, 0);
    g_assert_cmpuint (count_hits (history, "zork069*)(\"\"^:"), ==, 1);
    g_assert_cmpuint (count_hits (history, huge), ==, 0);
    g_assert_cmpuint (count_hits (history, "\001flooded\033[\t\r\n"), ==, 1);
  }
}

/* BM25: more occurrences rank higher, and a rare word weighs more than a
 * common one, which needs the estimate of how common each word is: with
 * equal weights the two sessions would tie and the newer would come first. */
static void
test_search_ranking (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) hits = NULL;
  KbdSession *rare_twice, *common_twice;

  for (guint i = 0; i < 30; i++)
    g_ptr_array_add (sessions, note_session (history, f->article, "wombat filler text"));
  rare_twice = note_session (history, f->article, "quokka quokka wombat");
  common_twice = note_session (history, f->article, "quokka wombat wombat");
  g_ptr_array_add (sessions, rare_twice);
  g_ptr_array_add (sessions, common_twice);
  g_assert_true (kbd_history_flush (history, &error));

  hits = kbd_history_search (history, "quokka wombat", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 2);
  g_assert_cmpstr (kbd_session_record_get_uuid (g_ptr_array_index (hits, 0)), ==, kbd_session_get_uuid (rare_twice));
  g_assert_cmpstr (kbd_session_record_get_uuid (g_ptr_array_index (hits, 1)), ==, kbd_session_get_uuid (common_twice));
  g_clear_pointer (&hits, g_ptr_array_unref);

  hits = kbd_history_search (history, "quokka", 10, &error);
  g_assert_cmpuint (hits->len, ==, 2);
  g_assert_cmpstr (kbd_session_record_get_uuid (g_ptr_array_index (hits, 0)), ==, kbd_session_get_uuid (rare_twice));
  g_clear_pointer (&hits, g_ptr_array_unref);

  hits = kbd_history_search (history, "wombat", 5, &error);
  g_assert_cmpuint (hits->len, ==, 5);
  g_assert_cmpstr (kbd_session_record_get_uuid (g_ptr_array_index (hits, 0)), ==, kbd_session_get_uuid (common_twice));
}

static char *
query_text (const char *path,
            const char *sql)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

/* A history of schema 1 (no prefix index) is brought to schema 2 at
 * open: backed up first, every search row kept, searchable after. */
static void
test_migrates_schema_1 (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdSession) a = walk_escalation (history, f->article, "INC-7", "the customer mentioned a flooded server room");
  g_autoptr(KbdSession) b = walk_escalation (history, f->article, "INC-8", "nothing special");
  g_autofree char *backup = g_strconcat (f->db, ".v1.bak", NULL);
  g_autofree char *rows_before = NULL;
  g_autofree char *rows_after = NULL;
  g_autofree char *version = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  sqlite3 *db;

  g_assert_true (kbd_history_flush (history, &error));
  g_clear_object (&history);

  /* Back to the search table of schema 1. */
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "BEGIN;"
    "CREATE VIRTUAL TABLE search_v1 USING fts5 (body, session UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');"
    "INSERT INTO search_v1 (rowid, body, session) SELECT rowid, body, session FROM search;"
    "DROP TABLE search;"
    "ALTER TABLE search_v1 RENAME TO search;"
    "PRAGMA user_version = 1;"
    "COMMIT;"
    "PRAGMA wal_checkpoint (TRUNCATE);", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  rows_before = query_text (f->db, "SELECT group_concat (rowid || ':' || session || ':' || body, '|') FROM search");
  g_assert_nonnull (rows_before);
  sql = query_text (f->db, "SELECT sql FROM sqlite_master WHERE name = 'search'");
  g_assert_null (strstr (sql, "prefix"));

  history = kbd_history_new (f->db, &error);
  g_assert_no_error (error);
  g_assert_false (kbd_history_get_read_only (history));

  version = query_text (f->db, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, "2");
  g_clear_pointer (&sql, g_free);
  sql = query_text (f->db, "SELECT sql FROM sqlite_master WHERE name = 'search'");
  g_assert_nonnull (strstr (sql, "prefix = '1 2'"));
  rows_after = query_text (f->db, "SELECT group_concat (rowid || ':' || session || ':' || body, '|') FROM search");
  g_assert_cmpstr (rows_after, ==, rows_before);
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&version, g_free);
  version = query_text (backup, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, "1");

  hits = kbd_history_search (history, "fl", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (kbd_session_record_get_uuid (g_ptr_array_index (hits, 0)), ==, kbd_session_get_uuid (a));
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kbd_history_search (history, "INC-8", 10, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (kbd_session_record_get_uuid (g_ptr_array_index (hits, 0)), ==, kbd_session_get_uuid (b));
}

static void
test_export_formats (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdSession) session = walk_escalation (history, f->article, "<b>INC&9</b>",
                                                   "note with <script>alert(1)</script> & *stars*");
  const char *uuid = kbd_session_get_uuid (session);
  g_autofree char *markdown = NULL;
  g_autofree char *html = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *events;
  g_autoptr(GPtrArray) live = kbd_session_get_events (session);

  g_assert_true (kbd_history_flush (history, &error));

  text = kbd_history_export (history, uuid, KBD_TRANSCRIPT_TEXT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "Node in a cluster"));
  g_assert_nonnull (strstr (text, "Step done:"));
  g_assert_nonnull (strstr (text, "note with <script>alert(1)</script> & *stars*"));
  g_assert_nonnull (strstr (text, "Escalated"));

  markdown = kbd_history_export (history, uuid, KBD_TRANSCRIPT_MARKDOWN, &error);
  g_assert_nonnull (strstr (markdown, "\\<script\\>"));
  g_assert_nonnull (strstr (markdown, "\\*stars\\*"));
  g_assert_null (strstr (markdown, "<script>"));

  html = kbd_history_export (history, uuid, KBD_TRANSCRIPT_HTML, &error);
  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>"));
  g_assert_nonnull (strstr (html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; *stars*"));
  g_assert_nonnull (strstr (html, "&lt;b&gt;INC&amp;9&lt;/b&gt;"));
  g_assert_null (strstr (html, "<script>"));
  g_assert_null (strstr (html, "<b>INC"));

  /* Every answer, step and note of the walk is in both documents, with the
   * text as the format writes it; and whom the escalation goes to. */
  for (guint i = 0; i < live->len; i++)
    {
      KbdEvent *event = g_ptr_array_index (live, i);
      const char *shown = NULL;

      switch (kbd_event_get_kind (event))
        {
        case KBD_EVENT_ANSWER:
        case KBD_EVENT_STEP:
        case KBD_EVENT_FINISH:
          shown = kbd_event_get_label (event);
          break;
        case KBD_EVENT_NOTE:
          continue;   /* checked above, with its escaping */
        case KBD_EVENT_START:
        case KBD_EVENT_ADVANCE:
        case KBD_EVENT_BACK:
        case KBD_EVENT_REVISIT:
        case KBD_EVENT_RESTART:
        default:
          shown = kbd_event_get_node_title (event);
          break;
        }
      if (shown != NULL)
        {
          g_autofree char *in_markdown = kbd_text_render (shown, KBD_TEXT_FORMAT_MARKDOWN);
          g_autofree char *in_html = kbd_text_render (shown, KBD_TEXT_FORMAT_HTML);

          if (strstr (markdown, in_markdown) == NULL || strstr (html, in_html) == NULL)
            g_error ("event %u (%s) is missing from a transcript", i,
                     kbd_event_kind_to_string (kbd_event_get_kind (event)));
        }
    }
  g_assert_nonnull (strstr (markdown, "Microsoft Product Support Services (PSS)"));
  g_assert_nonnull (strstr (html, "Microsoft Product Support Services (PSS)"));

  json = kbd_history_export (history, uuid, KBD_TRANSCRIPT_JSON, &error);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "session"), ==, uuid);
  g_assert_cmpstr (json_object_get_string_member (root, "outcome"), ==, "escalate");
  g_assert_cmpstr (json_object_get_string_member (root, "ticket"), ==, "<b>INC&9</b>");
  events = json_object_get_array_member (root, "events");
  g_assert_cmpuint (json_array_get_length (events), ==, live->len);
  for (guint i = 0; i < live->len; i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      KbdEvent *expected = g_ptr_array_index (live, i);

      g_assert_cmpstr (json_object_get_string_member (event, "uuid"), ==, kbd_event_get_uuid (expected));
      g_assert_cmpint (json_object_get_int_member (event, "time"), ==, kbd_event_get_time (expected));
      g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==,
                       kbd_event_kind_to_string (kbd_event_get_kind (expected)));
    }
}

static void
test_stats (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdSession) a = walk_escalation (history, f->article, NULL, NULL);
  g_autoptr(KbdSession) b = walk_escalation (history, f->article, NULL, NULL);
  g_autoptr(KbdSession) c = kbd_session_new (f->article, NULL, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *stats = NULL;
  JsonObject *root, *outcomes, *path;

  kbd_history_attach (history, c);
  g_assert_true (kbd_session_choose (c, "yes", &error));
  g_assert_true (kbd_history_flush (history, &error));

  stats = kbd_history_get_stats (history, "KB312395", &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, stats, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "sessions"), ==, 3);
  outcomes = json_object_get_object_member (root, "outcomes");
  g_assert_cmpint (json_object_get_int_member (outcomes, "escalate"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (outcomes, "resolved"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (outcomes, "unfinished"), ==, 1);
  path = json_array_get_object_element (json_object_get_array_member (root, "common_paths"), 0);
  g_assert_cmpint (json_object_get_int_member (path, "sessions"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (path, "path"), ==,
                   "applies:yes>server_role:cluster>cluster_backup:no>cluster_method2>"
                   "common_files_check:yes>common_files_escalate");
  path = json_array_get_object_element (json_object_get_array_member (root, "unfinished_stopped_at"), 0);
  g_assert_cmpstr (json_object_get_string_member (path, "node"), ==, "server_role");
}

static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_model_pages (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdHistoryModel) model = NULL;
  g_autoptr(KbdHistoryFilter) unfinished = kbd_history_filter_new ();
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  guint changes = 0;

  /* 250 sessions, every fifth left unfinished. */
  for (guint i = 0; i < 250; i++)
    {
      KbdSession *session = kbd_session_new (f->article, NULL, NULL);

      kbd_history_attach (history, session);
      if (i % 5 != 0)
        g_assert_true (kbd_session_choose (session, "no", &error));
      g_ptr_array_add (sessions, session);
      g_usleep (10);   /* distinct start times */
    }
  g_assert_true (kbd_history_flush (history, &error));

  model = kbd_history_model_new (history, NULL);
  g_signal_connect (model, "items-changed", G_CALLBACK (count_changes), &changes);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 250);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == KBD_TYPE_SESSION_RECORD);

  /* Newest first, across pages, and out of range is NULL. */
  for (guint i = 0; i < 250; i += 49)
    {
      g_autoptr(KbdSessionRecord) record = g_list_model_get_item (G_LIST_MODEL (model), i);
      KbdSession *expected = g_ptr_array_index (sessions, 249 - i);

      g_assert_cmpstr (kbd_session_record_get_uuid (record), ==, kbd_session_get_uuid (expected));
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 250));

  kbd_history_filter_set_flags (unfinished, KBD_HISTORY_FILTER_UNFINISHED);
  kbd_history_model_set_filter (model, unfinished);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 50);
  g_assert_cmpuint (changes, ==, 1);
  {
    g_autoptr(KbdSessionRecord) record = g_list_model_get_item (G_LIST_MODEL (model), 49);
    g_assert_false (kbd_session_record_get_finished (record));
    g_assert_cmpstr (kbd_session_record_get_uuid (record), ==,
                     kbd_session_get_uuid (g_ptr_array_index (sessions, 0)));
  }

  /* A new session shows after a reload. */
  {
    g_autoptr(KbdSession) late = kbd_session_new (f->article, NULL, NULL);
    g_autoptr(KbdSessionRecord) first = NULL;

    kbd_history_attach (history, late);
    g_assert_true (kbd_history_flush (history, &error));
    kbd_history_model_reload (model);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 51);
    first = g_list_model_get_item (G_LIST_MODEL (model), 0);
    g_assert_cmpstr (kbd_session_record_get_uuid (first), ==, kbd_session_get_uuid (late));
  }
}

static void
test_delete_while_writing (Fixture       *f,
                           gconstpointer  data)
{
  /* Deleting runs on the caller's thread while the writer thread commits
   * on the same connection: neither may see the other's transaction. */
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdSession) busy = kbd_session_new (f->article, "Ada", NULL);
  g_autoptr(KbdSessionRecord) record = NULL;
  guint deleted = 0;

  kbd_history_attach (history, busy);
  for (guint round = 0; round < 40; round++)
    {
      g_autoptr(KbdSession) old = kbd_session_new (f->article, NULL, NULL);

      /* A short session, written and gone again… */
      kbd_history_attach (history, old);
      g_assert_true (kbd_session_choose (old, "no", &error));
      g_assert_true (kbd_history_flush (history, &error));

      /* …while the busy one keeps the writer thread writing. */
      for (guint i = 0; i < 25; i++)
        g_assert_true (kbd_session_add_note (busy, "still working on the queue", &error));
      g_assert_true (kbd_history_delete_session (history, kbd_session_get_uuid (old), &error));
      g_assert_no_error (error);
      g_assert_cmpint (kbd_history_delete_before (history, 1, &error), ==, 0);
      g_assert_no_error (error);
      deleted++;
    }

  g_assert_true (kbd_history_flush (history, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kbd_history_count_sessions (history, NULL, &error), ==, 1);
  record = kbd_history_get_session (history, kbd_session_get_uuid (busy), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kbd_session_record_get_n_events (record), ==, 1 + 40 * 25);
  g_assert_cmpuint (deleted, ==, 40);
}

static void
test_delete_and_backup (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdSession) a = walk_escalation (history, f->article, NULL, "findme alpha");
  g_autoptr(KbdSession) b = walk_escalation (history, f->article, NULL, "findme beta");
  g_autoptr(KbdHistory) copy = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  struct stat st;

  g_assert_true (kbd_history_flush (history, &error));

  g_assert_true (kbd_history_backup (history, backup, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (backup, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_false (kbd_history_backup (history, backup, &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_IO);
  g_clear_error (&error);

  g_assert_true (kbd_history_delete_session (history, kbd_session_get_uuid (a), &error));
  g_assert_cmpint (kbd_history_count_sessions (history, NULL, &error), ==, 1);
  hits = kbd_history_search (history, "findme", 10, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_false (kbd_history_delete_session (history, kbd_session_get_uuid (a), &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (kbd_history_delete_before (history, 0, &error), ==, 0);
  g_assert_cmpint (kbd_history_delete_before (history, g_get_real_time () + 1, &error), ==, 1);
  g_assert_cmpint (kbd_history_count_sessions (history, NULL, &error), ==, 0);

  /* The backup still holds both. */
  copy = kbd_history_new (backup, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kbd_history_count_sessions (copy, NULL, &error), ==, 2);
}

static void
test_refuses_symlink (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *target = g_build_filename (f->dir, "elsewhere.db", NULL);
  g_autofree char *folder = g_path_get_dirname (f->db);
  g_autoptr(KbdHistory) history = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (symlink (target, f->db), ==, 0);

  history = kbd_history_new (f->db, &error);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_UNSAFE_PATH);
  g_assert_null (history);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
}

static void
test_symlinked_folder_works (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *real = g_build_filename (f->dir, "real", NULL);
  g_autofree char *link = g_build_filename (f->dir, "link", NULL);
  g_autofree char *db = g_build_filename (link, "history.db", NULL);
  g_autofree char *real_db = g_build_filename (real, "history.db", NULL);
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(KbdSession) session = NULL;

  g_assert_cmpint (g_mkdir (real, 0700), ==, 0);
  g_assert_cmpint (symlink (real, link), ==, 0);

  history = kbd_history_new (db, &error);
  g_assert_no_error (error);
  session = walk_escalation (history, f->article, NULL, NULL);
  g_assert_true (kbd_history_flush (history, &error));
  g_assert_true (g_file_test (real_db, G_FILE_TEST_IS_REGULAR));
}

static void
write_file (const char *path,
            const char *contents,
            gssize      len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, len, &error));
  g_assert_no_error (error);
}

static guint
count_damaged (const char *db)
{
  g_autofree char *folder = g_path_get_dirname (db);
  g_autofree char *base = g_path_get_basename (db);
  g_autofree char *prefix = g_strconcat (base, ".damaged-", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix) && !g_str_has_suffix (name, "-wal") &&
        !g_str_has_suffix (name, "-shm"))
      n++;
  return n;
}

static void
test_non_sqlite_file_is_moved_aside (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(KbdSession) session = NULL;
  const char garbage[] = "this is not a database, but somebody's notes that must not be lost\n";

  write_file (f->db, garbage, -1);

  history = kbd_history_new (f->db, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kbd_history_get_notice (history));
  g_assert_nonnull (strstr (kbd_history_get_notice (history), ".damaged-"));
  g_assert_cmpuint (count_damaged (f->db), ==, 1);

  /* The new database works. */
  session = walk_escalation (history, f->article, NULL, NULL);
  g_assert_true (kbd_history_flush (history, &error));
  g_assert_cmpint (kbd_history_count_sessions (history, NULL, &error), ==, 1);
}

static void
test_truncated_database_is_moved_aside (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdHistory) reopened = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(KbdSession) session = walk_escalation (history, f->article, NULL, "some words to fill pages");
    }
  g_assert_true (kbd_history_flush (history, &error));
  g_clear_object (&history);

  /* Cut the file in the middle of a page, with the WAL checkpointed away. */
  {
    sqlite3 *db;
    g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  g_assert_true (g_file_get_contents (f->db, &contents, &len, &error));
  g_assert_cmpuint (len, >, 8192);
  write_file (f->db, contents, len / 2 + 100);

  reopened = kbd_history_new (f->db, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kbd_history_get_notice (reopened));
  g_assert_cmpuint (count_damaged (f->db), ==, 1);
  g_assert_cmpint (kbd_history_count_sessions (reopened, NULL, &error), ==, 0);
}

static void
test_zero_length_file_is_fine (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = NULL;

  write_file (f->db, "", 0);
  history = kbd_history_new (f->db, &error);
  g_assert_no_error (error);
  g_assert_null (kbd_history_get_notice (history));
  g_assert_cmpint (kbd_history_count_sessions (history, NULL, &error), ==, 0);
  g_assert_cmpuint (count_damaged (f->db), ==, 0);
}

static void
test_newer_schema_is_read_only (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdSession) session = walk_escalation (history, f->article, NULL, NULL);
  g_autoptr(KbdSession) later = NULL;
  g_autoptr(KbdHistory) reopened = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  sqlite3 *db;

  g_assert_true (kbd_history_flush (history, &error));
  g_clear_object (&history);

  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99; PRAGMA wal_checkpoint(TRUNCATE)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (g_file_get_contents (f->db, &before, &before_len, NULL));

  reopened = kbd_history_new (f->db, &error);
  g_assert_no_error (error);
  g_assert_true (kbd_history_get_read_only (reopened));
  g_assert_nonnull (strstr (kbd_history_get_notice (reopened), "newer version"));
  g_assert_cmpint (kbd_history_count_sessions (reopened, NULL, &error), ==, 1);
  /* Searching needs nothing written: its word list is a temporary table. */
  g_assert_cmpuint (count_hits (reopened, "clus"), ==, 1);

  later = kbd_session_new (f->article, NULL, NULL);
  kbd_history_attach (reopened, later);
  g_assert_false (kbd_history_flush (reopened, &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_false (kbd_history_delete_before (reopened, G_MAXINT64, &error) >= 0);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_clear_object (&reopened);

  /* Not one byte written. */
  g_assert_true (g_file_get_contents (f->db, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
failed_cb (KbdHistory   *history,
           const GError *error,
           guint        *n_failed)
{
  g_assert_error (error, KBD_ERROR, KBD_ERROR_DISK_FULL);
  (*n_failed)++;
}

static void
test_disk_full_keeps_and_retries (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdSession) first = walk_escalation (history, f->article, NULL, NULL);
  g_autoptr(KbdSession) second = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autofree char *big = g_strnfill (12000, 'x');
  guint n_failed = 0;
  gint64 pages;

  g_assert_true (kbd_history_flush (history, &error));
  g_signal_connect (history, "write-failed", G_CALLBACK (failed_cb), &n_failed);

  /* No room for one more page. */
  g_assert_true (kbd_history_get_page_count_for_testing (history, &pages, &error));
  g_assert_true (kbd_history_set_max_page_count_for_testing (history, pages, &error));

  second = kbd_session_new (f->article, NULL, NULL);
  kbd_history_attach (history, second);
  g_assert_true (kbd_session_add_note (second, big, &error));
  g_assert_false (kbd_history_flush (history, &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_DISK_FULL);
  g_clear_error (&error);
  g_assert_cmpuint (kbd_history_get_pending (history), >, 0);

  /* Reading still works while the disk is full; the note is not stored
   * (the start may have fitted into a free page before it). */
  {
    g_autoptr(GPtrArray) stored = kbd_history_get_events (history, kbd_session_get_uuid (second), &error);

    if (stored == NULL)
      {
        g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
        g_clear_error (&error);
      }
    else
      g_assert_cmpuint (stored->len, ==, 1);
    g_assert_cmpint (kbd_history_count_sessions (history, NULL, &error), >=, 1);
    g_assert_no_error (error);
  }

  /* The session itself is intact in memory. */
  {
    g_autoptr(GPtrArray) in_memory = kbd_session_get_events (second);
    g_assert_cmpuint (in_memory->len, ==, 2);
  }

  while (n_failed == 0)
    g_main_context_iteration (NULL, TRUE);

  /* Space comes back: the queue is written once. */
  g_assert_true (kbd_history_set_max_page_count_for_testing (history, 1000000, &error));
  g_assert_true (kbd_history_flush (history, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kbd_history_get_pending (history), ==, 0);
  g_assert_cmpint (kbd_history_count_sessions (history, NULL, &error), ==, 2);
  {
    g_autoptr(KbdSessionRecord) record = kbd_history_get_session (history, kbd_session_get_uuid (second), &error);
    g_assert_cmpuint (kbd_session_record_get_n_events (record), ==, 2);
  }
}

/* A transcript is written in the language its session ran in, whatever the
 * exporting program's language: the German walk's transcript has German
 * headings (as po/de.po has them), an English walk's English ones. */
static void
test_transcript_in_session_language (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *po_path = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.de.po", NULL);
  g_autofree char *program_po = g_build_filename (KBD_TEST_SRCDIR, "..", "po", "de.po", NULL);
  g_autofree char *mo = g_build_filename (g_getenv ("KBDECIDE_LOCALEDIR") != NULL ? g_getenv ("KBDECIDE_LOCALEDIR") : "",
                                          "de", "LC_MESSAGES", "kbdecide.mo", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (f->db, &error);
  g_autoptr(KbdArticle) german = NULL;
  g_autoptr(KbdSession) session_de = NULL;
  g_autoptr(KbdSession) session_en = NULL;
  g_autoptr(KbdSessionRecord) record = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *markdown_de = NULL;
  g_autofree char *markdown_en = NULL;
  g_autofree char *text_de = NULL;
  gsize len;

  if (!g_file_test (mo, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the German catalog is not built (KBDECIDE_LOCALEDIR)");
      return;
    }
  g_assert_true (g_file_get_contents (program_po, &contents, &len, &error));
  {
    g_autoptr(GRegex) regex = g_regex_new ("\nmsgid \"What happened\"\nmsgstr \"([^\"]+)\"", 0, 0, NULL);
    g_autoptr(GMatchInfo) match = NULL;

    g_assert_true (g_regex_match (regex, contents, 0, &match));
    heading = g_match_info_fetch (match, 1);
  }
  g_assert_cmpstr (heading, !=, "What happened");

  german = kbd_article_translate_file (f->article, po_path, NULL, &error);
  g_assert_no_error (error);
  session_de = walk_escalation (history, german, "INC-DE", NULL);
  session_en = walk_escalation (history, f->article, "INC-EN", NULL);
  g_assert_true (kbd_history_flush (history, &error));

  record = kbd_history_get_session (history, kbd_session_get_uuid (session_de), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kbd_session_record_get_language (record), ==, "de");

  markdown_de = kbd_history_export (history, kbd_session_get_uuid (session_de), KBD_TRANSCRIPT_MARKDOWN, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (markdown_de, heading));
  g_assert_null (strstr (markdown_de, "What happened"));
  text_de = kbd_history_export (history, kbd_session_get_uuid (session_de), KBD_TRANSCRIPT_TEXT, &error);
  g_assert_null (strstr (text_de, "Technician:"));

  markdown_en = kbd_history_export (history, kbd_session_get_uuid (session_en), KBD_TRANSCRIPT_MARKDOWN, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (markdown_en, "What happened"));
  g_assert_null (strstr (markdown_en, heading));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add ("/Kbd/History/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("creates-private-files", test_creates_private_files);
  ADD ("transcript-in-session-language", test_transcript_in_session_language);
  ADD ("records-every-event", test_records_every_event);
  ADD ("resume-restores-exactly", test_resume_restores_exactly);
  ADD ("attach-twice-stores-once", test_attach_twice_stores_once);
  ADD ("list-filters-and-pages", test_list_filters_and_pages);
  ADD ("search-finds-notes", test_search_finds_notes);
  ADD ("search-prefixes", test_search_prefixes);
  ADD ("search-ranking", test_search_ranking);
  ADD ("migrates-schema-1", test_migrates_schema_1);
  ADD ("export-formats", test_export_formats);
  ADD ("stats", test_stats);
  ADD ("delete-and-backup", test_delete_and_backup);
  ADD ("delete-while-writing", test_delete_while_writing);
  ADD ("model-pages", test_model_pages);
  ADD ("refuses-symlink-at-database-path", test_refuses_symlink);
  ADD ("symlinked-folder-works", test_symlinked_folder_works);
  ADD ("non-sqlite-file-is-moved-aside", test_non_sqlite_file_is_moved_aside);
  ADD ("truncated-database-is-moved-aside", test_truncated_database_is_moved_aside);
  ADD ("zero-length-file-is-fine", test_zero_length_file_is_fine);
  ADD ("newer-schema-opens-read-only", test_newer_schema_is_read_only);
  ADD ("disk-full-keeps-and-retries", test_disk_full_keeps_and_retries);
#undef ADD

  return g_test_run ();
}
