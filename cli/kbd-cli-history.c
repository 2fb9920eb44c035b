/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kbd-cli.h"

/* kbdecide history list|show|search|export|resume|stats|delete|backup */

static KbdHistory *
open_history (const char *db,
              int        *exit_code)
{
  g_autoptr(GError) error = NULL;
  KbdHistory *history = kbd_history_new (db, &error);

  if (history == NULL)
    {
      kbd_cli_print_error (error->message);
      *exit_code = KBD_CLI_EXIT_FAILED;
      return NULL;
    }
  if (kbd_history_get_notice (history) != NULL)
    kbd_cli_print_error (kbd_history_get_notice (history));
  return history;
}

/* Dates on the command line: YYYY-MM-DD (local midnight) or ISO 8601. */
static gboolean
parse_date (const char *text,
            gint64     *out)
{
  g_autoptr(GDateTime) time = NULL;

  if (strlen (text) == 10)
    {
      g_autofree char *iso = g_strconcat (text, "T00:00:00", NULL);
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();

      time = g_date_time_new_from_iso8601 (iso, local);
    }
  else
    time = g_date_time_new_from_iso8601 (text, NULL);

  if (time == NULL)
    return FALSE;
  *out = g_date_time_to_unix (time) * G_USEC_PER_SEC;
  return TRUE;
}

static char *
format_local (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

static const char *
outcome_word (KbdOutcomeResult outcome)
{
  switch (outcome)
    {
    case KBD_OUTCOME_RESOLVED:
      return _("resolved");
    case KBD_OUTCOME_ESCALATE:
      return _("escalated");
    case KBD_OUTCOME_NOT_APPLICABLE:
      return _("not applicable");
    case KBD_OUTCOME_NONE:
    default:
      return _("unfinished");
    }
}

static void
print_records (KbdCli    *cli,
               GPtrArray *records,
               gboolean   json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < records->len; i++)
        {
          KbdSessionRecord *record = g_ptr_array_index (records, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "session");
          json_builder_add_string_value (builder, kbd_session_record_get_uuid (record));
          json_builder_set_member_name (builder, "article");
          json_builder_add_string_value (builder, kbd_session_record_get_article_id (record));
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, kbd_session_record_get_article_title (record));
          json_builder_set_member_name (builder, "ticket");
          json_builder_add_string_value (builder, kbd_session_record_get_ticket (record));
          json_builder_set_member_name (builder, "technician");
          json_builder_add_string_value (builder, kbd_session_record_get_technician (record));
          json_builder_set_member_name (builder, "started_at");
          json_builder_add_int_value (builder, kbd_session_record_get_started_at (record));
          json_builder_set_member_name (builder, "outcome");
          json_builder_add_string_value (builder, kbd_cli_outcome_name (kbd_session_record_get_outcome (record)));
          json_builder_set_member_name (builder, "current_node");
          json_builder_add_string_value (builder, kbd_session_record_get_current_node (record));
          if (kbd_session_record_get_snippet (record) != NULL)
            {
              json_builder_set_member_name (builder, "snippet");
              json_builder_add_string_value (builder, kbd_session_record_get_snippet (record));
            }
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      kbd_cli_print_json (builder);
      return;
    }

  for (guint i = 0; i < records->len; i++)
    {
      KbdSessionRecord *record = g_ptr_array_index (records, i);
      g_autofree char *when = format_local (kbd_session_record_get_started_at (record));
      g_autofree char *title = kbd_text_escape (kbd_session_record_get_article_title (record),
                                                KBD_TEXT_FORMAT_PLAIN);
      g_autofree char *ticket = kbd_text_escape (kbd_session_record_get_ticket (record)
                                                   ? kbd_session_record_get_ticket (record) : "",
                                                 KBD_TEXT_FORMAT_PLAIN);

      g_print ("%s  %s  %-10s %-14s %s\n", kbd_session_record_get_uuid (record), when,
               kbd_session_record_get_article_id (record),
               outcome_word (kbd_session_record_get_outcome (record)), ticket);
      if (kbd_session_record_get_snippet (record) != NULL)
        {
          /* Show the match markers as brackets; everything else literally. */
          g_autofree char *marked = g_strdup (kbd_session_record_get_snippet (record));
          g_autofree char *snippet = NULL;

          g_strdelimit (marked, "\002", '[');
          g_strdelimit (marked, "\003", ']');
          g_strdelimit (marked, "\n", ' ');
          snippet = kbd_text_escape (marked, KBD_TEXT_FORMAT_PLAIN);
          g_print ("    %s\n", snippet);
        }
      else
        g_print ("    %s\n", title);
    }
}

static int
history_list (KbdCli     *cli,
              const char *db,
              int         argc,
              char      **argv)
{
  g_autofree char *article = NULL;
  g_autofree char *outcome = NULL;
  g_autofree char *technician = NULL;
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  int limit = 50, offset = 0;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "article", 0, 0, G_OPTION_ARG_STRING, &article, N_("Only sessions of this article"), N_("ID") },
    { "outcome", 0, 0, G_OPTION_ARG_STRING, &outcome,
      N_("resolved, escalate, not-applicable or unfinished"), N_("OUTCOME") },
    { "technician", 0, 0, G_OPTION_ARG_STRING, &technician, N_("Only sessions of this technician"), N_("NAME") },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, N_("Sessions started on or after DATE"), N_("DATE") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until, N_("Sessions started before DATE"), N_("DATE") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("Show at most N sessions (default 50)"), N_("N") },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, N_("Skip the first N sessions"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (NULL, _("List recorded sessions, newest first."), entries);
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(KbdHistoryFilter) filter = kbd_history_filter_new ();
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  gint64 since_time = 0, until_time = 0;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1 || limit < 0 || offset < 0)
    {
      kbd_cli_print_error (_("history list takes options only"));
      return KBD_CLI_EXIT_USAGE;
    }

  if (outcome != NULL)
    {
      if (g_str_equal (outcome, "unfinished"))
        kbd_history_filter_set_flags (filter, KBD_HISTORY_FILTER_UNFINISHED);
      else if (g_str_equal (outcome, "resolved"))
        kbd_history_filter_set_outcome (filter, KBD_OUTCOME_RESOLVED);
      else if (g_str_equal (outcome, "escalate"))
        kbd_history_filter_set_outcome (filter, KBD_OUTCOME_ESCALATE);
      else if (g_str_equal (outcome, "not-applicable"))
        kbd_history_filter_set_outcome (filter, KBD_OUTCOME_NOT_APPLICABLE);
      else
        {
          kbd_cli_print_error (_("--outcome takes resolved, escalate, not-applicable or unfinished"));
          return KBD_CLI_EXIT_USAGE;
        }
    }
  if ((since != NULL && !parse_date (since, &since_time)) ||
      (until != NULL && !parse_date (until, &until_time)))
    {
      kbd_cli_print_error (_("dates are written YYYY-MM-DD or in ISO 8601"));
      return KBD_CLI_EXIT_USAGE;
    }
  if (article != NULL)
    {
      g_autofree char *id = kbd_article_id_normalize (article);
      kbd_history_filter_set_article (filter, id != NULL ? id : article);
    }
  kbd_history_filter_set_technician (filter, technician);
  kbd_history_filter_set_range (filter, since_time, until_time);

  history = open_history (db, &exit_code);
  if (history == NULL)
    return exit_code;

  records = kbd_history_list_sessions (history, filter, offset, limit, &error);
  if (records == NULL)
    {
      kbd_cli_print_error (error->message);
      return KBD_CLI_EXIT_FAILED;
    }
  print_records (cli, records, json);
  return KBD_CLI_EXIT_OK;
}

static int
history_search (KbdCli     *cli,
                const char *db,
                int         argc,
                char      **argv)
{
  int limit = 20;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("Show at most N sessions (default 20)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("WORDS…"), _("Find sessions by words of their notes, answers, articles and tickets."), entries);
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *words = NULL;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2 || limit < 0)
    {
      kbd_cli_print_error (_("history search needs words to find"));
      return KBD_CLI_EXIT_USAGE;
    }

  history = open_history (db, &exit_code);
  if (history == NULL)
    return exit_code;

  words = g_strjoinv (" ", argv + 1);
  records = kbd_history_search (history, words, limit, &error);
  if (records == NULL)
    {
      kbd_cli_print_error (error->message);
      return KBD_CLI_EXIT_FAILED;
    }
  print_records (cli, records, json);
  return records->len > 0 || json ? KBD_CLI_EXIT_OK : KBD_CLI_EXIT_FAILED;
}

static int
history_export (KbdCli     *cli,
                const char *db,
                int         argc,
                char      **argv,
                gboolean    show)
{
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format,
      N_("markdown, html, text or json (default: text for show, markdown for export)"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write to FILE instead of standard output"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("SESSION"), show ? _("Print a session's transcript.")
                                                : _("Export a session's transcript."), entries);
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  KbdTranscriptFormat transcript_format = show ? KBD_TRANSCRIPT_TEXT : KBD_TRANSCRIPT_MARKDOWN;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      kbd_cli_print_error (_("give one session id"));
      return KBD_CLI_EXIT_USAGE;
    }

  if (format == NULL)
    ;
  else if (g_str_equal (format, "markdown"))
    transcript_format = KBD_TRANSCRIPT_MARKDOWN;
  else if (g_str_equal (format, "html"))
    transcript_format = KBD_TRANSCRIPT_HTML;
  else if (g_str_equal (format, "text"))
    transcript_format = KBD_TRANSCRIPT_TEXT;
  else if (g_str_equal (format, "json"))
    transcript_format = KBD_TRANSCRIPT_JSON;
  else
    {
      kbd_cli_print_error (_("--format takes markdown, html, text or json"));
      return KBD_CLI_EXIT_USAGE;
    }

  history = open_history (db, &exit_code);
  if (history == NULL)
    return exit_code;

  text = kbd_history_export (history, argv[1], transcript_format, &error);
  if (text == NULL)
    {
      kbd_cli_print_error (error->message);
      return g_error_matches (error, KBD_ERROR, KBD_ERROR_NOT_FOUND)
               ? KBD_CLI_EXIT_NOT_LOADED : KBD_CLI_EXIT_FAILED;
    }

  if (output != NULL)
    {
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
history_resume (KbdCli     *cli,
                const char *db,
                int         argc,
                char      **argv)
{
  g_auto(GStrv) kb_dirs = NULL;
  const GOptionEntry entries[] = {
    { "kb-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &kb_dirs,
      N_("Also look for articles in DIR"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("SESSION"), _("Go on with an unfinished session where it stopped."), entries);
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(KbdSessionRecord) record = NULL;
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(KbdSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) warnings = NULL;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      kbd_cli_print_error (_("give one session id"));
      return KBD_CLI_EXIT_USAGE;
    }
  cli->kb_dirs = kb_dirs;

  history = open_history (db, &exit_code);
  if (history == NULL)
    return exit_code;

  record = kbd_history_get_session (history, argv[1], &error);
  if (record == NULL)
    {
      kbd_cli_print_error (error->message);
      return KBD_CLI_EXIT_NOT_LOADED;
    }

  /* In the language the session ran in. */
  g_free (cli->language);
  cli->language = g_strdup (kbd_session_record_get_language (record));
  article = kbd_cli_open_article (cli, kbd_session_record_get_article_id (record), &exit_code);
  if (article == NULL)
    return exit_code;

  session = kbd_history_resume (history, argv[1], article, &warnings, &error);
  if (session == NULL)
    {
      kbd_cli_print_error (error->message);
      return KBD_CLI_EXIT_FAILED;
    }
  for (guint i = 0; warnings[i] != NULL; i++)
    kbd_cli_print_error (warnings[i]);

  exit_code = kbd_cli_run_interactive (cli, session);
  if (!kbd_history_flush (history, &error))
    {
      kbd_cli_print_error (error->message);
      return KBD_CLI_EXIT_FAILED;
    }
  return exit_code;
}

static void
print_counted_list (JsonArray  *items,
                    const char *key,
                    const char *heading)
{
  if (items == NULL || json_array_get_length (items) == 0)
    return;

  g_print ("\n%s\n", heading);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      g_auto(GStrv) parts = g_strsplit (json_object_get_string_member_with_default (item, key, ""), ">", -1);
      g_autofree char *shown = g_strjoinv (" → ", parts);

      g_print ("  %6" G_GINT64_FORMAT "  %s\n",
               json_object_get_int_member_with_default (item, "sessions", 0), shown);
    }
}

/* The statistics as a person reads them. */
static void
print_stats (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonObject *outcomes;
  const struct { const char *key; const char *label; } rows[] = {
    { "resolved", N_("Resolved") },
    { "escalate", N_("Escalated") },
    { "not-applicable", N_("Not applicable") },
    { "unfinished", N_("Unfinished") },
  };
  gint64 sessions;

  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return;
  root = json_node_get_object (json_parser_get_root (parser));
  outcomes = json_object_get_object_member (root, "outcomes");
  sessions = json_object_get_int_member_with_default (root, "sessions", 0);

  g_print (g_dngettext (GETTEXT_PACKAGE, "%s: %lld session\n",
                        "%s: %lld sessions\n", (gulong) sessions),
           json_object_get_string_member_with_default (root, "article", ""), (long long) sessions);
  for (guint i = 0; outcomes != NULL && i < G_N_ELEMENTS (rows); i++)
    g_print ("  %6" G_GINT64_FORMAT "  %s\n",
             json_object_get_int_member_with_default (outcomes, rows[i].key, 0), _(rows[i].label));

  print_counted_list (json_object_get_array_member (root, "common_paths"), "path",
                      _("Most common paths (node:answer):"));
  print_counted_list (json_object_get_array_member (root, "unfinished_stopped_at"), "node",
                      _("Where unfinished sessions stopped:"));
}

static int
history_stats (KbdCli     *cli,
               const char *db,
               int         argc,
               char      **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("ARTICLE"), _("Statistics of an article's sessions: outcomes, common paths, where unfinished sessions stopped."), entries);
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stats = NULL;
  g_autofree char *id = NULL;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      kbd_cli_print_error (_("give one article id"));
      return KBD_CLI_EXIT_USAGE;
    }

  history = open_history (db, &exit_code);
  if (history == NULL)
    return exit_code;

  id = kbd_article_id_normalize (argv[1]);
  stats = kbd_history_get_stats (history, id != NULL ? id : argv[1], &error);
  if (stats == NULL)
    {
      kbd_cli_print_error (error->message);
      return KBD_CLI_EXIT_FAILED;
    }
  if (json)
    g_print ("%s\n", stats);
  else
    print_stats (stats);
  return KBD_CLI_EXIT_OK;
}

static int
history_delete (KbdCli     *cli,
                const char *db,
                int         argc,
                char      **argv)
{
  g_autofree char *before = NULL;
  const GOptionEntry entries[] = {
    { "before", 0, 0, G_OPTION_ARG_STRING, &before,
      N_("Delete every session started before DATE"), N_("DATE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("[SESSION…]"), _("Delete sessions for good."), entries);
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = KBD_CLI_EXIT_OK;
  gint64 before_time = 0;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if ((before == NULL) == (argc < 2))
    {
      kbd_cli_print_error (_("give session ids or --before DATE"));
      return KBD_CLI_EXIT_USAGE;
    }
  if (before != NULL && !parse_date (before, &before_time))
    {
      kbd_cli_print_error (_("dates are written YYYY-MM-DD or in ISO 8601"));
      return KBD_CLI_EXIT_USAGE;
    }

  history = open_history (db, &exit_code);
  if (history == NULL)
    return exit_code;

  if (before != NULL)
    {
      gint64 n = kbd_history_delete_before (history, before_time, &error);

      if (n < 0)
        {
          kbd_cli_print_error (error->message);
          return KBD_CLI_EXIT_FAILED;
        }
      g_print (g_dngettext (GETTEXT_PACKAGE, "Deleted %lld session.\n",
                            "Deleted %lld sessions.\n", (gulong) n), (long long) n);
      return KBD_CLI_EXIT_OK;
    }

  for (int i = 1; i < argc; i++)
    if (!kbd_history_delete_session (history, argv[i], &error))
      {
        kbd_cli_print_error (error->message);
        g_clear_error (&error);
        exit_code = KBD_CLI_EXIT_FAILED;
      }
  return exit_code;
}

static int
history_backup (KbdCli     *cli,
                const char *db,
                int         argc,
                char      **argv)
{
  g_autoptr(GOptionContext) context =
    kbd_cli_command_context (_("FILE"), _("Write a consistent copy of the history to FILE."), NULL);
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = KBD_CLI_EXIT_OK;

  if (!kbd_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      kbd_cli_print_error (_("give the backup file"));
      return KBD_CLI_EXIT_USAGE;
    }

  history = open_history (db, &exit_code);
  if (history == NULL)
    return exit_code;

  if (!kbd_history_backup (history, argv[1], &error))
    {
      kbd_cli_print_error (error->message);
      return KBD_CLI_EXIT_FAILED;
    }
  return KBD_CLI_EXIT_OK;
}

typedef struct
{
  const char *name;
  const char *summary;
} Subcommand;

static const Subcommand subcommands[] = {
  { "list", N_("List recorded sessions, newest first") },
  { "show", N_("Print a session's transcript") },
  { "search", N_("Find sessions by words") },
  { "export", N_("Export a transcript as markdown, html, text or json") },
  { "resume", N_("Go on with an unfinished session") },
  { "stats", N_("Statistics of an article's sessions") },
  { "delete", N_("Delete sessions") },
  { "backup", N_("Copy the history to a file") },
};

static void
print_history_usage (FILE *stream)
{
  fprintf (stream, "%s\n  kbdecide history %s\n\n%s\n", _("Usage:"),
           /* Translators: FILE and COMMAND are placeholders; “--db” is typed as it is. */
           _("[--db FILE] COMMAND [OPTION…] [ARGUMENT…]"), _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    fprintf (stream, "  %-8s %s\n", subcommands[i].name, _(subcommands[i].summary));
  fprintf (stream, "\n%s\n", _("The history is $XDG_DATA_HOME/kbdecide/history.db unless --db or $KBDECIDE_HISTORY names another file."));
}

int
kbd_cli_command_history (KbdCli  *cli,
                         int      argc,
                         char   **argv)
{
  const char *db = g_getenv ("KBDECIDE_HISTORY");
  const char *command;
  g_autofree char *program = NULL;

  /* --db comes before the subcommand. */
  while (argc > 1 && g_str_has_prefix (argv[1], "--db"))
    {
      if (g_str_has_prefix (argv[1], "--db="))
        db = argv[1] + strlen ("--db=");
      else if (g_str_equal (argv[1], "--db") && argc > 2)
        {
          db = argv[2];
          argc--;
          argv++;
        }
      else
        {
          kbd_cli_print_error (_("--db needs a file"));
          return KBD_CLI_EXIT_USAGE;
        }
      argc--;
      argv++;
    }

  if (argc < 2)
    {
      print_history_usage (stderr);
      return KBD_CLI_EXIT_USAGE;
    }

  command = argv[1];
  argc--;
  argv++;

  program = g_strdup_printf ("kbdecide history %s", command);
  g_set_prgname (program);

  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") || g_str_equal (command, "help"))
    {
      print_history_usage (stdout);
      return KBD_CLI_EXIT_OK;
    }
  if (g_str_equal (command, "list"))
    return history_list (cli, db, argc, argv);
  if (g_str_equal (command, "show"))
    return history_export (cli, db, argc, argv, TRUE);
  if (g_str_equal (command, "export"))
    return history_export (cli, db, argc, argv, FALSE);
  if (g_str_equal (command, "search"))
    return history_search (cli, db, argc, argv);
  if (g_str_equal (command, "resume"))
    return history_resume (cli, db, argc, argv);
  if (g_str_equal (command, "stats"))
    return history_stats (cli, db, argc, argv);
  if (g_str_equal (command, "delete"))
    return history_delete (cli, db, argc, argv);
  if (g_str_equal (command, "backup"))
    return history_backup (cli, db, argc, argv);

  {
    g_autofree char *message = g_strdup_printf (_("unknown history command “%s”"), command);
    kbd_cli_print_error (message);
  }
  print_history_usage (stderr);
  return KBD_CLI_EXIT_USAGE;
}
