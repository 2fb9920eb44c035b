/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "kbd-article-object-private.h"
#include "kbd-export.h"
#include "kbd-private.h"
#include "kbd-text.h"

typedef struct
{
  GString *out;
  KbdTextFormat format;
} Writer;

static void
put_text (Writer     *writer,
          const char *text)
{
  g_autofree char *rendered = kbd_text_render (text, writer->format);
  g_string_append (writer->out, rendered);
}

/* Writes @text with every line but the first indented by @indent. */
static void
put_indented (Writer     *writer,
              const char *indent,
              const char *text)
{
  g_autofree char *rendered = kbd_text_render (text, writer->format);
  g_auto(GStrv) lines = g_strsplit (rendered, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (i > 0)
        {
          g_string_append_c (writer->out, '\n');
          g_string_append (writer->out, indent);
        }
      g_string_append (writer->out, lines[i]);
    }
}

static void
put_heading (Writer     *writer,
             guint       level,
             const char *text)
{
  if (writer->format == KBD_TEXT_FORMAT_MARKDOWN)
    {
      for (guint i = 0; i < level; i++)
        g_string_append_c (writer->out, '#');
      g_string_append_c (writer->out, ' ');
      put_text (writer, text);
      g_string_append (writer->out, "\n\n");
    }
  else
    {
      g_autofree char *plain = kbd_text_render (text, KBD_TEXT_FORMAT_PLAIN);
      glong width = g_utf8_strlen (plain, -1);

      if (writer->format == KBD_TEXT_FORMAT_ANSI)
        g_string_append (writer->out, "\033[1m");
      put_text (writer, text);
      if (writer->format == KBD_TEXT_FORMAT_ANSI)
        g_string_append (writer->out, "\033[22m");
      g_string_append_c (writer->out, '\n');
      for (glong i = 0; i < MIN (width, 78); i++)
        g_string_append (writer->out, level == 1 ? "=" : "-");
      g_string_append (writer->out, "\n\n");
    }
}

static const char *
callout_label (KbdCalloutKind kind)
{
  switch (kind)
    {
    case KBD_CALLOUT_WARNING:
      return _("Warning");
    case KBD_CALLOUT_IMPORTANT:
      return _("Important");
    case KBD_CALLOUT_NOTE:
    default:
      return _("Note");
    }
}

static const char *
result_label (KbdOutcomeResult result)
{
  switch (result)
    {
    case KBD_OUTCOME_RESOLVED:
      return _("Resolved");
    case KBD_OUTCOME_ESCALATE:
      return _("Escalate");
    case KBD_OUTCOME_NOT_APPLICABLE:
      return _("Not applicable");
    case KBD_OUTCOME_NONE:
    default:
      return _("Unfinished");
    }
}

static void
put_target (Writer     *writer,
            KbdArticle *article,
            const char *target)
{
  KbdNode *node = kbd_article_get_node (article, target);

  if (writer->format == KBD_TEXT_FORMAT_MARKDOWN)
    g_string_append_printf (writer->out, "[%s](#%s)", target, target);
  else
    g_string_append (writer->out, target);

  if (node != NULL)
    {
      g_string_append (writer->out, " (");
      put_text (writer, kbd_node_get_title (node));
      g_string_append_c (writer->out, ')');
    }
}

static void
write_document (Writer     *writer,
                KbdArticle *article)
{
  GString *out = writer->out;
  gboolean md = writer->format == KBD_TEXT_FORMAT_MARKDOWN;
  g_autofree char *heading = g_strdup_printf ("%s: %s", article->id, article->title);
  guint n_refs = article->see_also->len;

  put_heading (writer, 1, heading);
  put_text (writer, article->summary);
  g_string_append (out, "\n\n");

  g_string_append_printf (out, md ? "**%s** " : "%s ", _("Applies to:"));
  for (guint i = 0; i < article->products->len; i++)
    {
      KbdProduct *product = g_ptr_array_index (article->products, i);
      g_autofree char *name = kbd_text_escape (product->name, writer->format);

      if (i > 0)
        g_string_append (out, "; ");
      g_string_append (out, name);
      if (product->versions[0] != NULL)
        {
          g_autofree char *versions = g_strjoinv (", ", product->versions);
          g_autofree char *escaped = kbd_text_escape (versions, writer->format);
          g_string_append_printf (out, " (%s)", escaped);
        }
    }
  g_string_append (out, md ? "  \n" : "\n");

  {
    g_autofree char *publisher = kbd_text_escape (article->source_publisher, writer->format);
    g_autofree char *reference = kbd_text_escape (article->source_reference, writer->format);

    g_string_append_printf (out, md ? "**%s** %s %s  \n" : "%s %s %s\n",
                            _("Source:"), publisher, reference);
    /* Translators: the revision number and review date of an article */
    g_string_append_printf (out, _("Revision %u, reviewed %s"), article->revision,
                            article->reviewed);
    g_string_append (out, md ? "  \n" : "\n");
  }

  if (article->keywords[0] != NULL)
    {
      g_autofree char *keywords = g_strjoinv (", ", article->keywords);
      g_autofree char *escaped = kbd_text_escape (keywords, writer->format);

      g_string_append_printf (out, md ? "**%s** %s\n" : "%s %s\n", _("Keywords:"), escaped);
    }

  if (n_refs > 0)
    {
      g_string_append_printf (out, md ? "**%s**\n\n" : "%s\n", _("See also:"));
      for (guint i = 0; i < n_refs; i++)
        {
          KbdReference *ref = g_ptr_array_index (article->see_also, i);

          g_string_append_printf (out, "- %s", ref->id);
          if (ref->title != NULL)
            {
              g_string_append (out, ": ");
              put_text (writer, ref->title);
            }
          g_string_append_c (out, '\n');
        }
    }
  g_string_append_c (out, '\n');

  g_string_append_printf (out, md ? "**%s** " : "%s ", _("Starts at:"));
  put_target (writer, article, article->start);
  g_string_append (out, "\n\n");

  for (guint i = 0; i < article->nodes->len; i++)
    {
      KbdNode *node = g_ptr_array_index (article->nodes, i);
      g_autofree char *node_heading = NULL;

      if (md)
        g_string_append_printf (out, "<a id=\"%s\"></a>\n\n", node->id);

      /* Translators: the headings of a node: its id, then its title */
      node_heading = g_strdup_printf (node->kind == KBD_NODE_QUESTION ? _("Question %s: %s")
                                      : node->kind == KBD_NODE_PROCEDURE ? _("Procedure %s: %s")
                                      : _("Outcome %s: %s"),
                                      node->id, kbd_node_get_title (node));
      put_heading (writer, 2, node_heading);

      switch (node->kind)
        {
        case KBD_NODE_QUESTION:
          if (node->help != NULL)
            {
              put_text (writer, node->help);
              g_string_append (out, "\n\n");
            }
          for (guint a = 0; a < node->n_answers; a++)
            {
              KbdAnswer *answer = node->answers[a];

              g_string_append_printf (out, "%u. ", a + 1);
              put_text (writer, answer->label);
              g_string_append (out, " → ");
              put_target (writer, article, answer->next);
              if (answer->help != NULL)
                {
                  g_string_append (out, md ? "  \n   " : "\n   ");
                  put_indented (writer, "   ", answer->help);
                }
              g_string_append_c (out, '\n');
            }
          break;

        case KBD_NODE_PROCEDURE:
          if (node->intro != NULL)
            {
              put_text (writer, node->intro);
              g_string_append (out, "\n\n");
            }
          for (guint s = 0; s < node->n_steps; s++)
            {
              KbdStep *step = node->steps[s];

              g_string_append_printf (out, "%u. ", s + 1);
              put_indented (writer, "   ", step->text);
              g_string_append_c (out, '\n');
              for (guint k = 0; k < step->n_substeps; k++)
                {
                  g_string_append (out, "   - ");
                  put_indented (writer, "     ", step->substeps[k]->text);
                  g_string_append_c (out, '\n');
                }
              for (guint k = 0; k < step->n_callouts; k++)
                {
                  KbdCallout *callout = step->callouts[k];

                  g_string_append_printf (out, md ? "\n   > **%s:** " : "   %s: ",
                                          callout_label (callout->kind));
                  put_indented (writer, md ? "   > " : "   ", callout->text);
                  g_string_append (out, md ? "\n\n" : "\n");
                }
            }
          g_string_append_printf (out, md ? "\n%s " : "%s ", _("Then:"));
          put_target (writer, article, node->next);
          g_string_append_c (out, '\n');
          break;

        case KBD_NODE_OUTCOME:
          g_string_append_printf (out, md ? "**%s**\n\n" : "[%s]\n", result_label (node->result));
          put_text (writer, node->text);
          g_string_append_c (out, '\n');
          if (node->result == KBD_OUTCOME_ESCALATE)
            {
              g_string_append_printf (out, md ? "\n**%s** " : "%s ", _("Contact:"));
              put_text (writer, node->contact);
              g_string_append_printf (out, md ? "  \n**%s** " : "\n%s ", _("Hand over:"));
              put_text (writer, node->handover);
              g_string_append_c (out, '\n');
            }
          break;

        default:
          g_assert_not_reached ();
        }
      g_string_append_c (out, '\n');
    }
}

static void
append_dot_string (GString    *out,
                   const char *text)
{
  g_autofree char *plain = kbd_text_render (text, KBD_TEXT_FORMAT_PLAIN);

  g_string_append_c (out, '"');
  for (const char *p = plain; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      else if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
write_dot (GString    *out,
           KbdArticle *article)
{
  g_string_append (out, "digraph ");
  append_dot_string (out, article->id);
  g_string_append (out, " {\n  rankdir=TB;\n  node [fontname=\"Sans\"];\n  label=");
  append_dot_string (out, article->title);
  g_string_append (out, ";\n");

  for (guint i = 0; i < article->nodes->len; i++)
    {
      KbdNode *node = g_ptr_array_index (article->nodes, i);
      const char *shape = node->kind == KBD_NODE_QUESTION ? "diamond"
                          : node->kind == KBD_NODE_PROCEDURE ? "box" : "ellipse";

      g_string_append_printf (out, "  %s [shape=%s%s, label=", node->id, shape,
                              node->kind == KBD_NODE_OUTCOME ? ", style=bold" : "");
      append_dot_string (out, kbd_node_get_title (node));
      g_string_append (out, "];\n");
    }

  for (guint i = 0; i < article->nodes->len; i++)
    {
      KbdNode *node = g_ptr_array_index (article->nodes, i);

      for (guint a = 0; a < node->n_answers; a++)
        {
          g_string_append_printf (out, "  %s -> %s [label=", node->id, node->answers[a]->next);
          append_dot_string (out, node->answers[a]->label);
          g_string_append (out, "];\n");
        }
      if (node->kind == KBD_NODE_PROCEDURE)
        g_string_append_printf (out, "  %s -> %s;\n", node->id, node->next);
    }
  g_string_append (out, "}\n");
}

static void
append_mermaid_string (GString    *out,
                       const char *text)
{
  g_autofree char *plain = kbd_text_render (text, KBD_TEXT_FORMAT_PLAIN);

  g_string_append_c (out, '"');
  for (const char *p = plain; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "#quot;"); break;
        case '<': g_string_append (out, "#lt;"); break;
        case '>': g_string_append (out, "#gt;"); break;
        case '#': g_string_append (out, "#35;"); break;
        case '\n': g_string_append_c (out, ' '); break;
        default: g_string_append_c (out, *p); break;
        }
    }
  g_string_append_c (out, '"');
}

static void
write_mermaid (GString    *out,
               KbdArticle *article)
{
  g_string_append (out, "flowchart TD\n");

  for (guint i = 0; i < article->nodes->len; i++)
    {
      KbdNode *node = g_ptr_array_index (article->nodes, i);
      const char *open = node->kind == KBD_NODE_QUESTION ? "{"
                         : node->kind == KBD_NODE_PROCEDURE ? "[" : "([";
      const char *close = node->kind == KBD_NODE_QUESTION ? "}"
                          : node->kind == KBD_NODE_PROCEDURE ? "]" : "])";

      g_string_append_printf (out, "  %s%s", node->id, open);
      append_mermaid_string (out, kbd_node_get_title (node));
      g_string_append_printf (out, "%s\n", close);
    }

  for (guint i = 0; i < article->nodes->len; i++)
    {
      KbdNode *node = g_ptr_array_index (article->nodes, i);

      for (guint a = 0; a < node->n_answers; a++)
        {
          g_string_append_printf (out, "  %s -->|", node->id);
          append_mermaid_string (out, node->answers[a]->label);
          g_string_append_printf (out, "| %s\n", node->answers[a]->next);
        }
      if (node->kind == KBD_NODE_PROCEDURE)
        g_string_append_printf (out, "  %s --> %s\n", node->id, node->next);
    }
}

static void
append_string_cb (const char *string_id,
                  const char *text,
                  gpointer    user_data)
{
  GString *out = user_data;

  g_string_append (out, string_id);
  g_string_append_c (out, '\t');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_string_append (out, "\\n");
      else if (*p == '\t')
        g_string_append (out, "\\t");
      else if (*p == '\\')
        g_string_append (out, "\\\\");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\n');
}

/**
 * kbd_article_export:
 * @article: an article
 * @format: what to produce
 *
 * Exports the article: the whole text for reading (plain, terminal or
 * Markdown), the graph for Graphviz or Mermaid, or the list of its strings
 * with their ids (tab-separated; `\n`, `\t` and `\\` escaped). Article text
 * is escaped for every target.
 *
 * Returns: (transfer full): the export, UTF-8
 */
char *
kbd_article_export (KbdArticle      *article,
                    KbdExportFormat  format)
{
  GString *out;
  Writer writer;

  g_return_val_if_fail (KBD_IS_ARTICLE (article), NULL);

  kbd_i18n_init ();

  out = g_string_new (NULL);
  writer.out = out;

  switch (format)
    {
    case KBD_EXPORT_TEXT:
      writer.format = KBD_TEXT_FORMAT_PLAIN;
      write_document (&writer, article);
      break;
    case KBD_EXPORT_ANSI:
      writer.format = KBD_TEXT_FORMAT_ANSI;
      write_document (&writer, article);
      break;
    case KBD_EXPORT_MARKDOWN:
      writer.format = KBD_TEXT_FORMAT_MARKDOWN;
      write_document (&writer, article);
      break;
    case KBD_EXPORT_DOT:
      write_dot (out, article);
      break;
    case KBD_EXPORT_MERMAID:
      write_mermaid (out, article);
      break;
    case KBD_EXPORT_STRINGS:
      kbd_article_foreach_string (article, append_string_cb, out);
      break;
    default:
      g_return_val_if_reached (g_string_free (out, TRUE));
    }

  return g_string_free (out, FALSE);
}
