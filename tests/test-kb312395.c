/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* KB 312395 as a decision tree: its facts, and every walk through it, both
 * through KbdSession and through `kbdecide run --answers`. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "kbdecide.h"

typedef struct
{
  const char *name;
  const char *answers;   /* comma-separated answer ids, as the CLI takes them */
  const char *outcome;   /* the outcome node the walk must end on */
  KbdOutcomeResult result;
} Walk;

/* Every path from the start to an outcome that visits no node twice. The
 * enumeration test checks that this table is exactly what the article's
 * graph yields, so a changed tree cannot slip by unpinned. */
static const Walk simple_walks[] = {
  { "not-applicable", "no", "not_applicable", KBD_OUTCOME_NOT_APPLICABLE },
  { "standalone-setup-resolved", "yes,standalone,setup_reinstall,yes",
    "standalone_resolved", KBD_OUTCOME_RESOLVED },
  { "standalone-setup-escalate", "yes,standalone,setup_reinstall,both_tried",
    "standalone_escalate", KBD_OUTCOME_ESCALATE },
  { "standalone-tool-resolved", "yes,standalone,smtpreinstall,yes",
    "standalone_resolved", KBD_OUTCOME_RESOLVED },
  { "standalone-tool-escalate", "yes,standalone,smtpreinstall,both_tried",
    "standalone_escalate", KBD_OUTCOME_ESCALATE },
  { "cluster-backup-resolved", "yes,cluster,yes,yes", "cluster_resolved", KBD_OUTCOME_RESOLVED },
  { "cluster-backup-escalate", "yes,cluster,yes,no", "cluster_escalate", KBD_OUTCOME_ESCALATE },
  { "cluster-backup-then-method2-common-files", "yes,cluster,yes,try_method2,yes",
    "common_files_escalate", KBD_OUTCOME_ESCALATE },
  { "cluster-method2-common-files", "yes,cluster,no,yes",
    "common_files_escalate", KBD_OUTCOME_ESCALATE },
  { "cluster-method2-resolved", "yes,cluster,no,no,yes", "cluster_resolved", KBD_OUTCOME_RESOLVED },
  { "cluster-method2-escalate", "yes,cluster,no,no,no", "cluster_escalate", KBD_OUTCOME_ESCALATE },
};

/* Walks that take the article's loops: trying the other method. */
static const Walk loop_walks[] = {
  { "standalone-setup-then-tool-resolved", "yes,standalone,setup_reinstall,other_method,smtpreinstall,yes",
    "standalone_resolved", KBD_OUTCOME_RESOLVED },
  { "standalone-tool-then-setup-escalate", "yes,standalone,smtpreinstall,other_method,setup_reinstall,both_tried",
    "standalone_escalate", KBD_OUTCOME_ESCALATE },
  { "cluster-backup-then-method2-resolved", "yes,cluster,yes,try_method2,no,yes",
    "cluster_resolved", KBD_OUTCOME_RESOLVED },
  { "cluster-backup-then-method2-escalate", "yes,cluster,yes,try_method2,no,no",
    "cluster_escalate", KBD_OUTCOME_ESCALATE },
};

static char *
article_path (void)
{
  return g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
}

static KbdArticle *
load_article (void)
{
  g_autofree char *path = article_path ();
  g_autoptr(GError) error = NULL;
  KbdArticle *article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (article);
  return article;
}

/* Walks @answers through a session, advancing over procedures, and returns
 * the session at its end; fails the test if an answer does not fit. */
static KbdSession *
walk (KbdArticle *article,
      const char *answers)
{
  g_auto(GStrv) ids = g_strsplit (answers, ",", -1);
  KbdSession *session = kbd_session_new (article, "tester", "T-1");
  guint next = 0;

  while (!kbd_session_get_finished (session))
    {
      KbdNode *node = kbd_session_get_current_node (session);
      g_autoptr(GError) error = NULL;

      if (kbd_node_get_kind (node) == KBD_NODE_PROCEDURE)
        {
          guint n_steps = 0;
          KbdStep *const *steps = kbd_node_get_steps (node, &n_steps);

          for (guint i = 0; i < n_steps; i++)
            {
              kbd_session_set_step_done (session, kbd_step_get_id (steps[i]), TRUE, &error);
              g_assert_no_error (error);
            }
          kbd_session_advance (session, &error);
          g_assert_no_error (error);
          continue;
        }

      g_assert_cmpint (kbd_node_get_kind (node), ==, KBD_NODE_QUESTION);
      if (ids[next] == NULL)
        g_error ("answers “%s” ran out at %s", answers, kbd_node_get_id (node));
      kbd_session_choose (session, ids[next], &error);
      g_assert_no_error (error);
      next++;
    }

  g_assert_cmpstr (ids[next], ==, NULL);
  return session;
}

static void
check_walk (gconstpointer data)
{
  const Walk *w = data;
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = walk (article, w->answers);
  KbdNode *end = kbd_session_get_current_node (session);
  g_autoptr(GPtrArray) events = kbd_session_get_events (session);
  KbdEvent *last = g_ptr_array_index (events, events->len - 1);
  g_autofree char *summary = NULL;

  g_assert_cmpstr (kbd_node_get_id (end), ==, w->outcome);
  g_assert_cmpint (kbd_session_get_outcome (session), ==, w->result);
  g_assert_cmpint (kbd_node_get_result (end), ==, w->result);
  g_assert_cmpint (kbd_event_get_kind (last), ==, KBD_EVENT_FINISH);
  g_assert_cmpint (kbd_event_get_result (last), ==, w->result);

  summary = kbd_session_build_summary (session, KBD_TEXT_FORMAT_PLAIN);
  g_assert_nonnull (strstr (summary, "KB312395"));
  if (w->result == KBD_OUTCOME_ESCALATE)
    {
      g_autofree char *contact = kbd_text_render (kbd_node_get_contact (end), KBD_TEXT_FORMAT_PLAIN);

      g_assert_nonnull (strstr (contact, "Microsoft Product Support Services"));
      g_assert_nonnull (strstr (summary, contact));
    }
}

/* The German edition through the CLI, as a technician with a German
 * desktop runs it: the same answers reach the same outcome, and what is
 * printed is the German article and German program text. */
static void
check_walk_cli_german (gconstpointer data)
{
  const Walk *w = data;
  g_autofree char *path = article_path ();
  g_autofree char *po = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.de.po", NULL);
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdArticle) german = NULL;
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *outcome_id = g_strdup_printf ("(%s)", w->outcome);
  g_autofree char *title_de = NULL;
  g_autofree char *title_en = NULL;
  g_autofree char *first_label = NULL;
  const char *cli = g_getenv ("KBDECIDE_CLI");
  const char *argv[] = { cli, "run", "--no-history", "--answers", w->answers, path, NULL };
  char *saved = g_strdup (setlocale (LC_ALL, NULL));
  gboolean have_locale = setlocale (LC_ALL, "de_DE.UTF-8") != NULL;
  KbdNode *applies;
  int status = 0;

  setlocale (LC_ALL, saved);
  g_free (saved);
  if (!have_locale || !g_file_test (po, G_FILE_TEST_EXISTS))
    {
      g_test_skip (!have_locale ? "the de_DE.UTF-8 locale is not installed" : "no German translation");
      return;
    }

  german = kbd_article_translate_file (article, po, &diagnostics, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (diagnostics->len, ==, 0);
  title_de = kbd_text_render (kbd_node_get_title (kbd_article_get_node (german, w->outcome)), KBD_TEXT_FORMAT_PLAIN);
  title_en = kbd_text_render (kbd_node_get_title (kbd_article_get_node (article, w->outcome)), KBD_TEXT_FORMAT_PLAIN);
  /* The label of the first answer given, as the German article has it. */
  applies = kbd_article_get_start_node (german);
  {
    g_autofree char *first_id = g_strndup (w->answers, strcspn (w->answers, ","));

    first_label = kbd_text_render (kbd_answer_get_label (kbd_node_find_answer (applies, first_id)),
                                   KBD_TEXT_FORMAT_PLAIN);
  }
  g_assert_cmpstr (title_de, !=, title_en);

  env = g_environ_setenv (env, "LC_ALL", "de_DE.UTF-8", TRUE);
  env = g_environ_setenv (env, "LANGUAGE", "de", TRUE);
  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  /* The same outcome, shown in German … */
  g_assert_nonnull (strstr (out, outcome_id));
  g_assert_nonnull (strstr (out, title_de));
  g_assert_null (strstr (out, title_en));
  g_assert_nonnull (strstr (out, first_label));
  /* … with the program's own words in German too. */
  g_assert_null (strstr (out, "Outcome:"));
}

static void
check_walk_cli (gconstpointer data)
{
  const Walk *w = data;
  g_autofree char *path = article_path ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("KBDECIDE_CLI");
  const char *argv[] = { cli, "run", "--no-history", "--answers", w->answers, path, NULL };
  int status = 0;
  const char *result = w->result == KBD_OUTCOME_RESOLVED ? "resolved"
                       : w->result == KBD_OUTCOME_ESCALATE ? "escalate" : "not-applicable";

  g_assert_nonnull (cli);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  expected = g_strdup_printf ("Outcome: %s (%s): ", result, w->outcome);
  g_assert_nonnull (strstr (out, expected));
  if (w->result == KBD_OUTCOME_ESCALATE)
    g_assert_nonnull (strstr (out, "Escalate to: Microsoft Product Support Services (PSS)"));
  else
    g_assert_null (strstr (out, "Escalate to:"));
}

/* Enumerates every simple path over the article's own graph (procedures
 * have their single way on) and returns them as "answers→outcome" strings. */
static void
enumerate (KbdArticle *article,
           KbdNode    *node,
           GHashTable *on_path,
           GPtrArray  *answers,
           GPtrArray  *found)
{
  const char *id = kbd_node_get_id (node);

  if (g_hash_table_contains (on_path, id))
    return;

  switch (kbd_node_get_kind (node))
    {
    case KBD_NODE_OUTCOME:
      {
        g_autofree char *joined = NULL;

        g_ptr_array_add (answers, NULL);
        joined = g_strjoinv (",", (char **) answers->pdata);
        g_ptr_array_remove_index (answers, answers->len - 1);
        g_ptr_array_add (found, g_strdup_printf ("%s→%s", joined, id));
      }
      return;

    case KBD_NODE_PROCEDURE:
      g_hash_table_add (on_path, (gpointer) id);
      enumerate (article, kbd_article_get_node (article, kbd_node_get_next (node)),
                 on_path, answers, found);
      g_hash_table_remove (on_path, id);
      return;

    case KBD_NODE_QUESTION:
    default:
      {
        guint n_answers = 0;
        KbdAnswer *const *list = kbd_node_get_answers (node, &n_answers);

        g_hash_table_add (on_path, (gpointer) id);
        for (guint i = 0; i < n_answers; i++)
          {
            g_ptr_array_add (answers, (gpointer) kbd_answer_get_id (list[i]));
            enumerate (article, kbd_article_get_node (article, kbd_answer_get_next (list[i])),
                       on_path, answers, found);
            g_ptr_array_remove_index (answers, answers->len - 1);
          }
        g_hash_table_remove (on_path, id);
      }
      return;
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
test_every_simple_path_is_pinned (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(GHashTable) on_path = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) answers = g_ptr_array_new ();
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) pinned = g_ptr_array_new_with_free_func (g_free);

  enumerate (article, kbd_article_get_start_node (article), on_path, answers, found);
  for (guint i = 0; i < G_N_ELEMENTS (simple_walks); i++)
    g_ptr_array_add (pinned, g_strdup_printf ("%s→%s", simple_walks[i].answers, simple_walks[i].outcome));

  g_ptr_array_sort (found, compare_strings);
  g_ptr_array_sort (pinned, compare_strings);
  g_assert_cmpuint (found->len, ==, pinned->len);
  for (guint i = 0; i < found->len; i++)
    g_assert_cmpstr (g_ptr_array_index (found, i), ==, g_ptr_array_index (pinned, i));
}

static void
test_every_answer_and_outcome_is_walked (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) ends = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_nodes = 0;
  KbdNode *const *nodes = kbd_article_get_nodes (article, &n_nodes);

  for (guint table = 0; table < 2; table++)
    {
      const Walk *walks = table == 0 ? simple_walks : loop_walks;
      guint n = table == 0 ? G_N_ELEMENTS (simple_walks) : G_N_ELEMENTS (loop_walks);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(KbdSession) session = walk (article, walks[i].answers);
          GListModel *path = kbd_session_get_path (session);

          for (guint p = 0; p < g_list_model_get_n_items (path); p++)
            {
              g_autoptr(KbdVisit) visit = g_list_model_get_item (path, p);
              KbdAnswer *answer = kbd_visit_get_answer (visit);

              if (answer != NULL)
                g_hash_table_add (taken, g_strdup_printf ("%s/%s",
                                                          kbd_node_get_id (kbd_visit_get_node (visit)),
                                                          kbd_answer_get_id (answer)));
            }
          g_hash_table_add (ends, (gpointer) kbd_node_get_id (kbd_session_get_current_node (session)));
        }
    }

  for (guint i = 0; i < n_nodes; i++)
    {
      guint n_answers = 0;
      KbdAnswer *const *list = kbd_node_get_answers (nodes[i], &n_answers);

      if (kbd_node_get_kind (nodes[i]) == KBD_NODE_OUTCOME)
        g_assert_true (g_hash_table_contains (ends, kbd_node_get_id (nodes[i])));
      for (guint a = 0; a < n_answers; a++)
        {
          g_autofree char *key = g_strdup_printf ("%s/%s", kbd_node_get_id (nodes[i]),
                                                  kbd_answer_get_id (list[a]));

          if (!g_hash_table_contains (taken, key))
            g_error ("no walk takes the answer %s", key);
        }
    }
  g_assert_cmpuint (g_hash_table_size (ends), ==, 6);
}

static void
test_validates_clean (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(GPtrArray) diagnostics = kbd_article_validate (article);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      g_autofree char *text = kbd_diagnostic_to_string (g_ptr_array_index (diagnostics, i));
      g_test_message ("%s", text);
    }
  g_assert_cmpuint (diagnostics->len, ==, 0);
}

static void
test_metadata (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  guint n_products = 0;
  KbdProduct *const *products = kbd_article_get_products (article, &n_products);
  gboolean enterprise = FALSE;

  g_assert_cmpstr (kbd_article_get_id (article), ==, "KB312395");
  g_assert_cmpstr (kbd_article_get_language (article), ==, "en");
  g_assert_cmpstr (kbd_article_get_start_id (article), ==, "applies");
  g_assert_cmpstr (kbd_article_get_source_reference (article), ==, "KB312395");
  g_assert_nonnull (strstr (kbd_article_get_title (article), "SMTP"));
  g_assert_nonnull (strstr (kbd_article_get_summary (article), "Exchange 2000"));
  g_assert_cmpuint (kbd_article_get_revision (article), >=, 1);
  g_assert_true (g_strv_contains (kbd_article_get_keywords (article), "metabase"));
  g_assert_true (g_str_has_prefix (kbd_article_get_content_hash (article), "sha256:"));
  g_assert_cmpuint (strlen (kbd_article_get_content_hash (article)), ==, strlen ("sha256:") + 64);

  for (guint i = 0; i < n_products; i++)
    if (g_strcmp0 (kbd_product_get_name (products[i]), "Microsoft Exchange 2000 Enterprise Server") == 0)
      enterprise = TRUE;
  g_assert_true (enterprise);
}

static KbdNode *
get_node (KbdArticle *article,
          const char *id,
          KbdNodeKind kind)
{
  KbdNode *node = kbd_article_get_node (article, id);

  if (node == NULL)
    g_error ("the article has no node %s", id);
  g_assert_cmpint (kbd_node_get_kind (node), ==, kind);
  return node;
}

static void
test_structure (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  KbdNode *role = get_node (article, "server_role", KBD_NODE_QUESTION);
  KbdNode *method2 = get_node (article, "cluster_method2", KBD_NODE_PROCEDURE);
  KbdNode *method2b = get_node (article, "cluster_method2_continued", KBD_NODE_PROCEDURE);
  KbdNode *method1 = get_node (article, "cluster_method1", KBD_NODE_PROCEDURE);
  KbdNode *common = get_node (article, "common_files_escalate", KBD_NODE_OUTCOME);
  KbdStep *check;
  g_autofree char *check_text = NULL;
  guint n = 0, n2 = 0, n_callouts = 0, n_notes = 0;
  KbdStep *const *steps;

  /* Stand-alone or cluster is asked right after the article applies. */
  kbd_node_get_answers (role, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (kbd_answer_get_next (kbd_node_find_answer (role, "standalone")), ==, "standalone_method");
  g_assert_cmpstr (kbd_answer_get_next (kbd_node_find_answer (role, "cluster")), ==, "cluster_backup");

  /* Method 2: six repair steps across the two procedures, split by the
   * Common Files question, with three callouts on the removal step. */
  kbd_node_get_steps (method2, &n);
  kbd_node_get_steps (method2b, &n2);
  g_assert_cmpuint (n + n2, ==, 6);
  g_assert_cmpstr (kbd_node_get_next (method2), ==, "common_files_check");
  g_assert_cmpstr (kbd_node_get_next (method2b), ==, "cluster_verify");
  g_assert_cmpstr (kbd_node_get_next (method1), ==, "cluster_verify");
  steps = kbd_node_get_steps (method2, &n);
  for (guint i = 0; i < n; i++)
    {
      KbdCallout *const *callouts = kbd_step_get_callouts (steps[i], &n_callouts);

      for (guint c = 0; c < n_callouts; c++)
        {
          n_notes++;
          g_assert_cmpstr (kbd_step_get_id (steps[i]), ==, "remove_iis");
          g_assert_cmpstr (kbd_callout_get_text (callouts[c]), !=, "");
        }
    }
  g_assert_cmpuint (n_notes, ==, 3);

  /* Metabase.bin must be gone from SystemRoot\System32\Inetsrv. */
  check = kbd_node_find_step (method2b, "check_metabase_bin");
  g_assert_nonnull (check);
  check_text = kbd_text_render (kbd_step_get_text (check), KBD_TEXT_FORMAT_PLAIN);
  g_assert_nonnull (strstr (check_text, "Metabase.bin"));
  g_assert_nonnull (strstr (check_text, "SystemRoot\\System32\\Inetsrv"));

  /* Common Files removed: escalate to PSS to evict the node. */
  g_assert_cmpint (kbd_node_get_result (common), ==, KBD_OUTCOME_ESCALATE);
  g_assert_nonnull (strstr (kbd_node_get_contact (common), "PSS"));
  g_assert_nonnull (strstr (kbd_node_get_text (common), "evict"));
  g_assert_cmpstr (kbd_node_get_handover (common), !=, "");
}

typedef struct
{
  GHashTable *ids;
  guint count;
} StringCheck;

static void
check_string (const char *string_id,
              const char *text,
              gpointer    user_data)
{
  StringCheck *check = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = NULL;

  g_assert_false (g_hash_table_contains (check->ids, string_id));
  g_hash_table_add (check->ids, g_strdup (string_id));
  check->count++;

  kbd_text_check (text, NULL, &error);
  g_assert_no_error (error);
  plain = kbd_text_render (text, KBD_TEXT_FORMAT_PLAIN);
  g_assert_cmpstr (g_strstrip (plain), !=, "");
}

static void
test_every_string_renders (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  StringCheck check = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), 0 };

  /* Every user-visible string has a unique stable id and valid inline text. */
  kbd_article_foreach_string (article, check_string, &check);
  g_assert_cmpuint (check.count, >, 60);
  g_assert_true (g_hash_table_contains (check.ids, "article.title"));
  g_assert_true (g_hash_table_contains (check.ids, "node.server_role.prompt"));
  g_hash_table_unref (check.ids);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kb312395/validates-clean", test_validates_clean);
  g_test_add_func ("/kb312395/metadata", test_metadata);
  g_test_add_func ("/kb312395/structure", test_structure);
  g_test_add_func ("/kb312395/strings", test_every_string_renders);
  g_test_add_func ("/kb312395/paths/all-pinned", test_every_simple_path_is_pinned);
  g_test_add_func ("/kb312395/paths/every-answer-walked", test_every_answer_and_outcome_is_walked);

  for (guint table = 0; table < 2; table++)
    {
      const Walk *walks = table == 0 ? simple_walks : loop_walks;
      guint n = table == 0 ? G_N_ELEMENTS (simple_walks) : G_N_ELEMENTS (loop_walks);

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *session_path = g_strdup_printf ("/kb312395/walk/session/%s", walks[i].name);
          g_autofree char *cli_path = g_strdup_printf ("/kb312395/walk/cli/%s", walks[i].name);

          g_test_add_data_func (session_path, &walks[i], check_walk);
          g_test_add_data_func (cli_path, &walks[i], check_walk_cli);
          g_free (cli_path);
          cli_path = g_strdup_printf ("/kb312395/walk/cli-de/%s", walks[i].name);
          g_test_add_data_func (cli_path, &walks[i], check_walk_cli_german);
        }
    }

  return g_test_run ();
}
