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
/* A field of /proc/self/status in KiB: "VmHWM" (the peak resident memory
 * so far) or "VmRSS" (now); -1 when it cannot be read. */
gint64 read_status_kib    (const char *field);
/* Runs this benchmark's own program with @args (a mode and its
 * arguments) and returns what it printed; the child's peak memory is its
 * own. Fails the benchmark when the child fails. */
char  *run_self           (const char *const *args);
/* The contents of a file the benchmark wrote or needs; fails the
 * benchmark when it cannot be read. */
GBytes *read_file_bytes   (const char *path);
/* Removes an SQLite database and its -wal and -shm files. */
void   remove_database    (const char *path);

G_END_DECLS
