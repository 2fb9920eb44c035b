/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kbdecide.h"
#include "kbd-gui-text.h"

/* Article and history text is data. A label never interprets it as markup:
 * the library's converter escapes everything and marks only *labels* and
 * `code`; those marks become Pango attributes on a label whose use-markup
 * stays off, so nothing in the text can reach the markup parser as markup. */
#define LONG_RUN 200   /* characters without a break opportunity */
#define BREAK_EVERY 32

/* Pango wraps a long run of text with no break opportunity in quadratic
 * time (a 10,000-character word takes seconds). Gives every run of more
 * than LONG_RUN characters without white space in @text a zero-width space
 * every BREAK_EVERY characters. Shorter runs, such as paths and commands,
 * are left exactly as they are, so they copy intact. When @is_markup, @text
 * is Pango markup: tags take no room and an entity is one character. */
char *
kbd_gui_break_long_runs (const char *text,
                         gboolean    is_markup)
{
  GString *out = NULL;
  const char *p = text;

  while (*p != '\0')
    {
      const char *run = p, *q = p;
      guint length = 0;

      /* Measure the run that starts here: tags do not count, an entity is
       * one character. */
      while (*q != '\0' && !g_ascii_isspace (*q))
        {
          if (is_markup && *q == '<')
            {
              while (*q != '\0' && *q != '>')
                q++;
              if (*q == '>')
                q++;
              continue;
            }
          if (is_markup && *q == '&')
            {
              while (*q != '\0' && *q != ';')
                q++;
              if (*q == ';')
                q++;
            }
          else
            q = g_utf8_next_char (q);
          length++;
        }

      if (length > LONG_RUN)
        {
          guint count = 0;

          if (out == NULL)
            out = g_string_new_len (text, run - text);
          for (const char *r = run; r < q;)
            {
              const char *next;

              if (is_markup && *r == '<')
                {
                  next = strchr (r, '>');
                  next = next != NULL ? next + 1 : q;
                  g_string_append_len (out, r, next - r);
                  r = next;
                  continue;
                }
              if (is_markup && *r == '&')
                {
                  next = strchr (r, ';');
                  next = next != NULL ? next + 1 : q;
                }
              else
                next = g_utf8_next_char (r);
              g_string_append_len (out, r, next - r);
              r = next;
              if (++count % BREAK_EVERY == 0)
                g_string_append (out, "\xE2\x80\x8B");
            }
        }
      else if (out != NULL)
        g_string_append_len (out, run, q - run);

      /* The white space after the run. */
      p = q;
      while (*p != '\0' && g_ascii_isspace (*p))
        p++;
      if (out != NULL)
        g_string_append_len (out, q, p - q);
    }

  return out != NULL ? g_string_free (out, FALSE) : g_strdup (text);
}

/* GtkLabel finds a wrapping label's minimum width by laying its text out
 * at width 0, or at width-chars characters when that is set. At width 0
 * with PANGO_WRAP_WORD_CHAR every character is a line of its own: for the
 * longest step text the format allows (16 KiB) that layout alone took about
 * 140 ms, against 10 ms at 20 characters. A long text therefore gets
 * width-chars 20 (a narrow window still fits); short texts, such as answer
 * labels, keep their natural width. A width-chars the caller set is kept. */
#define LONG_TEXT 1024
#define LONG_TEXT_WIDTH_CHARS 20
#define WIDTH_CHARS_KEY "kbd-gui-width-chars-floor"

static void
set_width_floor (GtkLabel   *label,
                 const char *text)
{
  gboolean ours = g_object_get_data (G_OBJECT (label), WIDTH_CHARS_KEY) != NULL;
  gboolean is_long = strlen (text) > LONG_TEXT;

  if (is_long && gtk_label_get_width_chars (label) < LONG_TEXT_WIDTH_CHARS)
    {
      gtk_label_set_width_chars (label, LONG_TEXT_WIDTH_CHARS);
      g_object_set_data (G_OBJECT (label), WIDTH_CHARS_KEY, GINT_TO_POINTER (TRUE));
    }
  else if (!is_long && ours)
    {
      gtk_label_set_width_chars (label, -1);
      g_object_set_data (G_OBJECT (label), WIDTH_CHARS_KEY, NULL);
    }
}

void
kbd_gui_label_set_markup (GtkLabel   *label,
                          const char *markup,
                          const char *fallback)
{
  g_autofree char *broken = kbd_gui_break_long_runs (markup != NULL ? markup : "", TRUE);
  g_autofree char *text = NULL;
  PangoAttrList *attributes = NULL;

  gtk_label_set_use_markup (label, FALSE);
  if (pango_parse_markup (broken, -1, 0, &attributes, &text, NULL, NULL))
    {
      set_width_floor (label, text);
      gtk_label_set_text (label, text);
      gtk_label_set_attributes (label, attributes);
      pango_attr_list_unref (attributes);
    }
  else
    {
      set_width_floor (label, fallback != NULL ? fallback : "");
      gtk_label_set_attributes (label, NULL);
      gtk_label_set_text (label, fallback != NULL ? fallback : "");
    }
}

void
kbd_gui_label_set_article_text (GtkLabel   *label,
                                const char *inline_text)
{
  g_autofree char *rendered = kbd_text_render (inline_text != NULL ? inline_text : "",
                                               KBD_TEXT_FORMAT_PANGO);
  g_autofree char *plain = kbd_text_render (inline_text != NULL ? inline_text : "",
                                            KBD_TEXT_FORMAT_PLAIN);

  kbd_gui_label_set_markup (label, rendered, plain);
}

GtkWidget *
kbd_gui_text_label_new (const char *inline_text,
                        const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* Selectable, so paths and commands can be copied with the mouse; not a
   * keyboard stop, so Tab moves between the page's controls. Not focusable
   * is not enough: a selectable label takes Tab and keeps it even when it
   * cannot take the focus, so the keyboard would be stuck before it. */
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_focusable (label, FALSE);
  gtk_widget_set_can_focus (label, FALSE);
  kbd_gui_label_set_article_text (GTK_LABEL (label), inline_text);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

char *
kbd_gui_format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%x %H:%M") : g_strdup ("");
}

/* What a search result or a link says about the kind of article. */
const char *
kbd_gui_kind_name (KbdIndexKind kind)
{
  return kind == KBD_INDEX_KIND_REFERENCE ? _("Reference article") : _("Decision tree");
}

const char *
kbd_gui_kind_icon (KbdIndexKind kind)
{
  return kind == KBD_INDEX_KIND_REFERENCE ? "accessories-dictionary-symbolic" : "help-faq-symbolic";
}
