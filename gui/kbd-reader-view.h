/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "kbdecide.h"

G_BEGIN_DECLS

#define KBD_TYPE_READER_VIEW (kbd_reader_view_get_type ())
G_DECLARE_FINAL_TYPE (KbdReaderView, kbd_reader_view, KBD, READER_VIEW, GtkWidget)

GtkWidget           *kbd_reader_view_new            (void);
void                 kbd_reader_view_set_article    (KbdReaderView       *self,
                                                     KbdReferenceArticle *article,
                                                     KbdIndex            *index);
KbdReferenceArticle *kbd_reader_view_get_article    (KbdReaderView       *self);
GtkTextView         *kbd_reader_view_get_text_view  (KbdReaderView       *self);
gboolean             kbd_reader_view_follow_link_at (KbdReaderView       *self,
                                                     const GtkTextIter   *iter);

G_END_DECLS
