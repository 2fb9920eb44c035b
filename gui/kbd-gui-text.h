/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "kbdecide.h"

G_BEGIN_DECLS

GtkWidget *kbd_gui_text_label_new         (const char *inline_text,
                                           const char *css_class);
void       kbd_gui_label_set_article_text (GtkLabel   *label,
                                           const char *inline_text);
void       kbd_gui_label_set_markup       (GtkLabel   *label,
                                           const char *markup,
                                           const char *fallback);
char      *kbd_gui_break_long_runs        (const char *text,
                                           gboolean    is_markup) G_GNUC_WARN_UNUSED_RESULT;
char      *kbd_gui_format_time            (gint64      usec) G_GNUC_WARN_UNUSED_RESULT;
const char *kbd_gui_kind_name             (KbdIndexKind kind);
const char *kbd_gui_kind_icon             (KbdIndexKind kind);

G_END_DECLS
