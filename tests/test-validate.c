/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The validator: every diagnostic at once, with severity, code, node and
 * position; and how loading treats articles with errors or warnings. */
#include "config.h"

#include <string.h>

#include "kbdecide.h"

#define OUTCOME(id) "\"" id "\":{\"kind\":\"outcome\",\"result\":\"resolved\",\"title\":\"Done\",\"text\":\"Fixed.\"}"
#define ANSWER(id, label, next) "{\"id\":\"" id "\",\"label\":\"" label "\",\"next\":\"" next "\"}"
#define QUESTION(id, answers) "\"" id "\":{\"kind\":\"question\",\"prompt\":\"Is it so?\",\"answers\":[" answers "]}"
#define PROCEDURE(id, steps, next) \
  "\"" id "\":{\"kind\":\"procedure\",\"title\":\"Do it\",\"steps\":[" steps "],\"next\":\"" next "\"}"
#define STEP(id, text) "{\"id\":\"" id "\",\"text\":\"" text "\"}"

/* Builds an article whose nodes start on line 2, one node per line. */
static GBytes *
build_article (const char *start,
               const char *const *nodes)
{
  GString *json = g_string_new ("{\"format\":1,\"id\":\"KB000002\",\"language\":\"en\","
                                "\"title\":\"Test\",\"summary\":\"A test article.\","
                                "\"applies_to\":[{\"product\":\"Example\"}],\"revision\":1,"
                                "\"reviewed\":\"2026-11-25\","
                                "\"source\":{\"publisher\":\"Example\",\"reference\":\"KB000002\"},");

  g_string_append_printf (json, "\"start\":\"%s\",\"nodes\":{", start);
  for (guint i = 0; nodes[i] != NULL; i++)
    g_string_append_printf (json, "%s\n%s", i > 0 ? "," : "", nodes[i]);
  g_string_append (json, "\n}}\n");
  return g_string_free_to_bytes (json);
}

static KbdArticle *
load_unvalidated (const char         *start,
                  const char *const  *nodes)
{
  g_autoptr(GBytes) bytes = build_article (start, nodes);
  g_autoptr(GError) error = NULL;
  KbdArticle *article = kbd_article_new_from_bytes (bytes, "test.json", KBD_LOAD_FLAGS_NO_VALIDATE, &error);

  g_assert_no_error (error);
  return article;
}

/* Looks for a diagnostic with this code on this node (NULL: any node). */
static KbdDiagnostic *
find (GPtrArray  *diagnostics,
      const char *code,
      const char *node_id)
{
  for (guint i = 0; i < diagnostics->len; i++)
    {
      KbdDiagnostic *d = g_ptr_array_index (diagnostics, i);

      if (g_str_equal (kbd_diagnostic_get_code (d), code) &&
          (node_id == NULL || g_strcmp0 (kbd_diagnostic_get_node_id (d), node_id) == 0))
        return d;
    }
  return NULL;
}

static void
dump (GPtrArray *diagnostics)
{
  for (guint i = 0; i < diagnostics->len; i++)
    {
      g_autofree char *text = kbd_diagnostic_to_string (g_ptr_array_index (diagnostics, i));
      g_test_message ("%s", text);
    }
}

static KbdDiagnostic *
expect (GPtrArray   *diagnostics,
        const char  *code,
        const char  *node_id,
        KbdSeverity  severity,
        guint        line)
{
  KbdDiagnostic *d = find (diagnostics, code, node_id);

  if (d == NULL)
    {
      dump (diagnostics);
      g_error ("no %s diagnostic on %s", code, node_id ? node_id : "(article)");
    }
  g_assert_cmpint (kbd_diagnostic_get_severity (d), ==, severity);
  g_assert_cmpstr (kbd_diagnostic_get_file (d), ==, "test.json");
  g_assert_cmpstr (kbd_diagnostic_get_message (d), !=, "");
  if (line > 0)
    g_assert_cmpuint (kbd_diagnostic_get_line (d), ==, line);
  g_assert_cmpuint (kbd_diagnostic_get_column (d), >=, 1);
  return d;
}

static void
test_clean (void)
{
  const char *nodes[] = {
    QUESTION ("q", ANSWER ("a", "Yes", "p") "," ANSWER ("b", "No", "done")),
    PROCEDURE ("p", STEP ("s1", "Restart the *SMTP* service."), "done"),
    OUTCOME ("done"),
    NULL
  };
  g_autoptr(KbdArticle) article = load_unvalidated ("q", nodes);
  g_autoptr(GPtrArray) diagnostics = kbd_article_validate (article);

  dump (diagnostics);
  g_assert_cmpuint (diagnostics->len, ==, 0);
}

static void
test_all_at_once (void)
{
  /* Five problems in one file: all five are reported, in one call. */
  const char *nodes[] = {
    QUESTION ("q", ANSWER ("a", "Yes", "nowhere") "," ANSWER ("b", "Yes", "done")),
    OUTCOME ("done"),
    QUESTION ("orphan", ANSWER ("a", "Go", "done")),
    OUTCOME ("lost"),
    PROCEDURE ("p", STEP ("s1", "Do.") "," STEP ("s1", "Do again."), "done"),
    NULL
  };
  g_autoptr(KbdArticle) article = load_unvalidated ("q", nodes);
  g_autoptr(GPtrArray) diagnostics = kbd_article_validate (article);
  KbdDiagnostic *d;
  g_autofree char *text = NULL;

  dump (diagnostics);
  d = expect (diagnostics, "dangling-target", "q", KBD_SEVERITY_ERROR, 0);
  g_assert_nonnull (strstr (kbd_diagnostic_get_message (d), "nowhere"));
  expect (diagnostics, "duplicate-label", "q", KBD_SEVERITY_ERROR, 0);
  expect (diagnostics, "unreachable", "orphan", KBD_SEVERITY_WARNING, 4);
  expect (diagnostics, "unreachable-outcome", "lost", KBD_SEVERITY_WARNING, 5);
  expect (diagnostics, "duplicate-id", "p", KBD_SEVERITY_ERROR, 0);

  /* Compiler style: file:line:col: severity: message [code] */
  d = find (diagnostics, "unreachable", "orphan");
  text = kbd_diagnostic_to_string (d);
  g_assert_true (g_str_has_prefix (text, "test.json:4:"));
  g_assert_nonnull (strstr (text, ": warning: "));
  g_assert_true (g_str_has_suffix (text, "[unreachable]"));
}

static void
test_missing_start (void)
{
  const char *nodes[] = { OUTCOME ("done"), NULL };
  g_autoptr(KbdArticle) article = load_unvalidated ("nope", nodes);
  g_autoptr(GPtrArray) diagnostics = kbd_article_validate (article);
  KbdDiagnostic *d = expect (diagnostics, "missing-start", NULL, KBD_SEVERITY_ERROR, 0);

  g_assert_nonnull (strstr (kbd_diagnostic_get_message (d), "nope"));
}

static void
test_start_is_outcome (void)
{
  const char *nodes[] = { OUTCOME ("done"), NULL };
  g_autoptr(KbdArticle) article = load_unvalidated ("done", nodes);
  g_autoptr(GPtrArray) diagnostics = kbd_article_validate (article);

  expect (diagnostics, "start-is-outcome", "done", KBD_SEVERITY_WARNING, 2);
  g_assert_cmpuint (diagnostics->len, ==, 1);
}

static void
test_loop_without_exit (void)
{
  /* q1 and q2 send each other back and forth and never reach the outcome
   * that only the start can reach. */
  const char *nodes[] = {
    QUESTION ("start", ANSWER ("in", "Enter", "q1") "," ANSWER ("out", "Leave", "done")),
    QUESTION ("q1", ANSWER ("a", "Next", "q2")),
    QUESTION ("q2", ANSWER ("a", "Again", "q1") "," ANSWER ("b", "Stay", "q2")),
    OUTCOME ("done"),
    NULL
  };
  g_autoptr(KbdArticle) article = load_unvalidated ("start", nodes);
  g_autoptr(GPtrArray) diagnostics = kbd_article_validate (article);

  dump (diagnostics);
  expect (diagnostics, "no-exit", "q1", KBD_SEVERITY_ERROR, 3);
  expect (diagnostics, "no-exit", "q2", KBD_SEVERITY_ERROR, 4);
  expect (diagnostics, "self-loop", "q2", KBD_SEVERITY_WARNING, 0);
  g_assert_null (find (diagnostics, "no-exit", "start"));
}

static void
test_empty_text (void)
{
  /* Markup with nothing in it is as empty as nothing. */
  const char *nodes[] = {
    QUESTION ("q", ANSWER ("a", "Yes", "p") "," ANSWER ("b", "No", "done")),
    PROCEDURE ("p", STEP ("s1", "**"), "done"),
    OUTCOME ("done"),
    NULL
  };
  g_autoptr(GBytes) bytes = build_article ("q", nodes);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = kbd_article_new_from_bytes (bytes, "test.json", KBD_LOAD_FLAGS_NO_VALIDATE, &error);
  g_autoptr(GPtrArray) diagnostics = NULL;

  if (article == NULL)
    {
      /* The loader may already refuse it; then with a field path. */
      g_assert_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, "steps[0].text"));
      return;
    }
  diagnostics = kbd_article_validate (article);
  dump (diagnostics);
  expect (diagnostics, "empty-text", "p", KBD_SEVERITY_ERROR, 0);
}

static void
test_load_refuses_errors (void)
{
  const char *nodes[] = {
    QUESTION ("q", ANSWER ("a", "Yes", "nowhere") "," ANSWER ("b", "No", "done")),
    OUTCOME ("done"),
    NULL
  };
  g_autoptr(GBytes) bytes = build_article ("q", nodes);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = kbd_article_new_from_bytes (bytes, "test.json", KBD_LOAD_FLAGS_NONE, &error);

  g_assert_null (article);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_INVALID_ARTICLE);
  g_assert_nonnull (strstr (error->message, "test.json:2:"));
  g_assert_nonnull (strstr (error->message, "nowhere"));
}

static void
test_load_accepts_warnings (void)
{
  const char *nodes[] = {
    QUESTION ("q", ANSWER ("a", "Yes", "done")),
    OUTCOME ("done"),
    OUTCOME ("lost"),
    NULL
  };
  g_autoptr(GBytes) bytes = build_article ("q", nodes);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = kbd_article_new_from_bytes (bytes, "test.json", KBD_LOAD_FLAGS_NONE, &error);
  g_autoptr(GPtrArray) diagnostics = NULL;

  g_assert_no_error (error);
  diagnostics = kbd_article_validate (article);
  g_assert_cmpuint (diagnostics->len, ==, 1);
  expect (diagnostics, "unreachable-outcome", "lost", KBD_SEVERITY_WARNING, 4);
}

static void
test_order_is_stable (void)
{
  /* Diagnostics come in file order, so a compiler-style listing reads
   * top to bottom and two runs print the same thing. */
  const char *nodes[] = {
    QUESTION ("q", ANSWER ("a", "Yes", "x1") "," ANSWER ("b", "No", "done")),
    OUTCOME ("done"),
    QUESTION ("r", ANSWER ("a", "Yes", "x2")),
    QUESTION ("s", ANSWER ("a", "Yes", "x3")),
    NULL
  };
  g_autoptr(KbdArticle) article = load_unvalidated ("q", nodes);
  g_autoptr(GPtrArray) first = kbd_article_validate (article);
  g_autoptr(GPtrArray) second = kbd_article_validate (article);

  g_assert_cmpuint (first->len, ==, second->len);
  for (guint i = 0; i < first->len; i++)
    {
      g_autofree char *a = kbd_diagnostic_to_string (g_ptr_array_index (first, i));
      g_autofree char *b = kbd_diagnostic_to_string (g_ptr_array_index (second, i));

      g_assert_cmpstr (a, ==, b);
      if (i > 0)
        g_assert_cmpuint (kbd_diagnostic_get_line (g_ptr_array_index (first, i - 1)), <=,
                          kbd_diagnostic_get_line (g_ptr_array_index (first, i)));
    }
  g_assert_nonnull (find (first, "dangling-target", "s"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/validate/clean", test_clean);
  g_test_add_func ("/validate/all-at-once", test_all_at_once);
  g_test_add_func ("/validate/missing-start", test_missing_start);
  g_test_add_func ("/validate/start-is-outcome", test_start_is_outcome);
  g_test_add_func ("/validate/loop-without-exit", test_loop_without_exit);
  g_test_add_func ("/validate/empty-text", test_empty_text);
  g_test_add_func ("/validate/order-is-stable", test_order_is_stable);
  g_test_add_func ("/validate/load-refuses-errors", test_load_refuses_errors);
  g_test_add_func ("/validate/load-accepts-warnings", test_load_accepts_warnings);

  return g_test_run ();
}
