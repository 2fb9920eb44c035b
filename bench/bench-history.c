/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "kbdecide.h"
#include "kbd-event-private.h"
#include "kbd-history-private.h"
#include "kbd-history-store-private.h"
#include "bench-common.h"

/* History benchmark: the library against a minimal program on the raw
 * SQLite C API with the same schema, pragmas and statements, in one run.
 * Prints a Markdown report; docs/performance.md keeps the figures.
 *
 * KBD_BENCH_SCALE (default 1.0) scales the bulk sizes, KBD_BENCH_ROUNDS
 * (default 3) sets the bulk import's alternating rounds. */

static double scale = 1.0;
static char *
temp_db (const char *dir,
         const char *name)
{
  return g_build_filename (dir, name, NULL);
}

/* Raw SQLite, the yardstick --------------------------------------------------- */

typedef struct
{
  sqlite3 *db;
  sqlite3_stmt *insert_event;
  sqlite3_stmt *update_session;
  sqlite3_stmt *insert_search;
  sqlite3_stmt *insert_session;
} Raw;

static void
raw_open (Raw        *raw,
          const char *path)
{
  g_assert_cmpint (sqlite3_open_v2 (path, &raw->db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (raw->db, 10000);
  sqlite3_exec (raw->db, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL",
                NULL, NULL, NULL);
  g_assert_cmpint (sqlite3_prepare_v2 (raw->db,
    "INSERT INTO events (uuid, session, kind, time, node, node_title, answer, label, step, done,"
    " text, position, ms, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (uuid) DO NOTHING", -1, &raw->insert_event, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw->db,
    "UPDATE sessions SET updated_at = max (updated_at, ?1), current_node = ?2, outcome = ?3,"
    " path = ?4, n_events = n_events + ?5 WHERE id = ?6", -1, &raw->update_session, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw->db,
    "INSERT INTO search (body, session) VALUES (?, ?)", -1, &raw->insert_search, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw->db,
    "INSERT INTO sessions (uuid, article_id, article_hash, article_title, technician, ticket,"
    " language, started_at, updated_at, current_node, outcome, path)"
    " VALUES (?1, 'KB312395', 'sha256:0', 'Title', 'Ada', NULL, 'en', ?2, ?2, 'applies', 0, '')",
    -1, &raw->insert_session, NULL), ==, SQLITE_OK);
}

static void
raw_close (Raw *raw)
{
  sqlite3_finalize (raw->insert_event);
  sqlite3_finalize (raw->update_session);
  sqlite3_finalize (raw->insert_search);
  sqlite3_finalize (raw->insert_session);
  sqlite3_close (raw->db);
}

static gint64
raw_new_session (Raw *raw)
{
  g_autofree char *uuid = g_uuid_string_random ();

  sqlite3_bind_text (raw->insert_session, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (raw->insert_session, 2, g_get_real_time ());
  g_assert_cmpint (sqlite3_step (raw->insert_session), ==, SQLITE_DONE);
  sqlite3_reset (raw->insert_session);
  return sqlite3_last_insert_rowid (raw->db);
}

static void
raw_event (Raw        *raw,
           gint64      session,
           int         kind,
           const char *text,
           gboolean    index_now)
{
  g_autofree char *uuid = g_uuid_string_random ();

  sqlite3_bind_text (raw->insert_event, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (raw->insert_event, 2, session);
  sqlite3_bind_int (raw->insert_event, 3, kind);
  sqlite3_bind_int64 (raw->insert_event, 4, g_get_real_time ());
  sqlite3_bind_text (raw->insert_event, 5, "cluster_backup", -1, SQLITE_STATIC);
  sqlite3_bind_text (raw->insert_event, 6, "Is there a full metabase backup?", -1, SQLITE_STATIC);
  sqlite3_bind_text (raw->insert_event, 7, "yes", -1, SQLITE_STATIC);
  sqlite3_bind_text (raw->insert_event, 8, "Yes, a backup from before the removal exists", -1, SQLITE_STATIC);
  sqlite3_bind_null (raw->insert_event, 9);
  sqlite3_bind_int (raw->insert_event, 10, 0);
  sqlite3_bind_text (raw->insert_event, 11, text, -1, SQLITE_STATIC);
  sqlite3_bind_int (raw->insert_event, 12, 0);
  sqlite3_bind_int (raw->insert_event, 13, 1500);
  sqlite3_bind_int (raw->insert_event, 14, 0);
  g_assert_cmpint (sqlite3_step (raw->insert_event), ==, SQLITE_DONE);
  sqlite3_reset (raw->insert_event);

  if (index_now)
    {
      sqlite3_bind_text (raw->insert_search, 1, text, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (raw->insert_search, 2, session);
      g_assert_cmpint (sqlite3_step (raw->insert_search), ==, SQLITE_DONE);
      sqlite3_reset (raw->insert_search);
    }
}

/* Brings a session's row up to date after @n_events of its events: once
 * per session and transaction, as the library does. */
static void
raw_update_session (Raw    *raw,
                    gint64  session,
                    guint   n_events)
{
  sqlite3_bind_int64 (raw->update_session, 1, g_get_real_time ());
  sqlite3_bind_text (raw->update_session, 2, "cluster_backup", -1, SQLITE_STATIC);
  sqlite3_bind_int (raw->update_session, 3, 0);
  sqlite3_bind_text (raw->update_session, 4, "applies:yes>cluster_backup", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (raw->update_session, 5, n_events);
  sqlite3_bind_int64 (raw->update_session, 6, session);
  g_assert_cmpint (sqlite3_step (raw->update_session), ==, SQLITE_DONE);
  sqlite3_reset (raw->update_session);
}

static void
raw_exec (Raw        *raw,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (raw->db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* Fixtures -------------------------------------------------------------------- */

static gint64
file_size (const char *path)
{
  struct stat st;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  gint64 total = 0;

  if (g_stat (path, &st) == 0)
    total += st.st_size;
  if (g_stat (wal, &st) == 0)
    total += st.st_size;
  return total;
}

/* Benchmarks ------------------------------------------------------------------- */

static void
bench_step_latency (const char *dir,
                    KbdArticle *article)
{
  g_autofree char *path = temp_db (dir, "latency.db");
  g_autofree char *raw_path = temp_db (dir, "latency-raw.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (path, &error);
  g_autoptr(KbdHistory) raw_schema = kbd_history_new (raw_path, &error);
  g_autoptr(KbdSession) session = kbd_session_new (article, "Ada", "INC-1");
  g_autoptr(GArray) caller = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) durable = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) raw_samples = g_array_new (FALSE, FALSE, sizeof (double));
  guint steps = (guint) (2000 * scale);
  double worst_caller = 0;
  Raw raw;
  gint64 raw_session;

  g_assert_no_error (error);
  kbd_history_attach (history, session);
  g_assert_true (kbd_history_flush (history, &error));

  for (guint i = 0; i < steps; i++)
    {
      double t0 = now_ms (), t1, t2;

      kbd_session_add_note (session, "checked the queue on the bridgehead server", NULL);
      t1 = now_ms ();
      g_assert_true (kbd_history_flush (history, &error));
      t2 = now_ms ();
      g_array_append_vals (caller, &(double) { t1 - t0 }, 1);
      g_array_append_vals (durable, &(double) { t2 - t0 }, 1);
      worst_caller = MAX (worst_caller, t1 - t0);
    }

  g_clear_object (&raw_schema);
  raw_open (&raw, raw_path);
  raw_session = raw_new_session (&raw);
  for (guint i = 0; i < steps; i++)
    {
      double t0 = now_ms ();

      raw_exec (&raw, "BEGIN IMMEDIATE");
      raw_event (&raw, raw_session, KBD_EVENT_NOTE, "checked the queue on the bridgehead server", TRUE);
      raw_update_session (&raw, raw_session, 1);
      raw_exec (&raw, "COMMIT");
      g_array_append_vals (raw_samples, &(double) { now_ms () - t0 }, 1);
    }
  raw_close (&raw);

  g_print ("| durable step commit, synchronous=FULL (%u steps) | median %.3f ms, p99 %.3f ms | median %.3f ms, p99 %.3f ms | %.2f× |\n",
           steps, percentile (durable, 0.5), percentile (durable, 0.99),
           percentile (raw_samples, 0.5), percentile (raw_samples, 0.99),
           percentile (raw_samples, 0.5) / percentile (durable, 0.5));
  g_print ("| time the caller's thread waits per step | median %.4f ms, max %.3f ms (frame: 16 ms) | — | — |\n",
           percentile (caller, 0.5), worst_caller);
}

/* The library's bulk import of @writes into a new database at @path. */
static double
library_bulk (const char *path,
              GPtrArray  *writes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (path, &error);
  double t0;

  g_assert_no_error (error);
  t0 = now_ms ();
  g_assert_true (kbd_history_import_writes (history, writes, &error));
  g_assert_no_error (error);
  return now_ms () - t0;
}

/* Raw: the same rows in one transaction, the index built after. */
static double
raw_bulk (const char *raw_path,
          GPtrArray  *writes)
{
  g_autoptr(GError) error = NULL;
  gint64 session = 0;
  guint n_events = 0;
  double t0;
  Raw raw;

  {
    g_autoptr(KbdHistory) schema = kbd_history_new (raw_path, &error);
    g_assert_no_error (error);
  }
  raw_open (&raw, raw_path);
  t0 = now_ms ();
  raw_exec (&raw, "BEGIN IMMEDIATE");
  for (guint i = 0; i < writes->len; i++)
    {
      KbdHistoryWrite *w = g_ptr_array_index (writes, i);
      KbdHistoryWrite *next = i + 1 < writes->len ? g_ptr_array_index (writes, i + 1) : NULL;

      if (w->event->kind == KBD_EVENT_START)
        {
          session = raw_new_session (&raw);
          n_events = 0;
        }
      raw_event (&raw, session, w->event->kind, w->event->text, FALSE);
      n_events++;
      if (next == NULL || next->event->kind == KBD_EVENT_START)
        raw_update_session (&raw, session, n_events);
    }
  raw_exec (&raw, "INSERT INTO search (body, session) SELECT article_title || char (10) || coalesce (ticket, '')"
                  " || char (10) || coalesce (technician, ''), id FROM sessions");
  /* Notes by their text, answers by question and label, as the library
   * indexes them. */
  raw_exec (&raw, "INSERT INTO search (body, session) SELECT coalesce (text, node_title || char (10) || label), session"
                  " FROM events WHERE kind IN (1, 6)");
  raw_exec (&raw, "COMMIT");
  t0 = now_ms () - t0;
  raw_close (&raw);
  return t0;
}

/* Bulk import of @n_sessions sessions, library and raw program in
 * alternating rounds on new databases (the machine's load then weighs on
 * both); prints the medians and the median of the rounds' ratios. Returns
 * the path of the library's last database, kept for the queries. */
static char *
bench_bulk (const char *dir,
            guint       n_sessions,
            guint       rounds)
{
  g_autofree char *path = temp_db (dir, "bulk.db");
  g_autofree char *raw_path = temp_db (dir, "bulk-raw.db");
  g_autoptr(GPtrArray) writes = g_ptr_array_new_with_free_func ((GDestroyNotify) kbd_history_write_free);
  g_autoptr(GArray) library_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) raw_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  GRand *rand = g_rand_new_with_seed (42);
  guint n_events;

  for (guint s = 0; s < n_sessions; s++)
    add_session_writes (writes, rand, s);
  g_rand_free (rand);
  n_events = writes->len;

  for (guint round = 0; round < rounds; round++)
    {
      double library, raw;

      remove_database (path);
      remove_database (raw_path);
      if (round % 2 == 0)
        {
          library = library_bulk (path, writes);
          raw = raw_bulk (raw_path, writes);
        }
      else
        {
          raw = raw_bulk (raw_path, writes);
          library = library_bulk (path, writes);
        }
      g_array_append_val (library_ms, library);
      g_array_append_val (raw_ms, raw);
      g_array_append_vals (ratios, &(double) { raw / library }, 1);
    }
  remove_database (raw_path);

  g_print ("| %u events in one transaction, index built after (median of %u alternating rounds) | %.0f events/s (%.1f s) | %.0f events/s (%.1f s) | %.2f× (median of rounds; lowest %.2f×) |\n",
           n_events, rounds,
           n_events / (percentile (library_ms, 0.5) / 1000), percentile (library_ms, 0.5) / 1000,
           n_events / (percentile (raw_ms, 0.5) / 1000), percentile (raw_ms, 0.5) / 1000,
           percentile (ratios, 0.5), percentile (ratios, 0.0));
  return g_steal_pointer (&path);
}

/* One round of @n sessions of ten events, each in its own transaction;
 * returns events per second. */
static double
library_sessions (KbdHistory *history,
                  KbdArticle *article,
                  guint       n)
{
  g_autoptr(GError) error = NULL;
  double t0 = now_ms ();

  /* Ten events made in memory, then attached and flushed. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KbdSession) session = kbd_session_new (article, "Ada", NULL);

      for (guint k = 0; k < 9; k++)
        kbd_session_add_note (session, "restarted the SMTP service on the node", NULL);
      kbd_history_attach (history, session);
      g_assert_true (kbd_history_flush (history, &error));
    }
  return n * 10 / ((now_ms () - t0) / 1000);
}

static double
raw_sessions (Raw   *raw,
              guint  n)
{
  double t0 = now_ms ();

  for (guint i = 0; i < n; i++)
    {
      gint64 session;

      raw_exec (raw, "BEGIN IMMEDIATE");
      session = raw_new_session (raw);
      /* The session's own search row (title, ticket, technician), as the
       * library writes it. */
      sqlite3_bind_text (raw->insert_search, 1, "Title\n\nAda", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (raw->insert_search, 2, session);
      g_assert_cmpint (sqlite3_step (raw->insert_search), ==, SQLITE_DONE);
      sqlite3_reset (raw->insert_search);
      for (guint k = 0; k < 10; k++)
        raw_event (raw, session, KBD_EVENT_NOTE, "restarted the SMTP service on the node", TRUE);
      raw_update_session (raw, session, 10);
      raw_exec (raw, "COMMIT");
    }
  return n * 10 / ((now_ms () - t0) / 1000);
}

static void
bench_sessions (const char *dir,
                KbdArticle *article)
{
  g_autofree char *path = temp_db (dir, "per-session.db");
  g_autofree char *raw_path = temp_db (dir, "per-session-raw.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (path, &error);
  g_autoptr(GArray) library_rates = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) raw_rates = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  guint n = (guint) (200 * scale);
  Raw raw;

  {
    g_autoptr(KbdHistory) schema = kbd_history_new (raw_path, &error);
    g_assert_no_error (error);
  }
  raw_open (&raw, raw_path);

  /* Rounds alternate, so both sides see the same state of the disk. */
  for (guint round = 0; round < 5; round++)
    {
      double library = library_sessions (history, article, n);
      double reference = raw_sessions (&raw, n);

      g_array_append_val (library_rates, library);
      g_array_append_val (raw_rates, reference);
      g_array_append_vals (ratios, &(double) { library / reference }, 1);
    }
  raw_close (&raw);

  g_print ("| one transaction per 10-event session (5 rounds of %u sessions) | median %.0f events/s | median %.0f events/s | %.2f× (median of rounds) |\n",
           n, percentile (library_rates, 0.5), percentile (raw_rates, 0.5), percentile (ratios, 0.5));
}

static void
bench_queries (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdHistory) history = kbd_history_new (path, &error);
  g_autoptr(KbdHistoryFilter) unfinished = kbd_history_filter_new ();
  struct { const char *label; const char *query; } searches[] = {
    { "selective (one session in 10,000)", "zeppelin" },
    { "typical (two words)", "metabase firewall" },
    { "broad (a word in every session)", "backup" },
  };
  gint64 total;

  g_assert_no_error (error);
  total = kbd_history_count_sessions (history, NULL, &error);
  kbd_history_filter_set_flags (unfinished, KBD_HISTORY_FILTER_UNFINISHED);

  {
    g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) filtered = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) last = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint i = 0; i < 30; i++)
      {
        double t0 = now_ms ();
        g_autoptr(GPtrArray) page = kbd_history_list_sessions (history, NULL, 0, 50, &error);
        g_autoptr(GPtrArray) page2 = NULL;
        g_autoptr(GPtrArray) page3 = NULL;

        g_array_append_vals (samples, &(double) { now_ms () - t0 }, 1);
        t0 = now_ms ();
        page2 = kbd_history_list_sessions (history, unfinished, 0, 50, &error);
        g_array_append_vals (filtered, &(double) { now_ms () - t0 }, 1);
        t0 = now_ms ();
        page3 = kbd_history_list_sessions (history, NULL, total - 50, 50, &error);
        g_array_append_vals (last, &(double) { now_ms () - t0 }, 1);
      }
    g_print ("| newest 50 of %" G_GINT64_FORMAT " sessions | median %.3f ms | unfinished only: %.3f ms | last page (offset %" G_GINT64_FORMAT "): %.2f ms |\n",
             total, percentile (samples, 0.5), percentile (filtered, 0.5), total - 50,
             percentile (last, 0.5));
  }

  for (guint q = 0; q < G_N_ELEMENTS (searches); q++)
    {
      g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
      guint hits = 0;

      for (guint i = 0; i < 20; i++)
        {
          double t0 = now_ms ();
          g_autoptr(GPtrArray) results = kbd_history_search (history, searches[q].query, 20, &error);

          g_array_append_vals (samples, &(double) { now_ms () - t0 }, 1);
          hits = results->len;
        }
      g_print ("| search “%s”, top 20 with snippets: %s | median %.2f ms, p99 %.2f ms | %u results | |\n",
               searches[q].query, searches[q].label, percentile (samples, 0.5),
               percentile (samples, 0.99), hits);
    }
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("kbd-bench-XXXXXX", NULL);
  g_autofree char *article_path = NULL;
  g_autofree char *bulk_path = NULL;
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(GError) error = NULL;
  const char *scale_env = g_getenv ("KBD_BENCH_SCALE");
  const char *rounds_env = g_getenv ("KBD_BENCH_ROUNDS");
  guint n_sessions;

  if (scale_env != NULL)
    scale = g_ascii_strtod (scale_env, NULL);
  article_path = g_build_filename (g_getenv ("KBD_SOURCE_ROOT") ? g_getenv ("KBD_SOURCE_ROOT") : ".",
                                   "kb", "KB312395.json", NULL);
  article = kbd_article_new_from_file (article_path, KBD_LOAD_FLAGS_NONE, &error);
  g_assert_no_error (error);

  g_print ("# History benchmark (SQLite %s, scale %.2f)\n\n", sqlite3_libversion (), scale);
  g_print ("| measure | libkbdecide | raw SQLite C API | raw ÷ library |\n| --- | --- | --- | --- |\n");

  bench_step_latency (dir, article);
  bench_sessions (dir, article);

  n_sessions = (guint) (100000 * scale);
  bulk_path = bench_bulk (dir, n_sessions, rounds_env != NULL ? MAX (1, atoi (rounds_env)) : 3);
  g_print ("| database size per 1,000 sessions (10 events each) | %.1f MB | | |\n",
           file_size (bulk_path) / 1e6 / (n_sessions / 1000.0));

  bench_queries (bulk_path);

  remove_dir (dir);
  return 0;
}
