/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "kbd-error.h"
#include "kbd-private.h"
#include "kbd-text.h"

/**
 * SECTION:kbd-text
 *
 * The one place where article text becomes plain text, Pango markup, HTML,
 * Markdown or terminal output. Article text is data: only the format's two
 * inline marks are interpreted, everything else is escaped for the target.
 */

typedef enum
{
  EVENT_TEXT,
  EVENT_LABEL_OPEN,
  EVENT_LABEL_CLOSE,
  EVENT_CODE,
} EventKind;

typedef void (*EventFunc) (EventKind   kind,
                           const char *text,
                           gsize       len,
                           gpointer    user_data);

static inline gboolean
is_mark (char c)
{
  return c == '*' || c == '`' || c == '\\';
}

static gboolean
tokenize (const char *text,
          EventFunc   func,
          gpointer    user_data,
          gsize      *error_offset,
          GError    **error)
{
  const char *p = text;
  const char *label_start = NULL;
  gboolean label_has_text = FALSE;

  while (*p != '\0')
    {
      const char *run;

      if (p[0] == '\\' && is_mark (p[1]))
        {
          func (EVENT_TEXT, p + 1, 1, user_data);
          label_has_text = TRUE;
          p += 2;
          continue;
        }

      if (*p == '*')
        {
          if (label_start != NULL)
            {
              if (!label_has_text)
                {
                  if (error_offset)
                    *error_offset = label_start - text;
                  g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE,
                               _("“**” is an empty label; write \\* for a literal asterisk"));
                  return FALSE;
                }
              func (EVENT_LABEL_CLOSE, NULL, 0, user_data);
              label_start = NULL;
            }
          else
            {
              func (EVENT_LABEL_OPEN, NULL, 0, user_data);
              label_start = p;
              label_has_text = FALSE;
            }
          p++;
          continue;
        }

      if (*p == '`')
        {
          const char *close;

          if (label_start != NULL)
            {
              if (error_offset)
                *error_offset = p - text;
              g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE,
                           _("a code span cannot stand inside a *label*"));
              return FALSE;
            }

          close = strchr (p + 1, '`');
          if (close == NULL)
            {
              if (error_offset)
                *error_offset = p - text;
              g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE,
                           _("the “`” is never closed; write \\` for a literal backtick"));
              return FALSE;
            }
          if (close == p + 1)
            {
              if (error_offset)
                *error_offset = p - text;
              g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE,
                           _("“``” is an empty code span; write \\` for a literal backtick"));
              return FALSE;
            }

          func (EVENT_CODE, p + 1, close - p - 1, user_data);
          p = close + 1;
          continue;
        }

      /* A run of literal text; a backslash not followed by a mark is literal. */
      run = p;
      while (*p != '\0' && *p != '*' && *p != '`' && !(p[0] == '\\' && is_mark (p[1])))
        p++;
      func (EVENT_TEXT, run, p - run, user_data);
      label_has_text = TRUE;
    }

  if (label_start != NULL)
    {
      if (error_offset)
        *error_offset = label_start - text;
      g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE,
                   _("the “*” is never closed; write \\* for a literal asterisk"));
      return FALSE;
    }

  return TRUE;
}

static void
ignore_event_cb (EventKind   kind,
                 const char *text,
                 gsize       len,
                 gpointer    user_data)
{
}

/**
 * kbd_text_check:
 * @text: article text, valid UTF-8
 * @error_offset: (out) (optional): where the problem starts, in bytes
 * @error: return location for a #GError
 *
 * Checks the inline syntax of @text: every `*` and `` ` `` is closed, no
 * label or code span is empty, no code span stands inside a label.
 *
 * Returns: %TRUE if @text is well-formed, %FALSE with
 *   %KBD_ERROR_INVALID_VALUE otherwise
 */
gboolean
kbd_text_check (const char  *text,
                gsize       *error_offset,
                GError     **error)
{
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  kbd_i18n_init ();

  return tokenize (text, ignore_event_cb, NULL, error_offset, error);
}

/* Escaping ---------------------------------------------------------------- */

static gboolean
is_unsafe_char (gunichar ch)
{
  /* Control characters could move a terminal's cursor or corrupt markup;
   * line breaks and tabs are kept. */
  return (ch < 0x20 && ch != '\n' && ch != '\t') || (ch >= 0x7f && ch <= 0x9f);
}

/* Characters that reorder the text around them (embeddings, overrides,
 * isolates, the Arabic letter mark) or cannot be seen (zero-width space,
 * joiners, word joiner, U+FEFF): in a title or an answer label they could
 * make one answer look like another, so they are shown as "[U+202E]".
 * U+200E and U+200F (LRM, RLM) are kept: right-to-left text needs them and
 * they cannot reorder a whole label. */
static gboolean
is_hidden_char (gunichar ch)
{
  return (ch >= 0x202a && ch <= 0x202e) ||
         (ch >= 0x2066 && ch <= 0x2069) ||
         (ch >= 0x200b && ch <= 0x200d) ||
         ch == 0x2060 || ch == 0xfeff || ch == 0x061c;
}

/* "[U+202E]": uppercase hex, at least four digits; no markup characters
 * other than the brackets, which the caller escapes like any text. */
static gsize
format_hidden_char (gunichar  ch,
                    char     *buf,
                    gsize     size)
{
  return g_snprintf (buf, size, "[U+%04" G_GINT32_MODIFIER "X]", (guint32) ch);
}

static void
append_escaped (GString       *out,
                const char    *text,
                gsize          len,
                KbdTextFormat  format,
                gboolean       line_start_possible)
{
  g_autofree char *valid = g_utf8_make_valid (text, len);
  gboolean at_line_start = line_start_possible && (out->len == 0 || out->str[out->len - 1] == '\n');

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      if (is_unsafe_char (ch))
        {
          g_string_append (out, "\xEF\xBF\xBD");
          at_line_start = FALSE;
          continue;
        }

      if (is_hidden_char (ch))
        {
          char shown[16];
          gsize shown_len = format_hidden_char (ch, shown, sizeof shown);

          /* Escaped for the target like any other text (Markdown: "\[U+202E\]"). */
          append_escaped (out, shown, shown_len, format, FALSE);
          at_line_start = FALSE;
          continue;
        }

      switch (format)
        {
        case KBD_TEXT_FORMAT_PANGO:
        case KBD_TEXT_FORMAT_HTML:
          switch (ch)
            {
            case '&': g_string_append (out, "&amp;"); break;
            case '<': g_string_append (out, "&lt;"); break;
            case '>': g_string_append (out, "&gt;"); break;
            case '"': g_string_append (out, "&quot;"); break;
            case '\'': g_string_append (out, "&#39;"); break;
            default: g_string_append_len (out, p, next - p); break;
            }
          break;

        case KBD_TEXT_FORMAT_MARKDOWN:
          if (strchr ("\\`*_[]<>#|~&", (int) ch) != NULL && ch < 0x80 && ch != 0)
            g_string_append_c (out, '\\');
          else if (at_line_start && (ch == '-' || ch == '+' || ch == '='))
            g_string_append_c (out, '\\');
          else if ((ch == '.' || ch == ')') && out->len > 0 &&
                   g_ascii_isdigit (out->str[out->len - 1]))
            {
              /* "1." or "1)" at the start of a line would begin a list. */
              gsize i = out->len;

              while (i > 0 && g_ascii_isdigit (out->str[i - 1]))
                i--;
              if (i == 0 || out->str[i - 1] == '\n')
                g_string_append_c (out, '\\');
            }
          g_string_append_len (out, p, next - p);
          break;

        case KBD_TEXT_FORMAT_PLAIN:
        case KBD_TEXT_FORMAT_ANSI:
        default:
          g_string_append_len (out, p, next - p);
          break;
        }

      at_line_start = ch == '\n' || (at_line_start && (ch == ' ' || ch == '\t'));
    }
}

/**
 * kbd_text_escape:
 * @text: any text
 * @format: the target
 *
 * Escapes @text for @format without interpreting anything in it: the
 * result shows @text literally. Invalid UTF-8 and control characters other
 * than line breaks and tabs are replaced by U+FFFD. Characters that change
 * the direction of text or cannot be seen (U+202A–U+202E, U+2066–U+2069,
 * U+200B–U+200D, U+2060, U+FEFF, U+061C) are shown as their code point,
 * `[U+202E]`, escaped for @format; U+200E and U+200F are kept.
 *
 * Returns: (transfer full): the escaped text
 */
char *
kbd_text_escape (const char    *text,
                 KbdTextFormat  format)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text) + 16);
  append_escaped (out, text, strlen (text), format, TRUE);
  return g_string_free (out, FALSE);
}

typedef struct
{
  GString *out;
  KbdTextFormat format;
} RenderState;

static void
render_event_cb (EventKind   kind,
                 const char *text,
                 gsize       len,
                 gpointer    user_data)
{
  RenderState *state = user_data;
  GString *out = state->out;

  switch (kind)
    {
    case EVENT_TEXT:
      append_escaped (out, text, len, state->format, TRUE);
      break;

    case EVENT_LABEL_OPEN:
    case EVENT_LABEL_CLOSE:
      {
        gboolean open = kind == EVENT_LABEL_OPEN;

        switch (state->format)
          {
          case KBD_TEXT_FORMAT_PANGO: g_string_append (out, open ? "<b>" : "</b>"); break;
          case KBD_TEXT_FORMAT_HTML: g_string_append (out, open ? "<strong>" : "</strong>"); break;
          case KBD_TEXT_FORMAT_MARKDOWN: g_string_append (out, "**"); break;
          case KBD_TEXT_FORMAT_ANSI: g_string_append (out, open ? "\033[1m" : "\033[22m"); break;
          case KBD_TEXT_FORMAT_PLAIN:
          default:
            break;
          }
      }
      break;

    case EVENT_CODE:
      switch (state->format)
        {
        case KBD_TEXT_FORMAT_PANGO:
          g_string_append (out, "<tt>");
          append_escaped (out, text, len, state->format, FALSE);
          g_string_append (out, "</tt>");
          break;
        case KBD_TEXT_FORMAT_HTML:
          g_string_append (out, "<code>");
          append_escaped (out, text, len, state->format, FALSE);
          g_string_append (out, "</code>");
          break;
        case KBD_TEXT_FORMAT_MARKDOWN:
          {
            /* A code span cannot contain a backtick (the syntax ends it
             * there), so one backtick delimits it. CommonMark strips one
             * space from each end of a span that starts or ends with one,
             * unless it is only spaces: pad such a span, judged on what is
             * written (line breaks become spaces), so it stays intact. */
            g_autofree char *valid = g_utf8_make_valid (text, len);
            g_autoptr(GString) body = g_string_new (NULL);
            gboolean only_spaces = TRUE;
            gboolean pad;

            for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
              {
                gunichar ch = g_utf8_get_char (p);

                if (is_unsafe_char (ch) || ch == '\n')
                  g_string_append (body, ch == '\n' ? " " : "\xEF\xBF\xBD");
                else if (is_hidden_char (ch))
                  {
                    /* Literal inside a code span: no backtick in it. */
                    char shown[16];

                    g_string_append_len (body, shown, format_hidden_char (ch, shown, sizeof shown));
                  }
                else
                  g_string_append_len (body, p, g_utf8_next_char (p) - p);
              }
            for (gsize i = 0; i < body->len; i++)
              only_spaces &= body->str[i] == ' ';
            pad = body->len > 0 && !only_spaces &&
                  (body->str[0] == ' ' || body->str[body->len - 1] == ' ');

            g_string_append (out, pad ? "` " : "`");
            g_string_append_len (out, body->str, body->len);
            g_string_append (out, pad ? " `" : "`");
          }
          break;
        case KBD_TEXT_FORMAT_ANSI:
          g_string_append (out, "\033[36m");
          append_escaped (out, text, len, state->format, FALSE);
          g_string_append (out, "\033[39m");
          break;
        case KBD_TEXT_FORMAT_PLAIN:
        default:
          append_escaped (out, text, len, state->format, FALSE);
          break;
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

/**
 * kbd_text_render:
 * @text: article text in the format's inline syntax
 * @format: the target
 *
 * Converts article text for display. `*label*` becomes bold (or
 * `<strong>`), `` `code` `` becomes monospace, `\*`, `` \` `` and `\\` become
 * the character; everything else is escaped for @format, so the result
 * never carries markup that the article wrote. Control characters become
 * U+FFFD and invisible or direction-changing characters their code point
 * (`[U+202E]`), as in kbd_text_escape(), in every format including plain
 * text. Text whose inline syntax is broken is shown literally, as by
 * kbd_text_escape().
 *
 * Returns: (transfer full): the converted text
 */
char *
kbd_text_render (const char    *text,
                 KbdTextFormat  format)
{
  RenderState state;

  g_return_val_if_fail (text != NULL, NULL);

  state.out = g_string_sized_new (strlen (text) + 16);
  state.format = format;

  if (!tokenize (text, render_event_cb, &state, NULL, NULL))
    {
      g_string_free (state.out, TRUE);
      return kbd_text_escape (text, format);
    }

  return g_string_free (state.out, FALSE);
}
