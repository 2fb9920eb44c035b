/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <locale.h>

#include "kbd-error.h"
#include "kbd-messages-private.h"
#include "kbd-private.h"

/**
 * kbd_error_quark:
 *
 * Gets the quark that identifies libkbdecide's errors in a
 * [struct@GLib.Error]. C code uses the %KBD_ERROR macro, which calls this
 * function.
 *
 * Returns: the error quark of the %KBD_ERROR domain
 */
G_DEFINE_QUARK (kbd-error-quark, kbd_error)

void
kbd_i18n_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      bindtextdomain (GETTEXT_PACKAGE, kbd_i18n_localedir ());
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&initialized, 1);
    }
}
