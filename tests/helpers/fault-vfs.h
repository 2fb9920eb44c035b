/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Makes a fault-injecting VFS the process default. */
void fault_vfs_install   (void);
/* From now on, the @n-th write, truncate or sync fails (0: none). @code is
 * SQLITE_IOERR for an I/O error, SQLITE_FULL for a full disk. */
void fault_vfs_arm       (int n,
                          int code);
/* How many write-like calls there were since the last arm. */
int  fault_vfs_get_count (void);

G_END_DECLS
