/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

double percentile         (GArray    *samples,
                           double     p);
double now_ms             (void);
/* Appends the ten writes of synthetic session number @session (sessions
 * numbered from 0 start a minute apart, the last one now). */
void   add_session_writes (GPtrArray *writes,
                           GRand     *rand,
                           guint      session);

G_END_DECLS
