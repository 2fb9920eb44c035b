/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kbd-cli.h"

/* kbdecide i18n extract|update|stats: article translations as gettext PO
 * files next to the article (KB312395.json → KB312395.de.po). */

static void
print_i18n_usage (FILE *stream)
{
  fprintf (stream, "%s\n  kbdecide i18n %s\n\n%s\n", _("Usage:"), _("COMMAND [OPTION…] ARTICLE [TRANSLATION.po…]"),
           _("Commands:"));
  fprintf (stream, "  %-8s %s\n", "extract", _("Write the translation template (.pot) of an article"));
  fprintf (stream, "  %-8s %s\n", "update", _("Bring a translation (.po) up to date with its article"));
  fprintf (stream, "  %-8s %s\n", "stats", _("Count translated, stale, missing and unusable strings"));
}

static gboolean
write_output (const char *output,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  if (output == NULL || g_str_equal (output, "-"))
    {
      fputs (text, stdout);
      return TRUE;
    }
  if (!g_file_set_contents (output, text, -1, &error))
    {
      kbd_cli_print_error (error->message);
      return FALSE;
    }
  return TRUE;
}

/* The untranslated article: the translation commands work on the source. */
static KbdArticle *
open_source (KbdCli     *cli,
             const char *arg,
             int        *exit_code)
{
  g_autofree char *saved = g_steal_pointer (&cli->language);
  KbdArticle *article;

  cli->language = g_strdup ("C");
  article = kbd_cli_open_article (cli, arg, exit_code);
  g_free (cli->language);
  cli->language = g_steal_pointer (&saved);
  return article;
}

static int
i18n_extract (KbdCli  *cli,
              int      argc,
              char   **argv)
{
  g_autofree char *output = NULL;
  g_auto(GStrv) kb_dirs = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE instead of the standard output"), N_("FILE") },
    { "kb-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &kb_dirs, N_("Also look for articles in DIR"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("ARTICLE"), _("Write the translation template (.pot) of an article."), entries);
  g_autoptr(KbdArticle) article = NULL;
  g_autofree char *pot = NULL;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      kbd_cli_print_error (_("i18n extract needs one article"));
      return KBD_CLI_EXIT_USAGE;
    }
  cli->kb_dirs = kb_dirs;

  article = open_source (cli, argv[1], &exit_code);
  if (article == NULL)
    return exit_code;
  pot = kbd_article_extract_template (article);
  return write_output (output, pot) ? KBD_CLI_EXIT_OK : KBD_CLI_EXIT_FAILED;
}

static int
i18n_update (KbdCli  *cli,
             int      argc,
             char   **argv)
{
  g_autofree char *output = NULL;
  g_auto(GStrv) kb_dirs = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE instead of updating the translation in place"), N_("FILE") },
    { "kb-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &kb_dirs, N_("Also look for articles in DIR"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("ARTICLE TRANSLATION.po"),
                             _("Bring a translation up to date with its article: new strings are added "
                               "untranslated, changed ones are marked fuzzy, removed ones become obsolete."),
                             entries);
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GMappedFile) file = NULL;
  g_autofree char *updated = NULL;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 3)
    {
      kbd_cli_print_error (_("i18n update needs an article and its translation"));
      return KBD_CLI_EXIT_USAGE;
    }
  cli->kb_dirs = kb_dirs;

  article = open_source (cli, argv[1], &exit_code);
  if (article == NULL)
    return exit_code;

  file = g_mapped_file_new (argv[2], FALSE, &error);
  if (file == NULL)
    {
      kbd_cli_print_error (error->message);
      return KBD_CLI_EXIT_FAILED;
    }
  bytes = g_mapped_file_get_bytes (file);
  updated = kbd_article_update_translation (article, bytes, argv[2], &error);
  if (updated == NULL)
    {
      kbd_cli_print_error (error->message);
      return KBD_CLI_EXIT_FAILED;
    }
  return write_output (output != NULL ? output : argv[2], updated) ? KBD_CLI_EXIT_OK : KBD_CLI_EXIT_FAILED;
}

typedef struct
{
  guint total;
  guint missing;
  guint stale;
  guint invalid;
} Counts;

static void
count_string_cb (const char *string_id,
                 const char *text,
                 gpointer    user_data)
{
  ((Counts *) user_data)->total++;
}

/* The translations next to @article: KB312395.*.po. */
static GPtrArray *
find_translations (KbdArticle *article)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  const char *filename = kbd_article_get_filename (article);
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;

  if (filename == NULL)
    return found;
  dir = g_path_get_dirname (filename);
  base = g_path_get_basename (filename);
  if (g_str_has_suffix (base, ".json"))
    base[strlen (base) - strlen (".json")] = '\0';

  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, base) && name[strlen (base)] == '.' && g_str_has_suffix (name, ".po"))
      g_ptr_array_add (found, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (found, (GCompareFunc) g_strcmp0);
  return found;
}

static int
i18n_stats (KbdCli  *cli,
            int      argc,
            char   **argv)
{
  gboolean json = FALSE;
  g_auto(GStrv) kb_dirs = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the counts as JSON"), NULL },
    { "kb-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &kb_dirs, N_("Also look for articles in DIR"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("ARTICLE [TRANSLATION.po…]"),
                             _("Count translated, stale, missing and unusable strings of an article’s translations "
                               "(by default, every translation next to the article)."),
                             entries);
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    {
      kbd_cli_print_error (_("i18n stats needs an article"));
      return KBD_CLI_EXIT_USAGE;
    }
  cli->kb_dirs = kb_dirs;

  article = open_source (cli, argv[1], &exit_code);
  if (article == NULL)
    return exit_code;

  if (argc > 2)
    {
      files = g_ptr_array_new_with_free_func (g_free);
      for (int i = 2; i < argc; i++)
        g_ptr_array_add (files, g_strdup (argv[i]));
    }
  else
    files = find_translations (article);

  json_builder_begin_array (builder);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) diagnostics = NULL;
      g_autoptr(KbdArticle) translated = kbd_article_translate_file (article, path, &diagnostics, &error);
      Counts counts = { 0, };
      guint translated_count;

      if (translated == NULL)
        {
          kbd_cli_print_error (error->message);
          exit_code = KBD_CLI_EXIT_FAILED;
          continue;
        }
      kbd_article_foreach_string (article, count_string_cb, &counts);
      for (guint d = 0; d < diagnostics->len; d++)
        {
          const char *code = kbd_diagnostic_get_code (g_ptr_array_index (diagnostics, d));

          if (g_str_equal (code, "translation-missing"))
            counts.missing++;
          else if (g_str_equal (code, "translation-stale"))
            counts.stale++;
          else if (g_str_equal (code, "translation-invalid"))
            counts.invalid++;
        }
      translated_count = counts.total - counts.missing - counts.stale - counts.invalid;

      if (json)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "file");
          json_builder_add_string_value (builder, path);
          json_builder_set_member_name (builder, "language");
          json_builder_add_string_value (builder, kbd_article_get_language (translated));
          json_builder_set_member_name (builder, "strings");
          json_builder_add_int_value (builder, counts.total);
          json_builder_set_member_name (builder, "translated");
          json_builder_add_int_value (builder, translated_count);
          json_builder_set_member_name (builder, "stale");
          json_builder_add_int_value (builder, counts.stale);
          json_builder_set_member_name (builder, "missing");
          json_builder_add_int_value (builder, counts.missing);
          json_builder_set_member_name (builder, "invalid");
          json_builder_add_int_value (builder, counts.invalid);
          json_builder_end_object (builder);
        }
      else
        /* Translators: "de: 120 of 123 strings translated (97%), 2 stale, 1 missing, 0 unusable (KB312395.de.po)" */
        g_print (_("%s: %u of %u strings translated (%u%%), %u stale, %u missing, %u unusable (%s)\n"),
                 kbd_article_get_language (translated), translated_count, counts.total,
                 counts.total > 0 ? translated_count * 100 / counts.total : 100,
                 counts.stale, counts.missing, counts.invalid, path);
    }
  json_builder_end_array (builder);

  if (json)
    kbd_cli_print_json (builder);
  else if (files->len == 0)
    g_print (_("%s has no translations\n"), kbd_article_get_id (article));
  return exit_code;
}

int
kbd_cli_command_i18n (KbdCli  *cli,
                      int      argc,
                      char   **argv)
{
  const char *command;
  g_autofree char *program = NULL;

  if (argc < 2)
    {
      print_i18n_usage (stderr);
      return KBD_CLI_EXIT_USAGE;
    }
  command = argv[1];
  argc--;
  argv++;

  program = g_strdup_printf ("kbdecide i18n %s", command);
  g_set_prgname (program);

  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") || g_str_equal (command, "help"))
    {
      print_i18n_usage (stdout);
      return KBD_CLI_EXIT_OK;
    }
  if (g_str_equal (command, "extract"))
    return i18n_extract (cli, argc, argv);
  if (g_str_equal (command, "update"))
    return i18n_update (cli, argc, argv);
  if (g_str_equal (command, "stats"))
    return i18n_stats (cli, argc, argv);

  {
    g_autofree char *message = g_strdup_printf (_("unknown i18n command “%s”"), command);
    kbd_cli_print_error (message);
  }
  print_i18n_usage (stderr);
  return KBD_CLI_EXIT_USAGE;
}
