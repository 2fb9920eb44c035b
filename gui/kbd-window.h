/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "kbdecide.h"
#include "kbd-application.h"

G_BEGIN_DECLS

#define KBD_TYPE_WINDOW (kbd_window_get_type ())
G_DECLARE_FINAL_TYPE (KbdWindow, kbd_window, KBD, WINDOW, AdwApplicationWindow)

KbdWindow  *kbd_window_new               (KbdApplication *application);
void        kbd_window_set_catalog       (KbdWindow      *self,
                                          KbdCatalog     *catalog);
void        kbd_window_history_ready     (KbdWindow      *self);
void        kbd_window_index_progress    (KbdWindow      *self,
                                          guint           done,
                                          guint           total);
void        kbd_window_index_finished    (KbdWindow      *self);
void        kbd_window_offer_resume      (KbdWindow      *self);
void        kbd_window_open_file         (KbdWindow      *self,
                                          GFile          *file);
void        kbd_window_show_article      (KbdWindow      *self,
                                          KbdArticle     *article);
KbdSession *kbd_window_get_session       (KbdWindow      *self);
gboolean    kbd_window_resume            (KbdWindow      *self,
                                          const char     *uuid,
                                          GError        **error);
gboolean    kbd_window_export_transcript (KbdWindow      *self,
                                          const char     *uuid,
                                          GFile          *file,
                                          GError        **error);
void        kbd_window_choose_export     (KbdWindow      *self,
                                          const char     *uuid,
                                          const char     *article_id);
void        kbd_window_toast             (KbdWindow      *self,
                                          const char     *message);

G_END_DECLS
