/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(KBDECIDE_INSIDE) && !defined(KBDECIDE_COMPILATION)
# error "Only <kbdecide.h> can be included directly."
#endif

#include <gio/gio.h>
#include "kbd-version.h"
#include "kbd-article.h"
#include "kbd-reference.h"

G_BEGIN_DECLS

#define KBD_TYPE_CATALOG_ENTRY (kbd_catalog_entry_get_type ())
KBD_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (KbdCatalogEntry, kbd_catalog_entry, KBD, CATALOG_ENTRY, GObject)

KBD_AVAILABLE_IN_ALL
const char  *kbd_catalog_entry_get_id       (KbdCatalogEntry *self);
KBD_AVAILABLE_IN_ALL
const char  *kbd_catalog_entry_get_title    (KbdCatalogEntry *self);
KBD_AVAILABLE_IN_ALL
const char  *kbd_catalog_entry_get_products (KbdCatalogEntry *self);
KBD_AVAILABLE_IN_ALL
const char  *kbd_catalog_entry_get_filename (KbdCatalogEntry *self);

#define KBD_TYPE_CATALOG (kbd_catalog_get_type ())
KBD_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (KbdCatalog, kbd_catalog, KBD, CATALOG, GObject)

KBD_AVAILABLE_IN_ALL
KbdCatalog         *kbd_catalog_new                      (void) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
void                kbd_catalog_add_directory            (KbdCatalog    *self,
                                                          const char    *directory);
KBD_AVAILABLE_IN_ALL
void                kbd_catalog_add_default_directories  (KbdCatalog    *self);
KBD_AVAILABLE_IN_ALL
const char *const  *kbd_catalog_get_directories          (KbdCatalog    *self);
KBD_AVAILABLE_IN_ALL
gboolean            kbd_catalog_scan                     (KbdCatalog    *self,
                                                          GCancellable  *cancellable,
                                                          GError       **error);
KBD_AVAILABLE_IN_ALL
GListModel         *kbd_catalog_get_entries              (KbdCatalog    *self);
KBD_AVAILABLE_IN_ALL
const char *const  *kbd_catalog_get_problems             (KbdCatalog    *self);
KBD_AVAILABLE_IN_ALL
char               *kbd_catalog_find_file                (KbdCatalog    *self,
                                                          const char    *article_id,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
KbdArticle         *kbd_catalog_load                     (KbdCatalog    *self,
                                                          const char    *article_id,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
KbdReferenceArticle *kbd_catalog_load_reference          (KbdCatalog    *self,
                                                          const char    *filename,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
char               *kbd_article_id_normalize             (const char    *article_id) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
