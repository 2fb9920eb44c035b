/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(KBDECIDE_INSIDE) && !defined(KBDECIDE_COMPILATION)
# error "Only <kbdecide.h> can be included directly."
#endif

#include <glib-object.h>
#include "kbd-version.h"
#include "kbd-article.h"

G_BEGIN_DECLS

/**
 * KbdSeverity:
 * @KBD_SEVERITY_ERROR: the article cannot be used for sessions
 * @KBD_SEVERITY_WARNING: the article works, but something looks wrong
 *
 * How serious a diagnostic is.
 */
typedef enum
{
  KBD_SEVERITY_ERROR,
  KBD_SEVERITY_WARNING,
} KbdSeverity;

typedef struct _KbdDiagnostic KbdDiagnostic;

#define KBD_TYPE_DIAGNOSTIC (kbd_diagnostic_get_type ())

KBD_AVAILABLE_IN_ALL
GType          kbd_diagnostic_get_type      (void) G_GNUC_CONST;
KBD_AVAILABLE_IN_ALL
KbdDiagnostic *kbd_diagnostic_ref           (KbdDiagnostic *self);
KBD_AVAILABLE_IN_ALL
void           kbd_diagnostic_unref         (KbdDiagnostic *self);
KBD_AVAILABLE_IN_ALL
KbdSeverity    kbd_diagnostic_get_severity  (const KbdDiagnostic *self);
KBD_AVAILABLE_IN_ALL
const char    *kbd_diagnostic_get_code      (const KbdDiagnostic *self);
KBD_AVAILABLE_IN_ALL
const char    *kbd_diagnostic_get_node_id   (const KbdDiagnostic *self);
KBD_AVAILABLE_IN_ALL
const char    *kbd_diagnostic_get_file      (const KbdDiagnostic *self);
KBD_AVAILABLE_IN_ALL
guint          kbd_diagnostic_get_line      (const KbdDiagnostic *self);
KBD_AVAILABLE_IN_ALL
guint          kbd_diagnostic_get_column    (const KbdDiagnostic *self);
KBD_AVAILABLE_IN_ALL
const char    *kbd_diagnostic_get_message   (const KbdDiagnostic *self);
KBD_AVAILABLE_IN_ALL
char          *kbd_diagnostic_to_string     (const KbdDiagnostic *self) G_GNUC_WARN_UNUSED_RESULT;

KBD_AVAILABLE_IN_ALL
GPtrArray     *kbd_article_validate         (KbdArticle    *article) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbdDiagnostic, kbd_diagnostic_unref)

G_END_DECLS
