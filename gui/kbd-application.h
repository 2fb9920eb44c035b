/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "kbdecide.h"

G_BEGIN_DECLS

#define KBD_TYPE_APPLICATION (kbd_application_get_type ())
G_DECLARE_FINAL_TYPE (KbdApplication, kbd_application, KBD, APPLICATION, AdwApplication)

KbdApplication *kbd_application_new         (void);
KbdCatalog     *kbd_application_get_catalog (KbdApplication *self);
KbdHistory     *kbd_application_get_history (KbdApplication *self);
KbdIndex       *kbd_application_get_index   (KbdApplication *self);
gboolean        kbd_application_get_index_ready (KbdApplication *self);
gboolean        kbd_application_get_indexing (KbdApplication *self);
void            kbd_application_load        (KbdApplication *self);

G_END_DECLS
