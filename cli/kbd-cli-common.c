/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
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
const char kbd_cli_language_help[] =
  N_("Article language such as “de” (default: yours; “C”: the original)");
const char kbd_cli_language_arg[] = N_("LANGUAGE");
const char kbd_cli_kb_dir_help[] = N_("Also look for articles in DIR");
const char kbd_cli_kb_dir_arg[] = N_("DIR");
const char kbd_cli_index_help[] =
  N_("Use FILE as the search index (default: $XDG_CACHE_HOME/kbdecide/index.db)");
const char kbd_cli_index_arg[] = N_("FILE");

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
      return NULL;
    }

  /* In the language asked for, or the user's, where a translation exists. */
  {
    const char *one[] = { cli->language, NULL };
    g_autoptr(GPtrArray) diagnostics = NULL;
    KbdArticle *shown = kbd_article_new_for_languages (article, cli->language != NULL ? one : NULL,
                                                       &diagnostics);

    for (guint i = 0; i < diagnostics->len; i++)
      {
        KbdDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);

        /* Untranslated strings are for translators (validate --lang);
         * a translation that cannot be read at all is worth a word. */
        if (g_str_equal (kbd_diagnostic_get_code (diagnostic), "translation-unreadable"))
          kbd_cli_print_error (kbd_diagnostic_get_message (diagnostic));
      }
    g_object_unref (article);
    article = shown;
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

/* Terminal width, or 0 when output is not a terminal (then nothing is
 * wrapped, so scripts see one line per paragraph). */
guint
kbd_cli_terminal_width (void)
{
  struct winsize size;

  if (isatty (STDOUT_FILENO) && ioctl (STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20)
    return size.ws_col;
  return 0;
}

/* The width of @text on a terminal: escape sequences take none, wide
 * characters two columns. */
static guint
visible_width (const char *text,
               gsize       len)
{
  const char *end = text + len;
  guint width = 0;

  for (const char *p = text; p < end && *p != '\0';)
    {
      gunichar ch;

      if (*p == '\033')
        {
          while (p < end && *p != 'm' && *p != '\0')
            p++;
          if (p < end && *p == 'm')
            p++;
          continue;
        }
      ch = g_utf8_get_char (p);
      width += g_unichar_iswide (ch) ? 2 : g_unichar_iszerowidth (ch) ? 0 : 1;
      p = g_utf8_next_char (p);
    }
  return width;
}

static void
print_paragraph (guint       width,
                 const char *first_prefix,
                 const char *rest_prefix,
                 const char *text)
{
  const char *prefix = first_prefix;
  const char *p = text;
  guint column;

  g_print ("%s", prefix);
  column = visible_width (prefix, strlen (prefix));

  while (*p != '\0')
    {
      const char *word = p;
      guint word_width;

      while (*p != '\0' && *p != ' ')
        p++;
      word_width = visible_width (word, p - word);

      if (width > 0 && column > visible_width (prefix, strlen (prefix)) &&
          column + 1 + word_width > width)
        {
          prefix = rest_prefix;
          g_print ("\n%s", prefix);
          column = visible_width (prefix, strlen (prefix));
        }
      else if (word != text)
        {
          g_print (" ");
          column++;
        }

      g_print ("%.*s", (int) (p - word), word);
      column += word_width;

      while (*p == ' ')
        p++;
    }
  g_print ("\n");
}

void
kbd_cli_print_wrapped (KbdCli     *cli,
                       const char *first_prefix,
                       const char *rest_prefix,
                       const char *text)
{
  g_auto(GStrv) paragraphs = g_strsplit (text, "\n", -1);

  for (guint i = 0; paragraphs[i] != NULL; i++)
    print_paragraph (cli->width, i == 0 ? first_prefix : rest_prefix, rest_prefix, paragraphs[i]);
}
