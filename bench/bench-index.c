/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

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
 * KBD_BENCH_SCALE (default 1.0) scales the number of copies. */

#define COPIES 28
#define RUNS 50

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

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("kbd-bench-index-XXXXXX", NULL);
  g_autofree char *sample = sample_dir ();
  g_autofree char *corpus = g_build_filename (dir, "corpus", NULL);
  g_autofree char *db_path = g_build_filename (dir, "index.db", NULL);
  g_autoptr(KbdIndex) index = NULL;
  g_autoptr(GError) error = NULL;
  const char *scale_env = g_getenv ("KBD_BENCH_SCALE");
  double scale = scale_env != NULL ? g_ascii_strtod (scale_env, NULL) : 1.0;
  guint copies = MAX (1, (guint) (COPIES * scale + 0.5));
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 bytes = 0;
  guint n_files;
  double full_ms, open_ms, corpus_ms, t0;

  if (!g_file_test (sample, G_FILE_TEST_IS_DIR))
    {
      g_print ("# Article index benchmark: skipped, no archive sample at %s\n", sample);
      return 77;
    }

  t0 = now_ms ();
  n_files = build_corpus (sample, corpus, copies, &bytes);
  age_files (corpus);
  corpus_ms = now_ms () - t0;

  g_print ("# Article index benchmark (SQLite %s, scale %.2f)\n\n", sqlite3_libversion (), scale);
  g_print ("Corpus: %u files, %.0f MB (the archive sample copied %u times, renumbered), "
           "written in %.0f s, in the page cache.\n\n",
           n_files, bytes / 1e6, copies, corpus_ms / 1000);
  g_print ("| measure | median (or value) | p99 |\n| --- | --- | --- |\n");

  index = kbd_index_new (db_path, &error);
  g_assert_no_error (error);
  full_ms = time_update (index, corpus);
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, n_files);
  g_print ("| first full index | %.1f s, %.0f files/s, %.1f MB/s | |\n",
           full_ms / 1000, n_files / (full_ms / 1000), bytes / 1e6 / (full_ms / 1000));
  g_print ("| index size on disk | %.0f MB (%.2fx the text) | |\n",
           file_size (db_path) / 1e6, (double) file_size (db_path) / bytes);

  g_clear_object (&index);
  t0 = now_ms ();
  index = kbd_index_new (db_path, &error);
  open_ms = now_ms () - t0;
  g_assert_no_error (error);
  g_print ("| open the index | %.1f ms | |\n", open_ms);

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

  bench_search (index, "selective", "LogoTag2", 20);
  bench_search (index, "selective, changed word", "blorptastic", 20);
  bench_search (index, "typical", "smtp metabase cluster", 20);
  bench_search (index, "broad", "windows", 20);
  bench_search (index, "broad, two words", "windows server", 20);
  /* In most articles, in no title: everything is ranked (the cap's fallback). */
  bench_search (index, "broad, no title has both", "more information", 20);
  bench_lookup (index, copies);

  g_clear_object (&index);
  if (g_getenv ("KBD_BENCH_KEEP") != NULL)
    g_print ("\nKept %s\n", dir);
  else
    remove_tree (dir);
  return 0;
}
