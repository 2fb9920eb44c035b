/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(KBDECIDE_INSIDE) && !defined(KBDECIDE_COMPILATION)
# error "Only <kbdecide.h> can be included directly."
#endif

#include <gio/gio.h>
#include "kbd-version.h"
#include "kbd-history.h"

G_BEGIN_DECLS

#define KBD_TYPE_HISTORY_MODEL (kbd_history_model_get_type ())
KBD_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (KbdHistoryModel, kbd_history_model, KBD, HISTORY_MODEL, GObject)

KBD_AVAILABLE_IN_ALL
KbdHistoryModel  *kbd_history_model_new          (KbdHistory       *history,
                                                  KbdHistoryFilter *filter) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
KbdHistory       *kbd_history_model_get_history  (KbdHistoryModel  *self);
KBD_AVAILABLE_IN_ALL
void              kbd_history_model_set_filter   (KbdHistoryModel  *self,
                                                  KbdHistoryFilter *filter);
KBD_AVAILABLE_IN_ALL
void              kbd_history_model_reload       (KbdHistoryModel  *self);

G_END_DECLS
