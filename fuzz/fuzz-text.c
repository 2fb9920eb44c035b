/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-text: the inline-text converter (kbd-text.h): kbd_text_check,
 * kbd_text_render and kbd_text_escape, for every KbdTextFormat.
 *
 * The input, up to its first NUL byte, is the text. For UTF-8 text:
 *
 *  - kbd_text_check() returns TRUE, or FALSE with KBD_ERROR_INVALID_VALUE and
 *    an error offset inside the text;
 *  - every rendering is valid UTF-8 and the same when rendered twice;
 *  - broken inline syntax renders exactly as kbd_text_escape() (documented);
 *  - Pango markup, wrapped in <markup>…</markup>, parses with GMarkup, uses
 *    only <b> and <tt> without attributes, never nests a mark, and its text
 *    is exactly the plain rendering (so nothing of the article became markup);
 *  - the HTML fragment is XHTML-compatible (the converter emits only
 *    <strong> and <code>, no void elements), so the same holds for it wrapped
 *    in <div>…</div>;
 *  - the ANSI rendering's escape sequences are only the converter's four
 *    (bold on/off, cyan on/off) and without them it is the plain rendering;
 *  - the Markdown rendering, decoded as CommonMark reads it (backslash
 *    escapes; `code` spans, where one space is stripped on each side of a
 *    span that starts and ends with a space and is not only spaces; **
 *    marks), is the plain rendering (line breaks inside code become spaces),
 *    and its ** marks pair up outside code spans;
 *  - the plain rendering contains no character the input did not contain
 *    (except U+FFFD for control characters, and "[U+XXXX]" for an input
 *    character that reorders text or cannot be seen) and no more *, `, \,
 *    <, >, & than the input;
 *  - no rendering carries control characters other than line break and tab
 *    (ANSI: other than its own ESC sequences).
 *
 * For input that is not UTF-8, kbd_text_escape() ("any text") and
 * kbd_text_render() must still return valid UTF-8, deterministically;
 * kbd_text_check() documents UTF-8 input and is not called.
 */
#include "config.h"

#include "fuzz-common.h"

static const KbdTextFormat formats[] = {
  KBD_TEXT_FORMAT_PLAIN,
  KBD_TEXT_FORMAT_PANGO,
  KBD_TEXT_FORMAT_HTML,
  KBD_TEXT_FORMAT_MARKDOWN,
  KBD_TEXT_FORMAT_ANSI,
};

static const char *const format_names[] = { "plain", "pango", "html", "markdown", "ansi" };


/* GMarkup check of Pango / HTML output -------------------------------------- */

typedef struct
{
  const char *root;
  const char *label;  /* b / strong */
  const char *code;   /* tt / code */
  GString *text;
  guint depth;
  gboolean in_label;
  gboolean in_code;
} MarkupState;

static void
markup_start (GMarkupParseContext  *context,
              const char           *element,
              const char          **attribute_names,
              const char          **attribute_values,
              gpointer              user_data,
              GError              **error)
{
  MarkupState *state = user_data;

  FUZZ_CHECK (attribute_names[0] == NULL, "<%s> has an attribute %s", element, attribute_names[0]);
  if (state->depth == 0)
    FUZZ_CHECK (g_str_equal (element, state->root), "root <%s>", element);
  else if (g_str_equal (element, state->label))
    {
      FUZZ_CHECK (!state->in_label && !state->in_code, "<%s> nested in a mark", element);
      state->in_label = TRUE;
    }
  else if (g_str_equal (element, state->code))
    {
      FUZZ_CHECK (!state->in_label && !state->in_code, "<%s> nested in a mark", element);
      state->in_code = TRUE;
    }
  else
    FUZZ_CHECK (FALSE, "the converter emitted <%s>", element);
  state->depth++;
}

static void
markup_end (GMarkupParseContext  *context,
            const char           *element,
            gpointer              user_data,
            GError              **error)
{
  MarkupState *state = user_data;

  if (g_str_equal (element, state->label))
    state->in_label = FALSE;
  else if (g_str_equal (element, state->code))
    state->in_code = FALSE;
  state->depth--;
}

static void
markup_text (GMarkupParseContext  *context,
             const char           *text,
             gsize                 text_len,
             gpointer              user_data,
             GError              **error)
{
  MarkupState *state = user_data;

  g_string_append_len (state->text, text, text_len);
}

static void
markup_passthrough (GMarkupParseContext  *context,
                    const char           *text,
                    gsize                 text_len,
                    gpointer              user_data,
                    GError              **error)
{
  FUZZ_CHECK (FALSE, "the converter emitted a comment, PI or CDATA: %.*s", (int) text_len, text);
}

static const GMarkupParser markup_parser = {
  markup_start, markup_end, markup_text, markup_passthrough, NULL,
};

static void
check_markup (const char *rendered,
              const char *root,
              const char *label,
              const char *code,
              const char *plain)
{
  g_autofree char *doc = g_strdup_printf ("<%s>%s</%s>", root, rendered, root);
  MarkupState state = { root, label, code, g_string_new (NULL), 0, FALSE, FALSE };
  GMarkupParseContext *context;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  context = g_markup_parse_context_new (&markup_parser, 0, &state, NULL);
  ok = g_markup_parse_context_parse (context, doc, -1, &error) &&
       g_markup_parse_context_end_parse (context, &error);
  FUZZ_CHECK (ok, "%s output is not well-formed markup: %s\n%s", root,
              error ? error->message : "?", doc);
  g_markup_parse_context_free (context);

  FUZZ_CHECK (g_str_equal (state.text->str, plain),
              "the text of the <%s> markup is not the plain rendering:\n  markup text: %s\n  plain: %s",
              root, state.text->str, plain);
  g_string_free (state.text, TRUE);
}

/* ANSI ---------------------------------------------------------------------- */

static void
check_ansi (const char *rendered,
            const char *plain)
{
  static const char *const sequences[] = { "\033[1m", "\033[22m", "\033[36m", "\033[39m" };
  GString *stripped = g_string_new (NULL);

  for (const char *p = rendered; *p != '\0';)
    {
      if (*p == '\033')
        {
          gboolean known = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (sequences); i++)
            if (g_str_has_prefix (p, sequences[i]))
              {
                p += strlen (sequences[i]);
                known = TRUE;
                break;
              }
          FUZZ_CHECK (known, "the ANSI output has an escape the converter does not emit");
          continue;
        }
      g_string_append_c (stripped, *p);
      p++;
    }

  FUZZ_CHECK (!fuzz_has_control_chars (stripped->str, TRUE),
              "the ANSI output carries control characters");
  FUZZ_CHECK (g_str_equal (stripped->str, plain),
              "the ANSI output without its escapes is not the plain rendering:\n  %s\n  %s",
              stripped->str, plain);
  g_string_free (stripped, TRUE);
}

/* Markdown ------------------------------------------------------------------ */

static char *
newlines_to_spaces (const char *text)
{
  char *copy = g_strdup (text);

  for (char *p = copy; *p != '\0'; p++)
    if (*p == '\n')
      *p = ' ';
  return copy;
}

static void
check_markdown (const char *rendered,
                const char *plain)
{
  GString *decoded = g_string_new (NULL);
  guint marks = 0;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;

  for (const char *p = rendered; *p != '\0';)
    {
      if (p[0] == '\\')
        {
          /* The converter escapes only ASCII punctuation. */
          FUZZ_CHECK (p[1] != '\0' && g_ascii_ispunct (p[1]),
                      "a Markdown backslash before '%c' (0x%02x)", p[1], (guchar) p[1]);
          g_string_append_c (decoded, p[1]);
          p += 2;
        }
      else if (p[0] == '*')
        {
          FUZZ_CHECK (p[1] == '*', "a lone * in Markdown output: %s", rendered);
          marks++;
          p += 2;
        }
      else if (p[0] == '`')
        {
          const char *close = strchr (p + 1, '`');
          const char *content = p + 1;
          gsize len;

          FUZZ_CHECK (close != NULL, "an unclosed code span in Markdown output: %s", rendered);
          len = close - content;
          FUZZ_CHECK (memchr (content, '\n', len) == NULL, "a line break inside a code span");
          FUZZ_CHECK (len > 0, "an empty code span in Markdown output");
          if (len >= 2 && content[0] == ' ' && content[len - 1] == ' ' &&
              strspn (content, " ") < len)
            {
              /* CommonMark strips one space on each side of a span that
               * starts and ends with one, unless it is only spaces; the
               * converter pads spans that start or end with a space. */
              content++;
              len -= 2;
            }
          g_string_append_len (decoded, content, len);
          p = close + 1;
        }
      else
        {
          g_string_append_c (decoded, *p);
          p++;
        }
    }

  FUZZ_CHECK (marks % 2 == 0, "unpaired ** in Markdown output: %s", rendered);
  expected = newlines_to_spaces (plain);
  got = newlines_to_spaces (decoded->str);
  FUZZ_CHECK (g_str_equal (got, expected),
              "the decoded Markdown is not the plain rendering:\n  markdown: %s\n  decoded: %s\n  plain: %s",
              rendered, decoded->str, plain);
  g_string_free (decoded, TRUE);
}

/* Plain --------------------------------------------------------------------- */

static void
check_plain (const char *plain,
             const char *input)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  static const char marks[] = "*`\\<>&";

  for (const char *p = input; *p != '\0'; p = g_utf8_next_char (p))
    g_hash_table_add (seen, GUINT_TO_POINTER (g_utf8_get_char (p)));

  for (const char *p = plain; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (ch == '[' && p[1] == 'U' && p[2] == '+')
        {
          /* Characters that reorder text or cannot be seen are shown as
           * "[U+202E]" (kbd_text_escape); the code point must be one of
           * the input's. */
          char *end = NULL;
          guint64 cp = g_ascii_strtoull (p + 3, &end, 16);

          if (end != NULL && end - (p + 3) >= 4 && *end == ']' &&
              g_hash_table_contains (seen, GUINT_TO_POINTER ((gunichar) cp)))
            {
              p = end; /* the loop steps over the ']' */
              continue;
            }
        }
      FUZZ_CHECK (ch == 0xFFFD || g_hash_table_contains (seen, GUINT_TO_POINTER (ch)),
                  "the plain rendering has U+%04X, which the input does not", ch);
    }

  for (const char *m = marks; *m != '\0'; m++)
    {
      guint in = 0, out = 0;

      for (const char *p = input; *p != '\0'; p++)
        in += *p == *m;
      for (const char *p = plain; *p != '\0'; p++)
        out += *p == *m;
      FUZZ_CHECK (out <= in, "the plain rendering has %u '%c', the input %u", out, *m, in);
    }
}

/* ---------------------------------------------------------------------------- */

static char *
render_checked (const char    *text,
                KbdTextFormat  format,
                gboolean       escape)
{
  char *a = escape ? kbd_text_escape (text, format) : kbd_text_render (text, format);
  g_autofree char *b = escape ? kbd_text_escape (text, format) : kbd_text_render (text, format);

  FUZZ_CHECK (a != NULL, "%s (%s) returned NULL", escape ? "escape" : "render", format_names[format]);
  FUZZ_CHECK (g_utf8_validate (a, -1, NULL), "%s (%s) output is not UTF-8",
              escape ? "escape" : "render", format_names[format]);
  FUZZ_CHECK (g_str_equal (a, b), "%s (%s) is not deterministic",
              escape ? "escape" : "render", format_names[format]);
  if (format != KBD_TEXT_FORMAT_ANSI)
    FUZZ_CHECK (!fuzz_has_control_chars (a, TRUE), "%s (%s) output carries control characters",
                escape ? "escape" : "render", format_names[format]);
  return a;
}

static void
check_all_formats (const char *text,
                   gboolean    escape)
{
  char *out[G_N_ELEMENTS (formats)];

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    out[i] = render_checked (text, formats[i], escape);

  check_plain (out[KBD_TEXT_FORMAT_PLAIN], text);
  check_markup (out[KBD_TEXT_FORMAT_PANGO], "markup", "b", "tt", out[KBD_TEXT_FORMAT_PLAIN]);
  check_markup (out[KBD_TEXT_FORMAT_HTML], "div", "strong", "code", out[KBD_TEXT_FORMAT_PLAIN]);
  check_markdown (out[KBD_TEXT_FORMAT_MARKDOWN], out[KBD_TEXT_FORMAT_PLAIN]);
  check_ansi (out[KBD_TEXT_FORMAT_ANSI], out[KBD_TEXT_FORMAT_PLAIN]);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    g_free (out[i]);
}

FUZZ_DEFINE_INITIALIZE

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize offset = G_MAXSIZE;
  gboolean ok;

  /* Article texts are at most 16 KiB. */
  if (size > 64 * 1024)
    return -1;

  text = g_strndup ((const char *) data, size);

  if (!g_utf8_validate (text, -1, NULL))
    {
      /* Any text for kbd_text_escape(); the rendering must stay UTF-8. */
      for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
        {
          g_free (render_checked (text, formats[i], TRUE));
          g_free (render_checked (text, formats[i], FALSE));
        }
      return 0;
    }

  ok = kbd_text_check (text, &offset, &error);
  if (ok)
    FUZZ_CHECK (error == NULL, "kbd_text_check returned TRUE with an error");
  else
    {
      fuzz_check_kbd_error (error, "kbd_text_check");
      FUZZ_CHECK (error->code == KBD_ERROR_INVALID_VALUE,
                  "kbd_text_check failed with code %d", error->code);
      FUZZ_CHECK (offset <= strlen (text), "error offset %" G_GSIZE_FORMAT " past the text", offset);
      FUZZ_CHECK (offset < strlen (text) && (text[offset] == '*' || text[offset] == '`'),
                  "the error offset %" G_GSIZE_FORMAT " is not at a mark", offset);
      /* Without an error location the check must agree. */
      FUZZ_CHECK (!kbd_text_check (text, NULL, NULL), "kbd_text_check is not deterministic");
    }

  check_all_formats (text, FALSE);
  check_all_formats (text, TRUE);

  if (!ok)
    for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
      {
        g_autofree char *rendered = kbd_text_render (text, formats[i]);
        g_autofree char *escaped = kbd_text_escape (text, formats[i]);

        FUZZ_CHECK (g_str_equal (rendered, escaped),
                    "broken inline syntax is not rendered literally (%s)", format_names[i]);
      }

  return 0;
}
