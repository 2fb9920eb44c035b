/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "kbd-article-private.h"
#include "kbd-article-object-private.h"

/**
 * KbdArticle:
 *
 * One knowledge-base article as a decision tree.
 *
 * An article is immutable once loaded and can be shared between threads.
 * Load one with [ctor@Kbd.Article.new_from_file]; walk it with a
 * [class@Kbd.Session].
 */

G_DEFINE_FINAL_TYPE (KbdArticle, kbd_article, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_LANGUAGE,
  PROP_FILENAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Boxed records ------------------------------------------------------------ */

#define DEFINE_REFCOUNTED(TypeName, type_name, free_body)                  \
  G_DEFINE_BOXED_TYPE (TypeName, type_name, type_name##_ref, type_name##_unref) \
  TypeName *                                                               \
  type_name##_ref (TypeName *self)                                         \
  {                                                                        \
    g_return_val_if_fail (self != NULL, NULL);                             \
    g_atomic_ref_count_inc (&self->ref_count);                             \
    return self;                                                           \
  }                                                                        \
  void                                                                     \
  type_name##_unref (TypeName *self)                                       \
  {                                                                        \
    g_return_if_fail (self != NULL);                                       \
    if (g_atomic_ref_count_dec (&self->ref_count))                         \
      {                                                                    \
        free_body                                                          \
        g_free (self);                                                     \
      }                                                                    \
  }

static void
unref_array (gpointer *items,
             guint     n,
             GDestroyNotify unref)
{
  for (guint i = 0; i < n; i++)
    unref (items[i]);
  g_free (items);
}

/**
 * KbdCallout:
 *
 * A note, warning or "important" callout attached to a procedure step.
 */
DEFINE_REFCOUNTED (KbdCallout, kbd_callout,
                   g_free (self->id);
                   g_free (self->text);)

/**
 * kbd_callout_ref:
 * @self: a callout
 *
 * Takes a reference to @self. Callouts never change once the article is
 * loaded and the reference count is atomic, so a callout can be shared
 * between threads.
 *
 * Returns: (transfer full): @self, with one more reference
 */

/**
 * kbd_callout_unref:
 * @self: (transfer full): a callout
 *
 * Drops a reference to @self; the last one frees the callout.
 */

/**
 * KbdStep:
 *
 * One step of a procedure, with its sub-steps and callouts.
 */
DEFINE_REFCOUNTED (KbdStep, kbd_step,
                   g_free (self->id);
                   g_free (self->text);
                   unref_array ((gpointer *) self->substeps, self->n_substeps,
                                (GDestroyNotify) kbd_step_unref);
                   unref_array ((gpointer *) self->callouts, self->n_callouts,
                                (GDestroyNotify) kbd_callout_unref);)

/**
 * kbd_step_ref:
 * @self: a step
 *
 * Takes a reference to @self. Steps never change once the article is loaded
 * and the reference count is atomic, so a step can be shared between
 * threads.
 *
 * Returns: (transfer full): @self, with one more reference
 */

/**
 * kbd_step_unref:
 * @self: (transfer full): a step
 *
 * Drops a reference to @self; the last one frees the step.
 */

/**
 * KbdAnswer:
 *
 * One answer to a question, leading to another node.
 */
DEFINE_REFCOUNTED (KbdAnswer, kbd_answer,
                   g_free (self->id);
                   g_free (self->label);
                   g_free (self->help);
                   g_free (self->next);)

/**
 * kbd_answer_ref:
 * @self: an answer
 *
 * Takes a reference to @self. Answers never change once the article is
 * loaded and the reference count is atomic, so an answer can be shared
 * between threads.
 *
 * Returns: (transfer full): @self, with one more reference
 */

/**
 * kbd_answer_unref:
 * @self: (transfer full): an answer
 *
 * Drops a reference to @self; the last one frees the answer.
 */

/**
 * KbdNode:
 *
 * A question, procedure or outcome of an article.
 *
 * Getters that do not apply to the node's kind return %NULL (or an empty
 * array).
 */
DEFINE_REFCOUNTED (KbdNode, kbd_node,
                   g_free (self->id);
                   g_free (self->title);
                   g_free (self->prompt);
                   g_free (self->help);
                   unref_array ((gpointer *) self->answers, self->n_answers,
                                (GDestroyNotify) kbd_answer_unref);
                   g_free (self->intro);
                   unref_array ((gpointer *) self->steps, self->n_steps,
                                (GDestroyNotify) kbd_step_unref);
                   g_free (self->next);
                   g_free (self->text);
                   g_free (self->contact);
                   g_free (self->handover);)

/**
 * kbd_node_ref:
 * @self: a node
 *
 * Takes a reference to @self. Nodes never change once the article is loaded
 * and the reference count is atomic, so a node can be shared between
 * threads.
 *
 * Returns: (transfer full): @self, with one more reference
 */

/**
 * kbd_node_unref:
 * @self: (transfer full): a node
 *
 * Drops a reference to @self; the last one frees the node.
 */

/**
 * KbdProduct:
 *
 * A product an article applies to, with its versions.
 */
DEFINE_REFCOUNTED (KbdProduct, kbd_product,
                   g_free (self->name);
                   g_strfreev (self->versions);)

/**
 * kbd_product_ref:
 * @self: a product
 *
 * Takes a reference to @self. Products never change once the article is
 * loaded and the reference count is atomic, so a product can be shared
 * between threads.
 *
 * Returns: (transfer full): @self, with one more reference
 */

/**
 * kbd_product_unref:
 * @self: (transfer full): a product
 *
 * Drops a reference to @self; the last one frees the product.
 */

/**
 * KbdReference:
 *
 * A reference to another article ("see also").
 */
DEFINE_REFCOUNTED (KbdReference, kbd_reference,
                   g_free (self->id);
                   g_free (self->title);)

/**
 * kbd_reference_ref:
 * @self: a reference
 *
 * Takes a reference to @self. References never change once the article is
 * loaded and the reference count is atomic, so a reference can be shared
 * between threads.
 *
 * Returns: (transfer full): @self, with one more reference
 */

/**
 * kbd_reference_unref:
 * @self: (transfer full): a reference
 *
 * Drops a reference to @self; the last one frees the reference.
 */

/**
 * kbd_callout_get_id:
 * @self: a callout
 *
 * Gets the callout's stable id, unique among the callouts of its step and
 * unchanged across revisions of the article.
 *
 * Returns: the callout's stable id
 */
const char *
kbd_callout_get_id (const KbdCallout *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

/**
 * kbd_callout_get_kind:
 * @self: a callout
 *
 * Gets the kind of the callout, which tells how prominently to show it.
 *
 * Returns: whether the callout is a note, a warning or important
 */
KbdCalloutKind
kbd_callout_get_kind (const KbdCallout *self)
{
  g_return_val_if_fail (self != NULL, KBD_CALLOUT_NOTE);
  return self->kind;
}

/**
 * kbd_callout_get_text:
 * @self: a callout
 *
 * Gets what the callout says, in the inline syntax (render it with
 * [func@Kbd.text_render] before showing it). The text can span several
 * paragraphs.
 *
 * Returns: the callout's text, in the inline syntax
 */
const char *
kbd_callout_get_text (const KbdCallout *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->text;
}

/**
 * kbd_step_get_id:
 * @self: a step
 *
 * Gets the step's stable id, unique among the steps of its procedure (or
 * the sub-steps of its step) and unchanged across revisions of the article.
 * [method@Kbd.Session.set_step_done] takes the id of a top-level step.
 *
 * Returns: the step's stable id
 */
const char *
kbd_step_get_id (const KbdStep *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

/**
 * kbd_step_get_text:
 * @self: a step
 *
 * Gets what the technician does in this step, in the inline syntax (render
 * it with [func@Kbd.text_render] before showing it). The text can span
 * several paragraphs.
 *
 * Returns: the step's text, in the inline syntax
 */
const char *
kbd_step_get_text (const KbdStep *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->text;
}

/**
 * kbd_step_get_substeps:
 * @self: a step
 * @n_substeps: (out): the number of sub-steps
 *
 * Gets the sub-steps of a step, in the order they are done; there is only
 * one level, so a sub-step has none itself. Sub-steps are shown with their
 * step and cannot be marked done on their own.
 *
 * Returns: (array length=n_substeps) (transfer none): the sub-steps, in order
 */
KbdStep *const *
kbd_step_get_substeps (const KbdStep *self,
                       guint         *n_substeps)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_substeps != NULL, NULL);
  *n_substeps = self->n_substeps;
  return self->substeps;
}

/**
 * kbd_step_get_callouts:
 * @self: a step
 * @n_callouts: (out): the number of callouts
 *
 * Gets the notes, warnings and important remarks attached to a step, in
 * file order; a sub-step has none.
 *
 * Returns: (array length=n_callouts) (transfer none): the step's callouts
 */
KbdCallout *const *
kbd_step_get_callouts (const KbdStep *self,
                       guint         *n_callouts)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_callouts != NULL, NULL);
  *n_callouts = self->n_callouts;
  return self->callouts;
}

/**
 * kbd_answer_get_id:
 * @self: an answer
 *
 * Gets the answer's stable id, unique among the answers of its question and
 * unchanged across revisions of the article; it is what
 * [method@Kbd.Session.choose] takes.
 *
 * Returns: the answer's stable id
 */
const char *
kbd_answer_get_id (const KbdAnswer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

/**
 * kbd_answer_get_label:
 * @self: an answer
 *
 * Gets the text shown for the answer, in the inline syntax (render it with
 * [func@Kbd.text_render] before showing it).
 *
 * Returns: the label shown on the answer's button, in the inline syntax
 */
const char *
kbd_answer_get_label (const KbdAnswer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->label;
}

/**
 * kbd_answer_get_help:
 * @self: an answer
 *
 * Gets an explanation of when to choose this answer, in the inline syntax
 * (render it with [func@Kbd.text_render] before showing it); %NULL when the
 * article gives none.
 *
 * Returns: (nullable): an explanation of the answer
 */
const char *
kbd_answer_get_help (const KbdAnswer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->help;
}

/**
 * kbd_answer_get_next:
 * @self: an answer
 *
 * Gets the id of the node the session moves to when this answer is chosen;
 * look the node up with [method@Kbd.Article.get_node]. In an article loaded
 * with %KBD_LOAD_FLAGS_NO_VALIDATE that node may not exist.
 *
 * Returns: the id of the node the answer leads to
 */
const char *
kbd_answer_get_next (const KbdAnswer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->next;
}

/**
 * kbd_node_get_kind:
 * @self: a node
 *
 * Gets the kind of the node, which decides which getters apply: prompt,
 * help and answers for a question; title, intro, steps and next for a
 * procedure; title, result, text, contact and handover for an outcome.
 *
 * Returns: whether the node is a question, a procedure or an outcome
 */
KbdNodeKind
kbd_node_get_kind (const KbdNode *self)
{
  g_return_val_if_fail (self != NULL, KBD_NODE_OUTCOME);
  return self->kind;
}

/**
 * kbd_node_get_id:
 * @self: a node
 *
 * Gets the node's stable id: lower-case letters, digits and `_`, unique in
 * the article and unchanged across revisions, so that history records and
 * translations can refer to it.
 *
 * Returns: the node's stable id
 */
const char *
kbd_node_get_id (const KbdNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

/**
 * kbd_node_get_title:
 * @self: a node
 *
 * Gets the title of a procedure or outcome. For a question this is its
 * prompt, so every node has a title to show in a path.
 *
 * Returns: the title, in the inline syntax
 */
const char *
kbd_node_get_title (const KbdNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->kind == KBD_NODE_QUESTION ? self->prompt : self->title;
}

/**
 * kbd_node_get_prompt:
 * @self: a node
 *
 * Gets the question a question node asks, in the inline syntax (render it
 * with [func@Kbd.text_render] before showing it).
 * [method@Kbd.Node.get_title] returns the same text for a question.
 *
 * Returns: (nullable): a question's prompt
 */
const char *
kbd_node_get_prompt (const KbdNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->prompt;
}

/**
 * kbd_node_get_help:
 * @self: a node
 *
 * Gets a question's help text, saying why the question matters or how to
 * find the answer, in the inline syntax (render it with
 * [func@Kbd.text_render] before showing it). It can span several
 * paragraphs.
 *
 * Returns: (nullable): a question's help text
 */
const char *
kbd_node_get_help (const KbdNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->help;
}

/**
 * kbd_node_get_answers:
 * @self: a node
 * @n_answers: (out): the number of answers
 *
 * Gets a question's answers, in the order they are shown (and numbered for
 * keys 1 to 9). For a procedure or an outcome the array is empty and
 * @n_answers is 0.
 *
 * Returns: (array length=n_answers) (transfer none): a question's answers
 */
KbdAnswer *const *
kbd_node_get_answers (const KbdNode *self,
                      guint         *n_answers)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_answers != NULL, NULL);
  *n_answers = self->n_answers;
  return self->answers;
}

/**
 * kbd_node_find_answer:
 * @self: a node
 * @answer_id: an answer id
 *
 * Looks up one of a question's answers by its stable id. The result is
 * %NULL when the question has no such answer, and always for a procedure or
 * an outcome.
 *
 * Returns: (nullable) (transfer none): the answer with @answer_id
 */
KbdAnswer *
kbd_node_find_answer (const KbdNode *self,
                      const char    *answer_id)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (answer_id != NULL, NULL);

  /* At most KBD_MAX_ANSWERS: a scan is constant time. */
  for (guint i = 0; i < self->n_answers; i++)
    if (g_str_equal (self->answers[i]->id, answer_id))
      return self->answers[i];
  return NULL;
}

/**
 * kbd_node_get_intro:
 * @self: a node
 *
 * Gets a procedure's introduction, which says what the steps achieve and is
 * read before the first step, in the inline syntax (render it with
 * [func@Kbd.text_render] before showing it).
 *
 * Returns: (nullable): a procedure's introduction
 */
const char *
kbd_node_get_intro (const KbdNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->intro;
}

/**
 * kbd_node_get_steps:
 * @self: a node
 * @n_steps: (out): the number of steps
 *
 * Gets a procedure's steps, in the order they are done. Their sub-steps are
 * reached through [method@Kbd.Step.get_substeps]. For a question or an
 * outcome the array is empty and @n_steps is 0.
 *
 * Returns: (array length=n_steps) (transfer none): a procedure's steps
 */
KbdStep *const *
kbd_node_get_steps (const KbdNode *self,
                    guint         *n_steps)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_steps != NULL, NULL);
  *n_steps = self->n_steps;
  return self->steps;
}

/**
 * kbd_node_find_step:
 * @self: a node
 * @step_id: a step id
 *
 * Looks up one of a procedure's top-level steps by its stable id; sub-steps
 * are not searched. The result is %NULL when the procedure has no such
 * step, and always for a question or an outcome.
 *
 * Returns: (nullable) (transfer none): the procedure step with @step_id
 */
KbdStep *
kbd_node_find_step (const KbdNode *self,
                    const char    *step_id)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (step_id != NULL, NULL);

  for (guint i = 0; i < self->n_steps; i++)
    if (g_str_equal (self->steps[i]->id, step_id))
      return self->steps[i];
  return NULL;
}

/**
 * kbd_node_get_next:
 * @self: a node
 *
 * Gets the id of the node a procedure leads to, where
 * [method@Kbd.Session.advance] goes; look the node up with
 * [method@Kbd.Article.get_node]. It is %NULL for a question, whose answers
 * each have their own next node ([method@Kbd.Answer.get_next]), and for an
 * outcome.
 *
 * Returns: (nullable): the node that follows a procedure
 */
const char *
kbd_node_get_next (const KbdNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->next;
}

/**
 * kbd_node_get_result:
 * @self: a node
 *
 * Gets how an outcome ends the session: resolved, escalated or not
 * applicable.
 *
 * Returns: an outcome's result, or %KBD_OUTCOME_NONE for other nodes
 */
KbdOutcomeResult
kbd_node_get_result (const KbdNode *self)
{
  g_return_val_if_fail (self != NULL, KBD_OUTCOME_NONE);
  return self->result;
}

/**
 * kbd_node_get_text:
 * @self: a node
 *
 * Gets what an outcome says: what the technician tells the caller or does
 * next, in the inline syntax (render it with [func@Kbd.text_render] before
 * showing it). It is %NULL for a question or a procedure.
 *
 * Returns: (nullable): an outcome's text
 */
const char *
kbd_node_get_text (const KbdNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->text;
}

/**
 * kbd_node_get_contact:
 * @self: a node
 *
 * Gets whom an escalating outcome hands the problem to, in the inline
 * syntax (render it with [func@Kbd.text_render] before showing it). Only an
 * outcome whose result is %KBD_OUTCOME_ESCALATE has one; it is %NULL for
 * every other node.
 *
 * Returns: (nullable): whom an escalation goes to
 */
const char *
kbd_node_get_contact (const KbdNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->contact;
}

/**
 * kbd_node_get_handover:
 * @self: a node
 *
 * Gets what to hand over to the contact ([method@Kbd.Node.get_contact])
 * with an escalation, in the inline syntax (render it with
 * [func@Kbd.text_render] before showing it). Only an outcome whose result
 * is %KBD_OUTCOME_ESCALATE has one; it is %NULL for every other node.
 *
 * Returns: (nullable): what to hand over with an escalation
 */
const char *
kbd_node_get_handover (const KbdNode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->handover;
}

/**
 * kbd_node_get_line:
 * @self: a node
 *
 * Gets the line in the article file where the node's object begins,
 * counting from 1, for messages that point at the source.
 *
 * Returns: the line of the node in its article file, from 1
 */
guint
kbd_node_get_line (const KbdNode *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->line;
}

/**
 * kbd_node_get_column:
 * @self: a node
 *
 * Gets the column in the article file where the node's object begins.
 * Columns count bytes, not characters, from 1.
 *
 * Returns: the byte column of the node in its article file, from 1
 */
guint
kbd_node_get_column (const KbdNode *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->column;
}

/**
 * kbd_product_get_name:
 * @self: a product
 *
 * Gets the name of a product the article applies to, such as
 * `Windows 2000 Professional`. It is plain text, not in the inline syntax:
 * escape it with [func@Kbd.text_escape] for a markup format.
 *
 * Returns: the product's name
 */
const char *
kbd_product_get_name (const KbdProduct *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

/**
 * kbd_product_get_versions:
 * @self: a product
 *
 * Gets the versions of the product the article applies to, such as `SP1`
 * and `SP2`, as plain text in file order. The array is empty, never %NULL,
 * when the article names no versions.
 *
 * Returns: (transfer none) (array zero-terminated=1): the versions, maybe none
 */
const char *const *
kbd_product_get_versions (const KbdProduct *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char *const *) self->versions;
}

/**
 * kbd_reference_get_id:
 * @self: a reference
 *
 * Gets the id of the related article, which [method@Kbd.Catalog.load] looks
 * up on the search path. The article may not be installed.
 *
 * Returns: the id of the referenced article
 */
const char *
kbd_reference_get_id (const KbdReference *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

/**
 * kbd_reference_get_title:
 * @self: a reference
 *
 * Gets the title to show for the related article before it is found, in the
 * inline syntax (render it with [func@Kbd.text_render] before showing it);
 * %NULL when the referring article gives none, in which case show the id.
 *
 * Returns: (nullable): the title to show for the reference
 */
const char *
kbd_reference_get_title (const KbdReference *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->title;
}

/* KbdArticle --------------------------------------------------------------- */

static void
kbd_article_finalize (GObject *object)
{
  KbdArticle *self = (KbdArticle *) object;

  g_free (self->filename);
  g_free (self->display_name);
  g_free (self->content_hash);
  g_clear_pointer (&self->source, g_bytes_unref);
  g_free (self->id);
  g_free (self->language);
  g_free (self->title);
  g_free (self->summary);
  g_free (self->reviewed);
  g_free (self->source_publisher);
  g_free (self->source_reference);
  g_free (self->source_title);
  g_strfreev (self->keywords);
  g_clear_pointer (&self->products, g_ptr_array_unref);
  g_clear_pointer (&self->see_also, g_ptr_array_unref);
  g_free (self->start);
  g_clear_pointer (&self->node_index, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);

  G_OBJECT_CLASS (kbd_article_parent_class)->finalize (object);
}

static void
kbd_article_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  KbdArticle *self = KBD_ARTICLE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_FILENAME:
      g_value_set_string (value, self->filename);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbd_article_class_init (KbdArticleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kbd_article_finalize;
  object_class->get_property = kbd_article_get_property;

  /**
   * KbdArticle:id:
   *
   * The article's id, e.g. `KB312395`.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * KbdArticle:title:
   *
   * The article's title, in the inline syntax.
   */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * KbdArticle:language:
   *
   * The language of the article's text.
   */
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * KbdArticle:filename:
   *
   * The file the article was loaded from, or %NULL.
   */
  properties[PROP_FILENAME] =
    g_param_spec_string ("filename", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbd_article_init (KbdArticle *self)
{
  self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) kbd_node_unref);
  self->node_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->products = g_ptr_array_new_with_free_func ((GDestroyNotify) kbd_product_unref);
  self->see_also = g_ptr_array_new_with_free_func ((GDestroyNotify) kbd_reference_unref);
}

/**
 * kbd_article_get_filename:
 * @self: an article
 *
 * Gets the file the article was loaded from, as given to
 * [ctor@Kbd.Article.new_from_file]; %NULL for an article loaded from memory
 * with [ctor@Kbd.Article.new_from_bytes].
 *
 * Returns: (nullable) (type filename): the file the article was loaded from
 */
const char *
kbd_article_get_filename (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return self->filename;
}

/**
 * kbd_article_get_display_name:
 * @self: an article
 *
 * Gets the name that error messages and diagnostics use for the article's
 * file: the file name for an article loaded from a file, or the display
 * name given to [ctor@Kbd.Article.new_from_bytes].
 *
 * Returns: the name messages use for the article's file
 */
const char *
kbd_article_get_display_name (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return self->display_name;
}

/**
 * kbd_article_get_content_hash:
 * @self: an article
 *
 * Gets a hash of the article file's bytes, `sha256:` and 64 hex digits.
 * Sessions record it, so a snapshot restored against a changed article is
 * noticed.
 *
 * Returns: the content hash
 */
const char *
kbd_article_get_content_hash (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return self->content_hash;
}

/**
 * kbd_article_get_id:
 * @self: an article
 *
 * Gets the article's id, as written in the file: letters, digits, `_`, `-`
 * and `.`, starting with a letter. Article files are named after it.
 *
 * Returns: the article's id, e.g. `KB312395`
 */
const char *
kbd_article_get_id (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return self->id;
}

/**
 * kbd_article_get_language:
 * @self: an article
 *
 * Gets the language tag of every text in the article, such as `en`, `de` or
 * `pt-BR`.
 *
 * Returns: the language tag of the article's text
 */
const char *
kbd_article_get_language (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return self->language;
}

/**
 * kbd_article_get_title:
 * @self: an article
 *
 * Gets the article's title, in the inline syntax (render it with
 * [func@Kbd.text_render] before showing it).
 *
 * Returns: the title, in the inline syntax
 */
const char *
kbd_article_get_title (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return self->title;
}

/**
 * kbd_article_get_summary:
 * @self: an article
 *
 * Gets the paragraph of symptoms shown on the article's start page, in the
 * inline syntax (render it with [func@Kbd.text_render] before showing it).
 *
 * Returns: the symptom summary, in the inline syntax
 */
const char *
kbd_article_get_summary (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return self->summary;
}

/**
 * kbd_article_get_revision:
 * @self: an article
 *
 * Gets the revision of the article's encoding, a number from 1 that the
 * author raises on every change of content.
 *
 * Returns: the revision of the article's encoding
 */
guint
kbd_article_get_revision (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), 0);
  return self->revision;
}

/**
 * kbd_article_get_reviewed:
 * @self: an article
 *
 * Gets the date the article was last reviewed, as `YYYY-MM-DD`. Format it
 * for the user's locale before showing it.
 *
 * Returns: the date of the last review, `YYYY-MM-DD`
 */
const char *
kbd_article_get_reviewed (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return self->reviewed;
}

/**
 * kbd_article_get_source_publisher:
 * @self: an article
 *
 * Gets who published the content the article encodes, such as `Microsoft`.
 * It is plain text, not in the inline syntax.
 *
 * Returns: who published the article's content
 */
const char *
kbd_article_get_source_publisher (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return self->source_publisher;
}

/**
 * kbd_article_get_source_reference:
 * @self: an article
 *
 * Gets the publisher's own reference for the content, such as `KB312395`.
 * It is plain text, not in the inline syntax.
 *
 * Returns: the publisher's reference for the content
 */
const char *
kbd_article_get_source_reference (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return self->source_reference;
}

/**
 * kbd_article_get_source_title:
 * @self: an article
 *
 * Gets the title the publisher gave the content, in the inline syntax
 * (render it with [func@Kbd.text_render] before showing it); %NULL when the
 * article does not give it.
 *
 * Returns: (nullable): the source's own title
 */
const char *
kbd_article_get_source_title (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return self->source_title;
}

/**
 * kbd_article_get_keywords:
 * @self: an article
 *
 * Gets the words the article is found by in a search, as plain text; they
 * are not translated. The array is empty, never %NULL, when the article has
 * none.
 *
 * Returns: (transfer none) (array zero-terminated=1): the search keywords
 */
const char *const *
kbd_article_get_keywords (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return (const char *const *) self->keywords;
}

/**
 * kbd_article_get_products:
 * @self: an article
 * @n_products: (out): the number of products
 *
 * Gets the products the article applies to, in file order; every article
 * names at least one.
 *
 * Returns: (array length=n_products) (transfer none): the products the
 *   article applies to
 */
KbdProduct *const *
kbd_article_get_products (KbdArticle *self,
                          guint      *n_products)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  g_return_val_if_fail (n_products != NULL, NULL);
  *n_products = self->products->len;
  return (KbdProduct *const *) self->products->pdata;
}

/**
 * kbd_article_get_see_also:
 * @self: an article
 * @n_references: (out): the number of references
 *
 * Gets the related articles the article refers to, in file order; there may
 * be none. Referenced articles are neither loaded nor checked: resolve
 * their ids with [method@Kbd.Catalog.load].
 *
 * Returns: (array length=n_references) (transfer none): related articles
 */
KbdReference *const *
kbd_article_get_see_also (KbdArticle *self,
                          guint      *n_references)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  g_return_val_if_fail (n_references != NULL, NULL);
  *n_references = self->see_also->len;
  return (KbdReference *const *) self->see_also->pdata;
}

/**
 * kbd_article_get_start_id:
 * @self: an article
 *
 * Gets the id of the node every session starts on. In an article loaded
 * with %KBD_LOAD_FLAGS_NO_VALIDATE no node may have this id.
 *
 * Returns: the id of the first node
 */
const char *
kbd_article_get_start_id (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return self->start;
}

/**
 * kbd_article_get_start_node:
 * @self: an article
 *
 * Gets the node every session starts on; see
 * [method@Kbd.Article.get_start_id].
 *
 * Returns: (nullable) (transfer none): the first node; %NULL only for an
 *   article loaded with %KBD_LOAD_FLAGS_NO_VALIDATE whose start is missing
 */
KbdNode *
kbd_article_get_start_node (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  return g_hash_table_lookup (self->node_index, self->start);
}

/**
 * kbd_article_get_node:
 * @self: an article
 * @node_id: a node id
 *
 * Looks a node up by id, in constant time.
 *
 * Returns: (nullable) (transfer none): the node, or %NULL
 */
KbdNode *
kbd_article_get_node (KbdArticle *self,
                      const char *node_id)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  g_return_val_if_fail (node_id != NULL, NULL);
  return g_hash_table_lookup (self->node_index, node_id);
}

/**
 * kbd_article_get_nodes:
 * @self: an article
 * @n_nodes: (out): the number of nodes
 *
 * Gets every node of the article in the order of the file, for listing or
 * checking them all; to look one up by id use
 * [method@Kbd.Article.get_node]. Like the article, the nodes are immutable
 * and can be read from any thread.
 *
 * Returns: (array length=n_nodes) (transfer none): every node, in file order
 */
KbdNode *const *
kbd_article_get_nodes (KbdArticle *self,
                       guint      *n_nodes)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  g_return_val_if_fail (n_nodes != NULL, NULL);
  *n_nodes = self->nodes->len;
  return (KbdNode *const *) self->nodes->pdata;
}

static void
emit_slot (KbdStringSlotFunc   func,
           gpointer            user_data,
           char              **slot,
           gboolean            multiline,
           guint               line,
           const char         *format,
           ...) G_GNUC_PRINTF (6, 7);

static void
emit_slot (KbdStringSlotFunc   func,
           gpointer            user_data,
           char              **slot,
           gboolean            multiline,
           guint               line,
           const char         *format,
           ...)
{
  g_autofree char *string_id = NULL;
  va_list args;

  if (*slot == NULL)
    return;

  va_start (args, format);
  string_id = g_strdup_vprintf (format, args);
  va_end (args);

  func (string_id, slot, multiline, line, user_data);
}

/* The one list of an article's user-visible strings and their ids (see
 * docs/kb-format.md): kbd_article_foreach_string() reads it, translations
 * write through it into a private copy of the article. */
void
kbd_article_foreach_string_slot (KbdArticle        *self,
                                 KbdStringSlotFunc  func,
                                 gpointer           user_data)
{
  emit_slot (func, user_data, &self->title, FALSE, 0, "article.title");
  emit_slot (func, user_data, &self->summary, TRUE, 0, "article.summary");

  for (guint i = 0; i < self->see_also->len; i++)
    {
      KbdReference *ref = g_ptr_array_index (self->see_also, i);
      emit_slot (func, user_data, &ref->title, FALSE, 0, "see_also.%s.title", ref->id);
    }

  for (guint i = 0; i < self->nodes->len; i++)
    {
      KbdNode *node = g_ptr_array_index (self->nodes, i);
      guint line = node->line;

      switch (node->kind)
        {
        case KBD_NODE_QUESTION:
          emit_slot (func, user_data, &node->prompt, FALSE, line, "node.%s.prompt", node->id);
          emit_slot (func, user_data, &node->help, TRUE, line, "node.%s.help", node->id);
          for (guint a = 0; a < node->n_answers; a++)
            {
              KbdAnswer *answer = node->answers[a];

              emit_slot (func, user_data, &answer->label, FALSE, line,
                         "node.%s.answer.%s.label", node->id, answer->id);
              emit_slot (func, user_data, &answer->help, TRUE, line,
                         "node.%s.answer.%s.help", node->id, answer->id);
            }
          break;

        case KBD_NODE_PROCEDURE:
          emit_slot (func, user_data, &node->title, FALSE, line, "node.%s.title", node->id);
          emit_slot (func, user_data, &node->intro, TRUE, line, "node.%s.intro", node->id);
          for (guint k = 0; k < node->n_steps; k++)
            {
              KbdStep *step = node->steps[k];

              emit_slot (func, user_data, &step->text, TRUE, line,
                         "node.%s.step.%s.text", node->id, step->id);
              for (guint j = 0; j < step->n_substeps; j++)
                emit_slot (func, user_data, &step->substeps[j]->text, TRUE, line,
                           "node.%s.step.%s.substep.%s.text",
                           node->id, step->id, step->substeps[j]->id);
              for (guint j = 0; j < step->n_callouts; j++)
                emit_slot (func, user_data, &step->callouts[j]->text, TRUE, line,
                           "node.%s.step.%s.callout.%s.text",
                           node->id, step->id, step->callouts[j]->id);
            }
          break;

        case KBD_NODE_OUTCOME:
          emit_slot (func, user_data, &node->title, FALSE, line, "node.%s.title", node->id);
          emit_slot (func, user_data, &node->text, TRUE, line, "node.%s.text", node->id);
          emit_slot (func, user_data, &node->contact, FALSE, line,
                     "node.%s.escalation.contact", node->id);
          emit_slot (func, user_data, &node->handover, TRUE, line,
                     "node.%s.escalation.handover", node->id);
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

typedef struct
{
  KbdStringFunc func;
  gpointer user_data;
} ForeachString;

static void
foreach_string_cb (const char  *string_id,
                   char       **slot,
                   gboolean     multiline,
                   guint        line,
                   gpointer     user_data)
{
  ForeachString *data = user_data;

  data->func (string_id, *slot, data->user_data);
}

/**
 * kbd_article_foreach_string:
 * @self: an article
 * @func: (scope call): called for each string
 * @user_data: data for @func
 *
 * Calls @func for every user-visible string of the article with its stable
 * string id (see docs/kb-format.md), in file order. Translations are keyed
 * by these ids.
 */
void
kbd_article_foreach_string (KbdArticle    *self,
                            KbdStringFunc  func,
                            gpointer       user_data)
{
  ForeachString data = { func, user_data };

  g_return_if_fail (KBD_IS_ARTICLE (self));
  g_return_if_fail (func != NULL);

  kbd_article_foreach_string_slot (self, foreach_string_cb, &data);
}

/* A translation is the same article in another language. */
void
kbd_article_set_language (KbdArticle *self,
                          const char *language)
{
  g_free (self->language);
  self->language = g_strdup (language);
}
