/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(KBDECIDE_INSIDE) && !defined(KBDECIDE_COMPILATION)
# error "Only <kbdecide.h> can be included directly."
#endif

#include <glib.h>
#include "kbd-version.h"
#include "kbd-article.h"

G_BEGIN_DECLS

/**
 * KbdExportFormat:
 * @KBD_EXPORT_TEXT: the whole article as readable plain text
 * @KBD_EXPORT_ANSI: the same, with terminal bold and colour
 * @KBD_EXPORT_MARKDOWN: the whole article as CommonMark
 * @KBD_EXPORT_DOT: the decision tree as a Graphviz graph
 * @KBD_EXPORT_MERMAID: the decision tree as a Mermaid flowchart
 * @KBD_EXPORT_STRINGS: every user-visible string with its string id, one per line
 *
 * What an article can be exported as.
 */
typedef enum
{
  KBD_EXPORT_TEXT,
  KBD_EXPORT_ANSI,
  KBD_EXPORT_MARKDOWN,
  KBD_EXPORT_DOT,
  KBD_EXPORT_MERMAID,
  KBD_EXPORT_STRINGS,
} KbdExportFormat;

KBD_AVAILABLE_IN_ALL
char *kbd_article_export (KbdArticle      *article,
                          KbdExportFormat  format) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
