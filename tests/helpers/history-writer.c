/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "kbdecide.h"

/* Records random walks of an article into a history database for ever,
 * printing "ack UUID" for every event once kbd_history_flush() said it is
 * on disk. The crash-loop test kills it at random moments; given SECONDS,
 * it stops by itself, and any write error goes to stderr. */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(KbdHistory) history = NULL;
  GRand *rand;

  gint64 deadline = G_MAXINT64;

  if (argc != 4 && argc != 5)
    {
      fprintf (stderr, "usage: history-writer DB ARTICLE SEED [SECONDS]\n");
      return 2;
    }
  if (argc == 5)
    deadline = g_get_monotonic_time () + g_ascii_strtoll (argv[4], NULL, 10) * G_USEC_PER_SEC;

  article = kbd_article_new_from_file (argv[2], KBD_LOAD_FLAGS_NONE, &error);
  if (article == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  history = kbd_history_new (argv[1], &error);
  if (history == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  rand = g_rand_new_with_seed ((guint32) g_ascii_strtoull (argv[3], NULL, 10));

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(KbdSession) session = kbd_session_new (article, "crash-loop", NULL);
      guint acked = 0;

      kbd_history_attach (history, session);
      for (guint moves = 0; !kbd_session_get_finished (session) && moves < 30; moves++)
        {
          KbdNode *node = kbd_session_get_current_node (session);
          g_autoptr(GPtrArray) events = NULL;

          if (g_rand_int_range (rand, 0, 5) == 0)
            kbd_session_add_note (session, "a note written just before a crash", NULL);
          if (kbd_node_get_kind (node) == KBD_NODE_QUESTION)
            {
              guint n;

              kbd_node_get_answers (node, &n);
              kbd_session_choose_index (session, g_rand_int_range (rand, 0, n), NULL);
            }
          else
            kbd_session_advance (session, NULL);

          if (!kbd_history_flush (history, &error))
            {
              fprintf (stderr, "%s\n", error->message);
              g_clear_error (&error);
              continue;
            }

          events = kbd_session_get_events (session);
          for (; acked < events->len; acked++)
            printf ("ack %s %s\n", kbd_session_get_uuid (session),
                    kbd_event_get_uuid (g_ptr_array_index (events, acked)));
          fflush (stdout);
        }
    }

  g_rand_free (rand);
  return 0;
}
