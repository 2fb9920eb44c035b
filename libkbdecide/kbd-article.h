/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(KBDECIDE_INSIDE) && !defined(KBDECIDE_COMPILATION)
# error "Only <kbdecide.h> can be included directly."
#endif

#include <glib-object.h>
#include "kbd-version.h"

G_BEGIN_DECLS

/**
 * KBD_FORMAT_VERSION:
 *
 * The article format major version this library reads and writes.
 */
#define KBD_FORMAT_VERSION 1

/**
 * KbdNodeKind:
 * @KBD_NODE_QUESTION: a question with answers, each leading to a node
 * @KBD_NODE_PROCEDURE: ordered steps, then the next node
 * @KBD_NODE_OUTCOME: the end of a session
 *
 * The three kinds of node in a decision tree.
 */
typedef enum
{
  KBD_NODE_QUESTION,
  KBD_NODE_PROCEDURE,
  KBD_NODE_OUTCOME,
} KbdNodeKind;

/**
 * KbdOutcomeResult:
 * @KBD_OUTCOME_NONE: not an outcome, or the session has not ended
 * @KBD_OUTCOME_RESOLVED: the problem is solved
 * @KBD_OUTCOME_ESCALATE: the problem goes to someone else
 * @KBD_OUTCOME_NOT_APPLICABLE: the article does not apply to this problem
 *
 * How a session ends.
 */
typedef enum
{
  KBD_OUTCOME_NONE,
  KBD_OUTCOME_RESOLVED,
  KBD_OUTCOME_ESCALATE,
  KBD_OUTCOME_NOT_APPLICABLE,
} KbdOutcomeResult;

/**
 * KbdCalloutKind:
 * @KBD_CALLOUT_NOTE: background worth knowing
 * @KBD_CALLOUT_WARNING: something can go wrong here
 * @KBD_CALLOUT_IMPORTANT: must not be missed
 *
 * The kind of a callout attached to a procedure step.
 */
typedef enum
{
  KBD_CALLOUT_NOTE,
  KBD_CALLOUT_WARNING,
  KBD_CALLOUT_IMPORTANT,
} KbdCalloutKind;

/**
 * KbdLoadFlags:
 * @KBD_LOAD_FLAGS_NONE: load, then fail if the validator finds an error
 * @KBD_LOAD_FLAGS_NO_VALIDATE: only check the file and its fields; the
 *   caller runs kbd_article_validate() itself (as `kbdecide validate` does)
 *
 * Flags for loading an article.
 */
typedef enum /*< flags >*/
{
  KBD_LOAD_FLAGS_NONE = 0,
  KBD_LOAD_FLAGS_NO_VALIDATE = 1 << 0,
} KbdLoadFlags;

typedef struct _KbdNode KbdNode;
typedef struct _KbdAnswer KbdAnswer;
typedef struct _KbdStep KbdStep;
typedef struct _KbdCallout KbdCallout;
typedef struct _KbdProduct KbdProduct;
typedef struct _KbdReference KbdReference;

#define KBD_TYPE_NODE (kbd_node_get_type ())
#define KBD_TYPE_ANSWER (kbd_answer_get_type ())
#define KBD_TYPE_STEP (kbd_step_get_type ())
#define KBD_TYPE_CALLOUT (kbd_callout_get_type ())
#define KBD_TYPE_PRODUCT (kbd_product_get_type ())
#define KBD_TYPE_REFERENCE (kbd_reference_get_type ())

KBD_AVAILABLE_IN_ALL
GType             kbd_node_get_type          (void) G_GNUC_CONST;
KBD_AVAILABLE_IN_ALL
KbdNode          *kbd_node_ref               (KbdNode     *self);
KBD_AVAILABLE_IN_ALL
void              kbd_node_unref             (KbdNode     *self);
KBD_AVAILABLE_IN_ALL
KbdNodeKind       kbd_node_get_kind          (const KbdNode *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_node_get_id            (const KbdNode *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_node_get_title         (const KbdNode *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_node_get_prompt        (const KbdNode *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_node_get_help          (const KbdNode *self);
KBD_AVAILABLE_IN_ALL
KbdAnswer *const *kbd_node_get_answers       (const KbdNode *self,
                                              guint         *n_answers);
KBD_AVAILABLE_IN_ALL
KbdAnswer        *kbd_node_find_answer       (const KbdNode *self,
                                              const char    *answer_id);
KBD_AVAILABLE_IN_ALL
const char       *kbd_node_get_intro         (const KbdNode *self);
KBD_AVAILABLE_IN_ALL
KbdStep *const   *kbd_node_get_steps         (const KbdNode *self,
                                              guint         *n_steps);
KBD_AVAILABLE_IN_ALL
KbdStep          *kbd_node_find_step         (const KbdNode *self,
                                              const char    *step_id);
KBD_AVAILABLE_IN_ALL
const char       *kbd_node_get_next          (const KbdNode *self);
KBD_AVAILABLE_IN_ALL
KbdOutcomeResult  kbd_node_get_result        (const KbdNode *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_node_get_text          (const KbdNode *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_node_get_contact       (const KbdNode *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_node_get_handover      (const KbdNode *self);
KBD_AVAILABLE_IN_ALL
guint             kbd_node_get_line          (const KbdNode *self);
KBD_AVAILABLE_IN_ALL
guint             kbd_node_get_column        (const KbdNode *self);

KBD_AVAILABLE_IN_ALL
GType             kbd_answer_get_type        (void) G_GNUC_CONST;
KBD_AVAILABLE_IN_ALL
KbdAnswer        *kbd_answer_ref             (KbdAnswer   *self);
KBD_AVAILABLE_IN_ALL
void              kbd_answer_unref           (KbdAnswer   *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_answer_get_id          (const KbdAnswer *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_answer_get_label       (const KbdAnswer *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_answer_get_help        (const KbdAnswer *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_answer_get_next        (const KbdAnswer *self);

KBD_AVAILABLE_IN_ALL
GType             kbd_step_get_type          (void) G_GNUC_CONST;
KBD_AVAILABLE_IN_ALL
KbdStep          *kbd_step_ref               (KbdStep     *self);
KBD_AVAILABLE_IN_ALL
void              kbd_step_unref             (KbdStep     *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_step_get_id            (const KbdStep *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_step_get_text          (const KbdStep *self);
KBD_AVAILABLE_IN_ALL
KbdStep *const   *kbd_step_get_substeps      (const KbdStep *self,
                                              guint         *n_substeps);
KBD_AVAILABLE_IN_ALL
KbdCallout *const *kbd_step_get_callouts     (const KbdStep *self,
                                              guint         *n_callouts);

KBD_AVAILABLE_IN_ALL
GType             kbd_callout_get_type       (void) G_GNUC_CONST;
KBD_AVAILABLE_IN_ALL
KbdCallout       *kbd_callout_ref            (KbdCallout  *self);
KBD_AVAILABLE_IN_ALL
void              kbd_callout_unref          (KbdCallout  *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_callout_get_id         (const KbdCallout *self);
KBD_AVAILABLE_IN_ALL
KbdCalloutKind    kbd_callout_get_kind       (const KbdCallout *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_callout_get_text       (const KbdCallout *self);

KBD_AVAILABLE_IN_ALL
GType             kbd_product_get_type       (void) G_GNUC_CONST;
KBD_AVAILABLE_IN_ALL
KbdProduct       *kbd_product_ref            (KbdProduct  *self);
KBD_AVAILABLE_IN_ALL
void              kbd_product_unref          (KbdProduct  *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_product_get_name       (const KbdProduct *self);
KBD_AVAILABLE_IN_ALL
const char *const *kbd_product_get_versions  (const KbdProduct *self);

KBD_AVAILABLE_IN_ALL
GType             kbd_reference_get_type     (void) G_GNUC_CONST;
KBD_AVAILABLE_IN_ALL
KbdReference     *kbd_reference_ref          (KbdReference *self);
KBD_AVAILABLE_IN_ALL
void              kbd_reference_unref        (KbdReference *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_reference_get_id       (const KbdReference *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_reference_get_title    (const KbdReference *self);

/**
 * KbdStringFunc:
 * @string_id: the string's stable id, e.g. `node.start.prompt`
 * @text: the text, in the article's inline syntax
 * @user_data: data passed to kbd_article_foreach_string()
 *
 * Called for every user-visible string of an article.
 */
typedef void (*KbdStringFunc) (const char *string_id,
                               const char *text,
                               gpointer    user_data);

#define KBD_TYPE_ARTICLE (kbd_article_get_type ())
KBD_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (KbdArticle, kbd_article, KBD, ARTICLE, GObject)

KBD_AVAILABLE_IN_ALL
KbdArticle         *kbd_article_new_from_file     (const char    *filename,
                                                   KbdLoadFlags   flags,
                                                   GError       **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
KbdArticle         *kbd_article_new_from_bytes    (GBytes        *bytes,
                                                   const char    *display_name,
                                                   KbdLoadFlags   flags,
                                                   GError       **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
const char         *kbd_article_get_filename      (KbdArticle    *self);
KBD_AVAILABLE_IN_ALL
const char         *kbd_article_get_display_name  (KbdArticle    *self);
KBD_AVAILABLE_IN_ALL
const char         *kbd_article_get_content_hash  (KbdArticle    *self);
KBD_AVAILABLE_IN_ALL
const char         *kbd_article_get_id            (KbdArticle    *self);
KBD_AVAILABLE_IN_ALL
const char         *kbd_article_get_language      (KbdArticle    *self);
KBD_AVAILABLE_IN_ALL
const char         *kbd_article_get_title         (KbdArticle    *self);
KBD_AVAILABLE_IN_ALL
const char         *kbd_article_get_summary       (KbdArticle    *self);
KBD_AVAILABLE_IN_ALL
guint               kbd_article_get_revision      (KbdArticle    *self);
KBD_AVAILABLE_IN_ALL
const char         *kbd_article_get_reviewed      (KbdArticle    *self);
KBD_AVAILABLE_IN_ALL
const char         *kbd_article_get_source_publisher (KbdArticle *self);
KBD_AVAILABLE_IN_ALL
const char         *kbd_article_get_source_reference (KbdArticle *self);
KBD_AVAILABLE_IN_ALL
const char         *kbd_article_get_source_title  (KbdArticle    *self);
KBD_AVAILABLE_IN_ALL
const char *const  *kbd_article_get_keywords      (KbdArticle    *self);
KBD_AVAILABLE_IN_ALL
KbdProduct *const  *kbd_article_get_products      (KbdArticle    *self,
                                                   guint         *n_products);
KBD_AVAILABLE_IN_ALL
KbdReference *const *kbd_article_get_see_also     (KbdArticle    *self,
                                                   guint         *n_references);
KBD_AVAILABLE_IN_ALL
const char         *kbd_article_get_start_id      (KbdArticle    *self);
KBD_AVAILABLE_IN_ALL
KbdNode            *kbd_article_get_start_node    (KbdArticle    *self);
KBD_AVAILABLE_IN_ALL
KbdNode            *kbd_article_get_node          (KbdArticle    *self,
                                                   const char    *node_id);
KBD_AVAILABLE_IN_ALL
KbdNode *const     *kbd_article_get_nodes         (KbdArticle    *self,
                                                   guint         *n_nodes);
KBD_AVAILABLE_IN_ALL
void                kbd_article_foreach_string    (KbdArticle    *self,
                                                   KbdStringFunc  func,
                                                   gpointer       user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbdNode, kbd_node_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbdAnswer, kbd_answer_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbdStep, kbd_step_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbdCallout, kbd_callout_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbdProduct, kbd_product_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbdReference, kbd_reference_unref)

G_END_DECLS
