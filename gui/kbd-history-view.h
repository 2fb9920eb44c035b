/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "kbdecide.h"

G_BEGIN_DECLS

#define KBD_TYPE_HISTORY_VIEW (kbd_history_view_get_type ())
G_DECLARE_FINAL_TYPE (KbdHistoryView, kbd_history_view, KBD, HISTORY_VIEW, GtkWidget)

GtkWidget  *kbd_history_view_new           (void);
void        kbd_history_view_set_history   (KbdHistoryView *self,
                                            KbdHistory     *history);
void        kbd_history_view_reload        (KbdHistoryView *self);
void        kbd_history_view_focus_search  (KbdHistoryView *self);
void        kbd_history_view_set_search    (KbdHistoryView *self,
                                            const char     *text);
void        kbd_history_view_set_outcome_filter (KbdHistoryView *self,
                                            guint           index);
GListModel *kbd_history_view_get_model     (KbdHistoryView *self);
GtkWidget  *kbd_history_view_open_record   (KbdHistoryView   *self,
                                            KbdSessionRecord *record);

G_END_DECLS
