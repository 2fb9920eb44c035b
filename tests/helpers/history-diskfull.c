/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kbdecide.h"

/* Runs a history on a small filesystem of its own (the test mounts a
 * size-limited tmpfs on DIR in a private mount namespace) until the disk
 * is really full, then checks what the history promises: a clear "disk
 * full" error naming the file, the session kept in memory, reading still
 * possible (from the same history and from a second one opened while the
 * disk is full), and every queued event written exactly once when space
 * returns. Prints one line per fact; exits non-zero on the first broken
 * promise. */

#define CHECK(cond, ...) \
  G_STMT_START { \
    if (!(cond)) \
      { \
        fprintf (stderr, "history-diskfull: " __VA_ARGS__); \
        fputc ('\n', stderr); \
        exit (1); \
      } \
  } G_STMT_END

/* Fills the filesystem with one file until write() says ENOSPC. */
static void
fill_disk (const char *filler)
{
  char block[4096];
  int fd = g_open (filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  CHECK (fd >= 0, "cannot create %s: %s", filler, g_strerror (errno));
  memset (block, 'f', sizeof block);
  for (;;)
    {
      ssize_t n = write (fd, block, sizeof block);

      if (n < 0)
        {
          CHECK (errno == ENOSPC, "filling the disk: %s", g_strerror (errno));
          break;
        }
      if (n == 0)
        break;
    }
  /* Whatever fragment of a block still fits. */
  while (write (fd, block, 1) == 1)
    ;
  close (fd);
}

static guint
stored_events (KbdHistory *history,
               KbdSession *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = kbd_history_get_events (history, kbd_session_get_uuid (session), &error);

  if (events == NULL)
    {
      CHECK (g_error_matches (error, KBD_ERROR, KBD_ERROR_NOT_FOUND),
             "reading while full: %s", error->message);
      return 0;
    }
  return events->len;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(KbdHistory) history = NULL;
  g_autoptr(KbdSession) before = NULL;
  g_autoptr(KbdSession) during = NULL;
  g_autoptr(GPtrArray) in_memory = NULL;
  g_autofree char *db = NULL;
  g_autofree char *filler = NULL;
  g_autofree char *note = g_strnfill (6000, 'n');
  gboolean full = FALSE;
  guint n_notes;

  if (argc != 3)
    {
      fprintf (stderr, "usage: history-diskfull DIR ARTICLE\n");
      return 2;
    }
  db = g_build_filename (argv[1], "history.db", NULL);
  filler = g_build_filename (argv[1], "filler", NULL);

  article = kbd_article_new_from_file (argv[2], KBD_LOAD_FLAGS_NONE, &error);
  CHECK (article != NULL, "%s", error->message);
  history = kbd_history_new (db, &error);
  CHECK (history != NULL, "%s", error->message);

  /* A finished session from before the disk filled up. */
  before = kbd_session_new (article, "Ada", "INC-before");
  kbd_history_attach (history, before);
  CHECK (kbd_session_choose (before, "yes", NULL), "choose");
  CHECK (kbd_session_add_note (before, "recorded while there was space", NULL), "note");
  CHECK (kbd_history_flush (history, &error), "%s", error->message);

  fill_disk (filler);
  printf ("filled\n");

  /* Notes go on until the database cannot grow any more: the WAL may
   * still have room from earlier transactions at first. */
  during = kbd_session_new (article, "Ada", "INC-during");
  kbd_history_attach (history, during);
  for (n_notes = 0; n_notes < 400 && !full; n_notes++)
    {
      CHECK (kbd_session_add_note (during, note, NULL), "note");
      if (!kbd_history_flush (history, &error))
        {
          CHECK (g_error_matches (error, KBD_ERROR, KBD_ERROR_DISK_FULL),
                 "expected a disk-full error, got: %s", error->message);
          CHECK (strstr (error->message, db) != NULL,
                 "the error does not name the file: %s", error->message);
          printf ("error: %s\n", error->message);
          g_clear_error (&error);
          full = TRUE;
        }
    }
  CHECK (full, "400 notes of 6000 bytes were written to a full disk");
  CHECK (kbd_history_get_pending (history) > 0, "nothing is queued after the error");

  /* The session is whole in memory. */
  in_memory = kbd_session_get_events (during);
  CHECK (in_memory->len == n_notes + 1, "%u events in memory, expected %u", in_memory->len, n_notes + 1);

  /* Reading still works, on the same history… */
  CHECK (stored_events (history, before) == 3, "the earlier session is not readable in full");
  CHECK (stored_events (history, during) < in_memory->len, "more stored than could fit");
  CHECK (kbd_history_count_sessions (history, NULL, &error) >= 1, "count while full");
  printf ("readable\n");

  /* … and on a second history opened while the disk is full. */
  {
    g_autoptr(KbdHistory) second = kbd_history_new (db, &error);
    g_autoptr(GPtrArray) hits = NULL;

    CHECK (second != NULL, "opening a second history while full: %s", error->message);
    CHECK (stored_events (second, before) == 3, "the second history cannot read the earlier session");
    hits = kbd_history_search (second, "INC-before", 10, &error);
    CHECK (hits != NULL, "searching while full: %s", error->message);
    CHECK (hits->len == 1, "search while full found %u sessions", hits->len);
    printf ("second reader\n");
  }

  /* Space returns: everything queued is written, once. */
  CHECK (g_unlink (filler) == 0, "removing the filler: %s", g_strerror (errno));
  CHECK (kbd_history_flush (history, &error), "after freeing space: %s", error->message);
  CHECK (kbd_history_get_pending (history) == 0, "still pending after space returned");
  CHECK (stored_events (history, during) == in_memory->len,
         "%u of %u events stored after space returned", stored_events (history, during), in_memory->len);
  CHECK (kbd_history_count_sessions (history, NULL, &error) == 2, "expected two sessions");
  printf ("recovered %u events\n", in_memory->len);

  return 0;
}
