/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kbdecide, run as a user runs it: exit codes, output, errors, history. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "kbdecide.h"

typedef struct
{
  char *out;
  char *err;
  int status;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static char *
kb_dir (void)
{
  return g_build_filename (KBD_TEST_SRCDIR, "..", "kb", NULL);
}

static char *
kb_file (void)
{
  return g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
}

/* A file in this test's own cache folder, which is created. */
static char *
cache_file (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  return g_build_filename (g_get_user_cache_dir (), name, NULL);
}

/* Runs kbdecide with @argv (NULL-terminated, without the program), feeding
 * @input on standard input. */
static void
run_v (Result      *r,
       const char  *input,
       const char **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("KBDECIDE_CLI"));
  g_assert_nonnull (argv->pdata[0]);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  /* The test's isolated folders are GLib's idea; tell the child too. */
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", g_get_user_state_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "NO_COLOR", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "KBDECIDE_HISTORY");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input ? input : "", NULL, &r->out, &r->err, &error);
  g_assert_no_error (error);
  r->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

#define run(r, input, ...) G_STMT_START { \
    const char *run_args_[] = { __VA_ARGS__, NULL }; \
    run_v (r, input, run_args_); \
  } G_STMT_END

/* An error is one line on stderr, "kbdecide: …". */
static void
assert_one_error_line (const Result *r,
                       const char   *says)
{
  g_assert_true (g_str_has_prefix (r->err, "kbdecide: "));
  g_assert_true (g_str_has_suffix (r->err, "\n"));
  g_assert_true (strchr (r->err, '\n') == r->err + strlen (r->err) - 1);
  if (says != NULL && strstr (r->err, says) == NULL)
    g_error ("stderr “%s” does not say “%s”", r->err, says);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_help (void)
{
  static const char *const commands[] = { "run", "validate", "show", "export", "list", "history" };
  static const char *const history_commands[] = {
    "list", "show", "search", "export", "resume", "stats", "delete", "backup"
  };

  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "--help");
    g_assert_cmpint (r.status, ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      g_assert_nonnull (strstr (r.out, commands[i]));
    g_assert_nonnull (strstr (r.out, "Exit status"));
  }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(Result) r = { 0, };
      g_autofree char *usage = g_strdup_printf ("kbdecide %s", commands[i]);

      run (&r, NULL, commands[i], "--help");
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "Usage:"));
      g_assert_nonnull (strstr (r.out, usage));
      g_assert_cmpstr (r.err, ==, "");
    }

  for (guint i = 0; i < G_N_ELEMENTS (history_commands); i++)
    {
      g_auto(Result) r = { 0, };
      g_autofree char *usage = g_strdup_printf ("kbdecide history %s", history_commands[i]);

      run (&r, NULL, "history", history_commands[i], "--help");
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, usage));
    }

  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "--version");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_str_has_prefix (r.out, "kbdecide "));
  }
}

static void
test_usage_errors (void)
{
  g_autofree char *file = kb_file ();

  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "frobnicate");
    g_assert_cmpint (r.status, ==, 2);
    g_assert_true (g_str_has_prefix (r.err, "kbdecide: unknown command “frobnicate”\n"));
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "run");
    g_assert_cmpint (r.status, ==, 2);
    assert_one_error_line (&r, NULL);
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "run", "--no-such-option", file);
    g_assert_cmpint (r.status, ==, 2);
    assert_one_error_line (&r, "no-such-option");
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "export", "--format", "pdf", file);
    g_assert_cmpint (r.status, ==, 2);
    assert_one_error_line (&r, "pdf");
  }
}

static void
test_run_answers (void)
{
  g_autofree char *file = kb_file ();

  {
    /* Ids and numbers mix; procedures are passed through. */
    g_auto(Result) r = { 0, };
    run (&r, NULL, "run", "--no-history", "--answers", "1,cluster,no,2,yes", file);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.err, ==, "");
    g_assert_nonnull (strstr (r.out, "Path:\n  applies → yes (Yes)\n  server_role → cluster (Node in a cluster)\n"));
    g_assert_nonnull (strstr (r.out, "  cluster_method2\n  common_files_check → no"));
    g_assert_nonnull (strstr (r.out, "Outcome: resolved (cluster_resolved): "));
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "run", "--no-history", "--answers", "yes,standalone", file);
    g_assert_cmpint (r.status, ==, 4);
    assert_one_error_line (&r, "standalone_method");
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "run", "--no-history", "--answers", "yes,maybe", file);
    g_assert_cmpint (r.status, ==, 1);
    assert_one_error_line (&r, "maybe");
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "run", "--no-history", "--answers", "no,yes", file);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.out, "Outcome: not-applicable (not_applicable)"));
    assert_one_error_line (&r, "more answers");
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "run", "--no-history", "--answers", "yes", "KB999999");
    g_assert_cmpint (r.status, ==, 3);
    assert_one_error_line (&r, "KB999999");
  }
}

static const char interactive_walk[] =
  "1\n"                         /* the article applies */
  "n\nCaller: Ana, ext. 4411\n" /* a note */
  "2\n"                         /* cluster */
  "b\n"                         /* back to the role question */
  "x\n"                         /* not an answer: said, and asked again */
  "2\n"                         /* cluster */
  "2\n"                         /* no metabase backup: Method 2 */
  "d 1\n"                       /* tick the first step */
  "\n"                          /* continue */
  "1\n";                        /* Common Files was removed */

static void
test_run_interactive (void)
{
  g_autofree char *file = kb_file ();
  g_autofree char *db = cache_file ("interactive.db");
  g_auto(Result) r = { 0, };
  g_auto(Result) list = { 0, };
  g_auto(Result) show = { 0, };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *session;

  run (&r, interactive_walk, "run", "--db", db, "--ticket", "INC-42", "--technician", "Ana", file);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Note saved."));
  g_assert_nonnull (strstr (r.out, "[1] Was the SMTP component of IIS removed"));
  g_assert_nonnull (strstr (r.out, "Enter to continue"));
  g_assert_nonnull (strstr (r.out, "Contact Microsoft PSS to evict the cluster node"));
  g_assert_nonnull (strstr (r.out, "Hand-over summary"));
  g_assert_nonnull (strstr (r.out, "Caller: Ana, ext. 4411"));
  g_assert_nonnull (strstr (r.out, "Session "));
  /* The inline syntax is rendered, not shown. */
  g_assert_null (strstr (r.out, "*Common Files*"));
  g_assert_nonnull (strstr (r.err, "“x”"));

  /* It is in the history, finished, with its ticket, note and step. */
  run (&list, NULL, "history", "--db", db, "list", "--json");
  g_assert_cmpint (list.status, ==, 0);
  root = parse_json (list.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  session = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_object_get_string_member (session, "ticket"), ==, "INC-42");
  g_assert_cmpstr (json_object_get_string_member (session, "technician"), ==, "Ana");
  g_assert_cmpstr (json_object_get_string_member (session, "outcome"), ==, "escalate");
  g_assert_cmpstr (json_object_get_string_member (session, "current_node"), ==, "common_files_escalate");

  run (&show, NULL, "history", "--db", db, "show", json_object_get_string_member (session, "session"));
  g_assert_cmpint (show.status, ==, 0);
  g_assert_nonnull (strstr (show.out, "Caller: Ana, ext. 4411"));
  g_assert_nonnull (strstr (show.out, "Ticket: INC-42"));
  g_assert_nonnull (strstr (show.out, "Node in a cluster"));
}

static void
test_run_quit (void)
{
  g_autofree char *file = kb_file ();

  {
    g_auto(Result) r = { 0, };
    run (&r, "1\nq\n", "run", "--no-history", file);
    g_assert_cmpint (r.status, ==, 4);
  }
  {
    /* End of input is quitting too, never a loop. */
    g_auto(Result) r = { 0, };
    run (&r, "1\n", "run", "--no-history", file);
    g_assert_cmpint (r.status, ==, 4);
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, "1\nr\n2\n", "run", "--no-history", file);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "This article does not apply"));
  }
}

static void
test_default_history (void)
{
  g_autofree char *file = kb_file ();
  g_autofree char *db = g_build_filename (g_get_user_data_dir (), "kbdecide", "history.db", NULL);
  GStatBuf st;

  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "run", "--no-history", "--answers", "no", file);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "run", "--answers", "no", file);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));
    g_assert_cmpint (g_stat (db, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
}

static void
test_history_commands (void)
{
  g_autofree char *file = kb_file ();
  g_autofree char *db = cache_file ("h.db");
  g_autofree char *backup = cache_file ("backup.db");
  g_autofree char *exported = cache_file ("t.html");
  g_autofree char *unfinished = NULL;
  g_autofree char *escalated = NULL;
  g_autofree char *html = NULL;

  {
    g_auto(Result) a = { 0, };
    g_auto(Result) b = { 0, };
    g_auto(Result) c = { 0, };
    run (&a, NULL, "run", "--db", db, "--ticket", "INC-1", "--answers", "yes,cluster,no,yes", file);
    run (&b, NULL, "run", "--db", db, "--ticket", "INC-2", "--answers", "yes,standalone", file);
    run (&c, NULL, "run", "--db", db, "--ticket", "INC-3", "--answers", "yes,standalone,smtpreinstall,yes", file);
    g_assert_cmpint (a.status, ==, 0);
    g_assert_cmpint (b.status, ==, 4);
    g_assert_cmpint (c.status, ==, 0);
  }

  {
    g_auto(Result) r = { 0, };
    g_autoptr(JsonNode) root = NULL;
    JsonArray *sessions;

    run (&r, NULL, "history", "--db", db, "list", "--json");
    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    sessions = json_node_get_array (root);
    g_assert_cmpuint (json_array_get_length (sessions), ==, 3);
    for (guint i = 0; i < 3; i++)
      {
        JsonObject *s = json_array_get_object_element (sessions, i);
        const char *ticket = json_object_get_string_member (s, "ticket");

        if (g_strcmp0 (ticket, "INC-1") == 0)
          escalated = g_strdup (json_object_get_string_member (s, "session"));
        else if (g_strcmp0 (ticket, "INC-2") == 0)
          {
            unfinished = g_strdup (json_object_get_string_member (s, "session"));
            g_assert_cmpstr (json_object_get_string_member (s, "outcome"), ==, "none");
          }
      }
    g_assert_nonnull (escalated);
    g_assert_nonnull (unfinished);
  }

  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "history", "--db", db, "list", "--outcome", "unfinished");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, unfinished));
    g_assert_null (strstr (r.out, escalated));
  }

  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "history", "--db", db, "search", "cluster");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, escalated));
    g_assert_nonnull (strstr (r.out, "[cluster]"));
  }

  {
    g_auto(Result) r = { 0, };
    g_autoptr(GError) error = NULL;

    run (&r, NULL, "history", "--db", db, "export", "--format", "html", "-o", exported, escalated);
    g_assert_cmpint (r.status, ==, 0);
    g_file_get_contents (exported, &html, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (strstr (html, "<html"));
    g_assert_nonnull (strstr (html, "INC-1"));
    g_assert_nonnull (strstr (html, "Microsoft Product Support Services (PSS)"));
  }

  {
    g_auto(Result) r = { 0, };
    g_autoptr(JsonNode) root = NULL;

    run (&r, NULL, "history", "--db", db, "export", "--format", "json", escalated);
    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "session"), ==, escalated);
  }

  {
    /* Resume the unfinished session where it stood: at the method question. */
    g_auto(Result) r = { 0, };
    g_auto(Result) l = { 0, };
    g_autofree char *dir = kb_dir ();

    run (&r, "2\n\n1\n", "history", "--db", db, "resume", "--kb-dir", dir, unfinished);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "Which method do you want to use"));
    run (&l, NULL, "history", "--db", db, "list", "--outcome", "unfinished");
    g_assert_null (strstr (l.out, unfinished));
  }

  {
    g_auto(Result) r = { 0, };
    g_autoptr(JsonNode) root = NULL;
    JsonObject *outcomes;

    g_auto(Result) readable = { 0, };

    run (&readable, NULL, "history", "--db", db, "stats", "312395");
    g_assert_cmpint (readable.status, ==, 0);
    g_assert_true (g_str_has_prefix (readable.out, "KB312395: 3 sessions\n"));
    g_assert_nonnull (strstr (readable.out, "       2  Resolved\n"));
    g_assert_nonnull (strstr (readable.out, "       1  Escalated\n"));

    run (&r, NULL, "history", "--db", db, "stats", "--json", "KB312395");
    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "sessions"), ==, 3);
    outcomes = json_object_get_object_member (json_node_get_object (root), "outcomes");
    g_assert_cmpint (json_object_get_int_member (outcomes, "resolved"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (outcomes, "escalate"), ==, 1);
  }

  {
    g_auto(Result) r = { 0, };
    g_auto(Result) l = { 0, };

    run (&r, NULL, "history", "--db", db, "backup", backup);
    g_assert_cmpint (r.status, ==, 0);
    run (&l, NULL, "history", "--db", backup, "list");
    g_assert_nonnull (strstr (l.out, escalated));
  }

  {
    g_auto(Result) r = { 0, };
    g_auto(Result) l = { 0, };
    g_auto(Result) again = { 0, };

    run (&r, NULL, "history", "--db", db, "delete", escalated);
    g_assert_cmpint (r.status, ==, 0);
    run (&l, NULL, "history", "--db", db, "list");
    g_assert_null (strstr (l.out, escalated));
    run (&again, NULL, "history", "--db", db, "show", escalated);
    g_assert_cmpint (again.status, ==, 3);
    assert_one_error_line (&again, NULL);
  }
}

static void
test_validate (void)
{
  g_autofree char *good = kb_file ();
  g_autofree char *bad = g_build_filename (KBD_TEST_SRCDIR, "kb", "n_invalid-article.dangling-target.json", NULL);
  g_autofree char *syntax = g_build_filename (KBD_TEST_SRCDIR, "kb", "n_duplicate-key.answer.json", NULL);

  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "validate", good);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "OK (KB312395)"));
  }
  {
    g_auto(Result) r = { 0, };
    g_autofree char *expected = g_strdup_printf ("%s:20:9: error: ", bad);
    run (&r, NULL, "validate", good, bad);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.out, expected));
    g_assert_nonnull (strstr (r.out, "[dangling-target]"));
    g_assert_nonnull (strstr (r.out, "[unreachable-outcome]"));
  }
  {
    g_auto(Result) r = { 0, };
    g_autoptr(JsonNode) root = NULL;
    JsonObject *first;

    run (&r, NULL, "validate", "--json", bad, syntax);
    g_assert_cmpint (r.status, ==, 1);
    root = parse_json (r.out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 3);
    first = json_array_get_object_element (json_node_get_array (root), 0);
    g_assert_cmpstr (json_object_get_string_member (first, "code"), ==, "dangling-target");
    g_assert_cmpstr (json_object_get_string_member (first, "severity"), ==, "error");
    g_assert_cmpstr (json_object_get_string_member (first, "node"), ==, "start");
    g_assert_cmpint (json_object_get_int_member (first, "line"), ==, 20);
    g_assert_cmpint (json_object_get_int_member (first, "column"), ==, 9);
    first = json_array_get_object_element (json_node_get_array (root), 2);
    g_assert_cmpstr (json_object_get_string_member (first, "code"), ==, "duplicate-key");
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "validate", "/nonexistent/KB1.json");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.out, "/nonexistent/KB1.json: error: "));
  }
}

static void
test_show_export_list (void)
{
  g_autofree char *dir = kb_dir ();
  g_autofree char *out_file = cache_file ("graph.dot");

  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "show", "--kb-dir", dir, "312395");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "SystemRoot\\System32\\Inetsrv"));
    g_assert_nonnull (strstr (r.out, "Microsoft Product Support Services (PSS)"));
    g_assert_null (strstr (r.out, "`"));
  }
  {
    g_auto(Result) r = { 0, };
    g_autofree char *dot = NULL;

    run (&r, NULL, "export", "--kb-dir", dir, "--format", "dot", "-o", out_file, "KB312395");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.out, ==, "");
    g_assert_true (g_file_get_contents (out_file, &dot, NULL, NULL));
    g_assert_true (g_str_has_prefix (dot, "digraph \"KB312395\" {"));
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "export", "--kb-dir", dir, "--format", "mermaid", "KB312395");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_str_has_prefix (r.out, "flowchart TD\n"));
  }
  {
    g_auto(Result) r = { 0, };
    g_autoptr(JsonNode) root = NULL;
    JsonArray *articles;
    gboolean found = FALSE;

    run (&r, NULL, "list", "--kb-dir", dir, "--json");
    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    articles = json_node_get_array (root);
    for (guint i = 0; i < json_array_get_length (articles); i++)
      if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (articles, i), "id"),
                     "KB312395") == 0)
        found = TRUE;
    g_assert_true (found);
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "show", "--kb-dir", dir, "../../etc/passwd");
    g_assert_cmpint (r.status, ==, 3);
    assert_one_error_line (&r, NULL);
  }
}

/* validate --lang lists exactly the strings a translation lacks: one
 * emptied, one whose source changed since it was translated. */
static void
test_validate_lang (void)
{
  g_autofree char *article = cache_file ("KB312395.json");
  g_autofree char *po = cache_file ("KB312395.de.po");
  g_autofree char *source_po = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.de.po", NULL);
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_auto(Result) r = { 0 };
  g_auto(Result) stats = { 0 };
  g_autofree char *path = kb_file ();
  g_autoptr(GRegex) yes_label = g_regex_new ("(msgctxt \"node\\.applies\\.answer\\.yes\\.label\"\nmsgid \"Yes\"\nmsgstr )\"[^\"]*\"", 0, 0, NULL);
  g_autoptr(GRegex) role_prompt = g_regex_new ("(msgctxt \"node\\.server_role\\.prompt\"\nmsgid \"\"\n\")", 0, 0, NULL);
  g_autofree char *step1 = NULL;
  g_autofree char *step2 = NULL;
  JsonArray *array;
  gboolean seen_missing = FALSE, seen_stale = FALSE;

  g_assert_true (g_file_get_contents (path, &json, NULL, &error));
  g_assert_true (g_file_set_contents (article, json, -1, &error));
  g_assert_true (g_file_get_contents (source_po, &text, NULL, &error));
  step1 = g_regex_replace (yes_label, text, -1, 0, "\\1\"\"", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (step1, !=, text);
  step2 = g_regex_replace (role_prompt, step1, -1, 0, "\\1An older wording. ", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (step2, !=, step1);
  g_assert_true (g_file_set_contents (po, step2, -1, &error));

  run (&r, NULL, "validate", "--lang", "de", "--json", article);
  if (r.status != 0)
    g_error ("validate --lang failed (%d): %s%s", r.status, r.out, r.err);
  root = parse_json (r.out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *d = json_array_get_object_element (array, i);
      const char *code = json_object_get_string_member (d, "code");

      g_assert_cmpstr (json_object_get_string_member (d, "file"), ==, po);
      g_assert_cmpstr (json_object_get_string_member (d, "severity"), ==, "warning");
      g_assert_cmpint (json_object_get_int_member (d, "line"), >, 1);
      if (g_str_equal (code, "translation-missing"))
        {
          g_assert_cmpstr (json_object_get_string_member (d, "node"), ==, "applies");
          seen_missing = TRUE;
        }
      else
        {
          g_assert_cmpstr (code, ==, "translation-stale");
          g_assert_cmpstr (json_object_get_string_member (d, "node"), ==, "server_role");
          seen_stale = TRUE;
        }
    }
  g_assert_true (seen_missing && seen_stale);

  run (&stats, NULL, "i18n", "stats", article);
  g_assert_cmpint (stats.status, ==, 0);
  g_assert_nonnull (strstr (stats.out, "de: 73 of 75 strings translated (97%), 1 stale, 1 missing, 0 unusable"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/run/answers", test_run_answers);
  g_test_add_func ("/cli/run/interactive", test_run_interactive);
  g_test_add_func ("/cli/run/quit", test_run_quit);
  g_test_add_func ("/cli/run/default-history", test_default_history);
  g_test_add_func ("/cli/history", test_history_commands);
  g_test_add_func ("/cli/validate", test_validate);
  g_test_add_func ("/cli/validate/lang", test_validate_lang);
  g_test_add_func ("/cli/show-export-list", test_show_export_list);

  return g_test_run ();
}
