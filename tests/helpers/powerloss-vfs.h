/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* A test-only SQLite VFS that simulates a power cut; see powerloss-vfs.c
 * for the durability model. */

typedef enum
{
  /* Every write made since a file's last completed sync is lost. */
  POWERLOSS_CUT_CLEAN,
  /* As CLEAN, but the first half of each file's last unsynced write
   * reached the disk: a write torn by the cut. */
  POWERLOSS_CUT_TORN,
} PowerlossCut;

/* Makes the power-loss VFS the process default (once). */
void         powerloss_vfs_install         (void);
/* Power on: forgets every file seen so far (what is on disk now counts as
 * durable), disarms, and zeroes the counters. No file may be open. */
void         powerloss_vfs_reset           (void);
/* Cuts the power at the @sync-th xSync call from now on, counted across
 * every file (0: never). That sync does not complete. */
void         powerloss_vfs_arm             (guint        sync,
                                            PowerlossCut how);
/* Cuts the power now. */
void         powerloss_vfs_cut_now         (PowerlossCut how);
/* Whether the power is off: every VFS call fails with SQLITE_IOERR. */
gboolean     powerloss_vfs_is_cut          (void);
/* How many xSync calls there were since the last reset (the cut one
 * included). */
guint        powerloss_vfs_get_sync_count  (void);
/* How many xDelete calls there were since the last reset. */
guint        powerloss_vfs_get_delete_count (void);
/* The file whose sync the cut interrupted (its base name); NULL before
 * a cut or when the test cut. */
const char  *powerloss_vfs_get_cut_file    (void);
/* What the cut did, one line per file; NULL before a cut. */
const char  *powerloss_vfs_get_cut_report  (void);

G_END_DECLS
