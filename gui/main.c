/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "kbd-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(KbdApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* KBDECIDE_LOCALEDIR: the build tree's catalogs, for tests and uninstalled runs. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KBDECIDE_LOCALEDIR") != NULL ? g_getenv ("KBDECIDE_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("KB Decide"));
  app = kbd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
