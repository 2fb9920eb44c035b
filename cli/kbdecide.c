/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kbd-cli.h"

static void
add_diagnostic_json (JsonBuilder   *builder,
                     const char    *file,
                     const char    *severity,
                     const char    *code,
                     const char    *node,
                     guint          line,
                     guint          column,
                     const char    *message)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, file);
  json_builder_set_member_name (builder, "severity");
  json_builder_add_string_value (builder, severity);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "node");
  if (node != NULL)
    json_builder_add_string_value (builder, node);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "line");
  json_builder_add_int_value (builder, line);
  json_builder_set_member_name (builder, "column");
  json_builder_add_int_value (builder, column);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
}

static int
command_validate (KbdCli  *cli,
                  int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  gboolean quiet = FALSE;
  g_autofree char *language = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the diagnostics as JSON"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print nothing for files without problems"), NULL },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &language,
      N_("Check the translation into LANGUAGE: missing, stale, unusable strings"),
      N_("LANGUAGE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("FILE…"), _("Check article files and report every problem."), entries);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int exit_code = KBD_CLI_EXIT_OK;
  guint n_errors = 0, n_warnings = 0;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;

  if (argc < 2)
    {
      kbd_cli_print_error (_("validate needs at least one file"));
      return KBD_CLI_EXIT_USAGE;
    }

  json_builder_begin_array (builder);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KbdArticle) article = kbd_article_new_from_file (argv[i], KBD_LOAD_FLAGS_NO_VALIDATE,
                                                                 &error);
      g_autoptr(GPtrArray) diagnostics = NULL;

      if (article == NULL)
        {
          GEnumClass *klass = g_type_class_ref (KBD_TYPE_ERROR);
          GEnumValue *value = error->domain == KBD_ERROR ? g_enum_get_value (klass, error->code) : NULL;

          n_errors++;
          if (json)
            add_diagnostic_json (builder, argv[i], "error", value ? value->value_nick : "failed",
                                 NULL, 0, 0, error->message);
          else
            {
              /* The message already starts with file:line:column. */
              const char *message = error->message;
              g_autofree char *prefix = g_strconcat (argv[i], ":", NULL);

              if (g_str_has_prefix (message, prefix))
                {
                  /* Put "error:" after the position like a compiler. */
                  const char *p = message + strlen (prefix);
                  const char *rest = p;
                  guint colons = 0;

                  while (*rest != '\0' && colons < 2 && g_ascii_isdigit (*rest))
                    {
                      while (g_ascii_isdigit (*rest))
                        rest++;
                      if (*rest == ':')
                        {
                          rest++;
                          colons++;
                        }
                    }
                  if (colons == 2)
                    g_print ("%.*s %s: %s [%s]\n", (int) (rest - message), message, _("error"),
                             g_strchug ((char *) rest), value ? value->value_nick : "failed");
                  else
                    g_print ("%s: %s: %s [%s]\n", argv[i], _("error"), p[0] == ' ' ? p + 1 : p,
                             value ? value->value_nick : "failed");
                }
              else
                g_print ("%s: %s: %s [%s]\n", argv[i], _("error"), message,
                         value ? value->value_nick : "failed");
            }
          g_type_class_unref (klass);
          continue;
        }

      if (language != NULL)
        {
          g_autofree char *po = kbd_article_find_translation (article, language);
          g_autoptr(KbdArticle) translated = NULL;

          if (po == NULL)
            {
              g_autofree char *message = g_strdup_printf (_("no translation into “%s” next to the article"),
                                                          language);
              n_errors++;
              if (json)
                add_diagnostic_json (builder, argv[i], "error", "translation-not-found", NULL, 0, 0, message);
              else
                g_print ("%s: %s: %s [%s]\n", argv[i], _("error"), message, "translation-not-found");
              continue;
            }
          translated = kbd_article_translate_file (article, po, &diagnostics, &error);
          if (translated == NULL)
            {
              n_errors++;
              if (json)
                add_diagnostic_json (builder, po, "error", "translation-unreadable", NULL, 0, 0, error->message);
              else
                g_print ("%s: %s [%s]\n", _("error"), error->message, "translation-unreadable");
              continue;
            }
        }
      else
        diagnostics = kbd_article_validate (article);

      for (guint d = 0; d < diagnostics->len; d++)
        {
          KbdDiagnostic *diagnostic = g_ptr_array_index (diagnostics, d);
          gboolean is_error = kbd_diagnostic_get_severity (diagnostic) == KBD_SEVERITY_ERROR;

          if (is_error)
            n_errors++;
          else
            n_warnings++;

          if (json)
            add_diagnostic_json (builder, kbd_diagnostic_get_file (diagnostic), is_error ? "error" : "warning",
                                 kbd_diagnostic_get_code (diagnostic),
                                 kbd_diagnostic_get_node_id (diagnostic),
                                 kbd_diagnostic_get_line (diagnostic),
                                 kbd_diagnostic_get_column (diagnostic),
                                 kbd_diagnostic_get_message (diagnostic));
          else
            {
              g_autofree char *text = kbd_diagnostic_to_string (diagnostic);
              g_print ("%s\n", text);
            }
        }

      if (!json && !quiet && diagnostics->len == 0)
        g_print (_("%s: OK (%s)\n"), argv[i], kbd_article_get_id (article));
    }

  json_builder_end_array (builder);

  if (json)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      g_autofree char *text = NULL;

      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }
  else if (n_errors > 0 || n_warnings > 0)
    {
      /* Translators: a summary like "2 errors, 1 warning" */
      g_autofree char *errors = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u error", "%u errors", n_errors), n_errors);
      g_autofree char *warnings = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u warning", "%u warnings", n_warnings), n_warnings);
      g_printerr (_("%s, %s\n"), errors, warnings);
    }

  return n_errors > 0 ? KBD_CLI_EXIT_FAILED : KBD_CLI_EXIT_OK;
}

/* show, export, list ------------------------------------------------------- */

static int
command_show (KbdCli  *cli,
              int    argc,
              char **argv)
{
  g_auto(GStrv) kb_dirs = NULL;
  g_autofree char *index_file = NULL;
  const GOptionEntry entries[] = {
    KBD_CLI_KB_DIR_ENTRY (kb_dirs),
    KBD_CLI_LANGUAGE_ENTRY (cli),
    KBD_CLI_INDEX_ENTRY (index_file),
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("ARTICLE|FILE"), _("Print a whole article as readable text."), entries);
  g_autoptr(KbdArticle) article = NULL;
  g_autofree char *text = NULL;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  cli->kb_dirs = kb_dirs;

  if (argc != 2)
    {
      kbd_cli_print_error (_("show needs one article id or file"));
      return KBD_CLI_EXIT_USAGE;
    }

  /* A reference article, by its file or through the search index. */
  exit_code = kbd_cli_show_reference (cli, argv[1], index_file);
  if (exit_code >= 0)
    return exit_code;
  exit_code = KBD_CLI_EXIT_OK;

  article = kbd_cli_open_article (cli, argv[1], &exit_code);
  if (article == NULL)
    return exit_code;

  text = kbd_article_export (article, cli->color ? KBD_EXPORT_ANSI : KBD_EXPORT_TEXT);
  g_print ("%s", text);
  return KBD_CLI_EXIT_OK;
}

static int
command_export (KbdCli  *cli,
                int    argc,
                char **argv)
{
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  g_auto(GStrv) kb_dirs = NULL;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format,
      N_("dot, mermaid, markdown, text or strings (default: markdown)"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write to FILE instead of standard output"), N_("FILE") },
    KBD_CLI_KB_DIR_ENTRY (kb_dirs),
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("ARTICLE|FILE"), _("Export an article as a graph or a document."), entries);
  g_autoptr(KbdArticle) article = NULL;
  g_autofree char *text = NULL;
  KbdExportFormat export_format;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  cli->kb_dirs = kb_dirs;

  if (format == NULL || g_str_equal (format, "markdown"))
    export_format = KBD_EXPORT_MARKDOWN;
  else if (g_str_equal (format, "dot"))
    export_format = KBD_EXPORT_DOT;
  else if (g_str_equal (format, "mermaid"))
    export_format = KBD_EXPORT_MERMAID;
  else if (g_str_equal (format, "text"))
    export_format = KBD_EXPORT_TEXT;
  else if (g_str_equal (format, "strings"))
    export_format = KBD_EXPORT_STRINGS;
  else
    {
      g_autofree char *message = g_strdup_printf (_("unknown format “%s”: use dot, mermaid, markdown, text or strings"), format);
      kbd_cli_print_error (message);
      return KBD_CLI_EXIT_USAGE;
    }

  if (argc != 2)
    {
      kbd_cli_print_error (_("export needs one article id or file"));
      return KBD_CLI_EXIT_USAGE;
    }

  article = kbd_cli_open_article (cli, argv[1], &exit_code);
  if (article == NULL)
    return exit_code;

  text = kbd_article_export (article, export_format);
  if (output != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!g_file_set_contents (output, text, -1, &error))
        {
          kbd_cli_print_error (error->message);
          return KBD_CLI_EXIT_FAILED;
        }
    }
  else
    g_print ("%s", text);
  return KBD_CLI_EXIT_OK;
}

static int
command_list (KbdCli  *cli,
              int    argc,
              char **argv)
{
  g_auto(GStrv) kb_dirs = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    KBD_CLI_KB_DIR_ENTRY (kb_dirs),
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the list as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (NULL, _("List the articles on the search path."), entries);
  g_autoptr(KbdCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *problems;
  GListModel *entries_model;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  cli->kb_dirs = kb_dirs;

  if (argc != 1)
    {
      kbd_cli_print_error (_("list takes no arguments"));
      return KBD_CLI_EXIT_USAGE;
    }

  catalog = kbd_cli_make_catalog (cli);
  if (!kbd_catalog_scan (catalog, NULL, &error))
    {
      kbd_cli_print_error (error->message);
      return KBD_CLI_EXIT_FAILED;
    }

  entries_model = kbd_catalog_get_entries (catalog);
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < g_list_model_get_n_items (entries_model); i++)
        {
          g_autoptr(KbdCatalogEntry) entry = g_list_model_get_item (entries_model, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, kbd_catalog_entry_get_id (entry));
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, kbd_catalog_entry_get_title (entry));
          json_builder_set_member_name (builder, "products");
          json_builder_add_string_value (builder, kbd_catalog_entry_get_products (entry));
          json_builder_set_member_name (builder, "file");
          json_builder_add_string_value (builder, kbd_catalog_entry_get_filename (entry));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }
  else
    for (guint i = 0; i < g_list_model_get_n_items (entries_model); i++)
      {
        g_autoptr(KbdCatalogEntry) entry = g_list_model_get_item (entries_model, i);
        g_autofree char *title = kbd_text_escape (kbd_catalog_entry_get_title (entry), KBD_TEXT_FORMAT_PLAIN);

        g_print ("%s%-10s%s %s\n           %s%s%s\n", kbd_cli_style (cli, BOLD),
                 kbd_catalog_entry_get_id (entry), kbd_cli_style (cli, RESET), title,
                 kbd_cli_style (cli, DIM), kbd_catalog_entry_get_products (entry), kbd_cli_style (cli, RESET));
      }

  problems = kbd_catalog_get_problems (catalog);
  for (guint i = 0; problems[i] != NULL; i++)
    kbd_cli_print_error (problems[i]);

  return problems[0] != NULL ? KBD_CLI_EXIT_FAILED : KBD_CLI_EXIT_OK;
}

/* main --------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  int (*func) (KbdCli *cli, int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "run", kbd_cli_command_run, N_("Walk an article in the terminal") },
  { "validate", command_validate, N_("Check article files and report every problem") },
  { "show", command_show, N_("Print a whole article as readable text") },
  { "export", command_export, N_("Export an article as dot, mermaid, markdown, text or strings") },
  { "list", command_list, N_("List the articles on the search path") },
  { "search", kbd_cli_command_search, N_("Find articles by words in the search index") },
  { "import", kbd_cli_command_import, N_("Import folders of classic plain-text KB articles") },
  { "index", kbd_cli_command_index, N_("Update, rebuild or describe the search index") },
  { "history", kbd_cli_command_history, N_("List, search, export, resume and delete recorded sessions") },
  { "i18n", kbd_cli_command_i18n, N_("Extract, update and count article translations") },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n  kbdecide %s\n\n%s\n", _("Usage:"), _("COMMAND [OPTION…] [ARGUMENT…]"),
           _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("“kbdecide COMMAND --help” describes a command."));
  fprintf (stream, "\n%s\n%s\n", _("Exit status:"),
           _("  0 success, 1 errors found or the command failed, 2 bad command line,\n"
             "  3 article not found or not loadable, 4 the session ended before an outcome"));
}

int
main (int    argc,
      char **argv)
{
  KbdCli cli = { 0 };

  setlocale (LC_ALL, "");
  /* KBDECIDE_LOCALEDIR: the build tree's catalogs, for tests and uninstalled runs. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KBDECIDE_LOCALEDIR") != NULL ? g_getenv ("KBDECIDE_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  cli.color = kbd_cli_use_color ();
  cli.width = kbd_cli_terminal_width ();

  if (argc < 2)
    {
      print_usage (stderr);
      return KBD_CLI_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return KBD_CLI_EXIT_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("kbdecide %s\n", PACKAGE_VERSION);
      return KBD_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        g_autofree char *program = g_strdup_printf ("kbdecide %s", commands[i].name);

        g_set_prgname (program);
        return commands[i].func (&cli, argc - 1, argv + 1);
      }

  {
    g_autofree char *message = g_strdup_printf (_("unknown command “%s”"), argv[1]);
    kbd_cli_print_error (message);
  }
  print_usage (stderr);
  return KBD_CLI_EXIT_USAGE;
}
