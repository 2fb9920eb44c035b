/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "fault-vfs.h"

/* A SQLite VFS that forwards everything to the default one and fails the
 * Nth write-like call (xWrite, xTruncate, xSync) with an I/O error. */

typedef struct
{
  sqlite3_file base;
  sqlite3_file *real;
} FaultFile;

static sqlite3_vfs fault_vfs;
static sqlite3_vfs *real_vfs;
static sqlite3_io_methods fault_methods;
static gint fault_at = 0;     /* 0: never */
static gint fault_count = 0;
static gint fault_code = SQLITE_IOERR_WRITE;

static gboolean
should_fail (void)
{
  gint n = g_atomic_int_add (&fault_count, 1) + 1;
  return fault_at > 0 && n == g_atomic_int_get (&fault_at);
}

/* A full disk shows on writes only; syncs and truncations fail only in
 * I/O error mode. */
static gboolean
should_fail_other (void)
{
  if (g_atomic_int_get (&fault_code) == SQLITE_FULL)
    return FALSE;
  return should_fail ();
}

static int
fault_close (sqlite3_file *file)
{
  FaultFile *f = (FaultFile *) file;
  int rc = f->real->pMethods ? f->real->pMethods->xClose (f->real) : SQLITE_OK;

  sqlite3_free (f->real);
  return rc;
}

static int
fault_read (sqlite3_file *file, void *buffer, int amount, sqlite3_int64 offset)
{
  FaultFile *f = (FaultFile *) file;
  return f->real->pMethods->xRead (f->real, buffer, amount, offset);
}

static int
fault_write (sqlite3_file *file, const void *buffer, int amount, sqlite3_int64 offset)
{
  FaultFile *f = (FaultFile *) file;

  if (should_fail ())
    return fault_code == SQLITE_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
  return f->real->pMethods->xWrite (f->real, buffer, amount, offset);
}

static int
fault_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  FaultFile *f = (FaultFile *) file;

  if (should_fail_other ())
    return SQLITE_IOERR_TRUNCATE;
  return f->real->pMethods->xTruncate (f->real, size);
}

static int
fault_sync (sqlite3_file *file, int flags)
{
  FaultFile *f = (FaultFile *) file;

  if (should_fail_other ())
    return SQLITE_IOERR_FSYNC;
  return f->real->pMethods->xSync (f->real, flags);
}

static int
fault_file_size (sqlite3_file *file, sqlite3_int64 *size)
{
  FaultFile *f = (FaultFile *) file;
  return f->real->pMethods->xFileSize (f->real, size);
}

static int
fault_lock (sqlite3_file *file, int level)
{
  FaultFile *f = (FaultFile *) file;
  return f->real->pMethods->xLock (f->real, level);
}

static int
fault_unlock (sqlite3_file *file, int level)
{
  FaultFile *f = (FaultFile *) file;
  return f->real->pMethods->xUnlock (f->real, level);
}

static int
fault_check_reserved_lock (sqlite3_file *file, int *out)
{
  FaultFile *f = (FaultFile *) file;
  return f->real->pMethods->xCheckReservedLock (f->real, out);
}

static int
fault_file_control (sqlite3_file *file, int op, void *arg)
{
  FaultFile *f = (FaultFile *) file;
  return f->real->pMethods->xFileControl (f->real, op, arg);
}

static int
fault_sector_size (sqlite3_file *file)
{
  FaultFile *f = (FaultFile *) file;
  return f->real->pMethods->xSectorSize (f->real);
}

static int
fault_device_characteristics (sqlite3_file *file)
{
  FaultFile *f = (FaultFile *) file;
  return f->real->pMethods->xDeviceCharacteristics (f->real);
}

static int
fault_shm_map (sqlite3_file *file, int region, int size, int extend, void volatile **out)
{
  FaultFile *f = (FaultFile *) file;
  return f->real->pMethods->xShmMap (f->real, region, size, extend, out);
}

static int
fault_shm_lock (sqlite3_file *file, int offset, int n, int flags)
{
  FaultFile *f = (FaultFile *) file;
  return f->real->pMethods->xShmLock (f->real, offset, n, flags);
}

static void
fault_shm_barrier (sqlite3_file *file)
{
  FaultFile *f = (FaultFile *) file;
  f->real->pMethods->xShmBarrier (f->real);
}

static int
fault_shm_unmap (sqlite3_file *file, int delete_flag)
{
  FaultFile *f = (FaultFile *) file;
  return f->real->pMethods->xShmUnmap (f->real, delete_flag);
}

static int
fault_fetch (sqlite3_file *file, sqlite3_int64 offset, int amount, void **out)
{
  FaultFile *f = (FaultFile *) file;
  return f->real->pMethods->xFetch (f->real, offset, amount, out);
}

static int
fault_unfetch (sqlite3_file *file, sqlite3_int64 offset, void *page)
{
  FaultFile *f = (FaultFile *) file;
  return f->real->pMethods->xUnfetch (f->real, offset, page);
}

static int
fault_open (sqlite3_vfs  *vfs,
            const char   *name,
            sqlite3_file *file,
            int           flags,
            int          *out_flags)
{
  FaultFile *f = (FaultFile *) file;
  int rc;

  memset (f, 0, sizeof *f);
  f->real = sqlite3_malloc (real_vfs->szOsFile);
  if (f->real == NULL)
    return SQLITE_NOMEM;
  memset (f->real, 0, real_vfs->szOsFile);

  rc = real_vfs->xOpen (real_vfs, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK)
    {
      sqlite3_free (f->real);
      f->real = NULL;
      return rc;
    }

  f->base.pMethods = &fault_methods;
  return SQLITE_OK;
}

#define FORWARD(name, ...) real_vfs->name (real_vfs, __VA_ARGS__)

static int fault_delete (sqlite3_vfs *v, const char *n, int s) { return FORWARD (xDelete, n, s); }
static int fault_access (sqlite3_vfs *v, const char *n, int f, int *o) { return FORWARD (xAccess, n, f, o); }
static int fault_full_pathname (sqlite3_vfs *v, const char *n, int size, char *o) { return FORWARD (xFullPathname, n, size, o); }
static void *fault_dl_open (sqlite3_vfs *v, const char *n) { return FORWARD (xDlOpen, n); }
static void fault_dl_error (sqlite3_vfs *v, int n, char *o) { FORWARD (xDlError, n, o); }
static void (*fault_dl_sym (sqlite3_vfs *v, void *h, const char *s)) (void) { return FORWARD (xDlSym, h, s); }
static void fault_dl_close (sqlite3_vfs *v, void *h) { FORWARD (xDlClose, h); }
static int fault_randomness (sqlite3_vfs *v, int n, char *o) { return FORWARD (xRandomness, n, o); }
static int fault_sleep (sqlite3_vfs *v, int us) { return FORWARD (xSleep, us); }
static int fault_current_time (sqlite3_vfs *v, double *o) { return FORWARD (xCurrentTime, o); }
static int fault_get_last_error (sqlite3_vfs *v, int n, char *o) { return FORWARD (xGetLastError, n, o); }
static int fault_current_time_int64 (sqlite3_vfs *v, sqlite3_int64 *o) { return FORWARD (xCurrentTimeInt64, o); }

void
fault_vfs_install (void)
{
  if (real_vfs != NULL)
    return;

  real_vfs = sqlite3_vfs_find (NULL);

  fault_methods.iVersion = 3;
  fault_methods.xClose = fault_close;
  fault_methods.xRead = fault_read;
  fault_methods.xWrite = fault_write;
  fault_methods.xTruncate = fault_truncate;
  fault_methods.xSync = fault_sync;
  fault_methods.xFileSize = fault_file_size;
  fault_methods.xLock = fault_lock;
  fault_methods.xUnlock = fault_unlock;
  fault_methods.xCheckReservedLock = fault_check_reserved_lock;
  fault_methods.xFileControl = fault_file_control;
  fault_methods.xSectorSize = fault_sector_size;
  fault_methods.xDeviceCharacteristics = fault_device_characteristics;
  fault_methods.xShmMap = fault_shm_map;
  fault_methods.xShmLock = fault_shm_lock;
  fault_methods.xShmBarrier = fault_shm_barrier;
  fault_methods.xShmUnmap = fault_shm_unmap;
  fault_methods.xFetch = fault_fetch;
  fault_methods.xUnfetch = fault_unfetch;

  fault_vfs.iVersion = 2;
  fault_vfs.szOsFile = sizeof (FaultFile);
  fault_vfs.mxPathname = real_vfs->mxPathname;
  fault_vfs.zName = "kbd-fault";
  fault_vfs.xOpen = fault_open;
  fault_vfs.xDelete = fault_delete;
  fault_vfs.xAccess = fault_access;
  fault_vfs.xFullPathname = fault_full_pathname;
  fault_vfs.xDlOpen = fault_dl_open;
  fault_vfs.xDlError = fault_dl_error;
  fault_vfs.xDlSym = fault_dl_sym;
  fault_vfs.xDlClose = fault_dl_close;
  fault_vfs.xRandomness = fault_randomness;
  fault_vfs.xSleep = fault_sleep;
  fault_vfs.xCurrentTime = fault_current_time;
  fault_vfs.xGetLastError = fault_get_last_error;
  fault_vfs.xCurrentTimeInt64 = fault_current_time_int64;

  /* The default for every connection of this process. */
  sqlite3_vfs_register (&fault_vfs, 1);
}

void
fault_vfs_arm (int n,
               int code)
{
  g_atomic_int_set (&fault_count, 0);
  g_atomic_int_set (&fault_code, code);
  g_atomic_int_set (&fault_at, n);
}

int
fault_vfs_get_count (void)
{
  return g_atomic_int_get (&fault_count);
}
