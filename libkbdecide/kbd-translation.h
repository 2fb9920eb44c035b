/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(KBDECIDE_INSIDE) && !defined(KBDECIDE_COMPILATION)
# error "Only <kbdecide.h> can be included directly."
#endif

#include <gio/gio.h>
#include "kbd-version.h"
#include "kbd-article.h"

G_BEGIN_DECLS

KBD_AVAILABLE_IN_ALL
KbdArticle *kbd_article_translate            (KbdArticle          *self,
                                              GBytes              *po,
                                              const char          *po_name,
                                              GPtrArray          **diagnostics,
                                              GError             **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
KbdArticle *kbd_article_translate_file       (KbdArticle          *self,
                                              const char          *po_filename,
                                              GPtrArray          **diagnostics,
                                              GError             **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
char       *kbd_article_find_translation     (KbdArticle          *self,
                                              const char          *language) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
KbdArticle *kbd_article_new_for_languages    (KbdArticle          *self,
                                              const char * const  *languages,
                                              GPtrArray          **diagnostics) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
char       *kbd_article_extract_template     (KbdArticle          *self) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
char       *kbd_article_update_translation   (KbdArticle          *self,
                                              GBytes              *po,
                                              const char          *po_name,
                                              GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
