/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The program's own messages in a language chosen per call, not per
 * process: a transcript is written in the language its session ran in,
 * whatever the exporting program's locale is. Reads the installed gettext
 * catalog (a .mo file) of that language directly. */

typedef struct _KbdMessages KbdMessages;

const char  *kbd_i18n_localedir     (void);

/* NULL when no catalog for @language is installed; an empty catalog (the
 * original English text) for English. */
KbdMessages *kbd_messages_load      (const char  *language);
void         kbd_messages_free      (KbdMessages *messages);
/* The translation of @msgid, or @msgid. A translation whose printf
 * directives differ from the original's is not used. */
const char  *kbd_messages_lookup    (KbdMessages *messages,
                                     const char  *msgid) G_GNUC_FORMAT (2);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbdMessages, kbd_messages_free)

G_END_DECLS
