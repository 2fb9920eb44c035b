/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "kbd-article.h"
#include "kbd-diagnostic.h"

G_BEGIN_DECLS

/* Article content is immutable once loaded: every record below is written
 * by the loader only, then shared read-only (also across threads). */

struct _KbdCallout
{
  gatomicrefcount ref_count;
  KbdCalloutKind kind;
  char *id;
  char *text;
};

struct _KbdStep
{
  gatomicrefcount ref_count;
  guint line;
  guint column;
  char *id;
  char *text;
  KbdStep **substeps;
  guint n_substeps;
  KbdCallout **callouts;
  guint n_callouts;
};

struct _KbdAnswer
{
  gatomicrefcount ref_count;
  guint line;
  guint column;
  char *id;
  char *label;
  char *help;
  char *next;
};

struct _KbdNode
{
  gatomicrefcount ref_count;
  KbdNodeKind kind;
  guint line;
  guint column;
  guint index;          /* position in the article's node array */
  char *id;
  char *title;          /* procedure, outcome */
  char *prompt;         /* question */
  char *help;           /* question */
  KbdAnswer **answers;  /* question */
  guint n_answers;
  char *intro;          /* procedure */
  KbdStep **steps;      /* procedure */
  guint n_steps;
  char *next;           /* procedure */
  KbdOutcomeResult result; /* outcome */
  char *text;           /* outcome */
  char *contact;        /* outcome, escalate */
  char *handover;       /* outcome, escalate */
};

struct _KbdProduct
{
  gatomicrefcount ref_count;
  char *name;
  char **versions;
};

struct _KbdReference
{
  gatomicrefcount ref_count;
  char *id;
  char *title;
};

/* Limits of format 1, documented in docs/kb-format.md. */
#define KBD_MAX_FILE_SIZE        (64 * 1024 * 1024)
#define KBD_MAX_DEPTH            32
#define KBD_MAX_STRING_BYTES     65536
#define KBD_MAX_NODES            200000
#define KBD_MAX_ANSWERS          32
#define KBD_MAX_STEPS            200
#define KBD_MAX_SUBSTEPS         50
#define KBD_MAX_CALLOUTS         16
#define KBD_MAX_ID_BYTES         64
#define KBD_MAX_SHORT_TEXT_BYTES 1024
#define KBD_MAX_LONG_TEXT_BYTES  16384
#define KBD_MAX_KEYWORDS         64
#define KBD_MAX_SEE_ALSO         64
#define KBD_MAX_PRODUCTS         32
#define KBD_MAX_VERSIONS         32

/* Reads a whole regular file, refusing FIFOs, devices and directories
 * without blocking on them, and anything larger than @max_size. */
GBytes   *kbd_read_regular_file   (const char  *filename,
                                   gsize        max_size,
                                   GError     **error);

gboolean  kbd_is_stable_id        (const char  *id);
gboolean  kbd_is_article_id       (const char  *id);
gboolean  kbd_is_language_tag     (const char  *tag);
char     *kbd_normalize_article_id (const char *id);

gboolean  kbd_check_article_text  (const char  *str,
                                   gsize        len,
                                   gboolean     multiline,
                                   gboolean     inline_syntax,
                                   GError     **error);

/* Every user-visible string of an article, as the place that holds it:
 * its string id, whether it is a paragraph (line breaks allowed) and the
 * line of the node it belongs to (0 for the article's own strings). */
typedef void (*KbdStringSlotFunc) (const char  *string_id,
                                   char       **slot,
                                   gboolean     multiline,
                                   guint        line,
                                   gpointer     user_data);

void        kbd_article_foreach_string_slot  (KbdArticle        *self,
                                              KbdStringSlotFunc  func,
                                              gpointer           user_data);
KbdArticle *kbd_article_copy_for_translation (KbdArticle        *article,
                                              GError           **error);
KbdDiagnostic *kbd_diagnostic_new_take (KbdSeverity  severity,
                                        const char  *code,
                                        const char  *node_id,
                                        const char  *file,
                                        guint        line,
                                        guint        column,
                                        char        *message);

void        kbd_article_set_language         (KbdArticle        *self,
                                              const char        *language);

G_END_DECLS
