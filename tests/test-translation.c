/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Article translations: PO files read strictly, strings that fall back to
 * the original with a reason, a structure no translation can change,
 * templates and merges that translators' tools accept, and the choice of
 * a translation from the user's languages. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kbdecide.h"

#if defined(__SANITIZE_ADDRESS__)
# define TEST_UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define TEST_UNDER_ASAN 1
# endif
#endif

/* Helpers ------------------------------------------------------------------ */

static char *
article_path (void)
{
  return g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
}

static char *
article_text (void)
{
  g_autofree char *path = article_path ();
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static KbdArticle *
load_kb312395 (void)
{
  g_autofree char *path = article_path ();
  g_autoptr(GError) error = NULL;
  KbdArticle *article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return article;
}

/* One user-visible string: its id and its text. */
typedef struct
{
  char *id;
  char *text;
} Str;

static void
str_free (Str *s)
{
  g_free (s->id);
  g_free (s->text);
  g_free (s);
}

static void
collect_cb (const char *string_id,
            const char *text,
            gpointer    user_data)
{
  GPtrArray *strings = user_data;
  Str *s = g_new0 (Str, 1);

  s->id = g_strdup (string_id);
  s->text = g_strdup (text);
  g_ptr_array_add (strings, s);
}

static GPtrArray *
collect_strings (KbdArticle *article)
{
  GPtrArray *strings = g_ptr_array_new_with_free_func ((GDestroyNotify) str_free);

  kbd_article_foreach_string (article, collect_cb, strings);
  g_assert_cmpuint (strings->len, >, 0);
  return strings;
}

static const char *
string_text (GPtrArray  *strings,
             const char *string_id)
{
  for (guint i = 0; i < strings->len; i++)
    {
      Str *s = g_ptr_array_index (strings, i);

      if (g_str_equal (s->id, string_id))
        return s->text;
    }
  g_error ("no string %s", string_id);
  return NULL;
}

/* "node.<id>.…" → "<id>", NULL otherwise. */
static char *
node_of (const char *string_id)
{
  const char *start, *end;

  if (!g_str_has_prefix (string_id, "node."))
    return NULL;
  start = string_id + strlen ("node.");
  end = strchr (start, '.');
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

/* Writing PO text in the tests, with its line numbers. */

static guint
po_next_line (GString *po)
{
  guint line = 1;

  for (gsize i = 0; i < po->len; i++)
    line += po->str[i] == '\n';
  return line;
}

static void
po_append (GString    *po,
           const char *keyword,
           const char *text)
{
  g_string_append_printf (po, "%s \"", keyword);
  for (const char *p = text; *p != '\0'; p++)
    switch (*p)
      {
      case '\n': g_string_append (po, "\\n"); break;
      case '\t': g_string_append (po, "\\t"); break;
      case '"': g_string_append (po, "\\\""); break;
      case '\\': g_string_append (po, "\\\\"); break;
      default: g_string_append_c (po, *p); break;
      }
  g_string_append (po, "\"\n");
}

static GString *
po_new (const char *language)
{
  GString *po = g_string_new (NULL);

  g_string_append_printf (po,
                          "msgid \"\"\n"
                          "msgstr \"\"\n"
                          "\"Language: %s\\n\"\n"
                          "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
                          "\n",
                          language);
  return po;
}

/* Appends an entry (after @prefix lines, comments or flags) and a blank
 * line; returns the line the entry starts on. */
static guint
po_add (GString    *po,
        const char *prefix,
        const char *context,
        const char *id,
        const char *str)
{
  guint line = po_next_line (po);

  if (prefix != NULL)
    g_string_append (po, prefix);
  if (context != NULL)
    po_append (po, "msgctxt", context);
  po_append (po, "msgid", id);
  po_append (po, "msgstr", str);
  g_string_append_c (po, '\n');
  return line;
}

static char *
german (const char *text)
{
  return g_strconcat ("DE: ", text, NULL);
}

/* A translation of every string of @strings as "DE: " + the text. */
static GString *
po_translate_all (GPtrArray *strings)
{
  GString *po = po_new ("de");

  for (guint i = 0; i < strings->len; i++)
    {
      Str *s = g_ptr_array_index (strings, i);
      g_autofree char *str = german (s->text);

      po_add (po, NULL, s->id, s->text, str);
    }
  return po;
}

static KbdArticle *
translate_text (KbdArticle  *article,
                const char  *po,
                gsize        len,
                GPtrArray  **diagnostics)
{
  g_autoptr(GBytes) bytes = g_bytes_new (po, len);
  g_autoptr(GError) error = NULL;
  KbdArticle *translated = kbd_article_translate (article, bytes, "t.po", diagnostics, &error);

  g_assert_no_error (error);
  g_assert_nonnull (translated);
  g_assert_true (translated != article);
  if (diagnostics != NULL)
    g_assert_nonnull (*diagnostics);
  return translated;
}

static KbdDiagnostic *
diagnostic_at_line (GPtrArray *diagnostics,
                    guint      line)
{
  KbdDiagnostic *found = NULL;

  for (guint i = 0; i < diagnostics->len; i++)
    {
      KbdDiagnostic *d = g_ptr_array_index (diagnostics, i);

      if (kbd_diagnostic_get_line (d) == line)
        {
          g_assert_null (found);
          found = d;
        }
    }
  if (found == NULL)
    g_error ("no diagnostic at line %u", line);
  return found;
}

static void
assert_diagnostic (KbdDiagnostic *d,
                   const char    *code,
                   const char    *string_id,
                   const char    *file,
                   guint          line)
{
  g_autofree char *node_id = string_id != NULL ? node_of (string_id) : NULL;

  g_assert_cmpint (kbd_diagnostic_get_severity (d), ==, KBD_SEVERITY_WARNING);
  g_assert_cmpstr (kbd_diagnostic_get_code (d), ==, code);
  g_assert_cmpstr (kbd_diagnostic_get_node_id (d), ==, node_id);
  g_assert_cmpstr (kbd_diagnostic_get_file (d), ==, file);
  g_assert_cmpuint (kbd_diagnostic_get_line (d), ==, line);
  if (string_id != NULL)
    g_assert_nonnull (strstr (kbd_diagnostic_get_message (d), string_id));
}

static guint
count_code (GPtrArray  *diagnostics,
            const char *code)
{
  guint n = 0;

  for (guint i = 0; i < diagnostics->len; i++)
    n += g_str_equal (kbd_diagnostic_get_code (g_ptr_array_index (diagnostics, i)), code);
  return n;
}

/* A small PO reader of the tests' own, to check what the library writes
 * without trusting the library's reader. Only the syntax the library
 * writes: every entry is followed by a blank line. */

typedef struct
{
  char *context;
  char *id;
  char *str;
  char *previous;   /* "#| msgid", or NULL */
  GString *comments;
  gboolean fuzzy;
  gboolean obsolete;
  guint line;
} TEntry;

static void
tentry_free (TEntry *e)
{
  g_free (e->context);
  g_free (e->id);
  g_free (e->str);
  g_free (e->previous);
  g_string_free (e->comments, TRUE);
  g_free (e);
}

/* Unquotes a "…" string, appending to @out. */
static void
unquote (const char *quoted,
         GString    *out)
{
  const char *p = quoted;

  g_assert_cmpint (*p, ==, '"');
  for (p++; *p != '"'; p++)
    {
      g_assert_cmpint (*p, !=, '\0');
      if (*p != '\\')
        {
          g_string_append_c (out, *p);
          continue;
        }
      p++;
      switch (*p)
        {
        case 'n': g_string_append_c (out, '\n'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case '"': g_string_append_c (out, '"'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        default: g_error ("unexpected escape \\%c in %s", *p, quoted);
        }
    }
  g_assert_cmpstr (p + 1, ==, "");
}

static GPtrArray *
tpo_parse (const char *text)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) tentry_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  TEntry *e = NULL;
  GString *target = NULL;
  GString *fields[4] = { NULL, };  /* msgctxt, msgid, msgstr, #| msgid */

  for (guint n = 0; ; n++)
    {
      char *line = lines[n];

      if (line == NULL || line[0] == '\0')
        {
          if (e != NULL)
            {
              g_assert_nonnull (fields[1]);
              g_assert_nonnull (fields[2]);
              e->context = fields[0] != NULL ? g_string_free (fields[0], FALSE) : NULL;
              e->id = g_string_free (fields[1], FALSE);
              e->str = g_string_free (fields[2], FALSE);
              e->previous = fields[3] != NULL ? g_string_free (fields[3], FALSE) : NULL;
              memset (fields, 0, sizeof fields);
              g_ptr_array_add (entries, g_steal_pointer (&e));
            }
          target = NULL;
          if (line == NULL)
            break;
          continue;
        }

      if (e == NULL)
        {
          e = g_new0 (TEntry, 1);
          e->comments = g_string_new (NULL);
          e->line = n + 1;
        }

      if (g_str_has_prefix (line, "#~ "))
        {
          e->obsolete = TRUE;
          line += 3;
        }
      else if (g_str_has_prefix (line, "#, "))
        {
          g_auto(GStrv) flags = g_strsplit_set (line + 3, ", ", -1);

          e->fuzzy = e->fuzzy || g_strv_contains ((const char * const *) flags, "fuzzy");
          continue;
        }
      else if (g_str_has_prefix (line, "#| msgid "))
        {
          g_assert_null (fields[3]);
          fields[3] = target = g_string_new (NULL);
          unquote (line + strlen ("#| msgid "), target);
          continue;
        }
      else if (g_str_has_prefix (line, "#| \""))
        {
          g_assert_true (target == fields[3] && target != NULL);
          unquote (line + 3, target);
          continue;
        }
      else if (g_str_has_prefix (line, "# "))
        {
          g_string_append_printf (e->comments, "%s\n", line + 2);
          continue;
        }
      else if (line[0] == '#')
        continue;

      if (line[0] == '"')
        {
          g_assert_nonnull (target);
          unquote (line, target);
        }
      else
        {
          static const char *const keywords[] = { "msgctxt ", "msgid ", "msgstr " };
          gboolean known = FALSE;

          for (guint k = 0; k < G_N_ELEMENTS (keywords); k++)
            if (g_str_has_prefix (line, keywords[k]))
              {
                g_assert_null (fields[k]);
                fields[k] = target = g_string_new (NULL);
                unquote (line + strlen (keywords[k]), target);
                known = TRUE;
              }
          if (!known)
            g_error ("unexpected line %u: %s", n + 1, line);
        }
    }
  return entries;
}

static TEntry *
tpo_find (GPtrArray  *entries,
          const char *context,
          gboolean    obsolete)
{
  TEntry *found = NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      TEntry *e = g_ptr_array_index (entries, i);

      if (e->obsolete == obsolete && g_strcmp0 (e->context, context) == 0)
        {
          g_assert_null (found);
          found = e;
        }
    }
  return found;
}

/* The header entry's value. */
static const char *
tpo_header (GPtrArray *entries)
{
  TEntry *e = g_ptr_array_index (entries, 0);

  g_assert_null (e->context);
  g_assert_cmpstr (e->id, ==, "");
  return e->str;
}

/* 1. Missing and stale translations ------------------------------------------ */

static void
test_fallback_missing_and_stale (void)
{
  g_autoptr(KbdArticle) article = load_kb312395 ();
  g_autoptr(GPtrArray) strings = collect_strings (article);
  g_autoptr(GPtrArray) translated_strings = NULL;
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(KbdArticle) translated = NULL;
  g_autoptr(GString) po = po_new ("de");
  const char *missing = "node.server_role.prompt";
  const char *stale = "node.cluster_method1.step.restore_metabase.text";
  guint missing_line = 0, stale_line = 0;
  KbdDiagnostic *d;

  for (guint i = 0; i < strings->len; i++)
    {
      Str *s = g_ptr_array_index (strings, i);
      g_autofree char *str = german (s->text);

      if (g_str_equal (s->id, missing))
        missing_line = po_add (po, NULL, s->id, s->text, "");
      else if (g_str_equal (s->id, stale))
        {
          /* Translated from an older text of the article. */
          g_assert_cmpstr (s->text, !=, "Restore the metabase.");
          stale_line = po_add (po, NULL, s->id, "Restore the metabase.", str);
        }
      else
        po_add (po, NULL, s->id, s->text, str);
    }
  g_assert_cmpuint (missing_line, >, 5);
  g_assert_cmpuint (stale_line, >, missing_line);

  translated = translate_text (article, po->str, po->len, &diagnostics);

  g_assert_cmpstr (kbd_article_get_language (article), ==, "en");
  g_assert_cmpstr (kbd_article_get_language (translated), ==, "de");
  g_assert_cmpstr (kbd_article_get_content_hash (translated), ==, kbd_article_get_content_hash (article));
  g_assert_cmpstr (kbd_article_get_id (translated), ==, "KB312395");

  /* Every string is the translation, but those two. */
  translated_strings = collect_strings (translated);
  g_assert_cmpuint (translated_strings->len, ==, strings->len);
  for (guint i = 0; i < strings->len; i++)
    {
      Str *s = g_ptr_array_index (strings, i);
      Str *t = g_ptr_array_index (translated_strings, i);
      g_autofree char *expected = german (s->text);

      g_assert_cmpstr (t->id, ==, s->id);
      if (g_str_equal (s->id, missing) || g_str_equal (s->id, stale))
        g_assert_cmpstr (t->text, ==, s->text);
      else
        g_assert_cmpstr (t->text, ==, expected);
    }

  /* The accessors give the same strings. */
  {
    g_autofree char *title = german (kbd_article_get_title (article));
    KbdNode *role = kbd_article_get_node (translated, "server_role");
    KbdNode *method1 = kbd_article_get_node (translated, "cluster_method1");
    guint n_steps = 0;
    KbdStep *const *steps = kbd_node_get_steps (method1, &n_steps);

    g_assert_cmpstr (kbd_article_get_title (translated), ==, title);
    g_assert_cmpstr (kbd_node_get_prompt (role), ==, string_text (strings, missing));
    g_assert_true (g_str_has_prefix (kbd_node_get_help (role), "DE: "));
    g_assert_cmpuint (n_steps, ==, 1);
    g_assert_cmpstr (kbd_step_get_text (steps[0]), ==, string_text (strings, stale));
  }

  /* The original is untouched. */
  g_assert_cmpstr (kbd_article_get_title (article), ==, string_text (strings, "article.title"));

  g_assert_cmpuint (diagnostics->len, ==, 2);
  d = diagnostic_at_line (diagnostics, missing_line);
  assert_diagnostic (d, "translation-missing", missing, "t.po", missing_line);
  d = diagnostic_at_line (diagnostics, stale_line);
  assert_diagnostic (d, "translation-stale", stale, "t.po", stale_line);
}

/* 2. Fuzzy entries ------------------------------------------------------------- */

static void
test_fuzzy_is_stale (void)
{
  g_autoptr(KbdArticle) article = load_kb312395 ();
  g_autoptr(GPtrArray) strings = collect_strings (article);
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(KbdArticle) translated = NULL;
  g_autoptr(GString) po = po_new ("de");
  guint fuzzy_line, fuzzy2_line, plain_line;
  KbdNode *applies, *verify;
  KbdAnswer *yes, *no;

  fuzzy_line = po_add (po, "#, fuzzy\n", "node.applies.answer.yes.label", "Yes", "Ja");
  /* Flags in any order, with others. */
  fuzzy2_line = po_add (po, "# a translator's note\n#, no-wrap, fuzzy\n#| msgid \"No\"\n",
                        "node.standalone_verify.answer.yes.label", "Yes", "Ja");
  plain_line = po_add (po, "#, no-wrap\n", "node.applies.answer.no.label", "No", "Nein");

  translated = translate_text (article, po->str, po->len, &diagnostics);

  applies = kbd_article_get_node (translated, "applies");
  yes = kbd_node_find_answer (applies, "yes");
  no = kbd_node_find_answer (applies, "no");
  g_assert_cmpstr (kbd_answer_get_label (yes), ==, "Yes");
  g_assert_cmpstr (kbd_answer_get_label (no), ==, "Nein");
  verify = kbd_article_get_node (translated, "standalone_verify");
  g_assert_cmpstr (kbd_answer_get_label (kbd_node_find_answer (verify, "yes")), ==, "Yes");

  assert_diagnostic (diagnostic_at_line (diagnostics, fuzzy_line),
                     "translation-stale", "node.applies.answer.yes.label", "t.po", fuzzy_line);
  assert_diagnostic (diagnostic_at_line (diagnostics, fuzzy2_line),
                     "translation-stale", "node.standalone_verify.answer.yes.label", "t.po", fuzzy2_line);
  g_assert_cmpuint (count_code (diagnostics, "translation-stale"), ==, 2);
  /* Everything else is missing: line 1, no entry. */
  g_assert_cmpuint (count_code (diagnostics, "translation-missing"), ==, strings->len - 3);
  g_assert_cmpuint (diagnostics->len, ==, strings->len - 1);
  for (guint i = 0; i < diagnostics->len; i++)
    {
      KbdDiagnostic *d = g_ptr_array_index (diagnostics, i);

      g_assert_cmpuint (kbd_diagnostic_get_line (d), !=, plain_line);
      if (g_str_equal (kbd_diagnostic_get_code (d), "translation-missing"))
        g_assert_cmpuint (kbd_diagnostic_get_line (d), ==, 1);
    }
}

/* 3. Translations that break the rules of article texts ----------------------- */

typedef struct
{
  const char *string_id;
  const char *translation;
  guint line;
} Broken;

static const Broken *
find_broken (const Broken *broken,
             gsize         n,
             const char   *string_id)
{
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (broken[i].string_id, string_id))
      return &broken[i];
  return NULL;
}

static void
test_broken_inline_syntax_falls_back (void)
{
  g_autoptr(KbdArticle) article = load_kb312395 ();
  g_autoptr(GPtrArray) strings = collect_strings (article);
  g_autoptr(GPtrArray) translated_strings = NULL;
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(KbdArticle) translated = NULL;
  g_autoptr(GString) po = po_new ("de");
  g_autofree char *long_title = g_strnfill (2000, 'T');
  const char *multiline_help = "Zeile eins\nZeile zwei\tmit Tab";
  Broken broken[] = {
    /* an unclosed emphasis */
    { "node.server_role.prompt", "Ist das ein *Cluster?", 0 },
    /* an unclosed code span */
    { "node.cluster_method2_continued.step.check_metabase_bin.text",
      "Prüfen Sie, dass `Metabase.bin aus dem Ordner entfernt wurde.", 0 },
    /* U+0007 in a title */
    { "node.standalone_escalate.title", "An Microsoft\aPSS weiterleiten", 0 },
    /* a line break in an answer label */
    { "node.server_role.answer.cluster.label", "Knoten\nim Cluster", 0 },
    /* 2000 bytes where 1024 are allowed */
    { "article.title", long_title, 0 },
  };

  for (guint i = 0; i < strings->len; i++)
    {
      Str *s = g_ptr_array_index (strings, i);
      Broken *bad = (Broken *) find_broken (broken, G_N_ELEMENTS (broken), s->id);
      g_autofree char *str = german (s->text);

      if (bad != NULL)
        bad->line = po_add (po, NULL, s->id, s->text, bad->translation);
      else if (g_str_equal (s->id, "node.applies.help"))
        po_add (po, NULL, s->id, s->text, multiline_help);
      else
        po_add (po, NULL, s->id, s->text, str);
    }
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    g_assert_cmpuint (broken[i].line, >, 0);
  /* The control character is in the file as it is. */
  g_assert_nonnull (strstr (po->str, "Microsoft\aPSS"));

  translated = translate_text (article, po->str, po->len, &diagnostics);
  translated_strings = collect_strings (translated);

  g_assert_cmpuint (translated_strings->len, ==, strings->len);
  for (guint i = 0; i < strings->len; i++)
    {
      Str *s = g_ptr_array_index (strings, i);
      Str *t = g_ptr_array_index (translated_strings, i);
      g_autofree char *expected = german (s->text);

      g_assert_cmpstr (t->id, ==, s->id);
      if (find_broken (broken, G_N_ELEMENTS (broken), s->id) != NULL)
        g_assert_cmpstr (t->text, ==, s->text);
      else if (g_str_equal (s->id, "node.applies.help"))
        g_assert_cmpstr (t->text, ==, multiline_help);  /* paragraphs may have line breaks */
      else
        g_assert_cmpstr (t->text, ==, expected);
    }

  g_assert_cmpuint (diagnostics->len, ==, G_N_ELEMENTS (broken));
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    assert_diagnostic (diagnostic_at_line (diagnostics, broken[i].line), "translation-invalid",
                       broken[i].string_id, "t.po", broken[i].line);
}

/* 4. The structure comes from the article only ---------------------------------- */

static void
assert_same_structure (KbdArticle *a,
                       KbdArticle *b)
{
  guint n_a = 0, n_b = 0;
  KbdNode *const *nodes_a = kbd_article_get_nodes (a, &n_a);
  KbdNode *const *nodes_b = kbd_article_get_nodes (b, &n_b);

  g_assert_cmpstr (kbd_article_get_id (a), ==, kbd_article_get_id (b));
  g_assert_cmpuint (kbd_article_get_revision (a), ==, kbd_article_get_revision (b));
  g_assert_cmpstr (kbd_article_get_start_id (a), ==, kbd_article_get_start_id (b));
  g_assert_cmpstr (kbd_node_get_id (kbd_article_get_start_node (b)), ==, kbd_article_get_start_id (a));
  g_assert_cmpstrv (kbd_article_get_keywords (a), kbd_article_get_keywords (b));
  g_assert_cmpuint (n_a, ==, n_b);
  g_assert_cmpuint (n_a, >, 10);

  for (guint i = 0; i < n_a; i++)
    {
      KbdNode *x = nodes_a[i], *y = nodes_b[i];
      guint n_answers_x = 0, n_answers_y = 0, n_steps_x = 0, n_steps_y = 0;
      KbdAnswer *const *answers_x = kbd_node_get_answers (x, &n_answers_x);
      KbdAnswer *const *answers_y = kbd_node_get_answers (y, &n_answers_y);
      KbdStep *const *steps_x = kbd_node_get_steps (x, &n_steps_x);
      KbdStep *const *steps_y = kbd_node_get_steps (y, &n_steps_y);

      g_assert_cmpstr (kbd_node_get_id (x), ==, kbd_node_get_id (y));
      g_assert_cmpint (kbd_node_get_kind (x), ==, kbd_node_get_kind (y));
      g_assert_cmpint (kbd_node_get_result (x), ==, kbd_node_get_result (y));
      g_assert_cmpstr (kbd_node_get_next (x), ==, kbd_node_get_next (y));
      g_assert_cmpuint (kbd_node_get_line (x), ==, kbd_node_get_line (y));
      g_assert_true (kbd_article_get_node (b, kbd_node_get_id (x)) == y);

      g_assert_cmpuint (n_answers_x, ==, n_answers_y);
      for (guint k = 0; k < n_answers_x; k++)
        {
          g_assert_cmpstr (kbd_answer_get_id (answers_x[k]), ==, kbd_answer_get_id (answers_y[k]));
          g_assert_cmpstr (kbd_answer_get_next (answers_x[k]), ==, kbd_answer_get_next (answers_y[k]));
        }

      g_assert_cmpuint (n_steps_x, ==, n_steps_y);
      for (guint k = 0; k < n_steps_x; k++)
        {
          guint n_sub_x = 0, n_sub_y = 0, n_call_x = 0, n_call_y = 0;
          KbdStep *const *sub_x = kbd_step_get_substeps (steps_x[k], &n_sub_x);
          KbdStep *const *sub_y = kbd_step_get_substeps (steps_y[k], &n_sub_y);
          KbdCallout *const *call_x = kbd_step_get_callouts (steps_x[k], &n_call_x);
          KbdCallout *const *call_y = kbd_step_get_callouts (steps_y[k], &n_call_y);

          g_assert_cmpstr (kbd_step_get_id (steps_x[k]), ==, kbd_step_get_id (steps_y[k]));
          g_assert_cmpuint (n_sub_x, ==, n_sub_y);
          for (guint j = 0; j < n_sub_x; j++)
            g_assert_cmpstr (kbd_step_get_id (sub_x[j]), ==, kbd_step_get_id (sub_y[j]));
          g_assert_cmpuint (n_call_x, ==, n_call_y);
          for (guint j = 0; j < n_call_x; j++)
            {
              g_assert_cmpstr (kbd_callout_get_id (call_x[j]), ==, kbd_callout_get_id (call_y[j]));
              g_assert_cmpint (kbd_callout_get_kind (call_x[j]), ==, kbd_callout_get_kind (call_y[j]));
            }
        }
    }
}

static void
test_structure_unchanged (void)
{
  g_autoptr(KbdArticle) article = load_kb312395 ();
  g_autoptr(GPtrArray) strings = collect_strings (article);
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(KbdArticle) translated = NULL;
  g_autoptr(GPtrArray) validation = NULL;
  g_autoptr(GString) po = po_translate_all (strings);
  struct { const char *context; const char *id; const char *str; guint line; } hostile[] = {
    { "node.ghost.prompt", "Is this a ghost?", "Ist das ein Geist?", 0 },
    { "node.applies.answer.maybe.label", "Maybe", "Vielleicht", 0 },
    { "node.applies.answer.yes.next", "server_role", "not_applicable", 0 },
    { "node.applies.kind", "question", "outcome", 0 },
    { "start", "applies", "cluster_escalate", 0 },
    { "node.cluster_method2.next", "common_files_check", "cluster_resolved", 0 },
    { NULL, "Yes", "Ja", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    hostile[i].line = po_add (po, "# hostile\n", hostile[i].context, hostile[i].id, hostile[i].str);

  translated = translate_text (article, po->str, po->len, &diagnostics);

  assert_same_structure (article, translated);
  g_assert_cmpstr (kbd_article_get_start_id (translated), ==, "applies");
  g_assert_cmpint (kbd_node_get_kind (kbd_article_get_node (translated, "applies")), ==, KBD_NODE_QUESTION);
  g_assert_null (kbd_article_get_node (translated, "ghost"));
  g_assert_null (kbd_node_find_answer (kbd_article_get_node (translated, "applies"), "maybe"));
  g_assert_cmpstr (kbd_answer_get_next (kbd_node_find_answer (kbd_article_get_node (translated, "applies"), "yes")),
                   ==, "server_role");
  g_assert_cmpstr (kbd_node_get_next (kbd_article_get_node (translated, "cluster_method2")), ==, "common_files_check");
  g_assert_cmpstr (kbd_answer_get_label (kbd_node_find_answer (kbd_article_get_node (translated, "applies"), "yes")),
                   ==, "DE: Yes");

  /* Only warnings, one per hostile entry. */
  g_assert_cmpuint (diagnostics->len, ==, G_N_ELEMENTS (hostile));
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    assert_diagnostic (diagnostic_at_line (diagnostics, hostile[i].line),
                       "translation-unknown", hostile[i].context, "t.po", hostile[i].line);

  /* A translated article is as valid as the original. */
  validation = kbd_article_validate (translated);
  for (guint i = 0; i < validation->len; i++)
    g_assert_cmpint (kbd_diagnostic_get_severity (g_ptr_array_index (validation, i)), !=, KBD_SEVERITY_ERROR);
}

/* 5. PO files that cannot be read, and ones that must be ----------------------- */

#define HEADER "msgid \"\"\nmsgstr \"Language: de\\n\"\n\n"   /* lines 1–3 */
#define ENTRY "msgctxt \"node.applies.answer.yes.label\"\nmsgid \"Yes\"\nmsgstr \"Ja\"\n"

typedef struct
{
  const char *what;
  const char *text;
  gsize len;          /* 0: strlen (text) */
  int code;
  guint line;         /* 0: some line */
  const char *also;   /* in the message too, or NULL */
} BadPo;

/* Checks one bad file; a mismatch is added to @problems, so that every
 * case is reported at once. */
static void
check_bad_po (KbdArticle *article,
              const BadPo *bad,
              GString    *problems)
{
  gsize len = bad->len != 0 ? bad->len : strlen (bad->text);
  g_autoptr(GBytes) bytes = g_bytes_new (bad->text, len);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(KbdArticle) translated = kbd_article_translate (article, bytes, "t.po", &diagnostics, &error);
  g_autofree char *prefix = NULL;

  if (translated != NULL || error == NULL)
    {
      g_string_append_printf (problems, "%s: accepted\n", bad->what);
      return;
    }
  g_assert_null (diagnostics);
  if (!g_error_matches (error, KBD_ERROR, bad->code))
    g_string_append_printf (problems, "%s: code %d, expected %d (%s)\n",
                            bad->what, error->code, bad->code, error->message);

  if (bad->line != 0)
    {
      prefix = g_strdup_printf ("t.po:%u: ", bad->line);
      if (!g_str_has_prefix (error->message, prefix))
        g_string_append_printf (problems, "%s: “%s” does not start with “%s”\n",
                                bad->what, error->message, prefix);
    }
  else
    {
      const char *p = error->message + strlen ("t.po:");

      if (!g_str_has_prefix (error->message, "t.po:") || !g_ascii_isdigit (*p))
        g_string_append_printf (problems, "%s: “%s” names no line (t.po:LINE:)\n", bad->what, error->message);
      else
        {
          while (g_ascii_isdigit (*p))
            p++;
          if (*p != ':')
            g_string_append_printf (problems, "%s: “%s” names no line (t.po:LINE:)\n", bad->what, error->message);
        }
    }
  if (bad->also != NULL && strstr (error->message, bad->also) == NULL)
    g_string_append_printf (problems, "%s: “%s” does not mention “%s”\n", bad->what, error->message, bad->also);
  g_test_message ("%s: %s", bad->what, error->message);
}

static void
check_good_po (KbdArticle *article,
               const char *what,
               const char *text,
               gsize       len)
{
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(KbdArticle) translated = NULL;
  KbdNode *applies;

  g_test_message ("accepted: %s", what);
  translated = translate_text (article, text, len, &diagnostics);
  g_assert_cmpstr (kbd_article_get_language (translated), ==, "de");
  applies = kbd_article_get_node (translated, "applies");
  g_assert_cmpstr (kbd_answer_get_label (kbd_node_find_answer (applies, "yes")), ==, "Ja");
  g_assert_cmpstr (kbd_answer_get_label (kbd_node_find_answer (applies, "no")), ==, "No");
  for (guint i = 0; i < diagnostics->len; i++)
    {
      KbdDiagnostic *d = g_ptr_array_index (diagnostics, i);

      g_assert_cmpstr (kbd_diagnostic_get_code (d), ==, "translation-missing");
      g_assert_false (g_str_has_prefix (kbd_diagnostic_get_message (d), "node.applies.answer.yes.label:"));
    }
}

static void
test_bad_po_files (void)
{
  g_autoptr(KbdArticle) article = load_kb312395 ();
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GString) huge = g_string_new (HEADER ENTRY);
  static const char nul_text[] = HEADER "msgid \"a\"\nmsgstr \"b\0c\"\n";
  BadPo bad[] = {
    { "missing closing quote", HEADER "msgctxt \"node.applies.answer.yes.label\"\nmsgid \"Yes\nmsgstr \"Ja\"\n",
      0, KBD_ERROR_SYNTAX, 5, NULL },
    { "closing quote missing at the end of the file", HEADER "msgid \"Yes\"\nmsgstr \"Ja",
      0, KBD_ERROR_SYNTAX, 5, NULL },
    { "unknown escape", HEADER "msgid \"Yes\"\nmsgstr \"J\\qa\"\n", 0, KBD_ERROR_INVALID_ESCAPE, 5, NULL },
    { "msgstr without msgid", HEADER "msgctxt \"node.applies.answer.yes.label\"\nmsgstr \"Ja\"\n",
      0, KBD_ERROR_SYNTAX, 5, NULL },
    { "msgstr first", HEADER "msgstr \"Ja\"\nmsgid \"Yes\"\n", 0, KBD_ERROR_SYNTAX, 4, NULL },
    { "msgid_plural", HEADER "msgid \"file\"\nmsgid_plural \"files\"\nmsgstr \"Datei\"\n",
      0, KBD_ERROR_INVALID_VALUE, 5, NULL },
    { "msgstr[0]", HEADER "msgid \"file\"\nmsgstr[0] \"Datei\"\n", 0, KBD_ERROR_INVALID_VALUE, 5, NULL },
    { "duplicate msgctxt", HEADER ENTRY "\n" "# again\n" ENTRY, 0, KBD_ERROR_DUPLICATE_KEY, 8, "line 4" },
    { "text that continues nothing", HEADER "\"Ja\"\n", 0, KBD_ERROR_SYNTAX, 4, NULL },
    { "text after a comment", HEADER "# note\n\"Ja\"\n", 0, KBD_ERROR_SYNTAX, 5, NULL },
    { "text after a blank line", HEADER ENTRY "\n\"Ja\"\n", 0, KBD_ERROR_SYNTAX, 8, NULL },
    { "invalid UTF-8", HEADER ENTRY "\n# ok\nmsgid \"a\"\nmsgstr \"\xC3\x28\"\n", 0, KBD_ERROR_ENCODING, 10, NULL },
    { "Latin-1", HEADER "msgid \"a\"\nmsgstr \"K\xE4se\"\n", 0, KBD_ERROR_ENCODING, 5, NULL },
    { "NUL byte", nul_text, sizeof nul_text - 1, KBD_ERROR_ENCODING, 5, NULL },
    { "charset ISO-8859-1",
      "msgid \"\"\nmsgstr \"\"\n\"Language: de\\n\"\n\"Content-Type: text/plain; charset=ISO-8859-1\\n\"\n\n" ENTRY,
      0, KBD_ERROR_ENCODING, 0, "ISO-8859-1" },
    { "no Language field", "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n" ENTRY,
      0, KBD_ERROR_MISSING_FIELD, 1, NULL },
    { "empty Language field", "msgid \"\"\nmsgstr \"Language: \\n\"\n\n" ENTRY, 0, KBD_ERROR_MISSING_FIELD, 1, NULL },
    { "no header", ENTRY, 0, KBD_ERROR_MISSING_FIELD, 1, NULL },
    { "Language not a tag", "msgid \"\"\nmsgstr \"Language: not a tag!\\n\"\n\n" ENTRY,
      0, KBD_ERROR_INVALID_VALUE, 1, "not a tag!" },
    { "17 MiB", NULL, 0, KBD_ERROR_TOO_LARGE, 0, NULL },
  };

  /* Accepted. */
  check_good_po (article, "plain", HEADER ENTRY, strlen (HEADER ENTRY));
  {
    static const char crlf[] = "msgid \"\"\r\nmsgstr \"Language: de\\n\"\r\n\r\n"
                               "msgctxt \"node.applies.answer.yes.label\"\r\nmsgid \"Yes\"\r\nmsgstr \"Ja\"\r\n";
    static const char bom[] = "\xEF\xBB\xBF" HEADER ENTRY;
    static const char comments[] =
      "# Translation of KB312395\n"
      "#, fuzzy\n"
      "msgid \"\"\n"
      "msgstr \"\"\n"
      "\"Project-Id-Version: KB312395 1\\n\"\n"
      "\"Language: de\\n\"\n"
      "\"Content-Type: text/plain; charset=utf-8\\n\"\n"
      "\n"
      "# translator comment\n"
      "#. extracted comment\n"
      "#: KB312395.json:52\n"
      "#, no-wrap\n"
      "#| msgctxt \"node.applies.answer.yes.label\"\n"
      "#| msgid \"Yes\"\n"
      ENTRY
      "\n"
      "#~ msgctxt \"node.applies.answer.no.label\"\n"
      "#~ msgid \"No\"\n"
      "#~ msgstr \"Nein\"\n"
      "\n"
      "#~ msgctxt \"node.gone.prompt\"\n"
      "#~ msgid \"\"\n"
      "#~ \"Gone\"\n"
      "#~ msgstr \"Weg\"\n"
      "#\n"
      "   \n"
      "#  trailing comment\n";
    static const char no_newline[] = HEADER "msgctxt \"node.applies.answer.yes.label\"\nmsgid \"Yes\"\nmsgstr \"Ja\"";
    static const char multiline[] =
      "msgid \"\"\n"
      "msgstr \"\"\n"
      "\"Project-Id-Version: KB312395 1\\n\"\n"
      "\"Lang\"\n"
      "\"uage: de\\n\"\n"
      "\n"
      "msgctxt \"\"\n"
      "\"node.applies.\"\n"
      "\"answer.yes.label\"\n"
      "msgid \"\"\n"
      "\"Y\"\n"
      "  \"es\"  \n"
      "msgstr \"\"\n"
      "\"J\"\n"
      "\t\"a\"\n";
    static const char no_blank_lines[] =
      "msgid \"\"\nmsgstr \"Language: de\\n\"\n"
      "msgctxt \"node.standalone_verify.prompt\"\nmsgid \"Does Exchange 2000 SMTP work again?\"\n"
      "msgstr \"Funktioniert SMTP wieder?\"\n"
      ENTRY;

    check_good_po (article, "CRLF", crlf, strlen (crlf));
    check_good_po (article, "byte order mark", bom, strlen (bom));
    check_good_po (article, "comments and obsolete entries", comments, strlen (comments));
    check_good_po (article, "no newline at the end", no_newline, strlen (no_newline));
    check_good_po (article, "multi-line strings", multiline, strlen (multiline));
    check_good_po (article, "entries without blank lines", no_blank_lines, strlen (no_blank_lines));
  }

  /* Refused. */
  while (huge->len <= 17 * 1024 * 1024)
    g_string_append (huge, "# padding padding padding padding padding padding padding padding\n");
  bad[G_N_ELEMENTS (bad) - 1].text = huge->str;
  bad[G_N_ELEMENTS (bad) - 1].len = huge->len;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    check_bad_po (article, &bad[i], problems);

  /* An update reads the same way. */
  {
    g_autoptr(GBytes) bytes = g_bytes_new_static (bad[0].text, strlen (bad[0].text));
    g_autoptr(GError) error = NULL;
    g_autofree char *updated = kbd_article_update_translation (article, bytes, "t.po", &error);

    g_assert_error (error, KBD_ERROR, KBD_ERROR_SYNTAX);
    g_assert_null (updated);
    g_assert_true (g_str_has_prefix (error->message, "t.po:5: "));
  }

  g_assert_cmpstr (problems->str, ==, "");
}

/* Runs `msgfmt --check` on @text, when gettext is installed. */
static void
check_with_msgfmt (const char *text,
                   const char *name)
{
  g_autofree char *msgfmt = g_find_program_in_path ("msgfmt");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (msgfmt == NULL)
    {
      g_test_message ("msgfmt is not installed: %s not checked with gettext", name);
      return;
    }

  dir = g_dir_make_tmp ("test-translation-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { msgfmt, "--check", "-o", "/dev/null", path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
  }
  g_test_message ("msgfmt --check %s: %s%s", name, out, err);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* 6. Templates ----------------------------------------------------------------- */

static void
test_template_round_trip (void)
{
  g_autoptr(KbdArticle) article = load_kb312395 ();
  g_autoptr(GPtrArray) strings = collect_strings (article);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(KbdArticle) translated = NULL;
  g_autofree char *template = kbd_article_extract_template (article);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) po = NULL;
  guint n_lines;

  g_assert_nonnull (template);
  g_assert_true (g_utf8_validate (template, -1, NULL));
  g_assert_true (g_str_has_suffix (template, "\n"));

  /* Every string, with its id, its text and nothing translated. */
  entries = tpo_parse (template);
  g_assert_cmpuint (entries->len, ==, strings->len + 1);
  g_assert_nonnull (strstr (tpo_header (entries), "Content-Type: text/plain; charset=UTF-8\n"));
  g_assert_nonnull (strstr (tpo_header (entries), "Language: \n"));
  for (guint i = 0; i < strings->len; i++)
    {
      Str *s = g_ptr_array_index (strings, i);
      TEntry *e = g_ptr_array_index (entries, i + 1);

      g_assert_cmpstr (e->context, ==, s->id);
      g_assert_cmpstr (e->id, ==, s->text);
      g_assert_cmpstr (e->str, ==, "");
      g_assert_false (e->fuzzy);
      g_assert_false (e->obsolete);
    }

  /* The library reads it back once it names a language: every string is
   * missing, at its entry. */
  po = g_string_new (template);
  g_assert_cmpuint (g_string_replace (po, "\"Language: \\n\"", "\"Language: de\\n\"", 0), ==, 1);
  translated = translate_text (article, po->str, po->len, &diagnostics);
  g_assert_cmpstr (kbd_article_get_language (translated), ==, "de");
  g_assert_cmpuint (diagnostics->len, ==, strings->len);
  g_assert_cmpuint (count_code (diagnostics, "translation-missing"), ==, strings->len);
  lines = g_strsplit (po->str, "\n", -1);
  n_lines = g_strv_length (lines);
  for (guint i = 0; i < diagnostics->len; i++)
    {
      KbdDiagnostic *d = g_ptr_array_index (diagnostics, i);
      Str *s = g_ptr_array_index (strings, i);
      TEntry *e = g_ptr_array_index (entries, i + 1);

      /* The line is the start of the entry with that msgctxt (tpo_parse()
       * checked the msgctxt, which may be wrapped over lines). */
      assert_diagnostic (d, "translation-missing", s->id, "t.po", e->line);
      g_assert_cmpuint (e->line, >=, 2);
      g_assert_cmpuint (e->line, <, n_lines);
      g_assert_cmpstr (lines[e->line - 2], ==, "");
      g_assert_true (g_str_has_prefix (lines[e->line - 1], "#. "));
    }

  /* And gettext's own tools accept it. */
  check_with_msgfmt (template, "KB312395.pot");
}

/* 7. Updating a translation -------------------------------------------------- */

static void
replace_once (GString    *text,
              const char *find,
              const char *replace)
{
  g_assert_nonnull (strstr (text->str, find));
  g_assert_null (strstr (strstr (text->str, find) + 1, find));
  g_assert_cmpuint (g_string_replace (text, find, replace, 1), ==, 1);
}

/* Compares two texts line by line, failing at the first difference (not
 * with two whole PO files in one message). */
static void
assert_same_lines (const char *actual,
                   const char *expected)
{
  g_auto(GStrv) a = g_strsplit (actual, "\n", -1);
  g_auto(GStrv) b = g_strsplit (expected, "\n", -1);

  for (guint i = 0; a[i] != NULL || b[i] != NULL; i++)
    {
      if (a[i] == NULL || b[i] == NULL || !g_str_equal (a[i], b[i]))
        {
          g_test_message ("first difference at line %u", i + 1);
          g_assert_cmpstr (a[i], ==, b[i]);
        }
    }
}

static void
test_update_merges (void)
{
  g_autoptr(KbdArticle) article = load_kb312395 ();
  g_autoptr(GPtrArray) strings = collect_strings (article);
  g_autoptr(GPtrArray) modified_strings = NULL;
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(KbdArticle) modified = NULL;
  g_autoptr(KbdArticle) translated = NULL;
  g_autoptr(GString) po = NULL;
  g_autoptr(GString) json = NULL;
  g_autoptr(GBytes) po_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json_text = article_text ();
  g_autofree char *updated = NULL;
  g_autofree char *old_str = NULL;
  const char *changed = "node.standalone_setup.step.run_setup.text";
  const char *old_text = "Run Setup and select the *Reinstall* option.";
  const char *new_text = "Run Setup again, and select the *Reinstall* option.";
  const char *removed = "node.standalone_method.answer.smtpreinstall.help";
  const char *commented = "node.standalone_verify.prompt";
  TEntry *e;

  /* A complete translation, with a translator's comment and a header
   * comment. */
  po = po_translate_all (strings);
  g_string_prepend (po, "# German translation of KB312395.\n");
  {
    g_autofree char *find = g_strdup_printf ("msgctxt \"%s\"\n", commented);

    g_autofree char *with_comment = g_strconcat ("# checked by the team\n# second line\n", find, NULL);

    replace_once (po, find, with_comment);
  }
  g_assert_cmpstr (string_text (strings, changed), ==, old_text);
  old_str = german (old_text);
  {
    /* Sanity: the full translation leaves nothing behind. */
    g_autoptr(GPtrArray) none = NULL;
    g_autoptr(KbdArticle) all = translate_text (article, po->str, po->len, &none);

    g_assert_cmpuint (none->len, ==, 0);
  }

  /* The article changes: one text is edited, one optional text goes. */
  json = g_string_new (json_text);
  replace_once (json, "\"text\": \"Run Setup and select the *Reinstall* option.\"",
                "\"text\": \"Run Setup again, and select the *Reinstall* option.\"");
  replace_once (json, "\"help\": \"The SMTPReinstall tool is included with Exchange 2000 Server Service Pack 2 (SP2).\",",
                "");
  {
    g_autoptr(GBytes) bytes = g_bytes_new (json->str, json->len);

    modified = kbd_article_new_from_bytes (bytes, "KB312395.json", KBD_LOAD_FLAGS_NONE, &error);
    g_assert_no_error (error);
  }
  modified_strings = collect_strings (modified);
  g_assert_cmpuint (modified_strings->len, ==, strings->len - 1);
  g_assert_cmpstr (string_text (modified_strings, changed), ==, new_text);

  po_bytes = g_bytes_new (po->str, po->len);
  updated = kbd_article_update_translation (modified, po_bytes, "t.po", &error);
  g_assert_no_error (error);
  g_assert_nonnull (updated);

  check_with_msgfmt (updated, "de.po");
  entries = tpo_parse (updated);
  g_assert_nonnull (strstr (tpo_header (entries), "Language: de\n"));
  g_assert_true (g_str_has_prefix (updated, "# German translation of KB312395.\n"));

  /* The edited text: fuzzy, the old source as "#| msgid", the old
   * translation kept. */
  e = tpo_find (entries, changed, FALSE);
  g_assert_nonnull (e);
  g_assert_true (e->fuzzy);
  g_assert_cmpstr (e->previous, ==, old_text);
  g_assert_cmpstr (e->id, ==, new_text);
  g_assert_cmpstr (e->str, ==, old_str);
  g_assert_nonnull (strstr (updated, "#, fuzzy\n#| msgid \"Run Setup and select the *Reinstall* option.\"\n"
                                     "msgctxt \"node.standalone_setup.step.run_setup.text\"\n"));

  /* The removed text: an obsolete entry at the end. */
  g_assert_null (tpo_find (entries, removed, FALSE));
  e = tpo_find (entries, removed, TRUE);
  g_assert_nonnull (e);
  g_assert_cmpstr (e->id, ==, string_text (strings, removed));
  {
    g_autofree char *str = german (string_text (strings, removed));

    g_assert_cmpstr (e->str, ==, str);
  }
  g_assert_nonnull (strstr (updated, "\n#~ msgctxt \"node.standalone_method.answer.smtpreinstall.help\"\n"));
  g_assert_true (e == g_ptr_array_index (entries, entries->len - 1));

  /* The translator's comment stays with its entry. */
  e = tpo_find (entries, commented, FALSE);
  g_assert_nonnull (e);
  g_assert_cmpstr (e->comments->str, ==, "checked by the team\nsecond line\n");
  g_assert_false (e->fuzzy);
  g_assert_nonnull (strstr (updated, "\n# checked by the team\n# second line\n"));

  /* Everything else as it was. */
  for (guint i = 0; i < modified_strings->len; i++)
    {
      Str *s = g_ptr_array_index (modified_strings, i);
      g_autofree char *str = german (s->text);

      e = g_ptr_array_index (entries, i + 1);
      g_assert_cmpstr (e->context, ==, s->id);
      g_assert_cmpstr (e->id, ==, s->text);
      g_assert_false (e->obsolete);
      if (g_str_equal (s->id, changed))
        continue;
      g_assert_cmpstr (e->str, ==, str);
      g_assert_false (e->fuzzy);
      g_assert_null (e->previous);
    }
  g_assert_cmpuint (entries->len, ==, modified_strings->len + 2);

  /* The update translates the new article with one stale string. */
  translated = translate_text (modified, updated, strlen (updated), &diagnostics);
  g_assert_cmpuint (diagnostics->len, ==, 1);
  assert_diagnostic (g_ptr_array_index (diagnostics, 0), "translation-stale", changed, "t.po",
                     tpo_find (entries, changed, FALSE)->line);
  g_assert_cmpstr (kbd_step_get_text (kbd_node_find_step (kbd_article_get_node (translated, "standalone_setup"),
                                                           "run_setup")),
                   ==, new_text);

  /* The old article still reads the old translation in full, and no
   * obsolete entry is ever used. */
  {
    g_autoptr(GPtrArray) old_diagnostics = NULL;
    g_autoptr(KbdArticle) old_translated = translate_text (article, updated, strlen (updated), &old_diagnostics);

    g_assert_cmpuint (old_diagnostics->len, ==, 2);
    g_assert_cmpuint (count_code (old_diagnostics, "translation-stale"), ==, 1);
    g_assert_cmpuint (count_code (old_diagnostics, "translation-missing"), ==, 1);
  }

  /* Updating again changes nothing: the fuzzy entry keeps its old source
   * and the obsolete entry its translation, as msgmerge keeps them. */
  {
    g_autoptr(GBytes) again_bytes = g_bytes_new (updated, strlen (updated));
    g_autofree char *again = kbd_article_update_translation (modified, again_bytes, "t.po", &error);

    g_assert_no_error (error);
    g_assert_nonnull (strstr (again, "\n#~ msgctxt \"node.standalone_method.answer.smtpreinstall.help\"\n"));
    assert_same_lines (again, updated);
  }
}

/* 8. Finding a translation and choosing a language ---------------------------- */

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
assert_found (KbdArticle *article,
              const char *language,
              const char *dir,
              const char *name)
{
  g_autofree char *found = kbd_article_find_translation (article, language);
  g_autofree char *expected = name != NULL ? g_build_filename (dir, name, NULL) : NULL;

  g_test_message ("find_translation (%s) → %s", language, found);
  g_assert_cmpstr (found, ==, expected);
}

static void
test_find_and_choose (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-translation-XXXXXX", &error);
  g_autofree char *json_text = article_text ();
  g_autofree char *json_path = NULL;
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(GPtrArray) strings = NULL;
  static const char *const names[] = {
    "KB312395.json", "KB312395.de.po", "KB312395.pt-BR.po", "KB312395.fr.po",
  };

  g_assert_no_error (error);
  write_file (dir, "KB312395.json", json_text);
  write_file (dir, "KB312395.de.po",
              "msgid \"\"\nmsgstr \"Language: de\\n\"\n\n" ENTRY);
  write_file (dir, "KB312395.pt-BR.po",
              "msgid \"\"\nmsgstr \"Language: pt_BR\\n\"\n\n"
              "msgctxt \"node.applies.answer.yes.label\"\nmsgid \"Yes\"\nmsgstr \"Sim\"\n");

  json_path = g_build_filename (dir, "KB312395.json", NULL);
  article = kbd_article_new_from_file (json_path, KBD_LOAD_FLAGS_NONE, &error);
  g_assert_no_error (error);
  strings = collect_strings (article);

  assert_found (article, "de", dir, "KB312395.de.po");
  assert_found (article, "de_DE.UTF-8", dir, "KB312395.de.po");
  assert_found (article, "de_AT", dir, "KB312395.de.po");
  assert_found (article, "de-CH", dir, "KB312395.de.po");
  assert_found (article, "de_DE@euro", dir, "KB312395.de.po");
  assert_found (article, "pt_BR", dir, "KB312395.pt-BR.po");
  assert_found (article, "pt_BR.UTF-8", dir, "KB312395.pt-BR.po");
  assert_found (article, "pt", dir, NULL);
  assert_found (article, "pt_PT", dir, NULL);
  assert_found (article, "fr", dir, NULL);
  assert_found (article, "C", dir, NULL);
  assert_found (article, "POSIX", dir, NULL);
  assert_found (article, "", dir, NULL);
  assert_found (article, "../de", dir, NULL);

  /* An article from memory has nowhere to look. */
  {
    g_autoptr(GBytes) bytes = g_bytes_new (json_text, strlen (json_text));
    g_autoptr(KbdArticle) in_memory = kbd_article_new_from_bytes (bytes, "KB312395.json", KBD_LOAD_FLAGS_NONE, &error);
    g_autofree char *found = NULL;

    g_assert_no_error (error);
    found = kbd_article_find_translation (in_memory, "de");
    g_assert_null (found);
  }

  /* The first language with a translation; several times, as an app
   * does for each article it opens (under LeakSanitizer, nothing may be
   * left behind). */
  for (guint round = 0; round < 8; round++)
  {
    const char *const languages[] = { "fr", "de", NULL };
    g_autoptr(GPtrArray) diagnostics = NULL;
    g_autoptr(KbdArticle) chosen = kbd_article_new_for_languages (article, languages, &diagnostics);
    g_autofree char *de_path = g_build_filename (dir, "KB312395.de.po", NULL);

    g_assert_nonnull (chosen);
    g_assert_true (chosen != article);
    g_assert_cmpstr (kbd_article_get_language (chosen), ==, "de");
    g_assert_cmpstr (kbd_answer_get_label (kbd_node_find_answer (kbd_article_get_node (chosen, "applies"), "yes")),
                     ==, "Ja");
    g_assert_nonnull (diagnostics);
    g_assert_cmpuint (diagnostics->len, ==, strings->len - 1);
    g_assert_cmpuint (count_code (diagnostics, "translation-missing"), ==, strings->len - 1);
    g_assert_cmpstr (kbd_diagnostic_get_file (g_ptr_array_index (diagnostics, 0)), ==, de_path);
  }
  {
    const char *const languages[] = { "pt_BR.UTF-8", "de", NULL };
    g_autoptr(KbdArticle) chosen = kbd_article_new_for_languages (article, languages, NULL);

    g_assert_cmpstr (kbd_article_get_language (chosen), ==, "pt-BR");
    g_assert_cmpstr (kbd_answer_get_label (kbd_node_find_answer (kbd_article_get_node (chosen, "applies"), "yes")),
                     ==, "Sim");
  }

  /* The article's own language, or none: the article itself. */
  {
    const char *const english[] = { "en_US.UTF-8", "de", NULL };
    const char *const c[] = { "C", "de", NULL };
    const char *const none[] = { "fr", "pt", NULL };
    const char *const empty[] = { NULL };
    const char *const *cases[] = { english, c, none, empty };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GPtrArray) diagnostics = NULL;
        g_autoptr(KbdArticle) chosen = kbd_article_new_for_languages (article, cases[i], &diagnostics);

        g_assert_true (chosen == article);
        g_assert_nonnull (diagnostics);
        g_assert_cmpuint (diagnostics->len, ==, 0);
      }
  }

  /* A translation that cannot be read: the original, and why. */
  write_file (dir, "KB312395.fr.po", "this is not a translation\n\x01\x02\n");
  {
    const char *const languages[] = { "fr", NULL };
    g_autoptr(GPtrArray) diagnostics = NULL;
    g_autoptr(KbdArticle) chosen = kbd_article_new_for_languages (article, languages, &diagnostics);
    g_autofree char *fr_path = g_build_filename (dir, "KB312395.fr.po", NULL);
    KbdDiagnostic *d;

    g_assert_true (chosen == article);
    g_assert_cmpuint (diagnostics->len, ==, 1);
    d = g_ptr_array_index (diagnostics, 0);
    g_assert_cmpstr (kbd_diagnostic_get_code (d), ==, "translation-unreadable");
    g_assert_cmpint (kbd_diagnostic_get_severity (d), ==, KBD_SEVERITY_WARNING);
    g_assert_cmpstr (kbd_diagnostic_get_file (d), ==, fr_path);
    g_assert_nonnull (strstr (kbd_diagnostic_get_message (d), "KB312395.fr.po:1:"));
  }
  {
    const char *const languages[] = { "fr", NULL };
    g_autoptr(KbdArticle) chosen = kbd_article_new_for_languages (article, languages, NULL);

    g_assert_true (chosen == article);
  }

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* 9. The German edition of KB312395 ------------------------------------------- */

static void
test_german_edition (void)
{
  g_autofree char *po_path = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.de.po", NULL);
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(KbdArticle) translated = NULL;
  g_autoptr(GPtrArray) strings = NULL;
  g_autoptr(GPtrArray) translated_strings = NULL;
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(GPtrArray) validation = NULL;
  g_autoptr(GError) error = NULL;
  guint n_different = 0;

  if (!g_file_test (po_path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("kb/KB312395.de.po does not exist");
      return;
    }

  article = load_kb312395 ();
  strings = collect_strings (article);
  translated = kbd_article_translate_file (article, po_path, &diagnostics, &error);
  g_assert_no_error (error);
  g_assert_nonnull (translated);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      g_autofree char *s = kbd_diagnostic_to_string (g_ptr_array_index (diagnostics, i));

      g_test_message ("%s", s);
    }
  g_assert_cmpuint (diagnostics->len, ==, 0);
  g_assert_cmpstr (kbd_article_get_language (translated), ==, "de");
  g_assert_cmpstr (kbd_article_get_content_hash (translated), ==, kbd_article_get_content_hash (article));

  translated_strings = collect_strings (translated);
  g_assert_cmpuint (translated_strings->len, ==, strings->len);
  for (guint i = 0; i < strings->len; i++)
    {
      Str *s = g_ptr_array_index (strings, i);
      Str *t = g_ptr_array_index (translated_strings, i);

      g_assert_cmpstr (t->id, ==, s->id);
      if (!g_str_equal (t->text, s->text))
        n_different++;
      else
        g_test_message ("the same in German: %s: %s", s->id, s->text);
    }
  g_test_message ("%u of %u strings differ", n_different, strings->len);
  g_assert_cmpuint (n_different * 10, >=, strings->len * 9);

  assert_same_structure (article, translated);
  validation = kbd_article_validate (translated);
  for (guint i = 0; i < validation->len; i++)
    {
      KbdDiagnostic *d = g_ptr_array_index (validation, i);
      g_autofree char *s = kbd_diagnostic_to_string (d);

      g_test_message ("%s", s);
      g_assert_cmpint (kbd_diagnostic_get_severity (d), !=, KBD_SEVERITY_ERROR);
    }
}

int
main (int    argc,
      char **argv)
{
#ifdef TEST_UNDER_ASAN
  /* GLib before 2.76 hands out GPtrArrays and other small blocks from its
   * slice magazines, where LeakSanitizer cannot see a leak: run with plain
   * malloc, so that a leaked diagnostics array fails. (Only under ASan:
   * under valgrind, exec would leave valgrind behind.) */
  if (g_getenv ("G_SLICE") == NULL)
    {
      g_setenv ("G_SLICE", "always-malloc", TRUE);
      execv ("/proc/self/exe", argv);
      g_unsetenv ("G_SLICE");   /* no /proc: run as we are */
    }
#endif

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Kbd/Translation/fallback-missing-and-stale", test_fallback_missing_and_stale);
  g_test_add_func ("/Kbd/Translation/fuzzy-is-stale", test_fuzzy_is_stale);
  g_test_add_func ("/Kbd/Translation/broken-inline-syntax-falls-back", test_broken_inline_syntax_falls_back);
  g_test_add_func ("/Kbd/Translation/structure-unchanged", test_structure_unchanged);
  g_test_add_func ("/Kbd/Translation/bad-po-files", test_bad_po_files);
  g_test_add_func ("/Kbd/Translation/template-round-trip", test_template_round_trip);
  g_test_add_func ("/Kbd/Translation/update-merges", test_update_merges);
  g_test_add_func ("/Kbd/Translation/find-and-choose", test_find_and_choose);
  g_test_add_func ("/Kbd/Translation/german-edition", test_german_edition);

  return g_test_run ();
}
