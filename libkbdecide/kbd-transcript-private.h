/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "kbd-history.h"
#include "kbd-json-private.h"

G_BEGIN_DECLS

char      *kbd_transcript_build (KbdSessionRecord    *record,
                                 GPtrArray           *events,
                                 KbdTranscriptFormat  format);

G_END_DECLS
