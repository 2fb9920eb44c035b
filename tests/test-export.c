/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Article export: graphs (dot, mermaid) that tools parse, documents
 * (markdown, text) that hold the whole article, and the string table. */
#include "config.h"

#include <string.h>

#include "kbdecide.h"

/* Marks of every syntax the exporters write, in every field they show. */
static const char hostile_json[] =
  "{\"format\":1,\"id\":\"KB000003\",\"language\":\"en\","
  "\"title\":\"Quote \\\" back\\\\ {brace} <script>x</script> |pipe| [sq] (p)\","
  "\"summary\":\"Line one\\nline two\\ttab.\",\"applies_to\":[{\"product\":\"X\"}],"
  "\"revision\":1,\"reviewed\":\"2026-11-25\",\"source\":{\"publisher\":\"X\",\"reference\":\"KB000003\"},"
  "\"start\":\"q\",\"nodes\":{"
  "\"q\":{\"kind\":\"question\",\"prompt\":\"Is \\\"it\\\" <b>on</b>? {yes} ]\","
  "\"answers\":[{\"id\":\"yes\",\"label\":\"Yes \\\"really\\\" ]|\",\"next\":\"p\"},"
  "{\"id\":\"no\",\"label\":\"No; --> end\",\"next\":\"done\"}]},"
  "\"p\":{\"kind\":\"procedure\",\"title\":\"Do # it\",\"steps\":[{\"id\":\"s1\",\"text\":\"Type `a\\\"b` and *OK*.\"}],\"next\":\"done\"},"
  "\"done\":{\"kind\":\"outcome\",\"result\":\"resolved\",\"title\":\"Done [end]\",\"text\":\"Fixed.\"}}}";

static KbdArticle *
load_hostile (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (hostile_json, strlen (hostile_json));
  g_autoptr(GError) error = NULL;
  KbdArticle *article = kbd_article_new_from_bytes (bytes, "hostile.json", KBD_LOAD_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return article;
}

static KbdArticle *
load_kb312395 (void)
{
  g_autofree char *path = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
  g_autoptr(GError) error = NULL;
  KbdArticle *article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return article;
}

/* Edges of the graph: one per answer, one per procedure. */
static guint
count_edges (KbdArticle *article)
{
  guint n_nodes = 0, edges = 0;
  KbdNode *const *nodes = kbd_article_get_nodes (article, &n_nodes);

  for (guint i = 0; i < n_nodes; i++)
    {
      guint n_answers = 0;

      kbd_node_get_answers (nodes[i], &n_answers);
      edges += n_answers;
      if (kbd_node_get_kind (nodes[i]) == KBD_NODE_PROCEDURE)
        edges++;
    }
  return edges;
}

static guint
count_occurrences (const char *haystack,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + strlen (needle), needle))
    n++;
  return n;
}

/* Checks DOT's lexical structure: strings close, braces balance outside
 * strings, one graph. */
static void
check_dot (const char *dot,
           KbdArticle *article)
{
  gboolean in_string = FALSE;
  int depth = 0;
  guint n_nodes = 0;
  KbdNode *const *nodes = kbd_article_get_nodes (article, &n_nodes);
  g_autofree char *head = g_strdup_printf ("digraph \"%s\" {\n", kbd_article_get_id (article));

  g_assert_true (g_str_has_prefix (dot, head));
  g_assert_true (g_str_has_suffix (dot, "}\n"));

  for (const char *p = dot; *p; p++)
    {
      if (in_string)
        {
          if (*p == '\\' && p[1] != '\0')
            p++;
          else if (*p == '"')
            in_string = FALSE;
          else
            g_assert_cmpint (*p, !=, '\n');
        }
      else if (*p == '"')
        in_string = TRUE;
      else if (*p == '{')
        depth++;
      else if (*p == '}')
        {
          depth--;
          g_assert_cmpint (depth, >=, 0);
        }
    }
  g_assert_false (in_string);
  g_assert_cmpint (depth, ==, 0);

  for (guint i = 0; i < n_nodes; i++)
    {
      g_autofree char *decl = g_strdup_printf ("\n  %s [", kbd_node_get_id (nodes[i]));
      g_assert_nonnull (strstr (dot, decl));
    }
  g_assert_cmpuint (count_occurrences (dot, " -> "), ==, count_edges (article));
}

static void
check_mermaid (const char *mermaid,
               KbdArticle *article)
{
  g_auto(GStrv) lines = g_strsplit (mermaid, "\n", -1);

  g_assert_cmpstr (lines[0], ==, "flowchart TD");
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_autoptr(GString) rest = g_string_new (lines[i]);

      /* Labels are quoted, with no quote, angle bracket or arrow inside. */
      g_assert_cmpuint (count_occurrences (lines[i], "\"") % 2, ==, 0);
      g_string_replace (rest, "-->", "", 0);
      g_assert_null (strchr (rest->str, '<'));
      g_assert_null (strchr (rest->str, '>'));
    }
  g_assert_cmpuint (count_occurrences (mermaid, "-->"), ==, count_edges (article));
}

static void
test_dot (void)
{
  g_autoptr(KbdArticle) kb = load_kb312395 ();
  g_autoptr(KbdArticle) hostile = load_hostile ();
  g_autofree char *a = kbd_article_export (kb, KBD_EXPORT_DOT);
  g_autofree char *b = kbd_article_export (hostile, KBD_EXPORT_DOT);

  check_dot (a, kb);
  check_dot (b, hostile);
  g_assert_nonnull (strstr (a, "cluster_verify -> cluster_method2"));
  g_assert_nonnull (strstr (b, "Is \\\"it\\\""));
}

static void
test_mermaid (void)
{
  g_autoptr(KbdArticle) kb = load_kb312395 ();
  g_autoptr(KbdArticle) hostile = load_hostile ();
  g_autofree char *a = kbd_article_export (kb, KBD_EXPORT_MERMAID);
  g_autofree char *b = kbd_article_export (hostile, KBD_EXPORT_MERMAID);

  check_mermaid (a, kb);
  check_mermaid (b, hostile);
  g_assert_nonnull (strstr (a, "common_files_check -->"));
}

typedef struct
{
  const char *document;
  KbdTextFormat format;
  guint count;
} Contains;

static void
check_contains (const char *string_id,
                const char *text,
                gpointer    user_data)
{
  Contains *c = user_data;
  g_autofree char *rendered = kbd_text_render (text, c->format);
  g_auto(GStrv) lines = g_strsplit (rendered, "\n", -1);

  /* A text of several lines may be indented or quoted line by line. */
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (c->document, g_strstrip (lines[i])) == NULL)
      g_error ("the export lacks %s: %s", string_id, lines[i]);
  c->count++;
}

static void
test_documents_hold_everything (void)
{
  /* Markdown and text hold every string of the article, rendered. */
  g_autoptr(KbdArticle) kb = load_kb312395 ();
  g_autofree char *markdown = kbd_article_export (kb, KBD_EXPORT_MARKDOWN);
  g_autofree char *text = kbd_article_export (kb, KBD_EXPORT_TEXT);
  Contains md = { markdown, KBD_TEXT_FORMAT_MARKDOWN, 0 };
  Contains plain = { text, KBD_TEXT_FORMAT_PLAIN, 0 };
  guint n_nodes = 0;
  KbdNode *const *nodes = kbd_article_get_nodes (kb, &n_nodes);

  kbd_article_foreach_string (kb, check_contains, &md);
  kbd_article_foreach_string (kb, check_contains, &plain);
  g_assert_cmpuint (md.count, >, 60);
  g_assert_cmpuint (md.count, ==, plain.count);

  for (guint i = 0; i < n_nodes; i++)
    {
      g_autofree char *anchor = g_strdup_printf ("<a id=\"%s\"></a>", kbd_node_get_id (nodes[i]));
      g_assert_cmpuint (count_occurrences (markdown, anchor), ==, 1);
    }
  g_assert_true (g_str_has_prefix (markdown, "# KB312395: "));
  g_assert_null (strchr (text, '\033'));
}

static void
test_markdown_escapes (void)
{
  g_autoptr(KbdArticle) hostile = load_hostile ();
  g_autofree char *markdown = kbd_article_export (hostile, KBD_EXPORT_MARKDOWN);

  g_assert_null (strstr (markdown, "<script>"));
  g_assert_null (strstr (markdown, "<b>"));
  g_assert_nonnull (strstr (markdown, "\\<script\\>"));
  g_assert_nonnull (strstr (markdown, "`a\"b`"));
  g_assert_nonnull (strstr (markdown, "**OK**"));
  /* Headings come from the exporter only. */
  g_assert_cmpuint (count_occurrences (markdown, "\n## "), ==, 3);
}

static void
unescape_into (GString    *out,
               const char *escaped)
{
  for (const char *p = escaped; *p; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          g_string_append_c (out, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
        }
      else
        g_string_append_c (out, *p);
    }
}

static void
collect (const char *string_id,
         const char *text,
         gpointer    user_data)
{
  g_hash_table_insert (user_data, g_strdup (string_id), g_strdup (text));
}

static void
check_strings (KbdArticle *article)
{
  g_autofree char *table = kbd_article_export (article, KBD_EXPORT_STRINGS);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (table, "\n", -1);
  guint n = 0;

  kbd_article_foreach_string (article, collect, expected);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *tab;
      g_autofree char *id = NULL;
      g_autoptr(GString) text = g_string_new (NULL);

      if (lines[i][0] == '\0')
        {
          g_assert_null (lines[i + 1]);
          break;
        }
      tab = strchr (lines[i], '\t');
      g_assert_nonnull (tab);
      id = g_strndup (lines[i], tab - lines[i]);
      unescape_into (text, tab + 1);
      g_assert_cmpstr (text->str, ==, g_hash_table_lookup (expected, id));
      n++;
    }
  g_assert_cmpuint (n, ==, g_hash_table_size (expected));
}

static void
test_strings (void)
{
  g_autoptr(KbdArticle) kb = load_kb312395 ();
  g_autoptr(KbdArticle) hostile = load_hostile ();

  check_strings (kb);
  check_strings (hostile);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/export/dot", test_dot);
  g_test_add_func ("/export/mermaid", test_mermaid);
  g_test_add_func ("/export/documents-hold-everything", test_documents_hold_everything);
  g_test_add_func ("/export/markdown-escapes", test_markdown_escapes);
  g_test_add_func ("/export/strings", test_strings);

  return g_test_run ();
}
