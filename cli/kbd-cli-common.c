/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kbd-cli.h"

void
kbd_cli_print_error (const char *message)
{
  g_autofree char *one_line = g_strdup (message);

  /* Errors are one line each on stderr. */
  g_strdelimit (one_line, "\n\r", ' ');
  g_printerr ("kbdecide: %s\n", one_line);
}

gboolean
kbd_cli_use_color (void)
{
  const char *term = g_getenv ("TERM");

  return isatty (STDOUT_FILENO) && g_getenv ("NO_COLOR") == NULL &&
         term != NULL && !g_str_equal (term, "dumb");
}

char *
kbd_cli_render (KbdCli        *cli,
        const char *text)
{
  return kbd_text_render (text, cli->color ? KBD_TEXT_FORMAT_ANSI : KBD_TEXT_FORMAT_PLAIN);
}

const char *
kbd_cli_style (KbdCli        *cli,
       const char *code)
{
  return cli->color ? code : "";
}


KbdCatalog *
kbd_cli_make_catalog (KbdCli *cli)
{
  KbdCatalog *catalog = kbd_catalog_new ();

  if (cli->kb_dirs != NULL)
    for (guint i = 0; cli->kb_dirs[i] != NULL; i++)
      kbd_catalog_add_directory (catalog, cli->kb_dirs[i]);
  kbd_catalog_add_default_directories (catalog);
  return catalog;
}

static gboolean
looks_like_file (const char *arg)
{
  return strchr (arg, G_DIR_SEPARATOR) != NULL || g_str_has_suffix (arg, ".json") ||
         g_file_test (arg, G_FILE_TEST_EXISTS);
}

/* An argument is a file when it looks like one, otherwise an article id
 * looked up on the search path. */
KbdArticle *
kbd_cli_open_article (KbdCli        *cli,
              const char *arg,
              int        *exit_code)
{
  g_autoptr(GError) error = NULL;
  KbdArticle *article;

  if (looks_like_file (arg))
    article = kbd_article_new_from_file (arg, KBD_LOAD_FLAGS_NONE, &error);
  else
    {
      g_autoptr(KbdCatalog) catalog = kbd_cli_make_catalog (cli);
      article = kbd_catalog_load (catalog, arg, &error);
    }

  if (article == NULL)
    {
      kbd_cli_print_error (error->message);
      *exit_code = KBD_CLI_EXIT_NOT_LOADED;
    }
  return article;
}

GOptionContext *
kbd_cli_command_context (const char         *parameters,
                 const char         *summary,
                 const GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameters);

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

gboolean
kbd_cli_parse_options (GOptionContext *context,
               int            *argc,
               char         ***argv,
               int            *exit_code)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      kbd_cli_print_error (error->message);
      *exit_code = KBD_CLI_EXIT_USAGE;
      return FALSE;
    }
  return TRUE;
}

void
kbd_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}
