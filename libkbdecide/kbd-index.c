/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "kbd-article-private.h"
#include "kbd-enums.h"
#include "kbd-error.h"
#include "kbd-index.h"
#include "kbd-private.h"
#include "kbd-reference.h"
#include "kbd-text.h"

/* The article index: a cache of every article file in some folders, as an
 * SQLite database with an FTS5 table.
 *
 * Being a cache decides most things here. Nothing in it is precious: a
 * file that is damaged, not SQLite or of a schema this code does not know
 * is deleted and built again, and said in a notice, never reported as an
 * error. Writes use synchronous=NORMAL (WAL): a crash can lose the last
 * transactions, and since a file's row and its article's rows are written
 * in the same transaction, what was lost is simply indexed again.
 *
 * Two connections: updates write on one (in a worker thread for
 * kbd_index_update_async()), searches read on the other, so searching goes
 * on during a long update and sees each batch as it commits. */

#define SCHEMA_VERSION 1
#define BUSY_TIMEOUT_MS 10000
/* Files per write transaction: big enough that a full build is not bound
 * by commits, small enough that a cancelled build keeps most of its work. */
#define BATCH_FILES 500
#define PROGRESS_EVERY 50
/* A query is what a person types: words beyond these are ignored. */
#define MAX_QUERY_WORDS 32
#define MAX_WORD_BYTES 256
#define MAX_RESULTS 1000
/* Words of the summary shown by kbd_index_lookup(). */
#define PREVIEW_WORDS 30
#define SNIPPET_TOKENS 20
/* A file changed within this time of being read may change again without
 * its mtime changing (the file system's clock ticks coarsely): its mtime is
 * stored as RACY_MTIME, so the next update hashes it again. */
#define RACY_WINDOW_NS (100 * G_GINT64_CONSTANT (1000000))
#define RACY_WINDOW_COARSE_NS (2 * G_GINT64_CONSTANT (1000000000))
#define RACY_MTIME G_GINT64_CONSTANT (-1)
/* bm25 weights, in column order: id, title, summary, body, product, kind.
 * A word in the title or the id counts ten times a word in the body, in
 * the summary (symptoms, keywords) five times. */
#define BM25 "bm25 (fts, 10.0, 10.0, 5.0, 1.0, 2.0, 0.0)"
/* The columns a user's words are looked for in: not `kind`, whose tokens
 * ("tree", "reference") are for the kind filter. */
#define SEARCHED_COLUMNS "{id title summary body product}"
#define TITLE_COLUMNS "{id title}"
/* Ranking costs about half a microsecond per matching article (bm25 reads
 * each one's positions and length), so a word in most of the 57,000
 * articles of the whole archive would cost 30 ms and more. A query that
 * matches more than RANK_ALL_MAX articles therefore ranks only those with
 * every word in the title or id; see kbd_index_search(). */
#define RANK_ALL_MAX 10000
/* FTS5's default: merge segments on the way once 4 of a size exist. */
#define FTS_AUTOMERGE 4

static const char schema[] =
  "CREATE TABLE files ("
  "  id INTEGER PRIMARY KEY,"
  "  path TEXT NOT NULL UNIQUE,"
  "  size INTEGER NOT NULL,"
  "  mtime INTEGER NOT NULL,"        /* nanoseconds, or -1: hash again next time */
  "  hash TEXT,"                     /* SHA-256 of the contents, NULL when unreadable */
  "  problem TEXT"                   /* why the file is not indexed, or NULL */
  ");"
  "CREATE TABLE articles ("
  "  file INTEGER PRIMARY KEY,"      /* files.id, also the fts rowid */
  "  id TEXT NOT NULL,"
  "  number INTEGER,"                /* a reference article's number */
  "  kind INTEGER NOT NULL,"         /* KbdIndexKind */
  "  title TEXT NOT NULL,"
  "  product TEXT NOT NULL,"
  "  links TEXT NOT NULL"            /* ids the article mentions, space-separated */
  ");"
  "CREATE INDEX articles_by_id ON articles (id COLLATE NOCASE);"
  "CREATE INDEX articles_by_number ON articles (number) WHERE number IS NOT NULL;"
  "CREATE VIRTUAL TABLE fts USING fts5 ("
  "  id, title, summary, body, product, kind,"
  "  tokenize = 'unicode61 remove_diacritics 2'"
  ");";

/* Connections ---------------------------------------------------------------- */

typedef struct
{
  sqlite3 *db;
  char *path;
} Db;

static void
db_close (Db *db)
{
  if (db->db != NULL)
    sqlite3_close_v2 (db->db);
  db->db = NULL;
}

static gboolean
is_corrupt_code (int rc)
{
  return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

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
fail_sqlite (Db      *db,
             int      rc,
             GError **error)
{
  int code = error_code_for (rc);

  if (code == KBD_ERROR_DISK_FULL)
    g_set_error (error, KBD_ERROR, code, _("%s: the disk is full; the search index cannot grow"),
                 db->path);
  else if (code == KBD_ERROR_CORRUPT)
    g_set_error (error, KBD_ERROR, code,
                 _("%s: the search index is damaged; the next update builds it again"), db->path);
  else
    g_set_error (error, KBD_ERROR, code, "%s: %s", db->path,
                 db->db != NULL ? sqlite3_errmsg (db->db) : sqlite3_errstr (rc));
  return FALSE;
}

static gboolean
exec (Db         *db,
      const char *sql,
      GError    **error)
{
  int rc = sqlite3_exec (db->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return fail_sqlite (db, rc, error);
  return TRUE;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static sqlite3_stmt *
prepare (Db         *db,
         const char *sql,
         gboolean    persistent,
         GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v3 (db->db, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0,
                               &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      fail_sqlite (db, rc, error);
      return NULL;
    }
  return stmt;
}

/* Steps a statement that returns no row and resets it. */
static gboolean
step_done (Db           *db,
           sqlite3_stmt *stmt,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return fail_sqlite (db, rc, error);
  return TRUE;
}

static gboolean
rollback (Db *db)
{
  if (db->db != NULL && !sqlite3_get_autocommit (db->db))
    sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gboolean
query_int (Db         *db,
           const char *sql,
           gint64     *out,
           GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, sql, FALSE, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return fail_sqlite (db, rc == SQLITE_DONE ? SQLITE_INTERNAL : rc, error);
  *out = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
refuse_symlink (const char  *path,
                GError     **error)
{
  struct stat st;

  if (g_lstat (path, &st) == 0 && S_ISLNK (st.st_mode))
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_UNSAFE_PATH,
                   _("%s: is a symbolic link; the search index is never written through a link"),
                   path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  int fd = g_open (path, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, KBD_ERROR, saved_errno == ELOOP ? KBD_ERROR_UNSAFE_PATH : KBD_ERROR_IO,
                   _("%s: cannot create the search index: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Deletes the database and its journal files: the index is a cache. */
static gboolean
delete_database (const char  *path,
                 GError     **error)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, KBD_ERROR, KBD_ERROR_IO,
                       _("%s: cannot delete the damaged search index: %s"),
                       file, g_strerror (saved_errno));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
open_connection (Db          *db,
                 gboolean     writer,
                 GError     **error)
{
  g_autofree char *wal = g_strconcat (db->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db->path, "-shm", NULL);
  /* Each connection is used by one thread at a time. */
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX;
  int rc;

  if (!refuse_symlink (db->path, error) || !refuse_symlink (wal, error) ||
      !refuse_symlink (shm, error))
    return FALSE;

  if (writer && !create_private_file (db->path, error))
    return FALSE;

  rc = sqlite3_open_v2 (db->path, &db->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      fail_sqlite (db, rc, error);
      db_close (db);
      return FALSE;
    }
  sqlite3_busy_timeout (db->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (db->db, 1);

  /* A cache: a lost last transaction is indexed again. The reader's page
   * cache and memory-mapped reads keep the FTS5 doclists of common words
   * at hand. The writer maps nothing: merging the segments reads the
   * whole index, and every page it mapped would stay resident. */
  if (!exec (db, "PRAGMA synchronous = NORMAL;"
                 "PRAGMA temp_store = MEMORY", error))
    return FALSE;
  if (!writer && !exec (db, "PRAGMA mmap_size = 1073741824", error))
    return FALSE;
  /* A checkpoint waits for the disk twice (log and database). At SQLite's
   * default of every 1,000 pages a full build spent about a third of its
   * time waiting; every 16,384 pages (64 MiB) bounds the log all the same. */
  if (writer && !exec (db, "PRAGMA wal_autocheckpoint = 16384", error))
    return FALSE;
  if (!exec (db, writer ? "PRAGMA cache_size = -65536" : "PRAGMA cache_size = -16384;"
                                                           "PRAGMA query_only = 1", error))
    return FALSE;
  return TRUE;
}

typedef enum
{
  SCHEMA_OK,
  SCHEMA_DAMAGED,
  SCHEMA_UNKNOWN_VERSION,
} SchemaState;

/* Turns on WAL and brings an empty database to SCHEMA_VERSION. Anything
 * else than an empty database or one of SCHEMA_VERSION with its tables is
 * not trusted. */
static gboolean
check_schema (Db           *db,
              SchemaState  *state,
              gint64       *version,
              GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 n_tables = 0;
  int rc;

  *state = SCHEMA_OK;

  stmt = prepare (db, "PRAGMA journal_mode = WAL", FALSE, &local_error);
  if (stmt == NULL)
    goto failed;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      fail_sqlite (db, rc, &local_error);
      goto failed;
    }
  if (g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") != 0)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_DATABASE,
                   _("%s: the database cannot use write-ahead logging"), db->path);
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* Two programs may create the index at once: the version is read again
   * inside the write transaction, so the schema is made once. */
  if (!query_int (db, "PRAGMA user_version", version, &local_error))
    goto failed;
  if (*version == 0)
    {
      if (!exec (db, "BEGIN IMMEDIATE", &local_error))
        goto failed;
      if (!query_int (db, "PRAGMA user_version", version, &local_error) ||
          !query_int (db, "SELECT count(*) FROM sqlite_schema", &n_tables, &local_error))
        goto failed_rollback;
      if (*version == 0 && n_tables == 0)
        {
          g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d",
                                                          SCHEMA_VERSION);

          if (!exec (db, schema, &local_error) || !exec (db, set_version, &local_error))
            goto failed_rollback;
          *version = SCHEMA_VERSION;
        }
      if (!exec (db, "COMMIT", &local_error))
        goto failed_rollback;
    }

  if (*version != SCHEMA_VERSION)
    {
      *state = SCHEMA_UNKNOWN_VERSION;
      return TRUE;
    }

  if (!query_int (db, "SELECT count(*) FROM sqlite_schema WHERE type IN ('table', 'index') AND"
                      " name IN ('files', 'articles', 'fts', 'articles_by_id',"
                      " 'articles_by_number')",
                  &n_tables, &local_error))
    goto failed;
  if (n_tables != 5)
    *state = SCHEMA_DAMAGED;
  return TRUE;

failed_rollback:
  rollback (db);
failed:
  if (g_error_matches (local_error, KBD_ERROR, KBD_ERROR_CORRUPT))
    {
      *state = SCHEMA_DAMAGED;
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Opens the write connection, creating the schema; a database that cannot
 * be trusted is deleted and made again, with a notice saying so. */
static gboolean
open_writer (Db        *db,
             gboolean   force_new,
             char     **notice,
             GError   **error)
{
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      SchemaState state = SCHEMA_OK;
      gint64 version = 0;

      if (force_new && attempt == 0)
        state = SCHEMA_DAMAGED;
      else
        {
          g_autoptr(GError) local_error = NULL;

          if (!open_connection (db, TRUE, &local_error) ||
              !check_schema (db, &state, &version, &local_error))
            {
              db_close (db);
              if (!g_error_matches (local_error, KBD_ERROR, KBD_ERROR_CORRUPT))
                {
                  g_propagate_error (error, g_steal_pointer (&local_error));
                  return FALSE;
                }
              state = SCHEMA_DAMAGED;
            }
          if (state == SCHEMA_OK)
            return TRUE;
          db_close (db);
        }

      if (attempt == 1)
        break;
      if (!delete_database (db->path, error))
        return FALSE;
      if (notice != NULL)
        {
          g_free (*notice);
          if (state == SCHEMA_UNKNOWN_VERSION)
            *notice = g_strdup_printf (_("%s: the search index was made by another version of "
                                         "KB Decide (schema %lld); it was deleted and is built "
                                         "again"),
                                       db->path, (long long) version);
          else
            *notice = g_strdup_printf (_("%s: the search index was damaged; it was deleted and is "
                                         "built again"),
                                       db->path);
        }
    }

  g_set_error (error, KBD_ERROR, KBD_ERROR_CORRUPT,
               _("%s: a new search index cannot be created"), db->path);
  return FALSE;
}

/* Results ----------------------------------------------------------------------- */

#define N_FORMATS (KBD_TEXT_FORMAT_ANSI + 1)

struct _KbdIndexResult
{
  GObject parent_instance;
  char *id;
  KbdIndexKind kind;
  char *title;
  char *product;
  char *filename;
  double score;
  char *snippets[N_FORMATS];   /* made at once: a result is immutable */
};

/**
 * KbdIndexResult:
 *
 * One article found by [method@Kbd.Index.search] or
 * [method@Kbd.Index.lookup]: what a result list shows, and the file to
 * open. A result is immutable and can be passed between threads.
 */
G_DEFINE_FINAL_TYPE (KbdIndexResult, kbd_index_result, G_TYPE_OBJECT)

enum {
  RESULT_PROP_0,
  RESULT_PROP_ID,
  RESULT_PROP_KIND,
  RESULT_PROP_TITLE,
  RESULT_PROP_PRODUCT,
  RESULT_PROP_FILENAME,
  RESULT_PROP_SCORE,
  RESULT_N_PROPS
};

static GParamSpec *result_properties[RESULT_N_PROPS];

static void
kbd_index_result_finalize (GObject *object)
{
  KbdIndexResult *self = (KbdIndexResult *) object;

  g_free (self->id);
  g_free (self->title);
  g_free (self->product);
  g_free (self->filename);
  for (guint i = 0; i < N_FORMATS; i++)
    g_free (self->snippets[i]);

  G_OBJECT_CLASS (kbd_index_result_parent_class)->finalize (object);
}

static void
kbd_index_result_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KbdIndexResult *self = KBD_INDEX_RESULT (object);

  switch (prop_id)
    {
    case RESULT_PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case RESULT_PROP_KIND:
      g_value_set_flags (value, self->kind);
      break;
    case RESULT_PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case RESULT_PROP_PRODUCT:
      g_value_set_string (value, self->product);
      break;
    case RESULT_PROP_FILENAME:
      g_value_set_string (value, self->filename);
      break;
    case RESULT_PROP_SCORE:
      g_value_set_double (value, self->score);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbd_index_result_class_init (KbdIndexResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kbd_index_result_finalize;
  object_class->get_property = kbd_index_result_get_property;

  /**
   * KbdIndexResult:id:
   *
   * The article's id (`KB312395`, `Q317627`).
   */
  result_properties[RESULT_PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  /**
   * KbdIndexResult:kind:
   *
   * Whether the article is a decision tree or a reference article.
   */
  result_properties[RESULT_PROP_KIND] =
    g_param_spec_flags ("kind", NULL, NULL, KBD_TYPE_INDEX_KIND, KBD_INDEX_KIND_NONE, flags);
  /**
   * KbdIndexResult:title:
   *
   * The article's title, as plain text.
   */
  result_properties[RESULT_PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  /**
   * KbdIndexResult:product:
   *
   * The products the article applies to, as plain text.
   */
  result_properties[RESULT_PROP_PRODUCT] = g_param_spec_string ("product", NULL, NULL, NULL, flags);
  /**
   * KbdIndexResult:filename:
   *
   * The article's file.
   */
  result_properties[RESULT_PROP_FILENAME] =
    g_param_spec_string ("filename", NULL, NULL, NULL, flags);
  /**
   * KbdIndexResult:score:
   *
   * How well the article matches the search; higher is better.
   */
  result_properties[RESULT_PROP_SCORE] =
    g_param_spec_double ("score", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, flags);

  g_object_class_install_properties (object_class, RESULT_N_PROPS, result_properties);
}

static void
kbd_index_result_init (KbdIndexResult *self)
{
}

/* Snippets carry U+0002 … U+0003 around matched words (the indexed text
 * never contains those characters: they are replaced when indexing). */
#define MARK_OPEN '\002'
#define MARK_CLOSE '\003'

static const char *
bold_for (KbdTextFormat format,
          gboolean      open)
{
  switch (format)
    {
    case KBD_TEXT_FORMAT_PANGO:
    case KBD_TEXT_FORMAT_HTML:
      return open ? "<b>" : "</b>";
    case KBD_TEXT_FORMAT_MARKDOWN:
      return "**";
    case KBD_TEXT_FORMAT_ANSI:
      return open ? "\033[1m" : "\033[22m";
    case KBD_TEXT_FORMAT_PLAIN:
    default:
      return "";
    }
}

/* Renders a marked snippet for @format: the text escaped by the library's
 * one converter (which also neutralises control and direction-changing
 * characters), the matched words in bold. */
static char *
render_snippet (const char    *marked,
                KbdTextFormat  format)
{
  GString *out = g_string_new (NULL);
  const char *p = marked;
  gboolean inside = FALSE;

  while (*p != '\0')
    {
      const char *end = p + strcspn (p, "\002\003");

      if (end > p)
        {
          g_autofree char *segment = g_strndup (p, end - p);
          g_autofree char *escaped = kbd_text_escape (segment, format);

          if (inside)
            g_string_append (out, bold_for (format, TRUE));
          g_string_append (out, escaped);
          if (inside)
            g_string_append (out, bold_for (format, FALSE));
        }
      if (*end == '\0')
        break;
      inside = *end == MARK_OPEN;
      p = end + 1;
    }
  return g_string_free (out, FALSE);
}

/* White space runs (line breaks, indentation, tabs) become one space: a
 * snippet is one line of a result list. */
static char *
collapse_space (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  gboolean space = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static KbdIndexResult *
result_new (const char   *id,
            KbdIndexKind  kind,
            const char   *title,
            const char   *product,
            const char   *filename,
            double        score,
            const char   *marked_snippet)
{
  KbdIndexResult *self = g_object_new (KBD_TYPE_INDEX_RESULT, NULL);
  g_autofree char *snippet = collapse_space (marked_snippet != NULL ? marked_snippet : "");

  self->id = g_strdup (id);
  self->kind = kind;
  self->title = g_strdup (title != NULL ? title : "");
  self->product = g_strdup (product != NULL ? product : "");
  self->filename = g_strdup (filename);
  self->score = score;
  for (guint i = 0; i < N_FORMATS; i++)
    self->snippets[i] = render_snippet (snippet, (KbdTextFormat) i);
  return self;
}

/**
 * kbd_index_result_get_id:
 * @self: a result
 *
 * Gets the article's id, as the article writes it: `KB312395` for a
 * decision tree, `Q317627` for a reference article.
 *
 * Returns: the article's id
 */
const char *
kbd_index_result_get_id (KbdIndexResult *self)
{
  g_return_val_if_fail (KBD_IS_INDEX_RESULT (self), NULL);
  return self->id;
}

/**
 * kbd_index_result_get_kind:
 * @self: a result
 *
 * Gets whether the article is a decision tree or a reference article.
 *
 * Returns: %KBD_INDEX_KIND_DECISION_TREE or %KBD_INDEX_KIND_REFERENCE
 */
KbdIndexKind
kbd_index_result_get_kind (KbdIndexResult *self)
{
  g_return_val_if_fail (KBD_IS_INDEX_RESULT (self), KBD_INDEX_KIND_NONE);
  return self->kind;
}

/**
 * kbd_index_result_get_title:
 * @self: a result
 *
 * Gets the article's title as plain text; escape it with
 * [func@Kbd.text_escape] for a markup format.
 *
 * Returns: the title, perhaps ""
 */
const char *
kbd_index_result_get_title (KbdIndexResult *self)
{
  g_return_val_if_fail (KBD_IS_INDEX_RESULT (self), NULL);
  return self->title;
}

/**
 * kbd_index_result_get_product:
 * @self: a result
 *
 * Gets the products the article applies to as plain text: a decision
 * tree's product names joined with `, `, a reference article's `PRODUCT`
 * field.
 *
 * Returns: the products, perhaps ""
 */
const char *
kbd_index_result_get_product (KbdIndexResult *self)
{
  g_return_val_if_fail (KBD_IS_INDEX_RESULT (self), NULL);
  return self->product;
}

/**
 * kbd_index_result_get_filename:
 * @self: a result
 *
 * Gets the file the article was indexed from, to open with
 * [ctor@Kbd.Article.new_from_file] or
 * [ctor@Kbd.ReferenceArticle.new_from_file] according to
 * [method@Kbd.IndexResult.get_kind].
 *
 * Returns: (type filename): the article's file
 */
const char *
kbd_index_result_get_filename (KbdIndexResult *self)
{
  g_return_val_if_fail (KBD_IS_INDEX_RESULT (self), NULL);
  return self->filename;
}

/**
 * kbd_index_result_get_score:
 * @self: a result
 *
 * Gets how well the article matches the search (the negated bm25 score:
 * higher is better, comparable only within one search). A result of
 * [method@Kbd.Index.lookup] scores 0.
 *
 * Returns: the score
 */
double
kbd_index_result_get_score (KbdIndexResult *self)
{
  g_return_val_if_fail (KBD_IS_INDEX_RESULT (self), 0.0);
  return self->score;
}

/**
 * kbd_index_result_get_snippet:
 * @self: a result
 * @format: the text format wanted
 *
 * Gets a short piece of the article's text around the words searched
 * for, as one line. Everything from the article is escaped for @format,
 * so a snippet never carries markup the article wrote; the matched words
 * are in bold (`<b>` in Pango markup and HTML, `**` in Markdown, bold in
 * ANSI). Plain text has no marks. The snippet of a
 * [method@Kbd.Index.lookup] result is the start of the article's summary,
 * with nothing in bold.
 *
 * Returns: the snippet, perhaps ""; it belongs to @self
 */
const char *
kbd_index_result_get_snippet (KbdIndexResult *self,
                              KbdTextFormat   format)
{
  g_return_val_if_fail (KBD_IS_INDEX_RESULT (self), NULL);
  g_return_val_if_fail ((guint) format < N_FORMATS, NULL);
  return self->snippets[format];
}

/* KbdIndex --------------------------------------------------------------------- */

struct _KbdIndex
{
  GObject parent_instance;
  Db writer;              /* lent to the update running, if any */
  Db reader;              /* the owner thread's */
  char *notice;
  GPtrArray *problems;    /* char*, NULL-terminated */
  guint n_added, n_changed, n_removed, n_unchanged, n_hashed;
  gboolean updating;
  gboolean needs_rebuild; /* a search found damage */
  guint rank_all_max;     /* RANK_ALL_MAX, but for tests */
  /* The reader's statements, prepared once. */
  sqlite3_stmt *count;
  sqlite3_stmt *rank;
  sqlite3_stmt *details;
  sqlite3_stmt *by_id;
  sqlite3_stmt *by_number;
  sqlite3_stmt *summary;
  sqlite3_stmt *links;
};

/**
 * KbdIndex:
 *
 * A full-text index of the articles in some folders: decision trees
 * (`*.json`) and classic reference articles (`*.TXT`), searchable in
 * milliseconds without reading the files.
 *
 * The index is a cache in an SQLite database, by default
 * `$XDG_CACHE_HOME/kbdecide/index.db`. [method@Kbd.Index.update] brings
 * it up to date with the folders, reading only files that changed. A
 * database that is damaged, is not SQLite or was written by another
 * version is never trusted and never an error: it is deleted and built
 * again, and [method@Kbd.Index.get_notice] says so.
 *
 * An index belongs to the thread that made it. [method@Kbd.Index.update_async]
 * runs in a worker thread; searches can go on meanwhile and see what has
 * been committed, batch by batch.
 */
G_DEFINE_FINAL_TYPE (KbdIndex, kbd_index, G_TYPE_OBJECT)

static void
clear_statements (KbdIndex *self)
{
  g_clear_pointer (&self->count, sqlite3_finalize);
  g_clear_pointer (&self->rank, sqlite3_finalize);
  g_clear_pointer (&self->details, sqlite3_finalize);
  g_clear_pointer (&self->by_id, sqlite3_finalize);
  g_clear_pointer (&self->by_number, sqlite3_finalize);
  g_clear_pointer (&self->summary, sqlite3_finalize);
  g_clear_pointer (&self->links, sqlite3_finalize);
}

static void
kbd_index_finalize (GObject *object)
{
  KbdIndex *self = (KbdIndex *) object;

  clear_statements (self);
  db_close (&self->reader);
  db_close (&self->writer);
  g_free (self->reader.path);
  g_free (self->writer.path);
  g_free (self->notice);
  g_clear_pointer (&self->problems, g_ptr_array_unref);

  G_OBJECT_CLASS (kbd_index_parent_class)->finalize (object);
}

static void
kbd_index_class_init (KbdIndexClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kbd_index_finalize;
}

static void
kbd_index_init (KbdIndex *self)
{
  /* Reserved, so that pdata is an empty vector rather than NULL (GLib 2.74). */
  self->problems = g_ptr_array_new_null_terminated (1, g_free, TRUE);
  self->rank_all_max = RANK_ALL_MAX;
}

static gboolean
prepare_reader (KbdIndex  *self,
                GError   **error)
{
  Db *db = &self->reader;

  /* Ranking reads only rowids and scores; the columns shown and the
   * snippets are made for the few rows returned (details). */
  self->count = prepare (db, "SELECT count(*) FROM"
                             " (SELECT rowid FROM fts WHERE fts MATCH ?1 LIMIT ?2)", TRUE, error);
  if (self->count == NULL)
    return FALSE;
  self->rank = prepare (db, "SELECT rowid, " BM25 " FROM fts WHERE fts MATCH ?1"
                            " ORDER BY 2 LIMIT ?2", TRUE, error);
  if (self->rank == NULL)
    return FALSE;
  self->details = prepare (db,
    "SELECT a.id, a.kind, a.title, a.product, f.path,"
    " snippet (fts, 2, char (2), char (3), '…', " G_STRINGIFY (SNIPPET_TOKENS) "),"
    " snippet (fts, 3, char (2), char (3), '…', " G_STRINGIFY (SNIPPET_TOKENS) ")"
    " FROM fts JOIN articles a ON a.file = fts.rowid JOIN files f ON f.id = fts.rowid"
    " WHERE fts MATCH ?1 AND fts.rowid = ?2", TRUE, error);
  if (self->details == NULL)
    return FALSE;
  /* Decision trees before reference articles, then by path: the same id
   * in two files is found the same way every time. */
  self->by_id = prepare (db,
    "SELECT a.file, a.id, a.kind, a.title, a.product, f.path FROM articles a"
    " JOIN files f ON f.id = a.file WHERE a.id = ?1 COLLATE NOCASE"
    " ORDER BY a.kind, f.path LIMIT 1", TRUE, error);
  if (self->by_id == NULL)
    return FALSE;
  self->by_number = prepare (db,
    "SELECT a.file, a.id, a.kind, a.title, a.product, f.path FROM articles a"
    " JOIN files f ON f.id = a.file WHERE a.number = ?1"
    " ORDER BY f.path LIMIT 1", TRUE, error);
  if (self->by_number == NULL)
    return FALSE;
  self->summary = prepare (db, "SELECT summary FROM fts WHERE rowid = ?1", TRUE, error);
  if (self->summary == NULL)
    return FALSE;
  self->links = prepare (db, "SELECT links FROM articles WHERE file = ?1", TRUE, error);
  return self->links != NULL;
}

static gboolean
open_reader (KbdIndex  *self,
             GError   **error)
{
  clear_statements (self);
  db_close (&self->reader);
  if (!open_connection (&self->reader, FALSE, error) || !prepare_reader (self, error))
    {
      clear_statements (self);
      db_close (&self->reader);
      return FALSE;
    }
  return TRUE;
}

/**
 * kbd_index_new:
 * @filename: (type filename) (nullable): the index database, or %NULL for
 *   `$XDG_CACHE_HOME/kbdecide/index.db`
 * @error: return location for a #GError
 *
 * Opens the article index, creating it when there is none. The folder is
 * made private (0700) and the database file 0600; a symbolic link at the
 * database path is refused (%KBD_ERROR_UNSAFE_PATH).
 *
 * A database that is damaged, is not SQLite or has a schema version this
 * library does not know is deleted and a new, empty index is made:
 * [method@Kbd.Index.get_notice] then says so, and
 * [method@Kbd.Index.update] fills the index again. Only what prevents
 * having an index at all is an error: a folder or file that cannot be
 * created (%KBD_ERROR_IO), another program holding the database
 * (%KBD_ERROR_BUSY).
 *
 * Returns: (transfer full): the index, or %NULL with @error set
 */
KbdIndex *
kbd_index_new (const char  *filename,
               GError     **error)
{
  g_autoptr(KbdIndex) self = NULL;
  g_autofree char *default_path = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *real_directory = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kbd_i18n_init ();

  if (filename == NULL)
    filename = default_path = g_build_filename (g_get_user_cache_dir (), "kbdecide", "index.db",
                                                NULL);

  /* A symlinked cache folder is fine: the folder is resolved first, then a
   * link at the database path itself is refused. */
  directory = g_path_get_dirname (filename);
  base = g_path_get_basename (filename);
  if (g_mkdir_with_parents (directory, 0700) != 0)
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

      g_set_error (error, KBD_ERROR, KBD_ERROR_IO, "%s: %s", directory, g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (KBD_TYPE_INDEX, NULL);
  self->writer.path = g_build_filename (real_directory, base, NULL);
  self->reader.path = g_strdup (self->writer.path);

  if (!open_writer (&self->writer, FALSE, &self->notice, error) || !open_reader (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * kbd_index_get_filename:
 * @self: an index
 *
 * Gets the index database's file, with its folder's symbolic links
 * resolved.
 *
 * Returns: (type filename): the database file
 */
const char *
kbd_index_get_filename (KbdIndex *self)
{
  g_return_val_if_fail (KBD_IS_INDEX (self), NULL);
  return self->writer.path;
}

/**
 * kbd_index_get_notice:
 * @self: an index
 *
 * Gets what a person should know about the index database: that it was
 * damaged, was not an index or came from another version, and was
 * deleted to be built again. Such a database is never an error.
 *
 * Returns: (nullable): a translated sentence naming the database file, or
 *   %NULL when there is nothing to say
 */
const char *
kbd_index_get_notice (KbdIndex *self)
{
  g_return_val_if_fail (KBD_IS_INDEX (self), NULL);
  return self->notice;
}

/* Reading articles ---------------------------------------------------------- */

/* What the index keeps of an article: its columns in the FTS5 table and
 * its row in `articles`. */
typedef struct
{
  char *id;
  guint number;
  KbdIndexKind kind;
  char *id_text;     /* the id as a person may type it */
  char *title;
  char *summary;     /* summary or SYMPTOMS, and the keywords */
  char *body;        /* everything else */
  char *product;
  char *links;
} ArticleText;

static void
article_text_clear (ArticleText *text)
{
  g_free (text->id);
  g_free (text->id_text);
  g_free (text->title);
  g_free (text->summary);
  g_free (text->body);
  g_free (text->product);
  g_free (text->links);
  memset (text, 0, sizeof *text);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ArticleText, article_text_clear)

/* The snippet markers never occur in indexed text. */
static char *
scrub (char *text)
{
  for (char *p = text; *p != '\0'; p++)
    if (*p == MARK_OPEN || *p == MARK_CLOSE)
      *p = ' ';
  return text;
}

/* "Q317627 KB317627 317627", so that any spelling a person types finds
 * the article by full-text search too. */
static char *
id_spellings (const char *id)
{
  guint number = 0;

  if (kbd_reference_article_parse_id (id, &number))
    return g_strdup_printf ("Q%u KB%u %u", number, number, number);
  return g_strdup (id);
}

static void
append_keywords (GString           *out,
                 const char *const *keywords)
{
  for (guint i = 0; keywords != NULL && keywords[i] != NULL; i++)
    {
      g_string_append (out, i == 0 ? "\n" : ", ");
      g_string_append (out, keywords[i]);
    }
}

static gboolean
is_symptoms_heading (const char *title)
{
  return title != NULL && (g_ascii_strcasecmp (title, "SYMPTOMS") == 0 ||
                           g_ascii_strcasecmp (title, "SUMMARY") == 0);
}

static gboolean
read_reference (GBytes       *bytes,
                const char   *name,
                ArticleText  *text,
                GError      **error)
{
  g_autoptr(KbdReferenceArticle) article = NULL;
  g_autoptr(GPtrArray) mentions = NULL;
  GString *summary, *body;
  guint n_sections, summary_section;

  article = kbd_reference_article_new_from_bytes (bytes, name, error);
  if (article == NULL)
    return FALSE;

  /* The summary column holds what the article is about: its SYMPTOMS (or
   * SUMMARY) section, else its first section, and the keywords. */
  n_sections = kbd_reference_article_get_n_sections (article);
  summary_section = 0;
  for (guint i = 0; i < n_sections; i++)
    if (is_symptoms_heading (kbd_reference_article_get_section_title (article, i)))
      {
        summary_section = i;
        break;
      }

  summary = g_string_new (NULL);
  body = g_string_new (NULL);
  for (guint i = 0; i < n_sections; i++)
    {
      const char *heading = kbd_reference_article_get_section_title (article, i);
      const char *section = kbd_reference_article_get_section_text (article, i);

      if (i == summary_section)
        {
          g_string_append (summary, section);
          continue;
        }
      if (body->len > 0)
        g_string_append (body, "\n\n");
      if (heading != NULL)
        {
          g_string_append (body, heading);
          g_string_append_c (body, '\n');
        }
      g_string_append (body, section);
    }
  append_keywords (summary, kbd_reference_article_get_keywords (article));

  mentions = kbd_reference_article_find_mentions (article);
  g_ptr_array_add (mentions, NULL);

  text->id = g_strdup (kbd_reference_article_get_id (article));
  text->number = kbd_reference_article_get_number (article);
  text->kind = KBD_INDEX_KIND_REFERENCE;
  text->id_text = id_spellings (text->id);
  text->title = scrub (g_strdup (kbd_reference_article_get_title (article)));
  text->summary = scrub (g_string_free (summary, FALSE));
  text->body = scrub (g_string_free (body, FALSE));
  text->product = scrub (g_strdup (kbd_reference_article_get_product (article)));
  text->links = g_strjoinv (" ", (char **) mentions->pdata);
  return TRUE;
}

static void
add_tree_string_cb (const char *string_id,
                    const char *text,
                    gpointer    user_data)
{
  GString *body = user_data;
  g_autofree char *plain = NULL;

  /* The title and summary have their own columns. */
  if (text == NULL || text[0] == '\0' || g_str_equal (string_id, "article.title") ||
      g_str_equal (string_id, "article.summary"))
    return;
  plain = kbd_text_render (text, KBD_TEXT_FORMAT_PLAIN);
  if (body->len > 0)
    g_string_append_c (body, '\n');
  g_string_append (body, plain);
}

static gboolean
read_tree (GBytes       *bytes,
           const char   *name,
           ArticleText  *text,
           GError      **error)
{
  g_autoptr(KbdArticle) article = NULL;
  KbdProduct *const *products;
  KbdReference *const *see_also;
  GString *summary, *body, *product, *links;
  guint n_products, n_see_also;

  article = kbd_article_new_from_bytes (bytes, name, KBD_LOAD_FLAGS_NONE, error);
  if (article == NULL)
    return FALSE;

  summary = g_string_new (NULL);
  g_string_append (summary, kbd_article_get_summary (article));
  append_keywords (summary, kbd_article_get_keywords (article));

  body = g_string_new (NULL);
  kbd_article_foreach_string (article, add_tree_string_cb, body);

  product = g_string_new (NULL);
  products = kbd_article_get_products (article, &n_products);
  for (guint i = 0; i < n_products; i++)
    {
      if (i > 0)
        g_string_append (product, ", ");
      g_string_append (product, kbd_product_get_name (products[i]));
    }

  links = g_string_new (NULL);
  see_also = kbd_article_get_see_also (article, &n_see_also);
  for (guint i = 0; i < n_see_also; i++)
    {
      if (i > 0)
        g_string_append_c (links, ' ');
      g_string_append (links, kbd_reference_get_id (see_also[i]));
    }

  text->id = g_strdup (kbd_article_get_id (article));
  text->kind = KBD_INDEX_KIND_DECISION_TREE;
  text->id_text = id_spellings (text->id);
  text->title = scrub (kbd_text_render (kbd_article_get_title (article), KBD_TEXT_FORMAT_PLAIN));
  {
    g_autofree char *marked = g_string_free (summary, FALSE);
    text->summary = scrub (kbd_text_render (marked, KBD_TEXT_FORMAT_PLAIN));
  }
  text->body = scrub (g_string_free (body, FALSE));
  text->product = scrub (g_string_free (product, FALSE));
  text->links = g_string_free (links, FALSE);
  return TRUE;
}

static gboolean
is_reference_name (const char *name)
{
  gsize len = strlen (name);

  return len > 4 && g_ascii_strcasecmp (name + len - 4, ".txt") == 0;
}

static gboolean
is_tree_name (const char *name)
{
  return g_str_has_suffix (name, ".json") && !g_str_has_suffix (name, ".schema.json");
}

/* Updating ------------------------------------------------------------------------ */

typedef struct
{
  char *path;
  gint64 size;
  gint64 mtime;
} Candidate;

static void
candidate_free (Candidate *candidate)
{
  g_free (candidate->path);
  g_free (candidate);
}

typedef struct
{
  gint64 id;
  gint64 size;
  gint64 mtime;
  char *hash;
  gboolean indexed;      /* has an article (no problem) */
  gboolean seen;
} FileRow;

static void
file_row_free (FileRow *row)
{
  g_free (row->hash);
  g_free (row);
}

/* An update's input and output. It runs on the caller's thread or in a
 * worker; it touches nothing of the KbdIndex but the writer connection,
 * which is its alone while it runs. */
typedef struct
{
  char **folders;
  Db *writer;
  gboolean force_new;
  KbdIndexProgress progress;
  gpointer progress_data;
  GDestroyNotify progress_data_free;
  GMainContext *context;     /* progress is invoked there; NULL: called directly */

  GPtrArray *problems;
  guint n_added, n_changed, n_removed, n_unchanged, n_hashed;
  char *notice;
  gboolean recreated;

  /* The write statements. */
  sqlite3_stmt *insert_file;
  sqlite3_stmt *update_file;
  sqlite3_stmt *delete_file;
  sqlite3_stmt *insert_article;
  sqlite3_stmt *delete_article;
  sqlite3_stmt *insert_fts;
  sqlite3_stmt *delete_fts;
} UpdateJob;

static void
job_clear_statements (UpdateJob *job)
{
  g_clear_pointer (&job->insert_file, sqlite3_finalize);
  g_clear_pointer (&job->update_file, sqlite3_finalize);
  g_clear_pointer (&job->delete_file, sqlite3_finalize);
  g_clear_pointer (&job->insert_article, sqlite3_finalize);
  g_clear_pointer (&job->delete_article, sqlite3_finalize);
  g_clear_pointer (&job->insert_fts, sqlite3_finalize);
  g_clear_pointer (&job->delete_fts, sqlite3_finalize);
}

static void
job_reset_results (UpdateJob *job)
{
  g_ptr_array_set_size (job->problems, 0);
  job->n_added = job->n_changed = job->n_removed = job->n_unchanged = job->n_hashed = 0;
}

static UpdateJob *
update_job_new (KbdIndex           *self,
                const char *const  *folders,
                KbdIndexProgress    progress,
                gpointer            progress_data,
                GDestroyNotify      progress_data_free,
                GMainContext       *context)
{
  UpdateJob *job = g_atomic_rc_box_new0 (UpdateJob);

  job->folders = g_strdupv ((char **) folders);
  job->writer = &self->writer;
  job->force_new = self->needs_rebuild;
  job->progress = progress;
  job->progress_data = progress_data;
  job->progress_data_free = progress_data_free;
  job->context = context != NULL ? g_main_context_ref (context) : NULL;
  job->problems = g_ptr_array_new_with_free_func (g_free);
  return job;
}

static void
update_job_clear (UpdateJob *job)
{
  job_clear_statements (job);
  g_strfreev (job->folders);
  if (job->progress_data_free != NULL)
    job->progress_data_free (job->progress_data);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_clear_pointer (&job->problems, g_ptr_array_unref);
  g_free (job->notice);
}

static void
update_job_unref (UpdateJob *job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify) update_job_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UpdateJob, update_job_unref)

typedef struct
{
  UpdateJob *job;
  guint done;
  guint total;
} ProgressCall;

static void
progress_call_free (gpointer data)
{
  ProgressCall *call = data;

  update_job_unref (call->job);
  g_free (call);
}

static gboolean
progress_call_cb (gpointer data)
{
  ProgressCall *call = data;

  /* The job's completion clears progress before the caller is told. */
  if (call->job->progress != NULL)
    call->job->progress (call->done, call->total, call->job->progress_data);
  return G_SOURCE_REMOVE;
}

static void
report_progress (UpdateJob *job,
                 guint      done,
                 guint      total)
{
  ProgressCall *call;

  if (job->progress == NULL)
    return;
  if (job->context == NULL)
    {
      job->progress (done, total, job->progress_data);
      return;
    }

  call = g_new0 (ProgressCall, 1);
  call->job = g_atomic_rc_box_acquire (job);
  call->done = done;
  call->total = total;
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, progress_call_cb, call,
                              progress_call_free);
}

static void
add_problem (UpdateJob  *job,
             const char *path,
             const char *message)
{
  g_autofree char *shown = g_filename_display_name (path);

  /* "FILE: reason": the loaders' messages mostly start with the file. */
  if (g_str_has_prefix (message, path) || g_str_has_prefix (message, shown))
    g_ptr_array_add (job->problems, g_strdup (message));
  else
    g_ptr_array_add (job->problems, g_strdup_printf ("%s: %s", shown, message));
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The article files of a folder and of its subfolders one level down, in
 * name order. A folder that does not exist holds no articles; one that
 * cannot be read is a problem. */
static void
list_folder (UpdateJob  *job,
             const char *folder,
             guint       depth,
             GHashTable *seen,
             GPtrArray  *candidates)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) subfolders = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_autofree char *shown = g_filename_display_name (folder);

          g_ptr_array_add (job->problems, g_strdup_printf (_("%s: cannot read the folder: %s"),
                                                           shown, error->message));
        }
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *entry = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (folder, entry, NULL);
      struct stat st;
      Candidate *candidate;

      if (!is_reference_name (entry) && !is_tree_name (entry))
        {
          if (depth == 0 && g_stat (path, &st) == 0 && S_ISDIR (st.st_mode))
            g_ptr_array_add (subfolders, g_steal_pointer (&path));
          continue;
        }
      if (g_hash_table_contains (seen, path))
        continue;
      if (g_stat (path, &st) != 0)
        {
          int saved_errno = errno;
          g_autofree char *shown = g_filename_display_name (path);

          g_ptr_array_add (job->problems, g_strdup_printf (_("%s: cannot read the file: %s"),
                                                           shown, g_strerror (saved_errno)));
          continue;
        }
      if (S_ISDIR (st.st_mode))
        continue;

      candidate = g_new0 (Candidate, 1);
      candidate->path = g_strdup (path);
      candidate->size = st.st_size;
      candidate->mtime = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
                         st.st_mtim.tv_nsec;
      g_hash_table_add (seen, g_steal_pointer (&path));
      g_ptr_array_add (candidates, candidate);
    }

  for (guint i = 0; i < subfolders->len; i++)
    list_folder (job, g_ptr_array_index (subfolders, i), depth + 1, seen, candidates);
}

static gboolean
prepare_writes (UpdateJob  *job,
                GError    **error)
{
  Db *db = job->writer;

  job_clear_statements (job);
  job->insert_file = prepare (db, "INSERT INTO files (path, size, mtime, hash, problem)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5)", TRUE, error);
  job->update_file = job->insert_file == NULL ? NULL :
    prepare (db, "UPDATE files SET size = ?2, mtime = ?3, hash = ?4, problem = ?5 WHERE id = ?1",
             TRUE, error);
  job->delete_file = job->update_file == NULL ? NULL :
    prepare (db, "DELETE FROM files WHERE id = ?1", TRUE, error);
  job->insert_article = job->delete_file == NULL ? NULL :
    prepare (db, "INSERT INTO articles (file, id, number, kind, title, product, links)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", TRUE, error);
  job->delete_article = job->insert_article == NULL ? NULL :
    prepare (db, "DELETE FROM articles WHERE file = ?1", TRUE, error);
  job->insert_fts = job->delete_article == NULL ? NULL :
    prepare (db, "INSERT INTO fts (rowid, id, title, summary, body, product, kind)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", TRUE, error);
  job->delete_fts = job->insert_fts == NULL ? NULL :
    prepare (db, "DELETE FROM fts WHERE rowid = ?1", TRUE, error);
  return job->delete_fts != NULL;
}

static GHashTable *
load_files (UpdateJob  *job,
            GError    **error)
{
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) file_row_free);
  g_autoptr(sqlite3_stmt) stmt = prepare (job->writer,
    "SELECT id, path, size, mtime, hash, problem IS NULL AND hash IS NOT NULL FROM files",
    FALSE, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FileRow *row = g_new0 (FileRow, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->size = sqlite3_column_int64 (stmt, 2);
      row->mtime = sqlite3_column_int64 (stmt, 3);
      row->hash = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      row->indexed = sqlite3_column_int (stmt, 5) != 0;
      g_hash_table_replace (rows, g_strdup ((const char *) sqlite3_column_text (stmt, 1)), row);
    }
  if (rc != SQLITE_DONE)
    {
      fail_sqlite (job->writer, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static gboolean
delete_article_rows (UpdateJob  *job,
                     gint64      file_id,
                     GError    **error)
{
  sqlite3_bind_int64 (job->delete_fts, 1, file_id);
  if (!step_done (job->writer, job->delete_fts, error))
    return FALSE;
  sqlite3_bind_int64 (job->delete_article, 1, file_id);
  return step_done (job->writer, job->delete_article, error);
}

static gboolean
insert_article_rows (UpdateJob          *job,
                     gint64              file_id,
                     const ArticleText  *text,
                     GError            **error)
{
  sqlite3_stmt *stmt = job->insert_article;

  sqlite3_bind_int64 (stmt, 1, file_id);
  sqlite3_bind_text (stmt, 2, text->id, -1, SQLITE_STATIC);
  if (text->number != 0)
    sqlite3_bind_int64 (stmt, 3, text->number);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_int (stmt, 4, text->kind);
  sqlite3_bind_text (stmt, 5, text->title, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, text->product, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, text->links, -1, SQLITE_STATIC);
  if (!step_done (job->writer, stmt, error))
    return FALSE;

  stmt = job->insert_fts;
  sqlite3_bind_int64 (stmt, 1, file_id);
  sqlite3_bind_text (stmt, 2, text->id_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, text->title, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, text->summary, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, text->body, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, text->product, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, text->kind == KBD_INDEX_KIND_REFERENCE ? "reference" : "tree",
                     -1, SQLITE_STATIC);
  return step_done (job->writer, stmt, error);
}

/* Writes a file's row: inserted when @row is NULL (its id returned in
 * @file_id), updated otherwise. */
static gboolean
write_file_row (UpdateJob   *job,
                FileRow     *row,
                Candidate   *candidate,
                gint64       mtime,
                const char  *hash,
                const char  *problem,
                gint64      *file_id,
                GError     **error)
{
  sqlite3_stmt *stmt = row != NULL ? job->update_file : job->insert_file;

  if (row != NULL)
    sqlite3_bind_int64 (stmt, 1, row->id);
  else
    sqlite3_bind_text (stmt, 1, candidate->path, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, candidate->size);
  sqlite3_bind_int64 (stmt, 3, mtime);
  if (hash != NULL)
    sqlite3_bind_text (stmt, 4, hash, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 4);
  if (problem != NULL)
    sqlite3_bind_text (stmt, 5, problem, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 5);
  if (!step_done (job->writer, stmt, error))
    return FALSE;
  *file_id = row != NULL ? row->id : sqlite3_last_insert_rowid (job->writer->db);
  return TRUE;
}

/* Brings one file's rows up to date. Returns FALSE only for a database
 * error; a file that cannot be read or loaded is a problem, recorded. */
static gboolean
update_file (UpdateJob   *job,
             Candidate   *candidate,
             FileRow     *row,
             gboolean    *wrote,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *shown = NULL;
  g_auto(ArticleText) text = { 0, };
  gboolean reference = is_reference_name (candidate->path);
  gboolean loaded;
  gint64 mtime = candidate->mtime;
  gint64 now, file_id = 0;

  *wrote = FALSE;

  if (row != NULL && row->indexed && row->size == candidate->size && row->mtime == candidate->mtime)
    {
      job->n_unchanged++;
      return TRUE;
    }

  now = g_get_real_time () * 1000;
  bytes = kbd_read_regular_file (candidate->path,
                                 reference ? KBD_REFERENCE_ARTICLE_MAX_SIZE : KBD_MAX_FILE_SIZE,
                                 &local_error);
  /* A file just written may be written again within the same tick of the
   * file system's clock; a whole-second mtime means a coarse clock. */
  if (now - candidate->mtime < (candidate->mtime % 1000000000 == 0 ? RACY_WINDOW_COARSE_NS
                                                                    : RACY_WINDOW_NS))
    mtime = RACY_MTIME;

  if (bytes != NULL)
    {
      gsize len;
      const guchar *data = g_bytes_get_data (bytes, &len);

      hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                          data != NULL ? data : (const guchar *) "", len);
      job->n_hashed++;

      /* Same contents under a new mtime: only the row changes. */
      if (row != NULL && row->indexed && g_strcmp0 (row->hash, hash) == 0)
        {
          job->n_unchanged++;
          *wrote = TRUE;
          return write_file_row (job, row, candidate, mtime, hash, NULL, &file_id, error);
        }

      shown = g_filename_display_name (candidate->path);
      loaded = reference ? read_reference (bytes, shown, &text, &local_error)
                         : read_tree (bytes, shown, &text, &local_error);
    }
  else
    loaded = FALSE;

  *wrote = TRUE;
  if (row != NULL && row->indexed && !delete_article_rows (job, row->id, error))
    return FALSE;

  if (!loaded)
    {
      add_problem (job, candidate->path, local_error->message);
      if (row != NULL && row->indexed)
        job->n_removed++;
      return write_file_row (job, row, candidate, mtime, hash,
                             g_ptr_array_index (job->problems, job->problems->len - 1),
                             &file_id, error);
    }

  if (!write_file_row (job, row, candidate, mtime, hash, NULL, &file_id, error) ||
      !insert_article_rows (job, file_id, &text, error))
    return FALSE;
  if (row != NULL && row->indexed)
    job->n_changed++;
  else
    job->n_added++;
  return TRUE;
}

/* Runs the update once; a database found damaged on the way is reported
 * as KBD_ERROR_CORRUPT for run_update() to start again. */
static gboolean
set_automerge (Db      *db,
               int      level,
               GError **error)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO fts (fts, rank) VALUES ('automerge', %d)",
                                          level);
  return exec (db, sql, error);
}

static gboolean
run_update_once (UpdateJob     *job,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) candidates =
    g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(GError) cancelled = NULL;
  Db *db = job->writer;
  GHashTableIter iter;
  gpointer key, value;
  guint in_transaction = 0;
  guint total;
  gboolean bulk;
  gint64 merging_off = 0;

  job_reset_results (job);

  for (guint i = 0; job->folders[i] != NULL; i++)
    {
      g_autofree char *folder = g_canonicalize_filename (job->folders[i], NULL);
      list_folder (job, folder, 0, seen, candidates);
    }
  total = candidates->len;

  if (!prepare_writes (job, error))
    return FALSE;
  rows = load_files (job, error);
  if (rows == NULL)
    return FALSE;

  /* A build from nothing merges the FTS5 segments once, at the end:
   * merging them on the way as well wrote every doclist several times
   * over (a full build of the archive took 10-15 % longer). A build that
   * was interrupted left merging off; it is turned on again. */
  bulk = g_hash_table_size (rows) == 0 && total > BATCH_FILES;
  if (!query_int (db, "SELECT count(*) FROM fts_config WHERE k = 'automerge' AND v = 0",
                  &merging_off, error))
    return FALSE;
  if ((bulk || merging_off > 0) && !set_automerge (db, bulk ? 0 : FTS_AUTOMERGE, error))
    return FALSE;

  if (!exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* Files gone from the folders (or from folders no longer given). */
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *candidate = g_ptr_array_index (candidates, i);
      FileRow *row = g_hash_table_lookup (rows, candidate->path);

      if (row != NULL)
        row->seen = TRUE;
    }
  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      FileRow *row = value;

      if (row->seen)
        continue;
      if (row->indexed && !delete_article_rows (job, row->id, error))
        goto failed;
      sqlite3_bind_int64 (job->delete_file, 1, row->id);
      if (!step_done (db, job->delete_file, error))
        goto failed;
      if (row->indexed)
        job->n_removed++;
      in_transaction++;
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *candidate = g_ptr_array_index (candidates, i);
      gboolean wrote = FALSE;

      /* Stops between files; what is done so far is kept. */
      if (g_cancellable_set_error_if_cancelled (cancellable, &cancelled))
        break;

      if (!update_file (job, candidate, g_hash_table_lookup (rows, candidate->path), &wrote, error))
        goto failed;
      if (wrote && ++in_transaction >= BATCH_FILES)
        {
          if (!exec (db, "COMMIT", error) || !exec (db, "BEGIN IMMEDIATE", error))
            goto failed;
          in_transaction = 0;
        }
      if ((i + 1) % PROGRESS_EVERY == 0 && i + 1 < total)
        report_progress (job, i + 1, total);
    }

  if (!exec (db, "COMMIT", error))
    goto failed;

  if (cancelled != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&cancelled));
      return FALSE;
    }

  /* After a big change, merge the FTS5 segments into one: a broad query
   * then reads one doclist per word rather than one per segment. */
  if (job->n_added + job->n_changed + job->n_removed > BATCH_FILES &&
      !exec (db, "INSERT INTO fts (fts) VALUES ('optimize');"
                 "PRAGMA wal_checkpoint (TRUNCATE)", error))
    return FALSE;
  if (bulk && !set_automerge (db, FTS_AUTOMERGE, error))
    return FALSE;

  report_progress (job, total, total);
  return TRUE;

failed:
  return rollback (db);
}

static gboolean
run_update (UpdateJob     *job,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  /* A search found damage, or an earlier update could not open the
   * database again. */
  if (job->force_new || job->writer->db == NULL)
    {
      db_close (job->writer);
      if (!open_writer (job->writer, job->force_new, &job->notice, error))
        return FALSE;
      job->recreated = TRUE;
    }

  if (run_update_once (job, cancellable, &local_error))
    return TRUE;
  if (!g_error_matches (local_error, KBD_ERROR, KBD_ERROR_CORRUPT))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Damage found on the way: the cache is built again from nothing. */
  job_clear_statements (job);
  db_close (job->writer);
  if (!open_writer (job->writer, TRUE, &job->notice, error))
    return FALSE;
  job->recreated = TRUE;
  return run_update_once (job, cancellable, error);
}

/* On the owner thread, once the job is done. */
static void
apply_results (KbdIndex  *self,
               UpdateJob *job)
{
  g_ptr_array_set_size (self->problems, 0);
  for (guint i = 0; i < job->problems->len; i++)
    g_ptr_array_add (self->problems, g_strdup (g_ptr_array_index (job->problems, i)));
  self->n_added = job->n_added;
  self->n_changed = job->n_changed;
  self->n_removed = job->n_removed;
  self->n_unchanged = job->n_unchanged;
  self->n_hashed = job->n_hashed;
  job_clear_statements (job);

  if (job->notice != NULL)
    {
      g_free (self->notice);
      self->notice = g_steal_pointer (&job->notice);
    }
  if (job->recreated)
    {
      g_autoptr(GError) error = NULL;

      self->needs_rebuild = FALSE;
      /* The reader still has the deleted file open. */
      if (!open_reader (self, &error))
        g_warning ("%s", error->message);
    }

  /* Progress is over before the caller hears the result. */
  job->progress = NULL;
  if (job->progress_data_free != NULL)
    {
      GDestroyNotify free_func = g_steal_pointer (&job->progress_data_free);
      free_func (job->progress_data);
    }
  self->updating = FALSE;
}

static gboolean
check_not_updating (KbdIndex  *self,
                    GError   **error)
{
  if (self->updating)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_BUSY,
                   _("%s: the search index is already being updated"), self->writer.path);
      return FALSE;
    }
  return TRUE;
}

/**
 * kbd_index_update:
 * @self: an index
 * @folders: (array zero-terminated=1) (element-type filename): the folders
 *   whose articles the index holds
 * @cancellable: (nullable): a #GCancellable
 * @progress: (scope call) (nullable): called every 50 files or so, and at the end
 * @user_data: (closure progress): data for @progress
 * @error: return location for a #GError
 *
 * Brings the index up to date with the article files in @folders and in
 * their subfolders one level down: decision trees (`*.json`, not
 * `*.schema.json`) and reference articles (`*.txt`, any case). Afterwards
 * the index holds exactly these files: articles of files that were
 * deleted, or of folders no longer given, are removed.
 *
 * Only what changed is read. A file whose size and modification time are
 * those indexed is skipped; otherwise its SHA-256 hash decides whether it
 * is indexed again. A file that cannot be read or loaded is not skipped
 * silently: it is listed in [method@Kbd.Index.get_problems] (and read
 * again at each update until it loads). [method@Kbd.Index.get_last_update_stats]
 * counts what was done.
 *
 * The work is committed every 500 files. Cancelling stops between two
 * files and returns %G_IO_ERROR_CANCELLED; what was done is kept, so the
 * next update goes on from there. A database found damaged on the way
 * is deleted and built again from nothing ([method@Kbd.Index.get_notice]).
 *
 * This blocks for as long as the files take to read: seconds for tens of
 * thousands of new files, well under a second when little changed. See
 * [method@Kbd.Index.update_async] to run it in a worker thread.
 *
 * Returns: %TRUE, or %FALSE with @error set (the database failed, or
 *   cancelled)
 */
gboolean
kbd_index_update (KbdIndex            *self,
                  const char *const   *folders,
                  GCancellable        *cancellable,
                  KbdIndexProgress     progress,
                  gpointer             user_data,
                  GError             **error)
{
  g_autoptr(UpdateJob) job = NULL;
  gboolean ok;

  g_return_val_if_fail (KBD_IS_INDEX (self), FALSE);
  g_return_val_if_fail (folders != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_not_updating (self, error))
    return FALSE;

  self->updating = TRUE;
  job = update_job_new (self, folders, progress, user_data, NULL, NULL);
  ok = run_update (job, cancellable, error);
  apply_results (self, job);
  return ok;
}

static void
update_thread_cb (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  UpdateJob *job = task_data;
  GError *error = NULL;

  if (run_update (job, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Back on the owner thread: the index takes the results, then the
 * caller's task completes. */
static void
update_done_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KbdIndex *self = KBD_INDEX (source_object);
  GError *error = NULL;

  apply_results (self, g_task_get_task_data (G_TASK (result)));
  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * kbd_index_update_async:
 * @self: an index
 * @folders: (array zero-terminated=1) (element-type filename): the folders
 *   whose articles the index holds
 * @cancellable: (nullable): a #GCancellable
 * @progress: (scope notified) (nullable): called every 50 files or so, and
 *   at the end, in the thread-default main context of the caller
 * @progress_data: (closure progress): data for @progress
 * @progress_data_free: (destroy progress_data) (nullable): frees @progress_data
 *   once the update is over, before @callback is called
 * @callback: (scope async): called when the update is over
 * @user_data: (closure callback): data for @callback
 *
 * Runs [method@Kbd.Index.update] in a worker thread. @progress and
 * @callback are invoked in the thread-default main context of the thread
 * that calls this, @progress always before @callback. Searches on @self
 * can go on meanwhile and find what each committed batch added. Only one
 * update runs at a time: a second one fails with %KBD_ERROR_BUSY.
 */
void
kbd_index_update_async (KbdIndex             *self,
                        const char *const    *folders,
                        GCancellable         *cancellable,
                        KbdIndexProgress      progress,
                        gpointer              progress_data,
                        GDestroyNotify        progress_data_free,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  g_autoptr(GMainContext) context = NULL;
  GError *error = NULL;

  g_return_if_fail (KBD_IS_INDEX (self));
  g_return_if_fail (folders != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kbd_index_update_async);
  /* The result says what the update did, cancelled or not. */
  g_task_set_check_cancellable (task, FALSE);

  if (!check_not_updating (self, &error))
    {
      if (progress_data_free != NULL)
        progress_data_free (progress_data);
      g_task_return_error (task, error);
      return;
    }

  self->updating = TRUE;
  context = g_main_context_ref_thread_default ();
  worker = g_task_new (self, cancellable, update_done_cb, g_object_ref (task));
  g_task_set_source_tag (worker, kbd_index_update_async);
  g_task_set_task_data (worker,
                        update_job_new (self, folders, progress, progress_data,
                                        progress_data_free, context),
                        (GDestroyNotify) update_job_unref);
  /* The cancellation is reported by the update itself, with what it kept. */
  g_task_set_check_cancellable (worker, FALSE);
  g_task_run_in_thread (worker, update_thread_cb);
}

/**
 * kbd_index_update_finish:
 * @self: an index
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Kbd.Index.update_async]. The index's problems, notice
 * and statistics are those of this update when the callback runs.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
kbd_index_update_finish (KbdIndex      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (KBD_IS_INDEX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kbd_index_update_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * kbd_index_get_last_update_stats:
 * @self: an index
 * @n_added: (out) (optional): return location for the number of files
 *   indexed for the first time
 * @n_changed: (out) (optional): return location for the number of files
 *   indexed again because their contents changed
 * @n_removed: (out) (optional): return location for the number of articles
 *   removed (file deleted, or no longer loading)
 * @n_unchanged: (out) (optional): return location for the number of files
 *   left as they were indexed
 * @n_hashed: (out) (optional): return location for the number of files
 *   read and hashed because their size or time changed (or they are new)
 *
 * Counts what the last [method@Kbd.Index.update] did, cancelled or not.
 * A file touched without changing is hashed but unchanged; when nothing
 * changed, every count but @n_unchanged is 0.
 */
void
kbd_index_get_last_update_stats (KbdIndex *self,
                                 guint    *n_added,
                                 guint    *n_changed,
                                 guint    *n_removed,
                                 guint    *n_unchanged,
                                 guint    *n_hashed)
{
  g_return_if_fail (KBD_IS_INDEX (self));

  if (n_added != NULL)
    *n_added = self->n_added;
  if (n_changed != NULL)
    *n_changed = self->n_changed;
  if (n_removed != NULL)
    *n_removed = self->n_removed;
  if (n_unchanged != NULL)
    *n_unchanged = self->n_unchanged;
  if (n_hashed != NULL)
    *n_hashed = self->n_hashed;
}

/**
 * kbd_index_get_problems:
 * @self: an index
 *
 * Gets why files could not be indexed by the last update, one translated
 * message per file in the form `FILE: reason`. A file with a problem is
 * read again at every update, so the list is always complete. The array
 * is empty, never %NULL, when every file was indexed.
 *
 * Returns: (transfer none) (array zero-terminated=1): one message per file
 *   or folder that could not be read
 */
const char *const *
kbd_index_get_problems (KbdIndex *self)
{
  g_return_val_if_fail (KBD_IS_INDEX (self), NULL);
  return (const char *const *) self->problems->pdata;
}

/* Reading the index --------------------------------------------------------------- */

/* A reader error: damage is remembered, so the next update builds the
 * index again. */
static gboolean
reader_failed (KbdIndex  *self,
               int        rc,
               GError   **error)
{
  if (is_corrupt_code (rc))
    self->needs_rebuild = TRUE;
  return fail_sqlite (&self->reader, rc, error);
}

/**
 * kbd_index_get_n_articles:
 * @self: an index
 *
 * Counts the articles in the index (files that could not be indexed are
 * not counted).
 *
 * Returns: the number of articles, 0 when the database cannot be read
 */
guint
kbd_index_get_n_articles (KbdIndex *self)
{
  gint64 n = 0;

  g_return_val_if_fail (KBD_IS_INDEX (self), 0);

  if (self->reader.db == NULL ||
      !query_int (&self->reader, "SELECT count(*) FROM articles", &n, NULL))
    return 0;
  return (guint) n;
}

/**
 * kbd_index_count_articles:
 * @self: an index
 * @kinds: the kinds of article to count
 *
 * Counts the articles of some kinds in the index, such as
 * %KBD_INDEX_KIND_REFERENCE for the classic reference articles only.
 * kbd_index_get_n_articles() is the count for %KBD_INDEX_KIND_ALL.
 *
 * Returns: the number of articles, 0 when the database cannot be read
 */
guint
kbd_index_count_articles (KbdIndex     *self,
                          KbdIndexKind  kinds)
{
  g_autofree char *sql = NULL;
  gint64 n = 0;

  g_return_val_if_fail (KBD_IS_INDEX (self), 0);

  if ((kinds & KBD_INDEX_KIND_ALL) == KBD_INDEX_KIND_ALL)
    return kbd_index_get_n_articles (self);
  if ((kinds & KBD_INDEX_KIND_ALL) == 0 || self->reader.db == NULL)
    return 0;
  sql = g_strdup_printf ("SELECT count(*) FROM articles WHERE kind = %d", (int) (kinds & KBD_INDEX_KIND_ALL));
  if (!query_int (&self->reader, sql, &n, NULL))
    return 0;
  return (guint) n;
}

static gboolean
has_letter_or_digit (const char *word,
                     gsize       len)
{
  for (const char *p = word; p < word + len; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (g_unichar_isalpha (ch) || g_unichar_isdigit (ch))
        return TRUE;
    }
  return FALSE;
}

/* Appends each word of @text as an FTS5 string ("…" with " doubled), so
 * nothing a person types is query syntax: `NEAR(`, `-x`, `col:x`, `*`
 * and `"` are words or nothing. A word without a letter or a digit would
 * be no token at all, and is left out. Returns how many words were added. */
static guint
append_words (GString    *query,
              const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  const char *p = valid;
  guint n = 0;

  while (*p != '\0' && n < MAX_QUERY_WORDS)
    {
      const char *start, *end;

      while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p != '\0' && !g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      end = p;
      if (end - start > MAX_WORD_BYTES)
        end = g_utf8_find_prev_char (start, start + MAX_WORD_BYTES + 1);
      if (end <= start || !has_letter_or_digit (start, end - start))
        continue;

      if (n++ > 0)
        g_string_append_c (query, ' ');
      g_string_append_c (query, '"');
      for (const char *q = start; q < end; q++)
        {
          if (*q == '"')
            g_string_append_c (query, '"');
          g_string_append_c (query, *q);
        }
      g_string_append_c (query, '"');
    }
  return n;
}

/* The FTS5 query: every word in @columns, every product word in the
 * product column, the kind; NULL when there is no word to find. */
static char *
make_match (const char   *text,
            const char   *product,
            KbdIndexKind  kinds,
            const char   *columns)
{
  g_autoptr(GString) query = g_string_new (columns);
  g_autoptr(GString) products = g_string_new (NULL);

  g_string_append (query, " : (");

  if (append_words (query, text) == 0)
    return NULL;
  g_string_append_c (query, ')');

  if (product != NULL && append_words (products, product) > 0)
    g_string_append_printf (query, " AND product : (%s)", products->str);

  if ((kinds & KBD_INDEX_KIND_ALL) == KBD_INDEX_KIND_REFERENCE)
    g_string_append (query, " AND kind : \"reference\"");
  else if ((kinds & KBD_INDEX_KIND_ALL) == KBD_INDEX_KIND_DECISION_TREE)
    g_string_append (query, " AND kind : \"tree\"");

  return g_string_free (g_steal_pointer (&query), FALSE);
}

static guint
count_marks (const char *snippet)
{
  guint n = 0;

  for (const char *p = snippet; p != NULL && *p != '\0'; p++)
    n += *p == MARK_OPEN;
  return n;
}

typedef struct
{
  gint64 rowid;
  double score;
} Hit;

/* The best @limit matches of @match by bm25, best first. */
static GArray *
rank (KbdIndex    *self,
      const char  *match,
      guint        limit,
      GError     **error)
{
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  int rc;

  sqlite3_bind_text (self->rank, 1, match, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (self->rank, 2, limit);
  while ((rc = sqlite3_step (self->rank)) == SQLITE_ROW)
    {
      Hit hit = { sqlite3_column_int64 (self->rank, 0), sqlite3_column_double (self->rank, 1) };
      g_array_append_val (hits, hit);
    }
  sqlite3_reset (self->rank);
  sqlite3_clear_bindings (self->rank);
  if (rc != SQLITE_DONE)
    {
      reader_failed (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&hits);
}

/* Counts the matches of @match, up to @max: walking the doclists without
 * ranking costs about a millisecond for a word in every article. */
static gboolean
count_matches (KbdIndex    *self,
               const char  *match,
               gint64       max,
               gint64      *count,
               GError     **error)
{
  int rc;

  sqlite3_bind_text (self->count, 1, match, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (self->count, 2, max);
  rc = sqlite3_step (self->count);
  if (rc == SQLITE_ROW)
    *count = sqlite3_column_int64 (self->count, 0);
  sqlite3_reset (self->count);
  sqlite3_clear_bindings (self->count);
  if (rc != SQLITE_ROW)
    return reader_failed (self, rc, error);
  return TRUE;
}

/**
 * kbd_index_search:
 * @self: an index
 * @query: the words to find, as a person types them
 * @product: (nullable): words the article's product must contain
 *   (`exchange`), or %NULL for any product
 * @kinds: the kinds of article to find
 * @limit: how many articles to return at most (up to 1,000)
 * @error: return location for a #GError
 *
 * Finds the articles that contain every word of @query, best match first.
 * Words are matched whole, without regard to case or accents, in the
 * article's id, title, summary (a reference article's symptoms), keywords,
 * text and product; a word in the title or the id counts ten times as
 * much as one in the text, one in the summary or keywords five times.
 * Each result has a snippet of the text around the words
 * ([method@Kbd.IndexResult.get_snippet]).
 *
 * Ranking stays fast for words in most articles: when more than 10,000
 * articles match, only those with every word in the title or the id are
 * ranked (scored by those columns), unless fewer than @limit of them
 * match.
 *
 * @query is never query syntax: quotes, `*`, `-`, `:`, parentheses,
 * `NEAR` or `AND` are searched as words, or ignored when they are only
 * punctuation, so no input is an error. A query with no word finds
 * nothing; words after the 32nd are ignored.
 *
 * Returns: (transfer container) (element-type KbdIndexResult): the
 *   articles found, perhaps none, or %NULL with @error set
 */
GPtrArray *
kbd_index_search (KbdIndex      *self,
                  const char    *query,
                  const char    *product,
                  KbdIndexKind   kinds,
                  guint          limit,
                  GError       **error)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) hits = NULL;
  g_autofree char *match = NULL;
  gint64 n_matches = 0;
  int rc;

  g_return_val_if_fail (KBD_IS_INDEX (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  match = make_match (query, product, kinds, SEARCHED_COLUMNS);
  if (match == NULL || (kinds & KBD_INDEX_KIND_ALL) == 0 || limit == 0)
    return g_steal_pointer (&results);
  if (self->reader.db == NULL)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_IO,
                   _("%s: the search index could not be opened again"), self->reader.path);
      return NULL;
    }

  limit = MIN (limit, MAX_RESULTS);

  /* Rank first, reading only rowids and scores; the shown columns and the
   * snippets (which tokenize the text again) are made for the few rows
   * returned.
   *
   * The cap: when more than RANK_ALL_MAX articles match, only those with
   * every word in the title or id are ranked (5,500 for "windows" in the
   * whole archive, against 45,000 with the word anywhere), scored by
   * those columns. With bm25's weights a title match nearly always ranks
   * first anyway, and for a word that broad the articles about it are the
   * ones a person wants. When fewer than @limit titles match, everything
   * is ranked, at the full cost. */
  if (!count_matches (self, match, (gint64) self->rank_all_max + 1, &n_matches, error))
    return NULL;
  if (n_matches > self->rank_all_max)
    {
      g_autofree char *title_match = make_match (query, product, kinds, TITLE_COLUMNS);

      hits = rank (self, title_match, limit, error);
      if (hits == NULL)
        return NULL;
      if (hits->len < limit)
        g_clear_pointer (&hits, g_array_unref);
    }
  if (hits == NULL)
    hits = rank (self, match, limit, error);
  if (hits == NULL)
    return NULL;

  for (guint i = 0; i < hits->len; i++)
    {
      Hit *hit = &g_array_index (hits, Hit, i);
      sqlite3_stmt *stmt = self->details;

      sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, hit->rowid);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          const char *summary = (const char *) sqlite3_column_text (stmt, 5);
          const char *body = (const char *) sqlite3_column_text (stmt, 6);

          g_ptr_array_add (results,
                           result_new ((const char *) sqlite3_column_text (stmt, 0),
                                       sqlite3_column_int (stmt, 1),
                                       (const char *) sqlite3_column_text (stmt, 2),
                                       (const char *) sqlite3_column_text (stmt, 3),
                                       (const char *) sqlite3_column_text (stmt, 4),
                                       -hit->score,
                                       count_marks (body) > count_marks (summary) ? body
                                                                                  : summary));
          rc = SQLITE_DONE;
        }
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc != SQLITE_DONE)
        {
          reader_failed (self, rc, error);
          return NULL;
        }
    }

  return g_steal_pointer (&results);
}

/* The first words of an article's summary, for a result found by id. */
static char *
preview (KbdIndex *self,
         gint64    rowid)
{
  GString *out = g_string_new (NULL);

  sqlite3_bind_int64 (self->summary, 1, rowid);
  if (sqlite3_step (self->summary) == SQLITE_ROW)
    {
      const char *summary = (const char *) sqlite3_column_text (self->summary, 0);
      g_autofree char *text = collapse_space (summary);
      g_auto(GStrv) words = g_strsplit (text, " ", PREVIEW_WORDS + 1);

      for (guint i = 0; words[i] != NULL && i < PREVIEW_WORDS; i++)
        g_string_append_printf (out, "%s%s", i > 0 ? " " : "", words[i]);
      if (g_strv_length (words) > PREVIEW_WORDS)
        g_string_append (out, " …");
    }
  sqlite3_reset (self->summary);
  return g_string_free (out, FALSE);
}

/* Finds an article by id; *rowid is 0 when there is none. */
static gboolean
find_article (KbdIndex        *self,
              const char      *id,
              gint64          *rowid,
              KbdIndexResult **result,
              GError         **error)
{
  g_autofree char *tree_id = NULL;
  sqlite3_stmt *stmts[3] = { self->by_id, NULL, NULL };
  guint number = 0;

  *rowid = 0;
  if (self->reader.db == NULL)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_IO,
                   _("%s: the search index could not be opened again"), self->reader.path);
      return FALSE;
    }

  /* The id as written; then a reference article by number ("KB317627",
   * "317627" find Q317627); then a decision tree named for the number
   * ("Q312395" finds KB312395), as kbd_article_id_normalize() reads ids. */
  if (kbd_reference_article_parse_id (id, &number))
    {
      stmts[1] = self->by_number;
      stmts[2] = self->by_id;
      tree_id = g_strdup_printf ("KB%u", number);
    }

  for (guint i = 0; i < G_N_ELEMENTS (stmts) && stmts[i] != NULL && *rowid == 0; i++)
    {
      sqlite3_stmt *stmt = stmts[i];
      int rc;

      if (i == 1)
        sqlite3_bind_int64 (stmt, 1, number);
      else
        sqlite3_bind_text (stmt, 1, i == 0 ? id : tree_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *rowid = sqlite3_column_int64 (stmt, 0);
          if (result != NULL)
            *result = result_new ((const char *) sqlite3_column_text (stmt, 1),
                                  sqlite3_column_int (stmt, 2),
                                  (const char *) sqlite3_column_text (stmt, 3),
                                  (const char *) sqlite3_column_text (stmt, 4),
                                  (const char *) sqlite3_column_text (stmt, 5),
                                  0.0, NULL);
          rc = SQLITE_DONE;
        }
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc != SQLITE_DONE)
        return reader_failed (self, rc, error);
    }
  return TRUE;
}

static void
set_not_found (KbdIndex    *self,
               const char  *id,
               GError     **error)
{
  g_autofree char *shown = g_utf8_make_valid (id, -1);

  g_set_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND, _("%s: no article “%s” in the search index"),
               self->reader.path, shown);
}

/**
 * kbd_index_lookup:
 * @self: an index
 * @id: an article id as a person types it
 * @error: return location for a #GError
 *
 * Finds an article by its id, without regard to case. A reference
 * article is found by any spelling of its number: `Q317627`, `q317627`,
 * `KB317627`, `kb317627` and `317627` all find Q317627; a decision tree
 * by its id as written (`KB312395`), or by its number when no reference
 * article has it. When two files hold the same id, the decision tree
 * comes first, then the file whose path sorts first.
 *
 * The result's snippet is the start of the article's summary.
 *
 * Returns: (transfer full): the article, or %NULL with
 *   %KBD_ERROR_NOT_FOUND when the index has no such article
 */
KbdIndexResult *
kbd_index_lookup (KbdIndex    *self,
                  const char  *id,
                  GError     **error)
{
  g_autoptr(KbdIndexResult) result = NULL;
  gint64 rowid = 0;

  g_return_val_if_fail (KBD_IS_INDEX (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!find_article (self, id, &rowid, &result, error))
    return NULL;
  if (rowid == 0)
    {
      set_not_found (self, id, error);
      return NULL;
    }

  /* Only the summary is missing; it is one row away. */
  {
    g_autofree char *summary = preview (self, rowid);

    for (guint i = 0; i < N_FORMATS; i++)
      {
        g_free (result->snippets[i]);
        result->snippets[i] = render_snippet (summary, (KbdTextFormat) i);
      }
  }
  return g_steal_pointer (&result);
}

/**
 * kbd_index_get_links:
 * @self: an index
 * @id: an article id, as [method@Kbd.Index.lookup] takes it
 * @error: return location for a #GError
 *
 * Gets the articles an article mentions that are in the index: for a
 * reference article the numbers its text mentions
 * ([method@Kbd.ReferenceArticle.find_mentions]), for a decision tree its
 * see-also references ([method@Kbd.Article.get_see_also]). Each is given
 * once, as the id of the article found, in the order mentioned; articles
 * the index does not hold are left out.
 *
 * Returns: (transfer full) (element-type utf8): the ids, perhaps none, or
 *   %NULL with %KBD_ERROR_NOT_FOUND when the index has no article @id
 */
GPtrArray *
kbd_index_get_links (KbdIndex    *self,
                     const char  *id,
                     GError     **error)
{
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_auto(GStrv) mentioned = NULL;
  g_autoptr(GArray) rowids = NULL;
  gint64 rowid = 0;
  int rc;

  g_return_val_if_fail (KBD_IS_INDEX (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!find_article (self, id, &rowid, NULL, error))
    return NULL;
  if (rowid == 0)
    {
      set_not_found (self, id, error);
      return NULL;
    }

  sqlite3_bind_int64 (self->links, 1, rowid);
  rc = sqlite3_step (self->links);
  if (rc == SQLITE_ROW)
    mentioned = g_strsplit ((const char *) sqlite3_column_text (self->links, 0), " ", -1);
  sqlite3_reset (self->links);
  if (rc != SQLITE_ROW)
    {
      reader_failed (self, rc == SQLITE_DONE ? SQLITE_INTERNAL : rc, error);
      return NULL;
    }

  /* Sized once: @seen points into it. The article itself is never its
   * own link. */
  rowids = g_array_sized_new (FALSE, TRUE, sizeof (gint64), g_strv_length (mentioned) + 1);
  g_array_set_size (rowids, g_strv_length (mentioned) + 1);
  g_array_index (rowids, gint64, 0) = rowid;
  g_hash_table_add (seen, &g_array_index (rowids, gint64, 0));

  for (guint i = 0; mentioned[i] != NULL; i++)
    {
      g_autoptr(KbdIndexResult) target = NULL;
      gint64 *slot = &g_array_index (rowids, gint64, i + 1);

      if (mentioned[i][0] == '\0')
        continue;
      if (!find_article (self, mentioned[i], slot, &target, error))
        return NULL;
      if (*slot == 0 || g_hash_table_contains (seen, slot))
        continue;
      g_hash_table_add (seen, slot);
      g_ptr_array_add (links, g_strdup (target->id));
    }
  return g_steal_pointer (&links);
}

/* For tests: the sample archive is too small to reach RANK_ALL_MAX. */
void kbd_index_set_rank_all_max (KbdIndex *self,
                                 guint     max);

void
kbd_index_set_rank_all_max (KbdIndex *self,
                            guint     max)
{
  self->rank_all_max = max;
}
