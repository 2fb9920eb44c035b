/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <glib-unix.h>
#include <sqlite3.h>

#include "kbdecide.h"

/* Crash loop: two writer processes record sessions into one database and
 * are killed with SIGKILL at random moments, 40 rounds. Afterwards the
 * database is intact, every event whose write was acknowledged is there,
 * nothing is stored twice, and every session resumes. */

#define ROUNDS 40

typedef struct
{
  GPid pid;
  int out_fd;
  GString *buffer;
} Writer;

static void
collect_acks (Writer     *writer,
              GHashTable *acked)
{
  char chunk[4096];
  gssize n;
  char *line_end;

  while ((n = read (writer->out_fd, chunk, sizeof chunk)) > 0)
    g_string_append_len (writer->buffer, chunk, n);

  /* Only complete lines are acknowledgements; a line cut by the kill is not. */
  while ((line_end = strchr (writer->buffer->str, '\n')) != NULL)
    {
      g_auto(GStrv) parts = NULL;

      *line_end = '\0';
      parts = g_strsplit (writer->buffer->str, " ", 3);
      if (g_strv_length (parts) == 3 && g_str_equal (parts[0], "ack"))
        g_hash_table_insert (acked, g_strdup (parts[2]), g_strdup (parts[1]));
      g_string_erase (writer->buffer, 0, line_end - writer->buffer->str + 1);
    }
}

static void
spawn_writer (Writer     *writer,
              const char *db,
              const char *article,
              guint       seed)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *seed_text = g_strdup_printf ("%u", seed);
  g_autofree char *program = g_test_build_filename (G_TEST_BUILT, "history-writer", NULL);
  const char *argv[] = { program, db, article, seed_text, NULL };

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &writer->pid, NULL, &writer->out_fd, NULL,
                                           &error));
  g_assert_no_error (error);
  g_assert_true (g_unix_set_fd_nonblocking (writer->out_fd, TRUE, NULL));
  writer->buffer = g_string_new (NULL);
}

static void
test_crash_loop (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kbd-crash-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "history.db", NULL);
  g_autofree char *article_path = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
  g_autoptr(GHashTable) acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) sessions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());
  sqlite3 *raw;
  sqlite3_stmt *stmt;
  GHashTableIter iter;
  gpointer key, value;
  guint n_found = 0;

  /* The first writer creates the schema; race the second against it. */
  for (guint round = 0; round < ROUNDS; round++)
    {
      Writer writers[2];
      guint acked_before = g_hash_table_size (acked);
      gint64 started_by = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      gint64 until;

      for (guint i = 0; i < 2; i++)
        spawn_writer (&writers[i], db, article_path, round * 2 + i + 1);

      /* The kill comes at a random time once the writers are writing, not
       * after they start: a slow start (a sanitizer build, a loaded
       * machine) would otherwise leave nothing to kill mid-write. */
      while (g_hash_table_size (acked) == acked_before && g_get_monotonic_time () < started_by)
        {
          for (guint i = 0; i < 2; i++)
            collect_acks (&writers[i], acked);
          g_usleep (1000);
        }
      until = g_get_monotonic_time () + g_rand_int_range (rand, 20, 250) * 1000;
      while (g_get_monotonic_time () < until)
        {
          for (guint i = 0; i < 2; i++)
            collect_acks (&writers[i], acked);
          g_usleep (2000);
        }

      for (guint i = 0; i < 2; i++)
        {
          int status;

          kill (writers[i].pid, SIGKILL);
          g_assert_cmpint (waitpid (writers[i].pid, &status, 0), ==, writers[i].pid);
          /* It must have been killed, not died of an error of its own. */
          g_assert_true (WIFSIGNALED (status));
          collect_acks (&writers[i], acked);
          close (writers[i].out_fd);
          g_spawn_close_pid (writers[i].pid);
          g_string_free (writers[i].buffer, TRUE);
        }
    }
  g_rand_free (rand);

  g_test_message ("%u acknowledged events in %d rounds", g_hash_table_size (acked), ROUNDS);
  g_assert_cmpuint (g_hash_table_size (acked), >, 50);

  /* The database is intact. */
  g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);

  /* Every acknowledged event is there, once. */
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT count(*) FROM events WHERE uuid = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  g_hash_table_iter_init (&iter, acked);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      if (sqlite3_column_int (stmt, 0) != 1)
        g_error ("acknowledged event %s of session %s is stored %d times", (char *) key,
                 (char *) value, sqlite3_column_int (stmt, 0));
      n_found++;
      sqlite3_reset (stmt);
      g_hash_table_add (sessions, value);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (n_found, ==, g_hash_table_size (acked));

  /* Each session has one start, and the counts agree with the events. */
  g_assert_cmpint (sqlite3_prepare_v2 (raw,
                                       "SELECT count(*) FROM sessions s WHERE n_events != "
                                       "(SELECT count(*) FROM events e WHERE e.session = s.id) "
                                       "OR (SELECT count(*) FROM events e WHERE e.session = s.id AND e.kind = 0) != 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (raw);

  /* Every session with acknowledged events resumes. */
  article = kbd_article_new_from_file (article_path, KBD_LOAD_FLAGS_NONE, &error);
  g_assert_no_error (error);
  history = kbd_history_new (db, &error);
  g_assert_no_error (error);
  g_assert_null (kbd_history_get_notice (history));
  g_hash_table_iter_init (&iter, sessions);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_auto(GStrv) warnings = NULL;
      g_autoptr(KbdSession) session = kbd_history_resume (history, key, article, &warnings, &error);

      g_assert_no_error (error);
      g_assert_nonnull (session);
      g_assert_cmpuint (g_strv_length (warnings), ==, 0);
    }
  g_clear_object (&history);

  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
    g_unlink (db);
    g_rmdir (dir);
  }
}

/* Two writers at once for several seconds, while this process holds a
 * read transaction open: no error reaches either writer, nothing is lost. */
static void
test_concurrent_writers (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kbd-concurrent-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "history.db", NULL);
  g_autofree char *article_path = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
  g_autofree char *program = g_test_build_filename (G_TEST_BUILT, "history-writer", NULL);
  g_autoptr(GHashTable) acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *writers[2];
  sqlite3 *reader;
  sqlite3_stmt *stmt;
  gint64 stored;

  /* Create the database, then hold a reader open in the middle of a read. */
  history = kbd_history_new (db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (db, &reader), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (reader, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (reader, "SELECT count(*) FROM events", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  sqlite3_finalize (stmt);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *seed = g_strdup_printf ("%u", 100 + i);

      writers[i] = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                     &error, program, db, article_path, seed, "3", NULL);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_auto(GStrv) lines = NULL;

      g_assert_true (g_subprocess_communicate_utf8 (writers[i], NULL, NULL, &out, &err, &error));
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (writers[i]));
      g_assert_cmpint (g_subprocess_get_exit_status (writers[i]), ==, 0);
      /* Not one busy or locked error reached a writer. */
      g_assert_cmpstr (err, ==, "");
      lines = g_strsplit (out, "\n", -1);
      for (guint l = 0; lines[l] != NULL; l++)
        {
          g_auto(GStrv) parts = g_strsplit (lines[l], " ", 3);

          if (g_strv_length (parts) == 3)
            g_hash_table_insert (acked, g_strdup (parts[2]), g_strdup (parts[1]));
        }
      g_object_unref (writers[i]);
    }

  sqlite3_exec (reader, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (reader);

  g_assert_cmpuint (g_hash_table_size (acked), >, 100);
  stored = 0;
  {
    g_autoptr(GPtrArray) all = kbd_history_list_sessions (history, NULL, 0, G_MAXUINT, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < all->len; i++)
      stored += kbd_session_record_get_n_events (g_ptr_array_index (all, i));
  }
  /* Every acknowledged event is stored; at most the last unacknowledged
   * batch of each writer more. */
  g_assert_cmpint (stored, >=, g_hash_table_size (acked));
  g_clear_object (&history);

  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
    g_unlink (db);
    g_rmdir (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Kbd/History/crash-loop-loses-no-acknowledged-event", test_crash_loop);
  g_test_add_func ("/Kbd/History/concurrent-writers-see-no-busy-error", test_concurrent_writers);

  return g_test_run ();
}
