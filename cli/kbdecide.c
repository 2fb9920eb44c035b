/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kbdecide.h"

/* Exit codes, documented in the manual and in --help. */
enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,        /* errors in an article, or an operation failed */
  EXIT_USAGE = 2,         /* bad command line */
  EXIT_NOT_LOADED = 3,    /* the article could not be found or loaded */
  EXIT_UNFINISHED = 4,    /* run: the session ended before an outcome */
};

typedef struct
{
  gboolean color;
  char **kb_dirs;
} Cli;

static void
print_error (const char *message)
{
  g_autofree char *one_line = g_strdup (message);

  /* Errors are one line each on stderr. */
  g_strdelimit (one_line, "\n\r", ' ');
  g_printerr ("kbdecide: %s\n", one_line);
}

static gboolean
use_color (void)
{
  const char *term = g_getenv ("TERM");

  return isatty (STDOUT_FILENO) && g_getenv ("NO_COLOR") == NULL &&
         term != NULL && !g_str_equal (term, "dumb");
}

static char *
render (Cli        *cli,
        const char *text)
{
  return kbd_text_render (text, cli->color ? KBD_TEXT_FORMAT_ANSI : KBD_TEXT_FORMAT_PLAIN);
}

static const char *
style (Cli        *cli,
       const char *code)
{
  return cli->color ? code : "";
}

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"
#define YELLOW "\033[33m"
#define RED "\033[31m"
#define GREEN "\033[32m"

static KbdCatalog *
make_catalog (Cli *cli)
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
static KbdArticle *
open_article (Cli        *cli,
              const char *arg,
              int        *exit_code)
{
  g_autoptr(GError) error = NULL;
  KbdArticle *article;

  if (looks_like_file (arg))
    article = kbd_article_new_from_file (arg, KBD_LOAD_FLAGS_NONE, &error);
  else
    {
      g_autoptr(KbdCatalog) catalog = make_catalog (cli);
      article = kbd_catalog_load (catalog, arg, &error);
    }

  if (article == NULL)
    {
      print_error (error->message);
      *exit_code = EXIT_NOT_LOADED;
    }
  return article;
}

static GOptionContext *
command_context (const char         *parameters,
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

static gboolean
parse_options (GOptionContext *context,
               int            *argc,
               char         ***argv,
               int            *exit_code)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      print_error (error->message);
      *exit_code = EXIT_USAGE;
      return FALSE;
    }
  return TRUE;
}

/* run ---------------------------------------------------------------------- */

static void
print_node (Cli        *cli,
            KbdSession *session)
{
  KbdNode *node = kbd_session_get_current_node (session);
  guint position = g_list_model_get_n_items (kbd_session_get_path (session));

  g_print ("\n");

  switch (kbd_node_get_kind (node))
    {
    case KBD_NODE_QUESTION:
      {
        g_autofree char *prompt = render (cli, kbd_node_get_prompt (node));
        KbdAnswer *const *answers;
        guint n;

        /* Translators: %u is the position of the question in the path */
        g_print ("%s[%u]%s %s%s%s\n", style (cli, DIM), position, style (cli, RESET),
                 style (cli, BOLD), prompt, style (cli, RESET));
        if (kbd_node_get_help (node) != NULL)
          {
            g_autofree char *help = render (cli, kbd_node_get_help (node));
            g_print ("%s%s%s\n", style (cli, DIM), help, style (cli, RESET));
          }
        g_print ("\n");
        answers = kbd_node_get_answers (node, &n);
        for (guint i = 0; i < n; i++)
          {
            g_autofree char *label = render (cli, kbd_answer_get_label (answers[i]));
            g_print ("  %u) %s\n", i + 1, label);
          }
      }
      break;

    case KBD_NODE_PROCEDURE:
      {
        g_autofree char *title = render (cli, kbd_node_get_title (node));
        KbdStep *const *steps;
        guint n;

        g_print ("%s[%u]%s %s%s%s\n", style (cli, DIM), position, style (cli, RESET),
                 style (cli, BOLD), title, style (cli, RESET));
        if (kbd_node_get_intro (node) != NULL)
          {
            g_autofree char *intro = render (cli, kbd_node_get_intro (node));
            g_print ("%s\n", intro);
          }
        g_print ("\n");

        steps = kbd_node_get_steps (node, &n);
        for (guint i = 0; i < n; i++)
          {
            g_autofree char *text = render (cli, kbd_step_get_text (steps[i]));
            g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
            KbdStep *const *substeps;
            KbdCallout *const *callouts;
            guint n_sub, n_callouts;

            g_print ("  %s %2u. %s\n",
                     kbd_session_is_step_done (session, kbd_step_get_id (steps[i])) ? "[x]" : "[ ]",
                     i + 1, lines[0]);
            for (guint l = 1; lines[l] != NULL; l++)
              g_print ("          %s\n", lines[l]);

            substeps = kbd_step_get_substeps (steps[i], &n_sub);
            for (guint k = 0; k < n_sub; k++)
              {
                g_autofree char *sub = render (cli, kbd_step_get_text (substeps[k]));
                g_print ("          - %s\n", sub);
              }

            callouts = kbd_step_get_callouts (steps[i], &n_callouts);
            for (guint k = 0; k < n_callouts; k++)
              {
                g_autofree char *callout = render (cli, kbd_callout_get_text (callouts[k]));
                const char *label, *color;

                switch (kbd_callout_get_kind (callouts[k]))
                  {
                  case KBD_CALLOUT_WARNING:
                    label = _("Warning");
                    color = YELLOW;
                    break;
                  case KBD_CALLOUT_IMPORTANT:
                    label = _("Important");
                    color = RED;
                    break;
                  case KBD_CALLOUT_NOTE:
                  default:
                    label = _("Note");
                    color = DIM;
                    break;
                  }
                g_print ("          %s%s:%s %s\n", style (cli, color), label,
                         style (cli, RESET), callout);
              }
          }
      }
      break;

    case KBD_NODE_OUTCOME:
      {
        g_autofree char *title = render (cli, kbd_node_get_title (node));
        g_autofree char *text = render (cli, kbd_node_get_text (node));
        const char *color = kbd_node_get_result (node) == KBD_OUTCOME_RESOLVED ? GREEN
                            : kbd_node_get_result (node) == KBD_OUTCOME_ESCALATE ? RED : YELLOW;

        g_print ("%s%s%s%s\n%s\n", style (cli, BOLD), style (cli, color), title,
                 style (cli, RESET), text);
        if (kbd_node_get_result (node) == KBD_OUTCOME_ESCALATE)
          {
            g_autofree char *summary = kbd_session_build_summary (session, KBD_TEXT_FORMAT_PLAIN);

            g_print ("\n%s%s%s\n", style (cli, BOLD), _("Hand-over summary"), style (cli, RESET));
            g_print ("----------------------------------------\n%s", summary);
            g_print ("----------------------------------------\n");
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static char *
read_line (const char *prompt)
{
  char buffer[4096];
  gsize len;

  g_print ("%s", prompt);
  fflush (stdout);
  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    return NULL;
  len = strlen (buffer);
  while (len > 0 && (buffer[len - 1] == '\n' || buffer[len - 1] == '\r'))
    buffer[--len] = '\0';
  return g_utf8_make_valid (buffer, -1);
}

static int
run_interactive (Cli        *cli,
                 KbdSession *session)
{
  KbdArticle *article = kbd_session_get_article (session);
  g_autofree char *title = render (cli, kbd_article_get_title (article));
  g_autofree char *summary = render (cli, kbd_article_get_summary (article));

  g_print ("%s%s: %s%s\n%s\n", style (cli, BOLD), kbd_article_get_id (article), title,
           style (cli, RESET), summary);

  for (;;)
    {
      KbdNode *node = kbd_session_get_current_node (session);
      g_autofree char *line = NULL;
      g_autoptr(GError) error = NULL;
      char *command;

      print_node (cli, session);
      if (kbd_session_get_finished (session))
        return EXIT_OK;

      g_print ("\n");
      if (kbd_node_get_kind (node) == KBD_NODE_QUESTION)
        {
          g_autofree char *prompt = NULL;
          guint n;

          kbd_node_get_answers (node, &n);
          prompt = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "Answer 1, or b back, r restart, n note, q quit: ",
                                                 "Answer 1–%u, or b back, r restart, n note, q quit: ",
                                                 n), n);
          line = read_line (prompt);
        }
      else
        line = read_line (_("Enter to continue, d N to tick step N, b back, r restart, n note, q quit: "));

      if (line == NULL)
        {
          g_print ("\n");
          return EXIT_UNFINISHED;
        }

      command = g_strstrip (line);
      if (g_str_equal (command, "q"))
        return EXIT_UNFINISHED;
      else if (g_str_equal (command, "b"))
        {
          if (!kbd_session_back (session, &error))
            print_error (error->message);
        }
      else if (g_str_equal (command, "r"))
        kbd_session_restart (session);
      else if (g_str_equal (command, "n"))
        {
          g_autofree char *note = read_line (_("Note: "));

          if (note != NULL && *g_strstrip (note) != '\0')
            {
              if (kbd_session_add_note (session, note, &error))
                g_print ("%s\n", _("Note saved."));
              else
                print_error (error->message);
            }
        }
      else if (kbd_node_get_kind (node) == KBD_NODE_PROCEDURE && command[0] == 'd')
        {
          guint64 number = 0;
          guint n;
          KbdStep *const *steps = kbd_node_get_steps (node, &n);

          if (!g_ascii_string_to_unsigned (g_strstrip (command + 1), 10, 1, n, &number, NULL))
            print_error (_("Write d and a step number, e.g. d 1"));
          else
            {
              const char *step_id = kbd_step_get_id (steps[number - 1]);
              kbd_session_set_step_done (session, step_id,
                                         !kbd_session_is_step_done (session, step_id), NULL);
            }
        }
      else if (kbd_node_get_kind (node) == KBD_NODE_PROCEDURE &&
               (command[0] == '\0' || g_str_equal (command, "c")))
        {
          if (!kbd_session_advance (session, &error))
            print_error (error->message);
        }
      else if (kbd_node_get_kind (node) == KBD_NODE_QUESTION)
        {
          guint64 number = 0;

          if (g_ascii_string_to_unsigned (command, 10, 1, G_MAXUINT, &number, NULL))
            {
              if (!kbd_session_choose_index (session, (guint) number - 1, &error))
                print_error (error->message);
            }
          else if (!kbd_session_choose (session, command, &error))
            print_error (error->message);
        }
      else
        print_error (_("Unknown command"));
    }
}

static void
print_path (Cli        *cli,
            KbdSession *session)
{
  GListModel *path = kbd_session_get_path (session);
  guint n = g_list_model_get_n_items (path);

  g_print ("%s\n", _("Path:"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KbdVisit) visit = g_list_model_get_item (path, i);
      KbdNode *node = kbd_visit_get_node (visit);
      KbdAnswer *answer = kbd_visit_get_answer (visit);

      if (answer != NULL)
        {
          g_autofree char *label = kbd_text_render (kbd_answer_get_label (answer),
                                                    KBD_TEXT_FORMAT_PLAIN);
          g_print ("  %s → %s (%s)\n", kbd_node_get_id (node), kbd_answer_get_id (answer), label);
        }
      else
        g_print ("  %s\n", kbd_node_get_id (node));
    }
}

static const char *
outcome_name (KbdOutcomeResult result)
{
  switch (result)
    {
    case KBD_OUTCOME_RESOLVED:
      return "resolved";
    case KBD_OUTCOME_ESCALATE:
      return "escalate";
    case KBD_OUTCOME_NOT_APPLICABLE:
      return "not-applicable";
    case KBD_OUTCOME_NONE:
    default:
      return "none";
    }
}

static int
run_scripted (Cli        *cli,
              KbdSession *session,
              const char *answers_arg)
{
  g_auto(GStrv) answers = g_strsplit (answers_arg, ",", -1);
  guint next = 0;
  KbdNode *node;

  for (;;)
    {
      g_autoptr(GError) error = NULL;

      node = kbd_session_get_current_node (session);
      if (kbd_node_get_kind (node) == KBD_NODE_OUTCOME)
        break;

      if (kbd_node_get_kind (node) == KBD_NODE_PROCEDURE)
        {
          if (!kbd_session_advance (session, &error))
            {
              print_error (error->message);
              return EXIT_FAILED;
            }
          continue;
        }

      while (answers[next] != NULL && *g_strstrip (answers[next]) == '\0')
        next++;
      if (answers[next] == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("the answers ran out at the question “%s”"),
                                                      kbd_node_get_id (node));

          print_path (cli, session);
          print_error (message);
          return EXIT_UNFINISHED;
        }

      {
        const char *answer = answers[next++];
        guint64 number;
        gboolean ok;

        if (g_ascii_string_to_unsigned (answer, 10, 1, G_MAXUINT, &number, NULL))
          ok = kbd_session_choose_index (session, (guint) number - 1, &error);
        else
          ok = kbd_session_choose (session, answer, &error);

        if (!ok)
          {
            print_path (cli, session);
            print_error (error->message);
            return EXIT_FAILED;
          }
      }
    }

  print_path (cli, session);
  {
    g_autofree char *title = kbd_text_render (kbd_node_get_title (node), KBD_TEXT_FORMAT_PLAIN);

    g_print (_("Outcome: %s (%s): %s\n"), outcome_name (kbd_node_get_result (node)),
             kbd_node_get_id (node), title);
  }
  if (kbd_node_get_result (node) == KBD_OUTCOME_ESCALATE)
    {
      g_autofree char *contact = kbd_text_render (kbd_node_get_contact (node), KBD_TEXT_FORMAT_PLAIN);
      g_print (_("Escalate to: %s\n"), contact);
    }

  if (answers[next] != NULL)
    {
      print_error (_("more answers were given than the walk needed"));
      return EXIT_FAILED;
    }

  return EXIT_OK;
}

static int
command_run (Cli   *cli,
             int    argc,
             char **argv)
{
  g_autofree char *answers = NULL;
  g_autofree char *technician = NULL;
  g_autofree char *ticket = NULL;
  g_auto(GStrv) kb_dirs = NULL;
  const GOptionEntry entries[] = {
    { "answers", 'a', 0, G_OPTION_ARG_STRING, &answers,
      N_("Walk without asking: answer ids or numbers, comma-separated"), N_("A,B,…") },
    { "technician", 0, 0, G_OPTION_ARG_STRING, &technician,
      N_("Name of the technician"), N_("NAME") },
    { "ticket", 0, 0, G_OPTION_ARG_STRING, &ticket,
      N_("Ticket reference for the session"), N_("REF") },
    { "kb-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &kb_dirs,
      N_("Also look for articles in DIR"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    command_context (_("ARTICLE|FILE"), _("Walk an article in the terminal."), entries);
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(KbdSession) session = NULL;
  int exit_code = EXIT_OK;

  if (!parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  cli->kb_dirs = kb_dirs;

  if (argc != 2)
    {
      print_error (_("run needs one article id or file"));
      return EXIT_USAGE;
    }

  article = open_article (cli, argv[1], &exit_code);
  if (article == NULL)
    return exit_code;

  session = kbd_session_new (article, technician, ticket);
  if (answers != NULL)
    return run_scripted (cli, session, answers);
  return run_interactive (cli, session);
}

/* validate ----------------------------------------------------------------- */

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
command_validate (Cli   *cli,
                  int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the diagnostics as JSON"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print nothing for files without problems"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    command_context (_("FILE…"), _("Check article files and report every problem."), entries);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int exit_code = EXIT_OK;
  guint n_errors = 0, n_warnings = 0;

  if (!parse_options (context, &argc, &argv, &exit_code))
    return exit_code;

  if (argc < 2)
    {
      print_error (_("validate needs at least one file"));
      return EXIT_USAGE;
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
            add_diagnostic_json (builder, argv[i], is_error ? "error" : "warning",
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

  return n_errors > 0 ? EXIT_FAILED : EXIT_OK;
}

/* show, export, list ------------------------------------------------------- */

static int
command_show (Cli   *cli,
              int    argc,
              char **argv)
{
  g_auto(GStrv) kb_dirs = NULL;
  const GOptionEntry entries[] = {
    { "kb-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &kb_dirs,
      N_("Also look for articles in DIR"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    command_context (_("ARTICLE|FILE"), _("Print a whole article as readable text."), entries);
  g_autoptr(KbdArticle) article = NULL;
  g_autofree char *text = NULL;
  int exit_code = EXIT_OK;

  if (!parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  cli->kb_dirs = kb_dirs;

  if (argc != 2)
    {
      print_error (_("show needs one article id or file"));
      return EXIT_USAGE;
    }

  article = open_article (cli, argv[1], &exit_code);
  if (article == NULL)
    return exit_code;

  text = kbd_article_export (article, cli->color ? KBD_EXPORT_ANSI : KBD_EXPORT_TEXT);
  g_print ("%s", text);
  return EXIT_OK;
}

static int
command_export (Cli   *cli,
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
    { "kb-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &kb_dirs,
      N_("Also look for articles in DIR"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    command_context (_("ARTICLE|FILE"), _("Export an article as a graph or a document."), entries);
  g_autoptr(KbdArticle) article = NULL;
  g_autofree char *text = NULL;
  KbdExportFormat export_format;
  int exit_code = EXIT_OK;

  if (!parse_options (context, &argc, &argv, &exit_code))
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
      print_error (message);
      return EXIT_USAGE;
    }

  if (argc != 2)
    {
      print_error (_("export needs one article id or file"));
      return EXIT_USAGE;
    }

  article = open_article (cli, argv[1], &exit_code);
  if (article == NULL)
    return exit_code;

  text = kbd_article_export (article, export_format);
  if (output != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!g_file_set_contents (output, text, -1, &error))
        {
          print_error (error->message);
          return EXIT_FAILED;
        }
    }
  else
    g_print ("%s", text);
  return EXIT_OK;
}

static int
command_list (Cli   *cli,
              int    argc,
              char **argv)
{
  g_auto(GStrv) kb_dirs = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "kb-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &kb_dirs,
      N_("Also look for articles in DIR"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the list as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    command_context (NULL, _("List the articles on the search path."), entries);
  g_autoptr(KbdCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *problems;
  GListModel *entries_model;
  int exit_code = EXIT_OK;

  if (!parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  cli->kb_dirs = kb_dirs;

  if (argc != 1)
    {
      print_error (_("list takes no arguments"));
      return EXIT_USAGE;
    }

  catalog = make_catalog (cli);
  if (!kbd_catalog_scan (catalog, NULL, &error))
    {
      print_error (error->message);
      return EXIT_FAILED;
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

        g_print ("%s%-10s%s %s\n           %s%s%s\n", style (cli, BOLD),
                 kbd_catalog_entry_get_id (entry), style (cli, RESET), title,
                 style (cli, DIM), kbd_catalog_entry_get_products (entry), style (cli, RESET));
      }

  problems = kbd_catalog_get_problems (catalog);
  for (guint i = 0; problems[i] != NULL; i++)
    print_error (problems[i]);

  return problems[0] != NULL ? EXIT_FAILED : EXIT_OK;
}

/* main --------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  int (*func) (Cli *cli, int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "run", command_run, N_("Walk an article in the terminal") },
  { "validate", command_validate, N_("Check article files and report every problem") },
  { "show", command_show, N_("Print a whole article as readable text") },
  { "export", command_export, N_("Export an article as dot, mermaid, markdown, text or strings") },
  { "list", command_list, N_("List the articles on the search path") },
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
  Cli cli = { 0 };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  cli.color = use_color ();

  if (argc < 2)
    {
      print_usage (stderr);
      return EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return EXIT_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("kbdecide %s\n", PACKAGE_VERSION);
      return EXIT_OK;
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
    print_error (message);
  }
  print_usage (stderr);
  return EXIT_USAGE;
}
