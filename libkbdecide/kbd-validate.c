/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "kbd-article-object-private.h"
#include "kbd-diagnostic.h"
#include "kbd-private.h"
#include "kbd-text.h"

struct _KbdDiagnostic
{
  gatomicrefcount ref_count;
  KbdSeverity severity;
  guint line;
  guint column;
  char *code;
  char *node_id;
  char *file;
  char *message;
};

/**
 * KbdDiagnostic:
 *
 * One problem the validator found in an article: a severity, a stable code
 * (such as `dangling-target`), the node, the position in the file and a
 * translated message.
 */
G_DEFINE_BOXED_TYPE (KbdDiagnostic, kbd_diagnostic, kbd_diagnostic_ref, kbd_diagnostic_unref)

/**
 * kbd_diagnostic_ref:
 * @self: a diagnostic
 *
 * Takes a reference to @self. A diagnostic never changes once made and the
 * reference count is atomic, so it can be shared between threads.
 *
 * Returns: (transfer full): @self
 */
KbdDiagnostic *
kbd_diagnostic_ref (KbdDiagnostic *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * kbd_diagnostic_unref:
 * @self: (transfer full): a diagnostic
 *
 * Drops a reference.
 */
void
kbd_diagnostic_unref (KbdDiagnostic *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->code);
      g_free (self->node_id);
      g_free (self->file);
      g_free (self->message);
      g_free (self);
    }
}

/**
 * kbd_diagnostic_get_severity:
 * @self: a diagnostic
 *
 * Gets how serious the problem is: an error makes the article unusable for
 * sessions, a warning does not.
 *
 * Returns: whether it is an error or a warning
 */
KbdSeverity
kbd_diagnostic_get_severity (const KbdDiagnostic *self)
{
  g_return_val_if_fail (self != NULL, KBD_SEVERITY_ERROR);
  return self->severity;
}

/**
 * kbd_diagnostic_get_code:
 * @self: a diagnostic
 *
 * Gets the stable, untranslated code, e.g. `no-exit`; docs/kb-format.md
 * lists them all.
 *
 * Returns: the code
 */
const char *
kbd_diagnostic_get_code (const KbdDiagnostic *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->code;
}

/**
 * kbd_diagnostic_get_node_id:
 * @self: a diagnostic
 *
 * Gets the id of the node the problem is in; %NULL when the problem
 * concerns the article as a whole, such as a missing start node.
 *
 * Returns: (nullable): the node concerned, if any
 */
const char *
kbd_diagnostic_get_node_id (const KbdDiagnostic *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->node_id;
}

/**
 * kbd_diagnostic_get_file:
 * @self: a diagnostic
 *
 * Gets the name of the article file the problem is in, as
 * [method@Kbd.Article.get_display_name] gives it.
 *
 * Returns: the article file's display name
 */
const char *
kbd_diagnostic_get_file (const KbdDiagnostic *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->file;
}

/**
 * kbd_diagnostic_get_line:
 * @self: a diagnostic
 *
 * Gets the line of the problem in the article file, counting from 1. A
 * problem that has no place of its own is reported at line 1.
 *
 * Returns: the line, from 1
 */
guint
kbd_diagnostic_get_line (const KbdDiagnostic *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->line;
}

/**
 * kbd_diagnostic_get_column:
 * @self: a diagnostic
 *
 * Gets the column of the problem in the article file. Columns count bytes,
 * not characters, from 1.
 *
 * Returns: the byte column, from 1
 */
guint
kbd_diagnostic_get_column (const KbdDiagnostic *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->column;
}

/**
 * kbd_diagnostic_get_message:
 * @self: a diagnostic
 *
 * Gets a description of the problem for people, translated into the user's
 * language. Use [method@Kbd.Diagnostic.get_code] to tell problems apart in
 * code.
 *
 * Returns: the translated message
 */
const char *
kbd_diagnostic_get_message (const KbdDiagnostic *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->message;
}

/**
 * kbd_diagnostic_to_string:
 * @self: a diagnostic
 *
 * Formats the diagnostic like a compiler does:
 * `file:line:column: error: message [code]`.
 *
 * Returns: (transfer full): the text
 */
char *
kbd_diagnostic_to_string (const KbdDiagnostic *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  kbd_i18n_init ();

  return g_strdup_printf ("%s:%u:%u: %s: %s [%s]", self->file, self->line, self->column,
                          self->severity == KBD_SEVERITY_ERROR ? _("error") : _("warning"),
                          self->message, self->code);
}

typedef struct
{
  KbdArticle *article;
  GPtrArray *diagnostics;
} Validator;

/* Makes a diagnostic; @message is taken. */
KbdDiagnostic *
kbd_diagnostic_new_take (KbdSeverity  severity,
                         const char  *code,
                         const char  *node_id,
                         const char  *file,
                         guint        line,
                         guint        column,
                         char        *message)
{
  KbdDiagnostic *diagnostic = g_new0 (KbdDiagnostic, 1);

  g_atomic_ref_count_init (&diagnostic->ref_count);
  diagnostic->severity = severity;
  diagnostic->code = g_strdup (code);
  diagnostic->node_id = g_strdup (node_id);
  diagnostic->file = g_strdup (file);
  diagnostic->line = MAX (line, 1);
  diagnostic->column = MAX (column, 1);
  diagnostic->message = message;
  return diagnostic;
}

G_GNUC_PRINTF (7, 8)
static void
report (Validator   *validator,
        KbdSeverity  severity,
        const char  *code,
        const char  *node_id,
        guint        line,
        guint        column,
        const char  *format,
        ...)
{
  char *message;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (validator->diagnostics,
                   kbd_diagnostic_new_take (severity, code, node_id, validator->article->display_name,
                                            line, column, message));
}

static gboolean
is_blank (const char *text)
{
  g_autofree char *plain = NULL;

  if (text == NULL)
    return FALSE;

  /* A printable ASCII character other than the inline marks' shows as
   * itself whatever surrounds it, so most texts need no rendering. */
  for (const char *p = text; *p != '\0'; p++)
    if (*p > ' ' && *p < 0x7f && *p != '*' && *p != '`' && *p != '\\')
      return FALSE;

  plain = kbd_text_render (text, KBD_TEXT_FORMAT_PLAIN);
  for (const char *p = plain; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static void
check_text (Validator   *validator,
            const char  *node_id,
            guint        line,
            guint        column,
            const char  *text,
            const char  *what)
{
  if (is_blank (text))
    report (validator, KBD_SEVERITY_ERROR, "empty-text", node_id, line, column,
            /* Translators: %s is a field name as the file writes it, such as “prompt” or “steps[2].text” */
            _("the field “%s” is empty"), what);
}

/* What two answer labels are compared by: the text as shown, case-folded,
 * without surrounding white space. */
static char *
label_key (const char *label)
{
  g_autofree char *plain = NULL;
  g_autofree char *folded = NULL;
  const char *p;

  /* Printable ASCII without inline marks shows as written. */
  for (p = label; *p != '\0'; p++)
    if (*p < ' ' || *p >= 0x7f || *p == '*' || *p == '`' || *p == '\\')
      break;
  if (*p == '\0')
    return g_strstrip (g_ascii_strdown (label, -1));

  plain = kbd_text_render (label, KBD_TEXT_FORMAT_PLAIN);
  folded = g_utf8_casefold (plain, -1);
  return g_strstrip (g_steal_pointer (&folded));
}

static void
check_node_texts (Validator *validator,
                  KbdNode   *node)
{
  g_autoptr(GPtrArray) keys = NULL;

  switch (node->kind)
    {
    case KBD_NODE_QUESTION:
      check_text (validator, node->id, node->line, node->column, node->prompt, "prompt");
      check_text (validator, node->id, node->line, node->column, node->help, "help");

      for (guint i = 0; i < node->n_answers; i++)
        {
          KbdAnswer *answer = node->answers[i];
          char *key = label_key (answer->label);

          check_text (validator, node->id, answer->line, answer->column, answer->label, "label");
          check_text (validator, node->id, answer->line, answer->column, answer->help, "help");

          for (guint j = 0; j < i; j++)
            if (g_str_equal (node->answers[j]->id, answer->id))
              {
                report (validator, KBD_SEVERITY_ERROR, "duplicate-id", node->id,
                        answer->line, answer->column,
                        _("two answers of “%s” have the id “%s”"), node->id, answer->id);
                break;
              }

          /* At most a few dozen answers: compared pair by pair. */
          if (keys == NULL)
            keys = g_ptr_array_new_full (node->n_answers, g_free);
          for (guint j = 0; key[0] != '\0' && j < keys->len; j++)
            if (g_str_equal (g_ptr_array_index (keys, j), key))
              {
                g_autofree char *plain = kbd_text_render (answer->label, KBD_TEXT_FORMAT_PLAIN);

                report (validator, KBD_SEVERITY_ERROR, "duplicate-label", node->id,
                        answer->line, answer->column,
                        _("two answers of “%s” have the label “%s”"), node->id, plain);
                break;
              }
          g_ptr_array_add (keys, key);

          if (g_str_equal (answer->next, node->id))
            report (validator, KBD_SEVERITY_WARNING, "self-loop", node->id,
                    answer->line, answer->column,
                    _("the answer “%s” leads back to its own question"), answer->id);
        }
      break;

    case KBD_NODE_PROCEDURE:
      check_text (validator, node->id, node->line, node->column, node->title, "title");
      check_text (validator, node->id, node->line, node->column, node->intro, "intro");

      for (guint i = 0; i < node->n_steps; i++)
        {
          KbdStep *step = node->steps[i];

          check_text (validator, node->id, step->line, step->column, step->text, "text");
          for (guint j = 0; j < i; j++)
            if (g_str_equal (node->steps[j]->id, step->id))
              {
                report (validator, KBD_SEVERITY_ERROR, "duplicate-id", node->id,
                        step->line, step->column,
                        _("two steps of “%s” have the id “%s”"), node->id, step->id);
                break;
              }

          for (guint k = 0; k < step->n_substeps; k++)
            {
              KbdStep *sub = step->substeps[k];

              check_text (validator, node->id, sub->line, sub->column, sub->text, "text");
              for (guint j = 0; j < k; j++)
                if (g_str_equal (step->substeps[j]->id, sub->id))
                  {
                    report (validator, KBD_SEVERITY_ERROR, "duplicate-id", node->id,
                            sub->line, sub->column,
                            _("two sub-steps of step “%s” have the id “%s”"),
                            step->id, sub->id);
                    break;
                  }
            }

          for (guint k = 0; k < step->n_callouts; k++)
            {
              KbdCallout *callout = step->callouts[k];

              check_text (validator, node->id, step->line, step->column, callout->text, "callout");
              for (guint j = 0; j < k; j++)
                if (g_str_equal (step->callouts[j]->id, callout->id))
                  {
                    report (validator, KBD_SEVERITY_ERROR, "duplicate-id", node->id,
                            step->line, step->column,
                            _("two callouts of step “%s” have the id “%s”"),
                            step->id, callout->id);
                    break;
                  }
            }
        }
      break;

    case KBD_NODE_OUTCOME:
      check_text (validator, node->id, node->line, node->column, node->title, "title");
      check_text (validator, node->id, node->line, node->column, node->text, "text");
      check_text (validator, node->id, node->line, node->column, node->contact, "contact");
      check_text (validator, node->id, node->line, node->column, node->handover, "handover");
      break;

    default:
      g_assert_not_reached ();
    }
}

static gint
compare_diagnostics (gconstpointer a,
                     gconstpointer b)
{
  const KbdDiagnostic *da = *(const KbdDiagnostic *const *) a;
  const KbdDiagnostic *db = *(const KbdDiagnostic *const *) b;

  if (da->line != db->line)
    return da->line < db->line ? -1 : 1;
  if (da->column != db->column)
    return da->column < db->column ? -1 : 1;
  return da->severity - db->severity;
}

/**
 * kbd_article_validate:
 * @article: an article
 *
 * Checks the article's graph and texts and reports every problem at once:
 * missing start, dangling targets, duplicate ids and labels, empty texts,
 * nodes from which no outcome can be reached (loops with no way out),
 * unreachable nodes and outcomes. Runs in time linear in the article's
 * size.
 *
 * Returns: (transfer full) (element-type KbdDiagnostic): the diagnostics,
 *   sorted by position; empty when the article is clean
 */
GPtrArray *
kbd_article_validate (KbdArticle *article)
{
  Validator validator;
  GPtrArray *nodes;
  guint n;
  g_autofree guint *edge_start = NULL;
  g_autofree guint *edges = NULL;
  g_autofree guint *redge_start = NULL;
  g_autofree guint *redges = NULL;
  g_autofree guint *queue = NULL;
  g_autofree guint8 *reachable = NULL;
  g_autofree guint8 *exits = NULL;
  guint n_edges = 0;
  guint head, tail;
  KbdNode *start;

  g_return_val_if_fail (KBD_IS_ARTICLE (article), NULL);

  kbd_i18n_init ();

  validator.article = article;
  validator.diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) kbd_diagnostic_unref);
  nodes = article->nodes;
  n = nodes->len;

  check_text (&validator, NULL, 1, 1, article->title, "title");
  check_text (&validator, NULL, 1, 1, article->summary, "summary");

  /* Edges as compressed arrays: node i's targets are
   * edges[edge_start[i] .. edge_start[i + 1]). */
  edge_start = g_new0 (guint, n + 1);
  for (guint i = 0; i < n; i++)
    {
      KbdNode *node = g_ptr_array_index (nodes, i);

      edge_start[i] = n_edges;
      if (node->kind == KBD_NODE_QUESTION)
        n_edges += node->n_answers;
      else if (node->kind == KBD_NODE_PROCEDURE)
        n_edges += 1;
    }
  edge_start[n] = n_edges;
  edges = g_new (guint, MAX (n_edges, 1));

  for (guint i = 0; i < n; i++)
    {
      KbdNode *node = g_ptr_array_index (nodes, i);
      guint e = edge_start[i];

      check_node_texts (&validator, node);

      if (node->kind == KBD_NODE_QUESTION)
        {
          for (guint a = 0; a < node->n_answers; a++)
            {
              KbdAnswer *answer = node->answers[a];
              KbdNode *target = g_hash_table_lookup (article->node_index, answer->next);

              if (target == NULL)
                {
                  report (&validator, KBD_SEVERITY_ERROR, "dangling-target", node->id,
                          answer->line, answer->column,
                          _("the answer “%s” leads to “%s”, which is not a node"),
                          answer->id, answer->next);
                  edges[e++] = G_MAXUINT;
                }
              else
                edges[e++] = target->index;
            }
        }
      else if (node->kind == KBD_NODE_PROCEDURE)
        {
          KbdNode *target = g_hash_table_lookup (article->node_index, node->next);

          if (target == NULL)
            {
              report (&validator, KBD_SEVERITY_ERROR, "dangling-target", node->id,
                      node->line, node->column,
                      _("the procedure “%s” continues to “%s”, which is not a node"),
                      node->id, node->next);
              edges[e++] = G_MAXUINT;
            }
          else
            edges[e++] = target->index;
        }
    }

  start = g_hash_table_lookup (article->node_index, article->start);
  if (start == NULL)
    {
      report (&validator, KBD_SEVERITY_ERROR, "missing-start", NULL, 1, 1,
              _("the start node “%s” does not exist"), article->start);
      g_ptr_array_sort (validator.diagnostics, compare_diagnostics);
      return validator.diagnostics;
    }

  if (start->kind == KBD_NODE_OUTCOME)
    report (&validator, KBD_SEVERITY_WARNING, "start-is-outcome", start->id,
            start->line, start->column,
            _("the start node “%s” is an outcome: a session ends before it asks anything"),
            start->id);

  /* Forward reachability from the start. */
  queue = g_new (guint, MAX (n, 1));
  reachable = g_new0 (guint8, MAX (n, 1));
  head = tail = 0;
  reachable[start->index] = 1;
  queue[tail++] = start->index;
  while (head < tail)
    {
      guint i = queue[head++];

      for (guint e = edge_start[i]; e < edge_start[i + 1]; e++)
        if (edges[e] != G_MAXUINT && !reachable[edges[e]])
          {
            reachable[edges[e]] = 1;
            queue[tail++] = edges[e];
          }
    }

  /* Backward reachability from the outcomes, over reversed edges. */
  redge_start = g_new0 (guint, n + 1);
  redges = g_new (guint, MAX (n_edges, 1));
  for (guint e = 0; e < n_edges; e++)
    if (edges[e] != G_MAXUINT)
      redge_start[edges[e] + 1]++;
  for (guint i = 0; i < n; i++)
    redge_start[i + 1] += redge_start[i];
  {
    g_autofree guint *fill = g_memdup2 (redge_start, sizeof (guint) * (n + 1));

    for (guint i = 0; i < n; i++)
      for (guint e = edge_start[i]; e < edge_start[i + 1]; e++)
        if (edges[e] != G_MAXUINT)
          redges[fill[edges[e]]++] = i;
  }

  exits = g_new0 (guint8, MAX (n, 1));
  head = tail = 0;
  for (guint i = 0; i < n; i++)
    {
      KbdNode *node = g_ptr_array_index (nodes, i);

      if (node->kind == KBD_NODE_OUTCOME)
        {
          exits[i] = 1;
          queue[tail++] = i;
        }
    }
  while (head < tail)
    {
      guint i = queue[head++];

      for (guint e = redge_start[i]; e < redge_start[i + 1]; e++)
        if (!exits[redges[e]])
          {
            exits[redges[e]] = 1;
            queue[tail++] = redges[e];
          }
    }

  for (guint i = 0; i < n; i++)
    {
      KbdNode *node = g_ptr_array_index (nodes, i);

      if (!reachable[i])
        {
          if (node->kind == KBD_NODE_OUTCOME)
            report (&validator, KBD_SEVERITY_WARNING, "unreachable-outcome", node->id,
                    node->line, node->column,
                    _("no path from the start reaches the outcome “%s”"), node->id);
          else
            report (&validator, KBD_SEVERITY_WARNING, "unreachable", node->id,
                    node->line, node->column,
                    _("no path from the start reaches “%s”"), node->id);
        }
      else if (!exits[i])
        report (&validator, KBD_SEVERITY_ERROR, "no-exit", node->id, node->line, node->column,
                _("no outcome can be reached from “%s”: a session here would loop for ever"),
                node->id);
    }

  g_ptr_array_sort (validator.diagnostics, compare_diagnostics);
  return validator.diagnostics;
}
