/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "kbd-error.h"
#include "kbd-event-private.h"
#include "kbd-history-store-private.h"
#include "kbd-private.h"
#include "kbd-text.h"

/* The SQLite history store.
 *
 * Durability: WAL, synchronous=FULL (a COMMIT that returned is on disk),
 * every write transaction BEGIN IMMEDIATE (a deferred one that later writes
 * fails with SQLITE_BUSY at once, whatever the busy timeout), a busy
 * timeout, foreign keys on. Events are inserted by their UUID with ON
 * CONFLICT DO NOTHING, so retrying a COMMIT whose outcome was unknown never
 * stores an event twice. The full-text index is written in the same
 * transaction as the events, by the store, not by triggers. */

#define SCHEMA_VERSION 2
#define BUSY_TIMEOUT_MS 10000
/* Search: how many of the newest matching entries are ranked, how many
 * indexed words a typed word may stand for before FTS5's own prefix
 * matching is used, how many typed words count, and how many of a word's
 * newest entries estimate how common it is. */
#define SEARCH_CANDIDATES 1000
#define SEARCH_MAX_TERMS 64
#define SEARCH_MAX_WORDS 16
#define SEARCH_SAMPLE 256

struct _KbdHistoryStore
{
  sqlite3 *db;
  char *filename;
  gboolean read_only;
  /* The session the last write was for: a session's events usually come
   * one transaction at a time, and need its row only once. */
  char *cached_session_uuid;
  gint64 cached_session_id;
  /* The write path's statements, prepared once per connection. */
  sqlite3_stmt *insert_session;
  sqlite3_stmt *find_session;
  sqlite3_stmt *insert_event;
  sqlite3_stmt *update_session;
  sqlite3_stmt *insert_search;
  /* The search's FTS5 extension interface, tokenizer and word lookup, set
   * up at the first search. */
  fts5_api *fts5;
  fts5_tokenizer tokenizer_class;
  Fts5Tokenizer *tokenizer;
  sqlite3_stmt *first_term;
};

static const char schema_v1[] =
  "CREATE TABLE sessions ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  article_id TEXT NOT NULL,"
  "  article_hash TEXT NOT NULL,"
  "  article_title TEXT NOT NULL,"
  "  technician TEXT,"
  "  ticket TEXT,"
  "  language TEXT NOT NULL,"
  "  started_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  current_node TEXT NOT NULL,"
  "  outcome INTEGER NOT NULL DEFAULT 0,"
  "  path TEXT NOT NULL DEFAULT '',"
  "  n_events INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX sessions_by_start ON sessions (started_at DESC, id DESC);"
  "CREATE INDEX sessions_by_article ON sessions (article_id, started_at DESC);"
  "CREATE INDEX sessions_by_outcome ON sessions (outcome, started_at DESC);"
  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  session INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  kind INTEGER NOT NULL,"
  "  time INTEGER NOT NULL,"
  "  node TEXT,"
  "  node_title TEXT,"
  "  answer TEXT,"
  "  label TEXT,"
  "  step TEXT,"
  "  done INTEGER NOT NULL DEFAULT 0,"
  "  text TEXT,"
  "  position INTEGER NOT NULL DEFAULT 0,"
  "  ms INTEGER NOT NULL DEFAULT 0,"
  "  result INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX events_by_session ON events (session, id);"
  "CREATE VIRTUAL TABLE search USING fts5 ("
  "  body, session UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'"
  ");";

/* Each entry migrates from version i + 1 to i + 2. */
static const char *const migrations[] = {
  /* 2: a prefix index for words of one and two characters, where a search
   * while typing would otherwise merge the entries of every word that
   * starts with them. Longer prefixes are looked up word by word. */
  "CREATE VIRTUAL TABLE search_v2 USING fts5 ("
  "  body, session UNINDEXED, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2'"
  ");"
  "INSERT INTO search_v2 (rowid, body, session) SELECT rowid, body, session FROM search;"
  "DROP TABLE search;"
  "ALTER TABLE search_v2 RENAME TO search;",
};

static int
error_code_for (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      return KBD_ERROR_DISK_FULL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return KBD_ERROR_BUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return KBD_ERROR_CORRUPT;
    case SQLITE_READONLY:
      return KBD_ERROR_READ_ONLY;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return KBD_ERROR_IO;
    default:
      return KBD_ERROR_DATABASE;
    }
}

static gboolean
fail_sqlite (KbdHistoryStore *store,
             int              rc,
             GError         **error)
{
  int code = error_code_for (rc);

  if (code == KBD_ERROR_DISK_FULL)
    g_set_error (error, KBD_ERROR, code,
                 _("%s: the disk is full; the session is kept in memory and saved when there is space"),
                 store->filename);
  else
    g_set_error (error, KBD_ERROR, code, "%s: %s", store->filename,
                 store->db != NULL ? sqlite3_errmsg (store->db) : sqlite3_errstr (rc));
  return FALSE;
}

static gboolean
exec (KbdHistoryStore *store,
      const char      *sql,
      GError         **error)
{
  int rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return fail_sqlite (store, rc, error);
  return TRUE;
}

static sqlite3_stmt *
prepare (KbdHistoryStore *store,
         const char      *sql,
         GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      fail_sqlite (store, rc, error);
      return NULL;
    }
  return stmt;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static gboolean
rollback (KbdHistoryStore *store)
{
  if (!sqlite3_get_autocommit (store->db))
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* A COMMIT that fails has an unknown outcome: the transaction is rolled
 * back if it is still open, and the caller retries; events are idempotent. */
static gboolean
commit (KbdHistoryStore *store,
        GError         **error)
{
  int rc = sqlite3_exec (store->db, "COMMIT", NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    return TRUE;
  fail_sqlite (store, rc, error);
  return rollback (store);
}

static gboolean
pragma_int (KbdHistoryStore *store,
            const char      *sql,
            gint64          *out,
            GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return fail_sqlite (store, rc, error);
  *out = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static void
store_free (KbdHistoryStore *store)
{
  if (store == NULL)
    return;
  g_clear_pointer (&store->insert_session, sqlite3_finalize);
  g_clear_pointer (&store->find_session, sqlite3_finalize);
  g_clear_pointer (&store->insert_event, sqlite3_finalize);
  g_clear_pointer (&store->update_session, sqlite3_finalize);
  g_clear_pointer (&store->insert_search, sqlite3_finalize);
  g_clear_pointer (&store->first_term, sqlite3_finalize);
  if (store->tokenizer != NULL)
    store->tokenizer_class.xDelete (store->tokenizer);
  if (store->db != NULL)
    sqlite3_close_v2 (store->db);
  g_free (store->filename);
  g_free (store->cached_session_uuid);
  g_free (store);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbdHistoryStore, store_free)

static gboolean
refuse_symlink (const char  *path,
                GError     **error)
{
  struct stat st;

  if (g_lstat (path, &st) == 0 && S_ISLNK (st.st_mode))
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_UNSAFE_PATH,
                   _("%s: is a symbolic link; history is never written through a link at the database path"),
                   path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_paths (const char  *filename,
             GError     **error)
{
  g_autofree char *wal = g_strconcat (filename, "-wal", NULL);
  g_autofree char *shm = g_strconcat (filename, "-shm", NULL);

  return refuse_symlink (filename, error) && refuse_symlink (wal, error) &&
         refuse_symlink (shm, error);
}

static gboolean
configure (KbdHistoryStore *store,
           GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int persist = 1;

  sqlite3_busy_timeout (store->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (store->db, 1);

  if (!exec (store, "PRAGMA foreign_keys = ON", error))
    return FALSE;

  if (store->read_only)
    return TRUE;

  /* Keep the WAL file when closing: a full disk then still lets a new
   * connection open and read. */
  sqlite3_file_control (store->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);

  stmt = prepare (store, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return fail_sqlite (store, sqlite3_errcode (store->db), error);
  if (g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") != 0)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_DATABASE,
                   _("%s: the database cannot use write-ahead logging"), store->filename);
      return FALSE;
    }

  return exec (store, "PRAGMA synchronous = FULL", error);
}

/* Runs quick_check; FALSE with KBD_ERROR_CORRUPT when the file is not a
 * healthy SQLite database. */
static gboolean
check_integrity (KbdHistoryStore *store,
                 GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (store->db, "PRAGMA quick_check", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return fail_sqlite (store, rc, error);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return fail_sqlite (store, rc, error);

  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_CORRUPT, _("%s: the database is damaged: %s"),
                   store->filename, (const char *) sqlite3_column_text (stmt, 0));
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_user_version (KbdHistoryStore *store,
                  int              version,
                  GError         **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", version);
  return exec (store, sql, error);
}

/* Brings the schema to SCHEMA_VERSION. Two processes may start at once:
 * the version is read again inside an immediate transaction, so the work
 * is done exactly once. */
static gboolean
migrate (KbdHistoryStore *store,
         GError         **error)
{
  gint64 version;
  gboolean migrated = FALSE;

  if (!pragma_int (store, "PRAGMA user_version", &version, error))
    return FALSE;
  if (version == SCHEMA_VERSION)
    return TRUE;

  if (version > 0 && version < SCHEMA_VERSION)
    {
      /* A copy of the database as it was, before anything changes. */
      g_autofree char *backup = g_strdup_printf ("%s.v%" G_GINT64_FORMAT ".bak",
                                                 store->filename, version);
      g_autoptr(sqlite3_stmt) stmt = NULL;

      if (!g_file_test (backup, G_FILE_TEST_EXISTS))
        {
          stmt = prepare (store, "VACUUM INTO ?", error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_text (stmt, 1, backup, -1, SQLITE_TRANSIENT);
          if (sqlite3_step (stmt) != SQLITE_DONE)
            return fail_sqlite (store, sqlite3_errcode (store->db), error);
        }
    }

  if (!exec (store, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (!pragma_int (store, "PRAGMA user_version", &version, error))
    goto rollback;

  if (version == 0)
    {
      if (!exec (store, schema_v1, error))
        goto rollback;
      version = 1;
    }

  while (version < SCHEMA_VERSION)
    {
      if (!exec (store, migrations[version - 1], error))
        goto rollback;
      version++;
      migrated = TRUE;
    }

  if (!set_user_version (store, SCHEMA_VERSION, error))
    goto rollback;

  if (!commit (store, error))
    return FALSE;

  /* A migration may rewrite most of the file into the log: fold it back
   * now rather than leave every read to look there. Without waiting: a
   * reader in another program leaves the rest to a later checkpoint. */
  if (migrated)
    {
      sqlite3_busy_timeout (store->db, 0);
      sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
      sqlite3_busy_timeout (store->db, BUSY_TIMEOUT_MS);
    }
  return TRUE;

rollback:
  return rollback (store);
}

static KbdHistoryStore *
open_connection (const char          *filename,
                 gboolean             read_only,
                 GError             **error)
{
  g_autoptr(KbdHistoryStore) store = g_new0 (KbdHistoryStore, 1);
  /* One thread at a time uses a connection (KbdHistory serialises the write
   * connection with its store lock), so SQLite need not lock each call. */
  int flags = SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  int rc;

  store->filename = g_strdup (filename);
  store->read_only = read_only;

  rc = sqlite3_open_v2 (filename, &store->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      fail_sqlite (store, rc, error);
      return NULL;
    }

  if (!configure (store, error))
    return NULL;

  return g_steal_pointer (&store);
}

static gboolean
move_aside (const char  *filename,
            char       **moved_to,
            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = g_strdup_printf ("%s.damaged-%s", filename, stamp);
  static const char *const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (filename, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);

      if (g_rename (from, to) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, KBD_ERROR, KBD_ERROR_IO,
                       _("%s: cannot move the damaged database aside: %s"),
                       from, g_strerror (saved_errno));
          return FALSE;
        }
    }

  *moved_to = g_steal_pointer (&target);
  return TRUE;
}

static gboolean
create_private_file (const char  *filename,
                     GError     **error)
{
  int fd = g_open (filename, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, KBD_ERROR, saved_errno == ELOOP ? KBD_ERROR_UNSAFE_PATH : KBD_ERROR_IO,
                   _("%s: cannot create the history database: %s"),
                   filename, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static KbdHistoryStore *open_once (const char           *filename,
                                   KbdHistoryStoreMode   mode,
                                   char                **notice,
                                   GError              **error);

/* Two programs opening a new database at once can meet in SQLite's
 * rollback-journal mode, before WAL is on, where a lock conflict that could
 * deadlock returns SQLITE_BUSY without waiting. Opening is retried then. */
static KbdHistoryStore *
sqlite_open (const char           *filename,
             KbdHistoryStoreMode   mode,
             char                **notice,
             GError              **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) BUSY_TIMEOUT_MS * 1000;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      KbdHistoryStore *store = open_once (filename, mode, notice, &local_error);

      if (store != NULL)
        return store;
      if (!g_error_matches (local_error, KBD_ERROR, KBD_ERROR_BUSY) ||
          g_get_monotonic_time () > deadline)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_usleep (g_random_int_range (5, 50) * 1000);
    }
}

static KbdHistoryStore *
open_once (const char           *filename,
           KbdHistoryStoreMode   mode,
           char                **notice,
           GError              **error)
{
  g_autoptr(KbdHistoryStore) store = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *real_directory = NULL;
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  gint64 version = 0;

  kbd_i18n_init ();

  /* A symlinked data folder is fine: resolve the folder first, then refuse
   * a link at the database path itself. */
  directory = g_path_get_dirname (filename);
  base = g_path_get_basename (filename);
  if (mode == KBD_HISTORY_STORE_READ_WRITE && g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, KBD_ERROR, KBD_ERROR_IO, _("%s: cannot create the folder: %s"),
                   directory, g_strerror (saved_errno));
      return NULL;
    }
  real_directory = realpath (directory, NULL);
  if (real_directory == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, KBD_ERROR, KBD_ERROR_IO, _("%s: %s"), directory,
                   g_strerror (saved_errno));
      return NULL;
    }
  path = g_build_filename (real_directory, base, NULL);

  if (!check_paths (path, error))
    return NULL;

  if (mode == KBD_HISTORY_STORE_READ_WRITE && !create_private_file (path, error))
    return NULL;

  store = open_connection (path, mode == KBD_HISTORY_STORE_READ_ONLY, &local_error);
  if (store != NULL && !check_integrity (store, &local_error))
    g_clear_pointer (&store, store_free);

  if (store == NULL)
    {
      g_autofree char *moved_to = NULL;

      if (!g_error_matches (local_error, KBD_ERROR, KBD_ERROR_CORRUPT) ||
          mode == KBD_HISTORY_STORE_READ_ONLY)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      /* Never replaced silently: moved aside, with a way back. */
      if (!move_aside (path, &moved_to, error) || !create_private_file (path, error))
        return NULL;
      if (notice != NULL)
        *notice = g_strdup_printf (_("The history database was damaged. It was moved to %s and a new one was started. "
                                     "To recover what it holds, run: sqlite3 %s .recover | sqlite3 %s.recovered"),
                                   moved_to, moved_to, moved_to);
      g_clear_error (&local_error);
      store = open_connection (path, FALSE, error);
      if (store == NULL)
        return NULL;
    }

  if (!pragma_int (store, "PRAGMA user_version", &version, error))
    return NULL;

  if (version > SCHEMA_VERSION)
    {
      if (notice != NULL)
        *notice = g_strdup_printf (_("The history database %s was written by a newer version of KB Decide (schema %lld). "
                                     "It is opened read-only: sessions can be read but nothing is recorded."),
                                   path, (long long) version);
      if (!store->read_only)
        {
          g_clear_pointer (&store, store_free);
          store = open_connection (path, TRUE, error);
          if (store == NULL)
            return NULL;
        }
      return g_steal_pointer (&store);
    }

  if (mode == KBD_HISTORY_STORE_READ_ONLY)
    {
      if (version < SCHEMA_VERSION)
        {
          g_set_error (error, KBD_ERROR, KBD_ERROR_READ_ONLY,
                       _("%s: the database has not been set up yet"), path);
          return NULL;
        }
      return g_steal_pointer (&store);
    }

  if (!migrate (store, error))
    return NULL;

  return g_steal_pointer (&store);
}

static void
sqlite_close (KbdHistoryStore *store)
{
  store_free (store);
}

static gboolean
sqlite_is_read_only (KbdHistoryStore *store)
{
  return store->read_only;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
step_done (KbdHistoryStore *store,
           sqlite3_stmt    *stmt,
           GError         **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return fail_sqlite (store, rc, error);
  return TRUE;
}

/* A failure here fails the transaction: SQLite may already have rolled
 * it back (a full disk while FTS5 writes), and an event must never be
 * stored without its search row. */
static gboolean
add_search_row (KbdHistoryStore  *store,
                sqlite3_stmt     *stmt,
                gint64            session_id,
                const char       *body,
                GError          **error)
{
  if (body == NULL || body[0] == '\0')
    return TRUE;
  sqlite3_bind_text (stmt, 1, body, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, session_id);
  return step_done (store, stmt, error);
}

/* What search finds a session by: its article's title, ticket and
 * technician. */
static char *
session_search_text (KbdHistoryWrite *w)
{
  return g_strjoin ("\n", w->article_title, w->ticket ? w->ticket : "",
                    w->technician ? w->technician : "", NULL);
}

/* An answer is found by its question and its label, as plain text: the
 * inline marks are not words. */
static char *
answer_search_text (KbdEvent *event)
{
  g_autofree char *question = kbd_text_render (event->node_title ? event->node_title : "",
                                               KBD_TEXT_FORMAT_PLAIN);
  g_autofree char *label = kbd_text_render (event->label ? event->label : "",
                                            KBD_TEXT_FORMAT_PLAIN);

  return g_strconcat (question, "\n", label, NULL);
}

/* The newest state of one session, written to its row once per run of
 * its events in a transaction rather than once per event. */
typedef struct
{
  gint64 id;
  KbdHistoryWrite *last;   /* the session's state after its newest event */
  gint64 time;             /* the newest event time */
  guint count;             /* events inserted since the last flush */
} SessionUpdate;

static gboolean
flush_session_update (KbdHistoryStore *store,
                      sqlite3_stmt    *stmt,
                      SessionUpdate   *update,
                      GError         **error)
{
  if (update->count == 0)
    return TRUE;

  sqlite3_bind_int64 (stmt, 1, update->time);
  sqlite3_bind_text (stmt, 2, update->last->current_node, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, update->last->outcome);
  sqlite3_bind_text (stmt, 4, update->last->path != NULL ? update->last->path : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, update->count);
  sqlite3_bind_int64 (stmt, 6, update->id);
  update->count = 0;
  return step_done (store, stmt, error);
}

static sqlite3_stmt *
prepare_persistent (KbdHistoryStore *store,
                    const char      *sql,
                    GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      fail_sqlite (store, rc, error);
      return NULL;
    }
  return stmt;
}

/* Prepares the write path's statements on first use; they live as long as
 * the connection, so a one-event transaction does not pay for parsing SQL. */
static gboolean
prepare_writes (KbdHistoryStore  *store,
                GError          **error)
{
  if (store->insert_search != NULL)
    return TRUE;

  if (store->insert_session == NULL)
    store->insert_session = prepare_persistent (store,
      "INSERT INTO sessions (uuid, article_id, article_hash, article_title, technician, ticket,"
      " language, started_at, updated_at, current_node, outcome, path)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11)"
      " ON CONFLICT (uuid) DO NOTHING", error);
  if (store->insert_session != NULL && store->find_session == NULL)
    store->find_session = prepare_persistent (store, "SELECT id FROM sessions WHERE uuid = ?", error);
  if (store->find_session != NULL && store->insert_event == NULL)
    store->insert_event = prepare_persistent (store,
      "INSERT INTO events (uuid, session, kind, time, node, node_title, answer, label, step, done,"
      " text, position, ms, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (uuid) DO NOTHING", error);
  if (store->insert_event != NULL && store->update_session == NULL)
    store->update_session = prepare_persistent (store,
      "UPDATE sessions SET updated_at = max (updated_at, ?1), current_node = ?2, outcome = ?3,"
      " path = ?4, n_events = n_events + ?5 WHERE id = ?6", error);
  if (store->update_session != NULL)
    store->insert_search = prepare_persistent (store,
      "INSERT INTO search (body, session) VALUES (?, ?)", error);
  return store->insert_search != NULL;
}

/* Writes events in one transaction. With @defer_search the full-text
 * rows are built after the inserts, in one statement, as a bulk import
 * wants; otherwise row by row, as they come. */
static gboolean
write_events (KbdHistoryStore  *store,
              KbdHistoryWrite **writes,
              guint             n_writes,
              gboolean          defer_search,
              GError          **error)
{
  gint64 session_id = 0;
  g_autofree char *pending_uuid = NULL;
  gint64 pending_id = 0;
  g_autofree gboolean *inserted = defer_search ? g_new0 (gboolean, n_writes) : NULL;
  g_autofree gint64 *session_ids = defer_search ? g_new0 (gint64, n_writes) : NULL;
  sqlite3_stmt *insert_session, *find_session, *insert_event, *update_session, *insert_search;
  SessionUpdate update = { 0, };
  int rc;

  if (store->read_only)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_READ_ONLY,
                   _("%s: the history is read-only"), store->filename);
      return FALSE;
    }

  if (!prepare_writes (store, error))
    return FALSE;
  insert_session = store->insert_session;
  find_session = store->find_session;
  insert_event = store->insert_event;
  update_session = store->update_session;
  insert_search = store->insert_search;

  rc = sqlite3_exec (store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return fail_sqlite (store, rc, error);


  for (guint i = 0; i < n_writes; i++)
    {
      KbdHistoryWrite *w = writes[i];
      KbdEvent *event = w->event;

      /* Consecutive events of one session need its row only once. */
      if (i > 0 && g_str_equal (w->session_uuid, writes[i - 1]->session_uuid))
        goto insert_event;
      if (g_strcmp0 (w->session_uuid, store->cached_session_uuid) == 0)
        {
          session_id = store->cached_session_id;
          goto insert_event;
        }

      sqlite3_bind_text (insert_session, 1, w->session_uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert_session, 2, w->article_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert_session, 3, w->article_hash, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert_session, 4, w->article_title, -1, SQLITE_STATIC);
      bind_text_or_null (insert_session, 5, w->technician);
      bind_text_or_null (insert_session, 6, w->ticket);
      sqlite3_bind_text (insert_session, 7, w->language, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (insert_session, 8, w->started_at);
      sqlite3_bind_text (insert_session, 9, w->current_node, -1, SQLITE_STATIC);
      sqlite3_bind_int (insert_session, 10, w->outcome);
      sqlite3_bind_text (insert_session, 11, "", -1, SQLITE_STATIC);
      if (!step_done (store, insert_session, error))
        goto rollback;

      if (sqlite3_changes (store->db) == 1)
        {
          /* A new row: its id is at hand. */
          session_id = sqlite3_last_insert_rowid (store->db);
          if (!defer_search)
            {
              g_autofree char *body = session_search_text (w);
              if (!add_search_row (store, insert_search, session_id, body, error))
                goto rollback;
            }
        }
      else
        {
          sqlite3_bind_text (find_session, 1, w->session_uuid, -1, SQLITE_STATIC);
          rc = sqlite3_step (find_session);
          if (rc != SQLITE_ROW)
            {
              sqlite3_reset (find_session);
              fail_sqlite (store, rc == SQLITE_DONE ? SQLITE_INTERNAL : rc, error);
              goto rollback;
            }
          session_id = sqlite3_column_int64 (find_session, 0);
          sqlite3_reset (find_session);
        }
      /* Trusted only once this transaction commits. */
      g_free (pending_uuid);
      pending_uuid = g_strdup (w->session_uuid);
      pending_id = session_id;

insert_event:
      /* The session row is brought up to date once per run of its events. */
      if (update.count > 0 && update.id != session_id &&
          !flush_session_update (store, update_session, &update, error))
        goto rollback;

      sqlite3_bind_text (insert_event, 1, event->uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (insert_event, 2, session_id);
      sqlite3_bind_int (insert_event, 3, event->kind);
      sqlite3_bind_int64 (insert_event, 4, event->time);
      bind_text_or_null (insert_event, 5, event->node_id);
      bind_text_or_null (insert_event, 6, event->node_title);
      bind_text_or_null (insert_event, 7, event->answer_id);
      bind_text_or_null (insert_event, 8, event->label);
      bind_text_or_null (insert_event, 9, event->step_id);
      sqlite3_bind_int (insert_event, 10, event->done);
      bind_text_or_null (insert_event, 11, event->text);
      sqlite3_bind_int64 (insert_event, 12, event->position);
      /* A clock that jumped must not overflow the conversion. */
      sqlite3_bind_int64 (insert_event, 13, (gint64) (CLAMP (event->seconds, 0, 1e12) * 1000 + 0.5));
      sqlite3_bind_int (insert_event, 14, event->result);
      if (!step_done (store, insert_event, error))
        goto rollback;

      /* Already stored (a retry after an unknown COMMIT outcome): nothing
       * else to do for this event. */
      if (sqlite3_changes (store->db) == 0)
        continue;
      if (defer_search)
        {
          inserted[i] = TRUE;
          session_ids[i] = session_id;
        }

      update.id = session_id;
      update.last = w;
      update.time = update.count > 0 ? MAX (update.time, event->time) : event->time;
      update.count++;

      if (defer_search)
        continue;
      if (event->kind == KBD_EVENT_NOTE)
        {
          if (!add_search_row (store, insert_search, session_id, event->text, error))
            goto rollback;
        }
      else if (event->kind == KBD_EVENT_ANSWER)
        {
          g_autofree char *body = answer_search_text (event);
          if (!add_search_row (store, insert_search, session_id, body, error))
            goto rollback;
        }
    }

  /* A bulk import indexes after all rows are in: one pass over what was
   * new, in the same transaction. */
  for (guint i = 0; defer_search && i < n_writes; i++)
    {
      KbdHistoryWrite *w = writes[i];

      if (!inserted[i])
        continue;
      if (w->event->kind == KBD_EVENT_START)
        {
          g_autofree char *body = session_search_text (w);
          if (!add_search_row (store, insert_search, session_ids[i], body, error))
            goto rollback;
        }
      else if (w->event->kind == KBD_EVENT_NOTE)
        {
          if (!add_search_row (store, insert_search, session_ids[i], w->event->text, error))
            goto rollback;
        }
      else if (w->event->kind == KBD_EVENT_ANSWER)
        {
          g_autofree char *body = answer_search_text (w->event);
          if (!add_search_row (store, insert_search, session_ids[i], body, error))
            goto rollback;
        }
    }

  if (!flush_session_update (store, update_session, &update, error))
    goto rollback;
  if (!commit (store, error))
    return FALSE;
  if (pending_uuid != NULL)
    {
      g_free (store->cached_session_uuid);
      store->cached_session_uuid = g_steal_pointer (&pending_uuid);
      store->cached_session_id = pending_id;
    }
  return TRUE;

rollback:
  return rollback (store);
}

static gboolean
sqlite_write (KbdHistoryStore  *store,
              KbdHistoryWrite **writes,
              guint             n_writes,
              GError          **error)
{
  return write_events (store, writes, n_writes, FALSE, error);
}

static gboolean
sqlite_import (KbdHistoryStore  *store,
               KbdHistoryWrite **writes,
               guint             n_writes,
               GError          **error)
{
  return write_events (store, writes, n_writes, TRUE, error);
}

/* Reading ------------------------------------------------------------------ */

#define RECORD_COLUMNS \
  "s.uuid, s.article_id, s.article_title, s.article_hash, s.technician, s.ticket, s.language," \
  " s.started_at, s.updated_at, s.current_node, s.outcome, s.n_events"

static KbdSessionRecord *
record_from_row (sqlite3_stmt *stmt,
                 const char   *snippet)
{
  KbdSessionRecord *record = kbd_session_record_new ();

  kbd_session_record_set (record,
                          (const char *) sqlite3_column_text (stmt, 0),
                          (const char *) sqlite3_column_text (stmt, 1),
                          (const char *) sqlite3_column_text (stmt, 2),
                          (const char *) sqlite3_column_text (stmt, 3),
                          (const char *) sqlite3_column_text (stmt, 4),
                          (const char *) sqlite3_column_text (stmt, 5),
                          (const char *) sqlite3_column_text (stmt, 6),
                          sqlite3_column_int64 (stmt, 7),
                          sqlite3_column_int64 (stmt, 8),
                          (const char *) sqlite3_column_text (stmt, 9),
                          sqlite3_column_int (stmt, 10),
                          (guint) sqlite3_column_int (stmt, 11),
                          snippet);
  return record;
}

/* Appends the WHERE clause for @filter and returns the values to bind, in
 * order, as GVariants. */
static GPtrArray *
build_where (GString                    *sql,
             const KbdHistoryFilterData *filter)
{
  GPtrArray *values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  const char *glue = " WHERE ";

  if (filter == NULL)
    return values;

#define ADD_CONDITION(text, value) \
  G_STMT_START { \
    g_string_append (sql, glue); \
    g_string_append (sql, text); \
    g_ptr_array_add (values, g_variant_ref_sink (value)); \
    glue = " AND "; \
  } G_STMT_END

  if (filter->article_id != NULL)
    ADD_CONDITION ("s.article_id = ?", g_variant_new_string (filter->article_id));
  if (filter->outcome_set)
    ADD_CONDITION ("s.outcome = ?", g_variant_new_int64 (filter->outcome));
  if (filter->flags & KBD_HISTORY_FILTER_UNFINISHED)
    ADD_CONDITION ("s.outcome = ?", g_variant_new_int64 (KBD_OUTCOME_NONE));
  if (filter->technician != NULL)
    ADD_CONDITION ("s.technician = ?", g_variant_new_string (filter->technician));
  if (filter->since != 0)
    ADD_CONDITION ("s.started_at >= ?", g_variant_new_int64 (filter->since));
  if (filter->until != 0)
    ADD_CONDITION ("s.started_at < ?", g_variant_new_int64 (filter->until));

#undef ADD_CONDITION

  return values;
}

static void
bind_values (sqlite3_stmt *stmt,
             GPtrArray    *values)
{
  for (guint i = 0; i < values->len; i++)
    {
      GVariant *value = g_ptr_array_index (values, i);

      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        sqlite3_bind_text (stmt, i + 1, g_variant_get_string (value, NULL), -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_int64 (stmt, i + 1, g_variant_get_int64 (value));
    }
}

static GPtrArray *
sqlite_list (KbdHistoryStore            *store,
             const KbdHistoryFilterData *filter,
             guint                       offset,
             guint                       limit,
             GError                    **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT " RECORD_COLUMNS " FROM sessions s");
  g_autoptr(GPtrArray) values = build_where (sql, filter);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  g_string_append (sql, " ORDER BY s.started_at DESC, s.id DESC LIMIT ? OFFSET ?");
  stmt = prepare (store, sql->str, error);
  if (stmt == NULL)
    return NULL;
  bind_values (stmt, values);
  sqlite3_bind_int64 (stmt, values->len + 1, limit);
  sqlite3_bind_int64 (stmt, values->len + 2, offset);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (records, record_from_row (stmt, NULL));
  if (rc != SQLITE_DONE)
    {
      fail_sqlite (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&records);
}

static gint64
sqlite_count (KbdHistoryStore            *store,
              const KbdHistoryFilterData *filter,
              GError                    **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT count(*) FROM sessions s");
  g_autoptr(GPtrArray) values = build_where (sql, filter);
  g_autoptr(sqlite3_stmt) stmt = prepare (store, sql->str, error);
  int rc;

  if (stmt == NULL)
    return -1;
  bind_values (stmt, values);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      fail_sqlite (store, rc, error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/* Search --------------------------------------------------------------------
 *
 * What a person typed becomes an FTS5 expression that cannot be a syntax
 * error. The index's own tokenizer splits it into words, so each word is
 * folded exactly as the indexed text was. Every word must match as a
 * prefix: the last may still be being typed, and the others may be cut
 * short on purpose.
 *
 * FTS5 matches a prefix by merging the entries of every indexed word that
 * starts with it, before it returns a single row and whatever the LIMIT. So
 * a prefix of one or two characters is answered by the table's prefix
 * index, and a longer one is replaced by the indexed words it stands for
 * ("backu" becomes "backup" OR "backups"), found in FTS5's word list; FTS5
 * then walks their entries lazily, newest first. A prefix that stands for
 * no word means that nothing can match; one that stands for more than
 * SEARCH_MAX_TERMS words is left to FTS5.
 *
 * Ranking is BM25 over the newest SEARCH_CANDIDATES matching entries, by
 * the store's own FTS5 function kbd_rank(). FTS5's bm25() counts every entry
 * of every phrase on its first call to weigh the words, which for a word
 * found in every session is most of the search; kbd_rank() takes the
 * weights from the caller, who estimates how common each word is from how
 * closely its newest SEARCH_SAMPLE entries lie (the exact count when it has
 * fewer). With one word the weight does not change the order, and is not
 * estimated at all. */

#define BM25_K1 1.2
#define BM25_B 0.75
#define RANK_WEIGHTS_TYPE "kbd_rank_weights"

typedef struct
{
  /* For each phrase of the expression, the typed word it stands for. */
  GArray *phrase_word;
  /* For each typed word: its weight, and its count in the row ranked. */
  GArray *idf;
  double *tf;
  double average_length;
} RankWeights;

static void
rank_weights_free (RankWeights *weights)
{
  g_clear_pointer (&weights->phrase_word, g_array_unref);
  g_clear_pointer (&weights->idf, g_array_unref);
  g_free (weights->tf);
  g_free (weights);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RankWeights, rank_weights_free)

/* kbd_rank (search, weights): the BM25 score of the current row, negated
 * so that, like bm25(), the best match sorts first. */
static void
rank_function (const Fts5ExtensionApi  *api,
               Fts5Context             *fts,
               sqlite3_context         *context,
               int                      n_values,
               sqlite3_value          **values)
{
  RankWeights *weights = n_values == 1 ? sqlite3_value_pointer (values[0], RANK_WEIGHTS_TYPE) : NULL;
  int n_inst = 0, length = 0, rc;
  double score = 0, norm;

  if (weights == NULL)
    {
      sqlite3_result_error (context, "kbd_rank: no weights", -1);
      return;
    }

  if (weights->average_length == 0)
    {
      sqlite3_int64 rows = 0, tokens = 0;

      if ((rc = api->xRowCount (fts, &rows)) != SQLITE_OK ||
          (rc = api->xColumnTotalSize (fts, 0, &tokens)) != SQLITE_OK)
        {
          sqlite3_result_error_code (context, rc);
          return;
        }
      weights->average_length = rows > 0 && tokens > 0 ? (double) tokens / rows : 1;
    }

  if ((rc = api->xColumnSize (fts, 0, &length)) != SQLITE_OK ||
      (rc = api->xInstCount (fts, &n_inst)) != SQLITE_OK)
    {
      sqlite3_result_error_code (context, rc);
      return;
    }

  memset (weights->tf, 0, weights->idf->len * sizeof (double));
  for (int i = 0; i < n_inst; i++)
    {
      int phrase, column, offset;

      if ((rc = api->xInst (fts, i, &phrase, &column, &offset)) != SQLITE_OK)
        {
          sqlite3_result_error_code (context, rc);
          return;
        }
      if (phrase >= 0 && (guint) phrase < weights->phrase_word->len)
        weights->tf[g_array_index (weights->phrase_word, guint, phrase)] += 1;
    }

  norm = BM25_K1 * (1 - BM25_B + BM25_B * length / weights->average_length);
  for (guint w = 0; w < weights->idf->len; w++)
    score += g_array_index (weights->idf, double, w) *
             weights->tf[w] * (BM25_K1 + 1) / (weights->tf[w] + norm);
  sqlite3_result_double (context, -score);
}

/* The FTS5 interface of the store's connection, the index's tokenizer, the
 * ranking function and the word list, made at the first search. */
static gboolean
search_setup (KbdHistoryStore  *store,
              GError          **error)
{
  /* As in the schema's "tokenize = 'unicode61 remove_diacritics 2'". */
  const char *tokenizer_args[] = { "remove_diacritics", "2" };

  if (store->fts5 == NULL)
    {
      g_autoptr(sqlite3_stmt) stmt = prepare (store, "SELECT fts5 (?1)", error);
      fts5_api *api = NULL;
      void *tokenizer_data = NULL;
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_pointer (stmt, 1, &api, "fts5_api_ptr", NULL);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        return fail_sqlite (store, rc, error);
      if (api == NULL || api->iVersion < 2)
        {
          g_set_error (error, KBD_ERROR, KBD_ERROR_DATABASE,
                       _("%s: this SQLite has no full-text search (FTS5)"), store->filename);
          return FALSE;
        }

      rc = api->xFindTokenizer (api, "unicode61", &tokenizer_data, &store->tokenizer_class);
      if (rc == SQLITE_OK)
        rc = store->tokenizer_class.xCreate (tokenizer_data, tokenizer_args,
                                             G_N_ELEMENTS (tokenizer_args), &store->tokenizer);
      if (rc == SQLITE_OK)
        rc = api->xCreateFunction (api, "kbd_rank", NULL, rank_function, NULL);
      if (rc != SQLITE_OK)
        return fail_sqlite (store, rc, error);
      store->fts5 = api;
    }

  if (store->first_term == NULL)
    {
      if (!exec (store, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_words"
                        " USING fts5vocab (main, search, instance)", error))
        return FALSE;
      /* One row of the first word at or after ?1: the word list has a row
       * per occurrence, read lazily. */
      store->first_term = prepare (store, "SELECT term FROM temp.search_words WHERE term >= ?1 LIMIT 1", error);
      if (store->first_term == NULL)
        return FALSE;
    }
  return TRUE;
}

/* The first SEARCH_MAX_WORDS different words, each once. */
static int
collect_word (void       *data,
              int         flags,
              const char *token,
              int         n_token,
              int         start,
              int         end)
{
  GPtrArray *words = data;
  g_autofree char *word = NULL;

  if ((flags & FTS5_TOKEN_COLOCATED) || n_token <= 0 || words->len == SEARCH_MAX_WORDS)
    return SQLITE_OK;
  word = g_strndup (token, n_token);
  for (guint i = 0; i < words->len; i++)
    if (g_str_equal (g_ptr_array_index (words, i), word))
      return SQLITE_OK;
  g_ptr_array_add (words, g_steal_pointer (&word));
  return SQLITE_OK;
}

static void
append_phrase (GString    *expression,
               const char *word,
               gboolean    prefix)
{
  g_string_append_c (expression, '"');
  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (expression, '"');
      g_string_append_c (expression, *p);
    }
  g_string_append (expression, prefix ? "\"*" : "\"");
}

/* The expression for one typed word, as a prefix; its phrases are added to
 * @weights. Sets *@matchable to FALSE when no indexed word starts with it. */
static char *
word_expression (KbdHistoryStore  *store,
                 const char       *word,
                 guint             index,
                 RankWeights      *weights,
                 gboolean         *matchable,
                 GError          **error)
{
  g_autoptr(GString) expression = g_string_new (NULL);
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);
  size_t word_length = strlen (word);
  g_autofree char *key = g_strdup (word);
  int rc = SQLITE_ROW;

  if (g_utf8_strlen (word, -1) > 2)
    {
      while (terms->len <= SEARCH_MAX_TERMS)
        {
          const char *term;

          sqlite3_bind_text (store->first_term, 1, key, -1, SQLITE_TRANSIENT);
          rc = sqlite3_step (store->first_term);
          term = rc == SQLITE_ROW ? (const char *) sqlite3_column_text (store->first_term, 0) : NULL;
          if (term == NULL || strncmp (term, word, word_length) != 0)
            break;
          g_ptr_array_add (terms, g_strdup (term));
          /* The next word: no indexed word holds U+0001, so nothing sorts
           * between "term" and "term\001" but words that extend "term". */
          g_free (key);
          key = g_strconcat (term, "\001", NULL);
          sqlite3_reset (store->first_term);
        }
      sqlite3_reset (store->first_term);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          fail_sqlite (store, rc, error);
          return NULL;
        }
      if (terms->len == 0)
        *matchable = FALSE;
    }

  if (terms->len == 0 || terms->len > SEARCH_MAX_TERMS)
    {
      append_phrase (expression, word, TRUE);
      g_array_append_val (weights->phrase_word, index);
    }
  else
    {
      g_string_append_c (expression, '(');
      for (guint i = 0; i < terms->len; i++)
        {
          if (i > 0)
            g_string_append (expression, " OR ");
          append_phrase (expression, g_ptr_array_index (terms, i), FALSE);
          g_array_append_val (weights->phrase_word, index);
        }
      g_string_append_c (expression, ')');
    }
  return g_string_free (g_steal_pointer (&expression), FALSE);
}

/* How rare a word is, BM25's IDF, with the number of entries that hold it
 * estimated from its newest SEARCH_SAMPLE ones. */
static gboolean
estimate_idf (KbdHistoryStore  *store,
              const char       *expression,
              gint64            newest,
              double           *idf,
              GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store, "SELECT rowid FROM search WHERE search MATCH ?1"
                                                 " ORDER BY rowid DESC LIMIT ?2", error);
  gint64 last = newest;
  double n = 0, df;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, expression, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, SEARCH_SAMPLE);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      last = sqlite3_column_int64 (stmt, 0);
      n++;
    }
  if (rc != SQLITE_DONE)
    return fail_sqlite (store, rc, error);

  df = n < SEARCH_SAMPLE ? n : MIN ((double) newest, n * newest / (double) MAX (1, newest - last + 1));
  *idf = log (1 + (newest - df + 0.5) / (df + 0.5));
  return TRUE;
}

/* The FTS5 expression for @text and the ranking weights that go with it;
 * NULL with no error when nothing can match. */
static char *
make_match_query (KbdHistoryStore  *store,
                  const char       *text,
                  RankWeights     **weights_out,
                  GError          **error)
{
  g_autoptr(RankWeights) weights = g_new0 (RankWeights, 1);
  g_autoptr(GPtrArray) expressions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  gboolean matchable = TRUE;
  int rc;

  if (!search_setup (store, error))
    return NULL;

  rc = store->tokenizer_class.xTokenize (store->tokenizer, words, FTS5_TOKENIZE_QUERY,
                                         text, (int) MIN (strlen (text), G_MAXINT), collect_word);
  if (rc != SQLITE_OK)
    {
      fail_sqlite (store, rc, error);
      return NULL;
    }
  if (words->len == 0)
    return NULL;

  weights->phrase_word = g_array_new (FALSE, FALSE, sizeof (guint));
  weights->idf = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < words->len && matchable; i++)
    {
      char *expression = word_expression (store, g_ptr_array_index (words, i), i,
                                          weights, &matchable, error);

      if (expression == NULL)
        return NULL;
      g_ptr_array_add (expressions, expression);
      g_array_append_val (weights->idf, (double) { 1.0 });
    }
  if (!matchable)
    return NULL;

  if (expressions->len > 1)
    {
      g_autoptr(sqlite3_stmt) stmt = prepare (store, "SELECT rowid FROM search ORDER BY rowid DESC LIMIT 1", error);
      gint64 newest;

      if (stmt == NULL)
        return NULL;
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          fail_sqlite (store, rc, error);
          return NULL;
        }
      newest = sqlite3_column_int64 (stmt, 0);
      for (guint i = 0; i < expressions->len; i++)
        if (!estimate_idf (store, g_ptr_array_index (expressions, i), newest,
                           &g_array_index (weights->idf, double, i), error))
          return NULL;
    }

  weights->tf = g_new0 (double, weights->idf->len);
  *weights_out = g_steal_pointer (&weights);
  g_ptr_array_add (expressions, NULL);
  return g_strjoinv (" AND ", (char **) expressions->pdata);
}

typedef struct
{
  gint64 rowid;
  gint64 session;
  double score;
} Hit;

static gint
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const Hit *x = a, *y = b;

  if (x->score != y->score)
    return x->score < y->score ? -1 : 1;
  return x->rowid > y->rowid ? -1 : x->rowid < y->rowid;
}

static GPtrArray *
sqlite_search (KbdHistoryStore *store,
               const char      *text,
               guint            limit,
               GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(RankWeights) weights = NULL;
  g_autofree char *query = make_match_query (store, text, &weights, &local_error);
  g_autoptr(sqlite3_stmt) candidates = NULL;
  g_autoptr(sqlite3_stmt) fetch = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  int rc;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (query == NULL)
    return g_steal_pointer (&records);

  /* FTS5 walks the matching entries newest first and stops after
   * SEARCH_CANDIDATES; only those are ranked. The best entry of each
   * session counts, and snippets are made only for the few shown. */
  candidates = prepare (store,
                        "SELECT rowid, session, kbd_rank (search, ?3) FROM search"
                        " WHERE search MATCH ?1 ORDER BY rowid DESC LIMIT ?2", error);
  if (candidates == NULL)
    return NULL;
  sqlite3_bind_text (candidates, 1, query, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (candidates, 2, SEARCH_CANDIDATES);
  sqlite3_bind_pointer (candidates, 3, weights, RANK_WEIGHTS_TYPE, NULL);
  while ((rc = sqlite3_step (candidates)) == SQLITE_ROW)
    {
      Hit hit = { sqlite3_column_int64 (candidates, 0), sqlite3_column_int64 (candidates, 1),
                  sqlite3_column_double (candidates, 2) };
      g_array_append_val (hits, hit);
    }
  if (rc != SQLITE_DONE)
    {
      fail_sqlite (store, rc, error);
      return NULL;
    }
  g_array_sort (hits, compare_hits);

  /* The best entry of each session, best first. */
  {
    g_autoptr(GArray) chosen = g_array_new (FALSE, FALSE, sizeof (Hit));
    g_autoptr(GHashTable) snippets = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
    g_autoptr(GHashTable) found = NULL;
    g_autoptr(GString) sql = NULL;
    gint64 low = G_MAXINT64, high = 0;

    for (guint i = 0; i < hits->len && chosen->len < limit; i++)
      {
        Hit *hit = &g_array_index (hits, Hit, i);

        if (g_hash_table_contains (seen, &hit->session))
          continue;
        g_hash_table_add (seen, &hit->session);
        g_array_append_val (chosen, *hit);
        low = MIN (low, hit->rowid);
        high = MAX (high, hit->rowid);
      }
    if (chosen->len == 0)
      return g_steal_pointer (&records);

    /* One pass over the rowid range of the chosen entries; FTS5 seeks to
     * it, and the snippet is made only for the chosen rows. The snippet
     * marks matches with U+0002 … U+0003, which history text cannot
     * contain (control characters are refused in notes). */
    sql = g_string_new ("SELECT search.rowid, CASE WHEN search.rowid IN (");
    for (guint i = 0; i < chosen->len; i++)
      g_string_append_printf (sql, "%s%" G_GINT64_FORMAT, i ? ", " : "",
                              g_array_index (chosen, Hit, i).rowid);
    g_string_append (sql, ") THEN snippet (search, 0, char (2), char (3), '…', 12) END FROM search"
                          " WHERE search MATCH ?1 AND search.rowid >= ?2 AND search.rowid <= ?3");
    fetch = prepare (store, sql->str, error);
    if (fetch == NULL)
      return NULL;
    sqlite3_bind_text (fetch, 1, query, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (fetch, 2, low);
    sqlite3_bind_int64 (fetch, 3, high);
    while ((rc = sqlite3_step (fetch)) == SQLITE_ROW)
      if (sqlite3_column_type (fetch, 1) != SQLITE_NULL)
        {
          Hit *hit = NULL;

          /* The chosen entries keep the keys alive. */
          for (guint i = 0; i < chosen->len && hit == NULL; i++)
            if (g_array_index (chosen, Hit, i).rowid == sqlite3_column_int64 (fetch, 0))
              hit = &g_array_index (chosen, Hit, i);
          if (hit != NULL)
            g_hash_table_insert (snippets, &hit->session, g_strdup ((const char *) sqlite3_column_text (fetch, 1)));
        }
    if (rc != SQLITE_DONE)
      {
        fail_sqlite (store, rc, error);
        return NULL;
      }
    g_clear_pointer (&fetch, sqlite3_finalize);

    /* Then the chosen sessions, by id, without a join per entry. */
    g_string_assign (sql, "SELECT " RECORD_COLUMNS ", s.id FROM sessions s WHERE s.id IN (");
    for (guint i = 0; i < chosen->len; i++)
      g_string_append_printf (sql, "%s%" G_GINT64_FORMAT, i ? ", " : "",
                              g_array_index (chosen, Hit, i).session);
    g_string_append_c (sql, ')');
    fetch = prepare (store, sql->str, error);
    if (fetch == NULL)
      return NULL;
    found = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
    while ((rc = sqlite3_step (fetch)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (fetch, 12);

        g_hash_table_insert (found, g_memdup2 (&id, sizeof id),
                             record_from_row (fetch, g_hash_table_lookup (snippets, &id)));
      }
    if (rc != SQLITE_DONE)
      {
        fail_sqlite (store, rc, error);
        return NULL;
      }

    for (guint i = 0; i < chosen->len; i++)
      {
        KbdSessionRecord *record = g_hash_table_lookup (found, &g_array_index (chosen, Hit, i).session);

        if (record != NULL)
          g_ptr_array_add (records, g_object_ref (record));
      }
  }

  return g_steal_pointer (&records);
}

static KbdSessionRecord *
sqlite_get_session (KbdHistoryStore *store,
                    const char      *uuid,
                    GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
    "SELECT " RECORD_COLUMNS " FROM sessions s WHERE s.uuid = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return record_from_row (stmt, NULL);
  if (rc == SQLITE_DONE)
    g_set_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND, _("no session %s in the history"), uuid);
  else
    fail_sqlite (store, rc, error);
  return NULL;
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static GPtrArray *
sqlite_get_events (KbdHistoryStore *store,
                   const char      *uuid,
                   GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store,
    "SELECT e.uuid, e.kind, e.time, e.node, e.node_title, e.answer, e.label, e.step, e.done,"
    " e.text, e.position, e.ms, e.result, s.article_id, s.article_hash, s.technician,"
    " s.ticket, s.language"
    " FROM events e JOIN sessions s ON s.id = e.session WHERE s.uuid = ? ORDER BY e.id", error);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) kbd_event_unref);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int kind = sqlite3_column_int (stmt, 1);
      KbdEvent *event;

      if (kind < KBD_EVENT_START || kind > KBD_EVENT_FINISH)
        continue;
      event = kbd_event_new_empty (kind);
      event->uuid = column_dup (stmt, 0);
      event->time = sqlite3_column_int64 (stmt, 2);
      event->node_id = column_dup (stmt, 3);
      event->node_title = column_dup (stmt, 4);
      event->answer_id = column_dup (stmt, 5);
      event->label = column_dup (stmt, 6);
      event->step_id = column_dup (stmt, 7);
      event->done = sqlite3_column_int (stmt, 8) != 0;
      event->text = column_dup (stmt, 9);
      event->position = (guint) sqlite3_column_int64 (stmt, 10);
      event->seconds = sqlite3_column_int64 (stmt, 11) / 1000.0;
      event->result = CLAMP (sqlite3_column_int (stmt, 12), KBD_OUTCOME_NONE, KBD_OUTCOME_NOT_APPLICABLE);
      if (kind == KBD_EVENT_START)
        {
          event->article_id = column_dup (stmt, 13);
          event->content_hash = column_dup (stmt, 14);
          event->technician = column_dup (stmt, 15);
          event->ticket = column_dup (stmt, 16);
          event->language = column_dup (stmt, 17);
        }
      g_ptr_array_add (events, event);
    }

  if (rc != SQLITE_DONE)
    {
      fail_sqlite (store, rc, error);
      return NULL;
    }

  if (events->len == 0)
    {
      g_autoptr(KbdSessionRecord) record = sqlite_get_session (store, uuid, error);

      if (record == NULL)
        return NULL;
    }

  return g_steal_pointer (&events);
}

static void
add_counts (JsonBuilder  *builder,
            sqlite3_stmt *stmt,
            const char   *name_member)
{
  json_builder_begin_array (builder);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, name_member);
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 0));
      json_builder_set_member_name (builder, "sessions");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 1));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static char *
sqlite_stats (KbdHistoryStore *store,
              const char      *article_id,
              GError         **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(sqlite3_stmt) outcomes = NULL;
  g_autoptr(sqlite3_stmt) paths = NULL;
  g_autoptr(sqlite3_stmt) stops = NULL;
  gint64 total = 0;
  gint64 counts[KBD_OUTCOME_NOT_APPLICABLE + 1] = { 0 };

  outcomes = prepare (store, "SELECT outcome, count(*) FROM sessions WHERE article_id = ? GROUP BY outcome", error);
  paths = outcomes ? prepare (store,
    "SELECT path, count(*) AS n FROM sessions WHERE article_id = ? AND outcome != 0"
    " GROUP BY path ORDER BY n DESC, path LIMIT 10", error) : NULL;
  stops = paths ? prepare (store,
    "SELECT current_node, count(*) AS n FROM sessions WHERE article_id = ? AND outcome = 0"
    " GROUP BY current_node ORDER BY n DESC, current_node LIMIT 10", error) : NULL;
  if (stops == NULL)
    return NULL;

  sqlite3_bind_text (outcomes, 1, article_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (paths, 1, article_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stops, 1, article_id, -1, SQLITE_STATIC);

  while (sqlite3_step (outcomes) == SQLITE_ROW)
    {
      int outcome = sqlite3_column_int (outcomes, 0);

      if (outcome >= KBD_OUTCOME_NONE && outcome <= KBD_OUTCOME_NOT_APPLICABLE)
        counts[outcome] += sqlite3_column_int64 (outcomes, 1);
      total += sqlite3_column_int64 (outcomes, 1);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "article");
  json_builder_add_string_value (builder, article_id);
  json_builder_set_member_name (builder, "sessions");
  json_builder_add_int_value (builder, total);
  json_builder_set_member_name (builder, "outcomes");
  json_builder_begin_object (builder);
  for (int i = KBD_OUTCOME_RESOLVED; i <= KBD_OUTCOME_NOT_APPLICABLE; i++)
    {
      json_builder_set_member_name (builder, kbd_outcome_result_to_string (i));
      json_builder_add_int_value (builder, counts[i]);
    }
  json_builder_set_member_name (builder, "unfinished");
  json_builder_add_int_value (builder, counts[KBD_OUTCOME_NONE]);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "common_paths");
  add_counts (builder, paths, "path");
  json_builder_set_member_name (builder, "unfinished_stopped_at");
  add_counts (builder, stops, "node");
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static gboolean
delete_where (KbdHistoryStore *store,
              const char      *condition,
              GVariant        *value,
              gint64          *n_deleted,
              GError         **error)
{
  g_autofree char *delete_search = g_strdup_printf (
    "DELETE FROM search WHERE session IN (SELECT id FROM sessions WHERE %s)", condition);
  g_autofree char *delete_sessions = g_strdup_printf ("DELETE FROM sessions WHERE %s", condition);
  g_autoptr(GVariant) owned = g_variant_ref_sink (value);
  const char *statements[] = { delete_search, delete_sessions };
  int rc;

  g_clear_pointer (&store->cached_session_uuid, g_free);

  if (store->read_only)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_READ_ONLY, _("%s: the history is read-only"),
                   store->filename);
      return FALSE;
    }

  rc = sqlite3_exec (store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return fail_sqlite (store, rc, error);

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = prepare (store, statements[i], error);

      if (stmt == NULL)
        goto rollback;
      if (g_variant_is_of_type (owned, G_VARIANT_TYPE_STRING))
        sqlite3_bind_text (stmt, 1, g_variant_get_string (owned, NULL), -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_int64 (stmt, 1, g_variant_get_int64 (owned));
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE)
        {
          fail_sqlite (store, rc, error);
          goto rollback;
        }
      if (n_deleted != NULL)
        *n_deleted = sqlite3_changes (store->db);
    }

  return commit (store, error);

rollback:
  return rollback (store);
}

static gboolean
sqlite_delete_session (KbdHistoryStore *store,
                       const char      *uuid,
                       GError         **error)
{
  gint64 n = 0;

  if (!delete_where (store, "uuid = ?", g_variant_new_string (uuid), &n, error))
    return FALSE;
  if (n == 0)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND, _("no session %s in the history"), uuid);
      return FALSE;
    }
  return TRUE;
}

static gint64
sqlite_delete_before (KbdHistoryStore *store,
                      gint64           before,
                      GError         **error)
{
  gint64 n = 0;

  if (!delete_where (store, "started_at < ?", g_variant_new_int64 (before), &n, error))
    return -1;
  return n;
}

static gboolean
sqlite_backup (KbdHistoryStore *store,
               const char      *destination,
               GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (g_file_test (destination, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_IO,
                   _("%s: already exists; a backup never overwrites a file"), destination);
      return FALSE;
    }

  /* VACUUM INTO writes a consistent, compact copy while others write. */
  stmt = prepare (store, "VACUUM INTO ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, destination, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return fail_sqlite (store, rc, error);
  g_chmod (destination, 0600);
  return TRUE;
}

const KbdHistoryBackend kbd_history_sqlite_backend = {
  .name = "sqlite",
  .open = sqlite_open,
  .close = sqlite_close,
  .is_read_only = sqlite_is_read_only,
  .write = sqlite_write,
  .import = sqlite_import,
  .list = sqlite_list,
  .count = sqlite_count,
  .search = sqlite_search,
  .get_session = sqlite_get_session,
  .get_events = sqlite_get_events,
  .stats = sqlite_stats,
  .delete_session = sqlite_delete_session,
  .delete_before = sqlite_delete_before,
  .backup = sqlite_backup,
};

gboolean kbd_history_sqlite_pragma (KbdHistoryStore  *store,
                                    const char       *sql,
                                    gint64           *out,
                                    GError          **error);

gboolean
kbd_history_sqlite_pragma (KbdHistoryStore  *store,
                           const char       *sql,
                           gint64           *out,
                           GError          **error)
{
  gint64 ignored;

  return pragma_int (store, sql, out != NULL ? out : &ignored, error);
}
