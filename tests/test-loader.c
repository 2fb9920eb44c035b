/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kbdecide.h"
#include "kbd-article-private.h"

/* The loader's conformance tests, json-glib's way: every file in tests/kb/
 * is one test. `y_*.json` must load; `n_<code>.<what>.json` must fail with
 * the KbdError whose nick is <code>. Generated inputs (truncations, depth
 * bombs, special files, limits) follow. */

/* Helpers ------------------------------------------------------------------ */

static char *
conformance_dir (void)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");

  /* G_TEST_SRCDIR is set by `meson test`; the macro lets the program run
   * on its own too (under valgrind, gdb). */
  return g_build_filename (srcdir != NULL ? srcdir : KBD_TEST_SRCDIR, "kb", NULL);
}

static char *
conformance_file (const char *name)
{
  g_autofree char *dir = conformance_dir ();

  return g_build_filename (dir, name, NULL);
}

static char *
kb312395_file (void)
{
  return g_build_filename (KBD_SOURCE_KBDIR, "KB312395.json", NULL);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static const char *
error_nick (const GError *error)
{
  GEnumClass *klass;
  GEnumValue *value;

  if (error == NULL)
    return "none";
  if (error->domain != KBD_ERROR)
    return g_quark_to_string (error->domain);

  klass = g_type_class_ref (KBD_TYPE_ERROR);
  value = g_enum_get_value (klass, error->code);
  g_type_class_unref (klass);
  return value != NULL ? value->value_nick : "unknown-code";
}

/* The code a conformance file's name promises: `n_duplicate-key.top-level.json`
 * → KBD_ERROR_DUPLICATE_KEY. A name with no such nick fails the test. */
static int
expected_code (const char *basename)
{
  g_autofree char *nick = NULL;
  const char *dot;
  GEnumClass *klass;
  GEnumValue *value;
  int code;

  g_assert_true (g_str_has_prefix (basename, "n_"));
  dot = strchr (basename, '.');
  g_assert_nonnull (dot);
  nick = g_strndup (basename + 2, dot - (basename + 2));

  klass = g_type_class_ref (KBD_TYPE_ERROR);
  value = g_enum_get_value_by_nick (klass, nick);
  if (value == NULL)
    g_test_message ("%s: “%s” is not the nick of a KbdError", basename, nick);
  g_assert_nonnull (value);
  code = value->value;
  g_type_class_unref (klass);
  return code;
}

/* Where a message says the problem is: @message must start with
 * `@name:LINE:COLUMN: `; returns FALSE when it has no position. */
static gboolean
message_position (const char *message,
                  const char *name,
                  guint      *line,
                  guint      *column)
{
  const char *p;
  char *end;

  if (!g_str_has_prefix (message, name))
    return FALSE;
  p = message + strlen (name);
  if (*p++ != ':' || !g_ascii_isdigit (*p))
    return FALSE;
  *line = (guint) g_ascii_strtoull (p, &end, 10);
  if (*end++ != ':' || !g_ascii_isdigit (*end))
    return FALSE;
  *column = (guint) g_ascii_strtoull (end, &end, 10);
  return g_str_has_prefix (end, ": ");
}

/* Asserts that @line:@column lies inside @data (a column may point one past
 * the end of a line, where something is missing). */
static void
assert_position_inside (GBytes *data,
                        guint   line,
                        guint   column)
{
  gsize len;
  const char *p = g_bytes_get_data (data, &len);
  const char *end = p + len;
  const char *line_start = p;
  const char *line_end;

  g_assert_cmpuint (line, >=, 1);
  g_assert_cmpuint (column, >=, 1);
  for (guint i = 1; i < line; i++)
    {
      line_start = memchr (line_start, '\n', end - line_start);
      g_assert_nonnull (line_start);
      line_start++;
    }
  line_end = memchr (line_start, '\n', end - line_start);
  if (line_end == NULL)
    line_end = end;
  g_assert_cmpuint (column, <=, (gsize) (line_end - line_start) + 1);
}

/* Messages go to terminals: nothing from the document may carry control
 * characters into them. */
static void
assert_no_control_characters (const char *message)
{
  g_assert_true (g_utf8_validate (message, -1, NULL));
  for (const char *p = message; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      g_assert_false (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f));
    }
}

static char *
outcome_string (gsize             len,
                KbdArticle       *article,
                const GError     *error)
{
  return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes: %s", len,
                          article != NULL ? "loaded" : error_nick (error));
}

/* Conformance files -------------------------------------------------------- */

static void
check_loaded_article (KbdArticle *article)
{
  const char *hash = kbd_article_get_content_hash (article);
  g_autoptr(GPtrArray) diagnostics = NULL;
  KbdNode *const *nodes;
  guint n_nodes = 0;

  g_assert_true (KBD_IS_ARTICLE (article));
  g_assert_true (g_str_has_prefix (hash, "sha256:"));
  g_assert_cmpuint (strlen (hash), ==, strlen ("sha256:") + 64);
  nodes = kbd_article_get_nodes (article, &n_nodes);
  g_assert_cmpuint (n_nodes, >=, 1);
  g_assert_nonnull (nodes);
  g_assert_nonnull (kbd_article_get_start_node (article));

  diagnostics = kbd_article_validate (article);
  for (guint i = 0; i < diagnostics->len; i++)
    g_assert_cmpint (kbd_diagnostic_get_severity (g_ptr_array_index (diagnostics, i)),
                     ==, KBD_SEVERITY_WARNING);
}

static void
test_conformance_file (gconstpointer data)
{
  const char *path = data;
  g_autofree char *basename = g_path_get_basename (path);
  g_autoptr(GBytes) bytes = read_bytes (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) bytes_error = NULL;
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(KbdArticle) from_bytes = NULL;
  int code;
  guint line = 0, column = 0;

  article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);
  from_bytes = kbd_article_new_from_bytes (bytes, basename, KBD_LOAD_FLAGS_NONE, &bytes_error);

  if (g_str_has_prefix (basename, "y_"))
    {
      g_assert_no_error (error);
      g_assert_nonnull (article);
      check_loaded_article (article);
      g_assert_cmpstr (kbd_article_get_filename (article), ==, path);

      /* From memory exactly as from the file. */
      g_assert_no_error (bytes_error);
      g_assert_nonnull (from_bytes);
      g_assert_cmpstr (kbd_article_get_content_hash (from_bytes), ==,
                       kbd_article_get_content_hash (article));
      g_assert_cmpstr (kbd_article_get_id (from_bytes), ==, kbd_article_get_id (article));
      return;
    }

  code = expected_code (basename);
  g_assert_null (article);
  g_assert_error (error, KBD_ERROR, code);

  /* Every message names the file; inside the document also the line and
   * column, which must point into the file. */
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, basename));
  assert_no_control_characters (error->message);
  if (code == KBD_ERROR_EMPTY)
    g_assert_false (message_position (error->message, path, &line, &column));
  else
    {
      if (!message_position (error->message, path, &line, &column))
        g_test_message ("no position in: %s", error->message);
      g_assert_true (message_position (error->message, path, &line, &column));
      assert_position_inside (bytes, line, column);
    }

  /* The same bytes from memory fail the same way, under the display name. */
  g_assert_null (from_bytes);
  g_assert_error (bytes_error, KBD_ERROR, code);
  g_assert_true (g_str_has_prefix (bytes_error->message, basename));

  /* A graph error is the validator's: without it the file loads, which
   * shows the file has that one fault and no other. Every other fault is
   * found before the validator runs. */
  g_clear_error (&error);
  article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NO_VALIDATE, &error);
  if (code == KBD_ERROR_INVALID_ARTICLE)
    {
      g_assert_no_error (error);
      g_assert_nonnull (article);
    }
  else
    {
      g_assert_null (article);
      g_assert_error (error, KBD_ERROR, code);
    }
}

/* A few messages checked word for word: file, line:column, field path. */
static void
test_messages_name_file_position_and_field (void)
{
  static const struct
  {
    const char *file;
    const char *message;  /* after the folder */
  } cases[] = {
    { "n_wrong-type.answer-next-number.json",
      "n_wrong-type.answer-next-number.json:20:46: nodes.start.answers[1].next: expected a string, found an integer" },
    { "n_wrong-type.step-text-number.json",
      "n_wrong-type.step-text-number.json:29:19: nodes.fix.steps[0].text: expected a string, found an integer" },
    { "n_missing-field.answer-next.json",
      "n_missing-field.answer-next.json:20:9: nodes.start.answers[1].next: the required field “next” is missing" },
    { "n_unknown-field.callout.json",
      "n_unknown-field.callout.json:31:100: nodes.fix.steps[0].callouts[0].icon: unknown field; the format allows: id, kind, text" },
    { "n_duplicate-key.top-level.json",
      "n_duplicate-key.top-level.json:12:3: the key “title” appears twice (first on line 5)" },
    { "n_duplicate-key.large-object.json",
      "n_duplicate-key.large-object.json:33:5: nodes: the key “n07” appears twice (first on line 20)" },
    { "n_invalid-escape.lone-high-surrogate.json",
      "n_invalid-escape.lone-high-surrogate.json:5:21: title: lone high surrogate \\uD800" },
    { "n_encoding.latin1.json",
      "n_encoding.latin1.json:5:16: byte 0xe9 is not UTF-8 (is the file Latin-1?); save it as UTF-8" },
    { "n_encoding.utf8-bom.json",
      "n_encoding.utf8-bom.json:1:1: the file starts with a byte order mark; save it as UTF-8 without one" },
    { "n_syntax.trailing-comma-object.json",
      "n_syntax.trailing-comma-object.json:13:99: nodes.done: a trailing comma is not allowed before “}”" },
    { "n_invalid-value.date-february-30.json",
      "n_invalid-value.date-february-30.json:9:15: reviewed: “2026-02-30” is not a date in the form YYYY-MM-DD" },
    { "n_number-range.1e400.json",
      "n_number-range.1e400.json:8:15: revision: the number 1e400 is too large" },
    { "n_too-deep.nested-arrays.json",
      "n_too-deep.nested-arrays.json:11:46: keywords[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: arrays and objects are nested deeper than 32 levels" },
    { "n_unsupported-version.format-2.json",
      "n_unsupported-version.format-2.json:2:13: format: the article uses format 2; this version of KB Decide reads format 1" },
    { "n_limit-exceeded.answers-33.json",
      "n_limit-exceeded.answers-33.json:18:18: nodes.start.answers: has 33 entries; at most 32 are allowed" },
    { "n_invalid-value.inline-code-in-label.json",
      "n_invalid-value.inline-code-in-label.json:30:53: nodes.fix.steps[0].substeps[0].text: inline syntax at character 12: a code span cannot stand inside a *label*" },
    { "n_invalid-article.dangling-target.json",
      "n_invalid-article.dangling-target.json:20:9: error: " },
    { "n_unknown-field.control-characters-in-key.json",
      "n_unknown-field.control-characters-in-key.json:11:3: \\u001B[2J\\u0007\\u009B: unknown field; the format allows: "
      "$schema, format, id, language, title, summary, applies_to, revision, reviewed, source, "
      "keywords, see_also, start, nodes" },
    { "n_invalid-value.control-characters-in-id.json",
      "n_invalid-value.control-characters-in-id.json:3:9: id: “KB\\u001B[31m\\u000D” is not a valid "
      "article id: use 1–64 letters, digits, “_”, “-” and “.”, starting with a letter" },
    { "n_duplicate-key.control-characters-in-key.json",
      "n_duplicate-key.control-characters-in-key.json:12:3: the key “\\u001B” appears twice (first on line 11)" },
    { "n_empty.empty-file.json",
      "n_empty.empty-file.json: the file is empty" },
    { "n_empty.whitespace-only.json",
      "n_empty.whitespace-only.json: the file contains only white space" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = conformance_file (cases[i].file);
      g_autofree char *expected = conformance_file (cases[i].message);
      g_autoptr(GError) error = NULL;
      g_autoptr(KbdArticle) article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);

      g_assert_null (article);
      g_assert_nonnull (error);
      /* The expected text, then (for graph errors) the diagnostic itself. */
      if (g_str_has_suffix (cases[i].message, "error: "))
        {
          g_assert_true (g_str_has_prefix (error->message, expected));
          g_assert_true (g_str_has_suffix (error->message, "[dangling-target]"));
          g_assert_nonnull (strstr (error->message, "nowhere"));
        }
      else
        g_assert_cmpstr (error->message, ==, expected);
    }
}

/* What y_full-featured.json says is what the article holds: escapes,
 * surrogate pairs, raw UTF-8, inline escapes and a Windows path. */
static void
test_full_featured_reads_every_field (void)
{
  g_autofree char *path = conformance_file ("y_full-featured.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);
  KbdProduct *const *products;
  KbdReference *const *see_also;
  KbdAnswer *const *answers;
  KbdStep *const *steps;
  KbdStep *const *substeps;
  KbdCallout *const *callouts;
  const char *const *keywords;
  const char *const *versions;
  KbdNode *node;
  guint n = 0;

  g_assert_no_error (error);
  g_assert_nonnull (article);

  g_assert_cmpstr (kbd_article_get_id (article), ==, "KB000010");
  g_assert_cmpstr (kbd_article_get_language (article), ==, "pt-BR");
  g_assert_cmpstr (kbd_article_get_title (article), ==,
                   "Caf\xc3\xa9 printer: *Offline* after an update \xf0\x9f\x98\x80");
  g_assert_cmpstr (kbd_article_get_summary (article), ==,
                   "Na\xc3\xafve r\xc3\xa9sum\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e, "
                   "written raw: Cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e \xe2\x9c\x93.\n"
                   "A second line\twith a tab, a literal \\* star, a literal \\` backtick and a "
                   "literal \\\\ backslash. Quotes \"inside\", a slash / and a lone \\ backslash.");
  g_assert_cmpuint (kbd_article_get_revision (article), ==, 42);
  g_assert_cmpstr (kbd_article_get_reviewed (article), ==, "2024-02-29");
  g_assert_cmpstr (kbd_article_get_source_publisher (article), ==, "Example Corp");
  g_assert_cmpstr (kbd_article_get_source_reference (article), ==, "KB000010");
  g_assert_cmpstr (kbd_article_get_source_title (article), ==, "Example Knowledge Base article 10");
  g_assert_cmpstr (kbd_article_get_start_id (article), ==, "cable");

  keywords = kbd_article_get_keywords (article);
  g_assert_cmpuint (g_strv_length ((char **) keywords), ==, 3);
  g_assert_cmpstr (keywords[2], ==, "caf\xc3\xa9");

  products = kbd_article_get_products (article, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpstr (kbd_product_get_name (products[1]), ==, "Example OS Server");
  versions = kbd_product_get_versions (products[0]);
  g_assert_cmpuint (g_strv_length ((char **) versions), ==, 2);
  g_assert_cmpstr (versions[1], ==, "SP2");
  g_assert_cmpuint (g_strv_length ((char **) kbd_product_get_versions (products[1])), ==, 0);
  g_assert_cmpuint (g_strv_length ((char **) kbd_product_get_versions (products[2])), ==, 0);

  see_also = kbd_article_get_see_also (article, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (kbd_reference_get_title (see_also[0]), ==, "Printer *drivers*");
  g_assert_cmpstr (kbd_reference_get_id (see_also[1]), ==, "kb-000.12_b");
  g_assert_null (kbd_reference_get_title (see_also[1]));

  kbd_article_get_nodes (article, &n);
  g_assert_cmpuint (n, ==, 7);

  node = kbd_article_get_node (article, "cable");
  g_assert_nonnull (node);
  g_assert_cmpint (kbd_node_get_kind (node), ==, KBD_NODE_QUESTION);
  g_assert_cmpstr (kbd_node_get_help (node), ==, "A loose cable is the most common cause.\nCheck `LPT1` first.");
  answers = kbd_node_get_answers (node, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpstr (kbd_answer_get_help (answers[0]), ==, "Both ends click into place.");
  g_assert_null (kbd_answer_get_help (answers[1]));
  g_assert_cmpstr (kbd_answer_get_next (answers[2]), ==, "not_applicable");

  node = kbd_article_get_node (article, "restart_spooler");
  g_assert_nonnull (node);
  g_assert_cmpint (kbd_node_get_kind (node), ==, KBD_NODE_PROCEDURE);
  g_assert_cmpstr (kbd_node_get_intro (node), ==, "The spooler keeps the old state until it restarts.");
  g_assert_cmpstr (kbd_node_get_next (node), ==, "works");
  steps = kbd_node_get_steps (node, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (kbd_step_get_text (steps[1]), ==, "Wait 2\xc2\xa0minutes.");
  callouts = kbd_step_get_callouts (steps[0], &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpint (kbd_callout_get_kind (callouts[0]), ==, KBD_CALLOUT_IMPORTANT);
  g_assert_cmpint (kbd_callout_get_kind (callouts[1]), ==, KBD_CALLOUT_WARNING);
  g_assert_cmpint (kbd_callout_get_kind (callouts[2]), ==, KBD_CALLOUT_NOTE);
  g_assert_cmpstr (kbd_callout_get_id (callouts[1]), ==, "jobs");
  substeps = kbd_step_get_substeps (steps[0], &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (kbd_step_get_id (substeps[1]), ==, "check_path");
  g_assert_cmpstr (kbd_step_get_text (substeps[1]), ==,
                   "Check that `C:\\WINNT\\System32\\spool\\PRINTERS\\` is empty.");
  kbd_step_get_substeps (substeps[1], &n);
  g_assert_cmpuint (n, ==, 0);

  node = kbd_article_get_node (article, "fixed");
  g_assert_cmpint (kbd_node_get_result (node), ==, KBD_OUTCOME_RESOLVED);
  g_assert_null (kbd_node_get_contact (node));
  node = kbd_article_get_node (article, "escalate");
  g_assert_cmpint (kbd_node_get_result (node), ==, KBD_OUTCOME_ESCALATE);
  g_assert_cmpstr (kbd_node_get_contact (node), ==, "The print team (second line)");
  g_assert_cmpstr (kbd_node_get_handover (node), ==,
                   "The printer's name and the transcript of this session.");
  node = kbd_article_get_node (article, "not_applicable");
  g_assert_cmpint (kbd_node_get_result (node), ==, KBD_OUTCOME_NOT_APPLICABLE);
}

/* Truncations -------------------------------------------------------------- */

static gboolean
only_white_space (const char *data,
                  gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r' && data[i] != '\n')
      return FALSE;
  return TRUE;
}

/* Loads every @step-th proper prefix of @bytes and asserts the exact
 * outcome: loaded when only trailing white space was cut, empty when
 * nothing but white space is left, encoding (when @allow_encoding) for a
 * cut inside a multi-byte character, else syntax. */
static void
check_truncations (GBytes     *bytes,
                   const char *name,
                   gsize       step,
                   gboolean    allow_encoding)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  gsize content_len = len;
  guint n_checked = 0;

  g_assert_cmpuint (len, >, 0);
  while (content_len > 0 && only_white_space (data + content_len - 1, 1))
    content_len--;

  for (gsize cut = 0; cut < len; cut += step)
    {
      g_autoptr(GBytes) prefix = g_bytes_new (data, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(KbdArticle) article = kbd_article_new_from_bytes (prefix, name, KBD_LOAD_FLAGS_NONE,
                                                                  &error);
      g_autofree char *actual = outcome_string (cut, article, error);
      g_autofree char *expected = NULL;
      KbdError code;

      if (cut >= content_len)
        {
          g_assert_no_error (error);
          g_assert_nonnull (article);
          n_checked++;
          continue;
        }

      if (only_white_space (data, cut))
        code = KBD_ERROR_EMPTY;
      else if (allow_encoding && !g_utf8_validate_len (data, cut, NULL))
        code = KBD_ERROR_ENCODING;
      else
        code = KBD_ERROR_SYNTAX;

      {
        GError expected_error = { KBD_ERROR, code, NULL };

        expected = outcome_string (cut, NULL, &expected_error);
      }
      g_assert_cmpstr (actual, ==, expected);
      g_assert_null (article);
      g_assert_true (g_str_has_prefix (error->message, name));
      n_checked++;
    }

  g_assert_cmpuint (n_checked, ==, (len + step - 1) / step);
}

static void
test_truncated_minimal (void)
{
  g_autofree char *path = conformance_file ("y_minimal.json");
  g_autoptr(GBytes) bytes = read_bytes (path);

  /* y_minimal is ASCII: every cut is empty (length 0) or a syntax error. */
  check_truncations (bytes, "y_minimal.json", 1, FALSE);
}

static void
test_truncated_full_featured (void)
{
  g_autofree char *path = conformance_file ("y_full-featured.json");
  g_autoptr(GBytes) bytes = read_bytes (path);

  /* Cuts inside \u escapes and surrogate pairs are syntax errors (the file
   * ends early), not bad escapes; a cut inside a raw multi-byte character
   * leaves bytes that are not UTF-8. */
  check_truncations (bytes, "y_full-featured.json", 1, TRUE);
}

static void
test_truncated_kb312395 (void)
{
  g_autofree char *path = kb312395_file ();
  g_autoptr(GBytes) bytes = read_bytes (path);

  check_truncations (bytes, "KB312395.json", 7, FALSE);
}

/* Depth bombs -------------------------------------------------------------- */

static void
load_depth_bomb (const char *unit)
{
  gsize unit_len = strlen (unit);
  gsize n = 100000;
  char *data = g_malloc (unit_len * n);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = NULL;

  for (gsize i = 0; i < n; i++)
    memcpy (data + i * unit_len, unit, unit_len);
  bytes = g_bytes_new_take (data, unit_len * n);

  article = kbd_article_new_from_bytes (bytes, "bomb.json", KBD_LOAD_FLAGS_NONE, &error);
  g_assert_null (article);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_TOO_DEEP);
  g_assert_true (g_str_has_prefix (error->message, "bomb.json:1:"));
}

static void
test_depth_bomb_arrays (void)
{
  if (g_test_subprocess ())
    {
      load_depth_bomb ("[");
      return;
    }

  /* A stack overflow would kill the subprocess, not the test program. */
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_depth_bomb_objects (void)
{
  if (g_test_subprocess ())
    {
      load_depth_bomb ("{\"a\":");
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Files that are not regular files ---------------------------------------- */

static void
assert_load_fails (const char *path,
                   int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);

  g_assert_null (article);
  g_assert_error (error, KBD_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, path));
}

static void
test_rejects_fifo_without_blocking (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("kbd-loader-XXXXXX", &error);
      g_autofree char *fifo = NULL;

      g_assert_no_error (error);
      fifo = g_build_filename (dir, "KB000001.json", NULL);
      g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

      /* No writer ever opens the FIFO: a blocking open or read would hang
       * here until the parent's timeout kills the subprocess. */
      assert_load_fails (fifo, KBD_ERROR_NOT_REGULAR_FILE);

      g_assert_cmpint (g_unlink (fifo), ==, 0);
      g_assert_cmpint (g_rmdir (dir), ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 10 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_rejects_directory (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kbd-loader-XXXXXX", &error);
  g_autoptr(KbdArticle) article = NULL;

  g_assert_no_error (error);
  article = kbd_article_new_from_file (dir, KBD_LOAD_FLAGS_NONE, &error);
  g_assert_null (article);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_REGULAR_FILE);
  g_assert_true (g_str_has_prefix (error->message, dir));
  g_assert_nonnull (strstr (error->message, "folder"));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_rejects_character_device (void)
{
  /* /dev/null reads as an empty file; it must be refused as a device. */
  assert_load_fails ("/dev/null", KBD_ERROR_NOT_REGULAR_FILE);
}

static void
test_rejects_socket (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kbd-loader-XXXXXX", &error);
  g_autofree char *path = NULL;
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  int fd;

  g_assert_no_error (error);
  path = g_build_filename (dir, "KB000001.json", NULL);
  g_assert_cmpuint (strlen (path), <, sizeof address.sun_path);
  strcpy (address.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);

  /* open() fails on a socket (ENXIO); that is still "not a regular file". */
  assert_load_fails (path, KBD_ERROR_NOT_REGULAR_FILE);

  g_assert_cmpint (close (fd), ==, 0);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_reports_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kbd-loader-XXXXXX", &error);
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "KB999999.json", NULL);
  assert_load_fails (path, KBD_ERROR_NOT_FOUND);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A sparse file of @size bytes of NUL in a new folder. */
static char *
make_sparse_file (gsize   size,
                  char  **out_dir)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("kbd-loader-XXXXXX", &error);
  char *path;
  int fd;

  g_assert_no_error (error);
  path = g_build_filename (dir, "KB000001.json", NULL);
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) size), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);
  *out_dir = dir;
  return path;
}

static void
test_rejects_file_over_64_mib (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = make_sparse_file (KBD_MAX_FILE_SIZE + 1, &dir);

  assert_load_fails (path, KBD_ERROR_TOO_LARGE);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_reads_file_of_exactly_64_mib (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = make_sparse_file (KBD_MAX_FILE_SIZE, &dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);

  /* At the limit the file is read; its content (all NUL) is what fails. */
  g_assert_null (article);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_ENCODING);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, ":1:1: the file contains a NUL byte"));
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_rejects_bytes_over_64_mib (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_malloc0 (KBD_MAX_FILE_SIZE + 1),
                                              KBD_MAX_FILE_SIZE + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = kbd_article_new_from_bytes (bytes, "big.json", KBD_LOAD_FLAGS_NONE,
                                                              &error);

  g_assert_null (article);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_TOO_LARGE);
  g_assert_true (g_str_has_prefix (error->message, "big.json: "));
}

/* Limits ------------------------------------------------------------------- */

static const char minimal_head[] =
  "{\n"
  "  \"format\": 1,\n"
  "  \"id\": \"KB000001\",\n"
  "  \"language\": \"en\",\n"
  "  \"title\": \"Limits\",\n"
  "  \"summary\": \"Generated.\",\n"
  "  \"applies_to\": [ { \"product\": \"Example Product\" } ],\n"
  "  \"revision\": 1,\n"
  "  \"reviewed\": \"2026-11-25\",\n"
  "  \"source\": { \"publisher\": \"Example Corp\", \"reference\": \"KB000001\" },\n";

static KbdArticle *
load_string (GString     *text,
             const char  *name,
             GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text->str, text->len);

  return kbd_article_new_from_bytes (bytes, name, KBD_LOAD_FLAGS_NONE, error);
}

/* A minimal article whose `$schema` (a string the format does not limit
 * beyond the JSON limit) holds @n copies of @unit. */
static GString *
article_with_long_string (const char *unit,
                          gsize       n)
{
  GString *text = g_string_new ("{\n  \"$schema\": \"");

  for (gsize i = 0; i < n; i++)
    g_string_append (text, unit);
  g_string_append (text, "\",\n");
  g_string_append (text, minimal_head + 2);
  g_string_append (text,
                   "  \"start\": \"done\",\n"
                   "  \"nodes\": { \"done\": { \"kind\": \"outcome\", \"result\": \"resolved\", "
                   "\"title\": \"Done\", \"text\": \"Done.\" } }\n"
                   "}\n");
  return text;
}

static void
test_string_limit (void)
{
  static const struct
  {
    const char *unit;   /* JSON text */
    gsize unit_bytes;   /* decoded */
  } units[] = {
    { "x", 1 },          /* copied as is */
    { "\\u00e9", 2 },    /* decoded through escapes */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
    {
      gsize n = KBD_MAX_STRING_BYTES / units[i].unit_bytes;
      g_autoptr(GString) at_limit = article_with_long_string (units[i].unit, n);
      g_autoptr(GString) beyond = article_with_long_string (units[i].unit, n);
      g_autoptr(GError) error = NULL;
      g_autoptr(KbdArticle) article = NULL;

      g_assert_cmpuint (n * units[i].unit_bytes, ==, KBD_MAX_STRING_BYTES);

      /* Exactly 65,536 bytes is allowed. */
      article = load_string (at_limit, "long.json", &error);
      g_assert_no_error (error);
      g_assert_nonnull (article);
      g_clear_object (&article);

      /* One byte more is not. */
      g_string_insert (beyond, strlen ("{\n  \"$schema\": \""), "a");
      article = load_string (beyond, "long.json", &error);
      g_assert_null (article);
      g_assert_error (error, KBD_ERROR, KBD_ERROR_LIMIT_EXCEEDED);
      g_assert_cmpstr (error->message, ==,
                       "long.json:2:14: $schema: a string is longer than 65536 bytes");
    }
}

static GString *
article_with_steps (guint n_steps)
{
  GString *text = g_string_new (minimal_head);

  g_string_append (text,
                   "  \"start\": \"fix\",\n"
                   "  \"nodes\": {\n"
                   "    \"fix\": {\n"
                   "      \"kind\": \"procedure\",\n"
                   "      \"title\": \"Many steps\",\n"
                   "      \"steps\": [");
  for (guint i = 0; i < n_steps; i++)
    g_string_append_printf (text, "%s\n        { \"id\": \"s%u\", \"text\": \"Step %u.\" }",
                            i > 0 ? "," : "", i, i);
  g_string_append (text,
                   "\n      ],\n"
                   "      \"next\": \"done\"\n"
                   "    },\n"
                   "    \"done\": { \"kind\": \"outcome\", \"result\": \"resolved\", \"title\": \"Done\", \"text\": \"Done.\" }\n"
                   "  }\n"
                   "}\n");
  return text;
}

static void
test_step_limit (void)
{
  g_autoptr(GString) at_limit = article_with_steps (KBD_MAX_STEPS);
  g_autoptr(GString) beyond = article_with_steps (KBD_MAX_STEPS + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = NULL;
  guint n_steps = 0;

  article = load_string (at_limit, "steps.json", &error);
  g_assert_no_error (error);
  g_assert_nonnull (article);
  kbd_node_get_steps (kbd_article_get_node (article, "fix"), &n_steps);
  g_assert_cmpuint (n_steps, ==, 200);
  g_clear_object (&article);

  article = load_string (beyond, "steps.json", &error);
  g_assert_null (article);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpstr (error->message, ==,
                   "steps.json:16:16: nodes.fix.steps: has 201 entries; at most 200 are allowed");
}

/* An article whose `nodes` has @n_nodes members that are not even nodes:
 * the count is checked before any node is read, so this stays fast. */
static GString *
article_with_node_count (guint n_nodes)
{
  GString *text = g_string_new (minimal_head);

  g_string_append (text, "  \"start\": \"n0\",\n  \"nodes\": {");
  for (guint i = 0; i < n_nodes; i++)
    g_string_append_printf (text, "%s\"n%u\":0", i > 0 ? "," : "", i);
  g_string_append (text, "}\n}\n");
  return text;
}

static void
test_node_limit (void)
{
  g_autoptr(GString) at_limit = article_with_node_count (KBD_MAX_NODES);
  g_autoptr(GString) beyond = article_with_node_count (KBD_MAX_NODES + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = NULL;

  /* 200,000 passes the count; then the first node is read and refused. */
  article = load_string (at_limit, "nodes.json", &error);
  g_assert_null (article);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==,
                   "nodes.json:12:18: nodes.n0: expected an object, found an integer");
  g_clear_error (&error);

  article = load_string (beyond, "nodes.json", &error);
  g_assert_null (article);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpstr (error->message, ==,
                   "nodes.json:12:12: nodes: the article has 200001 nodes; at most 200000 are allowed");
}

/* Bytes and files ---------------------------------------------------------- */

static void
test_bytes_load_matches_file_load (void)
{
  g_autofree char *path = kb312395_file ();
  g_autoptr(GBytes) bytes = read_bytes (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) from_file = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);
  g_autoptr(KbdArticle) from_bytes = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *expected_hash = NULL;
  const char *hash;

  g_assert_no_error (error);
  g_assert_nonnull (from_file);
  from_bytes = kbd_article_new_from_bytes (bytes, "KB312395.json", KBD_LOAD_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (from_bytes);

  hash = kbd_article_get_content_hash (from_bytes);
  g_assert_true (g_str_has_prefix (hash, "sha256:"));
  g_assert_cmpstr (hash, ==, kbd_article_get_content_hash (from_file));

  /* The hash is of the file's bytes, exactly. */
  digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  expected_hash = g_strconcat ("sha256:", digest, NULL);
  g_assert_cmpstr (hash, ==, expected_hash);

  g_assert_cmpstr (kbd_article_get_id (from_bytes), ==, "KB312395");
  g_assert_cmpstr (kbd_article_get_display_name (from_bytes), ==, "KB312395.json");
  g_assert_null (kbd_article_get_filename (from_bytes));
  g_assert_cmpstr (kbd_article_get_filename (from_file), ==, path);
}

static void
test_same_bytes_load_identically (void)
{
  g_autofree char *path = kb312395_file ();
  g_autoptr(GBytes) bytes = read_bytes (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) first = NULL;
  g_autoptr(KbdArticle) second = NULL;
  KbdNode *const *nodes_a;
  KbdNode *const *nodes_b;
  guint n_a = 0, n_b = 0;

  first = kbd_article_new_from_bytes (bytes, "KB312395.json", KBD_LOAD_FLAGS_NONE, &error);
  g_assert_no_error (error);
  second = kbd_article_new_from_bytes (bytes, "KB312395.json", KBD_LOAD_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (first != second);

  g_assert_cmpstr (kbd_article_get_id (first), ==, kbd_article_get_id (second));
  g_assert_cmpstr (kbd_article_get_title (first), ==, kbd_article_get_title (second));
  g_assert_cmpstr (kbd_article_get_content_hash (first), ==, kbd_article_get_content_hash (second));
  g_assert_cmpuint (kbd_article_get_revision (first), ==, kbd_article_get_revision (second));
  g_assert_cmpuint (g_strv_length ((char **) kbd_article_get_keywords (first)), ==,
                    g_strv_length ((char **) kbd_article_get_keywords (second)));

  nodes_a = kbd_article_get_nodes (first, &n_a);
  nodes_b = kbd_article_get_nodes (second, &n_b);
  g_assert_cmpuint (n_a, ==, n_b);
  g_assert_cmpuint (n_a, >, 10);
  for (guint i = 0; i < n_a; i++)
    {
      guint answers_a = 0, answers_b = 0, steps_a = 0, steps_b = 0;

      g_assert_cmpstr (kbd_node_get_id (nodes_a[i]), ==, kbd_node_get_id (nodes_b[i]));
      g_assert_cmpint (kbd_node_get_kind (nodes_a[i]), ==, kbd_node_get_kind (nodes_b[i]));
      g_assert_cmpuint (kbd_node_get_line (nodes_a[i]), ==, kbd_node_get_line (nodes_b[i]));
      g_assert_cmpuint (kbd_node_get_column (nodes_a[i]), ==, kbd_node_get_column (nodes_b[i]));
      kbd_node_get_answers (nodes_a[i], &answers_a);
      kbd_node_get_answers (nodes_b[i], &answers_b);
      g_assert_cmpuint (answers_a, ==, answers_b);
      kbd_node_get_steps (nodes_a[i], &steps_a);
      kbd_node_get_steps (nodes_b[i], &steps_b);
      g_assert_cmpuint (steps_a, ==, steps_b);
    }
}

static void
test_failed_load_returns_null (void)
{
  static const char broken[] = "{ \"format\": 1, \"id\": \"KB000001\" ";
  g_autoptr(GBytes) bytes = g_bytes_new_static (broken, sizeof broken - 1);
  g_autoptr(GError) error = NULL;
  KbdArticle *article;

  article = kbd_article_new_from_bytes (bytes, "broken.json", KBD_LOAD_FLAGS_NONE, &error);
  g_assert_null (article);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==,
                   "broken.json:1:33: the file ends too early: expected “,” or “}”");

  /* Without an error location the result is the same NULL, with no warning. */
  article = kbd_article_new_from_bytes (bytes, "broken.json", KBD_LOAD_FLAGS_NONE, NULL);
  g_assert_null (article);

  /* A fault found late (after objects were built) leaves nothing behind
   * either; valgrind checks that nothing leaks. */
  {
    g_autofree char *path = conformance_file ("n_missing-field.escalation-handover.json");

    g_clear_error (&error);
    article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);
    g_assert_null (article);
    g_assert_error (error, KBD_ERROR, KBD_ERROR_MISSING_FIELD);
  }
}

/* Registration ------------------------------------------------------------- */

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* One test per conformance file; the paths live until the program ends. */
static GPtrArray *
add_conformance_tests (void)
{
  g_autofree char *dir_path = conformance_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, &error);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *test_path = g_strconcat ("/Kbd/Loader/conformance/", file, NULL);
      char *path = g_build_filename (dir_path, file, NULL);

      g_ptr_array_add (paths, path);
      g_test_add_data_func (test_path, path, test_conformance_file);
    }

  g_ptr_array_unref (names);
  return paths;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) paths = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  paths = add_conformance_tests ();
  g_test_add_func ("/Kbd/Loader/messages-name-file-position-and-field",
                   test_messages_name_file_position_and_field);
  g_test_add_func ("/Kbd/Loader/full-featured-article-reads-every-field",
                   test_full_featured_reads_every_field);
  g_test_add_func ("/Kbd/Loader/truncated/every-prefix-of-y_minimal",
                   test_truncated_minimal);
  g_test_add_func ("/Kbd/Loader/truncated/every-prefix-of-y_full-featured",
                   test_truncated_full_featured);
  g_test_add_func ("/Kbd/Loader/truncated/every-7th-prefix-of-KB312395",
                   test_truncated_kb312395);
  g_test_add_func ("/Kbd/Loader/rejects-depth-bomb-of-arrays", test_depth_bomb_arrays);
  g_test_add_func ("/Kbd/Loader/rejects-depth-bomb-of-objects", test_depth_bomb_objects);
  g_test_add_func ("/Kbd/Loader/rejects-fifo-without-blocking", test_rejects_fifo_without_blocking);
  g_test_add_func ("/Kbd/Loader/rejects-directory", test_rejects_directory);
  g_test_add_func ("/Kbd/Loader/rejects-character-device", test_rejects_character_device);
  g_test_add_func ("/Kbd/Loader/rejects-socket", test_rejects_socket);
  g_test_add_func ("/Kbd/Loader/reports-missing-file-as-not-found", test_reports_missing_file);
  g_test_add_func ("/Kbd/Loader/rejects-file-over-64-mib", test_rejects_file_over_64_mib);
  g_test_add_func ("/Kbd/Loader/reads-file-of-exactly-64-mib", test_reads_file_of_exactly_64_mib);
  g_test_add_func ("/Kbd/Loader/rejects-bytes-over-64-mib", test_rejects_bytes_over_64_mib);
  g_test_add_func ("/Kbd/Loader/limits/string-of-65536-bytes", test_string_limit);
  g_test_add_func ("/Kbd/Loader/limits/200-steps", test_step_limit);
  g_test_add_func ("/Kbd/Loader/limits/200000-nodes", test_node_limit);
  g_test_add_func ("/Kbd/Loader/bytes-load-matches-file-load", test_bytes_load_matches_file_load);
  g_test_add_func ("/Kbd/Loader/same-bytes-load-identically", test_same_bytes_load_identically);
  g_test_add_func ("/Kbd/Loader/failed-load-returns-null", test_failed_load_returns_null);

  return g_test_run ();
}
