/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "kbdecide.h"

G_BEGIN_DECLS

#define KBD_TYPE_SESSION_VIEW (kbd_session_view_get_type ())
G_DECLARE_FINAL_TYPE (KbdSessionView, kbd_session_view, KBD, SESSION_VIEW, GtkWidget)

GtkWidget  *kbd_session_view_new          (void);
KbdSession *kbd_session_view_get_session  (KbdSessionView *self);
void        kbd_session_view_set_session  (KbdSessionView *self,
                                           KbdSession     *session);
gboolean    kbd_session_view_choose_index (KbdSessionView *self,
                                           guint           index);
void        kbd_session_view_set_notes_visible (KbdSessionView *self,
                                           gboolean        visible);
gboolean    kbd_session_view_get_notes_visible (KbdSessionView *self);

G_END_DECLS
