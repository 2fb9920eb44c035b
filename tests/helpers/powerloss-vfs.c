/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "powerloss-vfs.h"

/* A SQLite VFS that simulates a power cut. `kill -9` leaves the kernel's
 * page cache alone, so every write() a killed process made still reaches
 * the disk; a power cut keeps only what an fsync made durable.
 *
 * Everything passes through to the default (unix) VFS. Beside it, for
 * every file SQLite keeps by name (database, rollback journal, WAL), this
 * keeps a shadow copy of the file as its last completed xSync left it,
 * and the writes and truncations made since (offset and data). An xSync
 * on any handle makes the whole file durable, whichever connection wrote
 * it: the shadow becomes the file's current content. Files are small, so
 * a whole copy at each sync is the simplest correct model.
 *
 * Names in a folder are durable only once the folder is synced, as POSIX
 * has it: the unix VFS does that the first time it syncs a journal or WAL
 * handle it opened with SQLITE_OPEN_CREATE, and when it deletes a file
 * with dirSync. So a created file that was never followed by a folder
 * sync disappears at a cut, and a deleted one (SQLite deletes the rollback
 * journal that turns a new database to WAL mode without dirSync) comes
 * back with what it durably held. What exists when the shim first sees a
 * file counts as durable, name and content.
 *
 * The cut, at the Nth xSync counted over every file (that sync does not
 * complete: neither the file nor its folder get synced) or when the test
 * asks:
 *   - each file gets its shadow back, byte for byte, and the size it had
 *     at its last sync; or is removed, or comes back, as its name's
 *     durability says;
 *   - in the torn variant, the first half of each file's last unsynced
 *     write is then put back (over the shadow, the other unsynced writes
 *     still lost): a write the cut interrupted half-way (bytes
 *     outside the write are never damaged, which is what the unix VFS
 *     promises SQLite with SQLITE_IOCAP_POWERSAFE_OVERWRITE);
 *   - the -shm file of every database is deleted: it is memory-mapped,
 *     never synced, and rebuilt from the WAL by the next connection;
 *   - from then on every call fails with an I/O error, so the process
 *     cannot change the disk any more. Handles are still closed for real
 *     (memory and descriptors are freed) and locks released, which changes
 *     nothing on disk.
 *
 * One lock serialises writes, syncs, deletions and the cut, so no write of
 * another thread lands on a file after it was restored.
 *
 * POWERLOSS_VFS_TRACE=1 prints every write, sync, deletion and cut. */

typedef struct
{
  gint64 offset;
  GBytes *data;               /* NULL: truncated to offset */
} PendingOp;

typedef struct
{
  char *path;
  char *dir;
  int type;                   /* SQLITE_OPEN_MAIN_DB, _MAIN_JOURNAL, _WAL, … */
  gboolean durable_exists;    /* its directory entry is durable */
  GByteArray *durable;        /* the content at the last completed sync */
  GArray *pending;            /* PendingOp, since then, oldest first */
  guint n_open;
} Tracked;

typedef struct
{
  sqlite3_file base;
  sqlite3_file *real;
  Tracked *tracked;           /* NULL: a temporary file, not followed */
  gboolean dir_sync_pending;  /* the unix VFS syncs the folder at its first sync */
} PowerlossFile;

#define TRACKED_TYPES (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | \
                       SQLITE_OPEN_WAL | SQLITE_OPEN_SUPER_JOURNAL)

static sqlite3_vfs powerloss_vfs;
static sqlite3_vfs *real_vfs;
static sqlite3_io_methods powerloss_methods;

static GMutex lock;
static GHashTable *files;     /* path → Tracked */
static guint sync_count;
static guint delete_count;
static guint cut_at;          /* 0: never */
static PowerlossCut cut_how;
static gint dead;             /* atomic */
static GString *cut_report;
static char *cut_file;
static gboolean trace;        /* POWERLOSS_VFS_TRACE=1: every call on stderr */

#define TRACE(...) G_STMT_START { if (trace) g_printerr ("powerloss-vfs: " __VA_ARGS__); } G_STMT_END

static const char *
file_name (gpointer file)
{
  PowerlossFile *f = file;
  const char *slash;

  if (f->tracked == NULL)
    return "(temporary)";
  slash = strrchr (f->tracked->path, '/');
  return slash != NULL ? slash + 1 : f->tracked->path;
}

static void
pending_op_clear (gpointer data)
{
  PendingOp *op = data;
  g_clear_pointer (&op->data, g_bytes_unref);
}

static void
tracked_free (gpointer data)
{
  Tracked *t = data;

  g_free (t->path);
  g_free (t->dir);
  g_byte_array_unref (t->durable);
  g_array_unref (t->pending);
  g_free (t);
}

/* Takes the file's content on disk now as durable (a completed sync);
 * FALSE when there is no such file. */
static gboolean
capture (Tracked *t)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  if (!g_file_get_contents (t->path, &contents, &length, &error))
    {
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
      return FALSE;
    }
  g_byte_array_set_size (t->durable, 0);
  g_byte_array_append (t->durable, (const guint8 *) contents, length);
  g_array_set_size (t->pending, 0);
  return TRUE;
}

/* The folder @dir was synced: which files are in it, and which are not,
 * is durable now. A file's content is durable only through its own sync. */
static void
dir_synced (const char *dir)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Tracked *t = value;

      if (!g_str_equal (t->dir, dir))
        continue;
      t->durable_exists = g_file_test (t->path, G_FILE_TEST_EXISTS);
      if (!t->durable_exists)
        {
          g_byte_array_set_size (t->durable, 0);
          g_array_set_size (t->pending, 0);
        }
    }
}

static Tracked *
track (const char *path,
       int         type)
{
  Tracked *t = g_hash_table_lookup (files, path);

  if (t != NULL)
    return t;
  t = g_new0 (Tracked, 1);
  t->path = g_strdup (path);
  t->dir = g_path_get_dirname (path);
  t->type = type;
  t->durable = g_byte_array_new ();
  t->pending = g_array_new (FALSE, TRUE, sizeof (PendingOp));
  g_array_set_clear_func (t->pending, pending_op_clear);
  /* First seen: what is there counts as durable, name and content. */
  t->durable_exists = capture (t);
  g_hash_table_insert (files, t->path, t);
  return t;
}

static void
write_all (int           fd,
           const guint8 *data,
           gsize         length,
           gint64        offset)
{
  while (length > 0)
    {
      gssize n = pwrite (fd, data, length, offset);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >, 0);
      data += n;
      length -= n;
      offset += n;
    }
}

static gint
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* With the lock held. */
static void
cut_locked (PowerlossCut  how,
            const char   *where)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_atomic_int_set (&dead, TRUE);

  if (cut_report != NULL)
    g_string_free (cut_report, TRUE);
  cut_report = g_string_new (NULL);
  g_string_append_printf (cut_report, "power cut %s (sync %u, %s)\n", where, sync_count,
                          how == POWERLOSS_CUT_TORN ? "torn" : "clean");

  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (paths, key);
  g_ptr_array_sort (paths, compare_paths);

  for (guint i = 0; i < paths->len; i++)
    {
      Tracked *t = g_hash_table_lookup (files, g_ptr_array_index (paths, i));
      g_autofree char *base = g_path_get_basename (t->path);
      gsize unsynced = 0;
      int fd;

      for (guint j = 0; j < t->pending->len; j++)
        {
          PendingOp *op = &g_array_index (t->pending, PendingOp, j);
          if (op->data != NULL)
            unsynced += g_bytes_get_size (op->data);
        }

      if (!t->durable_exists)
        {
          if (g_unlink (t->path) == 0)
            g_string_append_printf (cut_report, "  %s: its creation was never made durable, removed "
                                    "(%u writes, %" G_GSIZE_FORMAT " bytes lost)\n",
                                    base, t->pending->len, unsynced);
          else
            g_assert_cmpint (errno, ==, ENOENT);
          continue;
        }

      g_string_append_printf (cut_report, "  %s: %s %u bytes (%u writes, %" G_GSIZE_FORMAT " bytes lost)",
                              base,
                              g_file_test (t->path, G_FILE_TEST_EXISTS) ? "back to" : "deleted, not durably: back with",
                              t->durable->len, t->pending->len, unsynced);
      fd = g_open (t->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      g_assert_cmpint (fd, >=, 0);
      write_all (fd, t->durable->data, t->durable->len, 0);
      g_assert_cmpint (ftruncate (fd, t->durable->len), ==, 0);

      /* The last write, even when a truncation came after it. */
      for (guint j = t->pending->len; how == POWERLOSS_CUT_TORN && j > 0; j--)
        {
          PendingOp *last = &g_array_index (t->pending, PendingOp, j - 1);
          gsize size = 0;
          const guint8 *data;

          if (last->data == NULL)
            continue;
          data = g_bytes_get_data (last->data, &size);
          write_all (fd, data, size / 2, last->offset);
          g_string_append_printf (cut_report, ", torn: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                                  " bytes at %" G_GINT64_FORMAT " kept",
                                  size / 2, size, last->offset);
          break;
        }
      g_string_append_c (cut_report, '\n');
      close (fd);
    }

  /* The wal-index is shared memory: gone with the power. */
  for (guint i = 0; i < paths->len; i++)
    {
      Tracked *t = g_hash_table_lookup (files, g_ptr_array_index (paths, i));
      g_autofree char *shm = NULL;

      if (t->type != SQLITE_OPEN_MAIN_DB)
        continue;
      shm = g_strconcat (t->path, "-shm", NULL);
      if (g_unlink (shm) == 0)
        {
          g_autofree char *base = g_path_get_basename (shm);
          g_string_append_printf (cut_report, "  %s: deleted\n", base);
        }
    }
}

static gboolean
is_dead (void)
{
  return g_atomic_int_get (&dead);
}

static int
powerloss_close (sqlite3_file *file)
{
  PowerlossFile *f = (PowerlossFile *) file;
  int rc = SQLITE_OK;

  g_mutex_lock (&lock);
  if (f->tracked != NULL)
    f->tracked->n_open--;
  g_mutex_unlock (&lock);

  /* Closed for real either way: nothing is written, memory is freed. */
  if (f->real->pMethods != NULL)
    rc = f->real->pMethods->xClose (f->real);
  sqlite3_free (f->real);
  f->real = NULL;
  return is_dead () ? SQLITE_IOERR_CLOSE : rc;
}

static int
powerloss_read (sqlite3_file *file, void *buffer, int amount, sqlite3_int64 offset)
{
  PowerlossFile *f = (PowerlossFile *) file;

  if (is_dead ())
    return SQLITE_IOERR_READ;
  return f->real->pMethods->xRead (f->real, buffer, amount, offset);
}

static int
powerloss_write (sqlite3_file *file, const void *buffer, int amount, sqlite3_int64 offset)
{
  PowerlossFile *f = (PowerlossFile *) file;
  int rc;

  g_mutex_lock (&lock);
  if (is_dead ())
    rc = SQLITE_IOERR_WRITE;
  else
    {
      rc = f->real->pMethods->xWrite (f->real, buffer, amount, offset);
      TRACE ("write %s %d bytes at %lld: %d\n", file_name (f), amount, (long long) offset, rc);
      if (rc == SQLITE_OK && f->tracked != NULL)
        {
          PendingOp op = { offset, g_bytes_new (buffer, amount) };
          g_array_append_val (f->tracked->pending, op);
        }
    }
  g_mutex_unlock (&lock);
  return rc;
}

static int
powerloss_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  PowerlossFile *f = (PowerlossFile *) file;
  int rc;

  g_mutex_lock (&lock);
  if (is_dead ())
    rc = SQLITE_IOERR_TRUNCATE;
  else
    {
      rc = f->real->pMethods->xTruncate (f->real, size);
      TRACE ("truncate %s to %lld: %d\n", file_name (f), (long long) size, rc);
      if (rc == SQLITE_OK && f->tracked != NULL)
        {
          PendingOp op = { size, NULL };
          g_array_append_val (f->tracked->pending, op);
        }
    }
  g_mutex_unlock (&lock);
  return rc;
}

static int
powerloss_sync (sqlite3_file *file, int flags)
{
  PowerlossFile *f = (PowerlossFile *) file;
  int rc;

  g_mutex_lock (&lock);
  if (is_dead ())
    rc = SQLITE_IOERR_FSYNC;
  else if (++sync_count == cut_at)
    {
      g_autofree char *base = f->tracked != NULL ? g_path_get_basename (f->tracked->path) : g_strdup ("a temporary file");
      g_autofree char *where = g_strdup_printf ("while syncing %s", base);

      cut_locked (cut_how, where);
      g_free (cut_file);
      cut_file = g_steal_pointer (&base);
      TRACE ("%s", cut_report->str);
      rc = SQLITE_IOERR_FSYNC;
    }
  else
    {
      rc = f->real->pMethods->xSync (f->real, flags);
      TRACE ("sync %u: %s (flags %#x%s): %d\n", sync_count, file_name (f), flags,
             f->dir_sync_pending ? ", and its folder" : "", rc);
      if (rc == SQLITE_OK && f->tracked != NULL)
        {
          capture (f->tracked);
          /* The unix VFS syncs the file, then, the first time, its folder. */
          if (f->dir_sync_pending)
            dir_synced (f->tracked->dir);
          f->dir_sync_pending = FALSE;
        }
    }
  g_mutex_unlock (&lock);
  return rc;
}

static int
powerloss_file_size (sqlite3_file *file, sqlite3_int64 *size)
{
  PowerlossFile *f = (PowerlossFile *) file;

  if (is_dead ())
    return SQLITE_IOERR_FSTAT;
  return f->real->pMethods->xFileSize (f->real, size);
}

static int
powerloss_lock (sqlite3_file *file, int level)
{
  PowerlossFile *f = (PowerlossFile *) file;

  if (is_dead ())
    return SQLITE_IOERR_LOCK;
  return f->real->pMethods->xLock (f->real, level);
}

/* Releasing a lock writes nothing: allowed after the cut, so the
 * process's lock bookkeeping stays sane until its handles are closed. */
static int
powerloss_unlock (sqlite3_file *file, int level)
{
  PowerlossFile *f = (PowerlossFile *) file;
  return f->real->pMethods->xUnlock (f->real, level);
}

static int
powerloss_check_reserved_lock (sqlite3_file *file, int *out)
{
  PowerlossFile *f = (PowerlossFile *) file;

  if (is_dead ())
    return SQLITE_IOERR_CHECKRESERVEDLOCK;
  return f->real->pMethods->xCheckReservedLock (f->real, out);
}

static int
powerloss_file_control (sqlite3_file *file, int op, void *arg)
{
  PowerlossFile *f = (PowerlossFile *) file;

  if (is_dead ())
    return SQLITE_IOERR;
  return f->real->pMethods->xFileControl (f->real, op, arg);
}

static int
powerloss_sector_size (sqlite3_file *file)
{
  PowerlossFile *f = (PowerlossFile *) file;
  return f->real->pMethods->xSectorSize (f->real);
}

static int
powerloss_device_characteristics (sqlite3_file *file)
{
  PowerlossFile *f = (PowerlossFile *) file;
  return f->real->pMethods->xDeviceCharacteristics (f->real);
}

static int
powerloss_shm_map (sqlite3_file *file, int region, int size, int extend, void volatile **out)
{
  PowerlossFile *f = (PowerlossFile *) file;

  if (is_dead ())
    {
      *out = NULL;
      return SQLITE_IOERR_SHMMAP;
    }
  return f->real->pMethods->xShmMap (f->real, region, size, extend, out);
}

static int
powerloss_shm_lock (sqlite3_file *file, int offset, int n, int flags)
{
  PowerlossFile *f = (PowerlossFile *) file;

  if (is_dead () && (flags & SQLITE_SHM_LOCK))
    return SQLITE_IOERR_SHMLOCK;
  return f->real->pMethods->xShmLock (f->real, offset, n, flags);
}

static void
powerloss_shm_barrier (sqlite3_file *file)
{
  PowerlossFile *f = (PowerlossFile *) file;
  f->real->pMethods->xShmBarrier (f->real);
}

/* Unmapped for real (memory is freed), but after the cut the -shm file
 * is never deleted here: it is gone already. */
static int
powerloss_shm_unmap (sqlite3_file *file, int delete_flag)
{
  PowerlossFile *f = (PowerlossFile *) file;
  gboolean was_dead = is_dead ();
  int rc = f->real->pMethods->xShmUnmap (f->real, was_dead ? 0 : delete_flag);

  return was_dead ? SQLITE_IOERR_SHMMAP : rc;
}

static int
powerloss_fetch (sqlite3_file *file, sqlite3_int64 offset, int amount, void **out)
{
  PowerlossFile *f = (PowerlossFile *) file;

  if (is_dead ())
    {
      *out = NULL;
      return SQLITE_IOERR_MMAP;
    }
  return f->real->pMethods->xFetch (f->real, offset, amount, out);
}

static int
powerloss_unfetch (sqlite3_file *file, sqlite3_int64 offset, void *page)
{
  PowerlossFile *f = (PowerlossFile *) file;
  return f->real->pMethods->xUnfetch (f->real, offset, page);
}

static int
powerloss_open (sqlite3_vfs  *vfs,
                const char   *name,
                sqlite3_file *file,
                int           flags,
                int          *out_flags)
{
  PowerlossFile *f = (PowerlossFile *) file;
  int rc;

  memset (f, 0, sizeof *f);
  if (is_dead ())
    return SQLITE_IOERR;

  f->real = sqlite3_malloc (real_vfs->szOsFile);
  if (f->real == NULL)
    return SQLITE_NOMEM;
  memset (f->real, 0, real_vfs->szOsFile);

  g_mutex_lock (&lock);
  if (name != NULL && (flags & TRACKED_TYPES) != 0 && (flags & SQLITE_OPEN_DELETEONCLOSE) == 0)
    f->tracked = track (name, flags & TRACKED_TYPES);
  rc = real_vfs->xOpen (real_vfs, name, f->real, flags, out_flags);
  if (rc == SQLITE_OK && f->tracked != NULL)
    {
      f->tracked->n_open++;
      /* As the unix VFS decides it (isNewJrnl in unixOpen). */
      f->dir_sync_pending = (flags & SQLITE_OPEN_CREATE) != 0 &&
                            (flags & (SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_SUPER_JOURNAL | SQLITE_OPEN_WAL)) != 0;
    }
  TRACE ("open %s (flags %#x): %d\n", name != NULL ? name : "(temporary)", flags, rc);
  g_mutex_unlock (&lock);

  if (rc != SQLITE_OK)
    {
      sqlite3_free (f->real);
      f->real = NULL;
      f->tracked = NULL;
      return rc;
    }

  f->base.pMethods = &powerloss_methods;
  return SQLITE_OK;
}

static int
powerloss_delete (sqlite3_vfs *v,
                  const char  *name,
                  int          dir_sync)
{
  Tracked *t;
  int rc;

  g_mutex_lock (&lock);
  if (is_dead ())
    rc = SQLITE_IOERR_DELETE;
  else
    {
      delete_count++;
      rc = real_vfs->xDelete (real_vfs, name, dir_sync);
      TRACE ("delete %s (dir sync %d): %d\n", name, dir_sync, rc);
      t = g_hash_table_lookup (files, name);
      if (rc == SQLITE_OK && t != NULL)
        {
          /* What was written to it is gone; what it durably held comes
           * back at a cut unless the folder is synced first. */
          g_array_set_size (t->pending, 0);
        }
      if (rc == SQLITE_OK && dir_sync)
        {
          g_autofree char *dir = g_path_get_dirname (name);
          dir_synced (dir);
        }
    }
  g_mutex_unlock (&lock);
  return rc;
}

static int
powerloss_access (sqlite3_vfs *v,
                  const char  *name,
                  int          flags,
                  int         *out)
{
  if (is_dead ())
    return SQLITE_IOERR_ACCESS;
  return real_vfs->xAccess (real_vfs, name, flags, out);
}

#define FORWARD(name, ...) real_vfs->name (real_vfs, __VA_ARGS__)

static int powerloss_full_pathname (sqlite3_vfs *v, const char *n, int size, char *o) { return FORWARD (xFullPathname, n, size, o); }
static void *powerloss_dl_open (sqlite3_vfs *v, const char *n) { return FORWARD (xDlOpen, n); }
static void powerloss_dl_error (sqlite3_vfs *v, int n, char *o) { FORWARD (xDlError, n, o); }
static void (*powerloss_dl_sym (sqlite3_vfs *v, void *h, const char *s)) (void) { return FORWARD (xDlSym, h, s); }
static void powerloss_dl_close (sqlite3_vfs *v, void *h) { FORWARD (xDlClose, h); }
static int powerloss_randomness (sqlite3_vfs *v, int n, char *o) { return FORWARD (xRandomness, n, o); }
static int powerloss_sleep (sqlite3_vfs *v, int us) { return FORWARD (xSleep, us); }
static int powerloss_current_time (sqlite3_vfs *v, double *o) { return FORWARD (xCurrentTime, o); }
static int powerloss_get_last_error (sqlite3_vfs *v, int n, char *o) { return FORWARD (xGetLastError, n, o); }
static int powerloss_current_time_int64 (sqlite3_vfs *v, sqlite3_int64 *o) { return FORWARD (xCurrentTimeInt64, o); }

void
powerloss_vfs_install (void)
{
  if (real_vfs != NULL)
    return;

  real_vfs = sqlite3_vfs_find (NULL);
  trace = g_strcmp0 (g_getenv ("POWERLOSS_VFS_TRACE"), "1") == 0;
  files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, tracked_free);

  powerloss_methods.iVersion = 3;
  powerloss_methods.xClose = powerloss_close;
  powerloss_methods.xRead = powerloss_read;
  powerloss_methods.xWrite = powerloss_write;
  powerloss_methods.xTruncate = powerloss_truncate;
  powerloss_methods.xSync = powerloss_sync;
  powerloss_methods.xFileSize = powerloss_file_size;
  powerloss_methods.xLock = powerloss_lock;
  powerloss_methods.xUnlock = powerloss_unlock;
  powerloss_methods.xCheckReservedLock = powerloss_check_reserved_lock;
  powerloss_methods.xFileControl = powerloss_file_control;
  powerloss_methods.xSectorSize = powerloss_sector_size;
  powerloss_methods.xDeviceCharacteristics = powerloss_device_characteristics;
  powerloss_methods.xShmMap = powerloss_shm_map;
  powerloss_methods.xShmLock = powerloss_shm_lock;
  powerloss_methods.xShmBarrier = powerloss_shm_barrier;
  powerloss_methods.xShmUnmap = powerloss_shm_unmap;
  powerloss_methods.xFetch = powerloss_fetch;
  powerloss_methods.xUnfetch = powerloss_unfetch;

  powerloss_vfs.iVersion = 2;
  powerloss_vfs.szOsFile = sizeof (PowerlossFile);
  powerloss_vfs.mxPathname = real_vfs->mxPathname;
  powerloss_vfs.zName = "kbd-powerloss";
  powerloss_vfs.xOpen = powerloss_open;
  powerloss_vfs.xDelete = powerloss_delete;
  powerloss_vfs.xAccess = powerloss_access;
  powerloss_vfs.xFullPathname = powerloss_full_pathname;
  powerloss_vfs.xDlOpen = powerloss_dl_open;
  powerloss_vfs.xDlError = powerloss_dl_error;
  powerloss_vfs.xDlSym = powerloss_dl_sym;
  powerloss_vfs.xDlClose = powerloss_dl_close;
  powerloss_vfs.xRandomness = powerloss_randomness;
  powerloss_vfs.xSleep = powerloss_sleep;
  powerloss_vfs.xCurrentTime = powerloss_current_time;
  powerloss_vfs.xGetLastError = powerloss_get_last_error;
  powerloss_vfs.xCurrentTimeInt64 = powerloss_current_time_int64;

  /* The default for every connection of this process. */
  sqlite3_vfs_register (&powerloss_vfs, 1);
}

void
powerloss_vfs_reset (void)
{
  GHashTableIter iter;
  gpointer value;

  g_assert_nonnull (real_vfs);

  g_mutex_lock (&lock);
  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Tracked *t = value;
      if (t->n_open != 0)
        g_error ("powerloss_vfs_reset: %s is still open %u times", t->path, t->n_open);
    }
  g_hash_table_remove_all (files);
  sync_count = 0;
  delete_count = 0;
  cut_at = 0;
  cut_how = POWERLOSS_CUT_CLEAN;
  if (cut_report != NULL)
    g_string_free (g_steal_pointer (&cut_report), TRUE);
  g_clear_pointer (&cut_file, g_free);
  g_atomic_int_set (&dead, FALSE);
  g_mutex_unlock (&lock);
}

void
powerloss_vfs_arm (guint        sync,
                   PowerlossCut how)
{
  g_mutex_lock (&lock);
  cut_at = sync == 0 ? 0 : sync_count + sync;
  cut_how = how;
  g_mutex_unlock (&lock);
}

void
powerloss_vfs_cut_now (PowerlossCut how)
{
  g_mutex_lock (&lock);
  if (!is_dead ())
    cut_locked (how, "on request");
  g_mutex_unlock (&lock);
}

gboolean
powerloss_vfs_is_cut (void)
{
  return is_dead ();
}

guint
powerloss_vfs_get_sync_count (void)
{
  guint n;

  g_mutex_lock (&lock);
  n = sync_count;
  g_mutex_unlock (&lock);
  return n;
}

guint
powerloss_vfs_get_delete_count (void)
{
  guint n;

  g_mutex_lock (&lock);
  n = delete_count;
  g_mutex_unlock (&lock);
  return n;
}

const char *
powerloss_vfs_get_cut_file (void)
{
  return cut_file;
}

const char *
powerloss_vfs_get_cut_report (void)
{
  return cut_report != NULL ? cut_report->str : NULL;
}
