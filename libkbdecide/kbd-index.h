/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(KBDECIDE_INSIDE) && !defined(KBDECIDE_COMPILATION)
# error "Only <kbdecide.h> can be included directly."
#endif

#include <gio/gio.h>
#include "kbd-version.h"
#include "kbd-text.h"

G_BEGIN_DECLS

/**
 * KbdIndexKind:
 * @KBD_INDEX_KIND_NONE: no kind of article
 * @KBD_INDEX_KIND_DECISION_TREE: decision-tree articles (`*.json`, [class@Kbd.Article])
 * @KBD_INDEX_KIND_REFERENCE: classic plain-text reference articles
 *   (`Q317627.TXT`, [class@Kbd.ReferenceArticle])
 * @KBD_INDEX_KIND_ALL: every kind of article
 *
 * The kinds of article a [class@Kbd.Index] holds. A result has exactly one
 * kind; a search takes any combination.
 */
typedef enum /*< flags >*/
{
  KBD_INDEX_KIND_NONE = 0,
  KBD_INDEX_KIND_DECISION_TREE = 1 << 0,
  KBD_INDEX_KIND_REFERENCE = 1 << 1,
  KBD_INDEX_KIND_ALL = KBD_INDEX_KIND_DECISION_TREE | KBD_INDEX_KIND_REFERENCE,
} KbdIndexKind;

/**
 * KbdIndexProgress:
 * @done: how many article files have been looked at
 * @total: how many article files the folders hold
 * @user_data: the data given with the callback
 *
 * Reports how far [method@Kbd.Index.update] has come: every 50 files or
 * so, and once at the end with @done equal to @total.
 */
typedef void (*KbdIndexProgress) (guint    done,
                                  guint    total,
                                  gpointer user_data);

#define KBD_TYPE_INDEX_RESULT (kbd_index_result_get_type ())
KBD_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (KbdIndexResult, kbd_index_result, KBD, INDEX_RESULT, GObject)

KBD_AVAILABLE_IN_ALL
const char   *kbd_index_result_get_id        (KbdIndexResult *self);
KBD_AVAILABLE_IN_ALL
KbdIndexKind  kbd_index_result_get_kind      (KbdIndexResult *self);
KBD_AVAILABLE_IN_ALL
const char   *kbd_index_result_get_title     (KbdIndexResult *self);
KBD_AVAILABLE_IN_ALL
const char   *kbd_index_result_get_product   (KbdIndexResult *self);
KBD_AVAILABLE_IN_ALL
const char   *kbd_index_result_get_filename  (KbdIndexResult *self);
KBD_AVAILABLE_IN_ALL
double        kbd_index_result_get_score     (KbdIndexResult *self);
KBD_AVAILABLE_IN_ALL
const char   *kbd_index_result_get_snippet   (KbdIndexResult *self,
                                              KbdTextFormat   format);

#define KBD_TYPE_INDEX (kbd_index_get_type ())
KBD_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (KbdIndex, kbd_index, KBD, INDEX, GObject)

KBD_AVAILABLE_IN_ALL
KbdIndex          *kbd_index_new                   (const char          *filename,
                                                    GError             **error)
                                                    G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
const char        *kbd_index_get_filename          (KbdIndex            *self);
KBD_AVAILABLE_IN_ALL
const char        *kbd_index_get_notice            (KbdIndex            *self);
KBD_AVAILABLE_IN_ALL
gboolean           kbd_index_update                (KbdIndex            *self,
                                                    const char *const   *folders,
                                                    GCancellable        *cancellable,
                                                    KbdIndexProgress     progress,
                                                    gpointer             user_data,
                                                    GError             **error);
KBD_AVAILABLE_IN_ALL
void               kbd_index_update_async          (KbdIndex            *self,
                                                    const char *const   *folders,
                                                    GCancellable        *cancellable,
                                                    KbdIndexProgress     progress,
                                                    gpointer             progress_data,
                                                    GDestroyNotify       progress_data_free,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
KBD_AVAILABLE_IN_ALL
gboolean           kbd_index_update_finish         (KbdIndex            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
KBD_AVAILABLE_IN_ALL
void               kbd_index_get_last_update_stats (KbdIndex            *self,
                                                    guint               *n_added,
                                                    guint               *n_changed,
                                                    guint               *n_removed,
                                                    guint               *n_unchanged,
                                                    guint               *n_hashed);
KBD_AVAILABLE_IN_ALL
const char *const *kbd_index_get_problems          (KbdIndex            *self);
KBD_AVAILABLE_IN_ALL
guint              kbd_index_get_n_articles        (KbdIndex            *self);
KBD_AVAILABLE_IN_ALL
guint              kbd_index_count_articles        (KbdIndex            *self,
                                                    KbdIndexKind         kinds);
KBD_AVAILABLE_IN_ALL
GPtrArray         *kbd_index_search                (KbdIndex            *self,
                                                    const char          *query,
                                                    const char          *product,
                                                    KbdIndexKind         kinds,
                                                    guint                limit,
                                                    GError             **error)
                                                    G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
KbdIndexResult    *kbd_index_lookup                (KbdIndex            *self,
                                                    const char          *id,
                                                    GError             **error)
                                                    G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
GPtrArray         *kbd_index_get_links             (KbdIndex            *self,
                                                    const char          *id,
                                                    GError             **error)
                                                    G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
