/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The inline syntax: *labels*, `code`, escapes; checking and rendering to
 * plain text, Pango markup, HTML, Markdown and ANSI. */
#include "config.h"

#include <string.h>

#include "kbdecide.h"

typedef struct
{
  const char *input;
  const char *plain;
  const char *pango;
  const char *html;
  const char *markdown;
  const char *ansi;
} Rendering;

static const Rendering renderings[] = {
  { "Use the *Reinstall* option.",
    "Use the Reinstall option.",
    "Use the <b>Reinstall</b> option.",
    "Use the <strong>Reinstall</strong> option.",
    "Use the **Reinstall** option.",
    "Use the \033[1mReinstall\033[22m option." },
  { "Open `SystemRoot\\System32\\Inetsrv` now",
    "Open SystemRoot\\System32\\Inetsrv now",
    "Open <tt>SystemRoot\\System32\\Inetsrv</tt> now",
    "Open <code>SystemRoot\\System32\\Inetsrv</code> now",
    "Open `SystemRoot\\System32\\Inetsrv` now",
    "Open \033[36mSystemRoot\\System32\\Inetsrv\033[39m now" },
  /* Markup of every other kind is text. */
  { "<b>\"x\" & 'y'</b>",
    "<b>\"x\" & 'y'</b>",
    "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;",
    "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;",
    "\\<b\\>\"x\" \\& 'y'\\</b\\>",
    "<b>\"x\" & 'y'</b>" },
  { "[link](file:///etc/passwd) # not a heading",
    "[link](file:///etc/passwd) # not a heading",
    "[link](file:///etc/passwd) # not a heading",
    "[link](file:///etc/passwd) # not a heading",
    "\\[link\\](file:///etc/passwd) \\# not a heading",
    "[link](file:///etc/passwd) # not a heading" },
  /* Escapes; a backslash before anything else is itself. */
  { "\\* \\` \\\\ C:\\temp",
    "* ` \\ C:\\temp",
    "* ` \\ C:\\temp",
    "* ` \\ C:\\temp",
    "\\* \\` \\\\ C:\\\\temp",
    "* ` \\ C:\\temp" },
  /* Inside code, everything is literal. */
  { "`*not a label*`",
    "*not a label*",
    "<tt>*not a label*</tt>",
    "<code>*not a label*</code>",
    "`*not a label*`",
    "\033[36m*not a label*\033[39m" },
  { "*a*b*c*",
    "abc",
    "<b>a</b>b<b>c</b>",
    "<strong>a</strong>b<strong>c</strong>",
    "**a**b**c**",
    "\033[1ma\033[22mb\033[1mc\033[22m" },
  /* Line breaks and tabs stay; other control characters are replaced so
   * they cannot reach a terminal. */
  { "one\n\ttwo\033[2Jthree\x01",
    "one\n\ttwo\xef\xbf\xbd[2Jthree\xef\xbf\xbd",
    "one\n\ttwo\xef\xbf\xbd[2Jthree\xef\xbf\xbd",
    "one\n\ttwo\xef\xbf\xbd[2Jthree\xef\xbf\xbd",
    "one\n\ttwo\xef\xbf\xbd\\[2Jthree\xef\xbf\xbd",
    "one\n\ttwo\xef\xbf\xbd[2Jthree\xef\xbf\xbd" },
};

static void
test_render (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (renderings); i++)
    {
      const Rendering *r = &renderings[i];
      const char *expected[] = { r->plain, r->pango, r->html, r->markdown, r->ansi };

      g_assert_true (kbd_text_check (r->input, NULL, NULL));
      for (KbdTextFormat f = KBD_TEXT_FORMAT_PLAIN; f <= KBD_TEXT_FORMAT_ANSI; f++)
        {
          g_autofree char *out = kbd_text_render (r->input, f);

          g_test_message ("case %u, format %d", i, f);
          g_assert_cmpstr (out, ==, expected[f]);
          g_assert_true (g_utf8_validate (out, -1, NULL));
        }
    }
}

static void
test_check_errors (void)
{
  static const struct { const char *text; gsize offset; const char *says; } cases[] = {
    { "the *Reinstall option", 4, "never closed" },
    { "run `setup.exe", 4, "never closed" },
    { "an empty ** label", 9, "empty" },
    { "*a `b` c*", 3, "code span" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gsize offset = G_MAXSIZE;

      g_assert_false (kbd_text_check (cases[i].text, &offset, &error));
      g_assert_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, cases[i].says));
      g_assert_cmpuint (offset, ==, cases[i].offset);
    }

  g_assert_true (kbd_text_check ("", NULL, NULL));
  g_assert_true (kbd_text_check ("plain words only", NULL, NULL));
}

static void
test_escape_roundtrip (void)
{
  /* Escaping any text for the inline syntax and rendering it as plain text
   * gives the text back: this is how a tool writes literal text into an
   * article. */
  static const char *const texts[] = {
    "a*b`c\\d", "**", "`", "\\", "ends with \\", "*Reinstall*", "C:\\Program Files\\x", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *escaped = kbd_text_escape (texts[i], KBD_TEXT_FORMAT_MARKDOWN);
      g_autofree char *inline_text = NULL;
      g_autofree char *back = NULL;
      GString *s = g_string_new (NULL);

      /* Build the inline form by hand: every mark character escaped. */
      for (const char *p = texts[i]; *p; p++)
        {
          if (*p == '*' || *p == '`' || *p == '\\')
            g_string_append_c (s, '\\');
          g_string_append_c (s, *p);
        }
      inline_text = g_string_free (s, FALSE);

      g_assert_true (kbd_text_check (inline_text, NULL, NULL));
      back = kbd_text_render (inline_text, KBD_TEXT_FORMAT_PLAIN);
      g_assert_cmpstr (back, ==, texts[i]);
      /* Markdown escapes the same three characters the same way. */
      g_assert_cmpstr (escaped, ==, inline_text);
    }

  {
    g_autofree char *pango = kbd_text_escape ("a <&> b", KBD_TEXT_FORMAT_PANGO);
    g_autofree char *html = kbd_text_escape ("a <&> b", KBD_TEXT_FORMAT_HTML);
    g_autofree char *plain = kbd_text_escape ("a <&> b", KBD_TEXT_FORMAT_PLAIN);

    g_assert_cmpstr (pango, ==, "a &lt;&amp;&gt; b");
    g_assert_cmpstr (html, ==, "a &lt;&amp;&gt; b");
    g_assert_cmpstr (plain, ==, "a <&> b");
  }
}

static gboolean
markup_parses (const char *fragment)
{
  static const GMarkupParser parser = { NULL, };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, NULL, NULL);
  g_autofree char *document = g_strconcat ("<markup>", fragment, "</markup>", NULL);

  return g_markup_parse_context_parse (context, document, -1, NULL) &&
         g_markup_parse_context_end_parse (context, NULL);
}

static void
check_markup_string (const char *string_id,
                     const char *text,
                     gpointer    user_data)
{
  g_autofree char *pango = kbd_text_render (text, KBD_TEXT_FORMAT_PANGO);
  g_autofree char *html = kbd_text_render (text, KBD_TEXT_FORMAT_HTML);

  if (!markup_parses (pango) || !markup_parses (html))
    g_error ("%s does not render to well-formed markup", string_id);
  (*(guint *) user_data)++;
}

static void
test_markup_well_formed (void)
{
  /* Hostile texts and every string of KB 312395 give markup that parses. */
  static const char *const hostile[] = {
    "<a href=\"file:///etc/passwd\">x</a>", "&amp; &#0; &bogus;", "]]> <!-- --> <?xml?>",
    "*<i>*", "`</tt>`", "\"'\"'", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
    "*Yes\u202e* `\u2066<b>\u2069`", "\u202e1. [x]: y\n\u200b- z",
  };
  g_autofree char *path = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);
  guint count = 0;

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    check_markup_string ("hostile", hostile[i], &count);

  g_assert_no_error (error);
  kbd_article_foreach_string (article, check_markup_string, &count);
  g_assert_cmpuint (count, >, 60);
}

static void
test_long_word (void)
{
  /* A 10,000-character word comes out whole and unchanged. */
  g_autofree char *word = g_strnfill (10000, 'W');
  g_autofree char *labelled = g_strdup_printf ("*%s*", word);
  g_autofree char *plain = kbd_text_render (labelled, KBD_TEXT_FORMAT_PLAIN);
  g_autofree char *pango = kbd_text_render (labelled, KBD_TEXT_FORMAT_PANGO);

  g_assert_cmpstr (plain, ==, word);
  g_assert_cmpuint (strlen (pango), ==, 10000 + strlen ("<b></b>"));
}

/* Bidirectional controls and invisible characters ------------------------- */

/* Every character that is shown as its code point, and how. */
static const struct { gunichar ch; const char *shown; } hidden_chars[] = {
  { 0x202a, "[U+202A]" }, { 0x202b, "[U+202B]" }, { 0x202c, "[U+202C]" },
  { 0x202d, "[U+202D]" }, { 0x202e, "[U+202E]" },
  { 0x2066, "[U+2066]" }, { 0x2067, "[U+2067]" }, { 0x2068, "[U+2068]" }, { 0x2069, "[U+2069]" },
  { 0x200b, "[U+200B]" }, { 0x200c, "[U+200C]" }, { 0x200d, "[U+200D]" },
  { 0x2060, "[U+2060]" }, { 0xfeff, "[U+FEFF]" }, { 0x061c, "[U+061C]" },
};

/* How "[U+202E]" is written in @format: Markdown escapes the brackets like
 * any other text, outside code spans. */
static char *
shown_in (const char    *shown,
          KbdTextFormat  format,
          gboolean       in_code)
{
  if (format == KBD_TEXT_FORMAT_MARKDOWN && !in_code)
    {
      g_autofree char *inner = g_strndup (shown + 1, strlen (shown) - 2);
      return g_strdup_printf ("\\[%s\\]", inner);
    }
  return g_strdup (shown);
}

static void
test_bidi_override_shown (void)
{
  /* "Yes", U+202E, "on" would be displayed as "Yesno". */
  static const char *const expected[] = {
    "Yes[U+202E]on",
    "Yes[U+202E]on",
    "Yes[U+202E]on",
    "Yes\\[U+202E\\]on",
    "Yes[U+202E]on",
  };

  for (KbdTextFormat f = KBD_TEXT_FORMAT_PLAIN; f <= KBD_TEXT_FORMAT_ANSI; f++)
    {
      g_autofree char *rendered = kbd_text_render ("Yes\u202Eon", f);
      g_autofree char *escaped = kbd_text_escape ("Yes\u202Eon", f);
      g_autofree char *labelled = kbd_text_render ("*Yes\u202Eon*", f);

      g_test_message ("format %d", f);
      g_assert_cmpstr (rendered, ==, expected[f]);
      g_assert_cmpstr (escaped, ==, expected[f]);
      g_assert_nonnull (strstr (labelled, expected[f]));
      g_assert_null (strstr (rendered, "\xe2\x80\xae"));
      g_assert_null (strstr (escaped, "\xe2\x80\xae"));
      g_assert_null (strstr (labelled, "\xe2\x80\xae"));
    }
}

static void
test_hidden_chars_shown (void)
{
  /* Each character, in running text, in a label, in a code span and in
   * typed text, in every format, becomes its code point and is gone. */
  for (guint i = 0; i < G_N_ELEMENTS (hidden_chars); i++)
    {
      char utf8[8] = { 0, };

      g_unichar_to_utf8 (hidden_chars[i].ch, utf8);

      for (KbdTextFormat f = KBD_TEXT_FORMAT_PLAIN; f <= KBD_TEXT_FORMAT_ANSI; f++)
        {
          g_autofree char *text = g_strdup_printf ("a%sb", utf8);
          g_autofree char *label = g_strdup_printf ("*Yes%s*", utf8);
          g_autofree char *code = g_strdup_printf ("run `setup%s.exe`", utf8);
          char *outputs[4] = {
            kbd_text_render (text, f),
            kbd_text_render (label, f),
            kbd_text_render (code, f),
            kbd_text_escape (text, f),
          };
          g_autofree char *shown = shown_in (hidden_chars[i].shown, f, FALSE);
          g_autofree char *shown_code = shown_in (hidden_chars[i].shown, f, TRUE);

          g_test_message ("U+%04X, format %d", hidden_chars[i].ch, f);
          g_assert_true (kbd_text_check (text, NULL, NULL));
          g_assert_true (kbd_text_check (label, NULL, NULL));
          g_assert_true (kbd_text_check (code, NULL, NULL));
          for (guint o = 0; o < G_N_ELEMENTS (outputs); o++)
            {
              g_assert_true (g_utf8_validate (outputs[o], -1, NULL));
              g_assert_null (strstr (outputs[o], utf8));
              g_assert_nonnull (strstr (outputs[o], o == 2 ? shown_code : shown));
            }
          for (guint o = 0; o < G_N_ELEMENTS (outputs); o++)
            g_free (outputs[o]);
        }
    }

  /* Four or more digits, uppercase. */
  {
    g_autofree char *plain = kbd_text_render ("\u061c\ufeff", KBD_TEXT_FORMAT_PLAIN);
    g_assert_cmpstr (plain, ==, "[U+061C][U+FEFF]");
  }
}

static void
test_direction_marks_kept (void)
{
  /* LRM and RLM belong to right-to-left text and stay as they are. */
  static const char rtl[] = "\u05db\u05df\u200f (Yes\u200e)";

  for (KbdTextFormat f = KBD_TEXT_FORMAT_PLAIN; f <= KBD_TEXT_FORMAT_ANSI; f++)
    {
      g_autofree char *rendered = kbd_text_render (rtl, f);
      g_autofree char *escaped = kbd_text_escape (rtl, f);

      /* Nothing in it needs escaping in any format. */
      g_assert_cmpstr (rendered, ==, rtl);
      g_assert_cmpstr (escaped, ==, rtl);
    }
}

static void
test_zero_width_label_visible (void)
{
  /* A label of nothing but zero-width characters would be an invisible
   * answer; it renders as something a person can see. */
  static const char label[] = "\u200b\u200c\u200d\u2060\ufeff";

  for (KbdTextFormat f = KBD_TEXT_FORMAT_PLAIN; f <= KBD_TEXT_FORMAT_ANSI; f++)
    {
      g_autofree char *rendered = kbd_text_render (label, f);
      g_autofree char *bold = kbd_text_render ("*\u200b*", f);
      g_autofree char *stripped = g_strstrip (g_strdup (rendered));
      gboolean visible = FALSE;

      for (const char *p = stripped; *p != '\0'; p = g_utf8_next_char (p))
        if (g_unichar_isgraph (g_utf8_get_char (p)))
          visible = TRUE;
      g_assert_true (visible);
      g_assert_nonnull (strstr (rendered, "U+200B"));
      g_assert_nonnull (strstr (rendered, "U+FEFF"));
      g_assert_nonnull (strstr (bold, "U+200B"));
    }

  {
    g_autofree char *plain = kbd_text_render (label, KBD_TEXT_FORMAT_PLAIN);
    g_assert_cmpstr (plain, ==, "[U+200B][U+200C][U+200D][U+2060][U+FEFF]");
  }
}

static void
test_render_invalid_is_literal (void)
{
  /* Rendering never fails: text that does not check is shown as it is. */
  g_autofree char *plain = kbd_text_render ("the *Reinstall option", KBD_TEXT_FORMAT_PLAIN);
  g_autofree char *pango = kbd_text_render ("a *b <c>", KBD_TEXT_FORMAT_PANGO);

  g_assert_cmpstr (plain, ==, "the *Reinstall option");
  g_assert_true (markup_parses (pango));
  g_assert_nonnull (strstr (pango, "&lt;c&gt;"));
}

/* Found by fuzz-text (fuzz/found/text-markdown-code-span-*): CommonMark
 * strips one space from each end of a code span that has one, after line
 * breaks became spaces, and nothing from a span of spaces only. */
static void
test_markdown_code_span_padding (void)
{
  static const struct { const char *text; const char *markdown; } cases[] = {
    { "Run `\nnet stop spooler\n` now.", "Run `  net stop spooler  ` now." },
    { "Type `  ` twice.", "Type `  ` twice." },
    { "Run ` net stop` now.", "Run `  net stop ` now." },
    { "Run `net stop` now.", "Run `net stop` now." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markdown = kbd_text_render (cases[i].text, KBD_TEXT_FORMAT_MARKDOWN);

      g_assert_cmpstr (markdown, ==, cases[i].markdown);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/text/markdown-code-span-padding", test_markdown_code_span_padding);
  g_test_add_func ("/text/render", test_render);
  g_test_add_func ("/text/check-errors", test_check_errors);
  g_test_add_func ("/text/escape", test_escape_roundtrip);
  g_test_add_func ("/text/markup-well-formed", test_markup_well_formed);
  g_test_add_func ("/text/long-word", test_long_word);
  g_test_add_func ("/text/render-invalid-is-literal", test_render_invalid_is_literal);
  g_test_add_func ("/text/bidi-override-shown", test_bidi_override_shown);
  g_test_add_func ("/text/hidden-characters-shown", test_hidden_chars_shown);
  g_test_add_func ("/text/direction-marks-kept", test_direction_marks_kept);
  g_test_add_func ("/text/zero-width-label-visible", test_zero_width_label_visible);

  return g_test_run ();
}
