/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>
#include <gio/gio.h>

#define KBDECIDE_INSIDE
# include "kbd-version.h"
# include "kbd-enums.h"
# include "kbd-error.h"
# include "kbd-text.h"
# include "kbd-article.h"
# include "kbd-diagnostic.h"
# include "kbd-session.h"
# include "kbd-catalog.h"
# include "kbd-reference.h"
# include "kbd-index.h"
# include "kbd-export.h"
# include "kbd-history.h"
# include "kbd-history-model.h"
# include "kbd-translation.h"
#undef KBDECIDE_INSIDE
