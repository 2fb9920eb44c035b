/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "kbdecide.h"
#include "bench-common.h"

/* Article index benchmark: an archive-scale corpus (the classic archive
 * sample copied 28 times with renumbered ids, about 57,000 files and
 * 225 MB, like the whole archive), indexed from nothing, updated, searched.
 * Prints a Markdown report; docs/performance.md keeps the figures.
 *
 * The first full index is timed against a minimal program on the raw
 * SQLite C API that loads the same column texts into the same FTS5 table,
 * in alternating rounds. Each full index, and the searches, run in a child
 * process of their own (this program started again with a mode argument),
 * so that each one's peak resident memory is its own.
 *
 * KBD_BENCH_SCALE (default 1.0) scales the number of copies;
 * KBD_BENCH_ROUNDS (default 3) sets the rounds of the full index. */

#define COPIES 28
#define RUNS 50
#define QUERY_RUNS 20
#define GREP_RUNS 3

/* Help-desk symptoms as people type them; every word occurs in the
 * archive sample. */
static const char *const queries[] = {
  "smtp virtual server missing",
  "metabase backup restore",
  "outlook cannot open default folders",
  "blue screen stop 0x0000007b",
  "dhcp server not leasing",
  "printer offline spooler",
  "dns name resolution fails",
  "exchange information store will not start",
  "domain controller replication error",
  "access denied share permissions",
  "internet explorer script error",
  "excel file corrupted",
  "word template normal.dot",
  "network adapter driver",
  "modem dial up connection",
  "backup tape drive",
  "cluster resource failover",
  "iis web site stopped",
  "event id 1000",
  "profile roaming logon slow",
  "password expired change",
  "service pack install fails",
  "setup hangs during copying files",
  "hard disk partition fat32",
  "scandisk bad sectors",
  "registry key permissions",
  "remote access server callback",
  "sql server login failed",
  "certificate expired ssl",
  "proxy server authentication",
  "active directory schema",
  "group policy not applied",
  "terminal server license",
  "windows nt boot failure",
  "ntldr missing",
  "memory leak performance",
  "mailbox size limit",
  "public folder replication",
  "distribution list",
  "outlook express mail",
  "attachment blocked",
  "tcp ip address conflict",
  "wins database corrupted",
  "ftp service",
  "mouse pointer disappears",
  "display driver resolution",
  "sound card no sound",
  "keyboard layout",
  "time synchronization",
  "virus scanning",
  "frontpage server extensions",
  "error message general protection fault",
  "print job stuck queue",
  "cd rom drive not recognized",
  "shutdown hangs",
};

/* The queries timed against grep: every fifth one and "smtp virtual
 * server missing" first, from a word in 3 files to words in all. */
#define GREP_EVERY 5

static char *
sample_dir (void)
{
  const char *env = g_getenv ("KBD_ARCHIVE_SAMPLE");

  if (env != NULL)
    return g_strdup (env);
  return g_build_filename (g_getenv ("KBD_SOURCE_ROOT") ? g_getenv ("KBD_SOURCE_ROOT") : ".",
                           "..", "shared", "kbarchive-sample", NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static gint64
file_size (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };
  gint64 total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      struct stat st;

      if (g_stat (file, &st) == 0)
        total += st.st_size;
    }
  return total;
}

/* Writes copy @copy of a sample file, its DOCUMENT number moved up by a
 * million per copy (the archive's numbers are below 400,000). */
static gboolean
write_copy (const char *corpus,
            const char *contents,
            gsize       length,
            guint       copy,
            gint64     *bytes)
{
  const char *digits;
  gsize n_digits;
  guint number;
  g_autofree char *number_text = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GString) out = NULL;
  g_autoptr(GError) error = NULL;

  if (length < 10 || strncmp (contents, "DOCUMENT:Q", 10) != 0)
    return FALSE;
  digits = contents + 10;
  n_digits = strspn (digits, "0123456789");
  number_text = g_strndup (digits, n_digits);
  number = (guint) g_ascii_strtoull (number_text, NULL, 10) + copy * 1000000;

  out = g_string_sized_new (length + 8);
  g_string_append_printf (out, "DOCUMENT:Q%u", number);
  g_string_append_len (out, digits + n_digits, length - 10 - n_digits);

  name = g_strdup_printf ("Q%u.TXT", number);
  path = g_build_filename (corpus, name, NULL);
  /* A corpus for one run: no fsync, no temporary file. */
  g_file_set_contents_full (path, out->str, out->len, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  *bytes += out->len;
  return TRUE;
}

static guint
build_corpus (const char *sample,
              const char *corpus,
              guint       copies,
              gint64     *bytes)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tree = NULL;
  g_autofree char *tree_copy = NULL;
  g_autofree char *tree_text = NULL;
  gsize tree_len;
  const char *name;
  guint n = 0;

  g_assert_cmpint (g_mkdir_with_parents (corpus, 0700), ==, 0);
  dir = g_dir_open (sample, 0, &error);
  g_assert_no_error (error);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_str_has_suffix (name, ".TXT"))
        continue;
      path = g_build_filename (sample, name, NULL);
      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      for (guint copy = 0; copy < copies; copy++)
        n += write_copy (corpus, contents, length, copy, bytes);
    }

  /* The decision tree the typical query is about. */
  tree = g_build_filename (g_getenv ("KBD_SOURCE_ROOT") ? g_getenv ("KBD_SOURCE_ROOT") : ".",
                           "kb", "KB312395.json", NULL);
  g_file_get_contents (tree, &tree_text, &tree_len, &error);
  g_assert_no_error (error);
  tree_copy = g_build_filename (corpus, "KB312395.json", NULL);
  g_file_set_contents (tree_copy, tree_text, tree_len, &error);
  g_assert_no_error (error);
  *bytes += tree_len;
  return n + 1;
}

/* Every file a minute old, as files copied from elsewhere are: a file
 * written in the last moment is hashed again at the next update. */
static void
age_files (const char *corpus)
{
  g_autoptr(GDir) dir = g_dir_open (corpus, 0, NULL);
  gint64 when = g_get_real_time () - 60 * G_USEC_PER_SEC;
  struct timeval times[2] = { { when / G_USEC_PER_SEC, 0 }, { when / G_USEC_PER_SEC, 0 } };
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (corpus, name, NULL);
      utimes (path, times);
    }
}

static double
time_update (KbdIndex   *index,
             const char *corpus)
{
  const char *folders[] = { corpus, NULL };
  g_autoptr(GError) error = NULL;
  double t0 = now_ms ();

  g_assert_true (kbd_index_update (index, folders, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return now_ms () - t0;
}

static void
bench_search (KbdIndex   *index,
              const char *label,
              const char *query,
              guint       limit)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_results = 0;
  double median, p99;

  for (guint i = 0; i < RUNS + 1; i++)
    {
      g_autoptr(GError) error = NULL;
      double t0 = now_ms (), t1;
      g_autoptr(GPtrArray) results = kbd_index_search (index, query, NULL, KBD_INDEX_KIND_ALL,
                                                       limit, &error);

      t1 = now_ms ();
      g_assert_no_error (error);
      n_results = results->len;
      /* The first run reads the pages from disk; the report is the warm case. */
      if (i > 0)
        g_array_append_val (samples, (double) { t1 - t0 });
    }
  p99 = percentile (samples, 0.99);
  median = percentile (samples, 0.5);
  g_print ("| search, %s: `%s` (top %u, %u found) | %.2f ms | %.2f ms |\n",
           label, query, limit, n_results, median, p99);
}

static void
bench_lookup (KbdIndex *index,
              guint     copies)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  static const char *const prefixes[] = { "Q", "KB", "", "q" };

  for (guint i = 0; i < RUNS + 1; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *id = g_strdup_printf ("%s%u", prefixes[i % G_N_ELEMENTS (prefixes)],
                                             305786 + 1000000 * (i % copies));
      double t0 = now_ms (), t1;
      g_autoptr(KbdIndexResult) result = kbd_index_lookup (index, id, &error);

      t1 = now_ms ();
      g_assert_no_error (error);
      if (i > 0)
        g_array_append_val (samples, (double) { t1 - t0 });
    }
  g_print ("| lookup by id (`Q305786`, `KB1305786`, `2305786`...) | %.3f ms | %.3f ms |\n",
           percentile (samples, 0.5), percentile (samples, 0.99));
}

static void
change_files (const char *corpus,
              guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Q%u.TXT", 305786 + 1000000 * i);
      g_autofree char *path = g_build_filename (corpus, name, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *changed = NULL;
      g_autoptr(GError) error = NULL;
      gsize length;

      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      changed = g_strdup_printf ("%s\r\nChanged by the benchmark: blorptastic %u.\r\n",
                                 contents, i);
      g_file_set_contents (path, changed, -1, &error);
      g_assert_no_error (error);
    }
}


/* The reference program ------------------------------------------------------------- */

static void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gboolean
is_summary_heading (const char *heading)
{
  return heading != NULL && (g_ascii_strcasecmp (heading, "SYMPTOMS") == 0 ||
                             g_ascii_strcasecmp (heading, "SUMMARY") == 0);
}

/* Binds the column texts KbdIndex makes of a classic article: the id in
 * the three spellings a person types, the SYMPTOMS (or SUMMARY, else the
 * first) section and the keywords as the summary, every other section
 * under its heading as the body. */
static void
raw_bind_columns (sqlite3_stmt        *insert,
                  gint64               rowid,
                  KbdReferenceArticle *article)
{
  guint n_sections = kbd_reference_article_get_n_sections (article);
  guint number = kbd_reference_article_get_number (article);
  const char *const *keywords = kbd_reference_article_get_keywords (article);
  GString *summary = g_string_new (NULL);
  GString *body = g_string_new (NULL);
  guint summary_section = 0;

  for (guint i = 0; i < n_sections; i++)
    if (is_summary_heading (kbd_reference_article_get_section_title (article, i)))
      {
        summary_section = i;
        break;
      }
  for (guint i = 0; i < n_sections; i++)
    {
      const char *heading = kbd_reference_article_get_section_title (article, i);
      const char *text = kbd_reference_article_get_section_text (article, i);

      if (i == summary_section)
        g_string_append (summary, text);
      else
        g_string_append_printf (body, "%s%s%s%s", body->len > 0 ? "\n\n" : "",
                                heading != NULL ? heading : "", heading != NULL ? "\n" : "", text);
    }
  for (guint i = 0; keywords != NULL && keywords[i] != NULL; i++)
    g_string_append_printf (summary, "%s%s", i == 0 ? "\n" : ", ", keywords[i]);

  sqlite3_bind_int64 (insert, 1, rowid);
  sqlite3_bind_text (insert, 2, g_strdup_printf ("Q%u KB%u %u", number, number, number), -1,
                     g_free);
  sqlite3_bind_text (insert, 3, kbd_reference_article_get_title (article), -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 4, g_string_free (summary, FALSE), -1, g_free);
  sqlite3_bind_text (insert, 5, g_string_free (body, FALSE), -1, g_free);
  sqlite3_bind_text (insert, 6, kbd_reference_article_get_product (article), -1, SQLITE_STATIC);
}

/* Reads every classic article of @corpus, parses it with the library's
 * importer and inserts its column texts into a new FTS5 table of
 * kbd-index.c's schema: one prepared statement, one transaction, nothing
 * else (no file rows, no hashes, no merge of the segments at the end). */
static guint
index_raw (const char *corpus,
           const char *db_path)
{
  g_autoptr(GDir) dir = g_dir_open (corpus, 0, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *insert = NULL;
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  raw_exec (db, "PRAGMA journal_mode = WAL;"
                "PRAGMA synchronous = NORMAL;"
                "CREATE VIRTUAL TABLE fts USING fts5 ("
                "  id, title, summary, body, product, kind,"
                "  tokenize = 'unicode61 remove_diacritics 2'"
                ");"
                "BEGIN");
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO fts (rowid, id, title, summary, body,"
                                           " product, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                                           " 'reference')", -1, &insert, NULL), ==, SQLITE_OK);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(KbdReferenceArticle) article = NULL;
      g_autofree char *path = NULL;

      if (!g_str_has_suffix (name, ".TXT"))
        continue;
      path = g_build_filename (corpus, name, NULL);
      bytes = read_file_bytes (path);
      article = kbd_reference_article_new_from_bytes (bytes, name, &error);
      g_assert_no_error (error);

      raw_bind_columns (insert, ++n, article);
      if (sqlite3_step (insert) != SQLITE_DONE)
        g_error ("insert: %s", sqlite3_errmsg (db));
      sqlite3_reset (insert);
      sqlite3_clear_bindings (insert);
    }

  sqlite3_finalize (insert);
  raw_exec (db, "COMMIT");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  return n;
}

/* Child processes ------------------------------------------------------------------- */

/* Prints "milliseconds peak-KiB articles" of one full index, from opening
 * the database to closing it. */
static int
child_index (const char *mode,
             const char *corpus,
             const char *db_path)
{
  double t0 = now_ms ();
  guint n;

  if (g_str_equal (mode, "index-raw"))
    n = index_raw (corpus, db_path);
  else
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KbdIndex) index = kbd_index_new (db_path, &error);

      g_assert_no_error (error);
      time_update (index, corpus);
      n = kbd_index_get_n_articles (index);
    }
  g_print ("%.3f %" G_GINT64_FORMAT " %u\n", now_ms () - t0, read_status_kib ("VmHWM"), n);
  return 0;
}

static double
time_query (KbdIndex   *index,
            const char *query,
            guint      *n_found)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  double t0 = now_ms ();

  results = kbd_index_search (index, query, NULL, KBD_INDEX_KIND_ALL, 20, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < results->len; i++)
    g_assert_nonnull (kbd_index_result_get_snippet (g_ptr_array_index (results, i),
                                                    KBD_TEXT_FORMAT_PLAIN));
  *n_found = results->len;
  return now_ms () - t0;
}

static char *
grep_command (const char *corpus,
              const char *query)
{
  g_auto(GStrv) words = g_strsplit (query, " ", -1);
  g_autofree char *folder = g_shell_quote (corpus);
  GString *command = g_string_new ("export LC_ALL=C; ");

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *word = g_shell_quote (words[i]);

      if (i == 0)
        g_string_append_printf (command, "grep -rli -- %s %s", word, folder);
      else
        g_string_append_printf (command, " | xargs -r grep -li -- %s", word);
    }
  g_string_append (command, " | wc -l");
  return g_string_free (command, FALSE);
}

static double
time_grep (const char *command,
           guint      *n_files)
{
  const char *argv[] = { "/bin/sh", "-c", command, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;
  double t0 = now_ms (), ms;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                &error);
  ms = now_ms () - t0;
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  *n_files = (guint) g_ascii_strtoull (out, NULL, 10);
  return ms;
}

/* The fixed list of queries, QUERY_RUNS rounds over the whole list after
 * one unmeasured round; then a fifth of them against grep over the files. */
static void
bench_queries (KbdIndex   *index,
               const char *corpus)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) grep_ratios = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *per_query[G_N_ELEMENTS (queries)];
  guint n_found[G_N_ELEMENTS (queries)];
  guint n_with_results = 0, slowest = 0;
  double slowest_ms = 0;

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    per_query[q] = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint run = 0; run < QUERY_RUNS + 1; run++)
    for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
      {
        double ms = time_query (index, queries[q], &n_found[q]);

        if (run == 0)
          continue;
        g_array_append_val (all, ms);
        g_array_append_val (per_query[q], ms);
      }
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      double median = percentile (per_query[q], 0.5);

      n_with_results += n_found[q] > 0;
      if (median > slowest_ms)
        {
          slowest_ms = median;
          slowest = q;
        }
    }
  g_print ("| search, %u help-desk queries x %u runs (%u with results), top 20 with snippets "
           "| %.2f ms | %.2f ms |\n", (guint) G_N_ELEMENTS (queries), QUERY_RUNS,
           n_with_results, percentile (all, 0.5), percentile (all, 0.99));
  g_print ("| slowest of them by median: `%s` | %.2f ms | %.2f ms |\n", queries[slowest],
           slowest_ms, percentile (per_query[slowest], 0.99));

  g_print ("\nAgainst grep (median of %u runs each; the command for `a b`: "
           "`export LC_ALL=C; grep -rli -- a DIR | xargs -r grep -li -- b | wc -l`):\n\n"
           "| query | index, top 20 | grep | files grep found | grep / index |\n"
           "| --- | --- | --- | --- | --- |\n", GREP_RUNS);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q += GREP_EVERY)
    {
      g_autofree char *command = grep_command (corpus, queries[q]);
      g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
      double index_ms = percentile (per_query[q], 0.5), grep_ms, ratio;
      guint n_files = 0;

      for (guint run = 0; run < GREP_RUNS; run++)
        g_array_append_val (samples, (double) { time_grep (command, &n_files) });
      grep_ms = percentile (samples, 0.5);
      ratio = grep_ms / index_ms;
      g_array_append_val (grep_ratios, ratio);
      g_print ("| `%s` | %.2f ms | %.0f ms | %u | %.0fx |\n", queries[q], index_ms, grep_ms,
               n_files, ratio);
    }
  g_print ("| median of the ratios (lowest) | | | | %.0fx (%.0fx) |\n\n",
           percentile (grep_ratios, 0.5), percentile (grep_ratios, 0.0));

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    g_array_unref (per_query[q]);
}

/* Opens the index made by the parent and searches it. */
static int
child_search (const char *db_path,
              const char *corpus,
              guint       copies)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdIndex) index = kbd_index_new (db_path, &error);
  gint64 before = read_status_kib ("VmHWM");

  g_assert_no_error (error);
  g_print ("| measure | median (or value) | p99 |\n| --- | --- | --- |\n");
  bench_search (index, "selective", "LogoTag2", 20);
  bench_search (index, "selective, changed word", "blorptastic", 20);
  bench_search (index, "typical", "smtp metabase cluster", 20);
  bench_search (index, "broad", "windows", 20);
  bench_search (index, "broad, two words", "windows server", 20);
  /* In most articles, in no title: everything is ranked (the cap's fallback). */
  bench_search (index, "broad, no title has both", "more information", 20);
  bench_lookup (index, copies);
  g_print ("| peak memory of the searching process (VmHWM; %.1f MB after opening) | "
           "%.1f MB | |\n",
           before / 1024.0, read_status_kib ("VmHWM") / 1024.0);
  bench_queries (index, corpus);
  return 0;
}

/* The parent --------------------------------------------------------------------------- */

typedef struct
{
  double ms;
  gint64 peak_kib;
  gint64 db_bytes;
} IndexRun;

static IndexRun
run_full_index (const char *mode,
                const char *corpus,
                const char *db_path,
                guint       n_files)
{
  const char *args[] = { mode, corpus, db_path, NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) fields = NULL;
  IndexRun run;

  remove_database (db_path);
  out = run_self (args);
  fields = g_strsplit (g_strstrip (out), " ", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 3);
  run.ms = g_ascii_strtod (fields[0], NULL);
  run.peak_kib = g_ascii_strtoll (fields[1], NULL, 10);
  /* The raw program leaves out kb/'s decision tree. */
  g_assert_cmpuint (g_ascii_strtoull (fields[2], NULL, 10), >=, n_files - 1);
  run.db_bytes = file_size (db_path);
  return run;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *sample = sample_dir ();
  g_autofree char *corpus = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *raw_path = NULL;
  g_autoptr(KbdIndex) index = NULL;
  g_autoptr(GError) error = NULL;
  const char *scale_env = g_getenv ("KBD_BENCH_SCALE");
  const char *rounds_env = g_getenv ("KBD_BENCH_ROUNDS");
  double scale = scale_env != NULL ? g_ascii_strtod (scale_env, NULL) : 1.0;
  guint copies = MAX (1, (guint) (COPIES * scale + 0.5));
  guint rounds = rounds_env != NULL ? MAX (1, atoi (rounds_env)) : 3;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  /* Per round: library and raw time, library and raw peak memory, ratio. */
  GArray *library_ms = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *raw_ms = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *library_peak = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *raw_peak = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *ratios = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 raw_db_bytes = 0;
  gint64 bytes = 0;
  guint n_files;
  double library_median, open_ms, corpus_ms, t0;

  if (argc == 4 && (g_str_equal (argv[1], "index-library") || g_str_equal (argv[1], "index-raw")))
    return child_index (argv[1], argv[2], argv[3]);
  if (argc == 5 && g_str_equal (argv[1], "search"))
    return child_search (argv[2], argv[3], atoi (argv[4]));
  if (argc != 1)
    {
      g_printerr ("Usage: %s [index-library|index-raw CORPUS DB | search DB CORPUS COPIES]\n",
                  argv[0]);
      return 2;
    }

  if (!g_file_test (sample, G_FILE_TEST_IS_DIR))
    {
      g_print ("# Article index benchmark: skipped, no archive sample at %s\n", sample);
      return 77;
    }

  dir = g_dir_make_tmp ("kbd-bench-index-XXXXXX", NULL);
  corpus = g_build_filename (dir, "corpus", NULL);
  db_path = g_build_filename (dir, "index.db", NULL);
  raw_path = g_build_filename (dir, "raw.db", NULL);
  t0 = now_ms ();
  n_files = build_corpus (sample, corpus, copies, &bytes);
  age_files (corpus);
  corpus_ms = now_ms () - t0;

  g_print ("# Article index benchmark (SQLite %s, scale %.2f)\n\n", sqlite3_libversion (), scale);
  g_print ("Corpus: %u files, %.0f MB (the archive sample copied %u times, renumbered), "
           "written in %.0f s, in the page cache.\n\n",
           n_files, bytes / 1e6, copies, corpus_ms / 1000);

  /* Alternating, the order swapped every round; the library's last
   * index stays for the rest. */
  g_print ("Full index, %u rounds (library, raw SQLite C API):", rounds);
  for (guint round = 0; round < rounds; round++)
    {
      IndexRun raw, library;

      if (round % 2 == 0)
        raw = run_full_index ("index-raw", corpus, raw_path, n_files);
      library = run_full_index ("index-library", corpus, db_path, n_files);
      if (round % 2 == 1)
        raw = run_full_index ("index-raw", corpus, raw_path, n_files);
      remove_database (raw_path);
      raw_db_bytes = raw.db_bytes;
      g_array_append_val (library_ms, library.ms);
      g_array_append_val (raw_ms, raw.ms);
      g_array_append_val (library_peak, (double) { library.peak_kib / 1024.0 });
      g_array_append_val (raw_peak, (double) { raw.peak_kib / 1024.0 });
      g_array_append_val (ratios, (double) { library.ms / raw.ms });
      g_print (" %.1f s, %.1f s;", library.ms / 1000, raw.ms / 1000);
    }
  g_print ("\n\n| measure | median (or value) | p99 |\n| --- | --- | --- |\n");

  library_median = percentile (library_ms, 0.5);
  g_print ("| first full index, libkbdecide | %.1f s, %.0f files/s, %.1f MB/s | |\n",
           library_median / 1000, n_files / (library_median / 1000),
           bytes / 1e6 / (library_median / 1000));
  g_print ("| first full index, raw SQLite C API (same texts, same FTS5 table) | %.1f s | |\n",
           percentile (raw_ms, 0.5) / 1000);
  g_print ("| library / raw (median of the rounds' ratios) | %.2fx | %.2fx (worst) |\n",
           percentile (ratios, 0.5), percentile (ratios, 1.0));
  g_print ("| peak memory while indexing (VmHWM), libkbdecide | %.1f MB | %.1f MB (worst) |\n",
           percentile (library_peak, 0.5), percentile (library_peak, 1.0));
  g_print ("| peak memory while indexing (VmHWM), raw SQLite C API | %.1f MB | %.1f MB (worst) |\n",
           percentile (raw_peak, 0.5), percentile (raw_peak, 1.0));
  g_print ("| index size on disk | %.0f MB (%.2fx the text; the raw program's table %.0f MB) | |\n",
           file_size (db_path) / 1e6, (double) file_size (db_path) / bytes, raw_db_bytes / 1e6);
  g_array_unref (library_ms);
  g_array_unref (raw_ms);
  g_array_unref (library_peak);
  g_array_unref (raw_peak);
  g_array_unref (ratios);

  t0 = now_ms ();
  index = kbd_index_new (db_path, &error);
  open_ms = now_ms () - t0;
  g_assert_no_error (error);
  g_print ("| open the index | %.1f ms | |\n", open_ms);

  g_array_set_size (samples, 0);
  for (guint i = 0; i < 5; i++)
    {
      double ms = time_update (index, corpus);
      guint n_unchanged = 0;

      kbd_index_get_last_update_stats (index, NULL, NULL, NULL, &n_unchanged, NULL);
      g_assert_cmpuint (n_unchanged, ==, n_files);
      g_array_append_val (samples, ms);
    }
  g_print ("| incremental update, nothing changed (5 runs) | %.0f ms | %.0f ms (worst) |\n",
           percentile (samples, 0.5), percentile (samples, 1.0));

  change_files (corpus, MIN (10, copies));
  {
    double ms = time_update (index, corpus);
    guint n_changed = 0;

    kbd_index_get_last_update_stats (index, NULL, &n_changed, NULL, NULL, NULL);
    g_assert_cmpuint (n_changed, ==, MIN (10, copies));
    g_print ("| incremental update, %u files changed | %.0f ms | |\n", n_changed, ms);
  }
  g_clear_object (&index);

  /* Searching, in a process of its own. */
  {
    g_autofree char *copies_arg = g_strdup_printf ("%u", copies);
    const char *args[] = { "search", db_path, corpus, copies_arg, NULL };
    g_autofree char *out = run_self (args);

    g_print ("\nSearching, in a process of its own:\n\n%s", out);
  }

  if (g_getenv ("KBD_BENCH_KEEP") != NULL)
    g_print ("\nKept %s\n", dir);
  else
    remove_tree (dir);
  return 0;
}
