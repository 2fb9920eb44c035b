/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

/* Binds the gettext domain once, so the library's messages are translated
 * in whatever program links it. Called by every entry point that makes a
 * user-visible string the first time. */
void kbd_i18n_init (void);

G_END_DECLS
