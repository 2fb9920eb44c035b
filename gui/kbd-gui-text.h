/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *kbd_gui_text_label_new      (const char *inline_text,
                                        const char *css_class);
void       kbd_gui_label_set_article_text (GtkLabel *label,
                                        const char *inline_text);
char      *kbd_gui_format_time         (gint64      usec) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
