/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kbd-cli.h"

static void
print_heading (KbdCli     *cli,
               guint       position,
               const char *title)
{
  g_autofree char *prefix = g_strdup_printf ("%s[%u]%s %s", kbd_cli_style (cli, DIM), position,
                                             kbd_cli_style (cli, RESET), kbd_cli_style (cli, BOLD));
  g_autofree char *text = g_strconcat (title, kbd_cli_style (cli, RESET), NULL);

  kbd_cli_print_wrapped (cli, prefix, "    ", text);
}

static void
print_node (KbdCli     *cli,
            KbdSession *session)
{
  KbdNode *node = kbd_session_get_current_node (session);
  guint position = g_list_model_get_n_items (kbd_session_get_path (session));

  g_print ("\n");

  switch (kbd_node_get_kind (node))
    {
    case KBD_NODE_QUESTION:
      {
        g_autofree char *prompt = kbd_cli_render (cli, kbd_node_get_prompt (node));
        KbdAnswer *const *answers;
        guint n;

        print_heading (cli, position, prompt);
        if (kbd_node_get_help (node) != NULL)
          {
            g_autofree char *help = kbd_cli_render (cli, kbd_node_get_help (node));
            kbd_cli_print_wrapped (cli, "", "", help);
          }
        g_print ("\n");
        answers = kbd_node_get_answers (node, &n);
        for (guint i = 0; i < n; i++)
          {
            g_autofree char *label = kbd_cli_render (cli, kbd_answer_get_label (answers[i]));
            g_autofree char *number = g_strdup_printf ("  %u) ", i + 1);
            kbd_cli_print_wrapped (cli, number, "     ", label);
          }
      }
      break;

    case KBD_NODE_PROCEDURE:
      {
        g_autofree char *title = kbd_cli_render (cli, kbd_node_get_title (node));
        KbdStep *const *steps;
        guint n;

        print_heading (cli, position, title);
        if (kbd_node_get_intro (node) != NULL)
          {
            g_autofree char *intro = kbd_cli_render (cli, kbd_node_get_intro (node));
            kbd_cli_print_wrapped (cli, "", "", intro);
          }
        g_print ("\n");

        steps = kbd_node_get_steps (node, &n);
        for (guint i = 0; i < n; i++)
          {
            g_autofree char *text = kbd_cli_render (cli, kbd_step_get_text (steps[i]));
            g_autofree char *marker = g_strdup_printf ("  %s %2u. ",
                                                       kbd_session_is_step_done (session, kbd_step_get_id (steps[i]))
                                                         ? "[x]" : "[ ]", i + 1);
            KbdStep *const *substeps;
            KbdCallout *const *callouts;
            guint n_sub, n_callouts;

            kbd_cli_print_wrapped (cli, marker, "          ", text);

            substeps = kbd_step_get_substeps (steps[i], &n_sub);
            for (guint k = 0; k < n_sub; k++)
              {
                g_autofree char *sub = kbd_cli_render (cli, kbd_step_get_text (substeps[k]));
                kbd_cli_print_wrapped (cli, "          - ", "            ", sub);
              }

            callouts = kbd_step_get_callouts (steps[i], &n_callouts);
            for (guint k = 0; k < n_callouts; k++)
              {
                g_autofree char *callout = kbd_cli_render (cli, kbd_callout_get_text (callouts[k]));
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
                {
                  /* Translators: a callout's kind before its text, e.g. "Warning:" */
                  g_autofree char *prefix = g_strdup_printf (_("          %s%s:%s "), kbd_cli_style (cli, color),
                                                             label, kbd_cli_style (cli, RESET));
                  kbd_cli_print_wrapped (cli, prefix, "            ", callout);
                }
              }
          }
      }
      break;

    case KBD_NODE_OUTCOME:
      {
        g_autofree char *title = kbd_cli_render (cli, kbd_node_get_title (node));
        g_autofree char *text = kbd_cli_render (cli, kbd_node_get_text (node));
        const char *color = kbd_node_get_result (node) == KBD_OUTCOME_RESOLVED ? GREEN
                            : kbd_node_get_result (node) == KBD_OUTCOME_ESCALATE ? RED : YELLOW;

        g_autofree char *styled = g_strconcat (kbd_cli_style (cli, BOLD), kbd_cli_style (cli, color),
                                               title, kbd_cli_style (cli, RESET), NULL);

        kbd_cli_print_wrapped (cli, "", "", styled);
        kbd_cli_print_wrapped (cli, "", "", text);
        if (kbd_node_get_result (node) == KBD_OUTCOME_ESCALATE)
          {
            g_autofree char *summary = kbd_session_build_summary (session, KBD_TEXT_FORMAT_PLAIN);
            g_auto(GStrv) lines = g_strsplit (summary, "\n", -1);

            g_print ("\n%s%s%s\n", kbd_cli_style (cli, BOLD), _("Hand-over summary"), kbd_cli_style (cli, RESET));

            g_print ("----------------------------------------\n");
            for (guint i = 0; lines[i] != NULL; i++)
              if (lines[i][0] != '\0' || lines[i + 1] != NULL)
                kbd_cli_print_wrapped (cli, "", "    ", lines[i]);
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

int
kbd_cli_run_interactive (KbdCli     *cli,
                 KbdSession *session)
{
  KbdArticle *article = kbd_session_get_article (session);
  g_autofree char *title = kbd_cli_render (cli, kbd_article_get_title (article));
  g_autofree char *summary = kbd_cli_render (cli, kbd_article_get_summary (article));

  g_autofree char *heading = g_strdup_printf ("%s%s: %s%s", kbd_cli_style (cli, BOLD),
                                              kbd_article_get_id (article), title,
                                              kbd_cli_style (cli, RESET));

  kbd_cli_print_wrapped (cli, "", "", heading);
  kbd_cli_print_wrapped (cli, "", "", summary);

  for (;;)
    {
      KbdNode *node = kbd_session_get_current_node (session);
      g_autofree char *line = NULL;
      g_autoptr(GError) error = NULL;
      char *command;

      print_node (cli, session);
      if (kbd_session_get_finished (session))
        return KBD_CLI_EXIT_OK;

      g_print ("\n");
      if (kbd_node_get_kind (node) == KBD_NODE_QUESTION)
        {
          g_autofree char *prompt = NULL;
          guint n;

          kbd_node_get_answers (node, &n);
          prompt = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 /* Translators: %u is the number of answers (here 1) */
                                                 "Answer %u, or b back, r restart, n note, q quit: ",
                                                 "Answer 1–%u, or b back, r restart, n note, q quit: ",
                                                 n), n);
          line = read_line (prompt);
        }
      else
        line = read_line (_("Enter to continue, d N to tick step N, b back, r restart, n note, q quit: "));

      if (line == NULL)
        {
          g_print ("\n");
          return KBD_CLI_EXIT_UNFINISHED;
        }

      command = g_strstrip (line);
      if (g_str_equal (command, "q"))
        return KBD_CLI_EXIT_UNFINISHED;
      else if (g_str_equal (command, "b"))
        {
          if (!kbd_session_back (session, &error))
            kbd_cli_print_error (error->message);
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
                kbd_cli_print_error (error->message);
            }
        }
      else if (kbd_node_get_kind (node) == KBD_NODE_PROCEDURE && command[0] == 'd')
        {
          guint64 number = 0;
          guint n;
          KbdStep *const *steps = kbd_node_get_steps (node, &n);

          if (!g_ascii_string_to_unsigned (g_strstrip (command + 1), 10, 1, n, &number, NULL))
            kbd_cli_print_error (_("Write d and a step number, e.g. d 1"));
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
            kbd_cli_print_error (error->message);
        }
      else if (kbd_node_get_kind (node) == KBD_NODE_QUESTION)
        {
          guint64 number = 0;

          if (g_ascii_string_to_unsigned (command, 10, 1, G_MAXUINT, &number, NULL))
            {
              if (!kbd_session_choose_index (session, (guint) number - 1, &error))
                kbd_cli_print_error (error->message);
            }
          else if (!kbd_session_choose (session, command, &error))
            kbd_cli_print_error (error->message);
        }
      else
        kbd_cli_print_error (_("Unknown command"));
    }
}

static void
print_path (KbdCli     *cli,
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

const char *
kbd_cli_outcome_name (KbdOutcomeResult result)
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
run_scripted (KbdCli     *cli,
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
              kbd_cli_print_error (error->message);
              return KBD_CLI_EXIT_FAILED;
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
          kbd_cli_print_error (message);
          return KBD_CLI_EXIT_UNFINISHED;
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
            kbd_cli_print_error (error->message);
            return KBD_CLI_EXIT_FAILED;
          }
      }
    }

  print_path (cli, session);
  {
    g_autofree char *title = kbd_text_render (kbd_node_get_title (node), KBD_TEXT_FORMAT_PLAIN);

    g_print (_("Outcome: %s (%s): %s\n"), kbd_cli_outcome_name (kbd_node_get_result (node)),
             kbd_node_get_id (node), title);
  }
  if (kbd_node_get_result (node) == KBD_OUTCOME_ESCALATE)
    {
      g_autofree char *contact = kbd_text_render (kbd_node_get_contact (node), KBD_TEXT_FORMAT_PLAIN);
      g_print (_("Escalate to: %s\n"), contact);
    }

  if (answers[next] != NULL)
    {
      kbd_cli_print_error (_("more answers were given than the walk needed"));
      return KBD_CLI_EXIT_FAILED;
    }

  return KBD_CLI_EXIT_OK;
}

int
kbd_cli_command_run (KbdCli   *cli,
             int    argc,
             char **argv)
{
  g_autofree char *answers = NULL;
  g_autofree char *technician = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *db = NULL;
  gboolean no_history = FALSE;
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
    KBD_CLI_LANGUAGE_ENTRY (cli),
    { "no-history", 0, 0, G_OPTION_ARG_NONE, &no_history,
      N_("Do not record the session in the history"), NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      N_("Record into this history database (default: $KBDECIDE_HISTORY or $XDG_DATA_HOME/kbdecide/history.db)"),
      N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("ARTICLE|FILE"), _("Walk an article in the terminal."), entries);
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(KbdSession) session = NULL;
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  cli->kb_dirs = kb_dirs;

  if (argc != 2)
    {
      kbd_cli_print_error (_("run needs one article id or file"));
      return KBD_CLI_EXIT_USAGE;
    }

  article = kbd_cli_open_article (cli, argv[1], &exit_code);
  if (article == NULL)
    return exit_code;

  if (!no_history)
    {
      if (db == NULL && g_getenv ("KBDECIDE_HISTORY") != NULL)
        db = g_strdup (g_getenv ("KBDECIDE_HISTORY"));
      history = kbd_history_new (db, &error);
      if (history == NULL)
        {
          /* The walk matters more than its record: say so, and go on. */
          kbd_cli_print_error (error->message);
          g_clear_error (&error);
        }
      else if (kbd_history_get_notice (history) != NULL)
        kbd_cli_print_error (kbd_history_get_notice (history));
    }

  session = kbd_session_new (article, technician, ticket);
  if (history != NULL && !kbd_history_get_read_only (history))
    kbd_history_attach (history, session);

  if (answers != NULL)
    exit_code = run_scripted (cli, session, answers);
  else
    exit_code = kbd_cli_run_interactive (cli, session);

  if (history != NULL && !kbd_history_get_read_only (history))
    {
      if (!kbd_history_flush (history, &error))
        {
          kbd_cli_print_error (error->message);
          return KBD_CLI_EXIT_FAILED;
        }
      if (answers == NULL)
        g_print (_("Session %s saved in the history.\n"), kbd_session_get_uuid (session));
    }
  return exit_code;
}
