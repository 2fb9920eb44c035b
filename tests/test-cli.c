/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kbdecide, run as a user runs it: exit codes, output, errors, history. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "kbdecide.h"
#include "helpers/classic-kb.h"

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
  static const char *const commands[] = {
    "run", "validate", "show", "export", "list", "history", "search", "import", "index"
  };
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

/* The article library: classic KB articles ------------------------------------ */

/* A classic plain-text KB article: the header, SYMPTOMS, MORE INFORMATION. */
static char *
classic_article (guint       number,
                 const char *title,
                 const char *product,
                 const char *symptoms,
                 const char *more)
{
  g_autofree char *id = g_strdup_printf ("Q%u", number);

  return kbd_test_classic_text (&(KbdTestClassic) { id, title, product, ":5.5", NULL,
                                                    "kbhowto kbtshoot", symptoms, more });
}

static void
write_bytes (const char *directory,
             const char *name,
             const char *contents,
             gssize      length)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

/* A folder "classic" of three good articles in the test's cache folder:
 * Q317627 mentions Q119591 and has a monospace block; q200001.txt is
 * ISO-8859-1. With @bad, also a file that is no article and a folder
 * named like one. */
static char *
make_classic_folder (gboolean bad)
{
  g_autofree char *parent = cache_file ("import");
  char *folder = g_build_filename (parent, "classic", NULL);
  g_autofree char *q317627 =
    classic_article (317627, "XWEB: Troubleshooting HTTP 401.x Errs in Outlook Web Access 5.5",
                     "Microsoft Exchange",
                     "Users get HTTP 401 errors when they log on to Outlook Web Access.",
                     "For more information, see Q119591.\r\n"
                     "\r\n"
                     "   C:\\> iisreset /restart\r\n"
                     "      Column A    Column B");
  g_autofree char *q119591 =
    classic_article (119591, "How to Obtain Microsoft Support Files from Online Services",
                     "Microsoft Exchange", "Support files are available for download.",
                     "Use the download service; see Q317627.");
  /* "Café … Zürich" in ISO-8859-1. */
  g_autofree char *q200001 =
    classic_article (200001, "Caf\xe9 configuration of the Z\xfcrich mail gateway", "Microsoft Mail",
                     "The gateway stops working in the caf\xe9.", "Restart the gateway.");

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  write_bytes (folder, "Q317627.TXT", q317627, -1);
  write_bytes (folder, "Q119591.TXT", q119591, -1);
  write_bytes (folder, "q200001.txt", q200001, -1);
  write_bytes (folder, "README.md", "Not an article, and not a .txt file.\n", -1);
  if (bad)
    {
      g_autofree char *not_a_file = g_build_filename (folder, "Q888888.TXT", NULL);

      write_bytes (folder, "Q999999.TXT", "This is not a KB article.\n", -1);
      g_assert_cmpint (g_mkdir_with_parents (not_a_file, 0700), ==, 0);
    }
  return folder;
}

static char *
file_contents (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static JsonObject *
index_stats (const char *index_file,
             const char *folder)
{
  g_auto(Result) r = { 0, };
  g_autoptr(JsonNode) root = NULL;

  if (folder != NULL)
    run (&r, NULL, "index", "--stats", "--json", "--index", index_file, "--kb-dir", folder);
  else
    run (&r, NULL, "index", "--stats", "--json", "--index", index_file);
  root = parse_json (r.out);
  return json_object_ref (json_node_get_object (root));
}

static void
test_import (void)
{
  g_autofree char *folder = make_classic_folder (TRUE);
  g_autofree char *target = g_build_filename (g_get_user_data_dir (), "kbdecide", "kb", "classic", NULL);
  static const char *const names[] = { "Q317627.TXT", "Q119591.TXT", "q200001.txt" };
  g_autofree char *index_file = g_build_filename (g_get_user_cache_dir (), "kbdecide", "index.db", NULL);

  {
    g_auto(Result) r = { 0, };
    g_autofree char *bad_copy = g_build_filename (target, "Q999999.TXT", NULL);
    struct stat st;

    run (&r, NULL, "import", folder);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_true (g_str_has_prefix (r.out, "Imported 3 articles (3 new, 0 updated, 2 failed). "
                                            "The index holds "));
    /* Each bad file is named, with the reason. */
    g_assert_nonnull (strstr (r.err, "Q999999.TXT"));
    g_assert_nonnull (strstr (r.err, "Q888888.TXT"));
    g_assert_null (strstr (r.err, "README.md"));
    g_assert_null (strstr (r.err, "\r"));

    /* Copied byte for byte, the ISO-8859-1 file too, into a private folder. */
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *source = g_build_filename (folder, names[i], NULL);
        g_autofree char *copy = g_build_filename (target, names[i], NULL);
        g_autofree char *a = file_contents (source);
        g_autofree char *b = file_contents (copy);

        g_assert_cmpstr (a, ==, b);
      }
    g_assert_false (g_file_test (bad_copy, G_FILE_TEST_EXISTS));
    g_assert_cmpint (g_stat (target, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
    /* The default index, in the test's cache folder. */
    g_assert_true (g_file_test (index_file, G_FILE_TEST_IS_REGULAR));
  }
  {
    /* Again: nothing new; then a changed file is replaced and counted. */
    g_auto(Result) r = { 0, };
    g_auto(Result) changed = { 0, };
    g_autofree char *q119591 = classic_article (119591, "How to Obtain Support Files, Revised",
                                                "Microsoft Exchange", "Revised.", "Revised.");
    g_autofree char *copy = g_build_filename (target, "Q119591.TXT", NULL);
    g_autofree char *contents = NULL;

    run (&r, NULL, "import", folder);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_true (g_str_has_prefix (r.out, "Imported 3 articles (0 new, 0 updated, 2 failed)."));

    write_bytes (folder, "Q119591.TXT", q119591, -1);
    run (&changed, NULL, "import", folder);
    g_assert_true (g_str_has_prefix (changed.out, "Imported 3 articles (0 new, 1 updated, 2 failed)."));
    contents = file_contents (copy);
    g_assert_cmpstr (contents, ==, q119591);
  }
  {
    /* The index holds the imported articles: the bad files were not copied. */
    g_autoptr(JsonObject) stats = index_stats (index_file, NULL);

    g_assert_cmpint (json_object_get_int_member (stats, "references"), ==, 3);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "problems")), ==, 0);
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "search", "revised");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_str_has_prefix (r.out, "Q119591 "));
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "import");
    g_assert_cmpint (r.status, ==, 2);
    assert_one_error_line (&r, NULL);
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "import", "/nonexistent/folder");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "/nonexistent/folder"));
  }
}

static void
test_search (void)
{
  g_autofree char *folder = make_classic_folder (FALSE);
  g_autofree char *kb = kb_dir ();
  g_autofree char *index_file = cache_file ("search.db");

  {
    /* Plain text when not on a terminal: no escapes, no progress. */
    g_auto(Result) r = { 0, };
    run (&r, NULL, "search", "--index", index_file, "--kb-dir", folder, "401", "errors");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.err, ==, "");
    g_assert_true (g_str_has_prefix (r.out, "Q317627    XWEB: Troubleshooting HTTP 401.x Errs in Outlook Web Access 5.5\n"));
    g_assert_nonnull (strstr (r.out, "reference · Microsoft Exchange\n"));
    g_assert_nonnull (strstr (r.out, "Users get HTTP 401 errors when they log on"));
    g_assert_null (strstr (r.out, "\033"));
  }
  {
    g_auto(Result) r = { 0, };
    g_autoptr(JsonNode) root = NULL;
    JsonArray *results;
    JsonObject *first;

    run (&r, NULL, "search", "--index", index_file, "--kb-dir", folder, "--kb-dir", kb, "--json",
         "Exchange");
    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    results = json_node_get_array (root);
    g_assert_cmpuint (json_array_get_length (results), >=, 3);
    for (guint i = 0; i < json_array_get_length (results); i++)
      {
        JsonObject *result = json_array_get_object_element (results, i);

        g_assert_true (json_object_has_member (result, "id"));
        g_assert_true (json_object_has_member (result, "title"));
        g_assert_true (json_object_has_member (result, "product"));
        g_assert_true (json_object_has_member (result, "file"));
        g_assert_true (json_object_has_member (result, "snippet"));
        g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (result, "score")));
        g_assert_null (strstr (json_object_get_string_member (result, "snippet"), "\033"));
      }
    /* The decision tree has Exchange in its title. */
    first = json_array_get_object_element (results, 0);
    g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, "KB312395");
    g_assert_cmpstr (json_object_get_string_member (first, "kind"), ==, "tree");
    g_assert_true (g_str_has_suffix (json_object_get_string_member (first, "file"), "KB312395.json"));
  }
  {
    g_auto(Result) r = { 0, };
    g_autoptr(JsonNode) root = NULL;
    JsonArray *results;

    run (&r, NULL, "search", "--index", index_file, "--kb-dir", folder, "--kb-dir", kb, "--json",
         "--kind", "reference", "--limit", "2", "Exchange");
    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    results = json_node_get_array (root);
    g_assert_cmpuint (json_array_get_length (results), ==, 2);
    for (guint i = 0; i < 2; i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i), "kind"),
                       ==, "reference");
  }
  {
    /* Accents do not matter; the ISO-8859-1 file is found as UTF-8. */
    g_auto(Result) r = { 0, };
    run (&r, NULL, "search", "--index", index_file, "--kb-dir", folder, "--product", "mail", "cafe");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_str_has_prefix (r.out, "Q200001    Café configuration of the Zürich mail gateway\n"));
  }
  {
    /* A file added later is found: the index is brought up to date first. */
    g_auto(Result) r = { 0, };
    g_autofree char *added = classic_article (300003, "Printer spooler hangs", "Microsoft Windows NT",
                                              "The spooler hangs.", "Restart it.");

    write_bytes (folder, "Q300003.TXT", added, -1);
    run (&r, NULL, "search", "--index", index_file, "--kb-dir", folder, "spooler");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_str_has_prefix (r.out, "Q300003 "));
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "search", "--index", index_file, "--kb-dir", folder, "--kind", "tree", "spooler");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.out, ==, "");
    assert_one_error_line (&r, "no article matches “spooler”");
  }
  {
    g_auto(Result) r = { 0, };
    g_autoptr(JsonNode) root = NULL;

    run (&r, NULL, "search", "--index", index_file, "--kb-dir", folder, "--json", "zyzzyva");
    g_assert_cmpint (r.status, ==, 1);
    root = parse_json (r.out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 0);
    assert_one_error_line (&r, "zyzzyva");
  }
  /* Usage errors: no words, only punctuation, a bad kind or limit. */
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "search", "--index", index_file);
    g_assert_cmpint (r.status, ==, 2);
    assert_one_error_line (&r, NULL);
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "search", "--index", index_file, "\"\" ** --");
    g_assert_cmpint (r.status, ==, 2);
    assert_one_error_line (&r, "no word");
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "search", "--index", index_file, "--kind", "faq", "spooler");
    g_assert_cmpint (r.status, ==, 2);
    assert_one_error_line (&r, "faq");
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "search", "--index", index_file, "--limit", "0", "spooler");
    g_assert_cmpint (r.status, ==, 2);
    assert_one_error_line (&r, "--limit");
  }
}

static void
test_show_reference (void)
{
  g_autofree char *folder = make_classic_folder (FALSE);
  g_autofree char *kb = kb_dir ();
  g_autofree char *index_file = cache_file ("show.db");
  g_autofree char *first = NULL;

  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "show", "--index", index_file, "--kb-dir", folder, "Q317627");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.err, ==, "");
    g_assert_true (g_str_has_prefix (r.out,
                                     "XWEB: Troubleshooting HTTP 401.x Errs in Outlook Web Access 5.5\n"
                                     "===============================================================\n"
                                     "\n"
                                     "Article: Q317627\n"
                                     "Date: 2002-08-06\n"
                                     "Product: Microsoft Exchange\n"
                                     "Versions: :5.5\n"
                                     "Keywords: kbhowto, kbtshoot\n"));
    g_assert_nonnull (strstr (r.out, "\nSYMPTOMS\n========\n\nUsers get HTTP 401 errors when they log on"));
    /* The monospace block as written, indentation and alignment kept. */
    g_assert_nonnull (strstr (r.out, "\n   C:\\> iisreset /restart\n      Column A    Column B\n"));
    g_assert_true (g_str_has_suffix (r.out, "See also\n--------\n\n"
                                            "  Q119591    How to Obtain Microsoft Support Files from Online Services\n"));
    first = g_strdup (r.out);
  }
  {
    /* Every spelling of the number finds the same article. */
    static const char *const spellings[] = { "KB317627", "317627", "q317627" };

    for (guint i = 0; i < G_N_ELEMENTS (spellings); i++)
      {
        g_auto(Result) r = { 0, };
        run (&r, NULL, "show", "--index", index_file, "--kb-dir", folder, spellings[i]);
        g_assert_cmpint (r.status, ==, 0);
        g_assert_cmpstr (r.out, ==, first);
      }
  }
  {
    /* A file, by its path; the ISO-8859-1 one comes out as UTF-8. */
    g_auto(Result) r = { 0, };
    g_autofree char *file = g_build_filename (folder, "q200001.txt", NULL);

    run (&r, NULL, "show", "--index", index_file, file);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_str_has_prefix (r.out, "Café configuration of the Zürich mail gateway\n"));
    g_assert_nonnull (strstr (r.out, "The gateway stops working in the café.\n"));
    g_assert_null (strstr (r.out, "See also"));
  }
  {
    /* A decision tree on the search path is still shown as one. */
    g_auto(Result) r = { 0, };
    run (&r, NULL, "show", "--index", index_file, "--kb-dir", folder, "--kb-dir", kb, "312395");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_str_has_prefix (r.out, "KB312395: "));
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "show", "--index", index_file, "--kb-dir", folder, "Q5");
    g_assert_cmpint (r.status, ==, 3);
    assert_one_error_line (&r, "Q5");
  }
}

static void
test_index (void)
{
  g_autofree char *folder = make_classic_folder (FALSE);
  g_autofree char *index_file = cache_file ("index-test.db");

  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "index", "--index", index_file, "--kb-dir", folder);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.err, ==, "");
    g_assert_true (g_str_has_prefix (r.out, "Index updated: 3 added, 0 changed, 0 removed, "));
    g_assert_true (g_file_test (index_file, G_FILE_TEST_IS_REGULAR));
  }
  {
    g_auto(Result) r = { 0, };
    g_autofree char *file_line = g_strdup_printf ("Index file: %s\n", index_file);

    run (&r, NULL, "index", "--stats", "--index", index_file, "--kb-dir", folder);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_str_has_prefix (r.out, file_line));
    g_assert_nonnull (strstr (r.out, "\nSize on disk: "));
    g_assert_nonnull (strstr (r.out, "\n  Reference articles: 3\n"));
    g_assert_nonnull (strstr (r.out, "\nLast update: 0 added, 0 changed, 0 removed, "));
    g_assert_nonnull (strstr (r.out, "\nProblems: 0\n"));
  }
  {
    /* A broken file is a problem that makes the exit status 1. */
    g_autoptr(JsonObject) stats = NULL;
    JsonObject *last;
    JsonArray *problems;

    write_bytes (folder, "Q999999.TXT", "This is not a KB article.\n", -1);
    stats = index_stats (index_file, folder);
    last = json_object_get_object_member (stats, "last_update");
    problems = json_object_get_array_member (stats, "problems");
    g_assert_cmpstr (json_object_get_string_member (stats, "file"), ==, index_file);
    g_assert_cmpint (json_object_get_int_member (stats, "size"), >, 0);
    g_assert_cmpint (json_object_get_int_member (stats, "references"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (last, "added"), ==, 0);
    g_assert_cmpuint (json_array_get_length (problems), ==, 1);
    g_assert_nonnull (strstr (json_array_get_string_element (problems, 0), "Q999999.TXT"));
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "index", "--index", index_file, "--kb-dir", folder);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "Q999999.TXT"));
  }
  {
    /* Rebuilt from nothing: every article added again. */
    g_auto(Result) r = { 0, };
    g_autoptr(JsonNode) root = NULL;
    JsonObject *last;
    g_autofree char *deleted = g_build_filename (folder, "Q999999.TXT", NULL);

    g_assert_cmpint (g_unlink (deleted), ==, 0);
    run (&r, NULL, "index", "--rebuild", "--json", "--index", index_file, "--kb-dir", folder);
    g_assert_cmpint (r.status, ==, 0);
    root = parse_json (r.out);
    last = json_object_get_object_member (json_node_get_object (root), "last_update");
    g_assert_cmpint (json_object_get_int_member (last, "added"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (last, "removed"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "references"), ==, 3);
  }
  {
    g_auto(Result) r = { 0, };
    run (&r, NULL, "index", "--index", index_file, "extra");
    g_assert_cmpint (r.status, ==, 2);
    assert_one_error_line (&r, NULL);
  }
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
  g_test_add_func ("/cli/import", test_import);
  g_test_add_func ("/cli/search", test_search);
  g_test_add_func ("/cli/show/reference", test_show_reference);
  g_test_add_func ("/cli/index", test_index);

  return g_test_run ();
}
