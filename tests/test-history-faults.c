/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kbdecide.h"
#include "helpers/fault-vfs.h"

/* I/O fault sweep: the Nth write-like call fails, N = 1 … until one run
 * needs fewer calls than N. Each time the API reports the error, the
 * database holds a prefix of the session's events (never a torn or
 * duplicated one), and a retry converges to exactly one copy. */

static char *
path_in (const char *dir,
         const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static void
remove_db (const char *db)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);
      g_unlink (path);
    }
}

static gint64
stored_count (KbdHistory *history,
              KbdSession *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdSessionRecord) record = kbd_history_get_session (history, kbd_session_get_uuid (session), &error);

  if (record == NULL)
    {
      g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
      return -1;
    }
  return kbd_session_record_get_n_events (record);
}

/* The writer thread may retry in the background while this reads: a read
 * counts as consistent when the session's row is the same before and
 * after its events are read. */
static void
assert_prefix (KbdHistory *history,
               KbdSession *session,
               gboolean    complete)
{
  g_autoptr(GPtrArray) live = kbd_session_get_events (session);

  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(GError) error = NULL;
      gint64 before = stored_count (history, session);
      g_autoptr(GPtrArray) stored = kbd_history_get_events (history, kbd_session_get_uuid (session), &error);
      gint64 after = stored_count (history, session);

      g_assert_cmpuint (attempt, <, 100);
      if (before != after)
        continue;

      if (stored == NULL)
        {
          g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
          g_assert_false (complete);
          g_assert_cmpint (after, ==, -1);
          return;
        }

      g_assert_cmpuint (stored->len, <=, live->len);
      if (complete)
        g_assert_cmpuint (stored->len, ==, live->len);
      for (guint i = 0; i < stored->len; i++)
        g_assert_cmpstr (kbd_event_get_uuid (g_ptr_array_index (stored, i)), ==,
                         kbd_event_get_uuid (g_ptr_array_index (live, i)));
      g_assert_cmpint (after, ==, stored->len);
      return;
    }
}

typedef struct
{
  guint n;
  GError *error;
} Reported;

static void
write_failed_cb (KbdHistory   *history,
                 const GError *error,
                 Reported     *reported)
{
  reported->n++;
  g_clear_error (&reported->error);
  reported->error = g_error_copy (error);
}

static void
sweep (int code)
{
  Reported reported = { 0, NULL };
  g_autofree char *dir = g_dir_make_tmp ("kbd-faults-XXXXXX", NULL);
  g_autofree char *db = path_in (dir, "history.db");
  g_autofree char *article_path = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
  g_autoptr(KbdArticle) article = kbd_article_new_from_file (article_path, KBD_LOAD_FLAGS_NONE, NULL);
  guint n_failed = 0;
  int n;

  fault_vfs_install ();

  for (n = 1; n < 500; n++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KbdHistory) history = NULL;
      g_autoptr(KbdSession) earlier = NULL;
      g_autoptr(KbdSession) session = NULL;
      gboolean fired;

      remove_db (db);
      fault_vfs_arm (0, code);
      history = kbd_history_new (db, &error);
      g_assert_no_error (error);

      /* Something already recorded, which must survive. */
      earlier = kbd_session_new (article, "Ada", "before");
      kbd_history_attach (history, earlier);
      g_assert_true (kbd_history_flush (history, &error));

      session = kbd_session_new (article, "Ada", "during");
      g_assert_true (kbd_session_choose (session, "yes", NULL));
      g_assert_true (kbd_session_add_note (session, "written while the disk fails", NULL));
      g_assert_true (kbd_session_choose (session, "cluster", NULL));

      g_signal_connect (history, "write-failed", G_CALLBACK (write_failed_cb), &reported);
      fault_vfs_arm (n, code);
      kbd_history_attach (history, session);
      if (!kbd_history_flush (history, &error))
        {
          g_assert_error (error, KBD_ERROR, (code == SQLITE_FULL ? KBD_ERROR_DISK_FULL : KBD_ERROR_IO));
          g_clear_error (&error);
        }
      fired = fault_vfs_get_count () >= n;
      fault_vfs_arm (0, code);
      /* Every failure is reported to the application, even one whose retry
       * succeeded before flush looked. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (reported.n > 0)
        {
          g_assert_error (reported.error, KBD_ERROR, (code == SQLITE_FULL ? KBD_ERROR_DISK_FULL : KBD_ERROR_IO));
          n_failed++;
        }
      g_clear_error (&reported.error);
      reported.n = 0;

      /* Whatever happened, the database holds a prefix, and the earlier
       * session whole. */
      assert_prefix (history, earlier, TRUE);
      assert_prefix (history, session, FALSE);

      /* The retry converges to exactly one copy. */
      g_assert_true (kbd_history_flush (history, &error));
      g_assert_no_error (error);
      assert_prefix (history, session, TRUE);
      g_assert_cmpint (kbd_history_count_sessions (history, NULL, NULL), ==, 2);

      if (!fired)
        break;
    }

  g_test_message ("%d fault positions, %u reported to the caller", n - 1, n_failed);
  g_assert_cmpint (n, >, 3);
  g_assert_cmpint (n, <, 500);
  g_assert_cmpuint (n_failed, >, 0);

  remove_db (db);
  g_rmdir (dir);
}

static void
test_io_error_sweep (void)
{
  sweep (SQLITE_IOERR);
}

static void
test_disk_full_sweep (void)
{
  sweep (SQLITE_FULL);
}

/* Creating the schema is a migration from version 0; a failure at any
 * write of it leaves a database that the next start completes, never a
 * half-made schema and never one mistaken for a damaged file. */
static void
test_interrupted_migration (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kbd-migrate-XXXXXX", NULL);
  g_autofree char *db = path_in (dir, "history.db");
  g_autofree char *article_path = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
  g_autoptr(KbdArticle) article = kbd_article_new_from_file (article_path, KBD_LOAD_FLAGS_NONE, NULL);
  guint n_failed = 0;
  int n;

  fault_vfs_install ();

  for (n = 1; n < 500; n++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KbdHistory) history = NULL;
      g_autoptr(KbdHistory) again = NULL;
      g_autoptr(KbdSession) session = NULL;
      gboolean fired;

      remove_db (db);
      fault_vfs_arm (n, SQLITE_IOERR);
      history = kbd_history_new (db, &error);
      fired = fault_vfs_get_count () >= n;
      fault_vfs_arm (0, SQLITE_IOERR);
      if (history == NULL)
        {
          g_assert_nonnull (error);
          n_failed++;
        }
      g_clear_object (&history);
      g_clear_error (&error);

      again = kbd_history_new (db, &error);
      g_assert_no_error (error);
      g_assert_null (kbd_history_get_notice (again));
      session = kbd_session_new (article, NULL, NULL);
      kbd_history_attach (again, session);
      g_assert_true (kbd_history_flush (again, &error));
      g_assert_cmpint (kbd_history_count_sessions (again, NULL, &error), ==, 1);

      if (!fired)
        break;
    }

  g_test_message ("%d fault positions while creating the schema, %u failed opens", n - 1, n_failed);
  g_assert_cmpuint (n_failed, >, 0);
  remove_db (db);
  g_rmdir (dir);
}

/* A real full disk: a size-limited tmpfs mounted in a private mount
 * namespace (as root, or in a user namespace where the kernel allows
 * one), with the scenario run by a helper inside it. */
static void
test_disk_full_real_filesystem (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kbd-full-XXXXXX", NULL);
  g_autofree char *article_path = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "history-diskfull", NULL);
  g_autofree char *unshare = g_find_program_in_path ("unshare");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *argv = g_ptr_array_new ();
  int status;

  if (unshare == NULL)
    {
      g_test_skip ("unshare(1) is not installed");
      g_rmdir (dir);
      g_ptr_array_unref (argv);
      return;
    }

  g_ptr_array_add (argv, unshare);
  g_ptr_array_add (argv, (char *) "--mount");
  if (getuid () != 0)
    g_ptr_array_add (argv, (char *) "--map-root-user");
  g_ptr_array_add (argv, (char *) "/bin/sh");
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) "mount -t tmpfs -o size=768k,mode=0700 kbd-full \"$0\" || exit 77; exec \"$1\" \"$0\" \"$2\"");
  g_ptr_array_add (argv, dir);
  g_ptr_array_add (argv, helper);
  g_ptr_array_add (argv, article_path);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_ptr_array_unref (argv);
  g_assert_no_error (error);
  g_rmdir (dir);

  /* unshare itself fails when namespaces are not allowed here. */
  if (WIFEXITED (status) && (WEXITSTATUS (status) == 77 || (WEXITSTATUS (status) == 1 && strstr (err, "unshare") != NULL)))
    {
      g_autofree char *reason = g_strdup_printf ("no size-limited filesystem can be mounted here: %s", g_strstrip (err));
      g_test_skip (reason);
      return;
    }
  g_test_message ("%s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, "filled\nerror: "));
  g_assert_nonnull (strstr (out, "the disk is full"));
  g_assert_nonnull (strstr (out, "readable\nsecond reader\nrecovered "));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Kbd/History/io-error-sweep-converges", test_io_error_sweep);
  g_test_add_func ("/Kbd/History/disk-full-sweep-converges", test_disk_full_sweep);
  g_test_add_func ("/Kbd/History/disk-full-real-filesystem", test_disk_full_real_filesystem);
  g_test_add_func ("/Kbd/History/interrupted-migration-completes-next-time", test_interrupted_migration);

  return g_test_run ();
}
