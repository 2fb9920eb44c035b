/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(KBDECIDE_INSIDE) && !defined(KBDECIDE_COMPILATION)
# error "Only <kbdecide.h> can be included directly."
#endif

#include <glib.h>
#include "kbd-version.h"

G_BEGIN_DECLS

/**
 * KbdTextFormat:
 * @KBD_TEXT_FORMAT_PLAIN: plain text, marks removed
 * @KBD_TEXT_FORMAT_PANGO: Pango markup: labels in bold, code in monospace
 * @KBD_TEXT_FORMAT_HTML: an HTML fragment: `<strong>` and `<code>`
 * @KBD_TEXT_FORMAT_MARKDOWN: CommonMark: `**label**` and backtick code spans
 * @KBD_TEXT_FORMAT_ANSI: text for a terminal, with ANSI bold and colour
 *
 * The targets article text can be converted to.
 */
typedef enum
{
  KBD_TEXT_FORMAT_PLAIN,
  KBD_TEXT_FORMAT_PANGO,
  KBD_TEXT_FORMAT_HTML,
  KBD_TEXT_FORMAT_MARKDOWN,
  KBD_TEXT_FORMAT_ANSI,
} KbdTextFormat;

KBD_AVAILABLE_IN_ALL
gboolean  kbd_text_check  (const char     *text,
                           gsize          *error_offset,
                           GError        **error);
KBD_AVAILABLE_IN_ALL
char     *kbd_text_render (const char     *text,
                           KbdTextFormat   format) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
char     *kbd_text_escape (const char     *text,
                           KbdTextFormat   format) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
