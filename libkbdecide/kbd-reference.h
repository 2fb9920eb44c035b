/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(KBDECIDE_INSIDE) && !defined(KBDECIDE_COMPILATION)
# error "Only <kbdecide.h> can be included directly."
#endif

#include <glib-object.h>
#include "kbd-version.h"

G_BEGIN_DECLS

/**
 * KBD_REFERENCE_ARTICLE_MAX_SIZE:
 *
 * The largest reference article file, in bytes, that
 * [ctor@Kbd.ReferenceArticle.new_from_bytes] reads (4 MiB; the largest
 * article of the classic archive is about 52 KiB).
 */
#define KBD_REFERENCE_ARTICLE_MAX_SIZE (4 * 1024 * 1024)

#define KBD_TYPE_REFERENCE_ARTICLE (kbd_reference_article_get_type ())
KBD_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (KbdReferenceArticle, kbd_reference_article, KBD, REFERENCE_ARTICLE, GObject)

KBD_AVAILABLE_IN_ALL
KbdReferenceArticle *kbd_reference_article_new_from_bytes         (GBytes               *bytes,
                                                                   const char           *name,
                                                                   GError              **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
KbdReferenceArticle *kbd_reference_article_new_from_file          (const char           *filename,
                                                                   GError              **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
gboolean             kbd_reference_article_parse_id               (const char           *text,
                                                                   guint                *number);

KBD_AVAILABLE_IN_ALL
const char          *kbd_reference_article_get_id                 (KbdReferenceArticle  *self);
KBD_AVAILABLE_IN_ALL
guint                kbd_reference_article_get_number             (KbdReferenceArticle  *self);
KBD_AVAILABLE_IN_ALL
GDateTime           *kbd_reference_article_get_date               (KbdReferenceArticle  *self);
KBD_AVAILABLE_IN_ALL
const char          *kbd_reference_article_get_tag                (KbdReferenceArticle  *self);
KBD_AVAILABLE_IN_ALL
const char          *kbd_reference_article_get_title              (KbdReferenceArticle  *self);
KBD_AVAILABLE_IN_ALL
const char          *kbd_reference_article_get_product            (KbdReferenceArticle  *self);
KBD_AVAILABLE_IN_ALL
const char          *kbd_reference_article_get_versions           (KbdReferenceArticle  *self);
KBD_AVAILABLE_IN_ALL
const char *const   *kbd_reference_article_get_version_list       (KbdReferenceArticle  *self);
KBD_AVAILABLE_IN_ALL
const char *const   *kbd_reference_article_get_platforms          (KbdReferenceArticle  *self);
KBD_AVAILABLE_IN_ALL
const char          *kbd_reference_article_get_operating_systems  (KbdReferenceArticle  *self);
KBD_AVAILABLE_IN_ALL
const char *const   *kbd_reference_article_get_keywords           (KbdReferenceArticle  *self);
KBD_AVAILABLE_IN_ALL
const char          *kbd_reference_article_get_encoding           (KbdReferenceArticle  *self);

KBD_AVAILABLE_IN_ALL
guint                kbd_reference_article_get_n_sections         (KbdReferenceArticle  *self);
KBD_AVAILABLE_IN_ALL
const char          *kbd_reference_article_get_section_title      (KbdReferenceArticle  *self,
                                                                   guint                 index);
KBD_AVAILABLE_IN_ALL
guint                kbd_reference_article_get_section_level      (KbdReferenceArticle  *self,
                                                                   guint                 index);
KBD_AVAILABLE_IN_ALL
const char          *kbd_reference_article_get_section_text       (KbdReferenceArticle  *self,
                                                                   guint                 index);
KBD_AVAILABLE_IN_ALL
char                *kbd_reference_article_dup_body               (KbdReferenceArticle  *self) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
GPtrArray           *kbd_reference_article_find_mentions          (KbdReferenceArticle  *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
