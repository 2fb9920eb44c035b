/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "kbd-history.h"

G_BEGIN_DECLS

/* Test hooks: simulate a full disk through SQLite's page limit on the
 * writing connection. */
gboolean kbd_history_get_page_count_for_testing     (KbdHistory  *self,
                                                     gint64      *pages,
                                                     GError     **error);
gboolean kbd_history_set_max_page_count_for_testing (KbdHistory  *self,
                                                     gint64       pages,
                                                     GError     **error);

/* Stores many prepared writes in one transaction, with the search index
 * built after the inserts; on its own connection, beside the writer. */
gboolean kbd_history_import_writes (KbdHistory  *self,
                                    GPtrArray   *writes,
                                    GError     **error);

G_END_DECLS
