/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "kbd-cli.h"

/* kbdecide search|import|index, and show for reference articles: the
 * article library through the persistent index (KbdIndex). */

#define PROGRESS_INTERVAL_USEC (G_USEC_PER_SEC / 10)
/* An update that is over sooner shows no progress at all. */
#define PROGRESS_DELAY_USEC (G_USEC_PER_SEC / 2)
#define PROGRESS_BAR_WIDTH 20

static KbdIndex *
open_index (const char *file,
            int        *exit_code)
{
  g_autoptr(GError) error = NULL;
  KbdIndex *index = kbd_index_new (file, &error);

  if (index == NULL)
    {
      kbd_cli_print_error (error->message);
      *exit_code = KBD_CLI_EXIT_FAILED;
      return NULL;
    }
  if (kbd_index_get_notice (index) != NULL)
    kbd_cli_print_error (kbd_index_get_notice (index));
  return index;
}

/* A count with the locale's digit grouping: 57,000 or 57.000. */
static char *
format_count (guint n)
{
  return g_strdup_printf ("%'u", n);
}

/* Updating ------------------------------------------------------------------------ */

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
  gboolean show_progress;
  gint64 started;
  gint64 last_drawn;
  guint drawn_width;      /* of the progress line, 0 when none is shown */
} Update;

static gboolean
interrupted_cb (gpointer user_data)
{
  GCancellable *cancellable = user_data;

  g_cancellable_cancel (cancellable);
  return G_SOURCE_CONTINUE;
}

/* "Indexing  12,345 / 57,000  [#####     ]", redrawn in place on a
 * terminal, at most ten times a second but always at the end. */
static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  Update *update = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *done_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *counts = NULL;
  g_autofree char *line = NULL;
  char bar[PROGRESS_BAR_WIDTH + 1];
  guint filled;

  if (!update->show_progress || now - update->started < PROGRESS_DELAY_USEC)
    return;
  if (update->drawn_width > 0 && done < total && now - update->last_drawn < PROGRESS_INTERVAL_USEC)
    return;

  filled = total > 0 ? (guint) ((guint64) MIN (done, total) * PROGRESS_BAR_WIDTH / total) : PROGRESS_BAR_WIDTH;
  memset (bar, '#', filled);
  memset (bar + filled, ' ', PROGRESS_BAR_WIDTH - filled);
  bar[PROGRESS_BAR_WIDTH] = '\0';

  done_text = format_count (done);
  total_text = format_count (total);
  /* Translators: progress of indexing, "Indexing  12,345 / 57,000" */
  counts = g_strdup_printf (_("Indexing  %s / %s"), done_text, total_text);
  line = g_strdup_printf ("%s  [%s]", counts, bar);
  g_printerr ("\r%s", line);
  update->drawn_width = MAX (update->drawn_width, (guint) g_utf8_strlen (line, -1));
  update->last_drawn = now;
}

static void
update_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Update *update = user_data;

  update->result = g_object_ref (result);
  g_main_loop_quit (update->loop);
}

/* Brings @index up to date with @folders, with a progress bar on stderr
 * when it is a terminal. The update runs in the library's worker thread
 * while this thread waits in a main loop, so Ctrl-C cancels it between
 * two files: what was committed stays, and the index stays consistent. */
static gboolean
update_index (KbdIndex          *index,
              const char *const *folders,
              GCancellable      *cancellable,
              GError           **error)
{
  Update update = { 0 };
  gboolean ok;

  update.loop = g_main_loop_new (NULL, FALSE);
  update.show_progress = isatty (STDERR_FILENO);
  update.started = g_get_monotonic_time ();
  kbd_index_update_async (index, folders, cancellable, progress_cb, &update, NULL,
                          update_done_cb, &update);
  g_main_loop_run (update.loop);
  /* The progress line is erased: what follows says how it went. */
  if (update.drawn_width > 0)
    g_printerr ("\r%*s\r", (int) update.drawn_width, "");

  ok = kbd_index_update_finish (index, update.result, error);
  g_object_unref (update.result);
  g_main_loop_unref (update.loop);
  return ok;
}

/* The folders of the search path, as every command sees them. */
static GStrv
dup_search_path (KbdCli *cli)
{
  g_autoptr(KbdCatalog) catalog = kbd_cli_make_catalog (cli);

  return g_strdupv ((char **) kbd_catalog_get_directories (catalog));
}

/* Updates the index over the search path, with Ctrl-C cancelling; on
 * failure says why and returns FALSE. */
static gboolean
update_search_path (KbdCli   *cli,
                    KbdIndex *index)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(GStrv) folders = dup_search_path (cli);
  g_autoptr(GError) error = NULL;
  guint interrupt = g_unix_signal_add (SIGINT, interrupted_cb, cancellable);
  gboolean ok = update_index (index, (const char *const *) folders, cancellable, &error);

  g_source_remove (interrupt);
  if (!ok)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        kbd_cli_print_error (_("interrupted; the index keeps the articles indexed so far"));
      else
        kbd_cli_print_error (error->message);
    }
  return ok;
}

/* "The index holds 57,000 articles.", the last sentence of a summary. */
static char *
dup_index_size_sentence (KbdIndex *index)
{
  guint n_articles = kbd_index_get_n_articles (index);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The index holds %u article.",
                                       "The index holds %u articles.", n_articles),
                          n_articles);
}

static const char *
kind_name (KbdIndexKind kind)
{
  return kind == KBD_INDEX_KIND_REFERENCE ? "reference" : "tree";
}

/* search ------------------------------------------------------------------------ */

static gboolean
has_word (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

static void
print_results_json (GPtrArray *results)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < results->len; i++)
    {
      KbdIndexResult *result = g_ptr_array_index (results, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, kbd_index_result_get_id (result));
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, kind_name (kbd_index_result_get_kind (result)));
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, kbd_index_result_get_title (result));
      json_builder_set_member_name (builder, "product");
      json_builder_add_string_value (builder, kbd_index_result_get_product (result));
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, kbd_index_result_get_filename (result));
      json_builder_set_member_name (builder, "score");
      json_builder_add_double_value (builder, kbd_index_result_get_score (result));
      json_builder_set_member_name (builder, "snippet");
      json_builder_add_string_value (builder,
                                     kbd_index_result_get_snippet (result, KBD_TEXT_FORMAT_PLAIN));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  kbd_cli_print_json (builder);
}

static void
print_results (KbdCli    *cli,
               GPtrArray *results)
{
  KbdTextFormat format = cli->color ? KBD_TEXT_FORMAT_ANSI : KBD_TEXT_FORMAT_PLAIN;

  for (guint i = 0; i < results->len; i++)
    {
      KbdIndexResult *result = g_ptr_array_index (results, i);
      g_autofree char *title = kbd_text_escape (kbd_index_result_get_title (result), KBD_TEXT_FORMAT_PLAIN);
      g_autofree char *product = kbd_text_escape (kbd_index_result_get_product (result),
                                                  KBD_TEXT_FORMAT_PLAIN);
      const char *kind = kbd_index_result_get_kind (result) == KBD_INDEX_KIND_REFERENCE
                         ? _("reference") : _("troubleshooter");

      if (i > 0)
        g_print ("\n");
      g_print ("%s%-10s%s %s\n", kbd_cli_style (cli, BOLD), kbd_index_result_get_id (result),
               kbd_cli_style (cli, RESET), title);
      g_print ("           %s%s%s%s%s\n", kbd_cli_style (cli, DIM), kind, product[0] != '\0' ? " · " : "",
               product, kbd_cli_style (cli, RESET));
      if (kbd_index_result_get_snippet (result, format)[0] != '\0')
        kbd_cli_print_wrapped (cli, "           ", "           ",
                               kbd_index_result_get_snippet (result, format));
    }
}

int
kbd_cli_command_search (KbdCli  *cli,
                        int      argc,
                        char   **argv)
{
  g_auto(GStrv) kb_dirs = NULL;
  g_autofree char *index_file = NULL;
  g_autofree char *product = NULL;
  g_autofree char *kind = NULL;
  gboolean json = FALSE;
  int limit = 20;
  const GOptionEntry entries[] = {
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("Show at most N articles (default 20)"), N_("N") },
    { "product", 0, 0, G_OPTION_ARG_STRING, &product,
      N_("Only articles whose product contains the words PRODUCT"), N_("PRODUCT") },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      N_("Only troubleshooters (tree) or reference articles (reference)"), N_("KIND") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the results as JSON"), NULL },
    KBD_CLI_KB_DIR_ENTRY (kb_dirs),
    KBD_CLI_INDEX_ENTRY (index_file),
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("WORDS…"), _("Find articles by words, best match first."), entries);
  g_autoptr(KbdIndex) index = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *query = NULL;
  KbdIndexKind kinds = KBD_INDEX_KIND_ALL;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  cli->kb_dirs = kb_dirs;

  if (argc < 2)
    {
      kbd_cli_print_error (_("search needs words to find"));
      return KBD_CLI_EXIT_USAGE;
    }
  query = g_strjoinv (" ", argv + 1);
  if (!has_word (query))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” has no word to search for: give letters or digits"),
                                                  query);
      kbd_cli_print_error (message);
      return KBD_CLI_EXIT_USAGE;
    }
  if (limit < 1 || limit > 1000)
    {
      kbd_cli_print_error (_("--limit must be between 1 and 1000"));
      return KBD_CLI_EXIT_USAGE;
    }
  if (kind == NULL)
    ;
  else if (g_str_equal (kind, "tree"))
    kinds = KBD_INDEX_KIND_DECISION_TREE;
  else if (g_str_equal (kind, "reference"))
    kinds = KBD_INDEX_KIND_REFERENCE;
  else
    {
      g_autofree char *message = g_strdup_printf (_("unknown kind “%s”: use tree or reference"), kind);
      kbd_cli_print_error (message);
      return KBD_CLI_EXIT_USAGE;
    }

  index = open_index (index_file, &exit_code);
  if (index == NULL)
    return exit_code;
  if (!update_search_path (cli, index))
    return KBD_CLI_EXIT_FAILED;

  results = kbd_index_search (index, query, product, kinds, limit, &error);
  if (results == NULL)
    {
      kbd_cli_print_error (error->message);
      return KBD_CLI_EXIT_FAILED;
    }

  if (json)
    print_results_json (results);
  else
    print_results (cli, results);

  if (results->len == 0)
    {
      g_autofree char *message = g_strdup_printf (_("no article matches “%s”"), query);
      kbd_cli_print_error (message);
      return KBD_CLI_EXIT_FAILED;
    }
  return KBD_CLI_EXIT_OK;
}

/* show, for reference articles ---------------------------------------------------- */

static gboolean
is_reference_file_name (const char *arg)
{
  g_autofree char *lower = g_ascii_strdown (arg, -1);

  return g_str_has_suffix (lower, ".txt");
}

static void
print_heading (KbdCli     *cli,
               const char *title,
               char        underline)
{
  g_autofree char *line = g_strnfill (MAX (g_utf8_strlen (title, -1), 3), underline);

  g_print ("%s%s%s\n%s\n", kbd_cli_style (cli, BOLD), title, kbd_cli_style (cli, RESET), line);
}

/* One line of a reference article's header, left out when @value is
 * empty; a macro so the compiler checks each translated @format. */
#define PRINT_FIELD(format, value) \
  G_STMT_START { \
    const char *value_ = (value); \
    if (value_ != NULL && value_[0] != '\0') \
      { \
        g_autofree char *escaped_ = kbd_text_escape (value_, KBD_TEXT_FORMAT_PLAIN); \
        g_print (format, escaped_); \
        g_print ("\n"); \
      } \
  } G_STMT_END

/* The ids of @links with their titles, as the index has them. */
static void
print_see_also (KbdCli    *cli,
                KbdIndex  *index,
                GPtrArray *links)
{
  if (links == NULL || links->len == 0)
    return;

  g_print ("\n");
  print_heading (cli, _("See also"), '-');
  g_print ("\n");
  for (guint i = 0; i < links->len; i++)
    {
      const char *id = g_ptr_array_index (links, i);
      g_autoptr(KbdIndexResult) target = kbd_index_lookup (index, id, NULL);
      g_autofree char *title = target != NULL
        ? kbd_text_escape (kbd_index_result_get_title (target), KBD_TEXT_FORMAT_PLAIN) : g_strdup ("");

      g_print ("  %s%-10s%s %s\n", kbd_cli_style (cli, BOLD), id, kbd_cli_style (cli, RESET), title);
    }
}

/* The articles @article mentions that @index can find, for an article the
 * index does not hold itself. */
static GPtrArray *
find_links (KbdIndex            *index,
            KbdReferenceArticle *article)
{
  g_autoptr(GPtrArray) mentions = kbd_reference_article_find_mentions (article);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *links = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < mentions->len; i++)
    {
      g_autoptr(KbdIndexResult) target = kbd_index_lookup (index, g_ptr_array_index (mentions, i), NULL);

      if (target == NULL || g_hash_table_contains (seen, kbd_index_result_get_id (target)))
        continue;
      g_ptr_array_add (links, g_strdup (kbd_index_result_get_id (target)));
      g_hash_table_add (seen, g_ptr_array_index (links, links->len - 1));
    }
  return links;
}

static void
print_reference (KbdCli              *cli,
                 KbdReferenceArticle *article,
                 KbdIndex            *index,
                 GPtrArray           *links)
{
  g_autofree char *title = kbd_text_escape (kbd_reference_article_get_title (article),
                                            KBD_TEXT_FORMAT_PLAIN);
  GDateTime *date = kbd_reference_article_get_date (article);
  g_autofree char *day = date != NULL ? g_date_time_format (date, "%F") : NULL;
  g_autofree char *keywords = g_strjoinv (", ", (char **) kbd_reference_article_get_keywords (article));

  print_heading (cli, title, '=');
  g_print ("\n");
  /* Translators: the header of a reference article as "kbdecide show" prints it */
  PRINT_FIELD (_("Article: %s"), kbd_reference_article_get_id (article));
  PRINT_FIELD (_("Date: %s"), day);
  PRINT_FIELD (_("Product: %s"), kbd_reference_article_get_product (article));
  PRINT_FIELD (_("Versions: %s"), kbd_reference_article_get_versions (article));
  PRINT_FIELD (_("Operating systems: %s"), kbd_reference_article_get_operating_systems (article));
  PRINT_FIELD (_("Keywords: %s"), keywords);

  for (guint i = 0; i < kbd_reference_article_get_n_sections (article); i++)
    {
      const char *heading = kbd_reference_article_get_section_title (article, i);
      g_autofree char *text = kbd_text_escape (kbd_reference_article_get_section_text (article, i),
                                               KBD_TEXT_FORMAT_PLAIN);

      g_print ("\n");
      if (heading != NULL)
        {
          g_autofree char *shown = kbd_text_escape (heading, KBD_TEXT_FORMAT_PLAIN);

          print_heading (cli, shown, kbd_reference_article_get_section_level (article, i) > 1 ? '-' : '=');
          if (text[0] != '\0')
            g_print ("\n");
        }
      /* As written: the archive's text is laid out for a monospace font. */
      if (text[0] != '\0')
        g_print ("%s\n", text);
    }

  print_see_also (cli, index, links);
}

/* A file the index names is read through the catalog, only inside the
 * search path's folders; one the user names on the command line is read
 * as it is. */
static int
show_reference_file (KbdCli     *cli,
                     const char *file,
                     KbdIndex   *index,
                     gboolean    indexed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdReferenceArticle) article = NULL;
  g_autoptr(GPtrArray) links = NULL;

  if (indexed)
    {
      g_autoptr(KbdCatalog) catalog = kbd_cli_make_catalog (cli);

      article = kbd_catalog_load_reference (catalog, file, &error);
    }
  else
    article = kbd_reference_article_new_from_file (file, &error);

  if (article == NULL)
    {
      kbd_cli_print_error (error->message);
      return KBD_CLI_EXIT_NOT_LOADED;
    }
  if (indexed)
    links = kbd_index_get_links (index, kbd_reference_article_get_id (article), NULL);
  if (links == NULL)
    links = find_links (index, article);
  print_reference (cli, article, index, links);
  return KBD_CLI_EXIT_OK;
}

/* kbdecide show, when @arg is not a decision tree on the search path: a
 * reference article file, or an id the index knows. Returns -1 when @arg
 * is neither, for show to go on as before. */
int
kbd_cli_show_reference (KbdCli     *cli,
                        const char *arg,
                        const char *index_file)
{
  g_autoptr(KbdIndex) index = NULL;
  g_autoptr(KbdIndexResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = KBD_CLI_EXIT_OK;

  if (is_reference_file_name (arg) && g_file_test (arg, G_FILE_TEST_EXISTS))
    {
      index = open_index (index_file, &exit_code);
      if (index == NULL)
        return exit_code;
      return show_reference_file (cli, arg, index, FALSE);
    }

  if (strchr (arg, G_DIR_SEPARATOR) != NULL || g_file_test (arg, G_FILE_TEST_EXISTS))
    return -1;

  {
    g_autoptr(KbdCatalog) catalog = kbd_cli_make_catalog (cli);
    g_autofree char *tree = kbd_catalog_find_file (catalog, arg, &error);

    if (tree != NULL || !g_error_matches (error, KBD_ERROR, KBD_ERROR_NOT_FOUND))
      return -1;
    g_clear_error (&error);
  }

  index = open_index (index_file, &exit_code);
  if (index == NULL)
    return exit_code;
  if (!update_search_path (cli, index))
    return KBD_CLI_EXIT_FAILED;

  result = kbd_index_lookup (index, arg, &error);
  if (result == NULL)
    {
      kbd_cli_print_error (error->message);
      return KBD_CLI_EXIT_NOT_LOADED;
    }
  if (kbd_index_result_get_kind (result) != KBD_INDEX_KIND_REFERENCE)
    {
      g_autoptr(KbdArticle) article = kbd_cli_open_article (cli, kbd_index_result_get_filename (result),
                                                            &exit_code);
      g_autofree char *text = NULL;

      if (article == NULL)
        return exit_code;
      text = kbd_article_export (article, cli->color ? KBD_EXPORT_ANSI : KBD_EXPORT_TEXT);
      g_print ("%s", text);
      return KBD_CLI_EXIT_OK;
    }
  return show_reference_file (cli, kbd_index_result_get_filename (result), index, TRUE);
}

/* import ------------------------------------------------------------------------ */

typedef struct
{
  guint n_new;
  guint n_updated;
  guint n_unchanged;
  guint n_failed;
} ImportCounts;

/* "FILE: reason", unless the library's message already starts with the file. */
static void
print_file_problem (const char *file,
                    const char *reason)
{
  g_autofree char *shown = g_filename_display_name (file);
  g_autofree char *message = NULL;

  if (g_str_has_prefix (reason, shown))
    kbd_cli_print_error (reason);
  else
    {
      message = g_strdup_printf ("%s: %s", shown, reason);
      kbd_cli_print_error (message);
    }
}

/* Copies @source into @target_dir byte for byte, if it is an article. */
static void
import_file (const char   *source,
             const char   *target_dir,
             ImportCounts *counts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdReferenceArticle) article = kbd_reference_article_new_from_file (source, &error);
  g_autofree char *contents = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *name = NULL;
  g_autofree char *target = NULL;
  gsize length = 0, existing_length = 0;
  gboolean exists;

  if (article == NULL || !g_file_get_contents (source, &contents, &length, &error))
    {
      print_file_problem (source, error->message);
      counts->n_failed++;
      return;
    }

  name = g_path_get_basename (source);
  target = g_build_filename (target_dir, name, NULL);
  exists = g_file_test (target, G_FILE_TEST_EXISTS);
  if (exists && g_file_get_contents (target, &existing, &existing_length, NULL) &&
      existing_length == length && memcmp (existing, contents, length) == 0)
    {
      counts->n_unchanged++;
      return;
    }

  /* A different file in its place is replaced atomically, never in part. */
  if (!g_file_set_contents (target, contents, length, &error))
    {
      print_file_problem (source, error->message);
      counts->n_failed++;
      return;
    }
  if (exists)
    counts->n_updated++;
  else
    counts->n_new++;
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The *.txt files of @folder (any case), in name order; NULL with a
 * message when the folder cannot be read. */
static GPtrArray *
list_articles (const char *folder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &error);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      kbd_cli_print_error (error->message);
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.' && is_reference_file_name (name))
      g_ptr_array_add (files, g_build_filename (folder, name, NULL));
  g_ptr_array_sort (files, compare_strings);
  return g_steal_pointer (&files);
}

/* Imports the articles of @folder into the user's article folder; returns
 * FALSE when the folder itself could not be imported. */
static gboolean
import_folder (const char   *folder,
               GCancellable *cancellable,
               ImportCounts *counts)
{
  g_autofree char *absolute = g_canonicalize_filename (folder, NULL);
  g_autofree char *name = g_path_get_basename (absolute);
  g_autofree char *target_dir = NULL;
  g_autoptr(GPtrArray) files = NULL;

  if (!g_file_test (absolute, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *shown = g_filename_display_name (folder);
      g_autofree char *message = g_strdup_printf (_("%s: not a folder"), shown);

      kbd_cli_print_error (message);
      return FALSE;
    }
  if (g_str_equal (name, G_DIR_SEPARATOR_S))
    {
      kbd_cli_print_error (_("the root folder cannot be imported: give a folder of articles"));
      return FALSE;
    }

  files = list_articles (absolute);
  if (files == NULL)
    return FALSE;
  if (files->len == 0)
    {
      g_autofree char *shown = g_filename_display_name (folder);
      g_autofree char *message = g_strdup_printf (_("%s: no article files (*.TXT) in the folder"), shown);

      kbd_cli_print_error (message);
      return FALSE;
    }

  target_dir = g_build_filename (g_get_user_data_dir (), "kbdecide", "kb", name, NULL);
  if (g_mkdir_with_parents (target_dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *shown = g_filename_display_name (target_dir);
      g_autofree char *message = g_strdup_printf (_("%s: cannot create the folder: %s"), shown,
                                                  g_strerror (saved_errno));

      kbd_cli_print_error (message);
      return FALSE;
    }

  for (guint i = 0; i < files->len; i++)
    {
      /* Ctrl-C is seen between two files; each copy is whole or absent. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (g_cancellable_is_cancelled (cancellable))
        return TRUE;
      import_file (g_ptr_array_index (files, i), target_dir, counts);
    }
  return TRUE;
}

int
kbd_cli_command_import (KbdCli  *cli,
                        int      argc,
                        char   **argv)
{
  g_auto(GStrv) kb_dirs = NULL;
  g_autofree char *index_file = NULL;
  const GOptionEntry entries[] = {
    KBD_CLI_KB_DIR_ENTRY (kb_dirs),
    KBD_CLI_INDEX_ENTRY (index_file),
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("FOLDER…"),
                             _("Import folders of classic plain-text KB articles into your article folder and index them."),
                             entries);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(KbdIndex) index = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) folders = NULL;
  ImportCounts counts = { 0 };
  gboolean folder_failed = FALSE;
  g_autofree char *imported = NULL;
  g_autofree char *held = NULL;
  guint n_imported;
  guint interrupt;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  cli->kb_dirs = kb_dirs;

  if (argc < 2)
    {
      kbd_cli_print_error (_("import needs at least one folder"));
      return KBD_CLI_EXIT_USAGE;
    }

  index = open_index (index_file, &exit_code);
  if (index == NULL)
    return exit_code;

  interrupt = g_unix_signal_add (SIGINT, interrupted_cb, cancellable);
  for (int i = 1; i < argc && !g_cancellable_is_cancelled (cancellable); i++)
    if (!import_folder (argv[i], cancellable, &counts))
      folder_failed = TRUE;

  /* The whole search path, which holds the imported folders: the index
   * holds exactly the folders it is updated with. */
  folders = dup_search_path (cli);
  if (!g_cancellable_is_cancelled (cancellable) &&
      !update_index (index, (const char *const *) folders, cancellable, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_source_remove (interrupt);
          kbd_cli_print_error (error->message);
          return KBD_CLI_EXIT_FAILED;
        }
    }
  g_source_remove (interrupt);

  n_imported = counts.n_new + counts.n_updated + counts.n_unchanged;
  imported = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Imported %u article (%u new, %u updated, %u failed).",
                                           "Imported %u articles (%u new, %u updated, %u failed).",
                                           n_imported),
                              n_imported, counts.n_new, counts.n_updated, counts.n_failed);
  held = dup_index_size_sentence (index);
  g_print ("%s %s\n", imported, held);

  if (g_cancellable_is_cancelled (cancellable))
    {
      kbd_cli_print_error (_("interrupted; the articles copied and indexed so far are kept"));
      return KBD_CLI_EXIT_FAILED;
    }
  return counts.n_failed > 0 || folder_failed ? KBD_CLI_EXIT_FAILED : KBD_CLI_EXIT_OK;
}

/* index ------------------------------------------------------------------------- */

/* The database and its WAL and shared-memory files. */
static guint64
size_on_disk (const char *file)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };
  guint64 size = 0;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (file, suffixes[i], NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0)
        size += st.st_size;
    }
  return size;
}

static gboolean
delete_index (const char  *file)
{
  static const char *const suffixes[] = { "-wal", "-shm", "" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (file, suffixes[i], NULL);

      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;
          g_autofree char *shown = g_filename_display_name (path);
          g_autofree char *message = g_strdup_printf (_("%s: cannot delete the index: %s"), shown,
                                                      g_strerror (saved_errno));

          kbd_cli_print_error (message);
          return FALSE;
        }
    }
  return TRUE;
}

static void
print_stats_json (KbdIndex *index)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *const *problems = kbd_index_get_problems (index);
  guint added, changed, removed, unchanged, hashed;
  gint64 n_trees, n_references;

  kbd_index_get_last_update_stats (index, &added, &changed, &removed, &unchanged, &hashed);
  n_trees = kbd_index_count_articles (index, KBD_INDEX_KIND_DECISION_TREE);
  n_references = kbd_index_count_articles (index, KBD_INDEX_KIND_REFERENCE);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, kbd_index_get_filename (index));
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, size_on_disk (kbd_index_get_filename (index)));
  json_builder_set_member_name (builder, "articles");
  json_builder_add_int_value (builder, kbd_index_get_n_articles (index));
  json_builder_set_member_name (builder, "trees");
  json_builder_add_int_value (builder, n_trees);
  json_builder_set_member_name (builder, "references");
  json_builder_add_int_value (builder, n_references);
  json_builder_set_member_name (builder, "last_update");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "added");
  json_builder_add_int_value (builder, added);
  json_builder_set_member_name (builder, "changed");
  json_builder_add_int_value (builder, changed);
  json_builder_set_member_name (builder, "removed");
  json_builder_add_int_value (builder, removed);
  json_builder_set_member_name (builder, "unchanged");
  json_builder_add_int_value (builder, unchanged);
  json_builder_set_member_name (builder, "hashed");
  json_builder_add_int_value (builder, hashed);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  for (guint i = 0; problems[i] != NULL; i++)
    json_builder_add_string_value (builder, problems[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  kbd_cli_print_json (builder);
}

static void
print_stats (KbdIndex *index)
{
  const char *const *problems = kbd_index_get_problems (index);
  g_autofree char *size = g_format_size (size_on_disk (kbd_index_get_filename (index)));
  g_autofree char *file = g_filename_display_name (kbd_index_get_filename (index));
  guint added, changed, removed, unchanged;
  gint64 n_trees, n_references;

  kbd_index_get_last_update_stats (index, &added, &changed, &removed, &unchanged, NULL);
  n_trees = kbd_index_count_articles (index, KBD_INDEX_KIND_DECISION_TREE);
  n_references = kbd_index_count_articles (index, KBD_INDEX_KIND_REFERENCE);

  g_print (_("Index file: %s\n"), file);
  g_print (_("Size on disk: %s\n"), size);
  g_print (_("Articles: %u\n"), kbd_index_get_n_articles (index));
  g_print (_("  Troubleshooters: %lld\n"), (long long) n_trees);
  g_print (_("  Reference articles: %lld\n"), (long long) n_references);
  g_print (_("Last update: %u added, %u changed, %u removed, %u unchanged\n"),
           added, changed, removed, unchanged);
  g_print (_("Problems: %u\n"), g_strv_length ((char **) problems));
  for (guint i = 0; problems[i] != NULL; i++)
    g_print ("  %s\n", problems[i]);
}

int
kbd_cli_command_index (KbdCli  *cli,
                       int      argc,
                       char   **argv)
{
  g_auto(GStrv) kb_dirs = NULL;
  g_autofree char *index_file = NULL;
  gboolean rebuild = FALSE;
  gboolean stats = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "rebuild", 0, 0, G_OPTION_ARG_NONE, &rebuild, N_("Delete the index and build it again from nothing"), NULL },
    { "stats", 0, 0, G_OPTION_ARG_NONE, &stats, N_("Print what the index holds and what the update did"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the statistics as JSON"), NULL },
    KBD_CLI_KB_DIR_ENTRY (kb_dirs),
    KBD_CLI_INDEX_ENTRY (index_file),
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (NULL, _("Bring the search index up to date with the articles on the search path."),
                             entries);
  g_autoptr(KbdIndex) index = NULL;
  const char *const *problems;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  cli->kb_dirs = kb_dirs;

  if (argc != 1)
    {
      kbd_cli_print_error (_("index takes no arguments"));
      return KBD_CLI_EXIT_USAGE;
    }

  index = open_index (index_file, &exit_code);
  if (index == NULL)
    return exit_code;

  if (rebuild)
    {
      /* The library resolves the default file; close it before deleting. */
      g_autofree char *file = g_strdup (kbd_index_get_filename (index));

      g_clear_object (&index);
      if (!delete_index (file))
        return KBD_CLI_EXIT_FAILED;
      index = open_index (file, &exit_code);
      if (index == NULL)
        return exit_code;
    }

  if (!update_search_path (cli, index))
    return KBD_CLI_EXIT_FAILED;

  problems = kbd_index_get_problems (index);
  if (json)
    print_stats_json (index);
  else if (stats)
    print_stats (index);
  else
    {
      guint added, changed, removed, unchanged;
      g_autofree char *done = NULL;
      g_autofree char *held = dup_index_size_sentence (index);

      kbd_index_get_last_update_stats (index, &added, &changed, &removed, &unchanged, NULL);
      done = g_strdup_printf (_("Index updated: %u added, %u changed, %u removed, %u unchanged."),
                              added, changed, removed, unchanged);
      g_print ("%s %s\n", done, held);
      for (guint i = 0; problems[i] != NULL; i++)
        kbd_cli_print_error (problems[i]);
    }

  return problems[0] != NULL ? KBD_CLI_EXIT_FAILED : KBD_CLI_EXIT_OK;
}
