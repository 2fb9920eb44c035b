/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* KbdIndex: indexing folders of articles, incremental updates, search,
 * lookup, snippets, links, a damaged cache. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "kbdecide.h"
#include "helpers/classic-kb.h"

/* Private (kbd-index.c): the number of matches above which only title
 * matches are ranked. */
void kbd_index_set_rank_all_max (KbdIndex *self,
                                 guint     max);

/* Fixtures ------------------------------------------------------------------------ */

static char *
make_dir (const char *name)
{
  char *path = g_build_filename (g_get_user_cache_dir (), name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  return path;
}

/* Sets a file's modification time to @seconds ago: the index hashes files
 * written within the file system's clock tick again at the next update,
 * so the tests give every file a time of its own. */
static void
set_mtime (const char *path,
           double      seconds_ago)
{
  gint64 when = g_get_real_time () - (gint64) (seconds_ago * G_USEC_PER_SEC);
  struct timeval times[2] = {
    { when / G_USEC_PER_SEC, when % G_USEC_PER_SEC },
    { when / G_USEC_PER_SEC, when % G_USEC_PER_SEC },
  };

  g_assert_cmpint (utimes (path, times), ==, 0);
}

static char *
write_file (const char *directory,
            const char *name,
            const char *contents,
            double      seconds_ago)
{
  char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  set_mtime (path, seconds_ago);
  return path;
}

/* A classic KB article: the header, a SYMPTOMS section, a MORE
 * INFORMATION section. */
static char *
reference_text (guint       number,
                const char *title,
                const char *product,
                const char *symptoms,
                const char *more)
{
  g_autofree char *id = g_strdup_printf ("Q%u", number);

  return kbd_test_classic_text (&(KbdTestClassic) { id, title, product, ":5.5", NULL, NULL,
                                                    symptoms, more });
}

static char *
write_reference (const char *directory,
                 guint       number,
                 const char *title,
                 const char *symptoms,
                 const char *more)
{
  g_autofree char *name = g_strdup_printf ("Q%u.TXT", number);
  g_autofree char *text = reference_text (number, title, "Microsoft Exchange", symptoms, more);

  return write_file (directory, name, text, 600);
}

static const char tree_template[] =
  "{\"format\":1,\"id\":\"%s\",\"language\":\"en\",\"title\":\"%s\","
  "\"summary\":\"A test article.\",\"applies_to\":[{\"product\":\"Windows XP\"}],"
  "\"revision\":1,\"reviewed\":\"2026-11-25\","
  "\"source\":{\"publisher\":\"X\",\"reference\":\"%s\"},"
  "\"see_also\":[%s],"
  "\"start\":\"q\",\"nodes\":{\"q\":{\"kind\":\"question\",\"prompt\":\"Is it on?\",\"answers\":"
  "[{\"id\":\"yes\",\"label\":\"Yes\",\"next\":\"done\"}]},"
  "\"done\":{\"kind\":\"outcome\",\"result\":\"resolved\",\"title\":\"Done\",\"text\":\"Done.\"}}}";

static KbdIndex *
new_index (const char *name)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "index", name, NULL);
  g_autoptr(GError) error = NULL;
  KbdIndex *index = kbd_index_new (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (index);
  g_assert_null (kbd_index_get_notice (index));
  return index;
}

static void
update (KbdIndex   *index,
        const char *folder)
{
  const char *folders[] = { folder, NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (kbd_index_update (index, folders, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

typedef struct
{
  guint added, changed, removed, unchanged, hashed;
} Stats;

static Stats
stats_of (KbdIndex *index)
{
  Stats stats;

  kbd_index_get_last_update_stats (index, &stats.added, &stats.changed, &stats.removed,
                                   &stats.unchanged, &stats.hashed);
  return stats;
}

#define assert_stats(index, a, c, r, u, h) \
  G_STMT_START { \
    Stats s_ = stats_of (index); \
    g_assert_cmpuint (s_.added, ==, a); \
    g_assert_cmpuint (s_.changed, ==, c); \
    g_assert_cmpuint (s_.removed, ==, r); \
    g_assert_cmpuint (s_.unchanged, ==, u); \
    g_assert_cmpuint (s_.hashed, ==, h); \
  } G_STMT_END

static GPtrArray *
search (KbdIndex     *index,
        const char   *query,
        const char   *product,
        KbdIndexKind  kinds,
        guint         limit)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *results = kbd_index_search (index, query, product, kinds, limit, &error);

  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results;
}

static const char *
result_id (GPtrArray *results,
           guint      i)
{
  return kbd_index_result_get_id (g_ptr_array_index (results, i));
}

static guint
count_hits (KbdIndex   *index,
            const char *query)
{
  g_autoptr(GPtrArray) results = search (index, query, NULL, KBD_INDEX_KIND_ALL, 1000);
  return results->len;
}

/* The sample of the classic archive and kb/, indexed once for the tests
 * that only read. */
static KbdIndex *archive_index;
static char *archive_dir;
static guint archive_n_files;

static const char *
sample_dir (void)
{
  const char *dir = g_getenv ("KBD_ARCHIVE_SAMPLE");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("KBD_ARCHIVE_SAMPLE is not set to the classic archive sample");
      return NULL;
    }
  return dir;
}

static KbdIndex *
get_archive_index (void)
{
  const char *sample = sample_dir ();
  g_autofree char *kb = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (sample == NULL)
    return NULL;
  if (archive_index != NULL)
    return archive_index;

  archive_dir = g_dir_make_tmp ("kbd-test-index-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (archive_dir, "index.db", NULL);
  archive_index = kbd_index_new (path, &error);
  g_assert_no_error (error);

  {
    const char *folders[] = { sample, kb, NULL };

    g_assert_true (kbd_index_update (archive_index, folders, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
  }

  dir = g_dir_open (sample, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    archive_n_files += g_str_has_suffix (name, ".TXT");
  archive_n_files += 1;  /* kb/KB312395.json */
  return archive_index;
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

/* The archive ----------------------------------------------------------------------- */

static void
test_archive_count (void)
{
  KbdIndex *index = get_archive_index ();
  const char *const *problems;

  if (index == NULL)
    return;

  problems = kbd_index_get_problems (index);
  for (guint i = 0; problems[i] != NULL; i++)
    g_test_message ("problem: %s", problems[i]);
  g_assert_cmpstrv (problems, ((const char *const[]) { NULL }));
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, archive_n_files);
  assert_stats (index, archive_n_files, 0, 0, 0, archive_n_files);

  /* By kind: the one decision tree of kb/, the sample's reference articles. */
  g_assert_cmpuint (kbd_index_count_articles (index, KBD_INDEX_KIND_DECISION_TREE), ==, 1);
  g_assert_cmpuint (kbd_index_count_articles (index, KBD_INDEX_KIND_REFERENCE), ==, archive_n_files - 1);
  g_assert_cmpuint (kbd_index_count_articles (index, KBD_INDEX_KIND_ALL), ==, archive_n_files);
  g_assert_cmpuint (kbd_index_count_articles (index, KBD_INDEX_KIND_NONE), ==, 0);
}

static void
test_archive_ranking (void)
{
  KbdIndex *index = get_archive_index ();
  g_autoptr(GPtrArray) results = NULL;

  if (index == NULL)
    return;

  results = search (index, "SMTP metabase cluster", NULL, KBD_INDEX_KIND_ALL, 20);
  g_assert_cmpuint (results->len, >=, 1);
  g_assert_cmpstr (result_id (results, 0), ==, "KB312395");
  g_assert_cmpint (kbd_index_result_get_kind (g_ptr_array_index (results, 0)), ==,
                   KBD_INDEX_KIND_DECISION_TREE);
  g_assert_true (g_str_has_suffix (kbd_index_result_get_filename (g_ptr_array_index (results, 0)),
                                   "KB312395.json"));
  for (guint i = 1; i < results->len; i++)
    g_assert_cmpfloat (kbd_index_result_get_score (g_ptr_array_index (results, i - 1)), >=,
                       kbd_index_result_get_score (g_ptr_array_index (results, i)));

  /* Case and word order do not matter. */
  g_clear_pointer (&results, g_ptr_array_unref);
  results = search (index, "cluster METABASE smtp", NULL, KBD_INDEX_KIND_ALL, 20);
  g_assert_cmpstr (result_id (results, 0), ==, "KB312395");
}

static void
test_archive_selective (void)
{
  KbdIndex *index = get_archive_index ();
  g_autoptr(GPtrArray) results = NULL;
  KbdIndexResult *result;

  if (index == NULL)
    return;

  results = search (index, "LogoTag2", NULL, KBD_INDEX_KIND_ALL, 20);
  g_assert_cmpuint (results->len, ==, 1);
  result = g_ptr_array_index (results, 0);
  g_assert_cmpstr (kbd_index_result_get_id (result), ==, "Q305786");
  g_assert_cmpint (kbd_index_result_get_kind (result), ==, KBD_INDEX_KIND_REFERENCE);
  g_assert_cmpstr (kbd_index_result_get_title (result), ==,
                   "Differences Between the LogoTag and LogoTag2 Methods");
  g_assert_true (g_str_has_suffix (kbd_index_result_get_filename (result), "Q305786.TXT"));
  g_assert_cmpfloat (kbd_index_result_get_score (result), >, 0.0);

  /* Every word must match. */
  g_clear_pointer (&results, g_ptr_array_unref);
  results = search (index, "LogoTag2 zeppelinquux", NULL, KBD_INDEX_KIND_ALL, 20);
  g_assert_cmpuint (results->len, ==, 0);

  /* Found by its id as words, too. */
  g_clear_pointer (&results, g_ptr_array_unref);
  results = search (index, "305786", NULL, KBD_INDEX_KIND_ALL, 20);
  g_assert_cmpuint (results->len, >=, 1);
  g_assert_cmpstr (result_id (results, 0), ==, "Q305786");

  /* The limit holds. */
  g_clear_pointer (&results, g_ptr_array_unref);
  results = search (index, "windows", NULL, KBD_INDEX_KIND_ALL, 7);
  g_assert_cmpuint (results->len, ==, 7);
}

static void
test_archive_filters (void)
{
  KbdIndex *index = get_archive_index ();
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) exchange = NULL;
  g_autoptr(GPtrArray) references = NULL;
  g_autoptr(GPtrArray) trees = NULL;
  g_autoptr(GPtrArray) none = NULL;

  if (index == NULL)
    return;

  all = search (index, "server", NULL, KBD_INDEX_KIND_ALL, 1000);
  exchange = search (index, "server", "exchange", KBD_INDEX_KIND_ALL, 1000);
  g_assert_cmpuint (exchange->len, >, 0);
  g_assert_cmpuint (exchange->len, <, all->len);
  for (guint i = 0; i < exchange->len; i++)
    {
      KbdIndexResult *result = g_ptr_array_index (exchange, i);
      g_autofree char *product = g_ascii_strdown (kbd_index_result_get_product (result), -1);
      g_assert_nonnull (strstr (product, "exchange"));
    }

  /* Every product word must match; product words are never query syntax. */
  g_clear_pointer (&exchange, g_ptr_array_unref);
  exchange = search (index, "server", "Microsoft \"Exchange\" NEAR(", KBD_INDEX_KIND_ALL, 1000);
  g_assert_cmpuint (exchange->len, ==, 0);
  g_clear_pointer (&exchange, g_ptr_array_unref);
  exchange = search (index, "server", "Microsoft Exchange", KBD_INDEX_KIND_ALL, 1000);
  g_assert_cmpuint (exchange->len, >, 0);

  references = search (index, "SMTP metabase cluster", NULL, KBD_INDEX_KIND_REFERENCE, 100);
  for (guint i = 0; i < references->len; i++)
    g_assert_cmpint (kbd_index_result_get_kind (g_ptr_array_index (references, i)), ==,
                     KBD_INDEX_KIND_REFERENCE);
  trees = search (index, "SMTP metabase cluster", NULL, KBD_INDEX_KIND_DECISION_TREE, 100);
  g_assert_cmpuint (trees->len, ==, 1);
  g_assert_cmpstr (result_id (trees, 0), ==, "KB312395");

  none = search (index, "SMTP", NULL, KBD_INDEX_KIND_NONE, 100);
  g_assert_cmpuint (none->len, ==, 0);

  /* "reference" and "tree" are words like any other, not the kind. */
  g_assert_cmpuint (count_hits (index, "reference"), <, 200);
  g_assert_cmpuint (count_hits (index, "tree"), <, 200);
}

static void
test_archive_lookup (void)
{
  static const char *const spellings[] = { "Q305786", "KB305786", "kb305786", "305786", "q305786" };
  KbdIndex *index = get_archive_index ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdIndexResult) missing = NULL;

  if (index == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (spellings); i++)
    {
      g_autoptr(KbdIndexResult) result = kbd_index_lookup (index, spellings[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (kbd_index_result_get_id (result), ==, "Q305786");
      g_assert_cmpint (kbd_index_result_get_kind (result), ==, KBD_INDEX_KIND_REFERENCE);
      g_assert_cmpfloat (kbd_index_result_get_score (result), ==, 0.0);
      g_assert_cmpstr (kbd_index_result_get_snippet (result, KBD_TEXT_FORMAT_PLAIN), !=, "");
    }

  {
    static const char *const tree_spellings[] = {
      "KB312395", "kb312395", "Kb312395", "312395", "Q312395",
    };

    for (guint i = 0; i < G_N_ELEMENTS (tree_spellings); i++)
      {
        g_autoptr(KbdIndexResult) result = kbd_index_lookup (index, tree_spellings[i], &error);
        const char *snippet;

        g_assert_no_error (error);
        g_assert_cmpstr (kbd_index_result_get_id (result), ==, "KB312395");
        g_assert_cmpint (kbd_index_result_get_kind (result), ==, KBD_INDEX_KIND_DECISION_TREE);
        snippet = kbd_index_result_get_snippet (result, KBD_TEXT_FORMAT_PLAIN);
        g_assert_true (g_str_has_prefix (snippet, "If you remove the Simple Mail Transfer "
                                                  "Protocol"));
      }
  }

  missing = kbd_index_lookup (index, "Q1", &error);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
  g_assert_null (missing);
  g_clear_error (&error);
  missing = kbd_index_lookup (index, "../../etc/passwd\"'", &error);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
  g_assert_null (missing);
}

static gboolean
title_has_word (KbdIndexResult *result,
                const char     *word)
{
  g_autofree char *title = g_ascii_strdown (kbd_index_result_get_title (result), -1);
  return strstr (title, word) != NULL;
}

static void
test_archive_broad_cap (void)
{
  KbdIndex *index = get_archive_index ();
  g_autoptr(GPtrArray) capped = NULL;
  g_autoptr(GPtrArray) fallback = NULL;
  g_autoptr(GPtrArray) selective = NULL;
  guint n_windows;

  if (index == NULL)
    return;

  /* The sample is small: the cap is lowered to reach it. */
  n_windows = count_hits (index, "windows");
  g_assert_cmpuint (n_windows, >, 100);
  kbd_index_set_rank_all_max (index, 100);

  /* A broad word: only articles with it in the title are ranked. */
  capped = search (index, "windows", NULL, KBD_INDEX_KIND_ALL, 20);
  g_assert_cmpuint (capped->len, ==, 20);
  for (guint i = 0; i < capped->len; i++)
    {
      g_assert_true (title_has_word (g_ptr_array_index (capped, i), "windows"));
      if (i > 0)
        g_assert_cmpfloat (kbd_index_result_get_score (g_ptr_array_index (capped, i - 1)), >=,
                           kbd_index_result_get_score (g_ptr_array_index (capped, i)));
    }

  /* Broad words that no title holds together: everything is ranked. */
  fallback = search (index, "more information", NULL, KBD_INDEX_KIND_ALL, 20);
  g_assert_cmpuint (fallback->len, ==, 20);

  /* Below the cap nothing changes. */
  selective = search (index, "LogoTag2", NULL, KBD_INDEX_KIND_ALL, 20);
  g_assert_cmpuint (selective->len, ==, 1);

  kbd_index_set_rank_all_max (index, 10000);
  g_assert_cmpuint (count_hits (index, "windows"), ==, n_windows);
}

static void
test_archive_hostile_queries (void)
{
  static const char *const queries[] = {
    "\"", "\"\"", "\"windows", "*", "windows*", "NEAR(", "NEAR(windows server, 2)", "a AND",
    "AND", "OR", "NOT", "windows OR", "-x", "-", "col:x", "title:windows", "{title}: x",
    "(", ")", "(windows", "^windows", "windows + server", "'", ";", "\\", "%", "_",
    "SELECT * FROM fts", "\xff\xfe", "windows \xc3", "…", "\x02windows\x03", "a\tb\nc",
  };
  KbdIndex *index = get_archive_index ();
  g_autoptr(GString) long_query = g_string_new (NULL);
  g_autoptr(GString) long_word = g_string_new (NULL);

  if (index == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) results = NULL;

      g_autofree char *shown = g_strescape (queries[i], NULL);

      g_test_message ("query: %s", shown);
      results = kbd_index_search (index, queries[i], queries[i], KBD_INDEX_KIND_ALL, 20, &error);
      g_assert_no_error (error);
      g_assert_nonnull (results);
      g_clear_pointer (&results, g_ptr_array_unref);
      results = kbd_index_search (index, queries[i], NULL, KBD_INDEX_KIND_ALL, 20, &error);
      g_assert_no_error (error);
      g_assert_nonnull (results);
    }

  /* Nothing to find: no results, not an error. */
  for (guint i = 0; i < 5; i++)
    {
      static const char *const empty[] = { "", "   ", "\"\" ** -- ::", "()", "…—–" };
      g_autoptr(GPtrArray) results = search (index, empty[i], NULL, KBD_INDEX_KIND_ALL, 20);
      g_assert_cmpuint (results->len, ==, 0);
    }

  /* A quoted phrase is searched as its words. */
  g_assert_cmpuint (count_hits (index, "\"LogoTag2\""), ==, 1);
  g_assert_cmpuint (count_hits (index, "LogoTag2*"), ==, 1);
  g_assert_cmpuint (count_hits (index, "(LogoTag2)"), ==, 1);

  /* 10,000 characters, as many words and as one word. */
  for (guint i = 0; i < 2000; i++)
    g_string_append (long_query, i % 2 ? "NEAR( " : "\"a\" ");
  g_assert_cmpuint (long_query->len, >=, 10000);
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (long_word, "ab.:-\"*("[i % 8]);
  {
    g_autoptr(GPtrArray) results = search (index, long_query->str, NULL, KBD_INDEX_KIND_ALL, 20);
    g_autoptr(GPtrArray) more = search (index, long_word->str, long_word->str,
                                        KBD_INDEX_KIND_ALL, 20);
  }
}

/* Snippets ------------------------------------------------------------------------------ */

typedef struct
{
  GString *text;
  GPtrArray *bold;
  guint depth;
  gboolean in_bold;
} MarkupState;

static void
start_element_cb (GMarkupParseContext  *context,
                  const char           *element,
                  const char          **names,
                  const char          **values,
                  gpointer              user_data,
                  GError              **error)
{
  MarkupState *state = user_data;

  if (state->depth++ == 0)
    g_assert_cmpstr (element, ==, "markup");
  else
    {
      /* Only <b>, never nested, never with attributes. */
      g_assert_cmpstr (element, ==, "b");
      g_assert_null (names[0]);
      g_assert_false (state->in_bold);
      state->in_bold = TRUE;
      g_ptr_array_add (state->bold, g_strdup (""));
    }
}

static void
end_element_cb (GMarkupParseContext  *context,
                const char           *element,
                gpointer              user_data,
                GError              **error)
{
  MarkupState *state = user_data;

  state->depth--;
  if (g_str_equal (element, "b"))
    state->in_bold = FALSE;
}

static void
text_cb (GMarkupParseContext  *context,
         const char           *text,
         gsize                 len,
         gpointer              user_data,
         GError              **error)
{
  MarkupState *state = user_data;

  g_string_append_len (state->text, text, len);
  if (state->in_bold)
    {
      char **last = (char **) &g_ptr_array_index (state->bold, state->bold->len - 1);
      char *joined = g_strconcat (*last, text, NULL);

      g_free (*last);
      *last = joined;
    }
}

/* Parses Pango markup as Pango does (GMarkup inside <markup>): returns the
 * text it shows and the pieces in bold. */
static char *
parse_markup (const char  *markup,
              GPtrArray  **bold)
{
  static const GMarkupParser parser = { start_element_cb, end_element_cb, text_cb, NULL, NULL };
  MarkupState state = { g_string_new (NULL), g_ptr_array_new_with_free_func (g_free), 0, FALSE };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, &state, NULL);
  g_autofree char *wrapped = g_strconcat ("<markup>", markup, "</markup>", NULL);
  g_autoptr(GError) error = NULL;

  g_markup_parse_context_parse (context, wrapped, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  *bold = state.bold;
  return g_string_free (state.text, FALSE);
}

static void
test_snippets (void)
{
  g_autofree char *folder = make_dir ("snippets");
  g_autoptr(KbdIndex) index = new_index ("snippets.db");
  g_autofree char *a = write_reference (folder, 200001, "Gateway fails to start",
                                        "The gateway shows <b>Error</b> & stops: if x < y then the "
                                        "frobnicator writes \"quoted\" text to 'the' log.",
                                        "Nothing about it here.");
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) bold = NULL;
  g_autofree char *shown = NULL;
  KbdIndexResult *result;
  const char *plain, *pango, *html, *markdown;

  update (index, folder);
  results = search (index, "frobnicator error", NULL, KBD_INDEX_KIND_ALL, 10);
  g_assert_cmpuint (results->len, ==, 1);
  result = g_ptr_array_index (results, 0);

  plain = kbd_index_result_get_snippet (result, KBD_TEXT_FORMAT_PLAIN);
  g_test_message ("plain: %s", plain);
  g_assert_null (strchr (plain, '\002'));
  g_assert_null (strchr (plain, '\003'));
  g_assert_null (strchr (plain, '\n'));
  g_assert_nonnull (strstr (plain, "The gateway shows <b>Error</b> & stops: if x < y then the "
                                   "frobnicator"));

  /* Pango: the article's markup-looking text is text; only the matched
   * words are bold. */
  pango = kbd_index_result_get_snippet (result, KBD_TEXT_FORMAT_PANGO);
  g_test_message ("pango: %s", pango);
  shown = parse_markup (pango, &bold);
  g_assert_cmpstr (shown, ==, plain);
  g_assert_cmpuint (bold->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (bold, 0), ==, "Error");
  g_assert_cmpstr (g_ptr_array_index (bold, 1), ==, "frobnicator");

  html = kbd_index_result_get_snippet (result, KBD_TEXT_FORMAT_HTML);
  g_test_message ("html: %s", html);
  g_assert_nonnull (strstr (html, "shows &lt;b&gt;<b>Error</b>&lt;/b&gt; &amp; stops: "
                                  "if x &lt; y then the <b>frobnicator</b> writes "
                                  "&quot;quoted&quot;"));
  g_assert_null (strstr (html, "<b>the</b>"));

  markdown = kbd_index_result_get_snippet (result, KBD_TEXT_FORMAT_MARKDOWN);
  g_assert_nonnull (strstr (markdown, "**frobnicator**"));
  g_assert_nonnull (strstr (markdown, "\\<b\\>**Error**\\</b\\>"));

  g_assert_nonnull (strstr (kbd_index_result_get_snippet (result, KBD_TEXT_FORMAT_ANSI),
                            "\033[1mfrobnicator\033[22m"));
}

static void
test_snippet_control_characters (void)
{
  g_autofree char *folder = make_dir ("control");
  g_autoptr(KbdIndex) index = new_index ("control.db");
  g_autofree char *a = write_reference (folder, 200002, "Control characters",
                                        "The \002marker\003 and \033[31mescape\001 stay text: "
                                        "quokka.",
                                        "Bidi \xe2\x80\xae override quokka.");
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) bold = NULL;
  g_autofree char *shown = NULL;
  KbdIndexResult *result;
  const char *plain, *pango;

  update (index, folder);
  results = search (index, "quokka", NULL, KBD_INDEX_KIND_ALL, 10);
  g_assert_cmpuint (results->len, ==, 1);
  result = g_ptr_array_index (results, 0);

  plain = kbd_index_result_get_snippet (result, KBD_TEXT_FORMAT_PLAIN);
  g_test_message ("plain: %s", plain);
  for (const char *p = plain; *p != '\0'; p++)
    g_assert_cmpint ((guchar) *p, >=, 0x20);

  pango = kbd_index_result_get_snippet (result, KBD_TEXT_FORMAT_PANGO);
  shown = parse_markup (pango, &bold);
  g_assert_cmpuint (bold->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (bold, 0), ==, "quokka");
  /* "marker" was never a match, whatever the file wrote around it. */
  g_assert_nonnull (strstr (shown, "marker"));
}

/* Ranking --------------------------------------------------------------------------------- */

static void
test_title_outranks_body (void)
{
  g_autofree char *folder = make_dir ("ranking");
  g_autoptr(KbdIndex) index = new_index ("ranking.db");
  g_autofree char *body = write_reference (folder, 200011, "Printer stops responding",
                                           "The printer stops.",
                                           "The wombatizer service writes a log.");
  g_autofree char *title = write_reference (folder, 200012, "Wombatizer service fails",
                                            "The service stops.",
                                            "Restart the service to write a log.");
  g_autoptr(GPtrArray) results = NULL;

  update (index, folder);
  results = search (index, "wombatizer", NULL, KBD_INDEX_KIND_ALL, 10);
  g_assert_cmpuint (results->len, ==, 2);
  g_assert_cmpstr (result_id (results, 0), ==, "Q200012");
  g_assert_cmpstr (result_id (results, 1), ==, "Q200011");
  g_assert_cmpfloat (kbd_index_result_get_score (g_ptr_array_index (results, 0)), >,
                     kbd_index_result_get_score (g_ptr_array_index (results, 1)));
}

/* Incremental updates ----------------------------------------------------------------------- */

static void
test_incremental (void)
{
  g_autofree char *folder = make_dir ("incremental");
  g_autoptr(KbdIndex) index = new_index ("incremental.db");
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *paths[5];
  g_autofree char *changed = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *problems;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *title = g_strdup_printf ("Article number %u", i);
      g_autofree char *word = g_strdup_printf ("uniqueword%c", 'a' + i);

      g_ptr_array_add (files, write_reference (folder, 200100 + i, title, "The service stops.",
                                               word));
      paths[i] = g_ptr_array_index (files, i);
    }

  update (index, folder);
  assert_stats (index, 5, 0, 0, 0, 5);
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 5);
  g_assert_cmpuint (count_hits (index, "uniquewordc"), ==, 1);

  /* Nothing changed: nothing is read. */
  update (index, folder);
  assert_stats (index, 0, 0, 0, 5, 0);

  /* New contents: that one file is indexed again. */
  changed = reference_text (200102, "Article number 2", "Microsoft Exchange", "The service stops.",
                            "Now it says quagga instead, at more length than before.");
  g_file_set_contents (paths[2], changed, -1, &error);
  g_assert_no_error (error);
  set_mtime (paths[2], 300);
  update (index, folder);
  assert_stats (index, 0, 1, 0, 4, 1);
  g_assert_cmpuint (count_hits (index, "quagga"), ==, 1);
  g_assert_cmpuint (count_hits (index, "uniquewordc"), ==, 0);
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 5);

  /* Touched, same contents: hashed, not indexed again. */
  set_mtime (paths[3], 200);
  update (index, folder);
  assert_stats (index, 0, 0, 0, 5, 1);
  update (index, folder);
  assert_stats (index, 0, 0, 0, 5, 0);

  /* Same size and time, other contents: not seen, by design (size and
   * time are the promise); a new time reveals it. */

  /* Deleted: gone from the results. */
  g_assert_cmpint (g_unlink (paths[4]), ==, 0);
  update (index, folder);
  assert_stats (index, 0, 0, 1, 4, 0);
  g_assert_cmpuint (count_hits (index, "uniqueworde"), ==, 0);
  g_assert_cmpuint (count_hits (index, "uniquewordd"), ==, 1);
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 4);
  {
    g_autoptr(KbdIndexResult) gone = kbd_index_lookup (index, "Q200104", &error);
    g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* A file that does not load is a problem, at every update, until it
   * loads; it was an article, so the article is removed. */
  g_file_set_contents (paths[0], "DOCUMENT:nothing\r\n", -1, &error);
  g_assert_no_error (error);
  set_mtime (paths[0], 100);
  update (index, folder);
  assert_stats (index, 0, 0, 1, 3, 1);
  problems = kbd_index_get_problems (index);
  g_assert_cmpuint (g_strv_length ((char **) problems), ==, 1);
  g_assert_true (g_str_has_prefix (problems[0], paths[0]));
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 3);
  update (index, folder);
  problems = kbd_index_get_problems (index);
  g_assert_cmpuint (g_strv_length ((char **) problems), ==, 1);
  g_assert_true (g_str_has_prefix (problems[0], paths[0]));

  {
    g_autofree char *fixed = reference_text (200100, "Article number 0", "Microsoft Exchange",
                                             "Fixed.", "uniquewordz");
    g_file_set_contents (paths[0], fixed, -1, &error);
    g_assert_no_error (error);
    set_mtime (paths[0], 50);
  }
  update (index, folder);
  assert_stats (index, 1, 0, 0, 3, 1);
  g_assert_cmpstrv (kbd_index_get_problems (index), ((const char *const[]) { NULL }));
  g_assert_cmpuint (count_hits (index, "uniquewordz"), ==, 1);

  /* The index holds the folders given, no others. */
  {
    g_autofree char *other = make_dir ("incremental-other");
    g_autofree char *tree = g_strdup_printf (tree_template, "KB200200", "Tree in another folder",
                                             "KB200200", "");
    g_autofree char *tree_path = write_file (other, "KB200200.json", tree, 600);
    g_autofree char *schema = write_file (other, "kbdecide-article-1.schema.json", "{}", 600);
    g_autofree char *readme = write_file (other, "README.md", "not an article", 600);

    update (index, other);
    assert_stats (index, 1, 0, 4, 0, 1);
    g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 1);
    g_assert_cmpstrv (kbd_index_get_problems (index), ((const char *const[]) { NULL }));
  }
}

static void
test_subfolders (void)
{
  g_autofree char *folder = make_dir ("nested");
  g_autofree char *one = make_dir ("nested/one");
  g_autofree char *two = make_dir ("nested/one/two");
  g_autoptr(KbdIndex) index = new_index ("nested.db");
  g_autofree char *a = write_reference (folder, 200301, "Top level", "Stops.", "More.");
  g_autofree char *b = write_reference (one, 200302, "One level down", "Stops.", "More.");
  g_autofree char *c = write_reference (two, 200303, "Two levels down", "Stops.", "More.");
  const char *folders[] = { folder, one, folder, NULL };
  g_autoptr(GError) error = NULL;

  /* One level of subfolders; a folder given twice, or also as a
   * subfolder, counts once; a missing folder holds no articles. */
  g_assert_true (kbd_index_update (index, folders, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 3);
  g_assert_cmpuint (count_hits (index, "levels"), ==, 1);

  {
    const char *missing[] = { folder, "/nonexistent/kbdecide", NULL };

    g_assert_true (kbd_index_update (index, missing, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 2);
    g_assert_cmpstrv (kbd_index_get_problems (index), ((const char *const[]) { NULL }));
  }
}

/* A damaged cache ------------------------------------------------------------------------------ */

static void
test_corrupt_cache (void)
{
  g_autofree char *folder = make_dir ("corrupt");
  g_autofree char *a = write_reference (folder, 200401, "Corruption test", "Stops.", "More.");
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "index", "corrupt.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *garbage = NULL;
  KbdIndex *index;
  struct stat st;

  index = new_index ("corrupt.db");
  update (index, folder);
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 1);
  g_assert_finalize_object (index);

  /* Garbage over the whole file, as large as it was. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  garbage = g_malloc (st.st_size);
  for (gsize i = 0; i < (gsize) st.st_size; i++)
    garbage[i] = (char) g_test_rand_int_range (0, 256);
  g_file_set_contents (path, garbage, st.st_size, &error);
  g_assert_no_error (error);

  index = kbd_index_new (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kbd_index_get_notice (index));
  g_test_message ("notice: %s", kbd_index_get_notice (index));
  g_assert_nonnull (strstr (kbd_index_get_notice (index), path));
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 0);
  update (index, folder);
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 1);
  g_assert_cmpuint (count_hits (index, "corruption"), ==, 1);
  g_assert_finalize_object (index);

  /* A text file where the index should be. */
  g_file_set_contents (path, "not a database at all\n", -1, &error);
  g_assert_no_error (error);
  index = kbd_index_new (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kbd_index_get_notice (index));
  update (index, folder);
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 1);
  g_assert_finalize_object (index);

  /* Reopened, healthy: no notice. */
  index = kbd_index_new (path, &error);
  g_assert_no_error (error);
  g_assert_null (kbd_index_get_notice (index));
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 1);
  g_assert_finalize_object (index);

  /* Private file. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_unknown_version (void)
{
  g_autofree char *folder = make_dir ("version");
  g_autofree char *a = write_reference (folder, 200501, "Version test", "Stops.", "More.");
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "index", "version.db", NULL);
  g_autoptr(GError) error = NULL;
  KbdIndex *index;
  sqlite3 *db = NULL;

  index = new_index ("version.db");
  update (index, folder);
  g_assert_finalize_object (index);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 999", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  index = kbd_index_new (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kbd_index_get_notice (index));
  g_assert_nonnull (strstr (kbd_index_get_notice (index), "999"));
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 0);
  update (index, folder);
  assert_stats (index, 1, 0, 0, 0, 1);
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 1);
  g_assert_finalize_object (index);
}

static void
test_default_location (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdIndex) index = kbd_index_new (NULL, &error);
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "kbdecide", "index.db",
                                                NULL);
  g_autofree char *folder = g_path_get_dirname (expected);
  struct stat st;

  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (kbd_index_get_filename (index), "/kbdecide/index.db"));
  g_assert_cmpint (g_stat (expected, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
}

static void
test_symlink_refused (void)
{
  g_autofree char *folder = make_dir ("links-here");
  g_autofree char *target = g_build_filename (folder, "target.db", NULL);
  g_autofree char *link = g_build_filename (folder, "link.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdIndex) index = NULL;

  g_file_set_contents (target, "", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (symlink (target, link), ==, 0);
  index = kbd_index_new (link, &error);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_UNSAFE_PATH);
  g_assert_null (index);
}

/* Cancelling, async ------------------------------------------------------------------------- */

#define N_MANY 260

static char *
make_many (const char *name)
{
  char *folder = make_dir (name);

  for (guint i = 0; i < N_MANY; i++)
    {
      g_autofree char *title = g_strdup_printf ("Generated article %u", i);
      g_autofree char *path = write_reference (folder, 300000 + i, title, "The service stops.",
                                               "Restart the service.");
    }
  return folder;
}

static void
cancel_at_100_cb (guint    done,
                  guint    total,
                  gpointer user_data)
{
  g_assert_cmpuint (total, ==, N_MANY);
  if (done >= 100)
    g_cancellable_cancel (user_data);
}

static void
test_cancel (void)
{
  g_autofree char *folder = make_many ("cancel");
  g_autoptr(KbdIndex) index = new_index ("cancel.db");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  const char *folders[] = { folder, NULL };
  guint kept;

  g_assert_false (kbd_index_update (index, folders, cancellable, cancel_at_100_cb, cancellable,
                                    &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* What was done before the cancel is kept. */
  kept = kbd_index_get_n_articles (index);
  g_assert_cmpuint (kept, ==, 100);
  assert_stats (index, 100, 0, 0, 0, 100);

  g_assert_true (kbd_index_update (index, folders, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_stats (index, N_MANY - kept, 0, 0, kept, N_MANY - kept);
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, N_MANY);
}

/* FTS5's automatic merging as the index file holds it: 0 off; no row
 * means SQLite's default, on. */
static gint64
read_automerge (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT v FROM fts_config WHERE k = 'automerge'", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
cancel_at_300_cb (guint    done,
                  guint    total,
                  gpointer user_data)
{
  if (done >= 300)
    g_cancellable_cancel (user_data);
}

/* A build from nothing of more than one batch merges the full-text
 * segments once at the end, with merging off on the way; a build that is
 * interrupted leaves it off, and the next update turns it on again. */
static void
test_cancelled_build_merges_again (void)
{
  g_autofree char *folder = make_dir ("bulk");
  g_autoptr(KbdIndex) index = new_index ("bulk.db");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  const char *folders[] = { folder, NULL };
  const char *path = kbd_index_get_filename (index);

  for (guint i = 0; i < 600; i++)
    {
      g_autofree char *title = g_strdup_printf ("Bulk article %u", i);
      g_autofree char *file = write_reference (folder, 400000 + i, title, "The relay stops.",
                                               "Restart the relay.");
    }

  g_assert_false (kbd_index_update (index, folders, cancellable, cancel_at_300_cb, cancellable,
                                    &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (read_automerge (path), ==, 0);

  g_assert_true (kbd_index_update (index, folders, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 600);
  g_assert_cmpint (read_automerge (path), >, 0);

  results = kbd_index_search (index, "relay", NULL, KBD_INDEX_KIND_ALL, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 600);
}

typedef struct
{
  GMainLoop *loop;
  GArray *done;
  guint total;
  gboolean finished;
  gboolean progress_freed;
  KbdIndex *index;
  guint n_during;
} AsyncState;

static void
async_progress_cb (guint    done,
                   guint    total,
                   gpointer user_data)
{
  AsyncState *state = user_data;

  /* In the caller's thread, before the callback. */
  g_assert_false (state->finished);
  g_assert_false (state->progress_freed);
  g_array_append_val (state->done, done);
  state->total = total;
  /* Searching goes on while the update runs. */
  state->n_during = kbd_index_get_n_articles (state->index);
}

static void
async_progress_free (gpointer user_data)
{
  AsyncState *state = user_data;

  g_assert_false (state->finished);
  state->progress_freed = TRUE;
}

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (state->progress_freed);
  g_assert_true (kbd_index_update_finish (KBD_INDEX (source), result, &error));
  g_assert_no_error (error);
  state->finished = TRUE;
  g_main_loop_quit (state->loop);
}

static void
busy_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (kbd_index_update_finish (KBD_INDEX (source), result, &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_BUSY);
  *(gboolean *) user_data = TRUE;
}

static void
test_async (void)
{
  g_autofree char *folder = make_many ("async");
  g_autoptr(KbdIndex) index = new_index ("async.db");
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GArray) done = g_array_new (FALSE, FALSE, sizeof (guint));
  AsyncState state = { loop, done, 0, FALSE, FALSE, index, 0 };
  const char *folders[] = { folder, NULL };
  g_autoptr(GError) error = NULL;
  gboolean busy_reported = FALSE;

  kbd_index_update_async (index, folders, NULL, async_progress_cb, &state, async_progress_free,
                          async_done_cb, &state);

  /* One update at a time. */
  g_assert_false (kbd_index_update (index, folders, NULL, NULL, NULL, &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_BUSY);
  g_clear_error (&error);
  kbd_index_update_async (index, folders, NULL, NULL, NULL, NULL, busy_done_cb, &busy_reported);

  g_main_loop_run (loop);

  g_assert_true (state.finished);
  g_assert_true (busy_reported);
  g_assert_cmpuint (state.total, ==, N_MANY);
  g_assert_cmpuint (done->len, >=, 2);
  for (guint i = 1; i < done->len; i++)
    g_assert_cmpuint (g_array_index (done, guint, i - 1), <, g_array_index (done, guint, i));
  g_assert_cmpuint (g_array_index (done, guint, done->len - 1), ==, N_MANY);
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, N_MANY);
  assert_stats (index, N_MANY, 0, 0, 0, N_MANY);
  g_assert_cmpuint (count_hits (index, "generated"), ==, N_MANY);

  /* And again, with nothing to do. */
  state.finished = state.progress_freed = FALSE;
  g_array_set_size (done, 0);
  kbd_index_update_async (index, folders, NULL, async_progress_cb, &state, async_progress_free,
                          async_done_cb, &state);
  g_main_loop_run (loop);
  assert_stats (index, 0, 0, 0, N_MANY, 0);
  g_assert_cmpuint (g_array_index (done, guint, done->len - 1), ==, N_MANY);
}

/* Links -------------------------------------------------------------------------------------- */

static void
test_links (void)
{
  g_autofree char *folder = make_dir ("links");
  g_autoptr(KbdIndex) index = new_index ("links.db");
  g_autofree char *a = write_reference (folder, 200601, "Article that mentions others",
                                        "See Q200602 and Q999999 (not here), and also Q200602 "
                                        "again.",
                                        "ARTICLE-ID: Q200601\r\nAlso Q200603 and the tree.");
  g_autofree char *b = write_reference (folder, 200602, "Mentioned article", "Stops.", "No links.");
  g_autofree char *c = write_reference (folder, 200603, "Another mentioned article", "Stops.",
                                        "Q200601");
  g_autofree char *tree = g_strdup_printf (tree_template, "KB200604", "A tree with see-also",
                                           "KB200604",
                                           "{\"id\":\"KB200602\",\"title\":\"The reference\"},"
                                           "{\"id\":\"KB999998\",\"title\":\"Missing\"},"
                                           "{\"id\":\"KB200603\",\"title\":\"Another\"}");
  g_autofree char *tree_path = write_file (folder, "KB200604.json", tree, 600);
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GError) error = NULL;

  update (index, folder);
  g_assert_cmpstrv (kbd_index_get_problems (index), ((const char *const[]) { NULL }));
  g_assert_cmpuint (kbd_index_get_n_articles (index), ==, 4);

  links = kbd_index_get_links (index, "Q200601", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (links->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (links, 0), ==, "Q200602");
  g_assert_cmpstr (g_ptr_array_index (links, 1), ==, "Q200603");
  g_clear_pointer (&links, g_ptr_array_unref);

  links = kbd_index_get_links (index, "200602", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (links->len, ==, 0);
  g_clear_pointer (&links, g_ptr_array_unref);

  links = kbd_index_get_links (index, "kb200604", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (links->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (links, 0), ==, "Q200602");
  g_assert_cmpstr (g_ptr_array_index (links, 1), ==, "Q200603");
  g_clear_pointer (&links, g_ptr_array_unref);

  links = kbd_index_get_links (index, "Q404", &error);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
  g_assert_null (links);
}

static void
test_archive_links (void)
{
  KbdIndex *index = get_archive_index ();
  g_autoptr(GError) error = NULL;
  guint n_with_links = 0;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (index == NULL)
    return;

  /* Every link found is an article of the index. */
  dir = g_dir_open (sample_dir (), 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *id = g_strndup (name, strcspn (name, "."));
      g_autoptr(GPtrArray) links = NULL;

      if (!g_str_has_suffix (name, ".TXT"))
        continue;
      links = kbd_index_get_links (index, id, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < links->len; i++)
        {
          const char *link = g_ptr_array_index (links, i);
          g_autoptr(KbdIndexResult) target = kbd_index_lookup (index, link, &error);

          g_assert_no_error (error);
          g_assert_cmpstr (kbd_index_result_get_id (target), ==, link);
          g_assert_cmpstr (kbd_index_result_get_id (target), !=, id);
        }
      n_with_links += links->len > 0;
    }
  g_test_message ("%u sample articles link to another sample article", n_with_links);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/index/archive/count", test_archive_count);
  g_test_add_func ("/index/archive/smtp-metabase-cluster-ranks-kb312395-first",
                   test_archive_ranking);
  g_test_add_func ("/index/archive/selective-query", test_archive_selective);
  g_test_add_func ("/index/archive/product-and-kind-filters", test_archive_filters);
  g_test_add_func ("/index/archive/lookup-by-any-id-spelling", test_archive_lookup);
  g_test_add_func ("/index/archive/hostile-queries-are-never-syntax", test_archive_hostile_queries);
  g_test_add_func ("/index/archive/broad-queries-rank-title-matches", test_archive_broad_cap);
  g_test_add_func ("/index/archive/links-are-indexed-articles", test_archive_links);
  g_test_add_func ("/index/snippets/escaped-and-bold-matches-only", test_snippets);
  g_test_add_func ("/index/snippets/control-characters", test_snippet_control_characters);
  g_test_add_func ("/index/ranking/title-outranks-body", test_title_outranks_body);
  g_test_add_func ("/index/update/incremental", test_incremental);
  g_test_add_func ("/index/update/subfolders", test_subfolders);
  g_test_add_func ("/index/update/cancel-keeps-work", test_cancel);
  g_test_add_func ("/index/update/cancelled-build-merges-again", test_cancelled_build_merges_again);
  g_test_add_func ("/index/update/async-progress-in-order", test_async);
  g_test_add_func ("/index/cache/corrupt-is-rebuilt", test_corrupt_cache);
  g_test_add_func ("/index/cache/unknown-version-is-rebuilt", test_unknown_version);
  g_test_add_func ("/index/cache/default-location-is-private", test_default_location);
  g_test_add_func ("/index/cache/symlink-refused", test_symlink_refused);
  g_test_add_func ("/index/links", test_links);

  status = g_test_run ();

  g_clear_object (&archive_index);
  if (archive_dir != NULL)
    remove_tree (archive_dir);
  g_free (archive_dir);
  return status;
}
